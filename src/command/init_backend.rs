//! The backend part of `tfrs init`, as Terraform's `Meta.backendFromConfig`
//! with `Init` and its state migration (`meta_backend_migrate.go`):
//!
//! - no backend before and none now: the local backend, nothing to do;
//! - a backend block for the first time (or `-reconfigure`): the local
//!   workspaces that have state are offered to the new backend, then
//!   emptied (their backups stay);
//! - the same block as recorded: nothing to do;
//! - a changed block: with `-migrate-state`, every workspace is offered
//!   from the old backend to the new one; without it, Terraform's
//!   "Backend configuration changed" error;
//! - the block removed: with `-migrate-state`, the states come back to
//!   the local backend.
//!
//! `-force-copy` answers the questions with "yes". The record in
//! `.terraform/terraform.tfstate` is written last, so a failed migration
//! leaves the directory initialised as before.

use super::init::InitOptions;
use crate::backend::workdir::{self, Decoded, Kind, SavedBackend};
use crate::backend::{
    lock_diagnostic, Backend, BackendError, LocalConfig, LockOptions, StateManager,
    DEFAULT_WORKSPACE,
};
use crate::config;
use crate::diag::{Diagnostic, Diagnostics, SourceMap};
use crate::states::State;
use std::io::{BufRead, Write};
use std::path::Path;

fn error(text: impl Into<String>) -> Diagnostics {
    Diagnostic::error(text, "").into()
}

/// Terraform's `migrateOrReconfigDiag`.
fn migrate_or_reconfigure() -> Diagnostics {
    Diagnostic::error(
        "Backend configuration changed",
        "A change in the backend configuration has been detected, which may require migrating existing state.\n\nIf you wish to attempt automatic migration of the state, use \"terraform init -migrate-state\".\nIf you wish to store the current configuration with no changes to the state, use \"terraform init -reconfigure\".",
    )
    .into()
}

fn success_set(kind: &str) {
    println!("\nSuccessfully configured the backend {kind:?}! Terraform will automatically\nuse this backend unless the backend configuration changes.");
}

/// The backend the configuration asks for.
struct Target<'a> {
    kind: Kind,
    decoded: Decoded,
    /// The hash of the block alone (without `-backend-config`).
    hash: u64,
    /// Whether `-backend-config` was given.
    overridden: bool,
    block: &'a config::Backend,
}

/// `init -backend=false`: the recorded backend, unchecked.
pub fn backend_from_state(dir: &Path, sources: &SourceMap) -> Result<Diagnostics, Diagnostics> {
    match workdir::configured(
        dir,
        LocalConfig::default(),
        workdir::BlockInfo::Unknown,
        sources,
    ) {
        Ok((_, warnings)) => Ok(warnings),
        Err(BackendError::Config(d)) => Err(d),
        Err(e) => Err(error(e.to_string())),
    }
}

