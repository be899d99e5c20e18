"""The asset graph's narrower walks give what the walks they replace gave: the model
attributes of a resource (`settings._model_leaves` against every leaf filtered as
before), in the same order."""
from __future__ import annotations

import random

from iaclint.aws.verdicts import leaves
from iaclint.inventory import settings
from iaclint.model.documents import EncodedJson
from iaclint.model.unknown import Unknown

NAMES = ["foundation_model", "Model_Id", "modelArn", "tags", "tags_all", "name", "config", "embedding_model_arn",
         "copy_from", "instruction"]


def _before(attributes) -> list:
    """`settings._models`'s walk as it was: every leaf, its last name looked for."""
    out = []
    for path, value in leaves(attributes):
        last = next((p for p in reversed(path) if isinstance(p, str)), "")
        if last.lower() not in settings.MODEL_KEYS or path[0] in ("tags", "tags_all"):
            continue
        out.append((path, value, last))
    return out


def _value(rng: random.Random, depth: int):
    roll = rng.random()
    if depth > 3 or roll < 0.3:
        return rng.choice(["amazon.titan-text-express-v1", "", 3, None, True, Unknown("var.model", "variable")])
    if roll < 0.55:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if roll < 0.65:
        return EncodedJson(_mapping(rng, depth + 1))
    return _mapping(rng, depth + 1)


def _mapping(rng: random.Random, depth: int) -> dict:
    return {rng.choice(NAMES): _value(rng, depth) for _ in range(rng.randint(0, 4))}


def test_model_leaves_are_the_filtered_leaves_in_order():
    rng = random.Random(12)
    found = 0
    for _ in range(3000):
        attributes = _mapping(rng, 0)
        expected = _before(attributes)
        assert list(settings._model_leaves(attributes)) == expected, attributes
        found += len(expected)
    assert found > 1000  # the cases reach model attributes, under lists, maps and JSON documents
