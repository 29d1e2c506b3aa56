//! Amazon S3.

pub mod bucket;
pub mod object;
