//! JSON text as Terraform (Go's `encoding/json`) writes it, byte for byte:
//! `<`, `>` and `&` escaped as `\u003c` and friends, numbers in full
//! (`1000000000000000000000000000000`, never `1e30`), `MarshalIndent`'s
//! two-space layout. State files, `state pull`, and `output -json` use it.

use tfrs_provider::storage::go_json_string;
use tfrs_provider::{Number, Value};

/// A JSON value ready to print: numbers already in their final text.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// From serde's tree, keeping object order (serde_json's
    /// `preserve_order`); numbers are rendered as Terraform renders them.
    pub fn from_serde(v: &serde_json::Value) -> Json {
        use serde_json::Value as J;
        match v {
            J::Null => Json::Null,
            J::Bool(b) => Json::Bool(*b),
            J::Number(n) => Json::Number(number_text(n)),
            J::String(s) => Json::String(s.clone()),
            J::Array(items) => Json::Array(items.iter().map(Json::from_serde).collect()),
            J::Object(m) => Json::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), Json::from_serde(v)))
                    .collect(),
            ),
        }
    }

    /// A value as cty's JSON encoding writes it (`ctyjson.Marshal` with the
    /// value's own type): object attributes and map keys sorted, sets as
    /// arrays in set order; marks dropped; unknown values as null.
    pub fn from_value(v: &Value) -> Json {
        match v.unmarked() {
            Value::Null(_) | Value::Unknown(_) | Value::Sensitive(_) => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => Json::Number(n.to_terraform_string()),
            Value::String(s) => Json::String(s.clone()),
            Value::List(_, vs) | Value::Set(_, vs) | Value::Tuple(vs) => {
                Json::Array(vs.iter().map(Json::from_value).collect())
            }
            Value::Map(_, m) | Value::Object(m) => Json::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), Json::from_value(v)))
                    .collect(),
            ),
        }
    }

    /// One line, as `json.Marshal`.
    pub fn compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, None, 0);
        out
    }

    /// As `json.MarshalIndent(v, "", "  ")` (no trailing newline).
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, Some("  "), 0);
        out
    }

    fn write(&self, out: &mut String, indent: Option<&str>, depth: usize) {
        let newline = |out: &mut String, depth: usize| {
            if let Some(ind) = indent {
                out.push('\n');
                for _ in 0..depth {
                    out.push_str(ind);
                }
            }
        };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => out.push_str(&go_json_string(s)),
            Json::Array(items) => {
                if items.is_empty() {
                    out.push_str("[]");
                    return;
                }
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    item.write(out, indent, depth + 1);
                }
                newline(out, depth);
                out.push(']');
            }
            Json::Object(entries) => {
                if entries.is_empty() {
                    out.push_str("{}");
                    return;
                }
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, depth + 1);
                    out.push_str(&go_json_string(k));
                    out.push(':');
                    if indent.is_some() {
                        out.push(' ');
                    }
                    v.write(out, indent, depth + 1);
                }
                newline(out, depth);
                out.push('}');
            }
        }
    }
}

/// A JSON number as Terraform writes it: integers as they are, others
/// through Terraform's number rendering (`big.Float.Text('f', -1)`).
pub fn number_text(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let text = n.to_string();
    match Number::parse(&text) {
        Ok(num) => num.to_terraform_string(),
        Err(_) => text,
    }
}

/// The text of a state file as Terraform writes it (with the final newline).
pub fn state_file_text(state: &crate::states::State) -> String {
    let v = serde_json::to_value(state).unwrap_or(serde_json::Value::Null);
    let mut s = Json::from_serde(&v).pretty();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_like_go() {
        let v: serde_json::Value = serde_json::from_str(
            r#"{"b":[1,2.5,1e30,{}],"a":"<x>&","c":[],"d":null,"e":{"f":true}}"#,
        )
        .unwrap();
        let j = Json::from_serde(&v);
        assert_eq!(
            j.compact(),
            r#"{"b":[1,2.5,1000000000000000000000000000000,{}],"a":"\u003cx\u003e\u0026","c":[],"d":null,"e":{"f":true}}"#
        );
        assert_eq!(
            j.pretty(),
            "{\n  \"b\": [\n    1,\n    2.5,\n    1000000000000000000000000000000,\n    {}\n  ],\n  \"a\": \"\\u003cx\\u003e\\u0026\",\n  \"c\": [],\n  \"d\": null,\n  \"e\": {\n    \"f\": true\n  }\n}"
        );
    }
}
