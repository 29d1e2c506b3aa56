//! Terraform's `backend "s3"` (v1.11): state objects in an S3 bucket,
//! locked with an S3 lock file (`use_lockfile`) and/or a DynamoDB item
//! (`dynamodb_table`), laid out exactly as Terraform lays them out so that
//! tfrs and terraform can share a bucket, a state and its locks.
//!
//! - The default workspace's state is the object `key`; another
//!   workspace's is `<workspace_key_prefix>/<name>/<key>` (prefix `env:`
//!   by default), and the workspace list is what ListObjectsV2 finds under
//!   the prefix.
//! - The lock file is the state object's key plus `.tflock`, written with
//!   `If-None-Match: *` so only one writer can create it.
//! - The DynamoDB lock is the item `LockID = "<bucket>/<state key>"` with
//!   the lock information as `Info`, put on condition
//!   `attribute_not_exists(LockID)`. The item `"<bucket>/<state key>-md5"`
//!   holds the MD5 of the last state written; a read whose object does not
//!   match it retries for ten seconds, then fails with Terraform's error.
//!
//! Settings come from the block and, where it leaves them out, from the
//! standard AWS environment (`AWS_REGION`, `AWS_PROFILE`,
//! `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_S3`, the credential chain). S3
//! uses path-style addressing when asked (`use_path_style`) or when its
//! endpoint is a local address (an emulator), as the provider does.

use crate::obj::Obj;
use aws_config::BehaviorVersion;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_types::region::Region;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tfrs_provider::provider::{has_errors, Diags};
use tfrs_provider::storage::{
    LockError, LockInfo, RemoteBackend, StateStorage, StorageError, DEFAULT_WORKSPACE,
};
use tfrs_provider::{AttrPath, Attribute, Block, Diag, Type, Value};

/// The S3 backend type, registered by the `tfrs` program.
pub struct S3Backend;

pub static S3: S3Backend = S3Backend;

/// Terraform's default `workspace_key_prefix`.
pub const DEFAULT_WORKSPACE_KEY_PREFIX: &str = "env:";
/// What Terraform appends to a state key for its lock file.
pub const LOCK_FILE_SUFFIX: &str = ".tflock";
/// What Terraform appends to the lock ID for the state digest item.
pub const DIGEST_SUFFIX: &str = "-md5";
/// How long a read waits for S3 to return the state the digest names.
const CONSISTENCY_RETRY_TIMEOUT: Duration = Duration::from_secs(10);
const CONSISTENCY_RETRY_POLL: Duration = Duration::from_secs(2);

impl RemoteBackend for S3Backend {
    fn name(&self) -> &'static str {
        "s3"
    }
    fn schema(&self) -> Block {
        schema()
    }
    fn prepare(&self, config: &Value) -> Diags {
        prepare(config)
    }
    fn configure(&self, config: &Value) -> Result<(Arc<dyn StateStorage>, Diags), Diags> {
        let (storage, diags) = S3Storage::configure(config)?;
        Ok((Arc::new(storage), diags))
    }
}

// ---------------------------------------------------------------------------
// Schema

/// An object type whose attributes other than `required` may be absent
/// (Terraform's nested attribute types).
fn object_type(attrs: &[(&str, Type)], required: &[&str]) -> Type {
    let types: BTreeMap<String, Type> = attrs
        .iter()
        .map(|(k, t)| (k.to_string(), t.clone()))
        .collect();
    let optional: BTreeSet<String> = attrs
        .iter()
        .filter(|(k, _)| !required.contains(k))
        .map(|(k, _)| k.to_string())
        .collect();
    Type::Object(types, optional)
}

fn endpoints_type() -> Type {
    object_type(
        &[
            ("dynamodb", Type::String),
            ("iam", Type::String),
            ("s3", Type::String),
            ("sso", Type::String),
            ("sts", Type::String),
        ],
        &[],
    )
}

fn assume_role_type() -> Type {
    object_type(
        &[
            ("role_arn", Type::String),
            ("duration", Type::String),
            ("external_id", Type::String),
            ("policy", Type::String),
            ("policy_arns", Type::set(Type::String)),
            ("session_name", Type::String),
            ("source_identity", Type::String),
            ("tags", Type::map(Type::String)),
            ("transitive_tag_keys", Type::set(Type::String)),
        ],
        &["role_arn"],
    )
}

fn assume_role_with_web_identity_type() -> Type {
    object_type(
        &[
            ("role_arn", Type::String),
            ("duration", Type::String),
            ("policy", Type::String),
            ("policy_arns", Type::set(Type::String)),
            ("session_name", Type::String),
            ("web_identity_token", Type::String),
            ("web_identity_token_file", Type::String),
        ],
        &["role_arn"],
    )
}

/// Terraform v1.11's `ConfigSchema` of the S3 backend: the same attribute
/// names and types, so `.terraform/terraform.tfstate` and its hash come
/// out as Terraform writes them.
pub fn schema() -> Block {
    let s = || Attribute::optional(Type::String);
    let b = || Attribute::optional(Type::Bool);
    let set = || Attribute::optional(Type::set(Type::String));
    Block::new()
        .attr("bucket", Attribute::required(Type::String))
        .attr("key", Attribute::required(Type::String))
        .attr("region", s())
        .attr("allowed_account_ids", set())
        .attr("dynamodb_endpoint", s().deprecated("endpoints.dynamodb"))
        .attr("ec2_metadata_service_endpoint", s())
        .attr("ec2_metadata_service_endpoint_mode", s())
        .attr("endpoint", s().deprecated("endpoints.s3"))
        .attr("endpoints", Attribute::optional(endpoints_type()))
        .attr("forbidden_account_ids", set())
        .attr("iam_endpoint", s().deprecated("endpoints.iam"))
        .attr("sts_endpoint", s().deprecated("endpoints.sts"))
        .attr("sts_region", s())
        .attr("encrypt", b())
        .attr("acl", s())
        .attr("access_key", s())
        .attr("secret_key", s())
        .attr("kms_key_id", s())
        .attr("dynamodb_table", s().deprecated("use_lockfile"))
        .attr("use_lockfile", b())
        .attr("profile", s())
        .attr("retry_mode", s())
        .attr("shared_config_files", set())
        .attr(
            "shared_credentials_file",
            s().deprecated("shared_credentials_files"),
        )
        .attr("shared_credentials_files", set())
        .attr("token", s())
        .attr("skip_credentials_validation", b())
        .attr("skip_requesting_account_id", b())
        .attr("skip_metadata_api_check", b())
        .attr("skip_region_validation", b())
        .attr("skip_s3_checksum", b())
        .attr("sse_customer_key", s().sensitive())
        .attr("workspace_key_prefix", s())
        .attr("force_path_style", b().deprecated("use_path_style"))
        .attr("use_path_style", b())
        .attr("max_retries", Attribute::optional(Type::Number))
        .attr("assume_role", Attribute::optional(assume_role_type()))
        .attr(
            "assume_role_with_web_identity",
            Attribute::optional(assume_role_with_web_identity_type()),
        )
        .attr("custom_ca_bundle", s())
        .attr("http_proxy", s())
        .attr("https_proxy", s())
        .attr("no_proxy", s())
        .attr("insecure", b())
        .attr("use_fips_endpoint", b())
        .attr("use_dualstack_endpoint", b())
}

