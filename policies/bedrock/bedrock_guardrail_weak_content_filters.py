"""IAC406: a Bedrock guardrail must filter the five harmful-content categories.

Python because the grammar cannot select elements of `filters_config` by `type` nor say
"each of these five types is present".
"""
from __future__ import annotations

from iaclint.aws import guardrails
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy

_BLOCK = ("content_policy_config",)
_CATEGORIES = ("HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT")


class BedrockGuardrailWeakContentFilters(Policy):
    id = "IAC406"
    name = "bedrock-guardrail-weak-content-filters"
    title = "Bedrock guardrail filters hate, insults, sexual content, violence and misconduct"
    severity = "medium"
    category = "model-safeguards"
    resource_types = ("aws_bedrock_guardrail",)
    what = ("A Bedrock guardrail (`aws_bedrock_guardrail`, `AWS::Bedrock::Guardrail`) whose "
            "`content_policy_config.filters_config` / `ContentPolicyConfig.FiltersConfig` lacks a "
            "filter for any of HATE, INSULTS, SEXUAL, VIOLENCE and MISCONDUCT, or has one of them "
            "with `input_strength` / `output_strength` (`InputStrength` / `OutputStrength`) "
            "missing, `NONE` or `LOW`. Missing categories are reported at the content policy block "
            "(or the resource when there is none); a weak strength at the strength itself. "
            "PROMPT_ATTACK is checked by IAC404, detect-only actions by a separate policy.")
    why = ("These five filters are the guardrail's defence against the model being used to "
           "produce or accept harassment, sexual content, violent or criminal instructions "
           "(MISCONDUCT covers requests such as how to build malware or commit fraud). A category "
           "left out, or set to LOW, passes almost everything of that kind in both directions: "
           "users can coax the assistant into producing it under your brand, and abusive input "
           "reaches the model and its logs unfiltered.")
    fix_terraform = """Add one `filters_config` per category with MEDIUM or HIGH strength on both sides:

```hcl
resource "aws_bedrock_guardrail" "support" {
  # ...
  content_policy_config {
    dynamic "filters_config" {
      for_each = toset(["HATE", "INSULTS", "SEXUAL", "VIOLENCE", "MISCONDUCT"])
      content {
        type            = filters_config.value
        input_strength  = "HIGH"
        output_strength = "HIGH"
      }
    }
  }
}
```"""
    fix_cloudformation = """Add one `FiltersConfig` entry per category with MEDIUM or HIGH strength on both sides:

```yaml
SupportGuardrail:
  Type: AWS::Bedrock::Guardrail
  Properties:
    # ...
    ContentPolicyConfig:
      FiltersConfig:
        - {Type: HATE, InputStrength: HIGH, OutputStrength: HIGH}
        - {Type: INSULTS, InputStrength: HIGH, OutputStrength: HIGH}
        - {Type: SEXUAL, InputStrength: HIGH, OutputStrength: HIGH}
        - {Type: VIOLENCE, InputStrength: HIGH, OutputStrength: HIGH}
        - {Type: MISCONDUCT, InputStrength: HIGH, OutputStrength: HIGH}
```"""
    references = (
        "https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-content-filters.html",
        "https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-components.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/bedrock_guardrail",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-bedrock-guardrail-contentfilterconfig.html",
    )

    def check(self, resource, ctx):
        listing = guardrails.entries(resource, _BLOCK, "filters_config")
        if listing is None:
            yield FAIL(f"Bedrock guardrail has no content filters for {', '.join(_CATEGORIES)}: "
                       f"`{resource.native_name(_BLOCK)}` is not set", _BLOCK)
            return
        by_type, unknowns = guardrails.by_type(listing)
        decided = True
        missing = [c for c in _CATEGORIES if c not in by_type]
        if missing:
            decided = False
            # An unknown filter stands for at most one category; an unknown list for any number.
            unknown_lists = [u for u in unknowns if u.many]
            unknown_items = [u for u in unknowns if not u.many]
            if unknown_lists or len(unknown_items) >= len(missing):
                first = (unknown_lists + unknown_items)[0]
                yield UNKNOWN(f"Whether the guardrail filters {', '.join(missing)} depends on `{first.value.expr}`, "
                              f"unknown until deployment ({first.value.reason})", first.path)
            else:
                listed = resource.native_name(listing.block_path + ("filters_config",))
                yield FAIL(f"Bedrock guardrail does not filter {', '.join(missing)}: `{listed}` has no filter "
                           f"of {'that type' if len(missing) == 1 else 'those types'}", listing.block_path)
        for category in _CATEGORIES:
            for fpath, item in by_type.get(category, ()):
                for side in ("input_strength", "output_strength"):
                    answer = guardrails.strength(resource, fpath, item, side, category,
                                                 missing_advice=" (use MEDIUM or HIGH)")
                    if answer.verdict is not False:
                        decided = False
                        yield (FAIL if answer.verdict else UNKNOWN)(answer.message, answer.path)
        if decided:
            yield PASS(path=listing.block_path)
