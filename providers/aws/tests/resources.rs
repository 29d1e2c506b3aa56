//! Every resource and data source against the AWS emulator, through the
//! provider interface: create, read back, update in place, an update that
//! forces replacement, import, drift (deleted behind our back), destroy.
//!
//! Cases live in testdata/aws/<type>.json:
//! ```json
//! { "setup": [ {"type": "aws_s3_bucket", "config": {...}} ],
//!   "create": {...}, "update": {...}, "replace": {...},
//!   "check": {"attr": "expected value"} }
//! ```
//! `setup` objects are created first; `${setup.N.attr}` in strings refers
//! to their state (`${setup.N.ids.0}`: a path into it; check keys may be
//! paths too: `"root_block_device.0.volume_size"`). `"import": false` skips
//! the import step, for types that cannot be imported;
//! `import_id` (resolved like the configurations) is the ID to import when
//! it is not the `import_attr` (default `id`) of the state;
//! `"import_no_changes": true` also plans the creating configuration
//! against the imported object and expects no changes (arguments only the
//! configuration knows, listed in `import_ignore`, are taken from the
//! created object first). Data source cases have `"data": true` and only `create`,
//! `check`, `check_len` (element counts) and `warning` (the summary of the
//! warning validation gives, if any), `error` (the read must fail with a
//! summary that contains it). Other keys: `env` (emulator environment,
//! `${root}` is the repository), `recheck_setup` (after the create, the
//! managed setup objects must still plan no changes); `${state.attr}` in
//! `import_id` refers to the created object, `${root}` anywhere to the
//! repository's root directory. `update` may be a list of configurations
//! applied in turn; `no_change` lists configurations that must plan no
//! change against the created object (the same policy formatted
//! differently, say). `check_contains` (after the create) and
//! `check_update_contains` (after the last update) list, by attribute,
//! elements a collection must contain (set elements, whose order is not
//! the configuration's). After the create, the record of an interrupted
//! create (the plan, without an ID) must find the same object;
//! `"find_created": "new_id"` for types whose IDs are made up (the found
//! object gets a new one), `false` where the plan does not identify the
//! object (a generated name: nothing is found).

use serde_json::Value as J;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use tfrs_aws::AwsProvider;
use tfrs_provider::json::{from_json, to_json};
use tfrs_provider::provider::{has_errors, ApplyRequest, PlanRequest};
use tfrs_provider::{Provider, Type, Value};

