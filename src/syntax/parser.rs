//! A recursive-descent parser for HCL native syntax, over the tokens of
//! [`super::lexer`].
//!
//! It follows hclsyntax's parser (`parser.go`, `parser_template.go`) step by
//! step, diagnostics and error recovery included, so that a broken file
//! gets the diagnostics Terraform gives it: after an error the parser
//! enters "recovery" mode, skips to a plausible resynchronisation point and
//! reports nothing more that a confused parser would invent. A failed
//! construct becomes a placeholder (an unknown literal), so the tree is
//! always whole.

use super::ast::*;
use super::lexer::{lex, lex_template, Token, TokenKind};
use crate::diag::{Diagnostic, Diagnostics, Span};
use tfrs_provider::{Number, Value};

use TokenKind as T;

struct Parser<'a> {
    src: &'a str,
    filename: &'a str,
    file: u32,
    toks: Vec<Token>,
    /// Index of the next token to read (comments and newlines included).
    next: usize,
    /// hclsyntax's `IncludeNewlinesStack`.
    newlines: Vec<bool>,
    /// Set once any recovery was attempted: later errors are suppressed
    /// where they would only be noise.
    recovery: bool,
    diags: Diagnostics,
}

/// Parses a whole configuration file.
pub fn parse_file(src: &str, file: u32, filename: &str) -> (Body, Diagnostics) {
    let (tokens, lex_diags) = scan(src, file, false);
    let mut p = Parser::new(src, file, filename, tokens, lex_diags);
    let body = p.parse_body(T::Eof);
    (body, p.diags)
}

/// Parses a standalone expression (console input, `-var` values).
pub fn parse_expression(src: &str, file: u32) -> (Option<Expr>, Diagnostics) {
    parse_expression_in(src, file, "<console-input>")
}

/// Parses a standalone expression, naming the source `filename` in
/// diagnostics that mention positions.
pub fn parse_expression_in(src: &str, file: u32, filename: &str) -> (Option<Expr>, Diagnostics) {
    let (tokens, lex_diags) = scan(src, file, false);
    let mut p = Parser::new(src, file, filename, tokens, lex_diags);
    // Bare expressions are parsed ignoring newlines, as if in parentheses.
    p.newlines.push(false);
    let e = p.parse_expression();
    let next = p.peek();
    if next.kind != T::Eof && !p.recovery {
        p.error(
            "Extra characters after expression",
            "An expression was successfully parsed, but extra characters were found after it.",
            p.tok_span(next),
        );
    }
    p.newlines.pop();
    if p.diags.has_errors() {
        (None, p.diags)
    } else {
        (Some(e), p.diags)
    }
}

/// Parses a template (the contents of a template file, no quotes).
pub fn parse_template(src: &str, file: u32) -> (Option<Expr>, Diagnostics) {
    let (tokens, lex_diags) = scan(src, file, true);
    let mut p = Parser::new(src, file, "", tokens, lex_diags);
    let start = p.peek();
    let (parts, _, close) = p.parse_template_inner(T::Eof, false);
    let e = Expr {
        kind: ExprKind::Template(parts),
        span: p.tok_span(start).to(p.tok_span(close)),
    };
    if p.diags.has_errors() {
        (None, p.diags)
    } else {
        (Some(e), p.diags)
    }
}

/// Scans `src` and turns the scanner's complaints into diagnostics.
fn scan(src: &str, file: u32, template: bool) -> (Vec<Token>, Diagnostics) {
    let (tokens, errors) = if template {
        lex_template(src)
    } else {
        lex(src)
    };
    let mut diags = Diagnostics::new();
    for e in errors {
        diags
            .push(Diagnostic::error(e.summary, e.detail).with_subject(Span::new(file, e.lo, e.hi)));
    }
    // hclsyntax ends a heredoc's closing marker before its newline and emits
    // the newline as a token of its own; our scanner keeps it in the marker.
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        if t.kind == T::CHeredoc && src[t.lo..t.hi].ends_with('\n') {
            let nl = if src[t.lo..t.hi].ends_with("\r\n") {
                2
            } else {
                1
            };
            out.push(Token {
                kind: T::CHeredoc,
                lo: t.lo,
                hi: t.hi - nl,
            });
            out.push(Token {
                kind: T::Newline,
                lo: t.hi - nl,
                hi: t.hi,
            });
        } else {
            out.push(t);
        }
    }
    (out, diags)
}

fn is_bracket_open(k: TokenKind) -> bool {
    matches!(
        k,
        T::OBrace
            | T::OBrack
            | T::OParen
            | T::OQuote
            | T::OHeredoc
            | T::TemplateInterp
            | T::TemplateControl
    )
}

/// The token that closes (or opens) `k`, as hclsyntax's `oppositeBracket`.
fn opposite(k: TokenKind) -> Option<TokenKind> {
    Some(match k {
        T::OBrace => T::CBrace,
        T::OBrack => T::CBrack,
        T::OParen => T::CParen,
        T::OQuote => T::CQuote,
        T::OHeredoc => T::CHeredoc,
        T::CBrace => T::OBrace,
        T::CBrack => T::OBrack,
        T::CParen => T::OParen,
        T::CQuote => T::OQuote,
        T::CHeredoc => T::OHeredoc,
        T::TemplateControl | T::TemplateInterp => T::TemplateSeqEnd,
        T::TemplateSeqEnd => T::TemplateInterp,
        _ => return None,
    })
}

fn placeholder(span: Span) -> Expr {
    Expr {
        kind: ExprKind::Literal(Value::unknown()),
        span,
    }
}

