//! Amazon API Gateway (REST APIs, v1), and what its resources share:
//! JSON-patch operations for the Update* calls, ARNs and invoke URLs, tags
//! by ARN, and reading optional values back as SDKv2 stores them.

pub mod deployment;
pub mod integration;
pub mod integration_response;
pub mod method;
pub mod method_response;
pub mod method_settings;
pub mod resource;
pub mod rest_api;
pub mod stage;

use crate::ctx::Ctx;
use crate::error::{sdk, Result};
use crate::obj::Obj;
use aws_sdk_apigateway::types::{Op, PatchOperation};
use std::collections::{BTreeMap, HashMap};
use tfrs_provider::{Type, Value};

/// A patch operation (`op` on `path`, with `value` if any).
pub fn patch(op: Op, path: impl Into<String>, value: Option<String>) -> PatchOperation {
    PatchOperation::builder()
        .op(op)
        .path(path)
        .set_value(value)
        .build()
}

pub fn replace(path: impl Into<String>, value: impl Into<String>) -> PatchOperation {
    patch(Op::Replace, path, Some(value.into()))
}

/// A name as one JSON-pointer path segment (RFC 6901): `application/json`
/// becomes `application~1json`.
pub fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// Operations that turn map property `prefix` (`requestTemplates`) from
/// `old` into `new`: removals, changed values, additions.
pub fn map_ops(
    prefix: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Vec<PatchOperation> {
    let mut ops = Vec::new();
    for k in old.keys().filter(|k| !new.contains_key(*k)) {
        ops.push(patch(Op::Remove, format!("/{prefix}/{}", escape(k)), None));
    }
    for (k, v) in new {
        let op = match old.get(k) {
            Some(o) if o == v => continue,
            Some(_) => Op::Replace,
            None => Op::Add,
        };
        ops.push(patch(
            op,
            format!("/{prefix}/{}", escape(k)),
            Some(v.clone()),
        ));
    }
    ops
}

/// [`map_ops`] for maps of booleans (`requestParameters` of a method),
/// whose values travel as `"true"`/`"false"`.
pub fn bool_map_ops(
    prefix: &str,
    old: &BTreeMap<String, bool>,
    new: &BTreeMap<String, bool>,
) -> Vec<PatchOperation> {
    let text = |m: &BTreeMap<String, bool>| -> BTreeMap<String, String> {
        m.iter().map(|(k, v)| (k.clone(), v.to_string())).collect()
    };
    map_ops(prefix, &text(old), &text(new))
}

/// A `map(bool)` attribute of a configuration or state.
pub fn bool_map(o: Obj, k: &str) -> BTreeMap<String, bool> {
    o.get(k)
        .and_then(Value::entries)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_bool().map(|b| (k.clone(), b)))
                .collect()
        })
        .unwrap_or_default()
}

/// Whether the configuration (or state) `base` holds `k` as a value, not
/// null: an empty map or set AWS reports is then kept empty rather than
/// null (SDKv2 treats null and empty as one).
fn has_value(base: &Value, k: &str) -> bool {
    base.get_attr(k).is_some_and(|v| !v.is_null())
}

/// A `map(string)` AWS reports, as state: null when AWS has none and
/// `base` had none either.
pub fn string_map_value(base: &Value, k: &str, m: Option<&HashMap<String, String>>) -> Value {
    let entries: BTreeMap<String, Value> = m
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), Value::string(v.clone())))
        .collect();
    map_value(base, k, Type::String, entries)
}

/// A `map(bool)` AWS reports, as state (see [`string_map_value`]).
pub fn bool_map_value(base: &Value, k: &str, m: Option<&HashMap<String, bool>>) -> Value {
    let entries: BTreeMap<String, Value> = m
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), Value::Bool(*v)))
        .collect();
    map_value(base, k, Type::Bool, entries)
}

fn map_value(base: &Value, k: &str, elem: Type, entries: BTreeMap<String, Value>) -> Value {
    if entries.is_empty() && !has_value(base, k) {
        Value::Null(Type::map(elem))
    } else {
        Value::Map(elem, entries)
    }
}

/// A `set(string)` AWS reports, as state (see [`string_map_value`]).
pub fn string_set_value(base: &Value, k: &str, items: &[String]) -> Value {
    if items.is_empty() && !has_value(base, k) {
        Value::Null(Type::set(Type::String))
    } else {
        Value::set(
            Type::String,
            items.iter().map(|s| Value::string(s.clone())).collect(),
        )
    }
}

/// An optional boolean without a default, as state: AWS's `false` is null
/// unless `base` holds `false` (SDKv2 treats an unset bool as false).
pub fn opt_bool(base: &Value, k: &str, v: bool) -> Option<bool> {
    if v || base.get_attr(k).and_then(Value::as_bool) == Some(false) {
        Some(v)
    } else {
        None
    }
}

/// An optional string AWS reports as absent or empty when unset.
pub fn opt_string(base: &Value, k: &str, v: Option<&str>) -> Option<String> {
    crate::service::elbv2::opt_str(v, base.get_attr(k))
}

/// `https://ID.execute-api.REGION.amazonaws.com/STAGE`.
pub fn invoke_url(c: &Ctx, api_id: &str, stage: &str) -> String {
    let suffix = if c.partition() == "aws-cn" {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://{api_id}.execute-api.{}.{suffix}/{stage}", c.region)
}

/// `arn:aws:execute-api:REGION:ACCOUNT:RESOURCE` (an API ID, then
/// `/STAGE` for a stage). The account comes from [`Ctx::account_id`],
/// which blocks: callers ask for it before their async part.
pub fn execution_arn(c: &Ctx, account: &str, resource: &str) -> String {
    format!(
        "arn:{}:execute-api:{}:{account}:{resource}",
        c.partition(),
        c.region
    )
}

/// `arn:aws:apigateway:REGION::PATH` (`/restapis/ID`, `/restapis/ID/stages/NAME`).
pub fn apigateway_arn(c: &Ctx, path: &str) -> String {
    format!("arn:{}:apigateway:{}::{path}", c.partition(), c.region)
}

/// Brings the tags on `arn` from `old` to `new`.
pub async fn update_tags(
    c: &Ctx,
    arn: &str,
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Result<()> {
    let (removed, upserts) = crate::service::tag_changes(old, new);
    if !removed.is_empty() {
        c.apigateway()
            .untag_resource()
            .resource_arn(arn)
            .set_tag_keys(Some(removed))
            .send()
            .await
            .map_err(|e| sdk("apigateway:UntagResource", e))?;
    }
    if !upserts.is_empty() {
        c.apigateway()
            .tag_resource()
            .resource_arn(arn)
            .set_tags(Some(upserts.into_iter().collect()))
            .send()
            .await
            .map_err(|e| sdk("apigateway:TagResource", e))?;
    }
    Ok(())
}

/// Tags AWS reports, as a sorted map.
pub fn tag_map(tags: Option<&HashMap<String, String>>) -> BTreeMap<String, String> {
    tags.into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The parts of an import ID `A/B/...`: exactly `n`, none empty.
pub fn id_parts(id: &str, n: usize) -> Option<Vec<&str>> {
    let parts: Vec<&str> = id.split('/').collect();
    (parts.len() == n && parts.iter().all(|p| !p.is_empty())).then_some(parts)
}
