//! `tfrs show`, `graph` and `providers`, and the environment every command
//! reads (`TF_CLI_ARGS`, `TF_CLI_ARGS_<command>`, `TF_LOG`, `TF_LOG_PATH`,
//! `TF_INPUT`), run as a user runs them in temporary directories. The
//! expected texts were checked against terraform 1.11.4; where the
//! reference `terraform` is on PATH the same commands are also compared
//! with its output directly (skipped cleanly where it is absent).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp_dir(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!(
        "tfrs-inspect-{name}-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    TempDir(dir)
}

/// A directory holding `files` (paths relative to it).
fn dir_with(name: &str, files: &[(&str, &str)]) -> TempDir {
    let dir = temp_dir(name);
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

#[derive(Debug)]
struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

const ENV_CLEARED: &[&str] = &[
    "TF_WORKSPACE",
    "TF_DATA_DIR",
    "TF_CLI_ARGS",
    "TF_CLI_ARGS_show",
    "TF_CLI_ARGS_graph",
    "TF_CLI_ARGS_providers",
    "TF_CLI_ARGS_state_list",
    "TF_CLI_ARGS_plan",
    "TF_CLI_ARGS_apply",
    "TF_LOG",
    "TF_LOG_PATH",
    "TF_LOG_CORE",
    "TF_LOG_PROVIDER",
    "TF_INPUT",
];

fn run_with(bin: &Path, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    let mut c = Command::new(bin);
    c.args(args)
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("TF_IN_AUTOMATION", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for k in ENV_CLEARED {
        c.env_remove(k);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c.spawn().expect("spawn");
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("wait");
    Out {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(dir: &Path, args: &[&str]) -> Out {
    run_with(&tfrs(), dir, args, &[])
}

fn run_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Out {
    run_with(&tfrs(), dir, args, env)
}

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

/// What terraform and tfrs print alike once colours and the program's
/// name are set aside.
fn normalise(s: &str) -> String {
    // Coloured, terraform keeps the space after a diagnostic's rule on an
    // empty line (it is followed by a colour reset); tfrs prints no colour.
    strip_ansi(s)
        .replace("tfrs ", "terraform ")
        .replace("│ \n", "│\n")
}

/// Runs `args` with both programs and describes any difference.
fn compare(
    tf: &Path,
    tf_dir: &Path,
    rs_dir: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Option<String> {
    let want = run_with(tf, tf_dir, args, env);
    let got = run_with(&tfrs(), rs_dir, args, env);
    let w = (want.code, normalise(&want.stdout), normalise(&want.stderr));
    let g = (got.code, normalise(&got.stdout), normalise(&got.stderr));
    (w != g).then(|| {
        format!(
            "{}:\n  terraform: {} {:?} {:?}\n  tfrs:      {} {:?} {:?}",
            args.join(" "),
            w.0,
            w.1,
            w.2,
            g.0,
            g.1,
            g.2
        )
    })
}

// ---------------------------------------------------------------------------
// Configurations

/// Locals, a root and a module variable, count and for_each, depends_on a
/// module, a data source, an output.
const GRAPH_1: &[(&str, &str)] = &[
    (
        "main.tf",
        r#"variable "v" { default = "x" }
locals { l = terraform_data.a.id }
resource "terraform_data" "a" {
  input = var.v
}
resource "terraform_data" "b" {
  count = 2
  input = local.l
}
resource "terraform_data" "c" {
  for_each   = toset(["k"])
  input      = [for x in terraform_data.b : x.id]
  depends_on = [module.m]
}
data "terraform_remote_state" "r" {
  backend = "local"
  config  = { path = "nope" }
}
module "m" {
  source = "./mod"
  in     = terraform_data.a.output
}
output "o" { value = terraform_data.c }
"#,
    ),
    (
        "mod/main.tf",
        r#"variable "in" {}
resource "terraform_data" "x" {
  input = var.in
}
resource "terraform_data" "y" {
  input = terraform_data.x.id
}
"#,
    ),
];

const GRAPH_1_DOT: &str = r#"digraph G {
  rankdir = "RL";
  node [shape = rect, fontname = "sans-serif"];
  "data.terraform_remote_state.r" [label="data.terraform_remote_state.r"];
  "terraform_data.a" [label="terraform_data.a"];
  "terraform_data.b" [label="terraform_data.b"];
  "terraform_data.c" [label="terraform_data.c"];
  subgraph "cluster_module.m" {
    label = "module.m"
    fontname = "sans-serif"
    "module.m.terraform_data.x" [label="terraform_data.x"];
    "module.m.terraform_data.y" [label="terraform_data.y"];
  }
  "terraform_data.b" -> "terraform_data.a";
  "terraform_data.c" -> "terraform_data.b";
  "terraform_data.c" -> "module.m.terraform_data.y";
  "module.m.terraform_data.x" -> "terraform_data.a";
  "module.m.terraform_data.y" -> "module.m.terraform_data.x";
}
"#;

/// Nested modules, a module call's count and depends_on, references to a
/// module output through an instance key and to a whole module,
/// replace_triggered_by, a data source with references.
const GRAPH_2: &[(&str, &str)] = &[
    (
        "main.tf",
        r#"resource "terraform_data" "a" {}
resource "terraform_data" "z" {}
module "m" {
  source     = "./mod"
  count      = length(terraform_data.z.id)
  depends_on = [terraform_data.a]
}
resource "terraform_data" "after" {
  input = module.m[0].out
}
resource "terraform_data" "whole" {
  input = module.m
}
data "terraform_remote_state" "d" {
  backend = "local"
  config  = { path = terraform_data.a.id }
}
resource "terraform_data" "usesdata" {
  input = data.terraform_remote_state.d.outputs
  lifecycle { replace_triggered_by = [terraform_data.z] }
}
"#,
    ),
    (
        "mod/main.tf",
        r#"resource "terraform_data" "x" {}
module "inner" {
  source = "./inner"
}
output "out" { value = module.inner.o }
"#,
    ),
    (
        "mod/inner/main.tf",
        r#"resource "terraform_data" "deep" {}
output "o" { value = terraform_data.deep.id }
"#,
    ),
];

const GRAPH_2_DOT: &str = r#"digraph G {
  rankdir = "RL";
  node [shape = rect, fontname = "sans-serif"];
  "data.terraform_remote_state.d" [label="data.terraform_remote_state.d"];
  "terraform_data.a" [label="terraform_data.a"];
  "terraform_data.after" [label="terraform_data.after"];
  "terraform_data.usesdata" [label="terraform_data.usesdata"];
  "terraform_data.whole" [label="terraform_data.whole"];
  "terraform_data.z" [label="terraform_data.z"];
  subgraph "cluster_module.m" {
    label = "module.m"
    fontname = "sans-serif"
    "module.m.terraform_data.x" [label="terraform_data.x"];
  }
  subgraph "cluster_module.m.module.inner" {
    label = "module.m.module.inner"
    fontname = "sans-serif"
    "module.m.module.inner.terraform_data.deep" [label="terraform_data.deep"];
  }
  "data.terraform_remote_state.d" -> "terraform_data.a";
  "terraform_data.after" -> "module.m.module.inner.terraform_data.deep";
  "terraform_data.usesdata" -> "data.terraform_remote_state.d";
  "terraform_data.usesdata" -> "terraform_data.z";
  "terraform_data.whole" -> "module.m.terraform_data.x";
  "terraform_data.whole" -> "module.m.module.inner.terraform_data.deep";
  "module.m.terraform_data.x" -> "terraform_data.a";
  "module.m.terraform_data.x" -> "terraform_data.z";
  "module.m.module.inner.terraform_data.deep" -> "terraform_data.a";
  "module.m.module.inner.terraform_data.deep" -> "terraform_data.z";
}
"#;

const EMPTY_DOT: &str = r#"digraph G {
  rankdir = "RL";
  node [shape = rect, fontname = "sans-serif"];
  /* This configuration does not contain any resources.         */
  /* For a more detailed graph, try: terraform graph -type=plan */
}
"#;

/// Providers configured from resources, an aliased one passed to a module,
/// a module with for_each read through a `for` expression, preconditions:
/// needs the hashicorp/aws plugin for terraform (a filesystem mirror).
const GRAPH_AWS: &[(&str, &str)] = &[
    (
        "main.tf",
        r#"terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}
resource "terraform_data" "region" { input = "us-east-1" }
resource "terraform_data" "west" { input = "us-west-2" }
provider "aws" {
  region = terraform_data.region.output
}
provider "aws" {
  alias  = "west"
  region = terraform_data.west.output
}
resource "aws_s3_bucket" "b" {
  bucket = "x"
}
resource "aws_s3_bucket" "w" {
  provider = aws.west
  bucket   = "y"
}
module "m" {
  source    = "./mod"
  providers = { aws = aws.west }
  name      = aws_s3_bucket.b.id
}
module "n" {
  source   = "./m2"
  for_each = toset(["a"])
  x        = each.key
}
data "aws_caller_identity" "me" {
  depends_on = [module.n]
}
locals {
  all = [for k, v in module.n : v.out]
}
resource "terraform_data" "uses_local" {
  input = local.all
  lifecycle {
    precondition {
      condition     = data.aws_caller_identity.me.account_id != ""
      error_message = "no account"
    }
  }
}
output "o" { value = module.m.bucket }
"#,
    ),
    (
        "mod/main.tf",
        r#"variable "name" {}
resource "aws_s3_bucket" "c" {
  bucket = var.name
}
resource "aws_s3_bucket_versioning" "v" {
  bucket = aws_s3_bucket.c.id
  versioning_configuration { status = "Enabled" }
}
output "bucket" { value = aws_s3_bucket_versioning.v.id }
"#,
    ),
    (
        "m2/main.tf",
        r#"variable "x" {}
resource "terraform_data" "t" { input = var.x }
resource "aws_s3_bucket" "d" { bucket = "z" }
output "out" { value = terraform_data.t.output }
"#,
    ),
];

const GRAPH_AWS_DOT: &str = r#"digraph G {
  rankdir = "RL";
  node [shape = rect, fontname = "sans-serif"];
  "data.aws_caller_identity.me" [label="data.aws_caller_identity.me"];
  "aws_s3_bucket.b" [label="aws_s3_bucket.b"];
  "aws_s3_bucket.w" [label="aws_s3_bucket.w"];
  "terraform_data.region" [label="terraform_data.region"];
  "terraform_data.uses_local" [label="terraform_data.uses_local"];
  "terraform_data.west" [label="terraform_data.west"];
  subgraph "cluster_module.m" {
    label = "module.m"
    fontname = "sans-serif"
    "module.m.aws_s3_bucket.c" [label="aws_s3_bucket.c"];
    "module.m.aws_s3_bucket_versioning.v" [label="aws_s3_bucket_versioning.v"];
  }
  subgraph "cluster_module.n" {
    label = "module.n"
    fontname = "sans-serif"
    "module.n.aws_s3_bucket.d" [label="aws_s3_bucket.d"];
    "module.n.terraform_data.t" [label="terraform_data.t"];
  }
  "data.aws_caller_identity.me" -> "module.n.aws_s3_bucket.d";
  "data.aws_caller_identity.me" -> "module.n.terraform_data.t";
  "aws_s3_bucket.b" -> "terraform_data.region";
  "aws_s3_bucket.w" -> "terraform_data.west";
  "terraform_data.uses_local" -> "data.aws_caller_identity.me";
  "module.m.aws_s3_bucket.c" -> "aws_s3_bucket.b";
  "module.m.aws_s3_bucket.c" -> "terraform_data.west";
  "module.m.aws_s3_bucket_versioning.v" -> "module.m.aws_s3_bucket.c";
  "module.n.aws_s3_bucket.d" -> "terraform_data.region";
}
"#;

/// A state with an object attribute partly sensitive, a tainted instance,
/// a multi-line string, a for_each module, outputs.
const STATE: &str = r#"{
  "version": 4,
  "terraform_version": "1.11.4",
  "serial": 3,
  "lineage": "4a1b6a4c-0000-4000-8000-000000000001",
  "outputs": {
    "list": {
      "value": ["a", "b"],
      "type": ["tuple", ["string", "string"]]
    },
    "secret": {
      "value": "hidden",
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
            "id": "id-a",
            "input": {"value": {"k": "v", "n": 1}, "type": ["object", {"k": "string", "n": "number"}]},
            "output": {"value": {"k": "v", "n": 1}, "type": ["object", {"k": "string", "n": "number"}]},
            "triggers_replace": null
          },
          "sensitive_attributes": [[{"type": "get_attr", "value": "input"}, {"type": "get_attr", "value": "k"}]]
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
          "status": "tainted",
          "schema_version": 0,
          "attributes": {"id": "id-b0", "input": null, "output": null, "triggers_replace": null},
          "sensitive_attributes": []
        },
        {
          "index_key": 1,
          "schema_version": 0,
          "attributes": {"id": "id-b1", "input": {"value": "multi\nline", "type": "string"}, "output": {"value": "multi\nline", "type": "string"}, "triggers_replace": {"value": [1, 2], "type": ["tuple", ["number", "number"]]}},
          "sensitive_attributes": []
        }
      ]
    },
    {
      "module": "module.m[\"k\"]",
      "mode": "managed",
      "type": "terraform_data",
      "name": "x",
      "provider": "provider[\"terraform.io/builtin/terraform\"]",
      "instances": [
        {
          "schema_version": 0,
          "attributes": {"id": "id-x", "input": {"value": "in module", "type": "string"}, "output": {"value": "in module", "type": "string"}, "triggers_replace": null},
          "sensitive_attributes": []
        }
      ]
    }
  ],
  "check_results": null
}
"#;

