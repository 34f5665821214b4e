"""The ONNX query embedder gives sentence-transformers' vectors without importing torch, and falls back cleanly."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from data.settings import get_settings
from retrieval import embeddings
from retrieval.embeddings import DIM, Embedder, OnnxBackend, ensure_onnx_graph, model_path
from retrieval.onnx_embedder import OnnxEncoder

ROOT = Path(__file__).resolve().parents[1]

TEXTS = [
    "", " ", "a", "?!", "vegan recipes", "VEGAN RECIPES", "  vegan   recipes  ",
    "micro influencers in fitness with 10k-50k followers",
    "skincare routines and clean beauty products for sensitive skin",
    "minecraft speedrun world record attempt",
    "Python tutorials and backend engineering tips",
    "Übermäßig schöne Grüße aus München: Bergwandern und Weißbier",
    "recettes végétariennes faciles pour la semaine",
    "recetas veganas y vida saludable en Ciudad de México",
    "日本語のテキストです。東京のカフェ巡り",
    "中文美食博主，分享家常菜",
    "مرحبا بالعالم، مدونة سفر",
    "Привет! Блог о путешествиях и фотографии",
    "한국어 뷰티 유튜버",
    "emoji only 🎉🔥💪🏽",
    "tab\tseparated\nnew lines\r\nand\u00a0nbsp",
    "URL https://example.com/a?b=c&d=e and an email a.b@example.org",
    "numbers 1234567890 3.14159 $1,000,000 50%",
    "word " * 400,  # far past the 256-token window: truncation must match
    "x" * 3000,
    "Lorem ipsum dolor sit amet, " * 40,
    "beauty, lifestyle creator. Topics: clean beauty, skincare routines. LA skincare nerd. Night routine with retinol",
    "supercalifragilisticexpialidocious antidisestablishmentarianism",
    "#fitness #gym #motivation @someone",
    "the",
    "a b c d e f g h i j k l m n o p q r s t u v w x y z",
    "Powerlifting coach. Deadlifts, squats and meet prep. " * 12,
]


@pytest.fixture(scope="module")
def graph() -> Path:
    return ensure_onnx_graph()


@pytest.fixture(scope="module")
def st_model():
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(model_path(), device="cpu", local_files_only=True)


def test_onnx_vectors_match_sentence_transformers_one_by_one_and_batched(graph, st_model) -> None:
    expected = st_model.encode(TEXTS, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)
    encoder = OnnxEncoder(str(graph), model_path())
    batched = encoder.encode(TEXTS)
    single = np.stack([encoder.encode([t])[0] for t in TEXTS])
    assert batched.shape == (len(TEXTS), DIM) and batched.dtype == np.float32
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)
    for ours in (batched, single):
        cosines = (ours * expected).sum(axis=1)
        assert cosines.min() >= 0.9999, [(TEXTS[i][:30], float(c)) for i, c in enumerate(cosines) if c < 0.9999]
    # different texts really give different vectors (a constant output would not pass the cosine check, but
    # make the failure obvious): the two unrelated texts are far apart
    assert batched[8] @ batched[9] < 0.5


def test_tokens_are_those_sentence_transformers_feeds_the_model(st_model) -> None:
    """Same ids and the same 256-token truncation as the model's own tokenizer call (not tokenizer.json's 128)."""
    features = st_model.tokenize(TEXTS)
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(Path(model_path()) / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(256)
    for row, text in enumerate(TEXTS):
        ids = tokenizer.encode(text).ids
        n = int(features["attention_mask"][row].sum())
        assert ids == features["input_ids"][row][:n].tolist(), text[:40]
    assert max(len(tokenizer.encode(t).ids) for t in TEXTS) == 256


def test_query_embedding_never_imports_torch(graph) -> None:
    code = (
        "import sys\n"
        "from retrieval.embeddings import get_embedder\n"
        "e = get_embedder()\n"
        "v = e.encode_query('vegan recipes')\n"
        "b = e.encode(['vegan recipes', 'minecraft speedrun'])\n"
        "assert e.backend.name == 'onnx', e.backend.name\n"
        "assert abs(float(v @ b[0]) - 1.0) < 1e-5\n"
        "print(sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.')))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "EMBEDDING_BACKEND": "onnx",
           "EMBEDDING_ONNX_DIR": str(graph.parent.parent)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_export_records_its_source_and_agreement(graph) -> None:
    meta = json.loads((graph.parent / "export.json").read_text())
    assert meta["source"] == str(Path(model_path()).resolve())
    assert meta["max_seq_length"] == 256 and meta["cosine_min"] >= 0.9999
    assert (graph.parent / "model.onnx.data").stat().st_size > 80_000_000  # the weights, memory-mapped


@pytest.fixture
def fresh_loader(monkeypatch):
    """Each test gets its own process-wide embedder and settings; the shared one is restored afterwards."""
    embeddings._load_embedder.cache_clear()
    yield monkeypatch
    monkeypatch.undo()
    get_settings.cache_clear()
    embeddings._load_embedder.cache_clear()


def test_a_failed_export_falls_back_to_torch_and_logs_once(fresh_loader, tmp_path, caplog) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the cache folder should be")
    fresh_loader.setenv("EMBEDDING_ONNX_DIR", str(blocked / "models"))
    fresh_loader.setenv("EMBEDDING_BACKEND", "onnx")
    get_settings.cache_clear()
    with caplog.at_level(logging.WARNING, logger="retrieval.embeddings"):
        first = embeddings.get_embedder()
        second = embeddings.get_embedder()
    assert first is second and first.backend.name == "torch"
    warnings = [r for r in caplog.records if "ONNX query embedder unavailable" in r.getMessage()]
    assert len(warnings) == 1
    assert first.encode_query("vegan recipes").shape == (DIM,)


def test_the_torch_setting_is_honoured(fresh_loader) -> None:
    fresh_loader.setenv("EMBEDDING_BACKEND", "torch")
    get_settings.cache_clear()
    assert embeddings.get_embedder().backend.name == "torch"


def test_both_backends_agree_through_the_embedder(graph, st_model) -> None:
    onnx = Embedder(OnnxBackend(str(graph), model_path()))
    torch_side = Embedder(embeddings.TorchBackend(st_model))
    texts = TEXTS[4:12]
    assert ((onnx.encode(texts) * torch_side.encode(texts)).sum(axis=1)).min() >= 0.9999
    assert float(onnx.encode_query("vegan recipes") @ torch_side.encode_query("vegan recipes")) >= 0.9999
    assert onnx.encode([]).shape == (0, DIM)


def test_a_missing_export_is_made_once_in_a_child_process(fresh_loader, tmp_path, caplog) -> None:
    """The first-use path: two callers at once (two workers' first searches) wait for one export, made by
    `python -m retrieval.onnx_export` in a child, so this process still has no torch of its own doing."""
    import threading

    fresh_loader.setenv("EMBEDDING_ONNX_DIR", str(tmp_path / "models"))
    get_settings.cache_clear()
    results: list[Path] = []
    callers = [threading.Thread(target=lambda: results.append(ensure_onnx_graph())) for _ in range(2)]
    with caplog.at_level(logging.INFO, logger="retrieval.embeddings"):
        for caller in callers:
            caller.start()
        for caller in callers:
            caller.join()
    assert sum("exporting" in r.getMessage() for r in caplog.records) == 1  # the second caller waited, then reused
    assert len(results) == 2 and results[0] == results[1] and results[0].exists()
    assert [p.name for p in (tmp_path / "models").iterdir() if not p.name.startswith(".export.lock")] == [
        results[0].parent.name
    ]  # one published export, no half-written .export-* folder left behind
    meta = json.loads((results[0].parent / "export.json").read_text())
    assert meta["cosine_min"] >= 0.9999
