//! aws_security_group
//!
//! `ingress` and `egress` are attributes that configurations write as
//! blocks ("attributes as blocks"): optional and computed, so that a group
//! whose configuration sets none keeps the rules that separate
//! `aws_security_group_rule` resources add, while `ingress = []` removes
//! them all. As in hashicorp/aws, creating a group revokes the allow-all
//! egress rule AWS adds to every new group; only configured egress stays.

use super::{tag_map, tag_specs, timeouts_block, update_tags};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::schema::with_tags;
use crate::service::{generated_name, name_prefix_from_name, plan_tags_all, tags_state};
use crate::wait::{retry_eventual, until, Poll};
use crate::{Outcome, Resource};
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType, SecurityGroup as Group,
    UserIdGroupPair,
};
use std::collections::BTreeMap;
use std::time::Duration;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct SecurityGroup;

const DEFAULT_DESCRIPTION: &str = "Managed by Terraform";

/// The object type of one `ingress` or `egress` rule.
pub fn rule_type() -> Type {
    Type::object(
        [
            ("cidr_blocks", Type::list(Type::String)),
            ("description", Type::String),
            ("from_port", Type::Number),
            ("ipv6_cidr_blocks", Type::list(Type::String)),
            ("prefix_list_ids", Type::list(Type::String)),
            ("protocol", Type::String),
            ("security_groups", Type::set(Type::String)),
            ("self", Type::Bool),
            ("to_port", Type::Number),
        ]
        .into_iter()
        .map(|(k, t)| (k.to_string(), t))
        .collect(),
    )
}

fn block() -> Block {
    timeouts_block(
        with_tags(
            Block::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("arn", Attribute::computed(Type::String))
                .attr(
                    "description",
                    Attribute::optional(Type::String)
                        .force_new()
                        .default(Value::string(DEFAULT_DESCRIPTION)),
                )
                .attr(
                    "ingress",
                    Attribute::optional_computed(Type::set(rule_type())),
                )
                .attr(
                    "egress",
                    Attribute::optional_computed(Type::set(rule_type())),
                )
                .attr(
                    "name",
                    Attribute::optional_computed(Type::String).force_new(),
                )
                .attr(
                    "name_prefix",
                    Attribute::optional_computed(Type::String).force_new(),
                )
                .attr("owner_id", Attribute::computed(Type::String))
                .attr(
                    "revoke_rules_on_delete",
                    Attribute::optional(Type::Bool).default(Value::Bool(false)),
                )
                .attr(
                    "vpc_id",
                    Attribute::optional_computed(Type::String).force_new(),
                ),
        ),
        &["create", "delete"],
    )
}

/// A protocol as the provider stores it: `-1` for all, names for the
/// protocols security groups know by name, other numbers as given.
pub fn protocol_for_value(v: &str) -> String {
    let p = v.to_lowercase();
    match p.as_str() {
        "-1" | "all" => "-1".into(),
        "icmpv6" | "udp" | "tcp" | "icmp" => p,
        _ => match p.parse::<i64>() {
            Ok(58) => "icmpv6".into(),
            Ok(17) => "udp".into(),
            Ok(6) => "tcp".into(),
            Ok(1) => "icmp".into(),
            Ok(-1) => "-1".into(),
            _ => p,
        },
    }
}

/// The security group, or `None` when it does not exist.
pub async fn find_group(c: &Ctx, id: &str) -> Result<Option<Group>> {
    let out = found(
        c.ec2()
            .describe_security_groups()
            .group_ids(id)
            .send()
            .await
            .map_err(|e| sdk("ec2:DescribeSecurityGroups", e)),
    )?;
    Ok(out.and_then(|o| {
        o.security_groups()
            .iter()
            .find(|g| g.group_id() == Some(id))
            .cloned()
    }))
}

pub fn group_arn(c: &Ctx, owner: &str, id: &str) -> String {
    format!(
        "arn:{}:ec2:{}:{owner}:security-group/{id}",
        c.partition(),
        c.region
    )
}

