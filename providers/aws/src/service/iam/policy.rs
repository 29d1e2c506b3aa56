//! aws_iam_policy: a customer managed policy. A new document becomes a new
//! default version; IAM keeps at most five, so the oldest non-default one
//! goes first when there are five.

use super::policy_json::{check_policy, normalize, plan_policy, policy_to_set};
use super::{iam_tags, name_prefix_from_name, resource_name, tag_map, url_unescape, PROPAGATION};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::schema::with_tags;
use crate::service::{plan_tags_all, read_tags, tag_changes};
use crate::wait::retry_eventual;
use crate::{Outcome, Resource};
use aws_sdk_iam::types::{Policy as AwsPolicy, PolicyVersion};
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct Policy;

fn block() -> Block {
    with_tags(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr(
                "name",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "name_prefix",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "path",
                Attribute::optional(Type::String)
                    .default(Value::string("/"))
                    .force_new(),
            )
            .attr("description", Attribute::optional(Type::String).force_new())
            .attr("policy", Attribute::required(Type::String))
            .attr("policy_id", Attribute::computed(Type::String))
            .attr("attachment_count", Attribute::computed(Type::Number)),
    )
}

/// IAM's limit on versions of a managed policy.
const MAX_VERSIONS: usize = 5;

fn invalid_policy(e: String) -> Error {
    Error::new("Invalid policy document", e)
}

/// The policy and its default version's document (URL-decoded), or a
/// NoSuchEntity error.
async fn find(c: &Ctx, arn: &str) -> Result<(AwsPolicy, String)> {
    let policy = c
        .iam()
        .get_policy()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| sdk("iam:GetPolicy", e))?
        .policy
        .ok_or_else(|| {
            let mut e = Error::new("IAM policy not found", format!("iam:GetPolicy: no {arn}"));
            e.code = Some("NoSuchEntity".into());
            e
        })?;
    let version = c
        .iam()
        .get_policy_version()
        .policy_arn(arn)
        .version_id(policy.default_version_id().unwrap_or("v1"))
        .send()
        .await
        .map_err(|e| sdk("iam:GetPolicyVersion", e))?;
    let document = url_unescape(
        version
            .policy_version()
            .and_then(PolicyVersion::document)
            .unwrap_or_default(),
    )?;
    Ok((policy, document))
}

async fn tags(c: &Ctx, arn: &str) -> Result<std::collections::BTreeMap<String, String>> {
    let out = c
        .iam()
        .list_policy_tags()
        .policy_arn(arn)
        .send()
        .await
        .map_err(|e| sdk("iam:ListPolicyTags", e))?;
    Ok(tag_map(out.tags()))
}

async fn versions(c: &Ctx, arn: &str) -> Result<Vec<PolicyVersion>> {
    c.iam()
        .list_policy_versions()
        .policy_arn(arn)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| sdk("iam:ListPolicyVersions", e))
}

async fn delete_version(c: &Ctx, arn: &str, id: &str) -> Result<()> {
    c.iam()
        .delete_policy_version()
        .policy_arn(arn)
        .version_id(id)
        .send()
        .await
        .map_err(|e| sdk("iam:DeletePolicyVersion", e))?;
    Ok(())
}

/// Makes room for one more version: with five, the oldest non-default
/// one is deleted (the default never is).
async fn prune_versions(c: &Ctx, arn: &str) -> Result<()> {
    let all = versions(c, arn).await?;
    if all.len() < MAX_VERSIONS {
        return Ok(());
    }
    let oldest = all
        .iter()
        .filter(|v| !v.is_default_version())
        .min_by_key(|v| v.create_date().map(|d| (d.secs(), d.subsec_nanos())));
    match oldest.and_then(PolicyVersion::version_id) {
        Some(id) => delete_version(c, arn, id).await,
        None => Ok(()),
    }
}

async fn flatten(c: &Ctx, base: &Value, policy: &AwsPolicy, document: &str) -> Result<Value> {
    let b = Obj(base);
    let arn = policy.arn().unwrap_or_default();
    let name = policy.policy_name().unwrap_or_default();
    let text =
        policy_to_set(b.str("policy").unwrap_or_default(), document).map_err(invalid_policy)?;
    let description = policy
        .description()
        .filter(|d| !d.is_empty())
        .map(String::from)
        .or_else(|| b.string("description").filter(String::is_empty));
    let s = State::from(&block(), base)
        .set("id", arn)
        .set("arn", arn)
        .set("name", name)
        .set(
            "name_prefix",
            name_prefix_from_name(name)
                .or_else(|| b.string("name_prefix"))
                .unwrap_or_default(),
        )
        .set("path", policy.path().unwrap_or("/"))
        .set("description", description)
        .set("policy_id", policy.policy_id().map(String::from))
        .set(
            "attachment_count",
            i64::from(policy.attachment_count().unwrap_or(0)),
        )
        .set("policy", text);
    Ok(read_tags(c, s, base, tags(c, arn).await?).build())
}

