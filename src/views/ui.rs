//! What `plan`, `apply`, `refresh` and `destroy` print while they run:
//! Terraform's UI hook (`addr: Creating...`, `Still creating... [10s
//! elapsed]`, `Creation complete after 2s [id=...]`), the plan, the final
//! summary and outputs, for humans ([`HumanUi`]) or as the `-json` stream
//! of one JSON object a line ([`JsonUi`]).
//!
//! Sinks are `Send + Sync`: the engine calls them from worker threads, and
//! every call writes its line(s) in one go under a lock.

use crate::addrs::{AbsInstance, InstanceKey, Mode};
use crate::command::TERRAFORM_VERSION;
use crate::lang::repl::format_value;
use crate::plans::{Action, ActionReason, Plan, PlanMode, ResourceChange};
use crate::views::color::colorize;
use crate::views::format::{
    go_duration, implied_provider, object_value_id, object_value_id_or_name, truncate_id,
    DEFAULT_COLUMNS,
};
use crate::views::json::resource_instance_str;
use crate::views::jsonv::Json;
use crate::views::plan::{next_step, render_with, PlanRenderOptions};
use crate::views::values::{type_json, value_json};
use crate::views::SchemaLookup;
use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tfrs_provider::{AttrPath, Value};

/// Version of the machine-readable UI.
pub const JSON_UI_VERSION: &str = "1.2";

/// An output value shown after apply.
#[derive(Clone, Debug)]
pub struct UiOutput {
    pub name: String,
    pub value: Value,
    pub sensitive: bool,
}

/// Resources changed by an apply, as Terraform's count hook tallies them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApplyCounts {
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub imported: usize,
}

/// The operation a change summary concludes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    Plan,
    Apply,
    Destroy,
}

/// What the engine and commands report while they run.
pub trait UiSink: Send + Sync {
    /// Before reading the current object of a resource (`Refreshing
    /// state... [id=...]`).
    fn refresh_start(&self, addr: &AbsInstance, deposed: Option<&str>, prior: &Value);
    /// After reading it (shown in the JSON stream only).
    fn refresh_complete(&self, addr: &AbsInstance, deposed: Option<&str>, new: &Value);
    /// Planning an import (`Preparing import... [id=...]`).
    fn import_prepare(&self, _addr: &AbsInstance, _id: &str) {}
    /// Applying an import: before (`done = false`) and after it is recorded.
    fn import_step(&self, _addr: &AbsInstance, _id: &str, _done: bool) {}
    /// Before one step of an apply: `Create`, `Update`, `Delete` or `Read`
    /// (a replacement is two steps, `Delete` and `Create`, in its order).
    /// `prior` is the object before the step (null when creating).
    fn apply_start(&self, addr: &AbsInstance, deposed: Option<&str>, action: Action, prior: &Value);
    /// Every 10 s while a step runs.
    fn still(&self, addr: &AbsInstance, action: Action, elapsed: Duration);
    /// After a step succeeded; `new` is the resulting object (null when
    /// destroyed).
    fn apply_complete(
        &self,
        addr: &AbsInstance,
        deposed: Option<&str>,
        action: Action,
        new: &Value,
    );
    /// After a step failed (the caller renders the error itself).
    fn apply_errored(&self, addr: &AbsInstance, deposed: Option<&str>, action: Action);
    /// The plan: the human rendering, or the JSON stream's drift, planned
    /// changes, change summary and output changes.
    fn plan(&self, plan: &Plan, schemas: &dyn SchemaLookup);
    /// One planned change (the JSON stream lists them when applying a
    /// saved plan; humans see nothing).
    fn planned_change(&self, change: &ResourceChange);
    /// What `terraform plan` prints after the plan (human only).
    fn plan_next_step(&self, plan_path: Option<&str>);
    /// `Apply complete! Resources: ...` / `Destroy complete! ...` with the
    /// counts gathered from the apply steps.
    fn apply_summary(&self, destroy: bool);
    /// The root module's outputs after apply.
    fn outputs(&self, outputs: &[UiOutput]);
    /// A diagnostic for the JSON stream (`diagnostic` is Terraform's
    /// diagnostic JSON object); humans get theirs rendered by the caller.
    fn diagnostic(&self, error: bool, summary: &str, diagnostic: &serde_json::Value);
    /// A free-form message.
    fn log(&self, message: &str);
    /// The counts gathered so far.
    fn counts(&self) -> ApplyCounts;
}

