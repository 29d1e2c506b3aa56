//! `terraform show` of a state, for humans (`jsonformat.State`).

use crate::addrs::{Mode, ModuleInstance};
use crate::lang::repl::go_quote;
use crate::states::State;
use crate::views::diff::differ::{diff_block, diff_type};
use crate::views::diff::{Change, Opts};
use crate::views::json::{state_modules, state_output_value};
use crate::views::jsonv::Json;
use crate::views::values::{sensitive_as_bool, value_json};
use crate::views::SchemaLookup;

/// The state as `terraform show` prints it (colour off).
pub fn render_show(state: &State, schemas: &dyn SchemaLookup) -> String {
    render_show_with(state, schemas, false)
}

/// The state as `terraform show` prints it.
pub fn render_show_with(state: &State, schemas: &dyn SchemaLookup, color: bool) -> String {
    if state.is_empty() {
        return "The state file is empty. No resources are represented.\n".into();
    }
    let mut opts = Opts::new(color);
    opts.show_unchanged_children = true;
    opts.hide_diff_action_symbols = true;

    let mut out = String::new();
    let modules = state_modules(state, schemas);
    let with_resources: Vec<&ModuleInstance> = modules
        .iter()
        .filter(|(_, insts)| !insts.is_empty())
        .map(|(m, _)| m)
        .collect();
    for (module, insts) in &modules {
        // Terraform recurses into child modules with the parent's `first`:
        // a module starts without a blank line only when no ancestor
        // printed a resource.
        let first = !with_resources
            .iter()
            .any(|m| m.0.len() < module.0.len() && module.0.starts_with(&m.0));
        if !insts.is_empty() && !first {
            out.push('\n');
        }
        let mut f = first;
        for inst in insts {
            if !f {
                out.push('\n');
            }
            f = false;
            if let Some(d) = &inst.deposed {
                out.push_str(&format!("# {}: (deposed object {d})", inst.address));
            } else if inst.tainted {
                out.push_str(&format!("# {}: (tainted)", inst.address));
            } else {
                out.push_str(&format!("# {}:", inst.address));
            }
            out.push('\n');
            let values = inst.values_json().unwrap_or_else(Json::object);
            let sensitive = sensitive_as_bool(&inst.value);
            let change = Change::no_op(&values, &sensitive);
            let kind = if inst.mode == Mode::Managed {
                "resource"
            } else {
                "data"
            };
            out.push_str(&format!(
                "{kind} {} {} {}",
                go_quote(&inst.type_name),
                go_quote(&inst.name),
                diff_block(change, &inst.block).render_human(0, &opts)
            ));
            out.push('\n');
        }
    }

    if !state.outputs.is_empty() {
        out.push_str("\n\nOutputs:\n\n");
        for (name, o) in &state.outputs {
            let (v, ty) = state_output_value(o);
            let value = value_json(&v);
            let sensitive = Json::Bool(o.sensitive);
            let change = Change::no_op(&value, &sensitive);
            out.push_str(&format!(
                "{name} = {}\n",
                diff_type(change, &ty).render_human(0, &opts)
            ));
        }
    }
    out
}
