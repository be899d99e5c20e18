"""ECS: CloudFormation types (services and task definitions, where self-hosted vector
databases run).

No renames: the derived names are Terraform's (`task_definition`, `launch_type`,
`container_definitions`, `family`). Two shapes differ and are read as they are by the
policies: Terraform writes `network_configuration.assign_public_ip` (a boolean) where
CloudFormation nests `NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp`
(`ENABLED`/`DISABLED`), and Terraform's `container_definitions` is a JSON string where
CloudFormation's is a list (`iaclint.model.documents.decode` reads both).
"""

CFN_TYPES = {
    "AWS::ECS::Service": {"type": "aws_ecs_service"},
    "AWS::ECS::TaskDefinition": {"type": "aws_ecs_task_definition"},
}

DEFAULTS: dict = {}
