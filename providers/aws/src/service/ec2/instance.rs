//! aws_instance
//!
//! State keeps `user_data` as the SHA-1 hex digest of the decoded user data,
//! as hashicorp/aws does; the `plan` hook hashes the configured text and
//! `with_config` hands the text itself to create and update. Changing the
//! instance type or the user data stops the instance, modifies it and
//! starts it again (a replacement instead when `user_data_replace_on_change`).

use super::compute_shared::{
    blocks, computed_block, conflicts, elem, image_root_device, is_set, keep_zero_values, own_tags,
    settle, string_set, tag_map, tags_of, update_tags,
};
use super::user_data;
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{string_map, Obj, State};
use crate::schema::with_tags;
use crate::wait::{until, Poll};
use crate::{naming, Outcome, Resource};
use aws_sdk_ec2::types::{
    AttributeBooleanValue, AttributeValue, BlockDeviceMapping, CreditSpecificationRequest,
    EbsBlockDevice, EbsInstanceBlockDeviceSpecification, Filter, HttpTokensState,
    IamInstanceProfileSpecification, InstanceAttributeName,
    InstanceBlockDeviceMappingSpecification, InstanceCreditSpecificationRequest,
    InstanceMetadataEndpointState, InstanceMetadataOptionsRequest, InstanceMetadataTagsState,
    InstanceNetworkInterfaceSpecification, InstanceStateName, InstanceType, MonitoringState,
    Placement, ResourceType, RunInstancesMonitoringEnabled, SecureBlobAttributeValue,
    ShutdownBehavior, TagSpecification, Tenancy, VolumeType,
};
use aws_smithy_types::Blob;
use std::collections::BTreeMap;
use std::time::Duration;
use tfrs_provider::path::AttrPath;
use tfrs_provider::provider::Diags;
use tfrs_provider::schema::NestedBlock;
use tfrs_provider::{Attribute, Block, Diag, Nesting, Schema, Type, Value};

pub struct Instance;

const CREATE_TIMEOUT: Duration = Duration::from_secs(600);
const UPDATE_TIMEOUT: Duration = Duration::from_secs(600);
const DELETE_TIMEOUT: Duration = Duration::from_secs(1200);

fn one(block: Block) -> NestedBlock {
    NestedBlock {
        nesting: Nesting::List,
        block,
        min_items: 0,
        max_items: 1,
        force_new: false,
    }
}

fn block() -> Block {
    let s = || Attribute::optional_computed(Type::String);
    with_tags(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("ami", s().force_new())
            .attr("instance_type", s())
            .attr(
                "associate_public_ip_address",
                Attribute::optional_computed(Type::Bool).force_new(),
            )
            .attr("availability_zone", s().force_new())
            .attr("subnet_id", s().force_new())
            .attr("private_ip", s().force_new())
            .attr(
                "vpc_security_group_ids",
                Attribute::optional_computed(Type::set(Type::String)),
            )
            .attr(
                "security_groups",
                Attribute::optional_computed(Type::set(Type::String)).force_new(),
            )
            .attr("key_name", s().force_new())
            .attr("iam_instance_profile", s())
            .attr("user_data", s())
            .attr("user_data_base64", s())
            .attr(
                "user_data_replace_on_change",
                Attribute::optional(Type::Bool).default(Value::Bool(false)),
            )
            .attr("monitoring", Attribute::optional_computed(Type::Bool))
            .attr(
                "ebs_optimized",
                Attribute::optional_computed(Type::Bool).force_new(),
            )
            .attr(
                "disable_api_termination",
                Attribute::optional_computed(Type::Bool),
            )
            .attr("disable_api_stop", Attribute::optional_computed(Type::Bool))
            .attr("instance_initiated_shutdown_behavior", s())
            .attr(
                "source_dest_check",
                Attribute::optional(Type::Bool).default(Value::Bool(true)),
            )
            .attr("tenancy", s().force_new())
            .attr("placement_group", s().force_new())
            .attr("volume_tags", Attribute::optional(Type::map(Type::String)))
            .attr("instance_state", Attribute::computed(Type::String))
            .attr("public_ip", Attribute::computed(Type::String))
            .attr("public_dns", Attribute::computed(Type::String))
            .attr("private_dns", Attribute::computed(Type::String))
            .attr(
                "primary_network_interface_id",
                Attribute::computed(Type::String),
            )
            .attr("outpost_arn", Attribute::computed(Type::String))
            .block_with(
                "root_block_device",
                one(Block::new()
                    .attr(
                        "delete_on_termination",
                        Attribute::optional(Type::Bool).default(Value::Bool(true)),
                    )
                    .attr("device_name", Attribute::computed(Type::String))
                    .attr(
                        "encrypted",
                        Attribute::optional_computed(Type::Bool).force_new(),
                    )
                    .attr("iops", Attribute::optional_computed(Type::Number))
                    .attr(
                        "kms_key_id",
                        Attribute::optional_computed(Type::String).force_new(),
                    )
                    .attr("tags", Attribute::optional(Type::map(Type::String)))
                    .attr("throughput", Attribute::optional_computed(Type::Number))
                    .attr("volume_id", Attribute::computed(Type::String))
                    .attr("volume_size", Attribute::optional_computed(Type::Number))
                    .attr("volume_type", Attribute::optional_computed(Type::String))),
            )
            .block_with(
                "metadata_options",
                one(Block::new()
                    .attr("http_endpoint", s())
                    .attr(
                        "http_put_response_hop_limit",
                        Attribute::optional_computed(Type::Number),
                    )
                    .attr("http_tokens", s())
                    .attr("instance_metadata_tags", s())),
            )
            .block_with(
                "credit_specification",
                one(Block::new().attr("cpu_credits", Attribute::optional(Type::String))),
            ),
    )
}

