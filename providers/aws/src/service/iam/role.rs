//! aws_iam_role
//!
//! `inline_policy` is not supported (use aws_iam_role_policy);
//! `managed_policy_arns` is (deprecated in hashicorp/aws v5, as there).

use super::policy_json::{check_policy, normalize, plan_policy, policy_to_set};
use super::{
    iam_tags, name_prefix_from_name, resource_name, rfc3339, tag_map, url_unescape, PROPAGATION,
};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::schema::with_tags;
use crate::service::{plan_tags_all, read_tags, tag_changes};
use crate::wait::retry_eventual;
use crate::{Outcome, Resource};
use aws_sdk_iam::types::Role as AwsRole;
use std::collections::BTreeSet;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct Role;

pub(super) fn block() -> Block {
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
            .attr(
                "path",
                Attribute::optional(Type::String)
                    .default(Value::string("/"))
                    .force_new(),
            )
            .attr("description", Attribute::optional(Type::String))
            .attr("assume_role_policy", Attribute::required(Type::String))
            .attr(
                "max_session_duration",
                Attribute::optional(Type::Number).default(Value::int(3600)),
            )
            .attr("permissions_boundary", Attribute::optional(Type::String))
            .attr(
                "force_detach_policies",
                Attribute::optional(Type::Bool).default(Value::Bool(false)),
            )
            .attr(
                "managed_policy_arns",
                Attribute::optional_computed(Type::set(Type::String)).deprecated(
                    "The managed_policy_arns argument is deprecated. Use the aws_iam_role_policy_attachments_exclusive resource instead.",
                ),
            )
            .attr("create_date", Attribute::computed(Type::String))
            .attr("unique_id", Attribute::computed(Type::String)),
    )
}

/// Errors IAM gives while a principal named in a trust policy (a role or
/// user created moments ago) is not yet visible to it.
const INVALID_PRINCIPAL: &str = "Invalid principal in policy";

/// Errors of calls naming a role created moments ago (and concurrent
/// changes to it), which IAM documents as retryable.
pub(super) const ROLE_NOT_YET_VISIBLE: &[&str] = &["ConcurrentModification", "The role with name"];

