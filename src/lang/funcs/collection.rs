//! Collection functions: alltrue, anytrue, chunklist, coalesce,
//! coalescelist, compact, concat, contains, distinct, element, flatten,
//! index, keys, length, list and map (removed, with their error), lookup,
//! matchkeys, merge, one, range, reverse,
//! setintersection, setproduct, setsubtract, setunion, slice, sort, sum,
//! transpose, values, zipmap.

use super::{
    arg_error, call_error, ret_bool, ret_dynamic, ret_number, to_int, FuncContext, FuncResult,
    Function, Param, ParamType,
};
use std::collections::BTreeMap;
use tfrs_provider::convert::{convert, unify};
use tfrs_provider::{Number, Type, Value};

const ANY: ParamType = ParamType::Any;
const LIST_ANY: ParamType = ParamType::ListOf(&ParamType::Any);
const SET_ANY: ParamType = ParamType::SetOf(&ParamType::Any);
const LIST_STRING: ParamType = ParamType::ListOf(&ParamType::String);
const LIST_BOOL: ParamType = ParamType::ListOf(&ParamType::Bool);

macro_rules! f {
    ($name:expr, [$($p:expr),*], $ret:expr, $imp:expr) => {
        Function { name: $name, params: &[$($p),*], variadic: None, return_type: $ret, imp: $imp }
    };
    ($name:expr, [$($p:expr),*], $var:expr, $ret:expr, $imp:expr) => {
        Function { name: $name, params: &[$($p),*], variadic: Some($var), return_type: $ret, imp: $imp }
    };
}

fn ret_list_string(_: &[Value]) -> Type {
    Type::list(Type::String)
}
fn ret_list_number(_: &[Value]) -> Type {
    Type::list(Type::Number)
}
fn ret_first(args: &[Value]) -> Type {
    args.first().map(Value::ty).unwrap_or(Type::Dynamic)
}

/// The variadic parameter of the removed `list` and `map` functions.
const VALS: Param = Param::new("vals", ANY)
    .allow_null()
    .allow_unknown()
    .allow_dynamic_type();

pub const FUNCTIONS: &[Function] = &[
    f!("list", [], VALS, ret_dynamic, removed_list),
    f!("map", [], VALS, ret_dynamic, removed_map),
    f!(
        "alltrue",
        [Param::new("list", LIST_BOOL)],
        ret_bool,
        alltrue
    ),
    f!(
        "anytrue",
        [Param::new("list", LIST_BOOL)],
        ret_bool,
        anytrue
    ),
    f!(
        "chunklist",
        [
            Param::new("list", LIST_ANY),
            Param::new("size", ParamType::Number)
        ],
        ret_dynamic,
        chunklist
    ),
    f!(
        "coalesce",
        [],
        Param::new("vals", ANY).allow_null().allow_dynamic_type(),
        ret_dynamic,
        coalesce
    ),
    f!(
        "coalescelist",
        [],
        Param::new("vals", ANY).allow_null().allow_dynamic_type(),
        ret_dynamic,
        coalescelist
    ),
    f!(
        "compact",
        [Param::new("list", LIST_STRING)],
        ret_list_string,
        compact
    ),
    f!("concat", [], Param::new("seqs", ANY), ret_dynamic, concat),
    f!(
        "contains",
        [Param::new("list", ANY), Param::new("value", ANY)],
        ret_bool,
        contains
    ),
    f!(
        "distinct",
        [Param::new("list", LIST_ANY)],
        ret_first,
        distinct
    ),
    f!(
        "element",
        [
            Param::new("list", ANY),
            Param::new("index", ParamType::Number)
        ],
        ret_dynamic,
        element
    ),
    f!("flatten", [Param::new("list", ANY)], ret_dynamic, flatten),
    f!(
        "index",
        [Param::new("list", ANY), Param::new("value", ANY)],
        ret_number,
        index
    ),
    f!("keys", [Param::new("inputMap", ANY)], ret_dynamic, keys),
    f!(
        "length",
        [Param::new("value", ANY)
            .allow_unknown()
            .allow_dynamic_type()],
        ret_number,
        length
    ),
    f!(
        "lookup",
        [
            Param::new("inputMap", ANY),
            Param::new("key", ParamType::String)
        ],
        Param::new("default", ANY).allow_null().allow_dynamic_type(),
        ret_dynamic,
        lookup
    ),
    f!(
        "matchkeys",
        [
            Param::new("values", LIST_ANY),
            Param::new("keys", LIST_ANY),
            Param::new("searchset", LIST_ANY)
        ],
        ret_first,
        matchkeys
    ),
    f!(
        "merge",
        [],
        Param::new("maps", ANY).allow_null().allow_dynamic_type(),
        ret_dynamic,
        merge
    ),
    f!("one", [Param::new("list", ANY)], ret_dynamic, one),
    f!(
        "range",
        [],
        Param::new("params", ParamType::Number),
        ret_list_number,
        range
    ),
    f!("reverse", [Param::new("list", ANY)], ret_dynamic, reverse),
    f!(
        "setintersection",
        [Param::new("first_set", SET_ANY)],
        Param::new("other_sets", SET_ANY),
        ret_dynamic,
        setintersection
    ),
    f!(
        "setproduct",
        [],
        Param::new("sets", ANY),
        ret_dynamic,
        setproduct
    ),
    f!(
        "setsubtract",
        [Param::new("a", SET_ANY), Param::new("b", SET_ANY)],
        ret_dynamic,
        setsubtract
    ),
    f!(
        "setunion",
        [Param::new("first_set", SET_ANY)],
        Param::new("other_sets", SET_ANY),
        ret_dynamic,
        setunion
    ),
    f!(
        "slice",
        [
            Param::new("list", ANY),
            Param::new("start_index", ParamType::Number),
            Param::new("end_index", ParamType::Number)
        ],
        ret_dynamic,
        slice
    ),
    f!(
        "sort",
        [Param::new("list", LIST_STRING)],
        ret_list_string,
        sort
    ),
    f!("sum", [Param::new("list", ANY)], ret_number, sum),
    f!(
        "transpose",
        [Param::new(
            "values",
            ParamType::MapOf(&ParamType::ListOf(&ParamType::String))
        )],
        ret_dynamic,
        transpose
    ),
    f!("values", [Param::new("mapping", ANY)], ret_dynamic, values),
    f!(
        "zipmap",
        [Param::new("keys", LIST_STRING), Param::new("values", ANY)],
        ret_dynamic,
        zipmap
    ),
];

