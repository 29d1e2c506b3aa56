//! `tfrs console` evaluates in the context of the working directory's
//! module: its variables (with -var), local values, and the resources of
//! its state; it prints each line's result and stops at the first error.

use std::io::Write;
use std::process::{Command, Stdio};

fn console(dir: &std::path::Path, args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(
        std::env::var("TFRS_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_tfrs").to_string()),
    )
    .arg("console")
    .args(args)
    .current_dir(dir)
    .stdin(Stdio::piped())
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .expect("run tfrs console");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn console_sees_variables_locals_and_state() {
    let dir = std::env::temp_dir().join(format!("tfrs-console-ctx-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("main.tf"),
        "variable \"env\" {\n  default = \"dev\"\n}\n\nlocals {\n  name  = \"app-${var.env}\"\n  upper = upper(local.name)\n}\n\nresource \"terraform_data\" \"d\" {\n  count = 2\n  input = local.name\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("terraform.tfstate"),
        r#"{"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "x", "outputs": {},
            "resources": [{"mode": "managed", "type": "terraform_data", "name": "d", "each": "list",
              "provider": "provider[\"terraform.io/builtin/terraform\"]",
              "instances": [
                {"index_key": 0, "schema_version": 0, "attributes": {"id": "first"}, "sensitive_attributes": []},
                {"index_key": 1, "schema_version": 0, "attributes": {"id": "second"}, "sensitive_attributes": []}]}],
            "check_results": null}"#,
    )
    .unwrap();
    let (code, out, err) = console(
        &dir,
        &[],
        "local.upper\nterraform_data.d[1].id\nlength(terraform_data.d)\n",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "\"APP-DEV\"\n\"second\"\n2\n");
    let (_, out, _) = console(&dir, &["-var", "env=prod"], "local.name\n");
    assert_eq!(out, "\"app-prod\"\n");
    let (code, out, err) = console(&dir, &["-no-color"], "1+1\nlocal.nope\n2+2\n");
    assert_eq!(code, 1);
    assert_eq!(out, "2\n");
    assert!(err.contains("Reference to undeclared local value"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
