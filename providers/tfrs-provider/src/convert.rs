//! Terraform's automatic type conversions (cty's `convert` package):
//! `"5"` is a number where a number is wanted, a tuple is a list where a
//! list is wanted, and so on.

use crate::number::Number;
use crate::types::Type;
use crate::value::Value;
use std::collections::BTreeMap;
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

/// cty's `FriendlyNameForConstraint`: as [`Type::friendly_name`], with
/// `any` spelled "any single type".
pub fn constraint_name(t: &Type) -> String {
    match t {
        Type::Dynamic => "any single type".into(),
        Type::List(e) => format!("list of {}", constraint_name(e)),
        Type::Set(e) => format!("set of {}", constraint_name(e)),
        Type::Map(e) => format!("map of {}", constraint_name(e)),
        t => t.friendly_name(),
    }
}

/// The message cty gives when no value of type `got` converts to `want`
/// (`convert.MismatchMessage`).
pub fn mismatch_message(got: &Type, want: &Type) -> String {
    let required = || format!("{} required", constraint_name(want));
    match (got, want) {
        (Type::Object(ga, _), Type::Object(wa, wopt)) => {
            let mut missing: Vec<&String> = Vec::new();
            let mut unsafe_mismatch = None;
            let mut safe_mismatch = None;
            for (name, wt) in wa {
                let Some(gt) = ga.get(name) else {
                    if !wopt.contains(name) {
                        missing.push(name);
                    }
                    continue;
                };
                if gt == wt || unsafe_mismatch.is_some() {
                    continue;
                }
                if !conversion_exists(gt, wt, true) {
                    unsafe_mismatch =
                        Some(format!("attribute {name:?}: {}", mismatch_message(gt, wt)));
                }
                if safe_mismatch.is_none() && !conversion_exists(gt, wt, false) {
                    safe_mismatch =
                        Some(format!("attribute {name:?}: {}", mismatch_message(gt, wt)));
                }
            }
            match missing.as_slice() {
                [] => unsafe_mismatch
                    .or(safe_mismatch)
                    .unwrap_or_else(|| "incorrect object attributes".into()),
                [a] => format!("attribute {a:?} is required"),
                [a, b] => format!("attributes {a:?} and {b:?} are required"),
                [init @ .., last] => {
                    let list: Vec<String> = init.iter().map(|n| format!("{n:?}")).collect();
                    format!("attributes {}, and {last:?} are required", list.join(", "))
                }
            }
        }
        (Type::Tuple(_), Type::List(e)) if **e == Type::Dynamic => {
            "all list elements must have the same type".into()
        }
        (Type::Tuple(_), Type::Set(e)) if **e == Type::Dynamic => {
            "all set elements must have the same type".into()
        }
        (Type::Object(..), Type::Map(e)) if **e == Type::Dynamic => {
            "all map elements must have the same type".into()
        }
        (Type::Tuple(ts), Type::List(e) | Type::Set(e)) => {
            for (i, t) in ts.iter().enumerate() {
                if t != &**e && !conversion_exists(t, e, true) {
                    return format!("element {i}: {}", mismatch_message(t, e));
                }
            }
            format!("all elements must be {}", constraint_name(e))
        }
        (Type::Object(attrs, _), Type::Map(e)) => {
            for (name, t) in attrs {
                if t != &**e && !conversion_exists(t, e, true) {
                    return format!("element {name:?}: {}", mismatch_message(t, e));
                }
            }
            format!("all elements must be {}", constraint_name(e))
        }
        (Type::Tuple(_) | Type::Object(..), Type::List(_) | Type::Set(_) | Type::Map(_)) => {
            required()
        }
        (Type::List(g) | Type::Set(g), Type::List(w) | Type::Set(w))
        | (Type::Map(g), Type::Map(w)) => {
            let noun = match want {
                Type::List(_) => "list element type",
                Type::Set(_) => "set element type",
                _ => "map element type",
            };
            format!("incorrect {noun}: {}", mismatch_message(g, w))
        }
        _ => required(),
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
    // As cty's `Convert`: a value of a type with no conversion to `want`
    // fails with a message about the types.
    let got = v.ty();
    if got != *want && !conversion_exists(&got, want, true) {
        return Err(err(mismatch_message(&got, want)));
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
                "true" | "1" => Ok(Value::Bool(true)),
                "false" | "0" => Ok(Value::Bool(false)),
                other => Err(err(match other.to_lowercase().as_str() {
                    "true" => "a bool is required; to convert from string, use lowercase \"true\"",
                    "false" => {
                        "a bool is required; to convert from string, use lowercase \"false\""
                    }
                    _ => "a bool is required",
                })),
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
                unify_unsafe(&types).ok_or_else(|| err("all elements must have the same type"))?;
            if unified == Type::Dynamic && types.iter().any(|t| *t != Type::Dynamic) {
                return Err(err("all elements must have the same type"));
            }
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
/// elements of a list or the results of a function like `coalesce`
/// (cty's `convert.Unify`, which allows only safe conversions).
pub fn unify(types: &[Type]) -> Option<Type> {
    unify_impl(types, false)
}

/// cty's `convert.UnifyUnsafe`: as [`unify`], also allowing conversions
/// that can fail for some values (a string to a number, a map to an
/// object). The two results of a conditional are unified this way, and so
/// are the elements of a tuple converted to a list.
pub fn unify_unsafe(types: &[Type]) -> Option<Type> {
    unify_impl(types, true)
}

fn unify_impl(types: &[Type], unsafe_: bool) -> Option<Type> {
    let first = types.first()?;
    if types.iter().all(|t| t == first) {
        return Some(first.clone());
    }
    let count = |f: fn(&Type) -> bool| types.iter().filter(|t| f(t)).count();
    let maps = count(|t| matches!(t, Type::Map(_)));
    let lists = count(|t| matches!(t, Type::List(_)));
    let sets = count(|t| matches!(t, Type::Set(_)));
    let objects = count(|t| matches!(t, Type::Object(..)));
    let tuples = count(|t| matches!(t, Type::Tuple(_)));
    let dynamics = count(|t| *t == Type::Dynamic);
    let n = types.len();
    if maps > 0 && maps + dynamics == n {
        return unify_collections(Type::map, types, unsafe_, dynamics > 0);
    } else if maps > 0 && maps + objects + dynamics == n {
        if let Some(t @ Type::Map(_)) = unify_objects_as_maps(types, unsafe_) {
            return Some(t);
        }
    } else if lists > 0 && lists + dynamics == n {
        return unify_collections(Type::list, types, unsafe_, dynamics > 0);
    } else if lists > 0 && lists + tuples + dynamics == n {
        if let Some(t @ Type::List(_)) = unify_tuples_as_list(types, unsafe_) {
            return Some(t);
        }
    } else if sets > 0 && sets + dynamics == n {
        return unify_collections(Type::set, types, unsafe_, dynamics > 0);
    } else if objects > 0 && objects + dynamics == n {
        return unify_object_types(types, unsafe_, dynamics > 0);
    } else if tuples > 0 && tuples + dynamics == n {
        return unify_tuple_types(types, unsafe_, dynamics > 0);
    } else if objects > 0 && tuples > 0 {
        return None;
    }
    // The most general type of the given ones that all convert to.
    'pref: for want in sort_types(types) {
        let want = &types[want];
        for t in types {
            if t != want && !conversion_exists(t, want, unsafe_) {
                continue 'pref;
            }
        }
        return Some(want.clone());
    }
    None
}

fn unify_collections(
    make: fn(Type) -> Type,
    types: &[Type],
    unsafe_: bool,
    has_dynamic: bool,
) -> Option<Type> {
    if has_dynamic {
        return Some(Type::Dynamic);
    }
    let elems: Vec<Type> = types
        .iter()
        .filter_map(|t| t.element_type().cloned())
        .collect();
    let ret = make(unify_impl(&elems, unsafe_)?);
    types
        .iter()
        .all(|t| *t == ret || conversion_exists(t, &ret, unsafe_))
        .then_some(ret)
}

fn unify_objects_as_maps(types: &[Type], unsafe_: bool) -> Option<Type> {
    let objs: Vec<Type> = types
        .iter()
        .filter(|t| matches!(t, Type::Object(..)))
        .cloned()
        .collect();
    let map = unify_objects_to_map(&objs, unsafe_)?;
    let mapped: Vec<Type> = types
        .iter()
        .map(|t| {
            if matches!(t, Type::Object(..)) {
                map.clone()
            } else {
                t.clone()
            }
        })
        .collect();
    match unify_impl(&mapped, unsafe_)? {
        t @ Type::Map(_) => Some(t),
        _ => None,
    }
}

fn unify_tuples_as_list(types: &[Type], unsafe_: bool) -> Option<Type> {
    let tuples: Vec<Type> = types
        .iter()
        .filter(|t| matches!(t, Type::Tuple(_)))
        .cloned()
        .collect();
    let list = unify_tuples_to_list(&tuples, unsafe_)?;
    let listed: Vec<Type> = types
        .iter()
        .map(|t| {
            if matches!(t, Type::Tuple(_)) {
                list.clone()
            } else {
                t.clone()
            }
        })
        .collect();
    match unify_impl(&listed, unsafe_)? {
        t @ Type::List(_) => Some(t),
        _ => None,
    }
}

fn attrs_of(t: &Type) -> BTreeMap<String, Type> {
    match t {
        Type::Object(a, _) => a.clone(),
        _ => BTreeMap::new(),
    }
}

fn unify_object_types(types: &[Type], unsafe_: bool, has_dynamic: bool) -> Option<Type> {
    if has_dynamic {
        return Some(Type::Dynamic);
    }
    let first = attrs_of(&types[0]);
    for t in &types[1..] {
        let these = attrs_of(t);
        if these.len() != first.len() || these.keys().any(|k| !first.contains_key(k)) {
            return unify_objects_to_map(types, unsafe_);
        }
    }
    let mut attrs = BTreeMap::new();
    for k in first.keys() {
        let across: Vec<Type> = types.iter().map(|t| attrs_of(t)[k].clone()).collect();
        attrs.insert(k.clone(), unify_impl(&across, unsafe_)?);
    }
    let ret = Type::object(attrs);
    if types
        .iter()
        .all(|t| *t == ret || conversion_exists(t, &ret, unsafe_))
    {
        Some(ret)
    } else {
        unify_objects_to_map(types, unsafe_)
    }
}

fn unify_objects_to_map(types: &[Type], unsafe_: bool) -> Option<Type> {
    let atys: Vec<Type> = types
        .iter()
        .flat_map(|t| attrs_of(t).into_values())
        .collect();
    let ret = Type::map(unify_impl(&atys, unsafe_)?);
    types
        .iter()
        .all(|t| *t == ret || conversion_exists(t, &ret, unsafe_))
        .then_some(ret)
}

fn elems_of(t: &Type) -> Vec<Type> {
    match t {
        Type::Tuple(ts) => ts.clone(),
        _ => Vec::new(),
    }
}

fn unify_tuple_types(types: &[Type], unsafe_: bool, has_dynamic: bool) -> Option<Type> {
    if has_dynamic {
        return Some(Type::Dynamic);
    }
    let first = elems_of(&types[0]);
    if types[1..].iter().any(|t| elems_of(t).len() != first.len()) {
        return unify_tuples_to_list(types, unsafe_);
    }
    let mut out = Vec::with_capacity(first.len());
    for i in 0..first.len() {
        let across: Vec<Type> = types.iter().map(|t| elems_of(t)[i].clone()).collect();
        out.push(unify_impl(&across, unsafe_)?);
    }
    let ret = Type::Tuple(out);
    if types
        .iter()
        .all(|t| *t == ret || conversion_exists(t, &ret, unsafe_))
    {
        Some(ret)
    } else {
        unify_tuples_to_list(types, unsafe_)
    }
}

fn unify_tuples_to_list(types: &[Type], unsafe_: bool) -> Option<Type> {
    let etys: Vec<Type> = types.iter().flat_map(elems_of).collect();
    let ret = Type::list(unify_impl(&etys, unsafe_)?);
    types
        .iter()
        .all(|t| *t == ret || conversion_exists(t, &ret, unsafe_))
        .then_some(ret)
}

/// cty's preference order for unification: more general types first.
fn sort_types(types: &[Type]) -> Vec<usize> {
    let n = types.len();
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n.saturating_sub(1) {
        for j in i + 1..n {
            match compare_types(&types[i], &types[j]) {
                c if c < 0 => edges[i].push(j),
                c if c > 0 => edges[j].push(i),
                _ => {}
            }
        }
    }
    let mut in_degree = vec![0usize; n];
    for outs in &edges {
        for &j in outs {
            in_degree[j] += 1;
        }
    }
    let mut queue: Vec<usize> = (0..n).filter(|&i| in_degree[i] == 0).collect();
    let mut k = 0;
    while k < queue.len() {
        let i = queue[k];
        k += 1;
        for &j in &edges[i] {
            in_degree[j] -= 1;
            if in_degree[j] == 0 {
                queue.push(j);
            }
        }
    }
    // cty's result array is zero-filled where the sort did not reach.
    queue.resize(n, 0);
    queue
}

/// cty's `compareTypes`: negative when `a` is the more general.
fn compare_types(a: &Type, b: &Type) -> i32 {
    if *a == Type::Dynamic || *b == Type::Dynamic {
        return match (*a == Type::Dynamic, *b == Type::Dynamic) {
            (false, true) => -1,
            (true, false) => 1,
            _ => 0,
        };
    }
    if a.is_primitive() && b.is_primitive() && (*a == Type::String || *b == Type::String) {
        return match (*a == Type::String, *b == Type::String) {
            (false, true) => 1,
            (true, false) => -1,
            _ => 0,
        };
    }
    match (a, b) {
        (Type::List(x), Type::List(y))
        | (Type::Set(x), Type::Set(y))
        | (Type::Map(x), Type::Map(y)) => return compare_types(x, y),
        _ => {}
    }
    let (a, b, swap) = match (a, b) {
        (Type::Tuple(_), Type::List(_))
        | (Type::Object(..), Type::Map(_))
        | (Type::Set(_), Type::Tuple(_))
        | (Type::Set(_), Type::List(_)) => (b, a, -1),
        _ => (a, b, 1),
    };
    if matches!(b, Type::Set(_)) && matches!(a, Type::Tuple(_) | Type::List(_)) {
        return -swap;
    }
    if matches!(a, Type::List(_)) && matches!(b, Type::Tuple(_)) {
        return -swap;
    }
    if matches!(a, Type::Map(_)) && matches!(b, Type::Object(..)) {
        return -swap;
    }
    let cmp_all = |pairs: Vec<(Type, Type)>| {
        let (mut a_super, mut b_super) = (false, false);
        for (x, y) in pairs {
            match compare_types(&x, &y) {
                c if c < 0 => a_super = true,
                c if c > 0 => b_super = true,
                _ => {}
            }
        }
        match (a_super, b_super) {
            (true, false) => -swap,
            (false, true) => swap,
            _ => 0,
        }
    };
    match (a, b) {
        (Type::Object(x, _), Type::Object(y, _)) => {
            if x.len() != y.len() || x.keys().any(|k| !y.contains_key(k)) {
                return 0;
            }
            cmp_all(x.iter().map(|(k, t)| (t.clone(), y[k].clone())).collect())
        }
        (Type::Tuple(x), Type::Tuple(y)) => {
            if x.len() != y.len() {
                return 0;
            }
            cmp_all(x.iter().cloned().zip(y.iter().cloned()).collect())
        }
        _ => 0,
    }
}

/// Whether cty has a conversion from `from` to `to` (`GetConversion` or,
/// when `unsafe_`, `GetConversionUnsafe`).
pub fn conversion_exists(from: &Type, to: &Type, unsafe_: bool) -> bool {
    match (from, to) {
        (_, Type::Dynamic) => true,
        (Type::Dynamic, _) => unsafe_,
        (a, b) if a.is_primitive() && b.is_primitive() => {
            a == b || *b == Type::String || (unsafe_ && *a == Type::String)
        }
        (Type::Object(fa, _), Type::Object(ta, topt)) => ta.iter().all(|(k, t)| match fa.get(k) {
            Some(f) => conversion_exists(f, t, unsafe_),
            None => topt.contains(k),
        }),
        (Type::Tuple(fs), Type::Tuple(ts)) => {
            fs.len() == ts.len()
                && fs
                    .iter()
                    .zip(ts)
                    .all(|(f, t)| conversion_exists(f, t, unsafe_))
        }
        (Type::List(a) | Type::Set(a), Type::List(b)) => a == b || conversion_exists(a, b, unsafe_),
        (Type::List(a), Type::Set(b)) => unsafe_ && (a == b || conversion_exists(a, b, unsafe_)),
        (Type::Set(a), Type::Set(b)) => a == b || conversion_exists(a, b, unsafe_),
        (Type::Map(a), Type::Map(b)) => conversion_exists(a, b, unsafe_),
        (Type::Tuple(ts), Type::List(e) | Type::Set(e)) => {
            if ts.is_empty() {
                return true;
            }
            let ety = if **e == Type::Dynamic {
                match unify_impl(ts, unsafe_) {
                    None => return false,
                    Some(Type::Dynamic) => return ts.iter().all(|t| *t == Type::Dynamic),
                    Some(t) => t,
                }
            } else {
                (**e).clone()
            };
            ts.iter()
                .all(|t| *t == ety || conversion_exists(t, &ety, unsafe_))
        }
        (Type::Object(attrs, _), Type::Map(e)) => {
            if attrs.is_empty() {
                return true;
            }
            let ety = if **e == Type::Dynamic {
                let ts: Vec<Type> = attrs.values().cloned().collect();
                match unify_impl(&ts, unsafe_) {
                    None => return false,
                    Some(Type::Dynamic) => return ts.iter().all(|t| *t == Type::Dynamic),
                    Some(t) => t,
                }
            } else {
                (**e).clone()
            };
            attrs
                .values()
                .all(|t| *t == ety || conversion_exists(t, &ety, unsafe_))
        }
        (Type::Map(e), Type::Object(attrs, _)) => {
            unsafe_ && attrs.values().all(|t| conversion_exists(e, t, unsafe_))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unification_follows_cty() {
        // A null (of unknown type) takes the type of its neighbours only
        // where unsafe conversions are allowed.
        assert_eq!(
            unify_unsafe(&[Type::Dynamic, Type::String]),
            Some(Type::String)
        );
        assert_eq!(unify(&[Type::Dynamic, Type::String]), Some(Type::Dynamic));
        assert_eq!(unify(&[Type::Number, Type::Bool]), None);
        assert_eq!(unify(&[Type::Number, Type::String]), Some(Type::String));
        assert_eq!(
            unify_unsafe(&[Type::list(Type::Number), Type::set(Type::Number)]),
            Some(Type::list(Type::Number))
        );
    }

    #[test]
    fn conversions_keep_null_element_types() {
        let v = Value::Tuple(vec![Value::null(), Value::string("a")]);
        let l = convert(&v, &Type::list(Type::Dynamic)).unwrap();
        assert!(
            matches!(&l, Value::List(Type::String, vs) if matches!(vs[0], Value::Null(Type::String)))
        );
    }

    #[test]
    fn type_mismatches_are_described_as_cty_does() {
        let v = Value::Tuple(vec![Value::Tuple(vec![Value::int(1)])]);
        let e = convert(&v, &Type::list(Type::String)).unwrap_err();
        assert_eq!(e.to_string(), "element 0: string required");
        let e = convert(&Value::string("x"), &Type::Bool).unwrap_err();
        assert_eq!(e.message, "a bool is required");
        assert!(convert(&Value::string("1"), &Type::Bool).is_ok());
    }
}
