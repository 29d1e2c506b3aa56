//! Policy documents as JSON text, the way hashicorp/aws handles them: the
//! text Go's `encoding/json` writes (compact or indented, HTML-escaped,
//! numbers through float64), the normalised forms the provider stores,
//! and structural equivalence (awspolicyequivalence), so that a policy
//! AWS returns re-formatted or URL-encoded is not a change.

use serde_json::Value as J;
use tfrs_provider::Value;

/// Parses JSON text; the message is the parser's.
pub fn parse(text: &str) -> Result<J, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// A JSON value with every object's keys sorted, as Go writes a
/// `map[string]any`.
pub fn sorted(v: J) -> J {
    match v {
        J::Object(m) => {
            let mut entries: Vec<(String, J)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            J::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        J::Array(a) => J::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Go's `json.Marshal` of the value (keys in the order the value has).
pub fn go_compact(v: &J) -> String {
    let mut out = String::new();
    write(&mut out, v, None, 0);
    out
}

/// Go's `json.MarshalIndent(v, "", "  ")`.
pub fn go_indent(v: &J) -> String {
    let mut out = String::new();
    write(&mut out, v, Some("  "), 0);
    out
}

fn newline(out: &mut String, indent: Option<&str>, depth: usize) {
    if let Some(ind) = indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

fn write(out: &mut String, v: &J, indent: Option<&str>, depth: usize) {
    match v {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Number(n) => out.push_str(&go_float(n.as_f64().unwrap_or(0.0))),
        J::String(s) => write_string(out, s),
        J::Array(a) => {
            if a.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write(out, x, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.push(']');
        }
        J::Object(m) => {
            if m.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write_string(out, k);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write(out, x, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.push('}');
        }
    }
}

/// A string as Go's encoder writes it: HTML characters and U+2028/U+2029
/// escaped, short escapes for the common control characters.
fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{0}'..='\u{1f}' => {
                let b = ch as u32;
                out.push_str("\\u00");
                out.push(HEX[(b >> 4) as usize] as char);
                out.push(HEX[(b & 0xf) as usize] as char);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A float64 as Go's encoder writes it: shortest digits, exponent form
/// below 1e-6 and from 1e21.
fn go_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format!("{f:e}");
        match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        }
    } else {
        format!("{f}")
    }
}

/// Go's `structure.NormalizeJsonString`: compact, keys sorted (the form
/// the provider stores for most policies). Empty text stays empty.
pub fn normalize(text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Ok(String::new());
    }
    Ok(go_compact(&sorted(parse(text)?)))
}

/// The provider's `LegacyPolicyNormalize`: normalised, then a top-level
/// `"Version":"2012-10-17"` moved first, as some IAM APIs require.
pub fn legacy_normalize(text: &str) -> Result<String, String> {
    let j = sorted(parse(text)?);
    let J::Object(m) = j else {
        return Ok(go_compact(&j));
    };
    if m.get("Version").and_then(J::as_str) != Some("2012-10-17") {
        return Ok(go_compact(&J::Object(m)));
    }
    let mut out = serde_json::Map::new();
    out.insert("Version".into(), J::String("2012-10-17".into()));
    for (k, v) in m {
        if k != "Version" {
            out.insert(k, v);
        }
    }
    Ok(go_compact(&J::Object(out)))
}

/// A document field looked up as Go's decoder matches struct fields: the
/// exact name, else the last key equal to it ignoring case.
pub fn field<'a>(m: &'a serde_json::Map<String, J>, name: &str) -> Option<&'a J> {
    m.get(name).or_else(|| {
        m.iter()
            .filter(|(k, _)| k.to_lowercase() == name.to_lowercase())
            .map(|(_, v)| v)
            .next_back()
    })
}

/// Whether two policy documents are structurally the same (the
/// provider's `SuppressEquivalentPolicyDiffs`): statements in any order,
/// a string the same as a one-element list, lists in any order, an
/// account ID the same as its root ARN. Scalars other than strings in
/// conditions compare by their text.
pub fn equivalent(a: &str, b: &str) -> bool {
    let (ta, tb) = (a.trim(), b.trim());
    let empty = |s: &str| s.is_empty() || s == "{}";
    if empty(ta) && empty(tb) {
        return true;
    }
    match (Doc::parse(a), Doc::parse(b)) {
        (Some(x), Some(y)) => x.equals(&y),
        _ => false,
    }
}

struct Doc {
    version: String,
    id: String,
    statements: Vec<serde_json::Map<String, J>>,
}

impl Doc {
    fn parse(text: &str) -> Option<Doc> {
        let j = parse(text).ok()?;
        let m = j.as_object()?;
        let text_of = |k: &str| -> Option<String> {
            match field(m, k) {
                None | Some(J::Null) => Some(String::new()),
                Some(J::String(s)) => Some(s.clone()),
                _ => None,
            }
        };
        let statements = match field(m, "Statement")? {
            J::Array(a) => a
                .iter()
                .map(|s| s.as_object().cloned())
                .collect::<Option<Vec<_>>>()?,
            J::Object(o) => vec![o.clone()],
            _ => return None,
        };
        Some(Doc {
            version: text_of("Version")?,
            id: text_of("Id")?,
            statements,
        })
    }

