//! aws_launch_template
//!
//! A change to what instances launch with makes a new version of the
//! template (the old ones stay); `update_default_version` makes the new
//! version the default, `default_version` picks one.

use super::compute_shared::{
    blocks, computed_block, conflicts, elem, keep_zero_values, nested, nullable_bool,
    nullable_bool_str, own_tags, settle, string_set, tag_map, tags_of, update_tags,
};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{string_map, Obj, State};
use crate::schema::with_tags;
use crate::{naming, Outcome, Resource};
use aws_sdk_ec2::types::{
    CreditSpecificationRequest, InstanceType, LaunchTemplateBlockDeviceMappingRequest,
    LaunchTemplateEbsBlockDeviceRequest, LaunchTemplateHttpTokensState,
    LaunchTemplateIamInstanceProfileSpecificationRequest,
    LaunchTemplateInstanceMetadataEndpointState, LaunchTemplateInstanceMetadataOptionsRequest,
    LaunchTemplateInstanceMetadataProtocolIpv6, LaunchTemplateInstanceMetadataTagsState,
    LaunchTemplateInstanceNetworkInterfaceSpecificationRequest, LaunchTemplatePlacementRequest,
    LaunchTemplateTagSpecificationRequest, LaunchTemplatesMonitoringRequest,
    RequestLaunchTemplateData, ResourceType, ResponseLaunchTemplateData, ShutdownBehavior,
    TagSpecification, Tenancy, VolumeType,
};
use tfrs_provider::provider::Diags;
use tfrs_provider::schema::NestedBlock;
use tfrs_provider::{Attribute, Block, Nesting, Schema, Type, Value};

pub struct LaunchTemplate;

/// Arguments whose change makes a new version of the template.
const VERSIONED: &[&str] = &[
    "block_device_mappings",
    "credit_specification",
    "description",
    "disable_api_stop",
    "disable_api_termination",
    "ebs_optimized",
    "iam_instance_profile",
    "image_id",
    "instance_initiated_shutdown_behavior",
    "instance_type",
    "key_name",
    "metadata_options",
    "monitoring",
    "network_interfaces",
    "placement",
    "security_group_names",
    "tag_specifications",
    "user_data",
    "vpc_security_group_ids",
];

fn list(block: Block, max_items: usize) -> NestedBlock {
    NestedBlock {
        nesting: Nesting::List,
        block,
        min_items: 0,
        max_items,
        force_new: false,
    }
}

fn block() -> Block {
    let o = |t: Type| Attribute::optional(t);
    let s = || Attribute::optional(Type::String);
    with_tags(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr(
                "name",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "name_prefix",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("description", s())
            .attr(
                "default_version",
                Attribute::optional_computed(Type::Number),
            )
            .attr("update_default_version", o(Type::Bool))
            .attr("latest_version", Attribute::computed(Type::Number))
            .attr("image_id", s())
            .attr("instance_type", s())
            .attr("key_name", s())
            .attr("user_data", s())
            .attr("ebs_optimized", s())
            .attr("disable_api_stop", o(Type::Bool))
            .attr("disable_api_termination", o(Type::Bool))
            .attr("instance_initiated_shutdown_behavior", s())
            .attr("vpc_security_group_ids", o(Type::set(Type::String)))
            .attr("security_group_names", o(Type::set(Type::String)))
            .block_with(
                "iam_instance_profile",
                list(Block::new().attr("arn", s()).attr("name", s()), 1),
            )
            .block_with(
                "network_interfaces",
                list(
                    Block::new()
                        .attr("associate_public_ip_address", s())
                        .attr("delete_on_termination", s())
                        .attr("description", s())
                        .attr("device_index", o(Type::Number))
                        .attr("network_interface_id", s())
                        .attr("private_ip_address", s())
                        .attr("security_groups", o(Type::set(Type::String)))
                        .attr("subnet_id", s()),
                    0,
                ),
            )
            .block_with(
                "block_device_mappings",
                list(
                    Block::new()
                        .attr("device_name", s())
                        .attr("no_device", s())
                        .attr("virtual_name", s())
                        .block_with(
                            "ebs",
                            list(
                                Block::new()
                                    .attr("delete_on_termination", s())
                                    .attr("encrypted", s())
                                    .attr("iops", Attribute::optional_computed(Type::Number))
                                    .attr("kms_key_id", s())
                                    .attr("snapshot_id", s())
                                    .attr("throughput", Attribute::optional_computed(Type::Number))
                                    .attr("volume_size", Attribute::optional_computed(Type::Number))
                                    .attr(
                                        "volume_type",
                                        Attribute::optional_computed(Type::String),
                                    ),
                                1,
                            ),
                        ),
                    0,
                ),
            )
            .block_with(
                "tag_specifications",
                list(
                    Block::new()
                        .attr("resource_type", s())
                        .attr("tags", o(Type::map(Type::String))),
                    0,
                ),
            )
            .block_with(
                "metadata_options",
                list(
                    Block::new()
                        .attr("http_endpoint", Attribute::optional_computed(Type::String))
                        .attr(
                            "http_protocol_ipv6",
                            Attribute::optional_computed(Type::String),
                        )
                        .attr(
                            "http_put_response_hop_limit",
                            Attribute::optional_computed(Type::Number),
                        )
                        .attr("http_tokens", Attribute::optional_computed(Type::String))
                        .attr(
                            "instance_metadata_tags",
                            Attribute::optional_computed(Type::String),
                        ),
                    1,
                ),
            )
            .block_with(
                "monitoring",
                list(Block::new().attr("enabled", o(Type::Bool)), 1),
            )
            .block_with(
                "credit_specification",
                list(Block::new().attr("cpu_credits", s()), 1),
            )
            .block_with(
                "placement",
                list(
                    Block::new()
                        .attr("availability_zone", s())
                        .attr("group_name", s())
                        .attr("tenancy", s()),
                    1,
                ),
            ),
    )
}

fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|v| !v.is_empty())
}

