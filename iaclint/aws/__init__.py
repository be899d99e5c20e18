"""What policies know about AWS, shared so that no policy writes it twice.

`iam` (policy documents from every source, statements, wildcard matching, principals,
accounts), `s3` (which buckets are ML buckets), `s3_settings` (their encryption and
public access), `ecr`, `aoss` (OpenSearch Serverless collections and their policies),
`sagemaker_pipelines` (pipeline definitions), `sagemaker_endpoints`, `guardrails`,
`gpu_hosts`, `instances`, `mlscope` (is a bucket, key or repository part of an ML
workload), `scripts` (SageMaker lifecycle scripts), `credentials` (secrets written into
configuration), `vector_images` (self-hosted vector databases on ECS), `settings` (one enumerated setting in every dialect); and the three-valued helpers the policies share: `verdicts` (combining checks)
and `scoped` (a problem on a resource within a scope).

It imports `engine.policy` (verdicts), `model` and `gate`; never a front end, the
pipeline or a report. Policies import it; this is the room to change how a service is read.
"""
