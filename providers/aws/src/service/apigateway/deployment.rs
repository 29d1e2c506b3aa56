//! aws_api_gateway_deployment
//!
//! Import ID: `REST-API-ID/DEPLOYMENT-ID`. `stage_name` and
//! `stage_description` are hashicorp/aws v5's deprecated way to create a
//! stage with the deployment (use aws_api_gateway_stage); `invoke_url` and
//! `execution_arn` follow `stage_name` (empty without one), as there.
//! `canary_settings` (also deprecated) is not supported.

use super::{execution_arn, id_parts, invoke_url, opt_string, replace};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Result};
use crate::obj::{Obj, State};
use crate::service::elbv2::changed;
use crate::service::iam::rfc3339;
use crate::{Outcome, Resource};
use aws_sdk_apigateway::operation::get_deployment::GetDeploymentOutput;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct Deployment;

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("rest_api_id", Attribute::required(Type::String).force_new())
        .attr("description", Attribute::optional(Type::String))
        .attr(
            "triggers",
            Attribute::optional(Type::map(Type::String)).force_new(),
        )
        .attr(
            "variables",
            Attribute::optional(Type::map(Type::String)).force_new(),
        )
        .attr(
            "stage_name",
            Attribute::optional(Type::String).force_new().deprecated(
                "stage_name is deprecated. Use the aws_api_gateway_stage resource instead.",
            ),
        )
        .attr(
            "stage_description",
            Attribute::optional(Type::String).force_new().deprecated(
                "stage_description is deprecated. Use the aws_api_gateway_stage resource instead.",
            ),
        )
        .attr("created_date", Attribute::computed(Type::String))
        .attr(
            "invoke_url",
            Attribute::computed(Type::String).deprecated(
                "invoke_url is deprecated. Use the aws_api_gateway_stage resource instead.",
            ),
        )
        .attr(
            "execution_arn",
            Attribute::computed(Type::String).deprecated(
                "execution_arn is deprecated. Use the aws_api_gateway_stage resource instead.",
            ),
        )
}

impl Resource for Deployment {
    fn name(&self) -> &'static str {
        "aws_api_gateway_deployment"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let api = p.req("rest_api_id").to_string();
        let variables = p.map_str("variables");
        let account = match c.account_id() {
            Ok(a) => a,
            Err(e) => return Outcome::Failed(e),
        };
        let r: Result<Value> = c.run(async {
            let out = c
                .apigateway()
                .create_deployment()
                .rest_api_id(&api)
                .description(p.str("description").unwrap_or_default())
                .set_stage_name(p.string("stage_name").filter(|s| !s.is_empty()))
                .set_stage_description(p.string("stage_description").filter(|s| !s.is_empty()))
                .set_variables((!variables.is_empty()).then(|| variables.into_iter().collect()))
                .send()
                .await
                .map_err(|e| sdk("apigateway:CreateDeployment", e))
                .map_err(|e| e.context("creating API Gateway Deployment"))?;
            let id = out.id.unwrap_or_default();
            let d = find(c, &api, &id).await?;
            Ok(flatten(c, &account, plan, &api, &id, &d))
        });
        r.into()
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let s = Obj(state);
        let api = s.req("rest_api_id").to_string();
        let account = c.account_id()?;
        c.run(async {
            let Some(d) = found(find(c, &api, s.id()).await)? else {
                return Ok(None);
            };
            Ok(Some(flatten(c, &account, state, &api, s.id(), &d)))
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let api = p.req("rest_api_id").to_string();
        let id = Obj(prior).id().to_string();
        let account = match c.account_id() {
            Ok(a) => a,
            Err(e) => return Outcome::Failed(e),
        };
        let r: Result<Value> = c.run(async {
            if changed(prior, plan, "description") {
                c.apigateway()
                    .update_deployment()
                    .rest_api_id(&api)
                    .deployment_id(&id)
                    .patch_operations(replace(
                        "/description",
                        p.str("description").unwrap_or_default(),
                    ))
                    .send()
                    .await
                    .map_err(|e| sdk("apigateway:UpdateDeployment", e))?;
            }
            let d = find(c, &api, &id).await?;
            Ok(flatten(c, &account, plan, &api, &id, &d))
        });
        r.into()
    }

    /// The stage `stage_name` made goes with the deployment, unless it has
    /// been pointed at another deployment since.
    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        let api = s.req("rest_api_id").to_string();
        let id = s.id().to_string();
        c.run(async {
            if let Some(stage_name) = s.str("stage_name").filter(|n| !n.is_empty()) {
                let stage = found(
                    c.apigateway()
                        .get_stage()
                        .rest_api_id(&api)
                        .stage_name(stage_name)
                        .send()
                        .await
                        .map_err(|e| sdk("apigateway:GetStage", e)),
                )?;
                if stage.is_some_and(|st| st.deployment_id() == Some(id.as_str())) {
                    found(
                        c.apigateway()
                            .delete_stage()
                            .rest_api_id(&api)
                            .stage_name(stage_name)
                            .send()
                            .await
                            .map_err(|e| sdk("apigateway:DeleteStage", e)),
                    )?;
                }
            }
            c.apigateway()
                .delete_deployment()
                .rest_api_id(&api)
                .deployment_id(&id)
                .send()
                .await
                .map_err(|e| sdk("apigateway:DeleteDeployment", e))?;
            Ok(())
        })
    }

    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        match id_parts(id, 2) {
            Some(p) => State::new(&block())
                .set("rest_api_id", p[0])
                .set("id", p[1])
                .build(),
            None => State::new(&block()).set("id", id).build(),
        }
    }
}

async fn find(c: &Ctx, api: &str, id: &str) -> Result<GetDeploymentOutput> {
    c.apigateway()
        .get_deployment()
        .rest_api_id(api)
        .deployment_id(id)
        .send()
        .await
        .map_err(|e| sdk("apigateway:GetDeployment", e))
}

fn flatten(
    c: &Ctx,
    account: &str,
    base: &Value,
    api: &str,
    id: &str,
    d: &GetDeploymentOutput,
) -> Value {
    let stage = Obj(base).str("stage_name").unwrap_or_default().to_string();
    State::from(&block(), base)
        .set("id", id)
        .set("rest_api_id", api)
        .set(
            "description",
            opt_string(base, "description", d.description()),
        )
        .set(
            "created_date",
            d.created_date().map(rfc3339).unwrap_or_default(),
        )
        .set("invoke_url", invoke_url(c, api, &stage))
        .set(
            "execution_arn",
            execution_arn(c, account, &format!("{api}/{stage}")),
        )
        .build()
}
