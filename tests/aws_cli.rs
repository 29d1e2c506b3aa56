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

fn emulator(env: &[(&str, PathBuf)]) -> Emulator {
    let mut child = Command::new("python3")
        .envs(env.iter().map(|(k, v)| (k, v)))
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
    let out = Command::new(
        std::env::var("TFRS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tfrs").to_string()),
    )
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
    let emu = emulator(&[]);
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

/// The monolithic configuration's network pieces, as the user wrote them: a
/// security group with only a name and six separate rules (the group must
/// not plan to remove them), the AMI found by wildcard filters, plus a
/// group with inline rules written as blocks (one a `dynamic` block), a
/// VPC rule and a key pair.
#[test]
fn security_groups_and_rules_against_the_emulator() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let emu = emulator(&[("MOTO_AMIS_PATH", root.join("testdata/originals/amis.json"))]);
    let dir = std::env::temp_dir().join(format!("tfrs-aws-cli-sg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let rule = |name: &str, kind: &str, port: u32, protocol: &str| {
        format!(
            r#"
resource "aws_security_group_rule" "{name}" {{
  type              = "{kind}"
  from_port         = {port}
  to_port           = {port}
  protocol          = "{protocol}"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.fortune_sg.id
}}
"#
        )
    };
    let mut config = r#"terraform {
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

data "aws_ami" "amazon_linux" {
  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["amzn2-ami-hvm-*-x86_64-gp2"]
  }

  filter {
    name   = "image-id"
    values = ["ami-*"]
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

data "aws_subnet" "first" {
  availability_zone = data.aws_availability_zones.available.names[0]
  default_for_az    = true
}

resource "aws_key_pair" "fortune" {
  key_name   = "fortune-key"
  public_key = "KEY"
}

resource "aws_security_group" "fortune_sg" {
  name = "fortune-sg"
}

resource "aws_security_group" "web" {
  name_prefix = "web-"
  vpc_id      = data.aws_subnet.first.vpc_id

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  dynamic "ingress" {
    for_each = [8080, 8081]
    content {
      from_port       = ingress.value
      to_port         = ingress.value
      protocol        = "tcp"
      security_groups = [aws_security_group.fortune_sg.id]
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_web" {
  security_group_id            = aws_security_group.fortune_sg.id
  referenced_security_group_id = aws_security_group.web.id
  ip_protocol                  = "tcp"
  from_port                    = 5000
  to_port                      = 5000
}

data "aws_security_group" "by_name" {
  name = aws_security_group.fortune_sg.name
}

output "ami" {
  value = data.aws_ami.amazon_linux.id
}

output "zones" {
  value = length(data.aws_availability_zones.available.names)
}

output "web_ingress" {
  value = length(aws_security_group.web.ingress)
}

output "found_group" {
  value = data.aws_security_group.by_name.id == aws_security_group.fortune_sg.id
}
"#
    .replace("KEY", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCwFJakENtNC9Cb6rN266nWf1biH++nd5vk9e3193G1yp8avSSVHcZiL7EcL0s0+Lhx2FB454WyVJ8EXWO+fO6JRPV+/pgwkKwrS7mxQE9Y6iISq5MT0/fD/ZldIDMLGl2d/kkYXLqF14IWTb01bG4Ix5PaGKp+UcnMhh5JzfT3byQ6m1yv2xzD/r9pT6nHHgZivGMaVmhGDIpwl5zsiFWc16qSj/e104a3JbV7AcETFI2yaX75SjqUbweHo83tK5H9SK9jnGJ8H0E5dIbf4vM8p/EwTjzVJhbxH3EjFKdyfxjRqw+XDEbg8Zeqk/HyhQuGbxEdZPdNAj7pdut+vPft fortune@example");
    for (name, kind, port, protocol) in [
        ("ingress_ssh", "ingress", 22, "tcp"),
        ("ingress_http", "ingress", 80, "tcp"),
        ("ingress_flask", "ingress", 5000, "tcp"),
        ("egress_http", "egress", 80, "tcp"),
        ("egress_flask", "egress", 5000, "tcp"),
        ("egress_all", "egress", 0, "-1"),
    ] {
        config.push_str(&rule(name, kind, port, protocol));
    }
    std::fs::write(dir.join("main.tf"), config).unwrap();
    let (code, out, err) = tfrs(&dir, &emu, &["init"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = tfrs(&dir, &emu, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "apply failed:\n{out}\n{err}");
    assert!(
        out.contains("Apply complete! Resources: 10 added, 0 changed, 0 destroyed."),
        "{out}"
    );
    assert!(out.contains("ami = \"ami-0bb4c991fa89d4b9b\""), "{out}");
    assert!(out.contains("zones = 6"), "{out}");
    assert!(out.contains("web_ingress = 3"), "{out}");
    assert!(out.contains("found_group = true"), "{out}");
    // The group with only a name does not plan to remove the six rules.
    let (code, out, err) = tfrs(&dir, &emu, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(code, 0, "the plan after apply is not empty:\n{out}\n{err}");
    let (code, out, err) = tfrs(&dir, &emu, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "destroy failed:\n{out}\n{err}");
    assert!(
        out.contains("Destroy complete! Resources: 10 destroyed."),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A function packaged by the built-in archive provider: init accepts
/// `hashicorp/archive`, the zip is made while planning, the function's
/// code hash is the archive's, the static site bucket gets its policy and
/// website; a second apply after a code change updates the code in place.
#[test]
fn lambda_from_archive_file_against_the_emulator() {
    let emu = emulator(&[]);
    let dir = std::env::temp_dir().join(format!("tfrs-aws-cli-lambda-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let handler = |text: &str| {
        std::fs::write(
            dir.join("src/lambda_function.py"),
            format!("def lambda_handler(event, context):\n    return {{\"body\": \"{text}\"}}\n"),
        )
        .unwrap()
    };
    handler("fortune");
    std::fs::write(
        dir.join("main.tf"),
        r#"terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.16.2"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.4"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

data "archive_file" "lambda" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/lambda.zip"
}

resource "aws_iam_role" "lambda" {
  name = "fortune-lambda-role"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_lambda_function" "fortune" {
  function_name    = "fortune-lambda"
  filename         = data.archive_file.lambda.output_path
  source_code_hash = data.archive_file.lambda.output_base64sha256
  runtime          = "python3.11"
  handler          = "lambda_function.lambda_handler"
  role             = aws_iam_role.lambda.arn
  environment {
    variables = {
      TABLE = "fortunes"
    }
  }
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowExecutionFromAPIGateway"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.fortune.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "arn:aws:execute-api:us-east-1:123456789012:abc123/*/*"
}

resource "aws_s3_bucket" "site" {
  bucket = "www.example.site"
}

resource "aws_s3_bucket_website_configuration" "site" {
  bucket = aws_s3_bucket.site.id
  index_document {
    suffix = "index.html"
  }
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket              = aws_s3_bucket.site.id
  block_public_policy = false
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "${aws_s3_bucket.site.arn}/*" }]
  })
}

data "aws_s3_bucket" "site" {
  bucket     = aws_s3_bucket.site.id
  depends_on = [aws_s3_bucket_website_configuration.site]
}

output "code_hash" {
  value = aws_lambda_function.fortune.code_sha256
}

output "archive_hash" {
  value = data.archive_file.lambda.output_base64sha256
}

output "invoke_arn" {
  value = aws_lambda_function.fortune.invoke_arn
}

output "website" {
  value = data.aws_s3_bucket.site.website_endpoint
}
"#,
    )
    .unwrap();
    let (code, out, err) = tfrs(&dir, &emu, &["init", "-no-color"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("hashicorp/archive"), "{out}");
    let (code, out, err) = tfrs(&dir, &emu, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "apply failed:\n{out}\n{err}");
    assert!(
        out.contains("Apply complete! Resources: 7 added, 0 changed, 0 destroyed."),
        "{out}"
    );
    let output = |out: &str, name: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} = ")))
            .map(|v| v.trim_matches('"').to_string())
            .unwrap_or_default()
    };
    // Lambda's hash of the uploaded code is the archive's.
    let archive_hash = output(&out, "archive_hash");
    assert_eq!(archive_hash.len(), 44, "{out}");
    assert_eq!(output(&out, "code_hash"), archive_hash, "{out}");
    assert_eq!(
        output(&out, "invoke_arn"),
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:fortune-lambda/invocations"
    );
    assert_eq!(
        output(&out, "website"),
        "www.example.site.s3-website-us-east-1.amazonaws.com"
    );
    let (code, out, err) = tfrs(&dir, &emu, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(code, 0, "the plan after apply is not empty:\n{out}\n{err}");
    // New code: the archive and the hash change, the function is updated
    // in place.
    handler("fortune v2");
    let (code, out, err) = tfrs(&dir, &emu, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "apply failed:\n{out}\n{err}");
    assert!(
        out.contains("Apply complete! Resources: 0 added, 1 changed, 0 destroyed."),
        "{out}"
    );
    let new_hash = output(&out, "archive_hash");
    assert_ne!(new_hash, archive_hash);
    assert_eq!(output(&out, "code_hash"), new_hash, "{out}");
    let (code, out, err) = tfrs(&dir, &emu, &["plan", "-detailed-exitcode", "-no-color"]);
    assert_eq!(
        code, 0,
        "the plan after the update is not empty:\n{out}\n{err}"
    );
    let (code, out, err) = tfrs(&dir, &emu, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "destroy failed:\n{out}\n{err}");
    assert!(
        out.contains("Destroy complete! Resources: 7 destroyed."),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
