//! The JSON variant of the configuration syntax (`*.tf.json`), translated
//! into the native syntax tree. Strings are templates, as in Terraform.

use super::ast::*;
use crate::diag::{Diagnostic, Diagnostics, Span};
use serde_json::Value as J;
use tfrs_provider::{Number, Value};

/// Block types and how many labels their JSON nesting carries.
fn label_depth(block_type: &str) -> Option<usize> {
    match block_type {
        "resource" | "data" => Some(2),
        "variable" | "output" | "module" | "provider" | "check" => Some(1),
        "terraform" | "locals" | "moved" | "import" | "removed" => Some(0),
        _ => None,
    }
}

pub fn parse_json_file(text: &str, file: u32) -> (Body, Diagnostics) {
    let span = Span::new(file, 0, text.len());
    let mut diags = Diagnostics::new();
    let root: J = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            diags.push(
                Diagnostic::error("Invalid JSON", format!("The file is not valid JSON: {e}."))
                    .with_subject(span),
            );
            return (Body::default(), diags);
        }
    };
    let J::Object(top) = root else {
        diags.push(
            Diagnostic::error(
                "Invalid JSON configuration",
                "The root of a JSON configuration file must be an object.",
            )
            .with_subject(span),
        );
        return (Body::default(), diags);
    };
    let mut body = Body {
        span,
        ..Body::default()
    };
    for (k, v) in top {
        if k == "//" {
            continue;
        }
        match label_depth(&k) {
            Some(depth) => blocks(&k, &v, depth, Vec::new(), span, &mut body, &mut diags),
            None => body.attributes.push(attribute(&k, &v, span, &mut diags)),
        }
    }
    (body, diags)
}

fn blocks(
    type_name: &str,
    v: &J,
    depth: usize,
    labels: Vec<String>,
    span: Span,
    out: &mut Body,
    diags: &mut Diagnostics,
) {
    if depth == 0 {
        let items: Vec<&J> = match v {
            J::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for item in items {
            out.blocks.push(Block {
                type_name: type_name.to_string(),
                type_span: span,
                labels: labels.clone(),
                label_spans: labels.iter().map(|_| span).collect(),
                body: block_body(type_name, item, span, diags),
                span,
            });
        }
        return;
    }
    let J::Object(m) = v else {
        diags.push(
            Diagnostic::error(
                "Incorrect JSON value type",
                format!("A JSON object is required for the labels of a {type_name:?} block."),
            )
            .with_subject(span),
        );
        return;
    };
    for (label, inner) in m {
        let mut l = labels.clone();
        l.push(label.clone());
        blocks(type_name, inner, depth - 1, l, span, out, diags);
    }
}

/// Nested blocks that are blocks in every context (no schema is needed).
fn is_meta_block(parent: &str, name: &str) -> bool {
    matches!(
        (parent, name),
        (_, "lifecycle")
            | (_, "provisioner")
            | (_, "connection")
            | ("variable", "validation")
            | ("terraform", "required_providers")
            | ("terraform", "backend")
            | (_, "precondition")
            | (_, "postcondition")
    )
}

fn block_body(type_name: &str, v: &J, span: Span, diags: &mut Diagnostics) -> Body {
    let mut body = Body {
        span,
        ..Body::default()
    };
    let J::Object(m) = v else {
        return body;
    };
    for (k, v) in m {
        if k == "//" {
            continue;
        }
        if type_name == "locals" || !is_meta_block(type_name, k) {
            body.attributes.push(attribute(k, v, span, diags));
        } else {
            let depth = if k == "backend" || k == "provisioner" {
                1
            } else {
                0
            };
            blocks(k, v, depth, Vec::new(), span, &mut body, diags);
        }
    }
    body
}

fn attribute(name: &str, v: &J, span: Span, diags: &mut Diagnostics) -> Attribute {
    Attribute {
        name: name.to_string(),
        name_span: span,
        expr: expr(v, span, diags),
        span,
    }
}

fn expr(v: &J, span: Span, diags: &mut Diagnostics) -> Expr {
    let kind = match v {
        J::Null => ExprKind::Literal(Value::null()),
        J::Bool(b) => ExprKind::Literal(Value::Bool(*b)),
        J::Number(n) => ExprKind::Literal(Value::Number(
            Number::parse(&n.to_string()).unwrap_or_else(|_| Number::zero()),
        )),
        J::String(s) => {
            let (parsed, d) = super::parser::parse_template(s, span.file);
            if d.has_errors() {
                diags.extend(d);
            }
            return parsed
                .map(|mut e| {
                    e.span = span;
                    e
                })
                .unwrap_or(Expr {
                    kind: ExprKind::Literal(Value::string(s.clone())),
                    span,
                });
        }
        J::Array(items) => ExprKind::Tuple(items.iter().map(|i| expr(i, span, diags)).collect()),
        J::Object(m) => ExprKind::Object(
            m.iter()
                .map(|(k, v)| ObjectItem {
                    key: Expr {
                        kind: ExprKind::Literal(Value::string(k.clone())),
                        span,
                    },
                    key_is_ident: false,
                    value: expr(v, span, diags),
                })
                .collect(),
        ),
    };
    Expr { kind, span }
}
