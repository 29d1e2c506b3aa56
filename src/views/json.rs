//! Terraform's machine-readable formats: `terraform show -json` of a state
//! (`jsonstate`, format 1.0) and of a plan (`jsonplan`, format 1.2), with
//! the configuration summary of `jsonconfig`.

use crate::addrs::{AbsInstance, InstanceKey, Mode, ModuleInstance};
use crate::command::TERRAFORM_VERSION;
use crate::config;
use crate::plans::{Action, OutputChange, Plan, PlanMode, ResourceChange};
use crate::states::{ResourceState, State};
use crate::syntax::ast::{Expr, ExprKind, Step, TemplatePart, UnaryOp};
use crate::views::format::{instance_cmp, provider_source};
use crate::views::jsonv::Json;
use crate::views::values::{
    decode_state, known_json, mark_schema_sensitive, mark_state_paths, sensitive_as_bool,
    type_json, unknown_as_bool, value_json,
};
use crate::views::SchemaLookup;
use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;
use tfrs_provider::path::{Key, PathStep};
use tfrs_provider::schema::{Attribute, Block, Nesting};
use tfrs_provider::{AttrPath, Type, Value};

pub const STATE_FORMAT_VERSION: &str = "1.0";
pub const PLAN_FORMAT_VERSION: &str = "1.2";

/// The schema block for a resource, or one made up from the value's type
/// (every attribute plain) when the provider's schema is not at hand.
pub(crate) fn block_for<'s>(
    schemas: &'s dyn SchemaLookup,
    provider: &str,
    mode: Mode,
    type_name: &str,
    ty: &Type,
) -> (Cow<'s, Block>, u64) {
    match schemas.resource_schema(provider_source(provider), mode, type_name) {
        Some(s) => (Cow::Borrowed(&s.block), s.version),
        None => (Cow::Owned(fallback_block(ty)), 0),
    }
}

pub(crate) fn fallback_block(ty: &Type) -> Block {
    let mut b = Block::new();
    if let Type::Object(attrs, _) = ty {
        for (k, t) in attrs {
            b.attributes
                .insert(k.clone(), Attribute::optional(t.clone()));
        }
    }
    b
}

fn key_json(k: &InstanceKey) -> Option<Json> {
    match k {
        InstanceKey::None => None,
        InstanceKey::Int(i) => Some(Json::int(*i)),
        InstanceKey::Str(s) => Some(Json::str(s.clone())),
    }
}

/// The resource part of an address, without the module (`aws_x.y[0]`).
pub(crate) fn resource_instance_str(addr: &AbsInstance) -> String {
    format!("{}{}", addr.resource.resource, addr.key)
}

/// `jsonplan.ResourceChange`, kept structured for the renderer.
#[derive(Clone, Debug)]
pub struct ResourceChangeJson<'s> {
    pub addr: AbsInstance,
    pub address: String,
    pub module_address: String,
    pub mode: Mode,
    pub type_name: String,
    pub name: String,
    pub index: Option<Json>,
    pub provider_name: String,
    pub deposed: Option<String>,
    pub action: Action,
    pub reason: Option<crate::plans::ActionReason>,
    pub before: Json,
    /// `None` when the whole object is unknown.
    pub after: Option<Json>,
    pub after_unknown: Json,
    pub before_sensitive: Json,
    pub after_sensitive: Json,
    pub replace_paths: Vec<AttrPath>,
    /// The import ID when the plan imports the object.
    pub importing: Option<String>,
    /// The address before a `moved` block moved it.
    pub previous_address: Option<String>,
    /// The schema the change was marshalled with.
    pub block: Cow<'s, Block>,
}

impl ResourceChangeJson<'_> {
    pub fn to_json(&self) -> Json {
        let mut o = Json::object().with("address", Json::str(&self.address));
        if !self.module_address.is_empty() {
            o.set("module_address", Json::str(&self.module_address));
        }
        o.set("mode", Json::str(self.mode.as_str()));
        o.set("type", Json::str(&self.type_name));
        o.set("name", Json::str(&self.name));
        if let Some(i) = &self.index {
            o.set("index", i.clone());
        }
        if let Some(p) = &self.previous_address {
            o.set("previous_address", Json::str(p));
        }
        o.set("provider_name", Json::str(&self.provider_name));
        if let Some(d) = &self.deposed {
            o.set("deposed", Json::str(d));
        }
        let mut c = Json::object().with(
            "actions",
            Json::Array(
                self.action
                    .json_actions()
                    .iter()
                    .map(|a| Json::str(*a))
                    .collect(),
            ),
        );
        c.set("before", self.before.clone());
        if let Some(a) = &self.after {
            c.set("after", a.clone());
        }
        c.set("after_unknown", self.after_unknown.clone());
        c.set("before_sensitive", self.before_sensitive.clone());
        c.set("after_sensitive", self.after_sensitive.clone());
        if !self.replace_paths.is_empty() {
            c.set(
                "replace_paths",
                Json::Array(self.replace_paths.iter().map(path_json).collect()),
            );
        }
        if let Some(id) = &self.importing {
            c.set("importing", Json::object().with("id", Json::str(id)));
        }
        o.set("change", c);
        if let Some(r) = self.reason {
            o.set("action_reason", Json::str(r.json()));
        }
        o
    }
}

