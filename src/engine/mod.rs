//! The engine: plans and applies a module against its state through the
//! providers (Terraform's terraform.Context).
//!
//! Both phases walk the same graph of configuration objects (providers,
//! local values, resources, outputs, and resources only the state still
//! has) concurrently, bounded by `-parallelism`. Planning refreshes each
//! resource where it is visited; applying re-evaluates each resource's
//! configuration with the values its dependencies now have, and records
//! every change in the state the moment it happens, so that no object that
//! exists is ever missing from the state.

pub mod refactor;
pub mod scope;
pub mod variables;
pub mod walk;

use crate::addrs::{
    AbsInstance, AbsResource, InstanceKey, Mode, ModuleInstance, Resource as ResourceAddr, Target,
};
use crate::config::{Module, Resource};
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::lang::decode::decode_body;
use crate::lang::eval::Evaluator;
use crate::plans::{Action, ActionReason, OutputChange, Plan, PlanMode, ResourceChange};
use crate::states::{provider_address, InstanceState, OutputState, State};
use scope::{InstanceContext, RunScope, Values};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tfrs_provider::json::{from_json, to_json, to_json_typed};
use tfrs_provider::plan::unchanged;
use tfrs_provider::provider::{has_errors, ApplyRequest, BuiltinProvider, PlanRequest, Severity};
use tfrs_provider::{AttrPath, Provider, Schema, Type, Value};
use walk::{find_cycle, walk, Outcome};

static EXTRA_PROVIDERS: std::sync::OnceLock<Vec<&'static BuiltinProvider>> =
    std::sync::OnceLock::new();

/// Registers providers beyond the SDK-free ones of `tfrs-builtin`; the
/// `tfrs` binary registers the AWS provider this way, so that the library
/// (and its tests) need not link the AWS SDK.
pub fn register_providers(providers: Vec<&'static BuiltinProvider>) {
    let _ = EXTRA_PROVIDERS.set(providers);
}

/// Every provider built into this program.
pub fn builtin_providers() -> Vec<&'static BuiltinProvider> {
    let mut all: Vec<&'static BuiltinProvider> = tfrs_builtin::PROVIDERS.iter().collect();
    if let Some(extra) = EXTRA_PROVIDERS.get() {
        all.extend(extra.iter().copied());
    }
    all
}

pub struct RunOptions {
    pub parallelism: usize,
    pub refresh: bool,
    pub mode: PlanMode,
    pub targets: Vec<Target>,
    pub replace: Vec<AbsInstance>,
    pub workspace: String,
    /// Imports asked for on the command line (`tfrs import ADDR ID`);
    /// an address already in the state is an error for these.
    pub imports: Vec<(AbsInstance, String)>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            parallelism: 10,
            refresh: true,
            mode: PlanMode::Normal,
            targets: Vec::new(),
            replace: Vec::new(),
            workspace: "default".into(),
            imports: Vec::new(),
        }
    }
}

/// What the engine reports while it works; the CLI renders it and persists
/// state. Called from worker threads.
pub trait Hooks: Sync {
    fn pre_refresh(&self, _addr: &AbsInstance, _id: Option<&str>) {}
    fn pre_apply(&self, _addr: &AbsInstance, _action: Action, _id: Option<&str>) {}
    fn still_applying(&self, _addr: &AbsInstance, _action: Action, _elapsed: Duration) {}
    fn post_apply(
        &self,
        _addr: &AbsInstance,
        _action: Action,
        _id: Option<&str>,
        _elapsed: Duration,
        _ok: bool,
    ) {
    }
    /// An import being planned (`Preparing import... [id=...]`).
    fn import_prepare(&self, _addr: &AbsInstance, _id: &str) {}
    /// An import being recorded during apply, before and after (`done`).
    fn import_step(&self, _addr: &AbsInstance, _id: &str, _done: bool) {}
    /// The state changed; implementations persist it.
    fn state_changed(&self, _state: &State) {}
}

/// Hooks that do nothing, for tests and plans.
pub struct NoHooks;
impl Hooks for NoHooks {}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    Provider(String),
    /// A module call, by its static path: expands its instances and
    /// evaluates their input variables.
    Call(ModPath),
    Local(ModPath, String),
    /// A resource of the configuration, by module path and config key.
    Resource(ModPath, String),
    Output(ModPath, String),
    /// A resource only the state has (or, destroying, every resource).
    Orphan(AbsResource),
}

struct ProviderSlot {
    provider: Arc<dyn Provider>,
    source: &'static str,
}

/// A module's static path: the call names from the root (empty for the
/// root module).
type ModPath = Vec<String>;

/// Where a node is evaluated: a module instance and its configuration.
struct At<'m> {
    path: &'m [String],
    mi: ModuleInstance,
    m: &'m Module,
}

pub struct Engine<'a> {
    /// The root module.
    module: &'a Module,
    /// Every module of the configuration by static path, the root first.
    modules: BTreeMap<ModPath, &'a Module>,
    opts: &'a RunOptions,
    hooks: &'a dyn Hooks,
    stop: &'a AtomicBool,
    providers: BTreeMap<String, ProviderSlot>,
    nodes: Vec<Node>,
    deps: Vec<Vec<usize>>,
    /// `moved`, `removed` and `import` blocks.
    statements: refactor::Statements,
}

/// The provider local name a resource type belongs to: `aws_s3_bucket` →
/// `aws`.
fn implied_provider(type_name: &str) -> &str {
    type_name.split('_').next().unwrap_or(type_name)
}

fn diag_error(
    summary: impl Into<String>,
    detail: impl Into<String>,
    span: Option<Span>,
) -> Diagnostics {
    let mut d = Diagnostic::error(summary, detail);
    d.subject = span;
    d.into()
}

impl<'a> Engine<'a> {
    /// Prepares a run: instantiates the providers the configuration and the
    /// state need, and builds the dependency graph.
    pub fn new(
        module: &'a Module,
        state: &State,
        opts: &'a RunOptions,
        hooks: &'a dyn Hooks,
        stop: &'a AtomicBool,
    ) -> Result<Engine<'a>, Diagnostics> {
        let mut e = Engine {
            module,
            modules: BTreeMap::new(),
            opts,
            hooks,
            stop,
            providers: BTreeMap::new(),
            nodes: Vec::new(),
            deps: Vec::new(),
            statements: refactor::Statements::default(),
        };
        collect_modules(module, &mut Vec::new(), &mut e.modules);
        let (statements, d) = refactor::statements(&e.modules);
        if d.has_errors() {
            return Err(d);
        }
        e.statements = statements;
        let mut state = state.clone();
        refactor::apply_moves(&mut state, &e.statements.moves);
        e.instantiate_providers(&state)?;
        e.build_graph(&state)?;
        Ok(e)
    }

    /// The module call that makes the module at `path` (not the root).
    fn call_at(&self, path: &[String]) -> &'a crate::config::ModuleCall {
        let (name, parent) = path.split_last().expect("a child module path");
        &self.modules[parent].module_calls[name]
    }

    /// The root provider configuration a resource at `path` uses: its
    /// provider key, passed down through each call's `providers` map, or
    /// inherited by name.
    fn provider_key_of(&self, path: &[String], r: &Resource) -> String {
        let mut key = local_provider_key(r);
        let mut path = path;
        while let Some((_, parent)) = path.split_last() {
            let call = self.call_at(path);
            if let Some((_, given)) = call.providers.iter().find(|(child, _)| *child == key) {
                key = given.clone();
            }
            path = parent;
        }
        key
    }
}

/// The provider key a resource names in its own module: `aws`, `aws.west`.
fn local_provider_key(r: &Resource) -> String {
    match r.provider.as_ref().and_then(|p| p.as_traversal()) {
        Some(t) => {
            let alias = t.steps.first().and_then(|s| match s {
                crate::syntax::ast::Step::Attr(a) => Some(a.clone()),
                _ => None,
            });
            match alias {
                Some(a) => format!("{}.{a}", t.root),
                None => t.root,
            }
        }
        None => implied_provider(&r.type_name).to_string(),
    }
}

/// Adds `m` and, recursively, the modules it calls to `out`.
fn collect_modules<'a>(m: &'a Module, path: &mut ModPath, out: &mut BTreeMap<ModPath, &'a Module>) {
    out.insert(path.clone(), m);
    for (name, child) in &m.children {
        path.push(name.clone());
        collect_modules(child, path, out);
        path.pop();
    }
}

/// `module.a.module.b.` for the static path `[a, b]`.
fn path_prefix(path: &[String]) -> String {
    path.iter().map(|n| format!("module.{n}.")).collect()
}

/// The static path of a module instance.
fn static_path(mi: &ModuleInstance) -> ModPath {
    mi.0.iter().map(|(n, _)| n.clone()).collect()
}

