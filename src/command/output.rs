//! `tfrs output`: the root module's output values from the state, as
//! `terraform output` prints them (`internal/command/views/output.go`).

use super::flags::{self, Kind};
use super::state::{load_backend, print_view_diags, strip_no_color, LoadFailure};
use crate::backend::json::Json;
use crate::backend::LocalConfig;
use crate::diag::Diagnostic;
use crate::lang::repl::format_value;
use crate::states::OutputState;
use std::collections::BTreeMap;
use std::io::Write;
use tfrs_provider::{Type, Value};

const HELP: &str = "Usage: tfrs [global options] output [options] [NAME]

  Reads an output variable from a Terraform state file and prints
  the value. With no additional arguments, output will display all
  the outputs for the root module.  If NAME is not specified, all
  outputs are printed.

Options:

  -state=path      Path to the state file to read. Defaults to
                   \"terraform.tfstate\". Ignored when remote 
                   state is used.

  -no-color        If specified, output won't contain any color.

  -json            If specified, machine readable output will be
                   printed in JSON format.

  -raw             For value types that can be automatically
                   converted to a string, will print the raw
                   string directly, rather than a human-oriented
                   representation of the value.
";

#[derive(Clone, Copy, PartialEq, Eq)]
enum View {
    Human,
    Json,
    Raw,
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
    let parsed = match flags::parse(
        &args,
        &[
            ("json", Kind::Bool),
            ("raw", Kind::Bool),
            ("state", Kind::Value),
        ],
    ) {
        Ok(p) => p,
        Err(e) => {
            diags.push(Diagnostic::error("Failed to parse command-line flags", e));
            flags::Parsed::default()
        }
    };
    if parsed.positional.len() > 1 {
        diags.push(Diagnostic::error(
            "Unexpected argument",
            "The output command expects exactly one argument with the name of an output variable or no arguments to show all outputs.",
        ));
    }
    let (mut json, mut raw) = (parsed.bool("json"), parsed.bool("raw"));
    if json && raw {
        diags.push(Diagnostic::error(
            "Invalid output format",
            "The -raw and -json options are mutually-exclusive.",
        ));
        json = false;
        raw = false;
    }
    let name = parsed.positional.first().cloned().unwrap_or_default();
    if raw && name.is_empty() {
        diags.push(Diagnostic::error(
            "Output name required",
            "You must give the name of a single output value when using the -raw option.",
        ));
    }
    if !diags.is_empty() {
        print_view_diags(&diags, no_color);
        eprint!("\nFor more help on using this command, run:\n  tfrs output -help\n");
        return 1;
    }
    let view = if json {
        View::Json
    } else if raw {
        View::Raw
    } else {
        View::Human
    };

    let overrides = LocalConfig {
        state: parsed
            .value("state")
            .filter(|s| !s.is_empty())
            .map(Into::into),
        ..LocalConfig::default()
    };
    let outputs = match load_outputs(overrides, no_color) {
        Ok(o) => o,
        Err(Some(d)) => {
            print_view_diags(&[*d], no_color);
            return 1;
        }
        Err(None) => return 1,
    };
    let (text, diags) = render(view, &name, &outputs);
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    drop(out);
    print_view_diags(&diags, no_color);
    if diags.iter().any(Diagnostic::is_error) {
        1
    } else {
        0
    }
}

/// The outputs of the current workspace; the error to show (`None` when
/// the backend's diagnostics were printed already).
fn load_outputs(
    overrides: LocalConfig,
    no_color: bool,
) -> Result<BTreeMap<String, OutputState>, Option<Box<Diagnostic>>> {
    let backend = load_backend(overrides, no_color).map_err(|e| match e {
        LoadFailure::Reported => None,
        LoadFailure::Error(e) => Some(Box::new(Diagnostic::error(e.to_string(), ""))),
    })?;
    let ws = backend.current_workspace().map_err(|e| {
        Some(Box::new(Diagnostic::error(
            format!("Error selecting workspace: {e}"),
            "",
        )))
    })?;
    let state = backend
        .read_state(&ws)
        .map_err(|e| Some(Box::new(Diagnostic::error(e.to_string(), ""))))?;
    Ok(state.map(|s| s.outputs).unwrap_or_default())
}

/// The value of an output with its recorded type.
pub fn output_value(o: &OutputState) -> Value {
    match Type::from_json(&o.ty) {
        Some(ty) => tfrs_provider::json::from_json(&o.value, &ty)
            .unwrap_or_else(|_| tfrs_provider::json::infer(&o.value)),
        None => tfrs_provider::json::infer(&o.value),
    }
}

