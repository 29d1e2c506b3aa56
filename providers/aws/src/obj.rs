//! Reading configuration and state objects, and building state objects,
//! without ceremony: `o.str("bucket")`, `o.map_str("tags")`,
//! `State::new(schema).set("arn", arn)`.

use std::collections::BTreeMap;
use tfrs_provider::{Block, Nesting, Type, Value};

/// A view of an object value (configuration, plan or state).
#[derive(Clone, Copy)]
pub struct Obj<'a>(pub &'a Value);

impl<'a> Obj<'a> {
    pub fn get(&self, k: &str) -> Option<&'a Value> {
        let v = self.0.unmarked().get_attr(k)?;
        if v.is_null() || !v.is_known() {
            None
        } else {
            Some(v.unmarked())
        }
    }
    pub fn str(&self, k: &str) -> Option<&'a str> {
        self.get(k).and_then(Value::as_str)
    }
    /// A string that must be there (required attributes).
    pub fn req(&self, k: &str) -> &'a str {
        self.str(k).unwrap_or_default()
    }
    pub fn string(&self, k: &str) -> Option<String> {
        self.str(k).map(String::from)
    }
    pub fn bool(&self, k: &str) -> Option<bool> {
        self.get(k).and_then(Value::as_bool)
    }
    pub fn flag(&self, k: &str) -> bool {
        self.bool(k).unwrap_or(false)
    }
    pub fn i64(&self, k: &str) -> Option<i64> {
        self.get(k)
            .and_then(Value::as_number)
            .and_then(|n| n.to_i64())
    }
    pub fn i32(&self, k: &str) -> Option<i32> {
        self.i64(k).map(|v| v as i32)
    }
    pub fn f64(&self, k: &str) -> Option<f64> {
        self.get(k).and_then(Value::as_number).map(|n| n.to_f64())
    }
    pub fn list_str(&self, k: &str) -> Vec<String> {
        self.get(k)
            .and_then(Value::elements)
            .map(|e| {
                e.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }
    pub fn map_str(&self, k: &str) -> BTreeMap<String, String> {
        self.get(k)
            .and_then(Value::entries)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                    .collect()
            })
            .unwrap_or_default()
    }
    /// The objects of a nested block (any nesting mode).
    pub fn blocks(&self, k: &str) -> Vec<Obj<'a>> {
        match self.get(k) {
            Some(v) => match v.elements() {
                Some(items) => items.iter().map(Obj).collect(),
                None => match v.entries() {
                    Some(_) if matches!(v, Value::Object(_)) => vec![Obj(v)],
                    Some(m) => m.values().map(Obj).collect(),
                    None => Vec::new(),
                },
            },
            None => Vec::new(),
        }
    }
    /// The one object of a single nested block.
    pub fn block(&self, k: &str) -> Option<Obj<'a>> {
        self.blocks(k).into_iter().next()
    }
    pub fn id(&self) -> &'a str {
        self.req("id")
    }
    pub fn value(&self) -> &'a Value {
        self.0
    }
}

/// A state object under construction: starts from a base object (the plan,
/// or all-null) and takes computed values.
pub struct State {
    attrs: BTreeMap<String, Value>,
    ty: Type,
}

impl State {
    /// All attributes null (empty collections for nested blocks).
    pub fn new(schema: &Block) -> State {
        let ty = schema.value_type();
        let mut attrs = BTreeMap::new();
        for (k, a) in &schema.attributes {
            attrs.insert(k.clone(), Value::Null(a.ty.clone()));
        }
        for (k, b) in &schema.blocks {
            let et = b.block.value_type();
            attrs.insert(
                k.clone(),
                match b.nesting {
                    Nesting::List => Value::List(et, Vec::new()),
                    Nesting::Set => Value::Set(et, Vec::new()),
                    Nesting::Map => Value::Map(et, BTreeMap::new()),
                    _ => Value::Null(et),
                },
            );
        }
        State { attrs, ty }
    }

