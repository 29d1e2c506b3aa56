//! `tfrs taint` and `tfrs untaint`: mark a resource instance in the state
//! for replacement, or clear that mark, as Terraform's `taint.go` and
//! `untaint.go` do (same texts, streams and exit codes).

use super::flags::{self, Kind};
use super::state::{
    lock_flags, lock_state, parse_address, print_meta_diags, strip_no_color, unlock_state,
};
use crate::addrs::{AbsInstance, InstanceKey, Mode, Target};
use crate::backend::LocalConfig;
use crate::diag::Diagnostic;

const TAINT_HELP: &str = r#"Usage: tfrs [global options] taint [options] <address>

  Terraform uses the term "tainted" to describe a resource instance
  which may not be fully functional, either because its creation
  partially failed or because you've manually marked it as such using
  this command.

  This will not modify your infrastructure directly, but subsequent
  Terraform plans will include actions to destroy the remote object
  and create a new object to replace it.

  You can remove the "taint" state from a resource instance using
  the "terraform untaint" command.

  The address is in the usual resource address syntax, such as:
    aws_instance.foo
    aws_instance.bar[1]
    module.foo.module.bar.aws_instance.baz

  Use your shell's quoting or escaping syntax to ensure that the
  address will reach Terraform correctly, without any special
  interpretation.

Options:

  -allow-missing          If specified, the command will succeed (exit code 0)
                          even if the resource is missing.

  -lock=false             Don't hold a state lock during the operation. This is
                          dangerous if others might concurrently run commands
                          against the same workspace.

  -lock-timeout=0s        Duration to retry a state lock.

  -ignore-remote-version  A rare option used for the remote backend only. See
                          the remote backend documentation for more information.

  -state, state-out, and -backup are legacy options supported for the local
  backend only. For more information, see the local backend's documentation.
"#;

const UNTAINT_HELP: &str = r#"Usage: tfrs [global options] untaint [options] name

  Terraform uses the term "tainted" to describe a resource instance
  which may not be fully functional, either because its creation
  partially failed or because you've manually marked it as such using
  the "terraform taint" command.

  This command removes that state from a resource instance, causing
  Terraform to see it as fully-functional and not in need of
  replacement.

  This will not modify your infrastructure directly. It only avoids
  Terraform planning to replace a tainted instance in a future operation.

Options:

  -allow-missing          If specified, the command will succeed (exit code 0)
                          even if the resource is missing.

  -lock=false             Don't hold a state lock during the operation. This is
                          dangerous if others might concurrently run commands
                          against the same workspace.

  -lock-timeout=0s        Duration to retry a state lock.

  -ignore-remote-version  A rare option used for the remote backend only. See
                          the remote backend documentation for more information.

  -state, state-out, and -backup are legacy options supported for the local
  backend only. For more information, see the local backend's documentation.
"#;

/// `taint` (`tainted = true`) or `untaint`.
pub fn run(args: &[String], tainted: bool) -> i32 {
    let (command, help) = if tainted {
        ("taint", TAINT_HELP)
    } else {
        ("untaint", UNTAINT_HELP)
    };
    let (args, no_color) = strip_no_color(args);
    if args
        .iter()
        .any(|a| a == "-help" || a == "--help" || a == "-h")
    {
        print!("{help}");
        return 0;
    }
    let p = match flags::parse(
        &args,
        &[
            ("allow-missing", Kind::Bool),
            ("lock", Kind::Bool),
            ("lock-timeout", Kind::Value),
            ("ignore-remote-version", Kind::Bool),
            ("state", Kind::Value),
            ("state-out", Kind::Value),
            ("backup", Kind::Value),
        ],
    ) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("Error parsing command-line flags: {e}\n");
            eprint!("{help}");
            return 1;
        }
    };
    if p.positional.len() != 1 {
        eprintln!("The {command} command expects exactly one argument.");
        eprint!("{help}");
        return 1;
    }
    let addr = match parse_address(&p.positional[0]) {
        Ok(Target::Instance(i)) => i,
        Ok(Target::Resource(r)) => r.instance(InstanceKey::None),
        Ok(Target::Module(_)) => {
            print_meta_diags(
                &[Diagnostic::error(
                    "Invalid address",
                    "  on  line 1:\n  (source code not available)\n\nResource specification must include a resource type and name.",
                )],
                no_color,
            );
            return 1;
        }
        Err(d) => {
            print_meta_diags(&[*d], no_color);
            return 1;
        }
    };
    if addr.resource.resource.mode != Mode::Managed {
        eprintln!("Resource instance {addr} cannot be {command}ed");
        return 1;
    }
    let lf = match lock_flags(&p) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("Error parsing command-line flags: {e}\n");
            return 1;
        }
    };
    let backend = match super::state::load_backend(
        LocalConfig {
            state: p.value("state").filter(|s| !s.is_empty()).map(Into::into),
            state_out: p
                .value("state-out")
                .filter(|s| !s.is_empty())
                .map(Into::into),
            backup: p.value("backup").filter(|s| !s.is_empty()).map(Into::into),
            ..LocalConfig::default()
        },
        no_color,
    ) {
        Ok(b) => b,
        Err(super::state::LoadFailure::Reported) => return 1,
        Err(super::state::LoadFailure::Error(e)) => {
            eprintln!("Failed to load backend: {e}");
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
    let Ok(mut mgr) = lock_state(&backend, &ws, &lf, command, no_color) else {
        return 1;
    };
    let code = mark(&mut mgr, &addr, tainted, p.bool("allow-missing"), no_color);
    unlock_state(mgr, no_color);
    code
}

fn mark(
    mgr: &mut crate::backend::StateManager,
    addr: &AbsInstance,
    tainted: bool,
    allow_missing: bool,
    no_color: bool,
) -> i32 {
    let mut state = mgr
        .state()
        .cloned()
        .unwrap_or_else(|| crate::states::State::new(crate::states::new_lineage()));
    let found = state.instance(addr).is_some();
    if !found {
        if allow_missing {
            print_meta_diags(
                &[Diagnostic::warning(
                    "No such resource instance",
                    format!("Resource instance {addr} was not found, but this is not an error because -allow-missing was set."),
                )],
                no_color,
            );
            return 0;
        }
        // Terraform's untaint says "tainted" here too.
        print_meta_diags(
            &[Diagnostic::error(
                "No such resource instance",
                format!("There is no resource instance in the state with the address {addr}. If the resource configuration has just been added, you must run \"terraform apply\" once to create the corresponding instance(s) before they can be tainted."),
            )],
            no_color,
        );
        return 1;
    }
    let Some(inst) = state.instance_mut(addr) else {
        return 1;
    };
    if !tainted && !inst.is_tainted() {
        print_meta_diags(
            &[Diagnostic::error(
                "Resource instance is not tainted",
                format!("Resource instance {addr} is not currently tainted, and so it cannot be untainted."),
            )],
            no_color,
        );
        return 1;
    }
    inst.status = tainted.then(|| "tainted".to_string());
    if let Err(e) = mgr.persist(&mut state) {
        eprintln!("Error writing state file: {e}");
        return 1;
    }
    if tainted {
        println!("Resource instance {addr} has been marked as tainted.");
    } else {
        println!("Resource instance {addr} has been successfully untainted.");
    }
    0
}
