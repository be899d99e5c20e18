"""IAC404: a Bedrock guardrail must filter prompt attacks on input.

Python because the grammar cannot select one element of `filters_config` by its `type`.
Only the input side is checked: AWS requires `output_strength = NONE` for PROMPT_ATTACK.
"""
from __future__ import annotations

from iaclint.aws import guardrails
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy

_BLOCK = ("content_policy_config",)


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
        listing = guardrails.entries(resource, _BLOCK, "filters_config")
        if listing is None:
            yield FAIL(f"Bedrock guardrail has no prompt attack filter: `{resource.native_name(_BLOCK)}` "
                       f"is not set", _BLOCK)
            return
        typed, unknowns = guardrails.by_type(listing)
        found = typed.get("PROMPT_ATTACK", [])
        if not found:
            if unknowns:
                path, value = unknowns[0].path, unknowns[0].value
                yield UNKNOWN(f"Whether the guardrail has a prompt attack filter depends on a value that "
                              f"`{value.expr}` is unknown until deployment ({value.reason})", path)
            else:
                listed = resource.native_name(listing.block_path + ("filters_config",))
                yield FAIL(f"Bedrock guardrail has no prompt attack filter: `{listed}` has no filter of type "
                           f"PROMPT_ATTACK", listing.block_path)
            return
        for fpath, item in found:
            answer = guardrails.strength(resource, fpath, item, "input_strength", "prompt attack")
            if answer.verdict is False:
                yield PASS(path=answer.path)
            else:
                yield (FAIL if answer.verdict else UNKNOWN)(answer.message, answer.path)
