//! aws_dynamodb_table

use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{object, Obj, State};
use crate::schema::with_tags;
use crate::wait::{until, Poll};
use crate::{Outcome, Resource};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ProvisionedThroughput, ScalarAttributeType, TableStatus, Tag,
};
use std::time::Duration;
use tfrs_provider::{Attribute, Block, Nesting, Schema, Type, Value};

pub struct Table;

fn block() -> Block {
    with_tags(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String).force_new())
            .attr(
                "hash_key",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("range_key", Attribute::optional(Type::String).force_new())
            .attr(
                "billing_mode",
                Attribute::optional(Type::String).default(Value::string("PROVISIONED")),
            )
            .attr("read_capacity", Attribute::optional_computed(Type::Number))
            .attr("write_capacity", Attribute::optional_computed(Type::Number))
            .attr(
                "stream_enabled",
                Attribute::optional(Type::Bool).default(Value::Bool(false)),
            )
            .attr(
                "stream_view_type",
                Attribute::optional_computed(Type::String),
            )
            .attr("table_class", Attribute::optional_computed(Type::String))
            .attr(
                "deletion_protection_enabled",
                Attribute::optional(Type::Bool).default(Value::Bool(false)),
            )
            .attr("arn", Attribute::computed(Type::String))
            .attr("stream_arn", Attribute::computed(Type::String))
            .attr("stream_label", Attribute::computed(Type::String))
            .block(
                "attribute",
                Nesting::Set,
                Block::new()
                    .attr("name", Attribute::required(Type::String))
                    .attr("type", Attribute::required(Type::String)),
            )
            .block(
                "global_secondary_index",
                Nesting::Set,
                Block::new()
                    .attr("name", Attribute::required(Type::String))
                    .attr("hash_key", Attribute::required(Type::String))
                    .attr("range_key", Attribute::optional(Type::String))
                    .attr("projection_type", Attribute::required(Type::String))
                    .attr(
                        "non_key_attributes",
                        Attribute::optional(Type::set(Type::String)),
                    )
                    .attr("read_capacity", Attribute::optional(Type::Number))
                    .attr("write_capacity", Attribute::optional(Type::Number)),
            )
            .block(
                "ttl",
                Nesting::List,
                Block::new()
                    .attr("attribute_name", Attribute::optional(Type::String))
                    .attr("enabled", Attribute::optional(Type::Bool)),
            )
            .block(
                "point_in_time_recovery",
                Nesting::List,
                Block::new().attr("enabled", Attribute::required(Type::Bool)),
            ),
    )
}

fn build_err(e: impl std::fmt::Display) -> Error {
    Error::new("Invalid DynamoDB request", e.to_string())
}

fn key(name: &str, kt: KeyType) -> Result<KeySchemaElement> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kt)
        .build()
        .map_err(build_err)
}

fn throughput(read: Option<i64>, write: Option<i64>) -> Result<ProvisionedThroughput> {
    ProvisionedThroughput::builder()
        .read_capacity_units(read.unwrap_or(1))
        .write_capacity_units(write.unwrap_or(1))
        .build()
        .map_err(build_err)
}

async fn wait_active(c: &Ctx, name: &str) -> Result<aws_sdk_dynamodb::types::TableDescription> {
    until(
        "the DynamoDB table to be active",
        Duration::from_secs(600),
        || async {
            let out = c
                .dynamodb()
                .describe_table()
                .table_name(name)
                .send()
                .await
                .map_err(|e| sdk("dynamodb:DescribeTable", e))?;
            let t = out
                .table
                .ok_or_else(|| Error::new("Table not found", name.to_string()))?;
            Ok(match t.table_status() {
                Some(TableStatus::Active) => Poll::Ready(t),
                other => Poll::Pending(format!("{other:?}")),
            })
        },
    )
    .await
}