    fn equals(&self, other: &Doc) -> bool {
        self.version == other.version
            && self.id == other.id
            && self.statements.len() == other.statements.len()
            && self
                .statements
                .iter()
                .all(|s| other.statements.iter().any(|o| statements_equal(s, o)))
            && other
                .statements
                .iter()
                .all(|o| self.statements.iter().any(|s| statements_equal(o, s)))
    }
}

/// Strings of a policy element: absent is empty, a string is one.
fn string_set(v: Option<&J>) -> Option<Vec<String>> {
    match v {
        None | Some(J::Null) => Some(Vec::new()),
        Some(J::String(s)) => Some(vec![s.clone()]),
        Some(J::Array(a)) => a.iter().map(scalar_text).collect(),
        Some(other) => scalar_text(other).map(|s| vec![s]),
    }
}

fn scalar_text(v: &J) -> Option<String> {
    match v {
        J::String(s) => Some(s.clone()),
        J::Bool(b) => Some(b.to_string()),
        J::Number(n) => Some(go_float(n.as_f64().unwrap_or(0.0))),
        _ => None,
    }
}

fn same_strings(a: Option<&J>, b: Option<&J>) -> bool {
    match (string_set(a), string_set(b)) {
        (Some(mut x), Some(mut y)) => {
            x.sort();
            y.sort();
            x == y
        }
        _ => false,
    }
}

fn same_members(a: &[String], b: &[String]) -> bool {
    let sa: std::collections::BTreeSet<&String> = a.iter().collect();
    let sb: std::collections::BTreeSet<&String> = b.iter().collect();
    a.len() == b.len() && sa == sb
}

fn statements_equal(a: &serde_json::Map<String, J>, b: &serde_json::Map<String, J>) -> bool {
    let text = |m: &serde_json::Map<String, J>, k: &str| {
        field(m, k)
            .and_then(J::as_str)
            .unwrap_or_default()
            .to_string()
    };
    if text(a, "Sid") != text(b, "Sid")
        || text(a, "Effect").to_lowercase() != text(b, "Effect").to_lowercase()
    {
        return false;
    }
    for k in ["Action", "NotAction", "Resource", "NotResource"] {
        if !same_strings(field(a, k), field(b, k)) {
            return false;
        }
    }
    if !conditions_equal(field(a, "Condition"), field(b, "Condition")) {
        return false;
    }
    for k in ["Principal", "NotPrincipal"] {
        let (pa, pb) = (field(a, k), field(b, k));
        let present = |p: Option<&J>| p.is_some_and(|v| !v.is_null());
        if (present(pa) || present(pb))
            && !(string_principals_equal(pa, pb) || map_principals_equal(pa, pb))
        {
            return false;
        }
    }
    true
}

