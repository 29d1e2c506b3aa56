//! YAML for `yamldecode` and `yamlencode`, as Terraform's cty-yaml does it
//! with go-yaml v3: strings double-quoted (literal blocks when multi-line),
//! block collections, flow `{}`/`[]` when empty, lines folded at 80.

use super::{call_error, FuncContext, FuncResult};
use std::collections::BTreeMap;
use tfrs_provider::{Number, Value};

const BEST_WIDTH: usize = 80;

fn column(out: &str) -> usize {
    match out.rfind('\n') {
        Some(i) => out[i + 1..].chars().count(),
        None => out.chars().count(),
    }
}

fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0a
        || (0x20..=0x7e).contains(&u)
        || u == 0x85
        || (0xa0..=0xd7ff).contains(&u)
        || ((0xe000..=0xfffd).contains(&u) && u != 0xfeff)
        || (0x10000..=0x10ffff).contains(&u)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's double-quoted scalar writer (with folding at spaces).
fn write_double_quoted(s: &str, indent: usize, out: &mut String) {
    out.push('"');
    let chars: Vec<char> = s.chars().collect();
    let mut spaces = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !is_printable(c) || c == '\u{feff}' || is_break(c) || c == '"' || c == '\\' {
            out.push('\\');
            match c {
                '\0' => out.push('0'),
                '\x07' => out.push('a'),
                '\x08' => out.push('b'),
                '\t' => out.push('t'),
                '\n' => out.push('n'),
                '\x0b' => out.push('v'),
                '\x0c' => out.push('f'),
                '\r' => out.push('r'),
                '\x1b' => out.push('e'),
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                '\u{85}' => out.push('N'),
                '\u{a0}' => out.push('_'),
                '\u{2028}' => out.push('L'),
                '\u{2029}' => out.push('P'),
                c if (c as u32) <= 0xff => out.push_str(&format!("x{:02X}", c as u32)),
                c if (c as u32) <= 0xffff => out.push_str(&format!("u{:04X}", c as u32)),
                c => out.push_str(&format!("U{:08X}", c as u32)),
            }
            spaces = false;
        } else if c == ' ' {
            if !spaces && column(out) > BEST_WIDTH && i != 0 && i != chars.len() - 1 {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
                if chars.get(i + 1) == Some(&' ') {
                    out.push('\\');
                }
            } else {
                out.push(' ');
            }
            spaces = true;
        } else {
            out.push(c);
            spaces = false;
        }
        i += 1;
    }
    out.push('"');
}

/// Whether libyaml allows a literal block for `s`.
fn block_allowed(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    if chars.iter().any(|c| !is_printable(*c) || *c == '\u{feff}') {
        return false;
    }
    if matches!(chars.last(), Some(' ')) {
        return false;
    }
    for w in chars.windows(2) {
        if w[0] == ' ' && is_break(w[1]) {
            return false;
        }
    }
    true
}

fn write_literal(s: &str, indent: usize, out: &mut String) {
    out.push('|');
    if s.starts_with(' ') || s.starts_with('\n') {
        out.push('2');
    }
    let trailing = s.len() - s.trim_end_matches('\n').len();
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    let body = if trailing > 0 { &s[..s.len() - 1] } else { s };
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
            out.push_str(line);
        }
    }
}

/// Writes a scalar (or empty collection); returns whether it was plain.
fn write_scalar(v: &Value, indent: usize, out: &mut String) -> Result<bool, String> {
    match v.unmarked() {
        Value::Unknown(_) => Err("cannot serialize unknown value as YAML".into()),
        Value::Null(_) => {
            out.push_str("null");
            Ok(true)
        }
        Value::Bool(b) => {
            out.push_str(if *b { "true" } else { "false" });
            Ok(true)
        }
        Value::Number(n) => {
            out.push_str(&n.to_terraform_string());
            Ok(true)
        }
        Value::String(s) => {
            if s.contains('\n') && block_allowed(s) {
                write_literal(s, indent, out);
            } else {
                write_double_quoted(s, indent, out);
            }
            Ok(false)
        }
        Value::List(..) | Value::Set(..) | Value::Tuple(_) => {
            out.push_str("[]");
            Ok(false)
        }
        _ => {
            out.push_str("{}");
            Ok(false)
        }
    }
}

