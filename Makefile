# Qorgau: the commands a developer and CI use. Needs only Python 3.11 with pip; scripts/uv
# installs uv into .tools/ when it is not on PATH.
#
#   make demo                 the demo on http://127.0.0.1:8000/ (data in ~/.local/share/qorgau)
#   make test                 the whole suite on SQLite, with a throwaway data directory
#   make test ARGS="-k audit"  extra pytest arguments
#   DATABASE_URL=postgres://user@127.0.0.1:5432/qorgau make test    the PostgreSQL pass
#   make lint                 ruff, ruff format --check, mypy, migrations up to date
#   make messages             compile translations (.po to .mo)
#   make ci                   what CI runs (installs system packages and starts PostgreSQL)

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

UV := bash scripts/uv
RUN := $(UV) run --frozen
ARGS ?=
# Compiling translations loads the settings, which would otherwise create a secret key in the
# data directory; compilemessages needs none.
NO_SECRET := SECRET_KEY="$${SECRET_KEY:-not-used-by-compilemessages}"

.PHONY: help sync demo test lint format messages ci clean

help:
	@sed -n 's/^#   //p' Makefile

sync:
	@$(UV) sync --frozen --quiet

demo: sync messages
	$(RUN) qorgau demo

# Every test run gets its own data directory (database, secret key, uploads), removed afterwards.
test: sync
	@data_dir="$$(mktemp -d "$${TMPDIR:-/tmp}/qorgau-test.XXXXXX")"; \
	trap 'rm -rf "$$data_dir"' EXIT; \
	export QORGAU_DATA_DIR="$$data_dir"; \
	$(MAKE) --no-print-directory messages; \
	$(RUN) pytest $(ARGS)

lint: sync
	$(RUN) ruff check
	$(RUN) ruff format --check
	$(RUN) mypy
	@data_dir="$$(mktemp -d)"; trap 'rm -rf "$$data_dir"' EXIT; \
	QORGAU_DATA_DIR="$$data_dir" $(RUN) qorgau makemigrations --check --dry-run

format: sync
	$(RUN) ruff check --fix
	$(RUN) ruff format

# Django's compilemessages (GNU msgfmt) when gettext is installed, else a pure-Python compiler.
messages: sync
	@if ! find src -path '*/locale/*/LC_MESSAGES/*.po' -print -quit | grep -q .; then \
		echo "messages: no .po files yet, nothing to compile"; \
	elif command -v msgfmt >/dev/null; then \
		$(NO_SECRET) $(RUN) qorgau compilemessages --verbosity 0 \
			--ignore .venv --ignore .tools --ignore node_modules; \
		echo "messages: compiled with gettext's msgfmt"; \
	else \
		echo "messages: msgfmt not found (Debian package gettext); using qorgau.core.catalogues"; \
		$(RUN) python -m qorgau.core.catalogues src; \
	fi

ci:
	bash .ci/run

clean:
	rm -rf .tools test-results .pytest_cache .mypy_cache .ruff_cache
	find src -name '*.mo' -path '*/locale/*' -delete
