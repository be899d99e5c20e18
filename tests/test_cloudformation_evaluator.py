"""Intrinsic functions, conditions and parameters, evaluated on small templates."""
from __future__ import annotations

from iaclint.frontends.cloudformation.evaluator import NO_VALUE, Evaluator
from iaclint.model.resource import Reference
from iaclint.model.symbolic import cannot_be
from iaclint.model.unknown import ABSENT, Unknown, shape


def ev(template: dict, value, parameters=None):
    template.setdefault("Resources", {}).setdefault("Res", {"Type": "AWS::S3::Bucket"})
    return Evaluator(template, parameters=parameters).evaluate(value)


def test_sub_both_forms_and_literals():
    t = {"Parameters": {"P": {"Type": "String", "Default": "v"}}}
    assert ev(t, {"Fn::Sub": "${P}-${!Literal}-${ P }"}) == "v-${Literal}-v"
    assert ev(t, {"Fn::Sub": ["${A}/${P}", {"A": {"Fn::Join": ["", ["x", "y"]]}}]}) == "xy/v"
    u = ev(t, {"Fn::Sub": "${Res.Arn}/${AWS::Region}"})
    assert isinstance(u, Unknown) and u.refs == ("Res",) and u.reason == "attribute Arn of resource Res"


def test_no_value_removes_keys_and_list_items():
    t = {}
    out = ev(t, {"a": {"Ref": "AWS::NoValue"}, "b": [1, {"Ref": "AWS::NoValue"}, 2], "c": 3})
    assert out == {"b": [1, 2], "c": 3}
    assert ev(t, {"Ref": "AWS::NoValue"}) is NO_VALUE


def test_join_select_split_length_tojson_base64():
    t = {"Parameters": {"L": {"Type": "CommaDelimitedList", "Default": "a, b ,c"}}}
    assert ev(t, {"Fn::Join": ["+", {"Ref": "L"}]}) == "a+b+c"
    assert ev(t, {"Fn::Select": ["1", {"Ref": "L"}]}) == "b"
    assert ev(t, {"Fn::Split": ["|", "x|y"]}) == ["x", "y"]
    assert ev(t, {"Fn::Length": {"Ref": "L"}}) == 3
    assert ev(t, {"Fn::ToJsonString": {"k": [True, None]}}) == '{"k":[true,null]}'
    assert ev(t, {"Fn::Base64": "hi"}) == "aGk="
    assert isinstance(ev(t, {"Fn::Select": [9, {"Ref": "L"}]}), Unknown)


def test_unknown_propagates_with_reason_and_refs():
    t = {"Parameters": {"N": {"Type": "String"}}}
    u = ev(t, {"Fn::Join": ["-", [{"Ref": "N"}, {"Fn::GetAtt": ["Res", "Arn"]}]]})
    assert isinstance(u, Unknown)
    assert u.reason == "parameter N has no default" and u.refs == ("Res",)
    assert isinstance(ev(t, {"Fn::Base64": {"Ref": "N"}}), Unknown)


def test_to_json_string_of_a_document_with_unknown_leaves_keeps_its_shape():
    # As `!Sub '[{"AllowFromPublic": true, ...${Name}...}]'` does: the literal members stay readable.
    from iaclint.model.documents import decode

    t = {"Parameters": {"Name": {"Type": "String"}, "Public": {"Type": "String"}}}
    u = ev(t, {"Fn::ToJsonString": [{"Rules": [{"Resource": [{"Fn::Sub": "collection/${Name}"}], "N": 1.5}],
                                      "AllowFromPublic": True, "Tag": "say \"hi\"", "Open": {"Ref": "Public"},
                                      "Role": {"Fn::GetAtt": ["Res", "Arn"]}}]})
    assert isinstance(u, Unknown) and u.reason == "parameter Name has no default" and u.refs == ("Res",)
    document = decode(u)
    assert document[0]["AllowFromPublic"] is True and document[0]["Tag"] == 'say "hi"'
    assert document[0]["Rules"][0]["N"] == 1.5
    resource = document[0]["Rules"][0]["Resource"][0]
    assert isinstance(resource, Unknown) and resource.parts[0] == "collection/"
    assert cannot_be(resource, "*") is True
    assert isinstance(document[0]["Open"], Unknown) and document[0]["Open"].reason == "parameter Public has no default"
    assert isinstance(document[0]["Role"], Unknown) and document[0]["Role"].refs == ("Res",)
    assert isinstance(ev(t, {"Fn::Base64": {"Fn::ToJsonString": {"k": {"Ref": "Name"}}}}), Unknown)
    joined = ev(t, {"Fn::Join": ["", ["x", {"Fn::ToJsonString": {"k": {"Ref": "Name"}}}]]})
    assert isinstance(joined, Unknown) and "Name" not in "".join(p for p in joined.parts if isinstance(p, str))


