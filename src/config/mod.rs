//! Configuration loading: the `.tf` files of a directory become a
//! [`Module`] (Terraform's internal/configs).
//!
//! Loading checks the structure (block types, labels, duplicate names,
//! meta-arguments); it does not evaluate expressions, which is `lang`'s job.

pub mod graph;
pub mod providers;
pub mod typeexpr;

use crate::diag::{Diagnostic, Diagnostics, SourceMap, Span};
use crate::syntax::ast::{Attribute, Block, Body, Expr, ExprKind};
use crate::syntax::parser::parse_file;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tfrs_provider::{Type, Value};
use typeexpr::{parse_type_constraint, TypeConstraint};

/// One parsed file, kept for diagnostics context.
#[derive(Debug, Clone)]
pub struct File {
    pub name: String,
    pub id: u32,
    pub body: Body,
}

#[derive(Debug, Clone)]
pub struct Variable {
    pub name: String,
    pub ty: Option<TypeConstraint>,
    pub default: Option<Expr>,
    pub description: Option<String>,
    pub sensitive: bool,
    pub nullable: bool,
    pub validations: Vec<CheckRule>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct CheckRule {
    pub condition: Expr,
    pub error_message: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Local {
    pub name: String,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub expr: Option<Expr>,
    pub sensitive: bool,
    pub depends_on: Vec<Expr>,
    pub preconditions: Vec<CheckRule>,
    pub span: Span,
}

pub use crate::addrs::Mode;

#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    pub create_before_destroy: bool,
    pub prevent_destroy: bool,
    pub ignore_changes: Option<Expr>,
    pub replace_triggered_by: Option<Expr>,
    pub preconditions: Vec<CheckRule>,
    pub postconditions: Vec<CheckRule>,
}

#[derive(Debug, Clone)]
pub struct Resource {
    pub mode: Mode,
    pub type_name: String,
    pub name: String,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub provider: Option<Expr>,
    pub depends_on: Vec<Expr>,
    pub lifecycle: Lifecycle,
    /// The body without meta-arguments and meta-blocks.
    pub body: Body,
    pub span: Span,
    pub decl_span: Span,
}

impl Resource {
    /// `aws_s3_bucket.site` or `data.aws_vpc.default`.
    pub fn address(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.type_name, self.name),
            Mode::Data => format!("data.{}.{}", self.type_name, self.name),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ModuleCall {
    pub name: String,
    pub source: String,
    pub source_span: Span,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub depends_on: Vec<Expr>,
    pub inputs: Vec<Attribute>,
    /// `providers = { aws = aws.west }`: the child's provider key (`aws`,
    /// `aws.x`) and the parent's key it is given.
    pub providers: Vec<(String, String)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct ProviderConfig {
    pub name: String,
    pub alias: Option<String>,
    pub body: Body,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct RequiredProvider {
    pub name: String,
    pub source: String,
    pub version: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Backend {
    pub kind: String,
    pub body: Body,
    pub span: Span,
}

/// A root or child module: every declaration of one directory.
#[derive(Debug, Clone, Default)]
pub struct Module {
    pub dir: PathBuf,
    pub files: Vec<File>,
    pub variables: BTreeMap<String, Variable>,
    pub locals: BTreeMap<String, Local>,
    pub outputs: BTreeMap<String, Output>,
    pub resources: BTreeMap<String, Resource>,
    pub module_calls: BTreeMap<String, ModuleCall>,
    pub providers: Vec<ProviderConfig>,
    pub required_providers: BTreeMap<String, RequiredProvider>,
    pub required_version: Option<String>,
    pub backend: Option<Backend>,
    /// `moved`, `import`, `removed` and `check` blocks, kept for the engine.
    pub other_blocks: Vec<Block>,
    /// The files' text, for diagnostics.
    pub sources: SourceMap,
    /// Child modules by call name, loaded by [`load_tree`] (empty after
    /// [`load`]).
    pub children: BTreeMap<String, std::sync::Arc<Module>>,
}

impl Module {
    /// The block around `span`, as Terraform names it in diagnostics
    /// (`resource "aws_s3_bucket" "site"`): HCL's `ContextString`, the
    /// top-level block whose range holds the byte before the subject.
    pub fn context_of(&self, span: Span) -> Option<String> {
        let file = self.files.iter().find(|f| f.id == span.file)?;
        let at = span.lo.checked_sub(1)?;
        file.body
            .blocks
            .iter()
            .find(|b| b.span.lo <= at && at < b.span.hi)
            .map(Block::header)
    }

    /// Adds block context to diagnostics that have a subject in this module.
    pub fn add_context(&self, diags: &mut Diagnostics) {
        for d in diags.0.iter_mut() {
            if d.context.is_none() {
                if let Some(s) = d.subject {
                    d.context = self.context_of(s);
                }
            }
        }
    }
}

/// Whether `dir` has any configuration file.
pub fn has_config_files(dir: &Path) -> bool {
    config_files(dir).map(|f| !f.is_empty()).unwrap_or(false)
}

/// The configuration files of a directory in load order: primary files by
/// name, then override files by name.
fn config_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut primary = Vec::new();
    let mut overrides = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.starts_with('.') || name.starts_with('#') || name.ends_with('~') || !path.is_file()
        {
            continue;
        }
        let stem = if let Some(s) = name.strip_suffix(".tf.json") {
            s
        } else if let Some(s) = name.strip_suffix(".tf") {
            s
        } else {
            continue;
        };
        if stem == "override" || stem.ends_with("_override") {
            overrides.push(path);
        } else {
            primary.push(path);
        }
    }
    primary.sort();
    overrides.sort();
    primary.extend(overrides);
    Ok(primary)
}

fn is_override(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let stem = name
        .strip_suffix(".tf.json")
        .or_else(|| name.strip_suffix(".tf"))
        .unwrap_or(name);
    stem == "override" || stem.ends_with("_override")
}

/// Loads the module in `dir` and, recursively, the modules it calls
/// (local paths only: nothing can be downloaded).
pub fn load_tree(dir: &Path, sources: &SourceMap) -> (Module, Diagnostics) {
    let (mut module, mut diags) = load(dir, sources);
    if diags.has_errors() {
        return (module, diags);
    }
    load_children(&mut module, &mut diags, &mut vec![normalize_path(dir)]);
    (module, diags)
}

fn load_children(module: &mut Module, diags: &mut Diagnostics, stack: &mut Vec<PathBuf>) {
    let calls: Vec<ModuleCall> = module.module_calls.values().cloned().collect();
    for mc in calls {
        let dir = match module_source_dir(module, &mc) {
            Ok(d) => d,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if stack.contains(&dir) {
            diags.push(
                Diagnostic::error(
                    "Module calls itself",
                    format!(
                        "The module {:?} has source {:?}, a module that is already being loaded: modules cannot call themselves, directly or indirectly.",
                        mc.name, mc.source
                    ),
                )
                .with_subject(mc.source_span),
            );
            continue;
        }
        let (mut child, d) = load(&dir, &module.sources);
        let failed = d.has_errors();
        diags.extend(d);
        if failed {
            continue;
        }
        stack.push(dir);
        load_children(&mut child, diags, stack);
        stack.pop();
        module
            .children
            .insert(mc.name.clone(), std::sync::Arc::new(child));
    }
}

/// The directory a module call's source names: a local path, or an error
/// for anything that would need a download.
pub fn module_source_dir(module: &Module, mc: &ModuleCall) -> Result<PathBuf, Diagnostic> {
    let src = mc.source.as_str();
    if !(src.starts_with("./") || src.starts_with("../")) {
        return Err(Diagnostic::error(
            "Module not installed",
            format!("The module {:?} has source {src:?}, which is not a local path. tfrs runs offline and cannot download modules from registries or version control; copy the module into this configuration and use a local path such as \"./modules/{}\".", mc.name, mc.name),
        )
        .with_subject(mc.source_span));
    }
    let dir = module.dir.join(src);
    if !dir.is_dir() {
        return Err(Diagnostic::error(
            "Unreadable module directory",
            format!(
                "The directory {} does not exist or cannot be read.",
                dir.display()
            ),
        )
        .with_subject(mc.source_span));
    }
    Ok(normalize_path(&dir))
}

/// `a/./b/../c` → `a/c`, without touching the file system.
pub fn normalize_path(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A module call's `providers` map: `{ aws = aws.west }`.
fn provider_map(e: &Expr, diags: &mut Diagnostics) -> Vec<(String, String)> {
    let key_of = |e: &Expr| -> Option<String> {
        let t = e.as_traversal()?;
        let mut key = t.root.clone();
        for s in &t.steps {
            match s {
                crate::syntax::ast::Step::Attr(a) => {
                    key.push('.');
                    key.push_str(a);
                }
                _ => return None,
            }
        }
        (key.matches('.').count() <= 1).then_some(key)
    };
    let ExprKind::Object(items) = &e.kind else {
        diags.push(
            Diagnostic::error(
                "Invalid providers argument",
                "The \"providers\" argument must be a map from provider names in the child module to provider configurations in this module, like { aws = aws.west }.",
            )
            .with_subject(e.span),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        match (key_of(&item.key), key_of(&item.value)) {
            (Some(k), Some(v)) => out.push((k, v)),
            _ => diags.push(
                Diagnostic::error(
                    "Invalid provider configuration reference",
                    "A provider configuration reference must not be given in quotes, and must be a provider name optionally followed by a dot and an alias.",
                )
                .with_subject(item.value.span),
            ),
        }
    }
    out
}

/// Loads the module in `dir`.
pub fn load(dir: &Path, sources: &SourceMap) -> (Module, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut module = Module {
        dir: dir.to_path_buf(),
        sources: sources.clone(),
        ..Module::default()
    };
    let files = match config_files(dir) {
        Ok(f) => f,
        Err(e) => {
            diags.push(Diagnostic::error(
                "Failed to read module directory",
                format!(
                    "Module directory {} does not exist or cannot be read: {e}.",
                    dir.display()
                ),
            ));
            return (module, diags);
        }
    };
    let mut override_bodies = Vec::new();
    for path in files {
        let display = display_name(dir, &path);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Failed to read file",
                    format!("The configuration file {display:?} could not be read: {e}."),
                ));
                continue;
            }
        };
        let id = sources.add(display.clone(), text.clone());
        let (body, d) = if display.ends_with(".json") {
            crate::syntax::json::parse_json_file(&text, id)
        } else {
            parse_file(&text, id, &display)
        };
        diags.extend(d);
        let file = File {
            name: display,
            id,
            body,
        };
        if is_override(&path) {
            override_bodies.push(file.body.clone());
        }
        module.files.push(file);
    }
    let primaries: Vec<Body> = module
        .files
        .iter()
        .filter(|f| !is_override(Path::new(&f.name)))
        .map(|f| f.body.clone())
        .collect();
    for body in &primaries {
        decode_body(&mut module, body, &mut diags, false);
    }
    for body in &override_bodies {
        decode_body(&mut module, body, &mut diags, true);
    }
    module.add_context(&mut diags);
    (module, diags)
}

fn display_name(dir: &Path, path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if dir == Path::new(".") || dir == Path::new("") {
        name
    } else {
        path.to_string_lossy().into_owned()
    }
}

const TOP_LEVEL_BLOCKS: &[&str] = &[
    "terraform",
    "provider",
    "variable",
    "locals",
    "output",
    "resource",
    "data",
    "module",
    "moved",
    "import",
    "removed",
    "check",
];

fn labels_ok(b: &Block, want: usize, names: &[&str], diags: &mut Diagnostics) -> bool {
    if b.labels.len() < want {
        let missing = names[b.labels.len()];
        diags.push(
            Diagnostic::error(
                format!("Missing {missing} for {}", b.type_name),
                format!(
                    "All {} blocks must have {} labels ({}).",
                    b.type_name,
                    want,
                    names.join(", ")
                ),
            )
            .with_subject(b.type_span),
        );
        return false;
    }
    if b.labels.len() > want {
        let extra = b.label_spans[want];
        diags.push(
            Diagnostic::error(
                format!("Extraneous label for {}", b.type_name),
                if want == 0 {
                    format!("No labels are expected for {} blocks.", b.type_name)
                } else {
                    format!(
                        "Only {} labels ({}) are expected for {} blocks.",
                        want,
                        names.join(", "),
                        b.type_name
                    )
                },
            )
            .with_subject(extra),
        );
        return false;
    }
    true
}

fn valid_name(name: &str, span: Span, what: &str, diags: &mut Diagnostics) -> bool {
    let mut chars = name.chars();
    let ok = matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if !ok {
        diags.push(
            Diagnostic::error(
                format!("Invalid {what} name"),
                "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.",
            )
            .with_subject(span),
        );
    }
    ok
}

/// Decodes top-level blocks into the module; override files replace what
/// they name instead of declaring it again.
fn decode_body(m: &mut Module, body: &Body, diags: &mut Diagnostics, is_override: bool) {
    for a in &body.attributes {
        diags.push(
            Diagnostic::error(
                "Unsupported argument",
                format!("An argument named {:?} is not expected here.", a.name),
            )
            .with_subject(a.name_span),
        );
    }
    for b in &body.blocks {
        match b.type_name.as_str() {
            "variable" => {
                if !labels_ok(b, 1, &["name"], diags) {
                    continue;
                }
                if let Some(v) = decode_variable(b, diags) {
                    if is_override {
                        if let Some(existing) = m.variables.get_mut(&v.name) {
                            merge_variable(existing, v);
                            continue;
                        }
                    }
                    if let Some(prev) = m.variables.get(&v.name) {
                        diags.push(duplicate(
                            "Duplicate variable declaration",
                            format!("A variable named {:?} was already declared at {}. Variable names must be unique within a module.", v.name, span_ref(m, prev.span)),
                            b.header_span(),
                        ));
                        continue;
                    }
                    m.variables.insert(v.name.clone(), v);
                }
            }
            "locals" => {
                if !labels_ok(b, 0, &[], diags) {
                    continue;
                }
                for blk in &b.body.blocks {
                    diags.push(
                        Diagnostic::error(
                            "Unsupported block type",
                            format!("Blocks of type {:?} are not expected here.", blk.type_name),
                        )
                        .with_subject(blk.type_span),
                    );
                }
                for a in &b.body.attributes {
                    if !is_override {
                        if let Some(prev) = m.locals.get(&a.name) {
                            diags.push(duplicate(
                                "Duplicate local value definition",
                                format!("A local value named {:?} was already defined at {}. Local value names must be unique within a module.", a.name, span_ref(m, prev.span)),
                                a.span,
                            ));
                            continue;
                        }
                    }
                    m.locals.insert(
                        a.name.clone(),
                        Local {
                            name: a.name.clone(),
                            expr: a.expr.clone(),
                            span: a.span,
                        },
                    );
                }
            }
            "output" => {
                if !labels_ok(b, 1, &["name"], diags) {
                    continue;
                }
                let o = decode_output(b, diags);
                if !is_override {
                    if let Some(prev) = m.outputs.get(&o.name) {
                        diags.push(duplicate(
                            "Duplicate output definition",
                            format!("An output named {:?} was already defined at {}. Output names must be unique within a module.", o.name, span_ref(m, prev.span)),
                            b.header_span(),
                        ));
                        continue;
                    }
                }
                m.outputs.insert(o.name.clone(), o);
            }
            "resource" | "data" => {
                if !labels_ok(b, 2, &["type", "name"], diags) {
                    continue;
                }
                let r = decode_resource(b, diags);
                let key = r.address();
                if is_override {
                    if let Some(existing) = m.resources.get_mut(&key) {
                        merge_body(&mut existing.body, &r.body);
                        continue;
                    }
                }
                if let Some(prev) = m.resources.get(&key) {
                    let kind = if r.mode == Mode::Managed {
                        "resource"
                    } else {
                        "data"
                    };
                    diags.push(duplicate(
                        &format!("Duplicate {kind} {:?} configuration", r.type_name),
                        format!(
                            "A {} resource named {:?} was already declared at {}. Resource names must be unique per type in each module.",
                            r.type_name,
                            r.name,
                            span_ref(m, prev.decl_span)
                        ),
                        b.header_span(),
                    ));
                    continue;
                }
                m.resources.insert(key, r);
            }
            "module" => {
                if !labels_ok(b, 1, &["name"], diags) {
                    continue;
                }
                if let Some(mc) = decode_module_call(b, diags) {
                    if let Some(prev) = m.module_calls.get(&mc.name) {
                        diags.push(duplicate(
                            "Duplicate module call",
                            format!("A module call named {:?} was already defined at {}. Module calls must have unique names within a module.", mc.name, span_ref(m, prev.span)),
                            b.header_span(),
                        ));
                        continue;
                    }
                    m.module_calls.insert(mc.name.clone(), mc);
                }
            }
            "provider" => {
                if !labels_ok(b, 1, &["name"], diags) {
                    continue;
                }
                let alias = b
                    .body
                    .attribute("alias")
                    .and_then(|a| literal_string(&a.expr));
                m.providers.push(ProviderConfig {
                    name: b.labels[0].clone(),
                    alias,
                    body: b.body.clone(),
                    span: b.span,
                });
            }
            "terraform" => {
                if labels_ok(b, 0, &[], diags) {
                    decode_terraform(m, b, diags);
                }
            }
            "moved" | "import" | "removed" | "check" => {
                let want = if b.type_name == "check" { 1 } else { 0 };
                let names: &[&str] = if want == 1 { &["name"] } else { &[] };
                if labels_ok(b, want, names, diags) {
                    m.other_blocks.push(b.clone());
                }
            }
            other => {
                let suggestion = crate::util::did_you_mean(other, TOP_LEVEL_BLOCKS);
                diags.push(
                    Diagnostic::error(
                        "Unsupported block type",
                        match suggestion {
                            Some(s) => format!("Blocks of type {other:?} are not expected here. Did you mean {s:?}?"),
                            None => format!("Blocks of type {other:?} are not expected here."),
                        },
                    )
                    .with_subject(b.type_span),
                );
            }
        }
    }
}

fn duplicate(summary: &str, detail: String, span: Span) -> Diagnostic {
    Diagnostic::error(summary, detail).with_subject(span)
}

/// `main.tf:3,1-15`, as Terraform refers to an earlier declaration.
fn span_ref(m: &Module, span: Span) -> String {
    match m.sources.get(span.file) {
        Some(src) => {
            let (l1, c1) = src.line_col(span.lo as usize);
            let (_, c2) = src.line_col(span.hi as usize);
            format!("{}:{l1},{c1}-{c2}", src.name)
        }
        None => "<unknown>".into(),
    }
}

fn literal_string(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Template(parts) if parts.is_empty() => Some(String::new()),
        ExprKind::Template(parts) if parts.len() == 1 => match &parts[0] {
            crate::syntax::ast::TemplatePart::Literal(s) => Some(s.clone()),
            _ => None,
        },
        ExprKind::Literal(Value::String(s)) => Some(s.clone()),
        _ => None,
    }
}

fn literal_bool(a: &Attribute, diags: &mut Diagnostics) -> bool {
    match &a.expr.kind {
        ExprKind::Literal(Value::Bool(b)) => *b,
        _ => {
            diags.push(
                Diagnostic::error(
                    "Invalid value",
                    format!("The {:?} argument must be a literal true or false.", a.name),
                )
                .with_subject(a.expr.span),
            );
            false
        }
    }
}

fn decode_variable(b: &Block, diags: &mut Diagnostics) -> Option<Variable> {
    let name = b.labels[0].clone();
    if !valid_name(&name, b.label_spans[0], "variable", diags) {
        return None;
    }
    const RESERVED: &[&str] = &[
        "source",
        "version",
        "providers",
        "count",
        "for_each",
        "lifecycle",
        "depends_on",
        "locals",
    ];
    if RESERVED.contains(&name.as_str()) {
        diags.push(
            Diagnostic::error(
                "Invalid variable name",
                format!("The variable name {name:?} is reserved due to its special meaning inside module blocks."),
            )
            .with_subject(b.label_spans[0]),
        );
    }
    let mut v = Variable {
        name,
        ty: None,
        default: None,
        description: None,
        sensitive: false,
        nullable: true,
        validations: Vec::new(),
        span: b.header_span(),
    };
    for a in &b.body.attributes {
        match a.name.as_str() {
            "type" => match parse_type_constraint(&a.expr) {
                Ok(t) => v.ty = Some(t),
                Err(d) => diags.push(d),
            },
            "default" => v.default = Some(a.expr.clone()),
            "description" => v.description = literal_string(&a.expr),
            "sensitive" => v.sensitive = literal_bool(a, diags),
            "nullable" => v.nullable = literal_bool(a, diags),
            "ephemeral" => {}
            other => diags.push(unsupported_argument(
                other,
                a,
                &[
                    "default",
                    "description",
                    "type",
                    "sensitive",
                    "nullable",
                    "ephemeral",
                ],
            )),
        }
    }
    for blk in &b.body.blocks {
        match blk.type_name.as_str() {
            "validation" => {
                if let Some(rule) = decode_check_rule(blk, diags) {
                    v.validations.push(rule);
                }
            }
            other => diags.push(unsupported_block(other, blk)),
        }
    }
    Some(v)
}

fn merge_variable(existing: &mut Variable, v: Variable) {
    if v.ty.is_some() {
        existing.ty = v.ty;
    }
    if v.default.is_some() {
        existing.default = v.default;
    }
    if v.description.is_some() {
        existing.description = v.description;
    }
    if !v.validations.is_empty() {
        existing.validations = v.validations;
    }
    existing.sensitive |= v.sensitive;
}

/// Override merging for resource bodies: attributes replace, blocks of a
/// type replace all blocks of that type.
fn merge_body(base: &mut Body, over: &Body) {
    for a in &over.attributes {
        base.attributes.retain(|x| x.name != a.name);
        base.attributes.push(a.clone());
    }
    let types: Vec<&str> = over.blocks.iter().map(|b| b.type_name.as_str()).collect();
    base.blocks
        .retain(|b| !types.contains(&b.type_name.as_str()));
    base.blocks.extend(over.blocks.iter().cloned());
}

fn decode_check_rule(b: &Block, diags: &mut Diagnostics) -> Option<CheckRule> {
    let cond = b.body.attribute("condition");
    let msg = b.body.attribute("error_message");
    for a in &b.body.attributes {
        if a.name != "condition" && a.name != "error_message" {
            diags.push(unsupported_argument(
                &a.name,
                a,
                &["condition", "error_message"],
            ));
        }
    }
    match (cond, msg) {
        (Some(c), Some(m)) => Some(CheckRule {
            condition: c.expr.clone(),
            error_message: m.expr.clone(),
            span: b.span,
        }),
        (c, m) => {
            let missing = if c.is_none() {
                "condition"
            } else {
                "error_message"
            };
            let _ = m;
            diags.push(
                Diagnostic::error(
                    "Missing required argument",
                    format!("The argument {missing:?} is required, but no definition was found."),
                )
                .with_subject(b.type_span),
            );
            None
        }
    }
}

fn decode_output(b: &Block, diags: &mut Diagnostics) -> Output {
    let mut o = Output {
        name: b.labels[0].clone(),
        expr: None,
        sensitive: false,
        depends_on: Vec::new(),
        preconditions: Vec::new(),
        span: b.header_span(),
    };
    for a in &b.body.attributes {
        match a.name.as_str() {
            "value" => o.expr = Some(a.expr.clone()),
            "sensitive" => o.sensitive = literal_bool(a, diags),
            "description" | "ephemeral" => {}
            "depends_on" => o.depends_on = list_items(&a.expr),
            other => diags.push(unsupported_argument(
                other,
                a,
                &[
                    "value",
                    "sensitive",
                    "description",
                    "depends_on",
                    "ephemeral",
                ],
            )),
        }
    }
    for blk in &b.body.blocks {
        match blk.type_name.as_str() {
            "precondition" => {
                if let Some(r) = decode_check_rule(blk, diags) {
                    o.preconditions.push(r);
                }
            }
            other => diags.push(unsupported_block(other, blk)),
        }
    }
    if o.expr.is_none() {
        diags.push(
            Diagnostic::error(
                "Missing required argument",
                "The argument \"value\" is required, but no definition was found.",
            )
            .with_subject(b.span.to(b.span)),
        );
    }
    o
}

fn list_items(e: &Expr) -> Vec<Expr> {
    match &e.kind {
        ExprKind::Tuple(items) => items.clone(),
        _ => vec![e.clone()],
    }
}

fn decode_resource(b: &Block, diags: &mut Diagnostics) -> Resource {
    let mode = if b.type_name == "data" {
        Mode::Data
    } else {
        Mode::Managed
    };
    let mut r = Resource {
        mode,
        type_name: b.labels[0].clone(),
        name: b.labels[1].clone(),
        count: None,
        for_each: None,
        provider: None,
        depends_on: Vec::new(),
        lifecycle: Lifecycle::default(),
        body: Body {
            attributes: Vec::new(),
            blocks: Vec::new(),
            span: b.body.span,
        },
        span: b.span,
        decl_span: b.header_span(),
    };
    valid_name(
        &r.name,
        b.label_spans[1],
        if mode == Mode::Data {
            "data source"
        } else {
            "resource"
        },
        diags,
    );
    for a in &b.body.attributes {
        match a.name.as_str() {
            "count" => r.count = Some(a.expr.clone()),
            "for_each" => r.for_each = Some(a.expr.clone()),
            "provider" => r.provider = Some(a.expr.clone()),
            "depends_on" => r.depends_on = list_items(&a.expr),
            _ => r.body.attributes.push(a.clone()),
        }
    }
    if let (Some(_), Some(fe)) = (&r.count, &r.for_each) {
        diags.push(
            Diagnostic::error(
                "Invalid combination of \"count\" and \"for_each\"",
                "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.",
            )
            .with_subject(fe.span),
        );
    }
    for blk in &b.body.blocks {
        match blk.type_name.as_str() {
            "lifecycle" if mode == Mode::Managed => decode_lifecycle(&mut r.lifecycle, blk, diags),
            "lifecycle" => {
                for inner in &blk.body.blocks {
                    match inner.type_name.as_str() {
                        "precondition" | "postcondition" => {
                            if let Some(rule) = decode_check_rule(inner, diags) {
                                if inner.type_name == "precondition" {
                                    r.lifecycle.preconditions.push(rule);
                                } else {
                                    r.lifecycle.postconditions.push(rule);
                                }
                            }
                        }
                        other => diags.push(unsupported_block(other, inner)),
                    }
                }
            }
            "connection" | "provisioner" => {}
            _ => r.body.blocks.push(blk.clone()),
        }
    }
    r
}

fn decode_lifecycle(l: &mut Lifecycle, b: &Block, diags: &mut Diagnostics) {
    for a in &b.body.attributes {
        match a.name.as_str() {
            "create_before_destroy" => l.create_before_destroy = literal_bool(a, diags),
            "prevent_destroy" => l.prevent_destroy = literal_bool(a, diags),
            "ignore_changes" => l.ignore_changes = Some(a.expr.clone()),
            "replace_triggered_by" => l.replace_triggered_by = Some(a.expr.clone()),
            other => diags.push(unsupported_argument(
                other,
                a,
                &[
                    "create_before_destroy",
                    "prevent_destroy",
                    "ignore_changes",
                    "replace_triggered_by",
                ],
            )),
        }
    }
    for blk in &b.body.blocks {
        match blk.type_name.as_str() {
            "precondition" => {
                if let Some(r) = decode_check_rule(blk, diags) {
                    l.preconditions.push(r);
                }
            }
            "postcondition" => {
                if let Some(r) = decode_check_rule(blk, diags) {
                    l.postconditions.push(r);
                }
            }
            other => diags.push(unsupported_block(other, blk)),
        }
    }
}

fn decode_module_call(b: &Block, diags: &mut Diagnostics) -> Option<ModuleCall> {
    let mut mc = ModuleCall {
        name: b.labels[0].clone(),
        source: String::new(),
        source_span: b.type_span,
        count: None,
        for_each: None,
        depends_on: Vec::new(),
        inputs: Vec::new(),
        providers: Vec::new(),
        span: b.header_span(),
    };
    let mut has_source = false;
    for a in &b.body.attributes {
        match a.name.as_str() {
            "source" => match literal_string(&a.expr) {
                Some(s) => {
                    mc.source = s;
                    mc.source_span = a.expr.span;
                    has_source = true;
                }
                None => diags.push(
                    Diagnostic::error(
                        "Invalid module source address",
                        "The module source address must be a literal string.",
                    )
                    .with_subject(a.expr.span),
                ),
            },
            "version" => {}
            "providers" => mc.providers = provider_map(&a.expr, diags),
            "count" => mc.count = Some(a.expr.clone()),
            "for_each" => mc.for_each = Some(a.expr.clone()),
            "depends_on" => mc.depends_on = list_items(&a.expr),
            _ => mc.inputs.push(a.clone()),
        }
    }
    if !has_source {
        diags.push(
            Diagnostic::error(
                "Missing required argument",
                "The argument \"source\" is required, but no definition was found.",
            )
            .with_subject(b.header_span()),
        );
        return None;
    }
    Some(mc)
}

fn decode_terraform(m: &mut Module, b: &Block, diags: &mut Diagnostics) {
    for a in &b.body.attributes {
        match a.name.as_str() {
            "required_version" => m.required_version = literal_string(&a.expr),
            "experiments" | "language" => {}
            other => diags.push(unsupported_argument(
                other,
                a,
                &["required_version", "experiments"],
            )),
        }
    }
    for blk in &b.body.blocks {
        match blk.type_name.as_str() {
            "required_providers" => {
                for a in &blk.body.attributes {
                    let (source, version) = match &a.expr.kind {
                        ExprKind::Object(items) => {
                            let mut source = None;
                            let mut version = None;
                            for item in items {
                                let key = match &item.key.kind {
                                    ExprKind::Variable(k) => Some(k.clone()),
                                    _ => literal_string(&item.key),
                                };
                                match key.as_deref() {
                                    Some("source") => source = literal_string(&item.value),
                                    Some("version") => version = literal_string(&item.value),
                                    _ => {}
                                }
                            }
                            (source, version)
                        }
                        // Terraform 0.12 style: `aws = "~> 3.0"`.
                        _ => (None, literal_string(&a.expr)),
                    };
                    let source = source.unwrap_or_else(|| format!("hashicorp/{}", a.name));
                    m.required_providers.insert(
                        a.name.clone(),
                        RequiredProvider {
                            name: a.name.clone(),
                            source,
                            version,
                            span: a.span,
                        },
                    );
                }
            }
            "backend" | "cloud" => {
                if blk.type_name == "backend" && !labels_ok(blk, 1, &["type"], diags) {
                    continue;
                }
                m.backend = Some(Backend {
                    kind: blk
                        .labels
                        .first()
                        .cloned()
                        .unwrap_or_else(|| "cloud".into()),
                    body: blk.body.clone(),
                    span: blk.span,
                });
            }
            "provider_meta" => {}
            other => diags.push(unsupported_block(other, blk)),
        }
    }
}

fn unsupported_argument(name: &str, a: &Attribute, valid: &[&str]) -> Diagnostic {
    let detail = match crate::util::did_you_mean(name, valid) {
        Some(s) => format!("An argument named {name:?} is not expected here. Did you mean {s:?}?"),
        None => format!("An argument named {name:?} is not expected here."),
    };
    Diagnostic::error("Unsupported argument", detail).with_subject(a.name_span)
}

fn unsupported_block(name: &str, b: &Block) -> Diagnostic {
    Diagnostic::error(
        "Unsupported block type",
        format!("Blocks of type {name:?} are not expected here."),
    )
    .with_subject(b.type_span)
}

/// The type a variable's value must have (`any` when not constrained).
pub fn variable_type(v: &Variable) -> Type {
    v.ty.as_ref().map(|t| t.ty.clone()).unwrap_or(Type::Dynamic)
}
