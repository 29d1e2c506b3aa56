//! Saved plans (`tfrs plan -out=FILE`): everything `apply FILE` needs to
//! carry out exactly the changes that were shown, and `show FILE` to show
//! them again. Terraform's own plan files are zip archives of protocol
//! buffers made for its plugin protocol; tfrs keeps its plans as JSON,
//! with values encoded losslessly (types, unknowns, sensitive marks and
//! numbers at their precision).

use super::{Action, ActionReason, OutputChange, Plan, PlanMode, ResourceChange};
use crate::addrs::{parse_target, AbsInstance, InstanceKey, Target};
use crate::states::State;
use base64::Engine as _;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeMap;
use tfrs_provider::number::Number;
use tfrs_provider::path::{Key, PathStep};
use tfrs_provider::{AttrPath, Type, Value};

pub const FORMAT: &str = "tfrs-plan-2";

/// A saved plan with what it was made from.
pub struct SavedPlan {
    pub plan: Plan,
    /// `-replace` addresses the plan was made with.
    pub replace: Vec<String>,
    pub refresh: bool,
    /// The lineage and serial of the state the plan was made against:
    /// applying it is refused when the state changed since.
    pub state_lineage: String,
    pub state_serial: u64,
}

pub fn encode(saved: &SavedPlan) -> String {
    let p = &saved.plan;
    let doc = json!({
        "format": FORMAT,
        "mode": match p.mode {
            PlanMode::Normal => "normal",
            PlanMode::Destroy => "destroy",
            PlanMode::RefreshOnly => "refresh-only",
        },
        "targets": p.targets,
        "replace": saved.replace,
        "refresh": saved.refresh,
        "errored": p.errored,
        "timestamp": p.timestamp,
        "state_lineage": saved.state_lineage,
        "state_serial": saved.state_serial,
        "variables": p.variables.iter().map(|(k, v)| (k.clone(), value(v))).collect::<Map<_, _>>(),
        "changes": p.changes.iter().map(change).collect::<Vec<_>>(),
        "drift": p.drift.iter().map(change).collect::<Vec<_>>(),
        "output_changes": p.output_changes.iter().map(|o| json!({
            "name": o.name,
            "action": action_name(o.action),
            "before": value(&o.before),
            "after": value(&o.after),
            "sensitive": o.sensitive,
        })).collect::<Vec<_>>(),
        "prior_state": serde_json::from_str::<Json>(&p.prior_state.to_json()).unwrap_or(Json::Null),
    });
    serde_json::to_string(&doc).unwrap_or_default()
}

