//! `tfrs state list|show|mv|rm|pull|push`: state management as Terraform's
//! `internal/command/state_*.go`, with the same texts and exit codes.
//!
//! Also the pieces other state-only commands share (`output`,
//! `workspace`, `force-unlock`): loading the backend, lock flags, printing
//! diagnostics the way Terraform's two UI layers do, and the human
//! rendering of a resource instance (`state show`).

use super::flags::{self, Kind, Parsed};
use crate::addrs::{
    parse_target, AbsInstance, AbsResource, InstanceKey, Mode, ModuleInstance, Resource, Target,
};
use crate::backend::{
    lock_diagnostic, unlock_diagnostic, Backend, BackendError, LocalConfig, LockOptions,
    StateManager,
};
use crate::diag::{render_styled, Diagnostic, SourceMap, Style};
use crate::lang::repl::go_quote;
use crate::states::{InstanceState, ResourceState, State};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::OnceLock;
use tfrs_provider::schema::{Block, Nesting};
use tfrs_provider::Type;

// ---------------------------------------------------------------------------
// Shared CLI pieces

/// Removes `-no-color` wherever it is (Terraform's `Meta.process`).
pub(crate) fn strip_no_color(args: &[String]) -> (Vec<String>, bool) {
    let mut no_color = false;
    let rest = args
        .iter()
        .filter(|a| {
            let nc = *a == "-no-color" || *a == "--no-color";
            no_color |= nc;
            !nc
        })
        .cloned()
        .collect();
    (rest, no_color)
}

fn style(no_color: bool) -> Style {
    if no_color {
        Style::Plain
    } else {
        Style::Boxed
    }
}

/// Prints diagnostics as Terraform's views do: errors to standard error,
/// warnings to standard output.
pub(crate) fn print_view_diags(diags: &[Diagnostic], no_color: bool) {
    let sources = SourceMap::default();
    for d in diags {
        let text = render_styled(d, &sources, style(no_color));
        if d.is_error() {
            eprint!("{text}");
        } else {
            print!("{text}");
        }
    }
}

/// Prints diagnostics as Terraform's older commands do (`showDiagnostics`):
/// to standard error, each followed by an empty line.
pub(crate) fn print_meta_diags(diags: &[Diagnostic], no_color: bool) {
    let sources = SourceMap::default();
    let mut err = std::io::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{}", render_styled(d, &sources, style(no_color)));
    }
}

/// Why the backend could not be loaded.
pub(crate) enum LoadFailure {
    /// A configuration problem (e.g. "Backend initialization required"):
    /// Terraform's diagnostics have been printed.
    Reported,
    /// Anything else, for the caller to word.
    Error(BackendError),
}

/// The backend of the current directory, with `overrides` (`-state`...),
/// checked against the configuration's `backend` block. Its warnings and
/// configuration errors are printed here, with the configuration's source.
pub(crate) fn load_backend(overrides: LocalConfig, no_color: bool) -> Result<Backend, LoadFailure> {
    let sources = SourceMap::default();
    let print = |diags: &[Diagnostic]| {
        let mut err = std::io::stderr().lock();
        for d in diags {
            let _ = writeln!(err, "{}", render_styled(d, &sources, style(no_color)));
        }
    };
    match Backend::for_working_dir(".", overrides, &sources) {
        Ok((b, warnings)) => {
            print(&warnings.0);
            Ok(b)
        }
        Err(BackendError::Config(d)) => {
            print(&d.0);
            Err(LoadFailure::Reported)
        }
        Err(e) => Err(LoadFailure::Error(e)),
    }
}

/// `-lock` and `-lock-timeout`, already parsed.
pub(crate) struct LockFlags {
    pub lock: bool,
    pub timeout: std::time::Duration,
}

pub(crate) fn lock_flags(p: &Parsed) -> Result<LockFlags, String> {
    let timeout = match p.value("lock-timeout") {
        Some(v) => crate::backend::parse_duration(v)
            .map_err(|_| format!("invalid value {v:?} for flag -lock-timeout: parse error"))?,
        None => std::time::Duration::ZERO,
    };
    Ok(LockFlags {
        lock: p.bool_or("lock", true),
        timeout,
    })
}

/// Locks (or, with `-lock=false`, just opens) a workspace's state,
/// printing Terraform's notice when it takes a while and its error when
/// the lock is held.
pub(crate) fn lock_state(
    backend: &Backend,
    workspace: &str,
    flags: &LockFlags,
    operation: &str,
    no_color: bool,
) -> Result<StateManager, ()> {
    let mut notice = || println!("Acquiring state lock. This may take a few moments...");
    let mut opts = LockOptions {
        lock: flags.lock,
        timeout: flags.timeout,
        operation: operation.to_string(),
        on_slow: Some(&mut notice),
    };
    match backend.lock_state(workspace, &mut opts) {
        Ok(m) => Ok(m),
        Err(e @ BackendError::Lock(_)) => {
            print_meta_diags(&[lock_diagnostic(&e)], no_color);
            Err(())
        }
        Err(e) => {
            eprintln!("{}", format_args!("Failed to load state: {e}"));
            Err(())
        }
    }
}

/// Releases a state manager's lock, reporting a failure as Terraform does.
pub(crate) fn unlock_state(mgr: StateManager, no_color: bool) {
    if let Err(e) = mgr.unlock() {
        print_meta_diags(&[unlock_diagnostic(&e)], no_color);
    }
}

const ERR_STATE_NOT_FOUND: &str = "No state file was found!

State management commands require a state file. Run this command
in a directory where Terraform has been run or use the -state flag
to point the command to a specific state location.";

fn err_state_loading(e: &dyn std::fmt::Display) -> String {
    format!(
        "Error loading the state: {e}

Please ensure that your Terraform state exists and that you've
configured it properly. You can use the \"-state\" flag to point
Terraform at another state file."
    )
}

const ERR_STATE_RM_PERSIST: &str = "Error saving the state: %s

The state was not saved. No items were removed from the persisted
state. No backup was created since no modification occurred. Please
resolve the issue above and try again.";

// ---------------------------------------------------------------------------
// Dispatch

const HELP: &str = "Usage: tfrs [global options] state <subcommand> [options] [args]

  This command has subcommands for advanced state management.

  These subcommands can be used to slice and dice the Terraform state.
  This is sometimes necessary in advanced cases. For your safety, all
  state management commands that modify the state create a timestamped
  backup of the state prior to making modifications.

  The structure and output of the commands is specifically tailored to work
  well with the common Unix utilities such as grep, awk, etc. We recommend
  using those tools to perform more advanced state tasks.

Subcommands:
    list                List resources in the state
    mv                  Move an item in the state
    pull                Pull current state and output to stdout
    push                Update remote state from a local state file
    rm                  Remove instances from the state
    show                Show a resource in the state
