//! Expression evaluation, as Terraform's HCL evaluator does it.

use super::funcs::{self, FuncContext, FuncError};
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::syntax::ast::*;
use std::collections::BTreeMap;
use tfrs_provider::convert::{convert, unify};
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
            _ => Err(Diagnostic::error(
                "Invalid \"path\" attribute",
                format!("The \"path\" object does not have an attribute named {attr:?}. The supported attributes are path.cwd, path.module, and path.root."),
            )
            .with_subject(span)
            .into()),
        }),
        "terraform" => Some(match attr {
            "workspace" => Ok((Value::string(workspace), 1)),
            _ => Err(Diagnostic::error(
                "Invalid \"terraform\" attribute",
                format!("The \"terraform\" object does not have an attribute named {attr:?}. The only supported attribute is terraform.workspace, the name of the currently-selected workspace."),
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
        "count" => Diagnostic::error(
            "Reference to \"count\" in non-counted context",
            "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.",
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
}

type EResult = Result<Value, Diagnostics>;

fn diag(summary: &str, detail: impl Into<String>, span: Span) -> Diagnostics {
    Diagnostic::error(summary, detail).with_subject(span).into()
}

impl<'s> Evaluator<'s> {
    pub fn new(scope: &'s dyn Scope) -> Evaluator<'s> {
        Evaluator {
            scope,
            locals: Vec::new(),
            anon: Vec::new(),
        }
    }

    /// Binds a local name (used for `count`/`each`-free extras by callers).
    pub fn with_local(mut self, name: &str, v: Value) -> Self {
        self.locals.push((name.to_string(), v));
        self
    }

    fn local(&self, name: &str) -> Option<&Value> {
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    pub fn eval(&mut self, e: &Expr) -> EResult {
        match &e.kind {
            ExprKind::Literal(v) => Ok(v.clone()),
            ExprKind::Parens(inner) => self.eval(inner),
            ExprKind::Template(parts) => self.eval_template_expr(parts, e.span),
            ExprKind::Variable(_) | ExprKind::GetAttr(..) | ExprKind::Index(..) => {
                if let Some(t) = e.as_traversal() {
                    if self.local(&t.root).is_none() {
                        let (v, used) = self.scope.resolve(&t.root, &t.steps, t.span)?;
                        return apply_steps(v, &t.steps[used..], e.span);
                    }
                }
                match &e.kind {
                    ExprKind::Variable(name) => match self.local(name) {
                        Some(v) => Ok(v.clone()),
                        None => self.scope.resolve(name, &[], e.span).map(|(v, _)| v),
                    },
                    ExprKind::GetAttr(inner, name) => {
                        let v = self.eval(inner)?;
                        get_attr(v, name, e.span)
                    }
                    ExprKind::Index(inner, key) => {
                        let v = self.eval(inner)?;
                        let k = self.eval(key)?;
                        index(v, k, e.span)
                    }
                    _ => unreachable!(),
                }
            }
            ExprKind::AnonSymbol => Ok(self.anon.last().cloned().unwrap_or_else(Value::null)),
            ExprKind::Splat { source, each, .. } => self.eval_splat(source, each),
            ExprKind::Call {
                name,
                name_span,
                args,
                expand_final,
            } => self.eval_call(name, *name_span, args, *expand_final, e.span),
            ExprKind::Tuple(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut diags = Diagnostics::new();
                for item in items {
                    match self.eval(item) {
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
            ExprKind::Unary(op, operand) => {
                let v = self.eval(operand)?;
                let (v, sensitive) = v.unmark();
                let r = match op {
                    UnaryOp::Negate => {
                        let n = operand_number(&v, "operand", operand.span)?;
                        match n {
                            None => Value::Unknown(Type::Number),
                            Some(n) => Value::Number(n.neg()),
                        }
                    }
                    UnaryOp::Not => match operand_bool(&v, "operand", operand.span)? {
                        None => Value::Unknown(Type::Bool),
                        Some(b) => Value::Bool(!b),
                    },
                };
                Ok(r.mark_if(sensitive))
            }
            ExprKind::Binary(op, l, r) => self.eval_binary(*op, l, r, e.span),
            ExprKind::Conditional(c, t, f) => self.eval_conditional(c, t, f, e.span),
            ExprKind::For(f) => self.eval_for(f, e.span),
        }
    }

    fn eval_object(&mut self, items: &[ObjectItem]) -> EResult {
        let mut out = BTreeMap::new();
        let mut diags = Diagnostics::new();
        let mut unknown_key = false;
        let mut sensitive = false;
        for item in items {
            let key = if item.key_is_ident {
                match &item.key.kind {
                    ExprKind::Variable(n) => Value::string(n.clone()),
                    _ => unreachable!(),
                }
            } else {
                match self.eval(&item.key) {
                    Ok(k) => k,
                    Err(d) => {
                        diags.extend(d);
                        continue;
                    }
                }
            };
            let (key, key_sensitive) = key.unmark();
            sensitive |= key_sensitive;
            let key = match convert(&key, &Type::String) {
                Ok(k) if k.is_null() => {
                    diags.extend(diag(
                        "Null value as key",
                        "Can't use a null value as a key.",
                        item.key.span,
                    ));
                    continue;
                }
                Ok(k) => k,
                Err(e) => {
                    diags.extend(diag(
                        "Incorrect key type",
                        format!("Can't use this value as a key: {e}."),
                        item.key.span,
                    ));
                    continue;
                }
            };
            let value = match self.eval(&item.value) {
                Ok(v) => v,
                Err(d) => {
                    diags.extend(d);
                    continue;
                }
            };
            match key {
                Value::String(k) => {
                    out.insert(k, value);
                }
                _ => unknown_key = true,
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        if unknown_key {
            return Ok(Value::unknown().mark_if(sensitive));
        }
        Ok(Value::Object(out).mark_if(sensitive))
    }

    fn eval_binary(&mut self, op: BinaryOp, l: &Expr, r: &Expr, span: Span) -> EResult {
        let lv = self.eval(l);
        let rv = self.eval(r);
        let (lv, rv) = match (lv, rv) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(mut a), Err(b)) => {
                a.extend(b);
                return Err(a);
            }
            (Err(a), _) | (_, Err(a)) => return Err(a),
        };
        if matches!(op, BinaryOp::Eq | BinaryOp::NotEq) {
            let eq = lv.equals(&rv);
            return Ok(if op == BinaryOp::NotEq {
                let (v, s) = eq.unmark();
                match v {
                    Value::Bool(b) => Value::Bool(!b),
                    other => other,
                }
                .mark_if(s)
            } else {
                eq
            });
        }
        let sensitive = lv.is_sensitive() || rv.is_sensitive();
        let (lv, _) = lv.unmark();
        let (rv, _) = rv.unmark();
        let result = match op {
            BinaryOp::And | BinaryOp::Or => {
                let a = operand_bool(&lv, "left operand", l.span)?;
                let b = operand_bool(&rv, "right operand", r.span)?;
                match (a, b) {
                    (Some(a), Some(b)) => {
                        Value::Bool(if op == BinaryOp::And { a && b } else { a || b })
                    }
                    // Short-circuit where the known side decides.
                    (Some(false), None) | (None, Some(false)) if op == BinaryOp::And => {
                        Value::Bool(false)
                    }
                    (Some(true), None) | (None, Some(true)) if op == BinaryOp::Or => {
                        Value::Bool(true)
                    }
                    _ => Value::Unknown(Type::Bool),
                }
            }
            _ => {
                let a = operand_number(&lv, "left operand", l.span)?;
                let b = operand_number(&rv, "right operand", r.span)?;
                let (Some(a), Some(b)) = (a, b) else {
                    let t = match op {
                        BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq => Type::Bool,
                        _ => Type::Number,
                    };
                    return Ok(Value::Unknown(t).mark_if(sensitive));
                };
                let fail = |what: &str| {
                    diag(
                        "Operation failed",
                        format!("Error during operation: {what}."),
                        span,
                    )
                };
                match op {
                    BinaryOp::Add => Value::Number(
                        a.add(&b)
                            .ok_or_else(|| fail("can't compute infinity minus infinity"))?,
                    ),
                    BinaryOp::Sub => Value::Number(
                        a.sub(&b)
                            .ok_or_else(|| fail("can't compute infinity minus infinity"))?,
                    ),
                    BinaryOp::Mul => Value::Number(
                        a.mul(&b)
                            .ok_or_else(|| fail("can't multiply zero by infinity"))?,
                    ),
                    BinaryOp::Div => {
                        if b.is_zero() && a.is_zero() {
                            return Err(fail("can't divide zero by zero"));
                        }
                        Value::Number(
                            a.div(&b)
                                .ok_or_else(|| fail("can't divide infinity by infinity"))?,
                        )
                    }
                    BinaryOp::Mod => Value::Number(
                        modulo(&a, &b).ok_or_else(|| fail("can't use modulo by zero"))?,
                    ),
                    BinaryOp::Lt => Value::Bool(a.cmp_num(&b).is_lt()),
                    BinaryOp::LtEq => Value::Bool(a.cmp_num(&b).is_le()),
                    BinaryOp::Gt => Value::Bool(a.cmp_num(&b).is_gt()),
                    BinaryOp::GtEq => Value::Bool(a.cmp_num(&b).is_ge()),
                    _ => unreachable!(),
                }
            }
        };
        Ok(result.mark_if(sensitive))
    }

    fn eval_conditional(&mut self, c: &Expr, t: &Expr, f: &Expr, span: Span) -> EResult {
        let cv = self.eval(c)?;
        let (cv, sensitive) = cv.unmark();
        if cv.is_null() {
            return Err(diag(
                "Null condition",
                "The condition value is null. Conditions must either be true or false.",
                c.span,
            ));
        }
        let cond = match convert(&cv, &Type::Bool) {
            Ok(Value::Bool(b)) => Some(b),
            Ok(_) => None,
            Err(e) => {
                return Err(diag(
                    "Incorrect condition type",
                    format!("The condition expression must be of type bool: {e}."),
                    c.span,
                ))
            }
        };
        let tv = self.eval(t)?;
        let fv = self.eval(f)?;
        let (tt, ft) = (tv.ty(), fv.ty());
        let result_ty = if tv.is_null()
            && !matches!(tv.unmarked(), Value::Null(t) if *t != Type::Dynamic)
        {
            ft.clone()
        } else if fv.is_null() && !matches!(fv.unmarked(), Value::Null(t) if *t != Type::Dynamic) {
            tt.clone()
        } else {
            match unify(&[tt.clone(), ft.clone()]) {
                Some(t) => t,
                None => {
                    return Err(diag(
                        "Inconsistent conditional result types",
                        format!(
                            "The true and false result expressions must have consistent types. The 'true' value is {}, but the 'false' value is {}.",
                            type_phrase(&tt),
                            type_phrase(&ft)
                        ),
                        span,
                    ))
                }
            }
        };
        let chosen = match cond {
            None => return Ok(Value::Unknown(result_ty).mark_if(sensitive)),
            Some(true) => tv,
            Some(false) => fv,
        };
        let converted = convert(&chosen, &result_ty).map_err(|e| {
            diag(
                "Inconsistent conditional result types",
                format!("The true and false result expressions must have consistent types: {e}."),
                span,
            )
        })?;
        Ok(converted.mark_if(sensitive))
    }

    fn eval_for(&mut self, f: &ForExpr, span: Span) -> EResult {
        let coll = self.eval(&f.collection)?;
        let (coll, sensitive) = coll.unmark();
        if coll.is_null() {
            return Err(diag(
                "Iteration over null value",
                "A null value cannot be used as the collection in a 'for' expression.",
                f.collection.span,
            ));
        }
        if !coll.is_known() {
            return Ok(Value::unknown().mark_if(sensitive));
        }
        let pairs: Vec<(Value, Value)> = match &coll {
            Value::List(_, vs) | Value::Tuple(vs) => vs
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::int(i as i64), v.clone()))
                .collect(),
            Value::Set(_, vs) => vs.iter().map(|v| (v.clone(), v.clone())).collect(),
            Value::Map(_, m) | Value::Object(m) => m
                .iter()
                .map(|(k, v)| (Value::string(k.clone()), v.clone()))
                .collect(),
            other => {
                return Err(diag(
                    "Iteration over non-iterable value",
                    format!(
                    "A value of type {} cannot be used as the collection in a 'for' expression.",
                    other.ty().friendly_name()
                ),
                    f.collection.span,
                ))
            }
        };
        let mut tuple = Vec::new();
        let mut object: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut unknown = false;
        for (k, v) in pairs {
            let n = self.locals.len();
            if let Some(kv) = &f.key_var {
                self.locals.push((kv.clone(), k));
            }
            self.locals.push((f.value_var.clone(), v));
            let r = self.for_item(f, &mut tuple, &mut object, &mut groups, &mut unknown);
            self.locals.truncate(n);
            r?;
        }
        if unknown {
            return Ok(Value::unknown().mark_if(sensitive));
        }
        let _ = span;
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

    fn for_item(
        &mut self,
        f: &ForExpr,
        tuple: &mut Vec<Value>,
        object: &mut BTreeMap<String, Value>,
        groups: &mut BTreeMap<String, Vec<Value>>,
        unknown: &mut bool,
    ) -> Result<(), Diagnostics> {
        if let Some(c) = &f.condition {
            let cv = self.eval(c)?;
            let cv = cv.unmark().0;
            if cv.is_null() {
                return Err(diag(
                    "Condition is null",
                    "The value of the 'if' clause must not be null.",
                    c.span,
                ));
            }
            match convert(&cv, &Type::Bool) {
                Ok(Value::Bool(true)) => {}
                Ok(Value::Bool(false)) => return Ok(()),
                Ok(_) => {
                    *unknown = true;
                    return Ok(());
                }
                Err(e) => {
                    return Err(diag(
                        "Invalid 'for' condition",
                        format!("The 'if' clause value is invalid: {e}."),
                        c.span,
                    ))
                }
            }
        }
        match &f.key_expr {
            None => tuple.push(self.eval(&f.value_expr)?),
            Some(ke) => {
                let k = self.eval(ke)?;
                let k = k.unmark().0;
                if k.is_null() {
                    return Err(diag(
                        "Invalid object key",
                        "Key expression in 'for' expression must not produce a null value.",
                        ke.span,
                    ));
                }
                let k = match convert(&k, &Type::String) {
                    Ok(Value::String(s)) => s,
                    Ok(_) => {
                        *unknown = true;
                        return Ok(());
                    }
                    Err(e) => {
                        return Err(diag(
                            "Invalid object key",
                            format!("The key expression produced an invalid result: {e}."),
                            ke.span,
                        ))
                    }
                };
                let v = self.eval(&f.value_expr)?;
                if f.grouping {
                    groups.entry(k).or_default().push(v);
                } else if let std::collections::btree_map::Entry::Vacant(slot) =
                    object.entry(k.clone())
                {
                    slot.insert(v);
                } else {
                    return Err(diag(
                        "Duplicate object key",
                        format!("Two different items produced the key {k:?} in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key."),
                        ke.span,
                    ));
                }
            }
        }
        Ok(())
    }

    fn eval_splat(&mut self, source: &Expr, each: &Expr) -> EResult {
        let sv = self.eval(source)?;
        let (sv, sensitive) = sv.unmark();
        if sv.is_null() {
            return Ok(Value::empty_tuple().mark_if(sensitive));
        }
        if !sv.is_known() {
            return Ok(Value::unknown().mark_if(sensitive));
        }
        let (items, as_list) = match &sv {
            Value::List(_, vs) | Value::Set(_, vs) => (vs.clone(), true),
            Value::Tuple(vs) => (vs.clone(), false),
            other => {
                // A single value is treated as a one-element tuple.
                self.anon.push(other.clone());
                let r = self.eval(each);
                self.anon.pop();
                return Ok(Value::Tuple(vec![r?]).mark_if(sensitive));
            }
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            self.anon.push(item);
            let r = self.eval(each);
            self.anon.pop();
            out.push(r?);
        }
        let result = if as_list {
            let types: Vec<Type> = out.iter().map(Value::ty).collect();
            let ety = if types.is_empty() {
                Type::Dynamic
            } else {
                unify(&types).unwrap_or(Type::Dynamic)
            };
            let conv = out
                .iter()
                .map(|v| convert(v, &ety))
                .collect::<Result<Vec<_>, _>>();
            match conv {
                Ok(vs) => Value::List(ety, vs),
                Err(_) => Value::Tuple(out),
            }
        } else {
            Value::Tuple(out)
        };
        Ok(result.mark_if(sensitive))
    }

    fn eval_call(
        &mut self,
        name: &str,
        name_span: Span,
        args: &[Expr],
        expand_final: bool,
        span: Span,
    ) -> EResult {
        match name {
            "try" => return self.eval_try(args, span),
            "can" => {
                if args.len() != 1 {
                    return Err(arity_diag(name, 1, args.len(), span));
                }
                let r = self.eval(&args[0]);
                return Ok(match r {
                    Ok(v) if !v.is_wholly_known() => Value::Unknown(Type::Bool),
                    Ok(_) => Value::Bool(true),
                    Err(_) => Value::Bool(false),
                });
            }
            _ => {}
        }
        let mut values = Vec::with_capacity(args.len());
        let mut diags = Diagnostics::new();
        for a in args {
            match self.eval(a) {
                Ok(v) => values.push(v),
                Err(d) => diags.extend(d),
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let mut arg_spans: Vec<Span> = args.iter().map(|a| a.span).collect();
        if expand_final {
            let last = values.pop().unwrap_or_else(Value::empty_tuple);
            let last_span = arg_spans.pop().unwrap_or(span);
            let (last, sensitive) = last.unmark();
            match last.elements() {
                Some(items) => {
                    for item in items {
                        values.push(item.clone().mark_if(sensitive));
                        arg_spans.push(last_span);
                    }
                }
                None if !last.is_known() => return Ok(Value::unknown()),
                None => {
                    return Err(diag(
                        "Invalid expanding argument value",
                        "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
                        last_span,
                    ))
                }
            }
        }
        match name {
            "templatestring" => return self.call_templatestring(&values, args, span),
            "templatefile" => return self.call_templatefile(&values, args, span),
            _ => {}
        }
        let Some(f) = funcs::lookup(name) else {
            return Err(unknown_function(name, name_span));
        };
        let ctx = self.scope.func_context();
        funcs::call(&ctx, f, values).map_err(|e| match e {
            FuncError::Arg(i, detail) => diag(
                "Invalid function argument",
                detail,
                arg_spans.get(i).copied().unwrap_or(span),
            ),
            FuncError::Call(detail) => diag("Error in function call", detail, span),
            FuncError::Arity(summary, detail) => diag(&summary, detail, span),
        })
    }

    fn eval_try(&mut self, args: &[Expr], span: Span) -> EResult {
        if args.is_empty() {
            return Err(diag(
                "Not enough function arguments",
                "Function \"try\" expects at least one argument.",
                span,
            ));
        }
        let mut last_err = None;
        for a in args {
            match self.eval(a) {
                Ok(v) => return Ok(v),
                Err(d) => last_err = Some(d),
            }
        }
        let _ = last_err;
        Err(diag(
            "Error in function call",
            "Call to function \"try\" failed: no expression succeeded:\n- ... (see the errors of the expressions)\n\nAt least one expression must produce a successful result.",
            span,
        ))
    }

    fn call_templatestring(&mut self, values: &[Value], args: &[Expr], span: Span) -> EResult {
        if values.len() != 2 {
            return Err(arity_diag("templatestring", 2, values.len(), span));
        }
        let Some(src) = values[0].as_str() else {
            return Err(diag(
                "Invalid function argument",
                "Invalid value for \"template\" parameter: string required.",
                args[0].span,
            ));
        };
        self.render_template_text(
            src,
            &values[1],
            args.get(1).map(|a| a.span).unwrap_or(span),
            span,
        )
    }

    fn call_templatefile(&mut self, values: &[Value], args: &[Expr], span: Span) -> EResult {
        if values.len() != 2 {
            return Err(arity_diag("templatefile", 2, values.len(), span));
        }
        let Some(path) = values[0].as_str() else {
            return Err(diag(
                "Invalid function argument",
                "Invalid value for \"path\" parameter: string required.",
                args[0].span,
            ));
        };
        let full = self.scope.func_context().resolve(path);
        let text = std::fs::read_to_string(&full).map_err(|_| {
            diag(
                "Invalid function argument",
                format!("Invalid value for \"path\" parameter: no file exists at {:?}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource.", path),
                args[0].span,
            )
        })?;
        self.render_template_text(&text, &values[1], args[1].span, span)
    }

    /// Renders template source with the given variables object.
    fn render_template_text(
        &mut self,
        src: &str,
        vars: &Value,
        vars_span: Span,
        span: Span,
    ) -> EResult {
        let (parsed, d) = crate::syntax::parser::parse_template(src, span.file);
        let Some(tmpl) = parsed else {
            let _ = d;
            return Err(diag(
                "Error in function call",
                "Call to function failed: the template has syntax errors.",
                span,
            ));
        };
        let entries = match vars.unmarked() {
            Value::Object(m) | Value::Map(_, m) => m.clone(),
            _ => {
                return Err(diag(
                    "Invalid function argument",
                    "Invalid value for \"vars\" parameter: must be a map or object.",
                    vars_span,
                ))
            }
        };
        let scope = TemplateScope {
            vars: entries,
            ctx: self.scope.func_context(),
        };
        let mut inner = Evaluator::new(&scope);
        let ExprKind::Template(parts) = &tmpl.kind else {
            unreachable!()
        };
        inner.eval_template_expr(parts, span)
    }

    fn eval_template_expr(&mut self, parts: &[TemplatePart], span: Span) -> EResult {
        // A template that is only one interpolation yields the value itself.
        if let [TemplatePart::Interp(e)] = parts {
            return self.eval(e);
        }
        let mut out = String::new();
        let mut state = TemplateState::default();
        self.eval_template(parts, &mut out, &mut state)?;
        let _ = span;
        let v = if state.unknown {
            Value::Unknown(Type::String)
        } else {
            Value::String(out)
        };
        Ok(v.mark_if(state.sensitive))
    }

    fn eval_template(
        &mut self,
        parts: &[TemplatePart],
        out: &mut String,
        st: &mut TemplateState,
    ) -> Result<(), Diagnostics> {
        for p in parts {
            match p {
                TemplatePart::Literal(s) => out.push_str(s),
                TemplatePart::Interp(e) => {
                    let v = self.eval(e)?;
                    let (v, s) = v.unmark_deep();
                    st.sensitive |= s;
                    if v.is_null() {
                        return Err(diag(
                            "Invalid template interpolation value",
                            "The expression result is null. Cannot include a null value in a string template.",
                            e.span,
                        ));
                    }
                    if !v.is_known() {
                        st.unknown = true;
                        continue;
                    }
                    match convert(&v, &Type::String) {
                        Ok(Value::String(s)) => out.push_str(&s),
                        Ok(_) => st.unknown = true,
                        Err(err) => {
                            return Err(diag(
                                "Invalid template interpolation value",
                                format!(
                                    "Cannot include the given value in a string template: {err}."
                                ),
                                e.span,
                            ))
                        }
                    }
                }
                TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    let c = self.eval(cond)?;
                    let (c, s) = c.unmark();
                    st.sensitive |= s;
                    if c.is_null() {
                        return Err(diag(
                            "Invalid 'if' condition",
                            "The condition value is null. Conditions must either be true or false.",
                            cond.span,
                        ));
                    }
                    match convert(&c, &Type::Bool) {
                        Ok(Value::Bool(true)) => self.eval_template(then, out, st)?,
                        Ok(Value::Bool(false)) => self.eval_template(otherwise, out, st)?,
                        Ok(_) => st.unknown = true,
                        Err(e) => {
                            return Err(diag(
                                "Invalid 'if' condition",
                                format!("The 'if' condition must be a bool value: {e}."),
                                cond.span,
                            ))
                        }
                    }
                }
                TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                    ..
                } => {
                    let c = self.eval(collection)?;
                    let (c, s) = c.unmark();
                    st.sensitive |= s;
                    if c.is_null() {
                        return Err(diag(
                            "Invalid template directive",
                            "The collection value is null. A for directive requires a collection.",
                            collection.span,
                        ));
                    }
                    if !c.is_known() {
                        st.unknown = true;
                        continue;
                    }
                    let pairs: Vec<(Value, Value)> = match &c {
                        Value::List(_, vs) | Value::Tuple(vs) | Value::Set(_, vs) => vs
                            .iter()
                            .enumerate()
                            .map(|(i, v)| (Value::int(i as i64), v.clone()))
                            .collect(),
                        Value::Map(_, m) | Value::Object(m) => m
                            .iter()
                            .map(|(k, v)| (Value::string(k.clone()), v.clone()))
                            .collect(),
                        other => {
                            return Err(diag(
                                "Invalid template for directive",
                                format!(
                                    "The 'for' directive requires a collection, not {}.",
                                    type_phrase(&other.ty())
                                ),
                                collection.span,
                            ))
                        }
                    };
                    for (k, v) in pairs {
                        let n = self.locals.len();
                        if let Some(kv) = key_var {
                            self.locals.push((kv.clone(), k));
                        }
                        self.locals.push((value_var.clone(), v));
                        let r = self.eval_template(body, out, st);
                        self.locals.truncate(n);
                        r?;
                    }
                }
            }
        }
        Ok(())
    }
}

#[derive(Default)]
struct TemplateState {
    unknown: bool,
    sensitive: bool,
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

fn type_phrase(t: &Type) -> String {
    match t {
        Type::Object(a, _) if a.is_empty() => "object".into(),
        Type::Tuple(_) => "tuple".into(),
        Type::Object(_, _) => "object".into(),
        other => other.friendly_name(),
    }
}

fn arity_diag(name: &str, want: usize, got: usize, span: Span) -> Diagnostics {
    if got < want {
        diag(
            "Not enough function arguments",
            format!(
                "Function {name:?} expects {want} argument(s). Missing value for {:?}.",
                "arg"
            ),
            span,
        )
    } else {
        diag(
            "Too many function arguments",
            format!("Function {name:?} expects only {want} argument(s)."),
            span,
        )
    }
}

fn unknown_function(name: &str, span: Span) -> Diagnostics {
    let names: Vec<&str> = funcs::all()
        .map(|f| f.name)
        .chain(["try", "can", "templatefile", "templatestring"])
        .collect();
    let detail = match crate::util::did_you_mean(name, &names) {
        Some(f) => format!("There is no function named {name:?}. Did you mean {f:?}?"),
        None => format!("There is no function named {name:?}."),
    };
    diag("Call to unknown function", detail, span)
}

/// `a % b` as cty computes it: the remainder carries the dividend's sign.
fn modulo(a: &Number, b: &Number) -> Option<Number> {
    if b.is_zero() {
        return None;
    }
    if a.is_infinite() || b.is_infinite() {
        return Some(a.clone());
    }
    let q = a.div(b)?.trunc();
    let r = a.sub(&q.mul(b)?)?;
    Some(r)
}

fn operand_number(v: &Value, which: &str, span: Span) -> Result<Option<Number>, Diagnostics> {
    if v.is_null() {
        return Err(diag(
            "Invalid operand",
            format!("Unsuitable value for {which}: a number is required."),
            span,
        ));
    }
    match convert(v, &Type::Number) {
        Ok(Value::Number(n)) => Ok(Some(n)),
        Ok(_) => Ok(None),
        Err(e) => Err(diag(
            "Invalid operand",
            format!("Unsuitable value for {which}: {e}."),
            span,
        )),
    }
}

fn operand_bool(v: &Value, which: &str, span: Span) -> Result<Option<bool>, Diagnostics> {
    if v.is_null() {
        return Err(diag(
            "Invalid operand",
            format!("Unsuitable value for {which}: a bool is required."),
            span,
        ));
    }
    match convert(v, &Type::Bool) {
        Ok(Value::Bool(b)) => Ok(Some(b)),
        Ok(_) => Ok(None),
        Err(e) => Err(diag(
            "Invalid operand",
            format!("Unsuitable value for {which}: {e}."),
            span,
        )),
    }
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

pub fn get_attr(v: Value, name: &str, span: Span) -> EResult {
    let (v, sensitive) = v.unmark();
    let r = match v {
        Value::Null(_) => {
            return Err(diag(
                "Attempt to get attribute from null value",
                "This value is null, so it does not have any attributes.",
                span,
            ))
        }
        Value::Unknown(Type::Object(attrs, _)) => match attrs.get(name) {
            Some(t) => Value::Unknown(t.clone()),
            None => {
                return Err(diag(
                    "Unsupported attribute",
                    format!("This object does not have an attribute named {name:?}."),
                    span,
                ))
            }
        },
        Value::Unknown(Type::Map(e)) => Value::Unknown(*e),
        Value::Unknown(_) => Value::unknown(),
        Value::Object(mut m) => match m.remove(name) {
            Some(v) => v,
            None => {
                return Err(diag(
                    "Unsupported attribute",
                    format!("This object does not have an attribute named {name:?}."),
                    span,
                ))
            }
        },
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
        Value::List(..) | Value::Tuple(_) | Value::Set(..) => {
            let what = match &v {
                Value::Set(..) => "set",
                Value::Tuple(_) => "tuple",
                _ => "list",
            };
            let of = match v.ty().element_type() {
                Some(Type::Object(..)) | None => "objects".to_string(),
                Some(t) => t.friendly_name(),
            };
            let _ = of;
            return Err(diag(
                "Unsupported attribute",
                format!("Can't access attributes on a {what} of objects. Did you mean to access an attribute for a specific element of the {what}, or across all elements of the {what}?"),
                span,
            ));
        }
        other => {
            return Err(diag(
                "Unsupported attribute",
                format!(
                    "Can't access attributes on a primitive-typed value ({}).",
                    other.ty().friendly_name()
                ),
                span,
            ))
        }
    };
    Ok(r.mark_if(sensitive))
}

pub fn index(v: Value, k: Value, span: Span) -> EResult {
    let (v, s1) = v.unmark();
    let (k, s2) = k.unmark();
    let sensitive = s1 || s2;
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
    let r = match v {
        Value::Unknown(t) => Value::Unknown(t.element_type().cloned().unwrap_or(Type::Dynamic)),
        Value::List(_, vs) | Value::Tuple(vs) => {
            if !k.is_known() {
                return Ok(Value::unknown().mark_if(sensitive));
            }
            let idx = match convert(&k, &Type::Number) {
                Ok(Value::Number(n)) => n,
                _ => {
                    return Err(diag(
                        "Invalid index",
                        "The given key does not identify an element in this collection value: a number is required.",
                        span,
                    ))
                }
            };
            if !idx.is_integer() {
                return Err(diag(
                    "Invalid index",
                    "The given key does not identify an element in this collection value: indexing a sequence requires a whole number.",
                    span,
                ));
            }
            let i = idx.to_i64().unwrap_or(-1);
            if i < 0 {
                return Err(diag(
                    "Invalid index",
                    "The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence.",
                    span,
                ));
            }
            match vs.into_iter().nth(i as usize) {
                Some(v) => v,
                None => {
                    return Err(diag(
                        "Invalid index",
                        "The given key does not identify an element in this collection value: the given index is greater than or equal to the length of the collection.",
                        span,
                    ))
                }
            }
        }
        Value::Map(_, mut m) | Value::Object(mut m) => {
            if !k.is_known() {
                return Ok(Value::unknown().mark_if(sensitive));
            }
            let key = match convert(&k, &Type::String) {
                Ok(Value::String(s)) => s,
                _ => {
                    return Err(diag(
                        "Invalid index",
                        "The given key does not identify an element in this collection value: string required.",
                        span,
                    ))
                }
            };
            match m.remove(&key) {
                Some(v) => v,
                None => {
                    return Err(diag(
                        "Invalid index",
                        "The given key does not identify an element in this collection value.",
                        span,
                    ))
                }
            }
        }
        Value::Set(..) => {
            return Err(diag(
                "Invalid index",
                "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set.",
                span,
            ))
        }
        _ => {
            return Err(diag(
                "Invalid index",
                "This value does not have any indices.",
                span,
            ))
        }
    };
    Ok(r.mark_if(sensitive))
}
