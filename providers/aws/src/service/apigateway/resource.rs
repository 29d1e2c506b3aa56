//! aws_api_gateway_resource
//!
//! Import ID: `REST-API-ID/RESOURCE-ID`.

use super::{id_parts, replace};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Result};
use crate::obj::{Obj, State};
use crate::service::elbv2::changed;
use crate::{Outcome, Resource as AwsResource};
use aws_sdk_apigateway::operation::get_resource::GetResourceOutput;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct Resource;

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("rest_api_id", Attribute::required(Type::String).force_new())
        .attr("parent_id", Attribute::required(Type::String))
        .attr("path_part", Attribute::required(Type::String))
        .attr("path", Attribute::computed(Type::String))
}

impl AwsResource for Resource {
    fn name(&self) -> &'static str {
        "aws_api_gateway_resource"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let r: Result<Value> = c.run(async {
            let out = c
                .apigateway()
                .create_resource()
                .rest_api_id(p.req("rest_api_id"))
                .parent_id(p.req("parent_id"))
                .path_part(p.req("path_part"))
                .send()
                .await
                .map_err(|e| sdk("apigateway:CreateResource", e))
                .map_err(|e| e.context("creating API Gateway Resource"))?;
            let id = out.id.unwrap_or_default();
            let got = find(c, p.req("rest_api_id"), &id).await?;
            Ok(flatten(plan, &id, &got))
        });
        r.into()
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let s = Obj(state);
        c.run(async {
            let got = found(find(c, s.req("rest_api_id"), s.id()).await)?;
            Ok(got.map(|r| flatten(state, s.id(), &r)))
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let id = Obj(prior).id().to_string();
        let mut ops = Vec::new();
        if changed(prior, plan, "path_part") {
            ops.push(replace("/pathPart", p.req("path_part")));
        }
        if changed(prior, plan, "parent_id") {
            ops.push(replace("/parentId", p.req("parent_id")));
        }
        let r: Result<Value> = c.run(async {
            if !ops.is_empty() {
                c.apigateway()
                    .update_resource()
                    .rest_api_id(p.req("rest_api_id"))
                    .resource_id(&id)
                    .set_patch_operations(Some(ops))
                    .send()
                    .await
                    .map_err(|e| sdk("apigateway:UpdateResource", e))?;
            }
            let got = find(c, p.req("rest_api_id"), &id).await?;
            Ok(flatten(plan, &id, &got))
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        c.run(async {
            c.apigateway()
                .delete_resource()
                .rest_api_id(s.req("rest_api_id"))
                .resource_id(s.id())
                .send()
                .await
                .map_err(|e| sdk("apigateway:DeleteResource", e))?;
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

    /// Moving or renaming the resource changes its path.
    fn plan(&self, prior: &Value, planned: Value) -> Value {
        if prior.is_null()
            || !(changed(prior, &planned, "path_part") || changed(prior, &planned, "parent_id"))
        {
            return planned;
        }
        let Value::Object(mut m) = planned else {
            return planned;
        };
        m.insert("path".into(), Value::Unknown(Type::String));
        Value::Object(m)
    }
}

async fn find(c: &Ctx, api: &str, id: &str) -> Result<GetResourceOutput> {
    c.apigateway()
        .get_resource()
        .rest_api_id(api)
        .resource_id(id)
        .send()
        .await
        .map_err(|e| sdk("apigateway:GetResource", e))
}

fn flatten(base: &Value, id: &str, r: &GetResourceOutput) -> Value {
    State::from(&block(), base)
        .set("id", id)
        .set("parent_id", r.parent_id())
        .set("path_part", r.path_part())
        .set("path", r.path())
        .build()
}