";

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
        let help = match sub.as_str() {
            "list" => LIST_HELP,
            "show" => SHOW_HELP,
            "mv" => MV_HELP,
            "rm" => RM_HELP,
            "pull" => PULL_HELP,
            "push" => PUSH_HELP,
            _ => HELP,
        };
        print!("{help}");
        return 0;
    }
    match sub.as_str() {
        "list" => list(&rest, no_color),
        "show" => show(&rest, no_color),
        "mv" => mv(&rest, no_color),
        "rm" => rm(&rest, no_color),
        "pull" => pull(&rest, no_color),
        "push" => push(&rest, no_color),
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

/// Flag-parsing failure in a state command: Terraform's message.
fn flag_error(e: &str) -> i32 {
    eprintln!("Error parsing command-line flags: {e}\n");
    1
}

fn usage_error(msg: &str, help: &str) -> i32 {
    eprintln!("{msg}\n");
    print!("{help}");
    1
}

// ---------------------------------------------------------------------------
// Addresses

/// Parses an address as Terraform's `ParseTargetStr`, with its diagnostics.
pub(crate) fn parse_address(s: &str) -> Result<Target, Box<Diagnostic>> {
    let diag = |summary: &str, detail: &str| {
        Box::new(Diagnostic::error(
            summary,
            format!("  on  line 1:\n  (source code not available)\n\n{detail}"),
        ))
    };
    let index_required = || {
        diag(
            "Index value required",
            "Index brackets must contain either a literal number or a literal string.",
        )
    };
    if s.ends_with('.') || s.contains("..") || s.starts_with('.') {
        return Err(diag(
            "Attribute name required",
            "Dot must be followed by attribute name.",
        ));
    }
    if s.contains("[]") || s.contains("[.") {
        return Err(index_required());
    }
    {
        // `module` must be followed by a module name.
        let parts: Vec<&str> = s.split('.').collect();
        let mut i = 0;
        while i < parts.len() && parts[i] == "module" {
            if i + 1 >= parts.len() {
                return Err(diag(
                    "Invalid address operator",
                    "Prefix \"module.\" must be followed by a module name.",
                ));
            }
            i += 2;
        }
    }
    match parse_target(s) {
        Ok(t) => Ok(t),
        Err(e) => {
            let msg = e.0;
            if msg.contains("bracket") || msg.contains("index must be") {
                return Err(index_required());
            }
            // Count the dotted parts outside brackets to tell Terraform's
            // two resource-shape errors apart.
            let mut depth = 0;
            let mut parts = 1;
            for c in s.chars() {
                match c {
                    '[' => depth += 1,
                    ']' => depth -= 1,
                    '.' if depth == 0 => parts += 1,
                    _ => {}
                }
            }
            let bare: Vec<&str> = s.split('.').collect();
            let after_modules = {
                let mut i = 0;
                while i + 1 < bare.len() && bare[i] == "module" {
                    i += 2;
                }
                bare.len().saturating_sub(i)
            };
            let is_data = bare
                .iter()
                .rev()
                .nth(after_modules.saturating_sub(1))
                .is_some_and(|p| *p == "data");
            let needed = if is_data { 3 } else { 2 };
            if parts > 0 && after_modules < needed {
                Err(diag(
                    "Invalid address",
                    "Resource specification must include a resource type and name.",
                ))
            } else if after_modules > needed {
                Err(diag(
                    "Invalid address",
                    "Resource instance key must be given in square brackets.",
                ))
            } else {
                Err(diag("Invalid address", &msg))
            }
        }
    }
}

/// The key Terraform sorts instance addresses by (`AbsResourceInstance.Less`):
/// module depth, module path, data before managed, type, name, key.
type SortKey = (usize, ModuleInstance, u8, String, String, InstanceKey);

fn sort_key(a: &AbsInstance) -> SortKey {
    let m = &a.resource.module;
    (
        m.0.len(),
        m.clone(),
        match a.resource.resource.mode {
            Mode::Data => 0,
            Mode::Managed => 1,
        },
        a.resource.resource.type_name.clone(),
        a.resource.resource.name.clone(),
        a.key.clone(),
    )
}

fn sort_instances(v: &mut [AbsInstance]) {
    v.sort_by_cached_key(sort_key);
}

/// Every instance key of a resource (current or deposed objects).
fn instance_keys(r: &ResourceState) -> Vec<InstanceKey> {
    let mut keys: Vec<InstanceKey> = r
        .instances
        .iter()
        .map(|i| InstanceKey::from_json(i.index_key.as_ref()))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

fn all_instances(state: &State) -> Vec<AbsInstance> {
    let mut out: Vec<AbsInstance> = state
        .resources
        .iter()
        .flat_map(|r| {
            let addr = r.address();
            instance_keys(r).into_iter().map(move |k| addr.instance(k))
        })
        .collect();
    sort_instances(&mut out);
    out
}

/// Whether `target` (a module address from the command line) selects the
/// module instance `m`: the same path, an ancestor, or the last step
/// without a key matching any key (`module.a` covers `module.a[0]`).
fn module_selects(target: &ModuleInstance, m: &ModuleInstance) -> bool {
    if m.0.len() < target.0.len() {
        return false;
    }
    for (i, (name, key)) in target.0.iter().enumerate() {
        let (oname, okey) = &m.0[i];
        if name != oname {
            return false;
        }
        if i == target.0.len() - 1 && *key == InstanceKey::None {
            return true;
        }
        if key != okey {
            return false;
        }
    }
    true
}

/// Terraform's `lookupResourceInstanceAddr`.
fn lookup_instances(
    state: &State,
    target: &Target,
    allow_missing: bool,
) -> (Vec<AbsInstance>, Option<Diagnostic>) {
    let mut out = Vec::new();
    let mut diag = None;
    match target {
        Target::Module(m) => {
            for r in &state.resources {
                let addr = r.address();
                if module_selects(m, &addr.module) {
                    out.extend(instance_keys(r).into_iter().map(|k| addr.instance(k)));
                }
            }
            if out.is_empty() && !allow_missing {
                diag = Some(Diagnostic::error(
                    "Unknown module",
                    format!("The current state contains no module at {m}. If you've just added this module to the configuration, you must run \"terraform apply\" first to create the module's entry in the state."),
                ));
            }
        }
        Target::Resource(r) => match state.resource(r) {
            Some(rs) => out.extend(instance_keys(rs).into_iter().map(|k| r.instance(k))),
            None if !allow_missing => {
                diag = Some(Diagnostic::error(
                    "Unknown resource",
                    format!("The current state contains no resource {r}. If you've just added this resource to the configuration, you must run \"terraform apply\" first to create the resource's entry in the state."),
                ))
            }
            None => {}
        },
        Target::Instance(i) => {
            let exists = state
                .resource(&i.resource)
                .is_some_and(|rs| instance_keys(rs).contains(&i.key));
            if exists {
                out.push(i.clone());
            } else if !allow_missing {
                diag = Some(Diagnostic::error(
                    "Unknown resource instance",
                    format!("The current state contains no resource instance {i}. If you've just added its resource to the configuration or have changed the count or for_each arguments, you must run \"terraform apply\" first to update the resource's entry in the state."),
                ));
            }
        }
    }
    sort_instances(&mut out);
    (out, diag)
}

/// Terraform's `LegacyInstanceObjectID`: the `id` attribute of the current object.
fn legacy_id(inst: Option<&InstanceState>) -> String {
    match inst {
        None => "<not created>".into(),
        Some(i) => match i.attributes.get("id") {
            None | Some(serde_json::Value::Null) => String::new(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(_) => "<invalid>".into(),
        },
    }
}

/// Removes every object of an instance (Terraform's
/// `ForgetResourceInstanceAll`) and the resource if it is left empty.
fn forget_instance(state: &mut State, addr: &AbsInstance) -> Vec<InstanceState> {
    let Some(idx) = state
        .resources
        .iter()
        .position(|r| r.address() == addr.resource)
    else {
        return Vec::new();
    };
    let r = &mut state.resources[idx];
    let (taken, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut r.instances)
        .into_iter()
        .partition(|i| InstanceKey::from_json(i.index_key.as_ref()) == addr.key);
    r.instances = kept;
    if r.instances.is_empty() {
        state.resources.remove(idx);
    }
    taken
}

// ---------------------------------------------------------------------------
// Loading the state for a state command

/// The state manager of a state command: `-state=PATH` names a local file
/// directly, otherwise the current workspace of the backend; the backup is
/// timestamped (`terraform.tfstate.1700000000.backup`) unless `-backup`.
fn state_command_manager(
    state_path: Option<&str>,
    backup: Option<&str>,
    flags: &LockFlags,
    operation: &str,
    no_color: bool,
) -> Result<StateManager, ()> {
    let overrides = LocalConfig {
        state: state_path.map(PathBuf::from),
        ..LocalConfig::default()
    };
    let backend = match load_backend(overrides, no_color) {
        Ok(b) => b,
        Err(LoadFailure::Reported) => return Err(()),
        Err(LoadFailure::Error(e)) => {
            eprintln!("{}", err_state_loading(&e));
            return Err(());
        }
    };
    let ws = match backend.current_workspace() {
        Ok(w) => w,
        Err(e) => {
            eprintln!("{}", err_state_loading(&e));
            return Err(());
        }
    };
    let mut mgr = lock_state(&backend, &ws, flags, operation, no_color)?;
    if let Some(paths) = mgr.paths().cloned() {
        let backup_path = match backup {
            Some(b) if !b.is_empty() && b != "-" => PathBuf::from(b),
            _ => {
                let secs = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                let mut s = paths.write.into_os_string();
                s.push(format!(".{secs}.backup"));
                PathBuf::from(s)
            }
        };
        mgr.set_backup_path(Some(backup_path));
    }
    Ok(mgr)
}

/// The state of the current workspace for a read-only command; the
/// error to print (empty when it was printed already).
fn read_current_state(state_path: Option<&str>, no_color: bool) -> Result<Option<State>, String> {
    let overrides = LocalConfig {
        state: state_path.filter(|s| !s.is_empty()).map(PathBuf::from),
        ..LocalConfig::default()
    };
    let backend = load_backend(overrides, no_color).map_err(|e| match e {
        LoadFailure::Reported => String::new(),
        LoadFailure::Error(e) => err_state_loading(&e),
    })?;
    let ws = backend
        .current_workspace()
        .map_err(|e| format!("Error selecting workspace: {e}"))?;
    backend
        .read_state(&ws)
        .map_err(|e| format!("Failed to load state: {e}"))
}

// ---------------------------------------------------------------------------
// state list

const LIST_HELP: &str = "Usage: tfrs [global options] state list [options] [address...]

  List resources in the Terraform state.

  This command lists resource instances in the Terraform state. The address
  argument can be used to filter the instances by resource or module. If
  no pattern is given, all resource instances are listed.

  The addresses must either be module addresses or absolute resource
  addresses, such as:
      aws_instance.example
      module.example
      module.example.module.child
      module.example.aws_instance.example

  An error will be returned if any of the resources or modules given as
  filter addresses do not exist in the state.

Options:

  -state=statefile    Path to a Terraform state file to use to look
                      up Terraform-managed resources. By default, Terraform
                      will consult the state of the currently-selected
                      workspace.

  -id=ID              Filters the results to include only instances whose
                      resource types have an attribute named \"id\" whose value
                      equals the given id string.
";

fn list(args: &[String], no_color: bool) -> i32 {
    let p = match flags::parse(args, &[("state", Kind::Value), ("id", Kind::Value)]) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("Error parsing command-line flags: {e}\n");
            print!("{LIST_HELP}");
            return 1;
        }
    };
    let state = match read_current_state(p.value("state"), no_color) {
        Ok(Some(s)) => s,
        Ok(None) => {
            eprintln!("{ERR_STATE_NOT_FOUND}");
            return 1;
        }
        Err(e) => {
            if !e.is_empty() {
                eprintln!("{e}");
            }
            return 1;
        }
    };
    let mut addrs = Vec::new();
    let mut diags = Vec::new();
    if p.positional.is_empty() {
        addrs = all_instances(&state);
    } else {
        for a in &p.positional {
            match parse_address(a) {
                Ok(t) => {
                    let (found, d) = lookup_instances(&state, &t, false);
                    addrs.extend(found);
                    diags.extend(d);
                }
                Err(d) => diags.push(*d),
            }
        }
    }
    if !diags.is_empty() {
        print_meta_diags(&diags, no_color);
        return 1;
    }
    let id = p.value("id").unwrap_or("");
    let mut out = std::io::stdout().lock();
    for addr in addrs {
        let current = state.instance(&addr);
        let exists = state
            .resource(&addr.resource)
            .is_some_and(|r| instance_keys(r).contains(&addr.key));
        if exists && (id.is_empty() || legacy_id(current) == id) {
            let _ = writeln!(out, "{addr}");
        }
    }
    0
}

// ---------------------------------------------------------------------------
// state show

const SHOW_HELP: &str = "Usage: tfrs [global options] state show [options] ADDRESS

  Shows the attributes of a resource in the Terraform state.

  This command shows the attributes of a single resource in the Terraform
  state. The address argument must be used to specify a single resource.
  You can view the list of available resources with \"terraform state list\".

Options:

  -state=statefile    Path to a Terraform state file to use to look
                      up Terraform-managed resources. By default it will
                      use the state \"terraform.tfstate\" if it exists.
";

const ERR_NO_INSTANCE_FOUND: &str = "No instance found for the given address!

This command requires that the address references one specific instance.
To view the available instances, use \"terraform state list\". Please modify 
the address to reference a specific instance.";

/// Finds the schema of a resource type for `state show` (provider address
/// as in the state, resource type, mode). The engine registers one; without
/// it attributes are rendered from their JSON alone.
pub type SchemaLookup =
    fn(provider: &str, type_name: &str, mode: Mode) -> Option<tfrs_provider::schema::Schema>;

static SCHEMA_LOOKUP: OnceLock<SchemaLookup> = OnceLock::new();

/// Registers how `state show` finds schemas; `false` if one already is.
pub fn set_schema_lookup(f: SchemaLookup) -> bool {
    SCHEMA_LOOKUP.set(f).is_ok()
}

fn show(args: &[String], no_color: bool) -> i32 {
    let p = match flags::parse(args, &[("state", Kind::Value)]) {
        Ok(p) => p,
        Err(e) => return flag_error(&e),
    };
    if p.positional.len() != 1 {
        return usage_error("Exactly one argument expected.", SHOW_HELP);
    }
    let raw = &p.positional[0];
    let addr = match parse_target(raw) {
        Ok(Target::Instance(i)) => i,
        Ok(Target::Resource(r)) => r.instance(InstanceKey::None),
        _ => {
            eprintln!(
                "Error parsing instance address: {raw}

This command requires that the address references one specific instance.
To view the available instances, use \"terraform state list\". Please modify 
the address to reference a specific instance."
            );
            return 1;
        }
    };
    let state = match read_current_state(p.value("state"), no_color) {
        Ok(Some(s)) => s,
        Ok(None) => {
            eprintln!("{ERR_STATE_NOT_FOUND}");
            return 1;
        }
        Err(e) => {
            if !e.is_empty() {
                eprintln!("{e}");
            }
            return 1;
        }
    };
    let (Some(rs), Some(inst)) = (state.resource(&addr.resource), state.instance(&addr)) else {
        eprintln!("{ERR_NO_INSTANCE_FOUND}");
        return 1;
    };
    let schema = SCHEMA_LOOKUP
        .get()
        .and_then(|f| f(&rs.provider, &rs.type_name, addr.resource.resource.mode));
    let text = render_instance(&addr, inst, schema.as_ref().map(|s| &s.block));
    print!("{text}");
    0
}

// ---------------------------------------------------------------------------
// state rm

const RM_HELP: &str = "Usage: tfrs [global options] state rm [options] ADDRESS...

  Remove one or more items from the Terraform state, causing Terraform to
  \"forget\" those items without first destroying them in the remote system.

  This command removes one or more resource instances from the Terraform state
  based on the addresses given. You can view and list the available instances
  with \"terraform state list\".

  If you give the address of an entire module then all of the instances in
  that module and any of its child modules will be removed from the state.

  If you give the address of a resource that has \"count\" or \"for_each\" set,
  all of the instances of that resource will be removed from the state.

Options:

  -dry-run                If set, prints out what would've been removed but
                          doesn't actually remove anything.

  -backup=PATH            Path where Terraform should write the backup
                          state.

  -lock=false             Don't hold a state lock during the operation. This is
                          dangerous if others might concurrently run commands
                          against the same workspace.

  -lock-timeout=0s        Duration to retry a state lock.

  -state=PATH             Path to the state file to update. Defaults to the
                          current workspace state.

  -ignore-remote-version  Continue even if remote and local Terraform versions
                          are incompatible. This may result in an unusable
                          workspace, and should be used with extreme caution.
";

fn rm(args: &[String], no_color: bool) -> i32 {
    let p = match flags::parse(
        args,
        &[
            ("dry-run", Kind::Bool),
            ("backup", Kind::Value),
            ("lock", Kind::Bool),
            ("lock-timeout", Kind::Value),
            ("state", Kind::Value),
            ("ignore-remote-version", Kind::Bool),
        ],
    ) {
        Ok(p) => p,
        Err(e) => return flag_error(&e),
    };
    let lf = match lock_flags(&p) {
        Ok(l) => l,
        Err(e) => return flag_error(&e),
    };
    if p.positional.is_empty() {
        return usage_error("At least one address is required.", RM_HELP);
    }
    let dry_run = p.bool("dry-run");
    let state_path = p.value("state").filter(|s| !s.is_empty());
    let Ok(mut mgr) =
        state_command_manager(state_path, p.value("backup"), &lf, "state-rm", no_color)
    else {
        return 1;
    };
    let code = rm_locked(&mut mgr, &p.positional, dry_run, no_color);
    unlock_state(mgr, no_color);
    code
}

fn rm_locked(mgr: &mut StateManager, addresses: &[String], dry_run: bool, no_color: bool) -> i32 {
    let Some(mut state) = mgr.state().cloned() else {
        eprintln!("{ERR_STATE_NOT_FOUND}");
        return 1;
    };
    let mut addrs = Vec::new();
    let mut diags = Vec::new();
    for a in addresses {
        match parse_address(a) {
            Ok(t) => addrs.extend(lookup_instances(&state, &t, true).0),
            Err(d) => diags.push(*d),
        }
    }
    if !diags.is_empty() {
        print_meta_diags(&diags, no_color);
        return 1;
    }
    let prefix = if dry_run { "Would remove " } else { "Removed " };
    let mut out = std::io::stdout().lock();
    let mut count = 0;
    for addr in &addrs {
        count += 1;
        let _ = writeln!(out, "{prefix}{addr}");
        if !dry_run {
            forget_instance(&mut state, addr);
        }
    }
    if dry_run {
        if count == 0 {
            let _ = writeln!(out, "Would have removed nothing.");
        }
        return 0;
    }
    if let Err(e) = mgr.persist(&mut state) {
        eprintln!("{}", ERR_STATE_RM_PERSIST.replace("%s", &e.to_string()));
        return 1;
    }
    if count == 0 {
        drop(out);
        print_meta_diags(
            &[Diagnostic::error(
                "Invalid target address",
                "No matching objects found. To view the available instances, use \"terraform state list\". Please modify the address to reference a specific instance.",
            )],
            no_color,
        );
        return 1;
    }
    let _ = writeln!(out, "Successfully removed {count} resource instance(s).");
    0
}

// ---------------------------------------------------------------------------
// state mv

const MV_HELP: &str = "Usage: tfrs [global options] state mv [options] SOURCE DESTINATION

 This command will move an item matched by the address given to the
 destination address. This command can also move to a destination address
 in a completely different state file.

 This can be used for simple resource renaming, moving items to and from
 a module, moving entire modules, and more. And because this command can also
 move data to a completely new state, it can also be used for refactoring
 one configuration into multiple separately managed Terraform configurations.

 This command will output a backup copy of the state prior to saving any
 changes. The backup cannot be disabled. Due to the destructive nature
 of this command, backups are required.

 If you're moving an item to a different state file, a backup will be created
 for each state file.

Options:

  -dry-run                If set, prints out what would've been moved but doesn't
                          actually move anything.

  -lock=false             Don't hold a state lock during the operation. This is
                          dangerous if others might concurrently run commands
                          against the same workspace.

  -lock-timeout=0s        Duration to retry a state lock.

  -ignore-remote-version  A rare option used for the remote backend only. See
                          the remote backend documentation for more information.

  -state, state-out, and -backup are legacy options supported for the local
  backend only. For more information, see the local backend's documentation.
";

const ERR_STATE_MV: &str = "Error moving state: %s

Please ensure your addresses and state paths are valid. No
state was persisted. Your existing states are untouched.";

fn mv(args: &[String], no_color: bool) -> i32 {
    let p = match flags::parse(
        args,
        &[
            ("dry-run", Kind::Bool),
            ("backup", Kind::Value),
            ("backup-out", Kind::Value),
            ("lock", Kind::Bool),
            ("lock-timeout", Kind::Value),
            ("state", Kind::Value),
            ("state-out", Kind::Value),
            ("ignore-remote-version", Kind::Bool),
        ],
    ) {
        Ok(p) => p,
        Err(e) => return flag_error(&e),
    };
    let lf = match lock_flags(&p) {
        Ok(l) => l,
        Err(e) => return flag_error(&e),
    };
    if p.positional.len() != 2 {
        return usage_error("Exactly two arguments expected.", MV_HELP);
    }
    let state_path = p.value("state").filter(|s| !s.is_empty());
    let backup = p.value("backup").unwrap_or("-");
    let backup_out = p.value("backup-out").unwrap_or("-");
    if state_path.is_none() {
        let mut legacy = Vec::new();
        if backup != "-" {
            legacy.push("-backup");
        }
        if backup_out != "-" {
            legacy.push("-backup-out");
        }
        if !legacy.is_empty()
            && load_backend(LocalConfig::default(), no_color).is_ok_and(|b| !b.is_local())
        {
            print_meta_diags(
                &[Diagnostic::error(
                    format!("Invalid command line options: {}", legacy.join(", ")),
                    "Command line options -backup and -backup-out are legacy options that operate on a local state file only. You must specify a local state file with the -state option or switch to the local backend.",
                )],
                no_color,
            );
            return 1;
        }
    }
    let Ok(mut from_mgr) =
        state_command_manager(state_path, Some(backup), &lf, "state-mv", no_color)
    else {
        return 1;
    };
    let Some(from_state) = from_mgr.state().cloned() else {
        eprintln!("{ERR_STATE_NOT_FOUND}");
        unlock_state(from_mgr, no_color);
        return 1;
    };
    let state_out = p.value("state-out").filter(|s| !s.is_empty());
    let mut to_mgr = None;
    if let Some(out) = state_out {
        match state_command_manager(Some(out), Some(backup_out), &lf, "state-mv", no_color) {
            Ok(m) => to_mgr = Some(m),
            Err(()) => {
                unlock_state(from_mgr, no_color);
                return 1;
            }
        }
    }
    let to_state = to_mgr.as_ref().map(|m| {
        m.state()
            .cloned()
            .unwrap_or_else(|| State::new(crate::states::new_lineage()))
    });
    let code = mv_states(
        &mut from_mgr,
        to_mgr.as_mut(),
        from_state,
        to_state,
        (&p.positional[0], &p.positional[1]),
        p.bool("dry-run"),
        no_color,
    );
    if let Some(m) = to_mgr {
        unlock_state(m, no_color);
    }
    unlock_state(from_mgr, no_color);
    code
}

/// What a source address expands to (Terraform's `sourceObjectAddrs`).
enum MoveSource {
    Module(ModuleInstance),
    Resource(AbsResource),
    Instance(AbsInstance),
}

fn module_paths(state: &State) -> Vec<ModuleInstance> {
    let mut v: Vec<ModuleInstance> = state.resources.iter().map(|r| r.address().module).collect();
    v.sort_by_cached_key(|m| (m.0.len(), m.clone()));
    v.dedup();
    v
}

fn source_objects(state: &State, t: &Target) -> Vec<MoveSource> {
    match t {
        Target::Module(m) => module_paths(state)
            .into_iter()
            .filter(|p| p.0.len() >= m.0.len() && p.0[..m.0.len()] == m.0[..])
            .map(MoveSource::Module)
            .collect(),
        Target::Resource(r) => match state.resource(r) {
            Some(rs) if instance_keys(rs).contains(&InstanceKey::None) => {
                vec![MoveSource::Instance(r.instance(InstanceKey::None))]
            }
            Some(_) => vec![MoveSource::Resource(r.clone())],
            None => Vec::new(),
        },
        Target::Instance(i) => vec![MoveSource::Instance(i.clone())],
    }
}

fn validate_resource_move(from: &AbsResource, to: &AbsResource) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let invalid = "Invalid state move request";
    if from.resource.mode != to.resource.mode {
        let what = match from.resource.mode {
            Mode::Managed => {
                "a managed resource can be moved only to another managed resource address"
            }
            Mode::Data => "a data resource can be moved only to another data resource address",
        };
        diags.push(Diagnostic::error(
            invalid,
            format!("Cannot move {from} to {to}: {what}."),
        ));
    }
    if from.resource.type_name != to.resource.type_name {
        diags.push(Diagnostic::error(
            invalid,
            format!("Cannot move {from} to {to}: resource types don't match."),
        ));
    }
    diags
}

