"""What roles and users may do to the assets of their unit, read from IAM.

Everything a principal is granted is gathered by `iaclint.aws.iam.principal_policies`
(inline, attached, managed, capped by its boundary and explicit Denies). Each Allow
statement is kept as a `Grant` on the principal's asset ("what the role may do"), and
becomes edges where its actions are one of `ACTIONS` and its resources name an asset:

- a reference (`aws_s3_bucket.data.arn`, `!GetAtt Docs.Arn`, `${...}/*`): that asset;
- `*`, or a glob that covers the asset's ARN (`arn:aws:s3:::*`, `arn:aws:bedrock:*::
  foundation-model/*`): a known edge, the cheapest kind to break (`cost` 1);
- a literal ARN or a template whose unknown parts could be the asset's: an unknown edge
  (an agent's or a knowledge base's ID only exists once deployed);
- a value nothing is known of: an unknown edge to each asset of the class.

Region, account and partition are left out of the comparison: a unit deploys to one.
"""
from __future__ import annotations

import re
from functools import lru_cache

from iaclint.aws import iam
from iaclint.inventory import kinds
from iaclint.inventory.unit import Builder
from iaclint.inventory.model import Asset, Grant, Unknowable
from iaclint.model import lazy_re
from iaclint.model.unknown import is_unknown
from iaclint.model.work import metered, spend

# (edge kind, actions, target: canonical types or "foundation-model", ARN template).
# `{name}` is the asset's name, `*` when it is unknown.
ACTIONS = (
    ("invokes", ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:Converse",
                 "bedrock:ConverseStream"), ("foundation-model",), ""),
    ("invokes", ("bedrock:InvokeModel",), ("aws_bedrock_custom_model", "aws_bedrock_provisioned_model_throughput",
                                           "aws_bedrock_inference_profile"), "arn:aws:bedrock:*:*:*/*"),
    ("invokes", ("bedrock:InvokeAgent",), ("aws_bedrockagent_agent",), "arn:aws:bedrock:*:*:agent-alias/*/*"),
    ("invokes", ("bedrock:Retrieve", "bedrock:RetrieveAndGenerate"), ("aws_bedrockagent_knowledge_base",),
     "arn:aws:bedrock:*:*:knowledge-base/*"),
    ("invokes", ("bedrock:InvokeFlow",), ("aws_bedrockagent_flow", "aws_bedrock_flow"), "arn:aws:bedrock:*:*:flow/*"),
    ("invokes", ("sagemaker:InvokeEndpoint", "sagemaker:InvokeEndpointAsync"), ("aws_sagemaker_endpoint",),
     "arn:aws:sagemaker:*:*:endpoint/{name}"),
    ("invokes", ("lambda:InvokeFunction",), ("aws_lambda_function", "aws_serverless_function"),
     "arn:aws:lambda:*:*:function:{name}"),
    ("invokes", ("bedrock-agentcore:InvokeAgentRuntime",),
     ("aws_bedrockagentcore_agent_runtime", "aws_bedrockagentcore_runtime"), "arn:aws:bedrock-agentcore:*:*:runtime/*"),
    ("reads", ("s3:GetObject",), ("aws_s3_bucket",), "arn:aws:s3:::{name}/*"),
    ("writes", ("s3:PutObject", "s3:DeleteObject"), ("aws_s3_bucket",), "arn:aws:s3:::{name}/*"),
    ("reads", ("aoss:APIAccessAll",), ("aws_opensearchserverless_collection",), "arn:aws:aoss:*:*:collection/*"),
    ("writes", ("aoss:APIAccessAll",), ("aws_opensearchserverless_collection",), "arn:aws:aoss:*:*:collection/*"),
    ("reads", ("es:ESHttpGet",), ("aws_opensearch_domain", "aws_elasticsearch_domain"), "arn:aws:es:*:*:domain/{name}/*"),
    ("writes", ("es:ESHttpPut", "es:ESHttpPost"), ("aws_opensearch_domain", "aws_elasticsearch_domain"),
     "arn:aws:es:*:*:domain/{name}/*"),
    ("reads", ("sagemaker:GetRecord",), ("aws_sagemaker_feature_group",), "arn:aws:sagemaker:*:*:feature-group/{name}"),
    ("writes", ("sagemaker:PutRecord",), ("aws_sagemaker_feature_group",), "arn:aws:sagemaker:*:*:feature-group/{name}"),
    ("writes", ("sagemaker:CreateModelPackage",), ("aws_sagemaker_model_package_group",),
     "arn:aws:sagemaker:*:*:model-package/{name}/*"),
)
# Each row's actions with their services (`bedrock` of `bedrock:InvokeModel`), split once
# for the process rather than for every principal of every unit (`_principal`).
_SERVICES_OF_ACTIONS = tuple(tuple((a, a.split(":")[0]) for a in actions) for _, actions, _, _ in ACTIONS)
NAME_KEYS = ("bucket", "function_name", "name", "endpoint_name", "feature_group_name", "domain_name",
             "model_package_group_name")
