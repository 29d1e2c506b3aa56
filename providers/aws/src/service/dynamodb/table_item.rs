//! aws_dynamodb_table_item: one item, given as DynamoDB JSON.

use crate::ctx::Ctx;
use crate::error::{sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::{Outcome, Resource};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;
use tfrs_provider::{Attribute, Block, Schema, Type, Value};

pub struct TableItem;

fn block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("table_name", Attribute::required(Type::String).force_new())
        .attr("hash_key", Attribute::required(Type::String).force_new())
        .attr("range_key", Attribute::optional(Type::String).force_new())
        .attr("item", Attribute::required(Type::String))
}

/// DynamoDB JSON (`{"S": "x"}`) to an attribute value.
pub fn to_attr(j: &serde_json::Value) -> Result<AttributeValue> {
    let bad = || {
        Error::new(
            "Invalid DynamoDB JSON",
            format!("{j} is not a DynamoDB attribute value"),
        )
    };
    let obj = j.as_object().filter(|o| o.len() == 1).ok_or_else(bad)?;
    let (t, v) = obj.iter().next().ok_or_else(bad)?;
    let strs = |v: &serde_json::Value| -> Result<Vec<String>> {
        v.as_array()
            .ok_or_else(bad)?
            .iter()
            .map(|x| x.as_str().map(String::from).ok_or_else(bad))
            .collect()
    };
    Ok(match t.as_str() {
        "S" => AttributeValue::S(v.as_str().ok_or_else(bad)?.to_string()),
        "N" => AttributeValue::N(match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => return Err(bad()),
        }),
        "BOOL" => AttributeValue::Bool(v.as_bool().ok_or_else(bad)?),
        "NULL" => AttributeValue::Null(true),
        "SS" => AttributeValue::Ss(strs(v)?),
        "NS" => AttributeValue::Ns(strs(v)?),
        "B" => {
            use base64::Engine as _;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(v.as_str().ok_or_else(bad)?)
                .map_err(|_| bad())?;
            AttributeValue::B(aws_smithy_types::Blob::new(bytes))
        }
        "L" => AttributeValue::L(
            v.as_array()
                .ok_or_else(bad)?
                .iter()
                .map(to_attr)
                .collect::<Result<_>>()?,
        ),
        "M" => AttributeValue::M(
            v.as_object()
                .ok_or_else(bad)?
                .iter()
                .map(|(k, x)| Ok((k.clone(), to_attr(x)?)))
                .collect::<Result<_>>()?,
        ),
        _ => return Err(bad()),
    })
}

/// An attribute value as DynamoDB JSON.
pub fn from_attr(a: &AttributeValue) -> serde_json::Value {
    use serde_json::json;
    match a {
        AttributeValue::S(s) => json!({"S": s}),
        AttributeValue::N(n) => json!({"N": n}),
        AttributeValue::Bool(b) => json!({"BOOL": b}),
        AttributeValue::Null(_) => json!({"NULL": true}),
        AttributeValue::Ss(v) => json!({"SS": v}),
        AttributeValue::Ns(v) => json!({"NS": v}),
        AttributeValue::B(b) => {
            use base64::Engine as _;
            json!({"B": base64::engine::general_purpose::STANDARD.encode(b.as_ref())})
        }
        AttributeValue::L(v) => json!({"L": v.iter().map(from_attr).collect::<Vec<_>>()}),
        AttributeValue::M(m) => {
            let mut o = serde_json::Map::new();
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            for k in keys {
                o.insert(k.clone(), from_attr(&m[k]));
            }
            json!({"M": o})
        }
        _ => serde_json::Value::Null,
    }
}

fn parse_item(text: &str) -> Result<HashMap<String, AttributeValue>> {
    let j: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Error::new("Invalid item", format!("item is not valid JSON: {e}")))?;
    j.as_object()
        .ok_or_else(|| {
            Error::new(
                "Invalid item",
                "item must be a JSON object of DynamoDB attribute values",
            )
        })?
        .iter()
        .map(|(k, v)| Ok((k.clone(), to_attr(v)?)))
        .collect()
}

fn key_of(
    p: &Obj,
    item: &HashMap<String, AttributeValue>,
) -> Result<HashMap<String, AttributeValue>> {
    let mut key = HashMap::new();
    for k in [p.str("hash_key"), p.str("range_key")]
        .into_iter()
        .flatten()
    {
        let v = item.get(k).ok_or_else(|| {
            Error::new(
                "Invalid item",
                format!("the item has no value for the key attribute {k:?}"),
            )
        })?;
        key.insert(k.to_string(), v.clone());
    }
    Ok(key)
}

