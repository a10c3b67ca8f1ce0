#!/usr/bin/env bash
# Check the dependency floors in pyproject.toml: install every direct dependency at the lowest
# version it allows (uv's lowest-direct resolution) in a separate virtualenv and run the tests
# that need no audio stack or speech model. Arguments go to pytest (e.g. -x, or a test file).
# Snapshot tests are left out: they pin the look at the versions the main run uses.
set -euo pipefail
source "$(dirname "$0")/_setup.sh"
LOWEST=${REHEARSAL_LOWEST_VENV:-$REPO/.venv-lowest}
UV="$LOWEST/uv-tool/bin/uv"  # uv in a venv of its own: syncing the test venv must not remove it
if [ ! -x "$UV" ]; then
    say "creating $LOWEST for the lowest-versions check"
    "$PYTHON" -m venv "$LOWEST"
    "$PYTHON" -m venv "$LOWEST/uv-tool"
    "$LOWEST/uv-tool/bin/python" -m pip install -q uv
fi
say "installing rehearsal with every direct dependency at its declared floor"
# Resolve to exact pins, then sync: a plain install would keep newer versions already there.
pins="$LOWEST/lowest-requirements.txt"
"$UV" pip compile -q --resolution lowest-direct --extra test "$REPO/pyproject.toml" -o "$pins"
"$UV" pip sync -q --python "$LOWEST/bin/python" "$pins"
"$UV" pip install -q --python "$LOWEST/bin/python" --no-deps -e "$REPO"
grep -iE '^(textual|textual-plotext|rich|pydantic|pydantic-settings|pyyaml|rapidfuzz|platformdirs|shtab)==' "$pins" >&2
cd "$REPO"
"$LOWEST/bin/python" -m pytest -q -p no:cacheprovider -m "not audio and not vosk and not english" \
    --ignore=tests/test_ui_snapshots.py "$@"
