//! The `archive` provider built into tfrs, as hashicorp/archive: the
//! `archive_file` data source zips a file, a directory or inline content
//! at plan time and reports the archive's size and checksums. The zip
//! bytes are those the hashicorp provider writes (Go's archive/zip and
//! compress/flate), so `output_base64sha256` is the same for the same
//! input and a Lambda function's `source_code_hash` does not change when a
//! configuration moves from terraform to tfrs.

pub mod deflate;
pub mod digest;
pub mod glob;
pub mod zip;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tfrs_provider::provider::{ApplyRequest, ApplyResponse, Diags, ProviderSchema, ReadResponse};
use tfrs_provider::{Attribute, Block, Diag, Nesting, Provider, Schema, Type, Value};
use zip::{Entry, Origin};

pub struct ArchiveProvider;

/// The conflicting pairs of `archive_file` arguments (the provider's
/// ConflictsWith validators).
const CONFLICTS: [(&str, &str); 7] = [
    ("source", "source_file"),
    ("source", "source_dir"),
    ("source", "source_content"),
    ("source", "source_content_filename"),
    ("source_file", "source_dir"),
    ("source_dir", "source_content"),
    ("source_dir", "source_content_filename"),
];

const SOURCES: [&str; 4] = [
    "source",
    "source_content_filename",
    "source_file",
    "source_dir",
];

fn archive_file_block() -> Block {
    let s = || Attribute::optional(Type::String);
    let computed = || Attribute::computed(Type::String);
    Block::new()
        .attr("id", computed())
        .attr("type", Attribute::required(Type::String))
        .attr("source_content", s())
        .attr("source_content_filename", s())
        .attr("source_file", s())
        .attr("source_dir", s())
        .attr("excludes", Attribute::optional(Type::set(Type::String)))
        .attr(
            "exclude_symlink_directories",
            Attribute::optional(Type::Bool),
        )
        .attr("output_path", Attribute::required(Type::String))
        .attr("output_size", Attribute::computed(Type::Number))
        .attr("output_file_mode", s())
        .attr("output_md5", computed())
        .attr("output_sha", computed())
        .attr("output_sha256", computed())
        .attr("output_base64sha256", computed())
        .attr("output_sha512", computed())
        .attr("output_base64sha512", computed())
        .block(
            "source",
            Nesting::Set,
            Block::new()
                .attr("content", Attribute::required(Type::String))
                .attr("filename", Attribute::required(Type::String)),
        )
}

fn schema() -> &'static ProviderSchema {
    static SCHEMA: OnceLock<ProviderSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut data_sources = BTreeMap::new();
        data_sources.insert(
            "archive_file".to_string(),
            Schema::new(archive_file_block()),
        );
        ProviderSchema {
            provider: Schema::default(),
            resources: BTreeMap::new(),
            data_sources,
        }
    })
}

fn attr<'a>(config: &'a Value, k: &str) -> Option<&'a Value> {
    config
        .unmarked()
        .get_attr(k)
        .map(Value::unmarked)
        .filter(|v| !v.is_null())
}

fn string(config: &Value, k: &str) -> Option<String> {
    attr(config, k).and_then(Value::as_str).map(String::from)
}

/// Whether an argument is given (a value, possibly unknown, or blocks).
fn is_set(config: &Value, k: &str) -> bool {
    attr(config, k).is_some_and(|v| !v.is_known() || v.length().is_none_or(|n| n > 0))
}

fn error(summary: &str, detail: impl Into<String>) -> Diags {
    vec![Diag::error(summary, detail)]
}

/// Go's `strconv.ParseUint(s, 0, 32)`: `0x`, `0o`, `0b` prefixes, a
/// leading `0` for octal, decimal otherwise.
fn parse_file_mode(text: &str) -> Option<u32> {
    let t = text.replace('_', "");
    let (digits, radix) = if let Some(r) = t.strip_prefix("0x").or(t.strip_prefix("0X")) {
        (r.to_string(), 16)
    } else if let Some(r) = t.strip_prefix("0o").or(t.strip_prefix("0O")) {
        (r.to_string(), 8)
    } else if let Some(r) = t.strip_prefix("0b").or(t.strip_prefix("0B")) {
        (r.to_string(), 2)
    } else if t.len() > 1 && t.starts_with('0') {
        (t[1..].to_string(), 8)
    } else {
        (t, 10)
    };
    u32::from_str_radix(&digits, radix).ok()
}

