//! aws_api_gateway_method_response
//!
//! ID `agmr-REST-API-ID-RESOURCE-ID-HTTP-METHOD-STATUS-CODE`; import ID
//! `REST-API-ID/RESOURCE-ID/HTTP-METHOD/STATUS-CODE`. A new `status_code`
//! replaces the response (hashicorp/aws updates in place, and the update
//! then fails on a response that does not exist).

use super::method::check_http_method;
use super::{bool_map, bool_map_ops, bool_map_value, id_parts, map_ops, string_map_value};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Result};
use crate::obj::{Obj, State};
use crate::service::elbv2::changed;
use crate::wait::retry_eventual;
use crate::{Outcome, Resource};
use aws_sdk_apigateway::operation::get_method_response::GetMethodResponseOutput;
use std::time::Duration;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct MethodResponse;

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("rest_api_id", Attribute::required(Type::String).force_new())
        .attr("resource_id", Attribute::required(Type::String).force_new())
        .attr("http_method", Attribute::required(Type::String).force_new())
        .attr("status_code", Attribute::required(Type::String).force_new())
        .attr(
            "response_models",
            Attribute::optional(Type::map(Type::String)),
        )
        .attr(
            "response_parameters",
            Attribute::optional(Type::map(Type::Bool)),
        )
}

/// The response's four-part key from a configuration or state.
pub(super) struct Key {
    pub api: String,
    pub resource: String,
    pub method: String,
    pub status: String,
}

impl Key {
    pub fn of(o: Obj) -> Key {
        Key {
            api: o.req("rest_api_id").to_string(),
            resource: o.req("resource_id").to_string(),
            method: o.req("http_method").to_string(),
            status: o.req("status_code").to_string(),
        }
    }
    /// `PREFIX-API-RESOURCE-METHOD-STATUS`.
    pub fn id(&self, prefix: &str) -> String {
        format!(
            "{prefix}-{}-{}-{}-{}",
            self.api, self.resource, self.method, self.status
        )
    }
}

/// API Gateway answers ConflictException while another change to the same
/// API is in progress (responses of one method created in parallel, say).
pub(super) const CONFLICT_TIMEOUT: Duration = Duration::from_secs(120);

impl Resource for MethodResponse {
    fn name(&self) -> &'static str {
        "aws_api_gateway_method_response"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let k = Key::of(p);
        let models = p.map_str("response_models");
        let params = bool_map(p, "response_parameters");
        let r: Result<Value> = c.run(async {
            retry_eventual(CONFLICT_TIMEOUT, &["ConflictException"], || async {
                c.apigateway()
                    .put_method_response()
                    .rest_api_id(&k.api)
                    .resource_id(&k.resource)
                    .http_method(&k.method)
                    .status_code(&k.status)
                    .set_response_models(
                        (!models.is_empty()).then(|| models.clone().into_iter().collect()),
                    )
                    .set_response_parameters(
                        (!params.is_empty()).then(|| params.clone().into_iter().collect()),
                    )
                    .send()
                    .await
                    .map_err(|e| sdk("apigateway:PutMethodResponse", e))
            })
            .await
            .map_err(|e| e.context("creating API Gateway Method Response"))?;
            let r = find(c, &k).await?;
            Ok(flatten(plan, &k, &r))
        });
        r.into()
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let k = Key::of(Obj(state));
        c.run(async {
            let r = found(find(c, &k).await)?;
            Ok(r.map(|r| flatten(state, &k, &r)))
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let (o, p) = (Obj(prior), Obj(plan));
        let k = Key::of(p);
        let mut ops = Vec::new();
        if changed(prior, plan, "response_models") {
            ops.extend(map_ops(
                "responseModels",
                &o.map_str("response_models"),
                &p.map_str("response_models"),
            ));
        }
        if changed(prior, plan, "response_parameters") {
            ops.extend(bool_map_ops(
                "responseParameters",
                &bool_map(o, "response_parameters"),
                &bool_map(p, "response_parameters"),
            ));
        }
        let r: Result<Value> = c.run(async {
            if !ops.is_empty() {
                c.apigateway()
                    .update_method_response()
                    .rest_api_id(&k.api)
                    .resource_id(&k.resource)
                    .http_method(&k.method)
                    .status_code(&k.status)
                    .set_patch_operations(Some(ops))
                    .send()
                    .await
                    .map_err(|e| sdk("apigateway:UpdateMethodResponse", e))?;
            }
            let r = find(c, &k).await?;
            Ok(flatten(plan, &k, &r))
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let k = Key::of(Obj(state));
        c.run(async {
            c.apigateway()
                .delete_method_response()
                .rest_api_id(&k.api)
                .resource_id(&k.resource)
                .http_method(&k.method)
                .status_code(&k.status)
                .send()
                .await
                .map_err(|e| sdk("apigateway:DeleteMethodResponse", e))?;
            Ok(())
        })
    }

    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        import_seed(&block(), "agmr", id)
    }

    fn validate(&self, config: &Value) -> Diags {
        check_http_method(config, "http_method")
            .into_iter()
            .collect()
    }
}

/// The state an import ID `API/RESOURCE/METHOD/STATUS` names.
pub(super) fn import_seed(b: &Block, prefix: &str, id: &str) -> Value {
    match id_parts(id, 4) {
        Some(p) => State::new(b)
            .set(
                "id",
                format!("{prefix}-{}-{}-{}-{}", p[0], p[1], p[2], p[3]),
            )
            .set("rest_api_id", p[0])
            .set("resource_id", p[1])
            .set("http_method", p[2])
            .set("status_code", p[3])
            .build(),
        None => State::new(b).set("id", id).build(),
    }
}

async fn find(c: &Ctx, k: &Key) -> Result<GetMethodResponseOutput> {
    c.apigateway()
        .get_method_response()
        .rest_api_id(&k.api)
        .resource_id(&k.resource)
        .http_method(&k.method)
        .status_code(&k.status)
        .send()
        .await
        .map_err(|e| sdk("apigateway:GetMethodResponse", e))
}

fn flatten(base: &Value, k: &Key, r: &GetMethodResponseOutput) -> Value {
    State::from(&block(), base)
        .set("id", k.id("agmr"))
        .set("rest_api_id", k.api.clone())
        .set("resource_id", k.resource.clone())
        .set("http_method", k.method.clone())
        .set("status_code", k.status.clone())
        .set(
            "response_models",
            string_map_value(base, "response_models", r.response_models()),
        )
        .set(
            "response_parameters",
            bool_map_value(base, "response_parameters", r.response_parameters()),
        )
        .build()
}
