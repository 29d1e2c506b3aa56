//! Amazon EC2 Auto Scaling.

pub mod attachment;
pub mod group;
pub mod launch_configuration;

use crate::error::Error;

/// Auto Scaling answers ValidationError "... not found" for a missing
/// group or launch configuration.
pub fn is_missing(e: &Error) -> bool {
    e.is_not_found()
        || (e.code.as_deref() == Some("ValidationError") && e.detail.contains("not found"))
}