fn elems(v: &Value) -> &[Value] {
    v.elements().unwrap_or_default()
}

fn elem_type(v: &Value) -> Type {
    match v.unmarked() {
        Value::List(t, _) | Value::Set(t, _) | Value::Map(t, _) => t.clone(),
        _ => Type::Dynamic,
    }
}

/// Terraform's `==` on known values.
fn equal(a: &Value, b: &Value) -> bool {
    a.equals(b).as_bool() == Some(true)
}

/// `list(...)`: removed in Terraform v0.12, kept to say so.
fn removed_list(_: &FuncContext, _: &[Value]) -> FuncResult {
    Err(call_error("list", "the \"list\" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list"))
}

/// `map(...)`: removed in Terraform v0.12, kept to say so.
fn removed_map(_: &FuncContext, _: &[Value]) -> FuncResult {
    Err(call_error("map", "the \"map\" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map"))
}

fn alltrue(_: &FuncContext, args: &[Value]) -> FuncResult {
    let mut result = Value::Bool(true);
    for v in elems(&args[0]) {
        match v {
            Value::Unknown(_) => result = Value::Unknown(Type::Bool),
            Value::Null(_) => return Ok(Value::Bool(false)),
            Value::Bool(false) => return Ok(Value::Bool(false)),
            _ => {}
        }
    }
    Ok(result)
}

fn anytrue(_: &FuncContext, args: &[Value]) -> FuncResult {
    let mut result = Value::Bool(false);
    for v in elems(&args[0]) {
        match v {
            Value::Unknown(_) => result = Value::Unknown(Type::Bool),
            Value::Bool(true) => return Ok(Value::Bool(true)),
            _ => {}
        }
    }
    Ok(result)
}

fn chunklist(_: &FuncContext, args: &[Value]) -> FuncResult {
    let list = &args[0];
    let ety = elem_type(list);
    let size =
        to_int(&args[1]).map_err(|m| call_error("chunklist", format!("invalid size: {m}")))?;
    if size < 0 {
        return Err(call_error(
            "chunklist",
            "the size argument must be positive",
        ));
    }
    let items = elems(list);
    let lty = Type::list(ety.clone());
    if items.is_empty() {
        return Ok(Value::List(lty, vec![]));
    }
    if size == 0 {
        return Ok(Value::List(lty, vec![list.clone()]));
    }
    let out = items
        .chunks(size as usize)
        .map(|c| Value::List(ety.clone(), c.to_vec()))
        .collect();
    Ok(Value::List(lty, out))
}

fn coalesce(_: &FuncContext, args: &[Value]) -> FuncResult {
    let types: Vec<Type> = args
        .iter()
        .map(Value::ty)
        .filter(|t| *t != Type::Dynamic)
        .collect();
    let ret = if types.is_empty() && !args.is_empty() {
        Some(Type::Dynamic)
    } else {
        unify(&types)
    }
    .ok_or_else(|| call_error("coalesce", "all arguments must have the same type"))?;
    for a in args {
        let v = convert(a, &ret).unwrap_or_else(|_| a.clone());
        if !v.is_known() {
            return Ok(Value::Unknown(ret));
        }
        if v.is_null() {
            continue;
        }
        if ret == Type::String && v.as_str() == Some("") {
            continue;
        }
        return Ok(v);
    }
    Err(call_error(
        "coalesce",
        "no non-null, non-empty-string arguments",
    ))
}

fn coalescelist(_: &FuncContext, args: &[Value]) -> FuncResult {
    if args.is_empty() {
        return Err(call_error(
            "coalescelist",
            "at least one argument is required",
        ));
    }
    for a in args {
        if !matches!(a.ty(), Type::List(_) | Type::Tuple(_)) {
            return Err(call_error(
                "coalescelist",
                "coalescelist arguments must be lists or tuples",
            ));
        }
    }
    for a in args {
        if a.is_null() {
            continue;
        }
        if a.length().unwrap_or(0) > 0 {
            return Ok(a.clone());
        }
    }
    Err(call_error("coalescelist", "no non-null arguments"))
}

fn compact(_: &FuncContext, args: &[Value]) -> FuncResult {
    let out = elems(&args[0])
        .iter()
        .filter(|v| !v.is_null() && v.as_str() != Some(""))
        .cloned()
        .collect();
    Ok(Value::List(Type::String, out))
}

fn concat(_: &FuncContext, args: &[Value]) -> FuncResult {
    if args.is_empty() {
        return Err(call_error("concat", "at least one argument is required"));
    }
    if matches!(args[0], Value::List(..)) && args.iter().all(|a| matches!(a, Value::List(..))) {
        let types: Vec<Type> = args.iter().map(Value::ty).collect();
        if let Some(Type::List(ety)) = unify(&types) {
            let mut out = Vec::new();
            for a in args {
                if let Ok(Value::List(_, vs)) = convert(a, &Type::list((*ety).clone())) {
                    out.extend(vs);
                }
            }
            return Ok(Value::List(*ety, out));
        }
    }
    let mut out = Vec::new();
    for (i, a) in args.iter().enumerate() {
        match a {
            Value::Tuple(vs) | Value::List(_, vs) => out.extend(vs.iter().cloned()),
            other => {
                return Err(arg_error(
                    i,
                    "seqs",
                    format!(
                        "all arguments must be lists or tuples; got {}",
                        other.ty().friendly_name()
                    ),
                ))
            }
        }
    }
    Ok(Value::Tuple(out))
}

fn contains(_: &FuncContext, args: &[Value]) -> FuncResult {
    if !matches!(args[0], Value::List(..) | Value::Set(..) | Value::Tuple(_)) {
        return Err(call_error(
            "contains",
            "argument must be list, tuple, or set",
        ));
    }
    Ok(Value::Bool(
        elems(&args[0]).iter().any(|v| equal(&args[1], v)),
    ))
}

fn distinct(_: &FuncContext, args: &[Value]) -> FuncResult {
    let mut out: Vec<Value> = Vec::new();
    for v in elems(&args[0]) {
        if !out.iter().any(|o| equal(o, v)) {
            out.push(v.clone());
        }
    }
    Ok(Value::List(elem_type(&args[0]), out))
}

