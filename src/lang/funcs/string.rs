//! String functions: chomp, endswith, format, formatlist, indent, join,
//! lower, regex, regexall, replace, split, startswith, strcontains, strrev,
//! substr, title, trim, trimprefix, trimspace, trimsuffix, upper.

use super::encoding::json_encode;
use super::{
    arg_error, call_error, ret_bool, ret_dynamic, ret_string, to_int, FuncContext, FuncError,
    FuncResult, Function, Param, ParamType,
};
use std::collections::BTreeMap;
use tfrs_provider::{Number, Type, Value};
use unicode_segmentation::UnicodeSegmentation;

const STR: Param = Param::new("str", ParamType::String);
const STRING_LIST: ParamType = ParamType::ListOf(&ParamType::String);

fn ret_list_string(_: &[Value]) -> Type {
    Type::list(Type::String)
}

macro_rules! f {
    ($name:expr, [$($p:expr),*], $ret:expr, $imp:expr) => {
        Function { name: $name, params: &[$($p),*], variadic: None, return_type: $ret, imp: $imp }
    };
    ($name:expr, [$($p:expr),*], $var:expr, $ret:expr, $imp:expr) => {
        Function { name: $name, params: &[$($p),*], variadic: Some($var), return_type: $ret, imp: $imp }
    };
}

pub const FUNCTIONS: &[Function] = &[
    f!("chomp", [STR], ret_string, chomp),
    f!(
        "endswith",
        [STR, Param::new("suffix", ParamType::String)],
        ret_bool,
        endswith
    ),
    f!(
        "startswith",
        [STR, Param::new("prefix", ParamType::String)],
        ret_bool,
        startswith
    ),
    f!(
        "format",
        [Param::new("format", ParamType::String)],
        Param::new("args", ParamType::Any).allow_null(),
        ret_string,
        format
    ),
    f!(
        "formatlist",
        [Param::new("format", ParamType::String)],
        Param::new("args", ParamType::Any).allow_null(),
        ret_list_string,
        formatlist
    ),
    f!(
        "indent",
        [Param::new("spaces", ParamType::Number), STR],
        ret_string,
        indent
    ),
    f!(
        "join",
        [Param::new("separator", ParamType::String)],
        Param::new("lists", STRING_LIST),
        ret_string,
        join
    ),
    f!("lower", [STR], ret_string, lower),
    f!("upper", [STR], ret_string, upper),
    f!(
        "regex",
        [
            Param::new("pattern", ParamType::String),
            Param::new("string", ParamType::String)
        ],
        ret_dynamic,
        regex
    ),
    f!(
        "regexall",
        [
            Param::new("pattern", ParamType::String),
            Param::new("string", ParamType::String)
        ],
        ret_dynamic,
        regexall
    ),
    f!(
        "replace",
        [
            STR,
            Param::new("substr", ParamType::String),
            Param::new("replace", ParamType::String)
        ],
        ret_string,
        replace
    ),
    f!(
        "split",
        [Param::new("separator", ParamType::String), STR],
        ret_list_string,
        split
    ),
    f!(
        "strcontains",
        [STR, Param::new("substr", ParamType::String)],
        ret_bool,
        strcontains
    ),
    f!("strrev", [STR], ret_string, strrev),
    f!(
        "substr",
        [
            STR,
            Param::new("offset", ParamType::Number),
            Param::new("length", ParamType::Number)
        ],
        ret_string,
        substr
    ),
    f!("title", [STR], ret_string, title),
    f!(
        "trim",
        [STR, Param::new("cutset", ParamType::String)],
        ret_string,
        trim
    ),
    f!(
        "trimprefix",
        [STR, Param::new("prefix", ParamType::String)],
        ret_string,
        trimprefix
    ),
    f!(
        "trimsuffix",
        [STR, Param::new("suffix", ParamType::String)],
        ret_string,
        trimsuffix
    ),
    f!("trimspace", [STR], ret_string, trimspace),
];

fn s(v: &Value) -> &str {
    v.as_str().expect("converted to string")
}

fn chomp(_: &FuncContext, args: &[Value]) -> FuncResult {
    let mut t = s(&args[0]);
    loop {
        if let Some(x) = t.strip_suffix("\r\n") {
            t = x;
        } else if let Some(x) = t.strip_suffix('\n') {
            t = x;
        } else if let Some(x) = t.strip_suffix('\r') {
            t = x;
        } else {
            break;
        }
    }
    Ok(Value::string(t))
}

fn endswith(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::Bool(s(&args[0]).ends_with(s(&args[1]))))
}

fn startswith(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::Bool(s(&args[0]).starts_with(s(&args[1]))))
}

fn strcontains(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::Bool(s(&args[0]).contains(s(&args[1]))))
}

fn indent(_: &FuncContext, args: &[Value]) -> FuncResult {
    let n = to_int(&args[0]).map_err(|m| call_error("indent", m))?;
    if n < 0 {
        // Go's strings.Repeat panics, and cty reports the panic (with a
        // stack trace tfrs cannot reproduce).
        return Err(call_error(
            "indent",
            "panic in function implementation: strings: negative Repeat count",
        ));
    }
    let pad = " ".repeat(n as usize);
    Ok(Value::String(
        s(&args[1]).replace('\n', &format!("\n{pad}")),
    ))
}

fn join(_: &FuncContext, args: &[Value]) -> FuncResult {
    let sep = s(&args[0]);
    let lists = &args[1..];
    if lists.is_empty() {
        return Err(call_error("join", "at least one list is required"));
    }
    let mut items = Vec::new();
    for (ai, list) in lists.iter().enumerate() {
        for (ei, v) in list.elements().unwrap_or_default().iter().enumerate() {
            match v.as_str() {
                Some(t) => items.push(t),
                None => {
                    let msg = if lists.len() > 1 {
                        format!(
                            "element {ei} of list {} is null; cannot concatenate null values",
                            ai + 1
                        )
                    } else {
                        format!("element {ei} is null; cannot concatenate null values")
                    };
                    return Err(arg_error(ai + 1, "lists", msg));
                }
            }
        }
    }
    Ok(Value::String(items.join(sep)))
}

