"""ELBv2 (Application/Network Load Balancers) as AWS documents it.

moto 5.2.1 differs from AWS in ways the aws_lb* resources see:

- DescribeLoadBalancerAttributes lists only the few attributes moto stores;
  AWS lists every attribute of the load balancer's type with its default
  (idle_timeout.timeout_seconds = 60, routing.http2.enabled = true, ...).
- A load balancer's ARN always says `app`; AWS uses `net` for network and
  `gwy` for gateway load balancers (clients tell the type from it).
- An application load balancer created without security groups has none;
  AWS gives it the VPC's default security group.
- Internal load balancers' DNS names lack the `internal-` prefix, and the
  canonical hosted zone ID is a placeholder instead of the region's ELB zone.
- DeleteLoadBalancer ignores deletion protection; AWS refuses
  (OperationNotPermitted).
- Deleting a load balancer leaves its ARN in target groups' LoadBalancerArns.
- HTTP target groups lack the stickiness duration attributes AWS reports
  (stickiness.lb_cookie.duration_seconds = 86400, ...).
- Listeners get an SslPolicy whatever their protocol; AWS sets one only for
  HTTPS and TLS listeners.
"""

from __future__ import annotations

# Route 53 hosted zone IDs of ELB endpoints, by region: (application/classic, network).
_HOSTED_ZONES = {
    "us-east-1": ("Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI"),
    "us-east-2": ("Z3AADJGX6KTTL2", "ZLMOA37VPKANP"),
    "us-west-1": ("Z368ELLRRE2KJ0", "Z24FKFUX50B4VW"),
    "us-west-2": ("Z1H1FL5HABSF5", "Z18D5FSROUN65G"),
    "eu-west-1": ("Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F"),
    "eu-west-2": ("ZHURV8PSTC4K8", "ZD4D7Y8KGAS4G"),
    "eu-central-1": ("Z215JYRZR1TBD5", "Z3F0SRJ5LGBH90"),
    "ap-southeast-1": ("Z1LMS91P8CMLE5", "ZKVM4W9LS7TM"),
    "ap-southeast-2": ("Z1GM3OXH4ZPM65", "ZCT6FZBF4DROD"),
    "ap-northeast-1": ("Z14GRHDCWA56QT", "Z31USIVHYNEOWT"),
}

_APPLICATION_ATTRIBUTES = {
    "access_logs.s3.enabled": "false",
    "access_logs.s3.bucket": "",
    "access_logs.s3.prefix": "",
    "connection_logs.s3.enabled": "false",
    "connection_logs.s3.bucket": "",
    "connection_logs.s3.prefix": "",
    "client_keep_alive.seconds": "3600",
    "deletion_protection.enabled": "false",
    "idle_timeout.timeout_seconds": "60",
    "load_balancing.cross_zone.enabled": "true",
    "routing.http.desync_mitigation_mode": "defensive",
    "routing.http.drop_invalid_header_fields.enabled": "false",
    "routing.http.preserve_host_header.enabled": "false",
    "routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
    "routing.http.xff_client_port.enabled": "false",
    "routing.http.xff_header_processing.mode": "append",
    "routing.http2.enabled": "true",
    "waf.fail_open.enabled": "false",
    "zonal_shift.config.enabled": "false",
}

_NETWORK_ATTRIBUTES = {
    "access_logs.s3.enabled": "false",
    "access_logs.s3.bucket": "",
    "access_logs.s3.prefix": "",
    "deletion_protection.enabled": "false",
    "dns_record.client_routing_policy": "any_availability_zone",
    "load_balancing.cross_zone.enabled": "false",
    "zonal_shift.config.enabled": "false",
}

_GATEWAY_ATTRIBUTES = {
    "deletion_protection.enabled": "false",
    "load_balancing.cross_zone.enabled": "false",
}

_ARN_KIND = {"application": "app", "network": "net", "gateway": "gwy"}


