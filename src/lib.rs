//! tfrs: a Terraform-compatible runner. See ARCHITECTURE.md for the map.

pub mod command;
pub mod config;
pub mod diag;
pub mod format;
pub mod lang;
pub mod syntax;
pub mod util;
