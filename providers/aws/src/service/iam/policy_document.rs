//! data aws_iam_policy_document: a policy document built locally, byte
//! for byte the JSON hashicorp/aws writes for the same input.
//!
//! What makes the text the provider's: string sets become one string when
//! they have one element and are otherwise sorted in reverse; principals
//! and conditions are nested *sets* whose order (SDKv2's: by the decimal
//! text of a CRC-32 of each element's serialisation) decides how blocks of
//! the same principal type or condition key are concatenated; `&{` becomes
//! `${`; source documents merge first, then the statements, then override
//! documents, a statement with the same Sid replacing the earlier one; and
//! Go's encoder writes the result (HTML-escaped, fixed key order).

use super::policy_json::{crc32, field, go_compact, go_indent, parse, sorted};
use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::obj::{Obj, State};
use crate::DataSource;
use serde_json::{Map, Value as J};
use std::collections::BTreeMap;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Nesting, Schema, Type, Value};

pub struct PolicyDocument;

fn principals_block() -> Block {
    Block::new()
        .attr("type", Attribute::required(Type::String))
        .attr("identifiers", Attribute::required(Type::set(Type::String)))
}

fn block() -> Block {
    let strings = || Attribute::optional(Type::set(Type::String));
    let statement = Block::new()
        .attr("sid", Attribute::optional(Type::String))
        .attr("effect", Attribute::optional(Type::String))
        .attr("actions", strings())
        .attr("not_actions", strings())
        .attr("resources", strings())
        .attr("not_resources", strings())
        .block("principals", Nesting::Set, principals_block())
        .block("not_principals", Nesting::Set, principals_block())
        .block(
            "condition",
            Nesting::Set,
            Block::new()
                .attr("test", Attribute::required(Type::String))
                .attr("variable", Attribute::required(Type::String))
                .attr("values", Attribute::required(Type::list(Type::String))),
        );
    Block::new()
        .attr("id", Attribute::optional_computed(Type::String))
        .attr("json", Attribute::computed(Type::String))
        .attr("minified_json", Attribute::computed(Type::String))
        .attr("policy_id", Attribute::optional(Type::String))
        .attr("version", Attribute::optional(Type::String))
        .attr(
            "source_policy_documents",
            Attribute::optional(Type::list(Type::String)),
        )
        .attr(
            "override_policy_documents",
            Attribute::optional(Type::list(Type::String)),
        )
        .attr(
            "source_json",
            Attribute::optional(Type::String).deprecated("Not used"),
        )
        .attr(
            "override_json",
            Attribute::optional(Type::String).deprecated("Not used"),
        )
        .block("statement", Nesting::List, statement)
}

/// One string or a list of them, as the provider keeps identifiers and
/// condition values.
#[derive(Clone, Debug)]
enum Strs {
    One(String),
    Many(Vec<String>),
}

impl Strs {
    fn json(&self) -> J {
        match self {
            Strs::One(s) => J::String(s.clone()),
            Strs::Many(v) => J::Array(v.iter().cloned().map(J::String).collect()),
        }
    }
}

#[derive(Clone, Debug)]
struct Principal {
    ty: String,
    ids: Strs,
}

#[derive(Clone, Debug)]
struct Condition {
    test: String,
    variable: String,
    values: Strs,
}

#[derive(Clone, Debug, Default)]
struct Statement {
    sid: String,
    effect: String,
    actions: Option<J>,
    not_actions: Option<J>,
    resources: Option<J>,
    not_resources: Option<J>,
    principals: Vec<Principal>,
    not_principals: Vec<Principal>,
    conditions: Vec<Condition>,
}

#[derive(Debug, Default)]
struct Doc {
    version: String,
    id: String,
    statements: Vec<Statement>,
}

impl Doc {
    /// The provider's `Merge`: the newer Id, the higher Version, and
    /// statements appended unless one with the same Sid exists.
    fn merge(&mut self, other: Doc) {
        if !other.id.is_empty() {
            self.id = other.id;
        }
        if other.version > self.version {
            self.version = other.version;
        }
        for s in other.statements {
            if !s.sid.is_empty() {
                if let Some(existing) = self.statements.iter_mut().find(|e| e.sid == s.sid) {
                    *existing = s;
                    continue;
                }
            }
            self.statements.push(s);
        }
    }

