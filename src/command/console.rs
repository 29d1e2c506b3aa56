//! `tfrs console`: evaluates expressions read from standard input, one a
//! line, as `terraform console` does with piped input: each line is
//! evaluated, the first error stops the run, and the last result is printed.

use super::flags::{self, Kind};
use crate::diag::{render_styled, Diagnostic, Diagnostics, SourceMap, Style};
use crate::lang::eval::{EmptyScope, Evaluator};
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
    let scope = EmptyScope {
        base_dir: std::path::PathBuf::from("."),
    };
    let stdin = std::io::stdin();
    let mut last = String::new();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let line = line.trim();
        match line {
            "" => {
                last.clear();
                continue;
            }
            "exit" => return 0,
            "help" => {
                last = HELP_TEXT.to_string();
                continue;
            }
            _ => {}
        }
        match evaluate(line, &scope, &sources) {
            Ok(text) => last = text,
            Err(diags) => {
                print_diagnostics(diags, &sources, style);
                return 1;
            }
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{last}");
    0
}

/// Evaluates one line as the console does, returning its rendering.
fn evaluate(line: &str, scope: &EmptyScope, sources: &SourceMap) -> Result<String, Diagnostics> {
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
