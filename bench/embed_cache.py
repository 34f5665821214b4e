"""Profile embeddings for the benchmark, cached on disk in chunks under var/bench/ so reruns are fast.

Each chunk of 2,000 generated profiles is stored as a float32 .npy named after the hash of its
embedding texts, so a change to the generator or to `embedding_text` invalidates it automatically.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import numpy as np

from data.generator import generate_profiles
from retrieval.embeddings import embedding_text, get_embedder

CHUNK = 2_000
CACHE_DIR = Path("var/bench")


def chunk_texts(seed: int, start: int, count: int) -> list[str]:
    return [embedding_text(p) for p in generate_profiles(count, seed=seed, start=start)]


def _path(texts: list[str]) -> Path:
    digest = hashlib.sha1("\x1e".join(texts).encode()).hexdigest()[:16]
    return CACHE_DIR / f"emb_{len(texts)}_{digest}.npy"


def embeddings_for(count: int, seed: int = 7, log: bool = True) -> tuple[np.ndarray, float | None]:
    """(count, 384) embeddings of the first `count` generated profiles; also the encode rate (texts/s)
    measured on chunks that had to be computed in this run (None when everything came from the cache)."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    parts: list[np.ndarray] = []
    encoded, spent = 0, 0.0
    for start in range(0, count, CHUNK):
        size = min(CHUNK, count - start)
        texts = chunk_texts(seed, start, size)
        path = _path(texts)
        if path.exists():
            parts.append(np.load(path))
            continue
        if log:
            print(f"  embedding profiles {start:,}–{start + size:,} (cached afterwards in {path})", file=sys.stderr)
        t0 = time.perf_counter()
        matrix = get_embedder().encode(texts, batch_size=64)
        spent += time.perf_counter() - t0
        encoded += size
        np.save(path, matrix)
        parts.append(matrix)
    return np.concatenate(parts), (encoded / spent if encoded else None)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    matrix, rate = embeddings_for(n)
    print(matrix.shape, rate)
