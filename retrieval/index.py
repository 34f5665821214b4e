"""The Chroma vector store: one chromadb collection per organization, cosine space, our own embeddings.

It is a copy of the `profile_vectors` table kept by retrieval/mirror.py (one writer for an embedded
folder); search reads vectors from SQL, never from here (retrieval/README.md).

Chroma never embeds anything itself (its default embedding function would download a model): every
call passes vectors computed by `retrieval.embeddings`. Each vector carries the `updated_at` stamp of
the SQL row it was computed from, so readers can tell a stale vector from a current one.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from data.settings import get_settings
from retrieval.embeddings import DIM, get_embedder
from retrieval.errors import StoreUnavailable

DEFAULT_CHROMA_PATH = "var/chroma"
_BATCH = 4000
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,40}$")


def _client_from_env() -> Any:
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    url = get_settings().chroma_url
    if url:
        parsed = urlparse(url)
        ssl = parsed.scheme == "https"
        port = parsed.port or (443 if ssl else 8000)
        try:
            return chromadb.HttpClient(host=parsed.hostname or "localhost", port=port, ssl=ssl, settings=settings)
        except ValueError as exc:  # chromadb's way of saying the server did not answer its first request
            raise StoreUnavailable(f"the Chroma server at {url} cannot be reached: {exc}") from exc
    path = Path(get_settings().chroma_path or DEFAULT_CHROMA_PATH)
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class VectorIndex:
    """Per-organization collections of profile vectors keyed by influencer id."""

    def __init__(self, client: Any, prefix: str = "influencers") -> None:
        self.client = client
        self.prefix = prefix
        self._collections: dict[str, Any] = {}

    @classmethod
    def from_env(cls) -> VectorIndex:
        """CHROMA_URL → HttpClient (chroma server); otherwise CHROMA_PATH (default var/chroma) → PersistentClient."""
        return cls(_client_from_env(), prefix=get_settings().chroma_collection_prefix)

    def collection_name(self, org_id: str) -> str:
        key = org_id if _SAFE_NAME.match(org_id) else hashlib.sha1(org_id.encode()).hexdigest()
        return f"{self.prefix}_{key}"

    def _collection(self, org_id: str) -> Any:
        col = self._collections.get(org_id)
        if col is None:
            col = self.client.get_or_create_collection(
                self.collection_name(org_id), metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
            self._collections[org_id] = col
        return col

    def upsert(
        self,
        org_id: str,
        ids: Sequence[str],
        texts: Sequence[str] | None = None,
        *,
        embeddings: np.ndarray | None = None,
        stamps: Sequence[float] | None = None,
    ) -> None:
        """Store vectors for `ids`, embedding `texts` unless `embeddings` are given.

        `stamps` are the source rows' updated_at as epoch seconds (0 when unknown).
        """
        if not ids:
            return
        if embeddings is None:
            if texts is None:
                raise ValueError("upsert needs texts or embeddings")
            embeddings = get_embedder().encode(list(texts))
        if embeddings.shape != (len(ids), DIM):
            raise ValueError(f"expected embeddings of shape {(len(ids), DIM)}, got {embeddings.shape}")
        stamps = list(stamps) if stamps is not None else [0.0] * len(ids)
        col = self._collection(org_id)
        for start in range(0, len(ids), _BATCH):
            end = start + _BATCH
            col.upsert(
                ids=list(ids[start:end]),
                embeddings=embeddings[start:end],
                metadatas=[{"ts": float(s)} for s in stamps[start:end]],
            )

    def delete(self, org_id: str, ids: Sequence[str]) -> None:
        if ids:
            col = self._collection(org_id)
            for start in range(0, len(ids), _BATCH):
                col.delete(ids=list(ids[start : start + _BATCH]))

    def get_embeddings(
        self, org_id: str, ids: Sequence[str] | None = None
    ) -> tuple[list[str], np.ndarray, list[float]]:
        """(ids, (n, 384) float32 matrix, stamps) for the given ids (those present) or the whole collection."""
        col = self._collection(org_id)
        out_ids: list[str] = []
        chunks: list[np.ndarray] = []
        stamps: list[float] = []

        def take(res: dict[str, Any]) -> int:
            got = res["ids"]
            if got:
                out_ids.extend(got)
                chunks.append(np.asarray(res["embeddings"], dtype=np.float32).reshape(len(got), DIM))
                stamps.extend(float((m or {}).get("ts", 0.0)) for m in res["metadatas"])
            return len(got)

        include = ["embeddings", "metadatas"]
        if ids is None:
            offset = 0
            while take(col.get(include=include, limit=_BATCH, offset=offset)) == _BATCH:
                offset += _BATCH
        else:
            for start in range(0, len(ids), _BATCH):
                take(col.get(ids=list(ids[start : start + _BATCH]), include=include))
        matrix = np.concatenate(chunks) if chunks else np.zeros((0, DIM), dtype=np.float32)
        return out_ids, matrix, stamps

    def ids(self, org_id: str) -> list[str]:
        """Every id in the organization's collection."""
        col = self._collection(org_id)
        out: list[str] = []
        while True:
            got = col.get(include=[], limit=_BATCH, offset=len(out))["ids"]
            out.extend(got)
            if len(got) < _BATCH:
                return out

    def count(self, org_id: str) -> int:
        return int(self._collection(org_id).count())

    def reset_org(self, org_id: str) -> None:
        """Drop and recreate the organization's collection (empty)."""
        self._collections.pop(org_id, None)
        # An absent collection raises a backend-specific error: nothing to drop then.
        with contextlib.suppress(Exception):
            self.client.delete_collection(self.collection_name(org_id))

    def healthcheck(self) -> None:
        """Raise when the store cannot be reached."""
        self.client.heartbeat()


_default: VectorIndex | None = None
_default_lock = threading.Lock()


def get_index() -> VectorIndex:
    """The process-wide index from the environment (CHROMA_URL / CHROMA_PATH).

    Created under a lock: two threads (a request and an in-process job) creating Chroma clients for the
    same path at once race inside chromadb's client registry (seen as a KeyError).
    """
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = VectorIndex.from_env()
    return _default


def set_index(index: VectorIndex | None) -> None:
    """Replace the process-wide index (tests, or the app factory after reading its config)."""
    global _default
    _default = index
