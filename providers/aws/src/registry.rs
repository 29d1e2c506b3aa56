//! Every resource and data source of the provider: one line each.

use crate::service::*;
use crate::{DataSource, Resource};

pub fn resources() -> Vec<Box<dyn Resource>> {
    vec![
        Box::new(dynamodb::table::Table),
        Box::new(dynamodb::table_item::TableItem),
        Box::new(ec2::key_pair::KeyPair),
        Box::new(ec2::security_group::SecurityGroup),
        Box::new(ec2::security_group_rule::SecurityGroupRule),
        Box::new(ec2::vpc_security_group_egress_rule::VpcSecurityGroupEgressRule),
        Box::new(ec2::vpc_security_group_ingress_rule::VpcSecurityGroupIngressRule),
        Box::new(s3::bucket::Bucket),
    ]
}

pub fn data_sources() -> Vec<Box<dyn DataSource>> {
    vec![
        Box::new(ec2::ami::Ami),
        Box::new(ec2::availability_zones::AvailabilityZones),
        Box::new(ec2::security_group_data_source::SecurityGroupDataSource),
        Box::new(ec2::subnet::Subnet),
        Box::new(ec2::subnet_ids::SubnetIds),
        Box::new(ec2::subnets::Subnets),
        Box::new(ec2::vpc::Vpc),
        Box::new(sts::caller_identity::CallerIdentity),
        Box::new(sts::region::Region),
    ]
}
