//! The views against the reference `terraform` on `terraform_data`
//! configurations (no provider download needed). For each case terraform
//! plans a configuration; the plan's `show -json` is turned back into a
//! tfrs [`Plan`] (values typed by the schema, unknown and sensitive parts
//! marked), and tfrs's renderings must equal terraform's: the human plan
//! (`terraform show PLANFILE`, with and without colour), the plan JSON's
//! resource changes, output changes and planned values, and `terraform
//! show` / `show -json` of the state. Skipped when `terraform` is not on
//! `PATH`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tfrs::addrs::{parse_target, AbsInstance, InstanceKey, Target};
use tfrs::plans::{Action, ActionReason, OutputChange, Plan, PlanMode, ResourceChange};
use tfrs::states::State;
use tfrs::views::jsonv::Json;
use tfrs::views::SchemaLookup;
use tfrs_provider::schema::{Attribute, Block};
use tfrs_provider::{AttrPath, Number, ProviderSchema, Schema, Type, Value};

const BUILTIN: &str = "terraform.io/builtin/terraform";

fn have_terraform() -> bool {
    let ok = Command::new("terraform")
        .arg("version")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("note: terraform is not on PATH; skipping the comparison with terraform");
    }
    ok
}

fn schemas() -> BTreeMap<String, ProviderSchema> {
    let block = Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("input", Attribute::optional(Type::Dynamic))
        .attr("output", Attribute::computed(Type::Dynamic))
        .attr("triggers_replace", Attribute::optional(Type::Dynamic));
    let remote_state = Block::new()
        .attr("backend", Attribute::required(Type::String))
        .attr("config", Attribute::optional(Type::Dynamic))
        .attr("defaults", Attribute::optional(Type::Dynamic))
        .attr("outputs", Attribute::computed(Type::Dynamic))
        .attr("workspace", Attribute::optional(Type::String));
    let mut p = ProviderSchema::default();
    p.resources
        .insert("terraform_data".into(), Schema::new(block));
    p.data_sources
        .insert("terraform_remote_state".into(), Schema::new(remote_state));
    BTreeMap::from([(BUILTIN.to_string(), p)])
}

fn tf(dir: &Path, args: &[&str]) -> String {
    tf_with(dir, args, "/dev/null")
}

fn tf_with(dir: &Path, args: &[&str], cli_config: &str) -> String {
    let out = Command::new("terraform")
        .args(args)
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", cli_config)
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_CLI_ARGS")
        .env_remove("TF_IN_AUTOMATION")
        .output()
        .unwrap_or_else(|e| panic!("terraform {args:?}: {e}"));
    assert!(
        out.status.success(),
        "terraform {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tfrs-views-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ------------------------------------------------------------ JSON to values

fn num(n: &serde_json::Number) -> Value {
    Value::Number(Number::parse(&n.to_string()).unwrap())
}

/// A value of type `ty` from plan JSON: `unknown` and `sens` are the
/// `after_unknown` / `*_sensitive` companions at this place.
fn build(
    j: &serde_json::Value,
    ty: &Type,
    unknown: &serde_json::Value,
    sens: &serde_json::Value,
) -> Value {
    use serde_json::Value as J;
    if unknown == &J::Bool(true) {
        let t = match (ty, sens) {
            (Type::Dynamic, J::Object(_)) => Type::empty_object(),
            (Type::Dynamic, J::Array(_)) => Type::Tuple(vec![]),
            (t, _) => t.clone(),
        };
        return Value::Unknown(t);
    }
    if sens == &J::Bool(true) {
        return build(j, ty, unknown, &J::Bool(false)).mark();
    }
    let u = |k: &str| unknown.get(k).cloned().unwrap_or(J::Null);
    let s = |k: &str| sens.get(k).cloned().unwrap_or(J::Null);
    let ui = |i: usize| unknown.get(i).cloned().unwrap_or(J::Null);
    let si = |i: usize| sens.get(i).cloned().unwrap_or(J::Null);
    match ty {
        Type::Dynamic => match j {
            J::Null => Value::null(),
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => num(n),
            J::String(x) => Value::String(x.clone()),
            J::Array(items) => Value::Tuple(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, e)| build(e, &Type::Dynamic, &ui(i), &si(i)))
                    .collect(),
            ),
            J::Object(m) => {
                let mut keys: Vec<String> = m.keys().cloned().collect();
                if let J::Object(um) = unknown {
                    for (k, v) in um {
                        if v == &J::Bool(true) && !keys.contains(k) {
                            keys.push(k.clone());
                        }
                    }
                }
                Value::Object(
                    keys.iter()
                        .map(|k| {
                            (
                                k.clone(),
                                build(m.get(k).unwrap_or(&J::Null), &Type::Dynamic, &u(k), &s(k)),
                            )
                        })
                        .collect(),
                )
            }
        },
        _ if j.is_null() => Value::Null(ty.clone()),
        Type::String => Value::String(j.as_str().unwrap().to_string()),
        Type::Number => num(j.as_number().unwrap()),
        Type::Bool => Value::Bool(j.as_bool().unwrap()),
        Type::Object(attrs, _) => Value::Object(
            attrs
                .iter()
                .map(|(k, t)| {
                    (
                        k.clone(),
                        build(j.get(k).unwrap_or(&J::Null), t, &u(k), &s(k)),
                    )
                })
                .collect(),
        ),
        Type::List(e) | Type::Set(e) => {
            let vs: Vec<Value> = j
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
                .map(|(i, x)| build(x, e, &ui(i), &si(i)))
                .collect();
            if matches!(ty, Type::List(_)) {
                Value::List((**e).clone(), vs)
            } else {
                Value::Set((**e).clone(), vs)
            }
        }
        Type::Map(e) => Value::Map(
            (**e).clone(),
            j.as_object()
                .unwrap()
                .iter()
                .map(|(k, x)| (k.clone(), build(x, e, &u(k), &s(k))))
                .collect(),
        ),
        Type::Tuple(ts) => Value::Tuple(
            j.as_array()
                .unwrap()
                .iter()
                .zip(ts)
                .enumerate()
                .map(|(i, (x, t))| build(x, t, &ui(i), &si(i)))
                .collect(),
        ),
    }
}

