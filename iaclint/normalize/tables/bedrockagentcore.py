"""Bedrock AgentCore: CloudFormation types, renames and AWS defaults.

The provider's names differ from CloudFormation's where a list became a repeated block
(`FilesystemConfigurations` is `filesystem_configuration`, `InterceptorConfigurations`
`interceptor_configuration`, `Certificates` `certificate`), where the provider shortened a
name (`RecordingConfig` is `recording`) and in the types themselves:
`AWS::BedrockAgentCore::Runtime` is `aws_bedrockagentcore_agent_runtime`,
`BrowserCustom` is `aws_bedrockagentcore_browser`, `CodeInterpreterCustom` is
`aws_bedrockagentcore_code_interpreter`. A runtime's environment variables are a map whose
keys are the user's (kept verbatim); a resource policy is a JSON document (kept verbatim).
"""

CFN_TYPES = {
    "AWS::BedrockAgentCore::Runtime": {
        "type": "aws_bedrockagentcore_agent_runtime",
        "renames": {"FilesystemConfigurations": "filesystem_configuration"},
        "opaque": ["EnvironmentVariables"],
    },
    "AWS::BedrockAgentCore::Gateway": {
        "type": "aws_bedrockagentcore_gateway",
        "renames": {"InterceptorConfigurations": "interceptor_configuration"},
    },
    "AWS::BedrockAgentCore::Memory": {"type": "aws_bedrockagentcore_memory"},
    "AWS::BedrockAgentCore::BrowserCustom": {
        "type": "aws_bedrockagentcore_browser",
        "renames": {"RecordingConfig": "recording", "Certificates": "certificate"},
    },
    "AWS::BedrockAgentCore::CodeInterpreterCustom": {
        "type": "aws_bedrockagentcore_code_interpreter",
        "renames": {"Certificates": "certificate"},
    },
    "AWS::BedrockAgentCore::ResourcePolicy": {
        "type": "aws_bedrockagentcore_resource_policy",
        "opaque": ["Policy"],
    },
}

DEFAULTS = {
    # The CloudFormation schemas give the network mode a default inside a written
    # `NetworkConfiguration` (the provider requires it): PUBLIC for a browser, SANDBOX for a
    # code interpreter. Recording is off unless enabled (both sources).
    "aws_bedrockagentcore_browser": {
        "network_configuration.network_mode": "PUBLIC",
        "recording.enabled": False,
    },
    "aws_bedrockagentcore_code_interpreter": {"network_configuration.network_mode": "SANDBOX"},
}