pub fn decode(text: &str) -> Result<SavedPlan, String> {
    let doc: Json = serde_json::from_str(text).map_err(|_| "not a plan file".to_string())?;
    if doc["format"] != FORMAT {
        return Err("not a plan file saved by this version of tfrs plan -out".into());
    }
    let strings = |j: &Json| -> Vec<String> {
        j.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let changes = |j: &Json| -> Result<Vec<ResourceChange>, String> {
        j.as_array()
            .map(|a| a.iter().map(change_from).collect())
            .unwrap_or(Ok(Vec::new()))
    };
    let mut variables = BTreeMap::new();
    if let Some(m) = doc["variables"].as_object() {
        for (k, v) in m {
            variables.insert(k.clone(), value_from(v)?);
        }
    }
    let mut output_changes = Vec::new();
    for o in doc["output_changes"].as_array().into_iter().flatten() {
        output_changes.push(OutputChange {
            name: o["name"].as_str().unwrap_or_default().to_string(),
            action: action_from(o["action"].as_str().unwrap_or(""))?,
            before: value_from(&o["before"])?,
            after: value_from(&o["after"])?,
            sensitive: o["sensitive"].as_bool().unwrap_or(false),
        });
    }
    let prior_state = State::from_json(&doc["prior_state"].to_string())?;
    let plan = Plan {
        mode: match doc["mode"].as_str() {
            Some("destroy") => PlanMode::Destroy,
            Some("refresh-only") => PlanMode::RefreshOnly,
            _ => PlanMode::Normal,
        },
        changes: changes(&doc["changes"])?,
        output_changes,
        drift: changes(&doc["drift"])?,
        prior_state,
        variables,
        targets: strings(&doc["targets"]),
        errored: doc["errored"].as_bool().unwrap_or(false),
        timestamp: doc["timestamp"].as_str().unwrap_or_default().to_string(),
    };
    Ok(SavedPlan {
        plan,
        replace: strings(&doc["replace"]),
        refresh: doc["refresh"].as_bool().unwrap_or(true),
        state_lineage: doc["state_lineage"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        state_serial: doc["state_serial"].as_u64().unwrap_or(0),
    })
}

fn change(c: &ResourceChange) -> Json {
    json!({
        "addr": c.addr.to_string(),
        "deposed": c.deposed,
        "provider": c.provider,
        "action": action_name(c.action),
        "reason": c.reason.map(ActionReason::json),
        "before": value(&c.before),
        "after": value(&c.after),
        "type": c.ty.to_json(),
        "replace_paths": c.replace_paths.iter().map(path).collect::<Vec<_>>(),
        "private": base64::engine::general_purpose::STANDARD.encode(&c.private),
        "each": c.each,
        "importing": c.importing,
        "prev_addr": c.prev_addr.as_ref().map(ToString::to_string),
    })
}

fn change_from(j: &Json) -> Result<ResourceChange, String> {
    let s = |k: &str| j[k].as_str().map(String::from);
    Ok(ResourceChange {
        addr: instance_from(j["addr"].as_str().unwrap_or_default())?,
        deposed: s("deposed"),
        provider: s("provider").unwrap_or_default(),
        action: action_from(j["action"].as_str().unwrap_or(""))?,
        reason: match j["reason"].as_str() {
            Some(r) => Some(reason_from(r)?),
            None => None,
        },
        before: value_from(&j["before"])?,
        after: value_from(&j["after"])?,
        ty: Type::from_json(&j["type"]).ok_or("invalid type in plan file")?,
        replace_paths: j["replace_paths"]
            .as_array()
            .map(|a| a.iter().map(path_from).collect())
            .unwrap_or_default(),
        private: base64::engine::general_purpose::STANDARD
            .decode(j["private"].as_str().unwrap_or_default())
            .unwrap_or_default(),
        each: match j["each"].as_str() {
            Some("list") => Some("list"),
            Some("map") => Some("map"),
            _ => None,
        },
        importing: s("importing"),
        prev_addr: match j["prev_addr"].as_str() {
            Some(a) => Some(instance_from(a)?),
            None => None,
        },
    })
}

fn instance_from(s: &str) -> Result<AbsInstance, String> {
    match parse_target(s).map_err(|e| e.to_string())? {
        Target::Instance(i) => Ok(i),
        Target::Resource(r) => Ok(r.instance(InstanceKey::None)),
        Target::Module(_) => Err(format!("invalid instance address {s:?} in plan file")),
    }
}

const ACTIONS: &[(Action, &str)] = &[
    (Action::NoOp, "no-op"),
    (Action::Create, "create"),
    (Action::Read, "read"),
    (Action::Update, "update"),
    (Action::DeleteThenCreate, "delete-then-create"),
    (Action::CreateThenDelete, "create-then-delete"),
    (Action::Delete, "delete"),
    (Action::Forget, "forget"),
];

fn action_name(a: Action) -> &'static str {
    ACTIONS
        .iter()
        .find(|(x, _)| *x == a)
        .map(|(_, n)| *n)
        .unwrap_or("no-op")
}

fn action_from(s: &str) -> Result<Action, String> {
    ACTIONS
        .iter()
        .find(|(_, n)| *n == s)
        .map(|(a, _)| *a)
        .ok_or_else(|| format!("unknown action {s:?} in plan file"))
}

fn reason_from(s: &str) -> Result<ActionReason, String> {
    use ActionReason::*;
    [
        ReplaceBecauseTainted,
        ReplaceByRequest,
        ReplaceByTriggers,
        ReplaceBecauseCannotUpdate,
        DeleteBecauseNoResourceConfig,
        DeleteBecauseNoModule,
        DeleteBecauseCountIndex,
        DeleteBecauseEachKey,
        DeleteBecauseWrongRepetition,
        ReadBecauseConfigUnknown,
        ReadBecauseDependencyPending,
    ]
    .into_iter()
    .find(|r| r.json() == s)
    .ok_or_else(|| format!("unknown action reason {s:?} in plan file"))
}

fn path(p: &AttrPath) -> Json {
    Json::Array(
        p.0.iter()
            .map(|s| match s {
                PathStep::Attr(a) => json!({ "attr": a }),
                PathStep::Key(Key::Int(i)) => json!({ "index": i }),
                PathStep::Key(Key::Str(k)) => json!({ "key": k }),
            })
            .collect(),
    )
}

fn path_from(j: &Json) -> AttrPath {
    AttrPath(
        j.as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| {
                if let Some(a) = s["attr"].as_str() {
                    Some(PathStep::Attr(a.to_string()))
                } else if let Some(i) = s["index"].as_i64() {
                    Some(PathStep::Key(Key::Int(i)))
                } else {
                    s["key"]
                        .as_str()
                        .map(|k| PathStep::Key(Key::Str(k.to_string())))
                }
            })
            .collect(),
    )
}

