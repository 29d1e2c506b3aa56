//! The human plan and the plan JSON against snapshots taken from
//! `terraform` v1.11.4, for plans written out by hand that are equivalent
//! to the ones terraform made for the same `terraform_data`
//! configurations (`create`: a first plan; `update`: the next plan after a
//! configuration change, with an update in place, a replacement, a
//! deletion by count and output changes).

use std::collections::BTreeMap;
use tfrs::addrs::{parse_target, AbsInstance, InstanceKey, Target};
use tfrs::plans::{Action, ActionReason, OutputChange, Plan, PlanMode, ResourceChange};
use tfrs::states::State;
use tfrs::views::plan::{next_step, render, render_with, PlanRenderOptions};
use tfrs_provider::schema::{Attribute, Block};
use tfrs_provider::{AttrPath, ProviderSchema, Schema, Type, Value};

const BUILTIN: &str = "terraform.io/builtin/terraform";

fn schemas() -> BTreeMap<String, ProviderSchema> {
    let block = Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("input", Attribute::optional(Type::Dynamic))
        .attr("output", Attribute::computed(Type::Dynamic))
        .attr("triggers_replace", Attribute::optional(Type::Dynamic));
    let mut p = ProviderSchema::default();
    p.resources
        .insert("terraform_data".into(), Schema::new(block));
    BTreeMap::from([(BUILTIN.to_string(), p)])
}

fn ty() -> Type {
    schemas()[BUILTIN].resources["terraform_data"]
        .block
        .value_type()
}

fn s(x: &str) -> Value {
    Value::string(x)
}
fn n(i: i64) -> Value {
    Value::int(i)
}
fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}
fn tup(vs: &[Value]) -> Value {
    Value::Tuple(vs.to_vec())
}
fn addr(a: &str) -> AbsInstance {
    match parse_target(a).unwrap() {
        Target::Instance(i) => i,
        Target::Resource(r) => r.instance(InstanceKey::None),
        Target::Module(_) => unreachable!(),
    }
}

/// A `terraform_data` object.
fn data(id: Value, input: Value, output: Value, triggers: Value) -> Value {
    obj(&[
        ("id", id),
        ("input", input),
        ("output", output),
        ("triggers_replace", triggers),
    ])
}

fn change(a: &str, action: Action, before: Value, after: Value) -> ResourceChange {
    ResourceChange {
        addr: addr(a),
        deposed: None,
        provider: format!("provider[\"{BUILTIN}\"]"),
        action,
        reason: None,
        before,
        after,
        ty: ty(),
        replace_paths: Vec::new(),
        private: Vec::new(),
        each: None,
        importing: None,
        prev_addr: None,
    }
}

fn output(
    name: &str,
    action: Action,
    before: Value,
    after: Value,
    sensitive: bool,
) -> OutputChange {
    OutputChange {
        name: name.into(),
        action,
        before,
        after,
        sensitive,
    }
}

fn plan(changes: Vec<ResourceChange>, outputs: Vec<OutputChange>) -> Plan {
    Plan {
        mode: PlanMode::Normal,
        changes,
        output_changes: outputs,
        drift: Vec::new(),
        prior_state: State::new("6f955943-25f3-4608-6891-363fcba33091".into()),
        variables: BTreeMap::new(),
        targets: Vec::new(),
        errored: false,
        timestamp: String::new(),
    }
}

fn input_a(name: &str) -> Value {
    obj(&[
        ("js", s("{\"a\":1,\"b\":[1,2]}")),
        ("list", tup(&[n(1), n(2), n(3)])),
        ("multi", s("line1\nline2\nline3\n")),
        ("name", s(name)),
        ("tags", obj(&[("Name", s(name)), ("env", s("dev"))])),
    ])
}

const NULL: fn() -> Value = || Value::Null(Type::Dynamic);

/// The first plan of the configuration (see `create_plan_matches_terraform`).
fn create_plan() -> Plan {
    let unknown_obj = || Value::Unknown(input_a("hello").ty());
    plan(
        vec![
            change(
                "terraform_data.a",
                Action::Create,
                Value::Null(ty()),
                data(
                    Value::Unknown(Type::String),
                    input_a("hello"),
                    unknown_obj(),
                    NULL(),
                ),
            ),
            change(
                "terraform_data.b",
                Action::Create,
                Value::Null(ty()),
                data(
                    Value::Unknown(Type::String),
                    unknown_obj(),
                    unknown_obj(),
                    tup(&[s("hello")]),
                ),
            ),
            change(
                "terraform_data.c[0]",
                Action::Create,
                Value::Null(ty()),
                data(
                    Value::Unknown(Type::String),
                    s("secret-0").mark(),
                    Value::Unknown(Type::String),
                    NULL(),
                ),
            ),
            change(
                "terraform_data.c[1]",
                Action::Create,
                Value::Null(ty()),
                data(
                    Value::Unknown(Type::String),
                    s("secret-1").mark(),
                    Value::Unknown(Type::String),
                    NULL(),
                ),
            ),
        ],
        vec![
            output(
                "a_id",
                Action::Create,
                NULL(),
                Value::Unknown(Type::String),
                false,
            ),
            output("plain", Action::Create, NULL(), s("x"), false),
            output(
                "s",
                Action::Create,
                NULL(),
                Value::Unknown(Type::String),
                true,
            ),
        ],
    )
}

