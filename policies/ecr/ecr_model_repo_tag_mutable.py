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
    what = (
        "An `aws_ecr_repository` (CloudFormation `AWS::ECR::Repository`) used by an AI workload whose "
        "`image_tag_mutability` (`ImageTagMutability`) is `MUTABLE` (the default when unset) or "
        "`MUTABLE_WITH_EXCLUSION`. Scope: a repository is checked when a SageMaker, Bedrock or other AI "
        "resource of the scan refers to it or writes an image URI with its name (model containers, "
        "pipeline steps, monitoring jobs), or when it carries an ML tag (`ml = true`, `workload = ml`, "
        "...). Other repositories are left to generic container checks (Checkov CKV_AWS_51)."
    )
    why = (
        "SageMaker models, endpoints and pipelines refer to their serving and training images by tag "
        "(`churn-serving:1.4`), and pull that tag again whenever an endpoint scales out, is updated or a "
        "pipeline runs. With mutable tags, anyone who can push to the repository (a compromised CI "
        "token, an over-broad `ecr:PutImage` grant) can silently replace the image behind a tag that "
        "was reviewed and approved, and the next instance runs a backdoored model server with access to "
        "every request payload, the model weights and the execution role: a supply-chain attack that "
        "changes no infrastructure code. Immutable tags force a new tag, and a visible change, for "
        "every new image."
    )
    fix_terraform = (
        "Set `image_tag_mutability = \"IMMUTABLE\"`:\n\n"
        "```hcl\n"
        "resource \"aws_ecr_repository\" \"serving\" {\n"
        "  name                 = \"churn-serving\"\n"
        "  image_tag_mutability = \"IMMUTABLE\"\n\n"
        "  image_scanning_configuration {\n"
        "    scan_on_push = true\n"
        "  }\n"
        "}\n"
        "```\n\n"
        "Referring to images by digest (`repository_url@sha256:...`) in the model also pins them."
    )
    fix_cloudformation = (
        "Set `ImageTagMutability: IMMUTABLE`:\n\n"
        "```yaml\n"
        "ServingRepository:\n"
        "  Type: AWS::ECR::Repository\n"
        "  Properties:\n"
        "    RepositoryName: churn-serving\n"
        "    ImageTagMutability: IMMUTABLE\n"
        "    ImageScanningConfiguration:\n"
        "      ScanOnPush: true\n"
        "```"
    )
    references = (
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-inference-code.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecr-repository.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecr_repository",
    )

    def check(self, resource, ctx):
        answer = ecr.scoped(resource, ctx, ecr.tag_mutability(resource))
        yield _VERDICTS[answer.verdict](answer.message, answer.path)
