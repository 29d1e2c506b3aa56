//! `tfrs plan`, `apply`, `destroy` and `refresh`: load, validate, lock the
//! state, plan, show, ask, apply, persist after every change.

use super::flags::{self, Kind, Parsed};
use crate::addrs::{parse_target, InstanceKey, Target};
use crate::backend::lock::{parse_duration, LockOptions};
use crate::backend::{Backend, LocalConfig, StateManager};
use crate::config;
use crate::diag::{Diagnostic, Diagnostics, SourceMap};
use crate::engine::variables::{input_values, Inputs, VarArg};
use crate::engine::{builtin_providers, Engine, Hooks, RunOptions};
use crate::plans::file::SavedPlan;
use crate::plans::{Action, PlanMode};
use crate::states::{new_lineage, State};
use crate::views::ui::{HumanOptions, HumanUi, JsonUi, Operation, UiOutput, UiSink};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tfrs_provider::{ProviderSchema, Type, Value};

/// Set by SIGINT/SIGTERM: start nothing new, finish what runs, persist.
pub static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_signal(_: libc::c_int) {
    if STOP.swap(true, Ordering::SeqCst) {
        // A second interrupt aborts at once; the state was persisted after
        // every completed change.
        unsafe { libc::_exit(130) };
    }
}

fn install_signal_handlers() {
    unsafe {
        libc::signal(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        libc::signal(libc::SIGTERM, on_signal as *const () as libc::sighandler_t);
    }
}

const SPEC: &[(&str, Kind)] = &[
    ("auto-approve", Kind::Bool),
    ("var", Kind::Value),
    ("var-file", Kind::Value),
    ("out", Kind::Value),
    ("target", Kind::Value),
    ("replace", Kind::Value),
    ("refresh", Kind::Bool),
    ("refresh-only", Kind::Bool),
    ("destroy", Kind::Bool),
    ("parallelism", Kind::Value),
    ("lock", Kind::Bool),
    ("lock-timeout", Kind::Value),
    ("input", Kind::Bool),
    ("no-color", Kind::Bool),
    ("json", Kind::Bool),
    ("compact-warnings", Kind::Bool),
    ("detailed-exitcode", Kind::Bool),
    ("state", Kind::Value),
    ("state-out", Kind::Value),
    ("backup", Kind::Value),
];

/// Schemas of every built-in provider, keyed by source address.
pub fn all_schemas() -> BTreeMap<String, ProviderSchema> {
    builtin_providers()
        .into_iter()
        .map(|b| (b.source.to_string(), (b.new)().schema().clone()))
        .collect()
}

struct UiHooks<'a> {
    ui: &'a dyn UiSink,
    state: Mutex<&'a mut StateManager>,
    persist_errors: Mutex<Vec<String>>,
}

fn id_object(id: Option<&str>) -> Value {
    match id {
        Some(i) => Value::Object([("id".to_string(), Value::string(i))].into_iter().collect()),
        None => Value::null(),
    }
}

impl Hooks for UiHooks<'_> {
    fn pre_refresh(&self, addr: &crate::addrs::AbsInstance, id: Option<&str>) {
        self.ui.refresh_start(addr, None, &id_object(id));
    }
    fn pre_apply(&self, addr: &crate::addrs::AbsInstance, action: Action, id: Option<&str>) {
        self.ui.apply_start(addr, None, action, &id_object(id));
    }
    fn still_applying(&self, addr: &crate::addrs::AbsInstance, action: Action, elapsed: Duration) {
        self.ui.still(addr, action, elapsed);
    }
    fn post_apply(
        &self,
        addr: &crate::addrs::AbsInstance,
        action: Action,
        id: Option<&str>,
        _elapsed: Duration,
        ok: bool,
    ) {
        if ok {
            // Terraform names no ID once an object is destroyed.
            let id = if action == Action::Delete { None } else { id };
            self.ui.apply_complete(addr, None, action, &id_object(id));
        } else {
            self.ui.apply_errored(addr, None, action);
        }
    }
    fn import_prepare(&self, addr: &crate::addrs::AbsInstance, id: &str) {
        self.ui.import_prepare(addr, id);
    }
    fn import_step(&self, addr: &crate::addrs::AbsInstance, id: &str, done: bool) {
        self.ui.import_step(addr, id, done);
    }
    fn state_changed(&self, state: &State) {
        let mut s = state.clone();
        if let Ok(mut mgr) = self.state.lock() {
            if let Err(e) = mgr.persist(&mut s) {
                if let Ok(mut errs) = self.persist_errors.lock() {
                    errs.push(e.to_string());
                }
            }
        }
    }
}

