"""Elastic Beanstalk as AWS documents it
(https://docs.aws.amazon.com/elasticbeanstalk/latest/api/).

moto 5.2.1 has only CreateApplication (name only: no description, tags or
lifecycle), DescribeApplications, CreateEnvironment (no ID, CNAME or
endpoint; option settings, version label, tier and description dropped),
DescribeEnvironments (no filters), ListAvailableSolutionStacks, tags on
environments and DeleteApplication. This module replaces the service with
one that keeps what AWS keeps:

- Applications: description, tags, resource lifecycle configuration
  (UpdateApplicationResourceLifecycle), UpdateApplication, version labels;
  DeleteApplication refuses while environments run, unless
  TerminateEnvByForce.
- Application versions: Create (the S3 source bundle must exist, as AWS
  checks: InvalidParameterCombination "Unable to download from S3
  location ..."), Describe, Update, Delete (refused while an environment
  runs the version; DeleteSourceBundle deletes the S3 object).
- Environments: IDs `e-` and ten characters, CNAME `prefix.REGION.
  elasticbeanstalk.com` (or `name.eba-xxxxxxxx.REGION...` without a
  prefix), an EndpointURL (the load balancer's `awseb-...` DNS name, the
  instance's address for a single instance, none for workers), tier, version
  label, description, platform ARN, option settings. Status Launching (or
  Updating, Terminating) stays for one DescribeEnvironments, then becomes
  Ready (Terminated); health is Grey until then, Green after. Option
  settings are validated (unknown namespaces and options of the documented
  namespaces, value types and ranges) and kept; DescribeConfigurationSettings
  reports them over the defaults a new environment reports.
  UpdateEnvironment (settings, options to remove, version label,
  description, platform) and TerminateEnvironment need the environment
  Ready, as AWS does; terminated environments stay listed (IncludeDeleted)
  for an hour. DescribeEnvironmentResources names the environment's
  Auto Scaling group, instances (MinSize of them), launch template, load
  balancer and worker queue; a VPC or subnet that does not exist makes the
  launch end with ERROR events, as a failed CloudFormation stack does.
- DescribeEvents (filters, minimum severity, time window), tags on
  applications, versions and environments (environments also carry AWS's
  `elasticbeanstalk:environment-name`, `elasticbeanstalk:environment-id`
  and `Name` tags; changing an environment's tags updates it),
  CheckDNSAvailability.

The environment's resources are named as AWS names them but are not created
in the emulator's EC2, Auto Scaling or ELB services.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import threading

# One lock for every Elastic Beanstalk call: moto's server is threaded, and a
# describe changes state (Launching becomes Ready).
_LOCK = threading.RLock()

_DEFAULT_INSTANCE_TYPE = "t3.micro"

_SEVERITIES = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"]

# How long terminated environments stay listed.
_DELETED_VISIBLE = datetime.timedelta(hours=1)

# The documented namespaces of option settings
# (https://docs.aws.amazon.com/elasticbeanstalk/latest/dg/command-options-general.html
# and the platform-specific ones).
_NAMESPACES = {
    "aws:autoscaling:asg",
    "aws:autoscaling:launchconfiguration",
    "aws:autoscaling:scheduledaction",
    "aws:autoscaling:trigger",
    "aws:autoscaling:updatepolicy:rollingupdate",
    "aws:ec2:instances",
    "aws:ec2:vpc",
    "aws:elasticbeanstalk:application",
    "aws:elasticbeanstalk:application:environment",
    "aws:elasticbeanstalk:application:environmentsecrets",
    "aws:elasticbeanstalk:cloudwatch:logs",
    "aws:elasticbeanstalk:cloudwatch:logs:health",
    "aws:elasticbeanstalk:command",
    "aws:elasticbeanstalk:environment",
    "aws:elasticbeanstalk:environment:proxy",
    "aws:elasticbeanstalk:environment:proxy:staticfiles",
    "aws:elasticbeanstalk:healthreporting:system",
    "aws:elasticbeanstalk:hostmanager",
    "aws:elasticbeanstalk:managedactions",
    "aws:elasticbeanstalk:managedactions:platformupdate",
    "aws:elasticbeanstalk:monitoring",
    "aws:elasticbeanstalk:sns:topics",
    "aws:elasticbeanstalk:sqsd",
    "aws:elasticbeanstalk:trafficsplitting",
    "aws:elasticbeanstalk:xray",
    "aws:elb:healthcheck",
    "aws:elb:loadbalancer",
    "aws:elb:listener",
    "aws:elb:policies",
    "aws:elbv2:loadbalancer",
    "aws:rds:dbinstance",
}
_NAMESPACE_PREFIXES = (
    "aws:elasticbeanstalk:environment:process:",
    "aws:elasticbeanstalk:container:",
    "aws:elb:listener:",
    "aws:elb:policies:",
    "aws:elbv2:listener:",
    "aws:elbv2:listenerrule:",
)

_PROCESS_OPTIONS = [
    "DeregistrationDelay",
    "HealthCheckInterval",
    "HealthCheckPath",
    "HealthCheckTimeout",
    "HealthyThresholdCount",
    "MatcherHTTPCode",
    "Port",
    "Protocol",
    "StickinessEnabled",
    "StickinessLBCookieDuration",
    "StickinessType",
    "UnhealthyThresholdCount",
]

# Options of the namespaces whose every option is documented: any other
# option name in them is an "Unknown configuration setting".
_OPTIONS = {
    "aws:autoscaling:asg": [
        "Availability Zones",
        "Cooldown",
        "Custom Availability Zones",
        "EnableCapacityRebalancing",
        "MinSize",
        "MaxSize",
    ],
    "aws:autoscaling:launchconfiguration": [
        "BlockDeviceMappings",
        "DisableDefaultEC2SecurityGroup",
        "DisableIMDSv1",
        "EC2KeyName",
        "IamInstanceProfile",
        "ImageId",
        "InstanceType",
        "LaunchTemplateTagPropagationEnabled",
        "MonitoringInterval",
        "RootVolumeIOPS",
        "RootVolumeSize",
        "RootVolumeThroughput",
        "RootVolumeType",
        "SecurityGroups",
        "SSHSourceRestriction",
    ],
    "aws:ec2:vpc": [
        "AssociatePublicIpAddress",
        "DBSubnets",
        "ELBScheme",
        "ELBSubnets",
        "Subnets",
        "VPCId",
    ],
    "aws:elasticbeanstalk:environment": [
        "EnvironmentType",
        "ExternalExtensionsS3Bucket",
        "ExternalExtensionsS3Key",
        "LoadBalancerIsShared",
        "LoadBalancerType",
        "ServiceRole",
    ],
    "aws:elasticbeanstalk:healthreporting:system": [
        "ConfigDocument",
        "EnhancedHealthAuthEnabled",
        "HealthCheckSuccessThreshold",
        "SystemType",
    ],
}

_BOOL = ("bool", None)


def _enum(*values):
    return ("enum", values)


def _int(low, high):
    return ("int", (low, high))


# Value checks: (namespace or "process", option) -> kind.
_VALUE_RULES = {
    ("aws:autoscaling:asg", "MinSize"): _int(0, 10000),
    ("aws:autoscaling:asg", "MaxSize"): _int(1, 10000),
    ("aws:autoscaling:asg", "Cooldown"): _int(0, 10000),
    ("aws:autoscaling:asg", "Availability Zones"): _enum("Any", "Any 1", "Any 2", "Any 3"),
    ("aws:autoscaling:asg", "EnableCapacityRebalancing"): _BOOL,
    ("aws:autoscaling:launchconfiguration", "MonitoringInterval"): _enum("1 minute", "5 minute"),
    ("aws:autoscaling:launchconfiguration", "DisableIMDSv1"): _BOOL,
    ("aws:autoscaling:launchconfiguration", "RootVolumeType"): _enum(
        "standard", "gp2", "gp3", "io1", "io2"
    ),
    ("aws:autoscaling:launchconfiguration", "RootVolumeSize"): _int(8, 16384),
    ("aws:ec2:vpc", "AssociatePublicIpAddress"): _BOOL,
    ("aws:elasticbeanstalk:environment", "EnvironmentType"): _enum(
        "SingleInstance", "LoadBalanced"
    ),
    ("aws:elasticbeanstalk:environment", "LoadBalancerType"): _enum(
        "classic", "application", "network"
    ),
    ("aws:elasticbeanstalk:environment", "LoadBalancerIsShared"): _BOOL,
    ("aws:elasticbeanstalk:healthreporting:system", "SystemType"): _enum("basic", "enhanced"),
    ("aws:elasticbeanstalk:healthreporting:system", "HealthCheckSuccessThreshold"): _enum(
        "Ok", "Warning", "Degraded", "Severe"
    ),
    ("aws:elasticbeanstalk:healthreporting:system", "EnhancedHealthAuthEnabled"): _BOOL,
    ("aws:elasticbeanstalk:healthreporting:system", "ConfigDocument"): ("json", None),
    ("process", "DeregistrationDelay"): _int(0, 3600),
    ("process", "HealthCheckInterval"): _int(5, 300),
    ("process", "HealthCheckTimeout"): _int(1, 60),
    ("process", "HealthyThresholdCount"): _int(2, 10),
    ("process", "UnhealthyThresholdCount"): _int(2, 10),
    ("process", "Port"): _int(1, 65535),
    ("process", "Protocol"): _enum("TCP", "HTTP", "HTTPS"),
    ("process", "StickinessEnabled"): _BOOL,
    ("process", "StickinessLBCookieDuration"): _int(1, 604800),
    ("process", "StickinessType"): _enum("lb_cookie"),
    ("process", "MatcherHTTPCode"): ("http_codes", None),
}

_STACK_VERSION = re.compile(r" v\d+(\.\d+)* ")
_PLATFORM_ARN = re.compile(
    r"^arn:aws[a-z-]*:elasticbeanstalk:[a-z0-9-]+::platform/(?P<lang>.+) running on "
    r"(?P<os>64bit .+)/(?P<version>\d+(\.\d+)*)$"
)
_STACK_NAME = re.compile(r"^(?P<os>64bit .+) v(?P<version>\d+(\.\d+)*) running (?P<lang>.+)$")


def _now():
    from moto.core.utils import utcnow

    return utcnow()


def _random():
    from moto.moto_api._internal import mock_random

    return mock_random


def _chars(n, alphabet="abcdefghijklmnopqrstuvwxyz0123456789"):
    r = _random()
    return "".join(r.choice(alphabet) for _ in range(n))


def _upper(n):
    return _chars(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _digits(n):
    return _chars(n, "0123456789")


def _hex(n):
    return _chars(n, "0123456789abcdef")


def _partition(region):
    from moto.utilities.utils import get_partition

    return get_partition(region)


def _branch(stack_name):
    """A solution stack's platform branch: its name without the version."""
    return _STACK_VERSION.sub(" vX ", stack_name, count=1)


