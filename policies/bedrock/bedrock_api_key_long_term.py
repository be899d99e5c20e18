"""IAC316: no long-term Amazon Bedrock API key is created for an IAM user.

A long-term Bedrock API key is an IAM service-specific credential for
`bedrock.amazonaws.com` (`aws_iam_service_specific_credential`): a static bearer token with
the permissions of its IAM user, usable from anywhere until it expires, and without
`credential_age_days` it never does. AWS recommends short-term keys (valid up to 12 hours)
for anything but exploration. An `Inactive` key passes. CloudFormation has no resource for
service-specific credentials, hence `formats`.
"""
from __future__ import annotations

from iaclint.aws.settings import read_setting, shown
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy

BEDROCK = "bedrock.amazonaws.com"


class BedrockApiKeyLongTerm(Policy):
    id = "IAC316"
    name = "bedrock-api-key-long-term"
    title = "No long-term Amazon Bedrock API key is created for an IAM user"
    severity = "high"
    category = "identity-and-access"
    resource_types = ("aws_iam_service_specific_credential",)
    formats = ("terraform",)  # no CloudFormation type for service-specific credentials
    checkov_ids = ()

    def check(self, resource, ctx):
        for field, bad in (("service_name", (BEDROCK,)), ("status", ("ACTIVE",))):
            # An Active key is the default; the service name is required.
            settings = read_setting(resource, field, bad, unset_is_bad=True if field == "status" else None)
            if field == "status" and not settings:
                continue  # the provider's default is Active
            for setting in settings:
                if setting.bad is None:
                    yield UNKNOWN(f"`{resource.native_name(setting.path)}` is `{shown(setting.value)}`, unknown "
                                  f"until deployment", setting.path)
                    return
                if not setting.bad:
                    yield PASS()
                    return
            if not settings:
                yield PASS()
                return
        age = resource.attributes.get("credential_age_days")
        if age is None:
            yield FAIL("Long-term Amazon Bedrock API key that never expires: `credential_age_days` is not set; use "
                       "short-term Bedrock API keys (valid up to 12 hours) or IAM roles instead")
        else:
            yield FAIL(f"Long-term Amazon Bedrock API key (expires after `{shown(age)}` days): a static bearer token "
                       "with the IAM user's permissions; use short-term Bedrock API keys (valid up to 12 hours) or "
                       "IAM roles instead", ("credential_age_days",))