/// `encodePath`: attribute names as strings, indexes as their values.
pub fn path_json(p: &AttrPath) -> Json {
    Json::Array(
        p.0.iter()
            .map(|s| match s {
                PathStep::Attr(a) => Json::str(a.clone()),
                PathStep::Key(Key::Str(k)) => Json::str(k.clone()),
                PathStep::Key(Key::Int(i)) => Json::int(*i),
            })
            .collect(),
    )
}

/// `marshalResourceChange`.
pub fn marshal_resource_change<'s>(
    rc: &ResourceChange,
    schemas: &'s dyn SchemaLookup,
) -> ResourceChangeJson<'s> {
    let r = &rc.addr.resource.resource;
    let ty = if matches!(rc.ty, Type::Object(..)) {
        rc.ty.clone()
    } else if !rc.after.is_null() {
        rc.after.ty()
    } else {
        rc.before.ty()
    };
    let (block, _) = block_for(schemas, &rc.provider, r.mode, &r.type_name, &ty);
    let before = mark_schema_sensitive(rc.before.clone(), &block);
    let after = mark_schema_sensitive(rc.after.clone(), &block);
    let after_unknown = if after.is_wholly_known() {
        Json::object()
    } else {
        unknown_as_bool(&after)
    };
    ResourceChangeJson {
        addr: rc.addr.clone(),
        address: rc.addr.to_string(),
        module_address: rc.addr.resource.module.to_string(),
        mode: r.mode,
        type_name: r.type_name.clone(),
        name: r.name.clone(),
        index: key_json(&rc.addr.key),
        provider_name: provider_source(&rc.provider).to_string(),
        deposed: rc.deposed.clone(),
        action: rc.action,
        reason: rc.reason,
        before: value_json(&before),
        after: known_json(&after),
        after_unknown,
        before_sensitive: sensitive_as_bool(&before),
        after_sensitive: sensitive_as_bool(&after),
        replace_paths: rc.replace_paths.clone(),
        importing: rc.importing.clone(),
        previous_address: rc.prev_addr.as_ref().map(ToString::to_string),
        block,
    }
}

fn change_cmp(a: &ResourceChange, b: &ResourceChange) -> Ordering {
    instance_cmp(&a.addr, &b.addr).then_with(|| a.deposed.cmp(&b.deposed))
}

/// `MarshalResourceChanges`: sorted by address, data source deletions left
/// out.
pub fn marshal_resource_changes<'s>(
    changes: &[ResourceChange],
    schemas: &'s dyn SchemaLookup,
) -> Vec<ResourceChangeJson<'s>> {
    let mut sorted: Vec<&ResourceChange> = changes.iter().collect();
    sorted.sort_by(|a, b| change_cmp(a, b));
    sorted
        .into_iter()
        .filter(|rc| !(rc.addr.resource.resource.mode == Mode::Data && rc.action == Action::Delete))
        .map(|rc| marshal_resource_change(rc, schemas))
        .collect()
}

/// The drift Terraform reports: all of it in refresh-only mode, otherwise
/// the entries that change something.
pub fn reported_drift(plan: &Plan) -> Vec<ResourceChange> {
    plan.drift
        .iter()
        .filter(|d| plan.mode == PlanMode::RefreshOnly || d.action != Action::NoOp)
        .cloned()
        .collect()
}

/// `jsonplan.Change` of an output.
#[derive(Clone, Debug)]
pub struct OutputChangeJson {
    pub name: String,
    pub action: Action,
    pub before: Json,
    pub after: Option<Json>,
    pub after_unknown: Json,
    pub sensitive: bool,
}

impl OutputChangeJson {
    pub fn to_json(&self) -> Json {
        let mut c = Json::object().with(
            "actions",
            Json::Array(
                self.action
                    .json_actions()
                    .iter()
                    .map(|a| Json::str(*a))
                    .collect(),
            ),
        );
        c.set("before", self.before.clone());
        if let Some(a) = &self.after {
            c.set("after", a.clone());
        }
        c.set("after_unknown", self.after_unknown.clone());
        c.set("before_sensitive", Json::Bool(self.sensitive));
        c.set("after_sensitive", Json::Bool(self.sensitive));
        c
    }
}

