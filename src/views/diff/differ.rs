//! `jsonformat/differ` and `jsondiff`: from a [`Change`] and a schema (or
//! a type, or nothing for JSON values) to a [`Diff`].

use super::{Blocks, Change, Diff, Matcher, Prim, Renderer};
use crate::plans::Action;
use crate::views::jsonv::Json;
use std::borrow::Cow;
use std::collections::BTreeMap;
use tfrs_provider::schema::{Attribute, Block, Nesting};
use tfrs_provider::Type;

/// `collections.CompareActions`.
pub fn compare_actions(current: Action, next: Action) -> Action {
    if next == Action::NoOp {
        return current;
    }
    if current != next {
        return Action::Update;
    }
    current
}

fn as_diff(change: &Change<'_>, renderer: Renderer) -> Diff {
    Diff::new(
        renderer,
        change.calculate_action(),
        change.replace_paths.matches(),
    )
}

fn unknown_diff(change: &Change<'_>, before: Option<Diff>) -> Diff {
    as_diff(
        change,
        Renderer::Unknown {
            before: before.map(Box::new),
        },
    )
}

fn sensitive_renderer(inner: Diff, bs: bool, as_: bool) -> Renderer {
    Renderer::Sensitive {
        inner: Box::new(inner),
        before_sensitive: bs,
        after_sensitive: as_,
    }
}

// ---------------------------------------------------------------- blocks

fn contains_non_legacy_features(block: &Block) -> bool {
    for nb in block.blocks.values() {
        if matches!(nb.nesting, Nesting::Map | Nesting::Group) {
            return true;
        }
    }
    for a in block.attributes.values() {
        let ty = &a.ty;
        if ty.has_dynamic() {
            return true;
        }
        match ty {
            Type::Tuple(_) | Type::Object(..) => return true,
            Type::List(e) | Type::Set(e) | Type::Map(e) => {
                if let Some(ee) = e.element_type() {
                    if e.is_collection() && !ee.is_primitive() {
                        return true;
                    }
                }
            }
            _ => {}
        }
    }
    false
}

