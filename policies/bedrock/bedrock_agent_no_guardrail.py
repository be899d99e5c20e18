"""IAC403: a Bedrock agent must be bound to a guardrail.

Python because "empty" matters: `guardrail_identifier = ""` is as good as no guardrail,
while an unresolved reference to a guardrail (`aws_bedrock_guardrail.g.guardrail_id`,
`!GetAtt Guardrail.GuardrailId`) counts as set.
"""
from __future__ import annotations

from iaclint.aws import guardrails
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model.unknown import is_unknown

_BLOCK = ("guardrail_configuration",)


class BedrockAgentNoGuardrail(Policy):
    id = "IAC403"
    name = "bedrock-agent-no-guardrail"
    title = "Bedrock agent is bound to a guardrail"
    severity = "high"
    category = "model-safeguards"
    resource_types = ("aws_bedrockagent_agent",)
    checkov_ids = ("CKV_AWS_383",)
    what = ("A Bedrock agent (`aws_bedrockagent_agent`, `AWS::Bedrock::Agent`) without a "
            "`guardrail_configuration` / `GuardrailConfiguration` block, or whose "
            "`guardrail_identifier` / `GuardrailIdentifier` is missing or empty. A reference to "
            "a guardrail resource counts as set; a block whose presence depends on an unknown "
            "value gives UNKNOWN.")
    why = ("Without a guardrail nothing between the user and the model filters prompt attacks "
           "(jailbreaks, prompt injection hidden in retrieved documents or tool output), harmful "
           "content, or personal data in the agent's answers. An agent also acts: it calls "
           "action-group Lambdas and queries knowledge bases with its own role, so an injected "
           "instruction can turn into data exfiltration or unwanted actions rather than just a "
           "bad answer. The guardrail is the only per-request safety layer Bedrock applies to an "
           "agent.")
    fix_terraform = """Create an `aws_bedrock_guardrail` (with a PROMPT_ATTACK filter, content filters and PII filters), publish a version, and bind it:

```hcl
resource "aws_bedrockagent_agent" "assistant" {
  agent_name              = "support-assistant"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = var.foundation_model

  guardrail_configuration {
    guardrail_identifier = aws_bedrock_guardrail.support.guardrail_id
    guardrail_version    = aws_bedrock_guardrail_version.support_v1.version
  }
}
```"""
    fix_cloudformation = """Create an `AWS::Bedrock::Guardrail` (with a PROMPT_ATTACK filter, content filters and PII filters), publish an `AWS::Bedrock::GuardrailVersion`, and bind it:

```yaml
Assistant:
  Type: AWS::Bedrock::Agent
  Properties:
    AgentName: support-assistant
    AgentResourceRoleArn: !GetAtt AgentRole.Arn
    FoundationModel: !Ref FoundationModel
    GuardrailConfiguration:
      GuardrailIdentifier: !GetAtt SupportGuardrail.GuardrailId
      GuardrailVersion: !GetAtt SupportGuardrailV1.Version
```"""
    references = (
        "https://docs.aws.amazon.com/bedrock/latest/userguide/agents-guardrail.html",
        "https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/bedrockagent_agent",
        "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-bedrock-agent-guardrailconfiguration.html",
    )

    def check(self, resource, ctx):
        block = resource.attributes.get("guardrail_configuration")
        if guardrails.unset(block):
            yield FAIL(f"Bedrock agent has no guardrail: `{resource.native_name(_BLOCK)}` is not set", _BLOCK)
            return
        bound = False
        undecided = None
        empty = None
        for path, instance in guardrails.instances(block, _BLOCK):
            if is_unknown(instance):
                undecided = undecided or (path, instance)
                continue
            if not isinstance(instance, dict):
                continue
            ident_path = path + ("guardrail_identifier",)
            ident = instance.get("guardrail_identifier")
            if is_unknown(ident):
                bound = True  # a reference to a guardrail (or an unresolved name) counts as set
            elif isinstance(ident, str) and ident.strip():
                bound = True
            elif empty is None:
                empty = ident_path
        if bound:
            yield PASS()
        elif undecided is not None:
            path, value = undecided
            yield UNKNOWN(f"Bedrock agent guardrail depends on `{value.expr}`, unknown until deployment "
                          f"({value.reason})", path)
        else:
            path = empty or _BLOCK
            yield FAIL(f"Bedrock agent has no guardrail: `{resource.native_name(path)}` is not set or empty", path)