def test_find_in_map_with_ref_keys():
    t = {"Parameters": {"Env": {"Type": "String", "Default": "prod"}},
         "Mappings": {"M": {"prod": {"Size": 3, "Zones": ["a"]}}}}
    assert ev(t, {"Fn::FindInMap": ["M", {"Ref": "Env"}, "Size"]}) == 3
    first = ev(t, {"Fn::FindInMap": ["M", "prod", "Zones"]})
    first.append("mutated")
    assert ev(t, {"Fn::FindInMap": ["M", "prod", "Zones"]}) == ["a"]  # mappings are copied


def test_parameter_types_and_overrides():
    t = {"Parameters": {"N": {"Type": "Number", "Default": "5"},
                        "F": {"Type": "Number", "Default": 2.5},
                        "S": {"Type": "String", "Default": True},
                        "L": {"Type": "List<Number>", "Default": "1,2"},
                        "Plain": {"Type": "String"}}}
    assert ev(t, [{"Ref": "N"}, {"Ref": "F"}, {"Ref": "S"}, {"Ref": "L"}]) == [5, 2.5, "true", [1, 2]]
    over = {"N": "9", "Plain": "given", "L": "3"}
    assert ev(t, [{"Ref": "N"}, {"Ref": "Plain"}, {"Ref": "L"}], over) == [9, "given", [3]]


def test_pseudo_parameters_and_undefined_names():
    t = {}
    for name in ("AWS::Region", "AWS::AccountId", "AWS::Partition", "AWS::StackName", "AWS::URLSuffix",
                 "AWS::StackId", "AWS::NotificationARNs"):
        u = ev(t, {"Ref": name})
        assert isinstance(u, Unknown) and u.reason == f"pseudo parameter {name}"
    assert ev(t, {"Ref": "Nope"}).reason == "undefined name Nope"
    assert ev(t, {"Fn::GetAtt": ["Nope", "Arn"]}).reason == "undefined resource Nope"
    assert ev(t, {"Fn::GetAZs": ""}).reason == "Fn::GetAZs depends on the deployment region"


def test_conditions_three_valued_and_cycles():
    t = {"Parameters": {"E": {"Type": "String", "Default": "dev"}, "U": {"Type": "String"}},
         "Conditions": {
             "Dev": {"Fn::Equals": [{"Ref": "E"}, "dev"]},
             "Unk": {"Fn::Equals": [{"Ref": "U"}, "x"]},
             "OrTrue": {"Fn::Or": [{"Condition": "Unk"}, {"Condition": "Dev"}]},
             "AndFalse": {"Fn::And": [{"Condition": "Unk"}, {"Fn::Not": [{"Condition": "Dev"}]}]},
             "AndUnk": {"Fn::And": [{"Condition": "Unk"}, {"Condition": "Dev"}]},
             "Self": {"Fn::Not": [{"Condition": "Self"}]},
             "NumEq": {"Fn::Equals": [1, "1"]},
             "BoolEq": {"Fn::Equals": [True, "true"]},
         }}
    e = Evaluator(t)
    assert e.condition("Dev") is True
    assert e.condition("OrTrue") is True
    assert e.condition("AndFalse") is False
    assert isinstance(e.condition("AndUnk"), Unknown)
    assert "refers to itself" in e.condition("Self").reason
    assert e.condition("NumEq") is True and e.condition("BoolEq") is True
    assert e.condition("Missing").reason == "undefined condition Missing"