/// `ComputeDiffForBlock`.
pub fn diff_block(change: Change<'_>, block: &Block) -> Diff {
    let replace = change.replace_paths.matches();
    if let Some(d) = change.check_for_sensitive(
        |v| diff_block(v, block),
        |inner, bs, as_, action| {
            Diff::new(
                Renderer::SensitiveBlock {
                    inner: Box::new(inner),
                    before_sensitive: bs,
                    after_sensitive: as_,
                },
                action,
                replace,
            )
        },
    ) {
        return d;
    }
    let child_unknown = Json::Object(
        block
            .attributes
            .keys()
            .map(|k| (k.clone(), Json::Bool(true)))
            .collect(),
    );
    if let Some(d) = change.check_for_unknown(
        child_unknown,
        |cur| unknown_diff(&cur, None),
        |cur, before| {
            let b = diff_block(before, block);
            unknown_diff(&cur, Some(b))
        },
    ) {
        return d;
    }

    let mut change = change;
    change.non_legacy = change.non_legacy || contains_non_legacy_features(block);
    let mut current = change.default_action_for_iteration();
    let value = change.as_map();

    let mut attributes = BTreeMap::new();
    for (key, attr) in &block.attributes {
        let mut child = value.get_child(key);
        if !child.relevant.matches_partial() {
            child = child.as_no_op();
        }
        child.before_explicit = false;
        child.after_explicit = false;
        let (bnull, anull) = (child.before.is_null(), child.after.is_null());
        let d = diff_attribute(child, attr);
        if d.action == Action::NoOp && bnull && anull {
            continue;
        }
        current = compare_actions(current, d.action);
        attributes.insert(key.clone(), d);
    }

    let mut blocks = Blocks::default();
    for (key, nb) in &block.blocks {
        let mut child = value.get_child(key);
        if !child.relevant.matches_partial() {
            child = child.as_no_op();
        }
        let bs = child.is_before_sensitive();
        let as_ = child.is_after_sensitive();
        let forces = child.replace_paths.matches();
        let unknown = child.is_unknown();
        let (bnull, anull) = (child.before.is_null(), child.after.is_null());
        match nb.nesting {
            Nesting::Set => {
                let (diffs, action) = block_diffs_as_set(child, &nb.block);
                if action == Action::NoOp && bnull && anull && !unknown {
                    continue;
                }
                blocks.set.insert(key.clone(), diffs);
                blocks.flags(key, forces, bs, as_, unknown);
                current = compare_actions(current, action);
            }
            Nesting::List => {
                let (diffs, action) = block_diffs_as_list(child, &nb.block);
                if action == Action::NoOp && bnull && anull && !unknown {
                    continue;
                }
                blocks.list.insert(key.clone(), diffs);
                blocks.flags(key, forces, bs, as_, unknown);
                current = compare_actions(current, action);
            }
            Nesting::Map => {
                let (diffs, action) = block_diffs_as_map(child, &nb.block);
                if action == Action::NoOp && bnull && anull && !unknown {
                    continue;
                }
                blocks.map.insert(key.clone(), diffs);
                blocks.flags(key, forces, bs, as_, unknown);
                current = compare_actions(current, action);
            }
            Nesting::Single | Nesting::Group => {
                let d = diff_block(child, &nb.block);
                if d.action == Action::NoOp && bnull && anull && !unknown {
                    continue;
                }
                current = compare_actions(current, d.action);
                blocks.single.insert(key.clone(), d);
                blocks.flags(key, forces, bs, as_, unknown);
            }
        }
    }
    Diff::new(
        Renderer::Block { attributes, blocks },
        current,
        change.replace_paths.matches(),
    )
}

fn block_diffs_as_list(change: Change<'_>, block: &Block) -> (Vec<Diff>, Action) {
    let mut elements = Vec::new();
    let mut current = change.default_action_for_iteration();
    process_nested_list(&change, |v| {
        let d = diff_block(v, block);
        current = compare_actions(current, d.action);
        elements.push(d);
    });
    (elements, current)
}

fn process_nested_list(change: &Change<'_>, mut process: impl FnMut(Change<'_>)) {
    let slice = change.as_slice();
    let n = slice.before_len().max(slice.after_len());
    for ix in 0..n {
        let mut v = slice.get_child(ix, ix);
        if !v.relevant.matches_partial() {
            v = v.as_no_op();
        }
        process(v);
    }
}

fn block_diffs_as_set(change: Change<'_>, block: &Block) -> (Vec<Diff>, Action) {
    let mut elements = Vec::new();
    let mut current = change.default_action_for_iteration();
    process_set(&change, |v| {
        let d = diff_block(v, block);
        current = compare_actions(current, d.action);
        elements.push(d);
    });
    (elements, current)
}

fn block_diffs_as_map(change: Change<'_>, block: &Block) -> (BTreeMap<String, Diff>, Action) {
    let value = change.as_map();
    let keys = value.explicit_keys();
    transform_map(
        value.before.is_some(),
        value.after.is_some(),
        &keys,
        |key| {
            let mut v = value.get_child(key);
            if !v.relevant.matches_partial() {
                v = v.as_no_op();
            }
            diff_block(v, block)
        },
    )
}