/// A value as tagged JSON: `{"null": TYPE}`, `{"unknown": TYPE}`, `true`,
/// `{"number": "0.1", "precision": 512}`, `"text"`, `{"list": TYPE,
/// "items": [...]}`, `{"set": ...}`, `{"map": TYPE, "entries": {...}}`,
/// `{"tuple": [...]}`, `{"object": {...}}`, `{"sensitive": VALUE}`.
pub fn value(v: &Value) -> Json {
    match v {
        Value::Null(t) => json!({ "null": t.to_json() }),
        Value::Unknown(t) => json!({ "unknown": t.to_json() }),
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => {
            json!({ "number": n.to_terraform_string(), "precision": n.precision() })
        }
        Value::String(s) => Json::String(s.clone()),
        Value::List(t, xs) => {
            json!({ "list": t.to_json(), "items": xs.iter().map(value).collect::<Vec<_>>() })
        }
        Value::Set(t, xs) => {
            json!({ "set": t.to_json(), "items": xs.iter().map(value).collect::<Vec<_>>() })
        }
        Value::Map(t, m) => json!({
            "map": t.to_json(),
            "entries": m.iter().map(|(k, v)| (k.clone(), value(v))).collect::<Map<_, _>>(),
        }),
        Value::Tuple(xs) => json!({ "tuple": xs.iter().map(value).collect::<Vec<_>>() }),
        Value::Object(m) => {
            json!({ "object": m.iter().map(|(k, v)| (k.clone(), value(v))).collect::<Map<_, _>>() })
        }
        Value::Sensitive(inner) => json!({ "sensitive": value(inner) }),
    }
}

pub fn value_from(j: &Json) -> Result<Value, String> {
    let ty = |k: &str| {
        Type::from_json(&j[k]).ok_or_else(|| format!("invalid type in plan file: {}", j[k]))
    };
    let items = |k: &str| -> Result<Vec<Value>, String> {
        j[k].as_array()
            .into_iter()
            .flatten()
            .map(value_from)
            .collect()
    };
    let entries = |k: &str| -> Result<BTreeMap<String, Value>, String> {
        j[k].as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| Ok((k.clone(), value_from(v)?)))
            .collect()
    };
    Ok(match j {
        Json::Bool(b) => Value::Bool(*b),
        Json::String(s) => Value::String(s.clone()),
        Json::Object(o) if o.contains_key("null") => Value::Null(ty("null")?),
        Json::Object(o) if o.contains_key("unknown") => Value::Unknown(ty("unknown")?),
        Json::Object(o) if o.contains_key("number") => {
            let n = Number::parse(o["number"].as_str().unwrap_or_default())
                .map_err(|_| "invalid number in plan file".to_string())?;
            match o["precision"].as_u64() {
                Some(p) => Value::Number(n.with_precision(p as u32)),
                None => Value::Number(n),
            }
        }
        Json::Object(o) if o.contains_key("list") => Value::List(ty("list")?, items("items")?),
        Json::Object(o) if o.contains_key("set") => Value::Set(ty("set")?, items("items")?),
        Json::Object(o) if o.contains_key("map") => Value::Map(ty("map")?, entries("entries")?),
        Json::Object(o) if o.contains_key("tuple") => Value::Tuple(items("tuple")?),
        Json::Object(o) if o.contains_key("object") => Value::Object(entries("object")?),
        Json::Object(o) if o.contains_key("sensitive") => {
            Value::Sensitive(Box::new(value_from(&o["sensitive"])?))
        }
        other => return Err(format!("invalid value in plan file: {other}")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        let v = Value::Object(
            [
                (
                    "a".to_string(),
                    Value::Number(Number::parse("0.1").unwrap()),
                ),
                ("u".to_string(), Value::Unknown(Type::String)),
                (
                    "n".to_string(),
                    Value::Null(Type::List(Box::new(Type::Number))),
                ),
                (
                    "s".to_string(),
                    Value::Sensitive(Box::new(Value::Set(Type::String, vec![Value::string("x")]))),
                ),
            ]
            .into_iter()
            .collect(),
        );
        let back = value_from(&value(&v)).unwrap();
        assert_eq!(format!("{back:?}"), format!("{v:?}"));
    }
}
