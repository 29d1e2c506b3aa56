//! aws_s3_bucket_website_configuration: static website hosting of a
//! bucket: index and error documents, a redirect of every request, or
//! routing rules (as `routing_rule` blocks or as `routing_rules` JSON).
//! The ID is the bucket (`bucket,owner` with `expected_bucket_owner`).

use super::{bucket_id, parse_bucket_id, website_endpoint};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State, Val};
use crate::service::ec2::compute_shared::{blocks, computed_block, elem};
use crate::service::elbv2::changed;
use crate::service::iam::policy_json::{go_compact, normalize, parse, sorted};
use crate::wait::{until, Poll};
use crate::{Outcome, Resource};
use aws_sdk_s3::operation::get_bucket_website::GetBucketWebsiteOutput;
use aws_sdk_s3::types::{
    Condition, ErrorDocument, IndexDocument, Protocol, Redirect, RedirectAllRequestsTo,
    RoutingRule, WebsiteConfiguration,
};
use serde_json::Value as J;
use std::time::Duration;
use tfrs_provider::provider::Diags;
use tfrs_provider::schema::NestedBlock;
use tfrs_provider::{Attribute, Block, Diag, Nesting, Schema, Type, Value};

pub struct BucketWebsiteConfiguration;

fn list(b: Block, min: usize, max: usize) -> NestedBlock {
    NestedBlock {
        nesting: Nesting::List,
        block: b,
        min_items: min,
        max_items: max,
        force_new: false,
    }
}

fn block() -> Block {
    let s = || Attribute::optional(Type::String);
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("bucket", Attribute::required(Type::String).force_new())
        .attr("expected_bucket_owner", s().force_new())
        .attr("routing_rules", Attribute::optional_computed(Type::String))
        .attr("website_domain", Attribute::computed(Type::String))
        .attr("website_endpoint", Attribute::computed(Type::String))
        .block_with(
            "error_document",
            list(
                Block::new().attr("key", Attribute::required(Type::String)),
                0,
                1,
            ),
        )
        .block_with(
            "index_document",
            list(
                Block::new().attr("suffix", Attribute::required(Type::String)),
                0,
                1,
            ),
        )
        .block_with(
            "redirect_all_requests_to",
            list(
                Block::new()
                    .attr("host_name", Attribute::required(Type::String))
                    .attr("protocol", s()),
                0,
                1,
            ),
        )
        .block_with(
            "routing_rule",
            list(
                Block::new()
                    .block_with(
                        "condition",
                        list(
                            Block::new()
                                .attr("http_error_code_returned_equals", s())
                                .attr("key_prefix_equals", s()),
                            0,
                            1,
                        ),
                    )
                    .block_with(
                        "redirect",
                        list(
                            Block::new()
                                .attr("host_name", s())
                                .attr("http_redirect_code", s())
                                .attr("protocol", s())
                                .attr("replace_key_prefix_with", s())
                                .attr("replace_key_with", s()),
                            1,
                            1,
                        ),
                    ),
                0,
                0,
            ),
        )
}

fn nonempty(s: Option<&str>) -> Option<String> {
    s.filter(|v| !v.is_empty()).map(String::from)
}

/// Routing rules from `routing_rule` blocks.
fn rules_from_blocks(p: &Obj) -> Vec<RoutingRule> {
    p.blocks("routing_rule")
        .iter()
        .map(|r| {
            let condition = r.block("condition").map(|c| {
                Condition::builder()
                    .set_http_error_code_returned_equals(nonempty(
                        c.str("http_error_code_returned_equals"),
                    ))
                    .set_key_prefix_equals(nonempty(c.str("key_prefix_equals")))
                    .build()
            });
            let redirect = r.block("redirect").map(|d| {
                Redirect::builder()
                    .set_host_name(nonempty(d.str("host_name")))
                    .set_http_redirect_code(nonempty(d.str("http_redirect_code")))
                    .set_protocol(nonempty(d.str("protocol")).map(|p| Protocol::from(p.as_str())))
                    .set_replace_key_prefix_with(nonempty(d.str("replace_key_prefix_with")))
                    .set_replace_key_with(nonempty(d.str("replace_key_with")))
                    .build()
            });
            RoutingRule::builder()
                .set_condition(condition)
                .set_redirect(redirect)
                .build()
        })
        .collect()
}

