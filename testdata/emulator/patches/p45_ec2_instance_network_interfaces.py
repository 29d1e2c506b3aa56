"""The network interfaces RunInstances creates go away with the instance, as
in AWS.

AWS: a network interface that RunInstances creates for an instance (the
primary one made from SubnetId and SecurityGroupIds, or one described in
NetworkInterfaces without a NetworkInterfaceId) is deleted when the
instance terminates unless DeleteOnTermination is set to false for it; an
interface that existed before and was attached by ID stays. moto 5.2.1 left
every interface behind, still "in-use", attached to the terminated instance
and holding its security groups, so an Auto Scaling group that was
destroyed left two interfaces per instance in the security group that
terraform had just deleted.
"""

from __future__ import annotations


def _truthy(value) -> bool | None:
    """A DeleteOnTermination parameter as given (bool or query string)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def apply() -> None:
    from moto.ec2.models.elastic_network_interfaces import NetworkInterface
    from moto.ec2.models.instances import Instance

    original = Instance.prep_nics

    def prep_nics(self, nic_spec, *args, **kwargs):
        specs = {int(n.get("DeviceIndex", 0)): n for n in (nic_spec or [])}
        original(self, nic_spec, *args, **kwargs)
        for index, nic in self.nics.items():
            spec = specs.get(index, {})
            if spec.get("NetworkInterfaceId"):
                continue  # attached by ID: it outlives the instance
            flag = _truthy(spec.get("DeleteOnTermination"))
            nic.delete_on_termination = True if flag is None else flag

    Instance.prep_nics = prep_nics

    original_delete = NetworkInterface.delete

    def delete(self):
        # Terminating an instance again must not fail on its interface.
        if self.id in self.ec2_backend.enis:
            original_delete(self)

    NetworkInterface.delete = delete
