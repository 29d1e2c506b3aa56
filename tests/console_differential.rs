//! Differential test of `tfrs console` against `terraform console`.
//!
//! testdata/console/golden.jsonl holds what the reference terraform v1.11.4
//! printed for each expression of testdata/console/cases.txt (recorded by
//! testdata/console/record.py, one expression a run, with `-no-color`).
//! This test runs `tfrs console -no-color` on each expression and compares
//! stdout, stderr and the exit status, byte for byte: the rendering when
//! terraform succeeded, the whole error output when it failed.
//! Expressions listed in known_differences.txt are tracked, not failed; any
//! other difference fails the test, and so does a listed one that now
//! agrees (so the list only shrinks).
//!
//! `live_reference_agrees_with_golden` re-runs a sample through the real
//! terraform when it is on PATH, so the golden file cannot go stale; it
//! skips where terraform is absent.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Debug)]
struct Case {
    expr: String,
    exit: i64,
    stdout: String,
    stderr: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load_cases() -> Vec<Case> {
    let text =
        std::fs::read_to_string(root().join("testdata/console/golden.jsonl")).expect("golden file");
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("golden line is JSON");
            Case {
                expr: v["expr"].as_str().unwrap_or_default().to_string(),
                exit: v["exit"].as_i64().unwrap_or(-1),
                stdout: v["stdout"].as_str().unwrap_or_default().to_string(),
                stderr: v["stderr"].as_str().unwrap_or_default().to_string(),
            }
        })
        .collect()
}

fn run_console(bin: &Path, dir: &Path, expr: &str, args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(bin)
        .arg("console")
        .args(args)
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn console");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{expr}\n").as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("console output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The summary line of the first diagnostic (`Error: ...`).
fn error_summary(stderr: &str) -> Option<String> {
    stderr
        .lines()
        .map(|l| l.trim_start_matches(['│', '╷', ' ']))
        .find(|l| l.starts_with("Error: "))
        .map(|l| l.trim().to_string())
}

fn compare(case: &Case, got: &(i32, String, String)) -> Result<(), String> {
    let (code, stdout, stderr) = got;
    if case.exit == 0 {
        if *code != 0 {
            return Err(format!(
                "terraform printed {:?}, tfrs failed: {}",
                case.stdout,
                stderr.trim()
            ));
        }
        if *stdout != case.stdout {
            return Err(format!(
                "terraform printed {:?}, tfrs printed {:?}",
                case.stdout, stdout
            ));
        }
        return Ok(());
    }
    if *code == 0 {
        return Err(format!(
            "terraform failed ({:?}), tfrs printed {:?}",
            error_summary(&case.stderr),
            stdout
        ));
    }
    let want = error_summary(&case.stderr);
    let have = error_summary(stderr);
    if want != have {
        return Err(format!(
            "terraform failed with {want:?}, tfrs with {have:?}"
        ));
    }
    if *stderr != case.stderr {
        return Err(format!(
            "terraform printed {:?} on stderr, tfrs {:?}",
            case.stderr, stderr
        ));
    }
    if stdout != &case.stdout {
        return Err(format!(
            "terraform printed {:?} on stdout, tfrs {:?}",
            case.stdout, stdout
        ));
    }
    Ok(())
}

#[test]
fn console_matches_terraform_golden() {
    let bin = PathBuf::from(
        std::env::var("TFRS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tfrs").to_string()),
    );
    let cases = load_cases();
    assert!(cases.len() >= 400, "the corpus has {} cases", cases.len());
    let known: BTreeSet<String> =
        std::fs::read_to_string(root().join("testdata/console/known_differences.txt"))
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(String::from)
            .collect();
    let dir = tempdir();
    let results: Vec<Result<(), String>> = std::thread::scope(|s| {
        let chunks: Vec<&[Case]> = cases.chunks(cases.len().div_ceil(4)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let bin = &bin;
                let dir = &dir;
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|c| compare(c, &run_console(bin, dir, &c.expr, &["-no-color"])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    let mut agree = 0;
    let mut unexpected = Vec::new();
    let mut fixed = Vec::new();
    for (case, r) in cases.iter().zip(&results) {
        match r {
            Ok(()) => {
                agree += 1;
                if known.contains(&case.expr) {
                    fixed.push(case.expr.clone());
                }
            }
            Err(e) => {
                if !known.contains(&case.expr) {
                    unexpected.push(format!("{}\n    {e}", case.expr));
                }
            }
        }
    }
    println!(
        "console agreement with terraform: {agree}/{} ({:.1}%)",
        cases.len(),
        100.0 * agree as f64 / cases.len() as f64
    );
    if std::env::var_os("TFRS_WRITE_KNOWN_DIFFERENCES").is_some() {
        let list: Vec<&str> = cases
            .iter()
            .zip(&results)
            .filter(|(_, r)| r.is_err())
            .map(|(c, _)| c.expr.as_str())
            .collect();
        std::fs::write(
            root().join("testdata/console/known_differences.txt"),
            format!("# Expressions where tfrs console still differs from terraform console.\n# Regenerate with TFRS_WRITE_KNOWN_DIFFERENCES=1 cargo test --test console_differential\n{}\n", list.join("\n")),
        )
        .expect("write known differences");
        return;
    }
    assert!(
        unexpected.is_empty() && fixed.is_empty(),
        "{} new differences:\n{}\n{} listed differences now agree (remove them from known_differences.txt):\n{}",
        unexpected.len(),
        unexpected.join("\n"),
        fixed.len(),
        fixed.join("\n")
    );
}

fn tempdir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("tfrs-console-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

fn terraform_available() -> bool {
    Command::new("terraform")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

#[test]
fn live_reference_agrees_with_golden() {
    if !terraform_available() {
        eprintln!("terraform is not on PATH: skipping the live comparison");
        return;
    }
    let cases = load_cases();
    let dir = tempdir();
    // Every 25th case: enough to notice a stale golden file, cheap to run.
    for case in cases.iter().step_by(25) {
        let got = run_console(Path::new("terraform"), &dir, &case.expr, &["-no-color"]);
        let (code, stdout, stderr) = &got;
        assert_eq!(
            (*code == 0, stdout.as_str(), stderr.as_str()),
            (case.exit == 0, case.stdout.as_str(), case.stderr.as_str()),
            "terraform console no longer prints the recorded result for {:?}",
            case.expr
        );
    }
}