fn state_of(
    c: &Ctx,
    base: &Value,
    t: &aws_sdk_dynamodb::types::TableDescription,
    tags: std::collections::BTreeMap<String, String>,
) -> Value {
    let name = t.table_name().unwrap_or_default().to_string();
    let mut hash = None;
    let mut range = None;
    for k in t.key_schema() {
        match k.key_type() {
            KeyType::Hash => hash = Some(k.attribute_name().to_string()),
            KeyType::Range => range = Some(k.attribute_name().to_string()),
            _ => {}
        }
    }
    let billing = t
        .billing_mode_summary()
        .and_then(|b| b.billing_mode())
        .map(|b| b.as_str().to_string())
        .unwrap_or_else(|| "PROVISIONED".into());
    let (read, write) = match (&billing[..], t.provisioned_throughput()) {
        ("PAY_PER_REQUEST", _) => (0, 0),
        (_, Some(p)) => (
            p.read_capacity_units().unwrap_or(0),
            p.write_capacity_units().unwrap_or(0),
        ),
        _ => (0, 0),
    };
    let attrs: Vec<Value> = t
        .attribute_definitions()
        .iter()
        .map(|a| {
            object(vec![
                ("name", a.attribute_name().into()),
                ("type", a.attribute_type().as_str().into()),
            ])
        })
        .collect();
    let gsis: Vec<Value> = t
        .global_secondary_indexes()
        .iter()
        .map(|g| {
            let mut h = None;
            let mut r = None;
            for k in g.key_schema() {
                match k.key_type() {
                    KeyType::Hash => h = Some(k.attribute_name().to_string()),
                    KeyType::Range => r = Some(k.attribute_name().to_string()),
                    _ => {}
                }
            }
            let proj = g.projection();
            object(vec![
                ("name", g.index_name().map(String::from).into()),
                ("hash_key", h.into()),
                ("range_key", r.into()),
                (
                    "projection_type",
                    proj.and_then(|p| p.projection_type())
                        .map(|p| p.as_str().to_string())
                        .into(),
                ),
                (
                    "non_key_attributes",
                    proj.map(|p| p.non_key_attributes().to_vec())
                        .filter(|v| !v.is_empty())
                        .map(|v| {
                            Value::set(Type::String, v.into_iter().map(Value::string).collect())
                        })
                        .into(),
                ),
                (
                    "read_capacity",
                    g.provisioned_throughput()
                        .and_then(|p| p.read_capacity_units())
                        .into(),
                ),
                (
                    "write_capacity",
                    g.provisioned_throughput()
                        .and_then(|p| p.write_capacity_units())
                        .into(),
                ),
            ])
        })
        .collect();
    let b = block();
    let attr_ty = b.blocks["attribute"].block.value_type();
    let gsi_ty = b.blocks["global_secondary_index"].block.value_type();
    let gsis: Vec<Value> = gsis
        .into_iter()
        .map(|v| tfrs_provider::convert::convert(&v, &gsi_ty).unwrap_or(v))
        .collect();
    let attrs: Vec<Value> = attrs
        .into_iter()
        .map(|v| tfrs_provider::convert::convert(&v, &attr_ty).unwrap_or(v))
        .collect();
    let stream = t.stream_specification();
    State::from(&b, base)
        .set("id", name.clone())
        .set("name", name.clone())
        .set("arn", t.table_arn().map(String::from))
        .set("hash_key", hash)
        .set("range_key", range)
        .set("billing_mode", billing)
        .set("read_capacity", read)
        .set("write_capacity", write)
        .set("attribute", Value::set(attr_ty, attrs))
        .set("global_secondary_index", Value::set(gsi_ty, gsis))
        .set(
            "stream_enabled",
            stream.map(|s| s.stream_enabled()).unwrap_or(false),
        )
        .set(
            "stream_view_type",
            stream
                .and_then(|s| s.stream_view_type())
                .map(|v| v.as_str().to_string())
                .unwrap_or_default(),
        )
        .set(
            "stream_arn",
            t.latest_stream_arn().map(String::from).unwrap_or_default(),
        )
        .set(
            "stream_label",
            t.latest_stream_label()
                .map(String::from)
                .unwrap_or_default(),
        )
        .set(
            "table_class",
            t.table_class_summary()
                .and_then(|s| s.table_class())
                .map(|v| v.as_str().to_string())
                .unwrap_or_else(|| "STANDARD".into()),
        )
        .set(
            "deletion_protection_enabled",
            t.deletion_protection_enabled().unwrap_or(false),
        )
        .set("tags_all", crate::obj::string_map(c.visible_tags(tags)))
        .build()
}