/// A clock giving the time since the Unix epoch (replaceable in tests).
pub type Clock = Box<dyn Fn() -> Duration + Send + Sync>;

fn system_clock() -> Clock {
    Box::new(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
    })
}

/// Go's `time.Time.Round(time.Second)` as whole seconds.
fn round_secs(d: Duration) -> u64 {
    let ms = d.as_millis();
    ((ms + 500) / 1000) as u64
}

/// A writer shared between threads, e.g. to capture a sink's output.
#[derive(Clone, Default)]
pub struct SharedBuffer(pub Arc<Mutex<Vec<u8>>>);

impl SharedBuffer {
    pub fn new() -> SharedBuffer {
        SharedBuffer::default()
    }
    pub fn contents(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl Write for SharedBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Clone)]
struct Progress {
    action: Action,
    id: Option<(String, String)>,
    start: u64,
}

struct Common {
    out: Mutex<Box<dyn Write + Send>>,
    progress: Mutex<HashMap<String, Progress>>,
    counts: Mutex<ApplyCounts>,
    clock: Clock,
}

impl Common {
    fn new(out: Box<dyn Write + Send>) -> Common {
        Common {
            out: Mutex::new(out),
            progress: Mutex::new(HashMap::new()),
            counts: Mutex::new(ApplyCounts::default()),
            clock: system_clock(),
        }
    }

    fn write(&self, s: &str) {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        let _ = out.write_all(s.as_bytes());
        let _ = out.flush();
    }

    fn now(&self) -> u64 {
        round_secs((self.clock)())
    }

    fn start(&self, addr: &AbsInstance, action: Action, id: Option<(String, String)>) {
        let p = Progress {
            action,
            id,
            start: self.now(),
        };
        self.progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(addr.to_string(), p);
    }

    /// Ends a step: its record and elapsed seconds; counts it on success.
    fn finish(&self, addr: &AbsInstance, ok: bool) -> Option<(Progress, u64)> {
        let p = self
            .progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&addr.to_string())?;
        let elapsed = self.now().saturating_sub(p.start);
        if ok {
            let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            match p.action {
                Action::Create => c.added += 1,
                Action::Update => c.changed += 1,
                Action::Delete => c.removed += 1,
                Action::CreateThenDelete | Action::DeleteThenCreate => {
                    c.added += 1;
                    c.removed += 1;
                }
                Action::NoOp | Action::Read | Action::Forget => {}
            }
        }
        Some((p, elapsed))
    }

    fn recorded(&self, addr: &AbsInstance) -> Option<Progress> {
        self.progress
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&addr.to_string())
            .cloned()
    }

    fn counts(&self) -> ApplyCounts {
        *self.counts.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn display_addr(addr: &AbsInstance, deposed: Option<&str>) -> String {
    match deposed {
        Some(d) => format!("{addr} (deposed object {d})"),
        None => addr.to_string(),
    }
}

fn id_suffix(id: &Option<(String, String)>) -> String {
    match id {
        Some((k, v)) if !k.is_empty() && !v.is_empty() => format!(" [{k}={v}]"),
        _ => String::new(),
    }
}

/// Colours a Go format string, then fills its `%s` verbs (as Terraform
/// calls `fmt.Sprintf(colorize.Color(format), ...)`).
fn color_fmt(template: &str, args: &[&str], color: bool) -> String {
    let c = colorize(template, color);
    let mut out = String::with_capacity(c.len() + 64);
    let mut parts = c.split("%s");
    out.push_str(parts.next().unwrap_or(""));
    for (i, p) in parts.enumerate() {
        out.push_str(args.get(i).copied().unwrap_or(""));
        out.push_str(p);
    }
    out
}

// ---------------------------------------------------------------- human

/// Options of the human UI.
#[derive(Clone, Debug)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
    /// `TF_IN_AUTOMATION`.
    pub in_automation: bool,
}

impl Default for HumanOptions {
    fn default() -> HumanOptions {
        HumanOptions {
            color: true,
            width: DEFAULT_COLUMNS,
            in_automation: false,
        }
    }
}

/// The UI for people (Terraform's `UiHook` and human views).
pub struct HumanUi {
    common: Common,
    opts: HumanOptions,
    relevant_attributes: Mutex<Option<Vec<(String, AttrPath)>>>,
}