/// Instance families with burstable CPU credits (T2, T3, T3a, T4g).
fn burstable(instance_type: &str) -> bool {
    matches!(
        instance_type.split('.').next(),
        Some("t2" | "t3" | "t3a" | "t4g")
    )
}

fn changed(prior: &Obj, plan: &Obj, k: &str) -> bool {
    match (prior.0.get_attr(k), plan.0.get_attr(k)) {
        (Some(a), Some(b)) => b.is_known() && !a.raw_equal(b),
        (None, Some(b)) => !b.is_null(),
        _ => false,
    }
}

/// Whether the user data the plan carries (after `with_config`, the
/// configured text; else the prior digest) differs from the prior digest.
fn user_data_changed(prior: &Obj, plan: &Obj) -> bool {
    match plan.str("user_data") {
        Some(u) => {
            let before = prior.str("user_data");
            Some(u) != before && Some(user_data::hash_sum(u).as_str()) != before
        }
        None => false,
    }
}

fn arn(c: &Ctx, owner: &str, id: &str) -> String {
    format!(
        "arn:{}:ec2:{}:{owner}:instance/{id}",
        c.partition(),
        c.region
    )
}

/// The instance, unless it does not exist or is terminated.
async fn find(c: &Ctx, id: &str) -> Result<Option<(aws_sdk_ec2::types::Instance, String)>> {
    let out = found(
        c.ec2()
            .describe_instances()
            .instance_ids(id)
            .send()
            .await
            .map_err(|e| sdk("ec2:DescribeInstances", e)),
    )?;
    let Some(out) = out else {
        return Ok(None);
    };
    for r in out.reservations() {
        for i in r.instances() {
            if i.instance_id() != Some(id) {
                continue;
            }
            if i.state().and_then(|s| s.name()) == Some(&InstanceStateName::Terminated) {
                return Ok(None);
            }
            return Ok(Some((
                i.clone(),
                r.owner_id().unwrap_or_default().to_string(),
            )));
        }
    }
    Ok(None)
}

async fn state_name(c: &Ctx, id: &str) -> Result<Option<InstanceStateName>> {
    Ok(find(c, id)
        .await?
        .and_then(|(i, _)| i.state().and_then(|s| s.name()).cloned()))
}

/// Waits until the instance is in `want`; a state outside `pending` is an error.
async fn wait_state(
    c: &Ctx,
    id: &str,
    want: InstanceStateName,
    pending: &[InstanceStateName],
    timeout: Duration,
) -> Result<()> {
    let what = format!("EC2 Instance ({id}) to be {}", want.as_str());
    until(&what, timeout, || async {
        match state_name(c, id).await? {
            Some(s) if s == want => Ok(Poll::Ready(())),
            Some(s) if pending.contains(&s) => Ok(Poll::Pending(s.as_str().to_string())),
            Some(s) => Err(Error::new(
                format!("Waiting for {what}"),
                format!("The instance is {}.", s.as_str()),
            )),
            None => Err(Error::new(
                format!("Waiting for {what}"),
                "The instance no longer exists.",
            )),
        }
    })
    .await
}

async fn wait_running(c: &Ctx, id: &str, timeout: Duration) -> Result<()> {
    wait_state(
        c,
        id,
        InstanceStateName::Running,
        &[InstanceStateName::Pending],
        timeout,
    )
    .await
}

async fn stop(c: &Ctx, id: &str) -> Result<()> {
    c.ec2()
        .stop_instances()
        .instance_ids(id)
        .send()
        .await
        .map_err(|e| sdk("ec2:StopInstances", e))?;
    wait_state(
        c,
        id,
        InstanceStateName::Stopped,
        &[
            InstanceStateName::Pending,
            InstanceStateName::Running,
            InstanceStateName::Stopping,
            InstanceStateName::ShuttingDown,
        ],
        UPDATE_TIMEOUT,
    )
    .await
}

async fn start(c: &Ctx, id: &str) -> Result<()> {
    c.ec2()
        .start_instances()
        .instance_ids(id)
        .send()
        .await
        .map_err(|e| sdk("ec2:StartInstances", e))?;
    wait_running(c, id, UPDATE_TIMEOUT).await
}

async fn modify(
    req: aws_sdk_ec2::operation::modify_instance_attribute::builders::ModifyInstanceAttributeFluentBuilder,
) -> Result<()> {
    req.send()
        .await
        .map(|_| ())
        .map_err(|e| sdk("ec2:ModifyInstanceAttribute", e))
}

async fn set_disable_api_termination(c: &Ctx, id: &str, v: bool) -> Result<()> {
    modify(
        c.ec2()
            .modify_instance_attribute()
            .instance_id(id)
            .disable_api_termination(AttributeBooleanValue::builder().value(v).build()),
    )
    .await
}

async fn attribute(
    c: &Ctx,
    id: &str,
    name: InstanceAttributeName,
) -> Result<aws_sdk_ec2::operation::describe_instance_attribute::DescribeInstanceAttributeOutput> {
    c.ec2()
        .describe_instance_attribute()
        .instance_id(id)
        .attribute(name)
        .send()
        .await
        .map_err(|e| sdk("ec2:DescribeInstanceAttribute", e))
}