const STATE_SHOW: &str = r#"# terraform_data.a:
resource "terraform_data" "a" {
    id     = "id-a"
    input  = {
        k = (sensitive value)
        n = 1
    }
    output = {
        k = "v"
        n = 1
    }
}

# terraform_data.b[0]: (tainted)
resource "terraform_data" "b" {
    id = "id-b0"
}

# terraform_data.b[1]:
resource "terraform_data" "b" {
    id               = "id-b1"
    input            = <<-EOT
        multi
        line
    EOT
    output           = <<-EOT
        multi
        line
    EOT
    triggers_replace = [
        1,
        2,
    ]
}


# module.m["k"].terraform_data.x:
resource "terraform_data" "x" {
    id     = "id-x"
    input  = "in module"
    output = "in module"
}


Outputs:

list = [
    "a",
    "b",
]
secret = (sensitive value)
"#;

const STATE_JSON: &str = r#"{"format_version":"1.0","terraform_version":"1.11.4","values":{"outputs":{"list":{"sensitive":false,"value":["a","b"],"type":["tuple",["string","string"]]},"secret":{"sensitive":true,"value":"hidden","type":"string"}},"root_module":{"resources":[{"address":"terraform_data.a","mode":"managed","type":"terraform_data","name":"a","provider_name":"terraform.io/builtin/terraform","schema_version":0,"values":{"id":"id-a","input":{"k":"v","n":1},"output":{"k":"v","n":1},"triggers_replace":null},"sensitive_values":{"input":{"k":true},"output":{}}},{"address":"terraform_data.b[0]","mode":"managed","type":"terraform_data","name":"b","index":0,"provider_name":"terraform.io/builtin/terraform","schema_version":0,"values":{"id":"id-b0","input":null,"output":null,"triggers_replace":null},"sensitive_values":{},"tainted":true},{"address":"terraform_data.b[1]","mode":"managed","type":"terraform_data","name":"b","index":1,"provider_name":"terraform.io/builtin/terraform","schema_version":0,"values":{"id":"id-b1","input":"multi\nline","output":"multi\nline","triggers_replace":[1,2]},"sensitive_values":{"triggers_replace":[false,false]}}],"child_modules":[{"resources":[{"address":"module.m[\"k\"].terraform_data.x","mode":"managed","type":"terraform_data","name":"x","provider_name":"terraform.io/builtin/terraform","schema_version":0,"values":{"id":"id-x","input":"in module","output":"in module","triggers_replace":null},"sensitive_values":{}}],"address":"module.m[\"k\"]"}]}}}
"#;