_PSEUDO_HOLE = lazy_re.compile(r"^(!Ref AWS::(Partition|Region|AccountId|URLSuffix)|data\.aws_(caller_identity|region|"
                               r"partition)\.[\w-]+\.\w+)$")
WILDCARD_COST, NARROW_COST = 1, 3


def extract(b: Builder) -> None:
    for asset in list(b.graph):
        if asset.kind in ("role", "user"):
            _principal(b, asset)


def detail(b: Builder, asset: Asset) -> None:
    """What the inventory shows of a principal and no attack-path policy reads (see
    `iaclint.inventory.builder.detail`): its Allow statements as `Grant`s, what cannot be
    read of its policies, and its facts."""
    principal = asset.resource
    granted = iam.principal_policies(principal, b.ctx)
    for grant, stmt in granted.statements():
        if iam.is_allow(stmt) is False:
            continue
        asset.grants.append(Grant(tuple(_shown(a) for a in stmt.actions or ["NotAction: " + ", ".join(
            _text(a) for a in stmt.not_actions)]), tuple(_shown(r) for r in stmt.resources or ["*"]),
            kinds.location(stmt.resource, stmt.path_of("actions", "not_actions")),
            tuple(_text(c.variable) for c in stmt.conditions)))
    for reason in granted.unknown_parts():
        asset.grants.append(Grant(("?",), (Unknowable(reason[1]),), kinds.location(principal, reason[0])))
    _facts(b, asset, granted, _services([stmt for _, stmt in granted.statements() if iam.is_allow(stmt) is not False]))


def _principal(b: Builder, asset: Asset) -> None:
    granted = iam.principal_policies(asset.resource, b.ctx)
    _named_models(b, granted)
    statements = [stmt for _, stmt in granted.statements() if iam.is_allow(stmt) is not False]
    capped = granted.boundary is not None or any(iam.is_deny(s) is not False for _, s in granted.statements())
    services = _services(statements)
    reaches: dict = {}  # (statement, candidates) -> [(target, _covers)]: the same for every action of a class
    rows = []
    every_service = "*" in services
    for (kind, actions, types, _template), split in zip(ACTIONS, _SERVICES_OF_ACTIONS):
        if not every_service:
            actions = tuple(a for a, service in split if service in services)
        candidates = _candidates(b, types) if actions else ()
        if candidates:
            rows.append(_row(b, granted, statements, capped, kind, actions, candidates, reaches))
    made: dict = {}  # what an edge says, by the statements that make it (the same for every target they reach)
    run: list = []  # consecutive targets whose edges say the same: one `Fan`
    said = heard = None
    for kind, reached, hits in (part for row in rows for part in row):
        if len(reached) == 1 and reached[0].id.startswith("bedrock-model:"):
            reached = (b.pseudo(reached[0]),)
        if hits is not heard:  # the targets of a class that only wildcards reach share one list of hits
            heard, edge = hits, _said_for(b, asset, kind, hits, made)
        if edge != said:
            if run:
                b.fan(asset, run, *said)
            run, said = [], edge
        run.extend(reached)
    if run:
        b.fan(asset, run, *said)


