//! data aws_security_group

use super::security_group::group_arn;
use super::{filter, filter_block, filters, tag_filters, tag_map, timeouts_block};
use crate::ctx::Ctx;
use crate::error::{sdk, Error, Result};
use crate::obj::{string_map, Obj, State};
use crate::DataSource;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct SecurityGroupDataSource;

fn block() -> Block {
    timeouts_block(
        filter_block(
            Block::new()
                .attr("id", Attribute::optional_computed(Type::String))
                .attr("name", Attribute::optional_computed(Type::String))
                .attr("vpc_id", Attribute::optional_computed(Type::String))
                .attr(
                    "tags",
                    Attribute::optional_computed(Type::map(Type::String)),
                )
                .attr("arn", Attribute::computed(Type::String))
                .attr("description", Attribute::computed(Type::String)),
        ),
        &["read"],
    )
}

impl DataSource for SecurityGroupDataSource {
    fn name(&self) -> &'static str {
        "aws_security_group"
    }
    fn schema(&self) -> Schema {
        Schema::new(block())
    }
    fn read(&self, c: &Ctx, config: &Value) -> Result<Value> {
        let o = Obj(config);
        let mut fs = filters(&o);
        fs.extend(tag_filters(&o));
        if let Some(n) = o.str("name") {
            fs.push(filter("group-name", n));
        }
        if let Some(v) = o.str("vpc_id") {
            fs.push(filter("vpc-id", v));
        }
        let mut req = c
            .ec2()
            .describe_security_groups()
            .set_filters(Some(fs).filter(|f| !f.is_empty()));
        if let Some(id) = o.str("id") {
            req = req.group_ids(id);
        }
        let out = c.run(req.send()).map_err(|e| {
            let e = sdk("ec2:DescribeSecurityGroups", e);
            if e.is_not_found() {
                Error::new("no matching EC2 Security Group found", "")
            } else {
                e.context("reading EC2 Security Group")
            }
        })?;
        let g = match out.security_groups() {
            [g] => g,
            [] => return Err(Error::new("no matching EC2 Security Group found", "")),
            _ => {
                return Err(Error::new(
                    "multiple EC2 Security Groups matched; use additional constraints to reduce matches to a single EC2 Security Group",
                    "",
                ))
            }
        };
        let id = g.group_id().unwrap_or_default().to_string();
        Ok(State::from(&block(), config)
            .set("id", id.clone())
            .set("arn", group_arn(c, g.owner_id().unwrap_or_default(), &id))
            .set("name", g.group_name().map(String::from))
            .set("description", g.description().map(String::from))
            .set("vpc_id", g.vpc_id().map(String::from))
            .set("tags", string_map(c.visible_tags(tag_map(g.tags()))))
            .build())
    }
}
