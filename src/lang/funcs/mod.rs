//! Terraform's built-in functions.
//!
//! Each function is a [`Function`]: its parameters (name, type, whether null,
//! unknown or sensitive values may reach it) and an implementation over
//! already-converted arguments. [`call`] does what cty's function machinery
//! does around every call: arity check, conversion of each argument to its
//! parameter type, short-circuit to an unknown result when an argument is
//! unknown, and sensitivity carried from the arguments to the result. So an
//! implementation only sees known, unmarked values of the declared types
//! (unless its parameter says otherwise).
//!
//! Adding a function: write it in the file of its family, add it to that
//! family's `FUNCTIONS` list. Nothing else.

use std::path::{Path, PathBuf};
use tfrs_provider::convert::convert;
use tfrs_provider::{Type, Value};

mod collection;
mod crypto;
mod datetime;
mod encoding;
mod filesystem;
mod ipnet;
mod numeric;
mod rsa;
mod string;
mod typeconv;
mod yaml;

/// What a function may know about where it is called from.
#[derive(Clone, Debug)]
pub struct FuncContext {
    /// The module directory, for relative paths of `file()` and friends.
    pub base_dir: PathBuf,
}

impl FuncContext {
    pub fn new(base_dir: impl Into<PathBuf>) -> FuncContext {
        FuncContext {
            base_dir: base_dir.into(),
        }
    }
    pub fn resolve(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir.join(p)
        }
    }
}

/// A failed call, as Terraform reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FuncError {
    /// "Invalid function argument": the argument at this index (into the
    /// call's arguments) is wrong; the message says why.
    Arg(usize, String),
    /// "Error in function call": the call failed as a whole.
    Call(String),
    /// "Not enough function arguments" / "Too many function arguments".
    Arity(String, String),
}

pub type FuncResult = Result<Value, FuncError>;

#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub ty: ParamType,
    /// Whether a null may reach the implementation (otherwise it is an error).
    pub allow_null: bool,
    /// Whether an unknown value may reach the implementation (otherwise the
    /// result is unknown).
    pub allow_unknown: bool,
    /// Whether a value marked sensitive reaches the implementation marked
    /// (otherwise it is unmarked and the result marked).
    pub allow_marked: bool,
    /// Whether an untyped `null` may reach the implementation (otherwise,
    /// when nulls are allowed, the result is an unknown of unknown type, as
    /// cty does for parameters without `AllowDynamicType`).
    pub allow_dynamic_type: bool,
}

/// Parameter types, `'static` so functions can be declared in constants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamType {
    String,
    Number,
    Bool,
    Any,
    ListOf(&'static ParamType),
    SetOf(&'static ParamType),
    MapOf(&'static ParamType),
}

impl ParamType {
    pub fn to_type(self) -> Type {
        match self {
            ParamType::String => Type::String,
            ParamType::Number => Type::Number,
            ParamType::Bool => Type::Bool,
            ParamType::Any => Type::Dynamic,
            ParamType::ListOf(e) => Type::list(e.to_type()),
            ParamType::SetOf(e) => Type::set(e.to_type()),
            ParamType::MapOf(e) => Type::map(e.to_type()),
        }
    }
}

impl Param {
    pub const fn new(name: &'static str, ty: ParamType) -> Param {
        Param {
            name,
            ty,
            allow_null: false,
            allow_unknown: false,
            allow_marked: false,
            allow_dynamic_type: false,
        }
    }
    pub const fn allow_dynamic_type(mut self) -> Param {
        self.allow_dynamic_type = true;
        self
    }
    pub const fn allow_null(mut self) -> Param {
        self.allow_null = true;
        self
    }
    pub const fn allow_unknown(mut self) -> Param {
        self.allow_unknown = true;
        self
    }
    pub const fn allow_marked(mut self) -> Param {
        self.allow_marked = true;
        self
    }
}

pub type Impl = fn(&FuncContext, &[Value]) -> FuncResult;

pub struct Function {
    pub name: &'static str,
    pub params: &'static [Param],
    pub variadic: Option<Param>,
    /// The result type when an argument is unknown and the call is skipped;
    /// computed from the (converted) arguments.
    pub return_type: fn(&[Value]) -> Type,
    pub imp: Impl,
}

pub fn ret_string(_: &[Value]) -> Type {
    Type::String
}
pub fn ret_number(_: &[Value]) -> Type {
    Type::Number
}
pub fn ret_bool(_: &[Value]) -> Type {
    Type::Bool
}
pub fn ret_dynamic(_: &[Value]) -> Type {
    Type::Dynamic
}

/// Every built-in function, in no particular order.
pub fn all() -> impl Iterator<Item = &'static Function> {
    [
        collection::FUNCTIONS,
        crypto::FUNCTIONS,
        datetime::FUNCTIONS,
        encoding::FUNCTIONS,
        filesystem::FUNCTIONS,
        ipnet::FUNCTIONS,
        numeric::FUNCTIONS,
        string::FUNCTIONS,
        typeconv::FUNCTIONS,
    ]
    .into_iter()
    .flat_map(|f| f.iter())
}

pub fn lookup(name: &str) -> Option<&'static Function> {
    all().find(|f| f.name == name)
}