impl<'a> Engine<'a> {
    fn instantiate_providers(&mut self, state: &State) -> Result<(), Diagnostics> {
        let mut wanted: BTreeMap<String, Option<Span>> = BTreeMap::new();
        let mut diags = Diagnostics::new();
        for (path, m) in &self.modules {
            for r in m.resources.values() {
                wanted
                    .entry(self.provider_key_of(path, r))
                    .or_insert(Some(r.decl_span));
            }
            if !path.is_empty() {
                for p in &m.providers {
                    diags.extend(diag_error(
                        "Provider configuration in a child module",
                        format!(
                            "The module {} configures provider {:?} itself. tfrs takes provider configurations from the root module only: move this block to the root module and pass it in with the module call's \"providers\" argument.",
                            path_prefix(path).trim_end_matches('.'),
                            p.name
                        ),
                        Some(p.span),
                    ));
                }
            }
        }
        for p in &self.module.providers {
            let key = match &p.alias {
                Some(a) => format!("{}.{a}", p.name),
                None => p.name.clone(),
            };
            wanted.entry(key).or_insert(Some(p.span));
        }
        for r in &state.resources {
            wanted
                .entry(state_provider_key(&r.provider))
                .or_insert(None);
        }
        let builtins = builtin_providers();
        for (key, span) in wanted {
            let name = key.split('.').next().unwrap_or(&key);
            match builtins.iter().find(|b| b.name == name) {
                Some(b) => {
                    self.providers.insert(
                        key.clone(),
                        ProviderSlot {
                            provider: Arc::from((b.new)()),
                            source: b.source,
                        },
                    );
                }
                None => {
                    let names: Vec<&str> = builtins.iter().map(|b| b.name).collect();
                    diags.extend(diag_error(
                        "Unknown provider",
                        format!(
                            "The configuration needs the provider {name:?}, which is not built into tfrs. The built-in providers are: {}.",
                            names.join(", ")
                        ),
                        span,
                    ));
                }
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(())
    }

    /// Whether the configuration has the resource at `addr`'s static place.
    fn in_config(&self, addr: &AbsResource) -> bool {
        self.modules
            .get(&static_path(&addr.module))
            .is_some_and(|m| m.resources.contains_key(&addr.resource.to_string()))
    }

    fn build_graph(&mut self, state: &State) -> Result<(), Diagnostics> {
        let destroying = self.opts.mode == PlanMode::Destroy;
        let mut nodes: Vec<Node> = Vec::new();
        nodes.extend(self.providers.keys().map(|k| Node::Provider(k.clone())));
        if !destroying {
            for (path, m) in &self.modules {
                if !path.is_empty() {
                    nodes.push(Node::Call(path.clone()));
                }
                nodes.extend(
                    m.locals
                        .keys()
                        .map(|k| Node::Local(path.clone(), k.clone())),
                );
                nodes.extend(
                    m.resources
                        .keys()
                        .map(|k| Node::Resource(path.clone(), k.clone())),
                );
                nodes.extend(
                    m.outputs
                        .keys()
                        .map(|k| Node::Output(path.clone(), k.clone())),
                );
            }
        }
        for r in &state.resources {
            let addr = r.address();
            let in_config = !destroying && self.in_config(&addr);
            if !in_config && !nodes.contains(&Node::Orphan(addr.clone())) {
                nodes.push(Node::Orphan(addr));
            }
        }
        let index: BTreeMap<Node, usize> = nodes
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, n)| (n, i))
            .collect();
        let modules = &self.modules;
        let mut deps: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); nodes.len()];
        // The nodes a reference in the module at `path` needs.
        let ref_nodes = |path: &[String], t: &crate::syntax::ast::Traversal| -> Vec<Node> {
            let attr = |i: usize| match t.steps.get(i) {
                Some(crate::syntax::ast::Step::Attr(a)) => Some(a.clone()),
                _ => None,
            };
            let here = path.to_vec();
            match t.root.as_str() {
                "path" | "terraform" | "count" | "each" | "self" => Vec::new(),
                "var" if path.is_empty() => Vec::new(),
                "var" => vec![Node::Call(here)],
                "local" => attr(0).map(|n| Node::Local(here, n)).into_iter().collect(),
                "module" => {
                    let Some(name) = attr(0) else {
                        return Vec::new();
                    };
                    let mut child = here;
                    child.push(name);
                    let Some(cm) = modules.get(&child) else {
                        return Vec::new();
                    };
                    let mut out = vec![Node::Call(child.clone())];
                    match attr(1).filter(|o| cm.outputs.contains_key(o)) {
                        Some(o) => out.push(Node::Output(child, o)),
                        None => out.extend(
                            cm.outputs
                                .keys()
                                .map(|o| Node::Output(child.clone(), o.clone())),
                        ),
                    }
                    out
                }
                "data" => match (attr(0), attr(1)) {
                    (Some(a), Some(b)) => vec![Node::Resource(here, format!("data.{a}.{b}"))],
                    _ => Vec::new(),
                },
                other => attr(0)
                    .map(|a| Node::Resource(here, format!("{other}.{a}")))
                    .into_iter()
                    .collect(),
            }
        };
        for (i, n) in nodes.iter().enumerate() {
            let mut refs = Vec::new();
            // The module whose scope the references are evaluated in.
            let mut ref_path: &[String] = &[];
            match n {
                Node::Provider(key) => {
                    if let Some(p) = self
                        .module
                        .providers
                        .iter()
                        .find(|p| provider_block_key(p) == *key)
                    {
                        body_traversals(&p.body, &mut refs);
                    }
                }
                Node::Call(path) => {
                    let call = self.call_at(path);
                    ref_path = &path[..path.len() - 1];
                    for e in call
                        .count
                        .iter()
                        .chain(call.for_each.iter())
                        .chain(call.depends_on.iter())
                        .chain(call.inputs.iter().map(|a| &a.expr))
                    {
                        refs.extend(e.traversals());
                    }
                    if let Some(j) = index.get(&Node::Call(ref_path.to_vec())) {
                        deps[i].insert(*j);
                    }
                }
                Node::Local(path, name) => {
                    ref_path = path;
                    refs.extend(modules[path].locals[name].expr.traversals());
                }
                Node::Resource(path, key) => {
                    ref_path = path;
                    let r = &modules[path].resources[key];
                    body_traversals(&r.body, &mut refs);
                    let lc = &r.lifecycle;
                    for e in r
                        .count
                        .iter()
                        .chain(r.for_each.iter())
                        .chain(r.depends_on.iter())
                        .chain(lc.replace_triggered_by.iter())
                        .chain(
                            lc.preconditions
                                .iter()
                                .chain(lc.postconditions.iter())
                                .flat_map(|c| [&c.condition, &c.error_message]),
                        )
                    {
                        refs.extend(e.traversals());
                    }
                    if let Some(p) = index.get(&Node::Provider(self.provider_key_of(path, r))) {
                        deps[i].insert(*p);
                    }
                }
                Node::Output(path, name) => {
                    ref_path = path;
                    let o = &modules[path].outputs[name];
                    for e in o.expr.iter().chain(o.depends_on.iter()) {
                        refs.extend(e.traversals());
                    }
                }
                Node::Orphan(addr) => {
                    if let Some(rs) = state.resource(addr) {
                        if let Some(p) =
                            index.get(&Node::Provider(state_provider_key(&rs.provider)))
                        {
                            deps[i].insert(*p);
                        }
                    }
                    // Its module's instances are known first (the reason
                    // for deleting names whether the module still exists).
                    if let Some(j) = index.get(&Node::Call(static_path(&addr.module))) {
                        deps[i].insert(*j);
                    }
                    // Destroy what depends on this first.
                    let me = config_address(addr);
                    for other in &state.resources {
                        if other
                            .instances
                            .iter()
                            .any(|inst| inst.dependencies.contains(&me))
                        {
                            let oa = other.address();
                            let on = if !destroying && self.in_config(&oa) {
                                Node::Resource(static_path(&oa.module), oa.resource.to_string())
                            } else {
                                Node::Orphan(oa)
                            };
                            if let Some(j) = index.get(&on) {
                                if *j != i {
                                    deps[i].insert(*j);
                                }
                            }
                        }
                    }
                }
            }
            // Everything in a called module waits for its call (its
            // variables, and the call's depends_on).
            if let Node::Local(path, _) | Node::Resource(path, _) | Node::Output(path, _) = n {
                if let Some(j) = index.get(&Node::Call(path.clone())) {
                    deps[i].insert(*j);
                }
            }
            for t in refs {
                for target in ref_nodes(ref_path, &t) {
                    if let Some(j) = index.get(&target) {
                        if *j != i {
                            deps[i].insert(*j);
                        }
                    }
                }
            }
        }
        let deps: Vec<Vec<usize>> = deps.into_iter().map(|s| s.into_iter().collect()).collect();
        if let Some(cycle) = find_cycle(&deps) {
            let names: Vec<String> = cycle.iter().map(|&i| node_name(&nodes[i])).collect();
            return Err(diag_error(format!("Cycle: {}", names.join(", ")), "", None));
        }
        self.nodes = nodes;
        self.deps = deps;
        Ok(())
    }

    fn provider_for_key(&self, key: &str) -> &ProviderSlot {
        &self.providers[key]
    }

    fn schema_of(
        &self,
        provider_key: &str,
        mode: Mode,
        type_name: &str,
        span: Option<Span>,
    ) -> Result<&Schema, Diagnostics> {
        let p = &self.provider_for_key(provider_key).provider;
        let schemas = match mode {
            Mode::Managed => &p.schema().resources,
            Mode::Data => &p.schema().data_sources,
        };
        schemas.get(type_name).ok_or_else(|| {
            let names: Vec<&str> = schemas.keys().map(String::as_str).collect();
            let kind = if mode == Mode::Managed {
                "resource type"
            } else {
                "data source"
            };
            let detail = match crate::util::did_you_mean(type_name, &names) {
                Some(s) => format!(
                    "The provider {} does not support {kind} {type_name:?}. Did you mean {s:?}?",
                    p.name()
                ),
                None => format!(
                    "The provider {} does not support {kind} {type_name:?}.",
                    p.name()
                ),
            };
            let summary = if mode == Mode::Managed {
                "Invalid resource type"
            } else {
                "Invalid data source"
            };
            diag_error(summary, detail, span)
        })
    }

    /// Makes a plan. `state` is the prior state; it is refreshed as the
    /// walk goes, and becomes the plan's `prior_state`.
    pub fn plan(&self, state: &State, variables: BTreeMap<String, Value>) -> (Plan, Diagnostics) {
        let mut state = state.clone();
        let moved = refactor::apply_moves(&mut state, &self.statements.moves);
        let mut run = self.new_run(variables.clone(), state, None);
        run.moved = moved;
        let invalid = variables::check_validations(self.module, &run.root_scope());
        let outcomes = if invalid.has_errors() {
            run.report(invalid);
            Vec::new()
        } else {
            run.report(invalid);
            self.walk_run(&run, |r, n| r.plan_node(n))
        };
        let mut diags = run.diags.into_inner().expect("diags lock");
        if outcomes.contains(&Outcome::Skipped)
            && self.stop.load(std::sync::atomic::Ordering::SeqCst)
        {
            diags.push(Diagnostic::error(
                "Operation cancelled",
                "The plan was interrupted.",
            ));
        }
        let mut changes = run.changes.into_inner().expect("changes lock");
        changes.sort_by(|a, b| (&a.addr, &a.deposed).cmp(&(&b.addr, &b.deposed)));
        if let Some(w) = forget_warning(&changes) {
            diags.push(w);
        }
        let mut drift = run.drift.into_inner().expect("drift lock");
        drift.sort_by(|a, b| a.addr.cmp(&b.addr));
        let mut output_changes = run.output_changes.into_inner().expect("outputs lock");
        output_changes.sort_by(|a, b| a.name.cmp(&b.name));
        let plan = Plan {
            mode: self.opts.mode,
            changes,
            output_changes,
            drift,
            prior_state: run.state.into_inner().expect("state lock"),
            variables,
            targets: self.opts.targets.iter().map(|t| t.to_string()).collect(),
            errored: diags.has_errors(),
            timestamp: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        };
        (plan, diags)
    }

    /// Applies `plan`; returns the new state (also reported through
    /// `Hooks::state_changed` after every change).
    pub fn apply(&self, plan: &Plan) -> (State, Diagnostics) {
        let mut state = plan.prior_state.clone();
        if state.lineage.is_empty() {
            state.lineage = crate::states::new_lineage();
        }
        let run = self.new_run(plan.variables.clone(), state, Some(plan));
        let outcomes = self.walk_run(&run, |r, n| r.apply_node(n));
        let deferred = run.destroy_deferred();
        let mut diags = run.diags.into_inner().expect("diags lock");
        diags.extend(deferred);
        let mut state = run.state.into_inner().expect("state lock");
        if outcomes.contains(&Outcome::Skipped)
            && self.stop.load(std::sync::atomic::Ordering::SeqCst)
        {
            diags.push(Diagnostic::error(
                "Operation cancelled",
                "The apply was interrupted: changes already made are recorded in the state; run apply again to finish.",
            ));
        }
        if let Some(w) = forget_warning(&plan.changes) {
            diags.push(w);
        }
        if self.opts.mode == PlanMode::Destroy {
            state.outputs.clear();
        } else if !diags.has_errors() || outcomes.iter().all(|o| *o != Outcome::Skipped) {
            let values = run.values.read().expect("values lock");
            let no_outputs = BTreeMap::new();
            state.outputs = values
                .root()
                .map(|r| &r.outputs)
                .unwrap_or(&no_outputs)
                .iter()
                .filter(|(_, v)| v.is_wholly_known() && !v.is_null())
                .map(|(k, v)| {
                    let sensitive = v.contains_sensitive()
                        || self.module.outputs.get(k).is_some_and(|o| o.sensitive);
                    (
                        k.clone(),
                        OutputState {
                            value: to_json(v),
                            ty: v.ty().to_json(),
                            sensitive,
                        },
                    )
                })
                .collect();
        }
        self.hooks.state_changed(&state);
        (state, diags)
    }

    fn new_run<'e>(
        &'e self,
        variables: BTreeMap<String, Value>,
        state: State,
        planned: Option<&'e Plan>,
    ) -> Run<'e, 'a> {
        Run {
            engine: self,
            values: RwLock::new(Values::with_root_variables(variables)),
            state: Mutex::new(state),
            changes: Mutex::new(Vec::new()),
            drift: Mutex::new(Vec::new()),
            output_changes: Mutex::new(Vec::new()),
            diags: Mutex::new(Diagnostics::new()),
            planned,
            pending: Mutex::new(BTreeSet::new()),
            moved: BTreeMap::new(),
            deferred_deletes: Mutex::new(Vec::new()),
        }
    }

    /// Walks the graph with `phase` (planning or applying) for the nodes in
    /// scope of `-target`; the others keep their values from the state.
    fn walk_run<F>(&self, run: &Run<'_, 'a>, phase: F) -> Vec<Outcome>
    where
        F: Fn(&Run<'_, 'a>, &Node) -> bool + Sync,
    {
        let targeted = self.targeted_nodes();
        walk(&self.deps, self.opts.parallelism, self.stop, |i| {
            if targeted.contains(&i) {
                phase(run, &self.nodes[i])
            } else {
                run.skip_untargeted(&self.nodes[i])
            }
        })
    }

    /// Nodes that run: all without `-target`; else the targets and what
    /// they depend on.
    fn targeted_nodes(&self) -> BTreeSet<usize> {
        if self.opts.targets.is_empty() {
            return (0..self.nodes.len()).collect();
        }
        let mut out = BTreeSet::new();
        let mut stack: Vec<usize> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| match n {
                Node::Resource(path, key) => {
                    let r = &self.modules[path].resources[key];
                    let rel = relative_resource(r);
                    self.opts.targets.iter().any(|t| match t {
                        Target::Module(m) => path.starts_with(&static_path(m)),
                        Target::Resource(x) => static_path(&x.module) == *path && x.resource == rel,
                        Target::Instance(x) => {
                            static_path(&x.resource.module) == *path && x.resource.resource == rel
                        }
                    })
                }
                Node::Orphan(addr) => self.opts.targets.iter().any(|t| match t {
                    Target::Module(m) => addr.module.0.starts_with(&m.0),
                    Target::Resource(x) => x == addr,
                    Target::Instance(x) => x.resource == *addr,
                }),
                _ => false,
            })
            .map(|(i, _)| i)
            .collect();
        while let Some(i) = stack.pop() {
            if out.insert(i) {
                stack.extend(self.deps[i].iter().copied());
            }
        }
        out
    }
}