// ---------------------------------------------------------------------------
// PrepareConfig

fn attr_error(path: AttrPath, summary: &str, detail: impl Into<String>) -> Diag {
    Diag::error(summary, detail).at(path)
}

fn attr_warning(path: AttrPath, summary: &str, detail: impl Into<String>) -> Diag {
    Diag::warning(summary, detail).at(path)
}

fn required_error(name: &str) -> Diag {
    attr_error(
        AttrPath::attr(name),
        "Missing Required Value",
        format!("The attribute {name:?} is required by the backend.\n\nRefer to the backend documentation for additional information which attributes are required."),
    )
}

fn deprecated_warning(attr: &str, replacement: &str) -> Diag {
    attr_warning(
        AttrPath::attr(attr),
        "Deprecated Parameter",
        format!("The parameter \"{attr}\" is deprecated. Use parameter \"{replacement}\" instead."),
    )
}

fn conflict_error(a: &str, b: &str) -> Diag {
    Diag::error(
        "Invalid Attribute Combination",
        format!("Only one of {a}, {b} can be set."),
    )
}

/// Terraform's checks of an S3 backend configuration (`PrepareConfig`).
pub fn prepare(config: &Value) -> Diags {
    let c = Obj(config);
    let mut diags = Vec::new();
    match c.str("bucket") {
        None => diags.push(required_error("bucket")),
        Some(b) if b.trim().is_empty() => diags.push(attr_error(
            AttrPath::attr("bucket"),
            "Invalid Value",
            "The value cannot be empty or all whitespace",
        )),
        Some(_) => {}
    }
    match c.str("key") {
        None => diags.push(required_error("key")),
        Some(k) => {
            if k.trim().is_empty() {
                diags.push(attr_error(
                    AttrPath::attr("key"),
                    "Invalid Value",
                    "The value cannot be empty or all whitespace",
                ));
            } else if let Some(d) = s3_path_error("key", k) {
                diags.push(d);
            } else if k.contains("//") {
                diags.push(attr_error(
                    AttrPath::attr("key"),
                    "Invalid Value",
                    "Value must not contain \"//\"",
                ));
            }
        }
    }
    if c.str("region").is_none_or(str::is_empty)
        && env("AWS_REGION").is_none()
        && env("AWS_DEFAULT_REGION").is_none()
    {
        diags.push(attr_error(
            AttrPath::attr("region"),
            "Missing region value",
            "The \"region\" attribute or the \"AWS_REGION\" or \"AWS_DEFAULT_REGION\" environment variables must be set.",
        ));
    }
    if c.get("kms_key_id").is_some() && c.get("sse_customer_key").is_some() {
        diags.push(conflict_error("kms_key_id", "sse_customer_key"));
    }
    if let Some(k) = c.str("kms_key_id") {
        if let Some(d) = kms_key_error(k) {
            diags.push(d);
        }
    }
    if let Some(p) = c.str("workspace_key_prefix") {
        if let Some(d) = s3_path_error("workspace_key_prefix", p) {
            diags.push(d);
        }
    }
    for name in ["assume_role", "assume_role_with_web_identity"] {
        if let Some(ar) = c.block(name) {
            match ar.str("role_arn") {
                Some(arn) if arn.trim().is_empty() => diags.push(attr_error(
                    AttrPath::attr(name).then_attr("role_arn"),
                    "Invalid Value",
                    "The value cannot be empty or all whitespace",
                )),
                Some(arn) if !arn.starts_with("arn:") => diags.push(attr_error(
                    AttrPath::attr(name).then_attr("role_arn"),
                    "Invalid ARN",
                    format!("The value {arn:?} cannot be parsed as an ARN: arn: invalid prefix"),
                )),
                _ => {}
            }
            if let Some(d) = ar.str("duration") {
                match parse_go_duration(d) {
                    Some(t) if (900..=43200).contains(&t.as_secs()) => {}
                    Some(_) => diags.push(attr_error(
                        AttrPath::attr(name).then_attr("duration"),
                        "Invalid Duration",
                        "Duration must be between 15m0s and 12h0m0s, had ".to_string() + d,
                    )),
                    None => diags.push(attr_error(
                        AttrPath::attr(name).then_attr("duration"),
                        "Invalid Duration",
                        format!("The value {d:?} cannot be parsed as a duration"),
                    )),
                }
            }
        }
    }
    if c.get("shared_credentials_file").is_some() && c.get("shared_credentials_files").is_some() {
        diags.push(conflict_error(
            "shared_credentials_file",
            "shared_credentials_files",
        ));
    }
    if c.get("shared_credentials_file").is_some() {
        diags.push(deprecated_warning(
            "shared_credentials_file",
            "shared_credentials_files",
        ));
    }
    if c.get("dynamodb_table").is_some() {
        diags.push(deprecated_warning("dynamodb_table", "use_lockfile"));
    }
    let endpoints = c.block("endpoints");
    for (legacy, name) in [
        ("dynamodb_endpoint", "dynamodb"),
        ("endpoint", "s3"),
        ("iam_endpoint", "iam"),
        ("sts_endpoint", "sts"),
    ] {
        if c.get(legacy).is_some() {
            diags.push(deprecated_warning(legacy, &format!("endpoints.{name}")));
            if endpoints.and_then(|e| e.get(name)).is_some() {
                diags.push(Diag::error(
                    "Conflicting Parameters",
                    format!("The parameters \"{legacy}\" and \"endpoints.{name}\" cannot be configured together."),
                ));
            }
        }
    }
    if let Some(e) = endpoints {
        for name in ["dynamodb", "iam", "s3", "sts"] {
            if let Some(url) = e.str(name) {
                diags.extend(legacy_url_check(
                    AttrPath::attr("endpoints").then_attr(name),
                    url,
                ));
            }
        }
        if let Some(url) = e.str("sso") {
            if !is_complete_url(url) {
                diags.push(attr_error(
                    AttrPath::attr("endpoints").then_attr("sso"),
                    "Invalid Value",
                    format!("The value must be a valid URL containing at least a scheme and hostname. Had {url:?}"),
                ));
            }
        }
    }
    for legacy in [
        "dynamodb_endpoint",
        "endpoint",
        "iam_endpoint",
        "sts_endpoint",
    ] {
        if let Some(url) = c.str(legacy) {
            diags.extend(legacy_url_check(AttrPath::attr(legacy), url));
        }
    }
    if c.get("force_path_style").is_some() && c.get("use_path_style").is_some() {
        diags.push(conflict_error("force_path_style", "use_path_style"));
    }
    if c.get("force_path_style").is_some() {
        diags.push(deprecated_warning("force_path_style", "use_path_style"));
    }
    if let Some(mode) = c.str("retry_mode") {
        if mode != "standard" && mode != "adaptive" {
            diags.push(attr_error(
                AttrPath::attr("retry_mode"),
                "Invalid Value",
                format!("unknown RetryMode, {mode}"),
            ));
        }
    }
    if let Some(mode) = c.str("ec2_metadata_service_endpoint_mode") {
        if mode != "IPv4" && mode != "IPv6" {
            diags.push(attr_error(
                AttrPath::attr("ec2_metadata_service_endpoint_mode"),
                "Invalid Value",
                "Value must be one of [IPv4, IPv6]",
            ));
        }
    }
    if c.get("allowed_account_ids").is_some() && c.get("forbidden_account_ids").is_some() {
        diags.push(conflict_error(
            "allowed_account_ids",
            "forbidden_account_ids",
        ));
    }
    diags
}