/// `MarshalOutputChanges`, sorted by name.
pub fn marshal_output_changes(changes: &[OutputChange]) -> Vec<OutputChangeJson> {
    let mut out: Vec<OutputChangeJson> = changes
        .iter()
        .map(|oc| OutputChangeJson {
            name: oc.name.clone(),
            action: oc.action,
            before: value_json(&oc.before),
            after: known_json(&oc.after),
            after_unknown: if oc.after.is_wholly_known() {
                Json::Bool(false)
            } else {
                unknown_as_bool(&oc.after)
            },
            sensitive: oc.sensitive,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

// ---------------------------------------------------------------- plans

/// Extra inputs for the plan JSON that the [`Plan`] model does not carry.
#[derive(Default)]
pub struct PlanJsonOptions<'a> {
    /// The configuration, for the `configuration` summary.
    pub config: Option<&'a config::Module>,
    /// Terraform's `relevant_attributes`: the resource attributes the
    /// configuration refers to (resource address, attribute path).
    pub relevant_attributes: Vec<(String, AttrPath)>,
}

/// `terraform show -json PLANFILE`.
pub fn plan_to_json(
    plan: &Plan,
    config: Option<&config::Module>,
    schemas: &dyn SchemaLookup,
) -> String {
    plan_json(
        plan,
        schemas,
        &PlanJsonOptions {
            config,
            ..Default::default()
        },
    )
    .to_string()
}

/// The plan JSON as a tree.
pub fn plan_json(plan: &Plan, schemas: &dyn SchemaLookup, opts: &PlanJsonOptions<'_>) -> Json {
    let mut o = Json::object()
        .with("format_version", Json::str(PLAN_FORMAT_VERSION))
        .with("terraform_version", Json::str(TERRAFORM_VERSION));
    if !plan.variables.is_empty() {
        o.set(
            "variables",
            Json::Object(
                plan.variables
                    .iter()
                    .map(|(k, v)| (k.clone(), Json::object().with("value", value_json(v))))
                    .collect(),
            ),
        );
    }
    o.set("planned_values", planned_values(plan, schemas));
    let drift = marshal_resource_changes(&reported_drift(plan), schemas);
    if !drift.is_empty() {
        o.set(
            "resource_drift",
            Json::Array(drift.iter().map(ResourceChangeJson::to_json).collect()),
        );
    }
    let changes = marshal_resource_changes(&plan.changes, schemas);
    if !changes.is_empty() {
        o.set(
            "resource_changes",
            Json::Array(changes.iter().map(ResourceChangeJson::to_json).collect()),
        );
    }
    let outputs = marshal_output_changes(&plan.output_changes);
    if !outputs.is_empty() {
        o.set(
            "output_changes",
            Json::Object(
                outputs
                    .iter()
                    .map(|c| (c.name.clone(), c.to_json()))
                    .collect(),
            ),
        );
    }
    if !plan.prior_state.is_empty() {
        o.set("prior_state", state_json(&plan.prior_state, schemas));
    }
    o.set(
        "configuration",
        match opts.config {
            Some(m) => config_json(m, schemas),
            None => Json::object().with("root_module", Json::object()),
        },
    );
    if !opts.relevant_attributes.is_empty() {
        // Terraform's order here comes from an unstable sort of its own
        // internal order; the caller's order is kept.
        let ras = &opts.relevant_attributes;
        o.set(
            "relevant_attributes",
            Json::Array(
                ras.iter()
                    .map(|(r, p)| {
                        Json::object()
                            .with("resource", Json::str(r))
                            .with("attribute", path_json(p))
                    })
                    .collect(),
            ),
        );
    }
    if !plan.timestamp.is_empty() {
        o.set("timestamp", Json::str(&plan.timestamp));
    }
    o.set("applyable", Json::Bool(applyable(plan)));
    o.set(
        "complete",
        Json::Bool(!plan.errored && plan.targets.is_empty()),
    );
    o.set("errored", Json::Bool(plan.errored));
    o
}

/// Whether applying the plan would do anything (`plans.Plan.Applyable`).
pub fn applyable(plan: &Plan) -> bool {
    if plan.errored {
        return false;
    }
    match plan.mode {
        PlanMode::RefreshOnly => plan.drift.iter().any(|d| d.action != Action::NoOp),
        _ => plan.has_changes(),
    }
}

fn planned_values(plan: &Plan, schemas: &dyn SchemaLookup) -> Json {
    let mut outputs: Vec<(String, Json)> = Vec::new();
    for oc in &plan.output_changes {
        if oc.action == Action::Delete {
            continue;
        }
        let mut out = Json::object().with("sensitive", Json::Bool(oc.sensitive));
        if oc.after.is_wholly_known() {
            out.set("type", type_json(&oc.after.ty()));
            out.set("value", value_json(&oc.after));
        }
        outputs.push((oc.name.clone(), out));
    }
    outputs.sort_by(|a, b| a.0.cmp(&b.0));

    // Resources by module.
    let mut by_module: BTreeMap<String, (ModuleInstance, Vec<Json>)> = BTreeMap::new();
    let mut sorted: Vec<&ResourceChange> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::Delete && c.deposed.is_none())
        .collect();
    sorted.sort_by_key(|c| c.addr.to_string());
    for rc in sorted {
        let r = &rc.addr.resource.resource;
        let (block, version) = block_for(schemas, &rc.provider, r.mode, &r.type_name, &rc.ty);
        // Only the value's own marks here (`SensitiveAsBool(markedAfter)`),
        // unlike the change's `after_sensitive`.
        let _ = &block;
        let after = rc.after.clone();
        let mut j = Json::object()
            .with("address", Json::str(rc.addr.to_string()))
            .with("mode", Json::str(r.mode.as_str()))
            .with("type", Json::str(&r.type_name))
            .with("name", Json::str(&r.name));
        if let Some(i) = key_json(&rc.addr.key) {
            j.set("index", i);
        }
        j.set("provider_name", Json::str(provider_source(&rc.provider)));
        j.set("schema_version", Json::int(version as i64));
        if let Some(Json::Object(m)) = known_json(&after) {
            j.set("values", Json::Object(m));
        }
        j.set("sensitive_values", sensitive_as_bool(&after));
        let module = rc.addr.resource.module.clone();
        by_module
            .entry(module.to_string())
            .or_insert_with(|| (module, Vec::new()))
            .1
            .push(j);
    }
    let root = module_tree(&mut by_module, &ModuleInstance::root(), false);
    let mut pv = Json::object();
    if !outputs.is_empty() {
        pv.set("outputs", Json::Object(outputs));
    }
    pv.set("root_module", root);
    pv
}

/// Nests per-module resource lists into `root_module` / `child_modules`.
fn module_tree(
    by_module: &mut BTreeMap<String, (ModuleInstance, Vec<Json>)>,
    at: &ModuleInstance,
    with_address: bool,
) -> Json {
    let mut m = Json::object();
    if let Some((_, rs)) = by_module.get(&at.to_string()) {
        if !rs.is_empty() {
            m.set("resources", Json::Array(rs.clone()));
        }
    }
    if with_address {
        m.set("address", Json::str(at.to_string()));
    }
    // Direct children that hold resources themselves or below them.
    let mut children: Vec<ModuleInstance> = Vec::new();
    for (_, (mi, _)) in by_module.iter() {
        if mi.0.len() > at.0.len() && mi.0.starts_with(&at.0) {
            let child = ModuleInstance(mi.0[..at.0.len() + 1].to_vec());
            if !children.contains(&child) {
                children.push(child);
            }
        }
    }
    children.sort_by_key(|c| c.to_string());
    if !children.is_empty() {
        let kids: Vec<Json> = children
            .iter()
            .map(|c| module_tree(by_module, c, true))
            .collect();
        m.set("child_modules", Json::Array(kids));
    }
    m
}

// ---------------------------------------------------------------- states

/// A resource instance object of a state, decoded with its schema.
pub(crate) struct StateInstance<'s> {
    pub address: String,
    pub mode: Mode,
    pub type_name: String,
    pub name: String,
    pub index: Option<Json>,
    pub provider_name: String,
    pub schema_version: u64,
    /// The object, sensitive parts marked.
    pub value: Value,
    pub block: Cow<'s, Block>,
    pub depends_on: Vec<String>,
    pub tainted: bool,
    pub deposed: Option<String>,
}