fn metadata_request(m: &Obj) -> InstanceMetadataOptionsRequest {
    let endpoint = m.str("http_endpoint");
    let mut b = InstanceMetadataOptionsRequest::builder()
        .set_http_endpoint(endpoint.map(InstanceMetadataEndpointState::from));
    // The other options are only accepted while the endpoint is enabled.
    if endpoint != Some("disabled") {
        b = b
            .set_http_tokens(m.str("http_tokens").map(HttpTokensState::from))
            .set_http_put_response_hop_limit(m.i32("http_put_response_hop_limit"))
            .set_instance_metadata_tags(
                m.str("instance_metadata_tags")
                    .map(InstanceMetadataTagsState::from),
            );
    }
    b.build()
}

fn root_ebs(r: &Obj) -> EbsBlockDevice {
    let volume_type = r.str("volume_type");
    let provisioned = matches!(volume_type, Some("io1" | "io2" | "gp3"));
    EbsBlockDevice::builder()
        .delete_on_termination(r.bool("delete_on_termination").unwrap_or(true))
        .set_encrypted(r.bool("encrypted").filter(|e| *e))
        .set_kms_key_id(r.string("kms_key_id").filter(|k| !k.is_empty()))
        .set_volume_size(r.i32("volume_size").filter(|v| *v > 0))
        .set_volume_type(volume_type.map(VolumeType::from))
        .set_iops(r.i32("iops").filter(|v| *v > 0 && provisioned))
        .set_throughput(
            r.i32("throughput")
                .filter(|v| *v > 0 && volume_type == Some("gp3")),
        )
        .build()
}

async fn create_instance(
    c: &Ctx,
    plan: &Value,
) -> std::result::Result<Value, (Option<String>, Error)> {
    let p = Obj(plan);
    let tags = c.tags_all(&p.map_str("tags"));
    let volume_tags = p.map_str("volume_tags");
    let instance_type = p.str("instance_type");
    let mut req = c
        .ec2()
        .run_instances()
        .min_count(1)
        .max_count(1)
        .client_token(naming::prefixed_unique_id(""))
        .set_image_id(p.string("ami"))
        .set_instance_type(instance_type.map(InstanceType::from))
        .set_key_name(p.string("key_name").filter(|k| !k.is_empty()))
        .monitoring(
            RunInstancesMonitoringEnabled::builder()
                .enabled(p.flag("monitoring"))
                .build(),
        )
        .ebs_optimized(p.flag("ebs_optimized"))
        .disable_api_termination(p.flag("disable_api_termination"))
        .set_disable_api_stop(p.bool("disable_api_stop"))
        .set_instance_initiated_shutdown_behavior(
            p.str("instance_initiated_shutdown_behavior")
                .map(ShutdownBehavior::from),
        )
        .placement(
            Placement::builder()
                .set_availability_zone(p.string("availability_zone"))
                .set_tenancy(p.str("tenancy").map(Tenancy::from))
                .set_group_name(p.string("placement_group").filter(|g| !g.is_empty()))
                .build(),
        );
    if let Some(profile) = p.str("iam_instance_profile").filter(|s| !s.is_empty()) {
        req = req.iam_instance_profile(
            IamInstanceProfileSpecification::builder()
                .name(profile)
                .build(),
        );
    }
    if let Some(u) = p.str("user_data") {
        req = req.user_data(user_data::encode_once(u));
    } else if let Some(u) = p.string("user_data_base64") {
        req = req.user_data(u);
    }
    let names = p.list_str("security_groups");
    let ids = p.list_str("vpc_security_group_ids");
    match p.string("subnet_id") {
        // In a subnet, the primary network interface carries the subnet,
        // the address and the groups.
        Some(subnet) => {
            let groups: Vec<String> = names.iter().chain(ids.iter()).cloned().collect();
            req = req.network_interfaces(
                InstanceNetworkInterfaceSpecification::builder()
                    .device_index(0)
                    .subnet_id(subnet)
                    .set_groups(Some(groups).filter(|g| !g.is_empty()))
                    .set_associate_public_ip_address(p.bool("associate_public_ip_address"))
                    .set_private_ip_address(p.string("private_ip"))
                    .build(),
            );
        }
        None => {
            req = req
                .set_private_ip_address(p.string("private_ip"))
                .set_security_groups(Some(names).filter(|g| !g.is_empty()))
                .set_security_group_ids(Some(ids).filter(|g| !g.is_empty()));
        }
    }
    if let Some(m) = p.block("metadata_options") {
        req = req.metadata_options(metadata_request(&m));
    }
    let credits = p
        .block("credit_specification")
        .and_then(|cs| cs.string("cpu_credits"));
    match (credits, instance_type) {
        (Some(cc), Some(t)) if burstable(t) => {
            req = req.credit_specification(
                CreditSpecificationRequest::builder()
                    .cpu_credits(cc)
                    .build(),
            );
        }
        // The provider launches T3 instances unlimited unless told otherwise.
        (None, Some(t)) if t.starts_with("t3") => {
            req = req.credit_specification(
                CreditSpecificationRequest::builder()
                    .cpu_credits("unlimited")
                    .build(),
            );
        }
        _ => {}
    }
    if let Some(root) = p.block("root_block_device") {
        let ami = p.str("ami").unwrap_or_default();
        let device = image_root_device(c, ami)
            .await
            .map_err(|e| (None, e))?
            .ok_or_else(|| {
                (
                    None,
                    Error::new(
                        "Cannot configure root_block_device",
                        format!("AMI {ami} has no root EBS device."),
                    ),
                )
            })?;
        req = req.block_device_mappings(
            BlockDeviceMapping::builder()
                .device_name(device)
                .ebs(root_ebs(&root))
                .build(),
        );
    }
    if !tags.is_empty() {
        req = req.tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Instance)
                .set_tags(Some(tags_of(&tags)))
                .build(),
        );
    }
    if !volume_tags.is_empty() {
        req = req.tag_specifications(
            TagSpecification::builder()
                .resource_type(ResourceType::Volume)
                .set_tags(Some(tags_of(&volume_tags)))
                .build(),
        );
    }
    // IAM instance profiles take a moment to be usable by EC2.
    let out = crate::wait::retry_eventual(
        Duration::from_secs(120),
        &[
            "Invalid IAM Instance Profile",
            "has no associated IAM Roles",
        ],
        || async {
            req.clone()
                .send()
                .await
                .map_err(|e| sdk("ec2:RunInstances", e))
        },
    )
    .await
    .map_err(|e| (None, e))?;
    let id = out
        .instances()
        .first()
        .and_then(|i| i.instance_id())
        .map(String::from)
        .ok_or_else(|| {
            (
                None,
                Error::new("ec2:RunInstances failed", "The response names no instance."),
            )
        })?;
    let partial = |e: Error| (Some(id.clone()), e);
    wait_running(c, &id, CREATE_TIMEOUT)
        .await
        .map_err(partial)?;
    if p.bool("source_dest_check") == Some(false) {
        modify(
            c.ec2()
                .modify_instance_attribute()
                .instance_id(&id)
                .source_dest_check(AttributeBooleanValue::builder().value(false).build()),
        )
        .await
        .map_err(partial)?;
    }
    let root_tags = p
        .block("root_block_device")
        .map(|r| r.map_str("tags"))
        .unwrap_or_default();
    if !root_tags.is_empty() {
        if let Some((i, _)) = find(c, &id).await.map_err(partial)? {
            if let Some(vol) = root_volume_id(&i) {
                update_tags(c, &vol, &BTreeMap::new(), &root_tags)
                    .await
                    .map_err(partial)?;
            }
        }
    }
    let state = read_instance(c, &id, plan).await.map_err(partial)?;
    state.ok_or_else(|| {
        (
            None,
            Error::new(
                "EC2 Instance not found after creation",
                format!("Instance {id} disappeared."),
            ),
        )
    })
}

