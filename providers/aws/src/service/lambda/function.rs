//! aws_lambda_function: a function, its code from S3 (`s3_bucket`,
//! `s3_key`, `s3_object_version`), a local zip (`filename`, with
//! `source_code_hash` saying when it changed) or an image. Created, then
//! waited on until Active; each configuration or code update is waited on
//! until its LastUpdateStatus is Successful; `publish` publishes a version
//! after every change.

use super::{invoke_arn, read_zip, timeout, PROPAGATION};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{string_map, Obj, State, Val};
use crate::schema::with_tags;
use crate::service::ec2::compute_shared::{blocks, computed_block, elem, exactly_one_of, is_set};
use crate::service::elbv2::changed;
use crate::service::{plan_tags_all, read_tags, tag_changes};
use crate::wait::{retry_eventual, until, Poll};
use crate::{Outcome, Resource};
use aws_sdk_lambda::operation::get_function::GetFunctionOutput;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    ApplicationLogLevel, Architecture, DeadLetterConfig, Environment, EphemeralStorage,
    FileSystemConfig, FunctionCode, FunctionConfiguration, ImageConfig, LastUpdateStatus,
    LogFormat, LoggingConfig, PackageType, Runtime, SnapStart, SnapStartApplyOn, State as FnState,
    SystemLogLevel, TracingConfig, TracingMode, VpcConfig,
};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;
use tfrs_provider::provider::Diags;
use tfrs_provider::schema::NestedBlock;
use tfrs_provider::{Attribute, Block, Diag, Nesting, Schema, Type, Value};

pub struct Function;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// Arguments whose change is an UpdateFunctionConfiguration (the
/// provider's `needsFunctionConfigUpdate`).
const CONFIG_ARGS: [&str; 17] = [
    "dead_letter_config",
    "description",
    "environment",
    "ephemeral_storage",
    "file_system_config",
    "handler",
    "image_config",
    "kms_key_arn",
    "layers",
    "logging_config",
    "memory_size",
    "role",
    "runtime",
    "snap_start",
    "timeout",
    "tracing_config",
    "vpc_config",
];

/// Arguments whose change is an UpdateFunctionCode (`needsFunctionCodeUpdate`).
const CODE_ARGS: [&str; 7] = [
    "architectures",
    "filename",
    "image_uri",
    "s3_bucket",
    "s3_key",
    "s3_object_version",
    "source_code_hash",
];

fn one(b: Block) -> NestedBlock {
    NestedBlock {
        nesting: Nesting::List,
        block: b,
        min_items: 0,
        max_items: 1,
        force_new: false,
    }
}

fn block() -> Block {
    let s = || Attribute::optional(Type::String);
    let computed = || Attribute::computed(Type::String);
    let strings = || Type::list(Type::String);
    let b = Block::new()
        .attr("id", computed())
        .attr("arn", computed())
        .attr("architectures", Attribute::optional_computed(strings()))
        .attr("code_sha256", computed())
        .attr("code_signing_config_arn", s())
        .attr("description", s())
        .attr("filename", s())
        .attr(
            "function_name",
            Attribute::required(Type::String).force_new(),
        )
        .attr("handler", s())
        .attr("image_uri", s())
        .attr("invoke_arn", computed())
        .attr("kms_key_arn", s())
        .attr("last_modified", computed())
        .attr("layers", Attribute::optional(strings()))
        .attr(
            "memory_size",
            Attribute::optional(Type::Number).default(Value::int(128)),
        )
        .attr(
            "package_type",
            Attribute::optional(Type::String)
                .default(Value::string("Zip"))
                .force_new(),
        )
        .attr(
            "publish",
            Attribute::optional(Type::Bool).default(Value::Bool(false)),
        )
        .attr("qualified_arn", computed())
        .attr("qualified_invoke_arn", computed())
        .attr(
            "replace_security_groups_on_destroy",
            Attribute::optional(Type::Bool),
        )
        .attr(
            "replacement_security_group_ids",
            Attribute::optional(Type::set(Type::String)),
        )
        .attr(
            "reserved_concurrent_executions",
            Attribute::optional(Type::Number).default(Value::int(-1)),
        )
        .attr("role", Attribute::required(Type::String))
        .attr("runtime", s())
        .attr("s3_bucket", s())
        .attr("s3_key", s())
        .attr("s3_object_version", s())
        .attr("signing_job_arn", computed())
        .attr("signing_profile_version_arn", computed())
        .attr(
            "skip_destroy",
            Attribute::optional(Type::Bool).default(Value::Bool(false)),
        )
        .attr(
            "source_code_hash",
            Attribute::optional_computed(Type::String),
        )
        .attr("source_code_size", Attribute::computed(Type::Number))
        .attr(
            "timeout",
            Attribute::optional(Type::Number).default(Value::int(3)),
        )
        .attr("version", computed())
        .block_with(
            "dead_letter_config",
            one(Block::new().attr("target_arn", Attribute::required(Type::String))),
        )
        .block_with(
            "environment",
            one(Block::new().attr("variables", Attribute::optional(Type::map(Type::String)))),
        )
        .block_with(
            "ephemeral_storage",
            one(Block::new().attr("size", Attribute::optional_computed(Type::Number))),
        )
        .block_with(
            "file_system_config",
            one(Block::new()
                .attr("arn", Attribute::required(Type::String))
                .attr("local_mount_path", Attribute::required(Type::String))),
        )
        .block_with(
            "image_config",
            one(Block::new()
                .attr("command", Attribute::optional(strings()))
                .attr("entry_point", Attribute::optional(strings()))
                .attr("working_directory", s())),
        )
        .block_with(
            "logging_config",
            one(Block::new()
                .attr(
                    "application_log_level",
                    Attribute::optional(Type::String).default(Value::string("")),
                )
                .attr("log_format", Attribute::required(Type::String))
                .attr("log_group", Attribute::optional_computed(Type::String))
                .attr(
                    "system_log_level",
                    Attribute::optional(Type::String).default(Value::string("")),
                )),
        )
        .block_with(
            "snap_start",
            one(Block::new()
                .attr("apply_on", Attribute::required(Type::String))
                .attr("optimization_status", computed())),
        )
        .block_with(
            "tracing_config",
            one(Block::new().attr("mode", Attribute::required(Type::String))),
        )
        .block_with(
            "vpc_config",
            one(Block::new()
                .attr(
                    "ipv6_allowed_for_dual_stack",
                    Attribute::optional(Type::Bool).default(Value::Bool(false)),
                )
                .attr(
                    "security_group_ids",
                    Attribute::required(Type::set(Type::String)),
                )
                .attr("subnet_ids", Attribute::required(Type::set(Type::String)))
                .attr("vpc_id", computed())),
        )
        .block(
            "timeouts",
            Nesting::Single,
            Block::new()
                .attr("create", s())
                .attr("delete", s())
                .attr("update", s()),
        );
    with_tags(b)
}

