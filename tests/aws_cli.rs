//! The AWS provider through the CLI, as a user runs it: a configuration
//! with only `region` in the provider block, the emulator's address in
//! AWS_ENDPOINT_URL, then init, apply, an empty plan, destroy.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

struct Emulator {
    child: Child,
    url: String,
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
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .trim_start_matches("emulator listening on ")
        .to_string();
    Emulator { child, url }
}

fn tfrs(dir: &Path, emu: &Emulator, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tfrs"))
        .args(args)
        .current_dir(dir)
        .env("AWS_ENDPOINT_URL", &emu.url)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run tfrs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn apply_plan_destroy_against_the_emulator() {
    let emu = emulator();
    let dir = std::env::temp_dir().join(format!("tfrs-aws-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("main.tf"),
        r#"terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.16.2"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

data "aws_caller_identity" "me" {}

data "aws_vpc" "default" {
  default = true
}

data "aws_subnet_ids" "all" {
  vpc_id = data.aws_vpc.default.id
}

resource "aws_s3_bucket" "site" {
  bucket = "www.example.site"
  tags = {
    Account = data.aws_caller_identity.me.account_id
  }
}

resource "aws_dynamodb_table" "fortunes" {
  name         = "fortunes"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_dynamodb_table_item" "first" {
  table_name = aws_dynamodb_table.fortunes.name
  hash_key   = aws_dynamodb_table.fortunes.hash_key
  item       = <<-EOF
    {"id": {"S": "1"}, "text": {"S": "Hello"}}
  EOF
}

output "bucket_domain" {
  value = aws_s3_bucket.site.bucket_regional_domain_name
}

output "subnet_count" {
  value = length(data.aws_subnet_ids.all.ids)
}
"#,
    )
    .unwrap();
    let (code, out, err) = tfrs(&dir, &emu, &["init"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("hashicorp/aws"), "{out}");
    let (code, out, err) = tfrs(&dir, &emu, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "apply failed:\n{out}\n{err}");
    assert!(
        out.contains("Apply complete! Resources: 3 added, 0 changed, 0 destroyed."),
        "{out}"
    );
    assert!(
        out.contains("bucket_domain = \"www.example.site.s3.us-east-1.amazonaws.com\""),
        "{out}"
    );
    assert!(out.contains("subnet_count = 6"), "{out}");
    // The removed data source warns and names its replacement.
    assert!(err.contains("aws_subnets"), "{err}");
    let (code, out, err) = tfrs(&dir, &emu, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(code, 0, "the plan after apply is not empty:\n{out}\n{err}");
    let (code, out, err) = tfrs(&dir, &emu, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "destroy failed:\n{out}\n{err}");
    assert!(
        out.contains("Destroy complete! Resources: 3 destroyed."),
        "{out}"
    );
    let (_, list, _) = tfrs(&dir, &emu, &["state", "list"]);
    assert!(
        list.lines().all(|l| l.starts_with("data.")),
        "managed resources left in state: {list}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
