//! data aws_subnet

use super::{filter, filter_block, filters, tag_filters, tag_map, timeouts_block};
use crate::ctx::Ctx;
use crate::error::{sdk, Error, Result};
use crate::obj::{string_map, Obj, State};
use crate::DataSource;
use aws_sdk_ec2::types::SubnetCidrBlockStateCode;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct Subnet;

fn block() -> Block {
    let mut b = Block::new();
    for k in [
        "id",
        "availability_zone",
        "availability_zone_id",
        "cidr_block",
        "ipv6_cidr_block",
        "state",
        "vpc_id",
    ] {
        b = b.attr(k, Attribute::optional_computed(Type::String));
    }
    for k in [
        "arn",
        "customer_owned_ipv4_pool",
        "ipv6_cidr_block_association_id",
        "outpost_arn",
        "owner_id",
        "private_dns_hostname_type_on_launch",
    ] {
        b = b.attr(k, Attribute::computed(Type::String));
    }
    for k in [
        "assign_ipv6_address_on_creation",
        "enable_dns64",
        "enable_resource_name_dns_a_record_on_launch",
        "enable_resource_name_dns_aaaa_record_on_launch",
        "ipv6_native",
        "map_customer_owned_ip_on_launch",
        "map_public_ip_on_launch",
    ] {
        b = b.attr(k, Attribute::computed(Type::Bool));
    }
    timeouts_block(
        filter_block(
            b.attr("default_for_az", Attribute::optional_computed(Type::Bool))
                .attr(
                    "tags",
                    Attribute::optional_computed(Type::map(Type::String)),
                )
                .attr(
                    "available_ip_address_count",
                    Attribute::computed(Type::Number),
                )
                .attr(
                    "enable_lni_at_device_index",
                    Attribute::computed(Type::Number),
                ),
        ),
        &["read"],
    )
}

impl DataSource for Subnet {
    fn name(&self) -> &'static str {
        "aws_subnet"
    }
    fn schema(&self) -> Schema {
        Schema::new(block())
    }
    fn read(&self, c: &Ctx, config: &Value) -> Result<Value> {
        let o = Obj(config);
        let mut fs = Vec::new();
        for (arg, name) in [
            ("availability_zone", "availability-zone"),
            ("availability_zone_id", "availability-zone-id"),
            ("cidr_block", "cidr-block"),
            (
                "ipv6_cidr_block",
                "ipv6-cidr-block-association.ipv6-cidr-block",
            ),
            ("state", "state"),
            ("vpc_id", "vpc-id"),
        ] {
            if let Some(v) = o.str(arg) {
                fs.push(filter(name, v));
            }
        }
        if let Some(d) = o.bool("default_for_az") {
            fs.push(filter("default-for-az", d.to_string()));
        }
        fs.extend(tag_filters(&o));
        fs.extend(filters(&o));
        let mut req = c
            .ec2()
            .describe_subnets()
            .set_filters(Some(fs).filter(|f| !f.is_empty()));
        if let Some(id) = o.str("id") {
            req = req.subnet_ids(id);
        }
        let out = c.run(req.send()).map_err(|e| {
            let e = sdk("ec2:DescribeSubnets", e);
            if e.is_not_found() {
                Error::new("no matching EC2 Subnet found", "")
            } else {
                e.context("reading EC2 Subnet")
            }
        })?;
        let s = match out.subnets() {
            [s] => s,
            [] => return Err(Error::new("no matching EC2 Subnet found", "")),
            _ => {
                return Err(Error::new(
                    "multiple EC2 Subnets matched; use additional constraints to reduce matches to a single EC2 Subnet",
                    "",
                ))
            }
        };
        let id = s.subnet_id().unwrap_or_default().to_string();
        let owner = s.owner_id().unwrap_or_default().to_string();
        let arn = s.subnet_arn().map(String::from).unwrap_or_else(|| {
            format!("arn:{}:ec2:{}:{owner}:subnet/{id}", c.partition(), c.region)
        });
        let ipv6 = s.ipv6_cidr_block_association_set().iter().find(|a| {
            a.ipv6_cidr_block_state()
                .and_then(|st| st.state())
                .is_some_and(|st| *st == SubnetCidrBlockStateCode::Associated)
        });
        let dns = s.private_dns_name_options_on_launch();
        Ok(State::from(&block(), config)
            .set("id", id)
            .set("arn", arn)
            .set(
                "assign_ipv6_address_on_creation",
                s.assign_ipv6_address_on_creation().unwrap_or(false),
            )
            .set("availability_zone", s.availability_zone().map(String::from))
            .set(
                "availability_zone_id",
                s.availability_zone_id().map(String::from),
            )
            .set(
                "available_ip_address_count",
                s.available_ip_address_count().map(i64::from),
            )
            .set("cidr_block", s.cidr_block().map(String::from))
            .set(
                "customer_owned_ipv4_pool",
                s.customer_owned_ipv4_pool().unwrap_or_default(),
            )
            .set("default_for_az", s.default_for_az().unwrap_or(false))
            .set("enable_dns64", s.enable_dns64().unwrap_or(false))
            .set(
                "enable_lni_at_device_index",
                i64::from(s.enable_lni_at_device_index().unwrap_or(0)),
            )
            .set(
                "enable_resource_name_dns_a_record_on_launch",
                dns.and_then(|d| d.enable_resource_name_dns_a_record())
                    .unwrap_or(false),
            )
            .set(
                "enable_resource_name_dns_aaaa_record_on_launch",
                dns.and_then(|d| d.enable_resource_name_dns_aaaa_record())
                    .unwrap_or(false),
            )
            .set(
                "ipv6_cidr_block",
                ipv6.and_then(|a| a.ipv6_cidr_block()).unwrap_or_default(),
            )
            .set(
                "ipv6_cidr_block_association_id",
                ipv6.and_then(|a| a.association_id()).unwrap_or_default(),
            )
            .set("ipv6_native", s.ipv6_native().unwrap_or(false))
            .set(
                "map_customer_owned_ip_on_launch",
                s.map_customer_owned_ip_on_launch().unwrap_or(false),
            )
            .set(
                "map_public_ip_on_launch",
                s.map_public_ip_on_launch().unwrap_or(false),
            )
            .set("outpost_arn", s.outpost_arn().unwrap_or_default())
            .set("owner_id", owner)
            .set(
                "private_dns_hostname_type_on_launch",
                dns.and_then(|d| d.hostname_type())
                    .map(|h| h.as_str().to_string())
                    .unwrap_or_default(),
            )
            .set("state", s.state().map(|st| st.as_str().to_string()))
            .set("tags", string_map(c.visible_tags(tag_map(s.tags()))))
            .set("vpc_id", s.vpc_id().map(String::from))
            .build())
    }
}
