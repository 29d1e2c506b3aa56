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
pub async fn until<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> Result<T>
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
        delay = (delay * 3 / 2).min(Duration::from_secs(10));
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
