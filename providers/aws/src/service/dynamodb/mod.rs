//! Amazon DynamoDB.

pub mod table;
pub mod table_item;
