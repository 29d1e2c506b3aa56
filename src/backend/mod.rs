//! Where state lives (Terraform's backends and `statemgr`): the local
//! backend's files, or any [`StateStorage`] (S3), behind one API.
//!
//! - [`Backend`]: workspaces (the current one from `TF_WORKSPACE` or
//!   `.terraform/environment`), reading a workspace's state, and locking it
//!   for a run.
//! - [`StateManager`]: one run's handle on a workspace's state. It holds the
//!   lock until dropped and [`persist`](StateManager::persist)s new
//!   snapshots: serial + 1 and the same lineage when the content changed,
//!   written atomically (mode 0600), the previous state kept as
//!   `terraform.tfstate.backup` on the first change.
//!
//! Local paths: `terraform.tfstate` for `default`,
//! `terraform.tfstate.d/NAME/terraform.tfstate` for the others; `-state`,
//! `-state-out` and `-backup` override them ([`LocalConfig`]).

pub mod json;
pub mod local;
pub mod lock;
pub mod os;
pub mod workdir;

pub use local::StatePaths;
pub use lock::{lock_diagnostic, new_lock_info, parse_duration, unlock_diagnostic, LockOptions};
pub use tfrs_provider::storage::{
    LockError, LockInfo, RemoteBackend, StateStorage, StorageError, DEFAULT_WORKSPACE,
};

use crate::diag::{Diagnostics, SourceMap};
use crate::states::State;
use local::LocalStore;
use lock::AttemptError;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The file, under the data directory, naming the selected workspace.
pub const ENVIRONMENT_FILE: &str = "environment";
/// The default state file name.
pub const DEFAULT_STATE_FILE: &str = "terraform.tfstate";
/// Where the local backend keeps other workspaces' states.
pub const DEFAULT_WORKSPACE_DIR: &str = "terraform.tfstate.d";
/// What Terraform appends to a state path for its backup.
pub const BACKUP_EXTENSION: &str = ".backup";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendError {
    /// A file could not be read or written (the message is Go-shaped:
    /// `open terraform.tfstate: permission denied`).
    Io(String),
    /// The remote storage failed.
    Storage(StorageError),
    /// The lock is held by someone else, or locking failed.
    Lock(LockError),
    /// The state is not a valid state file.
    Parse(String),
    /// `state push` refused: lineage or serial (Terraform's messages).
    Import(String),
    /// A workspace problem (`cannot delete default state`, an invalid
    /// `TF_WORKSPACE`).
    Workspace(String),
    /// The backend configuration is wrong or needs `init` (Terraform's
    /// diagnostics, e.g. "Backend initialization required").
    Config(Diagnostics),
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackendError::Io(s)
            | BackendError::Parse(s)
            | BackendError::Import(s)
            | BackendError::Workspace(s) => f.write_str(s),
            BackendError::Storage(e) => write!(f, "{e}"),
            BackendError::Lock(e) => write!(f, "{e}"),
            BackendError::Config(d) => {
                let texts: Vec<String> = d
                    .iter()
                    .map(|x| {
                        if x.detail.is_empty() {
                            x.summary.clone()
                        } else {
                            format!("{}\n\n{}", x.summary, x.detail)
                        }
                    })
                    .collect();
                f.write_str(&texts.join("\n\n"))
            }
        }
    }
}

impl std::error::Error for BackendError {}

impl From<StorageError> for BackendError {
    fn from(e: StorageError) -> BackendError {
        BackendError::Storage(e)
    }
}

/// The local backend's settings: the `backend "local"` block (`path`,
/// `workspace_dir`) and the legacy command-line overrides.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalConfig {
    /// `path`: the default workspace's state file.
    pub path: Option<PathBuf>,
    /// `workspace_dir`: where other workspaces live (`terraform.tfstate.d`).
    pub workspace_dir: Option<PathBuf>,
    /// `-state=PATH`: read (and write) this file whatever the workspace.
    pub state: Option<PathBuf>,
    /// `-state-out=PATH`: write here instead.
    pub state_out: Option<PathBuf>,
    /// `-backup=PATH`; `-` turns backups off.
    pub backup: Option<PathBuf>,
}

/// Which backend to open.
#[derive(Clone)]
pub enum BackendConfig {
    Local(LocalConfig),
    Remote(Arc<dyn StateStorage>),
}

impl Default for BackendConfig {
    fn default() -> BackendConfig {
        BackendConfig::Local(LocalConfig::default())
    }
}

