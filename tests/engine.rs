//! Engine tests against the in-process `testing` provider, whose objects
//! live as files in a store directory: every action, lifecycle option and
//! the drift cases.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use tfrs::addrs::{parse_target, Target};
use tfrs::config;
use tfrs::diag::SourceMap;
use tfrs::engine::variables::{input_values, Inputs};
use tfrs::engine::{Engine, NoHooks, RunOptions};
use tfrs::plans::{Action, ActionReason, Plan, PlanMode};
use tfrs::states::State;

struct Fixture {
    dir: PathBuf,
    store: PathBuf,
    state: State,
}

impl Fixture {
    fn new(name: &str) -> Fixture {
        let dir = std::env::temp_dir().join(format!("tfrs-engine-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store = dir.join("store");
        Fixture {
            dir,
            store,
            state: State::new("test-lineage".into()),
        }
    }

    fn config(&self, body: &str) {
        let text = format!(
            "provider \"testing\" {{\n  store_dir = {:?}\n}}\n\n{body}",
            self.store.to_string_lossy()
        );
        std::fs::write(self.dir.join("main.tf"), text).unwrap();
    }

    fn plan_with(&self, opts: &RunOptions) -> Result<Plan, String> {
        let sources = SourceMap::default();
        let (module, d) = config::load_tree(&self.dir, &sources);
        if d.has_errors() {
            return Err(format!("{d:?}"));
        }
        let stop = AtomicBool::new(false);
        let engine = Engine::new(&module, &self.state, opts, &NoHooks, &stop)
            .map_err(|d| format!("{d:?}"))?;
        let vars = input_values(
            &module,
            &Inputs {
                args: &[],
                interactive: false,
            },
            &sources,
        )
        .map_err(|d| format!("{d:?}"))?;
        let (plan, d) = engine.plan(&self.state, vars);
        if d.has_errors() {
            return Err(d
                .iter()
                .map(|x| format!("{}: {}", x.summary, x.detail))
                .collect::<Vec<_>>()
                .join("\n"));
        }
        Ok(plan)
    }

    fn plan(&self) -> Result<Plan, String> {
        self.plan_with(&RunOptions::default())
    }

    fn apply_with(&mut self, opts: &RunOptions) -> Result<Plan, String> {
        let plan = self.plan_with(opts)?;
        let sources = SourceMap::default();
        let (module, _) = config::load_tree(&self.dir, &sources);
        let stop = AtomicBool::new(false);
        let engine = Engine::new(&module, &plan.prior_state, opts, &NoHooks, &stop)
            .map_err(|d| format!("{d:?}"))?;
        let (state, d) = engine.apply(&plan);
        self.state = state;
        if d.has_errors() {
            return Err(d
                .iter()
                .map(|x| format!("{}: {}", x.summary, x.detail))
                .collect::<Vec<_>>()
                .join("\n"));
        }
        Ok(plan)
    }

    fn apply(&mut self) -> Result<Plan, String> {
        self.apply_with(&RunOptions::default())
    }

    fn stored(&self) -> Vec<serde_json::Value> {
        let mut out = Vec::new();
        if let Ok(rd) = std::fs::read_dir(&self.store) {
            for e in rd.flatten() {
                if e.path().extension().is_some_and(|x| x == "json") {
                    out.push(
                        serde_json::from_str(&std::fs::read_to_string(e.path()).unwrap()).unwrap(),
                    );
                }
            }
        }
        out
    }

    fn stored_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .stored()
            .iter()
            .map(|o| o["name"].as_str().unwrap_or("").to_string())
            .collect();
        v.sort();
        v
    }
}

fn actions(plan: &Plan) -> Vec<(String, Action)> {
    plan.changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .map(|c| (c.addr.to_string(), c.action))
        .collect()
}

#[test]
fn create_update_replace_delete_cycle() {
    let mut f = Fixture::new("cycle");
    f.config(
        r#"
resource "testing_object" "a" {
  name  = "a"
  value = "one"
  tags  = { env = "dev" }
  rule {
    port = 80
  }
  setting {
    key   = "k"
    value = "v"
  }
}

resource "testing_object" "b" {
  name  = "b-${testing_object.a.id}"
  value = testing_object.a.computed_value
}

output "a_id" {
  value = testing_object.a.id
}
"#,
    );
    let plan = f.apply().unwrap();
    assert_eq!(
        actions(&plan),
        vec![
            ("testing_object.a".into(), Action::Create),
            ("testing_object.b".into(), Action::Create)
        ]
    );
    assert_eq!(f.stored().len(), 2);
    assert!(f.state.outputs["a_id"]
        .value
        .as_str()
        .unwrap()
        .starts_with("obj-"));
    let b = f.state.resources.iter().find(|r| r.name == "b").unwrap();
    assert_eq!(
        b.instances[0].dependencies,
        vec!["testing_object.a".to_string()]
    );
    assert_eq!(b.instances[0].attributes["value"], "computed-a");
    // The rule block's default came from the schema.
    let a = f.state.resources.iter().find(|r| r.name == "a").unwrap();
    assert_eq!(a.instances[0].attributes["rule"][0]["protocol"], "tcp");

    // Converged: nothing to do.
    assert!(actions(&f.plan().unwrap()).is_empty());

    // In-place update.
    let text = std::fs::read_to_string(f.dir.join("main.tf"))
        .unwrap()
        .replace("\"one\"", "\"two\"");
    std::fs::write(f.dir.join("main.tf"), text).unwrap();
    let plan = f.apply().unwrap();
    assert_eq!(
        actions(&plan),
        vec![("testing_object.a".into(), Action::Update)]
    );
    assert!(actions(&f.plan().unwrap()).is_empty());

    // A force-new attribute changes: replacement, and b follows (its name
    // depends on a's id).
    let text = std::fs::read_to_string(f.dir.join("main.tf"))
        .unwrap()
        .replace("name  = \"a\"", "name  = \"a2\"");
    std::fs::write(f.dir.join("main.tf"), text).unwrap();
    let plan = f.plan().unwrap();
    let a = plan
        .changes
        .iter()
        .find(|c| c.addr.to_string() == "testing_object.a")
        .unwrap();
    assert_eq!(a.action, Action::DeleteThenCreate);
    assert_eq!(a.reason, Some(ActionReason::ReplaceBecauseCannotUpdate));
    assert_eq!(a.replace_paths[0].to_string(), "name");
    f.apply().unwrap();
    assert_eq!(f.stored().len(), 2);
    assert!(actions(&f.plan().unwrap()).is_empty());

    // Removing b from the configuration deletes it.
    let text = std::fs::read_to_string(f.dir.join("main.tf")).unwrap();
    let cut = text.find("resource \"testing_object\" \"b\"").unwrap();
    let end = text[cut..].find("}\n").unwrap() + cut + 2;
    std::fs::write(
        f.dir.join("main.tf"),
        format!("{}{}", &text[..cut], &text[end..]),
    )
    .unwrap();
    let plan = f.apply().unwrap();
    assert_eq!(
        actions(&plan),
        vec![("testing_object.b".into(), Action::Delete)]
    );
    assert_eq!(
        plan.changes
            .iter()
            .find(|c| c.action == Action::Delete)
            .unwrap()
            .reason,
        Some(ActionReason::DeleteBecauseNoResourceConfig)
    );
    assert_eq!(f.stored_names(), vec!["a2"]);

    // Destroy mode removes everything, and the outputs.
    let plan = f
        .apply_with(&RunOptions {
            mode: PlanMode::Destroy,
            ..RunOptions::default()
        })
        .unwrap();
    assert_eq!(
        actions(&plan),
        vec![("testing_object.a".into(), Action::Delete)]
    );
    assert!(f.stored().is_empty());
    assert!(f.state.resources.is_empty());
    assert!(f.state.outputs.is_empty());
}

#[test]
fn count_and_for_each_expand_and_shrink() {
    let mut f = Fixture::new("count");
    f.config(
        r#"
variable "n" {
  default = 3
}
resource "testing_object" "c" {
  count = var.n
  name  = "c${count.index}"
}
resource "testing_object" "e" {
  for_each = toset(["x", "y"])
  name     = "e-${each.key}"
  value    = testing_object.c[0].name
}
"#,
    );
    let plan = f.apply().unwrap();
    assert_eq!(actions(&plan).len(), 5);
    assert_eq!(f.stored_names(), vec!["c0", "c1", "c2", "e-x", "e-y"]);
    let c = f.state.resources.iter().find(|r| r.name == "c").unwrap();
    assert_eq!(c.each.as_deref(), Some("list"));
    let e = f.state.resources.iter().find(|r| r.name == "e").unwrap();
    assert_eq!(e.each.as_deref(), Some("map"));
    assert_eq!(e.instances[0].index_key, Some(serde_json::json!("x")));

    let text = std::fs::read_to_string(f.dir.join("main.tf"))
        .unwrap()
        .replace("default = 3", "default = 1");
    std::fs::write(f.dir.join("main.tf"), text).unwrap();
    let plan = f.apply().unwrap();
    let deleted: Vec<_> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .collect();
    assert_eq!(deleted.len(), 2);
    assert!(deleted
        .iter()
        .all(|c| c.reason == Some(ActionReason::DeleteBecauseCountIndex)));
    assert_eq!(f.stored_names(), vec!["c0", "e-x", "e-y"]);
}

#[test]
fn drift_is_detected_and_repaired() {
    let mut f = Fixture::new("drift");
    f.config("resource \"testing_object\" \"d\" {\n  name = \"d\"\n}\n");
    f.apply().unwrap();
    // Deleted behind tfrs's back.
    for e in std::fs::read_dir(&f.store).unwrap().flatten() {
        std::fs::remove_file(e.path()).unwrap();
    }
    let plan = f.plan().unwrap();
    assert_eq!(plan.drift.len(), 1);
    assert_eq!(plan.drift[0].action, Action::Delete);
    assert_eq!(
        actions(&plan),
        vec![("testing_object.d".into(), Action::Create)]
    );
    f.apply().unwrap();
    assert_eq!(f.stored_names(), vec!["d"]);

    // Changed behind tfrs's back: the plan puts it back.
    let file = std::fs::read_dir(&f.store)
        .unwrap()
        .flatten()
        .next()
        .unwrap()
        .path();
    let mut obj: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    obj["value"] = serde_json::json!("changed");
    std::fs::write(&file, obj.to_string()).unwrap();
    let plan = f.plan().unwrap();
    assert_eq!(plan.drift.len(), 1);
    assert_eq!(
        actions(&plan),
        vec![("testing_object.d".into(), Action::Update)]
    );

    // -refresh=false does not look.
    let plan = f
        .plan_with(&RunOptions {
            refresh: false,
            ..RunOptions::default()
        })
        .unwrap();
    assert!(plan.drift.is_empty());
    assert!(actions(&plan).is_empty());
}

#[test]
fn failed_create_is_tainted_and_replaced_next_time() {
    let mut f = Fixture::new("taint");
    f.config("resource \"testing_object\" \"t\" {\n  name           = \"t\"\n  fail_on_create = true\n}\n");
    let err = f.apply().unwrap_err();
    assert!(err.contains("Create failed"), "{err}");
    // The object exists, so it is in state, tainted.
    assert_eq!(f.stored().len(), 1);
    let t = &f.state.resources[0].instances[0];
    assert_eq!(t.status.as_deref(), Some("tainted"));
    let text = std::fs::read_to_string(f.dir.join("main.tf"))
        .unwrap()
        .replace("fail_on_create = true", "fail_on_create = false");
    std::fs::write(f.dir.join("main.tf"), text).unwrap();
    let plan = f.plan().unwrap();
    let c = &plan.changes[0];
    assert_eq!(c.action, Action::DeleteThenCreate);
    assert_eq!(c.reason, Some(ActionReason::ReplaceBecauseTainted));
    f.apply().unwrap();
    assert_eq!(f.stored().len(), 1);
    assert!(f.state.resources[0].instances[0].status.is_none());
}

#[test]
fn lifecycle_options() {
    let mut f = Fixture::new("lifecycle");
    f.config(
        r#"
resource "testing_object" "keep" {
  name = "keep"
  lifecycle {
    prevent_destroy = true
  }
}
resource "testing_object" "cbd" {
  name  = "cbd"
  value = "v1"
  lifecycle {
    create_before_destroy = true
  }
}
resource "testing_object" "ign" {
  name  = "ign"
  value = "first"
  lifecycle {
    ignore_changes = [value]
  }
}
"#,
    );
    f.apply().unwrap();
    let text = std::fs::read_to_string(f.dir.join("main.tf"))
        .unwrap()
        .replace("name = \"keep\"", "name = \"keep2\"")
        .replace("\"first\"", "\"second\"");
    std::fs::write(f.dir.join("main.tf"), text).unwrap();
    let err = f.plan().unwrap_err();
    assert!(err.contains("Instance cannot be destroyed"), "{err}");

    let text = std::fs::read_to_string(f.dir.join("main.tf"))
        .unwrap()
        .replace("name = \"keep2\"", "name = \"keep\"")
        .replace("name  = \"cbd\"", "name  = \"cbd2\"");
    std::fs::write(f.dir.join("main.tf"), text).unwrap();
    let plan = f.apply().unwrap();
    // ignore_changes: the value change is not planned.
    assert_eq!(
        actions(&plan),
        vec![("testing_object.cbd".into(), Action::CreateThenDelete)]
    );
    assert_eq!(f.stored_names(), vec!["cbd2", "ign", "keep"]);
    assert!(f
        .state
        .resources
        .iter()
        .all(|r| r.instances.iter().all(|i| i.deposed.is_none())));

    // -replace forces a replacement.
    let plan = f
        .apply_with(&RunOptions {
            replace: vec![match parse_target("testing_object.ign").unwrap() {
                Target::Resource(r) => r.instance(tfrs::addrs::InstanceKey::None),
                _ => unreachable!(),
            }],
            ..RunOptions::default()
        })
        .unwrap();
    assert_eq!(
        plan.changes
            .iter()
            .find(|c| c.addr.to_string() == "testing_object.ign")
            .unwrap()
            .reason,
        Some(ActionReason::ReplaceByRequest)
    );
}

#[test]
fn targets_limit_the_plan() {
    let mut f = Fixture::new("target");
    f.config("resource \"testing_object\" \"x\" {\n  name = \"x\"\n}\nresource \"testing_object\" \"y\" {\n  name = \"y\"\n}\n");
    let plan = f
        .apply_with(&RunOptions {
            targets: vec![parse_target("testing_object.x").unwrap()],
            ..RunOptions::default()
        })
        .unwrap();
    assert_eq!(
        actions(&plan),
        vec![("testing_object.x".into(), Action::Create)]
    );
    assert_eq!(f.stored_names(), vec!["x"]);
}

#[test]
fn data_sources_read_at_plan_or_during_apply() {
    let mut f = Fixture::new("data");
    f.config(
        r#"
resource "testing_object" "src" {
  name  = "src"
  value = "hello"
}
data "testing_lookup" "l" {
  name = testing_object.src.name
  depends_on = [testing_object.src]
}
resource "testing_object" "dst" {
  name  = "dst"
  value = data.testing_lookup.l.value
}
"#,
    );
    let plan = f.plan().unwrap();
    let read = plan
        .changes
        .iter()
        .find(|c| c.addr.to_string() == "data.testing_lookup.l")
        .unwrap();
    assert_eq!(read.action, Action::Read);
    assert_eq!(
        read.reason,
        Some(ActionReason::ReadBecauseDependencyPending)
    );
    f.apply().unwrap();
    let dst = f.state.resources.iter().find(|r| r.name == "dst").unwrap();
    assert_eq!(dst.instances[0].attributes["value"], "hello");
    // Converged: the data source is read while planning now.
    assert!(actions(&f.plan().unwrap()).is_empty());
}

#[test]
fn errors_name_the_problem() {
    let f = Fixture::new("errors");
    f.config("resource \"testing_object\" \"x\" {\n  nam = \"x\"\n}\nresource \"testing_nothing\" \"y\" {\n}\n");
    let err = f.plan().unwrap_err();
    assert!(err.contains("Invalid resource type"), "{err}");
    let f = Fixture::new("errors2");
    f.config("resource \"testing_object\" \"x\" {\n  nam = \"x\"\n}\n");
    let err = f.plan().unwrap_err();
    assert!(err.contains("Did you mean \"name\"?"), "{err}");
    assert!(err.contains("Missing required argument"), "{err}");
    let f = Fixture::new("errors3");
    std::fs::write(
        f.dir.join("main.tf"),
        "resource \"nosuch_thing\" \"x\" {}\n",
    )
    .unwrap();
    let err = f.plan().unwrap_err();
    assert!(err.contains("Unknown provider"), "{err}");
    let _ = Path::new(".");
}

#[test]
fn modules_expand_with_inputs_outputs_count_and_for_each() {
    let mut f = Fixture::new("modules");
    let net = f.dir.join("modules/net");
    std::fs::create_dir_all(&net).unwrap();
    std::fs::write(
        net.join("main.tf"),
        r#"
variable "prefix" {
  type = string
}
variable "zones" {
  type    = list(string)
  default = ["a"]
}
variable "size" {
  type = number
  default = 1
  validation {
    condition     = var.size < 10
    error_message = "The size must be under 10."
  }
}
locals {
  full = "${var.prefix}-${basename(path.module)}"
}
resource "testing_object" "zone" {
  count = length(var.zones)
  name  = "${local.full}-${var.zones[count.index]}"
  value = tostring(var.size)
}
output "names" {
  value = testing_object.zone[*].name
}
output "first_id" {
  value = testing_object.zone[0].id
}
"#,
    )
    .unwrap();
    f.config(
        r#"
variable "size" {
  default = 2
}
module "one" {
  source = "./modules/net"
  prefix = "one"
  zones  = ["a", "b"]
  size   = var.size
}
module "many" {
  source   = "./modules/net"
  for_each = toset(["x", "y"])
  prefix   = "many-${each.key}"
}
module "counted" {
  source = "./modules/net"
  count  = 1
  prefix = "c${count.index}"
}
resource "testing_object" "user" {
  name  = "user"
  value = join(",", module.one.names)
}
output "one_names" {
  value = module.one.names
}
output "many_first" {
  value = { for k, m in module.many : k => m.names[0] }
}
output "counted" {
  value = module.counted[0].names
}
"#,
    );
    let plan = f.apply().unwrap();
    let addrs: Vec<String> = actions(&plan).into_iter().map(|(a, _)| a).collect();
    assert_eq!(
        addrs,
        // Root resources first, as Terraform orders addresses.
        vec![
            "testing_object.user",
            "module.counted[0].testing_object.zone[0]",
            "module.many[\"x\"].testing_object.zone[0]",
            "module.many[\"y\"].testing_object.zone[0]",
            "module.one.testing_object.zone[0]",
            "module.one.testing_object.zone[1]",
        ]
    );
    assert_eq!(
        f.stored_names(),
        vec![
            "c0-net-a",
            "many-x-net-a",
            "many-y-net-a",
            "one-net-a",
            "one-net-b",
            "user"
        ]
    );
    assert_eq!(
        f.state.outputs["one_names"].value,
        serde_json::json!(["one-net-a", "one-net-b"])
    );
    assert_eq!(
        f.state.outputs["many_first"].value,
        serde_json::json!({"x": "many-x-net-a", "y": "many-y-net-a"})
    );
    assert_eq!(
        f.state.outputs["counted"].value,
        serde_json::json!(["c0-net-a"])
    );
    let user = f.state.resources.iter().find(|r| r.name == "user").unwrap();
    assert_eq!(user.instances[0].attributes["value"], "one-net-a,one-net-b");
    let zone = f
        .state
        .resources
        .iter()
        .find(|r| r.module.as_deref() == Some("module.one"))
        .unwrap();
    assert_eq!(zone.instances[0].attributes["value"], "2");
    assert!(actions(&f.plan().unwrap()).is_empty());

    // A module instance goes away: its resources are deleted, naming why.
    let text = std::fs::read_to_string(f.dir.join("main.tf"))
        .unwrap()
        .replace("toset([\"x\", \"y\"])", "toset([\"x\"])")
        .replace("count  = 1", "count  = 0")
        .replace("module.counted[0].names", "module.counted");
    std::fs::write(f.dir.join("main.tf"), text).unwrap();
    let plan = f.apply().unwrap();
    let deleted: Vec<(String, Option<ActionReason>)> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .map(|c| (c.addr.to_string(), c.reason))
        .collect();
    assert_eq!(
        deleted,
        vec![
            (
                "module.counted[0].testing_object.zone[0]".to_string(),
                Some(ActionReason::DeleteBecauseNoModule)
            ),
            (
                "module.many[\"y\"].testing_object.zone[0]".to_string(),
                Some(ActionReason::DeleteBecauseNoModule)
            ),
        ]
    );
    assert_eq!(
        f.stored_names(),
        vec!["many-x-net-a", "one-net-a", "one-net-b", "user"]
    );
    assert!(actions(&f.plan().unwrap()).is_empty());

    // A variable's validation rule is checked with the value given.
    let text = std::fs::read_to_string(f.dir.join("main.tf"))
        .unwrap()
        .replace("default = 2", "default = 20");
    std::fs::write(f.dir.join("main.tf"), text).unwrap();
    let err = f.plan().unwrap_err();
    assert!(err.contains("The size must be under 10."), "{err}");
    assert!(
        err.contains("This was checked by the validation rule at"),
        "{err}"
    );

    // Destroy removes everything, modules included.
    let text = std::fs::read_to_string(f.dir.join("main.tf"))
        .unwrap()
        .replace("default = 20", "default = 2");
    std::fs::write(f.dir.join("main.tf"), text).unwrap();
    f.apply_with(&RunOptions {
        mode: PlanMode::Destroy,
        ..RunOptions::default()
    })
    .unwrap();
    assert!(f.stored().is_empty());
    assert!(f.state.resources.is_empty());
}

#[test]
fn module_errors_name_the_problem() {
    let f = Fixture::new("module-errors");
    f.config(
        r#"
module "remote" {
  source = "hashicorp/consul/aws"
}
"#,
    );
    let err = f.plan().unwrap_err();
    assert!(err.contains("not a local path"), "{err}");
    f.config(
        r#"
module "m" {
  source = "./m"
}
"#,
    );
    std::fs::create_dir_all(f.dir.join("m")).unwrap();
    std::fs::write(
        f.dir.join("m/main.tf"),
        "variable \"need\" {}\nvariable \"typed\" {\n  type = number\n  default = 1\n}\n",
    )
    .unwrap();
    let err = f.plan().unwrap_err();
    assert!(err.contains("The argument \"need\" is required"), "{err}");
}

#[test]
fn moved_removed_and_import_blocks() {
    let mut f = Fixture::new("refactor");
    f.config(
        r#"
resource "testing_object" "old" {
  name = "old"
}
resource "testing_object" "keep" {
  name = "keep"
}
resource "testing_object" "drop" {
  name = "drop"
}
"#,
    );
    f.apply().unwrap();
    let keep_id = f
        .state
        .resources
        .iter()
        .find(|r| r.name == "keep")
        .unwrap()
        .instances[0]
        .attributes["id"]
        .as_str()
        .unwrap()
        .to_string();
    // `keep` leaves the state but not the store, to be imported back.
    f.state.resources.retain(|r| r.name != "keep");
    f.config(&format!(
        r#"
resource "testing_object" "new" {{
  name = "old"
}}
moved {{
  from = testing_object.old
  to   = testing_object.new
}}
removed {{
  from = testing_object.drop
  lifecycle {{
    destroy = false
  }}
}}
import {{
  to = testing_object.keep
  id = "{keep_id}"
}}
resource "testing_object" "keep" {{
  name  = "keep"
  value = "changed"
}}
"#
    ));
    let plan = f.plan().unwrap();
    let summary: Vec<(String, Action, Option<String>, Option<String>)> = plan
        .changes
        .iter()
        .map(|c| {
            (
                c.addr.to_string(),
                c.action,
                c.importing.clone(),
                c.prev_addr.as_ref().map(ToString::to_string),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("testing_object.drop".into(), Action::Forget, None, None),
            (
                "testing_object.keep".into(),
                Action::Update,
                Some(keep_id.clone()),
                None
            ),
            (
                "testing_object.new".into(),
                Action::NoOp,
                None,
                Some("testing_object.old".into())
            ),
        ]
    );
    assert!(plan.has_changes());
    f.apply().unwrap();
    let mut names: Vec<&str> = f.state.resources.iter().map(|r| r.name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["keep", "new"]);
    // Forgotten, not destroyed: the object is still in the store.
    assert_eq!(f.stored_names(), vec!["drop", "keep", "old"]);
    let keep = f.state.resources.iter().find(|r| r.name == "keep").unwrap();
    assert_eq!(keep.instances[0].attributes["value"], "changed");
    assert!(!f.plan().unwrap().has_changes());
}

#[test]
fn replace_triggered_by_and_conditions() {
    let mut f = Fixture::new("triggers");
    f.config(
        r#"
variable "v" {
  default = "one"
}
resource "testing_object" "src" {
  name  = "src"
  value = var.v
}
resource "testing_object" "dep" {
  name = "dep"
  lifecycle {
    replace_triggered_by = [testing_object.src.value]
    precondition {
      condition     = var.v != "bad"
      error_message = "The value must not be bad."
    }
    postcondition {
      condition     = self.name == "dep"
      error_message = "Unexpected name."
    }
  }
}
resource "testing_object" "other" {
  name = "other"
  lifecycle {
    replace_triggered_by = [testing_object.src]
  }
}
"#,
    );
    f.apply().unwrap();
    let text = std::fs::read_to_string(f.dir.join("main.tf"))
        .unwrap()
        .replace("default = \"one\"", "default = \"two\"");
    std::fs::write(f.dir.join("main.tf"), &text).unwrap();
    let plan = f.apply().unwrap();
    let got: Vec<(String, Action, Option<ActionReason>)> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .map(|c| (c.addr.to_string(), c.action, c.reason))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "testing_object.dep".into(),
                Action::DeleteThenCreate,
                Some(ActionReason::ReplaceByTriggers)
            ),
            (
                "testing_object.other".into(),
                Action::DeleteThenCreate,
                Some(ActionReason::ReplaceByTriggers)
            ),
            ("testing_object.src".into(), Action::Update, None),
        ]
    );
    assert!(!f.plan().unwrap().has_changes());
    std::fs::write(
        f.dir.join("main.tf"),
        text.replace("default = \"two\"", "default = \"bad\""),
    )
    .unwrap();
    let err = f.plan().unwrap_err();
    assert!(
        err.contains("Resource precondition failed: The value must not be bad."),
        "{err}"
    );
    std::fs::write(
        f.dir.join("main.tf"),
        text.replace("self.name == \"dep\"", "self.name == \"x\""),
    )
    .unwrap();
    let err = f.plan().unwrap_err();
    assert!(
        err.contains("Resource postcondition failed: Unexpected name."),
        "{err}"
    );
}

