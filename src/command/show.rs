//! `tfrs show [-json] [PATH]`: the current state, a saved plan, or a state
//! file, for humans or in Terraform's JSON formats (Terraform's
//! `internal/command/show.go` and `views/show.go`).
//!
//! A tfrs plan file records the plan's inputs (variables, targets, mode)
//! and the state it was made against, not the planned changes: showing it
//! plans again from those inputs, against the same state, with the
//! configuration of the working directory, as applying it does.

use super::flags::{self, Kind};
use super::state::{print_view_diags, strip_no_color};
use crate::backend::LocalConfig;
use crate::config;
use crate::diag::{Diagnostic, Diagnostics, SourceMap};
use crate::logging;
use crate::plans::file::SavedPlan;
use crate::plans::Plan;
use crate::states::State;
use crate::views::json::{plan_json, state_to_json, PlanJsonOptions};
use crate::views::plan::{render_with, PlanRenderOptions};
use crate::views::state::render_show_with;
use std::path::Path;

const HELP: &str = "Usage: tfrs [global options] show [options] [path]

  Reads and outputs a Terraform state or plan file in a human-readable
  form. If no path is specified, the current state will be shown.

Options:

  -no-color           If specified, output won't contain any color.
  -json               If specified, output the Terraform plan or state in
                      a machine-readable form.
";

/// What there is to show.
enum Subject {
    /// No state at all (no state file yet).
    NoState,
    State(State),
    Plan(Box<Plan>, Box<config::Module>),
}

pub fn run(args: &[String]) -> i32 {
    let (args, no_color) = strip_no_color(args);
    if args
        .iter()
        .any(|a| a == "-help" || a == "--help" || a == "-h")
    {
        print!("{HELP}");
        return 0;
    }
    let mut diags = Vec::new();
    let parsed = match flags::parse(&args, &[("json", Kind::Bool)]) {
        Ok(p) => p,
        Err(e) => {
            diags.push(Diagnostic::error("Failed to parse command-line flags", e));
            flags::Parsed::default()
        }
    };
    if parsed.positional.len() > 1 {
        diags.push(Diagnostic::error(
            "Too many command line arguments",
            "Expected at most one positional argument.",
        ));
    }
    if !diags.is_empty() {
        print_view_diags(&diags, no_color);
        eprint!("\nFor more help on using this command, run:\n  tfrs show -help\n");
        return 1;
    }
    let json = parsed.bool("json");
    let sources = SourceMap::default();
    let subject = match parsed.positional.first() {
        None => current_state(),
        Some(path) => from_path(path, &sources),
    };
    let subject = match subject {
        Ok(s) => s,
        Err(d) => {
            print_diags(&d, &sources, no_color);
            return 1;
        }
    };
    let schemas = super::load_schemas();
    let color = !no_color && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let text = match (&subject, json) {
        (Subject::NoState, false) => "No state.\n".to_string(),
        (Subject::NoState, true) => format!(
            "{{\"format_version\":\"{}\"}}\n",
            crate::views::json::STATE_FORMAT_VERSION
        ),
        (Subject::State(s), false) => render_show_with(s, &schemas, color),
        (Subject::State(s), true) => format!("{}\n", state_to_json(s, &schemas)),
        (Subject::Plan(plan, _), false) => {
            let mut o = PlanRenderOptions::new(color);
            o.in_automation = std::env::var_os("TF_IN_AUTOMATION").is_some();
            render_with(plan, &schemas, &o)
        }
        (Subject::Plan(plan, module), true) => {
            let opts = PlanJsonOptions {
                config: Some(module),
                ..Default::default()
            };
            format!("{}\n", plan_json(plan, &schemas, &opts))
        }
    };
    print!("{text}");
    0
}

fn print_diags(d: &Diagnostics, sources: &SourceMap, no_color: bool) {
    super::print_diagnostics_styled(d, sources, super::style(no_color));
}

/// The latest state of the current workspace.
fn current_state() -> Result<Subject, Diagnostics> {
    let backend = crate::backend::Backend::for_working_dir(
        ".",
        LocalConfig::default(),
        &SourceMap::default(),
    )
    .map(|(b, _)| b)
    .map_err(|e| Diagnostic::error(e.to_string(), ""))?;
    let ws = backend
        .current_workspace()
        .map_err(|e| Diagnostic::error(format!("error selecting workspace: {e}"), ""))?;
    logging::trace(format_args!("show: reading the state of workspace {ws:?}"));
    let state = backend
        .read_state(&ws)
        .map_err(|e| Diagnostic::error(format!("Failed to load state: {e}"), ""))?;
    Ok(state.map(Subject::State).unwrap_or(Subject::NoState))
}

/// Go's error text for a failed `os.Open` (`open x: no such file or
/// directory`).
fn go_open_error(path: &str, e: &std::io::Error) -> String {
    let msg = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let s = e.to_string();
            let s = s.split(" (os error").next().unwrap_or(&s).to_string();
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_lowercase().chain(c).collect(),
                None => s,
            }
        }
    };
    format!("open {path}: {msg}")
}

/// A plan file of `tfrs plan -out`, else a state file.
fn from_path(path: &str, sources: &SourceMap) -> Result<Subject, Diagnostics> {
    let failed = |state_err: String, plan_err: String| -> Diagnostics {
        Diagnostic::error(
            "Failed to read the given file as a state or plan file",
            format!("State read error: {state_err}\n\nPlan read error: {plan_err}"),
        )
        .into()
    };
    let bytes = std::fs::read(path).map_err(|e| {
        let open = go_open_error(path, &e);
        failed(
            format!("Error loading statefile: {open}"),
            format!("couldn't load the provided path as either a local plan file ({open}) or a saved cloud plan ({open})"),
        )
    })?;
    if let Ok(saved) = crate::plans::file::decode(&String::from_utf8_lossy(&bytes)) {
        logging::info(format_args!("show: reading the saved plan {path}"));
        let (plan, module) = saved_plan(saved, sources)?;
        return Ok(Subject::Plan(Box::new(plan), Box::new(module)));
    }
    let text = std::fs::read(path).map_err(|e| {
        let open = go_open_error(path, &e);
        failed(format!("Error loading statefile: {open}"), open)
    })?;
    let text = String::from_utf8_lossy(&text);
    match State::from_json(&text) {
        Ok(s) => Ok(Subject::State(s)),
        Err(e) => Err(failed(
            format!("Error reading {path} as a statefile: {e}"),
            "couldn't load the provided path as a plan file saved by tfrs plan -out".into(),
        )),
    }
}

/// A saved plan as it was made, with the working directory's
/// configuration (for the JSON plan's configuration section) where there
/// is one.
fn saved_plan(
    saved: SavedPlan,
    sources: &SourceMap,
) -> Result<(Plan, config::Module), Diagnostics> {
    let dir = Path::new(".");
    let module = if config::has_config_files(dir) {
        let (module, d) = config::load_tree(dir, sources);
        if d.has_errors() {
            return Err(d);
        }
        module
    } else {
        config::Module::default()
    };
    Ok((saved.plan, module))
}
