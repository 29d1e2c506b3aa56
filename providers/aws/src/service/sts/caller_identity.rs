//! data aws_caller_identity

use crate::ctx::Ctx;
use crate::error::{sdk, Result};
use crate::obj::State;
use crate::DataSource;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct CallerIdentity;

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("account_id", Attribute::computed(Type::String))
        .attr("arn", Attribute::computed(Type::String))
        .attr("user_id", Attribute::computed(Type::String))
}

impl DataSource for CallerIdentity {
    fn name(&self) -> &'static str {
        "aws_caller_identity"
    }
    fn schema(&self) -> Schema {
        Schema::new(block())
    }
    fn read(&self, c: &Ctx, _config: &Value) -> Result<Value> {
        let out = c
            .run(c.sts().get_caller_identity().send())
            .map_err(|e| sdk("sts:GetCallerIdentity", e))?;
        let account = out.account().unwrap_or_default().to_string();
        Ok(State::new(&block())
            .set("id", account.clone())
            .set("account_id", account)
            .set("arn", out.arn().map(String::from))
            .set("user_id", out.user_id().map(String::from))
            .build())
    }
}