async fn read_tags(c: &Ctx, arn: &str) -> Result<std::collections::BTreeMap<String, String>> {
    let out = c
        .dynamodb()
        .list_tags_of_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(|e| sdk("dynamodb:ListTagsOfResource", e))?;
    Ok(out
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

impl Resource for Table {
    fn name(&self) -> &'static str {
        "aws_dynamodb_table"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = p.req("name").to_string();
        let pay = p.str("billing_mode") == Some("PAY_PER_REQUEST");
        let tags = c.tags_all(&p.map_str("tags"));
        let r: Result<Value> = c.run(async {
            let mut req = c.dynamodb().create_table().table_name(&name);
            if let Some(h) = p.str("hash_key") {
                req = req.key_schema(key(h, KeyType::Hash)?);
            }
            if let Some(r) = p.str("range_key") {
                req = req.key_schema(key(r, KeyType::Range)?);
            }
            for a in p.blocks("attribute") {
                req = req.attribute_definitions(
                    AttributeDefinition::builder()
                        .attribute_name(a.req("name"))
                        .attribute_type(ScalarAttributeType::from(a.req("type")))
                        .build()
                        .map_err(build_err)?,
                );
            }
            for g in p.blocks("global_secondary_index") {
                let mut ks = vec![key(g.req("hash_key"), KeyType::Hash)?];
                if let Some(r) = g.str("range_key") {
                    ks.push(key(r, KeyType::Range)?);
                }
                let mut gb = GlobalSecondaryIndex::builder()
                    .index_name(g.req("name"))
                    .set_key_schema(Some(ks))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::from(g.req("projection_type")))
                            .set_non_key_attributes(
                                Some(g.list_str("non_key_attributes")).filter(|v| !v.is_empty()),
                            )
                            .build(),
                    );
                if !pay {
                    gb = gb.provisioned_throughput(throughput(
                        g.i64("read_capacity"),
                        g.i64("write_capacity"),
                    )?);
                }
                req = req.global_secondary_indexes(gb.build().map_err(build_err)?);
            }
            if pay {
                req = req.billing_mode(BillingMode::PayPerRequest);
            } else {
                req = req
                    .billing_mode(BillingMode::Provisioned)
                    .provisioned_throughput(throughput(
                        p.i64("read_capacity"),
                        p.i64("write_capacity"),
                    )?);
            }
            if let Some(true) = p.bool("stream_enabled") {
                req = req.stream_specification(
                    aws_sdk_dynamodb::types::StreamSpecification::builder()
                        .stream_enabled(true)
                        .set_stream_view_type(
                            p.str("stream_view_type")
                                .map(aws_sdk_dynamodb::types::StreamViewType::from),
                        )
                        .build()
                        .map_err(build_err)?,
                );
            }
            for (k, v) in &tags {
                req = req.tags(Tag::builder().key(k).value(v).build().map_err(build_err)?);
            }
            if let Some(true) = p.bool("deletion_protection_enabled") {
                req = req.deletion_protection_enabled(true);
            }
            req.send()
                .await
                .map_err(|e| sdk("dynamodb:CreateTable", e))?;
            let t = wait_active(c, &name).await?;
            Ok(state_of(c, plan, &t, tags.clone()))
        });
        match r {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Failed(e),
        }
    }

    /// The ID is the table name.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        match Obj(planned).str("name") {
            Some(id) => crate::read_as(self, c, planned, id),
            None => Ok(None),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let name = Obj(state).id().to_string();
        c.run(async {
            let out = found(
                c.dynamodb()
                    .describe_table()
                    .table_name(&name)
                    .send()
                    .await
                    .map_err(|e| sdk("dynamodb:DescribeTable", e)),
            )?;
            let Some(t) = out.and_then(|o| o.table) else {
                return Ok(None);
            };
            let tags = read_tags(c, t.table_arn().unwrap_or_default())
                .await
                .unwrap_or_default();
            Ok(Some(state_of(c, state, &t, tags)))
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let o = Obj(prior);
        let name = o.id().to_string();
        let tags = c.tags_all(&p.map_str("tags"));
        let r: Result<Value> = c.run(async {
            let pay = p.str("billing_mode") == Some("PAY_PER_REQUEST");
            let billing_changed = p.str("billing_mode") != o.str("billing_mode");
            let capacity_changed = p.i64("read_capacity") != o.i64("read_capacity")
                || p.i64("write_capacity") != o.i64("write_capacity");
            if billing_changed || (!pay && capacity_changed) {
                let mut req = c.dynamodb().update_table().table_name(&name);
                req = if pay {
                    req.billing_mode(BillingMode::PayPerRequest)
                } else {
                    req.billing_mode(BillingMode::Provisioned)
                        .provisioned_throughput(throughput(
                            p.i64("read_capacity"),
                            p.i64("write_capacity"),
                        )?)
                };
                req.send()
                    .await
                    .map_err(|e| sdk("dynamodb:UpdateTable", e))?;
                wait_active(c, &name).await?;
            }
            let arn = o.req("arn").to_string();
            let old = o.map_str("tags_all");
            if old != tags {
                let removed: Vec<String> = old
                    .keys()
                    .filter(|k| !tags.contains_key(*k))
                    .cloned()
                    .collect();
                if !removed.is_empty() {
                    c.dynamodb()
                        .untag_resource()
                        .resource_arn(&arn)
                        .set_tag_keys(Some(removed))
                        .send()
                        .await
                        .map_err(|e| sdk("dynamodb:UntagResource", e))?;
                }
                if !tags.is_empty() {
                    let mut req = c.dynamodb().tag_resource().resource_arn(&arn);
                    for (k, v) in &tags {
                        req = req.tags(Tag::builder().key(k).value(v).build().map_err(build_err)?);
                    }
                    req.send()
                        .await
                        .map_err(|e| sdk("dynamodb:TagResource", e))?;
                }
            }
            let t = wait_active(c, &name).await?;
            Ok(state_of(c, plan, &t, tags.clone()))
        });
        r.into()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let name = Obj(state).id().to_string();
        c.run(async {
            c.dynamodb()
                .delete_table()
                .table_name(&name)
                .send()
                .await
                .map_err(|e| sdk("dynamodb:DeleteTable", e))?;
            until(
                "the DynamoDB table to be deleted",
                Duration::from_secs(600),
                || async {
                    match c.dynamodb().describe_table().table_name(&name).send().await {
                        Err(e) => {
                            let e = sdk("dynamodb:DescribeTable", e);
                            if e.is_not_found() {
                                Ok(Poll::Ready(()))
                            } else {
                                Err(e)
                            }
                        }
                        Ok(_) => Ok(Poll::Pending("DELETING".into())),
                    }
                },
            )
            .await
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        crate::service::plan_tags_all(prior, planned)
    }
}