/// A reference as its root name and steps: attribute names, or index
/// expressions (`aws_x.y[count.index].id`).
fn reference_chain(
    e: &crate::syntax::ast::Expr,
) -> Option<(String, Vec<Result<String, &crate::syntax::ast::Expr>>)> {
    use crate::syntax::ast::ExprKind;
    match &e.kind {
        ExprKind::Variable(n) => Some((n.clone(), Vec::new())),
        ExprKind::GetAttr(inner, a) => {
            let (r, mut v) = reference_chain(inner)?;
            v.push(Ok(a.clone()));
            Some((r, v))
        }
        ExprKind::Index(inner, k) => {
            let (r, mut v) = reference_chain(inner)?;
            v.push(Err(k.as_ref()));
            Some((r, v))
        }
        _ => None,
    }
}

/// Terraform's warning when a plan forgets objects (`removed` blocks with
/// `destroy = false`).
fn forget_warning(changes: &[ResourceChange]) -> Option<Diagnostic> {
    let forgotten: Vec<String> = changes
        .iter()
        .filter(|c| c.action == Action::Forget)
        .map(|c| format!(" - {}", c.addr))
        .collect();
    if forgotten.is_empty() {
        return None;
    }
    Some(Diagnostic::warning(
        "Some objects will no longer be managed by Terraform",
        format!(
            "If you apply this plan, Terraform will discard its tracking information for the following objects, but it will not delete them:\n{}\n\nAfter applying this plan, Terraform will no longer manage these objects. You will need to import them into Terraform to manage them again.",
            forgotten.join("\n")
        ),
    ))
}

fn provider_block_key(p: &crate::config::ProviderConfig) -> String {
    match &p.alias {
        Some(a) => format!("{}.{a}", p.name),
        None => p.name.clone(),
    }
}

/// `provider["registry.terraform.io/hashicorp/aws"].west` → `aws.west`.
fn state_provider_key(addr: &str) -> String {
    let inner = addr.trim_start_matches("provider[\"");
    let (source, rest) = inner.split_once("\"]").unwrap_or((inner, ""));
    let name = source.rsplit('/').next().unwrap_or(source);
    match rest.strip_prefix('.') {
        Some(alias) if !alias.is_empty() => format!("{name}.{alias}"),
        _ => name.to_string(),
    }
}

fn node_name(n: &Node) -> String {
    match n {
        Node::Provider(k) => format!("provider[\"{k}\"]"),
        Node::Call(p) => format!("{} (expand)", path_prefix(p).trim_end_matches('.')),
        Node::Local(p, l) => format!("{}local.{l} (expand)", path_prefix(p)),
        Node::Resource(p, r) => format!("{}{r} (expand)", path_prefix(p)),
        Node::Output(p, o) => format!("{}output.{o} (expand)", path_prefix(p)),
        Node::Orphan(a) => format!("{a} (orphan)"),
    }
}

fn body_traversals(body: &crate::syntax::ast::Body, out: &mut Vec<crate::syntax::ast::Traversal>) {
    for a in &body.attributes {
        out.extend(a.expr.traversals());
    }
    for b in &body.blocks {
        body_traversals(&b.body, out);
    }
}

fn relative_resource(r: &Resource) -> ResourceAddr {
    ResourceAddr {
        mode: r.mode,
        type_name: r.type_name.clone(),
        name: r.name.clone(),
    }
}

fn abs_resource(mi: &ModuleInstance, r: &Resource) -> AbsResource {
    AbsResource {
        module: mi.clone(),
        resource: relative_resource(r),
    }
}

/// A resource's address in the configuration, without instance keys
/// (`module.net.aws_vpc.main`): the form of state `dependencies`.
fn config_address(addr: &AbsResource) -> String {
    format!(
        "{}{}",
        path_prefix(&static_path(&addr.module)),
        addr.resource
    )
}

/// The instances a `count` or `for_each` makes (of a resource or a module
/// call): keys and their `count`/`each` context.
fn expand_repetition(
    count: Option<&crate::syntax::ast::Expr>,
    for_each: Option<&crate::syntax::ast::Expr>,
    scope: &RunScope,
) -> Result<Vec<Expanded>, Diagnostics> {
    if let Some(c) = count {
        let v = Evaluator::new(scope).eval(c)?;
        let v = v.unmark().0;
        if !v.is_known() {
            return Err(diag_error(
                "Invalid count argument",
                "The \"count\" value depends on resource attributes that cannot be determined until apply, so Terraform cannot predict how many instances will be created. To work around this, use the -target argument to first apply only the resources that the count depends on.",
                Some(c.span),
            ));
        }
        let n = match tfrs_provider::convert::convert(&v, &Type::Number) {
            Ok(Value::Number(n)) if n.is_integer() && !n.is_negative() => n.to_i64().unwrap_or(0),
            Ok(Value::Null(_)) => {
                return Err(diag_error(
                    "Invalid count argument",
                    "The given \"count\" argument value is null. An integer is required.",
                    Some(c.span),
                ))
            }
            _ => {
                return Err(diag_error(
                    "Invalid count argument",
                    "The given \"count\" argument value is unsuitable: must be a whole number greater than or equal to zero.",
                    Some(c.span),
                ))
            }
        };
        return Ok((0..n)
            .map(|i| Expanded {
                key: InstanceKey::Int(i),
                ctx: InstanceContext {
                    count_index: Some(i),
                    ..InstanceContext::default()
                },
            })
            .collect());
    }
    if let Some(fe) = for_each {
        let v = Evaluator::new(scope).eval(fe)?;
        if v.is_sensitive() {
            return Err(diag_error(
                "Invalid for_each argument",
                "Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments. If used, the sensitive value could be exposed as a resource instance key.",
                Some(fe.span),
            ));
        }
        if !v.is_known() || v.elements().is_some_and(|e| !e.iter().all(Value::is_known)) {
            return Err(diag_error(
                "Invalid for_each argument",
                "The \"for_each\" map includes keys derived from resource attributes that cannot be determined until apply, and so Terraform cannot determine the full set of keys that will identify the instances of this resource.\n\nWhen working with unknown values in for_each, it's better to define the map keys statically in your configuration and place apply-time results only in the map values.\n\nAlternatively, you could use the -target planning option to first apply only the resources that the for_each value depends on, and then apply a second time to fully converge.",
                Some(fe.span),
            ));
        }
        let pairs: Vec<(String, Value)> = match &v {
            Value::Map(_, m) | Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Value::Set(Type::String, vs) => vs
                .iter()
                .filter_map(|x| x.as_str().map(|s| (s.to_string(), x.clone())))
                .collect(),
            Value::Null(_) => {
                return Err(diag_error(
                    "Invalid for_each argument",
                    "The given \"for_each\" argument value is unsuitable: the given \"for_each\" argument value is null. A map, or set of strings is allowed.",
                    Some(fe.span),
                ))
            }
            other => {
                return Err(diag_error(
                    "Invalid for_each argument",
                    format!(
                        "The given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type {}.",
                        other.ty().friendly_name()
                    ),
                    Some(fe.span),
                ))
            }
        };
        return Ok(pairs
            .into_iter()
            .map(|(k, v)| Expanded {
                key: InstanceKey::Str(k.clone()),
                ctx: InstanceContext {
                    each: Some((k, v)),
                    ..InstanceContext::default()
                },
            })
            .collect());
    }
    Ok(vec![Expanded {
        key: InstanceKey::None,
        ctx: InstanceContext::default(),
    }])
}

/// The state of one walk (plan or apply).
struct Run<'e, 'a> {
    engine: &'e Engine<'a>,
    values: RwLock<Values>,
    state: Mutex<State>,
    changes: Mutex<Vec<ResourceChange>>,
    drift: Mutex<Vec<ResourceChange>>,
    output_changes: Mutex<Vec<OutputChange>>,
    diags: Mutex<Diagnostics>,
    /// The plan being applied; `None` while planning.
    planned: Option<&'e Plan>,
    /// Config keys of resources with pending changes (data sources that
    /// depend on them are read during apply).
    pending: Mutex<BTreeSet<String>>,
    /// Instances `moved` blocks moved: new address → previous address.
    moved: BTreeMap<AbsInstance, AbsInstance>,
    /// Deposed objects to destroy once the walk is over.
    deferred_deletes: Mutex<Vec<DeferredDelete>>,
}

/// A deposed object whose destruction waits for the end of the walk.
struct DeferredDelete {
    addr: AbsInstance,
    deposed: String,
    prior: Value,
    prior_inst: Option<InstanceState>,
    provider_addr: String,
    mode: Mode,
    type_name: String,
    span: Span,
}

/// An instance to evaluate: its key and `count`/`each` context.
struct Expanded {
    key: InstanceKey,
    ctx: InstanceContext,
}

impl<'e, 'a> Run<'e, 'a> {
    fn report(&self, mut d: Diagnostics) {
        for m in self.engine.modules.values() {
            m.add_context(&mut d);
        }
        self.diags.lock().expect("diags lock").extend(d);
    }

    fn scope<'s>(&'s self, at: &At<'s>, ctx: InstanceContext) -> RunScope<'s> {
        RunScope {
            module: at.m,
            inst: at.mi.clone(),
            values: &self.values,
            instance: ctx,
            workspace: &self.engine.opts.workspace,
        }
    }

