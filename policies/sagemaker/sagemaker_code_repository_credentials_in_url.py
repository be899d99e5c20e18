"""IAC307: a Git password or token written into a SageMaker code repository URL.

Python rather than YAML because the finding must not repeat the secret: the message shows
the URL with the credential masked, which the declarative grammar cannot do (it prints the
offending value).
"""
from __future__ import annotations

import re

from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy, Verdict
from iaclint.model import linear_regex, paths
from iaclint.model.unknown import is_unknown

CODE_REPOSITORY = "aws_sagemaker_code_repository"
NOTEBOOK = "aws_sagemaker_notebook_instance"

# Where repository URLs live, per canonical type.
URL_PATHS = {
    CODE_REPOSITORY: ("git_config.repository_url",),
    NOTEBOOK: ("default_code_repository", "additional_code_repositories"),
}

# scheme://userinfo@host... ; userinfo stops at the first '/', '@' or whitespace.
# In RE2 (linear): Python's re tries the scheme at every letter of `aaaa...`, quadratic in a long URL.
_USERINFO = linear_regex.Program(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^/@\s\"']+)@(?P<rest>[^\s\"']*)")
# Well-known token prefixes: GitHub classic and fine-grained, GitLab, Bitbucket app passwords.
_TOKEN_PREFIX = re.compile(r"(gh[pousr]_|github_pat_|glpat-|ATBB)", re.IGNORECASE)
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_\-.~%]{20,}")
_INTERPOLATION = linear_regex.Program(r"\$\{[^}]*\}|\{\{[^}]*\}\}")


def credential_kind(userinfo: str) -> str | None:
    """'password' for user:password, 'token' for a bare token, None for a plain user name."""
    user, sep, secret = userinfo.partition(":")
    if sep and secret:
        return "password"
    if sep:
        return None  # `user:@host`: an empty password
    if _TOKEN_PREFIX.match(user):
        return "token"
    if _TOKEN_SHAPE.fullmatch(user) and re.search(r"\d", user) and re.search(r"[A-Za-z]", user):
        return "token"
    return None


def redact(match: re.Match) -> str:
    """The URL with the secret part of its userinfo masked."""
    user, sep, _ = match["userinfo"].partition(":")
    masked = f"{user}:****" if sep else "****"
    rest = match["rest"]
    if len(rest) > 60:
        rest = rest[:57] + "..."
    return f"{match['scheme']}{masked}@{rest}"


class SageMakerCodeRepositoryCredentialsInUrl(Policy):
    id = "IAC307"
    name = "sagemaker-code-repository-credentials-in-url"
    title = "SageMaker Git repository URLs carry no credentials"
    severity = "critical"
    category = "identity-and-access"
    resource_types = (CODE_REPOSITORY, NOTEBOOK)
    message = "SageMaker Git repository URL contains credentials"

    def check(self, resource, ctx):
        failures, unknowns = [], []
        for dotted in URL_PATHS.get(resource.type, ()):
            for path, value in _urls(resource.attributes, dotted):
                verdict = self._judge(resource, path, value)
                if verdict is None:
                    continue
                (failures if verdict.verdict is Verdict.FAIL else unknowns).append(verdict)
        if failures:
            yield from failures
        elif unknowns:
            yield from unknowns
        else:
            yield PASS()

    def _judge(self, resource, path: tuple, value):
        name = resource.native_name(path)
        if isinstance(value, str):
            for match in _USERINFO.finditer(value):
                kind = credential_kind(match["userinfo"])
                if kind:
                    return FAIL(f"{self.message}: `{name}` embeds a {kind} ({redact(match)})", path)
            return None
        if is_unknown(value):
            text = value.expr or ""
            for match in _USERINFO.finditer(text):
                userinfo = match["userinfo"]
                if _INTERPOLATION.search(userinfo):
                    return UNKNOWN(f"{self.message}: `{name}` puts `{_short(userinfo)}` in the URL's "
                                   f"credentials part, unknown until deployment ({value.reason})", path)
                kind = credential_kind(userinfo)
                if kind:
                    return FAIL(f"{self.message}: `{name}` embeds a {kind} ({redact(match)})", path)
            if "://" in text:
                return None  # a URL template with no user part
            if value.refs and not _mentions_variable(text):
                return None  # names another resource (a code repository), checked on its own
            return UNKNOWN(f"{self.message}: `{name}` is `{_short(text)}`, unknown until deployment "
                           f"({value.reason})", path)
        return None


def _urls(attributes: dict, dotted: str):
    """(path, value) of every URL-valued entry at `dotted`, list members one by one."""
    for path, value, complete in paths.find_detailed(attributes, dotted):
        if isinstance(value, list) and complete:
            for i, item in enumerate(value):
                yield path + (i,), item
        else:
            yield path, value


def _mentions_variable(text: str) -> bool:
    """A Terraform variable or local: its value may be a URL, whatever else is referenced."""
    return bool(re.search(r"\bvar\.|\blocal\.", text))


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."