/// One rule of the `ingress` or `egress` set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rule {
    pub protocol: String,
    pub from_port: i64,
    pub to_port: i64,
    pub description: String,
    pub cidr_blocks: Vec<String>,
    pub ipv6_cidr_blocks: Vec<String>,
    pub prefix_list_ids: Vec<String>,
    /// A set: kept sorted.
    pub security_groups: Vec<String>,
    pub self_: bool,
}

impl Rule {
    fn from_obj(o: Obj) -> Rule {
        let mut sgs = o.list_str("security_groups");
        sgs.sort();
        sgs.dedup();
        Rule {
            protocol: protocol_for_value(o.str("protocol").unwrap_or_default()),
            from_port: o.i64("from_port").unwrap_or(0),
            to_port: o.i64("to_port").unwrap_or(0),
            description: o.string("description").unwrap_or_default(),
            cidr_blocks: o.list_str("cidr_blocks"),
            ipv6_cidr_blocks: o.list_str("ipv6_cidr_blocks"),
            prefix_list_ids: o.list_str("prefix_list_ids"),
            security_groups: sgs,
            self_: o.flag("self"),
        }
    }

    fn to_value(&self) -> Value {
        let strings = |v: &[String]| {
            Value::List(
                Type::String,
                v.iter().map(|s| Value::string(s.clone())).collect(),
            )
        };
        Value::Object(
            [
                ("cidr_blocks", strings(&self.cidr_blocks)),
                ("description", Value::string(self.description.clone())),
                ("from_port", Value::int(self.from_port)),
                ("ipv6_cidr_blocks", strings(&self.ipv6_cidr_blocks)),
                ("prefix_list_ids", strings(&self.prefix_list_ids)),
                ("protocol", Value::string(self.protocol.clone())),
                (
                    "security_groups",
                    Value::set(
                        Type::String,
                        self.security_groups
                            .iter()
                            .map(|s| Value::string(s.clone()))
                            .collect(),
                    ),
                ),
                ("self", Value::Bool(self.self_)),
                ("to_port", Value::int(self.to_port)),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        )
    }

    fn sources(&self) -> usize {
        self.cidr_blocks.len()
            + self.ipv6_cidr_blocks.len()
            + self.prefix_list_ids.len()
            + self.security_groups.len()
            + usize::from(self.self_)
    }

    /// The same rule with one source, for diffs by source.
    fn single(&self) -> Rule {
        Rule {
            protocol: self.protocol.clone(),
            from_port: self.from_port,
            to_port: self.to_port,
            description: self.description.clone(),
            ..Rule::default()
        }
    }
}

fn rules_of(v: &Value, key: &str) -> Vec<Rule> {
    Obj(v).blocks(key).into_iter().map(Rule::from_obj).collect()
}

fn rule_set(rules: &[Rule]) -> Value {
    Value::set(rule_type(), rules.iter().map(Rule::to_value).collect())
}

/// The rule for a protocol, ports and description, added if new.
fn rule_index(
    rules: &mut Vec<Rule>,
    (protocol, from, to): (&str, i64, i64),
    desc: Option<&str>,
) -> usize {
    let desc = desc.unwrap_or_default();
    if let Some(i) = rules.iter().position(|r| {
        r.protocol == protocol && r.from_port == from && r.to_port == to && r.description == desc
    }) {
        return i;
    }
    rules.push(Rule {
        protocol: protocol.to_string(),
        from_port: from,
        to_port: to,
        description: desc.to_string(),
        ..Rule::default()
    });
    rules.len() - 1
}

/// The rules of EC2 permissions, one per protocol, ports and description
/// (the provider's `securityGroupIPPermGather`).
fn gather(group_id: &str, perms: &[IpPermission], owner: &str) -> Vec<Rule> {
    let mut rules: Vec<Rule> = Vec::new();
    for perm in perms {
        let protocol = protocol_for_value(perm.ip_protocol().unwrap_or_default());
        let from = perm.from_port().map(i64::from).unwrap_or(0);
        let to = perm.to_port().map(i64::from).unwrap_or(0);
        let key = (protocol.as_str(), from, to);
        for r in perm.ip_ranges() {
            let i = rule_index(&mut rules, key, r.description());
            rules[i]
                .cidr_blocks
                .push(r.cidr_ip().unwrap_or_default().to_string());
        }
        for r in perm.ipv6_ranges() {
            let i = rule_index(&mut rules, key, r.description());
            rules[i]
                .ipv6_cidr_blocks
                .push(r.cidr_ipv6().unwrap_or_default().to_string());
        }
        for p in perm.prefix_list_ids() {
            let i = rule_index(&mut rules, key, p.description());
            rules[i]
                .prefix_list_ids
                .push(p.prefix_list_id().unwrap_or_default().to_string());
        }
        for g in perm.user_id_group_pairs() {
            let i = rule_index(&mut rules, key, g.description());
            let gid = g.group_id().unwrap_or_default();
            let id = match g.user_id() {
                Some(u) if !u.is_empty() && u != owner => format!("{u}/{gid}"),
                _ => gid.to_string(),
            };
            if id == group_id {
                rules[i].self_ = true;
            } else if !rules[i].security_groups.contains(&id) {
                rules[i].security_groups.push(id);
                rules[i].security_groups.sort();
            }
        }
    }
    rules
}

fn covers(remote: &[String], local: &[String]) -> bool {
    local.iter().all(|l| remote.contains(l))
}

/// Matches the rules in state against the rules AWS reports, as the
/// provider's `matchRules` does: a rule in state stays as written while
/// AWS has all of its sources (AWS groups them differently); what AWS has
/// beyond that comes back as rules of their own.
fn match_rules(local: &[Rule], mut remote: Vec<Rule>) -> Vec<Rule> {
    let mut saves: Vec<Rule> = Vec::new();
    for l in local {
        for r in remote.iter_mut() {
            let same_kind = l.protocol == r.protocol
                && l.from_port == r.from_port
                && l.to_port == r.to_port
                && l.self_ == r.self_;
            if !same_kind
                || !covers(&r.cidr_blocks, &l.cidr_blocks)
                || !covers(&r.ipv6_cidr_blocks, &l.ipv6_cidr_blocks)
                || !covers(&r.prefix_list_ids, &l.prefix_list_ids)
                || !covers(&r.security_groups, &l.security_groups)
            {
                continue;
            }
            r.self_ = false;
            r.cidr_blocks.retain(|c| !l.cidr_blocks.contains(c));
            r.ipv6_cidr_blocks
                .retain(|c| !l.ipv6_cidr_blocks.contains(c));
            r.prefix_list_ids.retain(|c| !l.prefix_list_ids.contains(c));
            r.security_groups.retain(|c| !l.security_groups.contains(c));
            let mut kept = l.clone();
            if !r.description.is_empty() {
                kept.description = r.description.clone();
            }
            if !saves.contains(&kept) {
                saves.push(kept);
            }
        }
    }
    saves.extend(remote.into_iter().filter(|r| r.sources() > 0));
    saves
}

/// Every rule split into rules of one source each (the provider's
/// `securityGroupExpandRules`), so that a change touches only the sources
/// that changed.
fn expand(rules: &[Rule]) -> Vec<Rule> {
    let mut out: Vec<Rule> = Vec::new();
    let mut add = |r: Rule| {
        if !out.contains(&r) {
            out.push(r);
        }
    };
    for r in rules {
        if r.self_ {
            add(Rule {
                self_: true,
                ..r.single()
            });
        }
        for c in &r.cidr_blocks {
            add(Rule {
                cidr_blocks: vec![c.clone()],
                ..r.single()
            });
        }
        for c in &r.ipv6_cidr_blocks {
            add(Rule {
                ipv6_cidr_blocks: vec![c.clone()],
                ..r.single()
            });
        }
        for p in &r.prefix_list_ids {
            add(Rule {
                prefix_list_ids: vec![p.clone()],
                ..r.single()
            });
        }
        for g in &r.security_groups {
            add(Rule {
                security_groups: vec![g.clone()],
                ..r.single()
            });
        }
    }
    out
}

/// Rules of one source grouped back by protocol, ports and description
/// (`securityGroupCollapseRules`), for fewer API calls.
fn collapse(rules: Vec<Rule>) -> Vec<Rule> {
    let mut out: Vec<Rule> = Vec::new();
    for r in rules {
        match out.iter_mut().find(|o| {
            o.protocol == r.protocol
                && o.from_port == r.from_port
                && o.to_port == r.to_port
                && o.description == r.description
        }) {
            Some(o) => {
                o.self_ |= r.self_;
                o.cidr_blocks.extend(r.cidr_blocks);
                o.ipv6_cidr_blocks.extend(r.ipv6_cidr_blocks);
                o.prefix_list_ids.extend(r.prefix_list_ids);
                for g in r.security_groups {
                    if !o.security_groups.contains(&g) {
                        o.security_groups.push(g);
                    }
                }
            }
            None => out.push(r),
        }
    }
    out
}

/// A rule as an EC2 permission (`expandIPPerms`).
fn permission(rule: &Rule, group_id: &str) -> Result<IpPermission> {
    let protocol = protocol_for_value(&rule.protocol);
    let mut b = IpPermission::builder().ip_protocol(&protocol);
    if protocol != "-1" {
        b = b
            .from_port(rule.from_port as i32)
            .to_port(rule.to_port as i32);
    } else if rule.from_port != 0 || rule.to_port != 0 {
        // AWS stores no ports for "-1" and ignores any given; make the
        // choice explicit, as the provider does.
        return Err(Error::new(
            format!(
                "from_port ({}) and to_port ({}) must both be 0 to use the 'ALL' \"-1\" protocol!",
                rule.from_port, rule.to_port
            ),
            "",
        ));
    }
    let desc = Some(rule.description.clone()).filter(|d| !d.is_empty());
    let mut groups = rule.security_groups.clone();
    if rule.self_ {
        groups.push(group_id.to_string());
    }
    for g in groups {
        let pair = match g.split_once('/') {
            Some((owner, id)) => UserIdGroupPair::builder().group_id(id).user_id(owner),
            None => UserIdGroupPair::builder().group_id(g),
        };
        b = b.user_id_group_pairs(pair.set_description(desc.clone()).build());
    }
    for c in &rule.cidr_blocks {
        b = b.ip_ranges(
            IpRange::builder()
                .cidr_ip(c)
                .set_description(desc.clone())
                .build(),
        );
    }
    for c in &rule.ipv6_cidr_blocks {
        b = b.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(c)
                .set_description(desc.clone())
                .build(),
        );
    }
    for p in &rule.prefix_list_ids {
        b = b.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(p)
                .set_description(desc.clone())
                .build(),
        );
    }
    Ok(b.build())
}

