//! Terraform's structured diff (`command/jsonformat`): a change described
//! by JSON before/after values with their unknown and sensitive companions
//! becomes a tree of diffs (`differ`), which renders as the human plan
//! (`render`). A port of the Go code, kept close to it so the output is
//! the same byte for byte.

pub mod differ;
pub mod render;

use crate::plans::Action;
use crate::views::jsonv::Json;
use std::borrow::Cow;
use tfrs_provider::path::{Key, PathStep};
use tfrs_provider::AttrPath;

/// One step of a path as Terraform's JSON plans write it.
#[derive(Clone, Debug, PartialEq)]
pub enum PathElem {
    Str(String),
    Num(f64),
}

/// `attribute_path.Matcher`.
#[derive(Clone, Debug)]
pub enum Matcher {
    Always,
    Paths {
        paths: Vec<Vec<PathElem>>,
        propagate: bool,
    },
}

impl Matcher {
    pub fn empty(propagate: bool) -> Matcher {
        Matcher::Paths {
            paths: Vec::new(),
            propagate,
        }
    }

    pub fn from_attr_paths<'a>(
        paths: impl IntoIterator<Item = &'a AttrPath>,
        propagate: bool,
    ) -> Matcher {
        Matcher::Paths {
            paths: paths.into_iter().map(path_elems).collect(),
            propagate,
        }
    }

    /// Adds one path (`AppendSingle`).
    pub fn push(&mut self, path: &AttrPath) {
        if let Matcher::Paths { paths, .. } = self {
            paths.push(path_elems(path));
        }
    }

    pub fn matches(&self) -> bool {
        match self {
            Matcher::Always => true,
            Matcher::Paths { paths, .. } => paths.iter().any(|p| p.is_empty()),
        }
    }

    pub fn matches_partial(&self) -> bool {
        match self {
            Matcher::Always => true,
            Matcher::Paths { paths, .. } => !paths.is_empty(),
        }
    }

    pub fn child_key(&self, key: &str) -> Matcher {
        match self {
            Matcher::Always => Matcher::Always,
            Matcher::Paths { paths, propagate } => {
                let mut out = Vec::new();
                for p in paths {
                    match p.first() {
                        None if *propagate => out.push(Vec::new()),
                        Some(PathElem::Str(s)) if s == key => out.push(p[1..].to_vec()),
                        _ => {}
                    }
                }
                Matcher::Paths {
                    paths: out,
                    propagate: *propagate,
                }
            }
        }
    }

    pub fn child_index(&self, index: i64) -> Matcher {
        match self {
            Matcher::Always => Matcher::Always,
            Matcher::Paths { paths, propagate } => {
                let mut out = Vec::new();
                for p in paths {
                    match p.first() {
                        None if *propagate => out.push(Vec::new()),
                        Some(PathElem::Num(f)) if *f as i64 == index => out.push(p[1..].to_vec()),
                        Some(PathElem::Str(s))
                            if s.parse::<f64>().map(|f| f as i64 == index).unwrap_or(false) =>
                        {
                            out.push(p[1..].to_vec())
                        }
                        _ => {}
                    }
                }
                Matcher::Paths {
                    paths: out,
                    propagate: *propagate,
                }
            }
        }
    }
}

fn path_elems(p: &AttrPath) -> Vec<PathElem> {
    p.0.iter()
        .map(|s| match s {
            PathStep::Attr(a) => PathElem::Str(a.clone()),
            PathStep::Key(Key::Str(k)) => PathElem::Str(k.clone()),
            PathStep::Key(Key::Int(i)) => PathElem::Num(*i as f64),
        })
        .collect()
}

/// `structured.Change`: JSON before/after with their metadata.
#[derive(Clone, Debug)]
pub struct Change<'a> {
    pub before_explicit: bool,
    pub after_explicit: bool,
    pub before: Cow<'a, Json>,
    pub after: Cow<'a, Json>,
    pub unknown: Cow<'a, Json>,
    pub before_sensitive: Cow<'a, Json>,
    pub after_sensitive: Cow<'a, Json>,
    pub replace_paths: Matcher,
    pub relevant: Matcher,
    pub non_legacy: bool,
}

const NULL: Cow<'static, Json> = Cow::Owned(Json::Null);
const FALSE: Cow<'static, Json> = Cow::Owned(Json::Bool(false));

