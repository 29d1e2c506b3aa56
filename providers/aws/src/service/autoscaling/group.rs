//! aws_autoscaling_group
//!
//! As hashicorp/aws does: after a create, and after an update that changes
//! the capacity, wait (up to `wait_for_capacity_timeout`, "10m" by default;
//! "0" does not wait) until enough instances are in service and healthy,
//! failing early on a failed scaling activity. Deleting drains the group
//! (sizes to 0, instances gone) unless `force_delete`.

use super::is_missing;
use crate::ctx::Ctx;
use crate::error::{sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::service::ec2::compute_shared::{
    blocks, conflicts, elem, exactly_one_of, keep_zero_values, nested, settle, string_list,
    string_set,
};
use crate::wait::{parse_duration, retry_eventual, until, Poll};
use crate::{naming, Outcome, Resource};
use aws_sdk_autoscaling::types::{
    AutoScalingGroup, LaunchTemplateSpecification, LifecycleState, ScalingActivityStatusCode, Tag,
};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime};
use tfrs_provider::provider::Diags;
use tfrs_provider::schema::NestedBlock;
use tfrs_provider::{Attribute, Block, Nesting, Schema, Type, Value};

pub struct Group;

const DEFAULT_TERMINATION_POLICY: &str = "Default";
const DEFAULT_GRANULARITY: &str = "1Minute";
const DELETE_TIMEOUT: Duration = Duration::from_secs(600);
const UPDATE_TIMEOUT: Duration = Duration::from_secs(600);

fn block() -> Block {
    let o = |t: Type| Attribute::optional(t);
    let oc = |t: Type| Attribute::optional_computed(t);
    Block::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("arn", Attribute::computed(Type::String))
        .attr("name", oc(Type::String).force_new())
        .attr("name_prefix", oc(Type::String).force_new())
        .attr("max_size", Attribute::required(Type::Number))
        .attr("min_size", Attribute::required(Type::Number))
        .attr("desired_capacity", oc(Type::Number))
        .attr("desired_capacity_type", o(Type::String))
        .attr("availability_zones", oc(Type::set(Type::String)))
        .attr("vpc_zone_identifier", oc(Type::set(Type::String)))
        .attr("launch_configuration", o(Type::String))
        .attr(
            "health_check_type",
            o(Type::String).default(Value::string("EC2")),
        )
        .attr(
            "health_check_grace_period",
            o(Type::Number).default(Value::int(300)),
        )
        .attr("default_cooldown", oc(Type::Number))
        .attr("default_instance_warmup", o(Type::Number))
        .attr("capacity_rebalance", o(Type::Bool))
        .attr("context", o(Type::String))
        .attr("force_delete", o(Type::Bool).default(Value::Bool(false)))
        .attr(
            "force_delete_warm_pool",
            o(Type::Bool).default(Value::Bool(false)),
        )
        .attr(
            "ignore_failed_scaling_activities",
            o(Type::Bool).default(Value::Bool(false)),
        )
        .attr("load_balancers", oc(Type::set(Type::String)))
        .attr("target_group_arns", oc(Type::set(Type::String)))
        .attr("termination_policies", o(Type::list(Type::String)))
        .attr("enabled_metrics", o(Type::set(Type::String)))
        .attr(
            "metrics_granularity",
            o(Type::String).default(Value::string(DEFAULT_GRANULARITY)),
        )
        .attr("max_instance_lifetime", o(Type::Number))
        .attr("min_elb_capacity", o(Type::Number))
        .attr("wait_for_elb_capacity", o(Type::Number))
        .attr(
            "wait_for_capacity_timeout",
            o(Type::String).default(Value::string("10m")),
        )
        .attr("placement_group", o(Type::String))
        .attr(
            "protect_from_scale_in",
            o(Type::Bool).default(Value::Bool(false)),
        )
        .attr("service_linked_role_arn", oc(Type::String))
        .attr("suspended_processes", o(Type::set(Type::String)))
        .attr("predicted_capacity", Attribute::computed(Type::Number))
        .attr("warm_pool_size", Attribute::computed(Type::Number))
        .block_with(
            "launch_template",
            NestedBlock {
                nesting: Nesting::List,
                block: Block::new()
                    .attr("id", oc(Type::String))
                    .attr("name", oc(Type::String))
                    .attr("version", oc(Type::String)),
                min_items: 0,
                max_items: 1,
                force_new: false,
            },
        )
        .block(
            "tag",
            Nesting::Set,
            Block::new()
                .attr("key", Attribute::required(Type::String))
                .attr("value", Attribute::required(Type::String))
                .attr("propagate_at_launch", Attribute::required(Type::Bool)),
        )
}

