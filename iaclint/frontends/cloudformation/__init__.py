"""CloudFormation front end: parser (the only PyYAML user), evaluator (`evaluator`, with
`conditions` and `functions`), template loader."""