impl StateInstance<'_> {
    pub fn values_json(&self) -> Option<Json> {
        match value_json(&self.value) {
            Json::Object(m) => Some(Json::Object(m)),
            _ => None,
        }
    }

    pub fn to_json(&self) -> Json {
        let mut j = Json::object()
            .with("address", Json::str(&self.address))
            .with("mode", Json::str(self.mode.as_str()))
            .with("type", Json::str(&self.type_name))
            .with("name", Json::str(&self.name));
        if let Some(i) = &self.index {
            j.set("index", i.clone());
        }
        j.set("provider_name", Json::str(&self.provider_name));
        j.set("schema_version", Json::int(self.schema_version as i64));
        if let Some(v) = self.values_json() {
            j.set("values", v);
        }
        j.set("sensitive_values", sensitive_as_bool(&self.value));
        if !self.depends_on.is_empty() {
            j.set(
                "depends_on",
                Json::Array(self.depends_on.iter().map(Json::str).collect()),
            );
        }
        if self.tainted {
            j.set("tainted", Json::Bool(true));
        }
        if let Some(d) = &self.deposed {
            j.set("deposed_key", Json::str(d));
        }
        j
    }
}

fn resource_cmp(a: &ResourceState, b: &ResourceState) -> Ordering {
    let (x, y) = (a.address(), b.address());
    let (ra, rb) = (&x.resource, &y.resource);
    (ra.mode != Mode::Data)
        .cmp(&(rb.mode != Mode::Data))
        .then_with(|| ra.type_name.cmp(&rb.type_name))
        .then_with(|| ra.name.cmp(&rb.name))
}

/// The state's modules, each with its instances in Terraform's order.
pub(crate) fn state_modules<'s>(
    state: &State,
    schemas: &'s dyn SchemaLookup,
) -> Vec<(ModuleInstance, Vec<StateInstance<'s>>)> {
    let mut modules: BTreeMap<String, (ModuleInstance, Vec<&ResourceState>)> = BTreeMap::new();
    for r in &state.resources {
        let m = r.address().module;
        modules
            .entry(m.to_string())
            .or_insert_with(|| (m, Vec::new()))
            .1
            .push(r);
    }
    let mut out = Vec::new();
    for (_, (module, mut rs)) in modules {
        rs.sort_by(|a, b| resource_cmp(a, b));
        let mut insts = Vec::new();
        for r in rs {
            let addr = r.address();
            let mode = addr.resource.mode;
            let source = provider_source(&r.provider).to_string();
            let schema = schemas.resource_schema(&source, mode, &r.type_name);
            let mut objs: Vec<_> = r.instances.iter().collect();
            objs.sort_by(|a, b| {
                InstanceKey::from_json(a.index_key.as_ref())
                    .cmp(&InstanceKey::from_json(b.index_key.as_ref()))
                    .then_with(|| a.deposed.is_some().cmp(&b.deposed.is_some()))
                    .then_with(|| a.deposed.cmp(&b.deposed))
            });
            for inst in objs {
                let key = InstanceKey::from_json(inst.index_key.as_ref());
                let (block, value) = match schema {
                    Some(s) => {
                        let v = decode_state(&inst.attributes, &s.block.value_type());
                        (Cow::Borrowed(&s.block), v)
                    }
                    None => {
                        let v = tfrs_provider::json::infer(&inst.attributes);
                        (Cow::Owned(fallback_block(&v.ty())), v)
                    }
                };
                let value = mark_state_paths(value, &inst.sensitive_attributes);
                let value = mark_schema_sensitive(value, &block);
                insts.push(StateInstance {
                    address: addr.instance(key.clone()).to_string(),
                    mode,
                    type_name: r.type_name.clone(),
                    name: r.name.clone(),
                    index: key_json(&key),
                    provider_name: source.clone(),
                    schema_version: inst.schema_version,
                    value,
                    block,
                    depends_on: inst.dependencies.clone(),
                    tainted: inst.is_tainted(),
                    deposed: inst.deposed.clone(),
                });
            }
        }
        out.push((module, insts));
    }
    out
}

