//! The backend a working directory uses (Terraform's `workdir` backend
//! state and `Meta.backendFromConfig`).
//!
//! `init` records the backend type, its configuration (the `backend`
//! block merged with `-backend-config`) and a hash of the block in
//! `.terraform/terraform.tfstate`, in Terraform's format (version 3), so a
//! directory initialised by one tool works with the other. Every other
//! command opens the recorded backend, after checking that the block has
//! not changed since: the same hash (cty's `Value.Hash` of the block
//! decoded by the backend's schema), or the same decoded values.
//!
//! Backend blocks hold literal values only: no variables, no function
//! calls, as Terraform evaluates them without a context.

use super::{Backend, BackendConfig, BackendError, LocalConfig, RemoteBackend};
use crate::config;
use crate::diag::{Diagnostic, Diagnostics, SourceMap, Span};
use crate::lang::eval::{EmptyScope, Evaluator};
use crate::syntax::ast::{Body, Expr, ExprKind, TemplatePart};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tfrs_provider::convert::convert;
use tfrs_provider::json::{from_json, to_json_typed};
use tfrs_provider::provider::Severity;
use tfrs_provider::{AttrPath, Attribute, Block, Diag, Type, Value};

/// The file, under the data directory, recording the backend.
pub const BACKEND_STATE_FILE: &str = "terraform.tfstate";

/// The backend `init` recorded: type, configuration (JSON of the
/// schema's object type, every attribute present) and the block's hash.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedBackend {
    pub kind: String,
    pub config: serde_json::Value,
    pub hash: u64,
}

/// Where the backend record of a data directory is.
pub fn state_file_path(data_dir: &Path) -> PathBuf {
    data_dir.join(BACKEND_STATE_FILE)
}

/// Reads the backend record: `Ok(None)` when there is none (never
/// initialised, or initialised for the local backend without a block).
/// Errors are Terraform's (`ParseBackendStateFile`).
pub fn read_saved(data_dir: &Path) -> Result<Option<SavedBackend>, String> {
    let path = state_file_path(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(super::os::go_io_error("open", &path, &e)),
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("invalid syntax: {e}"))?;
    let version = v["version"].as_u64().unwrap_or(0);
    if version == 0 {
        return Err("invalid syntax: no format version number".into());
    }
    if version != 3 {
        return Err(format!(
            "unsupported backend state version {version}; you may need to use Terraform CLI v{} to work in this directory",
            v["terraform_version"].as_str().unwrap_or("")
        ));
    }
    let b = &v["backend"];
    let Some(kind) = b["type"].as_str().filter(|t| !t.is_empty()) else {
        if v.get("remote").is_some_and(|r| !r.is_null()) {
            return Err("this working directory uses legacy remote state and so must first be upgraded using Terraform v0.9".into());
        }
        return Ok(None);
    };
    Ok(Some(SavedBackend {
        kind: kind.to_string(),
        config: b["config"].clone(),
        hash: b["hash"].as_u64().unwrap_or(0),
    }))
}

/// Writes the backend record as Terraform does (`json.MarshalIndent`, no
/// final newline); `None` records no backend.
pub fn write_saved(data_dir: &Path, saved: Option<&SavedBackend>) -> Result<(), String> {
    std::fs::create_dir_all(data_dir).map_err(|e| super::os::go_io_error("mkdir", data_dir, &e))?;
    let mut top = serde_json::Map::new();
    top.insert("version".into(), 3.into());
    top.insert(
        "terraform_version".into(),
        crate::command::TERRAFORM_VERSION.into(),
    );
    if let Some(s) = saved {
        let mut b = serde_json::Map::new();
        b.insert("type".into(), s.kind.clone().into());
        b.insert("config".into(), s.config.clone());
        b.insert("hash".into(), s.hash.into());
        top.insert("backend".into(), serde_json::Value::Object(b));
    }
    let text = super::json::Json::from_serde(&serde_json::Value::Object(top)).pretty();
    let path = state_file_path(data_dir);
    super::os::write_atomic(&path, text.as_bytes(), |_| Ok(()))
        .map(|_| ())
        .map_err(|e| super::os::go_io_error("write", &path, &e))
}