def _platform_arn(region, stack_name):
    m = _STACK_NAME.match(stack_name)
    if not m:
        return None
    return (
        f"arn:{_partition(region)}:elasticbeanstalk:{region}::platform/"
        f"{m.group('lang')} running on {m.group('os')}/{m.group('version')}"
    )


def _stack_of_platform(arn):
    m = _PLATFORM_ARN.match(arn or "")
    if not m:
        return None
    return f"{m.group('os')} v{m.group('version')} running {m.group('lang')}"


def _known_stacks():
    from moto.elasticbeanstalk.responses import SOLUTION_STACK_DETAILS

    return [s["SolutionStackName"] for s in SOLUTION_STACK_DETAILS]


def _is_known_stack(stack_name):
    """AWS lists the newest version of each platform branch; environments
    can also use earlier versions of a branch it supports."""
    branches = {_branch(s) for s in _known_stacks()}
    return _branch(stack_name) in branches


_ERROR_CLASS = []


def _fail(code, message):
    """An AWS error: moto serialises the code and message as AWS does. (The
    class is defined outside moto's packages, so that moto looks the code up
    in the Elastic Beanstalk model only.)"""
    if not _ERROR_CLASS:
        from moto.core.exceptions import ServiceException

        class ElasticBeanstalkError(ServiceException):
            pass

        _ERROR_CLASS.append(ElasticBeanstalkError)
    return _ERROR_CLASS[0](code, message)


def _arn(region, account, kind, path):
    return f"arn:{_partition(region)}:elasticbeanstalk:{region}:{account}:{kind}/{path}"


def _default_lifecycle():
    return {
        "VersionLifecycleConfig": {
            "MaxCountRule": {"Enabled": False, "MaxCount": 200, "DeleteSourceFromS3": False},
            "MaxAgeRule": {"Enabled": False, "MaxAgeInDays": 180, "DeleteSourceFromS3": False},
        }
    }


class Application:
    def __init__(self, backend, name, description, tags):
        self.name = name
        self.description = description or None
        self.tags = dict(tags)
        self.arn = _arn(backend.region_name, backend.account_id, "application", name)
        self.created = self.updated = _now()
        self.versions = {}
        self.lifecycle = _default_lifecycle()

    def describe(self):
        versions = sorted(self.versions.values(), key=lambda v: v.created, reverse=True)
        out = {
            "ApplicationArn": self.arn,
            "ApplicationName": self.name,
            "DateCreated": self.created,
            "DateUpdated": self.updated,
            "Versions": [v.label for v in versions],
            "ConfigurationTemplates": [],
            "ResourceLifecycleConfig": self.lifecycle,
        }
        if self.description:
            out["Description"] = self.description
        return out


class ApplicationVersion:
    def __init__(self, backend, app, label, description, bundle, process, tags):
        self.app = app
        self.label = label
        self.description = description or None
        self.bundle = bundle
        self.status = "PROCESSED" if process else "UNPROCESSED"
        self.tags = dict(tags)
        self.arn = _arn(
            backend.region_name, backend.account_id, "applicationversion", f"{app.name}/{label}"
        )
        self.created = self.updated = _now()

    def describe(self):
        out = {
            "ApplicationVersionArn": self.arn,
            "ApplicationName": self.app.name,
            "VersionLabel": self.label,
            "DateCreated": self.created,
            "DateUpdated": self.updated,
            "Status": self.status,
        }
        if self.bundle:
            out["SourceBundle"] = self.bundle
        if self.description:
            out["Description"] = self.description
        return out