/// A state output's value, decoded with its type, marked if sensitive.
pub(crate) fn state_output_value(o: &crate::states::OutputState) -> (Value, Type) {
    let ty = Type::from_json(&o.ty).unwrap_or(Type::Dynamic);
    (decode_state(&o.value, &ty), ty)
}

/// `terraform show -json` of a state.
pub fn state_to_json(state: &State, schemas: &dyn SchemaLookup) -> String {
    state_json(state, schemas).to_string()
}

/// The state JSON as a tree.
pub fn state_json(state: &State, schemas: &dyn SchemaLookup) -> Json {
    let mut o = Json::object().with("format_version", Json::str(STATE_FORMAT_VERSION));
    if state.is_empty() {
        return o;
    }
    o.set("terraform_version", Json::str(&state.terraform_version));
    let mut values = Json::object();
    if !state.outputs.is_empty() {
        values.set(
            "outputs",
            Json::Object(
                state
                    .outputs
                    .iter()
                    .map(|(k, out)| {
                        let (v, ty) = state_output_value(out);
                        (
                            k.clone(),
                            Json::object()
                                .with("sensitive", Json::Bool(out.sensitive))
                                .with("value", value_json(&v))
                                .with("type", type_json(&ty)),
                        )
                    })
                    .collect(),
            ),
        );
    }
    let mods = state_modules(state, schemas);
    let mut by_module: BTreeMap<String, (ModuleInstance, Vec<Json>)> = BTreeMap::new();
    for (m, insts) in &mods {
        by_module.insert(
            m.to_string(),
            (
                m.clone(),
                insts.iter().map(StateInstance::to_json).collect(),
            ),
        );
    }
    values.set(
        "root_module",
        module_tree(&mut by_module, &ModuleInstance::root(), false),
    );
    o.set("values", values);
    o
}

// ---------------------------------------------------------------- configuration

/// The full provider source address for a local name.
fn provider_full_name(m: &config::Module, local: &str) -> String {
    if let Some(rp) = m.required_providers.get(local) {
        let parts: Vec<&str> = rp.source.split('/').collect();
        return match parts.len() {
            2 => format!("registry.terraform.io/{}", rp.source.to_lowercase()),
            3 => rp.source.to_lowercase(),
            _ => format!("registry.terraform.io/hashicorp/{local}"),
        };
    }
    if local == "terraform" {
        return "terraform.io/builtin/terraform".into();
    }
    format!("registry.terraform.io/hashicorp/{local}")
}

/// A resource's provider configuration (`aws` or `aws.west`).
fn resource_provider_key(r: &config::Resource) -> String {
    if let Some(t) = r.provider.as_ref().and_then(Expr::as_traversal) {
        let mut s = t.root.clone();
        for step in &t.steps {
            if let Step::Attr(a) = step {
                s.push('.');
                s.push_str(a);
            }
        }
        return s;
    }
    crate::views::format::implied_provider(&r.type_name).to_string()
}

fn config_json(m: &config::Module, schemas: &dyn SchemaLookup) -> Json {
    let mut pcs: BTreeMap<String, Json> = BTreeMap::new();
    for pc in &m.providers {
        let key = match &pc.alias {
            Some(a) => format!("{}.{a}", pc.name),
            None => pc.name.clone(),
        };
        let full = provider_full_name(m, &pc.name);
        let mut p = Json::object()
            .with("name", Json::str(&pc.name))
            .with("full_name", Json::str(&full));
        if let Some(a) = &pc.alias {
            p.set("alias", Json::str(a));
        }
        if let Some(v) = m
            .required_providers
            .get(&pc.name)
            .and_then(|r| r.version.clone())
        {
            p.set("version_constraint", Json::str(v));
        }
        let exprs = match schemas.provider_schema(&full) {
            Some(s) => expressions_json(&pc.body, Some(&s.block)),
            None => {
                // Without the schema: every argument but the meta-arguments.
                let mut body = pc.body.clone();
                body.attributes
                    .retain(|a| a.name != "alias" && a.name != "version");
                expressions_json(&body, None)
            }
        };
        if exprs.as_object().is_some_and(|o| !o.is_empty()) {
            p.set("expressions", exprs);
        }
        pcs.insert(key, p);
    }
    let mut locals: Vec<String> = m.required_providers.keys().cloned().collect();
    for r in m.resources.values() {
        let k = resource_provider_key(r);
        let local = k.split('.').next().unwrap_or("").to_string();
        if !locals.contains(&local) {
            locals.push(local);
        }
    }
    for local in locals {
        if pcs.contains_key(&local) {
            continue;
        }
        let full = provider_full_name(m, &local);
        let mut p = Json::object()
            .with("name", Json::str(&local))
            .with("full_name", Json::str(&full));
        if let Some(v) = m
            .required_providers
            .get(&local)
            .and_then(|r| r.version.clone())
        {
            p.set("version_constraint", Json::str(v));
        }
        pcs.insert(local, p);
    }
    let mut out = Json::object();
    if !pcs.is_empty() {
        out.set("provider_config", Json::Object(pcs.into_iter().collect()));
    }
    out.set("root_module", module_config_json(m, schemas));
    out
}

