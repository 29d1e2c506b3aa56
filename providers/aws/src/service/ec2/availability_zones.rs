//! data aws_availability_zones

use super::{filter, filter_block, filters, timeouts_block};
use crate::ctx::Ctx;
use crate::error::{sdk, Result};
use crate::obj::{Obj, State};
use crate::DataSource;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct AvailabilityZones;

fn block() -> Block {
    timeouts_block(
        filter_block(
            Block::new()
                .attr("id", Attribute::optional_computed(Type::String))
                .attr("all_availability_zones", Attribute::optional(Type::Bool))
                .attr(
                    "exclude_names",
                    Attribute::optional(Type::set(Type::String)),
                )
                .attr(
                    "exclude_zone_ids",
                    Attribute::optional(Type::set(Type::String)),
                )
                .attr("state", Attribute::optional(Type::String))
                .attr("group_names", Attribute::computed(Type::set(Type::String)))
                .attr("names", Attribute::computed(Type::list(Type::String)))
                .attr("zone_ids", Attribute::computed(Type::list(Type::String))),
        ),
        &["read"],
    )
}

impl DataSource for AvailabilityZones {
    fn name(&self) -> &'static str {
        "aws_availability_zones"
    }
    fn schema(&self) -> Schema {
        Schema::new(block())
    }
    fn read(&self, c: &Ctx, config: &Value) -> Result<Value> {
        let o = Obj(config);
        let mut fs = filters(&o);
        if let Some(s) = o.str("state") {
            fs.push(filter("state", s));
        }
        let out = c
            .run(
                c.ec2()
                    .describe_availability_zones()
                    .set_all_availability_zones(o.bool("all_availability_zones"))
                    .set_filters(Some(fs).filter(|f| !f.is_empty()))
                    .send(),
            )
            .map_err(|e| {
                sdk("ec2:DescribeAvailabilityZones", e).context("reading EC2 Availability Zones")
            })?;
        let (exclude_names, exclude_ids) =
            (o.list_str("exclude_names"), o.list_str("exclude_zone_ids"));
        let mut zones: Vec<_> = out
            .availability_zones()
            .iter()
            .filter(|z| {
                !z.zone_name()
                    .is_some_and(|n| exclude_names.iter().any(|x| x == n))
                    && !z
                        .zone_id()
                        .is_some_and(|n| exclude_ids.iter().any(|x| x == n))
            })
            .collect();
        zones.sort_by(|a, b| a.zone_name().cmp(&b.zone_name()));
        let strings =
            |f: &dyn Fn(&aws_sdk_ec2::types::AvailabilityZone) -> Option<&str>| -> Vec<Value> {
                zones
                    .iter()
                    .map(|z| Value::string(f(z).unwrap_or_default()))
                    .collect()
            };
        Ok(State::from(&block(), config)
            .set("id", c.region.clone())
            .set(
                "names",
                Value::List(Type::String, strings(&|z| z.zone_name())),
            )
            .set(
                "zone_ids",
                Value::List(Type::String, strings(&|z| z.zone_id())),
            )
            .set(
                "group_names",
                Value::set(Type::String, strings(&|z| z.group_name())),
            )
            .build())
    }
}