/// The Unix mode Go's `zip.FileHeader.SetMode` stores for a Go file mode
/// (permission bits, and setuid, setgid and sticky from Go's high bits).
fn unix_mode_of_go_mode(mode: u32) -> u32 {
    let mut m = 0o100000 | (mode & 0o777);
    if mode & (1 << 23) != 0 {
        m |= 0o4000;
    }
    if mode & (1 << 22) != 0 {
        m |= 0o2000;
    }
    if mode & (1 << 20) != 0 {
        m |= 0o1000;
    }
    m
}

/// The Unix mode of a file on disk as Go reports it: a regular file with
/// its permission, setuid, setgid and sticky bits.
fn unix_mode_of(meta: &std::fs::Metadata) -> u32 {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        0o100000 | (meta.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        if meta.permissions().readonly() {
            0o100444
        } else {
            0o100666
        }
    }
}

/// What every walked file becomes.
struct Options {
    excludes: Vec<String>,
    exclude_symlink_directories: bool,
    file_mode: Option<u32>,
}

/// What the walk does after an entry (filepath.Walk's SkipDir, which on a
/// file skips the rest of its directory).
enum Flow {
    Continue,
    SkipDir,
}

fn is_excluded(path: &str, opts: &Options) -> Result<bool, String> {
    for e in opts.excludes.iter().filter(|e| !e.is_empty()) {
        if glob::path_match(e, path)
            .map_err(|err| format!("error checking excludes matches: {err}"))?
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `filepath.Join(base, rel)` for the archive paths the walk builds.
fn join(base: &str, rel: &str) -> String {
    match (base, rel) {
        ("", r) | (".", r) => r.to_string(),
        (b, ".") => b.to_string(),
        (b, r) => format!("{b}/{r}"),
    }
}

/// Walks `dir` as Go's `filepath.Walk` and the provider's walk function
/// do: entries in name order, depth first, symbolic links followed
/// (linked directories walked under the link's name unless excluded).
fn walk(
    dir: &Path,
    archive_path: &str,
    opts: &Options,
    out: &mut Vec<Entry>,
) -> Result<(), String> {
    // The directory itself (its relative name is ".").
    if is_excluded(archive_path_or_dot(archive_path), opts)? {
        return Ok(());
    }
    walk_children(dir, archive_path, opts, out).map(|_| ())
}

fn archive_path_or_dot(p: &str) -> &str {
    if p.is_empty() {
        "."
    } else {
        p
    }
}

fn walk_children(
    dir: &Path,
    archive_path: &str,
    opts: &Options,
    out: &mut Vec<Entry>,
) -> Result<Flow, String> {
    let walk_err = |e: std::io::Error| format!("error encountered during file walk: {e}");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(walk_err)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()
        .map_err(walk_err)?;
    names.sort();
    for name in names {
        let path = dir.join(&name);
        let child = join(archive_path, &name);
        let meta = std::fs::symlink_metadata(&path).map_err(walk_err)?;
        let excluded = is_excluded(&child, opts)?;
        if meta.is_dir() {
            if !excluded {
                walk_children(&path, &child, opts, out)?;
            }
            continue;
        }
        if excluded {
            continue;
        }
        let mut info = meta;
        if info.file_type().is_symlink() {
            let real = std::fs::canonicalize(&path).map_err(|e| e.to_string())?;
            let real_info = std::fs::metadata(&real).map_err(|e| e.to_string())?;
            if real_info.is_dir() {
                if opts.exclude_symlink_directories {
                    // filepath.SkipDir from a file: the rest of this
                    // directory is skipped.
                    return Ok(Flow::SkipDir);
                }
                walk(&real, &child, opts, out)?;
                continue;
            }
            info = real_info;
        }
        let data =
            std::fs::read(&path).map_err(|e| format!("error reading file for archival: {e}"))?;
        let unix_mode = match opts.file_mode {
            Some(m) => unix_mode_of_go_mode(m),
            None => unix_mode_of(&info),
        };
        out.push(Entry {
            name: child,
            data,
            origin: Origin::File { unix_mode },
        });
    }
    Ok(Flow::Continue)
}

/// The entries of the archive, as the provider's `archive` chooses its
/// source: a directory, else a file, else inline content, else `source`
/// blocks.
fn entries(config: &Value) -> Result<Vec<Entry>, String> {
    let file_mode = match string(config, "output_file_mode").filter(|m| !m.is_empty()) {
        Some(m) => Some(
            parse_file_mode(&m)
                .ok_or_else(|| format!("error parsing output_file_mode value: {m}"))?,
        ),
        None => None,
    };
    if let Some(dir) = string(config, "source_dir") {
        let meta = std::fs::metadata(&dir).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                format!("error archiving directory: could not archive missing directory: {dir}")
            } else {
                format!("error archiving directory: {e}")
            }
        })?;
        if !meta.is_dir() {
            return Err(format!(
                "error archiving directory: could not archive directory that is a file: {dir}"
            ));
        }
        let excludes = attr(config, "excludes")
            .and_then(Value::elements)
            .map(|e| {
                e.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let opts = Options {
            excludes,
            exclude_symlink_directories: attr(config, "exclude_symlink_directories")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            file_mode,
        };
        let mut out = Vec::new();
        walk(Path::new(&dir), "", &opts, &mut out)
            .map_err(|e| format!("error archiving directory: {e}"))?;
        if out.is_empty() {
            return Err(
                "error archiving directory: archive has not been created as it would be empty"
                    .into(),
            );
        }
        return Ok(out);
    }
    if let Some(file) = string(config, "source_file") {
        let meta = std::fs::metadata(&file).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                format!("error archiving file: could not archive missing file: {file}")
            } else {
                format!("error archiving file: {e}")
            }
        })?;
        let data = std::fs::read(&file).map_err(|e| format!("error archiving file: {e}"))?;
        let name = Path::new(&file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.clone());
        let unix_mode = match file_mode {
            Some(m) => unix_mode_of_go_mode(m),
            None => unix_mode_of(&meta),
        };
        return Ok(vec![Entry {
            name,
            data,
            origin: Origin::File { unix_mode },
        }]);
    }
    if let Some(name) = string(config, "source_content_filename") {
        let content = string(config, "source_content").unwrap_or_default();
        return Ok(vec![Entry {
            name,
            data: content.into_bytes(),
            origin: Origin::Content,
        }]);
    }
    // `source` blocks: one entry per file name, in name order.
    let mut files = BTreeMap::new();
    for block in attr(config, "source")
        .and_then(Value::elements)
        .unwrap_or_default()
    {
        let name = string(block, "filename").unwrap_or_default();
        let content = string(block, "content").unwrap_or_default();
        files.insert(name, content.into_bytes());
    }
    Ok(files
        .into_iter()
        .map(|(name, data)| Entry {
            name,
            data,
            origin: Origin::Content,
        })
        .collect())
}

