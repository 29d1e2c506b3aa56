//! aws_api_gateway_integration
//!
//! ID `agi-REST-API-ID-RESOURCE-ID-HTTP-METHOD`; import ID
//! `REST-API-ID/RESOURCE-ID/HTTP-METHOD`.

use super::method::check_http_method;
use super::{
    escape, id_parts, map_ops, opt_string, patch, replace, string_map_value, string_set_value,
};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Result};
use crate::obj::{object, Obj, State};
use crate::service::elbv2::{changed, nested};
use crate::{Outcome, Resource};
use aws_sdk_apigateway::operation::get_integration::GetIntegrationOutput;
use aws_sdk_apigateway::types::{
    ConnectionType, ContentHandlingStrategy, IntegrationType, Op, TlsConfig,
};
use std::collections::BTreeSet;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Nesting, Schema, Type, Value};

pub struct Integration;

const TYPES: &[&str] = &["HTTP", "AWS", "MOCK", "HTTP_PROXY", "AWS_PROXY"];
const PASSTHROUGH: &[&str] = &["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"];
const CONTENT_HANDLING: &[&str] = &["CONVERT_TO_BINARY", "CONVERT_TO_TEXT"];

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("rest_api_id", Attribute::required(Type::String).force_new())
        .attr("resource_id", Attribute::required(Type::String).force_new())
        .attr("http_method", Attribute::required(Type::String).force_new())
        .attr("type", Attribute::required(Type::String).force_new())
        .attr(
            "integration_http_method",
            Attribute::optional(Type::String).force_new(),
        )
        .attr("uri", Attribute::optional(Type::String))
        .attr(
            "connection_type",
            Attribute::optional(Type::String).default(Value::string("INTERNET")),
        )
        .attr("connection_id", Attribute::optional(Type::String))
        .attr("credentials", Attribute::optional(Type::String).force_new())
        .attr(
            "request_templates",
            Attribute::optional(Type::map(Type::String)),
        )
        .attr(
            "request_parameters",
            Attribute::optional(Type::map(Type::String)),
        )
        .attr("content_handling", Attribute::optional(Type::String))
        .attr(
            "passthrough_behavior",
            Attribute::optional_computed(Type::String).force_new(),
        )
        .attr(
            "cache_key_parameters",
            Attribute::optional(Type::set(Type::String)),
        )
        .attr(
            "cache_namespace",
            Attribute::optional_computed(Type::String),
        )
        .attr(
            "timeout_milliseconds",
            Attribute::optional(Type::Number).default(Value::int(29000)),
        )
        .block_with(
            "tls_config",
            nested(
                Nesting::List,
                Block::new().attr(
                    "insecure_skip_verification",
                    Attribute::optional(Type::Bool),
                ),
                0,
                1,
            ),
        )
}

/// The integration's method key from a configuration or state.
struct Key {
    api: String,
    resource: String,
    method: String,
}

impl Key {
    fn of(o: Obj) -> Key {
        Key {
            api: o.req("rest_api_id").to_string(),
            resource: o.req("resource_id").to_string(),
            method: o.req("http_method").to_string(),
        }
    }
    fn id(&self) -> String {
        format!("agi-{}-{}-{}", self.api, self.resource, self.method)
    }
}

