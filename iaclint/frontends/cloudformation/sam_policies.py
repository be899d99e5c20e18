"""SAM policy templates, as the AWS SAM transform expands them (data, not code).

`Policies: [{S3CrudPolicy: {BucketName: !Ref Bucket}}]` on an `AWS::Serverless::Function`
becomes an inline policy of the function's implicit role whose statements are the
template's `Definition`, with every `{"Ref": <template parameter>}` replaced by the value
given. The definitions below are copied from SAM's
`samtranslator/policy_templates_data/policy_templates.json` (the templates an AI/ML
workload commonly uses: S3, DynamoDB, SQS/SNS/EventBridge, Lambda, KMS, Secrets Manager,
SSM, Step Functions, SageMaker endpoints, Comprehend, Rekognition, Textract, Polly, VPC and
CloudWatch). SAM has no Bedrock template: a Bedrock permission is an inline statement or a
managed policy. A template that is not listed here becomes an Unknown document, never a
guessed one.
"""
from __future__ import annotations


def _sub(arn: str, **params: str) -> dict:
    """`Fn::Sub` in the form the templates use: `[text, {var: {"Ref": Param}}]`."""
    if not params:
        return {"Fn::Sub": arn}
    return {"Fn::Sub": [arn, {var: {"Ref": param} for var, param in params.items()}]}


def _stmt(actions: list, resource, **extra) -> dict:
    statement = {"Effect": "Allow", "Action": actions, "Resource": resource}
    statement.update(extra)
    return statement


_S3_BUCKET = _sub("arn:${AWS::Partition}:s3:::${bucketName}", bucketName="BucketName")
_S3_OBJECTS = _sub("arn:${AWS::Partition}:s3:::${bucketName}/*", bucketName="BucketName")
_TABLE = _sub("arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}",
              tableName="TableName")
_TABLE_INDEX = _sub("arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/index/*",
                    tableName="TableName")
_QUEUE = _sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${queueName}", queueName="QueueName")
_KEY = _sub("arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${keyId}", keyId="KeyId")
_STATE_MACHINE = _sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${stateMachineName}",
                      stateMachineName="StateMachineName")
_COLLECTION = _sub("arn:${AWS::Partition}:rekognition:${AWS::Region}:${AWS::AccountId}:collection/${collectionId}",
                   collectionId="CollectionId")

