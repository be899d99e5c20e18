"""IAC319: no credential is written into the configuration of an AI workload.

Where AI workloads carry secrets in plain text: the environment of a SageMaker model's
containers (`HF_TOKEN` for gated Hugging Face models, provider API keys), the environment
variables of a Bedrock AgentCore agent runtime (`OPENAI_API_KEY`, tool credentials), and
the lifecycle scripts of notebook instances and Studio apps (base64 shell scripts that run
as root). A value there is readable by anyone who can describe the resource, and lives on
in state files, templates, logs and every copy of the repository.

Flagged: a recognised token format anywhere (`iaclint.aws.credentials`), and, in an
environment variable named like a secret (`*_TOKEN`, `*_API_KEY`, `*PASSWORD`), any literal
value that is not a reference to Secrets Manager or Parameter Store nor a placeholder. A
conditional value is flagged when one of its branches holds a credential (it is in the
code either way). A value from a variable without a default is not written here and passes;
a lifecycle script that cannot be read statically is UNKNOWN.
"""
from __future__ import annotations

from iaclint.aws import credentials, scripts
from iaclint.engine.policy import FAIL, PASS, UNKNOWN, Policy
from iaclint.model import paths
from iaclint.model.unknown import ABSENT, branches, is_unknown

_RUNTIME = "aws_bedrockagentcore_agent_runtime"
_MODEL = "aws_sagemaker_model"
# Where each type keeps environment maps (canonical dotted paths).
_ENVIRONMENTS = {
    _RUNTIME: ("environment_variables",),
    _MODEL: ("primary_container.environment", "container.environment"),
}


def _literals(value) -> list[str]:
    """The known strings a value may be: itself, or each known branch of a conditional."""
    if isinstance(value, str):
        return [value]
    options = branches(value)
    return [o for o in options or () if isinstance(o, str) and o is not ABSENT]


class AiHardcodedCredentials(Policy):
    id = "IAC319"
    name = "ai-hardcoded-credentials"
    title = "No credential is written into an AI workload's environment or lifecycle scripts"
    severity = "high"
    category = "identity-and-access"
    resource_types = (*_ENVIRONMENTS, scripts.NOTEBOOK_LIFECYCLE, scripts.STUDIO_LIFECYCLE)
    checkov_ids = ()

    def check(self, resource, ctx):
        results = list(self._environment(resource) if resource.type in _ENVIRONMENTS else self._scripts(resource))
        yield from results or [PASS()]

    def _environment(self, resource):
        for dotted in _ENVIRONMENTS[resource.type]:
            for path, env in paths.find(resource.attributes, dotted):
                if not isinstance(env, dict):
                    continue
                for key, value in env.items():
                    where = tuple(path) + (key,)
                    what = next((w for w in (credentials.found_in_value(str(key), v) for v in _literals(value)) if w),
                                None)
                    if what:  # the variable's name as written: map keys are the user's, not spelt
                        yield FAIL(f"`{resource.native_name(tuple(path))}.{key}` holds {what} in plain text: anyone who can "
                                   f"describe the resource, and every copy of the code and state, can read it; "
                                   f"pass a Secrets Manager secret instead", where)

    def _scripts(self, resource):
        for path, script in scripts.lifecycle_scripts(resource):
            name = resource.native_name(path)
            if is_unknown(script):
                yield UNKNOWN(f"Whether the lifecycle script `{name}` holds a credential cannot be told statically "
                              f"(`{scripts.shown(script.expr, 60)}`: {script.reason})", path)
            elif isinstance(script, str):
                found = [(number, what) for number, line in scripts.script_lines(scripts.decode(script))
                         for what in [credentials.found_in_text(line)] if what]
                if found:
                    lines = ", ".join(f"{what} on line {number}" for number, what in found[:3])
                    yield FAIL(f"The lifecycle script `{name}` holds {lines} in plain text: anyone who can "
                               f"describe the configuration can read it; fetch it from Secrets Manager at run "
                               f"time instead", path)
