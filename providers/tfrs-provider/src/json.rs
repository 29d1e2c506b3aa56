//! Values to and from JSON, as Terraform writes them in state and plan
//! files (cty's JSON encoding): numbers keep their digits, sets and lists
//! are arrays, maps and objects are objects. Decoding needs the type.

use crate::number::Number;
use crate::types::Type;
use crate::value::Value;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(pub String);

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Encodes a known value. Unknown values encode as null (plans record them
/// separately in `after_unknown`); marks are dropped.
pub fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v.unmarked() {
        Value::Null(_) | Value::Unknown(_) => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => number_to_json(n),
        Value::String(s) => J::String(s.clone()),
        Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => {
            J::Array(vs.iter().map(to_json).collect())
        }
        Value::Map(_, m) | Value::Object(m) => {
            J::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
        Value::Sensitive(_) => J::Null,
    }
}

pub fn number_to_json(n: &Number) -> serde_json::Value {
    if let Some(i) = n.to_i64() {
        return serde_json::Value::from(i);
    }
    let s = n.to_terraform_string();
    match s.parse::<f64>() {
        // Exact in f64: write it as serde_json would.
        Ok(f) if Number::from_f64(f).to_terraform_string() == s => serde_json::Value::from(f),
        _ => serde_json::Value::String(s),
    }
}

/// A value shaped like `v` marking where it is unknown (`after_unknown`):
/// `true` at unknown leaves, omitted elsewhere.
pub fn unknown_marks(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v.unmarked() {
        Value::Unknown(_) => J::Bool(true),
        Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => {
            J::Array(vs.iter().map(unknown_marks_elem).collect())
        }
        Value::Map(_, m) | Value::Object(m) => J::Object(
            m.iter()
                .filter_map(|(k, v)| {
                    let u = unknown_marks(v);
                    (u != J::Bool(false) && u != J::Object(Default::default()))
                        .then(|| (k.clone(), u))
                })
                .collect(),
        ),
        _ => J::Bool(false),
    }
}

fn unknown_marks_elem(v: &Value) -> serde_json::Value {
    unknown_marks(v)
}

/// A value shaped like `v` marking where it is sensitive.
pub fn sensitive_marks(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Sensitive(_) => J::Bool(true),
        Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => {
            J::Array(vs.iter().map(sensitive_marks).collect())
        }
        Value::Map(_, m) | Value::Object(m) => J::Object(
            m.iter()
                .filter_map(|(k, v)| {
                    let s = sensitive_marks(v);
                    (s != J::Bool(false) && s != J::Object(Default::default()))
                        .then(|| (k.clone(), s))
                })
                .collect(),
        ),
        _ => J::Bool(false),
    }
}

/// Encodes a value conforming to `ty`, as state files do: where the type
/// is `any` (dynamic), the value is wrapped with its type,
/// `{"value": ..., "type": ...}`.
pub fn to_json_typed(v: &Value, ty: &Type) -> serde_json::Value {
    use serde_json::Value as J;
    let v = v.unmarked();
    if v.is_null() {
        return J::Null;
    }
    match ty {
        Type::Dynamic => serde_json::json!({"value": to_json(v), "type": v.ty().to_json()}),
        Type::List(e) | Type::Set(e) => match v.elements() {
            Some(items) => J::Array(items.iter().map(|i| to_json_typed(i, e)).collect()),
            None => J::Null,
        },
        Type::Map(e) => match v.entries() {
            Some(m) => J::Object(
                m.iter()
                    .map(|(k, i)| (k.clone(), to_json_typed(i, e)))
                    .collect(),
            ),
            None => J::Null,
        },
        Type::Object(attrs, _) => match v.entries() {
            Some(m) => J::Object(
                attrs
                    .iter()
                    .map(|(k, t)| {
                        (
                            k.clone(),
                            m.get(k).map(|i| to_json_typed(i, t)).unwrap_or(J::Null),
                        )
                    })
                    .collect(),
            ),
            None => J::Null,
        },
        Type::Tuple(ts) => match v.elements() {
            Some(items) => J::Array(
                items
                    .iter()
                    .zip(ts)
                    .map(|(i, t)| to_json_typed(i, t))
                    .collect(),
            ),
            None => J::Null,
        },
        _ => to_json(v),
    }
}

