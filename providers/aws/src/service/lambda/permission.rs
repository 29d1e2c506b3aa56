//! aws_lambda_permission: one statement of a function's resource policy
//! (AddPermission), read back from GetPolicy. The ID is the statement ID;
//! import takes `FUNCTION/STATEMENT` or `FUNCTION:QUALIFIER/STATEMENT`.
//! Every argument forces a new statement.

use super::{function_name_of, qualifier_of, PROPAGATION};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::service::{generated_name, name_prefix_from_name};
use crate::wait::{retry_eventual, until, Poll};
use crate::{Outcome, Resource};
use aws_sdk_lambda::types::FunctionUrlAuthType;
use serde_json::Value as J;
use std::time::Duration;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct Permission;

fn block() -> Block {
    let arg = || Attribute::optional(Type::String).force_new();
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("action", Attribute::required(Type::String).force_new())
        .attr("event_source_token", arg())
        .attr(
            "function_name",
            Attribute::required(Type::String).force_new(),
        )
        .attr("function_url_auth_type", arg())
        .attr("principal", Attribute::required(Type::String).force_new())
        .attr("principal_org_id", arg())
        .attr("qualifier", arg())
        .attr("source_account", arg())
        .attr("source_arn", arg())
        .attr(
            "statement_id",
            Attribute::optional_computed(Type::String).force_new(),
        )
        .attr(
            "statement_id_prefix",
            Attribute::optional_computed(Type::String).force_new(),
        )
}

/// Concurrent changes to one function's policy conflict; AWS asks to retry.
const CONFLICT: &[&str] = &["ResourceConflictException"];

