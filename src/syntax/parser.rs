//! A recursive-descent parser for HCL native syntax, over the tokens of
//! [`super::lexer`].

use super::ast::*;
use super::lexer::{lex, Token, TokenKind};
use crate::diag::{Diagnostic, Diagnostics, Span};
use tfrs_provider::{Number, Value};

use TokenKind as T;

struct Parser<'a> {
    src: &'a str,
    filename: &'a str,
    file: u32,
    toks: Vec<Token>,
    pos: usize,
    /// One entry per open bracket: whether newlines are insignificant.
    newline_ignored: Vec<bool>,
    diags: Diagnostics,
}

/// A parse failure; the diagnostic is already recorded.
struct Failed;

type PResult<T> = Result<T, Failed>;

/// Parses a whole configuration file.
pub fn parse_file(src: &str, file: u32, filename: &str) -> (Body, Diagnostics) {
    let mut p = Parser::new(src, file);
    p.filename = filename;
    let body = p.parse_body(true);
    (body, p.diags)
}

/// Parses a standalone expression (console input, `-var` values).
pub fn parse_expression(src: &str, file: u32) -> (Option<Expr>, Diagnostics) {
    let mut p = Parser::new(src, file);
    p.newline_ignored.push(true);
    let e = p.parse_expr().ok();
    if e.is_some() && p.peek().kind != T::Eof {
        let t = p.peek();
        p.error(
            "Extra characters after expression",
            "An expression was successfully parsed, but extra characters were found after it.",
            t,
        );
        return (None, p.diags);
    }
    (e, p.diags)
}

