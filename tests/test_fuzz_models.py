"""Fuzzing model zips (`models install --from`): damaged bytes give one ModelInstallError, never a
crash, and never leave a half-installed model or a temporary folder behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import event, given
from hypothesis import strategies as st

from fuzz_support import budget, seeded
from hostile_support import model_zip
from rehearsal.voice import model_store

GOOD = model_zip()


@st.composite
def damaged(draw) -> bytes:
    data = bytearray(GOOD)
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@seeded
@budget(150)
@given(damaged())
def test_damaged_model_zips_never_crash(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "vosk-model-test.zip"
        path.write_bytes(data)
        models = Path(os.environ["REHEARSAL_MODELS_DIR"])
        try:
            model_store.install(from_path=path, unverified=True, force=True)
            event("installed")
        except model_store.ModelInstallError as exc:
            event("refused")
            assert ".installing-" not in str(exc)
        assert not list(models.glob(".installing-*"))