static REMOTE_BACKENDS: OnceLock<Vec<&'static dyn RemoteBackend>> = OnceLock::new();

/// Registers the remote backend types (the S3 one, from the AWS provider
/// crate, which the core does not link); `false` if already registered.
pub fn register_remote_backends(backends: Vec<&'static dyn RemoteBackend>) -> bool {
    REMOTE_BACKENDS.set(backends).is_ok()
}

/// The registered remote backend type called `name`.
pub fn remote_backend(name: &str) -> Option<&'static dyn RemoteBackend> {
    REMOTE_BACKENDS
        .get()?
        .iter()
        .copied()
        .find(|b| b.name() == name)
}

/// The backend of a working directory.
#[derive(Clone)]
pub struct Backend {
    dir: PathBuf,
    kind: Kind,
}

#[derive(Clone)]
enum Kind {
    Local(LocalConfig),
    Remote(Arc<dyn StateStorage>),
}

/// Whether Terraform accepts `name` as a workspace name (it must survive
/// URL path escaping unchanged).
pub fn valid_workspace_name(name: &str) -> bool {
    name.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.~$&+:=@".contains(&b))
}

/// `TF_WORKSPACE` when set (and not empty).
pub fn workspace_override() -> Option<String> {
    std::env::var("TF_WORKSPACE").ok().filter(|s| !s.is_empty())
}

impl Backend {
    /// The backend of the working directory `dir` with the given settings.
    pub fn open(dir: impl Into<PathBuf>, config: BackendConfig) -> Backend {
        Backend {
            dir: dir.into(),
            kind: match config {
                BackendConfig::Local(c) => Kind::Local(c),
                BackendConfig::Remote(s) => Kind::Remote(s),
            },
        }
    }

    /// The local backend with default paths.
    pub fn local(dir: impl Into<PathBuf>) -> Backend {
        Backend::open(dir, BackendConfig::default())
    }

    /// The backend `init` configured for `dir` (recorded in
    /// `.terraform/terraform.tfstate`), local when none is, after checking
    /// it against the `backend` block of the configuration in `dir`
    /// (loaded into `sources`); with the backend's warnings. The local
    /// overrides (`-state`...) apply to a local backend, and a `-state`
    /// path selects the local backend whatever is configured.
    pub fn for_working_dir(
        dir: impl Into<PathBuf>,
        overrides: LocalConfig,
        sources: &SourceMap,
    ) -> Result<(Backend, Diagnostics), BackendError> {
        let dir = dir.into();
        let block = workdir::load_block(&dir, sources);
        let info = match &block {
            Some(b) => workdir::BlockInfo::Loaded(b.as_ref()),
            None => workdir::BlockInfo::Unknown,
        };
        let configured = workdir::configured(&dir, overrides, info, sources);
        if let Ok((b, _)) = &configured {
            if b.is_local() {
                crate::logging::trace(format_args!("Meta.Backend: using the local backend"));
            } else {
                crate::logging::trace(format_args!("Meta.Backend: instantiated a remote backend"));
            }
        }
        configured
    }

    /// As [`for_working_dir`](Backend::for_working_dir) for a command that
    /// has loaded the configuration: `block` is its `backend` block.
    /// Returns the backend's warnings (deprecated settings) too.
    pub fn configured(
        dir: impl Into<PathBuf>,
        overrides: LocalConfig,
        block: Option<&crate::config::Backend>,
        sources: &SourceMap,
    ) -> Result<(Backend, Diagnostics), BackendError> {
        let dir = dir.into();
        workdir::configured(&dir, overrides, workdir::BlockInfo::Loaded(block), sources)
    }

    pub fn is_local(&self) -> bool {
        matches!(self.kind, Kind::Local(_))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `TF_DATA_DIR`, or `.terraform` in the working directory.
    pub fn data_dir(&self) -> PathBuf {
        match std::env::var("TF_DATA_DIR").ok().filter(|s| !s.is_empty()) {
            Some(d) => PathBuf::from(d),
            None => self.resolve(Path::new(".terraform")),
        }
    }

    fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() || self.dir.as_os_str().is_empty() || self.dir == Path::new(".") {
            p.to_path_buf()
        } else {
            self.dir.join(p)
        }
    }

