//! Planning by the schema, as Terraform's SDKv2 providers plan: the
//! configuration wins where it sets an attribute, computed attributes keep
//! their prior value (or become unknown on create), defaults fill the rest,
//! and a change to a force-new attribute replaces the object.

use crate::path::AttrPath;
use crate::schema::{Block, Nesting};
use crate::types::Type;
use crate::value::Value;
use std::collections::BTreeMap;

/// Plans `config` against `prior` (null when creating); returns the planned
/// value and the paths whose change requires replacement.
pub fn default_plan(schema: &Block, prior: &Value, config: &Value) -> (Value, Vec<AttrPath>) {
    if config.is_null() {
        return (Value::Null(schema.value_type()), Vec::new());
    }
    let mut replace = Vec::new();
    let planned = plan_block(schema, prior, config, &AttrPath::root(), &mut replace);
    (planned, replace)
}

fn attr_of<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    if v.is_null() || !v.is_known() {
        return None;
    }
    v.get_attr(name)
}

fn plan_block(
    schema: &Block,
    prior: &Value,
    config: &Value,
    path: &AttrPath,
    replace: &mut Vec<AttrPath>,
) -> Value {
    let mut out = BTreeMap::new();
    let creating = prior.is_null();
    for (name, attr) in &schema.attributes {
        let cfg = attr_of(config, name)
            .cloned()
            .unwrap_or(Value::Null(attr.ty.clone()));
        let pri = attr_of(prior, name);
        let planned = if !cfg.is_null() {
            cfg
        } else if attr.computed {
            match pri {
                Some(p) if !creating && !p.is_null() => p.clone(),
                _ if attr.default.is_some() => {
                    attr.default.clone().unwrap_or(Value::Null(attr.ty.clone()))
                }
                _ if creating || pri.is_none() => Value::Unknown(attr.ty.clone()),
                _ => Value::Null(attr.ty.clone()),
            }
        } else if let Some(d) = &attr.default {
            d.clone()
        } else {
            Value::Null(attr.ty.clone())
        };
        if attr.force_new && !creating {
            let before = pri.cloned().unwrap_or(Value::Null(attr.ty.clone()));
            if !planned.is_wholly_known() || !planned.raw_equal(&before) {
                replace.push(path.then_attr(name));
            }
        }
        out.insert(name.clone(), planned);
    }
    for (name, nb) in &schema.blocks {
        let cfg = attr_of(config, name).cloned();
        let pri = attr_of(prior, name).cloned();
        let bpath = path.then_attr(name);
        let elem_ty = nb.block.value_type();
        let before_len = replace.len();
        let planned = match nb.nesting {
            Nesting::Single | Nesting::Group => match cfg {
                Some(c) if !c.is_null() => {
                    let p = pri.unwrap_or(Value::Null(elem_ty.clone()));
                    plan_block(&nb.block, &p, &c, &bpath, replace)
                }
                _ => Value::Null(elem_ty.clone()),
            },
            Nesting::List => {
                let items = cfg.as_ref().and_then(|c| c.elements()).unwrap_or(&[]);
                let prior_items = pri.as_ref().and_then(|p| p.elements()).unwrap_or(&[]);
                let vs = items
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let p = prior_items
                            .get(i)
                            .cloned()
                            .unwrap_or(Value::Null(elem_ty.clone()));
                        plan_block(&nb.block, &p, c, &bpath.then_index(i), replace)
                    })
                    .collect();
                Value::List(elem_ty.clone(), vs)
            }
            Nesting::Set => {
                let items = cfg.as_ref().and_then(|c| c.elements()).unwrap_or(&[]);
                let prior_items = pri.as_ref().and_then(|p| p.elements()).unwrap_or(&[]);
                let vs = items
                    .iter()
                    .map(|c| {
                        // A set element has no identity but its value: match
                        // the prior element that agrees on what is configured.
                        let p = prior_items
                            .iter()
                            .find(|p| agrees_on_config(&nb.block, p, c))
                            .cloned()
                            .unwrap_or(Value::Null(elem_ty.clone()));
                        let mut ignored = Vec::new();
                        plan_block(&nb.block, &p, c, &bpath, &mut ignored)
                    })
                    .collect();
                Value::set(elem_ty.clone(), vs)
            }
            Nesting::Map => {
                let items = cfg
                    .as_ref()
                    .and_then(|c| c.entries().cloned())
                    .unwrap_or_default();
                let prior_items = pri
                    .as_ref()
                    .and_then(|p| p.entries().cloned())
                    .unwrap_or_default();
                let vs = items
                    .iter()
                    .map(|(k, c)| {
                        let p = prior_items
                            .get(k)
                            .cloned()
                            .unwrap_or(Value::Null(elem_ty.clone()));
                        (
                            k.clone(),
                            plan_block(&nb.block, &p, c, &bpath.then_key(k), replace),
                        )
                    })
                    .collect();
                Value::Map(elem_ty.clone(), vs)
            }
        };
        if nb.force_new && !creating {
            let before = attr_of(prior, name)
                .cloned()
                .unwrap_or(Value::Null(planned.ty()));
            replace.truncate(before_len);
            if !planned.raw_equal(&before) {
                replace.push(bpath);
            }
        }
        out.insert(name.clone(), planned);
    }
    Value::Object(out)
}

/// Whether a prior nested object matches a configured one on every
/// attribute the configuration sets.
fn agrees_on_config(schema: &Block, prior: &Value, config: &Value) -> bool {
    schema.attributes.keys().all(|k| match attr_of(config, k) {
        Some(c) if !c.is_null() => attr_of(prior, k).is_some_and(|p| p.raw_equal(c)),
        _ => true,
    })
}

/// Whether two values are equal for planning purposes (no change).
pub fn unchanged(prior: &Value, planned: &Value) -> bool {
    planned.is_wholly_known() && prior.raw_equal(planned)
}

/// The value's type, or `fallback` for a null of unknown type.
pub fn type_or(v: &Value, fallback: &Type) -> Type {
    match v.ty() {
        Type::Dynamic => fallback.clone(),
        t => t,
    }
}
