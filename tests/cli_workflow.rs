//! The CLI workflow as a user runs it: `taint`, `untaint`, `import`, saved
//! plans, two applies at once on one state, and a state that the reference
//! terraform reads back; on the builtin `testing` provider (objects are
//! files in a store directory) and `terraform_data`, with Terraform's texts
//! and exit codes.

use std::path::{Path, PathBuf};
use std::process::Command;

struct Dir(PathBuf);

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn setup(name: &str, body: &str) -> Dir {
    let dir = std::env::temp_dir().join(format!("tfrs-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = dir.join("store");
    std::fs::write(
        dir.join("main.tf"),
        format!(
            "provider \"testing\" {{\n  store_dir = {:?}\n}}\n\n{body}",
            store.to_string_lossy()
        ),
    )
    .unwrap();
    Dir(dir)
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(
        std::env::var("TFRS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tfrs").to_string()),
    )
    .args(args)
    .current_dir(dir)
    .env("TF_IN_AUTOMATION", "1")
    .env_remove("TF_WORKSPACE")
    .output()
    .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn state(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap()).unwrap()
}

#[test]
fn taint_then_plan_replaces_and_untaint_clears() {
    let d = setup(
        "taint",
        "resource \"testing_object\" \"a\" {\n  name = \"a\"\n}\nresource \"testing_object\" \"c\" {\n  count = 2\n  name  = \"c${count.index}\"\n}\n",
    );
    let (code, _, err) = run(&d.0, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "{err}");

    let (code, out, _) = run(&d.0, &["taint", "testing_object.a"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "Resource instance testing_object.a has been marked as tainted.\n"
    );
    assert_eq!(
        state(&d.0)["resources"][0]["instances"][0]["status"],
        "tainted"
    );
    let (code, out, _) = run(&d.0, &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(code, 2);
    assert!(
        out.contains("# testing_object.a is tainted, so must be replaced"),
        "{out}"
    );

    let (code, out, _) = run(&d.0, &["untaint", "testing_object.a"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "Resource instance testing_object.a has been successfully untainted.\n"
    );
    let (code, _, err) = run(&d.0, &["untaint", "-no-color", "testing_object.a"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Error: Resource instance is not tainted"),
        "{err}"
    );
    let (code, _, _) = run(&d.0, &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(code, 0);

    // A counted resource needs its index; a missing one is an error unless
    // -allow-missing; data sources cannot be tainted.
    let (code, _, err) = run(&d.0, &["taint", "-no-color", "testing_object.c"]);
    assert_eq!(code, 1);
    assert!(err.contains("Error: No such resource instance"), "{err}");
    let (code, out, _) = run(&d.0, &["taint", "testing_object.c[1]"]);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = run(
        &d.0,
        &[
            "taint",
            "-allow-missing",
            "-no-color",
            "testing_object.nope",
        ],
    );
    assert_eq!(code, 0);
    assert!(err.contains("Warning: No such resource instance"), "{err}");
    let (code, _, err) = run(&d.0, &["taint", "data.testing_object.x"]);
    assert_eq!(code, 1);
    assert_eq!(
        err.trim(),
        "Resource instance data.testing_object.x cannot be tainted"
    );
    let (code, _, err) = run(&d.0, &["taint"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("The taint command expects exactly one argument."),
        "{err}"
    );
}

#[test]
fn import_brings_an_existing_object_under_management() {
    let d = setup(
        "import",
        "resource \"testing_object\" \"a\" {\n  name = \"a\"\n}\n",
    );
    let (code, _, err) = run(&d.0, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "{err}");
    let id = state(&d.0)["resources"][0]["instances"][0]["attributes"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (code, _, _) = run(&d.0, &["state", "rm", "testing_object.a"]);
    assert_eq!(code, 0);

    let (code, _, err) = run(&d.0, &["import", "-no-color", "testing_object.b", &id]);
    assert_eq!(code, 1);
    assert!(
        err.contains("resource address \"testing_object.b\" does not exist in the configuration."),
        "{err}"
    );
    let (code, out, err) = run(&d.0, &["import", "-no-color", "testing_object.a", &id]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!("testing_object.a: Importing from ID \"{id}\"...")),
        "{out}"
    );
    assert!(out.contains("Import successful!"), "{out}");
    assert_eq!(
        state(&d.0)["resources"][0]["instances"][0]["attributes"]["id"],
        id.as_str()
    );
    let (code, _, _) = run(&d.0, &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(code, 0);
    let (code, _, err) = run(&d.0, &["import", "-no-color", "testing_object.a", &id]);
    assert_eq!(code, 1);
    assert!(
        err.contains("Resource already managed by Terraform"),
        "{err}"
    );
    let (code, _, err) = run(
        &d.0,
        &["import", "-no-color", "testing_object.a", "missing"],
    );
    assert_eq!(code, 1, "{err}");
}

#[test]
fn saved_plan_applies_what_it_showed_and_refuses_a_changed_state() {
    let d = setup(
        "saved-plan",
        "variable \"v\" {\n  default = \"one\"\n}\nresource \"testing_object\" \"a\" {\n  name  = \"a\"\n  value = var.v\n}\n",
    );
    let (code, out, err) = run(&d.0, &["plan", "-no-color", "-out=tfplan"]);
    assert_eq!(code, 0, "{out}{err}");
    // The configuration changes after planning: the saved plan still
    // creates what it showed, with the value it was planned with.
    let main = std::fs::read_to_string(d.0.join("main.tf")).unwrap();
    std::fs::write(d.0.join("main.tf"), main.replace("\"one\"", "\"two\"")).unwrap();
    let (code, out, err) = run(&d.0, &["apply", "-no-color", "tfplan"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Apply complete! Resources: 1 added"), "{out}");
    assert_eq!(
        state(&d.0)["resources"][0]["instances"][0]["attributes"]["value"],
        "one"
    );
    // Applying it again: the state has changed since.
    let (code, _, err) = run(&d.0, &["apply", "-no-color", "tfplan"]);
    assert_eq!(code, 1);
    assert!(err.contains("Saved plan is stale"), "{err}");
    let (code, _, err) = run(&d.0, &["apply", "-no-color", "main.tf"]);
    assert_eq!(code, 1);
    assert!(err.contains("Failed to load plan file"), "{err}");
}

#[test]
fn two_applies_at_once_one_waits_or_fails_and_nothing_is_lost() {
    let d = setup(
        "two-applies",
        "variable \"n\" {\n  default = \"1\"\n}\nresource \"testing_object\" \"slow\" {\n  count = 3\n  name  = \"slow-${var.n}-${count.index}\"\n}\n",
    );
    // Each operation of the provider sleeps, so the first apply holds the
    // lock for a while.
    let main = std::fs::read_to_string(d.0.join("main.tf")).unwrap();
    std::fs::write(
        d.0.join("main.tf"),
        main.replacen(
            "provider \"testing\" {",
            "provider \"testing\" {\n  delay_ms = 700",
            1,
        ),
    )
    .unwrap();
    let spawn = |args: &[&str]| {
        Command::new(
            std::env::var("TFRS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tfrs").to_string()),
        )
        .args(args)
        .current_dir(&d.0)
        .env("TF_IN_AUTOMATION", "1")
        .env_remove("TF_WORKSPACE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
    };
    let first = spawn(&["apply", "-auto-approve", "-no-color"]);
    std::thread::sleep(std::time::Duration::from_millis(600));
    // Without -lock-timeout the second fails at once with the lock error.
    let (code, _, err) = run(&d.0, &["apply", "-auto-approve", "-no-color", "-var=n=2"]);
    assert_eq!(code, 1);
    assert!(err.contains("Error acquiring the state lock"), "{err}");
    // With one, it waits for the first and then builds on its state.
    let waiting = spawn(&[
        "apply",
        "-auto-approve",
        "-no-color",
        "-lock-timeout=60s",
        "-var=n=2",
    ]);
    let first = first.wait_with_output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let waiting = waiting.wait_with_output().unwrap();
    let out = String::from_utf8_lossy(&waiting.stdout);
    assert!(
        waiting.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&waiting.stderr)
    );
    assert!(out.contains("3 added, 0 changed, 3 destroyed"), "{out}");
    // Nothing is lost: the store holds exactly what the state records.
    let st = state(&d.0);
    let mut in_state: Vec<String> = st["resources"][0]["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["attributes"]["name"].as_str().unwrap().to_string())
        .collect();
    in_state.sort();
    let mut stored: Vec<String> = std::fs::read_dir(d.0.join("store"))
        .unwrap()
        .flatten()
        .filter_map(|e| {
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(e.path()).ok()?).ok()?;
            v["name"].as_str().map(String::from)
        })
        .collect();
    stored.sort();
    assert_eq!(in_state, vec!["slow-2-0", "slow-2-1", "slow-2-2"]);
    assert_eq!(stored, in_state);
}

/// The reference terraform, where it is installed.
fn terraform() -> Option<PathBuf> {
    let out = Command::new("terraform").arg("version").output().ok()?;
    out.status.success().then(|| PathBuf::from("terraform"))
}

#[test]
fn terraform_reads_the_state_tfrs_writes() {
    let Some(tf) = terraform() else {
        eprintln!("skipped: terraform is not installed");
        return;
    };
    let dir = std::env::temp_dir().join(format!("tfrs-cli-tfread-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let d = Dir(dir);
    std::fs::write(
        d.0.join("main.tf"),
        "resource \"terraform_data\" \"a\" {\n  input = { k = \"v\", n = 1 }\n}\nresource \"terraform_data\" \"b\" {\n  count = 2\n  input = terraform_data.a.output.k\n}\noutput \"o\" {\n  value = terraform_data.b[*].output\n}\n",
    )
    .unwrap();
    let (code, _, err) = run(&d.0, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "{err}");
    let tf_run = |args: &[&str]| {
        let out = Command::new(&tf)
            .args(args)
            .current_dir(&d.0)
            .env("TF_CLI_CONFIG_FILE", "/dev/null")
            .env("TF_IN_AUTOMATION", "1")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, err) = tf_run(&["state", "list"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "terraform_data.a\nterraform_data.b[0]\nterraform_data.b[1]\n"
    );
    let (code, want, err) = tf_run(&["show", "-no-color"]);
    assert_eq!(code, 0, "{err}");
    let (_, got, _) = run(&d.0, &["show", "-no-color"]);
    assert_eq!(got, want);
    let (code, want, err) = tf_run(&["output", "-json"]);
    assert_eq!(code, 0, "{err}");
    let (_, got, _) = run(&d.0, &["output", "-json"]);
    assert_eq!(got, want);
}
