//! Scanning for the formatter: our lexer's tokens, adjusted to be the ones
//! `hclsyntax.LexConfig` produces, since `hclwrite` decides on layout one
//! token pair at a time.

use super::Tok;
use crate::syntax::lexer::{lex, TokenKind as K};

const BOM: &str = "\u{feff}";

/// Scans `src` into formatter tokens (without the end-of-file token), and
/// returns the number of spaces before the end of the file, which `hclwrite`
/// never changes.
pub(crate) fn scan(src: &str) -> (Vec<Tok>, usize) {
    // hclsyntax drops a byte order mark but counts it in byte offsets, so
    // it counts as spaces before the first token.
    let (body, offset) = match src.strip_prefix(BOM) {
        Some(rest) => (rest, BOM.len()),
        None => (src, 0),
    };
    let (raw, _errors) = lex(body);
    let mut out: Vec<Tok> = Vec::with_capacity(raw.len());
    let mut last_hi = 0usize;
    let mut eof_spaces = 0;
    for t in &raw {
        let lo = t.lo + offset;
        let hi = t.hi + offset;
        let spaces = lo.saturating_sub(last_hi);
        let text = &body[t.lo..t.hi];
        match t.kind {
            K::Eof => {
                eof_spaces = spaces;
                break;
            }
            // `::` is one token in hclsyntax.
            K::Colon
                if out
                    .last()
                    .is_some_and(|p| p.kind == K::Colon && p.text == ":" && spaces == 0) =>
            {
                if let Some(p) = out.last_mut() {
                    p.text.push(':');
                }
            }
            // hclsyntax ends the closing marker of a heredoc before its
            // newline, and emits the newline as a token of its own.
            K::CHeredoc if text.ends_with('\n') => {
                let nl = if text.ends_with("\r\n") { 2 } else { 1 };
                let (marker, newline) = text.split_at(text.len() - nl);
                out.push(Tok {
                    kind: K::CHeredoc,
                    text: marker.to_string(),
                    spaces,
                });
                out.push(Tok::new(K::Newline, newline));
            }
            kind => out.push(Tok {
                kind,
                text: text.to_string(),
                spaces,
            }),
        }
        last_hi = hi;
    }
    (out, eof_spaces)
}
