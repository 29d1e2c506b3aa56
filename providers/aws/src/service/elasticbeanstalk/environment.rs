//! aws_elastic_beanstalk_environment
//!
//! `setting` is a set of option settings whose identity is, as in
//! hashicorp/aws, `namespace:name+resource=value` with the value's JSON
//! normalised and its comma-separated parts sorted: a configuration that
//! lists the same subnets in another order plans no change. The state's
//! `setting` holds what AWS reports for the options the configuration
//! sets; `all_settings` every option AWS reports. Creating and updating
//! wait for the environment to be Ready with its health known (not Grey),
//! and fail with the ERROR events AWS logged meanwhile; deleting terminates
//! the environment and waits for Terminated.

use super::{changed, description, list_tags, tags_in, update_tags};
use crate::ctx::Ctx;
use crate::error::{sdk, Error, Result};
use crate::obj::{object, Obj, State};
use crate::schema::with_tags;
use crate::service::{plan_tags_all, read_tags};
use crate::wait::{parse_duration, until_capped, Poll};
use crate::{Outcome, Resource};
use aws_sdk_elasticbeanstalk::types::{
    ConfigurationOptionSetting, EnvironmentDescription, EnvironmentHealth, EnvironmentStatus,
    EnvironmentTier, EventSeverity, OptionSpecification,
};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Nesting, Schema, Type, Value};

pub struct Environment;

const DEFAULT_TIMEOUT: &str = "20m";
const TIER_WEB_SERVER: &str = "WebServer";
const TIER_WORKER: &str = "Worker";
/// The only namespace whose options name a resource (a scheduled action).
const SCHEDULED_ACTION: &str = "aws:autoscaling:scheduledaction";

fn setting_block() -> Block {
    Block::new()
        .attr("namespace", Attribute::required(Type::String))
        .attr("name", Attribute::required(Type::String))
        .attr("resource", Attribute::optional(Type::String))
        .attr("value", Attribute::required(Type::String))
}

fn setting_type() -> Type {
    setting_block().value_type()
}