fn scalar(a: &AttributeValue) -> String {
    match a {
        AttributeValue::S(s) | AttributeValue::N(s) => s.clone(),
        other => from_attr(other).to_string(),
    }
}

fn id_of(p: &Obj, key: &HashMap<String, AttributeValue>) -> String {
    let mut parts = vec![
        p.req("table_name").to_string(),
        p.req("hash_key").to_string(),
    ];
    parts.push(key.get(p.req("hash_key")).map(scalar).unwrap_or_default());
    if let Some(r) = p.str("range_key") {
        parts.push(r.to_string());
        parts.push(key.get(r).map(scalar).unwrap_or_default());
    }
    parts.join("|")
}

/// The item JSON normalised (keys sorted), so reads compare equal.
fn normal(item: &HashMap<String, AttributeValue>) -> String {
    let mut o = serde_json::Map::new();
    let mut keys: Vec<&String> = item.keys().collect();
    keys.sort();
    for k in keys {
        o.insert(k.clone(), from_attr(&item[k]));
    }
    serde_json::Value::Object(o).to_string()
}

impl Resource for TableItem {
    fn name(&self) -> &'static str {
        "aws_dynamodb_table_item"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let r: Result<Value> = (|| {
            let item = parse_item(p.req("item"))?;
            let key = key_of(&p, &item)?;
            c.run(
                c.dynamodb()
                    .put_item()
                    .table_name(p.req("table_name"))
                    .set_item(Some(item.clone()))
                    .send(),
            )
            .map_err(|e| sdk("dynamodb:PutItem", e))?;
            Ok(State::from(&block(), plan)
                .set("id", id_of(&p, &key))
                .build())
        })();
        r.into()
    }

    /// The ID follows from the table and the item's key.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        let p = Obj(planned);
        let key = key_of(&p, &parse_item(p.req("item"))?)?;
        crate::read_as(self, c, planned, &id_of(&p, &key))
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let s = Obj(state);
        let item = parse_item(s.req("item"))?;
        let key = key_of(&s, &item)?;
        let out = c
            .run(
                c.dynamodb()
                    .get_item()
                    .table_name(s.req("table_name"))
                    .set_key(Some(key))
                    .send(),
            )
            .map_err(|e| sdk("dynamodb:GetItem", e));
        let out = match out {
            Ok(o) => o,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        let Some(current) = out.item else {
            return Ok(None);
        };
        // Keep the configured text when it means the same item.
        let text = if normal(&current) == normal(&item) {
            s.req("item").to_string()
        } else {
            normal(&current)
        };
        Ok(Some(State::from(&block(), state).set("item", text).build()))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let r: Result<Value> = (|| {
            let item = parse_item(p.req("item"))?;
            let key = key_of(&p, &item)?;
            let old = parse_item(Obj(prior).req("item"))?;
            if key != key_of(&p, &old)? {
                c.run(
                    c.dynamodb()
                        .delete_item()
                        .table_name(p.req("table_name"))
                        .set_key(Some(key_of(&p, &old)?))
                        .send(),
                )
                .map_err(|e| sdk("dynamodb:DeleteItem", e))?;
            }
            c.run(
                c.dynamodb()
                    .put_item()
                    .table_name(p.req("table_name"))
                    .set_item(Some(item))
                    .send(),
            )
            .map_err(|e| sdk("dynamodb:PutItem", e))?;
            Ok(State::from(&block(), plan)
                .set("id", id_of(&p, &key))
                .build())
        })();
        r.into()
    }

    /// `TABLE|HASH_KEY|HASH_VALUE[|RANGE_KEY|RANGE_VALUE]`, string keys.
    fn import_state(&self, _c: &Ctx, id: &str, _schema: &Schema) -> Value {
        let parts: Vec<&str> = id.split('|').collect();
        let mut item = serde_json::Map::new();
        let mut st = State::new(&block()).set("id", id);
        if parts.len() >= 3 {
            st = st.set("table_name", parts[0]).set("hash_key", parts[1]);
            item.insert(parts[1].to_string(), serde_json::json!({"S": parts[2]}));
        }
        if parts.len() >= 5 {
            st = st.set("range_key", parts[3]);
            item.insert(parts[3].to_string(), serde_json::json!({"S": parts[4]}));
        }
        st.set("item", serde_json::Value::Object(item).to_string())
            .build()
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        let item = parse_item(s.req("item"))?;
        let key = key_of(&s, &item)?;
        c.run(
            c.dynamodb()
                .delete_item()
                .table_name(s.req("table_name"))
                .set_key(Some(key))
                .send(),
        )
        .map_err(|e| sdk("dynamodb:DeleteItem", e))?;
        Ok(())
    }
}