class Environment:
    def __init__(self, backend, app, name, env_id, stack, tier, version_label, description):
        self.backend = backend
        self.app = app
        self.name = name
        self.id = env_id
        self.stack = stack
        self.platform_arn = _platform_arn(backend.region_name, stack)
        self.tier = tier
        self.version_label = version_label
        self.description = description or None
        self.template_name = None
        self.options = {}
        self.tags = {}
        self.cname = None
        self.status = "Launching"
        self.health = "Grey"
        self.failed = False
        # Describes that still see a transitional status.
        self.pending = 1
        self.created = self.updated = _now()
        self.terminated_at = None
        self.arn = _arn(
            backend.region_name, backend.account_id, "environment", f"{app.name}/{name}"
        )
        self.names = {
            "asg": f"awseb-{env_id}-stack-AWSEBAutoScalingGroup-{_upper(12)}",
            "lt": f"lt-{_hex(17)}",
            "alb": f"awseb-AWSEB-{_upper(12)}",
            "elb": f"awseb-{env_id}-AWSEBLoa-{_upper(12)}"[:32],
            "lb_id": _hex(16),
            "dns": _digits(10),
            "queue": f"awseb-{env_id}-stack-AWSEBWorkerQueue-{_upper(12)}",
            "eip": ".".join(
                ["54"] + [str(_random().randint(a, b)) for a, b in ((0, 255), (0, 255), (1, 254))]
            ),
        }
        self.instances = []

    # --- option settings -------------------------------------------------

    def option(self, namespace, name, default=None):
        for (ns, opt, _res), value in self.options.items():
            if ns == namespace and opt == name:
                return value
        return default

    @property
    def environment_type(self):
        return self.option("aws:elasticbeanstalk:environment", "EnvironmentType", "LoadBalanced")

    @property
    def load_balancer_type(self):
        if self.environment_type != "LoadBalanced" or self.tier["Name"] == "Worker":
            return None
        return self.option("aws:elasticbeanstalk:environment", "LoadBalancerType", "classic")

    def desired_instances(self):
        if self.environment_type == "SingleInstance":
            return 1
        try:
            return max(int(self.option("aws:autoscaling:asg", "MinSize", "1")), 1)
        except ValueError:
            return 1

    def scale(self):
        want = self.desired_instances()
        while len(self.instances) < want:
            self.instances.append(f"i-{_hex(17)}")
        del self.instances[want:]

    def defaults(self):
        """The settings a new environment of this kind reports unset options
        with (documented defaults; empty values where AWS reports none)."""
        region = self.backend.region_name
        lb = self.load_balancer_type
        network = lb == "network"
        image = "ami-" + hashlib.sha1(f"{region}/{self.stack}".encode()).hexdigest()[:17]
        al2023 = "Amazon Linux 2023" in (self.stack or "")
        out = {
            "aws:autoscaling:asg": {
                "Availability Zones": "Any",
                "Cooldown": "360",
                "Custom Availability Zones": "",
                "EnableCapacityRebalancing": "false",
                "MinSize": "1",
                "MaxSize": "4",
            },
            "aws:autoscaling:launchconfiguration": {
                "BlockDeviceMappings": "",
                "DisableIMDSv1": "true" if al2023 else "false",
                "EC2KeyName": "",
                "IamInstanceProfile": "",
                "ImageId": image,
                "InstanceType": _DEFAULT_INSTANCE_TYPE,
                "MonitoringInterval": "5 minute",
                "RootVolumeIOPS": "",
                "RootVolumeSize": "",
                "RootVolumeThroughput": "",
                "RootVolumeType": "",
                "SSHSourceRestriction": "tcp,22,22,0.0.0.0/0",
            },
            "aws:autoscaling:trigger": {
                "BreachDuration": "5",
                "EvaluationPeriods": "1",
                "LowerBreachScaleIncrement": "-1",
                "LowerThreshold": "2000000",
                "MeasureName": "NetworkOut",
                "Period": "5",
                "Statistic": "Average",
                "Unit": "Bytes",
                "UpperBreachScaleIncrement": "1",
                "UpperThreshold": "6000000",
            },
            "aws:autoscaling:updatepolicy:rollingupdate": {
                "MaxBatchSize": "",
                "MinInstancesInService": "",
                "PauseTime": "",
                "RollingUpdateEnabled": "false",
                "RollingUpdateType": "Time",
                "Timeout": "PT30M",
            },
            "aws:ec2:instances": {
                "EnableSpot": "false",
                "InstanceTypes": f"{_DEFAULT_INSTANCE_TYPE}, t3.small",
                "SpotFleetOnDemandAboveBasePercentage": "70",
                "SpotFleetOnDemandBase": "0",
                "SpotMaxPrice": "",
            },
            "aws:ec2:vpc": {
                "AssociatePublicIpAddress": "",
                "DBSubnets": "",
                "ELBScheme": "public",
                "ELBSubnets": "",
                "Subnets": "",
                "VPCId": "",
            },
            "aws:elasticbeanstalk:cloudwatch:logs": {
                "DeleteOnTerminate": "false",
                "RetentionInDays": "7",
                "StreamLogs": "false",
            },
            "aws:elasticbeanstalk:cloudwatch:logs:health": {
                "DeleteOnTerminate": "false",
                "HealthStreamingEnabled": "false",
                "RetentionInDays": "7",
            },
            "aws:elasticbeanstalk:command": {
                "BatchSize": "100",
                "BatchSizeType": "Percentage",
                "DeploymentPolicy": "AllAtOnce",
                "IgnoreHealthCheck": "false",
                "Timeout": "600",
            },
            "aws:elasticbeanstalk:environment": {
                "EnvironmentType": "LoadBalanced",
                "ExternalExtensionsS3Bucket": "",
                "ExternalExtensionsS3Key": "",
                "LoadBalancerIsShared": "false",
                "LoadBalancerType": "classic",
                "ServiceRole": "",
            },
            "aws:elasticbeanstalk:healthreporting:system": {
                "EnhancedHealthAuthEnabled": "true",
                "HealthCheckSuccessThreshold": "Ok",
                "SystemType": "basic",
            },
            "aws:elasticbeanstalk:hostmanager": {"LogPublicationControl": "false"},
            "aws:elasticbeanstalk:managedactions": {
                "ManagedActionsEnabled": "false",
                "PreferredStartTime": "",
                "ServiceRoleForManagedUpdates": "",
            },
            "aws:elasticbeanstalk:sns:topics": {
                "Notification Endpoint": "",
                "Notification Protocol": "email",
                "Notification Topic ARN": "",
                "Notification Topic Name": "",
            },
            "aws:elasticbeanstalk:xray": {"XRayEnabled": "false"},
        }
        if self.option("aws:elasticbeanstalk:healthreporting:system", "SystemType") == "enhanced":
            out["aws:elasticbeanstalk:healthreporting:system"]["ConfigDocument"] = json.dumps(
                {
                    "Rules": {
                        "Environment": {
                            "Application": {"ApplicationRequests4xx": {"Enabled": True}},
                            "ELB": {"ELBRequests4xx": {"Enabled": True}},
                        }
                    },
                    "Version": 1,
                },
                separators=(",", ":"),
            )
        if lb in ("application", "network"):
            out["aws:elasticbeanstalk:environment:process:default"] = {
                "DeregistrationDelay": "20",
                "HealthCheckInterval": "30" if network else "15",
                "HealthCheckPath": "/",
                "HealthCheckTimeout": "5",
                "HealthyThresholdCount": "5" if network else "3",
                "MatcherHTTPCode": "",
                "Port": "80",
                "Protocol": "TCP" if network else "HTTP",
                "StickinessEnabled": "false",
                "StickinessLBCookieDuration": "86400",
                "StickinessType": "lb_cookie",
                "UnhealthyThresholdCount": "5",
            }
            out["aws:elbv2:listener:default"] = {
                "DefaultProcess": "default",
                "ListenerEnabled": "true",
                "Protocol": "TCP" if network else "HTTP",
                "Rules": "",
                "SSLCertificateArns": "",
                "SSLPolicy": "",
            }
        if lb == "application":
            out["aws:elbv2:loadbalancer"] = {
                "AccessLogsS3Bucket": "",
                "AccessLogsS3Enabled": "false",
                "AccessLogsS3Prefix": "",
                "IdleTimeout": "60",
            }
        if lb == "classic":
            out["aws:elb:loadbalancer"] = {
                "CrossZone": "false",
                "LoadBalancerHTTPPort": "80",
                "LoadBalancerHTTPSPort": "OFF",
                "LoadBalancerPortProtocol": "HTTP",
                "LoadBalancerSSLPortProtocol": "HTTPS",
                "SSLCertificateId": "",
            }
            out["aws:elb:healthcheck"] = {
                "HealthyThreshold": "3",
                "Interval": "10",
                "Target": "TCP:80",
                "Timeout": "5",
                "UnhealthyThreshold": "5",
            }
        if self.tier["Name"] == "Worker":
            out["aws:elasticbeanstalk:sqsd"] = {
                "HttpConnections": "50",
                "HttpPath": "/",
                "InactivityTimeout": "299",
                "MimeType": "application/json",
                "RetentionPeriod": "345600",
                "VisibilityTimeout": "300",
                "WorkerQueueURL": self.queue_url(),
            }
        return out

    def settings(self):
        merged = {}
        for ns, opts in self.defaults().items():
            for name, value in opts.items():
                merged[(ns, name, None)] = value
        for (ns, name, resource), value in self.options.items():
            merged.pop((ns, name, None), None)
            merged[(ns, name, resource)] = value
        out = []
        for (ns, name, resource), value in sorted(
            merged.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
        ):
            item = {"Namespace": ns, "OptionName": name}
            if resource:
                item["ResourceName"] = resource
            if value != "":
                item["Value"] = value
            out.append(item)
        return out

    # --- resources ----------------------------------------------------------

    def queue_url(self):
        region = self.backend.region_name
        account = self.backend.account_id
        return f"https://sqs.{region}.amazonaws.com/{account}/{self.names['queue']}"

    def load_balancer(self):
        """(name as DescribeEnvironmentResources gives it, DNS name)."""
        region = self.backend.region_name
        account = self.backend.account_id
        lb = self.load_balancer_type
        if lb == "application":
            name = self.names["alb"]
            arn = (
                f"arn:{_partition(region)}:elasticloadbalancing:{region}:{account}:"
                f"loadbalancer/app/{name}/{self.names['lb_id']}"
            )
            return arn, f"{name}-{self.names['dns']}.{region}.elb.amazonaws.com"
        if lb == "network":
            name = self.names["alb"]
            arn = (
                f"arn:{_partition(region)}:elasticloadbalancing:{region}:{account}:"
                f"loadbalancer/net/{name}/{self.names['lb_id']}"
            )
            return arn, f"{name}-{self.names['lb_id']}.elb.{region}.amazonaws.com"
        if lb == "classic":
            name = self.names["elb"]
            return name, f"{name}-{self.names['dns']}.{region}.elb.amazonaws.com"
        return None, None

    def endpoint_url(self):
        if self.tier["Name"] == "Worker":
            return None
        if self.environment_type == "SingleInstance":
            return self.names["eip"]
        return self.load_balancer()[1]

    def resources(self):
        live = self.status != "Terminated"
        lb_name, _ = self.load_balancer()
        return {
            "EnvironmentName": self.name,
            "AutoScalingGroups": [{"Name": self.names["asg"]}] if live else [],
            "Instances": [{"Id": i} for i in self.instances] if live else [],
            "LaunchConfigurations": [],
            "LaunchTemplates": [{"Id": self.names["lt"]}] if live else [],
            "LoadBalancers": [{"Name": lb_name}] if live and lb_name else [],
            "Triggers": [],
            "Queues": (
                [{"Name": "WorkerQueue", "URL": self.queue_url()}]
                if live and self.tier["Name"] == "Worker"
                else []
            ),
        }

    def system_tags(self):
        return {
            "elasticbeanstalk:environment-name": self.name,
            "elasticbeanstalk:environment-id": self.id,
            "Name": self.name,
        }

    def describe(self):
        out = {
            "EnvironmentName": self.name,
            "EnvironmentId": self.id,
            "ApplicationName": self.app.name,
            "SolutionStackName": self.stack,
            "DateCreated": self.created,
            "DateUpdated": self.updated,
            "Status": self.status,
            "AbortableOperationInProgress": self.status == "Updating",
            "Health": self.health,
            "Tier": self.tier,
            "EnvironmentLinks": [],
            "EnvironmentArn": self.arn,
        }
        if self.platform_arn:
            out["PlatformArn"] = self.platform_arn
        if self.version_label:
            out["VersionLabel"] = self.version_label
        if self.template_name:
            out["TemplateName"] = self.template_name
        if self.description:
            out["Description"] = self.description
        if self.cname:
            out["CNAME"] = self.cname
        if self.status != "Launching":
            endpoint = self.endpoint_url()
            if endpoint:
                out["EndpointURL"] = endpoint
        if self.option("aws:elasticbeanstalk:healthreporting:system", "SystemType") == "enhanced":
            out["HealthStatus"] = {
                "Launching": "Pending",
                "Updating": "Info",
                "Ready": "Severe" if self.failed else "Ok",
            }.get(self.status, "Unknown")
        lb_name, dns = self.load_balancer()
        if lb_name and self.status not in ("Launching", "Terminated"):
            out["Resources"] = {
                "LoadBalancer": {
                    "LoadBalancerName": lb_name.rsplit("/", 2)[-2] if "/" in lb_name else lb_name,
                    "Domain": dns,
                    "Listeners": [{"Protocol": "http", "Port": 80}],
                }
            }
        return out


