"""Benchmark inputs: realistic AI/ML Terraform and CloudFormation, generated, deterministic.

The inputs are generated rather than checked in so the repository stays small and the
sizes can change with one argument. A seeded `random.Random` picks which resources each
file holds and whether each one is configured securely, so every run scans the same bytes
and both tools see a realistic mix of passing, failing and unresolvable attributes
(variables, references, `jsonencode` policies, `aws_iam_policy_document` data sources,
embedded pipeline JSON, `!Sub`/`!GetAtt`).
"""
from __future__ import annotations

import random
import shutil
from pathlib import Path

FILES_PER_DIR = 20  # one Terraform module (directory) per ~20 files, as in real repositories

TF_VARIABLES = """\
variable "project" {
  type    = string
  default = "%(project)s"
}

variable "vpc_id" {
  type    = string
  default = "vpc-0a1b2c3d4e5f60718"
}

variable "subnet_ids" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
}

variable "model_image" {
  type    = string
  default = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
}

variable "kms_key_arn" {
  type = string
}

locals {
  bucket = "${var.project}-ml-data"
  tags   = { project = var.project, owner = "ml-platform" }
}
"""


def _pick(rng: random.Random, secure: str, insecure: str, p_secure: float = 0.5) -> str:
    return secure if rng.random() < p_secure else insecure


def tf_kms(n: str, rng: random.Random) -> str:
    rotation = _pick(rng, "true", "false")
    return f"""
resource "aws_kms_key" "key_{n}" {{
  description             = "${{var.project}} data key {n}"
  deletion_window_in_days = 30
  enable_key_rotation     = {rotation}
  tags                    = local.tags
}}
"""


def tf_role(n: str, rng: random.Random) -> str:
    actions = _pick(rng, '["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob"]',
                    '["sagemaker:*", "bedrock:*", "iam:PassRole"]')
    resource = _pick(rng, '"arn:aws:sagemaker:us-east-1:123456789012:training-job/${var.project}-*"', '"*"')
    return f"""
resource "aws_iam_role" "exec_{n}" {{
  name = "${{var.project}}-exec-{n}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = {{ Service = "sagemaker.amazonaws.com" }}
      Action    = "sts:AssumeRole"
    }}]
  }})

  inline_policy {{
    name = "training"
    policy = jsonencode({{
      Version = "2012-10-17"
      Statement = [
        {{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::${{local.bucket}}/*" }},
        {{ Effect = "Allow", Action = {actions}, Resource = {resource} }},
      ]
    }})
  }}
  tags = local.tags
}}
"""


def tf_policy_document(n: str, rng: random.Random) -> str:
    actions = _pick(rng, '["bedrock:InvokeModel"]', '["bedrock:*"]')
    resources = _pick(rng, '["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"]',
                      '["*"]')
    return f"""
data "aws_iam_policy_document" "invoke_{n}" {{
  statement {{
    sid       = "Invoke"
    effect    = "Allow"
    actions   = {actions}
    resources = {resources}
  }}
  statement {{
    sid       = "PassToSageMaker"
    actions   = ["iam:PassRole"]
    resources = ["arn:aws:iam::123456789012:role/${{var.project}}-exec"]
    condition {{
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["sagemaker.amazonaws.com"]
    }}
  }}
}}

resource "aws_iam_policy" "invoke_{n}" {{
  name   = "${{var.project}}-invoke-{n}"
  policy = data.aws_iam_policy_document.invoke_{n}.json
}}
"""


def tf_notebook(n: str, rng: random.Random) -> str:
    body = [f'  name          = "${{var.project}}-nb-{n}"',
            '  role_arn      = "arn:aws:iam::123456789012:role/notebook"',
            '  instance_type = "ml.t3.medium"']
    if rng.random() < 0.5:
        body += ["  kms_key_id             = var.kms_key_arn",
                 "  subnet_id              = var.subnet_ids[0]",
                 '  security_groups        = ["sg-0123456789abcdef0"]',
                 '  direct_internet_access = "Disabled"',
                 '  root_access            = "Disabled"',
                 "",
                 "  instance_metadata_service_configuration {",
                 '    minimum_instance_metadata_service_version = "2"',
                 "  }"]
    body.append("  tags = local.tags")
    return f'\nresource "aws_sagemaker_notebook_instance" "nb_{n}" {{\n' + "\n".join(body) + "\n}\n"