/// S3 drops a leading slash and treats a trailing one as a directory, so
/// either would break the workspace layout.
fn s3_path_error(name: &str, v: &str) -> Option<Diag> {
    (v.starts_with('/') || v.ends_with('/')).then(|| {
        attr_error(
            AttrPath::attr(name),
            "Invalid Value",
            "The value must not start or end with \"/\"",
        )
    })
}

fn is_complete_url(url: &str) -> bool {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            !scheme.is_empty() && !rest.split(['/', '?', '#']).next().unwrap_or("").is_empty()
        }
        None => false,
    }
}

fn legacy_url_check(path: AttrPath, url: &str) -> Option<Diag> {
    (!is_complete_url(url)).then(|| {
        attr_warning(
            path,
            "Complete URL Expected",
            format!("The value should be a valid URL containing at least a scheme and hostname. Had {url:?}.\n\nUsing an incomplete URL, such as a hostname only, may work, but may have unexpected behavior."),
        )
    })
}

/// A key ID (UUID or multi-Region `mrk-` ID), an alias, or the ARN of
/// either, as Terraform accepts for `kms_key_id`.
fn kms_key_error(k: &str) -> Option<Diag> {
    let is_uuid = |s: &str| {
        let parts: Vec<&str> = s.split('-').collect();
        parts.len() == 5
            && [8, 4, 4, 4, 12].iter().zip(&parts).all(|(n, p)| {
                p.len() == *n
                    && p.bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            })
    };
    let is_mrk = |s: &str| {
        s.strip_prefix("mrk-").is_some_and(|h| {
            h.len() == 32
                && h.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
    };
    let is_alias = |s: &str| {
        s.strip_prefix("alias/").is_some_and(|a| {
            !a.is_empty()
                && a.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"/_-".contains(&b))
        })
    };
    if k.starts_with("arn:") {
        let resource = k.splitn(6, ':').nth(5).unwrap_or("");
        let ok = k.splitn(6, ':').count() == 6
            && (resource
                .strip_prefix("key/")
                .is_some_and(|id| is_uuid(id) || is_mrk(id))
                || is_alias(resource));
        return (!ok).then(|| {
            attr_error(
                AttrPath::attr("kms_key_id"),
                "Invalid KMS Key ARN",
                format!("Value must be a valid KMS Key ARN, got {k:?}"),
            )
        });
    }
    (!(is_uuid(k) || is_mrk(k) || is_alias(k))).then(|| {
        attr_error(
            AttrPath::attr("kms_key_id"),
            "Invalid KMS Key ID",
            format!("Value must be a valid KMS Key ID, got {k:?}"),
        )
    })
}

/// A Go duration made of whole hours, minutes and seconds (`1h30m`).
fn parse_go_duration(s: &str) -> Option<Duration> {
    let mut total = 0u64;
    let mut num = String::new();
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            num.push(ch);
            continue;
        }
        let n: u64 = num.parse().ok()?;
        num.clear();
        total += n * match ch {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
    }
    num.is_empty().then_some(Duration::from_secs(total))
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// Whether `region` is a name one of the AWS partitions uses.
fn known_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    if parts.len() < 3
        || !parts
            .last()
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let middle = &parts[1..parts.len() - 1];
    if middle
        .iter()
        .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return false;
    }
    matches!(
        parts[0],
        "us" | "eu" | "ap" | "sa" | "ca" | "me" | "af" | "il" | "mx" | "cn"
    )
}

/// Whether an endpoint is a local address (an emulator), where only
/// path-style S3 addressing resolves.
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

// ---------------------------------------------------------------------------
// Configure

/// The S3 backend's storage: one bucket, one state key, its locks.
pub struct S3Storage {
    rt: tokio::runtime::Runtime,
    s3: aws_sdk_s3::Client,
    dynamodb: aws_sdk_dynamodb::Client,
    bucket: String,
    key: String,
    workspace_key_prefix: String,
    encrypt: bool,
    kms_key_id: Option<String>,
    /// The SSE-C key, base64 as S3 wants it, and its MD5 (base64).
    customer_key: Option<(String, String)>,
    acl: Option<String>,
    ddb_table: Option<String>,
    use_lockfile: bool,
    skip_s3_checksum: bool,
}

/// An endpoint from the first place that sets it: an attribute path in the
/// configuration, or an environment variable.
fn endpoint(c: Obj<'_>, nested: &str, legacy: &str, envs: &[&str]) -> Option<String> {
    c.block("endpoints")
        .and_then(|e| e.string(nested))
        .or_else(|| c.string(legacy))
        .or_else(|| envs.iter().find_map(|e| env(e)))
}

