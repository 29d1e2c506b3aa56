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
    match name {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => format!("{}{}", prefix.unwrap_or("terraform-"), unique_suffix()),
    }
}

/// Terraform's unique ID suffix: the UTC time to a ten-thousandth of a
/// second (18 digits) and an 8-digit hexadecimal counter, 26 characters.
pub fn unique_suffix() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!(
        "{y:04}{mo:02}{d:02}{:02}{:02}{:02}{:04}{:08x}",
        sod / 3600,
        sod % 3600 / 60,
        sod % 60,
        now.subsec_nanos() / 100_000,
        COUNTER.fetch_add(1, Ordering::SeqCst).wrapping_add(1)
    )
}

/// Year, month and day of a day count since 1970-01-01 (proleptic
/// Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The prefix of a generated name (what `name_prefix` was), or `None`
/// when the name does not end in a unique suffix.
pub fn name_prefix_from_name(name: &str) -> Option<String> {
    let b = name.as_bytes();
    if b.len() <= 26 {
        return None;
    }
    let (prefix, suffix) = b.split_at(b.len() - 26);
    let digits = suffix[..18].iter().all(u8::is_ascii_digit);
    let hex = suffix[18..]
        .iter()
        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c));
    (digits && hex).then(|| String::from_utf8_lossy(prefix).into_owned())
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
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_513), (2026, 3, 1));
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
