//! aws_security_group_rule
//!
//! One permission of a security group, managed apart from the group. Its
//! ID is the provider's hash of the permission (`sgrule-1377333049`), so
//! that the same configuration always names the same rule; imports take
//! `SECURITYGROUPID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE[_SOURCE]*`.

use super::security_group::{find_group, protocol_for_value};
use super::timeouts_block;
use crate::ctx::Ctx;
use crate::error::{sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::wait::{until, Poll};
use crate::{Outcome, Resource};
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, SecurityGroup as Group, UserIdGroupPair,
};
use std::time::Duration;
use tfrs_provider::provider::Diags;
use tfrs_provider::{Attribute, Block, Diag, Schema, Type, Value};

pub struct SecurityGroupRule;

fn block() -> Block {
    timeouts_block(
        Block::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("type", Attribute::required(Type::String).force_new())
            .attr("from_port", Attribute::required(Type::Number).force_new())
            .attr("to_port", Attribute::required(Type::Number).force_new())
            .attr("protocol", Attribute::required(Type::String).force_new())
            .attr(
                "cidr_blocks",
                Attribute::optional(Type::list(Type::String)).force_new(),
            )
            .attr(
                "ipv6_cidr_blocks",
                Attribute::optional(Type::list(Type::String)).force_new(),
            )
            .attr(
                "prefix_list_ids",
                Attribute::optional(Type::list(Type::String)).force_new(),
            )
            .attr(
                "security_group_id",
                Attribute::required(Type::String).force_new(),
            )
            .attr("security_group_rule_id", Attribute::computed(Type::String))
            .attr(
                "self",
                Attribute::optional(Type::Bool)
                    .force_new()
                    .default(Value::Bool(false)),
            )
            .attr(
                "source_security_group_id",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("description", Attribute::optional(Type::String)),
        &["create"],
    )
}

const SOURCES: &str = "cidr_blocks,ipv6_cidr_blocks,prefix_list_ids,self,source_security_group_id";

/// The rule's permission as EC2 takes it (`expandIPPermission`).
fn permission(o: &Obj, group: &Group) -> IpPermission {
    let protocol = protocol_for_value(o.str("protocol").unwrap_or_default());
    let mut b = IpPermission::builder().ip_protocol(&protocol);
    // AWS rejects ports with the "all protocols" rule.
    if protocol != "-1" {
        b = b
            .from_port(o.i64("from_port").unwrap_or(0) as i32)
            .to_port(o.i64("to_port").unwrap_or(0) as i32);
    }
    let desc = o.string("description").filter(|d| !d.is_empty());
    for c in o.list_str("cidr_blocks") {
        b = b.ip_ranges(
            IpRange::builder()
                .cidr_ip(c)
                .set_description(desc.clone())
                .build(),
        );
    }
    for c in o.list_str("ipv6_cidr_blocks") {
        b = b.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(c)
                .set_description(desc.clone())
                .build(),
        );
    }
    for p in o.list_str("prefix_list_ids") {
        b = b.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(p)
                .set_description(desc.clone())
                .build(),
        );
    }
    let self_id = group.group_id().unwrap_or_default();
    if o.flag("self") {
        b = b.user_id_group_pairs(
            UserIdGroupPair::builder()
                .group_id(self_id)
                .set_description(desc.clone())
                .build(),
        );
    }
    if let Some(src) = o.str("source_security_group_id").filter(|s| *s != self_id) {
        // [OwnerID/]SecurityGroupID
        let pair = match src.split_once('/') {
            Some((owner, id)) => UserIdGroupPair::builder().group_id(id).user_id(owner),
            None => UserIdGroupPair::builder().group_id(src),
        };
        b = b.user_id_group_pairs(pair.set_description(desc).build());
    }
    b.build()
}