fn panic_index(name: &str, i: i64) -> super::FuncError {
    call_error(
        name,
        format!("panic in function implementation: runtime error: index out of range [{i}]"),
    )
}

fn element(_: &FuncContext, args: &[Value]) -> FuncResult {
    let list = &args[0];
    if !matches!(list, Value::List(..) | Value::Tuple(_)) {
        return Err(call_error(
            "element",
            format!("cannot read elements from {}", list.ty().friendly_name()),
        ));
    }
    let idx = to_int(&args[1]).map_err(|m| call_error("element", format!("invalid index: {m}")))?;
    let items = elems(list);
    if items.is_empty() {
        return Err(call_error(
            "element",
            "cannot use element function with an empty list",
        ));
    }
    let i = idx % items.len() as i64;
    if i < 0 {
        return Err(panic_index("element", i));
    }
    Ok(items[i as usize].clone())
}

fn flatten_into(v: &Value, out: &mut Vec<Value>) {
    for e in elems(v) {
        match e {
            Value::List(..) | Value::Set(..) | Value::Tuple(_) => flatten_into(e, out),
            other => out.push(other.clone()),
        }
    }
}

fn flatten(_: &FuncContext, args: &[Value]) -> FuncResult {
    if !matches!(args[0], Value::List(..) | Value::Set(..) | Value::Tuple(_)) {
        return Err(call_error(
            "flatten",
            "can only flatten lists, sets and tuples",
        ));
    }
    let mut out = Vec::new();
    flatten_into(&args[0], &mut out);
    Ok(Value::Tuple(out))
}

fn index(_: &FuncContext, args: &[Value]) -> FuncResult {
    if !matches!(args[0], Value::List(..) | Value::Tuple(_)) {
        return Err(call_error("index", "argument must be a list or tuple"));
    }
    let items = elems(&args[0]);
    if items.is_empty() {
        return Err(call_error("index", "cannot search an empty list"));
    }
    items
        .iter()
        .position(|v| equal(v, &args[1]))
        .map(|i| Value::int(i as i64))
        .ok_or_else(|| call_error("index", "item not found"))
}

fn keys(_: &FuncContext, args: &[Value]) -> FuncResult {
    match &args[0] {
        Value::Map(_, m) => Ok(Value::List(
            Type::String,
            m.keys().map(|k| Value::string(k.as_str())).collect(),
        )),
        Value::Object(m) => Ok(Value::Tuple(
            m.keys().map(|k| Value::string(k.as_str())).collect(),
        )),
        _ => Err(arg_error(0, "inputMap", "must have map or object type")),
    }
}

fn length(_: &FuncContext, args: &[Value]) -> FuncResult {
    let v = &args[0];
    let ty = v.ty();
    let ok = matches!(
        ty,
        Type::String
            | Type::Dynamic
            | Type::List(_)
            | Type::Set(_)
            | Type::Map(_)
            | Type::Tuple(_)
            | Type::Object(..)
    );
    if !ok {
        return Err(call_error(
            "length",
            "argument must be a string, a collection type, or a structural type",
        ));
    }
    match (v, ty) {
        (_, Type::Tuple(ts)) => Ok(Value::int(ts.len() as i64)),
        (_, Type::Object(attrs, _)) => Ok(Value::int(attrs.len() as i64)),
        (Value::String(s), _) => {
            use unicode_segmentation::UnicodeSegmentation;
            Ok(Value::int(s.graphemes(true).count() as i64))
        }
        (Value::Unknown(_), _) | (_, Type::Dynamic) => Ok(Value::Unknown(Type::Number)),
        (v, _) => Ok(Value::int(v.length().unwrap_or(0) as i64)),
    }
}

fn lookup(_: &FuncContext, args: &[Value]) -> FuncResult {
    if args.len() > 3 {
        return Err(call_error(
            "lookup",
            format!("lookup() takes two or three arguments, got {}", args.len()),
        ));
    }
    let key = args[1].as_str().unwrap_or("");
    let default = args.get(2);
    match &args[0] {
        Value::Object(m) => match m.get(key) {
            Some(v) => Ok(v.clone()),
            None => match default {
                Some(d) => Ok(d.clone()),
                None => Err(arg_error(
                    0,
                    "inputMap",
                    format!("the given object has no attribute {}", super::go_quote(key)),
                )),
            },
        },
        Value::Map(ety, m) => {
            let conv_default = match default {
                Some(d) => Some(convert(d, ety).map_err(|_| {
                    arg_error(
                        2,
                        "default",
                        "the default value must have the same type as the map elements",
                    )
                })?),
                None => None,
            };
            match (m.get(key), conv_default) {
                (Some(v), _) => Ok(v.clone()),
                (None, Some(d)) => Ok(d),
                (None, None) => Err(call_error(
                    "lookup",
                    format!("lookup failed to find key {}", super::go_quote(key)),
                )),
            }
        }
        _ => Err(arg_error(
            0,
            "inputMap",
            "lookup() requires a map as the first argument",
        )),
    }
}

fn matchkeys(_: &FuncContext, args: &[Value]) -> FuncResult {
    let ety = elem_type(&args[0]);
    let ty = unify(&[args[1].ty(), args[2].ty()])
        .ok_or_else(|| call_error("matchkeys", "keys and searchset must be of the same type"))?;
    let values = elems(&args[0]);
    if values.len() != args[1].length().unwrap_or(0) {
        return Err(call_error(
            "matchkeys",
            "length of keys and values should be equal",
        ));
    }
    let keys = convert(&args[1], &ty).unwrap_or_else(|_| args[1].clone());
    let search = convert(&args[2], &ty).unwrap_or_else(|_| args[2].clone());
    let mut out = Vec::new();
    for (i, k) in elems(&keys).iter().enumerate() {
        if elems(&search).iter().any(|s| equal(k, s)) {
            out.push(values[i].clone());
        }
    }
    Ok(Value::List(ety, out))
}

