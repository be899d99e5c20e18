"""IAC414: the ECR repository a SageMaker model's container image comes from keeps its images
immutable and scanned.

Each container image of the model (`primary_container.image`, `container[].image`;
CloudFormation `PrimaryContainer.Image`, `Containers[].Image`) is followed to the
`aws_ecr_repository` of the scan it comes from: a reference
(`aws_ecr_repository.x.repository_url`, `!GetAtt Repo.RepositoryUri`, inside a string template
or not) or a literal ECR URI whose repository name matches. The model fails when that
repository has mutable tags (unless the image is pinned by digest) or does not scan images on
push. An image whose repository is not declared in the scanned files is unknown; images
outside ECR are out of scope.
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
    what = (
        "An `aws_sagemaker_model` (CloudFormation `AWS::SageMaker::Model`) whose container image "
        "(`primary_container.image`, `container.image`; `PrimaryContainer.Image`, `Containers[].Image`) "
        "comes from an `aws_ecr_repository` of the scan that fails `ecr-model-repo-tag-mutable` "
        "(`image_tag_mutability` is `MUTABLE`, the default, or `MUTABLE_WITH_EXCLUSION`) or "
        "`ecr-model-repo-scan-on-push-disabled` (no scan on push and no registry scanning rule covers "
        "it). The repository is found through a reference (`aws_ecr_repository.x.repository_url`, "
        "`!GetAtt Repo.RepositoryUri`) or a literal ECR URI with its name. An image pinned by digest "
        "(`@sha256:...`) is immune to tag moves and is only checked for scanning. Images whose "
        "repository is not declared in the scanned files are reported as unknown."
    )
    why = (
        "The model's image is the code that runs next to every inference request and the model "
        "weights. If its repository lets a tag be pushed again, whoever can push (a leaked CI "
        "credential, an over-broad `ecr:PutImage` grant) can swap the serving image behind the tag the "
        "model names, and the next endpoint scale-out or update runs it, with the execution role's "
        "permissions and every request payload in reach, without any change to the infrastructure "
        "code. If pushes are not scanned, known-vulnerable serving stacks reach production unnoticed. "
        "The model is where this path ends, so it is reported on the model."
    )
    fix_terraform = (
        "Harden the repository the model pulls from, or pin the image by digest:\n\n"
        "```hcl\n"
        "resource \"aws_ecr_repository\" \"serving\" {\n"
        "  name                 = \"churn-serving\"\n"
        "  image_tag_mutability = \"IMMUTABLE\"\n"
        "  image_scanning_configuration {\n"
        "    scan_on_push = true\n"
        "  }\n"
        "}\n\n"
        "resource \"aws_sagemaker_model\" \"churn\" {\n"
        "  # ...\n"
        "  primary_container {\n"
        "    image = \"${aws_ecr_repository.serving.repository_url}@${var.serving_image_digest}\"\n"
        "  }\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Set `ImageTagMutability: IMMUTABLE` and `ImageScanningConfiguration.ScanOnPush: true` on the "
        "repository the model's image comes from:\n\n"
        "```yaml\n"
        "ServingRepository:\n"
        "  Type: AWS::ECR::Repository\n"
        "  Properties:\n"
        "    RepositoryName: churn-serving\n"
        "    ImageTagMutability: IMMUTABLE\n"
        "    ImageScanningConfiguration:\n"
        "      ScanOnPush: true\n"
        "ChurnModel:\n"
        "  Type: AWS::SageMaker::Model\n"
        "  Properties:\n"
        "    # ...\n"
        "    PrimaryContainer:\n"
        "      Image: !Sub ${ServingRepository.RepositoryUri}:1.4.0\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-sagemaker-model.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_model",
    )

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