/// `processSet`: pairs equal elements of the before and after sets.
fn process_set(change: &Change<'_>, mut process: impl FnMut(Change<'_>)) {
    let slice = change.as_slice();
    let (lb, la) = (slice.before_len(), slice.after_len());
    let mut found_in_before: Vec<Option<usize>> = vec![None; lb];
    let mut found_in_after: Vec<bool> = vec![false; la];
    for (ix, fib) in found_in_before.iter_mut().enumerate() {
        for (jx, fia) in found_in_after.iter_mut().enumerate() {
            if *fia {
                continue;
            }
            let child = slice.get_child(ix, jx);
            if child.before.deep_eq(&child.after)
                && child.is_before_sensitive() == child.is_after_sensitive()
                && !child.is_unknown()
            {
                *fib = Some(jx);
                *fia = true;
            }
        }
    }
    for (ix, fib) in found_in_before.iter().enumerate() {
        let mut child = match fib {
            Some(jx) => slice.get_child(ix, *jx),
            None => slice.get_child(ix, la),
        };
        child.relevant = Matcher::Always;
        process(child);
    }
    for (jx, fia) in found_in_after.iter().enumerate() {
        if *fia {
            continue;
        }
        let mut child = slice.get_child(lb, jx);
        child.relevant = Matcher::Always;
        process(child);
    }
}

// ---------------------------------------------------------------- attributes

/// `ComputeDiffForAttribute` (tfrs schemas have no nested attribute types).
pub fn diff_attribute(change: Change<'_>, attr: &Attribute) -> Diff {
    diff_type(change, &attr.ty)
}

/// `ComputeDiffForType`.
pub fn diff_type(mut change: Change<'_>, ty: &Type) -> Diff {
    if !change.non_legacy {
        // The legacy SDK cannot tell empty strings from nulls.
        if matches!(&*change.before, Json::String(s) if s.is_empty()) {
            change.before = Cow::Owned(Json::Null);
        }
        if matches!(&*change.after, Json::String(s) if s.is_empty()) {
            change.after = Cow::Owned(Json::Null);
        }
    }
    let replace = change.replace_paths.matches();
    if let Some(d) = change.check_for_sensitive(
        |v| diff_type(v, ty),
        |inner, bs, as_, action| Diff::new(sensitive_renderer(inner, bs, as_), action, replace),
    ) {
        return d;
    }
    if let Some(d) = change.check_for_unknown(
        Json::Bool(false),
        |cur| unknown_diff(&cur, None),
        |cur, before| {
            let b = diff_type(before, ty);
            unknown_diff(&cur, Some(b))
        },
    ) {
        return d;
    }
    match ty {
        Type::Dynamic => diff_output(change),
        Type::String => as_diff(&change, primitive(&change, Prim::String)),
        Type::Number => as_diff(&change, primitive(&change, Prim::Number)),
        Type::Bool => as_diff(&change, primitive(&change, Prim::Bool)),
        Type::Object(attrs, _) => {
            let (attributes, action) = process_object(&change, attrs);
            Diff::new(
                Renderer::Object {
                    attributes,
                    override_null_suffix: true,
                },
                action,
                change.replace_paths.matches(),
            )
        }
        Type::Map(elem) => {
            let value = change.as_map();
            let keys = value.all_keys();
            let (elements, action) = transform_map(
                value.before.is_some(),
                value.after.is_some(),
                &keys,
                |key| {
                    let mut v = value.get_child(key);
                    if !v.relevant.matches_partial() {
                        v = v.as_no_op();
                    }
                    diff_type(v, elem)
                },
            );
            Diff::new(
                Renderer::Map {
                    elements,
                    override_null_suffix: false,
                    override_forces_replacement: false,
                    align_keys: true,
                },
                action,
                change.replace_paths.matches(),
            )
        }
        Type::List(elem) => {
            let slice = change.as_slice();
            let is_obj = matches!(**elem, Type::Object(..));
            let (elements, action) = transform_slice(
                slice.before,
                slice.after,
                |b, a| {
                    let mut v = slice.get_child(b, a);
                    v.relevant = Matcher::Always;
                    diff_type(v, elem)
                },
                |_| is_obj,
            );
            Diff::new(
                Renderer::List {
                    elements,
                    display_context: true,
                },
                action,
                change.replace_paths.matches(),
            )
        }
        Type::Tuple(elems) => {
            let mut elements = Vec::new();
            let mut current = change.default_action_for_iteration();
            let slice = change.as_slice();
            for (ix, et) in elems.iter().enumerate() {
                let mut child = slice.get_child(ix, ix);
                if !child.relevant.matches_partial() {
                    child = child.as_no_op();
                }
                let d = diff_type(child, et);
                current = compare_actions(current, d.action);
                elements.push(d);
            }
            Diff::new(
                Renderer::List {
                    elements,
                    display_context: true,
                },
                current,
                change.replace_paths.matches(),
            )
        }
        Type::Set(elem) => {
            let mut elements = Vec::new();
            let mut current = change.default_action_for_iteration();
            process_set(&change, |v| {
                let d = diff_type(v, elem);
                current = compare_actions(current, d.action);
                elements.push(d);
            });
            Diff::new(
                Renderer::Set {
                    elements,
                    override_forces_replacement: false,
                },
                current,
                change.replace_paths.matches(),
            )
        }
    }
}

