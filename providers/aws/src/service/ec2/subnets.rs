//! data aws_subnets

use super::{filter_block, filters, tag_filters};
use crate::ctx::Ctx;
use crate::error::{sdk, Result};
use crate::obj::{Obj, State};
use crate::DataSource;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct Subnets;

fn block() -> Block {
    filter_block(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("ids", Attribute::computed(Type::list(Type::String)))
            .attr("tags", Attribute::optional(Type::map(Type::String))),
    )
}

/// Subnet IDs matching filters, in the order EC2 lists them.
pub fn subnet_ids(c: &Ctx, fs: Vec<aws_sdk_ec2::types::Filter>) -> Result<Vec<String>> {
    let out = c
        .run(
            c.ec2()
                .describe_subnets()
                .set_filters(Some(fs).filter(|f| !f.is_empty()))
                .send(),
        )
        .map_err(|e| sdk("ec2:DescribeSubnets", e))?;
    Ok(out
        .subnets()
        .iter()
        .filter_map(|s| s.subnet_id().map(String::from))
        .collect())
}

impl DataSource for Subnets {
    fn name(&self) -> &'static str {
        "aws_subnets"
    }
    fn schema(&self) -> Schema {
        Schema::new(block())
    }
    fn read(&self, c: &Ctx, config: &Value) -> Result<Value> {
        let o = Obj(config);
        let mut fs = filters(&o);
        fs.extend(tag_filters(&o));
        let ids = subnet_ids(c, fs)?;
        Ok(State::from(&block(), config)
            .set("id", c.region.clone())
            .set("ids", ids)
            .build())
    }
}