impl S3Storage {
    /// Terraform's `Configure`: the SDK configuration, the clients, and
    /// (unless skipped) a credentials check with STS.
    pub fn configure(config: &Value) -> Result<(S3Storage, Diags), Diags> {
        let c = Obj(config);
        let mut diags: Diags = Vec::new();
        let region = c
            .string("region")
            .filter(|r| !r.is_empty())
            .or_else(|| env("AWS_REGION"))
            .or_else(|| env("AWS_DEFAULT_REGION"))
            .unwrap_or_default();
        if !region.is_empty() && !c.flag("skip_region_validation") && !known_region(&region) {
            return Err(vec![attr_error(
                AttrPath::attr("region"),
                "Invalid region value",
                format!("Invalid AWS Region: {region}"),
            )]);
        }
        if c.get("kms_key_id").is_some() && env("AWS_SSE_CUSTOMER_KEY").is_some() {
            diags.push(Diag::error(
                "Invalid encryption configuration",
                "Only one of \"kms_key_id\" and the environment variable \"AWS_SSE_CUSTOMER_KEY\" can be set.\n\nThe \"kms_key_id\" is used for encryption with KMS-Managed Keys (SSE-KMS)\nwhile \"AWS_SSE_CUSTOMER_KEY\" is used for encryption with customer-managed keys (SSE-C).\nPlease choose one or the other.",
            ));
        }
        let customer_key = match (c.string("sse_customer_key"), env("AWS_SSE_CUSTOMER_KEY")) {
            (Some(k), _) => customer_key(&k, Some(AttrPath::attr("sse_customer_key")), &mut diags),
            (None, Some(k)) => customer_key(&k, None, &mut diags),
            (None, None) => None,
        };
        for (old, new) in [
            ("AWS_DYNAMODB_ENDPOINT", "AWS_ENDPOINT_URL_DYNAMODB"),
            ("AWS_IAM_ENDPOINT", "AWS_ENDPOINT_URL_IAM"),
            ("AWS_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3"),
            ("AWS_STS_ENDPOINT", "AWS_ENDPOINT_URL_STS"),
            ("AWS_METADATA_URL", "AWS_EC2_METADATA_SERVICE_ENDPOINT"),
        ] {
            if env(old).is_some() {
                diags.push(Diag::warning(
                    "Deprecated Environment Variable",
                    format!("The environment variable \"{old}\" is deprecated. Use environment variable \"{new}\" instead."),
                ));
            }
        }
        if has_errors(&diags) {
            return Err(diags);
        }
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .map_err(|e| {
                vec![Diag::error(
                    "Failed to start the AWS runtime",
                    e.to_string(),
                )]
            })?;
        let s3_endpoint = endpoint(
            c,
            "s3",
            "endpoint",
            &["AWS_ENDPOINT_URL_S3", "AWS_S3_ENDPOINT"],
        );
        let dynamodb_endpoint = endpoint(
            c,
            "dynamodb",
            "dynamodb_endpoint",
            &["AWS_ENDPOINT_URL_DYNAMODB", "AWS_DYNAMODB_ENDPOINT"],
        );
        let sts_endpoint = endpoint(
            c,
            "sts",
            "sts_endpoint",
            &["AWS_ENDPOINT_URL_STS", "AWS_STS_ENDPOINT"],
        );
        let sdk = rt.block_on(load_sdk_config(c, &region, sts_endpoint.as_deref()));
        let path_style = match (c.bool("use_path_style"), c.bool("force_path_style")) {
            (Some(v), _) | (None, Some(v)) => v,
            (None, None) => s3_endpoint
                .clone()
                .or_else(|| env("AWS_ENDPOINT_URL"))
                .is_some_and(|u| is_local_endpoint(&u)),
        };
        let skip_s3_checksum = c.flag("skip_s3_checksum");
        let mut s3 = aws_sdk_s3::config::Builder::from(&sdk).force_path_style(path_style);
        if skip_s3_checksum {
            s3 = s3.request_checksum_calculation(
                aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired,
            );
        }
        if let Some(url) = &s3_endpoint {
            s3 = s3.endpoint_url(url);
        }
        let mut ddb = aws_sdk_dynamodb::config::Builder::from(&sdk);
        if let Some(url) = &dynamodb_endpoint {
            ddb = ddb.endpoint_url(url);
        }
        let mut sts = aws_sdk_sts::config::Builder::from(&sdk);
        if let Some(url) = &sts_endpoint {
            sts = sts.endpoint_url(url);
        }
        let sts = aws_sdk_sts::Client::from_conf(sts.build());
        let allowed = c.list_str("allowed_account_ids");
        let forbidden = c.list_str("forbidden_account_ids");
        let check_account = !allowed.is_empty() || !forbidden.is_empty();
        if !c.flag("skip_credentials_validation") || check_account {
            match rt.block_on(sts.get_caller_identity().send()) {
                Ok(out) => {
                    let account = out.account().unwrap_or_default();
                    if !allowed.is_empty() && !allowed.iter().any(|a| a == account) {
                        return Err(vec![Diag::error(
                            "Invalid account ID",
                            format!("AWS account ID not allowed: {account}"),
                        )]);
                    }
                    if forbidden.iter().any(|a| a == account) {
                        return Err(vec![Diag::error(
                            "Invalid account ID",
                            format!("AWS account ID not allowed: {account}"),
                        )]);
                    }
                }
                Err(e) => {
                    return Err(vec![Diag::error(
                        "Retrieving AWS account details: validating provider credentials",
                        format!(
                            "retrieving caller identity from STS: {}",
                            go_error("STS", "GetCallerIdentity", &e)
                        ),
                    )]);
                }
            }
        }
        let storage = S3Storage {
            s3: aws_sdk_s3::Client::from_conf(s3.build()),
            dynamodb: aws_sdk_dynamodb::Client::from_conf(ddb.build()),
            rt,
            bucket: c.string("bucket").unwrap_or_default(),
            key: c.string("key").unwrap_or_default(),
            workspace_key_prefix: c
                .string("workspace_key_prefix")
                .unwrap_or_else(|| DEFAULT_WORKSPACE_KEY_PREFIX.to_string()),
            encrypt: c.flag("encrypt"),
            kms_key_id: c.string("kms_key_id"),
            customer_key,
            acl: c.string("acl").filter(|a| !a.is_empty()),
            ddb_table: c.string("dynamodb_table").filter(|t| !t.is_empty()),
            use_lockfile: c.flag("use_lockfile"),
            skip_s3_checksum,
        };
        Ok((storage, diags))
    }
}

/// The SSE-C key: 44 characters of base64 (32 bytes).
fn customer_key(k: &str, path: Option<AttrPath>, diags: &mut Diags) -> Option<(String, String)> {
    use base64::Engine as _;
    let (summary, what) = match &path {
        Some(_) => (
            "Invalid sse_customer_key value",
            "sse_customer_key".to_string(),
        ),
        None => (
            "Invalid AWS_SSE_CUSTOMER_KEY value",
            "The environment variable \"AWS_SSE_CUSTOMER_KEY\"".to_string(),
        ),
    };
    let push = |diags: &mut Diags, detail: String| {
        let d = Diag::error(summary, detail);
        diags.push(match &path {
            Some(p) => d.at(p.clone()),
            None => d,
        });
    };
    if k.len() != 44 {
        push(diags, format!("{what} must be 44 characters in length"));
        return None;
    }
    match base64::engine::general_purpose::STANDARD.decode(k) {
        Ok(raw) => Some((
            k.to_string(),
            base64::engine::general_purpose::STANDARD.encode(md5(&raw)),
        )),
        Err(e) => {
            push(diags, format!("{what} must be base64 encoded: {e}"));
            None
        }
    }
}

