//! aws_lb_target_group (and its alias aws_alb_target_group)

use super::{changed, computed_block, generate_name, name_prefix_of, nested, read_tags};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{object, Obj, State, Val};
use crate::schema::with_tags;
use crate::{Outcome, Resource};
use aws_sdk_elasticloadbalancingv2::types::{
    Matcher, ProtocolEnum, TargetGroupAttribute, TargetGroupIpAddressTypeEnum, TargetTypeEnum,
};
use std::collections::BTreeMap;
use tfrs_provider::{Attribute, Block, Nesting, Schema, Type, Value};

/// The resource under one of its names (`aws_lb_target_group`,
/// `aws_alb_target_group`).
pub struct TargetGroup(pub &'static str);

const DEFAULT_COOKIE_DURATION: i64 = 86400;

fn block() -> Block {
    let health_check = Block::new()
        .attr(
            "enabled",
            Attribute::optional(Type::Bool).default(Value::Bool(true)),
        )
        .attr(
            "healthy_threshold",
            Attribute::optional(Type::Number).default(Value::int(3)),
        )
        .attr(
            "interval",
            Attribute::optional(Type::Number).default(Value::int(30)),
        )
        .attr("matcher", Attribute::optional_computed(Type::String))
        .attr("path", Attribute::optional_computed(Type::String))
        .attr(
            "port",
            Attribute::optional(Type::String).default(Value::string("traffic-port")),
        )
        .attr(
            "protocol",
            Attribute::optional(Type::String).default(Value::string("HTTP")),
        )
        .attr("timeout", Attribute::optional_computed(Type::Number))
        .attr(
            "unhealthy_threshold",
            Attribute::optional(Type::Number).default(Value::int(3)),
        );
    let stickiness = Block::new()
        .attr(
            "cookie_duration",
            Attribute::optional(Type::Number).default(Value::int(DEFAULT_COOKIE_DURATION)),
        )
        .attr("cookie_name", Attribute::optional(Type::String))
        .attr(
            "enabled",
            Attribute::optional(Type::Bool).default(Value::Bool(true)),
        )
        .attr("type", Attribute::required(Type::String));
    with_tags(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("arn_suffix", Attribute::computed(Type::String))
            .attr(
                "name",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "name_prefix",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("port", Attribute::optional(Type::Number).force_new())
            .attr("protocol", Attribute::optional(Type::String).force_new())
            .attr(
                "protocol_version",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("vpc_id", Attribute::optional(Type::String).force_new())
            .attr(
                "target_type",
                Attribute::optional(Type::String)
                    .default(Value::string("instance"))
                    .force_new(),
            )
            .attr(
                "ip_address_type",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "deregistration_delay",
                Attribute::optional(Type::String).default(Value::string("300")),
            )
            .attr(
                "slow_start",
                Attribute::optional(Type::Number).default(Value::int(0)),
            )
            .attr(
                "load_balancing_algorithm_type",
                Attribute::optional_computed(Type::String),
            )
            .attr(
                "load_balancing_cross_zone_enabled",
                Attribute::optional_computed(Type::String),
            )
            .attr(
                "proxy_protocol_v2",
                Attribute::optional(Type::Bool).default(Value::Bool(false)),
            )
            .attr(
                "load_balancer_arns",
                Attribute::computed(Type::set(Type::String)),
            )
            .block_with("health_check", nested(Nesting::List, health_check, 0, 1))
            .block_with("stickiness", nested(Nesting::List, stickiness, 0, 1)),
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Bool,
    Int,
    Str,
}

/// Arguments kept as target group attributes (instance and ip targets):
/// name, API key, kind.
const ATTRIBUTES: &[(&str, &str, Kind)] = &[
    (
        "deregistration_delay",
        "deregistration_delay.timeout_seconds",
        Kind::Str,
    ),
    (
        "load_balancing_algorithm_type",
        "load_balancing.algorithm.type",
        Kind::Str,
    ),
    (
        "load_balancing_cross_zone_enabled",
        "load_balancing.cross_zone.enabled",
        Kind::Str,
    ),
    ("proxy_protocol_v2", "proxy_protocol_v2.enabled", Kind::Bool),
    ("slow_start", "slow_start.duration_seconds", Kind::Int),
];

type Tg = aws_sdk_elasticloadbalancingv2::types::TargetGroup;

async fn find(c: &Ctx, arn: &str) -> Result<Option<Tg>> {
    let out = found(
        c.elbv2()
            .describe_target_groups()
            .target_group_arns(arn)
            .send()
            .await
            .map_err(|e| sdk("elasticloadbalancing:DescribeTargetGroups", e)),
    )?;
    Ok(out.and_then(|o| {
        o.target_groups()
            .iter()
            .find(|t| t.target_group_arn() == Some(arn))
            .cloned()
    }))
}

async fn exists_by_name(c: &Ctx, name: &str) -> Result<bool> {
    let out = found(
        c.elbv2()
            .describe_target_groups()
            .names(name)
            .send()
            .await
            .map_err(|e| sdk("elasticloadbalancing:DescribeTargetGroups", e)),
    )?;
    Ok(out.is_some_and(|o| {
        o.target_groups()
            .iter()
            .any(|t| t.target_group_name() == Some(name))
    }))
}

async fn read_attributes(c: &Ctx, arn: &str) -> Result<BTreeMap<String, String>> {
    let out = c
        .elbv2()
        .describe_target_group_attributes()
        .target_group_arn(arn)
        .send()
        .await
        .map_err(|e| sdk("elasticloadbalancing:DescribeTargetGroupAttributes", e))?;
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

async fn modify_attributes(c: &Ctx, arn: &str, attrs: Vec<(String, String)>) -> Result<()> {
    if attrs.is_empty() {
        return Ok(());
    }
    let list: Vec<TargetGroupAttribute> = attrs
        .iter()
        .map(|(k, v)| TargetGroupAttribute::builder().key(k).value(v).build())
        .collect();
    c.elbv2()
        .modify_target_group_attributes()
        .target_group_arn(arn)
        .set_attributes(Some(list))
        .send()
        .await
        .map_err(|e| sdk("elasticloadbalancing:ModifyTargetGroupAttributes", e))?;
    Ok(())
}

fn is_http(protocol: &str) -> bool {
    matches!(protocol, "HTTP" | "HTTPS")
}

fn stickiness_attributes(s: &Obj, protocol: &str) -> Vec<(String, String)> {
    let kind = s.req("type");
    let mut out = vec![
        ("stickiness.enabled".into(), s.flag("enabled").to_string()),
        ("stickiness.type".into(), kind.to_string()),
    ];
    let duration = s
        .i64("cookie_duration")
        .unwrap_or(DEFAULT_COOKIE_DURATION)
        .to_string();
    if is_http(protocol) {
        match kind {
            "lb_cookie" => out.push(("stickiness.lb_cookie.duration_seconds".into(), duration)),
            "app_cookie" => {
                out.push((
                    "stickiness.app_cookie.cookie_name".into(),
                    s.str("cookie_name").unwrap_or_default().into(),
                ));
                out.push(("stickiness.app_cookie.duration_seconds".into(), duration));
            }
            _ => {}
        }
    }
    out
}

/// The attributes to set: on create the non-default ones configured, on
/// update the changed ones.
fn attributes_to_set(prior: &Value, plan: &Value) -> Vec<(String, String)> {
    let p = Obj(plan);
    if !matches!(p.str("target_type"), Some("instance" | "ip") | None) {
        return Vec::new();
    }
    let creating = prior.is_null();
    let protocol = p.str("protocol").unwrap_or_default();
    let mut out = Vec::new();
    if creating || changed(prior, plan, "stickiness") {
        match p.block("stickiness") {
            Some(s) if s.str("type").is_some() => out.extend(stickiness_attributes(&s, protocol)),
            Some(_) => {}
            None if !creating => out.push(("stickiness.enabled".into(), "false".into())),
            None => {}
        }
    }
    for (name, key, kind) in ATTRIBUTES {
        if !creating && !changed(prior, plan, name) {
            continue;
        }
        let Some(v) = p.get(name) else { continue };
        let text = match kind {
            Kind::Bool => v
                .as_bool()
                .filter(|b| *b || !creating)
                .map(|b| b.to_string()),
            Kind::Int => v
                .as_number()
                .and_then(|n| n.to_i64())
                .filter(|i| *i > 0 || !creating)
                .map(|i| i.to_string()),
            Kind::Str => v.as_str().filter(|s| !s.is_empty()).map(String::from),
        };
        if let Some(t) = text {
            out.push((key.to_string(), t));
        }
    }
    out
}

/// The health check settings of a configured block, as both
/// CreateTargetGroup and ModifyTargetGroup take them.
struct HealthCheck {
    enabled: Option<bool>,
    interval: Option<i32>,
    healthy: Option<i32>,
    unhealthy: Option<i32>,
    timeout: Option<i32>,
    path: Option<String>,
    matcher: Option<Matcher>,
    port: Option<String>,
    protocol: Option<ProtocolEnum>,
}

fn health_check(p: &Obj, updating: bool) -> Option<HealthCheck> {
    let h = p.block("health_check")?;
    let lambda = p.str("target_type") == Some("lambda");
    let protocol = h.str("protocol").map(str::to_uppercase);
    let tcp = protocol.as_deref() == Some("TCP");
    let grpc = p.str("protocol_version").map(str::to_uppercase).as_deref() == Some("GRPC");
    let matcher = h
        .str("matcher")
        .filter(|m| !tcp && (updating || !m.is_empty()))
        .map(|m| {
            if grpc {
                Matcher::builder().grpc_code(m).build()
            } else {
                Matcher::builder().http_code(m).build()
            }
        });
    Some(HealthCheck {
        enabled: h.bool("enabled"),
        interval: h.i32("interval"),
        healthy: h.i32("healthy_threshold"),
        unhealthy: h.i32("unhealthy_threshold"),
        timeout: h.i32("timeout").filter(|t| *t != 0),
        path: h
            .string("path")
            .filter(|s| !tcp && (updating || !s.is_empty())),
        matcher,
        port: h.string("port").filter(|_| !lambda),
        protocol: protocol
            .filter(|_| !lambda)
            .map(|s| ProtocolEnum::from(s.as_str())),
    })
}

fn state_of(
    c: &Ctx,
    base: &Value,
    tg: &Tg,
    attrs: &BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
) -> Value {
    let b = block();
    let prior = Obj(base);
    let arn = tg.target_group_arn().unwrap_or_default().to_string();
    let name = tg.target_group_name().unwrap_or_default().to_string();
    let protocol = tg.protocol().map(|p| p.as_str().to_string());
    let health = object(vec![
        ("enabled", tg.health_check_enabled().into()),
        ("healthy_threshold", tg.healthy_threshold_count().into()),
        ("interval", tg.health_check_interval_seconds().into()),
        (
            "matcher",
            tg.matcher()
                .and_then(|m| m.http_code().or(m.grpc_code()))
                .unwrap_or_default()
                .into(),
        ),
        ("path", tg.health_check_path().unwrap_or_default().into()),
        ("port", tg.health_check_port().unwrap_or_default().into()),
        (
            "protocol",
            tg.health_check_protocol()
                .map(|p| p.as_str())
                .unwrap_or_default()
                .into(),
        ),
        ("timeout", tg.health_check_timeout_seconds().into()),
        ("unhealthy_threshold", tg.unhealthy_threshold_count().into()),
    ]);
    let mut s = State::from(&b, base)
        .set("id", arn.clone())
        .set("arn", arn.clone())
        .set("arn_suffix", super::arn_suffix(&arn, ":targetgroup/", true))
        .set("name", name.clone())
        .set("name_prefix", name_prefix_of(&name))
        .set(
            "target_type",
            tg.target_type().map(|t| t.as_str()).unwrap_or("instance"),
        )
        .set(
            "ip_address_type",
            tg.ip_address_type().map(|t| t.as_str().to_string()),
        )
        .set("load_balancer_arns", tg.load_balancer_arns().to_vec())
        .set("health_check", vec![health]);
    if let Some(port) = tg.port() {
        s = s.set("port", port);
    }
    if let Some(p) = &protocol {
        s = s.set("protocol", p.clone());
    }
    if let Some(v) = tg.protocol_version() {
        s = s.set("protocol_version", v);
    } else if prior.get("protocol_version").is_none() {
        s = s.set("protocol_version", "");
    }
    if let Some(v) = tg.vpc_id() {
        s = s.set("vpc_id", v);
    }
    // Stickiness, as AWS reports it for this protocol; what it does not
    // report (the cookie of another stickiness type) stays as configured.
    if let Some(enabled) = attrs.get("stickiness.enabled") {
        let kind = attrs.get("stickiness.type").cloned().unwrap_or_default();
        let prior_block = prior.block("stickiness");
        let http = protocol.as_deref().is_some_and(is_http);
        let duration_key = match kind.as_str() {
            "lb_cookie" => Some("stickiness.lb_cookie.duration_seconds"),
            "app_cookie" => Some("stickiness.app_cookie.duration_seconds"),
            _ => None,
        };
        let duration = duration_key
            .filter(|_| http)
            .and_then(|k| attrs.get(k))
            .and_then(|d| d.parse::<i64>().ok())
            .or_else(|| prior_block.and_then(|p| p.i64("cookie_duration")))
            .unwrap_or(DEFAULT_COOKIE_DURATION);
        let cookie_name = if http && kind == "app_cookie" {
            attrs.get("stickiness.app_cookie.cookie_name").cloned()
        } else {
            prior_block.and_then(|p| p.string("cookie_name"))
        };
        s = s.set(
            "stickiness",
            vec![object(vec![
                ("cookie_duration", duration.into()),
                ("cookie_name", cookie_name.into()),
                ("enabled", (enabled == "true").into()),
                ("type", kind.into()),
            ])],
        );
    }
    for (name, key, kind) in ATTRIBUTES {
        let v: Option<Val> = attrs.get(*key).and_then(|text| match kind {
            Kind::Bool => text.parse::<bool>().ok().map(Val::from),
            Kind::Int => text.parse::<i64>().ok().map(Val::from),
            Kind::Str => Some(Val::from(text.clone())),
        });
        match v {
            Some(v) => s = s.set(name, v),
            // Not reported: the configured value stands, or the default.
            None if prior.get(name).is_none() => {
                let default = b.attributes[*name].default.clone();
                s = s.set(name, default.map(Val::from).unwrap_or(Val(None)));
            }
            None => {}
        }
    }
    super::with_tag_state(c, s, base, tags).build()
}

async fn read_state(c: &Ctx, base: &Value, arn: &str) -> Result<Option<Value>> {
    let Some(tg) = find(c, arn).await? else {
        return Ok(None);
    };
    let attrs = found(read_attributes(c, arn).await)?.unwrap_or_default();
    let tags = read_tags(c, arn).await?;
    Ok(Some(state_of(c, base, &tg, &attrs, tags)))
}

impl Resource for TargetGroup {
    fn name(&self) -> &'static str {
        self.0
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = generate_name(p.str("name"), p.str("name_prefix"), "tf-");
        let tags = c.tags_all(&p.map_str("tags"));
        let target_type = p.str("target_type").unwrap_or("instance").to_string();
        let created: Result<String> = c.run(async {
            if exists_by_name(c, &name).await? {
                return Err(Error::new(
                    "Target group already exists",
                    format!("ELBv2 Target Group ({name}) already exists"),
                ));
            }
            let mut req = c
                .elbv2()
                .create_target_group()
                .name(&name)
                .target_type(TargetTypeEnum::from(target_type.as_str()))
                .set_tags(Some(super::sdk_tags(&tags)).filter(|t| !t.is_empty()));
            if target_type != "lambda" {
                let protocol = p.str("protocol").unwrap_or_default();
                req = req
                    .set_port(p.i32("port"))
                    .set_protocol(p.str("protocol").map(ProtocolEnum::from))
                    .set_vpc_id(p.string("vpc_id"));
                if is_http(protocol) {
                    req = req.set_protocol_version(p.string("protocol_version"));
                }
                if matches!(target_type.as_str(), "instance" | "ip") {
                    req = req.set_ip_address_type(
                        p.str("ip_address_type")
                            .map(TargetGroupIpAddressTypeEnum::from),
                    );
                }
            }
            if let Some(h) = health_check(&p, false) {
                req = req
                    .set_health_check_enabled(h.enabled)
                    .set_health_check_interval_seconds(h.interval)
                    .set_healthy_threshold_count(h.healthy)
                    .set_unhealthy_threshold_count(h.unhealthy)
                    .set_health_check_timeout_seconds(h.timeout)
                    .set_health_check_path(h.path)
                    .set_matcher(h.matcher)
                    .set_health_check_port(h.port)
                    .set_health_check_protocol(h.protocol);
            }
            let out = req
                .send()
                .await
                .map_err(|e| sdk("elasticloadbalancing:CreateTargetGroup", e))?;
            out.target_groups()
                .first()
                .and_then(|t| t.target_group_arn())
                .map(String::from)
                .ok_or_else(|| {
                    Error::new(
                        "Invalid ELBv2 response",
                        "CreateTargetGroup returned no target group",
                    )
                })
        });
        let arn = match created {
            Ok(a) => a,
            Err(e) => return Outcome::Failed(e),
        };
        let done: Result<Value> = c.run(async {
            modify_attributes(
                c,
                &arn,
                attributes_to_set(&Value::Null(Type::Dynamic), plan),
            )
            .await?;
            read_state(c, plan, &arn)
                .await?
                .ok_or_else(|| Error::new("Target group not found after create", arn.clone()))
        });
        match done {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(
                State::from(&block(), plan)
                    .set("id", arn.clone())
                    .set("arn", arn.clone())
                    .set("name", name)
                    .build(),
                e,
            ),
        }
    }

    /// The group is found by name (unique in a region); the ID is its ARN.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        let Some(name) = Obj(planned).str("name") else {
            return Ok(None);
        };
        let out = found(c.run(async {
            c.elbv2()
                .describe_target_groups()
                .names(name)
                .send()
                .await
                .map_err(|e| sdk("elasticloadbalancing:DescribeTargetGroups", e))
        }))?;
        let arn = out.and_then(|o| {
            o.target_groups()
                .first()
                .and_then(|g| g.target_group_arn())
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
        let tags = c.tags_all(&p.map_str("tags"));
        let r: Result<Value> = c.run(async {
            if changed(prior, plan, "health_check") {
                if let Some(h) = health_check(&p, true) {
                    c.elbv2()
                        .modify_target_group()
                        .target_group_arn(&arn)
                        .set_health_check_enabled(h.enabled)
                        .set_health_check_interval_seconds(h.interval)
                        .set_healthy_threshold_count(h.healthy)
                        .set_unhealthy_threshold_count(h.unhealthy)
                        .set_health_check_timeout_seconds(h.timeout)
                        .set_health_check_path(h.path)
                        .set_matcher(h.matcher)
                        .set_health_check_port(h.port)
                        .set_health_check_protocol(h.protocol)
                        .send()
                        .await
                        .map_err(|e| sdk("elasticloadbalancing:ModifyTargetGroup", e))?;
                }
            }
            modify_attributes(c, &arn, attributes_to_set(prior, plan)).await?;
            let old_tags = Obj(prior).map_str("tags_all");
            if old_tags != tags {
                super::update_tags(c, &arn, &old_tags, &tags).await?;
            }
            read_state(c, plan, &arn)
                .await?
                .ok_or_else(|| Error::new("Target group not found after update", arn.clone()))
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let arn = Obj(state).id().to_string();
        c.run(async {
            // A listener or rule deleted just before may still hold it.
            crate::wait::retry_eventual(
                std::time::Duration::from_secs(120),
                &["is currently in use by a listener or a rule"],
                || async {
                    c.elbv2()
                        .delete_target_group()
                        .target_group_arn(&arn)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk("elasticloadbalancing:DeleteTargetGroup", e))
                },
            )
            .await
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        let planned = crate::service::plan_tags_all(prior, planned);
        let Value::Object(mut m) = planned else {
            return planned;
        };
        computed_block(&mut m, prior, "health_check");
        computed_block(&mut m, prior, "stickiness");
        Value::Object(m)
    }
}
