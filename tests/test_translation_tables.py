"""The translation tables name only real CloudFormation types and properties.

Checked against the resource schemas bundled with cfn-lint (us-east-1), so a misspelt
type or property in a table fails CI instead of silently never matching."""
from __future__ import annotations

import pytest
from cfn_schemas import _properties, _schema, property_exists

from iaclint.normalize.tables import CFN_TYPES, DEFAULTS
from iaclint.normalize.translate import snake


@pytest.mark.parametrize("cfn_type", sorted(CFN_TYPES))
def test_type_exists_in_cfn_schemas(cfn_type):
    assert _schema(cfn_type) is not None, f"{cfn_type} is not a CloudFormation type"


@pytest.mark.parametrize("cfn_type,dotted", sorted(
    (t, p) for t, table in CFN_TYPES.items()
    for p in [*table.get("renames", {}), *table.get("opaque", ()), *table.get("moves", {})]))
def test_named_properties_exist(cfn_type, dotted):
    assert property_exists(cfn_type, dotted), f"{cfn_type} has no property {dotted}"


def test_canonical_types_are_unique_per_cfn_type():
    assert all(t["type"].startswith("aws_") for t in CFN_TYPES.values())


@pytest.mark.parametrize("canonical,dotted", sorted(
    (t, p) for t, defaults in DEFAULTS.items() for p in defaults))
def test_defaults_name_real_properties(canonical, dotted):
    """A default is keyed by its canonical path; some CloudFormation type must spell it."""
    cfn_types = [t for t, table in CFN_TYPES.items() if table["type"] == canonical]
    assert cfn_types, f"no CloudFormation type maps to {canonical}"
    for cfn_type in cfn_types:
        table = CFN_TYPES[cfn_type]
        renamed = {v: k for k, v in table.get("renames", {}).items()}
        schema = _schema(cfn_type)
        node, ok = schema, True
        for segment in dotted.split("."):
            props = _properties(schema, node)
            native = renamed.get(segment) or next((p for p in props if snake(p) == segment), None)
            if native is None:
                ok = False
                break
            node = props[native]
        if ok:
            return
    pytest.fail(f"default {canonical}.{dotted} matches no property of {cfn_types}")


@pytest.mark.parametrize("canonical,dotted", sorted(
    (t, p) for t, defaults in DEFAULTS.items() for p in defaults))
def test_unset_defaults_are_spelt_as_cloudformation_spells_them(canonical, dotted):
    """A message about an unset attribute names it the CloudFormation way (`KmsKeyId`,
    `EnableSSMAccess`), so the speller must produce a real property path."""
    from iaclint.normalize.translate import _speller

    cfn_types = [t for t, table in CFN_TYPES.items() if table["type"] == canonical]
    spelt = {t: ".".join(_speller(t)(s) for s in dotted.split(".")) for t in cfn_types}
    assert any(property_exists(t, path) for t, path in spelt.items()), spelt


@pytest.mark.parametrize("name", sorted(__import__("iaclint.normalize.tables", fromlist=["x"]).CFN_SPELLINGS))
def test_irregular_spellings_are_snake_case_of_themselves(name):
    from iaclint.normalize.tables import CFN_SPELLINGS

    assert snake(CFN_SPELLINGS[name]) == name
