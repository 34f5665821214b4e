"""Export OUR packaged MiniLM (the folder `retrieval.embeddings.model_path()` names) to ONNX, locally.

`python -m retrieval.onnx_export [MODEL_DIR [OUT_DIR]]`; `make install` runs it, and the web process runs it
in a subprocess on first use when the file is missing, so torch is only ever imported by this exporter,
never by a process that merely embeds queries. Nothing is downloaded: the weights come from MODEL_DIR.

The graph is the transformer only (input_ids, attention_mask, token_type_ids -> last_hidden_state);
pooling and normalization are numpy in `retrieval.onnx_embedder`. Before the export is published (one
directory rename, so a reader never sees half a file) it is checked against SentenceTransformer itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

GRAPH = "model.onnx"  # its weights sit beside it in model.onnx.data, which onnxruntime memory-maps
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_CHECK_TEXTS = ["vegan recipes", "", "Grüße aus München, 日本語, مرحبا", "skincare routine " * 120]
MIN_COSINE = 0.9999


def fingerprint(model_dir: str) -> str:
    """Names one export: changes when the model folder, its weights or its config change."""
    root = Path(model_dir).resolve()
    digest = hashlib.sha1(str(root).encode())
    for name in ("config.json", "tokenizer.json", "sentence_bert_config.json", "1_Pooling/config.json"):
        path = root / name
        digest.update(path.read_bytes() if path.exists() else b"-")
    for weights in sorted(root.glob("*.safetensors")) + sorted(root.glob("*.bin")):
        stat = weights.stat()
        digest.update(f"{weights.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def export_dir(model_dir: str, cache_dir: str) -> Path:
    """Where the export of `model_dir` lives (or will) under `cache_dir`."""
    return Path(cache_dir) / f"minilm-{fingerprint(model_dir)}"


def export(model_dir: str, cache_dir: str) -> Path:
    """Export, check and publish; returns the graph's path. A finished export is reused as it is."""
    final = export_dir(model_dir, cache_dir)
    if (final / GRAPH).exists():
        return final / GRAPH
    import torch
    from sentence_transformers import SentenceTransformer

    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=cache_dir))
    try:
        st = SentenceTransformer(model_dir, device="cpu", local_files_only=True)
        bert = st[0].auto_model.eval()

        class Hidden(torch.nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.bert = bert

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                out = self.bert(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
                return out.last_hidden_state

        sample = tuple(torch.ones((2, 8), dtype=torch.long) for _ in _INPUTS)
        batch, seq = torch.export.Dim("batch"), torch.export.Dim("seq", max=512)
        with torch.no_grad():
            torch.onnx.export(
                Hidden(), sample, str(work / GRAPH), input_names=list(_INPUTS), output_names=["last_hidden_state"],
                dynamic_shapes={name: {0: batch, 1: seq} for name in _INPUTS}, dynamo=True, external_data=True,
            )
        (work / "export.json").write_text(json.dumps({
            "source": str(Path(model_dir).resolve()), "torch": torch.__version__,
            "max_seq_length": st.max_seq_length, "cosine_min": _check(work / GRAPH, st, model_dir),
        }, indent=1))
        work.chmod(0o755)  # mkdtemp makes it 0700: a service user other than the installer must read it
        try:
            work.rename(final)
        except OSError:  # another process published the same export first: theirs is as good
            if not (final / GRAPH).exists():
                raise
        return final / GRAPH
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check(graph: Path, st: Any, model_dir: str) -> float:
    """Lowest cosine between the exported graph (through our onnx encoder) and SentenceTransformer."""
    from retrieval.onnx_embedder import OnnxEncoder

    ours = OnnxEncoder(str(graph), model_dir, max_length=st.max_seq_length).encode(_CHECK_TEXTS)
    theirs = st.encode(_CHECK_TEXTS, convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)
    worst = float((ours * theirs).sum(axis=1).min())
    if worst < MIN_COSINE:
        raise RuntimeError(f"ONNX export disagrees with SentenceTransformer (cosine {worst:.6f} < {MIN_COSINE})")
    return worst


def main(argv: list[str]) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from retrieval.embeddings import model_path, onnx_cache_dir

    model_dir = argv[0] if argv else model_path()
    cache_dir = argv[1] if len(argv) > 1 else onnx_cache_dir()
    print(export(model_dir, cache_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
