//! Every resource and data source of the provider: one line each.

use crate::service::*;
use crate::{DataSource, Resource};

pub fn resources() -> Vec<Box<dyn Resource>> {
    vec![
        Box::new(apigateway::deployment::Deployment),
        Box::new(apigateway::integration::Integration),
        Box::new(apigateway::integration_response::IntegrationResponse),
        Box::new(apigateway::method::Method),
        Box::new(apigateway::method_response::MethodResponse),
        Box::new(apigateway::method_settings::MethodSettings),
        Box::new(apigateway::resource::Resource),
        Box::new(apigateway::rest_api::RestApi),
        Box::new(apigateway::stage::Stage),
        Box::new(autoscaling::attachment::Attachment),
        Box::new(autoscaling::group::Group),
        Box::new(autoscaling::launch_configuration::LaunchConfiguration),
        Box::new(dynamodb::table::Table),
        Box::new(dynamodb::table_item::TableItem),
        Box::new(ec2::instance::Instance),
        Box::new(ec2::launch_template::LaunchTemplate),
        Box::new(elasticbeanstalk::application::Application),
        Box::new(elasticbeanstalk::application_version::ApplicationVersion),
        Box::new(elasticbeanstalk::environment::Environment),
        Box::new(elbv2::listener::Listener("aws_alb_listener")),
        Box::new(elbv2::listener::Listener("aws_lb_listener")),
        Box::new(elbv2::listener_rule::ListenerRule("aws_alb_listener_rule")),
        Box::new(elbv2::listener_rule::ListenerRule("aws_lb_listener_rule")),
        Box::new(elbv2::load_balancer::LoadBalancer("aws_alb")),
        Box::new(elbv2::load_balancer::LoadBalancer("aws_lb")),
        Box::new(elbv2::target_group::TargetGroup("aws_alb_target_group")),
        Box::new(elbv2::target_group::TargetGroup("aws_lb_target_group")),
        Box::new(elbv2::target_group_attachment::TargetGroupAttachment(
            "aws_alb_target_group_attachment",
        )),
        Box::new(elbv2::target_group_attachment::TargetGroupAttachment(
            "aws_lb_target_group_attachment",
        )),
        Box::new(ec2::key_pair::KeyPair),
        Box::new(ec2::security_group::SecurityGroup),
        Box::new(ec2::security_group_rule::SecurityGroupRule),
        Box::new(ec2::vpc_security_group_egress_rule::VpcSecurityGroupEgressRule),
        Box::new(ec2::vpc_security_group_ingress_rule::VpcSecurityGroupIngressRule),
        Box::new(iam::instance_profile::InstanceProfile),
        Box::new(iam::policy::Policy),
        Box::new(iam::role::Role),
        Box::new(iam::role_policy::RolePolicy),
        Box::new(iam::role_policy_attachment::RolePolicyAttachment),
        Box::new(lambda::function::Function),
        Box::new(lambda::layer_version::LayerVersion),
        Box::new(lambda::permission::Permission),
        Box::new(s3::bucket::Bucket),
        Box::new(s3::bucket_ownership_controls::BucketOwnershipControls),
        Box::new(s3::bucket_policy::BucketPolicy),
        Box::new(s3::bucket_public_access_block::BucketPublicAccessBlock),
        Box::new(s3::bucket_website_configuration::BucketWebsiteConfiguration),
        Box::new(s3::object::Object),
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
        Box::new(elasticbeanstalk::hosted_zone::HostedZone),
        Box::new(elasticbeanstalk::solution_stack::SolutionStack),
        Box::new(iam::instance_profile_data_source::InstanceProfileDataSource),
        Box::new(iam::policy_document::PolicyDocument),
        Box::new(iam::role_data_source::RoleDataSource),
        Box::new(s3::bucket_data_source::BucketDataSource),
        Box::new(s3::object_data_source::ObjectDataSource),
        Box::new(sts::caller_identity::CallerIdentity),
        Box::new(sts::region::Region),
    ]
}