fn root_volume_id(i: &aws_sdk_ec2::types::Instance) -> Option<String> {
    let root = i.root_device_name()?;
    i.block_device_mappings()
        .iter()
        .find(|m| m.device_name() == Some(root))
        .and_then(|m| m.ebs())
        .and_then(|e| e.volume_id())
        .map(String::from)
}

/// Reads the instance into a state built on `base` (the prior state or the plan).
async fn read_instance(c: &Ctx, id: &str, base: &Value) -> Result<Option<Value>> {
    let Some((i, owner)) = find(c, id).await? else {
        return Ok(None);
    };
    let b = block();
    let o = Obj(base);
    // The reservation's owner; else the primary interface's.
    let owner = if owner.is_empty() {
        i.network_interfaces()
            .iter()
            .find_map(|n| n.owner_id())
            .unwrap_or_default()
            .to_string()
    } else {
        owner
    };
    let mut s = State::from(&b, base)
        .set("id", id)
        .set("arn", arn(c, &owner, id))
        .set(
            "instance_state",
            i.state()
                .and_then(|s| s.name())
                .map(|n| n.as_str().to_string()),
        )
        .set("ami", i.image_id().map(String::from))
        .set(
            "instance_type",
            i.instance_type().map(|t| t.as_str().to_string()),
        )
        .set("key_name", i.key_name().unwrap_or_default())
        .set("public_dns", i.public_dns_name().unwrap_or_default())
        .set("public_ip", i.public_ip_address().unwrap_or_default())
        .set("private_dns", i.private_dns_name().unwrap_or_default())
        .set("private_ip", i.private_ip_address().unwrap_or_default())
        .set("outpost_arn", i.outpost_arn().unwrap_or_default())
        .set("ebs_optimized", i.ebs_optimized().unwrap_or(false))
        .set(
            "monitoring",
            matches!(
                i.monitoring().and_then(|m| m.state()),
                Some(MonitoringState::Enabled | MonitoringState::Pending)
            ),
        )
        .set(
            "iam_instance_profile",
            i.iam_instance_profile()
                .and_then(|p| p.arn())
                .and_then(|a| a.rsplit('/').next())
                .unwrap_or_default(),
        );
    if let Some(pl) = i.placement() {
        s = s
            .set(
                "availability_zone",
                pl.availability_zone().map(String::from),
            )
            .set("placement_group", pl.group_name().unwrap_or_default())
            .set(
                "tenancy",
                pl.tenancy().map(|t| t.as_str()).unwrap_or_default(),
            );
    }
    let primary = i
        .network_interfaces()
        .iter()
        .find(|n| n.attachment().and_then(|a| a.device_index()) == Some(0));
    s = match primary {
        Some(n) => s
            .set("subnet_id", n.subnet_id().map(String::from))
            .set(
                "primary_network_interface_id",
                n.network_interface_id().map(String::from),
            )
            .set("source_dest_check", n.source_dest_check().unwrap_or(true))
            .set("associate_public_ip_address", n.association().is_some()),
        None => s
            .set("subnet_id", i.subnet_id().map(String::from))
            .set("primary_network_interface_id", "")
            .set(
                "associate_public_ip_address",
                i.public_ip_address().is_some(),
            ),
    };

    let all = c.visible_tags(tag_map(i.tags()));
    s = s
        .set("tags", own_tags(c, &o, &all))
        .set("tags_all", string_map(all));

    // Security groups: IDs in a VPC; names too in the default VPC.
    let has_subnet = i.subnet_id().is_some_and(|x| !x.is_empty());
    let mut use_names = !has_subnet;
    if let Some(vpc) = i.vpc_id().filter(|v| !v.is_empty()) {
        if let Ok(out) = c.ec2().describe_vpcs().vpc_ids(vpc).send().await {
            use_names = out
                .vpcs()
                .first()
                .and_then(|v| v.is_default())
                .unwrap_or(false);
        }
    }
    let groups = i.security_groups();
    s = s
        .set(
            "vpc_security_group_ids",
            string_set(if has_subnet {
                groups
                    .iter()
                    .filter_map(|g| g.group_id().map(String::from))
                    .collect()
            } else {
                Vec::new()
            }),
        )
        .set(
            "security_groups",
            string_set(if use_names {
                groups
                    .iter()
                    .filter_map(|g| g.group_name().map(String::from))
                    .collect()
            } else {
                Vec::new()
            }),
        );

    // Volumes: the root one, and the volume tags when they are managed.
    let mut mappings: BTreeMap<String, (String, Option<bool>)> = BTreeMap::new();
    for m in i.block_device_mappings() {
        if let (Some(dev), Some(ebs)) = (m.device_name(), m.ebs()) {
            if let Some(vol) = ebs.volume_id() {
                mappings.insert(
                    vol.to_string(),
                    (dev.to_string(), ebs.delete_on_termination()),
                );
            }
        }
    }
    let volume_tags_managed = o.get("volume_tags").is_some();
    let mut root = None;
    let mut volume_tags = BTreeMap::new();
    if !mappings.is_empty() {
        let out = c
            .ec2()
            .describe_volumes()
            .set_volume_ids(Some(mappings.keys().cloned().collect()))
            .send()
            .await
            .map_err(|e| sdk("ec2:DescribeVolumes", e))?;
        for v in out.volumes() {
            let vid = v.volume_id().unwrap_or_default();
            let Some((dev, dot)) = mappings.get(vid) else {
                continue;
            };
            let tags = c.visible_tags(tag_map(v.tags()));
            volume_tags.extend(tags.clone());
            if Some(dev.as_str()) != i.root_device_name() {
                continue;
            }
            let own_tags = (!volume_tags_managed && !tags.is_empty()).then(|| string_map(tags));
            root = Some(elem(
                &b,
                "root_block_device",
                vec![
                    ("delete_on_termination", dot.unwrap_or(true).into()),
                    ("device_name", dev.clone().into()),
                    ("encrypted", v.encrypted().unwrap_or(false).into()),
                    ("iops", v.iops().unwrap_or(0).into()),
                    ("kms_key_id", v.kms_key_id().unwrap_or_default().into()),
                    ("tags", own_tags.into()),
                    ("throughput", v.throughput().unwrap_or(0).into()),
                    ("volume_id", vid.into()),
                    ("volume_size", v.size().unwrap_or(0).into()),
                    (
                        "volume_type",
                        v.volume_type()
                            .map(|t| t.as_str())
                            .unwrap_or_default()
                            .into(),
                    ),
                ],
            ));
        }
    }
    s = s.set(
        "root_block_device",
        blocks(&b, "root_block_device", root.into_iter().collect()),
    );
    if volume_tags_managed {
        s = s.set("volume_tags", string_map(volume_tags));
    }

    let metadata = i.metadata_options().map(|m| {
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
                (
                    "instance_metadata_tags",
                    m.instance_metadata_tags()
                        .map(|x| x.as_str())
                        .unwrap_or_default()
                        .into(),
                ),
            ],
        )
    });
    s = s.set(
        "metadata_options",
        blocks(&b, "metadata_options", metadata.into_iter().collect()),
    );

    let termination = attribute(c, id, InstanceAttributeName::DisableApiTermination).await?;
    s = s.set(
        "disable_api_termination",
        termination
            .disable_api_termination()
            .and_then(|v| v.value())
            .unwrap_or(false),
    );
    let api_stop = attribute(c, id, InstanceAttributeName::DisableApiStop).await?;
    s = s.set(
        "disable_api_stop",
        api_stop
            .disable_api_stop()
            .and_then(|v| v.value())
            .unwrap_or(false),
    );
    let shutdown = attribute(
        c,
        id,
        InstanceAttributeName::InstanceInitiatedShutdownBehavior,
    )
    .await?;
    if let Some(v) = shutdown
        .instance_initiated_shutdown_behavior()
        .and_then(|v| v.value())
    {
        s = s.set("instance_initiated_shutdown_behavior", v);
    }
    let ud = attribute(c, id, InstanceAttributeName::UserData).await?;
    if let Some(v) = ud
        .user_data()
        .and_then(|v| v.value())
        .filter(|v| !v.is_empty())
    {
        // One of the two, as configured; user_data (hashed) by default.
        if o.get("user_data_base64").is_some() {
            s = s.set("user_data_base64", v);
        } else {
            s = s.set("user_data", user_data::hash_sum(v));
        }
    }

    let itype = i.instance_type().map(|t| t.as_str()).unwrap_or_default();
    if burstable(itype) {
        let out = c
            .ec2()
            .describe_instance_credit_specifications()
            .instance_ids(id)
            .send()
            .await;
        match out {
            Ok(out) => {
                let specs: Vec<Value> = out
                    .instance_credit_specifications()
                    .iter()
                    .filter(|cs| cs.instance_id() == Some(id))
                    .map(|cs| {
                        elem(
                            &b,
                            "credit_specification",
                            vec![("cpu_credits", cs.cpu_credits().map(String::from).into())],
                        )
                    })
                    .collect();
                s = s.set(
                    "credit_specification",
                    blocks(&b, "credit_specification", specs),
                );
            }
            // China and GovCloud answer UnsupportedOperation.
            Err(e) => {
                let e = sdk("ec2:DescribeInstanceCreditSpecifications", e);
                if e.code.as_deref() != Some("UnsupportedOperation") {
                    return Err(e);
                }
            }
        }
    }
    if o.get("user_data_replace_on_change").is_none() {
        s = s.set("user_data_replace_on_change", false);
    }
    if o.get("source_dest_check").is_none() {
        s = s.set("source_dest_check", true);
    }
    Ok(Some(settle(&b, base, s.build())))
}