def test_long_condition_chain_is_unknown_not_recursion_error():
    conditions = {f"C{i}": {"Condition": f"C{i + 1}"} for i in range(2000)}
    conditions["C2000"] = {"Fn::Equals": ["a", "a"]}
    result = Evaluator({"Conditions": conditions}).condition("C0")
    assert isinstance(result, Unknown)


def test_deep_value_nesting_is_unknown_not_recursion_error():
    value: object = "x"
    for _ in range(3000):
        value = {"Fn::Base64": value}
    assert isinstance(ev({}, value), Unknown)


def test_resource_condition_spans_and_references():
    template = {
        "Conditions": {"Off": {"Fn::Equals": ["a", "b"]}},
        "Resources": {
            "Gone": {"Type": "AWS::S3::Bucket", "Condition": "Off"},
            "Role": {"Type": "AWS::IAM::Role"},
            "Nb": {"Type": "X", "Properties": {
                "RoleArn": {"Fn::GetAtt": "Role.Arn"},
                "Name": {"Fn::Sub": "${Role}-${Gone.Arn}"},
                "Maybe": {"Fn::If": ["Unknown", {"Ref": "Role"}, "x"]},
            }},
        },
    }
    e = Evaluator(template, spans={("Resources", "Nb", "Properties", "RoleArn"): (4, 5, 4, 30)}, file="t.yaml")
    assert e.resource("Gone", template["Resources"]["Gone"], ("Resources", "Gone")) is None
    props, spans, refs = e.resource("Nb", template["Resources"]["Nb"], ("Resources", "Nb"))
    assert spans == {("RoleArn",): (4, 5, 4, 30)}
    assert props["RoleArn"].span.line == 4 and props["RoleArn"].span.file == "t.yaml"
    assert refs == [Reference(("RoleArn",), "Role", "Arn"), Reference(("Name",), "Role", ""),
                    Reference(("Name",), "Gone", "Arn"), Reference(("Maybe",), "Role", "")]
    assert props["Maybe"].refs == ("Role",)


def test_condition_key_inside_properties_is_data():
    # IAM statements have a `Condition` key: only Fn::And/Or/Not treat it as an intrinsic
    out = ev({}, {"Condition": "Anything"})
    assert out == {"Condition": "Anything"}


def test_malformed_functions_are_unknown():
    for value in ({"Fn::If": ["C", 1]}, {"Fn::Join": "x"}, {"Fn::Select": [0]}, {"Fn::Sub": 3},
                  {"Fn::FindInMap": ["M"]}, {"Fn::GetAtt": 5}, {"Ref": ["x"]}, {"Fn::Split": ["", "a"]}):
        assert isinstance(ev({}, value), Unknown), value


# --- what is known about unknowns: alternatives, shapes, patterns --------------------------

def test_undecidable_if_keeps_both_branches():
    t = {"Parameters": {"U": {"Type": "String"}},
         "Conditions": {"C": {"Fn::Equals": [{"Ref": "U"}, "x"]}}}
    u = ev(t, {"Fn::If": ["C", "a", {"Ref": "AWS::NoValue"}]})
    assert isinstance(u, Unknown) and u.alternatives == ("a", ABSENT)
    assert u.reason == "condition C is unknown: parameter U has no default"
    nested = ev(t, {"Fn::If": ["C", {"k": {"Fn::GetAtt": ["Res", "Arn"]}}, {"Fn::If": ["C", 1, 2]}]})
    first, *others = nested.alternatives  # a choice of choices is one choice
    assert first["k"].refs == ("Res",) and nested.refs == ("Res",)
    assert others == [1, 2]
    assert ev(t, {"Fn::If": ["C", "same", "same"]}) == "same"  # both branches agree: the value


