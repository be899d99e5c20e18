"""Bedrock: CloudFormation types, renames and AWS defaults."""

CFN_TYPES = {
    "AWS::Bedrock::Agent": {"type": "aws_bedrockagent_agent"},
    "AWS::Bedrock::Guardrail": {"type": "aws_bedrock_guardrail"},
    "AWS::Bedrock::KnowledgeBase": {"type": "aws_bedrockagent_knowledge_base"},
    "AWS::Bedrock::DataSource": {"type": "aws_bedrockagent_data_source"},
    # Prompt management: the provider's repeated `variant` block is CloudFormation's `Variants`.
    "AWS::Bedrock::Prompt": {"type": "aws_bedrockagent_prompt", "renames": {"Variants": "variant"}},
    "AWS::Bedrock::Flow": {"type": "aws_bedrockagent_flow", "opaque": ["DefinitionSubstitutions"]},
}

DEFAULTS: dict = {}
