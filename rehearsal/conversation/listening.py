"""Listening for the caller's reply to a line: when it starts and ends, prompts and time limits.

A reply starts when the endpointer hears speech (or push-to-talk is pressed, or the caller
barged in on the manager) and ends when the end-of-turn policy says a pause ends it (see
`turn_end`; or when push-to-talk is released, or at the longest reply allowed). A caller who
says nothing is nudged once; a second silence counts as the reply. All of it is measured in
microphone audio (see `hearing`).

A reply that ended can be heard again (`resume`): the caller spoke on just after it ended,
so the same reply goes on and ends once more, as one reply.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rehearsal.call import events as ev
from rehearsal.call.engine import Call
from rehearsal.conversation.capture import ReplyCapture, transcript_of
from rehearsal.conversation.controls import Controls, Interrupt
from rehearsal.conversation.hearing import PREROLL_CHUNKS, Ear
from rehearsal.conversation.reply import Reply
from rehearsal.conversation.speaking import BargedIn, ManagerVoice, Resumed
from rehearsal.conversation.turn_end import TurnDecision, TurnPolicy, TurnSignals, unmet_expectations
from rehearsal.settings import Settings
from rehearsal.voice.interfaces import AudioChunk, Transcript

if TYPE_CHECKING:
    from rehearsal.judging.delivery import Delivery
    from rehearsal.media import Word

log = logging.getLogger(__name__)

NUDGE = "Hello? Are you still there?"
FINAL_WAIT_S = 3.0  # a final result later than this (a machine far behind) leaves the partial words
NO_WORDS_WAIT_S = 20.0  # ... unless there are none: a reply heard with no words waits this long for them


@dataclass
class Hearing:
    """One reply being listened for, in microphone audio seconds; kept so it can be resumed."""

    turn_id: str
    listen_start: float
    manager_end: float
    speech_at: float | None = None
    last_voiced: float | None = None
    prompted: bool = False
    ended_by_pause: bool = False  # the policy (not a key, a limit, silence) ended it
    ended_at: float = 0.0
    reply_s: float = 0.0  # the reply's audio up to its end (the pause after it may be recorded too)
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Answer:
    """What the caller replied, as the judge takes it, and what to report about it."""

    text: str
    words: list[Word] | None = None
    delivery: Delivery | None = None
    heard: ev.ReplyHeard | None = None  # reported when the answer is final (after any false end)
    reply: Reply | None = None
    hearing: Hearing | None = None
    final: Future[Transcript | None] | None = None  # the final words, when answered on partial ones

    @property
    def resumable(self) -> bool:
        """Ended by a pause, so the caller may yet go on (see loop.CallRunner)."""
        return self.reply is not None and self.hearing is not None and self.hearing.ended_by_pause


class Listener:
    def __init__(
        self,
        call: Call,
        settings: Settings,
        emit: ev.EventSink,
        *,
        ear: Ear,
        capture: ReplyCapture,
        voice: ManagerVoice,
        controls: Controls,
    ) -> None:
        self.call = call
        self.settings = settings
        self._emit = emit
        self._ear = ear
        self._capture = capture
        self._voice = voice
        self._controls = controls
        self._policy = TurnPolicy.from_settings(settings)
        self._judged: tuple[str, tuple[str, ...]] = ("", ())

    def listen(self, turn_id: str, spoken: BargedIn | None) -> Answer:
        """Hear the reply to the line just said (`spoken`: what was heard when the caller cut in).

        Typed replies, skip, retry and hang up end it early, as interrupts.
        """
        self._emit(ev.Listening(turn_id, self.call.time_limit))
        self._voice.render_ahead()
        if not self._ear.has_mic:
            self._controls.wait_typed()
        start = self._ear.audio_s
        hearing = Hearing(turn_id, listen_start=start, manager_end=start)
        if spoken is not None:
            hearing.speech_at = self._capture.speech_started(turn_id, spoken.heard)
        self._controls.stopped_talking = False
        return self._hear(hearing)

    def resume(self, answer: Answer, spoken: Resumed) -> Answer:
        """The caller went on after `answer` ended: the same reply goes on (one reply, heard again)."""
        hearing, reply = answer.hearing, answer.reply
        assert hearing is not None and reply is not None
        reply.resume()
        self._capture.reply = reply
        hearing.ended_by_pause = False
        hearing.last_voiced = self._ear.audio_s
        hearing.reasons.append(f"resumed {self._ear.audio_s - hearing.ended_at:.2f} s after its end")
        log.debug("false end: the caller went on %.2f s after the reply ended", self._ear.audio_s - hearing.ended_at)
        return self._hear(hearing)

    def _hear(self, hearing: Hearing) -> Answer:
        turn_id, time_limit = hearing.turn_id, self.call.time_limit
        # Silence before the reply is not recorded (the recogniser has enough to do), only
        # a short pre-roll, so the first syllable is not cut.
        before: deque[AudioChunk] = deque(maxlen=PREROLL_CHUNKS)
        while True:
            self._controls.check()
            if self._controls.talking and hearing.speech_at is None:
                hearing.speech_at = self._capture.speech_started(turn_id, [])
            chunk = self._ear.read()
            if not self._ear.has_mic:  # lost just now
                self._capture.report_partial(turn_id)
                self._controls.wait_typed()
            if chunk is None:
                continue
            event = self._ear.detect(chunk)
            decision = self._decide(hearing) if self._capture.reply is not None else None
            if self._capture.reply is not None:
                self._capture.add(chunk, event, decision.wait_ms if decision else None)
            else:
                before.append(chunk)
            if self._ear.auto and event == "speech_start" and hearing.speech_at is None:
                hearing.speech_at = self._capture.speech_started(turn_id, list(before))
            if hearing.speech_at is not None and self._reply_over(event, hearing, decision):
                break
            if time_limit is not None and self._ear.audio_s - hearing.listen_start >= time_limit:
                break
            if hearing.speech_at is None and self._ear.audio_s - hearing.listen_start >= self.settings.no_speech_prompt_s:
                if hearing.prompted:
                    break  # a second silence: the reply counts as silence
                hearing.prompted = True
                spoken = self._voice.speak(turn_id, NUDGE, listening=True, nudge=True)
                hearing.listen_start = hearing.manager_end = self._ear.audio_s
                if isinstance(spoken, BargedIn):
                    hearing.speech_at = self._capture.speech_started(turn_id, spoken.heard)
        self._controls.talking = False
        hearing.ended_at = self._ear.audio_s
        return self._finish(hearing, ended_at=time.monotonic())

    def _decide(self, hearing: Hearing) -> TurnDecision | None:
        """The end-of-turn policy's view of the pause so far (auto mode, once speech started)."""
        if not self._ear.auto or hearing.speech_at is None:
            return None
        silence_ms = self._ear.silence_ms()
        if silence_ms == 0:
            hearing.last_voiced = self._ear.audio_s
        text = self._capture.reply.partial_text()
        speech_s = (hearing.last_voiced or hearing.speech_at) - hearing.speech_at
        reply = self._capture.reply
        return self._policy.decide(TurnSignals(silence_ms, text, speech_s, self._unmet(text), reply.backlog_s))

    def _unmet(self, text: str) -> tuple[str, ...]:
        """What the turn expects that the judge does not find in the words so far (cached per text)."""
        if text != self._judged[0]:
            turn = self.call.current
            verdict = self.call.judge.judge(text) if text.strip() else None
            unmet = unmet_expectations(verdict, turn.expects, self.call.asked_before) if verdict else ()
            self._judged = (text, unmet)
        return self._judged[1]

    def _reply_over(self, event: str | None, hearing: Hearing, decision: TurnDecision | None) -> bool:
        if self._controls.stopped_talking:
            return True
        if self._ear.auto and (event == "speech_end" or (decision is not None and decision.ended)):
            hearing.ended_by_pause = True
            reason = "hard cap" if decision is None or not decision.ended else decision.reason
            hearing.reasons.append(f"ended after {self._ear.silence_ms()} ms: {reason}")
            log.debug("end of turn: %s (words so far: %r)", hearing.reasons[-1], self._judged[0])
            return True
        return self._ear.audio_s - hearing.speech_at >= self.settings.max_reply_s

    def _finish(self, hearing: Hearing, *, ended_at: float) -> Answer:
        """The reply heard, for scoring (latency counts from the manager's line); the caller reports it.

        A reply ended by a pause is answered on its partial words at once: its final words are
        finished in the background (`final`) and `complete` decides again on them, while the
        manager's answer is already starting. Anything else waits for the final words.
        """
        turn_id, reply = hearing.turn_id, self._capture.reply
        hearing.reply_s = reply.seconds if reply is not None else 0.0
        if reply is None or hearing.speech_at is None:
            self._capture.take_back()  # stop its recogniser; the noise is not a reply
            audio = reply.audio() if reply is not None else None
            return Answer("", heard=ev.ReplyHeard(turn_id, transcript_of(""), audio))
        reply.attach(self._capture.recognizer())
        if hearing.ended_by_pause and reply.recognising and self.settings.turn_resume_grace_ms > 0:
            self._capture.reply = None
            final: Future[Transcript | None] = Future()
            threading.Thread(target=self._final_words, args=(reply, final, ended_at), name="final-words",
                             daemon=True).start()
            if not reply.partial_text():
                # No words to answer on (the recogniser is behind): answering on none would take
                # the "silent" branch to a caller who spoke, so wait for the words instead, as long
                # as they take (under load the final words of a 5 s reply came 6.3 s after it).
                try:
                    transcript = self._await_words(reply, final)
                except Interrupt:  # typed over, skipped, hung up meanwhile: what was heard is reported
                    self._capture.reply = reply
                    raise
                except Exception:  # noqa: BLE001 - still nothing: the words so far, if any, else typing
                    transcript = transcript_of(reply.partial_text()) if reply.partial_text() else None
                if transcript is None:  # heard but not understood: keep the audio, ask for the words
                    self._capture.reply = reply
                    self._capture.report_partial(turn_id)
                    self._controls.wait_typed()
                if transcript:
                    return self._answer(hearing, reply, transcript)
            return Answer(reply.partial_text(), reply=reply, hearing=hearing, final=final)
        transcript = self._capture.transcribe(reply, wait_s=self.settings.turn_finish_wait_ms / 1000)
        log.debug("reply of %.1f s transcribed %.0f ms after its end was detected%s", reply.seconds,
                  (time.monotonic() - ended_at) * 1000, " (recogniser behind: partial words)" if reply.late else "")
        if transcript is None:  # heard but not understood: keep the audio, ask for the words
            self._capture.report_partial(turn_id)
            self._controls.wait_typed()
        self._capture.reply = None
        return self._answer(hearing, reply, transcript)

    def _await_words(self, reply: Reply, final: Future[Transcript | None]) -> Transcript | None:
        """The final words, waiting up to NO_WORDS_WAIT_S; controls (typing, hang up) still count meanwhile."""
        deadline = time.monotonic() + NO_WORDS_WAIT_S
        while True:
            try:
                return final.result(0.05)
            except FutureTimeout:
                if time.monotonic() >= deadline:
                    raise
                self._controls.check()

    def _final_words(self, reply: Reply, final: Future, ended_at: float) -> None:
        try:
            final.set_result(self._capture.transcribe(reply))
        except Exception as exc:  # noqa: BLE001 - the partial words stand in
            final.set_exception(exc)
        log.debug("final words of a %.1f s reply ready %.0f ms after its end", reply.seconds,
                  (time.monotonic() - ended_at) * 1000)

    def complete(self, answer: Answer) -> Answer:
        """The answer on its final words (waiting for them, briefly), or as it is when it is final."""
        if answer.final is None:
            return answer
        try:
            transcript = answer.final.result(FINAL_WAIT_S)
        except Exception:  # noqa: BLE001 - late or failed: the partial words it was answered on stand
            transcript = None
        return self._answer(answer.hearing, answer.reply, transcript or transcript_of(answer.text))

    def _answer(self, hearing: Hearing, reply: Reply, transcript: Transcript) -> Answer:
        latency = None
        if transcript.words:
            latency = max(0.0, reply.start_s + transcript.words[0].start - hearing.manager_end)
        return Answer(transcript.text, words=transcript.words,
                      delivery=_measure(transcript.words, latency, hearing.reply_s),
                      heard=ev.ReplyHeard(hearing.turn_id, transcript, reply.audio(hearing.reply_s)), reply=reply,
                      hearing=hearing)


def _measure(words: list[Word], latency: float | None, seconds: float) -> Delivery | None:
    try:
        from rehearsal.judging.delivery import measure
    except ImportError:
        return None
    return measure(words, latency_s=latency, audio_seconds=seconds)