def test_allowed_values_without_default_are_the_alternatives():
    t = {"Parameters": {"Env": {"Type": "String", "AllowedValues": ["dev", "prod"]},
                        "N": {"Type": "Number", "AllowedValues": [1, "2"]},
                        "D": {"Type": "String", "AllowedValues": ["dev", "prod"], "Default": "dev"}},
         "Conditions": {"Staging": {"Fn::Equals": [{"Ref": "Env"}, "staging"]},
                        "Prod": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                        "Small": {"Fn::Not": [{"Fn::Equals": [{"Ref": "N"}, 3]}]}}}
    assert ev(t, {"Ref": "Env"}).alternatives == ("dev", "prod")
    assert ev(t, {"Ref": "N"}).alternatives == (1, 2)
    assert ev(t, {"Ref": "D"}) == "dev"  # a default is the value
    e = Evaluator(t)
    assert e.condition("Staging") is False  # no allowed value is "staging"
    assert e.condition("Small") is True
    assert isinstance(e.condition("Prod"), Unknown)
    assert ev(t, {"Ref": "Env"}, {"Env": "prod"}) == "prod"  # an override is the value


def test_find_in_map_over_alternatives():
    t = {"Parameters": {"Env": {"Type": "String", "AllowedValues": ["dev", "prod"]}},
         "Mappings": {"M": {"dev": {"Internet": "Enabled", "Root": "Disabled"},
                            "prod": {"Internet": "Disabled", "Root": "Disabled"}}}}
    assert ev(t, {"Fn::FindInMap": ["M", {"Ref": "Env"}, "Internet"]}).alternatives == ("Enabled", "Disabled")
    assert ev(t, {"Fn::FindInMap": ["M", {"Ref": "Env"}, "Root"]}) == "Disabled"  # the same everywhere
    missing = ev(t, {"Fn::FindInMap": ["M", {"Ref": "Env"}, "Other"]})
    assert missing.alternatives is None and missing.reason == "parameter Env has no default"