fn block() -> Block {
    let strings = || Attribute::computed(Type::list(Type::String));
    with_tags(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("application", Attribute::required(Type::String))
            .attr("description", Attribute::optional(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("cname", Attribute::computed(Type::String))
            .attr(
                "cname_prefix",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("endpoint_url", Attribute::computed(Type::String))
            .attr(
                "tier",
                Attribute::optional(Type::String)
                    .default(Value::string(TIER_WEB_SERVER))
                    .force_new(),
            )
            .attr(
                "solution_stack_name",
                Attribute::optional_computed(Type::String),
            )
            .attr("platform_arn", Attribute::optional_computed(Type::String))
            .attr("template_name", Attribute::optional(Type::String))
            .attr("version_label", Attribute::optional_computed(Type::String))
            .attr(
                "wait_for_ready_timeout",
                Attribute::optional(Type::String).default(Value::string(DEFAULT_TIMEOUT)),
            )
            .attr("poll_interval", Attribute::optional(Type::String))
            .attr(
                "all_settings",
                Attribute::computed(Type::set(setting_type())),
            )
            .attr("autoscaling_groups", strings())
            .attr("instances", strings())
            .attr("launch_configurations", strings())
            .attr("load_balancers", strings())
            .attr("queues", strings())
            .attr("triggers", strings())
            .block("setting", Nesting::Set, setting_block()),
    )
}

// --- option settings ---------------------------------------------------------

/// A comma-separated value with its parts sorted (subnet lists).
fn sort_values(v: &str) -> String {
    let mut parts: Vec<&str> = v.split(',').collect();
    parts.sort_unstable();
    parts.join(",")
}

/// A JSON value in its compact form with object keys sorted (Go's
/// marshalling); other text as it is.
fn normalize_json(v: &str) -> String {
    fn sorted(j: serde_json::Value) -> serde_json::Value {
        match j {
            serde_json::Value::Object(m) => {
                let entries: BTreeMap<String, serde_json::Value> =
                    m.into_iter().map(|(k, v)| (k, sorted(v))).collect();
                serde_json::Value::Object(entries.into_iter().collect())
            }
            serde_json::Value::Array(a) => {
                serde_json::Value::Array(a.into_iter().map(sorted).collect())
            }
            other => other,
        }
    }
    match serde_json::from_str::<serde_json::Value>(v) {
        Ok(j) => serde_json::to_string(&sorted(j)).unwrap_or_else(|_| v.to_string()),
        Err(_) => v.to_string(),
    }
}

/// One option setting.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Setting {
    namespace: String,
    name: String,
    resource: String,
    value: String,
}

impl Setting {
    fn of(o: Obj) -> Option<Setting> {
        Some(Setting {
            namespace: o.string("namespace")?,
            name: o.string("name")?,
            resource: o.string("resource").unwrap_or_default(),
            value: o.string("value")?,
        })
    }

    /// The option it sets (hashicorp/aws's key hash).
    fn key(&self) -> (String, String, String) {
        (
            self.namespace.clone(),
            self.name.clone(),
            self.resource.clone(),
        )
    }

    /// Its identity in the set (hashicorp/aws's value hash).
    fn identity(&self) -> String {
        format!(
            "{}:{}{}={}",
            self.namespace,
            self.name,
            self.resource,
            sort_values(&normalize_json(&self.value))
        )
    }

    fn value(&self) -> Value {
        let v = object(vec![
            ("namespace", self.namespace.as_str().into()),
            ("name", self.name.as_str().into()),
            ("resource", self.resource.as_str().into()),
            ("value", self.value.as_str().into()),
        ]);
        tfrs_provider::convert::convert(&v, &setting_type()).unwrap_or(v)
    }

    fn api(&self) -> ConfigurationOptionSetting {
        ConfigurationOptionSetting::builder()
            .namespace(&self.namespace)
            .option_name(&self.name)
            .value(&self.value)
            .set_resource_name(
                (self.namespace == SCHEDULED_ACTION && !self.resource.is_empty())
                    .then(|| self.resource.clone()),
            )
            .build()
    }
}

fn settings_of(o: &Obj) -> Vec<Setting> {
    o.blocks("setting")
        .into_iter()
        .filter_map(Setting::of)
        .collect()
}

/// The settings to add and the options to remove to go from `old` to `new`
/// in one UpdateEnvironment call: a changed value is an addition only.
fn setting_changes(
    old: &[Setting],
    new: &[Setting],
) -> (Vec<ConfigurationOptionSetting>, Vec<OptionSpecification>) {
    let old_ids: BTreeSet<String> = old.iter().map(Setting::identity).collect();
    let new_ids: BTreeSet<String> = new.iter().map(Setting::identity).collect();
    let added: Vec<&Setting> = new
        .iter()
        .filter(|s| !old_ids.contains(&s.identity()))
        .collect();
    let removed = old.iter().filter(|s| !new_ids.contains(&s.identity()));
    let updated = |r: &Setting| {
        added.iter().any(|a| {
            (a.resource.is_empty() || a.resource == r.resource)
                && a.namespace == r.namespace
                && a.name == r.name
        })
    };
    let remove = removed
        .filter(|r| !updated(r))
        .map(|r| {
            OptionSpecification::builder()
                .namespace(&r.namespace)
                .option_name(&r.name)
                .set_resource_name(
                    (r.namespace == SCHEDULED_ACTION && !r.resource.is_empty())
                        .then(|| r.resource.clone()),
                )
                .build()
        })
        .collect();
    (added.into_iter().map(Setting::api).collect(), remove)
}

/// The settings of the plan as the state will hold them: `resource` ""
/// when unset, subnet lists sorted (as read back), and a value equal to
/// the prior one but for formatting kept as it was.
fn plan_settings(prior: &Value, planned: &Value) -> Option<Value> {
    let items = planned.get_attr("setting")?.elements()?;
    let before: Vec<Setting> = Obj(prior)
        .blocks("setting")
        .into_iter()
        .filter_map(Setting::of)
        .collect();
    let out = items
        .iter()
        .map(|item| {
            let Some(m) = item.entries().filter(|_| item.is_known()) else {
                return item.clone();
            };
            let mut m = m.clone();
            if m.get("resource").is_none_or(Value::is_null) {
                m.insert("resource".into(), Value::string(""));
            }
            let Some(mut s) = Setting::of(Obj(&Value::Object(m.clone()))) else {
                return Value::Object(m);
            };
            if s.name == "Subnets" || s.name == "ELBSubnets" {
                s.value = sort_values(&s.value);
            }
            if let Some(p) = before.iter().find(|p| p.identity() == s.identity()) {
                s.value = p.value.clone();
            }
            m.insert("value".into(), Value::string(s.value));
            Value::Object(m)
        })
        .collect();
    Some(Value::set(setting_type(), out))
}

/// A value as hashicorp/aws reads it: subnet lists sorted, Elastic
/// Beanstalk's own security groups left out of SecurityGroups.
async fn read_value(c: &Ctx, name: &str, value: &str) -> String {
    match name {
        "Subnets" | "ELBSubnets" => sort_values(value),
        "SecurityGroups" => drop_generated_security_groups(c, value).await,
        _ => value.to_string(),
    }
}

/// The groups of a SecurityGroups value that Elastic Beanstalk did not
/// create (`awseb...`), sorted; the value as it is when they cannot be
/// looked up (names rather than IDs).
async fn drop_generated_security_groups(c: &Ctx, value: &str) -> String {
    let ids: Vec<String> = value.split(',').map(|s| s.trim().to_string()).collect();
    let Ok(out) = c
        .ec2()
        .describe_security_groups()
        .set_group_ids(Some(ids))
        .send()
        .await
    else {
        return value.to_string();
    };
    let mut kept: Vec<String> = out
        .security_groups()
        .iter()
        .filter(|g| !g.group_name().unwrap_or_default().starts_with("awseb"))
        .filter_map(|g| g.group_id().map(String::from))
        .collect();
    kept.sort();
    kept.join(",")
}

// --- finding and waiting ---------------------------------------------------------

/// The environment, unless it is gone (terminated).
async fn find_environment(c: &Ctx, id: &str) -> Result<Option<EnvironmentDescription>> {
    let out = c
        .elasticbeanstalk()
        .describe_environments()
        .environment_ids(id)
        .send()
        .await
        .map_err(|e| sdk("elasticbeanstalk:DescribeEnvironments", e))?;
    Ok(out
        .environments()
        .iter()
        .find(|e| e.environment_id() == Some(id))
        .filter(|e| e.status() != Some(&EnvironmentStatus::Terminated))
        .cloned())
}

/// The ERROR events of the environment since `since`, oldest first, as one
/// message; None when there are none.
async fn environment_errors(c: &Ctx, id: &str, since: SystemTime) -> Result<Option<String>> {
    let mut events = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = c
            .elasticbeanstalk()
            .describe_events()
            .environment_id(id)
            .severity(EventSeverity::Error)
            .start_time(DateTime::from(since))
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| sdk("elasticbeanstalk:DescribeEvents", e))?;
        for e in out.events() {
            events.push((
                e.event_date().cloned(),
                e.message().unwrap_or_default().to_string(),
            ));
        }
        token = out.next_token().filter(|t| !t.is_empty()).map(String::from);
        if token.is_none() {
            break;
        }
    }
    if events.is_empty() {
        return Ok(None);
    }
    events.sort_by_key(|(d, _)| d.map(|d| (d.secs(), d.subsec_nanos())));
    Ok(Some(
        events
            .into_iter()
            .map(
                |(d, m)| match d.and_then(|d| d.fmt(Format::DateTime).ok()) {
                    Some(d) => format!("{d}: {m}"),
                    None => m,
                },
            )
            .collect::<Vec<_>>()
            .join("\n"),
    ))
}