def tf_endpoint(n: str, rng: random.Random) -> str:
    isolation = _pick(rng, "true", "false")
    kms = _pick(rng, "  kms_key_arn = var.kms_key_arn\n", "")
    capture = _pick(rng, """
  data_capture_config {
    enable_capture              = true
    initial_sampling_percentage = 10
    destination_s3_uri          = "s3://${local.bucket}/capture/"
    kms_key_id                  = var.kms_key_arn
    capture_options {
      capture_mode = "Input"
    }
    capture_options {
      capture_mode = "Output"
    }
  }
""", "")
    instance = rng.choice(["ml.m5.xlarge", "ml.c5.2xlarge", "ml.g5.xlarge", "ml.g4dn.xlarge"])
    return f"""
resource "aws_sagemaker_model" "model_{n}" {{
  name                     = "${{var.project}}-model-{n}"
  execution_role_arn       = "arn:aws:iam::123456789012:role/${{var.project}}-exec"
  enable_network_isolation = {isolation}

  primary_container {{
    image          = var.model_image
    model_data_url = "s3://${{local.bucket}}/models/{n}/model.tar.gz"
  }}
}}

resource "aws_sagemaker_endpoint_configuration" "config_{n}" {{
  name = "${{var.project}}-config-{n}"
{kms}
  production_variants {{
    variant_name           = "primary"
    model_name             = aws_sagemaker_model.model_{n}.name
    initial_instance_count = 1
    instance_type          = "{instance}"
  }}
{capture}}}

resource "aws_sagemaker_endpoint" "endpoint_{n}" {{
  name                 = "${{var.project}}-endpoint-{n}"
  endpoint_config_name = aws_sagemaker_endpoint_configuration.config_{n}.name
}}
"""


def tf_domain(n: str, rng: random.Random) -> str:
    access = _pick(rng, "VpcOnly", "PublicInternetOnly")
    kms = _pick(rng, "  kms_key_id              = var.kms_key_arn\n", "")
    return f"""
resource "aws_sagemaker_domain" "studio_{n}" {{
  domain_name             = "${{var.project}}-studio-{n}"
  auth_mode               = "IAM"
  vpc_id                  = var.vpc_id
  subnet_ids              = var.subnet_ids
  app_network_access_type = "{access}"
{kms}
  default_user_settings {{
    execution_role = "arn:aws:iam::123456789012:role/${{var.project}}-studio"
  }}
}}
"""


def tf_bedrock(n: str, rng: random.Random) -> str:
    prompt_attack = _pick(rng, """    filters_config {
      type            = "PROMPT_ATTACK"
      input_strength  = "HIGH"
      output_strength = "NONE"
    }
""", "")
    guardrail = _pick(rng, f"""
  guardrail_configuration {{
    guardrail_identifier = aws_bedrock_guardrail.guardrail_{n}.guardrail_id
    guardrail_version    = "1"
  }}
""", "")
    cmk = _pick(rng, "  customer_encryption_key_arn = var.kms_key_arn\n", "")
    return f"""
resource "aws_bedrock_guardrail" "guardrail_{n}" {{
  name                      = "${{var.project}}-guardrail-{n}"
  blocked_input_messaging   = "Sorry, I cannot help with that."
  blocked_outputs_messaging = "Sorry, I cannot answer that."

  content_policy_config {{
{prompt_attack}    filters_config {{
      type            = "HATE"
      input_strength  = "HIGH"
      output_strength = "HIGH"
    }}
  }}
}}

resource "aws_bedrockagent_agent" "agent_{n}" {{
  agent_name              = "${{var.project}}-agent-{n}"
  agent_resource_role_arn = "arn:aws:iam::123456789012:role/${{var.project}}-agent"
  foundation_model        = "anthropic.claude-3-haiku-20240307-v1:0"
  instruction             = "You answer questions about internal documentation and nothing else."
{cmk}{guardrail}}}
"""


def tf_pipeline(n: str, rng: random.Random) -> str:
    volume_key = _pick(rng, ', VolumeKmsKeyId = var.kms_key_arn', "")
    return f"""
resource "aws_sagemaker_pipeline" "pipeline_{n}" {{
  pipeline_name         = "${{var.project}}-pipeline-{n}"
  pipeline_display_name = "${{var.project}}-pipeline-{n}"
  role_arn              = "arn:aws:iam::123456789012:role/${{var.project}}-pipeline"

  pipeline_definition = jsonencode({{
    Version = "2020-12-01"
    Steps = [{{
      Name = "Train"
      Type = "Training"
      Arguments = {{
        RoleArn                = "arn:aws:iam::123456789012:role/${{var.project}}-exec"
        AlgorithmSpecification = {{ TrainingImage = var.model_image, TrainingInputMode = "File" }}
        OutputDataConfig       = {{ S3OutputPath = "s3://${{local.bucket}}/models/{n}/" }}
        ResourceConfig         = {{ InstanceCount = 1, InstanceType = "ml.m5.2xlarge", VolumeSizeInGB = 50{volume_key} }}
        StoppingCondition      = {{ MaxRuntimeInSeconds = 3600 }}
      }}
    }}]
  }})
}}
"""