fn set_resource_address(r: &mut ResourceState, addr: &AbsResource) {
    r.module = if addr.module.is_root() {
        None
    } else {
        Some(addr.module.to_string())
    };
    r.mode = addr.resource.mode.as_str().to_string();
    r.type_name = addr.resource.type_name.clone();
    r.name = addr.resource.name.clone();
}

/// The configuration address of a resource (module keys dropped), as
/// dependencies record it.
fn config_address(module: &ModuleInstance, resource: &Resource) -> String {
    let mut s = String::new();
    for (name, _) in &module.0 {
        s.push_str("module.");
        s.push_str(name);
        s.push('.');
    }
    s.push_str(&resource.to_string());
    s
}

/// Drops the recorded dependencies of objects that depend on what moved,
/// so the next apply records them afresh (as Terraform does).
fn clear_dependencies(state: &mut State, moved: &MoveSource) {
    let touches = |dep: &str| -> bool {
        match moved {
            MoveSource::Module(m) => {
                let prefix: String = m.0.iter().map(|(n, _)| format!("module.{n}.")).collect();
                dep.starts_with(&prefix)
            }
            MoveSource::Resource(r) => dep == config_address(&r.module, &r.resource),
            MoveSource::Instance(i) => {
                dep == config_address(&i.resource.module, &i.resource.resource)
            }
        }
    };
    for r in &mut state.resources {
        for inst in &mut r.instances {
            if inst.dependencies.iter().any(|d| touches(d)) {
                inst.dependencies.clear();
            }
        }
    }
}