def _event(backend, severity, message, app=None, env=None, version=None):
    backend.eb_events.append(
        {
            "EventDate": _now(),
            "Message": message,
            "ApplicationName": app.name if app else (env.app.name if env else None),
            "EnvironmentName": env.name if env else None,
            "EnvironmentId": env.id if env else None,
            "VersionLabel": version,
            "Severity": severity,
        }
    )


def _check_option_value(namespace, name, value):
    key = (namespace, name)
    if namespace.startswith("aws:elasticbeanstalk:environment:process:"):
        key = ("process", name)
    rule = _VALUE_RULES.get(key)
    if rule is None:
        return
    kind, arg = rule

    def invalid(reason):
        raise _fail(
            "ConfigurationValidationException",
            f"Configuration validation exception: Invalid option value: '{value}' "
            f"(Namespace: '{namespace}', OptionName: '{name}'): {reason}"
        )

    if kind == "bool" and value.lower() not in ("true", "false"):
        invalid("Value is not a boolean (true or false).")
    if kind == "enum" and value not in arg:
        invalid(f"Value is not one of the allowed values: [{', '.join(arg)}]")
    if kind == "int":
        try:
            number = int(value)
        except ValueError:
            invalid("Value is not an integer.")
        if number < arg[0]:
            invalid(f"Value is less than minimum allowed value: {arg[0]}")
        if number > arg[1]:
            invalid(f"Value is greater than maximum allowed value: {arg[1]}")
    if kind == "json":
        try:
            json.loads(value)
        except ValueError:
            invalid("Value is not a valid JSON document.")
    if kind == "http_codes" and not re.match(r"^((\d{3}(-\d{3})?)|(\d{3}(,\d{3})*))$", value):
        invalid(
            "Value does not satisfy regex: '^((\\d{3}(-\\d{3})?)|(\\d{3}(,\\d{3})*))$' "
            "[The configured value for 'MatcherHTTPCode' is invalid. A valid value must be a "
            "single code of 3 digits, a comma separated list of codes (e.g 200,210), or a range "
            "of codes (e.g 200-210).]"
        )


