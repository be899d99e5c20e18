"""IAC604: the bucket a SageMaker MLflow tracking server stores its artifacts in is encrypted
with a customer-managed key and not open to the public.

`artifact_store_uri` (CloudFormation `ArtifactStoreUri`) is followed to the `aws_s3_bucket` of
the scan it names: through a reference (`"s3://${aws_s3_bucket.x.bucket}/mlflow"`,
`!Sub s3://${Bucket}/mlflow`) or a literal `s3://<name>/...` matched against the buckets'
names. The bucket fails when its default encryption is not a customer-managed KMS key
(`s3-ml-bucket-no-cmk`) or its public access block leaves a flag off
(`s3-ml-bucket-public-access-block-off`); both questions are answered by `iaclint.aws.s3`.
A bucket that is not declared in the scanned files is unknown.
"""
from __future__ import annotations

import re

from iaclint.aws import s3, s3_settings
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown
from iaclint.model.unknown_globs import unknown_glob

_URI = ("artifact_store_uri",)
_S3_URI = re.compile(r"^s3://(?P<name>[^/]+)", re.IGNORECASE)


def _named_buckets(server, ctx, name: str) -> list:
    """Buckets of the scan called `name`, those of the server's module or template first."""
    found = [b for b in ctx.project.of_type(s3.BUCKET_TYPE)
             if isinstance(s3.bucket_name(b), str) and s3.bucket_name(b) == name]
    return [b for b in found if b.unit == server.unit] or found


def _artifact_buckets(server, ctx) -> tuple[list, str]:
    """(buckets, why they cannot be told): the buckets `artifact_store_uri` names."""
    value = server.attributes.get(_URI[0])
    targets = ctx.project.outgoing(server, _URI)
    buckets = [t for _, t in targets if t is not None and t.type == s3.BUCKET_TYPE]
    if buckets:
        return buckets, ""
    text = unknown_glob(value) if is_unknown(value) else value
    match = _S3_URI.match(text.strip()) if isinstance(text, str) else None
    names = [match.group("name")] if match else []
    shown = value.expr if is_unknown(value) else value
    if names and "*" not in names[0]:
        found = _named_buckets(server, ctx, names[0])
        if found:
            return found, ""
        return [], f"`{shown}` names the bucket `{names[0]}`, which is not declared in the scanned files"
    others = sorted({ref.target for ref, _ in targets})
    if others:
        return [], f"`{shown}` refers to {', '.join(f'`{o}`' for o in others)}, not to a bucket of the scan"
    return [], f"`{shown}` cannot be known statically"


class SagemakerMlflowArtifactStoreInsecure(Policy):
    id = "IAC604"
    name = "sagemaker-mlflow-artifact-store-insecure"
    title = "SageMaker MLflow tracking server stores its artifacts in a bucket with a CMK and no public access"
    severity = "medium"
    category = "attack-paths"
    resource_types = ("aws_sagemaker_mlflow_tracking_server",)
    checkov_ids = ()

    def check(self, resource, ctx):
        if resource.attributes.get(_URI[0]) is None:
            yield PASS()
            return
        name = resource.native_name(_URI)
        buckets, unresolved = _artifact_buckets(resource, ctx)
        if unresolved:
            yield UNKNOWN(f"The bucket of `{name}` cannot be checked: {unresolved}", _URI)
            return
        problems, unknowns = [], []
        for bucket in buckets:
            for answer in (s3_settings.encryption_check(bucket, ctx), s3_settings.public_access_check(bucket, ctx)):
                if answer.verdict is True:
                    problems.append(f"`{bucket.address}`: {answer.message}")
                elif answer.verdict is None:
                    unknowns.append(f"`{bucket.address}`: {answer.message}")
        if problems:
            yield FAIL(f"The MLflow artifact store (`{name}`) is a weak bucket: {'; '.join(problems)}", _URI)
        elif unknowns:
            yield UNKNOWN(f"Whether the MLflow artifact store (`{name}`) is protected cannot be known: "
                          f"{'; '.join(unknowns)}", _URI)
        else:
            yield PASS()