def tf_monitor(n: str, rng: random.Random) -> str:
    volume_key = _pick(rng, "      volume_kms_key_id = var.kms_key_arn\n", "")
    return f"""
resource "aws_sagemaker_data_quality_job_definition" "monitor_{n}" {{
  name     = "${{var.project}}-monitor-{n}"
  role_arn = "arn:aws:iam::123456789012:role/${{var.project}}-monitor"

  data_quality_app_specification {{
    image_uri = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
  }}

  data_quality_job_input {{
    endpoint_input {{
      endpoint_name = "${{var.project}}-endpoint-{n}"
    }}
  }}

  data_quality_job_output_config {{
    monitoring_outputs {{
      s3_output {{
        s3_uri = "s3://${{local.bucket}}/monitoring/{n}/"
      }}
    }}
  }}

  job_resources {{
    cluster_config {{
      instance_count    = 1
      instance_type     = "ml.m5.large"
      volume_size_in_gb = 20
{volume_key}    }}
  }}
}}
"""


TF_BLOCKS = (tf_kms, tf_role, tf_policy_document, tf_notebook, tf_endpoint, tf_domain, tf_bedrock,
             tf_pipeline, tf_monitor)


def tf_file(tag: str, rng: random.Random, blocks: int = 5) -> str:
    chosen = rng.sample(TF_BLOCKS, blocks)
    return f"# Generated benchmark input {tag}.\n" + "".join(
        make(f"{tag}_{k}", rng) for k, make in enumerate(chosen))


# --- CloudFormation ---------------------------------------------------------------------

CFN_HEADER = """\
AWSTemplateFormatVersion: "2010-09-09"
Description: Generated benchmark input %(tag)s
Parameters:
  Project:
    Type: String
    Default: %(project)s
  KmsKeyArn:
    Type: String
  SubnetIds:
    Type: List<AWS::EC2::Subnet::Id>
    Default: subnet-0a1b2c3d4e5f60718,subnet-0f1e2d3c4b5a69788
Resources:
"""


def cfn_kms(n: str, rng: random.Random) -> str:
    return f"""  Key{n}:
    Type: AWS::KMS::Key
    Properties:
      Description: !Sub ${{Project}} data key {n}
      EnableKeyRotation: {_pick(rng, "true", "false")}
"""


def cfn_role(n: str, rng: random.Random) -> str:
    actions = _pick(rng, '["sagemaker:CreateTrainingJob"]', '["sagemaker:*", "bedrock:*", "iam:PassRole"]')
    resource = _pick(rng, '!Sub "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:training-job/*"',
                     '"*"')
    return f"""  Exec{n}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{Service: sagemaker.amazonaws.com}}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: training
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: {actions}
                Resource: {resource}
"""


def cfn_notebook(n: str, rng: random.Random) -> str:
    extra = _pick(rng, """      KmsKeyId: !Ref KmsKeyArn
      SubnetId: !Select [0, !Ref SubnetIds]
      SecurityGroupIds: [sg-0123456789abcdef0]
      DirectInternetAccess: Disabled
      RootAccess: Disabled
      InstanceMetadataServiceConfiguration:
        MinimumInstanceMetadataServiceVersion: "2"
""", "")
    return f"""  Notebook{n}:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      NotebookInstanceName: !Sub ${{Project}}-nb-{n}
      RoleArn: !Sub arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/notebook
      InstanceType: ml.t3.medium
{extra}"""


