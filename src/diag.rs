//! Diagnostics: errors and warnings with a source location, rendered the way
//! Terraform renders them.

use std::fmt::Write as _;
use std::sync::{Arc, RwLock};

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: u32,
    pub lo: u32,
    pub hi: u32,
}

impl Span {
    /// HCL's zero range: no file, line 0. Terraform reports some lookups of
    /// malformed references there (`on  line 0:`).
    pub const NONE: Span = Span {
        file: u32::MAX,
        lo: 0,
        hi: 0,
    };

    pub fn new(file: u32, lo: usize, hi: usize) -> Span {
        Span {
            file,
            lo: lo as u32,
            hi: hi as u32,
        }
    }
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            lo: self.lo.min(other.lo),
            hi: self.hi.max(other.hi),
        }
    }
}

/// A source file known to the diagnostics renderer.
#[derive(Debug)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        let text = text.into();
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
            }
        }
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, byte: usize) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self.text[start..byte.min(self.text.len())].chars().count() + 1;
        (line + 1, col)
    }

    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_starts[line - 1];
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// The files of a run, so that spans can be rendered. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Arc<RwLock<Vec<Arc<SourceFile>>>>,
}

impl SourceMap {
    pub fn add(&self, name: impl Into<String>, text: impl Into<String>) -> u32 {
        let mut files = self.files.write().expect("source map lock");
        files.push(Arc::new(SourceFile::new(name, text)));
        (files.len() - 1) as u32
    }
    pub fn get(&self, id: u32) -> Option<Arc<SourceFile>> {
        self.files
            .read()
            .expect("source map lock")
            .get(id as usize)
            .cloned()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    /// Where the problem is.
    pub subject: Option<Span>,
    /// A wider range the source snippet covers (HCL's diagnostic
    /// "context"), e.g. the whole string when the subject is its end.
    pub snippet: Option<Span>,
    /// The enclosing construct, e.g. `in resource "a" "b"`, when known.
    pub context: Option<String>,
    /// What Terraform shows under the source snippet: the function whose
    /// call failed and the values of the references in the expression.
    /// Boxed, as most diagnostics have none.
    pub expression: Option<Box<ExpressionValues>>,
}

/// The lines Terraform prints under a diagnostic's source snippet:
/// `│ while calling join(separator, lists...)` and `│ var.x is "a"`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExpressionValues {
    /// The signature of the function whose call failed.
    pub function_call: Option<String>,
    /// The references of the failing expression and what they are
    /// (traversal, statement).
    pub values: Vec<(String, String)>,
}

impl Diagnostic {
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            subject: None,
            snippet: None,
            context: None,
            expression: None,
        }
    }
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(summary, detail)
        }
    }
    pub fn with_subject(mut self, span: Span) -> Diagnostic {
        self.subject = Some(span);
        self
    }
    /// Sets the range the source snippet shows (it always includes the
    /// subject too).
    pub fn with_snippet(mut self, span: Span) -> Diagnostic {
        self.snippet = Some(span);
        self
    }
    pub fn with_context(mut self, context: impl Into<String>) -> Diagnostic {
        self.context = Some(context.into());
        self
    }
    /// Records the signature of the called function (`upper(str)`).
    pub fn with_function_call(mut self, signature: impl Into<String>) -> Diagnostic {
        self.expression
            .get_or_insert_with(Default::default)
            .function_call = Some(signature.into());
        self
    }
    /// Records the values of the expression's references.
    pub fn with_values(mut self, values: Vec<(String, String)>) -> Diagnostic {
        if !values.is_empty() {
            self.expression.get_or_insert_with(Default::default).values = values;
        }
        self
    }
    /// The values recorded for the expression's references.
    pub fn values(&self) -> &[(String, String)] {
        self.expression
            .as_ref()
            .map(|e| e.values.as_slice())
            .unwrap_or(&[])
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A list of diagnostics; a run collects every one of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics(Vec::new())
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Diagnostics {
        Diagnostics(vec![d])
    }
}