/// How long to wait, and the longest pause between polls.
fn timing(o: &Obj) -> (Duration, Duration) {
    let timeout = o
        .str("wait_for_ready_timeout")
        .and_then(parse_duration)
        .unwrap_or(Duration::from_secs(20 * 60));
    let cap = o
        .str("poll_interval")
        .and_then(parse_duration)
        .unwrap_or(Duration::from_secs(10));
    (timeout, cap)
}

/// Waits for the environment to be Ready (and, with `healthy`, its health
/// known: not Grey); fails on another state, or on ERROR events since
/// `since` once the environment is Ready. None when it is gone.
async fn wait_ready(
    c: &Ctx,
    id: &str,
    (timeout, cap): (Duration, Duration),
    since: SystemTime,
    healthy: bool,
) -> Result<Option<EnvironmentDescription>> {
    until_capped(
        &format!("Elastic Beanstalk Environment ({id}) to be Ready"),
        timeout,
        cap,
        || async {
            let Some(env) = find_environment(c, id).await? else {
                return Ok(Poll::Ready(None));
            };
            match env.status() {
                Some(EnvironmentStatus::Ready) => {
                    if !healthy || env.health() != Some(&EnvironmentHealth::Grey) {
                        return Ok(Poll::Ready(Some(env)));
                    }
                    // Ready with health unknown: a launch that failed says so.
                    if let Some(errors) = environment_errors(c, id, since).await? {
                        return Err(Error::new(
                            format!("Elastic Beanstalk Environment ({id}) reported errors"),
                            errors,
                        ));
                    }
                    Ok(Poll::Pending("Ready (health Grey)".into()))
                }
                Some(EnvironmentStatus::Launching | EnvironmentStatus::Updating) => Ok(
                    Poll::Pending(env.status().map(|s| s.as_str()).unwrap_or("").to_string()),
                ),
                other => Err(Error::new(
                    format!("Elastic Beanstalk Environment ({id}) is not Ready"),
                    format!(
                        "unexpected state '{}', wanted target 'Ready'",
                        other.map(|s| s.as_str()).unwrap_or("")
                    ),
                )),
            }
        },
    )
    .await
}

