//! Terraform's debug log: `TF_LOG` selects a level (`TRACE`, `DEBUG`,
//! `INFO`, `WARN`, `ERROR`, `OFF`, or `JSON` for every level as JSON lines),
//! `TF_LOG_PATH` appends the lines to a file instead of standard error,
//! `TF_LOG_CORE` and `TF_LOG_PROVIDER` set the core's and the providers'
//! levels separately. Lines look as go-hclog writes them for Terraform:
//!
//! ```text
//! 2025-01-02T03:04:05.678Z [INFO]  tfrs version: 0.1.0
//! 2025-01-02T03:04:05.679Z [DEBUG] provider: GetProviderSchema: terraform.io/builtin/terraform
//! {"@level":"info","@message":"tfrs version: 0.1.0","@timestamp":"2025-01-02T03:04:05.678901Z"}
//! ```
//!
//! This is the one place below the CLI that writes to standard error: the
//! log is a side channel the user asked for, never part of a command's
//! output. Messages are formatted only when their level is enabled:
//! `logging::info(format_args!("x = {x}"))`.

use std::fmt;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Off,
}

impl Level {
    /// hclog's bracketed prefix, padded to one width.
    fn prefix(self) -> &'static str {
        match self {
            Level::Trace => "[TRACE] ",
            Level::Debug => "[DEBUG] ",
            Level::Info => "[INFO]  ",
            Level::Warn => "[WARN]  ",
            Level::Error => "[ERROR] ",
            Level::Off => "",
        }
    }

    fn json_name(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Off => "off",
        }
    }
}

/// The level names `TF_LOG` accepts besides `JSON`.
pub const VALID_LEVELS: [&str; 6] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"];

/// Terraform's `parseLogLevel`: empty is off, `JSON` is trace, an unknown
/// name is trace with a warning on standard error (worded, and left
/// without a newline, as Terraform leaves it).
fn parse_level(name: &str, warn: &mut dyn Write) -> Level {
    let upper = name.to_uppercase();
    match upper.as_str() {
        "" => Level::Off,
        "JSON" | "TRACE" => Level::Trace,
        "DEBUG" => Level::Debug,
        "INFO" => Level::Info,
        "WARN" => Level::Warn,
        "ERROR" => Level::Error,
        "OFF" => Level::Off,
        _ => {
            let _ = write!(
                warn,
                "[WARN] Invalid log level: {upper:?}. Defaulting to level: TRACE. Valid levels are: [{}]",
                VALID_LEVELS.join(" ")
            );
            Level::Trace
        }
    }
}

struct Logger {
    core: Level,
    provider: Level,
    json: bool,
    out: Mutex<Box<dyn Write + Send>>,
}

static LOGGER: OnceLock<Logger> = OnceLock::new();

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}

fn from_env() -> Logger {
    let mut stderr = std::io::stderr();
    let mut global = env("TF_LOG");
    if global.is_empty() {
        global = env("TF_LOG_CORE");
    }
    let json = global.eq_ignore_ascii_case("JSON");
    let core = parse_level(&global, &mut stderr);
    let provider = match env("TF_LOG_PROVIDER") {
        p if !p.is_empty() => parse_level(&p, &mut stderr),
        _ => parse_level(&env("TF_LOG"), &mut std::io::sink()),
    };
    let mut out: Box<dyn Write + Send> = Box::new(std::io::stderr());
    if core != Level::Off || provider != Level::Off {
        let path = env("TF_LOG_PATH");
        if !path.is_empty() {
            match std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
            {
                Ok(f) => out = Box::new(f),
                Err(e) => eprintln!("Error opening log file: {e}"),
            }
        }
    }
    Logger {
        core,
        provider,
        json,
        out: Mutex::new(out),
    }
}

fn logger() -> &'static Logger {
    LOGGER.get_or_init(from_env)
}

/// Reads the environment now (otherwise the first log call does), so an
/// invalid level is reported before the command's own output.
pub fn init() {
    logger();
}

/// Whether the core log writes lines of `level`.
pub fn enabled(level: Level) -> bool {
    level != Level::Off && level >= logger().core
}

/// Writes one line from the core (`module` names a sub-logger, as hclog's
/// named loggers do: `provider`, `backend`).
pub fn log(level: Level, module: Option<&str>, msg: fmt::Arguments<'_>) {
    let l = logger();
    let threshold = if module == Some("provider") {
        l.provider
    } else {
        l.core
    };
    if level == Level::Off || level < threshold {
        return;
    }
    let line = if l.json {
        json_line(level, module, &msg.to_string())
    } else {
        text_line(level, module, &msg.to_string())
    };
    if let Ok(mut out) = l.out.lock() {
        let _ = out.write_all(line.as_bytes());
        let _ = out.flush();
    }
}

