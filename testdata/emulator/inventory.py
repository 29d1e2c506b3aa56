#!/usr/bin/env python3
"""What exists in the emulator, and what of it a terraform state does not know.

    python3 testdata/emulator/inventory.py --endpoint http://127.0.0.1:PORT \\
        [--baseline FILE] [--state terraform.tfstate] [--save FILE]

Prints one JSON object:

    {"objects": {KEY: [ALIAS, ...], ...},   everything listed below that exists
     "new": [KEY, ...],                     keys not in the baseline (--baseline)
     "orphans": [KEY, ...]}                 new keys the state covers by neither
                                            the key nor an alias (--state)

`--save FILE` also writes the object list there, to be a later baseline.

Keys name one remote object each, by kind and ID
(`security_group:sg-...`, `s3_object:bucket/key`). Aliases name it by what
identifies it before it has an ID (`security_group_name:fortune-sg`, a
rule's permission), so that the record of a create that was interrupted (an
instance in the state without an ID, see the engine's `create`) covers the
object the create left; the record of a security group's create also covers
the rules in that group (its default egress rule and inline rules come from
that create).

Listed (us-east-1): EC2 instances that are not terminated and network
interfaces; security groups other than `default` and their rules; key
pairs; launch templates; launch configurations; Auto Scaling groups; load
balancers, target groups, listeners and non-default listener rules; S3
buckets and objects; DynamoDB tables; IAM roles, their inline policies and
attached policies, instance profiles and customer-managed policies.
Needs boto3 (a moto dependency).
"""

from __future__ import annotations

import argparse
import json
import sys

import boto3
from botocore.config import Config

REGION = "us-east-1"

PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}


def protocol(p) -> str:
    p = str(p).lower()
    return PROTOCOLS.get(p, p)


def permission(group, kind, proto, from_port, to_port, source) -> str:
    """A rule by what it permits (ports are -1 when the protocol has none)."""
    proto = protocol(proto)
    if proto == "-1":
        from_port = to_port = -1
    if from_port is None:
        from_port = -1
    if to_port is None:
        to_port = -1
    return f"security_group_permission:{group}/{kind}/{proto}/{int(from_port)}/{int(to_port)}/{source}"


