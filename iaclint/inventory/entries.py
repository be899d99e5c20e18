"""What reaches compute from outside: API Gateway (REST and HTTP), Lambda function URLs,
SAM events, AgentCore gateways and runtimes, and Lambda permissions.

A REST method whose integration is an AWS service proxy to an AI runtime (SageMaker, Bedrock)
fronts that endpoint or model directly (`rest_apis.proxied`), and a REST API whose resource
policy lets every AWS account in gives `any AWS account` an edge to what its `AWS_IAM`
methods front (`rest_apis.policy_opens`). The operations of a REST API's OpenAPI `body`
are its methods as much as method resources are (`openapi.operations`).

An entry that takes callers without authentication gets an edge from the `internet`
pseudo asset to what it fronts, located first at the setting that opens it (the method's
`authorization`, the URL's `authorization_type`, the gateway's `authorizer_type`), which
is also what a fix changes. An entry whose authentication cannot be known gets the same
edge with `known=False`. An API asset `exposes` each function it integrates, and its
`exposure` is the most open of its routes.
"""
from __future__ import annotations

from iaclint.aws import iam
from iaclint.inventory import kinds, openapi, rest_apis
from iaclint.inventory.unit import Builder, unknowable
from iaclint.inventory.model import INTERNET, PRIVATE, PUBLIC, Asset, Unknowable
from iaclint.model.unknown import is_unknown

NONE = "NONE"
OPEN_COST = 2  # an unauthenticated entry: one line to close, but it may be the product


def extract(b: Builder) -> None:
    for url in b.of_type("aws_lambda_function_url"):
        _function_url(b, url)
    for api in b.of_type("aws_api_gateway_rest_api"):
        _rest_api(b, api)
    for api in b.of_type("aws_apigatewayv2_api"):
        _http_api(b, api)
    for function in b.of_type("aws_serverless_function"):
        _sam_function(b, function)
    for api in b.of_type("aws_serverless_api"):
        _sam_api(b, api)
    for gateway in b.of_type("aws_bedrockagentcore_gateway"):
        _gateway(b, gateway)
    for runtime in b.of_type("aws_bedrockagentcore_agent_runtime", "aws_bedrockagentcore_runtime"):
        _runtime(b, runtime)
    for permission in b.of_type("aws_lambda_permission"):
        _permission(b, permission)


def _open(b: Builder, entry: Asset, target: Asset, label: str, via: tuple, auth, fix: str, why: str = "") -> None:
    """`internet -> target` through `entry` when `auth` (the entry's authentication) is
    NONE; an unknown edge when it cannot be known (`why`, when not a value's)."""
    if target is None:
        return
    if is_unknown(auth):
        reason = why or unknowable(auth, f"the authentication of `{entry.name}`").reason
        b.link(b.pseudo(kinds.internet()), target, "invokes", label, via, known=False, reason=reason,
               cost=OPEN_COST, fix=fix)
    elif isinstance(auth, str) and auth.upper() == NONE:
        b.link(b.pseudo(kinds.internet()), target, "invokes", label, via, cost=OPEN_COST, fix=fix)
        if target.exposure in (None, INTERNET, PRIVATE):
            target.exposure, target.exposure_detail = PUBLIC, f"through {label}"


def _set_exposure(asset: Asset, levels: list) -> None:
    """The most open of `levels` (PUBLIC, INTERNET, PRIVATE or Unknowable)."""
    for level in (PUBLIC,):
        if level in levels:
            asset.exposure = level
            return
    unknown = next((lv for lv in levels if isinstance(lv, Unknowable)), None)
    if unknown is not None:
        asset.exposure = unknown
    elif INTERNET in levels:
        asset.exposure = INTERNET
    elif levels:
        asset.exposure = PRIVATE


def _level(auth) -> object:
    if is_unknown(auth):
        return unknowable(auth, "the authorization")
    return PUBLIC if isinstance(auth, str) and auth.upper() == NONE else INTERNET


def _functions(b: Builder, resource, path: tuple) -> list:
    return [(w, a) for w, a in b.target_assets(resource, path) if a.kind in ("function", "agent-runtime")]


def _function_url(b: Builder, url) -> None:
    entry = b.asset(url)
    auth = url.attributes.get("authorization_type")
    where = ("authorization_type",)
    for path, function in _functions(b, url, ("function_name",)):
        b.link(entry, function, "exposes", "function URL", (b.at(url, path),), cost=4)
        _open(b, entry, function, f"function URL `{url.address}` (authorization {auth if isinstance(auth, str) else '?'})",
              (b.at(url, where), b.at(url, path)), auth,
              f"set `{url.native_name(where)}` to `AWS_IAM` and sign requests, or put an authenticating API in front")
    entry.exposure = _level(auth) if auth is not None else Unknowable("the URL's authorization type is not set")
    entry.exposure_detail = "function URL"


