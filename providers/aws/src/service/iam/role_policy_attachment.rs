//! aws_iam_role_policy_attachment: a managed policy attached to a role.
//! Its ID is `role-<unique suffix>` when created and `role-arn` when
//! imported by `role/arn`, as in hashicorp/aws v5.

use super::role::{attached_policy_arns, ROLE_NOT_YET_VISIBLE};
use super::PROPAGATION;
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::wait::{retry_eventual, until, Poll};
use crate::{Outcome, Resource};
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct RolePolicyAttachment;

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("role", Attribute::required(Type::String).force_new())
        .attr("policy_arn", Attribute::required(Type::String).force_new())
}

/// Whether the policy is attached to the role (`None`: no such role).
async fn is_attached(c: &Ctx, role: &str, arn: &str) -> Result<Option<bool>> {
    Ok(found(attached_policy_arns(c, role).await)?.map(|arns| arns.iter().any(|a| a == arn)))
}

impl Resource for RolePolicyAttachment {
    fn name(&self) -> &'static str {
        "aws_iam_role_policy_attachment"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let (role, arn) = (p.req("role").to_string(), p.req("policy_arn").to_string());
        let attached = c.run(retry_eventual(
            PROPAGATION,
            ROLE_NOT_YET_VISIBLE,
            || async {
                c.iam()
                    .attach_role_policy()
                    .role_name(&role)
                    .policy_arn(&arn)
                    .send()
                    .await
                    .map_err(|e| sdk("iam:AttachRolePolicy", e))
            },
        ));
        if let Err(e) = attached {
            return Outcome::Failed(e);
        }
        let state = State::from(&block(), plan)
            .set("id", crate::naming::prefixed_unique_id(&format!("{role}-")))
            .build();
        // The attachment may take a moment to show in the role's list.
        let visible = c.run(until(
            "the policy attachment to appear",
            PROPAGATION,
            || async {
                Ok(match is_attached(c, &role, &arn).await? {
                    Some(true) => Poll::Ready(()),
                    _ => Poll::Pending("not attached".into()),
                })
            },
        ));
        match visible {
            Ok(()) => Outcome::Done(state),
            Err(e) => Outcome::Partial(state, e),
        }
    }

    /// The attachment is found by role and policy; its ID is made up, as
    /// create makes it.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        let p = Obj(planned);
        match (p.str("role"), p.str("policy_arn")) {
            (Some(role), Some(_)) => crate::read_as(
                self,
                c,
                planned,
                &crate::naming::prefixed_unique_id(&format!("{role}-")),
            ),
            _ => Ok(None),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let s = Obj(state);
        let (Some(role), Some(arn)) = (s.str("role"), s.str("policy_arn")) else {
            return Err(Error::new(
                "Invalid import ID",
                format!(
                    "unexpected format of ID ({}), expected <role-name>/<policy_arn>",
                    s.id()
                ),
            ));
        };
        match c.run(is_attached(c, role, arn))? {
            Some(true) => Ok(Some(state.clone())),
            _ => Ok(None),
        }
    }

    fn update(&self, _c: &Ctx, _prior: &Value, plan: &Value) -> Outcome {
        // Both arguments force a new attachment; nothing updates in place.
        Outcome::Done(plan.clone())
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        c.run(
            c.iam()
                .detach_role_policy()
                .role_name(s.req("role"))
                .policy_arn(s.req("policy_arn"))
                .send(),
        )
        .map_err(|e| sdk("iam:DetachRolePolicy", e))?;
        Ok(())
    }

    /// `role/policy_arn`.
    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        match id.split_once('/') {
            Some((role, arn)) if !role.is_empty() && !arn.is_empty() => State::new(&block())
                .set("id", format!("{role}-{arn}"))
                .set("role", role)
                .set("policy_arn", arn)
                .build(),
            _ => State::new(&block()).set("id", id).build(),
        }
    }
}
