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

/// The name to create: the configured one, else the prefix (or
/// `terraform-`) and a unique ID ([`crate::naming`]).
pub fn generated_name(name: Option<&str>, prefix: Option<&str>) -> String {
    crate::naming::name(name, prefix)
}

/// The prefix of a name made by [`generated_name`] from a prefix; empty
/// for other names.
pub fn name_prefix_from_name(name: &str) -> String {
    crate::naming::prefix_from_name(name).unwrap_or_default()
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
