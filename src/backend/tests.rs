use super::*;
use crate::states::{InstanceState, OutputState};
use std::time::Duration;
use tfrs_provider::storage::MemoryStorage;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tfrs-backend-{name}-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn state_with_output(value: &str) -> State {
    let mut s = State::new(crate::states::new_lineage());
    s.outputs.insert(
        "o".into(),
        OutputState {
            value: serde_json::Value::from(value),
            ty: serde_json::Value::from("string"),
            sensitive: false,
        },
    );
    s
}

fn add_resource(s: &mut State, name: &str) {
    let addr = match crate::addrs::parse_target(&format!("terraform_data.{name}")).unwrap() {
        crate::addrs::Target::Resource(r) => r.instance(crate::addrs::InstanceKey::None),
        _ => unreachable!(),
    };
    s.set_instance(
        &addr,
        "provider[\"terraform.io/builtin/terraform\"]",
        None,
        Some(InstanceState {
            index_key: None,
            status: None,
            deposed: None,
            schema_version: 0,
            attributes: serde_json::json!({"id": name}),
            sensitive_attributes: vec![],
            private: None,
            dependencies: vec![],
            create_before_destroy: false,
        }),
    );
}

#[test]
fn persist_increments_serial_only_on_change_and_writes_backup() {
    let dir = temp_dir("persist");
    let backend = Backend::local(&dir);
    let path = dir.join("terraform.tfstate");
    let backup = dir.join("terraform.tfstate.backup");

    // First run: no state yet.
    let mut mgr = backend
        .lock_state("default", &mut LockOptions::new("OperationTypeApply"))
        .unwrap();
    assert!(mgr.state().is_none());
    let mut s = state_with_output("a");
    let lineage = s.lineage.clone();
    mgr.persist(&mut s).unwrap();
    assert_eq!(s.serial, 1);
    assert_eq!(s.lineage, lineage);
    // Unchanged content: no new serial.
    mgr.persist(&mut s).unwrap();
    assert_eq!(s.serial, 1);
    // Changed content: serial + 1, same lineage.
    add_resource(&mut s, "a");
    mgr.persist(&mut s).unwrap();
    assert_eq!(s.serial, 2);
    assert!(!backup.exists(), "no backup without an original state");
    mgr.unlock().unwrap();

    let on_disk = backend.read_state("default").unwrap().unwrap();
    assert_eq!(on_disk.serial, 2);
    assert_eq!(on_disk.lineage, lineage);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let first_text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(first_text, json::state_file_text(&on_disk));

    // Second run: a fresh state with other content and another lineage
    // gets the stored lineage and serial 3; the backup is the old file.
    let mut mgr = backend
        .lock_state("default", &mut LockOptions::new("OperationTypeApply"))
        .unwrap();
    let mut s2 = state_with_output("b");
    mgr.persist(&mut s2).unwrap();
    assert_eq!((s2.serial, s2.lineage.as_str()), (3, lineage.as_str()));
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), first_text);
    // Only the first change of a run writes the backup.
    let mut s3 = state_with_output("c");
    mgr.persist(&mut s3).unwrap();
    assert_eq!(s3.serial, 4);
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), first_text);
    drop(mgr);
    // No temporary files or lock info left behind.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["terraform.tfstate", "terraform.tfstate.backup"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unchanged_run_writes_nothing_and_empty_lock_file_is_removed() {
    let dir = temp_dir("empty");
    let backend = Backend::local(&dir);
    let mgr = backend
        .lock_state("default", &mut LockOptions::new("OperationTypePlan"))
        .unwrap();
    // Terraform creates the state file to lock it...
    assert!(dir.join("terraform.tfstate").exists());
    assert!(dir.join(".terraform.tfstate.lock.info").exists());
    let info = std::fs::read_to_string(dir.join(".terraform.tfstate.lock.info")).unwrap();
    let info = LockInfo::from_json(&info).unwrap();
    assert_eq!(info.operation, "OperationTypePlan");
    assert_eq!(Some(info.id.as_str()), mgr.lock_id());
    drop(mgr);
    // ...and removes it again when nothing was written.
    assert!(!dir.join("terraform.tfstate").exists());
    assert!(!dir.join(".terraform.tfstate.lock.info").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(target_os = "linux")]
