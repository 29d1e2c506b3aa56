//! Elastic Load Balancing v2: application and network load balancers,
//! target groups, listeners and their rules.

pub mod action;
pub mod listener;
pub mod listener_rule;
pub mod load_balancer;
pub mod target_group;
pub mod target_group_attachment;

use crate::ctx::Ctx;
use crate::error::{sdk, Result};
use crate::obj::{string_map, Obj, State};
use aws_sdk_elasticloadbalancingv2::types::Tag;
use std::collections::BTreeMap;
use tfrs_provider::schema::NestedBlock;
use tfrs_provider::{Block, Nesting, Type, Value};

/// A nested block that repeats at most `max` times (0: no limit), at least `min`.
pub fn nested(nesting: Nesting, block: Block, min: usize, max: usize) -> NestedBlock {
    NestedBlock {
        nesting,
        block,
        min_items: min,
        max_items: max,
        force_new: false,
    }
}

/// Tags as the API takes them.
pub fn sdk_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// The tags of one ELBv2 resource.
pub async fn read_tags(c: &Ctx, arn: &str) -> Result<BTreeMap<String, String>> {
    let out = c
        .elbv2()
        .describe_tags()
        .resource_arns(arn)
        .send()
        .await
        .map_err(|e| sdk("elasticloadbalancing:DescribeTags", e))?;
    Ok(out
        .tag_descriptions()
        .iter()
        .filter(|d| d.resource_arn() == Some(arn))
        .flat_map(|d| d.tags())
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect())
}

/// Brings a resource's tags from `old` to `new` (both with default_tags).
pub async fn update_tags(
    c: &Ctx,
    arn: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Result<()> {
    let removed: Vec<String> = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .cloned()
        .collect();
    if !removed.is_empty() {
        c.elbv2()
            .remove_tags()
            .resource_arns(arn)
            .set_tag_keys(Some(removed))
            .send()
            .await
            .map_err(|e| sdk("elasticloadbalancing:RemoveTags", e))?;
    }
    let changed: BTreeMap<String, String> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !changed.is_empty() {
        c.elbv2()
            .add_tags()
            .resource_arns(arn)
            .set_tags(Some(sdk_tags(&changed)))
            .send()
            .await
            .map_err(|e| sdk("elasticloadbalancing:AddTags", e))?;
    }
    Ok(())
}

/// `tags` (what is configured beyond default_tags) and `tags_all` from the
/// tags AWS reports.
pub fn with_tag_state(c: &Ctx, s: State, base: &Value, tags: BTreeMap<String, String>) -> State {
    let tags = c.visible_tags(tags);
    let configured = Obj(base).map_str("tags");
    let own: BTreeMap<String, String> = tags
        .iter()
        .filter(|(k, v)| configured.get(*k) == Some(v) || c.default_tags.get(*k) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let tags_value = if own.is_empty() && Obj(base).get("tags").is_none() {
        None
    } else {
        Some(string_map(own))
    };
    s.set("tags", tags_value).set("tags_all", string_map(tags))
}

/// The digits the provider appends to a name prefix.
const UNIQUE_SUFFIX_LEN: usize = 26;

/// A name from `name`, or `prefix` (or `default_prefix`) and a unique
/// suffix, as the provider generates them.
pub fn generate_name(name: Option<&str>, prefix: Option<&str>, default_prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    if let Some(n) = name {
        return n.to_string();
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let count = COUNTER.fetch_add(1, Ordering::SeqCst) % 10_000_000;
    format!(
        "{}{:010}{:09}{:07}",
        prefix.unwrap_or(default_prefix),
        now.as_secs() % 10_000_000_000,
        now.subsec_nanos(),
        count
    )
}

/// The prefix of a generated name (`name_prefix`), if it is one.
pub fn name_prefix_of(name: &str) -> Option<String> {
    let cut = name.len().checked_sub(UNIQUE_SUFFIX_LEN)?;
    let (prefix, suffix) = name.split_at_checked(cut)?;
    suffix
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| prefix.to_string())
}

/// A block AWS fills when the configuration leaves it out (SDKv2's
/// Optional+Computed blocks): an empty planned block keeps the prior
/// value, or is unknown on create.
pub fn computed_block(m: &mut BTreeMap<String, Value>, prior: &Value, key: &str) {
    let empty = m
        .get(key)
        .and_then(Value::elements)
        .is_some_and(|e| e.is_empty());
    if !empty {
        return;
    }
    let ty = m.get(key).map(Value::ty).unwrap_or(Type::Dynamic);
    let prior_value = prior
        .get_attr(key)
        .filter(|v| !prior.is_null() && !v.is_null());
    let v = match prior_value {
        Some(p) => p.clone(),
        None => Value::Unknown(ty),
    };
    m.insert(key.to_string(), v);
}

/// Whether the planned value of `key` differs from the prior one.
pub fn changed(prior: &Value, planned: &Value, key: &str) -> bool {
    match (prior.get_attr(key), planned.get_attr(key)) {
        (Some(a), Some(b)) => !b.is_wholly_known() || !a.raw_equal(b),
        (None, Some(b)) => !b.is_null(),
        _ => false,
    }
}

/// The part of an ELBv2 ARN after `marker` (`arn_suffix`).
pub fn arn_suffix(arn: &str, marker: &str, keep_marker: bool) -> String {
    match arn.find(marker) {
        Some(i) if keep_marker => arn[i + 1..].to_string(),
        Some(i) => arn[i + marker.len()..].to_string(),
        None => String::new(),
    }
}

/// An optional string the API reports as empty when unset: null unless
/// the prior value was the empty string (null and "" are one to SDKv2).
pub fn opt_str(api: Option<&str>, prior: Option<&Value>) -> Option<String> {
    match api {
        Some(s) if !s.is_empty() => Some(s.to_string()),
        _ if prior.and_then(Value::as_str) == Some("") => Some(String::new()),
        _ => None,
    }
}
