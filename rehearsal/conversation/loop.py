"""The voice call: speak the manager's line, listen to the reply, score it, go on.

`CallRunner` drives a `Call` in a background thread and reports every step as a
`rehearsal.call.events` event. Controls (typed replies, push-to-talk, skip, retry, hang up)
may come from any thread: they are queued and picked up between 20 ms audio chunks.

The work is split by side of the line; this module only ties the parts together:
  controls.py   the queue of controls, and the interrupts that end what a turn is doing
  hearing.py    the microphone, the call's audio clock, the level meter, the endpointer
  capture.py    the reply being recorded and recognised, or reported when cut short
  speaking.py   playing the manager's lines sentence by sentence, barge-in
  line_audio.py rendering them part by part in one worker: the due line first, then render-ahead
  listening.py  hearing out a reply: start, end, the nudge, time limits
  turn_end.py   the end-of-turn policy: at every pause, is the caller done?

A reply ended by a pause is scored at once and the manager's answer starts, but both are
reported only once a grace window has passed (`Speculation`): should the caller go on
inside it (a false end), the manager stops, the score is taken back, and the reply goes on
as the same reply, scored once on all of it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from rehearsal.call import events as ev
from rehearsal.call.engine import Call
from rehearsal.conversation.capture import RecognizerProvider, ReplyCapture, transcript_of
from rehearsal.conversation.controls import Controls, HangUp, Interrupt, Retry, Skip, Typed
from rehearsal.conversation.hearing import Ear
from rehearsal.conversation.listening import NUDGE, Answer, Listener
from rehearsal.conversation.speaking import BargedIn, ManagerVoice, Resumed, Speculation, Superseded, voice_spec
from rehearsal.settings import Settings
from rehearsal.voice.echo_pair import with_echo_cancellation
from rehearsal.voice.interfaces import Endpointer, Microphone, Speaker, Synthesizer

log = logging.getLogger(__name__)

__all__ = ["NUDGE", "CallRunner", "RecognizerProvider", "voice_spec"]


class CallRunner:
    def __init__(
        self,
        call: Call,
        sink: ev.EventSink,
        *,
        synthesizer: Synthesizer | None = None,
        speaker: Speaker | None = None,
        microphone: Microphone | None = None,
        recognizer: RecognizerProvider | None = None,
        endpointer_factory: Callable[[], Endpointer] | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.call = call
        self.settings = settings or Settings()
        self._sink = sink
        self._controls = Controls()
        speaker, microphone = with_echo_cancellation(speaker, microphone, self.settings, warn=self._advise)
        self._ear = Ear(self.settings, self._emit, microphone, endpointer_factory)
        self._capture = ReplyCapture(self._ear, self._emit, recognizer)
        self._voice = ManagerVoice(call, self.settings, self._emit, synthesizer=synthesizer, speaker=speaker,
                                   ear=self._ear, controls=self._controls, capture=self._capture)
        self._listener = Listener(call, self.settings, self._emit, ear=self._ear, capture=self._capture,
                                  voice=self._voice, controls=self._controls)
        self._held: tuple[Answer, object] | None = None  # a reply scored but not yet reported
        self._sink_failed = False
        self._thread = threading.Thread(target=self._run, name="call-runner", daemon=True)

    # -- controls, callable from any thread -------------------------------------------

    def start(self) -> None:
        self._thread.start()

    def submit_text(self, text: str) -> None:
        self._controls.send("text", text)

    def talk(self) -> None:
        self._controls.send("talk")

    def stop_talking(self) -> None:
        self._controls.send("stop_talking")

    def skip(self) -> None:
        self._controls.send("skip")

    def retry(self) -> None:
        self._controls.send("retry")

    def hang_up(self) -> None:
        self._controls.send("hang_up")

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    # -- the call ----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._ear.open()
            self._voice.prepare(NUDGE, self.call.current_id)  # any turn may need it
            while True:
                if self.call.finished:
                    if self._closing():
                        break
                    continue
                self._turn()
        except Exception as exc:  # noqa: BLE001 - a person gets a sentence, never a traceback
            self._commit()
            self._emit(ev.Notice("error", f"The call stopped because of an internal error ({exc}). "
                                          "Your replies so far are kept; start the call again to go on."))
            self.call.hang_up()
            self._emit(ev.CallEnded(self.call.result()))
        finally:
            self._voice.stop()
            self._capture.close()
            self._ear.stop()
            self._voice.shutdown()

    def _closing(self) -> bool:
        """Speak the end turn (unless hung up); True when the call is over."""
        if self.call.result().end_reason != "hung_up":
            try:
                spoken = self._voice.speak(self.call.current_id, self.call.manager_line,
                                           speculation=self._speculation())
            except Retry:
                self._do_retry()
                return False
            except Interrupt:
                self._voice.stop()
            else:
                if isinstance(spoken, Resumed):
                    self._resume(spoken)
                    return False
                if isinstance(spoken, Superseded):
                    return False
        self._commit()
        self._emit(ev.CallEnded(self.call.result()))
        return True

    def _turn(self) -> None:
        """One line from the manager and the caller's reply, however it ends."""
        turn_id = self.call.current_id
        self._capture.reply = None
        try:
            spoken = self._voice.speak(turn_id, self.call.manager_line, speculation=self._speculation())
            if isinstance(spoken, Resumed):
                self._resume(spoken)
                return
            if isinstance(spoken, Superseded):
                return  # the call moved to another line: the next turn says it
            self._commit()
            self._answer(self._listener.listen(turn_id, spoken if isinstance(spoken, BargedIn) else None))
        except Typed as typed:
            self._voice.stop()
            self._capture.report_partial(self.call.current_id)
            self._emit(ev.ReplyHeard(self.call.current_id, transcript_of(typed.text)))
            self._score(typed.text)
        except Skip:
            self._voice.stop()
            self._capture.report_partial(self.call.current_id)
            self._emit(ev.TurnScored(self.call.skip()))
        except Retry:
            self._do_retry()
        except HangUp:
            self._voice.stop()
            self._capture.report_partial(self.call.current_id)
            self.call.hang_up()

    # -- a reply ended by a pause is final only once the caller has not gone on ---------

    def _answer(self, answer: Answer) -> None:
        """Score the reply; one ended by a pause is held back (with the next line) for the grace window."""
        if self.call.finished:  # hung up meanwhile: what was heard is still reported
            answer = self._listener.complete(answer)
            if answer.heard is not None:
                self._emit(answer.heard)
            return
        record = self.call.reply(answer.text, words=answer.words, delivery=answer.delivery)
        self._held = (answer, record)
        if not answer.resumable or self.settings.turn_resume_grace_ms <= 0:
            self._commit()

    def _speculation(self) -> Speculation | None:
        if self._held is None:
            return None
        answer = self._held[0]
        final = answer.final
        return Speculation(answer.reply, answer.hearing.ended_at, self.settings.turn_resume_grace_ms / 1000,
                           self._commit, ready=lambda: final is None or final.done())

    def _commit(self) -> bool:
        """The held reply is final: decide again on its final words, report it and its score.

        False when the final words lead elsewhere than the partial ones did: the line being
        said is then the wrong one (the caller stops it, and the call says the right one).
        """
        held, self._held = self._held, None
        if held is None:
            return True
        answer, record = held
        moved = False
        if answer.final is not None:
            answer = self._listener.complete(answer)
            self.call.retry_last()
            first, record = record, self.call.reply(answer.text, words=answer.words, delivery=answer.delivery)
            moved = record.next_turn != first.next_turn
            if moved:
                log.info("final words %r lead to %s, not %s: the answer changes", answer.text, record.next_turn,
                         first.next_turn)
        if answer.heard is not None:
            self._emit(answer.heard)
        self._emit(ev.TurnScored(record))
        return not moved

    def _resume(self, spoken: Resumed) -> None:
        """The caller went on after a false end: take the score back and hear the rest of the same reply."""
        answer, _ = self._held
        self._held = None
        self.call.retry_last()
        self._voice.stop()
        self._answer(self._listener.resume(answer, spoken))

    def _do_retry(self) -> None:
        self._commit()
        self._voice.stop()
        self._capture.take_back()
        if self.call.records:
            self.call.retry_last()
            self._emit(ev.Notice("info", "Taking that turn again."))

    def _score(self, text: str, **kwargs) -> None:
        if self.call.finished:
            return
        self._emit(ev.TurnScored(self.call.reply(text, **kwargs)))

    def _advise(self, message: str) -> None:
        self._emit(ev.Notice("info", message))  # advice, not a failure: the call stays in voice

    def _emit(self, event: ev.Event) -> None:
        try:
            self._sink(event)
        except Exception:  # noqa: BLE001 - a broken display must not end the call
            if not self._sink_failed:  # once: a display that breaks tends to break on every event
                self._sink_failed = True
                log.exception("the call's display failed on %s; the call goes on (later failures are not logged)",
                              type(event).__name__)