/// Parses a template (the contents of a template file, no quotes).
pub fn parse_template(src: &str, file: u32) -> (Option<Expr>, Diagnostics) {
    // Scan it as a heredoc body so interpolations and directives work.
    let wrapped = format!("<<TFRSEOT\n{src}\nTFRSEOT\n");
    let mut p = Parser::new(&wrapped, file);
    let e = p.parse_heredoc_template();
    let offset = "<<TFRSEOT\n".len() as u32;
    let mut diags = p.diags;
    for d in diags.0.iter_mut() {
        if let Some(s) = d.subject.as_mut() {
            s.lo = s.lo.saturating_sub(offset);
            s.hi = s.hi.saturating_sub(offset);
        }
    }
    match e {
        Ok(Expr {
            kind: ExprKind::Template(mut parts),
            span,
        }) => {
            // Remove the newline the wrapping added.
            if let Some(TemplatePart::Literal(s)) = parts.last_mut() {
                if s.ends_with('\n') {
                    s.pop();
                }
            }
            (
                Some(Expr {
                    kind: ExprKind::Template(parts),
                    span,
                }),
                diags,
            )
        }
        _ => (None, diags),
    }
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, file: u32) -> Parser<'a> {
        let (tokens, lex_errors) = lex(src);
        let mut diags = Diagnostics::new();
        for e in lex_errors {
            diags.push(
                Diagnostic::error(e.summary, e.detail).with_subject(Span::new(file, e.lo, e.hi)),
            );
        }
        // Comments are dropped; a line comment ends its line, so it becomes
        // the newline it swallowed.
        let toks = tokens
            .into_iter()
            .filter_map(|t| {
                if t.kind == T::Comment {
                    if src[t.lo..t.hi].ends_with('\n') {
                        Some(Token {
                            kind: T::Newline,
                            lo: t.hi - 1,
                            hi: t.hi,
                        })
                    } else {
                        None
                    }
                } else {
                    Some(t)
                }
            })
            .collect();
        Parser {
            src,
            filename: "",
            file,
            toks,
            pos: 0,
            newline_ignored: Vec::new(),
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

    fn ignoring_newlines(&self) -> bool {
        self.newline_ignored.last().copied().unwrap_or(false)
    }

    /// The index of the next significant token (newlines skipped where
    /// they are insignificant). Peeking never consumes anything.
    fn peek_index(&self) -> usize {
        let mut i = self.pos;
        if self.ignoring_newlines() {
            while self.toks[i].kind == T::Newline {
                i += 1;
            }
        }
        i
    }

    fn peek(&mut self) -> Token {
        self.toks[self.peek_index()]
    }

    /// The token after the next one (newlines skipped as `peek` does).
    fn peek2(&mut self) -> Token {
        let mut i = (self.peek_index() + 1).min(self.toks.len() - 1);
        if self.ignoring_newlines() {
            while self.toks[i].kind == T::Newline {
                i += 1;
            }
        }
        self.toks[i]
    }

    fn next(&mut self) -> Token {
        let i = self.peek_index();
        let t = self.toks[i];
        self.pos = if t.kind == T::Eof { i } else { i + 1 };
        t
    }

    fn error(&mut self, summary: &str, detail: &str, at: Token) {
        let span = self.tok_span(at);
        self.diags
            .push(Diagnostic::error(summary, detail).with_subject(span));
    }

    fn expect(&mut self, kind: TokenKind, summary: &str, detail: &str) -> PResult<Token> {
        let t = self.peek();
        if t.kind == kind {
            Ok(self.next())
        } else {
            self.error(summary, detail, t);
            Err(Failed)
        }
    }

    /// Skips to the end of the current line (error recovery in bodies).
    fn recover_line(&mut self) {
        let mut depth = 0i32;
        loop {
            let t = self.toks[self.pos];
            match t.kind {
                T::Eof => return,
                T::OBrace | T::OBrack | T::OParen => depth += 1,
                T::CBrace | T::CBrack | T::CParen => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                }
                T::Newline if depth <= 0 => {
                    self.pos += 1;
                    return;
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    fn parse_body(&mut self, top: bool) -> Body {
        self.newline_ignored.push(false);
        let start = self.toks[self.pos].lo;
        let mut body = Body::default();
        loop {
            let t = self.peek();
            match t.kind {
                T::Newline => {
                    self.next();
                }
                T::Eof => {
                    break;
                }
                T::CBrace if !top => break,
                T::Ident => {
                    if self.parse_body_item(&mut body).is_err() {
                        self.recover_line();
                    }
                }
                _ => {
                    self.error(
                        "Argument or block definition required",
                        "An argument or block definition is required here.",
                        t,
                    );
                    self.next();
                    self.recover_line();
                }
            }
        }
        self.newline_ignored.pop();
        let end = self.toks[self.pos].lo;
        body.span = self.span(start, end);
        body
    }

    fn parse_body_item(&mut self, body: &mut Body) -> PResult<()> {
        let name_tok = self.next();
        let name = self.text(name_tok).to_string();
        let after = self.peek();
        match after.kind {
            T::Equal => {
                self.next();
                let expr = self.parse_expr()?;
                let end = self.peek();
                match end.kind {
                    T::Newline | T::Eof => {
                        if end.kind == T::Newline {
                            self.next();
                        }
                    }
                    T::CBrace => {}
                    _ => {
                        self.error(
                            "Missing newline after argument",
                            "An argument definition must end with a newline.",
                            end,
                        );
                        return Err(Failed);
                    }
                }
                if let Some(prev) = body.attributes.iter().find(|a| a.name == name) {
                    let (line, col) = line_col(self.src, prev.name_span.lo as usize);
                    let end_col = col + prev.name.chars().count();
                    self.diags.push(
                        Diagnostic::error(
                            "Attribute redefined",
                            format!(
                                "The argument {name:?} was already set at {}:{line},{col}-{end_col}. Each argument may be set only once.",
                                self.filename
                            ),
                        )
                        .with_subject(self.tok_span(name_tok)),
                    );
                }
                let span = self.span(name_tok.lo, expr.span.hi as usize);
                body.attributes.push(Attribute {
                    name,
                    name_span: self.tok_span(name_tok),
                    expr,
                    span,
                });
                Ok(())
            }
            T::OBrace | T::OQuote | T::Ident => {
                let mut labels = Vec::new();
                let mut label_spans = Vec::new();
                loop {
                    let t = self.peek();
                    match t.kind {
                        T::Ident => {
                            self.next();
                            labels.push(self.text(t).to_string());
                            label_spans.push(self.tok_span(t));
                        }
                        T::OQuote => {
                            let (s, span) = self.parse_label_string()?;
                            labels.push(s);
                            label_spans.push(span);
                        }
                        T::OBrace => break,
                        _ => {
                            self.error(
                                "Invalid block definition",
                                "Either a quoted string block label or an opening brace (\"{\") is expected here.",
                                t,
                            );
                            return Err(Failed);
                        }
                    }
                }
                self.next(); // {
                let body_start = self.pos;
                let inner = self.parse_body(false);
                let close = self.peek();
                if close.kind != T::CBrace {
                    self.pos = body_start;
                    let open = self.toks[body_start - 1];
                    self.error(
                        "Unclosed configuration block",
                        "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.",
                        open,
                    );
                    self.pos = self.toks.len() - 1;
                    return Err(Failed);
                }
                self.next();
                let nl = self.peek();
                match nl.kind {
                    T::Newline => {
                        self.next();
                    }
                    T::Eof | T::CBrace => {}
                    _ => {
                        self.error(
                            "Missing newline after block definition",
                            "A block definition must end with a newline.",
                            nl,
                        );
                        return Err(Failed);
                    }
                }
                body.blocks.push(Block {
                    type_name: name,
                    type_span: self.tok_span(name_tok),
                    labels,
                    label_spans,
                    body: inner,
                    span: self.span(name_tok.lo, close.hi),
                });
                Ok(())
            }
            _ => {
                let detail = "An argument or block definition is required here. To set an argument, use the equals sign \"=\" to introduce the argument value.";
                let summary = "Argument or block definition required";
                self.error(summary, detail, after);
                Err(Failed)
            }
        }
    }

    fn parse_label_string(&mut self) -> PResult<(String, Span)> {
        let open = self.next();
        let mut s = String::new();
        loop {
            let t = self.toks[self.pos];
            match t.kind {
                T::QuotedLit => {
                    self.pos += 1;
                    s.push_str(&unescape_quoted(self.text(t)));
                }
                T::CQuote => {
                    self.pos += 1;
                    return Ok((s, self.span(open.lo, t.hi)));
                }
                _ => {
                    self.error(
                        "Invalid block definition",
                        "Block labels may not contain template sequences.",
                        t,
                    );
                    return Err(Failed);
                }
            }
        }
    }

    // ---- expressions ----

    pub fn parse_expr(&mut self) -> PResult<Expr> {
        self.parse_conditional()
    }

    fn parse_conditional(&mut self) -> PResult<Expr> {
        let cond = self.parse_binary(0)?;
        if self.peek().kind != T::Question {
            return Ok(cond);
        }
        self.next();
        self.newline_ignored.push(true);
        let then = self.parse_expr();
        let colon = self.expect(
            T::Colon,
            "Missing false expression in conditional",
            "The conditional operator (...?...:...) requires a false expression, delimited by a colon.",
        );
        self.newline_ignored.pop();
        let then = then?;
        colon?;
        let otherwise = self.parse_expr()?;
        let span = cond.span.to(otherwise.span);
        Ok(Expr {
            kind: ExprKind::Conditional(Box::new(cond), Box::new(then), Box::new(otherwise)),
            span,
        })
    }

    fn parse_binary(&mut self, level: usize) -> PResult<Expr> {
        const LEVELS: &[&[(TokenKind, BinaryOp)]] = &[
            &[(T::Or, BinaryOp::Or)],
            &[(T::And, BinaryOp::And)],
            &[(T::EqualOp, BinaryOp::Eq), (T::NotEqual, BinaryOp::NotEq)],
            &[
                (T::LessThan, BinaryOp::Lt),
                (T::LessThanEq, BinaryOp::LtEq),
                (T::GreaterThan, BinaryOp::Gt),
                (T::GreaterThanEq, BinaryOp::GtEq),
            ],
            &[(T::Plus, BinaryOp::Add), (T::Minus, BinaryOp::Sub)],
            &[
                (T::Star, BinaryOp::Mul),
                (T::Slash, BinaryOp::Div),
                (T::Percent, BinaryOp::Mod),
            ],
        ];
        if level == LEVELS.len() {
            return self.parse_unary();
        }
        let mut lhs = self.parse_binary(level + 1)?;
        loop {
            let t = self.peek();
            let Some((_, op)) = LEVELS[level].iter().find(|(k, _)| *k == t.kind) else {
                return Ok(lhs);
            };
            self.next();
            let rhs = self.parse_binary(level + 1)?;
            let span = lhs.span.to(rhs.span);
            lhs = Expr {
                kind: ExprKind::Binary(*op, Box::new(lhs), Box::new(rhs)),
                span,
            };
        }
    }

    fn parse_unary(&mut self) -> PResult<Expr> {
        let t = self.peek();
        let op = match t.kind {
            T::Minus => UnaryOp::Negate,
            T::Bang => UnaryOp::Not,
            _ => return self.parse_postfix(),
        };
        self.next();
        let operand = self.parse_unary()?;
        // `-5` is a literal, as in HCL.
        if op == UnaryOp::Negate {
            if let ExprKind::Literal(Value::Number(n)) = &operand.kind {
                return Ok(Expr {
                    kind: ExprKind::Literal(Value::Number(n.neg())),
                    span: self.tok_span(t).to(operand.span),
                });
            }
        }
        let span = self.tok_span(t).to(operand.span);
        Ok(Expr {
            kind: ExprKind::Unary(op, Box::new(operand)),
            span,
        })
    }

    fn parse_postfix(&mut self) -> PResult<Expr> {
        let mut e = self.parse_primary()?;
        loop {
            let t = self.peek();
            match t.kind {
                T::Dot => {
                    self.next();
                    let n = self.peek();
                    match n.kind {
                        T::Ident => {
                            self.next();
                            let span = e.span.to(self.tok_span(n));
                            e = Expr {
                                kind: ExprKind::GetAttr(Box::new(e), self.text(n).to_string()),
                                span,
                            };
                        }
                        T::NumberLit => {
                            self.next();
                            // `a.0.1` scans as `a` `.` `0.1`: two legacy index steps.
                            for part in self.text(n).split('.') {
                                let idx = Number::parse(part).map_err(|_| Failed)?;
                                let span = e.span.to(self.tok_span(n));
                                e = Expr {
                                    kind: ExprKind::Index(
                                        Box::new(e),
                                        Box::new(Expr {
                                            kind: ExprKind::Literal(Value::Number(idx)),
                                            span: self.tok_span(n),
                                        }),
                                    ),
                                    span,
                                };
                            }
                        }
                        T::Star => {
                            self.next();
                            e = self.parse_splat(e, true, n)?;
                        }
                        _ => {
                            self.error(
                                "Invalid attribute name",
                                "An attribute name is required after a dot.",
                                n,
                            );
                            return Err(Failed);
                        }
                    }
                }
                T::OBrack => {
                    self.next();
                    self.newline_ignored.push(true);
                    if self.peek().kind == T::Star && self.peek2().kind == T::CBrack {
                        let star = self.next();
                        self.next();
                        self.newline_ignored.pop();
                        e = self.parse_splat(e, false, star)?;
                        continue;
                    }
                    let idx = self.parse_expr();
                    let close = self.expect(
                        T::CBrack,
                        "Missing close bracket on index",
                        "The index operator must end with a closing bracket (\"]\").",
                    );
                    self.newline_ignored.pop();
                    let idx = idx?;
                    let close = close?;
                    let span = e.span.to(self.tok_span(close));
                    e = Expr {
                        kind: ExprKind::Index(Box::new(e), Box::new(idx)),
                        span,
                    };
                }
                _ => return Ok(e),
            }
        }
    }

    /// After `[*]` or `.*`: the following traversal steps apply to each
    /// element.
    fn parse_splat(&mut self, source: Expr, legacy: bool, star: Token) -> PResult<Expr> {
        let mut each = Expr {
            kind: ExprKind::AnonSymbol,
            span: self.tok_span(star),
        };
        loop {
            let t = self.toks[self.pos];
            match t.kind {
                T::Dot => {
                    let n = self.toks[self.pos + 1];
                    match n.kind {
                        T::Ident => {
                            self.pos += 2;
                            let span = each.span.to(self.tok_span(n));
                            each = Expr {
                                kind: ExprKind::GetAttr(Box::new(each), self.text(n).to_string()),
                                span,
                            };
                        }
                        T::NumberLit if !legacy => {
                            self.pos += 2;
                            let idx = Number::parse(self.text(n)).map_err(|_| Failed)?;
                            let span = each.span.to(self.tok_span(n));
                            each = Expr {
                                kind: ExprKind::Index(
                                    Box::new(each),
                                    Box::new(Expr {
                                        kind: ExprKind::Literal(Value::Number(idx)),
                                        span: self.tok_span(n),
                                    }),
                                ),
                                span,
                            };
                        }
                        _ => break,
                    }
                }
                T::OBrack if !legacy => {
                    self.pos += 1;
                    self.newline_ignored.push(true);
                    let idx = self.parse_expr();
                    let close = self.expect(
                        T::CBrack,
                        "Missing close bracket on index",
                        "The index operator must end with a closing bracket (\"]\").",
                    );
                    self.newline_ignored.pop();
                    let (idx, close) = (idx?, close?);
                    let span = each.span.to(self.tok_span(close));
                    each = Expr {
                        kind: ExprKind::Index(Box::new(each), Box::new(idx)),
                        span,
                    };
                }
                _ => break,
            }
        }
        let span = source.span.to(each.span);
        Ok(Expr {
            kind: ExprKind::Splat {
                source: Box::new(source),
                each: Box::new(each),
                legacy,
            },
            span,
        })
    }

    fn parse_primary(&mut self) -> PResult<Expr> {
        let t = self.peek();
        match t.kind {
            T::NumberLit => {
                self.next();
                let n = Number::parse(self.text(t)).map_err(|_| {
                    self.error(
                        "Invalid number literal",
                        "Failed to recognize the value of this number literal.",
                        t,
                    );
                    Failed
                })?;
                Ok(Expr {
                    kind: ExprKind::Literal(Value::Number(n)),
                    span: self.tok_span(t),
                })
            }
            T::Ident => {
                self.next();
                let name = self.text(t);
                let span = self.tok_span(t);
                let lit = |v| {
                    Ok(Expr {
                        kind: ExprKind::Literal(v),
                        span,
                    })
                };
                match name {
                    "true" => return lit(Value::Bool(true)),
                    "false" => return lit(Value::Bool(false)),
                    "null" => return lit(Value::null()),
                    _ => {}
                }
                // A function call: `name(` or a namespaced `provider::x::name(`.
                let mut fname = name.to_string();
                while self.toks[self.pos].kind == T::Colon
                    && self.toks[self.pos + 1].kind == T::Colon
                    && self.toks[self.pos + 2].kind == T::Ident
                {
                    fname.push_str("::");
                    fname.push_str(self.text(self.toks[self.pos + 2]));
                    self.pos += 3;
                }
                if self.toks[self.pos].kind == T::OParen {
                    return self.parse_call(fname, t);
                }
                Ok(Expr {
                    kind: ExprKind::Variable(name.to_string()),
                    span,
                })
            }
            T::OParen => {
                self.next();
                self.newline_ignored.push(true);
                let inner = self.parse_expr();
                let close = self.expect(
                    T::CParen,
                    "Unbalanced parentheses",
                    "Expected a closing parenthesis to terminate the expression.",
                );
                self.newline_ignored.pop();
                let (inner, close) = (inner?, close?);
                Ok(Expr {
                    kind: ExprKind::Parens(Box::new(inner)),
                    span: self.tok_span(t).to(self.tok_span(close)),
                })
            }
            T::OQuote => self.parse_quoted_template(),
            T::OHeredoc => self.parse_heredoc_template(),
            T::OBrack => self.parse_tuple(),
            T::OBrace => self.parse_object(),
            _ => {
                self.error(
                    "Invalid expression",
                    "Expected the start of an expression, but found an invalid expression token.",
                    t,
                );
                Err(Failed)
            }
        }
    }

    fn parse_call(&mut self, name: String, name_tok: Token) -> PResult<Expr> {
        self.pos += 1; // (
        self.newline_ignored.push(true);
        let mut args = Vec::new();
        let mut expand_final = false;
        let result = loop {
            let t = self.peek();
            if t.kind == T::CParen {
                self.next();
                break Ok(t);
            }
            let arg = match self.parse_expr() {
                Ok(a) => a,
                Err(f) => break Err(f),
            };
            args.push(arg);
            let t = self.peek();
            match t.kind {
                T::Comma => {
                    self.next();
                }
                T::Ellipsis => {
                    self.next();
                    expand_final = true;
                    let close = self.peek();
                    if close.kind != T::CParen {
                        self.error(
                            "Missing closing parenthesis",
                            "An expanded function argument (with ...) must be immediately followed by closing parentheses.",
                            close,
                        );
                        break Err(Failed);
                    }
                }
                T::CParen => {}
                _ => {
                    self.error(
                        "Missing argument separator",
                        "A comma is required to separate each function argument from the next.",
                        t,
                    );
                    break Err(Failed);
                }
            }
        };
        self.newline_ignored.pop();
        let close = result?;
        Ok(Expr {
            kind: ExprKind::Call {
                name,
                name_span: self.tok_span(name_tok),
                args,
                expand_final,
            },
            span: self.tok_span(name_tok).to(self.tok_span(close)),
        })
    }

    fn parse_tuple(&mut self) -> PResult<Expr> {
        let open = self.next();
        self.newline_ignored.push(true);
        if self.at_keyword("for") {
            let r = self.parse_for(open, false);
            self.newline_ignored.pop();
            return r;
        }
        let mut items = Vec::new();
        let result = loop {
            let t = self.peek();
            if t.kind == T::CBrack {
                self.next();
                break Ok(t);
            }
            match self.parse_expr() {
                Ok(e) => items.push(e),
                Err(f) => break Err(f),
            }
            let t = self.peek();
            match t.kind {
                T::Comma => {
                    self.next();
                }
                T::CBrack => {}
                _ => {
                    self.error(
                        "Missing item separator",
                        "Expected a comma to mark the beginning of the next item.",
                        t,
                    );
                    break Err(Failed);
                }
            }
        };
        self.newline_ignored.pop();
        let close = result?;
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            span: self.tok_span(open).to(self.tok_span(close)),
        })
    }

    fn parse_object(&mut self) -> PResult<Expr> {
        let open = self.next();
        self.newline_ignored.push(true);
        if self.at_keyword("for") {
            let r = self.parse_for(open, true);
            self.newline_ignored.pop();
            return r;
        }
        // Inside an object constructor newlines separate items.
        self.newline_ignored.push(false);
        let mut items = Vec::new();
        let result = loop {
            let t = self.peek();
            match t.kind {
                T::Newline => {
                    self.next();
                    continue;
                }
                T::CBrace => {
                    self.next();
                    break Ok(t);
                }
                _ => {}
            }
            self.newline_ignored.push(true);
            let key = self.parse_expr();
            self.newline_ignored.pop();
            let key = match key {
                Ok(k) => k,
                Err(f) => break Err(f),
            };
            let key_is_ident = matches!(key.kind, ExprKind::Variable(_));
            let sep = self.peek();
            if sep.kind != T::Equal && sep.kind != T::Colon {
                let detail = if sep.kind == T::Newline || sep.kind == T::Comma {
                    "Expected an equals sign (\"=\") to mark the beginning of the attribute value. If you intended to given an attribute name containing periods or spaces, write the name in quotes to create a string literal."
                } else {
                    "Expected an equals sign (\"=\") to mark the beginning of the attribute value."
                };
                self.error("Missing attribute value", detail, sep);
                break Err(Failed);
            }
            self.next();
            self.newline_ignored.push(true);
            let value = self.parse_expr();
            self.newline_ignored.pop();
            let value = match value {
                Ok(v) => v,
                Err(f) => break Err(f),
            };
            items.push(ObjectItem {
                key,
                key_is_ident,
                value,
            });
            let t = self.peek();
            match t.kind {
                T::Comma | T::Newline => {
                    self.next();
                }
                T::CBrace => {}
                _ => {
                    self.error(
                        "Missing attribute separator",
                        "Expected a newline or comma to mark the beginning of the next attribute.",
                        t,
                    );
                    break Err(Failed);
                }
            }
        };
        self.newline_ignored.pop();
        self.newline_ignored.pop();
        let close = result?;
        Ok(Expr {
            kind: ExprKind::Object(items),
            span: self.tok_span(open).to(self.tok_span(close)),
        })
    }

    fn parse_for(&mut self, open: Token, is_object: bool) -> PResult<Expr> {
        self.next(); // for
        let first = self.expect(
            T::Ident,
            "Invalid 'for' expression",
            "For expression requires variable name after 'for'.",
        )?;
        let (key_var, value_var) = if self.peek().kind == T::Comma {
            self.next();
            let second = self.expect(
                T::Ident,
                "Invalid 'for' expression",
                "For expression requires value variable name after comma.",
            )?;
            (
                Some(self.text(first).to_string()),
                self.text(second).to_string(),
            )
        } else {
            (None, self.text(first).to_string())
        };
        let kw = self.peek();
        if kw.kind != T::Ident || self.text(kw) != "in" {
            self.error(
                "Invalid 'for' expression",
                "For expression requires the 'in' keyword after its name declarations.",
                kw,
            );
            return Err(Failed);
        }
        self.next();
        let collection = self.parse_expr()?;
        self.expect(
            T::Colon,
            "Invalid 'for' expression",
            "For expression requires a colon after the collection expression.",
        )?;
        let (key_expr, value_expr) = if is_object {
            let k = self.parse_expr()?;
            self.expect(
                T::FatArrow,
                "Invalid 'for' expression",
                "For expression requires a \"=>\" after the key expression.",
            )?;
            (Some(k), self.parse_expr()?)
        } else {
            (None, self.parse_expr()?)
        };
        let mut grouping = false;
        if self.peek().kind == T::Ellipsis {
            self.next();
            grouping = true;
        }
        let mut condition = None;
        let t = self.peek();
        if t.kind == T::Ident && self.text(t) == "if" {
            self.next();
            condition = Some(self.parse_expr()?);
        }
        let close_kind = if is_object { T::CBrace } else { T::CBrack };
        let close = self.peek();
        if close.kind != close_kind {
            self.error(
                "Invalid 'for' expression",
                "Extra characters after the end of the 'for' expression.",
                close,
            );
            return Err(Failed);
        }
        self.next();
        if grouping && !is_object {
            self.error(
                "Invalid 'for' expression",
                "Grouping ellipsis (...) cannot be used when constructing a tuple.",
                close,
            );
            return Err(Failed);
        }
        Ok(Expr {
            kind: ExprKind::For(Box::new(ForExpr {
                key_var,
                value_var,
                collection,
                key_expr,
                value_expr,
                condition,
                grouping,
            })),
            span: self.tok_span(open).to(self.tok_span(close)),
        })
    }

    // ---- templates ----

    fn parse_quoted_template(&mut self) -> PResult<Expr> {
        let open = self.next();
        self.newline_ignored.push(true);
        let r = self.parse_template_items(T::CQuote, false);
        self.newline_ignored.pop();
        let (items, close) = r?;
        let parts = build_template(items, self, false)?;
        Ok(Expr {
            kind: ExprKind::Template(parts),
            span: self.tok_span(open).to(self.tok_span(close)),
        })
    }

    fn parse_heredoc_template(&mut self) -> PResult<Expr> {
        let open = self.next();
        let strip = self.text(open).starts_with("<<-");
        self.newline_ignored.push(true);
        let r = self.parse_template_items(T::CHeredoc, true);
        self.newline_ignored.pop();
        let (mut items, close) = r?;
        if strip {
            strip_heredoc_indent(&mut items);
        }
        let parts = build_template(items, self, true)?;
        Ok(Expr {
            kind: ExprKind::Template(parts),
            span: self.tok_span(open).to(self.tok_span(close)),
        })
    }

    /// Reads the flat sequence of a template up to its closing token.
    fn parse_template_items(
        &mut self,
        close: TokenKind,
        heredoc: bool,
    ) -> PResult<(Vec<TItem>, Token)> {
        let mut items = Vec::new();
        loop {
            let t = self.toks[self.pos];
            match t.kind {
                k if k == close => {
                    self.pos += 1;
                    return Ok((items, t));
                }
                T::QuotedLit | T::StringLit => {
                    self.pos += 1;
                    let raw = self.text(t);
                    let text = if heredoc {
                        raw.replace("$${", "${").replace("%%{", "%{")
                    } else {
                        unescape_quoted(raw)
                    };
                    items.push(TItem::Lit {
                        text,
                        line_start: heredoc && self.is_line_start(t.lo),
                    });
                }
                T::TemplateInterp => {
                    self.pos += 1;
                    let strip_left = self.text(t).ends_with('~');
                    let e = self.parse_expr()?;
                    let end = self.expect(
                        T::TemplateSeqEnd,
                        "Extra characters after interpolation expression",
                        "Expected a closing brace to end the interpolation expression, but found extra characters.",
                    )?;
                    let strip_right = self.text(end).starts_with('~');
                    items.push(TItem::Interp {
                        expr: e,
                        strip_left,
                        strip_right,
                    });
                }
                T::TemplateControl => {
                    self.pos += 1;
                    let strip_left = self.text(t).ends_with('~');
                    let kw = self.next();
                    let word = if kw.kind == T::Ident {
                        self.text(kw)
                    } else {
                        ""
                    };
                    let directive = match word {
                        "if" => Directive::If(self.parse_expr()?),
                        "else" => Directive::Else,
                        "endif" => Directive::EndIf,
                        "endfor" => Directive::EndFor,
                        "for" => {
                            let first = self.expect(
                                T::Ident,
                                "Invalid 'for' directive",
                                "For directive requires variable name after 'for'.",
                            )?;
                            let (k, v) = if self.peek().kind == T::Comma {
                                self.next();
                                let second = self.expect(
                                    T::Ident,
                                    "Invalid 'for' directive",
                                    "For directive requires value variable name after comma.",
                                )?;
                                (
                                    Some(self.text(first).to_string()),
                                    self.text(second).to_string(),
                                )
                            } else {
                                (None, self.text(first).to_string())
                            };
                            let kw = self.next();
                            if self.text(kw) != "in" {
                                self.error(
                                    "Invalid 'for' directive",
                                    "For directive requires 'in' keyword after names.",
                                    kw,
                                );
                                return Err(Failed);
                            }
                            Directive::For(k, v, self.parse_expr()?, self.tok_span(t))
                        }
                        _ => {
                            self.error(
                                "Invalid template directive",
                                "A template directive keyword (\"if\", \"for\", etc) is expected at the beginning of a %{ sequence.",
                                kw,
                            );
                            return Err(Failed);
                        }
                    };
                    let end = self.expect(
                        T::TemplateSeqEnd,
                        "Extra characters in template directive",
                        "Expected the end of the template directive.",
                    )?;
                    let strip_right = self.text(end).starts_with('~');
                    items.push(TItem::Control {
                        directive,
                        strip_left,
                        strip_right,
                        span: self.tok_span(t),
                    });
                }
                T::Eof => {
                    self.error(
                        "Unterminated template string",
                        "No closing marker was found for the string.",
                        t,
                    );
                    return Err(Failed);
                }
                _ => {
                    self.error("Invalid template", "Unexpected token in template.", t);
                    return Err(Failed);
                }
            }
        }
    }

    fn at_keyword(&mut self, word: &str) -> bool {
        let t = self.peek();
        t.kind == T::Ident && self.text(t) == word
    }

    fn is_line_start(&self, lo: usize) -> bool {
        lo == 0 || self.src.as_bytes()[lo - 1] == b'\n'
    }
}

fn line_col(src: &str, byte: usize) -> (usize, usize) {
    let before = &src[..byte.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

enum Directive {
    If(Expr),
    Else,
    EndIf,
    For(Option<String>, String, Expr, Span),
    EndFor,
}

enum TItem {
    Lit {
        text: String,
        line_start: bool,
    },
    Interp {
        expr: Expr,
        strip_left: bool,
        strip_right: bool,
    },
    Control {
        directive: Directive,
        strip_left: bool,
        strip_right: bool,
        span: Span,
    },
}

/// `<<-` heredocs: remove the smallest indentation of the lines.
fn strip_heredoc_indent(items: &mut [TItem]) {
    let mut min: Option<usize> = None;
    for item in items.iter() {
        if let TItem::Lit {
            text,
            line_start: true,
        } = item
        {
            let line = text.split('\n').next().unwrap_or("");
            if line.trim().is_empty() && text.contains('\n') {
                continue;
            }
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            min = Some(min.map_or(indent, |m| m.min(indent)));
        }
    }
    let Some(min) = min else { return };
    for item in items.iter_mut() {
        if let TItem::Lit {
            text,
            line_start: true,
        } = item
        {
            let indent = text.len() - text.trim_start_matches([' ', '\t']).len();
            let cut = indent.min(min);
            text.replace_range(..cut, "");
        }
    }
}

/// Applies strip markers and nests directives.
fn build_template(
    mut items: Vec<TItem>,
    p: &mut Parser,
    _heredoc: bool,
) -> PResult<Vec<TemplatePart>> {
    // Strip markers trim the whitespace of the neighbouring literals.
    for i in 0..items.len() {
        let (sl, sr) = match &items[i] {
            TItem::Interp {
                strip_left,
                strip_right,
                ..
            }
            | TItem::Control {
                strip_left,
                strip_right,
                ..
            } => (*strip_left, *strip_right),
            TItem::Lit { .. } => continue,
        };
        if sl && i > 0 {
            if let TItem::Lit { text, .. } = &mut items[i - 1] {
                let t = text.trim_end().len();
                text.truncate(t);
            }
        }
        if sr && i + 1 < items.len() {
            if let TItem::Lit { text, .. } = &mut items[i + 1] {
                *text = text.trim_start().to_string();
            }
        }
    }
    let mut iter = items.into_iter().peekable();
    let (parts, end) = nest(&mut iter, p)?;
    if let Some(end) = end {
        let (summary, span) = match end {
            (Directive::Else, s) => ("Unexpected \"else\" directive", s),
            (Directive::EndIf, s) => ("Unexpected \"endif\" directive", s),
            (_, s) => ("Unexpected \"endfor\" directive", s),
        };
        p.diags.push(
            Diagnostic::error(
                summary,
                "There is no open block for this directive to close.",
            )
            .with_subject(span),
        );
        return Err(Failed);
    }
    Ok(parts)
}

type Ender = (Directive, Span);

fn nest(
    iter: &mut std::iter::Peekable<std::vec::IntoIter<TItem>>,
    p: &mut Parser,
) -> PResult<(Vec<TemplatePart>, Option<Ender>)> {
    let mut out = Vec::new();
    while let Some(item) = iter.next() {
        match item {
            TItem::Lit { text, .. } => {
                if let Some(TemplatePart::Literal(prev)) = out.last_mut() {
                    prev.push_str(&text);
                } else {
                    out.push(TemplatePart::Literal(text));
                }
            }
            TItem::Interp { expr, .. } => out.push(TemplatePart::Interp(expr)),
            TItem::Control {
                directive, span, ..
            } => match directive {
                Directive::If(cond) => {
                    let (then, end) = nest(iter, p)?;
                    let otherwise = match end {
                        Some((Directive::Else, _)) => {
                            let (otherwise, end) = nest(iter, p)?;
                            match end {
                                Some((Directive::EndIf, _)) => otherwise,
                                _ => return Err(unclosed(p, span, "if")),
                            }
                        }
                        Some((Directive::EndIf, _)) => Vec::new(),
                        _ => return Err(unclosed(p, span, "if")),
                    };
                    out.push(TemplatePart::If {
                        cond,
                        then,
                        otherwise,
                    });
                }
                Directive::For(key_var, value_var, collection, fspan) => {
                    let (body, end) = nest(iter, p)?;
                    match end {
                        Some((Directive::EndFor, _)) => {}
                        _ => return Err(unclosed(p, span, "for")),
                    }
                    out.push(TemplatePart::For {
                        key_var,
                        value_var,
                        collection,
                        body,
                        span: fspan,
                    });
                }
                d @ (Directive::Else | Directive::EndIf | Directive::EndFor) => {
                    return Ok((out, Some((d, span))));
                }
            },
        }
    }
    Ok((out, None))
}

fn unclosed(p: &mut Parser, span: Span, which: &str) -> Failed {
    p.diags.push(
        Diagnostic::error(
            format!("Unterminated template {which} directive"),
            format!("There is no corresponding end{which} directive for this {which}."),
        )
        .with_subject(span),
    );
    Failed
}

/// Processes the escapes of a quoted string.
pub fn unescape_quoted(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('u') => push_unicode(&mut out, &mut chars, 4),
                Some('U') => push_unicode(&mut out, &mut chars, 8),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            '$' | '%' if chars.peek() == Some(&c) => {
                // `$${` → `${`, `%%{` → `%{`.
                let mut look = chars.clone();
                look.next();
                if look.peek() == Some(&'{') {
                    chars.next();
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

fn push_unicode(out: &mut String, chars: &mut std::iter::Peekable<std::str::Chars>, n: usize) {
    let hex: String = chars.by_ref().take(n).collect();
    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
        Some(ch) => out.push(ch),
        None => out.push('\u{FFFD}'),
    }
}
