//! `tfrs console`: evaluates expressions read from standard input, one a
//! line, and prints each result as `terraform console` renders it.

use super::flags::{self, Kind};
use crate::diag::{Diagnostics, SourceMap};
use crate::lang::eval::{EmptyScope, Evaluator};
use crate::lang::repl::{format_type, format_value};
use crate::syntax::ast::ExprKind;
use crate::syntax::parser::parse_expression;
use std::io::{BufRead, Write};

pub fn run(args: &[String]) -> i32 {
    let parsed = match flags::parse(
        args,
        &[
            ("var", Kind::Value),
            ("var-file", Kind::Value),
            ("state", Kind::Value),
            ("plan", Kind::Bool),
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
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let file = sources.add("<console-input>", line.clone());
        let (expr, diags) = parse_expression(&line, file);
        let Some(expr) = expr.filter(|_| !diags.has_errors()) else {
            failed |= super::print_diagnostics_styled(&diags, &sources, style);
            continue;
        };
        let mut ev = Evaluator::new(&scope);
        // `type()` exists only in the console: it renders the type itself.
        let result = match &expr.kind {
            ExprKind::Call { name, args, .. } if name == "type" && args.len() == 1 => {
                ev.eval(&args[0]).map(|v| format_type(&v.ty(), 0))
            }
            _ => ev.eval(&expr).map(|v| format_value(&v, 0)),
        };
        match result {
            Ok(text) => {
                let _ = writeln!(out, "{text}");
            }
            Err(diags) => {
                let _ = out.flush();
                failed |= super::print_diagnostics_styled(&diags, &sources, style);
            }
        }
    }
    let _ = Diagnostics::new();
    if failed {
        1
    } else {
        0
    }
}
