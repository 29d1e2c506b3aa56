//! Type constraints: `string`, `list(number)`,
//! `object({ a = optional(string, "x") })` (Terraform's typeexpr).

use crate::diag::Diagnostic;
use crate::syntax::ast::{Expr, ExprKind};
use std::collections::{BTreeMap, BTreeSet};
use tfrs_provider::{Type, Value};

/// A type and the defaults of its optional attributes.
#[derive(Debug, Clone)]
pub struct TypeConstraint {
    pub ty: Type,
    pub defaults: Defaults,
}

/// Default values for optional object attributes, nested as the type is.
#[derive(Debug, Clone, Default)]
pub struct Defaults {
    /// For an object type: attribute name → default value.
    pub values: BTreeMap<String, Expr>,
    /// For an object type: attribute name → nested defaults; for a
    /// collection type: the key "" holds the element's defaults.
    pub children: BTreeMap<String, Defaults>,
}

impl Defaults {
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.children.values().all(Defaults::is_empty)
    }
}

fn invalid(e: &Expr, detail: &str) -> Diagnostic {
    Diagnostic::error("Invalid type specification", detail).with_subject(e.span)
}

pub fn parse_type_constraint(e: &Expr) -> Result<TypeConstraint, Diagnostic> {
    let mut defaults = Defaults::default();
    let ty = parse(e, &mut defaults, false)?;
    Ok(TypeConstraint { ty, defaults })
}

fn parse(e: &Expr, defaults: &mut Defaults, in_object: bool) -> Result<Type, Diagnostic> {
    let _ = in_object;
    match &e.kind {
        ExprKind::Variable(name) => match name.as_str() {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "any" => Ok(Type::Dynamic),
            "list" | "set" | "map" => Err(invalid(
                e,
                &format!("The {name} type constructor requires one argument specifying the element type."),
            )),
            "object" => Err(invalid(e, "The object type constructor requires one argument specifying the attribute types as a map.")),
            "tuple" => Err(invalid(e, "The tuple type constructor requires one argument specifying the element types as a list.")),
            other => Err(invalid(e, &format!("The keyword {other:?} is not a valid type specification."))),
        },
        ExprKind::Template(_) => Err(Diagnostic::error(
            "Invalid quoted type constraints",
            "Terraform 0.11 and earlier required type constraints to be given in quotes, but that form is now deprecated and will be removed in a future version of Terraform. Remove the quotes around \"string\".",
        )
        .with_subject(e.span)),
        ExprKind::Call { name, args, .. } => {
            fn one<'x>(e: &Expr, name: &str, args: &'x [Expr]) -> Result<&'x Expr, Diagnostic> {
                if args.len() != 1 {
                    return Err(invalid(
                        e,
                        &format!("The {name} type constructor requires one argument specifying the element type."),
                    ));
                }
                Ok(&args[0])
            }
            match name.as_str() {
                "list" | "set" | "map" => {
                    let mut child = Defaults::default();
                    let inner = parse(one(e, name, args)?, &mut child, false)?;
                    if !child.is_empty() {
                        defaults.children.insert(String::new(), child);
                    }
                    Ok(match name.as_str() {
                        "list" => Type::list(inner),
                        "set" => Type::set(inner),
                        _ => Type::map(inner),
                    })
                }
                "tuple" => {
                    let arg = one(e, name, args)?;
                    let ExprKind::Tuple(items) = &arg.kind else {
                        return Err(invalid(arg, "The tuple type constructor requires a list of element types."));
                    };
                    let mut types = Vec::new();
                    for (i, item) in items.iter().enumerate() {
                        let mut child = Defaults::default();
                        types.push(parse(item, &mut child, false)?);
                        if !child.is_empty() {
                            defaults.children.insert(i.to_string(), child);
                        }
                    }
                    Ok(Type::Tuple(types))
                }
                "object" => {
                    let arg = one(e, name, args)?;
                    let ExprKind::Object(items) = &arg.kind else {
                        return Err(invalid(arg, "Object type constructor requires a map whose keys are attribute names and whose values are the corresponding attribute types."));
                    };
                    let mut attrs = BTreeMap::new();
                    let mut optional = BTreeSet::new();
                    for item in items {
                        let key = match &item.key.kind {
                            ExprKind::Variable(k) => k.clone(),
                            ExprKind::Template(parts) => match parts.as_slice() {
                                [crate::syntax::ast::TemplatePart::Literal(s)] => s.clone(),
                                _ => return Err(invalid(&item.key, "Object constructor map keys must be attribute names.")),
                            },
                            _ => return Err(invalid(&item.key, "Object constructor map keys must be attribute names.")),
                        };
                        let mut child = Defaults::default();
                        let ty = match &item.value.kind {
                            ExprKind::Call { name, args, .. } if name == "optional" => {
                                if args.is_empty() || args.len() > 2 {
                                    return Err(invalid(&item.value, "Optional attribute modifier requires the attribute type as its first argument and, optionally, a default value as its second."));
                                }
                                optional.insert(key.clone());
                                if let Some(d) = args.get(1) {
                                    defaults.values.insert(key.clone(), d.clone());
                                }
                                parse(&args[0], &mut child, true)?
                            }
                            _ => parse(&item.value, &mut child, true)?,
                        };
                        if !child.is_empty() {
                            defaults.children.insert(key.clone(), child);
                        }
                        attrs.insert(key, ty);
                    }
                    Ok(Type::Object(attrs, optional))
                }
                "optional" => Err(invalid(e, "Keyword \"optional\" is valid only as a modifier for object type attributes.")),
                other => Err(invalid(e, &format!("Keyword {other:?} is not a valid type constructor."))),
            }
        }
        ExprKind::Literal(Value::Null(_)) => Err(invalid(e, "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).")),
        _ => Err(invalid(e, "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).")),
    }
}
