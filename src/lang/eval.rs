//! Expression evaluation, as Terraform's HCL evaluator does it.

use super::funcs::{self, go_quote, FuncContext, FuncError};
use crate::diag::{Diagnostic, Diagnostics, SourceMap, Span};
use crate::syntax::ast::*;
use std::collections::BTreeMap;
use tfrs_provider::convert::{convert, unify, unify_unsafe};
use tfrs_provider::{Number, Type, Value};

/// Resolves the names an expression refers to (`var.x`, `aws_s3_bucket.b`).
pub trait Scope {
    /// Resolves a reference: the root name and the static steps after it.
    /// Returns the value and how many of the steps it used; the evaluator
    /// applies the rest.
    fn resolve(
        &self,
        root: &str,
        steps: &[Step],
        span: Span,
    ) -> Result<(Value, usize), Diagnostics>;

    /// Checks that a reference resolves, when its value is not needed
    /// (scopes whose values are large answer without copying them).
    fn check(&self, root: &str, steps: &[Step], span: Span) -> Result<(), Diagnostics> {
        self.resolve(root, steps, span).map(|_| ())
    }

    /// The directory relative paths of file functions start from.
    fn func_context(&self) -> FuncContext;
}

/// A scope with nothing in it but `path.*` and `terraform.workspace`.
pub struct EmptyScope {
    pub base_dir: std::path::PathBuf,
}

impl Scope for EmptyScope {
    fn resolve(
        &self,
        root: &str,
        steps: &[Step],
        span: Span,
    ) -> Result<(Value, usize), Diagnostics> {
        resolve_builtin_roots(root, steps, span, &self.base_dir, "default")
            .unwrap_or_else(|| Err(undeclared(root, steps, span).into()))
    }
    fn func_context(&self) -> FuncContext {
        FuncContext::new(self.base_dir.clone())
    }
}

/// `path.module`, `path.root`, `path.cwd` and `terraform.workspace`.
pub fn resolve_builtin_roots(
    root: &str,
    steps: &[Step],
    span: Span,
    module_dir: &std::path::Path,
    workspace: &str,
) -> Option<Result<(Value, usize), Diagnostics>> {
    let attr = match steps.first() {
        Some(Step::Attr(a)) => a.as_str(),
        _ => "",
    };
    match root {
        "path" => Some(match attr {
            "module" | "root" => Ok((Value::string(module_dir.to_string_lossy()), 1)),
            "cwd" => Ok((
                Value::string(
                    std::env::current_dir()
                        .map(|p| p.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                ),
                1,
            )),
            _ => {
                let suggestion = crate::util::name_suggestion(attr, &["cwd", "module", "root"])
                    .map(|s| format!(" Did you mean {s:?}?"))
                    .unwrap_or_default();
                Err(Diagnostic::error(
                    "Invalid \"path\" attribute",
                    format!("The \"path\" object does not have an attribute named {attr:?}.{suggestion}"),
                )
                .with_subject(span)
                .into())
            }
        }),
        "terraform" => Some(match attr {
            "workspace" => Ok((Value::string(workspace), 1)),
            "applying" => Ok((Value::Bool(false), 1)),
            "env" => Err(Diagnostic::error(
                "Invalid \"terraform\" attribute",
                "The terraform.env attribute was deprecated in v0.10 and removed in v0.12. The \"state environment\" concept was renamed to \"workspace\" in v0.12, and so the workspace name can now be accessed using the terraform.workspace attribute.",
            )
            .with_subject(span)
            .into()),
            _ => Err(Diagnostic::error(
                "Invalid \"terraform\" attribute",
                format!("The \"terraform\" object does not have an attribute named {attr:?}. The only supported attributes are terraform.workspace, the name of the currently-selected workspace, and terraform.applying, a boolean which is true only during apply."),
            )
            .with_subject(span)
            .into()),
        }),
        _ => None,
    }
}

/// The diagnostic for a reference to something that is not declared.
pub fn undeclared(root: &str, steps: &[Step], span: Span) -> Diagnostic {
    let name = match steps.first() {
        Some(Step::Attr(a)) => a.clone(),
        _ => String::new(),
    };
    match root {
        "var" => Diagnostic::error(
            "Reference to undeclared input variable",
            format!("An input variable with the name {name:?} has not been declared. This variable can be declared with a variable {name:?} {{}} block."),
        ),
        "local" => Diagnostic::error(
            "Reference to undeclared local value",
            format!("A local value with the name {name:?} has not been declared."),
        ),
        "module" => Diagnostic::error(
            "Reference to undeclared module",
            format!("No module call named {name:?} is declared in the root module."),
        ),
        "count" if name != "index" => Diagnostic::error(
            "Invalid \"count\" attribute",
            format!("The \"count\" object does not have an attribute named {name:?}. The only supported attribute is count.index, which is the index of each instance of a resource block that has the \"count\" argument set."),
        ),
        "count" => Diagnostic::error(
            "Reference to \"count\" in non-counted context",
            "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.",
        ),
        "each" if name != "key" && name != "value" => Diagnostic::error(
            "Invalid \"each\" attribute",
            format!("The \"each\" object does not have an attribute named {name:?}. The supported attributes are each.key and each.value, the current key and value pair of the \"for_each\" attribute set."),
        ),
        "each" => Diagnostic::error(
            "Reference to \"each\" in context without for_each",
            "The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.",
        ),
        "self" => Diagnostic::error(
            "Invalid \"self\" reference",
            "The \"self\" object is not available in this context. This object can be used only in resource provisioner, connection, and postcondition blocks.",
        ),
        "data" => Diagnostic::error(
            "Reference to undeclared resource",
            format!(
                "A data resource {:?} {:?} has not been declared in the root module.",
                name,
                match steps.get(1) {
                    Some(Step::Attr(a)) => a.clone(),
                    _ => String::new(),
                }
            ),
        ),
        _ => {
            if steps.is_empty() {
                Diagnostic::error(
                    "Invalid reference",
                    "A reference to a resource type must be followed by at least one attribute access, specifying the resource name.",
                )
            } else {
                Diagnostic::error(
                    "Reference to undeclared resource",
                    format!("A managed resource {root:?} {name:?} has not been declared in the root module."),
                )
            }
        }
    }
    .with_subject(span)
}

pub struct Evaluator<'s> {
    scope: &'s dyn Scope,
    /// Iteration variables of `for` expressions and template `for`s.
    locals: Vec<(String, Value)>,
    /// The element a splat is applied to.
    anon: Vec<Value>,
    /// `terraform console`: the `type` function exists, `plantimestamp`
    /// does not.
    console: bool,
    /// Whether `type()` was called (console only).
    type_called: bool,
    /// The sources, to name positions in messages (`try`).
    sources: Option<SourceMap>,
    /// Nesting of `eval` calls: references are checked at the outermost.
    depth: usize,
    /// Set while rendering a template: whether file functions are allowed
    /// (in `templatefile`, not in `templatestring`).
    template: Option<bool>,
}

type EResult = Result<Value, Diagnostics>;

fn diag(summary: &str, detail: impl Into<String>, span: Span) -> Diagnostics {
    Diagnostic::error(summary, detail).with_subject(span).into()
}

/// The built-in functions the evaluator implements itself: they take
/// expressions rather than values, or render templates.
struct Special {
    name: &'static str,
    params: &'static [&'static str],
    variadic: Option<&'static str>,
}

const SPECIALS: &[Special] = &[
    Special {
        name: "try",
        params: &[],
        variadic: Some("expressions"),
    },
    Special {
        name: "can",
        params: &["expression"],
        variadic: None,
    },
    Special {
        name: "templatestring",
        params: &["template", "vars"],
        variadic: None,
    },
    Special {
        name: "templatefile",
        params: &["path", "vars"],
        variadic: None,
    },
    Special {
        name: "type",
        params: &["value"],
        variadic: None,
    },
];

/// The functions that read files, which `templatestring` templates may not
/// call (Terraform's `filesystemFunctions`).
const FILESYSTEM_FUNCTIONS: &[&str] = &[
    "file",
    "fileexists",
    "fileset",
    "filebase64",
    "filebase64sha256",
    "filebase64sha512",
    "filemd5",
    "filesha1",
    "filesha256",
    "filesha512",
    "templatefile",
];

/// What a call refers to.
enum Callee {
    Builtin(&'static funcs::Function),
    Special(&'static Special),
}

impl Callee {
    fn params(&self) -> Vec<&'static str> {
        match self {
            Callee::Builtin(f) => f.params.iter().map(|p| p.name).collect(),
            Callee::Special(s) => s.params.to_vec(),
        }
    }
    fn variadic(&self) -> Option<&'static str> {
        match self {
            Callee::Builtin(f) => f.variadic.map(|p| p.name),
            Callee::Special(s) => s.variadic,
        }
    }
    /// `join(separator, lists...)`, as Terraform shows the function whose
    /// call failed.
    fn signature(&self, called_as: &str) -> String {
        let mut params = self.params().join(", ");
        if let Some(v) = self.variadic() {
            if !params.is_empty() {
                params.push_str(", ");
            }
            params.push_str(v);
            params.push_str("...");
        }
        format!("{called_as}({params})")
    }
}

/// The span HCL reports an argument at (`Expression.StartRange`).
pub fn start_range(e: &Expr) -> Span {
    let first = |lo: u32| Span {
        file: e.span.file,
        lo,
        hi: (lo + 1).min(e.span.hi.max(lo + 1)),
    };
    match &e.kind {
        ExprKind::Tuple(_) | ExprKind::Object(_) | ExprKind::For(_) | ExprKind::Parens(_) => {
            first(e.span.lo)
        }
        ExprKind::Call { name_span, .. } => Span {
            hi: name_span.hi + 1,
            ..*name_span
        },
        ExprKind::Binary(_, l, _) => start_range(l),
        ExprKind::Conditional(c, _, _) => start_range(c),
        ExprKind::Unary(..) => first(e.span.lo),
        ExprKind::Template(parts) if !parts.is_empty() => Span {
            lo: e.span.lo + 1,
            hi: e.span.hi.saturating_sub(1).max(e.span.lo + 1),
            ..e.span
        },
        _ => e.span,
    }
}

