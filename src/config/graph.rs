//! The dependencies between a configuration's resources, as `terraform
//! graph` shows them by default (`Graph.ResourceGraph` of the plan graph):
//! Terraform's plan graph of configuration objects (resources, module
//! variables, locals, outputs, module expansion and closing nodes, provider
//! configurations) with its reference edges, reduced to the resources,
//! keeping an edge wherever a path through other objects joined two
//! resources, then transitively reduced.
//!
//! Only the configuration is read (references from `Expr::traversals`);
//! no provider runs.

use super::{Module, Resource};
use crate::addrs::{self, Mode};
use crate::syntax::ast::{Body, Expr, Step, Traversal};
use std::collections::{BTreeMap, BTreeSet};

/// A resource in the configuration: its module's static path (call names
/// from the root) and its address in that module.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConfigResource {
    pub module: Vec<String>,
    pub resource: addrs::Resource,
}

impl ConfigResource {
    /// `module.a.module.b`, empty for the root module.
    pub fn module_string(&self) -> String {
        module_string(&self.module)
    }
}

impl std::fmt::Display for ConfigResource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.module.is_empty() {
            write!(f, "{}", self.resource)
        } else {
            write!(f, "{}.{}", self.module_string(), self.resource)
        }
    }
}

fn module_string(path: &[String]) -> String {
    path.iter()
        .map(|n| format!("module.{n}"))
        .collect::<Vec<_>>()
        .join(".")
}

/// Resources and which resources each one directly depends on.
#[derive(Clone, Debug, Default)]
pub struct ResourceGraph {
    /// In Terraform's display order: by module, data sources before
    /// managed resources, then by type and name.
    pub nodes: Vec<ConfigResource>,
    /// `(from, to)`: `nodes[from]` depends on `nodes[to]`.
    pub edges: BTreeSet<(usize, usize)>,
}

impl ResourceGraph {
    /// The edges in Terraform's output order: by source, then by target,
    /// both in node order.
    pub fn ordered_edges(&self) -> Vec<(&ConfigResource, &ConfigResource)> {
        self.edges
            .iter()
            .map(|(a, b)| (&self.nodes[*a], &self.nodes[*b]))
            .collect()
    }
}

/// A node of the plan graph.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Node {
    Resource(ConfigResource),
    /// An input variable of a child module.
    Var(Vec<String>, String),
    Local(Vec<String>, String),
    Output(Vec<String>, String),
    /// A module call's expansion (its count and for_each, its depends_on).
    Expand(Vec<String>),
    /// The end of a module: after everything in it.
    Close(Vec<String>),
    /// A provider configuration block: module path and `name` or
    /// `name.alias`.
    Provider(Vec<String>, String),
}

struct Builder<'m> {
    modules: BTreeMap<Vec<String>, &'m Module>,
    index: BTreeMap<Node, usize>,
    nodes: Vec<Node>,
    deps: Vec<BTreeSet<usize>>,
}

impl<'m> Builder<'m> {
    fn add(&mut self, n: Node) -> usize {
        if let Some(i) = self.index.get(&n) {
            return *i;
        }
        let i = self.nodes.len();
        self.index.insert(n.clone(), i);
        self.nodes.push(n);
        self.deps.push(BTreeSet::new());
        i
    }

    fn connect(&mut self, from: usize, to: usize) {
        if from != to {
            self.deps[from].insert(to);
        }
    }