/// Initialises the backend of `dir`; returns its warnings.
pub fn init_backend(
    dir: &Path,
    module: &config::Module,
    sources: &SourceMap,
    opts: &InitOptions,
) -> Result<Diagnostics, Diagnostics> {
    println!("Initializing the backend...");
    let mut warnings = Diagnostics::new();
    let target = match &module.backend {
        Some(c) => {
            let kind = Kind::named(&c.kind)
                .ok_or_else(|| workdir::unknown_type("Unsupported backend type", c))?;
            let schema = kind.schema();
            let overrides = workdir::override_values(&opts.backend_config, &schema, sources)?;
            let hash = workdir::block_hash(&c.kind, &c.body, &schema, sources);
            let mut config = workdir::decode_block(&c.body, &schema, sources)?;
            if let Some(o) = &overrides {
                config = workdir::merge(&config, &schema, o);
            }
            Some(Target {
                kind,
                decoded: Decoded {
                    kind: c.kind.clone(),
                    config,
                },
                hash,
                overridden: overrides.is_some(),
                block: c,
            })
        }
        None => {
            if !opts.backend_config.is_empty() {
                warnings.push(Diagnostic::warning(
                    "Missing backend configuration",
                    "-backend-config was used without a \"backend\" block in the configuration.\n\nIf you intended to override the default local backend configuration,\nno action is required, but you may add an explicit backend block to your\nconfiguration to clear this warning:\n\nterraform {\n  backend \"local\" {}\n}\n\nHowever, if you intended to override a defined backend, please verify that\nthe backend configuration is present and valid.",
                ));
            }
            None
        }
    };
    let data_dir = Backend::local(dir.to_path_buf()).data_dir();
    let saved =
        workdir::read_saved(&data_dir).map_err(|e| error(format!("Failed to load state: {e}")))?;
    let saved = if opts.reconfigure { None } else { saved };
    match (target, saved) {
        (None, None) => {}
        (None, Some(s)) => {
            if !opts.migrate_state {
                return Err(migrate_or_reconfigure());
            }
            unset(dir, &data_dir, &s, opts, &mut warnings)?;
        }
        (Some(t), None) => configure_first(dir, &data_dir, &t, opts, &mut warnings)?,
        (Some(t), Some(s)) => {
            let schema = t.kind.schema();
            let unchanged_block = t.hash == s.hash && !t.overridden;
            let same_values = !unchanged_block
                && s.kind == t.decoded.kind
                && workdir::saved_config(&s, &schema).is_ok_and(|v| v.raw_equal(&t.decoded.config));
            if unchanged_block || same_values {
                if same_values && s.hash != t.hash {
                    // The values moved between the block and
                    // -backend-config: only the hash changes.
                    let updated = SavedBackend {
                        hash: t.hash,
                        ..s.clone()
                    };
                    workdir::write_saved(&data_dir, Some(&updated)).map_err(error)?;
                }
                let b = open_saved(dir, &s, &mut warnings)?;
                select_workspace(&b, opts.input)?;
            } else {
                if !opts.migrate_state {
                    return Err(migrate_or_reconfigure());
                }
                change(dir, &data_dir, &s, &t, opts, &mut warnings)?;
            }
        }
    }
    Ok(warnings)
}

fn open_saved(
    dir: &Path,
    s: &SavedBackend,
    warnings: &mut Diagnostics,
) -> Result<Backend, Diagnostics> {
    let kind =
        Kind::named(&s.kind).ok_or_else(|| Diagnostics::from(workdir::saved_unknown(&s.kind)))?;
    let config = workdir::saved_config(s, &kind.schema())?;
    let (b, w) = workdir::open(dir, kind, &config, LocalConfig::default(), None)?;
    warnings.extend(w);
    Ok(b)
}

fn open_target(
    dir: &Path,
    t: &Target<'_>,
    warnings: &mut Diagnostics,
) -> Result<Backend, Diagnostics> {
    let (b, w) = workdir::open(
        dir,
        t.kind,
        &t.decoded.config,
        LocalConfig::default(),
        Some(&t.block.body),
    )?;
    warnings.extend(w);
    Ok(b)
}

fn record(t: &Target<'_>) -> SavedBackend {
    workdir::saved_record(&t.decoded, &t.kind.schema(), t.hash)
}

fn write_record(data_dir: &Path, saved: Option<&SavedBackend>) -> Result<(), Diagnostics> {
    workdir::write_saved(data_dir, saved).map_err(|e| {
        error(format!("Error saving the backend configuration: {e}\n\nTerraform saves the complete backend configuration in a local file for\nconfiguring the backend on future operations. This cannot be disabled. Errors\nare usually due to simple file permission errors. Please look at the error\nabove, resolve it, and try again."))
    })
}

/// A backend block for the first time (Terraform's `backend_C_r_s`).
fn configure_first(
    dir: &Path,
    data_dir: &Path,
    t: &Target<'_>,
    opts: &InitOptions,
    warnings: &mut Diagnostics,
) -> Result<(), Diagnostics> {
    let local = Backend::local(dir.to_path_buf());
    let local_read_error = |e: BackendError| {
        error(format!("Error reading local state: {e}\n\nTerraform is trying to read your local state to determine if there is\nstate to migrate to your newly configured backend. Terraform can't continue\nwithout this check because that would risk losing state. Please resolve the\nerror above and try again."))
    };
    let mut with_state = Vec::new();
    for ws in local.workspaces().map_err(local_read_error)? {
        if local
            .read_state(&ws)
            .map_err(local_read_error)?
            .is_some_and(|s| !s.is_empty())
        {
            with_state.push(ws);
        }
    }
    let b = open_target(dir, t, warnings)?;
    if !with_state.is_empty() {
        migrate(&local, "local", &b, &t.decoded.kind, opts)?;
        // A `backend "local"` block with the default paths is the same
        // state: nothing to erase.
        let same_files = b.is_local()
            && b.state_paths(DEFAULT_WORKSPACE).map(|p| p.write)
                == local.state_paths(DEFAULT_WORKSPACE).map(|p| p.write);
        if !same_files {
            for ws in &with_state {
                local
                    .lock_state(ws, &mut LockOptions::none())
                    .and_then(|mut m| m.erase())
                    .map_err(|e| {
                        error(format!("Error deleting local state after migration: {e}\n\nYour local state is deleted after successfully migrating it to the newly\nconfigured backend. As part of the deletion process, a backup is made at\nthe standard backup path unless explicitly asked not to. To cleanly operate\nwith a backend, we must delete the local state file. Please resolve the\nissue above and retry the command."))
                    })?;
            }
        }
    }
    let saved = record(t);
    select_workspace(&b, opts.input)?;
    write_record(data_dir, Some(&saved))?;
    success_set(&t.decoded.kind);
    Ok(())
}

