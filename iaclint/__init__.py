"""iaclint: a policy linter for AI/ML infrastructure as code on AWS."""

__version__ = "0.1.0"