    fn root_scope(&self) -> RunScope<'_> {
        RunScope {
            module: self.engine.module,
            inst: ModuleInstance::root(),
            values: &self.values,
            instance: InstanceContext::default(),
            workspace: &self.engine.opts.workspace,
        }
    }

    /// The module instances at a static path (known once its call ran).
    fn places<'p>(&self, path: &'p [String]) -> Vec<At<'p>>
    where
        'a: 'p,
    {
        let m: &'a Module = self.engine.modules[path];
        let insts = if path.is_empty() {
            vec![ModuleInstance::root()]
        } else {
            self.values
                .read()
                .expect("values lock")
                .expansions
                .get(path)
                .cloned()
                .unwrap_or_default()
        };
        insts.into_iter().map(|mi| At { path, mi, m }).collect()
    }

    fn set_resource_value(&self, at: &At, key: &str, v: Value) {
        self.values
            .write()
            .expect("values lock")
            .module_mut(&at.mi)
            .resources
            .insert(key.to_string(), v);
    }

    /// State resources of the config resource `key` at `path` in module
    /// instances that no longer exist (a module's count or for_each shrank).
    fn stale_instances(&self, path: &[String], key: &str) -> Vec<AbsResource> {
        if path.is_empty() {
            return Vec::new();
        }
        let current: BTreeSet<ModuleInstance> =
            self.places(path).into_iter().map(|a| a.mi).collect();
        let state = self.state.lock().expect("state lock");
        state
            .resources
            .iter()
            .map(|r| r.address())
            .filter(|a| {
                static_path(&a.module) == path
                    && a.resource.to_string() == key
                    && !current.contains(&a.module)
            })
            .collect()
    }

    /// Persists the newest state. The state lock is held while writing, so
    /// that an older snapshot can never overwrite a newer one.
    fn persist_current(&self) {
        let state = self.state.lock().expect("state lock");
        self.engine.hooks.state_changed(&state);
    }

    /// Nodes outside `-target`: their values come from the state as it is.
    fn skip_untargeted(&self, node: &Node) -> bool {
        match node {
            // Module instances are still known (resources in them are
            // addressed by them).
            Node::Call(path) => {
                let _ = self.eval_call(path);
            }
            Node::Resource(path, key) => {
                for at in self.places(path) {
                    self.resource_from_state(&at, key);
                }
            }
            _ => {}
        }
        true
    }

    fn resource_from_state(&self, at: &At, key: &str) {
        let r = &at.m.resources[key];
        let addr = abs_resource(&at.mi, r);
        let pk = self.engine.provider_key_of(at.path, r);
        let Ok(schema) = self.engine.schema_of(&pk, r.mode, &r.type_name, None) else {
            return;
        };
        let ty = schema.block.value_type();
        let mut instances = BTreeMap::new();
        {
            let state = self.state.lock().expect("state lock");
            if let Some(rs) = state.resource(&addr) {
                for inst in rs.instances.iter().filter(|i| i.deposed.is_none()) {
                    let key = InstanceKey::from_json(inst.index_key.as_ref());
                    if let Ok(v) = from_json(&inst.attributes, &ty) {
                        instances.insert(key, v);
                    }
                }
            }
        }
        self.set_resource_value(at, key, assemble(r, instances));
    }

    fn plan_node(&self, node: &Node) -> bool {
        let r = match node {
            Node::Provider(key) => self.configure_provider(key),
            Node::Call(path) => self.eval_call(path),
            Node::Local(path, name) => self.eval_local(path, name),
            Node::Resource(path, key) => self.plan_resource(path, key),
            Node::Output(path, name) => self.plan_output(path, name),
            Node::Orphan(addr) => self.plan_orphan(addr),
        };
        match r {
            Ok(()) => true,
            Err(d) => {
                self.report(d);
                false
            }
        }
    }

    fn apply_node(&self, node: &Node) -> bool {
        let r = match node {
            Node::Provider(key) => self.configure_provider(key),
            Node::Call(path) => self.eval_call(path),
            Node::Local(path, name) => self.eval_local(path, name),
            Node::Resource(path, key) => self.apply_resource(path, key),
            Node::Output(path, name) => self.plan_output(path, name),
            Node::Orphan(addr) => self.apply_orphan(addr),
        };
        match r {
            Ok(()) => true,
            Err(d) => {
                self.report(d);
                false
            }
        }
    }

    fn configure_provider(&self, key: &str) -> Result<(), Diagnostics> {
        let e = self.engine;
        let slot = e.provider_for_key(key);
        let schema = &slot.provider.schema().provider.block;
        let block = e
            .module
            .providers
            .iter()
            .find(|p| provider_block_key(p) == key);
        let config = match block {
            Some(p) => {
                let mut body = p.body.clone();
                body.attributes
                    .retain(|a| a.name != "alias" && a.name != "version");
                let scope = self.root_scope();
                let mut ev = Evaluator::new(&scope);
                decode_body(&mut ev, &body, schema, p.span)?
            }
            None => {
                let scope = self.root_scope();
                let mut ev = Evaluator::new(&scope);
                decode_body(
                    &mut ev,
                    &crate::syntax::ast::Body::default(),
                    schema,
                    Span::default(),
                )?
            }
        };
        let diags = slot.provider.configure(&config);
        provider_diags(diags, block.map(|p| p.span))
    }

    fn eval_local(&self, path: &[String], name: &str) -> Result<(), Diagnostics> {
        for at in self.places(path) {
            let l = &at.m.locals[name];
            let scope = self.scope(&at, InstanceContext::default());
            let v = Evaluator::new(&scope).eval(&l.expr)?;
            self.values
                .write()
                .expect("values lock")
                .module_mut(&at.mi)
                .locals
                .insert(name.to_string(), v);
        }
        Ok(())
    }

    /// Expands a module call's instances in each instance of its parent
    /// and evaluates their input variables.
    fn eval_call(&self, path: &[String]) -> Result<(), Diagnostics> {
        let (name, parent) = path.split_last().expect("a child module path");
        let call = self.engine.call_at(path);
        let child = self.engine.modules[path];
        let mut instances = Vec::new();
        let mut diags = Diagnostics::new();
        for at in self.places(parent) {
            let scope = self.scope(&at, InstanceContext::default());
            let repetition =
                expand_repetition(call.count.as_ref(), call.for_each.as_ref(), &scope)?;
            for x in repetition {
                let mi = at.mi.child(name, x.key);
                let scope = self.scope(&at, x.ctx);
                match variables::module_call_inputs(child, call, &scope) {
                    Ok(vars) => {
                        self.values
                            .write()
                            .expect("values lock")
                            .module_mut(&mi)
                            .variables = vars;
                        let child_at = At {
                            path,
                            mi: mi.clone(),
                            m: child,
                        };
                        let child_scope = self.scope(&child_at, InstanceContext::default());
                        diags.extend(variables::check_validations(child, &child_scope));
                    }
                    Err(d) => diags.extend(d),
                }
                instances.push(mi);
            }
        }
        self.values
            .write()
            .expect("values lock")
            .expansions
            .insert(path.to_vec(), instances);
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(())
    }

    fn plan_output(&self, path: &[String], name: &str) -> Result<(), Diagnostics> {
        for at in self.places(path) {
            let o = &at.m.outputs[name];
            let Some(expr) = &o.expr else { continue };
            let scope = self.scope(&at, InstanceContext::default());
            let v = Evaluator::new(&scope).eval(expr)?;
            if v.contains_sensitive() && !o.sensitive {
                return Err(Diagnostic::error(
                    "Output refers to sensitive values",
                    "To reduce the risk of accidentally exporting sensitive data that was intended to be only internal, Terraform requires that any root module output containing sensitive data be explicitly marked as sensitive, to confirm your intent.\n\nIf you do intend to export this data, annotate the output value as sensitive by adding the following argument:\n    sensitive = true",
                )
                .with_subject(o.span)
                .into());
            }
            let v = v.mark_if(o.sensitive);
            if at.mi.is_root() {
                self.root_output_change(name, o.sensitive, &v);
            }
            self.values
                .write()
                .expect("values lock")
                .module_mut(&at.mi)
                .outputs
                .insert(name.to_string(), v);
        }
        Ok(())
    }

    /// Records the change of a root output (only root outputs are kept in
    /// the state).
    fn root_output_change(&self, name: &str, sensitive: bool, v: &Value) {
        let prior = self
            .state
            .lock()
            .expect("state lock")
            .outputs
            .get(name)
            .cloned();
        let before = prior
            .as_ref()
            .and_then(|p| Type::from_json(&p.ty).and_then(|t| from_json(&p.value, &t).ok()))
            .unwrap_or(Value::null());
        let action = match &prior {
            None => Action::Create,
            Some(_) if v.is_wholly_known() && before.raw_equal(v) => Action::NoOp,
            Some(_) => Action::Update,
        };
        if self.planned.is_none() {
            self.output_changes
                .lock()
                .expect("outputs lock")
                .push(OutputChange {
                    name: name.to_string(),
                    action,
                    before,
                    after: v.clone(),
                    sensitive,
                });
        }
    }

    /// Evaluates one instance's configuration by the schema.
    fn eval_config(
        &self,
        at: &At,
        r: &Resource,
        schema: &Schema,
        ctx: InstanceContext,
    ) -> Result<Value, Diagnostics> {
        let scope = self.scope(at, ctx);
        let mut ev = Evaluator::new(&scope);
        decode_body(&mut ev, &r.body, &schema.block, r.decl_span)
    }

    /// Config addresses of the resources `r` at `path` refers to (its
    /// dependencies in state).
    fn dependencies_of(&self, path: &[String], r: &Resource) -> Vec<String> {
        let mut refs = Vec::new();
        body_traversals(&r.body, &mut refs);
        for e in r
            .count
            .iter()
            .chain(r.for_each.iter())
            .chain(r.depends_on.iter())
        {
            refs.extend(e.traversals());
        }
        let mut out: BTreeSet<String> = BTreeSet::new();
        for t in refs {
            let attr = |i: usize| match t.steps.get(i) {
                Some(crate::syntax::ast::Step::Attr(a)) => Some(a.clone()),
                _ => None,
            };
            let key = match t.root.as_str() {
                "var" | "local" | "path" | "terraform" | "count" | "each" | "self" | "module" => {
                    None
                }
                "data" => attr(0).zip(attr(1)).map(|(a, b)| format!("data.{a}.{b}")),
                other => attr(0).map(|a| format!("{other}.{a}")),
            };
            if let Some(k) = key {
                if self.engine.modules[path].resources.contains_key(&k) {
                    out.insert(format!("{}{k}", path_prefix(path)));
                }
            }
        }
        // Locals referenced lead to resources too.
        out.into_iter().collect()
    }

    fn prior_instances(
        &self,
        addr: &AbsResource,
        ty: &Type,
    ) -> Result<BTreeMap<InstanceKey, (Value, InstanceState)>, Diagnostics> {
        let state = self.state.lock().expect("state lock");
        let mut out = BTreeMap::new();
        if let Some(rs) = state.resource(addr) {
            for inst in rs.instances.iter().filter(|i| i.deposed.is_none()) {
                let key = InstanceKey::from_json(inst.index_key.as_ref());
                let v = from_json(&inst.attributes, ty).map_err(|e| {
                    diag_error(
                        "Invalid resource instance data in state",
                        format!(
                            "Instance {} data could not be decoded from the state: {e}.",
                            addr.instance(key.clone())
                        ),
                        None,
                    )
                })?;
                out.insert(key, (v, inst.clone()));
            }
        }
        Ok(out)
    }

    fn refresh(
        &self,
        provider: &dyn Provider,
        addr: &AbsInstance,
        type_name: &str,
        prior: &Value,
        inst: &InstanceState,
        ty: &Type,
    ) -> Result<Value, Diagnostics> {
        let id = prior
            .get_attr("id")
            .and_then(Value::as_str)
            .map(String::from);
        self.engine.hooks.pre_refresh(addr, id.as_deref());
        let private = decode_private(inst);
        let resp = provider.read_resource(type_name, prior, &private);
        provider_diags(resp.diags, None).map_err(|mut d| {
            for x in d.0.iter_mut() {
                x.summary = format!("{} (refreshing {addr})", x.summary);
            }
            d
        })?;
        let new = resp.new_state;
        if new.is_null() || !prior.raw_equal(&new) {
            self.drift.lock().expect("drift lock").push(ResourceChange {
                addr: addr.clone(),
                deposed: None,
                provider: String::new(),
                action: if new.is_null() {
                    Action::Delete
                } else {
                    Action::Update
                },
                reason: None,
                before: prior.clone(),
                after: new.clone(),
                ty: ty.clone(),
                replace_paths: Vec::new(),
                private: Vec::new(),
                each: None,
                importing: None,
                prev_addr: None,
            });
        }
        let mut state = self.state.lock().expect("state lock");
        let provider_addr = state
            .resource(&addr.resource)
            .map(|r| r.provider.clone())
            .unwrap_or_default();
        if new.is_null() {
            state.set_instance(addr, &provider_addr, None, None);
        } else {
            let mut updated = inst.clone();
            updated.attributes = to_json_typed(&new, ty);
            state.set_instance(addr, &provider_addr, None, Some(updated));
        }
        Ok(new)
    }

    fn plan_resource(&self, path: &[String], key: &str) -> Result<(), Diagnostics> {
        let mut diags = Diagnostics::new();
        for at in self.places(path) {
            if let Err(d) = self.plan_resource_in(&at, key) {
                diags.extend(d);
            }
        }
        for addr in self.stale_instances(path, key) {
            if let Err(d) = self.plan_orphan(&addr) {
                diags.extend(d);
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(())
    }

    fn plan_resource_in(&self, at: &At, key: &str) -> Result<(), Diagnostics> {
        let e = self.engine;
        let r = &at.m.resources[key];
        let pk = e.provider_key_of(at.path, r);
        let slot = e.provider_for_key(&pk);
        let provider = slot.provider.as_ref();
        let schema = e.schema_of(&pk, r.mode, &r.type_name, Some(r.decl_span))?;
        let ty = schema.block.value_type();
        let addr = abs_resource(&at.mi, r);
        let provider_addr = provider_address(
            &provider_source(e, &pk, slot),
            pk.split_once('.').map(|(_, a)| a),
        );
        let instances = expand_repetition(
            r.count.as_ref(),
            r.for_each.as_ref(),
            &self.scope(at, InstanceContext::default()),
        )?;
        let each = each_mode(r);
        let mut prior = self.prior_instances(&addr, &ty)?;
        let mut diags = Diagnostics::new();
        let mut values = BTreeMap::new();
        let mut pending = false;
        // Refresh what the state has.
        if r.mode == Mode::Managed && e.opts.refresh {
            let keys: Vec<InstanceKey> = prior.keys().cloned().collect();
            for k in keys {
                let (pv, inst) = prior[&k].clone();
                let iaddr = addr.instance(k.clone());
                match self.refresh(provider, &iaddr, &r.type_name, &pv, &inst, &ty) {
                    Ok(v) if v.is_null() => {
                        prior.remove(&k);
                    }
                    Ok(v) => {
                        prior.insert(k, (v, inst));
                    }
                    Err(d) => diags.extend(d),
                }
            }
            if diags.has_errors() {
                return Err(diags);
            }
        }
        let keys: BTreeSet<InstanceKey> = instances.iter().map(|x| x.key.clone()).collect();
        for x in instances {
            let iaddr = addr.instance(x.key.clone());
            if let Err(d) = self.check_conditions(
                at,
                &r.lifecycle.preconditions,
                x.ctx.clone(),
                "Resource precondition failed",
            ) {
                diags.extend(d);
                continue;
            }
            let config = match self.eval_config(at, r, schema, x.ctx.clone()) {
                Ok(c) => c,
                Err(d) => {
                    diags.extend(d);
                    continue;
                }
            };
            let validate = match r.mode {
                Mode::Managed => provider.validate_resource(&r.type_name, &config),
                Mode::Data => provider.validate_data_source(&r.type_name, &config),
            };
            // Warnings (deprecations) are kept for the report; errors stop
            // this instance.
            let validated = validation_diagnostics(validate, r);
            let failed = validated.has_errors();
            diags.extend(validated);
            if failed {
                continue;
            }
            if r.mode == Mode::Data {
                match self.plan_data_instance(
                    at,
                    r,
                    provider,
                    schema,
                    &iaddr,
                    &provider_addr,
                    &config,
                    each,
                ) {
                    Ok((v, deferred)) => {
                        pending |= deferred;
                        values.insert(x.key.clone(), v);
                    }
                    Err(d) => diags.extend(d),
                }
                continue;
            }
            let mut importing = None;
            match self.import_id(&iaddr) {
                Ok(Some((id, from_cli))) => {
                    if !prior.contains_key(&x.key) {
                        match self.import_object(provider, schema, &iaddr, &r.type_name, &id) {
                            Ok(obj) => {
                                prior.insert(x.key.clone(), obj);
                                importing = Some(id);
                            }
                            Err(d) => {
                                diags.extend(d);
                                continue;
                            }
                        }
                    } else if from_cli {
                        diags.extend(diag_error(
                            "Resource already managed by Terraform",
                            format!("Terraform is already managing a remote object for {iaddr}. To import to this address you must first remove the existing object from the state."),
                            None,
                        ));
                        continue;
                    }
                }
                Ok(None) => {}
                Err(d) => {
                    diags.extend(d);
                    continue;
                }
            }
            let prior_entry = prior.get(&x.key).cloned();
            let (prior_value, prior_inst) = match &prior_entry {
                Some((v, i)) => (v.clone(), Some(i.clone())),
                None => (Value::Null(ty.clone()), None),
            };
            let config = apply_ignore_changes(r, &config, &prior_value);
            let triggered = !prior_value.is_null() && self.replace_triggered(at, r, &x.ctx);
            let plan = provider.plan_resource(PlanRequest {
                type_name: &r.type_name,
                prior: &prior_value,
                proposed: &config,
                config: &config,
                prior_private: &prior_inst.as_ref().map(decode_private).unwrap_or_default(),
            });
            if let Err(d) = provider_diags(plan.diags, Some(r.decl_span)) {
                diags.extend(d);
                continue;
            }
            let tainted = prior_inst.as_ref().is_some_and(InstanceState::is_tainted);
            let forced = e.opts.replace.contains(&iaddr);
            let (action, reason, after, replace_paths) = if prior_value.is_null() {
                (Action::Create, None, plan.planned, Vec::new())
            } else if tainted || forced || triggered || !plan.requires_replace.is_empty() {
                let fresh = provider.plan_resource(PlanRequest {
                    type_name: &r.type_name,
                    prior: &Value::Null(ty.clone()),
                    proposed: &config,
                    config: &config,
                    prior_private: &[],
                });
                let reason = if tainted {
                    ActionReason::ReplaceBecauseTainted
                } else if forced {
                    ActionReason::ReplaceByRequest
                } else if triggered && plan.requires_replace.is_empty() {
                    ActionReason::ReplaceByTriggers
                } else {
                    ActionReason::ReplaceBecauseCannotUpdate
                };
                let action = if r.lifecycle.create_before_destroy {
                    Action::CreateThenDelete
                } else {
                    Action::DeleteThenCreate
                };
                (action, Some(reason), fresh.planned, plan.requires_replace)
            } else if unchanged(&prior_value, &plan.planned) {
                (Action::NoOp, None, plan.planned, Vec::new())
            } else {
                (Action::Update, None, plan.planned, Vec::new())
            };
            if r.lifecycle.prevent_destroy && (action.is_replace() || action == Action::Delete) {
                diags.extend(prevent_destroy_error(&iaddr, r));
                continue;
            }
            if action != Action::NoOp {
                pending = true;
            }
            let after_marked = mark_sensitive(&after, &schema.block);
            // Postconditions are checked now where the planned object
            // tells; the rest once apply knows.
            let mut post_ctx = x.ctx.clone();
            post_ctx.self_value = Some(after_marked.clone());
            if let Err(d) = self.check_conditions(
                at,
                &r.lifecycle.postconditions,
                post_ctx,
                "Resource postcondition failed",
            ) {
                diags.extend(d);
                continue;
            }
            values.insert(x.key.clone(), after_marked.clone());
            let prev_addr = self.moved.get(&iaddr).cloned();
            self.changes
                .lock()
                .expect("changes lock")
                .push(ResourceChange {
                    addr: iaddr,
                    deposed: None,
                    provider: provider_addr.clone(),
                    action,
                    reason,
                    before: mark_sensitive(&prior_value, &schema.block),
                    after: after_marked,
                    ty: ty.clone(),
                    replace_paths,
                    private: plan.private,
                    each,
                    importing,
                    prev_addr,
                });
        }
        // Instances the state has that the configuration no longer makes.
        if r.mode == Mode::Managed {
            for (k, (pv, _)) in prior.iter().filter(|(k, _)| !keys.contains(k)) {
                let iaddr = addr.instance(k.clone());
                if r.lifecycle.prevent_destroy {
                    diags.extend(prevent_destroy_error(&iaddr, r));
                    continue;
                }
                pending = true;
                let reason = match k {
                    InstanceKey::Int(_) if r.count.is_some() => {
                        ActionReason::DeleteBecauseCountIndex
                    }
                    InstanceKey::Str(_) if r.for_each.is_some() => {
                        ActionReason::DeleteBecauseEachKey
                    }
                    _ => ActionReason::DeleteBecauseWrongRepetition,
                };
                self.changes
                    .lock()
                    .expect("changes lock")
                    .push(ResourceChange {
                        addr: iaddr,
                        deposed: None,
                        provider: provider_addr.clone(),
                        action: Action::Delete,
                        reason: Some(reason),
                        before: mark_sensitive(pv, &schema.block),
                        after: Value::Null(ty.clone()),
                        ty: ty.clone(),
                        replace_paths: Vec::new(),
                        private: Vec::new(),
                        each,
                        importing: None,
                        prev_addr: None,
                    });
            }
        }
        if pending {
            self.pending
                .lock()
                .expect("pending lock")
                .insert(config_address(&addr));
        }
        self.set_resource_value(at, key, assemble(r, values));
        if diags.has_errors() {
            return Err(diags);
        }
        if !diags.is_empty() {
            self.report(diags);
        }
        Ok(())
    }

    /// Evaluates `precondition`/`postcondition` rules; a condition not yet
    /// known passes (it is checked again once it is).
    fn check_conditions(
        &self,
        at: &At,
        rules: &[crate::config::CheckRule],
        ctx: InstanceContext,
        summary: &str,
    ) -> Result<(), Diagnostics> {
        let mut diags = Diagnostics::new();
        for rule in rules {
            let scope = self.scope(at, ctx.clone());
            let v = Evaluator::new(&scope).eval(&rule.condition)?;
            let ok = match v.unmark_deep().0 {
                Value::Bool(b) => b,
                v if !v.is_known() => true,
                _ => {
                    diags.extend(diag_error(
                        "Invalid condition result",
                        "Invalid condition result value: a bool is required.",
                        Some(rule.condition.span),
                    ));
                    continue;
                }
            };
            if ok {
                continue;
            }
            let message = match Evaluator::new(&scope)
                .eval(&rule.error_message)?
                .unmark_deep()
                .0
            {
                Value::String(m) => m,
                _ => "(the error message is not a string)".to_string(),
            };
            diags.extend(diag_error(summary, message, Some(rule.condition.span)));
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(())
    }

    /// Whether `replace_triggered_by` names something that changes: a
    /// resource instance with a planned update or replacement, or an
    /// attribute whose planned value differs from its prior one.
    fn replace_triggered(&self, at: &At, r: &Resource, ctx: &InstanceContext) -> bool {
        let Some(expr) = &r.lifecycle.replace_triggered_by else {
            return false;
        };
        let items = match &expr.kind {
            crate::syntax::ast::ExprKind::Tuple(items) => items.clone(),
            _ => vec![expr.clone()],
        };
        let changes = self.changes.lock().expect("changes lock");
        for item in items {
            let Some((root, steps)) = reference_chain(&item) else {
                continue;
            };
            let name = match (root.as_str(), steps.first()) {
                ("data", _) | (_, None) => continue,
                (_, Some(Err(_))) => continue,
                (_, Some(Ok(n))) => n.clone(),
            };
            let key = format!("{root}.{name}");
            let Some(target) = at.m.resources.get(&key) else {
                continue;
            };
            let target_addr = abs_resource(&at.mi, target);
            // An index picks one instance (`count.index` and `each.key`
            // evaluate to this instance's own).
            let mut rest = 1;
            let instance_key = match steps.get(1) {
                Some(Err(index)) => {
                    rest = 2;
                    let scope = self.scope(at, ctx.clone());
                    match Evaluator::new(&scope)
                        .eval(index)
                        .map(|v| v.unmark_deep().0)
                    {
                        Ok(Value::String(s)) => Some(InstanceKey::Str(s)),
                        Ok(Value::Number(n)) => n.to_i64().map(InstanceKey::Int),
                        _ => None,
                    }
                }
                _ => None,
            };
            let path: Vec<String> = steps[rest..]
                .iter()
                .filter_map(|s| s.as_ref().ok().cloned())
                .collect();
            for c in changes.iter().filter(|c| {
                c.addr.resource == target_addr
                    && instance_key.as_ref().is_none_or(|k| c.addr.key == *k)
            }) {
                let fired = if path.is_empty() {
                    matches!(
                        c.action,
                        Action::Update | Action::DeleteThenCreate | Action::CreateThenDelete
                    )
                } else {
                    let get = |v: &Value| {
                        path.iter()
                            .try_fold(v.clone(), |v, a| v.get_attr(a).cloned())
                    };
                    match (get(&c.before), get(&c.after)) {
                        (Some(b), Some(a)) => !a.is_wholly_known() || !b.raw_equal(&a),
                        _ => c.action != Action::NoOp,
                    }
                };
                if fired {
                    return true;
                }
            }
        }
        false
    }

    /// The import ID for an instance, from the command line or an
    /// `import` block; `true` with it when it came from the command line.
    fn import_id(&self, iaddr: &AbsInstance) -> Result<Option<(String, bool)>, Diagnostics> {
        if let Some((_, id)) = self.engine.opts.imports.iter().find(|(a, _)| a == iaddr) {
            return Ok(Some((id.clone(), true)));
        }
        if self.engine.opts.mode != PlanMode::Normal {
            return Ok(None);
        }
        for imp in &self.engine.statements.imports {
            if imp.to != *iaddr {
                continue;
            }
            let id = match &imp.id {
                refactor::ImportId::Literal(s) => s.clone(),
                refactor::ImportId::Expr(e) => {
                    let scope = self.root_scope();
                    match Evaluator::new(&scope).eval(e)?.unmark_deep().0 {
                        Value::String(s) => s,
                        v if !v.is_known() => {
                            return Err(diag_error(
                                "Invalid import id argument",
                                "The import block \"id\" argument depends on resource attributes that cannot be determined until apply, so Terraform cannot plan to import this resource.",
                                Some(e.span),
                            ))
                        }
                        _ => {
                            return Err(diag_error(
                                "Invalid import id argument",
                                "The import ID must be a string.",
                                Some(e.span),
                            ))
                        }
                    }
                }
            };
            return Ok(Some((id, false)));
        }
        Ok(None)
    }

    /// Imports an existing object and reads it: the prior object an import
    /// plan starts from.
    fn import_object(
        &self,
        provider: &dyn Provider,
        schema: &Schema,
        iaddr: &AbsInstance,
        type_name: &str,
        id: &str,
    ) -> Result<(Value, InstanceState), Diagnostics> {
        self.engine.hooks.import_prepare(iaddr, id);
        let objects = provider
            .import_resource(type_name, id)
            .map_err(|d| provider_diags(d, None).err().unwrap_or_default())?;
        let Some(object) = objects.into_iter().next() else {
            return Err(diag_error(
                "Import returned no resources",
                format!("While attempting to import with ID {id}, the provider returned no instance states."),
                None,
            ));
        };
        let ty = schema.block.value_type();
        self.engine.hooks.pre_refresh(iaddr, Some(id));
        let resp = provider.read_resource(type_name, &object, &[]);
        provider_diags(resp.diags, None)?;
        if resp.new_state.is_null() {
            return Err(diag_error(
                "Cannot import non-existent remote object",
                format!("While attempting to import an existing object to \"{iaddr}\", the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"terraform apply\" to create a new remote object for this resource."),
                None,
            ));
        }
        let value = tfrs_provider::convert::convert(&resp.new_state, &ty).unwrap_or(resp.new_state);
        let inst = InstanceState {
            index_key: iaddr.key.to_json(),
            status: None,
            deposed: None,
            schema_version: schema.version,
            attributes: to_json_typed(&value, &ty),
            sensitive_attributes: Vec::new(),
            private: encode_private(&resp.private),
            dependencies: Vec::new(),
            create_before_destroy: false,
        };
        Ok((value, inst))
    }

    /// Reads a data source now if its configuration is known and nothing it
    /// depends on changes; otherwise plans a read during apply. Returns the
    /// value and whether the read is deferred.
    #[allow(clippy::too_many_arguments)]
    fn plan_data_instance(
        &self,
        at: &At,
        r: &Resource,
        provider: &dyn Provider,
        schema: &Schema,
        iaddr: &AbsInstance,
        provider_addr: &str,
        config: &Value,
        each: Option<&'static str>,
    ) -> Result<(Value, bool), Diagnostics> {
        let ty = schema.block.value_type();
        let pending = self.pending.lock().expect("pending lock").clone();
        let depends_on_pending = self
            .dependencies_of(at.path, r)
            .iter()
            .any(|d| pending.contains(d));
        if !config.is_wholly_known() || depends_on_pending {
            let (after, _) =
                tfrs_provider::plan::default_plan(&schema.block, &Value::Null(ty.clone()), config);
            let reason = if depends_on_pending {
                ActionReason::ReadBecauseDependencyPending
            } else {
                ActionReason::ReadBecauseConfigUnknown
            };
            self.changes
                .lock()
                .expect("changes lock")
                .push(ResourceChange {
                    addr: iaddr.clone(),
                    deposed: None,
                    provider: provider_addr.to_string(),
                    action: Action::Read,
                    reason: Some(reason),
                    before: Value::Null(ty.clone()),
                    after: after.clone(),
                    ty,
                    replace_paths: Vec::new(),
                    private: Vec::new(),
                    each,
                    importing: None,
                    prev_addr: None,
                });
            return Ok((mark_sensitive(&after, &schema.block), true));
        }
        let v = self.read_data(r, provider, schema, iaddr, provider_addr, config, each)?;
        Ok((v, false))
    }

    #[allow(clippy::too_many_arguments)]
    fn read_data(
        &self,
        r: &Resource,
        provider: &dyn Provider,
        schema: &Schema,
        iaddr: &AbsInstance,
        provider_addr: &str,
        config: &Value,
        each: Option<&'static str>,
    ) -> Result<Value, Diagnostics> {
        let ty = schema.block.value_type();
        let (unmarked, _) = config.clone().unmark_deep();
        let v = provider
            .read_data_source(&r.type_name, &unmarked)
            .map_err(|d| {
                provider_diags(d, Some(r.decl_span))
                    .err()
                    .unwrap_or_default()
            })?;
        let v = tfrs_provider::convert::convert(&v, &ty).unwrap_or(v);
        let mut state = self.state.lock().expect("state lock");
        state.set_instance(
            iaddr,
            provider_addr,
            each,
            Some(InstanceState {
                index_key: None,
                status: None,
                deposed: None,
                schema_version: schema.version,
                attributes: to_json_typed(&v, &ty),
                sensitive_attributes: Vec::new(),
                private: None,
                dependencies: Vec::new(),
                create_before_destroy: false,
            }),
        );
        Ok(mark_sensitive(&v, &schema.block))
    }

    fn plan_orphan(&self, addr: &AbsResource) -> Result<(), Diagnostics> {
        let e = self.engine;
        let (pk, provider_addr, each) = {
            let state = self.state.lock().expect("state lock");
            match state.resource(addr) {
                Some(rs) => (
                    state_provider_key(&rs.provider),
                    rs.provider.clone(),
                    rs.each.clone(),
                ),
                None => return Ok(()),
            }
        };
        let slot = e.provider_for_key(&pk);
        let provider = slot.provider.as_ref();
        let mode = addr.resource.mode;
        let schema = e.schema_of(&pk, mode, &addr.resource.type_name, None)?;
        let ty = schema.block.value_type();
        if mode == Mode::Data {
            // Data sources simply leave the state.
            self.state.lock().expect("state lock").remove_resource(addr);
            return Ok(());
        }
        let mut prior = self.prior_instances(addr, &ty)?;
        let mut diags = Diagnostics::new();
        if e.opts.refresh {
            let keys: Vec<InstanceKey> = prior.keys().cloned().collect();
            for k in keys {
                let (pv, inst) = prior[&k].clone();
                match self.refresh(
                    provider,
                    &addr.instance(k.clone()),
                    &addr.resource.type_name,
                    &pv,
                    &inst,
                    &ty,
                ) {
                    Ok(v) if v.is_null() => {
                        prior.remove(&k);
                    }
                    Ok(v) => {
                        prior.insert(k, (v, inst));
                    }
                    Err(d) => diags.extend(d),
                }
            }
        }
        let module_config = e.modules.get(&static_path(&addr.module));
        let in_config = module_config.and_then(|m| m.resources.get(&addr.resource.to_string()));
        let module_exists = addr.module.is_root()
            || (module_config.is_some()
                && self
                    .places(&static_path(&addr.module))
                    .iter()
                    .any(|a| a.mi == addr.module));
        let each_mode_str: Option<&'static str> = match each.as_deref() {
            Some("list") => Some("list"),
            Some("map") => Some("map"),
            _ => None,
        };
        for (k, (pv, _)) in prior {
            let iaddr = addr.instance(k);
            if let Some(r) = in_config {
                if r.lifecycle.prevent_destroy {
                    diags.extend(prevent_destroy_error(&iaddr, r));
                    continue;
                }
            }
            let forget = e.opts.mode != PlanMode::Destroy
                && e.statements
                    .removed
                    .iter()
                    .any(|rm| !rm.destroy && refactor::removes(rm, &iaddr));
            let reason = if e.opts.mode == PlanMode::Destroy || forget {
                None
            } else if module_exists {
                Some(ActionReason::DeleteBecauseNoResourceConfig)
            } else {
                Some(ActionReason::DeleteBecauseNoModule)
            };
            self.changes
                .lock()
                .expect("changes lock")
                .push(ResourceChange {
                    addr: iaddr,
                    deposed: None,
                    provider: provider_addr.clone(),
                    action: if forget {
                        Action::Forget
                    } else {
                        Action::Delete
                    },
                    reason,
                    before: mark_sensitive(&pv, &schema.block),
                    after: Value::Null(ty.clone()),
                    ty: ty.clone(),
                    replace_paths: Vec::new(),
                    private: Vec::new(),
                    each: each_mode_str,
                    importing: None,
                    prev_addr: None,
                });
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(())
    }

    // ---- apply ----

    fn planned_changes(&self, addr: &AbsResource) -> Vec<ResourceChange> {
        self.planned
            .map(|p| {
                p.changes
                    .iter()
                    .filter(|c| c.addr.resource == *addr)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    fn apply_resource(&self, path: &[String], key: &str) -> Result<(), Diagnostics> {
        let mut diags = Diagnostics::new();
        for at in self.places(path) {
            if let Err(d) = self.apply_resource_in(&at, key) {
                diags.extend(d);
            }
        }
        for addr in self.stale_instances(path, key) {
            if let Err(d) = self.apply_orphan(&addr) {
                diags.extend(d);
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(())
    }

    fn apply_resource_in(&self, at: &At, key: &str) -> Result<(), Diagnostics> {
        let e = self.engine;
        let r = &at.m.resources[key];
        let pk = e.provider_key_of(at.path, r);
        let slot = e.provider_for_key(&pk);
        let provider = slot.provider.as_ref();
        let schema = e.schema_of(&pk, r.mode, &r.type_name, Some(r.decl_span))?;
        let ty = schema.block.value_type();
        let addr = abs_resource(&at.mi, r);
        let provider_addr = provider_address(
            &provider_source(e, &pk, slot),
            pk.split_once('.').map(|(_, a)| a),
        );
        let changes = self.planned_changes(&addr);
        let instances = expand_repetition(
            r.count.as_ref(),
            r.for_each.as_ref(),
            &self.scope(at, InstanceContext::default()),
        )?;
        let each = each_mode(r);
        let deps = self.dependencies_of(at.path, r);
        let mut diags = Diagnostics::new();
        let mut values: BTreeMap<InstanceKey, Value> = BTreeMap::new();
        for x in &instances {
            let iaddr = addr.instance(x.key.clone());
            let change = changes
                .iter()
                .find(|c| c.addr == iaddr && c.deposed.is_none());
            if let Some((c, id)) = change.and_then(|c| c.importing.as_ref().map(|id| (c, id))) {
                // The imported object enters the state before anything is
                // done to it.
                e.hooks.import_step(&iaddr, id, false);
                let (before, _) = c.before.clone().unmark_deep();
                let inst = InstanceState {
                    index_key: None,
                    status: None,
                    deposed: None,
                    schema_version: schema.version,
                    attributes: to_json_typed(&before, &ty),
                    sensitive_attributes: sensitive_paths(&c.before, &schema.block),
                    private: None,
                    dependencies: deps.clone(),
                    create_before_destroy: r.lifecycle.create_before_destroy,
                };
                self.state.lock().expect("state lock").set_instance(
                    &iaddr,
                    &provider_addr,
                    each,
                    Some(inst),
                );
                self.persist_current();
                e.hooks.import_step(&iaddr, id, true);
            }
            let prior = self.prior_instances(&addr, &ty)?;
            let prior_entry = prior.get(&x.key).cloned();
            let action = change.map(|c| c.action).unwrap_or(Action::NoOp);
            if r.mode == Mode::Data {
                let v = if action == Action::Read {
                    let config = match self.eval_config(at, r, schema, x.ctx.clone()) {
                        Ok(c) => c,
                        Err(d) => {
                            diags.extend(d);
                            continue;
                        }
                    };
                    let start = Instant::now();
                    self.engine.hooks.pre_apply(&iaddr, Action::Read, None);
                    let result =
                        self.read_data(r, provider, schema, &iaddr, &provider_addr, &config, each);
                    let id = result
                        .as_ref()
                        .ok()
                        .and_then(|v| v.get_attr("id"))
                        .and_then(Value::as_str)
                        .map(String::from);
                    self.engine.hooks.post_apply(
                        &iaddr,
                        Action::Read,
                        id.as_deref(),
                        start.elapsed(),
                        result.is_ok(),
                    );
                    match result {
                        Ok(v) => {
                            self.persist_current();
                            v
                        }
                        Err(d) => {
                            diags.extend(d);
                            continue;
                        }
                    }
                } else {
                    match self.prior_instances(&addr, &ty)?.remove(&x.key) {
                        Some((v, _)) => mark_sensitive(&v, &schema.block),
                        None => Value::Null(ty.clone()),
                    }
                };
                values.insert(x.key.clone(), v);
                continue;
            }
            if action == Action::NoOp {
                if let Some((v, _)) = prior_entry {
                    values.insert(x.key.clone(), mark_sensitive(&v, &schema.block));
                }
                continue;
            }
            let config = match self.eval_config(at, r, schema, x.ctx.clone()) {
                Ok(c) => c,
                Err(d) => {
                    diags.extend(d);
                    continue;
                }
            };
            let (prior_value, prior_inst) = match prior_entry {
                Some((v, i)) => (v, Some(i)),
                None => (Value::Null(ty.clone()), None),
            };
            let config = apply_ignore_changes(r, &config, &prior_value);
            let ctx = ApplyCtx {
                r,
                provider,
                schema,
                ty: &ty,
                provider_addr: &provider_addr,
                each,
                deps: &deps,
            };
            let result = match action {
                Action::Create => self.create(&ctx, &iaddr, &config),
                Action::Update => {
                    self.update(&ctx, &iaddr, &prior_value, prior_inst.as_ref(), &config)
                }
                Action::DeleteThenCreate => self
                    .delete(&ctx, &iaddr, &prior_value, prior_inst.as_ref(), None)
                    .and_then(|_| self.create(&ctx, &iaddr, &config)),
                Action::CreateThenDelete => self.replace_create_first(
                    &ctx,
                    &iaddr,
                    &prior_value,
                    prior_inst.as_ref(),
                    &config,
                ),
                _ => Ok(prior_value.clone()),
            };
            match result {
                Ok(v) => {
                    let v = mark_sensitive(&v, &schema.block);
                    let mut post_ctx = x.ctx.clone();
                    post_ctx.self_value = Some(v.clone());
                    if let Err(d) = self.check_conditions(
                        at,
                        &r.lifecycle.postconditions,
                        post_ctx,
                        "Resource postcondition failed",
                    ) {
                        diags.extend(d);
                    }
                    values.insert(x.key.clone(), v);
                }
                Err(d) => diags.extend(d),
            }
        }
        // Instances the plan deletes (count or for_each shrank).
        let keys: BTreeSet<InstanceKey> = instances.iter().map(|x| x.key.clone()).collect();
        for c in changes
            .iter()
            .filter(|c| c.action == Action::Delete && !keys.contains(&c.addr.key))
        {
            let prior = self.prior_instances(&addr, &ty)?;
            if let Some((pv, inst)) = prior.get(&c.addr.key) {
                let ctx = ApplyCtx {
                    r,
                    provider,
                    schema,
                    ty: &ty,
                    provider_addr: &provider_addr,
                    each,
                    deps: &deps,
                };
                if let Err(d) = self.delete(&ctx, &c.addr, pv, Some(inst), None) {
                    diags.extend(d);
                }
            }
        }
        self.set_resource_value(at, key, assemble(r, values));
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(())
    }

    fn apply_orphan(&self, addr: &AbsResource) -> Result<(), Diagnostics> {
        let e = self.engine;
        let (pk, provider_addr) = {
            let state = self.state.lock().expect("state lock");
            match state.resource(addr) {
                Some(rs) => (state_provider_key(&rs.provider), rs.provider.clone()),
                None => return Ok(()),
            }
        };
        let slot = e.provider_for_key(&pk);
        let provider = slot.provider.as_ref();
        let mode = addr.resource.mode;
        let schema = e.schema_of(&pk, mode, &addr.resource.type_name, None)?;
        let ty = schema.block.value_type();
        if mode == Mode::Data {
            self.state.lock().expect("state lock").remove_resource(addr);
            self.persist_current();
            return Ok(());
        }
        let placeholder = Resource {
            mode,
            type_name: addr.resource.type_name.clone(),
            name: addr.resource.name.clone(),
            count: None,
            for_each: None,
            provider: None,
            depends_on: Vec::new(),
            lifecycle: Default::default(),
            body: Default::default(),
            span: Span::default(),
            decl_span: Span::default(),
        };
        let ctx = ApplyCtx {
            r: &placeholder,
            provider,
            schema,
            ty: &ty,
            provider_addr: &provider_addr,
            each: None,
            deps: &[],
        };
        let mut diags = Diagnostics::new();
        let planned = self.planned_changes(addr);
        for c in planned.iter().filter(|c| c.action == Action::Forget) {
            self.state.lock().expect("state lock").set_instance(
                &c.addr,
                &provider_addr,
                None,
                None,
            );
            self.persist_current();
        }
        for c in planned.iter().filter(|c| c.action == Action::Delete) {
            let prior = self.prior_instances(addr, &ty)?;
            if let Some((pv, inst)) = prior.get(&c.addr.key) {
                if let Err(d) = self.delete(&ctx, &c.addr, pv, Some(inst), None) {
                    diags.extend(d);
                }
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(())
    }

    /// Runs a provider apply call, reporting progress every 10 seconds.
    fn call_apply(
        &self,
        iaddr: &AbsInstance,
        action: Action,
        id: Option<&str>,
        req: ApplyRequest<'_>,
        provider: &dyn Provider,
    ) -> tfrs_provider::ApplyResponse {
        let hooks = self.engine.hooks;
        hooks.pre_apply(iaddr, action, id);
        let start = Instant::now();
        let done = AtomicBool::new(false);
        let resp = std::thread::scope(|s| {
            s.spawn(|| {
                let mut next = Duration::from_secs(10);
                while !done.load(std::sync::atomic::Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(100));
                    if start.elapsed() >= next && !done.load(std::sync::atomic::Ordering::SeqCst) {
                        hooks.still_applying(iaddr, action, start.elapsed());
                        next += Duration::from_secs(10);
                    }
                }
            });
            // A provider that panics is reported as an error of this
            // object, and the progress thread still stops.
            let resp = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                provider.apply_resource(req)
            }));
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            resp.unwrap_or_else(|panic| {
                let what = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                tfrs_provider::ApplyResponse {
                    new_state: Value::Null(Type::Dynamic),
                    private: Vec::new(),
                    diags: vec![tfrs_provider::Diag::error(
                        "The provider failed unexpectedly",
                        format!("The provider stopped while applying {iaddr}: {what}. This is a bug in tfrs; the object may or may not have been changed."),
                    )],
                }
            })
        });
        let ok = !has_errors(&resp.diags);
        let new_id = resp
            .new_state
            .get_attr("id")
            .and_then(Value::as_str)
            .map(String::from);
        hooks.post_apply(iaddr, action, new_id.as_deref().or(id), start.elapsed(), ok);
        resp
    }

    fn record(
        &self,
        ctx: &ApplyCtx,
        iaddr: &AbsInstance,
        value: &Value,
        private: &[u8],
        tainted: bool,
    ) {
        let mut state = self.state.lock().expect("state lock");
        let inst = if value.is_null() {
            None
        } else {
            Some(InstanceState {
                index_key: None,
                status: tainted.then(|| "tainted".to_string()),
                deposed: None,
                schema_version: ctx.schema.version,
                attributes: to_json_typed(value, ctx.ty),
                sensitive_attributes: sensitive_paths(value, &ctx.schema.block),
                private: encode_private(private),
                dependencies: ctx.deps.to_vec(),
                create_before_destroy: ctx.r.lifecycle.create_before_destroy,
            })
        };
        state.set_instance(iaddr, ctx.provider_addr, ctx.each, inst);
        drop(state);
        self.persist_current();
    }

    fn create(
        &self,
        ctx: &ApplyCtx,
        iaddr: &AbsInstance,
        config: &Value,
    ) -> Result<Value, Diagnostics> {
        let null = Value::Null(ctx.ty.clone());
        let (config, _) = config.clone().unmark_deep();
        let plan = ctx.provider.plan_resource(PlanRequest {
            type_name: &ctx.r.type_name,
            prior: &null,
            proposed: &config,
            config: &config,
            prior_private: &[],
        });
        provider_diags(plan.diags, Some(ctx.r.decl_span))?;
        // Until the provider answers, the state holds the planned object,
        // tainted and without its computed values (no ID): if tfrs dies
        // during the call, the next refresh asks the provider for the object
        // the call may have created (by the names it was given) instead of
        // losing track of it. The answer below replaces this record.
        self.record(ctx, iaddr, &plan.planned, &plan.private, true);
        let resp = self.call_apply(
            iaddr,
            Action::Create,
            None,
            ApplyRequest {
                type_name: &ctx.r.type_name,
                prior: &null,
                planned: &plan.planned,
                config: &config,
                private: &plan.private,
            },
            ctx.provider,
        );
        let failed = has_errors(&resp.diags);
        // Whatever exists is recorded; a failed create is tainted.
        self.record(ctx, iaddr, &resp.new_state, &resp.private, failed);
        provider_diags(resp.diags, Some(ctx.r.decl_span)).map_err(|d| with_address(d, iaddr))?;
        Ok(resp.new_state)
    }

    fn update(
        &self,
        ctx: &ApplyCtx,
        iaddr: &AbsInstance,
        prior: &Value,
        prior_inst: Option<&InstanceState>,
        config: &Value,
    ) -> Result<Value, Diagnostics> {
        let (config, _) = config.clone().unmark_deep();
        let private = prior_inst.map(decode_private).unwrap_or_default();
        let plan = ctx.provider.plan_resource(PlanRequest {
            type_name: &ctx.r.type_name,
            prior,
            proposed: &config,
            config: &config,
            prior_private: &private,
        });
        provider_diags(plan.diags, Some(ctx.r.decl_span))?;
        let id = prior
            .get_attr("id")
            .and_then(Value::as_str)
            .map(String::from);
        let resp = self.call_apply(
            iaddr,
            Action::Update,
            id.as_deref(),
            ApplyRequest {
                type_name: &ctx.r.type_name,
                prior,
                planned: &plan.planned,
                config: &config,
                private: &plan.private,
            },
            ctx.provider,
        );
        let failed = has_errors(&resp.diags);
        let new = if resp.new_state.is_null() && failed {
            prior.clone()
        } else {
            resp.new_state.clone()
        };
        self.record(ctx, iaddr, &new, &resp.private, false);
        provider_diags(resp.diags, Some(ctx.r.decl_span)).map_err(|d| with_address(d, iaddr))?;
        Ok(new)
    }

    fn delete(
        &self,
        ctx: &ApplyCtx,
        iaddr: &AbsInstance,
        prior: &Value,
        prior_inst: Option<&InstanceState>,
        deposed: Option<&str>,
    ) -> Result<(), Diagnostics> {
        let private = prior_inst.map(decode_private).unwrap_or_default();
        let null = Value::Null(ctx.ty.clone());
        let id = prior
            .get_attr("id")
            .and_then(Value::as_str)
            .map(String::from);
        let resp = self.call_apply(
            iaddr,
            Action::Delete,
            id.as_deref(),
            ApplyRequest {
                type_name: &ctx.r.type_name,
                prior,
                planned: &null,
                config: &null,
                private: &private,
            },
            ctx.provider,
        );
        if has_errors(&resp.diags) {
            return provider_diags(resp.diags, Some(ctx.r.decl_span))
                .map_err(|d| with_address(d, iaddr));
        }
        let mut state = self.state.lock().expect("state lock");
        match deposed {
            Some(key) => state.remove_deposed(iaddr, key),
            None => state.set_instance(iaddr, ctx.provider_addr, None, None),
        }
        drop(state);
        self.persist_current();
        Ok(())
    }

    /// create_before_destroy: the current object is deposed, the new one
    /// created, then the deposed one destroyed.
    fn replace_create_first(
        &self,
        ctx: &ApplyCtx,
        iaddr: &AbsInstance,
        prior: &Value,
        prior_inst: Option<&InstanceState>,
        config: &Value,
    ) -> Result<Value, Diagnostics> {
        let deposed_key = format!("{:08x}", rand_u32());
        {
            let mut state = self.state.lock().expect("state lock");
            state.add_deposed(iaddr, &deposed_key);
            drop(state);
            self.persist_current();
        }
        let new = self.create(ctx, iaddr, config)?;
        // The deposed object goes once everything that depends on it has
        // moved to the new one (at the end of the walk).
        self.deferred_deletes
            .lock()
            .expect("deferred lock")
            .push(DeferredDelete {
                addr: iaddr.clone(),
                deposed: deposed_key,
                prior: prior.clone(),
                prior_inst: prior_inst.cloned(),
                provider_addr: ctx.provider_addr.to_string(),
                mode: ctx.r.mode,
                type_name: ctx.r.type_name.clone(),
                span: ctx.r.decl_span,
            });
        Ok(new)
    }

    /// Destroys the objects create_before_destroy deposed, the latest
    /// first (dependents were replaced after what they depend on).
    fn destroy_deferred(&self) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let items = std::mem::take(&mut *self.deferred_deletes.lock().expect("deferred lock"));
        for d in items.into_iter().rev() {
            if self.engine.stop.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
            let pk = state_provider_key(&d.provider_addr);
            let Some(slot) = self.engine.providers.get(&pk) else {
                continue;
            };
            let schema = match self
                .engine
                .schema_of(&pk, d.mode, &d.type_name, Some(d.span))
            {
                Ok(s) => s,
                Err(e) => {
                    diags.extend(e);
                    continue;
                }
            };
            let ty = schema.block.value_type();
            let placeholder = Resource {
                mode: d.mode,
                type_name: d.type_name.clone(),
                name: d.addr.resource.resource.name.clone(),
                count: None,
                for_each: None,
                provider: None,
                depends_on: Vec::new(),
                lifecycle: Default::default(),
                body: Default::default(),
                span: d.span,
                decl_span: d.span,
            };
            let ctx = ApplyCtx {
                r: &placeholder,
                provider: slot.provider.as_ref(),
                schema,
                ty: &ty,
                provider_addr: &d.provider_addr,
                each: None,
                deps: &[],
            };
            if let Err(e) = self.delete(
                &ctx,
                &d.addr,
                &d.prior,
                d.prior_inst.as_ref(),
                Some(&d.deposed),
            ) {
                diags.extend(e);
            }
        }
        diags
    }
}

struct ApplyCtx<'x> {
    r: &'x Resource,
    provider: &'x dyn Provider,
    schema: &'x Schema,
    ty: &'x Type,
    provider_addr: &'x str,
    each: Option<&'static str>,
    deps: &'x [String],
}

fn rand_u32() -> u32 {
    uuid::Uuid::new_v4().as_u128() as u32
}

fn provider_source(e: &Engine, key: &str, slot: &ProviderSlot) -> String {
    let name = key.split('.').next().unwrap_or(key);
    match e.module.required_providers.get(name) {
        Some(rp) if slot.source.starts_with("registry.terraform.io/") => {
            if rp.source.contains('/') && rp.source.matches('/').count() == 1 {
                format!("registry.terraform.io/{}", rp.source)
            } else {
                rp.source.clone()
            }
        }
        _ => slot.source.to_string(),
    }
}

fn each_mode(r: &Resource) -> Option<&'static str> {
    if r.count.is_some() {
        Some("list")
    } else if r.for_each.is_some() {
        Some("map")
    } else {
        None
    }
}

/// A resource's value for references: one object, a tuple (count) or an
/// object keyed by instance key (for_each).
fn assemble(r: &Resource, mut instances: BTreeMap<InstanceKey, Value>) -> Value {
    if r.count.is_some() {
        let mut items: Vec<(i64, Value)> = instances
            .into_iter()
            .filter_map(|(k, v)| match k {
                InstanceKey::Int(i) => Some((i, v)),
                _ => None,
            })
            .collect();
        items.sort_by_key(|(i, _)| *i);
        Value::Tuple(items.into_iter().map(|(_, v)| v).collect())
    } else if r.for_each.is_some() {
        Value::Object(
            instances
                .into_iter()
                .filter_map(|(k, v)| match k {
                    InstanceKey::Str(s) => Some((s, v)),
                    _ => None,
                })
                .collect(),
        )
    } else {
        instances
            .remove(&InstanceKey::None)
            .unwrap_or_else(Value::unknown)
    }
}

/// Marks the schema's sensitive attributes.
fn mark_sensitive(v: &Value, block: &tfrs_provider::Block) -> Value {
    let Value::Object(m) = v.unmarked() else {
        return v.clone();
    };
    let mut out = m.clone();
    for (k, a) in &block.attributes {
        if a.sensitive {
            if let Some(x) = out.remove(k) {
                out.insert(k.clone(), x.mark());
            }
        }
    }
    for (k, nb) in &block.blocks {
        if let Some(x) = out.remove(k) {
            let y = match x {
                Value::List(t, vs) => {
                    Value::List(t, vs.iter().map(|e| mark_sensitive(e, &nb.block)).collect())
                }
                Value::Set(t, vs) => {
                    Value::Set(t, vs.iter().map(|e| mark_sensitive(e, &nb.block)).collect())
                }
                Value::Map(t, m) => Value::Map(
                    t,
                    m.iter()
                        .map(|(k, e)| (k.clone(), mark_sensitive(e, &nb.block)))
                        .collect(),
                ),
                obj @ Value::Object(_) => mark_sensitive(&obj, &nb.block),
                other => other,
            };
            out.insert(k.clone(), y);
        }
    }
    Value::Object(out)
}

/// `sensitive_attributes` of a state instance.
fn sensitive_paths(v: &Value, block: &tfrs_provider::Block) -> Vec<serde_json::Value> {
    block
        .attributes
        .iter()
        .filter(|(k, a)| a.sensitive && v.get_attr(k).is_some_and(|x| !x.is_null()))
        .map(|(k, _)| AttrPath::attr(k).to_json())
        .collect()
}

/// `ignore_changes`: the listed attributes keep their prior values.
fn apply_ignore_changes(r: &Resource, config: &Value, prior: &Value) -> Value {
    let Some(expr) = &r.lifecycle.ignore_changes else {
        return config.clone();
    };
    if prior.is_null() {
        return config.clone();
    }
    let names: Vec<String> = match &expr.kind {
        crate::syntax::ast::ExprKind::Variable(v) if v == "all" => {
            return match (config.unmarked(), prior.unmarked()) {
                (Value::Object(_), Value::Object(p)) => Value::Object(p.clone()),
                _ => config.clone(),
            }
        }
        crate::syntax::ast::ExprKind::Tuple(items) => items
            .iter()
            .filter_map(|i| i.as_traversal().map(|t| t.root))
            .collect(),
        _ => Vec::new(),
    };
    match config.unmarked() {
        Value::Object(m) => {
            let mut out = m.clone();
            for n in names {
                if let Some(p) = prior.get_attr(&n) {
                    out.insert(n, p.clone());
                }
            }
            Value::Object(out)
        }
        _ => config.clone(),
    }
}

fn prevent_destroy_error(iaddr: &AbsInstance, r: &Resource) -> Diagnostics {
    diag_error(
        "Instance cannot be destroyed",
        format!("Resource {iaddr} has lifecycle.prevent_destroy set, but the plan calls for this resource to be destroyed. To avoid this error and continue with the plan, either disable lifecycle.prevent_destroy or reduce the scope of the plan using the -target option."),
        Some(r.decl_span),
    )
}

fn decode_private(inst: &InstanceState) -> Vec<u8> {
    use base64::Engine as _;
    inst.private
        .as_deref()
        .and_then(|p| base64::engine::general_purpose::STANDARD.decode(p).ok())
        .unwrap_or_default()
}

fn encode_private(p: &[u8]) -> Option<String> {
    use base64::Engine as _;
    (!p.is_empty()).then(|| base64::engine::general_purpose::STANDARD.encode(p))
}

/// Provider diagnostics as ours, at `span`; errors make it `Err`.
fn provider_diags(diags: tfrs_provider::Diags, span: Option<Span>) -> Result<(), Diagnostics> {
    let out = to_diagnostics(diags, span);
    if out.has_errors() {
        Err(out)
    } else {
        Ok(())
    }
}

/// Provider diagnostics as ours, warnings included, at `span`.
fn to_diagnostics(diags: tfrs_provider::Diags, span: Option<Span>) -> Diagnostics {
    let mut out = Diagnostics::new();
    for d in diags {
        let mut x = match d.severity {
            Severity::Error => Diagnostic::error(d.summary, d.detail),
            Severity::Warning => Diagnostic::warning(d.summary, d.detail),
        };
        x.subject = span;
        out.push(x);
    }
    out
}

/// A provider's validation diagnostics, each at the argument it names when
/// the block sets that argument (as Terraform elaborates an attribute path
/// against the configuration body), else at the block.
fn validation_diagnostics(diags: tfrs_provider::Diags, r: &Resource) -> Diagnostics {
    let mut out = Diagnostics::new();
    for d in diags {
        let argument = match d.attribute.as_ref().and_then(|p| p.0.first()) {
            Some(tfrs_provider::path::PathStep::Attr(name)) => r.body.attribute(name),
            _ => None,
        };
        let span = argument.map_or(r.decl_span, |a| a.span);
        out.extend(to_diagnostics(vec![d], Some(span)));
    }
    out
}

/// Names the resource in an apply error, as Terraform's "with" line does.
fn with_address(mut d: Diagnostics, iaddr: &AbsInstance) -> Diagnostics {
    for x in d.0.iter_mut() {
        if !x.detail.contains(&iaddr.to_string()) {
            x.detail = format!("{}\n\n(while applying {iaddr})", x.detail)
                .trim_start()
                .to_string();
        }
    }
    d
}