/// A backend type: the built-in local one, or a registered remote one.
#[derive(Clone, Copy)]
pub enum Kind {
    Local,
    Remote(&'static dyn RemoteBackend),
}

impl Kind {
    /// The backend type called `name`, if tfrs has it.
    pub fn named(name: &str) -> Option<Kind> {
        if name == "local" {
            return Some(Kind::Local);
        }
        super::remote_backend(name).map(Kind::Remote)
    }

    /// The configuration schema (Terraform's `ConfigSchema`).
    pub fn schema(&self) -> Block {
        match self {
            Kind::Local => Block::new()
                .attr("path", Attribute::optional(Type::String))
                .attr("workspace_dir", Attribute::optional(Type::String)),
            Kind::Remote(r) => r.schema(),
        }
    }
}

/// A configuration decoded from a backend block and `-backend-config`.
#[derive(Clone, Debug)]
pub struct Decoded {
    pub kind: String,
    pub config: Value,
}

/// The record of a decoded configuration with the block's hash.
pub fn saved_record(decoded: &Decoded, schema: &Block, hash: u64) -> SavedBackend {
    SavedBackend {
        kind: decoded.kind.clone(),
        config: to_json_typed(&decoded.config, &schema.value_type()),
        hash,
    }
}

/// The recorded configuration as a value of the schema's type.
pub fn saved_config(saved: &SavedBackend, schema: &Block) -> Result<Value, Diagnostics> {
    from_json(&saved.config, &schema.value_type()).map_err(|e| {
        Diagnostic::error(
            "Failed to decode current backend config",
            format!("The backend configuration created by the most recent run of \"terraform init\" could not be decoded: {e}. The configuration may have been initialized by an earlier version that used an incompatible configuration structure. Run \"terraform init -reconfigure\" to force re-initialization of the backend."),
        )
        .into()
    })
}

/// The schema with every attribute optional, as backend blocks are
/// decoded (`NoneRequired`): the backend checks required ones itself.
fn none_required(schema: &Block) -> Block {
    let mut s = schema.clone();
    for a in s.attributes.values_mut() {
        if a.required {
            a.required = false;
            a.optional = true;
        }
    }
    s
}

/// The first function call in an expression.
fn first_call(e: &Expr) -> Option<Span> {
    fn parts(ps: &[TemplatePart]) -> Option<Span> {
        ps.iter().find_map(|p| match p {
            TemplatePart::Literal(_) => None,
            TemplatePart::Interp(e) => first_call(e),
            TemplatePart::If {
                cond,
                then,
                otherwise,
            } => first_call(cond)
                .or_else(|| parts(then))
                .or_else(|| parts(otherwise)),
            TemplatePart::For {
                collection, body, ..
            } => first_call(collection).or_else(|| parts(body)),
        })
    }
    match &e.kind {
        ExprKind::Call { name_span, .. } => Some(*name_span),
        ExprKind::Literal(_) | ExprKind::Variable(_) | ExprKind::AnonSymbol => None,
        ExprKind::Template(ps) => parts(ps),
        ExprKind::GetAttr(x, _) | ExprKind::Unary(_, x) | ExprKind::Parens(x) => first_call(x),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            first_call(a).or_else(|| first_call(b))
        }
        ExprKind::Splat { source, each, .. } => first_call(source).or_else(|| first_call(each)),
        ExprKind::Tuple(items) => items.iter().find_map(first_call),
        ExprKind::Object(items) => items
            .iter()
            .find_map(|i| first_call(&i.key).or_else(|| first_call(&i.value))),
        ExprKind::Conditional(a, b, c) => first_call(a)
            .or_else(|| first_call(b))
            .or_else(|| first_call(c)),
        ExprKind::For(f) => first_call(&f.collection)
            .or_else(|| f.key_expr.as_ref().and_then(first_call))
            .or_else(|| first_call(&f.value_expr))
            .or_else(|| f.condition.as_ref().and_then(first_call)),
    }
}