def _row(b: Builder, granted, statements: list, capped: bool, kind: str, actions: tuple, candidates: list,
         reaches: dict) -> list:
    """What the principal's statements let it do to one class of assets (a row of
    `ACTIONS`): [(kind, targets, hits)], each target once, in the order a statement first
    reaches it, `hits` [(action, statement, known, wildcard, reason)] in statement order.
    A statement whose first `Resource` is `*` reaches every candidate alike: its hit is
    kept once for the class, not once per asset (a wildcard role meets every asset of a
    large module), and the candidates no other statement reaches share one list of hits."""
    all3 = iam.all3
    found: dict = {}  # target id -> [(step, hit)]
    targets: dict = {}
    every: list = []  # (step, hit) of the statements that reach every candidate alike
    before_every = 0  # how many targets were reached before the first of them
    alike = _alike(b, candidates)
    step = 0
    for action in actions:
        if capped:  # a permissions boundary or a Deny: as `allows` caps each statement
            allowed = granted.allows(action, lambda s, a=action: iam.all3(iam.is_allow(s), iam.actions_cover(s, a)))
        else:
            allowed = [(None, s, v) for s in statements
                       if (v := iam.all3(iam.is_allow(s), iam.actions_cover(s, action))) is not False]
        for _grant, stmt, verdict in allowed:
            spend(len(candidates))  # principals x assets: the work budget bounds it (charged on cache hits too)
            step += 1
            if alike and _star_first(stmt):  # what `_reach` answers for each candidate: (True, True, "")
                if not every:
                    before_every = len(found)
                reason = "" if verdict is True else \
                    f"{stmt.label()} of `{stmt.resource.address}` may not apply (it cannot be read whole)"
                every.append((step, (action, stmt, verdict is True, True, reason)))
                continue
            entry = reaches.get((id(stmt), id(candidates)))
            if entry is None:  # the statement and the list are kept with it: their ids stay theirs
                entry = reaches[(id(stmt), id(candidates))] = (stmt, candidates, _reach(b, stmt, candidates))
            for target, (covered, wildcard, reason) in entry[2]:
                known = covered if verdict is True else all3(verdict, covered)
                if known is False:
                    continue
                if known is None and not reason:
                    reason = f"{stmt.label()} of `{stmt.resource.address}` may not apply (it cannot be read whole)"
                targets[target.id] = target
                found.setdefault(target.id, []).append((step, (action, stmt, known is True, wildcard, reason)))
    first = list(found)[:before_every] if every else found
    out = [(kind, (targets[target_id],), _merged(found[target_id], every)) for target_id in first]
    if every:  # then every other candidate, in their order, as the first wildcard reached them
        shared = [hit for _, hit in every]
        if len(first) == len(found):  # the common case: no other statement reaches them
            if not first:  # nor any before: every candidate (the list is read, never changed)
                out.append((kind, _targets(b, candidates), shared))
                return out
            first = set(first)
            out.append((kind, [t for t, _, _ in candidates if t.id not in first], shared))
            return out
        first = set(first)
        run: list = []
        for target, _arn, _every in candidates:
            if target.id in first:
                continue
            if target.id in found:
                if run:
                    out.append((kind, run, shared))
                    run = []
                out.append((kind, (target,), _merged(found[target.id], every)))
            else:
                run.append(target)
        if run:
            out.append((kind, run, shared))
    return out


def _merged(hits: list, every: list) -> list:
    """The hits of one target, its own and the wildcards', in statement order."""
    return [hit for _, hit in sorted(hits + every, key=lambda h: h[0])] if every else [hit for _, hit in hits]


def _alike(b: Builder, candidates: list) -> bool:
    """Can a wildcard's hit stand for every candidate at once? Not for the foundation
    models (pseudo assets, added to the graph as edges reach them; their list is made
    again for each principal) nor for a list that names one asset twice. Kept for the
    unit's lists, with them (their ids stay theirs)."""
    if not candidates or candidates[0][0].id.startswith("bedrock-model:"):
        return False
    return _kept(b, "_alike", candidates, _distinct)


def _distinct(b: Builder, candidates: list) -> bool:
    return len({t.id for t, _, _ in candidates}) == len(candidates)


def _targets(b: Builder, candidates: list) -> list:
    """The assets of `candidates`, in order: what a wildcard reaches when nothing else
    does, for every principal that holds one. Kept for the unit's lists, with them."""
    return _kept(b, "_targets", candidates, _assets)


def _assets(b: Builder, candidates: list) -> list:
    return [t for t, _, _ in candidates]


def _kept(b: Builder, table: str, thing, make):
    """`make(b, thing)`, made once per build for `thing` (a statement, a unit's list of
    candidates: asked again for every edge or principal) and kept in `b`'s `table` with
    `thing` itself, so that its id, the key, stays its own while the entry lives."""
    cache = b.__dict__.setdefault(table, {})
    entry = cache.get(id(thing))
    if entry is None:
        entry = cache[id(thing)] = (thing, make(b, thing))
    return entry[1]


def _star_first(stmt) -> bool:
    """Is the statement's first `Resource` `*` (see `_reach`)?"""
    first = stmt.resources[0] if stmt.resources and "resources" in stmt.paths else None
    return isinstance(first, str) and bool(first.strip()) and set(first.strip()) == {"*"}


