"""SageMaker: CloudFormation types, renames and AWS defaults."""

CFN_TYPES = {
    "AWS::SageMaker::NotebookInstance": {
        "type": "aws_sagemaker_notebook_instance",
        "renames": {"SecurityGroupIds": "security_groups"},
    },
    "AWS::SageMaker::NotebookInstanceLifecycleConfig": {
        "type": "aws_sagemaker_notebook_instance_lifecycle_configuration",
    },
    "AWS::SageMaker::StudioLifecycleConfig": {"type": "aws_sagemaker_studio_lifecycle_config"},
    "AWS::SageMaker::Domain": {"type": "aws_sagemaker_domain"},
    "AWS::SageMaker::UserProfile": {"type": "aws_sagemaker_user_profile"},
    "AWS::SageMaker::Space": {"type": "aws_sagemaker_space"},
    "AWS::SageMaker::EndpointConfig": {
        "type": "aws_sagemaker_endpoint_configuration",
        "renames": {"KmsKeyId": "kms_key_arn"},
    },
    "AWS::SageMaker::Endpoint": {"type": "aws_sagemaker_endpoint"},
    "AWS::SageMaker::Model": {
        "type": "aws_sagemaker_model",
        "renames": {"Containers": "container"},
        # Environment variable names are the user's (`HF_TOKEN`), kept verbatim.
        "opaque": ["PrimaryContainer.Environment", "Containers.Environment"],
    },
    "AWS::SageMaker::Pipeline": {
        "type": "aws_sagemaker_pipeline",
        # The JSON body sits one level deeper in CloudFormation than in Terraform.
        "moves": {
            "PipelineDefinition.PipelineDefinitionBody": "pipeline_definition",
            "PipelineDefinition.PipelineDefinitionS3Location": "pipeline_definition_s3_location",
        },
        "opaque": ["PipelineDefinition.PipelineDefinitionBody"],
    },
    "AWS::SageMaker::FeatureGroup": {"type": "aws_sagemaker_feature_group"},
    "AWS::SageMaker::DataQualityJobDefinition": {"type": "aws_sagemaker_data_quality_job_definition"},
    "AWS::SageMaker::ModelQualityJobDefinition": {"type": "aws_sagemaker_model_quality_job_definition"},
    "AWS::SageMaker::ModelBiasJobDefinition": {"type": "aws_sagemaker_model_bias_job_definition"},
    "AWS::SageMaker::ModelExplainabilityJobDefinition": {
        "type": "aws_sagemaker_model_explainability_job_definition",
    },
    "AWS::SageMaker::MonitoringSchedule": {"type": "aws_sagemaker_monitoring_schedule"},
    "AWS::SageMaker::ModelPackageGroup": {
        "type": "aws_sagemaker_model_package_group",
        "opaque": ["ModelPackageGroupPolicy"],
    },
    "AWS::SageMaker::CodeRepository": {"type": "aws_sagemaker_code_repository"},
    "AWS::SageMaker::MlflowTrackingServer": {"type": "aws_sagemaker_mlflow_tracking_server"},
    # No Terraform resource: the canonical name is iaclint's own, derived from the type.
    "AWS::SageMaker::InferenceExperiment": {"type": "aws_sagemaker_inference_experiment"},
}

DEFAULTS = {
    # AWS enables both unless told otherwise; Checkov's CKV_AWS_122 misses the unset case.
    "aws_sagemaker_notebook_instance": {
        "direct_internet_access": "Enabled",
        "root_access": "Enabled",
        "instance_metadata_service_configuration.minimum_instance_metadata_service_version": "1",
    },
    "aws_sagemaker_domain": {"app_network_access_type": "PublicInternetOnly"},
    "aws_sagemaker_model": {"enable_network_isolation": False},
    "aws_sagemaker_endpoint_configuration": {
        "production_variants.enable_ssm_access": False,
        "shadow_production_variants.enable_ssm_access": False,
    },
    # Monitoring jobs: no network isolation and no inter-container encryption unless asked
    # (filled only into a written network_config / NetworkConfig).
    **{job: {"network_config.enable_network_isolation": False,
             "network_config.enable_inter_container_traffic_encryption": False}
       for job in ("aws_sagemaker_data_quality_job_definition", "aws_sagemaker_model_quality_job_definition",
                   "aws_sagemaker_model_bias_job_definition", "aws_sagemaker_model_explainability_job_definition")},
    "aws_sagemaker_monitoring_schedule": {
        "monitoring_schedule_config.monitoring_job_definition.network_config.enable_network_isolation": False,
        "monitoring_schedule_config.monitoring_job_definition.network_config.enable_inter_container_traffic_encryption":
            False,
    },
}
