# Two commands do all set-up on a fresh Debian/Ubuntu machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup system-deps demo test bench clean

setup: system-deps $(STAMP)

system-deps:
	@bash scripts/system-deps.sh

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

demo: setup
	$(BIN)/interviewer demo

test: setup
	@bash scripts/system-deps.sh --test
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python bench/stt.py
	$(BIN)/python bench/answer.py
	$(BIN)/python bench/turn_latency.py
	$(BIN)/python bench/memory.py

clean:
	rm -rf $(VENV) bench/out .pytest_cache
