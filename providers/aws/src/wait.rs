//! Waiting for AWS to converge: poll at once, then back off. On a fast
//! endpoint the wait is milliseconds; against AWS it is as long as AWS takes.
//! (The hashicorp/aws provider sleeps 15-30 s before its first poll.)

use crate::error::{Error, Result};
use std::future::Future;
use std::time::{Duration, Instant};

/// What one poll found.
pub enum Poll<T> {
    Ready(T),
    Pending(String),
}

/// Polls `check` until it is ready, failing after `timeout`.
pub async fn until<T, F, Fut>(what: &str, timeout: Duration, check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>>>,
{
    until_capped(what, timeout, Duration::from_secs(10), check).await
}

/// As [`until`], with the delay between polls growing to `max_delay` at
/// most (a resource's configured poll interval).
pub async fn until_capped<T, F, Fut>(
    what: &str,
    timeout: Duration,
    max_delay: Duration,
    mut check: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>>>,
{
    let start = Instant::now();
    let mut delay = Duration::from_millis(100);
    loop {
        match check().await? {
            Poll::Ready(v) => return Ok(v),
            Poll::Pending(state) => {
                if start.elapsed() >= timeout {
                    return Err(Error::new(
                        format!("Timed out waiting for {what}"),
                        format!("Still {state} after {}s.", timeout.as_secs()),
                    ));
                }
            }
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 3 / 2).min(max_delay.max(Duration::from_millis(100)));
    }
}

/// Retries `op` while it fails with an error AWS gives during eventual
/// consistency (a role not yet visible to another service, say).
pub async fn retry_eventual<T, F, Fut>(
    timeout: Duration,
    retryable: &[&str],
    mut op: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T>>,
{
    let start = Instant::now();
    let mut delay = Duration::from_millis(200);
    loop {
        match op().await {
            Err(e)
                if start.elapsed() < timeout
                    && retryable
                        .iter()
                        .any(|c| e.code.as_deref() == Some(c) || e.detail.contains(c)) =>
            {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            other => return other,
        }
    }
}

/// Parses a Go duration ("10m", "1h30m", "90s", "0"); None when malformed.
pub fn parse_duration(s: &str) -> Option<Duration> {
    if s == "0" {
        return Some(Duration::ZERO);
    }
    let mut total = 0f64;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += n * scale;
    }
    Some(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration("10m"), Some(Duration::from_secs(600)));
        assert_eq!(parse_duration("0"), Some(Duration::ZERO));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("ten"), None);
        assert_eq!(parse_duration(""), None);
    }
}
