"""EC2 security group rules as AWS keeps them.

moto 5.2.1 differs from AWS in three ways that matter to rule resources:

- ModifySecurityGroupRules changes only an IPv4 source and the ports, and
  wants ports even for the "all protocols" rule (-1), which has none. AWS
  replaces the rule with the request: protocol (by name or number), ports
  (none for -1), the one source (IPv4 or IPv6 CIDR, prefix list or
  referenced group, of the rule's existing source type), and the
  description (cleared when the request has none).
- DescribeSecurityGroupRules reports the description only of CIDR rules;
  AWS reports it for rules that reference a group or a prefix list too.
- A prefix list source loses its description, in DescribeSecurityGroups as
  well.
- A rule for protocol "all" (AWS's other name for -1) without ports fails
  with an internal error: the protocol is normalized after the ports are
  checked.
"""

from __future__ import annotations

from moto.ec2.exceptions import (
    InvalidParameterCombination,
    InvalidParameterValue,
    InvalidSecurityGroupNotFoundError,
    InvalidSecurityGroupRuleIdNotFoundError,
    MissingParameter,
)
from moto.ec2.models import security_groups as sg

_PROTOCOLS = {
    "-1": "-1",
    "all": "-1",
    "tcp": "tcp",
    "6": "tcp",
    "udp": "udp",
    "17": "udp",
    "icmp": "icmp",
    "1": "icmp",
    "icmpv6": "icmpv6",
    "58": "icmpv6",
}

_SOURCES = ("CidrIpv4", "CidrIpv6", "PrefixListId", "ReferencedGroupId")

_SOURCE_LABELS = {
    "CidrIpv4": "IPv4 CIDR",
    "CidrIpv6": "IPv6 CIDR",
    "PrefixListId": "prefix list",
    "ReferencedGroupId": "referenced group",
}


def _source_kind(rule: sg.SecurityGroupRule) -> str:
    if "CidrIp" in rule.ip_range:
        return "CidrIpv4"
    if "CidrIpv6" in rule.ip_range:
        return "CidrIpv6"
    if rule.prefix_list_id:
        return "PrefixListId"
    return "ReferencedGroupId"


def _port(value):
    return None if value is None else int(value)


def modify_security_group_rules(self, group_id, rules):
    group = self.get_security_group_by_name_or_id(group_id)
    if group is None:
        raise InvalidSecurityGroupNotFoundError(group_id)
    for rule_id, new_rule in rules.items():
        sources = {k: new_rule[k] for k in _SOURCES if new_rule.get(k) is not None}
        if len(sources) > 1:
            raise InvalidParameterCombination(
                "Only one of cidrIp, cidrIpv6, prefixListId, or referencedGroupId can be specified"
            )
        if not sources:
            raise MissingParameter(
                "The request must contain exactly one of: cidrIp, cidrIpv6, prefixListId, or referencedGroupId"
            )
        existing = group.get_rule(rule_id)
        if existing is None:
            raise InvalidSecurityGroupRuleIdNotFoundError(rule_id)
        raw_protocol = new_rule.get("IpProtocol")
        if raw_protocol is None:
            raise InvalidParameterValue(
                "Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly."
            )
        protocol = _PROTOCOLS.get(str(raw_protocol).lower(), str(raw_protocol))
        from_port, to_port = _port(new_rule.get("FromPort")), _port(new_rule.get("ToPort"))
        if protocol in ("tcp", "udp") and (from_port is None or to_port is None):
            raise InvalidParameterValue(
                "Invalid value for portRange. Must specify both from and to ports with TCP/UDP."
            )
        (kind, value), = sources.items()
        old_kind = _source_kind(existing)
        if kind != old_kind:
            raise InvalidParameterValue(
                f"Invalid rule type for security group rule '{rule_id}'. You may not specify "
                f"{kind} for an existing {_SOURCE_LABELS[old_kind]} rule."
            )
        if kind == "ReferencedGroupId" and not self.get_security_group_by_name_or_id(value):
            raise InvalidSecurityGroupNotFoundError(value)

        existing.ip_protocol = protocol
        if protocol in ("tcp", "udp", "icmp", "icmpv6"):
            existing.from_port, existing.to_port = from_port, to_port
        else:
            existing.from_port = existing.to_port = None

        description = new_rule.get("Description")
        if kind == "CidrIpv4":
            existing.ip_range = {"CidrIp": value}
        elif kind == "CidrIpv6":
            existing.ip_range = {"CidrIpv6": value}
        elif kind == "PrefixListId":
            existing.prefix_list_id = value
            existing.prefix_list_description = description
        else:
            existing.source_group = {
                "GroupId": value,
                "UserId": existing.source_group.get("UserId", self.account_id),
                "OwnerId": existing.source_group.get("OwnerId", self.account_id),
            }
        if description is not None:
            if kind in ("CidrIpv4", "CidrIpv6"):
                existing.ip_range["Description"] = description
            elif kind == "ReferencedGroupId":
                existing.source_group["Description"] = description


def _description(self):
    return (
        self.ip_range.get("Description")
        or (self.source_group or {}).get("Description")
        or getattr(self, "prefix_list_description", None)
    )


def apply() -> None:
    original_init = sg.SecurityGroupRule.__init__

    def init(self, *args, **kwargs):
        # Normalize the protocol first: "all" has no ports, like "-1".
        if len(args) >= 2 and args[1] is not None:
            args = (args[0], _PROTOCOLS.get(str(args[1]).lower(), args[1])) + tuple(args[2:])
        elif kwargs.get("ip_protocol") is not None:
            raw = kwargs["ip_protocol"]
            kwargs["ip_protocol"] = _PROTOCOLS.get(str(raw).lower(), raw)
        original_init(self, *args, **kwargs)
        prefix = kwargs.get("prefix_list_id")
        if prefix is None and len(args) >= 8:
            prefix = args[7]
        self.prefix_list_description = (prefix or {}).get("Description")

    original_flattened = sg.SecurityGroup._flattened_rules

    def flattened(self, rules):
        views = original_flattened(self, rules)
        # Put the descriptions back on prefix list sources.
        by_prefix = {
            (r.from_port, r.to_port, r.ip_protocol, r.prefix_list_id): r.prefix_list_description
            for r in rules
            if r.prefix_list_id
        }
        for view in views:
            for entry in view.prefix_list_ids:
                desc = by_prefix.get(
                    (view.from_port, view.to_port, view.ip_protocol, entry.get("PrefixListId"))
                )
                if desc:
                    entry["Description"] = desc
        return views

    sg.SecurityGroupRule.__init__ = init
    sg.SecurityGroupRule.description = property(_description)
    sg.SecurityGroup._flattened_rules = flattened
    sg.SecurityGroupBackend.modify_security_group_rules = modify_security_group_rules
