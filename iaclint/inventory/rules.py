"""The base of attack-path policies: a query over the unit's asset graph, turned into
findings at the cheapest link of each chain.

A `PathPolicy` says what it looks for in `chains(graph, ctx)` (with `iaclint.inventory.query`)
and how a finding reads (`lead`). The base groups chains that share their cheapest link
into one finding there, with every chain as a code flow; a group with no known chain is
UNKNOWN at its first missing link; an open end (a compute asset whose role is unknown) is
UNKNOWN at that asset. A finding is taken when the engine checks the resource that holds
the chain's *first* link (an entry, a trust policy, a notebook: the policy's
`resource_types`), and points (`Result.at`) at the resource and line of the cheapest
link, so its resource, file and line are the line to change and suppressions work there
as anywhere. The answer for a unit is computed once and remembered for all its resources.
"""
from __future__ import annotations


from iaclint.engine.policy import FAIL, UNKNOWN, Policy
from iaclint.inventory import kinds, query, unit_graph
from iaclint.inventory.model import AssetGraph, Location
from iaclint.model.records import dataclass

# Where a chain's first link is written, by origin.
ENTRY_TYPES = ("aws_lambda_function_url", "aws_api_gateway_method", "aws_api_gateway_rest_api",
               "aws_apigatewayv2_route", "aws_apigatewayv2_api", "aws_serverless_function", "aws_serverless_api",
               "aws_bedrockagentcore_gateway")
EXTERNAL_TYPES = ("aws_iam_role", "data.aws_iam_policy_document", "aws_s3_bucket_policy", "aws_lambda_permission",
                  "aws_sagemaker_model_package_group", "aws_sagemaker_model_package_group_policy",
                  "aws_api_gateway_rest_api", "aws_api_gateway_rest_api_policy")
NOTEBOOK_TYPES = ("aws_sagemaker_notebook_instance", "aws_sagemaker_domain", "aws_sagemaker_user_profile",
                  "aws_sagemaker_space")


@dataclass
class PathFinding:
    verdict: str  # "FAIL" or "UNKNOWN"
    anchor: str  # address of the resource holding the chain's first link
    where: Location  # the link to change
    message: str
    flows: tuple
    identity: str


class PathPolicy(Policy):
    """A policy about chains of the asset graph (see the module docstring)."""

    category = "attack-paths"
    resource_types: tuple = ()  # where chains start: ENTRY_TYPES, EXTERNAL_TYPES, NOTEBOOK_TYPES
    path_rule = True  # runs on the project's graph with the inventory; the fixture test reads by case
    attack_path = True  # what `iaclint inventory` runs and lists as attack paths
    lead = ""  # how a finding starts: "Unauthenticated internet callers reach ..."

    def chains(self, graph: AssetGraph, ctx) -> tuple[list, list]:
        """(chains, open ends) worth a finding; see `iaclint.inventory.query.reach`."""
        raise NotImplementedError

    def note(self, graph: AssetGraph) -> str:
        """A sentence the unit's graph adds to every FAIL message ("" for none)."""
        return ""

    def keep(self, graph: AssetGraph, chain: query.Chain):
        """True to report a known chain, False to drop it, a str to report it as UNKNOWN
        with that reason (a guardrail that cannot be known)."""
        return True

    def check(self, resource, ctx):
        graph = unit_graph(resource.unit, ctx)
        located = ctx.remembered(f"attack-paths:{self.id}", graph, lambda: self._locate(graph, ctx))
        for found in located.get(resource.address, ()):
            make = FAIL if found.verdict == "FAIL" else UNKNOWN
            result = make(found.message, found.where.path)
            result.flows, result.identity = found.flows, found.identity
            result.at = ctx.project.lookup(resource, found.where.resource)
            yield result

    def _locate(self, graph: AssetGraph, ctx) -> dict:
        out: dict = {}
        for found in self.findings(graph, ctx):
            out.setdefault(found.anchor, []).append(found)
        return out

    def findings(self, graph: AssetGraph, ctx) -> list[PathFinding]:
        chains, open_ends = self.chains(graph, ctx)
        groups: dict = {}
        for chain in chains:
            verdict = self.keep(graph, chain) if chain.known else chain.missing().reason
            if verdict is False:
                continue
            link = chain.cheapest() if verdict is True else (chain.missing() or chain.edges[-1])
            key = (link.key(), verdict is True)
            groups.setdefault(key, (link, verdict, []))[2].append(chain)
        out = [self._finding(graph, link, verdict, members) for link, verdict, members in groups.values()]
        out += [self._open_end(graph, end) for end in open_ends]
        return [f for f in out if f is not None]

    def _finding(self, graph: AssetGraph, link, verdict, chains: list) -> PathFinding | None:
        if not link.via:
            return None
        shown = _listed(query.name(graph, c.target) for c in chains)
        origins = _listed(query.name(graph, c.origin) for c in chains)
        chain = chains[0]
        more = f" (and {len(chains) - 1} more path{'s' if len(chains) > 2 else ''})" if len(chains) > 1 else ""
        if verdict is True:
            message = (f"{self.lead} {shown}, from {origins}. Path: {query.describe(graph, chain)}{more}. "
                       f"{self.note(graph)}Cheapest link to break: {link.fix or query.step_text(graph, link)}")
            verdict_text = "FAIL"
        else:
            message = (f"{self.lead} {shown}, from {origins}, if {query.step_text(graph, link, why=False)}; that "
                       f"cannot be known: {verdict}. Path: {query.describe(graph, chain)}{more}")
            verdict_text = "UNKNOWN"
        flows = tuple(query.flow(graph, c, link if verdict is True else None) for c in chains)
        identity = "|".join(sorted({f"{c.origin}>{c.target}" for c in chains}))
        anchor = chain.edges[0].via[0].resource if chain.edges[0].via else link.via[0].resource
        return PathFinding(verdict_text, anchor, link.via[0], message, flows, identity)

    def _open_end(self, graph: AssetGraph, end: query.OpenEnd) -> PathFinding | None:
        resource = end.asset.resource
        if resource is None:
            return None
        where = kinds.location(resource)
        path = query.describe(graph, end.chain) if end.chain else query.name(graph, end.asset.id)
        message = (f"{self.lead} what cannot be told: the role of {query.name(graph, end.asset.id)} cannot be "
                   f"known ({end.reason}). Path so far: {path}")
        flows = (query.flow(graph, end.chain),) if end.chain else ()
        first = end.chain.edges[0] if end.chain else None
        anchor = first.via[0].resource if first is not None and first.via else resource.address
        return PathFinding("UNKNOWN", anchor, where, message, flows, f"open|{end.asset.id}")


def _listed(names) -> str:
    names = list(dict.fromkeys(names))
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
