#!/usr/bin/env python3
"""Records what hashicorp/aws writes for aws_iam_policy_document, as golden
data for tfrs's own implementation (providers/aws/src/service/iam/
policy_document.rs checks it byte for byte).

Needs the reference terraform and the hashicorp/aws provider (a filesystem
mirror given by TF_CLI_CONFIG_FILE); nothing is called on AWS (the data
source is computed locally). Usage:

    python3 generate_policy_documents.py [N] > aws_iam_policy_document.json
"""

import json
import os
import random
import subprocess
import sys
import tempfile

ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:*", "ec2:Describe*", "iam:PassRole",
           "sts:AssumeRole", "dynamodb:GetItem", "lambda:InvokeFunction", "*"]
RESOURCES = ["*", "arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*",
             "arn:aws:s3:::bucket/&{aws:username}/*", "arn:aws:s3:::a<b>&c",
             "arn:aws:dynamodb:us-east-1:123456789012:table/t", "é ü \u2028 q\"b\\s\tt\b"]
PRINCIPAL_TYPES = ["AWS", "Service", "Federated", "*", "CanonicalUser"]
IDENTIFIERS = ["*", "arn:aws:iam::123456789012:root", "111122223333", "lambda.amazonaws.com",
               "ec2.amazonaws.com", "arn:aws:iam::123456789012:user/&{aws:username}",
               "cloudfront.amazonaws.com", "accounts.google.com"]
TESTS = ["StringEquals", "StringLike", "Bool", "ArnLike"]
VARIABLES = ["aws:SourceArn", "s3:prefix", "aws:SecureTransport"]
VALUES = ["", "true", "false", "home/", "home/&{aws:username}/",
          "arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL", "a<b>", "zzz"]
