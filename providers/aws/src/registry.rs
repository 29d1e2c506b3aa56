//! Every resource and data source of the provider: one line each.

use crate::service::*;
use crate::{DataSource, Resource};

pub fn resources() -> Vec<Box<dyn Resource>> {
    vec![
        Box::new(dynamodb::table::Table),
        Box::new(dynamodb::table_item::TableItem),
        Box::new(iam::instance_profile::InstanceProfile),
        Box::new(iam::policy::Policy),
        Box::new(iam::role::Role),
        Box::new(iam::role_policy::RolePolicy),
        Box::new(iam::role_policy_attachment::RolePolicyAttachment),
        Box::new(s3::bucket::Bucket),
        Box::new(s3::object::Object),
    ]
}

pub fn data_sources() -> Vec<Box<dyn DataSource>> {
    vec![
        Box::new(ec2::subnet_ids::SubnetIds),
        Box::new(ec2::subnets::Subnets),
        Box::new(ec2::vpc::Vpc),
        Box::new(iam::instance_profile_data_source::InstanceProfileDataSource),
        Box::new(iam::policy_document::PolicyDocument),
        Box::new(iam::role_data_source::RoleDataSource),
        Box::new(sts::caller_identity::CallerIdentity),
        Box::new(sts::region::Region),
    ]
}
