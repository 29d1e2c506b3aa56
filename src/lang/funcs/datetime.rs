//! Date and time functions: formatdate, plantimestamp, timeadd, timecmp,
//! timestamp.

use super::{
    arg_error, call_error, go_quote, ret_number, ret_string, FuncContext, FuncResult, Function,
    Param, ParamType,
};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};
use tfrs_provider::Value;

pub const FUNCTIONS: &[Function] = &[
    Function {
        name: "formatdate",
        params: &[
            Param::new("format", ParamType::String),
            Param::new("time", ParamType::String),
        ],
        variadic: None,
        return_type: ret_string,
        imp: formatdate,
    },
    Function {
        name: "timeadd",
        params: &[
            Param::new("timestamp", ParamType::String),
            Param::new("duration", ParamType::String),
        ],
        variadic: None,
        return_type: ret_string,
        imp: timeadd,
    },
    Function {
        name: "timecmp",
        params: &[
            Param::new("timestamp_a", ParamType::String),
            Param::new("timestamp_b", ParamType::String),
        ],
        variadic: None,
        return_type: ret_number,
        imp: timecmp,
    },
    Function {
        name: "timestamp",
        params: &[],
        variadic: None,
        return_type: ret_string,
        imp: timestamp,
    },
    Function {
        name: "plantimestamp",
        params: &[],
        variadic: None,
        return_type: ret_string,
        imp: timestamp,
    },
];

fn s(v: &Value) -> &str {
    v.as_str().expect("converted to string")
}

/// Takes exactly `n` digits.
fn take_digits(v: &str, n: usize) -> Option<(u32, &str)> {
    if v.len() < n || !v.as_bytes()[..n].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some((v[..n].parse().ok()?, &v[n..]))
}

/// Go's `time.Parse(time.RFC3339, ...)`, with cty's error messages.
pub(super) fn parse_timestamp(ts: &str) -> Result<DateTime<FixedOffset>, String> {
    let p = "not a valid RFC3339 timestamp";
    let cannot = |v: &str, what: &str| {
        if v.is_empty() {
            format!("{p}: end of string before {what}")
        } else {
            format!("{p}: cannot use {} as {what}", go_quote(v))
        }
    };
    let expect = |v: &str, c: char| -> Result<(), String> {
        if v.starts_with(c) {
            Ok(())
        } else if v.is_empty() {
            Err(format!(
                "{p}: end of string where {} is expected",
                go_quote(&c.to_string())
            ))
        } else {
            Err(format!(
                "{p}: found {} where {} is expected",
                go_quote(v),
                go_quote(&c.to_string())
            ))
        }
    };
    let v = ts;
    let (year, v) = take_digits(v, 4).ok_or_else(|| cannot(v, "year"))?;
    expect(v, '-')?;
    let v = &v[1..];
    let (month, v) = take_digits(v, 2).ok_or_else(|| cannot(v, "month"))?;
    if !(1..=12).contains(&month) {
        return Err(cannot(v, "month"));
    }
    expect(v, '-')?;
    let v = &v[1..];
    let (day, v) = take_digits(v, 2).ok_or_else(|| cannot(v, "day of month"))?;
    if !v.starts_with('T') {
        return Err(format!("{p}: missing required time introducer 'T'"));
    }
    let v = &v[1..];
    let (hour, v) = match take_digits(v, 2) {
        Some(x) => x,
        None => take_digits(v, 1).ok_or_else(|| cannot(v, "hour"))?,
    };
    if hour > 23 {
        return Err(cannot(v, "hour"));
    }
    expect(v, ':')?;
    let v = &v[1..];
    let (minute, v) = take_digits(v, 2).ok_or_else(|| cannot(v, "minute"))?;
    if minute > 59 {
        return Err(cannot(v, "minute"));
    }
    expect(v, ':')?;
    let v = &v[1..];
    let (second, mut v) = take_digits(v, 2).ok_or_else(|| cannot(v, "second"))?;
    if second > 59 {
        return Err(cannot(v, "second"));
    }
    let mut nanos = 0u32;
    if (v.starts_with('.') || v.starts_with(','))
        && v[1..].starts_with(|c: char| c.is_ascii_digit())
    {
        let digits: String = v[1..].chars().take_while(char::is_ascii_digit).collect();
        v = &v[1 + digits.len()..];
        let mut d = digits.clone();
        d.truncate(9);
        while d.len() < 9 {
            d.push('0');
        }
        nanos = d.parse().unwrap_or(0);
    }
    let (offset, v) = if let Some(rest) = v.strip_prefix('Z') {
        (0, rest)
    } else {
        let b = v.as_bytes();
        if b.len() < 6 || !(b[0] == b'+' || b[0] == b'-') || b[3] != b':' {
            return Err(cannot(v, "UTC offset"));
        }
        let hh: i32 = v[1..3].parse().map_err(|_| cannot(v, "UTC offset"))?;
        let mm: i32 = v[4..6].parse().map_err(|_| cannot(v, "UTC offset"))?;
        let sign = if b[0] == b'-' { -1 } else { 1 };
        (sign * (hh * 3600 + mm * 60), &v[6..])
    };
    if !v.is_empty() {
        return Err(cannot(v, "timestamp segment"));
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or_else(|| format!("{p}: day out of range"))?;
    let naive = date
        .and_hms_nano_opt(hour, minute, second, nanos)
        .ok_or_else(|| format!("{p}: day out of range"))?;
    let tz = FixedOffset::east_opt(offset).ok_or_else(|| cannot(ts, "UTC offset"))?;
    tz.from_local_datetime(&naive)
        .single()
        .ok_or_else(|| format!("{p}: day out of range"))
}

fn offset_text(t: &DateTime<FixedOffset>, colon: bool, z: bool) -> String {
    let off = t.offset().local_minus_utc();
    if z && off == 0 {
        return "Z".into();
    }
    let sign = if off < 0 { '-' } else { '+' };
    let m = off.abs() / 60;
    if colon {
        format!("{sign}{:02}:{:02}", m / 60, m % 60)
    } else {
        format!("{sign}{:02}{:02}", m / 60, m % 60)
    }
}

/// Go's `t.Format(time.RFC3339)`.
fn rfc3339(t: &DateTime<FixedOffset>) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        offset_text(t, true, true)
    )
}

