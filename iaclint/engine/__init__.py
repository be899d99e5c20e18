"""The policy engine: policy classes, the YAML grammar, the registry and the runner."""
