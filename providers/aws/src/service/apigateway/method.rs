//! aws_api_gateway_method
//!
//! ID `agm-REST-API-ID-RESOURCE-ID-HTTP-METHOD`; import ID
//! `REST-API-ID/RESOURCE-ID/HTTP-METHOD`.

use super::{
    bool_map, bool_map_ops, bool_map_value, id_parts, map_ops, opt_string, patch, replace,
    string_map_value, string_set_value,
};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Result};
use crate::obj::{Obj, State};
use crate::service::elbv2::changed;
use crate::{Outcome, Resource};
use aws_sdk_apigateway::operation::get_method::GetMethodOutput;
use aws_sdk_apigateway::types::Op;
use std::collections::BTreeSet;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct Method;

/// The HTTP methods a method (and an integration) may have.
pub const HTTP_METHODS: &[&str] = &[
    "ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT",
];

/// Validation of an `http_method`-like attribute.
pub fn check_http_method(config: &Value, key: &str) -> Option<Diag> {
    let v = Obj(config).string(key)?;
    (!HTTP_METHODS.contains(&v.as_str())).then(|| {
        Diag::error(
            format!("Invalid {key}"),
            format!("expected {key} to be one of {HTTP_METHODS:?}, got {v}"),
        )
    })
}

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("rest_api_id", Attribute::required(Type::String).force_new())
        .attr("resource_id", Attribute::required(Type::String).force_new())
        .attr("http_method", Attribute::required(Type::String).force_new())
        .attr("authorization", Attribute::required(Type::String))
        .attr("authorizer_id", Attribute::optional(Type::String))
        .attr(
            "authorization_scopes",
            Attribute::optional(Type::set(Type::String)),
        )
        .attr(
            "api_key_required",
            Attribute::optional(Type::Bool).default(Value::Bool(false)),
        )
        .attr("operation_name", Attribute::optional(Type::String))
        .attr(
            "request_models",
            Attribute::optional(Type::map(Type::String)),
        )
        .attr(
            "request_parameters",
            Attribute::optional(Type::map(Type::Bool)),
        )
        .attr("request_validator_id", Attribute::optional(Type::String))
}

/// The method's three-part key from a configuration or state.
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
        format!("agm-{}-{}-{}", self.api, self.resource, self.method)
    }
}

