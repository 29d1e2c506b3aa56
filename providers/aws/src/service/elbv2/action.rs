//! Listener and listener rule actions (`default_action`, `action`): the
//! schema both resources share, and their translation to and from the API.

use super::nested;
use crate::error::{Error, Result};
use crate::obj::{object, Obj, Val};
use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, FixedResponseActionConfig, ForwardActionConfig, RedirectActionConfig,
    RedirectActionStatusCodeEnum, TargetGroupStickinessConfig, TargetGroupTuple,
};
use tfrs_provider::{Attribute, Block, Nesting, Type, Value};

/// One action block.
pub fn block() -> Block {
    let target_group = Block::new()
        .attr("arn", Attribute::required(Type::String))
        .attr(
            "weight",
            Attribute::optional(Type::Number).default(Value::int(1)),
        );
    let stickiness = Block::new()
        .attr("duration", Attribute::required(Type::Number))
        .attr(
            "enabled",
            Attribute::optional(Type::Bool).default(Value::Bool(false)),
        );
    let forward = Block::new()
        .block_with("target_group", nested(Nesting::Set, target_group, 1, 5))
        .block_with("stickiness", nested(Nesting::List, stickiness, 0, 1));
    let redirect = Block::new()
        .attr(
            "host",
            Attribute::optional(Type::String).default(Value::string("#{host}")),
        )
        .attr(
            "path",
            Attribute::optional(Type::String).default(Value::string("/#{path}")),
        )
        .attr(
            "port",
            Attribute::optional(Type::String).default(Value::string("#{port}")),
        )
        .attr(
            "protocol",
            Attribute::optional(Type::String).default(Value::string("#{protocol}")),
        )
        .attr(
            "query",
            Attribute::optional(Type::String).default(Value::string("#{query}")),
        )
        .attr("status_code", Attribute::required(Type::String));
    let fixed_response = Block::new()
        .attr("content_type", Attribute::required(Type::String))
        .attr("message_body", Attribute::optional(Type::String))
        .attr("status_code", Attribute::optional_computed(Type::String));
    Block::new()
        .attr("type", Attribute::required(Type::String))
        .attr("order", Attribute::optional_computed(Type::Number))
        .attr("target_group_arn", Attribute::optional(Type::String))
        .block_with("forward", nested(Nesting::List, forward, 0, 1))
        .block_with("redirect", nested(Nesting::List, redirect, 0, 1))
        .block_with(
            "fixed_response",
            nested(Nesting::List, fixed_response, 0, 1),
        )
}

fn invalid(detail: String) -> Error {
    Error::new("Invalid load balancer action", detail)
}

/// The API's actions for configured action blocks; an action without an
/// `order` takes its position (from 1).
pub fn expand(actions: &[Obj]) -> Result<Vec<Action>> {
    let mut out = Vec::new();
    for (i, a) in actions.iter().enumerate() {
        let kind = a.req("type");
        let order = a.i32("order").filter(|o| *o > 0).unwrap_or(i as i32 + 1);
        let mut b = Action::builder()
            .r#type(ActionTypeEnum::from(kind))
            .order(order);
        match kind {
            "forward" => {
                if let Some(arn) = a.str("target_group_arn").filter(|s| !s.is_empty()) {
                    b = b.target_group_arn(arn);
                } else if let Some(f) = a.block("forward") {
                    b = b.forward_config(forward_config(&f));
                } else {
                    return Err(invalid(
                        "for actions of type 'forward', you must specify a 'forward' block or 'target_group_arn'".into(),
                    ));
                }
            }
            "redirect" => {
                let r = a.block("redirect").ok_or_else(|| {
                    invalid("for actions of type 'redirect', you must specify a 'redirect' block".into())
                })?;
                b = b.redirect_config(
                    RedirectActionConfig::builder()
                        .set_host(r.string("host"))
                        .set_path(r.string("path"))
                        .set_port(r.string("port"))
                        .set_protocol(r.string("protocol"))
                        .set_query(r.string("query"))
                        .status_code(RedirectActionStatusCodeEnum::from(r.req("status_code")))
                        .build(),
                );
            }
            "fixed-response" => {
                let f = a.block("fixed_response").ok_or_else(|| {
                    invalid("for actions of type 'fixed-response', you must specify a 'fixed_response' block".into())
                })?;
                b = b.fixed_response_config(
                    FixedResponseActionConfig::builder()
                        .content_type(f.req("content_type"))
                        .set_message_body(f.string("message_body"))
                        .set_status_code(f.string("status_code"))
                        .build(),
                );
            }
            other => {
                return Err(invalid(format!(
                    "action type {other:?} is not supported here (supported: forward, redirect, fixed-response)"
                )))
            }
        }
        out.push(b.build());
    }
    Ok(out)
}

fn forward_config(f: &Obj) -> ForwardActionConfig {
    let groups = f
        .blocks("target_group")
        .iter()
        .map(|g| {
            TargetGroupTuple::builder()
                .target_group_arn(g.req("arn"))
                .weight(g.i32("weight").unwrap_or(1))
                .build()
        })
        .collect();
    let mut b = ForwardActionConfig::builder().set_target_groups(Some(groups));
    if let Some(s) = f.block("stickiness") {
        b = b.target_group_stickiness_config(
            TargetGroupStickinessConfig::builder()
                .enabled(s.flag("enabled"))
                .set_duration_seconds(s.i32("duration"))
                .build(),
        );
    }
    b.build()
}

