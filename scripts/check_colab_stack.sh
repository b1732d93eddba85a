#!/usr/bin/env bash
# Run the notebooks and every right/wrong answer on Colab's library versions (TensorFlow 2.20, Keras 3.13,
# numpy 2.1), with the course package installed the way Colab's setup cell installs it.
# Python stays this machine's (Colab has 3.13); everything else matches. Not part of `make test` (it takes
# a few minutes and a second virtualenv, .venv-colab/).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-colab
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "tensorflow==2.20.*" "keras==3.13.*" "numpy==2.1.*" pandas plotly \
    scikit-learn pillow "nbgrader==0.9.6" pytest
fi
before=$("$VENV/bin/pip" list --format=freeze | grep -iE '^(tensorflow|keras|numpy)==')
"$VENV/bin/pip" install --quiet .            # what the Colab setup cell does (from the repository)
after=$("$VENV/bin/pip" list --format=freeze | grep -iE '^(tensorflow|keras|numpy)==')
[ "$before" = "$after" ] || { echo "installing the course package changed: $before -> $after"; exit 1; }
echo "TensorFlow/Keras/numpy untouched by the course package: $(echo $after)"
"$VENV/bin/pip" install --quiet -e ./grader  # the test harness runs notebooks through the grader, as grading does
"$VENV/bin/python" -m pytest -q -p no:cacheprovider tests/test_answers.py tests/test_course.py