/// The values a body of literal arguments sets, checked against the
/// schema's attributes (each converted to its type). Blocks are not
/// expected; references and function calls are errors, as in Terraform.
fn literal_values(
    body: &Body,
    schema: &Block,
    sources: &SourceMap,
) -> Result<BTreeMap<String, Value>, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut out = BTreeMap::new();
    let scope = EmptyScope {
        base_dir: PathBuf::from("."),
    };
    for a in &body.attributes {
        let Some(attr) = schema.attributes.get(&a.name) else {
            let names: Vec<&str> = schema.attributes.keys().map(String::as_str).collect();
            let detail = match crate::util::did_you_mean(&a.name, &names) {
                Some(s) => format!(
                    "An argument named {:?} is not expected here. Did you mean {s:?}?",
                    a.name
                ),
                None => format!("An argument named {:?} is not expected here.", a.name),
            };
            diags.push(Diagnostic::error("Unsupported argument", detail).with_subject(a.name_span));
            continue;
        };
        if let Some(t) = a.expr.traversals().first() {
            diags.push(
                Diagnostic::error("Variables not allowed", "Variables may not be used here.")
                    .with_subject(t.span),
            );
            continue;
        }
        if let Some(span) = first_call(&a.expr) {
            diags.push(
                Diagnostic::error(
                    "Function calls not allowed",
                    "Functions may not be called here.",
                )
                .with_subject(span),
            );
            continue;
        }
        let value = match Evaluator::new(&scope)
            .with_sources(sources.clone())
            .eval(&a.expr)
        {
            Ok(v) => v,
            Err(d) => {
                diags.extend(d);
                continue;
            }
        };
        match convert(&value, &attr.ty) {
            Ok(v) => {
                out.insert(a.name.clone(), v);
            }
            Err(e) => diags.push(
                Diagnostic::error(
                    "Incorrect attribute value type",
                    format!("Inappropriate value for attribute {:?}: {e}.", a.name),
                )
                .with_subject(a.expr.span),
            ),
        }
    }
    for b in &body.blocks {
        let detail = if schema.attributes.contains_key(&b.type_name) {
            format!("Blocks of type {:?} are not expected here. Did you mean to define argument {:?}? If so, use the equals sign to assign it a value.", b.type_name, b.type_name)
        } else {
            format!("Blocks of type {:?} are not expected here.", b.type_name)
        };
        diags.push(Diagnostic::error("Unsupported block type", detail).with_subject(b.type_span));
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(out)
    }
}

