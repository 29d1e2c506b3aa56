//! aws_lb_listener_rule (and its alias aws_alb_listener_rule)

use super::{action, changed, nested, read_tags};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{object, Obj, State, Val};
use crate::schema::with_tags;
use crate::{Outcome, Resource};
use aws_sdk_elasticloadbalancingv2::types::{
    HostHeaderConditionConfig, HttpHeaderConditionConfig, HttpRequestMethodConditionConfig,
    PathPatternConditionConfig, QueryStringConditionConfig, QueryStringKeyValuePair, RuleCondition,
    RulePriorityPair, SourceIpConditionConfig,
};
use std::time::Duration;
use tfrs_provider::{Attribute, Block, Nesting, Schema, Type, Value};

/// The resource under one of its names (`aws_lb_listener_rule`,
/// `aws_alb_listener_rule`).
pub struct ListenerRule(pub &'static str);

/// The priority AWS reports as "default" (the listener's default rule).
const DEFAULT_PRIORITY: i64 = 99_999;

fn values_block() -> Block {
    Block::new().attr("values", Attribute::required(Type::set(Type::String)))
}

fn condition_block() -> Block {
    Block::new()
        .block_with("host_header", nested(Nesting::List, values_block(), 0, 1))
        .block_with(
            "http_header",
            nested(
                Nesting::List,
                values_block().attr("http_header_name", Attribute::required(Type::String)),
                0,
                1,
            ),
        )
        .block_with(
            "http_request_method",
            nested(Nesting::List, values_block(), 0, 1),
        )
        .block_with("path_pattern", nested(Nesting::List, values_block(), 0, 1))
        .block(
            "query_string",
            Nesting::Set,
            Block::new()
                .attr("key", Attribute::optional(Type::String))
                .attr("value", Attribute::required(Type::String)),
        )
        .block_with("source_ip", nested(Nesting::List, values_block(), 0, 1))
}

fn block() -> Block {
    with_tags(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr(
                "listener_arn",
                Attribute::required(Type::String).force_new(),
            )
            .attr("priority", Attribute::optional_computed(Type::Number))
            .block_with("action", nested(Nesting::List, action::block(), 1, 0))
            .block_with("condition", nested(Nesting::Set, condition_block(), 1, 0)),
    )
}

fn invalid(detail: &str) -> Error {
    Error::new("Invalid listener rule condition", detail)
}

/// The API's conditions for configured condition blocks: each sets
/// exactly one kind.
fn expand_conditions(conditions: &[Obj]) -> Result<Vec<RuleCondition>> {
    let mut out = Vec::new();
    for cond in conditions {
        let mut kinds = Vec::new();
        if let Some(h) = cond.block("host_header") {
            kinds.push(
                RuleCondition::builder()
                    .field("host-header")
                    .host_header_config(
                        HostHeaderConditionConfig::builder()
                            .set_values(Some(h.list_str("values")))
                            .build(),
                    )
                    .build(),
            );
        }
        if let Some(h) = cond.block("http_header") {
            kinds.push(
                RuleCondition::builder()
                    .field("http-header")
                    .http_header_config(
                        HttpHeaderConditionConfig::builder()
                            .http_header_name(h.req("http_header_name"))
                            .set_values(Some(h.list_str("values")))
                            .build(),
                    )
                    .build(),
            );
        }
        if let Some(m) = cond.block("http_request_method") {
            kinds.push(
                RuleCondition::builder()
                    .field("http-request-method")
                    .http_request_method_config(
                        HttpRequestMethodConditionConfig::builder()
                            .set_values(Some(m.list_str("values")))
                            .build(),
                    )
                    .build(),
            );
        }
        if let Some(p) = cond.block("path_pattern") {
            kinds.push(
                RuleCondition::builder()
                    .field("path-pattern")
                    .path_pattern_config(
                        PathPatternConditionConfig::builder()
                            .set_values(Some(p.list_str("values")))
                            .build(),
                    )
                    .build(),
            );
        }
        let pairs = cond.blocks("query_string");
        if !pairs.is_empty() {
            let values = pairs
                .iter()
                .map(|q| {
                    QueryStringKeyValuePair::builder()
                        .set_key(q.string("key").filter(|k| !k.is_empty()))
                        .value(q.req("value"))
                        .build()
                })
                .collect();
            kinds.push(
                RuleCondition::builder()
                    .field("query-string")
                    .query_string_config(
                        QueryStringConditionConfig::builder()
                            .set_values(Some(values))
                            .build(),
                    )
                    .build(),
            );
        }
        if let Some(s) = cond.block("source_ip") {
            kinds.push(
                RuleCondition::builder()
                    .field("source-ip")
                    .source_ip_config(
                        SourceIpConditionConfig::builder()
                            .set_values(Some(s.list_str("values")))
                            .build(),
                    )
                    .build(),
            );
        }
        match kinds.len() {
            1 => out.extend(kinds),
            0 => return Err(invalid("a condition block must set one of host_header, http_header, http_request_method, path_pattern, query_string or source_ip")),
            _ => return Err(invalid("a condition block sets only one of host_header, http_header, http_request_method, path_pattern, query_string or source_ip; use one condition block for each")),
        }
    }
    Ok(out)
}

fn condition_type() -> Type {
    condition_block().value_type()
}

fn string_set(values: &[String]) -> Value {
    Value::set(
        Type::String,
        values.iter().map(|v| Value::string(v.clone())).collect(),
    )
}

fn values_object(values: &[String]) -> Vec<Value> {
    vec![object(vec![("values", Val::from(string_set(values)))])]
}

/// A condition block from the API's condition.
fn flatten_condition(cond: &RuleCondition, prior_pairs: &[Obj]) -> Value {
    let legacy = cond.values();
    let mut host_header = Vec::new();
    let mut http_header = Vec::new();
    let mut http_request_method = Vec::new();
    let mut path_pattern = Vec::new();
    let mut query_string = Vec::new();
    let mut source_ip = Vec::new();
    match cond.field().unwrap_or_default() {
        "host-header" => {
            host_header = values_object(
                cond.host_header_config()
                    .map(|h| h.values())
                    .filter(|v| !v.is_empty())
                    .unwrap_or(legacy),
            )
        }
        "http-header" => {
            if let Some(h) = cond.http_header_config() {
                http_header = vec![object(vec![
                    ("http_header_name", h.http_header_name().into()),
                    ("values", Val::from(string_set(h.values()))),
                ])];
            }
        }
        "http-request-method" => {
            if let Some(m) = cond.http_request_method_config() {
                http_request_method = values_object(m.values());
            }
        }
        "path-pattern" => {
            path_pattern = values_object(
                cond.path_pattern_config()
                    .map(|p| p.values())
                    .filter(|v| !v.is_empty())
                    .unwrap_or(legacy),
            )
        }
        "query-string" => {
            if let Some(q) = cond.query_string_config() {
                query_string = q
                    .values()
                    .iter()
                    .map(|kv| {
                        let prior_key = prior_pairs
                            .iter()
                            .find(|p| p.str("value") == kv.value())
                            .and_then(|p| p.value().get_attr("key").cloned());
                        object(vec![
                            ("key", super::opt_str(kv.key(), prior_key.as_ref()).into()),
                            ("value", kv.value().into()),
                        ])
                    })
                    .collect();
            }
        }
        "source-ip" => {
            if let Some(s) = cond.source_ip_config() {
                source_ip = values_object(s.values());
            }
        }
        _ => {}
    }
    let v = object(vec![
        ("host_header", host_header.into()),
        ("http_header", http_header.into()),
        ("http_request_method", http_request_method.into()),
        ("path_pattern", path_pattern.into()),
        ("query_string", query_string.into()),
        ("source_ip", source_ip.into()),
    ]);
    tfrs_provider::convert::convert(&v, &condition_type()).unwrap_or(v)
}

type Rule = aws_sdk_elasticloadbalancingv2::types::Rule;

async fn find(c: &Ctx, arn: &str) -> Result<Option<Rule>> {
    let out = found(
        c.elbv2()
            .describe_rules()
            .rule_arns(arn)
            .send()
            .await
            .map_err(|e| sdk("elasticloadbalancing:DescribeRules", e)),
    )?;
    Ok(out.and_then(|o| {
        o.rules()
            .iter()
            .find(|r| r.rule_arn() == Some(arn))
            .cloned()
    }))
}

/// The listener of a rule, from the rule's ARN
/// (`...:listener-rule/app/lb/id/listener-id/rule-id`).
fn listener_arn_of(rule_arn: &str) -> Option<String> {
    let (listener, _) = rule_arn.rsplit_once('/')?;
    Some(listener.replacen(":listener-rule/", ":listener/", 1))
}

fn state_of(
    c: &Ctx,
    base: &Value,
    r: &Rule,
    tags: std::collections::BTreeMap<String, String>,
) -> Value {
    let prior = Obj(base);
    let arn = r.rule_arn().unwrap_or_default().to_string();
    let priority = match r.priority() {
        Some("default") | None => DEFAULT_PRIORITY,
        Some(p) => p.parse().unwrap_or(DEFAULT_PRIORITY),
    };
    let prior_pairs: Vec<Obj> = prior
        .blocks("condition")
        .iter()
        .flat_map(|c| c.blocks("query_string"))
        .collect();
    let conditions: Vec<Value> = r
        .conditions()
        .iter()
        .map(|cond| flatten_condition(cond, &prior_pairs))
        .collect();
    let s = State::from(&block(), base)
        .set("id", arn.clone())
        .set("arn", arn.clone())
        .set(
            "listener_arn",
            prior
                .string("listener_arn")
                .or_else(|| listener_arn_of(&arn)),
        )
        .set("priority", priority)
        .set(
            "action",
            action::flatten(r.actions(), &prior.blocks("action")),
        )
        .set("condition", Value::set(condition_type(), conditions));
    super::with_tag_state(c, s, base, tags).build()
}

async fn read_state(c: &Ctx, base: &Value, arn: &str) -> Result<Option<Value>> {
    let Some(r) = find(c, arn).await? else {
        return Ok(None);
    };
    let tags = read_tags(c, arn).await?;
    Ok(Some(state_of(c, base, &r, tags)))
}

/// One more than the highest priority the listener's rules have, as the
/// provider picks a priority left out of the configuration.
async fn next_priority(c: &Ctx, listener_arn: &str) -> Result<i32> {
    let mut highest = 0;
    let mut marker: Option<String> = None;
    loop {
        let out = c
            .elbv2()
            .describe_rules()
            .listener_arn(listener_arn)
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| sdk("elasticloadbalancing:DescribeRules", e))?;
        for r in out.rules() {
            if let Some(p) = r.priority().and_then(|p| p.parse::<i32>().ok()) {
                highest = highest.max(p);
            }
        }
        marker = out.next_marker().map(String::from);
        if marker.is_none() {
            return Ok(highest + 1);
        }
    }
}

