//! aws_vpc_security_group_ingress_rule, and what it shares with
//! aws_vpc_security_group_egress_rule: one EC2 security group rule
//! (`sgr-...`) with one source, changed in place by
//! ModifySecurityGroupRules, tagged like any EC2 object.

use super::security_group::protocol_for_value;
use super::{tag_map, tag_specs, update_tags};
use crate::ctx::Ctx;
use crate::error::{found, sdk, Error, Result};
use crate::obj::{Obj, State};
use crate::schema::computed_id;
use crate::service::{plan_tags_all, tags_state};
use crate::{Outcome, Resource};
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, ResourceType, SecurityGroupRule,
    SecurityGroupRuleRequest, SecurityGroupRuleUpdate, UserIdGroupPair,
};
use tfrs_provider::provider::Diags;
use tfrs_provider::{AttrPath, Attribute, Block, Diag, Schema, Type, Value};

pub struct VpcSecurityGroupIngressRule;

const SOURCES: [&str; 4] = [
    "cidr_ipv4",
    "cidr_ipv6",
    "prefix_list_id",
    "referenced_security_group_id",
];

pub fn block() -> Block {
    computed_id(Block::new())
        .attr("arn", Attribute::computed(Type::String))
        .attr("cidr_ipv4", Attribute::optional(Type::String))
        .attr("cidr_ipv6", Attribute::optional(Type::String))
        .attr("description", Attribute::optional(Type::String))
        .attr("from_port", Attribute::optional(Type::Number))
        .attr("to_port", Attribute::optional(Type::Number))
        .attr("ip_protocol", Attribute::required(Type::String))
        .attr("prefix_list_id", Attribute::optional(Type::String))
        .attr(
            "referenced_security_group_id",
            Attribute::optional(Type::String),
        )
        .attr(
            "security_group_id",
            Attribute::required(Type::String).force_new(),
        )
        .attr("security_group_rule_id", Attribute::computed(Type::String))
        .attr("tags", Attribute::optional(Type::map(Type::String)))
        .attr("tags_all", Attribute::computed(Type::map(Type::String)))
}

/// The rule kind: what differs between the ingress and egress resources.
#[derive(Clone, Copy)]
pub struct Kind {
    pub egress: bool,
}

impl Kind {
    fn what(self) -> &'static str {
        if self.egress {
            "EC2 Security Group Egress Rule"
        } else {
            "EC2 Security Group Ingress Rule"
        }
    }
}

/// Which source the rule has (changing it replaces the rule: AWS cannot
/// modify a rule's source type).
fn source_name(v: &Value) -> Option<&'static str> {
    SOURCES
        .iter()
        .find(|k| v.get_attr(k).is_some_and(|x| !x.is_null()))
        .copied()
}

fn permission(o: &Obj) -> IpPermission {
    let desc = o.string("description");
    let mut b = IpPermission::builder()
        .ip_protocol(o.req("ip_protocol"))
        .set_from_port(o.i32("from_port"))
        .set_to_port(o.i32("to_port"));
    if let Some(c) = o.str("cidr_ipv4") {
        b = b.ip_ranges(
            IpRange::builder()
                .cidr_ip(c)
                .set_description(desc.clone())
                .build(),
        );
    }
    if let Some(c) = o.str("cidr_ipv6") {
        b = b.ipv6_ranges(
            Ipv6Range::builder()
                .cidr_ipv6(c)
                .set_description(desc.clone())
                .build(),
        );
    }
    if let Some(p) = o.str("prefix_list_id") {
        b = b.prefix_list_ids(
            PrefixListId::builder()
                .prefix_list_id(p)
                .set_description(desc.clone())
                .build(),
        );
    }
    if let Some(g) = o.str("referenced_security_group_id") {
        // [UserID/]GroupID
        let pair = match g.split_once('/') {
            Some((user, id)) => UserIdGroupPair::builder().group_id(id).user_id(user),
            None => UserIdGroupPair::builder().group_id(g),
        };
        b = b.user_id_group_pairs(pair.set_description(desc).build());
    }
    b.build()
}

fn rule_request(o: &Obj) -> SecurityGroupRuleRequest {
    SecurityGroupRuleRequest::builder()
        .set_cidr_ipv4(o.string("cidr_ipv4"))
        .set_cidr_ipv6(o.string("cidr_ipv6"))
        .set_description(o.string("description"))
        .set_from_port(o.i32("from_port"))
        .set_to_port(o.i32("to_port"))
        .set_ip_protocol(o.string("ip_protocol"))
        .set_prefix_list_id(o.string("prefix_list_id"))
        .set_referenced_group_id(o.string("referenced_security_group_id"))
        .build()
}

