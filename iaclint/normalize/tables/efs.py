"""EFS: CloudFormation types, renames and AWS defaults."""

CFN_TYPES = {
    "AWS::EFS::FileSystem": {
        "type": "aws_efs_file_system",
        "renames": {"FileSystemTags": "tags"},
    },
    "AWS::EFS::AccessPoint": {
        "type": "aws_efs_access_point",
        "renames": {"AccessPointTags": "tags"},
    },
}

DEFAULTS = {
    # EFS encryption at rest is off unless requested (only the console turns it on).
    "aws_efs_file_system": {"encrypted": False},
}
