"""EC2 instances, launch templates and Auto Scaling groups as AWS documents
them, where moto 5.2.1 differs in ways aws_instance, aws_launch_template and
aws_autoscaling_group depend on.

EC2:
- ModifyInstanceAttribute's UserData is a blob: the SDK base64-encodes the
  raw user data once and the service stores it. moto decoded the blob and
  then required the result to be base64 again (user data encoded twice).
  Changing user data or the instance type needs a stopped instance
  (IncorrectInstanceState otherwise), as in AWS.
- An instance's security groups are those of its primary network interface:
  the VPC's default group when none are given, and whatever
  ModifyNetworkInterfaceAttribute sets later. moto reported only the groups
  named at launch.
- The root volume is attached at the AMI's root device name (moto always used
  /dev/sda1), also when block device mappings name other devices only; a
  mapping without a size takes the AMI snapshot's (8 GiB here).
- RunInstances honours DisableApiTermination.
- Credit specifications are kept: CpuCredits given at launch or by
  ModifyInstanceCreditSpecification, else the family default (standard for
  T2, unlimited for T3, T3a and T4g).
- MonitorInstances / UnmonitorInstances switch detailed monitoring.
- ModifyInstanceMetadataOptions changes only the options it is given.
- CreateLaunchTemplate's TagSpecifications tag the launch template; they are
  not copied into the version's LaunchTemplateData (which holds the tags for
  instances). DescribeLaunchTemplates reports the template's current tags
  (moto kept those it was created with).

Auto Scaling:
- UpdateAutoScalingGroup keeps TerminationPolicies, DefaultCooldown,
  CapacityRebalance and PlacementGroup; create and update keep
  ServiceLinkedRoleARN, MaxInstanceLifetime, Context, DefaultInstanceWarmup
  and DesiredCapacityType (moto dropped them). Switching a group to a
  launch template drops its launch configuration, and the other way round.
- EnableMetricsCollection adds the given metrics (all of them when none are
  given) at the given granularity; DisableMetricsCollection (missing in moto)
  removes them (all when none are given).
"""

from __future__ import annotations

import base64

GROUP_METRICS = [
    "GroupMinSize",
    "GroupMaxSize",
    "GroupDesiredCapacity",
    "GroupInServiceInstances",
    "GroupPendingInstances",
    "GroupStandbyInstances",
    "GroupTerminatingInstances",
    "GroupTotalInstances",
    "GroupInServiceCapacity",
    "GroupPendingCapacity",
    "GroupStandbyCapacity",
    "GroupTerminatingCapacity",
    "GroupTotalCapacity",
    "WarmPoolDesiredCapacity",
    "WarmPoolWarmedCapacity",
    "WarmPoolPendingCapacity",
    "WarmPoolTerminatingCapacity",
    "WarmPoolTotalCapacity",
    "GroupAndWarmPoolDesiredCapacity",
    "GroupAndWarmPoolTotalCapacity",
]

# The size of the snapshot behind every AMI the emulator knows.
DEFAULT_ROOT_VOLUME_GIB = 8


def default_cpu_credits(instance_type: str) -> str:
    family = (instance_type or "").split(".")[0]
    return "unlimited" if family in ("t3", "t3a", "t4g") else "standard"


