"""CloudFormation front end: parser (the only PyYAML user), evaluator, template loader."""
