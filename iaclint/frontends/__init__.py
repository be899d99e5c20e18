"""The front ends: one per input format, from bytes to evaluated raw resources.

`terraform` (tree-sitter-hcl, `.tf`, `.tf.json`, variables, modules, plans) and
`cloudformation` (PyYAML nodes, templates, SAM, CDK output) each parse with exact spans
and evaluate what can be known statically; `jsonspans` is the one JSON reader that keeps
positions. Front ends know nothing of policies, suppressions or reports.

They import only `model` and `gate`; only `terraform.hcl` imports tree-sitter and only
`cloudformation.parser` imports PyYAML's loader.
"""