fn conditions_equal(a: Option<&J>, b: Option<&J>) -> bool {
    let norm = |v: Option<&J>| -> Option<Vec<(String, String, Vec<String>)>> {
        let m = v?.as_object()?;
        let mut out = Vec::new();
        for (test, inner) in m {
            let inner = inner.as_object()?;
            for (var, vals) in inner {
                out.push((test.clone(), var.clone(), string_set(Some(vals))?));
            }
        }
        out.sort();
        Some(out)
    };
    let present = |v: Option<&J>| v.is_some_and(|x| !x.is_null());
    match (present(a), present(b)) {
        (false, false) => true,
        (true, true) => match (norm(a), norm(b)) {
            (Some(x), Some(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .zip(&y)
                        .all(|(p, q)| p.0 == q.0 && p.1 == q.1 && same_members(&p.2, &q.2))
            }
            _ => false,
        },
        _ => false,
    }
}

/// An account ID principal is the same as that account's root ARN.
fn principal_equal(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let account = |s: &str| s.len() == 12 && s.bytes().all(|c| c.is_ascii_digit());
    let root_of = |arn: &str| -> Option<String> {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        (parts.len() == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[5] == "root")
            .then(|| parts[4].to_string())
    };
    (account(a) && root_of(b).as_deref() == Some(a))
        || (account(b) && root_of(a).as_deref() == Some(b))
}

fn string_principals_equal(a: Option<&J>, b: Option<&J>) -> bool {
    match (a, b) {
        (Some(J::String(x)), Some(J::String(y))) => principal_equal(x, y),
        _ => false,
    }
}

fn map_principals_equal(a: Option<&J>, b: Option<&J>) -> bool {
    let norm = |v: Option<&J>| -> std::collections::BTreeMap<String, Vec<String>> {
        v.and_then(J::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| {
                        let set = string_set(Some(v)).unwrap_or_default();
                        (!set.is_empty()).then(|| (k.clone(), set))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (x, y) = (norm(a), norm(b));
    x.len() == y.len()
        && x.iter().all(|(k, ours)| {
            y.get(k).is_some_and(|theirs| {
                ours.len() == theirs.len()
                    && ours
                        .iter()
                        .all(|p| theirs.iter().any(|t| principal_equal(p, t)))
            })
        })
}

/// The provider's `PolicyToSet`: the policy in state when AWS's is
/// equivalent to it, else AWS's; normalised either way.
pub fn policy_to_set(existing: &str, from_aws: &str) -> Result<String, String> {
    normalize(second_unless_equivalent(existing, from_aws))
}

/// `PolicyToSet` with the legacy normalisation (Version first).
pub fn legacy_policy_to_set(existing: &str, from_aws: &str) -> Result<String, String> {
    let chosen = second_unless_equivalent(existing, from_aws);
    if chosen.is_empty() {
        return Ok(String::new());
    }
    legacy_normalize(chosen)
}

fn second_unless_equivalent<'a>(existing: &'a str, new: &'a str) -> &'a str {
    let (e, n) = (existing.trim(), new.trim());
    if n.is_empty() {
        return "";
    }
    if n == "{}" {
        return "{}";
    }
    if e.is_empty() || e == "{}" {
        return new;
    }
    if equivalent(existing, new) {
        existing
    } else {
        new
    }
}

/// Plans a policy attribute as SDKv2 does with the provider's
/// `DiffSuppressFunc` (an equivalent policy is no change: the prior text
/// stays) and `StateFunc` (otherwise the normalised text).
pub fn plan_policy(
    prior: &Value,
    planned: Value,
    attr: &str,
    norm: fn(&str) -> Result<String, String>,
) -> Value {
    let Value::Object(mut m) = planned else {
        return planned;
    };
    let Some(Value::String(new)) = m.get(attr).cloned() else {
        return Value::Object(m);
    };
    let old = if prior.is_null() {
        None
    } else {
        prior.get_attr(attr).and_then(Value::as_str)
    };
    let text = match old {
        Some(o) if equivalent(o, &new) => o.to_string(),
        _ => norm(&new).unwrap_or(new),
    };
    m.insert(attr.to_string(), Value::String(text));
    Value::Object(m)
}

/// Checks that a policy is a JSON object (the provider's
/// `ValidIAMPolicyJSON`), for validation.
pub fn check_policy(text: &str) -> Result<(), String> {
    let t = text.trim();
    if !t.starts_with('{') {
        return Err("policy contains an invalid JSON policy: not a JSON object".into());
    }
    parse(t)
        .map(|_| ())
        .map_err(|e| format!("policy contains an invalid JSON policy: {e}"))
}

/// CRC-32 (IEEE), as Go's `hash/crc32.ChecksumIEEE`.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_text_is_go_text() {
        assert_eq!(
            normalize(r#"{ "b": [1, 2.50, 1e21, 1e-7], "a": "<&>\u2028" }"#).unwrap(),
            r#"{"a":"\u003c\u0026\u003e\u2028","b":[1,2.5,1e+21,1e-7]}"#
        );
        assert_eq!(normalize("").unwrap(), "");
        assert_eq!(
            legacy_normalize(r#"{"Statement":[],"Version":"2012-10-17"}"#).unwrap(),
            r#"{"Version":"2012-10-17","Statement":[]}"#
        );
        assert_eq!(
            legacy_normalize(r#"{"Version":"2008-10-17","Statement":[]}"#).unwrap(),
            r#"{"Statement":[],"Version":"2008-10-17"}"#
        );
        assert_eq!(
            go_indent(&parse(r#"{"a":[],"b":{},"c":["x"]}"#).unwrap()),
            "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    \"x\"\n  ]\n}"
        );
    }

    #[test]
    fn equivalent_policies() {
        let a = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"lambda.amazonaws.com"}}]}"#;
        let b = r#"{"Statement":{"Principal":{"Service":["lambda.amazonaws.com"]},"Action":["sts:AssumeRole"],"Effect":"allow"},"Version":"2012-10-17"}"#;
        assert!(equivalent(a, b));
        let c = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}]}"#;
        assert!(!equivalent(a, c));
        let d = r#"{"Statement":[{"Effect":"Allow","Action":["b","a"],"Resource":"*","Principal":{"AWS":"123456789012"},"Condition":{"Bool":{"aws:SecureTransport":false}}}]}"#;
        let e = r#"{"Statement":[{"Effect":"Allow","Action":["a","b"],"Resource":["*"],"Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#;
        assert!(equivalent(d, e));
        assert!(!equivalent(d, a));
        assert!(equivalent("", "{}"));
        assert!(!equivalent("not json", "not json"));
    }

    #[test]
    fn policy_to_set_keeps_the_prior_text_when_equivalent() {
        let state = r#"{"Statement":[{"Action":"s3:*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}"#;
        let aws = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}]}"#;
        assert_eq!(policy_to_set(state, aws).unwrap(), state);
        assert_eq!(
            policy_to_set("", aws).unwrap(),
            r#"{"Statement":[{"Action":["s3:*"],"Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}"#
        );
        assert_eq!(
            legacy_policy_to_set("", aws).unwrap(),
            r#"{"Version":"2012-10-17","Statement":[{"Action":["s3:*"],"Effect":"Allow","Resource":"*"}]}"#
        );
    }

    #[test]
    fn crc32_is_ieee() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }
}
