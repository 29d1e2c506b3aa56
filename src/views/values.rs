//! Values in the JSON shapes Terraform's `jsonplan` and `jsonstate` give
//! them: the value itself (`ctyjson.Marshal`), its known parts
//! (`omitUnknowns`), and the `after_unknown` / `*_sensitive` companions
//! (`unknownAsBool`, `SensitiveAsBool`).

use crate::views::jsonv::Json;
use tfrs_provider::path::{Key, PathStep};
use tfrs_provider::schema::{Block, Nesting};
use tfrs_provider::{AttrPath, Number, Type, Value};

fn number_json(n: &Number) -> Json {
    if n.is_infinite() {
        return Json::Null;
    }
    Json::Number(n.to_terraform_string())
}

/// `ctyjson.Marshal`: marks dropped, unknowns written as null.
pub fn value_json(v: &Value) -> Json {
    match v {
        Value::Sensitive(inner) => value_json(inner),
        Value::Null(_) | Value::Unknown(_) => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => number_json(n),
        Value::String(s) => Json::String(s.clone()),
        Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => {
            Json::Array(vs.iter().map(value_json).collect())
        }
        Value::Map(_, m) | Value::Object(m) => {
            Json::Object(m.iter().map(|(k, v)| (k.clone(), value_json(v))).collect())
        }
    }
}

/// `omitUnknowns` then `ctyjson.Marshal`: `None` when the value itself is
/// unknown; unknown elements of sequences become null, unknown attributes
/// and map entries are left out.
pub fn known_json(v: &Value) -> Option<Json> {
    Some(match v {
        Value::Sensitive(inner) => return known_json(inner),
        Value::Unknown(_) => return None,
        Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => Json::Array(
            vs.iter()
                .map(|e| known_json(e).unwrap_or(Json::Null))
                .collect(),
        ),
        Value::Map(_, m) | Value::Object(m) => Json::Object(
            m.iter()
                .filter_map(|(k, v)| known_json(v).map(|j| (k.clone(), j)))
                .collect(),
        ),
        other => value_json(other),
    })
}

/// `unknownAsBool`: `true` where the value is unknown.
pub fn unknown_as_bool(v: &Value) -> Json {
    match v {
        Value::Sensitive(inner) => unknown_as_bool(inner),
        Value::Null(_) => Json::Bool(false),
        Value::Unknown(_) => Json::Bool(true),
        Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => {
            Json::Array(vs.iter().map(unknown_as_bool).collect())
        }
        Value::Map(_, m) | Value::Object(m) => Json::Object(
            m.iter()
                .filter_map(|(k, v)| {
                    let u = unknown_as_bool(v);
                    (!matches!(u, Json::Bool(false))).then(|| (k.clone(), u))
                })
                .collect(),
        ),
        _ => Json::Bool(false),
    }
}

/// `jsonstate.SensitiveAsBool`: `true` where the value is marked sensitive.
pub fn sensitive_as_bool(v: &Value) -> Json {
    match v {
        Value::Sensitive(_) => Json::Bool(true),
        Value::Null(_) => Json::Bool(false),
        Value::Unknown(t) => match t {
            Type::List(_) | Type::Set(_) | Type::Tuple(_) => Json::Array(Vec::new()),
            Type::Map(_) | Type::Object(..) => Json::object(),
            _ => Json::Bool(false),
        },
        Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => {
            Json::Array(vs.iter().map(sensitive_as_bool).collect())
        }
        Value::Map(_, m) | Value::Object(m) => Json::Object(
            m.iter()
                .filter_map(|(k, v)| {
                    let s = sensitive_as_bool(v);
                    (!matches!(s, Json::Bool(false))).then(|| (k.clone(), s))
                })
                .collect(),
        ),
        _ => Json::Bool(false),
    }
}

fn block_contains_sensitive(b: &Block) -> bool {
    b.attributes.values().any(|a| a.sensitive)
        || b.blocks
            .values()
            .any(|nb| block_contains_sensitive(&nb.block))
}