fn module_config_json(m: &config::Module, schemas: &dyn SchemaLookup) -> Json {
    let mut out = Json::object();
    if !m.outputs.is_empty() {
        out.set(
            "outputs",
            Json::Object(
                m.outputs
                    .values()
                    .map(|o| {
                        let mut j = Json::object();
                        if o.sensitive {
                            j.set("sensitive", Json::Bool(true));
                        }
                        j.set(
                            "expression",
                            o.expr
                                .as_ref()
                                .map(expression_json)
                                .unwrap_or_else(Json::object),
                        );
                        let deps: Vec<Json> = o
                            .depends_on
                            .iter()
                            .filter_map(ref_subject)
                            .map(Json::str)
                            .collect();
                        if !deps.is_empty() {
                            j.set("depends_on", Json::Array(deps));
                        }
                        (o.name.clone(), j)
                    })
                    .collect(),
            ),
        );
    }
    let mut managed: Vec<(String, Json)> = Vec::new();
    let mut data: Vec<(String, Json)> = Vec::new();
    for r in m.resources.values() {
        let address = r.address();
        let source =
            provider_full_name(m, resource_provider_key(r).split('.').next().unwrap_or(""));
        let schema = schemas.resource_schema(&source, r.mode, &r.type_name);
        let mut j = Json::object()
            .with("address", Json::str(&address))
            .with("mode", Json::str(r.mode.as_str()))
            .with("type", Json::str(&r.type_name))
            .with("name", Json::str(&r.name))
            .with("provider_config_key", Json::str(resource_provider_key(r)));
        let exprs = expressions_json(&r.body, schema.map(|s| &s.block));
        if exprs.as_object().is_some_and(|o| !o.is_empty()) {
            j.set("expressions", exprs);
        }
        j.set(
            "schema_version",
            Json::int(schema.map(|s| s.version).unwrap_or(0) as i64),
        );
        set_count_for_each(&mut j, r.count.as_ref(), r.for_each.as_ref());
        let deps: Vec<Json> = r
            .depends_on
            .iter()
            .filter_map(ref_subject)
            .map(Json::str)
            .collect();
        if !deps.is_empty() {
            j.set("depends_on", Json::Array(deps));
        }
        match r.mode {
            Mode::Managed => managed.push((address, j)),
            Mode::Data => data.push((address, j)),
        }
    }
    managed.sort_by(|a, b| a.0.cmp(&b.0));
    data.sort_by(|a, b| a.0.cmp(&b.0));
    let resources: Vec<Json> = managed.into_iter().chain(data).map(|(_, j)| j).collect();
    if !resources.is_empty() {
        out.set("resources", Json::Array(resources));
    }
    if !m.module_calls.is_empty() {
        out.set(
            "module_calls",
            Json::Object(
                m.module_calls
                    .values()
                    .map(|mc| {
                        let mut j = Json::object().with("source", Json::str(&mc.source));
                        let exprs = Json::Object(
                            mc.inputs
                                .iter()
                                .map(|a| (a.name.clone(), expression_json(&a.expr)))
                                .collect(),
                        )
                        .sorted();
                        if exprs.as_object().is_some_and(|o| !o.is_empty()) {
                            j.set("expressions", exprs);
                        }
                        set_count_for_each(&mut j, mc.count.as_ref(), mc.for_each.as_ref());
                        j.set("module", Json::object());
                        let deps: Vec<Json> = mc
                            .depends_on
                            .iter()
                            .filter_map(ref_subject)
                            .map(Json::str)
                            .collect();
                        if !deps.is_empty() {
                            j.set("depends_on", Json::Array(deps));
                        }
                        (mc.name.clone(), j)
                    })
                    .collect(),
            ),
        );
    }
    if !m.variables.is_empty() {
        out.set(
            "variables",
            Json::Object(
                m.variables
                    .values()
                    .map(|v| {
                        let mut j = Json::object();
                        if let Some(d) = v.default.as_ref().and_then(constant_value) {
                            let d = match &v.ty {
                                Some(tc) => {
                                    tfrs_provider::convert::convert(&d, &tc.ty).unwrap_or(d)
                                }
                                None => d,
                            };
                            j.set("default", value_json(&d));
                        }
                        if let Some(desc) = v.description.as_ref().filter(|d| !d.is_empty()) {
                            j.set("description", Json::str(desc));
                        }
                        if v.sensitive {
                            j.set("sensitive", Json::Bool(true));
                        }
                        (v.name.clone(), j)
                    })
                    .collect(),
            ),
        );
    }
    out
}