/// What `terraform output` prints for `view` (standard output) and the
/// diagnostics it reports.
fn render(
    view: View,
    name: &str,
    outputs: &BTreeMap<String, OutputState>,
) -> (String, Vec<Diagnostic>) {
    if outputs.is_empty() && view != View::Json {
        return (String::new(), vec![no_outputs_warning()]);
    }
    if view == View::Raw && name.is_empty() {
        return (
            String::new(),
            vec![Diagnostic::error(
                "Raw output format is only supported for single outputs",
                "",
            )],
        );
    }
    if !name.is_empty() {
        let Some(o) = outputs.get(name) else {
            return (String::new(), vec![missing_output_error(name)]);
        };
        let value = output_value(o);
        return match view {
            View::Human => (format!("{}\n", format_value(&value, 0)), Vec::new()),
            View::Json => (format!("{}\n", Json::from_value(&value).compact()), Vec::new()),
            View::Raw => match raw_string(&value) {
                Ok(s) => (s, Vec::new()),
                Err(Some(ty)) => (
                    String::new(),
                    vec![Diagnostic::error(
                        "Unsupported value for raw output",
                        format!(
                            "The -raw option only supports strings, numbers, and boolean values, but output value {name:?} is {ty}.\n\nUse the -json option for machine-readable representations of output values that have complex types."
                        ),
                    )],
                ),
                Err(None) => (
                    String::new(),
                    vec![Diagnostic::error(
                        "Unsupported value for raw output",
                        format!("The value for output value {name:?} is null, so -raw mode cannot print it."),
                    )],
                ),
            },
        };
    }
    match view {
        View::Json => {
            let entries = outputs
                .iter()
                .map(|(k, o)| {
                    (
                        k.clone(),
                        Json::Object(vec![
                            ("sensitive".into(), Json::Bool(o.sensitive)),
                            ("type".into(), Json::from_serde(&o.ty)),
                            ("value".into(), Json::from_value(&output_value(o))),
                        ]),
                    )
                })
                .collect();
            (format!("{}\n", Json::Object(entries).pretty()), Vec::new())
        }
        _ => {
            let mut buf = String::new();
            for (k, o) in outputs {
                if o.sensitive {
                    buf.push_str(&format!("{k} = <sensitive>\n"));
                } else {
                    buf.push_str(&format!("{k} = {}\n", format_value(&output_value(o), 0)));
                }
            }
            (format!("{}\n", buf.trim()), Vec::new())
        }
    }
}

/// The string `-raw` prints; `Err(Some(type))` for a value of another
/// type, `Err(None)` for null.
fn raw_string(v: &Value) -> Result<String, Option<String>> {
    match v.unmarked() {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_terraform_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null(t) if t.is_primitive() || *t == Type::Dynamic => Err(None),
        other => Err(Some(other.ty().friendly_name())),
    }
}

fn no_outputs_warning() -> Diagnostic {
    Diagnostic::warning(
        "No outputs found",
        "The state file either has no outputs defined, or all the defined outputs are empty. Please define an output in your configuration with the `output` keyword and run `terraform refresh` for it to become available. If you are using interpolation, please verify the interpolated value is not empty. You can use the `terraform console` command to assist.",
    )
}

fn missing_output_error(name: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Output {name:?} not found"),
        "The output variable requested could not be found in the state file. If you recently added this to your configuration, be sure to run `terraform apply`, since the state won't be updated with new output variables until that command is run.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outputs() -> BTreeMap<String, OutputState> {
        let text = r#"{"s":{"value":"x","type":"string"},"sec":{"value":"secret","type":"string","sensitive":true},
            "l":{"value":["a","b"],"type":["tuple",["string","string"]]},"n":{"value":42,"type":"number"},
            "m":{"value":{"a":"<b>"},"type":["map","string"]}}"#;
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn renders_like_terraform() {
        let o = outputs();
        let (text, d) = render(View::Human, "", &o);
        assert!(d.is_empty());
        assert_eq!(
            text,
            "l = [\n  \"a\",\n  \"b\",\n]\nm = tomap({\n  \"a\" = \"<b>\"\n})\nn = 42\ns = \"x\"\nsec = <sensitive>\n"
        );
        assert_eq!(render(View::Human, "sec", &o).0, "\"secret\"\n");
        assert_eq!(render(View::Raw, "n", &o).0, "42");
        assert_eq!(
            render(View::Json, "m", &o).0,
            "{\"a\":\"\\u003cb\\u003e\"}\n"
        );
        let (_, d) = render(View::Raw, "l", &o);
        assert!(d[0].detail.contains("output value \"l\" is tuple."));
        let (_, d) = render(View::Human, "zz", &o);
        assert_eq!(d[0].summary, "Output \"zz\" not found");
        let (text, d) = render(View::Json, "", &BTreeMap::new());
        assert_eq!((text.as_str(), d.len()), ("{}\n", 0));
        let (_, d) = render(View::Human, "", &BTreeMap::new());
        assert_eq!(d[0].summary, "No outputs found");
    }
}
