//! Static validation of a module, as `terraform validate` does it: every
//! reference resolves, every expression evaluates with unknown values for
//! what is only known later (variables, resources), local values have no
//! cycle, variable defaults fit their types, and module calls match their
//! modules.

use super::eval::{resolve_builtin_roots, undeclared, Evaluator, Scope};
use super::funcs::FuncContext;
use crate::config::{self, Mode, Module};
use crate::diag::{Diagnostic, Diagnostics, SourceMap, Span};
use crate::syntax::ast::{Body, Expr, ExprKind, Step};
use std::collections::{BTreeMap, BTreeSet};
use tfrs_provider::convert::convert;
use tfrs_provider::{Type, Value};

/// Where an expression sits, which decides what `count`, `each` and
/// `self` mean there.
#[derive(Clone, Copy, Default)]
struct Context {
    counted: bool,
    for_each: bool,
    has_self: bool,
}

struct ValidateScope<'m> {
    module: &'m Module,
    locals: &'m BTreeMap<String, Value>,
    ctx: Context,
}

impl Scope for ValidateScope<'_> {
    fn resolve(
        &self,
        root: &str,
        steps: &[Step],
        span: Span,
    ) -> Result<(Value, usize), Diagnostics> {
        if let Some(r) = resolve_builtin_roots(root, steps, span, &self.module.dir, "default") {
            return r;
        }
        let attr = |i: usize| match steps.get(i) {
            Some(Step::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        let m = self.module;
        let found = match root {
            "var" => attr(0).and_then(|n| m.variables.get(n)).map(|v| {
                let ty = config::variable_type(v);
                (Value::Unknown(ty).mark_if(v.sensitive), 1)
            }),
            "local" => attr(0)
                .filter(|n| m.locals.contains_key(*n))
                .map(|n| (self.locals.get(n).cloned().unwrap_or_else(Value::unknown), 1)),
            "module" => attr(0)
                .filter(|n| m.module_calls.contains_key(*n))
                .map(|_| (Value::unknown(), 1)),
            "data" => match (attr(0), attr(1)) {
                (Some(t), Some(n)) if m.resources.contains_key(&format!("data.{t}.{n}")) => Some((Value::unknown(), 2)),
                _ => None,
            },
            "count" if self.ctx.counted => match attr(0) {
                Some("index") => Some((Value::Unknown(Type::Number), 1)),
                _ => {
                    return Err(Diagnostic::error(
                        "Invalid \"count\" attribute",
                        format!("The \"count\" object does not have an attribute named {:?}. The only supported attribute is count.index, which is the index of each instance of a resource block that has the \"count\" argument set.", attr(0).unwrap_or("")),
                    )
                    .with_subject(span)
                    .into())
                }
            },
            "each" if self.ctx.for_each => match attr(0) {
                Some("key") => Some((Value::Unknown(Type::String), 1)),
                Some("value") => Some((Value::unknown(), 1)),
                _ => {
                    return Err(Diagnostic::error(
                        "Invalid \"each\" attribute",
                        format!("The \"each\" object does not have an attribute named {:?}. The supported attributes are each.key and each.value, the current key and value pair of the \"for_each\" attribute set.", attr(0).unwrap_or("")),
                    )
                    .with_subject(span)
                    .into())
                }
            },
            "self" if self.ctx.has_self => Some((Value::unknown(), 0)),
            "count" | "each" | "self" => None,
            resource_type => match attr(0) {
                Some(n) if m.resources.contains_key(&format!("{resource_type}.{n}")) => Some((Value::unknown(), 1)),
                _ => None,
            },
        };
        found.ok_or_else(|| undeclared(root, steps, span).into())
    }

    fn func_context(&self) -> FuncContext {
        FuncContext::new(self.module.dir.clone())
    }
}

/// Finds the schema of a resource (`Mode::Managed`) or data source type.
pub type SchemaLookup<'a> = &'a dyn Fn(Mode, &str) -> Option<tfrs_provider::Schema>;

/// Validates `module` and, recursively, the local modules it calls.
pub fn validate_module(module: &Module, sources: &SourceMap) -> Diagnostics {
    validate_module_with_schemas(module, sources, &|_, _| None)
}

/// Validates `module` with the resource schemas of the providers at hand.
pub fn validate_module_with_schemas(
    module: &Module,
    sources: &SourceMap,
    schemas: SchemaLookup,
) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let no_locals = BTreeMap::new();
    let base = ValidateScope {
        module,
        locals: &no_locals,
        ctx: Context::default(),
    };

    // Variable defaults must fit their type and may not refer to anything.
    for v in module.variables.values() {
        let Some(default) = &v.default else { continue };
        let refs = default.traversals();
        if let Some(r) = refs.first() {
            diags.push(
                Diagnostic::error("Variables not allowed", "Variables may not be used here.")
                    .with_subject(r.span),
            );
            continue;
        }
        let value = match Evaluator::new(&base)
            .with_sources(module.sources.clone())
            .eval(default)
        {
            Ok(v) => v,
            Err(d) => {
                diags.extend(d);
                continue;
            }
        };
        if let Some(tc) = &v.ty {
            if let Err(e) = convert(&value, &tc.ty) {
                diags.push(
                    Diagnostic::error(
                        "Invalid default value for variable",
                        format!("This default value is not compatible with the variable's type constraint: {e}."),
                    )
                    .with_subject(default.span),
                );
            }
        }
        if value.is_null() && !v.nullable {
            diags.push(
                Diagnostic::error(
                    "Invalid default value for variable",
                    "A null default value is not valid when nullable=false.",
                )
                .with_subject(default.span),
            );
        }
    }

    // Local values, in dependency order.
    let locals = evaluate_locals(module, &mut diags);
    let scope = |ctx: Context| ValidateScope {
        module,
        locals: &locals,
        ctx,
    };

    for v in module.variables.values() {
        for rule in &v.validations {
            // A validation may refer only to its own variable (and, since
            // Terraform 1.9, to other objects); check the references.
            check_expr(&rule.condition, &scope(Context::default()), &mut diags);
            check_expr(&rule.error_message, &scope(Context::default()), &mut diags);
        }
    }

    for r in module.resources.values() {
        let ctx = Context {
            counted: r.count.is_some(),
            for_each: r.for_each.is_some(),
            has_self: false,
        };
        if let Some(c) = &r.count {
            check_expr(c, &scope(Context::default()), &mut diags);
        }
        if let Some(fe) = &r.for_each {
            check_expr(fe, &scope(Context::default()), &mut diags);
        }
        check_depends_on(&r.depends_on, &scope(ctx), &mut diags);
        // Where a provider's schema is known, the body is decoded by it
        // (unsupported arguments and blocks, missing required arguments,
        // wrong types); otherwise its expressions are only evaluated.
        match schemas(r.mode, &r.type_name) {
            Some(schema) => {
                let sc = scope(ctx);
                let mut ev = Evaluator::new(&sc);
                if let Err(d) =
                    super::decode::decode_body(&mut ev, &r.body, &schema.block, r.decl_span)
                {
                    diags.extend(d);
                }
            }
            None => check_body(&r.body, &scope(ctx), &mut diags),
        }
        let post_ctx = Context {
            has_self: true,
            ..ctx
        };
        for rule in r.lifecycle.preconditions.iter() {
            check_expr(&rule.condition, &scope(ctx), &mut diags);
        }
        for rule in r.lifecycle.postconditions.iter() {
            check_expr(&rule.condition, &scope(post_ctx), &mut diags);
        }
        if r.mode == Mode::Managed {
            if let Some(rt) = &r.lifecycle.replace_triggered_by {
                for t in rt.traversals() {
                    let _ = scope(ctx)
                        .resolve(&t.root, &t.steps, t.span)
                        .map_err(|d| diags.extend(d));
                }
            }
        }
    }

    for o in module.outputs.values() {
        if let Some(e) = &o.expr {
            check_expr(e, &scope(Context::default()), &mut diags);
        }
        check_depends_on(&o.depends_on, &scope(Context::default()), &mut diags);
    }

    for p in &module.providers {
        check_body(&p.body, &scope(Context::default()), &mut diags);
    }

    for mc in module.module_calls.values() {
        let ctx = Context {
            counted: mc.count.is_some(),
            for_each: mc.for_each.is_some(),
            has_self: false,
        };
        for a in &mc.inputs {
            check_expr(&a.expr, &scope(ctx), &mut diags);
        }
        check_module_call(module, mc, sources, schemas, &mut diags);
    }

    module.add_context(&mut diags);
    diags
}