fn timestamp(_: &FuncContext, _: &[Value]) -> FuncResult {
    let now = Utc::now().fixed_offset();
    Ok(Value::String(rfc3339(&now)))
}

/// Go's `time.ParseDuration`, in nanoseconds.
fn parse_duration(text: &str) -> Result<i128, String> {
    let invalid = || format!("time: invalid duration {}", go_quote(text));
    let mut s = text;
    let mut neg = false;
    if let Some(r) = s.strip_prefix('-') {
        neg = true;
        s = r;
    } else if let Some(r) = s.strip_prefix('+') {
        s = r;
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(invalid());
    }
    let mut total: f64 = 0.0;
    let mut total_int: i128 = 0;
    while !s.is_empty() {
        let int_digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        s = &s[int_digits.len()..];
        let mut frac_digits = String::new();
        if let Some(r) = s.strip_prefix('.') {
            s = r;
            frac_digits = s.chars().take_while(char::is_ascii_digit).collect();
            s = &s[frac_digits.len()..];
        }
        if int_digits.is_empty() && frac_digits.is_empty() {
            return Err(invalid());
        }
        let unit_text: String = s
            .chars()
            .take_while(|c| *c != '.' && !c.is_ascii_digit())
            .collect();
        s = &s[unit_text.len()..];
        if unit_text.is_empty() {
            return Err(format!("time: missing unit in duration {}", go_quote(text)));
        }
        let unit: i128 = match unit_text.as_str() {
            "ns" => 1,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    go_quote(&unit_text),
                    go_quote(text)
                ))
            }
        };
        let iv: i128 = if int_digits.is_empty() {
            0
        } else {
            int_digits.parse().map_err(|_| invalid())?
        };
        total_int += iv * unit;
        if !frac_digits.is_empty() {
            let f: f64 = format!("0.{frac_digits}").parse().unwrap_or(0.0);
            total += f * unit as f64;
        }
    }
    let v = total_int + total as i128;
    Ok(if neg { -v } else { v })
}

fn timeadd(_: &FuncContext, args: &[Value]) -> FuncResult {
    let t = parse_timestamp(s(&args[0])).map_err(|e| call_error("timeadd", e))?;
    let d = parse_duration(s(&args[1])).map_err(|e| call_error("timeadd", e))?;
    let secs = d.div_euclid(1_000_000_000) as i64;
    let nanos = d.rem_euclid(1_000_000_000) as i64;
    let r = t + chrono::Duration::seconds(secs) + chrono::Duration::nanoseconds(nanos);
    Ok(Value::String(rfc3339(&r)))
}

