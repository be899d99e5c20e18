"""SageMaker endpoint data capture: the `data_capture_config` blocks and whether capture is on.

Two policies read the data capture of an `aws_sagemaker_endpoint_configuration`
(CloudFormation `AWS::SageMaker::EndpointConfig`): one reports capture that is off
(`sagemaker-endpoint-data-capture-disabled`), the other captured traffic stored without a
customer-managed key (`sagemaker-endpoint-data-capture-no-cmk`). They must agree on what
"off" means, and it differs by format: the Terraform provider always sends
`enable_capture`, `false` when it is omitted, while the SageMaker API (and so
CloudFormation) treats an omitted `EnableCapture` as enabled. This module answers that
once, and walks the blocks in the same way for both.

Only plain data, `Unknown` and the path helpers are used here.
"""
from __future__ import annotations

from typing import Iterator

from iaclint.model import paths
from iaclint.model.unknown import is_unknown

DATA_CAPTURE = "data_capture_config"


def written(value) -> bool:
    """Is the attribute set? An unresolved reference counts as set (a key named by
    `aws_kms_key.k.arn` is a key), an empty string, list or object does not."""
    return is_unknown(value) or value not in (None, "", [], {})


def is_false(value) -> bool:
    """`false` written as a boolean or as a string (CloudFormation parameters are strings)."""
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


def serverless_only(resource) -> bool:
    """Are all production variants serverless (`serverless_config` set)? Serverless
    inference does not support data capture, so such a configuration cannot enable it."""
    variants = resource.attributes.get("production_variants")
    serverless = [isinstance(v, dict) and not is_unknown(v.get("serverless_config"))
                  and written(v.get("serverless_config")) for v in variants] if isinstance(variants, list) else []
    return bool(serverless) and all(serverless)


def capture_written(resource) -> bool:
    """Does the endpoint configuration write a data capture configuration at all?"""
    return bool(paths.find_detailed(resource.attributes, DATA_CAPTURE))


def capture_blocks(resource) -> Iterator[tuple]:
    """(path, config) for each data capture configuration: a Terraform block list is
    expanded into its blocks, a CloudFormation object is one. `config` is an object, or an
    Unknown when it cannot be read until deployment (a variable, a `dynamic` block); values
    that are neither are skipped."""
    for path, value, complete in paths.find_detailed(resource.attributes, DATA_CAPTURE):
        if complete and isinstance(value, list):
            items = [(tuple(path) + (i,), item) for i, item in enumerate(value)]
        else:
            items = [(tuple(path), value)]  # a hit that is not complete is an Unknown
        for item_path, config in items:
            if is_unknown(config) or isinstance(config, dict):
                yield item_path, config


def omitted_means_off(resource, enabled) -> bool:
    """Is `enable_capture` omitted in Terraform, where the provider then sends `false`?
    (An omitted `EnableCapture` in CloudFormation means enabled, the SageMaker API default.)"""
    return enabled is None and not resource.cloudformation_schema


def capture_off(resource, config: dict) -> bool:
    """Is capture certainly off for this block: `enable_capture` false, or omitted in
    Terraform? An unknown `enable_capture` is not off."""
    enabled = config.get("enable_capture")
    return is_false(enabled) or omitted_means_off(resource, enabled)
