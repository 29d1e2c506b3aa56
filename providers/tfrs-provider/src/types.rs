//! Types of values, as in Terraform's type system (cty).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Type {
    String,
    Number,
    Bool,
    /// `any`: the type is decided by the value.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    /// Attribute types, and the attributes that may be absent (type
    /// constraints with `optional(...)`).
    Object(BTreeMap<String, Type>, BTreeSet<String>),
}

impl Type {
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }
    pub fn set(t: Type) -> Type {
        Type::Set(Box::new(t))
    }
    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }
    pub fn object(attrs: BTreeMap<String, Type>) -> Type {
        Type::Object(attrs, BTreeSet::new())
    }
    pub fn empty_object() -> Type {
        Type::Object(BTreeMap::new(), BTreeSet::new())
    }

    pub fn is_primitive(&self) -> bool {
        matches!(self, Type::String | Type::Number | Type::Bool)
    }
    pub fn is_collection(&self) -> bool {
        matches!(self, Type::List(_) | Type::Set(_) | Type::Map(_))
    }
    /// The element type of a list, set or map.
    pub fn element_type(&self) -> Option<&Type> {
        match self {
            Type::List(e) | Type::Set(e) | Type::Map(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the type contains `any` anywhere.
    pub fn has_dynamic(&self) -> bool {
        match self {
            Type::Dynamic => true,
            Type::List(e) | Type::Set(e) | Type::Map(e) => e.has_dynamic(),
            Type::Tuple(ts) => ts.iter().any(Type::has_dynamic),
            Type::Object(attrs, _) => attrs.values().any(Type::has_dynamic),
            _ => false,
        }
    }

    /// The name Terraform uses in messages: `list of string`, `object`.
    pub fn friendly_name(&self) -> String {
        match self {
            Type::String => "string".into(),
            Type::Number => "number".into(),
            Type::Bool => "bool".into(),
            Type::Dynamic => "dynamic".into(),
            Type::List(e) => format!("list of {}", e.friendly_name()),
            Type::Set(e) => format!("set of {}", e.friendly_name()),
            Type::Map(e) => format!("map of {}", e.friendly_name()),
            Type::Tuple(_) => "tuple".into(),
            Type::Object(_, _) => "object".into(),
        }
    }

    /// The type as Terraform writes it in HCL (`list(string)`,
    /// `object({a=number})`), which `type()` prints.
    pub fn to_hcl(&self) -> String {
        match self {
            Type::String => "string".into(),
            Type::Number => "number".into(),
            Type::Bool => "bool".into(),
            Type::Dynamic => "dynamic".into(),
            Type::List(e) => format!("list({})", e.to_hcl()),
            Type::Set(e) => format!("set({})", e.to_hcl()),
            Type::Map(e) => format!("map({})", e.to_hcl()),
            Type::Tuple(ts) => format!(
                "tuple([{}])",
                ts.iter().map(Type::to_hcl).collect::<Vec<_>>().join(", ")
            ),
            Type::Object(attrs, optional) => {
                let inner = attrs
                    .iter()
                    .map(|(k, t)| {
                        if optional.contains(k) {
                            format!("{k}=optional({})", t.to_hcl())
                        } else {
                            format!("{k}={}", t.to_hcl())
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("object({{{inner}}})")
            }
        }
    }

    /// Terraform's JSON encoding of a type, as in state and plan files:
    /// `"string"`, `["list","string"]`, `["object",{"a":"number"}]`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{json, Value as J};
        match self {
            Type::String => json!("string"),
            Type::Number => json!("number"),
            Type::Bool => json!("bool"),
            Type::Dynamic => json!("dynamic"),
            Type::List(e) => json!(["list", e.to_json()]),
            Type::Set(e) => json!(["set", e.to_json()]),
            Type::Map(e) => json!(["map", e.to_json()]),
            Type::Tuple(ts) => json!(["tuple", ts.iter().map(Type::to_json).collect::<Vec<_>>()]),
            Type::Object(attrs, optional) => {
                let m: serde_json::Map<String, J> = attrs
                    .iter()
                    .map(|(k, t)| (k.clone(), t.to_json()))
                    .collect();
                if optional.is_empty() {
                    json!(["object", m])
                } else {
                    json!(["object", m, optional.iter().collect::<Vec<_>>()])
                }
            }
        }
    }

    pub fn from_json(v: &serde_json::Value) -> Option<Type> {
        use serde_json::Value as J;
        match v {
            J::String(s) => match s.as_str() {
                "string" => Some(Type::String),
                "number" => Some(Type::Number),
                "bool" => Some(Type::Bool),
                "dynamic" => Some(Type::Dynamic),
                _ => None,
            },
            J::Array(items) => {
                let kind = items.first()?.as_str()?;
                let arg = items.get(1)?;
                match kind {
                    "list" => Some(Type::list(Type::from_json(arg)?)),
                    "set" => Some(Type::set(Type::from_json(arg)?)),
                    "map" => Some(Type::map(Type::from_json(arg)?)),
                    "tuple" => Some(Type::Tuple(
                        arg.as_array()?
                            .iter()
                            .map(Type::from_json)
                            .collect::<Option<Vec<_>>>()?,
                    )),
                    "object" => {
                        let attrs = arg
                            .as_object()?
                            .iter()
                            .map(|(k, t)| Some((k.clone(), Type::from_json(t)?)))
                            .collect::<Option<BTreeMap<_, _>>>()?;
                        let optional = items
                            .get(2)
                            .and_then(|o| o.as_array())
                            .map(|o| {
                                o.iter()
                                    .filter_map(|s| s.as_str().map(String::from))
                                    .collect()
                            })
                            .unwrap_or_default();
                        Some(Type::Object(attrs, optional))
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.friendly_name())
    }
}
