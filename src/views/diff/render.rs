//! `jsonformat/computed/renderers`: a [`Diff`] as the text of a human plan.

use super::{Blocks, Change, Diff, Matcher, Opts, Prim, Renderer};
use crate::lang::repl::go_quote;
use crate::plans::Action;
use crate::syntax::lexer::{is_ident_continue, is_ident_start};
use crate::views::color::colorize;
use crate::views::diff::differ::{json_transform, process_slice};
use crate::views::format::{diff_action_symbol, pad_right};
use crate::views::jsonv::Json;

const IMPORTANT_ATTRIBUTES: [&str; 3] = ["id", "name", "tags"];

fn important(attr: &str) -> bool {
    IMPORTANT_ATTRIBUTES.contains(&attr)
}

fn null_suffix(action: Action, opts: &Opts) -> String {
    if !opts.override_null_suffix && action == Action::Delete {
        colorize(" [dark_gray]-> null[reset]", opts.color)
    } else {
        String::new()
    }
}

fn forces_replacement(replace: bool, opts: &Opts) -> String {
    if (replace || opts.force_forces_replacement) && !opts.forbid_forces_replacement {
        colorize(" [red]# forces replacement[reset]", opts.color)
    } else {
        String::new()
    }
}

fn indent(n: usize) -> String {
    "    ".repeat(n)
}

fn unchanged(keyword: &str, count: usize, opts: &Opts) -> String {
    if count == 1 {
        colorize(
            &format!("[dark_gray]# ({count} unchanged {keyword} hidden)[reset]"),
            opts.color,
        )
    } else {
        colorize(
            &format!("[dark_gray]# ({count} unchanged {keyword}s hidden)[reset]"),
            opts.color,
        )
    }
}

/// `hclsyntax.ValidIdentifier`.
pub fn valid_identifier(name: &str) -> bool {
    let mut cs = name.chars();
    match cs.next() {
        Some(c) if is_ident_start(c) => cs.all(is_ident_continue),
        _ => false,
    }
}

/// `EnsureValidAttributeName`.
pub fn ensure_valid_attribute_name(name: &str) -> String {
    if valid_identifier(name) {
        name.to_string()
    } else {
        go_quote(name)
    }
}

fn symbol(action: Action, opts: &Opts) -> String {
    if opts.hide_diff_action_symbols {
        return String::new();
    }
    format!("{} ", colorize(diff_action_symbol(action), opts.color))
}

/// The width Go's `len` gives the longest key.
fn max_len<'a>(keys: impl Iterator<Item = &'a String>) -> usize {
    keys.map(|k| k.len()).max().unwrap_or(0)
}

impl Diff {
    /// `RenderHuman`.
    pub fn render_human(&self, ind: usize, opts: &Opts) -> String {
        match &self.renderer {
            Renderer::Primitive { before, after, ty } => {
                render_primitive(self, before, after, *ty, ind, opts)
            }
            Renderer::Object {
                attributes,
                override_null_suffix,
            } => render_object(self, attributes, *override_null_suffix, ind, opts),
            Renderer::Map {
                elements,
                override_null_suffix,
                override_forces_replacement,
                align_keys,
            } => render_map(
                self,
                elements,
                *override_null_suffix,
                *override_forces_replacement,
                *align_keys,
                ind,
                opts,
            ),
            Renderer::List {
                elements,
                display_context,
            } => render_list(self, elements, *display_context, ind, opts),
            Renderer::Set {
                elements,
                override_forces_replacement,
            } => render_set(self, elements, *override_forces_replacement, ind, opts),
            Renderer::Block { attributes, blocks } => {
                render_block(self, attributes, blocks, ind, opts)
            }
            Renderer::Sensitive { .. } => format!(
                "(sensitive value){}{}",
                null_suffix(self.action, opts),
                forces_replacement(self.replace, opts)
            ),
            Renderer::SensitiveBlock { .. } => {
                let prefix = format!("{}{}", indent(ind), symbol(Action::NoOp, opts));
                format!(
                    "{{{}\n{prefix}  # At least one attribute in this block is (or was) sensitive,\n{prefix}  # so its contents will not be displayed.\n{prefix}}}",
                    forces_replacement(self.replace, opts)
                )
            }
            Renderer::TypeChange { before, after } => {
                let mut o = *opts;
                o.override_null_suffix = true;
                format!(
                    "{} {} {}",
                    before.render_human(ind, &o),
                    colorize("[yellow]->[reset]", opts.color),
                    after.render_human(ind, &o)
                )
            }
            Renderer::Unknown { before } => match before {
                Some(b) if self.action != Action::Create => {
                    let mut bo = opts.child();
                    bo.override_null_suffix = true;
                    if self.replace {
                        bo.forbid_forces_replacement = true;
                    }
                    format!(
                        "{} -> (known after apply){}",
                        b.render_human(ind, &bo),
                        forces_replacement(self.replace, opts)
                    )
                }
                _ => format!(
                    "(known after apply){}",
                    forces_replacement(self.replace, opts)
                ),
            },
        }
    }