def _private(api) -> bool:
    """Is the REST API's endpoint private? Its `endpoint_configuration` types say so, or,
    for an OpenAPI body, the import parameter `endpointConfigurationTypes` (`parameters`)."""
    types = api.attributes.get("endpoint_configuration")
    if types is not None and not is_unknown(types) and "PRIVATE" in str(types):
        return True
    parameters = api.attributes.get("parameters")
    if not isinstance(parameters, dict):
        return False
    value = parameters.get("endpointConfigurationTypes", parameters.get("endpoint_configuration_types"))
    return isinstance(value, str) and "PRIVATE" in value.upper()


def _rest_api(b: Builder, api) -> None:
    entry = b.asset(api)
    private = _private(api)
    levels = []
    integrations = b.of_type("aws_api_gateway_integration")
    for method in b.of_type("aws_api_gateway_method"):
        if not any(t is api for _, t, _ in b.targets(method, ("rest_api_id",))):
            continue
        auth = method.attributes.get("authorization", NONE)
        if method.attributes.get("api_key_required") is True and auth == NONE:
            auth = "API_KEY"
        verb = method.attributes.get("http_method")
        label = f"API `{api.address}` {verb if isinstance(verb, str) else ''} (authorization {auth if isinstance(auth, str) else '?'})"
        where = ("authorization",)
        hops = [(method, p, f) for p, f in _functions(b, method, ("integration",))]
        hops += [(method, p, a) for p, a in rest_apis.proxied(b, method, ("integration", "uri"))]
        for integration in integrations:
            if _same_method(b, integration, method, api):
                hops += [(integration, p, f) for p, f in _functions(b, integration, ("uri",))]
                hops += [(integration, p, a) for p, a in rest_apis.proxied(b, integration, ("uri",))]
        for holder, path, function in hops:
            b.link(entry, function, "exposes", f"integration of `{method.address}`", (b.at(holder, path),), cost=4)
            if not private:
                _open(b, entry, function, label, (b.at(method, where), b.at(holder, path)), auth,
                      f"require authorization on `{method.address}` (`AWS_IAM`, `COGNITO_USER_POOLS` or a Lambda "
                      "authorizer)")
            _any_account(b, api, method.address, verb, function, (b.at(method, where), b.at(holder, path)), auth,
                         private)
        levels.append(PRIVATE if private else _level(auth))
    levels += _openapi_operations(b, api, entry, private, openapi.operations(api))
    _set_exposure(entry, levels)
    entry.exposure_detail = "REST API" + (" (private endpoint)" if private else "")


def _sam_api(b: Builder, api) -> None:
    """SAM's `AWS::Serverless::Api`: the operations of its `DefinitionBody`, as a REST
    API's body's. SAM puts the API's `Auth.DefaultAuthorizer` (or `ApiKeyRequired`) on
    every one of them; without it each keeps its own `security`."""
    operations = openapi.operations(api, "definition_body")
    if not operations:
        return
    auth = api.attributes.get("auth")
    default = auth.get("default_authorizer") if isinstance(auth, dict) else None
    if isinstance(auth, dict) and auth.get("api_key_required") is True and default is None:
        default = "API_KEY"
    if default is not None and not (isinstance(default, str) and default.upper() == NONE):
        where = ("auth", "default_authorizer") if "default_authorizer" in auth else ("auth", "api_key_required")
        operations = [op._replace(auth=default, auth_where=where, why="") for op in operations]
    private = _private(api)
    entry = b.asset(api)
    levels = _openapi_operations(b, api, entry, private, operations)
    _set_exposure(entry, levels)
    entry.exposure_detail = "REST API (SAM)" + (" (private endpoint)" if private else "")


def _openapi_operations(b: Builder, api, entry: Asset, private: bool, operations: list) -> list:
    """The methods an OpenAPI document defines (`openapi.operations`), linked as method
    resources are; their exposure levels."""
    levels = []
    for op in operations:
        uri = op.where + (openapi.INTEGRATION, "uri")
        name = f"{op.verb} {op.route}"
        hops = _functions(b, api, uri) + rest_apis.proxied(b, api, uri)
        auth, where = op.auth, b.at(api, op.auth_where)
        label = f"API `{api.address}` {name} (authorization {auth if isinstance(auth, str) else '?'})"
        for path, function in hops:
            b.link(entry, function, "exposes", f"integration of `{name}`", (b.at(api, path),), cost=4)
            if not private:
                _open(b, entry, function, label, (where, b.at(api, path)), auth,
                      f"give `{name}` of `{api.address}` a security requirement (a Lambda or Cognito authorizer, "
                      "`awsSigv4` or an API key), or the document a top-level `security`", op.why)
            _any_account(b, api, f"{name} of {api.address}", op.verb, function, (where, b.at(api, path)), auth,
                         private)
        levels.append(PRIVATE if private else _level(auth))
    return levels