class Emulator:
    def __init__(self, endpoint: str) -> None:
        kw = dict(
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        self.ec2 = boto3.client("ec2", **kw)
        self.asg = boto3.client("autoscaling", **kw)
        self.elb = boto3.client("elbv2", **kw)
        self.s3 = boto3.client("s3", config=Config(s3={"addressing_style": "path"}), **kw)
        self.ddb = boto3.client("dynamodb", **kw)
        self.iam = boto3.client("iam", **kw)

    def objects(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for r in self.ec2.describe_instances()["Reservations"]:
            for i in r["Instances"]:
                if i["State"]["Name"] not in ("terminated", "shutting-down"):
                    out[f"instance:{i['InstanceId']}"] = []
        for n in self.ec2.describe_network_interfaces()["NetworkInterfaces"]:
            out[f"network_interface:{n['NetworkInterfaceId']}"] = []
        groups = [
            g
            for g in self.ec2.describe_security_groups()["SecurityGroups"]
            if g["GroupName"] != "default"
        ]
        names = {g["GroupId"]: g["GroupName"] for g in groups}
        for g in groups:
            out[f"security_group:{g['GroupId']}"] = [
                f"security_group_name:{g['GroupName']}"
            ]
        for r in self.ec2.describe_security_group_rules()["SecurityGroupRules"]:
            if r["GroupId"] not in names:
                continue
            source = (
                r.get("CidrIpv4")
                or r.get("CidrIpv6")
                or r.get("PrefixListId")
                or r.get("ReferencedGroupInfo", {}).get("GroupId")
            )
            kind = "egress" if r["IsEgress"] else "ingress"
            out[f"security_group_rule:{r['SecurityGroupRuleId']}"] = [
                permission(
                    r["GroupId"], kind, r["IpProtocol"], r.get("FromPort"), r.get("ToPort"), source
                ),
                f"security_group_rules_in:{names[r['GroupId']]}",
            ]
        for k in self.ec2.describe_key_pairs()["KeyPairs"]:
            out[f"key_pair:{k['KeyName']}"] = []
        for t in self.ec2.describe_launch_templates()["LaunchTemplates"]:
            out[f"launch_template:{t['LaunchTemplateId']}"] = [
                f"launch_template_name:{t['LaunchTemplateName']}"
            ]
        for lc in self.asg.describe_launch_configurations()["LaunchConfigurations"]:
            out[f"launch_configuration:{lc['LaunchConfigurationName']}"] = []
        for g in self.asg.describe_auto_scaling_groups()["AutoScalingGroups"]:
            out[f"autoscaling_group:{g['AutoScalingGroupName']}"] = []
        for lb in self.elb.describe_load_balancers()["LoadBalancers"]:
            arn = lb["LoadBalancerArn"]
            out[f"load_balancer:{arn}"] = [f"load_balancer_name:{lb['LoadBalancerName']}"]
            for listener in self.elb.describe_listeners(LoadBalancerArn=arn)["Listeners"]:
                larn = listener["ListenerArn"]
                out[f"listener:{larn}"] = [f"listener_port:{arn}/{listener['Port']}"]
                for rule in self.elb.describe_rules(ListenerArn=larn)["Rules"]:
                    if rule.get("IsDefault"):
                        continue
                    out[f"listener_rule:{rule['RuleArn']}"] = [
                        f"listener_rule_priority:{larn}/{rule['Priority']}"
                    ]
        for tg in self.elb.describe_target_groups()["TargetGroups"]:
            out[f"target_group:{tg['TargetGroupArn']}"] = [
                f"target_group_name:{tg['TargetGroupName']}"
            ]
        for b in self.s3.list_buckets().get("Buckets", []):
            name = b["Name"]
            out[f"s3_bucket:{name}"] = []
            pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=name)
            for page in pages:
                for o in page.get("Contents", []):
                    out[f"s3_object:{name}/{o['Key']}"] = []
        for t in self.ddb.list_tables()["TableNames"]:
            out[f"dynamodb_table:{t}"] = []
        for role in self.iam.list_roles()["Roles"]:
            name = role["RoleName"]
            out[f"iam_role:{name}"] = []
            for p in self.iam.list_role_policies(RoleName=name)["PolicyNames"]:
                out[f"iam_role_policy:{name}/{p}"] = []
            attached = self.iam.list_attached_role_policies(RoleName=name)
            for p in attached["AttachedPolicies"]:
                out[f"iam_role_policy_attachment:{name}/{p['PolicyArn']}"] = []
        for p in self.iam.list_instance_profiles()["InstanceProfiles"]:
            out[f"iam_instance_profile:{p['InstanceProfileName']}"] = []
        for p in self.iam.list_policies(Scope="Local")["Policies"]:
            out[f"iam_policy:{p['Arn']}"] = [f"iam_policy_name:{p['PolicyName']}"]
        return out


def _rule_sources(a: dict, self_group: str | None) -> list[str]:
    sources = []
    for k in ("cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups"):
        sources.extend(a.get(k) or [])
    for k in ("source_security_group_id",):
        if a.get(k):
            sources.append(a[k])
    if a.get("self") and self_group:
        sources.append(self_group)
    return sources


def state_keys(state: dict) -> set[str]:
    """What the state's managed objects cover, by key or alias."""
    keys: set[str] = set()
    for r in state.get("resources", []):
        if r.get("mode") != "managed":
            continue
        t = r["type"]
        for inst in r.get("instances", []):
            a = inst.get("attributes") or {}
            i = a.get("id")
            if t == "aws_instance":
                keys.add(f"instance:{i}")
            elif t == "aws_security_group":
                keys.add(f"security_group:{i}")
                keys.add(f"security_group_name:{a.get('name')}")
                if not i:
                    # The record of a create in flight: the rules its group
                    # has (the default egress rule, inline rules) came from
                    # that create.
                    keys.add(f"security_group_rules_in:{a.get('name')}")
                for kind in ("ingress", "egress"):
                    for rule in a.get(kind) or []:
                        for s in _rule_sources(rule, i):
                            keys.add(
                                permission(
                                    i, kind, rule["protocol"], rule["from_port"], rule["to_port"], s
                                )
                            )
            elif t == "aws_security_group_rule":
                g = a.get("security_group_id")
                for s in _rule_sources(a, g):
                    keys.add(
                        permission(g, a["type"], a["protocol"], a["from_port"], a["to_port"], s)
                    )
            elif t in ("aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"):
                keys.add(f"security_group_rule:{i}")
                kind = "egress" if t.endswith("egress_rule") else "ingress"
                source = (
                    a.get("cidr_ipv4")
                    or a.get("cidr_ipv6")
                    or a.get("prefix_list_id")
                    or (a.get("referenced_security_group_id") or "").split("/")[-1]
                )
                keys.add(
                    permission(
                        a.get("security_group_id"),
                        kind,
                        a.get("ip_protocol"),
                        a.get("from_port"),
                        a.get("to_port"),
                        source,
                    )
                )
            elif t == "aws_key_pair":
                keys.add(f"key_pair:{a.get('key_name')}")
            elif t == "aws_launch_template":
                keys.add(f"launch_template:{i}")
                keys.add(f"launch_template_name:{a.get('name')}")
            elif t == "aws_launch_configuration":
                keys.add(f"launch_configuration:{a.get('name') or i}")
            elif t == "aws_autoscaling_group":
                keys.add(f"autoscaling_group:{a.get('name') or i}")
            elif t == "aws_lb":
                keys.add(f"load_balancer:{i}")
                keys.add(f"load_balancer_name:{a.get('name')}")
            elif t == "aws_lb_listener":
                keys.add(f"listener:{i}")
                keys.add(f"listener_port:{a.get('load_balancer_arn')}/{a.get('port')}")
            elif t == "aws_lb_listener_rule":
                keys.add(f"listener_rule:{i}")
                keys.add(f"listener_rule_priority:{a.get('listener_arn')}/{a.get('priority')}")
            elif t == "aws_lb_target_group":
                keys.add(f"target_group:{i}")
                keys.add(f"target_group_name:{a.get('name')}")
            elif t == "aws_s3_bucket":
                keys.add(f"s3_bucket:{a.get('bucket') or i}")
            elif t == "aws_s3_object":
                keys.add(f"s3_object:{a.get('bucket')}/{a.get('key')}")
            elif t == "aws_dynamodb_table":
                keys.add(f"dynamodb_table:{a.get('name') or i}")
            elif t == "aws_iam_role":
                keys.add(f"iam_role:{a.get('name') or i}")
            elif t == "aws_iam_role_policy":
                keys.add(f"iam_role_policy:{a.get('role')}/{a.get('name')}")
            elif t == "aws_iam_role_policy_attachment":
                keys.add(f"iam_role_policy_attachment:{a.get('role')}/{a.get('policy_arn')}")
            elif t == "aws_iam_instance_profile":
                keys.add(f"iam_instance_profile:{a.get('name') or i}")
            elif t == "aws_iam_policy":
                keys.add(f"iam_policy:{i}")
                keys.add(f"iam_policy_name:{a.get('name')}")
    return keys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True, help="http://HOST:PORT")
    parser.add_argument("--baseline", help="a file --save wrote earlier")
    parser.add_argument("--state", help="a terraform.tfstate to check for orphans")
    parser.add_argument("--save", help="write the object list here")
    args = parser.parse_args()
    objects = Emulator(args.endpoint).objects()
    report: dict = {"objects": objects}
    if args.save:
        with open(args.save, "w") as f:
            json.dump(objects, f)
    baseline: dict = {}
    if args.baseline:
        with open(args.baseline) as f:
            baseline = json.load(f)
    new = sorted(k for k in objects if k not in baseline)
    if args.baseline or args.state:
        report["new"] = new
    if args.state:
        try:
            with open(args.state) as f:
                state = json.load(f)
        except FileNotFoundError:
            state = {}
        covered = state_keys(state)
        report["orphans"] = [
            k for k in new if k not in covered and not covered.intersection(objects[k])
        ]
    json.dump(report, sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