fn primitive(change: &Change<'_>, ty: Prim) -> Renderer {
    Renderer::Primitive {
        before: change.before.clone().into_owned(),
        after: change.after.clone().into_owned(),
        ty,
    }
}

fn process_object(
    change: &Change<'_>,
    attrs: &BTreeMap<String, Type>,
) -> (BTreeMap<String, Diff>, Action) {
    let value = change.as_map();
    let mut current = change.default_action_for_iteration();
    let mut out = BTreeMap::new();
    for (key, ty) in attrs {
        let mut v = value.get_child(key);
        if !v.relevant.matches_partial() {
            v = v.as_no_op();
        }
        v.before_explicit = false;
        v.after_explicit = false;
        let (bnull, anull) = (v.before.is_null(), v.after.is_null());
        let d = diff_type(v, ty);
        if d.action == Action::NoOp && bnull && anull {
            continue;
        }
        current = compare_actions(current, d.action);
        out.insert(key.clone(), d);
    }
    (out, current)
}

/// `collections.TransformMap`.
fn transform_map(
    before: bool,
    after: bool,
    keys: &[String],
    mut process: impl FnMut(&str) -> Diff,
) -> (BTreeMap<String, Diff>, Action) {
    let mut current = Action::NoOp;
    if before && !after {
        current = Action::Delete;
    }
    if !before && after {
        current = Action::Create;
    }
    let mut elements = BTreeMap::new();
    for key in keys {
        let d = process(key);
        current = compare_actions(current, d.action);
        elements.insert(key.clone(), d);
    }
    (elements, current)
}

/// `collections.TransformSlice`.
fn transform_slice(
    before: Option<&[Json]>,
    after: Option<&[Json]>,
    mut process: impl FnMut(usize, usize) -> Diff,
    is_obj: impl Fn(&Json) -> bool,
) -> (Vec<Diff>, Action) {
    let mut current = Action::NoOp;
    if before.is_some() && after.is_none() {
        current = Action::Delete;
    }
    if before.is_none() && after.is_some() {
        current = Action::Create;
    }
    let mut elements = Vec::new();
    process_slice(
        before.unwrap_or(&[]),
        after.unwrap_or(&[]),
        |b, a| {
            let d = process(b, a);
            current = compare_actions(current, d.action);
            elements.push(d);
        },
        is_obj,
        |x, y| x.deep_eq(y),
    );
    (elements, current)
}

fn is_reorder<T>(before: &[T], after: &[T], eq: &impl Fn(&T, &T) -> bool) -> bool {
    before.len() == after.len() && before.iter().all(|b| after.iter().any(|a| eq(b, a)))
}

