//! Schema pieces shared by many resources, and the provider's own block.

use tfrs_provider::{Attribute, Block, Nesting, Type};

/// `tags` (optional map) and `tags_all` (computed: tags merged with the
/// provider's default_tags).
pub fn with_tags(b: Block) -> Block {
    b.attr("tags", Attribute::optional(Type::map(Type::String)))
        .attr(
            "tags_all",
            Attribute::optional_computed(Type::map(Type::String)),
        )
}

pub fn computed_id(b: Block) -> Block {
    b.attr("id", Attribute::computed(Type::String))
}

/// Services whose endpoints the `endpoints` block can override.
pub const ENDPOINT_SERVICES: &[&str] = &[
    "acm",
    "apigateway",
    "autoscaling",
    "cloudfront",
    "dynamodb",
    "ec2",
    "elasticbeanstalk",
    "elb",
    "elbv2",
    "iam",
    "lambda",
    "route53",
    "s3",
    "sts",
];

/// The `provider "aws"` block.
pub fn provider_block() -> Block {
    let mut endpoints = Block::new();
    for s in ENDPOINT_SERVICES {
        endpoints = endpoints.attr(s, Attribute::optional(Type::String));
    }
    Block::new()
        .attr("region", Attribute::optional(Type::String))
        .attr("profile", Attribute::optional(Type::String))
        .attr("access_key", Attribute::optional(Type::String))
        .attr("secret_key", Attribute::optional(Type::String).sensitive())
        .attr("token", Attribute::optional(Type::String).sensitive())
        .attr(
            "shared_config_files",
            Attribute::optional(Type::list(Type::String)),
        )
        .attr(
            "shared_credentials_files",
            Attribute::optional(Type::list(Type::String)),
        )
        .attr("s3_use_path_style", Attribute::optional(Type::Bool))
        .attr(
            "s3_force_path_style",
            Attribute::optional(Type::Bool).deprecated("Use s3_use_path_style instead."),
        )
        .attr(
            "skip_credentials_validation",
            Attribute::optional(Type::Bool),
        )
        .attr("skip_metadata_api_check", Attribute::optional(Type::String))
        .attr("skip_region_validation", Attribute::optional(Type::Bool))
        .attr(
            "skip_requesting_account_id",
            Attribute::optional(Type::Bool),
        )
        .attr("max_retries", Attribute::optional(Type::Number))
        .attr(
            "allowed_account_ids",
            Attribute::optional(Type::set(Type::String)),
        )
        .attr(
            "forbidden_account_ids",
            Attribute::optional(Type::set(Type::String)),
        )
        .attr("insecure", Attribute::optional(Type::Bool))
        .attr("http_proxy", Attribute::optional(Type::String))
        .attr("retry_mode", Attribute::optional(Type::String))
        .block(
            "assume_role",
            Nesting::List,
            Block::new()
                .attr("role_arn", Attribute::optional(Type::String))
                .attr("session_name", Attribute::optional(Type::String))
                .attr("external_id", Attribute::optional(Type::String))
                .attr("duration", Attribute::optional(Type::String))
                .attr("policy", Attribute::optional(Type::String)),
        )
        .block("endpoints", Nesting::Set, endpoints)
        .block(
            "default_tags",
            Nesting::List,
            Block::new().attr("tags", Attribute::optional(Type::map(Type::String))),
        )
        .block(
            "ignore_tags",
            Nesting::List,
            Block::new()
                .attr("keys", Attribute::optional(Type::set(Type::String)))
                .attr("key_prefixes", Attribute::optional(Type::set(Type::String))),
        )
}
