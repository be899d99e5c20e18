"""IAC133: Lex V2 audio conversation logs are encrypted with a customer-managed KMS key.

Audio logs go to S3 (`conversation_log_settings.audio_log_settings[].destination.s3_bucket`)
on a bot alias: `aws_lexv2models_bot_alias` (provider v6) and `AWS::Lex::BotAlias`, plus the
test alias of an `AWS::Lex::Bot` (`TestBotAliasSettings`). An enabled audio log setting
without `kms_key_arn` is reported; one whose `enabled` is unknown gives UNKNOWN.
"""
from __future__ import annotations

from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model import paths
from iaclint.model.unknown import is_unknown

_ALIAS = "aws_lexv2models_bot_alias"
_BOT = "aws_lexv2models_bot"
_SETTINGS = {
    _ALIAS: ("conversation_log_settings",),
    _BOT: ("test_bot_alias_settings", "conversation_log_settings"),
}
_KEY = ("destination", "s3_bucket", "kms_key_arn")


def _enabled(value):
    if is_unknown(value):
        return None
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


class LexBotAudioLogsNoCmk(Policy):
    id = "IAC133"
    name = "lex-bot-audio-logs-no-cmk"
    title = "Lex bot audio conversation logs are encrypted with a customer-managed KMS key"
    severity = "low"
    category = "data-protection"
    resource_types = (_ALIAS, _BOT)
    checkov_ids = ()

    def check(self, resource, ctx):
        base = _SETTINGS[resource.type] + ("audio_log_settings",)
        found = False
        for path, setting, complete in paths.find_detailed(resource.attributes, base + ("*",)) or \
                paths.find_detailed(resource.attributes, base):
            if not complete or is_unknown(setting):
                found = True
                yield UNKNOWN(f"`{resource.native_name(path)}` is unknown until deployment "
                              f"({getattr(setting, 'reason', '')})", path)
                continue
            if not isinstance(setting, dict):
                continue
            enabled = _enabled(setting.get("enabled"))
            keys = paths.find_detailed(setting, _KEY)
            if any(is_unknown(v) or v not in (None, "") for _, v, whole in keys if whole):
                continue
            if enabled is False:
                continue
            found = True
            where = path + paths.deepest_prefix(setting, _KEY)
            missing = resource.native_name(path + _KEY)
            if enabled is None:
                flag = setting.get("enabled")
                yield UNKNOWN(f"`{resource.native_name(path + ('enabled',))}` is `{flag.expr}`, unknown until "
                              f"deployment ({flag.reason}); if audio logging is on, `{missing}` is not set",
                              path + ("enabled",))
            else:
                yield FAIL(f"Lex audio conversation logs are not encrypted with a customer-managed KMS key: "
                           f"`{missing}` is not set", where)
        if not found:
            yield PASS()