# name -> (template parameters, statements)
TEMPLATES: dict[str, tuple[tuple[str, ...], list]] = {
    "S3ReadPolicy": (("BucketName",), [_stmt(
        ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion",
         "s3:GetLifecycleConfiguration"], [_S3_BUCKET, _S3_OBJECTS])]),
    "S3WritePolicy": (("BucketName",), [_stmt(
        ["s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration"], [_S3_BUCKET, _S3_OBJECTS])]),
    "S3CrudPolicy": (("BucketName",), [_stmt(
        ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion", "s3:PutObject",
         "s3:PutObjectAcl", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration", "s3:DeleteObject"],
        [_S3_BUCKET, _S3_OBJECTS])]),
    "S3FullAccessPolicy": (("BucketName",), [
        _stmt(["s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectVersion", "s3:PutObject", "s3:PutObjectAcl",
               "s3:DeleteObject", "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging",
               "s3:GetObjectTagging", "s3:GetObjectVersionTagging", "s3:PutObjectTagging",
               "s3:PutObjectVersionTagging"], [_S3_OBJECTS]),
        _stmt(["s3:ListBucket", "s3:GetBucketLocation", "s3:GetLifecycleConfiguration",
               "s3:PutLifecycleConfiguration"], [_S3_BUCKET])]),
    "DynamoDBReadPolicy": (("TableName",), [_stmt(
        ["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:BatchGetItem",
         "dynamodb:DescribeTable"], [_TABLE, _TABLE_INDEX])]),
    "DynamoDBWritePolicy": (("TableName",), [_stmt(
        ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"], [_TABLE, _TABLE_INDEX])]),
    "DynamoDBCrudPolicy": (("TableName",), [_stmt(
        ["dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:Scan", "dynamodb:Query",
         "dynamodb:UpdateItem", "dynamodb:BatchWriteItem", "dynamodb:BatchGetItem", "dynamodb:DescribeTable",
         "dynamodb:ConditionCheckItem"], [_TABLE, _TABLE_INDEX])]),
    "SQSPollerPolicy": (("QueueName",), [_stmt(
        ["sqs:ChangeMessageVisibility", "sqs:ChangeMessageVisibilityBatch", "sqs:DeleteMessage",
         "sqs:DeleteMessageBatch", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"], _QUEUE)]),
    "SQSSendMessagePolicy": (("QueueName",), [_stmt(["sqs:SendMessage*"], _QUEUE)]),
    "SNSPublishMessagePolicy": (("TopicName",), [_stmt(["sns:Publish"], _sub(
        "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${topicName}", topicName="TopicName"))]),
    "EventBridgePutEventsPolicy": (("EventBusName",), [_stmt("events:PutEvents", _sub(
        "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${eventBusName}",
        eventBusName="EventBusName"))]),
    "LambdaInvokePolicy": (("FunctionName",), [_stmt(["lambda:InvokeFunction"], _sub(
        "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionName}*",
        functionName="FunctionName"))]),
    "KMSDecryptPolicy": (("KeyId",), [_stmt("kms:Decrypt", _KEY)]),
    "KMSEncryptPolicy": (("KeyId",), [_stmt("kms:Encrypt", _KEY)]),
    "AWSSecretsManagerGetSecretValuePolicy": (("SecretArn",), [_stmt(
        ["secretsmanager:GetSecretValue"], _sub("${secretArn}", secretArn="SecretArn"))]),
    "SSMParameterReadPolicy": (("ParameterName",), [
        _stmt(["ssm:DescribeParameters"], "*"),
        _stmt(["ssm:GetParameters", "ssm:GetParameter", "ssm:GetParametersByPath"], _sub(
            "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/${parameterName}",
            parameterName="ParameterName"))]),
    "SSMParameterWithSlashPrefixReadPolicy": (("ParameterName",), [
        _stmt(["ssm:DescribeParameters"], "*"),
        _stmt(["ssm:GetParameters", "ssm:GetParameter", "ssm:GetParametersByPath"], _sub(
            "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${parameterName}",
            parameterName="ParameterName"))]),
    "StepFunctionsExecutionPolicy": (("StateMachineName",), [_stmt(["states:StartExecution"], _STATE_MACHINE)]),
    "SageMakerCreateEndpointPolicy": (("EndpointName",), [_stmt(["sagemaker:CreateEndpoint"], _sub(
        "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint/${endpointName}",
        endpointName="EndpointName"))]),
    "SageMakerCreateEndpointConfigPolicy": (("EndpointConfigName",), [_stmt(["sagemaker:CreateEndpointConfig"], _sub(
        "arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:endpoint-config/${endpointConfigName}",
        endpointConfigName="EndpointConfigName"))]),
    "ComprehendBasicAccessPolicy": ((), [_stmt(
        ["comprehend:BatchDetectKeyPhrases", "comprehend:DetectDominantLanguage", "comprehend:DetectEntities",
         "comprehend:BatchDetectEntities", "comprehend:DetectKeyPhrases", "comprehend:DetectSentiment",
         "comprehend:BatchDetectDominantLanguage", "comprehend:BatchDetectSentiment"], "*")]),
    "RekognitionDetectOnlyPolicy": ((), [_stmt(
        ["rekognition:DetectFaces", "rekognition:DetectLabels", "rekognition:DetectModerationLabels",
         "rekognition:DetectText"], "*")]),
    "RekognitionLabelsPolicy": ((), [_stmt(
        ["rekognition:DetectLabels", "rekognition:DetectModerationLabels"], "*")]),
    "RekognitionNoDataAccessPolicy": (("CollectionId",), [_stmt(
        ["rekognition:CompareFaces", "rekognition:DetectFaces", "rekognition:DetectLabels",
         "rekognition:DetectModerationLabels"], _COLLECTION)]),
    "RekognitionReadPolicy": (("CollectionId",), [_stmt(
        ["rekognition:ListCollections", "rekognition:ListFaces", "rekognition:SearchFaces",
         "rekognition:SearchFacesByImage"], _COLLECTION)]),
    "TextractPolicy": ((), [_stmt(["textract:*"], "*")]),
    "TextractDetectAnalyzePolicy": ((), [_stmt(
        ["textract:DetectDocumentText", "textract:StartDocumentTextDetection", "textract:StartDocumentAnalysis",
         "textract:AnalyzeDocument"], "*")]),
    "TextractGetResultPolicy": ((), [_stmt(
        ["textract:GetDocumentTextDetection", "textract:GetDocumentAnalysis"], "*")]),
    "PollyFullAccessPolicy": (("LexiconName",), [
        _stmt(["polly:GetLexicon", "polly:DeleteLexicon"], [_sub(
            "arn:${AWS::Partition}:polly:${AWS::Region}:${AWS::AccountId}:lexicon/${lexiconName}",
            lexiconName="LexiconName")]),
        _stmt(["polly:DescribeVoices", "polly:ListLexicons", "polly:PutLexicon", "polly:SynthesizeSpeech"],
              [_sub("arn:${AWS::Partition}:polly:${AWS::Region}:${AWS::AccountId}:lexicon/*")])]),
    "VPCAccessPolicy": ((), [_stmt(
        ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces",
         "ec2:DetachNetworkInterface"], "*")]),
    "CloudWatchPutMetricPolicy": ((), [_stmt(["cloudwatch:PutMetricData"], "*")]),
}

# AWS managed policies whose ARN has a path (SAM resolves names through its bundled map;
# the others live at the root path, `arn:aws:iam::aws:policy/<Name>`).
MANAGED_POLICY_PATHS = {
    name: "service-role/"
    for name in ("AWSLambdaBasicExecutionRole", "AWSLambdaVPCAccessExecutionRole", "AWSLambdaRole",
                 "AWSLambdaDynamoDBExecutionRole", "AWSLambdaKinesisExecutionRole",
                 "AWSLambdaSQSQueueExecutionRole", "AWSLambdaMSKExecutionRole", "AWSLambdaENIManagementAccess",
                 "AWSGlueServiceRole")
}
