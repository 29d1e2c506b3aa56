//! The evaluation scope of a run: input variables, local values, resource
//! values as planned or applied so far, module outputs, and the
//! `count`/`each` context of the instance being evaluated.

use crate::addrs::{InstanceKey, ModuleInstance};
use crate::config::Module;
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::lang::eval::{resolve_builtin_roots, undeclared, Scope};
use crate::lang::funcs::FuncContext;
use crate::syntax::ast::Step;
use std::collections::BTreeMap;
use std::sync::RwLock;
use tfrs_provider::{Type, Value};

/// The values of one module instance.
#[derive(Default)]
pub struct ModuleValues {
    pub variables: BTreeMap<String, Value>,
    pub locals: BTreeMap<String, Value>,
    /// Keyed by config address (`aws_s3_bucket.site`, `data.aws_vpc.x`):
    /// an object, or a tuple (count) or object (for_each) of objects.
    pub resources: BTreeMap<String, Value>,
    pub outputs: BTreeMap<String, Value>,
}

/// Values known so far in a walk; shared by the walk's workers.
#[derive(Default)]
pub struct Values {
    pub modules: BTreeMap<ModuleInstance, ModuleValues>,
    /// The instances of each called module, by its static path (call
    /// names from the root), once its call has been evaluated.
    pub expansions: BTreeMap<Vec<String>, Vec<ModuleInstance>>,
}

impl Values {
    /// Values with the root module's input variables.
    pub fn with_root_variables(variables: BTreeMap<String, Value>) -> Values {
        let mut v = Values::default();
        v.module_mut(&ModuleInstance::root()).variables = variables;
        v
    }

    pub fn module_mut(&mut self, inst: &ModuleInstance) -> &mut ModuleValues {
        self.modules.entry(inst.clone()).or_default()
    }

    pub fn root(&self) -> Option<&ModuleValues> {
        self.modules.get(&ModuleInstance::root())
    }
}

/// `count.index`, `each.key`/`each.value` and `self` for one instance.
#[derive(Clone, Default)]
pub struct InstanceContext {
    pub count_index: Option<i64>,
    pub each: Option<(String, Value)>,
    pub self_value: Option<Value>,
}

pub struct RunScope<'a> {
    pub module: &'a Module,
    /// The module instance evaluated in.
    pub inst: ModuleInstance,
    pub values: &'a RwLock<Values>,
    pub instance: InstanceContext,
    pub workspace: &'a str,
}

impl RunScope<'_> {
    /// `module.NAME`: the called module's outputs, as an object per
    /// instance (a tuple of them with `count`, an object with `for_each`).
    fn module_value(&self, values: &Values, name: &str) -> Value {
        let Some(call) = self.module.module_calls.get(name) else {
            return Value::Unknown(Type::Dynamic);
        };
        let mut path: Vec<String> = self.inst.0.iter().map(|(n, _)| n.clone()).collect();
        path.push(name.to_string());
        let Some(all) = values.expansions.get(&path) else {
            return Value::Unknown(Type::Dynamic);
        };
        let child = self.module.children.get(name);
        let outputs_of = |mi: &ModuleInstance| -> Value {
            let known = values.modules.get(mi);
            let names: Vec<String> = match child {
                Some(c) => c.outputs.keys().cloned().collect(),
                None => known
                    .map(|k| k.outputs.keys().cloned().collect())
                    .unwrap_or_default(),
            };
            Value::Object(
                names
                    .into_iter()
                    .map(|n| {
                        let v = known
                            .and_then(|k| k.outputs.get(&n).cloned())
                            .unwrap_or(Value::Unknown(Type::Dynamic));
                        (n, v)
                    })
                    .collect(),
            )
        };
        let mine: Vec<&ModuleInstance> = all
            .iter()
            .filter(|mi| mi.0.len() == self.inst.0.len() + 1 && mi.0.starts_with(&self.inst.0))
            .collect();
        let key_of = |mi: &ModuleInstance| {
            mi.0.last()
                .map(|(_, k)| k.clone())
                .unwrap_or(InstanceKey::None)
        };
        if call.count.is_some() {
            Value::Tuple(mine.iter().map(|mi| outputs_of(mi)).collect())
        } else if call.for_each.is_some() {
            Value::Object(
                mine.iter()
                    .map(|mi| {
                        let k = match key_of(mi) {
                            InstanceKey::Str(s) => s,
                            other => other.to_string(),
                        };
                        (k, outputs_of(mi))
                    })
                    .collect(),
            )
        } else {
            mine.first()
                .map(|mi| outputs_of(mi))
                .unwrap_or(Value::Unknown(Type::Dynamic))
        }
    }
}