SOURCES = [
    {"Version": "2012-10-17", "Statement": [{"Sid": "SrcA", "Effect": "Allow", "Action": ["b:x", "a:y"],
     "Resource": "*", "Principal": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": True},
     "NumericLessThan": {"aws:Age": 3600}, "StringEquals": {"x:y": ["p", "q"]}}}]},
    {"Statement": [{"Sid": "SrcB", "Effect": "Deny", "NotAction": "iam:*", "NotResource": ["z", "a"],
     "Principal": {"AWS": ["b", "a"], "Service": "s.amazonaws.com"}}]},
    {"Version": "2008-10-17", "Id": "src", "statement": [{"sid": "SrcC", "effect": "Allow",
     "action": "s3:GetObject", "resource": {"b": 1, "a": [2.50, "x"]}}]},
    {"Id": "other", "Statement": [{"Effect": "Allow", "Action": "x:y"}, {"Sid": "Stmt0", "Effect": "Deny",
     "Action": "*", "Resource": "*", "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}}]},
    {"Version": "2012-10-17", "Statement": [{"Sid": "Stmt1", "Effect": "Allow", "Action": "o:o",
     "Condition": {"StringLike": {"s3:prefix": []}}}]},
]


def hcl_string(s):
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch in "\u2028\u2029":
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    text = "".join(out) + '"'
    return text.replace("${", "$${").replace("%{", "%%{")


def hcl_list(items):
    return "[" + ", ".join(hcl_string(i) for i in items) + "]"


def pick(pool, lo, hi):
    return [random.choice(pool) for _ in range(random.randint(lo, hi))]


def statement(version, sid):
    s = {}
    if sid:
        s["sid"] = sid
    if random.random() < 0.5:
        s["effect"] = random.choice(["Allow", "Deny"])
    ok = (lambda v: "&{" not in v) if version == "2008-10-17" else (lambda v: True)
    for k, pool in [("actions", ACTIONS), ("not_actions", ACTIONS),
                    ("resources", RESOURCES), ("not_resources", RESOURCES)]:
        if random.random() < (0.7 if k in ("actions", "resources") else 0.2):
            s[k] = sorted(set(v for v in pick(pool, 0, 4) if ok(v)))
    for k in ["principals", "not_principals"]:
        if random.random() < (0.5 if k == "principals" else 0.15):
            s[k] = [{"type": random.choice(PRINCIPAL_TYPES),
                     "identifiers": sorted(set(v for v in pick(IDENTIFIERS, 1, 3) if ok(v))) or ["*"]}
                    for _ in range(random.randint(1, 3))]
    if random.random() < 0.5:
        s["condition"] = [{"test": random.choice(TESTS), "variable": random.choice(VARIABLES),
                           "values": [v for v in pick(VALUES, 0, 3) if ok(v)]}
                          for _ in range(random.randint(1, 4))]
    return s


def config(n):
    c = {}
    version = random.choice([None, "2012-10-17", "2008-10-17"])
    if version:
        c["version"] = version
    if random.random() < 0.3:
        c["policy_id"] = "policy%d" % n
    if random.random() < 0.3:
        c["source_policy_documents"] = [json.dumps(d) for d in random.sample(SOURCES[:3], random.randint(1, 2))]
    if random.random() < 0.3:
        c["override_policy_documents"] = [json.dumps(d) for d in random.sample(SOURCES[3:], random.randint(1, 2))]
    sids = ["Stmt0", "Stmt1", "Mine", None, None]
    random.shuffle(sids)
    c["statement"] = [statement(version, sids[i]) for i in range(random.randint(0, 4))]
    return c


def hcl(name, c):
    lines = ['data "aws_iam_policy_document" "%s" {' % name]
    for k in ["version", "policy_id"]:
        if k in c:
            lines.append("  %s = %s" % (k, hcl_string(c[k])))
    for k in ["source_policy_documents", "override_policy_documents"]:
        if k in c:
            lines.append("  %s = %s" % (k, hcl_list(c[k])))
    for s in c["statement"]:
        lines.append("  statement {")
        for k in ["sid", "effect"]:
            if k in s:
                lines.append("    %s = %s" % (k, hcl_string(s[k])))
        for k in ["actions", "not_actions", "resources", "not_resources"]:
            if k in s:
                lines.append("    %s = %s" % (k, hcl_list(s[k])))
        for k in ["principals", "not_principals"]:
            for p in s.get(k, []):
                lines.append("    %s {\n      type = %s\n      identifiers = %s\n    }"
                             % (k, hcl_string(p["type"]), hcl_list(p["identifiers"])))
        for cond in s.get("condition", []):
            lines.append("    condition {\n      test = %s\n      variable = %s\n      values = %s\n    }"
                         % (hcl_string(cond["test"]), hcl_string(cond["variable"]), hcl_list(cond["values"])))
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    random.seed(20250101)
    configs = [config(i) for i in range(count)]
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "main.tf"), "w") as f:
            f.write('terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws", version = "5.100.0" }\n  }\n}\n'
                    'provider "aws" {\n  region = "us-east-1"\n  access_key = "x"\n  secret_key = "x"\n'
                    '  skip_credentials_validation = true\n  skip_requesting_account_id = true\n'
                    '  skip_metadata_api_check = true\n}\n')
            for i, c in enumerate(configs):
                f.write(hcl("d%d" % i, c) + "\n")
            f.write('output "docs" {\n  value = [%s]\n}\n' % ", ".join(
                "{ json = data.aws_iam_policy_document.d%d.json, minified_json = data.aws_iam_policy_document.d%d.minified_json, id = data.aws_iam_policy_document.d%d.id }" % (i, i, i)
                for i in range(count)))
        run = lambda *a: subprocess.run(["terraform", *a], cwd=d, check=True, capture_output=True)
        run("init", "-input=false")
        run("apply", "-auto-approve", "-input=false")
        out = json.loads(subprocess.run(["terraform", "output", "-json", "docs"], cwd=d, check=True,
                                        capture_output=True).stdout)
    cases = [{"config": c, **o} for c, o in zip(configs, out)]
    print(json.dumps(cases, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