/// Calls `f` with `args` the way Terraform does (see the module comment).
pub fn call(ctx: &FuncContext, f: &Function, args: Vec<Value>) -> FuncResult {
    let fixed = f.params.len();
    if args.len() < fixed {
        let missing = f.params[args.len()].name;
        let qual = if f.variadic.is_some() {
            " at least"
        } else {
            ""
        };
        return Err(FuncError::Arity(
            "Not enough function arguments".into(),
            format!(
                "Function {:?} expects{qual} {} argument(s). Missing value for {:?}.",
                f.name, fixed, missing
            ),
        ));
    }
    if args.len() > fixed && f.variadic.is_none() {
        return Err(FuncError::Arity(
            "Too many function arguments".into(),
            format!("Function {:?} expects only {} argument(s).", f.name, fixed),
        ));
    }
    let mut converted = Vec::with_capacity(args.len());
    let mut sensitive = false;
    let mut unknown = false;
    let mut untyped_null = false;
    for (i, arg) in args.into_iter().enumerate() {
        let param = if i < fixed {
            f.params[i]
        } else {
            f.variadic.expect("arity checked above")
        };
        let arg = if param.allow_marked {
            arg
        } else {
            let (v, s) = arg.unmark_deep();
            sensitive |= s;
            v
        };
        if arg.is_null() && !param.allow_null {
            return Err(FuncError::Arg(
                i,
                format!(
                    "Invalid value for {:?} parameter: argument must not be null.",
                    param.name
                ),
            ));
        }
        if matches!(arg.unmarked(), Value::Null(Type::Dynamic)) && !param.allow_dynamic_type {
            untyped_null = true;
        }
        let v = convert(&arg, &param.ty.to_type()).map_err(|e| {
            FuncError::Arg(
                i,
                format!(
                    "Invalid value for {:?} parameter: {}.",
                    param.name, e.message
                ),
            )
        })?;
        if !param.allow_unknown && !v.is_wholly_known() {
            unknown = true;
        }
        converted.push(v);
    }
    if untyped_null {
        return Ok(Value::Unknown(Type::Dynamic).mark_if(sensitive));
    }
    if unknown {
        return Ok(Value::Unknown((f.return_type)(&converted)).mark_if(sensitive));
    }
    let result = match (f.imp)(ctx, &converted)? {
        // cty keeps every string in Unicode normal form C.
        Value::String(s) => {
            use unicode_normalization::UnicodeNormalization;
            Value::String(s.nfc().collect())
        }
        v => v,
    };
    Ok(result.mark_if(sensitive))
}

#[cfg(test)]
mod testutil;

/// An "Invalid function argument" error for argument `index`, with the
/// detail Terraform prints: `Invalid value for "param" parameter: msg.`
pub fn arg_error(index: usize, param: &str, msg: impl std::fmt::Display) -> FuncError {
    FuncError::Arg(
        index,
        format!("Invalid value for {} parameter: {}.", go_quote(param), msg),
    )
}

/// An "Error in function call" error, with the detail Terraform prints:
/// `Call to function "name" failed: msg.`
pub fn call_error(func: &str, msg: impl std::fmt::Display) -> FuncError {
    FuncError::Call(format!(
        "Call to function {} failed: {}.",
        go_quote(func),
        msg
    ))
}

/// The message of gocty's conversion of a non-integer number to a Go `int`.
pub const WHOLE_NUMBER_MSG: &str =
    "value must be a whole number, between -9223372036854775808 and 9223372036854775807";

/// A number as a Go `int` (gocty's conversion), or gocty's message.
pub fn to_int(v: &Value) -> Result<i64, &'static str> {
    v.as_number()
        .and_then(|n| n.to_i64())
        .ok_or(WHOLE_NUMBER_MSG)
}

/// Go's `strconv.Quote` (`%q`).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if go_is_print(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint` for non-ASCII characters.
fn go_is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    if (0x80..0xa0).contains(&u) || u == 0xad {
        return false;
    }
    if c.is_whitespace() {
        return false;
    }
    // Format characters, surrogates, private use, noncharacters.
    !matches!(u,
        0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x206f | 0xfeff
        | 0xfff9..=0xfffb | 0xe000..=0xf8ff | 0xfdd0..=0xfdef
        | 0xf0000..=0x10ffff)
        && (u & 0xfffe) != 0xfffe
}
