"""Moved to :mod:`desktop.core.hashing` (the hash belongs to the document model); kept for old imports."""
from desktop.core.hashing import HASH_VERSION, canonical, canonical_json, document_hash

__all__ = ["HASH_VERSION", "canonical", "canonical_json", "document_hash"]
