//! Test support: a tiny evaluator for literal expressions and function calls
//! (`concat(["a"], tolist(["b"]))`), and a renderer that prints values the
//! way `terraform console` does, so expected outputs can be taken verbatim
//! from the reference implementation.

use super::{call, go_quote, lookup, FuncContext, FuncError};
use std::collections::BTreeMap;
use tfrs_provider::{Number, Type, Value};

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

type PResult = Result<Value, String>;

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while self.pos < self.s.len() && (self.s[self.pos] as char).is_ascii_whitespace() {
            self.pos += 1;
        }
    }
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.s.get(self.pos).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("expected {:?} at {}", c as char, self.pos))
        }
    }
    fn ident(&mut self) -> String {
        let start = self.pos;
        while self.pos < self.s.len()
            && (self.s[self.pos].is_ascii_alphanumeric() || matches!(self.s[self.pos], b'_' | b'-'))
        {
            self.pos += 1;
        }
        String::from_utf8(self.s[start..self.pos].to_vec()).unwrap()
    }
    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"')?;
        let mut out = Vec::new();
        loop {
            let c = *self.s.get(self.pos).ok_or("unterminated string")?;
            self.pos += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let e = self.s[self.pos];
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        b'r' => out.push(b'\r'),
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'u' => {
                            let hex = std::str::from_utf8(&self.s[self.pos..self.pos + 4]).unwrap();
                            self.pos += 4;
                            let ch = char::from_u32(u32::from_str_radix(hex, 16).unwrap()).unwrap();
                            out.extend(ch.to_string().as_bytes());
                        }
                        _ => return Err(format!("bad escape {}", e as char)),
                    }
                }
                b'$' if self.s.get(self.pos) == Some(&b'$') => {
                    out.push(b'$');
                    self.pos += 1;
                }
                b'%' if self.s.get(self.pos) == Some(&b'%') => {
                    out.push(b'%');
                    self.pos += 1;
                }
                c => out.push(c),
            }
        }
        Ok(String::from_utf8(out).unwrap())
    }
    fn expr(&mut self, ctx: &FuncContext) -> PResult {
        match self.peek().ok_or("unexpected end")? {
            b'"' => Ok(Value::String(self.string()?)),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                while !self.eat(b']') {
                    items.push(self.expr(ctx)?);
                    self.eat(b',');
                }
                Ok(Value::Tuple(items))
            }
            b'{' => {
                self.pos += 1;
                let mut m = BTreeMap::new();
                while !self.eat(b'}') {
                    let k = if self.peek() == Some(b'"') {
                        self.string()?
                    } else {
                        self.ident()
                    };
                    if !self.eat(b'=') {
                        self.expect(b':')?;
                    }
                    let v = self.expr(ctx)?;
                    m.insert(k, v);
                    self.eat(b',');
                }
                Ok(Value::Object(m))
            }
            b'-' | b'0'..=b'9' => {
                let start = self.pos;
                self.pos += 1;
                while self.pos < self.s.len()
                    && (self.s[self.pos].is_ascii_digit()
                        || matches!(self.s[self.pos], b'.' | b'e' | b'E')
                        || (matches!(self.s[self.pos], b'+' | b'-')
                            && matches!(self.s[self.pos - 1], b'e' | b'E')))
                {
                    self.pos += 1;
                }
                let t = std::str::from_utf8(&self.s[start..self.pos]).unwrap();
                Number::parse(t)
                    .map(Value::Number)
                    .map_err(|_| format!("bad number {t}"))
            }
            _ => {
                let id = self.ident();
                match id.as_str() {
                    "true" => return Ok(Value::Bool(true)),
                    "false" => return Ok(Value::Bool(false)),
                    "null" => return Ok(Value::null()),
                    "" => return Err(format!("unexpected char at {}", self.pos)),
                    _ => {}
                }
                self.expect(b'(')?;
                let mut args = Vec::new();
                while !self.eat(b')') {
                    let v = self.expr(ctx)?;
                    if self.peek() == Some(b'.') {
                        self.pos += 3;
                        args.extend(v.elements().unwrap().iter().cloned());
                    } else {
                        args.push(v);
                    }
                    self.eat(b',');
                }
                let f = lookup(&id).ok_or(format!("unknown function {id}"))?;
                call(ctx, f, args).map_err(|e| render_error(&e))
            }
        }
    }
}

