//! aws_lb_listener (and its alias aws_alb_listener)

use super::{action, changed, nested, read_tags};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::schema::with_tags;
use crate::{Outcome, Resource};
use aws_sdk_elasticloadbalancingv2::types::{Certificate, ProtocolEnum};
use tfrs_provider::{Attribute, Block, Nesting, Schema, Type, Value};

/// The resource under one of its names (`aws_lb_listener`,
/// `aws_alb_listener`).
pub struct Listener(pub &'static str);

fn block() -> Block {
    with_tags(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr(
                "load_balancer_arn",
                Attribute::required(Type::String).force_new(),
            )
            .attr("port", Attribute::optional(Type::Number))
            .attr("protocol", Attribute::optional_computed(Type::String))
            .attr("ssl_policy", Attribute::optional_computed(Type::String))
            .attr("certificate_arn", Attribute::optional(Type::String))
            .attr("alpn_policy", Attribute::optional(Type::String))
            .block_with(
                "default_action",
                nested(Nesting::List, action::block(), 1, 0),
            ),
    )
}

type ElbListener = aws_sdk_elasticloadbalancingv2::types::Listener;

async fn find(c: &Ctx, arn: &str) -> Result<Option<ElbListener>> {
    let out = found(
        c.elbv2()
            .describe_listeners()
            .listener_arns(arn)
            .send()
            .await
            .map_err(|e| sdk("elasticloadbalancing:DescribeListeners", e)),
    )?;
    Ok(out.and_then(|o| {
        o.listeners()
            .iter()
            .find(|l| l.listener_arn() == Some(arn))
            .cloned()
    }))
}

fn state_of(
    c: &Ctx,
    base: &Value,
    l: &ElbListener,
    tags: std::collections::BTreeMap<String, String>,
) -> Value {
    let b = block();
    let prior = Obj(base);
    let arn = l.listener_arn().unwrap_or_default().to_string();
    let certificate = match l.certificates() {
        [one] => one.certificate_arn().map(String::from),
        _ => None,
    };
    let alpn = match l.alpn_policy() {
        [one] => Some(one.clone()),
        _ => None,
    };
    let s = State::from(&b, base)
        .set("id", arn.clone())
        .set("arn", arn)
        .set("load_balancer_arn", l.load_balancer_arn().map(String::from))
        .set("port", l.port())
        .set(
            "protocol",
            l.protocol().map(|p| p.as_str()).unwrap_or_default(),
        )
        .set("ssl_policy", l.ssl_policy().unwrap_or_default())
        .set("certificate_arn", certificate)
        .set("alpn_policy", alpn)
        .set(
            "default_action",
            action::flatten(l.default_actions(), &prior.blocks("default_action")),
        );
    super::with_tag_state(c, s, base, tags).build()
}

async fn read_state(c: &Ctx, base: &Value, arn: &str) -> Result<Option<Value>> {
    let Some(l) = find(c, arn).await? else {
        return Ok(None);
    };
    let tags = read_tags(c, arn).await?;
    Ok(Some(state_of(c, base, &l, tags)))
}

impl Resource for Listener {
    fn name(&self) -> &'static str {
        self.0
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let lb_arn = p.req("load_balancer_arn").to_string();
        let tags = c.tags_all(&p.map_str("tags"));
        // Once the listener exists, a failure to read it keeps it (tainted).
        let mut created: Option<Value> = None;
        let r: Result<Value> = c.run(async {
            let actions = action::expand(&p.blocks("default_action"))?;
            // Application load balancers default to HTTP, as the provider has it.
            let protocol = p.string("protocol").map(|s| s.to_uppercase()).or_else(|| {
                lb_arn
                    .contains(":loadbalancer/app/")
                    .then(|| "HTTP".to_string())
            });
            let out = c
                .elbv2()
                .create_listener()
                .load_balancer_arn(&lb_arn)
                .set_port(p.i32("port"))
                .set_protocol(protocol.as_deref().map(ProtocolEnum::from))
                .set_ssl_policy(p.string("ssl_policy"))
                .set_certificates(
                    p.str("certificate_arn")
                        .map(|arn| vec![Certificate::builder().certificate_arn(arn).build()]),
                )
                .set_alpn_policy(p.string("alpn_policy").map(|a| vec![a]))
                .set_default_actions(Some(actions))
                .set_tags(Some(super::sdk_tags(&tags)).filter(|t| !t.is_empty()))
                .send()
                .await
                .map_err(|e| sdk("elasticloadbalancing:CreateListener", e))?;
            let arn = out
                .listeners()
                .first()
                .and_then(|l| l.listener_arn())
                .map(String::from)
                .ok_or_else(|| {
                    Error::new(
                        "Invalid ELBv2 response",
                        "CreateListener returned no listener",
                    )
                })?;
            created = Some(
                State::from(&block(), plan)
                    .set("id", arn.clone())
                    .set("arn", arn.clone())
                    .build(),
            );
            read_state(c, plan, &arn)
                .await?
                .ok_or_else(|| Error::new("Listener not found after create", arn))
        });
        match (r, created) {
            (Ok(v), _) => Outcome::Done(v),
            (Err(e), Some(partial)) => Outcome::Partial(partial, e),
            (Err(e), None) => Outcome::Failed(e),
        }
    }

    /// The listener is found by load balancer and port (a port has one
    /// listener); the ID is its ARN.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        let p = Obj(planned);
        let (Some(lb), Some(port)) = (p.str("load_balancer_arn"), p.i32("port")) else {
            return Ok(None);
        };
        let out = found(c.run(async {
            c.elbv2()
                .describe_listeners()
                .load_balancer_arn(lb)
                .send()
                .await
                .map_err(|e| sdk("elasticloadbalancing:DescribeListeners", e))
        }))?;
        let arn = out.and_then(|o| {
            o.listeners()
                .iter()
                .find(|l| l.port() == Some(port))
                .and_then(|l| l.listener_arn())
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
            let settings_changed = [
                "port",
                "protocol",
                "ssl_policy",
                "certificate_arn",
                "alpn_policy",
                "default_action",
            ]
            .iter()
            .any(|k| changed(prior, plan, k));
            if settings_changed {
                let mut req = c
                    .elbv2()
                    .modify_listener()
                    .listener_arn(&arn)
                    .set_port(p.i32("port"))
                    .set_protocol(
                        p.str("protocol")
                            .map(|s| ProtocolEnum::from(s.to_uppercase().as_str())),
                    )
                    .set_ssl_policy(p.string("ssl_policy").filter(|s| !s.is_empty()))
                    .set_certificates(
                        p.str("certificate_arn")
                            .map(|arn| vec![Certificate::builder().certificate_arn(arn).build()]),
                    )
                    .set_alpn_policy(p.string("alpn_policy").map(|a| vec![a]));
                if changed(prior, plan, "default_action") {
                    req =
                        req.set_default_actions(Some(action::expand(&p.blocks("default_action"))?));
                }
                req.send()
                    .await
                    .map_err(|e| sdk("elasticloadbalancing:ModifyListener", e))?;
            }
            let old_tags = Obj(prior).map_str("tags_all");
            if old_tags != tags {
                super::update_tags(c, &arn, &old_tags, &tags).await?;
            }
            read_state(c, plan, &arn)
                .await?
                .ok_or_else(|| Error::new("Listener not found after update", arn.clone()))
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let arn = Obj(state).id().to_string();
        c.run(async {
            c.elbv2()
                .delete_listener()
                .listener_arn(&arn)
                .send()
                .await
                .map_err(|e| sdk("elasticloadbalancing:DeleteListener", e))?;
            Ok(())
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        crate::service::plan_tags_all(prior, planned)
    }
}
