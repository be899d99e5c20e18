"""IAC404: a Bedrock guardrail must filter prompt attacks on input.

Python because the grammar cannot select one element of `filters_config` by its `type`.
Only the input side is checked: AWS requires `output_strength = NONE` for PROMPT_ATTACK.
"""
from __future__ import annotations

from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.unknown import is_unknown

_BLOCK = ("content_policy_config",)
_WEAK = ("NONE", "LOW")


def _instances(value, path):
    """Each written instance of a nested block: a TF list of blocks or a CFN object."""
    if isinstance(value, dict) or is_unknown(value):
        return [(path, value)]
    if isinstance(value, list):
        return [(path + (i,), item) for i, item in enumerate(value)]
    return []


def _why_unknown(value) -> str:
    return f"`{value.expr}` is unknown until deployment ({value.reason})"


class BedrockGuardrailNoPromptAttackFilter(Policy):
    id = "IAC404"
    name = "bedrock-guardrail-no-prompt-attack-filter"
    title = "Bedrock guardrail blocks prompt attacks on input"
    severity = "high"
    category = "model-safeguards"
    resource_types = ("aws_bedrock_guardrail",)
    what = ("A Bedrock guardrail (`aws_bedrock_guardrail`, `AWS::Bedrock::Guardrail`) whose "
            "`content_policy_config.filters_config` / `ContentPolicyConfig.FiltersConfig` has no "
            "filter of type `PROMPT_ATTACK`, or one whose `input_strength` / `InputStrength` is "
            "missing, `NONE` or `LOW`. The output strength is never checked: AWS requires it to be "
            "`NONE` for this filter type. The finding points at the content policy block when it "
            "is written, else at the resource.")
    why = ("The PROMPT_ATTACK filter is what detects jailbreaks (\"ignore your instructions\"), "
           "prompt injection and prompt leaking attempts before they reach the model. Without it, "
           "or at LOW strength, a user or a poisoned document can override the system prompt, "
           "extract the agent's instructions, or steer an agent into calling its tools and "
           "knowledge bases on the attacker's behalf, which turns a chat window into a data "
           "exfiltration channel.")
    fix_terraform = """Add a PROMPT_ATTACK filter at MEDIUM or HIGH input strength (output strength must stay NONE):

```hcl
resource "aws_bedrock_guardrail" "support" {
  # ...
  content_policy_config {
    filters_config {
      type            = "PROMPT_ATTACK"
      input_strength  = "HIGH"
      output_strength = "NONE"
    }
  }
}
```"""
    fix_cloudformation = """Add a PROMPT_ATTACK filter at MEDIUM or HIGH input strength (output strength must stay NONE):

```yaml
SupportGuardrail:
  Type: AWS::Bedrock::Guardrail
  Properties:
    # ...
    ContentPolicyConfig:
      FiltersConfig:
        - Type: PROMPT_ATTACK
          InputStrength: HIGH
          OutputStrength: NONE
```"""
    references = (
        "https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-prompt-attack.html",
        "https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-content-filters.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/bedrock_guardrail",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-bedrock-guardrail-contentfilterconfig.html",
    )

    def check(self, resource, ctx):
        policy = resource.attributes.get("content_policy_config")
        if policy is None or policy == [] or policy == {}:
            yield FAIL(f"Bedrock guardrail has no prompt attack filter: `{resource.native_name(_BLOCK)}` "
                       f"is not set", _BLOCK)
            return
        instances = _instances(policy, _BLOCK)
        block_path = instances[0][0] if instances else _BLOCK
        found = []
        undecided = None
        for path, block in instances:
            if is_unknown(block):
                undecided = undecided or (path, block)
                continue
            if not isinstance(block, dict):
                continue
            filters = block.get("filters_config")
            if is_unknown(filters):
                undecided = undecided or (path + ("filters_config",), filters)
                continue
            for fpath, item in _instances(filters, path + ("filters_config",)):
                if is_unknown(item):
                    undecided = undecided or (fpath, item)
                    continue
                if not isinstance(item, dict):
                    continue
                kind = item.get("type")
                if is_unknown(kind):
                    undecided = undecided or (fpath + ("type",), kind)
                elif str(kind).upper() == "PROMPT_ATTACK":
                    found.append((fpath, item))
        if not found:
            if undecided is not None:
                path, value = undecided
                yield UNKNOWN(f"Whether the guardrail has a prompt attack filter depends on a value that "
                              f"{_why_unknown(value)}", path)
            else:
                listed = resource.native_name(block_path + ("filters_config",))
                yield FAIL(f"Bedrock guardrail has no prompt attack filter: `{listed}` has no filter of type "
                           f"PROMPT_ATTACK", block_path)
            return
        for fpath, item in found:
            spath = fpath + ("input_strength",)
            strength = item.get("input_strength")
            if strength is None:
                yield FAIL(f"Bedrock guardrail prompt attack filter has no `{resource.native_name(spath)}`", fpath)
            elif is_unknown(strength):
                yield UNKNOWN(f"Bedrock guardrail prompt attack filter strength {_why_unknown(strength)}", spath)
            elif str(strength).upper() in _WEAK:
                yield FAIL(f"Bedrock guardrail prompt attack filter is too weak: `{resource.native_name(spath)}` "
                           f"is `{strength}` (use MEDIUM or HIGH)", spath)
            else:
                yield PASS(path=spath)
