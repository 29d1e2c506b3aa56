//! The HCL native-syntax scanner.
//!
//! It produces every token, comments and newlines included, because the
//! formatter (`tfrs fmt`) works on the token stream as Terraform's hclwrite
//! does; the parser skips what it does not need. The scanner is modal:
//! quoted templates and heredocs switch to template scanning, and `${`/`%{`
//! switch back to expression scanning until the matching `}`.

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
    /// The closing marker line of a heredoc, newline included.
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
    /// Literal text of a heredoc.
    StringLit,
    NumberLit,
    Ident,
    /// A comment; a line comment includes its newline.
    Comment,
    Newline,
    Eof,
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
    /// Expression scanning; the depth of `{` opened inside this mode, and
    /// whether the mode was entered by `${`/`%{` (so a `}` at depth 0 ends it).
    Normal {
        depth: usize,
        in_template: bool,
    },
    Quoted,
    Heredoc {
        marker: String,
    },
}

pub struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    modes: Vec<Mode>,
    pub tokens: Vec<Token>,
    pub errors: Vec<LexError>,
    /// Whether the heredoc scanner is at the start of a line.
    heredoc_line_start: bool,
}

pub fn lex(src: &str) -> (Vec<Token>, Vec<LexError>) {
    let mut l = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: 0,
        modes: vec![Mode::Normal {
            depth: 0,
            in_template: false,
        }],
        tokens: Vec::new(),
        errors: Vec::new(),
        heredoc_line_start: false,
    };
    l.run();
    (l.tokens, l.errors)
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

impl<'a> Lexer<'a> {
    fn push(&mut self, kind: TokenKind, lo: usize, hi: usize) {
        self.tokens.push(Token { kind, lo, hi });
    }

