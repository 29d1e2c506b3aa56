//! The configured provider: one AWS SDK configuration, clients built on
//! first use, and the runtime the SDK's futures run on.
//!
//! Endpoints and credentials come from the provider block when it sets
//! them and from the standard AWS environment otherwise (`AWS_PROFILE`,
//! `AWS_REGION`, `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_<SERVICE>`, the
//! credential chain). S3 uses path-style addressing when asked, or when its
//! endpoint is a local address (an emulator), where virtual-host style
//! cannot resolve.

use crate::error::{sdk, Error, Result};
use crate::obj::Obj;
use aws_config::BehaviorVersion;
use aws_types::region::Region;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::OnceLock;
use tfrs_provider::Value;

pub struct Ctx {
    rt: tokio::runtime::Runtime,
    pub sdk: aws_types::SdkConfig,
    pub region: String,
    endpoints: BTreeMap<String, String>,
    s3_path_style: bool,
    pub default_tags: BTreeMap<String, String>,
    pub ignore_tag_keys: Vec<String>,
    pub ignore_tag_prefixes: Vec<String>,
    account: OnceLock<std::result::Result<String, String>>,
    clients: Clients,
}

#[derive(Default)]
struct Clients {
    sts: OnceLock<aws_sdk_sts::Client>,
    ec2: OnceLock<aws_sdk_ec2::Client>,
    autoscaling: OnceLock<aws_sdk_autoscaling::Client>,
    elbv2: OnceLock<aws_sdk_elasticloadbalancingv2::Client>,
    s3: OnceLock<aws_sdk_s3::Client>,
    dynamodb: OnceLock<aws_sdk_dynamodb::Client>,
    iam: OnceLock<aws_sdk_iam::Client>,
    lambda: OnceLock<aws_sdk_lambda::Client>,
    apigateway: OnceLock<aws_sdk_apigateway::Client>,
    cloudfront: OnceLock<aws_sdk_cloudfront::Client>,
    route53: OnceLock<aws_sdk_route53::Client>,
    acm: OnceLock<aws_sdk_acm::Client>,
    elasticbeanstalk: OnceLock<aws_sdk_elasticbeanstalk::Client>,
}

/// Builds a service client with the provider's endpoint override, if any.
macro_rules! client {
    ($name:ident, $krate:ident, $key:literal) => {
        pub fn $name(&self) -> &$krate::Client {
            self.clients.$name.get_or_init(|| {
                let mut b = $krate::config::Builder::from(&self.sdk);
                if let Some(url) = self.endpoints.get($key) {
                    b = b.endpoint_url(url);
                }
                $krate::Client::from_conf(b.build())
            })
        }
    };
}

