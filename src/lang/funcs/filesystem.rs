//! Filesystem functions: abspath, basename, dirname, file, filebase64,
//! fileexists, fileset, pathexpand.

use super::encoding::base64_encode;
use super::{
    arg_error, call_error, go_quote, ret_bool, ret_string, FuncContext, FuncResult, Function,
    Param, ParamType,
};
use tfrs_provider::{Type, Value};

const PATH: Param = Param::new("path", ParamType::String);

fn ret_set_string(_: &[Value]) -> Type {
    Type::set(Type::String)
}

pub const FUNCTIONS: &[Function] = &[
    Function {
        name: "abspath",
        params: &[PATH],
        variadic: None,
        return_type: ret_string,
        imp: abspath,
    },
    Function {
        name: "basename",
        params: &[PATH],
        variadic: None,
        return_type: ret_string,
        imp: basename,
    },
    Function {
        name: "dirname",
        params: &[PATH],
        variadic: None,
        return_type: ret_string,
        imp: dirname,
    },
    Function {
        name: "pathexpand",
        params: &[PATH],
        variadic: None,
        return_type: ret_string,
        imp: pathexpand,
    },
    Function {
        name: "file",
        params: &[PATH],
        variadic: None,
        return_type: ret_string,
        imp: file,
    },
    Function {
        name: "filebase64",
        params: &[PATH],
        variadic: None,
        return_type: ret_string,
        imp: filebase64,
    },
    Function {
        name: "fileexists",
        params: &[PATH],
        variadic: None,
        return_type: ret_bool,
        imp: fileexists,
    },
    Function {
        name: "fileset",
        params: &[PATH, Param::new("pattern", ParamType::String)],
        variadic: None,
        return_type: ret_set_string,
        imp: fileset,
    },
];

fn s(v: &Value) -> &str {
    v.as_str().expect("converted to string")
}

/// Go's `filepath.Clean`.
pub(super) fn go_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if matches!(parts.last(), Some(l) if *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// Go's `filepath.Join` of two elements.
fn go_join(a: &str, b: &str) -> String {
    if a.is_empty() {
        return go_clean(b);
    }
    if b.is_empty() {
        return go_clean(a);
    }
    go_clean(&format!("{a}/{b}"))
}

fn home_expand(path: &str) -> Result<String, String> {
    if !path.starts_with('~') {
        return Ok(path.to_string());
    }
    if path.len() > 1 && !path[1..].starts_with('/') && !path[1..].starts_with('\\') {
        return Err("cannot expand user-specific home dir".into());
    }
    let home = std::env::var("HOME").map_err(|_| "home directory not found".to_string())?;
    Ok(format!("{home}{}", &path[1..]))
}

/// The path Terraform opens for `path`: `~` expanded, joined to the
/// module directory, cleaned.
fn resolve(ctx: &FuncContext, path: &str) -> Result<String, String> {
    let p = home_expand(path).map_err(|e| format!("failed to expand ~: {e}"))?;
    if p.starts_with('/') {
        return Ok(go_clean(&p));
    }
    Ok(go_join(&ctx.base_dir.to_string_lossy(), &p))
}

fn os_error_text(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file or directory".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ => match e.raw_os_error() {
            Some(21) => "is a directory".into(),
            Some(20) => "not a directory".into(),
            _ => e.to_string(),
        },
    }
}

/// Reads a file as the hash functions do (Go's `os.Open` and `io.Copy`
/// errors).
pub(super) fn open_file_bytes(ctx: &FuncContext, path: &str) -> Result<Vec<u8>, String> {
    let p = resolve(ctx, path)?;
    if std::path::Path::new(&p).is_dir() {
        return Err(format!("read {p}: is a directory"));
    }
    std::fs::read(&p).map_err(|e| format!("open {p}: {}", os_error_text(&e)))
}

/// Terraform's `readFileBytes` for `file` and `filebase64`.
fn read_file_bytes(ctx: &FuncContext, path: &str) -> Result<Vec<u8>, super::FuncError> {
    let p = resolve(ctx, path).map_err(|e| arg_error(0, "path", e))?;
    if std::path::Path::new(&p).is_dir() {
        return Err(arg_error(
            0,
            "path",
            format!("failed to read file: read {p}: is a directory"),
        ));
    }
    std::fs::read(&p).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            arg_error(0, "path", format!("no file exists at {}; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource", go_quote(path)))
        } else {
            arg_error(0, "path", format!("open {p}: {}", os_error_text(&e)))
        }
    })
}

fn file(ctx: &FuncContext, args: &[Value]) -> FuncResult {
    let path = s(&args[0]);
    let data = read_file_bytes(ctx, path)?;
    String::from_utf8(data).map(Value::String).map_err(|_| {
        call_error("file", format!("contents of {} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead", go_quote(path)))
    })
}