/// The checksums the data source reports for the archive's bytes.
pub fn checksums(data: &[u8]) -> BTreeMap<&'static str, String> {
    let sha256 = digest::sha256(data);
    let sha512 = digest::sha512(data);
    BTreeMap::from([
        ("output_md5", digest::hex(&digest::md5(data))),
        ("output_sha", digest::hex(&digest::sha1(data))),
        ("output_sha256", digest::hex(&sha256)),
        ("output_base64sha256", digest::base64(&sha256)),
        ("output_sha512", digest::hex(&sha512)),
        ("output_base64sha512", digest::base64(&sha512)),
    ])
}

fn read_archive_file(config: &Value) -> Result<Value, Diags> {
    let kind = string(config, "type").unwrap_or_default();
    let output = string(config, "output_path").unwrap_or_default();
    if kind != "zip" {
        let detail = if kind == "tar.gz" {
            "error creating archive: archive type not supported by tfrs yet: tar.gz (use zip)"
                .to_string()
        } else {
            format!("error creating archive: archive type not supported: {kind}")
        };
        return Err(error("Archive creation error", detail));
    }
    let parent = PathBuf::from(&output)
        .parent()
        .map(Path::to_path_buf)
        .filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = parent {
        if std::fs::metadata(&dir).is_err() {
            std::fs::create_dir_all(&dir).map_err(|e| {
                error(
                    "Output path error",
                    format!("error creating output path: {e}"),
                )
            })?;
        }
    }
    let bytes = entries(config).and_then(|e| zip::write(&e)).map_err(|e| {
        error(
            "Archive creation error",
            format!("error creating archive: {e}"),
        )
    })?;
    std::fs::write(&output, &bytes).map_err(|e| {
        error(
            "Archive creation error",
            format!("error creating archive: open {output}: {e}"),
        )
    })?;
    let written = std::fs::read(&output)
        .map_err(|e| error("Archive output error", format!("error reading output: {e}")))?;
    let sums = checksums(&written);
    let mut m: BTreeMap<String, Value> = config.unmarked().entries().cloned().unwrap_or_default();
    m.insert("output_size".into(), Value::int(written.len() as i64));
    m.insert(
        "id".into(),
        Value::string(sums.get("output_sha").cloned().unwrap_or_default()),
    );
    for (k, v) in sums {
        m.insert(k.to_string(), Value::string(v));
    }
    Ok(Value::Object(m))
}