impl<'a> Parser<'a> {
    fn new(
        src: &'a str,
        file: u32,
        filename: &'a str,
        toks: Vec<Token>,
        diags: Diagnostics,
    ) -> Parser<'a> {
        Parser {
            src,
            filename,
            file,
            toks,
            next: 0,
            newlines: vec![true],
            recovery: false,
            diags,
        }
    }

    fn span(&self, lo: usize, hi: usize) -> Span {
        Span::new(self.file, lo, hi)
    }

    fn tok_span(&self, t: Token) -> Span {
        self.span(t.lo, t.hi)
    }

    fn text(&self, t: Token) -> &'a str {
        &self.src[t.lo..t.hi]
    }

    fn including_newlines(&self) -> bool {
        self.newlines.last().copied().unwrap_or(true)
    }

    /// The next significant token and the index after it (hclsyntax's
    /// `peeker.nextToken`): comments are skipped, except that a line comment
    /// stands for the newline it ends with where newlines count.
    fn next_token(&self) -> (Token, usize) {
        let mut i = self.next;
        while i < self.toks.len() {
            let t = self.toks[i];
            match t.kind {
                T::Comment => {
                    if self.including_newlines() && self.src[t.lo..t.hi].ends_with('\n') {
                        return (
                            Token {
                                kind: T::Newline,
                                lo: t.hi - 1,
                                hi: t.hi,
                            },
                            i + 1,
                        );
                    }
                    i += 1;
                    continue;
                }
                T::Newline if !self.including_newlines() => {
                    i += 1;
                    continue;
                }
                _ => return (t, i + 1),
            }
        }
        let last = self.toks.len() - 1;
        (self.toks[last], self.toks.len())
    }

    fn peek(&self) -> Token {
        self.next_token().0
    }

    fn read(&mut self) -> Token {
        let (t, n) = self.next_token();
        self.next = n;
        t
    }

    /// The token before the next one (hclsyntax's `PrevRange`).
    fn prev(&self) -> Token {
        if self.next == 0 {
            return self.peek();
        }
        self.toks[self.next - 1]
    }

    fn error_count(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    fn error(&mut self, summary: &str, detail: &str, subject: Span) {
        self.diags
            .push(Diagnostic::error(summary, detail).with_subject(subject));
    }

    fn error_ctx(&mut self, summary: &str, detail: &str, subject: Span, context: Span) {
        self.diags.push(
            Diagnostic::error(summary, detail)
                .with_subject(subject)
                .with_snippet(context),
        );
    }

    fn is_keyword(&self, t: Token, word: &str) -> bool {
        t.kind == T::Ident && self.text(t) == word
    }

    /// `file:line,col-col`, as HCL writes a range in messages.
    fn range_string(&self, span: Span) -> String {
        range_string(self.src, self.filename, span)
    }

    /// Skips to the token closing the construct we are in (hclsyntax's
    /// `recover`), counting nested pairs; returns that token (or the end).
    fn recover(&mut self, end: TokenKind) -> Token {
        let start = opposite(end);
        self.recovery = true;
        let mut nest = 0;
        loop {
            let t = self.read();
            let mut ty = t.kind;
            if end == T::TemplateSeqEnd && ty == T::TemplateControl {
                ty = T::TemplateInterp;
            }
            if Some(ty) == start {
                nest += 1;
            } else if ty == end {
                if nest < 1 {
                    return t;
                }
                nest -= 1;
            } else if ty == T::Eof {
                return t;
            }
        }
    }

    /// Skips to the end of the next `start`-delimited construct.
    fn recover_over(&mut self, start: TokenKind) {
        loop {
            let t = self.read();
            if t.kind == start || t.kind == T::Eof {
                break;
            }
        }
        if let Some(end) = opposite(start) {
            self.recover(end);
        }
    }

    /// Skips to the end of the current body item (the next newline outside
    /// brackets).
    fn recover_after_body_item(&mut self) {
        self.recovery = true;
        let mut open: Vec<TokenKind> = Vec::new();
        loop {
            let t = self.read();
            match t.kind {
                T::Newline if open.is_empty() => break,
                T::Eof => break,
                k if is_bracket_open(k) => open.push(k),
                T::CBrace | T::CBrack | T::CParen | T::CQuote | T::CHeredoc => {
                    let opener = opposite(t.kind);
                    while open.last().is_some_and(|o| Some(*o) != opener) {
                        open.pop();
                    }
                    open.pop();
                }
                T::TemplateSeqEnd => {
                    while open
                        .last()
                        .is_some_and(|o| *o != T::TemplateInterp && *o != T::TemplateControl)
                    {
                        open.pop();
                    }
                    open.pop();
                }
                _ => {}
            }
        }
    }

    // ---- bodies ----

    fn parse_body(&mut self, end: TokenKind) -> Body {
        let start = self.prev();
        let mut body = Body::default();
        let end_tok;
        loop {
            let next = self.peek();
            if next.kind == end {
                end_tok = next;
                self.read();
                break;
            }
            match next.kind {
                T::Newline => {
                    self.read();
                }
                T::Ident => self.parse_body_item(&mut body),
                _ => {
                    let bad = self.read();
                    if !self.recovery {
                        match bad.kind {
                            T::OQuote => self.error(
                                "Invalid argument name",
                                "Argument names must not be quoted.",
                                self.tok_span(bad),
                            ),
                            T::Eof if end == T::CBrace => self.error(
                                "Unclosed configuration block",
                                "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                                self.tok_span(start),
                            ),
                            T::Eof => self.error(
                                "Unclosed configuration body",
                                "Found end of file before the end of this configuration body.",
                                self.tok_span(start),
                            ),
                            _ => self.error(
                                "Argument or block definition required",
                                "An argument or block definition is required here.",
                                self.tok_span(bad),
                            ),
                        }
                    }
                    end_tok = self.prev();
                    self.recover(end);
                    break;
                }
            }
        }
        body.span = self.tok_span(start).to(self.tok_span(end_tok));
        body
    }

    fn parse_body_item(&mut self, body: &mut Body) {
        let ident = self.read();
        let next = self.peek();
        match next.kind {
            T::Equal => {
                let attr = self.finish_attribute(ident, false);
                self.add_attribute(body, attr);
            }
            T::OQuote | T::OBrace | T::Ident => {
                if let Some(b) = self.finish_block(ident) {
                    body.blocks.push(b);
                }
            }
            _ => {
                self.recover_after_body_item();
                self.error(
                    "Argument or block definition required",
                    "An argument or block definition is required here. To set an argument, use the equals sign \"=\" to introduce the argument value.",
                    self.tok_span(ident),
                );
            }
        }
    }

    fn add_attribute(&mut self, body: &mut Body, attr: Attribute) {
        if let Some(prev) = body.attributes.iter().find(|a| a.name == attr.name) {
            let at = self.range_string(prev.name_span);
            self.error(
                "Attribute redefined",
                &format!(
                    "The argument {:?} was already set at {at}. Each argument may be set only once.",
                    attr.name
                ),
                attr.name_span,
            );
        } else {
            body.attributes.push(attr);
        }
    }

    fn finish_attribute(&mut self, ident: Token, single_line: bool) -> Attribute {
        self.read(); // =
        let before = self.error_count();
        let expr = self.parse_expression();
        let failed = self.error_count() > before;
        if self.recovery && failed {
            self.recover_after_body_item();
        } else if !single_line {
            let end = self.peek();
            if end.kind != T::Newline && end.kind != T::Eof {
                if !self.recovery {
                    let (summary, detail) = if end.kind == T::Comma {
                        ("Unexpected comma after argument", "Argument definitions must be separated by newlines, not commas. An argument definition must end with a newline.")
                    } else {
                        (
                            "Missing newline after argument",
                            "An argument definition must end with a newline.",
                        )
                    };
                    self.error_ctx(
                        summary,
                        detail,
                        self.tok_span(end),
                        self.tok_span(ident).to(self.tok_span(end)),
                    );
                }
                self.recover_after_body_item();
            } else {
                self.read(); // newline
            }
        }
        let span = self.tok_span(ident).to(expr.span);
        Attribute {
            name: self.text(ident).to_string(),
            name_span: self.tok_span(ident),
            expr,
            span,
        }
    }

    fn finish_block(&mut self, ident: Token) -> Option<Block> {
        let mut labels = Vec::new();
        let mut label_spans = Vec::new();
        let obrace = loop {
            let t = self.peek();
            match t.kind {
                T::OBrace => break self.read(),
                T::OQuote => {
                    let (s, span) = self.parse_quoted_string_literal();
                    labels.push(s);
                    label_spans.push(span);
                }
                T::Ident => {
                    self.read();
                    labels.push(self.text(t).to_string());
                    label_spans.push(self.tok_span(t));
                }
                _ => {
                    let ctx = self.tok_span(ident).to(self.tok_span(t));
                    match t.kind {
                        T::Equal => self.error_ctx(
                            "Invalid block definition",
                            "The equals sign \"=\" indicates an argument definition, and must not be used when defining a block.",
                            self.tok_span(t),
                            ctx,
                        ),
                        T::Newline => self.error_ctx(
                            "Invalid block definition",
                            "A block definition must have block content delimited by \"{\" and \"}\", starting on the same line as the block header.",
                            self.tok_span(t),
                            ctx,
                        ),
                        _ if !self.recovery => self.error_ctx(
                            "Invalid block definition",
                            "Either a quoted string block label or an opening brace (\"{\") is expected here.",
                            self.tok_span(t),
                            ctx,
                        ),
                        _ => {}
                    }
                    self.recover_after_body_item();
                    return Some(Block {
                        type_name: self.text(ident).to_string(),
                        type_span: self.tok_span(ident),
                        labels,
                        label_spans,
                        body: Body {
                            span: self.tok_span(ident),
                            ..Body::default()
                        },
                        span: self.tok_span(ident),
                    });
                }
            }
        };
        let body = match self.peek().kind {
            T::Newline | T::Eof | T::CBrace => self.parse_body(T::CBrace),
            _ => {
                let body = self.parse_single_attr_body();
                let t = self.peek();
                match t.kind {
                    T::CBrace => {
                        self.read();
                    }
                    T::Comma => {
                        self.error(
                            "Invalid single-argument block definition",
                            "Single-line block syntax can include only one argument definition. To define multiple arguments, use the multi-line block syntax with one argument definition per line.",
                            self.tok_span(t),
                        );
                        self.recover(T::CBrace);
                    }
                    T::Newline => {
                        self.error(
                            "Invalid single-argument block definition",
                            "An argument definition on the same line as its containing block creates a single-line block definition, which must also be closed on the same line. Place the block's closing brace immediately after the argument definition.",
                            self.tok_span(t),
                        );
                        self.recover(T::CBrace);
                    }
                    _ => {
                        if !self.recovery {
                            if t.kind == T::Eof {
                                self.error_ctx(
                                    "Unclosed configuration block",
                                    "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                                    self.tok_span(obrace),
                                    self.tok_span(ident).to(self.tok_span(obrace)),
                                );
                            } else {
                                self.error(
                                    "Invalid single-argument block definition",
                                    "A single-line block definition must end with a closing brace immediately after its single argument definition.",
                                    self.tok_span(t),
                                );
                            }
                        }
                        self.recover(T::CBrace);
                    }
                }
                let close = self.prev();
                Body {
                    span: self.tok_span(obrace).to(self.tok_span(close)),
                    ..body.unwrap_or_default()
                }
            }
        };
        let close = self.prev();
        let eol = self.peek();
        if eol.kind == T::Newline || eol.kind == T::Eof {
            self.read();
        } else {
            if !self.recovery {
                self.error_ctx(
                    "Missing newline after block definition",
                    "A block definition must end with a newline.",
                    self.tok_span(eol),
                    self.tok_span(ident).to(self.tok_span(eol)),
                );
            }
            self.recover_after_body_item();
        }
        Some(Block {
            type_name: self.text(ident).to_string(),
            type_span: self.tok_span(ident),
            labels,
            label_spans,
            body,
            span: self.tok_span(ident).to(self.tok_span(close)),
        })
    }

    /// `name { a = 1 }`: a block whose body is one attribute on its line.
    fn parse_single_attr_body(&mut self) -> Option<Body> {
        let ident = self.read();
        if ident.kind != T::Ident {
            self.recover_after_body_item();
            self.error(
                "Argument or block definition required",
                "An argument or block definition is required here.",
                self.tok_span(ident),
            );
            return None;
        }
        let next = self.peek();
        match next.kind {
            T::Equal => {
                let attr = self.finish_attribute(ident, true);
                Some(Body {
                    span: attr.span,
                    attributes: vec![attr],
                    blocks: Vec::new(),
                })
            }
            T::OQuote | T::OBrace | T::Ident => {
                self.recover_after_body_item();
                self.error(
                    "Argument definition required",
                    &format!("A single-line block definition can contain only a single argument. If you meant to define argument {:?}, use an equals sign to assign it a value. To define a nested block, place it on a line of its own within its parent block.", self.text(ident)),
                    self.tok_span(ident).to(self.tok_span(next)),
                );
                None
            }
            _ => {
                self.recover_after_body_item();
                self.error(
                    "Argument or block definition required",
                    "An argument or block definition is required here. To set an argument, use the equals sign \"=\" to introduce the argument value.",
                    self.tok_span(ident),
                );
                None
            }
        }
    }

    /// A block label: a quoted string without sequences.
    fn parse_quoted_string_literal(&mut self) -> (String, Span) {
        let open = self.read();
        let mut s = String::new();
        let end;
        loop {
            let t = self.read();
            match t.kind {
                T::CQuote => {
                    end = t;
                    break;
                }
                T::QuotedLit => {
                    let (v, d) = parse_string_literal(self.src, t, true, self.file);
                    self.diags.extend(d);
                    s.push_str(&v);
                }
                T::TemplateInterp | T::TemplateControl => {
                    let which = if t.kind == T::TemplateControl {
                        "%"
                    } else {
                        "$"
                    };
                    self.error_ctx(
                        "Invalid string literal",
                        &format!("Template sequences are not allowed in this string. To include a literal {which:?}, double it (as \"{which}{which}\") to escape it."),
                        self.tok_span(t),
                        self.tok_span(open).to(self.tok_span(t)),
                    );
                    s.push_str(which);
                    s.push_str("{ ... }");
                    self.recover(T::TemplateSeqEnd);
                }
                T::Eof => {
                    self.error_ctx(
                        "Unterminated string literal",
                        "Unable to find the closing quote mark before the end of the file.",
                        self.tok_span(t),
                        self.tok_span(open).to(self.tok_span(t)),
                    );
                    end = t;
                    break;
                }
                _ => {
                    self.error_ctx(
                        "Invalid string literal",
                        "This item is not valid in a string literal.",
                        self.tok_span(t),
                        self.tok_span(open).to(self.tok_span(t)),
                    );
                    self.recover(T::CQuote);
                    end = t;
                    break;
                }
            }
        }
        (s, self.tok_span(open).to(self.tok_span(end)))
    }

    // ---- expressions ----

    pub fn parse_expression(&mut self) -> Expr {
        self.parse_conditional()
    }

    fn parse_conditional(&mut self) -> Expr {
        let start = self.peek();
        let before = self.error_count();
        let cond = self.parse_binary(0);
        if self.recovery && self.error_count() > before {
            return cond;
        }
        if self.peek().kind != T::Question {
            return cond;
        }
        self.read();
        let before = self.error_count();
        let then = self.parse_expression();
        if self.recovery && self.error_count() > before {
            return cond;
        }
        let colon = self.peek();
        if colon.kind != T::Colon {
            self.error_ctx(
                "Missing false expression in conditional",
                "The conditional operator (...?...:...) requires a false expression, delimited by a colon.",
                self.tok_span(colon),
                self.tok_span(start).to(self.tok_span(colon)),
            );
            return cond;
        }
        self.read();
        let before = self.error_count();
        let otherwise = self.parse_expression();
        if self.recovery && self.error_count() > before {
            return cond;
        }
        let span = self.tok_span(start).to(otherwise.span);
        Expr {
            kind: ExprKind::Conditional(Box::new(cond), Box::new(then), Box::new(otherwise)),
            span,
        }
    }

    fn parse_binary(&mut self, level: usize) -> Expr {
        const LEVELS: &[&[(TokenKind, BinaryOp)]] = &[
            &[(T::Or, BinaryOp::Or)],
            &[(T::And, BinaryOp::And)],
            &[(T::EqualOp, BinaryOp::Eq), (T::NotEqual, BinaryOp::NotEq)],
            &[
                (T::GreaterThan, BinaryOp::Gt),
                (T::GreaterThanEq, BinaryOp::GtEq),
                (T::LessThan, BinaryOp::Lt),
                (T::LessThanEq, BinaryOp::LtEq),
            ],
            &[(T::Plus, BinaryOp::Add), (T::Minus, BinaryOp::Sub)],
            &[
                (T::Star, BinaryOp::Mul),
                (T::Slash, BinaryOp::Div),
                (T::Percent, BinaryOp::Mod),
            ],
        ];
        if level == LEVELS.len() {
            return self.parse_with_traversals();
        }
        let before = self.error_count();
        let mut lhs = self.parse_binary(level + 1);
        if self.recovery && self.error_count() > before {
            return lhs;
        }
        let mut pending: Option<(BinaryOp, Expr)> = None;
        loop {
            let t = self.peek();
            let Some((_, op)) = LEVELS[level].iter().find(|(k, _)| *k == t.kind) else {
                break;
            };
            if let Some((pop, rhs)) = pending.take() {
                let span = lhs.span.to(rhs.span);
                lhs = Expr {
                    kind: ExprKind::Binary(pop, Box::new(lhs), Box::new(rhs)),
                    span,
                };
            }
            self.read();
            let before = self.error_count();
            let rhs = self.parse_binary(level + 1);
            if self.recovery && self.error_count() > before {
                return lhs;
            }
            pending = Some((*op, rhs));
        }
        match pending {
            None => lhs,
            Some((op, rhs)) => {
                let span = lhs.span.to(rhs.span);
                Expr {
                    kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                    span,
                }
            }
        }
    }

    fn parse_with_traversals(&mut self) -> Expr {
        let term = self.parse_term();
        self.parse_traversals(term)
    }

    fn parse_traversals(&mut self, from: Expr) -> Expr {
        let from_span = from.span;
        let mut ret = from;
        loop {
            let next = self.peek();
            match next.kind {
                T::Dot => {
                    let dot = self.read();
                    let attr = self.peek();
                    match attr.kind {
                        T::Ident => {
                            self.read();
                            let span = ret.span.to(self.tok_span(attr));
                            ret = Expr {
                                kind: ExprKind::GetAttr(Box::new(ret), self.text(attr).to_string()),
                                span,
                            };
                        }
                        T::NumberLit => {
                            let num = self.read();
                            let text = self.text(num);
                            let key = if let Some((first, second)) = text.split_once('.') {
                                self.error(
                                    "Invalid legacy index syntax",
                                    &format!("When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax instead, like [{first}][{second}]."),
                                    self.tok_span(num),
                                );
                                Value::unknown()
                            } else {
                                self.number_value(num)
                            };
                            let span = ret.span.to(self.tok_span(num));
                            ret = Expr {
                                kind: ExprKind::Index(
                                    Box::new(ret),
                                    Box::new(Expr {
                                        kind: ExprKind::Literal(key),
                                        span: self.tok_span(dot).to(self.tok_span(num)),
                                    }),
                                ),
                                span,
                            };
                        }
                        T::Star => {
                            ret = self.parse_legacy_splat(ret, dot, from_span);
                        }
                        _ => {
                            self.error(
                                "Invalid attribute name",
                                "An attribute name is required after a dot.",
                                self.tok_span(attr),
                            );
                            let span = ret.span.to(self.tok_span(dot));
                            ret = placeholder(span);
                            self.recovery = true;
                        }
                    }
                }
                T::OBrack => {
                    let open = self.read();
                    if self.peek().kind == T::Star {
                        self.read();
                        let mut close = self.read();
                        if close.kind != T::CBrack && !self.recovery {
                            self.error(
                                "Missing close bracket on splat index",
                                "The star for a full splat operator must be immediately followed by a closing bracket (\"]\").",
                                self.tok_span(close),
                            );
                            close = self.recover(T::CBrack);
                        }
                        let item = Expr {
                            kind: ExprKind::AnonSymbol,
                            span: self.tok_span(open).to(self.tok_span(close)),
                        };
                        // The rest of the traversal applies to each element.
                        let each = self.parse_traversals(item);
                        let span = from_span.to(each.span);
                        ret = Expr {
                            kind: ExprKind::Splat {
                                source: Box::new(ret),
                                each: Box::new(each),
                                legacy: false,
                            },
                            span,
                        };
                    } else {
                        self.newlines.push(false);
                        let before = self.error_count();
                        let key = self.parse_expression();
                        let close = if self.recovery && self.error_count() > before {
                            self.recover(T::CBrack)
                        } else {
                            let mut close = self.read();
                            if close.kind != T::CBrack && !self.recovery {
                                self.error(
                                    "Missing close bracket on index",
                                    "The index operator must end with a closing bracket (\"]\").",
                                    self.tok_span(close),
                                );
                                close = self.recover(T::CBrack);
                            }
                            close
                        };
                        self.newlines.pop();
                        let span = ret.span.to(self.tok_span(close));
                        ret = Expr {
                            kind: ExprKind::Index(Box::new(ret), Box::new(key)),
                            span,
                        };
                    }
                }
                _ => return ret,
            }
        }
    }

    /// `source.*.a.b`: an attribute-only splat.
    fn parse_legacy_splat(&mut self, source: Expr, dot: Token, from_span: Span) -> Expr {
        let marker = self.read(); // *
        let item_span = self.tok_span(dot).to(self.tok_span(marker));
        let mut each = Expr {
            kind: ExprKind::AnonSymbol,
            span: item_span,
        };
        let mut last = self.tok_span(marker);
        while self.peek().kind == T::Dot {
            let dot = self.read();
            let t = self.peek();
            if t.kind == T::NumberLit {
                let num = self.read();
                let text = self.text(num);
                let key = if let Some((first, second)) = text.split_once('.') {
                    self.error(
                        "Invalid legacy index syntax",
                        &format!("When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax with a full splat expression [*] instead, like [{first}][{second}]."),
                        self.tok_span(num),
                    );
                    Value::unknown()
                } else {
                    self.number_value(num)
                };
                let span = each.span.to(self.tok_span(num));
                each = Expr {
                    kind: ExprKind::Index(
                        Box::new(each),
                        Box::new(Expr {
                            kind: ExprKind::Literal(key),
                            span: self.tok_span(dot).to(self.tok_span(num)),
                        }),
                    ),
                    span,
                };
                last = self.tok_span(num);
                continue;
            }
            if t.kind != T::Ident {
                if !self.recovery {
                    if t.kind == T::Star {
                        self.error(
                            "Nested splat expression not allowed",
                            "A splat expression (*) cannot be used inside another attribute-only splat expression.",
                            self.tok_span(t),
                        );
                    } else {
                        self.error(
                            "Invalid attribute name",
                            "An attribute name is required after a dot.",
                            self.tok_span(t),
                        );
                    }
                }
                self.recovery = true;
                break;
            }
            self.read();
            let span = each.span.to(self.tok_span(t));
            each = Expr {
                kind: ExprKind::GetAttr(Box::new(each), self.text(t).to_string()),
                span,
            };
            last = self.tok_span(t);
        }
        let span = from_span.to(last);
        Expr {
            kind: ExprKind::Splat {
                source: Box::new(source),
                each: Box::new(each),
                legacy: true,
            },
            span,
        }
    }

    fn number_value(&mut self, t: Token) -> Value {
        match Number::parse(self.text(t)) {
            Ok(n) => Value::Number(n),
            Err(_) => {
                self.error(
                    "Invalid number literal",
                    "Failed to recognize the value of this number literal.",
                    self.tok_span(t),
                );
                Value::Unknown(tfrs_provider::Type::Number)
            }
        }
    }

    fn parse_term(&mut self) -> Expr {
        let start = self.peek();
        match start.kind {
            T::OParen => {
                let open = self.read();
                self.newlines.push(false);
                let before = self.error_count();
                let inner = self.parse_expression();
                if self.error_count() > before {
                    self.recover(T::CParen);
                    self.newlines.pop();
                    return inner;
                }
                let close = self.peek();
                if close.kind != T::CParen {
                    self.error_ctx(
                        "Unbalanced parentheses",
                        "Expected a closing parenthesis to terminate the expression.",
                        self.tok_span(close),
                        self.tok_span(start).to(self.tok_span(close)),
                    );
                    self.recovery = true;
                }
                let close = self.read();
                self.newlines.pop();
                Expr {
                    kind: ExprKind::Parens(Box::new(inner)),
                    span: self.tok_span(open).to(self.tok_span(close)),
                }
            }
            T::NumberLit => {
                let t = self.read();
                Expr {
                    kind: ExprKind::Literal(self.number_value(t)),
                    span: self.tok_span(t),
                }
            }
            T::Ident => {
                let t = self.read();
                if self.peek().kind == T::OParen || self.at_double_colon() {
                    return self.finish_call(t);
                }
                let span = self.tok_span(t);
                let kind = match self.text(t) {
                    "true" => ExprKind::Literal(Value::Bool(true)),
                    "false" => ExprKind::Literal(Value::Bool(false)),
                    "null" => ExprKind::Literal(Value::null()),
                    name => ExprKind::Variable(name.to_string()),
                };
                Expr { kind, span }
            }
            T::OQuote | T::OHeredoc => {
                let open = self.read();
                let (closer, flush) = if open.kind == T::OQuote {
                    (T::CQuote, false)
                } else {
                    (T::CHeredoc, self.text(open).starts_with("<<-"))
                };
                let (parts, _, _) = self.parse_template_inner(closer, flush);
                let close = self.prev();
                Expr {
                    kind: ExprKind::Template(parts),
                    span: self.tok_span(open).to(self.tok_span(close)),
                }
            }
            T::Minus | T::Bang => {
                let t = self.read();
                let operand = self.parse_with_traversals();
                let span = self.tok_span(t).to(operand.span);
                if t.kind == T::Minus {
                    // `-5` is a constant; HCL negates it when evaluating.
                    if let ExprKind::Literal(Value::Number(n)) = &operand.kind {
                        return Expr {
                            kind: ExprKind::Literal(Value::Number(n.neg())),
                            span,
                        };
                    }
                }
                let op = if t.kind == T::Minus {
                    UnaryOp::Negate
                } else {
                    UnaryOp::Not
                };
                Expr {
                    kind: ExprKind::Unary(op, Box::new(operand)),
                    span,
                }
            }
            T::OBrack => self.parse_tuple(),
            T::OBrace => self.parse_object(),
            _ => {
                if !self.recovery {
                    if start.kind == T::Eof {
                        self.error(
                            "Missing expression",
                            "Expected the start of an expression, but found the end of the file.",
                            self.tok_span(start),
                        );
                    } else {
                        self.error(
                            "Invalid expression",
                            "Expected the start of an expression, but found an invalid expression token.",
                            self.tok_span(start),
                        );
                    }
                }
                self.recovery = true;
                placeholder(self.tok_span(start))
            }
        }
    }

    /// Whether the next tokens are `::` (two adjacent colons).
    fn at_double_colon(&self) -> bool {
        let (a, n) = self.next_token();
        if a.kind != T::Colon {
            return false;
        }
        let b = self.toks.get(n).copied();
        b.is_some_and(|b| b.kind == T::Colon && b.lo == a.hi)
    }

    fn read_double_colon(&mut self) -> Token {
        let a = self.read();
        let b = self.read();
        Token {
            kind: T::Colon,
            lo: a.lo,
            hi: b.hi,
        }
    }

    fn finish_call(&mut self, name: Token) -> Expr {
        let mut fname = self.text(name).to_string();
        let mut name_end = name.hi;
        let mut open = if self.at_double_colon() {
            self.read_double_colon()
        } else {
            self.read()
        };
        while open.kind == T::Colon {
            let next = self.read();
            if next.kind != T::Ident {
                self.error_ctx(
                    "Missing function name",
                    "Function scope resolution symbol :: must be followed by a function name in this scope.",
                    self.tok_span(next),
                    self.tok_span(name).to(self.tok_span(next)),
                );
                self.recover_over(T::OParen);
                return placeholder(self.tok_span(name).to(self.tok_span(next)));
            }
            fname.push_str("::");
            fname.push_str(self.text(next));
            name_end = next.hi;
            open = if self.at_double_colon() {
                self.read_double_colon()
            } else {
                self.read()
            };
        }
        let name_span = self.span(name.lo, name_end);
        if open.kind != T::OParen {
            self.error_ctx(
                "Missing open parenthesis",
                "Function selector must be followed by an open parenthesis to begin the function call.",
                self.tok_span(open),
                self.tok_span(name).to(self.tok_span(open)),
            );
            self.recover_over(T::OParen);
            return placeholder(self.tok_span(name).to(self.tok_span(open)));
        }
        let mut args = Vec::new();
        let mut expand_final = false;
        let mut close = open;
        self.newlines.push(false);
        loop {
            let t = self.peek();
            if t.kind == T::CParen {
                close = self.read();
                break;
            }
            let before = self.error_count();
            let arg = self.parse_expression();
            args.push(arg);
            if self.recovery && self.error_count() > before {
                let r = self.recover(T::CParen);
                if r.kind == T::CParen {
                    close = r;
                }
                break;
            }
            let sep = self.read();
            if sep.kind == T::CParen {
                close = sep;
                break;
            }
            if sep.kind == T::Ellipsis {
                expand_final = true;
                if self.peek().kind != T::CParen {
                    if !self.recovery {
                        self.error_ctx(
                            "Missing closing parenthesis",
                            "An expanded function argument (with ...) must be immediately followed by closing parentheses.",
                            self.tok_span(sep),
                            self.tok_span(name).to(self.tok_span(sep)),
                        );
                    }
                    close = self.recover(T::CParen);
                } else {
                    close = self.read();
                }
                break;
            }
            if sep.kind != T::Comma {
                if sep.kind == T::Eof {
                    self.error(
                        "Unterminated function call",
                        "There is no closing parenthesis for this function call before the end of the file. This may be caused by incorrect parenthesis nesting elsewhere in this file.",
                        self.tok_span(name).to(self.tok_span(open)),
                    );
                } else {
                    self.error_ctx(
                        "Missing argument separator",
                        "A comma is required to separate each function argument from the next.",
                        self.tok_span(sep),
                        self.tok_span(name).to(self.tok_span(sep)),
                    );
                }
                close = self.recover(T::CParen);
                break;
            }
            if self.peek().kind == T::CParen {
                close = self.read();
                break;
            }
        }
        self.newlines.pop();
        Expr {
            kind: ExprKind::Call {
                name: fname,
                name_span,
                args,
                expand_final,
            },
            span: self.tok_span(name).to(self.tok_span(close)),
        }
    }

    fn parse_tuple(&mut self) -> Expr {
        let open = self.read();
        self.newlines.push(false);
        if self.is_keyword(self.peek(), "for") {
            let e = self.finish_for(open);
            self.newlines.pop();
            return e;
        }
        let mut items = Vec::new();
        let close;
        loop {
            let next = self.peek();
            if next.kind == T::CBrack {
                close = self.read();
                break;
            }
            let before = self.error_count();
            let e = self.parse_expression();
            items.push(e);
            if self.recovery && self.error_count() > before {
                close = self.recover(T::CBrack);
                break;
            }
            let next = self.peek();
            if next.kind == T::CBrack {
                close = self.read();
                break;
            }
            if next.kind != T::Comma {
                if !self.recovery {
                    if next.kind == T::Eof {
                        self.error(
                            "Unterminated tuple constructor expression",
                            "There is no corresponding closing bracket before the end of the file. This may be caused by incorrect bracket nesting elsewhere in this file.",
                            self.tok_span(open),
                        );
                    } else {
                        self.error_ctx(
                            "Missing item separator",
                            "Expected a comma to mark the beginning of the next item.",
                            self.tok_span(next),
                            self.tok_span(open).to(self.tok_span(next)),
                        );
                    }
                }
                close = self.recover(T::CBrack);
                break;
            }
            self.read(); // comma
        }
        self.newlines.pop();
        Expr {
            kind: ExprKind::Tuple(items),
            span: self.tok_span(open).to(self.tok_span(close)),
        }
    }

    fn parse_object(&mut self) -> Expr {
        let open = self.read();
        self.newlines.push(false);
        let is_for = self.is_keyword(self.peek(), "for");
        self.newlines.pop();
        if is_for {
            return self.finish_for(open);
        }
        self.newlines.push(true);
        let mut items = Vec::new();
        let close;
        loop {
            let next = self.peek();
            if next.kind == T::Newline {
                self.read();
                continue;
            }
            if next.kind == T::CBrace {
                close = self.read();
                break;
            }
            let force_non_literal = next.kind == T::OParen;
            let before = self.error_count();
            let key = self.parse_expression();
            if self.recovery && self.error_count() > before {
                close = self.recover(T::CBrace);
                break;
            }
            // A bare name (`null` and the other keywords included) is the
            // name as a string.
            let bare = !force_non_literal && key.span.hi - key.span.lo > 0 && {
                let t = &self.src[key.span.lo as usize..key.span.hi as usize];
                super::lexer::is_ident_start(t.chars().next().unwrap_or('0'))
                    && t.chars().all(super::lexer::is_ident_continue)
                    && matches!(
                        key.kind,
                        ExprKind::Variable(_) | ExprKind::Literal(Value::Bool(_) | Value::Null(_))
                    )
            };
            let key = if bare {
                let name = self.src[key.span.lo as usize..key.span.hi as usize].to_string();
                Expr {
                    kind: ExprKind::Variable(name),
                    span: key.span,
                }
            } else {
                key
            };
            let next = self.peek();
            if next.kind != T::Equal && next.kind != T::Colon {
                if !self.recovery {
                    let ctx = self.tok_span(open).to(self.tok_span(next));
                    match next.kind {
                        T::Newline | T::Comma => self.error_ctx(
                            "Missing attribute value",
                            "Expected an attribute value, introduced by an equals sign (\"=\").",
                            self.tok_span(next),
                            ctx,
                        ),
                        T::Ident => self.error_ctx(
                            "Missing key/value separator",
                            "Expected an equals sign (\"=\") to mark the beginning of the attribute value. If you intended to given an attribute name containing periods or spaces, write the name in quotes to create a string literal.",
                            self.tok_span(next),
                            ctx,
                        ),
                        T::Eof => self.error(
                            "Unterminated object constructor expression",
                            "There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                            self.tok_span(open),
                        ),
                        _ => self.error_ctx(
                            "Missing key/value separator",
                            "Expected an equals sign (\"=\") to mark the beginning of the attribute value.",
                            self.tok_span(next),
                            ctx,
                        ),
                    }
                }
                close = self.recover(T::CBrace);
                break;
            }
            self.read(); // = or :
            let before = self.error_count();
            let value = self.parse_expression();
            if self.recovery && self.error_count() > before {
                close = self.recover(T::CBrace);
                break;
            }
            items.push(ObjectItem {
                key_is_ident: bare,
                key,
                value,
            });
            let next = self.peek();
            if next.kind == T::CBrace {
                close = self.read();
                break;
            }
            if next.kind != T::Comma && next.kind != T::Newline {
                if !self.recovery {
                    if next.kind == T::Eof {
                        self.error(
                            "Unterminated object constructor expression",
                            "There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                            self.tok_span(open),
                        );
                    } else {
                        self.error_ctx(
                            "Missing attribute separator",
                            "Expected a newline or comma to mark the beginning of the next attribute.",
                            self.tok_span(next),
                            self.tok_span(open).to(self.tok_span(next)),
                        );
                    }
                }
                close = self.recover(T::CBrace);
                break;
            }
            self.read(); // comma or newline
        }
        self.newlines.pop();
        Expr {
            kind: ExprKind::Object(items),
            span: self.tok_span(open).to(self.tok_span(close)),
        }
    }

    fn finish_for(&mut self, open: Token) -> Expr {
        self.newlines.push(false);
        let e = self.finish_for_inner(open);
        self.newlines.pop();
        e
    }

    fn finish_for_inner(&mut self, open: Token) -> Expr {
        self.read(); // for
        let (make_obj, close_kind) = if open.kind == T::OBrace {
            (true, T::CBrace)
        } else {
            (false, T::CBrack)
        };
        let open_span = self.tok_span(open);
        let bail = |p: &mut Parser, summary: &str, detail: &str| {
            let t = p.peek();
            if !p.recovery {
                p.error_ctx(summary, detail, p.tok_span(t), open_span.to(p.tok_span(t)));
            }
            let close = p.recover(close_kind);
            placeholder(open_span.to(p.tok_span(close)))
        };
        if self.peek().kind != T::Ident {
            return bail(
                self,
                "Invalid 'for' expression",
                "For expression requires variable name after 'for'.",
            );
        }
        let first = self.read();
        let mut key_var = None;
        let mut value_var = self.text(first).to_string();
        if self.peek().kind == T::Comma {
            self.read();
            if self.peek().kind != T::Ident {
                return bail(
                    self,
                    "Invalid 'for' expression",
                    "For expression requires value variable name after comma.",
                );
            }
            key_var = Some(value_var);
            let second = self.read();
            value_var = self.text(second).to_string();
        }
        if !self.is_keyword(self.peek(), "in") {
            return bail(
                self,
                "Invalid 'for' expression",
                "For expression requires the 'in' keyword after its name declarations.",
            );
        }
        self.read();
        let before = self.error_count();
        let collection = self.parse_expression();
        if self.recovery && self.error_count() > before {
            let close = self.recover(close_kind);
            return placeholder(open_span.to(self.tok_span(close)));
        }
        if self.peek().kind != T::Colon {
            return bail(
                self,
                "Invalid 'for' expression",
                "For expression requires a colon after the collection expression.",
            );
        }
        self.read();
        let before = self.error_count();
        let mut value_expr = self.parse_expression();
        let mut key_expr = None;
        if self.peek().kind == T::FatArrow {
            self.read();
            key_expr = Some(value_expr);
            value_expr = self.parse_expression();
        }
        if self.recovery && self.error_count() > before {
            let close = self.recover(close_kind);
            return placeholder(open_span.to(self.tok_span(close)));
        }
        let mut grouping = false;
        let mut ellipsis = None;
        if self.peek().kind == T::Ellipsis {
            ellipsis = Some(self.read());
            grouping = true;
        }
        let mut condition = None;
        if self.is_keyword(self.peek(), "if") {
            self.read();
            let before = self.error_count();
            let c = self.parse_expression();
            if self.recovery && self.error_count() > before {
                let close = self.recover(close_kind);
                return placeholder(open_span.to(self.tok_span(close)));
            }
            condition = Some(c);
        }
        let close = if self.peek().kind == close_kind {
            self.read()
        } else {
            let t = self.peek();
            if !self.recovery {
                self.error_ctx(
                    "Invalid 'for' expression",
                    "Extra characters after the end of the 'for' expression.",
                    self.tok_span(t),
                    open_span.to(self.tok_span(t)),
                );
            }
            self.recover(close_kind)
        };
        let span = open_span.to(self.tok_span(close));
        if !make_obj {
            if let Some(k) = &key_expr {
                self.error_ctx(
                    "Invalid 'for' expression",
                    "Key expression is not valid when building a tuple.",
                    k.span,
                    span,
                );
            }
            if let Some(e) = ellipsis {
                self.error_ctx(
                    "Invalid 'for' expression",
                    "Grouping ellipsis (...) cannot be used when building a tuple.",
                    self.tok_span(e),
                    span,
                );
            }
        } else if key_expr.is_none() {
            self.error_ctx(
                "Invalid 'for' expression",
                "Key expression is required when building an object.",
                value_expr.span,
                span,
            );
        }
        Expr {
            kind: ExprKind::For(Box::new(ForExpr {
                key_var,
                value_var,
                collection,
                key_expr,
                value_expr,
                condition,
                grouping,
            })),
            span,
        }
    }

    // ---- templates ----

    /// A template up to its closing token: its parts, whether it is a
    /// single interpolation (which yields the value itself), and the
    /// closing token.
    fn parse_template_inner(
        &mut self,
        end: TokenKind,
        flush: bool,
    ) -> (Vec<TemplatePart>, bool, Token) {
        let (mut items, close) = self.parse_template_items(end);
        if flush {
            flush_heredoc(&mut items);
        }
        meld_literals(&mut items);
        let passthru = items.len() == 1 && matches!(items[0], TItem::Interp(_));
        let mut tp = TemplateTree {
            items,
            pos: 0,
            end_span: self.tok_span(close),
            diags: Diagnostics::new(),
            src: self.src,
            filename: self.filename,
        };
        let mut parts = tp.parse_root();
        self.diags.extend(tp.diags);
        // An empty template has no parts.
        if let [TemplatePart::Literal(s)] = parts.as_slice() {
            if s.is_empty() {
                parts.clear();
            }
        }
        (parts, passthru, close)
    }

    /// hclsyntax's `parseTemplateParts`: the flat sequence of literals (with
    /// strip markers applied), interpolations and directive markers.
    fn parse_template_items(&mut self, end: TokenKind) -> (Vec<TItem>, Token) {
        let mut items: Vec<TItem> = Vec::new();
        let start = self.peek();
        let mut ltrim_next = false;
        let mut next_can_trim_prev = false;
        let end_tok;
        loop {
            let next = self.read();
            if next.kind == end {
                end_tok = next;
                break;
            }
            let ltrim = std::mem::take(&mut ltrim_next);
            let can_trim_prev = std::mem::take(&mut next_can_trim_prev);
            match next.kind {
                T::StringLit | T::QuotedLit => {
                    let (mut s, d) =
                        parse_string_literal(self.src, next, next.kind == T::QuotedLit, self.file);
                    self.diags.extend(d);
                    if ltrim {
                        s = s.trim_start_matches(is_go_space).to_string();
                    }
                    items.push(TItem::Lit {
                        text: s,
                        span: self.tok_span(next),
                    });
                    next_can_trim_prev = true;
                }
                T::TemplateInterp => {
                    if can_trim_prev && self.text(next).ends_with('~') {
                        trim_prev(&mut items);
                    }
                    self.newlines.push(false);
                    let e = self.parse_expression();
                    let close = self.peek();
                    if close.kind != T::TemplateSeqEnd {
                        if !self.recovery {
                            match close.kind {
                                T::Eof => self.error(
                                    "Unclosed template interpolation sequence",
                                    "There is no closing brace for this interpolation sequence before the end of the file. This might be caused by incorrect nesting inside the given expression.",
                                    self.tok_span(start),
                                ),
                                T::Colon => self.error_ctx(
                                    "Extra characters after interpolation expression",
                                    "Template interpolation doesn't expect a colon at this location. Did you intend this to be a literal sequence to be processed as part of another language? If so, you can escape it by starting with \"$${\" instead of just \"${\".",
                                    self.tok_span(close),
                                    self.tok_span(start).to(self.tok_span(close)),
                                ),
                                T::CQuote | T::OQuote if end == T::CQuote => self.error(
                                    "Unclosed template interpolation sequence",
                                    "There is no closing brace for this interpolation sequence before the end of the quoted template. This might be caused by incorrect nesting inside the given expression.",
                                    self.tok_span(start),
                                ),
                                _ => self.error_ctx(
                                    "Extra characters after interpolation expression",
                                    "Expected a closing brace to end the interpolation expression, but found extra characters.\n\nThis can happen when you include interpolation syntax for another language, such as shell scripting, but forget to escape the interpolation start token. If this is an embedded sequence for another language, escape it by starting with \"$${\" instead of just \"${\".",
                                    self.tok_span(close),
                                    self.tok_span(start).to(self.tok_span(close)),
                                ),
                            }
                        }
                        self.recover(T::TemplateSeqEnd);
                    } else {
                        self.read();
                        if self.text(close).starts_with('~') {
                            ltrim_next = true;
                        }
                    }
                    self.newlines.pop();
                    items.push(TItem::Interp(e));
                }
                T::TemplateControl => {
                    if can_trim_prev && self.text(next).ends_with('~') {
                        trim_prev(&mut items);
                    }
                    self.newlines.push(false);
                    let kw = self.peek();
                    if kw.kind != T::Ident {
                        if !self.recovery {
                            self.error_ctx(
                                "Invalid template directive",
                                "A template directive keyword (\"if\", \"for\", etc) is expected at the beginning of a %{ sequence.",
                                self.tok_span(kw),
                                self.tok_span(next).to(self.tok_span(kw)),
                            );
                        }
                        self.recover(T::TemplateSeqEnd);
                        self.newlines.pop();
                        continue;
                    }
                    self.read();
                    let word = self.text(kw);
                    match word {
                        "if" => {
                            let cond = self.parse_expression();
                            let span = self.tok_span(next).to(self.tok_span(self.peek()));
                            items.push(TItem::If(cond, span));
                        }
                        "else" | "endif" | "endfor" => {
                            let span = self.tok_span(next).to(self.tok_span(self.peek()));
                            let which = match word {
                                "else" => EndKind::Else,
                                "endif" => EndKind::EndIf,
                                _ => EndKind::EndFor,
                            };
                            items.push(TItem::End(which, span));
                        }
                        "for" => {
                            let bad = |p: &mut Parser, detail: &str| {
                                if !p.recovery {
                                    let t = p.peek();
                                    p.error("Invalid 'for' directive", detail, p.tok_span(t));
                                }
                                p.recover(T::TemplateSeqEnd);
                                p.newlines.pop();
                            };
                            if self.peek().kind != T::Ident {
                                bad(self, "For directive requires variable name after 'for'.");
                                continue;
                            }
                            let first = self.read();
                            let mut key_var = None;
                            let mut value_var = self.text(first).to_string();
                            if self.peek().kind == T::Comma {
                                self.read();
                                if self.peek().kind != T::Ident {
                                    bad(
                                        self,
                                        "For directive requires value variable name after comma.",
                                    );
                                    continue;
                                }
                                key_var = Some(value_var);
                                let second = self.read();
                                value_var = self.text(second).to_string();
                            }
                            if !self.is_keyword(self.peek(), "in") {
                                bad(self, "For directive requires 'in' keyword after names.");
                                continue;
                            }
                            self.read();
                            let coll = self.parse_expression();
                            let span = self.tok_span(next).to(self.tok_span(self.peek()));
                            items.push(TItem::For(key_var, value_var, coll, span));
                        }
                        _ => {
                            if !self.recovery {
                                let suggestion = crate::util::name_suggestion(
                                    word,
                                    &["if", "for", "else", "endif", "endfor"],
                                )
                                .map(|s| format!(" Did you mean {s:?}?"))
                                .unwrap_or_default();
                                self.error_ctx(
                                    "Invalid template control keyword",
                                    &format!(
                                        "{word:?} is not a valid template control keyword.{suggestion}"
                                    ),
                                    self.tok_span(kw),
                                    self.tok_span(next).to(self.tok_span(kw)),
                                );
                            }
                            self.recover(T::TemplateSeqEnd);
                            self.newlines.pop();
                            continue;
                        }
                    }
                    let close = self.peek();
                    if close.kind != T::TemplateSeqEnd {
                        if !self.recovery {
                            self.error_ctx(
                                &format!("Extra characters in {word} marker"),
                                "Expected a closing brace to end the sequence, but found extra characters.",
                                self.tok_span(close),
                                self.tok_span(start).to(self.tok_span(close)),
                            );
                        }
                        self.recover(T::TemplateSeqEnd);
                    } else {
                        self.read();
                        if self.text(close).starts_with('~') {
                            ltrim_next = true;
                        }
                    }
                    self.newlines.pop();
                }
                _ => {
                    if !self.recovery {
                        self.error_ctx(
                            "Unterminated template string",
                            "No closing marker was found for the string.",
                            self.tok_span(next),
                            self.tok_span(start).to(self.tok_span(next)),
                        );
                    }
                    end_tok = self.recover(end);
                    break;
                }
            }
        }
        if items.is_empty() {
            items.push(TItem::Lit {
                text: String::new(),
                span: self.span(start.lo, start.lo),
            });
        }
        (items, end_tok)
    }
}

