//! Names the way the hashicorp/aws provider makes them (`create.Name`): the
//! configured `name`, else `name_prefix` followed by a unique, time-ordered
//! suffix, else `terraform-` and the suffix.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The prefix of names made up when neither a name nor a prefix is given.
pub const UNIQUE_ID_PREFIX: &str = "terraform-";

/// The length of the unique suffix: a UTC timestamp to 1/10000 s
/// (`20060102150405` and four digits) and an 8-digit hex counter.
pub const UNIQUE_SUFFIX_LEN: usize = 26;

/// `prefix` followed by a unique suffix (the SDK's `id.PrefixedUniqueId`).
pub fn prefixed_unique_id(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs();
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    let counter = COUNTER.fetch_add(1, Ordering::SeqCst).wrapping_add(1);
    format!(
        "{prefix}{y:04}{m:02}{d:02}{:02}{:02}{:02}{:04}{counter:08x}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60,
        now.subsec_micros() / 100,
    )
}

/// The name to create: `name`, else `prefix` + suffix, else `terraform-` + suffix.
pub fn name(name: Option<&str>, prefix: Option<&str>) -> String {
    match (name, prefix) {
        (Some(n), _) if !n.is_empty() => n.to_string(),
        (_, Some(p)) if !p.is_empty() => prefixed_unique_id(p),
        _ => prefixed_unique_id(UNIQUE_ID_PREFIX),
    }
}

/// The prefix a generated name was made from (the provider's
/// `create.NamePrefixFromName`): what precedes a 26-hex-digit suffix.
pub fn prefix_from_name(name: &str) -> Option<String> {
    let cut = name.len().checked_sub(UNIQUE_SUFFIX_LEN)?;
    if cut == 0 || !name.is_char_boundary(cut) {
        return None;
    }
    let (prefix, suffix) = name.split_at(cut);
    suffix
        .chars()
        .all(|c| c.is_ascii_hexdigit())
        .then(|| prefix.to_string())
}

/// Year, month, day of a day count since 1970-01-01 (proleptic Gregorian).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_names_round_trip_their_prefix() {
        let a = name(None, Some("fortune-lc-"));
        let b = name(None, Some("fortune-lc-"));
        assert_ne!(a, b);
        assert_eq!(a.len(), "fortune-lc-".len() + UNIQUE_SUFFIX_LEN);
        assert_eq!(prefix_from_name(&a).as_deref(), Some("fortune-lc-"));
        assert!(name(None, None).starts_with("terraform-"));
        assert_eq!(name(Some("fixed"), Some("ignored")), "fixed");
        assert_eq!(prefix_from_name("fortune-asg"), None);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
