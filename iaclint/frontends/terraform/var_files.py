"""Which variable files Terraform loads by itself from a module directory.

Apart from `variables` (which reads them) so that the scan's cache key can name them
without importing the expression evaluator: a whole-scan cache hit evaluates nothing.
"""
from __future__ import annotations

import os

from iaclint.gate import reads


def auto_var_files(directory: str, tree=None) -> list[str]:
    """`terraform.tfvars(.json)` and `*.auto.tfvars(.json)` of a directory, in Terraform's order."""
    try:
        names = reads.list_dir(directory or ".", tree=tree)
    except OSError:
        return []
    out = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names]
    out += sorted(n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json")))
    return [os.path.join(directory, n) if directory not in ("", ".") else n for n in out]
