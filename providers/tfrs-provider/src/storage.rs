//! Remote state storage at the byte level: what a backend such as S3 must
//! offer so the core can keep Terraform state in it. The core
//! (`tfrs::backend`) does everything else: parsing, serials and lineage,
//! lock retries, error messages.
//!
//! A workspace is a name (`default` is always there); its state is the JSON
//! of a `terraform.tfstate`. Locks carry Terraform's lock information
//! ([`LockInfo`]), serialised exactly as Terraform does, so a lock taken by
//! tfrs reads the same to `terraform force-unlock` and the other way round.

use crate::provider::Diags;
use crate::schema::Block;
use crate::value::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

/// The workspace that always exists.
pub const DEFAULT_WORKSPACE: &str = "default";

/// A failure of the storage itself (network, permissions, malformed data).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageError(pub String);

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StorageError {}

impl From<String> for StorageError {
    fn from(s: String) -> StorageError {
        StorageError(s)
    }
}

impl From<&str> for StorageError {
    fn from(s: &str) -> StorageError {
        StorageError(s.to_string())
    }
}

/// Terraform's lock information (`statemgr.LockInfo`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LockInfo {
    /// A random UUID-formatted ID; the key for unlocking.
    pub id: String,
    /// `OperationTypeApply`, `OperationTypePlan`, `state-mv`, ...
    pub operation: String,
    /// Extra information, usually empty.
    pub info: String,
    /// `user@host`.
    pub who: String,
    /// The Terraform version the locker behaves as (`1.11.4`).
    pub version: String,
    /// When the lock was taken, in Go's RFC 3339 form with nanoseconds
    /// (`2026-01-02T15:04:05.123456789Z`, trailing zeros dropped).
    pub created: String,
    /// The state's path or key, set by the storage.
    pub path: String,
}

impl LockInfo {
    /// The JSON Terraform writes for a lock (Go's `json.Marshal`, one line):
    /// `{"ID":"..","Operation":"..","Info":"","Who":"..","Version":"..","Created":"..","Path":".."}`.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{");
        let fields = [
            ("ID", &self.id),
            ("Operation", &self.operation),
            ("Info", &self.info),
            ("Who", &self.who),
            ("Version", &self.version),
            ("Created", &self.created),
            ("Path", &self.path),
        ];
        for (i, (k, v)) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(k);
            out.push_str("\":");
            out.push_str(&go_json_string(v));
        }
        out.push('}');
        out
    }

    /// Reads lock JSON as Go's `json.Unmarshal` would: field names match
    /// case-insensitively, missing fields stay empty.
    pub fn from_json(text: &str) -> Result<LockInfo, StorageError> {
        let v: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| StorageError(format!("invalid lock info: {e}")))?;
        let obj = v
            .as_object()
            .ok_or_else(|| StorageError("invalid lock info: not a JSON object".into()))?;
        let mut info = LockInfo::default();
        for (k, v) in obj {
            let s = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => {
                    return Err(StorageError(format!(
                        "invalid lock info: field {k:?} is {other}, not a string"
                    )))
                }
            };
            match k.to_ascii_lowercase().as_str() {
                "id" => info.id = s,
                "operation" => info.operation = s,
                "info" => info.info = s,
                "who" => info.who = s,
                "version" => info.version = s,
                "created" => info.created = s,
                "path" => info.path = s,
                _ => {}
            }
        }
        Ok(info)
    }

    /// `Created` as Go prints a `time.Time`: `2026-01-02 15:04:05.123456789 +0000 UTC`.
    pub fn created_display(&self) -> String {
        go_time_string(&self.created)
    }
}

/// Terraform's `LockInfo.String()`, the block in lock error messages
/// (it ends with a newline).
impl fmt::Display for LockInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Lock Info:\n  ID:        {}\n  Path:      {}\n  Operation: {}\n  Who:       {}\n  Version:   {}\n  Created:   {}\n  Info:      {}\n",
            self.id,
            self.path,
            self.operation,
            self.who,
            self.version,
            self.created_display(),
            self.info
        )
    }
}

/// The state is locked by someone else (`info`, when it could be read), or
/// locking failed (`info` is `None`). `message` is the underlying error,
/// e.g. `resource temporarily unavailable` or `ConditionalCheckFailedException: ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockError {
    pub info: Option<Box<LockInfo>>,
    pub message: String,
}

impl LockError {
    /// The lock is held by the owner of `info`.
    pub fn held(message: impl Into<String>, info: LockInfo) -> LockError {
        LockError {
            info: Some(Box::new(info)),
            message: message.into(),
        }
    }
    /// Locking failed for another reason; retrying will not help.
    pub fn failed(message: impl Into<String>) -> LockError {
        LockError {
            info: None,
            message: message.into(),
        }
    }
}