def _check_options(options):
    """Validates option settings as AWS does before anything changes."""
    for (namespace, name, _resource), value in options.items():
        known = namespace in _NAMESPACES or namespace.startswith(_NAMESPACE_PREFIXES)
        allowed = _OPTIONS.get(namespace)
        if namespace.startswith("aws:elasticbeanstalk:environment:process:"):
            allowed = _PROCESS_OPTIONS
        if not known or (allowed is not None and name not in allowed):
            raise _fail(
                "ConfigurationValidationException",
                "Configuration validation exception: Invalid option specification "
                f"(Namespace: '{namespace}', OptionName: '{name}'): Unknown configuration setting."
            )
        _check_option_value(namespace, name, value)
    sizes = {n: v for (ns, n, _r), v in options.items() if ns == "aws:autoscaling:asg"}
    if "MinSize" in sizes and "MaxSize" in sizes and int(sizes["MinSize"]) > int(sizes["MaxSize"]):
        raise _fail(
            "ConfigurationValidationException",
            "Configuration validation exception: Invalid option value: "
            f"'{sizes['MinSize']}' (Namespace: 'aws:autoscaling:asg', OptionName: 'MinSize'): "
            "Value is greater than MaxSize."
        )


def _options_of(settings):
    out = {}
    for s in settings or []:
        value = s.get("Value")
        out[(s.get("Namespace"), s.get("OptionName"), s.get("ResourceName"))] = (
            "" if value is None else str(value)
        )
    return out


def _missing_network(env):
    """VPC resources the settings name that do not exist: CloudFormation
    fails to create the environment's stack on them."""
    from moto.ec2.models import ec2_backends

    ec2 = ec2_backends[env.backend.account_id][env.backend.region_name]
    missing = []
    vpc = env.option("aws:ec2:vpc", "VPCId")
    if vpc and vpc not in ec2.vpcs:
        missing.append(vpc)
    subnet_ids = {s.id for subnets in ec2.subnets.values() for s in subnets.values()}
    for option in ("Subnets", "ELBSubnets"):
        for subnet in (env.option("aws:ec2:vpc", option) or "").split(","):
            subnet = subnet.strip()
            if subnet and subnet not in subnet_ids and subnet not in missing:
                missing.append(subnet)
    return missing


def _finish(env):
    """The end of a Launching/Updating/Terminating step."""
    backend = env.backend
    if env.status == "Launching":
        missing = _missing_network(env)
        env.status = "Ready"
        if missing:
            env.failed = True
            env.health = "Red"
            _event(
                backend,
                "ERROR",
                f"Stack named 'awseb-{env.id}-stack' aborted operation. Current state: "
                "'CREATE_FAILED'  Reason: The following resource(s) failed to create: "
                f"[AWSEBAutoScalingGroup]. ({', '.join(missing)} not found)",
                env=env,
            )
            _event(
                backend,
                "ERROR",
                "Create environment operation is complete, but with errors. For more "
                "information, see troubleshooting documentation.",
                env=env,
            )
        else:
            env.health = "Green"
            env.scale()
            if env.cname:
                _event(backend, "INFO", f"Application available at {env.cname}.", env=env)
            _event(backend, "INFO", "createEnvironment completed successfully.", env=env)
    elif env.status == "Updating":
        env.status = "Ready"
        env.health = "Red" if env.failed else "Green"
        env.scale()
        _event(backend, "INFO", "Environment update completed successfully.", env=env)
    elif env.status == "Terminating":
        env.status = "Terminated"
        env.health = "Grey"
        env.terminated_at = _now()
        env.instances = []
        _event(backend, "INFO", "terminateEnvironment completed successfully.", env=env)
    env.updated = _now()


def _advance(env):
    """A describe: the first one after a change still sees it in progress,
    the next one sees it done."""
    if env.status in ("Launching", "Updating", "Terminating"):
        if env.pending > 0:
            env.pending -= 1
        else:
            _finish(env)


