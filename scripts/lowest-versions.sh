#!/usr/bin/env bash
# Check the dependency floors in pyproject.toml: install every direct dependency at the lowest
# version it allows (uv's lowest-direct resolution) in a separate virtualenv and run the tests
# that need no audio stack or speech model. Arguments go to pytest (e.g. -x, or a test file).
# Snapshot tests are left out: they pin the look at the versions the main run uses.
set -euo pipefail
source "$(dirname "$0")/_setup.sh"
LOWEST=${REHEARSAL_LOWEST_VENV:-$REPO/.venv-lowest}
if [ ! -x "$LOWEST/bin/uv" ]; then
    say "creating $LOWEST for the lowest-versions check"
    "$PYTHON" -m venv "$LOWEST"
    "$LOWEST/bin/python" -m pip install -q uv
fi
say "installing rehearsal with every direct dependency at its declared floor"
VIRTUAL_ENV="$LOWEST" "$LOWEST/bin/uv" pip install -q --python "$LOWEST/bin/python" \
    --resolution lowest-direct -e "$REPO[test]"
"$LOWEST/bin/python" -m pip list 2>/dev/null | grep -iE '^(textual|textual-plotext|rich|pydantic|pydantic-settings|pyyaml|rapidfuzz|platformdirs) ' >&2
cd "$REPO"
"$LOWEST/bin/python" -m pytest -q -p no:cacheprovider -m "not audio and not vosk and not english" \
    --ignore=tests/test_ui_snapshots.py "$@"
