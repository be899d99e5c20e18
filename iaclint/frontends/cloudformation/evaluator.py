"""Resolve CloudFormation intrinsic functions as far as the template itself allows.

Parameters resolve to their defaults (or `--parameter` overrides), `Mappings` and
`Conditions` are read from the template, and string functions run. Whatever depends on
the deployment — resource attributes, pseudo parameters, imports, SSM parameters — is an
`Unknown` carrying the reason and the resources it names, never a guess.

What is known about an Unknown is kept on it (see `iaclint.model.unknown`):

- `Fn::If` on a condition that cannot be decided is the choice of both branches
  (`ABSENT` for `AWS::NoValue`); a parameter without a default whose `AllowedValues` lists
  what it can be is a choice too. `Fn::Equals` and `Fn::FindInMap` decide over the
  alternatives when every combination gives the same answer.
- Parameters, pseudo parameters and resource attributes keep their identity (a `symbol`):
  `!Ref CollectionName` is equal to itself wherever it is written, so a `!Sub` document
  that names `collection/${CollectionName}` names the collection whose `Name` is that
  `!Ref`. Pseudo parameters have shapes: `!Ref AWS::AccountId` is twelve digits,
  `AWS::Partition` starts with `aws`, and so on (wide patterns every real value matches).
  `Fn::Sub` and `Fn::Join` over unknown pieces are partially known strings, so
  `!Sub arn:${AWS::Partition}:s3:::${Bucket}/*` keeps its shape: a policy can tell that
  it is an S3 ARN and never `*`, while its value stays unknown. The rules are the value
  domain's (`iaclint.model.symbolic`), the same as Terraform's.

While it walks a resource's `Properties`, the evaluator records a span for every output
path at the place where the value was written (a `!Ref` resolved to a parameter default
keeps the span of the property that holds the `!Ref`), and a `Reference` for every
`Ref`/`Fn::GetAtt`/`Fn::Sub` to another resource, at the property path where it occurs.

Conditions and `Fn::If` are decided in `iaclint.frontends.cloudformation.conditions`, the
list, string and mapping functions run in `iaclint.frontends.cloudformation.functions`
(both parts of `Evaluator`), and the plain-data rules (alternatives, text and number forms, shapes) live
in `iaclint.frontends.cloudformation.values`.

A template's evaluation has one `Budget` (`iaclint.model.sizes`): `Fn::Sub`, `Fn::Join`,
`Fn::Split`, `Fn::Base64`, `Fn::ToJsonString` and `Fn::FindInMap` estimate their result's
size before they build it, a value larger than the limit is an Unknown naming the
function, and what is built, copied or walked (each resource's properties, which the
policies read) is charged: a `!Sub` repeating a long parameter, or a `!Join` over 100,000
YAML aliases of one long string, ends as an Unknown, not as gigabytes.
"""
from __future__ import annotations

from typing import Any

from iaclint.frontends.cloudformation.conditions import Conditions
from iaclint.frontends.cloudformation.functions import Functions
from iaclint.frontends.cloudformation.values import (
    MAX_DEPTH,
    allowed_values,
    convert_parameter,
    expr_text,
    sub_text,
)
from iaclint.model import linear_regex, symbolic
from iaclint.model.resource import Reference, Span
from iaclint.model.sizes import MAX_VALUE_SIZE, Budget, OverBudget, TooLarge
from iaclint.model.unknown import ABSENT, Unknown, collect_refs

NO_VALUE = ABSENT  # `AWS::NoValue`: the key or list item is removed

# Shapes of the pseudo parameters: wide enough for every partition and region AWS has or
# may add, so they only ever prove what a value cannot be.
PSEUDO_PATTERNS = {
    "AWS::AccountId": r"[0-9]{12}",
    "AWS::Region": r"[a-z0-9-]+",
    "AWS::Partition": r"aws[a-z0-9-]*",
    "AWS::URLSuffix": r"[a-z0-9.-]+",
    "AWS::StackName": r"[A-Za-z][A-Za-z0-9-]*",
    "AWS::StackId": r"arn:\S+",
}

_SUB_VAR = linear_regex.Program(r"\$\{([^}]*)\}")  # RE2: `${${${...` is quadratic in re
_DEPLOY_TIME = {
    "Fn::ImportValue": "Fn::ImportValue is resolved from another stack at deploy time",
    "Fn::GetAZs": "Fn::GetAZs depends on the deployment region",
    "Fn::Cidr": "Fn::Cidr is not evaluated",
    "Fn::Transform": "Fn::Transform runs a macro at deploy time",
    "Fn::ForEach": "Fn::ForEach is not expanded",
}