/// The template data the configuration describes.
fn request_data(p: &Obj) -> RequestLaunchTemplateData {
    // Always at least one field, as the provider does.
    let mut d = RequestLaunchTemplateData::builder()
        .user_data(p.str("user_data").unwrap_or_default())
        .set_image_id(non_empty(p.string("image_id")))
        .set_instance_type(p.str("instance_type").map(InstanceType::from))
        .set_key_name(non_empty(p.string("key_name")))
        .set_ebs_optimized(nullable_bool(p.str("ebs_optimized")))
        .set_disable_api_stop(p.bool("disable_api_stop").filter(|v| *v))
        .set_disable_api_termination(p.bool("disable_api_termination").filter(|v| *v))
        .set_instance_initiated_shutdown_behavior(
            p.str("instance_initiated_shutdown_behavior")
                .filter(|v| !v.is_empty())
                .map(ShutdownBehavior::from),
        )
        .set_security_group_ids(
            Some(p.list_str("vpc_security_group_ids")).filter(|v| !v.is_empty()),
        )
        .set_security_groups(Some(p.list_str("security_group_names")).filter(|v| !v.is_empty()));
    if let Some(ip) = p.block("iam_instance_profile") {
        d = d.iam_instance_profile(
            LaunchTemplateIamInstanceProfileSpecificationRequest::builder()
                .set_arn(non_empty(ip.string("arn")))
                .set_name(non_empty(ip.string("name")))
                .build(),
        );
    }
    for ni in p.blocks("network_interfaces") {
        d = d.network_interfaces(
            LaunchTemplateInstanceNetworkInterfaceSpecificationRequest::builder()
                .set_associate_public_ip_address(nullable_bool(
                    ni.str("associate_public_ip_address"),
                ))
                .set_delete_on_termination(nullable_bool(ni.str("delete_on_termination")))
                .set_description(non_empty(ni.string("description")))
                .set_device_index(ni.i32("device_index"))
                .set_network_interface_id(non_empty(ni.string("network_interface_id")))
                .set_private_ip_address(non_empty(ni.string("private_ip_address")))
                .set_groups(Some(ni.list_str("security_groups")).filter(|v| !v.is_empty()))
                .set_subnet_id(non_empty(ni.string("subnet_id")))
                .build(),
        );
    }
    for bdm in p.blocks("block_device_mappings") {
        let ebs = bdm.block("ebs").map(|e| {
            LaunchTemplateEbsBlockDeviceRequest::builder()
                .set_delete_on_termination(nullable_bool(e.str("delete_on_termination")))
                .set_encrypted(nullable_bool(e.str("encrypted")))
                .set_iops(e.i32("iops").filter(|v| *v > 0))
                .set_kms_key_id(non_empty(e.string("kms_key_id")))
                .set_snapshot_id(non_empty(e.string("snapshot_id")))
                .set_throughput(e.i32("throughput").filter(|v| *v > 0))
                .set_volume_size(e.i32("volume_size").filter(|v| *v > 0))
                .set_volume_type(
                    e.str("volume_type")
                        .filter(|v| !v.is_empty())
                        .map(VolumeType::from),
                )
                .build()
        });
        d = d.block_device_mappings(
            LaunchTemplateBlockDeviceMappingRequest::builder()
                .set_device_name(non_empty(bdm.string("device_name")))
                .set_no_device(non_empty(bdm.string("no_device")))
                .set_virtual_name(non_empty(bdm.string("virtual_name")))
                .set_ebs(ebs)
                .build(),
        );
    }
    for ts in p.blocks("tag_specifications") {
        d = d.tag_specifications(
            LaunchTemplateTagSpecificationRequest::builder()
                .set_resource_type(ts.str("resource_type").map(ResourceType::from))
                .set_tags(Some(tags_of(&ts.map_str("tags"))))
                .build(),
        );
    }
    if let Some(m) = p.block("metadata_options") {
        let endpoint = m.str("http_endpoint").filter(|v| !v.is_empty());
        let mut r = LaunchTemplateInstanceMetadataOptionsRequest::builder()
            .set_http_endpoint(endpoint.map(LaunchTemplateInstanceMetadataEndpointState::from))
            .set_http_protocol_ipv6(
                m.str("http_protocol_ipv6")
                    .filter(|v| !v.is_empty())
                    .map(LaunchTemplateInstanceMetadataProtocolIpv6::from),
            );
        // These are only accepted while the endpoint is enabled.
        if endpoint != Some("disabled") {
            r = r
                .set_http_tokens(
                    m.str("http_tokens")
                        .filter(|v| !v.is_empty())
                        .map(LaunchTemplateHttpTokensState::from),
                )
                .set_http_put_response_hop_limit(
                    m.i32("http_put_response_hop_limit").filter(|v| *v > 0),
                )
                .set_instance_metadata_tags(
                    m.str("instance_metadata_tags")
                        .filter(|v| !v.is_empty())
                        .map(LaunchTemplateInstanceMetadataTagsState::from),
                );
        }
        d = d.metadata_options(r.build());
    }
    if let Some(mo) = p.block("monitoring") {
        d = d.monitoring(
            LaunchTemplatesMonitoringRequest::builder()
                .enabled(mo.flag("enabled"))
                .build(),
        );
    }
    if let Some(cc) = p
        .block("credit_specification")
        .and_then(|cs| non_empty(cs.string("cpu_credits")))
    {
        d = d.credit_specification(
            CreditSpecificationRequest::builder()
                .cpu_credits(cc)
                .build(),
        );
    }
    if let Some(pl) = p.block("placement") {
        d = d.placement(
            LaunchTemplatePlacementRequest::builder()
                .set_availability_zone(non_empty(pl.string("availability_zone")))
                .set_group_name(non_empty(pl.string("group_name")))
                .set_tenancy(
                    pl.str("tenancy")
                        .filter(|v| !v.is_empty())
                        .map(Tenancy::from),
                )
                .build(),
        );
    }
    d.build()
}

