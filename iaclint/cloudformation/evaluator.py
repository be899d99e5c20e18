"""Resolve CloudFormation intrinsic functions as far as the template itself allows.

Parameters resolve to their defaults (or `--parameter` overrides), `Mappings` and
`Conditions` are read from the template, and string functions run. Whatever depends on
the deployment — resource attributes, pseudo parameters, imports, SSM parameters — is an
`Unknown` carrying the reason and the resources it names, never a guess.

What is known about an Unknown is kept on it (see `iaclint.unknown`):

- `Fn::If` on a condition that cannot be decided evaluates both branches into the
  Unknown's `alternatives` (`ABSENT` for `AWS::NoValue`); so does a parameter without a
  default whose `AllowedValues` lists what it can be. `Fn::Equals` and `Fn::FindInMap`
  decide over the alternatives when every combination gives the same answer.
- Pseudo parameters are known placeholders: `!Ref AWS::AccountId` is an Unknown whose
  `pattern` is twelve digits, `AWS::Partition` starts with `aws`, and so on (wide patterns
  that every real value matches). `Fn::Sub` and `Fn::Join` over unknown pieces build an
  Unknown with `parts`, so `!Sub arn:${AWS::Partition}:s3:::${Bucket}/*` keeps its shape:
  a policy can tell that it is an S3 ARN and never `*`, while its value stays unknown.

While it walks a resource's `Properties`, the evaluator records a span for every output
path at the place where the value was written (a `!Ref` resolved to a parameter default
keeps the span of the property that holds the `!Ref`), and a `Reference` for every
`Ref`/`Fn::GetAtt`/`Fn::Sub` to another resource, at the property path where it occurs.
"""
from __future__ import annotations

import json
import re
from typing import Any

from iaclint.model import Reference, Span
from iaclint.unknown import ABSENT, Unknown, cannot_be, collect_refs, contains_unknown

NO_VALUE = ABSENT  # `AWS::NoValue`: the key or list item is removed
MAX_DEPTH = 160
MAX_CONDITION_CHAIN = 64
MAX_COMBINATIONS = 64  # alternatives tried together by Fn::Equals / Fn::FindInMap

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
AZ_PATTERN = r"[a-z0-9-]+"

_SUB_VAR = re.compile(r"\$\{([^}]*)\}")
_DEPLOY_TIME = {
    "Fn::ImportValue": "Fn::ImportValue is resolved from another stack at deploy time",
    "Fn::GetAZs": "Fn::GetAZs depends on the deployment region",
    "Fn::Cidr": "Fn::Cidr is not evaluated",
    "Fn::Transform": "Fn::Transform runs a macro at deploy time",
    "Fn::ForEach": "Fn::ForEach is not expanded",
}