def _services(statements: list) -> set:
    """The services the statements' actions may name (`*` for any): a quick way to skip
    the action classes a role cannot hold before any glob is compared."""
    out: set = set()
    for stmt in statements:
        if stmt.not_actions or "actions" not in stmt.paths:
            return {"*"}
        for action in stmt.actions:
            if not isinstance(action, str) or ":" not in action:
                return {"*"}  # an Unknown, or `*`
            service = action.split(":")[0].lower()
            if "*" in service or "?" in service:
                return {"*"}
            out.add(service)
    return out


_MODEL_RESOURCE = re.compile(r"^arn:[^:]*:bedrock:[^:]*:[^:]*:(foundation-model|inference-profile)/(?P<id>[^*?/]+)$")


def _named_models(b: Builder, granted) -> None:
    """The foundation models a principal's statements name by ARN become pseudo assets,
    so that a grant on one model reaches it even when nothing else in the unit uses it."""
    for _, stmt in granted.statements():
        if iam.actions_overlap(stmt, "bedrock:InvokeModel") is False:
            continue
        for element in stmt.resources:
            glob, certain = _glob(element)
            match = _MODEL_RESOURCE.match(glob or "") if certain else None
            if match:
                b.pseudo(kinds.foundation_model(match.group("id")))


def _candidates(b: Builder, types: tuple) -> list:
    """(asset, its ARN glob, the glob of every asset of the class) for the unit's assets
    of `types`; every model is a pseudo asset of its own (`*`). Kept for the unit, except
    the models, which statements add as they are read."""
    cache = b.__dict__.setdefault("_candidates", {})
    if types in cache:
        return cache[types]
    if types == ("foundation-model",):
        every = "arn:aws:bedrock:*::foundation-model/*"
        found = [(a, _model_arn(a), every) for a in b.of_kind("foundation-model")]
        if not any(a.id.endswith(":*") for a, _, _ in found):
            found.append((kinds.foundation_model("*"), every, every))
        return found
    template = next(t for _, _, listed, t in ACTIONS if listed == types)
    every = _norm(template.replace("{name}", "*"))
    out = []
    for r in b.of_type(*types):
        asset = b.asset(r)
        if asset is not None:
            out.append((asset, _norm(template.replace("{name}", _name(r))), every))
    cache[types] = out
    return out


def _model_arn(asset: Asset) -> str:
    model = asset.models[0] if asset.models else "*"
    if re.match(r"^[a-z]{2,4}\.", model) and model.count(".") >= 2:  # a cross-region inference profile
        return f"arn:aws:bedrock:*:*:inference-profile/{model}"
    return f"arn:aws:bedrock:*::foundation-model/{model}"


GENERATED = "(generated-name)"  # holds no glob character: only a wildcard matches it


def _name(r) -> str:
    """The asset's name for its ARN: the written one, `*` when it is unknown, and
    `GENERATED` when none is written (AWS or Terraform makes one up at deployment, which a
    literal name elsewhere in the stack cannot know, so only a wildcard reaches it)."""
    for key in NAME_KEYS:
        if key in r.attributes:
            value = r.attributes[key]
            return value if isinstance(value, str) and value else "*"
    return GENERATED


def _said_for(b: Builder, asset: Asset, kind: str, hits: list, made: dict) -> tuple:
    """What the edge says that every statement letting `asset` act on a target this way
    makes: (kind, label, via, known, reason, cost, fix, notes); known when one of them
    certainly does, located at those statements' `Resource`. It depends only on those
    statements, not on the target: worked out once per principal and set of statements
    (`made`), and consecutive targets with the same are one `Fan` (a wildcard reaches every
    asset of a class)."""
    if len(hits) == 1:  # the common case: one statement and action reach the target
        hit = hits[0]
        known = hit[2]
        chosen = hits
        key = (((hit[0], id(hit[1]), hit[3]),), known)
    else:
        chosen = [h for h in hits if h[2]]
        known = bool(chosen)
        chosen = chosen or hits[:1]
        key = (tuple((h[0], id(h[1]), h[3]) for h in chosen), known)
    said = made.get(key)
    if said is None:
        label, via, fix, guarded, wildcard = _said(b, asset, chosen)
        said = made[key] = ((label, via, known, "", WILDCARD_COST if wildcard else NARROW_COST, fix,
                             ("guardrail-required",) if guarded else ()), chosen)  # the statements are kept: their ids stay theirs
    edge = said[0]
    if not known:
        edge = edge[:3] + (chosen[0][4],) + edge[4:]
    return (kind,) + edge