fn mv_states(
    from_mgr: &mut StateManager,
    to_mgr: Option<&mut StateManager>,
    mut from: State,
    mut to: Option<State>,
    (src_raw, dst_raw): (&str, &str),
    dry_run: bool,
    no_color: bool,
) -> i32 {
    let mut diags = Vec::new();
    let src = parse_address(src_raw).map_err(|d| diags.push(*d)).ok();
    let dst = parse_address(dst_raw).map_err(|d| diags.push(*d)).ok();
    let (Some(src), Some(dst)) = (src, dst) else {
        print_meta_diags(&diags, no_color);
        return 1;
    };
    let prefix = if dry_run { "Would move" } else { "Move" };
    let invalid_source = "Invalid source address";
    let invalid_target = "Invalid target address";
    let sources = source_objects(&from, &src);
    if sources.is_empty() {
        print_meta_diags(
            &[Diagnostic::error(
                invalid_source,
                format!("Cannot move {src}: does not match anything in the current state."),
            )],
            no_color,
        );
        return 1;
    }
    let fail = |diags: &[Diagnostic]| {
        print_meta_diags(diags, no_color);
        1
    };
    let mut out = std::io::stdout().lock();
    let mut moved = 0;
    for source in &sources {
        // The destination state: the other file with -state-out, else the same.
        match source {
            MoveSource::Module(from_mod) => {
                let Target::Module(dest) = &dst else {
                    return fail(&[Diagnostic::error(
                        invalid_target,
                        format!(
                            "Cannot move {from_mod} to {dst}: the target must also be a module."
                        ),
                    )]);
                };
                let Target::Module(search) = &src else {
                    unreachable!("module sources come from module addresses")
                };
                let mut to_mod = dest.clone();
                if search.0.len() < from_mod.0.len() {
                    to_mod
                        .0
                        .extend(from_mod.0[search.0.len()..].iter().cloned());
                }
                let target_state = to.as_ref().unwrap_or(&from);
                if target_state
                    .resources
                    .iter()
                    .any(|r| r.address().module == to_mod)
                {
                    drop(out);
                    eprintln!(
                        "{}",
                        ERR_STATE_MV.replace("%s", "destination module already exists")
                    );
                    return 1;
                }
                moved += 1;
                let _ = writeln!(
                    out,
                    "{prefix} {} to {}",
                    go_quote(&from_mod.to_string()),
                    go_quote(&to_mod.to_string())
                );
                if !dry_run {
                    let (taken, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut from.resources)
                        .into_iter()
                        .partition(|r| r.address().module == *from_mod);
                    from.resources = kept;
                    let target = to.as_mut().unwrap_or(&mut from);
                    for mut r in taken {
                        let mut addr = r.address();
                        addr.module = to_mod.clone();
                        set_resource_address(&mut r, &addr);
                        target.resources.push(r);
                    }
                }
            }
            MoveSource::Resource(from_res) => {
                let Target::Resource(to_res) = &dst else {
                    return fail(&[Diagnostic::error(
                        invalid_target,
                        format!("Cannot move {from_res} to {dst}: the source is a whole resource (not a resource instance) so the target must also be a whole resource."),
                    )]);
                };
                let mut d = validate_resource_move(from_res, to_res);
                let target_state = to.as_ref().unwrap_or(&from);
                if target_state.resource(to_res).is_some() {
                    d.push(Diagnostic::error(
                        invalid_target,
                        format!("Cannot move to {to_res}: there is already a resource at that address in the current state."),
                    ));
                }
                if from.resource(from_res).is_none() {
                    d.push(Diagnostic::error(
                        invalid_source,
                        format!("The current state does not contain {from_res}."),
                    ));
                }
                if !d.is_empty() {
                    drop(out);
                    return fail(&d);
                }
                moved += 1;
                let _ = writeln!(
                    out,
                    "{prefix} {} to {}",
                    go_quote(&from_res.to_string()),
                    go_quote(&to_res.to_string())
                );
                if !dry_run {
                    if let Some(idx) = from.resources.iter().position(|r| r.address() == *from_res)
                    {
                        let mut r = from.resources.remove(idx);
                        set_resource_address(&mut r, to_res);
                        to.as_mut().unwrap_or(&mut from).resources.push(r);
                    }
                }
            }
            MoveSource::Instance(from_inst) => {
                let to_inst = match &dst {
                    Target::Instance(i) => i.clone(),
                    Target::Resource(r) => r.instance(InstanceKey::None),
                    Target::Module(_) => {
                        return fail(&[Diagnostic::error(
                            invalid_target,
                            format!("Cannot move {from_inst} to {dst}: the target must also be a resource instance."),
                        )]);
                    }
                };
                let mut d = validate_resource_move(&from_inst.resource, &to_inst.resource);
                let target_state = to.as_ref().unwrap_or(&from);
                if target_state
                    .resource(&to_inst.resource)
                    .is_some_and(|r| instance_keys(r).contains(&to_inst.key))
                {
                    d.push(Diagnostic::error(
                        invalid_target,
                        format!("Cannot move to {to_inst}: there is already a resource instance at that address in the current state."),
                    ));
                }
                let from_rs = from.resource(&from_inst.resource).cloned();
                let exists = from_rs
                    .as_ref()
                    .is_some_and(|r| instance_keys(r).contains(&from_inst.key));
                if !exists {
                    d.push(Diagnostic::error(
                        invalid_source,
                        format!("The current state does not contain {from_inst}."),
                    ));
                }
                if !d.is_empty() {
                    drop(out);
                    return fail(&d);
                }
                moved += 1;
                let _ = writeln!(
                    out,
                    "{prefix} {} to {}",
                    go_quote(&from_inst.to_string()),
                    go_quote(dst_raw)
                );
                if !dry_run {
                    let from_rs = from_rs.unwrap_or_else(|| unreachable!("checked above"));
                    let objects = forget_instance(&mut from, from_inst);
                    let target = to.as_mut().unwrap_or(&mut from);
                    let idx = match target
                        .resources
                        .iter()
                        .position(|r| r.address() == to_inst.resource)
                    {
                        Some(i) => i,
                        None => {
                            let mut r = from_rs.clone();
                            r.instances.clear();
                            r.each = None;
                            set_resource_address(&mut r, &to_inst.resource);
                            target.resources.push(r);
                            target.resources.len() - 1
                        }
                    };
                    // Terraform 1.x no longer writes `each`; it is left as it was.
                    let r = &mut target.resources[idx];
                    for mut o in objects {
                        o.index_key = to_inst.key.to_json();
                        r.instances.push(o);
                    }
                    r.instances
                        .sort_by_key(|i| InstanceKey::from_json(i.index_key.as_ref()));
                }
            }
        }
        clear_dependencies(to.as_mut().unwrap_or(&mut from), source);
    }
    if dry_run {
        if moved == 0 {
            let _ = writeln!(out, "Would have moved nothing.");
        }
        return 0;
    }
    let persisted = match (to.as_mut(), to_mgr) {
        (Some(to_state), Some(to_mgr)) => to_mgr
            .persist(to_state)
            .and_then(|_| from_mgr.persist(&mut from)),
        _ => from_mgr.persist(&mut from),
    };
    if let Err(e) = persisted {
        drop(out);
        eprintln!("{}", ERR_STATE_RM_PERSIST.replace("%s", &e.to_string()));
        return 1;
    }
    if moved == 0 {
        let _ = writeln!(out, "No matching objects found.");
    } else {
        let _ = writeln!(out, "Successfully moved {moved} object(s).");
    }
    0
}

