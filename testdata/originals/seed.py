#!/usr/bin/env python3
"""Create, in the emulator, the resources the original configs expect to exist.

    python3 testdata/originals/seed.py --endpoint http://127.0.0.1:PORT [monolithic] [microservices] [serverless]

With no architecture named, seeds all three. Idempotent enough for a fresh
emulator (call POST /moto-api/reset first to start over). See README.md for
the list; this script is its executable form. Needs boto3 (a moto dependency).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import zipfile

import boto3
from botocore.config import Config

REGION = "us-east-1"
DOMAIN = "example.site"
FRONTEND_BUCKET = "www.example.site"
ARTIFACTS_BUCKET = "fortune-app-artifacts"
CONFIG_BUCKET = "fortune-config-files"

INDEX_HTML = b"<!doctype html><title>fortune</title><h1>fortune</h1>\n"

BACKEND_PY = b'''from flask import Flask, jsonify

application = Flask(__name__)


@application.route("/health")
def health():
    return "ok"


@application.route("/api/v1/fortune")
def fortune():
    return jsonify({"fortune": "You will write a Terraform runner."})
'''

LAMBDA_PY = b'''import json


def lambda_handler(event, context):
    return {
        "statusCode": 200,
        "headers": {"Access-Control-Allow-Origin": "*"},
        "body": json.dumps({"fortune": "You will write a Terraform runner."}),
    }
'''

LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}

EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=(2023, 9, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


class Seeder:
    def __init__(self, endpoint: str) -> None:
        kw = dict(
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        self.s3 = boto3.client(
            "s3", config=Config(s3={"addressing_style": "path"}), **kw
        )
        self.iam = boto3.client("iam", **kw)
        self.acm = boto3.client("acm", **kw)
        self.r53 = boto3.client("route53", **kw)
        self.ec2 = boto3.client("ec2", **kw)

    def bucket(self, name: str, objects: dict[str, bytes]) -> None:
        existing = {b["Name"] for b in self.s3.list_buckets().get("Buckets", [])}
        if name not in existing:
            self.s3.create_bucket(Bucket=name)
        for key, body in objects.items():
            self.s3.put_object(Bucket=name, Key=key, Body=body)

    def role(self, name: str, trust: dict) -> None:
        try:
            self.iam.get_role(RoleName=name)
        except self.iam.exceptions.NoSuchEntityException:
            self.iam.create_role(
                RoleName=name, AssumeRolePolicyDocument=json.dumps(trust)
            )

    def certificate(self) -> None:
        certs = self.acm.list_certificates()["CertificateSummaryList"]
        if any(c["DomainName"] == f"*.{DOMAIN}" for c in certs):
            return
        arn = self.acm.request_certificate(
            DomainName=f"*.{DOMAIN}",
            SubjectAlternativeNames=[f"*.{DOMAIN}", DOMAIN],
            ValidationMethod="DNS",
        )["CertificateArn"]
        # ISSUED on this describe when MOTO_ACM_VALIDATION_WAIT=0 (server.py's default)
        status = self.acm.describe_certificate(CertificateArn=arn)["Certificate"][
            "Status"
        ]
        if status != "ISSUED":
            print(
                f"warning: certificate is {status}; start the emulator with "
                "MOTO_ACM_VALIDATION_WAIT=0",
                file=sys.stderr,
            )

    def zone(self) -> None:
        zones = self.r53.list_hosted_zones_by_name(DNSName=f"{DOMAIN}.")["HostedZones"]
        if any(z["Name"] == f"{DOMAIN}." for z in zones):
            return
        self.r53.create_hosted_zone(Name=DOMAIN, CallerReference="tfrs-seed")

    def monolithic(self) -> None:
        # Read by the instances at boot (user_data), not by terraform apply.
        self.bucket(
            CONFIG_BUCKET,
            {
                "nginx.conf": b"events {}\nhttp { server { listen 80; } }\n",
                "index.html": INDEX_HTML,
                "app.py": BACKEND_PY,
            },
        )
        self.role("fortune-ec2-role", EC2_TRUST)
        try:
            self.iam.get_instance_profile(InstanceProfileName="fortune-ec2-profile")
        except self.iam.exceptions.NoSuchEntityException:
            self.iam.create_instance_profile(InstanceProfileName="fortune-ec2-profile")
            self.iam.add_role_to_instance_profile(
                InstanceProfileName="fortune-ec2-profile", RoleName="fortune-ec2-role"
            )
        pairs = self.ec2.describe_key_pairs()["KeyPairs"]
        if not any(p["KeyName"] == "fortune-key" for p in pairs):
            self.ec2.create_key_pair(KeyName="fortune-key")

    def microservices(self) -> None:
        self.bucket(FRONTEND_BUCKET, {"index.html": INDEX_HTML})
        self.bucket(
            ARTIFACTS_BUCKET,
            {
                "backend.zip": zip_bytes(
                    {"application.py": BACKEND_PY, "requirements.txt": b"flask\nboto3\n"}
                )
            },
        )
        self.certificate()
        self.zone()

    def serverless(self) -> None:
        self.bucket(FRONTEND_BUCKET, {"index.html": INDEX_HTML})
        self.bucket(
            ARTIFACTS_BUCKET,
            {"lambda.zip": zip_bytes({"lambda_function.py": LAMBDA_PY})},
        )
        self.role("fortune-lambda-role", LAMBDA_TRUST)
        self.certificate()
        self.zone()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--endpoint", required=True, help="http://HOST:PORT")
    parser.add_argument(
        "architectures",
        nargs="*",
        metavar="ARCH",
        help="monolithic, microservices and/or serverless (default: all)",
    )
    args = parser.parse_args()
    all_names = ["monolithic", "microservices", "serverless"]
    for name in args.architectures:
        if name not in all_names:
            parser.error(f"unknown architecture {name!r} (choose from {all_names})")
    names = args.architectures or all_names
    seeder = Seeder(args.endpoint)
    for name in names:
        getattr(seeder, name)()
        print(f"seeded {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
