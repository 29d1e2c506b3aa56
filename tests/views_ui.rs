//! The apply UI against transcripts of `terraform apply` v1.11.4 (human,
//! with colour, and `-json`) for the same `terraform_data` change: the
//! engine's calls are replayed into the sinks.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tfrs::addrs::{parse_target, AbsInstance, InstanceKey, Target};
use tfrs::plans::{Action, ActionReason, OutputChange, Plan, PlanMode, ResourceChange};
use tfrs::states::State;
use tfrs::views::ui::{HumanOptions, HumanUi, JsonUi, SharedBuffer, UiOutput, UiSink};
use tfrs_provider::schema::{Attribute, Block};
use tfrs_provider::{ProviderSchema, Schema, Type, Value};

const BUILTIN: &str = "terraform.io/builtin/terraform";
const ID_A: &str = "7eaad69d-3f1f-00a8-8f03-c8e5bb6d79b7";
const ID_GONE: &str = "5a34ebdc-a2c9-51bb-7db5-8dc6d1fae24b";

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

fn addr(a: &str) -> AbsInstance {
    match parse_target(a).unwrap() {
        Target::Instance(i) => i,
        Target::Resource(r) => r.instance(InstanceKey::None),
        Target::Module(_) => unreachable!(),
    }
}

fn data(id: Value, input: Value, output: Value) -> Value {
    Value::Object(BTreeMap::from([
        ("id".to_string(), id),
        ("input".to_string(), input),
        ("output".to_string(), output),
        ("triggers_replace".to_string(), Value::Null(Type::Dynamic)),
    ]))
}

fn gone() -> Value {
    data(
        Value::string(ID_GONE),
        Value::string("x"),
        Value::string("x"),
    )
}
fn a_before() -> Value {
    data(
        Value::string(ID_A),
        Value::string("one"),
        Value::string("one"),
    )
}
fn a_after() -> Value {
    data(
        Value::string(ID_A),
        Value::string("two"),
        Value::string("two"),
    )
}

fn the_plan() -> Plan {
    let change = |a: &str, action, before, after| ResourceChange {
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
    };
    let mut g = change(
        "terraform_data.gone",
        Action::Delete,
        gone(),
        Value::Null(ty()),
    );
    g.reason = Some(ActionReason::DeleteBecauseNoResourceConfig);
    let a = change(
        "terraform_data.a",
        Action::Update,
        a_before(),
        data(
            Value::string(ID_A),
            Value::string("two"),
            Value::Unknown(Type::String),
        ),
    );
    Plan {
        mode: PlanMode::Normal,
        changes: vec![g, a],
        output_changes: vec![
            OutputChange {
                name: "o".into(),
                action: Action::Update,
                before: Value::string("one"),
                after: Value::Unknown(Type::String),
                sensitive: false,
            },
            OutputChange {
                name: "s".into(),
                action: Action::NoOp,
                before: Value::string("secret"),
                after: Value::string("secret"),
                sensitive: true,
            },
        ],
        drift: Vec::new(),
        prior_state: State::new("x".into()),
        variables: BTreeMap::new(),
        targets: Vec::new(),
        errored: false,
        timestamp: String::new(),
    }
}

fn outputs() -> Vec<UiOutput> {
    vec![
        UiOutput {
            name: "s".into(),
            value: Value::string("secret"),
            sensitive: true,
        },
        UiOutput {
            name: "o".into(),
            value: Value::string("two"),
            sensitive: false,
        },
    ]
}

/// What the engine reports for `terraform apply` of the change.
fn replay(ui: &dyn UiSink) {
    let (g, a) = (addr("terraform_data.gone"), addr("terraform_data.a"));
    ui.refresh_start(&g, None, &gone());
    ui.refresh_complete(&g, None, &gone());
    ui.refresh_start(&a, None, &a_before());
    ui.refresh_complete(&a, None, &a_before());
    ui.plan(&the_plan(), &schemas());
    ui.apply_start(&g, None, Action::Delete, &gone());
    ui.apply_complete(&g, None, Action::Delete, &Value::Null(ty()));
    ui.apply_start(&a, None, Action::Update, &a_before());
    ui.apply_complete(&a, None, Action::Update, &a_after());
    ui.apply_summary(false);
    ui.outputs(&outputs());
}

/// The text without its ANSI colour sequences (what `-no-color` prints).
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("\x1b[") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        rest = &after[after.find('m').map(|m| m + 1).unwrap_or(0)..];
    }
    out.push_str(rest);
    out
}

