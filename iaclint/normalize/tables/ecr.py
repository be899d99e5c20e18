"""ECR: CloudFormation types, renames and AWS defaults.

`AWS::ECR::Repository.RepositoryName` is the provider's `name`, so one canonical path names
a repository in both formats (policies match image URIs against it). The inline repository
policy (`RepositoryPolicyText`, an object or a string) is kept verbatim. The registry-wide
`AWS::ECR::RegistryScanningConfiguration` writes its rules as `Rules[].RepositoryFilters[]`,
which are the provider's repeated `rule` and `repository_filter` blocks.
"""

CFN_TYPES = {
    "AWS::ECR::Repository": {
        "type": "aws_ecr_repository",
        "renames": {"RepositoryName": "name"},
        "opaque": ["RepositoryPolicyText"],
    },
    "AWS::ECR::RegistryScanningConfiguration": {
        "type": "aws_ecr_registry_scanning_configuration",
        "renames": {"Rules": "rule", "Rules.RepositoryFilters": "repository_filter"},
    },
}

DEFAULTS = {
    # Both the provider docs and the CloudFormation schema: tags are mutable and images are
    # not scanned on push unless asked (scan_on_push only fills a written block).
    "aws_ecr_repository": {
        "image_tag_mutability": "MUTABLE",
        "image_scanning_configuration.scan_on_push": False,
    },
}
