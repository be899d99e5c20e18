"""Lambda: CloudFormation types, renames and AWS defaults.

Only `AWS::Lambda::Permission` is tabled: Bedrock agents and SageMaker call Lambda functions
(action groups, custom steps) through a resource-based permission. Its property names
convert to the Terraform names without renames (`FunctionName` -> `function_name`,
`SourceArn` -> `source_arn`, `SourceAccount` -> `source_account`, `PrincipalOrgID` ->
`principal_org_id`, `FunctionUrlAuthType` -> `function_url_auth_type`).
"""

CFN_TYPES = {
    "AWS::Lambda::Permission": {"type": "aws_lambda_permission"},
}

DEFAULTS: dict = {}
