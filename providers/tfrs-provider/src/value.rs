//! Values, as in Terraform's cty: typed, possibly null, possibly unknown
//! (during plan), possibly marked sensitive.

use crate::number::Number;
use crate::types::Type;
use std::cmp::Ordering;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub enum Value {
    Null(Type),
    /// Known only after apply.
    Unknown(Type),
    Bool(bool),
    Number(Number),
    String(String),
    /// Element type and elements.
    List(Type, Vec<Value>),
    /// Element type and elements, kept deduplicated and in set order.
    Set(Type, Vec<Value>),
    /// Element type and entries.
    Map(Type, BTreeMap<String, Value>),
    Tuple(Vec<Value>),
    Object(BTreeMap<String, Value>),
    /// A value marked sensitive; never nested directly in itself.
    Sensitive(Box<Value>),
}

impl Value {
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }
    pub fn number(n: impl Into<Number>) -> Value {
        Value::Number(n.into())
    }
    pub fn int(n: i64) -> Value {
        Value::Number(Number::from_i64(n))
    }
    pub fn null() -> Value {
        Value::Null(Type::Dynamic)
    }
    pub fn unknown() -> Value {
        Value::Unknown(Type::Dynamic)
    }
    pub fn empty_object() -> Value {
        Value::Object(BTreeMap::new())
    }
    pub fn empty_tuple() -> Value {
        Value::Tuple(Vec::new())
    }

    /// A set of `elems` (all of type `elem`), deduplicated and ordered.
    /// Set elements cannot carry marks: as in cty, an element's marks move
    /// to the set itself.
    pub fn set(elem: Type, elems: Vec<Value>) -> Value {
        let mut out: Vec<Value> = Vec::with_capacity(elems.len());
        let mut sensitive = false;
        for e in elems {
            let (e, s) = e.unmark_deep();
            sensitive |= s;
            if !out.iter().any(|o| o.raw_equal(&e)) {
                out.push(e);
            }
        }
        out.sort_by(set_order);
        Value::Set(elem, out).mark_if(sensitive)
    }

    pub fn ty(&self) -> Type {
        match self {
            Value::Null(t) | Value::Unknown(t) => t.clone(),
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::List(t, _) => Type::list(t.clone()),
            Value::Set(t, _) => Type::set(t.clone()),
            Value::Map(t, _) => Type::map(t.clone()),
            Value::Tuple(vs) => Type::Tuple(vs.iter().map(Value::ty).collect()),
            Value::Object(attrs) => {
                Type::object(attrs.iter().map(|(k, v)| (k.clone(), v.ty())).collect())
            }
            Value::Sensitive(v) => v.ty(),
        }
    }

    pub fn is_null(&self) -> bool {
        match self {
            Value::Null(_) => true,
            Value::Sensitive(v) => v.is_null(),
            _ => false,
        }
    }

    /// Whether the value itself is known (its elements may not be).
    pub fn is_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::Sensitive(v) => v.is_known(),
            _ => true,
        }
    }

    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::Sensitive(v) => v.is_wholly_known(),
            Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => {
                vs.iter().all(Value::is_wholly_known)
            }
            Value::Map(_, m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    pub fn is_sensitive(&self) -> bool {
        matches!(self, Value::Sensitive(_))
    }

    pub fn contains_sensitive(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => {
                vs.iter().any(Value::contains_sensitive)
            }
            Value::Map(_, m) | Value::Object(m) => m.values().any(Value::contains_sensitive),
            _ => false,
        }
    }

    /// Marks the value sensitive.
    pub fn mark(self) -> Value {
        match self {
            Value::Sensitive(_) => self,
            v => Value::Sensitive(Box::new(v)),
        }
    }

    pub fn mark_if(self, sensitive: bool) -> Value {
        if sensitive {
            self.mark()
        } else {
            self
        }
    }

    /// The value without its own mark, and whether it had one.
    pub fn unmark(self) -> (Value, bool) {
        match self {
            Value::Sensitive(v) => (*v, true),
            v => (v, false),
        }
    }

    pub fn unmarked(&self) -> &Value {
        match self {
            Value::Sensitive(v) => v,
            v => v,
        }
    }

    /// The value with every nested mark removed, and whether there was any.
    pub fn unmark_deep(self) -> (Value, bool) {
        match self {
            Value::Sensitive(v) => (v.unmark_deep().0, true),
            Value::List(t, vs) => {
                let (vs, s) = unmark_all(vs);
                (Value::List(t, vs), s)
            }
            Value::Set(t, vs) => {
                let (vs, s) = unmark_all(vs);
                (Value::Set(t, vs), s)
            }
            Value::Tuple(vs) => {
                let (vs, s) = unmark_all(vs);
                (Value::Tuple(vs), s)
            }
            Value::Map(t, m) => {
                let (m, s) = unmark_map(m);
                (Value::Map(t, m), s)
            }
            Value::Object(m) => {
                let (m, s) = unmark_map(m);
                (Value::Object(m), s)
            }
            v => (v, false),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.unmarked() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_number(&self) -> Option<&Number> {
        match self.unmarked() {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.unmarked() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// Elements of a list, set or tuple.
    pub fn elements(&self) -> Option<&[Value]> {
        match self.unmarked() {
            Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => Some(vs),
            _ => None,
        }
    }

    /// Entries of a map or object.
    pub fn entries(&self) -> Option<&BTreeMap<String, Value>> {
        match self.unmarked() {
            Value::Map(_, m) | Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Number of elements, entries or attributes.
    pub fn length(&self) -> Option<usize> {
        match self.unmarked() {
            Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => Some(vs.len()),
            Value::Map(_, m) | Value::Object(m) => Some(m.len()),
            _ => None,
        }
    }

    /// An object attribute or map entry.
    pub fn get_attr(&self, name: &str) -> Option<&Value> {
        match self.unmarked() {
            Value::Object(m) | Value::Map(_, m) => m.get(name),
            _ => None,
        }
    }

    /// Structural equality, including types and marks' absence or presence
    /// ignored; unknown values are equal only to unknown values of the same
    /// type (cty's RawEquals).
    pub fn raw_equal(&self, other: &Value) -> bool {
        match (self.unmarked(), other.unmarked()) {
            (Value::Null(a), Value::Null(b)) => a == b,
            (Value::Unknown(a), Value::Unknown(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(ta, a), Value::List(tb, b)) | (Value::Set(ta, a), Value::Set(tb, b)) => {
                ta == tb && a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.raw_equal(y))
            }
            (Value::Tuple(a), Value::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.raw_equal(y))
            }
            (Value::Map(ta, a), Value::Map(tb, b)) => ta == tb && map_raw_equal(a, b),
            (Value::Object(a), Value::Object(b)) => map_raw_equal(a, b),
            _ => false,
        }
    }

    /// Terraform's `==`: unknown when either side is unknown, false when the
    /// types differ.
    pub fn equals(&self, other: &Value) -> Value {
        let sensitive = self.is_sensitive() || other.is_sensitive();
        let (a, b) = (self.unmarked(), other.unmarked());
        let result = match (a, b) {
            (Value::Unknown(_), _) | (_, Value::Unknown(_)) => Value::Unknown(Type::Bool),
            (Value::Null(_), Value::Null(_)) => Value::Bool(true),
            (Value::Null(_), _) | (_, Value::Null(_)) => Value::Bool(false),
            _ => {
                if !a.is_wholly_known() || !b.is_wholly_known() {
                    if a.ty() != b.ty() {
                        Value::Bool(false)
                    } else {
                        Value::Unknown(Type::Bool)
                    }
                } else {
                    Value::Bool(deep_equal(a, b))
                }
            }
        };
        result.mark_if(sensitive)
    }
}

/// Equality of known values as Terraform's `==` sees it: types must agree
/// exactly, except that collections compare element-wise.
fn deep_equal(a: &Value, b: &Value) -> bool {
    match (a.unmarked(), b.unmarked()) {
        (Value::Null(_), Value::Null(_)) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::List(tx, x), Value::List(ty, y)) | (Value::Set(tx, x), Value::Set(ty, y)) => {
            (tx == ty || x.is_empty() && y.is_empty())
                && x.len() == y.len()
                && x.iter().zip(y).all(|(p, q)| deep_equal(p, q))
        }
        (Value::Tuple(x), Value::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| deep_equal(p, q))
        }
        (Value::Map(tx, x), Value::Map(ty, y)) => {
            (tx == ty || x.is_empty() && y.is_empty())
                && x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| ka == kb && deep_equal(va, vb))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| ka == kb && deep_equal(va, vb))
        }
        _ => false,
    }
}