fn filebase64(ctx: &FuncContext, args: &[Value]) -> FuncResult {
    let data = read_file_bytes(ctx, s(&args[0]))?;
    Ok(Value::String(base64_encode(&data)))
}

fn fileexists(ctx: &FuncContext, args: &[Value]) -> FuncResult {
    let p = resolve(ctx, s(&args[0])).map_err(|e| call_error("fileexists", e))?;
    match std::fs::metadata(&p) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::Bool(false)),
        Err(_) => Err(call_error(
            "fileexists",
            format!("failed to stat {}", go_quote(&p)),
        )),
        Ok(m) if m.is_file() => Ok(Value::Bool(true)),
        Ok(m) => {
            use std::os::unix::fs::FileTypeExt;
            let ft = m.file_type();
            let q = go_quote(&p);
            let msg = if ft.is_dir() {
                format!("{q} is a directory, not a file")
            } else if ft.is_block_device() || ft.is_char_device() {
                format!("{q} is a device node, not a regular file")
            } else if ft.is_fifo() {
                format!("{q} is a named pipe, not a regular file")
            } else if ft.is_socket() {
                format!("{q} is a unix domain socket, not a regular file")
            } else {
                format!("{q} is not a regular file")
            };
            Err(call_error("fileexists", msg))
        }
    }
}

fn abspath(_: &FuncContext, args: &[Value]) -> FuncResult {
    let p = s(&args[0]);
    if p.starts_with('/') {
        return Ok(Value::String(go_clean(p)));
    }
    let cwd = std::env::current_dir()
        .map_err(|e| call_error("abspath", e))?
        .to_string_lossy()
        .into_owned();
    Ok(Value::String(go_join(&cwd, p)))
}

fn dirname(_: &FuncContext, args: &[Value]) -> FuncResult {
    let p = s(&args[0]);
    let dir = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    Ok(Value::String(go_clean(dir)))
}

fn basename(_: &FuncContext, args: &[Value]) -> FuncResult {
    let p = s(&args[0]);
    if p.is_empty() {
        return Ok(Value::string("."));
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return Ok(Value::string("/"));
    }
    Ok(Value::string(match t.rfind('/') {
        Some(i) => &t[i + 1..],
        None => t,
    }))
}

fn pathexpand(_: &FuncContext, args: &[Value]) -> FuncResult {
    home_expand(s(&args[0]))
        .map(Value::String)
        .map_err(|e| call_error("pathexpand", e))
}

// ---------------------------------------------------------------- fileset

/// Expands `{a,b}` alternatives.
fn expand_braces(p: &str) -> Vec<String> {
    let b = p.as_bytes();
    let mut depth = 0;
    let mut start = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'{' => {
                if depth == 0 {
                    start = Some(i);
                }
                depth += 1;
            }
            b'}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    let st = start.unwrap_or(0);
                    let inner = &p[st + 1..i];
                    let mut alts = Vec::new();
                    let (mut d, mut last) = (0, 0);
                    let ib = inner.as_bytes();
                    for (j, c) in ib.iter().enumerate() {
                        match c {
                            b'{' => d += 1,
                            b'}' => d -= 1,
                            b',' if d == 0 => {
                                alts.push(&inner[last..j]);
                                last = j + 1;
                            }
                            _ => {}
                        }
                    }
                    alts.push(&inner[last..]);
                    let mut out = Vec::new();
                    for a in alts {
                        out.extend(expand_braces(&format!("{}{}{}", &p[..st], a, &p[i + 1..])));
                    }
                    return out;
                }
            }
            _ => {}
        }
        i += 1;
    }
    vec![p.to_string()]
}

