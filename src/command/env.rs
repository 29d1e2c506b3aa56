//! Arguments from the environment, as Terraform's `main.go` takes them:
//! `TF_CLI_ARGS` and `TF_CLI_ARGS_<command>` are split as a shell would
//! (go-shellwords, no variable or backtick expansion) and inserted right
//! after the command name, the command-specific ones first.

/// The commands with subcommands that Terraform registers as commands of
/// their own (`state list`), so `TF_CLI_ARGS_state_list` applies to them.
const NESTED: &[(&str, &[&str])] = &[
    (
        "state",
        &[
            "list",
            "mv",
            "pull",
            "push",
            "replace-provider",
            "rm",
            "show",
        ],
    ),
    ("workspace", &["delete", "list", "new", "select", "show"]),
    ("providers", &["lock", "mirror", "schema"]),
];

/// The command as Terraform's CLI library names it: `plan`, `state list`
/// (a subcommand only when it is the next argument and not a flag).
pub fn subcommand(command: &str, args: &[String]) -> String {
    if let Some((_, subs)) = NESTED.iter().find(|(c, _)| *c == command) {
        if let Some(next) = args.first() {
            if subs.contains(&next.as_str()) {
                return format!("{command} {next}");
            }
        }
    }
    command.to_string()
}

/// `[command, args...]` with `TF_CLI_ARGS` and `TF_CLI_ARGS_<command>`
/// inserted, or the message Terraform prints when one does not parse.
pub fn merge_env_args(
    args: Vec<String>,
    subcommand: &str,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<String>, String> {
    let args = merge_one("TF_CLI_ARGS", subcommand, args, get)?;
    let suffix = subcommand.replace(['-', ' '], "_");
    merge_one(&format!("TF_CLI_ARGS_{suffix}"), subcommand, args, get)
}

fn merge_one(
    var: &str,
    subcommand: &str,
    args: Vec<String>,
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<String>, String> {
    let value = match get(var) {
        Some(v) if !v.is_empty() => v,
        _ => return Ok(args),
    };
    crate::logging::info(format_args!(
        "{var} value: {}",
        crate::lang::repl::go_quote(&value)
    ));
    let extra =
        shell_words(&value).map_err(|e| format!("Error parsing extra CLI args from {var}: {e}"))?;
    // After the first argument equal to the command's last word (the
    // start when there is none).
    let search = subcommand.rsplit(' ').next().unwrap_or(subcommand);
    let at = args
        .iter()
        .position(|a| a == search)
        .map(|i| i + 1)
        .unwrap_or(0);
    let mut out = args;
    out.splice(at..at, extra);
    Ok(out)
}

/// go-shellwords' `Parse` without environment or backtick expansion:
/// whitespace separates words, quotes group, a backslash escapes the next
/// character outside single quotes, and `;`, `&`, `|`, `<`, `>` outside
/// quotes end the command line (what follows is ignored).
pub fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let mut args = Vec::new();
    let mut buf = String::new();
    // Whether the current word exists (a quoted empty string is a word).
    let mut got = false;
    let (mut escaped, mut single, mut double) = (false, false, false);
    for c in line.chars() {
        if escaped {
            buf.push(c);
            escaped = false;
            got = true;
            continue;
        }
        if c == '\\' {
            if single {
                buf.push(c);
            } else {
                escaped = true;
            }
            continue;
        }
        if matches!(c, ' ' | '\t' | '\r' | '\n') {
            if single || double {
                buf.push(c);
            } else if got {
                args.push(std::mem::take(&mut buf));
                got = false;
            }
            continue;
        }
        match c {
            '"' if !single => {
                if double {
                    got = true;
                }
                double = !double;
                continue;
            }
            '\'' if !double => {
                if single {
                    got = true;
                }
                single = !single;
                continue;
            }
            ';' | '&' | '|' | '<' | '>' if !single && !double => break,
            _ => {}
        }
        got = true;
        buf.push(c);
    }
    if escaped || single || double {
        return Err("invalid command line string".into());
    }
    if got {
        args.push(buf);
    }
    Ok(args)
}

/// Go's `strconv.ParseBool` (`None` when the text is not a boolean).
pub fn parse_go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        shell_words(s).unwrap()
    }

    #[test]
    fn splits_as_a_shell() {
        assert_eq!(words("  -a  -b=1\t-c "), ["-a", "-b=1", "-c"]);
        assert_eq!(
            words(r#"-var 'x=a b' -var "y=\"q\"" z\ w"#),
            ["-var", "x=a b", "-var", "y=\"q\"", "z w"]
        );
        assert_eq!(words(r#"'' "" a'b'"c""#), ["", "", "abc"]);
        assert_eq!(words(r"'a\b'"), [r"a\b"]);
        assert_eq!(words("-a; rm -rf"), ["-a"]);
        assert!(words("").is_empty());
        assert_eq!(
            shell_words("'open").unwrap_err(),
            "invalid command line string"
        );
        assert!(shell_words("x\\").is_err());
    }

    #[test]
    fn inserts_after_the_command() {
        let env = |k: &str| match k {
            "TF_CLI_ARGS" => Some("-no-color".to_string()),
            "TF_CLI_ARGS_state_list" => Some("-state=s.tfstate".to_string()),
            "TF_CLI_ARGS_force_unlock" => Some("-force".to_string()),
            _ => None,
        };
        let args: Vec<String> = ["state", "list", "aws_x.y"].map(String::from).to_vec();
        let sub = subcommand("state", &args[1..]);
        assert_eq!(sub, "state list");
        assert_eq!(
            merge_env_args(args, &sub, &env).unwrap(),
            ["state", "list", "-state=s.tfstate", "-no-color", "aws_x.y"]
        );
        let args: Vec<String> = ["force-unlock", "id"].map(String::from).to_vec();
        assert_eq!(
            merge_env_args(args, "force-unlock", &env).unwrap(),
            ["force-unlock", "-force", "-no-color", "id"]
        );
        // A subcommand only when it is the next argument.
        assert_eq!(
            subcommand("state", &["-x".to_string(), "list".to_string()]),
            "state"
        );
        let bad = |k: &str| (k == "TF_CLI_ARGS").then(|| "\"x".to_string());
        assert_eq!(
            merge_env_args(vec!["plan".into()], "plan", &bad).unwrap_err(),
            "Error parsing extra CLI args from TF_CLI_ARGS: invalid command line string"
        );
        assert_eq!(parse_go_bool("F"), Some(false));
        assert_eq!(parse_go_bool("no"), None);
    }
}