/// `plan`, `apply`, `destroy` or `refresh`.
pub fn run(command: &str, args: &[String]) -> i32 {
    let parsed = match flags::parse(args, SPEC) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    install_signal_handlers();
    let json = parsed.bool("json");
    let color =
        !parsed.bool("no-color") && !json && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let ui: Box<dyn UiSink> = if json {
        Box::new(JsonUi::new(Box::new(std::io::stdout())))
    } else {
        Box::new(HumanUi::new(
            Box::new(std::io::stdout()),
            HumanOptions {
                color,
                in_automation: std::env::var_os("TF_IN_AUTOMATION").is_some(),
                ..HumanOptions::default()
            },
        ))
    };
    let sources = SourceMap::default();
    let style = super::style(parsed.bool("no-color"));
    let report = |d: &Diagnostics| {
        if json {
            for x in d.iter() {
                let v = crate::command::validate::diagnostic_json(x, &sources);
                ui.diagnostic(x.is_error(), &x.summary, &v);
            }
        } else {
            super::print_diagnostics_styled(d, &sources, style);
        }
        d.has_errors()
    };
    match execute(command, &parsed, ui.as_ref(), &sources) {
        Ok(code) => code,
        Err(d) => {
            report(&d);
            1
        }
    }
}

fn execute(
    command: &str,
    parsed: &Parsed,
    ui: &dyn UiSink,
    sources: &SourceMap,
) -> Result<i32, Diagnostics> {
    // A saved plan given to apply.
    let plan_file: Option<SavedPlan> = match (command, parsed.positional.first()) {
        ("apply", Some(path)) => {
            let text = std::fs::read_to_string(path).map_err(|e| Diagnostic::error("Failed to load plan file", format!("Could not read the plan file {path:?}: {e}.")))?;
            let saved = crate::plans::file::decode(&text).map_err(|e| {
                Diagnostic::error(
                    "Failed to load plan file",
                    format!("The file {path:?} is not a plan file saved by tfrs plan -out: {e}."),
                )
            })?;
            Some(saved)
        }
        ("import", _) => None,
        (_, Some(dir)) => {
            return Err(Diagnostic::error(
                "Too many command line arguments",
                format!("Expected no positional arguments, got {dir:?}. To set the working directory, use -chdir."),
            )
            .into())
        }
        _ => None,
    };
    let dir = std::path::Path::new(".");
    if !config::has_config_files(dir) {
        return Err(Diagnostic::error(
            "No configuration files",
            format!("{} requires configuration to be present. Planning without a configuration would mark everything for destruction, which is normally not what is desired. If you would like to destroy everything, run {command} with the -destroy option. Otherwise, create a Terraform configuration file (.tf file) and try again.", capitalize(command)),
        )
        .into());
    }
    let (module, d) = config::load_tree(dir, sources);
    if d.has_errors() {
        return Err(d);
    }
    let mut warnings = d;
    let import = if command == "import" {
        Some(import_request(&parsed.positional, &module)?)
    } else {
        None
    };
    let v = crate::lang::validate::validate_module_with_schemas(
        &module,
        sources,
        &super::provider_schemas(),
    );
    if v.has_errors() {
        return Err(v);
    }
    warnings.extend(v);

    let mode = match (&plan_file, command) {
        (Some(p), _) => p.plan.mode,
        (None, "destroy") => PlanMode::Destroy,
        (None, "refresh") => PlanMode::RefreshOnly,
        _ if parsed.bool("destroy") => PlanMode::Destroy,
        _ if parsed.bool("refresh-only") => PlanMode::RefreshOnly,
        _ => PlanMode::Normal,
    };
    let target_strs: Vec<String> = plan_file
        .as_ref()
        .map(|p| p.plan.targets.clone())
        .unwrap_or_else(|| parsed.values("target").to_vec());
    let replace_strs: Vec<String> = plan_file
        .as_ref()
        .map(|p| p.replace.clone())
        .unwrap_or_else(|| parsed.values("replace").to_vec());
    let mut targets = Vec::new();
    if let Some((addr, _)) = &import {
        targets.push(Target::Instance(addr.clone()));
    }
    for t in &target_strs {
        targets.push(
            parse_target(t)
                .map_err(|e| Diagnostic::error("Invalid target address", e.to_string()))?,
        );
    }
    let mut replace = Vec::new();
    for r in &replace_strs {
        match parse_target(r)
            .map_err(|e| Diagnostic::error("Invalid replace address", e.to_string()))?
        {
            Target::Instance(i) => replace.push(i),
            Target::Resource(r) => replace.push(r.instance(InstanceKey::None)),
            Target::Module(_) => {
                return Err(Diagnostic::error(
                    "Invalid replace address",
                    "A -replace address must name a resource instance.",
                )
                .into())
            }
        }
    }
    let parallelism = match parsed.value("parallelism") {
        Some(n) => n.parse::<usize>().ok().filter(|n| *n > 0).ok_or_else(|| {
            Diagnostic::error(
                "Invalid -parallelism",
                format!("The value {n:?} is not a positive number."),
            )
        })?,
        None => 10,
    };
    let refresh = plan_file
        .as_ref()
        .map(|p| p.refresh)
        .unwrap_or_else(|| parsed.bool_or("refresh", true));

    let (backend, backend_warnings) = Backend::configured(
        ".",
        LocalConfig {
            state: parsed.value("state").map(Into::into),
            state_out: parsed.value("state-out").map(Into::into),
            backup: parsed.value("backup").map(Into::into),
            ..LocalConfig::default()
        },
        module.backend.as_ref(),
        sources,
    )
    .map_err(|e| match e {
        crate::backend::BackendError::Config(d) => d,
        other => Diagnostic::error("Failed to load the backend", other.to_string()).into(),
    })?;
    warnings.extend(backend_warnings);
    let workspace = backend
        .current_workspace()
        .map_err(|e| Diagnostic::error("Failed to select the workspace", e.to_string()))?;
    let lock_timeout = match parsed.value("lock-timeout") {
        Some(t) => parse_duration(t).map_err(|e| Diagnostic::error("Invalid -lock-timeout", e))?,
        None => Duration::ZERO,
    };
    let operation = match command {
        "plan" => "OperationTypePlan",
        "refresh" => "OperationTypeRefresh",
        "import" => "OperationTypeImport",
        _ => "OperationTypeApply",
    };
    let mut lock_opts = LockOptions::new(operation);
    lock_opts.lock = parsed.bool_or("lock", true);
    lock_opts.timeout = lock_timeout;
    // Terraform tells a person (not the -json stream) that it is waiting.
    let mut notice = || println!("Acquiring state lock. This may take a few moments...");
    if !parsed.bool("json") {
        lock_opts.on_slow = Some(&mut notice);
    }
    let mut mgr = backend
        .lock_state(&workspace, &mut lock_opts)
        .map_err(|e| {
            // The backend's warnings (deprecated settings) go with the error.
            let mut d = warnings.clone();
            d.push(match e {
                crate::backend::BackendError::Lock(_) => crate::backend::lock::lock_diagnostic(&e),
                other => Diagnostic::error("Failed to load state", other.to_string()),
            });
            d
        })?;
    let prior = mgr
        .state()
        .cloned()
        .unwrap_or_else(|| State::new(new_lineage()));
    let prior_version = mgr
        .state()
        .map(|s| (s.lineage.clone(), s.serial))
        .unwrap_or_default();
    if let Some(pf) = &plan_file {
        if (pf.state_lineage.clone(), pf.state_serial) != prior_version {
            return Err(Diagnostic::error(
                "Saved plan is stale",
                "The given plan file can no longer be applied because the state was changed by another operation after the plan was created.",
            )
            .into());
        }
    }

    let interactive = parsed.bool_or(
        "input",
        std::env::var("TF_INPUT")
            .map(|v| v != "0" && v != "false")
            .unwrap_or(true),
    );
    let variables = match &plan_file {
        Some(pf) => pf.plan.variables.clone(),
        None => {
            let mut var_args = Vec::new();
            // Keep -var and -var-file in command-line order.
            for a in &parsed.ordered {
                match a.0.as_str() {
                    "var" => var_args.push(VarArg::Var(a.1.clone())),
                    "var-file" => var_args.push(VarArg::File(a.1.clone())),
                    _ => {}
                }
            }
            input_values(
                &module,
                &Inputs {
                    args: &var_args,
                    interactive: interactive && plan_file.is_none(),
                },
                sources,
            )?
        }
    };

    let opts = RunOptions {
        parallelism,
        refresh,
        mode,
        targets,
        replace,
        workspace: workspace.clone(),
        imports: import.iter().cloned().collect(),
    };
    if import.is_some() {
        let hooks = ImportHooks {
            color: !parsed.bool("no-color") && std::io::IsTerminal::is_terminal(&std::io::stdout()),
        };
        let engine = Engine::new(&module, &prior, &opts, &hooks, &STOP)?;
        let (plan, d) = engine.plan(&prior, variables);
        if d.has_errors() {
            return Err(d);
        }
        let mut state = plan.prior_state.clone();
        let schemas = all_schemas();
        for c in plan.changes.iter().filter(|c| c.importing.is_some()) {
            let version = schemas
                .get(crate::views::format::provider_source(&c.provider))
                .and_then(|s| s.resources.get(&c.addr.resource.resource.type_name))
                .map(|s| s.version)
                .unwrap_or(0);
            let (before, _) = c.before.clone().unmark_deep();
            let inst = crate::states::InstanceState {
                index_key: None,
                status: None,
                deposed: None,
                schema_version: version,
                attributes: tfrs_provider::json::to_json_typed(&before, &c.ty),
                sensitive_attributes: Vec::new(),
                private: None,
                dependencies: Vec::new(),
                create_before_destroy: false,
            };
            state.set_instance(&c.addr, &c.provider, c.each, Some(inst));
        }
        mgr.persist(&mut state)
            .map_err(|e| Diagnostic::error("Failed to persist state", e.to_string()))?;
        let _ = mgr.unlock();
        if !d.is_empty() {
            super::print_diagnostics_styled(&d, sources, super::style(parsed.bool("no-color")));
        }
        print!(
            "{}",
            crate::views::color::colorize(
                "[reset][green]\nImport successful!\n\nThe resources that were imported are shown above. These resources are now in\nyour Terraform state and will henceforth be managed by Terraform.\n\n",
                hooks.color
            )
        );
        return Ok(0);
    }
    let schemas = all_schemas();
    let mut plan_diags = warnings;
    let applying_saved = plan_file.is_some();
    let plan = {
        let hooks = UiHooks {
            ui,
            state: Mutex::new(&mut mgr),
            persist_errors: Mutex::new(Vec::new()),
        };
        match plan_file {
            // A saved plan is applied as it was made.
            Some(saved) => saved.plan,
            None => {
                let engine = Engine::new(&module, &prior, &opts, &hooks, &STOP)?;
                let (plan, d) = engine.plan(&prior, variables.clone());
                plan_diags.extend(d);
                plan
            }
        }
    };
    if plan_diags.has_errors() {
        return Err(plan_diags);
    }
    if !applying_saved || command != "apply" {
        ui.plan(&plan, &schemas);
    }
    // Warnings follow the plan, as Terraform prints them; an apply shows
    // them with its own at the end.
    let print_warnings = |d: &Diagnostics| {
        if !d.is_empty() {
            super::print_diagnostics_styled(d, sources, super::style(parsed.bool("no-color")));
        }
    };
    if command == "plan" || mode == PlanMode::RefreshOnly {
        print_warnings(&plan_diags);
    }

    if command == "plan" {
        if let Some(out) = parsed.value("out") {
            let saved = SavedPlan {
                plan: plan.clone(),
                replace: replace_strs,
                refresh,
                state_lineage: prior_version.0.clone(),
                state_serial: prior_version.1,
            };
            std::fs::write(out, crate::plans::file::encode(&saved))
                .map_err(|e| Diagnostic::error("Failed to write plan file", e.to_string()))?;
        }
        if plan.has_changes() {
            ui.plan_next_step(parsed.value("out"));
        }
        let _ = mgr.unlock();
        return Ok(if parsed.bool("detailed-exitcode") && plan.has_changes() {
            2
        } else {
            0
        });
    }

    // Apply, destroy, refresh.
    if mode == PlanMode::RefreshOnly {
        let mut s = plan.prior_state.clone();
        if let Err(e) = mgr.persist(&mut s) {
            return Err(Diagnostic::error("Failed to persist state", e.to_string()).into());
        }
        let _ = mgr.unlock();
        return Ok(0);
    }
    let has_changes = plan.has_changes();
    if has_changes && !applying_saved && !parsed.bool("auto-approve") {
        if !interactive {
            return Err(Diagnostic::error(
                "No value for required variable",
                "Apply requires approval: run with -auto-approve, or without -input=false to be asked.",
            )
            .into());
        }
        if !approve(mode) {
            println!(
                "\n{} cancelled.",
                if mode == PlanMode::Destroy {
                    "Destroy"
                } else {
                    "Apply"
                }
            );
            let _ = mgr.unlock();
            return Ok(1);
        }
    }
    let (mut diags, outputs) = {
        let hooks = UiHooks {
            ui,
            state: Mutex::new(&mut mgr),
            persist_errors: Mutex::new(Vec::new()),
        };
        let engine = Engine::new(&module, &plan.prior_state, &opts, &hooks, &STOP)?;
        let (state, mut d) = engine.apply(&plan);
        for e in hooks
            .persist_errors
            .lock()
            .map(|e| e.clone())
            .unwrap_or_default()
        {
            d.push(Diagnostic::error("Failed to persist state", e));
        }
        let outputs = ui_outputs(&state);
        (d, outputs)
    };
    let failed = diags.has_errors();
    let mut all = plan_diags;
    for d in std::mem::take(&mut diags).0 {
        if !all
            .iter()
            .any(|x| x.summary == d.summary && x.detail == d.detail)
        {
            all.push(d);
        }
    }
    print_warnings(&all);
    if !failed {
        ui.apply_summary(mode == PlanMode::Destroy);
        if mode != PlanMode::Destroy {
            ui.outputs(&outputs);
        }
    }
    let _ = mgr.unlock();
    let _ = Operation::Apply;
    Ok(if failed { 1 } else { 0 })
}

