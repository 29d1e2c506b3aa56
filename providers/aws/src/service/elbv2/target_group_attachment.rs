//! aws_lb_target_group_attachment (and its alias
//! aws_alb_target_group_attachment)
//!
//! hashicorp/aws v5 cannot import it; here an import ID of the form
//! `TARGET_GROUP_ARN,TARGET_ID[,PORT[,AVAILABILITY_ZONE]]` names the
//! registration to read.

use super::generate_name;
use crate::ctx::Ctx;
use crate::error::{sdk, Result};
use crate::obj::{Obj, State};
use crate::{Outcome, Resource};
use aws_sdk_elasticloadbalancingv2::types::{TargetDescription, TargetHealthReasonEnum};
use std::time::Duration;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

/// The resource under one of its names (`aws_lb_target_group_attachment`,
/// `aws_alb_target_group_attachment`).
pub struct TargetGroupAttachment(pub &'static str);

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr(
            "target_group_arn",
            Attribute::required(Type::String).force_new(),
        )
        .attr("target_id", Attribute::required(Type::String).force_new())
        .attr("port", Attribute::optional(Type::Number).force_new())
        .attr(
            "availability_zone",
            Attribute::optional(Type::String).force_new(),
        )
}

fn target(o: &Obj) -> TargetDescription {
    TargetDescription::builder()
        .id(o.req("target_id"))
        .set_port(o.i32("port"))
        .set_availability_zone(o.string("availability_zone"))
        .build()
}

/// Whether the target is registered (neither never registered nor being
/// deregistered).
async fn registered(c: &Ctx, o: &Obj<'_>) -> Result<bool> {
    let out = match c
        .elbv2()
        .describe_target_health()
        .target_group_arn(o.req("target_group_arn"))
        .targets(target(o))
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => {
            let e = sdk("elasticloadbalancing:DescribeTargetHealth", e);
            if e.is_not_found() || e.code.as_deref() == Some("InvalidTarget") {
                return Ok(false);
            }
            return Err(e);
        }
    };
    Ok(out.target_health_descriptions().iter().any(|d| {
        !matches!(
            d.target_health().and_then(|h| h.reason()),
            Some(TargetHealthReasonEnum::NotRegistered)
                | Some(TargetHealthReasonEnum::DeregistrationInProgress)
        )
    }))
}

impl Resource for TargetGroupAttachment {
    fn name(&self) -> &'static str {
        self.0
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let group = p.req("target_group_arn").to_string();
        let r: Result<Value> = c.run(async {
            // A target just created (an instance not yet running) is
            // refused for a while.
            crate::wait::retry_eventual(Duration::from_secs(600), &["InvalidTarget"], || async {
                c.elbv2()
                    .register_targets()
                    .target_group_arn(&group)
                    .targets(target(&p))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| sdk("elasticloadbalancing:RegisterTargets", e))
            })
            .await?;
            Ok(State::from(&block(), plan)
                .set("id", generate_name(None, Some(&format!("{group}-")), ""))
                .build())
        });
        r.into()
    }

    /// The attachment is found by group and target; its ID is made up, as
    /// create makes it.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        match Obj(planned).str("target_group_arn") {
            Some(group) => crate::read_as(
                self,
                c,
                planned,
                &generate_name(None, Some(&format!("{group}-")), ""),
            ),
            None => Ok(None),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let o = Obj(state);
        let found = c.run(registered(c, &o))?;
        Ok(found.then(|| State::from(&block(), state).build()))
    }

    fn update(&self, _c: &Ctx, _prior: &Value, plan: &Value) -> Outcome {
        // Every argument forces replacement.
        Outcome::Done(plan.clone())
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let o = Obj(state);
        c.run(async {
            match c
                .elbv2()
                .deregister_targets()
                .target_group_arn(o.req("target_group_arn"))
                .targets(target(&o))
                .send()
                .await
            {
                Ok(_) => Ok(()),
                Err(e) => {
                    let e = sdk("elasticloadbalancing:DeregisterTargets", e);
                    // Not registered (any more) is what deleting wants.
                    if e.code.as_deref() == Some("InvalidTarget") {
                        Ok(())
                    } else {
                        Err(e)
                    }
                }
            }
        })
    }

    fn import_state(&self, _c: &Ctx, id: &str, schema: &Schema) -> Value {
        let mut parts = id.split(',').map(str::trim);
        let group = parts.next().unwrap_or_default();
        let target_id = parts.next().unwrap_or_default();
        let port = parts.next().and_then(|p| p.parse::<i64>().ok());
        let zone = parts.next().filter(|z| !z.is_empty());
        State::new(&schema.block)
            .set("id", id)
            .set("target_group_arn", group)
            .set("target_id", target_id)
            .set("port", port)
            .set("availability_zone", zone)
            .build()
    }
}