struct Emulator {
    child: Child,
    url: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn emulator(env: &J) -> Emulator {
    let mut cmd = Command::new("python3");
    for (k, v) in env.as_object().into_iter().flatten() {
        let v = v.as_str().expect("env values are strings");
        cmd.env(k, v.replace("${root}", &root().to_string_lossy()));
    }
    let mut child = cmd
        .arg(root().join("testdata/emulator/server.py"))
        .args(["--host", "127.0.0.1", "--port", "0", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the emulator");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("emulator address");
    let url = line
        .trim()
        .trim_start_matches("emulator listening on ")
        .to_string();
    Emulator { child, url }
}

fn provider(emu: &Emulator) -> AwsProvider {
    let p = AwsProvider::default();
    let schema = p.schema().provider.block.clone();
    let endpoints = tfrs_aws::schema::ENDPOINT_SERVICES
        .iter()
        .map(|s| (s.to_string(), J::String(emu.url.clone())))
        .collect::<serde_json::Map<_, _>>();
    let config = serde_json::json!({
        "region": "us-east-1",
        "access_key": "test",
        "secret_key": "test",
        "endpoints": [endpoints],
    });
    let cfg = from_json(&config, &schema.value_type()).expect("provider config");
    let d = p.configure(&cfg);
    assert!(!has_errors(&d), "{d:?}");
    p
}

/// Replaces `${setup.N.attr}` with setup objects' attributes (`attr` may
/// go on into elements: `ids.0`). A string that is one reference and
/// nothing else becomes the attribute's value, whatever its type.
fn resolve(j: &J, setup: &[Value]) -> J {
    match j {
        J::String(s) => {
            if let Some(inner) = s
                .strip_prefix("${setup.")
                .and_then(|r| r.strip_suffix('}'))
                .filter(|r| !r.contains('}'))
            {
                let v = setup_lookup(inner, setup);
                return match v.as_str() {
                    Some(text) => J::String(text.to_string()),
                    None => to_json(&v),
                };
            }
            let mut out = s.replace("${root}", &root().to_string_lossy());
            while let Some(start) = out.find("${setup.") {
                let end = out[start..]
                    .find('}')
                    .map(|e| start + e)
                    .expect("closing brace");
                let inner = &out[start + 8..end];
                let (idx, attr) = inner.split_once('.').expect("setup.N.attr");
                let v = lookup(&setup[idx.parse::<usize>().expect("index")], attr)
                    .unwrap_or(Value::null());
                let text = v
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| to_json(&v).to_string());
                out.replace_range(start..=end, &text);
            }
            J::String(out)
        }
        J::Array(a) => J::Array(a.iter().map(|x| resolve(x, setup)).collect()),
        J::Object(m) => J::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), resolve(v, setup)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The value at `N.attr[.key or index...]` of the setup objects.
fn setup_lookup(path: &str, setup: &[Value]) -> Value {
    let (idx, rest) = path.split_once('.').expect("setup.N.attr");
    let idx: usize = idx.parse().expect("setup index");
    lookup(&setup[idx], rest).unwrap_or(Value::null())
}

/// The value at `path` (`attr`, `attr.0`, `attr.key.1`, ...) in `v`.
fn lookup(v: &Value, path: &str) -> Option<Value> {
    let mut cur = v.clone();
    for step in path.split('.') {
        let next = match (&cur, step.parse::<usize>()) {
            (Value::List(..) | Value::Set(..) | Value::Tuple(..), Ok(i)) => {
                cur.elements().and_then(|e| e.get(i)).cloned()
            }
            (Value::Map(..), _) => cur.entries().and_then(|m| m.get(step)).cloned(),
            _ => cur.get_attr(step).cloned(),
        };
        cur = next?;
    }
    Some(cur)
}

fn config_value(p: &AwsProvider, type_name: &str, data: bool, j: &J) -> Value {
    let schemas = if data {
        &p.schema().data_sources
    } else {
        &p.schema().resources
    };
    let ty = schemas[type_name].block.value_type();
    from_json(j, &ty).unwrap_or_else(|e| panic!("{type_name} config: {e}"))
}

fn plan(p: &AwsProvider, type_name: &str, prior: &Value, config: &Value) -> (Value, Vec<String>) {
    let resp = p.plan_resource(PlanRequest {
        type_name,
        prior,
        proposed: config,
        config,
        prior_private: &[],
    });
    assert!(
        !has_errors(&resp.diags),
        "plan {type_name}: {:?}",
        resp.diags
    );
    (
        resp.planned,
        resp.requires_replace
            .iter()
            .map(|r| r.to_string())
            .collect(),
    )
}

fn apply(
    p: &AwsProvider,
    type_name: &str,
    prior: &Value,
    planned: &Value,
    config: &Value,
) -> Value {
    let resp = p.apply_resource(ApplyRequest {
        type_name,
        prior,
        planned,
        config,
        private: &[],
    });
    assert!(
        !has_errors(&resp.diags),
        "apply {type_name}: {:?}",
        resp.diags
    );
    resp.new_state
}

fn create(p: &AwsProvider, type_name: &str, config: &Value) -> Value {
    let ty = p.schema().resources[type_name].block.value_type();
    let null = Value::Null(ty);
    let (planned, _) = plan(p, type_name, &null, config);
    let state = apply(p, type_name, &null, &planned, config);
    assert!(
        state.is_wholly_known(),
        "{type_name}: state has unknown values: {state:?}"
    );
    state
}

/// The planned value must agree with the result where it was known.
fn assert_consistent(type_name: &str, planned: &Value, state: &Value) {
    if let (Some(pm), Some(sm)) = (planned.entries(), state.entries()) {
        for (k, pv) in pm {
            if pv.is_wholly_known() && !pv.is_null() {
                let sv = sm.get(k).cloned().unwrap_or(Value::null());
                assert!(
                    tfrs_provider::plan::unchanged(pv, &sv)
                        || pv.unmarked().raw_equal(sv.unmarked()),
                    "{type_name}.{k}: planned {} but the object has {}",
                    to_json(pv),
                    to_json(&sv)
                );
            }
        }
    }
}

fn no_changes(p: &AwsProvider, type_name: &str, state: &Value, config: &Value, when: &str) {
    let read = p.read_resource(type_name, state, &[]);
    assert!(
        !has_errors(&read.diags),
        "{type_name} read: {:?}",
        read.diags
    );
    assert!(
        !read.new_state.is_null(),
        "{type_name}: read after {when} found nothing"
    );
    let (planned, replace) = plan(p, type_name, &read.new_state, config);
    assert!(
        replace.is_empty(),
        "{type_name}: after {when}, the plan replaces {replace:?}"
    );
    assert!(
        tfrs_provider::plan::unchanged(&read.new_state, &planned),
        "{type_name}: after {when}, the plan is not empty:\n  read:    {}\n  planned: {}",
        to_json(&read.new_state),
        to_json(&planned)
    );
}

/// A create that was interrupted (tfrs killed before it recorded the
/// answer) left the object; the state holds the plan instead, tainted and
/// without an ID (unknown values null, as the engine records it). Reading
/// that record finds the object by what identifies it (`find_created`):
/// the same object as created, its ID made up anew where the provider
/// makes IDs up (`"find_created": "new_id"`), or nothing where the plan
/// does not identify it (`"find_created": false`: a generated name).
fn found_again(p: &AwsProvider, type_name: &str, planned: &Value, state: &Value, case: &J) {
    let schema = &p.schema().resources[type_name].block;
    let record = tfrs_aws::obj::State::from(schema, planned).build();
    assert!(
        record.get_attr("id").is_none_or(Value::is_null),
        "{type_name}: the plan knows the ID"
    );
    let read = p.read_resource(type_name, &record, &[]);
    assert!(
        !has_errors(&read.diags),
        "{type_name} read of an interrupted create: {:?}",
        read.diags
    );
    let found = read.new_state;
    if case["find_created"] == J::Bool(false) {
        assert!(
            found.is_null(),
            "{type_name}: found from a plan that does not identify it: {}",
            to_json(&found)
        );
        return;
    }
    assert!(
        !found.is_null(),
        "{type_name}: the object an interrupted create left is not found"
    );
    let new_id = case["find_created"].as_str() == Some("new_id");
    for (k, v) in state.entries().into_iter().flatten() {
        let got = found.get_attr(k).cloned().unwrap_or(Value::null());
        if k == "id" && new_id {
            assert!(
                got.as_str()
                    .is_some_and(|id| !id.is_empty() && id != v.as_str().unwrap_or("")),
                "{type_name}: no new ID for the found object: {}",
                to_json(&got)
            );
            continue;
        }
        assert!(
            v.unmarked().raw_equal(got.unmarked()),
            "{type_name}.{k}: created with {} but the interrupted create's record finds {}",
            to_json(v),
            to_json(&got)
        );
    }
}

/// Replaces `${state.attr}` with the attributes of `state`.
fn resolve_state(text: &str, state: &Value) -> String {
    let mut out = text.to_string();
    while let Some(start) = out.find("${state.") {
        let end = out[start..]
            .find('}')
            .map(|e| start + e)
            .expect("closing brace");
        let attr = &out[start + 8..end];
        let v = state
            .get_attr(attr)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        out.replace_range(start..=end, &v);
    }
    out
}

/// Validation gives no errors, and the warning the case expects, if any.
fn validate(p: &AwsProvider, type_name: &str, data: bool, cfg: &Value, case: &J) {
    let diags = if data {
        p.validate_data_source(type_name, cfg)
    } else {
        p.validate_resource(type_name, cfg)
    };
    assert!(!has_errors(&diags), "{type_name} validate: {diags:?}");
    if let Some(w) = case["warning"].as_str() {
        assert!(
            diags.iter().any(|d| d.summary == w),
            "{type_name}: no warning {w:?} in {diags:?}"
        );
    }
}

fn run_case(name: &str, case: &J) {
    let emu = emulator(&case["env"]);
    let p = provider(&emu);
    let type_name = case["type"].as_str().unwrap_or(name).to_string();
    let data = case["data"].as_bool().unwrap_or(false);
    let mut setup_states = Vec::new();
    for s in case["setup"].as_array().cloned().unwrap_or_default() {
        let t = s["type"].as_str().expect("setup type");
        let is_data = s["data"].as_bool().unwrap_or(false);
        let cfg = config_value(&p, t, is_data, &resolve(&s["config"], &setup_states));
        if is_data {
            setup_states.push(
                p.read_data_source(t, &cfg)
                    .unwrap_or_else(|d| panic!("{t}: {d:?}")),
            );
        } else {
            setup_states.push(create(&p, t, &cfg));
        }
    }
    let create_cfg = config_value(
        &p,
        &type_name,
        data,
        &resolve(&case["create"], &setup_states),
    );
    validate(&p, &type_name, data, &create_cfg, case);
    if data {
        let result = p.read_data_source(&type_name, &create_cfg);
        if let Some(want) = case["error"].as_str() {
            let diags = result.expect_err("the read should fail");
            assert!(
                diags.iter().any(|d| d.summary.contains(want)),
                "{type_name}: no error {want:?} in {diags:?}"
            );
            return;
        }
        let v = result.unwrap_or_else(|d| panic!("{type_name}: {d:?}"));
        check(&type_name, &v, &case["check"], &setup_states);
        check_len(&type_name, &v, &case["check_len"]);
        return;
    }
    // Create and read back.
    let ty = p.schema().resources[&type_name].block.value_type();
    let null = Value::Null(ty.clone());
    let (planned, _) = plan(&p, &type_name, &null, &create_cfg);
    let state = apply(&p, &type_name, &null, &planned, &create_cfg);
    assert_consistent(&type_name, &planned, &state);
    check(&type_name, &state, &case["check"], &setup_states);
    check_len(&type_name, &state, &case["check_len"]);
    check_contains(&type_name, &state, &case["check_contains"], &setup_states);
    no_changes(&p, &type_name, &state, &create_cfg, "create");
    found_again(&p, &type_name, &planned, &state, case);
    if case["recheck_setup"].as_bool().unwrap_or(false) {
        for (s, st) in case["setup"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(&setup_states)
        {
            if s["data"].as_bool().unwrap_or(false) {
                continue;
            }
            let t = s["type"].as_str().expect("setup type");
            let cfg = config_value(&p, t, false, &resolve(&s["config"], &setup_states));
            no_changes(
                &p,
                t,
                st,
                &cfg,
                &format!("creating {type_name} (setup {t})"),
            );
        }
    }
    // Configurations that mean the same thing plan no change.
    for (i, same) in case["no_change"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let cfg = config_value(&p, &type_name, false, &resolve(same, &setup_states));
        let (planned, replace) = plan(&p, &type_name, &state, &cfg);
        assert!(
            replace.is_empty() && tfrs_provider::plan::unchanged(&state, &planned),
            "{type_name}: no_change[{i}] plans a change:\n  state:   {}\n  planned: {}",
            to_json(&state),
            to_json(&planned)
        );
    }
    // Import by ID reads the same object.
    if case["import"].as_bool() != Some(false) {
        import(&p, &type_name, &state, case, &create_cfg, &setup_states);
    }
    let mut state = state;
    // Update in place (in turn, when a list).
    let updates = match &case["update"] {
        J::Null => Vec::new(),
        J::Array(list) => list.clone(),
        one => vec![one.clone()],
    };
    let last = updates.len();
    for (n, update) in updates.iter().enumerate() {
        let cfg = config_value(&p, &type_name, false, &resolve(update, &setup_states));
        let (planned, replace) = plan(&p, &type_name, &state, &cfg);
        assert!(
            replace.is_empty(),
            "{type_name}: the update replaces {replace:?}"
        );
        assert!(
            !tfrs_provider::plan::unchanged(&state, &planned),
            "{type_name}: the update plans nothing"
        );
        state = apply(&p, &type_name, &state, &planned, &cfg);
        assert_consistent(&type_name, &planned, &state);
        if n + 1 == last {
            check(&type_name, &state, &case["check_update"], &setup_states);
            check_contains(
                &type_name,
                &state,
                &case["check_update_contains"],
                &setup_states,
            );
        }
        no_changes(&p, &type_name, &state, &cfg, "update");
    }
    // A change that forces replacement.
    if !case["replace"].is_null() {
        let cfg = config_value(
            &p,
            &type_name,
            false,
            &resolve(&case["replace"], &setup_states),
        );
        let (_, replace) = plan(&p, &type_name, &state, &cfg);
        assert!(
            !replace.is_empty(),
            "{type_name}: the replacing change does not force replacement"
        );
        let gone = apply(&p, &type_name, &state, &null, &null);
        assert!(gone.is_null());
        state = create(&p, &type_name, &cfg);
        no_changes(&p, &type_name, &state, &cfg, "replacement");
    }
    // Drift: deleted behind our back, the next read finds nothing.
    let gone = apply(&p, &type_name, &state, &null, &null);
    assert!(gone.is_null());
    let read = p.read_resource(&type_name, &state, &[]);
    assert!(
        !has_errors(&read.diags),
        "{type_name} read after delete: {:?}",
        read.diags
    );
    assert!(
        read.new_state.is_null(),
        "{type_name}: still found after delete"
    );
    // Deleting what is gone is not an error.
    let again = apply(&p, &type_name, &state, &null, &null);
    assert!(again.is_null());
    let _ = Type::Dynamic;
}

/// Import by ID reads the same object.
fn import(
    p: &AwsProvider,
    type_name: &str,
    state: &Value,
    case: &J,
    config: &Value,
    setup: &[Value],
) {
    let id = match resolve(&case["import_id"], setup) {
        J::String(id) => resolve_state(&id, state),
        _ => state
            .get_attr(case["import_attr"].as_str().unwrap_or("id"))
            .and_then(Value::as_str)
            .expect("id")
            .to_string(),
    };
    let imported = p
        .import_resource(type_name, &id)
        .unwrap_or_else(|d| panic!("{type_name} import {id}: {d:?}"));
    assert_eq!(imported.len(), 1);
    for k in case["import_verify"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| vec![J::String("id".into())])
    {
        let k = k.as_str().expect("attribute name");
        assert!(
            imported[0]
                .get_attr(k)
                .is_some_and(|v| state.get_attr(k).is_some_and(|s| s.raw_equal(v))),
            "{type_name}: import of {id} differs on {k}: {:?} vs {:?}",
            imported[0].get_attr(k),
            state.get_attr(k)
        );
    }
    if case["import_no_changes"].as_bool() == Some(true) {
        let mut m = imported[0].entries().cloned().unwrap_or_default();
        for k in case["import_ignore"]
            .as_array()
            .cloned()
            .unwrap_or_default()
        {
            let k = k.as_str().expect("attribute name");
            m.insert(
                k.to_string(),
                state.get_attr(k).cloned().unwrap_or(Value::null()),
            );
        }
        no_changes(p, type_name, &Value::Object(m), config, "import");
    }
}

fn check(type_name: &str, v: &Value, expect: &J, setup: &[Value]) {
    if let Some(m) = resolve(expect, setup).as_object() {
        for (k, want) in m {
            let got = lookup(v, k).map(|x| to_json(&x)).unwrap_or(J::Null);
            match want {
                J::String(s) if s.starts_with('~') => {
                    let re = regex_lite(&s[1..]);
                    assert!(
                        got.as_str().is_some_and(&re),
                        "{type_name}.{k}: {got} does not match {s}"
                    );
                }
                _ => assert_eq!(&got, want, "{type_name}.{k}"),
            }
        }
    }
}

/// Element counts of collection attributes.
fn check_len(type_name: &str, v: &Value, expect: &J) {
    if let Some(m) = expect.as_object() {
        for (k, want) in m {
            let got = v.get_attr(k).and_then(Value::length);
            assert_eq!(
                got.map(|n| n as u64),
                want.as_u64(),
                "{type_name}.{k}: element count"
            );
        }
    }
}

/// Elements collection attributes must contain.
fn check_contains(type_name: &str, v: &Value, expect: &J, setup: &[Value]) {
    if let Some(m) = resolve(expect, setup).as_object() {
        for (k, wanted) in m {
            let got = lookup(v, k).map(|x| to_json(&x)).unwrap_or(J::Null);
            let items = got.as_array().cloned().unwrap_or_default();
            for w in wanted.as_array().expect("a list of elements") {
                assert!(
                    items.contains(w),
                    "{type_name}.{k}: no element {w} in {got}"
                );
            }
        }
    }
}

/// `prefix*` patterns: a literal prefix, then anything.
fn regex_lite(pattern: &str) -> impl Fn(&str) -> bool + '_ {
    move |s: &str| match pattern.strip_suffix('*') {
        Some(prefix) => s.starts_with(prefix),
        None => s == pattern,
    }
}

#[test]
fn every_case() {
    let dir = root().join("testdata/aws");
    let filter = std::env::var("TFRS_AWS_CASE").ok();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("testdata/aws")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|n| filter.as_ref().is_none_or(|f| n.contains(f.as_str())))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    // Every registered type has a case; a `<type>.json.pending` case (one
    // whose setup needs a type not yet in the provider) counts, and is
    // not run.
    if filter.is_none() {
        let pending: Vec<String> = std::fs::read_dir(&dir)
            .expect("testdata/aws")
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".json.pending").map(String::from)
            })
            .collect();
        let p = AwsProvider::default();
        for t in p
            .schema()
            .resources
            .keys()
            .chain(p.schema().data_sources.keys())
        {
            assert!(
                names
                    .iter()
                    .chain(pending.iter())
                    .any(|n| n == t || n.starts_with(&format!("{t}."))),
                "no testdata/aws case for {t}"
            );
        }
    }
    let results: Vec<(String, std::thread::Result<()>)> = std::thread::scope(|s| {
        let chunks: Vec<Vec<String>> = names
            .chunks(names.len().div_ceil(4))
            .map(|c| c.to_vec())
            .collect();
        chunks
            .into_iter()
            .map(|chunk| {
                let dir = dir.clone();
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|n| {
                            let text = std::fs::read_to_string(dir.join(format!("{n}.json")))
                                .expect("case file");
                            let case: J = serde_json::from_str(&text).expect("case JSON");
                            let r = std::panic::catch_unwind(|| {
                                run_case(n.split('.').next().unwrap_or(&n), &case)
                            });
                            (n, r)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    let failed: Vec<&String> = results
        .iter()
        .filter(|(_, r)| r.is_err())
        .map(|(n, _)| n)
        .collect();
    println!(
        "{} of {} AWS cases passed",
        results.len() - failed.len(),
        results.len()
    );
    assert!(failed.is_empty(), "failed cases: {failed:?}");
}