impl Resource for ListenerRule {
    fn name(&self) -> &'static str {
        self.0
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let listener_arn = p.req("listener_arn").to_string();
        let tags = c.tags_all(&p.map_str("tags"));
        // Once the rule exists, a failure to read it keeps it (tainted).
        let mut created: Option<Value> = None;
        let r: Result<Value> = c.run(async {
            let actions = action::expand(&p.blocks("action"))?;
            let conditions = expand_conditions(&p.blocks("condition"))?;
            let configured_priority = p.i32("priority");
            // Without a priority, the next free one; another rule created at
            // the same moment may take it, so pick again.
            let arn = crate::wait::retry_eventual(
                Duration::from_secs(if configured_priority.is_some() { 0 } else { 60 }),
                &["PriorityInUse"],
                || async {
                    let priority = match configured_priority {
                        Some(p) => p,
                        None => next_priority(c, &listener_arn).await?,
                    };
                    let out = c
                        .elbv2()
                        .create_rule()
                        .listener_arn(&listener_arn)
                        .priority(priority)
                        .set_actions(Some(actions.clone()))
                        .set_conditions(Some(conditions.clone()))
                        .set_tags(Some(super::sdk_tags(&tags)).filter(|t| !t.is_empty()))
                        .send()
                        .await
                        .map_err(|e| sdk("elasticloadbalancing:CreateRule", e))?;
                    out.rules()
                        .first()
                        .and_then(|r| r.rule_arn())
                        .map(String::from)
                        .ok_or_else(|| {
                            Error::new("Invalid ELBv2 response", "CreateRule returned no rule")
                        })
                },
            )
            .await?;
            created = Some(
                State::from(&block(), plan)
                    .set("id", arn.clone())
                    .set("arn", arn.clone())
                    .build(),
            );
            read_state(c, plan, &arn)
                .await?
                .ok_or_else(|| Error::new("Listener rule not found after create", arn))
        });
        match (r, created) {
            (Ok(v), _) => Outcome::Done(v),
            (Err(e), Some(partial)) => Outcome::Partial(partial, e),
            (Err(e), None) => Outcome::Failed(e),
        }
    }

    /// The rule is found by listener and priority (a priority has one rule);
    /// the ID is its ARN.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        let p = Obj(planned);
        let (Some(listener), Some(priority)) = (p.str("listener_arn"), p.i64("priority")) else {
            return Ok(None);
        };
        let out = found(c.run(async {
            c.elbv2()
                .describe_rules()
                .listener_arn(listener)
                .send()
                .await
                .map_err(|e| sdk("elasticloadbalancing:DescribeRules", e))
        }))?;
        let priority = priority.to_string();
        let arn = out.and_then(|o| {
            o.rules()
                .iter()
                .find(|r| r.priority() == Some(priority.as_str()))
                .and_then(|r| r.rule_arn())
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
            if changed(prior, plan, "priority") {
                if let Some(priority) = p.i32("priority") {
                    c.elbv2()
                        .set_rule_priorities()
                        .rule_priorities(
                            RulePriorityPair::builder()
                                .rule_arn(&arn)
                                .priority(priority)
                                .build(),
                        )
                        .send()
                        .await
                        .map_err(|e| sdk("elasticloadbalancing:SetRulePriorities", e))?;
                }
            }
            if changed(prior, plan, "action") || changed(prior, plan, "condition") {
                c.elbv2()
                    .modify_rule()
                    .rule_arn(&arn)
                    .set_actions(Some(action::expand(&p.blocks("action"))?))
                    .set_conditions(Some(expand_conditions(&p.blocks("condition"))?))
                    .send()
                    .await
                    .map_err(|e| sdk("elasticloadbalancing:ModifyRule", e))?;
            }
            let old_tags = Obj(prior).map_str("tags_all");
            if old_tags != tags {
                super::update_tags(c, &arn, &old_tags, &tags).await?;
            }
            read_state(c, plan, &arn)
                .await?
                .ok_or_else(|| Error::new("Listener rule not found after update", arn.clone()))
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let arn = Obj(state).id().to_string();
        c.run(async {
            c.elbv2()
                .delete_rule()
                .rule_arn(&arn)
                .send()
                .await
                .map_err(|e| sdk("elasticloadbalancing:DeleteRule", e))?;
            Ok(())
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        crate::service::plan_tags_all(prior, planned)
    }
}