/// `file:line,col-col` (or `file:line,col-line,col`), as HCL's
/// `Range.String` writes a range; columns count grapheme clusters.
pub fn range_string(src: &str, filename: &str, span: Span) -> String {
    let (l1, c1) = hcl_pos(src, span.lo as usize);
    let (l2, c2) = hcl_pos(src, span.hi as usize);
    if l1 == l2 {
        format!("{filename}:{l1},{c1}-{c2}")
    } else {
        format!("{filename}:{l1},{c1}-{l2},{c2}")
    }
}

/// HCL's position of a byte offset: 1-based line and column, the column
/// counting grapheme clusters.
pub fn hcl_pos(src: &str, byte: usize) -> (usize, usize) {
    use unicode_segmentation::UnicodeSegmentation;
    let byte = byte.min(src.len());
    let before = &src[..byte];
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = before.matches('\n').count() + 1;
    let col = before[line_start..].graphemes(true).count() + 1;
    (line, col)
}

/// Go's `unicode.IsSpace`.
fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

fn trim_prev(items: &mut [TItem]) {
    if let Some(TItem::Lit { text, .. }) = items.last_mut() {
        let t = text.trim_end_matches(is_go_space).len();
        text.truncate(t);
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EndKind {
    Else,
    EndIf,
    EndFor,
}

impl EndKind {
    fn name(self) -> &'static str {
        match self {
            EndKind::Else => "else",
            EndKind::EndIf => "endif",
            EndKind::EndFor => "endfor",
        }
    }
}

/// hclsyntax's template tokens.
enum TItem {
    Lit { text: String, span: Span },
    Interp(Expr),
    If(Expr, Span),
    For(Option<String>, String, Expr, Span),
    End(EndKind, Span),
}

/// `<<-` heredocs: remove the smallest indentation of the lines
/// (hclsyntax's `flushHeredocTemplateParts`).
fn flush_heredoc(items: &mut [TItem]) {
    use unicode_segmentation::UnicodeSegmentation;
    let mut min = usize::MAX;
    let mut newline = true;
    let mut adjust = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if newline {
            newline = false;
            let mut spaces = 0;
            if let TItem::Lit { text, .. } = item {
                let trimmed = text.trim_start_matches(is_go_space);
                if trimmed.is_empty() && text.ends_with('\n') {
                    spaces = usize::MAX;
                } else {
                    spaces = text[..text.len() - trimmed.len()].graphemes(true).count();
                    adjust.push(i);
                }
            }
            min = min.min(spaces);
        }
        if let TItem::Lit { text, .. } = item {
            if text.ends_with('\n') {
                newline = true;
            }
        }
    }
    for i in adjust {
        if let TItem::Lit { text, .. } = &mut items[i] {
            let cut: usize = text.graphemes(true).take(min).map(str::len).sum();
            text.replace_range(..cut, "");
        }
    }
}

