//! Input variable values, from every place Terraform takes them, in its
//! order of precedence (later wins): `TF_VAR_name` environment variables,
//! `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars(.json)` in
//! name order, then `-var` and `-var-file` in the order given.

use crate::config::{typeexpr::Defaults, Module, Variable};
use crate::diag::{Diagnostic, Diagnostics, SourceMap};
use crate::lang::eval::{EmptyScope, Evaluator};
use crate::syntax::parser::{parse_expression, parse_file};
use std::collections::BTreeMap;
use std::path::Path;
use tfrs_provider::convert::convert;
use tfrs_provider::{Type, Value};

/// A `-var` or `-var-file` argument, in command-line order.
#[derive(Clone, Debug)]
pub enum VarArg {
    Var(String),
    File(String),
}

/// A raw value before conversion: an expression's source, or a string that
/// is taken literally where the variable wants a string.
#[derive(Clone, Debug)]
enum Raw {
    Value(Value),
    /// From the environment or `-var`: parsed as an expression unless the
    /// variable's type is a primitive.
    Text(String, &'static str),
}

pub struct Inputs<'a> {
    pub args: &'a [VarArg],
    /// Whether a missing required variable may be asked for on the terminal.
    pub interactive: bool,
}

/// Collects, converts and validates the root module's input variables.
pub fn input_values(
    module: &Module,
    inputs: &Inputs,
    sources: &SourceMap,
) -> Result<BTreeMap<String, Value>, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut raw: BTreeMap<String, Raw> = BTreeMap::new();
    for (k, v) in std::env::vars() {
        if let Some(name) = k.strip_prefix("TF_VAR_") {
            raw.insert(name.to_string(), Raw::Text(v, "environment variable"));
        }
    }
    let dir = &module.dir;
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for f in ["terraform.tfvars", "terraform.tfvars.json"] {
        if dir.join(f).is_file() {
            files.push(dir.join(f));
        }
    }
    let mut autos: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
                })
                .collect()
        })
        .unwrap_or_default();
    autos.sort();
    files.extend(autos);
    for f in &files {
        load_var_file(f, sources, &mut raw, &mut diags);
    }
    for a in inputs.args {
        match a {
            VarArg::Var(kv) => match kv.split_once('=') {
                Some((k, v)) => {
                    raw.insert(k.trim().to_string(), Raw::Text(v.to_string(), "-var"));
                }
                None => diags.push(Diagnostic::error(
                    "Invalid -var option",
                    format!("The given -var option {kv:?} is not correctly specified. It must be a variable name and value separated an equals sign, like -var=\"key=value\"."),
                )),
            },
            VarArg::File(f) => {
                let p = Path::new(f);
                if !p.is_file() {
                    diags.push(Diagnostic::error(
                        "Failed to read variables file",
                        format!("Given variables file {f} does not exist."),
                    ));
                    continue;
                }
                load_var_file(p, sources, &mut raw, &mut diags);
            }
        }
    }
    let mut out = BTreeMap::new();
    for (name, v) in &raw {
        if !module.variables.contains_key(name) {
            // Terraform warns about undeclared values from files, ignores
            // the environment, and errors on -var.
            if let Raw::Text(_, "-var") = v {
                diags.push(Diagnostic::error(
                    "Value for undeclared variable",
                    format!("A variable named {name:?} was assigned on the command line, but the root module does not declare a variable of that name. To use this value, add a \"variable\" block to the configuration."),
                ));
            }
        }
    }
    for (name, var) in &module.variables {
        let ty = crate::config::variable_type(var);
        let given = match raw.get(name) {
            Some(Raw::Value(v)) => Some(v.clone()),
            Some(Raw::Text(text, origin)) => match parse_text(text, &ty, origin, name, sources) {
                Ok(v) => Some(v),
                Err(d) => {
                    diags.extend(d);
                    continue;
                }
            },
            None => None,
        };
        let value = match given {
            Some(v) if !(v.is_null() && var.nullable && var.default.is_some()) => v,
            _ => match &var.default {
                Some(d) => {
                    let scope = EmptyScope {
                        base_dir: module.dir.clone(),
                    };
                    match Evaluator::new(&scope).eval(d) {
                        Ok(v) => v,
                        Err(e) => {
                            diags.extend(e);
                            continue;
                        }
                    }
                }
                None if inputs.interactive => match prompt(var) {
                    Some(text) => match parse_text(&text, &ty, "input", name, sources) {
                        Ok(v) => v,
                        Err(d) => {
                            diags.extend(d);
                            continue;
                        }
                    },
                    None => {
                        diags.push(missing(var));
                        continue;
                    }
                },
                None => {
                    diags.push(missing(var));
                    continue;
                }
            },
        };
        let converted = match to_declared_type(module, var, &value, var.span) {
            Ok(v) => v,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if converted.is_null() && !var.nullable {
            diags.push(
                Diagnostic::error(
                    "Required variable not set",
                    format!("Unsuitable value for var.{name} set from outside of the configuration: required variable may not be set to null."),
                )
                .with_subject(var.span),
            );
            continue;
        }
        out.insert(name.clone(), converted);
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(out)
}

/// A variable's value converted to its declared type, with the type's
/// optional-attribute defaults filled in; `subject` is where the value was
/// given.
fn to_declared_type(
    module: &Module,
    var: &Variable,
    value: &Value,
    subject: crate::diag::Span,
) -> Result<Value, Diagnostic> {
    match convert(value, &crate::config::variable_type(var)) {
        Ok(v) => Ok(match &var.ty {
            Some(tc) => apply_defaults(v, &tc.defaults),
            None => v,
        }),
        Err(e) => Err(Diagnostic::error(
            "Invalid value for input variable",
            format!(
                "The given value is not suitable for var.{} declared at {}: {e}.",
                var.name,
                decl_ref(module, var)
            ),
        )
        .with_subject(subject)),
    }
}

fn decl_ref(module: &Module, var: &Variable) -> String {
    span_ref(module, var.span)
}

/// `main.tf:4,3-13`, as Terraform names a source range in messages.
fn span_ref(module: &Module, span: crate::diag::Span) -> String {
    match module.sources.get(span.file) {
        Some(f) => {
            let (l1, c1) = f.line_col(span.lo as usize);
            let (_, c2) = f.line_col(span.hi as usize);
            format!("{}:{l1},{c1}-{c2}", f.name)
        }
        None => "<unknown>".into(),
    }
}

fn missing(var: &Variable) -> Diagnostic {
    Diagnostic::error(
        "No value for required variable",
        format!(
            "The root module input variable {:?} is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable.",
            var.name
        ),
    )
    .with_subject(var.span)
}

fn prompt(var: &Variable) -> Option<String> {
    use std::io::{BufRead, Write};
    let mut err = std::io::stdout();
    let _ = writeln!(err, "var.{}", var.name);
    if let Some(d) = &var.description {
        let _ = writeln!(err, "  {d}\n");
    }
    let _ = write!(err, "  Enter a value: ");
    let _ = err.flush();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).ok()?;
    let _ = writeln!(err);
    Some(line.trim_end_matches(['\n', '\r']).to_string())
}

