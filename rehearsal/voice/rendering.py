"""How a line becomes the manager's audio, for every engine: sentence by sentence, cached.

A line is cut into its sentences (`phrasing.sentences`: interjections run into the next one).
The engine renders each on its own (`_say`); every part after the first begins with the
pause a person leaves between sentences; with the phone line on, each part then goes through
the telephone filter. The whole line (`render`) is its parts one after another, so the
speaking path can play the first sentence while the rest render, and render-ahead can render
the first sentence of every possible next line before any later one: the first sound of a
Piper line waits for one sentence (~0.5 s), not the whole line (~1.5 s, 2 cores).

Parts are cached in memory, and on disk when a folder is given (`REHEARSAL_TTS_CACHE`; the
tests set it, so CI renders a line once per change of its text, voice, engine or this code).
A part being rendered by one thread is waited for by another, never rendered twice.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
import os
import threading
import wave
from collections import OrderedDict
from concurrent.futures import Future
from pathlib import Path

from rehearsal.voice import phone_line as phone_line_module
from rehearsal.voice import phrasing
from rehearsal.voice.interfaces import Audio, VoiceSpec

log = logging.getLogger(__name__)

CACHE_SIZE = 512  # parts kept in memory (~40 KB a second of speech)
CACHE_ENV = "REHEARSAL_TTS_CACHE"


def cache_folder() -> Path | None:
    """Where renders are kept between runs, if anywhere (off unless REHEARSAL_TTS_CACHE names a folder)."""
    value = os.environ.get(CACHE_ENV)
    return Path(value).expanduser() if value else None


_code_hashes: dict[type, str] = {}


def _code_hash(cls: type) -> str:
    """A hash of the code that shapes the sound: this module, phrasing, the phone line, the engine's module.

    Part of every disk key: a change to the trimming, the pauses or the filter renders anew,
    so a cached line can never hide a regression from the tests that listen to it.
    """
    if cls not in _code_hashes:
        digest = hashlib.sha256()
        for module in (__file__, phrasing.__file__, phone_line_module.__file__, inspect.getfile(cls)):
            digest.update(Path(module).read_bytes())
        _code_hashes[cls] = digest.hexdigest()[:16]
    return _code_hashes[cls]


class SentenceSynthesizer:
    """A Synthesizer for an engine that renders one sentence at a time (`_say`). Thread-safe."""

    def __init__(self, *, phone_line: bool = False, cache_dir: Path | None = None) -> None:
        self.phone_line = phone_line
        self._cache_dir = cache_dir if cache_dir is not None else cache_folder()
        self._memory: OrderedDict[tuple[str, bool, VoiceSpec], Audio] = OrderedDict()
        self._rendering: dict[tuple[str, bool, VoiceSpec], Future] = {}
        self._lock = threading.Lock()

    # -- what engines provide ----------------------------------------------------------

    def _say(self, sentence: str, spec: VoiceSpec) -> Audio:
        """One sentence, its silence trimmed to a short lead and tail."""
        raise NotImplementedError

    def _identity(self, spec: VoiceSpec) -> str:
        """Everything but the text that decides how `spec` sounds: engine and version, voice file, settings."""
        raise NotImplementedError

    def _describe(self, spec: VoiceSpec) -> str:
        raise NotImplementedError

    # -- the Synthesizer interface -------------------------------------------------------

    def parts(self, text: str) -> list[str]:
        """The parts `text` is rendered in, in order: its sentences (a line without any: itself)."""
        return phrasing.sentences(text) or [text]

    def render_part(self, text: str, spec: VoiceSpec, index: int) -> Audio:
        """Part `index` of the line `text`: a sentence, after the pause before it (all but the first)."""
        return self._part(self.parts(text)[index], index > 0, spec)

    def render(self, text: str, spec: VoiceSpec) -> Audio:
        """The whole line."""
        pieces = [self.render_part(text, spec, n) for n in range(len(self.parts(text)))]
        return pieces[0] if len(pieces) == 1 else Audio(b"".join(p.pcm for p in pieces), pieces[0].rate)

    def describe(self, spec: VoiceSpec) -> str:
        return self._describe(spec) + (", phone line" if self.phone_line else "")

    def close(self) -> None:
        with self._lock:
            self._memory.clear()

    # -- the cache -----------------------------------------------------------------------

    def _part(self, sentence: str, after_pause: bool, spec: VoiceSpec) -> Audio:
        key = (sentence, after_pause, spec)
        with self._lock:
            hit = self._memory.get(key)
            if hit is not None:
                self._memory.move_to_end(key)
                return hit
            pending = self._rendering.get(key)
            mine = pending is None
            if mine:
                pending = self._rendering[key] = Future()
        if not mine:
            return pending.result()  # another thread renders this part: wait for it, do not render twice
        try:
            audio = self._from_disk(key) or self._make(sentence, after_pause, spec)
        except BaseException as exc:
            with self._lock:
                del self._rendering[key]
            pending.set_exception(exc)
            raise
        with self._lock:
            self._memory[key] = audio
            if len(self._memory) > CACHE_SIZE:
                self._memory.popitem(last=False)
            del self._rendering[key]
        pending.set_result(audio)
        return audio

    def _make(self, sentence: str, after_pause: bool, spec: VoiceSpec) -> Audio:
        audio = self._say(sentence, spec)
        if after_pause:
            audio = Audio(b"\0\0" * int(audio.rate * phrasing.SENTENCE_PAUSE_S) + audio.pcm, audio.rate)
        if self.phone_line:
            audio = phone_line_module.phone_line(audio)
        self._to_disk((sentence, after_pause, spec), audio)
        return audio

    def _disk_path(self, key: tuple[str, bool, VoiceSpec]) -> Path | None:
        if self._cache_dir is None:
            return None
        sentence, after_pause, spec = key
        name = "|".join([_code_hash(type(self)), self._identity(spec), f"phone={self.phone_line}",
                         f"pause={after_pause}", sentence])
        return self._cache_dir / f"{hashlib.sha256(name.encode('utf-8')).hexdigest()[:32]}.wav"

    def _from_disk(self, key) -> Audio | None:
        path = self._disk_path(key)
        if path is None or not path.is_file():
            return None
        try:
            with wave.open(str(path), "rb") as w:
                return Audio(w.readframes(w.getnframes()), w.getframerate())
        except (OSError, EOFError, wave.Error):
            log.info("unreadable cached render %s; rendering it again", path)
            return None

    def _to_disk(self, key, audio: Audio) -> None:
        path = self._disk_path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            with wave.open(str(tmp), "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(audio.rate)
                w.writeframes(audio.pcm)
            tmp.replace(path)  # whole or not at all: a killed run leaves no half file under the real name
        except OSError as exc:  # a full or read-only disk costs speed, never the line
            log.info("could not keep the render in %s (%s)", path.parent, exc)
