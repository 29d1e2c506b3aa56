//! aws_api_gateway_rest_api
//!
//! With `body`, the OpenAPI definition is put after the API is created
//! (PutRestApi, `put_rest_api_mode`, default `overwrite`), and arguments the
//! configuration sets win over what the definition says.

use super::{apigateway_arn, escape, execution_arn, patch, replace, tag_map, update_tags};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{object, Obj, State};
use crate::schema::with_tags;
use crate::service::elbv2::{changed, computed_block};
use crate::service::iam::policy_json::{normalize, plan_policy, policy_to_set};
use crate::service::iam::rfc3339;
use crate::service::{plan_tags_all, read_tags};
use crate::{Outcome, Resource};
use aws_sdk_apigateway::operation::get_rest_api::GetRestApiOutput;
use aws_sdk_apigateway::primitives::Blob;
use aws_sdk_apigateway::types::{
    ApiKeySourceType, EndpointConfiguration, EndpointType, IpAddressType, Op, PatchOperation,
    PutMode,
};
use std::collections::BTreeSet;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Nesting, Schema, Type, Value};

pub struct RestApi;

fn block() -> Block {
    with_tags(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String))
            .attr("description", Attribute::optional_computed(Type::String))
            .attr("body", Attribute::optional(Type::String))
            .attr("api_key_source", Attribute::optional_computed(Type::String))
            .attr(
                "binary_media_types",
                Attribute::optional_computed(Type::list(Type::String)),
            )
            .attr(
                "disable_execute_api_endpoint",
                Attribute::optional_computed(Type::Bool),
            )
            .attr("fail_on_warnings", Attribute::optional(Type::Bool))
            // A string since hashicorp/aws v5 so that a value the body sets
            // can be read back; "-1" means none.
            .attr(
                "minimum_compression_size",
                Attribute::optional_computed(Type::String),
            )
            .attr("parameters", Attribute::optional(Type::map(Type::String)))
            .attr("policy", Attribute::optional_computed(Type::String))
            .attr(
                "put_rest_api_mode",
                Attribute::optional(Type::String).default(Value::string("overwrite")),
            )
            .attr("arn", Attribute::computed(Type::String))
            .attr("created_date", Attribute::computed(Type::String))
            .attr("execution_arn", Attribute::computed(Type::String))
            .attr("root_resource_id", Attribute::computed(Type::String))
            .block_with(
                "endpoint_configuration",
                crate::service::elbv2::nested(
                    Nesting::List,
                    Block::new()
                        .attr("types", Attribute::required(Type::list(Type::String)))
                        .attr(
                            "ip_address_type",
                            Attribute::optional_computed(Type::String),
                        )
                        .attr(
                            "vpc_endpoint_ids",
                            Attribute::optional_computed(Type::set(Type::String)),
                        ),
                    0,
                    1,
                ),
            ),
    )
}