fn timecmp(_: &FuncContext, args: &[Value]) -> FuncResult {
    let a = parse_timestamp(s(&args[0])).map_err(|e| arg_error(0, "timestamp_a", e))?;
    let b = parse_timestamp(s(&args[1])).map_err(|e| arg_error(1, "timestamp_b", e))?;
    Ok(Value::int(match a.cmp(&b) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }))
}

/// Splits a `formatdate` spec into tokens as cty's scanner does.
fn date_tokens(f: &str) -> Vec<&str> {
    let b = f.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let is_verb = |c: u8| c.is_ascii_alphabetic();
    while i < b.len() {
        let start = i;
        if b[i] == b'\'' {
            if i + 1 < b.len() && b[i + 1] == b'\'' {
                i += 2;
            } else {
                i += 1;
                loop {
                    if i >= b.len() {
                        break;
                    }
                    if b[i] == b'\'' {
                        if i + 1 < b.len() && b[i + 1] == b'\'' {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
            }
        } else if is_verb(b[i]) {
            let c = b[i];
            while i < b.len() && b[i] == c {
                i += 1;
            }
        } else {
            i += 1;
            while i < b.len() && b[i] != b'\'' && !is_verb(b[i]) {
                i += 1;
            }
        }
        out.push(&f[start..i]);
    }
    out
}

fn formatdate(_: &FuncContext, args: &[Value]) -> FuncResult {
    let spec = s(&args[0]);
    let t = parse_timestamp(s(&args[1])).map_err(|e| arg_error(1, "time", e))?;
    let bad = |msg: String| arg_error(0, "format", msg);
    let mut out = String::new();
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    const DAYS: [&str; 7] = [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ];
    for tok in date_tokens(spec) {
        let first = tok.as_bytes()[0];
        let n = tok.len();
        let q = go_quote(tok);
        if first == b'\'' {
            if !tok.ends_with('\'') || n == 1 {
                return Err(bad("unterminated literal '".into()));
            }
            if n == 2 {
                out.push('\'');
            } else {
                out.push_str(&tok[1..n - 1].replace("''", "'"));
            }
            continue;
        }
        if !first.is_ascii_alphabetic() {
            out.push_str(tok);
            continue;
        }
        match first {
            b'Y' => match n {
                2 => out.push_str(&format!("{:02}", t.year().rem_euclid(100))),
                4 => out.push_str(&format!("{:04}", t.year())),
                _ => {
                    return Err(bad(format!(
                        "invalid date format verb {q}: year must either be \"YY\" or \"YYYY\""
                    )))
                }
            },
            b'M' => {
                let m = t.month();
                match n {
                    1 => out.push_str(&m.to_string()),
                    2 => out.push_str(&format!("{m:02}")),
                    3 => out.push_str(&MONTHS[m as usize - 1][..3]),
                    4 => out.push_str(MONTHS[m as usize - 1]),
                    _ => return Err(bad(format!("invalid date format verb {q}: month must be \"M\", \"MM\", \"MMM\", or \"MMMM\""))),
                }
            }
            b'D' => match n {
                1 => out.push_str(&t.day().to_string()),
                2 => out.push_str(&format!("{:02}", t.day())),
                _ => {
                    return Err(bad(format!(
                        "invalid date format verb {q}: day of month must either be \"D\" or \"DD\""
                    )))
                }
            },
            b'E' => {
                let d = DAYS[t.weekday().num_days_from_sunday() as usize];
                match n {
                    3 => out.push_str(&d[..3]),
                    4 => out.push_str(d),
                    _ => return Err(bad(format!("invalid date format verb {q}: day of week must either be \"EEE\" or \"EEEE\""))),
                }
            }
            b'h' => match n {
                1 => out.push_str(&t.hour().to_string()),
                2 => out.push_str(&format!("{:02}", t.hour())),
                _ => {
                    return Err(bad(format!(
                        "invalid date format verb {q}: 24-hour must either be \"h\" or \"hh\""
                    )))
                }
            },
            b'H' => {
                let h = match t.hour() % 12 {
                    0 => 12,
                    h => h,
                };
                match n {
                    1 => out.push_str(&h.to_string()),
                    2 => out.push_str(&format!("{h:02}")),
                    _ => {
                        return Err(bad(format!(
                            "invalid date format verb {q}: 12-hour must either be \"H\" or \"HH\""
                        )))
                    }
                }
            }
            b'A' | b'a' => {
                if n != 2 {
                    let c = first as char;
                    return Err(bad(format!(
                        "invalid date format verb {q}: must be \"{c}{c}\""
                    )));
                }
                let pm = t.hour() >= 12;
                out.push_str(match (first == b'A', pm) {
                    (true, false) => "AM",
                    (true, true) => "PM",
                    (false, false) => "am",
                    (false, true) => "pm",
                });
            }
            b'm' => match n {
                1 => out.push_str(&t.minute().to_string()),
                2 => out.push_str(&format!("{:02}", t.minute())),
                _ => {
                    return Err(bad(format!(
                        "invalid date format verb {q}: minute must either be \"m\" or \"mm\""
                    )))
                }
            },
            b's' => match n {
                1 => out.push_str(&t.second().to_string()),
                2 => out.push_str(&format!("{:02}", t.second())),
                _ => {
                    return Err(bad(format!(
                        "invalid date format verb {q}: second must either be \"s\" or \"ss\""
                    )))
                }
            },
            b'Z' => match n {
                1 => out.push_str(&offset_text(&t, true, true)),
                3 => {
                    if t.offset().local_minus_utc() == 0 {
                        out.push_str("UTC")
                    } else {
                        out.push_str(&offset_text(&t, false, false))
                    }
                }
                4 => out.push_str(&offset_text(&t, false, false)),
                5 => out.push_str(&offset_text(&t, true, false)),
                _ => {
                    return Err(bad(format!(
                        "invalid date format verb {q}: timezone must be Z, ZZZZ, or ZZZZZ"
                    )))
                }
            },
            _ => return Err(bad(format!("invalid date format verb {q}"))),
        }
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{check, eval};

    #[test]
    fn datetime_functions() {
        check(&[
            (
                r###"timeadd("2017-11-22T00:00:00Z", "10m")"###,
                r###""2017-11-22T00:10:00Z""###,
            ),
            (
                r###"timeadd("2017-11-22T00:00:00+01:00", "-1.5h")"###,
                r###""2017-11-21T22:30:00+01:00""###,
            ),
            (
                r###"timeadd("2017-11-22T00:00:00Z", "1h30m15s")"###,
                r###""2017-11-22T01:30:15Z""###,
            ),
            (
                r###"timeadd("2017-11-22T00:00:00Z", "-24h")"###,
                r###""2017-11-21T00:00:00Z""###,
            ),
            (
                r###"timeadd("2017-11-22T00:00:00Z", "0")"###,
                r###""2017-11-22T00:00:00Z""###,
            ),
            (
                r###"timeadd("2017-11-22T00:00:00Z", "1")"###,
                r###"error: Error in function call: Call to function "timeadd" failed: time: missing unit in duration "1"."###,
            ),
            (
                r###"timeadd("2017-11-22T00:00:00Z", "")"###,
                r###"error: Error in function call: Call to function "timeadd" failed: time: invalid duration ""."###,
            ),
            (
                r###"timeadd("x", "1h")"###,
                r###"error: Error in function call: Call to function "timeadd" failed: not a valid RFC3339 timestamp: cannot use "x" as year."###,
            ),
            (
                r###"timeadd("2017-11-22T00:00:00Z", "1x")"###,
                r###"error: Error in function call: Call to function "timeadd" failed: time: unknown unit "x" in duration "1x"."###,
            ),
            (
                r###"timeadd("2017-11-22T00:00:00.5Z", "1ns")"###,
                r###""2017-11-22T00:00:00Z""###,
            ),
            (
                r###"timeadd("2017-11-22T00:00:00+00:00", "1s")"###,
                r###""2017-11-22T00:00:01Z""###,
            ),
            (
                r###"timeadd("2017-02-30T00:00:00Z", "1s")"###,
                r###"error: Error in function call: Call to function "timeadd" failed: not a valid RFC3339 timestamp: day out of range."###,
            ),
            (
                r###"timeadd("2017-13-01T00:00:00Z", "1s")"###,
                r###"error: Error in function call: Call to function "timeadd" failed: not a valid RFC3339 timestamp: cannot use "-01T00:00:00Z" as month."###,
            ),
            (
                r###"timeadd("2017-11-22 00:00:00Z", "1s")"###,
                r###"error: Error in function call: Call to function "timeadd" failed: not a valid RFC3339 timestamp: missing required time introducer 'T'."###,
            ),
            (
                r###"timeadd("2017-11-22T00:00:00", "1s")"###,
                r###"error: Error in function call: Call to function "timeadd" failed: not a valid RFC3339 timestamp: end of string before UTC offset."###,
            ),
            (
                r###"timeadd("2017-11-22T00:00:00Zabc", "1s")"###,
                r###"error: Error in function call: Call to function "timeadd" failed: not a valid RFC3339 timestamp: cannot use "abc" as timestamp segment."###,
            ),
            (
                r###"timeadd("2017-11-22T00:00", "1s")"###,
                r###"error: Error in function call: Call to function "timeadd" failed: not a valid RFC3339 timestamp: end of string where ":" is expected."###,
            ),
            (
                r###"timeadd("2017/11/22T00:00:00Z", "1s")"###,
                r###"error: Error in function call: Call to function "timeadd" failed: not a valid RFC3339 timestamp: found "/11/22T00:00:00Z" where "-" is expected."###,
            ),
            (
                r###"timecmp("2017-11-22T00:00:00Z", "2017-11-22T01:00:00+01:00")"###,
                r###"0"###,
            ),
            (
                r###"timecmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:01Z")"###,
                r###"-1"###,
            ),
            (
                r###"timecmp("2017-11-22T00:00:02Z", "2017-11-22T00:00:01Z")"###,
                r###"1"###,
            ),
            (
                r###"timecmp("2017-11-22", "2017-11-22T01:00:00Z")"###,
                r###"error: Invalid function argument: Invalid value for "timestamp_a" parameter: not a valid RFC3339 timestamp: missing required time introducer 'T'."###,
            ),
            (
                r###"timecmp("2017-11-22T01:00:00Z", "x")"###,
                r###"error: Invalid function argument: Invalid value for "timestamp_b" parameter: not a valid RFC3339 timestamp: cannot use "x" as year."###,
            ),
            (
                r###"formatdate("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z")"###,
                r###""02 Jan 2018 23:12 UTC""###,
            ),
            (
                r###"formatdate("EEEE, DD-MMM-YY HH:mm:ss aa ZZZZZ Z ZZZZ ZZZ 'lit''x' M D h s", "2018-01-02T03:04:05+05:30")"###,
                r###""Tuesday, 02-Jan-18 03:04:05 am +05:30 +05:30 +0530 +0530 lit'x 1 2 3 5""###,
            ),
            (
                r###"formatdate("EEE MMMM AA", "2018-07-08T15:04:05-07:00")"###,
                r###""Sun July PM""###,
            ),
            (
                r###"formatdate("YYY", "2018-01-02T23:12:01Z")"###,
                r###"error: Invalid function argument: Invalid value for "format" parameter: invalid date format verb "YYY": year must either be "YY" or "YYYY"."###,
            ),
            (
                r###"formatdate("Q", "2018-01-02T23:12:01Z")"###,
                r###"error: Invalid function argument: Invalid value for "format" parameter: invalid date format verb "Q"."###,
            ),
            (
                r###"formatdate("'abc", "2018-01-02T23:12:01Z")"###,
                r###"error: Invalid function argument: Invalid value for "format" parameter: unterminated literal '."###,
            ),
            (
                r###"formatdate("''", "2018-01-02T23:12:01Z")"###,
                r###""'""###,
            ),
            (
                r###"formatdate("a", "2018-01-02T23:12:01Z")"###,
                r###"error: Invalid function argument: Invalid value for "format" parameter: invalid date format verb "a": must be "aa"."###,
            ),
            (
                r###"formatdate("YYYY", "x")"###,
                r###"error: Invalid function argument: Invalid value for "time" parameter: not a valid RFC3339 timestamp: cannot use "x" as year."###,
            ),
            (
                r###"formatdate("h:mm", "2018-01-02T03:04:05Z")"###,
                r###""3:04""###,
            ),
            // CASES:datetime
        ]);
    }

    #[test]
    fn timestamp_shape() {
        let t = eval("timestamp()");
        assert_eq!(t.len(), 22, "{t}");
        assert!(t.ends_with("Z\""), "{t}");
    }
}
