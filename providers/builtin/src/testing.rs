//! The `testing` provider: objects kept as JSON files in a directory, so
//! that engine tests (and crash tests that kill tfrs) can check what
//! "exists" independently of the state file.
//!
//! Configuration: `store_dir` (or the `TFRS_TESTING_STORE` environment
//! variable), `delay_ms` (sleep before each operation, to widen windows for
//! crash tests).
//!
//! Resource `testing_object`: `name` (required, forces replacement),
//! `value`, `number`, `tags`, `fail_on_create`/`fail_on_update` (the
//! operation leaves the object behind and reports an error), nested blocks
//! `rule` (list) and `setting` (set); computed `id`, `computed_value`.
//! Data source `testing_lookup`: reads an object by `name`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;
use tfrs_provider::json::{from_json, to_json_typed};
use tfrs_provider::provider::{ApplyRequest, ApplyResponse, Diags, ProviderSchema, ReadResponse};
use tfrs_provider::{AttrPath, Attribute, Block, Diag, Nesting, Provider, Schema, Type, Value};

#[derive(Default)]
pub struct TestingProvider {
    config: Mutex<Config>,
}

#[derive(Default, Clone)]
struct Config {
    store: Option<PathBuf>,
    delay: Duration,
}

fn object_block() -> Block {
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("name", Attribute::required(Type::String).force_new())
        .attr("value", Attribute::optional(Type::String))
        .attr("number", Attribute::optional(Type::Number))
        .attr("tags", Attribute::optional(Type::map(Type::String)))
        .attr("secret", Attribute::optional(Type::String).sensitive())
        .attr("fail_on_create", Attribute::optional(Type::Bool))
        .attr("fail_on_update", Attribute::optional(Type::Bool))
        .attr("computed_value", Attribute::computed(Type::String))
        .block(
            "rule",
            Nesting::List,
            Block::new()
                .attr("port", Attribute::required(Type::Number))
                .attr(
                    "protocol",
                    Attribute::optional_computed(Type::String).default(Value::string("tcp")),
                ),
        )
        .block(
            "setting",
            Nesting::Set,
            Block::new()
                .attr("key", Attribute::required(Type::String))
                .attr("value", Attribute::optional(Type::String)),
        )
}

fn schema() -> &'static ProviderSchema {
    static SCHEMA: OnceLock<ProviderSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let provider = Block::new()
            .attr("store_dir", Attribute::optional(Type::String))
            .attr("delay_ms", Attribute::optional(Type::Number));
        let mut resources = BTreeMap::new();
        resources.insert("testing_object".to_string(), Schema::new(object_block()));
        let lookup = Block::new()
            .attr("name", Attribute::required(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("value", Attribute::computed(Type::String));
        let mut data_sources = BTreeMap::new();
        data_sources.insert("testing_lookup".to_string(), Schema::new(lookup));
        ProviderSchema {
            provider: Schema::new(provider),
            resources,
            data_sources,
        }
    })
}

fn object_type() -> &'static Type {
    static TY: OnceLock<Type> = OnceLock::new();
    TY.get_or_init(|| object_block().value_type())
}

impl TestingProvider {
    fn cfg(&self) -> Config {
        self.config.lock().map(|c| c.clone()).unwrap_or_default()
    }

    fn store(&self) -> Result<PathBuf, Diag> {
        self.cfg().store.ok_or_else(|| {
            Diag::error(
                "No store",
                "The testing provider needs store_dir or TFRS_TESTING_STORE.",
            )
        })
    }

    fn path_of(&self, id: &str) -> Result<PathBuf, Diag> {
        Ok(self.store()?.join(format!("{id}.json")))
    }

    fn load(&self, id: &str) -> Result<Option<Value>, Diag> {
        let p = self.path_of(id)?;
        match std::fs::read_to_string(&p) {
            Ok(text) => {
                let j: serde_json::Value = serde_json::from_str(&text)
                    .map_err(|e| Diag::error("Corrupt object", format!("{}: {e}", p.display())))?;
                from_json(&j, object_type())
                    .map(Some)
                    .map_err(|e| Diag::error("Corrupt object", e.0))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Diag::error("Store read failed", e.to_string())),
        }
    }

    /// Writes an object durably (temp file, fsync, rename).
    fn save(&self, id: &str, v: &Value) -> Result<(), Diag> {
        let p = self.path_of(id)?;
        let tmp = p.with_extension("tmp");
        let text = serde_json::to_string(&to_json_typed(v, object_type())).unwrap_or_default();
        let write = || -> std::io::Result<()> {
            use std::io::Write;
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, &p)
        };
        write().map_err(|e| Diag::error("Store write failed", e.to_string()))
    }

    fn remove(&self, id: &str) -> Result<(), Diag> {
        match std::fs::remove_file(self.path_of(id)?) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Diag::error("Store delete failed", e.to_string())),
        }
    }

    fn pause(&self) {
        let d = self.cfg().delay;
        if !d.is_zero() {
            std::thread::sleep(d);
        }
    }
}