/// A changed backend block with `-migrate-state` (`backend_C_r_S_changed`).
fn change(
    dir: &Path,
    data_dir: &Path,
    s: &SavedBackend,
    t: &Target<'_>,
    opts: &InitOptions,
    warnings: &mut Diagnostics,
) -> Result<(), Diagnostics> {
    if s.kind != t.decoded.kind {
        println!(
            "Terraform detected that the backend type changed from {:?} to {:?}.\n",
            s.kind, t.decoded.kind
        );
    } else {
        println!("Backend configuration changed!\n\nTerraform has detected that the configuration specified for the backend\nhas changed. Terraform will now check for existing state in the backends.\n");
    }
    let b = open_target(dir, t, warnings)?;
    let old = open_saved(dir, s, warnings)?;
    migrate(&old, &s.kind, &b, &t.decoded.kind, opts)?;
    let saved = record(t);
    select_workspace(&b, opts.input)?;
    write_record(data_dir, Some(&saved))?;
    success_set(&t.decoded.kind);
    Ok(())
}

/// The backend block removed, with `-migrate-state` (`backend_c_r_S`).
fn unset(
    dir: &Path,
    data_dir: &Path,
    s: &SavedBackend,
    opts: &InitOptions,
    warnings: &mut Diagnostics,
) -> Result<(), Diagnostics> {
    println!(
        "Terraform has detected you're unconfiguring your previously set {:?} backend.",
        s.kind
    );
    let local = Backend::local(dir.to_path_buf());
    let old = open_saved(dir, s, warnings)?;
    migrate(&old, &s.kind, &local, "local", opts)?;
    workdir::write_saved(data_dir, None).map_err(|e| {
        error(format!("Error clearing the backend configuration: {e}\n\nTerraform removes the saved backend configuration when you're removing a\nconfigured backend. This must be done so future Terraform runs know to not\nuse the backend configuration. Please look at the error above, resolve it,\nand try again."))
    })?;
    println!(
        "\n\nSuccessfully unset the backend {:?}. Terraform will now operate locally.",
        s.kind
    );
    Ok(())
}

/// Asks a yes/no question as Terraform's `Meta.confirm` does (twice at
/// most; anything but "yes" or "no" asks again).
fn confirm(query: &str, description: &str) -> bool {
    for _ in 0..2 {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{query}");
        for line in description.lines() {
            let _ = writeln!(out, "  {line}");
        }
        let _ = write!(out, "\n  Enter a value: ");
        let _ = out.flush();
        drop(out);
        let mut answer = String::new();
        if std::io::stdin().lock().read_line(&mut answer).unwrap_or(0) == 0 {
            println!();
            return false;
        }
        println!();
        match answer.trim().to_ascii_lowercase().as_str() {
            "yes" => return true,
            "no" => return false,
            _ => {}
        }
    }
    false
}