/// `count_expression`, else `for_each_expression`, when not empty.
fn set_count_for_each(j: &mut Json, count: Option<&Expr>, for_each: Option<&Expr>) {
    let non_empty = |e: Json| e.as_object().is_some_and(|o| !o.is_empty()).then_some(e);
    if let Some(c) = count.map(expression_json).and_then(non_empty) {
        j.set("count_expression", c);
    } else if let Some(f) = for_each.map(expression_json).and_then(non_empty) {
        j.set("for_each_expression", f);
    }
}

/// `marshalExpressions`: the body's arguments (and nested blocks) that the
/// schema knows; every argument when there is no schema.
fn expressions_json(body: &crate::syntax::ast::Body, block: Option<&Block>) -> Json {
    let mut out: Vec<(String, Json)> = Vec::new();
    for a in &body.attributes {
        if block.is_none_or(|b| b.attributes.contains_key(&a.name)) {
            out.push((a.name.clone(), expression_json(&a.expr)));
        }
    }
    if let Some(block) = block {
        // Attributes of list-of-object type written as blocks
        // (`blocktoattr.FixUpBlockAttrs`).
        for (name, a) in &block.attributes {
            let Some(ety) = object_list_element(&a.ty) else {
                continue;
            };
            if body.attribute(name).is_some() || !body.blocks.iter().any(|b| b.type_name == *name) {
                continue;
            }
            let blocks: Vec<&crate::syntax::ast::Block> = body.blocks_of(name).collect();
            out.push((name.clone(), blocks_as_attribute_json(&blocks, ety)));
        }
        for b in &body.blocks {
            let Some(nb) = block.blocks.get(&b.type_name) else {
                continue;
            };
            let inner = expressions_json(&b.body, Some(&nb.block));
            match nb.nesting {
                Nesting::Single | Nesting::Group => out.push((b.type_name.clone(), inner)),
                Nesting::List | Nesting::Set => {
                    match out.iter_mut().find(|(k, _)| *k == b.type_name) {
                        Some((_, Json::Array(items))) => items.push(inner),
                        _ => out.push((b.type_name.clone(), Json::Array(vec![inner]))),
                    }
                }
                Nesting::Map => {
                    let label = b.labels.first().cloned().unwrap_or_default();
                    match out.iter_mut().find(|(k, _)| *k == b.type_name) {
                        Some((_, m @ Json::Object(_))) => m.set(label, inner),
                        _ => out.push((b.type_name.clone(), Json::object().with(label, inner))),
                    }
                }
            }
        }
    }
    Json::Object(out).sorted()
}

/// The element type of a list or set of objects.
fn object_list_element(t: &Type) -> Option<&Type> {
    match t {
        Type::List(e) | Type::Set(e) if matches!(**e, Type::Object(..)) => Some(e),
        _ => None,
    }
}

/// One block written for an attribute of object type: its value, when it
/// is constant.
fn block_object_value(body: &crate::syntax::ast::Body, ety: &Type) -> Option<Value> {
    let Type::Object(attrs, _) = ety else {
        return None;
    };
    let mut m = BTreeMap::new();
    for (k, t) in attrs {
        let v = if let Some(a) = body.attribute(k) {
            let v = constant_value(&a.expr)?;
            tfrs_provider::convert::convert(&v, t).ok()?
        } else if let Some(inner) =
            object_list_element(t).filter(|_| body.blocks.iter().any(|b| b.type_name == *k))
        {
            let items = body
                .blocks_of(k)
                .map(|b| block_object_value(&b.body, inner))
                .collect::<Option<Vec<_>>>()?;
            Value::List(inner.clone(), items)
        } else {
            Value::Null(t.clone())
        };
        m.insert(k.clone(), v);
    }
    Some(Value::Object(m))
}

fn block_references(body: &crate::syntax::ast::Body, out: &mut Vec<String>) {
    let mut attrs: Vec<&crate::syntax::ast::Attribute> = body.attributes.iter().collect();
    attrs.sort_by(|a, b| a.name.cmp(&b.name));
    for a in attrs {
        for t in a.expr.traversals() {
            out.extend(reference_strings(&t.root, &t.steps));
        }
    }
    for b in &body.blocks {
        block_references(&b.body, out);
    }
}

/// The expression Terraform makes of blocks written for an attribute.
fn blocks_as_attribute_json(blocks: &[&crate::syntax::ast::Block], ety: &Type) -> Json {
    let mut j = Json::object();
    if let Some(items) = blocks
        .iter()
        .map(|b| block_object_value(&b.body, ety))
        .collect::<Option<Vec<_>>>()
    {
        j.set(
            "constant_value",
            value_json(&Value::List(ety.clone(), items)),
        );
    }
    let mut refs = Vec::new();
    for b in blocks {
        block_references(&b.body, &mut refs);
    }
    if !refs.is_empty() {
        j.set(
            "references",
            Json::Array(refs.into_iter().map(Json::str).collect()),
        );
    }
    j
}

/// `marshalExpression`: the constant value, if the expression is one, and
/// the references it makes.
fn expression_json(e: &Expr) -> Json {
    let mut j = Json::object();
    if let Some(v) = constant_value(e) {
        if v.is_wholly_known() {
            j.set("constant_value", value_json(&v));
        }
    }
    let mut refs: Vec<String> = Vec::new();
    for t in e.traversals() {
        refs.extend(reference_strings(&t.root, &t.steps));
    }
    if !refs.is_empty() {
        j.set(
            "references",
            Json::Array(refs.into_iter().map(Json::str).collect()),
        );
    }
    j
}

