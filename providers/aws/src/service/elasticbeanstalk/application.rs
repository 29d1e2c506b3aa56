//! aws_elastic_beanstalk_application

use super::{changed, description, list_tags, tags_in, update_tags};
use crate::ctx::Ctx;
use crate::error::{sdk, Error, Result};
use crate::obj::{object, Obj, State};
use crate::schema::with_tags;
use crate::service::{plan_tags_all, read_tags};
use crate::wait::{until, Poll};
use crate::{Outcome, Resource};
use aws_sdk_elasticbeanstalk::types::{
    ApplicationDescription, ApplicationResourceLifecycleConfig, ApplicationVersionLifecycleConfig,
    MaxAgeRule, MaxCountRule,
};
use std::collections::BTreeMap;
use std::time::Duration;
use tfrs_provider::provider::Diags;
use tfrs_provider::schema::NestedBlock;
use tfrs_provider::{Attribute, Block, Diag, Nesting, Schema, Type, Value};

pub struct Application;

fn lifecycle_block() -> Block {
    Block::new()
        .attr("service_role", Attribute::required(Type::String))
        .attr("max_age_in_days", Attribute::optional(Type::Number))
        .attr("max_count", Attribute::optional(Type::Number))
        .attr("delete_source_from_s3", Attribute::optional(Type::Bool))
}

