"""A generated corpus of Checkov custom policies for the differential test.

Every attribute operator of Checkov 3.3.30 on attributes of several shapes (text,
numbers, booleans, lists, maps, CIDR ranges, ports, repeated blocks, `*` and index
paths), a JSONPath twin of each operator, nested `and`/`or`/`not` blocks, filters,
connections (`exists`, `not_exists`, `one_exists`, with attribute conditions, `or`),
resource conditions, and policies written in CloudFormation names. Deterministic: the
same list every time, IDs `CKV2_DIFF_<n>`.
"""
from __future__ import annotations

NB = "aws_sagemaker_notebook_instance"
KEY = "aws_kms_key"
SG = "aws_security_group"
EPC = "aws_sagemaker_endpoint_configuration"

# (resource type, attribute, kind, a sample value present in the fixtures, another value)
TARGETS = [
    (NB, "instance_type", "text", "ml.t3.medium", "ml.p3.2xlarge"),
    (NB, "direct_internet_access", "text", "Disabled", "Enabled"),
    (NB, "root_access", "text", "Disabled", "Enabled"),
    (NB, "name", "words", "tagged notebook", "bare"),
    (NB, "volume_size", "number", 50, 5),
    (NB, "kms_key_id", "text", "alias/ml", "arn:aws:kms"),
    (NB, "security_groups", "list", "sg-0123456789abcdef0", "sg-1"),
    (NB, "tags", "map", "team", "owner"),
    (NB, "tags.team", "text", "ml-platform", "data"),
    (NB, "instance_metadata_service_configuration.minimum_instance_metadata_service_version", "text", "2", "1"),
    (KEY, "enable_key_rotation", "bool", True, False),
    (KEY, "deletion_window_in_days", "number", 30, 7),
    (KEY, "description", "words", "key for the feature store", "x"),
    (KEY, "key_usage", "text", "ENCRYPT_DECRYPT", "SIGN_VERIFY"),
    (SG, "ingress.*.cidr_blocks", "cidrs", "10.0.0.0/8", "0.0.0.0/0"),
    (SG, "ingress.*.from_port", "port", 22, 443),
    (SG, "ingress.from_port", "number", 8000, 22),
    (SG, "ingress.0.to_port", "number", 22, 8080),
    ("aws_vpc", "cidr_block", "cidr", "10.0.0.0/8", "192.168.0.0/16"),
    (EPC, "production_variants.*.instance_type", "text", "ml.m5.xlarge", "ml.g5.xlarge"),
    (EPC, "production_variants.instance_type", "text", "ml.m5.xlarge", "ml.g5.xlarge"),
    (EPC, "production_variants.*.initial_instance_count", "number", 1, 2),
    (EPC, "data_capture_config.enable_capture", "bool", True, False),
    ("aws_ecr_repository", "image_tag_mutability", "text", "IMMUTABLE", "MUTABLE"),
    ("aws_ecr_repository", "image_scanning_configuration.scan_on_push", "bool", True, False),
    ("aws_bedrock_guardrail", "content_policy_config.filters_config.*.type", "text", "PROMPT_ATTACK", "HATE"),
    ("aws_bedrock_guardrail", "blocked_input_messaging", "words", "Sorry, the model cannot answer", "x"),
    ("aws_opensearch_domain", "engine_version", "text", "OpenSearch_2.13", "Elasticsearch_7.10"),
    ("aws_opensearch_domain", "encrypt_at_rest.enabled", "bool", True, False),
    ("aws_opensearch_domain", "vpc_options.subnet_ids", "list", "subnet-1", "subnet-2"),
    ("aws_instance", "metadata_options.http_tokens", "text", "required", "optional"),
    ("aws_instance", "associate_public_ip_address", "bool", True, False),
    ("aws_bedrockagent_agent", "idle_session_ttl_in_seconds", "number", 600, 1800),
    ("aws_sagemaker_domain", "app_network_access_type", "text", "VpcOnly", "PublicInternetOnly"),
    ("aws_sagemaker_domain", "subnet_ids", "list", "subnet-0a1b2c3d", "subnet-1"),
    ("aws_iam_role", "managed_policy_arns", "list", "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess", "x"),
    ("aws_s3_bucket", "bucket", "text", "acme-ml-training-data", "logs"),
]


