//! Terraform's automatic type conversions (cty's `convert` package):
//! `"5"` is a number where a number is wanted, a tuple is a list where a
//! list is wanted, and so on.

use crate::number::Number;
use crate::types::Type;
use crate::value::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Why a value does not convert, with the path inside the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

fn err(message: impl Into<String>) -> ConvertError {
    ConvertError {
        path: String::new(),
        message: message.into(),
    }
}

fn in_path(prefix: String, mut e: ConvertError) -> ConvertError {
    e.path = format!("{prefix}{}", e.path);
    e
}

fn attr_step(k: &str) -> String {
    format!("attribute {k:?}")
}

/// The message Terraform gives when a value of type `got` is given where
/// `want` is required.
pub fn mismatch_message(got: &Type, want: &Type) -> String {
    match (got, want) {
        (Type::Object(ga, _), Type::Object(wa, wopt)) => {
            for k in wa.keys() {
                if !ga.contains_key(k) && !wopt.contains(k) {
                    return format!("attribute {k:?} is required");
                }
            }
            "object required".into()
        }
        _ => format!("{} required", want.friendly_name()),
    }
}

/// Converts `v` to type `want`, keeping marks.
pub fn convert(v: &Value, want: &Type) -> Result<Value, ConvertError> {
    if let Value::Sensitive(inner) = v {
        return convert(inner, want).map(Value::mark);
    }
    if *want == Type::Dynamic {
        return Ok(v.clone());
    }
    match v {
        Value::Null(_) => return Ok(Value::Null(want.clone())),
        Value::Unknown(t) => {
            if *t == Type::Dynamic || type_convertible(t, want) {
                return Ok(Value::Unknown(want.clone()));
            }
            return Err(err(mismatch_message(t, want)));
        }
        _ => {}
    }
    match want {
        Type::String => match v {
            Value::String(_) => Ok(v.clone()),
            Value::Number(n) => Ok(Value::String(n.to_terraform_string())),
            Value::Bool(b) => Ok(Value::String(b.to_string())),
            _ => Err(err(mismatch_message(&v.ty(), want))),
        },
        Type::Number => match v {
            Value::Number(_) => Ok(v.clone()),
            Value::String(s) => Number::parse(s)
                .map(Value::Number)
                .map_err(|_| err("a number is required")),
            _ => Err(err(mismatch_message(&v.ty(), want))),
        },
        Type::Bool => match v {
            Value::Bool(_) => Ok(v.clone()),
            Value::String(s) => match s.as_str() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(err("a bool is required")),
            },
            _ => Err(err(mismatch_message(&v.ty(), want))),
        },
        Type::List(elem) | Type::Set(elem) => {
            let items = match v {
                Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => vs,
                _ => return Err(err(mismatch_message(&v.ty(), want))),
            };
            let (elem_ty, converted) = convert_elements(items, elem)?;
            Ok(match want {
                Type::List(_) => Value::List(elem_ty, converted),
                _ => Value::set(elem_ty, converted),
            })
        }
        Type::Map(elem) => {
            let entries = match v {
                Value::Map(_, m) | Value::Object(m) => m,
                _ => return Err(err(mismatch_message(&v.ty(), want))),
            };
            let keys: Vec<&String> = entries.keys().collect();
            let vals: Vec<Value> = entries.values().cloned().collect();
            let (elem_ty, converted) = convert_elements(&vals, elem).map_err(|e| {
                // Re-label the element index as the map key.
                let idx = e
                    .path
                    .strip_prefix("element ")
                    .and_then(|p| p.split(':').next())
                    .and_then(|p| p.parse::<usize>().ok());
                match idx {
                    Some(i) => ConvertError {
                        path: format!("element {:?}", keys[i]),
                        message: e.message,
                    },
                    None => e,
                }
            })?;
            Ok(Value::Map(
                elem_ty,
                keys.into_iter().cloned().zip(converted).collect(),
            ))
        }
        Type::Tuple(types) => {
            let items = match v {
                Value::List(_, vs) | Value::Tuple(vs) | Value::Set(_, vs) => vs,
                _ => return Err(err(mismatch_message(&v.ty(), want))),
            };
            if items.len() != types.len() {
                return Err(err(format!("tuple required with {} elements", types.len())));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, (item, t)) in items.iter().zip(types).enumerate() {
                out.push(convert(item, t).map_err(|e| in_path(format!("element {i}"), e))?);
            }
            Ok(Value::Tuple(out))
        }
        Type::Object(attrs, optional) => {
            let entries = match v {
                Value::Map(_, m) | Value::Object(m) => m,
                _ => return Err(err(mismatch_message(&v.ty(), want))),
            };
            let mut out = BTreeMap::new();
            for (k, t) in attrs {
                match entries.get(k) {
                    Some(item) => {
                        out.insert(
                            k.clone(),
                            convert(item, t).map_err(|e| in_path(attr_step(k), e))?,
                        );
                    }
                    None if optional.contains(k) => {
                        out.insert(k.clone(), Value::Null(t.clone()));
                    }
                    None => return Err(err(format!("attribute {k:?} is required"))),
                }
            }
            Ok(Value::Object(out))
        }
        Type::Dynamic => Ok(v.clone()),
    }
}

/// Converts every element to `elem` (unifying their types where `elem`
/// is `any`), returning the element type reached.
fn convert_elements(items: &[Value], elem: &Type) -> Result<(Type, Vec<Value>), ConvertError> {
    let target = if elem.has_dynamic() {
        let types: Vec<Type> = items.iter().map(Value::ty).collect();
        if types.is_empty() {
            elem.clone()
        } else {
            let unified =
                unify(&types).ok_or_else(|| err("all elements must have the same type"))?;
            if *elem == Type::Dynamic {
                unified
            } else {
                merge_dynamic(elem, &unified)
            }
        }
    } else {
        elem.clone()
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(convert(item, &target).map_err(|e| in_path(format!("element {i}"), e))?);
    }
    Ok((target, out))
}

