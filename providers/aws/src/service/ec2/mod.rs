//! Amazon EC2 (VPC networking, instances, launch templates).

pub mod ami;
pub mod availability_zones;
pub mod compute_shared;
pub mod instance;
pub mod key_pair;
pub mod launch_template;
pub mod security_group;
pub mod security_group_data_source;
pub mod security_group_rule;
pub mod subnet;
pub mod subnet_ids;
pub mod subnets;
pub mod user_data;
pub mod vpc;
pub mod vpc_security_group_egress_rule;
pub mod vpc_security_group_ingress_rule;

use crate::ctx::Ctx;
use crate::error::{sdk, Result};
use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};
use std::collections::BTreeMap;
use tfrs_provider::{Attribute, Block, Nesting, Type};

/// The `filter { name, values }` blocks of EC2 data sources.
pub fn filter_block(b: Block) -> Block {
    b.block(
        "filter",
        Nesting::Set,
        Block::new()
            .attr("name", Attribute::required(Type::String))
            .attr("values", Attribute::required(Type::set(Type::String))),
    )
}

pub fn filters(o: &crate::obj::Obj) -> Vec<Filter> {
    o.blocks("filter")
        .iter()
        .map(|f| {
            Filter::builder()
                .name(f.req("name"))
                .set_values(Some(f.list_str("values")))
                .build()
        })
        .collect()
}

/// Tags as EC2 filters (`tag:Name` = value).
pub fn tag_filters(o: &crate::obj::Obj) -> Vec<Filter> {
    o.map_str("tags")
        .into_iter()
        .map(|(k, v)| Filter::builder().name(format!("tag:{k}")).values(v).build())
        .collect()
}

/// EC2 tags as a map.
pub fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn tags_of(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// The `TagSpecifications` of a create call (none without tags).
pub fn tag_specs(
    kind: ResourceType,
    tags: &BTreeMap<String, String>,
) -> Option<Vec<TagSpecification>> {
    if tags.is_empty() {
        return None;
    }
    Some(vec![TagSpecification::builder()
        .resource_type(kind)
        .set_tags(Some(tags_of(tags)))
        .build()])
}

/// Changes an EC2 object's tags from `old` to `new`: DeleteTags for keys
/// that went away, CreateTags for keys added or changed.
pub async fn update_tags(
    c: &Ctx,
    id: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Result<()> {
    let removed: Vec<Tag> = old
        .keys()
        .filter(|k| !new.contains_key(*k))
        .map(|k| Tag::builder().key(k).build())
        .collect();
    if !removed.is_empty() {
        c.ec2()
            .delete_tags()
            .resources(id)
            .set_tags(Some(removed))
            .send()
            .await
            .map_err(|e| sdk("ec2:DeleteTags", e))?;
    }
    let changed: BTreeMap<String, String> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !changed.is_empty() {
        c.ec2()
            .create_tags()
            .resources(id)
            .set_tags(Some(tags_of(&changed)))
            .send()
            .await
            .map_err(|e| sdk("ec2:CreateTags", e))?;
    }
    Ok(())
}

/// The `timeouts` block, accepted as hashicorp/aws accepts it; the waits
/// use the provider's default durations.
pub fn timeouts_block(b: Block, names: &[&str]) -> Block {
    let mut t = Block::new();
    for n in names {
        t = t.attr(n, Attribute::optional(Type::String));
    }
    b.block("timeouts", Nesting::Single, t)
}

/// The name and values of an EC2 filter.
pub fn filter(name: &str, value: impl Into<String>) -> Filter {
    Filter::builder().name(name).values(value).build()
}
