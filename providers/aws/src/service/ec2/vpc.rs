//! data aws_vpc

use super::{filter_block, filters, tag_filters};
use crate::ctx::Ctx;
use crate::error::{sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::DataSource;
use aws_sdk_ec2::types::Filter;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct Vpc;

fn block() -> Block {
    filter_block(
        Block::new()
            .attr("id", Attribute::optional_computed(Type::String))
            .attr("default", Attribute::optional_computed(Type::Bool))
            .attr("cidr_block", Attribute::optional_computed(Type::String))
            .attr("state", Attribute::optional_computed(Type::String))
            .attr(
                "tags",
                Attribute::optional_computed(Type::map(Type::String)),
            )
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("instance_tenancy", Attribute::computed(Type::String))
            .attr("dhcp_options_id", Attribute::computed(Type::String))
            .attr("main_route_table_id", Attribute::computed(Type::String))
            .attr("enable_dns_support", Attribute::computed(Type::Bool))
            .attr("enable_dns_hostnames", Attribute::computed(Type::Bool)),
    )
}

impl DataSource for Vpc {
    fn name(&self) -> &'static str {
        "aws_vpc"
    }
    fn schema(&self) -> Schema {
        Schema::new(block())
    }
    fn read(&self, c: &Ctx, config: &Value) -> Result<Value> {
        let o = Obj(config);
        let mut fs = filters(&o);
        fs.extend(tag_filters(&o));
        if let Some(d) = o.bool("default") {
            fs.push(
                Filter::builder()
                    .name("isDefault")
                    .values(d.to_string())
                    .build(),
            );
        }
        if let Some(cidr) = o.str("cidr_block") {
            fs.push(Filter::builder().name("cidr-block").values(cidr).build());
        }
        if let Some(s) = o.str("state") {
            fs.push(Filter::builder().name("state").values(s).build());
        }
        let mut req = c
            .ec2()
            .describe_vpcs()
            .set_filters(Some(fs).filter(|f| !f.is_empty()));
        if let Some(id) = o.str("id") {
            req = req.vpc_ids(id);
        }
        let out = c.run(req.send()).map_err(|e| sdk("ec2:DescribeVpcs", e))?;
        let vpcs = out.vpcs();
        let vpc = match vpcs {
            [v] => v,
            [] => return Err(Error::new("no matching EC2 VPC found", "Your query returned no results. Please change your search criteria and try again.")),
            _ => return Err(Error::new("multiple EC2 VPCs matched", "Your query returned more than one result. Please try a more specific search criteria.")),
        };
        let id = vpc.vpc_id().unwrap_or_default().to_string();
        let owner = vpc.owner_id().unwrap_or_default().to_string();
        let tags: std::collections::BTreeMap<String, String> = vpc
            .tags()
            .iter()
            .map(|t| {
                (
                    t.key().unwrap_or_default().to_string(),
                    t.value().unwrap_or_default().to_string(),
                )
            })
            .collect();
        Ok(State::from(&block(), config)
            .set("id", id.clone())
            .set(
                "arn",
                format!("arn:{}:ec2:{}:{owner}:vpc/{id}", c.partition(), c.region),
            )
            .set("default", vpc.is_default().unwrap_or(false))
            .set("cidr_block", vpc.cidr_block().map(String::from))
            .set("state", vpc.state().map(|s| s.as_str().to_string()))
            .set("owner_id", owner)
            .set(
                "instance_tenancy",
                vpc.instance_tenancy().map(|t| t.as_str().to_string()),
            )
            .set("dhcp_options_id", vpc.dhcp_options_id().map(String::from))
            .set("tags", crate::obj::string_map(tags))
            .set("enable_dns_support", true)
            .set("enable_dns_hostnames", vpc.is_default().unwrap_or(false))
            .build())
    }
}