def test_pseudo_parameters_have_shapes():
    t = {"Parameters": {"Name": {"Type": "String", "Default": "models"}}}
    account = ev(t, {"Ref": "AWS::AccountId"})
    assert account.pattern == "[0-9]{12}" and cannot_be(account, "*") and not cannot_be(account, "123456789012")
    arn = ev(t, {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Name}/${Res}/*"})
    assert shape(arn) == "arn:${AWS::Partition}:s3:::models/${Res}/*"
    assert arn.refs == ("Res",) and arn.reason == "pseudo parameter AWS::Partition"
    assert cannot_be(arn, "*") and not cannot_be(arn, "arn:aws-us-gov:s3:::models/b/*")
    assert cannot_be(arn, "arn:aws:s3:::other/b/*")
    join = ev(t, {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/Admin"]]})
    assert shape(join) == "arn:${AWS::Partition}:iam::aws:policy/Admin"
    assert ev(t, {"Fn::Sub": "${AWS::AccountId}"}).pattern == "[0-9]{12}"  # a lone hole keeps its pattern
    assert ev(t, {"Fn::Select": [0, {"Fn::GetAZs": ""}]}).pattern == "[a-z0-9-]+"
    assert ev(t, {"Ref": "AWS::NotificationARNs"}).pattern is None
    e = Evaluator({"Conditions": {"NoAccount": {"Fn::Equals": [{"Ref": "AWS::AccountId"}, "none"]},
                                  "East": {"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}}})
    assert e.condition("NoAccount") is False and isinstance(e.condition("East"), Unknown)


def test_properties_if_is_distributed_over_the_properties():
    template = {"Parameters": {"U": {"Type": "String"}},
                "Conditions": {"C": {"Fn::Equals": [{"Ref": "U"}, "x"]}},
                "Resources": {"Nb": {"Type": "AWS::SageMaker::NotebookInstance", "Properties": {
                    "Fn::If": ["C", {"DirectInternetAccess": "Disabled", "RootAccess": "Disabled"},
                               {"DirectInternetAccess": "Enabled"}]}}}}
    props, _, _ = Evaluator(template).resource("Nb", template["Resources"]["Nb"], ("Resources", "Nb"))
    assert props["DirectInternetAccess"].alternatives == ("Disabled", "Enabled")
    assert props["RootAccess"].alternatives == ("Disabled", ABSENT)


def test_the_shape_of_a_sub_with_many_holes_is_matched_in_linear_time():
    """`!Equals` between a `!Sub` of 40 unknown attributes joined by `x` and a long run of
    `x`: the shape `.*x.*x...` takes a backtracking engine exponential time; RE2 answers at
    once that the values may be equal (the condition stays undecided)."""
    from bounded import cloudformation_properties

    holes = "x".join("${R.Arn}" for _ in range(40))
    got = cloudformation_properties(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        f"Conditions:\n  C: !Equals [!Sub '{holes}', '{'x' * 200}y']\n"
        "Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !If [C, a, b]\n")
    assert got == {"BucketName": {"unknown": "condition C is unknown: attribute Arn of resource R"}}


# --- sizes: estimated before the value is built ----------------------------------------------

_TOO_LARGE = "` is not evaluated: the result would hold about {:,} characters and items, over the limit of 5,000,000 " \
             "for one value"
_OVER_LIMIT = "` is not evaluated: the result would be larger than the limit of 5,000,000 characters and items for one " \
              "value"


def _expr(name: str, arg) -> str:
    """How a message shows a function: its argument as compact JSON, cut at 60 characters."""
    import json

    text = json.dumps(arg, separators=(",", ":"))
    return f"{name} {text[:60]}..." if len(text) > 60 else f"{name} {text}"


def test_results_too_large_are_unknown_before_they_are_built():
    """Each attack asks for gigabytes from a template of a few megabytes (YAML aliases
    repeat one long string without copying it): each is refused from its arguments'
    sizes, in a child process whose memory is capped at 1 GB."""
    from bounded import cloudformation_properties

    aliases = ", ".join(["*s"] * 1000)
    got = cloudformation_properties(
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        f"Parameters:\n  P:\n    Type: String\n    Default: {'a' * 100_000}\n"
        f"  Q:\n    Type: String\n    Default: {'b' * 1_000_000}\n"
        f"Mappings:\n  M:\n    K:\n      S: &s {'c' * 10_000}\n      L: [{aliases}]\n"
        "Resources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n"
        f"      Sub: !Sub '{'${P}' * 1000}'\n"
        f"      Join: !Join ['', [{aliases}]]\n"
        f"      Json: !ToJsonString [{aliases}]\n"
        "      Base64: !Base64 {Ref: Q}\n"
        "      Split: !Split [b, !Join ['', [!Ref Q, !Ref Q, !Ref Q]]]\n"
        "      Copies: !Join ['', [!FindInMap [M, K, L], !FindInMap [M, K, L]]]\n"
        f"      List: [{aliases}]\n")
    assert got == {
        "Sub": {"unknown": "`" + _expr("Fn::Sub", "${P}" * 1000) + _TOO_LARGE.format(100_000_000)},
        "Join": {"unknown": "`" + _expr("Fn::Join", ["", ["c" * 10_000]]) + _TOO_LARGE.format(10_000_000)},
        "Json": {"unknown": "`" + _expr("Fn::ToJsonString", ["c" * 10_000]) + _OVER_LIMIT},
        "Base64": {"unknown": '`Fn::Base64 {"Ref":"Q"}' + _TOO_LARGE.format(6 * 1_000_000 + 6)},
        "Split": {"unknown": "`" + _expr("Fn::Split", ["b", {"Fn::Join": ["", [{"Ref": "Q"}] * 3]}])
                             + _TOO_LARGE.format(2 * 3_000_000 + 2)},
        "Copies": {"unknown": '`Fn::FindInMap ["M","K","L"]' + _OVER_LIMIT},
        "List": {"unknown": "`List" + _OVER_LIMIT},
    }
