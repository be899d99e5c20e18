"""Two things about API Gateway REST APIs that `entries` needs beyond Lambda integrations:
what an integration calls when it is an AWS service proxy to an AI runtime, and whether
the API's resource policy lets any AWS account in.

- *Service proxies* (`proxied`): an integration of type `AWS` whose `uri` is
  `arn:<partition>:apigateway:<region>:<service>:path/<API path>` calls that service's
  API itself, signed with the integration's `credentials` role, with no function in
  between. For `runtime.sagemaker` (`endpoints/<name>/invocations`) the target is the
  endpoint (the unit's `aws_sagemaker_endpoint` the URI refers to or names, else the
  endpoint by that name outside the stack); for `bedrock-runtime`
  (`model/<id>/invoke`, `/converse`, their streaming forms) the Bedrock model (every model
  when the ID is a `{parameter}` the caller fills in); for `bedrock-agent-runtime` the
  agent (`agents/<id>/...`) or knowledge base (`knowledgebases/<id>/...`) it names.
  The service must be written literally; region, partition and the IDs may be unknown.
- *Resource policy* (`policy_opens`): the API's `policy` (inline, or an
  `aws_api_gateway_rest_api_policy`) has an `Allow` of `execute-api:Invoke` for principal
  `*` (or a `NotPrincipal`) with no condition that confines it to a network, an account
  or an organization, and no `Deny` of the same action that could narrow it (the usual
  "deny unless from my VPC endpoint" pattern), whose `Resource` covers the method's verb on
  every path (`*`, `execute-api:/*`, `<execution ARN>/*`, `.../*/POST/*`; a statement for
  `GET /health` only does not open a `POST` method, one for a narrower path may). With such
  a policy a method that authorizes with `AWS_IAM` accepts a signed request from any AWS
  account.
"""
from __future__ import annotations

import re
from urllib.parse import unquote

from iaclint.aws import iam
from iaclint.inventory import kinds
from iaclint.inventory.model import Asset
from iaclint.inventory.unit import Builder
from iaclint.model import lazy_re
from iaclint.model.documents import EncodedJson
from iaclint.model.unknown import is_unknown

HOLE = "\x00"  # an unknown part of the URI's text
_SERVICE_URI = lazy_re.compile(r"^arn:[^:]*:apigateway:[^:]*:(?P<service>[a-z0-9.-]+):path/+(?P<path>.*)$", re.S)
AI_SERVICES = ("runtime.sagemaker", "bedrock-runtime", "bedrock-agent-runtime")
ENDPOINT_TYPES = ("aws_sagemaker_endpoint",)
MODEL_TYPES = ("aws_bedrock_custom_model", "aws_bedrock_provisioned_model_throughput",
               "aws_bedrock_inference_profile", "aws_bedrock_application_inference_profile")
AGENT_TYPES = ("aws_bedrockagent_agent", "aws_bedrockagent_agent_alias")
KB_TYPES = ("aws_bedrockagent_knowledge_base",)
INVOKE = "execute-api:Invoke"
# Conditions that confine a `*` principal to a network, an account or an organization.
NARROWING_KEYS = ("aws:SourceVpc", "aws:SourceVpce", "aws:SourceIp", "aws:VpcSourceIp", "aws:PrincipalOrgID",
                  "aws:PrincipalOrgPaths", "aws:PrincipalAccount", "aws:PrincipalArn", "aws:SourceAccount",
                  "aws:SourceArn")
POLICY_TYPE = "aws_api_gateway_rest_api_policy"


def proxied(b: Builder, holder, path: tuple) -> list:
    """(path, AI asset) that the integration `uri` at `path` of `holder` calls directly;
    [] when it is not an AI service proxy."""
    uri = _value_at(holder.attributes, path)
    text = _text(uri)
    match = _SERVICE_URI.match(text) if text else None
    if match is None or match.group("service") not in AI_SERVICES:
        return []
    refs = [t for _, t, _ in b.targets(holder, path) if t is not None]
    segments = match.group("path").split("/")
    service = match.group("service")
    if service == "runtime.sagemaker":
        target = _endpoint(b, refs, segments)
    elif service == "bedrock-runtime":
        target = _model(b, refs, segments)
    else:
        target = _agent_runtime(b, refs, segments)
    return [(path, target)] if target is not None else []


def _endpoint(b: Builder, refs: list, segments: list) -> Asset | None:
    if len(segments) < 2 or segments[0] != "endpoints":
        return None
    found = _referenced(b, refs, ENDPOINT_TYPES) or _named(b, ENDPOINT_TYPES, ("name",), segments[1])
    if found is not None:
        return found
    name = segments[1] if HOLE not in segments[1] else "?"
    return b.pseudo(Asset(id=f"sagemaker-endpoint:{name}", kind="endpoint",
                          name=f"SageMaker endpoint `{name}` (not defined in this stack)"))


def _model(b: Builder, refs: list, segments: list) -> Asset | None:
    if len(segments) < 2 or segments[0] != "model":
        return None
    found = _referenced(b, refs, MODEL_TYPES)
    if found is not None:
        return found
    model = unquote(segments[1])
    if HOLE in model or (model.startswith("{") and model.endswith("}")):
        model = "*"  # chosen by the request (a path parameter) or unknown: any model the role allows
    return b.pseudo(kinds.foundation_model(model))