def _operators(kind: str, a, b) -> list[tuple[str, object]]:
    """(operator, value) pairs that make sense on a value of `kind`."""
    common = [("exists", None), ("not_exists", None), ("equals", a), ("not_equals", a),
              ("within", [a, b]), ("not_within", [b]), ("is_empty", None), ("is_not_empty", None),
              ("length_equals", 1), ("length_not_equals", 1), ("length_greater_than", 2),
              ("length_greater_than_or_equal", 1), ("length_less_than", 3), ("length_less_than_or_equal", 0)]
    text = str(a)
    if kind in ("text", "words"):
        return common + [
            ("equals_ignore_case", text.upper()), ("not_equals_ignore_case", text.lower()),
            ("contains", text[1:4]), ("not_contains", text[1:4]), ("starting_with", text[:3]),
            ("not_starting_with", text[:3]), ("ending_with", text[-3:]), ("not_ending_with", text[-3:]),
            ("regex_match", "^" + text[:2]), ("not_regex_match", ".*" + text[-2:] + "$"),
            ("greater_than", "m"), ("less_than_or_equal", "m"), ("subset", [a, b]), ("not_subset", [b]),
            ("intersects", [a, "zz"]), ("not_intersects", ["zz"]),
            ("number_of_words_equals", 1), ("number_of_words_not_equals", 3),
            ("number_of_words_greater_than", 1), ("number_of_words_greater_than_or_equal", 3),
            ("number_of_words_less_than", 2), ("number_of_words_less_than_or_equal", 5), ("any", None)]
    if kind in ("number", "port"):
        return common + [
            ("greater_than", b), ("greater_than_or_equal", a), ("less_than", a), ("less_than_or_equal", b),
            ("range_includes", f"{min(a, b)}-{max(a, b)}"), ("range_not_includes", a),
            ("range_includes", [a]), ("equals", str(a)), ("starting_with", "2"), ("within", [str(a)])]
    if kind == "bool":
        return common + [("is_true", None), ("is_false", None), ("equals", "true"), ("equals", str(a).lower()),
                         ("not_equals", False), ("equals_ignore_case", "TRUE")]
    if kind == "list":
        return common + [("contains", a), ("not_contains", a), ("subset", [a, b]), ("not_subset", [a]),
                         ("intersects", [a, "zz"]), ("not_intersects", [b]), ("length_greater_than", 0)]
    if kind == "map":
        return common + [("contains", a), ("not_contains", b), ("length_greater_than", 1)]
    if kind in ("cidr", "cidrs"):
        return common + [("cidr_range_subset", ["10.0.0.0/8", "192.168.0.0/16"]), ("cidr_range_not_subset", a),
                         ("cidr_range_subset", "0.0.0.0/0"), ("contains", b), ("not_contains", b)]
    raise ValueError(kind)


def _attr(types, attribute, operator, value=None) -> dict:
    node = {"cond_type": "attribute", "resource_types": list(types) if isinstance(types, (list, tuple)) else [types],
            "attribute": attribute, "operator": operator}
    if value is not None:
        node["value"] = value
    return node


def _jsonpath(attribute: str) -> str:
    """A JSONPath for a dotted path (`a.*.b` -> `$.a[*].b`, `a.0.b` -> `$.a[0].b`)."""
    parts = []
    for part in attribute.split("."):
        if part == "*":
            parts[-1] += "[*]"
        elif part.isdigit():
            parts[-1] += f"[{part}]"
        else:
            parts.append(part)
    return "$." + ".".join(parts)


CONNECTED_KEY = {"cond_type": "connection", "resource_types": [NB, EPC], "connected_resource_types": [KEY],
                 "operator": "exists"}


def _structures() -> list[dict]:
    filter_nb = {"cond_type": "filter", "attribute": "resource_type", "operator": "within", "value": [NB]}
    rotation = _attr(KEY, "enable_key_rotation", "is_true")
    return [
        {"and": [_attr(NB, "direct_internet_access", "equals", "Disabled"), _attr(NB, "root_access", "equals", "Disabled")]},
        {"or": [_attr(NB, "kms_key_id", "exists"), {"and": [_attr(NB, "tags.team", "exists"),
                                                            _attr(NB, "volume_size", "less_than", 100)]}]},
        {"not": _attr(NB, "instance_type", "starting_with", "ml.p")},
        {"and": [{"not": {"or": [_attr(NB, "subnet_id", "not_exists"), _attr(NB, "security_groups", "is_empty")]}},
                 _attr(NB, "direct_internet_access", "not_equals", "Enabled")]},
        {"and": [_attr(NB, "kms_key_id", "exists"), _attr(KEY, "enable_key_rotation", "is_true")]},  # across types
        {"or": [_attr(NB, "kms_key_id", "exists"), _attr(KEY, "enable_key_rotation", "is_true")]},
        {"and": [filter_nb, _attr([NB, KEY], "tags", "exists")]},
        {"or": [_attr([NB, KEY, SG], "tags", "is_not_empty"), _attr(SG, "ingress.*.cidr_blocks", "not_contains", "0.0.0.0/0")]},
        CONNECTED_KEY,
        {**CONNECTED_KEY, "operator": "not_exists"},
        {**CONNECTED_KEY, "operator": "one_exists"},
        {"cond_type": "connection", "resource_types": [SG], "connected_resource_types": ["aws_vpc"], "operator": "exists"},
        {"and": [filter_nb, CONNECTED_KEY, rotation]},
        {"and": [CONNECTED_KEY, rotation]},
        {"and": [filter_nb, {"cond_type": "connection", "resource_types": [NB], "connected_resource_types": [SG],
                             "operator": "exists"},
                 _attr(SG, "ingress.*.cidr_blocks", "not_contains", "0.0.0.0/0")]},
        {"or": [CONNECTED_KEY, _attr(NB, "kms_key_id", "exists")]},
        {"and": [filter_nb, {"or": [CONNECTED_KEY, {"cond_type": "connection", "resource_types": [NB],
                                                    "connected_resource_types": ["aws_iam_role"],
                                                    "operator": "exists"}]}]},
        {"cond_type": "resource", "resource_types": [NB, KEY, SG, "aws_vpc"], "operator": "exists"},
        {"cond_type": "resource", "resource_types": ["aws_vpc"], "operator": "not_exists"},
    ]


