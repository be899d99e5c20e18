"""SAM policy templates, as the AWS SAM transform expands them (data, not code).

`Policies: [{S3CrudPolicy: {BucketName: !Ref Bucket}}]` on an `AWS::Serverless::Function`
becomes an inline policy of the function's implicit role whose statements are the
template's `Definition`, with every `{"Ref": <template parameter>}` replaced by the value
given. The definitions below are copied from SAM's
`samtranslator/policy_templates_data/policy_templates.json` (every template of SAM
1.110.0; those an AI/ML workload uses most, S3, DynamoDB, SQS/SNS/EventBridge, Lambda, KMS,
Secrets Manager, SSM, Step Functions, SageMaker endpoints, Comprehend, Rekognition,
Textract, Polly, VPC and CloudWatch, in a shorter form). SAM has no Bedrock template: a
Bedrock permission is an inline statement or a managed policy. A template that is not
listed here (one a later SAM adds) becomes an Unknown document, never a guessed one.
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
    # The other templates of SAM 1.110.0, as its data writes them: none grants AI or IAM
    # actions, but a template left out made every AI policy UNKNOWN for the function's role.
    "AMIDescribePolicy": ((), [{"Action": ["ec2:DescribeImages"], "Effect": "Allow", "Resource": "*"}]),
    "AWSSecretsManagerRotationPolicy": (("FunctionName",), [
        {
            "Action": [
                "secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecretVersionStage"
            ],
            "Condition": {
                "StringEquals": {
                    "secretsmanager:resource/AllowRotationLambdaArn": {
                        "Fn::Sub": [
                            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionName}",
                            {"functionName": {"Ref": "FunctionName"}}
                        ]
                    }
                }
            },
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*"
            }
        },
        {
            "Action": ["secretsmanager:GetRandomPassword"],
            "Effect": "Allow",
            "Resource": "*"
        }
    ]),
    "AcmGetCertificatePolicy": (("CertificateArn",), [
        {
            "Action": ["acm:GetCertificate"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": ["${certificateArn}", {"certificateArn": {"Ref": "CertificateArn"}}]
            }
        }
    ]),
    "AthenaQueryPolicy": (("WorkGroupName",), [
        {
            "Action": [
                "athena:ListWorkGroups", "athena:GetExecutionEngine", "athena:GetExecutionEngines",
                "athena:GetNamespace", "athena:GetCatalogs", "athena:GetNamespaces", "athena:GetTables",
                "athena:GetTable"
            ],
            "Effect": "Allow",
            "Resource": "*"
        },
        {
            "Action": [
                "athena:StartQueryExecution", "athena:GetQueryResults", "athena:DeleteNamedQuery",
                "athena:GetNamedQuery", "athena:ListQueryExecutions", "athena:StopQueryExecution",
                "athena:GetQueryResultsStream", "athena:ListNamedQueries", "athena:CreateNamedQuery",
                "athena:GetQueryExecution", "athena:BatchGetNamedQuery", "athena:BatchGetQueryExecution",
                "athena:GetWorkGroup"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:athena:${AWS::Region}:${AWS::AccountId}:workgroup/${workgroupName}",
                    {"workgroupName": {"Ref": "WorkGroupName"}}
                ]
            }
        }
    ]),
    "CloudFormationDescribeStacksPolicy": ((), [
        {
            "Action": ["cloudformation:DescribeStacks"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": "arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:stack/*"
            }
        }
    ]),
    "CloudWatchDashboardPolicy": ((), [
        {
            "Action": [
                "cloudwatch:GetDashboard", "cloudwatch:ListDashboards", "cloudwatch:PutDashboard",
                "cloudwatch:ListMetrics"
            ],
            "Effect": "Allow",
            "Resource": "*"
        }
    ]),
    "CloudWatchDescribeAlarmHistoryPolicy": ((), [
        {
            "Action": ["cloudwatch:DescribeAlarmHistory"],
            "Effect": "Allow",
            "Resource": "*"
        }
    ]),
    "CodeCommitCrudPolicy": (("RepositoryName",), [
        {
            "Action": [
                "codecommit:GitPull", "codecommit:GitPush", "codecommit:CreateBranch", "codecommit:DeleteBranch",
                "codecommit:GetBranch", "codecommit:ListBranches", "codecommit:MergeBranchesByFastForward",
                "codecommit:MergeBranchesBySquash", "codecommit:MergeBranchesByThreeWay",
                "codecommit:UpdateDefaultBranch", "codecommit:BatchDescribeMergeConflicts",
                "codecommit:CreateUnreferencedMergeCommit", "codecommit:DescribeMergeConflicts",
                "codecommit:GetMergeCommit", "codecommit:GetMergeOptions", "codecommit:BatchGetPullRequests",
                "codecommit:CreatePullRequest", "codecommit:DescribePullRequestEvents",
                "codecommit:GetCommentsForPullRequest", "codecommit:GetCommitsFromMergeBase",
                "codecommit:GetMergeConflicts", "codecommit:GetPullRequest", "codecommit:ListPullRequests",
                "codecommit:MergePullRequestByFastForward", "codecommit:MergePullRequestBySquash",
                "codecommit:MergePullRequestByThreeWay", "codecommit:PostCommentForPullRequest",
                "codecommit:UpdatePullRequestDescription", "codecommit:UpdatePullRequestStatus",
                "codecommit:UpdatePullRequestTitle", "codecommit:DeleteFile", "codecommit:GetBlob",
                "codecommit:GetFile", "codecommit:GetFolder", "codecommit:PutFile",
                "codecommit:DeleteCommentContent", "codecommit:GetComment",
                "codecommit:GetCommentsForComparedCommit", "codecommit:PostCommentForComparedCommit",
                "codecommit:PostCommentReply", "codecommit:UpdateComment", "codecommit:BatchGetCommits",
                "codecommit:CreateCommit", "codecommit:GetCommit", "codecommit:GetCommitHistory",
                "codecommit:GetDifferences", "codecommit:GetObjectIdentifier", "codecommit:GetReferences",
                "codecommit:GetTree", "codecommit:GetRepository", "codecommit:UpdateRepositoryDescription",
                "codecommit:ListTagsForResource", "codecommit:TagResource", "codecommit:UntagResource",
                "codecommit:GetRepositoryTriggers", "codecommit:PutRepositoryTriggers",
                "codecommit:TestRepositoryTriggers", "codecommit:GetBranch", "codecommit:GetCommit",
                "codecommit:UploadArchive", "codecommit:GetUploadArchiveStatus", "codecommit:CancelUploadArchive"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:codecommit:${AWS::Region}:${AWS::AccountId}:${repositoryName}",
                    {"repositoryName": {"Ref": "RepositoryName"}}
                ]
            }
        }
    ]),
    "CodeCommitReadPolicy": (("RepositoryName",), [
        {
            "Action": [
                "codecommit:GitPull", "codecommit:GetBranch", "codecommit:ListBranches",
                "codecommit:BatchDescribeMergeConflicts", "codecommit:DescribeMergeConflicts",
                "codecommit:GetMergeCommit", "codecommit:GetMergeOptions", "codecommit:BatchGetPullRequests",
                "codecommit:DescribePullRequestEvents", "codecommit:GetCommentsForPullRequest",
                "codecommit:GetCommitsFromMergeBase", "codecommit:GetMergeConflicts", "codecommit:GetPullRequest",
                "codecommit:ListPullRequests", "codecommit:GetBlob", "codecommit:GetFile", "codecommit:GetFolder",
                "codecommit:GetComment", "codecommit:GetCommentsForComparedCommit", "codecommit:BatchGetCommits",
                "codecommit:GetCommit", "codecommit:GetCommitHistory", "codecommit:GetDifferences",
                "codecommit:GetObjectIdentifier", "codecommit:GetReferences", "codecommit:GetTree",
                "codecommit:GetRepository", "codecommit:ListTagsForResource", "codecommit:GetRepositoryTriggers",
                "codecommit:TestRepositoryTriggers", "codecommit:GetBranch", "codecommit:GetCommit",
                "codecommit:GetUploadArchiveStatus"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:codecommit:${AWS::Region}:${AWS::AccountId}:${repositoryName}",
                    {"repositoryName": {"Ref": "RepositoryName"}}
                ]
            }
        }
    ]),
    "CodePipelineLambdaExecutionPolicy": ((), [
        {
            "Action": ["codepipeline:PutJobSuccessResult", "codepipeline:PutJobFailureResult"],
            "Effect": "Allow",
            "Resource": "*"
        }
    ]),
    "CodePipelineReadOnlyPolicy": (("PipelineName",), [
        {
            "Action": ["codepipeline:ListPipelineExecutions"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:${pipelinename}",
                    {"pipelinename": {"Ref": "PipelineName"}}
                ]
            }
        }
    ]),
    "CostExplorerReadOnlyPolicy": ((), [
        {
            "Action": [
                "ce:GetCostAndUsage", "ce:GetDimensionValues", "ce:GetReservationCoverage",
                "ce:GetReservationPurchaseRecommendation", "ce:GetReservationUtilization", "ce:GetTags"
            ],
            "Effect": "Allow",
            "Resource": "*"
        }
    ]),
    "DynamoDBBackupFullAccessPolicy": (("TableName",), [
        {
            "Action": ["dynamodb:CreateBackup", "dynamodb:DescribeContinuousBackups"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}",
                    {"tableName": {"Ref": "TableName"}}
                ]
            }
        },
        {
            "Action": ["dynamodb:DeleteBackup", "dynamodb:DescribeBackup", "dynamodb:ListBackups"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/backup/*",
                    {"tableName": {"Ref": "TableName"}}
                ]
            }
        }
    ]),
    "DynamoDBReconfigurePolicy": (("TableName",), [
        {
            "Action": ["dynamodb:UpdateTable"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}",
                    {"tableName": {"Ref": "TableName"}}
                ]
            }
        }
    ]),
    "DynamoDBRestoreFromBackupPolicy": (("TableName",), [
        {
            "Action": ["dynamodb:RestoreTableFromBackup"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/backup/*",
                    {"tableName": {"Ref": "TableName"}}
                ]
            }
        },
        {
            "Action": [
                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:GetItem",
                "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchWriteItem"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}",
                    {"tableName": {"Ref": "TableName"}}
                ]
            }
        }
    ]),
    "DynamoDBStreamReadPolicy": (("StreamName", "TableName"), [
        {
            "Action": [
                "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}"
                    ":table/${tableName}/stream/${streamName}",
                    {
                        "streamName": {"Ref": "StreamName"},
                        "tableName": {"Ref": "TableName"}
                    }
                ]
            }
        },
        {
            "Action": ["dynamodb:ListStreams"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/stream/*",
                    {"tableName": {"Ref": "TableName"}}
                ]
            }
        }
    ]),
    "EC2CopyImagePolicy": (("ImageId",), [
        {
            "Action": ["ec2:CopyImage"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:image/${imageId}",
                    {"imageId": {"Ref": "ImageId"}}
                ]
            }
        }
    ]),
    "EC2DescribePolicy": ((), [
        {
            "Action": ["ec2:DescribeRegions", "ec2:DescribeInstances"],
            "Effect": "Allow",
            "Resource": "*"
        }
    ]),
    "EFSWriteAccessPolicy": (("AccessPoint", "FileSystem"), [
        {
            "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            "Condition": {
                "StringEquals": {
                    "elasticfilesystem:AccessPointArn": {
                        "Fn::Sub": [
                            "arn:${AWS::Partition}:elasticfilesystem:${AWS::Region}:${AWS::AccountId}"
                            ":access-point/${AccessPoint}",
                            {"AccessPoint": {"Ref": "AccessPoint"}}
                        ]
                    }
                }
            },
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:elasticfilesystem:${AWS::Region}:${AWS::AccountId}"
                    ":file-system/${FileSystem}",
                    {"FileSystem": {"Ref": "FileSystem"}}
                ]
            }
        }
    ]),
    "EKSDescribePolicy": ((), [
        {
            "Action": ["eks:DescribeCluster", "eks:ListClusters"],
            "Effect": "Allow",
            "Resource": "*"
        }
    ]),
    "EcsRunTaskPolicy": (("TaskDefinition",), [
        {
            "Action": ["ecs:RunTask"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task-definition/${taskDefinition}",
                    {"taskDefinition": {"Ref": "TaskDefinition"}}
                ]
            }
        }
    ]),
    "ElasticMapReduceAddJobFlowStepsPolicy": (("ClusterId",), [
        {
            "Action": "elasticmapreduce:AddJobFlowSteps",
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:elasticmapreduce:${AWS::Region}:${AWS::AccountId}:cluster/${clusterId}",
                    {"clusterId": {"Ref": "ClusterId"}}
                ]
            }
        }
    ]),
    "ElasticMapReduceCancelStepsPolicy": (("ClusterId",), [
        {
            "Action": "elasticmapreduce:CancelSteps",
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:elasticmapreduce:${AWS::Region}:${AWS::AccountId}:cluster/${clusterId}",
                    {"clusterId": {"Ref": "ClusterId"}}
                ]
            }
        }
    ]),
    "ElasticMapReduceModifyInstanceFleetPolicy": (("ClusterId",), [
        {
            "Action": [
                "elasticmapreduce:ModifyInstanceFleet", "elasticmapreduce:ListInstanceFleets"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:elasticmapreduce:${AWS::Region}:${AWS::AccountId}:cluster/${clusterId}",
                    {"clusterId": {"Ref": "ClusterId"}}
                ]
            }
        }
    ]),
    "ElasticMapReduceModifyInstanceGroupsPolicy": (("ClusterId",), [
        {
            "Action": [
                "elasticmapreduce:ModifyInstanceGroups", "elasticmapreduce:ListInstanceGroups"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:elasticmapreduce:${AWS::Region}:${AWS::AccountId}:cluster/${clusterId}",
                    {"clusterId": {"Ref": "ClusterId"}}
                ]
            }
        }
    ]),
    "ElasticMapReduceSetTerminationProtectionPolicy": (("ClusterId",), [
        {
            "Action": "elasticmapreduce:SetTerminationProtection",
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:elasticmapreduce:${AWS::Region}:${AWS::AccountId}:cluster/${clusterId}",
                    {"clusterId": {"Ref": "ClusterId"}}
                ]
            }
        }
    ]),
    "ElasticMapReduceTerminateJobFlowsPolicy": (("ClusterId",), [
        {
            "Action": "elasticmapreduce:TerminateJobFlows",
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:elasticmapreduce:${AWS::Region}:${AWS::AccountId}:cluster/${clusterId}",
                    {"clusterId": {"Ref": "ClusterId"}}
                ]
            }
        }
    ]),
    "ElasticsearchHttpPostPolicy": (("DomainName",), [
        {
            "Action": ["es:ESHttpPost", "es:ESHttpPut"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/${domainName}/*",
                    {"domainName": {"Ref": "DomainName"}}
                ]
            }
        }
    ]),
    "FilterLogEventsPolicy": (("LogGroupName",), [
        {
            "Action": ["logs:FilterLogEvents"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${logGroupName}:log-stream"
                    ":*",
                    {"logGroupName": {"Ref": "LogGroupName"}}
                ]
            }
        }
    ]),
    "FirehoseCrudPolicy": (("DeliveryStreamName",), [
        {
            "Action": [
                "firehose:CreateDeliveryStream", "firehose:DeleteDeliveryStream", "firehose:DescribeDeliveryStream",
                "firehose:PutRecord", "firehose:PutRecordBatch", "firehose:UpdateDestination"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:firehose:${AWS::Region}:${AWS::AccountId}"
                    ":deliverystream/${deliveryStreamName}",
                    {"deliveryStreamName": {"Ref": "DeliveryStreamName"}}
                ]
            }
        }
    ]),
    "FirehoseWritePolicy": (("DeliveryStreamName",), [
        {
            "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:firehose:${AWS::Region}:${AWS::AccountId}"
                    ":deliverystream/${deliveryStreamName}",
                    {"deliveryStreamName": {"Ref": "DeliveryStreamName"}}
                ]
            }
        }
    ]),
    "KMSEncryptPolicy_v2": (("KeyId",), [
        {
            "Action": [
                "kms:Encrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext",
                "kms:GenerateDataKeyPair", "kms:GenerateDataKeyPairWithoutPlaintext"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${keyId}",
                    {"keyId": {"Ref": "KeyId"}}
                ]
            }
        }
    ]),
    "KinesisCrudPolicy": (("StreamName",), [
        {
            "Action": [
                "kinesis:AddTagsToStream", "kinesis:CreateStream", "kinesis:DecreaseStreamRetentionPeriod",
                "kinesis:DeleteStream", "kinesis:DescribeStream", "kinesis:DescribeStreamSummary",
                "kinesis:GetShardIterator", "kinesis:IncreaseStreamRetentionPeriod", "kinesis:ListTagsForStream",
                "kinesis:MergeShards", "kinesis:PutRecord", "kinesis:PutRecords", "kinesis:SplitShard",
                "kinesis:RemoveTagsFromStream"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${streamName}",
                    {"streamName": {"Ref": "StreamName"}}
                ]
            }
        }
    ]),
    "KinesisStreamReadPolicy": (("StreamName",), [
        {
            "Action": ["kinesis:ListStreams", "kinesis:DescribeLimits"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/*"
            }
        },
        {
            "Action": [
                "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords",
                "kinesis:GetShardIterator"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${streamName}",
                    {"streamName": {"Ref": "StreamName"}}
                ]
            }
        }
    ]),
    "MobileAnalyticsWriteOnlyAccessPolicy": ((), [
        {"Action": ["mobileanalytics:PutEvents"], "Effect": "Allow", "Resource": "*"}
    ]),
    "OrganizationsListAccountsPolicy": ((), [
        {"Action": ["organizations:ListAccounts"], "Effect": "Allow", "Resource": "*"}
    ]),
    "PinpointEndpointAccessPolicy": (("PinpointApplicationId",), [
        {
            "Action": [
                "mobiletargeting:GetEndpoint", "mobiletargeting:UpdateEndpoint",
                "mobiletargeting:UpdateEndpointsBatch"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:mobiletargeting:${AWS::Region}:${AWS::AccountId}"
                    ":apps/${pinpointApplicationId}/endpoints/*",
                    {"pinpointApplicationId": {"Ref": "PinpointApplicationId"}}
                ]
            }
        }
    ]),
    "RekognitionFacesManagementPolicy": (("CollectionId",), [
        {
            "Action": [
                "rekognition:IndexFaces", "rekognition:DeleteFaces", "rekognition:SearchFaces",
                "rekognition:SearchFacesByImage", "rekognition:ListFaces"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:rekognition:${AWS::Region}:${AWS::AccountId}:collection/${collectionId}",
                    {"collectionId": {"Ref": "CollectionId"}}
                ]
            }
        }
    ]),
    "RekognitionFacesPolicy": ((), [
        {
            "Action": ["rekognition:CompareFaces", "rekognition:DetectFaces"],
            "Effect": "Allow",
            "Resource": "*"
        }
    ]),
    "RekognitionWriteOnlyAccessPolicy": (("CollectionId",), [
        {
            "Action": ["rekognition:CreateCollection", "rekognition:IndexFaces"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:rekognition:${AWS::Region}:${AWS::AccountId}:collection/${collectionId}",
                    {"collectionId": {"Ref": "CollectionId"}}
                ]
            }
        }
    ]),
    "Route53ChangeResourceRecordSetsPolicy": (("HostedZoneId",), [
        {
            "Action": ["route53:ChangeResourceRecordSets"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:route53:::hostedzone/${HostedZoneId}",
                    {"HostedZoneId": {"Ref": "HostedZoneId"}}
                ]
            }
        }
    ]),
    "SESBulkTemplatedCrudPolicy": (("IdentityName",), [
        {
            "Action": [
                "ses:GetIdentityVerificationAttributes", "ses:SendEmail", "ses:SendRawEmail",
                "ses:SendTemplatedEmail", "ses:SendBulkTemplatedEmail", "ses:VerifyEmailIdentity"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${identityName}",
                    {"identityName": {"Ref": "IdentityName"}}
                ]
            }
        }
    ]),
    "SESBulkTemplatedCrudPolicy_v2": (("IdentityName", "TemplateName"), [
        {
            "Action": [
                "ses:SendEmail", "ses:SendRawEmail", "ses:SendTemplatedEmail", "ses:SendBulkTemplatedEmail"
            ],
            "Effect": "Allow",
            "Resource": [
                {
                    "Fn::Sub": [
                        "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${identityName}",
                        {"identityName": {"Ref": "IdentityName"}}
                    ]
                },
                {
                    "Fn::Sub": [
                        "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:template/${templateName}",
                        {"templateName": {"Ref": "TemplateName"}}
                    ]
                }
            ]
        },
        {
            "Action": ["ses:GetIdentityVerificationAttributes", "ses:VerifyEmailIdentity"],
            "Effect": "Allow",
            "Resource": "*"
        }
    ]),
    "SESCrudPolicy": (("IdentityName",), [
        {
            "Action": [
                "ses:GetIdentityVerificationAttributes", "ses:SendEmail", "ses:SendRawEmail",
                "ses:VerifyEmailIdentity"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${identityName}",
                    {"identityName": {"Ref": "IdentityName"}}
                ]
            }
        }
    ]),
    "SESEmailTemplateCrudPolicy": ((), [
        {
            "Action": [
                "ses:CreateTemplate", "ses:GetTemplate", "ses:ListTemplates", "ses:UpdateTemplate",
                "ses:DeleteTemplate", "ses:TestRenderTemplate"
            ],
            "Effect": "Allow",
            "Resource": "*"
        }
    ]),
    "SESSendBouncePolicy": (("IdentityName",), [
        {
            "Action": ["ses:SendBounce"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${identityName}",
                    {"identityName": {"Ref": "IdentityName"}}
                ]
            }
        }
    ]),
    "SNSCrudPolicy": (("TopicName",), [
        {
            "Action": [
                "sns:ListSubscriptionsByTopic", "sns:CreateTopic", "sns:SetTopicAttributes", "sns:Subscribe",
                "sns:Publish"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${topicName}*",
                    {"topicName": {"Ref": "TopicName"}}
                ]
            }
        }
    ]),
    "ServerlessRepoReadWriteAccessPolicy": ((), [
        {
            "Action": [
                "serverlessrepo:CreateApplication", "serverlessrepo:CreateApplicationVersion",
                "serverlessrepo:UpdateApplication", "serverlessrepo:GetApplication",
                "serverlessrepo:ListApplications", "serverlessrepo:ListApplicationVersions",
                "serverlessrepo:ListApplicationDependencies"
            ],
            "Effect": "Allow",
            "Resource": [
                {
                    "Fn::Sub": "arn:${AWS::Partition}:serverlessrepo:${AWS::Region}:${AWS::AccountId}:applications/*"
                }
            ]
        }
    ]),
    "StepFunctionsCallbackPolicy": (("StateMachineName",), [
        {
            "Action": [
                "states:SendTaskFailure", "states:SendTaskHeartbeat", "states:SendTaskSuccess"
            ],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${stateMachineName}",
                    {"stateMachineName": {"Ref": "StateMachineName"}}
                ]
            }
        }
    ]),
    "StepFunctionsExecutionPolicy_v2": (("StateMachineName",), [
        {
            "Action": ["states:StartExecution", "states:StartSyncExecution"],
            "Effect": "Allow",
            "Resource": {
                "Fn::Sub": [
                    "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${stateMachineName}",
                    {"stateMachineName": {"Ref": "StateMachineName"}}
                ]
            }
        }
    ]),
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