    /// The selected workspace: `TF_WORKSPACE`, else the environment file,
    /// else `default`.
    pub fn current_workspace(&self) -> Result<String, BackendError> {
        if let Some(ws) = workspace_override() {
            if !valid_workspace_name(&ws) {
                return Err(BackendError::Workspace(
                    "Invalid workspace name set using TF_WORKSPACE".into(),
                ));
            }
            return Ok(ws);
        }
        Ok(self.selected_workspace())
    }

    /// The workspace named in the environment file (ignoring `TF_WORKSPACE`).
    pub fn selected_workspace(&self) -> String {
        let text =
            std::fs::read_to_string(self.data_dir().join(ENVIRONMENT_FILE)).unwrap_or_default();
        let name = text.trim();
        if name.is_empty() {
            DEFAULT_WORKSPACE.to_string()
        } else {
            name.to_string()
        }
    }

    /// Records `name` as the selected workspace.
    pub fn select_workspace(&self, name: &str) -> Result<(), BackendError> {
        let dir = self.data_dir();
        std::fs::create_dir_all(&dir)
            .map_err(|e| BackendError::Io(os::go_io_error("mkdir", &dir, &e)))?;
        let path = dir.join(ENVIRONMENT_FILE);
        std::fs::write(&path, name)
            .map_err(|e| BackendError::Io(os::go_io_error("open", &path, &e)))
    }

    fn workspace_dir(&self, c: &LocalConfig) -> PathBuf {
        self.resolve(
            c.workspace_dir
                .as_deref()
                .unwrap_or(Path::new(DEFAULT_WORKSPACE_DIR)),
        )
    }