    fn json(&self) -> J {
        let mut m = Map::new();
        if !self.version.is_empty() {
            m.insert("Version".into(), J::String(self.version.clone()));
        }
        if !self.id.is_empty() {
            m.insert("Id".into(), J::String(self.id.clone()));
        }
        if !self.statements.is_empty() {
            m.insert(
                "Statement".into(),
                J::Array(self.statements.iter().map(Statement::json).collect()),
            );
        }
        J::Object(m)
    }
}

impl Statement {
    fn json(&self) -> J {
        let mut m = Map::new();
        if !self.sid.is_empty() {
            m.insert("Sid".into(), J::String(self.sid.clone()));
        }
        if !self.effect.is_empty() {
            m.insert("Effect".into(), J::String(self.effect.clone()));
        }
        for (k, v) in [
            ("Action", &self.actions),
            ("NotAction", &self.not_actions),
            ("Resource", &self.resources),
            ("NotResource", &self.not_resources),
        ] {
            if let Some(v) = v {
                m.insert(k.into(), v.clone());
            }
        }
        if !self.principals.is_empty() {
            m.insert("Principal".into(), principals_json(&self.principals));
        }
        if !self.not_principals.is_empty() {
            m.insert("NotPrincipal".into(), principals_json(&self.not_principals));
        }
        if !self.conditions.is_empty() {
            m.insert("Condition".into(), conditions_json(&self.conditions));
        }
        J::Object(m)
    }
}

/// Principals by type: `"*"` alone for the one wildcard principal; else
/// each type's identifiers in set order, lists sorted in reverse.
fn principals_json(ps: &[Principal]) -> J {
    if let [p] = ps {
        let wildcard = match &p.ids {
            Strs::One(s) => s == "*",
            Strs::Many(v) => v.len() == 1 && v[0] == "*",
        };
        if p.ty == "*" && wildcard {
            return J::String("*".into());
        }
    }
    let mut raw: BTreeMap<String, Strs> = BTreeMap::new();
    for p in ps {
        let next = match (&p.ids, raw.remove(&p.ty)) {
            (Strs::Many(ids), prior) => {
                let mut all = match prior {
                    None => Vec::new(),
                    Some(Strs::One(s)) => vec![s],
                    Some(Strs::Many(v)) => v,
                };
                let mut ids = ids.clone();
                ids.sort();
                ids.reverse();
                all.extend(ids);
                Strs::Many(all)
            }
            (Strs::One(id), None) => Strs::One(id.clone()),
            (Strs::One(id), Some(Strs::One(s))) => Strs::Many(vec![s, id.clone()]),
            (Strs::One(id), Some(Strs::Many(mut v))) => {
                v.push(id.clone());
                Strs::Many(v)
            }
        };
        raw.insert(p.ty.clone(), next);
    }
    J::Object(raw.into_iter().map(|(k, v)| (k, v.json())).collect())
}

/// Conditions by test and variable, values concatenated in set order and
/// a single value written as a string.
fn conditions_json(cs: &[Condition]) -> J {
    let mut raw: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for c in cs {
        let vals = raw
            .entry(c.test.clone())
            .or_default()
            .entry(c.variable.clone())
            .or_default();
        match &c.values {
            Strs::One(s) => vals.push(s.clone()),
            Strs::Many(v) => vals.extend(v.iter().cloned()),
        }
    }
    J::Object(
        raw.into_iter()
            .map(|(test, vars)| {
                let inner = vars
                    .into_iter()
                    .map(|(var, vals)| {
                        let v = if vals.len() == 1 {
                            Strs::One(vals[0].clone())
                        } else {
                            Strs::Many(vals)
                        };
                        (var, v.json())
                    })
                    .collect();
                (test, J::Object(inner))
            })
            .collect(),
    )
}

/// The provider's `policyDecodeConfigStrings`: one element as a string,
/// more sorted in reverse.
fn decode_strings(mut l: Vec<String>) -> Strs {
    if l.len() == 1 {
        return Strs::One(l.remove(0));
    }
    l.sort();
    l.reverse();
    Strs::Many(l)
}

