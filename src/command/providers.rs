//! `tfrs providers`: the provider requirements of the configuration, as a
//! tree of modules, and those of the state (Terraform's
//! `internal/command/providers.go`). Terraform lists the providers of a
//! module in Go map order, which varies from run to run; tfrs lists them
//! sorted by source address, and child modules by name.

use super::flags;
use super::state::strip_no_color;
use crate::backend::LocalConfig;
use crate::config::providers::{requirements_by_module, ModuleRequirements};
use crate::diag::{Diagnostic, Diagnostics, SourceMap};
use crate::views::format::provider_source;
use std::collections::BTreeSet;
use std::path::Path;

const HELP: &str = "Usage: tfrs [global options] providers [options] [DIR]

  Prints out a tree of modules in the referenced configuration annotated with
  their provider requirements.

  This provides an overview of all of the provider requirements across all
  referenced modules, as an aid to understanding why particular provider
  plugins are needed and why particular versions are selected.

Options:

  -test-directory=path\tSet the Terraform test directory, defaults to \"tests\".
";

pub fn run(args: &[String]) -> i32 {
    let (args, no_color) = strip_no_color(args);
    if args
        .iter()
        .any(|a| a == "-help" || a == "--help" || a == "-h")
    {
        print!("{HELP}");
        return 0;
    }
    if let Some(sub @ ("lock" | "mirror" | "schema")) = args.first().map(String::as_str) {
        eprintln!(
            "The \"providers {sub}\" command is not available in tfrs: its providers are built in."
        );
        return 1;
    }
    let parsed = match flags::parse(&args, &[("test-directory", flags::Kind::Value)]) {
        Ok(p) => p,
        Err(e) => {
            eprint!("{HELP}");
            eprintln!("Error parsing command-line flags: {e}\n");
            return 1;
        }
    };
    if !parsed.positional.is_empty() {
        eprintln!("Too many command line arguments. Did you mean to use -chdir?");
        return 1;
    }
    let style = super::style(no_color);
    let sources = SourceMap::default();
    let show = |d: &Diagnostics| {
        for x in d.iter() {
            eprintln!("{}", crate::diag::render_styled(x, &sources, style));
        }
    };

    let dir = Path::new(".");
    if !crate::config::has_config_files(dir) {
        let abs = std::env::current_dir()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| ".".into());
        show(
            &Diagnostic::error(
                "No configuration files",
                format!("The directory {abs} contains no Terraform configuration files."),
            )
            .into(),
        );
        return 1;
    }
    let (module, mut diags) = crate::config::load_tree(dir, &sources);
    if diags.has_errors() {
        show(&diags);
        return 1;
    }
    let state = match crate::backend::Backend::for_working_dir(
        ".",
        LocalConfig::default(),
        &crate::diag::SourceMap::default(),
    )
    .map(|(b, _)| b)
    .and_then(|b| {
        let ws = b.current_workspace()?;
        b.read_state(&ws)
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("Failed to load state: {e}");
            return 1;
        }
    };
    let (reqs, d) = requirements_by_module(&module);
    diags.extend(d);
    if diags.has_errors() {
        show(&diags);
        return 1;
    }
    let state_providers: BTreeSet<String> = state
        .iter()
        .flat_map(|s| s.resources.iter())
        .map(|r| provider_source(&r.provider).to_string())
        .collect();

    print!("{}", render(&reqs, &state_providers));
    show(&diags);
    0
}

/// The command's output: the requirements tree (drawn as the treeprint
/// library draws it) and the state's providers.
pub fn render(reqs: &ModuleRequirements, state_providers: &BTreeSet<String>) -> String {
    let mut out = String::from("\nProviders required by configuration:\n.\n");
    tree(reqs, "", &mut out);
    out.push('\n');
    if !state_providers.is_empty() {
        out.push_str("Providers required by state:\n\n");
        for p in state_providers {
            out.push_str(&format!("    provider[{p}]\n\n"));
        }
    }
    out
}

fn tree(m: &ModuleRequirements, indent: &str, out: &mut String) {
    let mut items: Vec<(String, Option<&ModuleRequirements>)> = m
        .requirements
        .iter()
        .map(|(fqn, v)| {
            let text = if v.is_empty() {
                format!("provider[{fqn}]")
            } else {
                format!("provider[{fqn}] {v}")
            };
            (text, None)
        })
        .collect();
    items.extend(
        m.children
            .iter()
            .map(|(name, c)| (format!("module.{name}"), Some(c))),
    );
    let n = items.len();
    for (i, (text, child)) in items.into_iter().enumerate() {
        let last = i + 1 == n;
        out.push_str(indent);
        out.push_str(if last { "└── " } else { "├── " });
        out.push_str(&text);
        out.push('\n');
        if let Some(c) = child {
            let deeper = format!("{indent}{}", if last { "    " } else { "│   " });
            tree(c, &deeper, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_the_tree() {
        let leaf = ModuleRequirements {
            requirements: [(
                "registry.terraform.io/hashicorp/aws".to_string(),
                String::new(),
            )]
            .into_iter()
            .collect(),
            children: Default::default(),
        };
        let mid = ModuleRequirements {
            requirements: [(
                "registry.terraform.io/hashicorp/random".to_string(),
                String::new(),
            )]
            .into_iter()
            .collect(),
            children: [("inner".to_string(), leaf)].into_iter().collect(),
        };
        let root = ModuleRequirements {
            requirements: [(
                "registry.terraform.io/hashicorp/aws".to_string(),
                "~> 5.0".to_string(),
            )]
            .into_iter()
            .collect(),
            children: [
                ("m".to_string(), mid),
                ("z".to_string(), ModuleRequirements::default()),
            ]
            .into_iter()
            .collect(),
        };
        let state: BTreeSet<String> = ["terraform.io/builtin/terraform".to_string()].into();
        assert_eq!(
            render(&root, &state),
            "
Providers required by configuration:
.
├── provider[registry.terraform.io/hashicorp/aws] ~> 5.0
├── module.m
│   ├── provider[registry.terraform.io/hashicorp/random]
│   └── module.inner
│       └── provider[registry.terraform.io/hashicorp/aws]
└── module.z

Providers required by state:

    provider[terraform.io/builtin/terraform]

"
        );
    }
}