impl Provider for ArchiveProvider {
    fn name(&self) -> &str {
        "archive"
    }

    fn schema(&self) -> &ProviderSchema {
        schema()
    }

    fn validate_data_source(&self, type_name: &str, config: &Value) -> Diags {
        if type_name != "archive_file" {
            return Vec::new();
        }
        let mut d = Vec::new();
        if !SOURCES.iter().any(|k| is_set(config, k)) {
            d.push(Diag::error(
                "Invalid Attribute Combination",
                "At least one attribute out of [source,source_content_filename,source_file,source_dir] must be specified",
            ));
        }
        for (a, b) in CONFLICTS {
            if is_set(config, a) && is_set(config, b) {
                d.push(Diag::error(
                    "Invalid Attribute Combination",
                    format!("Attribute \"{b}\" cannot be specified when \"{a}\" is specified"),
                ));
            }
        }
        if is_set(config, "excludes")
            && ["source_file", "source_content", "source_content_filename"]
                .iter()
                .any(|k| is_set(config, k))
        {
            d.push(Diag::error(
                "Invalid Attribute Combination",
                "Attribute \"excludes\" cannot be specified together with source_file, source_content or source_content_filename",
            ));
        }
        d
    }

    fn configure(&self, _config: &Value) -> Diags {
        Vec::new()
    }

    fn read_resource(&self, type_name: &str, state: &Value, private: &[u8]) -> ReadResponse {
        ReadResponse {
            new_state: state.clone(),
            private: private.to_vec(),
            diags: error(
                "Unsupported resource type",
                format!("The archive provider built into tfrs has no resource type {type_name:?}; use the archive_file data source."),
            ),
        }
    }

    fn apply_resource(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        ApplyResponse {
            new_state: req.prior.clone(),
            private: Vec::new(),
            diags: error(
                "Unsupported resource type",
                format!("The archive provider built into tfrs has no resource type {:?}; use the archive_file data source.", req.type_name),
            ),
        }
    }

    fn import_resource(&self, type_name: &str, _id: &str) -> Result<Vec<Value>, Diags> {
        Err(error(
            "Unsupported resource type",
            format!("{type_name} cannot be imported."),
        ))
    }