impl Resource for Integration {
    fn name(&self) -> &'static str {
        "aws_api_gateway_integration"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let k = Key::of(p);
        let cache_keys = p.list_str("cache_key_parameters");
        // AWS groups cached parameters by resource unless told otherwise.
        let namespace = p
            .string("cache_namespace")
            .or_else(|| (!cache_keys.is_empty()).then(|| k.resource.clone()));
        let templates = p.map_str("request_templates");
        let params = p.map_str("request_parameters");
        let r: Result<Value> = c.run(async {
            c.apigateway()
                .put_integration()
                .rest_api_id(&k.api)
                .resource_id(&k.resource)
                .http_method(&k.method)
                .r#type(IntegrationType::from(p.req("type")))
                .set_integration_http_method(p.string("integration_http_method"))
                .set_uri(p.string("uri"))
                .set_connection_type(p.str("connection_type").map(ConnectionType::from))
                .set_connection_id(p.string("connection_id"))
                .set_credentials(p.string("credentials"))
                .set_request_templates(
                    (!templates.is_empty()).then(|| templates.into_iter().collect()),
                )
                .set_request_parameters((!params.is_empty()).then(|| params.into_iter().collect()))
                .set_content_handling(p.str("content_handling").map(ContentHandlingStrategy::from))
                .set_passthrough_behavior(p.string("passthrough_behavior"))
                .set_cache_key_parameters((!cache_keys.is_empty()).then_some(cache_keys))
                .set_cache_namespace(namespace)
                .set_timeout_in_millis(p.i32("timeout_milliseconds"))
                .set_tls_config(p.block("tls_config").map(|t| {
                    TlsConfig::builder()
                        .set_insecure_skip_verification(t.bool("insecure_skip_verification"))
                        .build()
                }))
                .send()
                .await
                .map_err(|e| sdk("apigateway:PutIntegration", e))
                .map_err(|e| e.context("creating API Gateway Integration"))?;
            let i = find(c, &k).await?;
            Ok(flatten(plan, &k, &i))
        });
        r.into()
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let k = Key::of(Obj(state));
        c.run(async {
            let i = found(find(c, &k).await)?;
            Ok(i.map(|i| flatten(state, &k, &i)))
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let (o, p) = (Obj(prior), Obj(plan));
        let k = Key::of(p);
        let mut ops = Vec::new();
        if changed(prior, plan, "request_templates") {
            ops.extend(map_ops(
                "requestTemplates",
                &o.map_str("request_templates"),
                &p.map_str("request_templates"),
            ));
        }
        if changed(prior, plan, "request_parameters") {
            ops.extend(map_ops(
                "requestParameters",
                &o.map_str("request_parameters"),
                &p.map_str("request_parameters"),
            ));
        }
        if changed(prior, plan, "cache_key_parameters") {
            let old: BTreeSet<String> = o.list_str("cache_key_parameters").into_iter().collect();
            let new: BTreeSet<String> = p.list_str("cache_key_parameters").into_iter().collect();
            for v in old.difference(&new) {
                ops.push(patch(
                    Op::Remove,
                    format!("/cacheKeyParameters/{}", escape(v)),
                    Some(String::new()),
                ));
            }
            for v in new.difference(&old) {
                ops.push(patch(
                    Op::Add,
                    format!("/cacheKeyParameters/{}", escape(v)),
                    Some(String::new()),
                ));
            }
        }
        for (attr, path) in [
            ("cache_namespace", "/cacheNamespace"),
            ("uri", "/uri"),
            ("content_handling", "/contentHandling"),
            ("connection_type", "/connectionType"),
            ("connection_id", "/connectionId"),
        ] {
            if changed(prior, plan, attr) {
                ops.push(replace(path, p.str(attr).unwrap_or_default()));
            }
        }
        if changed(prior, plan, "timeout_milliseconds") {
            ops.push(replace(
                "/timeoutInMillis",
                p.i64("timeout_milliseconds").unwrap_or(29000).to_string(),
            ));
        }
        if changed(prior, plan, "tls_config") {
            if let Some(t) = p.block("tls_config") {
                ops.push(replace(
                    "/tlsConfig/insecureSkipVerification",
                    t.flag("insecure_skip_verification").to_string(),
                ));
            }
        }
        let r: Result<Value> = c.run(async {
            if !ops.is_empty() {
                c.apigateway()
                    .update_integration()
                    .rest_api_id(&k.api)
                    .resource_id(&k.resource)
                    .http_method(&k.method)
                    .set_patch_operations(Some(ops))
                    .send()
                    .await
                    .map_err(|e| sdk("apigateway:UpdateIntegration", e))?;
            }
            let i = find(c, &k).await?;
            Ok(flatten(plan, &k, &i))
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let k = Key::of(Obj(state));
        c.run(async {
            c.apigateway()
                .delete_integration()
                .rest_api_id(&k.api)
                .resource_id(&k.resource)
                .http_method(&k.method)
                .send()
                .await
                .map_err(|e| sdk("apigateway:DeleteIntegration", e))?;
            Ok(())
        })
    }

    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        match id_parts(id, 3) {
            Some(p) => State::new(&block())
                .set("id", format!("agi-{}-{}-{}", p[0], p[1], p[2]))
                .set("rest_api_id", p[0])
                .set("resource_id", p[1])
                .set("http_method", p[2])
                .build(),
            None => State::new(&block()).set("id", id).build(),
        }
    }

    fn validate(&self, config: &Value) -> Diags {
        let o = Obj(config);
        let mut d: Diags = check_http_method(config, "http_method")
            .into_iter()
            .collect();
        d.extend(check_http_method(config, "integration_http_method"));
        let one_of = |key: &str, allowed: &[&str]| {
            o.string(key)
                .filter(|v| !allowed.contains(&v.as_str()))
                .map(|v| {
                    Diag::error(
                        format!("Invalid {key}"),
                        format!("expected {key} to be one of {allowed:?}, got {v}"),
                    )
                })
        };
        d.extend(one_of("type", TYPES));
        d.extend(one_of("passthrough_behavior", PASSTHROUGH));
        d.extend(one_of("content_handling", CONTENT_HANDLING));
        d.extend(one_of("connection_type", &["INTERNET", "VPC_LINK"]));
        if let Some(t) = o.i64("timeout_milliseconds") {
            if !(50..=300_000).contains(&t) {
                d.push(Diag::error(
                    "Invalid timeout_milliseconds",
                    format!(
                        "expected timeout_milliseconds to be in the range (50 - 300000), got {t}"
                    ),
                ));
            }
        }
        d
    }
}

async fn find(c: &Ctx, k: &Key) -> Result<GetIntegrationOutput> {
    c.apigateway()
        .get_integration()
        .rest_api_id(&k.api)
        .resource_id(&k.resource)
        .http_method(&k.method)
        .send()
        .await
        .map_err(|e| sdk("apigateway:GetIntegration", e))
}

fn flatten(base: &Value, k: &Key, i: &GetIntegrationOutput) -> Value {
    let tls: Vec<Value> = i
        .tls_config()
        .map(|t| {
            object(vec![(
                "insecure_skip_verification",
                t.insecure_skip_verification().into(),
            )])
        })
        .into_iter()
        .collect();
    State::from(&block(), base)
        .set("id", k.id())
        .set("rest_api_id", k.api.clone())
        .set("resource_id", k.resource.clone())
        .set("http_method", k.method.clone())
        .set("type", i.r#type().map(|t| t.as_str().to_string()))
        .set(
            "integration_http_method",
            opt_string(base, "integration_http_method", i.http_method()),
        )
        .set("uri", opt_string(base, "uri", i.uri()))
        .set(
            "connection_type",
            i.connection_type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_else(|| "INTERNET".to_string()),
        )
        .set(
            "connection_id",
            opt_string(base, "connection_id", i.connection_id()),
        )
        .set(
            "credentials",
            opt_string(base, "credentials", i.credentials()),
        )
        .set(
            "request_templates",
            string_map_value(base, "request_templates", i.request_templates()),
        )
        .set(
            "request_parameters",
            string_map_value(base, "request_parameters", i.request_parameters()),
        )
        .set(
            "content_handling",
            opt_string(
                base,
                "content_handling",
                i.content_handling().map(|h| h.as_str()),
            ),
        )
        .set(
            "passthrough_behavior",
            i.passthrough_behavior().unwrap_or_default(),
        )
        .set(
            "cache_key_parameters",
            string_set_value(base, "cache_key_parameters", i.cache_key_parameters()),
        )
        .set("cache_namespace", i.cache_namespace().unwrap_or_default())
        .set("timeout_milliseconds", i.timeout_in_millis())
        .set("tls_config", Value::Tuple(tls))
        .build()
}
