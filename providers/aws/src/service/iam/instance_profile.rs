//! aws_iam_instance_profile

use super::{iam_tags, name_prefix_from_name, resource_name, rfc3339, tag_map, PROPAGATION};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::schema::with_tags;
use crate::service::{plan_tags_all, read_tags, tag_changes};
use crate::wait::retry_eventual;
use crate::{Outcome, Resource};
use aws_sdk_iam::types::InstanceProfile as AwsProfile;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct InstanceProfile;

fn block() -> Block {
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
            .attr("role", Attribute::optional(Type::String))
            .attr("create_date", Attribute::computed(Type::String))
            .attr("unique_id", Attribute::computed(Type::String)),
    )
}

/// Errors IAM gives while a profile or role created moments ago is not
/// yet visible to it.
const NOT_YET_VISIBLE: &[&str] = &[
    "Invalid IAM Instance Profile name",
    "The role with name",
    "ConcurrentModification",
];

/// The instance profile, or a NoSuchEntity error.
pub(super) async fn find(c: &Ctx, name: &str) -> Result<AwsProfile> {
    let out = c
        .iam()
        .get_instance_profile()
        .instance_profile_name(name)
        .send()
        .await
        .map_err(|e| sdk("iam:GetInstanceProfile", e))?;
    out.instance_profile.ok_or_else(|| {
        let mut e = Error::new(
            "IAM instance profile not found",
            format!("iam:GetInstanceProfile: no instance profile {name}"),
        );
        e.code = Some("NoSuchEntity".into());
        e
    })
}

async fn add_role(c: &Ctx, profile: &str, role: &str) -> Result<()> {
    retry_eventual(PROPAGATION, NOT_YET_VISIBLE, || async {
        c.iam()
            .add_role_to_instance_profile()
            .instance_profile_name(profile)
            .role_name(role)
            .send()
            .await
            .map_err(|e| sdk("iam:AddRoleToInstanceProfile", e))
    })
    .await?;
    Ok(())
}

async fn remove_role(c: &Ctx, profile: &str, role: &str) -> Result<()> {
    let r = c
        .iam()
        .remove_role_from_instance_profile()
        .instance_profile_name(profile)
        .role_name(role)
        .send()
        .await
        .map_err(|e| sdk("iam:RemoveRoleFromInstanceProfile", e));
    found(r)?;
    Ok(())
}

fn flatten(c: &Ctx, base: &Value, p: &AwsProfile) -> Value {
    let b = Obj(base);
    let name = p.instance_profile_name();
    let s = State::from(&block(), base)
        .set("id", name)
        .set("name", name)
        .set(
            "name_prefix",
            name_prefix_from_name(name)
                .or_else(|| b.string("name_prefix"))
                .unwrap_or_default(),
        )
        .set("arn", p.arn())
        .set("path", p.path())
        .set("unique_id", p.instance_profile_id())
        .set("create_date", rfc3339(p.create_date()))
        .set("role", p.roles().first().map(|r| r.role_name().to_string()));
    read_tags(c, s, base, tag_map(p.tags())).build()
}

impl Resource for InstanceProfile {
    fn name(&self) -> &'static str {
        "aws_iam_instance_profile"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = resource_name(p.str("name"), p.str("name_prefix"));
        let tags = c.tags_all(&p.map_str("tags"));
        let created = c.run(async {
            let tag_list = iam_tags(&tags)?;
            c.iam()
                .create_instance_profile()
                .instance_profile_name(&name)
                .path(p.str("path").unwrap_or("/"))
                .set_tags((!tag_list.is_empty()).then_some(tag_list))
                .send()
                .await
                .map_err(|e| sdk("iam:CreateInstanceProfile", e))
        });
        if let Err(e) = created {
            return Outcome::Failed(e);
        }
        let base = State::from(&block(), plan)
            .set("id", name.clone())
            .set("name", name.clone())
            .set("tags_all", crate::obj::string_map(tags))
            .build();
        let rest = c.run(async {
            retry_eventual(PROPAGATION, &["NoSuchEntity"], || find(c, &name)).await?;
            if let Some(role) = p.str("role") {
                add_role(c, &name, role).await?;
            }
            find(c, &name).await
        });
        match rest {
            Ok(profile) => Outcome::Done(flatten(c, plan, &profile)),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    /// The ID is the instance profile name.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        match Obj(planned).str("name") {
            Some(id) => crate::read_as(self, c, planned, id),
            None => Ok(None),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let name = Obj(state).id().to_string();
        Ok(found(c.run(find(c, &name)))?.map(|p| flatten(c, state, &p)))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let (o, p) = (Obj(prior), Obj(plan));
        let name = o.id().to_string();
        let r = c.run(async {
            if o.str("role") != p.str("role") {
                if let Some(old) = o.str("role") {
                    remove_role(c, &name, old).await?;
                }
                if let Some(new) = p.str("role") {
                    add_role(c, &name, new).await?;
                }
            }
            let tags = c.tags_all(&p.map_str("tags"));
            let (removed, upserts) = tag_changes(&o.map_str("tags_all"), &tags);
            if !removed.is_empty() {
                c.iam()
                    .untag_instance_profile()
                    .instance_profile_name(&name)
                    .set_tag_keys(Some(removed))
                    .send()
                    .await
                    .map_err(|e| sdk("iam:UntagInstanceProfile", e))?;
            }
            if !upserts.is_empty() {
                c.iam()
                    .tag_instance_profile()
                    .instance_profile_name(&name)
                    .set_tags(Some(iam_tags(&upserts)?))
                    .send()
                    .await
                    .map_err(|e| sdk("iam:TagInstanceProfile", e))?;
            }
            find(c, &name).await
        });
        r.map(|profile| flatten(c, plan, &profile)).into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let name = Obj(state).id().to_string();
        c.run(async {
            let Some(profile) = found(find(c, &name).await)? else {
                return Ok(());
            };
            for r in profile.roles() {
                remove_role(c, &name, r.role_name()).await?;
            }
            c.iam()
                .delete_instance_profile()
                .instance_profile_name(&name)
                .send()
                .await
                .map_err(|e| sdk("iam:DeleteInstanceProfile", e))?;
            Ok(())
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        plan_tags_all(prior, planned)
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
        if o.str("name").is_some_and(|n| n.len() > 128) {
            d.push(Diag::error(
                "Invalid name",
                "expected length of name to be in the range (1 - 128)",
            ));
        }
        d
    }
}