fn action_of(actions: &serde_json::Value) -> Action {
    let a: Vec<&str> = actions
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    match a.as_slice() {
        ["no-op"] => Action::NoOp,
        ["create"] => Action::Create,
        ["read"] => Action::Read,
        ["update"] => Action::Update,
        ["delete", "create"] => Action::DeleteThenCreate,
        ["create", "delete"] => Action::CreateThenDelete,
        ["delete"] => Action::Delete,
        other => panic!("actions {other:?}"),
    }
}

fn reason_of(s: &str) -> ActionReason {
    use ActionReason::*;
    [
        ReplaceBecauseTainted,
        ReplaceByRequest,
        ReplaceByTriggers,
        ReplaceBecauseCannotUpdate,
        DeleteBecauseNoResourceConfig,
        DeleteBecauseNoModule,
        DeleteBecauseCountIndex,
        DeleteBecauseEachKey,
        DeleteBecauseWrongRepetition,
        ReadBecauseConfigUnknown,
        ReadBecauseDependencyPending,
    ]
    .into_iter()
    .find(|r| r.json() == s)
    .unwrap_or_else(|| panic!("reason {s}"))
}

fn instance(addr: &str) -> AbsInstance {
    match parse_target(addr).unwrap() {
        Target::Instance(i) => i,
        Target::Resource(r) => r.instance(InstanceKey::None),
        Target::Module(_) => panic!("{addr}"),
    }
}

fn path_of(p: &serde_json::Value) -> AttrPath {
    use tfrs_provider::path::{Key, PathStep};
    AttrPath(
        p.as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, s)| match s {
                serde_json::Value::String(x) if i == 0 => PathStep::Attr(x.clone()),
                serde_json::Value::String(x) => PathStep::Key(Key::Str(x.clone())),
                serde_json::Value::Number(n) => PathStep::Key(Key::Int(n.as_i64().unwrap())),
                other => panic!("path step {other}"),
            })
            .collect(),
    )
}

fn resource_change(rc: &serde_json::Value, schemas: &dyn SchemaLookup) -> ResourceChange {
    use serde_json::Value as J;
    let addr = instance(rc["address"].as_str().unwrap());
    let r = &addr.resource.resource;
    let schema = schemas
        .resource_schema(rc["provider_name"].as_str().unwrap(), r.mode, &r.type_name)
        .unwrap();
    let ty = schema.block.value_type();
    let c = &rc["change"];
    let null = J::Null;
    let before = build(
        &c["before"],
        &ty,
        &J::Bool(false),
        c.get("before_sensitive").unwrap_or(&null),
    );
    let after = build(
        c.get("after").unwrap_or(&null),
        &ty,
        c.get("after_unknown").unwrap_or(&null),
        c.get("after_sensitive").unwrap_or(&null),
    );
    ResourceChange {
        addr: addr.clone(),
        deposed: rc.get("deposed").and_then(|d| d.as_str()).map(String::from),
        provider: format!("provider[\"{}\"]", rc["provider_name"].as_str().unwrap()),
        action: action_of(&c["actions"]),
        reason: rc
            .get("action_reason")
            .and_then(|r| r.as_str())
            .map(reason_of),
        before,
        after,
        ty,
        replace_paths: c
            .get("replace_paths")
            .and_then(|p| p.as_array())
            .map(|ps| ps.iter().map(path_of).collect())
            .unwrap_or_default(),
        private: Vec::new(),
        each: None,
        importing: None,
        prev_addr: None,
    }
}

