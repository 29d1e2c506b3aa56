//! Snapshot tests of `tfrs validate`: the configurations written after the
//! user's originals validate; each broken configuration in testdata/invalid
//! fails with exactly the diagnostics the reference terraform printed
//! (`expected.txt`, or `expected-alt.txt` where terraform's order varies;
//! `tfrs-expected.txt`, where present, is what tfrs prints instead, where it
//! deliberately differs).
//! Cases listed in testdata/invalid/known_differences.txt are tracked, not
//! failed, and must leave the list once they agree.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn validate(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(
        std::env::var("TFRS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tfrs").to_string()),
    )
    .arg("validate")
    .args(args)
    .current_dir(dir)
    .output()
    .expect("run tfrs validate");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn originals_validate() {
    for name in ["monolithic", "microservices", "serverless"] {
        let dir = root().join("testdata/originals").join(name);
        let (code, stdout, stderr) = validate(&dir, &["-no-color"]);
        assert_eq!(code, 0, "{name}: {stderr}");
        assert!(
            stdout.starts_with("Success! The configuration is valid"),
            "{name}: {stdout}"
        );
    }
}

#[test]
fn originals_validate_json() {
    let dir = root().join("testdata/originals/serverless");
    let (code, stdout, _) = validate(&dir, &["-json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(v["format_version"], "1.0");
    assert_eq!(v["valid"], true);
    assert_eq!(v["error_count"], 0);
}

#[test]
fn broken_configurations_match_terraform() {
    let base = root().join("testdata/invalid");
    let known: Vec<String> = std::fs::read_to_string(base.join("known_differences.txt"))
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&base)
        .expect("testdata/invalid")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expected.txt").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 8);
    let mut agree = 0;
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    for dir in &cases {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let (code, stdout, stderr) = validate(dir, &["-no-color"]);
        if !known.contains(&name) {
            assert_ne!(code, 0, "{name}: validate succeeded: {stdout}");
        }
        // Where tfrs deliberately says something else than terraform (its
        // built-in providers, its offline modules), tfrs-expected.txt holds
        // what tfrs must print instead.
        let files: &[&str] = if dir.join("tfrs-expected.txt").is_file() {
            &["tfrs-expected.txt"]
        } else {
            &["expected.txt", "expected-alt.txt"]
        };
        let expected: Vec<String> = files
            .iter()
            .filter_map(|f| std::fs::read_to_string(dir.join(f)).ok())
            .collect();
        let same = expected.contains(&stderr);
        if same {
            agree += 1;
            if known.contains(&name) {
                fixed.push(name);
            }
        } else if !known.contains(&name) {
            unexpected.push(format!(
                "{name}:\n--- terraform\n{}\n--- tfrs\n{stderr}",
                expected[0]
            ));
        }
    }
    println!(
        "validate diagnostics identical to terraform: {agree}/{}",
        cases.len()
    );
    assert!(
        unexpected.is_empty() && fixed.is_empty(),
        "differences:\n{}\nlisted but now agreeing: {fixed:?}",
        unexpected.join("\n")
    );
}
