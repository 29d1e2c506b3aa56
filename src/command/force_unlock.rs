//! `tfrs force-unlock LOCK_ID`: removes a stuck lock of a remote state
//! (Terraform's `internal/command/unlock.go`). A local state's lock is an
//! OS lock that goes away with its process, so, as in Terraform, it cannot
//! be unlocked from outside.

use super::flags::{self, Kind};
use super::state::{load_backend, strip_no_color, LoadFailure};
use crate::backend::LocalConfig;
use std::io::{BufRead, Write};

const HELP: &str = "Usage: tfrs [global options] force-unlock LOCK_ID

  Manually unlock the state for the defined configuration.

  This will not modify your infrastructure. This command removes the lock on the
  state for the current workspace. The behavior of this lock is dependent
  on the backend being used. Local state files cannot be unlocked by another
  process.

Options:

  -force                 Don't ask for input for unlock confirmation.
";

pub fn run(args: &[String]) -> i32 {
    let (args, no_color) = strip_no_color(args);
    if args
        .iter()
        .any(|a| a == "-help" || a == "--help" || a == "-h")
    {
        print!("{HELP}");
        return 0;
    }
    let p = match flags::parse(&args, &[("force", Kind::Bool)]) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("Error parsing command-line flags: {e}\n");
            return 1;
        }
    };
    if p.positional.len() != 1 {
        eprintln!("Expected a single argument: LOCK_ID");
        print!("{HELP}");
        return 1;
    }
    let lock_id = &p.positional[0];
    let backend = match load_backend(LocalConfig::default(), no_color) {
        Ok(b) => b,
        Err(LoadFailure::Reported) => return 1,
        Err(LoadFailure::Error(e)) => {
            eprintln!("{e}");
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
    if !p.bool("force") {
        if backend.is_local() {
            eprintln!("Local state cannot be unlocked by another process");
            return 1;
        }
        let mut out = std::io::stdout().lock();
        let _ = write!(
            out,
            "Do you really want to force-unlock?\n  Terraform will remove the lock on the remote state.\n  This will allow local Terraform commands to modify this state, even though it\n  may still be in use. Only 'yes' will be accepted to confirm.\n\n  Enter a value: "
        );
        let _ = out.flush();
        drop(out);
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        println!();
        if answer.trim_end_matches(['\n', '\r']) != "yes" {
            println!("force-unlock cancelled.");
            return 1;
        }
    }
    if let Err(e) = backend.force_unlock(&ws, lock_id) {
        eprintln!("Failed to unlock state: {e}");
        return 1;
    }
    println!("Terraform state has been successfully unlocked!\n\nThe state has been unlocked, and Terraform commands should now be able to\nobtain a new lock on the remote state.");
    0
}