// ---------------------------------------------------------------------------
// state pull / push

const PULL_HELP: &str = "Usage: tfrs [global options] state pull [options]

  Pull the state from its location, upgrade the local copy, and output it
  to stdout.

  This command \"pulls\" the current state and outputs it to stdout.
  As part of this process, Terraform will upgrade the state format of the
  local copy to the current version.

  The primary use of this is for state stored remotely. This command
  will still work with local state but is less useful for this.
";

fn pull(args: &[String], no_color: bool) -> i32 {
    if let Err(e) = flags::parse(args, &[]) {
        return flag_error(&e);
    }
    match read_current_state(None, no_color) {
        Ok(Some(mut state)) => {
            state.terraform_version = crate::command::TERRAFORM_VERSION.to_string();
            println!("{}", crate::backend::json::state_file_text(&state));
            0
        }
        Ok(None) => 0,
        Err(e) => {
            if !e.is_empty() {
                eprintln!(
                    "{}",
                    e.replacen("Failed to load state", "Failed to refresh state", 1)
                );
            }
            1
        }
    }
}

const PUSH_HELP: &str = "Usage: tfrs [global options] state push [options] PATH

  Update remote state from a local state file at PATH.

  This command \"pushes\" a local state and overwrites remote state
  with a local state file. The command will protect you against writing
  an older serial or a different state file lineage unless you specify the
  \"-force\" flag.

  This command works with local state (it will overwrite the local
  state), but is less useful for this use case.

  If PATH is \"-\", then this command will read the state to push from stdin.
  Data from stdin is not streamed to the backend: it is loaded completely
  (until pipe close), verified, and then pushed.