fn meld_literals(items: &mut Vec<TItem>) {
    let mut out: Vec<TItem> = Vec::with_capacity(items.len());
    for item in items.drain(..) {
        if let TItem::Lit { text, span } = &item {
            if let Some(TItem::Lit {
                text: prev,
                span: pspan,
            }) = out.last_mut()
            {
                prev.push_str(text);
                *pspan = pspan.to(*span);
                continue;
            }
        }
        out.push(item);
    }
    *items = out;
}

/// hclsyntax's `templateParser`: nests directives into the tree.
struct TemplateTree<'a> {
    items: Vec<TItem>,
    pos: usize,
    end_span: Span,
    diags: Diagnostics,
    src: &'a str,
    filename: &'a str,
}

enum Next {
    End,
    Item,
    Ctrl(EndKind, Span),
}

impl TemplateTree<'_> {
    fn peek(&self) -> Next {
        match self.items.get(self.pos) {
            None => Next::End,
            Some(TItem::End(k, s)) => Next::Ctrl(*k, *s),
            Some(_) => Next::Item,
        }
    }

    fn take(&mut self) -> TItem {
        let item = std::mem::replace(
            &mut self.items[self.pos],
            TItem::Lit {
                text: String::new(),
                span: Span::default(),
            },
        );
        self.pos += 1;
        item
    }

    fn error(&mut self, summary: String, detail: String, span: Span) {
        self.diags
            .push(Diagnostic::error(summary, detail).with_subject(span));
    }

    fn range(&self, span: Span) -> String {
        range_string(self.src, self.filename, span)
    }

    fn parse_root(&mut self) -> Vec<TemplatePart> {
        let mut out = Vec::new();
        loop {
            match self.peek() {
                Next::End => break,
                _ => {
                    if let Some(p) = self.parse_part() {
                        out.push(p);
                    }
                }
            }
        }
        out
    }

    fn parse_part(&mut self) -> Option<TemplatePart> {
        match self.peek() {
            Next::End => {
                let span = self.end_span;
                self.error(
                    "Unexpected end of template".into(),
                    "The control directives within this template are unbalanced.".into(),
                    span,
                );
                None
            }
            Next::Ctrl(k, span) => {
                self.pos += 1;
                self.error(
                    format!("Unexpected {} directive", k.name()),
                    "The control directives within this template are unbalanced.".into(),
                    span,
                );
                None
            }
            Next::Item => match self.take() {
                TItem::Lit { text, .. } => Some(TemplatePart::Literal(text)),
                TItem::Interp(e) => Some(TemplatePart::Interp(e)),
                TItem::If(cond, span) => self.parse_if(cond, span),
                TItem::For(k, v, coll, span) => self.parse_for(k, v, coll, span),
                TItem::End(..) => None,
            },
        }
    }

    fn parse_if(&mut self, cond: Expr, open: Span) -> Option<TemplatePart> {
        let mut then = Vec::new();
        let mut otherwise = Vec::new();
        let mut in_else = false;
        loop {
            match self.peek() {
                Next::End => {
                    let at = self.range(open);
                    let span = self.end_span;
                    self.error(
                        "Unexpected end of template".into(),
                        format!(
                            "The if directive at {at} is missing its corresponding endif directive."
                        ),
                        span,
                    );
                    return None;
                }
                Next::Ctrl(k, span) => {
                    self.pos += 1;
                    match k {
                        EndKind::Else if !in_else => {
                            in_else = true;
                            continue;
                        }
                        EndKind::Else => {
                            let at = self.range(open);
                            self.error(
                                "Unexpected else directive".into(),
                                format!("Already in the else clause for the if started at {at}."),
                                span,
                            );
                        }
                        EndKind::EndIf => break,
                        EndKind::EndFor => {
                            let at = self.range(open);
                            self.error(
                                "Unexpected endfor directive".into(),
                                format!("Expecting an endif directive for the if started at {at}."),
                                span,
                            );
                        }
                    }
                    return None;
                }
                Next::Item => {
                    if let Some(p) = self.parse_part() {
                        if in_else {
                            otherwise.push(p);
                        } else {
                            then.push(p);
                        }
                    }
                }
            }
        }
        Some(TemplatePart::If {
            cond,
            then,
            otherwise,
        })
    }

    fn parse_for(
        &mut self,
        key_var: Option<String>,
        value_var: String,
        collection: Expr,
        open: Span,
    ) -> Option<TemplatePart> {
        let mut body = Vec::new();
        loop {
            match self.peek() {
                Next::End => {
                    let at = self.range(open);
                    let span = self.end_span;
                    self.error(
                        "Unexpected end of template".into(),
                        format!(
                            "The for directive at {at} is missing its corresponding endfor directive."
                        ),
                        span,
                    );
                    return None;
                }
                Next::Ctrl(k, span) => {
                    self.pos += 1;
                    match k {
                        EndKind::EndFor => break,
                        EndKind::Else => self.error(
                            "Unexpected else directive".into(),
                            "An else clause is not expected for a for directive.".into(),
                            span,
                        ),
                        EndKind::EndIf => {
                            let at = self.range(open);
                            self.error(
                                "Unexpected endif directive".into(),
                                format!("Expecting an endfor directive corresponding to the for directive at {at}."),
                                span,
                            );
                        }
                    }
                    return None;
                }
                Next::Item => {
                    if let Some(p) = self.parse_part() {
                        body.push(p);
                    }
                }
            }
        }
        Some(TemplatePart::For {
            key_var,
            value_var,
            collection,
            body,
            span: open,
        })
    }
}