/// The graph of STATE alone: every resource only the state has.
const STATE_DOT: &str = r#"digraph G {
  rankdir = "RL";
  node [shape = rect, fontname = "sans-serif"];
  "terraform_data.a" [label="terraform_data.a"];
  "terraform_data.b" [label="terraform_data.b"];
  subgraph "cluster_module.m" {
    label = "module.m"
    fontname = "sans-serif"
    "module.m.terraform_data.x" [label="terraform_data.x"];
  }
}
"#;

/// A plan whose changes both programs plan alike: creates, one with a
/// reference to another's unknown output, count, a sensitive output.
const PLAN_CONFIG: &str = r#"variable "v" { default = "x" }
resource "terraform_data" "a" {
  input = var.v
}
resource "terraform_data" "b" {
  count = 2
  input = { k = terraform_data.a.output, n = count.index }
}
output "o" { value = terraform_data.a.output }
"#;

const PLAN_SHOW: &str = r#"
Terraform used the selected providers to generate the following execution
plan. Resource actions are indicated with the following symbols:
  + create

Terraform will perform the following actions:

  # terraform_data.a will be created
  + resource "terraform_data" "a" {
      + id     = (known after apply)
      + input  = "x"
      + output = (known after apply)
    }

  # terraform_data.b[0] will be created
  + resource "terraform_data" "b" {
      + id     = (known after apply)
      + input  = {
          + k = (known after apply)
          + n = 0
        }
      + output = (known after apply)
    }

  # terraform_data.b[1] will be created
  + resource "terraform_data" "b" {
      + id     = (known after apply)
      + input  = {
          + k = (known after apply)
          + n = 1
        }
      + output = (known after apply)
    }

