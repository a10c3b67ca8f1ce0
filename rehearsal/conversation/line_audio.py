"""The manager's lines rendered in the background, part by part (sentence by sentence).

One worker thread renders everything the call says, in this order: the parts of the line
being said (so its first sentence can play at once and the rest render while it plays),
then render-ahead: the FIRST part of every line the manager may say next, then their second
parts, and so on (then the lines wanted all call long, e.g. the nudge). A long answer then
costs its first sentence's render when it is due, not the whole of every possible answer.

One worker is enough: the engines render one line at a time anyway (Piper's phonemizer and
espeak-ng are process-global). A line that is cancelled (barge-in, a false end, an answer
decided again) drops the parts not yet rendered; the one being rendered finishes into the
synthesiser's cache, and is never played.
"""

from __future__ import annotations

import threading
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field

from rehearsal.voice.interfaces import Audio, Synthesizer, VoiceSpec


def parts_of(synth: Synthesizer, text: str) -> int:
    """How many parts `synth` renders `text` in (1 for an engine that renders whole lines)."""
    parts = getattr(synth, "parts", None)
    return len(parts(text)) if parts is not None and hasattr(synth, "render_part") else 1


def render_part(synth: Synthesizer, text: str, spec: VoiceSpec, index: int) -> Audio:
    if hasattr(synth, "render_part") and hasattr(synth, "parts"):
        return synth.render_part(text, spec, index)
    return synth.render(text, spec)


def join(pieces: list[Audio]) -> Audio:
    """Audio pieces one after another (all at the first one's rate, as one engine renders them)."""
    return Audio(b"".join(p.pcm for p in pieces), pieces[0].rate)


@dataclass(eq=False)
class _Job:
    text: str
    spec: VoiceSpec
    index: int
    future: Future = field(default_factory=Future)
    ahead: bool = True  # render-ahead (replaced by the next render-ahead), or part of a line being said


class LineAudio:
    """A line being said: its parts' renders, taken in order as they become ready."""

    def __init__(self, jobs: list[_Job]) -> None:
        self._jobs = jobs
        self._next = 0

    def first(self) -> Audio:
        """The first part, waiting for it; raises what the synthesiser raised."""
        self._next = 1
        return self._jobs[0].future.result()

    def ready(self) -> Audio | None:
        """The parts rendered and not yet taken, joined (None: the next is not rendered yet, or none is left)."""
        pieces = []
        while self._next < len(self._jobs) and self._jobs[self._next].future.done():
            pieces.append(self._jobs[self._next].future.result())  # raises a failed render's error
            self._next += 1
        return join(pieces) if pieces else None

    @property
    def taken_all(self) -> bool:
        return self._next >= len(self._jobs)

    def whole(self) -> Audio | None:
        """The whole line, if every part is rendered by now."""
        if not all(j.future.done() and not j.future.cancelled() and j.future.exception() is None for j in self._jobs):
            return None
        return join([j.future.result() for j in self._jobs])

    def rendered(self) -> Audio | None:
        """The parts rendered so far, in order up to the first missing one (for the recording of a cut line)."""
        pieces = []
        for job in self._jobs:
            if not job.future.done() or job.future.cancelled() or job.future.exception() is not None:
                break
            pieces.append(job.future.result())
        return join(pieces) if pieces else None

    def cancel(self) -> None:
        """Drop the parts not rendered yet."""
        for job in self._jobs:
            job.future.cancel()


class Renderer:
    """The one render worker of a call (see the module docstring)."""

    def __init__(self, synth: Synthesizer) -> None:
        self._synth = synth
        self._queue: deque[_Job] = deque()
        self._kept: dict[str, VoiceSpec] = {}
        self._wake = threading.Condition()
        self._closed = False
        # Not a daemon: an interpreter exiting in the middle of an ONNX render aborts the process.
        # It ends with the call (close), or soon after the main thread does.
        self._thread = threading.Thread(target=self._run, name="render")
        self._thread.start()

    def line(self, text: str, spec: VoiceSpec, *, drop_ahead: bool = False) -> LineAudio:
        """Render `text` next, before anything queued; `drop_ahead`: forget the lines rendered ahead."""
        jobs = [_Job(text, spec, n, ahead=False) for n in range(parts_of(self._synth, text))]
        with self._wake:
            if drop_ahead:
                self._drop(lambda job: job.ahead)
            if self._closed:  # the call is over: nothing renders any more
                for job in jobs:
                    job.future.cancel()
            self._queue.extendleft(reversed(jobs))
            self._wake.notify()
        return LineAudio(jobs)

    def keep(self, text: str, spec: VoiceSpec) -> None:
        """Render this line ahead, and again after every change of what is rendered ahead (all call long)."""
        self._kept[text] = spec
        self.ahead([])

    def ahead(self, lines: list[tuple[str, VoiceSpec]]) -> None:
        """Render these lines (then the kept ones) when nothing is due: every first part, then every second part...

        Replaces what was queued ahead before (the lines that could have come after the last line).
        """
        lines = [*lines, *((text, spec) for text, spec in self._kept.items() if text not in dict(lines))]
        counts = [parts_of(self._synth, text) for text, _ in lines]
        jobs = [_Job(text, spec, n) for n in range(max(counts, default=0))
                for (text, spec), count in zip(lines, counts) if n < count]
        with self._wake:
            self._drop(lambda job: job.ahead)
            self._queue.extend(jobs)
            self._wake.notify()

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._drop(lambda job: True)
            self._wake.notify()

    def _drop(self, which) -> None:
        kept = deque()
        for job in self._queue:
            if which(job):
                job.future.cancel()
            else:
                kept.append(job)
        self._queue = kept

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._queue and not self._closed and threading.main_thread().is_alive():
                    self._wake.wait(0.5)
                if self._closed or not self._queue:
                    return
                job = self._queue.popleft()
            if not job.future.set_running_or_notify_cancel():
                continue  # cancelled while queued
            try:
                job.future.set_result(render_part(self._synth, job.text, job.spec, job.index))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the line
                job.future.set_exception(exc)


__all__ = ["LineAudio", "Renderer", "join", "parts_of", "render_part"]
