"""Other AI services (Kendra, Comprehend, Lex V2, Q Business): CloudFormation types, renames, defaults.

Lex V2 resources map to the provider's `aws_lexv2models_*` names (`AWS::Lex::BotAlias` is
`aws_lexv2models_bot_alias`; the legacy `aws_lex_bot_alias` is the unrelated Lex V1 API).
`AWS::Lex::Bot` has no Terraform twin for its `TestBotAliasSettings`; the names below it
follow the bot alias's. CloudFormation spells the text-log destination `CloudWatch`, the
provider `cloudwatch`. `AWS::Comprehend::Flywheel` has no Terraform resource; its derived
name is `aws_comprehend_flywheel`.
"""

_LEX_LOGS = {
    "ConversationLogSettings.TextLogSettings.Destination.CloudWatch": "cloudwatch",
    "ConversationLogSettings.TextLogSettings.Destination.CloudWatch.CloudWatchLogGroupArn":
        "cloudwatch_log_group_arn",
}

CFN_TYPES = {
    "AWS::Kendra::Index": {"type": "aws_kendra_index"},
    "AWS::Comprehend::DocumentClassifier": {
        "type": "aws_comprehend_document_classifier",
        "renames": {"DocumentClassifierName": "name"},
        "opaque": ["ModelPolicy"],
    },
    "AWS::Comprehend::EntityRecognizer": {
        "type": "aws_comprehend_entity_recognizer",
        "renames": {"RecognizerName": "name"},
        "opaque": ["ModelPolicy"],
    },
    "AWS::Comprehend::Flywheel": {"type": "aws_comprehend_flywheel"},
    # Q Business: the provider names the service role `iam_service_role_arn`.
    "AWS::QBusiness::Application": {
        "type": "aws_qbusiness_application",
        "renames": {"RoleArn": "iam_service_role_arn"},
    },
    "AWS::Lex::BotAlias": {"type": "aws_lexv2models_bot_alias", "renames": dict(_LEX_LOGS)},
    "AWS::Lex::Bot": {
        "type": "aws_lexv2models_bot",
        "renames": {f"TestBotAliasSettings.{k}": v for k, v in _LEX_LOGS.items()},
    },
}

DEFAULTS: dict = {}