/// The rule, or `None` when it is gone (or is of the other kind).
async fn find_rule(c: &Ctx, kind: Kind, id: &str) -> Result<Option<SecurityGroupRule>> {
    let out = found(
        c.ec2()
            .describe_security_group_rules()
            .security_group_rule_ids(id)
            .send()
            .await
            .map_err(|e| sdk("ec2:DescribeSecurityGroupRules", e)),
    )?;
    Ok(out.and_then(|o| {
        o.security_group_rules()
            .iter()
            .find(|r| r.security_group_rule_id() == Some(id) && r.is_egress() == Some(kind.egress))
            .cloned()
    }))
}

/// The rule's state; `account` is the caller's (for the ARN and to tell
/// other accounts' groups).
fn state_of(c: &Ctx, account: &str, base: &Value, r: &SecurityGroupRule) -> Value {
    let id = r.security_group_rule_id().unwrap_or_default().to_string();
    let b = Obj(base);
    let referenced = r.referenced_group_info().map(|g| {
        let gid = g.group_id().unwrap_or_default();
        match g.user_id() {
            Some(u) if !u.is_empty() && u != account => format!("{u}/{gid}"),
            _ => gid.to_string(),
        }
    });
    // AWS reports -1 for the ports of a rule without them; an unset port
    // stays unset.
    let port = |v: Option<i32>, key: &str| match v {
        Some(-1) if b.get(key).is_none() => None,
        other => other.map(i64::from),
    };
    // The configured spelling of the protocol stays while it names what
    // AWS reports (`all` for `-1`).
    let remote_protocol = r.ip_protocol().unwrap_or_default();
    let ip_protocol = match b.str("ip_protocol") {
        Some(p) if protocol_for_value(p) == protocol_for_value(remote_protocol) => p.to_string(),
        _ => remote_protocol.to_string(),
    };
    let (tags, tags_all) = tags_state(c, base, tag_map(r.tags()));
    State::from(&block(), base)
        .set("id", id.clone())
        .set(
            "arn",
            format!(
                "arn:{}:ec2:{}:{account}:security-group-rule/{id}",
                c.partition(),
                c.region
            ),
        )
        .set("cidr_ipv4", r.cidr_ipv4().map(String::from))
        .set("cidr_ipv6", r.cidr_ipv6().map(String::from))
        .set("description", r.description().map(String::from))
        .set("ip_protocol", ip_protocol)
        .set("prefix_list_id", r.prefix_list_id().map(String::from))
        .set("referenced_security_group_id", referenced)
        .set("security_group_id", r.group_id().map(String::from))
        .set("security_group_rule_id", id)
        .set("from_port", port(r.from_port(), "from_port"))
        .set("to_port", port(r.to_port(), "to_port"))
        .set("tags", tags)
        .set("tags_all", tags_all)
        .build()
}

async fn read_back(c: &Ctx, account: &str, kind: Kind, base: &Value, id: &str) -> Result<Value> {
    let r = find_rule(c, kind, id).await?.ok_or_else(|| {
        Error::new(
            format!("reading {} ({id})", kind.what()),
            "couldn't find resource",
        )
    })?;
    Ok(state_of(c, account, base, &r))
}

pub fn validate(config: &Value) -> Diags {
    let set: Vec<&str> = SOURCES
        .iter()
        .filter(|k| config.get_attr(k).is_some_and(|v| !v.is_null()))
        .copied()
        .collect();
    let all = format!("[{}]", SOURCES.join(","));
    match set.len() {
        1 => Vec::new(),
        0 => vec![Diag::error(
            "Invalid Attribute Combination",
            format!("No attribute specified when one (and only one) of {all} is required"),
        )],
        n => vec![Diag::error(
            "Invalid Attribute Combination",
            format!("{n} attributes specified when one (and only one) of {all} is required"),
        )],
    }
}