    /// `WarningsHuman`.
    pub fn warnings_human(&self, ind: usize, opts: &Opts) -> Vec<String> {
        match &self.renderer {
            Renderer::Sensitive {
                inner,
                before_sensitive,
                after_sensitive,
            } => {
                if before_sensitive == after_sensitive
                    || inner.action == Action::Create
                    || inner.action == Action::Delete
                {
                    return Vec::new();
                }
                let warning = if *before_sensitive {
                    colorize(
                        &format!(
                            "  # [yellow]Warning[reset]: this attribute value will no longer be marked as sensitive\n{}  # after applying this change.",
                            indent(ind)
                        ),
                        opts.color,
                    )
                } else {
                    colorize(
                        &format!(
                            "  # [yellow]Warning[reset]: this attribute value will be marked as sensitive and will not\n{}  # display in UI output after applying this change.",
                            indent(ind)
                        ),
                        opts.color,
                    )
                };
                if inner.action == Action::NoOp {
                    vec![format!("{warning} The value is unchanged.")]
                } else {
                    vec![warning]
                }
            }
            Renderer::SensitiveBlock {
                inner,
                before_sensitive,
                after_sensitive,
            } => {
                if before_sensitive == after_sensitive
                    || inner.action == Action::Create
                    || inner.action == Action::Delete
                {
                    return Vec::new();
                }
                if *before_sensitive {
                    vec![colorize(
                        &format!(
                            "  # [yellow]Warning[reset]: this block will no longer be marked as sensitive\n{}  # after applying this change.",
                            indent(ind)
                        ),
                        opts.color,
                    )]
                } else {
                    vec![colorize(
                        &format!(
                            "  # [yellow]Warning[reset]: this block will be marked as sensitive and will not\n{}  # display in UI output after applying this change.",
                            indent(ind)
                        ),
                        opts.color,
                    )]
                }
            }
            _ => Vec::new(),
        }
    }
}

fn render_primitive(
    diff: &Diff,
    before: &Json,
    after: &Json,
    ty: Prim,
    ind: usize,
    opts: &Opts,
) -> String {
    if ty == Prim::String {
        return render_string_diff(diff, before, after, ind, opts);
    }
    let b = primitive_value(before, opts);
    let a = primitive_value(after, opts);
    match diff.action {
        Action::Create => format!("{a}{}", forces_replacement(diff.replace, opts)),
        Action::Delete => format!(
            "{b}{}{}",
            null_suffix(diff.action, opts),
            forces_replacement(diff.replace, opts)
        ),
        Action::NoOp => format!("{b}{}", forces_replacement(diff.replace, opts)),
        _ => format!(
            "{b} {} {a}{}",
            colorize("[yellow]->[reset]", opts.color),
            forces_replacement(diff.replace, opts)
        ),
    }
}

