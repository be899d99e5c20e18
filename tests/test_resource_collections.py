"""A resource's instances as a whole (`for_each = aws_iam_role.agent`, `length(aws_x.y)`,
`[for ... in aws_x.y]`, `aws_x.y[*].arn`): when the resource's `count`/`for_each` is known,
the reference is a list or map of its instances, each an Unknown that refers to it
(`Module.resource_instances`), as Terraform plans it. Before, the whole reference was one
Unknown: every resource expanded over it had an unknown key, so its IAM document, its
bucket link and its verdicts were UNKNOWN (aws-ia/terraform-aws-agentcore: 90 of 94)."""
from __future__ import annotations

from conftest import FIXTURES, builtin_policies

from iaclint.api import scan
from iaclint.frontends.terraform.module import MAX_CHAIN, load_module
from iaclint.model.unknown import Unknown

CASE = FIXTURES / "parsers" / "terraform" / "resource-collections"


def _load(directory):
    return load_module(str(directory), sorted(str(p) for p in directory.glob("*.tf")))


def _by_address(result) -> dict:
    return {r.address: r for r in result.resources}


def test_a_resource_over_another_resources_instances_gets_their_keys_and_a_link_to_each():
    resources = _by_address(_load(CASE))
    assert [a for a in resources if a.startswith("aws_iam_role_policy.")] == [
        'aws_iam_role_policy.agent["alpha"]', 'aws_iam_role_policy.agent["beta"]']
    policy = resources['aws_iam_role_policy.agent["beta"]']
    role = policy.attributes["role"]
    assert isinstance(role, Unknown) and role.refs == ('aws_iam_role.agent["beta"]',)
    assert role.reason == '`aws_iam_role.agent["beta"]` is known only after apply'
    assert '"Resource": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1"' \
        in policy.attributes["policy"]
    assert [(r.path, r.target, r.attribute) for r in policy.references] == [
        (("policy",), 'data.aws_iam_policy_document.agent["beta"]', "json"),
        (("role",), 'aws_iam_role.agent["beta"]', "name")]


def test_length_for_and_splat_of_a_counted_resource_give_one_item_per_instance():
    resources = _by_address(_load(CASE))
    assert [a for a in resources if "training" in a] == [
        "aws_s3_bucket.training[0]", "aws_s3_bucket.training[1]",
        "aws_s3_bucket_versioning.training[0]", "aws_s3_bucket_versioning.training[1]",
        'aws_s3_bucket_server_side_encryption_configuration.training["0"]',
        'aws_s3_bucket_server_side_encryption_configuration.training["1"]',
        "aws_iam_policy.read_training"]
    sse = resources['aws_s3_bucket_server_side_encryption_configuration.training["1"]']
    assert [(r.target, r.attribute) for r in sse.references] == [("aws_s3_bucket.training[1]", "id")]
    read = resources["aws_iam_policy.read_training"]
    arns = read.attributes["policy"].value["Statement"][0]["Resource"]
    assert [a.refs for a in arns] == [("aws_s3_bucket.training[0]",), ("aws_s3_bucket.training[1]",)]


def test_one_instance_and_an_unknown_expansion_stay_one_unknown_reference():
    resources = _by_address(_load(CASE))
    key = resources["aws_iam_policy.use_key"].attributes["policy"].value["Statement"][0]["Resource"][0]
    assert key.refs == ("aws_kms_key.single",) and key.expr == "aws_kms_key.single.arn"
    attachment = resources["aws_iam_role_policy_attachment.unknown"]
    assert attachment.attributes["role"].reason == "for_each is unknown: `aws_iam_role.unknown` is known only after apply"


def test_the_findings_once_the_instances_are_linked():
    result = scan([str(CASE)], policies=list(builtin_policies()))
    found = sorted((f.policy_id, f.resource, f.line, f.verdict) for f in result.findings
                   if f.policy_id in ("IAC112", "IAC114") or f.resource.startswith("aws_iam_role_policy"))
    # Before: IAC112 and IAC114 UNKNOWN on both buckets (the configurations' `bucket` could not be
    # matched), and five IAM policies UNKNOWN on `aws_iam_role_policy.agent` (an unknown key).
    assert found == [("IAC112", "aws_s3_bucket.training[0]", 33, "FAIL"),
                     ("IAC112", "aws_s3_bucket.training[1]", 33, "FAIL")]
    assert [f for f in result.findings if f.verdict == "UNKNOWN" and "unknown" not in f.resource] == []


def _write(tmp_path, text: str):
    (tmp_path / "main.tf").write_text(text)
    return _load(tmp_path)


def test_resources_over_each_others_instances_are_a_cycle_not_an_error(tmp_path):
    result = _write(tmp_path, 'resource "aws_iam_role" "a" {\n  for_each = aws_iam_role.b\n  name = each.key\n}\n'
                              'resource "aws_iam_role" "b" {\n  for_each = aws_iam_role.a\n  name = each.key\n}\n')
    assert result.errors == []
    assert [r.address for r in result.resources] == ["aws_iam_role.a", "aws_iam_role.b"]
    assert all(isinstance(r.attributes["name"], Unknown) for r in result.resources)


def _chain(length: int, reverse: bool) -> str:
    blocks = ['resource "aws_iam_role" "r0" {\n  for_each = { k = "v" }\n  name = each.key\n}\n']
    blocks += [f'resource "aws_iam_role" "r{i}" {{\n  for_each = aws_iam_role.r{i - 1}\n  name = each.key\n}}\n'
               for i in range(1, length)]
    return "".join(reversed(blocks) if reverse else blocks)


def test_a_chain_of_collections_in_order_expands_to_its_end(tmp_path):
    result = _write(tmp_path, _chain(MAX_CHAIN + 8, reverse=False))
    assert result.errors == []
    assert [r.address for r in result.resources] == [f'aws_iam_role.r{i}["k"]' for i in range(MAX_CHAIN + 8)]


def test_a_chain_of_collections_written_backwards_is_followed_only_so_deep(tmp_path):
    length = MAX_CHAIN + 8
    result = _write(tmp_path, _chain(length, reverse=True))
    assert result.errors == []
    addresses = [r.address for r in result.resources]
    # the first block asks for the whole chain below it: cut MAX_CHAIN links down, it is unknown
    assert addresses[0] == f"aws_iam_role.r{length - 1}"
    assert addresses[-1] == 'aws_iam_role.r0["k"]' and len(addresses) == length
