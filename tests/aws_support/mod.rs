//! What the CLI tests against the emulator share: starting it, running
//! tfrs with its address, and asking it what exists
//! (testdata/emulator/inventory.py).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn tfrs_bin() -> String {
    std::env::var("TFRS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tfrs").to_string())
}

/// The emulator (testdata/emulator/server.py) on a free port; stopped on drop.
pub struct Emulator {
    child: Child,
    pub url: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Emulator {
    pub fn start(env: &[(&str, PathBuf)]) -> Emulator {
        let mut child = Command::new("python3")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .arg(root().join("testdata/emulator/server.py"))
            .args(["--host", "127.0.0.1", "--port", "0", "--quiet"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("emulator stdout"))
            .read_line(&mut line)
            .expect("the emulator prints its address");
        let url = line
            .trim()
            .strip_prefix("emulator listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from the emulator: {line:?}"))
            .to_string();
        Emulator { child, url }
    }

    /// tfrs as a user runs it against the emulator: only the endpoint and
    /// credentials in the environment.
    pub fn tfrs_command(&self, dir: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(tfrs_bin());
        cmd.args(args)
            .current_dir(dir)
            .env("AWS_ENDPOINT_URL", &self.url)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("TF_IN_AUTOMATION", "1")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_REGION")
            .env_remove("AWS_DEFAULT_REGION");
        cmd
    }

    /// Runs tfrs to the end: exit code, stdout, stderr.
    pub fn tfrs(&self, dir: &Path, args: &[&str]) -> (i32, String, String) {
        let out = self.tfrs_command(dir, args).output().expect("run tfrs");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Runs a Python script of the repository with `--endpoint` set.
    pub fn python(&self, script: &str, args: &[&str]) -> Output {
        let out = Command::new("python3")
            .arg(root().join(script))
            .args(["--endpoint", &self.url])
            .args(args)
            .output()
            .expect("run python3");
        assert!(
            out.status.success(),
            "{script} {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// testdata/emulator/inventory.py's report (see there).
    pub fn inventory(&self, args: &[&str]) -> Inventory {
        let out = self.python("testdata/emulator/inventory.py", args);
        let json: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("inventory.py prints JSON");
        let keys = |k: &str| -> Vec<String> {
            json[k]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default()
        };
        Inventory {
            objects: json["objects"]
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default(),
            new: keys("new"),
            orphans: keys("orphans"),
        }
    }
}

pub struct Inventory {
    /// Every object's key (`security_group:sg-...`).
    pub objects: Vec<String>,
    /// Keys not in the baseline.
    pub new: Vec<String>,
    /// New keys the state does not cover.
    pub orphans: Vec<String>,
}

impl Inventory {
    /// How many new objects of a kind (`instance`, `s3_object`) there are.
    pub fn count_new(&self, kind: &str) -> usize {
        self.new
            .iter()
            .filter(|k| k.split_once(':').is_some_and(|(x, _)| x == kind))
            .count()
    }
}

/// A fresh, empty directory under the system's temp dir.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tfrs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a temp dir");
    dir
}
