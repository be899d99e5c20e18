"""The policy engine: what a policy is (`policy`), the YAML grammar (`yaml_policy`), the
built-in tool policies (`builtin`), the registry that discovers policy files
(`registry`), the runner that takes verdicts (`runner`) and turns them into findings
(`findings`).

It imports only `model` and `gate`. Policies import `engine.policy`; the engine loads
policy files by path and never imports a policy module by name.
"""
