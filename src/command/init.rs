//! `tfrs init`: prepares a working directory, offline. The backend is
//! initialised as Terraform does it (see `init_backend`); providers are
//! built in, so "installing" one means checking that the configuration asks
//! for a provider tfrs has, and recording it in `.terraform.lock.hcl`.

use super::flags::{self, Kind, Parsed};
use super::init_backend;
use crate::config;
use crate::diag::{Diagnostic, Diagnostics, SourceMap, Style};
use crate::engine::builtin_providers;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

const SPEC: &[(&str, Kind)] = &[
    ("backend", Kind::Bool),
    ("backend-config", Kind::Value),
    ("force-copy", Kind::Bool),
    ("from-module", Kind::Value),
    ("get", Kind::Bool),
    ("input", Kind::Bool),
    ("lock", Kind::Bool),
    ("lock-timeout", Kind::Value),
    ("no-color", Kind::Bool),
    ("json", Kind::Bool),
    ("plugin-dir", Kind::Value),
    ("reconfigure", Kind::Bool),
    ("migrate-state", Kind::Bool),
    ("upgrade", Kind::Bool),
    ("lockfile", Kind::Value),
    ("ignore-remote-version", Kind::Bool),
    ("test-directory", Kind::Value),
];

/// The options of `init` that concern the backend.
pub struct InitOptions {
    /// `-backend=false` keeps the recorded backend without checking it.
    pub backend: bool,
    /// `-backend-config` values, in order.
    pub backend_config: Vec<String>,
    /// `-reconfigure`: ignore the recorded backend.
    pub reconfigure: bool,
    /// `-migrate-state` (implied by `-force-copy`).
    pub migrate_state: bool,
    /// `-force-copy`: answer "yes" to the migration questions.
    pub force_copy: bool,
    /// `-input=false`: no questions.
    pub input: bool,
    /// `-lock=false`: migrate without locking.
    pub lock: bool,
    pub lock_timeout: Duration,
}

impl InitOptions {
    fn from_flags(p: &Parsed) -> Result<InitOptions, String> {
        let lock_timeout = match p.value("lock-timeout") {
            Some(v) => crate::backend::parse_duration(v)
                .map_err(|_| format!("invalid value {v:?} for flag -lock-timeout: parse error"))?,
            None => Duration::ZERO,
        };
        let force_copy = p.bool("force-copy");
        Ok(InitOptions {
            backend: p.bool_or("backend", true),
            backend_config: p.values("backend-config").to_vec(),
            reconfigure: p.bool("reconfigure"),
            migrate_state: p.bool("migrate-state") || force_copy,
            force_copy,
            input: p.bool_or(
                "input",
                std::env::var("TF_INPUT")
                    .map(|v| v != "0" && v != "false")
                    .unwrap_or(true),
            ),
            lock: p.bool_or("lock", true),
            lock_timeout,
        })
    }
}

pub fn run(args: &[String]) -> i32 {
    let parsed = match flags::parse(args, SPEC) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let style = super::style(parsed.bool("no-color"));
    let opts = match InitOptions::from_flags(&parsed) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    if opts.migrate_state && opts.reconfigure {
        super::print_diagnostics_styled(
            &Diagnostic::error(
                "Invalid command-line option",
                "The -migrate-state and -reconfigure options are mutually-exclusive.",
            )
            .into(),
            &SourceMap::default(),
            style,
        );
        return 1;
    }
    let dir = Path::new(".");
    if !config::has_config_files(dir) {
        // The user's original repository keeps one root module per folder:
        // initialise each of them.
        let mut subdirs: Vec<_> = std::fs::read_dir(dir)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| p.is_dir() && config::has_config_files(p))
                    .collect()
            })
            .unwrap_or_default();
        subdirs.sort();
        if subdirs.is_empty() {
            println!("Terraform initialized in an empty directory!\n\nThe directory has no Terraform configuration files. You may begin working\nwith Terraform immediately by creating Terraform configuration files.");
            return 0;
        }
        println!(
            "This directory has no configuration files; initializing each of its {} root modules.\n",
            subdirs.len()
        );
        let mut code = 0;
        for d in subdirs {
            let name = d
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            println!("==> {name}");
            let sources = SourceMap::default();
            match init_dir(&d, &sources, &opts, style) {
                Ok(()) => {}
                Err(diags) => {
                    super::print_diagnostics_styled(&diags, &sources, style);
                    code = 1;
                }
            }
            println!();
        }
        if code == 0 {
            println!("All root modules have been initialized; run commands in each with -chdir, e.g. tfrs apply -chdir=NAME.");
        }
        return code;
    }
    let sources = SourceMap::default();
    match init_dir(dir, &sources, &opts, style) {
        Ok(()) => 0,
        Err(diags) => {
            super::print_diagnostics_styled(&diags, &sources, style);
            1
        }
    }
}

