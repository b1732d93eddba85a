#!/usr/bin/env bash
# Stop at once, with one sentence, when a system package that `make <target>` needs is missing.
#   scripts/prerequisites.sh python|grade|test
# Each sentence names the Debian/Ubuntu package; other systems have packages of the same names.
set -u
target=${1:?usage: scripts/prerequisites.sh python|grade|test}
who="make $target"; [ "$target" = python ] && who="The course's virtualenv (.venv)"
missing() { echo "$who needs $1: install it first ($2), then run make again." >&2; exit 1; }
python=${PYTHON:-python3}

"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
  || missing "Python 3.11 or newer as $python" "apt-get install python3, or run make with PYTHON=/path/to/python3.11"
"$python" -m venv --help >/dev/null 2>&1 || missing "Python's venv module" "apt-get install python3-venv"
case $target in
  grade|test)
    # Student code runs only inside bubblewrap sandboxes (UNSAFE=1 grades without them, for trusted runs).
    [ "${UNSAFE:-}" = 1 ] || command -v bwrap >/dev/null || missing "bubblewrap (bwrap)" "apt-get install bubblewrap" ;;&
  test)
    # The report's test renders the page in a real headless browser.
    command -v chromium >/dev/null || missing "chromium" "apt-get install chromium" ;;
esac
exit 0
