# natspike developer entry points. `make test` is what CI runs (.ci/run).
#
# install: a local virtualenv (.venv) with the test tools and natspike built
# by `pip install .` — a regular, non-editable install, so the tests exercise
# exactly what a user gets (wheel contents, package data, the copied .so)
# rather than the source tree. It is redone only when a Go, Python or build
# file changed (the stamp below); a rebuild with a warm Go cache takes ~15 s.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.natspike-installed
SOURCES := $(shell find . \( -path ./.git -o -path ./.venv -o -path './_build*' -o -path ./build \
             -o -path ./tests -o -path ./notebooks -o -path ./python/natspike/_go \) -prune \
             -o \( \( -name '*.go' -a ! -name '*_test.go' \) -o -name '*.py' -o -name '*.h' -o -name go.mod -o -name go.sum \
                   -o -name pyproject.toml -o -name MANIFEST.in \) -print)

.PHONY: install test test-go test-python demo bench clean distclean

install: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): $(PY) requirements-test.txt $(SOURCES)
	$(PY) -m pip install -q -r requirements-test.txt
	rm -rf build  # setuptools would reuse stale files from an earlier build
	$(PY) -m pip install -q .
	touch $@

test: install test-go test-python

test-go:
	go vet ./...
	go test ./...

# pytest's own exit code counts: 5 ("no tests collected") fails the target.
test-python: install
	$(PY) -m pytest tests

demo: install
	$(PY) -m natspike demo

bench: install
	go test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf _build* build dist python/natspike/_go python/*.egg-info .pytest_cache
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -f $(STAMP)

distclean: clean
	rm -rf $(VENV)