impl HumanUi {
    pub fn new(out: Box<dyn Write + Send>, opts: HumanOptions) -> HumanUi {
        HumanUi {
            common: Common::new(out),
            opts,
            relevant_attributes: Mutex::new(None),
        }
    }

    /// Replaces the clock (time since the epoch) used for elapsed times.
    pub fn with_clock(mut self, clock: Clock) -> HumanUi {
        self.common.clock = clock;
        self
    }

    /// Terraform's relevant attributes, which limit the drift shown with
    /// the plan (see [`PlanRenderOptions::relevant_attributes`]).
    pub fn set_relevant_attributes(&self, attrs: Option<Vec<(String, AttrPath)>>) {
        *self
            .relevant_attributes
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = attrs;
    }

    fn line(&self, s: &str) {
        self.common.write(&format!("{s}\n"));
    }
}

impl UiSink for HumanUi {
    fn refresh_start(&self, addr: &AbsInstance, deposed: Option<&str>, prior: &Value) {
        let suffix = id_suffix(&object_value_id(prior));
        self.line(&color_fmt(
            "[reset][bold]%s: Refreshing state...%s",
            &[&display_addr(addr, deposed), &suffix],
            self.opts.color,
        ));
    }

    fn refresh_complete(&self, _addr: &AbsInstance, _deposed: Option<&str>, _new: &Value) {}

    fn import_prepare(&self, addr: &AbsInstance, id: &str) {
        self.line(&color_fmt(
            "[reset][bold]%s: Preparing import... [id=%s]",
            &[&addr.to_string(), id],
            self.opts.color,
        ));
    }

    fn import_step(&self, addr: &AbsInstance, id: &str, done: bool) {
        let text = if done {
            self.common
                .counts
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .imported += 1;
            "[reset][bold]%s: Import complete [id=%s]"
        } else {
            "[reset][bold]%s: Importing... [id=%s]"
        };
        self.line(&color_fmt(text, &[&addr.to_string(), id], self.opts.color));
    }

    fn apply_start(
        &self,
        addr: &AbsInstance,
        deposed: Option<&str>,
        action: Action,
        prior: &Value,
    ) {
        let op = match action {
            Action::Delete => "Destroying...",
            Action::Create => "Creating...",
            Action::Update => "Modifying...",
            Action::Read => "Reading...",
            Action::NoOp | Action::Forget => "",
            Action::CreateThenDelete | Action::DeleteThenCreate => {
                self.line(&format!(
                    "(Unknown action {action:?} for {})",
                    display_addr(addr, deposed)
                ));
                return;
            }
        };
        let id = object_value_id_or_name(prior).filter(|(k, v)| !k.is_empty() && !v.is_empty());
        if !op.is_empty() {
            self.line(&color_fmt(
                "[reset][bold]%s: %s%s[reset]",
                &[&display_addr(addr, deposed), op, &id_suffix(&id)],
                self.opts.color,
            ));
        }
        self.common.start(addr, action, id);
    }

    fn still(&self, addr: &AbsInstance, action: Action, elapsed: Duration) {
        let rec = self.common.recorded(addr);
        let action = rec.as_ref().map(|p| p.action).unwrap_or(action);
        let msg = match action {
            Action::Update => "Still modifying...",
            Action::Delete => "Still destroying...",
            Action::Create => "Still creating...",
            Action::Read => "Still reading...",
            _ => return,
        };
        let id = match rec.and_then(|p| p.id) {
            Some((k, v)) => format!("{k}={}, ", truncate_id(&v, 80)),
            None => String::new(),
        };
        self.line(&color_fmt(
            "[reset][bold]%s: %s [%s%s elapsed][reset]",
            &[
                &addr.to_string(),
                msg,
                &id,
                &go_duration(round_secs(elapsed)),
            ],
            self.opts.color,
        ));
    }

    fn apply_complete(
        &self,
        addr: &AbsInstance,
        deposed: Option<&str>,
        _action: Action,
        new: &Value,
    ) {
        let Some((p, elapsed)) = self.common.finish(addr, true) else {
            return;
        };
        let msg = match p.action {
            Action::Update => "Modifications complete",
            Action::Delete => "Destruction complete",
            Action::Create => "Creation complete",
            Action::Read => "Read complete",
            _ => return,
        };
        let suffix = id_suffix(&object_value_id(new));
        self.line(&color_fmt(
            "[reset][bold]%s: %s after %s%s",
            &[
                &display_addr(addr, deposed),
                msg,
                &go_duration(elapsed),
                &suffix,
            ],
            self.opts.color,
        ));
    }