fn text_line(level: Level, module: Option<&str>, msg: &str) -> String {
    let now = chrono::Local::now();
    let zone = if now.offset().local_minus_utc() == 0 {
        "Z".to_string()
    } else {
        now.format("%z").to_string()
    };
    let module = module.map(|m| format!("{m}: ")).unwrap_or_default();
    format!(
        "{}{zone} {}{module}{msg}\n",
        now.format("%Y-%m-%dT%H:%M:%S%.3f"),
        level.prefix()
    )
}

fn json_line(level: Level, module: Option<&str>, msg: &str) -> String {
    let now = chrono::Local::now();
    let ts = now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    // Go's encoding/json writes a map's keys sorted.
    let mut s = format!(
        "{{\"@level\":{},\"@message\":{}",
        json_string(level.json_name()),
        json_string(msg)
    );
    if let Some(m) = module {
        s.push_str(&format!(",\"@module\":{}", json_string(m)));
    }
    s.push_str(&format!(",\"@timestamp\":{}}}\n", json_string(&ts)));
    s
}

/// A JSON string as Go's `encoding/json` writes it (HTML characters
/// escaped too).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 || c == '<' || c == '>' || c == '&' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn trace(msg: fmt::Arguments<'_>) {
    log(Level::Trace, None, msg)
}

pub fn debug(msg: fmt::Arguments<'_>) {
    log(Level::Debug, None, msg)
}

pub fn info(msg: fmt::Arguments<'_>) {
    log(Level::Info, None, msg)
}

pub fn warn(msg: fmt::Arguments<'_>) {
    log(Level::Warn, None, msg)
}

pub fn error(msg: fmt::Arguments<'_>) {
    log(Level::Error, None, msg)
}

/// A line about a provider call, at `TF_LOG_PROVIDER`'s level when set.
pub fn provider(level: Level, msg: fmt::Arguments<'_>) {
    log(level, Some("provider"), msg)
}

/// A string slice as Go's `%#v` prints a `[]string`
/// (`[]string{"tfrs", "plan"}`), for the `CLI args` lines.
pub fn go_string_slice(items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|s| crate::lang::repl::go_quote(s))
        .collect();
    format!("[]string{{{}}}", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_as_terraform_parses_them() {
        let mut warn = Vec::new();
        assert_eq!(parse_level("", &mut warn), Level::Off);
        assert_eq!(parse_level("debug", &mut warn), Level::Debug);
        assert_eq!(parse_level("Json", &mut warn), Level::Trace);
        assert_eq!(parse_level("off", &mut warn), Level::Off);
        assert!(warn.is_empty());
        assert_eq!(parse_level("loud", &mut warn), Level::Trace);
        assert_eq!(
            String::from_utf8(warn).unwrap(),
            "[WARN] Invalid log level: \"LOUD\". Defaulting to level: TRACE. Valid levels are: [TRACE DEBUG INFO WARN ERROR OFF]"
        );
    }

    #[test]
    fn lines_look_like_hclog() {
        let t = text_line(Level::Info, None, "hello");
        // 2025-01-02T03:04:05.678Z [INFO]  hello
        let (ts, rest) = t.split_once(' ').unwrap();
        assert_eq!(rest, "[INFO]  hello\n");
        assert_eq!(&ts[10..11], "T");
        assert_eq!(&ts[19..20], ".");
        assert!(ts[20..23].chars().all(|c| c.is_ascii_digit()), "{ts}");
        let t = text_line(Level::Error, Some("provider"), "x");
        assert!(t.ends_with(" [ERROR] provider: x\n"), "{t}");
        let j = json_line(Level::Warn, Some("provider"), "a<b\"");
        assert!(
            j.starts_with(
                "{\"@level\":\"warn\",\"@message\":\"a\\u003cb\\\"\",\"@module\":\"provider\",\"@timestamp\":\""
            ),
            "{j}"
        );
        assert!(j.ends_with("\"}\n"));
        assert_eq!(
            go_string_slice(&["tfrs".into(), "a \"b\"".into()]),
            "[]string{\"tfrs\", \"a \\\"b\\\"\"}"
        );
    }
}
