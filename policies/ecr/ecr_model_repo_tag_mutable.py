"""IAC413: ECR repositories that serve AI workloads have immutable tags.

In scope: repositories an AI resource refers to or names in an image URI, and repositories
with an ML tag (`iaclint.aws.ecr.model_repository`). `image_tag_mutability` must be `IMMUTABLE`
or `IMMUTABLE_WITH_EXCLUSION`; `MUTABLE` (the default) and `MUTABLE_WITH_EXCLUSION` fail.
"""
from __future__ import annotations

from iaclint.aws import ecr
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy

_VERDICTS = {True: FAIL, False: PASS, None: UNKNOWN}


class EcrModelRepoTagMutable(Policy):
    id = "IAC413"
    name = "ecr-model-repo-tag-mutable"
    title = "ECR repository that serves AI workloads has immutable image tags"
    severity = "medium"
    category = "model-safeguards"
    resource_types = ("aws_ecr_repository",)
    checkov_ids = ()

    def check(self, resource, ctx):
        answer = ecr.scoped(resource, ctx, ecr.tag_mutability(resource))
        yield _VERDICTS[answer.verdict](answer.message, answer.path)
