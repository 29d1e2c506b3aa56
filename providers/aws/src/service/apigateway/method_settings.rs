//! aws_api_gateway_method_settings
//!
//! The settings of one method path (`*/*` for all, or
//! `RESOURCE-PATH/HTTP-METHOD` without the leading slash) of a stage,
//! applied with UpdateStage patch operations. ID
//! `REST-API-ID-STAGE-NAME-METHOD-PATH`; import ID
//! `REST-API-ID/STAGE-NAME/METHOD-PATH`.

use super::stage::{find, update_stage};
use super::{patch, replace};
use crate::ctx::Ctx;
use crate::error::{found, Result};
use crate::obj::{object, Obj, State};
use crate::service::elbv2::nested;
use crate::{Outcome, Resource};
use aws_sdk_apigateway::types::{MethodSetting, Op, PatchOperation};
use tfrs_provider::number::Number;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Nesting, Schema, Type, Value};

pub struct MethodSettings;

fn settings_block() -> Block {
    Block::new()
        .attr("metrics_enabled", Attribute::optional_computed(Type::Bool))
        .attr("logging_level", Attribute::optional_computed(Type::String))
        .attr(
            "data_trace_enabled",
            Attribute::optional_computed(Type::Bool),
        )
        .attr(
            "throttling_burst_limit",
            Attribute::optional(Type::Number).default(Value::int(-1)),
        )
        .attr(
            "throttling_rate_limit",
            Attribute::optional(Type::Number).default(Value::int(-1)),
        )
        .attr("caching_enabled", Attribute::optional_computed(Type::Bool))
        .attr(
            "cache_ttl_in_seconds",
            Attribute::optional_computed(Type::Number),
        )
        .attr(
            "cache_data_encrypted",
            Attribute::optional_computed(Type::Bool),
        )
        .attr(
            "require_authorization_for_cache_control",
            Attribute::optional_computed(Type::Bool),
        )
        .attr(
            "unauthorized_cache_control_header_strategy",
            Attribute::optional_computed(Type::String),
        )
}

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("rest_api_id", Attribute::required(Type::String).force_new())
        .attr("stage_name", Attribute::required(Type::String).force_new())
        .attr("method_path", Attribute::required(Type::String).force_new())
        .block_with("settings", nested(Nesting::List, settings_block(), 1, 1))
}

/// How each setting is patched: its attribute, its path under the method
/// path, and how its value is written.
enum Kind {
    Bool,
    Int,
    Float,
    Text,
}

const SETTINGS: &[(&str, &str, Kind)] = &[
    ("metrics_enabled", "metrics/enabled", Kind::Bool),
    ("logging_level", "logging/loglevel", Kind::Text),
    ("data_trace_enabled", "logging/dataTrace", Kind::Bool),
    ("throttling_burst_limit", "throttling/burstLimit", Kind::Int),
    ("throttling_rate_limit", "throttling/rateLimit", Kind::Float),
    ("caching_enabled", "caching/enabled", Kind::Bool),
    ("cache_ttl_in_seconds", "caching/ttlInSeconds", Kind::Int),
    ("cache_data_encrypted", "caching/dataEncrypted", Kind::Bool),
    (
        "require_authorization_for_cache_control",
        "caching/requireAuthorizationForCacheControl",
        Kind::Bool,
    ),
    (
        "unauthorized_cache_control_header_strategy",
        "caching/unauthorizedCacheControlHeaderStrategy",
        Kind::Text,
    ),
];

/// The operations for settings whose planned value is set and differs from
/// the prior one (`cache_ttl_in_seconds` is sent whenever it is set, as
/// the provider does).
fn operations(prior: &Value, plan: &Value) -> Vec<PatchOperation> {
    let method_path = Obj(plan).req("method_path").to_string();
    let new = Obj(plan).block("settings");
    let old = Obj(prior).block("settings");
    let mut ops = Vec::new();
    let Some(new) = new else {
        return ops;
    };
    for (attr, path, kind) in SETTINGS {
        let Some(v) = new.get(attr) else {
            continue;
        };
        let same = old
            .and_then(|o| o.get(attr))
            .is_some_and(|o| o.raw_equal(v));
        if same && *attr != "cache_ttl_in_seconds" {
            continue;
        }
        let text = match kind {
            Kind::Bool => v.as_bool().unwrap_or(false).to_string(),
            Kind::Int => v
                .as_number()
                .and_then(Number::to_i64)
                .unwrap_or_default()
                .to_string(),
            Kind::Float => format!("{:.6}", v.as_number().map(Number::to_f64).unwrap_or(0.0)),
            Kind::Text => v.as_str().unwrap_or_default().to_string(),
        };
        ops.push(replace(format!("/{method_path}/{path}"), text));
    }
    ops
}