/// `objchange.LongestCommonSubsequence`.
pub fn longest_common_subsequence<T: Clone>(
    xs: &[T],
    ys: &[T],
    eq: impl Fn(&T, &T) -> bool,
) -> Vec<T> {
    if xs.is_empty() || ys.is_empty() {
        return Vec::new();
    }
    let w = xs.len();
    let mut c = vec![0usize; xs.len() * ys.len()];
    let mut eqs = vec![false; xs.len() * ys.len()];
    for y in 0..ys.len() {
        for x in 0..xs.len() {
            if eq(&xs[x], &ys[y]) {
                eqs[w * y + x] = true;
                c[w * y + x] = if x == 0 || y == 0 {
                    1
                } else {
                    c[w * (y - 1) + (x - 1)] + 1
                };
            } else {
                let l = if x > 0 { c[w * y + (x - 1)] } else { 0 };
                let u = if y > 0 { c[w * (y - 1) + x] } else { 0 };
                c[w * y + x] = l.max(u);
            }
        }
    }
    let n = c[c.len() - 1];
    let mut seq: Vec<Option<T>> = vec![None; n];
    let (mut x, mut y, mut i) = (xs.len() as isize - 1, ys.len() as isize - 1, n as isize - 1);
    while x > -1 && y > -1 {
        let (xu, yu) = (x as usize, y as usize);
        if eqs[w * yu + xu] {
            if i >= 0 {
                seq[i as usize] = Some(xs[xu].clone());
            }
            x -= 1;
            y -= 1;
            i -= 1;
        } else {
            let l = if x > 0 { c[w * yu + (xu - 1)] } else { 0 };
            let u = if y > 0 { c[w * (yu - 1) + xu] } else { 0 };
            if l > u {
                x -= 1;
            } else {
                y -= 1;
            }
        }
    }
    seq.into_iter().flatten().collect()
}

/// `collections.ProcessSlice`: pairs up list elements for display.
pub fn process_slice<T: Clone>(
    before: &[T],
    after: &[T],
    mut process: impl FnMut(usize, usize),
    is_obj: impl Fn(&T) -> bool,
    eq: impl Fn(&T, &T) -> bool,
) {
    if before.len() == after.len() && !is_reorder(before, after, &eq) {
        for ix in 0..before.len() {
            process(ix, ix);
        }
        return;
    }
    let lcs = longest_common_subsequence(before, after, &eq);
    let (mut bi, mut ai, mut li) = (0, 0, 0);
    while bi < before.len() || ai < after.len() || li < lcs.len() {
        while bi < before.len() && (li >= lcs.len() || !eq(&before[bi], &lcs[li])) {
            let is_object_diff = is_obj(&before[bi])
                && ai < after.len()
                && is_obj(&after[ai])
                && (li >= lcs.len() || !eq(&after[ai], &lcs[li]));
            if is_object_diff {
                process(bi, ai);
                bi += 1;
                ai += 1;
                continue;
            }
            process(bi, after.len());
            bi += 1;
        }
        while ai < after.len() && (li >= lcs.len() || !eq(&after[ai], &lcs[li])) {
            process(before.len(), ai);
            ai += 1;
        }
        if li < lcs.len() {
            process(bi, ai);
            bi += 1;
            ai += 1;
            li += 1;
        }
    }
}

// ---------------------------------------------------------------- JSON values

