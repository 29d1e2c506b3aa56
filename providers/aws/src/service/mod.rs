//! Resources and data sources, one folder per AWS service, one file per
//! type.

pub mod autoscaling;
pub mod dynamodb;
pub mod ec2;
pub mod elbv2;
pub mod s3;
pub mod sts;

use tfrs_provider::{Type, Value};

/// `tags_all` becomes unknown when `tags` change (the provider merges them
/// with default_tags when applying).
pub fn plan_tags_all(prior: &Value, planned: Value) -> Value {
    let Value::Object(mut m) = planned else {
        return planned;
    };
    let tags_changed = match (prior.get_attr("tags"), m.get("tags")) {
        (Some(a), Some(b)) => !a.raw_equal(b),
        (None, Some(b)) => !b.is_null(),
        _ => false,
    };
    if prior.is_null() || tags_changed {
        m.insert("tags_all".into(), Value::Unknown(Type::map(Type::String)));
    }
    Value::Object(m)
}
