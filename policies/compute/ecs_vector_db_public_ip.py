"""IAC216: an ECS service that runs a self-hosted vector database gives its tasks no
public IP address.

The service's `network_configuration.assign_public_ip` (Terraform, a boolean, default
false; CloudFormation and awscc `NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp`,
`ENABLED`/`DISABLED`, default `DISABLED`) is judged when a task definition the service runs
has a container whose image is a known vector database (`iaclint.aws.vector_images`). A
service whose launch type is `EC2` or `EXTERNAL` passes: tasks there get no public IP on
their interface (a public IP takes Fargate, which is also what a service with no launch type
gets when the API accepts the setting). Security groups are not read: the finding says the
task is addressable from the internet, which a security group may still narrow.
"""
from __future__ import annotations

from iaclint.aws.settings import read_setting, shown
from iaclint.aws.vector_images import containers, task_definitions, vector_database
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy

SETTINGS = (("network_configuration.assign_public_ip", ("TRUE",)),  # Terraform `aws`
            ("network_configuration.awsvpc_configuration.assign_public_ip", ("ENABLED",)))  # CFN, awscc
NO_PUBLIC_IP_LAUNCH_TYPES = ("EC2", "EXTERNAL")


class EcsVectorDbPublicIp(Policy):
    id = "IAC216"
    name = "ecs-vector-db-public-ip"
    title = "ECS service running a self-hosted vector database gets no public IP"
    severity = "high"
    category = "network-exposure"
    resource_types = ("aws_ecs_service",)
    checkov_ids = ()

    def check(self, resource, ctx):
        launch = resource.attributes.get("launch_type")
        if isinstance(launch, str) and launch.strip().upper() in NO_PUBLIC_IP_LAUNCH_TYPES:
            yield PASS()
            return
        databases = _databases(resource, ctx)
        if not databases:
            yield PASS()
            return
        found = [s for dotted, bad in SETTINGS for s in read_setting(resource, dotted, bad, unset_is_bad=False)]
        decided = True
        for setting in found:
            name = resource.native_name(setting.path)
            if setting.bad is True:
                yield FAIL(f"This ECS service gives its tasks a public IP address (`{name}` is "
                           f"`{shown(setting.value)}`) and runs {databases}: the vector database's API is "
                           "addressable from the internet, with only its security group in the way, and "
                           "self-hosted vector databases start without authentication unless it is configured",
                           setting.path)
                decided = False
            elif setting.bad is None:
                reason = getattr(setting.value, "reason", "")
                yield UNKNOWN(f"`{name}` is `{shown(setting.value)}`, unknown until deployment"
                              + (f" ({reason})" if reason else "") + f"; the service runs {databases}",
                              setting.path)
                decided = False
        if decided:
            yield PASS()


def _databases(service, ctx) -> str:
    """What the service runs, for the message: "Qdrant (container `qdrant` of
    `aws_ecs_task_definition.qdrant`)"; "" when no container is a vector database."""
    shown_ = []
    for task in task_definitions(service, ctx.project):
        for index, container in containers(task):
            product = vector_database(container.get("image"))
            if product is not None:
                label = container.get("name") if isinstance(container.get("name"), str) else f"#{index}"
                shown_.append(f"{product} (container `{label}` of `{task.address}`)")
    return ", ".join(dict.fromkeys(shown_))
