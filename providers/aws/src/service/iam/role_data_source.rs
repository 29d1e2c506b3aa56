//! data aws_iam_role: a role by name.

use super::policy_json::normalize;
use super::role::find_role;
use super::{rfc3339, tag_map, url_unescape};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::obj::{object, string_map, Obj, State};
use crate::DataSource;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct RoleDataSource;

fn last_used_type() -> Type {
    Type::list(Type::object(
        [
            ("last_used_date".to_string(), Type::String),
            ("region".to_string(), Type::String),
        ]
        .into_iter()
        .collect(),
    ))
}

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::optional_computed(Type::String))
        .attr("name", Attribute::required(Type::String))
        .attr("arn", Attribute::computed(Type::String))
        .attr("assume_role_policy", Attribute::computed(Type::String))
        .attr("create_date", Attribute::computed(Type::String))
        .attr("description", Attribute::computed(Type::String))
        .attr("max_session_duration", Attribute::computed(Type::Number))
        .attr("path", Attribute::computed(Type::String))
        .attr("permissions_boundary", Attribute::computed(Type::String))
        .attr("role_last_used", Attribute::computed(last_used_type()))
        .attr(
            "tags",
            Attribute::optional_computed(Type::map(Type::String)),
        )
        .attr("unique_id", Attribute::computed(Type::String))
}

impl DataSource for RoleDataSource {
    fn name(&self) -> &'static str {
        "aws_iam_role"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn read(&self, c: &Ctx, config: &Value) -> Result<Value> {
        let name = Obj(config).req("name").to_string();
        let role = c
            .run(find_role(c, &name))
            .map_err(|e| Error::new(format!("reading IAM Role ({name})"), e.detail))?;
        let document = url_unescape(role.assume_role_policy_document().unwrap_or_default())?;
        let policy = normalize(&document).map_err(|e| Error::new("Invalid policy document", e))?;
        let last_used = role.role_last_used();
        // Computed strings are "" when IAM has nothing, as the provider
        // writes them.
        Ok(State::from(&block(), config)
            .set("id", role.role_name())
            .set("name", role.role_name())
            .set("arn", role.arn())
            .set("assume_role_policy", policy)
            .set("create_date", rfc3339(role.create_date()))
            .set("description", role.description().unwrap_or_default())
            .set(
                "max_session_duration",
                i64::from(role.max_session_duration().unwrap_or(3600)),
            )
            .set("path", role.path())
            .set(
                "permissions_boundary",
                role.permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .unwrap_or_default(),
            )
            .set(
                "role_last_used",
                vec![object(vec![
                    (
                        "last_used_date",
                        last_used
                            .and_then(|l| l.last_used_date())
                            .map(rfc3339)
                            .unwrap_or_default()
                            .into(),
                    ),
                    (
                        "region",
                        last_used
                            .and_then(|l| l.region())
                            .unwrap_or_default()
                            .into(),
                    ),
                ])],
            )
            .set("tags", string_map(c.visible_tags(tag_map(role.tags()))))
            .set("unique_id", role.role_id())
            .build())
    }
}