/// Routing rules from the `routing_rules` JSON (a list of S3's
/// RoutingRule objects).
fn rules_from_json(text: &str) -> Result<Vec<RoutingRule>> {
    let invalid = |m: String| Error::new("Invalid routing_rules", m);
    let J::Array(items) = parse(text).map_err(invalid)? else {
        return Err(invalid("routing_rules must be a JSON list".into()));
    };
    let s = |o: Option<&J>, k: &str| {
        o.and_then(|m| m.get(k))
            .and_then(J::as_str)
            .map(String::from)
    };
    items
        .iter()
        .map(|item| {
            let J::Object(m) = item else {
                return Err(invalid("each routing rule must be a JSON object".into()));
            };
            let c = m.get("Condition");
            let r = m.get("Redirect");
            Ok(RoutingRule::builder()
                .set_condition(c.map(|_| {
                    Condition::builder()
                        .set_http_error_code_returned_equals(s(c, "HttpErrorCodeReturnedEquals"))
                        .set_key_prefix_equals(s(c, "KeyPrefixEquals"))
                        .build()
                }))
                .set_redirect(r.map(|_| {
                    Redirect::builder()
                        .set_host_name(s(r, "HostName"))
                        .set_http_redirect_code(s(r, "HttpRedirectCode"))
                        .set_protocol(
                            s(r, "Protocol")
                                .filter(|p| !p.is_empty())
                                .map(|p| Protocol::from(p.as_str())),
                        )
                        .set_replace_key_prefix_with(s(r, "ReplaceKeyPrefixWith"))
                        .set_replace_key_with(s(r, "ReplaceKeyWith"))
                        .build()
                }))
                .build())
        })
        .collect()
}

/// The rules as the provider stores `routing_rules`: S3's field names,
/// keys sorted, no empty fields.
fn rules_json(rules: &[RoutingRule]) -> String {
    if rules.is_empty() {
        return String::new();
    }
    let obj = |pairs: Vec<(&str, Option<&str>)>| {
        J::Object(
            pairs
                .into_iter()
                .filter_map(|(k, v)| {
                    v.filter(|s| !s.is_empty())
                        .map(|s| (k.to_string(), J::String(s.into())))
                })
                .collect(),
        )
    };
    let list: Vec<J> = rules
        .iter()
        .map(|r| {
            let mut m = serde_json::Map::new();
            if let Some(c) = r.condition() {
                m.insert(
                    "Condition".into(),
                    obj(vec![
                        (
                            "HttpErrorCodeReturnedEquals",
                            c.http_error_code_returned_equals(),
                        ),
                        ("KeyPrefixEquals", c.key_prefix_equals()),
                    ]),
                );
            }
            if let Some(d) = r.redirect() {
                m.insert(
                    "Redirect".into(),
                    obj(vec![
                        ("HostName", d.host_name()),
                        ("HttpRedirectCode", d.http_redirect_code()),
                        ("Protocol", d.protocol().map(|p| p.as_str())),
                        ("ReplaceKeyPrefixWith", d.replace_key_prefix_with()),
                        ("ReplaceKeyWith", d.replace_key_with()),
                    ]),
                );
            }
            J::Object(m)
        })
        .collect();
    go_compact(&sorted(J::Array(list)))
}

fn configuration(p: &Obj) -> Result<WebsiteConfiguration> {
    let bad = |e: aws_sdk_s3::error::BuildError| {
        Error::new("Invalid website configuration", e.to_string())
    };
    let mut b = WebsiteConfiguration::builder();
    if let Some(e) = p.block("error_document") {
        b = b.error_document(
            ErrorDocument::builder()
                .key(e.req("key"))
                .build()
                .map_err(bad)?,
        );
    }
    if let Some(i) = p.block("index_document") {
        b = b.index_document(
            IndexDocument::builder()
                .suffix(i.req("suffix"))
                .build()
                .map_err(bad)?,
        );
    }
    if let Some(r) = p.block("redirect_all_requests_to") {
        b = b.redirect_all_requests_to(
            RedirectAllRequestsTo::builder()
                .host_name(r.req("host_name"))
                .set_protocol(nonempty(r.str("protocol")).map(|p| Protocol::from(p.as_str())))
                .build()
                .map_err(bad)?,
        );
    }
    let rules = if !p.blocks("routing_rule").is_empty() {
        rules_from_blocks(p)
    } else if let Some(j) = p.str("routing_rules").filter(|j| !j.is_empty()) {
        rules_from_json(j)?
    } else {
        Vec::new()
    };
    if !rules.is_empty() {
        b = b.set_routing_rules(Some(rules));
    }
    Ok(b.build())
}

async fn put(c: &Ctx, p: &Obj<'_>) -> Result<()> {
    let cfg = configuration(p)?;
    c.s3()
        .put_bucket_website()
        .bucket(p.req("bucket"))
        .set_expected_bucket_owner(nonempty(p.str("expected_bucket_owner")))
        .website_configuration(cfg)
        .send()
        .await
        .map_err(|e| sdk("s3:PutBucketWebsite", e))?;
    Ok(())
}