def _patch_instances() -> None:
    from moto.core.responses import ActionResult, EmptyResult
    from moto.core.types import Base64EncodedString
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.models.instances import Instance, InstanceBackend
    from moto.ec2.responses.instances import InstanceResponse
    from moto.ec2.responses.monitoring import Monitoring

    class IncorrectInstanceState(EC2ClientError):
        def __init__(self, instance_id: str, state: str):
            super().__init__(
                "IncorrectInstanceState",
                f"The instance '{instance_id}' is not in the 'stopped' state (it is '{state}').",
            )

    # Security groups live on the primary network interface.
    def get_security_groups(self):
        nics = self.__dict__.get("nics")
        if nics and 0 in nics:
            return list(nics[0]._group_set)
        return self.__dict__.get("_tfrs_security_groups", [])

    def set_security_groups(self, groups):
        self.__dict__["_tfrs_security_groups"] = list(groups or [])
        nics = self.__dict__.get("nics")
        if nics and 0 in nics and groups:
            nics[0]._group_set = list(groups)

    Instance.security_groups = property(get_security_groups, set_security_groups)

    # The root volume sits at the AMI's root device.
    def setup_defaults(self) -> None:
        volume = self.ec2_backend.create_volume(
            size=DEFAULT_ROOT_VOLUME_GIB, zone_name=self._placement.zone
        )
        self.ec2_backend.attach_volume(volume.id, self.id, self.root_device_name, True)

    Instance.setup_defaults = setup_defaults

    orig_backend_run = InstanceBackend.run_instances

    def backend_run_instances(self, image_id, count, user_data, security_group_names, **kwargs):
        reservation = orig_backend_run(
            self, image_id, count, user_data, security_group_names, **kwargs
        )
        for instance in reservation.instances:
            if instance.root_device_name not in instance.block_device_mapping:
                instance.setup_defaults()
        return reservation

    InstanceBackend.run_instances = backend_run_instances

    orig_validate = InstanceResponse._validate_block_device_mapping

    def validate_block_device_mapping(device_mapping):
        ebs = device_mapping.get("Ebs")
        if isinstance(ebs, dict) and not ebs.get("VolumeSize") and not ebs.get("SnapshotId"):
            ebs["VolumeSize"] = DEFAULT_ROOT_VOLUME_GIB
        return orig_validate(device_mapping)

    InstanceResponse._validate_block_device_mapping = staticmethod(validate_block_device_mapping)

    orig_run = InstanceResponse.run_instances

    def run_instances(self):
        result = orig_run(self)
        reservation = result.result
        credits = self._get_param("CreditSpecification.CpuCredits")
        disable_termination = self._get_bool_param("DisableApiTermination")
        for instance in reservation.instances:
            if credits:
                instance.tfrs_cpu_credits = credits
            if disable_termination is not None:
                instance.disable_api_termination = disable_termination
        return result

    InstanceResponse.run_instances = run_instances

    def credits_of(instance) -> str:
        return getattr(instance, "tfrs_cpu_credits", None) or default_cpu_credits(
            instance.instance_type
        )

    def describe_instance_credit_specifications(self):
        instance_ids = self._get_param("InstanceIds", [])
        instances = self.ec2_backend.describe_instance_credit_specifications(instance_ids)
        return ActionResult(
            {
                "InstanceCreditSpecifications": [
                    {"InstanceId": i.id, "CpuCredits": credits_of(i)} for i in instances
                ]
            }
        )

    def modify_instance_credit_specification(self):
        done = []
        for spec in self._get_param("InstanceCreditSpecifications", []):
            instance = self.ec2_backend.get_instance(spec.get("InstanceId"))
            instance.tfrs_cpu_credits = spec.get("CpuCredits")
            done.append({"InstanceId": instance.id})
        self.error_on_dryrun()
        return ActionResult(
            {
                "SuccessfulInstanceCreditSpecifications": done,
                "UnsuccessfulInstanceCreditSpecifications": [],
            }
        )

    InstanceResponse.describe_instance_credit_specifications = (
        describe_instance_credit_specifications
    )
    InstanceResponse.modify_instance_credit_specification = modify_instance_credit_specification

    orig_modify = InstanceResponse.modify_instance_attribute

    def modify_instance_attribute(self):
        instance_id = self._get_param("InstanceId")
        user_data = self._get_param("UserData.Value")
        needs_stop = user_data is not None or self._get_param("InstanceType.Value") is not None
        if needs_stop:
            instance = self.ec2_backend.get_instance(instance_id)
            if instance.state != "stopped":
                raise IncorrectInstanceState(instance_id, instance.state)
        if user_data is not None:
            self.error_on_dryrun()
            raw = user_data if isinstance(user_data, bytes) else str(user_data).encode()
            instance.user_data = (
                Base64EncodedString.from_encoded_bytes(base64.b64encode(raw)) if raw else None
            )
            return EmptyResult()
        return orig_modify(self)

    InstanceResponse.modify_instance_attribute = modify_instance_attribute

    def set_monitoring(self, state: str):
        instance_ids = self._get_param("InstanceIds", [])
        self.error_on_dryrun()
        out = []
        for instance in self.ec2_backend.get_multi_instances_by_id(instance_ids):
            instance.monitoring_state = state
            out.append({"InstanceId": instance.id, "Monitoring": {"State": state}})
        return ActionResult({"InstanceMonitorings": out})

    Monitoring.monitor_instances = lambda self: set_monitoring(self, "enabled")
    Monitoring.unmonitor_instances = lambda self: set_monitoring(self, "disabled")

    orig_metadata = InstanceResponse.modify_instance_metadata_options

    def modify_instance_metadata_options(self):
        instance = self.ec2_backend.get_instance(self._get_param("InstanceId"))
        before = instance.metadata_options
        kept = {
            "http_tokens": before.http_tokens,
            "http_put_response_hop_limit": before.http_put_response_hop_limit,
            "http_endpoint": before.http_endpoint,
            "http_protocol_ipv6": before.http_protocol_ipv6,
            "instance_metadata_tags": before.instance_metadata_tags,
        }
        result = orig_metadata(self)
        after = instance.metadata_options
        for name, value in kept.items():
            if getattr(after, name, None) is None:
                setattr(after, name, value)
        return result

    InstanceResponse.modify_instance_metadata_options = modify_instance_metadata_options


