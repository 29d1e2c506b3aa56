//! `tfrs console`: evaluates expressions read from standard input, one a
//! line, in the context of the module in the working directory (its input
//! variables, local values, and the resources and outputs of its state),
//! and prints each result as `terraform console` renders it. The first
//! error stops the run, as in Terraform.

use super::flags::{self, Kind};
use crate::diag::{render_styled, Diagnostic, Diagnostics, SourceMap, Style};
use crate::lang::eval::{EmptyScope, Evaluator, Scope};
use crate::lang::repl::{as_type_value, format_value};
use crate::syntax::parser::parse_expression_in;
use std::io::{BufRead, Write};

const HELP_TEXT: &str =
    "The Terraform console allows you to experiment with Terraform interpolations.
You may access resources in the state (if you have one) just as you would
from a configuration. For example: \"aws_instance.foo.id\" would evaluate
to the ID of \"aws_instance.foo\" if it exists in your state.

Type in the interpolation to test and hit <enter> to see the result.

To exit the console, type \"exit\" and hit <enter>, or use Control-C or
Control-D.";

pub fn run(args: &[String]) -> i32 {
    let parsed = match flags::parse(
        args,
        &[
            ("var", Kind::Value),
            ("var-file", Kind::Value),
            ("state", Kind::Value),
            ("plan", Kind::Bool),
            ("no-color", Kind::Bool),
        ],
    ) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let style = super::style(parsed.bool("no-color"));
    let sources = SourceMap::default();
    let empty = EmptyScope {
        base_dir: std::path::PathBuf::from("."),
    };
    let context = match module_context(&parsed, &sources) {
        Ok(c) => c,
        Err(diags) => {
            print_diagnostics(diags, &sources, style);
            return 1;
        }
    };
    let run_scope = context
        .as_ref()
        .map(|(module, values)| crate::engine::scope::RunScope {
            module,
            inst: Default::default(),
            values,
            instance: Default::default(),
            workspace: "default",
        });
    let scope: &dyn Scope = match &run_scope {
        Some(s) => s,
        None => &empty,
    };
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let line = line.trim();
        match line {
            "" => continue,
            "exit" => return 0,
            "help" => {
                let _ = writeln!(out, "{HELP_TEXT}");
                continue;
            }
            _ => {}
        }
        match evaluate(line, scope, &sources) {
            Ok(text) => {
                let _ = writeln!(out, "{text}");
            }
            Err(diags) => {
                let _ = out.flush();
                print_diagnostics(diags, &sources, style);
                return 1;
            }
        }
    }
    0
}

/// The module in the working directory with what the console can know of
/// it: input variables, local values, and its state's resources; `None`
/// where there is no configuration.
fn module_context(
    parsed: &flags::Parsed,
    sources: &SourceMap,
) -> Result<
    Option<(
        crate::config::Module,
        std::sync::RwLock<crate::engine::scope::Values>,
    )>,
    Diagnostics,
