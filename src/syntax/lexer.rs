//! The HCL native-syntax scanner, after hclsyntax's `scan_tokens.rl`.
//!
//! It produces every token, comments and newlines included, because the
//! formatter (`tfrs fmt`) works on the token stream as Terraform's hclwrite
//! does; the parser skips what it does not need. The scanner is modal, as
//! HCL's: quoted templates and heredocs switch to template scanning, and
//! `${`/`%{` switch back to expression scanning until the matching `}`.
//!
//! The scanner never fails: what it cannot match becomes an `Invalid` token,
//! and the problems HCL reports at scan time (`checkInvalidTokens`: invalid
//! characters, bitwise operators, newlines in quoted strings) are returned
//! as [`LexError`]s. Unterminated strings and heredocs are left to the
//! parser, which sees the end of the file where it expects the closer.

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    OBrace,
    CBrace,
    OBrack,
    CBrack,
    OParen,
    CParen,
    OQuote,
    CQuote,
    /// `<<EOT` or `<<-EOT`, newline included.
    OHeredoc,
    /// The closing marker line of a heredoc, newline included (hclsyntax
    /// emits that newline as a token of its own).
    CHeredoc,
    Star,
    Slash,
    Plus,
    Minus,
    Percent,
    Equal,
    EqualOp,
    NotEqual,
    LessThan,
    LessThanEq,
    GreaterThan,
    GreaterThanEq,
    And,
    Or,
    Bang,
    Dot,
    Comma,
    Ellipsis,
    FatArrow,
    Question,
    Colon,
    /// `${` or `${~`.
    TemplateInterp,
    /// `%{` or `%{~`.
    TemplateControl,
    /// `}` or `~}` closing an interpolation or directive.
    TemplateSeqEnd,
    /// Literal text of a quoted template, escapes not yet processed.
    QuotedLit,
    /// A newline (or a run of them) inside a quoted template, which is an
    /// error.
    QuotedNewline,
    /// Literal text of a heredoc or a bare template.
    StringLit,
    NumberLit,
    Ident,
    /// A comment; a line comment includes its newline.
    Comment,
    Newline,
    Eof,
    /// Anything the language does not use: a stray character, `&`, `~`, or
    /// the rest of a heredoc after a lone carriage return.
    Invalid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub lo: usize,
    pub hi: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    pub lo: usize,
    pub hi: usize,
    pub summary: &'static str,
    pub detail: String,
}

enum Mode {
    /// Expression scanning.
    Normal,
    Quoted,
    Heredoc {
        marker: String,
        start_of_line: bool,
    },
    /// A template file: literal text with sequences.
    Bare,
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    modes: Vec<Mode>,
    /// Braces opened in expression mode, and the levels at which a `}`
    /// returns to the template that opened the sequence (hclsyntax's
    /// `braces` and `retBraces`).
    braces: i64,
    ret_braces: Vec<i64>,
    tokens: Vec<Token>,
}

/// Scans a configuration file or expression.
pub fn lex(src: &str) -> (Vec<Token>, Vec<LexError>) {
    scan(src, Mode::Normal)
}

/// Scans a template file (`templatefile`, `templatestring`): literal text
/// with `${}` and `%{}` sequences, no quotes.
pub fn lex_template(src: &str) -> (Vec<Token>, Vec<LexError>) {
    scan(src, Mode::Bare)
}

fn scan(src: &str, mode: Mode) -> (Vec<Token>, Vec<LexError>) {
    let mut l = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: 0,
        modes: vec![mode],
        braces: 0,
        ret_braces: Vec::new(),
        tokens: Vec::new(),
    };
    // hclsyntax skips a byte order mark (counting it in offsets).
    if src.starts_with('\u{feff}') {
        l.pos = '\u{feff}'.len_utf8();
    }
    l.run();
    let errors = check_invalid_tokens(src, &l.tokens);
    (l.tokens, errors)
}

/// HCL's identifier characters (an approximation of Unicode's ID_Start and
/// ID_Continue).
pub fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

pub fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || is_combining_mark(c)
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36f | 0x1ab0..=0x1aff | 0x1dc0..=0x1dff | 0x20d0..=0x20ff | 0xfe20..=0xfe2f)
}