Options:

  -force              Write the state even if lineages don't match or the
                      remote serial is higher.

  -lock=false         Don't hold a state lock during the operation. This is
                      dangerous if others might concurrently run commands
                      against the same workspace.

  -lock-timeout=0s    Duration to retry a state lock.
";

fn push(args: &[String], no_color: bool) -> i32 {
    let p = match flags::parse(
        args,
        &[
            ("force", Kind::Bool),
            ("lock", Kind::Bool),
            ("lock-timeout", Kind::Value),
            ("ignore-remote-version", Kind::Bool),
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
        return usage_error("Exactly one argument expected.", PUSH_HELP);
    }
    let src = &p.positional[0];
    let mut bytes = Vec::new();
    if src == "-" {
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            eprintln!("Error reading source state \"-\": {e}");
            return 1;
        }
    } else {
        match std::fs::read(src) {
            Ok(b) => bytes = b,
            Err(e) => {
                eprintln!(
                    "{}",
                    crate::backend::os::go_io_error("open", std::path::Path::new(src), &e)
                );
                return 1;
            }
        }
    }
    let mut new_state = match crate::backend::parse_state(Some(&bytes)) {
        Ok(Some(s)) => s,
        Ok(None) => {
            eprintln!("Error reading source state {}: no state", go_quote(src));
            return 1;
        }
        Err(e) => {
            eprintln!("Error reading source state {}: {e}", go_quote(src));
            return 1;
        }
    };
    let backend = match load_backend(LocalConfig::default(), no_color) {
        Ok(b) => b,
        Err(LoadFailure::Reported) => return 1,
        Err(LoadFailure::Error(e)) => {
            eprintln!("Failed to load destination state: {e}");
            return 1;
        }
    };
    let ws = match backend.current_workspace() {
        Ok(w) => w,
        Err(e) => {
            eprintln!("Error selecting workspace: {e}");
            return 1;
        }
    };
    let Ok(mut mgr) = lock_state(&backend, &ws, &lf, "state-push", no_color) else {
        return 1;
    };
    let code = match mgr.import(&mut new_state, p.bool("force")) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("Failed to write state: {e}");
            1
        }
    };
    unlock_state(mgr, no_color);
    code
}

// ---------------------------------------------------------------------------
// Human rendering of a resource instance (Terraform's jsonformat renderer
// for states, with every attribute shown and no diff symbols).

/// `state show`'s text for one instance: `# addr:` then the resource block.
/// With a schema, attributes render by their types (maps with quoted keys,
/// nested blocks as blocks); without, each attribute renders from its JSON
/// as Terraform renders dynamic values.
pub fn render_instance(addr: &AbsInstance, inst: &InstanceState, schema: Option<&Block>) -> String {
    let marks = Marks::from_paths(&inst.sensitive_attributes);
    let body = match schema {
        Some(b) => typed_block(&inst.attributes, b, &marks, true),
        None => untyped_block(&inst.attributes, &marks),
    };
    let suffix = if let Some(k) = &inst.deposed {
        format!(" (deposed object {k})")
    } else if inst.is_tainted() {
        " (tainted)".to_string()
    } else {
        String::new()
    };
    let kind = match addr.resource.resource.mode {
        Mode::Managed => "resource",
        Mode::Data => "data",
    };
    format!(
        "# {addr}:{suffix}\n{kind} {} {} {}\n",
        go_quote(&addr.resource.resource.type_name),
        go_quote(&addr.resource.resource.name),
        render_block(&body, 0)
    )
}

/// Where values are sensitive (`sensitive_attributes` paths).
#[derive(Default, Debug)]
struct Marks {
    whole: bool,
    attrs: BTreeMap<String, Marks>,
    keys: BTreeMap<String, Marks>,
    indexes: BTreeMap<i64, Marks>,
}

static NO_MARKS: Marks = Marks {
    whole: false,
    attrs: BTreeMap::new(),
    keys: BTreeMap::new(),
    indexes: BTreeMap::new(),
};

impl Marks {
    fn from_paths(paths: &[serde_json::Value]) -> Marks {
        let mut root = Marks::default();
        for path in paths {
            let Some(steps) = path.as_array() else {
                continue;
            };
            let mut node = &mut root;
            for step in steps {
                let value = &step["value"];
                node = match step["type"].as_str() {
                    Some("get_attr") => node
                        .attrs
                        .entry(value.as_str().unwrap_or_default().to_string())
                        .or_default(),
                    Some("index") => {
                        let key = &value["value"];
                        match key {
                            serde_json::Value::Number(n) => {
                                node.indexes.entry(n.as_i64().unwrap_or(-1)).or_default()
                            }
                            serde_json::Value::String(s) => node.keys.entry(s.clone()).or_default(),
                            _ => node,
                        }
                    }
                    _ => node,
                };
            }
            node.whole = true;
        }
        root
    }
    fn attr(&self, k: &str) -> &Marks {
        self.attrs
            .get(k)
            .or_else(|| self.keys.get(k))
            .unwrap_or(&NO_MARKS)
    }
    fn key(&self, k: &str) -> &Marks {
        self.keys
            .get(k)
            .or_else(|| self.attrs.get(k))
            .unwrap_or(&NO_MARKS)
    }
    fn index(&self, i: usize) -> &Marks {
        self.indexes.get(&(i as i64)).unwrap_or(&NO_MARKS)
    }
}

/// A value ready to render.
#[derive(Debug)]
enum Node {
    Null,
    Sensitive,
    Bool(bool),
    Number(String),
    String(String),
    /// Keys as identifiers where they can be (objects; JSON objects).
    Object(Vec<(String, Node)>),
    /// Keys always quoted.
    Map(Vec<(String, Node)>),
    List(Vec<Node>),
}

#[derive(Debug)]
struct BlockNode {
    attrs: Vec<(String, Node)>,
    /// Block type name, then each block with its map label (`""` unless a
    /// map block).
    blocks: Vec<(String, Vec<(String, BlockItem)>)>,
}

#[derive(Debug)]
enum BlockItem {
    Block(BlockNode),
    Sensitive,
}

/// The dynamic-value wrapper of state JSON (`{"value": ..., "type": ...}`).
fn unwrap_dynamic(j: &serde_json::Value) -> Option<&serde_json::Value> {
    let obj = j.as_object()?;
    if obj.len() == 2 && obj.contains_key("value") && Type::from_json(obj.get("type")?).is_some() {
        obj.get("value")
    } else {
        None
    }
}

/// A JSON value as Terraform's JSON renderer sees it (dynamic values).
fn json_node(j: &serde_json::Value, marks: &Marks) -> Node {
    use serde_json::Value as J;
    if marks.whole {
        return Node::Sensitive;
    }
    match j {
        J::Null => Node::Null,
        J::Bool(b) => Node::Bool(*b),
        J::Number(n) => Node::Number(crate::backend::json::number_text(n)),
        J::String(s) => Node::String(s.clone()),
        J::Array(items) => Node::List(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| json_node(v, marks.index(i)))
                .collect(),
        ),
        J::Object(m) => Node::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), json_node(v, marks.attr(k))))
                .collect(),
        ),
    }
}

/// JSON embedded in a string (`jsonencode(...)`): numbers keep their text.
fn embedded_json_node(j: &serde_json::Value) -> Node {
    use serde_json::Value as J;
    match j {
        J::Number(n) => Node::Number(n.to_string()),
        J::Array(items) => Node::List(items.iter().map(embedded_json_node).collect()),
        J::Object(m) => Node::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), embedded_json_node(v)))
                .collect(),
        ),
        other => json_node(other, &NO_MARKS),
    }
}

