//! State locking as Terraform's `clistate` does it: lock information, Go
//! durations for `-lock-timeout`, retries with backoff, and the messages.

use super::BackendError;
use crate::diag::Diagnostic;
use std::time::{Duration, Instant};
use tfrs_provider::storage::{LockError, LockInfo};

/// How a command wants its state locked.
pub struct LockOptions<'a> {
    /// `false` with `-lock=false`: no lock is taken.
    pub lock: bool,
    /// `-lock-timeout`: how long to keep retrying a held lock.
    pub timeout: Duration,
    /// Recorded in the lock: `OperationTypeApply`, `OperationTypePlan`,
    /// `OperationTypeRefresh`, `state-mv`, `state-rm`, `state-push`, ...
    pub operation: String,
    /// Called once when the lock has not been obtained within 400 ms
    /// (Terraform prints "Acquiring state lock. This may take a few
    /// moments..." then).
    pub on_slow: Option<&'a mut dyn FnMut()>,
}

impl<'a> LockOptions<'a> {
    /// Locking on, no timeout.
    pub fn new(operation: &str) -> LockOptions<'a> {
        LockOptions {
            lock: true,
            timeout: Duration::ZERO,
            operation: operation.to_string(),
            on_slow: None,
        }
    }
    /// No lock at all (`-lock=false`).
    pub fn none() -> LockOptions<'a> {
        LockOptions {
            lock: false,
            ..LockOptions::new("")
        }
    }
}

/// After how long Terraform tells the user it is waiting for a lock.
pub const LOCK_THRESHOLD: Duration = Duration::from_millis(400);

/// A new lock info as Terraform's `statemgr.NewLockInfo` makes it: a random
/// ID, `user@host`, the Terraform version tfrs behaves as, now.
pub fn new_lock_info(operation: &str) -> LockInfo {
    LockInfo {
        id: uuid::Uuid::new_v4().to_string(),
        operation: operation.to_string(),
        info: String::new(),
        who: who(),
        version: crate::command::TERRAFORM_VERSION.to_string(),
        created: now_rfc3339(),
        path: String::new(),
    }
}

/// The current time as Go's `time.RFC3339Nano` in UTC.
pub fn now_rfc3339() -> String {
    let now = chrono::Utc::now();
    let nanos = now.timestamp_subsec_nanos();
    let mut out = now.format("%Y-%m-%dT%H:%M:%S").to_string();
    if nanos > 0 {
        let frac = format!("{nanos:09}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

/// `user@host`, as Terraform records who holds a lock.
pub fn who() -> String {
    format!("{}@{}", super::os::user_name(), super::os::host_name())
}

/// Parses a Go duration (`0s`, `30s`, `5m`, `1h30m`, `1.5s`, `300ms`).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let err = || format!("time: invalid duration {s:?}");
    let mut rest = s;
    let mut negative = false;
    if let Some(r) = rest.strip_prefix('-') {
        negative = true;
        rest = r;
    } else if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    }
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(err());
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        if num.is_empty() || num == "." {
            return Err(err());
        }
        let value: f64 = num.parse().map_err(|_| err())?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale = match unit {
            "ns" => 1e-9,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "" => return Err(format!("time: missing unit in duration {s:?}")),
            other => return Err(format!("time: unknown unit {other:?} in duration {s:?}")),
        };
        total += value * scale;
    }
    if negative && total > 0.0 {
        // Negative timeouts behave as zero (no retry).
        return Ok(Duration::ZERO);
    }
    Ok(Duration::from_secs_f64(total))
}

