"""IAC411: notebook and Studio lifecycle scripts do not fetch and run remote code or re-open root.

The scripts of an `aws_sagemaker_notebook_instance_lifecycle_configuration` (`on_create`,
`on_start`; CloudFormation `OnCreate[].Content`, `OnStart[].Content`) are base64-encoded
shell scripts that run as root; those of an `aws_sagemaker_studio_lifecycle_config`
(`studio_lifecycle_config_content`, also with awscc) run in every Studio app that uses it. Decoded, each is searched (comment lines left out, `\\`
continuations joined) for three heuristics:

- a download piped or substituted into an interpreter: `curl ... | bash`,
  `wget -O- ... | sudo sh`, `bash -c "$(curl ...)"`, `source <(curl ...)`;
- `pip install` from somewhere other than PyPI: a URL or VCS requirement
  (`git+https://...`), an index or find-links URL on another host (AWS CodeArtifact
  repositories are allowed), or `--trusted-host`;
- granting root back to the notebook user: `sudoers`, `NOPASSWD`, adding a user to the
  `sudo`/`wheel` group.

A script that cannot be read statically (a parameterised `Fn::Base64` of `Fn::Sub`, a
variable) is unknown.
"""
from __future__ import annotations

import re

from iaclint.aws import scripts
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model import linear_regex
from iaclint.model.unknown import is_unknown

_INTERPRETER = r"(?:sudo\s+(?:-\S+\s+)*)?(?:/usr/bin/|/bin/)?(?:env\s+)?(?:(?:ba|da|z|k)?sh|python[\d.]*|perl|ruby)\b"
# In RE2 (linear): a line of `curl curl curl ...` made Python's re scan to its end from every `curl`.
_CHECKS = (
    ("pipes a download into an interpreter",
     linear_regex.Program(r"\b(?:curl|wget)\b[^|\n]*\|\s*" + _INTERPRETER)),
    ("runs a download through a shell",
     linear_regex.Program(r"\b(?:(?:ba|da|z|k)?sh|eval|source|\.)\s+(?:-c\s+)?[\"']?(?:\$\(|<\(|`)\s*(?:curl|wget)\b")),
    ("grants root through sudo",
     linear_regex.Program(r"\bsudoers\b|\bNOPASSWD\b|\busermod\b[^\n]*-a?G\s*(?:\S*,)?(?:sudo|wheel)\b")),
)
_PIP_INSTALL = re.compile(r"\bpip[\d.]*\s+install\b(?P<args>[^\n;&|]*)")
_URL = re.compile(r"(?:git\+|hg\+|svn\+|bzr\+)?(?:https?|ftp)://(?P<host>[^/\s\"':@]+(?::\d+)?)", re.IGNORECASE)
_PYPI_HOSTS = re.compile(r"^(?:pypi\.org|files\.pythonhosted\.org|pypi\.python\.org)$|"
                         r"\.codeartifact\.[a-z0-9-]+\.amazonaws\.com$", re.IGNORECASE)


def _pip_problem(args: str) -> str:
    if "--trusted-host" in args:
        return "installs pip packages with TLS verification turned off (`--trusted-host`)"
    for match in _URL.finditer(args):
        host = match.group("host").split(":")[0]
        if not _PYPI_HOSTS.search(host):
            return f"installs pip packages from `{host}`, not from PyPI"
    return ""


def findings(script: str) -> list[str]:
    """What the script does that the policy flags, one phrase per match with its line."""
    found = []
    for number, line in scripts.script_lines(script):
        shown = scripts.shown(line)
        for what, pattern in _CHECKS:
            if pattern.search(line):
                found.append(f"{what} (line {number}: `{shown}`)")
        for match in _PIP_INSTALL.finditer(line):
            problem = _pip_problem(match.group("args"))
            if problem:
                found.append(f"{problem} (line {number}: `{shown}`)")
    return found


class SagemakerNotebookLifecycleRemoteExec(Policy):
    id = "IAC411"
    name = "sagemaker-notebook-lifecycle-remote-exec"
    title = "SageMaker notebook and Studio lifecycle scripts do not run downloaded code or re-enable root"
    severity = "medium"
    category = "model-safeguards"
    resource_types = (scripts.NOTEBOOK_LIFECYCLE, scripts.STUDIO_LIFECYCLE)
    checkov_ids = ()

    def check(self, resource, ctx):
        decided = False
        for path, script in scripts.lifecycle_scripts(resource):
            name = resource.native_name(path)
            if is_unknown(script):
                decided = True
                yield UNKNOWN(f"The lifecycle script `{name}` cannot be read statically "
                              f"(`{scripts.shown(script.expr, 60)}`: {script.reason})", path)
            elif isinstance(script, str):
                problems = findings(scripts.decode(script))
                if problems:
                    decided = True
                    runs = "as root on the notebook instance" if resource.type == scripts.NOTEBOOK_LIFECYCLE \
                        else "in every Studio app that uses it"
                    yield FAIL(f"The lifecycle script `{name}`, which runs {runs}, "
                               f"{'; '.join(problems[:3])}", path)
        if not decided:
            yield PASS()
