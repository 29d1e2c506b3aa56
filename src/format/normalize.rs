//! Terraform's own normalisations (`formatBody` in Terraform's
//! `internal/command/fmt.go`), applied to the token stream before layout:
//!
//! - every block's labels are rewritten as quoted strings, dropping anything
//!   between the block type and the last label (comments);
//! - an attribute whose value is a lone interpolation, `"${expr}"`, becomes
//!   `expr` (in parentheses when it spans lines);
//! - in a top-level `variable` block, `type = "string"`, `"list"` and `"map"`
//!   become `string`, `list(string)` and `map(string)`, and a bare `list`,
//!   `map` or `set` becomes `list(any)` and so on.
//!
//! The structure is found by walking the tokens; the input is known to be
//! syntactically valid.

use super::Tok;
use crate::syntax::lexer::TokenKind as K;

/// A replacement of the tokens `lo..hi`.
struct Edit {
    lo: usize,
    hi: usize,
    with: Vec<Tok>,
}

pub(crate) fn normalize(toks: Vec<Tok>) -> Vec<Tok> {
    let mut w = Walker {
        toks: &toks,
        pos: 0,
        edits: Vec::new(),
    };
    w.body(&mut Vec::new());
    let edits = std::mem::take(&mut w.edits);
    if edits.is_empty() {
        return toks;
    }
    let mut out = Vec::with_capacity(toks.len());
    let mut at = 0;
    let mut rest = toks.into_iter();
    for e in edits {
        out.extend(rest.by_ref().take(e.lo - at));
        rest.by_ref().take(e.hi - e.lo).for_each(drop);
        out.extend(e.with);
        at = e.hi;
    }
    out.extend(rest);
    out
}

struct Walker<'a> {
    toks: &'a [Tok],
    pos: usize,
    edits: Vec<Edit>,
}

impl Walker<'_> {
    fn kind(&self, i: usize) -> Option<K> {
        self.toks.get(i).map(|t| t.kind)
    }

    fn skip_comments(&mut self) {
        while self.kind(self.pos) == Some(K::Comment) {
            self.pos += 1;
        }
    }

    /// Walks a body up to its closing brace (left unconsumed) or the end.
    fn body(&mut self, blocks: &mut Vec<String>) {
        loop {
            while matches!(self.kind(self.pos), Some(K::Newline | K::Comment)) {
                self.pos += 1;
            }
            match self.kind(self.pos) {
                None | Some(K::CBrace) => return,
                Some(K::Ident) => {}
                Some(_) => {
                    // Not valid syntax; carry on as best we can.
                    self.pos += 1;
                    continue;
                }
            }
            let name_at = self.pos;
            self.pos += 1;
            self.skip_comments();
            if self.kind(self.pos) == Some(K::Equal) {
                self.pos += 1;
                self.attribute(name_at, blocks);
            } else {
                self.block(name_at, blocks);
            }
        }
    }

    fn attribute(&mut self, name_at: usize, blocks: &[String]) {
        let start = self.pos;
        let mut depth = 0i32;
        while let Some(t) = self.toks.get(self.pos) {
            match t.kind {
                K::OBrace
                | K::OBrack
                | K::OParen
                | K::TemplateInterp
                | K::TemplateControl
                | K::OQuote
                | K::OHeredoc => depth += 1,
                K::CBrace if depth == 0 => break,
                K::CBrace | K::CBrack | K::CParen | K::TemplateSeqEnd | K::CQuote | K::CHeredoc => {
                    depth -= 1
                }
                _ if depth == 0 && t.ends_line() => break,
                _ => {}
            }
            self.pos += 1;
        }
        // The expression proper: comments around it are not part of it.
        let mut lo = start;
        let mut hi = self.pos;
        while lo < hi && self.toks[lo].kind == K::Comment {
            lo += 1;
        }
        while hi > lo && self.toks[hi - 1].kind == K::Comment {
            hi -= 1;
        }
        let expr = &self.toks[lo..hi];
        let name = &self.toks[name_at].text;
        let replaced = if blocks.len() == 1 && blocks[0] == "variable" && name == "type" {
            type_expr(expr)
        } else {
            value_expr(expr)
        };
        if let Some(with) = replaced {
            self.edits.push(Edit { lo, hi, with });
        }
    }

    fn block(&mut self, type_at: usize, blocks: &mut Vec<String>) {
        let mut labels: Vec<Option<String>> = Vec::new();
        let mut labels_end = None;
        loop {
            self.skip_comments();
            match self.kind(self.pos) {
                Some(K::Ident) => {
                    labels.push(Some(self.toks[self.pos].text.clone()));
                    self.pos += 1;
                    labels_end = Some(self.pos);
                }
                Some(K::OQuote) => {
                    let lo = self.pos;
                    while self.kind(self.pos).is_some_and(|k| k != K::CQuote) {
                        self.pos += 1;
                    }
                    self.pos = (self.pos + 1).min(self.toks.len());
                    labels.push(quoted_label(&self.toks[lo..self.pos]));
                    labels_end = Some(self.pos);
                }
                _ => break,
            }
        }
        if let Some(end) = labels_end {
            let mut with = Vec::new();
            for label in labels.into_iter().flatten() {
                with.push(Tok::new(K::OQuote, "\""));
                let escaped = escape_quoted(&label);
                if !escaped.is_empty() {
                    with.push(Tok::new(K::QuotedLit, escaped));
                }
                with.push(Tok::new(K::CQuote, "\""));
            }
            self.edits.push(Edit {
                lo: type_at + 1,
                hi: end,
                with,
            });
        }
        if self.kind(self.pos) != Some(K::OBrace) {
            return;
        }
        self.pos += 1;
        blocks.push(self.toks[type_at].text.clone());
        self.body(blocks);
        blocks.pop();
        if self.kind(self.pos) == Some(K::CBrace) {
            self.pos += 1;
        }
    }
}

