//! `backend "s3"` through the CLI against the emulator: init records the
//! backend as Terraform does, states land at Terraform's keys, workspaces
//! are listed from the bucket, both locks (the S3 lock file and the
//! DynamoDB item with its state digest) keep two runs apart, force-unlock
//! removes a stuck lock, and init migrates states between the local
//! backend and S3.
//!
//! The bucket and the lock table are created, and the results checked,
//! with plain HTTP requests to the emulator, independently of tfrs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

struct Emulator {
    child: Child,
    url: String,
    addr: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn emulator() -> Emulator {
    let mut child = Command::new("python3")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/emulator/server.py"))
        .args(["--host", "127.0.0.1", "--port", "0", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the emulator");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("emulator prints its address");
    let url = line
        .trim()
        .trim_start_matches("emulator listening on ")
        .to_string();
    let addr = url.trim_start_matches("http://").to_string();
    Emulator { child, url, addr }
}

/// A plain HTTP/1.1 request to the emulator; the status and the body.
fn request(
    emu: &Emulator,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut s = TcpStream::connect(&emu.addr).expect("connect to the emulator");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        emu.addr,
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).expect("send");
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).expect("read");
    let resp = String::from_utf8_lossy(&resp).into_owned();
    let status = resp
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

const S3_AUTH: &str = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0";
const DDB_AUTH: &str = "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0";

fn create_bucket(emu: &Emulator, bucket: &str) {
    let (status, body) = request(
        emu,
        "PUT",
        &format!("/{bucket}"),
        &[("Authorization", S3_AUTH)],
        "",
    );
    assert_eq!(status, 200, "create bucket: {body}");
}

/// The object's content, `None` when there is none.
fn s3_get(emu: &Emulator, bucket: &str, key: &str) -> Option<String> {
    let (status, body) = request(
        emu,
        "GET",
        &format!("/{bucket}/{key}"),
        &[("Authorization", S3_AUTH)],
        "",
    );
    (status == 200).then_some(body)
}

fn s3_put(emu: &Emulator, bucket: &str, key: &str, body: &str) {
    let (status, text) = request(
        emu,
        "PUT",
        &format!("/{bucket}/{key}"),
        &[("Authorization", S3_AUTH)],
        body,
    );
    assert_eq!(status, 200, "put object: {text}");
}

/// Every key in the bucket.
fn s3_keys(emu: &Emulator, bucket: &str) -> Vec<String> {
    let (status, body) = request(
        emu,
        "GET",
        &format!("/{bucket}?list-type=2"),
        &[("Authorization", S3_AUTH)],
        "",
    );
    assert_eq!(status, 200, "list: {body}");
    body.split("<Key>")
        .skip(1)
        .filter_map(|s| s.split_once("</Key>").map(|(k, _)| k.to_string()))
        .collect()
}

fn dynamodb(emu: &Emulator, target: &str, body: serde_json::Value) -> serde_json::Value {
    let (status, text) = request(
        emu,
        "POST",
        "/",
        &[
            ("Authorization", DDB_AUTH),
            ("X-Amz-Target", &format!("DynamoDB_20120810.{target}")),
            ("Content-Type", "application/x-amz-json-1.0"),
        ],
        &body.to_string(),
    );
    assert_eq!(status, 200, "{target}: {text}");
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

fn create_lock_table(emu: &Emulator, table: &str) {
    dynamodb(
        emu,
        "CreateTable",
        serde_json::json!({
            "TableName": table,
            "AttributeDefinitions": [{"AttributeName": "LockID", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "LockID", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    );
}

/// The item with this `LockID`, if any.
fn ddb_item(emu: &Emulator, table: &str, lock_id: &str) -> Option<serde_json::Value> {
    let out = dynamodb(
        emu,
        "GetItem",
        serde_json::json!({"TableName": table, "Key": {"LockID": {"S": lock_id}}, "ConsistentRead": true}),
    );
    out.get("Item").cloned()
}

fn ddb_put(emu: &Emulator, table: &str, item: serde_json::Value) {
    dynamodb(
        emu,
        "PutItem",
        serde_json::json!({"TableName": table, "Item": item}),
    );
}

/// The `tfrs` binary: `TFRS_BIN` when set (a private copy, as the shared
/// build directory may be rebuilt by others meanwhile), else Cargo's.
fn tfrs_bin() -> String {
    std::env::var("TFRS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tfrs").to_string())
}

fn command(dir: &Path, emu: &Emulator, args: &[&str]) -> Command {
    let mut c = Command::new(tfrs_bin());
    c.args(args)
        .current_dir(dir)
        .env("AWS_ENDPOINT_URL", &emu.url)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("TFRS_TESTING_STORE", dir.join("objects"))
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("TF_WORKSPACE")
        .env_remove("TF_DATA_DIR")
        .env_remove("TF_CLI_ARGS");
    c
}

struct Run {
    code: i32,
    out: String,
    err: String,
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&out.stdout).into_owned(),
        err: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn tfrs(dir: &Path, emu: &Emulator, args: &[&str]) -> Run {
    finish(
        command(dir, emu, args)
            .stdin(Stdio::null())
            .output()
            .expect("run tfrs"),
    )
}

/// Runs tfrs with `input` on standard input.
fn tfrs_input(dir: &Path, emu: &Emulator, args: &[&str], input: &str) -> Run {
    let mut child = command(dir, emu, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tfrs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    finish(child.wait_with_output().expect("wait for tfrs"))
}

/// Whether `text` says `needle`, whatever the line wrapping of
/// diagnostics made of it.
fn has(text: &str, needle: &str) -> bool {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    flat(text).contains(&flat(needle))
}

fn ok(r: &Run, what: &str) {
    assert_eq!(r.code, 0, "{what} failed:\n{}\n{}", r.out, r.err);
}

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tfrs-backend-s3-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the working directory");
    dir
}

/// A configuration of testing objects named by `var.names`, with the
/// given `terraform` block content.
fn write_config(dir: &Path, terraform_block: &str) {
    std::fs::write(
        dir.join("main.tf"),
        format!(
            r#"terraform {{
{terraform_block}
}}

variable "names" {{
  type    = set(string)
  default = ["a"]
}}

variable "delay" {{
  type    = number
  default = 0
}}

provider "testing" {{
  delay_ms = var.delay
}}

resource "testing_object" "o" {{
  for_each = var.names
  name     = "${{terraform.workspace}}-${{each.key}}"
  value    = each.key
}}

output "names" {{
  value = sort([for o in testing_object.o : o.name])
}}
"#
        ),
    )
    .expect("write main.tf");
}

fn s3_block(extra: &str) -> String {
    format!(
        "  backend \"s3\" {{\n    bucket = \"tfstate\"\n    key    = \"app/terraform.tfstate\"\n    region = \"us-east-1\"\n{extra}  }}"
    )
}

fn state_of(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not a state ({e}): {text}"))
}

/// The instance keys of `testing_object.o` in a state.
fn instance_keys(state: &serde_json::Value) -> Vec<String> {
    let mut keys: Vec<String> = state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["type"] == "testing_object")
        .flat_map(|r| r["instances"].as_array().cloned().unwrap_or_default())
        .filter_map(|i| i["index_key"].as_str().map(String::from))
        .collect();
    keys.sort();
    keys
}

#[test]
fn init_apply_and_workspaces_keep_state_in_the_bucket() {
    let emu = emulator();
    create_bucket(&emu, "tfstate");
    let dir = workdir("workspaces");
    write_config(&dir, &s3_block("    use_lockfile = true\n"));

    let r = tfrs(&dir, &emu, &["init", "-no-color"]);
    ok(&r, "init");
    assert!(
        r.out
            .contains("Successfully configured the backend \"s3\"!"),
        "{}",
        r.out
    );
    let recorded: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(".terraform/terraform.tfstate")).unwrap(),
    )
    .unwrap();
    assert_eq!(recorded["version"], 3);
    assert_eq!(recorded["backend"]["type"], "s3");
    let config = &recorded["backend"]["config"];
    assert_eq!(config["bucket"], "tfstate");
    assert_eq!(config["key"], "app/terraform.tfstate");
    assert_eq!(config["use_lockfile"], true);
    assert!(
        config["dynamodb_table"].is_null() && config["endpoints"].is_null(),
        "{config}"
    );
    assert_eq!(
        config.as_object().map(|o| o.len()),
        Some(45),
        "every schema attribute is recorded"
    );
    assert!(recorded["backend"]["hash"].as_u64().is_some(), "{recorded}");

    // A second init with the same block changes nothing.
    let before = std::fs::read_to_string(dir.join(".terraform/terraform.tfstate")).unwrap();
    let r = tfrs(&dir, &emu, &["init", "-no-color"]);
    ok(&r, "second init");
    assert!(!r.out.contains("Successfully configured"), "{}", r.out);
    assert_eq!(
        std::fs::read_to_string(dir.join(".terraform/terraform.tfstate")).unwrap(),
        before
    );

    let r = tfrs(&dir, &emu, &["apply", "-auto-approve", "-no-color"]);
    ok(&r, "apply");
    assert!(
        r.out.contains("Apply complete! Resources: 1 added"),
        "{}",
        r.out
    );
    let state = state_of(&s3_get(&emu, "tfstate", "app/terraform.tfstate").expect("state object"));
    assert_eq!(instance_keys(&state), ["a"]);
    assert!(state["serial"].as_u64().is_some_and(|s| s >= 1), "{state}");
    assert!(
        !dir.join("terraform.tfstate").exists(),
        "no local state with the s3 backend"
    );
    assert!(
        !s3_keys(&emu, "tfstate")
            .iter()
            .any(|k| k.ends_with(".tflock")),
        "the lock file is removed after the run"
    );

    // Workspaces: new ones are stored under env:/NAME/KEY.
    let r = tfrs(&dir, &emu, &["workspace", "new", "dev"]);
    ok(&r, "workspace new");
    assert!(
        r.out.contains("Created and switched to workspace \"dev\"!"),
        "{}",
        r.out
    );
    let dev =
        state_of(&s3_get(&emu, "tfstate", "env:/dev/app/terraform.tfstate").expect("dev state"));
    assert!(instance_keys(&dev).is_empty());
    let r = tfrs(
        &dir,
        &emu,
        &[
            "apply",
            "-auto-approve",
            "-no-color",
            "-var=names=[\"b\",\"c\"]",
        ],
    );
    ok(&r, "apply in dev");
    let dev = state_of(&s3_get(&emu, "tfstate", "env:/dev/app/terraform.tfstate").unwrap());
    assert_eq!(instance_keys(&dev), ["b", "c"]);
    assert!(dir.join("objects").read_dir().unwrap().count() >= 3);
    let r = tfrs(&dir, &emu, &["workspace", "new", "qa"]);
    ok(&r, "workspace new qa");
    let r = tfrs(&dir, &emu, &["workspace", "list"]);
    ok(&r, "workspace list");
    assert_eq!(r.out, "  default\n  dev\n* qa\n\n");
    // Objects that are not a workspace's state are not workspaces.
    s3_put(&emu, "tfstate", "env:/stray/other.tfstate", "{}");
    s3_put(&emu, "tfstate", "unrelated/terraform.tfstate", "{}");
    let r = tfrs(&dir, &emu, &["workspace", "select", "default"]);
    ok(&r, "workspace select");
    let r = tfrs(&dir, &emu, &["workspace", "list"]);
    assert_eq!(r.out, "* default\n  dev\n  qa\n\n");
    let r = tfrs(&dir, &emu, &["state", "list"]);
    ok(&r, "state list");
    assert_eq!(r.out, "testing_object.o[\"a\"]\n");
    let r = tfrs(&dir, &emu, &["workspace", "delete", "qa"]);
    ok(&r, "workspace delete");
    assert_eq!(
        s3_get(&emu, "tfstate", "env:/qa/app/terraform.tfstate"),
        None
    );
    let r = tfrs(&dir, &emu, &["output", "-json", "names"]);
    ok(&r, "output");
    assert_eq!(r.out.trim(), "[\"default-a\"]");

    // A changed block needs init, as in Terraform.
    write_config(
        &dir,
        &s3_block("    use_lockfile = true\n    workspace_key_prefix = \"ws\"\n"),
    );
    let r = tfrs(&dir, &emu, &["plan", "-no-color"]);
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    assert!(
        has(
            &r.err,
            "Backend initialization required: please run \"terraform init\""
        ),
        "{}",
        r.err
    );
    assert!(
        has(&r.err, "Reason: Backend configuration block has changed"),
        "{}",
        r.err
    );
    let r = tfrs(&dir, &emu, &["state", "list", "-no-color"]);
    assert_eq!(r.code, 1);
    assert!(has(&r.err, "Backend initialization required"), "{}", r.err);
    let r = tfrs(&dir, &emu, &["init", "-no-color"]);
    assert_eq!(r.code, 1);
    assert!(has(&r.err, "Backend configuration changed"), "{}", r.err);
    assert!(has(&r.err, "terraform init -migrate-state"), "{}", r.err);
    let r = tfrs(&dir, &emu, &["init", "-reconfigure", "-no-color"]);
    ok(&r, "init -reconfigure");
    let recorded: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(".terraform/terraform.tfstate")).unwrap(),
    )
    .unwrap();
    assert_eq!(recorded["backend"]["config"]["workspace_key_prefix"], "ws");
    let r = tfrs(&dir, &emu, &["workspace", "list"]);
    assert_eq!(r.out, "* default\n\n", "dev lives under env:, not ws:");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Waits until `held()` is true (a run took its lock).
