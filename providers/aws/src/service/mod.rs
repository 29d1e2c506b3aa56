//! Resources and data sources, one folder per AWS service, one file per
//! type.

pub mod apigateway;
pub mod autoscaling;
pub mod dynamodb;
pub mod ec2;
pub mod elasticbeanstalk;
pub mod elbv2;
pub mod iam;
pub mod lambda;
pub mod s3;
pub mod sts;

use crate::ctx::Ctx;
use crate::obj::{string_map, Obj, State};
use std::collections::BTreeMap;
use tfrs_provider::{Type, Value};

/// `tags_all` becomes unknown when `tags` change (the provider merges them
/// with default_tags when applying).
pub fn plan_tags_all(prior: &Value, planned: Value) -> Value {
    let Value::Object(mut m) = planned else {
        return planned;
    };
    let tags_changed = match (prior.get_attr("tags"), m.get("tags")) {
        (Some(a), Some(b)) => !a.raw_equal(b),
        (None, Some(b)) => !b.is_null(),
        _ => false,
    };
    if prior.is_null() || tags_changed {
        m.insert("tags_all".into(), Value::Unknown(Type::map(Type::String)));
    }
    Value::Object(m)
}

/// A unique ID as the provider makes them for generated names: the UTC
/// time to the ten-thousandth of a second, then an 8-digit hex counter
/// (`20261128100137404400000001`, 26 characters).
pub fn unique_id() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(1);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}{:02}{:02}{:02}{:04}{:08x}",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60,
        now.subsec_nanos() / 100_000,
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// The name to create: the configured one, else the prefix (or
/// `terraform-`) and a unique ID.
pub fn generated_name(name: Option<&str>, prefix: Option<&str>) -> String {
    match name {
        Some(n) => n.to_string(),
        None => format!("{}{}", prefix.unwrap_or("terraform-"), unique_id()),
    }
}

/// The prefix of a name made by [`generated_name`] from a prefix; empty
/// for other names.
pub fn name_prefix_from_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() <= 26 {
        return String::new();
    }
    let (prefix, suffix) = chars.split_at(chars.len() - 26);
    let generated = suffix[..18].iter().all(char::is_ascii_digit)
        && suffix[18..].iter().all(char::is_ascii_hexdigit);
    if generated {
        prefix.iter().collect()
    } else {
        String::new()
    }
}

/// `tags` and `tags_all` from the tags AWS reports: `tags_all` is what
/// `ignore_tags` lets through, `tags` that without the provider's
/// `default_tags`. No tags stay as the base had them (null or empty), so
/// that an unset `tags` plans no change.
pub fn tags_state(
    c: &crate::ctx::Ctx,
    base: &Value,
    remote: std::collections::BTreeMap<String, String>,
) -> (Value, Value) {
    let all = c.visible_tags(remote);
    let own: std::collections::BTreeMap<String, String> = all
        .iter()
        .filter(|(k, v)| c.default_tags.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let base_tags = base.get_attr("tags").filter(|t| !t.is_null());
    let tags = if own.is_empty() && base_tags.is_none() {
        Value::Null(Type::map(Type::String))
    } else {
        crate::obj::string_map(own)
    };
    (tags, crate::obj::string_map(all))
}

/// Sets `tags_all` (the tags AWS reports, less ignored ones) and `tags`
/// (the resource's own: what the configuration in `prior` sets, and tags
/// that are not the provider's default_tags; null when neither has any).
pub fn read_tags(c: &Ctx, s: State, prior: &Value, aws: BTreeMap<String, String>) -> State {
    let tags = c.visible_tags(aws);
    let p = Obj(prior);
    let configured = p.map_str("tags");
    let own: BTreeMap<String, String> = tags
        .iter()
        .filter(|(k, v)| configured.get(*k) == Some(v) || c.default_tags.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let own = if own.is_empty() && p.get("tags").is_none() {
        None
    } else {
        Some(string_map(own))
    };
    s.set("tags_all", string_map(tags)).set("tags", own)
}

/// What changes from tags `old` to `new`: keys to remove, and tags to
/// add or change.
pub fn tag_changes(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> (Vec<String>, BTreeMap<String, String>) {
    let removed = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    let upserts = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (removed, upserts)
}