async fn primary_eni(c: &Ctx, id: &str) -> Result<String> {
    let (i, _) = find(c, id)
        .await?
        .ok_or_else(|| Error::new("EC2 Instance not found", id.to_string()))?;
    i.network_interfaces()
        .iter()
        .find(|n| n.attachment().and_then(|a| a.device_index()) == Some(0))
        .and_then(|n| n.network_interface_id())
        .map(String::from)
        .ok_or_else(|| {
            Error::new(
                "Cannot update vpc_security_group_ids",
                format!("Instance {id} has no primary network interface."),
            )
        })
}

async fn update_profile(c: &Ctx, id: &str, profile: Option<&str>, running: bool) -> Result<()> {
    let out = c
        .ec2()
        .describe_iam_instance_profile_associations()
        .filters(Filter::builder().name("instance-id").values(id).build())
        .send()
        .await
        .map_err(|e| sdk("ec2:DescribeIamInstanceProfileAssociations", e))?;
    let current = out
        .iam_instance_profile_associations()
        .first()
        .and_then(|a| a.association_id())
        .map(String::from);
    let disassociate = |assoc: String| async move {
        c.ec2()
            .disassociate_iam_instance_profile()
            .association_id(assoc)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| sdk("ec2:DisassociateIamInstanceProfile", e))
    };
    let associate = |name: String| async move {
        crate::wait::retry_eventual(
            Duration::from_secs(120),
            &["Invalid IAM Instance Profile"],
            || async {
                c.ec2()
                    .associate_iam_instance_profile()
                    .instance_id(id)
                    .iam_instance_profile(
                        IamInstanceProfileSpecification::builder()
                            .name(&name)
                            .build(),
                    )
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| sdk("ec2:AssociateIamInstanceProfile", e))
            },
        )
        .await
    };
    match (profile, current) {
        (Some(name), None) => associate(name.to_string()).await,
        // A stopped instance cannot have its association replaced.
        (Some(name), Some(assoc)) if !running => {
            disassociate(assoc).await?;
            associate(name.to_string()).await
        }
        (Some(name), Some(assoc)) => {
            crate::wait::retry_eventual(
                Duration::from_secs(120),
                &["Invalid IAM Instance Profile"],
                || async {
                    c.ec2()
                        .replace_iam_instance_profile_association()
                        .association_id(&assoc)
                        .iam_instance_profile(
                            IamInstanceProfileSpecification::builder()
                                .name(name)
                                .build(),
                        )
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk("ec2:ReplaceIamInstanceProfileAssociation", e))
                },
            )
            .await
        }
        (None, Some(assoc)) => disassociate(assoc).await,
        (None, None) => Ok(()),
    }
}