pub fn create(kind: Kind, c: &Ctx, plan: &Value) -> Outcome {
    let account = match c.account_id() {
        Ok(a) => a,
        Err(e) => return Outcome::Failed(e),
    };
    let p = Obj(plan);
    let group_id = p.req("security_group_id").to_string();
    let tags = c.tags_all(&p.map_str("tags"));
    let created = c.run(async {
        let rules = if kind.egress {
            c.ec2()
                .authorize_security_group_egress()
                .group_id(&group_id)
                .ip_permissions(permission(&p))
                .set_tag_specifications(tag_specs(ResourceType::SecurityGroupRule, &tags))
                .send()
                .await
                .map(|o| o.security_group_rules().to_vec())
                .map_err(|e| sdk("ec2:AuthorizeSecurityGroupEgress", e))
        } else {
            c.ec2()
                .authorize_security_group_ingress()
                .group_id(&group_id)
                .ip_permissions(permission(&p))
                .set_tag_specifications(tag_specs(ResourceType::SecurityGroupRule, &tags))
                .send()
                .await
                .map(|o| o.security_group_rules().to_vec())
                .map_err(|e| sdk("ec2:AuthorizeSecurityGroupIngress", e))
        };
        rules.map_err(|e| e.context(format!("creating {}", kind.what())))
    });
    let id = match created {
        Ok(rules) => match rules.first().and_then(|r| r.security_group_rule_id()) {
            Some(id) => id.to_string(),
            None => {
                return Outcome::Failed(Error::new(
                    format!("creating {}", kind.what()),
                    "AWS returned no security group rule",
                ))
            }
        },
        Err(e) => return Outcome::Failed(e),
    };
    match c.run(read_back(c, &account, kind, plan, &id)) {
        Ok(v) => Outcome::Done(v),
        Err(e) => Outcome::Partial(
            State::from(&block(), plan)
                .set("id", id.clone())
                .set("security_group_rule_id", id)
                .build(),
            e,
        ),
    }
}

/// The rule a create left, found among its group's rules by what it
/// permits: kind, protocol, ports and source.
pub fn find_created(kind: Kind, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
    let p = Obj(planned);
    let Some(group) = p.str("security_group_id") else {
        return Ok(None);
    };
    let account = c.account_id()?;
    let out = found(c.run(async {
        c.ec2()
            .describe_security_group_rules()
            .filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("group-id")
                    .values(group)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| sdk("ec2:DescribeSecurityGroupRules", e))
    }))?;
    let protocol = protocol_for_value(p.req("ip_protocol"));
    // AWS reports -1 for the ports of a rule without them.
    let port = |k: &str| p.i32(k).unwrap_or(-1);
    let referenced = p
        .str("referenced_security_group_id")
        .map(|g| g.rsplit('/').next().unwrap_or(g));
    let found = out.and_then(|o| {
        o.security_group_rules()
            .iter()
            .find(|r| {
                r.is_egress() == Some(kind.egress)
                    && r.ip_protocol().map(protocol_for_value) == Some(protocol.clone())
                    && r.from_port().unwrap_or(-1) == port("from_port")
                    && r.to_port().unwrap_or(-1) == port("to_port")
                    && r.cidr_ipv4() == p.str("cidr_ipv4")
                    && r.cidr_ipv6() == p.str("cidr_ipv6")
                    && r.prefix_list_id() == p.str("prefix_list_id")
                    && r.referenced_group_info().and_then(|g| g.group_id()) == referenced
            })
            .cloned()
    });
    Ok(found.map(|r| state_of(c, &account, planned, &r)))
}

pub fn read(kind: Kind, c: &Ctx, state: &Value) -> Result<Option<Value>> {
    let id = Obj(state).id().to_string();
    let account = c.account_id()?;
    c.run(async {
        match find_rule(c, kind, &id).await {
            Ok(Some(r)) => Ok(Some(state_of(c, &account, state, &r))),
            Ok(None) => Ok(None),
            // An ID of the wrong shape names no rule.
            Err(e) if e.has_code("InvalidSecurityGroupRuleId.Malformed") => Ok(None),
            Err(e) => Err(e.context(format!("reading {} ({id})", kind.what()))),
        }
    })
}