    fn apply_errored(&self, addr: &AbsInstance, _deposed: Option<&str>, _action: Action) {
        self.common.finish(addr, false);
    }

    fn plan(&self, plan: &Plan, schemas: &dyn SchemaLookup) {
        let relevant = self
            .relevant_attributes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let o = PlanRenderOptions {
            color: self.opts.color,
            width: self.opts.width,
            relevant_attributes: relevant,
            in_automation: self.opts.in_automation,
        };
        self.common.write(&render_with(plan, schemas, &o));
    }

    fn planned_change(&self, _change: &ResourceChange) {}

    fn plan_next_step(&self, plan_path: Option<&str>) {
        self.common.write(&next_step(
            plan_path,
            self.opts.color,
            self.opts.width,
            self.opts.in_automation,
        ));
    }

    fn apply_summary(&self, destroy: bool) {
        let c = self.common.counts();
        let s = if destroy {
            colorize(
                &format!(
                    "[reset][bold][green]\nDestroy complete! Resources: {} destroyed.\n",
                    c.removed
                ),
                self.opts.color,
            )
        } else if c.imported > 0 {
            colorize(
                &format!(
                    "[reset][bold][green]\nApply complete! Resources: {} imported, {} added, {} changed, {} destroyed.\n",
                    c.imported, c.added, c.changed, c.removed
                ),
                self.opts.color,
            )
        } else {
            colorize(
                &format!(
                    "[reset][bold][green]\nApply complete! Resources: {} added, {} changed, {} destroyed.\n",
                    c.added, c.changed, c.removed
                ),
                self.opts.color,
            )
        };
        self.common.write(&s);
    }

    fn outputs(&self, outputs: &[UiOutput]) {
        if outputs.is_empty() {
            return;
        }
        let mut sorted: Vec<&UiOutput> = outputs.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        let mut buf = String::new();
        for o in sorted {
            if o.sensitive {
                buf.push_str(&format!("{} = <sensitive>\n", o.name));
            } else {
                buf.push_str(&format!("{} = {}\n", o.name, format_value(&o.value, 0)));
            }
        }
        let text = format!(
            "{}{}\n",
            colorize("[reset][bold][green]\nOutputs:\n\n", self.opts.color),
            buf.trim()
        );
        self.common.write(&text);
    }

    fn diagnostic(&self, _error: bool, _summary: &str, _diagnostic: &serde_json::Value) {}

    fn log(&self, message: &str) {
        self.line(message);
    }

    fn counts(&self) -> ApplyCounts {
        self.common.counts()
    }
}

// ---------------------------------------------------------------- JSON

/// The machine-readable UI (`-json`): one hclog-style JSON object a line.
pub struct JsonUi {
    common: Common,
    timestamp: Box<dyn Fn() -> String + Send + Sync>,
}