async fn load_sdk_config(
    c: Obj<'_>,
    region: &str,
    sts_endpoint: Option<&str>,
) -> aws_types::SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if !region.is_empty() {
        loader = loader.region(Region::new(region.to_string()));
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
            "tfrs-s3-backend",
        ));
    }
    let cfg_files = c.list_str("shared_config_files");
    let mut cred_files = c.list_str("shared_credentials_files");
    if cred_files.is_empty() {
        cred_files.extend(c.string("shared_credentials_file"));
    }
    if !cfg_files.is_empty() || !cred_files.is_empty() {
        use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
        let mut files = EnvConfigFiles::builder();
        for f in &cfg_files {
            files = files.with_file(EnvConfigFileKind::Config, f);
        }
        for f in &cred_files {
            files = files.with_file(EnvConfigFileKind::Credentials, f);
        }
        loader = loader.profile_files(files.build());
    }
    // Terraform retries a failed call five times unless told otherwise.
    let retries = c.i64("max_retries").unwrap_or(5).max(0) as u32;
    loader = loader
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(retries + 1));
    let base = loader.load().await;
    let Some(ar) = c.block("assume_role") else {
        return base;
    };
    let Some(role) = ar.string("role_arn") else {
        return base;
    };
    let sts_base = match sts_endpoint {
        Some(url) => base.clone().into_builder().endpoint_url(url).build(),
        None => base.clone(),
    };
    let mut b = aws_config::sts::AssumeRoleProvider::builder(role).configure(&sts_base);
    if let Some(s) = ar.string("session_name") {
        b = b.session_name(s);
    }
    if let Some(x) = ar.string("external_id") {
        b = b.external_id(x);
    }
    if let Some(p) = ar.string("policy") {
        b = b.policy(p.trim().to_string());
    }
    let arns = ar.list_str("policy_arns");
    if !arns.is_empty() {
        b = b.policy_arns(arns);
    }
    if let Some(d) = ar.str("duration").and_then(parse_go_duration) {
        b = b.session_length(d);
    }
    let tags = ar.map_str("tags");
    if !tags.is_empty() {
        b = b.tags(tags);
    }
    let provider = b.build().await;
    base.into_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        )
        .build()
}

// ---------------------------------------------------------------------------
// Storage

/// Terraform's message for a bucket that does not exist.
fn no_such_bucket(bucket: &str, err: &str) -> String {
    format!("S3 bucket {bucket:?} does not exist.\n\nThe referenced S3 bucket must have been previously created. If the S3 bucket\nwas created within the last minute, please wait for a minute or two and try\nagain.\n\nError: {err}\n")
}

fn code_of<E: ProvideErrorMetadata>(e: &SdkError<E, HttpResponse>) -> Option<String> {
    match e {
        SdkError::ServiceError(s) => s
            .err()
            .code()
            .map(String::from)
            .or_else(|| (s.raw().status().as_u16() == 404).then(|| "NotFound".to_string())),
        _ => None,
    }
}

/// An SDK error as the AWS SDK for Go prints it, which is what Terraform
/// shows: `operation error DynamoDB: PutItem, https response error
/// StatusCode: 400, RequestID: ..., ConditionalCheckFailedException: The
/// conditional request failed`.
fn go_error<E>(service: &str, op: &str, e: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match e {
        SdkError::ServiceError(s) => {
            let raw = s.raw();
            let header = |name: &str| raw.headers().get(name).unwrap_or("").to_string();
            let request_id = match header("x-amz-request-id") {
                id if id.is_empty() => header("x-amzn-requestid"),
                id => id,
            };
            let mut out = format!(
                "operation error {service}: {op}, https response error StatusCode: {}, RequestID: {request_id}",
                raw.status().as_u16()
            );
            if service == "S3" {
                out.push_str(&format!(", HostID: {}", header("x-amz-id-2")));
            }
            let code = code_of(e).unwrap_or_else(|| "UnknownError".into());
            let message = s.err().message().unwrap_or("").to_string();
            // Errors the Go SDK models print as `Code: message`; others as
            // `api error Code: message`.
            let modeled = service == "DynamoDB"
                || matches!(code.as_str(), "NoSuchBucket" | "NoSuchKey" | "NotFound");
            out.push_str(", ");
            if !modeled {
                out.push_str("api error ");
            }
            out.push_str(&code);
            out.push_str(": ");
            out.push_str(&message);
            out
        }
        other => format!(
            "operation error {service}: {op}, {}",
            DisplayErrorContext(other)
        ),
    }
}

/// A lock file or DynamoDB `Info` as Go's `json.Unmarshal` reads it.
fn parse_lock_info(text: &str) -> Result<LockInfo, String> {
    if text.trim().is_empty() {
        return Err("unexpected end of JSON input".into());
    }
    LockInfo::from_json(text).map_err(|e| e.to_string())
}