#[test]
fn human_apply_matches_terraform() {
    let buf = SharedBuffer::new();
    let ui = HumanUi::new(
        Box::new(buf.clone()),
        HumanOptions {
            color: true,
            ..Default::default()
        },
    );
    replay(&ui);
    assert_eq!(buf.contents(), HUMAN_APPLY);

    let buf = SharedBuffer::new();
    let ui = HumanUi::new(
        Box::new(buf.clone()),
        HumanOptions {
            color: false,
            ..Default::default()
        },
    );
    replay(&ui);
    assert_eq!(buf.contents(), strip_ansi(HUMAN_APPLY));
}

#[test]
fn json_apply_matches_terraform() {
    let stamps: Vec<String> = JSON_APPLY
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["@timestamp"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let next = Arc::new(Mutex::new(stamps.into_iter()));
    let buf = SharedBuffer::new();
    let ui = JsonUi::quiet(Box::new(buf.clone())).with_timestamps(Box::new(move || {
        next.lock().unwrap().next().unwrap_or_default()
    }));
    ui.version();
    replay(&ui);
    assert_eq!(buf.contents(), JSON_APPLY);
}

/// Progress lines of a slow step, elapsed times as Go prints durations,
/// deposed objects and data sources.
#[test]
fn progress_lines() {
    let now = Arc::new(Mutex::new(Duration::from_millis(100_400)));
    let clock = now.clone();
    let buf = SharedBuffer::new();
    let ui = HumanUi::new(
        Box::new(buf.clone()),
        HumanOptions {
            color: false,
            ..Default::default()
        },
    )
    .with_clock(Box::new(move || *clock.lock().unwrap()));
    let a = addr("aws_instance.web[0]");
    ui.apply_start(&a, None, Action::Create, &Value::Null(Type::Dynamic));
    ui.still(&a, Action::Create, Duration::from_secs(10));
    ui.still(&a, Action::Create, Duration::from_millis(70_100));
    *now.lock().unwrap() = Duration::from_millis(162_600);
    let new = Value::Object(BTreeMap::from([("id".to_string(), Value::string("i-123"))]));
    ui.apply_complete(&a, None, Action::Create, &new);

    let old = Value::Object(BTreeMap::from([("id".to_string(), Value::string("i-old"))]));
    ui.apply_start(&a, Some("0badf00d"), Action::Delete, &old);
    ui.still(&a, Action::Delete, Duration::from_secs(3600));
    ui.apply_complete(
        &a,
        Some("0badf00d"),
        Action::Delete,
        &Value::Null(Type::Dynamic),
    );

    let d = addr("data.aws_ami.ubuntu");
    ui.apply_start(&d, None, Action::Read, &Value::Null(Type::Dynamic));
    ui.apply_complete(
        &d,
        None,
        Action::Read,
        &Value::Object(BTreeMap::from([("id".to_string(), Value::string("ami-1"))])),
    );
    // Nothing is said of a failed step; its error is the caller's.
    ui.apply_start(&a, None, Action::Update, &new);
    ui.apply_errored(&a, None, Action::Update);
    ui.apply_summary(false);
    ui.apply_summary(true);
    assert_eq!(
        buf.contents(),
        "aws_instance.web[0]: Creating...\n\
         aws_instance.web[0]: Still creating... [10s elapsed]\n\
         aws_instance.web[0]: Still creating... [1m10s elapsed]\n\
         aws_instance.web[0]: Creation complete after 1m3s [id=i-123]\n\
         aws_instance.web[0] (deposed object 0badf00d): Destroying... [id=i-old]\n\
         aws_instance.web[0]: Still destroying... [id=i-old, 1h0m0s elapsed]\n\
         aws_instance.web[0] (deposed object 0badf00d): Destruction complete after 0s\n\
         data.aws_ami.ubuntu: Reading...\n\
         data.aws_ami.ubuntu: Read complete after 0s [id=ami-1]\n\
         aws_instance.web[0]: Modifying... [id=i-123]\n\
         \nApply complete! Resources: 1 added, 0 changed, 1 destroyed.\n\
         \nDestroy complete! Resources: 1 destroyed.\n"
    );
    assert_eq!(ui.counts().added, 1);
}

#[test]
fn json_progress_and_errors() {
    let buf = SharedBuffer::new();
    let ui = JsonUi::quiet(Box::new(buf.clone()))
        .with_timestamps(Box::new(|| "2026-01-02T03:04:05.000000Z".to_string()))
        .with_clock(Box::new(|| Duration::from_secs(5)));
    let a = addr("module.net[\"a\"].aws_vpc.main");
    ui.apply_start(&a, None, Action::Create, &Value::Null(Type::Dynamic));
    ui.still(&a, Action::Create, Duration::from_secs(20));
    ui.apply_errored(&a, None, Action::Create);
    ui.log("Stopping operation...");
    ui.diagnostic(
        true,
        "Invalid <thing>",
        &serde_json::json!({"severity": "error", "summary": "Invalid <thing>", "detail": ""}),
    );
    let text = buf.contents();
    let lines: Vec<&str> = text.lines().collect();
    let resource = r#"{"addr":"module.net[\"a\"].aws_vpc.main","module":"module.net[\"a\"]","resource":"aws_vpc.main","implied_provider":"aws","resource_type":"aws_vpc","resource_name":"main","resource_key":null}"#;
    assert_eq!(
        lines[0],
        format!(
            r#"{{"@level":"info","@message":"module.net[\"a\"].aws_vpc.main: Creating...","@module":"terraform.ui","@timestamp":"2026-01-02T03:04:05.000000Z","hook":{{"resource":{resource},"action":"create"}},"type":"apply_start"}}"#
        )
    );
    assert_eq!(
        lines[1],
        format!(
            r#"{{"@level":"info","@message":"module.net[\"a\"].aws_vpc.main: Still creating... [20s elapsed]","@module":"terraform.ui","@timestamp":"2026-01-02T03:04:05.000000Z","hook":{{"resource":{resource},"action":"create","elapsed_seconds":20}},"type":"apply_progress"}}"#
        )
    );
    assert_eq!(
        lines[2],
        format!(
            r#"{{"@level":"info","@message":"module.net[\"a\"].aws_vpc.main: Creation errored after 0s","@module":"terraform.ui","@timestamp":"2026-01-02T03:04:05.000000Z","hook":{{"resource":{resource},"action":"create","elapsed_seconds":0}},"type":"apply_errored"}}"#
        )
    );
    assert_eq!(
        lines[3],
        r#"{"@level":"info","@message":"Stopping operation...","@module":"terraform.ui","@timestamp":"2026-01-02T03:04:05.000000Z","type":"log"}"#
    );
    assert_eq!(
        lines[4],
        r#"{"@level":"error","@message":"Error: Invalid \u003cthing\u003e","@module":"terraform.ui","@timestamp":"2026-01-02T03:04:05.000000Z","diagnostic":{"severity":"error","summary":"Invalid \u003cthing\u003e","detail":""},"type":"diagnostic"}"#
    );
}

/// Sinks are shared by the engine's worker threads; each line is written
/// whole.
#[test]
fn concurrent_lines_stay_whole() {
    let buf = SharedBuffer::new();
    let ui: Arc<dyn UiSink> = Arc::new(HumanUi::new(
        Box::new(buf.clone()),
        HumanOptions {
            color: false,
            ..Default::default()
        },
    ));
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let ui = ui.clone();
            std::thread::spawn(move || {
                for i in 0..50 {
                    let a = addr(&format!("terraform_data.t{t}[{i}]"));
                    ui.apply_start(&a, None, Action::Create, &Value::Null(Type::Dynamic));
                    ui.apply_complete(&a, None, Action::Create, &Value::Null(Type::Dynamic));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let text = buf.contents();
    assert_eq!(text.lines().count(), 800);
    assert!(text
        .lines()
        .all(|l| l.ends_with(": Creating...") || l.ends_with(": Creation complete after 0s")));
    assert_eq!(ui.counts().added, 400);
}

/// `terraform apply -auto-approve` (colour on).
const HUMAN_APPLY: &str = "\x1b[0m\x1b[1mterraform_data.gone: Refreshing state... [id=5a34ebdc-a2c9-51bb-7db5-8dc6d1fae24b]\x1b[0m\n\x1b[0m\x1b[1mterraform_data.a: Refreshing state... [id=7eaad69d-3f1f-00a8-8f03-c8e5bb6d79b7]\x1b[0m\n\nTerraform used the selected providers to generate the following execution\nplan. Resource actions are indicated with the following symbols:\n  \x1b[33m~\x1b[0m update in-place\x1b[0m\n  \x1b[31m-\x1b[0m destroy\x1b[0m\n\nTerraform will perform the following actions:\n\n\x1b[1m  # terraform_data.a\x1b[0m will be updated in-place\n\x1b[0m  \x1b[33m~\x1b[0m\x1b[0m resource \"terraform_data\" \"a\" {\n        id     = \"7eaad69d-3f1f-00a8-8f03-c8e5bb6d79b7\"\n      \x1b[33m~\x1b[0m\x1b[0m input  = \"one\" \x1b[33m->\x1b[0m\x1b[0m \"two\"\n      \x1b[33m~\x1b[0m\x1b[0m output = \"one\" -> (known after apply)\n    }\n\n\x1b[1m  # terraform_data.gone\x1b[0m will be \x1b[1m\x1b[31mdestroyed\x1b[0m\n  # (because terraform_data.gone is not in configuration)\n\x1b[0m  \x1b[31m-\x1b[0m\x1b[0m resource \"terraform_data\" \"gone\" {\n      \x1b[31m-\x1b[0m\x1b[0m id     = \"5a34ebdc-a2c9-51bb-7db5-8dc6d1fae24b\" \x1b[90m-> null\x1b[0m\x1b[0m\n      \x1b[31m-\x1b[0m\x1b[0m input  = \"x\" \x1b[90m-> null\x1b[0m\x1b[0m\n      \x1b[31m-\x1b[0m\x1b[0m output = \"x\" \x1b[90m-> null\x1b[0m\x1b[0m\n    }\n\n\x1b[1mPlan:\x1b[0m 0 to add, 1 to change, 1 to destroy.\n\x1b[0m\nChanges to Outputs:\n  \x1b[33m~\x1b[0m\x1b[0m o = \"one\" -> (known after apply)\n\x1b[0m\x1b[1mterraform_data.gone: Destroying... [id=5a34ebdc-a2c9-51bb-7db5-8dc6d1fae24b]\x1b[0m\x1b[0m\n\x1b[0m\x1b[1mterraform_data.gone: Destruction complete after 0s\x1b[0m\n\x1b[0m\x1b[1mterraform_data.a: Modifying... [id=7eaad69d-3f1f-00a8-8f03-c8e5bb6d79b7]\x1b[0m\x1b[0m\n\x1b[0m\x1b[1mterraform_data.a: Modifications complete after 0s [id=7eaad69d-3f1f-00a8-8f03-c8e5bb6d79b7]\x1b[0m\n\x1b[0m\x1b[1m\x1b[32m\nApply complete! Resources: 0 added, 1 changed, 1 destroyed.\n\x1b[0m\x1b[0m\x1b[1m\x1b[32m\nOutputs:\n\n\x1b[0mo = \"two\"\ns = <sensitive>\n";

/// `terraform apply -auto-approve -json`.
const JSON_APPLY: &str = r#"{"@level":"info","@message":"Terraform 1.11.4","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.538332Z","terraform":"1.11.4","type":"version","ui":"1.2"}
{"@level":"info","@message":"terraform_data.gone: Refreshing state... [id=5a34ebdc-a2c9-51bb-7db5-8dc6d1fae24b]","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.544700Z","hook":{"resource":{"addr":"terraform_data.gone","module":"","resource":"terraform_data.gone","implied_provider":"terraform","resource_type":"terraform_data","resource_name":"gone","resource_key":null},"id_key":"id","id_value":"5a34ebdc-a2c9-51bb-7db5-8dc6d1fae24b"},"type":"refresh_start"}
{"@level":"info","@message":"terraform_data.gone: Refresh complete [id=5a34ebdc-a2c9-51bb-7db5-8dc6d1fae24b]","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.544834Z","hook":{"resource":{"addr":"terraform_data.gone","module":"","resource":"terraform_data.gone","implied_provider":"terraform","resource_type":"terraform_data","resource_name":"gone","resource_key":null},"id_key":"id","id_value":"5a34ebdc-a2c9-51bb-7db5-8dc6d1fae24b"},"type":"refresh_complete"}
{"@level":"info","@message":"terraform_data.a: Refreshing state... [id=7eaad69d-3f1f-00a8-8f03-c8e5bb6d79b7]","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.544732Z","hook":{"resource":{"addr":"terraform_data.a","module":"","resource":"terraform_data.a","implied_provider":"terraform","resource_type":"terraform_data","resource_name":"a","resource_key":null},"id_key":"id","id_value":"7eaad69d-3f1f-00a8-8f03-c8e5bb6d79b7"},"type":"refresh_start"}
{"@level":"info","@message":"terraform_data.a: Refresh complete [id=7eaad69d-3f1f-00a8-8f03-c8e5bb6d79b7]","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.544950Z","hook":{"resource":{"addr":"terraform_data.a","module":"","resource":"terraform_data.a","implied_provider":"terraform","resource_type":"terraform_data","resource_name":"a","resource_key":null},"id_key":"id","id_value":"7eaad69d-3f1f-00a8-8f03-c8e5bb6d79b7"},"type":"refresh_complete"}
{"@level":"info","@message":"terraform_data.gone: Plan to delete","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.547165Z","change":{"resource":{"addr":"terraform_data.gone","module":"","resource":"terraform_data.gone","implied_provider":"terraform","resource_type":"terraform_data","resource_name":"gone","resource_key":null},"action":"delete","reason":"delete_because_no_resource_config"},"type":"planned_change"}
{"@level":"info","@message":"terraform_data.a: Plan to update","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.547259Z","change":{"resource":{"addr":"terraform_data.a","module":"","resource":"terraform_data.a","implied_provider":"terraform","resource_type":"terraform_data","resource_name":"a","resource_key":null},"action":"update"},"type":"planned_change"}
{"@level":"info","@message":"Plan: 0 to add, 1 to change, 1 to destroy.","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.547271Z","changes":{"add":0,"change":1,"import":0,"remove":1,"operation":"plan"},"type":"change_summary"}
{"@level":"info","@message":"Outputs: 2","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.547303Z","outputs":{"o":{"sensitive":false,"action":"update"},"s":{"sensitive":true,"action":"noop"}},"type":"outputs"}
{"@level":"info","@message":"terraform_data.gone: Destroying... [id=5a34ebdc-a2c9-51bb-7db5-8dc6d1fae24b]","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.550144Z","hook":{"resource":{"addr":"terraform_data.gone","module":"","resource":"terraform_data.gone","implied_provider":"terraform","resource_type":"terraform_data","resource_name":"gone","resource_key":null},"action":"delete","id_key":"id","id_value":"5a34ebdc-a2c9-51bb-7db5-8dc6d1fae24b"},"type":"apply_start"}
{"@level":"info","@message":"terraform_data.gone: Destruction complete after 0s","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.550323Z","hook":{"resource":{"addr":"terraform_data.gone","module":"","resource":"terraform_data.gone","implied_provider":"terraform","resource_type":"terraform_data","resource_name":"gone","resource_key":null},"action":"delete","elapsed_seconds":0},"type":"apply_complete"}
{"@level":"info","@message":"terraform_data.a: Modifying... [id=7eaad69d-3f1f-00a8-8f03-c8e5bb6d79b7]","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.555318Z","hook":{"resource":{"addr":"terraform_data.a","module":"","resource":"terraform_data.a","implied_provider":"terraform","resource_type":"terraform_data","resource_name":"a","resource_key":null},"action":"update","id_key":"id","id_value":"7eaad69d-3f1f-00a8-8f03-c8e5bb6d79b7"},"type":"apply_start"}
{"@level":"info","@message":"terraform_data.a: Modifications complete after 0s [id=7eaad69d-3f1f-00a8-8f03-c8e5bb6d79b7]","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.555554Z","hook":{"resource":{"addr":"terraform_data.a","module":"","resource":"terraform_data.a","implied_provider":"terraform","resource_type":"terraform_data","resource_name":"a","resource_key":null},"action":"update","id_key":"id","id_value":"7eaad69d-3f1f-00a8-8f03-c8e5bb6d79b7","elapsed_seconds":0},"type":"apply_complete"}
{"@level":"info","@message":"Apply complete! Resources: 0 added, 1 changed, 1 destroyed.","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.558548Z","changes":{"add":0,"change":1,"import":0,"remove":1,"operation":"apply"},"type":"change_summary"}
{"@level":"info","@message":"Outputs: 2","@module":"terraform.ui","@timestamp":"2026-11-28T09:22:55.558573Z","outputs":{"o":{"sensitive":false,"type":"string","value":"two"},"s":{"sensitive":true,"type":"string"}},"type":"outputs"}
"#;