/// Makes a group's `kind` rules go from `old` to `new`: revokes what went
/// away, then authorizes what is new.
async fn update_rules(
    c: &Ctx,
    group_id: &str,
    kind: &str,
    old: &[Rule],
    new: &[Rule],
) -> Result<()> {
    let (os, ns) = (expand(old), expand(new));
    let del: Vec<Rule> = os.iter().filter(|r| !ns.contains(r)).cloned().collect();
    let add: Vec<Rule> = ns.iter().filter(|r| !os.contains(r)).cloned().collect();
    let perms = |rules: Vec<Rule>| -> Result<Vec<IpPermission>> {
        collapse(rules)
            .iter()
            .map(|r| permission(r, group_id))
            .collect()
    };
    let (del, add) = (perms(del)?, perms(add)?);
    let egress = kind == "egress";
    if !del.is_empty() {
        let r = if egress {
            c.ec2()
                .revoke_security_group_egress()
                .group_id(group_id)
                .set_ip_permissions(Some(del))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk("ec2:RevokeSecurityGroupEgress", e))
        } else {
            c.ec2()
                .revoke_security_group_ingress()
                .group_id(group_id)
                .set_ip_permissions(Some(del))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk("ec2:RevokeSecurityGroupIngress", e))
        };
        r.map_err(|e| e.context(format!("revoking Security Group ({kind}) rules")))?;
    }
    if !add.is_empty() {
        let r = if egress {
            c.ec2()
                .authorize_security_group_egress()
                .group_id(group_id)
                .set_ip_permissions(Some(add))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk("ec2:AuthorizeSecurityGroupEgress", e))
        } else {
            c.ec2()
                .authorize_security_group_ingress()
                .group_id(group_id)
                .set_ip_permissions(Some(add))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk("ec2:AuthorizeSecurityGroupIngress", e))
        };
        r.map_err(|e| e.context(format!("authorizing Security Group ({kind}) rules")))?;
    }
    Ok(())
}

