"""The manager's side of a voice call: render a line, play it, and stop when the caller barges in.

A line is rendered and played sentence by sentence (`line_audio`): its first sentence plays
while the rest render. Lines the manager may say next are rendered ahead while the caller
replies, the first sentence of each before any later one, so the answer starts without a
pause. Stopping a line (barge-in, a false end, an interrupt) drops its unrendered sentences.
A failing synthesiser or speaker is reported once and then left out: the lines are still
shown as text and the call goes on.

A line may start while the reply before it is still only *probably* over (a `Speculation`):
the reply was ended by a pause and scored, but neither it nor this line is reported until a
grace window has passed. If the caller speaks again inside it, the line stops at once and
`speak` returns `Resumed`: the runner takes the score back and the reply goes on. The
manager's own voice in the microphone never counts as resuming: the echo gate is raised
while the line plays, as it is for barge-in.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from rehearsal.call import events as ev
from rehearsal.call.engine import Call
from rehearsal.conversation.capture import BARGE_IN_PREROLL_CHUNKS, ReplyCapture
from rehearsal.conversation.controls import Controls, Interrupt
from rehearsal.conversation.hearing import Ear
from rehearsal.conversation.line_audio import LineAudio, Renderer, join
from rehearsal.conversation.reply import Reply
from rehearsal.media import rms
from rehearsal.settings import Settings
from rehearsal.voice.casting import spec_for as voice_spec
from rehearsal.voice.interfaces import Audio, AudioChunk, Playback, Speaker, Synthesizer, VoiceSpec, VoiceUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Finished:
    """The line played to its end (or there was nothing to play)."""


@dataclass(frozen=True, slots=True)
class BargedIn:
    """The caller talked over the line, which stopped; `heard`: the audio just before and at it."""

    heard: list[AudioChunk]


@dataclass(frozen=True, slots=True)
class Resumed:
    """The caller went on with the reply before it (a false end); the line stopped unreported."""

    heard: list[AudioChunk]


@dataclass(frozen=True, slots=True)
class Superseded:
    """The reply before, decided again on its final words, leads elsewhere: the line stopped unreported."""


Spoken = Finished | BargedIn | Resumed | Superseded


@dataclass(frozen=True, slots=True)
class Speculation:
    """A reply ended by a pause, scored but not yet reported: the caller may still go on.

    `ended_at` is when it ended (microphone audio seconds); `commit` reports it (and its score).
    """

    reply: Reply
    ended_at: float
    grace_s: float
    commit: Callable[[], bool]  # False: decided again, the reply leads to another line
    ready: Callable[[], bool] = lambda: True  # final words in: until then the mic is read, not blocked on


class ManagerVoice:
    def __init__(
        self,
        call: Call,
        settings: Settings,
        emit: ev.EventSink,
        *,
        synthesizer: Synthesizer | None,
        speaker: Speaker | None,
        ear: Ear,
        controls: Controls,
        capture: ReplyCapture,
    ) -> None:
        self.call = call
        self.settings = settings
        self._emit = emit
        self._speaker = speaker
        self._ear = ear
        self._controls = controls
        self._capture = capture
        self._renderer = Renderer(synthesizer) if synthesizer is not None else None  # None: shown as text
        self._line_audio: LineAudio | None = None  # the line being said
        self._playback: Playback | None = None

    # -- saying a line -----------------------------------------------------------------

    def speak(
        self, turn_id: str, text: str, *, listening: bool = False, nudge: bool = False,
        speculation: Speculation | None = None,
    ) -> Spoken:
        """Say a line; the outcome says whether it played out, the caller barged in, or the
        caller went on with the reply before it (only while a `speculation` is pending).

        While `listening` (a nudge) every chunk heard also goes to the reply being recorded.
        Controls are checked between chunks, so an interrupt may leave the line playing:
        the runner stops it with `stop`.
        """
        line = self._line(text, turn_id, drop_ahead=not nudge and speculation is None)
        audio = self._first(line)
        # The whole line when it was all rendered ahead; else the recording gets it at the end (ManagerDone).
        whole = line.whole() if line is not None and audio is not None else None
        started = ev.Prompted(turn_id, text) if nudge else ev.ManagerSpeaking(turn_id, text, whole)
        pending = [speculation] if speculation is not None else []
        loudest = [0.0, 0.0, 0.0]  # while a reply is held: the loudest chunk heard, the gate then, when

        def done(interrupted: bool = False) -> ev.ManagerDone:
            late = None if nudge or whole is not None or line is None or audio is None else line.rendered()
            return ev.ManagerDone(turn_id, interrupted=interrupted, audio=late)

        def commit() -> bool:  # the reply before is final: report it, then this line (if still right)
            if pending:
                log.debug("reply held %.2f s, committed: loudest chunk %.3f (gate %.3f) %.2f s after its end",
                          self._ear.audio_s - pending[0].ended_at, *loudest)
                self._ear.quick_start(False)
                if not pending.pop().commit():
                    return False
                self._emit(started)
            return True

        if not pending:
            self._emit(started)
        playback = self._play(audio)
        if playback is None:
            self._cancel_line()
            if not commit():
                return Superseded()
            self._emit(done())
            return Finished()
        if not listening:
            self._ear.reset()
        played = [audio]
        self._ear.far_end(_level(audio))
        self._ear.quick_start(bool(pending))
        heard: deque[AudioChunk] = deque(maxlen=BARGE_IN_PREROLL_CHUNKS)  # capture.preroll trims it
        try:
            while not self._line_over(played):
                try:
                    self._controls.check()
                except Interrupt:
                    commit()
                    raise
                if self._controls.talking:
                    commit()
                    return self._barge_in(done, list(heard))
                chunk = self._ear.read()
                if chunk is None:  # (reading took its time: no busy loop while the next part renders)
                    if self._playback is not None:
                        self._playback.wait(0.02)
                    continue
                heard.append(chunk)
                if pending and chunk.level > loudest[0]:
                    loudest[:] = [chunk.level, self._ear.gate(), self._ear.audio_s - pending[0].ended_at]
                if listening:
                    self._capture.feed(chunk)
                if pending:
                    pending[0].reply.add(chunk, hold=True)  # the pause goes on, until speech resumes
                if self._ear.detect(chunk) == "speech_start" and self._ear.auto:
                    if pending:
                        self.stop()
                        log.debug("false end: the caller went on %.2f s after the reply ended (chunk level %.3f, "
                                  "gate %.3f, captured %.0f ms ago)", self._ear.audio_s - pending[0].ended_at,
                                  chunk.level, self._ear.gate(), (time.monotonic() - chunk.at) * 1000)
                        return Resumed(list(heard))
                    return self._barge_in(done, list(heard))
                if pending and self._ear.audio_s - pending[0].ended_at >= pending[0].grace_s and pending[0].ready() \
                        and not commit():
                    self.stop()
                    return Superseded()
        finally:
            self._ear.far_end(None)
            self._ear.quick_start(False)
        self._playback = self._line_audio = None
        if not commit():
            return Superseded()
        self._emit(done())
        return Finished()

    def _line_over(self, played: list[Audio]) -> bool:
        """Whether the line has played to its end; plays its next parts as they come (sentence by sentence)."""
        playback = self._playback
        if playback is not None and not playback.done:
            return False
        line = self._line_audio
        if line is None or line.taken_all:
            return True
        try:
            more = line.ready()
        except Exception as exc:  # noqa: BLE001 - a later sentence failed: the line ends where it got to
            return self._voice_failed(exc) or True
        if more is not None:
            if self._play(more) is None:
                return True
            played.append(more)
            self._ear.far_end(_level(join(played)))
        return False  # playing the next part, or waiting for it to render (still listening meanwhile)

    def _barge_in(self, done: Callable[..., ev.ManagerDone], heard: list[AudioChunk]) -> BargedIn:
        self.stop()
        self._emit(done(interrupted=True))
        return BargedIn(heard)

    # -- rendering ---------------------------------------------------------------------

    def _spec(self, turn_id: str) -> VoiceSpec:
        """The voice of whoever says this turn (the manager, or e.g. their assistant)."""
        return voice_spec(self.call.scenario.speaker(turn_id).voice, self.settings)

    def _line(self, text: str, turn_id: str, *, drop_ahead: bool) -> LineAudio | None:
        """Start rendering a line, before anything queued (`drop_ahead`: the lines rendered ahead are not needed now)."""
        self._cancel_line()
        if self._renderer is not None:
            self._line_audio = self._renderer.line(text, self._spec(turn_id), drop_ahead=drop_ahead)
        return self._line_audio

    def _first(self, line: LineAudio | None) -> Audio | None:
        """The line's first part (its first sentence), waiting for it to render."""
        try:
            return line.first() if line is not None else None
        except Exception as exc:  # noqa: BLE001
            return self._voice_failed(exc)

    def _voice_failed(self, exc: BaseException) -> None:
        """Report a failing synthesiser once, and go on without it (the lines are shown as text)."""
        self._cancel_line()
        if self._renderer is not None:
            self._renderer.close()
            self._renderer = None
        message = str(exc) if isinstance(exc, VoiceUnavailable) else \
            f"The manager's voice failed ({exc}); their lines are shown as text."
        self._emit(ev.Notice("warning", message))

    def _cancel_line(self) -> None:
        line, self._line_audio = self._line_audio, None
        if line is not None:
            line.cancel()

    def prepare(self, text: str, turn_id: str) -> None:
        """Keep a line rendered all call long (after the lines that may come next), e.g. the nudge."""
        if self._renderer is not None:
            self._renderer.keep(text, self._spec(turn_id))

    def render_ahead(self) -> None:
        """Render every line the manager may say next, first sentences first, so the answer comes without a pause."""
        if self._renderer is None or self.call.finished:
            return
        lines = {}
        for branch in self.call.current.next or []:
            target = self.call.scenario.turns.get(branch.goto)
            if target is not None:
                lines.setdefault(target.text, self._spec(branch.goto))
        self._renderer.ahead(list(lines.items()))

    # -- playing -----------------------------------------------------------------------

    def _play(self, audio: Audio | None) -> Playback | None:
        if audio is None or self._speaker is None:
            return None
        try:
            self._playback = self._speaker.play(audio)
        except Exception as exc:  # noqa: BLE001
            self._speaker = None
            message = str(exc) if isinstance(exc, VoiceUnavailable) else (
                f"The speaker could not play the manager's voice ({exc}); their lines are shown as text. "
                "Check the output device with `rehearsal devices`.")
            self._emit(ev.Notice("warning", message))
            return None
        return self._playback

    def stop(self) -> None:
        """Stop the line playing, if any (the caller typed, skipped, retried or hung up); drop its parts still to render."""
        self._cancel_line()
        if self._playback is not None:
            self._playback.stop()
            self._playback = None

    def shutdown(self) -> None:
        """The call is over: drop the lines still waiting to be rendered."""
        self._cancel_line()
        if self._renderer is not None:
            self._renderer.close()


def _level(audio: Audio | None) -> float | None:
    """How loud the line's speech is, for the echo gate: the 90th percentile of its 30 ms frames.

    Not the whole line's RMS: a line with pauses between sentences (Piper's, or any natural
    voice) averages low, and its loud syllables' echo would then pass the gate as the caller.
    """
    if audio is None:
        return None
    frame = max(1, audio.rate * 30 // 1000) * 2  # 16-bit mono
    levels = sorted(rms(audio.pcm[i:i + frame]) for i in range(0, len(audio.pcm) - frame + 1, frame))
    return levels[int(len(levels) * 0.9)] if levels else rms(audio.pcm)
