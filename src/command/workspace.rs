//! `tfrs workspace list|show|new|select|delete`, with Terraform's texts
//! (`internal/command/workspace_*.go`).

use super::flags::{self, Kind};
use super::state::{
    load_backend, lock_flags, lock_state, print_meta_diags, strip_no_color, unlock_state,
    LoadFailure,
};
use crate::backend::{valid_workspace_name, workspace_override, Backend, LocalConfig};
use crate::diag::Diagnostic;

const HELP: &str = "Usage: tfrs [global options] workspace

  new, list, show, select and delete Terraform workspaces.

Subcommands:
    delete    Delete a workspace
    list      List Workspaces
    new       Create a new workspace
    select    Select a workspace
    show      Show the name of the current workspace
";

const NEW_HELP: &str = "Usage: tfrs [global options] workspace new [OPTIONS] NAME

  Create a new Terraform workspace.

Options:

    -lock=false         Don't hold a state lock during the operation. This is
                        dangerous if others might concurrently run commands
                        against the same workspace.

    -lock-timeout=0s    Duration to retry a state lock.

    -state=path         Copy an existing state file into the new workspace.
";

const SELECT_HELP: &str = "Usage: tfrs [global options] workspace select NAME

  Select a different Terraform workspace.

Options:

    -or-create=false    Create the Terraform workspace if it doesn't exist.
";

const DELETE_HELP: &str = "Usage: tfrs [global options] workspace delete [OPTIONS] NAME

  Delete a Terraform workspace


Options:

  -force             Remove a workspace even if it is managing resources.
                     Terraform can no longer track or manage the workspace's
                     infrastructure.

  -lock=false        Don't hold a state lock during the operation. This is
                     dangerous if others might concurrently run commands
                     against the same workspace.

  -lock-timeout=0s   Duration to retry a state lock.
";

const LIST_HELP: &str = "Usage: tfrs [global options] workspace list

  List Terraform workspaces.
";

const SHOW_HELP: &str = "Usage: tfrs [global options] workspace show

  Show the name of the current workspace.
";

const ENV_DOES_NOT_EXIST: &str = "
Workspace %q doesn't exist.

You can create this workspace with the \"new\" subcommand 
or include the \"-or-create\" flag with the \"select\" subcommand.";

const ENV_CREATED: &str = "Created and switched to workspace %q!

You're now on a new, empty workspace. Workspaces isolate their state,
so if you run \"terraform plan\" Terraform will not see any existing state
for this configuration.";

const ENV_WARN_NOT_EMPTY: &str = "WARNING: %q was non-empty.
The resources managed by the deleted workspace may still exist,
but are no longer manageable by Terraform since the state has
been deleted.
";

const ENV_DEL_CURRENT: &str = "Workspace %q is your active workspace.

You cannot delete the currently active workspace. Please switch
to another workspace and try again.";

const ENV_INVALID_NAME: &str = "
The workspace name %q is not allowed. The name must contain only URL safe
characters, and no path separators.
";

const ENV_IS_OVERRIDDEN_NOTE: &str = "

The active workspace is being overridden using the TF_WORKSPACE environment
variable.
";

const ENV_IS_OVERRIDDEN_SELECT_ERROR: &str = "
The selected workspace is currently overridden using the TF_WORKSPACE
environment variable.

To select a new workspace, either update this environment variable or unset
it and then run this command again.
";

const ENV_IS_OVERRIDDEN_NEW_ERROR: &str = "
The workspace is currently overridden using the TF_WORKSPACE environment
variable. You cannot create a new workspace when using this setting.

To create a new workspace, either unset this environment variable or update it
to match the workspace name you are trying to create, and then run this command
again.
";

/// Go's `fmt.Sprintf` with one `%q`.
fn q(template: &str, name: &str) -> String {
    template.replacen("%q", &crate::lang::repl::go_quote(name), 1)
}

pub fn run(args: &[String]) -> i32 {
    let Some((sub, rest)) = args.split_first() else {
        print!("{HELP}");
        return 1;
    };
    let (rest, no_color) = strip_no_color(rest);
    if rest
        .iter()
        .any(|a| a == "-help" || a == "--help" || a == "-h")
    {
        print!(
            "{}",
            match sub.as_str() {
                "new" => NEW_HELP,
                "select" => SELECT_HELP,
                "delete" => DELETE_HELP,
                "list" => LIST_HELP,
                "show" => SHOW_HELP,
                _ => HELP,
            }
        );
        return 0;
    }
    match sub.as_str() {
        "list" => list(&rest),
        "show" => show(&rest),
        "new" => new(&rest, no_color),
        "select" => select(&rest),
        "delete" => delete(&rest, no_color),
        "-help" | "--help" | "-h" => {
            print!("{HELP}");
            0
        }
        _ => {
            print!("{HELP}");
            1
        }
    }
}