/// Go's `unicode.ToLower`/`ToUpper`: simple one-to-one case mapping.
fn map_case(t: &str, upper: bool) -> String {
    t.chars()
        .map(|c| {
            let mut it: Vec<char> = if upper {
                c.to_uppercase().collect()
            } else {
                c.to_lowercase().collect()
            };
            if it.len() == 1 {
                it.pop().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn lower(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::String(map_case(s(&args[0]), false)))
}

fn upper(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::String(map_case(s(&args[0]), true)))
}

fn title(_: &FuncContext, args: &[Value]) -> FuncResult {
    fn is_sep(c: char) -> bool {
        if c.is_ascii() {
            return !(c.is_ascii_alphanumeric() || c == '_');
        }
        if c.is_alphabetic() || c.is_numeric() {
            return false;
        }
        c.is_whitespace()
    }
    let mut prev = ' ';
    let out: String = s(&args[0])
        .chars()
        .map(|c| {
            let r = if is_sep(prev) {
                map_case(&c.to_string(), true)
            } else {
                c.to_string()
            };
            prev = c;
            r
        })
        .collect();
    Ok(Value::String(out))
}

fn trim(_: &FuncContext, args: &[Value]) -> FuncResult {
    let cut: Vec<char> = s(&args[1]).chars().collect();
    Ok(Value::string(
        s(&args[0]).trim_matches(|c| cut.contains(&c)),
    ))
}

fn trimprefix(_: &FuncContext, args: &[Value]) -> FuncResult {
    let t = s(&args[0]);
    Ok(Value::string(t.strip_prefix(s(&args[1])).unwrap_or(t)))
}

fn trimsuffix(_: &FuncContext, args: &[Value]) -> FuncResult {
    let t = s(&args[0]);
    Ok(Value::string(t.strip_suffix(s(&args[1])).unwrap_or(t)))
}

fn trimspace(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::string(s(&args[0]).trim()))
}

fn strrev(_: &FuncContext, args: &[Value]) -> FuncResult {
    let g: Vec<&str> = s(&args[0]).graphemes(true).collect();
    Ok(Value::String(g.into_iter().rev().collect()))
}

fn split(_: &FuncContext, args: &[Value]) -> FuncResult {
    let sep = s(&args[0]);
    let t = s(&args[1]);
    let parts: Vec<Value> = if sep.is_empty() {
        t.chars().map(|c| Value::String(c.to_string())).collect()
    } else {
        t.split(sep).map(Value::string).collect()
    };
    Ok(Value::List(Type::String, parts))
}

fn substr(_: &FuncContext, args: &[Value]) -> FuncResult {
    let t = s(&args[0]);
    let mut offset = to_int(&args[1]).map_err(|m| call_error("substr", m))?;
    let length = to_int(&args[2]).map_err(|m| call_error("substr", m))?;
    let g: Vec<&str> = t.graphemes(true).collect();
    if offset < 0 {
        offset += g.len() as i64;
    } else if length == 0 {
        return Ok(Value::string(""));
    }
    let start = if offset > 0 {
        if offset as usize >= g.len() {
            return Ok(Value::string(""));
        }
        offset as usize
    } else {
        0
    };
    let rest = &g[start..];
    let take = if length <= 0 {
        rest.len()
    } else {
        (length as usize).min(rest.len())
    };
    Ok(Value::String(rest[..take].concat()))
}

// ---------------------------------------------------------------- regex

/// Translates Go RE2 syntax to the `regex` crate's: Go's `\d`, `\w`, `\s`
/// and `\b` are ASCII-only.
pub(super) fn go_regex_source(pat: &str) -> String {
    let mut out = String::with_capacity(pat.len());
    let mut in_class = false;
    let mut chars = pat.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('d' | 'D' | 'w' | 'W' | 's' | 'S')) => {
                    let body = match e.to_ascii_lowercase() {
                        'd' => "0-9",
                        'w' => "0-9A-Za-z_",
                        _ => "\\t\\n\\x0C\\r ",
                    };
                    if in_class {
                        if e.is_ascii_uppercase() {
                            out.push_str(&format!("&&[^{body}]"));
                        } else {
                            out.push_str(body);
                        }
                    } else if e.is_ascii_uppercase() {
                        out.push_str(&format!("[^{body}]"));
                    } else {
                        out.push_str(&format!("[{body}]"));
                    }
                }
                Some(e @ ('b' | 'B')) if !in_class => {
                    out.push_str(&format!("(?-u:\\{e})"));
                }
                Some(e) => {
                    out.push('\\');
                    out.push(e);
                }
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    out.push(chars.next().unwrap_or('^'));
                }
                if chars.peek() == Some(&']') {
                    chars.next();
                    out.push_str("\\]");
                }
            }
            '[' if in_class => {
                if chars.peek() == Some(&':') {
                    // POSIX class [:alpha:]
                    out.push('[');
                    for c2 in chars.by_ref() {
                        out.push(c2);
                        if c2 == ']' {
                            break;
                        }
                    }
                } else {
                    out.push_str("\\[");
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            '&' | '~' | '-' if in_class && chars.peek() == Some(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The Go-style description of a pattern error: (code, expression).
fn go_regex_error(pat: &str, err: &regex::Error) -> (String, String) {
    let msg = err.to_string();
    let (code, expr) = if msg.contains("unclosed group") {
        ("missing closing )", pat.to_string())
    } else if msg.contains("unopened group") {
        ("unexpected )", pat.to_string())
    } else if msg.contains("unclosed character class") {
        let i = pat.rfind('[').unwrap_or(0);
        ("missing closing ]", pat[i..].to_string())
    } else if msg.contains("repetition operator missing expression") {
        (
            "missing argument to repetition operator",
            pat.chars()
                .find(|c| "*+?{".contains(*c))
                .map(|c| c.to_string())
                .unwrap_or_default(),
        )
    } else if msg.contains("invalid repetition count range") || msg.contains("decimal") {
        let i = pat.find('{').unwrap_or(0);
        let j = pat[i..].find('}').map(|j| i + j + 1).unwrap_or(pat.len());
        ("invalid repeat count", pat[i..j].to_string())
    } else if msg.contains("Unicode property") || msg.contains("invalid character class range") {
        let i = pat.find("\\p").or_else(|| pat.find("\\P")).unwrap_or(0);
        let j = pat[i..].find('}').map(|j| i + j + 1).unwrap_or(pat.len());
        ("invalid character class range", pat[i..j].to_string())
    } else if msg.contains("backreference") || msg.contains("unrecognized escape") {
        let i = pat.find('\\').unwrap_or(0);
        let end = pat[i..]
            .char_indices()
            .nth(2)
            .map(|(j, _)| i + j)
            .unwrap_or(pat.len());
        ("invalid escape sequence", pat[i..end].to_string())
    } else if msg.contains("incomplete escape") {
        ("trailing backslash at end of expression", String::new())
    } else if msg.contains("nest") {
        ("invalid nested repetition operator", pat.to_string())
    } else {
        ("invalid or unsupported Perl syntax", pat.to_string())
    };
    (code.to_string(), expr)
}

fn compile_regex(pat: &str) -> Result<regex::Regex, (String, String)> {
    regex::Regex::new(&go_regex_source(pat)).map_err(|e| go_regex_error(pat, &e))
}

enum Shape {
    Whole,
    Tuple(usize),
    Object(Vec<String>),
}

fn regex_shape(pattern: &str) -> Result<(regex::Regex, Shape), FuncError> {
    let re = compile_regex(pattern).map_err(|(code, expr)| {
        arg_error(
            0,
            "pattern",
            format!("invalid regexp pattern: {code} in {expr}"),
        )
    })?;
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let unnamed = names.iter().filter(|n| n.is_none()).count();
    let named: Vec<String> = names.iter().flatten().map(|n| n.to_string()).collect();
    let shape = match (unnamed, named.len()) {
        (0, 0) => Shape::Whole,
        (u, n) if u > 0 && n > 0 => {
            return Err(arg_error(
                0,
                "pattern",
                "invalid regexp pattern: cannot mix both named and unnamed capture groups",
            ))
        }
        (u, 0) => Shape::Tuple(u),
        _ => Shape::Object(named),
    };
    Ok((re, shape))
}

fn shape_type(shape: &Shape) -> Type {
    match shape {
        Shape::Whole => Type::String,
        Shape::Tuple(n) => Type::Tuple(vec![Type::String; *n]),
        Shape::Object(names) => {
            Type::object(names.iter().map(|n| (n.clone(), Type::String)).collect())
        }
    }
}

fn capture_value(re: &regex::Regex, shape: &Shape, caps: &regex::Captures) -> Value {
    let get = |m: Option<regex::Match>| match m {
        Some(m) => Value::string(m.as_str()),
        None => Value::Null(Type::String),
    };
    match shape {
        Shape::Whole => get(caps.get(0)),
        Shape::Tuple(_) => Value::Tuple((1..caps.len()).map(|i| get(caps.get(i))).collect()),
        Shape::Object(_) => {
            let mut m = BTreeMap::new();
            for (i, name) in re.capture_names().enumerate().skip(1) {
                if let Some(n) = name {
                    m.insert(n.to_string(), get(caps.get(i)));
                }
            }
            Value::Object(m)
        }
    }
}

fn regex(_: &FuncContext, args: &[Value]) -> FuncResult {
    let (re, shape) = regex_shape(s(&args[0]))?;
    let caps = re.captures(s(&args[1])).ok_or_else(|| {
        call_error(
            "regex",
            "pattern did not match any part of the given string",
        )
    })?;
    Ok(capture_value(&re, &shape, &caps))
}

fn regexall(_: &FuncContext, args: &[Value]) -> FuncResult {
    let (re, shape) = regex_shape(s(&args[0]))?;
    let items: Vec<Value> = re
        .captures_iter(s(&args[1]))
        .map(|c| capture_value(&re, &shape, &c))
        .collect();
    Ok(Value::List(shape_type(&shape), items))
}

fn replace(_: &FuncContext, args: &[Value]) -> FuncResult {
    let t = s(&args[0]);
    let sub = s(&args[1]);
    let rep = s(&args[2]);
    if sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/') {
        let pat = &sub[1..sub.len() - 1];
        let re = compile_regex(pat).map_err(|(code, expr)| {
            call_error("replace", format!("error parsing regexp: {code}: `{expr}`"))
        })?;
        return Ok(Value::String(re.replace_all(t, rep).into_owned()));
    }
    Ok(Value::String(t.replace(sub, rep)))
}

// ---------------------------------------------------------------- format

/// A decimal number 0.DIGITS × 10^exp, as Go's `math/big` formats it.
#[derive(Clone, Debug)]
struct Decimal {
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    fn trim(&mut self) {
        while self.digits.last() == Some(&b'0') {
            self.digits.pop();
        }
        if self.digits.is_empty() {
            self.exp = 0;
        }
    }

    /// The exact decimal expansion of a finite number's magnitude.
    fn exact(n: &Number) -> Decimal {
        if n.is_zero() {
            return Decimal {
                digits: vec![],
                exp: 0,
            };
        }
        let two64 = Number::from_u64(u64::MAX)
            .add(&Number::from_i64(1))
            .expect("finite");
        let mut y = n.abs().with_precision(n.precision().max(64));
        let mut k: u32 = 0;
        while !y.is_integer() {
            y = y.mul(&two64).expect("finite");
            k += 64;
        }
        let m = y.trunc_bigint().expect("finite");
        let five = Number::from_i64(5).trunc_bigint().expect("finite");
        let scaled = m * five.pow(k);
        let text = scaled.to_string();
        let mut d = Decimal {
            exp: text.len() as i64 - k as i64,
            digits: text.into_bytes(),
        };
        d.trim();
        d
    }

    /// The shortest decimal that identifies the number at its precision.
    fn shortest(n: &Number) -> Decimal {
        let text = n.abs().to_terraform_string();
        let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
        let mut digits: Vec<u8> = int.bytes().chain(frac.bytes()).collect();
        let mut exp = int.len() as i64;
        while digits.first() == Some(&b'0') {
            digits.remove(0);
            exp -= 1;
        }
        let mut d = Decimal { digits, exp };
        d.trim();
        d
    }

    fn at(&self, i: i64) -> u8 {
        if i >= 0 && (i as usize) < self.digits.len() {
            self.digits[i as usize]
        } else {
            b'0'
        }
    }

    /// Go's `decimal.round(n)`: half to even on the exact digits.
    fn round(&mut self, n: i64) {
        if n < 0 || n as usize >= self.digits.len() {
            return;
        }
        let n = n as usize;
        let up = if self.digits[n] == b'5' && n + 1 == self.digits.len() {
            n > 0 && (self.digits[n - 1] - b'0') % 2 == 1
        } else {
            self.digits[n] >= b'5'
        };
        if up {
            let mut i = n;
            loop {
                if i == 0 {
                    self.digits.clear();
                    self.digits.push(b'1');
                    self.exp += 1;
                    return;
                }
                if self.digits[i - 1] < b'9' {
                    self.digits[i - 1] += 1;
                    self.digits.truncate(i);
                    break;
                }
                i -= 1;
            }
        } else {
            self.digits.truncate(n);
        }
        self.trim();
    }
}

fn fmt_e(d: &Decimal, prec: i64, upper: bool) -> String {
    let mut out = String::new();
    out.push(d.digits.first().map(|c| *c as char).unwrap_or('0'));
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(d.at(i) as char);
        }
    }
    out.push(if upper { 'E' } else { 'e' });
    let exp = if d.digits.is_empty() { 0 } else { d.exp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", exp.abs()));
    out
}

fn fmt_f(d: &Decimal, prec: i64) -> String {
    let mut out = String::new();
    if d.exp > 0 {
        for i in 0..d.exp {
            out.push(d.at(i) as char);
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            out.push(d.at(d.exp + i) as char);
        }
    }
    out
}

/// `big.Float.Text(verb, prec)` for the magnitude (no sign); `prec < 0`
/// is the shortest representation.
fn float_text(n: &Number, verb: char, prec: i64) -> String {
    if n.is_infinite() {
        return "Inf".into();
    }
    let upper = verb.is_ascii_uppercase();
    let v = verb.to_ascii_lowercase();
    let shortest = prec < 0;
    let mut prec = prec;
    let d = if shortest {
        let d = Decimal::shortest(n);
        prec = match v {
            'e' => d.digits.len() as i64 - 1,
            'f' => (d.digits.len() as i64 - d.exp).max(0),
            _ => d.digits.len() as i64,
        };
        d
    } else {
        let mut d = Decimal::exact(n);
        match v {
            'e' => d.round(1 + prec),
            'f' => d.round(d.exp + prec),
            _ => {
                if prec == 0 {
                    prec = 1;
                }
                d.round(prec)
            }
        }
        d
    };
    match v {
        'e' => fmt_e(&d, prec, upper),
        'f' => fmt_f(&d, prec),
        _ => {
            let mut eprec = prec;
            let len = d.digits.len() as i64;
            if eprec > len && len >= d.exp {
                eprec = len;
            }
            if shortest {
                eprec = 6;
            }
            let exp = d.exp - 1;
            if exp < -4 || exp >= eprec {
                if prec > len {
                    prec = len;
                }
                return fmt_e(&d, prec - 1, upper);
            }
            if prec > d.exp {
                prec = len;
            }
            fmt_f(&d, (prec - d.exp).max(0))
        }
    }
}

/// `Text('g', -1)` with sign: how `%v` prints a number.
fn number_g(n: &Number) -> String {
    let t = if n.is_zero() {
        "0".to_string()
    } else {
        float_text(n, 'g', -1)
    };
    if n.is_infinite() {
        return if n.is_negative() {
            "-Inf".into()
        } else {
            "+Inf".into()
        };
    }
    if n.is_negative() {
        format!("-{t}")
    } else {
        t
    }
}

#[derive(Default, Debug)]
struct Verb {
    raw: String,
    offset: usize,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    width: Option<usize>,
    prec: Option<usize>,
    mode: char,
    arg: usize,
}

fn quote_rune(c: char) -> String {
    let q = super::go_quote(&c.to_string());
    let inner = &q[1..q.len() - 1];
    let inner = inner.replace("\\\"", "\"");
    if c == '\'' {
        return "'\\''".into();
    }
    format!("'{inner}'")
}

fn grapheme_len(t: &str) -> usize {
    t.graphemes(true).count()
}

fn pad_width(v: &Verb, t: String) -> String {
    let Some(w) = v.width else { return t };
    let n = grapheme_len(&t);
    if n >= w {
        return t;
    }
    let fill = if v.zero { "0" } else { " " }.repeat(w - n);
    if v.minus {
        t + &fill
    } else {
        fill + &t
    }
}

fn unsupported(v: &Verb, msg: impl std::fmt::Display) -> String {
    format!(
        "unsupported value for {} at {}: {}",
        super::go_quote(&v.raw),
        v.offset,
        msg
    )
}

fn format_int(v: &Verb, n: &Number) -> String {
    let big = n.trunc_bigint().expect("finite");
    let neg = n.is_negative();
    let base = match v.mode {
        'b' => 2,
        'o' => 8,
        'x' | 'X' => 16,
        _ => 10,
    };
    let mut digits = big.magnitude().to_str_radix(base);
    if v.mode == 'X' {
        digits = digits.to_uppercase();
    }
    let sign = if neg {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    let prefix = if v.sharp {
        match v.mode {
            'b' => "0b",
            'o' => "0",
            'x' => "0x",
            'X' => "0X",
            _ => "",
        }
    } else {
        ""
    };
    let mut zeros = 0;
    if let Some(p) = v.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            digits.clear();
        }
    }
    let length = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(w) = v.width {
        if length < w {
            let d = w - length;
            if v.minus {
                right = d;
            } else if v.zero && v.prec.is_none() {
                zeros = d;
            } else {
                left = d;
            }
        }
    }
    format!(
        "{}{sign}{prefix}{}{digits}{}",
        " ".repeat(left),
        "0".repeat(zeros),
        " ".repeat(right)
    )
}

