//! `tfrs fmt`: rewrites configuration files to the canonical style, as
//! `terraform fmt` does (Terraform's `internal/command/fmt.go`): the same
//! files, listing, diffs and exit codes. The formatting itself is
//! [`crate::format`].

use super::flags::{self, Kind};
use crate::diag::{render_styled, Diagnostic, Diagnostics, SourceMap, Style};
use crate::format::format_source;
use crate::syntax::parser::parse_file;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

const HELP: &str = "Usage: tfrs [global options] fmt [options] [target...]

  Rewrites all Terraform configuration files to a canonical format. All
  configuration files (.tf), variables files (.tfvars), and testing files 
  (.tftest.hcl) are updated. JSON files (.tf.json, .tfvars.json, or 
  .tftest.json) are not modified.

  By default, fmt scans the current directory for configuration files. If you
  provide a directory for the target argument, then fmt will scan that
  directory instead. If you provide a file, then fmt will process just that
  file. If you provide a single dash (\"-\"), then fmt will read from standard
  input (STDIN).

  The content must be in the Terraform language native syntax; JSON is not
  supported.

Options:

  -list=false    Don't list files whose formatting differs
                 (always disabled if using STDIN)

  -write=false   Don't write to source files
                 (always disabled if using STDIN or -check)

  -diff          Display diffs of formatting changes

  -check         Check if the input is formatted. Exit status will be 0 if all
                 input is properly formatted and non-zero otherwise.

  -no-color      If specified, output won't contain any color.

  -recursive     Also process files in subdirectories. By default, only the
                 given directory (or current directory) is processed.
";

/// The file name suffixes `fmt` processes.
const EXTENSIONS: &[&str] = &[".tf", ".tfvars", ".tftest.hcl", ".tfmock.hcl"];

const STDIN: &str = "-";

pub fn run(args: &[String]) -> i32 {
    if args
        .iter()
        .take_while(|a| a.starts_with('-') && a.as_str() != STDIN && a.as_str() != "--")
        .any(|a| matches!(a.as_str(), "-h" | "-help" | "--help" | "--h"))
    {
        print!("{HELP}");
        return 0;
    }
    let spec = [
        ("list", Kind::Bool),
        ("write", Kind::Bool),
        ("diff", Kind::Bool),
        ("check", Kind::Bool),
        ("recursive", Kind::Bool),
        ("no-color", Kind::Bool),
    ];
    let parsed = flags::parse(args, &spec).and_then(|p| {
        for (name, _) in spec {
            for v in p.values(name) {
                if parse_bool(v).is_none() {
                    return Err(format!(
                        "invalid boolean value {v:?} for -{name}: parse error"
                    ));
                }
            }
        }
        Ok(p)
    });
    let parsed = match parsed {
        Ok(p) => p,
        Err(msg) => {
            eprint!("{HELP}\nError parsing command-line flags: {msg}\n\n");
            return 1;
        }
    };
    let flag = |name: &str, default: bool| {
        parsed
            .values(name)
            .last()
            .and_then(|v| parse_bool(v))
            .unwrap_or(default)
    };
    let mut fmt = Fmt {
        list: flag("list", true),
        write: flag("write", true),
        diff: flag("diff", false),
        check: flag("check", false),
        recursive: flag("recursive", false),
        color: !flag("no-color", false),
        sources: SourceMap::default(),
        out: Vec::new(),
    };

    let paths: Vec<String> = if parsed.positional.is_empty() {
        vec![".".to_string()]
    } else if parsed.positional[0] == STDIN {
        fmt.list = false;
        fmt.write = false;
        Vec::new()
    } else {
        parsed.positional.clone()
    };

    // With -check, the list of files is collected and shown only at the end,
    // and nothing is written.
    let show_list = fmt.list;
    if fmt.check {
        fmt.list = true;
        fmt.write = false;
    }

    let diags = fmt.run(&paths);
    fmt.show_diagnostics(&diags);
    if diags.has_errors() {
        return 2;
    }
    if fmt.check {
        let ok = fmt.out.is_empty();
        if show_list && !ok {
            ui_write(&fmt.out);
        }
        return if ok { 0 } else { 3 };
    }
    0
}

/// Go's `strconv.ParseBool`.
fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Writes to standard output as Terraform's `cli.UiWriter` does: one line
/// per write, so the output always ends with exactly the newline it had, or
/// one added.
fn ui_write(data: &[u8]) {
    let data = data.strip_suffix(b"\n").unwrap_or(data);
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(data);
    let _ = out.write_all(b"\n");
    let _ = out.flush();
}

struct Fmt {
    list: bool,
    write: bool,
    diff: bool,
    check: bool,
    recursive: bool,
    color: bool,
    sources: SourceMap,
    /// With -check, the output collected until the end.
    out: Vec<u8>,
}

impl Fmt {
    fn output(&mut self, data: &[u8]) {
        if self.check {
            self.out.extend_from_slice(data);
        } else {
            ui_write(data);
        }
    }

    fn run(&mut self, paths: &[String]) -> Diagnostics {
        let mut diags = Diagnostics::new();
        if paths.is_empty() {
            if self.write {
                diags.push(Diagnostic::error(
                    "Option -write cannot be used when reading from stdin",
                    "",
                ));
                return diags;
            }
            let mut src = Vec::new();
            if std::io::stdin().read_to_end(&mut src).is_err() {
                diags.push(Diagnostic::error("Failed to read <stdin>", ""));
                return diags;
            }
            diags.extend(self.process_file("<stdin>", src));
            return diags;
        }
        for path in paths {
            let path = normalize_path(path);
            let meta = match std::fs::metadata(&path) {
                Ok(m) => m,
                Err(_) => {
                    diags.push(Diagnostic::error(
                        format!("No file or directory at {path}"),
                        "",
                    ));
                    return diags;
                }
            };
            if meta.is_dir() {
                diags.extend(self.process_dir(&path));
            } else if EXTENSIONS.iter().any(|ext| path.ends_with(ext)) {
                match std::fs::read(&path) {
                    Ok(src) => diags.extend(self.process_file(&normalize_path(&path), src)),
                    Err(_) => {
                        diags.push(Diagnostic::error(format!("Failed to read file {path}"), ""))
                    }
                }
            } else {
                diags.push(Diagnostic::error(
                    "Only .tf, .tfvars, and .tftest.hcl files can be processed with terraform fmt",
                    "",
                ));
            }
        }
        diags
    }

    fn process_dir(&mut self, path: &str) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let entries = match std::fs::read_dir(path) {
            Ok(rd) => rd,
            Err(e) => {
                let msg = if e.kind() == std::io::ErrorKind::NotFound {
                    format!("There is no configuration directory at {path}")
                } else {
                    format!("Cannot read directory {path}")
                };
                diags.push(Diagnostic::error(msg, ""));
                return diags;
            }
        };
        let mut entries: Vec<(String, bool)> = entries
            .filter_map(Result::ok)
            .map(|e| {
                let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
                (e.file_name().to_string_lossy().into_owned(), is_dir)
            })
            .collect();
        entries.sort();
        for (name, is_dir) in entries {
            if is_ignored_file(&name) {
                continue;
            }
            let sub = join(path, &name);
            if is_dir {
                if self.recursive {
                    diags.extend(self.process_dir(&sub));
                }
                continue;
            }
            if EXTENSIONS.iter().any(|ext| name.ends_with(ext)) {
                match std::fs::read(&sub) {
                    Ok(src) => diags.extend(self.process_file(&normalize_path(&sub), src)),
                    Err(_) => {
                        diags.push(Diagnostic::error(format!("Failed to read file {sub}"), ""))
                    }
                }
            }
        }
        diags
    }

    fn process_file(&mut self, path: &str, src: Vec<u8>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let text = match String::from_utf8(src) {
            Ok(t) => t,
            Err(e) => {
                // Not UTF-8: hclsyntax reports the bad bytes as invalid
                // characters; we report the file as a whole.
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let id = self.sources.add(path, text.clone());
                let at = e.utf8_error().valid_up_to();
                diags.push(
                    Diagnostic::error(
                        "Invalid character encoding",
                        "All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected in your editor.",
                    )
                    .with_subject(crate::diag::Span::new(id, at, at + 1)),
                );
                return diags;
            }
        };
        let id = self.sources.add(path, text.clone());
        let syntax = syntax_check(&text, id, path);
        if syntax.has_errors() {
            diags.extend(syntax);
            return diags;
        }
        let result = format_source(&text);
        if result != text {
            if self.list {
                self.output(format!("{path}\n").as_bytes());
            }
            if self.write && std::fs::write(path, &result).is_err() {
                diags.push(Diagnostic::error(format!("Failed to write {path}"), ""));
                return diags;
            }
            if self.diff {
                match unified_diff(text.as_bytes(), result.as_bytes(), path) {
                    Ok(d) => self.output(&d),
                    Err(e) => {
                        diags.push(Diagnostic::error(
                            format!("Failed to generate diff for {path}: {e}"),
                            "",
                        ));
                        return diags;
                    }
                }
            }
        }
        if !self.list && !self.write && !self.diff {
            self.output(result.as_bytes());
        }
        diags
    }

    fn show_diagnostics(&self, diags: &Diagnostics) {
        let mut err = std::io::stderr().lock();
        for d in diags.iter() {
            // Terraform's old UI ends each message with one more newline.
            let style = if self.color {
                Style::Boxed
            } else {
                Style::Plain
            };
            let _ = writeln!(err, "{}", render_styled(d, &self.sources, style));
        }
    }
}