fn flag_error(e: &str) -> i32 {
    eprintln!("Error parsing command-line flags: {e}\n");
    1
}

fn backend() -> Result<Backend, i32> {
    load_backend(LocalConfig::default(), false).map_err(|e| {
        if let LoadFailure::Error(e) = e {
            eprintln!("{e}");
        }
        1
    })
}

/// The current workspace and whether `TF_WORKSPACE` sets it.
fn current(b: &Backend) -> (String, bool) {
    match workspace_override() {
        Some(ws) => (ws, true),
        None => (b.selected_workspace(), false),
    }
}

fn list(args: &[String]) -> i32 {
    if let Err(e) = flags::parse(args, &[]) {
        return flag_error(&e);
    }
    let b = match backend() {
        Ok(b) => b,
        Err(c) => return c,
    };
    let workspaces = match b.workspaces() {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let (env, overridden) = current(&b);
    let mut out = String::new();
    for w in &workspaces {
        out.push_str(if *w == env { "* " } else { "  " });
        out.push_str(w);
        out.push('\n');
    }
    println!("{out}");
    if overridden {
        println!("{ENV_IS_OVERRIDDEN_NOTE}");
    }
    0
}

fn show(args: &[String]) -> i32 {
    if let Err(e) = flags::parse(args, &[]) {
        return flag_error(&e);
    }
    let b = match backend() {
        Ok(b) => b,
        Err(c) => return c,
    };
    match b.current_workspace() {
        Ok(w) => {
            println!("{w}");
            0
        }
        Err(e) => {
            eprintln!("{e}");
            1
        }
    }
}

fn new(args: &[String], no_color: bool) -> i32 {
    let p = match flags::parse(
        args,
        &[
            ("lock", Kind::Bool),
            ("lock-timeout", Kind::Value),
            ("state", Kind::Value),
        ],
    ) {
        Ok(p) => p,
        Err(e) => return flag_error(&e),
    };
    let lf = match lock_flags(&p) {
        Ok(l) => l,
        Err(e) => return flag_error(&e),
    };
    if p.positional.len() != 1 {
        eprintln!("Expected a single argument: NAME.\n");
        print!("{NEW_HELP}");
        return 1;
    }
    let name = &p.positional[0];
    if !valid_workspace_name(name) {
        eprintln!("{}", q(ENV_INVALID_NAME, name));
        return 1;
    }
    if let Some(ws) = workspace_override() {
        if ws != *name {
            eprintln!("{ENV_IS_OVERRIDDEN_NEW_ERROR}");
            return 1;
        }
    }
    let b = match backend() {
        Ok(b) => b,
        Err(c) => return c,
    };
    match b.workspaces() {
        Ok(ws) if ws.contains(name) => {
            eprintln!(
                "Workspace {} already exists",
                crate::lang::repl::go_quote(name)
            );
            return 1;
        }
        Ok(_) => {}
        Err(e) => {
            eprintln!("Failed to get configured named states: {e}");
            return 1;
        }
    }
    if let Err(e) = b.create_workspace(name) {
        eprintln!("{e}");
        return 1;
    }
    if let Err(e) = b.select_workspace(name) {
        eprintln!("Error selecting new workspace: {e}");
        return 1;
    }
    println!("{}", q(ENV_CREATED, name));
    let Some(state_path) = p.value("state").filter(|s| !s.is_empty()) else {
        return 0;
    };
    // Copy the given state into the new workspace.
    let Ok(mut mgr) = lock_state(&b, name, &lf, "workspace-new", no_color) else {
        return 1;
    };
    let code = (|| {
        let bytes = match std::fs::read(state_path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!(
                    "{}",
                    crate::backend::os::go_io_error("open", std::path::Path::new(state_path), &e)
                );
                return 1;
            }
        };
        let mut state = match crate::backend::parse_state(Some(&bytes)) {
            Ok(Some(s)) => s,
            Ok(None) => {
                eprintln!("no state");
                return 1;
            }
            Err(e) => {
                eprintln!("{e}");
                return 1;
            }
        };
        if let Err(e) = mgr.persist(&mut state) {
            eprintln!("{e}");
            return 1;
        }
        0
    })();
    unlock_state(mgr, no_color);
    code
}

