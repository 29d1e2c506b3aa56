//! Errors of AWS calls, reported with the operation and AWS's own message,
//! and the "not found" test that turns a missing object into drift.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::fmt;

#[derive(Debug, Clone)]
pub struct Error {
    pub summary: String,
    pub detail: String,
    /// The error code AWS gave (`NoSuchBucket`), if any.
    pub code: Option<String>,
}

impl Error {
    pub fn new(summary: impl Into<String>, detail: impl Into<String>) -> Error {
        Error {
            summary: summary.into(),
            detail: detail.into(),
            code: None,
        }
    }
    pub fn is_not_found(&self) -> bool {
        self.code.as_deref().is_some_and(is_not_found_code)
    }
    /// The same failure under the provider's wording of what was being
    /// done (`creating Security Group (web)`); AWS's message stays the
    /// detail.
    pub fn context(self, summary: impl Into<String>) -> Error {
        Error {
            summary: summary.into(),
            ..self
        }
    }
    pub fn has_code(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.summary, self.detail)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// Codes AWS services use for "no such object".
pub fn is_not_found_code(code: &str) -> bool {
    matches!(
        code,
        "NoSuchBucket"
            | "NoSuchKey"
            | "NotFound"
            | "NotFoundException"
            | "NoSuchEntity"
            | "ResourceNotFoundException"
            | "ResourceNotFound"
            | "InvalidGroup.NotFound"
            | "InvalidPermission.NotFound"
            | "InvalidSecurityGroupRuleId.NotFound"
            | "InvalidInstanceID.NotFound"
            | "InvalidKeyPair.NotFound"
            | "InvalidLaunchTemplateId.NotFound"
            | "InvalidLaunchTemplateName.NotFoundException"
            | "LoadBalancerNotFound"
            | "TargetGroupNotFound"
            | "ListenerNotFound"
            | "RuleNotFound"
            | "NoSuchHostedZone"
            | "NoSuchDistribution"
            | "NoSuchOriginAccessControl"
            | "NoSuchBucketPolicy"
            | "NoSuchWebsiteConfiguration"
            | "NoSuchPublicAccessBlockConfiguration"
            | "OwnershipControlsNotFoundError"
            | "ValidationError.NotFound"
            | "InvalidVpcID.NotFound"
            | "InvalidSubnetID.NotFound"
            | "InvalidAMIID.NotFound"
    )
}

/// An SDK error as ours: `operation: Code: message`.
pub fn sdk<E>(op: &str, e: SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let (code, message) = match &e {
        SdkError::ServiceError(s) => (
            s.err().code().map(String::from),
            s.err()
                .message()
                .map(String::from)
                .unwrap_or_else(|| s.err().to_string()),
        ),
        other => (None, describe(other)),
    };
    let code_text = code.clone().unwrap_or_default();
    Error {
        summary: format!("{op} failed"),
        detail: if code_text.is_empty() {
            format!("{op}: {message}")
        } else {
            format!("{op}: {code_text}: {message}")
        },
        code: code.or_else(|| match &e {
            SdkError::ServiceError(s) if s.raw().status().as_u16() == 404 => {
                Some("NotFound".into())
            }
            _ => None,
        }),
    }
}

/// The whole chain of an error's causes, for transport failures.
fn describe(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        out.push_str(": ");
        out.push_str(&s.to_string());
        cur = s.source();
    }
    out
}

/// `Ok(None)` for "not found", the error otherwise.
pub fn found<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}
