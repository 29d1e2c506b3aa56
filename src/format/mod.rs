//! The formatter behind `tfrs fmt`: byte-for-byte what `terraform fmt`
//! produces.
//!
//! Terraform's formatter is HCL's `hclwrite` plus a few normalisations of its
//! own (`internal/command/fmt.go`). It works on the token stream, never on a
//! syntax tree, and changes only the spaces between tokens, except for the
//! normalisations:
//!
//! 1. [`tokens`]: the file is scanned with our lexer and the tokens are
//!    adjusted to be the ones `hclsyntax` produces (`::` is one token; the
//!    closing marker of a heredoc is followed by a separate newline token).
//! 2. [`normalize`]: Terraform's rewrites: block labels are requoted,
//!    interpolation-only strings (`"${var.x}"`) are unwrapped, and the
//!    legacy type keywords of `variable` blocks are modernised.
//! 3. [`layout`]: `hclwrite`'s `format`: indentation, spaces between
//!    tokens, and vertical alignment of `=` and trailing comments.
//!
//! The input must be free of syntax errors; the command checks that first,
//! as Terraform does.

mod layout;
mod normalize;
mod tokens;

#[cfg(test)]
mod tests;

use crate::syntax::lexer::TokenKind;

/// One token as the formatter sees it: its kind, its text, and the number of
/// spaces to write before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    pub kind: TokenKind,
    pub text: String,
    pub spaces: usize,
}

impl Tok {
    pub fn new(kind: TokenKind, text: impl Into<String>) -> Tok {
        Tok {
            kind,
            text: text.into(),
            spaces: 0,
        }
    }

    /// `::`, which `hclsyntax` scans as one token (`TokenDoubleColon`); we
    /// keep it as a `Colon` whose text is two colons.
    pub fn is_double_colon(&self) -> bool {
        self.kind == TokenKind::Colon && self.text == "::"
    }

    /// Whether the token ends its line: a newline, or a line comment, which
    /// includes its newline.
    pub fn ends_line(&self) -> bool {
        match self.kind {
            TokenKind::Newline => true,
            TokenKind::Comment => self.text.ends_with('\n'),
            _ => false,
        }
    }
}

/// Formats HCL native-syntax source the way `terraform fmt` does. The source
/// must parse without errors; if it does not, the result is unspecified
/// (but no panic).
pub fn format_source(src: &str) -> String {
    let (toks, eof_spaces) = tokens::scan(src);
    let mut toks = normalize::normalize(toks);
    layout::format(&mut toks);
    let mut out = String::with_capacity(src.len() + src.len() / 8);
    for t in &toks {
        push_spaces(&mut out, t.spaces);
        out.push_str(&t.text);
    }
    push_spaces(&mut out, eof_spaces);
    out
}

fn push_spaces(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}