    /// The nodes a reference made in the module at `path` refers to
    /// (Terraform's `ReferenceMap.References`, with its fallbacks from an
    /// instance to the whole resource or module call).
    fn referenced(&self, path: &[String], t: &Traversal) -> Vec<usize> {
        let attr = |i: usize| match t.steps.get(i) {
            Some(Step::Attr(a)) => Some(a.clone()),
            _ => None,
        };
        let here = path.to_vec();
        let nodes: Vec<Node> = match t.root.as_str() {
            "path" | "terraform" | "count" | "each" | "self" => Vec::new(),
            // Root variables are known before the walk: no node.
            "var" if path.is_empty() => Vec::new(),
            "var" => attr(0).map(|n| Node::Var(here, n)).into_iter().collect(),
            "local" => attr(0).map(|n| Node::Local(here, n)).into_iter().collect(),
            "module" => {
                let Some(name) = attr(0) else {
                    return Vec::new();
                };
                let mut child = here;
                child.push(name);
                let Some(cm) = self.modules.get(&child) else {
                    return Vec::new();
                };
                // `module.m.out` and `module.m[0].out` name one output;
                // `module.m` and `module.m[0]` the whole call.
                let rest = match t.steps.get(1) {
                    Some(Step::Index(_)) => t.steps.get(2),
                    other => other,
                };
                match rest {
                    Some(Step::Attr(o)) => vec![Node::Output(child, o.clone())],
                    Some(Step::Index(_)) => Vec::new(),
                    None => {
                        let mut v = vec![Node::Expand(child.clone()), Node::Close(child.clone())];
                        v.extend(
                            cm.outputs
                                .keys()
                                .map(|o| Node::Output(child.clone(), o.clone())),
                        );
                        v
                    }
                }
            }
            "data" => match (attr(0), attr(1)) {
                (Some(ty), Some(name)) => vec![Node::Resource(ConfigResource {
                    module: here,
                    resource: addrs::Resource {
                        mode: Mode::Data,
                        type_name: ty,
                        name,
                    },
                })],
                _ => Vec::new(),
            },
            ty => attr(0)
                .map(|name| {
                    Node::Resource(ConfigResource {
                        module: here,
                        resource: addrs::Resource {
                            mode: Mode::Managed,
                            type_name: ty.to_string(),
                            name,
                        },
                    })
                })
                .into_iter()
                .collect(),
        };
        nodes
            .iter()
            .filter_map(|n| self.index.get(n).copied())
            .collect()
    }

    fn connect_refs<'e>(
        &mut self,
        from: usize,
        path: &[String],
        exprs: impl IntoIterator<Item = &'e Expr>,
    ) {
        let mut traversals = Vec::new();
        for e in exprs {
            traversals.extend(e.traversals());
        }
        self.connect_traversals(from, path, &traversals);
    }

    fn connect_traversals(&mut self, from: usize, path: &[String], traversals: &[Traversal]) {
        for t in traversals {
            for to in self.referenced(path, t) {
                self.connect(from, to);
            }
        }
    }

    /// The provider configuration block a resource in the module at `path`
    /// uses, if one is written anywhere: the module's own, or one passed
    /// down with `providers = {}`, or (for a default configuration) the
    /// parent's of the same name.
    fn provider_of(&self, path: &[String], r: &Resource) -> Option<Node> {
        let mut key = local_provider_key(r);
        let mut path = path.to_vec();
        loop {
            let m = self.modules.get(&path)?;
            if m.providers.iter().any(|p| provider_block_key(p) == key) {
                return Some(Node::Provider(path, key));
            }
            let (name, parent) = path.split_last()?;
            let call = self.modules.get(parent)?.module_calls.get(name)?;
            match call.providers.iter().find(|(child, _)| *child == key) {
                Some((_, given)) => key = given.clone(),
                None if key.contains('.') => return None,
                None => {}
            }
            path = parent.to_vec();
        }
    }
}

fn provider_block_key(p: &super::ProviderConfig) -> String {
    match &p.alias {
        Some(a) => format!("{}.{a}", p.name),
        None => p.name.clone(),
    }
}

/// The provider key a resource names in its own module: `aws`, `aws.west`.
fn local_provider_key(r: &Resource) -> String {
    if let Some(t) = r.provider.as_ref().and_then(Expr::as_traversal) {
        return match t.steps.first() {
            Some(Step::Attr(a)) => format!("{}.{a}", t.root),
            _ => t.root,
        };
    }
    match r.type_name.find('_') {
        Some(i) => r.type_name[..i].to_string(),
        None => r.type_name.clone(),
    }
}

fn body_traversals(body: &Body, out: &mut Vec<Traversal>) {
    for a in &body.attributes {
        out.extend(a.expr.traversals());
    }
    for b in &body.blocks {
        body_traversals(&b.body, out);
    }
}

