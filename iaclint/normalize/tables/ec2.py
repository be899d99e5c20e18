"""EC2 (instances, launch templates, subnets, EBS volumes): CloudFormation types, renames.

`AWS::EC2::LaunchTemplate` nests the instance settings under `LaunchTemplateData`, where
`aws_launch_template` has them at the top level: the settings policies read are moved up.
`AWS::EC2::Instance.BlockDeviceMappings` keeps its shape (`block_device_mappings[].ebs`):
Terraform's `root_block_device` / `ebs_block_device` split depends on the AMI's root device
name, which a template does not state.
"""

CFN_TYPES = {
    "AWS::EC2::Instance": {
        "type": "aws_instance",
        "renames": {
            "LaunchTemplate.LaunchTemplateId": "id",
            "LaunchTemplate.LaunchTemplateName": "name",
            "SecurityGroupIds": "vpc_security_group_ids",
            "ImageId": "ami",
        },
    },
    "AWS::EC2::LaunchTemplate": {
        "type": "aws_launch_template",
        "renames": {"LaunchTemplateName": "name"},
        "moves": {
            "LaunchTemplateData.BlockDeviceMappings": "block_device_mappings",
            "LaunchTemplateData.ImageId": "image_id",
            "LaunchTemplateData.InstanceRequirements": "instance_requirements",
            "LaunchTemplateData.InstanceType": "instance_type",
            "LaunchTemplateData.MetadataOptions": "metadata_options",
            "LaunchTemplateData.NetworkInterfaces": "network_interfaces",
            "LaunchTemplateData.SecurityGroupIds": "vpc_security_group_ids",
        },
    },
    "AWS::EC2::Subnet": {"type": "aws_subnet"},
    "AWS::EC2::Volume": {"type": "aws_ebs_volume"},
    "AWS::EC2::VolumeAttachment": {
        "type": "aws_volume_attachment",
        "renames": {"Device": "device_name"},
    },
}

DEFAULTS: dict = {}
