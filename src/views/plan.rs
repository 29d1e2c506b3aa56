//! The human plan: what `terraform plan` prints after refreshing
//! (`jsonformat.Plan.renderHuman`), and the note that follows it.

use crate::addrs::Mode;
use crate::plans::{Action, ActionReason, Plan, PlanMode};
use crate::views::color::colorize;
use crate::views::diff::differ::{diff_block, diff_output};
use crate::views::diff::render::ensure_valid_attribute_name;
use crate::views::diff::{Change, Diff, Matcher, Opts};
use crate::views::format::{
    diff_action_symbol, horizontal_rule, pad_right, word_wrap, DEFAULT_COLUMNS,
};
use crate::views::json::{
    applyable, marshal_output_changes, marshal_resource_changes, reported_drift, ResourceChangeJson,
};
use crate::views::jsonv::Json;
use crate::views::SchemaLookup;
use tfrs_provider::AttrPath;

/// How to render a plan.
#[derive(Clone, Debug)]
pub struct PlanRenderOptions {
    pub color: bool,
    /// Output width (Terraform uses 78 when not writing to a terminal).
    pub width: usize,
    /// Terraform's `relevant_attributes`: (resource instance address,
    /// attribute path) pairs the configuration refers to. Terraform shows
    /// only drift of relevant attributes outside refresh-only mode. `None`
    /// shows all drift.
    pub relevant_attributes: Option<Vec<(String, AttrPath)>>,
    /// `TF_IN_AUTOMATION`: no suggestion to run another command.
    pub in_automation: bool,
}

impl PlanRenderOptions {
    pub fn new(color: bool) -> PlanRenderOptions {
        PlanRenderOptions {
            color,
            width: DEFAULT_COLUMNS,
            relevant_attributes: None,
            in_automation: false,
        }
    }
}

/// The human plan, as `terraform plan` prints it after the refresh lines.
pub fn render(plan: &Plan, schemas: &dyn SchemaLookup, color: bool) -> String {
    render_with(plan, schemas, &PlanRenderOptions::new(color))
}

struct RenderedChange<'s> {
    rc: ResourceChangeJson<'s>,
    diff: Diff,
}

fn resource_diff(rc: &ResourceChangeJson<'_>, relevant: Matcher) -> Diff {
    let null = Json::Null;
    let after = rc.after.as_ref().unwrap_or(&null);
    let change = Change::new(
        &rc.before,
        after,
        &rc.after_unknown,
        &rc.before_sensitive,
        &rc.after_sensitive,
        Matcher::from_attr_paths(&rc.replace_paths, false),
        relevant,
    );
    diff_block(change, &rc.block)
}