// ---------------------------------------------------------------------
// Request pieces from the configuration

fn environment(p: &Obj) -> Option<Environment> {
    let vars = p.block("environment")?.map_str("variables");
    (!vars.is_empty()).then(|| {
        Environment::builder()
            .set_variables(Some(vars.into_iter().collect::<HashMap<_, _>>()))
            .build()
    })
}

fn dead_letter_config(p: &Obj) -> Option<DeadLetterConfig> {
    p.block("dead_letter_config").map(|d| {
        DeadLetterConfig::builder()
            .target_arn(d.req("target_arn"))
            .build()
    })
}

fn ephemeral_storage(p: &Obj) -> Result<Option<EphemeralStorage>> {
    let Some(size) = p.block("ephemeral_storage").and_then(|e| e.i32("size")) else {
        return Ok(None);
    };
    EphemeralStorage::builder()
        .size(size)
        .build()
        .map(Some)
        .map_err(|e| Error::new("Invalid ephemeral_storage", e.to_string()))
}

fn file_system_configs(p: &Obj) -> Result<Vec<FileSystemConfig>> {
    p.blocks("file_system_config")
        .iter()
        .map(|f| {
            FileSystemConfig::builder()
                .arn(f.req("arn"))
                .local_mount_path(f.req("local_mount_path"))
                .build()
                .map_err(|e| Error::new("Invalid file_system_config", e.to_string()))
        })
        .collect()
}

fn image_config(p: &Obj) -> Option<ImageConfig> {
    p.block("image_config").map(|i| {
        ImageConfig::builder()
            .set_command(i.get("command").map(|_| i.list_str("command")))
            .set_entry_point(i.get("entry_point").map(|_| i.list_str("entry_point")))
            .set_working_directory(i.string("working_directory"))
            .build()
    })
}

fn logging_config(p: &Obj) -> Option<LoggingConfig> {
    p.block("logging_config").map(|l| {
        let level = |k: &str| l.str(k).filter(|v| !v.is_empty());
        LoggingConfig::builder()
            .set_log_format(l.str("log_format").map(LogFormat::from))
            .set_log_group(l.string("log_group").filter(|g| !g.is_empty()))
            .set_application_log_level(
                level("application_log_level").map(ApplicationLogLevel::from),
            )
            .set_system_log_level(level("system_log_level").map(SystemLogLevel::from))
            .build()
    })
}

fn snap_start(p: &Obj) -> Option<SnapStart> {
    p.block("snap_start").map(|s| {
        SnapStart::builder()
            .apply_on(SnapStartApplyOn::from(s.req("apply_on")))
            .build()
    })
}

fn tracing_config(p: &Obj) -> Option<TracingConfig> {
    p.block("tracing_config").map(|t| {
        TracingConfig::builder()
            .mode(TracingMode::from(t.req("mode")))
            .build()
    })
}

fn vpc_config(p: &Obj) -> Option<VpcConfig> {
    p.block("vpc_config").map(|v| {
        VpcConfig::builder()
            .set_subnet_ids(Some(v.list_str("subnet_ids")))
            .set_security_group_ids(Some(v.list_str("security_group_ids")))
            .ipv6_allowed_for_dual_stack(v.flag("ipv6_allowed_for_dual_stack"))
            .build()
    })
}

