"""The manager's voice: the engine factory, and pyttsx3 (espeak-ng driver) rendered to audio.

`create_synthesizer(settings)` picks the engine: Piper (rehearsal.voice.piper_voice) when
piper-tts and a Piper voice are installed, unless the user chose pyttsx3; pyttsx3 otherwise,
and on macOS and Windows it speaks with the system's own voices. Both render a line the one
way rehearsal.voice.rendering says: sentence by sentence, cached; with `phone_line` on (Piper
only), each part goes through the telephone filter (rehearsal.voice.phone_line).

pyttsx3 is rendered to audio, never played by pyttsx3.

pyttsx3 2.99 has sharp edges (see the engine notes in the shared folder): espeak can be set
up once per process, the first save_to_file is lost unless the engine is primed, the driver
reuses its last file name, a second request cancels the first, and it prints "Audio saved
to ..." on stdout. So one engine lives in one thread, fed by a queue; each request gets a
fresh file and waits for the `finished-utterance` callback; the print is silenced in the
driver module only (the TUI and --json output own stdout).
"""

from __future__ import annotations

import functools
import logging
import queue
import re
import subprocess
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path

import numpy as np

from rehearsal.media import read_wav
from rehearsal.settings import Settings
from rehearsal.voice.interfaces import Audio, Synthesizer, VoiceSpec, VoiceUnavailable
from rehearsal.voice.rendering import SentenceSynthesizer

log = logging.getLogger(__name__)

MISSING_ESPEAK = ("The manager's voice needs espeak-ng: sudo apt-get install espeak-ng. "
                  "Until then the manager's lines are shown as text.")
RENDER_TIMEOUT_S = 30.0
TAIL_THRESHOLD = 100  # int16 amplitude: below this is silence
KEEP_TAIL_S = 0.05
DEFAULT_VOICE = "en-us"
DEFAULT_RATE = 160  # words a minute: a calm phone voice
DEFAULT_PITCH = 50


class _Engine:
    """The one pyttsx3 engine of this process, in its own thread."""

    def __init__(self) -> None:
        self._requests: queue.Queue[tuple[str, VoiceSpec, Future]] = queue.Queue()
        self._ready: Future = Future()
        self._thread = threading.Thread(target=self._run, name="tts", daemon=True)
        self._thread.start()
        self._ready.result()  # raises VoiceUnavailable when espeak-ng is missing

    def render(self, text: str, spec: VoiceSpec) -> Audio:
        future: Future = Future()
        self._requests.put((text, spec, future))
        return future.result(RENDER_TIMEOUT_S)

    def _run(self) -> None:
        try:
            engine, finished, voice = _start_pyttsx3()
        except VoiceUnavailable as exc:
            self._ready.set_exception(exc)
            return
        self._ready.set_result(None)
        folder = Path(tempfile.mkdtemp(prefix="rehearsal-tts-"))
        count = 0
        while True:
            text, spec, future = self._requests.get()
            count += 1
            try:
                audio = _synthesise(engine, finished, voice, text, spec, folder / f"line-{count}.wav")
                if not audio.pcm and text.strip():
                    # Seen once on a loaded machine (tests/test_heard_back.py): the WAV came back with no frames (a
                    # finished-utterance event ahead of the data). Saying the line again fixes it.
                    log.warning("espeak-ng returned an empty line; rendering it again")
                    audio = _synthesise(engine, finished, voice, text, spec, folder / f"line-{count}-again.wav")
                future.set_result(audio)
            except Exception as exc:  # noqa: BLE001 - handed to the caller, who reports it
                future.set_exception(exc)


class _Voice:
    """The voice for the line being rendered, applied the moment espeak starts it.

    Properties set through pyttsx3's queue before `runAndWait` can be dropped: the driver
    cancels espeak's command queue at the start of each loop. Set in the driver's
    `started-utterance` callback they land just before the text, every time.
    """

    def __init__(self, driver_class) -> None:
        self._driver = driver_class
        self.spec = VoiceSpec()
        self._ids = _voice_ids(driver_class)

    def resolve(self, hint: str | None) -> str:
        """A voice id espeak-ng accepts, from an id, a language ('en-gb') or a name.

        A hint may list several, comma-separated, for engines with other voices: the first one
        espeak knows wins; a Piper voice name ('en_GB-alan-medium') counts as its language.
        """
        candidates = [c.strip() for c in (hint or "").split(",") if c.strip()]
        for candidate in candidates:
            key = candidate.lower()
            piper_language = re.match(r"^([a-z]{2,3})_([a-z]{2})-", key)
            for option in (key, f"{piper_language[1]}-{piper_language[2]}" if piper_language else None):
                if option and option in self._ids:
                    return self._ids[option]
        return candidates[0] if candidates else DEFAULT_VOICE

    def apply(self, name=None) -> None:
        spec = self.spec
        try:
            self._driver.setProperty("voice", self.resolve(spec.voice))
        except ValueError:
            log.info("espeak-ng has no voice %r; using %s", spec.voice, DEFAULT_VOICE)
            self._driver.setProperty("voice", DEFAULT_VOICE)
        self._driver.setProperty("rate", spec.rate or DEFAULT_RATE)
        self._driver.setProperty("pitch", spec.pitch if spec.pitch is not None else DEFAULT_PITCH)