/// The human plan with explicit options.
pub fn render_with(plan: &Plan, schemas: &dyn SchemaLookup, o: &PlanRenderOptions) -> String {
    let color = o.color;
    let width = o.width;
    let mut out = String::new();

    // Precompute the diffs.
    let mut drift: Vec<RenderedChange> = Vec::new();
    for rc in marshal_resource_changes(&reported_drift(plan), schemas) {
        let relevant = if plan.mode == PlanMode::RefreshOnly {
            Some(Matcher::Always)
        } else {
            match &o.relevant_attributes {
                None => Some(Matcher::Always),
                Some(attrs) => {
                    let mut m = Matcher::empty(true);
                    let mut any = false;
                    for (res, path) in attrs {
                        if res.is_empty() || *res == rc.address {
                            m.push(path);
                            any = true;
                        }
                    }
                    any.then_some(m)
                }
            }
        };
        let Some(relevant) = relevant else { continue };
        let diff = resource_diff(&rc, relevant);
        drift.push(RenderedChange { rc, diff });
    }
    let changes: Vec<RenderedChange> = marshal_resource_changes(&plan.changes, schemas)
        .into_iter()
        .map(|rc| {
            let diff = resource_diff(&rc, Matcher::Always);
            RenderedChange { rc, diff }
        })
        .collect();
    let output_json = marshal_output_changes(&plan.output_changes);
    let output_diffs: Vec<(String, Diff)> = output_json
        .iter()
        .map(|oc| {
            let null = Json::Null;
            let after = oc.after.as_ref().unwrap_or(&null);
            let s = Json::Bool(oc.sensitive);
            let change = Change::new(
                &oc.before,
                after,
                &oc.after_unknown,
                &s,
                &s,
                Matcher::empty(false),
                Matcher::Always,
            );
            (oc.name.clone(), diff_output(change))
        })
        .collect();
    let diffs_empty = changes.iter().all(|c| c.diff.action == Action::NoOp)
        && output_diffs.iter().all(|(_, d)| d.action == Action::NoOp);

    let have_refresh_changes = render_drift(&mut out, &drift, plan.mode, diffs_empty, color, width);

    let mut shown: Vec<&RenderedChange> = Vec::new();
    let mut counts: std::collections::BTreeMap<Action, usize> = Default::default();
    for c in &changes {
        let moved_or_imported = c.rc.importing.is_some() || c.rc.previous_address.is_some();
        if c.rc.action == Action::NoOp && !moved_or_imported {
            continue;
        }
        if c.rc.action == Action::Delete && c.rc.mode != Mode::Managed {
            continue;
        }
        shown.push(c);
        if !matches!(c.rc.action, Action::NoOp | Action::Forget) {
            *counts.entry(c.rc.action).or_default() += 1;
        }
    }
    let imports = changes.iter().filter(|c| c.rc.importing.is_some()).count();
    let outputs = render_outputs(&output_diffs, color);

    if shown.is_empty() && outputs.is_empty() {
        if plan.errored {
            if have_refresh_changes {
                out.push_str(&horizontal_rule(color, width));
                out.push('\n');
            }
            out.push_str(&colorize(
                "\n[reset][bold][red]Planning failed.[reset][bold] Terraform encountered an error while generating this plan.[reset]\n\n",
                color,
            ));
        } else {
            match plan.mode {
                PlanMode::RefreshOnly => {
                    if have_refresh_changes {
                        return out;
                    }
                    out.push_str(&colorize(
                        "\n[reset][bold][green]No changes.[reset][bold] Your infrastructure still matches the configuration.[reset]\n\n",
                        color,
                    ));
                    out.push_str(&word_wrap(
                        "Terraform has checked that the real remote objects still match the result of your most recent changes, and found no differences.",
                        width,
                    ));
                    out.push('\n');
                }
                PlanMode::Destroy => {
                    if have_refresh_changes {
                        out.push_str(&horizontal_rule(color, width));
                        out.push('\n');
                    }
                    out.push_str(&colorize(
                        "\n[reset][bold][green]No changes.[reset][bold] No objects need to be destroyed.[reset]\n\n",
                        color,
                    ));
                    out.push_str(&word_wrap(
                        "Either you have not created any objects yet or the existing objects were already deleted outside of Terraform.",
                        width,
                    ));
                    out.push('\n');
                }
                PlanMode::Normal => {
                    if have_refresh_changes {
                        out.push_str(&horizontal_rule(color, width));
                        out.push('\n');
                    }
                    out.push_str(&colorize(
                        "\n[reset][bold][green]No changes.[reset][bold] Your infrastructure matches the configuration.[reset]\n\n",
                        color,
                    ));
                    if have_refresh_changes {
                        if applyable(plan) {
                            out.push_str(&word_wrap(
                                "Your configuration already matches the changes detected above, so applying this plan will only update the state to include the changes detected above and won't change any real infrastructure.",
                                width,
                            ));
                        } else {
                            let suggestion = if o.in_automation {
                                "."
                            } else {
                                ":\n  terraform apply -refresh-only"
                            };
                            out.push_str(&word_wrap(
                                &format!("Your configuration already matches the changes detected above. If you'd like to update the Terraform state to match, create and apply a refresh-only plan{suggestion}"),
                                width,
                            ));
                        }
                        out.push('\n');
                        return out;
                    }
                    out.push_str(&word_wrap(
                        "Terraform has compared your real infrastructure against your configuration and found no differences, so no changes are needed.",
                        width,
                    ));
                    out.push('\n');
                }
            }
        }
    }

    if have_refresh_changes {
        out.push_str(&horizontal_rule(color, width));
        out.push('\n');
    }

    if !counts.is_empty() {
        out.push_str(&word_wrap(
            "\nTerraform used the selected providers to generate the following execution plan. Resource actions are indicated with the following symbols:",
            width,
        ));
        out.push('\n');
        for a in [
            Action::Create,
            Action::Update,
            Action::Delete,
            Action::DeleteThenCreate,
            Action::CreateThenDelete,
            Action::Read,
        ] {
            if counts.get(&a).copied().unwrap_or(0) > 0 {
                out.push_str(&colorize(action_description(a), color));
                out.push('\n');
            }
        }
    }

    if !shown.is_empty() {
        if plan.errored {
            out.push_str(
                "\nTerraform planned the following actions, but then encountered a problem:\n",
            );
        } else {
            out.push_str("\nTerraform will perform the following actions:\n");
        }
        for c in &shown {
            if let Some(d) = render_change(c, "change", color) {
                out.push('\n');
                out.push_str(&d);
                out.push('\n');
            }
        }
        let n = |a: Action| counts.get(&a).copied().unwrap_or(0);
        let add = n(Action::Create) + n(Action::DeleteThenCreate) + n(Action::CreateThenDelete);
        let destroy = n(Action::Delete) + n(Action::DeleteThenCreate) + n(Action::CreateThenDelete);
        let import = if imports > 0 {
            format!("{imports} to import, ")
        } else {
            String::new()
        };
        out.push_str(&colorize(
            &format!(
                "\n[bold]Plan:[reset] {import}{add} to add, {} to change, {destroy} to destroy.\n",
                n(Action::Update)
            ),
            color,
        ));
    }

    if !outputs.is_empty() {
        out.push_str("\nChanges to Outputs:\n");
        out.push_str(&outputs);
        out.push('\n');
        if counts.is_empty() {
            out.push_str(&word_wrap(
                "\nYou can apply this plan to save these new output values to the Terraform state, without changing any real infrastructure.",
                width,
            ));
            out.push('\n');
        }
    }
    out
}