fn block() -> Block {
    with_tags(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("description", Attribute::optional(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .block_with(
                "appversion_lifecycle",
                NestedBlock {
                    nesting: Nesting::List,
                    block: lifecycle_block(),
                    min_items: 0,
                    max_items: 1,
                    force_new: false,
                },
            ),
    )
}

fn build_err(e: impl std::fmt::Display) -> Error {
    Error::new("Invalid Elastic Beanstalk request", e.to_string())
}

/// The lifecycle configuration for a block (rules off when there is none:
/// AWS has no call that removes the configuration).
fn expand_lifecycle(block: Option<Obj>) -> Result<ApplicationResourceLifecycleConfig> {
    let off_count = MaxCountRule::builder()
        .enabled(false)
        .build()
        .map_err(build_err)?;
    let off_age = MaxAgeRule::builder()
        .enabled(false)
        .build()
        .map_err(build_err)?;
    let Some(b) = block else {
        return Ok(ApplicationResourceLifecycleConfig::builder()
            .version_lifecycle_config(
                ApplicationVersionLifecycleConfig::builder()
                    .max_count_rule(off_count)
                    .max_age_rule(off_age)
                    .build(),
            )
            .build());
    };
    let delete_source = b.flag("delete_source_from_s3");
    let age = match b.i32("max_age_in_days").filter(|n| *n != 0) {
        Some(days) => MaxAgeRule::builder()
            .enabled(true)
            .max_age_in_days(days)
            .delete_source_from_s3(delete_source)
            .build()
            .map_err(build_err)?,
        None => off_age,
    };
    let count = match b.i32("max_count").filter(|n| *n != 0) {
        Some(n) => MaxCountRule::builder()
            .enabled(true)
            .max_count(n)
            .delete_source_from_s3(delete_source)
            .build()
            .map_err(build_err)?,
        None => off_count,
    };
    Ok(ApplicationResourceLifecycleConfig::builder()
        .set_service_role(b.string("service_role").filter(|r| !r.is_empty()))
        .version_lifecycle_config(
            ApplicationVersionLifecycleConfig::builder()
                .max_count_rule(count)
                .max_age_rule(age)
                .build(),
        )
        .build())
}

/// The `appversion_lifecycle` block of a configuration: none unless a rule
/// is on.
fn flatten_lifecycle(config: Option<&ApplicationResourceLifecycleConfig>) -> Vec<Value> {
    let Some(config) = config else {
        return Vec::new();
    };
    let mut max_age = 0;
    let mut max_count = 0;
    let mut delete_source = None;
    if let Some(v) = config.version_lifecycle_config() {
        if let Some(r) = v.max_age_rule().filter(|r| r.enabled()) {
            max_age = r.max_age_in_days().unwrap_or(0);
            delete_source = r.delete_source_from_s3().or(delete_source);
        }
        if let Some(r) = v.max_count_rule().filter(|r| r.enabled()) {
            max_count = r.max_count().unwrap_or(0);
            delete_source = r.delete_source_from_s3().or(delete_source);
        }
    }
    if max_age == 0 && max_count == 0 && delete_source.is_none() {
        return Vec::new();
    }
    vec![object(vec![
        (
            "service_role",
            config.service_role().unwrap_or_default().into(),
        ),
        ("max_age_in_days", i64::from(max_age).into()),
        ("max_count", i64::from(max_count).into()),
        (
            "delete_source_from_s3",
            delete_source.unwrap_or(false).into(),
        ),
    ])]
}

pub(super) async fn find_application(
    c: &Ctx,
    name: &str,
) -> Result<Option<ApplicationDescription>> {
    let out = c
        .elasticbeanstalk()
        .describe_applications()
        .application_names(name)
        .send()
        .await
        .map_err(|e| sdk("elasticbeanstalk:DescribeApplications", e))?;
    Ok(out
        .applications()
        .iter()
        .find(|a| a.application_name() == Some(name))
        .cloned())
}

fn state_of(
    c: &Ctx,
    base: &Value,
    app: &ApplicationDescription,
    tags: BTreeMap<String, String>,
) -> Value {
    let b = block();
    let lifecycle_ty = b.blocks["appversion_lifecycle"].block.value_type();
    let lifecycle: Vec<Value> = flatten_lifecycle(app.resource_lifecycle_config())
        .into_iter()
        .map(|v| tfrs_provider::convert::convert(&v, &lifecycle_ty).unwrap_or(v))
        .collect();
    let name = app.application_name().unwrap_or_default().to_string();
    let s = State::from(&b, base)
        .set("id", name.clone())
        .set("name", name)
        .set("arn", app.application_arn().map(String::from))
        .set("description", description(app.description(), base))
        .set("appversion_lifecycle", Value::List(lifecycle_ty, lifecycle));
    read_tags(c, s, base, tags).build()
}

async fn read_app(c: &Ctx, base: &Value, name: &str) -> Result<Option<Value>> {
    let Some(app) = find_application(c, name).await? else {
        return Ok(None);
    };
    let tags = list_tags(c, app.application_arn().unwrap_or_default()).await?;
    Ok(Some(state_of(c, base, &app, tags)))
}

async fn put_lifecycle(c: &Ctx, name: &str, block: Option<Obj<'_>>) -> Result<()> {
    c.elasticbeanstalk()
        .update_application_resource_lifecycle()
        .application_name(name)
        .resource_lifecycle_config(expand_lifecycle(block)?)
        .send()
        .await
        .map_err(|e| sdk("elasticbeanstalk:UpdateApplicationResourceLifecycle", e))?;
    Ok(())
}

impl Resource for Application {
    fn name(&self) -> &'static str {
        "aws_elastic_beanstalk_application"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = p.req("name").to_string();
        let tags = c.tags_all(&p.map_str("tags"));
        let created = c.run(async {
            c.elasticbeanstalk()
                .create_application()
                .application_name(&name)
                .description(p.str("description").unwrap_or_default())
                .set_tags(tags_in(&tags))
                .send()
                .await
                .map_err(|e| sdk("elasticbeanstalk:CreateApplication", e))
        });
        if let Err(e) = created {
            return Outcome::Failed(
                e.context(format!("creating Elastic Beanstalk Application ({name})")),
            );
        }
        let base = State::from(&block(), plan)
            .set("id", name.clone())
            .set("tags_all", crate::obj::string_map(tags))
            .build();
        let rest = c.run(async {
            // Wait until the new application can be read.
            until(
                "the Elastic Beanstalk Application to be readable",
                Duration::from_secs(30),
                || async {
                    Ok(match find_application(c, &name).await? {
                        Some(_) => Poll::Ready(()),
                        None => Poll::Pending("not found".into()),
                    })
                },
            )
            .await?;
            if let Some(b) = p.block("appversion_lifecycle") {
                put_lifecycle(c, &name, Some(b)).await?;
            }
            read_app(c, plan, &name)
                .await?
                .ok_or_else(|| Error::new("Elastic Beanstalk Application not found", name.clone()))
        });
        match rest {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let name = Obj(state).id().to_string();
        c.run(read_app(c, state, &name))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let (o, p) = (Obj(prior), Obj(plan));
        let name = o.id().to_string();
        let tags = c.tags_all(&p.map_str("tags"));
        let r = c.run(async {
            if changed(prior, plan, "description") {
                c.elasticbeanstalk()
                    .update_application()
                    .application_name(&name)
                    .description(p.str("description").unwrap_or_default())
                    .send()
                    .await
                    .map_err(|e| sdk("elasticbeanstalk:UpdateApplication", e))?;
            }
            if changed(prior, plan, "appversion_lifecycle") {
                put_lifecycle(c, &name, p.block("appversion_lifecycle")).await?;
            }
            let arn = o.req("arn").to_string();
            update_tags(c, &arn, &o.map_str("tags_all"), &tags).await?;
            read_app(c, plan, &name)
                .await?
                .ok_or_else(|| Error::new("Elastic Beanstalk Application not found", name.clone()))
        });
        match r {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Failed(
                e.context(format!("updating Elastic Beanstalk Application ({name})")),
            ),
        }
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let name = Obj(state).id().to_string();
        c.run(async {
            let deleted = c
                .elasticbeanstalk()
                .delete_application()
                .application_name(&name)
                .send()
                .await
                .map_err(|e| sdk("elasticbeanstalk:DeleteApplication", e));
            if let Err(e) = deleted {
                // Gone already is what deleting wants.
                if find_application(c, &name).await?.is_none() {
                    return Ok(());
                }
                return Err(e.context(format!("deleting Elastic Beanstalk Application ({name})")));
            }
            until(
                "the Elastic Beanstalk Application to be deleted",
                Duration::from_secs(10),
                || async {
                    Ok(match find_application(c, &name).await? {
                        Some(_) => Poll::Pending("present".into()),
                        None => Poll::Ready(()),
                    })
                },
            )
            .await
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        plan_tags_all(prior, zero_lifecycle_values(planned))
    }

    fn validate(&self, config: &Value) -> Diags {
        let o = Obj(config);
        let mut d = Vec::new();
        if o.str("name").is_some_and(|n| n.is_empty() || n.len() > 100) {
            d.push(Diag::error(
                "Invalid name",
                "expected length of name to be in the range (1 - 100)",
            ));
        }
        for b in o.blocks("appversion_lifecycle") {
            if let Some(role) = b.str("service_role") {
                if let Some(reason) = arn_problem(role) {
                    d.push(Diag::error(
                        "Invalid service_role",
                        format!(
                            "\"appversion_lifecycle.0.service_role\" ({role}) is an invalid ARN: {reason}"
                        ),
                    ));
                }
            }
        }
        d
    }
}

/// Why `s` is not an ARN (`arn:partition:service:region:account:resource`),
/// in the words of Go's arn.Parse; None when it is one.
fn arn_problem(s: &str) -> Option<&'static str> {
    if !s.starts_with("arn:") {
        return Some("arn: invalid prefix");
    }
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    if parts.len() < 6 {
        return Some("arn: not enough sections");
    }
    if parts[1].is_empty() {
        return Some("invalid partition value");
    }
    if parts[2].is_empty() {
        return Some("invalid service value");
    }
    if parts[5].is_empty() {
        return Some("invalid resource value");
    }
    None
}

/// SDKv2 keeps unset numbers and booleans of nested blocks as 0 and false:
/// the plan has them so, as the state read back does.
fn zero_lifecycle_values(planned: Value) -> Value {
    let Value::Object(mut m) = planned else {
        return planned;
    };
    if let Some(Value::List(ty, items)) = m.remove("appversion_lifecycle") {
        let items = items
            .into_iter()
            .map(|item| match item {
                Value::Object(mut e) => {
                    for (k, zero) in [
                        ("max_age_in_days", Value::int(0)),
                        ("max_count", Value::int(0)),
                        ("delete_source_from_s3", Value::Bool(false)),
                    ] {
                        if e.get(k).is_none_or(Value::is_null) {
                            e.insert(k.to_string(), zero);
                        }
                    }
                    Value::Object(e)
                }
                other => other,
            })
            .collect();
        m.insert("appversion_lifecycle".to_string(), Value::List(ty, items));
    }
    Value::Object(m)
}