fn architectures(p: &Obj) -> Option<Vec<Architecture>> {
    let a = p.list_str("architectures");
    (!a.is_empty()).then(|| a.iter().map(|x| Architecture::from(x.as_str())).collect())
}

fn code(p: &Obj) -> Result<FunctionCode> {
    let b = FunctionCode::builder();
    Ok(if let Some(f) = p.str("filename") {
        b.zip_file(Blob::new(read_zip(f)?)).build()
    } else if let Some(image) = p.str("image_uri") {
        b.image_uri(image).build()
    } else {
        b.set_s3_bucket(p.string("s3_bucket"))
            .set_s3_key(p.string("s3_key"))
            .set_s3_object_version(p.string("s3_object_version"))
            .build()
    })
}

// ---------------------------------------------------------------------
// Finding and waiting

pub async fn find(c: &Ctx, name: &str) -> Result<GetFunctionOutput> {
    let out = c
        .lambda()
        .get_function()
        .function_name(name)
        .send()
        .await
        .map_err(|e| sdk("lambda:GetFunction", e))?;
    if out.configuration().is_none() {
        let mut e = Error::new(
            "Lambda function not found",
            format!("lambda:GetFunction: {name} has no configuration"),
        );
        e.code = Some("ResourceNotFoundException".into());
        return Err(e);
    }
    Ok(out)
}

/// The newest version of the function (`$LATEST` when none was published).
async fn latest_version(c: &Ctx, name: &str) -> Result<Option<FunctionConfiguration>> {
    let mut marker: Option<String> = None;
    let mut last = None;
    loop {
        let out = c
            .lambda()
            .list_versions_by_function()
            .function_name(name)
            .max_items(10_000)
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| sdk("lambda:ListVersionsByFunction", e))?;
        if let Some(v) = out.versions().last() {
            last = Some(v.clone());
        }
        match out.next_marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => return Ok(last),
        }
    }
}

/// Waits until a new function is Active (`waitFunctionCreated`); not yet
/// visible counts as pending.
async fn wait_created(c: &Ctx, name: &str, limit: Duration) -> Result<()> {
    until(
        &format!("Lambda Function ({name}) create"),
        limit,
        || async {
            let out = match found(find(c, name).await)? {
                Some(o) => o,
                None => return Ok(Poll::Pending("not found".into())),
            };
            let cfg = out
                .configuration()
                .cloned()
                .unwrap_or_else(|| FunctionConfiguration::builder().build());
            match cfg.state() {
                None | Some(FnState::Active) | Some(FnState::ActiveNonInvocable) => {
                    Ok(Poll::Ready(()))
                }
                Some(FnState::Pending) => Ok(Poll::Pending("Pending".into())),
                Some(other) => Err(Error::new(
                    format!("waiting for Lambda Function ({name}) create"),
                    format!(
                        "unexpected state '{}': {}: {}",
                        other.as_str(),
                        cfg.state_reason_code()
                            .map(|c| c.as_str())
                            .unwrap_or_default(),
                        cfg.state_reason().unwrap_or_default()
                    ),
                )),
            }
        },
    )
    .await
}

/// Waits until the last update of the function (or of version
/// `qualifier`) is Successful (`waitFunctionUpdated`).
async fn wait_updated(c: &Ctx, name: &str, qualifier: Option<&str>, limit: Duration) -> Result<()> {
    until(
        &format!("Lambda Function ({name}) update"),
        limit,
        || async {
            let cfg = c
                .lambda()
                .get_function_configuration()
                .function_name(name)
                .set_qualifier(qualifier.map(String::from))
                .send()
                .await
                .map_err(|e| sdk("lambda:GetFunctionConfiguration", e))?;
            match cfg.last_update_status() {
                Some(LastUpdateStatus::Successful) => Ok(Poll::Ready(())),
                Some(LastUpdateStatus::Failed) => Err(Error::new(
                    format!("waiting for Lambda Function ({name}) update"),
                    format!(
                        "unexpected state 'Failed': {}: {}",
                        cfg.last_update_status_reason_code()
                            .map(|c| c.as_str())
                            .unwrap_or_default(),
                        cfg.last_update_status_reason().unwrap_or_default()
                    ),
                )),
                // In progress, or not reported yet.
                _ => Ok(Poll::Pending("InProgress".into())),
            }
        },
    )
    .await
}

async fn wait_deleted(c: &Ctx, name: &str, limit: Duration) -> Result<()> {
    until(
        &format!("Lambda Function ({name}) delete"),
        limit,
        || async {
            match found(find(c, name).await)? {
                None => Ok(Poll::Ready(())),
                Some(o) => Ok(Poll::Pending(
                    o.configuration()
                        .and_then(|c| c.state())
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_else(|| "present".into()),
                )),
            }
        },
    )
    .await
}

/// Errors Lambda gives while IAM or a previous change settles.
const RETRYABLE: &[&str] = &[
    "The role defined for the function cannot be assumed by Lambda",
    "The provided execution role does not have permissions",
    "ResourceConflictException",
];

// ---------------------------------------------------------------------
// State