async fn find(c: &Ctx, bucket: &str, owner: Option<&str>) -> Result<GetBucketWebsiteOutput> {
    c.s3()
        .get_bucket_website()
        .bucket(bucket)
        .set_expected_bucket_owner(owner.map(String::from))
        .send()
        .await
        .map_err(|e| sdk("s3:GetBucketWebsite", e))
}

fn flatten(
    c: &Ctx,
    base: &Value,
    bucket: &str,
    owner: Option<&str>,
    out: &GetBucketWebsiteOutput,
) -> Value {
    let schema = block();
    let b = Obj(base);
    let rule_schema = &schema.blocks["routing_rule"].block;
    let opt = |v: Option<&str>| -> Val { nonempty(v).into() };
    let rules: Vec<Value> = out
        .routing_rules()
        .iter()
        .map(|r| {
            let condition = r
                .condition()
                .map(|c| {
                    vec![elem(
                        rule_schema,
                        "condition",
                        vec![
                            (
                                "http_error_code_returned_equals",
                                opt(c.http_error_code_returned_equals()),
                            ),
                            ("key_prefix_equals", opt(c.key_prefix_equals())),
                        ],
                    )]
                })
                .unwrap_or_default();
            let redirect = r
                .redirect()
                .map(|d| {
                    vec![elem(
                        rule_schema,
                        "redirect",
                        vec![
                            ("host_name", opt(d.host_name())),
                            ("http_redirect_code", opt(d.http_redirect_code())),
                            ("protocol", opt(d.protocol().map(|p| p.as_str()))),
                            ("replace_key_prefix_with", opt(d.replace_key_prefix_with())),
                            ("replace_key_with", opt(d.replace_key_with())),
                        ],
                    )]
                })
                .unwrap_or_default();
            State::new(rule_schema)
                .set("condition", blocks(rule_schema, "condition", condition))
                .set("redirect", blocks(rule_schema, "redirect", redirect))
                .build()
        })
        .collect();
    let error_doc = out
        .error_document()
        .map(|e| {
            vec![elem(
                &schema,
                "error_document",
                vec![("key", e.key().into())],
            )]
        })
        .unwrap_or_default();
    let index_doc = out
        .index_document()
        .map(|i| {
            vec![elem(
                &schema,
                "index_document",
                vec![("suffix", i.suffix().into())],
            )]
        })
        .unwrap_or_default();
    let configured_protocol = b
        .block("redirect_all_requests_to")
        .and_then(|r| r.string("protocol"));
    let redirect_all = out
        .redirect_all_requests_to()
        .map(|r| {
            let protocol = nonempty(r.protocol().map(|p| p.as_str()))
                .or_else(|| configured_protocol.clone().filter(String::is_empty));
            vec![elem(
                &schema,
                "redirect_all_requests_to",
                vec![
                    ("host_name", r.host_name().into()),
                    ("protocol", protocol.into()),
                ],
            )]
        })
        .unwrap_or_default();
    let (endpoint, domain) = website_endpoint(bucket, &c.region);
    State::from(&schema, base)
        .set("id", bucket_id(bucket, owner))
        .set("bucket", bucket)
        .set(
            "expected_bucket_owner",
            owner
                .map(String::from)
                .or_else(|| b.string("expected_bucket_owner").filter(String::is_empty)),
        )
        .set(
            "error_document",
            blocks(&schema, "error_document", error_doc),
        )
        .set(
            "index_document",
            blocks(&schema, "index_document", index_doc),
        )
        .set(
            "redirect_all_requests_to",
            blocks(&schema, "redirect_all_requests_to", redirect_all),
        )
        .set("routing_rule", blocks(&schema, "routing_rule", rules))
        .set("routing_rules", rules_json(out.routing_rules()))
        .set("website_domain", domain)
        .set("website_endpoint", endpoint)
        .build()
}

async fn read_config(c: &Ctx, base: &Value) -> Result<Option<Value>> {
    let (bucket, owner) = parse_bucket_id(Obj(base).id());
    Ok(found(find(c, &bucket, owner.as_deref()).await)?
        .map(|out| flatten(c, base, &bucket, owner.as_deref(), &out)))
}

