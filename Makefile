# The archive's everyday commands. `make run` serves it; `make test` checks it.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
BENCH_COUNT ?= 20000
BENCH_SEED ?= 42
BENCH_DIR ?= $(CURDIR)/var/bench

# `make run` serves with the production settings over plain HTTP on localhost.
RUN_ENV := DJANGO_SETTINGS_MODULE=config.settings.prod DJANGO_SECURE_SSL=0 \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost} \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$(cat var/secret_key)}

.PHONY: help install install-dev run serve setup superuser demo index test lint fmt \
	migrations-check messages messages-check gettext check bench bench-pages bench-roundtrip bench-collect bench-watch browser clean

help:
	@echo "make run        set everything up and serve on http://127.0.0.1:$(PORT)"
	@echo "make test       lint + the whole test suite (SQLite, then PostgreSQL)"
	@echo "make superuser  create an admin account"
	@echo "make bench      search and page benchmark (BENCH_COUNT=$(BENCH_COUNT) articles)"
	@echo "make bench-roundtrip  export the bench corpus and import it into an empty archive"
	@echo "make bench-collect  capture throughput and polling 1,000 unchanged feeds"
	@echo "make bench-watch    re-check 10,000 unchanged articles (BENCH_ARTICLES)"

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(64))" > $@
	chmod 600 $@

setup: install var/secret_key
	$(RUN_ENV) $(MANAGE) migrate --noinput
	$(RUN_ENV) $(MANAGE) load_seed_articles
	$(RUN_ENV) $(MANAGE) sync_search_index
	$(RUN_ENV) $(MANAGE) collectstatic --noinput --verbosity 0

run: setup
	@echo
	@echo "Serving the archive on http://127.0.0.1:$(PORT)/ (admin: /admin/)."
	@echo "To create an admin account, run in another terminal: make superuser"
	@echo "The background worker (manage.py archive_worker) runs beside it."
	@echo
	$(RUN_ENV) PORT=$(PORT) PYTHON=$(PY) exec config/serve.sh

superuser: install var/secret_key
	$(RUN_ENV) $(MANAGE) createsuperuser

demo: setup

index: install var/secret_key
	$(RUN_ENV) $(MANAGE) rebuild_search_index --noinput

# Chromium for the browser tests, and a CJK font so screenshots show Hangul.
browser:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then \
		echo "Installing Chromium and fonts for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

# GNU gettext, for updating and checking the translation catalogs (config/locale/). The
# compiled catalogs are committed, so `make run` needs none of it.
gettext:
	@if ! command -v msgfmt >/dev/null || ! command -v xgettext >/dev/null; then \
		echo "Installing GNU gettext for the translation catalogs"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq gettext >/dev/null; \
	fi

# After changing user-visible text: collect the new messages into config/locale/ko,
# translate them there, and run it again to compile.
messages: install gettext
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) update_translations

messages-check: install-dev gettext
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) update_translations --check

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install-dev
	DJANGO_SETTINGS_MODULE=config.settings.test $(MANAGE) makemigrations --check --dry-run

test: install-dev browser gettext lint migrations-check messages-check
	$(VENV)/bin/pytest --create-db -q
	@if $(PY) -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$(TEST_DATABASE_URL)" 2>/dev/null; then \
		echo "Running the database's tests again on PostgreSQL ($(TEST_DATABASE_URL))"; \
		DATABASE_URL="$(TEST_DATABASE_URL)" $(VENV)/bin/pytest --create-db -q \
			-m "not browser and not database_free"; \
	else \
		echo "PostgreSQL does not answer at $(TEST_DATABASE_URL): skipped the PostgreSQL run"; \
	fi

check: test

# The benchmark keeps its corpus, index and report under var/bench (BENCH_DIR),
# apart from the archive's own data. The corpus is reused when it already
# matches (an interrupted one is completed), and so are its index and FTS5
# file with the rebuild they measured; BENCH_REBUILD=1 rebuilds and times again.
bench: install
	mkdir -p $(BENCH_DIR)
	DJANGO_SETTINGS_MODULE=config.settings.test \
	DATABASE_URL=sqlite:///$(BENCH_DIR)/bench-$(BENCH_COUNT).sqlite3 \
	SEARCH_INDEX_DIR=$(BENCH_DIR)/whoosh-$(BENCH_COUNT) \
	$(PY) -m bench.run --count $(BENCH_COUNT) --seed $(BENCH_SEED) --out-dir $(BENCH_DIR) \
		$(if $(BENCH_REBUILD),--rebuild)
	$(MAKE) --no-print-directory bench-pages
	$(MAKE) --no-print-directory bench-roundtrip

# Export the benchmark's corpus as JSON Lines and import it into an empty
# database and index (var/bench/roundtrip-N.*): the import rate and the counts.
bench-roundtrip: install
	mkdir -p $(BENCH_DIR)
	DJANGO_SETTINGS_MODULE=config.settings.test \
	$(PY) -m bench.roundtrip --count $(BENCH_COUNT) --seed $(BENCH_SEED) --out-dir $(BENCH_DIR)

# Pages over HTTP through gunicorn on the benchmark's corpus and index (built by
# `make bench`): home, registries, deep pages, a full export, and the load test.
bench-pages: install
	DJANGO_SETTINGS_MODULE=config.settings.test \
	DATABASE_URL=sqlite:///$(BENCH_DIR)/bench-$(BENCH_COUNT).sqlite3 \
	SEARCH_INDEX_DIR=$(BENCH_DIR)/whoosh-$(BENCH_COUNT) \
	$(PY) -m bench.pages --count $(BENCH_COUNT) --out-dir $(BENCH_DIR)

# Capture throughput and polling 1,000 unchanged feeds against local servers,
# on its own database and folder.
bench-collect: install
	mkdir -p $(BENCH_DIR)
	DJANGO_SETTINGS_MODULE=config.settings.test \
	DATABASE_URL=sqlite:///$(BENCH_DIR)/collect.sqlite3 \
	CAPTURE_DIR=$(BENCH_DIR)/captures SEARCH_INDEX_DIR=$(BENCH_DIR)/whoosh-collect \
	$(PY) -m bench.collect --pages $${BENCH_PAGES:-100} --feeds $${BENCH_FEEDS:-1000}

# Re-checking unchanged articles (304) against a local server, on its own database.
bench-watch: install
	mkdir -p $(BENCH_DIR)
	DJANGO_SETTINGS_MODULE=config.settings.test \
	DATABASE_URL=sqlite:///$(BENCH_DIR)/watch.sqlite3 \
	CAPTURE_DIR=$(BENCH_DIR)/captures-watch SEARCH_INDEX_DIR=$(BENCH_DIR)/whoosh-watch \
	$(PY) -m bench.watch --articles $${BENCH_ARTICLES:-10000}

clean:
	rm -rf $(VENV) var/staticfiles