pub fn update(kind: Kind, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
    let account = match c.account_id() {
        Ok(a) => a,
        Err(e) => return Outcome::Failed(e),
    };
    let (o, p) = (Obj(prior), Obj(plan));
    let id = o.id().to_string();
    let r: Result<Value> = c.run(async {
        let rule_changed = [
            "cidr_ipv4",
            "cidr_ipv6",
            "description",
            "from_port",
            "to_port",
            "ip_protocol",
            "prefix_list_id",
            "referenced_security_group_id",
        ]
        .iter()
        .any(|k| match (o.get(k), p.get(k)) {
            (Some(a), Some(b)) => !a.raw_equal(b),
            (a, b) => a.is_some() != b.is_some(),
        });
        if rule_changed {
            c.ec2()
                .modify_security_group_rules()
                .group_id(p.req("security_group_id"))
                .security_group_rules(
                    SecurityGroupRuleUpdate::builder()
                        .security_group_rule_id(&id)
                        .security_group_rule(rule_request(&p))
                        .build(),
                )
                .send()
                .await
                .map_err(|e| {
                    sdk("ec2:ModifySecurityGroupRules", e)
                        .context(format!("updating {} ({id})", kind.what()))
                })?;
        }
        let old_tags = o.map_str("tags_all");
        let new_tags = c.tags_all(&p.map_str("tags"));
        if old_tags != new_tags {
            update_tags(c, &id, &old_tags, &new_tags)
                .await
                .map_err(|e| e.context(format!("updating {} ({id}) tags", kind.what())))?;
        }
        read_back(c, &account, kind, plan, &id).await
    });
    match r {
        Ok(v) => Outcome::Done(v),
        Err(e) => Outcome::Partial(prior.clone(), e),
    }
}

pub fn delete(kind: Kind, c: &Ctx, state: &Value) -> Result<()> {
    let s = Obj(state);
    let (id, group) = (s.id().to_string(), s.req("security_group_id").to_string());
    let r = c.run(async {
        if kind.egress {
            c.ec2()
                .revoke_security_group_egress()
                .group_id(&group)
                .security_group_rule_ids(&id)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk("ec2:RevokeSecurityGroupEgress", e))
        } else {
            c.ec2()
                .revoke_security_group_ingress()
                .group_id(&group)
                .security_group_rule_ids(&id)
                .send()
                .await
                .map(|_| ())
                .map_err(|e| sdk("ec2:RevokeSecurityGroupIngress", e))
        }
    });
    match r {
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e.context(format!("deleting {} ({id})", kind.what()))),
        Ok(()) => Ok(()),
    }
}

/// `ip_protocol` keeps its prior spelling when it names the same protocol
/// (`all` for `-1`, `6` for `tcp`); `tags_all` follows `tags`.
pub fn plan(prior: &Value, planned: Value) -> Value {
    let Value::Object(mut m) = planned else {
        return planned;
    };
    if let (Some(before), Some(after)) = (
        prior.get_attr("ip_protocol").and_then(Value::as_str),
        m.get("ip_protocol").and_then(Value::as_str),
    ) {
        if protocol_for_value(before) == protocol_for_value(after) {
            m.insert("ip_protocol".into(), Value::string(before));
        }
    }
    plan_tags_all(prior, Value::Object(m))
}

pub fn requires_replace(prior: &Value, planned: &Value) -> Vec<AttrPath> {
    let (before, after) = (source_name(prior), source_name(planned));
    if before == after {
        return Vec::new();
    }
    [before, after]
        .into_iter()
        .flatten()
        .map(AttrPath::attr)
        .collect()
}

const INGRESS: Kind = Kind { egress: false };

impl Resource for VpcSecurityGroupIngressRule {
    fn name(&self) -> &'static str {
        "aws_vpc_security_group_ingress_rule"
    }
    fn schema(&self) -> Schema {
        Schema::new(block())
    }
    fn validate(&self, config: &Value) -> Diags {
        validate(config)
    }
    fn create(&self, c: &Ctx, plan: &Value) -> Outcome {
        create(INGRESS, c, plan)
    }
    fn find_created(&self, c: &Ctx, planned: &Value) -> Result<Option<Value>> {
        find_created(INGRESS, c, planned)
    }

    fn read(&self, c: &Ctx, state: &Value) -> Result<Option<Value>> {
        read(INGRESS, c, state)
    }
    fn update(&self, c: &Ctx, prior: &Value, plan: &Value) -> Outcome {
        update(INGRESS, c, prior, plan)
    }
    fn delete(&self, c: &Ctx, state: &Value) -> Result<()> {
        delete(INGRESS, c, state)
    }
    fn plan(&self, prior: &Value, planned: Value) -> Value {
        plan(prior, planned)
    }
    fn replace_paths(
        &self,
        prior: &Value,
        planned: &Value,
        mut schema_paths: Vec<AttrPath>,
    ) -> Vec<AttrPath> {
        for p in requires_replace(prior, planned) {
            if !schema_paths.contains(&p) {
                schema_paths.push(p);
            }
        }
        schema_paths
    }
}
