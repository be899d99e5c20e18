"""IAC415: a SageMaker notebook instance runs on a platform AWS still supports.

`platform_identifier` (`PlatformIdentifier`): the Amazon Linux 1 and Amazon Linux 2 notebook
platforms (`notebook-al1-v1`, `notebook-al2-v1`, `-v2`, `-v3`) no longer receive SageMaker
security updates; Security Hub's SageMaker.8 accepts only `notebook-al2023-v1`. The
platform is fixed when the instance is created, so an old identifier in code keeps an
unpatched host alive through every redeploy. Unset means AWS's current default, which passes.
"""
from __future__ import annotations

from iaclint.aws.settings import judge_setting
from iaclint.engine.policy import Policy

DEPRECATED = ("notebook-al1-v1", "notebook-al2-v1", "notebook-al2-v2", "notebook-al2-v3")


class SageMakerNotebookPlatformDeprecated(Policy):
    id = "IAC415"
    name = "sagemaker-notebook-platform-deprecated"
    title = "SageMaker notebook instance runs on a supported platform"
    severity = "medium"
    category = "model-safeguards"
    resource_types = ("aws_sagemaker_notebook_instance",)
    checkov_ids = ()

    def check(self, resource, ctx):
        yield from judge_setting(resource, "platform_identifier", DEPRECATED,
                                 "SageMaker notebook instance runs on a platform that no longer gets security "
                                 "updates (use `notebook-al2023-v1`)", unset_is_bad=False)  # unset: the current default
