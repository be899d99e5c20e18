"""IAC419 (opt-in): every container of a SageMaker model pulls its image from a private
Docker registry in the VPC (`image_config.repository_access_mode = "Vpc"`), as AWS Security
Hub SageMaker.16 (the primary container) and SageMaker.19 (each container of an inference
pipeline) ask. An unset `image_config` is `Platform` mode (ECR), the AWS default, and fails
as the Config rules fail it: at the container block.

Off by default: most teams rightly serve from ECR, which `sagemaker-model-image-repo-insecure`
(IAC414) checks; this policy is for the organizations whose standard is the private registry.
"""
from __future__ import annotations

from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.aws import settings
from iaclint.model.unknown import is_unknown

_PLATFORM = {"PLATFORM"}  # every mode but `Vpc` pulls from ECR
_CONTAINERS = (("primary_container", "SageMaker.16"), ("container", "SageMaker.19"))  # and their controls


def _entries(value, path: tuple):
    """(path, value) of a block that may be written once (a mapping) or as a list (Terraform's
    nested blocks, `Containers`); an unknown list is one unknown entry."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield path + (i,), item
    elif value is not None:
        yield path, value


def _access_mode(container, path: tuple):
    """(mode, path of what decides it): "Platform" when `image_config` or its mode is unset.
    The mode may be alternatives (a conditional, `Fn::If`, `AllowedValues`), judged by
    `settings.judge_value`; a branch that leaves the mode out is Platform too."""
    if is_unknown(container):
        return container, path
    configs = list(_entries(container.get("image_config") if isinstance(container, dict) else None,
                            path + ("image_config",)))
    if not configs:
        return "Platform", path + ("image_config",)
    config_path, config = configs[0]
    if is_unknown(config):
        return config, config_path
    mode = config.get("repository_access_mode") if isinstance(config, dict) else None
    return ("Platform" if mode is None else mode), config_path + ("repository_access_mode",)


class SagemakerModelPlatformRegistry(Policy):
    id = "IAC419"
    name = "sagemaker-model-platform-registry"
    title = "SageMaker model containers pull their images from a private registry in the VPC"
    severity = "low"
    category = "model-safeguards"
    resource_types = ("aws_sagemaker_model",)
    checkov_ids = ()
    opt_in = True

    def check(self, resource, ctx):
        for attribute, control in _CONTAINERS:
            for path, container in _entries(resource.attributes.get(attribute), (attribute,)):
                mode, where = _access_mode(container, path)
                index = path[-1] if attribute == "container" and isinstance(path[-1], int) else None
                name = resource.native_name(path) + (f"[{index}]" if index is not None else "")
                bad = settings.judge_value(mode, _PLATFORM, unset_is_bad=True)
                if bad is None:
                    yield UNKNOWN(f"The registry access mode of `{name}` is not known until deployment", where)
                elif not bad:
                    yield PASS()
                else:
                    how = "" if resource.spans.get(where) else " (unset: the default)"
                    if is_unknown(mode):  # alternatives, every one Platform (or unset)
                        mode, how = "Platform", f" (whichever value `{mode.expr}` takes)"
                    yield FAIL(f"`{name}` pulls its image in `{settings.shown(mode)}` mode{how}, not from a "
                               f"private registry in the VPC (`Vpc`; Security Hub {control})", where)