/// hclsyntax's `ParseStringLiteralToken`: the value of a literal token,
/// with escapes processed in quoted strings, and diagnostics for invalid
/// escapes.
fn parse_string_literal(src: &str, t: Token, quoted: bool, file: u32) -> (String, Diagnostics) {
    let raw = &src[t.lo..t.hi];
    let mut diags = Diagnostics::new();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    let b = raw.as_bytes();
    while i < raw.len() {
        let c = b[i];
        if quoted && c == b'\\' {
            let Some(sel) = raw[i + 1..].chars().next() else {
                diags.push(
                    Diagnostic::error(
                        "Invalid escape sequence",
                        "Backslash must be followed by an escape sequence selector character.",
                    )
                    .with_subject(Span::new(file, t.lo + i, t.lo + i + 1)),
                );
                out.push('\\');
                break;
            };
            let after = i + 1 + sel.len_utf8();
            match sel {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                'u' | 'U' => {
                    let want = if sel == 'u' { 4 } else { 8 };
                    let hex: String = raw[after..]
                        .chars()
                        .take(want)
                        .take_while(char::is_ascii_hexdigit)
                        .collect();
                    let end = after + hex.len();
                    let span = Span::new(file, t.lo + i, t.lo + end);
                    i = end;
                    if hex.len() != want {
                        let detail = if sel == 'u' {
                            "The \\u escape sequence must be followed by four hexadecimal digits."
                        } else {
                            "The \\U escape sequence must be followed by eight hexadecimal digits."
                        };
                        diags.push(
                            Diagnostic::error("Invalid escape sequence", detail).with_subject(span),
                        );
                        out.push('\\');
                        out.push(sel);
                        out.push_str(&hex);
                        continue;
                    }
                    let n = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFF_FFFF);
                    match char::from_u32(n) {
                        Some(ch) => out.push(ch),
                        None => {
                            diags.push(
                                Diagnostic::error(
                                    "Invalid escape sequence",
                                    format!("Cannot encode character U+{n:04x} in UTF-8."),
                                )
                                .with_subject(span),
                            );
                            out.push_str(&raw[span.lo as usize - t.lo..end]);
                        }
                    }
                    continue;
                }
                other => {
                    diags.push(
                        Diagnostic::error(
                            "Invalid escape sequence",
                            format!(
                                "The symbol {} is not a valid escape sequence selector.",
                                crate::lang::funcs::go_quote(&other.to_string())
                            ),
                        )
                        .with_subject(Span::new(
                            file,
                            t.lo + i,
                            t.lo + after,
                        )),
                    );
                    out.push(other);
                }
            }
            i = after;
            continue;
        }
        if (c == b'$' || c == b'%') && b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') {
            out.push(c as char);
            out.push('{');
            i += 3;
            continue;
        }
        let ch = raw[i..].chars().next().unwrap_or('\0');
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    // cty keeps every string in Unicode normal form C.
    use unicode_normalization::UnicodeNormalization;
    (out.nfc().collect(), diags)
}