fn write_mapping(
    m: &BTreeMap<String, Value>,
    indent: usize,
    inline_first: bool,
    out: &mut String,
) -> Result<(), String> {
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 || !inline_first {
            out.push_str(&" ".repeat(indent));
        }
        write_double_quoted(k, indent + 2, out);
        out.push(':');
        match v.unmarked() {
            Value::Map(_, inner) | Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                write_mapping(inner, indent + 2, false, out)?;
            }
            Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) if !vs.is_empty() => {
                out.push('\n');
                write_sequence(vs, indent, false, out)?;
            }
            _ => {
                out.push(' ');
                write_scalar(v, indent + 2, out)?;
                out.push('\n');
            }
        }
    }
    Ok(())
}

fn write_sequence(
    vs: &[Value],
    indent: usize,
    inline_first: bool,
    out: &mut String,
) -> Result<(), String> {
    for (i, v) in vs.iter().enumerate() {
        if i > 0 || !inline_first {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str("- ");
        match v.unmarked() {
            Value::Map(_, inner) | Value::Object(inner) if !inner.is_empty() => {
                write_mapping(inner, indent + 2, true, out)?;
            }
            Value::List(_, inner) | Value::Set(_, inner) | Value::Tuple(inner)
                if !inner.is_empty() =>
            {
                write_sequence(inner, indent + 2, true, out)?;
            }
            _ => {
                write_scalar(v, indent + 2, out)?;
                out.push('\n');
            }
        }
    }
    Ok(())
}

pub(super) fn yaml_encode(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    match v.unmarked() {
        Value::Map(_, m) | Value::Object(m) if !m.is_empty() => {
            write_mapping(m, 0, false, &mut out)?
        }
        Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) if !vs.is_empty() => {
            write_sequence(vs, 0, false, &mut out)?
        }
        _ => {
            let plain = write_scalar(v, 2, &mut out)?;
            out.push('\n');
            if plain {
                out.push_str("...\n");
            }
        }
    }
    Ok(out)
}

pub(super) fn yamlencode(_: &FuncContext, args: &[Value]) -> FuncResult {
    yaml_encode(&args[0])
        .map(Value::String)
        .map_err(|e| call_error("yamlencode", e))
}

// ---------------------------------------------------------------- decoding

/// A small YAML reader: block mappings and sequences, flow collections,
/// plain, quoted and block scalars, comments, a single document.
struct Reader {
    lines: Vec<String>,
    pos: usize,
}

#[derive(Debug)]
enum Node {
    Scalar(String, bool),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
    /// `&name node`: the node, remembered under the name.
    Anchor(String, Box<Node>),
    /// `*name`: the node remembered under the name.
    Alias(String),
}

/// Splits a leading `&anchor` off a value's text.
fn take_anchor(t: &str) -> (Option<String>, &str) {
    match t.strip_prefix('&') {
        Some(rest) => {
            let end = rest.find([' ', '\t']).unwrap_or(rest.len());
            (Some(rest[..end].to_string()), rest[end..].trim_start())
        }
        None => (None, t),
    }
}

fn anchored(anchor: Option<String>, n: Node) -> Node {
    match anchor {
        Some(a) => Node::Anchor(a, Box::new(n)),
        None => n,
    }
}

fn indent_of(l: &str) -> usize {
    l.len() - l.trim_start_matches(' ').len()
}

fn strip_comment(l: &str) -> &str {
    let b = l.as_bytes();
    let (mut sq, mut dq) = (false, false);
    for i in 0..b.len() {
        match b[i] {
            b'\'' if !dq => sq = !sq,
            b'"' if !sq => dq = !dq,
            b'#' if !sq && !dq && (i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t') => {
                return l[..i].trim_end();
            }
            _ => {}
        }
    }
    l.trim_end()
}

/// Splits `key: value` at the first `: ` (or trailing `:`) outside quotes
/// and flow brackets.
fn split_key(l: &str) -> Option<(&str, &str)> {
    let b = l.as_bytes();
    let (mut sq, mut dq, mut depth) = (false, false, 0i32);
    for i in 0..b.len() {
        match b[i] {
            b'\'' if !dq => sq = !sq,
            b'"' if !sq => dq = !dq,
            b'[' | b'{' if !sq && !dq => depth += 1,
            b']' | b'}' if !sq && !dq => depth -= 1,
            b':' if !sq && !dq && depth == 0 && (i + 1 == b.len() || b[i + 1] == b' ') => {
                return Some((&l[..i], l[i + 1..].trim_start()));
            }
            _ => {}
        }
    }
    None
}

