//! Local state files (Terraform's `statemgr.Filesystem`, made atomic).
//!
//! Locking follows Terraform: the state file itself carries an `fcntl`
//! write lock (created empty if absent, removed again on unlock if still
//! empty), and `.terraform.tfstate.lock.info` next to it holds the lock
//! information while the lock is held. Writes go to a temporary file that is
//! locked before it is renamed over the state file, so the path always
//! names a locked file while we hold the lock.

use super::lock::AttemptError;
use super::os;
use super::BackendError;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use tfrs_provider::storage::{LockError, LockInfo};

/// Where a local workspace's state lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatePaths {
    /// The state is read from here...
    pub read: PathBuf,
    /// ...and written (and locked) here; the same unless `-state-out`.
    pub write: PathBuf,
    /// The state as it was before this run, written on the first change;
    /// `None` when backups are off (`-backup=-`).
    pub backup: Option<PathBuf>,
}

/// What Go's `syscall.EAGAIN` prints; Terraform shows it for a held lock.
pub const LOCK_HELD_MESSAGE: &str = "resource temporarily unavailable";

pub(crate) struct LocalStore {
    pub(crate) paths: StatePaths,
    /// The open state file holding our lock.
    locked: Option<File>,
    /// We created the (empty) state file to lock it.
    created: bool,
}

impl LocalStore {
    pub(crate) fn new(paths: StatePaths) -> LocalStore {
        LocalStore {
            paths,
            locked: None,
            created: false,
        }
    }

    pub(crate) fn lock_info_path(&self) -> PathBuf {
        lock_info_path(&self.paths.write)
    }

    /// One attempt at the lock.
    pub(crate) fn try_lock(&mut self, info: &LockInfo) -> Result<String, AttemptError> {
        let path = self.paths.write.clone();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                AttemptError::Fatal(BackendError::Io(os::go_io_error("mkdir", dir, &e)))
            })?;
        }
        loop {
            let existed = path.exists();
            let file = open_for_lock(&path).map_err(|e| {
                AttemptError::Fatal(BackendError::Io(os::go_io_error("open", &path, &e)))
            })?;
            let got = os::try_lock(&file).map_err(|e| {
                AttemptError::Fatal(BackendError::Io(os::go_io_error("lock", &path, &e)))
            })?;
            if !got {
                return Err(AttemptError::Held(self.held_error()));
            }
            if !os::same_file(&file, &path) {
                // Replaced (renamed over or removed) between open and lock.
                continue;
            }
            self.created = !existed;
            self.locked = Some(file);
            break;
        }
        let mut info = info.clone();
        info.path = self.paths.read.display().to_string();
        let lock_path = self.lock_info_path();
        let written = os::create_private(&lock_path).and_then(|mut f| {
            use std::io::Write;
            f.write_all(info.to_json().as_bytes())
        });
        if let Err(e) = written {
            let _ = self.release();
            return Err(AttemptError::Fatal(BackendError::Io(format!(
                "could not write lock info for {:?}: {}",
                self.paths.read.display().to_string(),
                os::go_io_error("open", &lock_path, &e)
            ))));
        }
        Ok(info.id)
    }

    /// The error for a lock someone else holds, with their lock info when
    /// it can be read (as Terraform's `statemgr.Filesystem.Lock`).
    fn held_error(&self) -> LockError {
        let path = self.lock_info_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => match LockInfo::from_json(&text) {
                Ok(info) => LockError::held(LOCK_HELD_MESSAGE, info),
                Err(e) => LockError::failed(format!(
                    "{LOCK_HELD_MESSAGE}\nstate file {:?} locked, but could not unmarshal lock info: {e}",
                    self.paths.read.display().to_string()
                )),
            },
            Err(e) => LockError::failed(format!("{LOCK_HELD_MESSAGE}\n{}", os::go_io_error("open", &path, &e))),
        }
    }

    /// The bytes of the state, `None` when there is no file.
    pub(crate) fn read(&mut self) -> Result<Option<Vec<u8>>, BackendError> {
        if self.paths.read == self.paths.write {
            if let Some(f) = self.locked.as_mut() {
                // Read through the locked descriptor.
                let mut buf = Vec::new();
                f.seek(SeekFrom::Start(0))
                    .and_then(|_| f.read_to_end(&mut buf))
                    .map_err(|e| BackendError::Io(os::go_io_error("read", &self.paths.read, &e)))?;
                return Ok(Some(buf));
            }
        }
        read_file(&self.paths.read)
    }

    /// Replaces the state file atomically, keeping the lock if we hold it.
    pub(crate) fn write(&mut self, bytes: &[u8]) -> Result<(), BackendError> {
        let mut path = self.paths.write.clone();
        // A symlinked state file is replaced at its target, as Terraform
        // (which writes in place) would update it.
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            if let Ok(target) = std::fs::canonicalize(&path) {
                path = target;
            }
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| BackendError::Io(os::go_io_error("mkdir", dir, &e)))?;
        }
        let locked = self.locked.is_some();
        let new = os::write_atomic(&path, bytes, |f| {
            if locked && !os::try_lock(f)? {
                return Err(std::io::Error::other("could not lock the new state file"));
            }
            Ok(())
        })
        .map_err(|e| {
            BackendError::Io(format!(
                "failed to write state: {}",
                os::go_io_error("write", &path, &e)
            ))
        })?;
        if locked {
            // The old file's lock goes with its descriptor.
            self.locked = Some(new);
        }
        self.created = false;
        Ok(())
    }

    pub(crate) fn write_backup(&mut self, bytes: &[u8]) -> Result<(), BackendError> {
        let Some(path) = self.paths.backup.clone() else {
            return Ok(());
        };
        os::write_atomic(&path, bytes, |_| Ok(())).map_err(|e| {
            BackendError::Io(format!(
                "failed to write local state backup file: {}",
                os::go_io_error("write", &path, &e)
            ))
        })?;
        Ok(())
    }

    /// Removes the lock info and releases the lock; removes the state file
    /// if we created it for locking and never wrote it.
    pub(crate) fn release(&mut self) -> Result<(), BackendError> {
        let Some(file) = self.locked.take() else {
            return Ok(());
        };
        let _ = std::fs::remove_file(self.lock_info_path());
        let result = os::unlock(&file)
            .map_err(|e| BackendError::Io(os::go_io_error("unlock", &self.paths.write, &e)));
        let empty = file.metadata().map(|m| m.len() == 0).unwrap_or(false);
        if self.created && empty && os::same_file(&file, &self.paths.write) {
            let _ = std::fs::remove_file(&self.paths.write);
        }
        drop(file);
        self.created = false;
        result
    }
}

impl Drop for LocalStore {
    fn drop(&mut self) {
        let _ = self.release();
    }
}

/// Terraform's lock info file for a state file: `.terraform.tfstate.lock.info`.
pub fn lock_info_path(state: &Path) -> PathBuf {
    let name = state
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("terraform.tfstate");
    let name = name.strip_prefix('.').unwrap_or(name);
    let file = format!(".{name}.lock.info");
    match state.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.join(file),
        _ => PathBuf::from(file),
    }
}

fn open_for_lock(path: &Path) -> std::io::Result<File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// The bytes of a file, `None` when it does not exist.
pub(crate) fn read_file(path: &Path) -> Result<Option<Vec<u8>>, BackendError> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(b)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(BackendError::Io(os::go_io_error("open", path, &e))),
    }
}