fn format_float(v: &Verb, n: &Number) -> String {
    let prec = match v.prec {
        Some(p) => p as i64,
        None if matches!(v.mode, 'g' | 'G') => -1,
        None => 6,
    };
    let body = if n.is_zero() && prec < 0 {
        "0".to_string()
    } else if n.is_zero() {
        float_text(&Number::zero(), v.mode, prec)
    } else {
        float_text(n, v.mode, prec)
    };
    let body = if n.is_zero() && prec >= 0 {
        // big.Float formats zero with an empty digit string.
        match v.mode.to_ascii_lowercase() {
            'e' => fmt_e(
                &Decimal {
                    digits: vec![],
                    exp: 0,
                },
                prec,
                v.mode == 'E',
            ),
            'f' => fmt_f(
                &Decimal {
                    digits: vec![],
                    exp: 0,
                },
                prec,
            ),
            _ => "0".to_string(),
        }
    } else {
        body
    };
    let sign = if n.is_negative() {
        "-"
    } else if n.is_infinite() {
        if v.space {
            " "
        } else {
            "+"
        }
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    let len = sign.len() + body.len();
    let padding = v.width.map(|w| w.saturating_sub(len)).unwrap_or(0);
    if v.zero && !n.is_infinite() {
        format!("{sign}{}{body}", "0".repeat(padding))
    } else if v.minus {
        format!("{sign}{body}{}", " ".repeat(padding))
    } else {
        format!("{}{sign}{body}", " ".repeat(padding))
    }
}

fn format_append(v: &Verb, out: &mut String, args: &[Value]) -> Result<(), String> {
    let arg = args.get(v.arg - 1).ok_or_else(|| {
        format!(
            "not enough arguments for {} at {}: need index {} but have {} total",
            super::go_quote(&v.raw),
            v.offset,
            v.arg,
            args.len()
        )
    })?;
    if v.mode != 'v' && arg.is_null() {
        return Err(unsupported(v, "null value cannot be formatted"));
    }
    let conv = |t: &Type| tfrs_provider::convert::convert(arg, t).map_err(|e| unsupported(v, e));
    match v.mode {
        'v' => {
            let text = match arg {
                Value::String(t) if !v.sharp => t.clone(),
                Value::Number(n) if !v.sharp => number_g(n),
                _ => json_encode(arg).map_err(|e| unsupported(v, e))?,
            };
            out.push_str(&pad_width(v, text));
        }
        't' => {
            let b = conv(&Type::Bool)?;
            out.push_str(if b.as_bool() == Some(true) {
                "true"
            } else {
                "false"
            });
        }
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => {
            let n = conv(&Type::Number)?;
            let n = n.as_number().expect("number");
            if matches!(v.mode, 'b' | 'd' | 'o' | 'x' | 'X') {
                if !n.is_integer() {
                    return Err(unsupported(v, "an integer is required"));
                }
                out.push_str(&format_int(v, n));
            } else {
                out.push_str(&format_float(v, n));
            }
        }
        's' | 'q' => {
            let sv = conv(&Type::String)?;
            let mut t = sv.as_str().unwrap_or("").to_string();
            if v.mode == 's' {
                if let Some(p) = v.prec {
                    if p > 0 {
                        t = t.graphemes(true).take(p).collect();
                    }
                }
            } else {
                t = json_encode(&sv).map_err(|e| unsupported(v, e))?;
            }
            out.push_str(&pad_width(v, t));
        }
        m => {
            return Err(format!(
                "unsupported format verb {} in {} at offset {}",
                quote_rune(m),
                super::go_quote(&v.raw),
                v.offset
            ))
        }
    }
    Ok(())
}

enum FormatError {
    Call(String),
    TooMany(usize, String),
}

fn format_str(fmt: &str, args: &[Value]) -> Result<String, FormatError> {
    let mut out = String::new();
    let b = fmt.as_bytes();
    let mut p = 0;
    let mut next_arg = 1;
    let mut highest = 0;
    while p < b.len() {
        if b[p] != b'%' {
            let end = fmt[p..].find('%').map(|i| p + i).unwrap_or(b.len());
            out.push_str(&fmt[p..end]);
            p = end;
            continue;
        }
        if b.get(p + 1) == Some(&b'%') {
            out.push('%');
            p += 2;
            continue;
        }
        let start = p;
        p += 1;
        let mut v = Verb {
            offset: start,
            ..Verb::default()
        };
        while p < b.len() {
            match b[p] {
                b'-' => {
                    v.minus = true;
                    v.zero = false;
                }
                b'+' => v.plus = true,
                b'#' => v.sharp = true,
                b' ' => v.space = true,
                b'0' => v.zero = !v.minus,
                _ => break,
            }
            p += 1;
        }
        if p < b.len() && b[p] == b'[' {
            let close = fmt[p..].find(']').map(|i| p + i);
            if let Some(c) = close {
                if let Ok(n) = fmt[p + 1..c].parse::<usize>() {
                    next_arg = n;
                    p = c + 1;
                }
            }
        }
        let ws = p;
        while p < b.len() && b[p].is_ascii_digit() {
            p += 1;
        }
        if p > ws {
            v.width = fmt[ws..p].parse().ok();
        }
        if p < b.len() && b[p] == b'.' {
            p += 1;
            let ps = p;
            while p < b.len() && b[p].is_ascii_digit() {
                p += 1;
            }
            v.prec = Some(fmt[ps..p].parse().unwrap_or(0));
        }
        let Some(c) = fmt[p..].chars().next() else {
            return Err(FormatError::Call(format!(
                "invalid format string starting at offset {p}"
            )));
        };
        if !c.is_alphabetic() {
            return Err(FormatError::Call(format!(
                "unrecognized format character {} at offset {}",
                quote_rune(c),
                p
            )));
        }
        p += c.len_utf8();
        v.mode = c;
        v.raw = fmt[start..p].to_string();
        v.arg = next_arg;
        next_arg += 1;
        highest = highest.max(v.arg);
        format_append(&v, &mut out, args).map_err(FormatError::Call)?;
    }
    if highest < args.len() {
        let first_bad = highest + 1;
        if highest == 0 {
            return Err(FormatError::TooMany(
                first_bad,
                "too many arguments; no verbs in format string".into(),
            ));
        }
        return Err(FormatError::TooMany(
            first_bad,
            format!("too many arguments; only {highest} used by format string"),
        ));
    }
    Ok(out)
}

fn format(_: &FuncContext, args: &[Value]) -> FuncResult {
    if args[1..].iter().any(|a| !a.is_wholly_known()) {
        return Ok(Value::Unknown(Type::String));
    }
    match format_str(s(&args[0]), &args[1..]) {
        Ok(t) => Ok(Value::String(t)),
        Err(FormatError::Call(m)) => Err(call_error("format", m)),
        Err(FormatError::TooMany(i, m)) => Err(arg_error(i, "args", m)),
    }
}

fn formatlist(_: &FuncContext, args: &[Value]) -> FuncResult {
    let fmt = s(&args[0]);
    let rest = &args[1..];
    if rest.is_empty() {
        return match format_str(fmt, rest) {
            Ok(t) => Ok(Value::List(Type::String, vec![Value::String(t)])),
            Err(FormatError::Call(m)) => Err(call_error("formatlist", m)),
            Err(FormatError::TooMany(i, m)) => Err(arg_error(i, "args", m)),
        };
    }
    let mut iter_len: Option<(usize, usize)> = None;
    for (i, a) in rest.iter().enumerate() {
        let seq = matches!(a, Value::List(..) | Value::Set(..) | Value::Tuple(_));
        if seq {
            let n = a.length().unwrap_or(0);
            match iter_len {
                None => iter_len = Some((n, i)),
                Some((len, chooser)) if len != n => {
                    return Err(arg_error(
                        i + 1,
                        "args",
                        format!(
                            "argument {} has length {}, which is inconsistent with argument {} of length {}",
                            i + 1,
                            n,
                            chooser + 1,
                            len
                        ),
                    ))
                }
                _ => {}
            }
        }
    }
    let n = iter_len.map(|(n, _)| n).unwrap_or(1);
    let mut out = Vec::with_capacity(n);
    for it in 0..n {
        let call_args: Vec<Value> = rest
            .iter()
            .map(|a| match a {
                Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => vs[it].clone(),
                other => other.clone(),
            })
            .collect();
        if call_args.iter().any(|a| !a.is_wholly_known()) {
            out.push(Value::Unknown(Type::String));
            continue;
        }
        match format_str(fmt, &call_args) {
            Ok(t) => out.push(Value::String(t)),
            Err(FormatError::Call(m)) | Err(FormatError::TooMany(_, m)) => {
                return Err(call_error(
                    "formatlist",
                    format!("error on format iteration {it}: {m}"),
                ))
            }
        }
    }
    Ok(Value::List(Type::String, out))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::check;

    #[test]
    fn string_functions() {
        check(&[
            (r###"chomp("hello\n")"###, r###""hello""###),
            (r###"chomp("hello\r\n\n")"###, r###""hello""###),
            (r###"chomp("hello")"###, r###""hello""###),
            (r###"chomp("a\r")"###, r###""a""###),
            (r###"endswith("hello world", "world")"###, r###"true"###),
            (r###"endswith("hello world", "hello")"###, r###"false"###),
            (r###"startswith("hello world", "hello")"###, r###"true"###),
            (r###"startswith("hello world", "world")"###, r###"false"###),
            (r###"strcontains("hello world", "wor")"###, r###"true"###),
            (r###"strcontains("hello world", "xyz")"###, r###"false"###),
            (
                r###"indent(2, "a\nb\n")"###,
                r###"<<EOT
a
  b
  
EOT"###,
            ),
            (
                r###"indent(4, "[\n  foo,\n]")"###,
                r###"<<EOT
[
      foo,
    ]
EOT"###,
            ),
            (
                r###"indent(1.5, "a")"###,
                r###"error: Error in function call: Call to function "indent" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807."###,
            ),
            (
                r###"join(", ", ["foo", "bar", "baz"])"###,
                r###""foo, bar, baz""###,
            ),
            (r###"join(",", ["a"], ["b","c"])"###, r###""a,b,c""###),
            (
                r###"join(",")"###,
                r###"error: Error in function call: Call to function "join" failed: at least one list is required."###,
            ),
            (
                r###"join(",", ["a"], [null])"###,
                r###"error: Invalid function argument: Invalid value for "lists" parameter: element 0 of list 2 is null; cannot concatenate null values."###,
            ),
            (
                r###"join(",", [null])"###,
                r###"error: Invalid function argument: Invalid value for "lists" parameter: element 0 is null; cannot concatenate null values."###,
            ),
            (r###"join("-", [])"###, r###""""###),
            (r###"join(",", toset(["b","a"]))"###, r###""a,b""###),
            (r###"lower("HELLO ÀΣ")"###, r###""hello àσ""###),
            (r###"upper("hello àσ")"###, r###""HELLO ÀΣ""###),
            (
                r###"title("hello world-foo_bar")"###,
                r###""Hello World-Foo_bar""###,
            ),
            (r###"title("héllo wörld")"###, r###""Héllo Wörld""###),
            (r###"trim("?!hello?!", "!?")"###, r###""hello""###),
            (r###"trim("  hello  ", " ")"###, r###""hello""###),
            (r###"trimprefix("helloworld", "hello")"###, r###""world""###),
            (
                r###"trimprefix("helloworld", "world")"###,
                r###""helloworld""###,
            ),
            (r###"trimsuffix("helloworld", "world")"###, r###""hello""###),
            (r###"trimspace("  \n\thello\n  ")"###, r###""hello""###),
            (r###"strrev("hello")"###, r###""olleh""###),
            (r###"strrev("héllo")"###, r###""olléh""###),
            (r###"strrev("")"###, r###""""###),
            (
                r###"split(",", "foo,bar,baz")"###,
                r###"tolist([
  "foo",
  "bar",
  "baz",
])"###,
            ),
            (
                r###"split(",", "foo")"###,
                r###"tolist([
  "foo",
])"###,
            ),
            (
                r###"split(",", "")"###,
                r###"tolist([
  "",
])"###,
            ),
            (
                r###"split("", "abc")"###,
                r###"tolist([
  "a",
  "b",
  "c",
])"###,
            ),
            (r###"substr("hello world", 1, 4)"###, r###""ello""###),
            (r###"substr("🤔🤷", 0, 1)"###, r###""🤔""###),
            (r###"substr("hello world", -5, -1)"###, r###""world""###),
            (r###"substr("hello world", 7, 100)"###, r###""orld""###),
            (r###"substr("hello", 10, 2)"###, r###""""###),
            (r###"substr("hello", 1, -1)"###, r###""ello""###),
            (r###"substr("hello", -10, 2)"###, r###""he""###),
            (r###"substr("hello", -1, 0)"###, r###""o""###),
            (
                r###"substr("hello", 1.5, 1)"###,
                r###"error: Error in function call: Call to function "substr" failed: value must be a whole number, between -9223372036854775808 and 9223372036854775807."###,
            ),
            (r###"substr("", 0, 0)"###, r###""""###),
            (
                r###"regex("[a-z]+", "53453453.345345aaabbbccc23454")"###,
                r###""aaabbbccc""###,
            ),
            (
                r###"regex("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01")"###,
                r###"[
  "2019",
  "02",
  "01",
]"###,
            ),
            (
                r###"regex("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/")"###,
                r###"{
  "authority" = "terraform.io"
  "scheme" = "https"
}"###,
            ),
            (
                r###"regex("(a)|(b)", "b")"###,
                r###"[
  tostring(null),
  "b",
]"###,
            ),
            (
                r###"regex("x", "y")"###,
                r###"error: Error in function call: Call to function "regex" failed: pattern did not match any part of the given string."###,
            ),
            (
                r###"regex("(", "x")"###,
                r###"error: Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ) in (."###,
            ),
            (
                r###"regex("a)", "x")"###,
                r###"error: Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: unexpected ) in a)."###,
            ),
            (
                r###"regex("[a", "x")"###,
                r###"error: Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing closing ] in [a."###,
            ),
            (
                r###"regex("*", "x")"###,
                r###"error: Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: missing argument to repetition operator in *."###,
            ),
            (
                r###"regex("a{2,1}", "x")"###,
                r###"error: Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: invalid repeat count in {2,1}."###,
            ),
            (
                r###"regex("(?P<a>x)(y)", "x")"###,
                r###"error: Invalid function argument: Invalid value for "pattern" parameter: invalid regexp pattern: cannot mix both named and unnamed capture groups."###,
            ),
            (r###"regex("\\d+", "١٢3")"###, r###""3""###),
            (r###"regex("(?i)HELLO", "say hello")"###, r###""hello""###),
            (
                r###"regexall("[a-z]+", "1234abcd5678efgh9")"###,
                r###"tolist([
  "abcd",
  "efgh",
])"###,
            ),
            (
                r###"regexall("(\\d)(\\w)", "1a 2b")"###,
                r###"tolist([
  [
    "1",
    "a",
  ],
  [
    "2",
    "b",
  ],
])"###,
            ),
            (r###"regexall("(?P<a>x)", "y")"###, r###"tolist([])"###),
            (r###"regexall("[a-z]+", "123")"###, r###"tolist([])"###),
            (
                r###"replace("1 + 2 + 3", "+", "-")"###,
                r###""1 - 2 - 3""###,
            ),
            (
                r###"replace("hello world", "/w.*d/", "everybody")"###,
                r###""hello everybody""###,
            ),
            (
                r###"replace("hello world", "/(h)(e)/", "$2$1")"###,
                r###""ehllo world""###,
            ),
            (r###"replace("abc", "", "-")"###, r###""-a-b-c-""###),
            (
                r###"replace("x", "/(/", "y")"###,
                r###"error: Error in function call: Call to function "replace" failed: error parsing regexp: missing closing ): `(`."###,
            ),
            (r###"replace("aaa", "/a*/", "b")"###, r###""b""###),
            (r###"replace("hello", "/l/", "$${x}")"###, r###""heo""###),
            // CASES:string
        ]);
    }

    #[test]
    fn format_functions() {
        check(&[
            (
                r###"format("Hello, %s!", "Ander")"###,
                r###""Hello, Ander!""###,
            ),
            (
                r###"format("There are %d lights", 4)"###,
                r###""There are 4 lights""###,
            ),
            (
                r###"format("%x", "hi")"###,
                r###"error: Error in function call: Call to function "format" failed: unsupported value for "%x" at 0: a number is required."###,
            ),
            (
                r###"format("%5%")"###,
                r###"error: Error in function call: Call to function "format" failed: unrecognized format character '%' at offset 2."###,
            ),
            (
                r###"format("%z", 1)"###,
                r###"error: Error in function call: Call to function "format" failed: unsupported format verb 'z' in "%z" at offset 0."###,
            ),
            (
                r###"format("%", 1)"###,
                r###"error: Error in function call: Call to function "format" failed: invalid format string starting at offset 1."###,
            ),
            (
                r###"format("%d %d", 1)"###,
                r###"error: Error in function call: Call to function "format" failed: not enough arguments for "%d" at 3: need index 2 but have 1 total."###,
            ),
            (r###"format("%s", null)"###, r###"(known after apply)"###),
            (r###"format("%v", tostring(null))"###, r###""null""###),
            (
                r###"format("%s", tostring(null))"###,
                r###"error: Error in function call: Call to function "format" failed: unsupported value for "%s" at 0: null value cannot be formatted."###,
            ),
            (
                r###"format("a", 1)"###,
                r###"error: Invalid function argument: Invalid value for "args" parameter: too many arguments; no verbs in format string."###,
            ),
            (
                r###"format("%s %s", 1,2,3)"###,
                r###"error: Invalid function argument: Invalid value for "args" parameter: too many arguments; only 2 used by format string."###,
            ),
            (
                r###"format("%d", 1.5)"###,
                r###"error: Error in function call: Call to function "format" failed: unsupported value for "%d" at 0: an integer is required."###,
            ),
            (
                r###"format("%d", "x")"###,
                r###"error: Error in function call: Call to function "format" failed: unsupported value for "%d" at 0: a number is required."###,
            ),
            (
                r###"format("%t", 1)"###,
                r###"error: Error in function call: Call to function "format" failed: unsupported value for "%t" at 0: bool required."###,
            ),
            (r###"format("%t", "true")"###, r###""true""###),
            (
                r###"format("%-5d|%05d|%+d|% d|%x|%#x|%X|%o|%b|%.3d", 3, 4, 5, 6, 255, 255, 255, 8, 5, 7)"###,
                r###""3    |00004|+5| 6|ff|0xff|FF|10|101|007""###,
            ),
            (
                r###"format("%e|%E|%g|%f|%.2f|%10.3f|%-10.1f|%G", 123456.789, 0.000123, 1e21, 3.14159, 2.675, -3.14159, 2.5, 1e-7)"###,
                r###""1.234568e+05|1.230000E-04|1e+21|3.141590|2.67|    -3.142|2.5       |1E-07""###,
            ),
            (
                r###"format("%v|%#v|%q|%v|%v", 1e30, "a<b", "x\ny", true, [1,"a"])"###,
                r###""1e+30|\"a\\u003cb\"|\"x\\ny\"|true|[1,\"a\"]""###,
            ),
            (
                r###"format("%5s|%-5s|%.2s|%05s|%[1]s", "ab", "cd", "héllo", "x")"###,
                r###""   ab|cd   |hé|0000x|ab""###,
            ),
            (
                r###"format("%s", [1])"###,
                r###"error: Error in function call: Call to function "format" failed: unsupported value for "%s" at 0: string required."###,
            ),
            (
                r###"format("%v %g %v", 0.1, 123456789, 1234567)"###,
                r###""0.1 1.23456789e+08 1.234567e+06""###,
            ),
            (
                r###"format("%v", {a=1, b=[true]})"###,
                r###""{\"a\":1,\"b\":[true]}""###,
            ),
            (r###"format("%#v", 1)"###, r###""1""###),
            (
                r###"format("%.0f|%.1f|%.0f|%.0f", 0.5, 0.05, 1.5, 2.5)"###,
                r###""0|0.1|2|2""###,
            ),
            (
                r###"format("%g|%g|%g|%.3g|%.10g", 100000, 1000000, 0.0001, 3.14159, 1.5)"###,
                r###""100000|1e+06|0.0001|3.14|1.5""###,
            ),
            (
                r###"format("%e|%.0e|%f", 0, 0, 0)"###,
                r###""0.000000e+00|0e+00|0.000000""###,
            ),
            (r###"format("%d|%x", -255, -255)"###, r###""-255|-ff""###),
            (
                r###"format("%8.3f|%-8.2e|%+.1f|%08.2f", 3.14159, 1234.5, 2, -3.5)"###,
                r###""   3.142|1.23e+03|+2.0|-0003.50""###,
            ),
            (
                r###"format("%v", 0.333333333333333333333333333)"###,
                r###""0.333333333333333333333333333""###,
            ),
            (
                r###"format("%f", 0.333333333333333333333333333)"###,
                r###""0.333333""###,
            ),
            (
                r###"format("%.20f", 0.1)"###,
                r###""0.10000000000000000000""###,
            ),
            (r###"format("%[2]s %[1]s", "a", "b")"###, r###""b a""###),
            (r###"format("%[2]s", "a", "b")"###, r###""b""###),
            (r###"format("%s %[1]s %s", "a", "b")"###, r###""a a b""###),
            (r###"format("%q", 12)"###, r###""\"12\"""###),
            (r###"format("%v", -0.000001)"###, r###""-1e-06""###),
            (r###"format("%g", 1e-5)"###, r###""1e-05""###),
            (r###"format("%6.2v", "abcdef")"###, r###""abcdef""###),
            (
                r###"format("%d", 123456789012345678901234567890)"###,
                r###""123456789012345678901234567890""###,
            ),
            (
                r###"format("%c", 1)"###,
                r###"error: Error in function call: Call to function "format" failed: unsupported format verb 'c' in "%c" at offset 0."###,
            ),
            (
                r###"formatlist("Hello, %s!", ["Valentina", "Ander", "Olivia", "Sam"])"###,
                r###"tolist([
  "Hello, Valentina!",
  "Hello, Ander!",
  "Hello, Olivia!",
  "Hello, Sam!",
])"###,
            ),
            (
                r###"formatlist("%s, %s!", "Salutations", ["Valentina", "Ander", "Olivia", "Sam"])"###,
                r###"tolist([
  "Salutations, Valentina!",
  "Salutations, Ander!",
  "Salutations, Olivia!",
  "Salutations, Sam!",
])"###,
            ),
            (
                r###"formatlist("%s=%s", ["a","b"], ["x"])"###,
                r###"error: Invalid function argument: Invalid value for "args" parameter: argument 2 has length 1, which is inconsistent with argument 1 of length 2."###,
            ),
            (
                r###"formatlist("x")"###,
                r###"tolist([
  "x",
])"###,
            ),
            (r###"formatlist("%s", [])"###, r###"tolist([])"###),
            (
                r###"formatlist("%d", ["a"])"###,
                r###"error: Error in function call: Call to function "formatlist" failed: error on format iteration 0: unsupported value for "%d" at 0: a number is required."###,
            ),
            (
                r###"formatlist("%s", toset(["b","a"]))"###,
                r###"tolist([
  "a",
  "b",
])"###,
            ),
            // CASES:format
        ]);
    }
}