fn launch_template_spec(lt: &Obj) -> LaunchTemplateSpecification {
    // The API takes the ID or the name, not both.
    let id = lt.string("id").filter(|v| !v.is_empty());
    let name = if id.is_none() {
        lt.string("name").filter(|v| !v.is_empty())
    } else {
        None
    };
    LaunchTemplateSpecification::builder()
        .set_launch_template_id(id)
        .set_launch_template_name(name)
        .set_version(lt.string("version").filter(|v| !v.is_empty()))
        .build()
}

/// The configured `tag` blocks: key → (value, propagate_at_launch).
fn tags_of(o: &Obj) -> BTreeMap<String, (String, bool)> {
    o.blocks("tag")
        .iter()
        .map(|t| {
            (
                t.req("key").to_string(),
                (
                    t.req("value").to_string(),
                    t.bool("propagate_at_launch").unwrap_or(false),
                ),
            )
        })
        .filter(|(k, _)| !k.is_empty())
        .collect()
}

fn api_tag(group: &str, key: &str, value: Option<(&str, bool)>) -> Tag {
    let b = Tag::builder()
        .resource_id(group)
        .resource_type("auto-scaling-group")
        .key(key);
    match value {
        Some((v, propagate)) => b.value(v).propagate_at_launch(propagate).build(),
        None => b.build(),
    }
}