fn map_raw_equal(a: &BTreeMap<String, Value>, b: &BTreeMap<String, Value>) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((ka, va), (kb, vb))| ka == kb && va.raw_equal(vb))
}

fn unmark_all(vs: Vec<Value>) -> (Vec<Value>, bool) {
    let mut any = false;
    let vs = vs
        .into_iter()
        .map(|v| {
            let (v, s) = v.unmark_deep();
            any |= s;
            v
        })
        .collect();
    (vs, any)
}

fn unmark_map(m: BTreeMap<String, Value>) -> (BTreeMap<String, Value>, bool) {
    let mut any = false;
    let m = m
        .into_iter()
        .map(|(k, v)| {
            let (v, s) = v.unmark_deep();
            any |= s;
            (k, v)
        })
        .collect();
    (m, any)
}

/// The order in which Terraform lists a set's elements: numbers ascending,
/// strings by bytes, false before true, nulls last and unknowns before
/// them (as cty's set rules); other element types by their rendering,
/// which is stable.
pub fn set_order(a: &Value, b: &Value) -> Ordering {
    match (a.unmarked(), b.unmarked()) {
        (Value::Null(_), Value::Null(_)) => Ordering::Equal,
        (Value::Null(_), _) => Ordering::Greater,
        (_, Value::Null(_)) => Ordering::Less,
        (Value::Unknown(_), Value::Unknown(_)) => Ordering::Equal,
        (Value::Unknown(_), _) => Ordering::Greater,
        (_, Value::Unknown(_)) => Ordering::Less,
        (Value::Number(x), Value::Number(y)) => x.cmp_num(y),
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (x, y) => format!("{x:?}").cmp(&format!("{y:?}")),
    }
}