/// An optional string AWS reports as empty when unset: null unless the
/// configuration said "".
fn opt(base: &Obj, k: &str, aws: Option<&str>) -> Option<String> {
    match aws {
        Some(s) if !s.is_empty() => Some(s.to_string()),
        _ => base.string(k).filter(String::is_empty),
    }
}

fn strings(v: &[String]) -> Value {
    Value::List(Type::String, v.iter().map(Value::string).collect())
}

fn string_set(v: &[String]) -> Value {
    Value::set(Type::String, v.iter().map(Value::string).collect())
}

/// The function's state from GetFunction and its newest version.
fn flatten(
    c: &Ctx,
    base: &Value,
    out: &GetFunctionOutput,
    latest: Option<&FunctionConfiguration>,
) -> Value {
    let b = Obj(base);
    let schema = block();
    let cfg = out
        .configuration()
        .cloned()
        .unwrap_or_else(|| FunctionConfiguration::builder().build());
    let arn = cfg.function_arn().unwrap_or_default().to_string();
    let name = cfg.function_name().unwrap_or_default().to_string();

    let environment = match cfg.environment() {
        Some(e) => vec![elem(
            &schema,
            "environment",
            vec![(
                "variables",
                e.variables()
                    .map(|v| string_map(v.iter().map(|(k, v)| (k.clone(), v.clone())).collect()))
                    .into(),
            )],
        )],
        None => Vec::new(),
    };
    let dead_letter = cfg
        .dead_letter_config()
        .and_then(|d| d.target_arn())
        .filter(|t| !t.is_empty())
        .map(|t| {
            vec![elem(
                &schema,
                "dead_letter_config",
                vec![("target_arn", t.into())],
            )]
        })
        .unwrap_or_default();
    let ephemeral = cfg
        .ephemeral_storage()
        .map(|e| {
            vec![elem(
                &schema,
                "ephemeral_storage",
                vec![("size", e.size().into())],
            )]
        })
        .unwrap_or_default();
    let file_systems: Vec<Value> = cfg
        .file_system_configs()
        .iter()
        .map(|f| {
            elem(
                &schema,
                "file_system_config",
                vec![
                    ("arn", f.arn().into()),
                    ("local_mount_path", f.local_mount_path().into()),
                ],
            )
        })
        .collect();
    let image = cfg
        .image_config_response()
        .and_then(|r| r.image_config())
        .map(|i| {
            let list = |v: &[String]| -> Val {
                if v.is_empty() {
                    Val(None)
                } else {
                    strings(v).into()
                }
            };
            vec![elem(
                &schema,
                "image_config",
                vec![
                    ("command", list(i.command())),
                    ("entry_point", list(i.entry_point())),
                    ("working_directory", i.working_directory().into()),
                ],
            )]
        })
        .unwrap_or_default();
    let logging = cfg
        .logging_config()
        .map(|l| {
            vec![elem(
                &schema,
                "logging_config",
                vec![
                    (
                        "application_log_level",
                        l.application_log_level()
                            .map(|v| v.as_str())
                            .unwrap_or_default()
                            .into(),
                    ),
                    (
                        "log_format",
                        l.log_format()
                            .map(|v| v.as_str())
                            .unwrap_or_default()
                            .into(),
                    ),
                    ("log_group", l.log_group().unwrap_or_default().into()),
                    (
                        "system_log_level",
                        l.system_log_level()
                            .map(|v| v.as_str())
                            .unwrap_or_default()
                            .into(),
                    ),
                ],
            )]
        })
        .unwrap_or_default();
    let snap = cfg
        .snap_start()
        .filter(|s| s.apply_on().is_some_and(|a| *a != SnapStartApplyOn::None))
        .map(|s| {
            vec![elem(
                &schema,
                "snap_start",
                vec![
                    ("apply_on", s.apply_on().map(|a| a.as_str()).into()),
                    (
                        "optimization_status",
                        s.optimization_status().map(|o| o.as_str()).into(),
                    ),
                ],
            )]
        })
        .unwrap_or_default();
    let tracing_mode = cfg
        .tracing_config()
        .and_then(|t| t.mode())
        .map(|m| m.as_str())
        .unwrap_or("PassThrough");
    let tracing = vec![elem(
        &schema,
        "tracing_config",
        vec![("mode", tracing_mode.into())],
    )];
    let vpc = cfg
        .vpc_config()
        .filter(|v| !v.subnet_ids().is_empty() || !v.security_group_ids().is_empty())
        .map(|v| {
            vec![elem(
                &schema,
                "vpc_config",
                vec![
                    (
                        "ipv6_allowed_for_dual_stack",
                        v.ipv6_allowed_for_dual_stack().unwrap_or(false).into(),
                    ),
                    (
                        "security_group_ids",
                        string_set(v.security_group_ids()).into(),
                    ),
                    ("subnet_ids", string_set(v.subnet_ids()).into()),
                    ("vpc_id", v.vpc_id().into()),
                ],
            )]
        })
        .unwrap_or_default();
    let layers: Vec<String> = cfg
        .layers()
        .iter()
        .filter_map(|l| l.arn().map(String::from))
        .collect();
    let layers = if layers.is_empty() && b.get("layers").is_none() {
        None
    } else {
        Some(strings(&layers))
    };
    let (version, qualified_arn) = match latest {
        Some(v) => (
            v.version().unwrap_or("$LATEST").to_string(),
            v.function_arn().unwrap_or_default().to_string(),
        ),
        None => ("$LATEST".to_string(), format!("{arn}:$LATEST")),
    };
    let reserved = out
        .concurrency()
        .and_then(|c| c.reserved_concurrent_executions())
        .map(i64::from)
        .unwrap_or(-1);
    let architectures: Vec<String> = cfg
        .architectures()
        .iter()
        .map(|a| a.as_str().to_string())
        .collect();

    let mut s = State::from(&schema, base)
        .set("id", name.clone())
        .set("function_name", name)
        .set("arn", arn.clone())
        .set("architectures", strings(&architectures))
        .set("code_sha256", cfg.code_sha256().unwrap_or_default())
        .set("description", opt(&b, "description", cfg.description()))
        .set("handler", opt(&b, "handler", cfg.handler()))
        .set(
            "image_uri",
            opt(&b, "image_uri", out.code().and_then(|c| c.image_uri())),
        )
        .set("invoke_arn", invoke_arn(c, &arn))
        .set("kms_key_arn", opt(&b, "kms_key_arn", cfg.kms_key_arn()))
        .set("last_modified", cfg.last_modified().unwrap_or_default())
        .set("layers", layers)
        .set("memory_size", i64::from(cfg.memory_size().unwrap_or(128)))
        .set(
            "package_type",
            cfg.package_type().map(|p| p.as_str()).unwrap_or("Zip"),
        )
        .set("qualified_arn", qualified_arn.clone())
        .set("qualified_invoke_arn", invoke_arn(c, &qualified_arn))
        .set("reserved_concurrent_executions", reserved)
        .set("role", cfg.role().unwrap_or_default())
        .set(
            "runtime",
            opt(&b, "runtime", cfg.runtime().map(|r| r.as_str())),
        )
        .set("signing_job_arn", cfg.signing_job_arn().unwrap_or_default())
        .set(
            "signing_profile_version_arn",
            cfg.signing_profile_version_arn().unwrap_or_default(),
        )
        .set(
            "source_code_hash",
            b.string("source_code_hash").unwrap_or_default(),
        )
        .set("source_code_size", cfg.code_size())
        .set("timeout", i64::from(cfg.timeout().unwrap_or(3)))
        .set("version", version)
        .set("environment", blocks(&schema, "environment", environment))
        .set(
            "dead_letter_config",
            blocks(&schema, "dead_letter_config", dead_letter),
        )
        .set(
            "ephemeral_storage",
            blocks(&schema, "ephemeral_storage", ephemeral),
        )
        .set(
            "file_system_config",
            blocks(&schema, "file_system_config", file_systems),
        )
        .set("image_config", blocks(&schema, "image_config", image))
        .set("logging_config", blocks(&schema, "logging_config", logging))
        .set("snap_start", blocks(&schema, "snap_start", snap))
        .set("tracing_config", blocks(&schema, "tracing_config", tracing))
        .set("vpc_config", blocks(&schema, "vpc_config", vpc));
    // Arguments AWS does not report keep their configured value (or the
    // schema default, after an import).
    for (k, default) in [
        ("publish", Value::Bool(false)),
        ("skip_destroy", Value::Bool(false)),
    ] {
        if s.get(k).is_none_or(Value::is_null) {
            s = s.set(k, default);
        }
    }
    let tags: BTreeMap<String, String> = out
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    read_tags(c, s, base, tags).build()
}

