# groundup — the two README commands (`make run`, `make test`) work on a fresh machine:
# they create .venv, install the pinned CPU torch first, then groundup with all extras.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TORCH  := torch==2.13.0
export MLFLOW_DISABLE_TELEMETRY := true

.PHONY: install run quick test bench lint format serve clean

install: $(STAMP)

# Re-install only when the project's metadata changes; a second call is a no-op.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q $(TORCH)
	$(BIN)/python -m pip install -q -e '.[all]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/groundup run

quick: $(STAMP)
	$(BIN)/groundup run --quick

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile --timeout 900 -q

bench: $(STAMP)
	$(BIN)/groundup bench

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

serve: $(STAMP)
	$(BIN)/groundup serve $(MODEL)

clean:
	rm -rf $(VENV) reports runs mlruns mlruns.db .pytest_cache .mypy_cache .ruff_cache
