//! Plans (without refresh) a generated configuration of 10,000 resource
//! instances against a state holding all 10,000, and prints the time taken
//! and the peak memory of the planning process.
//!
//! Run: `cargo bench --bench plan_scale` (release build). Target on the
//! reference machine (2 cores): under 2 s and under 500 MB.
//!
//! The state is made first: the configuration is applied with one instance
//! per resource (builtin `testing` provider, objects are files), then each
//! resource's instance is replicated to the full count with the names and
//! values the configuration gives. The plan is measured in a fresh
//! process, so that the peak memory is the plan's alone.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::Instant;
use tfrs::config;
use tfrs::diag::SourceMap;
use tfrs::engine::{Engine, NoHooks, RunOptions};
use tfrs::states::State;

const RESOURCES: usize = 100;

fn generate(dir: &Path, per_resource: usize) {
    std::fs::create_dir_all(dir).expect("bench dir");
    let mut main = format!(
        "provider \"testing\" {{\n  store_dir = {:?}\n}}\n\n",
        dir.join("store").to_string_lossy()
    );
    for i in 0..RESOURCES {
        let value = if i == 0 {
            "\"first-${count.index}\"".to_string()
        } else {
            format!("testing_object.r{}[count.index].name", i - 1)
        };
        let _ = write!(
            main,
            "resource \"testing_object\" \"r{i}\" {{\n  count = {per_resource}\n  name  = \"r{i}-${{count.index}}\"\n  value = {value}\n  tags  = {{ index = count.index }}\n}}\n\n"
        );
    }
    std::fs::write(dir.join("main.tf"), main).expect("write main.tf");
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn plan(dir: &Path, state: &State, refresh: bool) -> tfrs::plans::Plan {
    let sources = SourceMap::default();
    let (module, d) = config::load_tree(dir, &sources);
    assert!(!d.has_errors(), "{d:?}");
    let opts = RunOptions {
        refresh,
        ..RunOptions::default()
    };
    let stop = AtomicBool::new(false);
    let engine = Engine::new(&module, state, &opts, &NoHooks, &stop).expect("engine");
    let (plan, d) = engine.plan(state, Default::default());
    assert!(!d.has_errors(), "{d:?}");
    plan
}

/// Makes the state of the full configuration and saves it.
fn setup(dir: &Path, per_resource: usize) -> PathBuf {
    let state_path = dir.join("terraform.tfstate");
    // One instance per resource, applied for real.
    let small = dir.join("small");
    generate(&small, 1);
    let empty = State::new("bench".into());
    let p = plan(&small, &empty, true);
    let sources = SourceMap::default();
    let (module, _) = config::load_tree(&small, &sources);
    let opts = RunOptions::default();
    let stop = AtomicBool::new(false);
    let engine = Engine::new(&module, &p.prior_state, &opts, &NoHooks, &stop).expect("engine");
    let (state, d) = engine.apply(&p);
    assert!(!d.has_errors(), "{d:?}");
    // Replicated to `per_resource` instances each.
    let mut json: serde_json::Value = serde_json::from_str(&state.to_json()).expect("state json");
    for r in json["resources"].as_array_mut().expect("resources") {
        let name = r["name"].as_str().expect("name").to_string();
        let i: usize = name.trim_start_matches('r').parse().expect("index");
        let template = r["instances"][0].clone();
        let instances: Vec<serde_json::Value> = (0..per_resource)
            .map(|k| {
                let mut inst = template.clone();
                inst["index_key"] = k.into();
                let a = &mut inst["attributes"];
                a["id"] = format!("obj-{i}-{k}").into();
                a["name"] = format!("r{i}-{k}").into();
                a["value"] = if i == 0 {
                    format!("first-{k}")
                } else {
                    format!("r{}-{k}", i - 1)
                }
                .into();
                a["tags"] = serde_json::json!({ "index": k.to_string() });
                inst
            })
            .collect();
        r["instances"] = instances.into();
    }
    std::fs::write(&state_path, json.to_string()).expect("write state");
    state_path
}

fn main() {
    let per: usize = std::env::var("TFRS_BENCH_PER_RESOURCE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let n = per * RESOURCES;
    let dir = std::env::temp_dir().join(format!("tfrs-plan-bench-{n}"));
    if std::env::args().any(|a| a == "--measure") {
        let start = Instant::now();
        let text = std::fs::read_to_string(dir.join("terraform.tfstate")).expect("state");
        let state = State::from_json(&text).expect("state parses");
        let p = plan(&dir, &state, false);
        let elapsed = start.elapsed();
        let changed = p
            .changes
            .iter()
            .filter(|c| c.action != tfrs::plans::Action::NoOp)
            .count();
        assert_eq!(changed, 0, "a converged state plans no changes");
        println!(
            "plan {n} instances against a {n}-instance state (no refresh): {:.3} s, peak RSS {:.1} MB ({} instances planned)",
            elapsed.as_secs_f64(),
            peak_rss_mb(),
            p.changes.len()
        );
        return;
    }
    generate(&dir, per);
    setup(&dir, per);
    let status = std::process::Command::new(std::env::current_exe().expect("exe"))
        .arg("--measure")
        .env("TFRS_BENCH_PER_RESOURCE", per.to_string())
        .status()
        .expect("run the measured plan");
    assert!(status.success());
    let _ = std::fs::remove_dir_all(&dir);
}