Plan: 3 to add, 0 to change, 0 to destroy.

Changes to Outputs:
  + o = (known after apply)
"#;

/// Provider requirements in the root and two levels of modules.
const PROVIDERS: &[(&str, &str)] = &[
    (
        "main.tf",
        r#"terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}
provider "aws" { region = "us-east-1" }
resource "terraform_data" "a" {}
resource "null_resource" "n" {}
module "m" {
  source = "./mod"
}
"#,
    ),
    (
        "mod/main.tf",
        r#"terraform {
  required_providers {
    aws    = { source = "hashicorp/aws", version = ">= 4.0, < 6.0" }
    random = { source = "hashicorp/random" }
  }
}
resource "aws_s3_bucket" "b" {}
module "inner" { source = "./inner" }
"#,
    ),
    (
        "mod/inner/main.tf",
        r#"resource "aws_s3_bucket" "b" {}
data "http" "h" {
  url = "https://example.com"
}
"#,
    ),
];

const PROVIDERS_TREE: &str = "
Providers required by configuration:
.
├── provider[registry.terraform.io/hashicorp/aws] ~> 5.0
├── provider[registry.terraform.io/hashicorp/null]
├── provider[terraform.io/builtin/terraform]
└── module.m
    ├── provider[registry.terraform.io/hashicorp/aws] >= 4.0.0, < 6.0.0
    ├── provider[registry.terraform.io/hashicorp/random]
    └── module.inner
        ├── provider[registry.terraform.io/hashicorp/aws]
        └── provider[registry.terraform.io/hashicorp/http]

";

// ---------------------------------------------------------------------------
// graph

