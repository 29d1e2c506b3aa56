//! data aws_ami: one image by owners, filters (EC2's wildcards `*` and
//! `?` work in filter values) and `name_regex`; `most_recent` picks the
//! newest of several.

use super::{filter_block, filters, tag_map, timeouts_block};
use crate::ctx::Ctx;
use crate::error::{sdk, Error, Result};
use crate::obj::{object, string_map, Obj, State};
use crate::regex::Regex;
use crate::DataSource;
use aws_sdk_ec2::types::Image;
use std::collections::BTreeMap;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct Ami;

fn bdm_type() -> Type {
    Type::object(
        [
            ("device_name", Type::String),
            ("ebs", Type::map(Type::String)),
            ("no_device", Type::String),
            ("virtual_name", Type::String),
        ]
        .into_iter()
        .map(|(k, t)| (k.to_string(), t))
        .collect(),
    )
}

fn product_code_type() -> Type {
    Type::object(
        [
            ("product_code_id", Type::String),
            ("product_code_type", Type::String),
        ]
        .into_iter()
        .map(|(k, t)| (k.to_string(), t))
        .collect(),
    )
}

fn block() -> Block {
    let mut b = Block::new()
        .attr("id", Attribute::optional_computed(Type::String))
        .attr(
            "executable_users",
            Attribute::optional(Type::list(Type::String)),
        )
        .attr("include_deprecated", Attribute::optional(Type::Bool))
        .attr("most_recent", Attribute::optional(Type::Bool))
        .attr("name_regex", Attribute::optional(Type::String))
        .attr("owners", Attribute::optional(Type::list(Type::String)))
        .attr("uefi_data", Attribute::optional(Type::String))
        .attr(
            "tags",
            Attribute::optional_computed(Type::map(Type::String)),
        )
        .attr(
            "block_device_mappings",
            Attribute::computed(Type::set(bdm_type())),
        )
        .attr(
            "product_codes",
            Attribute::computed(Type::set(product_code_type())),
        )
        .attr("state_reason", Attribute::computed(Type::map(Type::String)))
        .attr("ena_support", Attribute::computed(Type::Bool))
        .attr("public", Attribute::computed(Type::Bool));
    for k in [
        "architecture",
        "arn",
        "boot_mode",
        "creation_date",
        "deprecation_time",
        "description",
        "hypervisor",
        "image_id",
        "image_location",
        "image_owner_alias",
        "image_type",
        "imds_support",
        "kernel_id",
        "last_launched_time",
        "name",
        "owner_id",
        "platform",
        "platform_details",
        "ramdisk_id",
        "root_device_name",
        "root_device_type",
        "root_snapshot_id",
        "sriov_net_support",
        "state",
        "tpm_support",
        "usage_operation",
        "virtualization_type",
    ] {
        b = b.attr(k, Attribute::computed(Type::String));
    }
    timeouts_block(filter_block(b), &["read"])
}

fn block_device_mappings(img: &Image) -> Value {
    let items = img
        .block_device_mappings()
        .iter()
        .map(|m| {
            let mut ebs = BTreeMap::new();
            if let Some(e) = m.ebs() {
                let num = |v: Option<i32>| v.unwrap_or(0).to_string();
                for (k, v) in [
                    (
                        "delete_on_termination",
                        e.delete_on_termination().unwrap_or(false).to_string(),
                    ),
                    ("encrypted", e.encrypted().unwrap_or(false).to_string()),
                    ("iops", num(e.iops())),
                    (
                        "snapshot_id",
                        e.snapshot_id().unwrap_or_default().to_string(),
                    ),
                    ("throughput", num(e.throughput())),
                    (
                        "volume_initialization_rate",
                        num(e.volume_initialization_rate()),
                    ),
                    ("volume_size", num(e.volume_size())),
                    (
                        "volume_type",
                        e.volume_type()
                            .map(|t| t.as_str().to_string())
                            .unwrap_or_default(),
                    ),
                ] {
                    ebs.insert(k.to_string(), v);
                }
            }
            object(vec![
                ("device_name", m.device_name().unwrap_or_default().into()),
                ("ebs", string_map(ebs).into()),
                ("no_device", m.no_device().unwrap_or_default().into()),
                ("virtual_name", m.virtual_name().unwrap_or_default().into()),
            ])
        })
        .collect();
    Value::set(bdm_type(), items)
}

/// The snapshot of the root device's block device mapping.
fn root_snapshot_id(img: &Image) -> String {
    img.block_device_mappings()
        .iter()
        .find(|m| m.device_name().is_some() && m.device_name() == img.root_device_name())
        .and_then(|m| m.ebs())
        .and_then(|e| e.snapshot_id())
        .unwrap_or_default()
        .to_string()
}