/// The rules the plan sets for `kind`, if it sets them (unset means
/// "keep what AWS has").
fn planned_rules(plan: &Value, kind: &str) -> Option<Vec<Rule>> {
    let v = plan.get_attr(kind)?;
    if v.is_null() || !v.is_wholly_known() {
        return None;
    }
    Some(rules_of(plan, kind))
}

fn state_of(c: &Ctx, base: &Value, g: &Group) -> Value {
    let id = g.group_id().unwrap_or_default().to_string();
    let owner = g.owner_id().unwrap_or_default().to_string();
    let name = g.group_name().unwrap_or_default().to_string();
    let ingress = match_rules(
        &rules_of(base, "ingress"),
        gather(&id, g.ip_permissions(), &owner),
    );
    let egress = match_rules(
        &rules_of(base, "egress"),
        gather(&id, g.ip_permissions_egress(), &owner),
    );
    let (tags, tags_all) = tags_state(c, base, tag_map(g.tags()));
    State::from(&block(), base)
        .set("id", id.clone())
        .set("arn", group_arn(c, &owner, &id))
        .set("description", g.description().map(String::from))
        .set("name", name.clone())
        .set("name_prefix", name_prefix_from_name(&name))
        .set("owner_id", owner)
        .set("vpc_id", g.vpc_id().map(String::from))
        .set("ingress", rule_set(&ingress))
        .set("egress", rule_set(&egress))
        .set(
            "revoke_rules_on_delete",
            Obj(base).bool("revoke_rules_on_delete").unwrap_or(false),
        )
        .set("tags", tags)
        .set("tags_all", tags_all)
        .build()
}