/// A value given as text: literal for primitive types, an expression
/// otherwise (as Terraform parses `-var` and `TF_VAR_`).
fn parse_text(
    text: &str,
    ty: &Type,
    origin: &str,
    name: &str,
    sources: &SourceMap,
) -> Result<Value, Diagnostics> {
    // Untyped variables take the text literally too, as in Terraform.
    if ty.is_primitive() || *ty == Type::Dynamic {
        return Ok(Value::string(text));
    }
    let file = sources.add(format!("<value for var.{name}>"), text.to_string());
    let (expr, d) = parse_expression(text, file);
    let Some(expr) = expr.filter(|_| !d.has_errors()) else {
        let mut out = Diagnostics::new();
        out.push(Diagnostic::error(
            "Invalid value for input variable",
            format!("The value for variable {name:?} given by {origin} is not a valid expression: it must be a valid HCL expression for a {} value.", ty.friendly_name()),
        ));
        return Err(out);
    };
    let scope = EmptyScope {
        base_dir: std::path::PathBuf::from("."),
    };
    Evaluator::new(&scope).eval(&expr)
}

fn load_var_file(
    path: &Path,
    sources: &SourceMap,
    raw: &mut BTreeMap<String, Raw>,
    diags: &mut Diagnostics,
) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error(
                "Failed to read variables file",
                format!("Error reading {}: {e}.", path.display()),
            ));
            return;
        }
    };
    if name.ends_with(".json") {
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(m)) => {
                for (k, v) in m {
                    raw.insert(k, Raw::Value(tfrs_provider::json::infer(&v)));
                }
            }
            _ => diags.push(Diagnostic::error(
                "Invalid variables file",
                format!("The file {name} must contain a JSON object of variable values."),
            )),
        }
        return;
    }
    let id = sources.add(name.clone(), text.clone());
    let (body, d) = parse_file(&text, id, &name);
    if d.has_errors() {
        diags.extend(d);
        return;
    }
    for b in &body.blocks {
        diags.push(
            Diagnostic::error(
                "Unexpected block in variable definitions file",
                "Variable definitions files may contain only variable assignments.",
            )
            .with_subject(b.type_span),
        );
    }
    let scope = EmptyScope {
        base_dir: std::path::PathBuf::from("."),
    };
    for a in &body.attributes {
        match Evaluator::new(&scope).eval(&a.expr) {
            Ok(v) => {
                raw.insert(a.name.clone(), Raw::Value(v));
            }
            Err(d) => diags.extend(d),
        }
    }
}

