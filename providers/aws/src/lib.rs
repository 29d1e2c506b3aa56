//! The built-in AWS provider: hashicorp/aws v5 resources and data sources,
//! over the official AWS SDK for Rust.
//!
//! A resource is one file in its service folder implementing [`Resource`]
//! (schema; create, read, update, delete; then its find/wait helpers), and
//! one line in [`registry`]. The provider does the rest: planning by the
//! schema, mapping "not found" to a deleted object, tags with
//! `default_tags`, and errors that name the AWS operation.

pub mod backend_s3;
pub mod ctx;
pub mod error;
pub mod naming;
pub mod obj;
pub mod regex;
pub mod registry;
pub mod schema;
pub mod service;
pub mod wait;

use ctx::Ctx;
use error::Error;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock, RwLock};
use tfrs_provider::path::AttrPath;
use tfrs_provider::plan::default_plan;
use tfrs_provider::provider::{
    ApplyRequest, ApplyResponse, Diags, PlanRequest, PlanResponse, ProviderSchema, ReadResponse,
};
use tfrs_provider::{Diag, Provider, Schema, Value};

/// A managed resource type.
pub trait Resource: Send + Sync {
    fn name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    /// Creates the object; returns its state. Where creation went part of
    /// the way, return the error with `Partial` so the object is kept.
    fn create(&self, c: &Ctx, plan: &Value) -> Outcome;
    /// Reads the object; `Ok(None)` when it no longer exists.
    fn read(&self, c: &Ctx, state: &Value) -> error::Result<Option<Value>>;
    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome;
    fn delete(&self, c: &Ctx, state: &Value) -> error::Result<()>;
    /// The state to read for an import ID (default: the ID as `id`).
    fn import_state(&self, _c: &Ctx, id: &str, schema: &Schema) -> Value {
        obj::State::new(&schema.block).set("id", id).build()
    }
    /// Adjusts a schema-made plan (values that a change makes unknown).
    fn plan(&self, _prior: &Value, planned: Value) -> Value {
        planned
    }
    /// The changes that replace the object, given those the schema's
    /// force-new attributes found (`schema_paths`) and the final plan: adds
    /// SDKv2's `ForceNewIf` cases, or drops a path whose planned value the
    /// `plan` hook normalised back to the prior one (a hashed user_data).
    fn replace_paths(
        &self,
        _prior: &Value,
        _planned: &Value,
        schema_paths: Vec<AttrPath>,
    ) -> Vec<AttrPath> {
        schema_paths
    }
    /// The planned object create and update work from: the plan, with
    /// configured values the `plan` hook replaced by their state form put
    /// back (user_data is planned as its SHA-1 digest, but the text goes
    /// to AWS). Default: the plan as it is.
    fn with_config(&self, planned: &Value, _config: &Value) -> Value {
        planned.clone()
    }
    /// Checks a configuration beyond the schema.
    fn validate(&self, _config: &Value) -> Diags {
        Vec::new()
    }
    /// The object a create may have left when tfrs was stopped before it
    /// recorded the answer. The state then holds the planned object,
    /// tainted and without an ID (the engine records it before the create
    /// call); this looks the object up by what identifies it in the plan
    /// (a name; a bucket and key; a group and a permission) and returns its
    /// state, or `None` when there is none. Default: the type cannot be
    /// found from its plan (a generated name, a random client token), so
    /// the create runs again.
    fn find_created(&self, _c: &Ctx, _planned: &Value) -> error::Result<Option<Value>> {
        Ok(None)
    }
}

/// `read` of a planned object under `id`: `find_created` for the types
/// whose ID follows from their arguments (a bucket, table or role name).
pub fn read_as(
    r: &dyn Resource,
    c: &Ctx,
    planned: &Value,
    id: &str,
) -> error::Result<Option<Value>> {
    let seed = obj::State::from(&r.schema().block, planned)
        .set("id", id)
        .build();
    r.read(c, &seed)
}

/// Whether a state object has an ID; one without is the record of a
/// create that was interrupted (see `Resource::find_created`).
fn has_id(state: &Value) -> bool {
    obj::Obj(state).str("id").is_some_and(|id| !id.is_empty())
}

/// Reads the object a state describes: by its ID, or, for the record of an
/// interrupted create, by what identifies it in the plan.
fn read_object(r: &dyn Resource, c: &Ctx, state: &Value) -> error::Result<Option<Value>> {
    if has_id(state) {
        r.read(c, state)
    } else {
        r.find_created(c, state)
    }
}