impl Reader {
    fn skip_blank(&mut self) {
        while self.pos < self.lines.len() {
            let l = strip_comment(&self.lines[self.pos]);
            if l.trim().is_empty() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn block(&mut self, min_indent: usize) -> Result<Node, String> {
        self.skip_blank();
        if self.pos >= self.lines.len() {
            return Ok(Node::Scalar(String::new(), false));
        }
        let line = strip_comment(&self.lines[self.pos]).to_string();
        let ind = indent_of(&line);
        if ind < min_indent {
            return Ok(Node::Scalar(String::new(), false));
        }
        let t = &line[ind..];
        if t == "-" || t.starts_with("- ") {
            self.sequence(ind)
        } else if split_key(t).is_some() && !t.starts_with('[') && !t.starts_with('{') {
            self.mapping(ind)
        } else {
            self.pos += 1;
            let mut text = t.to_string();
            // Multi-line plain or flow scalars continue on deeper lines.
            while self.pos < self.lines.len() {
                let n = strip_comment(&self.lines[self.pos]);
                if n.trim().is_empty() || indent_of(n) <= ind.saturating_sub(1) && ind > 0 {
                    break;
                }
                if indent_of(n) < min_indent
                    || (ind == 0 && indent_of(n) == 0 && !text.starts_with(['[', '{', '"', '\'']))
                {
                    break;
                }
                text.push(' ');
                text.push_str(n.trim());
                self.pos += 1;
            }
            inline_node(&text)
        }
    }

    fn sequence(&mut self, ind: usize) -> Result<Node, String> {
        let mut items = Vec::new();
        loop {
            self.skip_blank();
            if self.pos >= self.lines.len() {
                break;
            }
            let line = strip_comment(&self.lines[self.pos]).to_string();
            if indent_of(&line) != ind {
                break;
            }
            let t = &line[ind..];
            if !(t == "-" || t.starts_with("- ")) {
                break;
            }
            let (anchor, rest) = take_anchor(t[1..].trim_start());
            if rest.is_empty() {
                self.pos += 1;
                let n = self.block(ind + 1)?;
                items.push(anchored(anchor, n));
            } else if anchor.is_some() {
                let col = ind + (t.len() - rest.len());
                self.lines[self.pos] = format!("{}{}", " ".repeat(col), rest);
                let n = self.value_at(col)?;
                items.push(anchored(anchor, n));
            } else {
                // Re-read the rest as if it were its own indented line.
                let col = ind + (t.len() - rest.len());
                self.lines[self.pos] = format!("{}{}", " ".repeat(col), rest);
                items.push(self.value_at(col)?);
            }
        }
        Ok(Node::Seq(items))
    }

    /// The value starting on the current line at column `col`.
    fn value_at(&mut self, col: usize) -> Result<Node, String> {
        let line = strip_comment(&self.lines[self.pos]).to_string();
        let t = &line[col..];
        if t == "-" || t.starts_with("- ") {
            return self.sequence(col);
        }
        if split_key(t).is_some() && !t.starts_with(['[', '{', '"', '\'']) {
            return self.mapping(col);
        }
        if t.starts_with('|') || t.starts_with('>') {
            self.pos += 1;
            return Ok(self.block_scalar(t, col));
        }
        self.block(col)
    }

    fn block_scalar(&mut self, header: &str, parent: usize) -> Node {
        let folded = header.starts_with('>');
        let chomp = if header.contains('-') {
            '-'
        } else if header.contains('+') {
            '+'
        } else {
            ' '
        };
        let explicit = header
            .chars()
            .find(|c| c.is_ascii_digit())
            .and_then(|c| c.to_digit(10))
            .map(|d| parent + d as usize);
        let mut lines: Vec<String> = Vec::new();
        let mut ind = explicit;
        while self.pos < self.lines.len() {
            let l = &self.lines[self.pos];
            if l.trim().is_empty() {
                lines.push(String::new());
                self.pos += 1;
                continue;
            }
            let li = indent_of(l);
            let want = *ind.get_or_insert(li);
            if li < want || li <= parent && !(parent == 0 && li > 0) {
                break;
            }
            lines.push(l[want..].to_string());
            self.pos += 1;
        }
        let mut trailing = 0;
        while lines.last().is_some_and(|l| l.is_empty()) {
            lines.pop();
            trailing += 1;
        }
        let mut text = if folded {
            let mut s = String::new();
            for (i, l) in lines.iter().enumerate() {
                if i > 0 {
                    if l.is_empty() || lines[i - 1].is_empty() || l.starts_with(' ') {
                        s.push('\n');
                    } else {
                        s.push(' ');
                    }
                }
                s.push_str(l);
            }
            s
        } else {
            lines.join("\n")
        };
        match chomp {
            '-' => {}
            '+' => {
                if !lines.is_empty() {
                    text.push('\n');
                }
                text.push_str(&"\n".repeat(trailing));
            }
            _ => {
                if !lines.is_empty() {
                    text.push('\n');
                }
            }
        }
        Node::Scalar(text, true)
    }

    /// The value after `key:` on the current line (`rest`, possibly empty).
    fn mapping_value(
        &mut self,
        ind: usize,
        t: &str,
        key: String,
        rest: &str,
    ) -> Result<(String, Node), String> {
        if rest.is_empty() {
            self.pos += 1;
            self.skip_blank();
            let v = if self.pos < self.lines.len() {
                let n = strip_comment(&self.lines[self.pos]).to_string();
                let ni = indent_of(&n);
                let nt = &n[ni..];
                if ni > ind || (ni == ind && (nt == "-" || nt.starts_with("- "))) {
                    self.value_at(ni)?
                } else {
                    Node::Scalar(String::new(), false)
                }
            } else {
                Node::Scalar(String::new(), false)
            };
            return Ok((key, v));
        }
        if rest.starts_with('|') || rest.starts_with('>') {
            self.pos += 1;
            return Ok((key, self.block_scalar(rest, ind)));
        }
        let col = ind + (t.len() - rest.len());
        self.lines[self.pos] = format!("{}{}", " ".repeat(col), rest);
        Ok((key, self.block(col)?))
    }

    fn mapping(&mut self, ind: usize) -> Result<Node, String> {
        let mut entries = Vec::new();
        loop {
            self.skip_blank();
            if self.pos >= self.lines.len() {
                break;
            }
            let line = strip_comment(&self.lines[self.pos]).to_string();
            if indent_of(&line) != ind {
                if indent_of(&line) > ind {
                    return Err("mapping values are not allowed in this context".into());
                }
                break;
            }
            let t = &line[ind..];
            let Some((k, rest)) = split_key(t) else {
                return Err("could not find expected ':'".to_string());
            };
            let key = match inline_node(k.trim())? {
                Node::Scalar(s, _) => s,
                _ => return Err("invalid map key".into()),
            };
            if split_key(rest).is_some() && !rest.starts_with(['[', '{', '"', '\'']) {
                return Err("mapping values are not allowed in this context".into());
            }
            let (anchor, rest) = take_anchor(rest);
            if anchor.is_some() {
                let (key, v) = self.mapping_value(ind, t, key, rest)?;
                entries.push((key, anchored(anchor, v)));
                continue;
            }
            if rest.is_empty() {
                self.pos += 1;
                self.skip_blank();
                let v = if self.pos < self.lines.len() {
                    let n = strip_comment(&self.lines[self.pos]).to_string();
                    let ni = indent_of(&n);
                    let nt = &n[ni..];
                    if ni > ind || (ni == ind && (nt == "-" || nt.starts_with("- "))) {
                        self.value_at(ni)?
                    } else {
                        Node::Scalar(String::new(), false)
                    }
                } else {
                    Node::Scalar(String::new(), false)
                };
                entries.push((key, v));
            } else if rest.starts_with('|') || rest.starts_with('>') {
                self.pos += 1;
                entries.push((key, self.block_scalar(rest, ind)));
            } else {
                let col = ind + (t.len() - rest.len());
                self.lines[self.pos] = format!("{}{}", " ".repeat(col), rest);
                let v = self.block(col)?;
                entries.push((key, v));
            }
        }
        Ok(Node::Map(entries))
    }
}

/// Parses a flow value or scalar on one (joined) line.
fn inline_node(t: &str) -> Result<Node, String> {
    let mut p = Flow {
        s: t.chars().collect(),
        pos: 0,
    };
    let n = p.node(false)?;
    p.ws();
    if p.pos < p.s.len() {
        return Err("did not find expected <document start>".into());
    }
    Ok(n)
}

struct Flow {
    s: Vec<char>,
    pos: usize,
}

impl Flow {
    fn ws(&mut self) {
        while self.pos < self.s.len() && self.s[self.pos].is_whitespace() {
            self.pos += 1;
        }
    }
    fn node(&mut self, in_flow: bool) -> Result<Node, String> {
        self.ws();
        if matches!(self.s.get(self.pos), Some('&' | '*')) {
            let alias = self.s[self.pos] == '*';
            let start = self.pos + 1;
            let mut end = start;
            while end < self.s.len()
                && !self.s[end].is_whitespace()
                && !(in_flow && matches!(self.s[end], ',' | ']' | '}'))
            {
                end += 1;
            }
            let name: String = self.s[start..end].iter().collect();
            self.pos = end;
            if alias {
                return Ok(Node::Alias(name));
            }
            let n = self.node(in_flow)?;
            return Ok(Node::Anchor(name, Box::new(n)));
        }
        match self.s.get(self.pos) {
            Some('[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.ws();
                    if self.s.get(self.pos) == Some(&']') {
                        self.pos += 1;
                        break;
                    }
                    items.push(self.node(true)?);
                    self.ws();
                    match self.s.get(self.pos) {
                        Some(',') => self.pos += 1,
                        Some(']') => {}
                        None => return Err("\0eof:did not find expected ',' or ']'".into()),
                        _ => {
                            return Err("did not find expected ',' or ']'".into());
                        }
                    }
                }
                Ok(Node::Seq(items))
            }
            Some('{') => {
                self.pos += 1;
                let mut entries = Vec::new();
                loop {
                    self.ws();
                    if self.s.get(self.pos) == Some(&'}') {
                        self.pos += 1;
                        break;
                    }
                    let k = match self.node(true)? {
                        Node::Scalar(s, _) => s,
                        _ => return Err("invalid map key".into()),
                    };
                    self.ws();
                    let v = if self.s.get(self.pos) == Some(&':') {
                        self.pos += 1;
                        self.node(true)?
                    } else {
                        Node::Scalar(String::new(), false)
                    };
                    entries.push((k, v));
                    self.ws();
                    match self.s.get(self.pos) {
                        Some(',') => self.pos += 1,
                        Some('}') => {}
                        None => return Err("\0eof:did not find expected ',' or '}'".into()),
                        _ => return Err("did not find expected ',' or '}'".into()),
                    }
                }
                Ok(Node::Map(entries))
            }
            Some('"') => {
                self.pos += 1;
                let mut out = String::new();
                loop {
                    let c = *self
                        .s
                        .get(self.pos)
                        .ok_or("found unexpected end of stream")?;
                    self.pos += 1;
                    match c {
                        '"' => break,
                        '\\' => {
                            let e = *self
                                .s
                                .get(self.pos)
                                .ok_or("found unexpected end of stream")?;
                            self.pos += 1;
                            let hex = |f: &mut Flow, n: usize| -> Result<char, String> {
                                let h: String =
                                    f.s[f.pos..(f.pos + n).min(f.s.len())].iter().collect();
                                f.pos += n;
                                u32::from_str_radix(&h, 16)
                                    .ok()
                                    .and_then(char::from_u32)
                                    .ok_or_else(|| "found unknown escape character while parsing a quoted scalar".to_string())
                            };
                            out.push(match e {
                                '0' => '\0',
                                'a' => '\x07',
                                'b' => '\x08',
                                't' | '\t' => '\t',
                                'n' => '\n',
                                'v' => '\x0b',
                                'f' => '\x0c',
                                'r' => '\r',
                                'e' => '\x1b',
                                ' ' => ' ',
                                '"' => '"',
                                '/' => '/',
                                '\\' => '\\',
                                'N' => '\u{85}',
                                '_' => '\u{a0}',
                                'L' => '\u{2028}',
                                'P' => '\u{2029}',
                                'x' => hex(self, 2)?,
                                'u' => hex(self, 4)?,
                                'U' => hex(self, 8)?,
                                _ => return Err(
                                    "found unknown escape character while parsing a quoted scalar"
                                        .into(),
                                ),
                            });
                        }
                        c => out.push(c),
                    }
                }
                Ok(Node::Scalar(out, true))
            }
            Some('\'') => {
                self.pos += 1;
                let mut out = String::new();
                loop {
                    let c = *self
                        .s
                        .get(self.pos)
                        .ok_or("found unexpected end of stream")?;
                    self.pos += 1;
                    if c == '\'' {
                        if self.s.get(self.pos) == Some(&'\'') {
                            out.push('\'');
                            self.pos += 1;
                            continue;
                        }
                        break;
                    }
                    out.push(c);
                }
                Ok(Node::Scalar(out, true))
            }
            _ => {
                let start = self.pos;
                while self.pos < self.s.len() {
                    let c = self.s[self.pos];
                    if in_flow && matches!(c, ',' | ']' | '}') {
                        break;
                    }
                    if in_flow
                        && c == ':'
                        && (self.pos + 1 == self.s.len()
                            || self.s[self.pos + 1] == ' '
                            || matches!(self.s.get(self.pos + 1), Some(',' | ']' | '}')))
                    {
                        break;
                    }
                    self.pos += 1;
                }
                let text: String = self.s[start..self.pos].iter().collect();
                Ok(Node::Scalar(text.trim().to_string(), false))
            }
        }
    }
}

/// Resolves a plain scalar's type as go-yaml (YAML 1.1 booleans included).
fn resolve_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::null(),
        "true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y" => {
            return Value::Bool(true)
        }
        "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N" => {
            return Value::Bool(false)
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Value::Number(Number::infinity(false))
        }
        "-.inf" | "-.Inf" | "-.INF" => return Value::Number(Number::infinity(true)),
        _ => {}
    }
    if let Some(t) = timestamp(s) {
        return Value::String(t);
    }
    let plain = s.replace('_', "");
    let (neg, body) = match plain.strip_prefix('-') {
        Some(b) => (true, b.to_string()),
        None => (false, plain.trim_start_matches('+').to_string()),
    };
    let radix = if let Some(h) = body.strip_prefix("0x") {
        Some((16, h.to_string()))
    } else if let Some(o) = body.strip_prefix("0o") {
        Some((8, o.to_string()))
    } else {
        body.strip_prefix("0b").map(|b| (2, b.to_string()))
    };
    if let Some((r, digits)) = radix {
        if !digits.is_empty() && digits.chars().all(|c| c.is_digit(r)) {
            let mut acc = Number::zero();
            let base = Number::from_i64(r as i64);
            for c in digits.chars() {
                let d = Number::from_i64(c.to_digit(r).unwrap_or(0) as i64);
                acc = acc.mul(&base).and_then(|x| x.add(&d)).unwrap_or(acc);
            }
            return Value::Number(if neg { acc.neg() } else { acc });
        }
    }
    let numeric = !body.is_empty()
        && body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if numeric {
        if let Ok(n) = Number::parse(&plain) {
            return Value::Number(n);
        }
    }
    Value::string(s)
}