/// A tfrs plan equivalent to terraform's plan JSON.
fn plan_from_json(j: &serde_json::Value, mode: PlanMode, schemas: &dyn SchemaLookup) -> Plan {
    use serde_json::Value as J;
    let list = |k: &str| {
        j.get(k)
            .and_then(|x| x.as_array())
            .cloned()
            .unwrap_or_default()
    };
    let output_changes = j
        .get("output_changes")
        .and_then(|o| o.as_object())
        .map(|m| {
            m.iter()
                .map(|(name, c)| {
                    let sensitive = c["after_sensitive"] == J::Bool(true)
                        || c["before_sensitive"] == J::Bool(true);
                    let s = J::Bool(sensitive);
                    OutputChange {
                        name: name.clone(),
                        action: action_of(&c["actions"]),
                        before: build(&c["before"], &Type::Dynamic, &J::Bool(false), &s),
                        after: build(
                            c.get("after").unwrap_or(&J::Null),
                            &Type::Dynamic,
                            &c["after_unknown"],
                            &s,
                        ),
                        sensitive,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Plan {
        mode,
        changes: list("resource_changes")
            .iter()
            .map(|rc| resource_change(rc, schemas))
            .collect(),
        output_changes,
        drift: list("resource_drift")
            .iter()
            .map(|rc| resource_change(rc, schemas))
            .collect(),
        prior_state: State::new("x".into()),
        variables: j
            .get("variables")
            .and_then(|v| v.as_object())
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            build(&v["value"], &Type::Dynamic, &J::Null, &J::Null),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        targets: Vec::new(),
        errored: j["errored"].as_bool().unwrap_or(false),
        timestamp: j
            .get("timestamp")
            .and_then(|t| t.as_str())
            .unwrap_or("")
            .to_string(),
    }
}

// ------------------------------------------------------------ the cases

struct Step {
    config: &'static str,
    /// Extra arguments for `terraform plan` of the compared plan.
    plan_args: &'static [&'static str],
    /// terraform commands run before this step's apply or plan.
    pre: &'static [&'static [&'static str]],
}

const fn step(config: &'static str, plan_args: &'static [&'static str]) -> Step {
    Step {
        config,
        plan_args,
        pre: &[],
    }
}

const OTHER_STATE: &str = r#"{"version":4,"terraform_version":"1.11.4","serial":1,"lineage":"5b8a3d7e-0000-0000-0000-000000000000","outputs":{"o":{"value":"v","type":"string"},"n":{"value":[1,2],"type":["tuple",["number","number"]]}},"resources":[],"check_results":null}"#;

/// Applies every configuration but the last, then plans the last one and
/// compares.
fn check(name: &str, steps: &[Step], mode: PlanMode) {
    let dir = scratch(name);
    let schemas = schemas();
    for (i, step) in steps.iter().enumerate() {
        std::fs::write(dir.join("main.tf"), step.config).unwrap();
        if i == 0 {
            std::fs::write(dir.join("other.tfstate"), OTHER_STATE).unwrap();
            tf(&dir, &["init", "-no-color", "-input=false"]);
        }
        for cmd in step.pre {
            tf(&dir, cmd);
        }
        if i + 1 < steps.len() {
            let mut args = vec!["apply", "-no-color", "-auto-approve", "-input=false"];
            args.extend(step.plan_args);
            tf(&dir, &args);
            // The state after each apply, as `terraform show` sees it.
            compare_state(&dir, &schemas, &format!("{name} (state after step {i})"));
            continue;
        }
        let mut args = vec!["plan", "-no-color", "-input=false", "-out=plan.bin"];
        args.extend(step.plan_args);
        tf(&dir, &args);
    }
    compare_plan(name, &dir, mode, &schemas, "/dev/null");
    let _ = std::fs::remove_dir_all(&dir);
}

fn adopt_after_sensitive(j: &mut serde_json::Value) {
    let after_sensitive: BTreeMap<String, serde_json::Value> = j
        .get("resource_changes")
        .and_then(|r| r.as_array())
        .map(|rs| {
            rs.iter()
                .map(|rc| {
                    (
                        rc["address"].as_str().unwrap().to_string(),
                        rc["change"]["after_sensitive"].clone(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    fn walk(m: &mut serde_json::Value, a: &BTreeMap<String, serde_json::Value>) {
        if let Some(rs) = m.get_mut("resources").and_then(|r| r.as_array_mut()) {
            for r in rs {
                let addr = r["address"].as_str().unwrap().to_string();
                if let Some(s) = a.get(&addr) {
                    r["sensitive_values"] = if s == &serde_json::Value::Bool(false) {
                        serde_json::json!({})
                    } else {
                        s.clone()
                    };
                }
            }
        }
        if let Some(cs) = m.get_mut("child_modules").and_then(|r| r.as_array_mut()) {
            for c in cs {
                walk(c, a);
            }
        }
    }
    if let Some(root) = j.pointer_mut("/planned_values/root_module") {
        walk(root, &after_sensitive);
    }
}

/// Compares tfrs's renderings of the plan in `dir/plan.bin` with
/// terraform's.
fn compare_plan(
    name: &str,
    dir: &Path,
    mode: PlanMode,
    schemas: &BTreeMap<String, ProviderSchema>,
    cli: &str,
) {
    let want_text = tf_with(dir, &["show", "-no-color", "plan.bin"], cli);
    let want_color = tf_with(dir, &["show", "plan.bin"], cli);
    let json_text = tf_with(dir, &["show", "-json", "plan.bin"], cli);
    let mut j: serde_json::Value = serde_json::from_str(&json_text).unwrap();
    // The plan JSON cannot tell which marks of the planned values are the
    // values' own (`planned_values.*.sensitive_values`) and which come from
    // the schema (`after_sensitive`); the harness rebuilds values from the
    // latter, so the former is taken from it too.
    adopt_after_sensitive(&mut j);
    let plan = plan_from_json(&j, mode, schemas);

    let relevant: Vec<(String, AttrPath)> = j
        .get("relevant_attributes")
        .and_then(|r| r.as_array())
        .map(|rs| {
            rs.iter()
                .map(|r| {
                    (
                        r["resource"].as_str().unwrap().to_string(),
                        path_of(&r["attribute"]),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let mut opts = tfrs::views::plan::PlanRenderOptions::new(false);
    opts.relevant_attributes = Some(relevant.clone());
    let got = tfrs::views::plan::render_with(&plan, schemas, &opts);
    assert_eq!(
        got, want_text,
        "{name}: human plan differs\n--- tfrs\n{got}\n--- terraform\n{want_text}"
    );
    opts.color = true;
    let got = tfrs::views::plan::render_with(&plan, schemas, &opts);
    assert_eq!(got, want_color, "{name}: coloured plan differs");

    // The plan JSON, field by field (ids and times aside).
    let sources = tfrs::diag::SourceMap::default();
    let (module, diags) = tfrs::config::load(dir, &sources);
    assert!(!diags.has_errors(), "{name}: configuration does not load");
    let ours = tfrs::views::json::plan_json(
        &plan,
        schemas,
        &tfrs::views::json::PlanJsonOptions {
            config: Some(&module),
            relevant_attributes: relevant,
        },
    );
    let ours_text = ours.to_string();
    let ours: serde_json::Value = serde_json::from_str(&ours_text).unwrap();
    // Member order too (serde_json keeps it here), outside the prior state
    // and the time.
    let strip = |v: &serde_json::Value| {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            m.shift_remove("prior_state");
            m.insert("timestamp".into(), serde_json::Value::Null);
            m.shift_remove("relevant_attributes");
        }
        Json::from_serde(&v).to_string()
    };
    for key in [
        "resource_changes",
        "resource_drift",
        "output_changes",
        "planned_values",
        "variables",
        "format_version",
        "applyable",
        "complete",
        "errored",
        "configuration",
    ] {
        assert_eq!(ours.get(key), j.get(key), "{name}: plan JSON {key} differs");
    }
    assert_eq!(
        strip(&ours),
        strip(&j),
        "{name}: plan JSON member order differs"
    );
    let sorted = |v: Option<&serde_json::Value>| {
        let mut items: Vec<String> = v
            .and_then(|a| a.as_array())
            .map(|a| a.iter().map(|x| x.to_string()).collect())
            .unwrap_or_default();
        items.sort();
        items
    };
    assert_eq!(
        sorted(ours.get("relevant_attributes")),
        sorted(j.get("relevant_attributes")),
        "{name}: relevant_attributes"
    );
}

fn compare_state(dir: &Path, schemas: &dyn SchemaLookup, what: &str) {
    compare_state_with(dir, schemas, what, "/dev/null")
}

fn compare_state_with(dir: &Path, schemas: &dyn SchemaLookup, what: &str, cli: &str) {
    let tf = |dir: &Path, args: &[&str]| tf_with(dir, args, cli);
    let text = std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap();
    let state = State::from_json(&text).unwrap();
    let want = tf(dir, &["show", "-no-color"]);
    let got = tfrs::views::state::render_show(&state, schemas);
    assert_eq!(
        got, want,
        "{what}: terraform show differs\n--- tfrs\n{got}\n--- terraform\n{want}"
    );
    let want: serde_json::Value = serde_json::from_str(&tf(dir, &["show", "-json"])).unwrap();
    let got_text = tfrs::views::json::state_to_json(&state, schemas);
    let got: serde_json::Value = serde_json::from_str(&got_text).unwrap();
    assert_eq!(got, want, "{what}: show -json differs\n{got_text}");
    // Byte for byte too.
    let want_bytes = tf(dir, &["show", "-json"]);
    assert_eq!(
        format!("{got_text}\n"),
        want_bytes,
        "{what}: show -json bytes differ"
    );
}

const BASE: &str = r#"
variable "name" {
  default = "hello"
}

locals {
  tags = { Name = var.name, env = "dev" }
}

resource "terraform_data" "a" {
  input = {
    name  = var.name
    list  = [1, 2, 3]
    tags  = local.tags
    multi = "line1\nline2\nline3\n"
    js    = jsonencode({ a = 1, b = [1, 2] })
    flag  = true
    ratio = 0.25
    empty = ""
    nul   = null
  }
}

resource "terraform_data" "b" {
  input            = terraform_data.a.output
  triggers_replace = [var.name]
}

resource "terraform_data" "c" {
  count = 2
  input = sensitive("secret-${count.index}")
}

resource "terraform_data" "e" {
  for_each = toset(["x", "y"])
  input    = each.key
}

output "a_id" {
  value = terraform_data.a.id
}
output "s" {
  value     = terraform_data.c[0].output
  sensitive = true
}
output "plain" {
  value = "x"
}
"#;

const CHANGED: &str = r#"
variable "name" {
  default = "world"
}

locals {
  tags = { Name = var.name, env = "dev", extra = "x" }
}

resource "terraform_data" "a" {
  input = {
    name  = var.name
    list  = [1, 5, 3, 4]
    tags  = local.tags
    multi = "line1\nline2 changed\nline3\n"
    js    = jsonencode({ a = 2, b = [1, 2] })
    flag  = false
    ratio = 0.5
    empty = "now"
    nul   = "set"
  }
}

resource "terraform_data" "b" {
  input            = "plain"
  triggers_replace = [var.name]
}

resource "terraform_data" "c" {
  count = 1
  input = sensitive("secret-${count.index}")
}

resource "terraform_data" "e" {
  for_each = toset(["x"])
  input    = each.key
}

output "a_id" {
  value = terraform_data.a.id
}
output "plain" {
  value = "y"
}
output "newout" {
  value = [1, 2]
}
"#;

#[test]
fn create() {
    if !have_terraform() {
        return;
    }
    check("create", &[step(BASE, &[])], PlanMode::Normal);
}

#[test]
fn update_replace_delete() {
    if !have_terraform() {
        return;
    }
    check(
        "update",
        &[step(BASE, &[]), step(CHANGED, &[])],
        PlanMode::Normal,
    );
}

#[test]
fn destroy_and_no_changes() {
    if !have_terraform() {
        return;
    }
    check(
        "destroy",
        &[step(BASE, &[]), step(BASE, &["-destroy"])],
        PlanMode::Destroy,
    );
    check(
        "nochange",
        &[step(BASE, &[]), step(BASE, &[])],
        PlanMode::Normal,
    );
    check(
        "nothing-to-destroy",
        &[step("", &["-destroy"])],
        PlanMode::Destroy,
    );
}

#[test]
fn replacements_and_outputs() {
    if !have_terraform() {
        return;
    }
    const CBD: &str = r#"
resource "terraform_data" "k" {
  input = "v1"
}
resource "terraform_data" "r" {
  triggers_replace = terraform_data.k.output
  lifecycle {
    create_before_destroy = true
  }
}
resource "terraform_data" "t" {
  input = "t"
  lifecycle {
    replace_triggered_by = [terraform_data.k]
  }
}
output "o" {
  value = { a = 1, b = "two" }
}
"#;
    const CBD2: &str = r#"
resource "terraform_data" "k" {
  input = "v2"
}
resource "terraform_data" "r" {
  triggers_replace = terraform_data.k.output
  lifecycle {
    create_before_destroy = true
  }
}
resource "terraform_data" "t" {
  input = "t"
  lifecycle {
    replace_triggered_by = [terraform_data.k]
  }
}
output "o" {
  value = { a = 2, c = true }
}
"#;
    check("cbd", &[step(CBD, &[]), step(CBD2, &[])], PlanMode::Normal);
    check(
        "requested",
        &[step(CBD, &[]), step(CBD, &["-replace=terraform_data.t"])],
        PlanMode::Normal,
    );
    const OUT1: &str = r#"
output "a" {
  value = "x"
}
output "gone" {
  value = 1
}
"#;
    const OUT2: &str = r#"
output "a" {
  value = "multi\nline\n"
}
output "longer_name" {
  value = { k = [true, null] }
}
"#;
    check(
        "outputs-only",
        &[step(OUT1, &[]), step(OUT2, &[])],
        PlanMode::Normal,
    );
}

#[test]
fn value_shapes() {
    if !have_terraform() {
        return;
    }
    const V1: &str = r#"
resource "terraform_data" "v" {
  input = {
    long   = [for i in range(12) : "item-${i}"]
    objs   = [{ a = 1, b = "x" }, { a = 2, b = "y" }]
    nested = { inner = { deep = [1, { z = "q" }] } }
    js     = jsonencode({ a = [1, 2, 3], b = { c = "d" } })
    jsws   = "{\"a\": 1}"
    typed  = "1"
    gone   = "bye"
    heredoc = <<-EOT
      first
      second
    EOT
    key_with_space = { "a b" = 1, "c" = 2 }
    sens   = sensitive("hidden")
  }
  triggers_replace = { x = 1 }
}
"#;
    const V2: &str = r#"
resource "terraform_data" "v" {
  input = {
    long   = [for i in range(12) : i == 6 ? "changed" : "item-${i}"]
    objs   = [{ a = 1, b = "x" }, { a = 3, b = "y" }, { a = 4, b = "z" }]
    nested = { inner = { deep = [1, { z = "r" }] } }
    js     = jsonencode({ a = [1, 3], b = { c = "d" }, e = null })
    jsws   = "{\"a\":1}"
    typed  = 1
    heredoc = "single"
    added  = ["x"]
    key_with_space = { "a b" = 2, "c" = 2 }
    sens   = "revealed"
  }
  triggers_replace = { x = 1 }
}
"#;
    check("shapes", &[step(V1, &[]), step(V2, &[])], PlanMode::Normal);
}

#[test]
fn json_numbers_and_escapes() {
    if !have_terraform() {
        return;
    }
    const N: &str = r#"
resource "terraform_data" "n" {
  input = {
    big   = 12345678901234567890
    frac  = 1.5e-7
    neg   = -3
    html  = "<a href='x'>&</a>"
    uni   = "é ☃ \u2028"
    tab   = "a\tb"
  }
}
output "big" {
  value = 100000000000000000000000
}
"#;
    check(
        "numbers",
        &[step(N, &[]), step(N, &["-refresh=false"])],
        PlanMode::Normal,
    );
    check("numbers-create", &[step(N, &[])], PlanMode::Normal);
}

#[test]
fn json_roundtrip_sanity() {
    // Always runs: the harness's own conversion of a tiny plan.
    let j: serde_json::Value = serde_json::from_str(
        r#"{"format_version":"1.2","resource_changes":[{"address":"terraform_data.a","mode":"managed","type":"terraform_data","name":"a","provider_name":"terraform.io/builtin/terraform","change":{"actions":["create"],"before":null,"after":{"input":"x","triggers_replace":null},"after_unknown":{"id":true,"output":true},"before_sensitive":false,"after_sensitive":{}}}],"applyable":true,"complete":true,"errored":false}"#,
    )
    .unwrap();
    let schemas = schemas();
    let plan = plan_from_json(&j, PlanMode::Normal, &schemas);
    let ours = tfrs::views::json::plan_json(&plan, &schemas, &Default::default());
    let rc = ours.get("resource_changes").unwrap().to_string();
    assert_eq!(
        rc,
        Json::Array(vec![Json::from_serde(&j["resource_changes"][0])]).to_string()
    );
}

#[test]
fn reasons_data_sources_and_sensitivity() {
    if !have_terraform() {
        return;
    }
    const R1: &str = r#"
resource "terraform_data" "rep" {
  count = 1
  input = "x"
}
resource "terraform_data" "gone" {
  input = "bye"
}
resource "terraform_data" "t" {
  input = sensitive("s")
}
resource "terraform_data" "m" {
  for_each = { a = 1 }
  input    = each.value
}
data "terraform_remote_state" "other" {
  backend = "local"
  config = {
    path = "other.tfstate"
  }
}
output "remote" {
  value = data.terraform_remote_state.other.outputs
}
"#;
    const R2: &str = r#"
resource "terraform_data" "rep" {
  for_each = toset(["k"])
  input    = "x"
}
resource "terraform_data" "t" {
  input = "s"
}
resource "terraform_data" "m" {
  count = 1
  input = 1
}
resource "terraform_data" "src" {
  input = "other.tfstate"
}
data "terraform_remote_state" "later" {
  backend = "local"
  config = {
    path = terraform_data.src.output
  }
}
data "terraform_remote_state" "other" {
  backend = "local"
  config = {
    path = "other.tfstate"
  }
}
output "remote" {
  value = data.terraform_remote_state.other.outputs
}
"#;
    check("reasons", &[step(R1, &[]), step(R2, &[])], PlanMode::Normal);
    check(
        "tainted",
        &[
            step(R1, &[]),
            Step {
                config: R1,
                plan_args: &[],
                pre: &[&["taint", "-no-color", "terraform_data.gone"]],
            },
        ],
        PlanMode::Normal,
    );
    check(
        "refresh-only",
        &[step(R1, &[]), step(R1, &["-refresh-only"])],
        PlanMode::RefreshOnly,
    );
}

// ------------------------------------------------------------ AWS resources

const AWS: &str = "registry.terraform.io/hashicorp/aws";
const PLUGINS: &str = "/opt/tf-plugins";

/// A schema from `terraform providers schema -json`.
fn block_from_json(b: &serde_json::Value) -> Block {
    use tfrs_provider::schema::{NestedBlock, Nesting};
    let mut out = Block::new();
    if let Some(attrs) = b.get("attributes").and_then(|a| a.as_object()) {
        for (name, a) in attrs {
            let ty = Type::from_json(&a["type"]).unwrap_or(Type::Dynamic);
            let flag = |k: &str| a.get(k).and_then(|v| v.as_bool()).unwrap_or(false);
            let mut attr = Attribute::optional(ty);
            attr.optional = flag("optional");
            attr.required = flag("required");
            attr.computed = flag("computed");
            attr.sensitive = flag("sensitive");
            out.attributes.insert(name.clone(), attr);
        }
    }
    if let Some(bts) = b.get("block_types").and_then(|a| a.as_object()) {
        for (name, bt) in bts {
            let nesting = match bt["nesting_mode"].as_str().unwrap() {
                "single" => Nesting::Single,
                "group" => Nesting::Group,
                "list" => Nesting::List,
                "set" => Nesting::Set,
                "map" => Nesting::Map,
                other => panic!("nesting {other}"),
            };
            out.blocks.insert(
                name.clone(),
                NestedBlock {
                    nesting,
                    block: block_from_json(&bt["block"]),
                    min_items: bt.get("min_items").and_then(|v| v.as_u64()).unwrap_or(0) as usize,
                    max_items: bt.get("max_items").and_then(|v| v.as_u64()).unwrap_or(0) as usize,
                    force_new: false,
                },
            );
        }
    }
    out
}

fn aws_schemas(dir: &Path, cli: &str, types: &[&str]) -> BTreeMap<String, ProviderSchema> {
    let j: serde_json::Value =
        serde_json::from_str(&tf_with(dir, &["providers", "schema", "-json"], cli)).unwrap();
    let p = &j["provider_schemas"][AWS];
    let mut ps = ProviderSchema {
        provider: Schema::new(block_from_json(&p["provider"]["block"])),
        ..Default::default()
    };
    for t in types {
        let r = &p["resource_schemas"][*t];
        let mut s = Schema::new(block_from_json(&r["block"]));
        s.version = r["version"].as_u64().unwrap_or(0);
        ps.resources.insert(t.to_string(), s);
    }
    let mut all = schemas();
    all.insert(AWS.to_string(), ps);
    all
}

/// Stands in for what the provider would have learned on create: every
/// unknown of the planned value gets a plausible known value.
fn fill_unknowns(
    after: &serde_json::Value,
    unknown: &serde_json::Value,
    ty: &Type,
    path: &str,
) -> serde_json::Value {
    use serde_json::Value as J;
    if unknown == &J::Bool(true) {
        return match ty {
            Type::String => J::String(format!("{path}-1")),
            Type::Number => J::from(1),
            Type::Bool => J::Bool(false),
            Type::List(_) | Type::Set(_) | Type::Tuple(_) => J::Array(vec![]),
            Type::Map(_) => J::Object(Default::default()),
            Type::Object(attrs, _) => J::Object(
                attrs
                    .iter()
                    .map(|(k, t)| (k.clone(), fill_unknowns(&J::Null, &J::Bool(true), t, k)))
                    .collect(),
            ),
            Type::Dynamic => J::Null,
        };
    }
    match (ty, after) {
        (Type::Object(attrs, _), _) => J::Object(
            attrs
                .iter()
                .map(|(k, t)| {
                    let a = after.get(k).cloned().unwrap_or(J::Null);
                    let u = unknown.get(k).cloned().unwrap_or(J::Null);
                    (k.clone(), fill_unknowns(&a, &u, t, k))
                })
                .collect(),
        ),
        (Type::List(e) | Type::Set(e), J::Array(items)) => J::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    fill_unknowns(x, &unknown.get(i).cloned().unwrap_or(J::Null), e, path)
                })
                .collect(),
        ),
        (Type::Map(e), J::Object(m)) => J::Object(
            m.iter()
                .map(|(k, x)| {
                    (
                        k.clone(),
                        fill_unknowns(x, &unknown.get(k).cloned().unwrap_or(J::Null), e, k),
                    )
                })
                .collect(),
        ),
        _ => after.clone(),
    }
}

/// The paths marked `true` in a `*_sensitive` value, as a state's
/// `sensitive_attributes`.
fn sensitive_paths(
    s: &serde_json::Value,
    at: &mut Vec<serde_json::Value>,
) -> Vec<serde_json::Value> {
    use serde_json::{json, Value as J};
    let mut out = Vec::new();
    match s {
        J::Bool(true) => out.push(J::Array(at.clone())),
        J::Object(m) => {
            for (k, v) in m {
                at.push(json!({"type": "get_attr", "value": k}));
                out.extend(sensitive_paths(v, at));
                at.pop();
            }
        }
        J::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                at.push(json!({"type": "index", "value": {"value": i, "type": "number"}}));
                out.extend(sensitive_paths(v, at));
                at.pop();
            }
        }
        _ => {}
    }
    out
}

/// A state holding what the plan in `dir/plan.bin` would have created.
fn state_from_plan(dir: &Path, cli: &str, schemas: &BTreeMap<String, ProviderSchema>) -> String {
    let j: serde_json::Value =
        serde_json::from_str(&tf_with(dir, &["show", "-json", "plan.bin"], cli)).unwrap();
    let mut resources = Vec::new();
    for rc in j["resource_changes"].as_array().unwrap() {
        let schema =
            &schemas[rc["provider_name"].as_str().unwrap()].resources[rc["type"].as_str().unwrap()];
        let attrs = fill_unknowns(
            &rc["change"]["after"],
            &rc["change"]["after_unknown"],
            &schema.block.value_type(),
            "",
        );
        resources.push(serde_json::json!({
            "mode": "managed",
            "type": rc["type"],
            "name": rc["name"],
            "provider": format!("provider[\"{}\"]", rc["provider_name"].as_str().unwrap()),
            "instances": [{
                "schema_version": schema.version,
                "attributes": attrs,
                "sensitive_attributes": sensitive_paths(&rc["change"]["after_sensitive"], &mut Vec::new()),
            }],
        }));
    }
    serde_json::to_string_pretty(&serde_json::json!({
        "version": 4, "terraform_version": "1.11.4", "serial": 1,
        "lineage": "00000000-0000-0000-0000-000000000001", "outputs": {}, "resources": resources,
        "check_results": null,
    }))
    .unwrap()
}

const AWS_PROVIDER: &str = r#"
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
"#;

const AWS1: &str = r##"
resource "aws_security_group" "web" {
  name        = "web"
  description = "web sg"
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { Name = "web" }
}
resource "aws_instance" "web" {
  ami                    = "ami-12345678"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.web.id]
  user_data_replace_on_change = true
  user_data              = "#!/bin/sh\necho hi\n"
  root_block_device {
    volume_size = 20
  }
  ebs_block_device {
    device_name = "/dev/sdb"
    volume_size = 10
  }
  tags = { Name = "web" }
}
resource "aws_s3_bucket_lifecycle_configuration" "l" {
  bucket = "b"
  rule {
    id     = "r1"
    status = "Enabled"
    filter {
      prefix = "logs/"
    }
    expiration {
      days = 30
    }
  }
}
resource "aws_iam_role_policy" "p" {
  name = "p"
  role = "r"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject"], Resource = "*" }]
  })
}
resource "aws_elasticache_user" "u" {
  user_id       = "u1"
  user_name     = "u1"
  access_string = "on ~* +@all"
  engine        = "REDIS"
  passwords     = ["password123456789", "other-password-12345"]
}
resource "aws_kms_ciphertext" "c" {
  key_id    = "k"
  plaintext = "secret"
}
"##;

const AWS2: &str = r##"
resource "aws_security_group" "web" {
  name        = "web"
  description = "web sg"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { Name = "web", Env = "prod" }
}
resource "aws_instance" "web" {
  ami                    = "ami-12345678"
  instance_type          = "t3.small"
  vpc_security_group_ids = [aws_security_group.web.id]
  user_data_replace_on_change = true
  user_data              = "#!/bin/sh\necho hello\n"
  root_block_device {
    volume_size = 30
  }
  ebs_block_device {
    device_name = "/dev/sdc"
    volume_size = 10
  }
  tags = { Name = "web" }
}
resource "aws_s3_bucket_lifecycle_configuration" "l" {
  bucket = "b"
  rule {
    id     = "r1"
    status = "Enabled"
    filter {
      prefix = "logs/"
    }
    expiration {
      days = 60
    }
  }
  rule {
    id     = "r2"
    status = "Disabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}
resource "aws_iam_role_policy" "p" {
  name = "p"
  role = "r"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "*" }]
  })
}
resource "aws_elasticache_user" "u" {
  user_id       = "u1"
  user_name     = "u1"
  access_string = "on ~app:* +@all"
  engine        = "REDIS"
  passwords     = ["password123456789", "third-password-123456"]
}
resource "aws_kms_ciphertext" "c" {
  key_id    = "k"
  plaintext = "secret2"
}
"##;

/// hashicorp/aws resources (nested blocks, sets, sensitive attributes,
/// JSON policies), planned offline: a create, then changes planned with
/// `-refresh=false` against a state standing in for the created objects.
/// Skipped without terraform or the provider's filesystem mirror.
#[test]
fn aws_resources() {
    if !have_terraform()
        || !Path::new(PLUGINS)
            .join("registry.terraform.io/hashicorp/aws")
            .exists()
    {
        return;
    }
    let dir = scratch("aws");
    let cli = dir.join("cli.tfrc");
    std::fs::write(&cli, format!("provider_installation {{\n  filesystem_mirror {{\n    path = \"{PLUGINS}\"\n  }}\n}}\n"))
        .unwrap();
    let cli = cli.to_str().unwrap().to_string();
    std::fs::write(dir.join("main.tf"), format!("{AWS_PROVIDER}{AWS1}")).unwrap();
    tf_with(&dir, &["init", "-no-color", "-input=false"], &cli);
    let schemas = aws_schemas(
        &dir,
        &cli,
        &[
            "aws_security_group",
            "aws_instance",
            "aws_s3_bucket_lifecycle_configuration",
            "aws_iam_role_policy",
            "aws_elasticache_user",
            "aws_kms_ciphertext",
        ],
    );
    tf_with(
        &dir,
        &["plan", "-no-color", "-input=false", "-out=plan.bin"],
        &cli,
    );
    compare_plan("aws-create", &dir, PlanMode::Normal, &schemas, &cli);

    std::fs::write(
        dir.join("terraform.tfstate"),
        state_from_plan(&dir, &cli, &schemas),
    )
    .unwrap();
    compare_state_with(&dir, &schemas, "aws state", &cli);
    std::fs::write(dir.join("main.tf"), format!("{AWS_PROVIDER}{AWS2}")).unwrap();
    tf_with(
        &dir,
        &[
            "plan",
            "-no-color",
            "-input=false",
            "-refresh=false",
            "-out=plan.bin",
        ],
        &cli,
    );
    compare_plan("aws-update", &dir, PlanMode::Normal, &schemas, &cli);
    tf_with(
        &dir,
        &[
            "plan",
            "-no-color",
            "-input=false",
            "-refresh=false",
            "-destroy",
            "-out=plan.bin",
        ],
        &cli,
    );
    compare_plan("aws-destroy", &dir, PlanMode::Destroy, &schemas, &cli);
    let _ = std::fs::remove_dir_all(&dir);
}
