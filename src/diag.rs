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
    /// The enclosing construct, e.g. `in resource "a" "b"`, when known.
    pub context: Option<String>,
}

impl Diagnostic {
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            subject: None,
            context: None,
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
    pub fn with_context(mut self, context: impl Into<String>) -> Diagnostic {
        self.context = Some(context.into());
        self
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

/// Wraps `text` at `width` columns as Terraform does for details.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.split('\n') {
        // Terraform leaves indented lines alone.
        if para.starts_with(' ') || para.is_empty() {
            out.push(para.to_string());
            continue;
        }
        let mut line = String::new();
        for word in para.split(' ') {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                out.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push(line);
    }
    out
}

/// How diagnostics are drawn: Terraform's boxed form, or the plain form it
/// prints under `-no-color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Boxed,
    Plain,
}

/// The body of a diagnostic (summary, location, source line, detail),
/// with details wrapped at `width` columns.
fn render_body(d: &Diagnostic, sources: &SourceMap, width: usize) -> String {
    let mut body = String::new();
    let label = match d.severity {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
    };
    let _ = writeln!(body, "{label}: {}", d.summary);
    if let Some(span) = d.subject {
        if let Some(file) = sources.get(span.file) {
            let (line, _) = file.line_col(span.lo as usize);
            let _ = writeln!(body);
            match &d.context {
                Some(ctx) => {
                    let _ = writeln!(body, "  on {} line {line}, in {ctx}:", file.name);
                }
                None => {
                    let _ = writeln!(body, "  on {} line {line}:", file.name);
                }
            }
            if file.name.starts_with('<') {
                // Terraform does not keep console input as a source file.
                let _ = writeln!(body, "  (source code not available)");
            } else {
                let _ = writeln!(body, "{:>4}: {}", line, file.line_text(line));
            }
        }
    }
    if !d.detail.is_empty() {
        let _ = writeln!(body);
        for l in wrap(&d.detail, width) {
            let _ = writeln!(body, "{l}");
        }
    }
    body
}

/// Renders a diagnostic as `terraform` does (colors aside).
pub fn render(d: &Diagnostic, sources: &SourceMap) -> String {
    render_styled(d, sources, Style::Boxed)
}

pub fn render_styled(d: &Diagnostic, sources: &SourceMap, style: Style) -> String {
    match style {
        Style::Plain => {
            let body = render_body(d, sources, 77);
            if d.subject.is_none() && d.detail.is_empty() {
                format!("\n{body}\n")
            } else {
                format!("\n{body}")
            }
        }
        Style::Boxed => {
            let body = render_body(d, sources, 75);
            let mut out = String::from("╷\n");
            for l in body.trim_end_matches('\n').split('\n') {
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

/// Orders diagnostics as Terraform prints them: by file name, then by
/// position; those without a location first.
pub fn sort(diags: &mut Diagnostics, sources: &SourceMap) {
    diags.0.sort_by_key(|d| match d.subject {
        None => (0, String::new(), 0),
        Some(s) => (
            1,
            sources
                .get(s.file)
                .map(|f| f.name.clone())
                .unwrap_or_default(),
            s.lo,
        ),
    });
}