impl Resource for BucketWebsiteConfiguration {
    fn name(&self) -> &'static str {
        "aws_s3_bucket_website_configuration"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let bucket = p.req("bucket").to_string();
        if let Err(e) = c.run(put(c, &p)) {
            return Outcome::Failed(e.context(format!(
                "creating S3 Bucket ({bucket}) Website Configuration"
            )));
        }
        let id = bucket_id(&bucket, p.str("expected_bucket_owner"));
        let base = State::from(&block(), plan).set("id", id.clone()).build();
        let read = c.run(until(
            &format!("S3 Bucket ({bucket}) Website Configuration"),
            Duration::from_secs(60),
            || async {
                Ok(match read_config(c, &base).await? {
                    Some(v) => Poll::Ready(v),
                    None => Poll::Pending("not yet readable".into()),
                })
            },
        ));
        match read {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        c.run(read_config(c, state))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let id = Obj(prior).id().to_string();
        let base = State::from(&block(), plan).set("id", id).build();
        let r = c.run(async {
            put(c, &Obj(plan)).await?;
            read_config(c, &base).await
        });
        match r {
            Ok(Some(v)) => Outcome::Done(v),
            Ok(None) => Outcome::Failed(Error::new(
                "S3 bucket website configuration not found after update",
                format!("s3:GetBucketWebsite: {}", Obj(plan).req("bucket")),
            )),
            Err(e) => Outcome::Failed(e),
        }
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let (bucket, owner) = parse_bucket_id(Obj(state).id());
        c.run(
            c.s3()
                .delete_bucket_website()
                .bucket(&bucket)
                .set_expected_bucket_owner(owner)
                .send(),
        )
        .map_err(|e| sdk("s3:DeleteBucketWebsite", e))?;
        Ok(())
    }

    /// `bucket` or `bucket,expected_bucket_owner`.
    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        let (bucket, owner) = parse_bucket_id(id);
        State::new(&block())
            .set("id", id)
            .set("bucket", bucket)
            .set("expected_bucket_owner", owner)
            .build()
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        let Value::Object(mut m) = planned else {
            return planned;
        };
        let blocks_configured = m
            .get("routing_rule")
            .and_then(Value::elements)
            .is_some_and(|e| !e.is_empty());
        // routing_rules is stored normalised; an equivalent text is no change.
        if let Some(Value::String(text)) = m.get("routing_rules").cloned() {
            let prior_text = prior.get_attr("routing_rules").and_then(Value::as_str);
            let same = prior_text
                .is_some_and(|p| matches!((parse(p), parse(&text)), (Ok(a), Ok(b)) if a == b));
            let v = if same {
                prior_text.unwrap_or_default().to_string()
            } else {
                normalize(&text).unwrap_or(text)
            };
            m.insert("routing_rules".into(), Value::String(v));
        }
        computed_block(&mut m, prior, "routing_rule");
        if !prior.is_null() {
            let planned = Value::Object(m.clone());
            if blocks_configured && changed(prior, &planned, "routing_rule") {
                // The JSON form follows the blocks.
                m.insert("routing_rules".into(), Value::Unknown(Type::String));
            } else if !blocks_configured && changed(prior, &planned, "routing_rules") {
                let ty = m
                    .get("routing_rule")
                    .map(Value::ty)
                    .unwrap_or(Type::Dynamic);
                m.insert("routing_rule".into(), Value::Unknown(ty));
            }
        }
        Value::Object(m)
    }

    fn validate(&self, config: &Value) -> Diags {
        let o = Obj(config);
        let mut d = Vec::new();
        let has_rule_blocks = !o.blocks("routing_rule").is_empty();
        if has_rule_blocks && o.get("routing_rules").is_some() {
            d.push(Diag::error(
                "Conflicting configuration arguments",
                "\"routing_rule\": conflicts with routing_rules",
            ));
        }
        let redirect_all = o.block("redirect_all_requests_to").is_some();
        for k in ["error_document", "index_document", "routing_rule"] {
            if redirect_all && !o.blocks(k).is_empty() {
                d.push(Diag::error(
                    "Conflicting configuration arguments",
                    format!("\"redirect_all_requests_to\": conflicts with {k}"),
                ));
            }
        }
        if let Some(j) = o.str("routing_rules") {
            if let Err(e) = rules_from_json(j) {
                d.push(Diag::error(e.summary, e.detail));
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_rules_round_trip_in_the_provider_json_form() {
        let text = r#"[{"Redirect":{"ReplaceKeyPrefixWith":"documents/"},"Condition":{"KeyPrefixEquals":"docs/"}}]"#;
        let rules = rules_from_json(text).expect("valid rules");
        assert_eq!(
            rules_json(&rules),
            r#"[{"Condition":{"KeyPrefixEquals":"docs/"},"Redirect":{"ReplaceKeyPrefixWith":"documents/"}}]"#
        );
        assert!(rules_from_json("{}").is_err());
        assert_eq!(rules_json(&[]), "");
    }
}