> {
    use crate::engine::variables::{input_values, Inputs, VarArg};
    let dir = std::path::Path::new(".");
    if !crate::config::has_config_files(dir) {
        return Ok(None);
    }
    let (module, d) = crate::config::load(dir, sources);
    if d.has_errors() {
        return Err(d);
    }
    let args: Vec<VarArg> = parsed
        .ordered
        .iter()
        .filter_map(|(k, v)| match k.as_str() {
            "var" => Some(VarArg::Var(v.clone())),
            "var-file" => Some(VarArg::File(v.clone())),
            _ => None,
        })
        .collect();
    let variables = input_values(
        &module,
        &Inputs {
            args: &args,
            interactive: false,
        },
        sources,
    )?;
    let mut values = crate::engine::scope::Values::with_root_variables(variables);
    let root = crate::addrs::ModuleInstance::root();
    // Resources as the state has them (attributes decoded without schemas).
    let state_path = parsed.value("state").unwrap_or("terraform.tfstate");
    if let Ok(text) = std::fs::read_to_string(state_path) {
        if let Ok(state) = crate::states::State::from_json(&text) {
            for r in &state.resources {
                let addr = r.address();
                if !addr.module.is_root() {
                    continue;
                }
                let mut keyed = std::collections::BTreeMap::new();
                for i in r.instances.iter().filter(|i| i.deposed.is_none()) {
                    keyed.insert(
                        crate::addrs::InstanceKey::from_json(i.index_key.as_ref()),
                        tfrs_provider::json::infer(&i.attributes),
                    );
                }
                let v = match r.each.as_deref() {
                    Some("list") => tfrs_provider::Value::Tuple(keyed.into_values().collect()),
                    Some("map") => tfrs_provider::Value::Object(
                        keyed
                            .into_iter()
                            .map(|(k, v)| {
                                (
                                    match k {
                                        crate::addrs::InstanceKey::Str(s) => s,
                                        other => other.to_string(),
                                    },
                                    v,
                                )
                            })
                            .collect(),
                    ),
                    _ => keyed
                        .into_values()
                        .next()
                        .unwrap_or(tfrs_provider::Value::null()),
                };
                values
                    .module_mut(&root)
                    .resources
                    .insert(addr.resource.to_string(), v);
            }
        }
    }
    // Local values, each once the locals it uses are known.
    let values = std::sync::RwLock::new(values);
    let mut pending: Vec<String> = module.locals.keys().cloned().collect();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|name| {
            let uses_pending = module.locals[name].expr.traversals().iter().any(|t| {
                t.root == "local"
                    && matches!(t.steps.first(), Some(crate::syntax::ast::Step::Attr(a)) if a != name && values.read().map(|v| !v.root().is_some_and(|r| r.locals.contains_key(a))).unwrap_or(false))
            });
            if uses_pending {
                return true;
            }
            let scope = crate::engine::scope::RunScope {
                module: &module,
                inst: Default::default(),
                values: &values,
                instance: Default::default(),
                workspace: "default",
            };
            let v = Evaluator::new(&scope).eval(&module.locals[name].expr).unwrap_or_else(|_| tfrs_provider::Value::unknown());
            if let Ok(mut w) = values.write() {
                w.module_mut(&crate::addrs::ModuleInstance::root())
                    .locals
                    .insert(name.clone(), v);
            }
            false
        });
        if pending.len() == before {
            break;
        }
    }
    Ok(Some((module, values)))
}

/// Evaluates one line as the console does, returning its rendering.
fn evaluate(line: &str, scope: &dyn Scope, sources: &SourceMap) -> Result<String, Diagnostics> {
    let file = sources.add("<console-input>", line.to_string());
    let (expr, diags) = parse_expression_in(line, file, "<console-input>");
    let Some(expr) = expr.filter(|_| !diags.has_errors()) else {
        return Err(diags);
    };
    let mut ev = Evaluator::new(scope)
        .console()
        .with_sources(sources.clone());
    let v = ev.eval(&expr)?;
    // Values computed from the console-only `type` function carry its mark:
    // the type itself is printed, and anything built from it is an error.
    if ev.used_type() && v.contains_sensitive() {
        let (raw, _) = v.unmark_deep();
        return match as_type_value(&raw) {
            Some(t) => Ok(t.to_string()),
            None => Err(Diagnostic::error(
                "Invalid use of type function",
                "The console-only \"type\" function cannot be used as part of an expression.",
            )
            .into()),
        };
    }
    Ok(format_value(&v, 0))
}

/// Prints diagnostics as the console does: sorted, through Terraform's old
/// UI, which ends each message with one more newline (in both styles).
fn print_diagnostics(mut diags: Diagnostics, sources: &SourceMap, style: Style) {
    crate::diag::sort(&mut diags, sources);
    let mut err = std::io::stderr().lock();
    for d in diags.iter() {
        let _ = writeln!(err, "{}", render_styled(d, sources, style));
    }
}