async fn read_group(c: &Ctx, base: &Value, id: &str) -> Result<Value> {
    let g = find_group(c, id)
        .await?
        .ok_or_else(|| Error::new(format!("reading Security Group ({id})"), "not found"))?;
    Ok(state_of(c, base, &g))
}

/// What AWS answers when a group has no default IPv6 egress rule to revoke.
fn no_default_ipv6_rule(e: &Error) -> bool {
    e.has_code("InvalidPermission.NotFound")
        || (e.has_code("InvalidParameterValue") && e.detail.contains("remote-ipv6-range"))
}

/// Revokes the default allow-all egress rules of a new group.
async fn revoke_default_egress(c: &Ctx, id: &str) -> Result<()> {
    let all = |b: aws_sdk_ec2::types::builders::IpPermissionBuilder| {
        b.ip_protocol("-1").from_port(0).to_port(0).build()
    };
    let v4 =
        all(IpPermission::builder().ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build()));
    match c
        .ec2()
        .revoke_security_group_egress()
        .group_id(id)
        .ip_permissions(v4)
        .send()
        .await
        .map_err(|e| sdk("ec2:RevokeSecurityGroupEgress", e))
    {
        Err(e) if !e.has_code("InvalidPermission.NotFound") => {
            return Err(e.context(format!(
                "revoking default IPv4 egress rule for Security Group ({id})"
            )))
        }
        _ => {}
    }
    let v6 =
        all(IpPermission::builder().ipv6_ranges(Ipv6Range::builder().cidr_ipv6("::/0").build()));
    match c
        .ec2()
        .revoke_security_group_egress()
        .group_id(id)
        .ip_permissions(v6)
        .send()
        .await
        .map_err(|e| sdk("ec2:RevokeSecurityGroupEgress", e))
    {
        // A group in a VPC without IPv6 has no such rule.
        Err(e) if !no_default_ipv6_rule(&e) => Err(e.context(format!(
            "revoking default IPv6 egress rule for Security Group ({id})"
        ))),
        _ => Ok(()),
    }
}

