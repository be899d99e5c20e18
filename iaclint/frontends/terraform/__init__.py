"""Terraform front end: tree-sitter-hcl (`hcl`, the only tree-sitter user), `.tf.json`,
variables (`var_files`: the files Terraform loads by itself), the expression evaluator
(`expressions`, with `templates` and `function_calls`; `functions`, `regex` and the size
`estimates` of the built-in functions), modules and their calls (`tree`, `calls`,
`module`; a large module loaded in two halves of its files: `halves`), which syntax trees stay in
memory (`kept`), plans."""