async fn find(c: &Ctx, name: &str) -> Result<Option<AutoScalingGroup>> {
    let out = c
        .autoscaling()
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(name)
        .send()
        .await
        .map_err(|e| sdk("autoscaling:DescribeAutoScalingGroups", e));
    match out {
        Ok(out) => Ok(out
            .auto_scaling_groups()
            .iter()
            .find(|g| g.auto_scaling_group_name() == Some(name))
            .cloned()),
        Err(e) if is_missing(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Counts in-service healthy instances, and those among them healthy in
/// every target group of the group.
async fn healthy_counts(c: &Ctx, g: &AutoScalingGroup) -> Result<(usize, usize)> {
    let in_service: BTreeSet<String> = g
        .instances()
        .iter()
        .filter(|i| {
            i.lifecycle_state() == Some(&LifecycleState::InService)
                && i.health_status()
                    .is_some_and(|h| h.eq_ignore_ascii_case("healthy"))
        })
        .filter_map(|i| i.instance_id().map(String::from))
        .collect();
    if g.target_group_arns().is_empty() {
        return Ok((in_service.len(), 0));
    }
    let mut healthy_everywhere = in_service.clone();
    for tg in g.target_group_arns() {
        let out = c
            .elbv2()
            .describe_target_health()
            .target_group_arn(tg)
            .send()
            .await
            .map_err(|e| sdk("elasticloadbalancing:DescribeTargetHealth", e))?;
        let healthy: BTreeSet<String> = out
            .target_health_descriptions()
            .iter()
            .filter(|d| {
                d.target_health()
                    .and_then(|h| h.state())
                    .map(|s| s.as_str())
                    == Some("healthy")
            })
            .filter_map(|d| d.target().and_then(|t| t.id()).map(String::from))
            .collect();
        healthy_everywhere.retain(|i| healthy.contains(i));
    }
    Ok((in_service.len(), healthy_everywhere.len()))
}

/// Fails on a scaling activity that failed since `since`.
async fn failed_activity(c: &Ctx, name: &str, since: SystemTime) -> Result<Option<String>> {
    let out = c
        .autoscaling()
        .describe_scaling_activities()
        .auto_scaling_group_name(name)
        .send()
        .await
        .map_err(|e| sdk("autoscaling:DescribeScalingActivities", e))?;
    let since = aws_smithy_types::DateTime::from(since);
    Ok(out
        .activities()
        .iter()
        .filter(|a| a.status_code() == Some(&ScalingActivityStatusCode::Failed))
        .filter(|a| a.start_time().is_some_and(|t| t.secs() >= since.secs()))
        .map(|a| {
            a.status_message()
                .or(a.description())
                .unwrap_or("a scaling activity failed")
                .to_string()
        })
        .next())
}

/// Waits until `satisfied(in_service, healthy_in_load_balancers)` holds.
async fn wait_capacity<F>(
    c: &Ctx,
    name: &str,
    since: SystemTime,
    ignore_failed: bool,
    timeout: Duration,
    satisfied: F,
) -> Result<()>
where
    F: Fn(usize, usize) -> std::result::Result<(), String>,
{
    let what = format!("Auto Scaling Group ({name}) capacity satisfied");
    until(&what, timeout, || async {
        let g = find(c, name).await?.ok_or_else(|| {
            Error::new(format!("Waiting for {what}"), "The group no longer exists.")
        })?;
        if !ignore_failed {
            if let Some(msg) = failed_activity(c, name, since).await? {
                return Err(Error::new(
                    format!("Waiting for {what}"),
                    format!("Scaling activity failed: {msg}"),
                ));
            }
        }
        let (n_asg, n_elb) = healthy_counts(c, &g).await?;
        Ok(match satisfied(n_asg, n_elb) {
            Ok(()) => Poll::Ready(()),
            Err(why) => Poll::Pending(why),
        })
    })
    .await
}

fn capacity_timeout(p: &Obj) -> Result<Duration> {
    let s = p.str("wait_for_capacity_timeout").unwrap_or("10m");
    parse_duration(s).ok_or_else(|| {
        Error::new(
            "Invalid wait_for_capacity_timeout",
            format!("{s:?} is not a duration (like \"10m\" or \"0\")."),
        )
    })
}

async fn read_group(c: &Ctx, name: &str, base: &Value) -> Result<Option<Value>> {
    let Some(g) = find(c, name).await? else {
        return Ok(None);
    };
    let b = block();
    let o = Obj(base);
    let group_name = g.auto_scaling_group_name().unwrap_or_default().to_string();
    let metrics = string_set(
        g.enabled_metrics()
            .iter()
            .filter_map(|m| m.metric().map(String::from)),
    );
    let granularity = if g.enabled_metrics().is_empty() {
        DEFAULT_GRANULARITY.to_string()
    } else {
        g.enabled_metrics()[0]
            .granularity()
            .unwrap_or(DEFAULT_GRANULARITY)
            .to_string()
    };
    let lt = g.launch_template().map(|lt| {
        elem(
            &b,
            "launch_template",
            vec![
                ("id", lt.launch_template_id().unwrap_or_default().into()),
                ("name", lt.launch_template_name().unwrap_or_default().into()),
                ("version", lt.version().map(String::from).into()),
            ],
        )
    });
    let tag_block = nested(&b, "tag");
    let tags: Vec<Value> = g
        .tags()
        .iter()
        .filter(|t| {
            t.key().is_some_and(|k| {
                !k.starts_with("aws:")
                    && !c.ignore_tag_keys.iter().any(|i| i == k)
                    && !c.ignore_tag_prefixes.iter().any(|p| k.starts_with(p))
            })
        })
        .map(|t| {
            State::new(&tag_block)
                .set("key", t.key().unwrap_or_default())
                .set("value", t.value().unwrap_or_default())
                .set(
                    "propagate_at_launch",
                    t.propagate_at_launch().unwrap_or(false),
                )
                .build()
        })
        .collect();
    // The default termination policy, not configured, stays unset.
    let policies = g.termination_policies();
    let policies = if o.list_str("termination_policies").is_empty()
        && policies.len() == 1
        && policies[0] == DEFAULT_TERMINATION_POLICY
    {
        Vec::new()
    } else {
        policies.to_vec()
    };
    let vpc_zones: Vec<String> = g
        .vpc_zone_identifier()
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let mut s = State::from(&b, base)
        .set("id", group_name.clone())
        .set("name", group_name.clone())
        .set(
            "name_prefix",
            naming::prefix_from_name(&group_name).unwrap_or_default(),
        )
        .set("arn", g.auto_scaling_group_arn().map(String::from))
        .set(
            "availability_zones",
            string_set(g.availability_zones().to_vec()),
        )
        .set("vpc_zone_identifier", string_set(vpc_zones))
        .set(
            "capacity_rebalance",
            g.capacity_rebalance().unwrap_or(false),
        )
        .set("context", g.context().unwrap_or_default())
        .set("default_cooldown", g.default_cooldown().unwrap_or(0))
        .set(
            "default_instance_warmup",
            g.default_instance_warmup().unwrap_or(0),
        )
        .set("desired_capacity", g.desired_capacity().unwrap_or(0))
        .set(
            "desired_capacity_type",
            g.desired_capacity_type().unwrap_or_default(),
        )
        .set("enabled_metrics", metrics)
        .set("metrics_granularity", granularity)
        .set(
            "health_check_grace_period",
            g.health_check_grace_period().unwrap_or(0),
        )
        .set(
            "health_check_type",
            g.health_check_type().unwrap_or_default(),
        )
        .set(
            "launch_configuration",
            g.launch_configuration_name().unwrap_or_default(),
        )
        .set(
            "launch_template",
            blocks(&b, "launch_template", lt.into_iter().collect()),
        )
        .set(
            "load_balancers",
            string_set(g.load_balancer_names().to_vec()),
        )
        .set(
            "target_group_arns",
            string_set(g.target_group_arns().to_vec()),
        )
        .set(
            "max_instance_lifetime",
            g.max_instance_lifetime().unwrap_or(0),
        )
        .set("max_size", g.max_size().unwrap_or(0))
        .set("min_size", g.min_size().unwrap_or(0))
        .set("placement_group", g.placement_group().unwrap_or_default())
        .set("predicted_capacity", g.predicted_capacity().unwrap_or(0))
        .set(
            "protect_from_scale_in",
            g.new_instances_protected_from_scale_in().unwrap_or(false),
        )
        .set(
            "service_linked_role_arn",
            g.service_linked_role_arn().unwrap_or_default(),
        )
        .set(
            "suspended_processes",
            string_set(
                g.suspended_processes()
                    .iter()
                    .filter_map(|p| p.process_name().map(String::from)),
            ),
        )
        .set("termination_policies", string_list(policies))
        .set("warm_pool_size", g.warm_pool_size().unwrap_or(0))
        .set("tag", blocks(&b, "tag", tags));
    // Arguments only the configuration knows take their defaults on import.
    for (k, v) in [
        ("force_delete", Value::Bool(false)),
        ("force_delete_warm_pool", Value::Bool(false)),
        ("ignore_failed_scaling_activities", Value::Bool(false)),
        ("wait_for_capacity_timeout", Value::string("10m")),
    ] {
        if o.get(k).is_none() {
            s = s.set(k, v);
        }
    }
    Ok(Some(settle(&b, base, s.build())))
}

async fn create_group(
    c: &Ctx,
    plan: &Value,
) -> std::result::Result<String, (Option<String>, Error)> {
    let p = Obj(plan);
    let name = naming::name(p.str("name"), p.str("name_prefix"));
    let started = SystemTime::now();
    let min = p.i32("min_size").unwrap_or(0);
    let max = p.i32("max_size").unwrap_or(0);
    let desired = p.i32("desired_capacity").filter(|d| *d > 0);
    let tags: Vec<Tag> = tags_of(&p)
        .iter()
        .map(|(k, (v, prop))| api_tag(&name, k, Some((v, *prop))))
        .collect();
    let mut req = c
        .autoscaling()
        .create_auto_scaling_group()
        .auto_scaling_group_name(&name)
        .min_size(min)
        .max_size(max)
        .set_desired_capacity(desired)
        .set_desired_capacity_type(p.string("desired_capacity_type"))
        .new_instances_protected_from_scale_in(p.flag("protect_from_scale_in"))
        .set_availability_zones(Some(p.list_str("availability_zones")).filter(|v| !v.is_empty()))
        .set_capacity_rebalance(p.bool("capacity_rebalance").filter(|v| *v))
        .set_context(p.string("context").filter(|v| !v.is_empty()))
        .set_default_cooldown(p.i32("default_cooldown").filter(|v| *v > 0))
        .set_default_instance_warmup(p.i32("default_instance_warmup").filter(|v| *v > 0))
        .set_health_check_type(p.string("health_check_type").filter(|v| !v.is_empty()))
        .set_health_check_grace_period(p.i32("health_check_grace_period").filter(|v| *v > 0))
        .set_launch_configuration_name(p.string("launch_configuration").filter(|v| !v.is_empty()))
        .set_load_balancer_names(Some(p.list_str("load_balancers")).filter(|v| !v.is_empty()))
        .set_max_instance_lifetime(p.i32("max_instance_lifetime").filter(|v| *v > 0))
        .set_placement_group(p.string("placement_group").filter(|v| !v.is_empty()))
        .set_service_linked_role_arn(
            p.string("service_linked_role_arn")
                .filter(|v| !v.is_empty()),
        )
        .set_tags(Some(tags).filter(|t| !t.is_empty()))
        .set_target_group_arns(Some(p.list_str("target_group_arns")).filter(|v| !v.is_empty()))
        .set_termination_policies(
            Some(p.list_str("termination_policies")).filter(|v| !v.is_empty()),
        )
        .set_vpc_zone_identifier(
            Some(p.list_str("vpc_zone_identifier").join(",")).filter(|v| !v.is_empty()),
        );
    if let Some(lt) = p.block("launch_template") {
        req = req.launch_template(launch_template_spec(&lt));
    }
    let timeout = capacity_timeout(&p).map_err(|e| (None, e))?;
    // Launch templates naming a fresh instance profile fail for a moment.
    retry_eventual(
        Duration::from_secs(120),
        &["Invalid IAM Instance Profile"],
        || async {
            req.clone()
                .send()
                .await
                .map_err(|e| sdk("autoscaling:CreateAutoScalingGroup", e))
        },
    )
    .await
    .map_err(|e| (None, e))?;
    let partial = |e: Error| (Some(name.clone()), e);
    if !timeout.is_zero() {
        // On creation every target is a minimum.
        let want = desired.unwrap_or(min).max(0) as usize;
        let want_elb = p
            .i64("wait_for_elb_capacity")
            .filter(|v| *v > 0)
            .or(p.i64("min_elb_capacity"))
            .unwrap_or(0)
            .max(0) as usize;
        wait_capacity(
            c,
            &name,
            started,
            p.flag("ignore_failed_scaling_activities"),
            timeout,
            |n_asg, n_elb| {
                if n_asg < want {
                    Err(format!(
                        "want at least {want} healthy instance(s) in Auto Scaling Group, have {n_asg}"
                    ))
                } else if n_elb < want_elb {
                    Err(format!(
                        "want at least {want_elb} healthy instance(s) registered to Load Balancer, have {n_elb}"
                    ))
                } else {
                    Ok(())
                }
            },
        )
        .await
        .map_err(partial)?;
    }
    let suspended = p.list_str("suspended_processes");
    if !suspended.is_empty() {
        c.autoscaling()
            .suspend_processes()
            .auto_scaling_group_name(&name)
            .set_scaling_processes(Some(suspended))
            .send()
            .await
            .map_err(|e| partial(sdk("autoscaling:SuspendProcesses", e)))?;
    }
    let metrics = p.list_str("enabled_metrics");
    if !metrics.is_empty() {
        c.autoscaling()
            .enable_metrics_collection()
            .auto_scaling_group_name(&name)
            .granularity(p.str("metrics_granularity").unwrap_or(DEFAULT_GRANULARITY))
            .set_metrics(Some(metrics))
            .send()
            .await
            .map_err(|e| partial(sdk("autoscaling:EnableMetricsCollection", e)))?;
    }
    Ok(name)
}

fn changed(o: &Obj, p: &Obj, k: &str) -> bool {
    match (o.0.get_attr(k), p.0.get_attr(k)) {
        (Some(a), Some(b)) => b.is_known() && !a.raw_equal(b),
        (None, Some(b)) => !b.is_null(),
        _ => false,
    }
}

fn set_diff(o: &Obj, p: &Obj, k: &str) -> (Vec<String>, Vec<String>) {
    let old: BTreeSet<String> = o.list_str(k).into_iter().collect();
    let new: BTreeSet<String> = p.list_str(k).into_iter().collect();
    (
        old.difference(&new).cloned().collect(),
        new.difference(&old).cloned().collect(),
    )
}

/// Waits until no target group (or classic load balancer) of the group is
/// still being added or removed.
async fn wait_attachments(c: &Ctx, name: &str, target_groups: bool) -> Result<()> {
    let what = format!("Auto Scaling Group ({name}) load balancer attachments");
    until(&what, UPDATE_TIMEOUT, || async {
        let states: Vec<String> = if target_groups {
            let out = c
                .autoscaling()
                .describe_load_balancer_target_groups()
                .auto_scaling_group_name(name)
                .send()
                .await
                .map_err(|e| sdk("autoscaling:DescribeLoadBalancerTargetGroups", e))?;
            out.load_balancer_target_groups()
                .iter()
                .filter_map(|s| s.state().map(String::from))
                .collect()
        } else {
            let out = c
                .autoscaling()
                .describe_load_balancers()
                .auto_scaling_group_name(name)
                .send()
                .await
                .map_err(|e| sdk("autoscaling:DescribeLoadBalancers", e))?;
            out.load_balancers()
                .iter()
                .filter_map(|s| s.state().map(String::from))
                .collect()
        };
        Ok(
            match states
                .iter()
                .find(|s| matches!(s.as_str(), "Adding" | "Removing"))
            {
                Some(s) => Poll::Pending(s.clone()),
                None => Poll::Ready(()),
            },
        )
    })
    .await
}

async fn update_group(c: &Ctx, prior: &Value, plan: &Value) -> Result<()> {
    let o = Obj(prior);
    let p = Obj(plan);
    let name = o.id().to_string();
    let started = SystemTime::now();
    let ch = |k: &str| changed(&o, &p, k);
    let mut wait_for_capacity = false;

    let group_fields = [
        "availability_zones",
        "capacity_rebalance",
        "context",
        "default_cooldown",
        "default_instance_warmup",
        "desired_capacity",
        "desired_capacity_type",
        "health_check_grace_period",
        "health_check_type",
        "launch_configuration",
        "launch_template",
        "max_instance_lifetime",
        "max_size",
        "min_size",
        "placement_group",
        "protect_from_scale_in",
        "service_linked_role_arn",
        "termination_policies",
        "vpc_zone_identifier",
    ];
    if group_fields.iter().any(|k| ch(k)) {
        let mut req = c
            .autoscaling()
            .update_auto_scaling_group()
            .auto_scaling_group_name(&name)
            .new_instances_protected_from_scale_in(p.flag("protect_from_scale_in"));
        if ch("availability_zones") {
            req = req.set_availability_zones(
                Some(p.list_str("availability_zones")).filter(|v| !v.is_empty()),
            );
        }
        if ch("capacity_rebalance") {
            // Left out, it must be set back explicitly.
            req = req.capacity_rebalance(p.flag("capacity_rebalance"));
        }
        if ch("context") {
            req = req.context(p.str("context").unwrap_or_default());
        }
        if ch("default_cooldown") {
            req = req.set_default_cooldown(p.i32("default_cooldown"));
        }
        if ch("default_instance_warmup") {
            req = req.default_instance_warmup(p.i32("default_instance_warmup").unwrap_or(0));
        }
        if ch("desired_capacity") {
            req = req.set_desired_capacity(p.i32("desired_capacity"));
            wait_for_capacity = true;
        }
        if ch("desired_capacity_type") {
            req = req.desired_capacity_type(p.str("desired_capacity_type").unwrap_or_default());
            wait_for_capacity = true;
        }
        if ch("health_check_grace_period") || ch("health_check_type") {
            req = req.set_health_check_grace_period(p.i32("health_check_grace_period"));
        }
        if ch("health_check_type") {
            req = req.set_health_check_type(p.string("health_check_type"));
        }
        if ch("launch_configuration") {
            req = req.set_launch_configuration_name(
                p.string("launch_configuration").filter(|v| !v.is_empty()),
            );
        }
        if ch("launch_template") {
            if let Some(lt) = p.block("launch_template") {
                req = req.launch_template(launch_template_spec(&lt));
            }
        }
        if ch("max_instance_lifetime") {
            req = req.max_instance_lifetime(p.i32("max_instance_lifetime").unwrap_or(0));
        }
        if ch("max_size") {
            req = req.set_max_size(p.i32("max_size"));
        }
        if ch("min_size") {
            req = req.set_min_size(p.i32("min_size"));
            wait_for_capacity = true;
        }
        if ch("placement_group") {
            req = req.placement_group(p.str("placement_group").unwrap_or_default());
        }
        if ch("service_linked_role_arn") {
            req = req.service_linked_role_arn(p.str("service_linked_role_arn").unwrap_or_default());
        }
        if ch("termination_policies") {
            // Left out, it must be set back to the default explicitly.
            let policies = p.list_str("termination_policies");
            req = req.set_termination_policies(Some(if policies.is_empty() {
                vec![DEFAULT_TERMINATION_POLICY.to_string()]
            } else {
                policies
            }));
        }
        if ch("vpc_zone_identifier") {
            req = req.vpc_zone_identifier(p.list_str("vpc_zone_identifier").join(","));
        }
        req.send()
            .await
            .map_err(|e| sdk("autoscaling:UpdateAutoScalingGroup", e))?;
    }

    if ch("tag") {
        let old = tags_of(&o);
        let new = tags_of(&p);
        let removed: Vec<Tag> = old
            .keys()
            .filter(|k| !new.contains_key(*k))
            .map(|k| api_tag(&name, k, None))
            .collect();
        if !removed.is_empty() {
            c.autoscaling()
                .delete_tags()
                .set_tags(Some(removed))
                .send()
                .await
                .map_err(|e| sdk("autoscaling:DeleteTags", e))?;
        }
        let upserts: Vec<Tag> = new
            .iter()
            .filter(|(k, v)| old.get(*k) != Some(*v))
            .map(|(k, (v, prop))| api_tag(&name, k, Some((v, *prop))))
            .collect();
        if !upserts.is_empty() {
            c.autoscaling()
                .create_or_update_tags()
                .set_tags(Some(upserts))
                .send()
                .await
                .map_err(|e| sdk("autoscaling:CreateOrUpdateTags", e))?;
        }
    }

    if ch("load_balancers") {
        let (removed, added) = set_diff(&o, &p, "load_balancers");
        // The API takes at most 10 at a time.
        for chunk in removed.chunks(10) {
            c.autoscaling()
                .detach_load_balancers()
                .auto_scaling_group_name(&name)
                .set_load_balancer_names(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| sdk("autoscaling:DetachLoadBalancers", e))?;
            wait_attachments(c, &name, false).await?;
        }
        for chunk in added.chunks(10) {
            c.autoscaling()
                .attach_load_balancers()
                .auto_scaling_group_name(&name)
                .set_load_balancer_names(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| sdk("autoscaling:AttachLoadBalancers", e))?;
            wait_attachments(c, &name, false).await?;
        }
    }
    if ch("target_group_arns") {
        let (removed, added) = set_diff(&o, &p, "target_group_arns");
        for chunk in removed.chunks(10) {
            c.autoscaling()
                .detach_load_balancer_target_groups()
                .auto_scaling_group_name(&name)
                .set_target_group_arns(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| sdk("autoscaling:DetachLoadBalancerTargetGroups", e))?;
            wait_attachments(c, &name, true).await?;
        }
        for chunk in added.chunks(10) {
            c.autoscaling()
                .attach_load_balancer_target_groups()
                .auto_scaling_group_name(&name)
                .set_target_group_arns(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| sdk("autoscaling:AttachLoadBalancerTargetGroups", e))?;
            wait_attachments(c, &name, true).await?;
        }
    }

    if wait_for_capacity {
        let timeout = capacity_timeout(&p)?;
        if !timeout.is_zero() {
            // On update every target is exact.
            let min = p.i64("min_size").unwrap_or(0);
            let want = p.i64("desired_capacity").unwrap_or(0).max(min).max(0) as usize;
            let want_elb = p.i64("wait_for_elb_capacity").unwrap_or(0).max(0) as usize;
            wait_capacity(
                c,
                &name,
                started,
                p.flag("ignore_failed_scaling_activities"),
                timeout,
                |n_asg, n_elb| {
                    if n_asg != want {
                        Err(format!(
                            "want exactly {want} healthy instance(s) in Auto Scaling Group, have {n_asg}"
                        ))
                    } else if want_elb > 0 && n_elb != want_elb {
                        Err(format!(
                            "want exactly {want_elb} healthy instance(s) registered to Load Balancer, have {n_elb}"
                        ))
                    } else {
                        Ok(())
                    }
                },
            )
            .await?;
        }
    }

    if ch("enabled_metrics") || ch("metrics_granularity") {
        let (removed, mut added) = set_diff(&o, &p, "enabled_metrics");
        if ch("metrics_granularity") {
            // A new granularity applies to every metric collected.
            added = p.list_str("enabled_metrics");
        }
        if !removed.is_empty() {
            c.autoscaling()
                .disable_metrics_collection()
                .auto_scaling_group_name(&name)
                .set_metrics(Some(removed))
                .send()
                .await
                .map_err(|e| sdk("autoscaling:DisableMetricsCollection", e))?;
        }
        if !added.is_empty() {
            c.autoscaling()
                .enable_metrics_collection()
                .auto_scaling_group_name(&name)
                .granularity(p.str("metrics_granularity").unwrap_or(DEFAULT_GRANULARITY))
                .set_metrics(Some(added))
                .send()
                .await
                .map_err(|e| sdk("autoscaling:EnableMetricsCollection", e))?;
        }
    }
    if ch("suspended_processes") {
        let (resumed, suspended) = set_diff(&o, &p, "suspended_processes");
        if !resumed.is_empty() {
            c.autoscaling()
                .resume_processes()
                .auto_scaling_group_name(&name)
                .set_scaling_processes(Some(resumed))
                .send()
                .await
                .map_err(|e| sdk("autoscaling:ResumeProcesses", e))?;
        }
        if !suspended.is_empty() {
            c.autoscaling()
                .suspend_processes()
                .auto_scaling_group_name(&name)
                .set_scaling_processes(Some(suspended))
                .send()
                .await
                .map_err(|e| sdk("autoscaling:SuspendProcesses", e))?;
        }
    }
    Ok(())
}

/// Scales the group to nothing and waits for its instances to be gone.
async fn drain(c: &Ctx, name: &str, g: &AutoScalingGroup) -> Result<()> {
    c.autoscaling()
        .update_auto_scaling_group()
        .auto_scaling_group_name(name)
        .min_size(0)
        .max_size(0)
        .desired_capacity(0)
        .send()
        .await
        .map_err(|e| sdk("autoscaling:UpdateAutoScalingGroup", e))?;
    // Scale-in protection would keep instances; the group's own setting
    // only affects new instances.
    let protected: Vec<String> = g
        .instances()
        .iter()
        .filter(|i| i.protected_from_scale_in() == Some(true))
        .filter_map(|i| i.instance_id().map(String::from))
        .collect();
    for chunk in protected.chunks(50) {
        c.autoscaling()
            .set_instance_protection()
            .auto_scaling_group_name(name)
            .set_instance_ids(Some(chunk.to_vec()))
            .protected_from_scale_in(false)
            .send()
            .await
            .map_err(|e| sdk("autoscaling:SetInstanceProtection", e))?;
    }
    until(
        &format!("Auto Scaling Group ({name}) to drain"),
        DELETE_TIMEOUT,
        || async {
            Ok(match find(c, name).await? {
                Some(g) if !g.instances().is_empty() => {
                    Poll::Pending(format!("{} instance(s) left", g.instances().len()))
                }
                _ => Poll::Ready(()),
            })
        },
    )
    .await
}

impl Resource for Group {
    fn name(&self) -> &'static str {
        "aws_autoscaling_group"
    }

    fn schema(&self) -> Schema {
        Schema::new(block())
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        match c.run(create_group(c, plan)) {
            Ok(name) => match c.run(read_group(c, &name, plan)) {
                Ok(Some(v)) => Outcome::Done(v),
                Ok(None) => Outcome::Failed(Error::new(
                    "Auto Scaling Group not found after creation",
                    format!("Auto Scaling Group {name} disappeared."),
                )),
                Err(e) => Outcome::Partial(
                    State::from(&block(), plan)
                        .set("id", name.clone())
                        .set("name", name)
                        .build(),
                    e,
                ),
            },
            Err((Some(name), e)) => {
                let state = c
                    .run(read_group(c, &name, plan))
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| {
                        State::from(&block(), plan)
                            .set("id", name.clone())
                            .set("name", name)
                            .build()
                    });
                Outcome::Partial(state, e)
            }
            Err((None, e)) => Outcome::Failed(e),
        }
    }

    /// The ID is the group name.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        match Obj(planned).str("name") {
            Some(id) => crate::read_as(self, c, planned, id),
            None => Ok(None),
        }
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let name = Obj(state).id().to_string();
        c.run(read_group(c, &name, state))
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let name = Obj(prior).id().to_string();
        let done = c.run(update_group(c, prior, plan));
        let state = c.run(read_group(c, &name, plan));
        match (done, state) {
            (Ok(()), Ok(Some(v))) => Outcome::Done(v),
            (Ok(()), Ok(None)) => Outcome::Failed(Error::new(
                "Auto Scaling Group not found after update",
                format!("Auto Scaling Group {name} disappeared."),
            )),
            (Ok(()), Err(e)) => Outcome::Failed(e),
            (Err(e), Ok(Some(v))) => Outcome::Partial(v, e),
            (Err(e), _) => Outcome::Failed(e),
        }
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        let name = s.id().to_string();
        let force = s.flag("force_delete");
        c.run(async {
            let Some(g) = find(c, &name).await? else {
                return Ok(());
            };
            if !force {
                drain(c, &name, &g).await?;
            }
            let r = retry_eventual(
                DELETE_TIMEOUT,
                &["ResourceInUse", "ScalingActivityInProgress"],
                || async {
                    c.autoscaling()
                        .delete_auto_scaling_group()
                        .auto_scaling_group_name(&name)
                        .force_delete(force)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk("autoscaling:DeleteAutoScalingGroup", e))
                },
            )
            .await;
            match r {
                Err(e) if is_missing(&e) => return Ok(()),
                other => other?,
            }
            until(
                &format!("Auto Scaling Group ({name}) to be deleted"),
                DELETE_TIMEOUT,
                || async {
                    Ok(match find(c, &name).await? {
                        Some(g) => Poll::Pending(g.status().unwrap_or("deleting").to_string()),
                        None => Poll::Ready(()),
                    })
                },
            )
            .await
        })
    }

    fn validate(&self, config: &Value) -> Diags {
        [
            conflicts(config, "name", "name_prefix"),
            conflicts(config, "availability_zones", "vpc_zone_identifier"),
            exactly_one_of(config, &["launch_configuration", "launch_template"]),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        let planned = keep_zero_values(&block(), prior, planned);
        let Value::Object(mut m) = planned else {
            return planned;
        };
        let lt_configured = m
            .get("launch_template")
            .and_then(Value::length)
            .unwrap_or(0)
            > 0;
        let lc_configured = m.get("launch_configuration").is_some_and(|v| !v.is_null());
        if !lt_configured && !lc_configured && !prior.is_null() {
            // Computed: a template left out keeps what the group has.
            if let Some(p) = prior.get_attr("launch_template") {
                m.insert("launch_template".into(), p.clone());
            }
        }
        if lt_configured && !prior.is_null() {
            // Naming the template another way makes the other unknown.
            let before = prior
                .get_attr("launch_template")
                .and_then(Value::elements)
                .and_then(|e| e.first())
                .cloned();
            if let (Some(before), Some(Value::List(t, items))) =
                (before, m.get("launch_template").cloned())
            {
                let items = items
                    .into_iter()
                    .map(|item| {
                        let Value::Object(mut lt) = item else {
                            return item;
                        };
                        let differs = |k: &str| {
                            lt.get(k)
                                .zip(before.get_attr(k))
                                .is_some_and(|(a, b)| a.is_known() && !a.raw_equal(b))
                        };
                        if differs("name") {
                            lt.insert("id".into(), Value::Unknown(Type::String));
                        } else if differs("id") {
                            lt.insert("name".into(), Value::Unknown(Type::String));
                        }
                        Value::Object(lt)
                    })
                    .collect();
                m.insert("launch_template".into(), Value::List(t, items));
            }
        }
        Value::Object(m)
    }
}