def _said(b: Builder, asset: Asset, chosen: list) -> tuple:
    """(label, via, fix, guarded, wildcard) of an edge that the `chosen` hits make."""
    single = len(chosen) == 1  # the common case: one statement makes the edge
    actions = [chosen[0][0]] if single else list(dict.fromkeys(h[0] for h in chosen))
    wildcard = any(h[3] for h in chosen)
    label = ", ".join(actions[:3]) + (" ..." if len(actions) > 3 else "") + (" on `*`" if wildcard else "")
    via = (_where(b, chosen[0][1]),) if single else tuple(dict.fromkeys(_where(b, h[1]) for h in chosen))
    stmt = next((h[1] for h in chosen if h[3]), chosen[0][1])
    fix = (f"narrow `Resource` of {stmt.label()} in `{stmt.resource.address}` to what `{asset.name}` needs"
           if wildcard else f"remove {', '.join(f'`{a}`' for a in actions[:3])} from {stmt.label()} in "
                            f"`{stmt.resource.address}`")
    if wildcard and len(via) > 1:  # the wildcard statement first: it is the one to narrow
        first = _where(b, stmt)
        via = tuple(sorted(via, key=lambda v: v != first))
    guarded = all(any(str(getattr(c, "variable", "")).lower() == "bedrock:guardrailidentifier"
                      for c in h[1].conditions) for h in chosen)
    return label, via, fix, guarded, wildcard


def _where(b: Builder, stmt):
    """Where a statement's `Resource` is written. Asked for every edge the statement
    makes (a wildcard grant reaches every asset of a class: thousands in a large module),
    so kept for the build, with the statement (its id stays its own)."""
    return _kept(b, "_where", stmt, _location)


def _location(b: Builder, stmt):
    return kinds.location(stmt.resource, stmt.path_of("resources", "not_resources"))


def _reach(b: Builder, stmt, candidates) -> list:
    """(target, `_covers`) for each of `candidates`. A statement whose first `Resource` is
    `*` covers every one of them through a wildcard (what `_covers` answers for each, found
    without comparing globs: a wildcard role meets every asset of a large module)."""
    if _star_first(stmt):
        every = (True, True, "")
        return [(target, every) for target, _arn, _every in candidates]
    if "resources" not in stmt.paths:  # NotResource
        return [(target, _covers(b, stmt, target, arn, every)) for target, arn, every in candidates]
    elements = _elements(b, stmt)
    return [(target, _covered(b, elements, target, arn, every)) for target, arn, every in candidates]


def _covers(b: Builder, stmt, target, arn: str, every: str) -> tuple:
    """(True/None/False, through a wildcard that covers every asset of the class, reason
    when None) for `stmt`'s resources reaching `target` (ARN glob `arn`). For the pseudo
    asset "every model", only a statement that covers every model reaches it."""
    if "resources" not in stmt.paths:  # NotResource
        verdict = iam.resources_cover(stmt, arn)
        wildcard = verdict is True and iam.resources_cover(stmt, every) is True
        return verdict, wildcard, "" if verdict is not None else "its `NotResource` cannot be read"
    return _covered(b, _elements(b, stmt), target, arn, every)


def _elements(b: Builder, stmt) -> list:
    """The statement's `Resource` elements as `_covered` reads them, each (element, the
    resources its references name, or None for an element read as a glob; its glob;
    certain): the same for every candidate the statement is compared with (hundreds in a
    large module), so read once per build and kept with the statement (its id stays its own)."""
    return _kept(b, "_elements", stmt, _read_elements)


def _read_elements(b: Builder, stmt) -> list:
    read = []
    for element in stmt.resources:
        if is_unknown(element) and element.refs:
            read.append((element, [b.lookup(stmt.resource, ref) for ref in element.refs], None, False))
        else:
            read.append((element, None, *_glob(element)))
    return read


def _covered(b: Builder, elements: list, target, arn: str, every: str) -> tuple:
    """`_covers` of a statement with `Resource`, from its `_elements`."""
    all_of_them = target is not None and target.id == "bedrock-model:*"
    best, reason = False, ""
    for element, named, glob, certain in elements:
        if named is not None:
            if target is not None and target.resource is not None and any(
                    _stands_for(b, resource) is target.resource for resource in named):
                return True, False, ""
            continue
        if glob is None:
            best, reason = None, reason or f"`{_text(element)}` cannot be read"
        elif certain and _arn_covers(glob, arn):
            return True, _arn_covers(glob, every), ""
        elif (_arn_covers(glob, every) if all_of_them else _arn_overlaps(glob, arn)):
            best, reason = None, reason or f"`{_text(element)}` may name `{target.name if target else arn}`"
    return best, False, reason