async fn read_function(c: &Ctx, base: &Value, name: &str) -> Result<Option<Value>> {
    let Some(out) = found(find(c, name).await)? else {
        return Ok(None);
    };
    let latest = latest_version(c, name).await?;
    Ok(Some(flatten(c, base, &out, latest.as_ref())))
}

// ---------------------------------------------------------------------
// Updates

fn has_change(prior: &Value, planned: &Value, keys: &[&str]) -> bool {
    keys.iter().any(|k| changed(prior, planned, k))
}

async fn update_configuration(c: &Ctx, name: &str, prior: &Value, plan: &Value) -> Result<()> {
    let p = Obj(plan);
    let ch = |k: &str| changed(prior, plan, k);
    let mut req = c
        .lambda()
        .update_function_configuration()
        .function_name(name);
    if ch("dead_letter_config") {
        req = req.dead_letter_config(
            dead_letter_config(&p)
                .unwrap_or_else(|| DeadLetterConfig::builder().target_arn("").build()),
        );
    }
    if ch("description") {
        req = req.description(p.str("description").unwrap_or_default());
    }
    if ch("environment") || ch("kms_key_arn") {
        req = req.environment(environment(&p).unwrap_or_else(|| {
            Environment::builder()
                .set_variables(Some(HashMap::new()))
                .build()
        }));
    }
    if ch("ephemeral_storage") {
        req = req.set_ephemeral_storage(ephemeral_storage(&p)?);
    }
    if ch("file_system_config") {
        req = req.set_file_system_configs(Some(file_system_configs(&p)?));
    }
    if ch("handler") {
        req = req.handler(p.str("handler").unwrap_or_default());
    }
    if ch("image_config") {
        req = req.image_config(image_config(&p).unwrap_or_else(|| ImageConfig::builder().build()));
    }
    if ch("kms_key_arn") {
        req = req.kms_key_arn(p.str("kms_key_arn").unwrap_or_default());
    }
    if ch("layers") {
        req = req.set_layers(Some(p.list_str("layers")));
    }
    if ch("logging_config") {
        req = req.set_logging_config(logging_config(&p));
    }
    if ch("memory_size") {
        req = req.set_memory_size(p.i32("memory_size"));
    }
    if ch("role") {
        req = req.role(p.req("role"));
    }
    if ch("runtime") {
        req = req.set_runtime(p.str("runtime").map(Runtime::from));
    }
    if ch("snap_start") {
        req = req.snap_start(snap_start(&p).unwrap_or_else(|| {
            SnapStart::builder()
                .apply_on(SnapStartApplyOn::None)
                .build()
        }));
    }
    if ch("timeout") {
        req = req.set_timeout(p.i32("timeout"));
    }
    if ch("tracing_config") {
        req = req.set_tracing_config(tracing_config(&p));
    }
    if ch("vpc_config") {
        req = req.vpc_config(vpc_config(&p).unwrap_or_else(|| {
            VpcConfig::builder()
                .set_subnet_ids(Some(Vec::new()))
                .set_security_group_ids(Some(Vec::new()))
                .ipv6_allowed_for_dual_stack(false)
                .build()
        }));
    }
    retry_eventual(PROPAGATION, RETRYABLE, || {
        let req = req.clone();
        async move {
            req.send()
                .await
                .map_err(|e| sdk("lambda:UpdateFunctionConfiguration", e))
        }
    })
    .await?;
    Ok(())
}

