"""The policy engine: what a policy is (`policy`), Checkov's YAML policy language
(`grammar` reads a definition, `operators` are Checkov's attribute operators, `attributes`
reads a path and applies one, `connections` decides blocks with connections per unit,
`vocabulary` reads CloudFormation names, `jsonpaths` the `jsonpath_*` operators,
`unknowns` what may be said of an unknown value, `conditions` evaluates a block on one
resource, `yaml_policy` ties them together), the
built-in tool policies (`builtin`), the registry that discovers policy files
(`registry`), the runner that takes verdicts (`runner`) and turns them into findings
(`findings`).

It imports only `model`, `normalize` (the translation tables, for CloudFormation names in
policies) and `gate`. Policies import `engine.policy`; the engine loads policy files by
path and never imports a policy module by name.
"""
