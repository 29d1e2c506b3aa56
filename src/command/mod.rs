//! The command-line interface: argument handling and one module per
//! command. This is the edge where typed errors become diagnostics printed
//! to the terminal.

mod apply;
mod console;
pub mod env;
pub mod flags;
mod fmt;
mod force_unlock;
mod graph;
mod init;
mod init_backend;
mod output;
mod providers;
mod show;
pub mod state;
mod taint;
pub mod validate;
mod workspace;
pub use validate::validate_dir;

use crate::diag::{render_styled, Diagnostics, SourceMap, Style};
use std::io::Write;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The Terraform version tfrs behaves as (state files record it).
pub const TERRAFORM_VERSION: &str = "1.11.4";

const HELP: &str = "Usage: tfrs [global options] <subcommand> [args]

tfrs runs Terraform configurations with built-in providers.

Main commands:
  init          Prepare your working directory for other commands
  validate      Check whether the configuration is valid
  plan          Show changes required by the current configuration
  apply         Create or update infrastructure
  destroy       Destroy previously-created infrastructure

All other commands:
  console       Try Terraform expressions at an interactive command prompt
  fmt           Reformat your configuration in the standard style
  force-unlock  Release a stuck lock on the current workspace
  graph         Generate a Graphviz graph of the steps in an operation
  output        Show output values from your root module
  providers     Show the providers required for this configuration
  refresh       Update the state to match remote systems
  show          Show the current state or a saved plan
  state         Advanced state management
  version       Show the current tfrs version
  workspace     Workspace management

Global options (use these before the subcommand, if any):
  -chdir=DIR    Switch to a different working directory before executing the
                given subcommand.
  -help         Show this help output, or the help for a specified subcommand.
  -version      An alias for the \"version\" subcommand.
";