/// Fills absent optional attributes with their declared defaults.
pub fn apply_defaults(v: Value, defaults: &Defaults) -> Value {
    if defaults.is_empty() || v.is_null() || !v.is_known() {
        return v;
    }
    let (v, sensitive) = v.unmark();
    let out = match v {
        Value::Object(mut m) => {
            for (k, d) in &defaults.values {
                if m.get(k).is_none_or(Value::is_null) {
                    let scope = EmptyScope {
                        base_dir: std::path::PathBuf::from("."),
                    };
                    if let Ok(dv) = Evaluator::new(&scope).eval(d) {
                        let ty = m.get(k).map(Value::ty).unwrap_or(Type::Dynamic);
                        let dv = convert(&dv, &ty).unwrap_or(dv);
                        m.insert(k.clone(), dv);
                    }
                }
            }
            for (k, child) in &defaults.children {
                if let Some(x) = m.remove(k) {
                    m.insert(k.clone(), apply_defaults(x, child));
                }
            }
            Value::Object(m)
        }
        Value::List(t, vs) => match defaults.children.get("") {
            Some(c) => Value::List(t, vs.into_iter().map(|x| apply_defaults(x, c)).collect()),
            None => Value::List(t, vs),
        },
        Value::Set(t, vs) => match defaults.children.get("") {
            Some(c) => Value::set(t, vs.into_iter().map(|x| apply_defaults(x, c)).collect()),
            None => Value::Set(t, vs),
        },
        Value::Map(t, m) => match defaults.children.get("") {
            Some(c) => Value::Map(
                t,
                m.into_iter()
                    .map(|(k, x)| (k, apply_defaults(x, c)))
                    .collect(),
            ),
            None => Value::Map(t, m),
        },
        other => other,
    };
    out.mark_if(sensitive)
}

/// The input variables of one instance of a module call: each argument
/// evaluated in the calling module (`scope`), converted to the variable's
/// type, defaults filled in.
pub fn module_call_inputs(
    child: &Module,
    call: &crate::config::ModuleCall,
    scope: &dyn crate::lang::eval::Scope,
) -> Result<BTreeMap<String, Value>, Diagnostics> {
    let mut diags = Diagnostics::new();
    for a in &call.inputs {
        if !child.variables.contains_key(&a.name) {
            diags.push(
                Diagnostic::error(
                    "Unsupported argument",
                    format!("An argument named {:?} is not expected here.", a.name),
                )
                .with_subject(a.name_span),
            );
        }
    }
    let mut out = BTreeMap::new();
    for (name, var) in &child.variables {
        let arg = call.inputs.iter().find(|a| a.name == *name);
        let given = match arg {
            Some(a) => match Evaluator::new(scope).eval(&a.expr) {
                Ok(v) => Some(v),
                Err(d) => {
                    diags.extend(d);
                    continue;
                }
            },
            None => None,
        };
        let value = match given {
            Some(v) if !(v.is_null() && var.nullable && var.default.is_some()) => v,
            _ => match &var.default {
                Some(d) => {
                    let empty = EmptyScope {
                        base_dir: child.dir.clone(),
                    };
                    match Evaluator::new(&empty).eval(d) {
                        Ok(v) => v,
                        Err(e) => {
                            diags.extend(e);
                            continue;
                        }
                    }
                }
                None => {
                    diags.push(
                        Diagnostic::error(
                            "Missing required argument",
                            format!(
                                "The argument {name:?} is required, but no definition was found."
                            ),
                        )
                        .with_subject(call.span),
                    );
                    continue;
                }
            },
        };
        let subject = arg.map(|a| a.expr.span).unwrap_or(call.span);
        let converted = match to_declared_type(child, var, &value, subject) {
            Ok(v) => v,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if converted.is_null() && !var.nullable {
            diags.push(
                Diagnostic::error(
                    "Invalid value for input variable",
                    format!("The given value is not suitable for var.{name} declared at {}: required variable may not be set to null.", decl_ref(child, var)),
                )
                .with_subject(subject),
            );
            continue;
        }
        out.insert(name.clone(), converted);
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(out)
}

/// Evaluates the `validation` rules of a module's variables in `scope`
/// (which knows their values). A condition that is not yet known passes.
pub fn check_validations(module: &Module, scope: &dyn crate::lang::eval::Scope) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for var in module.variables.values() {
        for rule in &var.validations {
            let ok = match Evaluator::new(scope).eval(&rule.condition) {
                Ok(v) => match v.unmark_deep().0 {
                    Value::Bool(b) => b,
                    v if !v.is_known() => true,
                    _ => {
                        diags.push(
                            Diagnostic::error(
                                "Invalid variable validation result",
                                "Invalid validation condition result value: a bool is required.",
                            )
                            .with_subject(rule.condition.span),
                        );
                        continue;
                    }
                },
                Err(d) => {
                    diags.extend(d);
                    continue;
                }
            };
            if ok {
                continue;
            }
            let message = match Evaluator::new(scope).eval(&rule.error_message) {
                Ok(v) => match v.unmark_deep().0 {
                    Value::String(s) => s,
                    _ => "(the error message is not a string)".to_string(),
                },
                Err(d) => {
                    diags.extend(d);
                    continue;
                }
            };
            diags.push(
                Diagnostic::error(
                    "Invalid value for variable",
                    format!(
                        "{message}\n\nThis was checked by the validation rule at {}.",
                        span_ref(module, rule.span)
                    ),
                )
                .with_subject(var.span),
            );
        }
    }
    diags
}