def cfn_endpoint(n: str, rng: random.Random) -> str:
    kms = _pick(rng, "      KmsKeyId: !Ref KmsKeyArn\n", "")
    capture = _pick(rng, """      DataCaptureConfig:
        EnableCapture: true
        InitialSamplingPercentage: 10
        DestinationS3Uri: !Sub s3://${Project}-ml-data/capture/
        KmsKeyId: !Ref KmsKeyArn
        CaptureOptions:
          - CaptureMode: Input
          - CaptureMode: Output
""", "")
    return f"""  Model{n}:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !Sub arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/exec
      EnableNetworkIsolation: {_pick(rng, "true", "false")}
      PrimaryContainer:
        Image: 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1
        ModelDataUrl: !Sub s3://${{Project}}-ml-data/models/{n}/model.tar.gz
  Config{n}:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
{kms}      ProductionVariants:
        - VariantName: primary
          ModelName: !GetAtt Model{n}.ModelName
          InitialInstanceCount: 1
          InstanceType: {rng.choice(["ml.m5.xlarge", "ml.c5.2xlarge", "ml.g5.xlarge"])}
{capture}  Endpoint{n}:
    Type: AWS::SageMaker::Endpoint
    Properties:
      EndpointConfigName: !GetAtt Config{n}.EndpointConfigName
"""


def cfn_domain(n: str, rng: random.Random) -> str:
    kms = _pick(rng, "      KmsKeyId: !Ref KmsKeyArn\n", "")
    return f"""  Studio{n}:
    Type: AWS::SageMaker::Domain
    Properties:
      DomainName: !Sub ${{Project}}-studio-{n}
      AuthMode: IAM
      VpcId: vpc-0a1b2c3d4e5f60718
      SubnetIds: !Ref SubnetIds
      AppNetworkAccessType: {_pick(rng, "VpcOnly", "PublicInternetOnly")}
{kms}      DefaultUserSettings:
        ExecutionRole: !Sub arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/studio
"""


def cfn_bedrock(n: str, rng: random.Random) -> str:
    prompt_attack = _pick(rng, """          - Type: PROMPT_ATTACK
            InputStrength: HIGH
            OutputStrength: NONE
""", "")
    guardrail = _pick(rng, f"""      GuardrailConfiguration:
        GuardrailIdentifier: !GetAtt Guardrail{n}.GuardrailId
        GuardrailVersion: DRAFT
""", "")
    cmk = _pick(rng, "      CustomerEncryptionKeyArn: !Ref KmsKeyArn\n", "")
    return f"""  Guardrail{n}:
    Type: AWS::Bedrock::Guardrail
    Properties:
      Name: !Sub ${{Project}}-guardrail-{n}
      BlockedInputMessaging: Sorry, I cannot help with that.
      BlockedOutputsMessaging: Sorry, I cannot answer that.
      ContentPolicyConfig:
        FiltersConfig:
{prompt_attack}          - Type: HATE
            InputStrength: HIGH
            OutputStrength: HIGH
  Agent{n}:
    Type: AWS::Bedrock::Agent
    Properties:
      AgentName: !Sub ${{Project}}-agent-{n}
      AgentResourceRoleArn: !Sub arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/agent
      FoundationModel: anthropic.claude-3-haiku-20240307-v1:0
      Instruction: You answer questions about internal documentation and nothing else.
{cmk}{guardrail}"""


def cfn_pipeline(n: str, rng: random.Random) -> str:
    volume_key = _pick(rng, ', "VolumeKmsKeyId": "${KmsKeyArn}"', "")
    return f"""  Pipeline{n}:
    Type: AWS::SageMaker::Pipeline
    Properties:
      PipelineName: !Sub ${{Project}}-pipeline-{n}
      RoleArn: !Sub arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/pipeline
      PipelineDefinition:
        PipelineDefinitionBody: !Sub |
          {{"Version": "2020-12-01", "Steps": [{{"Name": "Train", "Type": "Training", "Arguments": {{
            "AlgorithmSpecification": {{"TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", "TrainingInputMode": "File"}},
            "OutputDataConfig": {{"S3OutputPath": "s3://${{Project}}-ml-data/models/{n}/"}},
            "ResourceConfig": {{"InstanceCount": 1, "InstanceType": "ml.m5.2xlarge", "VolumeSizeInGB": 50{volume_key}}},
            "StoppingCondition": {{"MaxRuntimeInSeconds": 3600}}}}}}]}}
"""


CFN_BLOCKS = (cfn_kms, cfn_role, cfn_notebook, cfn_endpoint, cfn_domain, cfn_bedrock, cfn_pipeline)


def cfn_file(tag: str, rng: random.Random, blocks: int = 5) -> str:
    chosen = rng.sample(CFN_BLOCKS, blocks)
    return CFN_HEADER % {"tag": tag, "project": f"p{tag}".replace("_", "-")} + "".join(
        make(f"{tag}{k}".replace("_", ""), rng) for k, make in enumerate(chosen))


