"""Translate parser output into the canonical resource model (DESIGN section 2)."""
from iaclint.normalize.translate import normalize

__all__ = ["normalize"]