def _voice_ids(driver_class) -> dict[str, str]:
    ids: dict[str, str] = {}
    try:
        voices = driver_class.getProperty("voices")
    except Exception:  # noqa: BLE001 - without the list, hints are passed on as they are
        return ids
    for voice in voices:
        keys = [voice.id, voice.id.rsplit("/", 1)[-1], voice.name, *(voice.languages or [])]
        for key in keys:
            ids.setdefault(str(key).lower(), voice.id)
    return ids


def _start_pyttsx3():
    try:
        import pyttsx3
        import pyttsx3.drivers.espeak as espeak_driver
    except (ImportError, OSError, RuntimeError) as exc:
        raise VoiceUnavailable(MISSING_ESPEAK) from exc
    # The driver prints "Audio saved to ..." from espeak's thread; send it to the log instead.
    espeak_driver.print = lambda *args, **kwargs: log.debug(" ".join(map(str, args)))
    try:
        engine = pyttsx3.init("espeak")
    except Exception as exc:  # noqa: BLE001 - espeak failed to start: same remedy
        raise VoiceUnavailable(MISSING_ESPEAK) from exc
    finished = threading.Event()
    voice = _Voice(espeak_driver.EspeakDriver)
    engine.connect("finished-utterance", lambda name=None, completed=True: finished.set())
    engine.connect("started-utterance", voice.apply)
    engine.runAndWait()  # clears the driver's initial busy state, else the first file is lost
    return engine, finished, voice


def _synthesise(engine, finished: threading.Event, voice: _Voice, text: str, spec: VoiceSpec, path: Path) -> Audio:
    voice.spec = spec
    finished.clear()
    engine.save_to_file(text, str(path))
    engine.runAndWait()
    # runAndWait can return before espeak's thread has written the file.
    if not finished.wait(RENDER_TIMEOUT_S):
        raise RuntimeError("espeak-ng did not finish speaking the line")
    try:
        audio = read_wav(path)
        return Audio(_trim_tail(audio.pcm, audio.rate), audio.rate)
    finally:
        path.unlink(missing_ok=True)


def _trim_tail(pcm: bytes, rate: int) -> bytes:
    """espeak-ng ends every line with ~350 ms of silence: keep 50 ms, so the reply can start sooner."""
    samples = np.frombuffer(pcm, dtype="<i2")
    loud = np.nonzero(np.abs(samples) > TAIL_THRESHOLD)[0]
    if not len(loud):
        return pcm
    end = min(len(samples), int(loud[-1]) + 1 + int(rate * KEEP_TAIL_S))
    return samples[:end].tobytes()


_engine: _Engine | None = None
_engine_lock = threading.Lock()


def _shared_engine() -> _Engine:
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = _Engine()
        return _engine


class PyttsxSynthesizer(SentenceSynthesizer):
    """Renders lines to 22,050 Hz audio sentence by sentence (rehearsal.voice.rendering); thread-safe."""

    def __init__(self, engine: _Engine, *, cache_dir: Path | None = None) -> None:
        super().__init__(cache_dir=cache_dir)  # no phone line for espeak-ng: see create_synthesizer
        self._engine = engine

    def _say(self, sentence: str, spec: VoiceSpec) -> Audio:
        return self._engine.render(sentence, spec)

    def _identity(self, spec: VoiceSpec) -> str:
        return "|".join(["espeak-ng", _espeak_version(), spec.voice or DEFAULT_VOICE, str(spec.rate or DEFAULT_RATE),
                         str(DEFAULT_PITCH if spec.pitch is None else spec.pitch)])

    def _describe(self, spec: VoiceSpec) -> str:
        return f"espeak-ng {spec.voice or DEFAULT_VOICE}, {spec.rate or DEFAULT_RATE} wpm"

    # close(): the engine thread stays, as espeak can only be set up once per process.


@functools.cache
def _espeak_version() -> str:
    """espeak-ng's version line (the voice data comes with it), for the render cache's keys."""
    try:
        out = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def create_pyttsx3() -> PyttsxSynthesizer:
    """Raises VoiceUnavailable (with the install hint) when espeak-ng is missing."""
    return PyttsxSynthesizer(_shared_engine())


def describe(synth: Synthesizer, spec: VoiceSpec) -> str:
    """Who speaks a spec, for a person: 'Piper en_US-joe-medium, +2.0 semitones, 180 wpm, phone line'."""
    describer = getattr(synth, "describe", None)
    return describer(spec) if describer else type(synth).__name__


def engine_choice(settings: Settings) -> str:
    """'piper' or 'pyttsx3': what `create_synthesizer` would use, without loading anything."""
    if settings.voice_engine != "auto":
        return settings.voice_engine
    from rehearsal.voice import piper_voice

    return "piper" if piper_voice.available() else "pyttsx3"


def create_synthesizer(settings: Settings | None = None) -> Synthesizer:
    """The manager's voice as the settings ask. Raises VoiceUnavailable with a sentence saying what to do."""
    settings = settings or Settings()
    if engine_choice(settings) == "piper":
        from rehearsal.voice.piper_voice import PiperSynthesizer

        try:
            return PiperSynthesizer(phone_line=settings.phone_line)
        except VoiceUnavailable:
            if settings.voice_engine == "piper":
                raise
            log.warning("the Piper voice could not start; using pyttsx3", exc_info=True)
    # No phone line for espeak-ng: through it Whisper tiny.en missed 31 % of the words, against 10 % without
    # (Piper: 5.4 % with, 3.7 % without; benchmarks/bench_tts.py).
    return create_pyttsx3()