# Resources that stand for another in an ARN: an agent is invoked through its alias.
ALIASES = {"aws_bedrockagent_agent_alias": "agent_id", "aws_bedrockagent_flow_alias": "flow_arn",
           "aws_bedrock_agent_alias": "agent_id"}


def _stands_for(b: Builder, resource):
    """The asset resource a referenced resource stands for (an alias: its agent)."""
    attribute = ALIASES.get(getattr(resource, "type", ""))
    if attribute is None:
        return resource
    for _, target, _ in b.targets(resource, (attribute,)):
        if target is not None:
            return target
    return resource


def _split(arn: str):
    parts = arn.split(":", 5)
    return parts if len(parts) == 6 and parts[0] == "arn" else None


@lru_cache(maxsize=16384)
def _arn_covers(glob: str, arn: str) -> bool:
    """Does the resource glob cover every ARN `arn` matches? Compared by service and
    resource part (partition, region and account left out); `*` covers everything."""
    if glob.strip() and set(glob.strip()) == {"*"}:
        return True
    g, a = _split(glob), _split(arn)
    with metered(None):  # cached for the process: a charge here would depend on what it compared before
        if g is None or a is None:
            return iam.covers(glob, arn)
        return iam.covers(g[2], a[2]) and iam.covers(g[5], a[5])


@lru_cache(maxsize=16384)
def _arn_overlaps(glob: str, arn: str) -> bool:
    if glob.strip() and set(glob.strip()) == {"*"}:
        return True
    g, a = _split(glob), _split(arn)
    with metered(None):  # cached for the process (see `_arn_covers`)
        if g is None or a is None:
            return iam.overlaps(glob, arn)
        return iam.overlaps(g[2], a[2]) and iam.overlaps(g[5], a[5])


def _glob(element) -> tuple:
    """(normalised glob, certain) of a resource element: certain when its only unknown
    parts are the partition, region or account."""
    if isinstance(element, str):
        return _norm(element), True
    if not is_unknown(element):
        return None, False
    if element.parts is not None:  # what is known of a template's text, the holes as `*`
        glob = "".join(p if isinstance(p, str) else "*" for p in element.parts)
        holes = [p for p in element.parts if not isinstance(p, str)]
        certain = all(is_unknown(h) and _PSEUDO_HOLE.match(h.expr.strip()) for h in holes)
        return _norm(glob), certain
    glob = iam.value_glob(element)
    return (None, False) if glob is None else (_norm(glob), False)


@lru_cache(maxsize=16384)
def _norm(arn: str) -> str:
    """The ARN with partition, region and account as `*` (when present)."""
    parts = arn.strip().split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return arn.strip()
    parts[1] = "*"
    parts[3] = "*" if parts[3] else ""
    parts[4] = "*" if parts[4] else ""
    return ":".join(parts)


def _text(value) -> str:
    return " ".join(str(value.expr if is_unknown(value) else value).split())[:120]


def _shown(value):
    return Unknowable(f"`{_text(value)}` is unknown until deployment") if is_unknown(value) and not value.refs \
        else _text(value)


def _facts(b: Builder, asset: Asset, granted, services: set) -> None:
    """What the notebook and escalation queries ask of a role: may it pass every role,
    read every bucket? (Shown by the inventory; no attack-path policy reads them.)"""
    if not {"*", "iam", "s3"} & services:
        asset.facts["passes_every_role"] = asset.facts["reads_every_bucket"] = False
        return
    passes = [v for _, _, v in granted.allows("iam:PassRole", lambda s: iam.all3(
        iam.is_allow(s), iam.actions_cover(s, "iam:PassRole"), iam.resource_is_every_role(s)))]
    asset.facts["passes_every_role"] = iam.any3(passes) if passes else False
    every = "arn:aws:s3:::*/*"
    reads = [v for _, _, v in granted.allows("s3:GetObject", lambda s: iam.all3(
        iam.is_allow(s), iam.actions_cover(s, "s3:GetObject"), _every(b, s, every)))]
    asset.facts["reads_every_bucket"] = iam.any3(reads) if reads else False


def _every(b: Builder, stmt, every: str):
    """Does the statement reach every resource `every` names (True/None/False)?"""
    verdict, wildcard, _ = _covers(b, stmt, None, every, every)
    return True if verdict is True and wildcard else (None if verdict is None else False)
