"""`iaclint.model.paths`: one walk for every attribute path, with the readings of `*`
that policies (ANY) and Checkov policies (INDEX, LITERAL) need."""
from __future__ import annotations

from iaclint.model import paths
from iaclint.model.unknown import Unknown

BLOCKS = {"rule": [{"cidr": "10.0.0.0/8"}, {"cidr": "0.0.0.0/0"}],
          "tags": {"team": "ml", "*": "literal"},
          "name": "x"}


def test_a_key_on_a_list_of_blocks_fans_out_and_an_index_selects():
    assert paths.find(BLOCKS, "rule.cidr") == [(("rule", 0, "cidr"), "10.0.0.0/8"), (("rule", 1, "cidr"), "0.0.0.0/0")]
    assert paths.find(BLOCKS, "rule.1.cidr") == [(("rule", 1, "cidr"), "0.0.0.0/0")]
    assert paths.find(BLOCKS, "rule.-1.cidr") == []  # "-1" is a key, not an index
    assert paths.find(BLOCKS, ("rule", -1, "cidr")) == [(("rule", 1, "cidr"), "0.0.0.0/0")]
    assert paths.find(BLOCKS, "rule.2.cidr") == [] and paths.get(BLOCKS, "nothing", "d") == "d"


def test_star_any_matches_every_key_and_index():
    assert paths.find(BLOCKS, "rule.*.cidr") == [(("rule", 0, "cidr"), "10.0.0.0/8"), (("rule", 1, "cidr"), "0.0.0.0/0")]
    assert paths.find(BLOCKS, "tags.*") == [(("tags", "team"), "ml"), (("tags", "*"), "literal")]


def test_star_index_is_checkovs_wildcard_every_index_skipped_elsewhere():
    assert paths.find_rest(BLOCKS, "rule.*.cidr", star=paths.INDEX) == [
        (("rule", 0, "cidr"), "10.0.0.0/8", ()), (("rule", 1, "cidr"), "0.0.0.0/0", ())]
    assert paths.find_rest(BLOCKS, "tags.*.team", star=paths.INDEX) == [(("tags", "team"), "ml", ())]
    assert paths.find_rest(BLOCKS, "name.*", star=paths.INDEX) == [(("name",), "x", ())]


def test_star_literal_is_a_key_named_star():
    assert paths.find_rest(BLOCKS, "tags.*", star=paths.LITERAL) == [(("tags", "*"), "literal", ())]
    assert paths.find_rest(BLOCKS, "rule.*", star=paths.LITERAL) == []


def test_an_unknown_on_the_way_is_the_hit_with_the_rest_of_the_path():
    value = {"vpc": Unknown("var.vpc", "variable")}
    assert paths.find_rest(value, "vpc.subnets.0", prefix=("root",)) == [(("root", "vpc"), value["vpc"], ("subnets", 0))]
    assert paths.find_detailed(value, "vpc.subnets") == [(("vpc",), value["vpc"], False)]
    assert paths.deepest_prefix(BLOCKS, "rule.cidr.deeper") == ("rule", 0, "cidr")
