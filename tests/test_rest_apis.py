"""REST API resource policies (iaclint.inventory.rest_apis): which `Resource` elements of an
open statement reach a method, so that a policy opening only a health check does not put
the model behind an IAM-signed method within every account's reach (IAC607, IAC608). And
REST APIs written as an OpenAPI body (iaclint.inventory.openapi): their operations are
methods, open when no security requirement applies (IAC605)."""
from __future__ import annotations

import pytest
from conftest import FIXTURES, ROOT, builtin_policies, rel

from iaclint.api import scan
from iaclint.aws.iam.model import Statement
from iaclint.inventory import openapi
from iaclint.inventory.rest_apis import _covers_verb
from iaclint.model.unknown import Unknown


def _statement(*resources):
    return Statement(path=(), resource=None, resources=list(resources), paths={"resources": ("resource",)})


@pytest.mark.parametrize("resource,verdict", [
    ("*", True),
    ("execute-api:/*", True),
    ("execute-api:/prod/*", True),
    ("execute-api:/*/POST/*", True),
    ("execute-api:/*/*/*", True),
    ("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*", True),
    ("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/POST/*", True),
    ("execute-api:/*/GET/health", False),
    ("execute-api:/*/GET/*", False),
    ("execute-api:/*/POST/predict", None),
    ("execute-api:/prod", None),
])
def test_which_resources_reach_a_post_method(resource, verdict):
    assert _covers_verb(_statement(resource), "POST") is verdict


def test_an_execution_arn_reference_followed_by_a_wildcard_reaches_every_method():
    arn = Unknown("aws_api_gateway_rest_api.api.execution_arn", "known after apply")
    element = Unknown("${aws_api_gateway_rest_api.api.execution_arn}/*", "known after apply", parts=(arn, "/*"))
    assert _covers_verb(_statement(element), "POST") is True
    assert _covers_verb(_statement(Unknown("var.resource", "no value")), "POST") is None


def test_not_resource_cannot_be_read():
    stmt = Statement(path=(), resource=None, not_resources=["execute-api:/*/GET/*"], paths={"not_resources": ()})
    assert _covers_verb(stmt, "POST") is None


CASES = FIXTURES / "policies" / "public-entry-reaches-ai"


def _iac605(case, monkeypatch):
    monkeypatch.chdir(ROOT)
    files = sorted(rel(p) for p in (CASES / case).iterdir() if p.suffix in (".tf", ".yaml"))
    result = scan(files, policies=list(builtin_policies()), select=["IAC605"], strict=True)
    assert not result.errors, result.errors
    return result


def test_an_openapi_operation_without_security_is_an_open_entry(monkeypatch):
    # bedrock-access-gateway's shape: the API's methods are in its `Body`, no method resources.
    result = _iac605("fail_openapi_body", monkeypatch)
    got = sorted((f.policy_id, f.verdict, f.resource, f.file.rsplit("/", 1)[1], f.line) for f in result.findings)
    assert got == [("IAC605", "FAIL", "Api", "template.yaml", 37),
                   ("IAC605", "FAIL", "aws_api_gateway_rest_api.api", "main.tf", 32)]
    assert not result.unknowns


def test_an_openapi_operation_behind_an_authorizer_is_not_open(monkeypatch):
    result = _iac605("pass_openapi_body_authorizer", monkeypatch)
    assert not result.findings and not result.unknowns


def test_an_anonymous_alternative_beside_a_scheme_is_unknown(monkeypatch):
    result = _iac605("unknown_openapi_body_optional_security", monkeypatch)
    assert all(f.verdict == "UNKNOWN" for f in result.findings)
    got = sorted((f.policy_id, f.resource, f.file.rsplit("/", 1)[1], f.line) for f in result.unknowns)
    assert got == [("IAC605", "Api", "template.yaml", 41),
                   ("IAC605", "aws_api_gateway_rest_api.api", "main.tf", 36)]
    assert all(openapi.OPTIONAL in f.message for f in result.unknowns)


