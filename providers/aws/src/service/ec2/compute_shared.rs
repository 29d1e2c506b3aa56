//! Pieces the compute resources share (aws_instance, aws_launch_template,
//! aws_launch_configuration, aws_autoscaling_group): nested block values,
//! SDKv2's "zero means unset", computed blocks, and EC2 tags.

use crate::ctx::Ctx;
use crate::error::{sdk, Result};
use crate::obj::{string_map, Obj, State, Val};
use aws_sdk_ec2::types::Tag;
use std::collections::BTreeMap;
use tfrs_provider::path::AttrPath;
use tfrs_provider::{Block, Diag, Nesting, Type, Value};

/// Whether the configuration sets `k`: a value, possibly not known yet
/// (a reference), or a nested block with elements.
pub fn is_set(config: &Value, k: &str) -> bool {
    config
        .unmarked()
        .get_attr(k)
        .is_some_and(|v| !v.is_null() && (!v.is_known() || v.length().is_none_or(|n| n > 0)))
}

/// SDKv2's `ConflictsWith`: an error when both are set.
pub fn conflicts(config: &Value, a: &str, b: &str) -> Option<Diag> {
    (is_set(config, a) && is_set(config, b)).then(|| {
        let mut d = Diag::error(
            "Conflicting configuration arguments",
            format!("\"{a}\": conflicts with {b}"),
        );
        d.attribute = Some(AttrPath::attr(a));
        d
    })
}

/// SDKv2's `ExactlyOneOf` over `keys`.
pub fn exactly_one_of(config: &Value, keys: &[&str]) -> Option<Diag> {
    let set: Vec<&str> = keys.iter().copied().filter(|k| is_set(config, k)).collect();
    let all = keys.join(",");
    match set.len() {
        1 => None,
        0 => Some(Diag::error(
            "Invalid combination of arguments",
            format!("\"{}\": one of `{all}` must be specified", keys[0]),
        )),
        _ => Some(Diag::error(
            "Invalid combination of arguments",
            format!(
                "\"{}\": only one of `{all}` can be specified, but `{}` were specified.",
                set[0],
                set.join(",")
            ),
        )),
    }
}

/// One element of nested block `name` of `b`: the given attributes converted
/// to their types, every other attribute null (or an empty block).
pub fn elem(b: &Block, name: &str, pairs: Vec<(&str, Val)>) -> Value {
    let Some(nb) = b.blocks.get(name) else {
        return Value::null();
    };
    pairs
        .into_iter()
        .fold(State::new(&nb.block), |s, (k, v)| s.set(k, v))
        .build()
}

/// The value of nested block `name` of `b` holding `elems`.
pub fn blocks(b: &Block, name: &str, elems: Vec<Value>) -> Value {
    let Some(nb) = b.blocks.get(name) else {
        return Value::null();
    };
    let ty = nb.block.value_type();
    match nb.nesting {
        Nesting::Set => Value::set(ty, elems),
        Nesting::List => Value::List(ty, elems),
        _ => elems.into_iter().next().unwrap_or(Value::Null(ty)),
    }
}

/// A `set(string)` value.
pub fn string_set<I: IntoIterator<Item = String>>(items: I) -> Value {
    Value::set(Type::String, items.into_iter().map(Value::string).collect())
}

/// A `list(string)` value.
pub fn string_list<I: IntoIterator<Item = String>>(items: I) -> Value {
    Value::List(Type::String, items.into_iter().map(Value::string).collect())
}

fn is_zero(v: &Value) -> bool {
    match v {
        Value::Null(_) => true,
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.to_i64() == Some(0),
        other => other.length() == Some(0),
    }
}

/// What state holds for an optional, non-computed attribute the API reports
/// as `v`: SDKv2 treats a zero value as unset, so where the configuration
/// (the `base` value) left it out, it stays null rather than planning a
/// change from null to "", false, 0 or [].
pub fn unless_zero(base: Option<&Value>, v: Value) -> Value {
    let base_null = base.is_none_or(|b| b.is_null() || !b.is_known());
    if base_null && is_zero(&v) {
        Value::Null(v.ty())
    } else {
        v
    }
}

