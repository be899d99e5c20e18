"""What an asset says about itself: the models it uses, its encryption at rest, its
network exposure, and the facts attack-path queries ask (an agent's guardrail).

Models are Bedrock model IDs or inference profiles, read from the attributes that name
them (`foundation_model`, `embedding_model_arn`, `base_model_identifier`, `model_id`...),
an ARN reduced to its ID; each becomes a `foundation-model` pseudo asset the resource
`invokes`. A model in a variable is `Unknowable`, and no edge. Encryption is read from the
attributes that name a KMS key (a key in a variable counts as a customer-managed key, as
everywhere in iaclint); without one, the service's own key.
"""
from __future__ import annotations

import re

from iaclint.aws.iam import value_glob
from iaclint.aws.verdicts import leaves
from iaclint.model.documents import EncodedJson
from iaclint.inventory import kinds, opensearch
from iaclint.inventory.unit import Builder, unknowable
from iaclint.inventory.model import AWS_KEY, CUSTOMER_KEY, EGRESS, INTERNET, PRIVATE, Asset
from iaclint.model import lazy_re
from iaclint.model.unknown import is_unknown

MODEL_KEYS = frozenset({"foundation_model", "embedding_model_arn", "base_model_identifier", "model_arn", "model_id",
                        "modelid", "copy_from", "model_identifier", "modelarn"})
MODEL_KINDS = ("agent", "knowledge-base", "model", "flow", "prompt", "ai-service")
_MODEL_ARN = re.compile(r"^arn:[^:]*:bedrock:[^:]*:[^:]*:(?:foundation-model|inference-profile)/(?P<id>[^/*]+)$")
_AWS_KEY = lazy_re.compile(r"(^|[:/])alias/aws/", re.IGNORECASE)
ENCRYPTED = ("model", "endpoint", "agent", "flow", "prompt", "vector-store", "feature-store", "data-store",
             "notebook", "studio", "guardrail", "memory", "monitoring", "agent-runtime")
NOT_ENCRYPTED_TYPES = ("aws_sagemaker_model", "aws_sagemaker_user_profile", "aws_sagemaker_space",
                       "aws_opensearchserverless_collection")


def extract(b: Builder) -> None:
    for asset in list(b.graph):
        r = asset.resource
        if r is None:
            continue
        if asset.kind in MODEL_KINDS:
            _models(b, asset, r)
        _exposure(asset, r)
        if asset.kind == "agent":
            asset.facts["guardrail"] = _guardrail(r)
    opensearch.extract(b)
    for asset in list(b.graph):  # Studio profiles and spaces take the domain's network and default role
        if asset.kind != "studio":
            continue
        for e in b.graph.out(asset.id, "runs-in"):
            domain = b.graph.get(e.target)
            if domain is None:
                continue
            if asset.exposure is None and domain.exposure is not None:
                asset.exposure, asset.exposure_detail = domain.exposure, f"domain `{domain.name}`"
            if asset.role is None:
                _default_role(b, asset, domain, e)


def detail(b: Builder, asset: Asset, r) -> None:
    """What the inventory shows of an asset and no attack-path policy reads (see
    `iaclint.inventory.builder.detail`): its encryption at rest."""
    if asset.kind in ENCRYPTED and r.type not in NOT_ENCRYPTED_TYPES:
        asset.encryption = _encryption(b, r)


def _default_role(b: Builder, asset: Asset, domain: Asset, runs_in) -> None:
    """A user profile without a role of its own runs as its domain's default user role
    (`default_user_settings.execution_role`), a space as the default space role: the
    link is made by the `runs-in` reference and the domain's setting, either a place to
    change."""
    setting = "default_space_settings" if asset.type == "aws_sagemaker_space" else "default_user_settings"
    for e in b.graph.out(domain.id, "assumes"):
        if e.via and e.via[0].path[:1] == (setting,):
            b.link(asset, b.graph.get(e.target), "assumes", "domain default role", runs_in.via + e.via, cost=4,
                   fix=e.fix)
            if asset.role is None:
                asset.role = e.target


def model_id(value) -> object:
    """A model ID from an ID or ARN (a template's literal ID too); None when not one."""
    if is_unknown(value):
        value = value_glob(value)
        if value is None:
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    match = _MODEL_ARN.match(value.strip())
    if match:
        return match.group("id")
    if value.startswith("arn:") or "*" in value:
        return None
    return value.strip()