const ID_A: &str = "0904d69d-0bea-e664-f4e6-11503ab37faa";
const ID_B: &str = "71051661-2eb6-c1ae-7ae2-042225bf5395";
const ID_C0: &str = "99959057-b0a9-a2fa-f0f1-febde364ae4e";
const ID_C1: &str = "899be815-5677-ca6e-7744-eaf07edc20cf";

/// The next plan, after the configuration changed.
fn update_plan() -> Plan {
    let a_before = data(s(ID_A), input_a("hello"), input_a("hello"), NULL());
    let a_input = obj(&[
        ("js", s("{\"a\":2,\"b\":[1,2]}")),
        ("list", tup(&[n(1), n(5), n(3), n(4)])),
        ("multi", s("line1\nline2 changed\nline3\n")),
        ("name", s("world")),
        (
            "tags",
            obj(&[("Name", s("world")), ("env", s("dev")), ("extra", s("x"))]),
        ),
    ]);
    let a_after = data(
        s(ID_A),
        a_input.clone(),
        Value::Unknown(a_input.ty()),
        NULL(),
    );
    let b_before = data(
        s(ID_B),
        input_a("hello"),
        input_a("hello"),
        tup(&[s("hello")]),
    );
    let b_after = data(
        Value::Unknown(Type::String),
        s("plain"),
        Value::Unknown(Type::String),
        tup(&[s("world")]),
    );
    let mut b = change(
        "terraform_data.b",
        Action::DeleteThenCreate,
        b_before,
        b_after,
    );
    b.reason = Some(ActionReason::ReplaceBecauseCannotUpdate);
    b.replace_paths = vec![AttrPath::attr("triggers_replace")];
    let c0 = data(s(ID_C0), s("secret-0").mark(), s("secret-0"), NULL());
    let c1 = data(s(ID_C1), s("secret-1").mark(), s("secret-1"), NULL());
    let mut c1_delete = change("terraform_data.c[1]", Action::Delete, c1, Value::Null(ty()));
    c1_delete.reason = Some(ActionReason::DeleteBecauseCountIndex);
    plan(
        vec![
            // Terraform sorts the changes by address: the order here does not
            // matter.
            c1_delete,
            change("terraform_data.c[0]", Action::NoOp, c0.clone(), c0),
            b,
            change("terraform_data.a", Action::Update, a_before, a_after),
        ],
        vec![
            output("a_id", Action::NoOp, s(ID_A), s(ID_A), false),
            output("newout", Action::Create, NULL(), tup(&[n(1), n(2)]), false),
            output("plain", Action::Update, s("x"), s("y"), false),
            output("s", Action::Delete, s("secret-0"), NULL(), true),
        ],
    )
}

#[test]
fn create_plan_matches_terraform() {
    let p = create_plan();
    let got = format!(
        "{}{}",
        render(&p, &schemas(), false),
        next_step(Some("p1"), false, 78, false)
    );
    assert_eq!(got, CREATE_PLAN);
    assert_eq!(render(&p, &schemas(), true), CREATE_PLAN_COLOR);
}

#[test]
fn update_plan_matches_terraform() {
    let p = update_plan();
    assert_eq!(render(&p, &schemas(), false), UPDATE_PLAN);
    assert_eq!(render(&p, &schemas(), true), UPDATE_PLAN_COLOR);
}

#[test]
fn no_changes() {
    let p = plan(Vec::new(), Vec::new());
    assert_eq!(render(&p, &schemas(), false), NO_CHANGES);
    let mut d = p.clone();
    d.mode = PlanMode::Destroy;
    assert_eq!(
        render(&d, &schemas(), false),
        "\nNo changes. No objects need to be destroyed.\n\nEither you have not created any objects yet or the existing objects were\nalready deleted outside of Terraform.\n"
    );
    let mut r = p;
    r.mode = PlanMode::RefreshOnly;
    assert_eq!(
        render(&r, &schemas(), false),
        "\nNo changes. Your infrastructure still matches the configuration.\n\nTerraform has checked that the real remote objects still match the result of\nyour most recent changes, and found no differences.\n"
    );
}