_SCHEMES = {"sig": {"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"},
            "pool": {"type": "apiKey", "x-amazon-apigateway-authtype": "cognito_user_pools"},
            "key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
            "lambda": {"type": "apiKey", "x-amazon-apigateway-authorizer": {"type": "token"}}}


@pytest.mark.parametrize("security,auth", [
    ([], "NONE"),
    ([{}], "NONE"),
    ("not a list", "NONE"),
    ([{"sig": []}], "AWS_IAM"),
    ([{"pool": ["scope"]}], "COGNITO_USER_POOLS"),
    ([{"key": []}], "API_KEY"),
    ([{"lambda": []}], "CUSTOM"),
    ([{"undefined": []}], "CUSTOM"),
])
def test_what_a_security_requirement_asks_for(security, auth):
    assert openapi._auth(security, _SCHEMES) == auth


def test_a_security_requirement_in_a_parameter_is_unknown():
    value = Unknown("Parameters.Security", "no default")
    assert openapi._auth(value, _SCHEMES) is value
    assert openapi._auth([{}, {"key": []}], _SCHEMES) is openapi._OPTIONAL


def test_operations_in_document_order_with_their_security():
    class Api:
        attributes = {"body": {"security": [{"key": []}], "securityDefinitions": _SCHEMES, "paths": {
            "/a": {"get": {"x-amazon-apigateway-integration": {}}, "parameters": [], "post": {"security": [],
                   "x-amazon-apigateway-integration": {}}},
            "/b": {"x-amazon-apigateway-any-method": {"x-amazon-apigateway-integration": {}}, "put": {}}}}}

    got = [(o.verb, o.route, o.auth, o.auth_where) for o in openapi.operations(Api)]
    assert got == [("GET", "/a", "API_KEY", ("body", "security")),
                   ("POST", "/a", "NONE", ("body", "paths", "/a", "post", "security")),
                   ("ANY", "/b", "API_KEY", ("body", "security"))]


def test_the_auth_extension_authenticates_an_operation():
    # `x-amazon-apigateway-auth: {type: AWS_IAM}` is API Gateway's own way to sign an operation.
    integration = {"x-amazon-apigateway-integration": {}}

    class Api:
        attributes = {"body": {"paths": {
            "/iam": {"post": {"x-amazon-apigateway-auth": {"type": "aws_iam"}, **integration}},
            "/open": {"post": {"x-amazon-apigateway-auth": {"type": "NONE"}, **integration}},
            "/var": {"post": {"x-amazon-apigateway-auth": {"type": Unknown("var.auth", "no value")}, **integration}},
            "/plain": {"post": dict(integration)}}}}

    got = [(o.route, o.auth if isinstance(o.auth, str) else "?", o.auth_where) for o in openapi.operations(Api)]
    assert got == [("/iam", "AWS_IAM", ("body", "paths", "/iam", "post", "x-amazon-apigateway-auth", "type")),
                   ("/open", "NONE", ("body", "paths", "/open", "post")),
                   ("/var", "?", ("body", "paths", "/var", "post", "x-amazon-apigateway-auth", "type")),
                   ("/plain", "NONE", ("body", "paths", "/plain", "post"))]


def test_a_sam_api_definition_body_is_read_with_the_apis_auth(monkeypatch):
    # aws-samples/serverless-exam-generator's shape: `AWS::Serverless::Api` with a DefinitionBody
    # and no Auth. SAM puts `Auth.DefaultAuthorizer` on every operation of the body.
    result = _iac605("fail_sam_api_definition_body", monkeypatch)
    got = sorted((f.policy_id, f.verdict, f.resource, f.file.rsplit("/", 1)[1], f.line) for f in result.findings)
    assert got == [("IAC605", "FAIL", "Api", "template.yaml", 25)]
    result = _iac605("pass_sam_api_default_authorizer", monkeypatch)
    assert not result.findings and not result.unknowns
