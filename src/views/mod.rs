//! Terraform's presentation of plans, applies and states
//! (`internal/command/views`, `jsonformat`, `jsonplan`, `jsonstate`),
//! byte for byte where it can be:
//!
//! - [`plan::render`]: the human plan;
//! - [`ui`]: progress lines while applying, the summary and outputs, for
//!   humans or as the `-json` UI stream ([`ui::UiSink`]);
//! - [`json`]: `terraform show -json` of plans and states;
//! - [`state::render_show`]: `terraform show` of a state;
//! - [`graph::resource_dot`]: `terraform graph`'s resource graph.
//!
//! Nothing here prints: everything returns strings or writes to the writer
//! a sink was given.

pub mod color;
pub mod diff;
pub mod format;
pub mod graph;
pub mod json;
pub mod jsonv;
pub mod plan;
pub mod state;
pub mod ui;
pub mod values;

use crate::addrs::Mode;
use std::collections::BTreeMap;
use tfrs_provider::{ProviderSchema, Schema};

/// Where the views find resource schemas. `provider` is the provider's
/// source address, as in `terraform show -json`'s `provider_name`
/// (`registry.terraform.io/hashicorp/aws`, `terraform.io/builtin/terraform`).
///
/// Without a schema, a resource renders with every attribute of its value
/// as a plain attribute (no nested blocks, no schema-declared sensitivity).
pub trait SchemaLookup {
    fn resource_schema(&self, provider: &str, mode: Mode, type_name: &str) -> Option<&Schema>;

    /// The provider configuration's schema (for the `configuration`
    /// summary of plan JSON); optional.
    fn provider_schema(&self, _provider: &str) -> Option<&Schema> {
        None
    }
}

/// No schemas at all.
pub struct NoSchemas;

impl SchemaLookup for NoSchemas {
    fn resource_schema(&self, _provider: &str, _mode: Mode, _type_name: &str) -> Option<&Schema> {
        None
    }
}

/// Schemas by provider source address.
impl SchemaLookup for BTreeMap<String, ProviderSchema> {
    fn resource_schema(&self, provider: &str, mode: Mode, type_name: &str) -> Option<&Schema> {
        let p = self.get(provider)?;
        match mode {
            Mode::Managed => p.resources.get(type_name),
            Mode::Data => p.data_sources.get(type_name),
        }
    }

    fn provider_schema(&self, provider: &str) -> Option<&Schema> {
        self.get(provider).map(|p| &p.provider)
    }
}

pub use plan::render;
pub use state::render_show;