fn check_module_call(
    module: &Module,
    mc: &config::ModuleCall,
    sources: &SourceMap,
    schemas: SchemaLookup,
    diags: &mut Diagnostics,
) {
    let dir = match config::module_source_dir(module, mc) {
        Ok(d) => d,
        Err(d) => {
            diags.push(d);
            return;
        }
    };
    let (child, d) = config::load(&dir, sources);
    diags.extend(d.clone());
    if d.has_errors() {
        return;
    }
    for a in &mc.inputs {
        if !child.variables.contains_key(&a.name) {
            diags.push(
                Diagnostic::error(
                    "Unsupported argument",
                    format!("An argument named {:?} is not expected here.", a.name),
                )
                .with_subject(a.name_span),
            );
        }
    }
    for v in child.variables.values() {
        if v.default.is_none() && !mc.inputs.iter().any(|a| a.name == v.name) {
            diags.push(
                Diagnostic::error(
                    "Missing required argument",
                    format!(
                        "The argument {:?} is required, but no definition was found.",
                        v.name
                    ),
                )
                .with_subject(mc.span),
            );
        }
    }
    diags.extend(validate_module_with_schemas(&child, sources, schemas));
}

/// Terraform's `validateDependsOn`: each item must be a reference to a
/// whole object (nothing after the resource, module output or value it
/// names), and to something declared.
fn check_depends_on(items: &[Expr], scope: &ValidateScope, diags: &mut Diagnostics) {
    for e in items {
        let Some(t) = e.as_traversal() else {
            diags.push(
                Diagnostic::error(
                    "Invalid expression",
                    "A single static variable reference is required: only attribute access and indexing with constant keys. No calculations, function calls, template expressions, etc are allowed here.",
                )
                .with_subject(e.span),
            );
            continue;
        };
        let is_attr = |i: usize| matches!(t.steps.get(i), Some(Step::Attr(_)));
        let is_index = |i: usize| matches!(t.steps.get(i), Some(Step::Index(_)));
        // How many steps the reference's subject takes.
        let subject = match t.root.as_str() {
            "self" => 0,
            "var" | "local" | "path" | "terraform" | "count" | "each" => 1,
            "module" => {
                let mut n = 1;
                if is_index(n) {
                    n += 1;
                }
                if is_attr(n) {
                    n += 1;
                }
                n
            }
            "data" | "resource" | "ephemeral" => 2 + usize::from(is_index(2)),
            _ => 1 + usize::from(is_index(1)),
        };
        if t.steps.len() > subject {
            // The span of what follows the subject.
            let mut node = e;
            for _ in subject..t.steps.len() {
                if let ExprKind::GetAttr(inner, _) | ExprKind::Index(inner, _) = &node.kind {
                    node = inner;
                }
            }
            let span = Span {
                lo: node.span.hi,
                ..e.span
            };
            diags.push(
                Diagnostic::error(
                    "Invalid depends_on reference",
                    "References in depends_on must be to a whole object (resource, etc), not to an attribute of an object.",
                )
                .with_subject(span),
            );
            continue;
        }
        if let Err(d) = scope.resolve(&t.root, &t.steps, t.span) {
            diags.extend(d);
        }
    }
}

