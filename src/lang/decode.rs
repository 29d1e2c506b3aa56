//! Decoding a configuration body into a value by a provider's schema
//! (Terraform's hcldec with configschema): arguments evaluated and
//! converted to their types, nested blocks (and `dynamic` blocks) collected
//! by their nesting mode, unknown and missing arguments reported.

use super::eval::Evaluator;
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::syntax::ast::{Block as SynBlock, Body};
use crate::util::did_you_mean;
use std::collections::BTreeMap;
use tfrs_provider::convert::convert;
use tfrs_provider::{Block, Nesting, Type, Value};

/// Decodes `body` (whose block spans `span`) against `schema`. Meta
/// arguments (count, for_each, depends_on, provider, lifecycle) must have
/// been removed by the caller.
pub fn decode_body(
    ev: &mut Evaluator,
    body: &Body,
    schema: &Block,
    span: Span,
) -> Result<Value, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut out = BTreeMap::new();
    for a in &body.attributes {
        let Some(attr) = schema.attributes.get(&a.name) else {
            let detail = if schema.blocks.contains_key(&a.name) {
                format!("An argument named {:?} is not expected here. Did you mean to define a block of type {:?}?", a.name, a.name)
            } else {
                let names: Vec<&str> = schema.attributes.keys().map(String::as_str).collect();
                match did_you_mean(&a.name, &names) {
                    Some(s) => format!(
                        "An argument named {:?} is not expected here. Did you mean {s:?}?",
                        a.name
                    ),
                    None => format!("An argument named {:?} is not expected here.", a.name),
                }
            };
            diags.push(Diagnostic::error("Unsupported argument", detail).with_subject(a.name_span));
            continue;
        };
        if attr.computed && !attr.optional && !attr.required {
            diags.push(
                Diagnostic::error(
                    "Invalid Configuration for Read-Only Attribute",
                    format!("Cannot set value for this attribute as the provider has marked it as read-only. Remove the configuration line setting the value.\n\nRefer to the provider documentation or contact the provider developers for additional information about configurable and read-only attributes that are supported. (attribute {:?})", a.name),
                )
                .with_subject(a.expr.span),
            );
            continue;
        }
        let v = match ev.eval(&a.expr) {
            Ok(v) => v,
            Err(d) => {
                diags.extend(d);
                continue;
            }
        };
        match convert(&v, &attr.ty) {
            Ok(v) => {
                out.insert(a.name.clone(), if attr.sensitive { v.mark() } else { v });
            }
            Err(e) => diags.push(
                Diagnostic::error(
                    "Incorrect attribute value type",
                    format!("Inappropriate value for attribute {:?}: {e}.", a.name),
                )
                .with_subject(a.expr.span),
            ),
        }
    }
    for (name, attr) in &schema.attributes {
        if !out.contains_key(name) && !body.attributes.iter().any(|a| &a.name == name) {
            match decode_blocks_as_attribute(ev, body, name, &attr.ty) {
                Ok(Some(v)) => {
                    out.insert(name.clone(), v);
                    continue;
                }
                Ok(None) => {}
                Err(d) => {
                    diags.extend(d);
                    out.insert(name.clone(), Value::Null(attr.ty.clone()));
                    continue;
                }
            }
        }
        if !out.contains_key(name) {
            if attr.required && !body.attributes.iter().any(|a| &a.name == name) {
                diags.push(
                    Diagnostic::error(
                        "Missing required argument",
                        format!("The argument {name:?} is required, but no definition was found."),
                    )
                    .with_subject(span),
                );
            }
            out.insert(name.clone(), Value::Null(attr.ty.clone()));
        }
    }
    for b in &body.blocks {
        let type_name = if b.type_name == "dynamic" {
            b.labels.first().map(String::as_str).unwrap_or("")
        } else {
            b.type_name.as_str()
        };
        let attr_as_blocks = schema
            .attributes
            .get(type_name)
            .is_some_and(|a| object_list_element(&a.ty).is_some())
            && body.attribute(type_name).is_none();
        if !schema.blocks.contains_key(type_name) && !attr_as_blocks {
            let detail = if schema.attributes.contains_key(type_name) {
                format!("Blocks of type {type_name:?} are not expected here. Did you mean to define argument {type_name:?}? If so, use the equals sign to assign it a value.")
            } else {
                let names: Vec<&str> = schema.blocks.keys().map(String::as_str).collect();
                match did_you_mean(type_name, &names) {
                    Some(s) => format!(
                        "Blocks of type {type_name:?} are not expected here. Did you mean {s:?}?"
                    ),
                    None => format!("Blocks of type {type_name:?} are not expected here."),
                }
            };
            diags.push(
                Diagnostic::error("Unsupported block type", detail).with_subject(b.type_span),
            );
        }
    }
    for (name, nb) in &schema.blocks {
        let elem_ty = nb.block.value_type();
        let mut items: Vec<(Option<String>, Value)> = Vec::new();
        let mut unknown = false;
        for b in &body.blocks {
            if b.type_name == *name {
                match decode_body(ev, &b.body, &nb.block, b.span) {
                    Ok(v) => items.push((b.labels.first().cloned(), v)),
                    Err(d) => diags.extend(d),
                }
            } else if b.type_name == "dynamic" && b.labels.first() == Some(name) {
                match expand_dynamic(ev, b, &nb.block) {
                    Ok(Some(vs)) => items.extend(vs),
                    Ok(None) => unknown = true,
                    Err(d) => diags.extend(d),
                }
            }
        }
        let first_span = body
            .blocks
            .iter()
            .find(|b| b.type_name == *name)
            .map(|b| b.type_span)
            .unwrap_or(span);
        if nb.max_items > 0 && items.len() > nb.max_items && !unknown {
            diags.push(
                Diagnostic::error(
                    "Too many ".to_string() + &format!("{name:?} blocks"),
                    format!("No more than {} {name:?} blocks are allowed", nb.max_items),
                )
                .with_subject(first_span),
            );
        }
        if items.len() < nb.min_items && !unknown {
            diags.push(
                Diagnostic::error(
                    format!("Insufficient {name} blocks"),
                    format!("At least {} {name:?} blocks are required.", nb.min_items),
                )
                .with_subject(span),
            );
        }
        let value = match nb.nesting {
            _ if unknown => Value::Unknown(match nb.nesting {
                Nesting::Single | Nesting::Group => elem_ty.clone(),
                Nesting::List => Type::list(elem_ty.clone()),
                Nesting::Set => Type::set(elem_ty.clone()),
                Nesting::Map => Type::map(elem_ty.clone()),
            }),
            Nesting::Single => {
                match items.len() {
                    0 => Value::Null(elem_ty.clone()),
                    1 => items.remove(0).1,
                    _ => {
                        diags.push(
                        Diagnostic::error(
                            "Duplicate ".to_string() + name + " block",
                            format!("Only one {name:?} block is allowed. Another was defined earlier."),
                        )
                        .with_subject(first_span),
                    );
                        items.remove(0).1
                    }
                }
            }
            Nesting::Group => match items.len() {
                0 => empty_object(&nb.block),
                _ => items.remove(0).1,
            },
            Nesting::List => {
                Value::List(elem_ty.clone(), items.into_iter().map(|(_, v)| v).collect())
            }
            Nesting::Set => {
                Value::set(elem_ty.clone(), items.into_iter().map(|(_, v)| v).collect())
            }
            Nesting::Map => Value::Map(
                elem_ty.clone(),
                items
                    .into_iter()
                    .map(|(k, v)| (k.unwrap_or_default(), v))
                    .collect(),
            ),
        };
        out.insert(name.clone(), value);
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Value::Object(out))
}