fn primitive_value(v: &Json, opts: &Opts) -> String {
    match v {
        Json::Null => colorize("[dark_gray]null[reset]", opts.color),
        Json::Bool(true) => "true".into(),
        Json::Bool(false) => "false".into(),
        Json::Number(n) => n.clone(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

struct Evaluated {
    string: String,
    json: Option<Json>,
    multiline: bool,
    null: bool,
}

impl Evaluated {
    fn render_simple(&self) -> String {
        if self.null {
            self.string.clone()
        } else {
            go_quote(&self.string)
        }
    }
}

fn evaluate_string(v: &Json, opts: &Opts) -> Evaluated {
    let s = match v {
        Json::Null => {
            return Evaluated {
                string: colorize("[dark_gray]null[reset]", opts.color),
                json: None,
                multiline: false,
                null: true,
            }
        }
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    if s.starts_with('{') || s.starts_with('[') {
        if let Some(j) = Json::parse(&s) {
            return Evaluated {
                string: s,
                json: Some(j),
                multiline: false,
                null: false,
            };
        }
    }
    if s.contains('\n') {
        return Evaluated {
            string: s.trim().to_string(),
            json: None,
            multiline: true,
            null: false,
        };
    }
    Evaluated {
        string: s,
        json: None,
        multiline: false,
        null: false,
    }
}

fn multiline_lines(s: &str, ind: usize, opts: &Opts) -> Vec<String> {
    let prefix = format!("{}{}", indent(ind + 1), symbol(Action::NoOp, opts));
    s.split('\n').map(|l| format!("{prefix}{l}")).collect()
}

fn render_string_diff(diff: &Diff, before: &Json, after: &Json, ind: usize, opts: &Opts) -> String {
    let mut lines: Vec<String> = Vec::new();
    match diff.action {
        Action::Create | Action::NoOp => {
            let s = evaluate_string(after, opts);
            if s.json.is_some() {
                let empty = Evaluated {
                    string: String::new(),
                    json: None,
                    multiline: false,
                    null: false,
                };
                return if diff.action == Action::NoOp {
                    render_string_as_json(diff, ind, opts, &s, &s)
                } else {
                    render_string_as_json(diff, ind, opts, &empty, &s)
                };
            }
            if !s.multiline {
                return format!(
                    "{}{}",
                    s.render_simple(),
                    forces_replacement(diff.replace, opts)
                );
            }
            lines = multiline_lines(&s.string, ind, opts);
        }
        Action::Delete => {
            let s = evaluate_string(before, opts);
            if s.null {
                return format!(
                    "{}{}",
                    s.render_simple(),
                    forces_replacement(diff.replace, opts)
                );
            }
            if s.json.is_some() {
                let empty = Evaluated {
                    string: String::new(),
                    json: None,
                    multiline: false,
                    null: false,
                };
                return render_string_as_json(diff, ind, opts, &s, &empty);
            }
            if !s.multiline {
                return format!(
                    "{}{}{}",
                    s.render_simple(),
                    null_suffix(diff.action, opts),
                    forces_replacement(diff.replace, opts)
                );
            }
            lines = multiline_lines(&s.string, ind, opts);
        }
        _ => {
            let b = evaluate_string(before, opts);
            let a = evaluate_string(after, opts);
            if b.json.is_some() && a.json.is_some() {
                return render_string_as_json(diff, ind, opts, &b, &a);
            }
            if b.json.is_some() || a.json.is_some() {
                let tc = Diff::new(
                    Renderer::TypeChange {
                        before: Box::new(Diff::new(
                            Renderer::Primitive {
                                before: before.clone(),
                                after: Json::Null,
                                ty: Prim::String,
                            },
                            Action::Delete,
                            false,
                        )),
                        after: Box::new(Diff::new(
                            Renderer::Primitive {
                                before: Json::Null,
                                after: after.clone(),
                                ty: Prim::String,
                            },
                            Action::Create,
                            false,
                        )),
                    },
                    diff.action,
                    diff.replace,
                );
                return tc.render_human(ind, opts);
            }
            if !b.multiline && !a.multiline {
                return format!(
                    "{} {} {}{}",
                    b.render_simple(),
                    colorize("[yellow]->[reset]", opts.color),
                    a.render_simple(),
                    forces_replacement(diff.replace, opts)
                );
            }
            let bl: Vec<&str> = b.string.split('\n').collect();
            let al: Vec<&str> = a.string.split('\n').collect();
            process_slice(
                &bl,
                &al,
                |bi, ai| {
                    if bi >= bl.len() {
                        lines.push(format!(
                            "{}{}{}",
                            indent(ind + 1),
                            symbol(Action::Create, opts),
                            al[ai]
                        ));
                        return;
                    }
                    if ai >= al.len() {
                        lines.push(format!(
                            "{}{}{}",
                            indent(ind + 1),
                            symbol(Action::Delete, opts),
                            bl[bi]
                        ));
                        return;
                    }
                    if bl[bi] != al[ai] {
                        lines.push(format!(
                            "{}{}{}",
                            indent(ind + 1),
                            symbol(Action::Delete, opts),
                            bl[bi]
                        ));
                        lines.push(format!(
                            "{}{}{}",
                            indent(ind + 1),
                            symbol(Action::Create, opts),
                            al[ai]
                        ));
                        return;
                    }
                    lines.push(format!(
                        "{}{}{}",
                        indent(ind + 1),
                        symbol(Action::NoOp, opts),
                        bl[bi]
                    ));
                },
                |_| false,
                |x, y| x == y,
            );
        }
    }
    format!(
        "<<-EOT{}\n{}\n{}{}EOT{}",
        forces_replacement(diff.replace, opts),
        lines.join("\n"),
        indent(ind),
        symbol(Action::NoOp, opts),
        null_suffix(diff.action, opts)
    )
}

fn render_string_as_json(
    diff: &Diff,
    ind: usize,
    opts: &Opts,
    before: &Evaluated,
    after: &Evaluated,
) -> String {
    let null = Json::Null;
    let f = Json::Bool(false);
    let b = before.json.as_ref().unwrap_or(&null);
    let a = after.json.as_ref().unwrap_or(&null);
    let mut change = Change::new(b, a, &f, &f, &f, Matcher::empty(false), Matcher::Always);
    change.before_explicit = diff.action != Action::Create;
    change.after_explicit = diff.action != Action::Delete;
    let json_diff = json_transform(change);

    let mut action = diff.action;
    let mut json_opts = opts.child();
    json_opts.override_null_suffix = true;
    let (mut whitespace, mut replace) = ("", String::new());
    if json_diff.action == Action::NoOp && diff.action == Action::Update {
        whitespace = if diff.replace {
            " # whitespace changes force replacement"
        } else {
            " # whitespace changes"
        };
        json_opts.show_unchanged_children = true;
        action = Action::NoOp;
    } else {
        replace = forces_replacement(diff.replace, opts);
    }
    let rendered = json_diff.render_human(ind + 1, &json_opts);
    if diff.action == Action::Create || diff.action == Action::Delete {
        action = Action::NoOp;
    }
    if rendered.contains('\n') {
        format!(
            "jsonencode({whitespace}\n{}{}{rendered}{replace}\n{}{}){}",
            indent(ind + 1),
            symbol(action, opts),
            indent(ind),
            symbol(Action::NoOp, opts),
            null_suffix(diff.action, opts)
        )
    } else {
        format!("jsonencode({rendered}){whitespace}{replace}")
    }
}

fn render_object(
    diff: &Diff,
    attributes: &std::collections::BTreeMap<String, Diff>,
    override_null_suffix: bool,
    ind: usize,
    opts: &Opts,
) -> String {
    if attributes.is_empty() {
        return format!(
            "{{}}{}{}",
            null_suffix(diff.action, opts),
            forces_replacement(diff.replace, opts)
        );
    }
    let mut attr_opts = opts.child();
    attr_opts.override_null_suffix = override_null_suffix;
    let escaped: Vec<(String, String)> = attributes
        .keys()
        .map(|k| (k.clone(), ensure_valid_attribute_name(k)))
        .collect();
    let max = max_len(escaped.iter().map(|(_, e)| e));
    let mut unchanged_count = 0;
    let mut buf = format!("{{{}\n", forces_replacement(diff.replace, opts));
    for (key, esc) in &escaped {
        let attr = &attributes[key];
        if important(key) {
            let mut io = attr_opts.child();
            io.show_unchanged_children = true;
            for w in attr.warnings_human(ind + 1, &io) {
                buf.push_str(&format!("{}{w}\n", indent(ind + 1)));
            }
            buf.push_str(&format!(
                "{}{}{} = {}\n",
                indent(ind + 1),
                symbol(attr.action, &io),
                pad_right(esc, max),
                attr.render_human(ind + 1, &io)
            ));
            continue;
        }
        if attr.action == Action::NoOp && !opts.show_unchanged_children {
            unchanged_count += 1;
            continue;
        }
        for w in attr.warnings_human(ind + 1, opts) {
            buf.push_str(&format!("{}{w}\n", indent(ind + 1)));
        }
        buf.push_str(&format!(
            "{}{}{} = {}\n",
            indent(ind + 1),
            symbol(attr.action, &attr_opts),
            pad_right(esc, max),
            attr.render_human(ind + 1, &attr_opts)
        ));
    }
    if unchanged_count > 0 {
        buf.push_str(&format!(
            "{}{}{}\n",
            indent(ind + 1),
            symbol(Action::NoOp, opts),
            unchanged("attribute", unchanged_count, opts)
        ));
    }
    buf.push_str(&format!(
        "{}{}}}{}",
        indent(ind),
        symbol(Action::NoOp, opts),
        null_suffix(diff.action, opts)
    ));
    buf
}

fn render_map(
    diff: &Diff,
    elements: &std::collections::BTreeMap<String, Diff>,
    override_null_suffix: bool,
    override_forces_replacement: bool,
    align_keys: bool,
    ind: usize,
    opts: &Opts,
) -> String {
    let replace_self = diff.replace && !override_forces_replacement;
    let replace_children = diff.replace && override_forces_replacement;
    if elements.is_empty() {
        return format!(
            "{{}}{}{}",
            null_suffix(diff.action, opts),
            forces_replacement(replace_self, opts)
        );
    }
    let escaped: Vec<(String, String)> =
        elements.keys().map(|k| (k.clone(), go_quote(k))).collect();
    let max = max_len(escaped.iter().map(|(_, e)| e));
    let mut unchanged_count = 0;
    let mut element_opts = opts.child();
    element_opts.override_null_suffix = diff.action == Action::Delete || override_null_suffix;
    element_opts.force_forces_replacement = replace_children;
    let mut buf = format!("{{{}\n", forces_replacement(replace_self, opts));
    for (key, esc) in &escaped {
        let el = &elements[key];
        if el.action == Action::NoOp && !opts.show_unchanged_children {
            unchanged_count += 1;
            continue;
        }
        for w in el.warnings_human(ind + 1, opts) {
            buf.push_str(&format!("{}{w}\n", indent(ind + 1)));
        }
        let comma = if matches!(el.renderer, Renderer::Object { .. }) {
            ","
        } else {
            ""
        };
        let k = if align_keys {
            pad_right(esc, max)
        } else {
            esc.clone()
        };
        buf.push_str(&format!(
            "{}{}{k} = {}{comma}\n",
            indent(ind + 1),
            symbol(el.action, &element_opts),
            el.render_human(ind + 1, &element_opts)
        ));
    }
    if unchanged_count > 0 {
        buf.push_str(&format!(
            "{}{}{}\n",
            indent(ind + 1),
            symbol(Action::NoOp, opts),
            unchanged("element", unchanged_count, opts)
        ));
    }
    buf.push_str(&format!(
        "{}{}}}{}",
        indent(ind),
        symbol(Action::NoOp, opts),
        null_suffix(diff.action, opts)
    ));
    buf
}

fn render_list(
    diff: &Diff,
    elements: &[Diff],
    display_context: bool,
    ind: usize,
    opts: &Opts,
) -> String {
    if elements.is_empty() {
        return format!(
            "[]{}{}",
            null_suffix(diff.action, opts),
            forces_replacement(diff.replace, opts)
        );
    }
    let mut element_opts = opts.child();
    element_opts.override_null_suffix = true;
    let mut unchanged_opts = opts.child();
    unchanged_opts.show_unchanged_children = true;

    let mut unchanged_elements: Vec<&Diff> = Vec::new();
    let mut render_next = false;
    let mut buf = format!("[{}\n", forces_replacement(diff.replace, opts));
    for el in elements {
        if el.action == Action::NoOp && !render_next && !opts.show_unchanged_children {
            unchanged_elements.push(el);
            continue;
        }
        render_next = false;
        let mut o = element_opts;
        if display_context {
            if unchanged_elements.len() > 1 {
                buf.push_str(&format!(
                    "{}{}{}\n",
                    indent(ind + 1),
                    symbol(Action::NoOp, &o),
                    unchanged("element", unchanged_elements.len() - 1, &o)
                ));
            }
            if let Some(last) = unchanged_elements.last() {
                buf.push_str(&format!(
                    "{}{}{},\n",
                    indent(ind + 1),
                    symbol(last.action, &unchanged_opts),
                    last.render_human(ind + 1, &unchanged_opts)
                ));
            }
            unchanged_elements.clear();
            if el.action == Action::NoOp {
                o = unchanged_opts;
            } else {
                render_next = true;
            }
        }
        for w in el.warnings_human(ind + 1, &o) {
            buf.push_str(&format!("{}{w}\n", indent(ind + 1)));
        }
        buf.push_str(&format!(
            "{}{}{},\n",
            indent(ind + 1),
            symbol(el.action, &o),
            el.render_human(ind + 1, &o)
        ));
    }
    if !unchanged_elements.is_empty() {
        buf.push_str(&format!(
            "{}{}{}\n",
            indent(ind + 1),
            symbol(Action::NoOp, opts),
            unchanged("element", unchanged_elements.len(), opts)
        ));
    }
    buf.push_str(&format!(
        "{}{}]{}",
        indent(ind),
        symbol(Action::NoOp, opts),
        null_suffix(diff.action, opts)
    ));
    buf
}

fn render_set(
    diff: &Diff,
    elements: &[Diff],
    override_forces_replacement: bool,
    ind: usize,
    opts: &Opts,
) -> String {
    let replace_self = diff.replace && !override_forces_replacement;
    let replace_children = diff.replace && override_forces_replacement;
    if elements.is_empty() {
        return format!(
            "[]{}{}",
            null_suffix(diff.action, opts),
            forces_replacement(replace_self, opts)
        );
    }
    let mut element_opts = opts.child();
    element_opts.override_null_suffix = true;
    element_opts.force_forces_replacement = replace_children;
    let mut unchanged_count = 0;
    let mut buf = format!("[{}\n", forces_replacement(replace_self, opts));
    for el in elements {
        if el.action == Action::NoOp && !opts.show_unchanged_children {
            unchanged_count += 1;
            continue;
        }
        for w in el.warnings_human(ind + 1, opts) {
            buf.push_str(&format!("{}{w}\n", indent(ind + 1)));
        }
        buf.push_str(&format!(
            "{}{}{},\n",
            indent(ind + 1),
            symbol(el.action, &element_opts),
            el.render_human(ind + 1, &element_opts)
        ));
    }
    if unchanged_count > 0 {
        buf.push_str(&format!(
            "{}{}{}\n",
            indent(ind + 1),
            symbol(Action::NoOp, opts),
            unchanged("element", unchanged_count, opts)
        ));
    }
    buf.push_str(&format!(
        "{}{}]{}",
        indent(ind),
        symbol(Action::NoOp, opts),
        null_suffix(diff.action, opts)
    ));
    buf
}

fn render_block(
    diff: &Diff,
    attributes: &std::collections::BTreeMap<String, Diff>,
    blocks: &Blocks,
    ind: usize,
    opts: &Opts,
) -> String {
    let block_keys = blocks.all_keys();
    if attributes.is_empty() && block_keys.is_empty() {
        return format!("{{}}{}", forces_replacement(diff.replace, opts));
    }
    let escaped: Vec<(String, String)> = attributes
        .keys()
        .map(|k| (k.clone(), ensure_valid_attribute_name(k)))
        .collect();
    let max = max_len(escaped.iter().map(|(_, e)| e));
    let mut important_opts = opts.child();
    important_opts.show_unchanged_children = true;
    let attr_opts = opts.child();

    let mut unchanged_attributes = 0;
    let mut unchanged_blocks = 0;
    let mut buf = format!("{{{}\n", forces_replacement(diff.replace, opts));
    for (key, esc) in &escaped {
        let attr = &attributes[key];
        if important(key) {
            for w in attr.warnings_human(ind + 1, &important_opts) {
                buf.push_str(&format!("{}{w}\n", indent(ind + 1)));
            }
            buf.push_str(&format!(
                "{}{}{} = {}\n",
                indent(ind + 1),
                symbol(attr.action, &important_opts),
                pad_right(key, max),
                attr.render_human(ind + 1, &important_opts)
            ));
            continue;
        }
        if attr.action == Action::NoOp && !opts.show_unchanged_children {
            unchanged_attributes += 1;
            continue;
        }
        for w in attr.warnings_human(ind + 1, opts) {
            buf.push_str(&format!("{}{w}\n", indent(ind + 1)));
        }
        buf.push_str(&format!(
            "{}{}{} = {}\n",
            indent(ind + 1),
            symbol(attr.action, &attr_opts),
            pad_right(esc, max),
            attr.render_human(ind + 1, &attr_opts)
        ));
    }
    if unchanged_attributes > 0 {
        buf.push_str(&format!(
            "{}{}{}\n",
            indent(ind + 1),
            symbol(Action::NoOp, opts),
            unchanged("attribute", unchanged_attributes, opts)
        ));
    }

    for key in &block_keys {
        let mut found_changed_block = false;
        let flag =
            |m: &std::collections::BTreeMap<String, bool>| m.get(key).copied().unwrap_or(false);
        let (bs, as_, replace_all, unknown) = (
            flag(&blocks.before_sensitive),
            flag(&blocks.after_sensitive),
            flag(&blocks.replace),
            flag(&blocks.unknown),
        );
        let mut render_one = |d: &Diff, map_key: &str, buf: &mut String| {
            let creating = d.action == Action::Create && as_;
            let deleting = d.action == Action::Delete && bs;
            let modifying = (d.action == Action::Update || d.action == Action::NoOp) && (as_ || bs);
            let wrapped;
            let d = if creating || deleting || modifying {
                let mut action = d.action;
                if d.action == Action::NoOp && bs != as_ {
                    action = Action::Update;
                }
                wrapped = Diff::new(
                    Renderer::SensitiveBlock {
                        inner: Box::new(d.clone()),
                        before_sensitive: bs,
                        after_sensitive: as_,
                    },
                    action,
                    d.replace,
                );
                &wrapped
            } else {
                d
            };
            if d.action == Action::NoOp && !opts.show_unchanged_children {
                unchanged_blocks += 1;
                return;
            }
            if !found_changed_block && !attributes.is_empty() {
                buf.push('\n');
                found_changed_block = true;
            }
            let mut block_opts = opts.child();
            block_opts.force_forces_replacement = replace_all;
            for w in d.warnings_human(ind + 1, &block_opts) {
                buf.push_str(&format!("{}{w}\n", indent(ind + 1)));
            }
            buf.push_str(&format!(
                "{}{}{}{map_key} {}\n",
                indent(ind + 1),
                symbol(d.action, &block_opts),
                ensure_valid_attribute_name(key),
                d.render_human(ind + 1, &block_opts)
            ));
        };
        let unknown_block = || Diff::new(Renderer::Unknown { before: None }, diff.action, false);
        if let Some(d) = blocks.single.get(key) {
            render_one(d, "", &mut buf);
        } else if let Some(m) = blocks.map.get(key) {
            if unknown {
                render_one(&unknown_block(), "", &mut buf);
            }
            for (inner_key, d) in m {
                render_one(d, &format!(" {}", go_quote(inner_key)), &mut buf);
            }
        } else if let Some(ds) = blocks.set.get(key) {
            if unknown {
                render_one(&unknown_block(), "", &mut buf);
            }
            for d in ds {
                render_one(d, "", &mut buf);
            }
        } else if let Some(ds) = blocks.list.get(key) {
            if unknown {
                render_one(&unknown_block(), "", &mut buf);
            }
            for d in ds {
                render_one(d, "", &mut buf);
            }
        }
    }
    if unchanged_blocks > 0 {
        buf.push_str(&format!(
            "\n{}{}{}\n",
            indent(ind + 1),
            symbol(Action::NoOp, opts),
            unchanged("block", unchanged_blocks, opts)
        ));
    }
    buf.push_str(&format!("{}{}}}", indent(ind), symbol(Action::NoOp, opts)));
    buf
}