/// `&{var}` becomes `${var}` (a policy variable Terraform would otherwise
/// interpolate); version 2008-10-17 has no variables.
fn replace_vars(s: Strs, version: &str) -> Result<Strs> {
    let one = |v: String| -> Result<String> {
        if version == "2008-10-17" && v.contains("&{") {
            return Err(Error::new(
                "Invalid policy document",
                format!("found &{{ sequence in ({v}), which is not supported in document version 2008-10-17"),
            ));
        }
        Ok(v.replace("&{", "${"))
    };
    Ok(match s {
        Strs::One(v) => Strs::One(one(v)?),
        Strs::Many(vs) => Strs::Many(vs.into_iter().map(one).collect::<Result<_>>()?),
    })
}

/// SDKv2's set order: elements keyed by the decimal text of the CRC-32
/// of their serialisation, in string order, duplicates dropped.
fn set_order<T>(items: Vec<(String, T)>) -> Vec<T> {
    let mut keyed: BTreeMap<String, T> = BTreeMap::new();
    for (ser, item) in items {
        keyed
            .entry(crc32(ser.as_bytes()).to_string())
            .or_insert(item);
    }
    keyed.into_values().collect()
}

/// A set of strings in SDKv2's order (each hashed as `value;`).
fn string_set_order(items: Vec<String>) -> Vec<String> {
    set_order(items.into_iter().map(|s| (format!("{s};"), s)).collect())
}

fn principals(blocks: Vec<Obj>, version: &str) -> Result<Vec<Principal>> {
    let mut items = Vec::new();
    for b in blocks {
        let ty = b.req("type").to_string();
        let ids = string_set_order(b.list_str("identifiers"));
        let ser = format!(
            "identifiers:{{{}}};type:{ty};",
            ids.iter().map(|i| format!("{i};")).collect::<String>()
        );
        items.push((ser, (ty, ids)));
    }
    set_order(items)
        .into_iter()
        .map(|(ty, ids)| {
            Ok(Principal {
                ty,
                ids: replace_vars(decode_strings(ids), version)?,
            })
        })
        .collect()
}

