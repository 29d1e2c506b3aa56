//! `hclwrite`'s `format`: it rewrites only the spaces before each token.
//!
//! The tokens are split into lines, and each line into up to three cells:
//! the *lead*, the *assign* cell (from the `=` of an attribute whose value
//! ends on the same line) and the *comment* cell (a trailing line comment).
//! Then three passes: indentation by bracket nesting, spaces between the
//! tokens of each cell, and vertical alignment of the assign and comment
//! cells of consecutive lines.

use super::Tok;
use crate::syntax::lexer::TokenKind as K;
use unicode_segmentation::UnicodeSegmentation;

/// A line's cells, as token index ranges `lo..hi`.
#[derive(Clone, Copy, Debug, Default)]
struct Line {
    lead: (usize, usize),
    assign: Option<(usize, usize)>,
    comment: Option<(usize, usize)>,
}

pub(crate) fn format(toks: &mut [Tok]) {
    let lines = lines(toks);
    indent(toks, &lines);
    spaces(toks, &lines);
    cells(toks, &lines);
}

fn bracket_change(t: &Tok) -> i32 {
    match t.kind {
        K::OBrace | K::OBrack | K::OParen | K::TemplateControl | K::TemplateInterp => 1,
        K::CBrace | K::CBrack | K::CParen | K::TemplateSeqEnd => -1,
        _ => 0,
    }
}

fn lines(toks: &[Tok]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.ends_line() {
            lines.push(Line {
                lead: (start, i + 1),
                ..Line::default()
            });
            start = i + 1;
        }
    }
    if start < toks.len() {
        lines.push(Line {
            lead: (start, toks.len()),
            ..Line::default()
        });
    }
    for line in &mut lines {
        let (lo, mut hi) = line.lead;
        if hi - lo > 1 && toks[hi - 1].kind == K::Comment {
            line.comment = Some((hi - 1, hi));
            hi -= 1;
        }
        line.lead = (lo, hi);
        if let Some(eq) = (lo + 1..hi).find(|&i| toks[i].kind == K::Equal) {
            // Only an assignment whose value ends on this line makes an
            // assign cell.
            let net: i32 = toks[eq..hi].iter().map(bracket_change).sum();
            if net == 0 {
                line.assign = Some((eq, hi));
                line.lead = (lo, eq);
            }
        }
    }
    lines
}

fn indent(toks: &mut [Tok], lines: &[Line]) {
    // Each entry is the number of brackets a line opened net.
    let mut indents: Vec<i32> = Vec::new();
    for line in lines {
        let (lo, hi) = line.lead;
        if lo == hi {
            continue;
        }
        if toks[lo].kind == K::Newline {
            toks[lo].spaces = 0;
            continue;
        }
        let mut net = 0;
        for t in &toks[lo..hi] {
            net += bracket_change(t);
            if t.kind == K::OHeredoc {
                break;
            }
        }
        if let Some((alo, ahi)) = line.assign {
            net += toks[alo..ahi].iter().map(bracket_change).sum::<i32>();
        }
        if net > 0 {
            toks[lo].spaces = 2 * indents.len();
            indents.push(net);
        } else {
            let mut closed = -net;
            while closed > 0 {
                let Some(top) = indents.last_mut() else { break };
                if closed > *top {
                    closed -= *top;
                    indents.pop();
                } else if closed < *top {
                    *top -= closed;
                    closed = 0;
                } else {
                    indents.pop();
                    closed = 0;
                }
            }
            toks[lo].spaces = 2 * indents.len();
        }
    }
}

fn spaces(toks: &mut [Tok], lines: &[Line]) {
    for line in lines {
        space_cell(toks, line.lead);
        if let Some(assign) = line.assign {
            // The `=` is always one space from what it assigns to (until
            // alignment).
            toks[assign.0].spaces = 1;
            space_cell(toks, assign);
        }
    }
}

fn space_cell(toks: &mut [Tok], (lo, hi): (usize, usize)) {
    for i in lo..hi.saturating_sub(1) {
        let before = if i > lo { Some(&toks[i - 1]) } else { None };
        let space = space_after(&toks[i], before, &toks[i + 1]);
        toks[i + 1].spaces = usize::from(space);
    }
}

