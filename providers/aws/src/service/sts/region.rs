//! data aws_region

use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::obj::{Obj, State};
use crate::DataSource;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct Region;

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("name", Attribute::optional_computed(Type::String))
        .attr("endpoint", Attribute::optional_computed(Type::String))
        .attr("description", Attribute::computed(Type::String))
}

fn description(region: &str) -> &'static str {
    match region {
        "us-east-1" => "US East (N. Virginia)",
        "us-east-2" => "US East (Ohio)",
        "us-west-1" => "US West (N. California)",
        "us-west-2" => "US West (Oregon)",
        "eu-west-1" => "Europe (Ireland)",
        "eu-west-2" => "Europe (London)",
        "eu-central-1" => "Europe (Frankfurt)",
        "ap-southeast-1" => "Asia Pacific (Singapore)",
        "ap-southeast-2" => "Asia Pacific (Sydney)",
        "ap-northeast-1" => "Asia Pacific (Tokyo)",
        _ => "",
    }
}

impl DataSource for Region {
    fn name(&self) -> &'static str {
        "aws_region"
    }
    fn schema(&self) -> Schema {
        Schema::new(block())
    }
    fn read(&self, c: &Ctx, config: &Value) -> Result<Value> {
        let name = Obj(config)
            .string("name")
            .unwrap_or_else(|| c.region.clone());
        if !name.contains('-') {
            return Err(Error::new(
                "Invalid region",
                format!("region {name:?} is not a region name"),
            ));
        }
        Ok(State::new(&block())
            .set("id", name.clone())
            .set("endpoint", format!("ec2.{name}.amazonaws.com"))
            .set("description", description(&name))
            .set("name", name)
            .build())
    }
}
