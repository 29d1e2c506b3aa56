//! Amazon EC2 (VPC networking, instances, launch templates).

pub mod compute_shared;
pub mod instance;
pub mod launch_template;
pub mod subnet_ids;
pub mod subnets;
pub mod user_data;
pub mod vpc;

use aws_sdk_ec2::types::Filter;
use tfrs_provider::{Attribute, Block, Nesting, Type};

/// The `filter { name, values }` blocks of EC2 data sources.
pub fn filter_block(b: Block) -> Block {
    b.block(
        "filter",
        Nesting::Set,
        Block::new()
            .attr("name", Attribute::required(Type::String))
            .attr("values", Attribute::required(Type::set(Type::String))),
    )
}

pub fn filters(o: &crate::obj::Obj) -> Vec<Filter> {
    o.blocks("filter")
        .iter()
        .map(|f| {
            Filter::builder()
                .name(f.req("name"))
                .set_values(Some(f.list_str("values")))
                .build()
        })
        .collect()
}

/// Tags as EC2 filters (`tag:Name` = value).
pub fn tag_filters(o: &crate::obj::Obj) -> Vec<Filter> {
    o.map_str("tags")
        .into_iter()
        .map(|(k, v)| Filter::builder().name(format!("tag:{k}")).values(v).build())
        .collect()
}
