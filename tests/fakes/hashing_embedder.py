"""A deterministic bag-of-words embedder: no model, microseconds per text.

A test double for ranking and index tests, where loading MiniLM (seconds) and encoding thousands of texts (minutes
on two cores) would dominate. Texts sharing words get similar vectors; it knows no synonyms.
Install it with `retrieval.embeddings.use_embedder(HashingEmbedder())`.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from retrieval.embeddings import DIM

_WORD = re.compile(r"[a-z0-9]+")


class HashingEmbedder:
    dim = DIM

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(DIM, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
            slot = int.from_bytes(digest[:3], "little") % DIM
            vec[slot] += 1.0 if digest[3] & 1 else -1.0
        norm = float(np.linalg.norm(vec))
        return vec / norm if norm else vec

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def encode_query(self, text: str) -> np.ndarray:
        return self._vector(text)

    def clear_cache(self) -> None:
        return None