fn collect_modules<'m>(
    path: Vec<String>,
    m: &'m Module,
    out: &mut BTreeMap<Vec<String>, &'m Module>,
) {
    for (name, child) in &m.children {
        let mut p = path.clone();
        p.push(name.clone());
        collect_modules(p, child, out);
    }
    out.insert(path, m);
}

/// The resource graph of `root` (loaded with its children by
/// [`super::load_tree`]); `state_resources` are the resources a state
/// holds (module path without instance keys), which appear as nodes of
/// their own when the configuration no longer has them.
pub fn resource_graph(root: &Module, state_resources: &[ConfigResource]) -> ResourceGraph {
    let mut modules = BTreeMap::new();
    collect_modules(Vec::new(), root, &mut modules);
    let mut b = Builder {
        modules,
        index: BTreeMap::new(),
        nodes: Vec::new(),
        deps: Vec::new(),
    };

    // Nodes first, so references can find them.
    let modules: Vec<(Vec<String>, &Module)> =
        b.modules.iter().map(|(p, m)| (p.clone(), *m)).collect();
    for (path, m) in &modules {
        for r in m.resources.values() {
            b.add(Node::Resource(config_resource(path, r)));
        }
        if !path.is_empty() {
            b.add(Node::Expand(path.clone()));
            b.add(Node::Close(path.clone()));
            for v in m.variables.keys() {
                b.add(Node::Var(path.clone(), v.clone()));
            }
        }
        for l in m.locals.keys() {
            b.add(Node::Local(path.clone(), l.clone()));
        }
        for o in m.outputs.keys() {
            b.add(Node::Output(path.clone(), o.clone()));
        }
        for p in &m.providers {
            b.add(Node::Provider(path.clone(), provider_block_key(p)));
        }
    }
    for r in state_resources {
        b.add(Node::Resource(r.clone()));
    }

    // Reference edges, and each node's edge to its module's expansion.
    for (path, m) in &modules {
        let expand = (!path.is_empty()).then(|| b.index[&Node::Expand(path.clone())]);
        for r in m.resources.values() {
            let i = b.index[&Node::Resource(config_resource(path, r))];
            let mut refs = Vec::new();
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
            b.connect_traversals(i, path, &refs);
            if let Some(p) = b
                .provider_of(path, r)
                .and_then(|p| b.index.get(&p).copied())
            {
                b.connect(i, p);
            }
            if let Some(x) = expand {
                b.connect(i, x);
            }
        }
        for (name, l) in &m.locals {
            let i = b.index[&Node::Local(path.clone(), name.clone())];
            b.connect_refs(i, path, [&l.expr]);
            if let Some(x) = expand {
                b.connect(i, x);
            }
        }
        for (name, o) in &m.outputs {
            let i = b.index[&Node::Output(path.clone(), name.clone())];
            b.connect_refs(
                i,
                path,
                o.expr.iter().chain(o.depends_on.iter()).chain(
                    o.preconditions
                        .iter()
                        .flat_map(|c| [&c.condition, &c.error_message]),
                ),
            );
            if let Some(x) = expand {
                b.connect(i, x);
            }
        }
        for p in &m.providers {
            let i = b.index[&Node::Provider(path.clone(), provider_block_key(p))];
            let mut refs = Vec::new();
            body_traversals(&p.body, &mut refs);
            b.connect_traversals(i, path, &refs);
            if let Some(x) = expand {
                b.connect(i, x);
            }
        }
        // A module call: its expansion refers to the calling module's
        // objects, as do its input variables' values.
        if let Some((name, parent)) = path.split_last() {
            let Some(call) = b
                .modules
                .get(parent)
                .and_then(|pm| pm.module_calls.get(name))
            else {
                continue;
            };
            let x = b.index[&Node::Expand(path.clone())];
            b.connect_refs(
                x,
                parent,
                call.count
                    .iter()
                    .chain(call.for_each.iter())
                    .chain(call.depends_on.iter()),
            );
            if !parent.is_empty() {
                let px = b.index[&Node::Expand(parent.to_vec())];
                b.connect(x, px);
            }
            for v in m.variables.keys() {
                let i = b.index[&Node::Var(path.clone(), v.clone())];
                if let Some(input) = call.inputs.iter().find(|a| a.name == *v) {
                    b.connect_refs(i, parent, [&input.expr]);
                }
                b.connect(i, x);
            }
        }
    }
    // Resources only the state has belong to their module too.
    for r in state_resources {
        if r.module.is_empty() {
            continue;
        }
        if let Some(x) = b.index.get(&Node::Expand(r.module.clone())).copied() {
            let i = b.index[&Node::Resource(r.clone())];
            b.connect(i, x);
        }
    }
    // A module's closing node comes after everything in it, its child
    // modules included.
    let closes: Vec<(Vec<String>, usize)> = b
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match n {
            Node::Close(p) => Some((p.clone(), i)),
            _ => None,
        })
        .collect();
    for (cpath, ci) in &closes {
        for i in 0..b.nodes.len() {
            let inside = match &b.nodes[i] {
                Node::Resource(r) => r.module == *cpath,
                Node::Var(p, _) | Node::Local(p, _) | Node::Output(p, _) | Node::Provider(p, _) => {
                    p == cpath
                }
                // A call's node is in the module that makes the call.
                Node::Expand(p) => p.len() == cpath.len() + 1 && p.starts_with(cpath) || p == cpath,
                Node::Close(p) => p.len() > cpath.len() && p.starts_with(cpath),
            };
            if inside {
                b.connect(*ci, i);
            }
        }
    }

    reduce(&b)
}