/// Whether `base` is an import's seed: nothing but the ID.
fn is_import_seed(base: &Value) -> bool {
    base.entries().is_some_and(|m| {
        m.iter()
            .all(|(k, v)| k == "id" || v.is_null() || v.length() == Some(0))
    })
}

/// A state read from AWS (`v`) as SDKv2 records it: where `base` (the
/// plan being applied, or the prior state) has null for an optional,
/// non-computed attribute without default, and AWS reports its zero value
/// ("", false, 0, []), the state keeps null (SDKv2's normalizeNullValues).
/// At any depth: list blocks pair elements by position; set block elements
/// have no counterpart to follow. An import records what AWS reports.
pub fn settle(b: &Block, base: &Value, v: Value) -> Value {
    if is_import_seed(base) {
        v
    } else {
        zeros_as_unset(b, base, v)
    }
}

fn zeros_as_unset(b: &Block, base: &Value, v: Value) -> Value {
    let Value::Object(mut m) = v else {
        return v;
    };
    let base_attr = |k: &str| -> Option<&Value> {
        if base.is_null() || !base.is_known() {
            None
        } else {
            base.get_attr(k)
        }
    };
    for (k, a) in &b.attributes {
        if a.computed || a.required || a.default.is_some() {
            continue;
        }
        if let Some(x) = m.remove(k) {
            m.insert(k.clone(), unless_zero(base_attr(k), x));
        }
    }
    for (k, nb) in &b.blocks {
        let Some(x) = m.remove(k) else {
            continue;
        };
        let before: &[Value] = base_attr(k).and_then(Value::elements).unwrap_or(&[]);
        let x = match x {
            Value::List(t, items) => Value::List(
                t,
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let base_elem = before.get(i).cloned().unwrap_or(Value::null());
                        zeros_as_unset(&nb.block, &base_elem, e)
                    })
                    .collect(),
            ),
            Value::Set(t, items) => Value::set(
                t,
                items
                    .into_iter()
                    .map(|e| zeros_as_unset(&nb.block, &Value::null(), e))
                    .collect(),
            ),
            Value::Object(_) => {
                let base_elem = base_attr(k).cloned().unwrap_or(Value::null());
                zeros_as_unset(&nb.block, &base_elem, x)
            }
            other => other,
        };
        m.insert(k.clone(), x);
    }
    Value::Object(m)
}

/// The plan with SDKv2's reading of zero values: an optional, non-computed
/// attribute without default that the configuration leaves out and the
/// prior state holds as "", false, 0 or [] is unchanged (SDKv2 states keep
/// such zero values, and see no difference from null). At any depth: list
/// blocks pair elements by position, set blocks by matching elements.
pub fn keep_zero_values(b: &Block, prior: &Value, planned: Value) -> Value {
    if prior.is_null() || !prior.is_known() {
        return planned;
    }
    let Value::Object(mut m) = planned else {
        return planned;
    };
    for (k, a) in &b.attributes {
        if a.computed || a.required || a.default.is_some() {
            continue;
        }
        let keep = matches!(m.get(k), Some(v) if v.is_null())
            && prior
                .get_attr(k)
                .is_some_and(|p| !p.is_null() && is_zero(p));
        if keep {
            if let Some(p) = prior.get_attr(k) {
                m.insert(k.clone(), p.clone());
            }
        }
    }
    for (k, nb) in &b.blocks {
        let Some(x) = m.remove(k) else {
            continue;
        };
        let before: &[Value] = prior.get_attr(k).and_then(Value::elements).unwrap_or(&[]);
        let x = match x {
            Value::List(t, items) => Value::List(
                t,
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, e)| match before.get(i) {
                        Some(p) => keep_zero_values(&nb.block, p, e),
                        None => e,
                    })
                    .collect(),
            ),
            Value::Set(t, items) => Value::set(
                t,
                items
                    .into_iter()
                    .map(|e| {
                        before
                            .iter()
                            .find(|p| keep_zero_values(&nb.block, p, e.clone()).raw_equal(p))
                            .cloned()
                            .unwrap_or(e)
                    })
                    .collect(),
            ),
            Value::Object(_) => match prior.get_attr(k) {
                Some(p) => keep_zero_values(&nb.block, p, x),
                None => x,
            },
            other => other,
        };
        m.insert(k.clone(), x);
    }
    Value::Object(m)
}