fn wait_for(what: &str, held: impl Fn() -> bool) {
    let start = Instant::now();
    while !held() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{what} never happened"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Two applies on one state: the second fails with Terraform's lock
/// error, a third waits with -lock-timeout and builds on the first's
/// state; a stuck lock is removed with force-unlock.
fn concurrent_runs(
    emu: &Emulator,
    dir: &Path,
    lock_held: &dyn Fn() -> bool,
    lock_error: &str,
    place_stuck_lock: &dyn Fn(&str),
) {
    let r = tfrs(dir, emu, &["init", "-no-color"]);
    ok(&r, "init");
    let first = command(
        dir,
        emu,
        &["apply", "-auto-approve", "-no-color", "-var=delay=2500"],
    )
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("start the first apply");
    wait_for("the first apply locking the state", lock_held);
    let second = tfrs(
        dir,
        emu,
        &[
            "apply",
            "-auto-approve",
            "-no-color",
            "-var=names=[\"a\",\"x\"]",
        ],
    );
    assert_eq!(
        second.code, 1,
        "the second apply ran while the first held the lock:\n{}",
        second.out
    );
    assert!(
        has(&second.err, "Error acquiring the state lock"),
        "{}",
        second.err
    );
    assert!(has(&second.err, lock_error), "{}", second.err);
    assert!(has(&second.err, "Lock Info:"), "{}", second.err);
    assert!(
        has(&second.err, "Path:      tfstate/app/terraform.tfstate"),
        "{}",
        second.err
    );
    assert!(
        has(&second.err, "Operation: OperationTypeApply"),
        "{}",
        second.err
    );
    let third = tfrs(
        dir,
        emu,
        &[
            "apply",
            "-auto-approve",
            "-no-color",
            "-lock-timeout=60s",
            "-var=names=[\"a\",\"b\"]",
        ],
    );
    let first = finish(first.wait_with_output().expect("wait for the first apply"));
    ok(&first, "first apply");
    assert!(first.out.contains("Resources: 1 added"), "{}", first.out);
    ok(&third, "apply with -lock-timeout");
    assert!(
        third
            .out
            .contains("Acquiring state lock. This may take a few moments..."),
        "{}",
        third.out
    );
    assert!(
        third
            .out
            .contains("Resources: 1 added, 0 changed, 0 destroyed"),
        "the waiting apply did not see the first one's state:\n{}",
        third.out
    );
    let state = state_of(&s3_get(emu, "tfstate", "app/terraform.tfstate").unwrap());
    assert_eq!(instance_keys(&state), ["a", "b"], "nothing is lost");
    assert!(state["serial"].as_u64().is_some_and(|s| s >= 2), "{state}");
    assert!(!lock_held(), "the lock is released");

    // A lock left behind by a killed run.
    place_stuck_lock("2b6a6738-5dd5-bf4c-8e6d-6e0a1c1f2f51");
    let r = tfrs(dir, emu, &["plan", "-no-color"]);
    assert_eq!(r.code, 1);
    assert!(
        has(&r.err, "ID:        2b6a6738-5dd5-bf4c-8e6d-6e0a1c1f2f51"),
        "{}",
        r.err
    );
    assert!(has(&r.err, "Who:       someone@elsewhere"), "{}", r.err);
    let r = tfrs(
        dir,
        emu,
        &[
            "force-unlock",
            "-force",
            "00000000-0000-0000-0000-000000000000",
        ],
    );
    assert_eq!(r.code, 1, "a wrong ID unlocks nothing");
    assert!(has(&r.err, "Failed to unlock state"), "{}", r.err);
    assert!(lock_held());
    let r = tfrs(
        dir,
        emu,
        &[
            "force-unlock",
            "-force",
            "2b6a6738-5dd5-bf4c-8e6d-6e0a1c1f2f51",
        ],
    );
    ok(&r, "force-unlock");
    assert!(
        r.out
            .contains("Terraform state has been successfully unlocked!"),
        "{}",
        r.out
    );
    assert!(!lock_held());
    let r = tfrs(
        dir,
        emu,
        &[
            "plan",
            "-no-color",
            "-detailed-exitcode",
            "-var=names=[\"a\",\"b\"]",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
}

fn stuck_lock_info(id: &str) -> String {
    format!(
        "{{\"ID\":\"{id}\",\"Operation\":\"OperationTypeApply\",\"Info\":\"\",\"Who\":\"someone@elsewhere\",\"Version\":\"1.11.4\",\"Created\":\"2026-01-02T03:04:05.123456789Z\",\"Path\":\"tfstate/app/terraform.tfstate\"}}"
    )
}

#[test]
fn the_s3_lock_file_keeps_runs_apart() {
    let emu = emulator();
    create_bucket(&emu, "tfstate");
    let dir = workdir("lockfile");
    write_config(&dir, &s3_block("    use_lockfile = true\n"));
    let held = || s3_get(&emu, "tfstate", "app/terraform.tfstate.tflock").is_some();
    let place = |id: &str| {
        s3_put(
            &emu,
            "tfstate",
            "app/terraform.tfstate.tflock",
            &stuck_lock_info(id),
        )
    };
    concurrent_runs(&emu, &dir, &held, "api error PreconditionFailed", &place);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_dynamodb_lock_keeps_runs_apart_and_its_digest_catches_stale_state() {
    let emu = emulator();
    create_bucket(&emu, "tfstate");
    create_lock_table(&emu, "tf-locks");
    let dir = workdir("dynamodb");
    write_config(&dir, &s3_block("    dynamodb_table = \"tf-locks\"\n"));
    let r = tfrs(&dir, &emu, &["init", "-no-color"]);
    ok(&r, "init");
    // Terraform 1.11 deprecates DynamoDB locking.
    assert!(has(&r.err, "Deprecated Parameter"), "{}", r.err);
    assert!(
        has(&r.err, "Use parameter \"use_lockfile\" instead."),
        "{}",
        r.err
    );
    let held = || ddb_item(&emu, "tf-locks", "tfstate/app/terraform.tfstate").is_some();
    let place = |id: &str| {
        ddb_put(
            &emu,
            "tf-locks",
            serde_json::json!({"LockID": {"S": "tfstate/app/terraform.tfstate"}, "Info": {"S": stuck_lock_info(id)}}),
        )
    };
    concurrent_runs(
        &emu,
        &dir,
        &held,
        "ConditionalCheckFailedException: The conditional request failed",
        &place,
    );

    // The digest item holds the MD5 of the state object.
    let object = s3_get(&emu, "tfstate", "app/terraform.tfstate").unwrap();
    let digest =
        ddb_item(&emu, "tf-locks", "tfstate/app/terraform.tfstate-md5").expect("digest item");
    let md5: String = tfrs_aws::backend_s3::md5(object.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(digest["Digest"]["S"], md5.as_str());

    // A state object older than the digest (S3 not yet consistent, or
    // written by someone else) is refused after Terraform's retries.
    ddb_put(
        &emu,
        "tf-locks",
        serde_json::json!({"LockID": {"S": "tfstate/app/terraform.tfstate-md5"}, "Digest": {"S": "00112233445566778899aabbccddeeff"}}),
    );
    let start = Instant::now();
    let r = tfrs(&dir, &emu, &["plan", "-no-color"]);
    assert_eq!(r.code, 1, "{}{}", r.out, r.err);
    assert!(
        has(
            &r.err,
            "state data in S3 does not have the expected content."
        ),
        "{}",
        r.err
    );
    assert!(
        has(
            &r.err,
            "Stored checksum:     00112233445566778899aabbccddeeff"
        ),
        "{}",
        r.err
    );
    assert!(
        has(&r.err, &format!("Calculated checksum: {md5}")),
        "{}",
        r.err
    );
    assert!(
        start.elapsed() >= Duration::from_secs(10),
        "Terraform waits 10 s for S3"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn init_migrates_states_between_local_and_s3() {
    let emu = emulator();
    create_bucket(&emu, "tfstate");
    let dir = workdir("migrate");
    write_config(&dir, "");
    ok(&tfrs(&dir, &emu, &["init"]), "init (local)");
    ok(
        &tfrs(&dir, &emu, &["apply", "-auto-approve"]),
        "apply (local default)",
    );
    ok(
        &tfrs(&dir, &emu, &["workspace", "new", "dev"]),
        "workspace new",
    );
    ok(
        &tfrs(
            &dir,
            &emu,
            &["apply", "-auto-approve", "-var=names=[\"d\"]"],
        ),
        "apply (local dev)",
    );
    let local_default = state_of(&std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap());

    // To S3: Terraform asks before copying all workspaces.
    write_config(&dir, &s3_block(""));
    let r = tfrs(&dir, &emu, &["plan", "-no-color"]);
    assert_eq!(r.code, 1);
    assert!(
        has(
            &r.err,
            "Initial configuration of the requested backend \"s3\""
        ),
        "{}",
        r.err
    );
    let r = tfrs(&dir, &emu, &["init", "-input=false", "-no-color"]);
    assert_eq!(r.code, 1, "{}", r.out);
    assert!(
        has(
            &r.err,
            "Can't ask approval for state migration when interactive input is disabled."
        ),
        "{}",
        r.err
    );
    assert_eq!(
        s3_keys(&emu, "tfstate"),
        Vec::<String>::new(),
        "nothing copied without approval"
    );
    let r = tfrs_input(&dir, &emu, &["init", "-no-color"], "yes\n");
    ok(&r, "init with migration to s3");
    assert!(
        r.out
            .contains("Do you want to migrate all workspaces to \"s3\"?"),
        "{}",
        r.out
    );
    assert!(
        r.out
            .contains("Successfully configured the backend \"s3\"!"),
        "{}",
        r.out
    );
    let remote_default =
        state_of(&s3_get(&emu, "tfstate", "app/terraform.tfstate").expect("default state"));
    assert_eq!(instance_keys(&remote_default), ["a"]);
    assert_eq!(
        remote_default["lineage"], local_default["lineage"],
        "migration keeps the lineage"
    );
    assert_eq!(remote_default["serial"], local_default["serial"]);
    let remote_dev =
        state_of(&s3_get(&emu, "tfstate", "env:/dev/app/terraform.tfstate").expect("dev state"));
    assert_eq!(instance_keys(&remote_dev), ["d"]);
    // The local states are emptied; their backups stay.
    assert_eq!(
        std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap(),
        ""
    );
    assert!(dir.join("terraform.tfstate.backup").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("terraform.tfstate.d/dev/terraform.tfstate")).unwrap(),
        ""
    );
    let r = tfrs(&dir, &emu, &["state", "list"]);
    assert_eq!(
        r.out, "testing_object.o[\"d\"]\n",
        "still in dev: {}",
        r.err
    );
    let r = tfrs(
        &dir,
        &emu,
        &[
            "plan",
            "-no-color",
            "-detailed-exitcode",
            "-var=names=[\"d\"]",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);

    // Back to local: removing the block needs -migrate-state.
    write_config(&dir, "");
    let r = tfrs(&dir, &emu, &["plan", "-no-color"]);
    assert_eq!(r.code, 1);
    assert!(
        has(
            &r.err,
            "Backend initialization required, please run \"terraform init\""
        ),
        "{}",
        r.err
    );
    assert!(
        has(&r.err, "Unsetting the previously set backend \"s3\""),
        "{}",
        r.err
    );
    let r = tfrs(&dir, &emu, &["init", "-no-color"]);
    assert_eq!(r.code, 1);
    assert!(has(&r.err, "Backend configuration changed"), "{}", r.err);
    let r = tfrs(
        &dir,
        &emu,
        &["init", "-migrate-state", "-force-copy", "-no-color"],
    );
    ok(&r, "init -migrate-state -force-copy");
    assert!(
        r.out.contains("Successfully unset the backend \"s3\""),
        "{}",
        r.out
    );
    let recorded = std::fs::read_to_string(dir.join(".terraform/terraform.tfstate")).unwrap();
    assert!(!recorded.contains("\"backend\""), "{recorded}");
    let local_default = state_of(&std::fs::read_to_string(dir.join("terraform.tfstate")).unwrap());
    assert_eq!(instance_keys(&local_default), ["a"]);
    assert_eq!(local_default["lineage"], remote_default["lineage"]);
    let local_dev = state_of(
        &std::fs::read_to_string(dir.join("terraform.tfstate.d/dev/terraform.tfstate")).unwrap(),
    );
    assert_eq!(instance_keys(&local_dev), ["d"]);
    let r = tfrs(&dir, &emu, &["workspace", "select", "default"]);
    ok(&r, "select default");
    let r = tfrs(&dir, &emu, &["plan", "-no-color", "-detailed-exitcode"]);
    assert_eq!(r.code, 0, "{}{}", r.out, r.err);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn settings_from_backend_config_and_explicit_endpoints() {
    let emu = emulator();
    create_bucket(&emu, "other-bucket");
    let dir = workdir("settings");
    // Only the key in the block; the rest from -backend-config (a file
    // and KEY=VALUE), endpoints without AWS_ENDPOINT_URL.
    write_config(
        &dir,
        "  backend \"s3\" {\n    key = \"k/terraform.tfstate\"\n  }",
    );
    std::fs::write(
        dir.join("backend.hcl"),
        format!("bucket = \"tfstate\"\nregion = \"us-east-1\"\nendpoints = {{\n  s3  = \"{0}\"\n  sts = \"{0}\"\n}}\nuse_path_style = true\n", emu.url),
    )
    .unwrap();
    let r = finish(
        command(
            &dir,
            &emu,
            &[
                "init",
                "-no-color",
                "-backend-config=backend.hcl",
                "-backend-config=bucket=other-bucket",
            ],
        )
        .env_remove("AWS_ENDPOINT_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap(),
    );
    ok(&r, "init with -backend-config");
    let recorded: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join(".terraform/terraform.tfstate")).unwrap(),
    )
    .unwrap();
    let config = &recorded["backend"]["config"];
    assert_eq!(config["bucket"], "other-bucket", "later options win");
    assert_eq!(config["endpoints"]["s3"], emu.url.as_str());
    assert!(config["endpoints"]["dynamodb"].is_null());
    assert_eq!(config["use_path_style"], true);
    let r = finish(
        command(&dir, &emu, &["apply", "-auto-approve", "-no-color"])
            .env_remove("AWS_ENDPOINT_URL")
            .stdin(Stdio::null())
            .output()
            .unwrap(),
    );
    ok(&r, "apply");
    assert!(s3_get(&emu, "other-bucket", "k/terraform.tfstate").is_some());

    // The deprecated `endpoint` still works, with Terraform's warning.
    let dir2 = workdir("settings-legacy");
    write_config(
        &dir2,
        &format!("  backend \"s3\" {{\n    bucket = \"other-bucket\"\n    key = \"legacy.tfstate\"\n    region = \"us-east-1\"\n    endpoint = \"{0}\"\n    sts_endpoint = \"{0}\"\n    force_path_style = true\n  }}", emu.url),
    );
    let r = finish(
        command(&dir2, &emu, &["init", "-no-color"])
            .env_remove("AWS_ENDPOINT_URL")
            .stdin(Stdio::null())
            .output()
            .unwrap(),
    );
    ok(&r, "init with the legacy endpoint");
    assert!(
        has(
            &r.err,
            "The parameter \"endpoint\" is deprecated. Use parameter \"endpoints.s3\" instead."
        ),
        "{}",
        r.err
    );
    assert!(
        has(&r.err, "The parameter \"force_path_style\" is deprecated."),
        "{}",
        r.err
    );

    // Missing settings are Terraform's errors.
    let dir3 = workdir("settings-missing");
    write_config(&dir3, "  backend \"s3\" {\n    bucket = \"b\"\n  }");
    let r = tfrs(&dir3, &emu, &["init", "-no-color"]);
    assert_eq!(r.code, 1);
    assert!(
        has(&r.err, "The attribute \"key\" is required by the backend."),
        "{}",
        r.err
    );
    assert!(has(&r.err, "Missing region value"), "{}", r.err);
    // A bucket that does not exist.
    write_config(&dir3, "  backend \"s3\" {\n    bucket = \"nope\"\n    key = \"k\"\n    region = \"us-east-1\"\n  }");
    let r = tfrs(&dir3, &emu, &["init", "-no-color"]);
    assert_eq!(r.code, 1);
    assert!(
        has(&r.err, "S3 bucket \"nope\" does not exist."),
        "{}",
        r.err
    );
    for d in [dir, dir2, dir3] {
        let _ = std::fs::remove_dir_all(d);
    }
}