/// A data source type.
pub trait DataSource: Send + Sync {
    fn name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    fn read(&self, c: &Ctx, config: &Value) -> error::Result<Value>;
    fn validate(&self, _config: &Value) -> Diags {
        Vec::new()
    }
}

/// The result of a create or update.
pub enum Outcome {
    Done(Value),
    /// The call failed after the object came to exist (or changed): the
    /// state to keep, and the error.
    Partial(Value, Error),
    Failed(Error),
}

impl From<error::Result<Value>> for Outcome {
    fn from(r: error::Result<Value>) -> Outcome {
        match r {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Failed(e),
        }
    }
}

pub struct AwsProvider {
    ctx: RwLock<Option<Arc<Ctx>>>,
}

impl Default for AwsProvider {
    fn default() -> Self {
        AwsProvider {
            ctx: RwLock::new(None),
        }
    }
}

struct Registry {
    schema: ProviderSchema,
    resources: BTreeMap<&'static str, Box<dyn Resource>>,
    data_sources: BTreeMap<&'static str, Box<dyn DataSource>>,
}

fn registry() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(|| {
        let mut resources = BTreeMap::new();
        let mut data_sources = BTreeMap::new();
        for r in registry::resources() {
            resources.insert(r.name(), r);
        }
        for d in registry::data_sources() {
            data_sources.insert(d.name(), d);
        }
        let schema = ProviderSchema {
            provider: Schema::new(schema::provider_block()),
            resources: resources
                .iter()
                .map(|(k, r)| (k.to_string(), r.schema()))
                .collect(),
            data_sources: data_sources
                .iter()
                .map(|(k, d)| (k.to_string(), d.schema()))
                .collect(),
        };
        Registry {
            schema,
            resources,
            data_sources,
        }
    })
}

fn diag(e: Error) -> Diag {
    Diag::error(e.summary, e.detail)
}

impl AwsProvider {
    fn ctx(&self) -> Result<Arc<Ctx>, Diag> {
        self.ctx.read().ok().and_then(|c| c.clone()).ok_or_else(|| {
            Diag::error(
                "Provider not configured",
                "The AWS provider was used before it was configured.",
            )
        })
    }
}

impl Provider for AwsProvider {
    fn name(&self) -> &str {
        "aws"
    }

    fn schema(&self) -> &ProviderSchema {
        &registry().schema
    }

    fn validate_resource(&self, type_name: &str, config: &Value) -> Diags {
        registry()
            .resources
            .get(type_name)
            .map(|r| r.validate(config))
            .unwrap_or_default()
    }

    fn validate_data_source(&self, type_name: &str, config: &Value) -> Diags {
        registry()
            .data_sources
            .get(type_name)
            .map(|d| d.validate(config))
            .unwrap_or_default()
    }

    fn configure(&self, config: &Value) -> Diags {
        match Ctx::configure(config) {
            Ok(c) => {
                if let Ok(mut slot) = self.ctx.write() {
                    *slot = Some(Arc::new(c));
                }
                Vec::new()
            }
            Err(e) => vec![diag(e)],
        }
    }

    fn read_resource(&self, type_name: &str, state: &Value, private: &[u8]) -> ReadResponse {
        let fail = |d: Diag| ReadResponse {
            new_state: state.clone(),
            private: private.to_vec(),
            diags: vec![d],
        };
        let Some(r) = registry().resources.get(type_name) else {
            return fail(Diag::error(
                "Unsupported resource type",
                type_name.to_string(),
            ));
        };
        let c = match self.ctx() {
            Ok(c) => c,
            Err(d) => return fail(d),
        };
        match read_object(r.as_ref(), &c, state) {
            Ok(Some(v)) => ReadResponse {
                new_state: v,
                private: private.to_vec(),
                diags: Vec::new(),
            },
            Ok(None) => ReadResponse {
                new_state: Value::Null(self.schema().resources[type_name].block.value_type()),
                private: Vec::new(),
                diags: Vec::new(),
            },
            Err(e) => fail(diag(e)),
        }
    }

