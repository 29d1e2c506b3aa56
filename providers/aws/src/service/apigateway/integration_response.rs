//! aws_api_gateway_integration_response
//!
//! ID `agir-REST-API-ID-RESOURCE-ID-HTTP-METHOD-STATUS-CODE`; import ID
//! `REST-API-ID/RESOURCE-ID/HTTP-METHOD/STATUS-CODE`. A new `status_code`
//! replaces the response.

use super::method::check_http_method;
use super::method_response::{import_seed, Key, CONFLICT_TIMEOUT};
use super::{map_ops, opt_string, replace, string_map_value};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Result};
use crate::obj::{Obj, State};
use crate::service::elbv2::changed;
use crate::wait::retry_eventual;
use crate::{Outcome, Resource};
use aws_sdk_apigateway::operation::get_integration_response::GetIntegrationResponseOutput;
use aws_sdk_apigateway::types::ContentHandlingStrategy;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct IntegrationResponse;

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("rest_api_id", Attribute::required(Type::String).force_new())
        .attr("resource_id", Attribute::required(Type::String).force_new())
        .attr("http_method", Attribute::required(Type::String).force_new())
        .attr("status_code", Attribute::required(Type::String).force_new())
        .attr("selection_pattern", Attribute::optional(Type::String))
        .attr(
            "response_templates",
            Attribute::optional(Type::map(Type::String)),
        )
        .attr(
            "response_parameters",
            Attribute::optional(Type::map(Type::String)),
        )
        .attr("content_handling", Attribute::optional(Type::String))
}

impl Resource for IntegrationResponse {
    fn name(&self) -> &'static str {
        "aws_api_gateway_integration_response"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let k = Key::of(p);
        let templates = p.map_str("response_templates");
        let params = p.map_str("response_parameters");
        let r: Result<Value> = c.run(async {
            retry_eventual(CONFLICT_TIMEOUT, &["ConflictException"], || async {
                c.apigateway()
                    .put_integration_response()
                    .rest_api_id(&k.api)
                    .resource_id(&k.resource)
                    .http_method(&k.method)
                    .status_code(&k.status)
                    .set_selection_pattern(p.string("selection_pattern"))
                    .set_response_templates(
                        (!templates.is_empty()).then(|| templates.clone().into_iter().collect()),
                    )
                    .set_response_parameters(
                        (!params.is_empty()).then(|| params.clone().into_iter().collect()),
                    )
                    .set_content_handling(
                        p.str("content_handling").map(ContentHandlingStrategy::from),
                    )
                    .send()
                    .await
                    .map_err(|e| sdk("apigateway:PutIntegrationResponse", e))
            })
            .await
            .map_err(|e| e.context("creating API Gateway Integration Response"))?;
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
        if changed(prior, plan, "selection_pattern") {
            ops.push(replace(
                "/selectionPattern",
                p.str("selection_pattern").unwrap_or_default(),
            ));
        }
        if changed(prior, plan, "content_handling") {
            ops.push(replace(
                "/contentHandling",
                p.str("content_handling").unwrap_or_default(),
            ));
        }
        if changed(prior, plan, "response_templates") {
            ops.extend(map_ops(
                "responseTemplates",
                &o.map_str("response_templates"),
                &p.map_str("response_templates"),
            ));
        }
        if changed(prior, plan, "response_parameters") {
            ops.extend(map_ops(
                "responseParameters",
                &o.map_str("response_parameters"),
                &p.map_str("response_parameters"),
            ));
        }
        let r: Result<Value> = c.run(async {
            if !ops.is_empty() {
                c.apigateway()
                    .update_integration_response()
                    .rest_api_id(&k.api)
                    .resource_id(&k.resource)
                    .http_method(&k.method)
                    .status_code(&k.status)
                    .set_patch_operations(Some(ops))
                    .send()
                    .await
                    .map_err(|e| sdk("apigateway:UpdateIntegrationResponse", e))?;
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
                .delete_integration_response()
                .rest_api_id(&k.api)
                .resource_id(&k.resource)
                .http_method(&k.method)
                .status_code(&k.status)
                .send()
                .await
                .map_err(|e| sdk("apigateway:DeleteIntegrationResponse", e))?;
            Ok(())
        })
    }

    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        import_seed(&block(), "agir", id)
    }

    fn validate(&self, config: &Value) -> Diags {
        let mut d: Diags = check_http_method(config, "http_method")
            .into_iter()
            .collect();
        if let Some(h) = Obj(config).str("content_handling") {
            if h != "CONVERT_TO_BINARY" && h != "CONVERT_TO_TEXT" {
                d.push(Diag::error(
                    "Invalid content_handling",
                    format!("expected content_handling to be one of [\"CONVERT_TO_BINARY\" \"CONVERT_TO_TEXT\"], got {h}"),
                ));
            }
        }
        d
    }
}

async fn find(c: &Ctx, k: &Key) -> Result<GetIntegrationResponseOutput> {
    c.apigateway()
        .get_integration_response()
        .rest_api_id(&k.api)
        .resource_id(&k.resource)
        .http_method(&k.method)
        .status_code(&k.status)
        .send()
        .await
        .map_err(|e| sdk("apigateway:GetIntegrationResponse", e))
}

fn flatten(base: &Value, k: &Key, r: &GetIntegrationResponseOutput) -> Value {
    State::from(&block(), base)
        .set("id", k.id("agir"))
        .set("rest_api_id", k.api.clone())
        .set("resource_id", k.resource.clone())
        .set("http_method", k.method.clone())
        .set("status_code", k.status.clone())
        .set(
            "selection_pattern",
            opt_string(base, "selection_pattern", r.selection_pattern()),
        )
        .set(
            "response_templates",
            string_map_value(base, "response_templates", r.response_templates()),
        )
        .set(
            "response_parameters",
            string_map_value(base, "response_parameters", r.response_parameters()),
        )
        .set(
            "content_handling",
            opt_string(
                base,
                "content_handling",
                r.content_handling().map(|h| h.as_str()),
            ),
        )
        .build()
}
