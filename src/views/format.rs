//! Small pieces of Terraform's `command/format` package and Go formatting
//! helpers the views share.

use crate::addrs::{AbsInstance, InstanceKey, ModuleInstance};
use crate::plans::Action;
use crate::views::color::colorize;
use std::cmp::Ordering;
use tfrs_provider::{Type, Value};

/// How wide Terraform assumes the output is when it is not a terminal.
pub const DEFAULT_COLUMNS: usize = 78;

/// `format.DiffActionSymbol`: three printable characters with colour markup.
pub fn diff_action_symbol(action: Action) -> &'static str {
    match action {
        Action::DeleteThenCreate => "[red]-[reset]/[green]+[reset]",
        Action::CreateThenDelete => "[green]+[reset]/[red]-[reset]",
        Action::Create => "  [green]+[reset]",
        Action::Delete => "  [red]-[reset]",
        Action::Read => " [cyan]<=[reset]",
        Action::Update => "  [yellow]~[reset]",
        Action::NoOp => "   ",
        Action::Forget => " [red].[reset]",
    }
}

/// `format.HorizontalRule`: a newline and a rule of `width - 1` characters.
pub fn horizontal_rule(color: bool, width: usize) -> String {
    if width <= 1 {
        return "\n".into();
    }
    let rule = "─".repeat(width - 1);
    colorize(&format!("[dark_gray]\n{rule}"), color)
}

/// `format.WordWrap`: wraps each line to `width - 1` columns, leaving lines
/// that start with a space alone.
pub fn word_wrap(s: &str, width: usize) -> String {
    if width <= 1 {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.starts_with(' ') {
            out.push_str(line);
        } else {
            out.push_str(&wrap_string(line, width - 1));
        }
    }
    out
}

fn go_is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

/// `wordwrap.WrapString` (mitchellh/go-wordwrap v1.0.1).
pub fn wrap_string(s: &str, lim: usize) -> String {
    let mut buf = String::with_capacity(s.len());
    let mut current = 0usize;
    let mut word = String::new();
    let mut space = String::new();
    let mut word_len = 0usize;
    let mut space_len = 0usize;
    for c in s.chars() {
        if c == '\n' {
            if word.is_empty() {
                if current + space_len <= lim {
                    buf.push_str(&space);
                }
            } else {
                buf.push_str(&space);
                buf.push_str(&word);
                word.clear();
                word_len = 0;
            }
            space.clear();
            space_len = 0;
            buf.push(c);
            current = 0;
        } else if go_is_space(c) && c != '\u{a0}' {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                buf.push_str(&space);
                space.clear();
                space_len = 0;
                buf.push_str(&word);
                word.clear();
                word_len = 0;
            }
            space.push(c);
            space_len += 1;
        } else {
            word.push(c);
            word_len += 1;
            if current + word_len + space_len > lim && word_len < lim {
                buf.push('\n');
                current = 0;
                space.clear();
                space_len = 0;
            }
        }
    }
    if word.is_empty() {
        if current + space_len <= lim {
            buf.push_str(&space);
        }
    } else {
        buf.push_str(&space);
        buf.push_str(&word);
    }
    buf
}

/// Go's `time.Duration.String()` for a whole number of seconds: `0s`,
/// `42s`, `1m2s`, `1h0m5s`.
pub fn go_duration(secs: u64) -> String {
    if secs < 60 {
        return format!("{secs}s");
    }
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else {
        format!("{m}m{s}s")
    }
}