impl Resource for Role {
    fn name(&self) -> &'static str {
        "aws_iam_role"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = resource_name(p.str("name"), p.str("name_prefix"));
        let policy = match normalize(p.req("assume_role_policy")) {
            Ok(v) => v,
            Err(e) => return Outcome::Failed(invalid_policy(e)),
        };
        let tags = c.tags_all(&p.map_str("tags"));
        let created = c.run(async {
            let tag_list = iam_tags(&tags)?;
            retry_eventual(PROPAGATION, &[INVALID_PRINCIPAL], || async {
                c.iam()
                    .create_role()
                    .role_name(&name)
                    .path(p.str("path").unwrap_or("/"))
                    .assume_role_policy_document(&policy)
                    .set_description(p.string("description"))
                    .set_max_session_duration(p.i32("max_session_duration"))
                    .set_permissions_boundary(p.string("permissions_boundary"))
                    .set_tags((!tag_list.is_empty()).then(|| tag_list.clone()))
                    .send()
                    .await
                    .map_err(|e| sdk("iam:CreateRole", e))
            })
            .await
        });
        if let Err(e) = created {
            return Outcome::Failed(e);
        }
        // The role exists from here on: a failure keeps it in the state.
        let base = State::from(&block(), plan)
            .set("id", name.clone())
            .set("name", name.clone())
            .set("assume_role_policy", policy)
            .set("tags_all", crate::obj::string_map(tags))
            .build();
        let rest = c.run(async {
            let managed = p.list_str("managed_policy_arns");
            attach_policies(c, &name, &managed).await?;
            let role =
                retry_eventual(PROPAGATION, &["NoSuchEntity"], || find_role(c, &name)).await?;
            let attached = attached_policy_arns(c, &name).await?;
            flatten(c, &base, &role, attached)
        });
        match rest {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    /// The ID is the role name.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        match Obj(planned).str("name") {
            Some(id) => crate::read_as(self, c, planned, id),
            None => Ok(None),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let s = Obj(state);
        let name = s.str("name").unwrap_or(s.id()).to_string();
        c.run(async {
            let Some(role) = found(find_role(c, &name).await)? else {
                return Ok(None);
            };
            let attached = attached_policy_arns(c, &name).await?;
            flatten(c, state, &role, attached).map(Some)
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let (o, p) = (Obj(prior), Obj(plan));
        let name = o.id().to_string();
        let changed = |k: &str| match (prior.get_attr(k), plan.get_attr(k)) {
            (Some(a), Some(b)) => !a.raw_equal(b),
            _ => false,
        };
        let result = c.run(async {
            if changed("assume_role_policy") {
                let policy = normalize(p.req("assume_role_policy")).map_err(invalid_policy)?;
                retry_eventual(PROPAGATION, &[INVALID_PRINCIPAL], || async {
                    c.iam()
                        .update_assume_role_policy()
                        .role_name(&name)
                        .policy_document(&policy)
                        .send()
                        .await
                        .map_err(|e| sdk("iam:UpdateAssumeRolePolicy", e))
                })
                .await?;
            }
            if changed("description") {
                c.iam()
                    .update_role_description()
                    .role_name(&name)
                    .description(p.str("description").unwrap_or_default())
                    .send()
                    .await
                    .map_err(|e| sdk("iam:UpdateRoleDescription", e))?;
            }
            if changed("max_session_duration") {
                c.iam()
                    .update_role()
                    .role_name(&name)
                    .set_max_session_duration(p.i32("max_session_duration"))
                    .send()
                    .await
                    .map_err(|e| sdk("iam:UpdateRole", e))?;
            }
            if changed("permissions_boundary") {
                match p.str("permissions_boundary").filter(|b| !b.is_empty()) {
                    Some(b) => {
                        c.iam()
                            .put_role_permissions_boundary()
                            .role_name(&name)
                            .permissions_boundary(b)
                            .send()
                            .await
                            .map_err(|e| sdk("iam:PutRolePermissionsBoundary", e))?;
                    }
                    None => {
                        c.iam()
                            .delete_role_permissions_boundary()
                            .role_name(&name)
                            .send()
                            .await
                            .map_err(|e| sdk("iam:DeleteRolePermissionsBoundary", e))?;
                    }
                }
            }
            if changed("managed_policy_arns") && p.get("managed_policy_arns").is_some() {
                let old: BTreeSet<String> = o.list_str("managed_policy_arns").into_iter().collect();
                let new: BTreeSet<String> = p.list_str("managed_policy_arns").into_iter().collect();
                let gone: Vec<String> = old.difference(&new).cloned().collect();
                let added: Vec<String> = new.difference(&old).cloned().collect();
                detach_policies(c, &name, &gone).await?;
                attach_policies(c, &name, &added).await?;
            }
            let tags = c.tags_all(&p.map_str("tags"));
            let (removed, upserts) = tag_changes(&o.map_str("tags_all"), &tags);
            if !removed.is_empty() {
                c.iam()
                    .untag_role()
                    .role_name(&name)
                    .set_tag_keys(Some(removed))
                    .send()
                    .await
                    .map_err(|e| sdk("iam:UntagRole", e))?;
            }
            if !upserts.is_empty() {
                c.iam()
                    .tag_role()
                    .role_name(&name)
                    .set_tags(Some(iam_tags(&upserts)?))
                    .send()
                    .await
                    .map_err(|e| sdk("iam:TagRole", e))?;
            }
            let role = find_role(c, &name).await?;
            let attached = attached_policy_arns(c, &name).await?;
            flatten(c, plan, &role, attached)
        });
        match result {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Failed(e),
        }
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        let name = s.id().to_string();
        let force = s.flag("force_detach_policies");
        let has_managed = !s.list_str("managed_policy_arns").is_empty();
        c.run(async {
            // A role still in an instance profile cannot be deleted.
            for profile in instance_profiles_for_role(c, &name).await? {
                let r = c
                    .iam()
                    .remove_role_from_instance_profile()
                    .instance_profile_name(&profile)
                    .role_name(&name)
                    .send()
                    .await
                    .map_err(|e| sdk("iam:RemoveRoleFromInstanceProfile", e));
                found(r)?;
            }
            if force || has_managed {
                let attached = attached_policy_arns(c, &name).await?;
                detach_policies(c, &name, &attached).await?;
            }
            if force {
                for policy in inline_policy_names(c, &name).await? {
                    let r = c
                        .iam()
                        .delete_role_policy()
                        .role_name(&name)
                        .policy_name(&policy)
                        .send()
                        .await
                        .map_err(|e| sdk("iam:DeleteRolePolicy", e));
                    found(r)?;
                }
            }
            // Detachments made just now (here or by other resources) can
            // take a moment to reach the role.
            retry_eventual(PROPAGATION, &["DeleteConflict"], || async {
                c.iam()
                    .delete_role()
                    .role_name(&name)
                    .send()
                    .await
                    .map_err(|e| sdk("iam:DeleteRole", e))
            })
            .await?;
            Ok(())
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        plan_policy(
            prior,
            plan_tags_all(prior, planned),
            "assume_role_policy",
            normalize,
        )
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
        if o.str("name").is_some_and(|n| n.len() > 64) {
            d.push(Diag::error(
                "Invalid name",
                "expected length of name to be in the range (1 - 64)",
            ));
        }
        if o.str("name_prefix").is_some_and(|n| n.len() > 38) {
            d.push(Diag::error(
                "Invalid name_prefix",
                "expected length of name_prefix to be in the range (1 - 38)",
            ));
        }
        if let Some(n) = o.i64("max_session_duration") {
            if !(3600..=43200).contains(&n) {
                d.push(Diag::error(
                    "Invalid max_session_duration",
                    format!(
                        "expected max_session_duration to be in the range (3600 - 43200), got {n}"
                    ),
                ));
            }
        }
        if let Some(p) = o.str("assume_role_policy") {
            if let Err(e) = super::policy_json::parse(p) {
                d.push(Diag::error(
                    "Invalid assume_role_policy",
                    format!("\"assume_role_policy\" contains an invalid JSON: {e}"),
                ));
            } else if let Err(e) = check_policy(p) {
                d.push(Diag::error("Invalid assume_role_policy", e));
            }
        }
        d
    }
}

fn invalid_policy(e: String) -> Error {
    Error::new("Invalid policy document", e)
}

/// The role, or a NoSuchEntity error.
pub(super) async fn find_role(c: &Ctx, name: &str) -> Result<AwsRole> {
    let out = c
        .iam()
        .get_role()
        .role_name(name)
        .send()
        .await
        .map_err(|e| sdk("iam:GetRole", e))?;
    out.role.ok_or_else(|| {
        let mut e = Error::new("IAM role not found", format!("iam:GetRole: no role {name}"));
        e.code = Some("NoSuchEntity".into());
        e
    })
}

/// The state of a role: `base` (the plan or prior state) with what AWS
/// reports.
fn flatten(c: &Ctx, base: &Value, role: &AwsRole, attached: Vec<String>) -> Result<Value> {
    let b = Obj(base);
    let document = url_unescape(role.assume_role_policy_document().unwrap_or_default())?;
    let policy = policy_to_set(b.str("assume_role_policy").unwrap_or_default(), &document)
        .map_err(invalid_policy)?;
    let name = role.role_name();
    // A description set to "" is no description to IAM; keep the "".
    let description = role
        .description()
        .filter(|d| !d.is_empty())
        .map(String::from)
        .or_else(|| b.string("description").filter(String::is_empty));
    let mut s = State::from(&block(), base)
        .set("id", name)
        .set("name", name)
        .set(
            "name_prefix",
            name_prefix_from_name(name)
                .or_else(|| b.string("name_prefix"))
                .unwrap_or_default(),
        )
        .set("arn", role.arn())
        .set("path", role.path())
        .set("unique_id", role.role_id())
        .set("create_date", rfc3339(role.create_date()))
        .set("description", description)
        .set(
            "max_session_duration",
            i64::from(role.max_session_duration().unwrap_or(3600)),
        )
        .set(
            "permissions_boundary",
            role.permissions_boundary()
                .and_then(|pb| pb.permissions_boundary_arn())
                .map(String::from),
        )
        .set("assume_role_policy", policy)
        .set("managed_policy_arns", attached);
    if s.get("force_detach_policies").is_none_or(Value::is_null) {
        s = s.set("force_detach_policies", false);
    }
    Ok(read_tags(c, s, base, tag_map(role.tags())).build())
}

pub(super) async fn attached_policy_arns(c: &Ctx, role: &str) -> Result<Vec<String>> {
    let items = c
        .iam()
        .list_attached_role_policies()
        .role_name(role)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| sdk("iam:ListAttachedRolePolicies", e))?;
    Ok(items
        .iter()
        .filter_map(|p| p.policy_arn().map(String::from))
        .collect())
}

async fn inline_policy_names(c: &Ctx, role: &str) -> Result<Vec<String>> {
    c.iam()
        .list_role_policies()
        .role_name(role)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| sdk("iam:ListRolePolicies", e))
}

async fn instance_profiles_for_role(c: &Ctx, role: &str) -> Result<Vec<String>> {
    let r = c
        .iam()
        .list_instance_profiles_for_role()
        .role_name(role)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| sdk("iam:ListInstanceProfilesForRole", e));
    Ok(found(r)?
        .unwrap_or_default()
        .iter()
        .map(|p| p.instance_profile_name().to_string())
        .collect())
}

async fn attach_policies(c: &Ctx, role: &str, arns: &[String]) -> Result<()> {
    for arn in arns {
        retry_eventual(PROPAGATION, ROLE_NOT_YET_VISIBLE, || async {
            c.iam()
                .attach_role_policy()
                .role_name(role)
                .policy_arn(arn)
                .send()
                .await
                .map_err(|e| sdk("iam:AttachRolePolicy", e))
        })
        .await?;
    }
    Ok(())
}

async fn detach_policies(c: &Ctx, role: &str, arns: &[String]) -> Result<()> {
    for arn in arns {
        let r = c
            .iam()
            .detach_role_policy()
            .role_name(role)
            .policy_arn(arn)
            .send()
            .await
            .map_err(|e| sdk("iam:DetachRolePolicy", e));
        found(r)?;
    }
    Ok(())
}
