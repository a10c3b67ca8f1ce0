"""The manager's side of a voice call: render a line, play it, and stop when the caller barges in.

Lines the manager may say next are rendered ahead in a worker thread while the caller
replies, so the answer starts without a pause (the synthesiser caches what it rendered).
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

from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from rehearsal.call import events as ev
from rehearsal.call.engine import Call
from rehearsal.conversation.capture import ReplyCapture
from rehearsal.conversation.controls import Controls, Interrupt
from rehearsal.conversation.hearing import PREROLL_CHUNKS, Ear
from rehearsal.conversation.reply import Reply
from rehearsal.media import rms
from rehearsal.settings import Settings
from rehearsal.voice.casting import spec_for as voice_spec
from rehearsal.voice.interfaces import Audio, AudioChunk, Playback, Speaker, Synthesizer, VoiceSpec, VoiceUnavailable


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
        self._synth = synthesizer
        self._speaker = speaker
        self._ear = ear
        self._controls = controls
        self._capture = capture
        self._ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render-ahead")
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
        audio = self._render(text, turn_id)
        started = ev.Prompted(turn_id, text) if nudge else ev.ManagerSpeaking(turn_id, text, audio)
        pending = [speculation] if speculation is not None else []

        def commit() -> bool:  # the reply before is final: report it, then this line (if still right)
            if pending:
                self._ear.quick_start(False)
                if not pending.pop().commit():
                    return False
                self._emit(started)
            return True

        if not pending:
            self._emit(started)
        playback = self._play(audio)
        if playback is None:
            if not commit():
                return Superseded()
            self._emit(ev.ManagerDone(turn_id))
            return Finished()
        if not listening:
            self._ear.reset()
        self._ear.far_end(_level(audio))
        self._ear.quick_start(bool(pending))
        heard: deque[AudioChunk] = deque(maxlen=PREROLL_CHUNKS)
        try:
            while not playback.done:
                try:
                    self._controls.check()
                except Interrupt:
                    commit()
                    raise
                if self._controls.talking:
                    commit()
                    return self._barge_in(turn_id, playback, list(heard))
                chunk = self._ear.read()
                if chunk is None:
                    playback.wait(0.02)
                    continue
                heard.append(chunk)
                if listening:
                    self._capture.feed(chunk)
                if pending:
                    pending[0].reply.add(chunk, hold=True)  # the pause goes on, until speech resumes
                if self._ear.detect(chunk) == "speech_start" and self._ear.auto:
                    if pending:
                        playback.stop()
                        self._playback = None
                        return Resumed(list(heard))
                    return self._barge_in(turn_id, playback, list(heard))
                if pending and self._ear.audio_s - pending[0].ended_at >= pending[0].grace_s and not commit():
                    playback.stop()
                    self._playback = None
                    return Superseded()
        finally:
            self._ear.far_end(None)
            self._ear.quick_start(False)
        self._playback = None
        if not commit():
            return Superseded()
        self._emit(ev.ManagerDone(turn_id))
        return Finished()

    def _barge_in(self, turn_id: str, playback: Playback, heard: list[AudioChunk]) -> BargedIn:
        playback.stop()
        self._playback = None
        self._emit(ev.ManagerDone(turn_id, interrupted=True))
        return BargedIn(heard)

    # -- rendering ---------------------------------------------------------------------

    def _spec(self, turn_id: str) -> VoiceSpec:
        """The voice of whoever says this turn (the manager, or e.g. their assistant)."""
        return voice_spec(self.call.scenario.speaker(turn_id).voice, self.settings)

    def _render(self, text: str, turn_id: str) -> Audio | None:
        if self._synth is None:
            return None
        try:
            return self._synth.render(text, self._spec(turn_id))
        except VoiceUnavailable as exc:
            self._synth = None
            self._emit(ev.Notice("warning", str(exc)))
        except Exception as exc:  # noqa: BLE001
            self._synth = None
            self._emit(ev.Notice("warning", f"The manager's voice failed ({exc}); their lines are shown as text."))
        return None

    def _render_quietly(self, text: str, turn_id: str) -> None:
        synth = self._synth
        if synth is not None:
            try:
                synth.render(text, self._spec(turn_id))
            except Exception:  # noqa: BLE001 - the real render reports it when the line is due
                pass

    def prepare(self, text: str, turn_id: str) -> None:
        """Render a line in the background, so it is ready when it is due."""
        self._ahead.submit(self._render_quietly, text, turn_id)

    def render_ahead(self) -> None:
        """Render every line the manager may say next, so the answer comes without a pause."""
        turn = self.call.current
        for branch in turn.next or []:
            target = self.call.scenario.turns.get(branch.goto)
            if target is not None:
                self.prepare(target.text, branch.goto)

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
        """Stop the line playing, if any (the caller typed, skipped, retried or hung up)."""
        if self._playback is not None:
            self._playback.stop()
            self._playback = None

    def shutdown(self) -> None:
        """The call is over: drop the lines still waiting to be rendered ahead."""
        self._ahead.shutdown(wait=False, cancel_futures=True)


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