/// As Terraform's `LockError.Error()`: the message, then the lock info block.
impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if !self.message.is_empty() {
            parts.push(self.message.clone());
        }
        if let Some(info) = &self.info {
            parts.push(info.to_string());
        }
        f.write_str(&parts.join("\n"))
    }
}

impl std::error::Error for LockError {}

/// Remote storage for the states of a configuration's workspaces.
///
/// Implementations do no JSON work beyond the lock info; they need not be
/// clever about concurrency beyond making `lock` atomic (a conditional put).
pub trait StateStorage: Send + Sync {
    /// Every workspace that exists, `default` included (first), the others
    /// sorted.
    fn workspaces(&self) -> Result<Vec<String>, StorageError>;
    /// The state of `workspace`, or `None` if it has none yet.
    fn get(&self, workspace: &str) -> Result<Option<Vec<u8>>, StorageError>;
    /// Stores a new state for `workspace` (creating the workspace).
    fn put(&self, workspace: &str, bytes: &[u8]) -> Result<(), StorageError>;
    /// Removes the workspace's state (and its lock, if any).
    fn delete_workspace(&self, workspace: &str) -> Result<(), StorageError>;
    /// Takes the lock of `workspace`, recording `info` (the storage sets
    /// `info.path`); returns the lock ID (normally `info.id`). When someone
    /// else holds it, returns a [`LockError`] with their info.
    fn lock(&self, workspace: &str, info: &LockInfo) -> Result<String, LockError>;
    /// Releases the lock of `workspace` if its ID is `id`; a different
    /// holder is a [`LockError`] with their info.
    fn unlock(&self, workspace: &str, id: &str) -> Result<(), LockError>;
}

/// A kind of remote backend (`backend "s3"`), provided outside the core
/// so that the core links no cloud SDK. The core decodes the `backend`
/// block (and `-backend-config`) by [`schema`](RemoteBackend::schema),
/// records it in `.terraform/terraform.tfstate`, and calls
/// [`prepare`](RemoteBackend::prepare) then
/// [`configure`](RemoteBackend::configure), as Terraform calls a backend's
/// `PrepareConfig` and `Configure`.
pub trait RemoteBackend: Send + Sync {
    /// The type name in `backend "NAME"`.
    fn name(&self) -> &'static str;
    /// The configuration schema (Terraform's `ConfigSchema`); every
    /// attribute is decoded as optional, required ones are checked by
    /// `prepare`.
    fn schema(&self) -> Block;
    /// Checks a decoded configuration (an object of the schema's type):
    /// errors and warnings, those about one attribute carrying its path.
    fn prepare(&self, config: &Value) -> Diags;
    /// The storage for a configuration that passed `prepare`, with any
    /// warnings; the diagnostics when it cannot be set up.
    fn configure(&self, config: &Value) -> Result<(Arc<dyn StateStorage>, Diags), Diags>;
}

/// A [`StateStorage`] in memory, for tests and as a reference of the
/// expected behaviour.
#[derive(Default)]
pub struct MemoryStorage {
    inner: Mutex<MemoryInner>,
}

#[derive(Default)]
struct MemoryInner {
    states: BTreeMap<String, Vec<u8>>,
    locks: BTreeMap<String, LockInfo>,
}

impl MemoryStorage {
    pub fn new() -> MemoryStorage {
        MemoryStorage::default()
    }
    /// The lock currently held on `workspace`, if any.
    pub fn lock_info(&self, workspace: &str) -> Option<LockInfo> {
        self.inner.lock().ok()?.locks.get(workspace).cloned()
    }
}

impl StateStorage for MemoryStorage {
    fn workspaces(&self) -> Result<Vec<String>, StorageError> {
        let inner = self
            .inner
            .lock()
            .map_err(|_| StorageError("storage poisoned".into()))?;
        let mut out = vec![DEFAULT_WORKSPACE.to_string()];
        out.extend(
            inner
                .states
                .keys()
                .filter(|k| *k != DEFAULT_WORKSPACE)
                .cloned(),
        );
        Ok(out)
    }
    fn get(&self, workspace: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let inner = self
            .inner
            .lock()
            .map_err(|_| StorageError("storage poisoned".into()))?;
        Ok(inner.states.get(workspace).cloned())
    }
    fn put(&self, workspace: &str, bytes: &[u8]) -> Result<(), StorageError> {
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| StorageError("storage poisoned".into()))?;
        inner.states.insert(workspace.to_string(), bytes.to_vec());
        Ok(())
    }
    fn delete_workspace(&self, workspace: &str) -> Result<(), StorageError> {
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| StorageError("storage poisoned".into()))?;
        inner.states.remove(workspace);
        inner.locks.remove(workspace);
        Ok(())
    }
    fn lock(&self, workspace: &str, info: &LockInfo) -> Result<String, LockError> {
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| LockError::failed("storage poisoned"))?;
        if let Some(held) = inner.locks.get(workspace) {
            return Err(LockError::held("state is locked", held.clone()));
        }
        let mut info = info.clone();
        info.path = workspace.to_string();
        let id = info.id.clone();
        inner.locks.insert(workspace.to_string(), info);
        Ok(id)
    }
    fn unlock(&self, workspace: &str, id: &str) -> Result<(), LockError> {
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| LockError::failed("storage poisoned"))?;
        match inner.locks.get(workspace) {
            None => Err(LockError::failed("state is not locked")),
            Some(held) if held.id != id => Err(LockError::held(
                format!(
                    "lock ID {id:?} does not match existing lock ID {:?}",
                    held.id
                ),
                held.clone(),
            )),
            Some(_) => {
                inner.locks.remove(workspace);
                Ok(())
            }
        }
    }
}