/// Processes the escapes of a quoted string (diagnostics dropped).
pub fn unescape_quoted(raw: &str) -> String {
    let t = Token {
        kind: T::QuotedLit,
        lo: 0,
        hi: raw.len(),
    };
    parse_string_literal(raw, t, true, 0).0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(src: &str) -> Vec<String> {
        parse_expression(src, 0)
            .1
            .iter()
            .map(|d| d.summary.clone())
            .collect()
    }

    #[test]
    fn parse_errors_are_hcl_s() {
        assert_eq!(errors("1 +"), ["Missing expression"]);
        assert_eq!(
            errors("[1, 2"),
            ["Unterminated tuple constructor expression"]
        );
        assert_eq!(
            errors("{a = 1"),
            ["Unterminated object constructor expression"]
        );
        assert_eq!(errors("true ?"), ["Missing expression"]);
        assert_eq!(errors("1 /* x"), ["Invalid expression"]);
        assert_eq!(errors("\"\\x41\""), ["Invalid escape sequence"]);
        assert_eq!(errors("\"%{endif}\""), ["Unexpected endif directive"]);
        assert_eq!(errors("\"%{if true}x\""), ["Unexpected end of template"]);
    }

    #[test]
    fn attribute_after_heredoc() {
        let (body, diags) = parse_file("a = <<EOT\nx\nEOT\nb = 1\n", 0, "t.tf");
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(body.attributes.len(), 2);
    }

    #[test]
    fn nested_splats() {
        let (e, diags) = parse_expression("x[*].y[*].z", 0);
        assert!(diags.is_empty(), "{diags:?}");
        let Some(Expr {
            kind: ExprKind::Splat { each, .. },
            ..
        }) = e
        else {
            panic!("not a splat")
        };
        assert!(matches!(each.kind, ExprKind::Splat { .. }));
    }
}