/// The rule ID the provider derives from a permission
/// (`SecurityGroupRuleCreateID`): a CRC-32 of its parts.
pub fn rule_id(group_id: &str, kind: &str, p: &IpPermission) -> String {
    let mut buf = format!("{group_id}-");
    if let Some(f) = p.from_port().filter(|f| *f > 0) {
        buf.push_str(&format!("{f}-"));
    }
    if let Some(t) = p.to_port().filter(|t| *t > 0) {
        buf.push_str(&format!("{t}-"));
    }
    buf.push_str(&format!("{}-{kind}-", p.ip_protocol().unwrap_or_default()));
    let mut sorted = |mut v: Vec<&str>| {
        v.sort();
        for s in v {
            buf.push_str(s);
            buf.push('-');
        }
    };
    sorted(p.ip_ranges().iter().filter_map(|r| r.cidr_ip()).collect());
    sorted(
        p.ipv6_ranges()
            .iter()
            .filter_map(|r| r.cidr_ipv6())
            .collect(),
    );
    sorted(
        p.prefix_list_ids()
            .iter()
            .filter_map(|r| r.prefix_list_id())
            .collect(),
    );
    let mut pairs: Vec<&UserIdGroupPair> = p.user_id_group_pairs().iter().collect();
    pairs.sort_by(|a, b| {
        a.group_id()
            .cmp(&b.group_id())
            .then(a.group_name().cmp(&b.group_name()))
    });
    for pair in pairs {
        buf.push_str(&format!("{}-", pair.group_id().unwrap_or_default()));
        buf.push_str(&format!("{}-", pair.group_name().unwrap_or_default()));
    }
    format!("sgrule-{}", crc32(buf.as_bytes()))
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The group's permission that holds all of `p`'s sources, and the first
/// description among them (`findRuleMatch`).
fn find_match<'a>(
    p: &IpPermission,
    rules: &'a [IpPermission],
) -> Option<(&'a IpPermission, String)> {
    let mut found = None;
    for r in rules {
        if let (Some(a), Some(b)) = (p.to_port(), r.to_port()) {
            if a != b {
                continue;
            }
        }
        if let (Some(a), Some(b)) = (p.from_port(), r.from_port()) {
            if a != b {
                continue;
            }
        }
        if let (Some(a), Some(b)) = (p.ip_protocol(), r.ip_protocol()) {
            if protocol_for_value(a) != protocol_for_value(b) {
                continue;
            }
        }
        let mut desc = String::new();
        let mut note = |d: Option<&str>| {
            if let Some(d) = d.filter(|d| !d.is_empty()) {
                if desc.is_empty() {
                    desc = d.to_string();
                }
            }
        };
        let mut all = true;
        for want in p.ip_ranges() {
            match r.ip_ranges().iter().find(|x| x.cidr_ip() == want.cidr_ip()) {
                Some(x) => note(x.description()),
                None => all = false,
            }
        }
        for want in p.ipv6_ranges() {
            match r
                .ipv6_ranges()
                .iter()
                .find(|x| x.cidr_ipv6() == want.cidr_ipv6())
            {
                Some(x) => note(x.description()),
                None => all = false,
            }
        }
        for want in p.prefix_list_ids() {
            match r
                .prefix_list_ids()
                .iter()
                .find(|x| x.prefix_list_id() == want.prefix_list_id())
            {
                Some(x) => note(x.description()),
                None => all = false,
            }
        }
        for want in p.user_id_group_pairs() {
            match r
                .user_id_group_pairs()
                .iter()
                .find(|x| x.group_id().is_some() && x.group_id() == want.group_id())
            {
                Some(x) => note(x.description()),
                None => all = false,
            }
        }
        if all {
            found = Some((r, desc));
        }
    }
    found
}

fn rules_of<'a>(group: &'a Group, kind: &str) -> &'a [IpPermission] {
    if kind == "ingress" {
        group.ip_permissions()
    } else {
        group.ip_permissions_egress()
    }
}

