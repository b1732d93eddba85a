#!/usr/bin/env bash
# Run all five notebooks and every right/wrong answer on Colab's stack (Python 3.13, TensorFlow 2.20,
# Keras 3.13, numpy 2.1, pandas 2.2), with the course package installed the way Colab's setup cell installs it.
# Not part of `make test` (it takes a while and a second virtualenv, .venv-colab/).
# COLAB_PYTHON=/path/to/python3.13 picks the interpreter; otherwise python3.13 on PATH, then pyenv's 3.13.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-colab
is_313() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; }

if [ -z "${COLAB_PYTHON:-}" ]; then
  COLAB_PYTHON=python3.13
  # a pyenv shim named python3.13 exists even when it cannot run
  if ! is_313 python3.13 && prefix=$(pyenv prefix 3.13 2>/dev/null); then COLAB_PYTHON=$prefix/bin/python; fi
fi
is_313 "$COLAB_PYTHON" || {
  echo "Colab runs Python 3.13 and none was found (tried $COLAB_PYTHON). Install it (pyenv install 3.13, or" \
       "apt-get install python3.13 python3.13-venv) or set COLAB_PYTHON=/path/to/python3.13." >&2
  exit 1
}

if ! is_313 "$VENV/bin/python" || [ ! -f "$VENV/.installed" ]; then
  rm -rf "$VENV"
  "$COLAB_PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet "tensorflow==2.20.*" "keras==3.13.*" "numpy==2.1.*" "pandas==2.2.*" -r requirements.txt
  "$VENV/bin/pip" install --quiet -e ./grader  # the tests run notebooks through the grader, as grading does
  touch "$VENV/.installed"
fi
before=$("$VENV/bin/pip" list --format=freeze | grep -iE '^(tensorflow|keras|numpy)==')
"$VENV/bin/pip" install --quiet .            # what the Colab setup cell does (from the repository)
after=$("$VENV/bin/pip" list --format=freeze | grep -iE '^(tensorflow|keras|numpy)==')
[ "$before" = "$after" ] || { echo "installing the course package changed: $before -> $after"; exit 1; }
echo "TensorFlow/Keras/numpy untouched by the course package"

# nbgrader starts `alembic` and the tests start kernels: they must come from this virtualenv.
export PATH="$PWD/$VENV/bin:$PATH"
unset COURSE_TEST_ASSIGNMENTS  # every assignment, always
python -c 'import sys, tensorflow as tf, keras, numpy as np
print(f"python {sys.version.split()[0]}, tensorflow {tf.__version__}, keras {keras.__version__}, numpy {np.__version__}")'
python -m pytest -q -p no:cacheprovider tests/test_answers.py tests/test_course.py tests/test_colab.py