fn to_value(n: Node, anchors: &mut BTreeMap<String, Value>) -> Result<Value, String> {
    Ok(match n {
        Node::Scalar(s, true) => Value::String(s),
        Node::Scalar(s, false) => resolve_plain(&s),
        Node::Seq(items) => Value::Tuple(
            items
                .into_iter()
                .map(|i| to_value(i, anchors))
                .collect::<Result<_, _>>()?,
        ),
        Node::Map(entries) => {
            let mut m = BTreeMap::new();
            for (k, v) in entries {
                m.insert(k, to_value(v, anchors)?);
            }
            Value::Object(m)
        }
        Node::Anchor(name, n) => {
            let v = to_value(*n, anchors)?;
            anchors.insert(name, v.clone());
            v
        }
        Node::Alias(name) => anchors
            .get(&name)
            .cloned()
            .ok_or_else(|| format!("unknown anchor '{name}' referenced"))?,
    })
}

/// A plain scalar that is a YAML timestamp, in RFC 3339 as go-cty-yaml
/// renders it (`2019-01-01` is `2019-01-01T00:00:00Z`).
fn timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let num = |t: &str, min: usize, max: usize| -> Option<u32> {
        (t.len() >= min && t.len() <= max && t.bytes().all(|c| c.is_ascii_digit()))
            .then(|| t.parse().ok())
            .flatten()
    };
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some((&s[i..i + 1], &s[i + 1..]))),
        None => (s, None),
    };
    let mut d = date.split('-');
    let year = num(d.next()?, 4, 4)?;
    let month = num(d.next()?, 1, 2)?;
    let day = num(d.next()?, 1, 2)?;
    if d.next().is_some() || !(1..=12).contains(&month) || day == 0 {
        return None;
    }
    let days_in_month = match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day > days_in_month {
        return None;
    }
    let (mut h, mut mi, mut sec, mut zone) = (0, 0, 0, "Z".to_string());
    if let Some((sep, t)) = time {
        // With a space there is no zone; with T (or t) there must be one.
        let (clock, z) = if sep == " " {
            (t, None)
        } else {
            let i = t.find(['Z', '+', '-'])?;
            (&t[..i], Some(&t[i..]))
        };
        let mut c = clock.split(':');
        h = num(c.next()?, 1, 2)?;
        mi = num(c.next()?, 1, 2)?;
        let sf = c.next()?;
        if c.next().is_some() {
            return None;
        }
        let (secs, frac) = sf.split_once('.').unwrap_or((sf, ""));
        sec = num(secs, 1, 2)?;
        if !frac.is_empty() && (frac.len() > 9 || !frac.bytes().all(|c| c.is_ascii_digit())) {
            return None;
        }
        if h > 23 || mi > 59 || sec > 59 {
            return None;
        }
        if let Some(z) = z {
            if z != "Z" {
                let (zh, zm) = z[1..].split_once(':')?;
                let (zh, zm) = (num(zh, 2, 2)?, num(zm, 2, 2)?);
                zone = if zh == 0 && zm == 0 {
                    "Z".into()
                } else {
                    format!("{}{zh:02}:{zm:02}", &z[..1])
                };
            }
        }
    }
    Some(format!(
        "{year:04}-{month:02}-{day:02}T{h:02}:{mi:02}:{sec:02}{zone}"
    ))
}

