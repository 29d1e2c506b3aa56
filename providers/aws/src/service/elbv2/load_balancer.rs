//! aws_lb (and its alias aws_alb)

use super::{changed, computed_block, generate_name, name_prefix_of, nested, read_tags};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{object, Obj, State, Val};
use crate::schema::with_tags;
use crate::wait::{until, Poll};
use crate::{Outcome, Resource};
use aws_sdk_elasticloadbalancingv2::types::{
    IpAddressType, LoadBalancerAttribute, LoadBalancerSchemeEnum, LoadBalancerStateEnum,
    LoadBalancerTypeEnum, SubnetMapping,
};
use std::collections::BTreeMap;
use std::time::Duration;
use tfrs_provider::{Attribute, Block, Nesting, Schema, Type, Value};

/// The resource under one of its names (`aws_lb`, `aws_alb`).
pub struct LoadBalancer(pub &'static str);

const APPLICATION: &[&str] = &["application"];
const NETWORK: &[&str] = &["network"];

#[derive(Clone, Copy)]
enum Kind {
    Bool(bool),
    Int(i64),
    Str(&'static str),
}

/// An argument kept as a load balancer attribute: its API key, type and
/// default, and the load balancer types that have it.
struct LbAttribute {
    name: &'static str,
    key: &'static str,
    default: Kind,
    types: &'static [&'static str],
}

const ATTRIBUTES: &[LbAttribute] = &[
    LbAttribute {
        name: "client_keep_alive",
        key: "client_keep_alive.seconds",
        default: Kind::Int(3600),
        types: APPLICATION,
    },
    LbAttribute {
        name: "desync_mitigation_mode",
        key: "routing.http.desync_mitigation_mode",
        default: Kind::Str("defensive"),
        types: APPLICATION,
    },
    LbAttribute {
        name: "dns_record_client_routing_policy",
        key: "dns_record.client_routing_policy",
        default: Kind::Str("any_availability_zone"),
        types: NETWORK,
    },
    LbAttribute {
        name: "drop_invalid_header_fields",
        key: "routing.http.drop_invalid_header_fields.enabled",
        default: Kind::Bool(false),
        types: APPLICATION,
    },
    LbAttribute {
        name: "enable_cross_zone_load_balancing",
        key: "load_balancing.cross_zone.enabled",
        // Always on for application load balancers.
        default: Kind::Bool(false),
        types: &["network", "gateway"],
    },
    LbAttribute {
        name: "enable_deletion_protection",
        key: "deletion_protection.enabled",
        default: Kind::Bool(false),
        types: &["application", "network", "gateway"],
    },
    LbAttribute {
        name: "enable_http2",
        key: "routing.http2.enabled",
        default: Kind::Bool(true),
        types: APPLICATION,
    },
    LbAttribute {
        name: "enable_tls_version_and_cipher_suite_headers",
        key: "routing.http.x_amzn_tls_version_and_cipher_suite.enabled",
        default: Kind::Bool(false),
        types: APPLICATION,
    },
    LbAttribute {
        name: "enable_waf_fail_open",
        key: "waf.fail_open.enabled",
        default: Kind::Bool(false),
        types: APPLICATION,
    },
    LbAttribute {
        name: "enable_xff_client_port",
        key: "routing.http.xff_client_port.enabled",
        default: Kind::Bool(false),
        types: APPLICATION,
    },
    LbAttribute {
        name: "enable_zonal_shift",
        key: "zonal_shift.config.enabled",
        default: Kind::Bool(false),
        types: &["application", "network"],
    },
    LbAttribute {
        name: "idle_timeout",
        key: "idle_timeout.timeout_seconds",
        default: Kind::Int(60),
        types: APPLICATION,
    },
    LbAttribute {
        name: "preserve_host_header",
        key: "routing.http.preserve_host_header.enabled",
        default: Kind::Bool(false),
        types: APPLICATION,
    },
    LbAttribute {
        name: "xff_header_processing_mode",
        key: "routing.http.xff_header_processing.mode",
        default: Kind::Str("append"),
        types: APPLICATION,
    },
];

impl Kind {
    fn ty(self) -> Type {
        match self {
            Kind::Bool(_) => Type::Bool,
            Kind::Int(_) => Type::Number,
            Kind::Str(_) => Type::String,
        }
    }
    fn value(self) -> Value {
        match self {
            Kind::Bool(b) => Value::Bool(b),
            Kind::Int(i) => Value::int(i),
            Kind::Str(s) => Value::string(s),
        }
    }
    /// The API's text for a value of this kind.
    fn text(self, v: &Value) -> Option<String> {
        match self {
            Kind::Bool(_) => v.as_bool().map(|b| b.to_string()),
            Kind::Int(_) => v
                .as_number()
                .and_then(|n| n.to_i64())
                .map(|i| i.to_string()),
            Kind::Str(_) => v.as_str().filter(|s| !s.is_empty()).map(String::from),
        }
    }
    /// A value of this kind from the API's text.
    fn parse(self, s: &str) -> Option<Value> {
        match self {
            Kind::Bool(_) => s.parse::<bool>().ok().map(Value::Bool),
            Kind::Int(_) => s.parse::<i64>().ok().map(Value::int),
            Kind::Str(_) => Some(Value::string(s)),
        }
    }
}

fn block() -> Block {
    let mut b = Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("arn", Attribute::computed(Type::String))
        .attr("arn_suffix", Attribute::computed(Type::String))
        .attr("dns_name", Attribute::computed(Type::String))
        .attr("zone_id", Attribute::computed(Type::String))
        .attr("vpc_id", Attribute::computed(Type::String))
        .attr(
            "name",
            Attribute::optional_computed(Type::String).force_new(),
        )
        .attr(
            "name_prefix",
            Attribute::optional_computed(Type::String).force_new(),
        )
        .attr(
            "internal",
            Attribute::optional_computed(Type::Bool).force_new(),
        )
        .attr(
            "load_balancer_type",
            Attribute::optional(Type::String)
                .default(Value::string("application"))
                .force_new(),
        )
        .attr(
            "customer_owned_ipv4_pool",
            Attribute::optional(Type::String).force_new(),
        )
        .attr(
            "ip_address_type",
            Attribute::optional_computed(Type::String),
        )
        .attr(
            "security_groups",
            Attribute::optional_computed(Type::set(Type::String)),
        )
        .attr(
            "subnets",
            Attribute::optional_computed(Type::set(Type::String)),
        )
        .block_with(
            "access_logs",
            nested(
                Nesting::List,
                Block::new()
                    .attr("bucket", Attribute::required(Type::String))
                    .attr(
                        "enabled",
                        Attribute::optional(Type::Bool).default(Value::Bool(false)),
                    )
                    .attr("prefix", Attribute::optional(Type::String)),
                0,
                1,
            ),
        )
        .block(
            "subnet_mapping",
            Nesting::Set,
            Block::new()
                .attr("subnet_id", Attribute::required(Type::String))
                .attr("allocation_id", Attribute::optional(Type::String))
                .attr("ipv6_address", Attribute::optional(Type::String))
                .attr("private_ipv4_address", Attribute::optional(Type::String))
                .attr("outpost_id", Attribute::computed(Type::String)),
        );
    for a in ATTRIBUTES {
        b = b.attr(
            a.name,
            Attribute::optional(a.default.ty()).default(a.default.value()),
        );
    }
    with_tags(b)
}

fn build_err(e: impl std::fmt::Display) -> Error {
    Error::new("Invalid ELBv2 load balancer request", e.to_string())
}

type Lb = aws_sdk_elasticloadbalancingv2::types::LoadBalancer;

/// The load balancer with this ARN, or None.
async fn find(c: &Ctx, arn: &str) -> Result<Option<Lb>> {
    let out = found(
        c.elbv2()
            .describe_load_balancers()
            .load_balancer_arns(arn)
            .send()
            .await
            .map_err(|e| sdk("elasticloadbalancing:DescribeLoadBalancers", e)),
    )?;
    Ok(out.and_then(|o| {
        o.load_balancers()
            .iter()
            .find(|lb| lb.load_balancer_arn() == Some(arn))
            .cloned()
    }))
}

async fn find_by_name(c: &Ctx, name: &str) -> Result<Option<Lb>> {
    let out = found(
        c.elbv2()
            .describe_load_balancers()
            .names(name)
            .send()
            .await
            .map_err(|e| sdk("elasticloadbalancing:DescribeLoadBalancers", e)),
    )?;
    Ok(out.and_then(|o| {
        o.load_balancers()
            .iter()
            .find(|lb| lb.load_balancer_name() == Some(name))
            .cloned()
    }))
}

async fn wait_active(c: &Ctx, arn: &str) -> Result<Lb> {
    until(
        "the load balancer to become active",
        Duration::from_secs(600),
        || async {
            let lb = find(c, arn)
                .await?
                .ok_or_else(|| Error::new("Load balancer not found", arn.to_string()))?;
            let state = lb.state().and_then(|s| s.code()).cloned();
            match state {
                Some(LoadBalancerStateEnum::Active) => Ok(Poll::Ready(lb)),
                Some(LoadBalancerStateEnum::Failed) => Err(Error::new(
                    "Load balancer failed",
                    format!(
                        "{arn}: {}",
                        lb.state()
                            .and_then(|s| s.reason())
                            .unwrap_or("no reason given")
                    ),
                )),
                other => Ok(Poll::Pending(
                    other.map(|s| s.as_str().to_string()).unwrap_or_default(),
                )),
            }
        },
    )
    .await
}

async fn read_attributes(c: &Ctx, arn: &str) -> Result<BTreeMap<String, String>> {
    let out = c
        .elbv2()
        .describe_load_balancer_attributes()
        .load_balancer_arn(arn)
        .send()
        .await
        .map_err(|e| sdk("elasticloadbalancing:DescribeLoadBalancerAttributes", e))?;
    Ok(out
        .attributes()
        .iter()
        .filter_map(|a| {
            Some((
                a.key()?.to_string(),
                a.value().unwrap_or_default().to_string(),
            ))
        })
        .collect())
}

/// Sets attributes; keys a partition or load balancer type does not know
/// are dropped and the rest retried, as the provider does.
async fn modify_attributes(c: &Ctx, arn: &str, mut attrs: Vec<(String, String)>) -> Result<()> {
    while !attrs.is_empty() {
        let list: Vec<LoadBalancerAttribute> = attrs
            .iter()
            .map(|(k, v)| LoadBalancerAttribute::builder().key(k).value(v).build())
            .collect();
        match c
            .elbv2()
            .modify_load_balancer_attributes()
            .load_balancer_arn(arn)
            .set_attributes(Some(list))
            .send()
            .await
        {
            Ok(_) => return Ok(()),
            Err(e) => {
                let e = sdk("elasticloadbalancing:ModifyLoadBalancerAttributes", e);
                match unsupported_key(&e.detail) {
                    Some(k) if attrs.iter().any(|(a, _)| *a == k) => {
                        attrs.retain(|(a, _)| *a != k);
                    }
                    _ => return Err(e),
                }
            }
        }
    }
    Ok(())
}

/// The key in "attribute key 'x' is not recognized/supported".
fn unsupported_key(message: &str) -> Option<String> {
    let rest = &message[message.find("attribute key ")? + "attribute key ".len()..];
    let key: String = rest
        .trim_start_matches(['\'', '"'])
        .chars()
        .take_while(|ch| !matches!(ch, '\'' | '"' | ' '))
        .collect();
    (rest.contains("is not recognized") || rest.contains("is not supported")).then_some(key)
}

/// The attributes to set: on create every one the type has; on update the
/// changed ones.
fn attributes_to_set(prior: &Value, plan: &Value, lb_type: &str) -> Vec<(String, String)> {
    let creating = prior.is_null();
    let mut out = Vec::new();
    if lb_type == "application" || lb_type == "network" {
        let logs_changed = creating || changed(prior, plan, "access_logs");
        if logs_changed {
            match Obj(plan).block("access_logs") {
                Some(l) if l.flag("enabled") => {
                    out.push(("access_logs.s3.enabled".into(), "true".into()));
                    out.push(("access_logs.s3.bucket".into(), l.req("bucket").into()));
                    out.push((
                        "access_logs.s3.prefix".into(),
                        l.str("prefix").unwrap_or_default().into(),
                    ));
                }
                _ => out.push(("access_logs.s3.enabled".into(), "false".into())),
            }
        }
    }
    for a in ATTRIBUTES {
        if !a.types.contains(&lb_type) || !(creating || changed(prior, plan, a.name)) {
            continue;
        }
        if let Some(text) = plan.get_attr(a.name).and_then(|v| a.default.text(v)) {
            out.push((a.key.to_string(), text));
        }
    }
    out
}

fn subnet_mapping_type() -> Type {
    block().blocks["subnet_mapping"].block.value_type()
}

fn state_of(
    c: &Ctx,
    base: &Value,
    lb: &Lb,
    attrs: &BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
) -> Value {
    let b = block();
    let arn = lb.load_balancer_arn().unwrap_or_default().to_string();
    let name = lb.load_balancer_name().unwrap_or_default().to_string();
    let lb_type = lb
        .r#type()
        .map(|t| t.as_str().to_string())
        .unwrap_or_else(|| "application".into());
    let zones = lb.availability_zones();
    let subnets: Vec<String> = zones
        .iter()
        .filter_map(|z| z.subnet_id().map(String::from))
        .collect();
    let mappings: Vec<Value> = zones
        .iter()
        .map(|z| {
            let address = z.load_balancer_addresses().first();
            let m = object(vec![
                ("subnet_id", z.subnet_id().into()),
                ("outpost_id", z.outpost_id().unwrap_or_default().into()),
                (
                    "allocation_id",
                    address.and_then(|a| a.allocation_id()).into(),
                ),
                (
                    "ipv6_address",
                    address.and_then(|a| a.ipv6_address()).into(),
                ),
                (
                    "private_ipv4_address",
                    address.and_then(|a| a.private_ipv4_address()).into(),
                ),
            ]);
            tfrs_provider::convert::convert(&m, &subnet_mapping_type()).unwrap_or(m)
        })
        .collect();
    let mut s = State::from(&b, base)
        .set("id", arn.clone())
        .set("arn", arn.clone())
        .set(
            "arn_suffix",
            super::arn_suffix(&arn, ":loadbalancer/", false),
        )
        .set("dns_name", lb.dns_name().unwrap_or_default())
        .set("zone_id", lb.canonical_hosted_zone_id().unwrap_or_default())
        .set("vpc_id", lb.vpc_id().unwrap_or_default())
        .set("name", name.clone())
        .set("name_prefix", name_prefix_of(&name))
        .set(
            "internal",
            lb.scheme() == Some(&LoadBalancerSchemeEnum::Internal),
        )
        .set("load_balancer_type", lb_type.clone())
        .set(
            "customer_owned_ipv4_pool",
            super::opt_str(
                lb.customer_owned_ipv4_pool(),
                base.get_attr("customer_owned_ipv4_pool"),
            ),
        )
        .set(
            "ip_address_type",
            lb.ip_address_type().map(|t| t.as_str().to_string()),
        )
        .set("security_groups", lb.security_groups().to_vec())
        .set("subnets", subnets)
        .set(
            "subnet_mapping",
            Value::set(subnet_mapping_type(), mappings),
        );
    // Access logs: what AWS reports while enabled; while disabled, the
    // configured bucket and prefix stand (AWS may forget them), and no
    // block when none was configured.
    let logs_enabled = attrs.get("access_logs.s3.enabled").map(String::as_str) == Some("true");
    let prior_logs = Obj(base).block("access_logs");
    let logs: Vec<Value> = if logs_enabled {
        vec![object(vec![
            ("bucket", attrs.get("access_logs.s3.bucket").cloned().into()),
            ("enabled", true.into()),
            (
                "prefix",
                super::opt_str(
                    attrs.get("access_logs.s3.prefix").map(String::as_str),
                    prior_logs.and_then(|p| p.value().get_attr("prefix")),
                )
                .into(),
            ),
        ])]
    } else if let Some(p) = prior_logs {
        vec![object(vec![
            ("bucket", p.string("bucket").into()),
            ("enabled", false.into()),
            ("prefix", p.get("prefix").cloned().into()),
        ])]
    } else {
        Vec::new()
    };
    s = s.set("access_logs", logs);
    for a in ATTRIBUTES {
        let reported = a
            .types
            .contains(&lb_type.as_str())
            .then(|| attrs.get(a.key))
            .flatten()
            .and_then(|text| a.default.parse(text));
        let v: Val = match reported {
            Some(v) => v.into(),
            // Not an attribute of this type: the configured value stands
            // (the provider suppresses the difference), or the default.
            None => match Obj(base).get(a.name) {
                Some(v) => v.clone().into(),
                None => a.default.value().into(),
            },
        };
        s = s.set(a.name, v);
    }
    super::with_tag_state(c, s, base, tags).build()
}

async fn read_state(c: &Ctx, base: &Value, arn: &str) -> Result<Option<Value>> {
    let Some(lb) = find(c, arn).await? else {
        return Ok(None);
    };
    let attrs = read_attributes(c, arn).await?;
    let tags = read_tags(c, arn).await?;
    Ok(Some(state_of(c, base, &lb, &attrs, tags)))
}

fn subnet_mappings(p: &Obj) -> Vec<SubnetMapping> {
    p.blocks("subnet_mapping")
        .iter()
        .map(|m| {
            SubnetMapping::builder()
                .subnet_id(m.req("subnet_id"))
                .set_allocation_id(m.string("allocation_id"))
                .set_ipv6_address(m.string("ipv6_address"))
                .set_private_ipv4_address(m.string("private_ipv4_address"))
                .build()
        })
        .collect()
}

impl Resource for LoadBalancer {
    fn name(&self) -> &'static str {
        self.0
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = generate_name(p.str("name"), p.str("name_prefix"), "tf-lb-");
        let lb_type = p
            .str("load_balancer_type")
            .unwrap_or("application")
            .to_string();
        let tags = c.tags_all(&p.map_str("tags"));
        let created: Result<String> = c.run(async {
            if let Some(existing) = find_by_name(c, &name).await? {
                if existing.r#type().map(|t| t.as_str()) == Some(lb_type.as_str()) {
                    return Err(Error::new(
                        "Load balancer already exists",
                        format!("ELBv2 Load Balancer ({name}) already exists"),
                    ));
                }
            }
            let mut req = c
                .elbv2()
                .create_load_balancer()
                .name(&name)
                .r#type(LoadBalancerTypeEnum::from(lb_type.as_str()))
                .set_security_groups(Some(p.list_str("security_groups")).filter(|v| !v.is_empty()))
                .set_subnets(Some(p.list_str("subnets")).filter(|v| !v.is_empty()))
                .set_subnet_mappings(Some(subnet_mappings(&p)).filter(|v| !v.is_empty()))
                .set_customer_owned_ipv4_pool(p.string("customer_owned_ipv4_pool"))
                .set_ip_address_type(p.str("ip_address_type").map(IpAddressType::from))
                .set_tags(Some(super::sdk_tags(&tags)).filter(|t| !t.is_empty()));
            if p.flag("internal") {
                req = req.scheme(LoadBalancerSchemeEnum::Internal);
            }
            let out = req
                .send()
                .await
                .map_err(|e| sdk("elasticloadbalancing:CreateLoadBalancer", e))?;
            out.load_balancers()
                .first()
                .and_then(|lb| lb.load_balancer_arn())
                .map(String::from)
                .ok_or_else(|| build_err("CreateLoadBalancer returned no load balancer"))
        });
        let arn = match created {
            Ok(a) => a,
            Err(e) => return Outcome::Failed(e),
        };
        let partial = || {
            State::from(&block(), plan)
                .set("id", arn.clone())
                .set("arn", arn.clone())
                .set("name", name.clone())
                .build()
        };
        let done: Result<Value> = c.run(async {
            wait_active(c, &arn).await?;
            let attrs = attributes_to_set(&Value::Null(Type::Dynamic), plan, &lb_type);
            if !attrs.is_empty() {
                modify_attributes(c, &arn, attrs).await?;
                wait_active(c, &arn).await?;
            }
            read_state(c, plan, &arn)
                .await?
                .ok_or_else(|| Error::new("Load balancer not found after create", arn.clone()))
        });
        match done {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(partial(), e),
        }
    }

    /// The load balancer is found by name (unique in a region); the ID is
    /// its ARN.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        let Some(name) = Obj(planned).str("name") else {
            return Ok(None);
        };
        let out = found(c.run(async {
            c.elbv2()
                .describe_load_balancers()
                .names(name)
                .send()
                .await
                .map_err(|e| sdk("elasticloadbalancing:DescribeLoadBalancers", e))
        }))?;
        let arn = out.and_then(|o| {
            o.load_balancers()
                .first()
                .and_then(|l| l.load_balancer_arn())
                .map(String::from)
        });
        match arn {
            Some(arn) => crate::read_as(self, c, planned, &arn),
            None => Ok(None),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let arn = Obj(state).id().to_string();
        c.run(read_state(c, state, &arn))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let arn = Obj(prior).id().to_string();
        let lb_type = p
            .str("load_balancer_type")
            .unwrap_or("application")
            .to_string();
        let tags = c.tags_all(&p.map_str("tags"));
        let r: Result<Value> = c.run(async {
            let old_tags = Obj(prior).map_str("tags_all");
            if old_tags != tags {
                super::update_tags(c, &arn, &old_tags, &tags).await?;
            }
            let attrs = attributes_to_set(prior, plan, &lb_type);
            if !attrs.is_empty() {
                modify_attributes(c, &arn, attrs).await?;
            }
            if changed(prior, plan, "security_groups") {
                c.elbv2()
                    .set_security_groups()
                    .load_balancer_arn(&arn)
                    .set_security_groups(Some(p.list_str("security_groups")))
                    .send()
                    .await
                    .map_err(|e| sdk("elasticloadbalancing:SetSecurityGroups", e))?;
            }
            let subnets_changed = changed(prior, plan, "subnets")
                && plan.get_attr("subnets").is_some_and(Value::is_wholly_known);
            let mappings_changed = changed(prior, plan, "subnet_mapping")
                && plan
                    .get_attr("subnet_mapping")
                    .is_some_and(Value::is_wholly_known);
            if subnets_changed || mappings_changed {
                let mut req = c.elbv2().set_subnets().load_balancer_arn(&arn);
                if mappings_changed {
                    req = req.set_subnet_mappings(Some(subnet_mappings(&p)));
                } else {
                    req = req.set_subnets(Some(p.list_str("subnets")));
                }
                req.send()
                    .await
                    .map_err(|e| sdk("elasticloadbalancing:SetSubnets", e))?;
            }
            if changed(prior, plan, "ip_address_type") {
                if let Some(t) = p.str("ip_address_type") {
                    c.elbv2()
                        .set_ip_address_type()
                        .load_balancer_arn(&arn)
                        .ip_address_type(IpAddressType::from(t))
                        .send()
                        .await
                        .map_err(|e| sdk("elasticloadbalancing:SetIpAddressType", e))?;
                }
            }
            wait_active(c, &arn).await?;
            read_state(c, plan, &arn)
                .await?
                .ok_or_else(|| Error::new("Load balancer not found after update", arn.clone()))
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let arn = Obj(state).id().to_string();
        c.run(async {
            c.elbv2()
                .delete_load_balancer()
                .load_balancer_arn(&arn)
                .send()
                .await
                .map_err(|e| sdk("elasticloadbalancing:DeleteLoadBalancer", e))?;
            until(
                "the load balancer to be deleted",
                Duration::from_secs(600),
                || async {
                    Ok(match find(c, &arn).await? {
                        None => Poll::Ready(()),
                        Some(_) => Poll::Pending("deleting".into()),
                    })
                },
            )
            .await
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        let planned = crate::service::plan_tags_all(prior, planned);
        let before = planned.clone();
        let Value::Object(mut m) = planned else {
            return planned;
        };
        let mappings_configured = m
            .get("subnet_mapping")
            .and_then(Value::elements)
            .is_some_and(|e| !e.is_empty());
        if mappings_configured {
            // Subnets follow the mappings.
            if !prior.is_null()
                && changed(prior, &before, "subnet_mapping")
                && !changed(prior, &before, "subnets")
            {
                m.insert("subnets".into(), Value::Unknown(Type::set(Type::String)));
            }
        } else if !prior.is_null() && changed(prior, &before, "subnets") {
            // Mappings follow the subnets.
            m.insert(
                "subnet_mapping".into(),
                Value::Unknown(Type::set(subnet_mapping_type())),
            );
        } else {
            computed_block(&mut m, prior, "subnet_mapping");
        }
        // Access logs left out of the configuration while AWS has them
        // disabled are no change.
        let logs_configured = m
            .get("access_logs")
            .and_then(Value::elements)
            .is_some_and(|e| !e.is_empty());
        let prior_logs_disabled = Obj(prior)
            .block("access_logs")
            .is_some_and(|l| !l.flag("enabled"));
        if !logs_configured && prior_logs_disabled {
            if let Some(v) = prior.get_attr("access_logs") {
                m.insert("access_logs".into(), v.clone());
            }
        }
        Value::Object(m)
    }
}