/// `ComputeDiffForOutput`: values without a schema type.
pub fn diff_output(change: Change<'_>) -> Diff {
    let replace = change.replace_paths.matches();
    if let Some(d) = change.check_for_sensitive(
        |v| diff_type(v, &Type::Dynamic),
        |inner, bs, as_, action| Diff::new(sensitive_renderer(inner, bs, as_), action, replace),
    ) {
        return d;
    }
    if let Some(d) = change.check_for_unknown(
        Json::Bool(false),
        |cur| unknown_diff(&cur, None),
        |cur, before| {
            let b = diff_type(before, &Type::Dynamic);
            unknown_diff(&cur, Some(b))
        },
    ) {
        return d;
    }
    json_transform(change)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum JType {
    Null,
    Bool,
    Number,
    String,
    Object,
    Array,
}

fn json_type(j: &Json) -> JType {
    match j {
        Json::Null => JType::Null,
        Json::Bool(_) => JType::Bool,
        Json::Number(_) => JType::Number,
        Json::String(_) => JType::String,
        Json::Object(_) => JType::Object,
        Json::Array(_) => JType::Array,
    }
}

/// `jsondiff.JsonOpts.Transform` with the renderers' callbacks.
pub fn json_transform(change: Change<'_>) -> Diff {
    if let Some(d) = change.check_for_sensitive(json_transform, |inner, bs, as_, action| {
        Diff::new(sensitive_renderer(inner, bs, as_), action, false)
    }) {
        return d;
    }
    if let Some(d) = change.check_for_unknown(
        Json::Bool(false),
        |_| Diff::new(Renderer::Unknown { before: None }, Action::Create, false),
        |_, before| {
            Diff::new(
                Renderer::Unknown {
                    before: Some(Box::new(json_transform(before))),
                },
                Action::Update,
                false,
            )
        },
    ) {
        return d;
    }
    let bt = json_type(&change.before);
    let at = json_type(&change.after);
    let deleted = at == JType::Null && !change.after_explicit;
    let created = bt == JType::Null && !change.before_explicit;
    if bt == at || created || deleted {
        let target = if bt == JType::Null { at } else { bt };
        return json_update(&change, target);
    }
    let b = json_update(&change.as_delete(), bt);
    let a = json_update(&change.as_create(), at);
    Diff::new(
        Renderer::TypeChange {
            before: Box::new(b),
            after: Box::new(a),
        },
        Action::Update,
        false,
    )
}

fn json_update(change: &Change<'_>, t: JType) -> Diff {
    match t {
        JType::Null => json_primitive(change, Prim::Nil),
        JType::Bool => json_primitive(change, Prim::Bool),
        JType::String => json_primitive(change, Prim::String),
        JType::Number => json_primitive(change, Prim::Number),
        JType::Object => {
            let value = change.as_map();
            let keys = value.all_keys();
            let (attributes, action) = transform_map(
                value.before.is_some(),
                value.after.is_some(),
                &keys,
                |key| {
                    let mut child = value.get_child(key);
                    if !child.relevant.matches_partial() {
                        child = child.as_no_op();
                    }
                    json_transform(child)
                },
            );
            Diff::new(
                Renderer::Object {
                    attributes,
                    override_null_suffix: true,
                },
                action,
                false,
            )
        }
        JType::Array => {
            let slice = change.as_slice();
            let (elements, action) = transform_slice(
                slice.before,
                slice.after,
                |b, a| json_transform(slice.get_child(b, a)),
                |v| matches!(v, Json::Object(_)),
            );
            Diff::new(
                Renderer::List {
                    elements,
                    display_context: true,
                },
                action,
                false,
            )
        }
    }
}

fn json_primitive(change: &Change<'_>, ty: Prim) -> Diff {
    let before_missing = change.before.is_null() && !change.before_explicit;
    let after_missing = change.after.is_null() && !change.after_explicit;
    let action = if before_missing && !after_missing {
        Action::Create
    } else if !before_missing && after_missing {
        Action::Delete
    } else if change.before.deep_eq(&change.after) {
        Action::NoOp
    } else {
        Action::Update
    };
    Diff::new(primitive(change, ty), action, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lcs_matches_go() {
        let a = ["1", "2", "3"];
        let b = ["1", "5", "3", "4"];
        assert_eq!(
            longest_common_subsequence(&a, &b, |x, y| x == y),
            vec!["1", "3"]
        );
        let mut pairs = Vec::new();
        process_slice(&a, &b, |x, y| pairs.push((x, y)), |_| false, |x, y| x == y);
        assert_eq!(pairs, vec![(0, 0), (1, 4), (3, 1), (2, 2), (3, 3)]);
    }
}