    fn peek(&self, off: usize) -> u8 {
        *self.bytes.get(self.pos + off).unwrap_or(&0)
    }

    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            match self.modes.last() {
                Some(Mode::Normal { .. }) | None => self.scan_normal(),
                Some(Mode::Quoted) => self.scan_quoted(),
                Some(Mode::Heredoc { .. }) => self.scan_heredoc(),
            }
        }
        match self.modes.last() {
            Some(Mode::Quoted) => self.errors.push(LexError {
                lo: self.pos,
                hi: self.pos,
                summary: "Unterminated template string",
                detail: "No closing marker was found for the string.".into(),
            }),
            Some(Mode::Heredoc { marker }) => {
                let marker = marker.clone();
                self.errors.push(LexError {
                    lo: self.pos,
                    hi: self.pos,
                    summary: "Unterminated template string",
                    detail: format!(
                        "No closing marker was found for the string.\n\nThe heredoc is closed by a line containing only {marker:?}."
                    ),
                })
            }
            _ => {}
        }
        self.push(TokenKind::Eof, self.pos, self.pos);
    }

    fn scan_normal(&mut self) {
        let start = self.pos;
        let c = self.peek(0);
        use TokenKind::*;
        let single = |k| (k, 1);
        let (kind, len) = match c {
            b' ' | b'\t' => {
                self.pos += 1;
                return;
            }
            b'\r' if self.peek(1) == b'\n' => (Newline, 2),
            b'\n' => (Newline, 1),
            b'#' => {
                self.line_comment(start);
                return;
            }
            b'/' if self.peek(1) == b'/' => {
                self.line_comment(start);
                return;
            }
            b'/' if self.peek(1) == b'*' => {
                let end = self.src[start + 2..].find("*/").map(|i| start + 2 + i + 2);
                match end {
                    Some(e) => (Comment, e - start),
                    None => {
                        self.errors.push(LexError {
                            lo: start,
                            hi: self.bytes.len(),
                            summary: "Unterminated block comment",
                            detail: "There is no closing marker for this comment.".into(),
                        });
                        (Comment, self.bytes.len() - start)
                    }
                }
            }
            b'{' => {
                if let Some(Mode::Normal { depth, .. }) = self.modes.last_mut() {
                    *depth += 1;
                }
                single(OBrace)
            }
            b'}' => {
                if let Some(Mode::Normal { depth, in_template }) = self.modes.last_mut() {
                    if *depth == 0 && *in_template {
                        self.modes.pop();
                        self.push(TemplateSeqEnd, start, start + 1);
                        self.pos += 1;
                        return;
                    }
                    *depth = depth.saturating_sub(1);
                }
                single(CBrace)
            }
            b'~' if self.peek(1) == b'}' => {
                if let Some(Mode::Normal {
                    depth: 0,
                    in_template: true,
                }) = self.modes.last()
                {
                    self.modes.pop();
                    self.push(TemplateSeqEnd, start, start + 2);
                    self.pos += 2;
                    return;
                }
                (Invalid, 1)
            }
            b'[' => single(OBrack),
            b']' => single(CBrack),
            b'(' => single(OParen),
            b')' => single(CParen),
            b'"' => {
                self.push(OQuote, start, start + 1);
                self.pos += 1;
                self.modes.push(Mode::Quoted);
                return;
            }
            b'<' if self.peek(1) == b'<' => {
                if self.try_heredoc_open() {
                    return;
                }
                (LessThan, 1)
            }
            b'*' => single(Star),
            b'/' => single(Slash),
            b'+' => single(Plus),
            b'-' => single(Minus),
            b'%' => single(Percent),
            b'=' if self.peek(1) == b'=' => (EqualOp, 2),
            b'=' if self.peek(1) == b'>' => (FatArrow, 2),
            b'=' => single(Equal),
            b'!' if self.peek(1) == b'=' => (NotEqual, 2),
            b'!' => single(Bang),
            b'<' if self.peek(1) == b'=' => (LessThanEq, 2),
            b'<' => single(LessThan),
            b'>' if self.peek(1) == b'=' => (GreaterThanEq, 2),
            b'>' => single(GreaterThan),
            b'&' if self.peek(1) == b'&' => (And, 2),
            b'|' if self.peek(1) == b'|' => (Or, 2),
            b'.' if self.peek(1) == b'.' && self.peek(2) == b'.' => (Ellipsis, 3),
            b'.' => single(Dot),
            b',' => single(Comma),
            b'?' => single(Question),
            b':' => single(Colon),
            b'0'..=b'9' => (NumberLit, self.number_len()),
            _ => {
                let ch = self.src[start..].chars().next().unwrap_or('\0');
                if is_ident_start(ch) {
                    let len: usize = self.src[start..]
                        .chars()
                        .take_while(|c| is_ident_continue(*c))
                        .map(char::len_utf8)
                        .sum();
                    (Ident, len)
                } else {
                    let len = ch.len_utf8().max(1);
                    self.errors.push(LexError {
                        lo: start,
                        hi: start + len,
                        summary: "Invalid character",
                        detail: "This character is not used within the language.".into(),
                    });
                    (Invalid, len)
                }
            }
        };
        self.push(kind, start, start + len);
        self.pos = start + len;
    }

    fn line_comment(&mut self, start: usize) {
        let end = match self.src[start..].find('\n') {
            Some(i) => start + i + 1,
            None => self.bytes.len(),
        };
        self.push(TokenKind::Comment, start, end);
        self.pos = end;
    }

    fn number_len(&self) -> usize {
        let b = &self.bytes[self.pos..];
        let mut i = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            let mut j = i + 1;
            if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
                j += 1;
            }
            if j < b.len() && b[j].is_ascii_digit() {
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                i = j;
            }
        }
        i
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
            .take_while(|c| is_ident_continue(*c))
            .map(char::len_utf8)
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
        self.modes.push(Mode::Heredoc { marker });
        self.heredoc_line_start = true;
        true
    }

    fn enter_template_seq(&mut self, kind: TokenKind) {
        let start = self.pos;
        let len = if self.peek(2) == b'~' { 3 } else { 2 };
        self.push(kind, start, start + len);
        self.pos += len;
        self.modes.push(Mode::Normal {
            depth: 0,
            in_template: true,
        });
    }

    fn scan_quoted(&mut self) {
        let start = self.pos;
        let b = self.bytes;
        let mut i = start;
        while i < b.len() {
            match b[i] {
                b'"' => break,
                b'\\' => {
                    i += 2;
                    continue;
                }
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    break;
                }
                b'$' | b'%' if b.get(i + 1) == Some(&b[i]) && b.get(i + 2) == Some(&b'{') => {
                    // `$${` and `%%{` are escapes for a literal `${` / `%{`.
                    i += 3;
                    continue;
                }
                b'\n' => break,
                _ => i += 1,
            }
        }
        let i = i.min(b.len());
        if i > start {
            self.push(TokenKind::QuotedLit, start, i);
        }
        self.pos = i;
        if i >= b.len() {
            return;
        }
        match b[i] {
            b'"' => {
                self.push(TokenKind::CQuote, i, i + 1);
                self.pos = i + 1;
                self.modes.pop();
            }
            b'$' => self.enter_template_seq(TokenKind::TemplateInterp),
            b'%' => self.enter_template_seq(TokenKind::TemplateControl),
            b'\n' => {
                self.errors.push(LexError {
                    lo: start,
                    hi: i,
                    summary: "Invalid multi-line string",
                    detail: "Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the \"heredoc\" multi-line template syntax.".into(),
                });
                // Recover: end the string here.
                self.modes.pop();
            }
            _ => {}
        }
    }

    fn scan_heredoc(&mut self) {
        let Some(Mode::Heredoc { marker }) = self.modes.last() else {
            return;
        };
        let b = self.bytes;
        if self.heredoc_line_start {
            // A line that holds only the marker (after spaces) closes it.
            let line_end = self.src[self.pos..]
                .find('\n')
                .map(|i| self.pos + i)
                .unwrap_or(b.len());
            let line = self.src[self.pos..line_end].trim_end_matches('\r');
            if line.trim_start_matches([' ', '\t']) == marker {
                let hi = (line_end + 1).min(b.len());
                let lo = self.pos;
                self.push(TokenKind::CHeredoc, lo, hi);
                self.pos = hi;
                self.modes.pop();
                self.heredoc_line_start = false;
                return;
            }
        }
        self.heredoc_line_start = false;
        let start = self.pos;
        let mut i = start;
        while i < b.len() {
            match b[i] {
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => break,
                b'$' | b'%' if b.get(i + 1) == Some(&b[i]) && b.get(i + 2) == Some(&b'{') => {
                    i += 3;
                }
                b'\n' => {
                    i += 1;
                    self.heredoc_line_start = true;
                    break;
                }
                _ => i += 1,
            }
        }
        if i > start {
            self.push(TokenKind::StringLit, start, i);
        }
        self.pos = i;
        if i < b.len() && !self.heredoc_line_start {
            match b[i] {
                b'$' => self.enter_template_seq(TokenKind::TemplateInterp),
                b'%' => self.enter_template_seq(TokenKind::TemplateControl),
                _ => {}
            }
        }
    }
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
}
