//! The provider boundary of tfrs.
//!
//! Everything a provider needs and nothing of the core: the value model
//! (numbers, types, values, conversions). Providers (`providers/aws`) depend
//! on this crate only; the core depends on it too, so values cross the
//! boundary without translation.

pub mod convert;
pub mod number;
pub mod types;
pub mod value;

pub use number::Number;
pub use types::Type;
pub use value::Value;