/// Records the order of apply steps.
#[derive(Default)]
struct StepLog(std::sync::Mutex<Vec<String>>);

impl tfrs::engine::Hooks for StepLog {
    fn pre_apply(&self, addr: &tfrs::addrs::AbsInstance, action: Action, _id: Option<&str>) {
        self.0.lock().unwrap().push(format!("{action:?} {addr}"));
    }
}

#[test]
fn create_before_destroy_destroys_the_old_object_after_its_dependents_moved() {
    let mut f = Fixture::new("cbd-order");
    let body = r#"
resource "testing_object" "lc" {
  name = "lc-NAME"
  lifecycle {
    create_before_destroy = true
  }
}
resource "testing_object" "asg" {
  name  = "asg"
  value = testing_object.lc.name
}
"#;
    f.config(&body.replace("NAME", "1"));
    f.apply().unwrap();
    f.config(&body.replace("NAME", "2"));
    let plan = f.plan().unwrap();
    let sources = SourceMap::default();
    let (module, _) = config::load_tree(&f.dir, &sources);
    let opts = RunOptions::default();
    let stop = AtomicBool::new(false);
    let log = StepLog::default();
    let engine = Engine::new(&module, &plan.prior_state, &opts, &log, &stop).unwrap();
    let (state, d) = engine.apply(&plan);
    assert!(!d.has_errors(), "{d:?}");
    assert_eq!(
        *log.0.lock().unwrap(),
        vec![
            "Create testing_object.lc",
            "Update testing_object.asg",
            "Delete testing_object.lc",
        ]
    );
    assert!(state
        .resources
        .iter()
        .all(|r| r.instances.iter().all(|i| i.deposed.is_none())));
    f.state = state;
    assert_eq!(f.stored_names(), vec!["asg", "lc-2"]);
}

