//! The Terraform language: expression evaluation and built-in functions.

pub mod decode;
pub mod eval;
pub mod funcs;
pub mod repl;
pub mod validate;