async fn instance_volume_ids(c: &Ctx, id: &str) -> Result<Vec<String>> {
    let out = c
        .ec2()
        .describe_volumes()
        .filters(
            Filter::builder()
                .name("attachment.instance-id")
                .values(id)
                .build(),
        )
        .send()
        .await
        .map_err(|e| sdk("ec2:DescribeVolumes", e))?;
    Ok(out
        .volumes()
        .iter()
        .filter_map(|v| v.volume_id().map(String::from))
        .collect())
}

async fn wait_volume_modified(c: &Ctx, volume: &str) -> Result<()> {
    until(
        &format!("EBS Volume ({volume}) modification"),
        UPDATE_TIMEOUT,
        || async {
            let out = c
                .ec2()
                .describe_volumes_modifications()
                .volume_ids(volume)
                .send()
                .await
                .map_err(|e| sdk("ec2:DescribeVolumesModifications", e))?;
            let pending = out.volumes_modifications().iter().find(|m| {
                !matches!(
                    m.modification_state().map(|s| s.as_str()),
                    Some("completed" | "optimizing") | None
                )
            });
            Ok(match pending {
                Some(m) => match m.modification_state().map(|s| s.as_str()) {
                    Some("failed") => {
                        return Err(Error::new(
                            "EBS Volume modification failed",
                            m.status_message().unwrap_or_default().to_string(),
                        ))
                    }
                    state => Poll::Pending(state.unwrap_or_default().to_string()),
                },
                None => Poll::Ready(()),
            })
        },
    )
    .await
}

async fn wait_metadata_applied(c: &Ctx, id: &str) -> Result<()> {
    until(
        &format!("EC2 Instance ({id}) metadata options"),
        UPDATE_TIMEOUT,
        || async {
            let state = find(c, id).await?.and_then(|(i, _)| {
                i.metadata_options()
                    .and_then(|m| m.state())
                    .map(|s| s.as_str().to_string())
            });
            Ok(match state.as_deref() {
                Some("pending") => Poll::Pending("pending".into()),
                _ => Poll::Ready(()),
            })
        },
    )
    .await
}