/// Initialises one root module, printing as it goes: the backend, then
/// the providers, then any warnings and the success message.
pub fn init_dir(
    dir: &Path,
    sources: &SourceMap,
    opts: &InitOptions,
    style: Style,
) -> Result<(), Diagnostics> {
    let (module, diags) = config::load(dir, sources);
    if diags.has_errors() {
        return Err(diags);
    }
    let warnings = if opts.backend {
        init_backend::init_backend(dir, &module, sources, opts)?
    } else {
        init_backend::backend_from_state(dir, sources)?
    };
    print!("{}", init_providers(dir, &module)?);
    if !warnings.is_empty() {
        println!();
        super::print_diagnostics_styled(&warnings, sources, style);
    }
    println!(
        "\nTerraform has been successfully initialized!\n\nYou may now begin working with Terraform. Try running \"terraform plan\" to see\nany changes that are required for your infrastructure. All Terraform commands\nshould now work."
    );
    Ok(())
}

/// Checks the providers and writes `.terraform.lock.hcl`; returns what to
/// print.
fn init_providers(dir: &Path, module: &config::Module) -> Result<String, Diagnostics> {
    let mut out = String::new();
    let _ = writeln!(out, "\nInitializing provider plugins...");
    let builtins = builtin_providers();
    let mut diags = Diagnostics::new();
    let mut lock = String::from("# This file is maintained automatically by \"terraform init\".\n# Manual edits may be lost in future updates.\n");
    // Providers asked for explicitly, and those implied by resource types.
    let mut wanted: Vec<(String, String, Option<String>, Option<crate::diag::Span>)> = module
        .required_providers
        .values()
        .map(|rp| {
            (
                rp.name.clone(),
                rp.source.clone(),
                rp.version.clone(),
                Some(rp.span),
            )
        })
        .collect();
    for r in module.resources.values() {
        let name = r.type_name.split('_').next().unwrap_or("").to_string();
        if !wanted.iter().any(|(n, ..)| *n == name) {
            wanted.push((
                name.clone(),
                format!("hashicorp/{name}"),
                None,
                Some(r.decl_span),
            ));
        }
    }
    wanted.sort_by(|a, b| a.1.cmp(&b.1));
    for (name, source, version, span) in &wanted {
        let short = source.trim_start_matches("registry.terraform.io/");
        match builtins
            .iter()
            .find(|b| b.name == name || b.source.ends_with(&format!("/{short}")))
        {
            Some(b) => {
                match version {
                    Some(v) => {
                        let _ = writeln!(
                            out,
                            "- Using built-in {short} v{} (the version constraint {v:?} is noted; built-in providers are not downloaded)",
                            b.version
                        );
                    }
                    None => {
                        let _ = writeln!(out, "- Using built-in {short} v{}", b.version);
                    }
                }
                if b.name != "terraform" {
                    let _ = write!(
                        lock,
                        "\nprovider \"{}\" {{\n  version = \"{}\"\n",
                        b.source, b.version
                    );
                    if let Some(v) = version {
                        let _ = writeln!(lock, "  constraints = {v:?}");
                    }
                    lock.push_str("}\n");
                }
            }
            None => {
                let names: Vec<String> = builtins
                    .iter()
                    .map(|b| {
                        b.source
                            .trim_start_matches("registry.terraform.io/")
                            .to_string()
                    })
                    .collect();
                let mut d = Diagnostic::error(
                    "Failed to query available provider packages",
                    format!(
                        "Could not retrieve the list of available versions for provider {short}: tfrs runs offline and has no provider of that name built in. The built-in providers are: {}.",
                        names.join(", ")
                    ),
                );
                d.subject = *span;
                diags.push(d);
            }
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let data_dir = std::env::var("TF_DATA_DIR").unwrap_or_else(|_| ".terraform".into());
    let data_dir = dir.join(data_dir);
    if let Err(e) = std::fs::create_dir_all(&data_dir) {
        return Err(Diagnostic::error(
            "Failed to create the data directory",
            format!("{}: {e}", data_dir.display()),
        )
        .into());
    }
    if let Err(e) = std::fs::write(dir.join(".terraform.lock.hcl"), &lock) {
        return Err(
            Diagnostic::error("Failed to write the dependency lock file", e.to_string()).into(),
        );
    }
    let _ = writeln!(out, "\ntfrs has created a lock file .terraform.lock.hcl to record the provider\nselections it made above.");
    Ok(out)
}