/// hclog's timestamp: local time with microseconds.
pub fn hclog_timestamp() -> String {
    let now = chrono::Local::now();
    now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

impl JsonUi {
    /// A JSON UI writing to `out`; writes the `version` message first, as
    /// Terraform does when it starts a JSON view.
    pub fn new(out: Box<dyn Write + Send>) -> JsonUi {
        let ui = JsonUi::quiet(out);
        ui.version();
        ui
    }

    /// A JSON UI that has not written its `version` message.
    pub fn quiet(out: Box<dyn Write + Send>) -> JsonUi {
        JsonUi {
            common: Common::new(out),
            timestamp: Box::new(hclog_timestamp),
        }
    }

    /// Replaces the clock (time since the epoch) used for elapsed times.
    pub fn with_clock(mut self, clock: Clock) -> JsonUi {
        self.common.clock = clock;
        self
    }

    /// Replaces the `@timestamp` source.
    pub fn with_timestamps(mut self, ts: Box<dyn Fn() -> String + Send + Sync>) -> JsonUi {
        self.timestamp = ts;
        self
    }

    /// The `version` message.
    pub fn version(&self) {
        self.emit(
            "info",
            &format!("Terraform {TERRAFORM_VERSION}"),
            vec![
                ("terraform", Json::str(TERRAFORM_VERSION)),
                ("type", Json::str("version")),
                ("ui", Json::str(JSON_UI_VERSION)),
            ],
        );
    }

    fn emit(&self, level: &str, message: &str, args: Vec<(&str, Json)>) {
        let mut members: Vec<(String, Json)> = vec![
            ("@level".into(), Json::str(level)),
            ("@message".into(), Json::str(message)),
            ("@module".into(), Json::str("terraform.ui")),
            ("@timestamp".into(), Json::str((self.timestamp)())),
        ];
        members.extend(args.into_iter().map(|(k, v)| (k.to_string(), v)));
        let line = format!("{}\n", Json::Object(members).sorted());
        self.common.write(&line);
    }

    fn hook(&self, message: &str, kind: &str, hook: Json) {
        self.emit(
            "info",
            message,
            vec![("hook", hook), ("type", Json::str(kind))],
        );
    }

    /// `views/json.ChangeSummary`.
    pub fn change_summary(
        &self,
        add: usize,
        change: usize,
        remove: usize,
        import: usize,
        op: Operation,
    ) {
        let (msg, op_name) = match op {
            Operation::Apply if import > 0 => (
                format!("Apply complete! Resources: {import} imported, {add} added, {change} changed, {remove} destroyed."),
                "apply",
            ),
            Operation::Apply => {
                (format!("Apply complete! Resources: {add} added, {change} changed, {remove} destroyed."), "apply")
            }
            Operation::Destroy => (format!("Destroy complete! Resources: {remove} destroyed."), "destroy"),
            Operation::Plan if import > 0 => (
                format!("Plan: {import} to import, {add} to add, {change} to change, {remove} to destroy."),
                "plan",
            ),
            Operation::Plan => (format!("Plan: {add} to add, {change} to change, {remove} to destroy."), "plan"),
        };
        let changes = Json::object()
            .with("add", Json::int(add as i64))
            .with("change", Json::int(change as i64))
            .with("import", Json::int(import as i64))
            .with("remove", Json::int(remove as i64))
            .with("operation", Json::str(op_name));
        self.emit(
            "info",
            &msg,
            vec![("changes", changes), ("type", Json::str("change_summary"))],
        );
    }

    fn resource_change_message(&self, rc: &ResourceChange, drift: bool) {
        let action = change_action(rc.action);
        let mut c = Json::object()
            .with("resource", resource_addr_json(&rc.addr))
            .with("action", Json::str(action));
        if let Some(r) = rc.reason {
            c.set("reason", Json::str(change_reason(r)));
        }
        if drift {
            self.emit(
                "info",
                &format!("{}: Drift detected ({action})", rc.addr),
                vec![("change", c), ("type", Json::str("resource_drift"))],
            );
        } else {
            self.emit(
                "info",
                &format!("{}: Plan to {action}", rc.addr),
                vec![("change", c), ("type", Json::str("planned_change"))],
            );
        }
    }
}

/// `views/json.ResourceAddr`.
pub fn resource_addr_json(addr: &AbsInstance) -> Json {
    let r = &addr.resource.resource;
    let key = match &addr.key {
        InstanceKey::None => Json::Null,
        InstanceKey::Int(i) => Json::int(*i),
        InstanceKey::Str(s) => Json::str(s.clone()),
    };
    Json::object()
        .with("addr", Json::str(addr.to_string()))
        .with("module", Json::str(addr.resource.module.to_string()))
        .with("resource", Json::str(resource_instance_str(addr)))
        .with(
            "implied_provider",
            Json::str(implied_provider(&r.type_name)),
        )
        .with("resource_type", Json::str(&r.type_name))
        .with("resource_name", Json::str(&r.name))
        .with("resource_key", key)
}

/// `views/json.changeAction`.
pub fn change_action(a: Action) -> &'static str {
    match a {
        Action::NoOp => "noop",
        Action::Create => "create",
        Action::Read => "read",
        Action::Update => "update",
        Action::DeleteThenCreate | Action::CreateThenDelete => "replace",
        Action::Delete => "delete",
        Action::Forget => "remove",
    }
}