impl Lexer<'_> {
    fn push(&mut self, kind: TokenKind, lo: usize, hi: usize) {
        self.tokens.push(Token { kind, lo, hi });
    }

    fn peek(&self, off: usize) -> u8 {
        *self.bytes.get(self.pos + off).unwrap_or(&0)
    }

    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            let done = match self.modes.last() {
                Some(Mode::Normal) | None => {
                    self.scan_normal();
                    false
                }
                Some(Mode::Quoted) => {
                    self.scan_quoted();
                    false
                }
                Some(Mode::Heredoc { .. }) => self.scan_heredoc(),
                Some(Mode::Bare) => self.scan_bare(),
            };
            if done {
                break;
            }
        }
        self.push(TokenKind::Eof, self.bytes.len(), self.bytes.len());
    }

    /// Enters an interpolation or directive: expression scanning until the
    /// matching `}`.
    fn enter_sequence(&mut self, kind: TokenKind) {
        let start = self.pos;
        let len = if self.peek(2) == b'~' { 3 } else { 2 };
        self.push(kind, start, start + len);
        self.pos += len;
        self.braces += 1;
        self.ret_braces.push(self.braces);
        if let Some(Mode::Heredoc { start_of_line, .. }) = self.modes.last_mut() {
            *start_of_line = false;
        }
        self.modes.push(Mode::Normal);
    }

    /// `}` or `~}`: ends the sequence if it is at the level that opened it.
    fn close_brace(&mut self, start: usize, len: usize) {
        if self.ret_braces.last() == Some(&self.braces) {
            self.push(TokenKind::TemplateSeqEnd, start, start + len);
            self.braces -= 1;
            self.ret_braces.pop();
            self.modes.pop();
        } else {
            let kind = if len == 2 {
                TokenKind::TemplateSeqEnd
            } else {
                TokenKind::CBrace
            };
            self.push(kind, start, start + len);
            self.braces -= 1;
        }
        self.pos = start + len;
    }

    fn scan_normal(&mut self) {
        use TokenKind::*;
        let start = self.pos;
        let c = self.peek(0);
        let (kind, len) = match c {
            b' ' | b'\t' => {
                self.pos += 1;
                return;
            }
            b'\r' if self.peek(1) == b'\n' => (Newline, 2),
            b'\n' => (Newline, 1),
            b'#' => (Comment, self.line_comment_len()),
            b'/' if self.peek(1) == b'/' => (Comment, self.line_comment_len()),
            b'/' if self.peek(1) == b'*' => match self.src[start + 2..].find("*/") {
                Some(i) => (Comment, i + 4),
                // An unterminated block comment is not a comment: the
                // scanner falls back to the longest token it did match.
                None => (Slash, 1),
            },
            b'{' => {
                self.braces += 1;
                (OBrace, 1)
            }
            b'}' => return self.close_brace(start, 1),
            b'~' if self.peek(1) == b'}' => return self.close_brace(start, 2),
            b'[' => (OBrack, 1),
            b']' => (CBrack, 1),
            b'(' => (OParen, 1),
            b')' => (CParen, 1),
            b'"' => {
                self.push(OQuote, start, start + 1);
                self.pos += 1;
                self.modes.push(Mode::Quoted);
                return;
            }
            b'<' if self.peek(1) == b'<' && self.try_heredoc_open() => return,
            b'*' => (Star, 1),
            b'/' => (Slash, 1),
            b'+' => (Plus, 1),
            b'-' => (Minus, 1),
            b'%' => (Percent, 1),
            b'=' if self.peek(1) == b'=' => (EqualOp, 2),
            b'=' if self.peek(1) == b'>' => (FatArrow, 2),
            b'=' => (Equal, 1),
            b'!' if self.peek(1) == b'=' => (NotEqual, 2),
            b'!' => (Bang, 1),
            b'<' if self.peek(1) == b'=' => (LessThanEq, 2),
            b'<' => (LessThan, 1),
            b'>' if self.peek(1) == b'=' => (GreaterThanEq, 2),
            b'>' => (GreaterThan, 1),
            b'&' if self.peek(1) == b'&' => (And, 2),
            b'|' if self.peek(1) == b'|' => (Or, 2),
            b'.' if self.peek(1) == b'.' && self.peek(2) == b'.' => (Ellipsis, 3),
            b'.' => (Dot, 1),
            b',' => (Comma, 1),
            b'?' => (Question, 1),
            b':' => (Colon, 1),
            b'0'..=b'9' => (NumberLit, self.number_len()),
            _ => {
                let ch = self.src[start..].chars().next().unwrap_or('\0');
                if is_ident_start(ch) {
                    let len: usize = self.src[start..]
                        .chars()
                        .enumerate()
                        .take_while(|(i, c)| *i == 0 || is_ident_continue(*c))
                        .map(|(_, c)| c.len_utf8())
                        .sum();
                    (Ident, len)
                } else {
                    (Invalid, ch.len_utf8().max(1))
                }
            }
        };
        self.push(kind, start, start + len);
        self.pos = start + len;
    }

    /// A `#` or `//` comment: up to and including the end of its line.
    fn line_comment_len(&self) -> usize {
        match self.src[self.pos..].find('\n') {
            Some(i) => i + 1,
            None => self.bytes.len() - self.pos,
        }
    }

    /// `digit (digit | '.' | [eE][+-]?digit)*`, not ending with a dot.
    fn number_len(&self) -> usize {
        let b = &self.bytes[self.pos..];
        let mut i = 1;
        let mut end = 1;
        loop {
            match b.get(i) {
                Some(c) if c.is_ascii_digit() => {
                    i += 1;
                    end = i;
                }
                Some(b'.') => i += 1,
                Some(b'e' | b'E') => {
                    let mut j = i + 1;
                    if matches!(b.get(j), Some(b'+' | b'-')) {
                        j += 1;
                    }
                    if b.get(j).is_some_and(u8::is_ascii_digit) {
                        i = j + 1;
                        end = i;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        end
    }

    fn try_heredoc_open(&mut self) -> bool {
        let start = self.pos;
        let mut i = start + 2;
        if self.bytes.get(i) == Some(&b'-') {
            i += 1;
        }
        let ident_start = i;
        let rest = &self.src[i..];
        let first = rest.chars().next().unwrap_or('\0');
        if !is_ident_start(first) {
            return false;
        }
        let len: usize = rest
            .chars()
            .enumerate()
            .take_while(|(n, c)| *n == 0 || is_ident_continue(*c))
            .map(|(_, c)| c.len_utf8())
            .sum();
        i += len;
        let marker = self.src[ident_start..i].to_string();
        let nl = if self.bytes.get(i) == Some(&b'\n') {
            1
        } else if self.bytes.get(i) == Some(&b'\r') && self.bytes.get(i + 1) == Some(&b'\n') {
            2
        } else {
            return false;
        };
        self.push(TokenKind::OHeredoc, start, i + nl);
        self.pos = i + nl;
        self.modes.push(Mode::Heredoc {
            marker,
            start_of_line: true,
        });
        true
    }

    /// Inside a quoted string: literal runs (escapes kept), sequences, the
    /// closing quote, newlines (an error the parser reports).
    fn scan_quoted(&mut self) {
        let b = self.bytes;
        let start = self.pos;
        match b[start] {
            b'"' => {
                self.push(TokenKind::CQuote, start, start + 1);
                self.pos = start + 1;
                self.modes.pop();
                return;
            }
            b'$' | b'%' if b.get(start + 1) == Some(&b'{') => {
                let kind = if b[start] == b'$' {
                    TokenKind::TemplateInterp
                } else {
                    TokenKind::TemplateControl
                };
                self.enter_sequence(kind);
                return;
            }
            b'\r' | b'\n' => {
                let mut i = start;
                while i < b.len() && matches!(b[i], b'\r' | b'\n') {
                    i += 1;
                }
                self.push(TokenKind::QuotedNewline, start, i);
                self.pos = i;
                return;
            }
            b'\\' if matches!(b.get(start + 1), None | Some(b'\r' | b'\n')) => {
                self.push(TokenKind::Invalid, start, start + 1);
                self.pos = start + 1;
                return;
            }
            _ => {}
        }
        let mut i = start;
        while i < b.len() {
            match b[i] {
                b'"' | b'\r' | b'\n' => break,
                b'\\' => {
                    match self.src[i + 1..].chars().next() {
                        Some(c) if c != '\r' && c != '\n' => i += 1 + c.len_utf8(),
                        _ => break,
                    };
                }
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => break,
                // `$${` and `%%{` are escapes for a literal `${` / `%{`.
                b'$' | b'%' if b.get(i + 1) == Some(&b[i]) && b.get(i + 2) == Some(&b'{') => {
                    i += 3;
                    if b.get(i) == Some(&b'~') {
                        i += 1;
                    }
                }
                _ => i += 1,
            }
        }
        self.push(TokenKind::QuotedLit, start, i);
        self.pos = i;
    }

    /// Inside a heredoc. Returns true when the scan must stop (a lone
    /// carriage return, which hclsyntax's scanner cannot match, turns the
    /// rest of the input into one invalid token).
    fn scan_heredoc(&mut self) -> bool {
        let Some(Mode::Heredoc {
            marker,
            start_of_line,
        }) = self.modes.last()
        else {
            return true;
        };
        let b = self.bytes;
        let start = self.pos;
        if *start_of_line {
            // A line holding only the marker (spaces aside) closes it; the
            // line must end with a newline.
            if let Some(nl) = self.src[start..].find('\n') {
                let line = &self.src[start..start + nl];
                if line.trim_matches(is_go_space) == marker {
                    self.push(TokenKind::CHeredoc, start, start + nl + 1);
                    self.pos = start + nl + 1;
                    self.modes.pop();
                    return false;
                }
            }
        }
        if matches!(b[start], b'$' | b'%') && b.get(start + 1) == Some(&b'{') {
            let kind = if b[start] == b'$' {
                TokenKind::TemplateInterp
            } else {
                TokenKind::TemplateControl
            };
            self.enter_sequence(kind);
            return false;
        }
        let (end, eol) = self.literal_end(start);
        if end > start {
            self.push(TokenKind::StringLit, start, end);
        }
        self.pos = end;
        if let Some(Mode::Heredoc { start_of_line, .. }) = self.modes.last_mut() {
            *start_of_line = eol;
        }
        if !eol && end < b.len() && b[end] == b'\r' {
            self.push(TokenKind::Invalid, end, b.len());
            self.pos = b.len();
            return true;
        }
        false
    }

    /// Inside a template file.
    fn scan_bare(&mut self) -> bool {
        let b = self.bytes;
        let start = self.pos;
        if matches!(b[start], b'$' | b'%') && b.get(start + 1) == Some(&b'{') {
            let kind = if b[start] == b'$' {
                TokenKind::TemplateInterp
            } else {
                TokenKind::TemplateControl
            };
            self.enter_sequence(kind);
            return false;
        }
        let (end, eol) = self.literal_end(start);
        if !eol && end < b.len() && b[end] == b'\r' {
            // What the scanner cannot match at the top level of a template
            // is literal text.
            self.push(TokenKind::StringLit, start, b.len());
            self.pos = b.len();
            return true;
        }
        self.push(TokenKind::StringLit, start, end);
        self.pos = end;
        false
    }

    /// The end of a template literal starting at `start`, and whether it
    /// ends with (and includes) a newline: it stops before a sequence, after
    /// a newline, or at a lone carriage return.
    fn literal_end(&self, start: usize) -> (usize, bool) {
        let b = self.bytes;
        let mut i = start;
        while i < b.len() {
            match b[i] {
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => return (i, false),
                b'$' | b'%' if b.get(i + 1) == Some(&b[i]) && b.get(i + 2) == Some(&b'{') => {
                    i += 3;
                }
                b'\n' => return (i + 1, true),
                b'\r' if b.get(i + 1) == Some(&b'\n') => return (i + 2, true),
                b'\r' => return (i, false),
                _ => i += 1,
            }
        }
        (i, false)
    }
}

/// Go's `unicode.IsSpace` (what `bytes.TrimSpace` trims).
fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

/// hclsyntax's `checkInvalidTokens`: the problems found at scan time.
fn check_invalid_tokens(src: &str, tokens: &[Token]) -> Vec<LexError> {
    let mut out = Vec::new();
    let (mut bitwise, mut backtick, mut apostrophe, mut semicolon) = (0, 0, 0, 0);
    for t in tokens {
        let text = &src[t.lo..t.hi];
        let err = |summary: &'static str, detail: &str| LexError {
            lo: t.lo,
            hi: t.hi,
            summary,
            detail: detail.to_string(),
        };
        match t.kind {
            TokenKind::QuotedNewline => out.push(err(
                "Invalid multi-line string",
                "Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the \"heredoc\" multi-line template syntax.",
            )),
            TokenKind::Invalid => match text {
                "&" | "|" | "^" => {
                    if bitwise < 4 {
                        let suggestion = match text {
                            "&" => " Did you mean boolean AND (\"&&\")?",
                            "|" => " Did you mean boolean OR (\"||\")?",
                            _ => "",
                        };
                        out.push(err(
                            "Unsupported operator",
                            &format!("Bitwise operators are not supported.{suggestion}"),
                        ));
                        bitwise += 1;
                    }
                }
                // `~` is a token of its own, only invalid where it is used.
                "~" => {}
                "`" => {
                    if backtick % 2 == 0 {
                        out.push(err("Invalid character", "The \"`\" character is not valid. To create a multi-line string, use the \"heredoc\" syntax, like \"<<EOT\"."));
                    }
                    if backtick <= 2 {
                        backtick += 1;
                    }
                }
                "'" => {
                    if apostrophe % 2 == 0 {
                        out.push(err(
                            "Invalid character",
                            "Single quotes are not valid. Use double quotes (\") to enclose strings.",
                        ));
                    }
                    if apostrophe <= 2 {
                        apostrophe += 1;
                    }
                }
                ";" => {
                    if semicolon < 1 {
                        out.push(err("Invalid character", "The \";\" character is not valid. Use newlines to separate arguments and blocks, and commas to separate items in collection values."));
                        semicolon += 1;
                    }
                }
                "\u{201c}" | "\u{201d}" => out.push(err("Invalid character", "\"Curly quotes\" are not valid here. These can sometimes be inadvertently introduced when sharing code via documents or discussion forums. It might help to replace the character with a \"straight quote\".")),
                _ => out.push(err(
                    "Invalid character",
                    "This character is not used within the language.",
                )),
            },
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        lex(src).0.into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn scans_templates_and_heredocs() {
        assert_eq!(
            kinds("a = \"x${b}y\"\n"),
            vec![
                Ident,
                Equal,
                OQuote,
                QuotedLit,
                TemplateInterp,
                Ident,
                TemplateSeqEnd,
                QuotedLit,
                CQuote,
                Newline,
                Eof
            ]
        );
        assert_eq!(
            kinds("a = <<-EOF\n  hi ${x}\n  EOF\n"),
            vec![
                Ident,
                Equal,
                OHeredoc,
                StringLit,
                TemplateInterp,
                Ident,
                TemplateSeqEnd,
                StringLit,
                CHeredoc,
                Eof
            ]
        );
        assert_eq!(
            kinds("x = { a = 1 } # c\n"),
            vec![Ident, Equal, OBrace, Ident, Equal, NumberLit, CBrace, Comment, Eof]
        );
    }

    #[test]
    fn heredoc_markers_and_carriage_returns() {
        // Spaces around the closing marker are allowed.
        assert_eq!(
            kinds("a = <<EOT\nx\n  EOT  \nb = 1\n"),
            vec![
                Ident, Equal, OHeredoc, StringLit, CHeredoc, Ident, Equal, NumberLit, Newline, Eof
            ]
        );
        // The closing marker needs its newline.
        assert_eq!(
            kinds("a = <<EOT\nx\nEOT"),
            vec![Ident, Equal, OHeredoc, StringLit, StringLit, Eof]
        );
        // A lone carriage return makes the rest of the file invalid.
        let (toks, errs) = lex("a = <<EOT\nx\ry\nEOT\n");
        assert_eq!(toks[toks.len() - 2].kind, Invalid);
        assert_eq!(errs[0].summary, "Invalid character");
    }

    #[test]
    fn numbers_and_comments() {
        assert_eq!(kinds("a.0.1"), vec![Ident, Dot, NumberLit, Eof]);
        assert_eq!(kinds("1."), vec![NumberLit, Dot, Eof]);
        assert_eq!(kinds("1e"), vec![NumberLit, Ident, Eof]);
        assert_eq!(kinds("1 /* x"), vec![NumberLit, Slash, Star, Ident, Eof]);
        assert_eq!(
            kinds("\"a\nb\""),
            vec![OQuote, QuotedLit, QuotedNewline, QuotedLit, CQuote, Eof]
        );
    }
}
