"""The scan pipeline: the stages between "these paths" and "these findings".

`discover` finds the units (Terraform module directories, CloudFormation templates,
plans); `loading` turns each unit into canonical resources (through the front ends and
`normalize`, in worker processes, with `cache`) and takes the verdicts a unit decides
alone (`unit_checks`: a large unit's on two cores); `scan` runs the stages and applies what decides what is *reported*: per-path
ignores, `suppress`ions, the `baseline`, the `gitdiff`. `config` reads `.iaclint.yaml`,
`trust` decides which of its settings apply (a file from the scanned tree is data),
`globs` matches paths, `result_cache` keeps a whole scan's findings.

It may import `formatters` (format names), `engine`, `normalize`, `frontends`, `model`
and `gate`; never a face. Policies never import it.
"""