impl Resource for Method {
    fn name(&self) -> &'static str {
        "aws_api_gateway_method"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let k = Key::of(p);
        let scopes = p.list_str("authorization_scopes");
        let models = p.map_str("request_models");
        let params = bool_map(p, "request_parameters");
        let r: Result<Value> = c.run(async {
            c.apigateway()
                .put_method()
                .rest_api_id(&k.api)
                .resource_id(&k.resource)
                .http_method(&k.method)
                .authorization_type(p.req("authorization"))
                .api_key_required(p.flag("api_key_required"))
                .set_authorizer_id(p.string("authorizer_id").filter(|s| !s.is_empty()))
                .set_authorization_scopes((!scopes.is_empty()).then_some(scopes))
                .set_operation_name(p.string("operation_name").filter(|s| !s.is_empty()))
                .set_request_models((!models.is_empty()).then(|| models.into_iter().collect()))
                .set_request_parameters((!params.is_empty()).then(|| params.into_iter().collect()))
                .set_request_validator_id(
                    p.string("request_validator_id").filter(|s| !s.is_empty()),
                )
                .send()
                .await
                .map_err(|e| sdk("apigateway:PutMethod", e))
                .map_err(|e| e.context("creating API Gateway Method"))?;
            let m = find(c, &k).await?;
            Ok(flatten(plan, &k, &m))
        });
        r.into()
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let k = Key::of(Obj(state));
        c.run(async {
            let m = found(find(c, &k).await)?;
            Ok(m.map(|m| flatten(state, &k, &m)))
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let (o, p) = (Obj(prior), Obj(plan));
        let k = Key::of(p);
        let mut ops = Vec::new();
        if changed(prior, plan, "request_models") {
            ops.extend(map_ops(
                "requestModels",
                &o.map_str("request_models"),
                &p.map_str("request_models"),
            ));
        }
        if changed(prior, plan, "request_parameters") {
            ops.extend(bool_map_ops(
                "requestParameters",
                &bool_map(o, "request_parameters"),
                &bool_map(p, "request_parameters"),
            ));
        }
        if changed(prior, plan, "authorization") {
            ops.push(replace("/authorizationType", p.req("authorization")));
        }
        if changed(prior, plan, "authorizer_id") {
            ops.push(replace(
                "/authorizerId",
                p.str("authorizer_id").unwrap_or_default(),
            ));
        }
        if changed(prior, plan, "authorization_scopes") {
            let old: BTreeSet<String> = o.list_str("authorization_scopes").into_iter().collect();
            let new: BTreeSet<String> = p.list_str("authorization_scopes").into_iter().collect();
            for s in new.difference(&old) {
                ops.push(patch(Op::Add, "/authorizationScopes", Some(s.clone())));
            }
            for s in old.difference(&new) {
                ops.push(patch(Op::Remove, "/authorizationScopes", Some(s.clone())));
            }
        }
        if changed(prior, plan, "api_key_required") {
            ops.push(replace(
                "/apiKeyRequired",
                p.flag("api_key_required").to_string(),
            ));
        }
        // An empty validator or operation name is none: no value at all.
        if changed(prior, plan, "request_validator_id") {
            ops.push(patch(
                Op::Replace,
                "/requestValidatorId",
                p.string("request_validator_id").filter(|s| !s.is_empty()),
            ));
        }
        if changed(prior, plan, "operation_name") {
            ops.push(patch(
                Op::Replace,
                "/operationName",
                p.string("operation_name").filter(|s| !s.is_empty()),
            ));
        }
        let r: Result<Value> = c.run(async {
            if !ops.is_empty() {
                c.apigateway()
                    .update_method()
                    .rest_api_id(&k.api)
                    .resource_id(&k.resource)
                    .http_method(&k.method)
                    .set_patch_operations(Some(ops))
                    .send()
                    .await
                    .map_err(|e| sdk("apigateway:UpdateMethod", e))?;
            }
            let m = find(c, &k).await?;
            Ok(flatten(plan, &k, &m))
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let k = Key::of(Obj(state));
        c.run(async {
            c.apigateway()
                .delete_method()
                .rest_api_id(&k.api)
                .resource_id(&k.resource)
                .http_method(&k.method)
                .send()
                .await
                .map_err(|e| sdk("apigateway:DeleteMethod", e))?;
            Ok(())
        })
    }

    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        match id_parts(id, 3) {
            Some(p) => State::new(&block())
                .set("id", format!("agm-{}-{}-{}", p[0], p[1], p[2]))
                .set("rest_api_id", p[0])
                .set("resource_id", p[1])
                .set("http_method", p[2])
                .build(),
            None => State::new(&block()).set("id", id).build(),
        }
    }

    fn validate(&self, config: &Value) -> Diags {
        check_http_method(config, "http_method")
            .into_iter()
            .collect()
    }
}

async fn find(c: &Ctx, k: &Key) -> Result<GetMethodOutput> {
    c.apigateway()
        .get_method()
        .rest_api_id(&k.api)
        .resource_id(&k.resource)
        .http_method(&k.method)
        .send()
        .await
        .map_err(|e| sdk("apigateway:GetMethod", e))
}

fn flatten(base: &Value, k: &Key, m: &GetMethodOutput) -> Value {
    State::from(&block(), base)
        .set("id", k.id())
        .set("rest_api_id", k.api.clone())
        .set("resource_id", k.resource.clone())
        .set("http_method", k.method.clone())
        .set("authorization", m.authorization_type())
        .set("api_key_required", m.api_key_required().unwrap_or(false))
        .set(
            "authorizer_id",
            opt_string(base, "authorizer_id", m.authorizer_id()),
        )
        .set(
            "authorization_scopes",
            string_set_value(base, "authorization_scopes", m.authorization_scopes()),
        )
        .set(
            "operation_name",
            opt_string(base, "operation_name", m.operation_name()),
        )
        .set(
            "request_models",
            string_map_value(base, "request_models", m.request_models()),
        )
        .set(
            "request_parameters",
            bool_map_value(base, "request_parameters", m.request_parameters()),
        )
        .set(
            "request_validator_id",
            opt_string(base, "request_validator_id", m.request_validator_id()),
        )
        .build()
}
