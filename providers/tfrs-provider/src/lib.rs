//! The provider boundary of tfrs.
//!
//! Everything a provider needs and nothing of the core: the value model
//! (numbers, types, values, conversions, JSON encoding), schemas, attribute
//! paths, schema-driven planning, and the [`Provider`] trait. Providers
//! (`providers/aws`, `providers/builtin`) depend on this crate only; the
//! core depends on it too, so values cross the boundary without translation.

pub mod convert;
pub mod json;
pub mod number;
pub mod path;
pub mod plan;
pub mod provider;
pub mod schema;
pub mod storage;
pub mod types;
pub mod value;

pub use number::Number;
pub use path::AttrPath;
pub use provider::{
    ApplyRequest, ApplyResponse, Diag, Diags, PlanRequest, PlanResponse, Provider, ProviderSchema,
    ReadResponse,
};
pub use schema::{Attribute, Block, Nesting, Schema};
pub use types::Type;
pub use value::Value;