class Evaluator:
    """Evaluates values of one template; `resource()` gives one resource's properties."""

    def __init__(self, template: dict, spans: dict | None = None, file: str = "",
                 parameters: dict | None = None):
        self.file = file
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
        self._param_cache: dict = {}
        self._cond_cache: dict = {}
        self._cond_active: list = []
        self._spans: dict | None = None
        self._refs: list = []
        self._ref_keys: set = set()

    # --- public -------------------------------------------------------------------------

    def resource(self, logical_id: str, body: dict, wpath: tuple = ()):
        """(properties, spans, references) of a resource, or None when its Condition is false.

        `wpath` is the resource's document path, e.g. ("Resources", logical_id).
        """
        cond = body.get("Condition")
        if isinstance(cond, str) and self.condition(cond) is False:
            return None
        self._spans = {}
        self._refs = []
        self._ref_keys = set()
        self.last_origins = {}  # property path -> where a parameter-driven value was set
        props = body.get("Properties")
        if props is None:
            value: Any = {}
        else:
            value = self._eval(props, wpath + ("Properties",), (), (), 0)
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

    def evaluate(self, value: Any, wpath: tuple = ()) -> Any:
        """Evaluate any template value (no spans or references kept); NO_VALUE if removed."""
        return self._eval(value, wpath, None, None, 0)

    def condition(self, name: str):
        """True, False or Unknown for a named condition; cycles end as Unknown."""
        if name in self._cond_cache:
            return self._cond_cache[name]
        expr = f"Condition {name}"
        if name in self._cond_active:
            return Unknown(expr, f"condition {name} refers to itself")
        if len(self._cond_active) >= MAX_CONDITION_CHAIN:
            return Unknown(expr, "conditions nested too deeply")
        if name not in self.conditions:
            result: Any = Unknown(expr, f"undefined condition {name}")
        else:
            self._cond_active.append(name)
            try:
                result = self._cond(self.conditions[name], ("Conditions", name), 0)
            finally:
                self._cond_active.pop()
            if isinstance(result, Unknown):
                result = Unknown(expr, f"condition {name} is unknown: {result.reason}",
                                 self._span(("Conditions", name)), result.refs)
        self._cond_cache[name] = result
        return result

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
        if rpath is None or self._spans is None:
            return
        key = (rpath, target, attribute)
        if key not in self._ref_keys:
            self._ref_keys.add(key)
            self._refs.append(Reference(rpath, target, attribute))

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
            result: Any = {}
            for key, item in v.items():
                child = epath + (key,) if epath is not None else None
                r = self._eval(item, wpath + (key,), child, child if child is not None else rpath, depth + 1)
                if r is not NO_VALUE:
                    result[key] = r
            return result
        if t is list:
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
        source = "set by --parameter" if name in self.overrides else "its Default"
        value = self._param_cache.get(name)
        shown = f" = {value}" if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""
        return f"parameter {name}{shown} ({source})"

    def _arg(self, v: Any, wpath: tuple, rpath, depth: int) -> Any:
        """A function argument: evaluated, but it is not an output path of its own."""
        return self._eval(v, wpath, None, rpath, depth + 1)

    def _fn(self, name: str, arg: Any, wpath: tuple, epath, rpath, depth: int) -> Any:
        if name == "Ref":
            return self._ref(arg, wpath, rpath)
        if name == "Fn::If":
            return self._if(arg, wpath, epath, rpath, depth)
        handler = _HANDLERS.get(name)
        if handler is not None:
            return handler(self, arg, wpath, rpath, depth)
        if name in ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not"):
            return self._cond({name: arg}, wpath[:-1], depth)
        reason = _DEPLOY_TIME.get(name, f"{name} is not supported")
        refs = self._raw_refs(arg, rpath)
        return self._unknown(_expr(name, arg), reason, wpath, refs)

    # --- Ref, GetAtt, Sub ---------------------------------------------------------------

    def _ref(self, name: Any, wpath: tuple, rpath) -> Any:
        if not isinstance(name, str):
            return self._unknown(_expr("Ref", name), "Ref to a non-string", wpath)
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.params:
            return self._param(name, wpath)
        if name.startswith("AWS::"):
            return Unknown(f"!Ref {name}", f"pseudo parameter {name}", self._span(wpath),
                           pattern=PSEUDO_PATTERNS.get(name))
        if name in self.resources:
            self._add_ref(rpath, name)
            return self._unknown(f"!Ref {name}", f"reference to resource {name}", wpath, (name,))
        return self._unknown(f"!Ref {name}", f"undefined name {name}", wpath)

    def _param(self, name: str, wpath: tuple) -> Any:
        if name in self._param_cache:
            value = self._param_cache[name]
        else:
            value = self._param_cache[name] = self._param_value(name)
        if isinstance(value, tuple):  # (reason, alternatives) marks an unknown parameter
            return Unknown(f"!Ref {name}", value[0], self._span(wpath), alternatives=value[1])
        return list(value) if isinstance(value, list) else value

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
            return (f"parameter {name} has no default", _allowed(decl.get("AllowedValues"), ptype))
        if isinstance(raw, (dict, type(None))):
            return (f"parameter {name} has no usable default", None)
        return _convert(raw, ptype)

    def _getatt(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[0], str):
            return self._unknown(_expr("Fn::GetAtt", arg), "malformed Fn::GetAtt", wpath)
        target = arg[0]
        attribute = self._arg(arg[1], wpath + (1,), rpath, depth)
        if not isinstance(attribute, str):
            attribute = ""
        expr = f"!GetAtt {target}.{attribute}" if attribute else f"!GetAtt {target}"
        if target not in self.resources:
            return self._unknown(expr, f"undefined resource {target}", wpath)
        self._add_ref(rpath, target, attribute)
        what = f"attribute {attribute}" if attribute else "an attribute"
        return self._unknown(expr, f"{what} of resource {target}", wpath, (target,))

    def _sub(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        variables: Any = {}
        if isinstance(arg, list) and len(arg) in (1, 2):
            template = arg[0]
            if len(arg) == 2:
                variables = arg[1]
        else:
            template = arg
        if not isinstance(template, str) or not isinstance(variables, dict):
            return self._unknown(_expr("Fn::Sub", arg), "malformed Fn::Sub", wpath)
        expr = "!Sub " + (template if len(template) <= 200 else template[:200] + "...")
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
            text = _sub_text(value)
            if text is None:
                return self._unknown(expr, "a non-string value in Fn::Sub", wpath, collect_refs(unknowns))
            pieces.append(text)
        pieces.append(template[pos:])
        if unknowns:
            return _shaped(self._unknown(expr, unknowns[0].reason, wpath, collect_refs(unknowns)), pieces)
        return "".join(pieces)

    # --- Fn::If and conditions ----------------------------------------------------------

    def _if(self, arg: Any, wpath: tuple, epath, rpath, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 3 or not isinstance(arg[0], str):
            return self._unknown(_expr("Fn::If", arg), "malformed Fn::If", wpath)
        cond = self.condition(arg[0])
        if cond is True:
            return self._eval(arg[1], wpath + (1,), epath, rpath, depth + 1)
        if cond is False:
            return self._eval(arg[2], wpath + (2,), epath, rpath, depth + 1)
        # The condition cannot be decided: the value is one of the two branches. Both are
        # evaluated (references recorded, no spans: the finding points at the Fn::If).
        alternatives = (self._eval(arg[1], wpath + (1,), None, rpath, depth + 1),
                        self._eval(arg[2], wpath + (2,), None, rpath, depth + 1))
        reason = cond.reason if isinstance(cond, Unknown) else f"condition {arg[0]} is not a boolean"
        return self._unknown(f"!If {arg[0]}", reason, wpath, collect_refs(alternatives)).replace(
            alternatives=alternatives)

    def _cond(self, v: Any, wpath: tuple, depth: int) -> Any:
        """A condition expression -> True, False or Unknown."""
        if depth > MAX_DEPTH:
            return self._unknown("...", "condition nested too deeply", wpath)
        if isinstance(v, bool):
            return v
        if isinstance(v, str):
            low = v.lower()
            if low in ("true", "false"):
                return low == "true"
            return self.condition(v)
        if isinstance(v, dict) and len(v) == 1:
            name, arg = next(iter(v.items()))
            fpath = wpath + (name,)
            if name == "Condition" and isinstance(arg, str):
                return self.condition(arg)
            if name == "Fn::Equals":
                if not isinstance(arg, list) or len(arg) != 2:
                    return self._unknown(_expr(name, arg), "malformed Fn::Equals", fpath)
                a = self._arg(arg[0], fpath + (0,), None, depth)
                b = self._arg(arg[1], fpath + (1,), None, depth)
                if contains_unknown(a) or contains_unknown(b):
                    decided = _decide(lambda x, y: _norm(x) == _norm(y), a, b)
                    if decided is None and _differ_by_shape(a, b):
                        decided = False  # e.g. an account id (12 digits) is never "none"
                    if decided is not None:
                        return decided
                    first = a if contains_unknown(a) else b
                    reason = first.reason if isinstance(first, Unknown) else "compares an unknown value"
                    return self._unknown(_expr(name, arg), reason, fpath, collect_refs([a, b]))
                return _norm(a) == _norm(b)
            if name in ("Fn::And", "Fn::Or"):
                if not isinstance(arg, list) or not arg:
                    return self._unknown(_expr(name, arg), f"malformed {name}", fpath)
                decisive = name == "Fn::Or"  # the value that settles the result
                unknown = None
                for i, item in enumerate(arg):
                    r = self._cond(item, fpath + (i,), depth + 1)
                    if r is decisive:
                        return decisive
                    if not isinstance(r, bool) and unknown is None:
                        unknown = r if isinstance(r, Unknown) else self._unknown(
                            _expr(name, arg), "not a condition", fpath)
                return unknown if unknown is not None else (not decisive)
            if name == "Fn::Not":
                inner = arg[0] if isinstance(arg, list) and len(arg) == 1 else arg
                r = self._cond(inner, fpath + (0,), depth + 1)
                return (not r) if isinstance(r, bool) else r
            value = self._eval(v, wpath, None, None, depth + 1)
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            if isinstance(value, Unknown):
                return value
        return self._unknown(_expr("condition", v), "not a condition", wpath)

    # --- other functions ----------------------------------------------------------------

    def _propagate(self, name: str, arg: Any, values: list, wpath: tuple) -> Unknown:
        first = next((x for x in _unknowns(values)), None)
        reason = first.reason if first is not None else f"{name} of an unknown value"
        return self._unknown(_expr(name, arg), reason, wpath, collect_refs(values))

    def _join(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return self._unknown(_expr("Fn::Join", arg), "malformed Fn::Join", wpath)
        delim = self._arg(arg[0], wpath + (0,), rpath, depth)
        items = self._arg(arg[1], wpath + (1,), rpath, depth)
        if isinstance(delim, Unknown) or isinstance(items, Unknown):
            return self._propagate("Fn::Join", arg, [delim, items], wpath)
        if not isinstance(delim, str) or not isinstance(items, list):
            return self._unknown(_expr("Fn::Join", arg), "malformed Fn::Join", wpath)
        texts = [x if isinstance(x, Unknown) else _sub_text(x) for x in items]
        if any(t is None for t in texts):
            return self._unknown(_expr("Fn::Join", arg), "Fn::Join of a non-string value", wpath)
        if any(isinstance(t, Unknown) for t in texts):
            # Known text around unknown items: keep the shape (`arn:aws:s3:::` + ? + `/*`).
            pieces: list = []
            for i, t in enumerate(texts):
                if i:
                    pieces.append(delim)
                pieces.append(t)
            return _shaped(self._propagate("Fn::Join", arg, [items], wpath), pieces)
        return delim.join(texts)

    def _select(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return self._unknown(_expr("Fn::Select", arg), "malformed Fn::Select", wpath)
        index = self._arg(arg[0], wpath + (0,), rpath, depth)
        items = self._arg(arg[1], wpath + (1,), rpath, depth)
        if isinstance(index, Unknown) or isinstance(items, Unknown):
            out = self._propagate("Fn::Select", arg, [index, items], wpath)
            if isinstance(items, Unknown) and items.expr.startswith("Fn::GetAZs"):
                out = out.replace(pattern=AZ_PATTERN)  # an Availability Zone name
            return out
        if isinstance(index, str) and index.strip().isdigit():
            index = int(index)
        if isinstance(index, bool) or not isinstance(index, int) or not isinstance(items, list) \
                or not 0 <= index < len(items):
            return self._unknown(_expr("Fn::Select", arg), "Fn::Select index out of range", wpath,
                                 collect_refs(items))
        return items[index]

    def _split(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return self._unknown(_expr("Fn::Split", arg), "malformed Fn::Split", wpath)
        delim = self._arg(arg[0], wpath + (0,), rpath, depth)
        text = self._arg(arg[1], wpath + (1,), rpath, depth)
        if isinstance(delim, Unknown) or isinstance(text, Unknown):
            return self._propagate("Fn::Split", arg, [delim, text], wpath)
        if not isinstance(delim, str) or not delim or not isinstance(text, str):
            return self._unknown(_expr("Fn::Split", arg), "malformed Fn::Split", wpath)
        return text.split(delim)

    def _find_in_map(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        if not isinstance(arg, list) or len(arg) not in (3, 4):
            return self._unknown(_expr("Fn::FindInMap", arg), "malformed Fn::FindInMap", wpath)
        keys = [self._arg(arg[i], wpath + (i,), rpath, depth) for i in range(3)]
        if contains_unknown(keys):
            # A key that is one of a few values (AllowedValues, Fn::If): look each up.
            combinations = _combinations(keys)
            if combinations is not None:
                found = [self._lookup(arg, combo, wpath, rpath, depth) for combo in combinations]
                if not any(isinstance(f, Unknown) and f.alternatives is None for f in found):
                    unique: list = []
                    for f in found:
                        if not any(_same(f, u) for u in unique):
                            unique.append(f)
                    if len(unique) == 1:
                        return unique[0]
                    out = self._propagate("Fn::FindInMap", arg, keys, wpath)
                    return out.replace(alternatives=tuple(unique))
            return self._propagate("Fn::FindInMap", arg, keys, wpath)
        return self._lookup(arg, keys, wpath, rpath, depth)

    def _lookup(self, arg: list, keys: list, wpath: tuple, rpath, depth: int) -> Any:
        node: Any = self.mappings
        for key in keys:
            node = node.get(_text(key)) if isinstance(node, dict) else None
            if node is None:
                break
        if node is not None:
            return _copy(node)
        default = arg[3] if len(arg) == 4 else None
        if isinstance(default, dict) and "DefaultValue" in default:
            return self._arg(default["DefaultValue"], wpath + (3, "DefaultValue"), rpath, depth)
        path = ".".join(_text(k) for k in keys)
        return self._unknown(_expr("Fn::FindInMap", arg), f"mapping entry {path} not found", wpath)

    def _base64(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        value = self._arg(arg, wpath, rpath, depth)
        if isinstance(value, Unknown):
            return self._propagate("Fn::Base64", arg, [value], wpath)
        if not isinstance(value, str):
            return self._unknown(_expr("Fn::Base64", arg), "Fn::Base64 of a non-string", wpath)
        import base64

        return base64.b64encode(value.encode("utf-8", "surrogatepass")).decode("ascii")

    def _length(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        value = self._arg(arg, wpath, rpath, depth)
        if isinstance(value, list):
            return len(value)
        return self._propagate("Fn::Length", arg, [value], wpath)

    def _to_json(self, arg: Any, wpath: tuple, rpath, depth: int) -> Any:
        value = self._arg(arg, wpath, rpath, depth)
        if contains_unknown(value) or not isinstance(value, (dict, list)):
            return self._propagate("Fn::ToJsonString", arg, [value], wpath)
        return json.dumps(value, separators=(",", ":"))

    def _raw_refs(self, v: Any, rpath) -> list[str]:
        """Resources named inside an unevaluated value (branches of an unknown Fn::If)."""
        found: list[str] = []

        def add(target: str, attribute: str = "") -> None:
            if target in self.resources:
                self._add_ref(rpath, target, attribute)
                if target not in found:
                    found.append(target)

        stack = [v]
        while stack:
            x = stack.pop()
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
    "Fn::ToJsonString": Evaluator._to_json,
}


def _merge_parts(pieces: list) -> tuple:
    """Adjacent strings joined, empty ones dropped, nested shapes flattened."""
    out: list = []
    for piece in pieces:
        if isinstance(piece, Unknown) and piece.parts is not None:
            items = list(piece.parts)
        else:
            items = [piece]
        for item in items:
            if isinstance(item, str):
                if not item:
                    continue
                if out and isinstance(out[-1], str):
                    out[-1] += item
                    continue
            out.append(item)
    return tuple(out)


def _shaped(unknown: Unknown, pieces: list) -> Unknown:
    """A string Unknown built from `pieces`: with its shape when some text is known, else
    with the pattern of its only hole (`!Sub "${AWS::AccountId}"` is still twelve digits)."""
    parts = _merge_parts(pieces)
    if any(isinstance(p, str) for p in parts):
        return unknown.replace(parts=parts)
    if len(parts) == 1 and isinstance(parts[0], Unknown) and parts[0].pattern is not None:
        return unknown.replace(pattern=parts[0].pattern)
    return unknown


def _possible(value: Any) -> list | None:
    """Every value `value` can take, when it is plain data or a conditional over plain data."""
    if isinstance(value, Unknown):
        if value.alternatives is None:
            return None
        out: list = []
        for alternative in value.alternatives:
            inner = _possible(alternative)
            if inner is None:
                return None
            out.extend(inner)
        return out
    if value is ABSENT or contains_unknown(value):
        return None
    return [value]


def _combinations(values: list) -> list | None:
    """The cartesian product of the values' possibilities, when small enough."""
    combos: list = [[]]
    for value in values:
        options = _possible(value)
        if options is None:
            return None
        combos = [c + [o] for c in combos for o in options]
        if len(combos) > MAX_COMBINATIONS:
            return None
    return combos


def _decide(test, a: Any, b: Any):
    """`test(a, b)` when it gives one answer over every combination of possibilities."""
    combos = _combinations([a, b])
    if not combos:
        return None
    answers = {bool(test(x, y)) for x, y in combos}
    return answers.pop() if len(answers) == 1 else None


def _differ_by_shape(a: Any, b: Any) -> bool:
    """One side a string Unknown whose shape rules the other (plain) side out."""
    for unknown, other in ((a, b), (b, a)):
        if isinstance(unknown, Unknown) and not contains_unknown(other) and isinstance(other, (str, int, float)):
            return cannot_be(unknown, _norm(other))
    return False


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return a is b
    return type(a) is type(b) and a == b


def _unknowns(values: list):
    for v in values:
        if isinstance(v, Unknown):
            yield v
        elif isinstance(v, (list, dict)):
            yield from _unknowns(list(v.values()) if isinstance(v, dict) else v)


def _expr(name: str, arg: Any) -> str:
    try:
        text = json.dumps(arg, default=str, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        text = "..."
    if len(text) > 200:
        text = text[:200] + "..."
    return f"{name} {text}"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def _number(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = _text(value).strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _convert(raw: Any, ptype: str) -> Any:
    """A parameter value (default or override) as `Ref` gives it, by parameter type."""
    if ptype == "Number":
        return _number(raw)
    if ptype == "CommaDelimitedList" or ptype.startswith("List<"):
        if isinstance(raw, list):
            items = [_text(x) for x in raw]
        else:
            text = _text(raw)
            items = [s.strip() for s in text.split(",")] if text else []
        if ptype == "List<Number>":
            items = [_number(x) for x in items]
        return items
    return _text(raw) if not isinstance(raw, list) else ",".join(_text(x) for x in raw)


def _allowed(values: Any, ptype: str) -> tuple | None:
    """`AllowedValues` of a scalar parameter without a default: what it can be."""
    if not isinstance(values, list) or not values or ptype not in ("String", "Number"):
        return None
    if any(isinstance(v, (dict, list)) or v is None for v in values):
        return None
    out: list = []
    for v in values:
        converted = _convert(v, ptype)
        if converted not in out:
            out.append(converted)
    return tuple(out)


def _sub_text(value: Any):
    """A value as Fn::Sub/Fn::Join insert it, or None when it is not a scalar."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return _text(value)
    return None


def _norm(value: Any) -> Any:
    """Fn::Equals compares strings: true == "true", 1 == "1"."""
    if isinstance(value, list):
        return [_norm(x) for x in value]
    if isinstance(value, dict):
        return {k: _norm(x) for k, x in value.items()}
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