/// Matches one path segment against one pattern segment (`*`, `?`,
/// `[...]`, `\x`); `Err` for a malformed pattern.
fn match_segment(pat: &[char], name: &[char]) -> Result<bool, ()> {
    if pat.is_empty() {
        return Ok(name.is_empty());
    }
    match pat[0] {
        '*' => {
            for k in 0..=name.len() {
                if match_segment(&pat[1..], &name[k..])? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        '?' => Ok(!name.is_empty() && match_segment(&pat[1..], &name[1..])?),
        '[' => {
            let mut i = 1;
            let neg = matches!(pat.get(1), Some('^') | Some('!'));
            if neg {
                i += 1;
            }
            let mut matched = false;
            let c = name.first().copied();
            let mut first = true;
            loop {
                let Some(&p) = pat.get(i) else { return Err(()) };
                if p == ']' && !first {
                    break;
                }
                first = false;
                let lo = if p == '\\' {
                    i += 1;
                    *pat.get(i).ok_or(())?
                } else {
                    p
                };
                i += 1;
                let hi = if pat.get(i) == Some(&'-') && pat.get(i + 1).is_some_and(|x| *x != ']') {
                    i += 1;
                    let h = if pat[i] == '\\' {
                        i += 1;
                        *pat.get(i).ok_or(())?
                    } else {
                        pat[i]
                    };
                    i += 1;
                    h
                } else {
                    lo
                };
                if let Some(c) = c {
                    if lo <= c && c <= hi {
                        matched = true;
                    }
                }
            }
            let rest = &pat[i + 1..];
            match c {
                Some(_) if matched != neg => match_segment(rest, &name[1..]),
                _ => {
                    // Still validate the rest of the pattern.
                    match_segment(rest, &[]).map(|_| false)
                }
            }
        }
        '\\' => {
            let lit = *pat.get(1).ok_or(())?;
            Ok(name.first() == Some(&lit) && match_segment(&pat[2..], &name[1..])?)
        }
        c => Ok(name.first() == Some(&c) && match_segment(&pat[1..], &name[1..])?),
    }
}

fn match_path(pat: &[&str], path: &[&str]) -> Result<bool, ()> {
    if pat.is_empty() {
        return Ok(path.is_empty());
    }
    if pat[0] == "**" {
        for k in 0..=path.len() {
            if match_path(&pat[1..], &path[k..])? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    if path.is_empty() {
        // Validate the remaining pattern.
        for p in pat {
            let pc: Vec<char> = p.chars().collect();
            match_segment(&pc, &[])?;
        }
        return Ok(false);
    }
    let pc: Vec<char> = pat[0].chars().collect();
    let nc: Vec<char> = path[0].chars().collect();
    Ok(match_segment(&pc, &nc)? && match_path(&pat[1..], &path[1..])?)
}

fn walk(dir: &std::path::Path, rel: &str, out: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let r = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let p = e.path();
        match std::fs::metadata(&p) {
            Ok(m) if m.is_dir() => walk(&p, &r, out, depth + 1),
            Ok(m) if m.is_file() => out.push(r),
            _ => {}
        }
    }
}

fn fileset(ctx: &FuncContext, args: &[Value]) -> FuncResult {
    let path = s(&args[0]);
    let base = if path.starts_with('/') {
        go_clean(path)
    } else {
        go_join(&ctx.base_dir.to_string_lossy(), path)
    };
    let pattern = go_join(&base, s(&args[1]));
    let bad = || {
        call_error(
            "fileset",
            format!(
                "failed to glob pattern {}: syntax error in pattern",
                go_quote(&pattern)
            ),
        )
    };
    let mut files = Vec::new();
    walk(std::path::Path::new(&base), "", &mut files, 0);
    let pats = expand_braces(&pattern);
    // Check the pattern's syntax even when nothing is there to match.
    for p in &pats {
        let segs: Vec<&str> = p.split('/').collect();
        match_path(&segs, &[]).map_err(|_| bad())?;
    }
    let mut out = Vec::new();
    for f in files {
        let full = go_join(&base, &f);
        let fsegs: Vec<&str> = full.split('/').collect();
        for p in &pats {
            let segs: Vec<&str> = p.split('/').collect();
            if match_path(&segs, &fsegs).map_err(|_| bad())? {
                out.push(Value::String(f.clone()));
                break;
            }
        }
    }
    Ok(Value::set(Type::String, out))
}

#[cfg(test)]
mod tests {
    use super::super::testutil::check_in;
    use super::super::FuncContext;

    fn fixture() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("tfrs-funcs-fs-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub/d")).unwrap();
        std::fs::write(dir.join("sub/a.txt"), "hi\n").unwrap();
        std::fs::write(dir.join("sub/d/b.txt"), "x\n").unwrap();
        std::fs::write(dir.join("sub/bin.dat"), [0xffu8]).unwrap();
        dir
    }

    #[test]
    fn filesystem_functions() {
        let dir = fixture();
        let ctx = FuncContext::new(dir.to_string_lossy().into_owned());
        let d = dir.to_string_lossy().into_owned();
        let cases: Vec<(String, String)> = vec![
        (r###"fileexists("sub")"###.to_string(), r###"error: Error in function call: Call to function "fileexists" failed: "@D@/sub" is a directory, not a file."###.to_string()),
        (r###"fileexists("sub/a.txt")"###.to_string(), r###"true"###.to_string()),
        (r###"fileexists("nope")"###.to_string(), r###"false"###.to_string()),
        (r###"fileexists("sub/a.txt/x")"###.to_string(), r###"error: Error in function call: Call to function "fileexists" failed: failed to stat "@D@/sub/a.txt/x"."###.to_string()),
        (r###"file("sub/bin.dat")"###.to_string(), r###"error: Error in function call: Call to function "file" failed: contents of "sub/bin.dat" are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead."###.to_string()),
        (r###"file("nope")"###.to_string(), r###"error: Invalid function argument: Invalid value for "path" parameter: no file exists at "nope"; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource."###.to_string()),
        (r###"file("sub")"###.to_string(), r###"error: Invalid function argument: Invalid value for "path" parameter: failed to read file: read @D@/sub: is a directory."###.to_string()),
        (r###"file("sub/a.txt")"###.to_string(), r###"<<EOT
hi

EOT"###.to_string()),
        (r###"filebase64("sub/a.txt")"###.to_string(), r###""aGkK""###.to_string()),
        (r###"filebase64("sub/bin.dat")"###.to_string(), r###""/w==""###.to_string()),
        (r###"filebase64("nope")"###.to_string(), r###"error: Invalid function argument: Invalid value for "path" parameter: no file exists at "nope"; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource."###.to_string()),
        (r###"fileset("sub", "**")"###.to_string(), r###"toset([
  "a.txt",
  "bin.dat",
  "d/b.txt",
])"###.to_string()),
        (r###"fileset("sub", "*.txt")"###.to_string(), r###"toset([
  "a.txt",
])"###.to_string()),
        (r###"fileset("sub", "**/*.txt")"###.to_string(), r###"toset([
  "a.txt",
  "d/b.txt",
])"###.to_string()),
        (r###"fileset("sub", "[ab]*")"###.to_string(), r###"toset([
  "a.txt",
  "bin.dat",
])"###.to_string()),
        (r###"fileset("sub", "[")"###.to_string(), r###"error: Error in function call: Call to function "fileset" failed: failed to glob pattern "@D@/sub/[": syntax error in pattern."###.to_string()),
        (r###"fileset("sub", "nomatch")"###.to_string(), r###"toset([])"###.to_string()),
        (r###"fileset("nope", "*")"###.to_string(), r###"toset([])"###.to_string()),
        (r###"filemd5("sub/a.txt")"###.to_string(), r###""764efa883dda1e11db47671c4a3bbd9e""###.to_string()),
        (r###"filesha1("sub/a.txt")"###.to_string(), r###""55ca6286e3e4f4fba5d0448333fa99fc5a404a73""###.to_string()),
        (r###"filesha256("sub/a.txt")"###.to_string(), r###""98ea6e4f216f2fb4b69fff9b3a44842c38686ca685f3f55dc48c5d3fb1107be4""###.to_string()),
        (r###"filesha512("sub/a.txt")"###.to_string(), r###""d78abb0542736865f94704521609c230dac03a2f369d043ac212d6933b91410e06399e37f9c5cc88436a31737330c1c8eccb2c2f9f374d62f716432a32d50fac""###.to_string()),
        (r###"filebase64sha256("sub/a.txt")"###.to_string(), r###""mOpuTyFvL7S2n/+bOkSELDhobKaF8/VdxIxdP7EQe+Q=""###.to_string()),
        (r###"filebase64sha512("sub/a.txt")"###.to_string(), r###""14q7BUJzaGX5RwRSFgnCMNrAOi82nQQ6whLWkzuRQQ4GOZ43+cXMiENqMXNzMMHI7MssL583TWL3FkMqMtUPrA==""###.to_string()),
        (r###"filemd5("nope")"###.to_string(), r###"error: Error in function call: Call to function "filemd5" failed: open @D@/nope: no such file or directory."###.to_string()),
        (r###"filemd5("sub")"###.to_string(), r###"error: Error in function call: Call to function "filemd5" failed: read @D@/sub: is a directory."###.to_string()),
        (r###"dirname("/a/b/")"###.to_string(), r###""/a/b""###.to_string()),
        (r###"dirname("")"###.to_string(), r###"".""###.to_string()),
        (r###"dirname("a")"###.to_string(), r###"".""###.to_string()),
        (r###"dirname("/a/b/c.txt")"###.to_string(), r###""/a/b""###.to_string()),
        (r###"dirname("/")"###.to_string(), r###""/""###.to_string()),
        (r###"basename("/a/b/")"###.to_string(), r###""b""###.to_string()),
        (r###"basename("")"###.to_string(), r###"".""###.to_string()),
        (r###"basename("/")"###.to_string(), r###""/""###.to_string()),
        (r###"basename("a/b.txt")"###.to_string(), r###""b.txt""###.to_string()),
        (r###"pathexpand("/x/~")"###.to_string(), r###""/x/~""###.to_string()),
        (r###"pathexpand("~x")"###.to_string(), r###"error: Error in function call: Call to function "pathexpand" failed: cannot expand user-specific home dir."###.to_string()),
            // CASES:filesystem
        ];
        let cases: Vec<(String, String)> = cases
            .into_iter()
            .map(|(e, w)| (e, w.replace("@D@", &d)))
            .collect();
        let refs: Vec<(&str, &str)> = cases
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        check_in(&ctx, &refs);
        std::fs::remove_dir_all(&dir).ok();
    }
}
