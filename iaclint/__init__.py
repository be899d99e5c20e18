"""iaclint: a policy linter for AI/ML infrastructure as code on AWS.

The package is cut into layers, top to bottom; a layer imports only the layers below it
(`tests/test_layers.py` keeps that true):

- `faces`: the command line, the Language Server, turning flags into a scan;
- `reference`: the generated policy reference and coverage pages;
- `api`: the library API every face calls (`iaclint.api.scan`);
- `pipeline`: the scan's stages: discover, load (with the caches), check, filter;
- `formatters`: reports, pure functions of a finished result;
- `aws`: what policies know about AWS (IAM, S3, OpenSearch Serverless, ...);
- `engine`: what a policy is, the YAML grammar, the registry and the runner;
- `normalize` and `frontends`: canonical resources from Terraform and CloudFormation;
- `model` and `gate`: the data every layer shares, and the door to the file system.

The built-in policies live in the separate package `iaclint_policies` (`policies/`).
"""

__version__ = "0.1.0"
