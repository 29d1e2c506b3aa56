//! `moved`, `removed` and `import` blocks: the statements that change what
//! the state holds rather than what exists, as Terraform's `refactoring`
//! package and import planning treat them.
//!
//! Moves are applied to the prior state before anything else (so the
//! graph and the plan see objects at their new addresses); the plan
//! records each moved instance's previous address.

use crate::addrs::{parse_target, AbsInstance, AbsResource, InstanceKey, ModuleInstance, Target};
use crate::config::Module;
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::states::State;
use crate::syntax::ast::{Block, Expr, Step};
use std::collections::BTreeMap;

/// A `moved` block: `from` becomes `to`.
#[derive(Clone, Debug)]
pub struct Move {
    pub from: Target,
    pub to: Target,
    pub span: Span,
}

/// A `removed` block.
#[derive(Clone, Debug)]
pub struct Removed {
    pub from: Target,
    /// `lifecycle { destroy = false }` forgets instead of destroying.
    pub destroy: bool,
    pub span: Span,
}

/// An `import` block (or the import command's address and ID).
#[derive(Clone, Debug)]
pub struct Import {
    pub to: AbsInstance,
    pub id: ImportId,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub enum ImportId {
    Literal(String),
    /// Evaluated in the root module when planning.
    Expr(Expr),
}

/// The statements of every module (addresses made absolute by the path of
/// the module that declares them; modules inside are taken without keys).
#[derive(Default)]
pub struct Statements {
    pub moves: Vec<Move>,
    pub removed: Vec<Removed>,
    pub imports: Vec<Import>,
}

/// The address text of a traversal expression (`module.a.aws_x.b[0]`).
fn address_text(e: &Expr) -> Option<String> {
    let t = e.as_traversal()?;
    let mut s = t.root.clone();
    for step in &t.steps {
        match step {
            Step::Attr(a) => {
                s.push('.');
                s.push_str(a);
            }
            Step::Index(v) => match v {
                tfrs_provider::Value::String(k) => s.push_str(&format!("[{k:?}]")),
                tfrs_provider::Value::Number(n) => s.push_str(&format!("[{n}]")),
                _ => return None,
            },
        }
    }
    Some(s)
}

fn address_attr(b: &Block, name: &str, diags: &mut Diagnostics) -> Option<Target> {
    let Some(a) = b.body.attributes.iter().find(|a| a.name == name) else {
        diags.push(
            Diagnostic::error(
                "Missing required argument",
                format!("The argument {name:?} is required, but no definition was found."),
            )
            .with_subject(b.span),
        );
        return None;
    };
    match address_text(&a.expr).map(|s| parse_target(&s)) {
        Some(Ok(t)) => Some(t),
        _ => {
            diags.push(
                Diagnostic::error(
                    "Invalid address",
                    format!("The {name:?} argument must be an address of a resource, a resource instance or a module, without quotes."),
                )
                .with_subject(a.expr.span),
            );
            None
        }
    }
}

/// Prefixes a target with the module path it was declared in.
fn in_module(t: Target, path: &[String]) -> Target {
    if path.is_empty() {
        return t;
    }
    let prefix = |m: &ModuleInstance| {
        let mut out: Vec<(String, InstanceKey)> = path
            .iter()
            .map(|n| (n.clone(), InstanceKey::None))
            .collect();
        out.extend(m.0.iter().cloned());
        ModuleInstance(out)
    };
    match t {
        Target::Module(m) => Target::Module(prefix(&m)),
        Target::Resource(r) => Target::Resource(AbsResource {
            module: prefix(&r.module),
            resource: r.resource,
        }),
        Target::Instance(i) => Target::Instance(AbsInstance {
            resource: AbsResource {
                module: prefix(&i.resource.module),
                resource: i.resource.resource,
            },
            key: i.key,
        }),
    }
}

/// Collects the statements of every module of the configuration.
pub fn statements(modules: &BTreeMap<Vec<String>, &Module>) -> (Statements, Diagnostics) {
    let mut out = Statements::default();
    let mut diags = Diagnostics::new();
    for (path, m) in modules {
        for b in &m.other_blocks {
            match b.type_name.as_str() {
                "moved" => {
                    let from = address_attr(b, "from", &mut diags);
                    let to = address_attr(b, "to", &mut diags);
                    if let (Some(from), Some(to)) = (from, to) {
                        out.moves.push(Move {
                            from: in_module(from, path),
                            to: in_module(to, path),
                            span: b.span,
                        });
                    }
                }
                "removed" => {
                    let Some(from) = address_attr(b, "from", &mut diags) else {
                        continue;
                    };
                    let destroy = b
                        .body
                        .blocks
                        .iter()
                        .filter(|l| l.type_name == "lifecycle")
                        .flat_map(|l| l.body.attributes.iter())
                        .find(|a| a.name == "destroy")
                        .map(|a| {
                            !matches!(
                                &a.expr.kind,
                                crate::syntax::ast::ExprKind::Literal(tfrs_provider::Value::Bool(
                                    false
                                ))
                            )
                        })
                        .unwrap_or(true);
                    out.removed.push(Removed {
                        from: in_module(from, path),
                        destroy,
                        span: b.span,
                    });
                }
                "import" if path.is_empty() => {
                    let to = match address_attr(b, "to", &mut diags) {
                        Some(Target::Instance(i)) => i,
                        Some(Target::Resource(r)) => r.instance(InstanceKey::None),
                        Some(Target::Module(_)) => {
                            diags.push(
                                Diagnostic::error(
                                    "Invalid import address",
                                    "The \"to\" argument must name a resource instance.",
                                )
                                .with_subject(b.span),
                            );
                            continue;
                        }
                        None => continue,
                    };
                    let Some(id) = b.body.attributes.iter().find(|a| a.name == "id") else {
                        diags.push(
                            Diagnostic::error(
                                "Missing required argument",
                                "The argument \"id\" is required, but no definition was found.",
                            )
                            .with_subject(b.span),
                        );
                        continue;
                    };
                    out.imports.push(Import {
                        to,
                        id: ImportId::Expr(id.expr.clone()),
                        span: Some(b.span),
                    });
                }
                _ => {}
            }
        }
    }
    (out, diags)
}

/// Applies the moves to `state`; returns each moved instance's new address
/// with its previous one. A move whose destination already exists in the
/// state is left alone (the object there stays; Terraform does the same).
pub fn apply_moves(state: &mut State, moves: &[Move]) -> BTreeMap<AbsInstance, AbsInstance> {
    let mut moved = BTreeMap::new();
    for m in moves {
        for (from, to) in move_pairs(state, m) {
            if state.instance(&to).is_some() {
                continue;
            }
            let Some(provider) = state.resource(&from.resource).map(|r| r.provider.clone()) else {
                continue;
            };
            let Some(inst) = state.instance(&from).cloned() else {
                continue;
            };
            state.set_instance(&from, &provider, None, None);
            let each = match &to.key {
                InstanceKey::Int(_) => Some("list"),
                InstanceKey::Str(_) => Some("map"),
                InstanceKey::None => None,
            };
            let mut inst = inst;
            inst.index_key = to.key.to_json();
            state.set_instance(&to, &provider, each, Some(inst));
            let original = moved.remove(&from).unwrap_or(from);
            moved.insert(to, original);
        }
    }
    moved
}

/// The instance moves one statement makes in `state`.
fn move_pairs(state: &State, m: &Move) -> Vec<(AbsInstance, AbsInstance)> {
    let instances = state.instance_addresses();
    match (&m.from, &m.to) {
        (Target::Module(a), Target::Module(b)) => instances
            .into_iter()
            .filter(|i| i.resource.module.0.starts_with(&a.0))
            .map(|i| {
                let mut module = b.0.clone();
                module.extend(i.resource.module.0[a.0.len()..].iter().cloned());
                let to = AbsInstance {
                    resource: AbsResource {
                        module: ModuleInstance(module),
                        resource: i.resource.resource.clone(),
                    },
                    key: i.key.clone(),
                };
                (i, to)
            })
            .collect(),
        (Target::Resource(a), Target::Resource(b)) => instances
            .into_iter()
            .filter(|i| i.resource == *a)
            .map(|i| {
                let to = b.instance(i.key.clone());
                (i, to)
            })
            .collect(),
        (from, to) => {
            let one = |t: &Target| match t {
                Target::Instance(i) => Some(i.clone()),
                Target::Resource(r) => Some(r.instance(InstanceKey::None)),
                Target::Module(_) => None,
            };
            match (one(from), one(to)) {
                (Some(f), Some(t)) if instances.contains(&f) => vec![(f, t)],
                _ => Vec::new(),
            }
        }
    }
}

/// Whether a `removed` statement covers a resource instance.
pub fn removes(r: &Removed, addr: &AbsInstance) -> bool {
    match &r.from {
        Target::Module(m) => {
            addr.resource.module.0.len() >= m.0.len()
                && addr
                    .resource
                    .module
                    .0
                    .iter()
                    .zip(&m.0)
                    .all(|(a, b)| a.0 == b.0)
        }
        Target::Resource(res) => {
            addr.resource.resource == res.resource
                && addr
                    .resource
                    .module
                    .0
                    .iter()
                    .map(|x| &x.0)
                    .eq(res.module.0.iter().map(|x| &x.0))
        }
        Target::Instance(i) => *addr == *i,
    }
}