/// The template data in state form.
fn flatten(b: &Block, s: State, d: &ResponseLaunchTemplateData) -> State {
    let bdm_block = nested(b, "block_device_mappings");
    let iam = d.iam_instance_profile().map(|ip| {
        elem(
            b,
            "iam_instance_profile",
            vec![
                ("arn", ip.arn().unwrap_or_default().into()),
                ("name", ip.name().unwrap_or_default().into()),
            ],
        )
    });
    let nis: Vec<Value> = d
        .network_interfaces()
        .iter()
        .map(|ni| {
            elem(
                b,
                "network_interfaces",
                vec![
                    (
                        "associate_public_ip_address",
                        nullable_bool_str(ni.associate_public_ip_address()).into(),
                    ),
                    (
                        "delete_on_termination",
                        nullable_bool_str(ni.delete_on_termination()).into(),
                    ),
                    ("description", ni.description().unwrap_or_default().into()),
                    ("device_index", ni.device_index().unwrap_or(0).into()),
                    (
                        "network_interface_id",
                        ni.network_interface_id().unwrap_or_default().into(),
                    ),
                    (
                        "private_ip_address",
                        ni.private_ip_address().unwrap_or_default().into(),
                    ),
                    ("security_groups", string_set(ni.groups().to_vec()).into()),
                    ("subnet_id", ni.subnet_id().unwrap_or_default().into()),
                ],
            )
        })
        .collect();
    let bdms: Vec<Value> = d
        .block_device_mappings()
        .iter()
        .map(|m| {
            let ebs = m.ebs().map(|e| {
                elem(
                    &bdm_block,
                    "ebs",
                    vec![
                        (
                            "delete_on_termination",
                            nullable_bool_str(e.delete_on_termination()).into(),
                        ),
                        ("encrypted", nullable_bool_str(e.encrypted()).into()),
                        ("iops", e.iops().unwrap_or(0).into()),
                        ("kms_key_id", e.kms_key_id().unwrap_or_default().into()),
                        ("snapshot_id", e.snapshot_id().unwrap_or_default().into()),
                        ("throughput", e.throughput().unwrap_or(0).into()),
                        ("volume_size", e.volume_size().unwrap_or(0).into()),
                        (
                            "volume_type",
                            e.volume_type()
                                .map(|t| t.as_str())
                                .unwrap_or_default()
                                .into(),
                        ),
                    ],
                )
            });
            elem(
                b,
                "block_device_mappings",
                vec![
                    ("device_name", m.device_name().unwrap_or_default().into()),
                    ("no_device", m.no_device().unwrap_or_default().into()),
                    ("virtual_name", m.virtual_name().unwrap_or_default().into()),
                    (
                        "ebs",
                        blocks(&bdm_block, "ebs", ebs.into_iter().collect()).into(),
                    ),
                ],
            )
        })
        .collect();
    let tag_specs: Vec<Value> = d
        .tag_specifications()
        .iter()
        .map(|ts| {
            elem(
                b,
                "tag_specifications",
                vec![
                    (
                        "resource_type",
                        ts.resource_type()
                            .map(|r| r.as_str())
                            .unwrap_or_default()
                            .into(),
                    ),
                    ("tags", string_map(tag_map(ts.tags())).into()),
                ],
            )
        })
        .collect();
    let metadata = d.metadata_options().map(|m| {
        elem(
            b,
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
                    "http_protocol_ipv6",
                    m.http_protocol_ipv6()
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
    let monitoring = d.monitoring().map(|mo| {
        elem(
            b,
            "monitoring",
            vec![("enabled", mo.enabled().unwrap_or(false).into())],
        )
    });
    let credits = d.credit_specification().map(|cs| {
        elem(
            b,
            "credit_specification",
            vec![("cpu_credits", cs.cpu_credits().unwrap_or_default().into())],
        )
    });
    let placement = d.placement().map(|pl| {
        elem(
            b,
            "placement",
            vec![
                (
                    "availability_zone",
                    pl.availability_zone().unwrap_or_default().into(),
                ),
                ("group_name", pl.group_name().unwrap_or_default().into()),
                (
                    "tenancy",
                    pl.tenancy().map(|t| t.as_str()).unwrap_or_default().into(),
                ),
            ],
        )
    });
    s.set("image_id", d.image_id().unwrap_or_default())
        .set(
            "instance_type",
            d.instance_type().map(|t| t.as_str()).unwrap_or_default(),
        )
        .set("key_name", d.key_name().unwrap_or_default())
        .set("user_data", d.user_data().unwrap_or_default())
        .set("ebs_optimized", nullable_bool_str(d.ebs_optimized()))
        .set("disable_api_stop", d.disable_api_stop().unwrap_or(false))
        .set(
            "disable_api_termination",
            d.disable_api_termination().unwrap_or(false),
        )
        .set(
            "instance_initiated_shutdown_behavior",
            d.instance_initiated_shutdown_behavior()
                .map(|x| x.as_str())
                .unwrap_or_default(),
        )
        .set(
            "vpc_security_group_ids",
            string_set(d.security_group_ids().to_vec()),
        )
        .set(
            "security_group_names",
            string_set(d.security_groups().to_vec()),
        )
        .set(
            "iam_instance_profile",
            blocks(b, "iam_instance_profile", iam.into_iter().collect()),
        )
        .set("network_interfaces", blocks(b, "network_interfaces", nis))
        .set(
            "block_device_mappings",
            blocks(b, "block_device_mappings", bdms),
        )
        .set(
            "tag_specifications",
            blocks(b, "tag_specifications", tag_specs),
        )
        .set(
            "metadata_options",
            blocks(b, "metadata_options", metadata.into_iter().collect()),
        )
        .set(
            "monitoring",
            blocks(b, "monitoring", monitoring.into_iter().collect()),
        )
        .set(
            "credit_specification",
            blocks(b, "credit_specification", credits.into_iter().collect()),
        )
        .set(
            "placement",
            blocks(b, "placement", placement.into_iter().collect()),
        )
}

async fn find(c: &Ctx, id: &str) -> Result<Option<aws_sdk_ec2::types::LaunchTemplate>> {
    let out = found(
        c.ec2()
            .describe_launch_templates()
            .launch_template_ids(id)
            .send()
            .await
            .map_err(|e| sdk("ec2:DescribeLaunchTemplates", e)),
    )?;
    Ok(out.and_then(|o| {
        o.launch_templates()
            .iter()
            .find(|t| t.launch_template_id() == Some(id))
            .cloned()
    }))
}

async fn read_template(c: &Ctx, account: &str, id: &str, base: &Value) -> Result<Option<Value>> {
    let Some(lt) = find(c, id).await? else {
        return Ok(None);
    };
    let latest = lt.latest_version_number().unwrap_or(1);
    let versions = c
        .ec2()
        .describe_launch_template_versions()
        .launch_template_id(id)
        .versions(latest.to_string())
        .send()
        .await
        .map_err(|e| sdk("ec2:DescribeLaunchTemplateVersions", e))?;
    let version = versions
        .launch_template_versions()
        .iter()
        .find(|v| v.version_number() == Some(latest))
        .ok_or_else(|| {
            Error::new(
                "Launch template version not found",
                format!("Launch template {id} has no version {latest}."),
            )
        })?;
    let b = block();
    let name = lt.launch_template_name().unwrap_or_default().to_string();
    let all = c.visible_tags(tag_map(lt.tags()));
    let s = State::from(&b, base)
        .set("id", id)
        .set(
            "arn",
            format!(
                "arn:{}:ec2:{}:{account}:launch-template/{id}",
                c.partition(),
                c.region,
            ),
        )
        .set("name", name.clone())
        .set(
            "name_prefix",
            naming::prefix_from_name(&name).unwrap_or_default(),
        )
        .set("default_version", lt.default_version_number())
        .set("latest_version", lt.latest_version_number())
        .set(
            "description",
            version.version_description().unwrap_or_default(),
        )
        .set("tags", own_tags(c, &Obj(base), &all))
        .set("tags_all", string_map(all));
    let s = match version.launch_template_data() {
        Some(d) => flatten(&b, s, d),
        None => s,
    };
    Ok(Some(settle(&b, base, s.build())))
}

/// Whether `k` differs between the prior state and the plan.
fn changed(prior: &Value, plan: &Value, k: &str) -> bool {
    match (prior.get_attr(k), plan.get_attr(k)) {
        (Some(a), Some(b)) => !b.is_known() || !a.raw_equal(b),
        (None, Some(b)) => !b.is_null(),
        _ => false,
    }
}

fn new_version(prior: &Value, plan: &Value) -> bool {
    VERSIONED.iter().any(|k| changed(prior, plan, k))
}

impl Resource for LaunchTemplate {
    fn name(&self) -> &'static str {
        "aws_launch_template"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = naming::name(p.str("name"), p.str("name_prefix"));
        let tags = c.tags_all(&p.map_str("tags"));
        let account = match c.account_id() {
            Ok(a) => a,
            Err(e) => return Outcome::Failed(e),
        };
        let created: Result<String> = c.run(async {
            let mut req = c
                .ec2()
                .create_launch_template()
                .client_token(naming::prefixed_unique_id(""))
                .launch_template_name(&name)
                .set_version_description(non_empty(p.string("description")))
                .launch_template_data(request_data(&p));
            if !tags.is_empty() {
                req = req.tag_specifications(
                    TagSpecification::builder()
                        .resource_type(ResourceType::LaunchTemplate)
                        .set_tags(Some(tags_of(&tags)))
                        .build(),
                );
            }
            let out = req
                .send()
                .await
                .map_err(|e| sdk("ec2:CreateLaunchTemplate", e))?;
            let id = out
                .launch_template()
                .and_then(|t| t.launch_template_id())
                .map(String::from)
                .ok_or_else(|| {
                    Error::new(
                        "ec2:CreateLaunchTemplate failed",
                        "The response names no launch template.",
                    )
                })?;
            Ok(id)
        });
        let id = match created {
            Ok(id) => id,
            Err(e) => return Outcome::Failed(e),
        };
        // The template exists from here on: a failure keeps it in state.
        match c.run(read_template(c, &account, &id, plan)) {
            Ok(Some(v)) => Outcome::Done(v),
            Ok(None) => Outcome::Failed(Error::new(
                "Launch template not found after creation",
                format!("Launch template {id} ({name}) disappeared."),
            )),
            Err(e) => Outcome::Partial(State::from(&block(), plan).set("id", id).build(), e),
        }
    }

    /// The template is found by name (unique in a region).
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        let Some(name) = Obj(planned).str("name") else {
            return Ok(None);
        };
        let out = found(c.run(async {
            c.ec2()
                .describe_launch_templates()
                .launch_template_names(name)
                .send()
                .await
                .map_err(|e| sdk("ec2:DescribeLaunchTemplates", e))
        }))?;
        let id = out.and_then(|o| {
            o.launch_templates()
                .first()
                .and_then(|t| t.launch_template_id())
                .map(String::from)
        });
        match id {
            Some(id) => crate::read_as(self, c, planned, &id),
            None => Ok(None),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let id = Obj(state).id().to_string();
        let account = c.account_id()?;
        c.run(read_template(c, &account, &id, state))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let o = Obj(prior);
        let p = Obj(plan);
        let id = o.id().to_string();
        let account = match c.account_id() {
            Ok(a) => a,
            Err(e) => return Outcome::Failed(e),
        };
        let r: Result<Value> = c.run(async {
            let mut latest = o.i64("latest_version").unwrap_or(1);
            if new_version(prior, plan) {
                let out = c
                    .ec2()
                    .create_launch_template_version()
                    .client_token(naming::prefixed_unique_id(""))
                    .launch_template_id(&id)
                    .set_version_description(non_empty(p.string("description")))
                    .launch_template_data(request_data(&p))
                    .send()
                    .await
                    .map_err(|e| sdk("ec2:CreateLaunchTemplateVersion", e))?;
                latest = out
                    .launch_template_version()
                    .and_then(|v| v.version_number())
                    .unwrap_or(latest);
            }
            let default = if p.flag("update_default_version") {
                Some(latest)
            } else if changed(prior, plan, "default_version") {
                p.i64("default_version")
            } else {
                None
            };
            if let Some(v) = default.filter(|v| Some(*v) != o.i64("default_version")) {
                c.ec2()
                    .modify_launch_template()
                    .launch_template_id(&id)
                    .default_version(v.to_string())
                    .send()
                    .await
                    .map_err(|e| sdk("ec2:ModifyLaunchTemplate", e))?;
            }
            let old_tags = o.map_str("tags_all");
            let new_tags = c.tags_all(&p.map_str("tags"));
            if old_tags != new_tags {
                update_tags(c, &id, &old_tags, &new_tags).await?;
            }
            read_template(c, &account, &id, plan).await?.ok_or_else(|| {
                Error::new(
                    "Launch template not found after update",
                    format!("Launch template {id} disappeared."),
                )
            })
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let id = Obj(state).id().to_string();
        c.run(async {
            match c
                .ec2()
                .delete_launch_template()
                .launch_template_id(&id)
                .send()
                .await
            {
                Ok(_) => Ok(()),
                Err(e) => {
                    let e = sdk("ec2:DeleteLaunchTemplate", e);
                    if e.is_not_found() {
                        Ok(())
                    } else {
                        Err(e)
                    }
                }
            }
        })
    }

    fn validate(&self, config: &Value) -> Diags {
        [
            conflicts(config, "name", "name_prefix"),
            conflicts(config, "default_version", "update_default_version"),
            conflicts(config, "vpc_security_group_ids", "security_group_names"),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        let planned = keep_zero_values(&block(), prior, planned);
        let Value::Object(mut m) = crate::service::plan_tags_all(prior, planned) else {
            return Value::null();
        };
        computed_block(&mut m, prior, "metadata_options");
        if !prior.is_null() {
            let planned = Value::Object(m.clone());
            if new_version(prior, &planned) {
                m.insert("latest_version".into(), Value::Unknown(Type::Number));
                if Obj(&planned).flag("update_default_version") {
                    m.insert("default_version".into(), Value::Unknown(Type::Number));
                }
            }
        }
        Value::Object(m)
    }
}