/// Waits for Ready with health known, then fails with the ERROR events
/// since the operation (`verb`: "creating", "updating") began, if any.
async fn wait_settled(c: &Ctx, id: &str, o: &Obj<'_>, since: SystemTime, verb: &str) -> Result<()> {
    let waiting = format!("waiting for Elastic Beanstalk Environment ({id}) to be Ready");
    let env = wait_ready(c, id, timing(o), since, true)
        .await
        .map_err(|e| e.context(waiting.clone()))?;
    if env.is_none() {
        return Err(Error::new(waiting, "the environment no longer exists"));
    }
    if let Some(errors) = environment_errors(c, id, since).await? {
        return Err(Error::new(
            format!("{verb} Elastic Beanstalk Environment ({id})"),
            errors,
        ));
    }
    Ok(())
}

// --- state ---------------------------------------------------------------------

/// The prefix of a CNAME AWS made from CNAMEPrefix (`prefix.elasticbeanstalk
/// .com`, `prefix.REGION.elasticbeanstalk.com`); "" for a generated CNAME.
fn cname_prefix(cname: &str) -> String {
    let Some(rest) = cname
        .strip_suffix(".elasticbeanstalk.com")
        .or_else(|| cname.strip_suffix(".eb.amazonaws.com.cn"))
    else {
        return String::new();
    };
    let is_region = |r: &str| {
        let parts: Vec<&str> = r.split('-').collect();
        let word = |s: &str, lo: usize, hi: usize| {
            (lo..=hi).contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        parts.len() == 3
            && word(parts[0], 2, 2)
            && word(parts[1], 4, 9)
            && parts[2].len() == 1
            && parts[2].chars().all(|c| c.is_ascii_digit())
    };
    match rest.split_once('.') {
        None if !rest.is_empty() => rest.to_string(),
        Some((prefix, region)) if !prefix.is_empty() && is_region(region) => prefix.to_string(),
        _ => String::new(),
    }
}

async fn read_environment(c: &Ctx, base: &Value, id: &str) -> Result<Option<Value>> {
    let Some(env) = find_environment(c, id).await? else {
        return Ok(None);
    };
    let resources = c
        .elasticbeanstalk()
        .describe_environment_resources()
        .environment_id(id)
        .send()
        .await
        .map_err(|e| sdk("elasticbeanstalk:DescribeEnvironmentResources", e))?;
    let application = env.application_name().unwrap_or_default().to_string();
    let name = env.environment_name().unwrap_or_default().to_string();
    let configs = c
        .elasticbeanstalk()
        .describe_configuration_settings()
        .application_name(&application)
        .environment_name(&name)
        .send()
        .await
        .map_err(|e| sdk("elasticbeanstalk:DescribeConfigurationSettings", e))?;
    let config = match configs.configuration_settings() {
        [one] => one,
        other => {
            return Err(Error::new(
                format!("reading Elastic Beanstalk Environment ({id}) configuration settings"),
                format!("expected 1 configuration, found {}", other.len()),
            ))
        }
    };
    let mut all = Vec::new();
    for o in config.option_settings() {
        let namespace = o.namespace().unwrap_or_default().to_string();
        let option = o.option_name().unwrap_or_default().to_string();
        let resource = if namespace == SCHEDULED_ACTION {
            o.resource_name().unwrap_or_default().to_string()
        } else {
            String::new()
        };
        let value = match o.value().filter(|v| !v.is_empty()) {
            Some(v) => read_value(c, &option, v).await,
            None => String::new(),
        };
        all.push(Setting {
            namespace,
            name: option,
            resource,
            value,
        });
    }
    all.sort();
    all.dedup();
    // `setting` keeps the options the configuration sets, as AWS has them.
    let configured: BTreeSet<(String, String, String)> =
        settings_of(&Obj(base)).iter().map(Setting::key).collect();
    let setting: Vec<Value> = all
        .iter()
        .filter(|s| configured.contains(&s.key()))
        .map(Setting::value)
        .collect();
    let all: Vec<Value> = all.iter().map(Setting::value).collect();
    let r = resources.environment_resources();
    let names = |v: Vec<Option<&str>>| -> Vec<String> {
        v.into_iter().flatten().map(String::from).collect()
    };
    let cname = env.cname().unwrap_or_default().to_string();
    let arn = env.environment_arn().unwrap_or_default().to_string();
    let tags = list_tags(c, &arn).await?;
    let b = block();
    let mut s = State::from(&b, base)
        .set("id", id)
        .set("name", name)
        .set("application", application)
        .set("arn", arn)
        .set("description", description(env.description(), base))
        .set("cname", cname.clone())
        .set("cname_prefix", cname_prefix(&cname))
        .set("endpoint_url", env.endpoint_url().unwrap_or_default())
        .set(
            "tier",
            env.tier()
                .and_then(EnvironmentTier::name)
                .unwrap_or(TIER_WEB_SERVER),
        )
        .set(
            "solution_stack_name",
            env.solution_stack_name().unwrap_or_default(),
        )
        .set("platform_arn", env.platform_arn().unwrap_or_default())
        .set("version_label", env.version_label().unwrap_or_default())
        .set("all_settings", Value::set(setting_type(), all))
        .set("setting", Value::set(setting_type(), setting))
        .set(
            "autoscaling_groups",
            names(
                r.map(|r| r.auto_scaling_groups().iter().map(|x| x.name()).collect())
                    .unwrap_or_default(),
            ),
        )
        .set(
            "instances",
            names(
                r.map(|r| r.instances().iter().map(|x| x.id()).collect())
                    .unwrap_or_default(),
            ),
        )
        .set(
            "launch_configurations",
            names(
                r.map(|r| r.launch_configurations().iter().map(|x| x.name()).collect())
                    .unwrap_or_default(),
            ),
        )
        .set(
            "load_balancers",
            names(
                r.map(|r| r.load_balancers().iter().map(|x| x.name()).collect())
                    .unwrap_or_default(),
            ),
        )
        .set(
            "queues",
            names(
                r.map(|r| r.queues().iter().map(|x| x.url()).collect())
                    .unwrap_or_default(),
            ),
        )
        .set(
            "triggers",
            names(
                r.map(|r| r.triggers().iter().map(|x| x.name()).collect())
                    .unwrap_or_default(),
            ),
        );
    // An imported environment has the defaults of arguments only the
    // configuration knows.
    if s.get("wait_for_ready_timeout").is_none_or(Value::is_null) {
        s = s.set("wait_for_ready_timeout", DEFAULT_TIMEOUT);
    }
    Ok(Some(read_tags(c, s, base, tags).build()))
}

// --- the resource ------------------------------------------------------------------

impl Resource for Environment {
    fn name(&self) -> &'static str {
        "aws_elastic_beanstalk_environment"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = p.req("name").to_string();
        let tier = p.str("tier").unwrap_or(TIER_WEB_SERVER).to_string();
        let tags = c.tags_all(&p.map_str("tags"));
        let context = format!("creating Elastic Beanstalk Environment ({name})");
        let prefix = p.string("cname_prefix").filter(|v| !v.is_empty());
        if prefix.is_some() && tier != TIER_WEB_SERVER {
            return Outcome::Failed(Error::new(
                context,
                format!("cname_prefix conflicts with tier: {tier}"),
            ));
        }
        let tier_type = if tier == TIER_WORKER {
            "SQS/HTTP"
        } else {
            "Standard"
        };
        let since = SystemTime::now();
        let created = c.run(async {
            c.elasticbeanstalk()
                .create_environment()
                .application_name(p.req("application"))
                .environment_name(&name)
                .set_description(p.string("description").filter(|d| !d.is_empty()))
                .set_cname_prefix(prefix.clone())
                .tier(
                    EnvironmentTier::builder()
                        .name(&tier)
                        .r#type(tier_type)
                        .build(),
                )
                .set_solution_stack_name(p.string("solution_stack_name").filter(|v| !v.is_empty()))
                .set_platform_arn(p.string("platform_arn").filter(|v| !v.is_empty()))
                .set_template_name(p.string("template_name").filter(|v| !v.is_empty()))
                .set_version_label(p.string("version_label").filter(|v| !v.is_empty()))
                .set_option_settings(Some(settings_of(&p).iter().map(Setting::api).collect()))
                .set_tags(tags_in(&tags))
                .send()
                .await
                .map_err(|e| sdk("elasticbeanstalk:CreateEnvironment", e))
        });
        let id = match created {
            Ok(out) => match out.environment_id() {
                Some(id) => id.to_string(),
                None => {
                    return Outcome::Failed(Error::new(
                        context,
                        "CreateEnvironment returned no environment ID",
                    ))
                }
            },
            Err(e) => return Outcome::Failed(e.context(context)),
        };
        // The environment exists from here on: a failure keeps it (tainted).
        let base = State::from(&block(), plan)
            .set("id", id.clone())
            .set("tags_all", crate::obj::string_map(tags))
            .build();
        let rest = c.run(async {
            wait_settled(c, &id, &p, since, "creating").await?;
            read_environment(c, plan, &id)
                .await?
                .ok_or_else(|| Error::new(context.clone(), "the environment no longer exists"))
        });
        match rest {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(base, e),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let id = Obj(state).id().to_string();
        c.run(read_environment(c, state, &id))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let (o, p) = (Obj(prior), Obj(plan));
        let id = o.id().to_string();
        let tags = c.tags_all(&p.map_str("tags"));
        let since = SystemTime::now();
        let environment_changes = [
            "description",
            "platform_arn",
            "setting",
            "solution_stack_name",
            "template_name",
            "version_label",
        ]
        .into_iter()
        .any(|k| changed(prior, plan, k));
        let r = c.run(async {
            let old_tags = o.map_str("tags_all");
            if old_tags != tags {
                update_tags(c, o.req("arn"), &old_tags, &tags).await?;
            }
            if environment_changes {
                if old_tags != tags {
                    // Changing tags updates the environment: let it finish.
                    wait_settled(c, &id, &p, since, "updating tags of").await?;
                }
                let mut req = c
                    .elasticbeanstalk()
                    .update_environment()
                    .environment_id(&id);
                if changed(prior, plan, "description") {
                    req = req.description(p.str("description").unwrap_or_default());
                }
                if changed(prior, plan, "platform_arn") {
                    req = req.set_platform_arn(p.string("platform_arn").filter(|v| !v.is_empty()));
                }
                if changed(prior, plan, "solution_stack_name") {
                    req = req.set_solution_stack_name(
                        p.string("solution_stack_name").filter(|v| !v.is_empty()),
                    );
                }
                if changed(prior, plan, "template_name") {
                    req =
                        req.set_template_name(p.string("template_name").filter(|v| !v.is_empty()));
                }
                if changed(prior, plan, "version_label") {
                    req = req.version_label(p.str("version_label").unwrap_or_default());
                }
                if changed(prior, plan, "setting") {
                    let (add, remove) = setting_changes(&settings_of(&o), &settings_of(&p));
                    req = req
                        .set_option_settings(Some(add))
                        .set_options_to_remove((!remove.is_empty()).then_some(remove));
                }
                req.send()
                    .await
                    .map_err(|e| sdk("elasticbeanstalk:UpdateEnvironment", e))?;
            }
            wait_settled(c, &id, &p, since, "updating").await?;
            read_environment(c, plan, &id)
                .await?
                .ok_or_else(|| Error::new("Elastic Beanstalk Environment not found", id.clone()))
        });
        match r {
            Ok(v) => Outcome::Done(v),
            Err(e) => {
                Outcome::Failed(e.context(format!("updating Elastic Beanstalk Environment ({id})")))
            }
        }
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        let id = s.id().to_string();
        let times = timing(&s);
        c.run(async {
            // AWS terminates only a Ready environment.
            let since = SystemTime::now();
            if wait_ready(c, &id, times, since, false).await?.is_none() {
                return Ok(());
            }
            let terminated = c
                .elasticbeanstalk()
                .terminate_environment()
                .environment_id(&id)
                .terminate_resources(true)
                .send()
                .await
                .map_err(|e| sdk("elasticbeanstalk:TerminateEnvironment", e));
            if let Err(e) = terminated {
                if e.has_code("InvalidParameterValue") && e.detail.contains("No Environment found")
                {
                    return Ok(());
                }
                return Err(e.context(format!("deleting Elastic Beanstalk Environment ({id})")));
            }
            let (timeout, cap) = times;
            until_capped(
                &format!("Elastic Beanstalk Environment ({id}) to be Terminated"),
                timeout,
                cap,
                || async {
                    match find_environment(c, &id).await? {
                        None => Ok(Poll::Ready(())),
                        Some(env) if env.status() == Some(&EnvironmentStatus::Terminating) => {
                            Ok(Poll::Pending("Terminating".into()))
                        }
                        Some(env) => Err(Error::new(
                            format!("waiting for Elastic Beanstalk Environment ({id}) delete"),
                            format!(
                                "unexpected state '{}', wanted target 'Terminated'",
                                env.status().map(|s| s.as_str()).unwrap_or("")
                            ),
                        )),
                    }
                },
            )
            .await
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        let planned = plan_tags_all(prior, planned);
        let Value::Object(mut m) = planned else {
            return planned;
        };
        if let Some(settings) = plan_settings(prior, &Value::Object(m.clone())) {
            m.insert("setting".into(), settings);
        }
        let planned = Value::Object(m.clone());
        if prior.is_null() {
            return planned;
        }
        // An update of the environment changes what it reports.
        let reconfigured = [
            "setting",
            "solution_stack_name",
            "platform_arn",
            "template_name",
        ]
        .into_iter()
        .any(|k| changed(prior, &planned, k));
        if reconfigured {
            let mut unknown = vec![
                "all_settings",
                "autoscaling_groups",
                "instances",
                "launch_configurations",
                "load_balancers",
                "queues",
                "triggers",
            ];
            // The endpoint is the load balancer's, or the instance's
            // address without one.
            let environment_type = |v: &Value| {
                settings_of(&Obj(v))
                    .into_iter()
                    .find(|s| {
                        s.namespace == "aws:elasticbeanstalk:environment"
                            && s.name == "EnvironmentType"
                    })
                    .map(|s| s.value)
            };
            if environment_type(prior) != environment_type(&planned) {
                unknown.push("endpoint_url");
            }
            for k in unknown {
                if let Some(v) = m.get_mut(k) {
                    *v = Value::Unknown(v.ty());
                }
            }
        }
        // A platform named one way changes the other.
        for (given, derived) in [
            ("solution_stack_name", "platform_arn"),
            ("platform_arn", "solution_stack_name"),
        ] {
            if changed(prior, &planned, given) && !changed(prior, &planned, derived) {
                if let Some(v) = m.get_mut(derived) {
                    *v = Value::Unknown(Type::String);
                }
            }
        }
        Value::Object(m)
    }

    fn validate(&self, config: &Value) -> Diags {
        let o = Obj(config);
        let mut d = Vec::new();
        let platforms: Vec<&str> = ["solution_stack_name", "platform_arn", "template_name"]
            .into_iter()
            .filter(|k| config.get_attr(k).is_some_and(|v| !v.is_null()))
            .collect();
        if platforms.len() > 1 {
            d.push(Diag::error(
                "Conflicting configuration arguments",
                format!("\"{}\": conflicts with {}", platforms[0], platforms[1]),
            ));
        }
        if let Some(t) = o.str("tier") {
            if t != TIER_WEB_SERVER && t != TIER_WORKER {
                d.push(Diag::error(
                    "Invalid tier",
                    format!("expected tier to be one of [\"{TIER_WEB_SERVER}\" \"{TIER_WORKER}\"], got {t}"),
                ));
            }
        }
        if let Some(t) = o.str("wait_for_ready_timeout") {
            if parse_duration(t).is_none() {
                d.push(Diag::error(
                    "Invalid wait_for_ready_timeout",
                    format!("\"wait_for_ready_timeout\" ({t}) cannot be parsed as a duration"),
                ));
            }
        }
        if let Some(t) = o.str("poll_interval") {
            match parse_duration(t) {
                None => d.push(Diag::error(
                    "Invalid poll_interval",
                    format!("\"poll_interval\" ({t}) cannot be parsed as a duration"),
                )),
                Some(p) if p < Duration::from_secs(10) || p > Duration::from_secs(180) => {
                    d.push(Diag::error(
                        "Invalid poll_interval",
                        format!("\"poll_interval\" ({t}) must be between 10s and 3m0s"),
                    ))
                }
                _ => {}
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(ns: &str, name: &str, value: &str) -> Setting {
        Setting {
            namespace: ns.into(),
            name: name.into(),
            resource: String::new(),
            value: value.into(),
        }
    }

    #[test]
    fn cname_prefixes() {
        assert_eq!(
            cname_prefix("fortune.us-east-1.elasticbeanstalk.com"),
            "fortune"
        );
        assert_eq!(cname_prefix("fortune.elasticbeanstalk.com"), "fortune");
        assert_eq!(cname_prefix("api.cn-north-1.eb.amazonaws.com.cn"), "api");
        assert_eq!(
            cname_prefix("fortune-env.eba-abcd1234.us-east-1.elasticbeanstalk.com"),
            ""
        );
        assert_eq!(cname_prefix("example.com"), "");
    }

    #[test]
    fn identities_ignore_order_and_json_layout() {
        let a = setting("aws:ec2:vpc", "Subnets", "subnet-b,subnet-a");
        let b = setting("aws:ec2:vpc", "Subnets", "subnet-a,subnet-b");
        assert_eq!(a.identity(), b.identity());
        let j1 = setting("ns", "ConfigDocument", r#"{"b": 1, "a": [1, 2]}"#);
        let j2 = setting("ns", "ConfigDocument", r#"{"a":[1,2],"b":1}"#);
        assert_eq!(j1.identity(), j2.identity());
        assert_ne!(
            setting("ns", "MinSize", "2").identity(),
            setting("ns", "MinSize", "3").identity()
        );
    }

    #[test]
    fn changed_values_are_additions_not_removals() {
        let old = vec![
            setting("aws:autoscaling:asg", "MinSize", "2"),
            setting("aws:autoscaling:asg", "MaxSize", "4"),
            setting("aws:ec2:vpc", "ELBScheme", "public"),
        ];
        let new = vec![
            setting("aws:autoscaling:asg", "MinSize", "3"),
            setting("aws:autoscaling:asg", "MaxSize", "4"),
        ];
        let (add, remove) = setting_changes(&old, &new);
        assert_eq!(add.len(), 1);
        assert_eq!(add[0].option_name(), Some("MinSize"));
        assert_eq!(add[0].value(), Some("3"));
        assert_eq!(remove.len(), 1);
        assert_eq!(remove[0].option_name(), Some("ELBScheme"));
    }
}