async fn update_code(c: &Ctx, name: &str, prior: &Value, plan: &Value) -> Result<()> {
    let p = Obj(plan);
    let mut req = c.lambda().update_function_code().function_name(name);
    if changed(prior, plan, "architectures") {
        req = req.set_architectures(architectures(&p));
    }
    if let Some(f) = p.str("filename") {
        req = req.zip_file(Blob::new(read_zip(f)?));
    } else if let Some(image) = p.str("image_uri") {
        req = req.image_uri(image);
    } else {
        req = req
            .set_s3_bucket(p.string("s3_bucket"))
            .set_s3_key(p.string("s3_key"))
            .set_s3_object_version(p.string("s3_object_version"));
    }
    req.send()
        .await
        .map_err(|e| sdk("lambda:UpdateFunctionCode", e))?;
    Ok(())
}

async fn set_concurrency(c: &Ctx, name: &str, reserved: i64) -> Result<()> {
    if reserved >= 0 {
        c.lambda()
            .put_function_concurrency()
            .function_name(name)
            .reserved_concurrent_executions(reserved as i32)
            .send()
            .await
            .map_err(|e| sdk("lambda:PutFunctionConcurrency", e))?;
    } else {
        c.lambda()
            .delete_function_concurrency()
            .function_name(name)
            .send()
            .await
            .map_err(|e| sdk("lambda:DeleteFunctionConcurrency", e))?;
    }
    Ok(())
}

async fn update_tags(c: &Ctx, arn: &str, prior: &Value, plan: &Value) -> Result<()> {
    let old = Obj(prior).map_str("tags_all");
    let new = c.tags_all(&Obj(plan).map_str("tags"));
    let (removed, upserts) = tag_changes(&old, &new);
    if !removed.is_empty() {
        c.lambda()
            .untag_resource()
            .resource(arn)
            .set_tag_keys(Some(removed))
            .send()
            .await
            .map_err(|e| sdk("lambda:UntagResource", e))?;
    }
    if !upserts.is_empty() {
        c.lambda()
            .tag_resource()
            .resource(arn)
            .set_tags(Some(upserts.into_iter().collect()))
            .send()
            .await
            .map_err(|e| sdk("lambda:TagResource", e))?;
    }
    Ok(())
}

fn config_changed(prior: &Value, planned: &Value) -> bool {
    has_change(prior, planned, &CONFIG_ARGS)
}

fn code_changed(prior: &Value, planned: &Value) -> bool {
    has_change(prior, planned, &CODE_ARGS)
}

/// A block that says nothing AWS keeps (`environment {}`,
/// `vpc_config` with no subnets or groups) plans as no block, as the
/// provider's DiffSuppressFuncs have it.
fn drop_empty_block(m: &mut BTreeMap<String, Value>, key: &str, empty: fn(&Obj) -> bool) {
    let Some(v) = m.get(key) else {
        return;
    };
    let Some(items) = v.elements() else {
        return;
    };
    if items.len() == 1 && items[0].is_wholly_known() && empty(&Obj(&items[0])) {
        let ty = match v.ty() {
            Type::List(t) => *t,
            other => other,
        };
        m.insert(key.to_string(), Value::List(ty, Vec::new()));
    }
}