fn merge(_: &FuncContext, args: &[Value]) -> FuncResult {
    if args.is_empty() {
        return Ok(Value::empty_object());
    }
    let mut dynamic = false;
    for a in args {
        match a.ty() {
            Type::Dynamic => dynamic = true,
            Type::Object(..) | Type::Map(_) => {}
            t => {
                return Err(call_error(
                    "merge",
                    format!(
                        "arguments must be maps or objects, got {}",
                        super::go_quote(&t.friendly_name())
                    ),
                ))
            }
        }
    }
    let first = args[0].ty();
    let matching = args.iter().all(|a| a.ty() == first);
    let mut out = BTreeMap::new();
    for a in args {
        if let Some(m) = a.entries() {
            for (k, v) in m {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    match first {
        Type::Map(ety) if matching && !dynamic => Ok(Value::Map(*ety, out)),
        _ => Ok(Value::Object(out)),
    }
}

fn one(_: &FuncContext, args: &[Value]) -> FuncResult {
    let bad = || {
        arg_error(
            0,
            "list",
            "must be a list, set, or tuple value with either zero or one elements",
        )
    };
    match &args[0] {
        Value::List(ety, vs) | Value::Set(ety, vs) => match vs.len() {
            0 => Ok(Value::Null(ety.clone())),
            1 => Ok(vs[0].clone()),
            _ => Err(bad()),
        },
        Value::Tuple(vs) => match vs.len() {
            0 => Ok(Value::null()),
            1 => Ok(vs[0].clone()),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

fn range(_: &FuncContext, args: &[Value]) -> FuncResult {
    let n = |i: usize| args[i].as_number().expect("number").clone();
    let zero = Number::zero();
    let (start, end, step) = match args.len() {
        1 => {
            let step = if n(0).cmp_num(&zero).is_lt() { -1 } else { 1 };
            (zero.clone(), n(0), Number::from_i64(step))
        }
        2 => {
            let step = if n(1).cmp_num(&n(0)).is_lt() { -1 } else { 1 };
            (n(0), n(1), Number::from_i64(step))
        }
        3 => (n(0), n(1), n(2)),
        _ => {
            return Err(call_error(
                "range",
                "must have one, two, or three arguments",
            ))
        }
    };
    let down = step.cmp_num(&zero).is_lt();
    if down && end.cmp_num(&start).is_gt() {
        return Err(arg_error(
            1,
            "params",
            "end must be less than start when step is negative",
        ));
    }
    if !down && end.cmp_num(&start).is_lt() {
        return Err(arg_error(
            1,
            "params",
            "end must be greater than start when step is positive",
        ));
    }
    let mut out = Vec::new();
    let mut num = start;
    loop {
        let c = num.cmp_num(&end);
        if (down && c.is_le()) || (!down && c.is_ge()) {
            break;
        }
        if out.len() >= 1024 {
            return Err(call_error("range", "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step"));
        }
        out.push(Value::Number(num.clone()));
        num = num.add(&step).unwrap_or_else(|| end.clone());
    }
    Ok(Value::List(Type::Number, out))
}

fn reverse(_: &FuncContext, args: &[Value]) -> FuncResult {
    match &args[0] {
        Value::Tuple(vs) => Ok(Value::Tuple(vs.iter().rev().cloned().collect())),
        Value::List(t, vs) | Value::Set(t, vs) => {
            Ok(Value::List(t.clone(), vs.iter().rev().cloned().collect()))
        }
        other => Err(arg_error(
            0,
            "list",
            format!(
                "can only reverse list or tuple values, not {}",
                other.ty().friendly_name()
            ),
        )),
    }
}

/// The sets converted to their common element type.
fn set_args(name: &str, args: &[Value]) -> Result<(Type, Vec<Vec<Value>>), super::FuncError> {
    let etys: Vec<Type> = args
        .iter()
        .filter(|a| !(a.length() == Some(0) && elem_type(a) == Type::Dynamic))
        .map(elem_type)
        .collect();
    let ety = if etys.is_empty() {
        Type::Dynamic
    } else {
        unify(&etys)
            .ok_or_else(|| call_error(name, "given sets must all have compatible element types"))?
    };
    let sets = args
        .iter()
        .map(|a| match convert(a, &Type::set(ety.clone())) {
            Ok(Value::Set(_, vs)) => vs,
            _ => elems(a).to_vec(),
        })
        .collect();
    Ok((ety, sets))
}

fn setintersection(_: &FuncContext, args: &[Value]) -> FuncResult {
    let (ety, sets) = set_args("setintersection", args)?;
    let out: Vec<Value> = sets[0]
        .iter()
        .filter(|v| sets[1..].iter().all(|s| s.iter().any(|o| o.raw_equal(v))))
        .cloned()
        .collect();
    Ok(Value::set(ety, out))
}

fn setsubtract(_: &FuncContext, args: &[Value]) -> FuncResult {
    let (ety, sets) = set_args("setsubtract", args)?;
    let out: Vec<Value> = sets[0]
        .iter()
        .filter(|v| !sets[1].iter().any(|o| o.raw_equal(v)))
        .cloned()
        .collect();
    Ok(Value::set(ety, out))
}

fn setunion(_: &FuncContext, args: &[Value]) -> FuncResult {
    let (ety, sets) = set_args("setunion", args)?;
    Ok(Value::set(ety, sets.into_iter().flatten().collect()))
}

fn setproduct(_: &FuncContext, args: &[Value]) -> FuncResult {
    if args.len() < 2 {
        return Err(call_error(
            "setproduct",
            "at least two arguments are required",
        ));
    }
    let mut list_count = 0;
    let mut etys = Vec::new();
    for (i, a) in args.iter().enumerate() {
        match a.ty() {
            Type::Set(e) => etys.push(*e),
            Type::List(e) => {
                etys.push(*e);
                list_count += 1;
            }
            Type::Tuple(ts) => {
                list_count += 1;
                if ts.is_empty() {
                    etys.push(Type::Dynamic);
                } else {
                    etys.push(unify(&ts).ok_or_else(|| {
                        arg_error(i, "sets", "all elements must be of the same type")
                    })?);
                }
            }
            _ => return Err(arg_error(i, "sets", "a set or a list is required")),
        }
    }
    let ety = Type::Tuple(etys.clone());
    let is_list = list_count == args.len();
    let mut product: Vec<Vec<Value>> = vec![vec![]];
    for (j, a) in args.iter().enumerate() {
        let mut next = Vec::new();
        for p in &product {
            for v in elems(a) {
                let mut q = p.clone();
                q.push(convert(v, &etys[j]).unwrap_or_else(|_| v.clone()));
                next.push(q);
            }
        }
        product = next;
    }
    let vals: Vec<Value> = product.into_iter().map(Value::Tuple).collect();
    Ok(if is_list {
        Value::List(ety, vals)
    } else {
        Value::set(ety, vals)
    })
}

fn slice(_: &FuncContext, args: &[Value]) -> FuncResult {
    let list = &args[0];
    match list {
        Value::Set(..) => return Err(arg_error(0, "list", "cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important")),
        Value::List(..) | Value::Tuple(_) => {}
        _ => return Err(arg_error(0, "list", "must be a list or tuple value")),
    }
    let len = list.length().unwrap_or(0) as i64;
    let start = to_int(&args[1])
        .map_err(|m| arg_error(1, "start_index", format!("invalid start index: {m}")))?;
    if start < 0 {
        return Err(arg_error(
            1,
            "start_index",
            "start index must not be less than zero",
        ));
    }
    if start > len {
        return Err(arg_error(
            1,
            "start_index",
            "start index must not be greater than the length of the list",
        ));
    }
    let end = to_int(&args[2])
        .map_err(|m| arg_error(2, "end_index", format!("invalid end index: {m}")))?;
    if end < 0 {
        return Err(arg_error(
            2,
            "end_index",
            "end index must not be less than zero",
        ));
    }
    if end > len {
        return Err(arg_error(
            2,
            "end_index",
            "end index must not be greater than the length of the list",
        ));
    }
    if start > end {
        return Err(arg_error(
            1,
            "start_index",
            "start index must not be greater than end index",
        ));
    }
    let part = elems(list)[start as usize..end as usize].to_vec();
    Ok(match list {
        Value::List(t, _) => Value::List(t.clone(), part),
        _ => Value::Tuple(part),
    })
}

fn sort(_: &FuncContext, args: &[Value]) -> FuncResult {
    let mut items = Vec::new();
    for (i, v) in elems(&args[0]).iter().enumerate() {
        match v.as_str() {
            Some(s) => items.push(s.to_string()),
            None => {
                return Err(call_error(
                    "sort",
                    format!("given list element {i} is null; a null string cannot be sorted"),
                ))
            }
        }
    }
    items.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    Ok(Value::List(
        Type::String,
        items.into_iter().map(Value::String).collect(),
    ))
}

fn sum(_: &FuncContext, args: &[Value]) -> FuncResult {
    let list = &args[0];
    let bad = || {
        arg_error(
            0,
            "list",
            "argument must be list, set, or tuple of number values",
        )
    };
    let items = match list {
        Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => vs,
        Value::Map(_, m) | Value::Object(m) => {
            if m.is_empty() {
                return Err(arg_error(0, "list", "cannot sum an empty list"));
            }
            return Err(arg_error(
                0,
                "list",
                format!(
                    "argument must be list, set, or tuple. Received {}",
                    list.ty().friendly_name()
                ),
            ));
        }
        _ => return Err(arg_error(0, "list", "cannot sum noniterable")),
    };
    if items.is_empty() {
        return Err(arg_error(0, "list", "cannot sum an empty list"));
    }
    let mut total: Option<Number> = None;
    for v in items {
        if v.is_null() {
            return Err(bad());
        }
        let n = convert(v, &Type::Number).map_err(|_| bad())?;
        let n = n.as_number().expect("number").clone();
        total = Some(match total {
            None => n,
            Some(t) => t
                .add(&n)
                .ok_or_else(|| call_error("sum", "can't compute sum of opposing infinities"))?,
        });
    }
    Ok(Value::Number(total.unwrap_or_else(Number::zero)))
}

fn transpose(_: &FuncContext, args: &[Value]) -> FuncResult {
    let mut tmp: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, list) in args[0].entries().into_iter().flatten() {
        for v in elems(list) {
            let s = v.as_str().ok_or_else(|| {
                call_error("transpose", "input list must not contain null string")
            })?;
            tmp.entry(s.to_string())
                .or_default()
                .push(Value::string(k.as_str()));
        }
    }
    Ok(Value::Map(
        Type::list(Type::String),
        tmp.into_iter()
            .map(|(k, vs)| (k, Value::List(Type::String, vs)))
            .collect(),
    ))
}

fn values(_: &FuncContext, args: &[Value]) -> FuncResult {
    match &args[0] {
        Value::Map(t, m) => Ok(Value::List(t.clone(), m.values().cloned().collect())),
        Value::Object(m) => Ok(Value::Tuple(m.values().cloned().collect())),
        _ => Err(call_error(
            "values",
            "values() requires a map as the first argument",
        )),
    }
}

fn zipmap(_: &FuncContext, args: &[Value]) -> FuncResult {
    let keys = elems(&args[0]);
    let (vals, map_ety) = match &args[1] {
        Value::List(t, vs) => (vs, Some(t.clone())),
        Value::Tuple(vs) => (vs, None),
        _ => {
            return Err(call_error(
                "zipmap",
                "values argument must be a list or tuple value",
            ))
        }
    };
    if keys.len() != vals.len() {
        return Err(call_error(
            "zipmap",
            format!(
                "number of keys ({}) does not match number of values ({})",
                keys.len(),
                vals.len()
            ),
        ));
    }
    let mut out = BTreeMap::new();
    for (i, (k, v)) in keys.iter().zip(vals).enumerate() {
        let k = k.as_str().ok_or_else(|| {
            call_error("zipmap", format!("keys list has null value at index {i}"))
        })?;
        out.insert(k.to_string(), v.clone());
    }
    Ok(match map_ety {
        Some(t) => Value::Map(t, out),
        None => Value::Object(out),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testutil::check;

    #[test]
    fn collection_functions() {
        check(&[
            (r###"alltrue([])"###, r###"true"###),
            (r###"alltrue(["true", true])"###, r###"true"###),
            (r###"alltrue([true, false])"###, r###"false"###),
            (r###"alltrue([null])"###, r###"false"###),
            (r###"anytrue([null, true])"###, r###"true"###),
            (r###"anytrue([])"###, r###"false"###),
            (r###"anytrue([false])"###, r###"false"###),
            (
                r###"chunklist(["a","b","c"], 2)"###,
                r###"tolist([
  tolist([
    "a",
    "b",
  ]),
  tolist([
    "c",
  ]),
])"###,
            ),
            (
                r###"chunklist(["a"], 0)"###,
                r###"tolist([
  tolist([
    "a",
  ]),
])"###,
            ),
            (
                r###"chunklist(["a"], -1)"###,
                r###"error: Error in function call: Call to function "chunklist" failed: the size argument must be positive."###,
            ),
            (r###"chunklist([], 2)"###, r###"tolist([])"###),
            (
                r###"chunklist([1, "a"], 1)"###,
                r###"tolist([
  tolist([
    "1",
  ]),
  tolist([
    "a",
  ]),
])"###,
            ),
            (r###"coalesce("", "b")"###, r###""b""###),
            (r###"coalesce(1, "a")"###, r###""1""###),
            (r###"coalesce("a", 1)"###, r###""a""###),
            (
                r###"coalesce()"###,
                r###"error: Error in function call: Call to function "coalesce" failed: all arguments must have the same type."###,
            ),
            (
                r###"coalesce(null, "")"###,
                r###"error: Error in function call: Call to function "coalesce" failed: no non-null, non-empty-string arguments."###,
            ),
            (r###"coalesce(null, "a")"###, r###""a""###),
            (
                r###"coalesce([1], "a")"###,
                r###"error: Error in function call: Call to function "coalesce" failed: all arguments must have the same type."###,
            ),
            (r###"coalesce(null, 2)"###, r###"2"###),
            (
                r###"coalescelist([], ["a"])"###,
                r###"[
  "a",
]"###,
            ),
            (
                r###"coalescelist([], [])"###,
                r###"error: Error in function call: Call to function "coalescelist" failed: no non-null arguments."###,
            ),
            (
                r###"coalescelist(["a"], [1])"###,
                r###"[
  "a",
]"###,
            ),
            (
                r###"coalescelist(tolist(["a"]), tolist([1]))"###,
                r###"tolist([
  "a",
])"###,
            ),
            (
                r###"coalescelist(null, [1])"###,
                r###"error: Error in function call: Call to function "coalescelist" failed: coalescelist arguments must be lists or tuples."###,
            ),
            (
                r###"coalescelist("a")"###,
                r###"error: Error in function call: Call to function "coalescelist" failed: coalescelist arguments must be lists or tuples."###,
            ),
            (
                r###"compact(["a","",null])"###,
                r###"tolist([
  "a",
])"###,
            ),
            (
                r###"compact(["a", ""])"###,
                r###"tolist([
  "a",
])"###,
            ),
            (r###"compact([])"###, r###"tolist([])"###),
            (
                r###"concat(["a"], ["b"])"###,
                r###"[
  "a",
  "b",
]"###,
            ),
            (
                r###"concat(tolist(["a"]), tolist(["b"]))"###,
                r###"tolist([
  "a",
  "b",
])"###,
            ),
            (
                r###"concat(tolist(["a"]), tolist([1]))"###,
                r###"tolist([
  "a",
  "1",
])"###,
            ),
            (
                r###"concat(tolist(["a"]), ["b"])"###,
                r###"[
  "a",
  "b",
]"###,
            ),
            (
                r###"concat([1], tolist(["a"]))"###,
                r###"[
  1,
  "a",
]"###,
            ),
            (
                r###"concat(["a"], "b")"###,
                r###"error: Invalid function argument: Invalid value for "seqs" parameter: all arguments must be lists or tuples; got string."###,
            ),
            (
                r###"concat()"###,
                r###"error: Error in function call: Call to function "concat" failed: at least one argument is required."###,
            ),
            (
                r###"concat(["a"], toset(["b"]))"###,
                r###"error: Invalid function argument: Invalid value for "seqs" parameter: all arguments must be lists or tuples; got set of string."###,
            ),
            (r###"contains(["a"], 1)"###, r###"false"###),
            (r###"contains([1], "1")"###, r###"false"###),
            (r###"contains(["a", "b"], "b")"###, r###"true"###),
            (r###"contains(toset(["a"]), "a")"###, r###"true"###),
            (
                r###"contains("a", "a")"###,
                r###"error: Error in function call: Call to function "contains" failed: argument must be list, tuple, or set."###,
            ),
            (
                r###"distinct([1,"1",2])"###,
                r###"tolist([
  "1",
  "2",
])"###,
            ),
            (
                r###"distinct(["a","a","b"])"###,
                r###"tolist([
  "a",
  "b",
])"###,
            ),
            (r###"distinct([])"###, r###"tolist([])"###),
            (r###"element(["a","b"], 3)"###, r###""b""###),
            (
                r###"element([], 0)"###,
                r###"error: Error in function call: Call to function "element" failed: cannot use element function with an empty list."###,
            ),
            (r###"element(["a"], -1)"###, r###""a""###),
            (
                r###"element(["a","b"], 1.5)"###,
                r###"error: Error in function call: Call to function "element" failed: invalid index: value must be a whole number, between -9223372036854775808 and 9223372036854775807."###,
            ),
            (
                r###"element(toset(["a"]), 0)"###,
                r###"error: Error in function call: Call to function "element" failed: cannot read elements from set of string."###,
            ),
            (r###"element(tolist(["a", "b"]), 1)"###, r###""b""###),
            (
                r###"flatten([["a"],[["b"]], "c", [], [1]])"###,
                r###"[
  "a",
  "b",
  "c",
  1,
]"###,
            ),
            (
                r###"flatten([[tolist(["a"])], toset(["b"])])"###,
                r###"[
  "a",
  "b",
]"###,
            ),
            (r###"flatten([])"###, r###"[]"###),
            (
                r###"flatten("a")"###,
                r###"error: Error in function call: Call to function "flatten" failed: can only flatten lists, sets and tuples."###,
            ),
            (
                r###"index(["a","b"], "c")"###,
                r###"error: Error in function call: Call to function "index" failed: item not found."###,
            ),
            (r###"index(["a","b"], "b")"###, r###"1"###),
            (r###"index([1,"1"], "1")"###, r###"1"###),
            (
                r###"index([], "a")"###,
                r###"error: Error in function call: Call to function "index" failed: cannot search an empty list."###,
            ),
            (
                r###"keys({b=1, a="x"})"###,
                r###"[
  "a",
  "b",
]"###,
            ),
            (
                r###"keys(tomap({b=1}))"###,
                r###"tolist([
  "b",
])"###,
            ),
            (
                r###"keys([1])"###,
                r###"error: Invalid function argument: Invalid value for "inputMap" parameter: must have map or object type."###,
            ),
            (r###"keys({})"###, r###"[]"###),
            (r###"length("héllo")"###, r###"5"###),
            (r###"length({a=1})"###, r###"1"###),
            (r###"length([1, 2])"###, r###"2"###),
            (r###"length(toset([1]))"###, r###"1"###),
            (
                r###"length(1)"###,
                r###"error: Error in function call: Call to function "length" failed: argument must be a string, a collection type, or a structural type."###,
            ),
            (
                r###"length(null)"###,
                r###"error: Invalid function argument: Invalid value for "value" parameter: argument must not be null."###,
            ),
            (r###"length("")"###, r###"0"###),
            (
                r###"lookup({a=1}, "b")"###,
                r###"error: Invalid function argument: Invalid value for "inputMap" parameter: the given object has no attribute "b"."###,
            ),
            (r###"lookup({a=1}, "a")"###, r###"1"###),
            (r###"lookup({a=1}, "b", "x")"###, r###""x""###),
            (
                r###"lookup(tomap({a=1}), "b", "x")"###,
                r###"error: Invalid function argument: Invalid value for "default" parameter: the default value must have the same type as the map elements."###,
            ),
            (r###"lookup(tomap({a=1}), "b", 2)"###, r###"2"###),
            (
                r###"lookup(tomap({a=1}), "b")"###,
                r###"error: Error in function call: Call to function "lookup" failed: lookup failed to find key "b"."###,
            ),
            (
                r###"lookup({a=1}, "b", [1])"###,
                r###"[
  1,
]"###,
            ),
            (r###"lookup({a="x"}, "b", 1)"###, r###"1"###),
            (r###"lookup({a=1}, "b", null)"###, r###"null"###),
            (
                r###"lookup([1], "b")"###,
                r###"error: Invalid function argument: Invalid value for "inputMap" parameter: lookup() requires a map as the first argument."###,
            ),
            (
                r###"lookup({a=1}, "b", 1, 2)"###,
                r###"error: Error in function call: Call to function "lookup" failed: lookup() takes two or three arguments, got 4."###,
            ),
            (
                r###"matchkeys(["a","b","c"], ["x","y","z"], ["y","z"])"###,
                r###"tolist([
  "b",
  "c",
])"###,
            ),
            (
                r###"matchkeys(["a"], [1,2], [1])"###,
                r###"error: Error in function call: Call to function "matchkeys" failed: length of keys and values should be equal."###,
            ),
            (
                r###"matchkeys(["a","b"], [1,2], ["2"])"###,
                r###"tolist([
  "b",
])"###,
            ),
            (r###"matchkeys(["a"], ["x"], [])"###, r###"tolist([])"###),
            (
                r###"merge({a=1}, {b="x"})"###,
                r###"{
  "a" = 1
  "b" = "x"
}"###,
            ),
            (
                r###"merge(tomap({a=1}), tomap({b=2}))"###,
                r###"tomap({
  "a" = 1
  "b" = 2
})"###,
            ),
            (
                r###"merge(tomap({a=1}), {b="x"})"###,
                r###"{
  "a" = 1
  "b" = "x"
}"###,
            ),
            (
                r###"merge({a=1}, [1])"###,
                r###"error: Error in function call: Call to function "merge" failed: arguments must be maps or objects, got "tuple"."###,
            ),
            (r###"merge()"###, r###"{}"###),
            (
                r###"merge(null, {a=1})"###,
                r###"{
  "a" = 1
}"###,
            ),
            (
                r###"merge({a=1, b=2}, {a=3})"###,
                r###"{
  "a" = 3
  "b" = 2
}"###,
            ),
            (r###"one([])"###, r###"null"###),
            (r###"one(["a"])"###, r###""a""###),
            (
                r###"one(["a","b"])"###,
                r###"error: Invalid function argument: Invalid value for "list" parameter: must be a list, set, or tuple value with either zero or one elements."###,
            ),
            (r###"one(toset([]))"###, r###"null"###),
            (r###"one(tolist(["x"]))"###, r###""x""###),
            (
                r###"one("a")"###,
                r###"error: Invalid function argument: Invalid value for "list" parameter: must be a list, set, or tuple value with either zero or one elements."###,
            ),
            (
                r###"range(3)"###,
                r###"tolist([
  0,
  1,
  2,
])"###,
            ),
            (
                r###"range(1, 4)"###,
                r###"tolist([
  1,
  2,
  3,
])"###,
            ),
            (
                r###"range(0, 1, 0.25)"###,
                r###"tolist([
  0,
  0.25,
  0.5,
  0.75,
])"###,
            ),
            (
                r###"range(5, 1)"###,
                r###"tolist([
  5,
  4,
  3,
  2,
])"###,
            ),
            (
                r###"range(1,2,0)"###,
                r###"error: Error in function call: Call to function "range" failed: more than 1024 values were generated; either decrease the difference between start and end or use a smaller step."###,
            ),
            (
                r###"range(1,2,3,4)"###,
                r###"error: Error in function call: Call to function "range" failed: must have one, two, or three arguments."###,
            ),
            (
                r###"range(0, 10, -1)"###,
                r###"error: Invalid function argument: Invalid value for "params" parameter: end must be less than start when step is negative."###,
            ),
            (
                r###"range(10, 0, 1)"###,
                r###"error: Invalid function argument: Invalid value for "params" parameter: end must be greater than start when step is positive."###,
            ),
            (
                r###"range(-1)"###,
                r###"tolist([
  0,
])"###,
            ),
            (
                r###"range(1.5)"###,
                r###"tolist([
  0,
  1,
])"###,
            ),
            (r###"range(0)"###, r###"tolist([])"###),
            (
                r###"reverse([1,"a"])"###,
                r###"[
  "a",
  1,
]"###,
            ),
            (
                r###"reverse(tolist([1, 2]))"###,
                r###"tolist([
  2,
  1,
])"###,
            ),
            (
                r###"reverse(toset([1]))"###,
                r###"tolist([
  1,
])"###,
            ),
            (
                r###"reverse("a")"###,
                r###"error: Invalid function argument: Invalid value for "list" parameter: can only reverse list or tuple values, not string."###,
            ),
            (
                r###"setintersection(["a","b"], ["b"])"###,
                r###"toset([
  "b",
])"###,
            ),
            (r###"setintersection(["a"], ["b"])"###, r###"toset([])"###),
            (
                r###"setproduct(["a","b"], [1,2])"###,
                r###"tolist([
  [
    "a",
    1,
  ],
  [
    "a",
    2,
  ],
  [
    "b",
    1,
  ],
  [
    "b",
    2,
  ],
])"###,
            ),
            (
                r###"setproduct(tolist(["a"]), tolist([1]))"###,
                r###"tolist([
  [
    "a",
    1,
  ],
])"###,
            ),
            (
                r###"setproduct(toset(["a"]), toset([1]))"###,
                r###"toset([
  [
    "a",
    1,
  ],
])"###,
            ),
            (
                r###"setproduct()"###,
                r###"error: Error in function call: Call to function "setproduct" failed: at least two arguments are required."###,
            ),
            (
                r###"setproduct(["a"])"###,
                r###"error: Error in function call: Call to function "setproduct" failed: at least two arguments are required."###,
            ),
            (r###"setproduct(["a"], [])"###, r###"tolist([])"###),
            (
                r###"setproduct(["a"], "b")"###,
                r###"error: Invalid function argument: Invalid value for "sets" parameter: a set or a list is required."###,
            ),
            (
                r###"setsubtract(["a","b"], ["b"])"###,
                r###"toset([
  "a",
])"###,
            ),
            (
                r###"setunion(["a"], [1])"###,
                r###"toset([
  "1",
  "a",
])"###,
            ),
            (
                r###"setunion(["a"], [[1]])"###,
                r###"error: Error in function call: Call to function "setunion" failed: given sets must all have compatible element types."###,
            ),
            (
                r###"setunion(["b"], ["a"], [])"###,
                r###"toset([
  "a",
  "b",
])"###,
            ),
            (
                r###"slice(["a","b","c"], 1, 2)"###,
                r###"[
  "b",
]"###,
            ),
            (
                r###"slice([1,"a"], 0, 1)"###,
                r###"[
  1,
]"###,
            ),
            (
                r###"slice(["a"], 1, 0)"###,
                r###"error: Invalid function argument: Invalid value for "start_index" parameter: start index must not be greater than end index."###,
            ),
            (
                r###"slice(["a"], 0, 5)"###,
                r###"error: Invalid function argument: Invalid value for "end_index" parameter: end index must not be greater than the length of the list."###,
            ),
            (
                r###"slice(["a"], -1, 1)"###,
                r###"error: Invalid function argument: Invalid value for "start_index" parameter: start index must not be less than zero."###,
            ),
            (
                r###"slice(toset(["a"]), 0, 1)"###,
                r###"error: Invalid function argument: Invalid value for "list" parameter: cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important."###,
            ),
            (
                r###"slice(tolist(["a", "b"]), 0, 1)"###,
                r###"tolist([
  "a",
])"###,
            ),
            (r###"slice(["a"], 1, 1)"###, r###"[]"###),
            (
                r###"sort(["b","a",1])"###,
                r###"tolist([
  "1",
  "a",
  "b",
])"###,
            ),
            (r###"sort([])"###, r###"tolist([])"###),
            (
                r###"sort([[1]])"###,
                r###"error: Invalid function argument: Invalid value for "list" parameter: element 0: string required."###,
            ),
            (
                r###"sort(["b", "B", "a"])"###,
                r###"tolist([
  "B",
  "a",
  "b",
])"###,
            ),
            (r###"sum([1, 2.5])"###, r###"3.5"###),
            (
                r###"sum([])"###,
                r###"error: Invalid function argument: Invalid value for "list" parameter: cannot sum an empty list."###,
            ),
            (
                r###"sum(["a"])"###,
                r###"error: Invalid function argument: Invalid value for "list" parameter: argument must be list, set, or tuple of number values."###,
            ),
            (r###"sum(toset([1,2]))"###, r###"3"###),
            (r###"sum(["1", 2])"###, r###"3"###),
            (
                r###"sum({a=1})"###,
                r###"error: Invalid function argument: Invalid value for "list" parameter: argument must be list, set, or tuple. Received object."###,
            ),
            (
                r###"sum(1)"###,
                r###"error: Invalid function argument: Invalid value for "list" parameter: cannot sum noniterable."###,
            ),
            (
                r###"transpose({a=["1","2"], b=["2"]})"###,
                r###"tomap({
  "1" = tolist([
    "a",
  ])
  "2" = tolist([
    "a",
    "b",
  ])
})"###,
            ),
            (
                r###"transpose({a=[null]})"###,
                r###"error: Error in function call: Call to function "transpose" failed: input list must not contain null string."###,
            ),
            (r###"transpose({})"###, r###"tomap({})"###),
            (
                r###"values({b=1, a="x"})"###,
                r###"[
  "x",
  1,
]"###,
            ),
            (
                r###"values(tomap({b=1, a=2}))"###,
                r###"tolist([
  2,
  1,
])"###,
            ),
            (
                r###"values([1])"###,
                r###"error: Error in function call: Call to function "values" failed: values() requires a map as the first argument."###,
            ),
            (
                r###"zipmap(["a","b"], [1,"x"])"###,
                r###"{
  "a" = 1
  "b" = "x"
}"###,
            ),
            (
                r###"zipmap(["a"], [1,2])"###,
                r###"error: Error in function call: Call to function "zipmap" failed: number of keys (1) does not match number of values (2)."###,
            ),
            (
                r###"zipmap(tolist(["a"]), tolist([1]))"###,
                r###"tomap({
  "a" = 1
})"###,
            ),
            (r###"zipmap([], [])"###, r###"{}"###),
            (
                r###"zipmap(["a"], "b")"###,
                r###"error: Error in function call: Call to function "zipmap" failed: values argument must be a list or tuple value."###,
            ),
            // CASES:collection
        ]);
    }
}
