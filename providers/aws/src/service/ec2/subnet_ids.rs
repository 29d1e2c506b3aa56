//! data aws_subnet_ids: removed from hashicorp/aws v5, kept because the
//! user's original configuration uses it; it warns and names aws_subnets.

use super::{filter_block, filters, tag_filters};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::obj::{Obj, State};
use crate::DataSource;
use aws_sdk_ec2::types::Filter;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct SubnetIds;

fn block() -> Block {
    filter_block(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("vpc_id", Attribute::required(Type::String))
            .attr("ids", Attribute::computed(Type::set(Type::String)))
            .attr(
                "tags",
                Attribute::optional_computed(Type::map(Type::String)),
            ),
    )
}

impl DataSource for SubnetIds {
    fn name(&self) -> &'static str {
        "aws_subnet_ids"
    }
    fn schema(&self) -> Schema {
        Schema::new(block())
    }
    fn validate(&self, _config: &Value) -> Diags {
        vec![Diag::warning(
            "Deprecated data source",
            "The aws_subnet_ids data source was removed in version 5 of the hashicorp/aws provider. Use the aws_subnets data source with a filter instead:\n\n  data \"aws_subnets\" \"example\" {\n    filter {\n      name   = \"vpc-id\"\n      values = [var.vpc_id]\n    }\n  }",
        )]
    }
    fn read(&self, c: &Ctx, config: &Value) -> Result<Value> {
        let o = Obj(config);
        let vpc = o.req("vpc_id").to_string();
        let mut fs = filters(&o);
        fs.extend(tag_filters(&o));
        fs.push(Filter::builder().name("vpc-id").values(&vpc).build());
        let ids = super::subnets::subnet_ids(c, fs)?;
        Ok(State::from(&block(), config)
            .set("id", vpc)
            .set(
                "ids",
                Value::set(Type::String, ids.into_iter().map(Value::string).collect()),
            )
            .build())
    }
}