#[test]
fn outputs_only() {
    let p = plan(
        Vec::new(),
        vec![output(
            "a",
            Action::Update,
            s("x"),
            s("multi\nline\n"),
            false,
        )],
    );
    assert_eq!(
        render(&p, &schemas(), false),
        "\nChanges to Outputs:\n  ~ a = <<-EOT\n      - x\n      + multi\n      + line\n    EOT\n\nYou can apply this plan to save these new output values to the Terraform\nstate, without changing any real infrastructure.\n"
    );
}

/// Drift (objects changed outside Terraform), which `terraform_data` cannot
/// produce: the expected text follows Terraform's renderer.
#[test]
fn drift_is_shown_before_the_plan() {
    let before = data(s("abc"), s("one"), s("one"), NULL());
    let changed = data(s("abc"), s("two"), s("two"), NULL());
    let mut p = plan(
        vec![change(
            "terraform_data.x",
            Action::Update,
            changed.clone(),
            data(s("abc"), s("one"), Value::Unknown(Type::String), NULL()),
        )],
        Vec::new(),
    );
    p.drift = vec![
        change("terraform_data.x", Action::Update, before, changed),
        change(
            "terraform_data.y",
            Action::Delete,
            data(s("gone"), NULL(), NULL(), NULL()),
            Value::Null(ty()),
        ),
    ];
    let got = render(&p, &schemas(), false);
    assert_eq!(got, DRIFT);
    // With Terraform's relevant attributes, only drift the configuration
    // refers to is shown.
    let mut o = PlanRenderOptions::new(false);
    o.relevant_attributes = Some(vec![("terraform_data.x".into(), AttrPath::attr("output"))]);
    let got = render_with(&p, &schemas(), &o);
    assert!(got.contains("# terraform_data.x has changed"), "{got}");
    assert!(!got.contains("terraform_data.y has been deleted"), "{got}");
    assert!(
        got.contains("~ output = \"two\" -> (known after apply)"),
        "{got}"
    );
}

const NO_CHANGES: &str = "\nNo changes. Your infrastructure matches the configuration.\n\nTerraform has compared your real infrastructure against your configuration\nand found no differences, so no changes are needed.\n";

const DRIFT: &str = r#"
Note: Objects have changed outside of Terraform

Terraform detected the following changes made outside of Terraform since the
last "terraform apply" which may have affected this plan:

  # terraform_data.x has changed
  ~ resource "terraform_data" "x" {
        id     = "abc"
      ~ input  = "one" -> "two"
      ~ output = "one" -> "two"
    }

  # terraform_data.y has been deleted
  - resource "terraform_data" "y" {
      - id = "gone" -> null
    }


Unless you have made equivalent changes to your configuration, or ignored the
relevant attributes using ignore_changes, the following plan may include
actions to undo or respond to these changes.

─────────────────────────────────────────────────────────────────────────────

Terraform used the selected providers to generate the following execution
plan. Resource actions are indicated with the following symbols:
  ~ update in-place

Terraform will perform the following actions:

  # terraform_data.x will be updated in-place
  ~ resource "terraform_data" "x" {
        id     = "abc"
      ~ input  = "two" -> "one"
      ~ output = "two" -> (known after apply)
    }

Plan: 0 to add, 1 to change, 0 to destroy.
"#;

/// `terraform show -json PLANFILE` of the first plan, byte for byte.
#[test]
fn create_plan_json_matches_terraform() {
    let dir = std::env::temp_dir().join(format!("tfrs-views-plan-json-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.tf"), CREATE_CONFIG).unwrap();
    let sources = tfrs::diag::SourceMap::default();
    let (module, diags) = tfrs::config::load(&dir, &sources);
    assert!(!diags.has_errors());
    let mut p = create_plan();
    p.variables.insert("name".into(), s("hello"));
    p.timestamp = "2026-11-28T07:53:21Z".into();
    // During the plan, the refreshed state holds the outputs already known.
    p.prior_state.outputs.insert(
        "plain".into(),
        tfrs::states::OutputState {
            value: serde_json::json!("x"),
            ty: serde_json::json!("string"),
            sensitive: false,
        },
    );
    let opts = tfrs::views::json::PlanJsonOptions {
        config: Some(&module),
        relevant_attributes: vec![
            ("terraform_data.a".into(), AttrPath::attr("id")),
            ("terraform_data.a".into(), AttrPath::attr("output")),
            ("terraform_data.c[0]".into(), AttrPath::attr("output")),
        ],
    };
    let got = tfrs::views::json::plan_json(&p, &schemas(), &opts).to_string();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(got, CREATE_PLAN_JSON);
}

