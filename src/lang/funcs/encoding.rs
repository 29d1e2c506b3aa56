//! Encoding functions: base64decode, base64encode, base64gzip, csvdecode,
//! jsondecode, jsonencode, textdecodebase64, textencodebase64, urlencode,
//! yamldecode, yamlencode.

use super::{
    arg_error, call_error, go_quote, ret_dynamic, ret_string, FuncContext, FuncResult, Function,
    Param, ParamType,
};
use base64::Engine;
use std::collections::BTreeMap;
use tfrs_provider::{Number, Type, Value};

const STR: Param = Param::new("str", ParamType::String);

pub const FUNCTIONS: &[Function] = &[
    Function {
        name: "base64decode",
        params: &[STR],
        variadic: None,
        return_type: ret_string,
        imp: base64decode,
    },
    Function {
        name: "base64encode",
        params: &[STR],
        variadic: None,
        return_type: ret_string,
        imp: base64encode,
    },
    Function {
        name: "base64gzip",
        params: &[STR],
        variadic: None,
        return_type: ret_string,
        imp: base64gzip,
    },
    Function {
        name: "csvdecode",
        params: &[STR],
        variadic: None,
        return_type: ret_dynamic,
        imp: csvdecode,
    },
    Function {
        name: "jsondecode",
        params: &[STR],
        variadic: None,
        return_type: ret_dynamic,
        imp: jsondecode,
    },
    Function {
        name: "jsonencode",
        params: &[Param::new("val", ParamType::Any)
            .allow_null()
            .allow_dynamic_type()],
        variadic: None,
        return_type: ret_string,
        imp: jsonencode,
    },
    Function {
        name: "textdecodebase64",
        params: &[
            Param::new("source", ParamType::String),
            Param::new("encoding", ParamType::String),
        ],
        variadic: None,
        return_type: ret_string,
        imp: textdecodebase64,
    },
    Function {
        name: "textencodebase64",
        params: &[
            Param::new("string", ParamType::String),
            Param::new("encoding", ParamType::String),
        ],
        variadic: None,
        return_type: ret_string,
        imp: textencodebase64,
    },
    Function {
        name: "urlencode",
        params: &[STR],
        variadic: None,
        return_type: ret_string,
        imp: urlencode,
    },
    Function {
        name: "yamldecode",
        params: &[Param::new("src", ParamType::String)],
        variadic: None,
        return_type: ret_dynamic,
        imp: super::yaml::yamldecode,
    },
    Function {
        name: "yamlencode",
        params: &[Param::new("value", ParamType::Any)
            .allow_null()
            .allow_dynamic_type()],
        variadic: None,
        return_type: ret_string,
        imp: super::yaml::yamlencode,
    },
];

fn s(v: &Value) -> &str {
    v.as_str().expect("converted to string")
}

/// Go's `base64.StdEncoding` decoder: padding required, trailing bits
/// allowed, CR and LF ignored.
pub(super) fn go_base64_decode(text: &str) -> Option<Vec<u8>> {
    let cfg = base64::engine::GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireCanonical);
    let engine = base64::engine::GeneralPurpose::new(&base64::alphabet::STANDARD, cfg);
    let cleaned: String = text.chars().filter(|c| *c != '\r' && *c != '\n').collect();
    engine.decode(cleaned).ok()
}

