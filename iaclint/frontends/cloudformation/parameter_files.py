"""Parameter values a repository keeps outside its templates, as the deploy tools read them.

- A CodePipeline template-configuration file: `{"Parameters": {"Key": "value"}, "Tags": ...,
  "StackPolicy": ...}` (JSON).
- A CloudFormation CLI parameter file (`aws cloudformation create-stack --parameters
  file://prod.json`): `[{"ParameterKey": "Key", "ParameterValue": "value"}, ...]`; an entry
  with `UsePreviousValue` keeps the deployed value, which is not in the repository.
- `samconfig.toml` / `samconfig.yaml`: one table per environment (`[prod.deploy.parameters]`)
  whose `parameter_overrides` is `"Key=value Key2=\"two words\""` or a list of `Key=value`
  (the `ParameterKey=Key,ParameterValue=value` spelling too); `global.parameters` apply to
  every command.

Nothing else is read: a JSON file of another shape is not a parameter file (None). Values
are CloudFormation parameter strings (numbers and booleans as CloudFormation spells them,
lists comma-joined). Readers never raise on bad input.
"""
from __future__ import annotations

import json
import shlex

MAX_BYTES = 1024 * 1024  # a parameter file is a few lines


def read_parameter_file(data: bytes) -> dict | None:
    """{key: value} of a template-configuration or CLI parameter file, else None."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        return None
    if isinstance(document, dict) and isinstance(document.get("Parameters"), dict) and "Resources" not in document:
        values = {k: parameter_text(v) for k, v in document["Parameters"].items()}
        return values if values and None not in values.values() else None
    if isinstance(document, list) and document and all(isinstance(e, dict) and "ParameterKey" in e for e in document):
        values = {str(e["ParameterKey"]): parameter_text(e.get("ParameterValue")) for e in document
                  if not e.get("UsePreviousValue")}
        return values if None not in values.values() else None
    return None


def read_samconfig(name: str, data: bytes) -> dict:
    """{environment: {key: value}} of the environments of a samconfig file that override
    parameters (`deploy`, else any command's, then `global`); {} when it cannot be read."""
    try:
        text = data.decode("utf-8-sig")
        if name.endswith(".toml"):
            import tomllib

            document = tomllib.loads(text)
        else:
            from iaclint.frontends.cloudformation.parser import parse

            document = parse(text).value
    except Exception:  # noqa: BLE001 - any unreadable file is "no environments", never a crash
        return {}
    out = {}
    for environment, commands in (document.items() if isinstance(document, dict) else ()):
        if not isinstance(commands, dict):
            continue  # `version = 0.1`
        values: dict = {}
        for command in sorted(commands, key=lambda c: (c != "global", c == "deploy")):  # deploy wins
            parameters = commands[command].get("parameters") if isinstance(commands[command], dict) else None
            if isinstance(parameters, dict):
                values.update(_overrides(parameters.get("parameter_overrides")))
        if values:
            out[str(environment)] = values
    return out


def _overrides(value) -> dict:
    """`Key=value Key2="two words"`, a list of such, or `ParameterKey=K,ParameterValue=V`."""
    if isinstance(value, str):
        try:
            items = shlex.split(value)
        except ValueError:  # an unclosed quote
            return {}
    elif isinstance(value, list):
        items = [v for v in value if isinstance(v, str)]
    else:
        return {}
    out = {}
    for item in items:
        if item.startswith("ParameterKey="):
            key, _, rest = item[len("ParameterKey="):].partition(",")
            if rest.startswith("ParameterValue="):
                out[key] = rest[len("ParameterValue="):]
        elif "=" in item:
            key, _, text = item.partition("=")
            out[key] = text
    return out


def parameter_text(value) -> str | None:
    """A known value as a CloudFormation parameter string; None when it is not one."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
        return ",".join(str(v) for v in value)
    return None
