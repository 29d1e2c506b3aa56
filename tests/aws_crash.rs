//! Crash safety against the emulator (tests/crash.rs does the same with the
//! testing provider): tfrs is killed with SIGKILL at random moments of an
//! apply (and of a destroy) of 27 AWS resources. Each time the state still
//! parses and knows every object that exists in the emulator (by ID, or, for
//! a create that was in flight, as its tainted record without an ID, which
//! the next refresh finds by name); applying again converges: every object
//! is in the state under its ID and the plan is empty.

mod aws_support;

use aws_support::{temp_dir, Emulator};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tfrs::states::State;

const RESOURCES: usize = 27;

/// Three security groups (inline egress), six rules, two VPC ingress
/// rules, a launch template, two target groups, a bucket with eight objects,
/// a table, a role with an inline policy and an instance profile.
fn config() -> String {
    let mut c = String::from(
        r#"provider "aws" {
  region = "us-east-1"
}

data "aws_vpc" "default" {
  default = true
}
"#,
    );
    for g in ["a", "b", "c"] {
        c.push_str(&format!(
            r#"
resource "aws_security_group" "{g}" {{
  name        = "crash-{g}"
  description = "crash test {g}"

  egress {{
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}
"#
        ));
        for port in [22, 443] {
            c.push_str(&format!(
                r#"
resource "aws_security_group_rule" "{g}_{port}" {{
  type              = "ingress"
  from_port         = {port}
  to_port           = {port}
  protocol          = "tcp"
  cidr_blocks       = ["10.0.0.0/8"]
  security_group_id = aws_security_group.{g}.id
}}
"#
            ));
        }
    }
    c.push_str(
        r#"
resource "aws_vpc_security_group_ingress_rule" "a_from_b" {
  security_group_id            = aws_security_group.a.id
  referenced_security_group_id = aws_security_group.b.id
  ip_protocol                  = "tcp"
  from_port                    = 5000
  to_port                      = 5000
}

resource "aws_vpc_security_group_ingress_rule" "c_http" {
  security_group_id = aws_security_group.c.id
  cidr_ipv4         = "192.168.0.0/16"
  ip_protocol       = "tcp"
  from_port         = 8080
  to_port           = 8080
}

resource "aws_launch_template" "app" {
  name                   = "crash-lt"
  image_id               = "ami-0bb4c991fa89d4b9b"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.a.id]
}

resource "aws_lb_target_group" "web" {
  name     = "crash-web"
  port     = 80
  protocol = "HTTP"
  vpc_id   = data.aws_vpc.default.id
}

resource "aws_lb_target_group" "api" {
  name     = "crash-api"
  port     = 5000
  protocol = "HTTP"
  vpc_id   = data.aws_vpc.default.id

  health_check {
    path = "/health"
  }
}

resource "aws_s3_bucket" "files" {
  bucket = "crash-files"
}

resource "aws_dynamodb_table" "items" {
  name         = "crash-items"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_iam_role" "app" {
  name = "crash-app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "ec2.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "items" {
  name = "items"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["dynamodb:GetItem", "dynamodb:PutItem"]
      Resource = aws_dynamodb_table.items.arn
    }]
  })
}

resource "aws_iam_instance_profile" "app" {
  name = "crash-app"
  role = aws_iam_role.app.name
}
"#,
    );
    for i in 0..8 {
        c.push_str(&format!(
            r#"
resource "aws_s3_object" "file{i}" {{
  bucket       = aws_s3_bucket.files.id
  key          = "files/{i}.txt"
  content      = "file {i}"
  content_type = "text/plain"
}}
"#
        ));
    }
    c
}

/// The state file parses; returns how many managed instances it holds and
/// how many of them have no ID (records of interrupted creates).
fn check_state(dir: &Path, when: &str) -> (usize, usize) {
    let path = dir.join("terraform.tfstate");
    if !path.exists() {
        return (0, 0);
    }
    let text = std::fs::read_to_string(&path).expect("read state");
    let state = State::from_json(&text)
        .unwrap_or_else(|e| panic!("{when}: the state does not parse: {e}\n{text}"));
    let instances: Vec<_> = state
        .resources
        .iter()
        .filter(|r| r.mode == "managed")
        .flat_map(|r| r.instances.iter())
        .collect();
    let without_id = instances
        .iter()
        .filter(|i| i.attributes["id"].as_str().is_none_or(str::is_empty))
        .count();
    (instances.len(), without_id)
}

/// A small deterministic generator (no dependency, reproducible runs).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