/// Fills the `any` placeholders of `pattern` from `concrete`.
fn merge_dynamic(pattern: &Type, concrete: &Type) -> Type {
    match (pattern, concrete) {
        (Type::Dynamic, c) => c.clone(),
        (Type::List(p), Type::List(c)) => Type::list(merge_dynamic(p, c)),
        (Type::Set(p), Type::Set(c)) => Type::set(merge_dynamic(p, c)),
        (Type::Map(p), Type::Map(c)) => Type::map(merge_dynamic(p, c)),
        (p, _) => p.clone(),
    }
}

/// Whether some value of type `from` may convert to `to`.
pub fn type_convertible(from: &Type, to: &Type) -> bool {
    match (from, to) {
        (_, Type::Dynamic) | (Type::Dynamic, _) => true,
        (a, b) if a == b => true,
        (Type::String, Type::Number | Type::Bool) => true,
        (Type::Number | Type::Bool, Type::String) => true,
        (Type::List(a) | Type::Set(a), Type::List(b) | Type::Set(b)) => type_convertible(a, b),
        (Type::Tuple(ts), Type::List(b) | Type::Set(b)) => {
            ts.iter().all(|t| type_convertible(t, b))
        }
        (Type::Map(a), Type::Map(b)) => type_convertible(a, b),
        (Type::Object(attrs, _), Type::Map(b)) => attrs.values().all(|t| type_convertible(t, b)),
        (Type::Object(fa, _), Type::Object(ta, topt)) => ta.iter().all(|(k, t)| match fa.get(k) {
            Some(f) => type_convertible(f, t),
            None => topt.contains(k),
        }),
        (Type::Map(_), Type::Object(_, _)) => true,
        (Type::Tuple(fs), Type::Tuple(ts)) => {
            fs.len() == ts.len() && fs.iter().zip(ts).all(|(f, t)| type_convertible(f, t))
        }
        (Type::List(_), Type::Tuple(_)) => true,
        _ => false,
    }
}

/// The one type all of `types` convert to, as Terraform picks it for the
/// elements of a list or the two results of a conditional.
pub fn unify(types: &[Type]) -> Option<Type> {
    let first = types.first()?;
    if types.iter().all(|t| t == first) {
        return Some(first.clone());
    }
    if types.contains(&Type::Dynamic) {
        return Some(Type::Dynamic);
    }
    if types.iter().all(Type::is_primitive) {
        if types.contains(&Type::String) {
            return Some(Type::String);
        }
        return None;
    }
    let all = |f: fn(&Type) -> bool| types.iter().all(f);
    if all(|t| matches!(t, Type::List(_))) {
        return unify_elements(types).map(Type::list);
    }
    if all(|t| matches!(t, Type::Set(_))) {
        return unify_elements(types).map(Type::set);
    }
    if all(|t| matches!(t, Type::Map(_) | Type::Object(_, _))) {
        if all(|t| matches!(t, Type::Object(_, _))) {
            let keys: Vec<BTreeSet<&String>> = types
                .iter()
                .map(|t| match t {
                    Type::Object(a, _) => a.keys().collect(),
                    _ => BTreeSet::new(),
                })
                .collect();
            if keys.iter().all(|k| *k == keys[0]) {
                let mut attrs = BTreeMap::new();
                for k in keys[0].iter() {
                    let ts: Vec<Type> = types
                        .iter()
                        .map(|t| match t {
                            Type::Object(a, _) => a[*k].clone(),
                            _ => Type::Dynamic,
                        })
                        .collect();
                    attrs.insert((*k).clone(), unify(&ts)?);
                }
                return Some(Type::object(attrs));
            }
        }
        let mut elems = Vec::new();
        for t in types {
            match t {
                Type::Map(e) => elems.push((**e).clone()),
                Type::Object(a, _) => elems.extend(a.values().cloned()),
                _ => {}
            }
        }
        if elems.is_empty() {
            return Some(Type::map(Type::Dynamic));
        }
        return unify(&elems).map(Type::map);
    }
    if all(|t| matches!(t, Type::Tuple(_) | Type::List(_))) {
        if all(|t| matches!(t, Type::Tuple(_))) {
            let lens: Vec<usize> = types
                .iter()
                .map(|t| match t {
                    Type::Tuple(ts) => ts.len(),
                    _ => 0,
                })
                .collect();
            if lens.iter().all(|l| *l == lens[0]) {
                let mut out = Vec::new();
                for i in 0..lens[0] {
                    let ts: Vec<Type> = types
                        .iter()
                        .map(|t| match t {
                            Type::Tuple(ts) => ts[i].clone(),
                            _ => Type::Dynamic,
                        })
                        .collect();
                    out.push(unify(&ts)?);
                }
                return Some(Type::Tuple(out));
            }
        }
        let mut elems = Vec::new();
        for t in types {
            match t {
                Type::List(e) => elems.push((**e).clone()),
                Type::Tuple(ts) => elems.extend(ts.iter().cloned()),
                _ => {}
            }
        }
        if elems.is_empty() {
            return Some(Type::list(Type::Dynamic));
        }
        return unify(&elems).map(Type::list);
    }
    None
}

fn unify_elements(types: &[Type]) -> Option<Type> {
    let elems: Vec<Type> = types
        .iter()
        .filter_map(|t| t.element_type().cloned())
        .collect();
    unify(&elems)
}
