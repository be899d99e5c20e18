"""Decide whether a YAML/JSON file is a CloudFormation template, cheaply and then exactly.

Discovery hands over every `.yaml`/`.json`; most are workflows, Kubernetes manifests or
package files. A substring test rejects them before any parsing; the exact rule runs on
the parsed document. Unrelated files are skipped silently, never reported.
"""
from __future__ import annotations

import re
from typing import Any

_RESOURCES_KEY = re.compile(r"""(?m)^[ \t{]*["']?Resources["']?[ \t]*:""")


def looks_like_template(text: str) -> bool:
    """Cheap pre-parse check: could this text be a template at all?"""
    return "AWSTemplateFormatVersion" in text or ("Resources" in text and "AWS::" in text)


def probably_template(text: str) -> bool:
    """For text that failed to parse: report the error only if it reads like a template."""
    if "AWSTemplateFormatVersion" in text:
        return True
    return "AWS::" in text and _RESOURCES_KEY.search(text) is not None


def bytes_look_like_template(data: bytes) -> bool:
    """The same cheap check on undecodable bytes."""
    return b"AWSTemplateFormatVersion" in data or (b"Resources" in data and b"AWS::" in data)


def is_template(doc: Any) -> bool:
    """The real rule: a format version, or resources typed `AWS::...`, or a SAM transform.
    The format version is text (`2010-09-09`); the same key holding a number is a word of
    some other file (a tokenizer's `vocab.json` trained on AWS documents maps
    `AWSTemplateFormatVersion` and `Resources` to token ids), not a template to report on."""
    if not isinstance(doc, dict):
        return False
    if isinstance(doc.get("AWSTemplateFormatVersion"), str):
        return True
    resources = doc.get("Resources")
    if not isinstance(resources, dict):
        return False
    if "Transform" in doc:
        return True
    for body in resources.values():
        if isinstance(body, dict):
            rtype = body.get("Type")
            if isinstance(rtype, str) and rtype.startswith("AWS::"):
                return True
    return False
