//! `terraform console`: rendering of values (Terraform's internal/repl).

use tfrs_provider::{Type, Value};

/// Renders a value exactly as `terraform console` prints it.
pub fn format_value(v: &Value, indent: usize) -> String {
    match v {
        Value::Unknown(_) => "(known after apply)".into(),
        Value::Sensitive(_) => "(sensitive value)".into(),
        Value::Null(t) => match t {
            Type::Dynamic => "null".into(),
            Type::String => "tostring(null)".into(),
            Type::Number => "tonumber(null)".into(),
            Type::Bool => "tobool(null)".into(),
            Type::List(e) => format!("tolist(null) /* of {} */", e.friendly_name()),
            Type::Set(e) => format!("toset(null) /* of {} */", e.friendly_name()),
            Type::Map(e) => format!("tomap(null) /* of {} */", e.friendly_name()),
            other => format!("null /* {} */", other.friendly_name()),
        },
        Value::String(s) => match format_multiline(s, indent) {
            Some(h) => h,
            None => go_quote(s),
        },
        Value::Number(n) => n.to_terraform_string(),
        Value::Bool(b) => b.to_string(),
        Value::Object(m) => format_mapping(m.iter(), indent),
        Value::Tuple(vs) => format_sequence(vs, indent),
        Value::List(_, vs) => format!("tolist({})", format_sequence(vs, indent)),
        Value::Set(_, vs) => format!("toset({})", format_sequence(vs, indent)),
        Value::Map(_, m) => format!("tomap({})", format_mapping(m.iter(), indent)),
    }
}

fn format_multiline(s: &str, indent: usize) -> Option<String> {
    let lines: Vec<&str> = s.split('\n').collect();
    if lines.len() < 2 {
        return None;
    }
    let op = if indent > 0 { "<<-" } else { "<<" };
    let mut delim = String::from("EOT");
    while lines.iter().any(|l| l.trim() == delim) {
        delim.push('_');
    }
    let pad = " ".repeat(indent);
    let mut out = format!("{op}{delim}");
    for l in lines {
        out.push('\n');
        out.push_str(&pad);
        out.push_str(l);
    }
    out.push('\n');
    out.push_str(&pad);
    out.push_str(&delim);
    Some(out)
}

fn format_mapping<'a>(
    entries: impl Iterator<Item = (&'a String, &'a Value)>,
    indent: usize,
) -> String {
    let mut out = String::from("{");
    let inner = indent + 2;
    let mut count = 0;
    for (k, v) in entries {
        count += 1;
        out.push('\n');
        out.push_str(&" ".repeat(inner));
        out.push_str(&format_value(&Value::String(k.clone()), inner));
        out.push_str(" = ");
        out.push_str(&format_value(v, inner));
    }
    if count > 0 {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push('}');
    out
}

fn format_sequence(items: &[Value], indent: usize) -> String {
    let mut out = String::from("[");
    let inner = indent + 2;
    for v in items {
        out.push('\n');
        out.push_str(&" ".repeat(inner));
        out.push_str(&format_value(v, inner));
        out.push(',');
    }
    if !items.is_empty() {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
    }
    out.push(']');
    out
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint`: graphic characters and the
/// ASCII space.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() {
        return false;
    }
    !matches!(c as u32,
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x180E | 0x200B..=0x200F
        | 0x2028..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB
        | 0xE000..=0xF8FF | 0xD800..=0xDFFF)
        && !c.is_whitespace()
}

/// Renders a type as `type()` does in the console (Terraform's
/// `repl.typeString`): structural types over several lines, indented by
/// four spaces a level, and a collection of a structural type with its
/// element on a line of its own.
pub fn format_type(t: &Type, indent: usize) -> String {
    let mut out = String::new();
    write_type(t, &mut out, indent / 4);
    out
}

fn write_type(t: &Type, b: &mut String, mut indent: usize) {
    let pad = |n: usize| "    ".repeat(n);
    match t {
        Type::String => b.push_str("string"),
        Type::Number => b.push_str("number"),
        Type::Bool => b.push_str("bool"),
        Type::Dynamic => b.push_str("dynamic"),
        Type::Object(attrs, _) => {
            if attrs.is_empty() {
                b.push_str("object({})");
                return;
            }
            b.push_str("object({\n");
            indent += 1;
            for (k, t) in attrs {
                b.push_str(&pad(indent));
                b.push_str(k);
                b.push_str(": ");
                write_type(t, b, indent);
                b.push_str(",\n");
            }
            indent -= 1;
            b.push_str(&pad(indent));
            b.push_str("})");
        }
        Type::Tuple(ts) => {
            if ts.is_empty() {
                b.push_str("tuple([])");
                return;
            }
            b.push_str("tuple([\n");
            indent += 1;
            for t in ts {
                b.push_str(&pad(indent));
                write_type(t, b, indent);
                b.push_str(",\n");
            }
            indent -= 1;
            b.push_str(&pad(indent));
            b.push_str("])");
        }
        Type::List(e) | Type::Set(e) | Type::Map(e) => {
            b.push_str(match t {
                Type::List(_) => "list(",
                Type::Set(_) => "set(",
                _ => "map(",
            });
            let complex = matches!(**e, Type::Object(..) | Type::Tuple(_));
            if complex {
                indent += 1;
                b.push('\n');
                b.push_str(&pad(indent));
            }
            write_type(e, b, indent);
            if complex {
                indent -= 1;
                b.push_str(",\n");
                b.push_str(&pad(indent));
            }
            b.push(')');
        }
    }
}

/// The attribute under which a type value carries its rendering.
const TYPE_VALUE_KEY: &str = "\u{0}tfrs-type";

/// The result of the console's `type()` function. Terraform returns a
/// capsule value with a "type" mark, which taints every value computed from
/// it; tfrs uses the sensitive mark for that and an object holding the
/// rendered type as the capsule, so that, as in Terraform, it converts to no
/// primitive type and any value derived from it stays marked.
pub fn type_value(rendered: String) -> Value {
    Value::Object(
        [(TYPE_VALUE_KEY.to_string(), Value::String(rendered))]
            .into_iter()
            .collect(),
    )
    .mark()
}

/// The rendered type, if `v` (unmarked) is a value made by [`type_value`].
pub fn as_type_value(v: &Value) -> Option<&str> {
    match v.unmarked() {
        Value::Object(m) if m.len() == 1 => m.get(TYPE_VALUE_KEY).and_then(Value::as_str),
        _ => None,
    }
}
