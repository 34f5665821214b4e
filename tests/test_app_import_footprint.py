"""A web worker carries only what serving needs: the heavy libraries of replay metrics, charts, the torch
embedder, the ElevenLabs SDK and (with the default offline provider) LangChain are imported when first used, not
by create_app() (issue 17: RSS per worker at 1M profiles)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
_HEAVY = ("sklearn", "scipy", "matplotlib", "torch", "sentence_transformers", "elevenlabs", "langchain_core",
          "langsmith", "langchain_google_genai")
_PROBE = (
    "import sys\n"
    "from api import create_app\n"
    "create_app({'TESTING': True})\n"
    f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({_HEAVY!r}))))\n"
    "from evals.replay.charts import pyplot\n"
    "from evals.replay.metrics import _probability_metrics\n"
    "pyplot(); _probability_metrics([(0.2, 0), (0.8, 1)])\n"
    "from agent.llm import get_provider\n"
    "get_provider({'LLM_PROVIDER': 'gemini', 'GOOGLE_API_KEY': 'k'})\n"
    f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({_HEAVY!r}))))\n"
)


def test_create_app_leaves_the_heavy_libraries_to_first_use(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
           "CHROMA_PATH": str(tmp_path / "chroma")}
    done = subprocess.run([sys.executable, "-c", _PROBE], cwd=_ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    at_start, after_use = done.stdout.splitlines()[-2:]
    assert at_start == ""
    # The probe can fail: first use does bring them in (replay metrics are numpy only, so no scikit-learn).
    assert {"matplotlib", "langchain_core", "langchain_google_genai"} <= set(after_use.split(","))
    assert "sklearn" not in after_use.split(",")
