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
             -o -path ./tests -o -path ./notebooks -o -path ./docs -o -path ./python/natspike/_go \) -prune \
             -o \( \( -name '*.go' -a ! -name '*_test.go' \) -o -name '*.py' -o -name '*.h' -o -name go.mod -o -name go.sum \
                   -o -name pyproject.toml -o -name MANIFEST.in \) -print)

# The Go settings that change natspike's numbers (GOAMD64=v1: natspike_toolchain.NUMBERS_ENV, which the Python
# build imposes too): every Go command below, and the scripts that run Go, run with them whatever the shell
# exports, so that `go test` tests the build the installed package loads.
NUMBERS_ENV := $(shell $(PYTHON) build_backend/natspike_toolchain.py numbers-env)
ifeq ($(NUMBERS_ENV),)
$(error $(PYTHON) build_backend/natspike_toolchain.py numbers-env printed nothing)
endif
GOTOOL := env $(NUMBERS_ENV) go

.PHONY: install deps docs lint test test-go test-python docs-examples agreement fuzz soak demo bench sdist wheel wheel-check clean distclean

install: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP): $(PY) requirements-test.txt $(SOURCES)
	$(PY) -m pip install -q -r requirements-test.txt
	rm -rf build  # setuptools would reuse stale files from an earlier build
	$(PY) -m pip install -q .
	touch $@

test: install deps lint test-go fuzz docs test-python

# System packages of the test suite (Debian: chromium for tests/test_docs_site.py); a no-op once present.
deps:
	bash .ci/setup-debian

# The documentation site (docs/README.md): Sphinx, warnings are errors, natspike imported from
# the installed package in $(VENV); every page is reread (-E: docstrings may have changed), the
# notebooks run at smoke size and their outputs are cached in docs/_build.
DOCS_STAMP := $(VENV)/.natspike-docs-deps
$(DOCS_STAMP): $(STAMP) docs/requirements.txt
	$(PY) -m pip install -q -r docs/requirements.txt
	touch $@

docs: install $(DOCS_STAMP)
	$(PY) -m sphinx -E -W --keep-going -q -b html docs docs/_build/html

# ruff and mypy, configured in pyproject.toml: lint, format and the type hints are all enforced.
lint: install
	$(VENV)/bin/ruff check python tests setup.py build_backend
	$(VENV)/bin/ruff format --check python tests setup.py build_backend
	$(VENV)/bin/mypy

test-go:
	$(GOTOOL) vet ./...
	$(GOTOOL) test ./...

# pytest's own exit code counts: 5 ("no tests collected") fails the target.
test-python: install
	$(PY) -m pytest tests

# Subsets of test-python: the docstring examples and the README's code blocks (against the installed
# package), and the agreement matrix of configurations x scenarios (printed at the end).
docs-examples: install
	$(PY) -m pytest tests/test_docstring_examples.py tests/test_readme.py

agreement: install
	env $(NUMBERS_ENV) $(PY) -m pytest tests/test_agreement.py
	$(GOTOOL) test ./core/learn -run TestFusedLoopIsBitIdenticalToFourPassLoop -v

# Every Fuzz target under capi/, core/ and internal/ for FUZZTIME each (`go test` alone runs
# only their seed corpora). `make test` runs a short pass; `make soak` a long one.
# The budget is a count of executions (`Nx`), not a duration: with a duration, Go <= 1.26
# can report a spurious "context deadline exceeded" when the deadline fires while a worker is
# mid-call on a loaded machine (golang/go#75804, fixed in Go 1.27). A count has no deadline.
FUZZTIME ?= 20000x
fuzz:
	@set -e; for f in $$(grep -rl --include='*_fuzz_test.go' '^func Fuzz' capi core internal | sort); do \
	  for t in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
	    start=$$(date +%s); \
	    out=$$($(GOTOOL) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -timeout 10m ./$$(dirname $$f) 2>&1) || \
	      { echo "$$out"; echo "FAIL fuzz ./$$(dirname $$f) $$t"; exit 1; }; \
	    echo "fuzz ./$$(dirname $$f) $$t: $$(echo "$$out" | grep -o 'execs: [0-9]*' | tail -n 1) in $$(( $$(date +%s) - start )) s"; \
	  done; done

# Long runs, reported rather than part of CI: 500 000 fuzz executions per target, then the soak tests
# (10^5 calls, repeated interrupts and faults, a larger Dask run, 2000 examples per property), and the
# adversarial suite (tests/test_adversarial.py) with 500 random examples per public function and experiment.
soak: install
	$(MAKE) fuzz FUZZTIME=$${SOAK_FUZZTIME:-500000x}
	NATSPIKE_SOAK=1 NATSPIKE_HYPOTHESIS_EXAMPLES=2000 $(PY) -m pytest -v -s tests/test_soak.py tests/test_bad_input.py -k "soak or finite or refused"
	NATSPIKE_SOAK=1 $(PY) -m pytest -v -s tests/test_interrupt_start.py -k "first_ten_ms"
	NATSPIKE_HYPOTHESIS_EXAMPLES=$${SOAK_ADVERSARIAL_EXAMPLES:-500} $(PY) -m pytest -q -s tests/test_adversarial.py

demo: install
	$(PY) -m natspike demo

# One table, measured in one run: natspike vs the NumPy reference and Brian2 (tests/benchmarks/).
# Brian2 gets its own environment (requirements-bench.txt says why); its projects go to /tmp.
bench: install
	test -x $(VENV)/brian2-env/bin/python || $(PYTHON) -m venv $(VENV)/brian2-env
	$(VENV)/brian2-env/bin/python -m pip install -q -r requirements-bench.txt
	env $(NUMBERS_ENV) $(PY) tests/benchmarks/bench_table.py --brian2-python $(VENV)/brian2-env/bin/python $(BENCHFLAGS)

# Release archives (build_backend/wheels.py; tools from PyPI into _build/wheel-tools).
# sdist: dist/natspike-<version>.tar.gz with the Go modules vendored (builds offline where Go is).
# wheel: that sdist built for every CPython >= 3.10 on this machine with zig cc for glibc 2.17, repaired
#        by auditwheel into dist/*manylinux2014_x86_64.whl.
# wheel-check: each wheel in dist/ has no RUNPATH or build path, is manylinux2014 for auditwheel, and in a
#        fresh venv without Go or a C compiler computes the numbers of the source build in .venv.
sdist:
	$(PYTHON) build_backend/wheels.py sdist

wheel:
	$(PYTHON) build_backend/wheels.py wheel

wheel-check: install
	$(PYTHON) build_backend/wheels.py check --reference $(PY)

clean:
	rm -rf _build* build dist python/natspike/_go python/*.egg-info .pytest_cache
	rm -rf docs/_build docs/api docs/notebooks
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -f $(STAMP)

distclean: clean
	rm -rf $(VENV)