def _any_account(b: Builder, api, method: str, verb, target: Asset, via: tuple, auth, private: bool) -> None:
    """`any AWS account -> target` when the API's resource policy lets every account in
    and the method takes signed requests (`AWS_IAM`), or no authentication on a private
    API (an unauthenticated public method is already the internet's edge)."""
    if is_unknown(auth):
        takes = None
    else:
        kind = auth.upper() if isinstance(auth, str) else ""
        takes = kind == "AWS_IAM" or (kind == NONE and private)
    if takes is False:
        return
    verdict, where, reason = rest_apis.policy_opens(b, api, verb)
    if verdict is False or where is None:
        return
    known = verdict is True and takes is True
    if not known and not reason:
        reason = unknowable(auth, f"the authorization of `{method}`").reason
    b.link(b.pseudo(kinds.anyone()), target, "invokes", f"the resource policy of `{api.address}`", (where,) + via,
           known=known, reason=reason, cost=OPEN_COST,
           fix=f"confine the resource policy of `{api.address}` with an `aws:SourceVpce`, `aws:SourceIp` or "
               "`aws:PrincipalOrgID` condition, or name the callers' accounts")


def _same_method(b: Builder, integration, method, api) -> bool:
    """Does the Terraform `aws_api_gateway_integration` belong to `method`?"""
    if not any(t is api for _, t, _ in b.targets(integration, ("rest_api_id",))):
        return False
    for attribute in ("resource_id", "http_method"):
        mine, theirs = integration.attributes.get(attribute), method.attributes.get(attribute)
        refs = [t for _, t, _ in b.targets(integration, (attribute,))]
        if method in refs:
            continue
        other = [t for _, t, _ in b.targets(method, (attribute,))]
        if refs and other and refs[0] is other[0]:
            continue
        if isinstance(mine, str) and mine == theirs:
            continue
        return False
    return True


def _http_api(b: Builder, api) -> None:
    entry = b.asset(api)
    levels = []
    for path, function in _functions(b, api, ("target",)):  # quick create: one open route
        b.link(entry, function, "exposes", "quick-create route", (b.at(api, path),), cost=4)
        _open(b, entry, function, f"HTTP API `{api.address}` (quick create, no authorization)",
              (b.at(api, path),), NONE, "define routes with an authorizer instead of `target`")
        levels.append(PUBLIC)
    integrations = {id(i): i for i in b.of_type("aws_apigatewayv2_integration")}
    for route in b.of_type("aws_apigatewayv2_route"):
        if not any(t is api for _, t, _ in b.targets(route, ("api_id",))):
            continue
        auth = route.attributes.get("authorization_type", NONE)
        key = route.attributes.get("route_key")
        label = f"HTTP API `{api.address}` route `{key if isinstance(key, str) else '?'}` " \
                f"(authorization {auth if isinstance(auth, str) else '?'})"
        where = ("authorization_type",)
        for _, integration, _ in b.targets(route, ("target",)):
            if integration is None or id(integration) not in integrations:
                continue
            for path, function in _functions(b, integration, ("integration_uri",)):
                b.link(entry, function, "exposes", f"route `{key}`", (b.at(integration, path),), cost=4)
                _open(b, entry, function, label, (b.at(route, where), b.at(integration, path)), auth,
                      f"give route `{route.address}` an authorizer (`authorization_type` `AWS_IAM` or `JWT`)")
        levels.append(_level(auth))
    _set_exposure(entry, levels)
    entry.exposure_detail = "HTTP API"


