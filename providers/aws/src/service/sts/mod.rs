//! AWS STS and region information.

pub mod caller_identity;
pub mod region;