impl Resource for MethodSettings {
    fn name(&self) -> &'static str {
        "aws_api_gateway_method_settings"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let null = Value::Null(block().value_type());
        apply(c, &null, plan).into()
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let s = Obj(state);
        c.run(async {
            let Some(stage) = found(find(c, s.req("rest_api_id"), s.req("stage_name")).await)?
            else {
                return Ok(None);
            };
            let setting = stage
                .method_settings()
                .and_then(|m| m.get(s.req("method_path")));
            Ok(setting.map(|m| flatten(state, m)))
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        apply(c, prior, plan).into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        let removed = c.run(update_stage(
            c,
            s.req("rest_api_id"),
            s.req("stage_name"),
            vec![patch(
                Op::Remove,
                format!("/{}", s.req("method_path")),
                None,
            )],
        ));
        match removed {
            // Settings already gone (or the stage): nothing to delete.
            Err(e)
                if e.has_code("BadRequestException")
                    && e.detail.contains("no method setting for this method") =>
            {
                Ok(())
            }
            other => other.map(|_| ()),
        }
    }

    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        let parts: Vec<&str> = id.splitn(3, '/').collect();
        match parts[..] {
            [api, stage, path] if !api.is_empty() && !stage.is_empty() && !path.is_empty() => {
                State::new(&block())
                    .set("id", format!("{api}-{stage}-{path}"))
                    .set("rest_api_id", api)
                    .set("stage_name", stage)
                    .set("method_path", path)
                    .build()
            }
            _ => State::new(&block()).set("id", id).build(),
        }
    }

    fn validate(&self, config: &Value) -> Diags {
        let mut d = Vec::new();
        for s in Obj(config).blocks("settings") {
            if let Some(l) = s.str("logging_level") {
                if !["OFF", "ERROR", "INFO"].contains(&l) {
                    d.push(Diag::error(
                        "Invalid logging_level",
                        format!("expected settings.0.logging_level to be one of [\"OFF\" \"ERROR\" \"INFO\"], got {l}"),
                    ));
                }
            }
            if let Some(l) = s.str("unauthorized_cache_control_header_strategy") {
                let allowed = [
                    "FAIL_WITH_403",
                    "SUCCEED_WITH_RESPONSE_HEADER",
                    "SUCCEED_WITHOUT_RESPONSE_HEADER",
                ];
                if !allowed.contains(&l) {
                    d.push(Diag::error(
                        "Invalid unauthorized_cache_control_header_strategy",
                        format!("expected settings.0.unauthorized_cache_control_header_strategy to be one of {allowed:?}, got {l}"),
                    ));
                }
            }
        }
        d
    }
}

fn apply(c: &Ctx, prior: &Value, plan: &Value) -> Result<Value> {
    let p = Obj(plan);
    let (api, stage, path) = (
        p.req("rest_api_id"),
        p.req("stage_name"),
        p.req("method_path"),
    );
    c.run(async {
        let ops = operations(prior, plan);
        if !ops.is_empty() {
            update_stage(c, api, stage, ops).await?;
        }
        let st = find(c, api, stage).await?;
        let base = State::from(&block(), plan)
            .set("id", format!("{api}-{stage}-{path}"))
            .build();
        Ok(match st.method_settings().and_then(|m| m.get(path)) {
            Some(m) => flatten(&base, m),
            None => base,
        })
    })
}

fn flatten(base: &Value, m: &MethodSetting) -> Value {
    let settings = object(vec![
        ("metrics_enabled", m.metrics_enabled().into()),
        ("logging_level", m.logging_level().into()),
        ("data_trace_enabled", m.data_trace_enabled().into()),
        ("throttling_burst_limit", m.throttling_burst_limit().into()),
        (
            "throttling_rate_limit",
            Value::number(Number::from_f64(m.throttling_rate_limit())).into(),
        ),
        ("caching_enabled", m.caching_enabled().into()),
        ("cache_ttl_in_seconds", m.cache_ttl_in_seconds().into()),
        ("cache_data_encrypted", m.cache_data_encrypted().into()),
        (
            "require_authorization_for_cache_control",
            m.require_authorization_for_cache_control().into(),
        ),
        (
            "unauthorized_cache_control_header_strategy",
            m.unauthorized_cache_control_header_strategy()
                .map(|s| s.as_str().to_string())
                .into(),
        ),
    ]);
    State::from(&block(), base)
        .set("settings", Value::Tuple(vec![settings]))
        .build()
}
