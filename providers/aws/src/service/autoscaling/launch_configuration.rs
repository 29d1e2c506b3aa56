//! aws_launch_configuration
//!
//! Launch configurations cannot change: every argument replaces it. The
//! state keeps `user_data` as the SHA-1 hex digest of the decoded user
//! data, as hashicorp/aws does.

use super::is_missing;
use crate::ctx::Ctx;
use crate::error::{sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::service::ec2::compute_shared::{
    blocks, computed_block, conflicts, elem, image_root_device, keep_zero_values, nested, settle,
    string_set,
};
use crate::service::ec2::user_data;
use crate::wait::retry_eventual;
use crate::{naming, Outcome, Resource};
use aws_sdk_autoscaling::types::{
    BlockDeviceMapping, Ebs, InstanceMetadataEndpointState, InstanceMetadataHttpTokensState,
    InstanceMetadataOptions, InstanceMonitoring,
};
use std::collections::BTreeMap;
use std::time::Duration;
use tfrs_provider::path::AttrPath;
use tfrs_provider::provider::Diags;
use tfrs_provider::schema::NestedBlock;
use tfrs_provider::{Attribute, Block, Nesting, Schema, Type, Value};

pub struct LaunchConfiguration;

fn nb(nesting: Nesting, block: Block, max_items: usize) -> NestedBlock {
    NestedBlock {
        nesting,
        block,
        min_items: 0,
        max_items,
        force_new: true,
    }
}

fn block() -> Block {
    let fnew = |a: Attribute| a.force_new();
    let oc = |t: Type| Attribute::optional_computed(t).force_new();
    let o = |t: Type| Attribute::optional(t).force_new();
    let delete_on_termination = || fnew(Attribute::optional(Type::Bool).default(Value::Bool(true)));
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("arn", Attribute::computed(Type::String))
        .attr("name", oc(Type::String))
        .attr("name_prefix", oc(Type::String))
        .attr("image_id", fnew(Attribute::required(Type::String)))
        .attr("instance_type", fnew(Attribute::required(Type::String)))
        .attr("iam_instance_profile", o(Type::String))
        .attr("key_name", oc(Type::String))
        .attr("security_groups", o(Type::set(Type::String)))
        .attr("associate_public_ip_address", oc(Type::Bool))
        .attr("user_data", o(Type::String))
        .attr("user_data_base64", o(Type::String))
        .attr(
            "enable_monitoring",
            fnew(Attribute::optional(Type::Bool).default(Value::Bool(true))),
        )
        .attr("ebs_optimized", oc(Type::Bool))
        .attr("placement_tenancy", o(Type::String))
        .attr("spot_price", o(Type::String))
        .block_with(
            "root_block_device",
            nb(
                Nesting::List,
                Block::new()
                    .attr("delete_on_termination", delete_on_termination())
                    .attr("encrypted", oc(Type::Bool))
                    .attr("iops", oc(Type::Number))
                    .attr("throughput", oc(Type::Number))
                    .attr("volume_size", oc(Type::Number))
                    .attr("volume_type", oc(Type::String)),
                1,
            ),
        )
        .block_with(
            "ebs_block_device",
            nb(
                Nesting::Set,
                Block::new()
                    .attr("delete_on_termination", delete_on_termination())
                    .attr("device_name", fnew(Attribute::required(Type::String)))
                    .attr("encrypted", oc(Type::Bool))
                    .attr("iops", oc(Type::Number))
                    .attr("no_device", o(Type::Bool))
                    .attr("snapshot_id", oc(Type::String))
                    .attr("throughput", oc(Type::Number))
                    .attr("volume_size", oc(Type::Number))
                    .attr("volume_type", oc(Type::String)),
                0,
            ),
        )
        .block_with(
            "ephemeral_block_device",
            nb(
                Nesting::Set,
                Block::new()
                    .attr("device_name", fnew(Attribute::required(Type::String)))
                    .attr("no_device", o(Type::Bool))
                    .attr("virtual_name", o(Type::String)),
                0,
            ),
        )
        .block_with(
            "metadata_options",
            nb(
                Nesting::List,
                Block::new()
                    .attr("http_endpoint", oc(Type::String))
                    .attr("http_put_response_hop_limit", oc(Type::Number))
                    .attr("http_tokens", oc(Type::String)),
                1,
            ),
        )
}

fn ebs_of(e: &Obj, with_snapshot: bool) -> Ebs {
    Ebs::builder()
        .set_delete_on_termination(e.bool("delete_on_termination"))
        .set_encrypted(e.bool("encrypted").filter(|v| *v))
        .set_iops(e.i32("iops").filter(|v| *v > 0))
        .set_throughput(e.i32("throughput").filter(|v| *v > 0))
        .set_volume_size(e.i32("volume_size").filter(|v| *v > 0))
        .set_volume_type(e.string("volume_type").filter(|v| !v.is_empty()))
        .set_snapshot_id(
            e.string("snapshot_id")
                .filter(|v| with_snapshot && !v.is_empty()),
        )
        .build()
}

async fn block_device_mappings(c: &Ctx, p: &Obj<'_>) -> Result<Vec<BlockDeviceMapping>> {
    let root_device = image_root_device(c, p.req("image_id"))
        .await?
        .unwrap_or_default();
    let mut out = Vec::new();
    for e in p.blocks("ebs_block_device") {
        let device = e.req("device_name");
        if device == root_device {
            return Err(Error::new(
                "Invalid ebs_block_device",
                format!("root device ({root_device}) declared as an 'ebs_block_device'. Use 'root_block_device' argument."),
            ));
        }
        let mut m = BlockDeviceMapping::builder().device_name(device);
        m = if e.flag("no_device") {
            m.no_device(true)
        } else {
            m.ebs(ebs_of(&e, true))
        };
        out.push(m.build());
    }
    for e in p.blocks("ephemeral_block_device") {
        out.push(
            BlockDeviceMapping::builder()
                .device_name(e.req("device_name"))
                .set_no_device(e.bool("no_device").filter(|v| *v))
                .set_virtual_name(e.string("virtual_name").filter(|v| !v.is_empty()))
                .build(),
        );
    }
    if let Some(r) = p.block("root_block_device") {
        out.push(
            BlockDeviceMapping::builder()
                .device_name(root_device)
                .ebs(ebs_of(&r, false))
                .build(),
        );
    }
    Ok(out)
}

fn metadata_options(m: &Obj) -> InstanceMetadataOptions {
    let endpoint = m.str("http_endpoint").filter(|v| !v.is_empty());
    let mut b = InstanceMetadataOptions::builder()
        .set_http_endpoint(endpoint.map(InstanceMetadataEndpointState::from));
    if endpoint == Some("enabled") {
        b = b
            .set_http_tokens(
                m.str("http_tokens")
                    .filter(|v| !v.is_empty())
                    .map(InstanceMetadataHttpTokensState::from),
            )
            .set_http_put_response_hop_limit(
                m.i32("http_put_response_hop_limit").filter(|v| *v > 0),
            );
    }
    b.build()
}

async fn find(
    c: &Ctx,
    name: &str,
) -> Result<Option<aws_sdk_autoscaling::types::LaunchConfiguration>> {
    match c
        .autoscaling()
        .describe_launch_configurations()
        .launch_configuration_names(name)
        .send()
        .await
    {
        Ok(out) => Ok(out
            .launch_configurations()
            .iter()
            .find(|lc| lc.launch_configuration_name() == Some(name))
            .cloned()),
        Err(e) => {
            let e = sdk("autoscaling:DescribeLaunchConfigurations", e);
            if is_missing(&e) {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}

async fn read_lc(c: &Ctx, name: &str, base: &Value) -> Result<Option<Value>> {
    let Some(lc) = find(c, name).await? else {
        return Ok(None);
    };
    let b = block();
    let o = Obj(base);
    let image = lc.image_id().unwrap_or_default().to_string();
    // A bad image must not block reading the rest.
    let root_device = match image_root_device(c, &image).await {
        Ok(r) => r.unwrap_or_default(),
        Err(e) if e.is_not_found() => String::new(),
        Err(e) => return Err(e),
    };
    let configured_no_device: BTreeMap<String, bool> = o
        .blocks("ebs_block_device")
        .iter()
        .map(|e| {
            (
                e.req("device_name").to_string(),
                e.bool("delete_on_termination").unwrap_or(true),
            )
        })
        .collect();
    let (mut ebs, mut ephemeral, mut root) = (Vec::new(), Vec::new(), Vec::new());
    let ebs_block = nested(&b, "ebs_block_device");
    for m in lc.block_device_mappings() {
        let device = m.device_name().unwrap_or_default().to_string();
        let e = m.ebs();
        let delete_on_termination = if m.no_device().is_some() {
            // Keep what the configuration says, to avoid a spurious diff.
            configured_no_device.get(&device).copied().unwrap_or(true)
        } else {
            e.and_then(|e| e.delete_on_termination()).unwrap_or(true)
        };
        let common = vec![
            ("delete_on_termination", delete_on_termination.into()),
            (
                "encrypted",
                e.and_then(|e| e.encrypted()).unwrap_or(false).into(),
            ),
            ("iops", e.and_then(|e| e.iops()).unwrap_or(0).into()),
            (
                "throughput",
                e.and_then(|e| e.throughput()).unwrap_or(0).into(),
            ),
            (
                "volume_size",
                e.and_then(|e| e.volume_size()).unwrap_or(0).into(),
            ),
            (
                "volume_type",
                e.and_then(|e| e.volume_type()).unwrap_or_default().into(),
            ),
        ];
        if device == root_device {
            root.push(elem(&b, "root_block_device", common));
        } else if let Some(v) = m.virtual_name() {
            ephemeral.push(elem(
                &b,
                "ephemeral_block_device",
                vec![
                    ("device_name", device.into()),
                    ("no_device", m.no_device().into()),
                    ("virtual_name", v.into()),
                ],
            ));
        } else {
            let mut pairs = common;
            pairs.push(("device_name", device.into()));
            pairs.push(("no_device", m.no_device().into()));
            pairs.push((
                "snapshot_id",
                e.and_then(|e| e.snapshot_id()).unwrap_or_default().into(),
            ));
            ebs.push(
                pairs
                    .into_iter()
                    .fold(State::new(&ebs_block), |s, (k, v)| s.set(k, v))
                    .build(),
            );
        }
    }
    let metadata = lc.metadata_options().map(|m| {
        elem(
            &b,
            "metadata_options",
            vec![
                (
                    "http_endpoint",
                    m.http_endpoint()
                        .map(|x| x.as_str())
                        .unwrap_or_default()
                        .into(),
                ),
                (
                    "http_put_response_hop_limit",
                    m.http_put_response_hop_limit().unwrap_or(0).into(),
                ),
                (
                    "http_tokens",
                    m.http_tokens()
                        .map(|x| x.as_str())
                        .unwrap_or_default()
                        .into(),
                ),
            ],
        )
    });
    let lc_name = lc
        .launch_configuration_name()
        .unwrap_or_default()
        .to_string();
    let mut s = State::from(&b, base)
        .set("id", lc_name.clone())
        .set("name", lc_name.clone())
        .set(
            "name_prefix",
            naming::prefix_from_name(&lc_name).unwrap_or_default(),
        )
        .set("arn", lc.launch_configuration_arn().map(String::from))
        .set(
            "associate_public_ip_address",
            lc.associate_public_ip_address().unwrap_or(false),
        )
        .set("ebs_optimized", lc.ebs_optimized().unwrap_or(false))
        .set(
            "enable_monitoring",
            lc.instance_monitoring()
                .and_then(|m| m.enabled())
                .unwrap_or(false),
        )
        .set(
            "iam_instance_profile",
            lc.iam_instance_profile().unwrap_or_default(),
        )
        .set("image_id", image)
        .set("instance_type", lc.instance_type().map(String::from))
        .set("key_name", lc.key_name().unwrap_or_default())
        .set(
            "placement_tenancy",
            lc.placement_tenancy().unwrap_or_default(),
        )
        .set("spot_price", lc.spot_price().unwrap_or_default())
        .set("security_groups", string_set(lc.security_groups().to_vec()))
        .set("root_block_device", blocks(&b, "root_block_device", root))
        .set("ebs_block_device", blocks(&b, "ebs_block_device", ebs))
        .set(
            "ephemeral_block_device",
            blocks(&b, "ephemeral_block_device", ephemeral),
        )
        .set(
            "metadata_options",
            blocks(&b, "metadata_options", metadata.into_iter().collect()),
        );
    if let Some(v) = lc.user_data().filter(|v| !v.is_empty()) {
        if o.get("user_data_base64").is_some() {
            s = s.set("user_data_base64", v);
        } else {
            s = s.set("user_data", user_data::hash_sum(v));
        }
    }
    Ok(Some(settle(&b, base, s.build())))
}

impl Resource for LaunchConfiguration {
    fn name(&self) -> &'static str {
        "aws_launch_configuration"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = naming::name(p.str("name"), p.str("name_prefix"));
        let r: Result<()> = c.run(async {
            let mut req = c
                .autoscaling()
                .create_launch_configuration()
                .launch_configuration_name(&name)
                .image_id(p.req("image_id"))
                .instance_type(p.req("instance_type"))
                .ebs_optimized(p.flag("ebs_optimized"))
                .set_associate_public_ip_address(p.bool("associate_public_ip_address"))
                .set_iam_instance_profile(
                    p.string("iam_instance_profile").filter(|v| !v.is_empty()),
                )
                .instance_monitoring(
                    InstanceMonitoring::builder()
                        .enabled(p.bool("enable_monitoring").unwrap_or(true))
                        .build(),
                )
                .set_key_name(p.string("key_name").filter(|v| !v.is_empty()))
                .set_placement_tenancy(p.string("placement_tenancy").filter(|v| !v.is_empty()))
                .set_spot_price(p.string("spot_price").filter(|v| !v.is_empty()))
                .set_security_groups(Some(p.list_str("security_groups")).filter(|v| !v.is_empty()));
            if let Some(m) = p.block("metadata_options") {
                req = req.metadata_options(metadata_options(&m));
            }
            if let Some(u) = p.str("user_data") {
                req = req.user_data(user_data::encode_once(u));
            } else if let Some(u) = p.string("user_data_base64") {
                req = req.user_data(u);
            }
            let mappings = block_device_mappings(c, &p).await?;
            if !mappings.is_empty() {
                req = req.set_block_device_mappings(Some(mappings));
            }
            // Instance profiles take a moment to be usable.
            retry_eventual(
                Duration::from_secs(120),
                &[
                    "Invalid IamInstanceProfile",
                    "You are not authorized to perform this operation",
                ],
                || async {
                    req.clone()
                        .send()
                        .await
                        .map_err(|e| sdk("autoscaling:CreateLaunchConfiguration", e))
                },
            )
            .await?;
            Ok(())
        });
        if let Err(e) = r {
            return Outcome::Failed(e);
        }
        // It exists from here on: a failure keeps it in state.
        match c.run(read_lc(c, &name, plan)) {
            Ok(Some(v)) => Outcome::Done(v),
            Ok(None) => Outcome::Failed(Error::new(
                "Launch configuration not found after creation",
                format!("Launch configuration {name} disappeared."),
            )),
            Err(e) => Outcome::Partial(
                State::from(&block(), plan)
                    .set("id", name.clone())
                    .set("name", name)
                    .build(),
                e,
            ),
        }
    }

    /// The ID is the launch configuration name.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        match Obj(planned).str("name") {
            Some(id) => crate::read_as(self, c, planned, id),
            None => Ok(None),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let name = Obj(state).id().to_string();
        c.run(read_lc(c, &name, state))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        // Every argument forces a new launch configuration, so only
        // state-only changes come here.
        let name = Obj(prior).id().to_string();
        let r: Result<Value> = c.run(async {
            read_lc(c, &name, plan)
                .await?
                .ok_or_else(|| Error::new("Launch configuration not found", name.clone()))
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let name = Obj(state).id().to_string();
        c.run(async {
            // A group being deleted may still hold on to it for a moment.
            let r = retry_eventual(Duration::from_secs(120), &["ResourceInUse"], || async {
                c.autoscaling()
                    .delete_launch_configuration()
                    .launch_configuration_name(&name)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| sdk("autoscaling:DeleteLaunchConfiguration", e))
            })
            .await;
            match r {
                Err(e) if is_missing(&e) => Ok(()),
                other => other,
            }
        })
    }

    fn validate(&self, config: &Value) -> Diags {
        [
            conflicts(config, "name", "name_prefix"),
            conflicts(config, "user_data", "user_data_base64"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        let planned = keep_zero_values(&block(), prior, planned);
        let Value::Object(mut m) = planned else {
            return planned;
        };
        // The state keeps a digest of the user data, and so does the plan.
        let prior_hash = if prior.is_null() {
            None
        } else {
            prior.get_attr("user_data").and_then(Value::as_str)
        };
        if let Some(Value::String(u)) = m.get("user_data") {
            if Some(u.as_str()) != prior_hash {
                let h = user_data::hash_sum(u);
                m.insert("user_data".into(), Value::string(h));
            }
        }
        computed_block(&mut m, prior, "root_block_device");
        computed_block(&mut m, prior, "ebs_block_device");
        computed_block(&mut m, prior, "metadata_options");
        Value::Object(m)
    }

    fn with_config(&self, planned: &Value, config: &Value) -> Value {
        match (planned, Obj(config).get("user_data")) {
            (Value::Object(m), Some(u)) => {
                let mut m = m.clone();
                m.insert("user_data".into(), u.clone());
                Value::Object(m)
            }
            _ => planned.clone(),
        }
    }

    fn replace_paths(
        &self,
        prior: &Value,
        planned: &Value,
        _schema_paths: Vec<AttrPath>,
    ) -> Vec<AttrPath> {
        // Everything forces a new launch configuration: compare the final
        // plan (user_data hashed, computed blocks kept) with the state.
        let b = block();
        b.attributes
            .keys()
            .chain(b.blocks.keys())
            .filter(|k| !matches!(k.as_str(), "id" | "arn"))
            .filter(|k| match (prior.get_attr(k), planned.get_attr(k)) {
                (Some(a), Some(p)) => !p.is_wholly_known() || !a.raw_equal(p),
                (None, Some(p)) => !p.is_null(),
                _ => false,
            })
            .map(|k| AttrPath::attr(k))
            .collect()
    }
}