pub fn render_error(e: &FuncError) -> String {
    match e {
        FuncError::Arg(_, d) => format!("error: Invalid function argument: {d}"),
        FuncError::Call(d) => format!("error: Error in function call: {d}"),
        FuncError::Arity(s, d) => format!("error: {s}: {d}"),
    }
}

/// Evaluates `expr` and renders its value or error.
pub fn eval_in(ctx: &FuncContext, expr: &str) -> String {
    let mut p = Parser {
        s: expr.as_bytes(),
        pos: 0,
    };
    match p.expr(ctx) {
        Ok(v) => render(&v, 0),
        Err(e) => e,
    }
}

pub fn eval(expr: &str) -> String {
    eval_in(&FuncContext::new("."), expr)
}

/// Checks every `(expression, terraform console output)` pair.
pub fn check(cases: &[(&str, &str)]) {
    check_in(&FuncContext::new("."), cases)
}

pub fn check_in(ctx: &FuncContext, cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (expr, want) in cases {
        let got = eval_in(ctx, expr);
        if got != *want {
            failures.push(format!("{expr}\n  want: {want}\n  got:  {got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn null_text(ty: &Type) -> String {
    match ty {
        Type::Dynamic => "null".into(),
        Type::String => "tostring(null)".into(),
        Type::Number => "tonumber(null)".into(),
        Type::Bool => "tobool(null)".into(),
        Type::List(e) => format!("tolist(null) /* of {} */", e.friendly_name()),
        Type::Set(e) => format!("toset(null) /* of {} */", e.friendly_name()),
        Type::Map(e) => format!("tomap(null) /* of {} */", e.friendly_name()),
        t => format!("null /* {} */", t.friendly_name()),
    }
}

/// `terraform console`'s rendering (Terraform's `repl.FormatValue`).
pub fn render(v: &Value, indent: usize) -> String {
    match v {
        Value::Sensitive(_) => "(sensitive value)".into(),
        Value::Unknown(_) => "(known after apply)".into(),
        Value::Null(t) => null_text(t),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_terraform_string(),
        Value::String(s) => {
            let lines: Vec<&str> = s.split('\n').collect();
            if lines.len() < 2 {
                return go_quote(s);
            }
            let op = if indent > 0 { "<<-" } else { "<<" };
            let mut delim = "EOT".to_string();
            while lines.iter().any(|l| l.trim() == delim) {
                delim.push('_');
            }
            let mut out = format!("{op}{delim}");
            for l in lines {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                out.push_str(l);
            }
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            out.push_str(&delim);
            out
        }
        Value::Tuple(vs) => seq(vs, indent),
        Value::List(_, vs) => format!("tolist({})", seq(vs, indent)),
        Value::Set(_, vs) => format!("toset({})", seq(vs, indent)),
        Value::Object(m) => mapping(m, indent),
        Value::Map(_, m) => format!("tomap({})", mapping(m, indent)),
    }
}

fn seq(vs: &[Value], indent: usize) -> String {
    let mut out = String::from("[");
    for v in vs {
        out.push('\n');
        out.push_str(&" ".repeat(indent + 2));
        out.push_str(&render(v, indent + 2));
        out.push(',');
    }
    if !vs.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push(']');
    out
}

fn mapping(m: &BTreeMap<String, Value>, indent: usize) -> String {
    let mut out = String::from("{");
    for (k, v) in m {
        out.push('\n');
        out.push_str(&" ".repeat(indent + 2));
        out.push_str(&go_quote(k));
        out.push_str(" = ");
        out.push_str(&render(v, indent + 2));
    }
    if !m.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push('}');
    out
}