    /// Every workspace: `default` first, the others sorted.
    pub fn workspaces(&self) -> Result<Vec<String>, BackendError> {
        match &self.kind {
            Kind::Local(c) => {
                let mut out = vec![DEFAULT_WORKSPACE.to_string()];
                let dir = self.workspace_dir(c);
                let entries = match std::fs::read_dir(&dir) {
                    Ok(e) => e,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
                    Err(e) => return Err(BackendError::Io(os::go_io_error("open", &dir, &e))),
                };
                let mut listed: Vec<String> = entries
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().map(|t| t.is_dir()).unwrap_or(false))
                    .filter_map(|e| e.file_name().to_str().map(String::from))
                    .collect();
                listed.sort();
                out.extend(listed);
                Ok(out)
            }
            Kind::Remote(s) => {
                let mut out = s.workspaces()?;
                if !out.iter().any(|w| w == DEFAULT_WORKSPACE) {
                    out.insert(0, DEFAULT_WORKSPACE.to_string());
                }
                Ok(out)
            }
        }
    }

    pub fn workspace_exists(&self, name: &str) -> Result<bool, BackendError> {
        Ok(self.workspaces()?.iter().any(|w| w == name))
    }

    /// Makes sure `name` exists: the local backend creates its directory, a
    /// remote one stores an empty state.
    pub fn create_workspace(&self, name: &str) -> Result<(), BackendError> {
        match &self.kind {
            Kind::Local(c) => {
                if name == DEFAULT_WORKSPACE {
                    return Ok(());
                }
                let dir = self.workspace_dir(c).join(name);
                std::fs::create_dir_all(&dir)
                    .map_err(|e| BackendError::Io(os::go_io_error("mkdir", &dir, &e)))
            }
            Kind::Remote(_) => {
                if self.workspace_exists(name)? {
                    return Ok(());
                }
                let mut mgr = self.lock_state(name, &mut LockOptions::new("init"))?;
                if mgr.state().is_none() {
                    let mut state = State::new(crate::states::new_lineage());
                    mgr.persist(&mut state)?;
                }
                mgr.unlock()
            }
        }
    }

    /// Deletes a workspace and its state (Terraform's `DeleteWorkspace`).
    pub fn delete_workspace(&self, name: &str) -> Result<(), BackendError> {
        if name.is_empty() {
            return Err(BackendError::Workspace("empty state name".into()));
        }
        if name == DEFAULT_WORKSPACE {
            return Err(BackendError::Workspace(
                "cannot delete default state".into(),
            ));
        }
        match &self.kind {
            Kind::Local(c) => {
                let dir = self.workspace_dir(c).join(name);
                match std::fs::remove_dir_all(&dir) {
                    Ok(()) => Ok(()),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                    Err(e) => Err(BackendError::Io(os::go_io_error("unlinkat", &dir, &e))),
                }
            }
            Kind::Remote(s) => Ok(s.delete_workspace(name)?),
        }
    }

    /// `force-unlock`: removes the lock `id` of a workspace's remote state.
    /// A local state cannot be unlocked by another process (its lock goes
    /// with the process), as in Terraform.
    pub fn force_unlock(&self, workspace: &str, id: &str) -> Result<(), BackendError> {
        match &self.kind {
            Kind::Local(_) => Err(BackendError::Lock(LockError::failed(
                "LocalState not locked",
            ))),
            Kind::Remote(s) => s.unlock(workspace, id).map_err(BackendError::Lock),
        }
    }

    /// The local files of a workspace (Terraform's `StatePaths`); `None`
    /// for a remote backend.
    pub fn state_paths(&self, workspace: &str) -> Option<StatePaths> {
        match &self.kind {
            Kind::Local(c) => Some(self.local_paths(c, workspace)),
            Kind::Remote(_) => None,
        }
    }

    fn local_paths(&self, c: &LocalConfig, workspace: &str) -> StatePaths {
        let is_default = workspace.is_empty() || workspace == DEFAULT_WORKSPACE;
        let read = match &c.state {
            Some(p) => self.resolve(p),
            None => match (&c.path, is_default) {
                (Some(p), true) => self.resolve(p),
                (_, true) => self.resolve(Path::new(DEFAULT_STATE_FILE)),
                (_, false) => self
                    .workspace_dir(c)
                    .join(workspace)
                    .join(DEFAULT_STATE_FILE),
            },
        };
        let write = match &c.state_out {
            Some(p) => self.resolve(p),
            None => read.clone(),
        };
        let backup = match c.backup.as_deref() {
            Some(p) if p == Path::new("-") => None,
            Some(p) => Some(self.resolve(p)),
            None => {
                let mut s = write.clone().into_os_string();
                s.push(BACKUP_EXTENSION);
                Some(PathBuf::from(s))
            }
        };
        StatePaths {
            read,
            write,
            backup,
        }
    }

    /// The state of `workspace` without locking; `None` when it has none.
    pub fn read_state(&self, workspace: &str) -> Result<Option<State>, BackendError> {
        let bytes = match &self.kind {
            Kind::Local(c) => local::read_file(&self.local_paths(c, workspace).read)?,
            Kind::Remote(s) => s.get(workspace)?,
        };
        parse_state(bytes.as_deref())
    }

    /// A [`StateManager`] for one run on `workspace`: locked unless
    /// `opts.lock` is false (retrying for `opts.timeout`), with the state
    /// read after locking. A held lock is [`BackendError::Lock`]; show it
    /// with [`lock_diagnostic`].
    pub fn lock_state(
        &self,
        workspace: &str,
        opts: &mut LockOptions<'_>,
    ) -> Result<StateManager, BackendError> {
        let mut store = match &self.kind {
            Kind::Local(c) => Store::Local(LocalStore::new(self.local_paths(c, workspace))),
            Kind::Remote(s) => Store::Remote(RemoteStore {
                storage: s.clone(),
                workspace: workspace.to_string(),
                lock_id: None,
            }),
        };
        let mut lock_id = None;
        if opts.lock {
            let info = new_lock_info(&opts.operation);
            let id = lock::retry_lock(opts, || store.try_lock(&info))?;
            lock_id = Some(id);
        }
        let mut mgr = StateManager {
            store,
            workspace: workspace.to_string(),
            lock_id,
            original: None,
            backup_written: false,
            last: None,
        };
        mgr.refresh()?;
        Ok(mgr)
    }
}

/// Parses state file bytes; empty or absent is no state.
pub fn parse_state(bytes: Option<&[u8]>) -> Result<Option<State>, BackendError> {
    let Some(bytes) = bytes else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(bytes);
    if text.trim().is_empty() {
        return Ok(None);
    }
    State::from_json(&text)
        .map(Some)
        .map_err(BackendError::Parse)
}

/// Whether two states have the same content (Terraform's
/// `StatesMarshalEqual`: lineage, serial and version aside).
pub fn same_content(a: &State, b: &State) -> bool {
    a.outputs == b.outputs && a.resources == b.resources && a.check_results == b.check_results
}

enum Store {
    Local(LocalStore),
    Remote(RemoteStore),
}

struct RemoteStore {
    storage: Arc<dyn StateStorage>,
    workspace: String,
    lock_id: Option<String>,
}