/// Decodes JSON as a value of type `ty`.
pub fn from_json(j: &serde_json::Value, ty: &Type) -> Result<Value, JsonError> {
    use serde_json::Value as J;
    if j.is_null() {
        return Ok(Value::Null(ty.clone()));
    }
    let err = |what: &str| JsonError(format!("{what} required, got {j}"));
    Ok(match ty {
        Type::Dynamic => match (j.get("value"), j.get("type").and_then(Type::from_json)) {
            (Some(inner), Some(t)) if j.as_object().is_some_and(|o| o.len() == 2) => {
                from_json(inner, &t)?
            }
            _ => infer(j),
        },
        Type::String => match j {
            J::String(s) => Value::String(s.clone()),
            J::Number(n) => Value::String(n.to_string()),
            J::Bool(b) => Value::String(b.to_string()),
            _ => return Err(err("string")),
        },
        Type::Number => match j {
            J::Number(n) => {
                Value::Number(Number::parse(&n.to_string()).map_err(|_| err("number"))?)
            }
            J::String(s) => Value::Number(Number::parse(s).map_err(|_| err("number"))?),
            _ => return Err(err("number")),
        },
        Type::Bool => match j {
            J::Bool(b) => Value::Bool(*b),
            J::String(s) if s == "true" || s == "false" => Value::Bool(s == "true"),
            _ => return Err(err("bool")),
        },
        Type::List(e) | Type::Set(e) => {
            let items = j.as_array().ok_or_else(|| err("array"))?;
            let vs = items
                .iter()
                .map(|i| from_json(i, e))
                .collect::<Result<Vec<_>, _>>()?;
            let et = if **e == Type::Dynamic {
                vs.first().map(Value::ty).unwrap_or(Type::Dynamic)
            } else {
                (**e).clone()
            };
            if matches!(ty, Type::List(_)) {
                Value::List(et, vs)
            } else {
                Value::set(et, vs)
            }
        }
        Type::Map(e) => {
            let m = j.as_object().ok_or_else(|| err("object"))?;
            let vs = m
                .iter()
                .map(|(k, v)| Ok((k.clone(), from_json(v, e)?)))
                .collect::<Result<BTreeMap<_, _>, JsonError>>()?;
            Value::Map((**e).clone(), vs)
        }
        Type::Tuple(ts) => {
            let items = j.as_array().ok_or_else(|| err("array"))?;
            Value::Tuple(
                items
                    .iter()
                    .zip(ts)
                    .map(|(i, t)| from_json(i, t))
                    .collect::<Result<Vec<_>, _>>()?,
            )
        }
        Type::Object(attrs, _) => {
            let m = j.as_object().ok_or_else(|| err("object"))?;
            let mut out = BTreeMap::new();
            for (k, t) in attrs {
                let v = match m.get(k) {
                    Some(x) => from_json(x, t)?,
                    None => Value::Null(t.clone()),
                };
                out.insert(k.clone(), v);
            }
            Value::Object(out)
        }
    })
}

/// Decodes JSON without a type: objects become objects, arrays tuples.
pub fn infer(j: &serde_json::Value) -> Value {
    use serde_json::Value as J;
    match j {
        J::Null => Value::null(),
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => {
            Value::Number(Number::parse(&n.to_string()).unwrap_or_else(|_| Number::zero()))
        }
        J::String(s) => Value::String(s.clone()),
        J::Array(items) => Value::Tuple(items.iter().map(infer).collect()),
        J::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), infer(v))).collect()),
    }
}
