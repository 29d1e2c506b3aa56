//! Every resource and data source of the provider: one line each.

use crate::service::*;
use crate::{DataSource, Resource};

pub fn resources() -> Vec<Box<dyn Resource>> {
    vec![
        Box::new(autoscaling::attachment::Attachment),
        Box::new(autoscaling::group::Group),
        Box::new(autoscaling::launch_configuration::LaunchConfiguration),
        Box::new(dynamodb::table::Table),
        Box::new(dynamodb::table_item::TableItem),
        Box::new(ec2::instance::Instance),
        Box::new(ec2::launch_template::LaunchTemplate),
        Box::new(s3::bucket::Bucket),
    ]
}

pub fn data_sources() -> Vec<Box<dyn DataSource>> {
    vec![
        Box::new(ec2::subnet_ids::SubnetIds),
        Box::new(ec2::subnets::Subnets),
        Box::new(ec2::vpc::Vpc),
        Box::new(sts::caller_identity::CallerIdentity),
        Box::new(sts::region::Region),
    ]
}
