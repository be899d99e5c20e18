"""API Gateway: CloudFormation types and renames.

REST APIs and their methods are entries in front of AI services (the asset graph,
`iaclint.inventory`). A method's `AuthorizationType` is Terraform's `authorization`; its
inline `Integration` (which Terraform writes as a separate `aws_api_gateway_integration`)
keeps its CloudFormation shape, `integration.uri`. A REST API's resource `Policy` is an
IAM document and its `Body` an OpenAPI document (`iaclint.inventory.openapi`), both kept
verbatim. HTTP APIs (`AWS::ApiGatewayV2::*`)
need no table: their derived names are Terraform's (`aws_apigatewayv2_route`,
`authorization_type`, `target`, `integration_uri`).
"""

CFN_TYPES = {
    "AWS::ApiGateway::RestApi": {"type": "aws_api_gateway_rest_api", "opaque": ["Policy", "Body"]},
    "AWS::ApiGateway::Method": {
        "type": "aws_api_gateway_method",
        "renames": {"AuthorizationType": "authorization"},
    },
}

DEFAULTS: dict = {
    # A method without AuthorizationType takes no authorization (the API's default).
    "aws_api_gateway_method": {"authorization": "NONE"},
}