impl S3Storage {
    fn run<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }

    /// The state object of a workspace (Terraform's `Backend.path`).
    pub fn state_key(&self, workspace: &str) -> String {
        state_key(&self.workspace_key_prefix, &self.key, workspace)
    }

    /// `<bucket>/<state key>`: the DynamoDB lock item and the lock's `Path`.
    fn lock_path(&self, workspace: &str) -> String {
        format!("{}/{}", self.bucket, self.state_key(workspace))
    }

    fn lock_file_key(&self, workspace: &str) -> String {
        self.state_key(workspace) + LOCK_FILE_SUFFIX
    }

    fn workspace_of(&self, object: &str) -> Option<String> {
        workspace_of(&self.workspace_key_prefix, &self.key, object)
    }

    /// Puts an object as Terraform puts states and lock files (JSON,
    /// SHA-256 checksum, encryption, ACL); the error as Go's SDK prints it.
    fn put_object(&self, key: &str, body: Vec<u8>, if_none_match: bool) -> Result<(), String> {
        use aws_sdk_s3::types::{ChecksumAlgorithm, ObjectCannedAcl, ServerSideEncryption};
        let mut req = self
            .s3
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type("application/json")
            .body(body.into());
        if if_none_match {
            req = req.if_none_match("*");
        }
        if !self.skip_s3_checksum {
            req = req.checksum_algorithm(ChecksumAlgorithm::Sha256);
        }
        if self.encrypt {
            if let Some(kms) = &self.kms_key_id {
                req = req
                    .ssekms_key_id(kms)
                    .server_side_encryption(ServerSideEncryption::AwsKms);
            } else if let Some((k, md5)) = &self.customer_key {
                req = req
                    .sse_customer_algorithm("AES256")
                    .sse_customer_key(k)
                    .sse_customer_key_md5(md5);
            } else {
                req = req.server_side_encryption(ServerSideEncryption::Aes256);
            }
        }
        if let Some(acl) = &self.acl {
            req = req.acl(ObjectCannedAcl::from(acl.as_str()));
        }
        self.run(req.send())
            .map(|_| ())
            .map_err(|e| go_error("S3", "PutObject", &e))
    }

    /// The object's bytes; `None` when it does not exist or is empty.
    fn get_object(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let mut head = self.s3.head_object().bucket(&self.bucket).key(key);
        if let (true, Some((k, md5))) = (self.encrypt, &self.customer_key) {
            head = head
                .sse_customer_algorithm("AES256")
                .sse_customer_key(k)
                .sse_customer_key_md5(md5);
        }
        let access_error = |e: String| {
            StorageError(format!(
                "Unable to access object {key:?} in S3 bucket {:?}: {e}",
                self.bucket
            ))
        };
        if let Err(e) = self.run(head.send()) {
            return match code_of(&e).as_deref() {
                Some("NoSuchBucket") => Err(StorageError(no_such_bucket(
                    &self.bucket,
                    &go_error("S3", "HeadObject", &e),
                ))),
                Some("NotFound") | Some("NoSuchKey") => Ok(None),
                _ => Err(access_error(go_error("S3", "HeadObject", &e))),
            };
        }
        let mut get = self.s3.get_object().bucket(&self.bucket).key(key);
        if let (true, Some((k, md5))) = (self.encrypt, &self.customer_key) {
            get = get
                .sse_customer_algorithm("AES256")
                .sse_customer_key(k)
                .sse_customer_key_md5(md5);
        }
        let out = match self.run(get.send()) {
            Ok(o) => o,
            Err(e) => {
                return match code_of(&e).as_deref() {
                    Some("NoSuchBucket") => Err(StorageError(no_such_bucket(
                        &self.bucket,
                        &go_error("S3", "GetObject", &e),
                    ))),
                    Some("NoSuchKey") | Some("NotFound") => Ok(None),
                    _ => Err(access_error(go_error("S3", "GetObject", &e))),
                }
            }
        };
        let bytes = self
            .run(out.body.collect())
            .map_err(|e| access_error(e.to_string()))?
            .into_bytes()
            .to_vec();
        Ok((!bytes.is_empty()).then_some(bytes))
    }

    /// The digest DynamoDB holds for a workspace's state, if any
    /// (Terraform's `getMD5`).
    fn stored_digest(&self, workspace: &str, table: &str) -> Result<Option<[u8; 16]>, String> {
        let out = self
            .run(
                self.dynamodb
                    .get_item()
                    .table_name(table)
                    .key(
                        "LockID",
                        AttributeValue::S(self.lock_path(workspace) + DIGEST_SUFFIX),
                    )
                    .projection_expression("LockID, Digest")
                    .consistent_read(true)
                    .send(),
            )
            .map_err(|e| {
                format!(
                    "Unable to retrieve item from DynamoDB table {table:?}: {}",
                    go_error("DynamoDB", "GetItem", &e)
                )
            })?;
        let Some(item) = out.item() else {
            return Ok(None);
        };
        let text = match item.get("Digest") {
            Some(AttributeValue::S(s)) => s.as_str(),
            _ => "",
        };
        match decode_hex16(text) {
            Some(d) => Ok(Some(d)),
            None if text.is_empty() => Ok(None),
            None => Err("invalid md5".into()),
        }
    }

    fn put_digest(&self, workspace: &str, table: &str, digest: &[u8; 16]) {
        // As Terraform: a failure here is only logged; the next reader
        // waits for the state the old digest names, then reports it.
        let _ = self.run(
            self.dynamodb
                .put_item()
                .table_name(table)
                .item(
                    "LockID",
                    AttributeValue::S(self.lock_path(workspace) + DIGEST_SUFFIX),
                )
                .item("Digest", AttributeValue::S(hex(digest)))
                .send(),
        );
    }

    fn lock_with_file(&self, workspace: &str, info: &LockInfo) -> Result<(), LockError> {
        let key = self.lock_file_key(workspace);
        match self.put_object(&key, info.to_json().into_bytes(), true) {
            Ok(()) => Ok(()),
            Err(err) => match self.lock_info_from_file(workspace) {
                Ok(held) => Err(LockError::held(err, held)),
                Err(info_err) => Err(LockError::failed(format!("{err}\n{info_err}"))),
            },
        }
    }

    fn lock_info_from_file(&self, workspace: &str) -> Result<LockInfo, String> {
        let key = self.lock_file_key(workspace);
        let out = self
            .run(self.s3.get_object().bucket(&self.bucket).key(&key).send())
            .map_err(|e| {
                format!(
                    "unable to retrieve file from S3 bucket '{}' with key '{key}': {}",
                    self.bucket,
                    go_error("S3", "GetObject", &e)
                )
            })?;
        let bytes = self
            .run(out.body.collect())
            .map_err(|e| format!("failed to read the body of the S3 object: {e}"))?
            .into_bytes();
        parse_lock_info(&String::from_utf8_lossy(&bytes))
            .map_err(|e| format!("failed to unmarshal JSON data into LockInfo struct: {e}"))
    }

    fn lock_with_dynamodb(
        &self,
        workspace: &str,
        table: &str,
        info: &LockInfo,
    ) -> Result<(), LockError> {
        let put = self.run(
            self.dynamodb
                .put_item()
                .table_name(table)
                .item("LockID", AttributeValue::S(self.lock_path(workspace)))
                .item("Info", AttributeValue::S(info.to_json()))
                .condition_expression("attribute_not_exists(LockID)")
                .send(),
        );
        match put {
            Ok(_) => Ok(()),
            Err(e) => {
                let err = go_error("DynamoDB", "PutItem", &e);
                match self.lock_info_from_dynamodb(workspace, table) {
                    Ok(held) => Err(LockError::held(err, held)),
                    Err(info_err) => Err(LockError::failed(format!("{err}\n{info_err}"))),
                }
            }
        }
    }

    fn lock_info_from_dynamodb(&self, workspace: &str, table: &str) -> Result<LockInfo, String> {
        let out = self
            .run(
                self.dynamodb
                    .get_item()
                    .table_name(table)
                    .key("LockID", AttributeValue::S(self.lock_path(workspace)))
                    .projection_expression("LockID, Info")
                    .consistent_read(true)
                    .send(),
            )
            .map_err(|e| {
                format!(
                    "Unable to retrieve item from DynamoDB table {table:?}: {}",
                    go_error("DynamoDB", "GetItem", &e)
                )
            })?;
        let text = match out.item().and_then(|i| i.get("Info")) {
            Some(AttributeValue::S(s)) => s.clone(),
            _ => String::new(),
        };
        parse_lock_info(&text)
    }

    /// Deletes the lock file if it holds lock `id`; the error carries the
    /// holder's info when it could be read.
    fn unlock_with_file(&self, workspace: &str, id: &str) -> Result<(), LockError> {
        let held = self
            .lock_info_from_file(workspace)
            .map_err(LockError::failed)?;
        if held.id != id {
            let message = format!(
                "lock ID '{id}' does not match the existing lock ID '{}'",
                held.id
            );
            return Err(LockError::held(message, held));
        }
        let deleted = self.run(
            self.s3
                .delete_object()
                .bucket(&self.bucket)
                .key(self.lock_file_key(workspace))
                .send(),
        );
        deleted.map(|_| ()).map_err(|e| {
            let message = format!(
                "failed to delete the lock file: {}",
                go_error("S3", "DeleteObject", &e)
            );
            LockError::held(message, held)
        })
    }

    /// Deletes the DynamoDB lock item if it holds lock `id`.
    fn unlock_with_dynamodb(
        &self,
        workspace: &str,
        table: &str,
        id: &str,
    ) -> Result<(), LockError> {
        let held = self
            .lock_info_from_dynamodb(workspace, table)
            .map_err(|e| {
                LockError::failed(format!(
                    "failed to retrieve lock info for lock ID {id:?}: {e}"
                ))
            })?;
        if held.id != id {
            let message = format!(
                "lock ID {id:?} does not match existing lock ({:?})",
                held.id
            );
            return Err(LockError::held(message, held));
        }
        let deleted = self.run(
            self.dynamodb
                .delete_item()
                .table_name(table)
                .key("LockID", AttributeValue::S(self.lock_path(workspace)))
                .send(),
        );
        deleted
            .map(|_| ())
            .map_err(|e| LockError::held(go_error("DynamoDB", "DeleteItem", &e), held))
    }
}

