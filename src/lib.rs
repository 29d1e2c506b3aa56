//! tfrs: a Terraform-compatible runner. See ARCHITECTURE.md for the map.

pub mod addrs;
pub mod backend;
pub mod command;
pub mod config;
pub mod diag;
pub mod engine;
pub mod format;
pub mod lang;
pub mod logging;
pub mod plans;
pub mod states;
pub mod syntax;
pub mod util;
pub mod views;
