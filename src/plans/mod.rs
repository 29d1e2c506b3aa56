//! Plans: the changes the engine proposes, as Terraform's `plans` package
//! models them.

pub mod file;

use crate::addrs::AbsInstance;
use crate::states::State;
use std::collections::BTreeMap;
use tfrs_provider::{AttrPath, Type, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    NoOp,
    Create,
    Read,
    Update,
    /// Replace: destroy the old object, then create the new one.
    DeleteThenCreate,
    /// Replace with `create_before_destroy`.
    CreateThenDelete,
    Delete,
    /// Drop from the state without destroying (a `removed` block with
    /// `destroy = false`).
    Forget,
}

impl Action {
    /// The `actions` list of Terraform's JSON plan.
    pub fn json_actions(self) -> &'static [&'static str] {
        match self {
            Action::NoOp => &["no-op"],
            Action::Create => &["create"],
            Action::Read => &["read"],
            Action::Update => &["update"],
            Action::DeleteThenCreate => &["delete", "create"],
            Action::CreateThenDelete => &["create", "delete"],
            Action::Delete => &["delete"],
            Action::Forget => &["forget"],
        }
    }
    pub fn is_replace(self) -> bool {
        matches!(self, Action::DeleteThenCreate | Action::CreateThenDelete)
    }
}

/// Why an action was chosen, where Terraform says so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionReason {
    ReplaceBecauseTainted,
    ReplaceByRequest,
    ReplaceByTriggers,
    ReplaceBecauseCannotUpdate,
    DeleteBecauseNoResourceConfig,
    DeleteBecauseNoModule,
    DeleteBecauseCountIndex,
    DeleteBecauseEachKey,
    DeleteBecauseWrongRepetition,
    ReadBecauseConfigUnknown,
    ReadBecauseDependencyPending,
}

impl ActionReason {
    /// The `action_reason` of Terraform's JSON plan.
    pub fn json(self) -> &'static str {
        match self {
            ActionReason::ReplaceBecauseTainted => "replace_because_tainted",
            ActionReason::ReplaceByRequest => "replace_by_request",
            ActionReason::ReplaceByTriggers => "replace_by_triggers",
            ActionReason::ReplaceBecauseCannotUpdate => "replace_because_cannot_update",
            ActionReason::DeleteBecauseNoResourceConfig => "delete_because_no_resource_config",
            ActionReason::DeleteBecauseNoModule => "delete_because_no_module",
            ActionReason::DeleteBecauseCountIndex => "delete_because_count_index",
            ActionReason::DeleteBecauseEachKey => "delete_because_each_key",
            ActionReason::DeleteBecauseWrongRepetition => "delete_because_wrong_repetition",
            ActionReason::ReadBecauseConfigUnknown => "read_because_config_unknown",
            ActionReason::ReadBecauseDependencyPending => "read_because_dependency_pending",
        }
    }
}

/// One proposed change to one resource instance (or deposed object).
#[derive(Clone, Debug)]
pub struct ResourceChange {
    pub addr: AbsInstance,
    /// Set when the change concerns a deposed object.
    pub deposed: Option<String>,
    /// `provider["registry.terraform.io/hashicorp/aws"]`.
    pub provider: String,
    pub action: Action,
    pub reason: Option<ActionReason>,
    /// The prior object (null when creating). Sensitive parts are marked.
    pub before: Value,
    /// The planned object (null when deleting), unknown where only apply
    /// will tell. Sensitive parts are marked.
    pub after: Value,
    /// The schema's object type, for typed encodings.
    pub ty: Type,
    pub replace_paths: Vec<AttrPath>,
    pub private: Vec<u8>,
    /// `each` of the resource in state (`list` for count, `map` for
    /// for_each), kept so apply can record it.
    pub each: Option<&'static str>,
    /// The import ID when the object is imported by this plan.
    pub importing: Option<String>,
    /// The address the object had before a `moved` block moved it.
    pub prev_addr: Option<AbsInstance>,
}

impl ResourceChange {
    /// Whether applying this change does anything: an action, an import,
    /// or a move recorded in the state.
    pub fn is_effective(&self) -> bool {
        self.action != Action::NoOp || self.importing.is_some() || self.prev_addr.is_some()
    }
}

#[derive(Clone, Debug)]
pub struct OutputChange {
    pub name: String,
    pub action: Action,
    pub before: Value,
    pub after: Value,
    pub sensitive: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PlanMode {
    #[default]
    Normal,
    Destroy,
    RefreshOnly,
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub mode: PlanMode,
    pub changes: Vec<ResourceChange>,
    pub output_changes: Vec<OutputChange>,
    /// Changes found by refreshing: objects changed or deleted outside tfrs.
    pub drift: Vec<ResourceChange>,
    /// The state as refreshed, which apply starts from.
    pub prior_state: State,
    /// Input variable values the plan was made with.
    pub variables: BTreeMap<String, Value>,
    pub targets: Vec<String>,
    pub errored: bool,
    /// RFC 3339 time the plan was made (`plantimestamp()`).
    pub timestamp: String,
}

impl Plan {
    /// Whether applying would change anything (resources or outputs).
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(ResourceChange::is_effective)
            || self.output_changes.iter().any(|c| c.action != Action::NoOp)
    }

    /// Counts for the `Plan: N to add, M to change, K to destroy.` line.
    pub fn summary(&self) -> (usize, usize, usize) {
        let mut add = 0;
        let mut change = 0;
        let mut destroy = 0;
        for c in &self.changes {
            match c.action {
                Action::Create => add += 1,
                Action::Update => change += 1,
                Action::Delete => destroy += 1,
                Action::DeleteThenCreate | Action::CreateThenDelete => {
                    add += 1;
                    destroy += 1;
                }
                Action::NoOp | Action::Read | Action::Forget => {}
            }
        }
        (add, change, destroy)
    }

    /// How many objects the plan imports.
    pub fn imports(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.importing.is_some())
            .count()
    }
}
