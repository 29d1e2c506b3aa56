//! Crash safety: tfrs is killed with SIGKILL at random moments of an apply
//! of 50 resources. Each time the state file still parses and holds every
//! object except at most those whose creation was in flight (which the
//! next apply adopts), and applying again converges: afterwards every
//! object in the backing store is in the state and the plan is empty.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;
use tfrs::states::State;

fn tfrs(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(
        std::env::var("TFRS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tfrs").to_string()),
    )
    .args(args)
    .current_dir(dir)
    .env("TF_IN_AUTOMATION", "1")
    .output()
    .expect("run tfrs")
}

fn stored_ids(store: &Path) -> BTreeSet<String> {
    std::fs::read_dir(store)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn state_ids(dir: &Path) -> BTreeSet<String> {
    let path = dir.join("terraform.tfstate");
    if !path.exists() {
        return BTreeSet::new();
    }
    let text = std::fs::read_to_string(&path).expect("read state");
    let state = State::from_json(&text)
        .unwrap_or_else(|e| panic!("the state does not parse after a crash: {e}\n{text}"));
    state
        .resources
        .iter()
        .flat_map(|r| r.instances.iter())
        .filter_map(|i| i.attributes["id"].as_str().map(String::from))
        .collect()
}

/// A small deterministic generator (no dependency, reproducible runs).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn sigkill_during_apply_never_loses_an_object() {
    let dir: PathBuf = std::env::temp_dir().join(format!("tfrs-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = dir.join("store");
    let mut config = format!(
        "provider \"testing\" {{\n  store_dir = {:?}\n  delay_ms  = 40\n}}\n\n",
        store.to_string_lossy()
    );
    for i in 0..50 {
        let value = if i % 5 == 0 {
            String::from("\"root\"")
        } else {
            format!("testing_object.r{}.id", i - i % 5)
        };
        config.push_str(&format!("resource \"testing_object\" \"r{i}\" {{\n  name  = \"r{i}\"\n  value = {value}\n}}\n\n"));
    }
    std::fs::write(dir.join("main.tf"), config).unwrap();
    let mut rng = Lcg(0x5eed);
    let mut kills = 0;
    for round in 0..6 {
        if round % 3 == 2 {
            // Also kill a destroy half-way.
            let _ = tfrs(&dir, &["apply", "-auto-approve", "-input=false"]);
        }
        let cmd = if round % 3 == 2 { "destroy" } else { "apply" };
        let mut child = Command::new(
            std::env::var("TFRS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tfrs").to_string()),
        )
        .args([cmd, "-auto-approve", "-input=false"])
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
        std::thread::sleep(Duration::from_millis(40 + rng.next(400)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        let _ = child.wait();
        let in_state = state_ids(&dir);
        let orphans: Vec<String> = stored_ids(&store).difference(&in_state).cloned().collect();
        assert!(
            orphans.len() <= 10,
            "round {round}: {} objects exist that the state lacks: {orphans:?}",
            orphans.len()
        );
        // Applying again converges.
        let out = tfrs(&dir, &["apply", "-auto-approve", "-input=false"]);
        assert!(
            out.status.success(),
            "round {round}: apply after the crash failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let in_state = state_ids(&dir);
        let stored = stored_ids(&store);
        assert_eq!(
            stored, in_state,
            "round {round}: store and state differ after converging"
        );
        assert_eq!(stored.len(), 50);
        let plan = tfrs(&dir, &["plan", "-detailed-exitcode", "-input=false"]);
        assert_eq!(
            plan.status.code(),
            Some(0),
            "round {round}: plan after converging:\n{}",
            String::from_utf8_lossy(&plan.stdout)
        );
    }
    assert!(
        kills >= 3,
        "only {kills} of the runs were still going when killed"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
