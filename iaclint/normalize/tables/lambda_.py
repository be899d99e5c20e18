"""Lambda: CloudFormation types, renames and AWS defaults.

`AWS::Lambda::Permission`: Bedrock agents and SageMaker call Lambda functions (action
groups, custom steps) through a resource-based permission. Its property names convert to
the Terraform names without renames (`FunctionName` -> `function_name`, `SourceArn` ->
`source_arn`, `SourceAccount` -> `source_account`, `PrincipalOrgID` ->
`principal_org_id`, `FunctionUrlAuthType` -> `function_url_auth_type`).

`AWS::Lambda::Function` and `AWS::Lambda::Url` are the functions in front of AI services
and their public entries (the asset graph, `iaclint.inventory`): a URL's `AuthType` is
Terraform's `authorization_type` and its `TargetFunctionArn` the function it fronts,
Terraform's `function_name`.
"""

CFN_TYPES = {
    "AWS::Lambda::Permission": {"type": "aws_lambda_permission"},
    "AWS::Lambda::Function": {"type": "aws_lambda_function"},
    "AWS::Lambda::Url": {
        "type": "aws_lambda_function_url",
        "renames": {"AuthType": "authorization_type", "TargetFunctionArn": "function_name"},
    },
}

DEFAULTS: dict = {}
