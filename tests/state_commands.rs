//! `tfrs state ...`, `workspace`, `output` and `force-unlock` run as a user
//! runs them, in temporary directories on states written here; locking
//! across processes; and, where the reference `terraform` is on PATH, the
//! same commands compared with terraform's own output on a state that
//! terraform made (skipped cleanly where it is absent).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn tfrs() -> PathBuf {
    PathBuf::from(
        std::env::var("TFRS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tfrs").to_string()),
    )
}

/// A temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl std::ops::Deref for TempDir {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TempDir {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!(
        "tfrs-state-{name}-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn command(bin: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(bin);
    c.args(args)
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("TF_IN_AUTOMATION", "1")
        .env_remove("TF_WORKSPACE")
        .env_remove("TF_DATA_DIR")
        .env_remove("TF_CLI_ARGS")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn run_with(bin: &Path, dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Out {
    let mut c = command(bin, dir, args);
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c.spawn().expect("spawn");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(dir: &Path, args: &[&str]) -> Out {
    run_with(&tfrs(), dir, args, &[], "")
}

const STATE: &str = r#"{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 7,
  "lineage": "8507e5fb-fec0-03cd-04a8-7d227d2628fa",
  "outputs": {
    "l": {
      "value": [
        "a",
        "b"
      ],
      "type": [
        "tuple",
        [
          "string",
          "string"
        ]
      ]
    },
    "ml": {
      "value": "line1\nline2",
      "type": "string"
    },
    "n": {
      "value": 42,
      "type": "number"
    },
    "s": {
      "value": "x",
      "type": "string"
    },
    "sec": {
      "value": "secret",
      "type": "string",
      "sensitive": true
    }
  },
  "resources": [
    {
      "mode": "managed",
      "type": "terraform_data",
      "name": "a",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "schema_version": 0,
          "attributes": {
            "id": "ffb390e4-483c-18d0-8065-07fbae6574ab",
            "input": {
              "value": "hello",
              "type": "string"
            },
            "output": {
              "value": "hello",
              "type": "string"
            },
            "triggers_replace": null
          },
          "sensitive_attributes": []
        }
      ]
    },
    {
      "mode": "managed",
      "type": "terraform_data",
      "name": "b",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "index_key": 0,
          "schema_version": 0,
          "attributes": {
            "id": "b0",
            "input": null,
            "output": null,
            "triggers_replace": null
          },
          "sensitive_attributes": [],
          "dependencies": [
            "terraform_data.a"
          ]
        },
        {
          "index_key": 1,
          "schema_version": 0,
          "attributes": {
            "id": "b1",
            "input": null,
            "output": null,
            "triggers_replace": null
          },
          "sensitive_attributes": []
        }
      ]
    },
    {
      "mode": "managed",
      "type": "terraform_data",
      "name": "c",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "index_key": "k1",
          "schema_version": 0,
          "attributes": {
            "id": "c1",
            "input": {
              "value": {
                "x": 1,
                "y": [
                  "a",
                  "b"
                ]
              },
              "type": [
                "object",
                {
                  "x": "number",
                  "y": [
                    "tuple",
                    [
                      "string",
                      "string"
                    ]
                  ]
                }
              ]
            },
            "output": null,
            "triggers_replace": null
          },
          "sensitive_attributes": []
        }
      ]
    },
    {
      "module": "module.m",
      "mode": "managed",
      "type": "terraform_data",
      "name": "x",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "schema_version": 0,
          "attributes": {
            "id": "mx",
            "input": null,
            "output": null,
            "triggers_replace": null
          },
          "sensitive_attributes": []
        }
      ]
    }
  ],
  "check_results": null
}
"#;

fn with_state(name: &str) -> TempDir {
    let dir = temp_dir(name);
    std::fs::write(dir.join("terraform.tfstate"), STATE).unwrap();
    dir
}