async fn update_instance(c: &Ctx, prior: &Value, plan: &Value) -> Result<()> {
    let o = Obj(prior);
    let p = Obj(plan);
    let id = o.id().to_string();
    let running = o.str("instance_state") != Some("stopped");

    if changed(&o, &p, "volume_tags") {
        let old = o.map_str("volume_tags");
        let new = p.map_str("volume_tags");
        for vol in instance_volume_ids(c, &id).await? {
            update_tags(c, &vol, &old, &new).await?;
        }
    }
    if changed(&o, &p, "iam_instance_profile") {
        update_profile(
            c,
            &id,
            p.str("iam_instance_profile").filter(|s| !s.is_empty()),
            running,
        )
        .await?;
    }
    if changed(&o, &p, "source_dest_check") {
        modify(
            c.ec2()
                .modify_instance_attribute()
                .instance_id(&id)
                .source_dest_check(
                    AttributeBooleanValue::builder()
                        .value(p.bool("source_dest_check").unwrap_or(true))
                        .build(),
                ),
        )
        .await?;
    }
    if changed(&o, &p, "vpc_security_group_ids") {
        let groups = p.list_str("vpc_security_group_ids");
        if groups.is_empty() {
            return Err(Error::new(
                "Cannot update vpc_security_group_ids",
                "VPC-based instances require at least one security group to be attached.",
            ));
        }
        let eni = primary_eni(c, &id).await?;
        c.ec2()
            .modify_network_interface_attribute()
            .network_interface_id(eni)
            .set_groups(Some(groups))
            .send()
            .await
            .map_err(|e| sdk("ec2:ModifyNetworkInterfaceAttribute", e))?;
    }

    // The instance type and user data change only while the instance is stopped.
    let type_changed = changed(&o, &p, "instance_type");
    let user_data_changed = user_data_changed(&o, &p);
    let user_data_b64_changed = changed(&o, &p, "user_data_base64");
    if type_changed || user_data_changed || user_data_b64_changed {
        stop(c, &id).await?;
        if type_changed {
            modify(
                c.ec2()
                    .modify_instance_attribute()
                    .instance_id(&id)
                    .instance_type(
                        AttributeValue::builder()
                            .value(p.req("instance_type"))
                            .build(),
                    ),
            )
            .await?;
        }
        let new_user_data = if user_data_changed {
            p.str("user_data")
        } else if user_data_b64_changed {
            p.str("user_data_base64")
        } else {
            None
        };
        if let Some(u) = new_user_data {
            modify(
                c.ec2()
                    .modify_instance_attribute()
                    .instance_id(&id)
                    .user_data(
                        SecureBlobAttributeValue::builder()
                            .value(Blob::new(user_data::raw_bytes(u)))
                            .build(),
                    ),
            )
            .await?;
        }
        start(c, &id).await?;
    }

    if changed(&o, &p, "disable_api_stop") {
        modify(
            c.ec2()
                .modify_instance_attribute()
                .instance_id(&id)
                .disable_api_stop(
                    AttributeBooleanValue::builder()
                        .value(p.flag("disable_api_stop"))
                        .build(),
                ),
        )
        .await?;
    }
    if changed(&o, &p, "disable_api_termination") {
        set_disable_api_termination(c, &id, p.flag("disable_api_termination")).await?;
    }
    if changed(&o, &p, "instance_initiated_shutdown_behavior") {
        if let Some(v) = p.str("instance_initiated_shutdown_behavior") {
            modify(
                c.ec2()
                    .modify_instance_attribute()
                    .instance_id(&id)
                    .instance_initiated_shutdown_behavior(
                        AttributeValue::builder().value(v).build(),
                    ),
            )
            .await?;
        }
    }
    if changed(&o, &p, "monitoring") {
        if p.flag("monitoring") {
            c.ec2()
                .monitor_instances()
                .instance_ids(&id)
                .send()
                .await
                .map_err(|e| sdk("ec2:MonitorInstances", e))?;
        } else {
            c.ec2()
                .unmonitor_instances()
                .instance_ids(&id)
                .send()
                .await
                .map_err(|e| sdk("ec2:UnmonitorInstances", e))?;
        }
    }
    if changed(&o, &p, "credit_specification") {
        if let Some(cc) = p
            .block("credit_specification")
            .and_then(|cs| cs.string("cpu_credits"))
        {
            c.ec2()
                .modify_instance_credit_specification()
                .instance_credit_specifications(
                    InstanceCreditSpecificationRequest::builder()
                        .instance_id(&id)
                        .cpu_credits(cc)
                        .build(),
                )
                .send()
                .await
                .map_err(|e| sdk("ec2:ModifyInstanceCreditSpecification", e))?;
        }
    }
    if changed(&o, &p, "metadata_options") {
        if let Some(m) = p.block("metadata_options") {
            let r = metadata_request(&m);
            c.ec2()
                .modify_instance_metadata_options()
                .instance_id(&id)
                .set_http_endpoint(r.http_endpoint().cloned())
                .set_http_tokens(r.http_tokens().cloned())
                .set_http_put_response_hop_limit(r.http_put_response_hop_limit())
                .set_instance_metadata_tags(r.instance_metadata_tags().cloned())
                .send()
                .await
                .map_err(|e| sdk("ec2:ModifyInstanceMetadataOptions", e))?;
            wait_metadata_applied(c, &id).await?;
        }
    }
    if let (Some(before), Some(after)) =
        (o.block("root_block_device"), p.block("root_block_device"))
    {
        let volume = before.req("volume_id").to_string();
        let differs = |k: &str| changed(&before, &after, k);
        let size = after
            .i32("volume_size")
            .filter(|v| *v > 0 && differs("volume_size"));
        let vtype = after
            .string("volume_type")
            .filter(|v| !v.is_empty() && differs("volume_type"));
        let iops = after.i32("iops").filter(|v| *v > 0 && differs("iops"));
        let throughput = after
            .i32("throughput")
            .filter(|v| *v > 0 && differs("throughput"));
        if size.is_some() || vtype.is_some() || iops.is_some() || throughput.is_some() {
            c.ec2()
                .modify_volume()
                .volume_id(&volume)
                .set_size(size)
                .set_volume_type(vtype.as_deref().map(VolumeType::from))
                .set_iops(iops)
                .set_throughput(throughput)
                .send()
                .await
                .map_err(|e| sdk("ec2:ModifyVolume", e))?;
            wait_volume_modified(c, &volume).await?;
        }
        if differs("delete_on_termination") {
            modify(
                c.ec2()
                    .modify_instance_attribute()
                    .instance_id(&id)
                    .block_device_mappings(
                        InstanceBlockDeviceMappingSpecification::builder()
                            .device_name(before.req("device_name"))
                            .ebs(
                                EbsInstanceBlockDeviceSpecification::builder()
                                    .delete_on_termination(
                                        after.bool("delete_on_termination").unwrap_or(true),
                                    )
                                    .build(),
                            )
                            .build(),
                    ),
            )
            .await?;
        }
        if differs("tags") {
            update_tags(c, &volume, &before.map_str("tags"), &after.map_str("tags")).await?;
        }
    }
    let old_tags = o.map_str("tags_all");
    let new_tags = c.tags_all(&p.map_str("tags"));
    if old_tags != new_tags {
        update_tags(c, &id, &old_tags, &new_tags).await?;
    }
    Ok(())
}

