"""IAC414: the ECR repository a SageMaker model's container image comes from keeps its images
immutable and scanned.

Each container image of the model (`primary_container.image`, `container[].image`;
CloudFormation `PrimaryContainer.Image`, `Containers[].Image`) is followed to the
`aws_ecr_repository` of the scan it comes from: a reference
(`aws_ecr_repository.x.repository_url`, `!GetAtt Repo.RepositoryUri`, inside a string template
or not) or a literal ECR URI whose repository name matches. The model fails when that
repository has mutable tags (unless the image is pinned by digest) or does not scan images on
push. An image whose repository is not declared in the scanned files is unknown; images
outside ECR, and AWS's own images (the Deep Learning Containers registry, account
763104351884, and SageMaker's built-in images named by Terraform's
`data.aws_sagemaker_prebuilt_ecr_image`), are out of scope: their repositories are no
stack's to configure.
"""
from __future__ import annotations

from iaclint.aws import ecr
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy

_IMAGES = ("primary_container.image", "container.image")


def _repository_problems(use, ctx):
    """(problems, unknowns) of the repositories an image comes from, as message parts."""
    problems, unknowns = [], []
    for repo in use.repositories:
        answers = [ecr.scan_on_push(repo, ctx)]
        if not use.pinned:
            answers.insert(0, ecr.tag_mutability(repo))
        for answer in answers:
            part = f"`{repo.address}` {answer.message}"
            if answer.verdict is True:
                problems.append(part)
            elif answer.verdict is None:
                unknowns.append(part)
    return problems, unknowns


class SagemakerModelImageRepoInsecure(Policy):
    id = "IAC414"
    name = "sagemaker-model-image-repo-insecure"
    title = "SageMaker model images come from ECR repositories with immutable tags and scan on push"
    severity = "medium"
    category = "model-safeguards"
    resource_types = ("aws_sagemaker_model",)
    checkov_ids = ()

    def check(self, resource, ctx):
        decided = False
        for use in ecr.image_uses(resource, ctx, _IMAGES):
            if not use.ecr:
                continue
            decided = True
            name = resource.native_name(use.path)
            if use.unresolved:
                yield UNKNOWN(f"The repository of `{name}` cannot be checked: {use.unresolved}", use.path)
                continue
            problems, unknowns = _repository_problems(use, ctx)
            if problems:
                yield FAIL(f"`{name}` comes from an ECR repository that lets its image be replaced or go "
                           f"unscanned: {'; '.join(problems)}", use.path)
            elif unknowns:
                yield UNKNOWN(f"`{name}` comes from an ECR repository whose settings cannot be known: "
                              f"{'; '.join(unknowns)}", use.path)
            else:
                yield PASS()
        if not decided:
            yield PASS()
