"""The parts of the AWS SAM transform (`Transform: AWS::Serverless-2016-10-31`) that
decide what a serverless AI workload may do.

- `Globals` merge into every `AWS::Serverless::*` resource of their section the way SAM
  merges them: a scalar (or an intrinsic function) written on the resource wins, mappings
  merge key by key, lists are the global items followed by the resource's.
- An `AWS::Serverless::Function` (or `StateMachine`) without a `Role` gets the role SAM
  creates for it, `<LogicalId>Role` (`AWS::IAM::Role`), and the function's `Role` refers
  to it. Its `Policies` become that role's policies, as SAM translates them:
  inline documents (`- Statement: [...]`) and SAM policy templates (`- S3CrudPolicy:
  {BucketName: ...}`, see `sam_policies`) are inline policies named
  `<LogicalId>RolePolicy<index>`; managed policy names and ARNs go to
  `ManagedPolicyArns`, next to the basic execution role SAM always attaches (and X-Ray or
  VPC access when `Tracing` or `VpcConfig` ask for it). A template iaclint does not know
  is an Unknown document, never a guess.

Nothing is invented about placement: every generated value keeps the span of the entry it
comes from (the `Policies` item, the `Globals` key), so an IAM finding on the implicit
role lands on the line of the function's `Policies` entry that grants it.

Event sources, API Gateway, aliases and the other resources SAM generates are not
modelled: their absence can only hide a finding, never invent one.
"""
from __future__ import annotations

from typing import Any

from iaclint.frontends.cloudformation.sam_policies import (
    MANAGED_POLICY_PATHS,
    TEMPLATES,
)
from iaclint.model.unknown import Unknown

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
GLOBALS_SECTIONS = {
    "AWS::Serverless::Function": "Function",
    "AWS::Serverless::Api": "Api",
    "AWS::Serverless::HttpApi": "HttpApi",
    "AWS::Serverless::SimpleTable": "SimpleTable",
    "AWS::Serverless::StateMachine": "StateMachine",
    "AWS::Serverless::LayerVersion": "LayerVersion",
}
ROLE_TYPES = {
    "AWS::Serverless::Function": "lambda.amazonaws.com",
    "AWS::Serverless::StateMachine": "states.amazonaws.com",
}
SYNTHETIC = "$sam"  # document-path segment of values the transform wrote

_PRIMITIVE, _DICT, _LIST = "primitive", "dict", "list"


def is_sam(template: dict) -> bool:
    transform = template.get("Transform")
    if isinstance(transform, str):
        return transform == SAM_TRANSFORM
    return isinstance(transform, list) and SAM_TRANSFORM in transform


def _is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and (
        next(iter(value)) == "Ref" or next(iter(value)).startswith("Fn::"))


def _token(value: Any) -> str:
    if isinstance(value, dict) and not _is_intrinsic(value):
        return _DICT
    if isinstance(value, list):
        return _LIST
    return _PRIMITIVE


