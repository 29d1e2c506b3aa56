//! Paths to attributes inside a value (`tags["Name"]`, `ingress[0].port`),
//! as Terraform's cty paths.

use crate::value::Value;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PathStep {
    Attr(String),
    /// A list index or map key.
    Key(Key),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Int(i64),
    Str(String),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct AttrPath(pub Vec<PathStep>);

impl AttrPath {
    pub fn root() -> AttrPath {
        AttrPath(Vec::new())
    }
    pub fn attr(name: &str) -> AttrPath {
        AttrPath(vec![PathStep::Attr(name.to_string())])
    }
    pub fn then_attr(&self, name: &str) -> AttrPath {
        let mut p = self.clone();
        p.0.push(PathStep::Attr(name.to_string()));
        p
    }
    pub fn then_index(&self, i: usize) -> AttrPath {
        let mut p = self.clone();
        p.0.push(PathStep::Key(Key::Int(i as i64)));
        p
    }
    pub fn then_key(&self, k: &str) -> AttrPath {
        let mut p = self.clone();
        p.0.push(PathStep::Key(Key::Str(k.to_string())));
        p
    }
    pub fn starts_with(&self, prefix: &AttrPath) -> bool {
        self.0.len() >= prefix.0.len() && self.0[..prefix.0.len()] == prefix.0[..]
    }

    /// The value at this path, if there is one.
    pub fn get<'a>(&self, v: &'a Value) -> Option<&'a Value> {
        let mut cur = v;
        for step in &self.0 {
            cur = match (step, cur.unmarked()) {
                (PathStep::Attr(a), Value::Object(m)) => m.get(a)?,
                (PathStep::Key(Key::Str(k)), Value::Map(_, m) | Value::Object(m)) => m.get(k)?,
                (PathStep::Key(Key::Int(i)), Value::List(_, vs) | Value::Tuple(vs)) => {
                    vs.get(*i as usize)?
                }
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Terraform's JSON form, used in `sensitive_attributes` and plans:
    /// `[{"type":"get_attr","value":"a"},{"type":"index","value":{"value":0,"type":"number"}}]`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::Value::Array(
            self.0
                .iter()
                .map(|s| match s {
                    PathStep::Attr(a) => serde_json::json!({"type": "get_attr", "value": a}),
                    PathStep::Key(Key::Int(i)) => {
                        serde_json::json!({"type": "index", "value": {"value": i, "type": "number"}})
                    }
                    PathStep::Key(Key::Str(k)) => {
                        serde_json::json!({"type": "index", "value": {"value": k, "type": "string"}})
                    }
                })
                .collect(),
        )
    }

    pub fn from_json(v: &serde_json::Value) -> Option<AttrPath> {
        let steps = v
            .as_array()?
            .iter()
            .map(|s| match s["type"].as_str()? {
                "get_attr" => Some(PathStep::Attr(s["value"].as_str()?.to_string())),
                "index" => {
                    let k = &s["value"]["value"];
                    match k {
                        serde_json::Value::Number(n) => Some(PathStep::Key(Key::Int(n.as_i64()?))),
                        serde_json::Value::String(s) => Some(PathStep::Key(Key::Str(s.clone()))),
                        _ => None,
                    }
                }
                _ => None,
            })
            .collect::<Option<Vec<_>>>()?;
        Some(AttrPath(steps))
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            match s {
                PathStep::Attr(a) if i == 0 => write!(f, "{a}")?,
                PathStep::Attr(a) => write!(f, ".{a}")?,
                PathStep::Key(Key::Int(n)) => write!(f, "[{n}]")?,
                PathStep::Key(Key::Str(k)) => write!(f, "[{k:?}]")?,
            }
        }
        Ok(())
    }
}
