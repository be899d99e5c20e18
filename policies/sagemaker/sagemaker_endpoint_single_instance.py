"""IAC416: the production variants of a SageMaker endpoint run on more than one instance.

`production_variants.initial_instance_count` (`ProductionVariants[].InitialInstanceCount`):
one instance is one Availability Zone and no redundancy, so an instance failure, an AZ
event or a patch takes the model offline. Serverless variants (`serverless_config`) and
variants without an instance count (inference components scale their own instances) are
not judged.
"""
from __future__ import annotations

from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model import paths
from iaclint.model.unknown import is_unknown

_COUNT = "production_variants.initial_instance_count"


class SageMakerEndpointSingleInstance(Policy):
    id = "IAC416"
    name = "sagemaker-endpoint-single-instance"
    title = "SageMaker endpoint production variants run on more than one instance"
    severity = "low"
    category = "model-safeguards"
    resource_types = ("aws_sagemaker_endpoint_configuration",)
    checkov_ids = ()

    def check(self, resource, ctx):
        found = False
        for path, count, complete in paths.find_detailed(resource.attributes, _COUNT):
            name = resource.native_name(path)
            if not complete or is_unknown(count):
                found = True
                yield UNKNOWN(f"`{name}` is `{getattr(count, 'expr', count)}`, unknown until deployment", path)
            elif not isinstance(count, bool) and count in (1, "1"):
                found = True
                yield FAIL(f"SageMaker endpoint variant runs on a single instance, with no redundancy across "
                           f"Availability Zones: `{name}` is `1`", path)
        if not found:
            yield PASS()