/// The values of `-backend-config` options, in order (Terraform's
/// `backendConfigOverrideBody`): `KEY=VALUE` sets one argument (a string
/// converted to a primitive type, an HCL expression otherwise), anything
/// else names a file of arguments. `None` without options; an empty map
/// for a single empty option, which Terraform takes as "no overrides".
pub fn override_values(
    items: &[String],
    schema: &Block,
    sources: &SourceMap,
) -> Result<Option<BTreeMap<String, Value>>, Diagnostics> {
    if items.is_empty() {
        return Ok(None);
    }
    let mut out = BTreeMap::new();
    if items.len() == 1 && items[0].is_empty() {
        return Ok(Some(out));
    }
    let mut diags = Diagnostics::new();
    let scope = EmptyScope {
        base_dir: PathBuf::from("."),
    };
    for item in items {
        let Some((name, raw)) = item.split_once('=') else {
            let text = match std::fs::read_to_string(item) {
                Ok(t) => t,
                Err(e) => {
                    diags.push(Diagnostic::error(
                        "Failed to read file",
                        format!(
                            "The file {item:?} could not be read: {}",
                            super::os::go_errno_text(&e)
                        ),
                    ));
                    continue;
                }
            };
            let id = sources.add(item.clone(), text.clone());
            let (body, parse) = if item.ends_with(".json") {
                crate::syntax::json::parse_json_file(&text, id)
            } else {
                crate::syntax::parser::parse_file(&text, id, item)
            };
            if parse.has_errors() {
                diags.extend(parse);
                continue;
            }
            match literal_values(&body, &none_required(schema), sources) {
                Ok(values) => out.extend(values),
                Err(d) => diags.extend(d),
            }
            continue;
        };
        let Some(attr) = schema.attributes.get(name) else {
            diags.push(Diagnostic::error(
                "Invalid backend configuration argument",
                format!("The backend configuration argument {name:?} given on the command line is not expected for the selected backend type."),
            ));
            continue;
        };
        let primitive = matches!(attr.ty, Type::String | Type::Number | Type::Bool);
        let value = if primitive {
            convert(&Value::string(raw), &attr.ty).map_err(|e| {
                Diagnostic::error(
                    "Invalid backend configuration value",
                    format!("Invalid backend configuration argument -backend-config={item:?}: {e}"),
                )
                .into()
            })
        } else {
            let id = sources.add(format!("-backend-config={item}"), raw.to_string());
            match crate::syntax::parser::parse_expression(raw, id) {
                (Some(expr), d) if !d.has_errors() => {
                    if let Some(t) = expr.traversals().first() {
                        Err(Diagnostic::error(
                            "Variables not allowed",
                            "Variables may not be used here.",
                        )
                        .with_subject(t.span)
                        .into())
                    } else {
                        Evaluator::new(&scope)
                            .with_sources(sources.clone())
                            .eval(&expr)
                            .and_then(|v| {
                                convert(&v, &attr.ty).map_err(|e| {
                                    Diagnostic::error(
                                        "Incorrect attribute value type",
                                        format!("Inappropriate value for attribute {name:?}: {e}."),
                                    )
                                    .into()
                                })
                            })
                    }
                }
                (_, d) => Err(d),
            }
        };
        match value {
            Ok(v) => {
                out.insert(name.to_string(), v);
            }
            Err(d) => diags.extend(d),
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(Some(out))
    }
}

/// An object of the schema's type: `values` where given, null elsewhere.
fn object_of(schema: &Block, values: &BTreeMap<String, Value>) -> Value {
    Value::Object(
        schema
            .attributes
            .iter()
            .map(|(k, a)| {
                (
                    k.clone(),
                    values
                        .get(k)
                        .cloned()
                        .unwrap_or_else(|| Value::Null(a.ty.clone())),
                )
            })
            .collect(),
    )
}

/// Decodes a backend block by the schema, every attribute optional.
pub fn decode_block(
    body: &Body,
    schema: &Block,
    sources: &SourceMap,
) -> Result<Value, Diagnostics> {
    let values = literal_values(body, &none_required(schema), sources)?;
    Ok(object_of(schema, &values))
}

/// The block's values with `overrides` (from `-backend-config`) on top,
/// each replacing the argument of the same name (Terraform's
/// `MergeBodies`).
pub fn merge(config: &Value, schema: &Block, overrides: &BTreeMap<String, Value>) -> Value {
    let mut values: BTreeMap<String, Value> = config
        .entries()
        .map(|m| {
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    values.extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
    object_of(schema, &values)
}

/// Terraform's hash of a backend block (`configs.Backend.Hash`): cty's
/// `Value.Hash` of the tuple of the type name and the block decoded by
/// the schema with every attribute optional (unknown when it does not
/// decode).
pub fn block_hash(kind: &str, body: &Body, schema: &Block, sources: &SourceMap) -> u64 {
    let value =
        decode_block(body, schema, sources).unwrap_or_else(|_| Value::Unknown(schema.value_type()));
    let mut bytes = String::new();
    hash_bytes(&Value::Tuple(vec![Value::string(kind), value]), &mut bytes);
    u64::from(crc32fast::hash(bytes.as_bytes()))
}

/// cty's set hash bytes (`appendSetHashBytes`).
fn hash_bytes(v: &Value, out: &mut String) {
    let v = v.unmarked();
    match v {
        Value::Unknown(_) => out.push('?'),
        Value::Null(_) => out.push('~'),
        Value::Bool(b) => out.push(if *b { 'T' } else { 'F' }),
        Value::Number(n) => out.push_str(&go_big_float_string(n.to_f64())),
        Value::String(s) => out.push_str(&crate::lang::repl::go_quote(s)),
        Value::Map(_, m) => {
            out.push('{');
            for (k, x) in m {
                out.push_str(&crate::lang::repl::go_quote(k));
                out.push(':');
                hash_bytes(x, out);
                out.push(';');
            }
            out.push('}');
        }
        Value::List(_, items) | Value::Set(_, items) => {
            out.push('[');
            for x in items {
                hash_bytes(x, out);
                out.push(';');
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('<');
            for x in m.values() {
                hash_bytes(x, out);
                out.push(';');
            }
            out.push('>');
        }
        Value::Tuple(items) => {
            out.push('<');
            for x in items {
                hash_bytes(x, out);
                out.push(';');
            }
            out.push('>');
        }
        Value::Sensitive(inner) => hash_bytes(inner, out),
    }
}

/// Go's `big.Float.String()` (`%.10g`) of a number.
fn go_big_float_string(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let exp = x.abs().log10().floor() as i32;
    let trim = |s: String| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    };
    if !(-4..10).contains(&exp) {
        let text = format!("{:.9e}", x);
        let (mantissa, e) = text.split_once('e').unwrap_or((&text, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        let sign = if e < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mantissa.to_string()), e.abs())
    } else {
        let decimals = (9 - exp).max(0) as usize;
        trim(format!("{x:.decimals$}"))
    }
}

/// A backend diagnostic as ours: one about an attribute points at that
/// argument of the block when there is one.
pub fn from_backend_diag(d: Diag, body: Option<&Body>) -> Diagnostic {
    let mut out = match d.severity {
        Severity::Error => Diagnostic::error(d.summary, d.detail),
        Severity::Warning => Diagnostic::warning(d.summary, d.detail),
    };
    let first = d
        .attribute
        .as_ref()
        .and_then(|p: &AttrPath| match p.0.first() {
            Some(tfrs_provider::path::PathStep::Attr(name)) => Some(name.clone()),
            _ => None,
        });
    if let (Some(body), Some(name)) = (body, first) {
        if let Some(a) = body.attribute(&name) {
            out.subject = Some(a.expr.span);
        }
    }
    out
}

/// Opens a backend of `kind` with a decoded configuration: the backend's
/// checks, then its storage (Terraform's `PrepareConfig` and `Configure`).
/// `body`, when the configuration came from a block, places attribute
/// diagnostics. The local overrides (`-state`...) apply to a local backend.
pub fn open(
    dir: &Path,
    kind: Kind,
    config: &Value,
    overrides: LocalConfig,
    body: Option<&Body>,
) -> Result<(Backend, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::new();
    match kind {
        Kind::Local => {
            let mut local = overrides;
            for (name, summary, what) in [
                ("path", "Invalid local state file path", "path"),
                (
                    "workspace_dir",
                    "Invalid local workspace directory path",
                    "workspace_dir",
                ),
            ] {
                let v = config
                    .get_attr(name)
                    .and_then(Value::as_str)
                    .map(String::from);
                if v.as_deref() == Some("") {
                    diags.push(from_backend_diag(
                        Diag::error(
                            summary,
                            format!("The {what:?} attribute value must not be empty."),
                        )
                        .at(AttrPath::attr(name)),
                        body,
                    ));
                }
                let slot = if name == "path" {
                    &mut local.path
                } else {
                    &mut local.workspace_dir
                };
                if slot.is_none() {
                    *slot = v.filter(|s| !s.is_empty()).map(PathBuf::from);
                }
            }
            if diags.has_errors() {
                return Err(diags);
            }
            Ok((Backend::open(dir, BackendConfig::Local(local)), diags))
        }
        Kind::Remote(r) => {
            for d in r.prepare(config) {
                diags.push(from_backend_diag(d, body));
            }
            if diags.has_errors() {
                return Err(diags);
            }
            match r.configure(config) {
                Ok((storage, warnings)) => {
                    for d in warnings {
                        diags.push(from_backend_diag(d, body));
                    }
                    Ok((Backend::open(dir, BackendConfig::Remote(storage)), diags))
                }
                Err(errors) => {
                    for d in errors {
                        diags.push(from_backend_diag(d, body));
                    }
                    Err(diags)
                }
            }
        }
    }
}

/// Terraform's `errBackendInit` diagnostic.
pub fn init_required(summary_colon: bool, reason: &str) -> Diagnostic {
    let summary = if summary_colon {
        "Backend initialization required: please run \"terraform init\""
    } else {
        "Backend initialization required, please run \"terraform init\""
    };
    Diagnostic::error(
        summary,
        format!("Reason: {reason}\n\nThe \"backend\" is the interface that Terraform uses to store state,\nperform operations, etc. If this message is showing up, it means that the\nTerraform configuration you're using is using a custom configuration for\nthe Terraform backend.\n\nChanges to backend configurations require reinitialization. This allows\nTerraform to set up the new configuration, copy existing state, etc. Please run\n\"terraform init\" with either the \"-reconfigure\" or \"-migrate-state\" flags to\nuse the current configuration.\n\nIf the change reason above is incorrect, please verify your configuration\nhasn't changed and try again. At this point, no changes to your existing\nconfiguration or state have been made."),
    )
}

/// Terraform's `errBackendSavedUnknown`.
pub fn saved_unknown(kind: &str) -> Diagnostic {
    Diagnostic::error(
        format!("The backend {kind:?} could not be found."),
        "This is the backend that this Terraform environment is configured to use\nboth in your configuration and saved locally as your last-used backend.\nIf it isn't found, it could mean an alternate version of Terraform was\nused with this configuration. Please use the proper version of Terraform that\ncontains support for this backend.\n\nIf you'd like to force remove this backend, you must update your configuration\nto not use the backend and run \"terraform init\" (or any other command) again.",
    )
}

/// The unknown-type error for a block (`Invalid backend type`, or
/// `Unsupported backend type` from `init`).
pub fn unknown_type(summary: &str, block: &config::Backend) -> Diagnostic {
    let detail = if block.kind == "cloud" {
        "tfrs has no HCP Terraform integration: use a state backend such as \"s3\" or \"local\"."
            .to_string()
    } else {
        format!("There is no backend type named {:?}.", block.kind)
    };
    Diagnostic::error(summary, detail).with_subject(block.span)
}

/// What a command other than `init` sees of the configuration's backend.
pub enum BlockInfo<'a> {
    /// The configuration was loaded; its `backend` block, if any.
    Loaded(Option<&'a config::Backend>),
    /// The configuration could not be loaded: trust the record.
    Unknown,
}

/// The backend of a working directory for a command other than `init`
/// (Terraform's `backendFromConfig` without `Init`): the recorded one
/// when the block matches it, Terraform's "Backend initialization
/// required" error when it does not. Warnings (deprecated settings) come
/// back with the backend.
pub fn configured(
    dir: &Path,
    overrides: LocalConfig,
    block: BlockInfo<'_>,
    sources: &SourceMap,
) -> Result<(Backend, Diagnostics), BackendError> {
    let probe = Backend::local(dir.to_path_buf());
    if overrides.state.is_some() {
        return Ok((
            Backend::open(dir, BackendConfig::Local(overrides)),
            Diagnostics::new(),
        ));
    }
    let data_dir = probe.data_dir();
    let saved = read_saved(&data_dir).map_err(|e| {
        BackendError::Config(Diagnostic::error(format!("Failed to load state: {e}"), "").into())
    })?;
    let block = match block {
        BlockInfo::Loaded(b) => Some(b),
        BlockInfo::Unknown => None,
    };
    let config_err = |d: Diagnostic| BackendError::Config(d.into());
    let saved = match (block, saved) {
        (Some(None) | None, None) => {
            return Ok((
                Backend::open(dir, BackendConfig::Local(overrides)),
                Diagnostics::new(),
            ))
        }
        (Some(None), Some(s)) => {
            return Err(config_err(init_required(
                false,
                &format!("Unsetting the previously set backend {:?}", s.kind),
            )))
        }
        (Some(Some(c)), None) => {
            if Kind::named(&c.kind).is_none() {
                return Err(config_err(unknown_type("Invalid backend type", c)));
            }
            return Err(config_err(init_required(
                false,
                &format!(
                    "Initial configuration of the requested backend {:?}",
                    c.kind
                ),
            )));
        }
        (None, Some(s)) => s,
        (Some(Some(c)), Some(s)) => {
            let kind = Kind::named(&c.kind)
                .ok_or_else(|| config_err(unknown_type("Invalid backend type", c)))?;
            let schema = kind.schema();
            let hash = block_hash(&c.kind, &c.body, &schema, sources);
            if hash != s.hash {
                let same = c.kind == s.kind
                    && match (
                        decode_block(&c.body, &schema, sources),
                        saved_config(&s, &schema),
                    ) {
                        (Ok(given), Ok(cached)) => given.raw_equal(&cached),
                        _ => false,
                    };
                if !same {
                    let reason = if c.kind != s.kind {
                        format!("Backend type changed from {:?} to {:?}", s.kind, c.kind)
                    } else {
                        "Backend configuration block has changed".to_string()
                    };
                    return Err(config_err(init_required(true, &reason)));
                }
                // The values moved between the block and -backend-config:
                // the record only needs the new hash.
                let updated = SavedBackend { hash, ..s.clone() };
                write_saved(&data_dir, Some(&updated))
                    .map_err(|e| BackendError::Config(Diagnostic::error(e, "").into()))?;
            }
            s
        }
    };
    let kind = Kind::named(&saved.kind).ok_or_else(|| config_err(saved_unknown(&saved.kind)))?;
    let schema = kind.schema();
    let config = saved_config(&saved, &schema).map_err(BackendError::Config)?;
    open(dir, kind, &config, overrides, None).map_err(BackendError::Config)
}

/// The backend block of the configuration in `dir`, loaded for a command
/// that does not otherwise read the configuration.
pub fn load_block(dir: &Path, sources: &SourceMap) -> Option<Option<config::Backend>> {
    if !config::has_config_files(dir) {
        return Some(None);
    }
    let (module, diags) = config::load(dir, sources);
    if diags.has_errors() {
        return None;
    }
    Some(module.backend)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3_like_schema() -> Block {
        let names = "access_key acl allowed_account_ids assume_role assume_role_with_web_identity bucket custom_ca_bundle dynamodb_endpoint dynamodb_table ec2_metadata_service_endpoint ec2_metadata_service_endpoint_mode encrypt endpoint endpoints forbidden_account_ids force_path_style http_proxy https_proxy iam_endpoint insecure key kms_key_id max_retries no_proxy profile region retry_mode secret_key shared_config_files shared_credentials_file shared_credentials_files skip_credentials_validation skip_metadata_api_check skip_region_validation skip_requesting_account_id skip_s3_checksum sse_customer_key sts_endpoint sts_region token use_dualstack_endpoint use_fips_endpoint use_lockfile use_path_style workspace_key_prefix";
        let mut b = Block::new();
        for n in names.split(' ') {
            let ty = if n == "encrypt" {
                Type::Bool
            } else {
                Type::String
            };
            b = b.attr(n, Attribute::optional(ty));
        }
        b
    }

    fn body(src: &str, sources: &SourceMap) -> Body {
        let id = sources.add("backend.tf", src);
        let (body, diags) = crate::syntax::parser::parse_file(src, id, "backend.tf");
        assert!(!diags.has_errors(), "{diags:?}");
        body
    }

    #[test]
    fn hash_matches_terraform() {
        // A `.terraform/terraform.tfstate` Terraform 1.11.3 wrote for this
        // block (published in a blog post) records the hash 982998060.
        let sources = SourceMap::default();
        let b = body(
            "bucket = \"zip-prod-cdktf-state\"\ndynamodb_table = \"zip-cdktf-state_lockid\"\nencrypt = true\nkey = \"cdktf.tfstate\"\nregion = \"us-east-2\"\n",
            &sources,
        );
        assert_eq!(block_hash("s3", &b, &s3_like_schema(), &sources), 982998060);
    }

    #[test]
    fn block_values_are_literals() {
        let sources = SourceMap::default();
        let schema = s3_like_schema();
        let b = body(
            "bucket = var.bucket\nkey = upper(\"x\")\nnope = 1\n",
            &sources,
        );
        let err = decode_block(&b, &schema, &sources).unwrap_err();
        let mut summaries: Vec<&str> = err.0.iter().map(|d| d.summary.as_str()).collect();
        summaries.sort();
        assert_eq!(
            summaries,
            [
                "Function calls not allowed",
                "Unsupported argument",
                "Variables not allowed"
            ]
        );
        assert_eq!(err.0.len(), 3);
        let b = body("bucket = \"b\"\nencrypt = \"true\"\n", &sources);
        let v = decode_block(&b, &schema, &sources).unwrap();
        assert!(v
            .get_attr("encrypt")
            .is_some_and(|x| x.raw_equal(&Value::Bool(true))));
        assert!(v
            .get_attr("key")
            .is_some_and(|x| x.raw_equal(&Value::Null(Type::String))));
        let merged = merge(
            &v,
            &schema,
            &[("key".to_string(), Value::string("k"))]
                .into_iter()
                .collect(),
        );
        assert!(merged
            .get_attr("key")
            .is_some_and(|x| x.raw_equal(&Value::string("k"))));
        assert!(merged
            .get_attr("bucket")
            .is_some_and(|x| x.raw_equal(&Value::string("b"))));
    }

    #[test]
    fn go_number_strings() {
        assert_eq!(go_big_float_string(5.0), "5");
        assert_eq!(go_big_float_string(0.5), "0.5");
        assert_eq!(go_big_float_string(1234567890.0), "1234567890");
        assert_eq!(go_big_float_string(12345678901.0), "1.23456789e+10");
    }

    #[test]
    fn saved_record_round_trips() {
        let dir = std::env::temp_dir().join(format!("tfrs-workdir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(read_saved(&dir).unwrap(), None);
        let schema = s3_like_schema();
        let config = object_of(
            &schema,
            &[("bucket".to_string(), Value::string("b<&>"))]
                .into_iter()
                .collect(),
        );
        let rec = saved_record(
            &Decoded {
                kind: "s3".into(),
                config: config.clone(),
            },
            &schema,
            42,
        );
        write_saved(&dir, Some(&rec)).unwrap();
        let text = std::fs::read_to_string(state_file_path(&dir)).unwrap();
        assert!(
            text.starts_with("{\n  \"version\": 3,\n  \"terraform_version\": \""),
            "{text}"
        );
        assert!(
            text.contains("\"bucket\": \"b\\u003c\\u0026\\u003e\""),
            "{text}"
        );
        assert!(text.contains("\n    \"hash\": 42\n  }\n}"), "{text}");
        let back = read_saved(&dir).unwrap().unwrap();
        assert_eq!(back, rec);
        assert!(saved_config(&back, &schema).unwrap().raw_equal(&config));
        write_saved(&dir, None).unwrap();
        assert_eq!(read_saved(&dir).unwrap(), None);
        std::fs::write(
            state_file_path(&dir),
            "{\"version\": 4, \"terraform_version\": \"9.0\"}",
        )
        .unwrap();
        assert!(read_saved(&dir)
            .unwrap_err()
            .starts_with("unsupported backend state version 4"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