/// Go's `%-*s`: pads to `width` counted in characters.
pub fn pad_right(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

fn string_attr(
    m: &std::collections::BTreeMap<String, Value>,
    name: &str,
) -> Option<Result<String, ()>> {
    // `Some(Ok(s))`: a known, unmarked, non-null string; `Some(Err)`: the
    // attribute is a string but cannot be shown; `None`: not a string.
    let v = m.get(name)?;
    if v.ty() != Type::String {
        return None;
    }
    Some(match v {
        Value::String(s) => Ok(s.clone()),
        _ => Err(()),
    })
}

/// `format.ObjectValueID`: the `id` (or, without an `id` attribute, the
/// `name`) of a resource object, when it is a known, non-sensitive string.
pub fn object_value_id(obj: &Value) -> Option<(String, String)> {
    let Value::Object(m) = obj else { return None };
    if let Some(r) = string_attr(m, "id") {
        return r.ok().map(|v| ("id".to_string(), v));
    }
    if let Some(r) = string_attr(m, "name") {
        return r.ok().map(|v| ("name".to_string(), v));
    }
    None
}

/// `format.ObjectValueName`: `name`, else `tags.name` / `tags.Name`.
pub fn object_value_name(obj: &Value) -> Option<(String, String)> {
    let Value::Object(m) = obj else { return None };
    if let Some(r) = string_attr(m, "name") {
        return r.ok().map(|v| ("name".to_string(), v));
    }
    let tags = m.get("tags")?;
    if tags.ty() != Type::map(Type::String) {
        return None;
    }
    let Value::Map(_, entries) = tags else {
        return None;
    };
    if !tags.is_wholly_known() {
        return None;
    }
    for key in ["name", "Name"] {
        if let Some(v) = entries.get(key) {
            return match v {
                Value::String(s) => Some((format!("tags.{key}"), s.clone())),
                _ => None,
            };
        }
    }
    None
}

/// `format.ObjectValueIDOrName`.
pub fn object_value_id_or_name(obj: &Value) -> Option<(String, String)> {
    object_value_id(obj).or_else(|| object_value_name(obj))
}

/// The hook's `truncateId`: long ids shortened in the middle with `...`.
pub fn truncate_id(id: &str, max_len: usize) -> String {
    let rid: Vec<char> = id.chars().collect();
    let total = rid.len();
    if total <= max_len {
        return id.to_string();
    }
    let max_len = max_len.max(5);
    let part = max_len / 2;
    let left: String = rid[..part - 1].iter().collect();
    let mut right_idx = total as isize - part as isize - 1;
    let overlap = max_len as isize - (part as isize * 2 + 3);
    if overlap < 0 {
        right_idx -= overlap;
    }
    let right: String = rid[right_idx.max(0) as usize..].iter().collect();
    format!("{left}...{right}")
}

fn key_less(a: &InstanceKey, b: &InstanceKey) -> Ordering {
    // NoKey first, then int keys, then string keys (addrs.InstanceKeyLess).
    a.cmp(b)
}

fn module_cmp(a: &ModuleInstance, b: &ModuleInstance) -> Ordering {
    a.0.len().cmp(&b.0.len()).then_with(|| {
        for (x, y) in a.0.iter().zip(&b.0) {
            let o = x.0.cmp(&y.0).then_with(|| key_less(&x.1, &y.1));
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    })
}

/// Terraform's ordering of resource instance addresses
/// (`AbsResourceInstance.Less`): shorter module paths first, data resources
/// before managed ones, then type, name and key.
pub fn instance_cmp(a: &AbsInstance, b: &AbsInstance) -> Ordering {
    module_cmp(&a.resource.module, &b.resource.module)
        .then_with(|| {
            let (ra, rb) = (&a.resource.resource, &b.resource.resource);
            // Data sorts before managed.
            (ra.mode != crate::addrs::Mode::Data)
                .cmp(&(rb.mode != crate::addrs::Mode::Data))
                .then_with(|| ra.type_name.cmp(&rb.type_name))
                .then_with(|| ra.name.cmp(&rb.name))
        })
        .then_with(|| key_less(&a.key, &b.key))
}

/// The provider's source address (`registry.terraform.io/hashicorp/aws`)
/// from a provider configuration address
/// (`provider["registry.terraform.io/hashicorp/aws"].west`).
pub fn provider_source(provider: &str) -> &str {
    if let Some(rest) = provider.strip_prefix("provider[\"") {
        if let Some(end) = rest.find("\"]") {
            return &rest[..end];
        }
    }
    provider
}

/// `addrs.Resource.ImpliedProvider`: the type name up to its first `_`.
pub fn implied_provider(type_name: &str) -> &str {
    match type_name.find('_') {
        Some(i) => &type_name[..i],
        None => type_name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_like_go() {
        let s = "\nTerraform used the selected providers to generate the following execution plan. Resource actions are indicated with the following symbols:";
        assert_eq!(
            word_wrap(s, 78),
            "\nTerraform used the selected providers to generate the following execution\nplan. Resource actions are indicated with the following symbols:"
        );
        assert_eq!(go_duration(0), "0s");
        assert_eq!(go_duration(62), "1m2s");
        assert_eq!(go_duration(3605), "1h0m5s");
        assert_eq!(truncate_id("abcdefghijklmnopqrstuvwxyz", 10), "abcd...xyz");
    }
}