/// Runs the CLI with `args` (without the program name); returns the exit code.
pub fn run(args: Vec<String>) -> i32 {
    crate::logging::init();
    crate::logging::info(format_args!(
        "tfrs version: {VERSION} (Terraform v{TERRAFORM_VERSION} compatible)"
    ));
    crate::logging::info(format_args!(
        "CLI args: {}",
        crate::logging::go_string_slice(
            &std::iter::once("tfrs".to_string())
                .chain(args.iter().cloned())
                .collect::<Vec<_>>()
        )
    ));
    let mut args = args;
    // `-chdir` is a global option before the command; tfrs also takes it
    // after the command (`tfrs apply -chdir=serverless`).
    let mut chdir = None;
    args.retain(|a| {
        if let Some(d) = a
            .strip_prefix("-chdir=")
            .or_else(|| a.strip_prefix("--chdir="))
        {
            chdir = Some(d.to_string());
            false
        } else {
            true
        }
    });
    let mut rest = args.into_iter();
    let mut command = None;
    let mut cmd_args = Vec::new();
    for a in rest.by_ref() {
        match a.as_str() {
            "-version" | "--version" | "-v" if command.is_none() => {
                command = Some("version".to_string())
            }
            "-help" | "--help" | "-h" if command.is_none() => {
                print!("{HELP}");
                return 0;
            }
            _ if command.is_none() => command = Some(a),
            _ => cmd_args.push(a),
        }
    }
    cmd_args.extend(rest);
    let Some(command) = command else {
        print!("{HELP}");
        return 127;
    };
    // TF_CLI_ARGS and TF_CLI_ARGS_<command> go right after the command
    // (after `state list`'s `list`), before the command's own arguments.
    let subcommand = env::subcommand(&command, &cmd_args);
    let full: Vec<String> = std::iter::once(command.clone()).chain(cmd_args).collect();
    let full = match env::merge_env_args(full, &subcommand, &|k| std::env::var(k).ok()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    crate::logging::info(format_args!(
        "CLI command args: {}",
        crate::logging::go_string_slice(&full)
    ));
    let cmd_args = full[1..].to_vec();
    // TF_INPUT takes Go's booleans: any false one (`0`, `false`, `F`...)
    // means -input=false; the commands read the canonical `0`.
    if let Ok(v) = std::env::var("TF_INPUT") {
        if env::parse_go_bool(&v) == Some(false) && v != "0" {
            std::env::set_var("TF_INPUT", "0");
        }
    }
    if let Some(dir) = chdir {
        if let Err(e) = std::env::set_current_dir(&dir) {
            eprintln!("Error handling -chdir option: chdir {dir}: {e}");
            return 1;
        }
    }
    match command.as_str() {
        "version" => {
            println!("tfrs v{VERSION} (Terraform v{TERRAFORM_VERSION} compatible)");
            println!("on {}_{}", std::env::consts::OS, go_arch());
            0
        }
        "console" => console::run(&cmd_args),
        "validate" => validate::run(&cmd_args),
        "fmt" => fmt::run(&cmd_args),
        "init" => init::run(&cmd_args),
        "plan" | "apply" | "destroy" | "refresh" | "import" => apply::run(&command, &cmd_args),
        "state" => state::run(&cmd_args),
        "workspace" => workspace::run(&cmd_args),
        "output" => output::run(&cmd_args),
        "force-unlock" => force_unlock::run(&cmd_args),
        "taint" => taint::run(&cmd_args, true),
        "untaint" => taint::run(&cmd_args, false),
        "show" => show::run(&cmd_args),
        "graph" => graph::run(&cmd_args),
        "providers" => providers::run(&cmd_args),
        other => {
            eprintln!("tfrs has no command named {other:?}. To see all of tfrs's top-level commands, run:\n  tfrs -help\n");
            1
        }
    }
}

fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

/// Prints diagnostics to standard error; returns whether any is an error.
pub fn print_diagnostics(diags: &Diagnostics, sources: &SourceMap) -> bool {
    print_diagnostics_styled(diags, sources, Style::Boxed)
}

/// Prints diagnostics in the given style (`-no-color` gives the plain one).
pub fn print_diagnostics_styled(diags: &Diagnostics, sources: &SourceMap, style: Style) -> bool {
    let mut err = std::io::stderr().lock();
    for d in diags.iter() {
        let _ = write!(err, "{}", render_styled(d, sources, style));
        if style == Style::Boxed {
            let _ = writeln!(err);
        }
    }
    diags.has_errors()
}

/// The diagnostics style a command's flags ask for.
pub fn style(no_color: bool) -> Style {
    if no_color {
        Style::Plain
    } else {
        Style::Boxed
    }
}

/// The resource and data source schemas of the built-in providers, for
/// `validate`: a type belongs to the provider its name starts with.
pub fn provider_schemas() -> impl Fn(crate::addrs::Mode, &str) -> Option<tfrs_provider::Schema> {
    let providers: Vec<(String, tfrs_provider::ProviderSchema)> =
        crate::engine::builtin_providers()
            .into_iter()
            .map(|b| {
                log_schema_call(b.source);
                (b.name.to_string(), (b.new)().schema().clone())
            })
            .collect();
    move |mode, type_name| {
        let prefix = type_name.split('_').next().unwrap_or(type_name);
        let (_, schema) = providers.iter().find(|(n, _)| n == prefix)?;
        match mode {
            crate::addrs::Mode::Managed => schema.resources.get(type_name).cloned(),
            crate::addrs::Mode::Data => schema.data_sources.get(type_name).cloned(),
        }
    }
}

fn log_schema_call(source: &str) {
    crate::logging::provider(
        crate::logging::Level::Debug,
        format_args!("GetProviderSchema: {source}"),
    );
}

/// The schemas of every built-in provider, keyed by source address, for
/// the views.
pub(crate) fn load_schemas() -> std::collections::BTreeMap<String, tfrs_provider::ProviderSchema> {
    crate::engine::builtin_providers()
        .into_iter()
        .map(|b| {
            log_schema_call(b.source);
            (b.source.to_string(), (b.new)().schema().clone())
        })
        .collect()
}