def _patch_launch_templates() -> None:
    from moto.core.responses import ActionResult
    from moto.ec2.responses.launch_templates import LaunchTemplates
    from moto.ec2.utils import parse_user_data

    def create_launch_template(self):
        name = self._get_param("LaunchTemplateName")
        version_description = self._get_param("VersionDescription")
        tag_spec = self._parse_tag_specification()
        data = self._get_param("LaunchTemplateData", {})
        data["UserData"] = parse_user_data(self._get_param("LaunchTemplateData.UserData"))
        self.error_on_dryrun()
        template = self.ec2_backend.create_launch_template(
            name, version_description, data, tag_spec
        )
        version = template.default_version()
        return ActionResult(
            {
                "LaunchTemplate": {
                    "CreateTime": version.create_time,
                    "CreatedBy": f"arn:{self.partition}:iam::{self.current_account}:root",
                    "DefaultVersionNumber": template.default_version_number,
                    "LatestVersionNumber": version.number,
                    "LaunchTemplateId": template.id,
                    "LaunchTemplateName": template.name,
                    "Tags": template.tags,
                }
            }
        )

    LaunchTemplates.create_launch_template = create_launch_template

    # A template's tags are its current tags (CreateTags, DeleteTags), not
    # those it was created with.
    from moto.ec2.models.launch_templates import LaunchTemplate

    LaunchTemplate.tags = property(lambda self: self.get_tags(), lambda self, _v: None)


def _patch_autoscaling() -> None:
    from moto.autoscaling.models import FakeAutoScalingGroup
    from moto.autoscaling.responses import AutoScalingResponse
    from moto.core.responses import EmptyResult

    def enabled_metrics(self):
        granularity = getattr(self, "tfrs_metrics_granularity", "1Minute")
        return [{"Metric": m, "Granularity": granularity} for m in self.metrics]

    FakeAutoScalingGroup.enabled_metrics = property(enabled_metrics)

    def group(self):
        name = self._get_param("AutoScalingGroupName")
        return self.autoscaling_backend.describe_auto_scaling_groups([name])[0]

    def enable_metrics_collection(self):
        g = group(self)
        metrics = self._get_param("Metrics") or GROUP_METRICS
        g.metrics = list(g.metrics) + [m for m in metrics if m not in g.metrics]
        g.tfrs_metrics_granularity = self._get_param("Granularity") or "1Minute"
        return EmptyResult()

    def disable_metrics_collection(self):
        g = group(self)
        metrics = self._get_param("Metrics")
        g.metrics = [m for m in g.metrics if metrics and m not in metrics]
        return EmptyResult()

    AutoScalingResponse.enable_metrics_collection = enable_metrics_collection
    AutoScalingResponse.disable_metrics_collection = disable_metrics_collection

    # Group settings moto drops on create or update; AWS keeps and reports them.
    kept_on_create = {
        "ServiceLinkedRoleARN": ("service_linked_role_arn", "str"),
        "MaxInstanceLifetime": ("max_instance_lifetime", "int"),
        "Context": ("context", "str"),
        "DefaultInstanceWarmup": ("default_instance_warmup", "int"),
        "DesiredCapacityType": ("desired_capacity_type", "str"),
    }
    kept_on_update = dict(
        kept_on_create,
        DefaultCooldown=("default_cooldown", "int"),
        CapacityRebalance=("capacity_rebalance", "bool"),
        PlacementGroup=("placement_group", "str"),
    )

    def keep(self, params):
        g = group(self)
        for param, (attr, kind) in params.items():
            if kind == "int":
                value = self._get_int_param(param)
            elif kind == "bool":
                value = self._get_bool_param(param)
            else:
                value = self._get_param(param)
            if value is not None:
                setattr(g, attr, value)
        policies = self._get_param("TerminationPolicies", [])
        if policies:
            g.termination_policies = policies

    orig_create = AutoScalingResponse.create_auto_scaling_group
    orig_update = AutoScalingResponse.update_auto_scaling_group

    def create_auto_scaling_group(self):
        result = orig_create(self)
        keep(self, kept_on_create)
        return result

    def update_auto_scaling_group(self):
        result = orig_update(self)
        keep(self, kept_on_update)
        # A group launches from one source: a launch template replaces the
        # launch configuration, and the other way round.
        g = group(self)
        if self._get_param("LaunchTemplate") or self._get_param("MixedInstancesPolicy"):
            g.launch_config = None
            g.launch_configuration_name = None
        elif self._get_param("LaunchConfigurationName"):
            g.ec2_launch_template = None
        return result

    AutoScalingResponse.create_auto_scaling_group = create_auto_scaling_group
    AutoScalingResponse.update_auto_scaling_group = update_auto_scaling_group


def apply() -> None:
    _patch_instances()
    _patch_launch_templates()
    _patch_autoscaling()
