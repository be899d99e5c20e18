"""Facts about SageMaker ML instance types that decide what a policy may demand.

AWS rejects a volume KMS key (`KmsKeyId`, `VolumeKmsKeyId`) on instance types whose only
storage is NVMe instance store, because those volumes are encrypted in hardware. A policy
asking for a key must pass them instead of demanding something AWS refuses.
"""
from __future__ import annotations

from iaclint.model import linear_regex

# Families with a `d` attribute letter (c5d, m5d, r5d, g4dn, p3dn, p4d, p4de, m6gd, ...)
# match the pattern; the others are listed.
_NVME_FAMILIES = {"g5", "g6", "g6e", "p5", "p5e", "p5en", "p6-b200", "p6-b300", "p6e-gb200",
                  "trn1", "trn1n", "trn2", "dl1"}
_D_FAMILY = linear_regex.Program(r"[a-z]+\d+[a-z]*d[a-z]*")  # RE2: quadratic in re on `a1ddd...d!`


def nvme_only(instance_type: str) -> bool:
    """True for `ml.<family>.<size>` types whose storage is NVMe instance store only."""
    parts = instance_type.strip().lower().split(".")
    if len(parts) < 3 or parts[0] != "ml":
        return False
    return parts[1] in _NVME_FAMILIES or _D_FAMILY.fullmatch(parts[1]) is not None