impl<'a> Change<'a> {
    /// A change from the JSON of a plan (`FromJsonChange`).
    pub fn new(
        before: &'a Json,
        after: &'a Json,
        unknown: &'a Json,
        before_sensitive: &'a Json,
        after_sensitive: &'a Json,
        replace_paths: Matcher,
        relevant: Matcher,
    ) -> Change<'a> {
        Change {
            before_explicit: false,
            after_explicit: false,
            before: Cow::Borrowed(before),
            after: Cow::Borrowed(after),
            unknown: Cow::Borrowed(unknown),
            before_sensitive: Cow::Borrowed(before_sensitive),
            after_sensitive: Cow::Borrowed(after_sensitive),
            replace_paths,
            relevant,
            non_legacy: false,
        }
    }

    /// A value shown as it is (`FromJsonResource`, `FromJsonOutput`).
    pub fn no_op(value: &'a Json, sensitive: &'a Json) -> Change<'a> {
        Change {
            before_explicit: false,
            after_explicit: false,
            before: Cow::Borrowed(value),
            after: Cow::Borrowed(value),
            unknown: FALSE,
            before_sensitive: Cow::Borrowed(sensitive),
            after_sensitive: Cow::Borrowed(sensitive),
            replace_paths: Matcher::empty(false),
            relevant: Matcher::Always,
            non_legacy: false,
        }
    }

    pub fn is_before_sensitive(&self) -> bool {
        matches!(*self.before_sensitive, Json::Bool(true))
    }
    pub fn is_after_sensitive(&self) -> bool {
        matches!(*self.after_sensitive, Json::Bool(true))
    }
    pub fn is_unknown(&self) -> bool {
        matches!(*self.unknown, Json::Bool(true))
    }

    /// `CalculateAction`.
    pub fn calculate_action(&self) -> Action {
        let (b, a) = (self.before.is_null(), self.after.is_null());
        if (b && !self.before_explicit) && (!a || self.after_explicit) {
            return Action::Create;
        }
        if (a && !self.after_explicit) && (!b || self.before_explicit) {
            return Action::Delete;
        }
        if self.before.deep_eq(&self.after)
            && self.after_explicit == self.before_explicit
            && self.is_after_sensitive() == self.is_before_sensitive()
        {
            return Action::NoOp;
        }
        Action::Update
    }

    /// `GetDefaultActionForIteration`.
    pub fn default_action_for_iteration(&self) -> Action {
        match (self.before.is_null(), self.after.is_null()) {
            (true, true) => Action::NoOp,
            (true, false) => Action::Create,
            (false, true) => Action::Delete,
            (false, false) => Action::NoOp,
        }
    }

    pub fn as_no_op(&self) -> Change<'a> {
        Change {
            before_explicit: self.before_explicit,
            after_explicit: self.before_explicit,
            before: self.before.clone(),
            after: self.before.clone(),
            unknown: FALSE,
            before_sensitive: self.before_sensitive.clone(),
            after_sensitive: self.before_sensitive.clone(),
            replace_paths: self.replace_paths.clone(),
            relevant: self.relevant.clone(),
            non_legacy: false,
        }
    }

    pub fn as_delete(&self) -> Change<'a> {
        Change {
            before_explicit: self.before_explicit,
            after_explicit: false,
            before: self.before.clone(),
            after: NULL,
            unknown: NULL,
            before_sensitive: self.before_sensitive.clone(),
            after_sensitive: NULL,
            replace_paths: self.replace_paths.clone(),
            relevant: self.relevant.clone(),
            non_legacy: false,
        }
    }

    pub fn as_create(&self) -> Change<'a> {
        Change {
            before_explicit: false,
            after_explicit: self.after_explicit,
            before: NULL,
            after: self.after.clone(),
            unknown: self.unknown.clone(),
            before_sensitive: NULL,
            after_sensitive: self.after_sensitive.clone(),
            replace_paths: self.replace_paths.clone(),
            relevant: self.relevant.clone(),
            non_legacy: false,
        }
    }

    pub fn as_map(&self) -> ChangeMap<'_> {
        ChangeMap {
            before: self.before.as_object().map(Vec::as_slice),
            after: self.after.as_object().map(Vec::as_slice),
            unknown: self.unknown.as_object().map(Vec::as_slice),
            before_sensitive: self.before_sensitive.as_object().map(Vec::as_slice),
            after_sensitive: self.after_sensitive.as_object().map(Vec::as_slice),
            replace_paths: &self.replace_paths,
            relevant: &self.relevant,
            non_legacy: self.non_legacy,
        }
    }

    pub fn as_slice(&self) -> ChangeSlice<'_> {
        ChangeSlice {
            before: self.before.as_array().map(Vec::as_slice),
            after: self.after.as_array().map(Vec::as_slice),
            unknown: self.unknown.as_array().map(Vec::as_slice),
            before_sensitive: self.before_sensitive.as_array().map(Vec::as_slice),
            after_sensitive: self.after_sensitive.as_array().map(Vec::as_slice),
            replace_paths: &self.replace_paths,
            relevant: &self.relevant,
        }
    }

    /// `CheckForSensitive`.
    pub fn check_for_sensitive(
        &self,
        process_inner: impl FnOnce(Change<'_>) -> Diff,
        create: impl FnOnce(Diff, bool, bool, Action) -> Diff,
    ) -> Option<Diff> {
        let bs = self.is_before_sensitive();
        let as_ = self.is_after_sensitive();
        if !bs && !as_ {
            return None;
        }
        let value = Change {
            before_explicit: self.before_explicit,
            after_explicit: self.after_explicit,
            before: Cow::Borrowed(&*self.before),
            after: Cow::Borrowed(&*self.after),
            unknown: Cow::Borrowed(&*self.unknown),
            before_sensitive: FALSE,
            after_sensitive: FALSE,
            replace_paths: self.replace_paths.clone(),
            relevant: self.relevant.clone(),
            non_legacy: false,
        };
        let inner = process_inner(value);
        let mut action = inner.action;
        let changed = bs != as_;
        let null_no_op = self.before.is_null()
            && !self.before_explicit
            && self.after.is_null()
            && !self.after_explicit;
        if action == Action::NoOp && changed && !null_no_op {
            action = Action::Update;
        }
        Some(create(inner, bs, as_, action))
    }

    /// `CheckForUnknown`: `process` for a created unknown, `process_before`
    /// with the prior value modelled as a deletion otherwise.
    pub fn check_for_unknown(
        &self,
        child_unknown: Json,
        process: impl FnOnce(Change<'_>) -> Diff,
        process_before: impl FnOnce(Change<'_>, Change<'_>) -> Diff,
    ) -> Option<Diff> {
        if !self.is_unknown() {
            return None;
        }
        let mut change = self.clone();
        change.after_explicit = true;
        if change.before.is_null() {
            return Some(process(change));
        }
        let mut before = change.as_delete();
        before.unknown = Cow::Owned(child_unknown);
        Some(process_before(change, before))
    }
}

fn get_from_map<'b>(m: Option<&'b [(String, Json)]>, key: &str) -> (Cow<'b, Json>, bool) {
    match m.and_then(|m| m.iter().find(|(k, _)| k == key)) {
        Some((_, v)) => (Cow::Borrowed(v), true),
        None => (NULL, false),
    }
}