fn action_description(a: Action) -> &'static str {
    match a {
        Action::Create => "  [green]+[reset] create",
        Action::Delete => "  [red]-[reset] destroy",
        Action::Update => "  [yellow]~[reset] update in-place",
        Action::CreateThenDelete => {
            "[green]+[reset]/[red]-[reset] create replacement and then destroy"
        }
        Action::DeleteThenCreate => {
            "[red]-[reset]/[green]+[reset] destroy and then create replacement"
        }
        Action::Read => " [cyan]<=[reset] read (data resources)",
        Action::NoOp | Action::Forget => "",
    }
}

fn render_outputs(outputs: &[(String, Diff)], color: bool) -> String {
    let max = outputs
        .iter()
        .map(|(k, _)| ensure_valid_attribute_name(k).len())
        .max()
        .unwrap_or(0);
    let mut rendered = Vec::new();
    for (k, d) in outputs {
        if d.action != Action::NoOp {
            rendered.push(format!(
                "{} {} = {}",
                colorize(diff_action_symbol(d.action), color),
                pad_right(&ensure_valid_attribute_name(k), max),
                d.render_human(0, &Opts::new(color))
            ));
        }
    }
    rendered.join("\n")
}

fn render_drift(
    out: &mut String,
    drift: &[RenderedChange],
    mode: PlanMode,
    diffs_empty: bool,
    color: bool,
    width: usize,
) -> bool {
    let drs: Vec<&RenderedChange> = if mode == PlanMode::RefreshOnly {
        drift.iter().collect()
    } else {
        drift
            .iter()
            .filter(|d| d.diff.action != Action::NoOp)
            .collect()
    };
    if drs.is_empty() {
        return false;
    }
    if diffs_empty && mode != PlanMode::RefreshOnly {
        return false;
    }
    out.push_str(&colorize(
        "\n[bold][cyan]Note:[reset][bold] Objects have changed outside of Terraform\n",
        color,
    ));
    out.push('\n');
    out.push_str(&word_wrap(
        "Terraform detected the following changes made outside of Terraform since the last \"terraform apply\" which may have affected this plan:\n",
        width,
    ));
    for d in drs {
        if let Some(s) = render_change(d, "drift", color) {
            out.push('\n');
            out.push_str(&s);
            out.push('\n');
        }
    }
    let msg = match mode {
        PlanMode::RefreshOnly => "\n\nThis is a refresh-only plan, so Terraform will not take any actions to undo these. If you were expecting these changes then you can apply this plan to record the updated values in the Terraform state without changing any remote objects.",
        _ => "\n\nUnless you have made equivalent changes to your configuration, or ignored the relevant attributes using ignore_changes, the following plan may include actions to undo or respond to these changes.",
    };
    out.push_str(&word_wrap(msg, width));
    out.push('\n');
    true
}

fn render_change(c: &RenderedChange, cause: &str, color: bool) -> Option<String> {
    let action = c.rc.action;
    if action == Action::NoOp && c.rc.importing.is_none() && c.rc.previous_address.is_none() {
        return None;
    }
    let mut buf = colorize(&resource_change_comment(&c.rc, action, cause), color);
    let opts = Opts::new(color);
    buf.push_str(&format!(
        "{} {} {}",
        colorize(diff_action_symbol(action), color),
        resource_change_header(&c.rc),
        c.diff.render_human(0, &opts)
    ));
    Some(buf)
}

fn resource_change_header(rc: &ResourceChangeJson<'_>) -> String {
    let mode = if rc.mode == Mode::Managed {
        "resource"
    } else {
        "data"
    };
    format!("{mode} \"{}\" \"{}\"", rc.type_name, rc.name)
}

