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
    what = (
        "An `aws_ecr_repository` (CloudFormation `AWS::ECR::Repository`) used by an AI workload whose "
        "`image_scanning_configuration.scan_on_push` (`ImageScanningConfiguration.ScanOnPush`) is `false` "
        "or unset (the default), and that no `aws_ecr_registry_scanning_configuration` "
        "(`AWS::ECR::RegistryScanningConfiguration`) rule with `SCAN_ON_PUSH` or `CONTINUOUS_SCAN` and a "
        "matching filter covers. Scope: a repository is checked when a SageMaker, Bedrock or other AI "
        "resource of the scan refers to it (`aws_ecr_repository.x.repository_url`, `!GetAtt "
        "Repo.RepositoryUri`) or writes an image URI with its name (model containers, pipeline steps, "
        "monitoring jobs), or when it carries an ML tag (`ml = true`, `workload = ml`, ...). Other "
        "repositories are left to generic container checks (Checkov CKV_AWS_163)."
    )
    why = (
        "Training and serving images are large stacks of CUDA libraries, Python wheels and model "
        "servers, rebuilt often and rarely audited by hand; known-vulnerable versions of pickle-loading "
        "libraries, web frameworks in the inference server or the base image's OpenSSL are a direct path "
        "to remote code execution on hosts that hold model weights, training data and an execution "
        "role's credentials. Scanning on push reports those vulnerabilities before an endpoint or "
        "training job pulls the image; without it, images are only scanned when someone remembers to."
    )
    fix_terraform = (
        "Turn on scan on push for the repository (or cover it with a registry scanning rule):\n\n"
        "```hcl\n"
        "resource \"aws_ecr_repository\" \"serving\" {\n"
        "  name                 = \"churn-serving\"\n"
        "  image_tag_mutability = \"IMMUTABLE\"\n\n"
        "  image_scanning_configuration {\n"
        "    scan_on_push = true\n"
        "  }\n"
        "}\n\n"
        "# or, registry-wide with Amazon Inspector:\n"
        "resource \"aws_ecr_registry_scanning_configuration\" \"this\" {\n"
        "  scan_type = \"ENHANCED\"\n"
        "  rule {\n"
        "    scan_frequency = \"CONTINUOUS_SCAN\"\n"
        "    repository_filter {\n"
        "      filter      = \"*\"\n"
        "      filter_type = \"WILDCARD\"\n"
        "    }\n"
        "  }\n"
        "}\n"
        "```"
    )
    fix_cloudformation = (
        "Set `ImageScanningConfiguration.ScanOnPush: true` (or add an "
        "`AWS::ECR::RegistryScanningConfiguration` rule whose filter matches the repository):\n\n"
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
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-basic-enabling.html",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ecr-repository.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecr_repository",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/ecr_registry_scanning_configuration",
    )

    def check(self, resource, ctx):
        answer = ecr.scoped(resource, ctx, ecr.scan_on_push(resource, ctx))
        verdict = {True: FAIL, None: UNKNOWN}.get(answer.verdict, PASS)
        yield verdict(answer.message, answer.path)