impl Resource for Function {
    fn name(&self) -> &'static str {
        "aws_lambda_function"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = p.req("function_name").to_string();
        let limit = timeout(&p, "create", DEFAULT_TIMEOUT);
        let package = p.str("package_type").unwrap_or("Zip");
        let tags = c.tags_all(&p.map_str("tags"));
        let request = (|| -> Result<_> {
            let mut req = c
                .lambda()
                .create_function()
                .function_name(&name)
                .code(code(&p)?)
                .description(p.str("description").unwrap_or_default())
                .set_memory_size(p.i32("memory_size"))
                .package_type(PackageType::from(package))
                .publish(p.flag("publish"))
                .role(p.req("role"))
                .set_timeout(p.i32("timeout"))
                .set_architectures(architectures(&p))
                .set_code_signing_config_arn(p.string("code_signing_config_arn"))
                .set_dead_letter_config(dead_letter_config(&p))
                .set_environment(environment(&p))
                .set_ephemeral_storage(ephemeral_storage(&p)?)
                .set_image_config(image_config(&p))
                .set_logging_config(logging_config(&p))
                .set_kms_key_arn(p.string("kms_key_arn"))
                .set_snap_start(snap_start(&p))
                .set_tracing_config(tracing_config(&p))
                .set_vpc_config(vpc_config(&p));
            let fs = file_systems_or_none(&p)?;
            req = req.set_file_system_configs(fs);
            let layers = p.list_str("layers");
            if !layers.is_empty() {
                req = req.set_layers(Some(layers));
            }
            if package == "Zip" {
                req = req
                    .set_handler(p.string("handler"))
                    .set_runtime(p.str("runtime").map(Runtime::from));
            }
            if !tags.is_empty() {
                req = req.set_tags(Some(tags.clone().into_iter().collect()));
            }
            Ok(req)
        })();
        let req = match request {
            Ok(r) => r,
            Err(e) => return Outcome::Failed(e),
        };
        let created = c.run(retry_eventual(PROPAGATION, RETRYABLE, || {
            let req = req.clone();
            async move {
                req.send()
                    .await
                    .map_err(|e| sdk("lambda:CreateFunction", e))
            }
        }));
        if let Err(e) = created {
            return Outcome::Failed(e.context(format!("creating Lambda Function ({name})")));
        }
        let base = State::from(&block(), plan)
            .set("id", name.clone())
            .set("tags_all", tags)
            .build();
        let r = c.run(async {
            wait_created(c, &name, limit).await?;
            if let Some(n) = p.i64("reserved_concurrent_executions").filter(|n| *n >= 0) {
                set_concurrency(c, &name, n).await?;
            }
            read_function(c, &base, &name).await
        });
        match r {
            Ok(Some(v)) => Outcome::Done(v),
            Ok(None) => Outcome::Partial(
                base,
                Error::new(
                    format!("waiting for Lambda Function ({name}) create"),
                    "the function is gone",
                ),
            ),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let name = Obj(state).id().to_string();
        c.run(read_function(c, state, &name))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = Obj(prior).id().to_string();
        let arn = Obj(prior).req("arn").to_string();
        let limit = timeout(&p, "update", DEFAULT_TIMEOUT);
        let config_update = config_changed(prior, plan);
        let code_update = code_changed(prior, plan);
        let r = c.run(async {
            if config_update {
                update_configuration(c, &name, prior, plan)
                    .await
                    .map_err(|e| {
                        e.context(format!("updating Lambda Function ({name}) configuration"))
                    })?;
                wait_updated(c, &name, None, limit).await?;
            }
            if code_update {
                update_code(c, &name, prior, plan)
                    .await
                    .map_err(|e| e.context(format!("updating Lambda Function ({name}) code")))?;
                wait_updated(c, &name, None, limit).await?;
            }
            if changed(prior, plan, "reserved_concurrent_executions") {
                set_concurrency(
                    c,
                    &name,
                    p.i64("reserved_concurrent_executions").unwrap_or(-1),
                )
                .await?;
            }
            if p.flag("publish")
                && (code_update || config_update || changed(prior, plan, "publish"))
            {
                let published = retry_eventual(PROPAGATION, &["in progress"], || async {
                    c.lambda()
                        .publish_version()
                        .function_name(&name)
                        .send()
                        .await
                        .map_err(|e| sdk("lambda:PublishVersion", e))
                })
                .await
                .map_err(|e| e.context(format!("publishing Lambda Function ({name}) version")))?;
                if let Some(v) = published.version() {
                    wait_updated(c, &name, Some(v), limit).await?;
                }
            }
            update_tags(c, &arn, prior, plan).await?;
            read_function(c, plan, &name).await
        });
        match r {
            Ok(Some(v)) => Outcome::Done(v),
            Ok(None) => Outcome::Failed(Error::new(
                format!("updating Lambda Function ({name})"),
                "the function is gone",
            )),
            Err(e) => match c.run(read_function(c, prior, &name)) {
                // What changed before the failure is in the state.
                Ok(Some(now)) => Outcome::Partial(now, e),
                _ => Outcome::Failed(e),
            },
        }
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        if s.flag("skip_destroy") {
            return Ok(());
        }
        let name = s.id().to_string();
        let limit = timeout(&s, "delete", DEFAULT_TIMEOUT);
        c.run(async {
            let r = c
                .lambda()
                .delete_function()
                .function_name(&name)
                .send()
                .await
                .map_err(|e| sdk("lambda:DeleteFunction", e));
            if found(r)?.is_none() {
                return Ok(());
            }
            wait_deleted(c, &name, limit).await
        })
    }

