# The README's two commands are `make run` and `make test`; each sets itself up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PAPERS ?= papers.yaml
# Real papers that ship beside the project (../shared/papers) are used before the network.
PDF_DIR ?= $(wildcard ../shared/papers)
PYTEST_ARGS ?=

.PHONY: help setup setup-dev run ingest app test check lint typecheck bench eval clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU torch wheel first: a bare `torch` requirement would pull a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,milvus]'
	touch $@

setup: $(VENV)/.installed  ## Create the venv and install reader

setup-dev: $(VENV)/.installed-dev  ## ... and its dev tools (tests, linters, the LLM test server)

ingest: setup  ## Ingest the reading list (papers.yaml) into index/
	$(BIN)/reader ingest --papers $(PAPERS) $(if $(PDF_DIR),--pdf-dir $(PDF_DIR))

app: setup  ## Open the Streamlit app on localhost (READER_APP_HOST / READER_APP_PORT to change)
	$(BIN)/streamlit run app.py --server.address "$${READER_APP_HOST:-127.0.0.1}" \
		--server.port "$${READER_APP_PORT:-8501}" --server.headless true

run: setup  ## Set up, ingest the reading list (a failed paper does not stop the app), open the app
	-$(MAKE) --no-print-directory ingest
	$(MAKE) --no-print-directory app

lint: setup-dev
	$(BIN)/ruff check reader tests app.py app_pages benchmarks
	$(BIN)/ruff format --check reader tests app.py app_pages benchmarks

typecheck: setup-dev
	$(BIN)/mypy

check: lint typecheck  ## Lint and type-check

test: setup-dev check  ## Set up, check, and run the whole test suite
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: setup  ## Print ingest, query and scale figures
	$(BIN)/python -m benchmarks.run_all

eval: setup  ## Score the dev set (needs an index of ../shared/eval/corpus.yaml)
	$(BIN)/reader eval --gold ../shared/eval

clean:  ## Remove the venv and generated index (PDF cache included)
	rm -rf $(VENV) index/*.sqlite* index/*.faiss index/pdfs index/models