/// The ID (`sgr-...`) of the one EC2 rule a single-source permission
/// makes, if it has one source.
async fn find_rule_id(
    c: &Ctx,
    group_id: &str,
    kind: &str,
    p: &IpPermission,
) -> Result<Option<String>> {
    let sources = p.ip_ranges().len()
        + p.ipv6_ranges().len()
        + p.prefix_list_ids().len()
        + p.user_id_group_pairs().len();
    if sources != 1 {
        return Ok(None);
    }
    let out = c
        .ec2()
        .describe_security_group_rules()
        .filters(super::filter("group-id", group_id))
        .send()
        .await
        .map_err(|e| sdk("ec2:DescribeSecurityGroupRules", e))?;
    let protocol = protocol_for_value(p.ip_protocol().unwrap_or_default());
    let ports = |v: Option<i32>| {
        if protocol == "-1" {
            -1
        } else {
            v.unwrap_or(-1)
        }
    };
    Ok(out
        .security_group_rules()
        .iter()
        .find(|r| {
            r.is_egress() == Some(kind == "egress")
                && protocol_for_value(r.ip_protocol().unwrap_or_default()) == protocol
                && (protocol == "-1"
                    || (r.from_port() == Some(ports(p.from_port()))
                        && r.to_port() == Some(ports(p.to_port()))))
                && match (
                    p.ip_ranges().first(),
                    p.ipv6_ranges().first(),
                    p.prefix_list_ids().first(),
                    p.user_id_group_pairs().first(),
                ) {
                    (Some(x), _, _, _) => r.cidr_ipv4() == x.cidr_ip(),
                    (_, Some(x), _, _) => r.cidr_ipv6() == x.cidr_ipv6(),
                    (_, _, Some(x), _) => r.prefix_list_id() == x.prefix_list_id(),
                    (_, _, _, Some(x)) => {
                        r.referenced_group_info().and_then(|g| g.group_id()) == x.group_id()
                    }
                    _ => false,
                }
        })
        .and_then(|r| r.security_group_rule_id().map(String::from)))
}

fn import_error(id: &str, msg: &str) -> Error {
    Error::new(
        format!("unexpected format for ID ({id:?}), expected SECURITYGROUPID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE[_SOURCE]*: {msg}"),
        "",
    )
}

/// The state an import ID describes (`resourceSecurityGroupRuleImport`).
fn parse_import(id: &str) -> Result<Value> {
    let parts: Vec<&str> = id.split('_').collect();
    if parts.len() < 6 {
        return Err(import_error(id, "too few parts"));
    }
    let (group, kind, protocol, from, to) = (parts[0], parts[1], parts[2], parts[3], parts[4]);
    let sources = &parts[5..];
    if !group.starts_with("sg-") {
        return Err(import_error(id, "invalid Security Group ID"));
    }
    if kind != "ingress" && kind != "egress" {
        return Err(import_error(id, "expecting 'ingress' or 'egress'"));
    }
    if !matches!(protocol, "icmpv6" | "udp" | "tcp" | "icmp" | "all")
        && protocol.parse::<i64>().is_err()
    {
        return Err(import_error(
            id,
            "protocol must be tcp/udp/icmp/icmpv6/all or a number",
        ));
    }
    let name = protocol_for_value(protocol);
    let (from_n, to_n) = (from.parse::<i64>(), to.parse::<i64>());
    if name == "icmp" || name == "icmpv6" {
        if !from_n.as_ref().is_ok_and(|v| (-1..=255).contains(v)) {
            return Err(import_error(id, "invalid icmp type"));
        }
        if !to_n.as_ref().is_ok_and(|v| (-1..=255).contains(v)) {
            return Err(import_error(id, "invalid icmp code"));
        }
    } else {
        match (&from_n, &to_n) {
            (Err(_), _) => return Err(import_error(id, "invalid from_port")),
            (_, Err(_)) => return Err(import_error(id, "invalid to_port")),
            (Ok(f), Ok(t)) if t < f => {
                return Err(import_error(id, "to_port lower than from_port"))
            }
            _ => {}
        }
    }
    for s in sources {
        if *s != "self"
            && !s.contains("sg-")
            && !s.contains("pl-")
            && !s.contains(':')
            && !s.contains('.')
        {
            return Err(import_error(
                id,
                "source must be cidr, ipv6cidr, prefix list, 'self', or a Security Group ID",
            ));
        }
    }
    let (mut cidrs, mut ipv6, mut prefixes) = (Vec::new(), Vec::new(), Vec::new());
    let mut state = State::new(&block())
        .set("id", id)
        .set("security_group_id", group)
        .set("type", kind)
        .set("protocol", name)
        .set("from_port", from_n.ok())
        .set("to_port", to_n.ok())
        .set("self", false);
    for s in sources {
        if *s == "self" {
            state = state.set("self", true);
        } else if s.contains("sg-") {
            state = state.set("source_security_group_id", *s);
        } else if s.contains(':') {
            ipv6.push(s.to_string());
        } else if s.contains("pl-") {
            prefixes.push(s.to_string());
        } else {
            cidrs.push(s.to_string());
        }
    }
    let list =
        |v: Vec<String>| Value::List(Type::String, v.into_iter().map(Value::string).collect());
    Ok(state
        .set("cidr_blocks", list(cidrs))
        .set("ipv6_cidr_blocks", list(ipv6))
        .set("prefix_list_ids", list(prefixes))
        .build())
}