impl Resource for RestApi {
    fn name(&self) -> &'static str {
        "aws_api_gateway_rest_api"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = p.req("name").to_string();
        let tags = c.tags_all(&p.map_str("tags"));
        let account = match c.account_id() {
            Ok(a) => a,
            Err(e) => return Outcome::Failed(e),
        };
        let created = c.run(async {
            let mut req = c
                .apigateway()
                .create_rest_api()
                .name(&name)
                .set_description(p.string("description"))
                .set_api_key_source(p.str("api_key_source").map(ApiKeySourceType::from))
                .set_binary_media_types(
                    Some(p.list_str("binary_media_types")).filter(|v| !v.is_empty()),
                )
                .set_endpoint_configuration(endpoint_configuration(p))
                .set_minimum_compression_size(compression_size(p))
                .set_tags((!tags.is_empty()).then(|| tags.clone().into_iter().collect()));
            if p.flag("disable_execute_api_endpoint") {
                req = req.disable_execute_api_endpoint(true);
            }
            if let Some(policy) = p.str("policy").filter(|s| !s.is_empty()) {
                req = req.policy(normalize(policy).map_err(invalid_policy)?);
            }
            req.send()
                .await
                .map_err(|e| sdk("apigateway:CreateRestApi", e))
                .map_err(|e| e.context(format!("creating API Gateway REST API ({name})")))
        });
        let id = match created {
            Ok(out) => out.id.unwrap_or_default(),
            Err(e) => return Outcome::Failed(e),
        };
        // The API exists from here on: a failure keeps it in the state.
        let base = State::from(&block(), plan)
            .set("id", id.clone())
            .set("tags_all", crate::obj::string_map(tags))
            .build();
        let rest = c.run(async {
            if p.get("body").is_some() {
                put_body(c, &id, p).await?;
            }
            let api = find(c, &id).await?;
            flatten(c, &account, &base, &api).await
        });
        match rest {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let id = Obj(state).id().to_string();
        let account = c.account_id()?;
        c.run(async {
            let Some(api) = found(find(c, &id).await)? else {
                return Ok(None);
            };
            flatten(c, &account, state, &api).await.map(Some)
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let (o, p) = (Obj(prior), Obj(plan));
        let id = o.id().to_string();
        let account = match c.account_id() {
            Ok(a) => a,
            Err(e) => return Outcome::Failed(e),
        };
        let r = c.run(async {
            let ops = update_operations(prior, plan)?;
            if !ops.is_empty() {
                c.apigateway()
                    .update_rest_api()
                    .rest_api_id(&id)
                    .set_patch_operations(Some(ops))
                    .send()
                    .await
                    .map_err(|e| sdk("apigateway:UpdateRestApi", e))?;
            }
            if (changed(prior, plan, "body") || changed(prior, plan, "parameters"))
                && p.get("body").is_some()
            {
                put_body(c, &id, p).await?;
            }
            let arn = apigateway_arn(c, &format!("/restapis/{id}"));
            let tags = c.tags_all(&p.map_str("tags"));
            update_tags(c, &arn, &o.map_str("tags_all"), &tags).await?;
            let api = find(c, &id).await?;
            flatten(c, &account, plan, &api).await
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let id = Obj(state).id().to_string();
        c.run(async {
            c.apigateway()
                .delete_rest_api()
                .rest_api_id(&id)
                .send()
                .await
                .map_err(|e| sdk("apigateway:DeleteRestApi", e))?;
            Ok(())
        })
    }

    /// An imported API is planned as if its body had been put in the
    /// default mode.
    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        State::new(&block())
            .set("id", id)
            .set("put_rest_api_mode", "overwrite")
            .build()
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        let planned = plan_policy(prior, plan_tags_all(prior, planned), "policy", normalize);
        let Value::Object(mut m) = planned else {
            return planned;
        };
        computed_block(&mut m, prior, "endpoint_configuration");
        // "-1" asks for no minimum: no change when there is none.
        if m.get("minimum_compression_size").and_then(Value::as_str) == Some("-1")
            && !prior.is_null()
            && prior
                .get_attr("minimum_compression_size")
                .is_some_and(Value::is_null)
        {
            m.insert("minimum_compression_size".into(), Value::Null(Type::String));
        }
        Value::Object(m)
    }

    fn validate(&self, config: &Value) -> Diags {
        let o = Obj(config);
        let mut d = Vec::new();
        if let Some(v) = o.str("minimum_compression_size") {
            if !v
                .parse::<i64>()
                .is_ok_and(|n| (-1..=10_485_760).contains(&n))
            {
                d.push(Diag::error(
                    "Invalid minimum_compression_size",
                    format!("expected minimum_compression_size to be an integer in the range (-1 - 10485760), got {v}"),
                ));
            }
        }
        if let Some(m) = o.str("put_rest_api_mode") {
            if m != "merge" && m != "overwrite" {
                d.push(Diag::error(
                    "Invalid put_rest_api_mode",
                    format!("expected put_rest_api_mode to be one of [\"merge\" \"overwrite\"], got {m}"),
                ));
            }
        }
        if let Some(p) = o.str("policy").filter(|p| !p.is_empty()) {
            if let Err(e) = crate::service::iam::policy_json::check_policy(p) {
                d.push(Diag::error("Invalid policy", e));
            }
        }
        for e in o.blocks("endpoint_configuration") {
            if e.list_str("types").len() != 1 {
                d.push(Diag::error(
                    "Invalid endpoint_configuration",
                    "endpoint_configuration.0.types: exactly one endpoint type is required",
                ));
            }
        }
        d
    }
}

fn invalid_policy(e: String) -> Error {
    Error::new("Invalid policy document", e)
}

/// `minimum_compression_size` to send ("-1" sends none).
fn compression_size(p: Obj) -> Option<i32> {
    p.str("minimum_compression_size")
        .and_then(|v| v.parse::<i32>().ok())
        .filter(|n| *n != -1)
}

fn endpoint_configuration(p: Obj) -> Option<EndpointConfiguration> {
    let e = p.block("endpoint_configuration")?;
    let ids = e.list_str("vpc_endpoint_ids");
    Some(
        EndpointConfiguration::builder()
            .set_types(Some(
                e.list_str("types")
                    .iter()
                    .map(|t| EndpointType::from(t.as_str()))
                    .collect(),
            ))
            .set_ip_address_type(e.str("ip_address_type").map(IpAddressType::from))
            .set_vpc_endpoint_ids((!ids.is_empty()).then_some(ids))
            .build(),
    )
}

/// Puts the OpenAPI definition, then sets again what the configuration
/// says that the definition (in overwrite mode) may have changed.
async fn put_body(c: &Ctx, id: &str, p: Obj<'_>) -> Result<()> {
    let mode = p.str("put_rest_api_mode").unwrap_or("overwrite");
    c.apigateway()
        .put_rest_api()
        .rest_api_id(id)
        .mode(PutMode::from(mode))
        .body(Blob::new(p.req("body").as_bytes().to_vec()))
        .set_fail_on_warnings(p.bool("fail_on_warnings"))
        .set_parameters(
            Some(p.map_str("parameters").into_iter().collect())
                .filter(|m: &std::collections::HashMap<String, String>| !m.is_empty()),
        )
        .send()
        .await
        .map_err(|e| sdk("apigateway:PutRestApi", e))
        .map_err(|e| e.context(format!("putting API Gateway REST API ({id}) specification")))?;
    let api = find(c, id).await?;
    let ops = reconcile_operations(p, &api)?;
    if !ops.is_empty() {
        c.apigateway()
            .update_rest_api()
            .rest_api_id(id)
            .set_patch_operations(Some(ops))
            .send()
            .await
            .map_err(|e| sdk("apigateway:UpdateRestApi", e))?;
    }
    Ok(())
}

/// What the configuration sets and the API (after a definition was put)
/// differs on.
fn reconcile_operations(p: Obj, api: &GetRestApiOutput) -> Result<Vec<PatchOperation>> {
    let mut ops = Vec::new();
    if let Some(v) = p.str("api_key_source") {
        if api.api_key_source().map(|s| s.as_str()) != Some(v) {
            ops.push(replace("/apiKeySource", v));
        }
    }
    let media = p.list_str("binary_media_types");
    if !media.is_empty() {
        for t in api.binary_media_types() {
            ops.push(patch(
                Op::Remove,
                format!("/binaryMediaTypes/{}", escape(t)),
                None,
            ));
        }
        for t in &media {
            ops.push(patch(
                Op::Add,
                format!("/binaryMediaTypes/{}", escape(t)),
                None,
            ));
        }
    }
    if let Some(v) = p.str("description").filter(|v| !v.is_empty()) {
        if api.description() != Some(v) {
            ops.push(replace("/description", v));
        }
    }
    if let Some(true) = p.bool("disable_execute_api_endpoint") {
        if !api.disable_execute_api_endpoint() {
            ops.push(replace("/disableExecuteApiEndpoint", "true"));
        }
    }
    if let Some(e) = p.block("endpoint_configuration") {
        let have: BTreeSet<&str> = api
            .endpoint_configuration()
            .map(|c| c.vpc_endpoint_ids().iter().map(String::as_str).collect())
            .unwrap_or_default();
        let want = e.list_str("vpc_endpoint_ids");
        let want: BTreeSet<&str> = want.iter().map(String::as_str).collect();
        if !want.is_empty() {
            for v in have.difference(&want) {
                ops.push(patch(
                    Op::Remove,
                    "/endpointConfiguration/vpcEndpointIds",
                    Some(v.to_string()),
                ));
            }
            for v in want.difference(&have) {
                ops.push(patch(
                    Op::Add,
                    "/endpointConfiguration/vpcEndpointIds",
                    Some(v.to_string()),
                ));
            }
        }
    }
    if let Some(v) = p.str("minimum_compression_size") {
        if api.minimum_compression_size().unwrap_or(0).to_string() != v {
            ops.push(patch(
                Op::Replace,
                "/minimumCompressionSize",
                (v != "-1").then(|| v.to_string()),
            ));
        }
    }
    if api.name() != Some(p.req("name")) {
        ops.push(replace("/name", p.req("name")));
    }
    if let Some(policy) = p.str("policy").filter(|s| !s.is_empty()) {
        let current = decode_policy(api.policy().unwrap_or_default());
        if !crate::service::iam::policy_json::equivalent(policy, &current) {
            ops.push(replace(
                "/policy",
                normalize(policy).map_err(invalid_policy)?,
            ));
        }
    }
    Ok(ops)
}

/// The operations that bring the API from the prior state to the plan.
fn update_operations(prior: &Value, plan: &Value) -> Result<Vec<PatchOperation>> {
    let (o, p) = (Obj(prior), Obj(plan));
    let mut ops = Vec::new();
    if changed(prior, plan, "api_key_source") {
        if let Some(v) = p.str("api_key_source") {
            ops.push(replace("/apiKeySource", v));
        }
    }
    if changed(prior, plan, "binary_media_types") && p.get("binary_media_types").is_some() {
        for t in o.list_str("binary_media_types") {
            ops.push(patch(
                Op::Remove,
                format!("/binaryMediaTypes/{}", escape(&t)),
                None,
            ));
        }
        for t in p.list_str("binary_media_types") {
            ops.push(patch(
                Op::Add,
                format!("/binaryMediaTypes/{}", escape(&t)),
                None,
            ));
        }
    }
    if changed(prior, plan, "description") {
        ops.push(replace(
            "/description",
            p.str("description").unwrap_or_default(),
        ));
    }
    if changed(prior, plan, "disable_execute_api_endpoint") {
        ops.push(replace(
            "/disableExecuteApiEndpoint",
            p.flag("disable_execute_api_endpoint").to_string(),
        ));
    }
    if let (Some(old), Some(new)) = (
        o.block("endpoint_configuration"),
        p.block("endpoint_configuration"),
    ) {
        let (old_types, new_types) = (old.list_str("types"), new.list_str("types"));
        if old_types != new_types {
            if let Some(t) = new_types.first() {
                ops.push(replace("/endpointConfiguration/types/0", t.clone()));
            }
        }
        if new.get("vpc_endpoint_ids").is_some() {
            let old_ids: BTreeSet<String> = old.list_str("vpc_endpoint_ids").into_iter().collect();
            let new_ids: BTreeSet<String> = new.list_str("vpc_endpoint_ids").into_iter().collect();
            for v in old_ids.difference(&new_ids) {
                ops.push(patch(
                    Op::Remove,
                    "/endpointConfiguration/vpcEndpointIds",
                    Some(v.clone()),
                ));
            }
            for v in new_ids.difference(&old_ids) {
                ops.push(patch(
                    Op::Add,
                    "/endpointConfiguration/vpcEndpointIds",
                    Some(v.clone()),
                ));
            }
        }
        if let Some(t) = new.str("ip_address_type") {
            if old.str("ip_address_type") != Some(t) {
                ops.push(replace("/endpointConfiguration/ipAddressType", t));
            }
        }
    }
    if changed(prior, plan, "minimum_compression_size") {
        let v = p.str("minimum_compression_size").filter(|v| *v != "-1");
        ops.push(patch(
            Op::Replace,
            "/minimumCompressionSize",
            v.map(String::from),
        ));
    }
    if changed(prior, plan, "name") {
        ops.push(replace("/name", p.req("name")));
    }
    if changed(prior, plan, "policy") {
        let policy = p.str("policy").unwrap_or_default();
        let policy = if policy.is_empty() {
            String::new()
        } else {
            normalize(policy).map_err(invalid_policy)?
        };
        ops.push(replace("/policy", policy));
    }
    Ok(ops)
}

pub(super) async fn find(c: &Ctx, id: &str) -> Result<GetRestApiOutput> {
    c.apigateway()
        .get_rest_api()
        .rest_api_id(id)
        .send()
        .await
        .map_err(|e| sdk("apigateway:GetRestApi", e))
}

/// The ID of the API's `/` resource (GetResources when GetRestApi does
/// not say).
async fn root_resource_id(c: &Ctx, api: &GetRestApiOutput) -> Result<Option<String>> {
    if let Some(id) = api.root_resource_id() {
        return Ok(Some(id.to_string()));
    }
    let items = c
        .apigateway()
        .get_resources()
        .rest_api_id(api.id().unwrap_or_default())
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| sdk("apigateway:GetResources", e))?;
    Ok(items
        .into_iter()
        .find(|r| r.path() == Some("/"))
        .and_then(|r| r.id))
}

/// A policy as AWS returns it: a JSON document whose quotes are escaped
/// (`{\"Version\":...}`), or plain.
fn decode_policy(text: &str) -> String {
    if text.is_empty() || serde_json::from_str::<serde_json::Value>(text).is_ok() {
        return text.to_string();
    }
    serde_json::from_str::<String>(&format!("\"{text}\"")).unwrap_or_else(|_| text.to_string())
}

/// The state of an API: `base` (the plan or prior state) with what AWS
/// reports.
async fn flatten(c: &Ctx, account: &str, base: &Value, api: &GetRestApiOutput) -> Result<Value> {
    let b = Obj(base);
    let id = api.id().unwrap_or_default().to_string();
    let root = root_resource_id(c, api).await?;
    let policy = policy_to_set(
        b.str("policy").unwrap_or_default(),
        &decode_policy(api.policy().unwrap_or_default()),
    )
    .map_err(invalid_policy)?;
    let endpoint = api.endpoint_configuration().map(|e| {
        object(vec![
            (
                "types",
                e.types()
                    .iter()
                    .map(|t| t.as_str().to_string())
                    .collect::<Vec<_>>()
                    .into(),
            ),
            (
                "ip_address_type",
                e.ip_address_type().map(|t| t.as_str().to_string()).into(),
            ),
            (
                "vpc_endpoint_ids",
                Some(e.vpc_endpoint_ids())
                    .filter(|v| !v.is_empty())
                    .map(|v| {
                        Value::set(
                            Type::String,
                            v.iter().map(|s| Value::string(s.clone())).collect(),
                        )
                    })
                    .into(),
            ),
        ])
    });
    // AWS has no minimum where "-1" asked for none.
    let compression = match api.minimum_compression_size() {
        Some(n) => Some(n.to_string()),
        None if b.str("minimum_compression_size") == Some("-1") => Some("-1".to_string()),
        None => None,
    };
    let s = State::from(&block(), base)
        .set("id", id.clone())
        .set("name", api.name())
        .set("description", api.description().unwrap_or_default())
        .set(
            "api_key_source",
            api.api_key_source().map(|s| s.as_str().to_string()),
        )
        .set("arn", apigateway_arn(c, &format!("/restapis/{id}")))
        .set("binary_media_types", api.binary_media_types().to_vec())
        .set(
            "created_date",
            api.created_date().map(rfc3339).unwrap_or_default(),
        )
        .set(
            "disable_execute_api_endpoint",
            api.disable_execute_api_endpoint(),
        )
        .set(
            "endpoint_configuration",
            Value::Tuple(endpoint.into_iter().collect()),
        )
        .set("execution_arn", execution_arn(c, account, &id))
        .set("minimum_compression_size", compression)
        .set("policy", policy)
        .set("root_resource_id", root);
    Ok(read_tags(c, s, base, tag_map(api.tags())).build())
}