    /// The ID is the function name.
    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        State::new(&block())
            .set("id", id)
            .set("function_name", id)
            .build()
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        let planned = plan_tags_all(prior, planned);
        let Value::Object(mut m) = planned else {
            return planned;
        };
        drop_empty_block(&mut m, "environment", |e| {
            e.get("variables")
                .and_then(Value::entries)
                .is_none_or(|v| v.is_empty())
        });
        drop_empty_block(&mut m, "vpc_config", |v| {
            !v.flag("ipv6_allowed_for_dual_stack")
                && v.list_str("subnet_ids").is_empty()
                && v.list_str("security_group_ids").is_empty()
        });
        for k in ["tracing_config", "ephemeral_storage", "logging_config"] {
            computed_block(&mut m, prior, k);
        }
        if prior.is_null() {
            return Value::Object(m);
        }
        let planned = Value::Object(m.clone());
        let code = code_changed(prior, &planned);
        let config = config_changed(prior, &planned);
        if code || config {
            m.insert("last_modified".into(), Value::Unknown(Type::String));
        }
        if code {
            m.insert("code_sha256".into(), Value::Unknown(Type::String));
            m.insert("source_code_size".into(), Value::Unknown(Type::Number));
        }
        let publish = Obj(&planned).flag("publish");
        if publish && (code || config || changed(prior, &planned, "publish")) {
            for k in ["version", "qualified_arn", "qualified_invoke_arn"] {
                m.insert(k.into(), Value::Unknown(Type::String));
            }
        }
        Value::Object(m)
    }

    fn validate(&self, config: &Value) -> Diags {
        let mut d: Diags = exactly_one_of(config, &["filename", "image_uri", "s3_bucket"])
            .into_iter()
            .collect();
        for (a, b) in [("s3_bucket", "s3_key"), ("s3_key", "s3_bucket")] {
            if is_set(config, a) && !is_set(config, b) {
                d.push(Diag::error(
                    "Missing required argument",
                    format!("\"{a}\": all of `s3_bucket,s3_key` must be specified"),
                ));
            }
        }
        for k in ["filename", "image_uri"] {
            if is_set(config, "s3_object_version") && is_set(config, k) {
                d.push(Diag::error(
                    "Conflicting configuration arguments",
                    format!("\"s3_object_version\": conflicts with {k}"),
                ));
            }
        }
        let package = Obj(config).str("package_type").unwrap_or("Zip");
        let package_known = config.get_attr("package_type").is_none_or(Value::is_known);
        if package_known
            && package == "Zip"
            && (!is_set(config, "handler") || !is_set(config, "runtime"))
        {
            d.push(Diag::error(
                "handler and runtime must be set when PackageType is Zip",
                "",
            ));
        }
        if let Some(n) = Obj(config).i64("timeout") {
            if !(1..=900).contains(&n) {
                d.push(Diag::error(
                    "Invalid value",
                    format!("expected timeout to be in the range (1 - 900), got {n}"),
                ));
            }
        }
        if let Some(n) = Obj(config).i64("memory_size") {
            if !(128..=10240).contains(&n) {
                d.push(Diag::error(
                    "Invalid value",
                    format!("expected memory_size to be in the range (128 - 10240), got {n}"),
                ));
            }
        }
        d
    }
}

fn file_systems_or_none(p: &Obj) -> Result<Option<Vec<FileSystemConfig>>> {
    let fs = file_system_configs(p)?;
    Ok((!fs.is_empty()).then_some(fs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfrs_provider::json::from_json;

    fn config(j: serde_json::Value) -> Value {
        from_json(&j, &block().value_type()).expect("config")
    }

    #[test]
    fn zip_functions_need_handler_and_runtime_and_one_code_source() {
        let ok = config(serde_json::json!({
            "function_name": "f", "role": "arn:aws:iam::1:role/r",
            "filename": "f.zip", "handler": "h", "runtime": "python3.11"
        }));
        assert!(Function.validate(&ok).is_empty());
        let no_runtime = config(serde_json::json!({
            "function_name": "f", "role": "r", "filename": "f.zip", "handler": "h"
        }));
        assert!(Function
            .validate(&no_runtime)
            .iter()
            .any(|d| d.summary.contains("handler and runtime")));
        let two_sources = config(serde_json::json!({
            "function_name": "f", "role": "r", "filename": "f.zip",
            "s3_bucket": "b", "s3_key": "k", "handler": "h", "runtime": "python3.11"
        }));
        assert!(Function
            .validate(&two_sources)
            .iter()
            .any(|d| d.summary == "Invalid combination of arguments"));
    }
}