/// Tries `attempt` until it succeeds, fails for a reason other than a held
/// lock, or `opts.timeout` passes; waits 250 ms, doubling up to 4 s, between
/// tries (Terraform waits 1 s doubling to 16 s).
pub(crate) fn retry_lock(
    opts: &mut LockOptions<'_>,
    mut attempt: impl FnMut() -> Result<String, AttemptError>,
) -> Result<String, BackendError> {
    let start = Instant::now();
    let deadline = start + opts.timeout;
    let mut delay = Duration::from_millis(250);
    let mut told = false;
    loop {
        match attempt() {
            Ok(id) => return Ok(id),
            Err(AttemptError::Fatal(e)) => return Err(e),
            Err(AttemptError::Held(e)) => {
                let now = Instant::now();
                if now >= deadline {
                    return Err(BackendError::Lock(e));
                }
                let wake = (now + delay).min(deadline);
                // Sleep in short steps so the "slow" notice comes on time.
                while Instant::now() < wake {
                    if !told && start.elapsed() >= LOCK_THRESHOLD {
                        told = true;
                        if let Some(f) = opts.on_slow.as_mut() {
                            f();
                        }
                    }
                    let step = wake
                        .saturating_duration_since(Instant::now())
                        .min(Duration::from_millis(50));
                    std::thread::sleep(step);
                }
                delay = (delay * 2).min(Duration::from_secs(4));
            }
        }
    }
}

pub(crate) enum AttemptError {
    /// Someone holds the lock: worth retrying.
    Held(LockError),
    /// Anything else.
    Fatal(BackendError),
}

const LOCK_ERROR_MESSAGE: &str =
    "Terraform acquires a state lock to protect the state from being written
by multiple users at the same time. Please resolve the issue above and try
again. For most commands, you can disable locking with the \"-lock=false\"
flag, but this is not recommended.";

const UNLOCK_ERROR_MESSAGE: &str =
    "Terraform acquires a lock when accessing your state to prevent others
running Terraform to potentially modify the state at the same time. An
error occurred while releasing this lock. This could mean that the lock
did or did not release properly. If the lock didn't release properly,
Terraform may not be able to run future commands since it'll appear as if
the lock is held.

In this scenario, please call the \"force-unlock\" command to unlock the
state manually. This is a very dangerous operation since if it is done
erroneously it could result in two people modifying state at the same time.
Only call this command if you're certain that the unlock above failed and
that no one else is holding a lock.";

/// Terraform's "Error acquiring the state lock" diagnostic.
pub fn lock_diagnostic(err: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        "Error acquiring the state lock",
        format!("Error message: {err}\n\n{LOCK_ERROR_MESSAGE}"),
    )
}

/// Terraform's "Error releasing the state lock" diagnostic.
pub fn unlock_diagnostic(err: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        "Error releasing the state lock",
        format!("Error message: {err}\n\n{UNLOCK_ERROR_MESSAGE}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse_duration("0s").unwrap(), Duration::ZERO);
        assert_eq!(parse_duration("0").unwrap(), Duration::ZERO);
        assert_eq!(parse_duration("30s").unwrap(), Duration::from_secs(30));
        assert_eq!(parse_duration("5m").unwrap(), Duration::from_secs(300));
        assert_eq!(parse_duration("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("300ms").unwrap(), Duration::from_millis(300));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("5x").is_err());
    }

    #[test]
    fn lock_info_is_terraform_shaped() {
        let info = new_lock_info("OperationTypeApply");
        assert_eq!(info.id.len(), 36);
        assert!(info.who.contains('@'));
        assert!(info.created.ends_with('Z') && info.created.contains('T'));
        assert_eq!(info.version, crate::command::TERRAFORM_VERSION);
    }

    #[test]
    fn retries_until_timeout() {
        let mut opts = LockOptions::new("x");
        opts.timeout = Duration::from_millis(600);
        let mut slow = 0;
        let mut cb = || slow += 1;
        opts.on_slow = Some(&mut cb);
        let mut n = 0;
        let r = retry_lock(&mut opts, || {
            n += 1;
            Err(AttemptError::Held(LockError::failed("busy")))
        });
        assert!(matches!(r, Err(BackendError::Lock(_))));
        assert!(n >= 2);
        drop(opts);
        assert_eq!(slow, 1);
    }
}