/// `views/json.changeReason`.
pub fn change_reason(r: ActionReason) -> &'static str {
    match r {
        ActionReason::ReplaceBecauseTainted => "tainted",
        ActionReason::ReplaceByRequest => "requested",
        ActionReason::ReplaceByTriggers => "replace_triggered_by",
        ActionReason::ReplaceBecauseCannotUpdate => "cannot_update",
        other => other.json(),
    }
}

fn start_verb(a: Action) -> &'static str {
    match a {
        Action::Create => "Creating",
        Action::Update => "Modifying",
        Action::Delete => "Destroying",
        Action::Read => "Refreshing",
        Action::CreateThenDelete | Action::DeleteThenCreate => "Replacing",
        Action::NoOp => "Applying",
        Action::Forget => "Forgetting",
    }
}

fn progress_verb(a: Action) -> &'static str {
    match a {
        Action::Create => "creating",
        Action::Update => "modifying",
        Action::Delete => "destroying",
        Action::Read => "refreshing",
        Action::CreateThenDelete | Action::DeleteThenCreate => "replacing",
        Action::NoOp => "applying",
        Action::Forget => "forgetting",
    }
}

fn action_noun(a: Action) -> &'static str {
    match a {
        Action::Create => "Creation",
        Action::Update => "Modifications",
        Action::Delete => "Destruction",
        Action::Read => "Refresh",
        Action::CreateThenDelete | Action::DeleteThenCreate => "Replacement",
        Action::NoOp => "Apply",
        Action::Forget => "Forgetting",
    }
}

fn with_id(mut j: Json, id: &Option<(String, String)>) -> Json {
    if let Some((k, v)) = id {
        if !k.is_empty() {
            j.set("id_key", Json::str(k));
        }
        if !v.is_empty() {
            j.set("id_value", Json::str(v));
        }
    }
    j
}

impl UiSink for JsonUi {
    fn refresh_start(&self, addr: &AbsInstance, _deposed: Option<&str>, prior: &Value) {
        let id = object_value_id(prior);
        let hook = with_id(
            Json::object().with("resource", resource_addr_json(addr)),
            &id,
        );
        self.hook(
            &format!("{addr}: Refreshing state...{}", id_suffix(&id)),
            "refresh_start",
            hook,
        );
    }

    fn refresh_complete(&self, addr: &AbsInstance, _deposed: Option<&str>, new: &Value) {
        let id = object_value_id(new);
        let hook = with_id(
            Json::object().with("resource", resource_addr_json(addr)),
            &id,
        );
        self.hook(
            &format!("{addr}: Refresh complete{}", id_suffix(&id)),
            "refresh_complete",
            hook,
        );
    }

    fn apply_start(
        &self,
        addr: &AbsInstance,
        _deposed: Option<&str>,
        action: Action,
        prior: &Value,
    ) {
        let id = object_value_id_or_name(prior);
        if action != Action::NoOp {
            let hook = with_id(
                Json::object()
                    .with("resource", resource_addr_json(addr))
                    .with("action", Json::str(change_action(action))),
                &id,
            );
            self.hook(
                &format!("{addr}: {}...{}", start_verb(action), id_suffix(&id)),
                "apply_start",
                hook,
            );
        }
        self.common.start(addr, action, id);
    }

    fn still(&self, addr: &AbsInstance, action: Action, elapsed: Duration) {
        let action = self
            .common
            .recorded(addr)
            .map(|p| p.action)
            .unwrap_or(action);
        if action == Action::NoOp {
            return;
        }
        let secs = round_secs(elapsed);
        let hook = Json::object()
            .with("resource", resource_addr_json(addr))
            .with("action", Json::str(change_action(action)))
            .with("elapsed_seconds", Json::int(secs as i64));
        self.hook(
            &format!(
                "{addr}: Still {}... [{} elapsed]",
                progress_verb(action),
                go_duration(secs)
            ),
            "apply_progress",
            hook,
        );
    }

    fn apply_complete(
        &self,
        addr: &AbsInstance,
        _deposed: Option<&str>,
        _action: Action,
        new: &Value,
    ) {
        let Some((p, elapsed)) = self.common.finish(addr, true) else {
            return;
        };
        if p.action == Action::NoOp {
            return;
        }
        let id = object_value_id(new);
        let hook = with_id(
            Json::object()
                .with("resource", resource_addr_json(addr))
                .with("action", Json::str(change_action(p.action))),
            &id,
        )
        .with("elapsed_seconds", Json::int(elapsed as i64));
        self.hook(
            &format!(
                "{addr}: {} complete after {}{}",
                action_noun(p.action),
                go_duration(elapsed),
                id_suffix(&id)
            ),
            "apply_complete",
            hook,
        );
    }