fn ui_outputs(state: &State) -> Vec<UiOutput> {
    state
        .outputs
        .iter()
        .map(|(k, o)| UiOutput {
            name: k.clone(),
            value: Type::from_json(&o.ty)
                .and_then(|t| tfrs_provider::json::from_json(&o.value, &t).ok())
                .unwrap_or(Value::null()),
            sensitive: o.sensitive,
        })
        .collect()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Asks for `yes`, as Terraform does.
fn approve(mode: PlanMode) -> bool {
    let (question, what) = if mode == PlanMode::Destroy {
        (
            "Do you really want to destroy all resources?",
            "  Terraform will destroy all your managed infrastructure, as shown above.\n  There is no undo. Only 'yes' will be accepted to confirm.",
        )
    } else {
        (
            "Do you want to perform these actions?",
            "  Terraform will perform the actions described above.\n  Only 'yes' will be accepted to approve.",
        )
    };
    let mut out = std::io::stdout();
    let _ = write!(out, "\n{question}\n{what}\n\n  Enter a value: ");
    let _ = out.flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    line.trim() == "yes"
}

/// `tfrs import ADDR ID`: the instance and ID, once the configuration is
/// known to have a block for it.
fn import_request(
    args: &[String],
    module: &config::Module,
) -> Result<(crate::addrs::AbsInstance, String), Diagnostics> {
    if args.len() != 2 {
        return Err(Diagnostic::error(
            "Wrong number of arguments",
            "The import command expects two arguments: the address of a resource instance in the configuration, and the ID of the existing object (tfrs import ADDR ID).",
        )
        .into());
    }
    let addr = match parse_target(&args[0])
        .map_err(|e| Diagnostic::error("Invalid address", e.to_string()))?
    {
        Target::Instance(i) => i,
        Target::Resource(r) => r.instance(InstanceKey::None),
        Target::Module(_) => {
            return Err(Diagnostic::error(
                "Invalid address",
                "Resource specification must include a resource type and name.",
            )
            .into())
        }
    };
    let mut m = module;
    for (name, _) in &addr.resource.module.0 {
        match m.children.get(name) {
            Some(c) => m = c,
            None => {
                m = module;
                break;
            }
        }
    }
    let r = &addr.resource.resource;
    if !m.resources.contains_key(&r.to_string()) {
        let where_ = if addr.resource.module.is_root() {
            "the root module".to_string()
        } else {
            addr.resource.module.to_string()
        };
        return Err(Diagnostic::error(
            format!("resource address {:?} does not exist in the configuration.", addr.to_string()),
            format!(
                "Before importing this resource, please create its configuration in {where_}. For example:\n\nresource {:?} {:?} {{\n  # (resource arguments)\n}}",
                r.type_name, r.name
            ),
        )
        .into());
    }
    Ok((addr, args[1].clone()))
}

/// What `tfrs import` prints while it imports.
struct ImportHooks {
    color: bool,
}

impl Hooks for ImportHooks {
    fn import_prepare(&self, addr: &crate::addrs::AbsInstance, id: &str) {
        let c = |s: &str| crate::views::color::colorize(s, self.color);
        println!(
            "{}",
            c(&format!("[reset][bold]{addr}: Importing from ID {id:?}..."))
        );
        println!(
            "{}",
            c(&format!("[reset][bold][green]{addr}: Import prepared!"))
        );
        println!(
            "{}",
            c(&format!(
                "[reset][green]  Prepared {} for import",
                addr.resource.resource.type_name
            ))
        );
    }
    fn pre_refresh(&self, addr: &crate::addrs::AbsInstance, id: Option<&str>) {
        let suffix = id.map(|i| format!(" [id={i}]")).unwrap_or_default();
        println!(
            "{}",
            crate::views::color::colorize(
                &format!("[reset][bold]{addr}: Refreshing state...{suffix}"),
                self.color
            )
        );
    }
}