impl Resource for Instance {
    fn name(&self) -> &'static str {
        "aws_instance"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        match c.run(create_instance(c, plan)) {
            Ok(v) => Outcome::Done(v),
            Err((Some(id), e)) => {
                let state = c
                    .run(read_instance(c, &id, plan))
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| State::from(&block(), plan).set("id", id).build());
                Outcome::Partial(state, e)
            }
            Err((None, e)) => Outcome::Failed(e),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let id = Obj(state).id().to_string();
        c.run(read_instance(c, &id, state))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let id = Obj(prior).id().to_string();
        let done = c.run(update_instance(c, prior, plan));
        let state = c.run(read_instance(c, &id, plan));
        match (done, state) {
            (Ok(()), Ok(Some(v))) => Outcome::Done(v),
            (Ok(()), Ok(None)) => Outcome::Failed(Error::new(
                "EC2 Instance not found after update",
                format!("Instance {id} disappeared."),
            )),
            (Ok(()), Err(e)) => Outcome::Failed(e),
            (Err(e), Ok(Some(v))) => Outcome::Partial(v, e),
            (Err(e), _) => Outcome::Failed(e),
        }
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let id = Obj(state).id().to_string();
        c.run(async {
            // Termination protection would refuse the delete.
            if let Err(e) = set_disable_api_termination(c, &id, false).await {
                if e.is_not_found() {
                    return Ok(());
                }
            }
            match c.ec2().terminate_instances().instance_ids(&id).send().await {
                Ok(_) => {}
                Err(e) => {
                    let e = sdk("ec2:TerminateInstances", e);
                    if e.is_not_found() {
                        return Ok(());
                    }
                    return Err(e);
                }
            }
            until(
                &format!("EC2 Instance ({id}) to be terminated"),
                DELETE_TIMEOUT,
                || async {
                    Ok(match state_name(c, &id).await? {
                        None => Poll::Ready(()),
                        Some(s) => Poll::Pending(s.as_str().to_string()),
                    })
                },
            )
            .await
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        let planned = keep_zero_values(&block(), prior, planned);
        let Value::Object(mut m) = crate::service::plan_tags_all(prior, planned) else {
            return Value::null();
        };
        // The state keeps a digest of the user data, and so does the plan.
        let prior_hash = prior.get_attr("user_data").and_then(Value::as_str);
        if let Some(Value::String(u)) = m.get("user_data") {
            if Some(u.as_str()) != prior_hash {
                let h = user_data::hash_sum(u);
                m.insert("user_data".into(), Value::string(h));
            }
        }
        computed_block(&mut m, prior, "root_block_device");
        computed_block(&mut m, prior, "metadata_options");
        computed_block(&mut m, prior, "credit_specification");
        if !prior.is_null() {
            let p = Obj(prior);
            let planned = Value::Object(m.clone());
            let n = Obj(&planned);
            // A stop and start gives the instance a new public address.
            if changed(&p, &n, "instance_type")
                || changed(&p, &n, "user_data")
                || changed(&p, &n, "user_data_base64")
            {
                m.insert("public_ip".into(), Value::Unknown(Type::String));
                m.insert("public_dns".into(), Value::Unknown(Type::String));
            }
        }
        Value::Object(m)
    }

    fn validate(&self, config: &Value) -> Diags {
        let mut diags: Diags = conflicts(config, "user_data", "user_data_base64")
            .into_iter()
            .collect();
        // Without a launch template (not supported here), both are needed.
        for k in ["ami", "instance_type"] {
            if !is_set(config, k) {
                diags.push(Diag::error(
                    "Missing required argument",
                    format!("\"{k}\": one of `{k},launch_template` must be specified"),
                ));
            }
        }
        diags
    }

    fn with_config(&self, planned: &Value, config: &Value) -> Value {
        // The configured user data itself, not its digest, goes to EC2.
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
        mut paths: Vec<AttrPath>,
    ) -> Vec<AttrPath> {
        let p = Obj(prior);
        let n = Obj(planned);
        if n.flag("user_data_replace_on_change") {
            for k in ["user_data", "user_data_base64"] {
                if changed(&p, &n, k) {
                    paths.push(AttrPath::attr(k));
                }
            }
        }
        paths
    }
}