fn check_body(body: &Body, scope: &ValidateScope, diags: &mut Diagnostics) {
    for a in &body.attributes {
        check_expr(&a.expr, scope, diags);
    }
    for b in &body.blocks {
        if b.type_name == "dynamic" {
            // `dynamic "x" { for_each = ...; content { ... } }`: the iterator
            // is named after the block (or `iterator`).
            if let Some(fe) = b.body.attribute("for_each") {
                check_expr(&fe.expr, scope, diags);
            }
            let iter_name = b
                .body
                .attribute("iterator")
                .and_then(|a| a.expr.as_keyword().map(String::from))
                .or_else(|| b.labels.first().cloned())
                .unwrap_or_default();
            for content in b.body.blocks_of("content") {
                check_body_with_iterator(&content.body, scope, &iter_name, diags);
            }
            continue;
        }
        check_body(&b.body, scope, diags);
    }
}

fn check_body_with_iterator(
    body: &Body,
    scope: &ValidateScope,
    iter_name: &str,
    diags: &mut Diagnostics,
) {
    let iter = Value::Object(
        [
            ("key".to_string(), Value::unknown()),
            ("value".to_string(), Value::unknown()),
        ]
        .into_iter()
        .collect(),
    );
    for a in &body.attributes {
        let mut ev = Evaluator::new(scope)
            .with_sources(scope.module.sources.clone())
            .with_local(iter_name, iter.clone());
        if let Err(d) = ev.eval(&a.expr) {
            diags.extend(d);
        }
    }
    for b in &body.blocks {
        check_body_with_iterator(&b.body, scope, iter_name, diags);
    }
}