/// Revokes the group's rules and the rules of other groups that refer to
/// it (`forceRevokeSecurityGroupRules`); with `search_all`, looks through
/// every group, not only those the group refers to.
async fn force_revoke_rules(c: &Ctx, id: &str, search_all: bool) -> Result<()> {
    let mut req = c.ec2().describe_security_group_rules();
    if !search_all {
        let mut related = vec![id.to_string()];
        if let Some(g) = find_group(c, id).await? {
            for p in g.ip_permissions().iter().chain(g.ip_permissions_egress()) {
                for pair in p.user_id_group_pairs() {
                    if let Some(gid) = pair.group_id() {
                        if !related.iter().any(|r| r == gid) {
                            related.push(gid.to_string());
                        }
                    }
                }
            }
        }
        req = req.filters(
            aws_sdk_ec2::types::Filter::builder()
                .name("group-id")
                .set_values(Some(related))
                .build(),
        );
    }
    let mut rules = Vec::new();
    let mut pages = req.into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk("ec2:DescribeSecurityGroupRules", e))?;
        rules.extend(page.security_group_rules().iter().cloned());
    }
    for rule in rules {
        let touches = rule.group_id() == Some(id)
            || rule
                .referenced_group_info()
                .and_then(|g| g.group_id())
                .is_some_and(|g| g == id);
        let (Some(gid), Some(rid), true) =
            (rule.group_id(), rule.security_group_rule_id(), touches)
        else {
            continue;
        };
        let r = if rule.is_egress().unwrap_or(false) {
            c.ec2()
                .revoke_security_group_egress()
                .group_id(gid)
                .security_group_rule_ids(rid)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk("ec2:RevokeSecurityGroupEgress", e))
        } else {
            c.ec2()
                .revoke_security_group_ingress()
                .group_id(gid)
                .security_group_rule_ids(rid)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk("ec2:RevokeSecurityGroupIngress", e))
        };
        match r {
            Err(e) if !e.is_not_found() => {
                return Err(e.context(format!("revoking Security Group ({id}) Rule ({rid})")))
            }
            _ => {}
        }
    }
    Ok(())
}

const IN_USE: &[&str] = &["DependencyViolation", "InvalidGroup.InUse"];

async fn delete_group(c: &Ctx, id: &str, timeout: Duration) -> Result<()> {
    retry_eventual(timeout, IN_USE, || async {
        c.ec2()
            .delete_security_group()
            .group_id(id)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| sdk("ec2:DeleteSecurityGroup", e))
    })
    .await
}

