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
.PHONY: help install release grade demo test test-fast clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt -e .
	touch $@

install: $(VENV)/.installed  ## create the virtualenv .venv with everything (TensorFlow, nbgrader, ...)

release: install  ## source/ -> release/ for every assignment (or ASSIGNMENTS="01_tensors ...")
	$(BIN)/python -m course.grading release $(ASSIGNMENTS)

grade: install  ## submitted/ -> autograded/ -> feedback/, then grades.csv and a score table
	$(BIN)/python -m course.grading grade

demo: install  ## grade a sample class of 3 students in a scratch folder (DEMO_ASSIGNMENTS="01_tensors ...")
	$(BIN)/python -m course.grading demo $(DEMO_ASSIGNMENTS)

test: install  ## run every test (fast checks, then notebooks and the nbgrader pipeline)
	$(BIN)/python -m pytest -ra

test-fast: install  ## only the tests that execute no notebook
	$(BIN)/python -m pytest -ra -m "not slow"

clean:  ## remove grading output and caches (keeps .venv, source/ and release/)
	rm -rf autograded/*/ feedback/ submitted/ gradebook.db grades.csv .pytest_cache