/// The span of the last traversal step of `e` (`.name` or `[key]`), where
/// HCL reports a failed step.
fn step_span(e: &Expr) -> Span {
    match &e.kind {
        ExprKind::GetAttr(inner, _) | ExprKind::Index(inner, _) => Span {
            lo: inner.span.hi,
            ..e.span
        },
        _ => e.span,
    }
}

/// The nodes of a static traversal chain, root first.
fn chain(e: &Expr) -> Vec<&Expr> {
    let mut out = Vec::new();
    let mut cur = e;
    loop {
        out.push(cur);
        match &cur.kind {
            ExprKind::GetAttr(inner, _) | ExprKind::Index(inner, _) => cur = inner,
            _ => break,
        }
    }
    out.reverse();
    out
}

impl<'s> Evaluator<'s> {
    pub fn new(scope: &'s dyn Scope) -> Evaluator<'s> {
        Evaluator {
            scope,
            locals: Vec::new(),
            anon: Vec::new(),
            console: false,
            type_called: false,
            sources: None,
            depth: 0,
            template: None,
        }
    }

    /// Binds a local name (used for `count`/`each`-free extras by callers).
    pub fn with_local(mut self, name: &str, v: Value) -> Self {
        self.locals.push((name.to_string(), v));
        self
    }

    /// Binds a name for what follows (a `dynamic` block's iterator);
    /// undone by `pop_local`.
    pub fn push_local(&mut self, name: &str, v: Value) {
        self.locals.push((name.to_string(), v));
    }

    pub fn pop_local(&mut self) {
        self.locals.pop();
    }

    /// Evaluates as `terraform console` does: with its `type` function and
    /// without `plantimestamp`.
    pub fn console(mut self) -> Self {
        self.console = true;
        self
    }

    /// The sources of the expressions, so that messages can name positions.
    pub fn with_sources(mut self, sources: SourceMap) -> Self {
        self.sources = Some(sources);
        self
    }

    /// Whether the console's `type` function was called; its result is
    /// then a type value (see [`crate::lang::repl::type_value`]).
    pub fn used_type(&self) -> bool {
        self.type_called
    }

    fn local(&self, name: &str) -> Option<&Value> {
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// Evaluates an expression. As Terraform does, every reference it makes
    /// is resolved first, and a reference to something undeclared is an
    /// error even where evaluation would not reach it (an untaken branch,
    /// an argument of `try` or `can`).
    pub fn eval(&mut self, e: &Expr) -> EResult {
        if self.depth == 0 {
            self.check_references(e)?;
        }
        self.depth += 1;
        let r = self.ev(e);
        self.depth -= 1;
        r
    }

    fn check_references(&self, e: &Expr) -> Result<(), Diagnostics> {
        let mut diags = Diagnostics::new();
        let mut lookups = Vec::new();
        for t in e.traversals() {
            if self.local(&t.root).is_some() {
                continue;
            }
            if let Some(steps) = parse_reference(&t, &mut diags) {
                lookups.push((t, steps));
            }
        }
        for (t, (steps, span)) in lookups {
            if let Err(d) = self.scope.check(&t.root, &steps, span) {
                diags.extend(d);
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(())
        }
    }

    /// A diagnostic about `expr` (Terraform shows the values of the
    /// references in it under the source).
    fn expr_diag(
        &self,
        summary: &str,
        detail: impl Into<String>,
        subject: Span,
        context: Option<Span>,
        expr: Option<&Expr>,
    ) -> Diagnostic {
        let mut d = Diagnostic::error(summary, detail).with_subject(subject);
        if let Some(c) = context {
            d = d.with_snippet(c);
        }
        if let Some(e) = expr {
            d = d.with_values(self.expression_values(e));
        }
        d
    }

    /// The values of the references in `e` that evaluate, as Terraform lists
    /// them under a diagnostic's source (`│ var.x is "a"`).
    pub fn expression_values(&self, e: &Expr) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for t in e.traversals() {
            for n in (1..=t.steps.len()).rev() {
                let steps = &t.steps[..n];
                let v = match self.local(&t.root) {
                    Some(v) => apply_steps(v.clone(), steps, t.span),
                    None => self
                        .scope
                        .resolve(&t.root, steps, t.span)
                        .and_then(|(v, used)| apply_steps(v, &steps[used.min(n)..], t.span)),
                };
                let Ok(v) = v else { continue };
                let name = traversal_str(&t.root, steps);
                if out.iter().any(|(k, _)| *k == name) {
                    break;
                }
                if let Some(statement) = value_statement(&v) {
                    out.push((name, statement));
                }
                break;
            }
        }
        out.sort();
        out
    }

    fn ev(&mut self, e: &Expr) -> EResult {
        match &e.kind {
            ExprKind::Literal(v) => Ok(v.clone()),
            ExprKind::Parens(inner) => self.ev(inner),
            ExprKind::Template(parts) => self.eval_template(parts, e.span),
            ExprKind::Variable(_) | ExprKind::GetAttr(..) | ExprKind::Index(..) => {
                self.eval_traversal(e)
            }
            ExprKind::AnonSymbol => Ok(self.anon.last().cloned().unwrap_or_else(Value::unknown)),
            ExprKind::Splat { source, each, .. } => self.eval_splat(source, each, e.span),
            ExprKind::Call {
                name,
                name_span,
                args,
                expand_final,
            } => self.eval_call(e, name, *name_span, args, *expand_final),
            ExprKind::Tuple(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut diags = Diagnostics::new();
                for item in items {
                    match self.ev(item) {
                        Ok(v) => out.push(v),
                        Err(d) => diags.extend(d),
                    }
                }
                if diags.has_errors() {
                    return Err(diags);
                }
                Ok(Value::Tuple(out))
            }
            ExprKind::Object(items) => self.eval_object(items),
            ExprKind::Unary(op, operand) => self.eval_unary(*op, operand, e),
            ExprKind::Binary(op, l, r) => self.eval_binary(*op, l, r, e),
            ExprKind::Conditional(c, t, f) => self.eval_conditional(c, t, f, e),
            ExprKind::For(f) => self.eval_for(f, e.span),
        }
    }

    fn eval_traversal(&mut self, e: &Expr) -> EResult {
        if let Some(t) = e.as_traversal() {
            let (mut v, used) = match self.local(&t.root) {
                Some(v) => (v.clone(), 0),
                None => self.scope.resolve(&t.root, &t.steps, t.span)?,
            };
            let nodes = chain(e);
            for (i, step) in t.steps.iter().enumerate().skip(used) {
                let node = nodes.get(i + 1).copied().unwrap_or(e);
                let span = step_span(node);
                let r = match step {
                    Step::Attr(name) => get_attr(v, name, span),
                    Step::Index(k) => index(v, k.clone(), span),
                };
                v = r.map_err(|d| self.with_values(d, e))?;
            }
            return Ok(v);
        }
        match &e.kind {
            ExprKind::Variable(name) => match self.local(name) {
                Some(v) => Ok(v.clone()),
                None => self.scope.resolve(name, &[], e.span).map(|(v, _)| v),
            },
            ExprKind::GetAttr(inner, name) => {
                let v = self.ev(inner)?;
                get_attr(v, name, step_span(e)).map_err(|d| self.with_values(d, e))
            }
            ExprKind::Index(inner, key) => {
                // `aws_x.y[count.index]`: with the key known, the scope may
                // take the element itself, rather than handing over the
                // whole collection to be indexed here (a copy of every
                // instance for each reference).
                if let Some(t) = inner
                    .as_traversal()
                    .filter(|t| self.local(&t.root).is_none())
                {
                    let k = self.ev(key)?;
                    if k.is_known() && !k.is_sensitive() {
                        let mut steps = t.steps.clone();
                        steps.push(Step::Index(k.clone()));
                        let (mut v, used) = self.scope.resolve(&t.root, &steps, t.span)?;
                        if used == steps.len() {
                            return Ok(v);
                        }
                        let nodes = chain(inner);
                        for (i, step) in t.steps.iter().enumerate().skip(used) {
                            let node = nodes.get(i + 1).copied().unwrap_or(inner);
                            let span = step_span(node);
                            let r = match step {
                                Step::Attr(name) => get_attr(v, name, span),
                                Step::Index(k) => index(v, k.clone(), span),
                            };
                            v = r.map_err(|d| self.with_values(d, inner))?;
                        }
                        return index(v, k, step_span(e)).map_err(|d| self.with_values(d, e));
                    }
                    let v = self.ev(inner)?;
                    return index(v, k, step_span(e)).map_err(|d| self.with_values(d, e));
                }
                let v = self.ev(inner);
                let k = self.ev(key);
                let (v, k) = both(v, k)?;
                index(v, k, step_span(e)).map_err(|d| self.with_values(d, e))
            }
            _ => Ok(Value::unknown()),
        }
    }

    /// Adds the values of `e`'s references to the diagnostics.
    fn with_values(&self, mut diags: Diagnostics, e: &Expr) -> Diagnostics {
        let values = self.expression_values(e);
        for d in diags.0.iter_mut() {
            if d.values().is_empty() {
                *d = d.clone().with_values(values.clone());
            }
        }
        diags
    }

    fn eval_object(&mut self, items: &[ObjectItem]) -> EResult {
        let mut out = BTreeMap::new();
        let mut diags = Diagnostics::new();
        let mut known = true;
        let mut sensitive = false;
        for item in items {
            let key = if item.key_is_ident {
                match &item.key.kind {
                    ExprKind::Variable(n) => Ok(Value::string(n.clone())),
                    _ => Ok(Value::unknown()),
                }
            } else if item.key.as_traversal().is_some_and(|t| !t.steps.is_empty()) {
                Err(diag(
                    "Ambiguous attribute key",
                    "If this expression is intended to be a reference, wrap it in parentheses. If it's instead intended as a literal name containing periods, wrap it in quotes to create a string literal.",
                    item.key.span,
                ))
            } else {
                self.ev(&item.key)
            };
            let value = self.ev(&item.value);
            let key = match key {
                Ok(k) => k,
                Err(d) => {
                    diags.extend(d);
                    if let Err(d) = value {
                        diags.extend(d);
                    }
                    known = false;
                    continue;
                }
            };
            let value = match value {
                Ok(v) => v,
                Err(d) => {
                    diags.extend(d);
                    Value::unknown()
                }
            };
            if key.is_null() {
                diags.push(self.expr_diag(
                    "Null value as key",
                    "Can't use a null value as a key.",
                    item.value.span,
                    None,
                    Some(&item.key),
                ));
                known = false;
                continue;
            }
            let (key, key_sensitive) = key.unmark();
            sensitive |= key_sensitive;
            let key = match convert(&key, &Type::String) {
                Ok(k) => k,
                Err(e) => {
                    diags.push(self.expr_diag(
                        "Incorrect key type",
                        format!("Can't use this value as a key: {}.", e.message),
                        item.key.span,
                        None,
                        Some(&item.key),
                    ));
                    known = false;
                    continue;
                }
            };
            match key {
                Value::String(k) => {
                    out.insert(k, value);
                }
                _ => known = false,
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        if !known {
            return Ok(Value::unknown());
        }
        Ok(Value::Object(out).mark_if(sensitive))
    }

    fn eval_unary(&mut self, op: UnaryOp, operand: &Expr, e: &Expr) -> EResult {
        let v = self.ev(operand)?;
        let ty = match op {
            UnaryOp::Negate => Type::Number,
            UnaryOp::Not => Type::Bool,
        };
        let v = convert(&v, &ty).map_err(|err| {
            Diagnostics::from(self.expr_diag(
                "Invalid operand",
                format!("Unsuitable value for unary operand: {}.", err.message),
                operand.span,
                Some(e.span),
                Some(operand),
            ))
        })?;
        if v.is_null() {
            return Err(self.op_failed("argument must not be null", e));
        }
        let (v, sensitive) = v.unmark();
        let r = match (op, v) {
            (UnaryOp::Negate, Value::Number(n)) => Value::Number(n.neg()),
            (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
            (_, _) => Value::Unknown(ty),
        };
        Ok(r.mark_if(sensitive))
    }

    fn op_failed(&self, what: &str, e: &Expr) -> Diagnostics {
        self.expr_diag(
            "Operation failed",
            format!("Error during operation: {what}."),
            e.span,
            None,
            Some(e),
        )
        .into()
    }

    fn eval_binary(&mut self, op: BinaryOp, l: &Expr, r: &Expr, e: &Expr) -> EResult {
        let lv = self.ev(l);
        let rv = self.ev(r);
        let mut diags = Diagnostics::new();
        let (lv, rv) = match (lv, rv) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => {
                for d in [a.err(), b.err()].into_iter().flatten() {
                    diags.extend(d);
                }
                return Err(diags);
            }
        };
        if matches!(op, BinaryOp::Eq | BinaryOp::NotEq) {
            let (a, sa) = lv.unmark_deep();
            let (b, sb) = rv.unmark_deep();
            let eq = a.equals(&b);
            let eq = match (op, eq) {
                (BinaryOp::NotEq, Value::Bool(x)) => Value::Bool(!x),
                (_, v) => v,
            };
            return Ok(eq.mark_if(sa || sb));
        }
        let param = match op {
            BinaryOp::And | BinaryOp::Or => Type::Bool,
            _ => Type::Number,
        };
        let lc = convert(&lv, &param);
        let rc = convert(&rv, &param);
        if let Err(err) = &lc {
            diags.push(self.expr_diag(
                "Invalid operand",
                format!("Unsuitable value for left operand: {}.", err.message),
                l.span,
                Some(e.span),
                Some(l),
            ));
        }
        if let Err(err) = &rc {
            diags.push(self.expr_diag(
                "Invalid operand",
                format!("Unsuitable value for right operand: {}.", err.message),
                r.span,
                Some(e.span),
                Some(r),
            ));
        }
        let (Ok(lv), Ok(rv)) = (lc, rc) else {
            return Err(diags);
        };
        if lv.is_null() || rv.is_null() {
            return Err(self.op_failed("argument must not be null", e));
        }
        let (lv, ls) = lv.unmark_deep();
        let (rv, rs) = rv.unmark_deep();
        let sensitive = ls || rs;
        let result_ty = match op {
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
                Type::Number
            }
            _ => Type::Bool,
        };
        let result = match (lv, rv) {
            (Value::Bool(a), Value::Bool(b)) => Value::Bool(match op {
                BinaryOp::And => a && b,
                _ => a || b,
            }),
            (Value::Number(a), Value::Number(b)) => {
                let fail = |what: &str| self.op_failed(what, e);
                match op {
                    BinaryOp::Add => Value::Number(
                        a.add(&b)
                            .ok_or_else(|| fail("can't compute sum of opposing infinities"))?,
                    ),
                    BinaryOp::Sub => Value::Number(
                        a.sub(&b)
                            .ok_or_else(|| fail("can't subtract infinity from itself"))?,
                    ),
                    BinaryOp::Mul => Value::Number(
                        a.mul(&b)
                            .ok_or_else(|| fail("can't multiply zero by infinity"))?,
                    ),
                    BinaryOp::Div => {
                        let q = if a.is_zero() && b.is_zero() {
                            None
                        } else {
                            a.div(&b)
                        };
                        Value::Number(q.ok_or_else(|| {
                            fail("can't divide zero by zero or infinity by infinity")
                        })?)
                    }
                    BinaryOp::Mod => Value::Number(
                        modulo(&a, &b)
                            .ok_or_else(|| fail("can't use modulo with zero and infinity"))?,
                    ),
                    BinaryOp::Lt => Value::Bool(a.cmp_num(&b).is_lt()),
                    BinaryOp::LtEq => Value::Bool(a.cmp_num(&b).is_le()),
                    BinaryOp::Gt => Value::Bool(a.cmp_num(&b).is_gt()),
                    BinaryOp::GtEq => Value::Bool(a.cmp_num(&b).is_ge()),
                    _ => Value::Unknown(result_ty),
                }
            }
            _ => Value::Unknown(result_ty),
        };
        Ok(result.mark_if(sensitive))
    }

    fn eval_conditional(&mut self, c: &Expr, t: &Expr, f: &Expr, e: &Expr) -> EResult {
        let tr = self.ev(t);
        let fr = self.ev(f);
        let tv = tr.as_ref().cloned().unwrap_or_else(|_| Value::unknown());
        let fv = fr.as_ref().cloned().unwrap_or_else(|_| Value::unknown());
        let is_untyped_null = |v: &Value| matches!(v, Value::Null(Type::Dynamic));
        let (tt, ft) = (tv.ty(), fv.ty());
        let mut convert_true = true;
        let mut convert_false = true;
        let result_ty = if is_untyped_null(&tv) {
            convert_false = false;
            ft.clone()
        } else if is_untyped_null(&fv) {
            convert_true = false;
            tt.clone()
        } else if tt == Type::Dynamic || ft == Type::Dynamic {
            convert_true = false;
            convert_false = false;
            Type::Dynamic
        } else {
            match unify_unsafe(&[tt.clone(), ft.clone()]) {
                Some(t) => t,
                None => {
                    return Err(self
                        .expr_diag(
                            "Inconsistent conditional result types",
                            format!(
                            "The true and false result expressions must have consistent types. {}.",
                            describe_type_mismatch(&tt, &ft)
                        ),
                            t.span.to(f.span),
                            Some(e.span),
                            Some(e),
                        )
                        .into())
                }
            }
        };
        let cv = self.ev(c)?;
        if cv.is_null() {
            return Err(self
                .expr_diag(
                    "Null condition",
                    "The condition value is null. Conditions must either be true or false.",
                    c.span,
                    Some(e.span),
                    Some(c),
                )
                .into());
        }
        let (cv, cs) = cv.unmark();
        let (tv, ts) = tv.unmark();
        let (fv, fs) = fv.unmark();
        let sensitive = cs || ts || fs;
        if !cv.is_known() {
            if tv.is_null() && fv.is_null() {
                return Ok(Value::Null(result_ty).mark_if(sensitive));
            }
            return Ok(Value::Unknown(result_ty).mark_if(sensitive));
        }
        let cond = match convert(&cv, &Type::Bool) {
            Ok(Value::Bool(b)) => b,
            Ok(_) => return Ok(Value::Unknown(result_ty).mark_if(sensitive)),
            Err(_) => {
                return Err(self
                    .expr_diag(
                        "Incorrect condition type",
                        "The condition expression must be of type bool.",
                        c.span,
                        Some(e.span),
                        Some(c),
                    )
                    .into())
            }
        };
        let (chosen, which, arm, conv) = if cond {
            (tr.map(|_| tv), "true", t, convert_true)
        } else {
            (fr.map(|_| fv), "false", f, convert_false)
        };
        let chosen = chosen?;
        let v = if conv {
            match convert(&chosen, &result_ty) {
                Ok(v) => v,
                Err(err) => {
                    return Err(self
                        .expr_diag(
                            "Inconsistent conditional result types",
                            format!(
                                "The {which} result value has the wrong type: {}.",
                                err.message
                            ),
                            arm.span,
                            Some(e.span),
                            Some(arm),
                        )
                        .into())
                }
            }
        } else {
            chosen
        };
        Ok(v.mark_if(sensitive))
    }

    /// The elements a `for` (expression or directive) iterates: key and
    /// value pairs, or the error of a collection that cannot be iterated.
    fn for_pairs(
        &self,
        coll: &Value,
        coll_expr: &Expr,
        context: Span,
    ) -> Result<Option<Vec<(Value, Value)>>, Diagnostics> {
        if coll.is_null() {
            return Err(self
                .expr_diag(
                    "Iteration over null value",
                    "A null value cannot be used as the collection in a 'for' expression.",
                    coll_expr.span,
                    Some(context),
                    Some(coll_expr),
                )
                .into());
        }
        let ty = coll.ty();
        if ty == Type::Dynamic {
            return Ok(None);
        }
        let iterable = matches!(
            ty,
            Type::List(_) | Type::Set(_) | Type::Map(_) | Type::Tuple(_) | Type::Object(..)
        );
        if !iterable {
            return Err(self
                .expr_diag(
                    "Iteration over non-iterable value",
                    format!(
                        "A value of type {} cannot be used as the collection in a 'for' expression.",
                        ty.friendly_name()
                    ),
                    coll_expr.span,
                    Some(context),
                    Some(coll_expr),
                )
                .into());
        }
        Ok(match coll.unmarked() {
            Value::List(_, vs) | Value::Tuple(vs) => Some(
                vs.iter()
                    .enumerate()
                    .map(|(i, v)| (Value::int(i as i64), v.clone()))
                    .collect(),
            ),
            Value::Set(_, vs) => Some(vs.iter().map(|v| (v.clone(), v.clone())).collect()),
            Value::Map(_, m) | Value::Object(m) => Some(
                m.iter()
                    .map(|(k, v)| (Value::string(k.clone()), v.clone()))
                    .collect(),
            ),
            _ => None,
        })
    }

    fn eval_for(&mut self, f: &ForExpr, span: Span) -> EResult {
        let coll = self.ev(&f.collection)?;
        let pairs = self.for_pairs(&coll, &f.collection, span)?;
        let mut sensitive = coll.is_sensitive();
        // The condition is checked once with unknown iteration values, to
        // report a wrong type only once.
        if let Some(c) = &f.condition {
            let n = self.locals.len();
            if let Some(kv) = &f.key_var {
                self.locals.push((kv.clone(), Value::unknown()));
            }
            self.locals.push((f.value_var.clone(), Value::unknown()));
            let r = self.ev(c);
            self.locals.truncate(n);
            let cv = r?;
            if cv.is_null() {
                return Err(self
                    .expr_diag(
                        "Condition is null",
                        "The value of the 'if' clause must not be null.",
                        c.span,
                        Some(span),
                        Some(c),
                    )
                    .into());
            }
            if let Err(err) = convert(&cv, &Type::Bool) {
                return Err(self
                    .expr_diag(
                        "Invalid 'for' condition",
                        format!("The 'if' clause value is invalid: {}.", err.message),
                        c.span,
                        Some(span),
                        Some(c),
                    )
                    .into());
            }
        }
        let Some(pairs) = pairs else {
            return Ok(Value::unknown().mark_if(sensitive));
        };
        if !coll.is_known() {
            return Ok(Value::unknown().mark_if(sensitive));
        }
        let mut tuple = Vec::new();
        let mut object: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut known = true;
        for (k, v) in pairs {
            let n = self.locals.len();
            if let Some(kv) = &f.key_var {
                self.locals.push((kv.clone(), k));
            }
            self.locals.push((f.value_var.clone(), v));
            let r = self.for_item(
                f,
                span,
                &mut tuple,
                &mut object,
                &mut groups,
                &mut known,
                &mut sensitive,
            );
            self.locals.truncate(n);
            r?;
        }
        if !known {
            return Ok(Value::unknown().mark_if(sensitive));
        }
        Ok(if f.key_expr.is_some() {
            if f.grouping {
                Value::Object(
                    groups
                        .into_iter()
                        .map(|(k, vs)| (k, Value::Tuple(vs)))
                        .collect(),
                )
            } else {
                Value::Object(object)
            }
        } else {
            Value::Tuple(tuple)
        }
        .mark_if(sensitive))
    }

    #[allow(clippy::too_many_arguments)]
    fn for_item(
        &mut self,
        f: &ForExpr,
        span: Span,
        tuple: &mut Vec<Value>,
        object: &mut BTreeMap<String, Value>,
        groups: &mut BTreeMap<String, Vec<Value>>,
        known: &mut bool,
        sensitive: &mut bool,
    ) -> Result<(), Diagnostics> {
        if let Some(c) = &f.condition {
            let cv = self.ev(c)?;
            if cv.is_null() {
                return Err(self
                    .expr_diag(
                        "Invalid 'for' condition",
                        "The value of the 'if' clause must not be null.",
                        c.span,
                        Some(span),
                        Some(c),
                    )
                    .into());
            }
            *sensitive |= cv.is_sensitive();
            if !cv.is_known() {
                *known = false;
                return Ok(());
            }
            match convert(cv.unmarked(), &Type::Bool) {
                Ok(Value::Bool(true)) => {}
                Ok(Value::Bool(false)) => return Ok(()),
                Ok(_) => {
                    *known = false;
                    return Ok(());
                }
                Err(err) => {
                    return Err(self
                        .expr_diag(
                            "Invalid 'for' condition",
                            format!("The 'if' clause value is invalid: {}.", err.message),
                            c.span,
                            Some(span),
                            Some(c),
                        )
                        .into())
                }
            }
        }
        let Some(ke) = &f.key_expr else {
            tuple.push(self.ev(&f.value_expr)?);
            return Ok(());
        };
        let k = self.ev(ke)?;
        if k.is_null() {
            return Err(self
                .expr_diag(
                    "Invalid object key",
                    "Key expression in 'for' expression must not produce a null value.",
                    ke.span,
                    Some(span),
                    Some(ke),
                )
                .into());
        }
        *sensitive |= k.is_sensitive();
        if !k.is_known() {
            *known = false;
            return Ok(());
        }
        let k = match convert(k.unmarked(), &Type::String) {
            Ok(Value::String(s)) => s,
            Ok(_) => {
                *known = false;
                return Ok(());
            }
            Err(err) => {
                return Err(self
                    .expr_diag(
                        "Invalid object key",
                        format!(
                            "The key expression produced an invalid result: {}.",
                            err.message
                        ),
                        ke.span,
                        Some(span),
                        Some(ke),
                    )
                    .into())
            }
        };
        let v = self.ev(&f.value_expr)?;
        if f.grouping {
            groups.entry(k).or_default().push(v);
        } else if let std::collections::btree_map::Entry::Vacant(slot) = object.entry(k.clone()) {
            slot.insert(v);
        } else {
            return Err(self
                .expr_diag(
                    "Duplicate object key",
                    format!("Two different items produced the key {k:?} in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key."),
                    ke.span,
                    Some(span),
                    Some(ke),
                )
                .into());
        }
        Ok(())
    }

    fn eval_splat(&mut self, source: &Expr, each: &Expr, span: Span) -> EResult {
        let sv = self.ev(source)?;
        let sty = sv.ty();
        let auto_upgrade = !matches!(sty, Type::Tuple(_) | Type::List(_) | Type::Set(_));
        if sv.is_null() {
            if auto_upgrade {
                return Ok(Value::empty_tuple().mark_if(sv.is_sensitive()));
            }
            return Err(self
                .expr_diag(
                    "Splat of null value",
                    "Splat expressions (with the * symbol) cannot be applied to null sequences.",
                    source.span,
                    Some(span),
                    Some(source),
                )
                .into());
        }
        if sty == Type::Dynamic {
            return Ok(Value::unknown().mark_if(sv.is_sensitive()));
        }
        let (sv, sensitive) = sv.unmark();
        let sv = if auto_upgrade {
            if !sv.is_known() {
                // Whether it becomes an empty tuple or a one-element one is
                // not known yet.
                self.anon.push(sv);
                let r = self.ev(each);
                self.anon.pop();
                r?;
                return Ok(Value::unknown().mark_if(sensitive));
            }
            Value::Tuple(vec![sv])
        } else {
            sv
        };
        if !sv.is_known() {
            return Ok(Value::unknown().mark_if(sensitive));
        }
        let (items, as_list) = match &sv {
            Value::List(_, vs) | Value::Set(_, vs) => (vs.clone(), true),
            Value::Tuple(vs) => (vs.clone(), false),
            _ => (Vec::new(), false),
        };
        let mut out = Vec::with_capacity(items.len());
        let mut diags = Diagnostics::new();
        for item in items {
            self.anon.push(item);
            let r = self.ev(each);
            self.anon.pop();
            match r {
                Ok(v) => out.push(v),
                Err(d) => diags.extend(d),
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let result = if as_list {
            if out.is_empty() {
                let ety = sv.ty().element_type().cloned().unwrap_or(Type::Dynamic);
                self.anon.push(Value::Unknown(ety));
                let r = self.ev(each);
                self.anon.pop();
                let ety = r.map(|v| v.ty()).unwrap_or(Type::Dynamic);
                Value::List(ety, Vec::new())
            } else {
                let types: Vec<Type> = out.iter().map(Value::ty).collect();
                let ety = unify(&types).unwrap_or(Type::Dynamic);
                match out
                    .iter()
                    .map(|v| convert(v, &ety))
                    .collect::<Result<Vec<_>, _>>()
                {
                    Ok(vs) => Value::List(ety, vs),
                    Err(_) => Value::Tuple(out),
                }
            }
        } else {
            Value::Tuple(out)
        };
        Ok(result.mark_if(sensitive))
    }

    /// Looks up a function the way the evaluation context of a module (or of
    /// the console) offers them: the built-ins, also under `core::`.
    fn lookup(&self, name: &str) -> Option<Callee> {
        let base = name.strip_prefix("core::").unwrap_or(name);
        match base {
            "type" if !self.console => return None,
            "plantimestamp" if self.console => return None,
            _ => {}
        }
        if let Some(s) = SPECIALS.iter().find(|s| s.name == base) {
            return Some(Callee::Special(s));
        }
        funcs::lookup(base).map(Callee::Builtin)
    }

    fn function_names(&self) -> Vec<String> {
        let mut names: Vec<String> = funcs::all()
            .map(|f| f.name.to_string())
            .chain(SPECIALS.iter().map(|s| s.name.to_string()))
            .filter(|n| !(n == "type" && !self.console || n == "plantimestamp" && self.console))
            .collect();
        let core: Vec<String> = names.iter().map(|n| format!("core::{n}")).collect();
        names.extend(core);
        names
    }

    fn unknown_function(&self, name: &str, name_span: Span, span: Span) -> Diagnostics {
        let d = |summary: &str, detail: String| {
            Diagnostic::error(summary, detail)
                .with_subject(name_span)
                .with_snippet(span)
        };
        if let Some(sep) = name.rfind("::") {
            let namespace = &name[..sep + 2];
            let short = &name[sep + 2..];
            let parts: Vec<&str> = namespace.split("::").collect();
            // Terraform rewrites HCL's message for namespaced names.
            let detail = if parts[0] != "provider" {
                format!("The function namespace {:?} is not valid. Provider function calls must use the \"provider::\" namespace prefix.", parts[0])
            } else if parts.get(1).is_none_or(|p| p.is_empty()) {
                "The function call must include the provider name after the \"provider::\" prefix."
                    .to_string()
            } else {
                format!("There is no function named \"{namespace}{short}\". Ensure that provider name {:?} is declared in this module's required_providers block, and that this provider offers a function named {short:?}.", parts[1])
            };
            return d("Unknown provider function", detail).into();
        }
        let names = self.function_names();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let detail = match crate::util::did_you_mean(name, &refs) {
            Some(f) => format!("There is no function named {name:?}. Did you mean {f:?}?"),
            None => format!("There is no function named {name:?}."),
        };
        d("Call to unknown function", detail).into()
    }

    fn eval_call(
        &mut self,
        e: &Expr,
        name: &str,
        name_span: Span,
        args: &[Expr],
        expand_final: bool,
    ) -> EResult {
        let span = e.span;
        let Some(callee) = self.lookup(name) else {
            return Err(self.unknown_function(name, name_span, span));
        };
        let signature = callee.signature(name);
        let call_diag = |ev: &Self, summary: &str, detail: String, subject: Span, expr: &Expr| {
            let mut d = ev.expr_diag(summary, detail, subject, Some(span), Some(expr));
            d = d.with_function_call(signature.clone());
            Diagnostics::from(d)
        };
        let start = Span {
            hi: name_span.hi + 1,
            ..name_span
        };
        // Arguments as (expression, value if already known from expansion).
        let mut arg_exprs: Vec<(&Expr, Option<Value>)> = args.iter().map(|a| (a, None)).collect();
        if expand_final {
            let (last, _) = arg_exprs.pop().expect("expansion has an argument");
            let v = self.ev(last)?;
            let ty = v.ty();
            match ty {
                Type::Dynamic | Type::Tuple(_) | Type::List(_) | Type::Set(_) => {
                    if v.is_null() {
                        return Err(call_diag(
                            self,
                            "Invalid expanding argument value",
                            "The expanding argument (indicated by ...) must not be null.".into(),
                            last.span,
                            last,
                        ));
                    }
                    if !v.is_known() || ty == Type::Dynamic {
                        return Ok(Value::unknown());
                    }
                    let (v, sensitive) = v.unmark();
                    for item in v.elements().unwrap_or(&[]) {
                        arg_exprs.push((last, Some(item.clone().mark_if(sensitive))));
                    }
                }
                _ => {
                    return Err(call_diag(
                        self,
                        "Invalid expanding argument value",
                        "The expanding argument (indicated by ...) must be of a tuple, list, or set type.".into(),
                        last.span,
                        last,
                    ))
                }
            }
        }
        let params = callee.params();
        let variadic = callee.variadic();
        if arg_exprs.len() < params.len() {
            let qual = if variadic.is_some() { " at least" } else { "" };
            let close = Span {
                lo: span.hi.saturating_sub(1),
                ..span
            };
            return Err(call_diag(
                self,
                "Not enough function arguments",
                format!(
                    "Function {name:?} expects{qual} {} argument(s). Missing value for {:?}.",
                    params.len(),
                    params[arg_exprs.len()]
                ),
                close,
                e,
            ));
        }
        if variadic.is_none() && arg_exprs.len() > params.len() {
            return Err(call_diag(
                self,
                "Too many function arguments",
                format!(
                    "Function {name:?} expects only {} argument(s).",
                    params.len()
                ),
                start_range(arg_exprs[params.len()].0),
                e,
            ));
        }
        let special = match &callee {
            Callee::Special(s) => Some(s.name),
            Callee::Builtin(_) => None,
        };
        // Inside a template, the template functions and (in templatestring)
        // the file functions refuse to run.
        if let Some(allow_fs) = self.template {
            let base = name.strip_prefix("core::").unwrap_or(name);
            let msg = if matches!(base, "templatefile" | "templatestring") {
                Some(format!(
                    "cannot recursively call {base} from inside another template function"
                ))
            } else if !allow_fs && FILESYSTEM_FUNCTIONS.contains(&base) {
                Some(format!("cannot use filesystem access functions like {base} in templatestring templates; consider passing the function result as a template variable instead"))
            } else {
                None
            };
            if let Some(msg) = msg {
                return Err(call_diag(
                    self,
                    "Error in function call",
                    format!("Call to function {name:?} failed: {msg}."),
                    start,
                    e,
                ));
            }
        }
        match special {
            Some("try") => return self.call_try(&arg_exprs, e, start, &signature),
            Some("can") => {
                let (a, v) = &arg_exprs[0];
                let r = match v {
                    Some(v) => Ok(v.clone()),
                    None => self.ev(a),
                };
                return Ok(match r {
                    Ok(v) if !v.is_wholly_known() => Value::Unknown(Type::Bool),
                    Ok(_) => Value::Bool(true),
                    Err(_) => Value::Bool(false),
                });
            }
            Some("templatestring") => {
                return self.call_templatestring(&arg_exprs, e, start, &signature)
            }
            _ => {}
        }
        // Evaluate every argument (collecting all their errors).
        let mut values = Vec::with_capacity(arg_exprs.len());
        let mut diags = Diagnostics::new();
        for (a, v) in &arg_exprs {
            match v {
                Some(v) => values.push(v.clone()),
                None => match self.ev(a) {
                    Ok(v) => values.push(v),
                    Err(d) => {
                        diags.extend(d);
                        values.push(Value::unknown());
                    }
                },
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let arg_error = |ev: &Self, i: usize, detail: String| {
            let (a, _) = arg_exprs[i.min(arg_exprs.len().saturating_sub(1))];
            call_diag(ev, "Invalid function argument", detail, start_range(a), a)
        };
        match special {
            Some("type") => {
                self.type_called = true;
                let (raw, _) = values[0].clone().unmark_deep();
                let rendered = match crate::lang::repl::as_type_value(&raw) {
                    Some(_) => "type".to_string(),
                    None => crate::lang::repl::format_type(&raw.ty(), 0),
                };
                return Ok(crate::lang::repl::type_value(rendered));
            }
            Some("templatefile") => {
                return self.call_templatefile(&values).map_err(|err| match err {
                    FuncError::Arg(i, detail) => arg_error(self, i, detail),
                    FuncError::Call(detail) => {
                        call_diag(self, "Error in function call", detail, start, e)
                    }
                    FuncError::Arity(summary, detail) => {
                        call_diag(self, &summary, detail, start, e)
                    }
                })
            }
            _ => {}
        }
        let Callee::Builtin(f) = callee else {
            return Ok(Value::unknown());
        };
        let ctx = self.scope.func_context();
        funcs::call(&ctx, f, values).map_err(|err| match err {
            FuncError::Arg(i, detail) => arg_error(self, i, detail),
            FuncError::Call(detail) => {
                let detail = detail.replacen(
                    &format!("Call to function {:?}", f.name),
                    &format!("Call to function {name:?}"),
                    1,
                );
                call_diag(self, "Error in function call", detail, start, e)
            }
            FuncError::Arity(summary, detail) => call_diag(self, &summary, detail, start, e),
        })
    }

    /// `try(...)`: the first argument that evaluates without error.
    fn call_try(
        &mut self,
        args: &[(&Expr, Option<Value>)],
        e: &Expr,
        start: Span,
        signature: &str,
    ) -> EResult {
        let fail = |ev: &Self, msg: &str| {
            let mut d = ev.expr_diag(
                "Error in function call",
                format!("Call to function \"try\" failed: {msg}."),
                start,
                Some(e.span),
                Some(e),
            );
            d = d.with_function_call(signature);
            Diagnostics::from(d)
        };
        if args.is_empty() {
            return Err(fail(self, "at least one argument is required"));
        }
        let mut errors = Diagnostics::new();
        for (a, v) in args {
            let r = match v {
                Some(v) => Ok(v.clone()),
                None => self.ev(a),
            };
            match r {
                Ok(v) if !v.is_wholly_known() => return Ok(Value::unknown()),
                Ok(v) => return Ok(v),
                Err(d) => errors.extend(d),
            }
        }
        let mut msg = String::from("no expression succeeded:\n");
        for d in errors.iter() {
            match d.subject {
                Some(s) => msg.push_str(&format!(
                    "- {} (at {})\n  {}\n",
                    d.summary,
                    self.range_string(s),
                    d.detail
                )),
                None => msg.push_str(&format!("- {}\n  {}\n", d.summary, d.detail)),
            }
        }
        msg.push_str("\nAt least one expression must produce a successful result");
        Err(fail(self, &msg))
    }

    /// `file:line,col-col` for a span, as HCL writes ranges in messages.
    fn range_string(&self, span: Span) -> String {
        match self.sources.as_ref().and_then(|s| s.get(span.file)) {
            Some(f) => crate::syntax::parser::range_string(&f.text, &f.name, span),
            None => format!("<unknown>:{}-{}", span.lo, span.hi),
        }
    }

    fn call_templatestring(
        &mut self,
        args: &[(&Expr, Option<Value>)],
        e: &Expr,
        start: Span,
        signature: &str,
    ) -> EResult {
        let (texpr, tval) = &args[0];
        let arg_err = |ev: &Self, i: usize, msg: &str| {
            let (a, _) = args[i];
            let mut d = ev.expr_diag(
                "Invalid function argument",
                format!(
                    "Invalid value for {:?} parameter: {msg}.",
                    ["template", "vars"][i]
                ),
                start_range(a),
                Some(e.span),
                Some(a),
            );
            d = d.with_function_call(signature);
            Diagnostics::from(d)
        };
        let vars = match &args[1].1 {
            Some(v) => v.clone(),
            None => self.ev(args[1].0)?,
        };
        // The template must be a reference to a string from elsewhere.
        if tval.is_none() {
            match &texpr.kind {
                ExprKind::Template(parts) => {
                    let msg = match parts.as_slice() {
                        [TemplatePart::Interp(_)] => "invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere; to treat the inner expression as template syntax, write the reference expression directly without any template interpolation syntax",
                        [] | [TemplatePart::Literal(_)] => "invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead",
                        _ => "invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere; to render an inline template, consider using a plain template string expression",
                    };
                    return Err(arg_err(self, 0, msg));
                }
                _ if !is_template_reference(texpr) => {
                    return Err(arg_err(self, 0, "invalid template expression: must be a direct reference to a single string from elsewhere, containing valid Terraform template syntax"));
                }
                _ => {}
            }
        }
        let template = match tval {
            Some(v) => v.clone(),
            None => match self.ev(texpr) {
                Ok(v) => v,
                Err(d) => {
                    let first = d.iter().next().map(|d| {
                        format!(
                            "{}: {}; {}",
                            d.subject.map(|s| self.range_string(s)).unwrap_or_default(),
                            d.summary,
                            d.detail
                        )
                    });
                    return Err(arg_err(
                        self,
                        0,
                        &format!("invalid template expression: {}", first.unwrap_or_default()),
                    ));
                }
            },
        };
        if vars.is_null() {
            return Err(arg_err(self, 1, "argument must not be null"));
        }
        if !template.is_known() {
            return Ok(Value::Unknown(Type::String));
        }
        let (template, marks) = template.unmark();
        let Value::String(src) = template else {
            return Err(arg_err(
                self,
                0,
                "invalid template value: a string is required",
            ));
        };
        if !vars.is_wholly_known() {
            return Ok(Value::Unknown(Type::String).mark_if(marks));
        }
        let call_err = |ev: &Self, msg: String| {
            let mut d = ev.expr_diag(
                "Error in function call",
                format!("Call to function \"templatestring\" failed: {msg}."),
                start,
                Some(e.span),
                Some(e),
            );
            d = d.with_function_call(signature);
            Diagnostics::from(d)
        };
        match self.render_template(&src, "<templatestring argument>", &vars, false) {
            Ok(v) => match convert(&v, &Type::String) {
                Ok(v) => Ok(v.mark_if(marks)),
                Err(err) => Err(call_err(self, format!("invalid template result: {err}"))),
            },
            Err(FuncError::Arg(i, msg)) => Err(arg_err(self, i.min(1), &msg)),
            Err(FuncError::Call(msg) | FuncError::Arity(_, msg)) => Err(call_err(self, msg)),
        }
    }

    fn call_templatefile(&mut self, values: &[Value]) -> Result<Value, FuncError> {
        let (path, path_marks) = values[0].clone().unmark();
        let (vars, vars_marks) = values[1].clone().unmark_deep();
        if path.is_null() {
            return Err(FuncError::Arg(
                0,
                "Invalid value for \"path\" parameter: argument must not be null.".into(),
            ));
        }
        if vars.is_null() {
            return Err(FuncError::Arg(
                1,
                "Invalid value for \"vars\" parameter: argument must not be null.".into(),
            ));
        }
        let path = match convert(&path, &Type::String) {
            Ok(p) => p,
            Err(err) => {
                return Err(FuncError::Arg(
                    0,
                    format!("Invalid value for \"path\" parameter: {err}."),
                ))
            }
        };
        if !path.is_known() || !vars.is_wholly_known() {
            return Ok(Value::unknown().mark_if(path_marks || vars_marks));
        }
        let path = path.as_str().unwrap_or_default().to_string();
        let full = self.scope.func_context().resolve(&path);
        let text = std::fs::read_to_string(&full).map_err(|_| {
            FuncError::Arg(0, format!("Invalid value for \"path\" parameter: no file exists at {}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource.", go_quote(&path)))
        })?;
        let v = self
            .render_template(&text, &path, &vars, true)
            .map_err(|e| match e {
                FuncError::Call(msg) => {
                    FuncError::Call(format!("Call to function \"templatefile\" failed: {msg}."))
                }
                FuncError::Arg(i, msg) => FuncError::Arg(
                    i,
                    format!(
                        "Invalid value for {:?} parameter: {msg}.",
                        ["path", "vars"][i.min(1)]
                    ),
                ),
                other => other,
            })?;
        Ok(v.mark_if(path_marks || vars_marks))
    }

    /// Renders template source with the given variables (Terraform's
    /// `renderTemplate`).
    fn render_template(
        &mut self,
        src: &str,
        filename: &str,
        vars: &Value,
        allow_fs: bool,
    ) -> Result<Value, FuncError> {
        let entries = match vars.unmarked() {
            Value::Object(m) | Value::Map(_, m) => m.clone(),
            _ => {
                return Err(FuncError::Arg(
                    1,
                    "invalid vars value: must be a map".into(),
                ))
            }
        };
        for n in entries.keys() {
            let valid = n
                .chars()
                .next()
                .is_some_and(crate::syntax::lexer::is_ident_start)
                && n.chars().all(crate::syntax::lexer::is_ident_continue);
            if !valid {
                return Err(FuncError::Arg(1, format!("invalid template variable name {n:?}: must start with a letter, followed by zero or more letters, digits, and underscores")));
            }
        }
        let sources = self.sources.clone().unwrap_or_default();
        let file = sources.add(filename.to_string(), src.to_string());
        let (parsed, d) = crate::syntax::parser::parse_template(src, file);
        let Some(tmpl) = parsed else {
            let first = d.iter().next().map(|d| {
                let at = d
                    .subject
                    .and_then(|s| {
                        sources
                            .get(s.file)
                            .map(|f| crate::syntax::parser::range_string(&f.text, &f.name, s))
                    })
                    .unwrap_or_default();
                format!("{at}: {}; {}", d.summary, d.detail)
            });
            return Err(FuncError::Call(first.unwrap_or_default()));
        };
        for t in tmpl.traversals() {
            if !entries.contains_key(&t.root) {
                let at = sources
                    .get(t.span.file)
                    .map(|f| {
                        let root_span = Span {
                            hi: t.span.lo + t.root.len() as u32,
                            ..t.span
                        };
                        crate::syntax::parser::range_string(&f.text, &f.name, root_span)
                    })
                    .unwrap_or_default();
                return Err(FuncError::Arg(
                    1,
                    format!(
                        "vars map does not contain key {:?}, referenced at {at}",
                        t.root
                    ),
                ));
            }
        }
        let scope = TemplateScope {
            vars: entries,
            ctx: self.scope.func_context(),
        };
        let mut inner = Evaluator::new(&scope);
        inner.sources = Some(sources.clone());
        inner.depth = 1;
        inner.console = self.console;
        inner.template = Some(allow_fs);
        let ExprKind::Template(parts) = &tmpl.kind else {
            return Ok(Value::unknown());
        };
        let v = inner.eval_template(parts, tmpl.span).map_err(|d| {
            let n = d.len();
            let first = d.iter().next().map(|d| {
                let at = d
                    .subject
                    .and_then(|s| {
                        sources
                            .get(s.file)
                            .map(|f| crate::syntax::parser::range_string(&f.text, &f.name, s))
                    })
                    .unwrap_or_default();
                format!("{at}: {}; {}", d.summary, d.detail)
            });
            let mut msg = first.unwrap_or_default();
            if n > 1 {
                msg.push_str(&format!(", and {} other diagnostic(s)", n - 1));
            }
            FuncError::Call(msg)
        })?;
        if v.is_null() {
            return Err(FuncError::Call("The result of the template is null, which is not a valid result for a templatestring call.".into()));
        }
        Ok(v)
    }

    /// A template: a single interpolation yields its value; otherwise the
    /// parts are rendered into a string (HCL's `TemplateExpr`).
    fn eval_template(&mut self, parts: &[TemplatePart], span: Span) -> EResult {
        if let [TemplatePart::Interp(e)] = parts {
            return self.ev(e);
        }
        let mut out = String::new();
        let mut known = true;
        let mut sensitive = false;
        let mut diags = Diagnostics::new();
        for p in parts {
            let (v, part_span, part_expr) = match p {
                TemplatePart::Literal(s) => {
                    if known && !diags.has_errors() {
                        out.push_str(s);
                    }
                    continue;
                }
                TemplatePart::Interp(e) => (self.ev(e), e.span, Some(e)),
                TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                } => (
                    self.eval_template_if(cond, then, otherwise, span),
                    cond.span,
                    None,
                ),
                TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                    span: for_span,
                } => (
                    self.eval_template_for(
                        key_var.as_deref(),
                        value_var,
                        collection,
                        body,
                        *for_span,
                    ),
                    *for_span,
                    None,
                ),
            };
            let v = match v {
                Ok(v) => v,
                Err(d) => {
                    diags.extend(d);
                    continue;
                }
            };
            if v.is_null() {
                diags.push(self.expr_diag(
                    "Invalid template interpolation value",
                    "The expression result is null. Cannot include a null value in a string template.",
                    part_span,
                    Some(span),
                    part_expr,
                ));
                continue;
            }
            let (v, s) = v.unmark_deep();
            sensitive |= s;
            if !v.is_known() {
                known = false;
                continue;
            }
            match convert(&v, &Type::String) {
                Ok(Value::String(s)) => {
                    if known && !diags.has_errors() {
                        out.push_str(&s);
                    }
                }
                Ok(_) => known = false,
                Err(err) => diags.push(self.expr_diag(
                    "Invalid template interpolation value",
                    format!(
                        "Cannot include the given value in a string template: {}.",
                        err.message
                    ),
                    part_span,
                    Some(span),
                    part_expr,
                )),
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let v = if known {
            use unicode_normalization::UnicodeNormalization;
            Value::String(out.nfc().collect())
        } else {
            Value::Unknown(Type::String)
        };
        Ok(v.mark_if(sensitive))
    }

    /// `%{ if }`: a conditional between the two rendered branches.
    fn eval_template_if(
        &mut self,
        cond: &Expr,
        then: &[TemplatePart],
        otherwise: &[TemplatePart],
        span: Span,
    ) -> EResult {
        let tr = self.eval_template_branch(then, span);
        let fr = self.eval_template_branch(otherwise, span);
        let cv = self.ev(cond)?;
        if cv.is_null() {
            return Err(self
                .expr_diag(
                    "Null condition",
                    "The condition value is null. Conditions must either be true or false.",
                    cond.span,
                    None,
                    Some(cond),
                )
                .into());
        }
        let (cv, cs) = cv.unmark();
        if !cv.is_known() {
            let s = tr.as_ref().is_ok_and(Value::is_sensitive)
                || fr.as_ref().is_ok_and(Value::is_sensitive);
            return Ok(Value::Unknown(Type::String).mark_if(cs || s));
        }
        let c = match convert(&cv, &Type::Bool) {
            Ok(Value::Bool(b)) => b,
            Ok(_) => return Ok(Value::Unknown(Type::String)),
            Err(_) => {
                return Err(self
                    .expr_diag(
                        "Incorrect condition type",
                        "The condition expression must be of type bool.",
                        cond.span,
                        None,
                        Some(cond),
                    )
                    .into())
            }
        };
        let sensitive = cs
            || tr.as_ref().is_ok_and(Value::is_sensitive)
            || fr.as_ref().is_ok_and(Value::is_sensitive);
        let chosen = if c { tr } else { fr }?;
        Ok(chosen.mark_if(sensitive))
    }

    fn eval_template_branch(&mut self, parts: &[TemplatePart], span: Span) -> EResult {
        // A branch is always a string template, even a lone interpolation.
        if let [TemplatePart::Interp(e)] = parts {
            let v = self.ev(e)?;
            if v.is_null() {
                return Err(self
                    .expr_diag(
                        "Invalid template interpolation value",
                        "The expression result is null. Cannot include a null value in a string template.",
                        e.span,
                        Some(span),
                        Some(e),
                    )
                    .into());
            }
            let (v, s) = v.unmark_deep();
            if !v.is_known() {
                return Ok(Value::Unknown(Type::String).mark_if(s));
            }
            return match convert(&v, &Type::String) {
                Ok(v) => Ok(v.mark_if(s)),
                Err(err) => Err(self
                    .expr_diag(
                        "Invalid template interpolation value",
                        format!(
                            "Cannot include the given value in a string template: {}.",
                            err.message
                        ),
                        e.span,
                        Some(span),
                        Some(e),
                    )
                    .into()),
            };
        }
        self.eval_template(parts, span)
    }

    /// `%{ for }`: the body rendered for each element, joined.
    fn eval_template_for(
        &mut self,
        key_var: Option<&str>,
        value_var: &str,
        collection: &Expr,
        body: &[TemplatePart],
        span: Span,
    ) -> EResult {
        let coll = self.ev(collection)?;
        let Some(pairs) = self.for_pairs(&coll, collection, span)? else {
            return Ok(Value::Unknown(Type::String));
        };
        let sensitive = coll.is_sensitive();
        if !coll.is_known() {
            return Ok(Value::Unknown(Type::String).mark_if(sensitive));
        }
        let mut out = String::new();
        let mut marks = sensitive;
        for (k, v) in pairs {
            let n = self.locals.len();
            if let Some(kv) = key_var {
                self.locals.push((kv.to_string(), k));
            }
            self.locals.push((value_var.to_string(), v));
            let r = self.eval_template_branch(body, span);
            self.locals.truncate(n);
            let v = r?;
            let (v, s) = v.unmark_deep();
            marks |= s;
            match v {
                Value::String(s) => out.push_str(&s),
                _ => return Ok(Value::Unknown(Type::String).mark_if(marks)),
            }
        }
        Ok(Value::String(out).mark_if(marks))
    }
}

/// Terraform's `addrs.ParseRef`: checks the shape of a reference before it
/// is looked up. Returns the steps and span to look it up with, if it is to
/// be looked up at all.
fn parse_reference(t: &Traversal, diags: &mut Diagnostics) -> Option<(Vec<Step>, Span)> {
    let root = t.root.as_str();
    let err = |diags: &mut Diagnostics, summary: &str, detail: String| {
        diags.push(Diagnostic::error(summary, detail).with_subject(t.span));
    };
    let is_attr = |i: usize| matches!(t.steps.get(i), Some(Step::Attr(_)));
    match root {
        "count" | "each" | "local" | "path" | "terraform" | "var" | "module" => {
            if t.steps.is_empty() {
                err(
                    diags,
                    "Invalid reference",
                    format!("The {root:?} object cannot be accessed directly. Instead, access one of its attributes."),
                );
                // Terraform still looks up the empty name (except for
                // modules), reporting it at no position.
                return (root != "module").then(|| (vec![Step::Attr(String::new())], Span::NONE));
            }
            if !is_attr(0) {
                err(
                    diags,
                    "Invalid reference",
                    format!("The {root:?} object does not support this operation."),
                );
                return None;
            }
            Some((t.steps.clone(), t.span))
        }
        "data" | "resource" | "ephemeral" => {
            if t.steps.len() < 2 {
                let what = match root {
                    "data" => "the data source type",
                    "ephemeral" => "the ephemeral resource type",
                    _ => "the resource type",
                };
                err(
                    diags,
                    "Invalid reference",
                    format!("The {root:?} object must be followed by two attribute names: {what} and the resource name."),
                );
                return None;
            }
            if !is_attr(0) {
                err(
                    diags,
                    "Invalid reference",
                    format!("The {root:?} object does not support this operation."),
                );
                return None;
            }
            if !is_attr(1) {
                let what = match root {
                    "data" => "a data source",
                    "ephemeral" => "an ephemeral resource type",
                    _ => "a resource type",
                };
                err(
                    diags,
                    "Invalid reference",
                    format!("A reference to {what} must be followed by at least one attribute access, specifying the resource name."),
                );
                return None;
            }
            Some((t.steps.clone(), t.span))
        }
        "template" | "lazy" | "arg" => {
            err(
                diags,
                "Reserved symbol name",
                format!("The symbol name {root:?} is reserved for use in a future Terraform version. If you are using a provider that already uses this as a resource type name, add the prefix \"resource.\" to force interpretation as a resource type name."),
            );
            None
        }
        "self" => Some((t.steps.clone(), t.span)),
        _ => {
            if !is_attr(0) {
                err(
                    diags,
                    "Invalid reference",
                    "A reference to a resource type must be followed by at least one attribute access, specifying the resource name.".into(),
                );
                return None;
            }
            Some((t.steps.clone(), t.span))
        }
    }
}

/// Both results, or all of their errors.
fn both(a: EResult, b: EResult) -> Result<(Value, Value), Diagnostics> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => {
            let mut diags = Diagnostics::new();
            for d in [a.err(), b.err()].into_iter().flatten() {
                diags.extend(d);
            }
            Err(diags)
        }
    }
}

/// Whether `e` is a reference that `templatestring` accepts as its
/// template (Terraform's `isValidTemplateStringExpr`).
fn is_template_reference(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Variable(_) => true,
        ExprKind::GetAttr(inner, _) | ExprKind::Index(inner, _) => is_template_reference(inner),
        ExprKind::Splat { source, .. } => is_template_reference(source),
        _ => false,
    }
}

/// HCL's `describeConditionalTypeMismatch`.
fn describe_type_mismatch(t: &Type, f: &Type) -> String {
    match (t, f) {
        (Type::Object(ta, _), Type::Object(fa, _)) => {
            for (name, tt) in ta {
                match fa.get(name) {
                    None => {
                        return format!("The 'true' value includes object attribute {name:?}, which is absent in the 'false' value")
                    }
                    Some(ft) if ft != tt => {
                        return format!(
                            "Type mismatch for object attribute {name:?}: {}",
                            describe_type_mismatch(tt, ft)
                        )
                    }
                    _ => {}
                }
            }
            for name in fa.keys() {
                if !ta.contains_key(name) {
                    return format!("The 'false' value includes object attribute {name:?}, which is absent in the 'true' value");
                }
            }
        }
        (Type::Tuple(te), Type::Tuple(fe)) => {
            if te.len() != fe.len() {
                return format!(
                    "The 'true' tuple has length {}, but the 'false' tuple has length {}",
                    te.len(),
                    fe.len()
                );
            }
            for (i, (a, b)) in te.iter().zip(fe).enumerate() {
                if a != b {
                    return format!(
                        "Type mismatch for tuple element {i}: {}",
                        describe_type_mismatch(a, b)
                    );
                }
            }
        }
        (Type::List(a), Type::List(b))
        | (Type::Set(a), Type::Set(b))
        | (Type::Map(a), Type::Map(b))
            if matches!(
                (&**a, &**b),
                (Type::Object(..), Type::Object(..)) | (Type::Tuple(_), Type::Tuple(_))
            ) =>
        {
            let noun = match t {
                Type::List(_) => "list",
                Type::Set(_) => "set",
                _ => "map",
            };
            return format!(
                "Mismatched {noun} element types: {}",
                describe_type_mismatch(a, b)
            );
        }
        _ => {}
    }
    let (tn, fn_) = (t.friendly_name(), f.friendly_name());
    if tn == fn_ {
        return "At least one deeply-nested attribute or element is not compatible across both the 'true' and the 'false' value".into();
    }
    format!("The 'true' value is {tn}, but the 'false' value is {fn_}")
}

/// `var.x[0]`, as Terraform writes a traversal in diagnostics.
fn traversal_str(root: &str, steps: &[Step]) -> String {
    let mut s = root.to_string();
    for step in steps {
        match step {
            Step::Attr(a) => {
                s.push('.');
                s.push_str(a);
            }
            Step::Index(k) => {
                s.push('[');
                if k.ty().is_primitive() {
                    s.push_str(&compact_value_str(k));
                } else {
                    s.push_str("...");
                }
                s.push(']');
            }
        }
    }
    s
}

/// What Terraform says about a reference's value under a diagnostic, or
/// nothing where it says nothing (sensitive values, unknown values of
/// unknown type).
fn value_statement(v: &Value) -> Option<String> {
    if v.is_sensitive() {
        return None;
    }
    if !v.is_known() {
        let ty = v.ty();
        if ty == Type::Dynamic {
            return None;
        }
        return Some(format!("is a {}", ty.friendly_name()));
    }
    Some(format!("is {}", compact_value_str(v)))
}

/// Terraform's `tfdiags.CompactValueStr`.
pub fn compact_value_str(v: &Value) -> String {
    if v.is_sensitive() {
        return "(sensitive value)".into();
    }
    let ty = v.ty();
    match v.unmarked() {
        Value::Null(_) => "null".into(),
        Value::Unknown(_) => "(not yet known)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format_g10(n),
        Value::String(s) => go_quote(s),
        Value::List(..) | Value::Set(..) | Value::Map(..) | Value::Tuple(_) => {
            match v.length().unwrap_or(0) {
                0 => format!("empty {}", ty.friendly_name()),
                1 => format!("{} with 1 element", ty.friendly_name()),
                n => format!("{} with {n} elements", ty.friendly_name()),
            }
        }
        Value::Object(m) => match m.len() {
            0 => "object with no attributes".into(),
            1 => format!(
                "object with 1 attribute {:?}",
                m.keys().next().cloned().unwrap_or_default()
            ),
            n => format!("object with {n} attributes"),
        },
        Value::Sensitive(_) => "(sensitive value)".into(),
    }
}

/// Go's `big.Float.Text('g', 10)`.
fn format_g10(n: &Number) -> String {
    let s = n.to_terraform_string();
    if n.is_infinite() || n.is_zero() {
        return if n.is_infinite() { s } else { "0".into() };
    }
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.as_str()),
    };
    // Decimal digits and the position of the point.
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let mut digits: Vec<u8> = format!("{int}{frac}").into_bytes();
    let mut exp = int.len() as i64;
    while digits.first() == Some(&b'0') {
        digits.remove(0);
        exp -= 1;
    }
    // Round to 10 significant digits, half to even.
    if digits.len() > 10 {
        let up = match digits[10] {
            b'5' if digits[11..].iter().all(|d| *d == b'0') => (digits[9] - b'0') % 2 == 1,
            d => d >= b'5',
        };
        digits.truncate(10);
        if up {
            let mut i = 10;
            loop {
                if i == 0 {
                    digits.insert(0, b'1');
                    exp += 1;
                    break;
                }
                if digits[i - 1] == b'9' {
                    digits[i - 1] = b'0';
                    i -= 1;
                } else {
                    digits[i - 1] += 1;
                    break;
                }
            }
            digits.truncate(10);
        }
    }
    while digits.last() == Some(&b'0') {
        digits.pop();
    }
    let len = digits.len() as i64;
    let mut eprec = 10;
    if eprec > len && len >= exp {
        eprec = len;
    }
    let x = exp - 1;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let d = |i: i64| -> char {
        if i >= 0 && (i as usize) < digits.len() {
            digits[i as usize] as char
        } else {
            '0'
        }
    };
    if x < -4 || x >= eprec {
        let prec = 10.min(len) - 1;
        out.push(d(0));
        if prec > 0 {
            out.push('.');
            for i in 1..=prec {
                out.push(d(i));
            }
        }
        out.push('e');
        out.push(if x < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", x.abs()));
        return out;
    }
    let prec = if 10 > exp { len } else { 10 };
    let frac_digits = (prec - exp).max(0);
    if exp > 0 {
        for i in 0..exp {
            out.push(d(i));
        }
    } else {
        out.push('0');
    }
    if frac_digits > 0 {
        out.push('.');
        for i in 0..frac_digits {
            out.push(d(exp + i));
        }
    }
    out
}

/// The scope of a template file: only its variables.
struct TemplateScope {
    vars: BTreeMap<String, Value>,
    ctx: FuncContext,
}

impl Scope for TemplateScope {
    fn resolve(
        &self,
        root: &str,
        _steps: &[Step],
        span: Span,
    ) -> Result<(Value, usize), Diagnostics> {
        match self.vars.get(root) {
            Some(v) => Ok((v.clone(), 0)),
            None => Err(diag(
                "Unknown variable",
                format!("There is no variable named {root:?}."),
                span,
            )),
        }
    }
    fn func_context(&self) -> FuncContext {
        self.ctx.clone()
    }
}

/// `a % b` as cty computes it: the remainder carries the dividend's sign,
/// and a modulo by zero is the dividend.
fn modulo(a: &Number, b: &Number) -> Option<Number> {
    if b.is_zero() {
        return Some(a.clone());
    }
    if a.is_infinite() || b.is_infinite() {
        return None;
    }
    let q = a.div(b)?.trunc();
    let r = a.sub(&q.mul(b)?)?;
    Some(r)
}

/// Applies static traversal steps.
pub fn apply_steps(mut v: Value, steps: &[Step], span: Span) -> EResult {
    for s in steps {
        v = match s {
            Step::Attr(name) => get_attr(v, name, span)?,
            Step::Index(k) => index(v, k.clone(), span)?,
        };
    }
    Ok(v)
}

/// An attribute of a value (HCL's `GetAttr`).
pub fn get_attr(v: Value, name: &str, span: Span) -> EResult {
    if v.is_null() {
        return Err(diag(
            "Attempt to get attribute from null value",
            "This value is null, so it does not have any attributes.",
            span,
        ));
    }
    let (v, sensitive) = v.unmark();
    let unsupported = |detail: String| Err(diag("Unsupported attribute", detail, span));
    let r = match v.ty() {
        Type::Object(attrs, _) => {
            let Some(t) = attrs.get(name) else {
                return unsupported(format!(
                    "This object does not have an attribute named {name:?}."
                ));
            };
            match v {
                Value::Object(mut m) => m.remove(name).unwrap_or(Value::Unknown(t.clone())),
                _ => Value::Unknown(t.clone()),
            }
        }
        Type::Map(ety) => match v {
            Value::Map(_, mut m) => match m.remove(name) {
                Some(v) => v,
                None => {
                    return Err(diag(
                        "Missing map element",
                        format!("This map does not have an element with the key {name:?}."),
                        span,
                    ))
                }
            },
            _ => Value::Unknown(*ety),
        },
        Type::Dynamic => Value::unknown(),
        Type::List(ety) if matches!(*ety, Type::Object(..)) => {
            return match &*ety {
                Type::Object(a, _) if a.contains_key(name) => unsupported(format!("Can't access attributes on a list of objects. Did you mean to access attribute {name:?} for a specific element of the list, or across all elements of the list?")),
                _ => unsupported("Can't access attributes on a list of objects. Did you mean to access an attribute for a specific element of the list, or across all elements of the list?".into()),
            };
        }
        Type::Set(ety) if matches!(*ety, Type::Object(..)) => {
            return unsupported("Can't access attributes on a set of objects. Did you mean to access an attribute across all elements of the set?".into());
        }
        t if t.is_primitive() => {
            return unsupported(format!(
                "Can't access attributes on a primitive-typed value ({}).",
                t.friendly_name()
            ))
        }
        _ => return unsupported("This value does not have any attributes.".into()),
    };
    Ok(r.mark_if(sensitive))
}

/// An element of a collection (HCL's `Index`).
pub fn index(v: Value, k: Value, span: Span) -> EResult {
    if v.is_null() {
        return Err(diag(
            "Attempt to index null value",
            "This value is null, so it does not have any indices.",
            span,
        ));
    }
    if k.is_null() {
        return Err(diag(
            "Invalid index",
            "Can't use a null value as an indexing key.",
            span,
        ));
    }
    let invalid = |detail: &str| Err(diag("Invalid index", detail, span));
    let ty = v.ty();
    let kty = k.ty();
    if ty == Type::Dynamic || kty == Type::Dynamic {
        return Ok(Value::unknown().mark_if(v.is_sensitive()));
    }
    let (v, vs) = v.unmark();
    let (k, ks) = k.unmark();
    match &ty {
        Type::List(_) | Type::Tuple(_) | Type::Map(_) => {
            let want = if matches!(ty, Type::Map(_)) {
                Type::String
            } else {
                Type::Number
            };
            let key = match convert(&k, &want) {
                Ok(k) => k,
                Err(err) => {
                    return invalid(&format!(
                        "The given key does not identify an element in this collection value: {}.", err.message
                    ))
                }
            };
            if !v.is_known() || !key.is_known() {
                let t = match &ty {
                    Type::Tuple(_) => Type::Dynamic,
                    other => other.element_type().cloned().unwrap_or(Type::Dynamic),
                };
                return Ok(Value::Unknown(t).mark_if(vs));
            }
            let found = match (&v, &key) {
                (Value::Map(_, m), Value::String(s)) => m.get(s).cloned(),
                (Value::List(_, items) | Value::Tuple(items), Value::Number(n)) => n
                    .is_integer()
                    .then(|| n.to_i64())
                    .flatten()
                    .filter(|i| *i >= 0)
                    .and_then(|i| items.get(i as usize).cloned()),
                _ => None,
            };
            if let Some(found) = found {
                return Ok(found.mark_if(vs || ks));
            }
            if let Value::Number(n) = &key {
                if !n.is_integer() {
                    return invalid("The given key does not identify an element in this collection value: indexing a sequence requires a whole number, but the given index has a fractional part.");
                }
                if n.is_negative() {
                    return invalid("The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence.");
                }
                let len = v.length().unwrap_or(0);
                // HCL says so only when the index is the length itself.
                if n.to_i64() == Some(len as i64) {
                    if len == 0 {
                        return invalid("The given key does not identify an element in this collection value: the collection has no elements.");
                    }
                    return invalid("The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection.");
                }
            }
            invalid("The given key does not identify an element in this collection value.")
        }
        Type::Object(attrs, _) => {
            let was_number = kty == Type::Number;
            let key = match convert(&k, &Type::String) {
                Ok(k) => k,
                Err(err) => {
                    return invalid(&format!(
                        "The given key does not identify an element in this collection value: {}.", err.message
                    ))
                }
            };
            let Value::String(name) = key else {
                return Ok(Value::unknown().mark_if(vs));
            };
            if !attrs.contains_key(&name) {
                let suggestion = if was_number {
                    " An object only supports looking up attributes by name, not by numeric index."
                } else {
                    ""
                };
                return invalid(&format!(
                    "The given key does not identify an element in this collection value.{suggestion}"
                ));
            }
            let r = match v {
                Value::Object(mut m) => m.remove(&name).unwrap_or_else(Value::unknown),
                _ => Value::Unknown(attrs[&name].clone()),
            };
            Ok(r.mark_if(vs))
        }
        Type::Set(_) => invalid("Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set."),
        _ => invalid("This value does not have any indices."),
    }
}