    fn plan_resource(&self, req: PlanRequest<'_>) -> PlanResponse {
        let Some(r) = registry().resources.get(req.type_name) else {
            return PlanResponse {
                planned: req.proposed.clone(),
                requires_replace: Vec::new(),
                private: Vec::new(),
                diags: vec![Diag::error(
                    "Unsupported resource type",
                    req.type_name.to_string(),
                )],
            };
        };
        let schema = &self.schema().resources[req.type_name];
        let (planned, mut requires_replace) = default_plan(&schema.block, req.prior, req.config);
        let planned = if planned.is_null() {
            planned
        } else {
            r.plan(req.prior, planned)
        };
        // A plan adjustment can make a force-new change no change (a
        // protocol name for its number, say): only real changes replace.
        requires_replace.retain(|path| match (path.get(&planned), path.get(req.prior)) {
            (Some(after), Some(before)) => !tfrs_provider::plan::unchanged(before, after),
            _ => true,
        });
        let requires_replace = if req.prior.is_null() || planned.is_null() {
            requires_replace
        } else {
            r.replace_paths(req.prior, &planned, requires_replace)
        };
        PlanResponse {
            planned,
            requires_replace,
            private: req.prior_private.to_vec(),
            diags: Vec::new(),
        }
    }

    fn apply_resource(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let fail = |state: Value, e: Error| ApplyResponse {
            new_state: state,
            private: Vec::new(),
            diags: vec![diag(e)],
        };
        let Some(r) = registry().resources.get(req.type_name) else {
            return fail(
                req.prior.clone(),
                Error::new("Unsupported resource type", req.type_name),
            );
        };
        let c = match self.ctx() {
            Ok(c) => c,
            Err(d) => {
                return ApplyResponse {
                    new_state: req.prior.clone(),
                    private: Vec::new(),
                    diags: vec![d],
                }
            }
        };
        let null = Value::Null(self.schema().resources[req.type_name].block.value_type());
        if req.planned.is_null() {
            // The record of an interrupted create names no object: delete
            // what it left, if anything.
            let target = if has_id(req.prior) {
                Ok(Some(req.prior.clone()))
            } else {
                r.find_created(&c, req.prior)
            };
            let deleted = match target {
                Ok(Some(prior)) => r.delete(&c, &prior),
                Ok(None) => Ok(()),
                Err(e) => Err(e),
            };
            return match deleted {
                Ok(()) => ApplyResponse {
                    new_state: null,
                    private: Vec::new(),
                    diags: Vec::new(),
                },
                Err(e) if e.is_not_found() => ApplyResponse {
                    new_state: null,
                    private: Vec::new(),
                    diags: Vec::new(),
                },
                Err(e) => fail(req.prior.clone(), e),
            };
        }
        let planned = r.with_config(req.planned, req.config);
        let outcome = if req.prior.is_null() {
            r.create(&c, &planned)
        } else {
            r.update(&c, req.prior, &planned)
        };
        match outcome {
            Outcome::Done(v) => ApplyResponse {
                new_state: v,
                private: Vec::new(),
                diags: Vec::new(),
            },
            Outcome::Partial(v, e) => fail(v, e),
            Outcome::Failed(e) => fail(
                if req.prior.is_null() {
                    null
                } else {
                    req.prior.clone()
                },
                e,
            ),
        }
    }

    fn import_resource(&self, type_name: &str, id: &str) -> Result<Vec<Value>, Diags> {
        let r = registry().resources.get(type_name).ok_or_else(|| {
            vec![Diag::error(
                "Unsupported resource type",
                type_name.to_string(),
            )]
        })?;
        let c = self.ctx().map_err(|d| vec![d])?;
        let seed = r.import_state(&c, id, &self.schema().resources[type_name]);
        match r.read(&c, &seed) {
            Ok(Some(v)) => Ok(vec![v]),
            Ok(None) => Err(vec![Diag::error(
                "Cannot import non-existent remote object",
                format!("While attempting to import an existing object to {type_name:?}, the provider detected that no object exists with the given id. Only pre-existing objects can be imported; check that the id is correct and that it is associated with the provider's configured region or endpoint, or use \"terraform apply\" to create a new remote object for this resource."),
            )]),
            Err(e) => Err(vec![diag(e)]),
        }
    }

    fn read_data_source(&self, type_name: &str, config: &Value) -> Result<Value, Diags> {
        let d = registry().data_sources.get(type_name).ok_or_else(|| {
            vec![Diag::error(
                "Unsupported data source",
                type_name.to_string(),
            )]
        })?;
        let c = self.ctx().map_err(|d| vec![d])?;
        d.read(&c, config).map_err(|e| vec![diag(e)])
    }
}

/// The provider as the core registers it.
pub const PROVIDER: tfrs_provider::provider::BuiltinProvider =
    tfrs_provider::provider::BuiltinProvider {
        name: "aws",
        source: "registry.terraform.io/hashicorp/aws",
        // The hashicorp/aws release whose resource shapes this provider follows.
        version: "5.100.0",
        new: || Box::new(AwsProvider::default()),
    };
