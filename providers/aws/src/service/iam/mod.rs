//! AWS Identity and Access Management, and what its resources share:
//! generated names, dates as the provider writes them, tags, and the
//! propagation delay IAM documents.

pub mod instance_profile;
pub mod instance_profile_data_source;
pub mod policy;
pub mod policy_document;
pub mod policy_json;
pub mod role;
pub mod role_data_source;
pub mod role_policy;
pub mod role_policy_attachment;

use crate::error::{Error, Result};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use std::collections::BTreeMap;
use std::time::Duration;

/// How long IAM may take to make a change visible everywhere (the
/// provider's `propagationTimeout`): AWS documents IAM as eventually
/// consistent, so calls that see a missing entity right after a change
/// retry for this long.
pub const PROPAGATION: Duration = Duration::from_secs(120);

/// The name to create: `name` when given, else `prefix` (default
/// `terraform-`) and a unique suffix, as the provider's `create.Name`.
pub fn resource_name(name: Option<&str>, prefix: Option<&str>) -> String {
    crate::naming::name(name, prefix)
}

/// The prefix of a generated name (what `name_prefix` was), or `None`
/// when the name does not end in a unique suffix.
pub fn name_prefix_from_name(name: &str) -> Option<String> {
    crate::naming::prefix_from_name(name)
}

/// A date as RFC 3339 to the second (Go's `time.RFC3339`).
pub fn rfc3339(t: &DateTime) -> String {
    DateTime::from_secs(t.secs())
        .fmt(Format::DateTime)
        .unwrap_or_default()
}

/// A date as Go's `time.Time.String()` in UTC
/// (`2006-01-02 15:04:05.999999999 +0000 UTC`), which some data sources
/// store.
pub fn go_time_string(t: &DateTime) -> String {
    let base = rfc3339(t).replace('T', " ").replace('Z', "");
    let nanos = t.subsec_nanos();
    let frac = if nanos == 0 {
        String::new()
    } else {
        format!(".{nanos:09}").trim_end_matches('0').to_string()
    };
    format!("{base}{frac} +0000 UTC")
}

/// IAM tags as a map.
pub fn tag_map(tags: &[aws_sdk_iam::types::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// A map as IAM tags.
pub fn iam_tags(tags: &BTreeMap<String, String>) -> Result<Vec<aws_sdk_iam::types::Tag>> {
    tags.iter()
        .map(|(k, v)| {
            aws_sdk_iam::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| Error::new("Invalid tag", e.to_string()))
        })
        .collect()
}

/// Go's `url.QueryUnescape`: IAM returns policy documents URL-encoded.
pub fn url_unescape(s: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                    .ok_or_else(|| {
                        Error::new(
                            "Invalid policy document",
                            format!("invalid URL escape in {s:?}"),
                        )
                    })?;
                out.push(hex);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_names_carry_a_recognisable_suffix() {
        let n = resource_name(None, Some("app-"));
        assert_eq!(n.len(), 4 + 26);
        assert_eq!(name_prefix_from_name(&n).as_deref(), Some("app-"));
        assert_eq!(name_prefix_from_name("role1"), None);
        assert_eq!(resource_name(Some("x"), Some("app-")), "x");
        assert!(resource_name(None, None).starts_with("terraform-"));
        assert_eq!(
            name_prefix_from_name("pre-20261128100114230200000001").as_deref(),
            Some("pre-")
        );
    }

    #[test]
    fn dates_render_as_go_does() {
        let t = DateTime::from_secs_and_nanos(1_795_860_075, 554_095_000);
        assert_eq!(rfc3339(&t), "2026-11-28T10:01:15Z");
        assert_eq!(go_time_string(&t), "2026-11-28 10:01:15.554095 +0000 UTC");
        assert_eq!(
            go_time_string(&DateTime::from_secs(0)),
            "1970-01-01 00:00:00 +0000 UTC"
        );
    }

    #[test]
    fn url_unescape_is_go_query_unescape() {
        assert_eq!(
            url_unescape("%7B%22a%22%3A+1%7D").expect("valid"),
            "{\"a\": 1}"
        );
        assert!(url_unescape("%zz").is_err());
    }
}