/// The statement of the function's policy (for `qualifier`) with `sid`.
async fn find_statement(
    c: &Ctx,
    function: &str,
    qualifier: Option<&str>,
    sid: &str,
) -> Result<Option<serde_json::Map<String, J>>> {
    let out = found(
        c.lambda()
            .get_policy()
            .function_name(function)
            .set_qualifier(qualifier.filter(|q| !q.is_empty()).map(String::from))
            .send()
            .await
            .map_err(|e| sdk("lambda:GetPolicy", e)),
    )?;
    let Some(out) = out else {
        return Ok(None);
    };
    let policy: J = serde_json::from_str(out.policy().unwrap_or("{}"))
        .map_err(|e| Error::new("Invalid Lambda function policy", e.to_string()))?;
    let statements = match policy.get("Statement") {
        Some(J::Array(a)) => a.clone(),
        Some(one @ J::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    };
    Ok(statements.into_iter().find_map(|s| match s {
        J::Object(m) if m.get("Sid").and_then(J::as_str) == Some(sid) => Some(m),
        _ => None,
    }))
}

fn text(v: Option<&J>) -> Option<String> {
    match v? {
        J::String(s) => Some(s.clone()),
        J::Array(a) => a.first().and_then(J::as_str).map(String::from),
        _ => None,
    }
}

/// The principal as configured: a service name, an account ID (AWS writes
/// `arn:aws:iam::ACCOUNT:root`), or the text AWS gives.
fn principal(v: Option<&J>) -> String {
    match v {
        Some(J::Object(m)) => {
            if let Some(svc) = text(m.get("Service")) {
                return svc;
            }
            let aws = text(m.get("AWS")).unwrap_or_default();
            let parts: Vec<&str> = aws.split(':').collect();
            match parts.as_slice() {
                ["arn", _, "iam", "", account, "root"] => account.to_string(),
                _ => aws,
            }
        }
        other => text(other).unwrap_or_default(),
    }
}

/// A condition value: `Condition.<operator>.<key>`.
fn condition(s: &serde_json::Map<String, J>, op: &str, key: &str) -> Option<String> {
    let ops = s.get("Condition")?.as_object()?;
    let m = ops.get(op)?.as_object()?;
    m.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .and_then(|(_, v)| text(Some(v)))
}

fn flatten(base: &Value, sid: &str, s: &serde_json::Map<String, J>) -> Value {
    let b = Obj(base);
    let resource = text(s.get("Resource")).unwrap_or_default();
    let configured_fn = b.str("function_name").unwrap_or_default();
    // The function as it was given: an ARN stays an ARN (without the
    // qualifier), a name a name.
    let function_name = if configured_fn.starts_with("arn:") {
        match qualifier_of(&resource) {
            Some(q) => resource
                .strip_suffix(&format!(":{q}"))
                .unwrap_or(&resource)
                .to_string(),
            None => resource.clone(),
        }
    } else {
        function_name_of(&resource)
    };
    let keep = |k: &str, v: Option<String>| match v {
        Some(x) if !x.is_empty() => Some(x),
        _ => b.string(k).filter(String::is_empty),
    };
    let prefix = name_prefix_from_name(sid);
    let prefix = if prefix.is_empty() {
        b.string("statement_id_prefix").unwrap_or_default()
    } else {
        prefix
    };
    State::from(&block(), base)
        .set("id", sid)
        .set("statement_id", sid)
        .set("statement_id_prefix", prefix)
        .set("action", text(s.get("Action")).unwrap_or_default())
        .set("function_name", function_name)
        .set("principal", principal(s.get("Principal")))
        .set("qualifier", keep("qualifier", qualifier_of(&resource)))
        .set(
            "source_arn",
            keep("source_arn", condition(s, "ArnLike", "AWS:SourceArn")),
        )
        .set(
            "source_account",
            keep(
                "source_account",
                condition(s, "StringEquals", "AWS:SourceAccount"),
            ),
        )
        .set(
            "principal_org_id",
            keep(
                "principal_org_id",
                condition(s, "StringEquals", "aws:PrincipalOrgID"),
            ),
        )
        .set(
            "event_source_token",
            keep(
                "event_source_token",
                condition(s, "StringEquals", "lambda:EventSourceToken"),
            ),
        )
        .set(
            "function_url_auth_type",
            keep(
                "function_url_auth_type",
                condition(s, "StringEquals", "lambda:FunctionUrlAuthType"),
            ),
        )
        .build()
}

async fn read_permission(c: &Ctx, base: &Value) -> Result<Option<Value>> {
    let b = Obj(base);
    let sid = b.id().to_string();
    let statement = find_statement(c, b.req("function_name"), b.str("qualifier"), &sid).await?;
    Ok(statement.map(|s| flatten(base, &sid, &s)))
}

impl Resource for Permission {
    fn name(&self) -> &'static str {
        "aws_lambda_permission"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let sid = generated_name(p.str("statement_id"), p.str("statement_id_prefix"));
        let function = p.req("function_name").to_string();
        let req = c
            .lambda()
            .add_permission()
            .function_name(&function)
            .statement_id(&sid)
            .action(p.req("action"))
            .principal(p.req("principal"))
            .set_event_source_token(p.string("event_source_token"))
            .set_function_url_auth_type(
                p.str("function_url_auth_type")
                    .map(FunctionUrlAuthType::from),
            )
            .set_principal_org_id(p.string("principal_org_id"))
            .set_qualifier(p.string("qualifier").filter(|q| !q.is_empty()))
            .set_source_account(p.string("source_account"))
            .set_source_arn(p.string("source_arn"));
        let added = c.run(retry_eventual(PROPAGATION, CONFLICT, || {
            let req = req.clone();
            async move { req.send().await.map_err(|e| sdk("lambda:AddPermission", e)) }
        }));
        if let Err(e) = added {
            return Outcome::Failed(
                e.context(format!("adding Lambda Permission ({function}/{sid})")),
            );
        }
        let base = State::from(&block(), plan)
            .set("id", sid.clone())
            .set("statement_id", sid.clone())
            .build();
        // The new statement can take a moment to show in the policy.
        let read = c.run(until(
            &format!("Lambda Permission ({function}/{sid})"),
            Duration::from_secs(5 * 60),
            || async {
                Ok(match read_permission(c, &base).await? {
                    Some(v) => Poll::Ready(v),
                    None => Poll::Pending("not yet in the policy".into()),
                })
            },
        ));
        match read {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        c.run(read_permission(c, state))
    }

    fn update(&self, _c: &Ctx, _prior: &Value, plan: &Value) -> Outcome {
        // Every argument forces a new statement.
        Outcome::Done(plan.clone())
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        let function = s.req("function_name").to_string();
        let qualifier = s.string("qualifier").filter(|q| !q.is_empty());
        let sid = s.id().to_string();
        c.run(async {
            let removed = retry_eventual(PROPAGATION, CONFLICT, || async {
                c.lambda()
                    .remove_permission()
                    .function_name(&function)
                    .statement_id(&sid)
                    .set_qualifier(qualifier.clone())
                    .send()
                    .await
                    .map_err(|e| sdk("lambda:RemovePermission", e))
            })
            .await;
            if found(removed)?.is_none() {
                return Ok(());
            }
            until(
                &format!("Lambda Permission ({function}/{sid}) removal"),
                Duration::from_secs(5 * 60),
                || async {
                    Ok(
                        match find_statement(c, &function, qualifier.as_deref(), &sid).await? {
                            None => Poll::Ready(()),
                            Some(_) => Poll::Pending("still in the policy".into()),
                        },
                    )
                },
            )
            .await
        })
    }

    /// `FUNCTION/STATEMENT` or `FUNCTION:QUALIFIER/STATEMENT` (FUNCTION a
    /// name or an ARN).
    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        match split_import_id(id) {
            Some((function, qualifier, sid)) => State::new(&block())
                .set("id", sid.clone())
                .set("statement_id", sid)
                .set("function_name", function)
                .set("qualifier", qualifier)
                .build(),
            None => State::new(&block()).set("id", id).build(),
        }
    }

    fn validate(&self, config: &Value) -> Diags {
        let o = Obj(config);
        let mut d = Vec::new();
        if o.get("statement_id").is_some() && o.get("statement_id_prefix").is_some() {
            d.push(Diag::error(
                "Conflicting configuration arguments",
                "\"statement_id\": conflicts with statement_id_prefix",
            ));
        }
        d
    }
}