/// Whether `subject` should have a space after it, between `before` (`None`
/// at the start of a cell) and `after` (hclwrite's `spaceAfterToken`).
pub(crate) fn space_after(subject: &Tok, before: Option<&Tok>, after: &Tok) -> bool {
    let s = subject.kind;
    let a = after.kind;
    if a == K::Newline {
        return false;
    }
    if s == K::Ident && a == K::OParen {
        return false;
    }
    if (s == K::Ident && after.is_double_colon()) || (subject.is_double_colon() && a == K::Ident) {
        return false;
    }
    if s == K::Dot || a == K::Dot {
        return false;
    }
    if a == K::Comma || a == K::Ellipsis {
        return false;
    }
    if s == K::Comma {
        return true;
    }
    if matches!(s, K::QuotedLit | K::StringLit | K::OQuote | K::OHeredoc)
        || matches!(a, K::QuotedLit | K::StringLit | K::CQuote | K::CHeredoc)
    {
        return false;
    }
    if s == K::Ident && subject.text == "in" && before.is_some_and(|b| b.kind == K::Ident) {
        // `for x in [foo]: x`: `in` is a keyword here, not a reference
        // being indexed.
        return true;
    }
    if a == K::OBrack && (s == K::Ident || s == K::NumberLit || bracket_change(subject) < 0) {
        return false;
    }
    if s == K::Bang {
        return false;
    }
    if s == K::Minus {
        // A minus after something that cannot end an operand is a negation.
        let Some(b) = before else { return false };
        return !(matches!(
            b.kind,
            K::OParen
                | K::OBrace
                | K::OBrack
                | K::Equal
                | K::Comma
                | K::Question
                | K::Plus
                | K::Star
                | K::Slash
                | K::Percent
                | K::Minus
                | K::EqualOp
                | K::NotEqual
                | K::GreaterThan
                | K::GreaterThanEq
                | K::LessThan
                | K::LessThanEq
                | K::And
                | K::Or
                | K::Bang
        ) || (b.kind == K::Colon && !b.is_double_colon()));
    }
    if s == K::OBrace || a == K::CBrace {
        // `foo {}`, but `{ a = 1 }`.
        return !(s == K::OBrace && a == K::CBrace);
    }
    if matches!(s, K::TemplateInterp | K::TemplateControl) && a == K::OBrace {
        return true;
    }
    if s == K::CBrace && a == K::TemplateSeqEnd {
        return true;
    }
    if s == K::TemplateSeqEnd && matches!(a, K::TemplateInterp | K::TemplateControl) {
        return false;
    }
    if bracket_change(subject) > 0 {
        return false;
    }
    if bracket_change(after) < 0 {
        return false;
    }
    true
}

/// The width of a run of tokens, in grapheme clusters, spaces included.
fn columns(toks: &[Tok], (lo, hi): (usize, usize)) -> usize {
    toks[lo..hi]
        .iter()
        .map(|t| t.spaces + t.text.graphemes(true).count())
        .sum()
}

fn cells(toks: &mut [Tok], lines: &[Line]) {
    // Assign cells first, since moving them moves the comments too.
    let mut chain: Vec<usize> = Vec::new();
    let flush_assign = |toks: &mut [Tok], chain: &mut Vec<usize>| {
        let max = chain
            .iter()
            .map(|&l| columns(toks, lines[l].lead))
            .max()
            .unwrap_or(0);
        for &l in chain.iter() {
            let width = columns(toks, lines[l].lead);
            if let Some((alo, _)) = lines[l].assign {
                toks[alo].spaces = max - width + 1;
            }
        }
        chain.clear();
    };
    for (i, line) in lines.iter().enumerate() {
        if line.assign.is_some() {
            chain.push(i);
        } else if !chain.is_empty() {
            flush_assign(toks, &mut chain);
        }
    }
    flush_assign(toks, &mut chain);

    let width = |toks: &[Tok], line: &Line| {
        columns(toks, line.lead) + line.assign.map_or(0, |a| columns(toks, a))
    };
    let flush_comment = |toks: &mut [Tok], chain: &mut Vec<usize>| {
        let max = chain
            .iter()
            .map(|&l| width(toks, &lines[l]))
            .max()
            .unwrap_or(0);
        for &l in chain.iter() {
            let w = width(toks, &lines[l]);
            if let Some((clo, _)) = lines[l].comment {
                toks[clo].spaces = max - w + 1;
            }
        }
        chain.clear();
    };
    for (i, line) in lines.iter().enumerate() {
        if line.comment.is_some() {
            chain.push(i);
        } else if !chain.is_empty() {
            flush_comment(toks, &mut chain);
        }
    }
    flush_comment(toks, &mut chain);
}