/// Parses `text` for its syntax errors only.
fn syntax_check(text: &str, id: u32, path: &str) -> Diagnostics {
    parse_file(text, id, path).1
}

/// Runs `diff -u` as Terraform does, labelling the sides `old/PATH` and
/// `new/PATH`.
fn unified_diff(old: &[u8], new: &[u8], path: &str) -> std::io::Result<Vec<u8>> {
    let dir = std::env::temp_dir();
    let stamp = format!(
        "tfrs-fmt-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    );
    let f1 = dir.join(format!("{stamp}-old"));
    let f2 = dir.join(format!("{stamp}-new"));
    let result = (|| {
        std::fs::write(&f1, old)?;
        std::fs::write(&f2, new)?;
        let out = std::process::Command::new("diff")
            .arg(format!("--label=old/{path}"))
            .arg(format!("--label=new/{path}"))
            .arg("-u")
            .arg(&f1)
            .arg(&f2)
            .output()?;
        let mut data = out.stdout;
        data.extend_from_slice(&out.stderr);
        Ok(data)
    })();
    let _ = std::fs::remove_file(&f1);
    let _ = std::fs::remove_file(&f2);
    result
}

/// Terraform's `configs.IsIgnoredFile`: hidden files and editor backups.
fn is_ignored_file(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || (name.starts_with('#') && name.ends_with('#'))
}

/// Go's `filepath.Join`: joined and cleaned.
fn join(dir: &str, name: &str) -> String {
    clean(&format!("{dir}/{name}"))
}

/// Go's `filepath.Clean`, lexically.
fn clean(path: &str) -> String {
    let abs = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !abs {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (abs, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Terraform's `NormalizePath`: relative to the working directory when
/// possible.
fn normalize_path(given: &str) -> String {
    let Ok(cwd) = std::env::current_dir() else {
        return clean(given);
    };
    let cwd = clean(&cwd.to_string_lossy());
    let abs = if given.starts_with('/') {
        clean(given)
    } else {
        clean(&format!("{cwd}/{given}"))
    };
    relative(&cwd, &abs).unwrap_or_else(|| clean(given))
}

/// Go's `filepath.Rel` for two clean absolute paths.
fn relative(base: &str, target: &str) -> Option<String> {
    let comps = |p: &str| -> Vec<String> {
        Path::new(p)
            .components()
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect()
    };
    let b = comps(base);
    let t = comps(target);
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut rel = PathBuf::new();
    for _ in common..b.len() {
        rel.push("..");
    }
    for c in &t[common..] {
        rel.push(c);
    }
    let s = rel.to_string_lossy().into_owned();
    Some(if s.is_empty() { ".".to_string() } else { s })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_and_relates_paths() {
        assert_eq!(clean("./a//b/../c/"), "a/c");
        assert_eq!(clean("../x"), "../x");
        assert_eq!(clean("."), ".");
        assert_eq!(join(".", "a.tf"), "a.tf");
        assert_eq!(relative("/a/b", "/a/b/c").as_deref(), Some("c"));
        assert_eq!(relative("/a/b", "/a/x").as_deref(), Some("../x"));
        assert_eq!(relative("/a/b", "/a/b").as_deref(), Some("."));
    }

    #[test]
    fn ignores_hidden_and_backup_files() {
        assert!(is_ignored_file(".terraform"));
        assert!(is_ignored_file("main.tf~"));
        assert!(is_ignored_file("#main.tf#"));
        assert!(!is_ignored_file("main.tf"));
    }
}
