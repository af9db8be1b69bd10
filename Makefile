# shopmind: two commands — `make demo` runs the product, `make test` runs the tests.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser demo test clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# torch first, pinned, so pip takes the local CPU wheel instead of a CUDA build
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

# serves within seconds; enrichment and training finish in the background (progress on the terminal)
demo: install
	HF_HUB_OFFLINE=1 OMP_WAIT_POLICY=PASSIVE $(BIN)/shopmind demo

# Headless Chromium and a CJK font for the browser tests (Debian's packages; Playwright drives the
# system browser, nothing is downloaded by a test tool).
browser:
	@{ command -v chromium >/dev/null 2>&1 && [ -d /usr/share/fonts/truetype/wqy ]; } || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && (apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null); } || \
	  echo "chromium is not installed: the browser tests will be skipped"

# The bulk-upload availability test embeds every row it uploads (~130 rows/s on 2 cores): the suite
# uploads 5,000 rows; `make test SHOPMIND_TEST_BULK_ROWS=50000` runs the full-size check (~10 min more).
SHOPMIND_TEST_BULK_ROWS ?= 5000
export SHOPMIND_TEST_BULK_ROWS

test: install browser
	HF_HUB_OFFLINE=1 OMP_WAIT_POLICY=PASSIVE $(BIN)/python -m pytest

clean:
	rm -rf $(VENV) shopmind-data .pytest_cache