#[test]
fn a_held_lock_is_reported_with_its_info() {
    let dir = temp_dir("held");
    let backend = Backend::local(&dir);
    let mut first = backend
        .lock_state("default", &mut LockOptions::new("OperationTypeApply"))
        .unwrap();
    let mut s = state_with_output("a");
    first.persist(&mut s).unwrap(); // the lock survives the atomic rename
    let err = match backend.lock_state("default", &mut LockOptions::new("state-rm")) {
        Err(e) => e,
        Ok(_) => panic!("second lock must fail"),
    };
    let BackendError::Lock(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.message, "resource temporarily unavailable");
    let info = e.info.as_ref().unwrap();
    assert_eq!(Some(info.id.as_str()), first.lock_id());
    assert_eq!(info.operation, "OperationTypeApply");
    assert!(info.path.ends_with("terraform.tfstate"));
    let diag = lock_diagnostic(&err);
    assert!(diag
        .detail
        .starts_with("Error message: resource temporarily unavailable\nLock Info:\n  ID:        "));

    // With a timeout the second run waits for the first to finish.
    let handle = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        drop(first);
    });
    let mut opts = LockOptions::new("state-rm");
    opts.timeout = Duration::from_secs(10);
    let second = backend.lock_state("default", &mut opts).unwrap();
    handle.join().unwrap();
    assert_eq!(second.state().unwrap().serial, 1);
    drop(second);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_lock_reads_and_writes_without_lock_files() {
    let dir = temp_dir("nolock");
    let backend = Backend::local(&dir);
    let mut mgr = backend
        .lock_state("default", &mut LockOptions::none())
        .unwrap();
    assert!(mgr.lock_id().is_none());
    assert!(!dir.join(".terraform.tfstate.lock.info").exists());
    let mut s = state_with_output("x");
    mgr.persist(&mut s).unwrap();
    drop(mgr);
    assert_eq!(backend.read_state("default").unwrap().unwrap().serial, 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn workspaces_and_paths() {
    let dir = temp_dir("ws");
    let backend = Backend::local(&dir);
    assert_eq!(backend.workspaces().unwrap(), vec!["default"]);
    assert_eq!(backend.selected_workspace(), "default");
    backend.create_workspace("dev").unwrap();
    backend.create_workspace("b").unwrap();
    assert_eq!(backend.workspaces().unwrap(), vec!["default", "b", "dev"]);
    backend.select_workspace("dev").unwrap();
    assert_eq!(backend.selected_workspace(), "dev");
    assert_eq!(
        std::fs::read_to_string(dir.join(".terraform/environment")).unwrap(),
        "dev"
    );
    let p = backend.state_paths("dev").unwrap();
    assert_eq!(
        p.read,
        dir.join("terraform.tfstate.d/dev/terraform.tfstate")
    );
    assert_eq!(
        p.backup,
        Some(dir.join("terraform.tfstate.d/dev/terraform.tfstate.backup"))
    );
    let mut mgr = backend
        .lock_state("dev", &mut LockOptions::new("x"))
        .unwrap();
    mgr.persist(&mut state_with_output("d")).unwrap();
    drop(mgr);
    assert!(dir
        .join("terraform.tfstate.d/dev/terraform.tfstate")
        .exists());
    assert!(!dir.join("terraform.tfstate").exists());
    assert!(
        matches!(backend.delete_workspace("default"), Err(BackendError::Workspace(m)) if m == "cannot delete default state")
    );
    backend.delete_workspace("dev").unwrap();
    assert_eq!(backend.workspaces().unwrap(), vec!["default", "b"]);

    let over = Backend::open(
        &dir,
        BackendConfig::Local(LocalConfig {
            state: Some("other.tfstate".into()),
            backup: Some("-".into()),
            ..LocalConfig::default()
        }),
    );
    let p = over.state_paths("anything").unwrap();
    assert_eq!(p.read, dir.join("other.tfstate"));
    assert_eq!(p.backup, None);
    assert!(valid_workspace_name("a-b_c.d~$&+:=@"));
    assert!(
        !valid_workspace_name("a b") && !valid_workspace_name("a/b") && !valid_workspace_name("é")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn remote_storage_backend() {
    let storage = Arc::new(MemoryStorage::new());
    let backend = Backend::open(".", BackendConfig::Remote(storage.clone()));
    assert!(backend.read_state("default").unwrap().is_none());
    let mut mgr = backend
        .lock_state("default", &mut LockOptions::new("OperationTypeApply"))
        .unwrap();
    assert!(storage.lock_info("default").is_some());
    let held = backend.lock_state("default", &mut LockOptions::new("x"));
    assert!(matches!(
        held,
        Err(BackendError::Lock(LockError { info: Some(_), .. }))
    ));
    let mut s = state_with_output("r");
    mgr.persist(&mut s).unwrap();
    drop(mgr);
    assert!(storage.lock_info("default").is_none());
    assert_eq!(backend.read_state("default").unwrap().unwrap().serial, 1);
    backend.create_workspace("dev").unwrap();
    assert_eq!(backend.workspaces().unwrap(), vec!["default", "dev"]);
    assert_eq!(backend.read_state("dev").unwrap().unwrap().serial, 1);
    backend.delete_workspace("dev").unwrap();
    assert_eq!(backend.workspaces().unwrap(), vec!["default"]);
}

#[test]
fn import_checks_lineage_and_serial() {
    let mut existing = state_with_output("a");
    existing.serial = 5;
    let mut new = existing.clone();
    new.serial = 4;
    assert_eq!(
        check_valid_import(&new, &existing).unwrap_err().to_string(),
        "cannot import state with serial 4 over newer state with serial 5"
    );
    new.serial = 6;
    assert!(check_valid_import(&new, &existing).is_ok());
    new.serial = 5;
    assert!(check_valid_import(&new, &existing).is_ok());
    new.outputs.clear();
    assert!(check_valid_import(&new, &existing)
        .unwrap_err()
        .to_string()
        .contains("same serial"));
    new.lineage = "other".into();
    assert!(check_valid_import(&new, &existing)
        .unwrap_err()
        .to_string()
        .contains("unrelated state"));
}

#[cfg(unix)]
#[test]
fn a_symlinked_state_file_is_updated_at_its_target() {
    let dir = temp_dir("symlink");
    std::fs::create_dir_all(dir.join("real")).unwrap();
    let backend = Backend::local(&dir);
    let mut mgr = backend
        .lock_state("default", &mut LockOptions::none())
        .unwrap();
    mgr.persist(&mut state_with_output("a")).unwrap();
    drop(mgr);
    std::fs::rename(dir.join("terraform.tfstate"), dir.join("real/state.json")).unwrap();
    std::os::unix::fs::symlink(dir.join("real/state.json"), dir.join("terraform.tfstate")).unwrap();
    let mut mgr = backend
        .lock_state("default", &mut LockOptions::new("x"))
        .unwrap();
    let mut s = state_with_output("b");
    mgr.persist(&mut s).unwrap();
    drop(mgr);
    assert!(std::fs::symlink_metadata(dir.join("terraform.tfstate"))
        .unwrap()
        .file_type()
        .is_symlink());
    let text = std::fs::read_to_string(dir.join("real/state.json")).unwrap();
    assert!(text.contains("\"serial\": 2"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
