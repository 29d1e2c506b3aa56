//! `tfrs graph`: the dependency graph between the configuration's
//! resources in the DOT language, as `terraform graph` prints it without
//! `-type` (Terraform's `internal/command/graph.go`). It reads the
//! configuration and the state (for resources only the state still has);
//! no provider runs.
//!
//! Terraform's `-type=plan|plan-refresh-only|plan-destroy|apply` graphs
//! draw its internal operation steps; tfrs does not draw those and says so.

use super::flags::{self, Kind};
use super::state::{print_meta_diags, strip_no_color};
use crate::backend::LocalConfig;
use crate::config::graph::{resource_graph, ConfigResource};
use crate::diag::{Diagnostic, SourceMap};
use crate::logging;

const HELP: &str = "Usage: tfrs [global options] graph [options]

  Produces a representation of the dependency graph between different
  objects in the current configuration and state.

  By default the graph shows a summary only of the relationships between
  resources in the configuration, since those are the main objects that
  have side-effects whose ordering is significant. You can generate more
  detailed graphs reflecting Terraform's actual evaluation strategy
  by specifying the -type=TYPE option to select an operation type.

  The graph is presented in the DOT language. The typical program that can
  read this format is GraphViz, but many web services are also available
  to read this format.

Options:

  -plan=tfplan     Render graph using the specified plan file instead of the
                   configuration in the current directory. Implies -type=apply.

  -draw-cycles     Highlight any cycles in the graph with colored edges.
                   This helps when diagnosing cycle errors. This option is
                   supported only when illustrating a real evaluation graph,
                   selected using the -type=TYPE option.

  -type=TYPE       Type of operation graph to output. Can be: plan,
                   plan-refresh-only, plan-destroy, or apply. By default
                   Terraform just summarizes the relationships between the
                   resources in your configuration, without any particular
                   operation in mind. Full operation graphs are more detailed
                   but therefore often harder to read.

  -module-depth=n  (deprecated) In prior versions of Terraform, specified the
                   depth of modules to show in the output.
";

const SPEC: &[(&str, Kind)] = &[
    ("draw-cycles", Kind::Bool),
    ("type", Kind::Value),
    ("module-depth", Kind::Value),
    ("verbose", Kind::Bool),
    ("plan", Kind::Value),
];

pub fn run(args: &[String]) -> i32 {
    let (args, no_color) = strip_no_color(args);
    if args
        .iter()
        .any(|a| a == "-help" || a == "--help" || a == "-h")
    {
        print!("{HELP}");
        return 0;
    }
    let parsed = match flags::parse(&args, SPEC) {
        Ok(p) => p,
        Err(e) => {
            eprint!("{HELP}");
            eprintln!("Error parsing command-line flags: {e}\n");
            return 1;
        }
    };
    if let Some(d) = parsed.value("module-depth") {
        if d.parse::<i64>().is_err() {
            eprint!("{HELP}");
            eprintln!(
                "Error parsing command-line flags: invalid value {d:?} for flag -module-depth: parse error\n"
            );
            return 1;
        }
    }
    if !parsed.positional.is_empty() {
        eprintln!("Too many command line arguments. Did you mean to use -chdir?");
        return 1;
    }

    let graph_type = match (parsed.value("type").unwrap_or(""), parsed.value("plan")) {
        ("", Some(_)) => "apply",
        (t, _) => t,
    };
    match graph_type {
        "" => {}
        "plan" | "plan-refresh-only" | "plan-destroy" | "apply" => {
            print_meta_diags(
                &[Diagnostic::error(
                    "Unsupported graph type",
                    format!("tfrs draws the graph of the configuration's resources (terraform graph without -type). The -type={graph_type} graph of Terraform's internal evaluation steps is not available in tfrs."),
                )],
                no_color,
            );
            return 1;
        }
        "eval" | "validate" => {
            print_meta_diags(
                &[Diagnostic::error(
                    "Graph type no longer available",
                    format!("The graph type {graph_type:?} is no longer available. Use -type=plan instead to get a similar result."),
                )],
                no_color,
            );
            return 1;
        }
        _ => {
            print_meta_diags(
                &[Diagnostic::error(
                    "Unsupported graph type",
                    "The -type=... argument must be either \"plan\", \"plan-refresh-only\", \"plan-destroy\", or \"apply\".",
                )],
                no_color,
            );
            return 1;
        }
    }

    let sources = SourceMap::default();
    let (module, diags) = crate::config::load_tree(std::path::Path::new("."), &sources);
    if diags.has_errors() {
        print_config_diags(&diags, &sources, no_color);
        return 1;
    }
    let state_resources = match state_resources() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let g = resource_graph(&module, &state_resources);
    logging::trace(format_args!(
        "graph: {} resources, {} dependencies",
        g.nodes.len(),
        g.edges.len()
    ));
    print!("{}", crate::views::graph::resource_dot(&g));
    0
}

/// Diagnostics of loading the configuration, each followed by an empty
/// line (Terraform's `showDiagnostics`).
fn print_config_diags(diags: &crate::diag::Diagnostics, sources: &SourceMap, no_color: bool) {
    let style = super::style(no_color);
    for d in diags.iter() {
        eprintln!("{}", crate::diag::render_styled(d, sources, style));
    }
}

/// The resources of the current workspace's state, by static module path.
fn state_resources() -> Result<Vec<ConfigResource>, String> {
    let backend = crate::backend::Backend::for_working_dir(
        ".",
        LocalConfig::default(),
        &crate::diag::SourceMap::default(),
    )
    .map(|(b, _)| b)
    .map_err(|e| e.to_string())?;
    let ws = backend
        .current_workspace()
        .map_err(|e| format!("Error selecting workspace: {e}"))?;
    let state = backend
        .read_state(&ws)
        .map_err(|e| format!("Failed to load state: {e}"))?;
    Ok(state
        .map(|s| {
            s.resources
                .iter()
                .map(|r| {
                    let addr = r.address();
                    ConfigResource {
                        module: addr.module.0.iter().map(|(n, _)| n.clone()).collect(),
                        resource: addr.resource,
                    }
                })
                .collect()
        })
        .unwrap_or_default())
}