def _sam_function(b: Builder, function) -> None:
    asset = b.asset(function)
    url = function.attributes.get("function_url_config")
    if isinstance(url, dict):
        auth = url.get("auth_type")
        _open(b, asset, asset, f"the function URL of `{function.address}` (AuthType {auth})",
              (b.at(function, ("function_url_config", "auth_type")),), auth,
              "set `FunctionUrlConfig.AuthType` to `AWS_IAM`")
    events = function.attributes.get("events")
    if not isinstance(events, dict):
        return
    for name, event in events.items():
        if not isinstance(event, dict) or event.get("type") not in ("Api", "HttpApi"):
            continue
        props = event.get("properties") if isinstance(event.get("properties"), dict) else {}
        auth = (props.get("auth") or {}).get("authorizer") if isinstance(props.get("auth"), dict) else None
        base = ("events", name, "properties")
        apis = [t for _, t, _ in b.targets(function, base)
                if t is not None and t.type in ("aws_serverless_api", "aws_serverless_http_api")]
        if auth is None and apis:
            default = apis[0].attributes.get("auth")
            auth = default.get("default_authorizer") if isinstance(default, dict) else None
        if auth is None:
            auth = NONE  # SAM adds no authorizer unless one is named
        where = base + ("auth", "authorizer") if isinstance(props.get("auth"), dict) else ("events", name)
        front = b.asset(apis[0]) if apis else asset
        if apis:
            b.link(front, asset, "exposes", f"event `{name}`", (b.at(function, ("events", name)),), cost=4)
            _set_exposure(front, [_level(auth)])
        _open(b, front, asset, f"{event.get('type')} event `{name}` of `{function.address}` (no authorizer)",
              (b.at(function, where),), auth, "name an authorizer in the event's `Auth` or the API's `DefaultAuthorizer`")


def _gateway(b: Builder, gateway) -> None:
    entry = b.asset(gateway)
    auth = gateway.attributes.get("authorizer_type")
    where = ("authorizer_type",)
    for target in b.of_type("aws_bedrockagentcore_gateway_target"):
        if not any(t is gateway for _, t, _ in b.targets(target, ("gateway_identifier",))):
            continue
        for path, function in _functions(b, target, ("target_configuration",)):
            b.link(entry, function, "exposes", f"gateway target `{target.address}`", (b.at(target, path),), cost=4)
            _open(b, entry, function, f"AgentCore gateway `{gateway.address}` (authorizer {auth})",
                  (b.at(gateway, where), b.at(target, path)), auth,
                  f"set `{gateway.native_name(where)}` to `CUSTOM_JWT` or `AWS_IAM`")
    entry.exposure = _level(auth) if auth is not None else Unknowable("the gateway's authorizer type is not set")
    entry.exposure_detail = "AgentCore gateway (MCP)"


def _runtime(b: Builder, runtime) -> None:
    asset = b.asset(runtime)
    mode = runtime.attributes.get("network_configuration")
    mode = mode[0] if isinstance(mode, list) and mode else mode
    mode = mode.get("network_mode") if isinstance(mode, dict) else mode
    if is_unknown(mode):
        asset.exposure = unknowable(mode, "the runtime's network mode")
    elif mode == "PUBLIC":
        asset.exposure, asset.exposure_detail = INTERNET, "public network mode; callers sign with IAM or present a JWT"
    elif mode == "VPC":
        asset.exposure = PRIVATE
    else:
        asset.exposure = Unknowable("the runtime's network mode is not set")


def _permission(b: Builder, permission) -> None:
    """A Lambda resource policy statement: who else may invoke the function."""
    functions = [a for _, a in b.target_assets(permission, ("function_name",)) if a.kind == "function"]
    if not functions:
        name = permission.attributes.get("function_name")
        functions = [b.asset(f) for f in b.of_type("aws_lambda_function")
                     if isinstance(name, str) and f.attributes.get("function_name") == name]
    principal = permission.attributes.get("principal")
    guarded = any(permission.attributes.get(k) is not None
                  for k in ("source_arn", "source_account", "principal_org_id"))
    if guarded or principal is None:
        return
    where = (b.at(permission, ("principal",)),)
    source = _principal(b, permission, principal)
    for function in functions:
        if source is None:
            continue
        if isinstance(source, Unknowable):
            continue
        external, known, reason = source
        b.link(b.pseudo(external), function, "invokes", f"Lambda permission `{permission.address}`", where,
               known=known, reason=reason, cost=OPEN_COST,
               fix=f"name the caller in `{permission.address}` with `source_arn` or `source_account`")


def _principal(b: Builder, resource, principal):
    """(external pseudo asset, known, reason) for a principal outside the unit's account,
    None for one inside it or a service."""
    if is_unknown(principal):
        return None
    text = str(principal).strip()
    if text == "*":
        return kinds.anyone(), True, ""
    if text.endswith(".amazonaws.com"):
        return None
    account = iam.account_of(text)
    if account in (None, iam.SELF):
        return None
    if account == iam.PUBLIC:
        return kinds.anyone(), True, ""
    trusted = iam.trusted_accounts(b.ctx)
    own = iam.own_accounts(resource, b.ctx)
    if account in trusted or account in own:
        return None
    if not own:
        return kinds.account(account), False, f"the scanned files do not show whether account {account} is the stack's own"
    return kinds.account(account), True, ""