/// Whether the schema uses features the legacy SDK could not express; if
/// not, empty strings show as null (Terraform's `NonLegacySchema`).
fn non_legacy(block: &Block) -> bool {
    fn ty_non_legacy(t: &Type) -> bool {
        if t.has_dynamic() {
            return true;
        }
        match t {
            Type::Tuple(_) | Type::Object(..) => true,
            Type::List(e) | Type::Set(e) | Type::Map(e) => match &**e {
                Type::List(ee) | Type::Set(ee) | Type::Map(ee) => !ee.is_primitive(),
                _ => false,
            },
            _ => false,
        }
    }
    block
        .blocks
        .values()
        .any(|b| matches!(b.nesting, Nesting::Map | Nesting::Group))
        || block.attributes.values().any(|a| ty_non_legacy(&a.ty))
}

/// A value of a known type (Terraform's `ComputeDiffForType`).
fn typed_node(j: &serde_json::Value, ty: &Type, marks: &Marks, legacy: bool) -> Node {
    use serde_json::Value as J;
    let j = match j {
        J::String(s) if legacy && s.is_empty() => &J::Null,
        other => other,
    };
    if marks.whole {
        return Node::Sensitive;
    }
    if j.is_null() {
        return Node::Null;
    }
    match ty {
        Type::Dynamic => json_node(unwrap_dynamic(j).unwrap_or(j), marks),
        Type::String => match j {
            J::String(s) => Node::String(s.clone()),
            other => Node::String(other.to_string()),
        },
        Type::Number => match j {
            J::Number(n) => Node::Number(crate::backend::json::number_text(n)),
            J::String(s) => Node::Number(s.clone()),
            other => json_node(other, marks),
        },
        Type::Bool => match j {
            J::Bool(b) => Node::Bool(*b),
            J::String(s) => Node::Bool(s == "true"),
            other => json_node(other, marks),
        },
        Type::List(e) => match j.as_array() {
            Some(items) => Node::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| typed_node(v, e, marks.index(i), legacy))
                    .collect(),
            ),
            None => json_node(j, marks),
        },
        Type::Set(e) => match j.as_array() {
            Some(items) => Node::List(
                set_order(items, e)
                    .into_iter()
                    .map(|v| typed_node(v, e, &NO_MARKS, legacy))
                    .collect(),
            ),
            None => json_node(j, marks),
        },
        Type::Tuple(ts) => match j.as_array() {
            Some(items) => Node::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        typed_node(
                            v,
                            ts.get(i).unwrap_or(&Type::Dynamic),
                            marks.index(i),
                            legacy,
                        )
                    })
                    .collect(),
            ),
            None => json_node(j, marks),
        },
        Type::Map(e) => match j.as_object() {
            Some(m) => Node::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), typed_node(v, e, marks.key(k), legacy)))
                    .collect(),
            ),
            None => json_node(j, marks),
        },
        Type::Object(attrs, _) => match j.as_object() {
            Some(m) => Node::Object(
                attrs
                    .iter()
                    .filter_map(|(k, t)| {
                        let v = m.get(k).filter(|v| !v.is_null())?;
                        Some((k.clone(), typed_node(v, t, marks.attr(k), legacy)))
                    })
                    .collect(),
            ),
            None => json_node(j, marks),
        },
    }
}

/// The elements of a set in Terraform's set order.
fn set_order<'a>(items: &'a [serde_json::Value], ty: &Type) -> Vec<&'a serde_json::Value> {
    let mut decoded: Vec<(tfrs_provider::Value, &serde_json::Value)> = items
        .iter()
        .map(|j| {
            let v = tfrs_provider::json::from_json(j, ty)
                .unwrap_or_else(|_| tfrs_provider::json::infer(j));
            (v, j)
        })
        .collect();
    decoded.sort_by(|a, b| tfrs_provider::value::set_order(&a.0, &b.0));
    decoded.into_iter().map(|(_, j)| j).collect()
}

/// A block of a known schema (Terraform's `ComputeDiffForBlock`).
fn typed_block(j: &serde_json::Value, block: &Block, marks: &Marks, legacy: bool) -> BlockNode {
    let legacy = legacy && !non_legacy(block);
    let empty = serde_json::Map::new();
    let obj = j.as_object().unwrap_or(&empty);
    let mut attrs = Vec::new();
    for (k, a) in &block.attributes {
        let Some(v) = obj.get(k).filter(|v| !v.is_null()) else {
            continue;
        };
        let m = marks.attr(k);
        let node = if a.sensitive {
            Node::Sensitive
        } else {
            typed_node(v, &a.ty, m, legacy)
        };
        attrs.push((k.clone(), node));
    }
    let mut blocks = Vec::new();
    for (k, nb) in &block.blocks {
        let Some(v) = obj.get(k).filter(|v| !v.is_null()) else {
            continue;
        };
        let m = marks.attr(k);
        let item = |v: &serde_json::Value, m: &Marks| {
            if m.whole {
                BlockItem::Sensitive
            } else {
                BlockItem::Block(typed_block(v, &nb.block, m, legacy))
            }
        };
        let items: Vec<(String, BlockItem)> = match nb.nesting {
            Nesting::Single | Nesting::Group => vec![(String::new(), item(v, m))],
            Nesting::List => v
                .as_array()
                .map(|a| {
                    a.iter()
                        .enumerate()
                        .map(|(i, b)| (String::new(), item(b, m.index(i))))
                        .collect()
                })
                .unwrap_or_default(),
            Nesting::Set => v
                .as_array()
                .map(|a| {
                    set_order(a, &nb.block.value_type())
                        .into_iter()
                        .map(|b| (String::new(), item(b, &NO_MARKS)))
                        .collect()
                })
                .unwrap_or_default(),
            Nesting::Map => v
                .as_object()
                .map(|o| {
                    o.iter()
                        .map(|(key, b)| (format!(" {}", go_quote(key)), item(b, m.key(key))))
                        .collect()
                })
                .unwrap_or_default(),
        };
        blocks.push((k.clone(), items));
    }
    BlockNode { attrs, blocks }
}

/// A block without schema: every attribute rendered from its JSON.
fn untyped_block(j: &serde_json::Value, marks: &Marks) -> BlockNode {
    let empty = serde_json::Map::new();
    let obj = j.as_object().unwrap_or(&empty);
    // Dynamic-typed attributes (terraform_data's) mark a modern schema.
    let legacy = !obj.values().any(|v| unwrap_dynamic(v).is_some());
    let attrs = obj
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let m = marks.attr(k);
            let node = match (v, unwrap_dynamic(v)) {
                (serde_json::Value::String(s), _) if legacy && s.is_empty() => {
                    if m.whole {
                        Node::Sensitive
                    } else {
                        Node::Null
                    }
                }
                (_, Some(inner)) => json_node(inner, m),
                (v, None) => json_node(v, m),
            };
            (k.clone(), node)
        })
        .collect();
    BlockNode {
        attrs,
        blocks: Vec::new(),
    }
}

fn indent(n: usize) -> String {
    "    ".repeat(n)
}

/// HCL's identifier rule; other names are quoted.
fn attribute_name(name: &str) -> String {
    let mut chars = name.chars();
    let valid = match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {
            chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        }
        _ => false,
    };
    if valid {
        name.to_string()
    } else {
        go_quote(name)
    }
}

/// Go's `%-*s`: pads to `width` characters.
fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

fn render_block(b: &BlockNode, level: usize) -> String {
    if b.attrs.is_empty() && b.blocks.iter().all(|(_, items)| items.is_empty()) {
        return "{}".into();
    }
    let mut attrs: Vec<(String, &Node)> = b.attrs.iter().map(|(k, v)| (k.clone(), v)).collect();
    attrs.sort_by(|a, b| a.0.cmp(&b.0));
    let width = attrs
        .iter()
        .map(|(k, _)| attribute_name(k).len())
        .max()
        .unwrap_or(0);
    let mut out = String::from("{\n");
    for (k, v) in &attrs {
        out.push_str(&format!(
            "{}{} = {}\n",
            indent(level + 1),
            pad(&attribute_name(k), width),
            render_node(v, level + 1)
        ));
    }
    let mut blocks: Vec<&(String, Vec<(String, BlockItem)>)> = b.blocks.iter().collect();
    blocks.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, items) in blocks {
        let mut first = true;
        for (label, item) in items {
            if first && !attrs.is_empty() {
                out.push('\n');
            }
            first = false;
            let body = match item {
                BlockItem::Block(inner) => render_block(inner, level + 1),
                BlockItem::Sensitive => {
                    let p = indent(level + 1);
                    format!("{{\n{p}  # At least one attribute in this block is (or was) sensitive,\n{p}  # so its contents will not be displayed.\n{p}}}")
                }
            };
            out.push_str(&format!(
                "{}{}{label} {body}\n",
                indent(level + 1),
                attribute_name(name)
            ));
        }
    }
    out.push_str(&indent(level));
    out.push('}');
    out
}