/// Marks the attributes the schema declares sensitive
/// (`Block.SensitivePaths` then `marks.MarkPaths`).
pub fn mark_schema_sensitive(v: Value, block: &Block) -> Value {
    if !block_contains_sensitive(block) {
        return v;
    }
    match v {
        Value::Sensitive(inner) => Value::Sensitive(Box::new(mark_schema_sensitive(*inner, block))),
        Value::Object(mut m) => {
            for (name, a) in &block.attributes {
                if a.sensitive {
                    if let Some(slot) = m.get_mut(name) {
                        let taken = std::mem::replace(slot, Value::null());
                        *slot = taken.mark();
                    }
                }
            }
            for (name, nb) in &block.blocks {
                if !block_contains_sensitive(&nb.block) {
                    continue;
                }
                if let Some(slot) = m.get_mut(name) {
                    let taken = std::mem::replace(slot, Value::null());
                    *slot = mark_nested(taken, nb.nesting, &nb.block);
                }
            }
            Value::Object(m)
        }
        other => other,
    }
}

fn mark_nested(v: Value, nesting: Nesting, block: &Block) -> Value {
    match nesting {
        Nesting::Single | Nesting::Group => mark_schema_sensitive(v, block),
        _ => {
            let (inner, marked) = v.unmark();
            let out = match inner {
                Value::List(t, vs) => Value::List(
                    t,
                    vs.into_iter()
                        .map(|e| mark_schema_sensitive(e, block))
                        .collect(),
                ),
                Value::Set(t, vs) => Value::Set(
                    t,
                    vs.into_iter()
                        .map(|e| mark_schema_sensitive(e, block))
                        .collect(),
                ),
                Value::Tuple(vs) => Value::Tuple(
                    vs.into_iter()
                        .map(|e| mark_schema_sensitive(e, block))
                        .collect(),
                ),
                Value::Map(t, m) => Value::Map(
                    t,
                    m.into_iter()
                        .map(|(k, e)| (k, mark_schema_sensitive(e, block)))
                        .collect(),
                ),
                Value::Object(m) => Value::Object(
                    m.into_iter()
                        .map(|(k, e)| (k, mark_schema_sensitive(e, block)))
                        .collect(),
                ),
                other => other,
            };
            out.mark_if(marked)
        }
    }
}

/// Marks the value at `path` sensitive (a path into a state's
/// `sensitive_attributes`). Paths that lead nowhere are ignored.
pub fn mark_path(v: Value, path: &[PathStep]) -> Value {
    let Some((first, rest)) = path.split_first() else {
        return v.mark();
    };
    let (inner, marked) = v.unmark();
    let out = match (inner, first) {
        (Value::Object(mut m), PathStep::Attr(a) | PathStep::Key(Key::Str(a))) => {
            if let Some(slot) = m.get_mut(a) {
                let taken = std::mem::replace(slot, Value::null());
                *slot = mark_path(taken, rest);
            }
            Value::Object(m)
        }
        (Value::Map(t, mut m), PathStep::Key(Key::Str(k))) => {
            if let Some(slot) = m.get_mut(k) {
                let taken = std::mem::replace(slot, Value::null());
                *slot = mark_path(taken, rest);
            }
            Value::Map(t, m)
        }
        (Value::List(t, mut vs), PathStep::Key(Key::Int(i))) => {
            if let Some(slot) = usize::try_from(*i).ok().and_then(|i| vs.get_mut(i)) {
                let taken = std::mem::replace(slot, Value::null());
                *slot = mark_path(taken, rest);
            }
            Value::List(t, vs)
        }
        (Value::Tuple(mut vs), PathStep::Key(Key::Int(i))) => {
            if let Some(slot) = usize::try_from(*i).ok().and_then(|i| vs.get_mut(i)) {
                let taken = std::mem::replace(slot, Value::null());
                *slot = mark_path(taken, rest);
            }
            Value::Tuple(vs)
        }
        (other, _) => other,
    };
    out.mark_if(marked)
}

/// Marks every path of a state's `sensitive_attributes`.
pub fn mark_state_paths(mut v: Value, paths: &[serde_json::Value]) -> Value {
    for p in paths {
        if let Some(path) = AttrPath::from_json(p) {
            v = mark_path(v, &path.0);
        }
    }
    v
}

