"""Terraform front end: tree-sitter-hcl (`hcl`, the only tree-sitter user), `.tf.json`,
variables, the expression evaluator, modules and their calls (`tree`, `calls`, `module`), plans."""