def apply() -> None:
    import warnings

    # The service model lists no error shapes for the query errors below;
    # moto serialises them by their codes all the same.
    warnings.filterwarnings("ignore", message=r"Exception\(ElasticBeanstalkError\)")

    from moto.core.responses import ActionResult, EmptyResult
    from moto.elasticbeanstalk.models import EBBackend
    from moto.elasticbeanstalk.responses import EBResponse

    original_init = EBBackend.__init__

    def init(self, region_name, account_id):
        original_init(self, region_name, account_id)
        self.applications = {}
        self.eb_environments = {}
        self.eb_events = []

    EBBackend.__init__ = init

    def backend_of(resp):
        b = resp.elasticbeanstalk_backend
        if not hasattr(b, "eb_environments"):
            b.applications = {}
            b.eb_environments = {}
            b.eb_events = []
        return b

    def locked(fn):
        def wrapper(self):
            with _LOCK:
                return fn(self, backend_of(self))

        wrapper.__name__ = fn.__name__
        return wrapper

    def tags_of(resp, name="Tags"):
        return {t["Key"]: t.get("Value", "") for t in resp._get_param(name, []) or []}

    def app_of(backend, name):
        app = backend.applications.get(name)
        if app is None:
            raise _fail("InvalidParameterValue", f"No Application named '{name}' found.")
        return app

    def env_of(backend, env_id=None, env_name=None, app_name=None):
        for env in backend.eb_environments.values():
            if env.status == "Terminated":
                continue
            if env_id and env.id != env_id:
                continue
            if env_name and env.name != env_name:
                continue
            if app_name and env.app.name != app_name:
                continue
            if env_id or env_name:
                return env
        if env_id:
            raise _fail(
                "InvalidParameterValue", f"No Environment found for EnvironmentId = '{env_id}'."
            )
        raise _fail(
            "InvalidParameterValue", f"No Environment found for EnvironmentName = '{env_name}'."
        )

    def resource_of(backend, arn):
        for app in backend.applications.values():
            if app.arn == arn:
                return app, None
            for version in app.versions.values():
                if version.arn == arn:
                    return version, None
        for env in backend.eb_environments.values():
            if env.arn == arn and env.status != "Terminated":
                return env, env.system_tags()
        raise _fail("ResourceNotFoundException", f"Resource not found for ARN '{arn}'.")

    def must_be_ready(env):
        if env.status != "Ready":
            raise _fail(
                "InvalidParameterValue",
                f"Environment named {env.name} is in an invalid state for this operation. "
                "Must be Ready."
            )

    def page(items, resp, key):
        max_records = resp._get_param("MaxRecords")
        token = resp._get_param("NextToken")
        start = int(token) if token and str(token).isdigit() else 0
        end = len(items) if not max_records else start + int(max_records)
        out = {key: items[start:end]}
        if end < len(items):
            out["NextToken"] = str(end)
        return out

    # --- applications -------------------------------------------------------

    @locked
    def create_application(self, backend):
        name = self._get_param("ApplicationName")
        if name in backend.applications:
            raise _fail("InvalidParameterValue", f"Application {name} already exists.")
        app = Application(backend, name, self._get_param("Description"), tags_of(self))
        lifecycle = self._get_param("ResourceLifecycleConfig")
        if lifecycle:
            app.lifecycle = merge_lifecycle(app.lifecycle, lifecycle)
        backend.applications[name] = app
        return ActionResult({"Application": app.describe()})

    @locked
    def describe_applications(self, backend):
        names = self._get_param("ApplicationNames", [])
        apps = [a for a in backend.applications.values() if not names or a.name in names]
        return ActionResult({"Applications": [a.describe() for a in apps]})

    @locked
    def update_application(self, backend):
        app = app_of(backend, self._get_param("ApplicationName"))
        description = self._get_param("Description")
        if description is not None:
            app.description = description or None
            app.updated = _now()
        return ActionResult({"Application": app.describe()})

    def merge_lifecycle(current, given):
        out = json.loads(json.dumps(current))
        if given.get("ServiceRole"):
            out["ServiceRole"] = given["ServiceRole"]
        vlc = given.get("VersionLifecycleConfig") or {}
        for rule, count_key in (("MaxCountRule", "MaxCount"), ("MaxAgeRule", "MaxAgeInDays")):
            if rule in vlc:
                r = vlc[rule] or {}
                enabled = str(r.get("Enabled", False)).lower() == "true"
                new = dict(out["VersionLifecycleConfig"][rule])
                new["Enabled"] = enabled
                if r.get(count_key) is not None:
                    new[count_key] = int(r[count_key])
                if r.get("DeleteSourceFromS3") is not None:
                    new["DeleteSourceFromS3"] = str(r["DeleteSourceFromS3"]).lower() == "true"
                out["VersionLifecycleConfig"][rule] = new
        enabled = any(
            out["VersionLifecycleConfig"][r]["Enabled"] for r in ("MaxCountRule", "MaxAgeRule")
        )
        if enabled and not out.get("ServiceRole"):
            raise _fail(
                "InvalidParameterValue",
                "The ServiceRole is required to enable application version lifecycle rules."
            )
        return out

    @locked
    def update_application_resource_lifecycle(self, backend):
        app = app_of(backend, self._get_param("ApplicationName"))
        given = self._get_param("ResourceLifecycleConfig") or {}
        app.lifecycle = merge_lifecycle(app.lifecycle, given)
        app.updated = _now()
        return ActionResult(
            {"ApplicationName": app.name, "ResourceLifecycleConfig": app.lifecycle}
        )

    @locked
    def delete_application(self, backend):
        name = self._get_param("ApplicationName")
        app = app_of(backend, name)
        force = str(self._get_param("TerminateEnvByForce", False)).lower() == "true"
        running = [
            e
            for e in backend.eb_environments.values()
            if e.app is app and e.status != "Terminated"
        ]
        if running and not force:
            raise _fail(
                "InvalidParameterValue",
                f"Unable to delete application {name} because it has running environments: "
                + ", ".join(e.name for e in running)
                + "."
            )
        for env in running:
            env.status = "Terminated"
            env.health = "Grey"
            env.terminated_at = _now()
            env.instances = []
        del backend.applications[name]
        return EmptyResult()

    # --- application versions ----------------------------------------------

    @locked
    def create_application_version(self, backend):
        name = self._get_param("ApplicationName")
        label = self._get_param("VersionLabel")
        app = backend.applications.get(name)
        if app is None:
            if str(self._get_param("AutoCreateApplication", False)).lower() == "true":
                app = Application(backend, name, None, {})
                backend.applications[name] = app
            else:
                raise _fail("InvalidParameterValue", f"No Application named '{name}' found.")
        if label in app.versions:
            raise _fail("InvalidParameterValue", f"Application Version {label} already exists.")
        bundle = self._get_param("SourceBundle")
        if bundle:
            bucket, key = bundle.get("S3Bucket"), bundle.get("S3Key")
            if not source_exists(backend, bucket, key):
                raise _fail(
                    "InvalidParameterCombination",
                    f"Unable to download from S3 location (Bucket: {bucket}  Key: {key}). "
                    "Reason: Not Found"
                )
            bundle = {"S3Bucket": bucket, "S3Key": key}
        process = str(self._get_param("Process", False)).lower() == "true"
        version = ApplicationVersion(
            backend, app, label, self._get_param("Description"), bundle, process, tags_of(self)
        )
        app.versions[label] = version
        app.updated = _now()
        _event(
            backend, "INFO", f"Created new Application Version ({label})", app=app, version=label
        )
        return ActionResult({"ApplicationVersion": version.describe()})

    def source_exists(backend, bucket, key):
        from moto.s3.models import s3_backends

        s3 = s3_backends[backend.account_id][_partition(backend.region_name)]
        if bucket not in s3.buckets:
            return False
        return s3.buckets[bucket].keys.get(key) is not None

    @locked
    def describe_application_versions(self, backend):
        name = self._get_param("ApplicationName")
        labels = self._get_param("VersionLabels", [])
        versions = []
        for app in backend.applications.values():
            if name and app.name != name:
                continue
            versions.extend(v for v in app.versions.values() if not labels or v.label in labels)
        versions.sort(key=lambda v: v.created, reverse=True)
        return ActionResult(page([v.describe() for v in versions], self, "ApplicationVersions"))

    def version_of(backend, app_name, label):
        app = app_of(backend, app_name)
        version = app.versions.get(label)
        if version is None:
            raise _fail("InvalidParameterValue", f"No Application Version named '{label}' found.")
        return version

    @locked
    def update_application_version(self, backend):
        version = version_of(
            backend, self._get_param("ApplicationName"), self._get_param("VersionLabel")
        )
        description = self._get_param("Description")
        if description is not None:
            version.description = description or None
            version.updated = _now()
        return ActionResult({"ApplicationVersion": version.describe()})

    @locked
    def delete_application_version(self, backend):
        name = self._get_param("ApplicationName")
        label = self._get_param("VersionLabel")
        app = app_of(backend, name)
        version = app.versions.get(label)
        if version is None:
            raise _fail("InvalidParameterValue", f"Application Version {label} does not exist.")
        users = [
            e
            for e in backend.eb_environments.values()
            if e.app is app and e.version_label == label and e.status != "Terminated"
        ]
        if users:
            raise _fail(
                "InvalidParameterValue",
                f"Unable to delete application version {label} because it is being used by "
                f"environment(s): {', '.join(e.name for e in users)}."
            )
        if (
            str(self._get_param("DeleteSourceBundle", False)).lower() == "true"
            and version.bundle
        ):
            from moto.s3.models import s3_backends

            s3 = s3_backends[backend.account_id][_partition(backend.region_name)]
            bucket = s3.buckets.get(version.bundle["S3Bucket"])
            if bucket is not None:
                bucket.keys.pop(version.bundle["S3Key"], None)
        del app.versions[label]
        return EmptyResult()

    # --- environments -------------------------------------------------------

    def resolve_platform(backend, stack, platform_arn, template):
        given = [x for x in (stack, platform_arn, template) if x]
        if len(given) > 1:
            raise _fail(
                "InvalidParameterCombination",
                "You cannot specify more than one of SolutionStackName, PlatformArn and "
                "TemplateName."
            )
        if template:
            raise _fail(
                "InvalidParameterValue", f"No Configuration Template named '{template}' found."
            )
        if platform_arn:
            stack = _stack_of_platform(platform_arn)
            if stack is None or not _is_known_stack(stack):
                raise _fail("InvalidParameterValue", f"No Platform named '{platform_arn}' found.")
            return stack
        if not stack:
            raise _fail(
                "InvalidParameterValue",
                "No solution stack, platform or configuration template specified."
            )
        if not _is_known_stack(stack):
            raise _fail("InvalidParameterValue", f"No Solution Stack named '{stack}' found.")
        return stack

    def cname_taken(backend, cname):
        return any(
            e.cname == cname and e.status != "Terminated" for e in backend.eb_environments.values()
        )

    @locked
    def create_environment(self, backend):
        app = app_of(backend, self._get_param("ApplicationName"))
        name = self._get_param("EnvironmentName")
        if not name or not re.match(r"^[A-Za-z0-9][A-Za-z0-9-]{2,38}[A-Za-z0-9]$", name):
            raise _fail(
                "InvalidParameterValue",
                f"Value {name} at 'EnvironmentName' failed to satisfy constraint: Member must "
                "contain only letters, digits, and the dash character and may not start or end "
                "with a dash, and be 4 to 40 characters long."
            )
        live = [e for e in backend.eb_environments.values() if e.status != "Terminated"]
        if any(e.name == name for e in live):
            raise _fail("InvalidParameterValue", f"Environment {name} already exists.")
        stack = resolve_platform(
            backend,
            self._get_param("SolutionStackName"),
            self._get_param("PlatformArn"),
            self._get_param("TemplateName"),
        )
        label = self._get_param("VersionLabel")
        if label and label not in app.versions:
            raise _fail("InvalidParameterValue", f"No Application Version named '{label}' found.")
        tier_in = self._get_param("Tier") or {}
        tier_name = tier_in.get("Name") or "WebServer"
        tier_type = {"WebServer": "Standard", "Worker": "SQS/HTTP"}.get(tier_name)
        if tier_type is None or (tier_in.get("Type") and tier_in["Type"] != tier_type):
            raise _fail(
                "InvalidParameterValue",
                f"Invalid tier: {tier_name}/{tier_in.get('Type')}. Valid tiers are WebServer/"
                "Standard and Worker/SQS/HTTP."
            )
        options = _options_of(self._get_param("OptionSettings", []))
        _check_options(options)
        region = backend.region_name
        prefix = self._get_param("CNAMEPrefix")
        if prefix and tier_name != "WebServer":
            raise _fail(
                "InvalidParameterCombination", "CNAMEPrefix is not supported for the Worker tier."
            )
        if prefix:
            cname = f"{prefix}.{region}.elasticbeanstalk.com"
            if cname_taken(backend, cname):
                raise _fail("InvalidParameterValue", f"DNS name ({cname}) is not available.")
        elif tier_name == "WebServer":
            cname = f"{name}.eba-{_chars(8)}.{region}.elasticbeanstalk.com"
        else:
            cname = None
        env_id = "e-" + _chars(10)
        env = Environment(
            backend,
            app,
            name,
            env_id,
            stack,
            {"Name": tier_name, "Type": tier_type, "Version": "1.0"},
            label,
            self._get_param("Description"),
        )
        env.options = options
        env.cname = cname
        env.tags = tags_of(self)
        backend.eb_environments[env_id] = env
        _event(backend, "INFO", "createEnvironment is starting.", env=env)
        return ActionResult(env.describe())

    @locked
    def describe_environments(self, backend):
        ids = self._get_param("EnvironmentIds", [])
        names = self._get_param("EnvironmentNames", [])
        app_name = self._get_param("ApplicationName")
        label = self._get_param("VersionLabel")
        include_deleted = str(self._get_param("IncludeDeleted", True)).lower() != "false"
        back_to = self._get_param("IncludedDeletedBackTo")
        if isinstance(back_to, datetime.datetime):
            back_to = back_to.replace(tzinfo=None) if back_to.tzinfo is None else (
                back_to.astimezone(datetime.timezone.utc).replace(tzinfo=None)
            )
        else:
            back_to = None
        horizon = max(back_to or datetime.datetime.min, _now() - _DELETED_VISIBLE)
        out = []
        for env in backend.eb_environments.values():
            if ids and env.id not in ids:
                continue
            if names and env.name not in names:
                continue
            if app_name and env.app.name != app_name:
                continue
            if label and env.version_label != label:
                continue
            if env.status == "Terminated" and (
                not include_deleted or env.terminated_at < horizon
            ):
                continue
            out.append(env)
        result = []
        for env in out:
            _advance(env)
            result.append(env.describe())
        return ActionResult(page(result, self, "Environments"))

    @locked
    def update_environment(self, backend):
        env = env_of(
            backend,
            self._get_param("EnvironmentId"),
            self._get_param("EnvironmentName"),
            self._get_param("ApplicationName"),
        )
        must_be_ready(env)
        label = self._get_param("VersionLabel")
        if label and label not in env.app.versions:
            raise _fail("InvalidParameterValue", f"No Application Version named '{label}' found.")
        stack = None
        if any(self._get_param(p) for p in ("SolutionStackName", "PlatformArn", "TemplateName")):
            stack = resolve_platform(
                backend,
                self._get_param("SolutionStackName"),
                self._get_param("PlatformArn"),
                self._get_param("TemplateName"),
            )
        tier_in = self._get_param("Tier") or {}
        if tier_in.get("Name") and tier_in["Name"] != env.tier["Name"]:
            raise _fail("InvalidParameterValue", "Cannot change the tier of an environment.")
        options = dict(env.options)
        for spec in self._get_param("OptionsToRemove", []) or []:
            for key in [
                k
                for k in options
                if k[0] == spec.get("Namespace")
                and k[1] == spec.get("OptionName")
                and (not spec.get("ResourceName") or k[2] == spec.get("ResourceName"))
            ]:
                del options[key]
        options.update(_options_of(self._get_param("OptionSettings", [])))
        _check_options(options)
        env.options = options
        if stack:
            env.stack = stack
            env.platform_arn = _platform_arn(backend.region_name, stack)
        description = self._get_param("Description")
        if description is not None:
            env.description = description or None
        if label:
            env.version_label = label
            _event(backend, "INFO", "Deploying new version to instance(s).", env=env)
        env.status = "Updating"
        env.health = "Grey"
        env.pending = 1
        env.updated = _now()
        _event(backend, "INFO", "Environment update is starting.", env=env)
        return ActionResult(env.describe())

    @locked
    def terminate_environment(self, backend):
        env = env_of(backend, self._get_param("EnvironmentId"), self._get_param("EnvironmentName"))
        force = str(self._get_param("ForceTerminate", False)).lower() == "true"
        if not force:
            must_be_ready(env)
        env.status = "Terminating"
        env.health = "Grey"
        env.pending = 1
        env.updated = _now()
        _event(backend, "INFO", "terminateEnvironment is starting.", env=env)
        return ActionResult(env.describe())

    @locked
    def describe_environment_resources(self, backend):
        env = env_of(backend, self._get_param("EnvironmentId"), self._get_param("EnvironmentName"))
        return ActionResult({"EnvironmentResources": env.resources()})

    @locked
    def describe_configuration_settings(self, backend):
        app = app_of(backend, self._get_param("ApplicationName"))
        template = self._get_param("TemplateName")
        if template:
            raise _fail(
                "InvalidParameterValue", f"No Configuration Template named '{template}' found."
            )
        env = env_of(backend, env_name=self._get_param("EnvironmentName"), app_name=app.name)
        out = {
            "SolutionStackName": env.stack,
            "ApplicationName": app.name,
            "EnvironmentName": env.name,
            "DeploymentStatus": "deployed",
            "DateCreated": env.created,
            "DateUpdated": env.updated,
            "OptionSettings": env.settings(),
        }
        if env.platform_arn:
            out["PlatformArn"] = env.platform_arn
        if env.description:
            out["Description"] = env.description
        return ActionResult({"ConfigurationSettings": [out]})

    @locked
    def check_dns_availability(self, backend):
        prefix = self._get_param("CNAMEPrefix")
        cname = f"{prefix}.{backend.region_name}.elasticbeanstalk.com"
        available = not cname_taken(backend, cname)
        return ActionResult({"Available": available, "FullyQualifiedCNAME": cname})

    @locked
    def describe_events(self, backend):
        severity = self._get_param("Severity")
        floor = _SEVERITIES.index(severity) if severity in _SEVERITIES else 0

        def naive(t):
            if isinstance(t, datetime.datetime) and t.tzinfo is not None:
                return t.astimezone(datetime.timezone.utc).replace(tzinfo=None)
            return t if isinstance(t, datetime.datetime) else None

        start = naive(self._get_param("StartTime"))
        end = naive(self._get_param("EndTime"))
        filters = {
            "ApplicationName": self._get_param("ApplicationName"),
            "VersionLabel": self._get_param("VersionLabel"),
            "EnvironmentId": self._get_param("EnvironmentId"),
            "EnvironmentName": self._get_param("EnvironmentName"),
        }
        out = []
        for e in reversed(backend.eb_events):
            if any(v and e.get(k) != v for k, v in filters.items()):
                continue
            if _SEVERITIES.index(e["Severity"]) < floor:
                continue
            if start and e["EventDate"] < start:
                continue
            if end and e["EventDate"] >= end:
                continue
            out.append({k: v for k, v in e.items() if v is not None and k != "EnvironmentId"})
        return ActionResult(page(out, self, "Events"))

    @locked
    def list_available_solution_stacks(self, backend):
        from moto.elasticbeanstalk.responses import SOLUTION_STACK_DETAILS

        return ActionResult(
            {
                "SolutionStacks": [s["SolutionStackName"] for s in SOLUTION_STACK_DETAILS],
                "SolutionStackDetails": SOLUTION_STACK_DETAILS,
            }
        )

    # --- tags ---------------------------------------------------------------

    @locked
    def list_tags_for_resource(self, backend):
        arn = self._get_param("ResourceArn")
        resource, system = resource_of(backend, arn)
        tags = dict(system or {})
        tags.update(resource.tags)
        return ActionResult(
            {
                "ResourceArn": arn,
                "ResourceTags": [{"Key": k, "Value": v} for k, v in tags.items()],
            }
        )

    @locked
    def update_tags_for_resource(self, backend):
        arn = self._get_param("ResourceArn")
        resource, system = resource_of(backend, arn)
        add = tags_of(self, "TagsToAdd")
        remove = self._get_param("TagsToRemove", []) or []
        for key in list(add) + list(remove):
            if key.startswith("elasticbeanstalk:") or key.startswith("aws:"):
                raise _fail("InvalidParameterValue", f"Tag key {key} is reserved for use by AWS.")
        if isinstance(resource, Environment):
            must_be_ready(resource)
        for key in remove:
            resource.tags.pop(key, None)
        resource.tags.update(add)
        if isinstance(resource, Environment):
            # Tags reach the environment's resources through an update.
            resource.status = "Updating"
            resource.health = "Grey"
            resource.pending = 1
            resource.updated = _now()
            _event(backend, "INFO", "Environment update is starting.", env=resource)
        return EmptyResult()

    for fn in (
        create_application,
        describe_applications,
        update_application,
        update_application_resource_lifecycle,
        delete_application,
        create_application_version,
        describe_application_versions,
        update_application_version,
        delete_application_version,
        create_environment,
        describe_environments,
        update_environment,
        terminate_environment,
        describe_environment_resources,
        describe_configuration_settings,
        check_dns_availability,
        describe_events,
        list_available_solution_stacks,
        list_tags_for_resource,
        update_tags_for_resource,
    ):
        setattr(EBResponse, fn.__name__, fn)