def _models(b: Builder, asset: Asset, r) -> None:
    for path, value, last in _model_leaves(r.attributes):
        refs = [a for _, a in b.target_assets(r, path)]
        if refs:
            for target in refs:
                asset.models.append(target.name)
                b.link(asset, target, "invokes", "model", (b.at(r, path),), cost=4)
            continue
        found = model_id(value)
        if found is None:
            if is_unknown(value):
                asset.models.append(unknowable(value, f"the model of `{r.address}`"))
            continue
        if found not in asset.models:
            asset.models.append(found)
        embedding = "embedding" in last
        b.link(asset, b.pseudo(kinds.foundation_model(found)), "invokes", "embedding model" if embedding else "model",
               (b.at(r, path),), cost=4, notes=("ingestion",) if embedding else ())


def _model_leaves(value, path: tuple = (), last: str = ""):
    """(path, value, the last name of the path) of the leaves `leaves` gives, in its order,
    whose last name is one of `MODEL_KEYS`, outside `tags` and `tags_all`: the last name
    is carried down the walk instead of being looked for again at every leaf, and the
    tags are not walked."""
    if isinstance(value, dict):
        for k, v in value.items():
            if path or k not in ("tags", "tags_all"):
                yield from _model_leaves(v, path + (k,), k if isinstance(k, str) else last)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _model_leaves(v, path + (i,), last)
    elif isinstance(value, EncodedJson):
        yield from _model_leaves(value.value, path, last)
    elif last.lower() in MODEL_KEYS:
        yield path, value, last


def _encryption(b: Builder, r) -> object:
    found = None
    for path, value in _key_leaves(r):
        if is_unknown(value):
            return CUSTOMER_KEY  # a reference or a variable: a key is set
        if isinstance(value, str) and value.strip():
            if _AWS_KEY.search(value):
                found = found or AWS_KEY
            elif value.strip().lower() not in ("aes256", "aws:kms", "aws:kms:dsse"):
                return CUSTOMER_KEY
    if r.type == "aws_s3_bucket":
        for sse in b.of_type("aws_s3_bucket_server_side_encryption_configuration"):
            if any(t is r for _, t, _ in b.targets(sse, ("bucket",))):
                nested = _encryption(b, sse)
                if nested == CUSTOMER_KEY:
                    return nested
    return found or AWS_KEY


def _key_leaves(r):
    for path, value in leaves(r.attributes):
        names = [p.lower() for p in path if isinstance(p, str)]
        if names and names[0] in ("tags", "tags_all", "policy", "assume_role_policy"):
            continue
        last = names[-1] if names else ""
        if "kms" in last or last in ("encryption_key_arn", "customer_encryption_key_arn", "key_arn",
                                    "custom_model_kms_key_id"):
            yield path, value


def _exposure(asset: Asset, r) -> None:
    attrs = r.attributes
    if r.type == "aws_sagemaker_notebook_instance":
        _switch(asset, attrs.get("direct_internet_access"), {"Enabled": EGRESS, "Disabled": PRIVATE},
                "direct internet access")
    elif r.type == "aws_sagemaker_domain":
        _switch(asset, attrs.get("app_network_access_type"), {"PublicInternetOnly": EGRESS, "VpcOnly": PRIVATE},
                "app network access")
    elif r.type == "aws_sagemaker_model":
        isolated = attrs.get("enable_network_isolation")
        if isolated is True:
            asset.exposure, asset.exposure_detail = PRIVATE, "network isolation"
        elif attrs.get("vpc_config") not in (None, [], {}):
            asset.exposure, asset.exposure_detail = PRIVATE, "VPC"
        elif is_unknown(isolated):
            asset.exposure = unknowable(isolated, "network isolation")
        else:
            asset.exposure, asset.exposure_detail = EGRESS, "no VPC, no network isolation"
    elif r.type in ("aws_opensearch_domain", "aws_elasticsearch_domain"):
        if attrs.get("vpc_options") not in (None, [], {}):
            asset.exposure, asset.exposure_detail = PRIVATE, "VPC"
        else:
            asset.exposure, asset.exposure_detail = INTERNET, "public endpoint (access policy decides who)"


def _switch(asset: Asset, value, table: dict, what: str) -> None:
    if is_unknown(value):
        asset.exposure = unknowable(value, what)
    elif value in table:
        asset.exposure, asset.exposure_detail = table[value], f"{what} `{value}`"


def _guardrail(r) -> object:
    """Does the agent name a guardrail? True, False, or Unknowable."""
    for path, value in leaves(r.attributes.get("guardrail_configuration"), ("guardrail_configuration",)):
        if path[-1] == "guardrail_identifier":
            if is_unknown(value):
                return True  # a reference or a variable: a guardrail is named
            return bool(isinstance(value, str) and value.strip())
    return False