def _agent_runtime(b: Builder, refs: list, segments: list) -> Asset | None:
    if len(segments) < 2 or segments[0] not in ("agents", "knowledgebases"):
        return None
    types, kind, what = (AGENT_TYPES, "agent", "Bedrock agent") if segments[0] == "agents" \
        else (KB_TYPES, "knowledge-base", "Bedrock knowledge base")
    found = _referenced(b, refs, types)
    if found is not None:
        return found
    ident = segments[1] if HOLE not in segments[1] and not segments[1].startswith("{") else "?"
    return b.pseudo(Asset(id=f"{kind}:{ident}", kind=kind, name=f"{what} `{ident}` (not defined in this stack)"))


def _referenced(b: Builder, refs: list, types: tuple) -> Asset | None:
    for target in refs:
        if target.type in types:
            if target.type == "aws_bedrockagent_agent_alias":
                target = next((t for _, t, _ in b.targets(target, ("agent_id",)) if t is not None), target)
            asset = b.asset(target)
            if asset is not None:
                return asset
    return None


def _named(b: Builder, types: tuple, keys: tuple, name: str) -> Asset | None:
    if HOLE in name:
        return None
    for r in b.of_type(*types):
        if any(r.attributes.get(k) == name for k in keys):
            return b.asset(r)
    return None


def _value_at(attributes, path: tuple):
    value = attributes
    for step in path:
        if isinstance(value, EncodedJson):
            value = value.value  # a Terraform `jsonencode(...)` (an OpenAPI `body`)
        if isinstance(value, list) and value and isinstance(step, str):
            value = value[0]  # a Terraform block written once
        if not isinstance(value, dict):
            return None
        value = value.get(step)
    return value


def _text(value) -> str | None:
    """The URI's text, with `HOLE` for each unknown part; None when nothing is known."""
    if isinstance(value, str):
        return value
    parts = getattr(value, "parts", None) if is_unknown(value) else None
    if not parts:
        return None
    return "".join(p if isinstance(p, str) else HOLE for p in parts)


def policy_opens(b: Builder, api, verb) -> tuple:
    """(verdict, location of the statement, reason): does the REST API's resource policy
    let any AWS account invoke its `verb` methods? True, None (cannot be known; `reason`
    says why) or False; the location of the opening statement (or of the unknown part).
    The documents are read once per API."""
    key = ("rest-api-policy", id(api))
    read = b.memo.get(key)
    if read is None:
        read = b.memo[key] = _read_policy(b, api)
    statements, fenced, unknowns = read
    if fenced:
        return False, None, ""
    best = (False, None, "")
    for stmt, open_, where in statements:
        verdict = iam.all3(open_, _covers_verb(stmt, verb))
        if verdict is True:
            return True, where, ""
        if verdict is None and best[0] is False:
            best = (None, where, f"whether {stmt.label()} of `{stmt.resource.address}` lets any AWS account call "
                                 f"this method cannot be known")
    return best if best[0] is not False or not unknowns else unknowns[0]


def _read_policy(b: Builder, api) -> tuple:
    """(statements that may open the API with their verdict and place, whether a Deny
    may fence them, the unknown parts of the documents as results)."""
    documents = [(r, d) for r in [api] + _policy_resources(b, api) for d in iam.resource_policy_documents(r, b.ctx)]
    statements = [s for _, d in documents for s in d.statements]
    fenced = any(iam.is_deny(s) is not False and iam.actions_cover(s, INVOKE) is not False for s in statements)
    opening = []
    for stmt in statements:
        verdict = iam.all3(iam.actions_cover(stmt, INVOKE), iam.open_to_everyone(stmt, NARROWING_KEYS))
        if verdict is not False:
            opening.append((stmt, verdict, kinds.location(stmt.resource, stmt.path_of("principals", "not_principals"))))
    unknowns = [(None, kinds.location(holder, path), reason) for holder, d in documents for path, _, reason in d.unknowns]
    return opening, fenced, unknowns


_EXECUTE_API = lazy_re.compile(r"^(?:arn:[^:]*:)?execute-api:(?:[^:]*:[^:]*:[^/]*)?(?P<rest>/.*)?$")


def _covers_verb(stmt, verb) -> object:
    """Does the statement's `Resource` cover the API's `verb` methods on every path?
    (`*`, `execute-api:/*`, `<execution ARN>/*`, `.../<stage>/POST/*`: True; a verb
    that is another: False; a narrower path or an unreadable element: None.)"""
    if "resources" not in stmt.paths:
        return None  # NotResource
    best = False
    for element in stmt.resources:
        text = _text(element)
        if text is None:
            best = None
            continue
        if HOLE in text:
            text = text.rsplit(HOLE, 1)[1]
        text = text.strip()
        if text in ("*", "/*", ""):
            return True
        match = _EXECUTE_API.match(text) if text.startswith(("arn:", "execute-api:")) else None
        rest = (match.group("rest") or "/*") if match else text
        segments = [seg for seg in rest.split("/")[1:]]  # stage, verb, path...
        if len(segments) <= 1 or (segments[1] == "*" and all(seg == "*" for seg in segments[2:])):
            if len(segments) <= 1 and segments and segments[0] not in ("*", ""):
                best = None if best is False else best  # one stage: the others are not covered
                continue
            return True
        if not isinstance(verb, str) or segments[1].upper() not in (verb.upper(), "*"):
            continue
        best = True if all(seg == "*" for seg in segments[2:]) else (best if best is True else None)
    return best


def _policy_resources(b: Builder, api) -> list:
    return [p for p in b.of_type(POLICY_TYPE) if any(t is api for _, t, _ in b.targets(p, ("rest_api_id",)))]
