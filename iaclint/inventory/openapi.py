"""The operations of a REST API defined by an OpenAPI document (`body`; CloudFormation
`Body`, SAM's `AWS::Serverless::Api` `DefinitionBody`), with what each integrates and how
it authenticates callers.

API Gateway imports such a document instead of separate method resources: every operation
(`paths./chat.post`, or `x-amazon-apigateway-any-method`) with an
`x-amazon-apigateway-integration` is a method, its `uri` the integration's. An operation
takes callers without authentication when no security requirement applies to it: neither
its own `security` nor the document's top-level one (an empty list, or only empty
requirements `{}`, is none; `{}` beside a scheme is unknown). A requirement names security schemes
(`components.securitySchemes`, Swagger 2's `securityDefinitions`): `x-amazon-apigateway-authtype`
`awsSigv4` is `AWS_IAM`, `cognito_user_pools` `COGNITO_USER_POOLS`, another
`x-amazon-apigateway-authorizer` a Lambda authorizer (`CUSTOM`), an `apiKey` scheme an API
key (`API_KEY`). An operation's `x-amazon-apigateway-auth` `type` (`AWS_IAM`) authenticates it
too, whatever `security` says. Terraform's `jsonencode(...)` and CloudFormation's object or JSON string
are read alike (`iaclint.model.documents.decode`); a document in a file or on S3 is not read.
"""
from __future__ import annotations

from typing import NamedTuple

from iaclint.model.documents import decode
from iaclint.model.unknown import Unknown, is_unknown

INTEGRATION = "x-amazon-apigateway-integration"
AUTH = "x-amazon-apigateway-auth"
ANY_METHOD = "x-amazon-apigateway-any-method"
VERBS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", ANY_METHOD)
NONE = "NONE"
_AUTHTYPES = {"awssigv4": "AWS_IAM", "cognito_user_pools": "COGNITO_USER_POOLS"}
OPTIONAL = ("its `security` allows anonymous calls (`{}`) beside a security scheme, and which one API Gateway "
            "imports is not documented")
_OPTIONAL = Unknown("security", OPTIONAL)


class Operation(NamedTuple):
    verb: str  # POST, or ANY for x-amazon-apigateway-any-method
    route: str  # the document's path, `/chat`
    where: tuple  # the operation's attribute path (`body`, `paths`, route, verb key)
    auth: object  # NONE, AWS_IAM, COGNITO_USER_POOLS, CUSTOM, API_KEY or an Unknown
    auth_where: tuple  # the `security` that decides it, else the operation
    why: str = ""  # why an unknown `auth` cannot be known, when the template itself says it


def operations(api, attribute: str = "body") -> list:
    """The operations of `api`'s OpenAPI document (its `attribute`: a REST API's `body`,
    SAM's `definition_body`) that have an integration, in the document's order; [] when
    it has none or its shape cannot be read."""
    document = decode(api.attributes.get(attribute))
    if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
        return []
    schemes = _schemes(document)
    top = (attribute, "security") if "security" in document else None
    out = []
    for route, item in document["paths"].items():
        if not isinstance(item, dict):
            continue
        for key, operation in item.items():
            if key.lower() not in VERBS or not isinstance(operation, dict) or INTEGRATION not in operation:
                continue
            where = (attribute, "paths", route, key)
            if "security" in operation:
                security, auth_where = operation["security"], where + ("security",)
            elif top is not None:
                security, auth_where = document["security"], top
            else:
                security, auth_where = [], where
            verb = "ANY" if key == ANY_METHOD else key.upper()
            auth = _auth(security, schemes)
            extension = _extension(operation.get(AUTH))
            if extension is not None and (is_unknown(auth) or auth == NONE):
                auth, auth_where = extension, where + (AUTH, "type")
            why = OPTIONAL if auth is _OPTIONAL else ""
            out.append(Operation(verb, str(route), where, auth, auth_where, why))
    return out


def _extension(value) -> object:
    """The authorization an operation's `x-amazon-apigateway-auth` sets (`AWS_IAM`), an
    Unknown, or None when it sets none (absent, or `NONE`)."""
    kind = value.get("type") if isinstance(value, dict) else None
    if is_unknown(kind):
        return kind
    return kind.upper() if isinstance(kind, str) and kind.upper() != NONE else None


def _schemes(document: dict) -> dict:
    """The security schemes, under OpenAPI 3's or Swagger 2's key (or their snake-case
    spelling: a SAM `DefinitionBody` is not kept verbatim, its keys are translated)."""
    components = document.get("components")
    for key in ("securitySchemes", "security_schemes"):
        found = components.get(key) if isinstance(components, dict) else None
        if isinstance(found, dict):
            return found
    for key in ("securityDefinitions", "security_definitions"):
        if isinstance(document.get(key), dict):
            return document[key]
    return {}


def _auth(security, schemes: dict) -> object:
    """How callers of an operation under `security` authenticate: NONE when no
    requirement names a scheme, else the kind of the first requirement's first scheme;
    unknown when an anonymous alternative (`{}`) stands beside a scheme (API Gateway gives
    a method one authorization; which one it imports is not written down)."""
    if is_unknown(security):
        return security
    if not isinstance(security, list):
        return NONE
    kinds = []
    for requirement in security:
        if is_unknown(requirement):
            return requirement
        if isinstance(requirement, dict) and requirement:
            kinds.append(_kind(schemes.get(next(iter(requirement)))))
    if not kinds:
        return NONE
    if len(kinds) < len(security):
        return _OPTIONAL
    return kinds[0]


def _kind(scheme) -> object:
    if is_unknown(scheme):
        return scheme
    if not isinstance(scheme, dict):
        return "CUSTOM"  # a scheme the import resolves elsewhere: some authentication
    authtype = scheme.get("x-amazon-apigateway-authtype")
    if isinstance(authtype, str) and authtype.lower() in _AUTHTYPES:
        return _AUTHTYPES[authtype.lower()]
    if scheme.get("type") == "apiKey" and "x-amazon-apigateway-authorizer" not in scheme:
        return "API_KEY"
    return "CUSTOM"