impl StateStorage for S3Storage {
    fn workspaces(&self) -> Result<Vec<String>, StorageError> {
        let prefix = if self.workspace_key_prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.workspace_key_prefix)
        };
        let mut found = Vec::new();
        let mut pages = self
            .s3
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(&prefix)
            .max_keys(1000)
            .into_paginator()
            .send();
        loop {
            let page = match self.run(pages.next()) {
                None => break,
                Some(Ok(p)) => p,
                Some(Err(e)) => {
                    let text = go_error("S3", "ListObjectsV2", &e);
                    return match code_of(&e).as_deref() {
                        Some("NoSuchBucket") => {
                            Err(StorageError(no_such_bucket(&self.bucket, &text)))
                        }
                        // Terraform lists only the default workspace when
                        // it may read its state but not list the prefix.
                        Some("AccessDenied")
                            if self.workspace_key_prefix == DEFAULT_WORKSPACE_KEY_PREFIX =>
                        {
                            Ok(vec![DEFAULT_WORKSPACE.to_string()])
                        }
                        _ => Err(StorageError(format!(
                            "Unable to list objects in S3 bucket {:?} with prefix {prefix:?}: {text}",
                            self.bucket
                        ))),
                    };
                }
            };
            for obj in page.contents() {
                if let Some(ws) = obj.key().and_then(|k| self.workspace_of(k)) {
                    found.push(ws);
                }
            }
        }
        found.sort();
        let mut out = vec![DEFAULT_WORKSPACE.to_string()];
        out.extend(found);
        Ok(out)
    }

    fn get(&self, workspace: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let key = self.state_key(workspace);
        let deadline = Instant::now() + CONSISTENCY_RETRY_TIMEOUT;
        loop {
            let payload = self.get_object(&key)?;
            let Some(table) = &self.ddb_table else {
                return Ok(payload);
            };
            // A digest that cannot be read is only logged by Terraform.
            let Ok(Some(expected)) = self.stored_digest(workspace, table) else {
                return Ok(payload);
            };
            let digest = payload.as_deref().map(md5);
            if digest == Some(expected) {
                return Ok(payload);
            }
            if Instant::now() < deadline {
                std::thread::sleep(CONSISTENCY_RETRY_POLL);
                continue;
            }
            return Err(StorageError(bad_checksum_error(
                &self.bucket,
                &key,
                digest.as_ref(),
                &expected,
            )));
        }
    }

    fn put(&self, workspace: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let key = self.state_key(workspace);
        self.put_object(&key, bytes.to_vec(), false)
            .map_err(|e| StorageError(format!("failed to upload state: {e}")))?;
        if let Some(table) = &self.ddb_table {
            self.put_digest(workspace, table, &md5(bytes));
        }
        Ok(())
    }

    fn delete_workspace(&self, workspace: &str) -> Result<(), StorageError> {
        if workspace == DEFAULT_WORKSPACE || workspace.is_empty() {
            return Err(StorageError("can't delete default state".into()));
        }
        self.run(
            self.s3
                .delete_object()
                .bucket(&self.bucket)
                .key(self.state_key(workspace))
                .send(),
        )
        .map_err(|e| StorageError(go_error("S3", "DeleteObject", &e)))?;
        if let Some(table) = &self.ddb_table {
            // Terraform only logs a failure to remove the digest.
            let _ = self.run(
                self.dynamodb
                    .delete_item()
                    .table_name(table)
                    .key(
                        "LockID",
                        AttributeValue::S(self.lock_path(workspace) + DIGEST_SUFFIX),
                    )
                    .send(),
            );
        }
        Ok(())
    }

    fn lock(&self, workspace: &str, info: &LockInfo) -> Result<String, LockError> {
        if !self.use_lockfile && self.ddb_table.is_none() {
            // Neither lock is configured: Terraform runs unlocked.
            return Ok(String::new());
        }
        let mut info = info.clone();
        info.path = self.lock_path(workspace);
        if self.use_lockfile {
            self.lock_with_file(workspace, &info)?;
        }
        if let Some(table) = &self.ddb_table {
            if let Err(e) = self.lock_with_dynamodb(workspace, table, &info) {
                // Both locks or neither: give back the lock file.
                if self.use_lockfile {
                    if let Err(ue) = self.unlock_with_file(workspace, &info.id) {
                        return Err(LockError::failed(format!(
                            "failed to clean up file lock after DynamoDB lock error: {}; original error: {e}",
                            ue.message
                        )));
                    }
                }
                return Err(e);
            }
        }
        Ok(info.id)
    }

    fn unlock(&self, workspace: &str, id: &str) -> Result<(), LockError> {
        let file = self
            .use_lockfile
            .then(|| self.unlock_with_file(workspace, id));
        let table = self
            .ddb_table
            .as_deref()
            .map(|t| self.unlock_with_dynamodb(workspace, t, id));
        // Both are released even when one fails; the error names which.
        let mut info = None;
        let mut take = |r: Option<Result<(), LockError>>| match r {
            Some(Err(e)) => {
                if e.info.is_some() {
                    info = e.info;
                }
                Some(e.message)
            }
            _ => None,
        };
        let both = file.is_some() && table.is_some();
        let message = match (take(file), take(table)) {
            (None, None) => return Ok(()),
            (Some(f), Some(d)) => {
                format!("failed to unlock both S3 and DynamoDB: S3 error: {f}, DynamoDB error: {d}")
            }
            (Some(f), None) if both => format!("failed to unlock S3: {f}"),
            (None, Some(d)) if both => format!("failed to unlock DynamoDB: {d}"),
            (Some(m), None) | (None, Some(m)) => m,
        };
        Err(LockError { info, message })
    }
}

/// The state object of a workspace: `key` for the default one,
/// `<prefix>/<workspace>/<key>` for the others (Go's `path.Join`, which
/// drops an empty prefix).
pub fn state_key(prefix: &str, key: &str, workspace: &str) -> String {
    if workspace == DEFAULT_WORKSPACE {
        return key.to_string();
    }
    [prefix, workspace, key]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("/")
}