#[test]
fn graph_draws_the_resources_and_their_dependencies() {
    for (files, want) in [
        (GRAPH_1, GRAPH_1_DOT),
        (GRAPH_2, GRAPH_2_DOT),
        (GRAPH_AWS, GRAPH_AWS_DOT),
    ] {
        let dir = dir_with("graph", files);
        let out = run(&dir, &["graph"]);
        assert_eq!((out.code, out.stderr.as_str()), (0, ""));
        assert_eq!(out.stdout, want);
    }
    // No configuration at all, or one without resources.
    let dir = temp_dir("graph-empty");
    assert_eq!(run(&dir, &["graph"]).stdout, EMPTY_DOT);
    std::fs::write(dir.join("main.tf"), "locals { a = 1 }\n").unwrap();
    assert_eq!(run(&dir, &["graph", "-no-color"]).stdout, EMPTY_DOT);
    // Resources only the state has are drawn too.
    std::fs::write(dir.join("terraform.tfstate"), STATE).unwrap();
    assert_eq!(run(&dir, &["graph"]).stdout, STATE_DOT);

    let out = run(&dir, &["graph", "-type=bogus"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("Error: Unsupported graph type")
            && out
                .stderr
                .contains("The -type=... argument must be either \"plan\","),
        "{}",
        out.stderr
    );
    let out = run(&dir, &["graph", "-no-color", "-type=validate"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("Error: Graph type no longer available"));
    let out = run(&dir, &["graph", "extra"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "Too many command line arguments. Did you mean to use -chdir?\n"
        )
    );
    let out = run(&dir, &["graph", "-bogus"]);
    assert_eq!(out.code, 1);
    assert!(out
        .stderr
        .ends_with("Error parsing command-line flags: flag provided but not defined: -bogus\n\n"));
}

/// A CLI configuration with the provider plugin mirror, if the machine
/// has one.
fn plugin_mirror_config(dir: &Path) -> Option<PathBuf> {
    let mirror = Path::new("/opt/tf-plugins");
    if !mirror.join("registry.terraform.io/hashicorp/aws").is_dir() {
        return None;
    }
    let cfg = dir.join("terraformrc");
    std::fs::write(
        &cfg,
        format!(
            "provider_installation {{\n  filesystem_mirror {{ path = \"{}\" }}\n}}\n",
            mirror.display()
        ),
    )
    .ok()?;
    Some(cfg)
}

#[test]
fn graph_agrees_with_terraform() {
    let Some(tf) = terraform() else {
        eprintln!("terraform is not on PATH; skipping");
        return;
    };
    let mut failures = Vec::new();
    let cfg_dir = temp_dir("graph-cli-config");
    let mirror = plugin_mirror_config(&cfg_dir);
    let mut cases = vec![(GRAPH_1, None), (GRAPH_2, None)];
    match &mirror {
        Some(m) => cases.push((GRAPH_AWS, Some(m.to_str().unwrap().to_string()))),
        None => eprintln!("no provider plugin mirror; skipping the aws case"),
    }
    for (files, cli_config) in cases {
        let dir = dir_with("graph-tf", files);
        let env: Vec<(&str, &str)> = cli_config
            .as_deref()
            .map(|c| vec![("TF_CLI_CONFIG_FILE", c)])
            .unwrap_or_default();
        let init = run_with(&tf, &dir, &["init", "-no-color", "-input=false"], &env);
        if init.code != 0 {
            eprintln!(
                "terraform init failed (offline?); skipping: {}",
                init.stderr
            );
            continue;
        }
        failures.extend(compare(&tf, &dir, &dir, &["graph"], &env));
    }
    // A state with resources the configuration no longer has.
    let dir = dir_with(
        "graph-orphans",
        &[("main.tf", "resource \"terraform_data\" \"a\" {}\n")],
    );
    std::fs::write(dir.join("terraform.tfstate"), STATE).unwrap();
    failures.extend(compare(&tf, &dir, &dir, &["graph"], &[]));
    for args in [
        &["graph", "-no-color", "-type=bogus"][..],
        &["graph", "-no-color", "-type=eval"],
        &["graph", "x"],
        &["graph", "-bogus"],
    ] {
        failures.extend(compare(&tf, &dir, &dir, args, &[]));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------
// show

#[test]
fn show_renders_the_state() {
    let dir = temp_dir("show");
    // No state yet.
    let out = run(&dir, &["show"]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "No state.\n", "")
    );
    assert_eq!(
        run(&dir, &["show", "-json"]).stdout,
        "{\"format_version\":\"1.0\"}\n"
    );

    std::fs::write(dir.join("terraform.tfstate"), STATE).unwrap();
    let out = run(&dir, &["show", "-no-color"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout, STATE_SHOW);
    assert_eq!(run(&dir, &["show", "-json"]).stdout, STATE_JSON);
    // A state file named on the command line.
    std::fs::rename(dir.join("terraform.tfstate"), dir.join("other.tfstate")).unwrap();
    assert_eq!(run(&dir, &["show", "other.tfstate"]).stdout, STATE_SHOW);
    assert_eq!(
        run(&dir, &["show", "-json", "other.tfstate"]).stdout,
        STATE_JSON
    );
    assert_eq!(run(&dir, &["show"]).stdout, "No state.\n");

    // A state without resources or outputs.
    std::fs::write(
        dir.join("terraform.tfstate"),
        r#"{"version": 4, "terraform_version": "1.11.4", "serial": 9, "lineage": "l", "outputs": {}, "resources": [], "check_results": null}"#,
    )
    .unwrap();
    assert_eq!(
        run(&dir, &["show"]).stdout,
        "The state file is empty. No resources are represented.\n"
    );
    assert_eq!(
        run(&dir, &["show", "-json"]).stdout,
        "{\"format_version\":\"1.0\"}\n"
    );

    let out = run(&dir, &["show", "-no-color", "nope"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "
Error: Failed to read the given file as a state or plan file

State read error: Error loading statefile: open nope: no such file or
directory

Plan read error: couldn't load the provided path as either a local plan file
(open nope: no such file or directory) or a saved cloud plan (open nope: no
such file or directory)
"
    );
    let out = run(&dir, &["show", "-no-color", "a", "b"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "
Error: Too many command line arguments

Expected at most one positional argument.

For more help on using this command, run:
  tfrs show -help
"
    );
    std::fs::write(dir.join("garbage"), "garbage").unwrap();
    let out = run(&dir, &["show", "-no-color", "garbage"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("Error reading garbage as a statefile"),
        "{}",
        out.stderr
    );
}

#[test]
fn show_renders_a_saved_plan() {
    let dir = dir_with("show-plan", &[("main.tf", PLAN_CONFIG)]);
    let plan = run(&dir, &["plan", "-out=saved.plan", "-no-color"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let out = run(&dir, &["show", "-no-color", "saved.plan"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout, PLAN_SHOW);

    let out = run(&dir, &["show", "-json", "saved.plan"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let j: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(j["format_version"], "1.2");
    assert_eq!(j["variables"]["v"]["value"], "x");
    let changes: Vec<(String, String)> = j["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["address"].as_str().unwrap().to_string(),
                c["change"]["actions"][0].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("terraform_data.a".to_string(), "create".to_string()),
            ("terraform_data.b[0]".to_string(), "create".to_string()),
            ("terraform_data.b[1]".to_string(), "create".to_string()),
        ]
    );
    assert_eq!(
        j["resource_changes"][1]["change"]["after_unknown"],
        serde_json::json!({"id": true, "input": {"k": true}, "output": true})
    );
    assert_eq!(j["output_changes"]["o"]["after_unknown"], true);
    assert_eq!(
        j["configuration"]["root_module"]["resources"][1]["count_expression"]["constant_value"],
        2
    );
    assert_eq!(
        (j["applyable"].as_bool(), j["errored"].as_bool()),
        (Some(true), Some(false))
    );

    // The plan file holds the plan itself: once the state changed it is
    // still shown as it was made (as terraform shows a stale plan).
    let apply = run(&dir, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(apply.code, 0, "{}", apply.stderr);
    let out = run(&dir, &["show", "-no-color", "saved.plan"]);
    assert_eq!((out.code, out.stdout.as_str()), (0, PLAN_SHOW));
    // A plan against that state with no changes.
    let plan = run(&dir, &["plan", "-out=noop.plan"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let out = run(&dir, &["show", "-no-color", "noop.plan"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "\nNo changes. Your infrastructure matches the configuration.\n\nTerraform has compared your real infrastructure against your configuration\nand found no differences, so no changes are needed.\n"
    );
    let j: serde_json::Value =
        serde_json::from_str(&run(&dir, &["show", "-json", "noop.plan"]).stdout).unwrap();
    assert_eq!(j["applyable"], false);
    assert_eq!(
        j["prior_state"]["values"]["root_module"]["resources"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
}

/// Plan JSON with what depends on the moment or on the engine's reference
/// analysis (`relevant_attributes`, not computed by tfrs) left out.
fn comparable_plan_json(text: &str) -> serde_json::Value {
    let mut j: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    if let Some(o) = j.as_object_mut() {
        o.remove("timestamp");
        o.remove("relevant_attributes");
    }
    j
}

#[test]
fn show_agrees_with_terraform() {
    let Some(tf) = terraform() else {
        eprintln!("terraform is not on PATH; skipping");
        return;
    };
    let mut failures = Vec::new();
    // A state terraform would have written.
    let dir = temp_dir("show-tf");
    for args in [&["show"][..], &["show", "-json"]] {
        failures.extend(compare(&tf, &dir, &dir, args, &[]));
    }
    std::fs::write(dir.join("terraform.tfstate"), STATE).unwrap();
    for args in [
        &["show", "-no-color"][..],
        &["show"],
        &["show", "-json"],
        &["show", "-no-color", "terraform.tfstate"],
        &["show", "-json", "terraform.tfstate"],
        &["show", "-no-color", "nope"],
        &["show", "-no-color", "a", "b"],
        &["show", "-bogus"],
    ] {
        failures.extend(compare(&tf, &dir, &dir, args, &[]));
    }

    // Saved plans: each program shows its own plan of the same
    // configuration and state.
    let tf_dir = dir_with("show-tf-plan", &[("main.tf", PLAN_CONFIG)]);
    let rs_dir = dir_with("show-rs-plan", &[("main.tf", PLAN_CONFIG)]);
    let init = run_with(&tf, &tf_dir, &["init", "-no-color", "-input=false"], &[]);
    if init.code != 0 {
        eprintln!(
            "terraform init failed (offline?); skipping plans: {}",
            init.stderr
        );
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        return;
    }
    let mut plan_cases = 0;
    // (A -destroy plan is left out: tfrs does not plan the outputs'
    // removal yet.)
    for step in ["create", "no changes"] {
        let plan_args: &[&str] = &["plan", "-out=p.plan", "-no-color", "-input=false"];
        let want = run_with(&tf, &tf_dir, plan_args, &[]);
        let got = run(&rs_dir, plan_args);
        assert_eq!(
            (want.code, got.code),
            (0, 0),
            "{step}: {}{}",
            want.stderr,
            got.stderr
        );
        failures.extend(
            compare(&tf, &tf_dir, &rs_dir, &["show", "-no-color", "p.plan"], &[])
                .map(|f| format!("{step}: {f}")),
        );
        let want =
            comparable_plan_json(&run_with(&tf, &tf_dir, &["show", "-json", "p.plan"], &[]).stdout);
        let got = comparable_plan_json(&run(&rs_dir, &["show", "-json", "p.plan"]).stdout);
        if want != got {
            failures.push(format!(
                "{step}: show -json p.plan:\n  terraform: {want}\n  tfrs:      {got}"
            ));
        }
        plan_cases += 1;
        if step == "create" {
            // tfrs applies; both go on from the state it wrote (terraform
            // reads it as its own) and show it alike.
            let a = run(
                &rs_dir,
                &["apply", "-auto-approve", "-no-color", "-input=false"],
            );
            assert_eq!(a.code, 0, "{}", a.stderr);
            std::fs::copy(
                rs_dir.join("terraform.tfstate"),
                tf_dir.join("terraform.tfstate"),
            )
            .unwrap();
            for args in [&["show", "-no-color"][..], &["show", "-json"]] {
                failures.extend(
                    compare(&tf, &tf_dir, &rs_dir, args, &[]).map(|f| format!("tfrs's state: {f}")),
                );
            }
        }
    }
    assert_eq!(plan_cases, 2);
    // After destroying: an empty state.
    for (bin, d) in [(tf.clone(), &tf_dir), (tfrs(), &rs_dir)] {
        let a = run_with(
            &bin,
            d,
            &["destroy", "-auto-approve", "-no-color", "-input=false"],
            &[],
        );
        assert_eq!(a.code, 0, "{}", a.stderr);
    }
    for args in [&["show", "-no-color"][..], &["show", "-json"]] {
        failures
            .extend(compare(&tf, &tf_dir, &rs_dir, args, &[]).map(|f| format!("destroyed: {f}")));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------------------
// providers

#[test]
fn providers_lists_requirements_by_module_and_state() {
    let dir = dir_with("providers", PROVIDERS);
    let out = run(&dir, &["providers"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""));
    assert_eq!(out.stdout, PROVIDERS_TREE);

    std::fs::write(dir.join("terraform.tfstate"), STATE).unwrap();
    let out = run(&dir, &["providers"]);
    assert_eq!(
        out.stdout,
        format!("{PROVIDERS_TREE}Providers required by state:\n\n    provider[terraform.io/builtin/terraform]\n\n")
    );

    let empty = temp_dir("providers-empty");
    let out = run(&empty, &["providers", "-no-color"]);
    assert_eq!(out.code, 1);
    let abs = std::fs::canonicalize(&*empty).unwrap();
    assert!(
        out.stderr.contains(&format!(
            "The directory {} contains no Terraform configuration files.",
            abs.display()
        )) || out
            .stderr
            .contains("contains no Terraform configuration files."),
        "{}",
        out.stderr
    );
    let out = run(&dir, &["providers", "extra"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            1,
            "Too many command line arguments. Did you mean to use -chdir?\n"
        )
    );
}

/// A `providers` tree with each node's children sorted: Terraform lists
/// them in Go's random map order.
fn canonical_tree(text: &str) -> String {
    #[derive(Default)]
    struct Node {
        children: BTreeMap<String, Node>,
    }
    let mut root = Node::default();
    let mut path: Vec<String> = Vec::new();
    let mut rest = Vec::new();
    let mut in_tree = false;
    for line in text.lines() {
        if line == "." {
            in_tree = true;
            continue;
        }
        if !in_tree {
            rest.push(line.to_string());
            continue;
        }
        let Some(pos) = line.find("── ") else {
            in_tree = false;
            rest.push(line.to_string());
            continue;
        };
        let depth = line[..pos].chars().count() / 4;
        let name = line[pos + "── ".len()..].to_string();
        path.truncate(depth);
        path.push(name);
        let mut n = &mut root;
        for p in &path {
            n = n.children.entry(p.clone()).or_default();
        }
    }
    fn draw(n: &Node, depth: usize, out: &mut String) {
        for (k, c) in &n.children {
            out.push_str(&format!("{}{k}\n", "  ".repeat(depth)));
            draw(c, depth + 1, out);
        }
    }
    let mut out = String::new();
    draw(&root, 0, &mut out);
    format!("{out}--\n{}", rest.join("\n"))
}

#[test]
fn providers_agree_with_terraform() {
    let Some(tf) = terraform() else {
        eprintln!("terraform is not on PATH; skipping");
        return;
    };
    let dir = dir_with("providers-tf", PROVIDERS);
    // Local modules only: installing them needs no network.
    let get = run_with(&tf, &dir, &["get"], &[]);
    assert_eq!(get.code, 0, "{}", get.stderr);
    std::fs::write(dir.join("terraform.tfstate"), STATE).unwrap();
    let want = run_with(&tf, &dir, &["providers"], &[]);
    let got = run(&dir, &["providers"]);
    assert_eq!(want.code, got.code, "{}", want.stderr);
    // The same entries in the same nesting, and the same text around.
    assert_eq!(canonical_tree(&want.stdout), canonical_tree(&got.stdout));
    assert_eq!(want.stdout.len(), got.stdout.len());
}

// ---------------------------------------------------------------------------
// Environment

#[test]
fn cli_args_come_from_the_environment() {
    let dir = temp_dir("env-args");
    std::fs::write(dir.join("my state.tfstate"), STATE).unwrap();
    // After the command name, shell-split.
    let out = run_env(&dir, &["show"], &[("TF_CLI_ARGS", "-json")]);
    assert_eq!(out.stdout, "{\"format_version\":\"1.0\"}\n");
    let out = run_env(
        &dir,
        &["show"],
        &[("TF_CLI_ARGS_show", "-no-color 'my state.tfstate'")],
    );
    assert_eq!((out.code, out.stdout.as_str()), (0, STATE_SHOW));
    // After a subcommand's name, the command's own before the general ones.
    let out = run_env(
        &dir,
        &["state", "list", "terraform_data.b"],
        &[
            ("TF_CLI_ARGS", "-no-color"),
            ("TF_CLI_ARGS_state_list", r#"-state="my state.tfstate""#),
        ],
    );
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (0, "terraform_data.b[0]\nterraform_data.b[1]\n", "")
    );
    // Not for another command.
    let out = run_env(&dir, &["show"], &[("TF_CLI_ARGS_plan", "-json")]);
    assert_eq!(out.stdout, "No state.\n");
    let out = run_env(&dir, &["show"], &[("TF_CLI_ARGS", "-no-color 'unclosed")]);
    assert_eq!(
        (out.code, out.stdout.as_str(), out.stderr.as_str()),
        (
            1,
            "",
            "Error parsing extra CLI args from TF_CLI_ARGS: invalid command line string\n"
        )
    );

    if let Some(tf) = terraform() {
        let mut failures = Vec::new();
        for env in [
            &[("TF_CLI_ARGS", "-json")][..],
            &[("TF_CLI_ARGS_show", "-no-color 'my state.tfstate'")],
            &[
                ("TF_CLI_ARGS", "-no-color"),
                ("TF_CLI_ARGS_state_list", r#"-state="my state.tfstate""#),
            ],
            &[("TF_CLI_ARGS", "-no-color 'unclosed")],
        ] {
            let args: &[&str] = if env.iter().any(|(k, _)| k.ends_with("state_list")) {
                &["state", "list", "terraform_data.b"]
            } else {
                &["show"]
            };
            failures.extend(compare(&tf, &dir, &dir, args, env).map(|f| format!("{env:?}: {f}")));
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

#[test]
fn tf_log_writes_the_debug_log() {
    let dir = temp_dir("env-log");
    let line = regex::Regex::new(
        r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}(Z|[+-]\d{4}) \[(TRACE|DEBUG|INFO|WARN|ERROR)\] {1,2}\S",
    )
    .unwrap();

    let out = run_env(&dir, &["show", "-no-color"], &[("TF_LOG", "info")]);
    assert_eq!((out.code, out.stdout.as_str()), (0, "No state.\n"));
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(lines.len() >= 3, "{}", out.stderr);
    for l in &lines {
        assert!(line.is_match(l), "{l:?}");
        assert!(l.contains(" [INFO]  "), "{l:?}");
    }
    assert!(out
        .stderr
        .contains("[INFO]  CLI args: []string{\"tfrs\", \"show\", \"-no-color\"}\n"));
    assert!(out
        .stderr
        .contains("[INFO]  CLI command args: []string{\"show\", \"-no-color\"}\n"));

    // More detail at TRACE: the backend and provider calls.
    std::fs::write(dir.join("terraform.tfstate"), STATE).unwrap();
    let out = run_env(&dir, &["show"], &[("TF_LOG", "TRACE")]);
    assert_eq!(out.stdout, STATE_SHOW);
    assert!(
        out.stderr
            .contains("[TRACE] Meta.Backend: using the local backend"),
        "{}",
        out.stderr
    );
    assert!(out
        .stderr
        .contains("[DEBUG] provider: GetProviderSchema: terraform.io/builtin/terraform\n"));
    // The provider log has a level of its own.
    let out = run_env(
        &dir,
        &["show"],
        &[("TF_LOG", "TRACE"), ("TF_LOG_PROVIDER", "ERROR")],
    );
    assert!(!out.stderr.contains("GetProviderSchema"), "{}", out.stderr);
    assert!(out.stderr.contains("[TRACE] Meta.Backend"));

    // Levels filter; OFF and unset write nothing.
    let out = run_env(&dir, &["show"], &[("TF_LOG", "WARN")]);
    assert_eq!(out.stderr, "");
    assert_eq!(run_env(&dir, &["show"], &[("TF_LOG", "off")]).stderr, "");
    assert_eq!(run(&dir, &["show"]).stderr, "");

    // JSON lines.
    let out = run_env(&dir, &["show", "-json"], &[("TF_LOG", "JSON")]);
    assert_eq!(out.stdout, STATE_JSON);
    let mut levels = Vec::new();
    let mut provider_lines = 0;
    for l in out.stderr.lines() {
        let j: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        let keys: Vec<&String> = j.as_object().unwrap().keys().collect();
        assert!(
            keys.iter().any(|k| *k == "@message") && keys.iter().any(|k| *k == "@timestamp"),
            "{l}"
        );
        levels.push(j["@level"].as_str().unwrap().to_string());
        if j["@module"] == "provider" {
            provider_lines += 1;
            assert!(
                j["@message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("GetProviderSchema: ")),
                "{l}"
            );
        }
    }
    assert!(levels.contains(&"info".to_string()) && levels.contains(&"trace".to_string()));
    assert!(provider_lines > 0, "{}", out.stderr);

    // TF_LOG_PATH: appended to the file, nothing on standard error.
    let log = dir.join("tf.log");
    let log_s = log.to_str().unwrap();
    for _ in 0..2 {
        let out = run_env(
            &dir,
            &["show", "-json"],
            &[("TF_LOG", "INFO"), ("TF_LOG_PATH", log_s)],
        );
        assert_eq!((out.stdout.as_str(), out.stderr.as_str()), (STATE_JSON, ""));
    }
    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(text.matches("CLI command args").count(), 2, "{text}");
    assert!(text.lines().all(|l| line.is_match(l)), "{text}");

    // An unknown level: Terraform's warning, then everything.
    let out = run_env(&dir, &["version"], &[("TF_LOG", "loud")]);
    assert!(
        out.stderr.starts_with("[WARN] Invalid log level: \"LOUD\". Defaulting to level: TRACE. Valid levels are: [TRACE DEBUG INFO WARN ERROR OFF]"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.starts_with("tfrs v"));

    if let Some(tf) = terraform() {
        // Terraform's own warning for the same level, byte for byte.
        let want = run_with(&tf, &dir, &["version"], &[("TF_LOG", "loud")]);
        let prefix = "[WARN] Invalid log level: \"LOUD\". Defaulting to level: TRACE. Valid levels are: [TRACE DEBUG INFO WARN ERROR OFF]";
        assert!(want.stderr.starts_with(prefix), "{}", want.stderr);
        // Its start lines look like ours.
        let want = run_with(&tf, &dir, &["show"], &[("TF_LOG", "INFO")]);
        let first = want.stderr.lines().next().unwrap_or_default();
        assert!(line.is_match(first), "{first:?}");
    }
}

#[test]
fn tf_input_false_disables_prompts() {
    let dir = dir_with(
        "env-input",
        &[("main.tf", "resource \"terraform_data\" \"a\" {}\n")],
    );
    for value in ["0", "false", "F", "FALSE"] {
        let out = run_env(&dir, &["apply", "-no-color"], &[("TF_INPUT", value)]);
        assert_eq!(out.code, 1, "{value}");
        assert!(
            !out.stdout.contains("Enter a value"),
            "{value}: {}",
            out.stdout
        );
        assert!(
            out.stderr.contains("Apply requires approval"),
            "{value}: {}",
            out.stderr
        );
    }
    // Otherwise it asks (and, with no answer, cancels).
    let out = run_env(&dir, &["apply", "-no-color"], &[("TF_INPUT", "true")]);
    assert!(out.stdout.contains("Enter a value"), "{}", out.stdout);
    assert!(!dir.join("terraform.tfstate").exists());
}
