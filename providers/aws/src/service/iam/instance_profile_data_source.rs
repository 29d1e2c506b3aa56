//! data aws_iam_instance_profile: an instance profile by name.

use super::go_time_string;
use super::instance_profile::find;
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::obj::{Obj, State};
use crate::DataSource;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct InstanceProfileDataSource;

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::optional_computed(Type::String))
        .attr("name", Attribute::required(Type::String))
        .attr("arn", Attribute::computed(Type::String))
        .attr("create_date", Attribute::computed(Type::String))
        .attr("path", Attribute::computed(Type::String))
        .attr("role_arn", Attribute::computed(Type::String))
        .attr("role_id", Attribute::computed(Type::String))
        .attr("role_name", Attribute::computed(Type::String))
}

impl DataSource for InstanceProfileDataSource {
    fn name(&self) -> &'static str {
        "aws_iam_instance_profile"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn read(&self, c: &Ctx, config: &Value) -> Result<Value> {
        let name = Obj(config).req("name").to_string();
        let p = c
            .run(find(c, &name))
            .map_err(|e| Error::new(format!("reading IAM Instance Profile ({name})"), e.detail))?;
        let role = p.roles().first();
        // The provider stores this data source's ID as the profile's
        // unique ID, and its date in Go's default time format.
        Ok(State::from(&block(), config)
            .set("id", p.instance_profile_id())
            .set("name", p.instance_profile_name())
            .set("arn", p.arn())
            .set("create_date", go_time_string(p.create_date()))
            .set("path", p.path())
            .set("role_arn", role.map(|r| r.arn()).unwrap_or_default())
            .set("role_id", role.map(|r| r.role_id()).unwrap_or_default())
            .set("role_name", role.map(|r| r.role_name()).unwrap_or_default())
            .build())
    }
}