/// The element type of a list or set of objects.
fn object_list_element(t: &Type) -> Option<&Type> {
    match t {
        Type::List(e) | Type::Set(e) if matches!(**e, Type::Object(..)) => Some(e),
        _ => None,
    }
}

/// An attribute of list-of-objects (or set-of-objects) type that the body
/// writes as nested blocks, as providers' "attributes as blocks" allow
/// (Terraform's `blocktoattr.FixUpBlockAttrs`): each block is one object,
/// its unset attributes null. `None` when the body has no such blocks (the
/// attribute is then unset).
fn decode_blocks_as_attribute(
    ev: &mut Evaluator,
    body: &Body,
    name: &str,
    ty: &Type,
) -> Result<Option<Value>, Diagnostics> {
    let Some(Type::Object(attrs, _)) = object_list_element(ty) else {
        return Ok(None);
    };
    let written = |b: &SynBlock| {
        b.type_name == name
            || (b.type_name == "dynamic" && b.labels.first().is_some_and(|l| l == name))
    };
    if !body.blocks.iter().any(written) {
        return Ok(None);
    }
    let mut elem_schema = Block::new();
    for (k, t) in attrs {
        elem_schema = elem_schema.attr(k, tfrs_provider::Attribute::optional(t.clone()));
    }
    let elem_ty = elem_schema.value_type();
    let mut items = Vec::new();
    let mut diags = Diagnostics::new();
    for b in body.blocks.iter().filter(|b| written(b)) {
        if b.type_name == "dynamic" {
            match expand_dynamic(ev, b, &elem_schema) {
                Ok(Some(vs)) => items.extend(vs.into_iter().map(|(_, v)| v)),
                Ok(None) => return Ok(Some(Value::Unknown(ty.clone()))),
                Err(d) => diags.extend(d),
            }
        } else {
            match decode_body(ev, &b.body, &elem_schema, b.span) {
                Ok(v) => items.push(v),
                Err(d) => diags.extend(d),
            }
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Some(match ty {
        Type::Set(_) => Value::set(elem_ty, items),
        _ => Value::List(elem_ty, items),
    }))
}

/// An object of the block's type with every attribute null and nested
/// collections empty.
fn empty_object(schema: &Block) -> Value {
    let mut out: BTreeMap<String, Value> = schema
        .attributes
        .iter()
        .map(|(k, a)| (k.clone(), Value::Null(a.ty.clone())))
        .collect();
    for (k, nb) in &schema.blocks {
        let et = nb.block.value_type();
        let v = match nb.nesting {
            Nesting::Single => Value::Null(et),
            Nesting::Group => empty_object(&nb.block),
            Nesting::List => Value::List(et, Vec::new()),
            Nesting::Set => Value::Set(et, Vec::new()),
            Nesting::Map => Value::Map(et, BTreeMap::new()),
        };
        out.insert(k.clone(), v);
    }
    Value::Object(out)
}

/// Blocks generated by a `dynamic` block: each one's label and value.
type Generated = Vec<(Option<String>, Value)>;

/// Expands `dynamic "name" { for_each = ...; content { ... } }`; `None`
/// when the collection is not known yet.
fn expand_dynamic(
    ev: &mut Evaluator,
    b: &SynBlock,
    schema: &Block,
) -> Result<Option<Generated>, Diagnostics> {
    let Some(fe) = b.body.attribute("for_each") else {
        return Err(Diagnostic::error(
            "Missing required argument",
            "The argument \"for_each\" is required, but no definition was found.",
        )
        .with_subject(b.span)
        .into());
    };
    let iterator = match b.body.attribute("iterator") {
        Some(a) => match a.expr.as_keyword() {
            Some(k) => k.to_string(),
            None => {
                return Err(Diagnostic::error(
                    "Invalid dynamic iterator name",
                    "Dynamic iterator must be a single variable name.",
                )
                .with_subject(a.expr.span)
                .into())
            }
        },
        None => b.labels.first().cloned().unwrap_or_default(),
    };
    let Some(content) = b.body.blocks_of("content").next() else {
        return Err(Diagnostic::error(
            "Missing content block",
            "A dynamic block must have a nested block of type \"content\" to describe the body of each generated block.",
        )
        .with_subject(b.span)
        .into());
    };
    let coll = ev.eval(&fe.expr)?;
    let (coll, sensitive) = coll.unmark();
    if !coll.is_known() {
        return Ok(None);
    }
    let pairs: Vec<(Value, Value)> = match &coll {
        Value::List(_, vs) | Value::Tuple(vs) => vs
            .iter()
            .enumerate()
            .map(|(i, v)| (Value::int(i as i64), v.clone()))
            .collect(),
        Value::Set(_, vs) => vs.iter().map(|v| (v.clone(), v.clone())).collect(),
        Value::Map(_, m) | Value::Object(m) => m
            .iter()
            .map(|(k, v)| (Value::string(k.clone()), v.clone()))
            .collect(),
        Value::Null(_) => {
            return Err(Diagnostic::error(
                "Invalid dynamic for_each value",
                "Cannot use a null value in for_each.",
            )
            .with_subject(fe.expr.span)
            .into())
        }
        other => {
            return Err(Diagnostic::error(
                "Invalid dynamic for_each value",
                format!(
                    "Cannot use a {} value in for_each. An iterable collection is required.",
                    other.ty().friendly_name()
                ),
            )
            .with_subject(fe.expr.span)
            .into())
        }
    };
    let labels_expr = b.body.attribute("labels");
    let mut out = Vec::new();
    for (k, v) in pairs {
        let iter_value = Value::Object(
            [
                ("key".to_string(), k.mark_if(sensitive)),
                ("value".to_string(), v.mark_if(sensitive)),
            ]
            .into_iter()
            .collect(),
        );
        ev.push_local(&iterator, iter_value);
        let label = match labels_expr {
            Some(l) => ev.eval(&l.expr).ok().and_then(|lv| {
                lv.elements()
                    .and_then(|e| e.first().and_then(|x| x.as_str().map(String::from)))
            }),
            None => None,
        };
        let r = decode_body(ev, &content.body, schema, content.span);
        ev.pop_local();
        out.push((label, r?));
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::eval::EmptyScope;
    use crate::syntax::parser::parse_file;
    use tfrs_provider::Attribute;

    fn rule_type() -> Type {
        Type::object(
            [
                ("from_port".to_string(), Type::Number),
                ("cidr_blocks".to_string(), Type::list(Type::String)),
                ("description".to_string(), Type::String),
            ]
            .into_iter()
            .collect(),
        )
    }

    fn decode(src: &str) -> Result<Value, Diagnostics> {
        let schema = Block::new()
            .attr("name", Attribute::optional(Type::String))
            .attr(
                "ingress",
                Attribute::optional_computed(Type::set(rule_type())),
            );
        let (body, d) = parse_file(src, 0, "main.tf");
        assert!(!d.has_errors(), "{d:?}");
        let scope = EmptyScope {
            base_dir: std::path::PathBuf::from("."),
        };
        let mut ev = Evaluator::new(&scope);
        decode_body(&mut ev, &body, &schema, Span::default())
    }

    #[test]
    fn attributes_written_as_blocks() {
        let v = decode(
            r#"
name = "web"
ingress {
  from_port   = 80
  cidr_blocks = ["10.0.0.0/8"]
}
dynamic "ingress" {
  for_each = [443]
  content {
    from_port   = ingress.value
    description = "tls"
  }
}
"#,
        )
        .expect("decodes");
        let rules = v
            .get_attr("ingress")
            .and_then(Value::elements)
            .expect("set");
        assert_eq!(rules.len(), 2);
        let tls = rules
            .iter()
            .find(|r| r.get_attr("description").and_then(Value::as_str) == Some("tls"))
            .expect("the dynamic block");
        assert!(tls.get_attr("cidr_blocks").is_some_and(Value::is_null));
        // Not written at all: null, so the provider keeps what it has.
        let v = decode("name = \"web\"\n").expect("decodes");
        assert!(v.get_attr("ingress").is_some_and(Value::is_null));
        // Written as an attribute: as given.
        let v = decode("ingress = []\n").expect("decodes");
        assert_eq!(
            v.get_attr("ingress")
                .and_then(Value::elements)
                .map(<[Value]>::len),
            Some(0)
        );
    }

    #[test]
    fn unknown_arguments_in_attribute_blocks_are_reported() {
        let d = decode("ingress {\n  port = 80\n}\n").expect_err("port is not an attribute");
        assert!(
            d.iter().any(|d| d.summary == "Unsupported argument"),
            "{d:?}"
        );
    }
}