    fn read_data_source(&self, type_name: &str, config: &Value) -> Result<Value, Diags> {
        match type_name {
            "archive_file" => read_archive_file(config),
            other => Err(error(
                "Unsupported data source",
                format!("The archive provider has no data source {other:?}."),
            )),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use tfrs_provider::json::from_json;

    /// Pseudo-random bytes with back-references (an LCG; the Go golden
    /// generator has the same one).
    pub(crate) fn sample(len: usize, alphabet: u8, seed: u64) -> Vec<u8> {
        let mut x = seed;
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            if (x >> 60) < 3 && out.len() > 300 {
                let back = ((x >> 20) % 300) as usize + 1;
                let run = ((x >> 40) % 40) as usize + 3;
                for _ in 0..run {
                    let b = out[out.len() - back];
                    out.push(b);
                }
            } else {
                out.push(b'a'.wrapping_add(((x >> 33) % u64::from(alphabet)) as u8));
            }
        }
        out.truncate(len);
        out
    }

    fn golden() -> serde_json::Value {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/archive/golden.json");
        serde_json::from_str(&std::fs::read_to_string(path).expect("golden.json")).expect("JSON")
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("tfrs-archive-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    /// The tree generate_golden.go builds.
    fn tree(dir: &Path) {
        let files: [(&str, u32, Vec<u8>); 9] = [
            (
                "index.js",
                0o644,
                b"exports.handler = async () => ({ statusCode: 200 });\n".to_vec(),
            ),
            ("lib/util.js", 0o644, sample(5000, 20, 11)),
            ("lib/data.bin", 0o600, sample(70000, 255, 12)),
            (
                "bin/run.sh",
                0o755,
                b"#!/bin/sh\nexec node index.js\n".to_vec(),
            ),
            ("readonly.txt", 0o444, b"read only\n".to_vec()),
            ("a.txt", 0o644, b"a\n".to_vec()),
            ("a/b.txt", 0o644, b"b\n".to_vec()),
            (
                "node_modules/x/y.js",
                0o644,
                b"module.exports = 1;\n".to_vec(),
            ),
            ("scratch.tmp", 0o644, b"tmp\n".to_vec()),
        ];
        for (name, mode, data) in files {
            let p = dir.join(name);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, data).expect("write");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
            }
            let _ = mode;
        }
    }

    fn read(config: serde_json::Value) -> Result<Value, Diags> {
        let ty = archive_file_block().value_type();
        let cfg = from_json(&config, &ty).expect("config");
        let diags = ArchiveProvider.validate_data_source("archive_file", &cfg);
        if !diags.is_empty() {
            return Err(diags);
        }
        ArchiveProvider.read_data_source("archive_file", &cfg)
    }

    fn get(v: &Value, k: &str) -> String {
        v.get_attr(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }

    #[test]
    fn deflate_writes_the_bytes_go_writes() {
        for case in golden()["deflate"].as_array().expect("cases") {
            let data = sample(
                case["len"].as_u64().expect("len") as usize,
                case["alphabet"].as_u64().expect("alphabet") as u8,
                case["seed"].as_u64().expect("seed"),
            );
            let out = deflate::compress(&data);
            assert_eq!(
                (digest::hex(&digest::sha256(&out)), out.len() as u64),
                (
                    case["sha256"].as_str().expect("sha").to_string(),
                    case["size"].as_u64().expect("size")
                ),
                "deflate of {case}"
            );
        }
    }

    #[test]
    #[cfg(unix)]
    fn archives_match_the_hashicorp_provider() {
        let want = golden()["zip_base64sha256"].clone();
        let dir = scratch("golden");
        let src = dir.join("src");
        tree(&src);
        let out = |n: &str| {
            dir.join(format!("out/{n}.zip"))
                .to_string_lossy()
                .into_owned()
        };
        let s = |p: &Path| p.to_string_lossy().into_owned();
        let cases = [
            (
                "content",
                serde_json::json!({"type": "zip", "output_path": out("content"),
                "source_content": "def lambda_handler(event, context):\n    return \"fortune\"\n",
                "source_content_filename": "lambda_function.py"}),
            ),
            (
                "content_utf8_name",
                serde_json::json!({"type": "zip", "output_path": out("utf8"),
                "source_content": "caf\u{e9}\n", "source_content_filename": "caf\u{e9}.txt"}),
            ),
            (
                "multiple",
                serde_json::json!({"type": "zip", "output_path": out("multiple"),
                "source": [
                    {"filename": "main.py", "content": "import helper\n"},
                    {"filename": "helper.py", "content": String::from_utf8(sample(3000, 10, 21)).expect("ascii")},
                    {"filename": "conf/app.ini", "content": "[app]\nname = fortune\n"}
                ]}),
            ),
            (
                "file",
                serde_json::json!({"type": "zip", "output_path": out("file"),
                "source_file": s(&src.join("lib/util.js"))}),
            ),
            (
                "file_readonly",
                serde_json::json!({"type": "zip", "output_path": out("ro"),
                "source_file": s(&src.join("readonly.txt"))}),
            ),
            (
                "file_mode",
                serde_json::json!({"type": "zip", "output_path": out("mode"),
                "source_file": s(&src.join("bin/run.sh")), "output_file_mode": "0666"}),
            ),
            (
                "dir",
                serde_json::json!({"type": "zip", "output_path": out("dir"),
                "source_dir": s(&src), "excludes": ["node_modules", "*.tmp"]}),
            ),
            (
                "dir_mode",
                serde_json::json!({"type": "zip", "output_path": out("dir_mode"),
                "source_dir": s(&src), "excludes": ["node_modules", "*.tmp"], "output_file_mode": "0644"}),
            ),
        ];
        for (name, config) in cases {
            let v = read(config).unwrap_or_else(|d| panic!("{name}: {d:?}"));
            assert_eq!(
                get(&v, "output_base64sha256"),
                want[name].as_str().expect("golden"),
                "{name}"
            );
            let bytes = std::fs::read(get(&v, "output_path")).expect("archive written");
            assert!(v
                .get_attr("output_size")
                .is_some_and(|n| n.raw_equal(&Value::int(bytes.len() as i64))));
            assert_eq!(get(&v, "output_md5"), digest::hex(&digest::md5(&bytes)));
            assert_eq!(get(&v, "id"), get(&v, "output_sha"));
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn directory_entries_walk_in_go_order_with_excludes() {
        let dir = scratch("walk");
        let src = dir.join("src");
        tree(&src);
        let config = serde_json::json!({"source_dir": src.to_string_lossy(), "excludes": ["node_modules", "**/*.tmp", "lib/*.bin"]});
        let cfg = from_json(&config, &archive_file_block().value_type()).expect("config");
        let names: Vec<String> = entries(&cfg)
            .expect("entries")
            .into_iter()
            .map(|e| e.name)
            .collect();
        // "a" (a directory) sorts before "a.txt": filepath.Walk's order.
        assert_eq!(
            names,
            [
                "a/b.txt",
                "a.txt",
                "bin/run.sh",
                "index.js",
                "lib/util.js",
                "readonly.txt"
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn errors_and_validation_as_the_provider_reports_them() {
        let dir = scratch("errors");
        let out = dir.join("x.zip").to_string_lossy().into_owned();
        let err =
            read(serde_json::json!({"type": "zip", "output_path": out})).expect_err("no source");
        assert!(
            err[0].detail.contains("At least one attribute out of"),
            "{err:?}"
        );
        let err = read(serde_json::json!({"type": "zip", "output_path": out,
            "source_file": "a", "source_dir": "b"}))
        .expect_err("two sources");
        assert!(
            err.iter().any(|d| d.detail.contains("cannot be specified")),
            "{err:?}"
        );
        let missing = dir.join("missing").to_string_lossy().into_owned();
        let err =
            read(serde_json::json!({"type": "zip", "output_path": out, "source_dir": missing}))
                .expect_err("missing dir");
        assert!(
            err[0]
                .detail
                .contains("could not archive missing directory"),
            "{err:?}"
        );
        let empty = dir.join("empty");
        std::fs::create_dir_all(&empty).expect("mkdir");
        let err = read(serde_json::json!({"type": "zip", "output_path": out,
            "source_dir": empty.to_string_lossy()}))
        .expect_err("empty dir");
        assert!(err[0].detail.contains("would be empty"), "{err:?}");
        let err = read(serde_json::json!({"type": "tar.gz", "output_path": out,
            "source_content": "x", "source_content_filename": "x"}))
        .expect_err("tar.gz");
        assert_eq!(err[0].summary, "Archive creation error");
        // The output's directory is made as needed.
        let nested = dir.join("a/b/c.zip").to_string_lossy().into_owned();
        read(serde_json::json!({"type": "zip", "output_path": nested,
            "source_content": "x", "source_content_filename": "x"}))
        .expect("nested output");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn file_modes_parse_as_go_parse_uint() {
        assert_eq!(parse_file_mode("0644"), Some(0o644));
        assert_eq!(parse_file_mode("0o755"), Some(0o755));
        assert_eq!(parse_file_mode("0x1a4"), Some(0o644));
        assert_eq!(parse_file_mode("420"), Some(0o644));
        assert_eq!(parse_file_mode("0"), Some(0));
        assert_eq!(parse_file_mode("rw"), None);
    }
}
