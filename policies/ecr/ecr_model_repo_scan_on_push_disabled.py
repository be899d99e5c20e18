"""IAC412: ECR repositories that serve AI workloads scan images when they are pushed.

In scope: repositories an AI resource refers to or names in an image URI, and repositories
with an ML tag (`iaclint.aws.ecr.model_repository`). A repository passes when
`image_scanning_configuration.scan_on_push` is true or a registry scanning rule
(`SCAN_ON_PUSH` or `CONTINUOUS_SCAN`) of the scan has a filter that matches its name.
"""
from __future__ import annotations

from iaclint.aws import ecr
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy


class EcrModelRepoScanOnPushDisabled(Policy):
    id = "IAC412"
    name = "ecr-model-repo-scan-on-push-disabled"
    title = "ECR repository that serves AI workloads scans images on push"
    severity = "medium"
    category = "model-safeguards"
    resource_types = ("aws_ecr_repository",)
    checkov_ids = ()

    def check(self, resource, ctx):
        answer = ecr.scoped(resource, ctx, ecr.scan_on_push(resource, ctx))
        verdict = {True: FAIL, None: UNKNOWN}.get(answer.verdict, PASS)
        yield verdict(answer.message, answer.path)