CLOUDFORMATION = [
    ("AWS::SageMaker::NotebookInstance", "DirectInternetAccess", "equals", "Disabled"),
    ("AWS::SageMaker::NotebookInstance", "RootAccess", "not_equals", "Enabled"),
    ("AWS::SageMaker::NotebookInstance", "KmsKeyId", "exists", None),
    ("AWS::SageMaker::NotebookInstance", "VolumeSizeInGB", "greater_than", 20),
    ("AWS::SageMaker::NotebookInstance", "InstanceType", "starting_with", "ml.t3"),
    ("AWS::KMS::Key", "EnableKeyRotation", "is_true", None),
    ("AWS::KMS::Key", "EnableKeyRotation", "equals", True),
    ("AWS::KMS::Key", "PendingWindowInDays", "less_than", 10),
    ("AWS::ECR::Repository", "ImageTagMutability", "equals", "IMMUTABLE"),
    ("AWS::ECR::Repository", "ImageScanningConfiguration.ScanOnPush", "is_true", None),
    ("AWS::SageMaker::EndpointConfig", "KmsKeyId", "exists", None),
    ("AWS::OpenSearchService::Domain", "EncryptionAtRestOptions.Enabled", "is_true", None),
    ("AWS::SageMaker::Domain", "AppNetworkAccessType", "equals", "VpcOnly"),
    ("AWS::EC2::SecurityGroup", "SecurityGroupIngress.*.CidrIp", "not_equals", "0.0.0.0/0"),
    ("AWS::EC2::SecurityGroup", "SecurityGroupIngress.*.FromPort", "range_includes", 22),
    # JSONPath in CloudFormation names (renamed field by field) and paths into IAM documents
    ("AWS::SageMaker::NotebookInstance", "$.SecurityGroupIds", "jsonpath_length_greater_than", 0),
    ("AWS::ECR::Repository", "$.ImageScanningConfiguration.ScanOnPush", "jsonpath_is_true", None),
    ("AWS::EC2::SecurityGroup", '$.SecurityGroupIngress[?(@.IpProtocol == "tcp")].CidrIp', "jsonpath_not_equals",
     "0.0.0.0/0"),
    ("AWS::IAM::Role", "AssumeRolePolicyDocument.Statement.*.Effect", "equals", "Allow"),
    ("AWS::IAM::Role", '$.AssumeRolePolicyDocument.Statement[?(@.Effect == "Allow")].Action', "jsonpath_contains",
     "sts:AssumeRole"),
    ("AWS::IAM::Role", "$.Policies[*].PolicyDocument.Statement[*].Resource", "jsonpath_not_equals", "*"),
]


PER_OPERATOR = 4  # targets per operator (spread over the kinds of value)
PER_JSONPATH_OPERATOR = 2


def _spread(items: list, n: int) -> list:
    if len(items) <= n:
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def definitions() -> list[dict]:
    """Every definition of the corpus, in a fixed order."""
    by_operator: dict[str, list] = {}
    for rtype, attribute, kind, a, b in TARGETS:
        for operator, value in _operators(kind, a, b):
            by_operator.setdefault(operator, []).append((rtype, attribute, value))
    out: list[dict] = []
    for operator, uses in by_operator.items():
        for rtype, attribute, value in _spread(uses, PER_OPERATOR):
            out.append(_attr(rtype, attribute, operator, value))
    for operator, uses in by_operator.items():
        for rtype, attribute, value in _spread(uses[1:] or uses, PER_JSONPATH_OPERATOR):
            out.append(_attr(rtype, _jsonpath(attribute), "jsonpath_" + operator, value))
    out.extend(_structures())
    out.extend(_attr(t, attribute, operator, value) for t, attribute, operator, value in CLOUDFORMATION)
    return out


def policies() -> list[dict]:
    return [{"metadata": {"id": f"CKV2_DIFF_{i:03d}", "name": f"differential {i}", "category": "GENERAL_SECURITY"},
             "definition": definition} for i, definition in enumerate(definitions(), start=1)]
