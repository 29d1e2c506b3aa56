//! Elastic Beanstalk: applications, their versions and environments, and
//! the solution stack and hosted zone data sources.

pub mod application;
pub mod application_version;
pub mod environment;
pub mod hosted_zone;
pub mod solution_stack;

use crate::ctx::Ctx;
use crate::error::{sdk, Result};
use aws_sdk_elasticbeanstalk::types::Tag;
use std::collections::BTreeMap;
use tfrs_provider::Value;

/// Tags Elastic Beanstalk sets itself (`elasticbeanstalk:environment-id`,
/// `Name`, ...): hashicorp/aws leaves them out of `tags` and `tags_all`.
fn is_system_tag(key: &str) -> bool {
    key.starts_with("aws:") || key.starts_with("elasticbeanstalk:") || key == "Name"
}

/// The tags of an application, version or environment, without the
/// service's own.
pub(crate) async fn list_tags(c: &Ctx, arn: &str) -> Result<BTreeMap<String, String>> {
    let out = c
        .elasticbeanstalk()
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(|e| sdk("elasticbeanstalk:ListTagsForResource", e))?;
    Ok(out
        .resource_tags()
        .iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .filter(|(k, _)| !is_system_tag(k))
        .collect())
}

/// Changes the tags of `arn` from `old` to `new` (one call, as AWS takes
/// both lists together).
pub(crate) async fn update_tags(
    c: &Ctx,
    arn: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Result<()> {
    let (removed, upserts) = crate::service::tag_changes(old, new);
    if removed.is_empty() && upserts.is_empty() {
        return Ok(());
    }
    c.elasticbeanstalk()
        .update_tags_for_resource()
        .resource_arn(arn)
        .set_tags_to_add(tags_in(&upserts))
        .set_tags_to_remove((!removed.is_empty()).then_some(removed))
        .send()
        .await
        .map_err(|e| sdk("elasticbeanstalk:UpdateTagsForResource", e))?;
    Ok(())
}

/// Tags for a create call; none when empty.
pub(crate) fn tags_in(tags: &BTreeMap<String, String>) -> Option<Vec<Tag>> {
    (!tags.is_empty()).then(|| {
        tags.iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect()
    })
}

/// A description as the state keeps it: AWS's; when AWS reports none (it
/// omits an empty one), what the state had, so that an unset description
/// stays null and an empty one stays empty.
pub(crate) fn description(aws: Option<&str>, base: &Value) -> Option<String> {
    match aws.filter(|d| !d.is_empty()) {
        Some(d) => Some(d.to_string()),
        None => base
            .get_attr("description")
            .and_then(Value::as_str)
            .filter(|d| d.is_empty())
            .map(String::from),
    }
}

/// Whether attribute `k` differs between the prior state and the plan.
pub(crate) fn changed(prior: &Value, plan: &Value, k: &str) -> bool {
    match (prior.get_attr(k), plan.get_attr(k)) {
        (Some(a), Some(b)) => !a.raw_equal(b),
        (None, None) => false,
        _ => true,
    }
}