fn conditions(blocks: Vec<Obj>, version: &str) -> Result<Vec<Condition>> {
    let mut items = Vec::new();
    for b in blocks {
        let test = b.req("test").to_string();
        let variable = b.req("variable").to_string();
        let values: Vec<String> = b
            .get("values")
            .and_then(Value::elements)
            .map(|e| {
                e.iter()
                    .map(|x| x.as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default();
        let ser = format!(
            "test:{test};values:({});variable:{variable};",
            values.iter().map(|v| format!("{v};")).collect::<String>()
        );
        items.push((ser, (test, variable, values)));
    }
    set_order(items)
        .into_iter()
        .map(|(test, variable, values)| {
            let values = match replace_vars(Strs::Many(values), version)? {
                Strs::Many(mut v) if v.len() == 1 => Strs::One(v.remove(0)),
                other => other,
            };
            Ok(Condition {
                test,
                variable,
                values,
            })
        })
        .collect()
}

/// The document the configuration's own arguments make.
fn config_doc(o: &Obj) -> Result<Doc> {
    let version = o.str("version").unwrap_or("2012-10-17").to_string();
    let mut doc = Doc {
        version: version.clone(),
        id: o.str("policy_id").unwrap_or_default().to_string(),
        statements: Vec::new(),
    };
    let mut sids = std::collections::BTreeSet::new();
    for s in o.blocks("statement") {
        let sid = s.str("sid").unwrap_or_default().to_string();
        if !sid.is_empty() && !sids.insert(sid.clone()) {
            return Err(Error::new(
                "Invalid policy document",
                format!("writing IAM Policy Document: duplicate Sid ({sid}). Remove the Sid or ensure the Sid is unique."),
            ));
        }
        let strings = |k: &str| {
            let l = s.list_str(k);
            (!l.is_empty()).then(|| decode_strings(l))
        };
        let with_vars = |k: &str| -> Result<Option<J>> {
            strings(k)
                .map(|v| replace_vars(v, &version).map(|v| v.json()))
                .transpose()
        };
        doc.statements.push(Statement {
            sid,
            effect: s.str("effect").unwrap_or("Allow").to_string(),
            actions: strings("actions").map(|v| v.json()),
            not_actions: strings("not_actions").map(|v| v.json()),
            resources: with_vars("resources").map_err(|e| reading("resources", e))?,
            not_resources: with_vars("not_resources").map_err(|e| reading("not_resources", e))?,
            principals: principals(s.blocks("principals"), &version)
                .map_err(|e| reading("principals", e))?,
            not_principals: principals(s.blocks("not_principals"), &version)
                .map_err(|e| reading("not_principals", e))?,
            conditions: conditions(s.blocks("condition"), &version)
                .map_err(|e| reading("condition", e))?,
        });
    }
    Ok(doc)
}

fn reading(what: &str, e: Error) -> Error {
    Error::new(e.summary, format!("reading {what}: {}", e.detail))
}

fn decode_err(msg: impl Into<String>) -> Error {
    Error::new("Invalid policy document", msg)
}

fn opt_string(v: Option<&J>, what: &str) -> Result<Option<String>> {
    match v {
        None | Some(J::Null) => Ok(None),
        Some(J::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(decode_err(format!(
            "cannot unmarshal {} into {what} of type string",
            kind(other)
        ))),
    }
}

fn kind(v: &J) -> &'static str {
    match v {
        J::Null => "null",
        J::Bool(_) => "bool",
        J::Number(_) => "number",
        J::String(_) => "string",
        J::Array(_) => "array",
        J::Object(_) => "object",
    }
}

/// A JSON document decoded as the provider's Go types decode it.
fn decode_doc(text: &str) -> Result<Doc> {
    let j = parse(text).map_err(decode_err)?;
    let m = match j {
        J::Null => return Ok(Doc::default()),
        J::Object(m) => m,
        other => {
            return Err(decode_err(format!(
                "cannot unmarshal {} into a policy document",
                kind(&other)
            )))
        }
    };
    let mut doc = Doc {
        version: opt_string(field(&m, "Version"), "Version")?.unwrap_or_default(),
        id: opt_string(field(&m, "Id"), "Id")?.unwrap_or_default(),
        statements: Vec::new(),
    };
    match field(&m, "Statement") {
        None | Some(J::Null) => {}
        Some(J::Array(items)) => {
            for item in items {
                let s = item.as_object().ok_or_else(|| {
                    decode_err(format!("cannot unmarshal {} into a statement", kind(item)))
                })?;
                doc.statements.push(decode_statement(s)?);
            }
        }
        Some(other) => {
            return Err(decode_err(format!(
                "cannot unmarshal {} into Statement of type []*IAMPolicyStatement",
                kind(other)
            )))
        }
    }
    Ok(doc)
}

fn decode_statement(m: &Map<String, J>) -> Result<Statement> {
    let any = |k: &str| field(m, k).filter(|v| !v.is_null()).cloned().map(sorted);
    Ok(Statement {
        sid: opt_string(field(m, "Sid"), "Sid")?.unwrap_or_default(),
        effect: opt_string(field(m, "Effect"), "Effect")?.unwrap_or_default(),
        actions: any("Action"),
        not_actions: any("NotAction"),
        resources: any("Resource"),
        not_resources: any("NotResource"),
        principals: match field(m, "Principal") {
            Some(v) => decode_principals(v)?,
            None => Vec::new(),
        },
        not_principals: match field(m, "NotPrincipal") {
            Some(v) => decode_principals(v)?,
            None => Vec::new(),
        },
        conditions: match field(m, "Condition") {
            Some(v) => decode_conditions(v)?,
            None => Vec::new(),
        },
    })
}

/// A string principal is the wildcard; a map gives each type's
/// identifiers (a list sorted).
fn decode_principals(v: &J) -> Result<Vec<Principal>> {
    match v {
        J::String(_) => Ok(vec![Principal {
            ty: "*".into(),
            ids: Strs::Many(vec!["*".into()]),
        }]),
        J::Object(m) => {
            let mut out = Vec::new();
            for (ty, ids) in m {
                let ids = match ids {
                    J::String(s) => Strs::One(s.clone()),
                    J::Array(a) => {
                        let mut l = a
                            .iter()
                            .enumerate()
                            .map(|(i, x)| {
                                x.as_str().map(String::from).ok_or_else(|| {
                                    decode_err(format!("Unsupported element type {} for IAMPolicyStatementPrincipalSet.Identifiers[{i}] (principal type {ty:?}): must be string", kind(x)))
                                })
                            })
                            .collect::<Result<Vec<_>>>()?;
                        l.sort();
                        Strs::Many(l)
                    }
                    other => {
                        return Err(decode_err(format!(
                        "Unsupported data type {} for IAMPolicyStatementPrincipalSet.Identifiers",
                        kind(other)
                    )))
                    }
                };
                out.push(Principal {
                    ty: ty.clone(),
                    ids,
                });
            }
            Ok(out)
        }
        other => Err(decode_err(format!(
            "Unsupported data type {} for IAMPolicyStatementPrincipalSet",
            kind(other)
        ))),
    }
}

/// Conditions: strings and lists of strings; a bool becomes its text;
/// other values are dropped, as the provider drops them.
fn decode_conditions(v: &J) -> Result<Vec<Condition>> {
    let tests = match v {
        J::Null => return Ok(Vec::new()),
        J::Object(m) => m,
        other => {
            return Err(decode_err(format!(
                "cannot unmarshal {} into Condition",
                kind(other)
            )))
        }
    };
    let mut out = Vec::new();
    for (test, vars) in tests {
        let vars = match vars {
            J::Null => continue,
            J::Object(m) => m,
            other => {
                return Err(decode_err(format!(
                    "cannot unmarshal {} into Condition {test:?}",
                    kind(other)
                )))
            }
        };
        for (variable, values) in vars {
            let values = match values {
                J::String(s) => Strs::Many(vec![s.clone()]),
                J::Bool(b) => Strs::One(b.to_string()),
                J::Array(a) => Strs::Many(
                    a.iter()
                        .map(|x| {
                            x.as_str().map(String::from).ok_or_else(|| {
                                decode_err(format!(
                                    "condition {test} {variable}: values must be strings"
                                ))
                            })
                        })
                        .collect::<Result<_>>()?,
                ),
                _ => continue,
            };
            out.push(Condition {
                test: test.clone(),
                variable: variable.clone(),
                values,
            });
        }
    }
    Ok(out)
}

/// The merged document as (json, minified_json, id).
fn render(config: &Value) -> Result<(String, String, String)> {
    let o = Obj(config);
    let mut merged = Doc::default();
    let mut sids = std::collections::BTreeSet::new();
    for (i, text) in o.list_str("source_policy_documents").iter().enumerate() {
        let doc = decode_doc(text).map_err(|e| {
            Error::new(
                e.summary,
                format!(
                    "writing IAM Policy Document: merging source document {i}: {}",
                    e.detail
                ),
            )
        })?;
        for (n, s) in doc.statements.iter().enumerate() {
            if !s.sid.is_empty() && !sids.insert(s.sid.clone()) {
                return Err(Error::new(
                    "Invalid policy document",
                    format!("writing IAM Policy Document: merging source document {i}: duplicate Sid ({}) in source_policy_documents (statement {n}). Remove the Sid or ensure Sids are unique.", s.sid),
                ));
            }
        }
        merged.merge(doc);
    }
    merged.merge(config_doc(&o)?);
    for (i, text) in o.list_str("override_policy_documents").iter().enumerate() {
        let doc = decode_doc(text).map_err(|e| {
            Error::new(
                e.summary,
                format!(
                    "writing IAM Policy Document: merging override document {i}: {}",
                    e.detail
                ),
            )
        })?;
        merged.merge(doc);
    }
    let j = merged.json();
    let json = go_indent(&j);
    let minified = go_compact(&j);
    let id = crc32(json.as_bytes()).to_string();
    Ok((json, minified, id))
}

/// The configuration as the provider stores it: defaults filled in, and
/// statements' unset strings and string sets empty.
fn with_defaults(config: &Value) -> Value {
    let Some(Value::List(ty, items)) = config.get_attr("statement").map(Value::unmarked) else {
        return config.clone();
    };
    let items = items
        .iter()
        .map(|s| match s.unmarked() {
            Value::Object(m) => {
                let mut m = m.clone();
                let mut fill = |k: &str, v: Value| {
                    if m.get(k).is_none_or(Value::is_null) {
                        m.insert(k.into(), v);
                    }
                };
                fill("effect", Value::string("Allow"));
                fill("sid", Value::string(""));
                for k in ["actions", "not_actions", "resources", "not_resources"] {
                    fill(k, Value::Set(Type::String, Vec::new()));
                }
                Value::Object(m)
            }
            other => other.clone(),
        })
        .collect();
    let mut out = config.unmarked().entries().cloned().unwrap_or_default();
    out.insert("statement".into(), Value::List(ty.clone(), items));
    Value::Object(out)
}

impl DataSource for PolicyDocument {
    fn name(&self) -> &'static str {
        "aws_iam_policy_document"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn read(&self, _c: &Ctx, config: &Value) -> Result<Value> {
        let (json, minified, id) = render(config)?;
        let o = Obj(config);
        Ok(State::from(&block(), &with_defaults(config))
            .set("version", o.str("version").unwrap_or("2012-10-17"))
            .set("json", json)
            .set("minified_json", minified)
            .set("id", id)
            .build())
    }

    fn validate(&self, config: &Value) -> Diags {
        let o = Obj(config);
        let mut d = Vec::new();
        if let Some(v) = o.str("version") {
            if v != "2008-10-17" && v != "2012-10-17" {
                d.push(Diag::error(
                    "Invalid version",
                    format!(
                        "expected version to be one of [\"2008-10-17\" \"2012-10-17\"], got {v}"
                    ),
                ));
            }
        }
        for k in ["source_json", "override_json"] {
            if o.str(k).is_some_and(|v| !v.is_empty()) {
                d.push(Diag::error(
                    format!("Invalid {k}"),
                    format!("expected {k} to be an empty string"),
                ));
            }
        }
        for k in ["source_policy_documents", "override_policy_documents"] {
            for text in o.list_str(k) {
                if let Err(e) = parse(&text) {
                    d.push(Diag::error(
                        format!("Invalid {k}"),
                        format!("\"{k}\" contains an invalid JSON: {e}"),
                    ));
                }
            }
        }
        for s in o.blocks("statement") {
            if let Some(e) = s.str("effect") {
                if e != "Allow" && e != "Deny" {
                    d.push(Diag::error(
                        "Invalid effect",
                        format!(
                            "expected statement.effect to be one of [\"Allow\" \"Deny\"], got {e}"
                        ),
                    ));
                }
            }
            if let Some(sid) = s.str("sid") {
                if !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
                    d.push(Diag::error(
                        "Invalid sid",
                        "statement.sid must only include alphanumeric characters",
                    ));
                }
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfrs_provider::json::from_json;

    /// Outputs of hashicorp/aws 5.100.0 for the same configurations
    /// (testdata/aws/golden/aws_iam_policy_document.json, recorded with the
    /// reference terraform).
    #[test]
    fn matches_the_reference_provider_byte_for_byte() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../testdata/aws/golden/aws_iam_policy_document.json"
        );
        let text = std::fs::read_to_string(path).expect("golden file");
        let cases: J = serde_json::from_str(&text).expect("golden JSON");
        let ty = block().value_type();
        let cases = cases.as_array().expect("a list of cases");
        assert!(cases.len() >= 10);
        for (i, case) in cases.iter().enumerate() {
            let config = from_json(&case["config"], &ty).expect("config");
            let (json, minified, id) = render(&config).expect("render");
            assert_eq!(
                json,
                case["json"].as_str().unwrap_or_default(),
                "case {i} json"
            );
            assert_eq!(
                minified,
                case["minified_json"].as_str().unwrap_or_default(),
                "case {i} minified_json"
            );
            assert_eq!(id, case["id"].as_str().unwrap_or_default(), "case {i} id");
        }
    }
}
