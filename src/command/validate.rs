//! `tfrs validate`: checks the configuration without touching any state or
//! provider.

use super::flags::{self, Kind};
use crate::config;
use crate::diag::{Diagnostic, Diagnostics, Severity, SourceMap};
use serde_json::json;
use std::path::Path;

pub fn run(args: &[String]) -> i32 {
    let parsed = match flags::parse(
        args,
        &[
            ("json", Kind::Bool),
            ("no-color", Kind::Bool),
            ("no-tests", Kind::Bool),
            ("test-directory", Kind::Value),
        ],
    ) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let dir = parsed.positional.first().map(String::as_str).unwrap_or(".");
    let sources = SourceMap::default();
    let diags = validate_dir(Path::new(dir), &sources);
    if parsed.bool("json") {
        let out = json_report(&diags, &sources);
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return if diags.has_errors() { 1 } else { 0 };
    }
    super::print_diagnostics_styled(&diags, &sources, super::style(parsed.bool("no-color")));
    if diags.has_errors() {
        return 1;
    }
    if diags.is_empty() {
        println!("Success! The configuration is valid.\n");
    } else {
        println!("Success! The configuration is valid, but there were some validation warnings as shown above.\n");
    }
    0
}

/// Loads and validates the module in `dir`.
pub fn validate_dir(dir: &Path, sources: &SourceMap) -> Diagnostics {
    if !config::has_config_files(dir) {
        return Diagnostic::error(
            "No configuration files",
            format!("Validation requires a configuration directory, but {} contains no .tf or .tf.json files.", dir.display()),
        )
        .into();
    }
    let (module, mut diags) = config::load(dir, sources);
    if diags.has_errors() {
        crate::diag::sort(&mut diags, sources);
        return diags;
    }
    diags.extend(crate::lang::validate::validate_module_with_schemas(
        &module,
        sources,
        &super::provider_schemas(),
    ));
    crate::diag::sort(&mut diags, sources);
    diags
}

/// Terraform's `validate -json` document.
pub fn json_report(diags: &Diagnostics, sources: &SourceMap) -> serde_json::Value {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diags.len() - errors;
    json!({
        "format_version": "1.0",
        "valid": errors == 0,
        "error_count": errors,
        "warning_count": warnings,
        "diagnostics": diags.iter().map(|d| diagnostic_json(d, sources)).collect::<Vec<_>>(),
    })
}

pub fn diagnostic_json(d: &Diagnostic, sources: &SourceMap) -> serde_json::Value {
    let mut v = json!({
        "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "summary": d.summary,
        "detail": d.detail,
    });
    if let Some(span) = d.subject {
        if let Some(file) = sources.get(span.file) {
            let (l1, c1) = file.line_col(span.lo as usize);
            let (l2, c2) = file.line_col(span.hi as usize);
            v["range"] = json!({
                "filename": file.name,
                "start": {"line": l1, "column": c1, "byte": span.lo},
                "end": {"line": l2, "column": c2, "byte": span.hi},
            });
            if let Some((start_line, code, start, end)) = crate::diag::snippet(d, sources) {
                let values: Vec<serde_json::Value> = d
                    .values()
                    .iter()
                    .map(|(t, s)| json!({"traversal": t, "statement": s}))
                    .collect();
                v["snippet"] = json!({
                    "context": d.context,
                    "code": code,
                    "start_line": start_line,
                    "highlight_start_offset": start,
                    "highlight_end_offset": end,
                    "values": values,
                });
            }
        }
    }
    v
}
