"""Pages generated from the code, so that documentation cannot drift from it: the policy
reference (`docs/policies.md`, `iaclint rules --format markdown`), the coverage table
(`docs/coverage.md`), the built-in pack's index (`policies/_index.json`,
`policy_index`) and every record's `__init__` as source (`iaclint/model/record_inits.py`,
`record_inits`). Tests fail when a committed page is stale.

A face, like the CLI: it may import every layer below it; nothing imports it but the CLI
and the tests.
"""
