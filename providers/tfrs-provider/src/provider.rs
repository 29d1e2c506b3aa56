//! The provider trait: what the engine asks of a provider, in the shape of
//! Terraform's provider protocol (GetSchema, Configure, Read, Plan, Apply,
//! Import, ReadDataSource).
//!
//! Calls are synchronous; the engine runs them on worker threads, so a
//! provider that talks to an async SDK blocks on its own runtime.

use crate::path::AttrPath;
use crate::plan::default_plan;
use crate::schema::Schema;
use crate::value::Value;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A provider's diagnostic; the engine attaches the configuration location
/// (of `attribute` when given, else of the block).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diag {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    pub attribute: Option<AttrPath>,
}

impl Diag {
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Diag {
        Diag {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            attribute: None,
        }
    }
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Diag {
        Diag {
            severity: Severity::Warning,
            ..Diag::error(summary, detail)
        }
    }
    pub fn at(mut self, path: AttrPath) -> Diag {
        self.attribute = Some(path);
        self
    }
}

pub type Diags = Vec<Diag>;

pub fn has_errors(diags: &[Diag]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// Everything a provider declares.
#[derive(Clone, Debug, Default)]
pub struct ProviderSchema {
    pub provider: Schema,
    pub resources: BTreeMap<String, Schema>,
    pub data_sources: BTreeMap<String, Schema>,
}

pub struct PlanRequest<'a> {
    pub type_name: &'a str,
    /// Null when the object is to be created.
    pub prior: &'a Value,
    /// The configuration merged with the prior state for computed
    /// attributes (Terraform's "proposed new state").
    pub proposed: &'a Value,
    pub config: &'a Value,
    pub prior_private: &'a [u8],
}

pub struct PlanResponse {
    pub planned: Value,
    pub requires_replace: Vec<AttrPath>,
    pub private: Vec<u8>,
    pub diags: Diags,
}

pub struct ApplyRequest<'a> {
    pub type_name: &'a str,
    /// Null when creating.
    pub prior: &'a Value,
    /// Null when deleting.
    pub planned: &'a Value,
    pub config: &'a Value,
    pub private: &'a [u8],
}

/// The outcome of an apply. On failure `new_state` still describes what
/// exists: null if nothing does, the partially-created object otherwise
/// (the engine records it as tainted), so nothing is lost.
pub struct ApplyResponse {
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diags: Diags,
}

pub struct ReadResponse {
    /// Null when the object no longer exists.
    pub new_state: Value,
    pub private: Vec<u8>,
    pub diags: Diags,
}

pub trait Provider: Send + Sync {
    /// The local name, e.g. `aws`.
    fn name(&self) -> &str;

    fn schema(&self) -> &ProviderSchema;

    /// Checks a resource configuration beyond what the schema says
    /// (conflicting arguments, deprecated names). Unknown values may appear.
    fn validate_resource(&self, _type_name: &str, _config: &Value) -> Diags {
        Vec::new()
    }

    fn validate_data_source(&self, _type_name: &str, _config: &Value) -> Diags {
        Vec::new()
    }

    /// Configures the provider from its (known) configuration.
    fn configure(&self, config: &Value) -> Diags;

    /// Refreshes an object from the remote API.
    fn read_resource(&self, type_name: &str, state: &Value, private: &[u8]) -> ReadResponse;

    /// Plans a change; the default follows the schema (SDKv2's behaviour).
    fn plan_resource(&self, req: PlanRequest<'_>) -> PlanResponse {
        match self.schema().resources.get(req.type_name) {
            Some(schema) => {
                let (planned, requires_replace) =
                    default_plan(&schema.block, req.prior, req.config);
                PlanResponse {
                    planned,
                    requires_replace,
                    private: req.prior_private.to_vec(),
                    diags: Vec::new(),
                }
            }
            None => PlanResponse {
                planned: req.proposed.clone(),
                requires_replace: Vec::new(),
                private: Vec::new(),
                diags: vec![Diag::error(
                    "Unknown resource type",
                    format!(
                        "The provider does not support resource type {:?}.",
                        req.type_name
                    ),
                )],
            },
        }
    }

    /// Creates (prior null), updates, or deletes (planned null).
    fn apply_resource(&self, req: ApplyRequest<'_>) -> ApplyResponse;

    /// Reads an existing object by its import ID.
    fn import_resource(&self, type_name: &str, id: &str) -> Result<Vec<Value>, Diags>;

    fn read_data_source(&self, type_name: &str, config: &Value) -> Result<Value, Diags>;
}

/// A built-in provider: how to make an instance for each `provider` block.
pub struct BuiltinProvider {
    /// `aws`
    pub name: &'static str,
    /// `registry.terraform.io/hashicorp/aws`
    pub source: &'static str,
    /// The version tfrs reports for it.
    pub version: &'static str,
    pub new: fn() -> Box<dyn Provider>,
}
