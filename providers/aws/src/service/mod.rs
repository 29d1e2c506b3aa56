//! Resources and data sources, one folder per AWS service, one file per
//! type.

pub mod dynamodb;
pub mod ec2;
pub mod iam;
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
