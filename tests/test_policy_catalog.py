"""Every built-in policy has complete, consistent metadata and documentation, and the
generated reference in docs/policies.md is current."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, builtin_policies

from iaclint.engine import docs
from iaclint.engine.policy import SEVERITIES
from iaclint.reference.policies import render_policy_reference

CATEGORIES = {"0": "tool", "1": "data-protection", "2": "network-exposure", "3": "identity-and-access",
              "4": "model-safeguards", "5": "logging-monitoring", "6": "attack-paths"}
CATALOG = ROOT.parent / "shared" / "POLICY_CATALOG.md"
POLICIES = builtin_policies()


def test_ids_and_names_are_unique():
    assert len({p.id for p in POLICIES}) == len(POLICIES)
    assert len({p.name for p in POLICIES}) == len(POLICIES)


def test_at_least_fifteen_catalog_policies():
    assert len([p for p in POLICIES if p.resource_types]) >= 15


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.id)
def test_metadata(policy):
    assert re.fullmatch(r"IAC\d{3}", policy.id)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", policy.name)
    assert policy.severity in SEVERITIES
    assert policy.category == CATEGORIES[policy.id[3]], "the hundreds digit is the area"
    assert policy.title and not policy.title.endswith(".")
    for field in ("what", "why", "fix_terraform", "fix_cloudformation"):
        assert len(getattr(policy, field).strip()) >= 40, f"{field} is missing or too thin"
    assert policy.references and all(r.startswith("https://") for r in policy.references)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.id)
def test_documentation_is_one_markdown_page_beside_the_policy(policy):
    """One format for every policy: `<name>.md` beside the source, in the fixed sections,
    headed by the ID and name; no documentation inline in the policy's YAML or Python."""
    page = Path(docs.page_path(policy.source, policy.name))
    assert page.is_file(), f"{policy.id}: write {page.relative_to(ROOT)}"
    parsed = docs.parse(page.read_text(encoding="utf-8"), str(page))
    assert parsed.get("title_line") == f"# {policy.id} {policy.name}"
    assert set(parsed) - {"title_line"} == set(docs.FIELDS), "every section, in the fixed names"
    source = Path(policy.source).read_text(encoding="utf-8")
    if policy.source.endswith(".py"):
        tree = ast.parse(source)
        inline = [t.id for node in ast.walk(tree) if isinstance(node, ast.ClassDef) for stmt in node.body
                  if isinstance(stmt, ast.Assign) for t in stmt.targets if isinstance(t, ast.Name) and t.id in docs.FIELDS]
    else:
        inline = [f for f in docs.FIELDS if f in yaml.safe_load(source)["metadata"]]
    assert not inline, f"{policy.id}: move {inline} into {page.name}"


def test_a_page_with_an_unknown_section_is_refused():
    with pytest.raises(docs.DocError, match="unknown section 'Example'"):
        docs.parse("# IAC999 x\n\n## What it flags\n\ntext\n\n## Example\n\ncode\n", "x.md")
    parsed = docs.parse("# IAC999 x\n\n## Fix in Terraform\n\n```hcl\n## not a heading\n```\n", "x.md")
    assert parsed["fix_terraform"] == "```hcl\n## not a heading\n```"


@pytest.mark.parametrize("policy", [p for p in POLICIES if p.resource_types], ids=lambda p: p.id)
def test_policy_file_and_fixtures_follow_the_name(policy):
    source = Path(policy.source)
    assert source.stem.replace("_", "-") == policy.name
    assert (FIXTURES / "policies" / policy.name).is_dir()


@pytest.mark.parametrize("policy", [p for p in POLICIES if p.source.endswith((".yaml", ".yml"))],
                         ids=lambda p: p.id)
def test_yaml_policies_validate_against_the_schema(policy):
    import yaml

    from iaclint.engine.registry import validate_policy_document

    validate_policy_document(yaml.safe_load(Path(policy.source).read_text()), policy.source)


@pytest.mark.skipif(not CATALOG.exists(), reason="shared/POLICY_CATALOG.md not beside the checkout")
def test_names_are_catalog_keys():
    """Every policy is a row of the shared catalog or of our additions to it (written in the
    catalog's columns first: docs/coverage/catalog-additions.md), and no addition repeats
    or outlives a policy."""
    row = re.compile(r"^\| `([a-z0-9-]+)` \|", flags=re.M)
    keys = set(row.findall(CATALOG.read_text()))
    additions = row.findall((ROOT / "docs" / "coverage" / "catalog-additions.md").read_text(encoding="utf-8"))
    assert not keys & set(additions), f"already in the catalog: {sorted(keys & set(additions))}"
    assert set(additions) <= {p.name for p in POLICIES}, "an addition without its policy"
    keys |= set(additions)
    for p in POLICIES:
        # Attack-path policies are defined by the path rules of docs/architecture.md (chains
        # over the asset graph), not by a catalog row of one resource's properties.
        if p.resource_types and not getattr(p, "path_rule", False):
            assert p.name in keys, f"{p.name} is not a key of POLICY_CATALOG.md"


def test_policy_reference_is_current():
    page = ROOT / "docs" / "policies.md"
    expected = render_policy_reference(POLICIES)
    assert page.exists() and page.read_text() == expected, \
        "docs/policies.md is stale: run `iaclint rules --format markdown > docs/policies.md`"


def test_readme_counts_the_policies():
    """The README's list of policies stays current: the number it gives is the number of
    built-in policies that check resources (the four tool policies are named apart)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"iaclint ships (\d+) policies", readme)
    assert found, "README.md no longer says how many policies iaclint ships"
    assert int(found.group(1)) == len([p for p in POLICIES if p.resource_types])
    assert len([p for p in POLICIES if not p.resource_types]) == 4, "README names four tool policies"
