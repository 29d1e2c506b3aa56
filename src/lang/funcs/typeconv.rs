//! Type conversion functions: tobool, tolist, tomap, tonumber, toset,
//! tostring, and the sensitivity functions sensitive, nonsensitive,
//! issensitive, ephemeralasnull.

use super::{go_quote, ret_bool, FuncContext, FuncError, FuncResult, Function, Param, ParamType};
use tfrs_provider::convert::{constraint_name, conversion_exists, convert, mismatch_message};
use tfrs_provider::{Type, Value};

const V: Param = Param::new("v", ParamType::Any)
    .allow_null()
    .allow_marked()
    .allow_dynamic_type();

const VALUE: Param = Param::new("value", ParamType::Any)
    .allow_null()
    .allow_unknown()
    .allow_marked()
    .allow_dynamic_type();

fn ret_same(args: &[Value]) -> Type {
    args.first().map(Value::ty).unwrap_or(Type::Dynamic)
}

macro_rules! to_func {
    ($name:expr, $imp:ident, $ret:ident, $ty:expr) => {
        fn $ret(_: &[Value]) -> Type {
            $ty
        }
        fn $imp(_: &FuncContext, args: &[Value]) -> FuncResult {
            to_type(&args[0], &$ty)
        }
    };
}

to_func!("tobool", tobool, ret_tobool, Type::Bool);
to_func!("tonumber", tonumber, ret_tonumber, Type::Number);
to_func!("tostring", tostring, ret_tostring, Type::String);
to_func!("tolist", tolist, ret_tolist, Type::list(Type::Dynamic));
to_func!("toset", toset, ret_toset, Type::set(Type::Dynamic));
to_func!("tomap", tomap, ret_tomap, Type::map(Type::Dynamic));

pub const FUNCTIONS: &[Function] = &[
    Function {
        name: "tobool",
        params: &[V],
        variadic: None,
        return_type: ret_tobool,
        imp: tobool,
    },
    Function {
        name: "tonumber",
        params: &[V],
        variadic: None,
        return_type: ret_tonumber,
        imp: tonumber,
    },
    Function {
        name: "tostring",
        params: &[V],
        variadic: None,
        return_type: ret_tostring,
        imp: tostring,
    },
    Function {
        name: "tolist",
        params: &[V],
        variadic: None,
        return_type: ret_tolist,
        imp: tolist,
    },
    Function {
        name: "toset",
        params: &[V],
        variadic: None,
        return_type: ret_toset,
        imp: toset,
    },
    Function {
        name: "tomap",
        params: &[V],
        variadic: None,
        return_type: ret_tomap,
        imp: tomap,
    },
    Function {
        name: "sensitive",
        params: &[VALUE],
        variadic: None,
        return_type: ret_same,
        imp: sensitive,
    },
    Function {
        name: "nonsensitive",
        params: &[VALUE],
        variadic: None,
        return_type: ret_same,
        imp: nonsensitive,
    },
    Function {
        name: "issensitive",
        params: &[VALUE],
        variadic: None,
        return_type: ret_bool,
        imp: issensitive,
    },
    Function {
        name: "ephemeralasnull",
        params: &[VALUE],
        variadic: None,
        return_type: ret_same,
        imp: ephemeralasnull,
    },
];

fn arg_err(msg: String) -> FuncError {
    super::arg_error(0, "v", msg)
}

/// Terraform's explicit conversion functions (`MakeToFunc`): a type check
/// first (with its own messages), then the conversion of the value.
fn to_type(v: &Value, want: &Type) -> FuncResult {
    let sensitive = v.contains_sensitive();
    let (plain, _) = v.clone().unmark_deep();
    let got = plain.ty();
    if got != *want && !conversion_exists(&got, want, true) {
        return Err(arg_err(match (&got, want) {
            (Type::Tuple(_), Type::Tuple(_)) => format!(
                "incompatible tuple type for conversion: {}",
                mismatch_message(&got, want)
            ),
            (Type::Object(..), Type::Object(..)) => format!(
                "incompatible object type for conversion: {}",
                mismatch_message(&got, want)
            ),
            _ => format!(
                "cannot convert {} to {}",
                got.friendly_name(),
                constraint_name(want)
            ),
        }));
    }
    if !plain.is_known() {
        return Ok(Value::Unknown(want.clone()).mark_if(v.is_sensitive()));
    }
    match convert(v, want) {
        Ok(r) => Ok(r),
        Err(_) => Err(arg_err(match (&plain, want) {
            _ if sensitive => format!(
                "cannot convert this sensitive {} to {}",
                got.friendly_name(),
                constraint_name(want)
            ),
            (Value::String(t), Type::Bool) => format!(
                "cannot convert {} to bool; only the strings \"true\" or \"false\" are allowed",
                go_quote(t)
            ),
            (Value::String(t), Type::Number) => format!(
                "cannot convert {} to number; given string must be a decimal representation of a number",
                go_quote(t)
            ),
            (Value::Null(_), Type::Bool) => "cannot convert string to bool; only the strings \"true\" or \"false\" are allowed".into(),
            _ => format!(
                "cannot convert {} to {}",
                got.friendly_name(),
                constraint_name(want)
            ),
        })),
    }
}

