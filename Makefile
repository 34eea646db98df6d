# diplowatch — the commands a newcomer runs. Everything lives in ./.venv and ./data
# (override the data home with DIPLOWATCH_HOME=/path).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DIPLOWATCH_HOME ?= $(CURDIR)/data
export AIRFLOW_HOME ?= $(CURDIR)/airflow_home

.PHONY: help venv setup demo test lint format bench eval ui stop clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.8
	@# Bytecode compiled at install: where PYTHONDONTWRITEBYTECODE is set, every process would otherwise
	@# compile each module it imports (dbt, GX, Airflow) again, seconds per process.
	$(BIN)/uv pip install --quiet --compile-bytecode -p $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet -p $(BIN)/python --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)  ## create the environment and install the pinned dependencies

setup: venv  ## set up the project-local Airflow home (pool, connections) and the dbt manifest
	$(BIN)/python -m compileall -q include dags bench > /dev/null
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m diplowatch.ops.setup --quiet
	$(BIN)/python -c "from diplowatch import warehouse; warehouse.parse()"

demo: setup  ## run the whole pipeline offline on the bundled sample data, through Airflow
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m diplowatch.demo

test: venv  ## run the whole test suite
	$(BIN)/python -m compileall -q include dags bench > /dev/null
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m pytest

lint:  ## ruff and sqlfluff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project/models dbt_project/analyses

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

eval: venv  ## measure the classifiers on the labelled set
	$(BIN)/python -m diplowatch.eval --labels eval/labelled.jsonl --check

bench: setup  ## benchmarks at scale; rewrites BENCHMARKS.md
	PATH=$(CURDIR)/$(BIN):$$PATH $(BIN)/python -m bench.run --size $${BENCH_SIZE:-large} \
		--repeat $${BENCH_REPEAT:-2} --peer-repeat 1 --enrich-limit 20000 --validation-rows 1000000

ui: setup  ## start Airflow locally (UI on http://127.0.0.1:8080); Ctrl-C or `make stop` stops it
	PATH=$(CURDIR)/$(BIN):$$PATH bash scripts/airflow_ui.sh

stop:  ## stop the Airflow started by `make ui`
	bash scripts/airflow_stop.sh

clean:  ## remove the data home and the Airflow home (keeps the environment)
	rm -rf "$(DIPLOWATCH_HOME)" "$(AIRFLOW_HOME)" dbt_project/target