fn with_attr(v: &Value, k: &str, x: Value) -> Value {
    let mut m = v.entries().cloned().unwrap_or_default();
    m.insert(k.to_string(), x);
    Value::Object(m)
}

fn flag(v: &Value, k: &str) -> bool {
    v.get_attr(k).and_then(Value::as_bool).unwrap_or(false)
}

impl Provider for TestingProvider {
    fn name(&self) -> &str {
        "testing"
    }

    fn schema(&self) -> &ProviderSchema {
        schema()
    }

    fn configure(&self, config: &Value) -> Diags {
        let store = config
            .get_attr("store_dir")
            .and_then(Value::as_str)
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("TFRS_TESTING_STORE").map(PathBuf::from));
        let delay = config
            .get_attr("delay_ms")
            .and_then(Value::as_number)
            .and_then(|n| n.to_i64())
            .unwrap_or(0);
        if let Some(s) = &store {
            let _ = std::fs::create_dir_all(s);
        }
        if let Ok(mut c) = self.config.lock() {
            c.store = store;
            c.delay = Duration::from_millis(delay.max(0) as u64);
        }
        Vec::new()
    }

    fn read_resource(&self, _type_name: &str, state: &Value, private: &[u8]) -> ReadResponse {
        let id = state
            .get_attr("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        match self.load(&id) {
            Ok(Some(v)) => ReadResponse {
                new_state: v,
                private: private.to_vec(),
                diags: Vec::new(),
            },
            Ok(None) => ReadResponse {
                new_state: Value::Null(object_type().clone()),
                private: Vec::new(),
                diags: Vec::new(),
            },
            Err(d) => ReadResponse {
                new_state: state.clone(),
                private: private.to_vec(),
                diags: vec![d],
            },
        }
    }

    fn apply_resource(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        self.pause();
        let fail = |new_state: Value, d: Diag| ApplyResponse {
            new_state,
            private: Vec::new(),
            diags: vec![d],
        };
        if req.planned.is_null() {
            let id = req
                .prior
                .get_attr("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            return match self.remove(&id) {
                Ok(()) => ApplyResponse {
                    new_state: Value::Null(object_type().clone()),
                    private: Vec::new(),
                    diags: Vec::new(),
                },
                Err(d) => fail(req.prior.clone(), d),
            };
        }
        let creating = req.prior.is_null();
        let name = req
            .planned
            .get_attr("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        // IDs follow from names, so a create repeated after a crash adopts
        // the object the interrupted one made, as cloud APIs with client
        // tokens do.
        let id = if creating {
            object_id(&name)
        } else {
            req.prior
                .get_attr("id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let name = req
            .planned
            .get_attr("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut obj = with_attr(req.planned, "id", Value::string(id.clone()));
        obj = with_attr(
            &obj,
            "computed_value",
            Value::string(format!("computed-{name}")),
        );
        if let Err(d) = self.save(&id, &obj) {
            return fail(req.prior.clone(), d);
        }
        if creating && flag(req.planned, "fail_on_create") {
            return fail(
                obj,
                Diag::error(
                    "Create failed",
                    format!("The object {id} was created but failed to become ready."),
                ),
            );
        }
        if !creating && flag(req.planned, "fail_on_update") {
            return fail(
                obj,
                Diag::error(
                    "Update failed",
                    format!("The object {id} could not be updated."),
                )
                .at(AttrPath::attr("fail_on_update")),
            );
        }
        ApplyResponse {
            new_state: obj,
            private: Vec::new(),
            diags: Vec::new(),
        }
    }

    fn import_resource(&self, _type_name: &str, id: &str) -> Result<Vec<Value>, Diags> {
        match self.load(id) {
            Ok(Some(v)) => Ok(vec![v]),
            Ok(None) => Err(vec![Diag::error(
                "Cannot import non-existent remote object",
                format!("While attempting to import an existing object to \"testing_object\", the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct. (id: {id})"),
            )]),
            Err(d) => Err(vec![d]),
        }
    }

    fn read_data_source(&self, _type_name: &str, config: &Value) -> Result<Value, Diags> {
        let name = config
            .get_attr("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let store = self.store().map_err(|d| vec![d])?;
        let entries = std::fs::read_dir(&store)
            .map_err(|e| vec![Diag::error("Store read failed", e.to_string())])?;
        for e in entries.flatten() {
            let id = e
                .path()
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Ok(Some(v)) = self.load(&id) {
                if v.get_attr("name").and_then(Value::as_str) == Some(name.as_str()) {
                    return Ok(Value::Object(
                        [
                            ("name".to_string(), Value::string(name.clone())),
                            ("id".to_string(), Value::string(id)),
                            (
                                "value".to_string(),
                                v.get_attr("value")
                                    .cloned()
                                    .unwrap_or(Value::Null(Type::String)),
                            ),
                        ]
                        .into_iter()
                        .collect(),
                    ));
                }
            }
        }
        Err(vec![Diag::error(
            "Object not found",
            format!("No testing_object is named {name:?}."),
        )])
    }
}

/// The ID of the object named `name` (FNV-1a, hex).
fn object_id(name: &str) -> String {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in name.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("obj-{h:016x}")
}