const CREATE_CONFIG: &str = r#"variable "name" {
  default = "hello"
}

locals {
  tags = { Name = var.name, env = "dev" }
}

resource "terraform_data" "a" {
  input = {
    name = var.name
    list = [1, 2, 3]
    tags = local.tags
    multi = "line1\nline2\nline3\n"
    js = jsonencode({ a = 1, b = [1, 2] })
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

const CREATE_PLAN_JSON: &str = r#"{"format_version":"1.2","terraform_version":"1.11.4","variables":{"name":{"value":"hello"}},"planned_values":{"outputs":{"a_id":{"sensitive":false},"plain":{"sensitive":false,"type":"string","value":"x"},"s":{"sensitive":true}},"root_module":{"resources":[{"address":"terraform_data.a","mode":"managed","type":"terraform_data","name":"a","provider_name":"terraform.io/builtin/terraform","schema_version":0,"values":{"input":{"js":"{\"a\":1,\"b\":[1,2]}","list":[1,2,3],"multi":"line1\nline2\nline3\n","name":"hello","tags":{"Name":"hello","env":"dev"}},"triggers_replace":null},"sensitive_values":{"input":{"list":[false,false,false],"tags":{}},"output":{}}},{"address":"terraform_data.b","mode":"managed","type":"terraform_data","name":"b","provider_name":"terraform.io/builtin/terraform","schema_version":0,"values":{"triggers_replace":["hello"]},"sensitive_values":{"input":{},"output":{},"triggers_replace":[false]}},{"address":"terraform_data.c[0]","mode":"managed","type":"terraform_data","name":"c","index":0,"provider_name":"terraform.io/builtin/terraform","schema_version":0,"values":{"input":"secret-0","triggers_replace":null},"sensitive_values":{"input":true}},{"address":"terraform_data.c[1]","mode":"managed","type":"terraform_data","name":"c","index":1,"provider_name":"terraform.io/builtin/terraform","schema_version":0,"values":{"input":"secret-1","triggers_replace":null},"sensitive_values":{"input":true}}]}},"resource_changes":[{"address":"terraform_data.a","mode":"managed","type":"terraform_data","name":"a","provider_name":"terraform.io/builtin/terraform","change":{"actions":["create"],"before":null,"after":{"input":{"js":"{\"a\":1,\"b\":[1,2]}","list":[1,2,3],"multi":"line1\nline2\nline3\n","name":"hello","tags":{"Name":"hello","env":"dev"}},"triggers_replace":null},"after_unknown":{"id":true,"input":{"list":[false,false,false],"tags":{}},"output":true},"before_sensitive":false,"after_sensitive":{"input":{"list":[false,false,false],"tags":{}},"output":{}}}},{"address":"terraform_data.b","mode":"managed","type":"terraform_data","name":"b","provider_name":"terraform.io/builtin/terraform","change":{"actions":["create"],"before":null,"after":{"triggers_replace":["hello"]},"after_unknown":{"id":true,"input":true,"output":true,"triggers_replace":[false]},"before_sensitive":false,"after_sensitive":{"input":{},"output":{},"triggers_replace":[false]}}},{"address":"terraform_data.c[0]","mode":"managed","type":"terraform_data","name":"c","index":0,"provider_name":"terraform.io/builtin/terraform","change":{"actions":["create"],"before":null,"after":{"input":"secret-0","triggers_replace":null},"after_unknown":{"id":true,"output":true},"before_sensitive":false,"after_sensitive":{"input":true}}},{"address":"terraform_data.c[1]","mode":"managed","type":"terraform_data","name":"c","index":1,"provider_name":"terraform.io/builtin/terraform","change":{"actions":["create"],"before":null,"after":{"input":"secret-1","triggers_replace":null},"after_unknown":{"id":true,"output":true},"before_sensitive":false,"after_sensitive":{"input":true}}}],"output_changes":{"a_id":{"actions":["create"],"before":null,"after_unknown":true,"before_sensitive":false,"after_sensitive":false},"plain":{"actions":["create"],"before":null,"after":"x","after_unknown":false,"before_sensitive":false,"after_sensitive":false},"s":{"actions":["create"],"before":null,"after_unknown":true,"before_sensitive":true,"after_sensitive":true}},"prior_state":{"format_version":"1.0","terraform_version":"1.11.4","values":{"outputs":{"plain":{"sensitive":false,"value":"x","type":"string"}},"root_module":{}}},"configuration":{"provider_config":{"terraform":{"name":"terraform","full_name":"terraform.io/builtin/terraform"}},"root_module":{"outputs":{"a_id":{"expression":{"references":["terraform_data.a.id","terraform_data.a"]}},"plain":{"expression":{"constant_value":"x"}},"s":{"sensitive":true,"expression":{"references":["terraform_data.c[0].output","terraform_data.c[0]","terraform_data.c"]}}},"resources":[{"address":"terraform_data.a","mode":"managed","type":"terraform_data","name":"a","provider_config_key":"terraform","expressions":{"input":{"references":["var.name","local.tags"]}},"schema_version":0},{"address":"terraform_data.b","mode":"managed","type":"terraform_data","name":"b","provider_config_key":"terraform","expressions":{"input":{"references":["terraform_data.a.output","terraform_data.a"]},"triggers_replace":{"references":["var.name"]}},"schema_version":0},{"address":"terraform_data.c","mode":"managed","type":"terraform_data","name":"c","provider_config_key":"terraform","expressions":{"input":{"references":["count.index"]}},"schema_version":0,"count_expression":{"constant_value":2}}],"variables":{"name":{"default":"hello"}}}},"relevant_attributes":[{"resource":"terraform_data.a","attribute":["id"]},{"resource":"terraform_data.a","attribute":["output"]},{"resource":"terraform_data.c[0]","attribute":["output"]}],"timestamp":"2026-11-28T07:53:21Z","applyable":true,"complete":true,"errored":false}"#;

// Snapshots from terraform v1.11.4 (`terraform plan`, `terraform show PLANFILE`).

const CREATE_PLAN: &str = r#"
Terraform used the selected providers to generate the following execution
plan. Resource actions are indicated with the following symbols:
  + create

Terraform will perform the following actions:

  # terraform_data.a will be created
  + resource "terraform_data" "a" {
      + id     = (known after apply)
      + input  = {
          + js    = jsonencode(
                {
                  + a = 1
                  + b = [
                      + 1,
                      + 2,
                    ]
                }
            )
          + list  = [
              + 1,
              + 2,
              + 3,
            ]
          + multi = <<-EOT
                line1
                line2
                line3
            EOT
          + name  = "hello"
          + tags  = {
              + Name = "hello"
              + env  = "dev"
            }
        }
      + output = (known after apply)
    }

  # terraform_data.b will be created
  + resource "terraform_data" "b" {
      + id               = (known after apply)
      + input            = (known after apply)
      + output           = (known after apply)
      + triggers_replace = [
          + "hello",
        ]
    }

  # terraform_data.c[0] will be created
  + resource "terraform_data" "c" {
      + id     = (known after apply)
      + input  = (sensitive value)
      + output = (known after apply)
    }

  # terraform_data.c[1] will be created
  + resource "terraform_data" "c" {
      + id     = (known after apply)
      + input  = (sensitive value)
      + output = (known after apply)
    }

Plan: 4 to add, 0 to change, 0 to destroy.

Changes to Outputs:
  + a_id  = (known after apply)
  + plain = "x"
  + s     = (sensitive value)

─────────────────────────────────────────────────────────────────────────────

Saved the plan to: p1

To perform exactly these actions, run the following command to apply:
    terraform apply "p1"
"#;

const CREATE_PLAN_COLOR: &str = "\nTerraform used the selected providers to generate the following execution\nplan. Resource actions are indicated with the following symbols:\n  \x1b[32m+\x1b[0m create\x1b[0m\n\nTerraform will perform the following actions:\n\n\x1b[1m  # terraform_data.a\x1b[0m will be created\n\x1b[0m  \x1b[32m+\x1b[0m\x1b[0m resource \"terraform_data\" \"a\" {\n      \x1b[32m+\x1b[0m\x1b[0m id     = (known after apply)\n      \x1b[32m+\x1b[0m\x1b[0m input  = {\n          \x1b[32m+\x1b[0m\x1b[0m js    = jsonencode(\n                {\n                  \x1b[32m+\x1b[0m\x1b[0m a = 1\n                  \x1b[32m+\x1b[0m\x1b[0m b = [\n                      \x1b[32m+\x1b[0m\x1b[0m 1,\n                      \x1b[32m+\x1b[0m\x1b[0m 2,\n                    ]\n                }\n            )\n          \x1b[32m+\x1b[0m\x1b[0m list  = [\n              \x1b[32m+\x1b[0m\x1b[0m 1,\n              \x1b[32m+\x1b[0m\x1b[0m 2,\n              \x1b[32m+\x1b[0m\x1b[0m 3,\n            ]\n          \x1b[32m+\x1b[0m\x1b[0m multi = <<-EOT\n                line1\n                line2\n                line3\n            EOT\n          \x1b[32m+\x1b[0m\x1b[0m name  = \"hello\"\n          \x1b[32m+\x1b[0m\x1b[0m tags  = {\n              \x1b[32m+\x1b[0m\x1b[0m Name = \"hello\"\n              \x1b[32m+\x1b[0m\x1b[0m env  = \"dev\"\n            }\n        }\n      \x1b[32m+\x1b[0m\x1b[0m output = (known after apply)\n    }\n\n\x1b[1m  # terraform_data.b\x1b[0m will be created\n\x1b[0m  \x1b[32m+\x1b[0m\x1b[0m resource \"terraform_data\" \"b\" {\n      \x1b[32m+\x1b[0m\x1b[0m id               = (known after apply)\n      \x1b[32m+\x1b[0m\x1b[0m input            = (known after apply)\n      \x1b[32m+\x1b[0m\x1b[0m output           = (known after apply)\n      \x1b[32m+\x1b[0m\x1b[0m triggers_replace = [\n          \x1b[32m+\x1b[0m\x1b[0m \"hello\",\n        ]\n    }\n\n\x1b[1m  # terraform_data.c[0]\x1b[0m will be created\n\x1b[0m  \x1b[32m+\x1b[0m\x1b[0m resource \"terraform_data\" \"c\" {\n      \x1b[32m+\x1b[0m\x1b[0m id     = (known after apply)\n      \x1b[32m+\x1b[0m\x1b[0m input  = (sensitive value)\n      \x1b[32m+\x1b[0m\x1b[0m output = (known after apply)\n    }\n\n\x1b[1m  # terraform_data.c[1]\x1b[0m will be created\n\x1b[0m  \x1b[32m+\x1b[0m\x1b[0m resource \"terraform_data\" \"c\" {\n      \x1b[32m+\x1b[0m\x1b[0m id     = (known after apply)\n      \x1b[32m+\x1b[0m\x1b[0m input  = (sensitive value)\n      \x1b[32m+\x1b[0m\x1b[0m output = (known after apply)\n    }\n\n\x1b[1mPlan:\x1b[0m 4 to add, 0 to change, 0 to destroy.\n\x1b[0m\nChanges to Outputs:\n  \x1b[32m+\x1b[0m\x1b[0m a_id  = (known after apply)\n  \x1b[32m+\x1b[0m\x1b[0m plain = \"x\"\n  \x1b[32m+\x1b[0m\x1b[0m s     = (sensitive value)\n";

const UPDATE_PLAN: &str = r#"
Terraform used the selected providers to generate the following execution
plan. Resource actions are indicated with the following symbols:
  ~ update in-place
  - destroy
-/+ destroy and then create replacement

Terraform will perform the following actions:

  # terraform_data.a will be updated in-place
  ~ resource "terraform_data" "a" {
        id     = "0904d69d-0bea-e664-f4e6-11503ab37faa"
      ~ input  = {
          ~ js    = jsonencode(
              ~ {
                  ~ a = 1 -> 2
                    # (1 unchanged attribute hidden)
                }
            )
          ~ list  = [
                1,
              - 2,
              + 5,
                3,
              + 4,
            ]
          ~ multi = <<-EOT
                line1
              - line2
              + line2 changed
                line3
            EOT
          ~ name  = "hello" -> "world"
          ~ tags  = {
              ~ Name  = "hello" -> "world"
                env   = "dev"
              + extra = "x"
            }
        }
      ~ output = {
          - js    = jsonencode(
                {
                  - a = 1
                  - b = [
                      - 1,
                      - 2,
                    ]
                }
            )
          - list  = [
              - 1,
              - 2,
              - 3,
            ]
          - multi = <<-EOT
                line1
                line2
                line3
            EOT
          - name  = "hello"
          - tags  = {
              - Name = "hello"
              - env  = "dev"
            }
        } -> (known after apply)
    }

  # terraform_data.b must be replaced
-/+ resource "terraform_data" "b" {
      ~ id               = "71051661-2eb6-c1ae-7ae2-042225bf5395" -> (known after apply)
      ~ input            = {
          - js    = jsonencode(
                {
                  - a = 1
                  - b = [
                      - 1,
                      - 2,
                    ]
                }
            )
          - list  = [
              - 1,
              - 2,
              - 3,
            ]
          - multi = <<-EOT
                line1
                line2
                line3
            EOT
          - name  = "hello"
          - tags  = {
              - Name = "hello"
              - env  = "dev"
            }
        } -> "plain"
      ~ output           = {
          - js    = jsonencode(
                {
                  - a = 1
                  - b = [
                      - 1,
                      - 2,
                    ]
                }
            )
          - list  = [
              - 1,
              - 2,
              - 3,
            ]
          - multi = <<-EOT
                line1
                line2
                line3
            EOT
          - name  = "hello"
          - tags  = {
              - Name = "hello"
              - env  = "dev"
            }
        } -> (known after apply)
      ~ triggers_replace = [
          ~ "hello" -> "world",
        ]
    }

  # terraform_data.c[1] will be destroyed
  # (because index [1] is out of range for count)
  - resource "terraform_data" "c" {
      - id     = "899be815-5677-ca6e-7744-eaf07edc20cf" -> null
      - input  = (sensitive value) -> null
      - output = "secret-1" -> null
    }

Plan: 1 to add, 1 to change, 2 to destroy.

Changes to Outputs:
  + newout = [
      + 1,
      + 2,
    ]
  ~ plain  = "x" -> "y"
  - s      = (sensitive value) -> null
"#;

const UPDATE_PLAN_COLOR: &str = "\nTerraform used the selected providers to generate the following execution\nplan. Resource actions are indicated with the following symbols:\n  \x1b[33m~\x1b[0m update in-place\x1b[0m\n  \x1b[31m-\x1b[0m destroy\x1b[0m\n\x1b[31m-\x1b[0m/\x1b[32m+\x1b[0m destroy and then create replacement\x1b[0m\n\nTerraform will perform the following actions:\n\n\x1b[1m  # terraform_data.a\x1b[0m will be updated in-place\n\x1b[0m  \x1b[33m~\x1b[0m\x1b[0m resource \"terraform_data\" \"a\" {\n        id     = \"0904d69d-0bea-e664-f4e6-11503ab37faa\"\n      \x1b[33m~\x1b[0m\x1b[0m input  = {\n          \x1b[33m~\x1b[0m\x1b[0m js    = jsonencode(\n              \x1b[33m~\x1b[0m\x1b[0m {\n                  \x1b[33m~\x1b[0m\x1b[0m a = 1 \x1b[33m->\x1b[0m\x1b[0m 2\n                    \x1b[90m# (1 unchanged attribute hidden)\x1b[0m\x1b[0m\n                }\n            )\n          \x1b[33m~\x1b[0m\x1b[0m list  = [\n                1,\n              \x1b[31m-\x1b[0m\x1b[0m 2,\n              \x1b[32m+\x1b[0m\x1b[0m 5,\n                3,\n              \x1b[32m+\x1b[0m\x1b[0m 4,\n            ]\n          \x1b[33m~\x1b[0m\x1b[0m multi = <<-EOT\n                line1\n              \x1b[31m-\x1b[0m\x1b[0m line2\n              \x1b[32m+\x1b[0m\x1b[0m line2 changed\n                line3\n            EOT\n          \x1b[33m~\x1b[0m\x1b[0m name  = \"hello\" \x1b[33m->\x1b[0m\x1b[0m \"world\"\n          \x1b[33m~\x1b[0m\x1b[0m tags  = {\n              \x1b[33m~\x1b[0m\x1b[0m Name  = \"hello\" \x1b[33m->\x1b[0m\x1b[0m \"world\"\n                env   = \"dev\"\n              \x1b[32m+\x1b[0m\x1b[0m extra = \"x\"\n            }\n        }\n      \x1b[33m~\x1b[0m\x1b[0m output = {\n          \x1b[31m-\x1b[0m\x1b[0m js    = jsonencode(\n                {\n                  \x1b[31m-\x1b[0m\x1b[0m a = 1\n                  \x1b[31m-\x1b[0m\x1b[0m b = [\n                      \x1b[31m-\x1b[0m\x1b[0m 1,\n                      \x1b[31m-\x1b[0m\x1b[0m 2,\n                    ]\n                }\n            )\n          \x1b[31m-\x1b[0m\x1b[0m list  = [\n              \x1b[31m-\x1b[0m\x1b[0m 1,\n              \x1b[31m-\x1b[0m\x1b[0m 2,\n              \x1b[31m-\x1b[0m\x1b[0m 3,\n            ]\n          \x1b[31m-\x1b[0m\x1b[0m multi = <<-EOT\n                line1\n                line2\n                line3\n            EOT\n          \x1b[31m-\x1b[0m\x1b[0m name  = \"hello\"\n          \x1b[31m-\x1b[0m\x1b[0m tags  = {\n              \x1b[31m-\x1b[0m\x1b[0m Name = \"hello\"\n              \x1b[31m-\x1b[0m\x1b[0m env  = \"dev\"\n            }\n        } -> (known after apply)\n    }\n\n\x1b[1m  # terraform_data.b\x1b[0m must be \x1b[1m\x1b[31mreplaced\x1b[0m\n\x1b[0m\x1b[31m-\x1b[0m/\x1b[32m+\x1b[0m\x1b[0m resource \"terraform_data\" \"b\" {\n      \x1b[33m~\x1b[0m\x1b[0m id               = \"71051661-2eb6-c1ae-7ae2-042225bf5395\" -> (known after apply)\n      \x1b[33m~\x1b[0m\x1b[0m input            = {\n          \x1b[31m-\x1b[0m\x1b[0m js    = jsonencode(\n                {\n                  \x1b[31m-\x1b[0m\x1b[0m a = 1\n                  \x1b[31m-\x1b[0m\x1b[0m b = [\n                      \x1b[31m-\x1b[0m\x1b[0m 1,\n                      \x1b[31m-\x1b[0m\x1b[0m 2,\n                    ]\n                }\n            )\n          \x1b[31m-\x1b[0m\x1b[0m list  = [\n              \x1b[31m-\x1b[0m\x1b[0m 1,\n              \x1b[31m-\x1b[0m\x1b[0m 2,\n              \x1b[31m-\x1b[0m\x1b[0m 3,\n            ]\n          \x1b[31m-\x1b[0m\x1b[0m multi = <<-EOT\n                line1\n                line2\n                line3\n            EOT\n          \x1b[31m-\x1b[0m\x1b[0m name  = \"hello\"\n          \x1b[31m-\x1b[0m\x1b[0m tags  = {\n              \x1b[31m-\x1b[0m\x1b[0m Name = \"hello\"\n              \x1b[31m-\x1b[0m\x1b[0m env  = \"dev\"\n            }\n        } \x1b[33m->\x1b[0m\x1b[0m \"plain\"\n      \x1b[33m~\x1b[0m\x1b[0m output           = {\n          \x1b[31m-\x1b[0m\x1b[0m js    = jsonencode(\n                {\n                  \x1b[31m-\x1b[0m\x1b[0m a = 1\n                  \x1b[31m-\x1b[0m\x1b[0m b = [\n                      \x1b[31m-\x1b[0m\x1b[0m 1,\n                      \x1b[31m-\x1b[0m\x1b[0m 2,\n                    ]\n                }\n            )\n          \x1b[31m-\x1b[0m\x1b[0m list  = [\n              \x1b[31m-\x1b[0m\x1b[0m 1,\n              \x1b[31m-\x1b[0m\x1b[0m 2,\n              \x1b[31m-\x1b[0m\x1b[0m 3,\n            ]\n          \x1b[31m-\x1b[0m\x1b[0m multi = <<-EOT\n                line1\n                line2\n                line3\n            EOT\n          \x1b[31m-\x1b[0m\x1b[0m name  = \"hello\"\n          \x1b[31m-\x1b[0m\x1b[0m tags  = {\n              \x1b[31m-\x1b[0m\x1b[0m Name = \"hello\"\n              \x1b[31m-\x1b[0m\x1b[0m env  = \"dev\"\n            }\n        } -> (known after apply)\n      \x1b[33m~\x1b[0m\x1b[0m triggers_replace = [\n          \x1b[33m~\x1b[0m\x1b[0m \"hello\" \x1b[33m->\x1b[0m\x1b[0m \"world\",\n        ]\n    }\n\n\x1b[1m  # terraform_data.c[1]\x1b[0m will be \x1b[1m\x1b[31mdestroyed\x1b[0m\n  # (because index [1] is out of range for count)\n\x1b[0m  \x1b[31m-\x1b[0m\x1b[0m resource \"terraform_data\" \"c\" {\n      \x1b[31m-\x1b[0m\x1b[0m id     = \"899be815-5677-ca6e-7744-eaf07edc20cf\" \x1b[90m-> null\x1b[0m\x1b[0m\n      \x1b[31m-\x1b[0m\x1b[0m input  = (sensitive value) \x1b[90m-> null\x1b[0m\x1b[0m\n      \x1b[31m-\x1b[0m\x1b[0m output = \"secret-1\" \x1b[90m-> null\x1b[0m\x1b[0m\n    }\n\n\x1b[1mPlan:\x1b[0m 1 to add, 1 to change, 2 to destroy.\n\x1b[0m\nChanges to Outputs:\n  \x1b[32m+\x1b[0m\x1b[0m newout = [\n      \x1b[32m+\x1b[0m\x1b[0m 1,\n      \x1b[32m+\x1b[0m\x1b[0m 2,\n    ]\n  \x1b[33m~\x1b[0m\x1b[0m plain  = \"x\" \x1b[33m->\x1b[0m\x1b[0m \"y\"\n  \x1b[31m-\x1b[0m\x1b[0m s      = (sensitive value) \x1b[90m-> null\x1b[0m\x1b[0m\n";