fn resource_change_comment(rc: &ResourceChangeJson<'_>, action: Action, cause: &str) -> String {
    let mut disp = rc.address.clone();
    if let Some(d) = &rc.deposed {
        disp = format!("{disp} (deposed object {d})");
    }
    let mut buf = String::new();
    match action {
        Action::Create => buf.push_str(&format!("[bold]  # {disp}[reset] will be created")),
        Action::Read => {
            buf.push_str(&format!("[bold]  # {disp}[reset] will be read during apply"));
            match rc.reason {
                Some(ActionReason::ReadBecauseConfigUnknown) => {
                    buf.push_str("\n  # (config refers to values not yet known)")
                }
                Some(ActionReason::ReadBecauseDependencyPending) => {
                    buf.push_str("\n  # (depends on a resource or a module with changes pending)")
                }
                _ => {}
            }
        }
        Action::Update => match cause {
            "drift" => buf.push_str(&format!("[bold]  # {disp}[reset] has changed")),
            _ => buf.push_str(&format!("[bold]  # {disp}[reset] will be updated in-place")),
        },
        Action::CreateThenDelete | Action::DeleteThenCreate => match rc.reason {
            Some(ActionReason::ReplaceBecauseTainted) => {
                buf.push_str(&format!("[bold]  # {disp}[reset] is tainted, so must be [bold][red]replaced[reset]"))
            }
            Some(ActionReason::ReplaceByRequest) => {
                buf.push_str(&format!("[bold]  # {disp}[reset] will be [bold][red]replaced[reset], as requested"))
            }
            Some(ActionReason::ReplaceByTriggers) => buf.push_str(&format!(
                "[bold]  # {disp}[reset] will be [bold][red]replaced[reset] due to changes in replace_triggered_by"
            )),
            _ => buf.push_str(&format!("[bold]  # {disp}[reset] must be [bold][red]replaced[reset]")),
        },
        Action::Delete => {
            match cause {
                "drift" => buf.push_str(&format!("[bold]  # {disp}[reset] has been deleted")),
                _ => buf.push_str(&format!("[bold]  # {disp}[reset] will be [bold][red]destroyed[reset]")),
            }
            match rc.reason {
                Some(ActionReason::DeleteBecauseNoResourceConfig) => {
                    buf.push_str(&format!("\n  # (because {}.{} is not in configuration)", rc.type_name, rc.name))
                }
                Some(ActionReason::DeleteBecauseNoModule) => {
                    buf.push_str(&format!("\n  # (because {} is not in configuration)", rc.module_address))
                }
                Some(ActionReason::DeleteBecauseWrongRepetition) => match &rc.index {
                    None => buf.push_str("\n  # (because resource uses count or for_each)"),
                    Some(Json::Number(_)) => buf.push_str("\n  # (because resource does not use count)"),
                    Some(_) => buf.push_str("\n  # (because resource does not use for_each)"),
                },
                Some(ActionReason::DeleteBecauseCountIndex) => buf.push_str(&format!(
                    "\n  # (because index [{}] is out of range for count)",
                    rc.index.clone().unwrap_or_default()
                )),
                Some(ActionReason::DeleteBecauseEachKey) => buf.push_str(&format!(
                    "\n  # (because key [{}] is not in for_each map)",
                    rc.index.clone().unwrap_or_default()
                )),
                _ => {}
            }
            if rc.deposed.is_some() {
                buf.push_str("\n  # (left over from a partially-failed replacement of this instance)");
            }
        }
        Action::Forget => {
            buf.push_str(&format!("[bold] # {disp}[reset] will no longer be managed by Terraform, but will not be destroyed"));
            buf.push_str("\n # [reset](destroy = false is set in the configuration)");
        }
        Action::NoOp => {}
    }
    if let Some(prev) = rc.previous_address.as_ref().filter(|p| **p != rc.address) {
        if action == Action::NoOp {
            buf.push_str(&format!("[bold]  # {prev}[reset] has moved to {disp}"));
        } else {
            buf.push_str(&format!("\n  # [reset](moved from {prev})"));
        }
    }
    if let Some(id) = &rc.importing {
        if action == Action::NoOp {
            if rc.previous_address.is_none() {
                buf.push_str(&format!("[bold]  # {disp}[reset] will be imported"));
            }
        } else {
            buf.push_str(&format!("\n  # [reset](imported from \"{id}\")"));
        }
    }
    buf.push('\n');
    buf
}

/// What `terraform plan` prints after the plan (`PlanNextStep`): a rule and
/// a note on how to apply it. Empty in automation.
pub fn next_step(
    plan_path: Option<&str>,
    color: bool,
    width: usize,
    in_automation: bool,
) -> String {
    if in_automation {
        return String::new();
    }
    let mut out = horizontal_rule(color, width);
    out.push('\n');
    let text = match plan_path {
        None => "\nNote: You didn't use the -out option to save this plan, so Terraform can't guarantee to take exactly these actions if you run \"terraform apply\" now.".to_string(),
        Some(p) => format!(
            "\nSaved the plan to: {p}\n\nTo perform exactly these actions, run the following command to apply:\n    terraform apply {}",
            crate::lang::repl::go_quote(p)
        ),
    };
    out.push_str(&word_wrap(&text, width));
    out.push('\n');
    out
}