/// Wraps one line at `width` columns exactly as go-wordwrap's `WrapString`
/// (v1.0.1) does: breaks only at spaces, drops the spaces at a break, and
/// never breaks before a word that is itself as long as the limit.
fn wrap_line(line: &str, lim: usize) -> String {
    let mut buf = String::with_capacity(line.len());
    let mut current = 0usize;
    let (mut word, mut space) = (String::new(), String::new());
    let (mut word_len, mut space_len) = (0usize, 0usize);
    for c in line.chars() {
        if c.is_whitespace() && c != '\u{a0}' {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                buf.push_str(&space);
                buf.push_str(&word);
                space.clear();
                word.clear();
                space_len = 0;
                word_len = 0;
            }
            space.push(c);
            space_len += 1;
        } else {
            word.push(c);
            word_len += 1;
            if current + space_len + word_len > lim && word_len < lim {
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

/// How diagnostics are drawn: Terraform's boxed form, or the plain form it
/// prints under `-no-color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Boxed,
    Plain,
}

/// The lines of `file` that a snippet over `range` shows, as Terraform
/// picks them (hcl's `Range.Overlaps` against each line without its
/// newline): the first line's number and the code.
fn snippet_lines(file: &SourceFile, lo: usize, hi: usize) -> Option<(usize, String, usize)> {
    let text = &file.text;
    let contains = |a: usize, b: usize, off: usize| off >= a && off < b;
    let mut first = None;
    let mut code = String::new();
    let mut code_start = 0;
    let mut start = 0;
    let mut line_no = 1;
    while start < text.len() {
        let nl = text[start..].find('\n').map(|i| start + i);
        let mut end = nl.unwrap_or(text.len());
        if end > start && text.as_bytes()[end - 1] == b'\r' && nl.is_some() {
            end -= 1;
        }
        let overlaps = end > start
            && hi > lo
            && (contains(start, end, lo)
                || contains(start, end, hi)
                || contains(lo, hi, start)
                || contains(lo, hi, end));
        if overlaps {
            if first.is_none() {
                first = Some(line_no);
                code_start = start;
            }
            code.push_str(&text[start..end]);
            code.push('\n');
        }
        match nl {
            Some(n) => start = n + 1,
            None => break,
        }
        line_no += 1;
    }
    let first = first?;
    code.pop();
    Some((first, code, code_start))
}

/// The source snippet of a diagnostic, as Terraform computes it for both
/// its renderings and its JSON: the first line's number, the code of the
/// lines shown, and the highlight's byte offsets in that code. `None` when
/// the diagnostic has no subject or its file is unknown.
pub fn snippet(d: &Diagnostic, sources: &SourceMap) -> Option<(usize, String, usize, usize)> {
    let span = d.subject?;
    let file = sources.get(span.file)?;
    let (mut lo, mut hi) = (span.lo as usize, span.hi as usize);
    if let Some(c) = d.snippet {
        lo = lo.min(c.lo as usize);
        hi = hi.max(c.hi as usize);
    }
    if lo == hi {
        hi += 1;
    }
    let (first, code, code_start) = match snippet_lines(&file, lo, hi) {
        Some(s) => s,
        None => (file.line_col(lo).0, String::new(), lo),
    };
    let hl_hi = if span.hi == span.lo {
        span.hi as usize + 1
    } else {
        span.hi as usize
    };
    let start = (span.lo as usize)
        .saturating_sub(code_start)
        .min(code.len());
    let end = (start + (hl_hi - span.lo as usize)).min(code.len());
    Some((first, code, start, end))
}

/// The body of a diagnostic as Terraform's `DiagnosticPlain` writes it
/// (without the leading newline): summary, source snippet, expression
/// values, detail wrapped at `width` columns.
fn render_body(d: &Diagnostic, sources: &SourceMap, width: usize) -> String {
    let mut body = String::new();
    let label = match d.severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    };
    let _ = write!(body, "{label}: {}\n\n", d.summary);
    if d.subject == Some(Span::NONE) {
        body.push_str("  on  line 0:\n  (source code not available)\n\n");
    } else if let Some(span) = d.subject {
        if let Some(file) = sources.get(span.file) {
            let (line, _) = file.line_col(span.lo as usize);
            let ctx = match &d.context {
                Some(ctx) => format!(", in {ctx}"),
                None => String::new(),
            };
            if file.name.starts_with('<') {
                // Terraform does not keep console input as a source file.
                let _ = writeln!(body, "  on {} line {line}:", file.name);
                let _ = writeln!(body, "  (source code not available)");
            } else {
                let _ = writeln!(body, "  on {} line {line}{ctx}:", file.name);
                if let Some((first, code, _, _)) = snippet(d, sources) {
                    for (i, l) in code.split('\n').enumerate() {
                        let _ = writeln!(body, "{:>4}: {l}", first + i);
                    }
                }
                if let Some(x) = d.expression.as_deref() {
                    let _ = writeln!(body, "    ├────────────────");
                    if let Some(sig) = &x.function_call {
                        let _ = writeln!(body, "    │ while calling {sig}");
                    }
                    let mut values = x.values.clone();
                    values.sort_by(|a, b| a.0.cmp(&b.0));
                    for (t, s) in values {
                        let _ = writeln!(body, "    │ {t} {s}");
                    }
                }
            }
            body.push('\n');
        }
    }
    if !d.detail.is_empty() {
        for l in d.detail.split('\n') {
            if l.starts_with(' ') {
                let _ = writeln!(body, "{l}");
            } else {
                let _ = writeln!(body, "{}", wrap_line(l, width));
            }
        }
    }
    body
}

/// Renders a diagnostic as `terraform` does (colors aside).
pub fn render(d: &Diagnostic, sources: &SourceMap) -> String {
    render_styled(d, sources, Style::Boxed)
}

/// Renders a diagnostic in the given style, as Terraform's `Diagnostic`
/// (boxed) and `DiagnosticPlain` do for an output 78 columns wide.
pub fn render_styled(d: &Diagnostic, sources: &SourceMap, style: Style) -> String {
    match style {
        Style::Plain => format!("\n{}", render_body(d, sources, 77)),
        Style::Boxed => {
            let body = render_body(d, sources, 75);
            let mut out = String::from("╷\n");
            for l in body.strip_suffix('\n').unwrap_or(&body).split('\n') {
                if l.is_empty() {
                    out.push_str("│\n");
                } else {
                    let _ = writeln!(out, "│ {l}");
                }
            }
            out.push_str("╵\n");
            out
        }
    }
}

/// Orders diagnostics as Terraform prints them (`tfdiags.Diagnostics.Sort`):
/// warnings first, then those without a location, then by file (fewer path
/// segments first, then by name) and position; otherwise in the order they
/// were found.
pub fn sort(diags: &mut Diagnostics, sources: &SourceMap) {
    diags.0.sort_by_key(|d| {
        let severity = match d.severity {
            Severity::Warning => 0,
            Severity::Error => 1,
        };
        match d.subject {
            None => (severity, 0, 0, String::new(), 0, 0),
            Some(s) => {
                let name = sources
                    .get(s.file)
                    .map(|f| f.name.clone())
                    .unwrap_or_default();
                let segments = name.matches(std::path::MAIN_SEPARATOR).count();
                (severity, 1, segments, name, s.lo, s.hi)
            }
        }
    });
}