fn get_from_slice(s: Option<&[Json]>, ix: usize) -> (Cow<'_, Json>, bool) {
    match s.and_then(|s| s.get(ix)) {
        Some(v) => (Cow::Borrowed(v), true),
        None => (NULL, false),
    }
}

/// `structured.ChangeMap`.
pub struct ChangeMap<'b> {
    pub before: Option<&'b [(String, Json)]>,
    pub after: Option<&'b [(String, Json)]>,
    pub unknown: Option<&'b [(String, Json)]>,
    pub before_sensitive: Option<&'b [(String, Json)]>,
    pub after_sensitive: Option<&'b [(String, Json)]>,
    pub replace_paths: &'b Matcher,
    pub relevant: &'b Matcher,
    pub non_legacy: bool,
}

impl<'b> ChangeMap<'b> {
    pub fn get_child(&self, key: &str) -> Change<'b> {
        let (before, before_explicit) = get_from_map(self.before, key);
        let (after, after_explicit) = get_from_map(self.after, key);
        Change {
            before_explicit,
            after_explicit,
            before,
            after,
            unknown: get_from_map(self.unknown, key).0,
            before_sensitive: get_from_map(self.before_sensitive, key).0,
            after_sensitive: get_from_map(self.after_sensitive, key).0,
            replace_paths: self.replace_paths.child_key(key),
            relevant: self.relevant.child_key(key),
            non_legacy: self.non_legacy,
        }
    }

    fn keys_of(sets: &[Option<&[(String, Json)]>]) -> Vec<String> {
        let mut keys: Vec<String> = Vec::new();
        for m in sets.iter().flatten() {
            for (k, _) in m.iter() {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
        keys
    }

    /// Keys of the before and after values.
    pub fn explicit_keys(&self) -> Vec<String> {
        Self::keys_of(&[self.before, self.after])
    }

    /// Keys of the values and of their unknown and sensitive companions.
    pub fn all_keys(&self) -> Vec<String> {
        Self::keys_of(&[
            self.before,
            self.after,
            self.unknown,
            self.after_sensitive,
            self.before_sensitive,
        ])
    }
}

/// `structured.ChangeSlice`.
pub struct ChangeSlice<'b> {
    pub before: Option<&'b [Json]>,
    pub after: Option<&'b [Json]>,
    pub unknown: Option<&'b [Json]>,
    pub before_sensitive: Option<&'b [Json]>,
    pub after_sensitive: Option<&'b [Json]>,
    pub replace_paths: &'b Matcher,
    pub relevant: &'b Matcher,
}