fn state_of(c: &Ctx, config: &Value, img: &Image) -> Value {
    let o = Obj(config);
    let id = img.image_id().unwrap_or_default().to_string();
    let s = |v: Option<&str>| v.unwrap_or_default().to_string();
    let e = |v: Option<&str>| v.unwrap_or_default().to_string();
    let reason: BTreeMap<String, String> = match img.state_reason() {
        Some(r) => [
            ("code".to_string(), s(r.code())),
            ("message".to_string(), s(r.message())),
        ]
        .into(),
        None => [
            ("code".to_string(), "UNSET".to_string()),
            ("message".to_string(), "UNSET".to_string()),
        ]
        .into(),
    };
    let product_codes = img
        .product_codes()
        .iter()
        .map(|p| {
            object(vec![
                ("product_code_id", s(p.product_code_id()).into()),
                (
                    "product_code_type",
                    p.product_code_type()
                        .map(|t| t.as_str().to_string())
                        .unwrap_or_default()
                        .into(),
                ),
            ])
        })
        .collect();
    State::from(&block(), config)
        .set("id", id.clone())
        .set("image_id", id.clone())
        .set(
            "arn",
            format!("arn:{}:ec2:{}::image/{id}", c.partition(), c.region),
        )
        .set("most_recent", o.bool("most_recent").unwrap_or(false))
        .set(
            "include_deprecated",
            o.bool("include_deprecated").unwrap_or(false),
        )
        .set(
            "architecture",
            img.architecture().map(|a| a.as_str().to_string()),
        )
        .set("block_device_mappings", block_device_mappings(img))
        .set("boot_mode", e(img.boot_mode().map(|b| b.as_str())))
        .set("creation_date", s(img.creation_date()))
        .set("deprecation_time", s(img.deprecation_time()))
        .set("description", s(img.description()))
        .set("ena_support", img.ena_support().unwrap_or(false))
        .set("hypervisor", e(img.hypervisor().map(|h| h.as_str())))
        .set("image_location", s(img.image_location()))
        .set("image_owner_alias", s(img.image_owner_alias()))
        .set("image_type", e(img.image_type().map(|t| t.as_str())))
        .set("imds_support", e(img.imds_support().map(|t| t.as_str())))
        .set("kernel_id", s(img.kernel_id()))
        .set("last_launched_time", s(img.last_launched_time()))
        .set("name", s(img.name()))
        .set("owner_id", s(img.owner_id()))
        .set("platform", e(img.platform().map(|p| p.as_str())))
        .set("platform_details", s(img.platform_details()))
        .set(
            "product_codes",
            Value::set(product_code_type(), product_codes),
        )
        .set("public", img.public().unwrap_or(false))
        .set("ramdisk_id", s(img.ramdisk_id()))
        .set("root_device_name", s(img.root_device_name()))
        .set(
            "root_device_type",
            e(img.root_device_type().map(|t| t.as_str())),
        )
        .set("root_snapshot_id", root_snapshot_id(img))
        .set("sriov_net_support", s(img.sriov_net_support()))
        .set("state", e(img.state().map(|t| t.as_str())))
        .set("state_reason", string_map(reason))
        .set("tags", string_map(c.visible_tags(tag_map(img.tags()))))
        .set("tpm_support", e(img.tpm_support().map(|t| t.as_str())))
        .set("usage_operation", s(img.usage_operation()))
        .set(
            "virtualization_type",
            e(img.virtualization_type().map(|t| t.as_str())),
        )
        .build()
}

fn regex_of(config: &Value) -> std::result::Result<Option<Regex>, String> {
    match Obj(config).str("name_regex") {
        Some(p) => Regex::new(p)
            .map(Some)
            .map_err(|e| format!("\"name_regex\": {e}")),
        None => Ok(None),
    }
}

impl DataSource for Ami {
    fn name(&self) -> &'static str {
        "aws_ami"
    }
    fn schema(&self) -> Schema {
        Schema::new(block())
    }
    fn validate(&self, config: &Value) -> Diags {
        match regex_of(config) {
            Err(e) => vec![Diag::error(e, "")],
            Ok(_) => Vec::new(),
        }
    }
    fn read(&self, c: &Ctx, config: &Value) -> Result<Value> {
        let o = Obj(config);
        let name_regex = regex_of(config).map_err(|e| Error::new(e, ""))?;
        let fs = filters(&o);
        let req = c
            .ec2()
            .describe_images()
            .set_executable_users(Some(o.list_str("executable_users")).filter(|v| !v.is_empty()))
            .set_owners(Some(o.list_str("owners")).filter(|v| !v.is_empty()))
            .set_filters(Some(fs).filter(|f| !f.is_empty()))
            .set_include_deprecated(o.bool("include_deprecated"));
        let images: Vec<Image> = c.run(async {
            let mut out = Vec::new();
            let mut pages = req.into_paginator().send();
            while let Some(page) = pages.next().await {
                let page =
                    page.map_err(|e| sdk("ec2:DescribeImages", e).context("reading EC2 AMIs"))?;
                out.extend(page.images().iter().cloned());
            }
            Ok::<_, Error>(out)
        })?;
        let mut matching: Vec<&Image> = images
            .iter()
            .filter(|img| {
                name_regex
                    .as_ref()
                    .is_none_or(|re| re.is_match(img.name().unwrap_or_default()))
            })
            .collect();
        if matching.is_empty() {
            return Err(Error::new(
                "Your query returned no results. Please change your search criteria and try again.",
                "",
            ));
        }
        if matching.len() > 1 && !o.flag("most_recent") {
            return Err(Error::new(
                "Your query returned more than one result. Please try a more specific search criteria, or set `most_recent` attribute to true.",
                "",
            ));
        }
        // The newest; of equally new images, the first AWS listed.
        // Creation dates are RFC 3339 in one format, so they sort as text.
        let mut newest = matching.remove(0);
        for img in matching {
            if img.creation_date() > newest.creation_date() {
                newest = img;
            }
        }
        Ok(state_of(c, config, newest))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_regex_is_checked() {
        let ty = block().value_type();
        let config =
            tfrs_provider::json::from_json(&serde_json::json!({"name_regex": "^amzn2-("}), &ty)
                .expect("config");
        let diags = Ami.validate(&config);
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0]
                .summary
                .starts_with("\"name_regex\": error parsing regexp"),
            "{}",
            diags[0].summary
        );
    }
}