#[test]
fn sigkill_during_apply_against_the_emulator_leaves_no_orphan() {
    let emu = Emulator::start(&[]);
    let dir = temp_dir("aws-crash");
    let work = dir.join("config");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("main.tf"), config()).unwrap();
    let baseline = dir.join("baseline.json");
    let baseline_arg = baseline.to_string_lossy().into_owned();
    let state_arg = work
        .join("terraform.tfstate")
        .to_string_lossy()
        .into_owned();
    emu.inventory(&["--save", &baseline_arg]);
    let (code, out, err) = emu.tfrs(&work, &["init", "-no-color"]);
    assert_eq!(code, 0, "init failed:\n{out}\n{err}");

    // How long a whole apply and destroy take here, to kill within them.
    let start = Instant::now();
    let (code, out, err) = emu.tfrs(&work, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "apply failed:\n{out}\n{err}");
    assert!(
        out.contains(&format!("Resources: {RESOURCES} added")),
        "{out}"
    );
    let apply_ms = start.elapsed().as_millis() as u64;
    let objects = emu.inventory(&["--baseline", &baseline_arg]).new.len();
    let start = Instant::now();
    let (code, out, err) = emu.tfrs(&work, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "destroy failed:\n{out}\n{err}");
    let destroy_ms = start.elapsed().as_millis() as u64;
    assert!(
        emu.inventory(&["--baseline", &baseline_arg]).new.is_empty(),
        "destroy left objects"
    );

    let mut rng = Lcg(0xa5_c0ffee);
    let mut kills = 0;
    let mut interrupted_creates = 0;
    for round in 0..8 {
        // Every third round kills a destroy of everything (the previous
        // round converged); the others kill an apply that creates
        // everything.
        let destroying = round % 3 == 2;
        if !destroying {
            let (code, out, err) = emu.tfrs(&work, &["destroy", "-auto-approve", "-no-color"]);
            assert_eq!(code, 0, "round {round}: destroy failed:\n{out}\n{err}");
        }
        let (cmd, span) = if destroying {
            ("destroy", destroy_ms)
        } else {
            ("apply", apply_ms)
        };
        let log = dir.join(format!("round{round}.log"));
        let log_file = std::fs::File::create(&log).expect("create the run's log");
        let mut child = emu
            .tfrs_command(&work, &[cmd, "-auto-approve", "-input=false", "-no-color"])
            .stdout(Stdio::from(log_file.try_clone().expect("log file")))
            .stderr(Stdio::from(log_file))
            .spawn()
            .expect("run tfrs");
        // Somewhere in the first half of a run's measured length: the
        // measured run paid one-time costs (a cold emulator), so later runs
        // are shorter, and a later kill can come after they finished.
        std::thread::sleep(Duration::from_millis(20 + rng.next(span / 2)));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            kills += 1;
        }
        let _ = child.wait();
        let when = format!("round {round}, after killing {cmd}");
        let (_, without_id) = check_state(&work, &when);
        interrupted_creates += without_id;
        let after_kill = emu.inventory(&["--baseline", &baseline_arg, "--state", &state_arg]);
        assert!(
            after_kill.orphans.is_empty(),
            "{when}: objects exist that the state does not know: {:?}\nthe killed run's output:\n{}",
            after_kill.orphans,
            std::fs::read_to_string(&log).unwrap_or_default()
        );

        // Applying again converges.
        let (code, out, err) = emu.tfrs(&work, &["apply", "-auto-approve", "-no-color"]);
        assert_eq!(
            code, 0,
            "round {round}: apply after the crash failed:\n{out}\n{err}"
        );
        let when = format!("round {round}, after applying again");
        let (instances, without_id) = check_state(&work, &when);
        assert_eq!(
            (instances, without_id),
            (RESOURCES, 0),
            "{when}: managed instances, and those without an ID"
        );
        let converged = emu.inventory(&["--baseline", &baseline_arg, "--state", &state_arg]);
        assert!(
            converged.orphans.is_empty(),
            "{when}: objects the state does not know: {:?}",
            converged.orphans
        );
        assert_eq!(
            converged.new.len(),
            objects,
            "{when}: objects in the emulator: {:?}",
            converged.new
        );
        let (code, out, err) = emu.tfrs(&work, &["plan", "-detailed-exitcode", "-no-color"]);
        assert_eq!(code, 0, "{when}: the plan is not empty:\n{out}\n{err}");
    }
    assert!(
        kills >= 6,
        "only {kills} of the runs were still going when killed"
    );
    eprintln!(
        "{kills} runs killed; {interrupted_creates} creates were in flight (apply {apply_ms} ms, destroy {destroy_ms} ms)"
    );
    let (code, out, err) = emu.tfrs(&work, &["destroy", "-auto-approve", "-no-color"]);
    assert_eq!(code, 0, "destroy failed:\n{out}\n{err}");
    assert!(
        emu.inventory(&["--baseline", &baseline_arg]).new.is_empty(),
        "destroy left objects"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