pub(super) fn base64_encode(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

fn base64decode(_: &FuncContext, args: &[Value]) -> FuncResult {
    let text = s(&args[0]);
    let bytes = go_base64_decode(text).ok_or_else(|| {
        call_error(
            "base64decode",
            format!("failed to decode base64 data {}", go_quote(text)),
        )
    })?;
    let out = String::from_utf8(bytes).map_err(|_| {
        call_error(
            "base64decode",
            "the result of decoding the provided string is not valid UTF-8",
        )
    })?;
    Ok(Value::String(out))
}

fn base64encode(_: &FuncContext, args: &[Value]) -> FuncResult {
    Ok(Value::String(base64_encode(s(&args[0]).as_bytes())))
}

/// Go's gzip of `Write`, `Flush`, `Close`: the data in a non-final block
/// ended by a sync flush, then an empty final stored block.
fn base64gzip(_: &FuncContext, args: &[Value]) -> FuncResult {
    let data = s(&args[0]).as_bytes();
    let mut c = flate2::Compress::new(flate2::Compression::default(), false);
    let mut deflated = Vec::with_capacity(data.len() + 64);
    let mut input = data;
    loop {
        deflated.reserve(data.len() + 64);
        let before = c.total_in();
        c.compress_vec(input, &mut deflated, flate2::FlushCompress::Sync)
            .map_err(|e| call_error("base64gzip", format!("failed to write gzip raw data: {e}")))?;
        input = &input[(c.total_in() - before) as usize..];
        if input.is_empty() && deflated.len() < deflated.capacity() {
            break;
        }
    }
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend_from_slice(&deflated);
    out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    let mut h = crc32fast::Hasher::new();
    h.update(data);
    out.extend_from_slice(&h.finalize().to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    Ok(Value::String(base64_encode(&out)))
}

// ---------------------------------------------------------------- CSV

/// Go's `encoding/csv` reader, enough for `csvdecode`.
struct CsvReader<'a> {
    lines: Vec<&'a str>,
    pos: usize,
    line_no: usize,
}

enum CsvError {
    Parse { line: usize, msg: String },
}

impl<'a> CsvReader<'a> {
    fn new(text: &'a str) -> CsvReader<'a> {
        CsvReader {
            lines: text.split_inclusive('\n').collect(),
            pos: 0,
            line_no: 0,
        }
    }

    fn next_line(&mut self) -> Option<String> {
        let l = *self.lines.get(self.pos)?;
        self.pos += 1;
        self.line_no += 1;
        let mut l = l.to_string();
        if l.ends_with("\r\n") {
            l.truncate(l.len() - 2);
            l.push('\n');
        }
        Some(l)
    }

    fn read(&mut self) -> Option<Result<Vec<String>, CsvError>> {
        // Skip empty lines.
        let mut line = loop {
            let l = self.next_line()?;
            if l == "\n" || l.is_empty() {
                continue;
            }
            break l;
        };
        let mut fields = Vec::new();
        let mut i = 0;
        loop {
            let rest = &line[i..];
            if !rest.starts_with('"') {
                // Unquoted field.
                let end = rest.find(',').unwrap_or(rest.len());
                let mut field = &rest[..end];
                if end == rest.len() {
                    field = field.strip_suffix('\n').unwrap_or(field);
                }
                if field.contains('"') {
                    return Some(Err(CsvError::Parse {
                        line: self.line_no,
                        msg: "bare \" in non-quoted-field".into(),
                    }));
                }
                fields.push(field.to_string());
                if end < rest.len() {
                    i += end + 1;
                    continue;
                }
                break;
            }
            // Quoted field.
            let mut field = String::new();
            let mut j = i + 1;
            loop {
                let rest = &line[j..];
                match rest.find('"') {
                    Some(q) => {
                        field.push_str(&rest[..q]);
                        let after = &rest[q + 1..];
                        if after.starts_with('"') {
                            field.push('"');
                            j += q + 2;
                        } else if after.starts_with(',') {
                            fields.push(std::mem::take(&mut field));
                            i = j + q + 2;
                            break;
                        } else if after.is_empty() || after == "\n" {
                            fields.push(std::mem::take(&mut field));
                            return Some(Ok(fields));
                        } else {
                            return Some(Err(CsvError::Parse {
                                line: self.line_no,
                                msg: "extraneous or missing \" in quoted-field".into(),
                            }));
                        }
                    }
                    None => {
                        field.push_str(rest);
                        match self.next_line() {
                            Some(l) => {
                                line = l;
                                j = 0;
                            }
                            None => {
                                return Some(Err(CsvError::Parse {
                                    line: self.line_no,
                                    msg: "extraneous or missing \" in quoted-field".into(),
                                }));
                            }
                        }
                    }
                }
            }
            if i >= line.len() {
                fields.push(String::new());
                break;
            }
        }
        Some(Ok(fields))
    }
}

fn csvdecode(_: &FuncContext, args: &[Value]) -> FuncResult {
    let fail = |e: CsvError| match e {
        CsvError::Parse { line, msg } => call_error(
            "csvdecode",
            format!("CSV parse error on line {line}: {msg}"),
        ),
    };
    let mut r = CsvReader::new(s(&args[0]));
    let headers = match r.read() {
        None => return Err(call_error("csvdecode", "missing header line")),
        Some(h) => h.map_err(fail)?,
    };
    let mut seen = std::collections::BTreeSet::new();
    for h in &headers {
        if !seen.insert(h.clone()) {
            return Err(call_error(
                "csvdecode",
                format!("duplicate column name {}", go_quote(h)),
            ));
        }
    }
    let ety = Type::object(headers.iter().map(|h| (h.clone(), Type::String)).collect());
    let mut rows = Vec::new();
    while let Some(rec) = r.read() {
        let cols = rec.map_err(fail)?;
        if cols.len() != headers.len() {
            return Err(call_error(
                "csvdecode",
                format!(
                    "CSV parse error on line {}: wrong number of fields",
                    r.line_no
                ),
            ));
        }
        rows.push(Value::Object(
            headers
                .iter()
                .cloned()
                .zip(cols.into_iter().map(Value::String))
                .collect(),
        ));
    }
    Ok(Value::List(ety, rows))
}

// ---------------------------------------------------------------- JSON

/// Go's JSON string encoding (HTML-safe, as `encoding/json` does).
pub(super) fn json_quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// cty's JSON encoding of a value (`jsonencode`, `%#v`).
pub(super) fn json_encode(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    json_write(v, &mut out)?;
    Ok(out)
}

fn json_write(v: &Value, out: &mut String) -> Result<(), String> {
    match v {
        Value::Sensitive(inner) => json_write(inner, out)?,
        Value::Unknown(_) => return Err("value is not known".into()),
        Value::Null(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_infinite() => {
            return Err("cannot serialize infinity as JSON".into())
        }
        Value::Number(n) => out.push_str(&n.to_terraform_string()),
        Value::String(s) => json_quote(s, out),
        Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => {
            out.push('[');
            for (i, e) in vs.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_write(e, out)?;
            }
            out.push(']');
        }
        Value::Map(_, m) | Value::Object(m) => {
            out.push('{');
            for (i, (k, e)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_quote(k, out);
                out.push(':');
                json_write(e, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn jsonencode(_: &FuncContext, args: &[Value]) -> FuncResult {
    json_encode(&args[0])
        .map(Value::String)
        .map_err(|e| call_error("jsonencode", e))
}

/// Go's quoting of a character in JSON syntax errors.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c => {
            let q = go_quote(&c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

struct JsonParser<'a> {
    s: &'a str,
    pos: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while let Some(c) = self.s[self.pos..].chars().next() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }
    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }
    fn value(&mut self) -> Result<Value, String> {
        self.ws();
        let c = self.peek().ok_or("EOF")?;
        match c {
            '{' => {
                self.pos += 1;
                let mut m = BTreeMap::new();
                self.ws();
                if self.peek() == Some('}') {
                    self.pos += 1;
                    return Ok(Value::Object(m));
                }
                loop {
                    self.ws();
                    match self.peek() {
                        None => return Err("EOF".into()),
                        Some('"') => {}
                        Some(c) => return Err(format!("invalid character {}", quote_char(c))),
                    }
                    let k = self.string()?;
                    self.ws();
                    match self.peek() {
                        None => return Err("EOF".into()),
                        Some(':') => self.pos += 1,
                        Some(c) => {
                            return Err(format!(
                                "invalid character {} after object key",
                                quote_char(c)
                            ))
                        }
                    }
                    let v = self.value()?;
                    m.insert(k, v);
                    self.ws();
                    match self.peek() {
                        None => return Err("EOF".into()),
                        Some(',') => self.pos += 1,
                        Some('}') => {
                            self.pos += 1;
                            return Ok(Value::Object(m));
                        }
                        Some(c) => {
                            return Err(format!(
                                "invalid character {} after object key:value pair",
                                quote_char(c)
                            ))
                        }
                    }
                }
            }
            '[' => {
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(']') {
                    self.pos += 1;
                    return Ok(Value::Tuple(items));
                }
                loop {
                    items.push(self.value()?);
                    self.ws();
                    match self.peek() {
                        None => return Err("EOF".into()),
                        Some(',') => self.pos += 1,
                        Some(']') => {
                            self.pos += 1;
                            return Ok(Value::Tuple(items));
                        }
                        Some(c) => {
                            return Err(format!(
                                "invalid character {} after array element",
                                quote_char(c)
                            ))
                        }
                    }
                }
            }
            '"' => self.string().map(Value::String),
            't' | 'f' | 'n' => {
                let word = if c == 't' {
                    "true"
                } else if c == 'f' {
                    "false"
                } else {
                    "null"
                };
                let rest = &self.s[self.pos..];
                if rest.starts_with(word) {
                    self.pos += word.len();
                    return Ok(match c {
                        't' => Value::Bool(true),
                        'f' => Value::Bool(false),
                        _ => Value::null(),
                    });
                }
                for (i, (a, b)) in rest.chars().zip(word.chars()).enumerate() {
                    if a != b {
                        let _ = i;
                        return Err(format!(
                            "invalid character {} in literal {} (expecting {})",
                            quote_char(a),
                            word,
                            quote_char(b)
                        ));
                    }
                }
                Err("unexpected EOF".into())
            }
            '-' | '0'..='9' => {
                let start = self.pos;
                while let Some(c) = self.peek() {
                    if c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E') {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                let text = &self.s[start..self.pos];
                Number::parse(text)
                    .map(Value::Number)
                    .map_err(|_| format!("invalid number literal {}", go_quote(text)))
            }
            c => Err(format!(
                "invalid character {} looking for beginning of value",
                quote_char(c)
            )),
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.pos..self.pos + 4)?;
        let v = u32::from_str_radix(h, 16).ok()?;
        self.pos += 4;
        Some(v)
    }

    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let c = self.peek().ok_or("unexpected EOF")?;
            self.pos += c.len_utf8();
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let e = self.peek().ok_or("unexpected EOF")?;
                    self.pos += e.len_utf8();
                    match e {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\x08'),
                        'f' => out.push('\x0c'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let u = self
                                .hex4()
                                .ok_or("invalid character in \\u hexadecimal character escape")?;
                            if (0xd800..0xdc00).contains(&u)
                                && self.s[self.pos..].starts_with("\\u")
                            {
                                let save = self.pos;
                                self.pos += 2;
                                match self.hex4() {
                                    Some(l) if (0xdc00..0xe000).contains(&l) => {
                                        let cp = 0x10000 + ((u - 0xd800) << 10) + (l - 0xdc00);
                                        out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                                        continue;
                                    }
                                    _ => self.pos = save,
                                }
                            }
                            out.push(char::from_u32(u).unwrap_or('\u{fffd}'));
                        }
                        c => {
                            return Err(format!(
                                "invalid character {} in string escape code",
                                quote_char(c)
                            ))
                        }
                    }
                }
                c if (c as u32) < 0x20 => {
                    return Err(format!(
                        "invalid character {} in string literal",
                        quote_char(c)
                    ))
                }
                c => out.push(c),
            }
        }
    }
}

/// Parses JSON into a cty value of the implied type (objects, tuples,
/// arbitrary-precision numbers).
pub(super) fn json_decode(text: &str) -> Result<Value, String> {
    let mut p = JsonParser { s: text, pos: 0 };
    let v = p.value()?;
    p.ws();
    if p.pos < text.len() {
        return Err("extraneous data after JSON object".into());
    }
    Ok(v)
}

fn jsondecode(_: &FuncContext, args: &[Value]) -> FuncResult {
    json_decode(s(&args[0])).map_err(|e| call_error("jsondecode", e))
}

// ---------------------------------------------------------------- text encodings

#[derive(Clone, Copy, PartialEq)]
enum TextEnc {
    Utf8,
    Utf16Le,
    Utf16Be,
    Utf16,
    Latin1,
    Windows1252,
    Ascii,
}

fn text_encoding(name: &str) -> Option<TextEnc> {
    let n = name.to_ascii_lowercase();
    Some(match n.as_str() {
        "utf-8" | "utf8" | "csutf8" => TextEnc::Utf8,
        "utf-16le" | "csutf16le" => TextEnc::Utf16Le,
        "utf-16be" | "csutf16be" => TextEnc::Utf16Be,
        "utf-16" | "csutf16" => TextEnc::Utf16,
        "iso-8859-1" | "iso_8859-1" | "latin1" | "l1" | "iso-ir-100" | "iso_8859-1:1987"
        | "ibm819" | "cp819" | "csisolatin1" => TextEnc::Latin1,
        "windows-1252" | "cswindows1252" => TextEnc::Windows1252,
        "us-ascii" | "ascii" | "iso646-us" | "csascii" | "us" | "ansi_x3.4-1968" => TextEnc::Ascii,
        _ => return None,
    })
}

const CP1252_HIGH: [u16; 32] = [
    0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039,
    0x0152, 0xfffd, 0x017d, 0xfffd, 0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
    0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
];

fn enc_name_error(i: usize, name: &str) -> super::FuncError {
    arg_error(
        i,
        "encoding",
        format!(
            "{} is not a supported IANA encoding name or alias in this Terraform version",
            go_quote(name)
        ),
    )
}

fn textencodebase64(_: &FuncContext, args: &[Value]) -> FuncResult {
    let text = s(&args[0]);
    let name = s(&args[1]);
    let enc = text_encoding(name).ok_or_else(|| enc_name_error(1, name))?;
    let bad = || {
        arg_error(
            0,
            "string",
            format!(
                "the given string contains characters that cannot be represented in {}",
                canonical_name(enc)
            ),
        )
    };
    let mut out = Vec::new();
    match enc {
        TextEnc::Utf8 => out.extend_from_slice(text.as_bytes()),
        TextEnc::Utf16Le => {
            for u in text.encode_utf16() {
                out.extend_from_slice(&u.to_le_bytes());
            }
        }
        TextEnc::Utf16Be | TextEnc::Utf16 => {
            if enc == TextEnc::Utf16 {
                out.extend_from_slice(&[0xfe, 0xff]);
            }
            for u in text.encode_utf16() {
                out.extend_from_slice(&u.to_be_bytes());
            }
        }
        TextEnc::Latin1 | TextEnc::Ascii | TextEnc::Windows1252 => {
            for c in text.chars() {
                let u = c as u32;
                let b = if u < 0x80 || (enc == TextEnc::Latin1 && u < 0x100) {
                    Some(u as u8)
                } else if enc == TextEnc::Windows1252 {
                    if (0xa0..0x100).contains(&u) {
                        Some(u as u8)
                    } else {
                        CP1252_HIGH
                            .iter()
                            .position(|x| *x as u32 == u && u != 0xfffd)
                            .map(|p| 0x80 + p as u8)
                    }
                } else {
                    None
                };
                match b {
                    Some(b) => out.push(b),
                    None => return Err(bad()),
                }
            }
        }
    }
    Ok(Value::String(base64_encode(&out)))
}

fn canonical_name(enc: TextEnc) -> &'static str {
    match enc {
        TextEnc::Utf8 => "UTF-8",
        TextEnc::Utf16Le => "UTF-16LE",
        TextEnc::Utf16Be => "UTF-16BE",
        TextEnc::Utf16 => "UTF-16",
        TextEnc::Latin1 => "ISO_8859-1:1987",
        TextEnc::Windows1252 => "windows-1252",
        TextEnc::Ascii => "US-ASCII",
    }
}

fn textdecodebase64(_: &FuncContext, args: &[Value]) -> FuncResult {
    let src = s(&args[0]);
    let name = s(&args[1]);
    let enc = text_encoding(name).ok_or_else(|| enc_name_error(1, name))?;
    let bytes = go_base64_decode(src).ok_or_else(|| {
        arg_error(
            0,
            "source",
            "the given value is has an invalid base64 symbol at offset 0",
        )
    })?;
    let out: String = match enc {
        TextEnc::Utf8 => String::from_utf8_lossy(&bytes).into_owned(),
        TextEnc::Utf16Le | TextEnc::Utf16Be | TextEnc::Utf16 => {
            let mut b: &[u8] = &bytes;
            let mut be = enc == TextEnc::Utf16Be;
            if enc == TextEnc::Utf16 && b.len() >= 2 {
                if b[0] == 0xfe && b[1] == 0xff {
                    be = true;
                    b = &b[2..];
                } else if b[0] == 0xff && b[1] == 0xfe {
                    b = &b[2..];
                }
            }
            let units: Vec<u16> = b
                .chunks(2)
                .map(|c| {
                    let pair = [c[0], *c.get(1).unwrap_or(&0)];
                    if be {
                        u16::from_be_bytes(pair)
                    } else {
                        u16::from_le_bytes(pair)
                    }
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        TextEnc::Latin1 => bytes.iter().map(|b| *b as char).collect(),
        TextEnc::Ascii => bytes
            .iter()
            .map(|b| if *b < 0x80 { *b as char } else { '\u{fffd}' })
            .collect(),
        TextEnc::Windows1252 => bytes
            .iter()
            .map(|b| {
                if (0x80..0xa0).contains(b) {
                    char::from_u32(CP1252_HIGH[(*b - 0x80) as usize] as u32).unwrap_or('\u{fffd}')
                } else {
                    *b as char
                }
            })
            .collect(),
    };
    Ok(Value::String(out))
}

/// Go's `url.QueryEscape`.
fn urlencode(_: &FuncContext, args: &[Value]) -> FuncResult {
    let mut out = String::new();
    for b in s(&args[0]).bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::check;

    #[test]
    fn encoding_functions() {
        check(&[
            (
                r###"base64encode("Hello, World! é")"###,
                r###""SGVsbG8sIFdvcmxkISDDqQ==""###,
            ),
            (
                r###"base64decode("SGVsbG8sIFdvcmxkIQ==")"###,
                r###""Hello, World!""###,
            ),
            (
                r###"base64decode("SGVsbG8")"###,
                r###"error: Error in function call: Call to function "base64decode" failed: failed to decode base64 data "SGVsbG8"."###,
            ),
            (
                r###"base64decode("!!")"###,
                r###"error: Error in function call: Call to function "base64decode" failed: failed to decode base64 data "!!"."###,
            ),
            (
                r###"base64decode("/w==")"###,
                r###"error: Error in function call: Call to function "base64decode" failed: the result of decoding the provided string is not valid UTF-8."###,
            ),
            (
                r###"base64gzip("hello")"###,
                r###""H4sIAAAAAAAA/8pIzcnJBwAAAP//AQAA//+GphA2BQAAAA==""###,
            ),
            (
                r###"base64gzip("")"###,
                r###""H4sIAAAAAAAA/wAAAP//AQAA//8AAAAAAAAAAA==""###,
            ),
            (
                r###"csvdecode("a,b\n1,2\n3,4")"###,
                r###"tolist([
  {
    "a" = "1"
    "b" = "2"
  },
  {
    "a" = "3"
    "b" = "4"
  },
])"###,
            ),
            (
                r###"csvdecode("a,b\n1,2\n3")"###,
                r###"error: Error in function call: Call to function "csvdecode" failed: CSV parse error on line 3: wrong number of fields."###,
            ),
            (
                r###"csvdecode("")"###,
                r###"error: Error in function call: Call to function "csvdecode" failed: missing header line."###,
            ),
            (r###"csvdecode("a,b")"###, r###"tolist([])"###),
            (
                r###"csvdecode("a,a\n1,2")"###,
                r###"error: Error in function call: Call to function "csvdecode" failed: duplicate column name "a"."###,
            ),
            (
                r###"csvdecode("a,b\n\"x\"\"y\",\"multi\nline\"\n")"###,
                r###"tolist([
  {
    "a" = "x\"y"
    "b" = <<-EOT
    multi
    line
    EOT
  },
])"###,
            ),
            (
                r###"csvdecode("a\nx\"y")"###,
                r###"error: Error in function call: Call to function "csvdecode" failed: CSV parse error on line 2: bare " in non-quoted-field."###,
            ),
            (
                r###"csvdecode("a\n\"x\"y")"###,
                r###"error: Error in function call: Call to function "csvdecode" failed: CSV parse error on line 2: extraneous or missing " in quoted-field."###,
            ),
            (
                r###"csvdecode("a,b\r\n1,\r\n\n,2")"###,
                r###"tolist([
  {
    "a" = "1"
    "b" = ""
  },
  {
    "a" = ""
    "b" = "2"
  },
])"###,
            ),
            (
                r###"jsonencode({b="<\u0008\u000c\u0001\u2028é", a=[1,true,null], c=tolist([]), d=toset(["x"]), e=1.5})"###,
                r###""{\"a\":[1,true,null],\"b\":\"\\u003c\\b\\f\\u0001\\u2028é\",\"c\":[],\"d\":[\"x\"],\"e\":1.5}""###,
            ),
            (r###"jsonencode(null)"###, r###""null""###),
            (r###"jsonencode("x")"###, r###""\"x\"""###),
            (r###"jsonencode(tomap({a=1}))"###, r###""{\"a\":1}""###),
            (
                r###"jsondecode("{")"###,
                r###"error: Error in function call: Call to function "jsondecode" failed: EOF."###,
            ),
            (
                r###"jsondecode("{\"a\":1,\"a\":2}")"###,
                r###"{
  "a" = 2
}"###,
            ),
            (
                r###"jsondecode("[1, 1.5e3, \"x\", null, {\"b\": [true]}]")"###,
                r###"[
  1,
  1500,
  "x",
  null,
  {
    "b" = [
      true,
    ]
  },
]"###,
            ),
            (
                r###"jsondecode("1 2")"###,
                r###"error: Error in function call: Call to function "jsondecode" failed: extraneous data after JSON object."###,
            ),
            (
                r###"jsondecode("")"###,
                r###"error: Error in function call: Call to function "jsondecode" failed: EOF."###,
            ),
            (
                r###"jsondecode("[1,]")"###,
                r###"error: Error in function call: Call to function "jsondecode" failed: invalid character ']' looking for beginning of value."###,
            ),
            (
                r###"jsondecode("123456789012345678901234567890.5")"###,
                r###"123456789012345678901234567890.5"###,
            ),
            (
                r###"jsondecode("{\"a\" 1}")"###,
                r###"error: Error in function call: Call to function "jsondecode" failed: invalid character '1' after object key."###,
            ),
            (r###"jsondecode("  null  ")"###, r###"null"###),
            (
                r###"jsondecode("[\"a\"")"###,
                r###"error: Error in function call: Call to function "jsondecode" failed: EOF."###,
            ),
            (
                r###"jsondecode("\"\\x\"")"###,
                r###"error: Error in function call: Call to function "jsondecode" failed: invalid character 'x' in string escape code."###,
            ),
            (
                r###"jsondecode("\"\\u00e9\\ud83d\\ude00\"")"###,
                r###""é😀""###,
            ),
            (
                r###"jsondecode("{\"a\":1 \"b\"}")"###,
                r###"error: Error in function call: Call to function "jsondecode" failed: invalid character '"' after object key:value pair."###,
            ),
            (
                r###"jsondecode("[1 2]")"###,
                r###"error: Error in function call: Call to function "jsondecode" failed: invalid character '2' after array element."###,
            ),
            (
                r###"jsondecode("{1:2}")"###,
                r###"error: Error in function call: Call to function "jsondecode" failed: invalid character '1'."###,
            ),
            (
                r###"textencodebase64("€", "ISO-8859-1")"###,
                r###"error: Invalid function argument: Invalid value for "string" parameter: the given string contains characters that cannot be represented in ISO_8859-1:1987."###,
            ),
            (
                r###"textencodebase64("x", "foo")"###,
                r###"error: Invalid function argument: Invalid value for "encoding" parameter: "foo" is not a supported IANA encoding name or alias in this Terraform version."###,
            ),
            (
                r###"textdecodebase64("!!", "UTF-8")"###,
                r###"error: Invalid function argument: Invalid value for "source" parameter: the given value is has an invalid base64 symbol at offset 0."###,
            ),
            (
                r###"textencodebase64("Hello", "UTF-16LE")"###,
                r###""SABlAGwAbABvAA==""###,
            ),
            (
                r###"textdecodebase64("SABlAGwAbABvAA==", "UTF-16LE")"###,
                r###""Hello""###,
            ),
            (
                r###"textencodebase64("Hi", "UTF-16")"###,
                r###""/v8ASABp""###,
            ),
            (
                r###"textencodebase64("Hé", "windows-1252")"###,
                r###""SOk=""###,
            ),
            (
                r###"textdecodebase64("SOk=", "ISO-8859-1")"###,
                r###""Hé""###,
            ),
            (
                r###"urlencode("a b/c?d=é&~")"###,
                r###""a+b%2Fc%3Fd%3D%C3%A9%26~""###,
            ),
            // CASES:encoding
        ]);
    }
}