/// The workspace whose state `object` is, if any (Terraform's `keyEnv`).
pub fn workspace_of(prefix: &str, key: &str, object: &str) -> Option<String> {
    if prefix.is_empty() {
        let (ws, rest) = object.split_once('/')?;
        return (rest == key && !ws.is_empty()).then(|| ws.to_string());
    }
    let rest = object.strip_prefix(&format!("{prefix}/"))?;
    let (ws, state_key) = rest.split_once('/')?;
    (state_key == key && !ws.is_empty()).then(|| ws.to_string())
}

/// Terraform's `badChecksumError`.
fn bad_checksum_error(
    bucket: &str,
    key: &str,
    digest: Option<&[u8; 16]>,
    expected: &[u8; 16],
) -> String {
    let calculated = digest.map(|d| hex(d)).unwrap_or_default();
    let resolution = match digest {
        Some(d) => format!("If this problem persists, and neither S3 nor DynamoDB are experiencing an\noutage, you may need to manually verify the remote state and update the Digest\nvalue stored in the DynamoDB table to the following value: {}", hex(d)),
        None => "If this problem persists, and neither S3 nor DynamoDB are experiencing an\noutage, you may need to manually verify the remote state and remove the Digest\nvalue stored in the DynamoDB table".to_string(),
    };
    format!(
        "state data in S3 does not have the expected content.\n\nThe checksum calculated for the state stored in S3 does not match the checksum\nstored in DynamoDB.\n\nBucket: {bucket}\nKey:    {key}\nCalculated checksum: {calculated}\nStored checksum:     {}\n\nThis may be caused by unusually long delays in S3 processing a previous state\nupdate. Please wait for a minute or two and try again.\n\n{resolution}\n",
        hex(expected)
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex16(s: &str) -> Option<[u8; 16]> {
    if s.len() != 32 {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
        let text = std::str::from_utf8(chunk).ok()?;
        out[i] = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

/// MD5 (RFC 1321): Terraform keys its state digest by it. Not for
/// security; it only detects a stale read.
pub fn md5(data: &[u8]) -> [u8; 16] {
    const SHIFTS: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    const K: [u32; 64] = [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
        0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
        0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
        0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
        0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
        0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
        0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
        0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
        0xeb86d391,
    ];
    let mut state: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    for block in msg.chunks(64) {
        let mut m = [0u32; 16];
        for (i, w) in block.chunks(4).enumerate() {
            m[i] = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
        }
        let [mut a, mut b, mut c, mut d] = state;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(K[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(SHIFTS[i]));
        }
        state[0] = state[0].wrapping_add(a);
        state[1] = state[1].wrapping_add(b);
        state[2] = state[2].wrapping_add(c);
        state[3] = state[3].wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (i, w) in state.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_matches_rfc_1321() {
        assert_eq!(hex(&md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(&md5(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(
            hex(&md5(
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890"
            )),
            "57edf4a22be3c955ac49da2e2107b67a"
        );
        assert_eq!(
            decode_hex16("900150983cd24fb0d6963f7d28e17f72"),
            Some(md5(b"abc"))
        );
        assert_eq!(decode_hex16("90"), None);
    }

    fn config(pairs: &[(&str, Value)]) -> Value {
        let schema = schema();
        let mut m: BTreeMap<String, Value> = schema
            .attributes
            .iter()
            .map(|(k, a)| (k.clone(), Value::Null(a.ty.clone())))
            .collect();
        for (k, v) in pairs {
            m.insert(k.to_string(), v.clone());
        }
        Value::Object(m)
    }

    fn summaries(d: &Diags) -> Vec<String> {
        d.iter().map(|x| x.summary.clone()).collect()
    }

    #[test]
    fn prepare_checks_as_terraform() {
        let d = prepare(&config(&[("region", Value::string("us-east-1"))]));
        assert_eq!(
            summaries(&d),
            ["Missing Required Value", "Missing Required Value"]
        );
        assert!(d[0]
            .detail
            .starts_with("The attribute \"bucket\" is required by the backend."));
        let ok = config(&[
            ("bucket", Value::string("b")),
            ("key", Value::string("a/terraform.tfstate")),
            ("region", Value::string("us-east-1")),
        ]);
        assert!(prepare(&ok).is_empty());
        let d = prepare(&config(&[
            ("bucket", Value::string("b")),
            ("key", Value::string("/x")),
            ("region", Value::string("us-east-1")),
            ("dynamodb_table", Value::string("locks")),
            ("force_path_style", Value::Bool(true)),
            ("kms_key_id", Value::string("nope")),
        ]));
        assert_eq!(
            summaries(&d),
            [
                "Invalid Value",
                "Invalid KMS Key ID",
                "Deprecated Parameter",
                "Deprecated Parameter"
            ]
        );
        assert_eq!(d[0].detail, "The value must not start or end with \"/\"");
        assert_eq!(
            d[2].detail,
            "The parameter \"dynamodb_table\" is deprecated. Use parameter \"use_lockfile\" instead."
        );
        assert!(kms_key_error(
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
        )
        .is_none());
        assert!(kms_key_error("alias/state").is_none());
        assert!(kms_key_error("mrk-1234abcd12ab34cd56ef1234567890ab").is_none());
    }

    #[test]
    fn workspace_layout_matches_terraform() {
        assert_eq!(
            state_key("env:", "app/terraform.tfstate", "default"),
            "app/terraform.tfstate"
        );
        assert_eq!(
            state_key("env:", "app/terraform.tfstate", "dev"),
            "env:/dev/app/terraform.tfstate"
        );
        assert_eq!(
            state_key("", "terraform.tfstate", "dev"),
            "dev/terraform.tfstate"
        );
        let key = "app/terraform.tfstate";
        assert_eq!(
            workspace_of("env:", key, "env:/dev/app/terraform.tfstate").as_deref(),
            Some("dev")
        );
        assert_eq!(workspace_of("env:", key, "env:/dev/other.tfstate"), None);
        assert_eq!(
            workspace_of("env:", key, "env:/dev/app/terraform.tfstate.tflock"),
            None
        );
        assert_eq!(
            workspace_of("", "terraform.tfstate", "qa/terraform.tfstate").as_deref(),
            Some("qa")
        );
        assert_eq!(
            workspace_of("", "terraform.tfstate", "terraform.tfstate"),
            None
        );
    }

    #[test]
    fn regions_and_endpoints() {
        assert!(known_region("us-east-1"));
        assert!(known_region("us-gov-west-1"));
        assert!(known_region("cn-north-1"));
        assert!(!known_region("moon-1"));
        assert!(!known_region("us-east"));
        assert!(is_local_endpoint("http://127.0.0.1:5000"));
        assert!(is_local_endpoint("http://localhost:4566/"));
        assert!(!is_local_endpoint("https://s3.amazonaws.com"));
        assert!(is_complete_url("http://127.0.0.1:5000"));
        assert!(!is_complete_url("s3.amazonaws.com"));
        assert_eq!(parse_go_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_go_duration("15"), None);
    }
}