/// An import ID as (function, qualifier, statement ID).
fn split_import_id(id: &str) -> Option<(String, Option<String>, String)> {
    let (function, sid) = id.rsplit_once('/')?;
    if function.is_empty() || sid.is_empty() {
        return None;
    }
    let (function, qualifier) = if function.starts_with("arn:") {
        match qualifier_of(function) {
            Some(q) => (
                function
                    .strip_suffix(&format!(":{q}"))
                    .unwrap_or(function)
                    .to_string(),
                Some(q),
            ),
            None => (function.to_string(), None),
        }
    } else {
        match function.split_once(':') {
            Some((f, q)) => (f.to_string(), Some(q.to_string())),
            None => (function.to_string(), None),
        }
    };
    Some((function, qualifier, sid.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals_read_as_configured() {
        let svc: J = serde_json::json!({"Service": "apigateway.amazonaws.com"});
        assert_eq!(principal(Some(&svc)), "apigateway.amazonaws.com");
        let root: J = serde_json::json!({"AWS": "arn:aws:iam::123456789012:root"});
        assert_eq!(principal(Some(&root)), "123456789012");
        let star = J::String("*".into());
        assert_eq!(principal(Some(&star)), "*");
    }

    #[test]
    fn import_ids_name_function_qualifier_and_statement() {
        assert_eq!(
            split_import_id("fortune:live/AllowApi"),
            Some(("fortune".into(), Some("live".into()), "AllowApi".into()))
        );
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:fortune";
        assert_eq!(
            split_import_id(&format!("{arn}:2/S")),
            Some((arn.into(), Some("2".into()), "S".into()))
        );
        assert_eq!(
            split_import_id("fortune/S"),
            Some(("fortune".into(), None, "S".into()))
        );
        assert_eq!(split_import_id("fortune"), None);
    }
}
