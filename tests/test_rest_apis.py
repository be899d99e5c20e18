"""REST API resource policies (iaclint.inventory.rest_apis): which `Resource` elements of an
open statement reach a method, so that a policy opening only a health check does not put
the model behind an IAM-signed method within every account's reach (IAC607, IAC608)."""
from __future__ import annotations

import pytest

from iaclint.aws.iam.model import Statement
from iaclint.inventory.rest_apis import _covers_verb
from iaclint.model.unknown import Unknown


def _statement(*resources):
    return Statement(path=(), resource=None, resources=list(resources), paths={"resources": ("resource",)})


@pytest.mark.parametrize("resource,verdict", [
    ("*", True),
    ("execute-api:/*", True),
    ("execute-api:/prod/*", True),
    ("execute-api:/*/POST/*", True),
    ("execute-api:/*/*/*", True),
    ("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*", True),
    ("arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/POST/*", True),
    ("execute-api:/*/GET/health", False),
    ("execute-api:/*/GET/*", False),
    ("execute-api:/*/POST/predict", None),
    ("execute-api:/prod", None),
])
def test_which_resources_reach_a_post_method(resource, verdict):
    assert _covers_verb(_statement(resource), "POST") is verdict


def test_an_execution_arn_reference_followed_by_a_wildcard_reaches_every_method():
    arn = Unknown("aws_api_gateway_rest_api.api.execution_arn", "known after apply")
    element = Unknown("${aws_api_gateway_rest_api.api.execution_arn}/*", "known after apply", parts=(arn, "/*"))
    assert _covers_verb(_statement(element), "POST") is True
    assert _covers_verb(_statement(Unknown("var.resource", "no value")), "POST") is None


def test_not_resource_cannot_be_read():
    stmt = Statement(path=(), resource=None, not_resources=["execute-api:/*/GET/*"], paths={"not_resources": ()})
    assert _covers_verb(stmt, "POST") is None
