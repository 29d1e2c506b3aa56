//! aws_autoscaling_attachment
//!
//! Attaches a target group (`lb_target_group_arn`) or a classic load
//! balancer (`elb`) to an Auto Scaling group. `alb_target_group_arn`, the
//! name hashicorp/aws v4 used and v5 removed, is accepted with a
//! deprecation warning, because the user's original configuration uses it.
//! As in hashicorp/aws, attachments cannot be imported.

use super::is_missing;
use crate::ctx::Ctx;
use crate::error::{sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::service::ec2::compute_shared::is_set;
use crate::{naming, Outcome, Resource};
use std::time::Duration;
use tfrs_provider::path::AttrPath;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct Attachment;

fn block() -> Block {
    let o = || Attribute::optional(Type::String).force_new();
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr(
            "autoscaling_group_name",
            Attribute::required(Type::String).force_new(),
        )
        .attr("elb", o())
        .attr("lb_target_group_arn", o())
        .attr("alb_target_group_arn", o())
}

/// What is attached: a target group ARN or a classic load balancer name.
enum Target {
    TargetGroup(String),
    Elb(String),
}

fn target(o: &Obj) -> Result<Target> {
    if let Some(elb) = o.string("elb") {
        return Ok(Target::Elb(elb));
    }
    o.string("lb_target_group_arn")
        .or_else(|| o.string("alb_target_group_arn"))
        .map(Target::TargetGroup)
        .ok_or_else(|| {
            Error::new(
                "Invalid aws_autoscaling_attachment",
                "One of elb or lb_target_group_arn must be set.",
            )
        })
}

async fn attached(c: &Ctx, group: &str, t: &Target) -> Result<bool> {
    let out = c
        .autoscaling()
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(group)
        .send()
        .await
        .map_err(|e| sdk("autoscaling:DescribeAutoScalingGroups", e));
    let out = match out {
        Ok(out) => out,
        Err(e) if is_missing(&e) => return Ok(false),
        Err(e) => return Err(e),
    };
    let Some(g) = out
        .auto_scaling_groups()
        .iter()
        .find(|g| g.auto_scaling_group_name() == Some(group))
    else {
        return Ok(false);
    };
    Ok(match t {
        Target::TargetGroup(arn) => g.target_group_arns().iter().any(|a| a == arn),
        Target::Elb(name) => g.load_balancer_names().iter().any(|n| n == name),
    })
}

/// Retries what AWS refuses while other attachments of the group change.
async fn retry_busy<T, F, Fut>(op: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    crate::wait::retry_eventual(Duration::from_secs(300), &["update too many"], op).await
}

impl Resource for Attachment {
    fn name(&self) -> &'static str {
        "aws_autoscaling_attachment"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn validate(&self, config: &Value) -> Diags {
        let mut diags = Vec::new();
        let set: Vec<&str> = ["elb", "lb_target_group_arn", "alb_target_group_arn"]
            .into_iter()
            .filter(|k| is_set(config, k))
            .collect();
        if set.contains(&"alb_target_group_arn") {
            let mut d = Diag::warning(
                "Argument is deprecated",
                "alb_target_group_arn was renamed lb_target_group_arn in version 5 of the hashicorp/aws provider, which no longer accepts the old name. Use lb_target_group_arn instead.",
            );
            d.attribute = Some(AttrPath::attr("alb_target_group_arn"));
            diags.push(d);
        }
        match set.len() {
            1 => {}
            0 => diags.push(Diag::error(
                "Invalid combination of arguments",
                "\"elb\": one of `elb,lb_target_group_arn` must be specified",
            )),
            _ => diags.push(Diag::error(
                "Invalid combination of arguments",
                format!(
                    "\"{}\": only one of `elb,lb_target_group_arn` can be specified, but `{}` were specified.",
                    set[0],
                    set.join(",")
                ),
            )),
        }
        diags
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let group = p.req("autoscaling_group_name").to_string();
        let r: Result<Value> = c.run(async {
            match target(&p)? {
                Target::Elb(name) => {
                    retry_busy(|| async {
                        c.autoscaling()
                            .attach_load_balancers()
                            .auto_scaling_group_name(&group)
                            .load_balancer_names(&name)
                            .send()
                            .await
                            .map_err(|e| sdk("autoscaling:AttachLoadBalancers", e))
                    })
                    .await?;
                }
                Target::TargetGroup(arn) => {
                    retry_busy(|| async {
                        c.autoscaling()
                            .attach_load_balancer_target_groups()
                            .auto_scaling_group_name(&group)
                            .target_group_arns(&arn)
                            .send()
                            .await
                            .map_err(|e| sdk("autoscaling:AttachLoadBalancerTargetGroups", e))
                    })
                    .await?;
                }
            }
            // The ID is made up, as the provider makes it.
            let id = naming::prefixed_unique_id(&format!("{group}-"));
            Ok(State::from(&block(), plan).set("id", id).build())
        });
        r.into()
    }

    /// The attachment is found by group and target; its ID is made up, as
    /// create makes it.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        match Obj(planned).str("autoscaling_group_name") {
            Some(group) => crate::read_as(
                self,
                c,
                planned,
                &naming::prefixed_unique_id(&format!("{group}-")),
            ),
            None => Ok(None),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let s = Obj(state);
        let Some(group) = s.string("autoscaling_group_name") else {
            return Err(Error::new(
                "Resource Import Not Implemented",
                "aws_autoscaling_attachment cannot be imported.",
            ));
        };
        let t = target(&s)?;
        c.run(async {
            Ok(attached(c, &group, &t)
                .await?
                .then(|| State::from(&block(), state).build()))
        })
    }

    fn update(&self, _c: &Ctx, _prior: &Value, plan: &Value) -> Outcome {
        // Every argument forces a new attachment.
        Outcome::Done(State::from(&block(), plan).build())
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        let group = s.req("autoscaling_group_name").to_string();
        let t = target(&s)?;
        c.run(async {
            let r = match &t {
                Target::Elb(name) => {
                    retry_busy(|| async {
                        c.autoscaling()
                            .detach_load_balancers()
                            .auto_scaling_group_name(&group)
                            .load_balancer_names(name)
                            .send()
                            .await
                            .map(|_| ())
                            .map_err(|e| sdk("autoscaling:DetachLoadBalancers", e))
                    })
                    .await
                }
                Target::TargetGroup(arn) => {
                    retry_busy(|| async {
                        c.autoscaling()
                            .detach_load_balancer_target_groups()
                            .auto_scaling_group_name(&group)
                            .target_group_arns(arn)
                            .send()
                            .await
                            .map(|_| ())
                            .map_err(|e| sdk("autoscaling:DetachLoadBalancerTargetGroups", e))
                    })
                    .await
                }
            };
            match r {
                // Already detached, or the group is gone.
                Err(e) if is_missing(&e) || e.detail.contains("not part of the group") => Ok(()),
                other => other,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfrs_provider::provider::Severity;

    fn config(pairs: &[(&str, Value)]) -> Value {
        let mut m: std::collections::BTreeMap<String, Value> = block()
            .attributes
            .iter()
            .map(|(k, a)| (k.clone(), Value::Null(a.ty.clone())))
            .collect();
        for (k, v) in pairs {
            m.insert(k.to_string(), v.clone());
        }
        Value::Object(m)
    }

    #[test]
    fn the_v4_argument_warns_and_names_its_replacement() {
        let d = Attachment.validate(&config(&[
            ("autoscaling_group_name", Value::string("fortune-asg")),
            (
                "alb_target_group_arn",
                Value::Unknown(Type::String), // a reference, known at apply
            ),
        ]));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(d[0].summary, "Argument is deprecated");
        assert!(d[0].detail.contains("lb_target_group_arn"));
        assert_eq!(d[0].attribute, Some(AttrPath::attr("alb_target_group_arn")));
    }

    #[test]
    fn exactly_one_target() {
        let ok = Attachment.validate(&config(&[
            ("autoscaling_group_name", Value::string("g")),
            (
                "lb_target_group_arn",
                Value::string("arn:aws:elasticloadbalancing:tg"),
            ),
        ]));
        assert!(ok.is_empty(), "{ok:?}");
        let none = Attachment.validate(&config(&[("autoscaling_group_name", Value::string("g"))]));
        assert!(none.iter().any(|d| d.severity == Severity::Error));
        let both = Attachment.validate(&config(&[
            ("autoscaling_group_name", Value::string("g")),
            ("lb_target_group_arn", Value::string("a")),
            ("alb_target_group_arn", Value::string("a")),
        ]));
        assert!(both.iter().any(|d| d.severity == Severity::Error));
    }

    #[test]
    fn the_old_argument_names_the_target_group() {
        let c = config(&[
            ("autoscaling_group_name", Value::string("g")),
            ("alb_target_group_arn", Value::string("arn:tg")),
        ]);
        assert!(matches!(target(&Obj(&c)), Ok(Target::TargetGroup(a)) if a == "arn:tg"));
    }
}