fn render_node(n: &Node, level: usize) -> String {
    match n {
        Node::Null => "null".into(),
        Node::Sensitive => "(sensitive value)".into(),
        Node::Bool(b) => b.to_string(),
        Node::Number(s) => s.clone(),
        Node::String(s) => render_string(s, level),
        Node::Object(entries) | Node::Map(entries) => {
            if entries.is_empty() {
                return "{}".into();
            }
            let is_map = matches!(n, Node::Map(_));
            let key = |k: &str| {
                if is_map {
                    go_quote(k)
                } else {
                    attribute_name(k)
                }
            };
            let mut sorted: Vec<&(String, Node)> = entries.iter().collect();
            sorted.sort_by(|a, b| a.0.cmp(&b.0));
            let width = sorted.iter().map(|(k, _)| key(k).len()).max().unwrap_or(0);
            let mut out = String::from("{\n");
            for (k, v) in sorted {
                let comma = if is_map && matches!(v, Node::Object(_)) {
                    ","
                } else {
                    ""
                };
                out.push_str(&format!(
                    "{}{} = {}{comma}\n",
                    indent(level + 1),
                    pad(&key(k), width),
                    render_node(v, level + 1)
                ));
            }
            out.push_str(&indent(level));
            out.push('}');
            out
        }
        Node::List(items) => {
            if items.is_empty() {
                return "[]".into();
            }
            let mut out = String::from("[\n");
            for v in items {
                out.push_str(&format!(
                    "{}{},\n",
                    indent(level + 1),
                    render_node(v, level + 1)
                ));
            }
            out.push_str(&indent(level));
            out.push(']');
            out
        }
    }
}

/// A string as Terraform's primitive renderer shows it: JSON as
/// `jsonencode(...)`, several lines as a heredoc, others quoted.
fn render_string(s: &str, level: usize) -> String {
    if s.starts_with('{') || s.starts_with('[') {
        let mut stream = serde_json::Deserializer::from_str(s).into_iter::<serde_json::Value>();
        if let Some(Ok(j)) = stream.next() {
            let rendered = render_node(&embedded_json_node(&j), level + 1);
            return if rendered.contains('\n') {
                format!(
                    "jsonencode(\n{}{rendered}\n{})",
                    indent(level + 1),
                    indent(level)
                )
            } else {
                format!("jsonencode({rendered})")
            };
        }
    }
    if s.contains('\n') {
        let body = s.trim().replace('\n', &format!("\n{}", indent(level + 1)));
        return format!("<<-EOT\n{}{body}\n{}EOT", indent(level + 1), indent(level));
    }
    go_quote(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inst(attrs: serde_json::Value, sensitive: serde_json::Value) -> InstanceState {
        InstanceState {
            index_key: None,
            status: None,
            deposed: None,
            schema_version: 0,
            attributes: attrs,
            sensitive_attributes: sensitive.as_array().cloned().unwrap_or_default(),
            private: None,
            dependencies: vec![],
            create_before_destroy: false,
        }
    }

    fn addr(s: &str) -> AbsInstance {
        match parse_target(s).unwrap() {
            Target::Instance(i) => i,
            Target::Resource(r) => r.instance(InstanceKey::None),
            Target::Module(_) => panic!(),
        }
    }

    #[test]
    fn renders_terraform_data_like_terraform() {
        let i = inst(
            serde_json::json!({
                "id": "ffb390e4",
                "input": {"value": {"a": "x", "c": [1, 2], "d e": "", "j": "{\"z\":[1,{\"q\":\"w\"}],\"a\":\"b\"}", "k": null, "ml": "a\nb\n"},
                          "type": ["object", {"a": "string", "c": ["tuple", ["number", "number"]], "d e": "string", "j": "string", "k": "dynamic", "ml": "string"}]},
                "output": {"value": "hello", "type": "string"},
                "triggers_replace": null
            }),
            serde_json::json!([[{"type": "get_attr", "value": "input"}, {"type": "get_attr", "value": "a"}],
                               [{"type": "get_attr", "value": "input"}, {"type": "get_attr", "value": "c"}, {"type": "index", "value": {"value": 0, "type": "number"}}]]),
        );
        let expected = r#"# terraform_data.a:
resource "terraform_data" "a" {
    id     = "ffb390e4"
    input  = {
        a     = (sensitive value)
        c     = [
            (sensitive value),
            2,
        ]
        "d e" = ""
        j     = jsonencode(
            {
                a = "b"
                z = [
                    1,
                    {
                        q = "w"
                    },
                ]
            }
        )
        k     = null
        ml    = <<-EOT
            a
            b
        EOT
    }
    output = "hello"
}
"#;
        assert_eq!(
            render_instance(&addr("terraform_data.a"), &i, None),
            expected
        );
    }

    #[test]
    fn renders_with_schema_like_terraform() {
        use tfrs_provider::schema::Attribute;
        let block = Block::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("description", Attribute::optional(Type::String))
            .attr("tags", Attribute::optional(Type::map(Type::String)))
            .attr("ids", Attribute::optional(Type::set(Type::String)))
            .attr("policy", Attribute::optional(Type::String))
            .attr("secret", Attribute::optional(Type::String).sensitive())
            .block(
                "rule",
                Nesting::List,
                Block::new().attr("name", Attribute::optional(Type::String)),
            );
        let i = inst(
            serde_json::json!({"arn": "a", "description": "", "tags": {"Name": "x", "b c": "d"}, "ids": ["b", "a"],
                               "policy": "[]", "secret": "s", "rule": [{"name": "r1"}, {"name": ""}]}),
            serde_json::json!([]),
        );
        let expected = r#"# aws_x.y:
resource "aws_x" "y" {
    arn         = "a"
    description = null
    ids         = [
        "a",
        "b",
    ]
    policy      = jsonencode([])
    secret      = (sensitive value)
    tags        = {
        "Name" = "x"
        "b c"  = "d"
    }

    rule {
        name = "r1"
    }
    rule {
        name = null
    }
}
"#;
        assert_eq!(
            render_instance(&addr("aws_x.y"), &i, Some(&block)),
            expected
        );
    }

    #[test]
    fn orders_addresses_as_terraform() {
        let mut v: Vec<AbsInstance> = [
            "module.b.x.y",
            "x.a[\"k\"]",
            "data.z.q",
            "x.a[1]",
            "x.a[0]",
            "module.a[1].x.y",
            "x.a",
        ]
        .iter()
        .map(|s| addr(s))
        .collect();
        sort_instances(&mut v);
        let s: Vec<String> = v.iter().map(|a| a.to_string()).collect();
        assert_eq!(
            s,
            vec![
                "data.z.q",
                "x.a",
                "x.a[0]",
                "x.a[1]",
                "x.a[\"k\"]",
                "module.a[1].x.y",
                "module.b.x.y"
            ]
        );
    }

    #[test]
    fn address_errors_are_terraforms() {
        assert_eq!(
            parse_address("nope").unwrap_err().summary,
            "Invalid address"
        );
        assert!(parse_address("nope")
            .unwrap_err()
            .detail
            .ends_with("must include a resource type and name."));
        assert!(parse_address("a.b.c")
            .unwrap_err()
            .detail
            .ends_with("must be given in square brackets."));
        assert_eq!(
            parse_address("a.b[").unwrap_err().summary,
            "Index value required"
        );
        assert_eq!(
            parse_address("module.").unwrap_err().summary,
            "Attribute name required"
        );
        assert_eq!(
            parse_address("module").unwrap_err().summary,
            "Invalid address operator"
        );
        assert_eq!(
            parse_address("module.a.module").unwrap_err().summary,
            "Invalid address operator"
        );
        assert!(module_selects(
            &ModuleInstance::root().child("m", InstanceKey::None),
            &ModuleInstance::root().child("m", InstanceKey::Int(0))
        ));
    }
}