impl Store {
    fn try_lock(&mut self, info: &LockInfo) -> Result<String, AttemptError> {
        match self {
            Store::Local(l) => l.try_lock(info),
            Store::Remote(r) => match r.storage.lock(&r.workspace, info) {
                Ok(id) => {
                    r.lock_id = Some(id.clone());
                    Ok(id)
                }
                Err(e) if e.info.is_some() => Err(AttemptError::Held(e)),
                Err(e) => Err(AttemptError::Fatal(BackendError::Lock(e))),
            },
        }
    }
    fn read(&mut self) -> Result<Option<Vec<u8>>, BackendError> {
        match self {
            Store::Local(l) => l.read(),
            Store::Remote(r) => Ok(r.storage.get(&r.workspace)?),
        }
    }
    fn write(&mut self, bytes: &[u8]) -> Result<(), BackendError> {
        match self {
            Store::Local(l) => l.write(bytes),
            Store::Remote(r) => Ok(r.storage.put(&r.workspace, bytes)?),
        }
    }
    fn write_backup(&mut self, bytes: &[u8]) -> Result<(), BackendError> {
        match self {
            Store::Local(l) => l.write_backup(bytes),
            Store::Remote(_) => Ok(()),
        }
    }
    fn release(&mut self) -> Result<(), BackendError> {
        match self {
            Store::Local(l) => l.release(),
            Store::Remote(r) => match r.lock_id.take() {
                Some(id) => r
                    .storage
                    .unlock(&r.workspace, &id)
                    .map_err(BackendError::Lock),
                None => Ok(()),
            },
        }
    }
}

impl Drop for RemoteStore {
    fn drop(&mut self) {
        if let Some(id) = self.lock_id.take() {
            let _ = self.storage.unlock(&self.workspace, &id);
        }
    }
}

/// One run's handle on a workspace's state: holds the lock (released on
/// drop or [`unlock`](StateManager::unlock)) and writes new snapshots.
pub struct StateManager {
    store: Store,
    workspace: String,
    lock_id: Option<String>,
    /// The state as first read (bytes and parsed), for the backup.
    original: Option<(Vec<u8>, State)>,
    backup_written: bool,
    /// The snapshot last read or written.
    last: Option<State>,
}

impl StateManager {
    pub fn workspace(&self) -> &str {
        &self.workspace
    }

    /// The ID of the lock held, if locking was on.
    pub fn lock_id(&self) -> Option<&str> {
        self.lock_id.as_deref()
    }

    /// The local files, for the local backend.
    pub fn paths(&self) -> Option<&StatePaths> {
        match &self.store {
            Store::Local(l) => Some(&l.paths),
            Store::Remote(_) => None,
        }
    }

    /// Where the backup of the original state goes (`None`: no backup).
    /// State commands use a timestamped path
    /// (`terraform.tfstate.1700000000.backup`).
    pub fn set_backup_path(&mut self, path: Option<PathBuf>) {
        if let Store::Local(l) = &mut self.store {
            l.paths.backup = path;
            self.backup_written = false;
        }
    }

    /// The latest snapshot (as read when locking, or as last persisted);
    /// `None` when the workspace has no state yet.
    pub fn state(&self) -> Option<&State> {
        self.last.as_ref()
    }

    /// Re-reads the state from storage.
    pub fn refresh(&mut self) -> Result<Option<&State>, BackendError> {
        let bytes = self.store.read()?;
        let state = parse_state(bytes.as_deref())?;
        if self.original.is_none() {
            if let (Some(b), Some(s)) = (bytes, state.as_ref()) {
                self.original = Some((b, s.clone()));
            }
        }
        self.last = state;
        Ok(self.last.as_ref())
    }

    /// Writes `state` as the new snapshot. When its content (resources,
    /// outputs, check results) differs from the last snapshot, the serial
    /// becomes the last one's plus one and the lineage stays the last one's
    /// (a first snapshot keeps `state`'s lineage, or gets a new one);
    /// `state` is updated to what was written. Unchanged content writes
    /// nothing. The first change also writes the backup of the original.
    pub fn persist(&mut self, state: &mut State) -> Result<(), BackendError> {
        if let Some(last) = &self.last {
            if same_content(last, state) {
                state.serial = last.serial;
                state.lineage = last.lineage.clone();
                return Ok(());
            }
            state.serial = last.serial + 1;
            state.lineage = last.lineage.clone();
        } else {
            state.serial += 1;
            if state.lineage.is_empty() {
                state.lineage = crate::states::new_lineage();
            }
        }
        self.write_snapshot(state)
    }