/// The state of a rule found in `group`, or `None` when it is gone.
async fn read_rule(c: &Ctx, base: &Value, group: &Group) -> Result<Option<Value>> {
    let o = Obj(base);
    let kind = o.req("type");
    let group_id = group.group_id().unwrap_or_default();
    let perm = permission(&o, group);
    let Some((_, description)) = find_match(&perm, rules_of(group, kind)) else {
        return Ok(None);
    };
    let mut s = State::from(&block(), base)
        .set("type", kind)
        .set("protocol", perm.ip_protocol().map(String::from))
        .set("from_port", i64::from(perm.from_port().unwrap_or(0)))
        .set("to_port", i64::from(perm.to_port().unwrap_or(0)))
        .set("description", Some(description).filter(|d| !d.is_empty()));
    if o.id().contains('_') || o.id().is_empty() {
        s = s.set("id", rule_id(group_id, kind, &perm));
    }
    if o.str("security_group_rule_id").is_none_or(str::is_empty) {
        s = s.set(
            "security_group_rule_id",
            find_rule_id(c, group_id, kind, &perm).await?,
        );
    }
    Ok(Some(s.build()))
}

async fn authorize(
    c: &Ctx,
    kind: &str,
    group: &Group,
    perm: IpPermission,
) -> Result<Option<String>> {
    let group_id = group.group_id().unwrap_or_default();
    let rules = if kind == "ingress" {
        c.ec2()
            .authorize_security_group_ingress()
            .group_id(group_id)
            .ip_permissions(perm)
            .send()
            .await
            .map(|o| o.security_group_rules().to_vec())
            .map_err(|e| sdk("ec2:AuthorizeSecurityGroupIngress", e))?
    } else {
        c.ec2()
            .authorize_security_group_egress()
            .group_id(group_id)
            .ip_permissions(perm)
            .send()
            .await
            .map(|o| o.security_group_rules().to_vec())
            .map_err(|e| sdk("ec2:AuthorizeSecurityGroupEgress", e))?
    };
    Ok(match rules.as_slice() {
        [one] => one.security_group_rule_id().map(String::from),
        _ => None,
    })
}

async fn group_of(c: &Ctx, group_id: &str) -> Result<Group> {
    find_group(c, group_id).await?.ok_or_else(|| {
        Error::new(
            format!("reading Security Group ({group_id})"),
            "couldn't find resource",
        )
    })
}