impl Resource for SecurityGroup {
    fn name(&self) -> &'static str {
        "aws_security_group"
    }

    fn schema(&self) -> Schema {
        Schema {
            version: 1,
            block: block(),
        }
    }

    fn validate(&self, config: &Value) -> Diags {
        let o = Obj(config);
        let mut diags = Vec::new();
        if o.get("name").is_some() && o.get("name_prefix").is_some() {
            diags.push(Diag::error("\"name\": conflicts with name_prefix", ""));
        }
        for key in ["name", "name_prefix"] {
            if o.str(key).is_some_and(|n| n.starts_with("sg-")) {
                diags.push(Diag::error(
                    format!("invalid value for {key} (cannot begin with sg-)"),
                    "",
                ));
            }
        }
        diags
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let name = generated_name(p.str("name"), p.str("name_prefix"));
        let tags = c.tags_all(&p.map_str("tags"));
        let created = c.run(async {
            c.ec2()
                .create_security_group()
                .group_name(&name)
                .description(p.str("description").unwrap_or(DEFAULT_DESCRIPTION))
                .set_vpc_id(p.string("vpc_id"))
                .set_tag_specifications(tag_specs(ResourceType::SecurityGroup, &tags))
                .send()
                .await
                .map_err(|e| {
                    sdk("ec2:CreateSecurityGroup", e)
                        .context(format!("creating Security Group ({name})"))
                })
        });
        let id = match created {
            Ok(out) => match out.group_id() {
                Some(id) => id.to_string(),
                None => {
                    return Outcome::Failed(Error::new(
                        format!("creating Security Group ({name})"),
                        "ec2:CreateSecurityGroup returned no group ID",
                    ))
                }
            },
            Err(e) => return Outcome::Failed(e),
        };
        let partial = State::from(&block(), plan)
            .set("id", id.clone())
            .set("name", name.clone())
            .build();
        let r: Result<Value> = c.run(async {
            until(
                "the security group to exist",
                Duration::from_secs(600),
                || async {
                    Ok(match find_group(c, &id).await? {
                        Some(_) => Poll::Ready(()),
                        None => Poll::Pending("not found".into()),
                    })
                },
            )
            .await
            .map_err(|e| e.context(format!("waiting for Security Group ({id}) create")))?;
            revoke_default_egress(c, &id).await?;
            for kind in ["ingress", "egress"] {
                if let Some(rules) = planned_rules(plan, kind) {
                    update_rules(c, &id, kind, &[], &rules).await.map_err(|e| {
                        let what = e.summary.clone();
                        e.context(format!(
                            "updating Security Group ({id}) {kind} rules: {what}"
                        ))
                    })?;
                }
            }
            read_group(c, &partial, &id).await
        });
        match r {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(partial, e),
        }
    }

    /// The group is found by name in its VPC (the default VPC when none is
    /// given): names are unique per VPC.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        let p = Obj(planned);
        let Some(name) = p.str("name") else {
            return Ok(None);
        };
        let filter = |k: &str, v: &str| {
            aws_sdk_ec2::types::Filter::builder()
                .name(k)
                .values(v)
                .build()
        };
        c.run(async {
            let vpc = match p.string("vpc_id") {
                Some(v) => v,
                None => {
                    let vpcs = c
                        .ec2()
                        .describe_vpcs()
                        .filters(filter("isDefault", "true"))
                        .send()
                        .await
                        .map_err(|e| sdk("ec2:DescribeVpcs", e))?;
                    match vpcs.vpcs().first().and_then(|v| v.vpc_id()) {
                        Some(v) => v.to_string(),
                        None => return Ok(None),
                    }
                }
            };
            let out = c
                .ec2()
                .describe_security_groups()
                .filters(filter("group-name", name))
                .filters(filter("vpc-id", &vpc))
                .send()
                .await
                .map_err(|e| sdk("ec2:DescribeSecurityGroups", e))?;
            Ok(out
                .security_groups()
                .first()
                .map(|g| state_of(c, planned, g)))
        })
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let id = Obj(state).id().to_string();
        c.run(async {
            Ok(find_group(c, &id)
                .await
                .map_err(|e| e.context(format!("reading Security Group ({id})")))?
                .map(|g| state_of(c, state, &g)))
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let o = Obj(prior);
        let id = o.id().to_string();
        let tags = c.tags_all(&Obj(plan).map_str("tags"));
        let r: Result<Value> = c.run(async {
            let old_tags = o.map_str("tags_all");
            if old_tags != tags {
                update_tags(c, &id, &old_tags, &tags)
                    .await
                    .map_err(|e| e.context(format!("updating Security Group ({id}) tags")))?;
            }
            for kind in ["ingress", "egress"] {
                if let Some(new) = planned_rules(plan, kind) {
                    let old = rules_of(prior, kind);
                    if old != new {
                        update_rules(c, &id, kind, &old, &new).await.map_err(|e| {
                            let what = e.summary.clone();
                            e.context(format!(
                                "updating Security Group ({id}) {kind} rules: {what}"
                            ))
                        })?;
                    }
                }
            }
            read_group(c, plan, &id).await
        });
        match r {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(prior.clone(), e),
        }
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let o = Obj(state);
        let id = o.id().to_string();
        let revoke = o.flag("revoke_rules_on_delete");
        c.run(async {
            if revoke {
                force_revoke_rules(c, &id, false).await?;
            }
            // A short first attempt: if the group is still in use after it,
            // rules in other groups may be what holds it.
            let mut r = delete_group(c, &id, Duration::from_secs(60)).await;
            if r.as_ref()
                .err()
                .is_some_and(|e| IN_USE.iter().any(|code| e.has_code(code)))
            {
                if revoke {
                    force_revoke_rules(c, &id, true).await?;
                }
                r = delete_group(c, &id, Duration::from_secs(14 * 60)).await;
            }
            match r {
                Err(e) if e.is_not_found() => return Ok(()),
                Err(e) => return Err(e.context(format!("deleting Security Group ({id})"))),
                Ok(()) => {}
            }
            until(
                "the security group to be deleted",
                Duration::from_secs(120),
                || async {
                    Ok(match find_group(c, &id).await? {
                        None => Poll::Ready(()),
                        Some(_) => Poll::Pending("still present".into()),
                    })
                },
            )
            .await
            .map_err(|e| e.context(format!("waiting for Security Group ({id}) delete")))
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        let Value::Object(mut m) = planned else {
            return planned;
        };
        for kind in ["ingress", "egress"] {
            if let Some(v) = m.get(kind) {
                if let Some(n) = normalize_rules(v) {
                    m.insert(kind.to_string(), n);
                }
            }
        }
        plan_tags_all(prior, Value::Object(m))
    }
}

/// Configured rules as the state holds them: protocol names normalized
/// and every unset argument at its zero value (empty lists, `""`,
/// `false`), so that a rule read back from AWS plans no change.
fn normalize_rules(v: &Value) -> Option<Value> {
    let items = v.elements()?;
    let ty = rule_type();
    let Type::Object(attr_types, _) = &ty else {
        return None;
    };
    let out: Vec<Value> = items
        .iter()
        .map(|item| {
            let Some(entries) = item.entries() else {
                return item.clone();
            };
            let mut m: BTreeMap<String, Value> = entries.clone();
            for (k, t) in attr_types {
                let cur = m.get(k).cloned().unwrap_or(Value::Null(t.clone()));
                let fixed = if cur.is_null() {
                    match k.as_str() {
                        "cidr_blocks" | "ipv6_cidr_blocks" | "prefix_list_ids" => {
                            Value::List(Type::String, Vec::new())
                        }
                        "security_groups" => Value::Set(Type::String, Vec::new()),
                        "description" => Value::string(""),
                        "self" => Value::Bool(false),
                        _ => cur,
                    }
                } else if k == "protocol" {
                    match cur.as_str() {
                        Some(p) => Value::string(protocol_for_value(p)),
                        None => cur,
                    }
                } else {
                    cur
                };
                m.insert(k.clone(), fixed);
            }
            Value::Object(m)
        })
        .collect();
    Some(Value::set(ty.clone(), out))
}