/// Copies the states of `src` to `dst` (Terraform's `backendMigrateState`
/// for two backends with workspaces).
fn migrate(
    src: &Backend,
    src_type: &str,
    dst: &Backend,
    dst_type: &str,
    opts: &InitOptions,
) -> Result<(), Diagnostics> {
    let load_error = |kind: &str, e: BackendError| {
        error(format!("Error inspecting states in the {kind:?} backend:\n    {e}\n\nPrior to changing backends, Terraform inspects the source and destination\nstates to determine what kind of migration steps need to be taken, if any.\nTerraform failed to load the states. The data in both the source and the\ndestination remain unmodified. Please resolve the above error and try again."))
    };
    let mut workspaces = src.workspaces().map_err(|e| load_error(src_type, e))?;
    dst.workspaces().map_err(|e| load_error(src_type, e))?;
    if workspaces.len() == 1 && workspaces[0] == DEFAULT_WORKSPACE {
        return migrate_one(
            src,
            src_type,
            dst,
            dst_type,
            DEFAULT_WORKSPACE,
            opts.force_copy,
            opts,
        );
    }
    if !opts.force_copy {
        if !opts.input {
            return Err(input_disabled());
        }
        let yes = confirm(
            &format!("Do you want to migrate all workspaces to {dst_type:?}?"),
            &format!("Both the existing {src_type:?} backend and the newly configured {dst_type:?} backend\nsupport workspaces. When migrating between backends, Terraform will copy\nall workspaces (with the same names). THIS WILL OVERWRITE any conflicting\nstates in the destination.\n\nTerraform initialization doesn't currently migrate only select workspaces.\nIf you want to migrate a select number of workspaces, you must manually\npull and push those states.\n\nIf you answer \"yes\", Terraform will migrate all states. If you answer\n\"no\", Terraform will abort."),
        );
        if !yes {
            return Err(error("Migration aborted by user."));
        }
    }
    workspaces.sort();
    for ws in &workspaces {
        migrate_one(src, src_type, dst, dst_type, ws, true, opts).map_err(|d| {
            let inner: Vec<String> = d.iter().map(|x| x.summary.clone()).collect();
            error(format!("Error migrating the workspace {ws:?} from the previous {src_type:?} backend\nto the newly configured {dst_type:?} backend:\n    {}\n\nTerraform copies workspaces in alphabetical order. Any workspaces\nalphabetically earlier than this one have been copied. Any workspaces\nlater than this haven't been modified in the destination. No workspaces\nin the source state have been modified.\n\nPlease resolve the error above and run the initialization command again.\nThis will attempt to copy (with permission) all workspaces again.", inner.join("\n")))
        })?;
    }
    Ok(())
}

fn input_disabled() -> Diagnostics {
    error("Can't ask approval for state migration when interactive input is disabled.\n\nPlease remove the \"-input=false\" option and try again.")
}

fn lock_for_migration(
    b: &Backend,
    ws: &str,
    operation: &str,
    opts: &InitOptions,
) -> Result<StateManager, Diagnostics> {
    let mut notice = || println!("Acquiring state lock. This may take a few moments...");
    let mut lock = LockOptions {
        lock: opts.lock,
        timeout: opts.lock_timeout,
        operation: operation.to_string(),
        on_slow: Some(&mut notice),
    };
    b.lock_state(ws, &mut lock).map_err(|e| match e {
        BackendError::Lock(_) => lock_diagnostic(&e).into(),
        other => error(other.to_string()),
    })
}

/// One workspace's state from `src` to `dst` (`backendMigrateState_s_s`).
fn migrate_one(
    src: &Backend,
    src_type: &str,
    dst: &Backend,
    dst_type: &str,
    ws: &str,
    force: bool,
    opts: &InitOptions,
) -> Result<(), Diagnostics> {
    let load_error = |kind: &str, e: &dyn std::fmt::Display| {
        error(format!("Error loading state:\n    {e}\n\nTerraform failed to load the default state from the {kind:?} backend.\nState migration cannot occur unless the state can be loaded. Backend\nmodification and state migration has been aborted. The state in both the\nsource and the destination remain unmodified. Please resolve the\nabove error and try again."))
    };
    let source = src.read_state(ws).map_err(|e| load_error(src_type, &e))?;
    let Some(source) = source.filter(|s| !s.is_empty()) else {
        return Ok(());
    };
    let destination = dst.read_state(ws).map_err(|e| load_error(dst_type, &e))?;
    if let Some(d) = &destination {
        // The same state already: nothing to copy (and both may share
        // one lock, so check before locking).
        if crate::backend::same_content(&source, d) && source.lineage == d.lineage {
            return Ok(());
        }
    }
    let mut src_mgr = lock_for_migration(src, ws, "migration source state", opts)?;
    let mut dst_mgr = lock_for_migration(dst, ws, "migration destination state", opts)?;
    let source = src_mgr
        .refresh()
        .map_err(|e| load_error(src_type, &e))?
        .cloned()
        .filter(|s| !s.is_empty());
    let destination = dst_mgr
        .refresh()
        .map_err(|e| load_error(src_type, &e))?
        .cloned()
        .filter(|s| !s.is_empty());
    let Some(mut source) = source else {
        return Ok(());
    };
    if !force {
        if !opts.input {
            return Err(input_disabled());
        }
        let yes = match &destination {
            None => confirm(
                "Do you want to copy existing state to the new backend?",
                &format!("Pre-existing state was found while migrating the previous {src_type:?} backend to the\nnewly configured {dst_type:?} backend. No existing state was found in the newly\nconfigured {dst_type:?} backend. Do you want to copy this state to the new {dst_type:?}\nbackend? Enter \"yes\" to copy and \"no\" to start with an empty state."),
            ),
            Some(d) => confirm_overwrite(&source, d, src_type, dst_type)?,
        };
        if !yes {
            return Ok(());
        }
    }
    dst_mgr.persist_as_is(&mut source).map_err(|e| {
        error(format!("Error copying state from the previous {src_type:?} backend to the newly configured\n{dst_type:?} backend:\n    {e}\n\nThe state in the previous backend remains intact and unmodified. Please resolve\nthe error above and try again."))
    })?;
    let _ = src_mgr.unlock();
    let _ = dst_mgr.unlock();
    Ok(())
}

