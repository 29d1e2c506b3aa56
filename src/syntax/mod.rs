//! HCL syntax: scanning, parsing, the syntax tree, and the JSON variant.

pub mod ast;
pub mod json;
pub mod lexer;
pub mod parser;
