//! Amazon S3.

pub mod bucket;