    /// Starts from `base` (a planned or prior object), with unknowns turned
    /// to nulls so that what the API does not report stays empty.
    pub fn from(schema: &Block, base: &Value) -> State {
        let mut s = State::new(schema);
        if let Some(m) = base.unmarked().entries() {
            for (k, v) in m {
                let (v, _) = v.clone().unmark_deep();
                s.attrs.insert(k.clone(), known_or_null(v));
            }
        }
        s
    }

    pub fn set(mut self, k: &str, v: impl Into<Val>) -> State {
        let v: Val = v.into();
        let ty = match &self.ty {
            Type::Object(a, _) => a.get(k).cloned().unwrap_or(Type::Dynamic),
            _ => Type::Dynamic,
        };
        let value = match v.0 {
            Some(x) => tfrs_provider::convert::convert(&x, &ty).unwrap_or(x),
            None => Value::Null(ty),
        };
        self.attrs.insert(k.to_string(), value);
        self
    }

    pub fn get(&self, k: &str) -> Option<&Value> {
        self.attrs.get(k)
    }

    pub fn build(self) -> Value {
        Value::Object(self.attrs)
    }
}

fn known_or_null(v: Value) -> Value {
    match v {
        Value::Unknown(t) => Value::Null(t),
        Value::List(t, vs) => Value::List(t, vs.into_iter().map(known_or_null).collect()),
        Value::Set(t, vs) => Value::set(t, vs.into_iter().map(known_or_null).collect()),
        Value::Tuple(vs) => Value::Tuple(vs.into_iter().map(known_or_null).collect()),
        Value::Map(t, m) => Value::Map(
            t,
            m.into_iter().map(|(k, v)| (k, known_or_null(v))).collect(),
        ),
        Value::Object(m) => {
            Value::Object(m.into_iter().map(|(k, v)| (k, known_or_null(v))).collect())
        }
        other => other,
    }
}

/// Anything that can become an attribute value (`None` is null).
pub struct Val(pub Option<Value>);

impl From<Value> for Val {
    fn from(v: Value) -> Val {
        Val(Some(v))
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val(Some(Value::string(v)))
    }
}
impl From<String> for Val {
    fn from(v: String) -> Val {
        Val(Some(Value::string(v)))
    }
}
impl From<Option<String>> for Val {
    fn from(v: Option<String>) -> Val {
        Val(v.map(Value::string))
    }
}
impl From<Option<&str>> for Val {
    fn from(v: Option<&str>) -> Val {
        Val(v.map(Value::string))
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Val {
        Val(Some(Value::Bool(v)))
    }
}
impl From<Option<bool>> for Val {
    fn from(v: Option<bool>) -> Val {
        Val(v.map(Value::Bool))
    }
}
impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val(Some(Value::int(v)))
    }
}
impl From<i32> for Val {
    fn from(v: i32) -> Val {
        Val(Some(Value::int(v as i64)))
    }
}
impl From<Option<i32>> for Val {
    fn from(v: Option<i32>) -> Val {
        Val(v.map(|x| Value::int(x as i64)))
    }
}
impl From<Option<i64>> for Val {
    fn from(v: Option<i64>) -> Val {
        Val(v.map(Value::int))
    }
}
impl From<Vec<String>> for Val {
    fn from(v: Vec<String>) -> Val {
        Val(Some(Value::Tuple(
            v.into_iter().map(Value::string).collect(),
        )))
    }
}
impl From<BTreeMap<String, String>> for Val {
    fn from(v: BTreeMap<String, String>) -> Val {
        Val(Some(Value::Object(
            v.into_iter().map(|(k, s)| (k, Value::string(s))).collect(),
        )))
    }
}
impl From<Vec<Value>> for Val {
    fn from(v: Vec<Value>) -> Val {
        Val(Some(Value::Tuple(v)))
    }
}

/// An object value from pairs, for nested block elements.
pub fn object(pairs: Vec<(&str, Val)>) -> Value {
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.0.unwrap_or(Value::null())))
            .collect(),
    )
}

/// A `map(string)` value.
pub fn string_map(m: BTreeMap<String, String>) -> Value {
    Value::Map(
        Type::String,
        m.into_iter().map(|(k, v)| (k, Value::string(v))).collect(),
    )
}

impl From<Option<Value>> for Val {
    fn from(v: Option<Value>) -> Val {
        Val(v)
    }
}