impl Resource for SecurityGroupRule {
    fn name(&self) -> &'static str {
        "aws_security_group_rule"
    }

    fn schema(&self) -> Schema {
        Schema {
            version: 2,
            block: block(),
        }
    }

    fn validate(&self, config: &Value) -> Diags {
        let o = Obj(config);
        let mut diags = Vec::new();
        let set = |k: &str| config.get_attr(k).is_some_and(|v| !v.is_null());
        if let Some(t) = o.str("type") {
            if t != "ingress" && t != "egress" {
                diags.push(Diag::error(
                    format!("expected type to be one of [\"ingress\" \"egress\"], got {t}"),
                    "",
                ));
            }
        }
        if !SOURCES.split(',').any(set) {
            diags.push(Diag::error(
                format!("\"cidr_blocks\": one of `{SOURCES}` must be specified"),
                "",
            ));
        }
        let self_true = config.get_attr("self").and_then(Value::as_bool) == Some(true);
        let present = |k: &str| if k == "self" { self_true } else { set(k) };
        for (k, others) in [
            ("cidr_blocks", ["source_security_group_id", "self"]),
            ("ipv6_cidr_blocks", ["source_security_group_id", "self"]),
            (
                "source_security_group_id",
                ["cidr_blocks", "ipv6_cidr_blocks"],
            ),
        ] {
            for other in others {
                if present(k) && present(other) {
                    diags.push(Diag::error(format!("\"{k}\": conflicts with {other}"), ""));
                }
            }
        }
        diags
    }

    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let group_id = p.req("security_group_id").to_string();
        let kind = p.req("type").to_string();
        // Once AWS has the rule, a failure to see it is reported with the
        // rule kept (tainted), as the provider sets the ID before waiting.
        let mut created: Option<Value> = None;
        let r: Result<Value> = c.run(async {
            let group = group_of(c, &group_id).await?;
            let perm = permission(&p, &group);
            let id = rule_id(&group_id, &kind, &perm);
            let rule_id = match authorize(c, &kind, &group, perm.clone()).await {
                Ok(r) => r,
                Err(e) if e.has_code("InvalidPermission.Duplicate") => {
                    return Err(Error::new(
                        format!("[WARN] A duplicate Security Group rule was found on ({group_id}). This may be\na side effect of a now-fixed Terraform issue causing two security groups with\nidentical attributes but different source_security_group_ids to overwrite each\nother in the state. See https://github.com/hashicorp/terraform/pull/2376 for more\ninformation and instructions for recovery. Error: {}", e.detail),
                        "",
                    ))
                }
                Err(e) => {
                    return Err(e.context(format!(
                        "authorizing Security Group ({group_id}) Rule ({id})"
                    )))
                }
            };
            let base = State::from(&block(), plan)
                .set("id", id.clone())
                .set("security_group_rule_id", rule_id)
                .build();
            created = Some(base.clone());
            until(
                "the security group rule to exist",
                Duration::from_secs(300),
                || async {
                    let group = group_of(c, &group_id).await?;
                    Ok(match read_rule(c, &base, &group).await? {
                        Some(v) => Poll::Ready(v),
                        None => Poll::Pending("not found".into()),
                    })
                },
            )
            .await
            .map_err(|e| {
                e.context(format!(
                    "waiting for Security Group ({group_id}) Rule ({id}) create"
                ))
            })
        });
        match (r, created) {
            (Ok(v), _) => Outcome::Done(v),
            (Err(e), Some(base)) => Outcome::Partial(base, e),
            (Err(e), None) => Outcome::Failed(e),
        }
    }

    /// The ID is the hash of the permission, which read computes for a
    /// state without one.
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        self.read(c, planned)
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        let id = Obj(state).id();
        let base = if id.contains('_') {
            parse_import(id)?
        } else {
            state.clone()
        };
        let group_id = Obj(&base).req("security_group_id").to_string();
        c.run(async {
            match find_group(c, &group_id).await? {
                None => Ok(None),
                Some(g) => read_rule(c, &base, &g).await,
            }
        })
    }

    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        let p = Obj(plan);
        let group_id = p.req("security_group_id").to_string();
        let kind = p.req("type").to_string();
        let id = Obj(prior).id().to_string();
        let r: Result<Value> = c.run(async {
            let group = group_of(c, &group_id).await?;
            if p.str("description") != Obj(prior).str("description") {
                let perm = permission(&p, &group);
                let r = if kind == "ingress" {
                    c.ec2()
                        .update_security_group_rule_descriptions_ingress()
                        .group_id(&group_id)
                        .ip_permissions(perm)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk("ec2:UpdateSecurityGroupRuleDescriptionsIngress", e))
                } else {
                    c.ec2()
                        .update_security_group_rule_descriptions_egress()
                        .group_id(&group_id)
                        .ip_permissions(perm)
                        .send()
                        .await
                        .map(|_| ())
                        .map_err(|e| sdk("ec2:UpdateSecurityGroupRuleDescriptionsEgress", e))
                };
                r.map_err(|e| {
                    e.context(format!(
                        "updating Security Group ({group_id}) Rule ({id}) description"
                    ))
                })?;
            }
            let group = group_of(c, &group_id).await?;
            read_rule(c, plan, &group).await?.ok_or_else(|| {
                Error::new(
                    format!("reading Security Group ({group_id}) Rule ({id})"),
                    "couldn't find resource",
                )
            })
        });
        match r {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::Partial(prior.clone(), e),
        }
    }

    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        let s = Obj(state);
        let group_id = s.req("security_group_id").to_string();
        let kind = s.req("type").to_string();
        let id = s.id().to_string();
        c.run(async {
            let group = group_of(c, &group_id).await?;
            let perm = permission(&s, &group);
            let r = if kind == "ingress" {
                c.ec2()
                    .revoke_security_group_ingress()
                    .group_id(&group_id)
                    .ip_permissions(perm)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| sdk("ec2:RevokeSecurityGroupIngress", e))
            } else {
                c.ec2()
                    .revoke_security_group_egress()
                    .group_id(&group_id)
                    .ip_permissions(perm)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|e| sdk("ec2:RevokeSecurityGroupEgress", e))
            };
            match r {
                Err(e) if e.has_code("InvalidPermission.NotFound") => Ok(()),
                Err(e) => {
                    Err(e.context(format!("revoking Security Group ({group_id}) Rule ({id})")))
                }
                Ok(()) => Ok(()),
            }
        })
    }

    fn plan(&self, prior: &Value, planned: Value) -> Value {
        let Value::Object(mut m) = planned else {
            return planned;
        };
        let protocol = m
            .get("protocol")
            .and_then(Value::as_str)
            .map(protocol_for_value);
        if let Some(p) = &protocol {
            m.insert("protocol".into(), Value::string(p.clone()));
        }
        // Configurations written before "-1" dropped its ports may give any
        // ports with it; a rule in state with port 0 plans no change.
        if protocol.as_deref() == Some("-1") {
            for k in ["from_port", "to_port"] {
                let prior_port = prior
                    .get_attr(k)
                    .and_then(Value::as_number)
                    .and_then(|n| n.to_i64());
                if prior_port == Some(0) {
                    m.insert(k.into(), Value::int(0));
                }
            }
        }
        // An unset list and an empty one are the same rule (an import
        // writes empty lists).
        for k in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"] {
            let prior_empty = prior
                .get_attr(k)
                .and_then(Value::elements)
                .is_some_and(<[Value]>::is_empty);
            if prior_empty && m.get(k).is_some_and(Value::is_null) {
                if let Some(v) = prior.get_attr(k) {
                    m.insert(k.into(), v.clone());
                }
            }
        }
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_the_provider() {
        let ssh = IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(22)
            .to_port(22)
            .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .build();
        assert_eq!(
            rule_id("sg-3102b6db5936f8225", "ingress", &ssh),
            "sgrule-1377333049"
        );
        let all = IpPermission::builder()
            .ip_protocol("-1")
            .ip_ranges(IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .build();
        assert_eq!(
            rule_id("sg-3102b6db5936f8225", "egress", &all),
            "sgrule-4034792932"
        );
    }

    #[test]
    fn import_ids() {
        let v = parse_import("sg-1_ingress_tcp_80_81_10.0.0.0/8_pl-1_::/0").expect("valid");
        assert_eq!(Obj(&v).str("protocol"), Some("tcp"));
        assert_eq!(Obj(&v).list_str("cidr_blocks"), vec!["10.0.0.0/8"]);
        assert_eq!(Obj(&v).list_str("prefix_list_ids"), vec!["pl-1"]);
        assert_eq!(Obj(&v).list_str("ipv6_cidr_blocks"), vec!["::/0"]);
        let v = parse_import("sg-1_egress_all_0_0_sg-2").expect("valid");
        assert_eq!(Obj(&v).str("protocol"), Some("-1"));
        assert_eq!(Obj(&v).str("source_security_group_id"), Some("sg-2"));
        for (bad, why) in [
            ("bad", "too few parts"),
            (
                "sg-1_sideways_tcp_1_2_1.2.3.4/32",
                "expecting 'ingress' or 'egress'",
            ),
            (
                "sg-1_ingress_tcp_9_2_1.2.3.4/32",
                "to_port lower than from_port",
            ),
            ("sg-1_ingress_xyz_1_2_1.2.3.4/32", "protocol must be"),
            ("sg-1_ingress_tcp_1_2_nothing", "source must be"),
        ] {
            let e = parse_import(bad).expect_err(bad);
            assert!(e.summary.contains(why), "{bad}: {}", e.summary);
        }
    }
}
