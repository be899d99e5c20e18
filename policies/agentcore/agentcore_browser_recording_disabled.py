"""IAC504: a Bedrock AgentCore custom browser records its sessions to S3.

`recording.enabled` (`RecordingConfig.Enabled`, default false) with `recording.s3_location`
(`RecordingConfig.S3Location`): without both, nothing records which pages an agent opened
and what it typed into them. A missing block is reported at the resource header.
"""
from __future__ import annotations

from iaclint.aws.settings import read_setting, shown
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model import paths

_RECORDING = ("recording",)


class AgentCoreBrowserRecordingDisabled(Policy):
    id = "IAC504"
    name = "agentcore-browser-recording-disabled"
    title = "Bedrock AgentCore custom browser records its sessions"
    severity = "low"
    category = "logging-monitoring"
    resource_types = ("aws_bedrockagentcore_browser",)
    checkov_ids = ()

    def check(self, resource, ctx):
        recording = resource.native_name(_RECORDING)
        if resource.attributes.get("recording") in (None, [], {}):
            yield FAIL(f"Bedrock AgentCore browser sessions are not recorded: `{recording}` is not set")
            return
        decided = True
        for setting in read_setting(resource, "recording.enabled", ("FALSE",), unset_is_bad=True):
            name = resource.native_name(setting.path)
            if setting.bad is None:
                yield UNKNOWN(f"`{name}` is `{shown(setting.value)}`, unknown until deployment", setting.path)
                decided = False
            elif setting.bad:
                how = "is not set, and AWS defaults it to `false`" if setting.default else "is `false`"
                yield FAIL(f"Bedrock AgentCore browser sessions are not recorded: `{name}` {how}", setting.path)
                decided = False
            else:
                block = setting.path[:-1]
                location = paths.get(resource.attributes, block + ("s3_location",))
                if location in (None, [], {}):
                    where = block + ("s3_location",)
                    yield FAIL(f"Bedrock AgentCore browser recording has nowhere to go: "
                               f"`{resource.native_name(where)}` is not set", block)
                    decided = False
        if decided:
            yield PASS()