pub(super) fn yaml_decode(src: &str) -> Result<Value, String> {
    let text = src.replace("\r\n", "\n");
    let mut lines: Vec<String> = text.split('\n').map(String::from).collect();
    // The position of the end of the stream, where libyaml reports what it
    // did not find (0-based line, as go-cty-yaml prints it).
    let eof_line =
        text.matches('\n').count() + usize::from(!text.ends_with('\n') && !text.is_empty());
    let at = |line: usize, msg: String| {
        if line == 0 {
            msg
        } else {
            format!("on line {line}, column 1: {msg}")
        }
    };
    let is_doc_start = |l: &str| l == "---" || l.starts_with("--- ") || l.starts_with("---\t");
    // An explicit start of the first document.
    let first = lines
        .iter()
        .position(|l| !strip_comment(l).trim().is_empty());
    if let Some(i) = first {
        if is_doc_start(&lines[i]) {
            lines[i] = lines[i][3..].to_string();
        }
    }
    // A second document is an error.
    let second = first.and_then(|i| {
        lines
            .iter()
            .enumerate()
            .skip(i + 1)
            .find(|(_, l)| is_doc_start(l))
            .map(|(n, _)| n)
    });
    if let Some(n) = second {
        lines.truncate(n);
    }
    let lines: Vec<String> = lines.into_iter().filter(|l| l.trim() != "...").collect();
    let node = if lines.iter().all(|l| strip_comment(l).trim().is_empty()) {
        if first.is_none() {
            return Err("on line 1, column 1: missing start of document".into());
        }
        Node::Scalar(String::new(), false)
    } else {
        let mut r = Reader { lines, pos: 0 };
        r.skip_blank();
        let first = strip_comment(&r.lines[r.pos]).to_string();
        let ind = indent_of(&first);
        let node = if first[ind..].starts_with('|') || first[ind..].starts_with('>') {
            r.pos += 1;
            r.block_scalar(&first[ind..], 0)
        } else {
            r.value_at(ind)
                .map_err(|e| match e.strip_prefix("\0eof:") {
                    Some(msg) => at(eof_line, msg.to_string()),
                    None => e,
                })?
        };
        r.skip_blank();
        if r.pos < r.lines.len() {
            return Err("did not find expected <document start>".into());
        }
        node
    };
    if let Some(n) = second {
        return Err(at(n, "unexpected extra content after value".into()));
    }
    to_value(node, &mut BTreeMap::new())
}