    fn apply_errored(&self, addr: &AbsInstance, _deposed: Option<&str>, _action: Action) {
        let Some((p, elapsed)) = self.common.finish(addr, false) else {
            return;
        };
        if p.action == Action::NoOp {
            return;
        }
        let hook = Json::object()
            .with("resource", resource_addr_json(addr))
            .with("action", Json::str(change_action(p.action)))
            .with("elapsed_seconds", Json::int(elapsed as i64));
        self.hook(
            &format!(
                "{addr}: {} errored after {}",
                action_noun(p.action),
                go_duration(elapsed)
            ),
            "apply_errored",
            hook,
        );
    }

    fn plan(&self, plan: &Plan, _schemas: &dyn SchemaLookup) {
        for d in &plan.drift {
            if d.action != Action::NoOp || plan.mode == PlanMode::RefreshOnly {
                self.resource_change_message(d, true);
            }
        }
        let (mut add, mut change, mut remove) = (0, 0, 0);
        for c in &plan.changes {
            if c.action == Action::Delete && c.addr.resource.resource.mode == Mode::Data {
                continue;
            }
            match c.action {
                Action::Create => add += 1,
                Action::Delete => remove += 1,
                Action::Update => change += 1,
                Action::CreateThenDelete | Action::DeleteThenCreate => {
                    add += 1;
                    remove += 1;
                }
                _ => {}
            }
            if c.action != Action::NoOp {
                self.resource_change_message(c, false);
            }
        }
        self.change_summary(add, change, remove, 0, Operation::Plan);
        if !plan.output_changes.is_empty() {
            let outputs = Json::Object(
                plan.output_changes
                    .iter()
                    .map(|oc| {
                        (
                            oc.name.clone(),
                            Json::object()
                                .with("sensitive", Json::Bool(oc.sensitive))
                                .with("action", Json::str(change_action(oc.action))),
                        )
                    })
                    .collect(),
            )
            .sorted();
            self.emit(
                "info",
                &format!("Outputs: {}", plan.output_changes.len()),
                vec![("outputs", outputs), ("type", Json::str("outputs"))],
            );
        }
    }

    fn planned_change(&self, change: &ResourceChange) {
        if change.action == Action::Delete && change.addr.resource.resource.mode == Mode::Data {
            return;
        }
        self.resource_change_message(change, false);
    }

    fn plan_next_step(&self, _plan_path: Option<&str>) {}

    fn apply_summary(&self, destroy: bool) {
        let c = self.common.counts();
        let op = if destroy {
            Operation::Destroy
        } else {
            Operation::Apply
        };
        self.change_summary(c.added, c.changed, c.removed, c.imported, op);
    }

    fn outputs(&self, outputs: &[UiOutput]) {
        let members = Json::Object(
            outputs
                .iter()
                .map(|o| {
                    let (v, _) = o.value.clone().unmark_deep();
                    let mut j = Json::object()
                        .with("sensitive", Json::Bool(o.sensitive))
                        .with("type", type_json(&v.ty()));
                    if !o.sensitive {
                        j.set("value", value_json(&v));
                    }
                    (o.name.clone(), j)
                })
                .collect(),
        )
        .sorted();
        self.emit(
            "info",
            &format!("Outputs: {}", outputs.len()),
            vec![("outputs", members), ("type", Json::str("outputs"))],
        );
    }

    fn diagnostic(&self, error: bool, summary: &str, diagnostic: &serde_json::Value) {
        let (level, msg) = if error {
            ("error", format!("Error: {summary}"))
        } else {
            ("warn", format!("Warning: {summary}"))
        };
        self.emit(
            level,
            &msg,
            vec![
                ("diagnostic", Json::from_serde(diagnostic)),
                ("type", Json::str("diagnostic")),
            ],
        );
    }

    fn log(&self, message: &str) {
        self.emit("info", message, vec![("type", Json::str("log"))]);
    }

    fn counts(&self) -> ApplyCounts {
        self.common.counts()
    }
}
