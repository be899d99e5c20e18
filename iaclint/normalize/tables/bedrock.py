"""Bedrock: CloudFormation types, renames and AWS defaults."""

CFN_TYPES = {
    "AWS::Bedrock::Agent": {"type": "aws_bedrockagent_agent"},
    "AWS::Bedrock::Guardrail": {"type": "aws_bedrock_guardrail"},
    "AWS::Bedrock::KnowledgeBase": {"type": "aws_bedrockagent_knowledge_base"},
    "AWS::Bedrock::DataSource": {"type": "aws_bedrockagent_data_source"},
}

DEFAULTS: dict = {}