fn is_local_endpoint(url: &str) -> bool {
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or(url)
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    host == "localhost" || host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[')
}

impl Ctx {
    pub fn configure(config: &Value) -> Result<Ctx> {
        let c = Obj(config);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| Error::new("Failed to start the AWS runtime", e.to_string()))?;
        let region = c
            .string("region")
            .or_else(|| std::env::var("AWS_REGION").ok())
            .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok());
        let mut endpoints = BTreeMap::new();
        for e in c.blocks("endpoints") {
            if let Some(m) = e.value().entries() {
                for (k, v) in m {
                    if let Some(url) = v.as_str() {
                        endpoints.insert(k.clone(), url.to_string());
                    }
                }
            }
        }
        let sdk = rt.block_on(async {
            let mut loader = aws_config::defaults(BehaviorVersion::latest());
            if let Some(r) = &region {
                loader = loader.region(Region::new(r.clone()));
            }
            if let Some(p) = c.str("profile") {
                loader = loader.profile_name(p);
            }
            if let (Some(ak), Some(sk)) = (c.string("access_key"), c.string("secret_key")) {
                loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                    ak,
                    sk,
                    c.string("token"),
                    None,
                    "tfrs-provider-config",
                ));
            }
            let cfg_files = c.list_str("shared_config_files");
            let cred_files = c.list_str("shared_credentials_files");
            if !cfg_files.is_empty() || !cred_files.is_empty() {
                let mut pf = aws_runtime::env_config::file::EnvConfigFiles::builder();
                for f in &cfg_files {
                    pf = pf.with_file(aws_runtime::env_config::file::EnvConfigFileKind::Config, f);
                }
                for f in &cred_files {
                    pf = pf.with_file(
                        aws_runtime::env_config::file::EnvConfigFileKind::Credentials,
                        f,
                    );
                }
                loader = loader.profile_files(pf.build());
            }
            if let Some(n) = c.i64("max_retries") {
                loader = loader.retry_config(
                    aws_config::retry::RetryConfig::standard()
                        .with_max_attempts((n.max(0) + 1) as u32),
                );
            }
            let base = loader.load().await;
            match c.block("assume_role").and_then(|a| a.string("role_arn")) {
                Some(role) => {
                    let ar = c.block("assume_role").expect("checked above");
                    let mut b = aws_config::sts::AssumeRoleProvider::builder(role).configure(&base);
                    if let Some(s) = ar.string("session_name") {
                        b = b.session_name(s);
                    }
                    if let Some(x) = ar.string("external_id") {
                        b = b.external_id(x);
                    }
                    let provider = b.build().await;
                    base.into_builder()
                        .credentials_provider(
                            aws_credential_types::provider::SharedCredentialsProvider::new(
                                provider,
                            ),
                        )
                        .build()
                }
                None => base,
            }
        });
        let region = sdk.region().map(|r| r.to_string()).unwrap_or_default();
        if region.is_empty() {
            return Err(Error::new(
                "Missing region",
                "The AWS provider needs a region: set region in the provider block, or AWS_REGION in the environment.",
            ));
        }
        let s3_endpoint = endpoints
            .get("s3")
            .cloned()
            .or_else(|| std::env::var("AWS_ENDPOINT_URL_S3").ok())
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok());
        let s3_path_style = c.flag("s3_use_path_style")
            || c.flag("s3_force_path_style")
            || s3_endpoint.as_deref().is_some_and(is_local_endpoint);
        let mut default_tags = BTreeMap::new();
        for d in c.blocks("default_tags") {
            default_tags.extend(d.map_str("tags"));
        }
        let (mut ignore_tag_keys, mut ignore_tag_prefixes) = (Vec::new(), Vec::new());
        for i in c.blocks("ignore_tags") {
            ignore_tag_keys.extend(i.list_str("keys"));
            ignore_tag_prefixes.extend(i.list_str("key_prefixes"));
        }
        Ok(Ctx {
            rt,
            sdk,
            region,
            endpoints,
            s3_path_style,
            default_tags,
            ignore_tag_keys,
            ignore_tag_prefixes,
            account: OnceLock::new(),
            clients: Clients::default(),
        })
    }

    /// Runs an SDK future to completion on the provider's runtime.
    pub fn run<F: Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    client!(sts, aws_sdk_sts, "sts");
    client!(ec2, aws_sdk_ec2, "ec2");
    client!(autoscaling, aws_sdk_autoscaling, "autoscaling");
    client!(elbv2, aws_sdk_elasticloadbalancingv2, "elbv2");
    client!(dynamodb, aws_sdk_dynamodb, "dynamodb");
    client!(iam, aws_sdk_iam, "iam");
    client!(lambda, aws_sdk_lambda, "lambda");
    client!(apigateway, aws_sdk_apigateway, "apigateway");
    client!(cloudfront, aws_sdk_cloudfront, "cloudfront");
    client!(route53, aws_sdk_route53, "route53");
    client!(acm, aws_sdk_acm, "acm");
    client!(
        elasticbeanstalk,
        aws_sdk_elasticbeanstalk,
        "elasticbeanstalk"
    );

    pub fn s3(&self) -> &aws_sdk_s3::Client {
        self.clients.s3.get_or_init(|| {
            let mut b =
                aws_sdk_s3::config::Builder::from(&self.sdk).force_path_style(self.s3_path_style);
            if let Some(url) = self.endpoints.get("s3") {
                b = b.endpoint_url(url);
            }
            aws_sdk_s3::Client::from_conf(b.build())
        })
    }

    /// The account the credentials belong to (STS GetCallerIdentity, once).
    pub fn account_id(&self) -> Result<String> {
        self.account
            .get_or_init(|| {
                self.run(async {
                    self.sts()
                        .get_caller_identity()
                        .send()
                        .await
                        .map(|o| o.account().unwrap_or_default().to_string())
                        .map_err(|e| sdk("sts:GetCallerIdentity", e).detail)
                })
            })
            .clone()
            .map_err(|d| Error::new("Failed to get the account ID", d))
    }

    /// The partition of the region (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn partition(&self) -> &'static str {
        if self.region.starts_with("cn-") {
            "aws-cn"
        } else if self.region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        }
    }

    /// Resource tags merged with the provider's `default_tags` (`tags_all`).
    pub fn tags_all(&self, tags: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut all = self.default_tags.clone();
        all.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        all
    }

    /// Tags AWS reports, without those `ignore_tags` hides.
    pub fn visible_tags(&self, tags: BTreeMap<String, String>) -> BTreeMap<String, String> {
        tags.into_iter()
            .filter(|(k, _)| {
                !self.ignore_tag_keys.contains(k)
                    && !self.ignore_tag_prefixes.iter().any(|p| k.starts_with(p))
            })
            .collect()
    }
}
