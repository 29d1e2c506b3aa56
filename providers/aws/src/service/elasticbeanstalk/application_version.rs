//! aws_elastic_beanstalk_application_version
//!
//! As in hashicorp/aws, the type cannot be imported: its ID (the version
//! label) does not name the application.

use super::{changed, description, list_tags, tags_in, update_tags};
use crate::ctx::Ctx;
use crate::error::{sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::schema::with_tags;
use crate::service::{plan_tags_all, read_tags};
use crate::{Outcome, Resource};
use aws_sdk_elasticbeanstalk::types::{
    ApplicationVersionDescription, EnvironmentStatus, S3Location,
};
use std::collections::BTreeMap;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct ApplicationVersion;

fn block() -> Block {
    with_tags(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("application", Attribute::required(Type::String).force_new())
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("key", Attribute::required(Type::String).force_new())
            .attr("description", Attribute::optional(Type::String))
            .attr(
                "force_delete",
                Attribute::optional(Type::Bool).default(Value::Bool(false)),
            )
            .attr(
                "process",
                Attribute::optional(Type::Bool).default(Value::Bool(false)),
            )
            .attr("arn", Attribute::computed(Type::String)),
    )
}

async fn find_version(
    c: &Ctx,
    application: &str,
    label: &str,
) -> Result<Option<ApplicationVersionDescription>> {
    let out = c
        .elasticbeanstalk()
        .describe_application_versions()
        .application_name(application)
        .version_labels(label)
        .send()
        .await
        .map_err(|e| sdk("elasticbeanstalk:DescribeApplicationVersions", e))?;
    Ok(out
        .application_versions()
        .iter()
        .find(|v| v.version_label() == Some(label))
        .cloned())
}

fn state_of(
    c: &Ctx,
    base: &Value,
    v: &ApplicationVersionDescription,
    tags: BTreeMap<String, String>,
) -> Value {
    let label = v.version_label().unwrap_or_default().to_string();
    let s = State::from(&block(), base)
        .set("id", label)
        .set("arn", v.application_version_arn().map(String::from))
        .set("description", description(v.description(), base));
    read_tags(c, s, base, tags).build()
}

async fn read_version(c: &Ctx, base: &Value) -> Result<Option<Value>> {
    let s = Obj(base);
    let Some(application) = s.str("application").filter(|a| !a.is_empty()) else {
        return Err(Error::new(
            "Resource Import Not Implemented",
            "resource aws_elastic_beanstalk_application_version doesn't support import",
        ));
    };
    let Some(v) = find_version(c, application, s.id()).await? else {
        return Ok(None);
    };
    let tags = list_tags(c, v.application_version_arn().unwrap_or_default()).await?;
    Ok(Some(state_of(c, base, &v, tags)))
}

impl Resource for ApplicationVersion {
    fn name(&self) -> &'static str {
        "aws_elastic_beanstalk_application_version"
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
                .create_application_version()
                .application_name(p.req("application"))
                .version_label(&name)
                .description(p.str("description").unwrap_or_default())
                .process(p.flag("process"))
                .source_bundle(
                    S3Location::builder()
                        .s3_bucket(p.req("bucket"))
                        .s3_key(p.req("key"))
                        .build(),
                )
                .set_tags(tags_in(&tags))
                .send()
                .await
                .map_err(|e| sdk("elasticbeanstalk:CreateApplicationVersion", e))
        });
        if let Err(e) = created {
            return Outcome::Failed(e.context(format!(
                "creating Elastic Beanstalk Application Version ({name})"
            )));
        }
        let base = State::from(&block(), plan)
            .set("id", name.clone())
            .set("tags_all", crate::obj::string_map(tags))
            .build();
        match c.run(read_version(c, &base)) {
            Ok(Some(v)) => Outcome::Done(v),
            Ok(None) => Outcome::Partial(
                base,
                Error::new(
                    "reading Elastic Beanstalk Application Version",
                    format!("{name}: not found after creation"),
                ),
            ),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        c.run(read_version(c, state))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let (o, p) = (Obj(prior), Obj(plan));
        let label = o.id().to_string();
        let tags = c.tags_all(&p.map_str("tags"));
        let r = c.run(async {
            if changed(prior, plan, "description") {
                c.elasticbeanstalk()
                    .update_application_version()
                    .application_name(p.req("application"))
                    .version_label(&label)
                    .description(p.str("description").unwrap_or_default())
                    .send()
                    .await
                    .map_err(|e| sdk("elasticbeanstalk:UpdateApplicationVersion", e))?;
            }
            update_tags(c, o.req("arn"), &o.map_str("tags_all"), &tags).await?;
            let base = State::from(&block(), plan).set("id", label.clone()).build();
            read_version(c, &base).await?.ok_or_else(|| {
                Error::new(
                    "Elastic Beanstalk Application Version not found",
                    label.clone(),
                )
            })
        });
        match r {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Failed(e.context(format!(
                "updating Elastic Beanstalk Application Version ({label})"
            ))),
        }
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        let label = s.id().to_string();
        let application = s.req("application").to_string();
        c.run(async {
            if !s.flag("force_delete") {
                let out = c
                    .elasticbeanstalk()
                    .describe_environments()
                    .application_name(&application)
                    .version_label(&label)
                    .include_deleted(false)
                    .send()
                    .await
                    .map_err(|e| sdk("elasticbeanstalk:DescribeEnvironments", e))?;
                let users: Vec<&str> = out
                    .environments()
                    .iter()
                    .filter(|e| e.status() != Some(&EnvironmentStatus::Terminated))
                    .filter_map(|e| e.environment_id())
                    .collect();
                if !users.is_empty() {
                    return Err(Error::new(
                        format!("deleting Elastic Beanstalk Application Version ({label})"),
                        format!(
                            "Elastic Beanstalk Application Version ({label}) is currently in use by the following environments: [{}]",
                            users.join(" ")
                        ),
                    ));
                }
            }
            let deleted = c
                .elasticbeanstalk()
                .delete_application_version()
                .application_name(&application)
                .version_label(&label)
                .delete_source_bundle(false)
                .send()
                .await
                .map_err(|e| sdk("elasticbeanstalk:DeleteApplicationVersion", e));
            match deleted {
                Ok(_) => Ok(()),
                // AWS answers InvalidParameterValue for a version (or an
                // application) that is gone; other refusals stay errors.
                Err(e) if e.has_code("InvalidParameterValue") => {
                    let gone = match find_version(c, &application, &label).await {
                        Ok(v) => v.is_none(),
                        Err(_) => false,
                    };
                    if gone {
                        Ok(())
                    } else {
                        Err(e.context(format!(
                            "deleting Elastic Beanstalk Application Version ({label})"
                        )))
                    }
                }
                Err(e) => Err(e.context(format!(
                    "deleting Elastic Beanstalk Application Version ({label})"
                ))),
            }
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        plan_tags_all(prior, planned)
    }
}