impl Resource for Policy {
    fn name(&self) -> &'static str {
        "aws_iam_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = resource_name(p.str("name"), p.str("name_prefix"));
        let document = match normalize(p.req("policy")) {
            Ok(v) => v,
            Err(e) => return Outcome::Failed(invalid_policy(e)),
        };
        let tags = c.tags_all(&p.map_str("tags"));
        let created = c.run(async {
            let tag_list = iam_tags(&tags)?;
            c.iam()
                .create_policy()
                .policy_name(&name)
                .path(p.str("path").unwrap_or("/"))
                .set_description(p.string("description"))
                .policy_document(&document)
                .set_tags((!tag_list.is_empty()).then_some(tag_list))
                .send()
                .await
                .map_err(|e| sdk("iam:CreatePolicy", e))
        });
        let arn = match created {
            Ok(out) => match out.policy().and_then(AwsPolicy::arn) {
                Some(a) => a.to_string(),
                None => {
                    return Outcome::Failed(Error::new(
                        "iam:CreatePolicy failed",
                        "the response has no policy ARN",
                    ))
                }
            },
            Err(e) => return Outcome::Failed(e),
        };
        let base = State::from(&block(), plan)
            .set("id", arn.clone())
            .set("arn", arn.clone())
            .set("name", name)
            .set("policy", document)
            .set("tags_all", crate::obj::string_map(tags))
            .build();
        let read = c.run(async {
            let (policy, doc) =
                retry_eventual(PROPAGATION, &["NoSuchEntity"], || find(c, &arn)).await?;
            flatten(c, &base, &policy, &doc).await
        });
        match read {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    /// The ID is the ARN, which follows from the path and name.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        let p = Obj(planned);
        let Some(name) = p.str("name") else {
            return Ok(None);
        };
        let arn = format!(
            "arn:{}:iam::{}:policy{}{name}",
            c.partition(),
            c.account_id()?,
            p.str("path").unwrap_or("/")
        );
        crate::read_as(self, c, planned, &arn)
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let arn = Obj(state).id().to_string();
        c.run(async {
            match found(find(c, &arn).await)? {
                Some((policy, doc)) => flatten(c, state, &policy, &doc).await.map(Some),
                None => Ok(None),
            }
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let (o, p) = (Obj(prior), Obj(plan));
        let arn = o.id().to_string();
        let r = c.run(async {
            let changed = prior.get_attr("policy").zip(plan.get_attr("policy"));
            if changed.is_some_and(|(a, b)| !a.raw_equal(b)) {
                let document = normalize(p.req("policy")).map_err(invalid_policy)?;
                prune_versions(c, &arn).await?;
                // Created as a non-default version and then made the
                // default, as the provider does: IAM can refuse a new
                // default version right away.
                let created = c
                    .iam()
                    .create_policy_version()
                    .policy_arn(&arn)
                    .policy_document(&document)
                    .set_as_default(false)
                    .send()
                    .await
                    .map_err(|e| sdk("iam:CreatePolicyVersion", e))?;
                let version = created
                    .policy_version()
                    .and_then(PolicyVersion::version_id)
                    .unwrap_or_default()
                    .to_string();
                retry_eventual(PROPAGATION, &["NoSuchEntity"], || async {
                    c.iam()
                        .set_default_policy_version()
                        .policy_arn(&arn)
                        .version_id(&version)
                        .send()
                        .await
                        .map_err(|e| sdk("iam:SetDefaultPolicyVersion", e))
                })
                .await?;
            }
            let tags = c.tags_all(&p.map_str("tags"));
            let (removed, upserts) = tag_changes(&o.map_str("tags_all"), &tags);
            if !removed.is_empty() {
                c.iam()
                    .untag_policy()
                    .policy_arn(&arn)
                    .set_tag_keys(Some(removed))
                    .send()
                    .await
                    .map_err(|e| sdk("iam:UntagPolicy", e))?;
            }
            if !upserts.is_empty() {
                c.iam()
                    .tag_policy()
                    .policy_arn(&arn)
                    .set_tags(Some(iam_tags(&upserts)?))
                    .send()
                    .await
                    .map_err(|e| sdk("iam:TagPolicy", e))?;
            }
            let (policy, doc) = find(c, &arn).await?;
            flatten(c, plan, &policy, &doc).await
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let arn = Obj(state).id().to_string();
        c.run(async {
            let Some(all) = found(versions(c, &arn).await)? else {
                return Ok(());
            };
            for v in all.iter().filter(|v| !v.is_default_version()) {
                if let Some(id) = v.version_id() {
                    delete_version(c, &arn, id).await?;
                }
            }
            c.iam()
                .delete_policy()
                .policy_arn(&arn)
                .send()
                .await
                .map_err(|e| sdk("iam:DeletePolicy", e))?;
            Ok(())
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        plan_policy(prior, plan_tags_all(prior, planned), "policy", normalize)
    }

    fn validate(&self, config: &Value) -> Diags {
        let o = Obj(config);
        let mut d = Vec::new();
        if o.get("name").is_some() && o.get("name_prefix").is_some() {
            d.push(Diag::error(
                "Conflicting configuration arguments",
                "\"name\": conflicts with name_prefix",
            ));
        }
        if let Some(p) = o.str("policy") {
            if let Err(e) = check_policy(p) {
                d.push(Diag::error("Invalid policy", e));
            }
        }
        d
    }
}