def apply() -> None:
    from moto.elbv2 import models, responses
    from moto.elbv2.exceptions import ELBClientError

    backend_cls = models.ELBv2Backend
    original_create_lb = backend_cls.create_load_balancer
    original_delete_lb = backend_cls.delete_load_balancer
    original_create_tg = backend_cls.create_target_group

    def create_load_balancer(self, name, security_groups, subnet_ids, *args, **kwargs):
        lb_type = kwargs.get("loadbalancer_type") or "application"
        scheme = kwargs.get("scheme") or "internet-facing"
        kwargs["scheme"] = scheme
        if lb_type == "application" and not security_groups:
            subnet_id = (subnet_ids or [None])[0]
            if subnet_id is None:
                mappings = kwargs.get("subnet_mappings") or []
                subnet_id = mappings[0]["SubnetId"] if mappings else None
            subnet = self.ec2_backend.get_subnet(subnet_id) if subnet_id else None
            if subnet is not None:
                group = self.ec2_backend.get_default_security_group(subnet.vpc_id)
                if group is not None:
                    security_groups = [group.id]
        lb = original_create_lb(self, name, security_groups, subnet_ids, *args, **kwargs)
        kind = _ARN_KIND.get(lb_type, "app")
        if kind != "app":
            old_arn = lb.arn
            tags = self.tagging_service.list_tags_for_resource(old_arn).get("Tags", [])
            self.tagging_service.delete_all_tags_for_resource(old_arn)
            lb.arn = old_arn.replace(":loadbalancer/app/", f":loadbalancer/{kind}/")
            del self.load_balancers[old_arn]
            self.load_balancers[lb.arn] = lb
            if tags:
                self.tagging_service.tag_resource(lb.arn, tags)
        defaults = {
            "application": _APPLICATION_ATTRIBUTES,
            "network": _NETWORK_ATTRIBUTES,
        }.get(lb_type, _GATEWAY_ATTRIBUTES)
        lb.attrs = dict(defaults)
        zones = _HOSTED_ZONES.get(self.region_name, _HOSTED_ZONES["us-east-1"])
        lb.canonical_hosted_zone_id = zones[1] if lb_type == "network" else zones[0]
        if scheme == "internal" and not lb.dns_name.startswith("internal-"):
            lb.dns_name = "internal-" + lb.dns_name
        return lb

    def delete_load_balancer(self, arn):
        lb = self.load_balancers.get(arn)
        if lb is not None and lb.attrs.get("deletion_protection.enabled") == "true":
            raise ELBClientError(
                "OperationNotPermitted",
                f"Load balancer '{arn}' cannot be deleted because deletion protection is enabled",
            )
        original_delete_lb(self, arn)
        for tg in self.target_groups.values():
            tg.load_balancer_arns = [a for a in tg.load_balancer_arns if a != arn]

    def create_target_group(self, name, **kwargs):
        tg = original_create_tg(self, name, **kwargs)
        if tg.protocol in ("HTTP", "HTTPS"):
            tg.attributes.setdefault("stickiness.lb_cookie.duration_seconds", "86400")
            tg.attributes.setdefault("stickiness.app_cookie.duration_seconds", "86400")
            tg.attributes.setdefault("stickiness.app_cookie.cookie_name", "")
        return tg

    backend_cls.create_load_balancer = create_load_balancer
    backend_cls.delete_load_balancer = delete_load_balancer
    backend_cls.create_target_group = create_target_group

    response_cls = responses.ELBV2Response

    def create_listener(self):
        params = self._get_params()
        protocol = self._get_param("Protocol")
        ssl_policy = self._get_param("SslPolicy")
        if ssl_policy is None and (protocol or "").upper() in ("HTTPS", "TLS"):
            ssl_policy = "ELBSecurityPolicy-2016-08"
        certificates = self._get_param("Certificates", [])
        certificate = certificates[0].get("CertificateArn") if certificates else None
        listener = self.elbv2_backend.create_listener(
            load_balancer_arn=self._get_param("LoadBalancerArn"),
            protocol=protocol,
            port=self._get_param("Port"),
            ssl_policy=ssl_policy,
            certificate=certificate,
            actions=params.get("DefaultActions", []),
            alpn_policy=params.get("AlpnPolicy", []),
            tags=params.get("Tags"),
        )
        return responses.ActionResult({"Listeners": [listener]})

    response_cls.create_listener = create_listener
