//! aws_iam_role_policy: an inline policy of a role; ID `role:name`.

use super::policy_json::{check_policy, legacy_normalize, legacy_policy_to_set, plan_policy};
use super::role::ROLE_NOT_YET_VISIBLE;
use super::{name_prefix_from_name, resource_name, url_unescape, PROPAGATION};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::wait::retry_eventual;
use crate::{Outcome, Resource};
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct RolePolicy;

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr(
            "name",
            Attribute::optional_computed(Type::String).force_new(),
        )
        .attr(
            "name_prefix",
            Attribute::optional_computed(Type::String).force_new(),
        )
        .attr("role", Attribute::required(Type::String).force_new())
        .attr("policy", Attribute::required(Type::String))
}

/// `role:name` as (role, name).
fn parse_id(id: &str) -> Result<(String, String)> {
    match id.split_once(':') {
        Some((role, name)) if !role.is_empty() && !name.is_empty() => {
            Ok((role.to_string(), name.to_string()))
        }
        _ => Err(Error::new(
            "Invalid ID",
            format!("role_policy id must be of the form <role name>:<policy name>, got {id:?}"),
        )),
    }
}

async fn put(c: &Ctx, role: &str, name: &str, policy: &str) -> Result<()> {
    retry_eventual(PROPAGATION, ROLE_NOT_YET_VISIBLE, || async {
        c.iam()
            .put_role_policy()
            .role_name(role)
            .policy_name(name)
            .policy_document(policy)
            .send()
            .await
            .map_err(|e| sdk("iam:PutRolePolicy", e))
    })
    .await?;
    Ok(())
}

/// The policy document, or a NoSuchEntity error.
async fn find(c: &Ctx, role: &str, name: &str) -> Result<String> {
    let out = c
        .iam()
        .get_role_policy()
        .role_name(role)
        .policy_name(name)
        .send()
        .await
        .map_err(|e| sdk("iam:GetRolePolicy", e))?;
    url_unescape(out.policy_document())
}

fn flatten(base: &Value, role: &str, name: &str, document: &str) -> Result<Value> {
    let b = Obj(base);
    let policy = legacy_policy_to_set(b.str("policy").unwrap_or_default(), document)
        .map_err(|e| Error::new("Invalid policy document", e))?;
    Ok(State::from(&block(), base)
        .set("id", format!("{role}:{name}"))
        .set("role", role)
        .set("name", name)
        .set(
            "name_prefix",
            name_prefix_from_name(name)
                .or_else(|| b.string("name_prefix"))
                .unwrap_or_default(),
        )
        .set("policy", policy)
        .build())
}

impl Resource for RolePolicy {
    fn name(&self) -> &'static str {
        "aws_iam_role_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let role = p.req("role").to_string();
        let name = resource_name(p.str("name"), p.str("name_prefix"));
        let policy = match legacy_normalize(p.req("policy")) {
            Ok(v) => v,
            Err(e) => return Outcome::Failed(Error::new("Invalid policy document", e)),
        };
        if let Err(e) = c.run(put(c, &role, &name, &policy)) {
            return Outcome::Failed(e);
        }
        let base = State::from(&block(), plan)
            .set("id", format!("{role}:{name}"))
            .set("name", name.clone())
            .set("policy", policy)
            .build();
        let read = c.run(retry_eventual(PROPAGATION, &["NoSuchEntity"], || {
            find(c, &role, &name)
        }));
        match read.and_then(|doc| flatten(&base, &role, &name, &doc)) {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    /// The ID is `role:name`.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        let p = Obj(planned);
        match (p.str("role"), p.str("name")) {
            (Some(role), Some(name)) => crate::read_as(self, c, planned, &format!("{role}:{name}")),
            _ => Ok(None),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let (role, name) = parse_id(Obj(state).id())?;
        let Some(doc) = found(c.run(find(c, &role, &name)))? else {
            return Ok(None);
        };
        flatten(state, &role, &name, &doc).map(Some)
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let (role, name) = match parse_id(Obj(prior).id()) {
            Ok(v) => v,
            Err(e) => return Outcome::Failed(e),
        };
        let policy = match legacy_normalize(Obj(plan).req("policy")) {
            Ok(v) => v,
            Err(e) => return Outcome::Failed(Error::new("Invalid policy document", e)),
        };
        let r = c.run(async {
            put(c, &role, &name, &policy).await?;
            find(c, &role, &name).await
        });
        r.and_then(|doc| flatten(plan, &role, &name, &doc)).into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let (role, name) = parse_id(Obj(state).id())?;
        c.run(
            c.iam()
                .delete_role_policy()
                .role_name(&role)
                .policy_name(&name)
                .send(),
        )
        .map_err(|e| sdk("iam:DeleteRolePolicy", e))?;
        Ok(())
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        plan_policy(prior, planned, "policy", legacy_normalize)
    }

    fn validate(&self, config: &Value) -> Diags {
        let o = Obj(config);
        let mut d = Vec::new();
        if o.get("name").is_some() && o.get("name_prefix").is_some() {
            d.push(Diag::error(
                "Conflicting configuration arguments",
                "\"name\": conflicts with name_prefix",
            ));
        }
        if let Some(p) = o.str("policy") {
            if let Err(e) = check_policy(p) {
                d.push(Diag::error("Invalid policy", e));
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_role_colon_name() {
        assert_eq!(
            parse_id("role1:inline").expect("valid"),
            ("role1".to_string(), "inline".to_string())
        );
        assert!(parse_id("role1").is_err());
        assert!(parse_id(":x").is_err());
    }
}