fn sensitive(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(args[0].clone().unmark().0.mark())
}

fn nonsensitive(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(args[0].clone().unmark().0)
}

fn issensitive(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::Bool(args[0].is_sensitive()))
}

fn ephemeralasnull(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(args[0].clone())
}

#[cfg(test)]
mod tests {
    use super::super::testutil::check;

    #[test]
    fn typeconv_functions() {
        check(&[
            (
                r###"tolist(["a", 1])"###,
                r###"tolist([
  "a",
  "1",
])"###,
            ),
            (
                r###"tolist([1, "a", true])"###,
                r###"tolist([
  "1",
  "a",
  "true",
])"###,
            ),
            (
                r###"tolist([[1], ["a"]])"###,
                r###"tolist([
  [
    "1",
  ],
  [
    "a",
  ],
])"###,
            ),
            (
                r###"tolist([1, [1]])"###,
                r###"error: Invalid function argument: Invalid value for "v" parameter: cannot convert tuple to list of any single type."###,
            ),
            (
                r###"tolist(toset(["b", "a"]))"###,
                r###"tolist([
  "a",
  "b",
])"###,
            ),
            (
                r###"tomap({a=1, b="x"})"###,
                r###"tomap({
  "a" = "1"
  "b" = "x"
})"###,
            ),
            (
                r###"tomap({a=1, b=[1]})"###,
                r###"error: Invalid function argument: Invalid value for "v" parameter: cannot convert object to map of any single type."###,
            ),
            (
                r###"toset([1, "a"])"###,
                r###"toset([
  "1",
  "a",
])"###,
            ),
            (
                r###"toset(["b", "a", "b"])"###,
                r###"toset([
  "a",
  "b",
])"###,
            ),
            (r###"tostring(1)"###, r###""1""###),
            (r###"tostring("x")"###, r###""x""###),
            (
                r###"tostring([1])"###,
                r###"error: Invalid function argument: Invalid value for "v" parameter: cannot convert tuple to string."###,
            ),
            (
                r###"tonumber("x")"###,
                r###"error: Invalid function argument: Invalid value for "v" parameter: cannot convert "x" to number; given string must be a decimal representation of a number."###,
            ),
            (
                r###"tonumber("0x10")"###,
                r###"error: Invalid function argument: Invalid value for "v" parameter: cannot convert "0x10" to number; given string must be a decimal representation of a number."###,
            ),
            (r###"tonumber("12.50")"###, r###"12.5"###),
            (r###"tonumber(5)"###, r###"5"###),
            (
                r###"tobool("yes")"###,
                r###"error: Invalid function argument: Invalid value for "v" parameter: cannot convert "yes" to bool; only the strings "true" or "false" are allowed."###,
            ),
            (r###"tobool("true")"###, r###"true"###),
            (
                r###"tolist("a")"###,
                r###"error: Invalid function argument: Invalid value for "v" parameter: cannot convert string to list of any single type."###,
            ),
            (
                r###"tolist(null)"###,
                r###"tolist(null) /* of dynamic */"###,
            ),
            (
                r###"tomap([1])"###,
                r###"error: Invalid function argument: Invalid value for "v" parameter: cannot convert tuple to map of any single type."###,
            ),
            (r###"tonumber(null)"###, r###"tonumber(null)"###),
            (r###"tostring(true)"###, r###""true""###),
            (
                r###"tobool(1)"###,
                r###"error: Invalid function argument: Invalid value for "v" parameter: cannot convert number to bool."###,
            ),
            (r###"tostring(null)"###, r###"tostring(null)"###),
            (r###"issensitive(sensitive(1))"###, r###"true"###),
            (r###"issensitive(1)"###, r###"false"###),
            (r###"nonsensitive(1)"###, r###"1"###),
            (r###"nonsensitive(sensitive(1))"###, r###"1"###),
            (r###"sensitive([1])"###, r###"(sensitive value)"###),
            (r###"sensitive(null)"###, r###"(sensitive value)"###),
            (r###"issensitive([sensitive(1)])"###, r###"false"###),
            (r###"ephemeralasnull("a")"###, r###""a""###),
            (r###"ephemeralasnull(null)"###, r###"null"###),
            (
                r###"tolist(sensitive(["a"]))"###,
                r###"(sensitive value)"###,
            ),
            (
                r###"tonumber(sensitive("x"))"###,
                r###"error: Invalid function argument: Invalid value for "v" parameter: cannot convert this sensitive string to number."###,
            ),
            (r###"tomap({})"###, r###"tomap({})"###),
            (r###"tolist([])"###, r###"tolist([])"###),
            // CASES:typeconv
        ]);
    }
}