/// Both backends have a state: shows both (in temporary files) and asks.
fn confirm_overwrite(
    source: &State,
    destination: &State,
    src_type: &str,
    dst_type: &str,
) -> Result<bool, Diagnostics> {
    let dir = std::env::temp_dir().join(format!("terraform{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| error(format!("Error creating temporary directory: {e}")))?;
    let src_path = dir.join(format!("1-{src_type}.tfstate"));
    let dst_path = dir.join(format!("2-{dst_type}.tfstate"));
    let written = std::fs::write(&src_path, crate::backend::json::state_file_text(source))
        .and_then(|_| {
            std::fs::write(
                &dst_path,
                crate::backend::json::state_file_text(destination),
            )
        });
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(error(format!("Error saving temporary state: {e}")));
    }
    let yes = confirm(
        "Do you want to copy existing state to the new backend?",
        &format!("Pre-existing state was found while migrating the previous {src_type:?} backend to the\nnewly configured {dst_type:?} backend. An existing non-empty state already exists in\nthe new backend. The two states have been saved to temporary files that will be\nremoved after responding to this query.\n\nPrevious (type {src_type:?}): {}\nNew      (type {dst_type:?}): {}\n\nDo you want to overwrite the state in the new backend with the previous state?\nEnter \"yes\" to copy and \"no\" to start with the existing state in the newly\nconfigured {dst_type:?} backend.", src_path.display(), dst_path.display()),
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(yes)
}

/// Makes sure the selected workspace exists in the backend
/// (`Meta.selectWorkspace`): the only one when there is one, else asks.
fn select_workspace(b: &Backend, input: bool) -> Result<(), Diagnostics> {
    let workspaces = b
        .workspaces()
        .map_err(|e| error(format!("Failed to get existing workspaces: {e}")))?;
    if workspaces.is_empty() {
        return Err(error("No existing workspaces.\n\nUse the \"terraform workspace\" command to create and select a new workspace.\nIf the backend already contains existing workspaces, you may need to update\nthe backend configuration."));
    }
    let current = b.current_workspace().map_err(|e| error(e.to_string()))?;
    if workspaces.contains(&current) {
        return Ok(());
    }
    if workspaces.len() == 1 {
        return b
            .select_workspace(&workspaces[0])
            .map_err(|e| error(e.to_string()));
    }
    if !input {
        return Err(error(format!(
            "Currently selected workspace {current:?} does not exist"
        )));
    }
    let list: String = workspaces
        .iter()
        .enumerate()
        .map(|(i, w)| format!("{}. {w}\n", i + 1))
        .collect();
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\nThe currently selected workspace ({current}) does not exist."
    );
    for line in format!("This is expected behavior when the selected workspace did not have an\nexisting non-empty state. Please enter a number to select a workspace:\n\n{list}").lines() {
        let _ = writeln!(out, "  {line}");
    }
    let _ = write!(out, "\n  Enter a value: ");
    let _ = out.flush();
    drop(out);
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    println!();
    match answer.trim().parse::<usize>() {
        Ok(n) if (1..=workspaces.len()).contains(&n) => b
            .select_workspace(&workspaces[n - 1])
            .map_err(|e| error(e.to_string())),
        _ => Err(error(
            "Failed to select workspace: input not a valid number",
        )),
    }
}