fn config_resource(path: &[String], r: &Resource) -> ConfigResource {
    ConfigResource {
        module: path.to_vec(),
        resource: addrs::Resource {
            mode: r.mode,
            type_name: r.type_name.clone(),
            name: r.name.clone(),
        },
    }
}

/// Terraform's display order of resources.
fn display_cmp(a: &ConfigResource, b: &ConfigResource) -> std::cmp::Ordering {
    a.module_string()
        .cmp(&b.module_string())
        .then_with(|| (a.resource.mode != Mode::Data).cmp(&(b.resource.mode != Mode::Data)))
        .then_with(|| a.resource.type_name.cmp(&b.resource.type_name))
        .then_with(|| a.resource.name.cmp(&b.resource.name))
}

/// Keeps the resources, joined wherever a path through other nodes joined
/// them, and drops every edge another path implies.
fn reduce(b: &Builder<'_>) -> ResourceGraph {
    let mut resources: Vec<(usize, ConfigResource)> = b
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, n)| match n {
            Node::Resource(r) => Some((i, r.clone())),
            _ => None,
        })
        .collect();
    resources.sort_by(|x, y| display_cmp(&x.1, &y.1));
    let position: BTreeMap<usize, usize> = resources
        .iter()
        .enumerate()
        .map(|(pos, (i, _))| (*i, pos))
        .collect();

    // Direct resource dependencies through non-resource nodes.
    let mut direct: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); resources.len()];
    for (pos, (i, _)) in resources.iter().enumerate() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<usize> = b.deps[*i].iter().copied().collect();
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            match position.get(&n) {
                Some(p) if *p != pos => {
                    direct[pos].insert(*p);
                }
                Some(_) => {}
                None => stack.extend(b.deps[n].iter().copied()),
            }
        }
    }

    // Transitive reduction: drop u -> w when w is reachable from another
    // of u's dependencies.
    let reach: Vec<BTreeSet<usize>> = (0..resources.len())
        .map(|start| {
            let mut seen = BTreeSet::new();
            let mut stack: Vec<usize> = direct[start].iter().copied().collect();
            while let Some(n) = stack.pop() {
                if seen.insert(n) {
                    stack.extend(direct[n].iter().copied());
                }
            }
            seen
        })
        .collect();
    let mut edges = BTreeSet::new();
    for (u, targets) in direct.iter().enumerate() {
        for &w in targets {
            let implied = targets.iter().any(|&v| v != w && reach[v].contains(&w));
            if !implied {
                edges.insert((u, w));
            }
        }
    }
    ResourceGraph {
        nodes: resources.into_iter().map(|(_, r)| r).collect(),
        edges,
    }
}