/// Decodes attribute JSON from a state file with the schema's type. Where
/// the type is dynamic, Terraform writes `{"value": ..., "type": ...}`.
pub fn decode_state(j: &serde_json::Value, ty: &Type) -> Value {
    use serde_json::Value as J;
    if j.is_null() {
        return Value::Null(ty.clone());
    }
    match ty {
        Type::Dynamic => {
            if let J::Object(m) = j {
                if m.len() == 2 {
                    if let (Some(v), Some(t)) = (m.get("value"), m.get("type")) {
                        if let Some(t) = Type::from_json(t) {
                            return decode_state(v, &t);
                        }
                    }
                }
            }
            tfrs_provider::json::infer(j)
        }
        Type::String => match j {
            J::String(s) => Value::String(s.clone()),
            J::Number(n) => Value::String(n.to_string()),
            J::Bool(b) => Value::String(b.to_string()),
            other => tfrs_provider::json::infer(other),
        },
        Type::Number => match j {
            J::Number(n) => Number::parse(&n.to_string())
                .map(Value::Number)
                .unwrap_or_else(|_| Value::Null(Type::Number)),
            J::String(s) => Number::parse(s)
                .map(Value::Number)
                .unwrap_or_else(|_| Value::String(s.clone())),
            other => tfrs_provider::json::infer(other),
        },
        Type::Bool => match j {
            J::Bool(b) => Value::Bool(*b),
            J::String(s) if s == "true" || s == "false" => Value::Bool(s == "true"),
            other => tfrs_provider::json::infer(other),
        },
        Type::List(e) | Type::Set(e) => {
            let Some(items) = j.as_array() else {
                return tfrs_provider::json::infer(j);
            };
            let vs: Vec<Value> = items.iter().map(|i| decode_state(i, e)).collect();
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
            let Some(m) = j.as_object() else {
                return tfrs_provider::json::infer(j);
            };
            Value::Map(
                (**e).clone(),
                m.iter()
                    .map(|(k, v)| (k.clone(), decode_state(v, e)))
                    .collect(),
            )
        }
        Type::Tuple(ts) => {
            let Some(items) = j.as_array() else {
                return tfrs_provider::json::infer(j);
            };
            Value::Tuple(
                items
                    .iter()
                    .zip(ts)
                    .map(|(i, t)| decode_state(i, t))
                    .collect(),
            )
        }
        Type::Object(attrs, _) => {
            let Some(m) = j.as_object() else {
                return tfrs_provider::json::infer(j);
            };
            Value::Object(
                attrs
                    .iter()
                    .map(|(k, t)| {
                        (
                            k.clone(),
                            m.get(k)
                                .map(|x| decode_state(x, t))
                                .unwrap_or_else(|| Value::Null(t.clone())),
                        )
                    })
                    .collect(),
            )
        }
    }
}

/// `ctyjson.MarshalType`.
pub fn type_json(t: &Type) -> Json {
    Json::from_serde(&t.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn unknown_and_sensitive_shapes() {
        let v = Value::Object(BTreeMap::from([
            ("id".to_string(), Value::Unknown(Type::String)),
            (
                "list".to_string(),
                Value::Tuple(vec![Value::int(1), Value::int(2)]),
            ),
            (
                "tags".to_string(),
                Value::Map(
                    Type::String,
                    BTreeMap::from([("a".to_string(), Value::string("b"))]),
                ),
            ),
            ("s".to_string(), Value::string("x").mark()),
            ("n".to_string(), Value::Null(Type::String)),
        ]));
        assert_eq!(
            unknown_as_bool(&v).to_string(),
            r#"{"id":true,"list":[false,false],"tags":{}}"#
        );
        assert_eq!(
            sensitive_as_bool(&v).to_string(),
            r#"{"list":[false,false],"s":true,"tags":{}}"#
        );
        assert_eq!(
            known_json(&v).unwrap().to_string(),
            r#"{"list":[1,2],"n":null,"s":"x","tags":{"a":"b"}}"#
        );
    }
}
