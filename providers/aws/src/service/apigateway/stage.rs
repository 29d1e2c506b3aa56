//! aws_api_gateway_stage
//!
//! ID `ags-REST-API-ID-STAGE-NAME`; import ID `REST-API-ID/STAGE-NAME`.
//! `canary_settings` is not supported.

use super::{
    apigateway_arn, execution_arn, id_parts, invoke_url, map_ops, opt_bool, opt_string, patch,
    replace, string_map_value, tag_map, update_tags,
};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Result};
use crate::obj::{object, Obj, State};
use crate::schema::with_tags;
use crate::service::elbv2::{changed, nested};
use crate::service::{plan_tags_all, read_tags};
use crate::wait::{until, Poll};
use crate::{Outcome, Resource};
use aws_sdk_apigateway::operation::get_stage::GetStageOutput;
use aws_sdk_apigateway::types::{CacheClusterSize, CacheClusterStatus, Op};
use std::time::Duration;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Nesting, Schema, Type, Value};

pub struct Stage;

const CACHE_SIZES: &[&str] = &["0.5", "1.6", "6.1", "13.5", "28.4", "58.2", "118", "237"];

fn block() -> Block {
    with_tags(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("rest_api_id", Attribute::required(Type::String).force_new())
            .attr("stage_name", Attribute::required(Type::String).force_new())
            .attr("deployment_id", Attribute::required(Type::String))
            .attr("description", Attribute::optional(Type::String))
            .attr("variables", Attribute::optional(Type::map(Type::String)))
            .attr("xray_tracing_enabled", Attribute::optional(Type::Bool))
            .attr("cache_cluster_enabled", Attribute::optional(Type::Bool))
            .attr("cache_cluster_size", Attribute::optional(Type::String))
            .attr("client_certificate_id", Attribute::optional(Type::String))
            .attr("documentation_version", Attribute::optional(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("execution_arn", Attribute::computed(Type::String))
            .attr("invoke_url", Attribute::computed(Type::String))
            .attr("web_acl_arn", Attribute::computed(Type::String))
            .block_with(
                "access_log_settings",
                nested(
                    Nesting::List,
                    Block::new()
                        .attr("destination_arn", Attribute::required(Type::String))
                        .attr("format", Attribute::required(Type::String)),
                    0,
                    1,
                ),
            ),
    )
}

impl Resource for Stage {
    fn name(&self) -> &'static str {
        "aws_api_gateway_stage"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let api = p.req("rest_api_id").to_string();
        let name = p.req("stage_name").to_string();
        let tags = c.tags_all(&p.map_str("tags"));
        let variables = p.map_str("variables");
        let wait_for_cache =
            p.flag("cache_cluster_enabled") || p.get("cache_cluster_size").is_some();
        let account = match c.account_id() {
            Ok(a) => a,
            Err(e) => return Outcome::Failed(e),
        };
        let created = c.run(async {
            c.apigateway()
                .create_stage()
                .rest_api_id(&api)
                .stage_name(&name)
                .deployment_id(p.req("deployment_id"))
                .set_cache_cluster_enabled(p.bool("cache_cluster_enabled").filter(|b| *b))
                .set_cache_cluster_size(p.str("cache_cluster_size").map(CacheClusterSize::from))
                .set_description(p.string("description").filter(|s| !s.is_empty()))
                .set_documentation_version(
                    p.string("documentation_version").filter(|s| !s.is_empty()),
                )
                .set_variables((!variables.is_empty()).then(|| variables.into_iter().collect()))
                .set_tracing_enabled(p.bool("xray_tracing_enabled").filter(|b| *b))
                .set_tags((!tags.is_empty()).then(|| tags.clone().into_iter().collect()))
                .send()
                .await
                .map_err(|e| sdk("apigateway:CreateStage", e))
                .map_err(|e| e.context(format!("creating API Gateway Stage ({name})")))
        });
        if let Err(e) = created {
            return Outcome::Failed(e);
        }
        // The stage exists from here on: a failure keeps it in the state.
        let base = State::from(&block(), plan)
            .set("id", format!("ags-{api}-{name}"))
            .set("tags_all", crate::obj::string_map(tags))
            .build();
        let rest = c.run(async {
            if wait_for_cache {
                wait_cache(c, &api, &name).await?;
            }
            // What CreateStage cannot set.
            let mut ops = Vec::new();
            if let Some(cert) = p.str("client_certificate_id").filter(|s| !s.is_empty()) {
                ops.push(replace("/clientCertificateId", cert));
            }
            if let Some(logs) = p.block("access_log_settings") {
                ops.extend(access_log_ops(logs));
            }
            if !ops.is_empty() {
                update_stage(c, &api, &name, ops).await?;
            }
            let st = find(c, &api, &name).await?;
            Ok(flatten(c, &account, &base, &st))
        });
        match rest {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let s = Obj(state);
        let account = c.account_id()?;
        c.run(async {
            let Some(st) = found(find(c, s.req("rest_api_id"), s.req("stage_name")).await)? else {
                return Ok(None);
            };
            Ok(Some(flatten(c, &account, state, &st)))
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let (o, p) = (Obj(prior), Obj(plan));
        let api = p.req("rest_api_id").to_string();
        let name = p.req("stage_name").to_string();
        let mut ops = Vec::new();
        let mut wait_for_cache = false;
        let account = match c.account_id() {
            Ok(a) => a,
            Err(e) => return Outcome::Failed(e),
        };
        if changed(prior, plan, "cache_cluster_enabled") {
            ops.push(replace(
                "/cacheClusterEnabled",
                p.flag("cache_cluster_enabled").to_string(),
            ));
            wait_for_cache = true;
        }
        if changed(prior, plan, "cache_cluster_size") && p.flag("cache_cluster_enabled") {
            ops.push(replace(
                "/cacheClusterSize",
                p.str("cache_cluster_size").unwrap_or_default(),
            ));
            wait_for_cache = true;
        }
        for (attr, path) in [
            ("client_certificate_id", "/clientCertificateId"),
            ("deployment_id", "/deploymentId"),
            ("description", "/description"),
            ("documentation_version", "/documentationVersion"),
        ] {
            if changed(prior, plan, attr) {
                ops.push(replace(path, p.str(attr).unwrap_or_default()));
            }
        }
        if changed(prior, plan, "xray_tracing_enabled") {
            ops.push(replace(
                "/tracingEnabled",
                p.flag("xray_tracing_enabled").to_string(),
            ));
        }
        if changed(prior, plan, "variables") {
            let old = o.map_str("variables");
            let new = p.map_str("variables");
            // Stage variables are replaced, never added (AWS's paths).
            ops.extend(map_ops("variables", &old, &new).into_iter().map(|op| {
                if op.op() == Some(&Op::Add) {
                    patch(
                        Op::Replace,
                        op.path().unwrap_or_default(),
                        op.value().map(String::from),
                    )
                } else {
                    op
                }
            }));
        }
        if changed(prior, plan, "access_log_settings") {
            match p.block("access_log_settings") {
                Some(logs) => ops.extend(access_log_ops(logs)),
                None => ops.push(patch(Op::Remove, "/accessLogSettings", None)),
            }
        }
        let r: Result<Value> = c.run(async {
            if !ops.is_empty() {
                let out = update_stage(c, &api, &name, ops).await?;
                if wait_for_cache
                    && out.cache_cluster_status() != Some(&CacheClusterStatus::NotAvailable)
                {
                    wait_cache(c, &api, &name).await?;
                }
            }
            let arn = stage_arn(c, &api, &name);
            let tags = c.tags_all(&p.map_str("tags"));
            update_tags(c, &arn, &o.map_str("tags_all"), &tags).await?;
            let st = find(c, &api, &name).await?;
            Ok(flatten(c, &account, plan, &st))
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        c.run(async {
            c.apigateway()
                .delete_stage()
                .rest_api_id(s.req("rest_api_id"))
                .stage_name(s.req("stage_name"))
                .send()
                .await
                .map_err(|e| sdk("apigateway:DeleteStage", e))?;
            Ok(())
        })
    }

    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        match id_parts(id, 2) {
            Some(p) => State::new(&block())
                .set("id", format!("ags-{}-{}", p[0], p[1]))
                .set("rest_api_id", p[0])
                .set("stage_name", p[1])
                .build(),
            None => State::new(&block()).set("id", id).build(),
        }
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        plan_tags_all(prior, planned)
    }

    fn validate(&self, config: &Value) -> Diags {
        let mut d = Vec::new();
        if let Some(size) = Obj(config).str("cache_cluster_size") {
            if !CACHE_SIZES.contains(&size) {
                d.push(Diag::error(
                    "Invalid cache_cluster_size",
                    format!("expected cache_cluster_size to be one of {CACHE_SIZES:?}, got {size}"),
                ));
            }
        }
        d
    }
}

fn access_log_ops(logs: Obj) -> Vec<aws_sdk_apigateway::types::PatchOperation> {
    vec![
        replace(
            "/accessLogSettings/destinationArn",
            logs.req("destination_arn"),
        ),
        replace("/accessLogSettings/format", logs.req("format")),
    ]
}

fn stage_arn(c: &Ctx, api: &str, name: &str) -> String {
    apigateway_arn(c, &format!("/restapis/{api}/stages/{name}"))
}

pub(super) async fn update_stage(
    c: &Ctx,
    api: &str,
    name: &str,
    ops: Vec<aws_sdk_apigateway::types::PatchOperation>,
) -> Result<aws_sdk_apigateway::operation::update_stage::UpdateStageOutput> {
    c.apigateway()
        .update_stage()
        .rest_api_id(api)
        .stage_name(name)
        .set_patch_operations(Some(ops))
        .send()
        .await
        .map_err(|e| sdk("apigateway:UpdateStage", e))
}

pub(super) async fn find(c: &Ctx, api: &str, name: &str) -> Result<GetStageOutput> {
    c.apigateway()
        .get_stage()
        .rest_api_id(api)
        .stage_name(name)
        .send()
        .await
        .map_err(|e| sdk("apigateway:GetStage", e))
}

/// Waits while the stage's cache is being created, resized or deleted.
async fn wait_cache(c: &Ctx, api: &str, name: &str) -> Result<()> {
    until(
        "the API Gateway stage cache",
        Duration::from_secs(90 * 60),
        || async {
            let st = find(c, api, name).await?;
            Ok(match st.cache_cluster_status() {
                Some(
                    s @ (CacheClusterStatus::CreateInProgress
                    | CacheClusterStatus::DeleteInProgress
                    | CacheClusterStatus::FlushInProgress),
                ) => Poll::Pending(s.as_str().to_string()),
                _ => Poll::Ready(()),
            })
        },
    )
    .await
}

fn flatten(c: &Ctx, account: &str, base: &Value, st: &GetStageOutput) -> Value {
    let b = Obj(base);
    let api = b.req("rest_api_id").to_string();
    let name = st.stage_name().unwrap_or(b.req("stage_name")).to_string();
    // A cache being deleted counts as disabled; the size of a disabled
    // cache is whatever the configuration said.
    let deleting = st.cache_cluster_status() == Some(&CacheClusterStatus::DeleteInProgress);
    let enabled = st.cache_cluster_enabled() && !deleting;
    let size = if enabled {
        st.cache_cluster_size().map(|s| s.as_str().to_string())
    } else {
        b.string("cache_cluster_size")
    };
    let logs: Vec<Value> = st
        .access_log_settings()
        .filter(|l| l.destination_arn().is_some() || l.format().is_some())
        .map(|l| {
            object(vec![
                ("destination_arn", l.destination_arn().into()),
                ("format", l.format().into()),
            ])
        })
        .into_iter()
        .collect();
    let s = State::from(&block(), base)
        .set("id", format!("ags-{api}-{name}"))
        .set("rest_api_id", api.clone())
        .set("stage_name", name.clone())
        .set("arn", stage_arn(c, &api, &name))
        .set(
            "cache_cluster_enabled",
            opt_bool(base, "cache_cluster_enabled", enabled),
        )
        .set("cache_cluster_size", size)
        .set(
            "client_certificate_id",
            opt_string(base, "client_certificate_id", st.client_certificate_id()),
        )
        .set("deployment_id", st.deployment_id())
        .set(
            "description",
            opt_string(base, "description", st.description()),
        )
        .set(
            "documentation_version",
            opt_string(base, "documentation_version", st.documentation_version()),
        )
        .set(
            "execution_arn",
            execution_arn(c, account, &format!("{api}/{name}")),
        )
        .set("invoke_url", invoke_url(c, &api, &name))
        .set(
            "variables",
            string_map_value(base, "variables", st.variables()),
        )
        .set("web_acl_arn", st.web_acl_arn().unwrap_or_default())
        .set(
            "xray_tracing_enabled",
            opt_bool(base, "xray_tracing_enabled", st.tracing_enabled()),
        )
        .set("access_log_settings", Value::Tuple(logs));
    read_tags(c, s, base, tag_map(st.tags())).build()
}