fn select(args: &[String]) -> i32 {
    let p = match flags::parse(args, &[("or-create", Kind::Bool)]) {
        Ok(p) => p,
        Err(e) => return flag_error(&e),
    };
    if p.positional.len() != 1 {
        eprintln!("Expected a single argument: NAME.\n");
        print!("{SELECT_HELP}");
        return 1;
    }
    if workspace_override().is_some() {
        eprintln!("{ENV_IS_OVERRIDDEN_SELECT_ERROR}");
        return 1;
    }
    let b = match backend() {
        Ok(b) => b,
        Err(c) => return c,
    };
    let name = &p.positional[0];
    if !valid_workspace_name(name) {
        eprintln!("{}", q(ENV_INVALID_NAME, name));
        return 1;
    }
    let workspaces = match b.workspaces() {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    if *name == b.selected_workspace() {
        return 0;
    }
    let mut created = false;
    if !workspaces.contains(name) {
        if !p.bool("or-create") {
            eprintln!("{}", q(ENV_DOES_NOT_EXIST, name));
            return 1;
        }
        if let Err(e) = b.create_workspace(name) {
            eprintln!("{e}");
            return 1;
        }
        created = true;
    }
    if let Err(e) = b.select_workspace(name) {
        eprintln!("{e}");
        return 1;
    }
    if created {
        println!("{}", q(ENV_CREATED, name));
    } else {
        println!(
            "Switched to workspace {}.",
            crate::lang::repl::go_quote(name)
        );
    }
    0
}

fn delete(args: &[String], no_color: bool) -> i32 {
    let p = match flags::parse(
        args,
        &[
            ("force", Kind::Bool),
            ("lock", Kind::Bool),
            ("lock-timeout", Kind::Value),
        ],
    ) {
        Ok(p) => p,
        Err(e) => return flag_error(&e),
    };
    let lf = match lock_flags(&p) {
        Ok(l) => l,
        Err(e) => return flag_error(&e),
    };
    if p.positional.len() != 1 {
        eprintln!("Expected a single argument: NAME.\n");
        print!("{DELETE_HELP}");
        return 1;
    }
    let b = match backend() {
        Ok(b) => b,
        Err(c) => return c,
    };
    let name = &p.positional[0];
    match b.workspaces() {
        Ok(ws) if !ws.contains(name) => {
            eprintln!("{}", q(ENV_DOES_NOT_EXIST.trim(), name));
            return 1;
        }
        Ok(_) => {}
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    }
    match b.current_workspace() {
        Ok(cur) if cur == *name => {
            eprintln!("{}", q(ENV_DEL_CURRENT, name));
            return 1;
        }
        Ok(_) => {}
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    }
    let Ok(mgr) = lock_state(&b, name, &lf, "workspace-delete", no_color) else {
        return 1;
    };
    let instances: Vec<String> = mgr
        .state()
        .map(|s| {
            let mut v = Vec::new();
            for r in &s.resources {
                let addr = r.address();
                for i in &r.instances {
                    let inst =
                        addr.instance(crate::addrs::InstanceKey::from_json(i.index_key.as_ref()));
                    match &i.deposed {
                        Some(k) => v.push(format!("{inst} (deposed object {k})")),
                        None => v.push(inst.to_string()),
                    }
                }
            }
            v
        })
        .unwrap_or_default();
    let has_resources = mgr.state().is_some_and(|s| {
        s.resources
            .iter()
            .any(|r| r.mode == "managed" && !r.instances.is_empty())
    });
    if has_resources && !p.bool("force") {
        unlock_state(mgr, no_color);
        let list: String = instances.iter().map(|i| format!("\n  - {i}")).collect();
        print_meta_diags(
            &[Diagnostic::error(
                "Workspace is not empty",
                format!(
                    "Workspace {} is currently tracking the following resource instances:{list}\n\nDeleting this workspace would cause Terraform to lose track of any associated remote objects, which would then require you to delete them manually outside of Terraform. You should destroy these objects with Terraform before deleting the workspace.\n\nIf you want to delete this workspace anyway, and have Terraform forget about these managed objects, use the -force option to disable this safety check.",
                    crate::lang::repl::go_quote(name)
                ),
            )],
            no_color,
        );
        return 1;
    }
    // Terraform releases the lock just before deleting.
    unlock_state(mgr, no_color);
    if let Err(e) = b.delete_workspace(name) {
        eprintln!("{e}");
        return 1;
    }
    println!("Deleted workspace {}!", crate::lang::repl::go_quote(name));
    if has_resources {
        println!("{}", q(ENV_WARN_NOT_EMPTY, name));
    }
    0
}