class Parameters(dict):
    """Parameter values with `sources`: where each was set (`set in prod-config.json`),
    for the origin a finding's message names."""

    sources: dict = {}


class Evaluator(Conditions, Functions):
    """Evaluates values of one template; `resource()` gives one resource's properties."""

    def __init__(self, template: dict, spans: dict | None = None, file: str = "",
                 parameters: dict | None = None, prefix: str = ""):
        self.file = file
        # A nested stack's resources are addressed `Stack.Resource` in its parent's unit
        # (`iaclint.frontends.cloudformation.nested`): references name them so.
        self.prefix = prefix
        self.nested = None  # NestedStacks: the outputs of this template's local nested stacks
        self.set_by = "--parameter"  # who set the parameter overrides, for messages
        self.doc_spans = spans or {}
        params = template.get("Parameters")
        self.params = params if isinstance(params, dict) else {}
        mappings = template.get("Mappings")
        self.mappings = mappings if isinstance(mappings, dict) else {}
        conditions = template.get("Conditions")
        self.conditions = conditions if isinstance(conditions, dict) else {}
        resources = template.get("Resources")
        self.resources = resources if isinstance(resources, dict) else {}
        self.overrides = dict(parameters or {})
        self.sources = dict(getattr(parameters, "sources", {}))  # name -> where an override was set
        self._param_cache: dict = {}
        self._cond_cache: dict = {}
        self._cond_active: list = []
        self._spans: dict | None = None
        self._refs: list = []
        self._ref_keys: set = set()
        self.budget = Budget(unit="template")

    # --- public -------------------------------------------------------------------------

    def resource(self, logical_id: str, body: dict, wpath: tuple = ()):
        """(properties, spans, references) of a resource, or None when its Condition is false.

        `wpath` is the resource's document path, e.g. ("Resources", logical_id).
        """
        if not self.condition_holds(body):
            return None
        self._spans = {}
        self._refs = []
        self._ref_keys = set()
        self.last_origins = {}  # property path -> where a parameter-driven value was set
        props = body.get("Properties")
        try:
            value: Any = {} if props is None else self._eval(props, wpath + ("Properties",), (), (), 0)
        except OverBudget as exc:  # the budget ran out between two functions: nothing is guessed
            value = {k: self._unknown(k, str(exc), wpath + ("Properties", k)) for k in props} \
                if isinstance(props, dict) else {}
        if isinstance(value, dict):
            value = {k: self._charged(v, wpath + ("Properties", k)) for k, v in value.items()}
        spans = self._spans
        self._spans = None
        whole = spans.pop((), None)
        if isinstance(value, Unknown) and value.alternatives is not None and all(
                a is NO_VALUE or isinstance(a, dict) for a in value.alternatives):
            # `Properties: !If [Cond, {...}, {...}]`: each property is one of the branches'.
            keys: list = []
            for a in value.alternatives:
                keys.extend(k for k in (a if isinstance(a, dict) else ()) if k not in keys)
            value = {k: value.replace(alternatives=tuple(a.get(k, NO_VALUE) if isinstance(a, dict) else NO_VALUE
                                                         for a in value.alternatives),
                                      refs=tuple(collect_refs([a.get(k) for a in value.alternatives
                                                               if isinstance(a, dict)])))
                     for k in keys}
            if whole is not None:
                for k in keys:
                    spans[(k,)] = whole
        if not isinstance(value, dict):
            value = {}
        return value, spans, self._refs

    def condition_holds(self, body: dict) -> bool:
        """Whether a resource may be created: False only when its Condition is false."""
        cond = body.get("Condition")
        try:
            return not (isinstance(cond, str) and self.condition(cond) is False)
        except OverBudget:
            return True  # the condition is not known: the resource is kept

    def evaluate(self, value: Any, wpath: tuple = ()) -> Any:
        """Evaluate any template value (no spans or references kept); NO_VALUE if removed."""
        try:
            return self._charged(self._eval(value, wpath, None, None, 0), wpath)
        except OverBudget as exc:
            return self._unknown("...", str(exc), wpath)

    def _charged(self, value: Any, wpath: tuple) -> Any:
        """`value`, charged by its size (the policies will read all of it); an Unknown past
        the value limit or the budget."""
        try:
            size = self.budget.walk(value)
        except OverBudget as exc:
            return self._unknown(wpath[-1] if wpath else "...", str(exc), wpath)
        if size > MAX_VALUE_SIZE:
            name = str(wpath[-1]) if wpath else "..."
            return self._unknown(name, f"`{name}` is not evaluated: {TooLarge()}", wpath)
        return value

    # --- walking ------------------------------------------------------------------------

    def _span(self, wpath: tuple):
        """The span of `wpath`, else of its nearest written ancestor."""
        while wpath:
            t = self.doc_spans.get(wpath)
            if t is not None:
                return Span(self.file, *t)
            wpath = wpath[:-1]
        return None

    def _unknown(self, expr: str, reason: str, wpath: tuple, refs=()) -> Unknown:
        return Unknown(expr, reason, self._span(wpath), tuple(refs))

    def _add_ref(self, rpath, target: str, attribute: str = "") -> None:
        self._add_address(rpath, self.prefix + target, attribute)

    def _add_address(self, rpath, address: str, attribute: str = "") -> None:
        """A reference to the resource at `address` (already the unit's: `Stack.Resource`)."""
        if rpath is None or self._spans is None:
            return
        key = (rpath, address, attribute)
        if key not in self._ref_keys:
            self._ref_keys.add(key)
            self._refs.append(Reference(rpath, address, attribute))

    def _eval(self, v: Any, wpath: tuple, epath, rpath, depth: int) -> Any:
        """`wpath`: where v is written; `epath`: output path to record spans at (None: none);
        `rpath`: property path that references are attributed to (None: none)."""
        if depth > MAX_DEPTH:
            return self._unknown("...", "value nested too deeply", wpath)
        added = False
        if epath is not None:
            spans = self._spans
            if spans is not None and epath not in spans:
                t = self.doc_spans.get(wpath)
                if t is not None:
                    spans[epath] = t
                    added = True
        t = type(v)
        if t is dict:
            if len(v) == 1:
                key = next(iter(v))
                if key == "Ref" or key.startswith("Fn::"):
                    out = self._fn(key, v[key], wpath + (key,), epath, rpath, depth + 1)
                    if out is NO_VALUE and added:
                        del self._spans[epath]
                    elif epath is not None and not isinstance(out, Unknown):
                        self._note_origin(key, v[key], epath)
                    return out
            self.budget.spend(len(v))
            result: Any = {}
            for key, item in v.items():
                child = epath + (key,) if epath is not None else None
                r = self._eval(item, wpath + (key,), child, child if child is not None else rpath, depth + 1)
                if r is not NO_VALUE:
                    result[key] = r
            return result
        if t is list:
            self.budget.spend(len(v))
            result = []
            for i, item in enumerate(v):
                child = epath + (len(result),) if epath is not None else None
                r = self._eval(item, wpath + (i,), child, child if child is not None else rpath, depth + 1)
                if r is not NO_VALUE:
                    result.append(r)
            return result
        return v

    def _note_origin(self, function: str, arg: Any, epath: tuple) -> None:
        """Where a value that a parameter decided was set, for the finding's message (the
        line is where the template uses it): `parameter Env (its Default)`, or the mapping
        entry a parameter selected."""
        origins = getattr(self, "last_origins", None)
        if origins is None:
            return
        if function == "Ref" and isinstance(arg, str) and arg in self.params:
            origins[epath] = self._parameter_origin(arg)
        elif function == "Fn::FindInMap" and isinstance(arg, list) and len(arg) >= 3:
            keys = [k["Ref"] for k in arg[1:3] if isinstance(k, dict) and isinstance(k.get("Ref"), str)
                    and k["Ref"] in self.params]
            if keys:
                origins[epath] = f"mapping {arg[0]} selected by " + ", ".join(self._parameter_origin(k) for k in keys)

    def _parameter_origin(self, name: str) -> str:
        source = self.sources.get(name) or (f"set by {self.set_by}" if name in self.overrides else "its Default")
        value = self._param_cache.get(name)
        shown = f" = {value}" if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""
        return f"parameter {name}{shown} ({source})"

    def _arg(self, v: Any, wpath: tuple, rpath, depth: int) -> Any:
        """A function argument: evaluated, but it is not an output path of its own."""
        return self._eval(v, wpath, None, rpath, depth + 1)

    def _fn(self, name: str, arg: Any, wpath: tuple, epath, rpath, depth: int) -> Any:
        """An intrinsic function; past the value limit or the budget, an Unknown naming it."""
        try:
            return self._function(name, arg, wpath, epath, rpath, depth)
        except TooLarge as exc:
            return self._unknown(expr_text(name, arg), f"`{expr_text(name, arg, 60)}` is not evaluated: {exc}", wpath)
        except OverBudget as exc:
            return self._unknown(expr_text(name, arg), str(exc), wpath)

    def _function(self, name: str, arg: Any, wpath: tuple, epath, rpath, depth: int) -> Any:
        if name == "Ref":
            return self._ref(arg, wpath, rpath)
        if name == "Fn::If":
            return self._if(arg, wpath, epath, rpath, depth)
        if name == "Fn::ToJsonString":  # its document is written here: spans and references at its paths
            return self._to_json(arg, wpath, rpath, depth, epath)
        handler = _HANDLERS.get(name)
        if handler is not None:
            return handler(self, arg, wpath, rpath, depth)
        if name in ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not"):
            return self._cond({name: arg}, wpath[:-1], depth)
        reason = _DEPLOY_TIME.get(name, f"{name} is not supported")
        refs = self._raw_refs(arg, rpath)
        return self._unknown(expr_text(name, arg), reason, wpath, refs)

    # --- Ref, GetAtt, Sub ---------------------------------------------------------------

    def _ref(self, name: Any, wpath: tuple, rpath) -> Any:
        if not isinstance(name, str):
            return self._unknown(expr_text("Ref", name), "Ref to a non-string", wpath)
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.params:
            value = self._param(name, wpath)
            if isinstance(value, Unknown) and value.refs and name in self.overrides:
                # A nested stack's parameter that its parent sets to a resource of the unit
                # (`!GetAtt Iam.Outputs.RoleArn`, the sibling stack's `!GetAtt Role.Arn`):
                # the property refers to that resource, as if the template named it.
                for address in value.refs:
                    self._add_address(rpath, address)
            return value
        if name.startswith("AWS::"):
            return Unknown(f"!Ref {name}", f"pseudo parameter {name}", self._span(wpath),
                           pattern=PSEUDO_PATTERNS.get(name), symbol=self._symbol(name))
        if name in self.resources:
            self._add_ref(rpath, name)
            return Unknown(f"!Ref {name}", f"reference to resource {name}", self._span(wpath), (self.prefix + name,),
                           symbol=self._symbol("Ref", name))
        return self._unknown(f"!Ref {name}", f"undefined name {name}", wpath)

    def _param(self, name: str, wpath: tuple) -> Any:
        if name in self._param_cache:
            value = self._param_cache[name]
        else:
            value = self._param_cache[name] = self._param_value(name)
        if isinstance(value, tuple):  # (reason, alternatives) marks an unknown parameter
            return Unknown(f"!Ref {name}", value[0], self._span(wpath), alternatives=value[1],
                           symbol=self._symbol(name))
        if isinstance(value, list):
            self.budget.spend(len(value))
            return list(value)
        return value

    def _param_value(self, name: str) -> Any:
        decl = self.params.get(name)
        if not isinstance(decl, dict):
            return (f"parameter {name} is malformed", None)
        ptype = decl.get("Type", "String")
        ptype = ptype if isinstance(ptype, str) else "String"
        if ptype.startswith("AWS::SSM::Parameter::Value"):
            return (f"parameter {name} is read from SSM at deploy time", None)
        if name in self.overrides:
            raw = self.overrides[name]
        elif "Default" in decl:
            raw = decl["Default"]
        else:
            return (f"parameter {name} has no default", allowed_values(decl.get("AllowedValues"), ptype))
        if isinstance(raw, Unknown):  # passed by a parent stack, which does not know it either
            return raw
        if isinstance(raw, (dict, type(None))):
            return (f"parameter {name} has no usable default", None)
        return convert_parameter(raw, ptype)

    def _getatt(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[0], str):
            return self._unknown(expr_text("Fn::GetAtt", arg), "malformed Fn::GetAtt", wpath)
        target = arg[0]
        attribute = self._arg(arg[1], wpath + (1,), rpath, depth)
        if not isinstance(attribute, str):
            attribute = ""
        expr = f"!GetAtt {target}.{attribute}" if attribute else f"!GetAtt {target}"
        if target not in self.resources:
            return self._unknown(expr, f"undefined resource {target}", wpath)
        self._add_ref(rpath, target, attribute)
        if self.nested is not None and attribute.startswith("Outputs."):
            output = self.nested.output(target, attribute[len("Outputs."):])
            if output is not None:  # a local nested stack's output, evaluated in it
                return output
        what = f"attribute {attribute}" if attribute else "an attribute"
        return Unknown(expr, f"{what} of resource {target}", self._span(wpath), (self.prefix + target,),
                       symbol=self._symbol(target, attribute) if attribute else None)

    def _symbol(self, *name: str) -> tuple:
        """The identity of a parameter, pseudo parameter or resource attribute of this
        template: the same wherever it is written (`iaclint.model.symbolic`)."""
        return ("cfn", self.file + ("#" + self.prefix if self.prefix else "")) + name

    def _sub(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        variables: Any = {}
        if isinstance(arg, list) and len(arg) in (1, 2):
            template = arg[0]
            if len(arg) == 2:
                variables = arg[1]
        else:
            template = arg
        if not isinstance(template, str) or not isinstance(variables, dict):
            return self._unknown(expr_text("Fn::Sub", arg), "malformed Fn::Sub", wpath)
        expr = "!Sub " + (template if len(template) <= 200 else template[:200] + "...")
        self.budget.spend(len(template))
        pieces: list = []
        unknowns: list = []
        pos = 0
        for m in _SUB_VAR.finditer(template):
            pieces.append(template[pos:m.start()])
            pos = m.end()
            name = m.group(1)
            if name.startswith("!"):
                pieces.append("${" + name[1:] + "}")
                continue
            name = name.strip()
            if name in variables:
                value = self._arg(variables[name], wpath + (1, name), rpath, depth)
            elif name in self.params or name.startswith("AWS::") or "." not in name:
                value = self._ref(name, wpath, rpath)
            else:
                value = self._getatt(name, wpath, rpath, depth)
            if isinstance(value, Unknown):
                unknowns.append(value)
                pieces.append(value)
                continue
            text = sub_text(value)
            if text is None:
                return self._unknown(expr, "a non-string value in Fn::Sub", wpath, collect_refs(unknowns))
            pieces.append(text)
        pieces.append(template[pos:])
        self.budget.build(sum(len(p) for p in pieces if isinstance(p, str)))  # before the join
        if unknowns:
            return symbolic.text(pieces, expr, unknowns[0].reason, self._span(wpath), collect_refs(unknowns))
        return "".join(pieces)

    def _raw_refs(self, v: Any, rpath) -> list[str]:
        """Resources named inside an unevaluated value (branches of an unknown Fn::If)."""
        found: list[str] = []

        def add(target: str, attribute: str = "") -> None:
            if target in self.resources:
                self._add_ref(rpath, target, attribute)
                if self.prefix + target not in found:
                    found.append(self.prefix + target)

        stack = [v]
        while stack:
            x = stack.pop()
            self.budget.spend(1)
            if isinstance(x, dict):
                if len(x) == 1:
                    key, arg = next(iter(x.items()))
                    if key == "Ref" and isinstance(arg, str):
                        add(arg)
                    elif key == "Fn::GetAtt":
                        parts = arg.split(".", 1) if isinstance(arg, str) else arg
                        if isinstance(parts, list) and parts and isinstance(parts[0], str):
                            add(parts[0], parts[1] if len(parts) > 1 and isinstance(parts[1], str) else "")
                    elif key == "Fn::Sub":
                        text = arg[0] if isinstance(arg, list) and arg else arg
                        if isinstance(text, str):
                            self.budget.spend(len(text))
                            for m in _SUB_VAR.finditer(text):
                                name = m.group(1).strip()
                                if not name.startswith("!"):
                                    target, _, attribute = name.partition(".")
                                    add(target, attribute)
                stack.extend(reversed(list(x.values())))
            elif isinstance(x, list):
                stack.extend(reversed(x))
        return found


_HANDLERS = {
    "Fn::GetAtt": Evaluator._getatt,
    "Fn::Sub": Evaluator._sub,
    "Fn::Join": Evaluator._join,
    "Fn::Select": Evaluator._select,
    "Fn::Split": Evaluator._split,
    "Fn::FindInMap": Evaluator._find_in_map,
    "Fn::Base64": Evaluator._base64,
    "Fn::Length": Evaluator._length,
}