fn read_state(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn state_list_filters_and_reports() {
    let dir = with_state("list");
    let o = run(&dir, &["state", "list"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        "terraform_data.a\nterraform_data.b[0]\nterraform_data.b[1]\nterraform_data.c[\"k1\"]\nmodule.m.terraform_data.x\n"
    );
    let o = run(&dir, &["state", "list", "terraform_data.b", "module.m"]);
    assert_eq!(
        o.stdout,
        "terraform_data.b[0]\nterraform_data.b[1]\nmodule.m.terraform_data.x\n"
    );
    let o = run(&dir, &["state", "list", "-id=b1"]);
    assert_eq!(o.stdout, "terraform_data.b[1]\n");
    let o = run(&dir, &["state", "list", "-no-color", "nope.nope"]);
    assert_eq!(o.code, 1);
    assert_eq!(o.stdout, "");
    assert!(o.stderr.contains("Error: Unknown resource"), "{}", o.stderr);
    assert!(o
        .stderr
        .contains("The current state contains no resource nope.nope."));
    let o = run(&dir, &["state", "list", "-no-color", "nope"]);
    assert!(
        o.stderr.contains("Error: Invalid address")
            && o.stderr.contains("must include a resource type and name")
    );

    let empty = temp_dir("list-empty");
    let o = run(&empty, &["state", "list"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.starts_with("No state file was found!\n"));
    let o = run(
        &empty,
        &[
            "state",
            "list",
            &format!("-state={}", dir.join("terraform.tfstate").display()),
        ],
    );
    assert_eq!(o.code, 0);
    assert_eq!(o.stdout.lines().count(), 5);
}

#[test]
fn state_show_renders_the_instance() {
    let dir = with_state("show");
    let o = run(&dir, &["state", "show", "terraform_data.c[\"k1\"]"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        "# terraform_data.c[\"k1\"]:\nresource \"terraform_data\" \"c\" {\n    id    = \"c1\"\n    input = {\n        x = 1\n        y = [\n            \"a\",\n            \"b\",\n        ]\n    }\n}\n"
    );
    let o = run(&dir, &["state", "show", "terraform_data.b"]);
    assert_eq!(o.code, 1);
    assert!(o
        .stderr
        .starts_with("No instance found for the given address!"));
    let o = run(&dir, &["state", "show", "module.m"]);
    assert!(o
        .stderr
        .starts_with("Error parsing instance address: module.m\n"));
    let o = run(&dir, &["state", "show"]);
    assert_eq!(o.code, 1);
    assert_eq!(o.stderr, "Exactly one argument expected.\n\n");
    assert!(o
        .stdout
        .starts_with("Usage: tfrs [global options] state show"));
}

#[test]
fn state_rm_removes_with_a_timestamped_backup() {
    let dir = with_state("rm");
    let o = run(
        &dir,
        &["state", "rm", "-dry-run", "terraform_data.b", "module.m"],
    );
    assert_eq!(o.code, 0);
    assert_eq!(
        o.stdout,
        "Would remove terraform_data.b[0]\nWould remove terraform_data.b[1]\nWould remove module.m.terraform_data.x\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap(),
        STATE
    );
    let o = run(&dir, &["state", "rm", "-dry-run", "nope.x"]);
    assert_eq!(o.stdout, "Would have removed nothing.\n");

    let o = run(&dir, &["state", "rm", "terraform_data.b[0]", "module.m"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        "Removed terraform_data.b[0]\nRemoved module.m.terraform_data.x\nSuccessfully removed 2 resource instance(s).\n"
    );
    let s = read_state(&dir.join("terraform.tfstate"));
    assert_eq!(s["serial"], 8);
    assert_eq!(s["lineage"], "8507e5fb-fec0-03cd-04a8-7d227d2628fa");
    assert_eq!(s["resources"].as_array().unwrap().len(), 3);
    let backups: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("terraform.tfstate.") && n.ends_with(".backup"))
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(
        std::fs::read_to_string(dir.join(&backups[0])).unwrap(),
        STATE
    );
    assert!(!dir.join(".terraform.tfstate.lock.info").exists());

    let o = run(&dir, &["state", "rm", "-no-color", "nope.x"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("Error: Invalid target address"));
    let o = run(&dir, &["state", "rm"]);
    assert_eq!(
        (o.code, o.stderr.as_str()),
        (1, "At least one address is required.\n\n")
    );
}

#[test]
fn state_mv_moves_resources_instances_and_modules() {
    let dir = with_state("mv");
    let o = run(
        &dir,
        &[
            "state",
            "mv",
            "-dry-run",
            "terraform_data.a",
            "terraform_data.a2",
        ],
    );
    assert_eq!(
        o.stdout,
        "Would move \"terraform_data.a\" to \"terraform_data.a2\"\n"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap(),
        STATE
    );

    let o = run(
        &dir,
        &["state", "mv", "terraform_data.a", "terraform_data.a2"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        "Move \"terraform_data.a\" to \"terraform_data.a2\"\nSuccessfully moved 1 object(s).\n"
    );
    let o = run(
        &dir,
        &[
            "state",
            "mv",
            "terraform_data.b[1]",
            "terraform_data.bb[\"x\"]",
        ],
    );
    assert_eq!(
        o.stdout,
        "Move \"terraform_data.b[1]\" to \"terraform_data.bb[\\\"x\\\"]\"\nSuccessfully moved 1 object(s).\n"
    );
    let o = run(
        &dir,
        &[
            "state",
            "mv",
            "terraform_data.c",
            "module.n.terraform_data.c",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = run(&dir, &["state", "mv", "module.m", "module.q[0]"]);
    assert_eq!(
        o.stdout,
        "Move \"module.m\" to \"module.q[0]\"\nSuccessfully moved 1 object(s).\n"
    );
    let o = run(&dir, &["state", "list"]);
    assert_eq!(
        o.stdout,
        "terraform_data.a2\nterraform_data.b[0]\nterraform_data.bb[\"x\"]\nmodule.n.terraform_data.c[\"k1\"]\nmodule.q[0].terraform_data.x\n"
    );
    // b[0] depended on terraform_data.a, which moved: its dependencies go.
    let s = read_state(&dir.join("terraform.tfstate"));
    assert_eq!(s["serial"], 11);
    let b = s["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "b")
        .unwrap();
    assert!(b["instances"][0].get("dependencies").is_none());
    let bb = s["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "bb")
        .unwrap();
    assert!(bb.get("each").is_none());
    assert_eq!(bb["instances"][0]["index_key"], "x");

    let o = run(&dir, &["state", "mv", "-no-color", "nope.a", "nope.b"]);
    assert_eq!(o.code, 1);
    assert!(o
        .stderr
        .contains("Cannot move nope.a: does not match anything in the current state."));
    let o = run(
        &dir,
        &[
            "state",
            "mv",
            "-no-color",
            "module.n.terraform_data.c",
            "module.n.terraform_data.c[0]",
        ],
    );
    assert!(
        o.stderr.contains("Error: Invalid target address"),
        "{}",
        o.stderr
    );
    assert!(o
        .stderr
        .contains("source is a whole resource (not a resource instance) so the target must also"));
    let o = run(&dir, &["state", "mv", "module.q[0]", "module.n"]);
    assert!(o
        .stderr
        .starts_with("Error moving state: destination module already exists\n"));
    let o = run(
        &dir,
        &[
            "state",
            "mv",
            "-no-color",
            "terraform_data.a2",
            "other_type.x",
        ],
    );
    assert!(
        o.stderr.contains("resource types don't match"),
        "{}",
        o.stderr
    );

    // -state-out moves into another file.
    let o = run(
        &dir,
        &[
            "state",
            "mv",
            "-state-out=other.tfstate",
            "terraform_data.a2",
            "terraform_data.a3",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    let other = read_state(&dir.join("other.tfstate"));
    assert_eq!(other["resources"][0]["name"], "a3");
    assert_eq!(other["serial"], 1);
}

#[test]
fn state_pull_and_push() {
    let dir = with_state("pull");
    let o = run(&dir, &["state", "pull"]);
    assert_eq!(o.code, 0);
    assert_eq!(o.stdout, format!("{STATE}\n"));
    let o = run(&temp_dir("pull-empty"), &["state", "pull"]);
    assert_eq!((o.code, o.stdout.as_str()), (0, ""));

    let older = STATE.replace("\"serial\": 7", "\"serial\": 3");
    std::fs::write(dir.join("older.tfstate"), &older).unwrap();
    let o = run(&dir, &["state", "push", "older.tfstate"]);
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr,
        "Failed to write state: cannot import state with serial 3 over newer state with serial 7\n"
    );
    let other = STATE.replace("8507e5fb-fec0-03cd-04a8-7d227d2628fa", "other");
    std::fs::write(dir.join("other.tfstate"), &other).unwrap();
    let o = run(&dir, &["state", "push", "other.tfstate"]);
    assert_eq!(
        o.stderr,
        "Failed to write state: cannot import state with lineage \"other\" over unrelated state with lineage \"8507e5fb-fec0-03cd-04a8-7d227d2628fa\"\n"
    );
    let o = run(&dir, &["state", "push", "-force", "older.tfstate"]);
    assert_eq!((o.code, o.stdout.as_str(), o.stderr.as_str()), (0, "", ""));
    assert_eq!(
        std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap(),
        older
    );
    let newer = STATE.replace("\"serial\": 7", "\"serial\": 9");
    let o = run_with(&tfrs(), &dir, &["state", "push", "-"], &[], &newer);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(read_state(&dir.join("terraform.tfstate"))["serial"], 9);
    let o = run(&dir, &["state", "push", "missing.tfstate"]);
    assert_eq!(
        o.stderr,
        "open missing.tfstate: no such file or directory\n"
    );
    std::fs::write(dir.join("empty.tfstate"), "").unwrap();
    let o = run(&dir, &["state", "push", "empty.tfstate"]);
    assert_eq!(
        o.stderr,
        "Error reading source state \"empty.tfstate\": no state\n"
    );
}

#[test]
fn workspaces() {
    let dir = with_state("ws");
    let o = run(&dir, &["workspace", "list"]);
    assert_eq!(o.stdout, "* default\n\n");
    let o = run(&dir, &["workspace", "new", "dev"]);
    assert_eq!(o.code, 0);
    assert_eq!(
        o.stdout,
        "Created and switched to workspace \"dev\"!\n\nYou're now on a new, empty workspace. Workspaces isolate their state,\nso if you run \"terraform plan\" Terraform will not see any existing state\nfor this configuration.\n"
    );
    assert!(dir.join("terraform.tfstate.d/dev").is_dir());
    assert_eq!(run(&dir, &["workspace", "show"]).stdout, "dev\n");
    assert_eq!(
        run(&dir, &["workspace", "list"]).stdout,
        "  default\n* dev\n\n"
    );
    let o = run(&dir, &["workspace", "new", "dev"]);
    assert_eq!(
        (o.code, o.stderr.as_str()),
        (1, "Workspace \"dev\" already exists\n")
    );
    let o = run(&dir, &["workspace", "new", "bad/name"]);
    assert_eq!(
        o.stderr,
        "\nThe workspace name \"bad/name\" is not allowed. The name must contain only URL safe\ncharacters, and no path separators.\n\n"
    );
    // A state in the new workspace, from a file.
    let o = run(
        &dir,
        &["workspace", "new", "-state=terraform.tfstate", "copy"],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(run(&dir, &["state", "list"]).stdout.lines().count(), 5);
    assert!(dir
        .join("terraform.tfstate.d/copy/terraform.tfstate")
        .exists());

    let o = run(&dir, &["workspace", "select", "default"]);
    assert_eq!(o.stdout, "Switched to workspace \"default\".\n");
    let o = run(&dir, &["workspace", "select", "nope"]);
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr,
        "\nWorkspace \"nope\" doesn't exist.\n\nYou can create this workspace with the \"new\" subcommand \nor include the \"-or-create\" flag with the \"select\" subcommand.\n"
    );
    let o = run(&dir, &["workspace", "select", "-or-create", "nope"]);
    assert!(o
        .stdout
        .starts_with("Created and switched to workspace \"nope\"!"));
    let o = run(&dir, &["workspace", "delete", "nope"]);
    assert_eq!(o.code, 1);
    assert!(o
        .stderr
        .starts_with("Workspace \"nope\" is your active workspace.\n"));
    run(&dir, &["workspace", "select", "default"]);
    let o = run(&dir, &["workspace", "delete", "-no-color", "copy"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("Error: Workspace is not empty"));
    assert!(o.stderr.contains("\n  - terraform_data.a\n"));
    let o = run(&dir, &["workspace", "delete", "-force", "copy"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        o.stdout,
        "Deleted workspace \"copy\"!\nWARNING: \"copy\" was non-empty.\nThe resources managed by the deleted workspace may still exist,\nbut are no longer manageable by Terraform since the state has\nbeen deleted.\n\n"
    );
    let o = run(&dir, &["workspace", "delete", "nope"]);
    assert_eq!(
        (o.code, o.stdout.as_str()),
        (0, "Deleted workspace \"nope\"!\n")
    );
    let o = run(&dir, &["workspace", "delete", "default"]);
    assert!(o
        .stderr
        .starts_with("Workspace \"default\" is your active workspace."));

    let env = [("TF_WORKSPACE", "dev")];
    let o = run_with(&tfrs(), &dir, &["workspace", "show"], &env, "");
    assert_eq!(o.stdout, "dev\n");
    let o = run_with(&tfrs(), &dir, &["workspace", "list"], &env, "");
    assert_eq!(
        o.stdout,
        "  default\n* dev\n\n\n\nThe active workspace is being overridden using the TF_WORKSPACE environment\nvariable.\n\n"
    );
    let o = run_with(&tfrs(), &dir, &["workspace", "select", "default"], &env, "");
    assert_eq!(o.code, 1);
    assert!(o
        .stderr
        .contains("The selected workspace is currently overridden using the TF_WORKSPACE"));
    // State commands follow TF_WORKSPACE: dev has no state.
    let o = run_with(&tfrs(), &dir, &["state", "list"], &env, "");
    assert!(o.stderr.starts_with("No state file was found!"));
}

#[test]
fn outputs() {
    let dir = with_state("output");
    let o = run(&dir, &["output"]);
    assert_eq!(o.code, 0);
    assert_eq!(
        o.stdout,
        "l = [\n  \"a\",\n  \"b\",\n]\nml = <<EOT\nline1\nline2\nEOT\nn = 42\ns = \"x\"\nsec = <sensitive>\n"
    );
    assert_eq!(run(&dir, &["output", "sec"]).stdout, "\"secret\"\n");
    assert_eq!(run(&dir, &["output", "-raw", "s"]).stdout, "x");
    assert_eq!(run(&dir, &["output", "-raw", "n"]).stdout, "42");
    assert_eq!(
        run(&dir, &["output", "-json", "l"]).stdout,
        "[\"a\",\"b\"]\n"
    );
    let o = run(&dir, &["output", "-json"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(
        v["sec"],
        serde_json::json!({"sensitive": true, "type": "string", "value": "secret"})
    );
    assert!(o.stdout.starts_with(
        "{\n  \"l\": {\n    \"sensitive\": false,\n    \"type\": [\n      \"tuple\","
    ));
    let o = run(&dir, &["output", "-no-color", "nope"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.starts_with("\nError: Output \"nope\" not found\n"));
    let o = run(&dir, &["output", "-no-color", "-raw", "l"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("output value \"l\" is tuple."));

    let empty = temp_dir("output-empty");
    let o = run(&empty, &["output", "-no-color"]);
    assert_eq!(o.code, 0);
    assert!(
        o.stdout.starts_with("\nWarning: No outputs found\n"),
        "{}",
        o.stdout
    );
    assert_eq!(run(&empty, &["output", "-json"]).stdout, "{}\n");
    let o = run(
        &empty,
        &[
            "output",
            &format!("-state={}", dir.join("terraform.tfstate").display()),
            "s",
        ],
    );
    assert_eq!(o.stdout, "\"x\"\n");
}

#[cfg(target_os = "linux")]
#[test]
fn a_second_process_gets_the_lock_error_or_waits() {
    use tfrs::backend::{Backend, LockOptions};
    let dir = with_state("lock");
    let backend = Backend::local(dir.to_path_buf());
    let held = backend
        .lock_state("default", &mut LockOptions::new("OperationTypeApply"))
        .unwrap();
    let id = held.lock_id().unwrap().to_string();

    let o = run(&dir, &["state", "rm", "-no-color", "terraform_data.a"]);
    assert_eq!(o.code, 1);
    assert_eq!(o.stdout, "");
    let expected_start = format!(
        "\nError: Error acquiring the state lock\n\nError message: resource temporarily unavailable\nLock Info:\n  ID:        {id}\n  Path:      {}\n  Operation: OperationTypeApply\n",
        dir.join("terraform.tfstate").display()
    );
    assert!(o.stderr.starts_with(&expected_start), "{}", o.stderr);
    assert!(o.stderr.ends_with(
        "  Info:      \n\n\nTerraform acquires a state lock to protect the state from being written\nby multiple users at the same time. Please resolve the issue above and try\nagain. For most commands, you can disable locking with the \"-lock=false\"\nflag, but this is not recommended.\n\n"
    ));
    // Reading commands do not lock.
    assert_eq!(run(&dir, &["state", "list"]).code, 0);
    // Local locks cannot be broken from outside.
    let o = run(&dir, &["force-unlock", &id]);
    assert_eq!(
        (o.code, o.stderr.as_str()),
        (1, "Local state cannot be unlocked by another process\n")
    );

    // With -lock-timeout the second process waits for the first.
    let child = command(
        &tfrs(),
        &dir,
        &["state", "rm", "-lock-timeout=30s", "terraform_data.a"],
    )
    .spawn()
    .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    drop(held);
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout,
        "Acquiring state lock. This may take a few moments...\nRemoved terraform_data.a\nSuccessfully removed 1 resource instance(s).\n"
    );
    // -lock=false ignores a held lock.
    let held = backend
        .lock_state("default", &mut LockOptions::new("OperationTypeApply"))
        .unwrap();
    let o = run(&dir, &["state", "rm", "-lock=false", "terraform_data.c"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    drop(held);
}

// ---------------------------------------------------------------------------
// Against the reference terraform.

fn terraform() -> Option<PathBuf> {
    let ok = Command::new("terraform")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    ok.then(|| PathBuf::from("terraform"))
}

/// Removes ANSI colour sequences (`ESC [ ... m`).
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

const CONFIG: &str = r#"
resource "terraform_data" "a" {
  input = "hello <&>"
}
resource "terraform_data" "b" {
  count = 2
  input = { x = 1, y = ["a", "b"], z = "multi\nline", e = "", n = null, j = jsonencode({ k = [1, { q = "w" }] }) }
}
resource "terraform_data" "c" {
  for_each         = toset(["k1", "k2"])
  input            = sensitive(each.key)
  triggers_replace = [1, 2.5, 1e30]
}
module "m" {
  source = "./mod"
}
output "s" { value = "x" }
output "n" { value = 42 }
output "f" { value = 0.1 }
output "b" { value = true }
output "l" { value = ["a", "b"] }
output "ls" { value = tolist(["a"]) }
output "m" { value = { a = 1, b = "two", d = "multi\nline" } }
output "mp" { value = tomap({ a = "<b>" }) }
output "sec" {
  value     = "secret"
  sensitive = true
}
output "obj" { value = terraform_data.b[0].output }
"#;

#[test]
fn agrees_with_terraform() {
    let Some(tf) = terraform() else {
        eprintln!("terraform is not on PATH; skipping");
        return;
    };
    let dir = temp_dir("terraform");
    std::fs::write(dir.join("main.tf"), CONFIG).unwrap();
    std::fs::create_dir_all(dir.join("mod")).unwrap();
    std::fs::write(
        dir.join("mod/main.tf"),
        "resource \"terraform_data\" \"x\" {\n  input = \"in module\"\n}\n",
    )
    .unwrap();
    let init = run_with(&tf, &dir, &["init", "-no-color", "-input=false"], &[], "");
    if init.code != 0 {
        eprintln!(
            "terraform init failed (offline?); skipping: {}",
            init.stderr
        );
        return;
    }
    let apply = run_with(
        &tf,
        &dir,
        &["apply", "-auto-approve", "-no-color", "-input=false"],
        &[],
        "",
    );
    assert_eq!(apply.code, 0, "{}", apply.stderr);

    let mut cases: Vec<Vec<String>> = [
        "state list",
        "state list module.m",
        "state list terraform_data.b",
        "state list -id=nope",
        "state list -no-color nope.nope",
        "state list -no-color nope",
        "state list -no-color a.b.c",
        "state show terraform_data.a",
        "state show terraform_data.b[0]",
        "state show terraform_data.b",
        "state show module.m",
        "state show module.m.terraform_data.x",
        "state pull",
        "output",
        "output -json",
        "output -no-color",
        "output s",
        "output m",
        "output mp",
        "output sec",
        "output -raw s",
        "output -raw n",
        "output -raw f",
        "output -raw b",
        "output -no-color -raw l",
        "output -json obj",
        "output -json mp",
        "output -no-color nope",
        "workspace list",
        "workspace show",
        "state rm -dry-run terraform_data.b module.m",
        "state mv -dry-run terraform_data.a terraform_data.z",
        "state mv -dry-run -no-color nope.a nope.b",
        "force-unlock 1234",
        "force-unlock -force 1234",
    ]
    .iter()
    .map(|c| c.split(' ').map(String::from).collect())
    .collect();
    cases.push(vec![
        "state".into(),
        "show".into(),
        "terraform_data.c[\"k1\"]".into(),
    ]);
    let mut failures = Vec::new();
    for args in &cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let want = run_with(&tf, &dir, &a, &[], "");
        let got = run(&dir, &a);
        // tfrs prints no colours; terraform colours even when not on a
        // terminal unless -no-color.
        let normalise = |s: &str| strip_ansi(s).replace("tfrs ", "terraform ");
        if (want.code, normalise(&want.stdout), normalise(&want.stderr))
            != (got.code, normalise(&got.stdout), normalise(&got.stderr))
        {
            failures.push(format!(
                "{}:\n  terraform: {} {:?} {:?}\n  tfrs:      {} {:?} {:?}",
                args.join(" "),
                want.code,
                want.stdout,
                want.stderr,
                got.code,
                got.stdout,
                got.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Both write the same state after the same edits.
    let copy = temp_dir("terraform-copy");
    std::fs::copy(
        dir.join("terraform.tfstate"),
        copy.join("terraform.tfstate"),
    )
    .unwrap();
    for edit in [
        &["state", "rm", "terraform_data.b[1]"][..],
        &["state", "mv", "terraform_data.a", "terraform_data.renamed"],
        &["state", "mv", "module.m", "module.q[\"k\"]"],
        &[
            "state",
            "mv",
            "terraform_data.c[\"k1\"]",
            "module.q[\"k\"].terraform_data.c",
        ],
    ] {
        let want = run_with(&tf, &dir, edit, &[], "");
        let got = run(&copy, edit);
        assert_eq!(
            (want.code, &want.stdout),
            (got.code, &got.stdout),
            "{edit:?}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap(),
            std::fs::read_to_string(copy.join("terraform.tfstate")).unwrap(),
            "{edit:?}"
        );
    }
}

#[test]
fn terraform_sees_tfrs_locks_and_tfrs_sees_terraforms() {
    let Some(tf) = terraform() else {
        eprintln!("terraform is not on PATH; skipping");
        return;
    };
    let dir = with_state("terraform-lock");
    std::fs::write(dir.join("main.tf"), "").unwrap();
    // tfrs holds the lock: terraform cannot take it.
    let backend = tfrs::backend::Backend::local(dir.to_path_buf());
    let held = backend
        .lock_state(
            "default",
            &mut tfrs::backend::LockOptions::new("OperationTypeApply"),
        )
        .unwrap();
    let o = run_with(
        &tf,
        &dir,
        &["state", "rm", "-no-color", "terraform_data.a"],
        &[],
        "",
    );
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        o.stderr.contains("Error acquiring the state lock"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains(held.lock_id().unwrap()), "{}", o.stderr);
    drop(held);
    // terraform holds the lock during an apply: tfrs cannot take it.
    std::fs::write(
        dir.join("main.tf"),
        "resource \"terraform_data\" \"slow\" {\n  provisioner \"local-exec\" {\n    command = \"sleep 4\"\n  }\n}\n",
    )
    .unwrap();
    if run_with(&tf, &dir, &["init", "-input=false"], &[], "").code != 0 {
        return;
    }
    let apply = command(&tf, &dir, &["apply", "-auto-approve", "-input=false"])
        .spawn()
        .unwrap();
    let lock_info = dir.join(".terraform.tfstate.lock.info");
    for _ in 0..100 {
        if lock_info.exists() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(300));
    let o = run(&dir, &["state", "rm", "-no-color", "terraform_data.a"]);
    let _ = apply.wait_with_output();
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        o.stderr.contains("Error acquiring the state lock"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("Operation: OperationTypeApply"),
        "{}",
        o.stderr
    );
}