def _arn_of_managed(name: str) -> Any:
    """What SAM writes in `ManagedPolicyArns` for a `Policies` string: an ARN as given, a
    managed policy name as its ARN in the deployment's partition."""
    if name.startswith("arn:"):
        return name
    return {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/" + MANAGED_POLICY_PATHS.get(name, "") + name}


class SamTransform:
    """Expands one SAM template; writes the spans of generated paths into `spans`."""

    def __init__(self, template: dict, spans: dict):
        self.template = template
        self.spans = spans
        globals_ = template.get("Globals")
        self.globals = globals_ if isinstance(globals_, dict) else {}
        resources = template.get("Resources")
        self.resources = resources if isinstance(resources, dict) else {}
        self._by_prefix: dict = {}
        for path in spans:
            if len(path) >= 2:
                self._by_prefix.setdefault(path[:2], []).append(path)
        self.roles: dict[str, str] = {}  # function logical id -> implicit role logical id
        for logical_id, body in self.resources.items():
            if not isinstance(body, dict) or body.get("Type") not in ROLE_TYPES:
                continue
            props = body.get("Properties")
            props = props if isinstance(props, dict) else {}
            section = self.globals.get(GLOBALS_SECTIONS[body["Type"]])
            has_role = "Role" in props or (isinstance(section, dict) and "Role" in section)
            role_id = logical_id + "Role"
            if not has_role and role_id not in self.resources:
                self.roles[logical_id] = role_id

    def implicit_resources(self) -> dict:
        """Logical ids the transform adds, for `Ref`/`Fn::GetAtt` resolution."""
        return {role_id: {"Type": "AWS::IAM::Role"} for role_id in self.roles.values()}

    # --- spans ---------------------------------------------------------------------------

    def _copy(self, origin: tuple, dest: tuple, subtree: bool = True) -> None:
        """Give `dest` (and everything below it) the spans written at `origin`."""
        span = self.spans.get(origin)
        if span is not None:
            self._set(dest, span)
        if not subtree:
            return
        n = len(origin)
        for path in list(self._by_prefix.get(origin[:2], ())):
            if len(path) > n and path[:n] == origin:
                self._set(dest + path[n:], self.spans[path])

    def _set(self, path: tuple, span: tuple) -> None:
        if path not in self.spans:
            self._by_prefix.setdefault(path[:2], []).append(path)
        self.spans[path] = span

    # --- Globals -------------------------------------------------------------------------

    def resource_body(self, logical_id: str, body: dict, path: tuple) -> tuple[dict, tuple]:
        """`body` with its Globals merged in, and the document path to evaluate it at."""
        rtype = body.get("Type")
        section_name = GLOBALS_SECTIONS.get(rtype)
        section = self.globals.get(section_name) if section_name else None
        role_id = self.roles.get(logical_id)
        if not isinstance(section, dict) and role_id is None:
            return body, path
        props = body.get("Properties")
        props = props if isinstance(props, dict) else {}
        new_path = path + (SYNTHETIC,)
        self._copy(path, new_path, subtree=False)
        self._copy(path + ("Properties",), new_path + ("Properties",), subtree=False)
        if isinstance(section, dict):
            merged = self._merge(section, ("Globals", section_name), props, path + ("Properties",),
                                 new_path + ("Properties",))
        else:
            merged = props
            self._copy(path + ("Properties",), new_path + ("Properties",))
        if role_id is not None:
            merged = dict(merged)
            merged["Role"] = {"Fn::GetAtt": [role_id, "Arn"]}
        return {**body, "Properties": merged}, new_path

    def _merge(self, g: Any, gpath: tuple, local: Any, lpath: tuple, mpath: tuple) -> Any:
        tg, tl = _token(g), _token(local)
        if tg != tl or tg == _PRIMITIVE:
            self._copy(lpath, mpath)
            return local
        if tg == _LIST:
            for i in range(len(g)):
                self._copy(gpath + (i,), mpath + (i,))
            for i in range(len(local)):
                self._copy(lpath + (i,), mpath + (len(g) + i,))
            self._copy(lpath, mpath, subtree=False)
            return list(g) + list(local)
        out: dict = {}
        self._copy(lpath, mpath, subtree=False)
        for key, value in g.items():
            if key in local:
                out[key] = self._merge(value, gpath + (key,), local[key], lpath + (key,), mpath + (key,))
            else:
                self._copy(gpath + (key,), mpath + (key,))
                out[key] = value
        for key, value in local.items():
            if key not in g:
                self._copy(lpath + (key,), mpath + (key,))
                out[key] = value
        return out

    # --- the implicit role ---------------------------------------------------------------

    def implicit_role(self, logical_id: str, body: dict, path: tuple):
        """(role logical id, role body, document path, unknown documents) for a function
        evaluated at `path` (its merged body), or None when it names its own role.
        `unknown documents` maps an index of the role's `Policies` to an Unknown."""
        role_id = self.roles.get(logical_id)
        if role_id is None:
            return None
        props = body.get("Properties")
        props = props if isinstance(props, dict) else {}
        ppath = path + ("Properties",)
        rpath = ("Resources", role_id, SYNTHETIC)
        rprops = rpath + ("Properties",)
        self._copy(path, rpath, subtree=False)
        self._copy(ppath, rprops, subtree=False)

        rtype = body.get("Type")
        trust = props.get("AssumeRolePolicyDocument")
        if trust is not None:
            self._copy(ppath + ("AssumeRolePolicyDocument",), rprops + ("AssumeRolePolicyDocument",))
        else:
            trust = {"Version": "2012-10-17", "Statement": [{
                "Action": ["sts:AssumeRole"], "Effect": "Allow", "Principal": {"Service": [ROLE_TYPES[rtype]]}}]}
        managed: list = []
        if rtype == "AWS::Serverless::Function":
            managed.append(_arn_of_managed("AWSLambdaBasicExecutionRole"))
            if props.get("Tracing"):
                managed.append(_arn_of_managed("AWSXrayWriteOnlyAccess"))
            if props.get("VpcConfig"):
                managed.append(_arn_of_managed("AWSLambdaVPCAccessExecutionRole"))
        inline: list = []
        unknown: dict = {}
        entries = props.get("Policies")
        epath = ppath + ("Policies",)
        if entries is not None and not isinstance(entries, list):
            entries = [entries]
            self._copy(epath, epath + (0,))
        for index, entry in enumerate(entries or ()):
            origin = epath + (index,)
            name = f"{role_id}Policy{index}"
            kind, value = self._entry(entry, name)
            if kind == "managed":
                if value in managed:
                    continue  # SAM de-duplicates (AWSLambdaBasicExecutionRole is always there)
                self._copy(origin, rprops + ("ManagedPolicyArns", len(managed)))
                managed.append(value)
            elif kind == "document":
                dest = rprops + ("Policies", len(inline))
                self._copy(origin, dest, subtree=False)
                self._copy(origin, dest + ("PolicyDocument",))
                inline.append({"PolicyName": name, "PolicyDocument": value})
            elif kind == "conditional":
                dest = rprops + ("Policies", len(inline))
                self._copy(origin, dest, subtree=False)
                self._copy(origin + ("Fn::If",), dest + ("Fn::If",), subtree=False)
                for branch in (1, 2):
                    self._copy(origin + ("Fn::If", branch), dest + ("Fn::If", branch, "PolicyDocument"))
                inline.append(value)
            else:  # a template, known or not: the document is generated, its span is the entry's
                dest = rprops + ("Policies", len(inline))
                self._copy(origin, dest, subtree=False)
                self._copy(origin, dest + ("PolicyDocument",), subtree=False)
                if kind == "unknown":
                    unknown[len(inline)] = value
                    value = {}
                inline.append({"PolicyName": name, "PolicyDocument": value})
        role: dict = {"AssumeRolePolicyDocument": trust}
        if managed:
            role["ManagedPolicyArns"] = managed
            if "Policies" in props:
                self._copy(epath, rprops + ("ManagedPolicyArns",), subtree=False)
        if inline:
            role["Policies"] = inline
            if "Policies" in props:
                self._copy(epath, rprops + ("Policies",), subtree=False)
        for source, target in (("PermissionsBoundary", "PermissionsBoundary"), ("RolePath", "Path")):
            if source in props:
                role[target] = props[source]
                self._copy(ppath + (source,), rprops + (target,))
        role_body: dict = {"Type": "AWS::IAM::Role", "Properties": role}
        if "Condition" in body:
            role_body["Condition"] = body["Condition"]
        return role_id, role_body, rpath, unknown

    def _entry(self, entry: Any, name: str) -> tuple[str, Any]:
        """Classify one `Policies` item as SAM does: ("managed", arn), ("document", doc),
        ("template", doc), ("conditional", Fn::If of policies) or ("unknown", Unknown)."""
        if isinstance(entry, str):
            return "managed", _arn_of_managed(entry)
        if not isinstance(entry, dict):
            return "unknown", Unknown(repr(entry)[:60], "a Policies entry that is neither a policy nor a name")
        if "Statement" in entry:
            return "document", entry
        if len(entry) == 1:
            key, arg = next(iter(entry.items()))
            if key == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
                branches = [b for b in arg[1:] if not (isinstance(b, dict) and b.get("Ref") == "AWS::NoValue")]
                if branches and all(isinstance(b, dict) and not _is_intrinsic(b) for b in branches):
                    converted = [arg[0]]
                    for b in arg[1:]:
                        if b in branches:
                            kind, doc = self._entry(b, name)
                            if kind not in ("document", "template"):
                                return "unknown", Unknown(f"!If {arg[0]}", "a conditional SAM policy of an "
                                                                           "unsupported form")
                            converted.append({"PolicyName": name, "PolicyDocument": doc})
                        else:
                            converted.append(b)
                    return "conditional", {"Fn::If": converted}
                converted = [arg[0]] + [_arn_of_managed(b) if isinstance(b, str) else b for b in arg[1:]]
                return "managed", {"Fn::If": converted}
            if _is_intrinsic(entry):
                return "managed", entry
            if key in TEMPLATES:
                return self._template(key, arg)
            return "unknown", Unknown(f"SAM policy template {key}",
                                      f"SAM policy template {key} is not known to iaclint")
        return "unknown", Unknown("Policies entry", "a Policies entry that is not a policy document")

    def _template(self, name: str, values: Any) -> tuple[str, Any]:
        parameters, statements = TEMPLATES[name]
        if values is None:
            values = {}
        if not isinstance(values, dict):
            return "unknown", Unknown(f"SAM policy template {name}", f"parameters of {name} are not a mapping")
        missing = [p for p in parameters if p not in values]
        if missing:
            return "unknown", Unknown(f"SAM policy template {name}",
                                      f"SAM policy template {name} is missing parameter {missing[0]}")
        return "template", {"Statement": _substitute(statements, {p: values[p] for p in parameters})}


def _substitute(value: Any, params: dict) -> Any:
    """The template definition with `{"Ref": <parameter>}` replaced by the given values."""
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("Ref"), str) and value["Ref"] in params:
            return params[value["Ref"]]
        return {k: _substitute(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, params) for v in value]
    return value