impl<'b> ChangeSlice<'b> {
    pub fn before_len(&self) -> usize {
        self.before.map(<[Json]>::len).unwrap_or(0)
    }
    pub fn after_len(&self) -> usize {
        self.after.map(<[Json]>::len).unwrap_or(0)
    }

    pub fn get_child(&self, before_ix: usize, after_ix: usize) -> Change<'b> {
        let (before, before_explicit) = get_from_slice(self.before, before_ix);
        let (after, after_explicit) = get_from_slice(self.after, after_ix);
        let most_relevant = if before_ix >= self.before_len() {
            after_ix
        } else {
            before_ix
        };
        Change {
            before_explicit,
            after_explicit,
            before,
            after,
            unknown: get_from_slice(self.unknown, after_ix).0,
            before_sensitive: get_from_slice(self.before_sensitive, before_ix).0,
            after_sensitive: get_from_slice(self.after_sensitive, after_ix).0,
            replace_paths: self.replace_paths.child_index(most_relevant as i64),
            relevant: self.relevant.child_index(most_relevant as i64),
            non_legacy: false,
        }
    }
}

/// The kind of a primitive for rendering (`cty.NilType` for nulls of JSON
/// values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prim {
    String,
    Number,
    Bool,
    Nil,
}

/// `renderers.Blocks`.
#[derive(Clone, Debug, Default)]
pub struct Blocks {
    pub single: std::collections::BTreeMap<String, Diff>,
    pub list: std::collections::BTreeMap<String, Vec<Diff>>,
    pub set: std::collections::BTreeMap<String, Vec<Diff>>,
    pub map: std::collections::BTreeMap<String, std::collections::BTreeMap<String, Diff>>,
    pub replace: std::collections::BTreeMap<String, bool>,
    pub before_sensitive: std::collections::BTreeMap<String, bool>,
    pub after_sensitive: std::collections::BTreeMap<String, bool>,
    pub unknown: std::collections::BTreeMap<String, bool>,
}

impl Blocks {
    pub fn all_keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .single
            .keys()
            .chain(self.list.keys())
            .chain(self.set.keys())
            .chain(self.map.keys())
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    fn flags(&mut self, key: &str, replace: bool, bs: bool, as_: bool, unknown: bool) {
        self.replace.insert(key.to_string(), replace);
        self.before_sensitive.insert(key.to_string(), bs);
        self.after_sensitive.insert(key.to_string(), as_);
        self.unknown.insert(key.to_string(), unknown);
    }
}

/// `computed.Diff`'s renderers.
#[derive(Clone, Debug)]
pub enum Renderer {
    Primitive {
        before: Json,
        after: Json,
        ty: Prim,
    },
    Object {
        attributes: std::collections::BTreeMap<String, Diff>,
        override_null_suffix: bool,
    },
    Map {
        elements: std::collections::BTreeMap<String, Diff>,
        override_null_suffix: bool,
        override_forces_replacement: bool,
        align_keys: bool,
    },
    List {
        elements: Vec<Diff>,
        display_context: bool,
    },
    Set {
        elements: Vec<Diff>,
        override_forces_replacement: bool,
    },
    Block {
        attributes: std::collections::BTreeMap<String, Diff>,
        blocks: Blocks,
    },
    Sensitive {
        inner: Box<Diff>,
        before_sensitive: bool,
        after_sensitive: bool,
    },
    SensitiveBlock {
        inner: Box<Diff>,
        before_sensitive: bool,
        after_sensitive: bool,
    },
    TypeChange {
        before: Box<Diff>,
        after: Box<Diff>,
    },
    Unknown {
        before: Option<Box<Diff>>,
    },
}

/// `computed.Diff`.
#[derive(Clone, Debug)]
pub struct Diff {
    pub renderer: Renderer,
    pub action: Action,
    pub replace: bool,
}

impl Diff {
    pub fn new(renderer: Renderer, action: Action, replace: bool) -> Diff {
        Diff {
            renderer,
            action,
            replace,
        }
    }
}

/// `computed.RenderHumanOpts`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Opts {
    pub color: bool,
    pub override_null_suffix: bool,
    pub force_forces_replacement: bool,
    pub forbid_forces_replacement: bool,
    pub show_unchanged_children: bool,
    pub hide_diff_action_symbols: bool,
}

impl Opts {
    pub fn new(color: bool) -> Opts {
        Opts {
            color,
            ..Opts::default()
        }
    }

    /// `Clone`: the force/forbid replacement flags do not cascade.
    pub fn child(&self) -> Opts {
        Opts {
            force_forces_replacement: false,
            forbid_forces_replacement: false,
            ..*self
        }
    }
}