#[test]
fn archive_file_zips_at_plan_time_and_feeds_resources() {
    let mut f = Fixture::new("archive");
    let body = |handler: &str| {
        format!(
            r#"
terraform {{
  required_providers {{
    archive = {{
      source = "hashicorp/archive"
    }}
  }}
}}

data "archive_file" "lambda" {{
  type                    = "zip"
  source_content          = "def lambda_handler(event, context):\n    return \"{handler}\"\n"
  source_content_filename = "lambda_function.py"
  output_path             = "${{path.module}}/build/lambda.zip"
}}

resource "testing_object" "fn" {{
  name   = "fn"
  value  = data.archive_file.lambda.output_base64sha256
  number = data.archive_file.lambda.output_size
}}
"#
        )
    };
    f.config(&body("fortune"));
    let plan = f.plan().unwrap();
    // The archive is made while planning: the value is known already.
    let read = plan
        .changes
        .iter()
        .find(|c| c.addr.to_string() == "data.archive_file.lambda");
    assert!(read.is_none(), "read at plan time, not deferred");
    f.apply().unwrap();
    let zip = std::fs::read(f.dir.join("build/lambda.zip")).expect("the archive is written");
    let fnobj = f.state.resources.iter().find(|r| r.name == "fn").unwrap();
    // What hashicorp/archive writes for this content (testdata/archive/golden.json).
    assert_eq!(
        fnobj.instances[0].attributes["value"],
        "b1aNWURHpHdLPkd18Ct+6zYQfsuHFkVcXSyVAqDHvJA="
    );
    assert_eq!(fnobj.instances[0].attributes["number"], zip.len() as u64);
    assert!(actions(&f.plan().unwrap()).is_empty());
    // New content, new hash: the dependent object changes.
    f.config(&body("fortune v2"));
    assert_eq!(
        actions(&f.plan().unwrap()),
        vec![("testing_object.fn".to_string(), Action::Update)]
    );
}
