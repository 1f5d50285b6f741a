# 《自动编码器：原理与代码实例》 — one entry point for readers, authors and CI.
#
#   make book      build the site into _build/html (from the outputs stored in the notebooks)
#   make test      run every test: library unit tests, every notebook (nbval), site checks
#   make lab       open the notebooks in JupyterLab with the book's environment
#   make execute   re-run notebooks in place (fresh kernel each) to refresh their stored outputs
#   make serve     serve the built site on http://127.0.0.1:$(PORT)/
#   make clean     remove the built site
#   make pdf       the whole book as one PDF: _build/pdf/book.pdf (needs a browser, a CJK font)
#   make browser   find (or download) the Chromium the site test and make pdf use
#   make data      fetch every data set into the cache (checked by sha256); no-op with a mirror
#   make lint      ruff check (configured in pyproject.toml) over the library, tests, scripts, book/_ext
#
# Each target creates the project-local venv (.venv) from requirements.txt if it is
# missing or stale. Data: set AUTOENCODER_BOOK_DATA to an offline mirror, else the
# loaders download into ~/.keras/datasets (see README).

SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
PORT ?= 8000
# Parallel pytest workers; notebooks are kept whole on one worker (--dist loadfile).
JOBS ?= 2
# `make execute NB=book/ch02_core_concepts/ch02_first_autoencoder.ipynb` refreshes one notebook.
NB ?=

BIN := $(VENV)/bin
export PYTHONHASHSEED := 0
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export MPLBACKEND := Agg
# Import the library from this checkout, whichever checkout the venv was installed from.
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))

.PHONY: venv book test lab execute serve clean pdf test-pdf browser data data-key lint

venv:
	@PYTHON=$(PYTHON) scripts/ensure_venv.sh $(VENV)

book: venv
	rm -rf _build/html _build/.doctrees
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going --quiet
	@echo "site: _build/html/index.html"

# The site test's browser: CHROMIUM, else a system Chromium/Chrome, else Playwright's own
# downloaded into .cache/ms-playwright; otherwise one message with the three ways to get one.
test: book
	@browser="$$($(BIN)/python scripts/find_browser.py)" && echo "site test browser: $$browser" && \
	  CHROMIUM="$$browser" $(BIN)/python -m pytest -n $(JOBS) --dist loadfile

lab: venv
	$(BIN)/jupyter lab book/

execute: venv
	$(BIN)/python scripts/execute_notebooks.py $(NB)

serve:
	@test -f _build/html/index.html || { echo "build the site first: make book" >&2; exit 1; }
	$(PYTHON) -m http.server $(PORT) --bind 127.0.0.1 --directory _build/html

clean:
	rm -rf _build

browser: venv
	@$(BIN)/python scripts/find_browser.py

data: venv
	$(BIN)/python -c "from autoencoder_lib import data; [print(data.fetch_file(n)) for n in data.REMOTE_FILES]"

# One lint, configured in pyproject.toml ([tool.ruff]; scope and line length explained there).
lint: venv
	$(BIN)/ruff check

# key=<digest of the data sets' sha256 sums>: the CI cache key of the data sets (no venv needed).
# The sums come from the registry that autoencoder_lib.data reads (package data).
data-key:
	@echo "key=$$(grep -o '"[0-9a-f]\{64\}"' autoencoder_lib/datasets.json | sort | sha256sum | cut -c1-16)"

# The whole book in one HTML page, printed to PDF by Chromium once MathJax has typeset it.
pdf: venv
	rm -rf _build/singlehtml _build/pdf
	$(BIN)/jupyter-book build . --builder singlehtml --keep-going --quiet
	@browser="$$($(BIN)/python scripts/find_browser.py)" && \
	  $(BIN)/python scripts/build_pdf.py --chromium "$$browser" _build/singlehtml _build/pdf/book.pdf

# The PDF test alone (slow: it runs make pdf's output through pypdfium2).
test-pdf: pdf
	$(BIN)/python -m pytest -p no:xdist -m pdf tests/test_pdf.py
