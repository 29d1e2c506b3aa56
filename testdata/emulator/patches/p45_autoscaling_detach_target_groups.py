"""DetachLoadBalancerTargetGroups as AWS documents it: it detaches the given
target groups from the Auto Scaling group and deregisters the group's
instances from those it was attached to. A target group that is not
attached (already detached) is no error.

moto 5.2.1 deregistered the group's instances from every target group named,
attached or not, so detaching twice failed with InvalidTarget ("The specified
target does not exist...") once the instances were no longer registered.
"""

from __future__ import annotations


def apply() -> None:
    from moto.autoscaling.models import AutoScalingBackend

    def detach_load_balancer_target_groups(self, group_name, target_group_arns):
        group = self.autoscaling_groups[group_name]
        attached = [arn for arn in target_group_arns if arn in group.target_group_arns]
        group.target_group_arns = [
            arn for arn in group.target_group_arns if arn not in target_group_arns
        ]
        instance_ids = [state.instance.id for state in group.instance_states]
        for arn in attached:
            target_group = self.elbv2_backend.target_groups.get(arn)
            if target_group is None:
                continue
            registered = [{"Id": i} for i in instance_ids if i in target_group.targets]
            if registered:
                self.elbv2_backend.deregister_targets(arn, registered)

    AutoScalingBackend.detach_load_balancer_target_groups = detach_load_balancer_target_groups