/// Action blocks from the API's actions, in `order`. `prior` (the planned
/// or prior blocks) decides how a forward action is shown: AWS reports a
/// single target group both as `TargetGroupArn` and as a forward config,
/// and the configuration used one of them; on import both are shown.
pub fn flatten(actions: &[Action], prior: &[Obj]) -> Vec<Value> {
    let mut sorted: Vec<&Action> = actions.iter().collect();
    sorted.sort_by_key(|a| a.order().unwrap_or(i32::MAX));
    sorted
        .iter()
        .enumerate()
        .map(|(i, a)| flatten_one(a, i, prior.get(i)))
        .collect()
}

fn flatten_one(a: &Action, i: usize, prior: Option<&Obj>) -> Value {
    let kind = a.r#type().map(|t| t.as_str()).unwrap_or_default();
    let mut target_group_arn: Option<String> = None;
    let mut forward: Vec<Value> = Vec::new();
    let mut redirect: Vec<Value> = Vec::new();
    let mut fixed: Vec<Value> = Vec::new();
    match kind {
        "forward" => {
            let prior_arn = prior.is_some_and(|p| is_set(p, "target_group_arn"));
            let prior_forward = prior.is_some_and(|p| !p.blocks("forward").is_empty());
            let single_arn = a.target_group_arn().map(String::from).or_else(|| {
                match a.forward_config().map(|f| f.target_groups()) {
                    Some([one]) => one.target_group_arn().map(String::from),
                    _ => None,
                }
            });
            if prior_arn || prior.is_none() {
                target_group_arn = single_arn;
            }
            if prior_forward || (prior.is_none() && a.forward_config().is_some()) {
                let prior_block = prior.and_then(|p| p.block("forward"));
                forward.push(flatten_forward(a, prior_block.as_ref()));
            }
            if target_group_arn.is_none() && forward.is_empty() {
                target_group_arn = a.target_group_arn().map(String::from);
            }
        }
        "redirect" => {
            if let Some(r) = a.redirect_config() {
                redirect.push(object(vec![
                    ("host", r.host().into()),
                    ("path", r.path().into()),
                    ("port", r.port().into()),
                    ("protocol", r.protocol().into()),
                    ("query", r.query().into()),
                    ("status_code", r.status_code().map(|s| s.as_str()).into()),
                ]));
            }
        }
        "fixed-response" => {
            if let Some(f) = a.fixed_response_config() {
                let prior_body = prior
                    .and_then(|p| p.block("fixed_response"))
                    .and_then(|b| b.value().get_attr("message_body").cloned());
                fixed.push(object(vec![
                    ("content_type", f.content_type().into()),
                    (
                        "message_body",
                        super::opt_str(f.message_body(), prior_body.as_ref()).into(),
                    ),
                    ("status_code", f.status_code().into()),
                ]));
            }
        }
        _ => {}
    }
    object(vec![
        ("type", kind.into()),
        ("order", Val::from(a.order().unwrap_or(i as i32 + 1))),
        ("target_group_arn", target_group_arn.into()),
        ("forward", forward.into()),
        ("redirect", redirect.into()),
        ("fixed_response", fixed.into()),
    ])
}

/// Whether an attribute is set (known or not yet known) in a block.
fn is_set(o: &Obj, key: &str) -> bool {
    o.value()
        .unmarked()
        .get_attr(key)
        .is_some_and(|v| !v.is_null())
}

fn flatten_forward(a: &Action, prior: Option<&Obj>) -> Value {
    let groups: Vec<Value> = match a.forward_config() {
        Some(f) => f
            .target_groups()
            .iter()
            .map(|g| {
                object(vec![
                    ("arn", g.target_group_arn().into()),
                    ("weight", Val::from(g.weight().unwrap_or(1))),
                ])
            })
            .collect(),
        None => a
            .target_group_arn()
            .map(|arn| object(vec![("arn", arn.into()), ("weight", Val::from(1))]))
            .into_iter()
            .collect(),
    };
    let stickiness_config = a
        .forward_config()
        .and_then(|f| f.target_group_stickiness_config());
    let prior_stickiness = prior.and_then(|p| p.block("stickiness"));
    let enabled = stickiness_config.and_then(|s| s.enabled()).unwrap_or(false);
    // AWS reports disabled stickiness on every forward action; the block
    // shows only when enabled or configured.
    let stickiness: Vec<Value> = if enabled || prior_stickiness.is_some() {
        let duration = stickiness_config
            .and_then(|s| s.duration_seconds())
            .map(i64::from)
            .or_else(|| prior_stickiness.as_ref().and_then(|p| p.i64("duration")));
        vec![object(vec![
            ("duration", duration.into()),
            ("enabled", enabled.into()),
        ])]
    } else {
        Vec::new()
    };
    object(vec![
        (
            "target_group",
            Val::from(Value::set(
                target_group_type(),
                groups
                    .into_iter()
                    .map(|g| tfrs_provider::convert::convert(&g, &target_group_type()).unwrap_or(g))
                    .collect(),
            )),
        ),
        ("stickiness", stickiness.into()),
    ])
}

fn target_group_type() -> Type {
    block().blocks["forward"].block.blocks["target_group"]
        .block
        .value_type()
}
