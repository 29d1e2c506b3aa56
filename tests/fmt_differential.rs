//! `tfrs fmt` against `terraform fmt`.
//!
//! - `matches_terraform`: every `.tf` file under `testdata/` and
//!   `architectures/` is formatted by both (`fmt -` on its content) and the
//!   outputs and exit codes must be identical. Skipped when `terraform` is
//!   not on `PATH`.
//! - `matches_goldens`: the corpus in `testdata/fmt/` against the recorded
//!   output of `terraform fmt` (`<name>.tf.golden`); always runs.
//! - `cli_matches_terraform`: the listing, `-check`, `-diff` and `-write`
//!   behaviour on a scratch directory. Skipped without `terraform`.
//!
//! To re-record the goldens: `for f in testdata/fmt/*.tf; do
//! TF_CLI_CONFIG_FILE=/dev/null terraform fmt -no-color - <$f >$f.golden; done`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The `tfrs` binary: `TFRS_BIN` when set, else the one cargo built.
fn tfrs_bin() -> String {
    std::env::var("TFRS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tfrs").to_string())
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Whether `terraform` can be run; prints a note when it cannot.
fn have_terraform() -> bool {
    let ok = Command::new("terraform")
        .arg("version")
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("note: terraform is not on PATH; skipping the comparison with terraform");
    }
    ok
}

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn run(program: &str, args: &[&str], dir: &Path, stdin: &[u8]) -> Run {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("CHECKPOINT_DISABLE", "1")
        .env_remove("TF_CLI_ARGS")
        .env_remove("TF_CLI_ARGS_fmt")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("waiting");
    let _ = writer.join();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: out.stderr,
    }
}

fn fmt_stdin(program: &str, src: &[u8]) -> Run {
    run(program, &["fmt", "-no-color", "-"], &root(), src)
}

/// Every `.tf` file under `dir`, recursively, skipping `.terraform`.
fn tf_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name != ".terraform" {
                tf_files(&path, out);
            }
        } else if name.ends_with(".tf") {
            out.push(path);
        }
    }
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn matches_terraform() {
    if !have_terraform() {
        return;
    }
    let mut files = Vec::new();
    tf_files(&root().join("testdata"), &mut files);
    tf_files(&root().join("architectures"), &mut files);
    assert!(!files.is_empty(), "no .tf files found");
    let mut failures = Vec::new();
    for path in &files {
        let src = std::fs::read(path).expect("reading");
        let want = fmt_stdin("terraform", &src);
        let got = fmt_stdin(&tfrs_bin(), &src);
        if want.code != got.code || want.stdout != got.stdout {
            failures.push(format!(
                "{}: terraform exit {} vs tfrs exit {}\n--- terraform\n{}\n--- tfrs\n{}",
                path.display(),
                want.code,
                got.code,
                show(&want.stdout),
                show(&got.stdout)
            ));
        }
    }
    eprintln!(
        "fmt: {}/{} files identical to terraform fmt",
        files.len() - failures.len(),
        files.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn matches_goldens() {
    let dir = root().join("testdata/fmt");
    let mut files = Vec::new();
    tf_files(&dir, &mut files);
    assert!(files.len() >= 30, "the fmt corpus is missing");
    let mut failures = Vec::new();
    for path in &files {
        let golden_path = PathBuf::from(format!("{}.golden", path.display()));
        let golden = std::fs::read(&golden_path)
            .unwrap_or_else(|e| panic!("{}: {e}", golden_path.display()));
        let src = std::fs::read(path).expect("reading");
        let got = fmt_stdin(&tfrs_bin(), &src);
        if got.code != 0 || got.stdout != golden {
            failures.push(format!(
                "{}: exit {}\n--- golden\n{}\n--- tfrs\n{}\n{}",
                path.display(),
                got.code,
                show(&golden),
                show(&got.stdout),
                show(&got.stderr)
            ));
        }
        // The goldens are formatted: formatting them again changes nothing.
        let again = fmt_stdin(&tfrs_bin(), &golden);
        if again.stdout != golden {
            failures.push(format!("{}: not idempotent", golden_path.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A scratch directory with a few files, one per kind of outcome.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tfrs-fmt-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    std::fs::create_dir_all(dir.join(".hidden")).expect("mkdir");
    let files: &[(&str, &str)] = &[
        ("a.tf", "a=1\nbb = 2\n"),
        ("b.tf", "b = 2\n"),
        ("c.tfvars", "c=\"x\"\n"),
        ("d.tftest.hcl", "run \"x\" {\ncommand=plan\n}\n"),
        ("e.txt", "e=1\n"),
        ("f.tf~", "f=1\n"),
        ("sub/g.tf", "g=1\n"),
        (".hidden/h.tf", "h=1\n"),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write");
    }
    dir
}

fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)
            .expect("readdir")
            .filter_map(Result::ok)
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("prefix").display().to_string();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn cli_matches_terraform() {
    if !have_terraform() {
        return;
    }
    let cases: &[&[&str]] = &[
        &["fmt", "-no-color"],
        &["fmt", "-no-color", "-check"],
        &["fmt", "-no-color", "-check", "-list=false"],
        &["fmt", "-no-color", "-check", "-recursive"],
        &["fmt", "-no-color", "-write=false"],
        &["fmt", "-no-color", "-write=false", "-diff"],
        &["fmt", "-no-color", "-list=false", "-write=false"],
        &["fmt", "-no-color", "-recursive"],
        &["fmt", "-no-color", "-diff", "a.tf"],
        &["fmt", "-no-color", "b.tf"],
        &["fmt", "-no-color", "-check", "-diff", "sub"],
        &["fmt", "-no-color", "missing.tf"],
        &["fmt", "-no-color", "e.txt"],
        &["fmt", "-no-color", "-list=maybe"],
    ];
    let mut failures = Vec::new();
    for (i, args) in cases.iter().enumerate() {
        let want_dir = scratch(&format!("tf{i}"));
        let got_dir = scratch(&format!("rs{i}"));
        let want = run("terraform", args, &want_dir, b"");
        let got = run(&tfrs_bin(), args, &got_dir, b"");
        let stderr_matters = want.code != 1; // usage text names the program
        if want.code != got.code
            || want.stdout != got.stdout
            || (stderr_matters && want.stderr != got.stderr)
            || tree(&want_dir) != tree(&got_dir)
        {
            failures.push(format!(
                "{args:?}: exit {} vs {}\n--- terraform stdout\n{}--- tfrs stdout\n{}--- terraform stderr\n{}--- tfrs stderr\n{}",
                want.code,
                got.code,
                show(&want.stdout),
                show(&got.stdout),
                show(&want.stderr),
                show(&got.stderr)
            ));
        }
        let _ = std::fs::remove_dir_all(&want_dir);
        let _ = std::fs::remove_dir_all(&got_dir);
    }
    // Standard input, formatted and with -check.
    for args in [
        &["fmt", "-"][..],
        &["fmt", "-check", "-"][..],
        &["fmt", "-diff", "-"][..],
    ] {
        let src = b"a=1\nbbb = \"${x}\"\n";
        let want = run("terraform", args, &root(), src);
        let got = run(&tfrs_bin(), args, &root(), src);
        if want.code != got.code || want.stdout != got.stdout {
            failures.push(format!(
                "{args:?}: exit {} vs {}\n--- terraform\n{}--- tfrs\n{}",
                want.code,
                got.code,
                show(&want.stdout),
                show(&got.stdout)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