/// A JSON string as Go's `encoding/json` writes it: `<`, `>`, `&`, U+2028
/// and U+2029 escaped as `\u003c` etc., `\b`, `\f`, `\n`, `\r`, `\t`, other
/// control characters as `\u00XX`.
pub fn go_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `time.Time.String()` of an RFC 3339 timestamp; the input unchanged
/// when it is not one.
fn go_time_string(rfc3339: &str) -> String {
    let s = rfc3339.trim();
    let Some((date, rest)) = s.split_once('T') else {
        return s.to_string();
    };
    let zone_at = rest.find(['Z', 'z', '+', '-']);
    let Some(zone_at) = zone_at else {
        return s.to_string();
    };
    let (clock, zone) = rest.split_at(zone_at);
    let (hms, frac) = match clock.split_once('.') {
        Some((h, f)) => (h, f.trim_end_matches('0')),
        None => (clock, ""),
    };
    let mut out = format!("{date} {hms}");
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    if zone.eq_ignore_ascii_case("z") {
        out.push_str(" +0000 UTC");
    } else {
        let compact = zone.replace(':', "");
        out.push(' ');
        out.push_str(&compact);
        out.push(' ');
        out.push_str(&compact);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> LockInfo {
        LockInfo {
            id: "fba8c875-4084-b170-d53e-c82d9f9cb089".into(),
            operation: "OperationTypeApply".into(),
            info: String::new(),
            who: "root@vm".into(),
            version: "1.11.4".into(),
            created: "2026-11-28T07:54:53.246865706Z".into(),
            path: "terraform.tfstate".into(),
        }
    }

    #[test]
    fn lock_info_json_matches_terraform() {
        let text = r#"{"ID":"fba8c875-4084-b170-d53e-c82d9f9cb089","Operation":"OperationTypeApply","Info":"","Who":"root@vm","Version":"1.11.4","Created":"2026-11-28T07:54:53.246865706Z","Path":"terraform.tfstate"}"#;
        assert_eq!(info().to_json(), text);
        assert_eq!(LockInfo::from_json(text).unwrap(), info());
    }

    #[test]
    fn lock_error_text_matches_terraform() {
        let e = LockError::held("resource temporarily unavailable", info());
        assert_eq!(
            e.to_string(),
            "resource temporarily unavailable\nLock Info:\n  ID:        fba8c875-4084-b170-d53e-c82d9f9cb089\n  Path:      terraform.tfstate\n  Operation: OperationTypeApply\n  Who:       root@vm\n  Version:   1.11.4\n  Created:   2026-11-28 07:54:53.246865706 +0000 UTC\n  Info:      \n"
        );
    }

    #[test]
    fn go_time_formats() {
        assert_eq!(
            go_time_string("2026-01-02T03:04:05Z"),
            "2026-01-02 03:04:05 +0000 UTC"
        );
        assert_eq!(
            go_time_string("2026-01-02T03:04:05.5Z"),
            "2026-01-02 03:04:05.5 +0000 UTC"
        );
        assert_eq!(
            go_time_string("2026-01-02T03:04:05+02:00"),
            "2026-01-02 03:04:05 +0200 +0200"
        );
    }

    #[test]
    fn go_json_escapes() {
        assert_eq!(
            go_json_string("<a&b>\u{8}\u{1}\u{7f}é\u{2028}"),
            "\"\\u003ca\\u0026b\\u003e\\b\\u0001\u{7f}é\\u2028\""
        );
    }

    #[test]
    fn memory_storage_locks() {
        let s = MemoryStorage::new();
        let id = s.lock("default", &info()).unwrap();
        let err = s
            .lock(
                "default",
                &LockInfo {
                    id: "other".into(),
                    ..info()
                },
            )
            .unwrap_err();
        assert_eq!(err.info.unwrap().id, id);
        assert!(s.unlock("default", "other").is_err());
        s.unlock("default", &id).unwrap();
        s.put("dev", b"{}").unwrap();
        assert_eq!(s.workspaces().unwrap(), vec!["default", "dev"]);
    }
}
