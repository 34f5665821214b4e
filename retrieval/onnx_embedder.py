"""MiniLM sentence vectors through onnxruntime + HF `tokenizers`: what sentence-transformers computes, without torch.

A web worker only embeds query texts; importing torch for that costs it ~400 MB of RSS (retrieval/README.md,
"Query embedder"). This encoder reproduces SentenceTransformer's pipeline for our model: the model's own
tokenizer.json truncated at its `max_seq_length` (256, not the 128 that file carries), the exported
transformer (`retrieval.onnx_export`), mean pooling over the attention mask, L2 normalization.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

_CHUNK = 16  # rows per run: 64 rows of 256 tokens grew the attention buffers to ~1.2 GB RSS (measured), 16 stay small


def max_seq_length(model_dir: str, default: int = 256) -> int:
    """The truncation sentence-transformers applies to this model (sentence_bert_config.json)."""
    path = Path(model_dir) / "sentence_bert_config.json"
    if path.exists():
        return int(json.loads(path.read_text()).get("max_seq_length") or default)
    return default


class OnnxEncoder:
    """Encodes texts to (n, 384) float32 unit vectors with one onnxruntime session of `threads` threads."""

    def __init__(self, graph: str, model_dir: str, max_length: int | None = None, threads: int | None = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
        self._tokenizer.no_padding()  # padding is per chunk, below: the file pads everything to a fixed 128
        self._tokenizer.enable_truncation(max_length or max_seq_length(model_dir))
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]
        # A batch chunk's buffers go back after its run: kept, one 128-text batch left the process 146 MB
        # larger; released, 91 MB (bench embed). One-row query runs keep theirs: small, and reused.
        self._shrink = ort.RunOptions()
        self._shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def encode(self, texts: list[str], batch_size: int = _CHUNK) -> np.ndarray:
        """Rows in input order. Texts run in chunks of similar length, so short ones are not padded to long ones."""
        encodings = self._tokenizer.encode_batch(list(texts))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        step = max(1, min(batch_size, _CHUNK))
        for start in range(0, len(order), step):
            rows = order[start : start + step]
            out[rows] = self._run([encodings[i] for i in rows])
        return out

    def _run(self, encodings: list) -> np.ndarray:  # list[tokenizers.Encoding]
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for row, e in enumerate(encodings):
            n = len(e.ids)
            ids[row, :n], mask[row, :n], types[row, :n] = e.ids, e.attention_mask, e.type_ids
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        options = self._shrink if len(encodings) > 1 else None
        hidden = self._session.run(None, {name: feed[name] for name in self._inputs}, options)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)
