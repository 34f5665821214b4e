# One command each: `make run` sets up and serves on embedded defaults; `make test` runs the tests.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 5000

# Nothing is downloaded at run time: the embedding model ships inside a package; Chroma telemetry is off.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False
export TOKENIZERS_PARALLELISM := false

.PHONY: install run serve test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) (Python 3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -r requirements.txt
	$(PY) -m retrieval.onnx_export  # the packaged MiniLM as ONNX under var/models: web workers embed without torch
	touch $@

run: install
	$(PY) -m retrieval.onnx_export >/dev/null  # a no-op once exported; again after `make clean`
	$(PY) -m api migrate
	$(PY) -m api bootstrap-demo --count 2000
	@echo "Web app: http://127.0.0.1:$(PORT)/login (sign in with the key above); API docs: http://127.0.0.1:$(PORT)/docs"
	$(PY) -m api serve --host 127.0.0.1 --port $(PORT)

serve: install
	$(PY) -m retrieval.onnx_export >/dev/null
	$(PY) -m api serve --host 127.0.0.1 --port $(PORT)

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .

bench: install
	$(PY) -m bench

clean:
	rm -rf var .pytest_cache
