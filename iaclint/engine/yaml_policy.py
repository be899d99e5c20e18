"""Declarative policies in the grammar of Checkov's custom YAML policies, three-valued.

The `definition` (read by `iaclint.engine.grammar`) describes the passing state and is
evaluated as Checkov evaluates it, on the canonical model, so a Checkov policy written
for Terraform runs on CloudFormation too. Each condition is True, False or None
(unknown: the value depends on something static analysis cannot know); `and`/`or`/`not`
combine them with Kleene logic, so `Unknown == "Enabled"` is UNKNOWN, never FAIL. As in
Checkov, an attribute condition whose `resource_types` do not include the resource's
type is False, and a `filter` inside `and`/`or` is the test "the resource is of these
types". A block with a `connection` is decided over the resource's unit
(`iaclint.engine.connections`). The failing condition's path is where the finding points.

Resource types may be written in either vocabulary: a condition on
`AWS::SageMaker::NotebookInstance` with the attribute `DirectInternetAccess` is read as
`aws_sagemaker_notebook_instance` / `direct_internet_access` (the translation tables), so
it also runs on Terraform.
"""
from __future__ import annotations

from typing import Iterable

from iaclint.engine import docs, grammar
from iaclint.engine.conditions import evaluate, resource_condition
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy, Result
from iaclint.engine.vocabulary import canonical_node


class YamlPolicy(Policy):
    """A policy loaded from a YAML file; metadata and the definition come from the file.
    Raises `grammar.GrammarError` for a definition iaclint cannot run as Checkov would."""

    def __init__(self, document: dict, source: str):
        meta = document["metadata"]
        self.id = str(meta["id"])
        self.name = str(meta.get("name", self.id))
        self.title = str(meta.get("title", meta.get("name", "")))
        self.severity = str(meta.get("severity") or "medium").lower()
        self.category = str(meta.get("category", ""))
        self.guideline = str(meta.get("guideline") or "")
        self.checkov_ids = tuple(meta.get("checkov_ids", ()))
        self.message = str(meta.get("message") or self.title)
        self.opt_in = meta.get("opt_in") is True  # off unless selected by ID or name
        for field in docs.FIELDS:  # inline documentation (Checkov-style); else the page beside the file
            if field in meta:
                setattr(self, field, tuple(meta[field]) if field == "references" else str(meta[field]))
        self.source = source
        self.definition = document["definition"]
        self.tree = canonical_node(grammar.parse(self.definition))
        self.connected = grammar.has_connection(self.tree)
        self.resource_types = tuple(sorted(grammar.reported_types(self.tree))) or ("all",)

    def check(self, resource, ctx) -> Iterable[Result]:
        if self.connected:
            from iaclint.engine import connections

            outcome = connections.verdict(self, resource, ctx)
            if outcome is None:  # Checkov reports nothing on this resource
                return
        elif isinstance(self.tree, grammar.ResourceCondition):
            outcome = resource_condition(self.tree, resource)
        else:
            outcome = evaluate(self.tree, resource)
        if outcome.value is True:
            yield PASS()
        elif outcome.value is None:
            yield UNKNOWN(_join(self.message, outcome.detail), outcome.path)
        else:
            yield FAIL(_join(self.message, outcome.detail if outcome.applies else ""), outcome.path)


def _join(message: str, detail: str) -> str:
    return f"{message}: {detail}" if detail else message