/// The value of an expression that needs no evaluation context.
fn constant_value(e: &Expr) -> Option<Value> {
    match &e.kind {
        ExprKind::Literal(v) => Some(v.clone()),
        ExprKind::Parens(inner) => constant_value(inner),
        ExprKind::Template(parts) => {
            if let [TemplatePart::Interp(inner)] = parts.as_slice() {
                return constant_value(inner);
            }
            let mut s = String::new();
            for p in parts {
                match p {
                    TemplatePart::Literal(l) => s.push_str(l),
                    TemplatePart::Interp(inner) => match constant_value(inner)? {
                        Value::String(x) => s.push_str(&x),
                        Value::Number(n) => s.push_str(&n.to_terraform_string()),
                        Value::Bool(b) => s.push_str(if b { "true" } else { "false" }),
                        _ => return None,
                    },
                    _ => return None,
                }
            }
            Some(Value::String(s))
        }
        ExprKind::Tuple(items) => Some(Value::Tuple(
            items
                .iter()
                .map(constant_value)
                .collect::<Option<Vec<_>>>()?,
        )),
        ExprKind::Object(items) => {
            let mut m = BTreeMap::new();
            for item in items {
                let k = if item.key_is_ident {
                    match &item.key.kind {
                        ExprKind::Variable(n) => n.clone(),
                        _ => return None,
                    }
                } else {
                    match constant_value(&item.key)? {
                        Value::String(s) => s,
                        Value::Number(n) => n.to_terraform_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => return None,
                    }
                };
                m.insert(k, constant_value(&item.value)?);
            }
            Some(Value::Object(m))
        }
        ExprKind::Unary(UnaryOp::Not, inner) => match constant_value(inner)? {
            Value::Bool(b) => Some(Value::Bool(!b)),
            _ => None,
        },
        ExprKind::Unary(UnaryOp::Negate, inner) => match constant_value(inner)? {
            Value::Number(n) => Some(Value::Number(n.neg())),
            _ => None,
        },
        _ => None,
    }
}

fn step_str(s: &Step) -> String {
    match s {
        Step::Attr(a) => format!(".{a}"),
        Step::Index(v) => match v {
            Value::String(s) => format!("[{}]", crate::lang::repl::go_quote(s)),
            Value::Number(n) => format!("[{}]", n.to_terraform_string()),
            _ => "[]".into(),
        },
    }
}

fn key_str(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(format!("[{}]", crate::lang::repl::go_quote(s))),
        Value::Number(n) => Some(format!("[{}]", n.to_terraform_string())),
        _ => None,
    }
}

/// `addrs.ParseRef`: the referenced object and the steps after it; with
/// the subject's own container (resource of an instance, call of a module
/// output) when Terraform lists it too.
fn parse_ref(root: &str, steps: &[Step]) -> Option<(String, Vec<Step>, Option<String>)> {
    let attr = |i: usize| match steps.get(i) {
        Some(Step::Attr(a)) => Some(a.clone()),
        _ => None,
    };
    match root {
        "var" | "local" | "count" | "each" | "path" | "terraform" => {
            let name = attr(0)?;
            Some((format!("{root}.{name}"), steps[1..].to_vec(), None))
        }
        "self" => Some(("self".into(), steps.to_vec(), None)),
        "module" => {
            let name = attr(0)?;
            let mut call = format!("module.{name}");
            let mut i = 1;
            let mut keyed = false;
            if let Some(Step::Index(k)) = steps.get(1) {
                call.push_str(&key_str(k)?);
                i = 2;
                keyed = true;
            }
            match attr(i) {
                Some(out) => Some((format!("{call}.{out}"), steps[i + 1..].to_vec(), Some(call))),
                None => Some((
                    call.clone(),
                    steps[i..].to_vec(),
                    keyed.then(|| format!("module.{name}")),
                )),
            }
        }
        _ => {
            let (prefix, type_name, name, rest) = if root == "data" {
                let t = attr(0)?;
                let n = attr(1)?;
                (format!("data.{t}.{n}"), t, n, &steps[2..])
            } else {
                let n = attr(0)?;
                (format!("{root}.{n}"), root.to_string(), n, &steps[1..])
            };
            let _ = (type_name, name);
            if let Some(Step::Index(k)) = rest.first() {
                let inst = format!("{prefix}{}", key_str(k)?);
                return Some((inst, rest[1..].to_vec(), Some(prefix)));
            }
            Some((prefix, rest.to_vec(), None))
        }
    }
}

fn reference_strings(root: &str, steps: &[Step]) -> Vec<String> {
    let Some((subject, remaining, container)) = parse_ref(root, steps) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut n = remaining.len();
    while n > 0 {
        let tail: String = remaining[..n].iter().map(step_str).collect();
        out.push(format!("{subject}{tail}"));
        n -= 1;
    }
    out.push(subject);
    if let Some(c) = container {
        out.push(c);
    }
    out
}

/// The subject of a `depends_on` entry.
fn ref_subject(e: &Expr) -> Option<String> {
    let t = e.as_traversal()?;
    parse_ref(&t.root, &t.steps).map(|(s, _, _)| s)
}
