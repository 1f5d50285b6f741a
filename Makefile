# 《自动编码器：原理与代码实例》 — one entry point for readers, authors and CI.
#
#   make book       build the site into _build/html (from the outputs stored in the notebooks)
#   make test       run every test: library unit tests, every notebook (nbval), site checks;
#                   ends with each notebook's time against its budget (_build/notebook_times.json)
#   make test-fast  library unit tests and book-source checks: no site, no browser, no notebook
#   make test-nb    nbval on one notebook or a glob, with the timing report:
#                   make test-nb NB=book/ch04_math/4_2_forward.ipynb
#   make test-pdf   make pdf, then the PDF's own tests (tests/test_pdf.py)
#   make lint       ruff check, the linter of test-fast (configured in pyproject.toml)
#   make lab        open the notebooks in JupyterLab with the book's environment
#   make execute    re-run notebooks in place (fresh kernel each) to refresh their stored outputs:
#                   make execute NB=book/ch02_core_concepts/first_autoencoder.ipynb (all without NB)
#   make serve      serve the built site on http://127.0.0.1:$(PORT)/
#   make clean      remove the built site
#   make pdf        the whole book as one PDF: _build/pdf/book.pdf (needs a browser, a CJK font)
#   make browser    find (or download) the Chromium the site test and make pdf use
#   make data       fetch every data set into the cache (checked by sha256); no-op with a mirror
#   make data-key   print CI's cache key of the data sets (the digest of their sha256 sums)
#
# PYTEST_ARGS reaches pytest in every test target: make test PYTEST_ARGS="-k vae",
# make test-fast PYTEST_ARGS=--lf (the pytest cache is on: --lf, --ff work).
# Tiers (markers notebook, browser, slow, pdf) are assigned in conftest.py.
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
# The notebook(s) of `make execute` and `make test-nb`: a path or a glob.
NB ?=
# Extra pytest arguments for test, test-fast, test-nb and test-pdf.
PYTEST_ARGS ?=

BIN := $(VENV)/bin
PYTEST = $(BIN)/python -m pytest
# A -m on the command line replaces pyproject's `-m 'not pdf'`: each tier keeps `not pdf`.
FAST_TIER := not notebook and not browser and not slow and not pdf
NB_TIER := notebook and not pdf
export PYTHONHASHSEED := 0
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export MPLBACKEND := Agg
# Import the library from this checkout, whichever checkout the venv was installed from.
export PYTHONPATH := $(CURDIR)$(if $(PYTHONPATH),:$(PYTHONPATH))

.PHONY: venv book test test-fast test-nb lint lab execute serve clean pdf test-pdf browser data \
  data-key

venv:
	@PYTHON=$(PYTHON) scripts/ensure_venv.sh $(VENV)

book: venv
	rm -rf _build/html _build/.doctrees
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going --quiet
	@echo "site: _build/html/index.html"

# Data and the site test's browser are fetched here, before the test session (which then
# runs `make data` and `make browser` with downloads forbidden). The browser: CHROMIUM, else
# a system Chromium/Chrome, else Playwright's own downloaded into .cache/ms-playwright;
# otherwise one message with the three ways to get one.
test: data book
	@browser="$$($(BIN)/python scripts/find_browser.py)" && echo "site test browser: $$browser" && \
	  CHROMIUM="$$browser" $(PYTEST) -n $(JOBS) --dist loadfile $(PYTEST_ARGS)

# No site, no browser, no notebook, no make target: the one-minute loop.
test-fast: venv lint
	$(PYTEST) -p no:xdist -m '$(FAST_TIER)' tests $(PYTEST_ARGS)

# One notebook in one process; several (a glob) on $(JOBS) workers, each notebook whole.
test-nb: venv
	@test -n "$(NB)" || { echo "usage: make test-nb NB=book/ch04_math/4_2_forward.ipynb" >&2; exit 2; }
	$(PYTEST) $(if $(word 2,$(wildcard $(NB))),-n $(JOBS) --dist loadfile,-p no:xdist) \
	  -m '$(NB_TIER)' $(NB) $(PYTEST_ARGS)

# The lint step of test-fast: one lint, configured in pyproject.toml ([tool.ruff]; scope,
# line length and why there is no formatter are explained there).
lint: venv
	$(BIN)/ruff check

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
	$(PYTEST) -p no:xdist -m pdf tests/test_pdf.py $(PYTEST_ARGS)