pub(super) fn yamldecode(_: &FuncContext, args: &[Value]) -> FuncResult {
    let src = args[0].as_str().unwrap_or("");
    yaml_decode(src).map_err(|e| call_error("yamldecode", e))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::check;

    #[test]
    fn yaml_functions() {
        check(&[
            (
                r###"yamlencode({a=1, b="x", c=[1, "two", true, null], d={}, e=[], f="multi\nline", g="", h="true", i="1.5", j=" x", k="a: b", l=1.5e30, m=[[1,2],{x=1}], n="#x", o="~", p="null", q="-", r="é", s="it's", t="a\"b"})"###,
                r###"<<EOT
"a": 1
"b": "x"
"c":
- 1
- "two"
- true
- null
"d": {}
"e": []
"f": |-
  multi
  line
"g": ""
"h": "true"
"i": "1.5"
"j": " x"
"k": "a: b"
"l": 1500000000000000000000000000000
"m":
- - 1
  - 2
- "x": 1
"n": "#x"
"o": "~"
"p": "null"
"q": "-"
"r": "é"
"s": "it's"
"t": "a\"b"

EOT"###,
            ),
            (
                r###"yamlencode({a="aaaaaaaaaa bbbbbbbbbbbbb cccccccccccccccc dddddddddddddddddd eeeeeeeeeeeeeeeeee fffffffffffffff gggggggggggg", b="x\n", c="x\n\n", d=" x\ny", e="tab\there", f="x \ny", g={h={i=[{j=1, k=[]}]}}, "key with space"=1, "1"=2})"###,
                r###"<<EOT
"1": 2
"a": "aaaaaaaaaa bbbbbbbbbbbbb cccccccccccccccc dddddddddddddddddd eeeeeeeeeeeeeeeeee
  fffffffffffffff gggggggggggg"
"b": |
  x
"c": |+
  x

"d": |2-
   x
  y
"e": "tab\there"
"f": "x \ny"
"g":
  "h":
    "i":
    - "j": 1
      "k": []
"key with space": 1

EOT"###,
            ),
            (
                r###"yamlencode("x")"###,
                r###"<<EOT
"x"

EOT"###,
            ),
            (
                r###"yamlencode([])"###,
                r###"<<EOT
[]

EOT"###,
            ),
            (
                r###"yamlencode(1)"###,
                r###"<<EOT
1
...

EOT"###,
            ),
            (
                r###"yamlencode(true)"###,
                r###"<<EOT
true
...

EOT"###,
            ),
            (
                r###"yamlencode(null)"###,
                r###"<<EOT
null
...

EOT"###,
            ),
            (
                r###"yamlencode(["a\nb"])"###,
                r###"<<EOT
- |-
  a
  b

EOT"###,
            ),
            (
                r###"yamlencode(tomap({b="1", a="2"}))"###,
                r###"<<EOT
"a": "2"
"b": "1"

EOT"###,
            ),
            (
                r###"yamldecode("a: 1\nb: [x, 2]\nc:\n  - true\n  - null\nd: \"q\"\ne: 1.5\nf: yes\n")"###,
                r###"{
  "a" = 1
  "b" = [
    "x",
    2,
  ]
  "c" = [
    true,
    null,
  ]
  "d" = "q"
  "e" = 1.5
  "f" = true
}"###,
            ),
            (
                r###"yamldecode("")"###,
                r###"error: Error in function call: Call to function "yamldecode" failed: on line 1, column 1: missing start of document."###,
            ),
            (
                r###"yamldecode("- a\n- b")"###,
                r###"[
  "a",
  "b",
]"###,
            ),
            (
                r###"yamldecode("x: |\n  line1\n  line2\n")"###,
                r###"{
  "x" = <<-EOT
  line1
  line2
  
  EOT
}"###,
            ),
            (r###"yamldecode("0x10")"###, r###"16"###),
            (r###"yamldecode("~")"###, r###"null"###),
            (r###"yamldecode("hello")"###, r###""hello""###),
            (r###"yamldecode("'it''s'")"###, r###""it's""###),
            (
                r###"yamldecode("a:\n  b:\n    c: [1, {d: e}]\n  f: g # comment\n")"###,
                r###"{
  "a" = {
    "b" = {
      "c" = [
        1,
        {
          "d" = "e"
        },
      ]
    }
    "f" = "g"
  }
}"###,
            ),
            (
                r###"yamldecode("- name: x\n  value: 1\n- name: y\n  value: 2\n")"###,
                r###"[
  {
    "name" = "x"
    "value" = 1
  },
  {
    "name" = true
    "value" = 2
  },
]"###,
            ),
            (
                r###"yamldecode("a: >\n  folded\n  text\n")"###,
                r###"{
  "a" = <<-EOT
  folded text
  
  EOT
}"###,
            ),
            (
                r###"yamldecode("{a: 1, b: [2, 3]}")"###,
                r###"{
  "a" = 1
  "b" = [
    2,
    3,
  ]
}"###,
            ),
            (
                r###"yamldecode("---\na: 1\n")"###,
                r###"{
  "a" = 1
}"###,
            ),
            (
                r###"yamldecode("a: 1.0\nb: -5\nc: 1e3\nd: 010")"###,
                r###"{
  "a" = 1
  "b" = -5
  "c" = 1000
  "d" = 10
}"###,
            ),
            (
                r###"yamldecode("k: \"esc\\tx\\u00e9\"")"###,
                r###"{
  "k" = "esc\txé"
}"###,
            ),
            (
                r###"yamldecode("list:\n- 1\n- 2\n")"###,
                r###"{
  "list" = [
    1,
    2,
  ]
}"###,
            ),
            // CASES:yaml
        ]);
    }
}
