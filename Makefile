# Deep Learning Basics: `make help` lists the targets. Every target sets up the virtualenv it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
# nbgrader starts `alembic` and Jupyter kernels as subprocesses: they must come from the virtualenv.
export PATH := $(BIN):$(PATH)
export TF_CPP_MIN_LOG_LEVEL ?= 2
# No internet (CI, offline labs): use the offline MNIST copy beside the repository when there is one.
OFFLINE_MNIST := $(abspath ../shared/data/mnist/mnist-offline.npz)
ifeq ($(origin COURSE_MNIST_NPZ),undefined)
ifneq ($(wildcard $(OFFLINE_MNIST)),)
export COURSE_MNIST_NPZ := $(OFFLINE_MNIST)
endif
endif

.DEFAULT_GOAL := help
.PHONY: help install release collect grade report export demo test check test-fast bench colab-check clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt pyproject.toml grader/pyproject.toml
	@PYTHON=$(PYTHON) bash scripts/prerequisites.sh python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -e . -e ./grader
	touch $@

install: $(VENV)/.installed  ## create the virtualenv .venv with everything (TensorFlow, nbgrader, ...)

release: install  ## source/ -> release/ for every assignment (or ASSIGNMENTS="01_tensors ...")
	$(BIN)/python -m grader release $(ASSIGNMENTS)

collect: install  ## an LMS download -> submitted/: FROM=download.zip ASSIGNMENT=01_tensors [LMS=canvas|moodle|blackboard|classroom] [ROSTER=roster.csv]
	@test -n "$(FROM)" -a -n "$(ASSIGNMENT)" || { echo "make collect needs FROM=<download.zip or folder> and ASSIGNMENT=<assignment id>"; exit 2; }
	$(BIN)/python -m grader collect "$(FROM)" --assignment "$(ASSIGNMENT)" $(if $(LMS),--lms $(LMS)) $(if $(ROSTER),--roster "$(ROSTER)")

grade: install  ## submitted/ -> autograded/, feedback/, grades.csv, reports/; WORKERS=N, UNSAFE=1, SCHEDULER=tcp://host:8786
	@UNSAFE=$(UNSAFE) bash scripts/prerequisites.sh grade
	$(BIN)/python -m grader grade $(if $(WORKERS),--workers $(WORKERS)) $(if $(filter 1 yes true,$(UNSAFE)),--unsafe) $(if $(SCHEDULER),--scheduler $(SCHEDULER))

report: install  ## reports/: the grading report again from the gradebook, without grading
	$(BIN)/python -m grader report

export: install  ## grades and feedback -> exports/<lms>/ as the LMS imports them: LMS=canvas|moodle|blackboard|classroom [ROSTER=roster.csv]
	@test -n "$(LMS)" || { echo "make export needs LMS=canvas, moodle, blackboard or classroom"; exit 2; }
	$(BIN)/python -m grader export --lms "$(LMS)" $(if $(ROSTER),--roster "$(ROSTER)")

demo: install  ## grade a sample class of 3 students in a scratch folder (DEMO_ASSIGNMENTS="01_tensors ...")
	$(BIN)/python -m grader demo $(DEMO_ASSIGNMENTS)

test: install  ## the quick answer: fast tests and one end-to-end pass of every component (docs/contributing.md)
	@bash scripts/prerequisites.sh test
	COURSE_TEST_TIER=quick $(BIN)/python -m pytest -ra --durations=15 -m "not slow or quick"

check: install  ## the full evidence CI runs: every assignment, answer variant and cheat
	@bash scripts/prerequisites.sh test
	$(BIN)/python -m pytest -ra --durations=25

test-fast: install  ## only the tests that execute no notebook
	$(BIN)/python -m pytest -ra -m "not slow"

clean:  ## remove grading output and caches (keeps .venv, source/ and release/)
	rm -rf autograded/*/ feedback/ submitted/ intake/ reports/ exports/ gradebook.db grades.csv .pytest_cache build/

bench: install  ## print run time, peak memory and autograde time of every notebook, grading throughput here and on Dask
	$(BIN)/python scripts/bench_notebooks.py --json build/bench-notebooks.json
	$(BIN)/python scripts/bench_grading.py --notebooks build/bench-notebooks.json

colab-check:  ## run all notebooks and answer variants on Colab's Python 3.13, TensorFlow, Keras and numpy (.venv-colab)
	bash scripts/check_colab_stack.sh
