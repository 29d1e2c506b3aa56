//! The syntax tree of HCL native syntax (and of JSON syntax, which is
//! translated into the same tree).

use crate::diag::Span;
use tfrs_provider::Value;

#[derive(Clone, Debug, Default)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
    pub span: Span,
}

impl Body {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }
    pub fn blocks_of<'a>(&'a self, type_name: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.type_name == type_name)
    }
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: String,
    pub name_span: Span,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub type_name: String,
    pub type_span: Span,
    pub labels: Vec<String>,
    pub label_spans: Vec<Span>,
    pub body: Body,
    pub span: Span,
}

impl Block {
    /// `resource "a" "b"`: how Terraform names a block in diagnostics.
    pub fn header(&self) -> String {
        let mut s = self.type_name.clone();
        for l in &self.labels {
            s.push_str(&format!(" {l:?}"));
        }
        s
    }
    /// The span of the block's header (type and labels).
    pub fn header_span(&self) -> Span {
        match self.label_spans.last() {
            Some(l) => self.type_span.to(*l),
            None => self.type_span,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Negate,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Literal(Value),
    /// A string template (quoted or heredoc).
    Template(Vec<TemplatePart>),
    /// A root name: `var`, `local`, `aws_instance`, `each`, an iterator.
    Variable(String),
    GetAttr(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    /// `source[*].each` or `source.*.each`; `each` is evaluated with
    /// `AnonSymbol` bound to each element.
    Splat {
        source: Box<Expr>,
        each: Box<Expr>,
        legacy: bool,
    },
    AnonSymbol,
    Call {
        name: String,
        name_span: Span,
        args: Vec<Expr>,
        expand_final: bool,
    },
    Tuple(Vec<Expr>),
    Object(Vec<ObjectItem>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    For(Box<ForExpr>),
    Parens(Box<Expr>),
}

#[derive(Clone, Debug)]
pub struct ObjectItem {
    pub key: Expr,
    /// Whether the key was a bare identifier (taken as a string).
    pub key_is_ident: bool,
    pub value: Expr,
}

#[derive(Clone, Debug)]
pub struct ForExpr {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    /// Present for an object `for`.
    pub key_expr: Option<Expr>,
    pub value_expr: Expr,
    pub condition: Option<Expr>,
    pub grouping: bool,
}

#[derive(Clone, Debug)]
pub enum TemplatePart {
    Literal(String),
    Interp(Expr),
    If {
        cond: Expr,
        then: Vec<TemplatePart>,
        otherwise: Vec<TemplatePart>,
    },
    For {
        key_var: Option<String>,
        value_var: String,
        collection: Expr,
        body: Vec<TemplatePart>,
        span: Span,
    },
}

/// One step of a static reference such as `aws_instance.web[0].id`.
#[derive(Clone, Debug)]
pub enum Step {
    Attr(String),
    Index(Value),
}

/// A reference to something by name, found in an expression.
#[derive(Clone, Debug)]
pub struct Traversal {
    pub root: String,
    pub steps: Vec<Step>,
    pub span: Span,
}

impl Expr {
    /// Every reference the expression makes, for dependency analysis
    /// (iteration variables of `for` and templates excluded).
    pub fn traversals(&self) -> Vec<Traversal> {
        let mut out = Vec::new();
        collect_traversals(self, &mut Vec::new(), &mut out);
        out
    }

    /// The expression as a static traversal (`a.b[0]`), if it is one.
    pub fn as_traversal(&self) -> Option<Traversal> {
        let mut steps = Vec::new();
        let mut e = self;
        loop {
            match &e.kind {
                ExprKind::Variable(name) => {
                    steps.reverse();
                    return Some(Traversal {
                        root: name.clone(),
                        steps,
                        span: self.span,
                    });
                }
                ExprKind::GetAttr(inner, name) => {
                    steps.push(Step::Attr(name.clone()));
                    e = inner;
                }
                ExprKind::Index(inner, key) => match &key.kind {
                    ExprKind::Literal(v) => {
                        steps.push(Step::Index(v.clone()));
                        e = inner;
                    }
                    ExprKind::Template(parts) if parts.len() == 1 => match &parts[0] {
                        TemplatePart::Literal(s) => {
                            steps.push(Step::Index(Value::string(s.clone())));
                            e = inner;
                        }
                        _ => return None,
                    },
                    _ => return None,
                },
                _ => return None,
            }
        }
    }

    /// A bare identifier (`string`, `create_before_destroy`) as keywords
    /// are written in Terraform.
    pub fn as_keyword(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Variable(name) => Some(name),
            _ => None,
        }
    }
}

fn collect_traversals(e: &Expr, scope: &mut Vec<String>, out: &mut Vec<Traversal>) {
    // The longest static prefix of a chain of attribute/index steps.
    if let Some(t) = e.as_traversal() {
        if !scope.contains(&t.root) {
            out.push(t);
        }
        return;
    }
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::AnonSymbol => {}
        ExprKind::Variable(name) => {
            if !scope.contains(name) {
                out.push(Traversal {
                    root: name.clone(),
                    steps: vec![],
                    span: e.span,
                });
            }
        }
        ExprKind::Template(parts) => collect_template(parts, scope, out),
        ExprKind::GetAttr(inner, _) => collect_traversals(inner, scope, out),
        ExprKind::Index(inner, key) => {
            collect_traversals(inner, scope, out);
            collect_traversals(key, scope, out);
        }
        ExprKind::Splat { source, each, .. } => {
            collect_traversals(source, scope, out);
            collect_traversals(each, scope, out);
        }
        ExprKind::Call { args, .. } => {
            for a in args {
                collect_traversals(a, scope, out);
            }
        }
        ExprKind::Tuple(items) => {
            for a in items {
                collect_traversals(a, scope, out);
            }
        }
        ExprKind::Object(items) => {
            for item in items {
                if !item.key_is_ident {
                    collect_traversals(&item.key, scope, out);
                }
                collect_traversals(&item.value, scope, out);
            }
        }
        ExprKind::Unary(_, a) | ExprKind::Parens(a) => collect_traversals(a, scope, out),
        ExprKind::Binary(_, a, b) => {
            collect_traversals(a, scope, out);
            collect_traversals(b, scope, out);
        }
        ExprKind::Conditional(a, b, c) => {
            collect_traversals(a, scope, out);
            collect_traversals(b, scope, out);
            collect_traversals(c, scope, out);
        }
        ExprKind::For(f) => {
            collect_traversals(&f.collection, scope, out);
            let n = scope.len();
            scope.extend(f.key_var.iter().cloned());
            scope.push(f.value_var.clone());
            if let Some(k) = &f.key_expr {
                collect_traversals(k, scope, out);
            }
            collect_traversals(&f.value_expr, scope, out);
            if let Some(c) = &f.condition {
                collect_traversals(c, scope, out);
            }
            scope.truncate(n);
        }
    }
}

fn collect_template(parts: &[TemplatePart], scope: &mut Vec<String>, out: &mut Vec<Traversal>) {
    for p in parts {
        match p {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interp(e) => collect_traversals(e, scope, out),
            TemplatePart::If {
                cond,
                then,
                otherwise,
            } => {
                collect_traversals(cond, scope, out);
                collect_template(then, scope, out);
                collect_template(otherwise, scope, out);
            }
            TemplatePart::For {
                key_var,
                value_var,
                collection,
                body,
                ..
            } => {
                collect_traversals(collection, scope, out);
                let n = scope.len();
                scope.extend(key_var.iter().cloned());
                scope.push(value_var.clone());
                collect_template(body, scope, out);
                scope.truncate(n);
            }
        }
    }
}
