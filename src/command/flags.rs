//! Go-style command-line flags, as Terraform takes them: `-name`,
//! `-name=value`, `-name value`, with `--name` accepted too.

use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `-check`, `-check=false`.
    Bool,
    /// `-out=FILE` or `-out FILE`; may repeat (`-var`).
    Value,
}

#[derive(Debug, Default)]
pub struct Parsed {
    values: BTreeMap<String, Vec<String>>,
    /// Every flag with its value, in command-line order (`-var` and
    /// `-var-file` take effect in that order).
    pub ordered: Vec<(String, String)>,
    pub positional: Vec<String>,
}

impl Parsed {
    pub fn bool(&self, name: &str) -> bool {
        self.values
            .get(name)
            .and_then(|v| v.last())
            .map(|v| v != "false" && v != "0")
            .unwrap_or(false)
    }
    pub fn bool_or(&self, name: &str, default: bool) -> bool {
        match self.values.get(name).and_then(|v| v.last()) {
            Some(v) => v != "false" && v != "0",
            None => default,
        }
    }
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }
    pub fn values(&self, name: &str) -> &[String] {
        self.values.get(name).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Parses `args` against `spec`. Flags stop at `--` or, as Go's flag package
/// does, at the first positional argument.
pub fn parse(args: &[String], spec: &[(&str, Kind)]) -> Result<Parsed, String> {
    let mut out = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            out.positional.extend(args[i + 1..].iter().cloned());
            break;
        }
        let Some(stripped) = a.strip_prefix("--").or_else(|| a.strip_prefix('-')) else {
            out.positional.extend(args[i..].iter().cloned());
            break;
        };
        if stripped.is_empty() {
            out.positional.extend(args[i..].iter().cloned());
            break;
        }
        let (name, inline) = match stripped.split_once('=') {
            Some((n, v)) => (n, Some(v.to_string())),
            None => (stripped, None),
        };
        let kind = spec
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, k)| *k)
            .ok_or_else(|| format!("flag provided but not defined: -{name}"))?;
        let value = match (kind, inline) {
            (_, Some(v)) => v,
            (Kind::Bool, None) => "true".to_string(),
            (Kind::Value, None) => {
                i += 1;
                args.get(i)
                    .cloned()
                    .ok_or_else(|| format!("flag needs an argument: -{name}"))?
            }
        };
        out.ordered.push((name.to_string(), value.clone()));
        out.values.entry(name.to_string()).or_default().push(value);
        i += 1;
    }
    Ok(out)
}