/// The value of a quoted label, as hclwrite reads it back: only a label of
/// exactly one literal token (in hclsyntax's scanning) has one.
fn quoted_label(toks: &[Tok]) -> Option<String> {
    match toks {
        [o, c] if o.kind == K::OQuote && c.kind == K::CQuote => Some(String::new()),
        [o, lit, c] if o.kind == K::OQuote && lit.kind == K::QuotedLit && c.kind == K::CQuote => {
            if quoted_lit_pieces(&lit.text) != 1 {
                return None;
            }
            Some(unescape(&lit.text))
        }
        _ => None,
    }
}

/// How many `TokenQuotedLit` tokens hclsyntax scans a literal run into: it
/// splits off every `$` or `%` that does not start a sequence.
fn quoted_lit_pieces(s: &str) -> usize {
    let b = s.as_bytes();
    let mut pieces = 0;
    let mut i = 0;
    let mut in_run = false;
    while i < b.len() {
        match b[i] {
            c @ (b'$' | b'%') => {
                in_run = false;
                pieces += 1;
                if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') {
                    i += 3;
                    if b.get(i) == Some(&b'~') {
                        i += 1;
                    }
                } else {
                    i += 1;
                }
            }
            b'\\' => {
                if !in_run {
                    pieces += 1;
                    in_run = true;
                }
                i += 2;
            }
            _ => {
                if !in_run {
                    pieces += 1;
                    in_run = true;
                }
                i += 1;
            }
        }
    }
    pieces
}

/// Resolves the escapes of a quoted literal (hclsyntax's
/// `ParseStringLiteralToken`).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, 't')) => out.push('\t'),
                Some((_, '"')) => out.push('"'),
                Some((_, '\\')) => out.push('\\'),
                Some((j, u @ ('u' | 'U'))) => {
                    let n = if u == 'u' { 4 } else { 8 };
                    let hex = s.get(j + 1..j + 1 + n).unwrap_or("");
                    match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) if hex.len() == n => {
                            out.push(ch);
                            for _ in 0..n {
                                chars.next();
                            }
                        }
                        _ => {
                            out.push('\\');
                            out.push(u);
                        }
                    }
                }
                Some((_, other)) => out.push(other),
                None => out.push('\\'),
            },
            '$' | '%' if s[i + 1..].starts_with(c) && s[i + 2..].starts_with('{') => {
                out.push(c);
                out.push('{');
                chars.next();
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// Quotes a string as hclwrite's `TokensForValue` does (without the quotes).
fn escape_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' => {
                out.push(c);
                if s[i + 1..].starts_with('{') {
                    out.push(c);
                }
            }
            c if !is_go_printable(c) => {
                let n = c as u32;
                if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// An approximation of Go's `unicode.IsPrint`: graphic characters and the
/// ASCII space.
fn is_go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    // Format characters (category Cf) and private use are not printable.
    !matches!(c as u32,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F
        | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB
        | 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
}

/// `formatValueExpr`: unwraps `"${expr}"`.
fn value_expr(toks: &[Tok]) -> Option<Vec<Tok>> {
    let n = toks.len();
    if n < 5
        || toks[0].kind != K::OQuote
        || toks[1].kind != K::TemplateInterp
        || toks[n - 2].kind != K::TemplateSeqEnd
        || toks[n - 1].kind != K::CQuote
    {
        return None;
    }
    let inside = &toks[2..n - 2];
    let mut quotes = 0i32;
    for t in inside {
        match t.kind {
            K::OQuote => quotes += 1,
            K::CQuote => quotes -= 1,
            _ if quotes > 0 => {}
            K::TemplateInterp | K::TemplateSeqEnd | K::QuotedLit => return None,
            _ => {}
        }
    }
    let first = inside.iter().position(|t| t.kind != K::Newline)?;
    let last = inside.iter().rposition(|t| t.kind != K::Newline)?;
    let trimmed = &inside[first..=last];
    let multi_line = trimmed.iter().any(|t| t.kind == K::Newline);
    let parens = trimmed.first().is_some_and(|t| t.kind == K::OParen)
        && trimmed.len() > 1
        && trimmed.last().is_some_and(|t| t.kind == K::CParen);
    let mut out = Vec::with_capacity(trimmed.len() + 2);
    if multi_line && !parens {
        out.push(Tok::new(K::OParen, "("));
        out.extend_from_slice(trimmed);
        out.push(Tok::new(K::CParen, ")"));
    } else {
        out.extend_from_slice(trimmed);
    }
    Some(out)
}

/// `formatTypeExpr`: modernises the type of a variable.
fn type_expr(toks: &[Tok]) -> Option<Vec<Tok>> {
    let call = |name: &str, arg: &str| {
        vec![
            Tok::new(K::Ident, name),
            Tok::new(K::OParen, "("),
            Tok::new(K::Ident, arg),
            Tok::new(K::CParen, ")"),
        ]
    };
    match toks {
        [kw] if kw.kind == K::Ident => match kw.text.as_str() {
            "list" | "map" | "set" => Some(call(&kw.text, "any")),
            _ => None,
        },
        [o, lit, c] if o.kind == K::OQuote && lit.kind == K::QuotedLit && c.kind == K::CQuote => {
            match lit.text.as_str() {
                "string" => Some(vec![Tok::new(K::Ident, "string")]),
                "list" => Some(call("list", "string")),
                "map" => Some(call("map", "string")),
                _ => None,
            }
        }
        _ => None,
    }
}