    /// Writes `state` with its own lineage and serial (Terraform's forced
    /// snapshot metadata: `state push -force`, migrations).
    pub fn persist_as_is(&mut self, state: &mut State) -> Result<(), BackendError> {
        self.write_snapshot(state)
    }

    /// `state push`: writes `state` with its own lineage and serial after
    /// Terraform's checks (`CheckValidImport`) unless `force`.
    pub fn import(&mut self, state: &mut State, force: bool) -> Result<(), BackendError> {
        if !force {
            if let Some(existing) = &self.last {
                check_valid_import(state, existing)?;
            }
        }
        self.write_snapshot(state)
    }

    fn write_snapshot(&mut self, state: &mut State) -> Result<(), BackendError> {
        normalize(state);
        state.version = crate::states::STATE_VERSION;
        state.terraform_version = crate::command::TERRAFORM_VERSION.to_string();
        if !self.backup_written {
            if let Some((bytes, original)) = &self.original {
                if !same_content(original, state) {
                    let bytes = bytes.clone();
                    self.store.write_backup(&bytes)?;
                    self.backup_written = true;
                }
            }
        }
        let text = json::state_file_text(state);
        self.store.write(text.as_bytes())?;
        self.last = Some(state.clone());
        Ok(())
    }

    /// Empties the state (Terraform writes a nil state after migrating a
    /// local state to a new backend): a local file is truncated, its
    /// previous content kept as the backup.
    pub fn erase(&mut self) -> Result<(), BackendError> {
        if !self.backup_written {
            if let Some((bytes, _)) = &self.original {
                let bytes = bytes.clone();
                self.store.write_backup(&bytes)?;
                self.backup_written = true;
            }
        }
        self.store.write(&[])?;
        self.last = None;
        Ok(())
    }

    /// Releases the lock (dropping the manager does too, ignoring errors).
    pub fn unlock(mut self) -> Result<(), BackendError> {
        self.lock_id = None;
        self.store.release()
    }
}

/// Orders resources and instances as Terraform writes them (its state
/// writer's `normalize`): resources by module, mode (`data` before
/// `managed`), type, name; instances without key first, then integer keys,
/// then string keys, the current object before deposed ones.
pub fn normalize(state: &mut State) {
    state.resources.sort_by(|a, b| {
        let ka = (
            a.module.as_deref().unwrap_or(""),
            a.mode.as_str(),
            a.type_name.as_str(),
            a.name.as_str(),
        );
        let kb = (
            b.module.as_deref().unwrap_or(""),
            b.mode.as_str(),
            b.type_name.as_str(),
            b.name.as_str(),
        );
        ka.cmp(&kb)
    });
    for r in &mut state.resources {
        r.instances.sort_by(|a, b| {
            let key = |i: &crate::states::InstanceState| match &i.index_key {
                None => (0, 0, String::new()),
                Some(serde_json::Value::Number(n)) => (1, n.as_i64().unwrap_or(0), String::new()),
                Some(serde_json::Value::String(s)) => (2, 0, s.clone()),
                Some(other) => (3, 0, other.to_string()),
            };
            key(a).cmp(&key(b)).then_with(|| {
                a.deposed
                    .as_deref()
                    .unwrap_or("")
                    .cmp(b.deposed.as_deref().unwrap_or(""))
            })
        });
    }
}

/// Terraform's `statemgr.CheckValidImport`.
pub fn check_valid_import(new: &State, existing: &State) -> Result<(), BackendError> {
    if existing.is_empty() || new.lineage.is_empty() || existing.lineage.is_empty() {
        return Ok(());
    }
    if new.lineage != existing.lineage {
        return Err(BackendError::Import(format!(
            "cannot import state with lineage {:?} over unrelated state with lineage {:?}",
            new.lineage, existing.lineage
        )));
    }
    if new.serial > existing.serial {
        return Ok(());
    }
    if new.serial < existing.serial {
        return Err(BackendError::Import(format!(
            "cannot import state with serial {} over newer state with serial {}",
            new.serial, existing.serial
        )));
    }
    if same_content(new, existing) {
        return Ok(());
    }
    Err(BackendError::Import(format!(
        "cannot overwrite existing state with serial {} with a different state that has the same serial",
        new.serial
    )))
}

#[cfg(test)]
mod tests;
