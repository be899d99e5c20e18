"""Credentials written into configuration: the token formats that AI workloads carry
(Hugging Face, OpenAI, Anthropic, GitHub, AWS access keys, private keys) and environment
variables named like a secret.

Only formats with a fixed, recognisable shape are matched, so that a finding is almost
always a real credential; a value that names where the secret lives (a Secrets Manager or
SSM dynamic reference, a `${...}`/`$VAR` expansion) is not one. `found_in_text` searches a
script line by line; `found_in_value` judges one environment variable.
"""
from __future__ import annotations

import re
from typing import Optional

from iaclint.model import lazy_re

# (what, pattern): each pattern matches the credential itself.
TOKENS = (
    ("an AWS access key ID", lazy_re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("a Hugging Face token", lazy_re.compile(r"\bhf_[A-Za-z0-9]{30,}\b")),
    ("an Anthropic API key", lazy_re.compile(r"\bsk-ant-[A-Za-z0-9_-]{20,}")),
    ("an OpenAI API key", lazy_re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}")),
    ("a GitHub token", lazy_re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b")),
    ("a private key", lazy_re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----")),
)
# `aws_secret_access_key = wJalr...`, `AWS_SECRET_ACCESS_KEY=...`, `aws configure set
# aws_secret_access_key wJalr...`: 40 characters.
_AWS_SECRET = lazy_re.compile(r"aws_secret_access_key[\"']?(?:\s*[:=]\s*|\s+)[\"']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])",
                              re.IGNORECASE)
# Environment variable names that say the value is a secret.
SECRET_NAME = lazy_re.compile(r"(?:^|_)(?:TOKEN|API_?KEY|SECRET|SECRET_KEY|PASSWORD|PASSWD|ACCESS_KEY|PRIVATE_KEY|"
                              r"CLIENT_SECRET|AUTH)(?:$|_)", re.IGNORECASE)
# Values that point at a secret instead of holding it.
_REFERENCE = lazy_re.compile(r"^\s*(?:\{\{resolve:(?:secretsmanager|ssm-secure|ssm):|arn:aws[a-z-]*:(?:secretsmanager|ssm):|"
                             r"\$\{|\$[A-Za-z_])")
_PLACEHOLDER = lazy_re.compile(r"^(?:<[^>]*>|x+|\*+|changeme|change_me|replace_?me|todo|none|null|dummy|example|"
                               r"your[_-].*|test|placeholder)$", re.IGNORECASE)


def found_in_text(text: str) -> Optional[str]:
    """What credential a line of text holds ("a Hugging Face token"), None when none."""
    for what, pattern in TOKENS:
        if pattern.search(text):
            return what
    if _AWS_SECRET.search(text):
        return "an AWS secret access key"
    return None


def found_in_value(name: str, value: str) -> Optional[str]:
    """What credential the environment variable `name` = `value` holds: a recognised token,
    or any literal value of a variable named like a secret (`HF_TOKEN`, `DB_PASSWORD`) that
    is neither a reference to where the secret lives nor an obvious placeholder."""
    what = found_in_text(value)
    if what is not None:
        return what
    text = value.strip()
    if SECRET_NAME.search(name) and len(text) >= 8 and not _REFERENCE.match(text) and not _PLACEHOLDER.match(text):
        return "a literal secret (the variable is named like one)"
    return None
