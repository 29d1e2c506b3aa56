//! AWS Lambda.

pub mod function;
pub mod layer_version;
pub mod permission;

use crate::ctx::Ctx;
use crate::error::{Error, Result};
use crate::obj::Obj;
use std::time::Duration;

/// How long IAM changes take to reach Lambda (a new role not yet
/// assumable, say).
pub const PROPAGATION: Duration = Duration::from_secs(5 * 60);

/// The ARN API Gateway invokes a function (or a version or alias of it)
/// by: `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations`.
pub fn invoke_arn(c: &Ctx, function_arn: &str) -> String {
    format!(
        "arn:{}:apigateway:{}:lambda:path/2015-03-31/functions/{function_arn}/invocations",
        c.partition(),
        c.region
    )
}

/// The function name of a function ARN (`arn:aws:lambda:R:A:function:NAME[:QUALIFIER]`),
/// or the text itself when it is not one.
pub fn function_name_of(arn_or_name: &str) -> String {
    let parts: Vec<&str> = arn_or_name.split(':').collect();
    if parts.len() >= 7 && parts[0] == "arn" && parts[5] == "function" {
        parts[6].to_string()
    } else {
        arn_or_name.to_string()
    }
}

/// The qualifier of a function ARN (`...:function:NAME:QUALIFIER`), if any.
pub fn qualifier_of(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.split(':').collect();
    (parts.len() == 8 && parts[0] == "arn" && parts[5] == "function").then(|| parts[7].to_string())
}

/// A Go duration (`10m`, `1h30m`, `45s`), as the `timeouts` block takes.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let mut total = 0f64;
    let mut number = String::new();
    let mut chars = text.trim().chars().peekable();
    chars.peek()?;
    while let Some(ch) = chars.next() {
        if ch.is_ascii_digit() || ch == '.' {
            number.push(ch);
            continue;
        }
        let mut unit = ch.to_string();
        while let Some(&next) = chars.peek() {
            if next.is_ascii_digit() || next == '.' {
                break;
            }
            unit.push(next);
            chars.next();
        }
        let n: f64 = number.parse().ok()?;
        number.clear();
        total += n * match unit.as_str() {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return None,
        };
    }
    if !number.is_empty() {
        return None;
    }
    Some(Duration::from_secs_f64(total))
}

/// The `timeouts.<which>` of an object, or `default`.
pub fn timeout(o: &Obj, which: &str, default: Duration) -> Duration {
    o.block("timeouts")
        .and_then(|t| t.str(which).and_then(parse_duration))
        .unwrap_or(default)
}

/// A file read for upload (`filename`), as the provider reports a failure.
pub fn read_zip(path: &str) -> Result<Vec<u8>> {
    let expanded = match path.strip_prefix("~/") {
        Some(rest) => std::env::var("HOME")
            .map(|h| std::path::Path::new(&h).join(rest))
            .unwrap_or_else(|_| path.into()),
        None => path.into(),
    };
    std::fs::read(&expanded).map_err(|e| {
        Error::new(
            "Failed to read the ZIP file",
            format!("reading ZIP file ({path}): {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_qualifiers_come_from_arns() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:fortune";
        assert_eq!(function_name_of(arn), "fortune");
        assert_eq!(function_name_of(&format!("{arn}:3")), "fortune");
        assert_eq!(function_name_of("plain"), "plain");
        assert_eq!(qualifier_of(arn), None);
        assert_eq!(
            qualifier_of(&format!("{arn}:live")).as_deref(),
            Some("live")
        );
    }

    #[test]
    fn durations_parse_as_go_does() {
        assert_eq!(parse_duration("10m"), Some(Duration::from_secs(600)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("5d"), None);
        assert_eq!(parse_duration(""), None);
    }
}