fn check_expr(e: &Expr, scope: &ValidateScope, diags: &mut Diagnostics) {
    if let Err(d) = Evaluator::new(scope)
        .with_sources(scope.module.sources.clone())
        .eval(e)
    {
        diags.extend(d);
    }
}

/// Evaluates local values in dependency order; a cycle is an error.
fn evaluate_locals(module: &Module, diags: &mut Diagnostics) -> BTreeMap<String, Value> {
    let deps: BTreeMap<&str, BTreeSet<String>> = module
        .locals
        .iter()
        .map(|(name, l)| {
            let refs = l
                .expr
                .traversals()
                .into_iter()
                .filter(|t| t.root == "local")
                .filter_map(|t| match t.steps.first() {
                    Some(Step::Attr(a)) => Some(a.clone()),
                    _ => None,
                })
                .filter(|n| module.locals.contains_key(n))
                .collect();
            (name.as_str(), refs)
        })
        .collect();
    let mut done: BTreeMap<String, Value> = BTreeMap::new();
    for (name, refs) in &deps {
        if refs.contains(*name) {
            let l = &module.locals[*name];
            let span = l
                .expr
                .traversals()
                .into_iter()
                .find(|t| {
                    t.root == "local" && matches!(t.steps.first(), Some(Step::Attr(a)) if a == name)
                })
                .map(|t| t.span)
                .unwrap_or(l.span);
            diags.push(
                Diagnostic::error(
                    "Self-referencing local value",
                    format!("Local value local.{name} cannot use its own result as part of its expression."),
                )
                .with_subject(span),
            );
            done.insert(name.to_string(), Value::unknown());
        }
    }
    let mut remaining: Vec<&str> = deps
        .keys()
        .copied()
        .filter(|n| !done.contains_key(*n))
        .collect();
    while !remaining.is_empty() {
        let ready: Vec<&str> = remaining
            .iter()
            .copied()
            .filter(|n| deps[n].iter().all(|d| done.contains_key(d) || d == n))
            .collect();
        if ready.is_empty() {
            let cycle: Vec<String> = remaining
                .iter()
                .map(|n| format!("local.{n} (expand)"))
                .collect();
            diags.push(Diagnostic::error(
                format!("Cycle: {}", cycle.join(", ")),
                "",
            ));
            for n in remaining {
                done.insert(n.to_string(), Value::unknown());
            }
            break;
        }
        for name in ready {
            let l = &module.locals[name];
            let scope = ValidateScope {
                module,
                locals: &done,
                ctx: Context::default(),
            };
            let v = match Evaluator::new(&scope)
                .with_sources(module.sources.clone())
                .eval(&l.expr)
            {
                Ok(v) => v,
                Err(d) => {
                    diags.extend(d);
                    Value::unknown()
                }
            };
            done.insert(name.to_string(), v);
        }
        remaining.retain(|n| !done.contains_key(*n));
    }
    done
}