/// A copy of the part of `v` that `steps[from..]` pick, following plain
/// elements and attributes only (anything else is left to the evaluator,
/// which reports its errors): the value and the number of steps used.
fn take_steps(v: &Value, steps: &[Step], from: usize) -> (Value, usize) {
    let mut cur = v;
    let mut used = from;
    for step in &steps[from..] {
        let next = match (cur, step) {
            (Value::Tuple(xs) | Value::List(_, xs), Step::Index(Value::Number(n))) => n
                .to_i64()
                .filter(|i| n.is_integer() && *i >= 0)
                .and_then(|i| xs.get(i as usize)),
            (Value::Object(m) | Value::Map(_, m), Step::Index(Value::String(k))) => m.get(k),
            (Value::Object(m), Step::Attr(a)) => m.get(a),
            _ => None,
        };
        match next {
            Some(n) => {
                cur = n;
                used += 1;
            }
            None => break,
        }
    }
    (cur.clone(), used)
}

impl Scope for RunScope<'_> {
    fn resolve(
        &self,
        root: &str,
        steps: &[Step],
        span: Span,
    ) -> Result<(Value, usize), Diagnostics> {
        self.lookup(root, steps, span, true)
    }

    fn check(&self, root: &str, steps: &[Step], span: Span) -> Result<(), Diagnostics> {
        self.lookup(root, steps, span, false).map(|_| ())
    }

    fn func_context(&self) -> FuncContext {
        FuncContext::new(self.module.dir.clone())
    }
}

impl RunScope<'_> {
    /// Resolves a reference; without `want_value`, only whether it resolves
    /// (resource values, which can be large, are not copied).
    fn lookup(
        &self,
        root: &str,
        steps: &[Step],
        span: Span,
        want_value: bool,
    ) -> Result<(Value, usize), Diagnostics> {
        if let Some(r) = resolve_builtin_roots(root, steps, span, &self.module.dir, self.workspace)
        {
            return r;
        }
        let attr = |i: usize| match steps.get(i) {
            Some(Step::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        let all = self.values.read().expect("values lock");
        let empty = ModuleValues::default();
        let values = all.modules.get(&self.inst).unwrap_or(&empty);
        let m = self.module;
        let found = match root {
            "var" => attr(0).filter(|n| m.variables.contains_key(*n)).map(|n| {
                let v = values.variables.get(n).cloned().unwrap_or_else(Value::unknown);
                let sensitive = m.variables.get(n).is_some_and(|v| v.sensitive);
                (v.mark_if(sensitive), 1)
            }),
            "local" => attr(0)
                .filter(|n| m.locals.contains_key(*n))
                .map(|n| (values.locals.get(n).cloned().unwrap_or_else(Value::unknown), 1)),
            "module" => attr(0)
                .filter(|n| m.module_calls.contains_key(*n))
                .map(|n| (self.module_value(&all, n), 1)),
            "data" => match (attr(0), attr(1)) {
                (Some(t), Some(n)) => {
                    let key = format!("data.{t}.{n}");
                    m.resources.contains_key(&key).then(|| match values.resources.get(&key) {
                        Some(v) if want_value => take_steps(v, steps, 2),
                        _ => (Value::unknown(), 2),
                    })
                }
                _ => None,
            },
            "count" => match (&self.instance.count_index, attr(0)) {
                (Some(i), Some("index")) => Some((Value::int(*i), 1)),
                (Some(_), other) => {
                    return Err(Diagnostic::error(
                        "Invalid \"count\" attribute",
                        format!("The \"count\" object does not have an attribute named {:?}. The only supported attribute is count.index, which is the index of each instance of a resource block that has the \"count\" argument set.", other.unwrap_or("")),
                    )
                    .with_subject(span)
                    .into())
                }
                (None, _) => None,
            },
            "each" => match (&self.instance.each, attr(0)) {
                (Some((k, _)), Some("key")) => Some((Value::string(k.clone()), 1)),
                (Some((_, v)), Some("value")) => Some((v.clone(), 1)),
                (Some(_), other) => {
                    return Err(Diagnostic::error(
                        "Invalid \"each\" attribute",
                        format!("The \"each\" object does not have an attribute named {:?}. The supported attributes are each.key and each.value, the current key and value pair of the \"for_each\" attribute set.", other.unwrap_or("")),
                    )
                    .with_subject(span)
                    .into())
                }
                (None, _) => None,
            },
            "self" => self.instance.self_value.clone().map(|v| (v, 0)),
            resource_type => attr(0).and_then(|n| {
                let key = format!("{resource_type}.{n}");
                if !m.resources.contains_key(&key) {
                    return None;
                }
                Some(match values.resources.get(&key) {
                    Some(v) if want_value => take_steps(v, steps, 1),
                    _ => (Value::Unknown(Type::Dynamic), 1),
                })
            }),
        };
        found.ok_or_else(|| undeclared(root, steps, span).into())
    }
}
