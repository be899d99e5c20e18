"""Digests of what was read: the cache keys a result on the bytes it came from."""
from __future__ import annotations

import hashlib


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
