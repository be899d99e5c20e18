# Values for the Checkov differential test (tests/test_checkov_differential.py): the
# shapes Checkov's operators treat differently (numbers, booleans as strings, lists,
# maps, CIDR ranges, port ranges, repeated blocks, text with several words).

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
  tags = {
    team = "ml-platform"
    env  = "prod"
  }
}

resource "aws_security_group" "wide" {
  name        = "wide open"
  description = "allows everything from everywhere"
  vpc_id      = aws_vpc.main.id

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8", "192.168.1.0/24"]
  }
}

resource "aws_security_group" "narrow" {
  name   = "narrow"
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = 8000
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = ["10.1.0.0/16"]
  }
}

resource "aws_kms_key" "rotated" {
  description             = "key for the feature store"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_key" "stringly" {
  description             = "rotation written as a string"
  enable_key_rotation     = "true"
  deletion_window_in_days = "7"
}

resource "aws_kms_key" "zero" {
  description             = ""
  enable_key_rotation     = false
  deletion_window_in_days = 0
}

resource "aws_sagemaker_notebook_instance" "tagged" {
  name                   = "tagged notebook"
  role_arn               = "arn:aws:iam::123456789012:role/sagemaker"
  instance_type          = "ml.t3.medium"
  volume_size            = 50
  kms_key_id             = aws_kms_key.rotated.arn
  direct_internet_access = "Disabled"
  root_access            = "Disabled"
  security_groups        = [aws_security_group.narrow.id]
  subnet_id              = "subnet-0123456789abcdef0"
  tags = {
    team  = "ml-platform"
    owner = "data science"
  }
}

resource "aws_sagemaker_notebook_instance" "bare" {
  name          = "bare"
  role_arn      = "arn:aws:iam::123456789012:role/sagemaker"
  instance_type = "ml.p3.2xlarge"
  tags          = {}
}

resource "aws_sagemaker_endpoint_configuration" "two_variants" {
  name = "two-variants"

  production_variants {
    variant_name           = "blue"
    model_name             = "churn"
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 2
  }

  production_variants {
    variant_name           = "green"
    model_name             = "churn"
    instance_type          = "ml.g5.xlarge"
    initial_instance_count = 1
  }

  kms_key_arn = aws_kms_key.zero.arn
}

resource "aws_sagemaker_endpoint_configuration" "one_variant" {
  name = "one-variant"

  production_variants {
    variant_name           = "only"
    model_name             = "churn"
    instance_type          = "ml.m5.xlarge"
    initial_instance_count = 1
  }
}