# --- layouts ------------------------------------------------------------------------------

def terraform_tree(root: Path, files: int, seed: int = 1) -> Path:
    """`files` .tf files in directories of FILES_PER_DIR, each with its own variables.tf."""
    rng = random.Random(seed)
    _fresh(root)
    written = 0
    module = 0
    while written < files:
        directory = root / f"module_{module:03d}"
        directory.mkdir(parents=True)
        (directory / "variables.tf").write_text(TF_VARIABLES % {"project": f"team{module}"})
        written += 1
        for index in range(1, FILES_PER_DIR):
            if written >= files:
                break
            (directory / f"stack_{index:02d}.tf").write_text(tf_file(f"{module}_{index}", rng))
            written += 1
        module += 1
    return root


def one_module_tree(root: Path, files: int, seed: int = 1) -> Path:
    """`files` .tf files in ONE directory (one Terraform root module, as a large monorepo
    root): one variables.tf and `files - 1` files of the same generator as `terraform_tree`.
    Everything a module holds sees everything else in it (graph, IAM, asset graph), so this
    is where work that grows with the size of a module shows."""
    rng = random.Random(seed)
    _fresh(root)
    (root / "variables.tf").write_text(TF_VARIABLES % {"project": "team"})
    for index in range(1, files):
        (root / f"stack_{index:03d}.tf").write_text(tf_file(f"0_{index}", rng))
    return root


def cloudformation_tree(root: Path, files: int, seed: int = 2) -> Path:
    rng = random.Random(seed)
    _fresh(root)
    for index in range(files):
        directory = root / f"stacks_{index // FILES_PER_DIR:03d}"
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"template_{index:04d}.yaml").write_text(cfn_file(f"{index}", rng, blocks=6))
    return root


def single_terraform(root: Path, seed: int = 3) -> Path:
    """One realistic main.tf holding a whole stack (every kind of block once)."""
    rng = random.Random(seed)
    _fresh(root)
    text = TF_VARIABLES % {"project": "single"} + "".join(make(f"s{k}", rng) for k, make in enumerate(TF_BLOCKS))
    path = root / "main.tf"
    path.write_text(text)
    return path


def single_cloudformation(root: Path, seed: int = 4) -> Path:
    rng = random.Random(seed)
    _fresh(root)
    text = CFN_HEADER % {"tag": "single", "project": "single"} + "".join(
        make(f"S{k}", rng) for k, make in enumerate(CFN_BLOCKS))
    path = root / "template.yaml"
    path.write_text(text)
    return path


def _fresh(root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)


# --- scale inputs (issue 7): one file that grows to a given number of lines --------------

def terraform_lines(root: Path, lines: int, seed: int = 5) -> Path:
    """One main.tf of at least `lines` lines: the variables once, then every kind of block in turn.

    Block names carry a running number, so the file is one module with distinct addresses,
    as a long hand-written root module would be.
    """
    rng = random.Random(seed)
    _fresh(root)
    parts = [TF_VARIABLES % {"project": "long"}]
    count = parts[0].count("\n")
    index = 0
    while count < lines:
        block = TF_BLOCKS[index % len(TF_BLOCKS)](f"l{index}", rng)
        parts.append(block)
        count += block.count("\n")
        index += 1
    path = root / "main.tf"
    path.write_text("".join(parts))
    return path


def cloudformation_lines(root: Path, lines: int, seed: int = 6) -> Path:
    """One template of at least `lines` lines: the parameters once, then every kind of resource in turn.

    A real stack is limited to 500 resources; this one goes past that on purpose, as a
    stress input (a 20,000-line template holds about 1,100 resources).
    """
    rng = random.Random(seed)
    _fresh(root)
    parts = [CFN_HEADER % {"tag": "long", "project": "long"}]
    count = parts[0].count("\n")
    index = 0
    while count < lines:
        block = CFN_BLOCKS[index % len(CFN_BLOCKS)](f"L{index}", rng)
        parts.append(block)
        count += block.count("\n")
        index += 1
    path = root / "template.yaml"
    path.write_text("".join(parts))
    return path


def count_lines(target: Path) -> int:
    """Lines in a file, or in every file under a directory."""
    paths = [target] if target.is_file() else sorted(p for p in target.rglob("*") if p.is_file())
    total = 0
    for path in paths:
        with path.open("rb") as handle:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return total
