"""DetachLoadBalancerTargetGroups as AWS does it.

AWS detaches the target groups and deregisters the group's instances from
them in the background; an instance that is not (or no longer) registered
is no error. moto deregisters every instance synchronously and fails with
InvalidTarget for one that is not registered (an instance the group
launched after the attachment, say).
"""

from __future__ import annotations


def apply() -> None:
    from moto.autoscaling.models import AutoScalingBackend

    def detach_load_balancer_target_groups(self, group_name, target_group_arns):
        group = self.autoscaling_groups[group_name]
        group.target_group_arns = [
            x for x in group.target_group_arns if x not in target_group_arns
        ]
        for arn in target_group_arns:
            target_group = self.elbv2_backend.target_groups.get(arn)
            if target_group is None:
                continue
            registered = [
                {"Id": s.instance.id}
                for s in group.instance_states
                if s.instance.id in target_group.targets
            ]
            if registered:
                self.elbv2_backend.deregister_targets(arn, registered)

    AutoScalingBackend.detach_load_balancer_target_groups = detach_load_balancer_target_groups