/// The schema of nested block `name` (empty when there is none).
pub fn nested(b: &Block, name: &str) -> Block {
    b.blocks
        .get(name)
        .map(|nb| nb.block.clone())
        .unwrap_or_default()
}

/// A "nullable bool" attribute (a string "true"/"false", or unset).
pub fn nullable_bool(s: Option<&str>) -> Option<bool> {
    match s {
        Some("true") | Some("1") => Some(true),
        Some("false") | Some("0") => Some(false),
        _ => None,
    }
}

/// A "nullable bool" for state.
pub fn nullable_bool_str(b: Option<bool>) -> String {
    b.map(|b| b.to_string()).unwrap_or_default()
}

/// Plans an optional+computed nested block (SDKv2 `Optional: true,
/// Computed: true` on a block list): left out of the configuration, it
/// keeps the prior value, or is unknown until the object exists.
pub fn computed_block(m: &mut BTreeMap<String, Value>, prior: &Value, name: &str) {
    let configured = m.get(name).and_then(Value::length).unwrap_or(0) > 0;
    if configured {
        return;
    }
    let Some(ty) = m.get(name).map(Value::ty) else {
        return;
    };
    let before = if prior.is_null() {
        None
    } else {
        prior.get_attr(name).filter(|v| v.length().unwrap_or(0) > 0)
    };
    let v = match before {
        Some(p) => p.clone(),
        None if prior.is_null() => Value::Unknown(ty),
        None => return,
    };
    m.insert(name.to_string(), v);
}

/// What `tags` holds after a read: the tags AWS has, less the provider's
/// default tags (unless the configuration sets the same key itself); null
/// when there are none and the configuration set none.
pub fn own_tags(c: &Ctx, base: &Obj, all: &BTreeMap<String, String>) -> Value {
    let configured = base.map_str("tags");
    let own: BTreeMap<String, String> = all
        .iter()
        .filter(|(k, v)| configured.contains_key(*k) || c.default_tags.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    unless_zero(base.0.get_attr("tags"), string_map(own))
}

/// EC2 tags as a map.
pub fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// EC2 tags from a map.
pub fn tags_of(m: &BTreeMap<String, String>) -> Vec<Tag> {
    m.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

pub use super::update_tags;

/// The root device name of an AMI, as the provider finds it: the image's
/// root device, or the first mapping when the root device is not among the
/// mappings; none for instance-store images.
pub async fn image_root_device(c: &Ctx, image_id: &str) -> Result<Option<String>> {
    let out = c
        .ec2()
        .describe_images()
        .image_ids(image_id)
        .send()
        .await
        .map_err(|e| sdk("ec2:DescribeImages", e))?;
    let Some(image) = out.images().first() else {
        return Ok(None);
    };
    if image.root_device_type() == Some(&aws_sdk_ec2::types::DeviceType::InstanceStore) {
        return Ok(None);
    }
    let root = image.root_device_name().unwrap_or_default().to_string();
    let mappings = image.block_device_mappings();
    if !mappings.is_empty() && !mappings.iter().any(|m| m.device_name() == Some(&root)) {
        return Ok(mappings[0].device_name().map(String::from));
    }
    Ok(Some(root).filter(|r| !r.is_empty()))
}
