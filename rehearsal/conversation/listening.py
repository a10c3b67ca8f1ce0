"""Listening for the caller's reply to a line: when it starts and ends, prompts and time limits.

A reply starts when the endpointer hears speech (or push-to-talk is pressed, or the caller
barged in on the manager) and ends after a pause (or when push-to-talk is released, or at
the longest reply allowed). A caller who says nothing is nudged once; a second silence
counts as the reply. All of it is measured in microphone audio (see `hearing`).
"""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rehearsal.call import events as ev
from rehearsal.call.engine import Call
from rehearsal.conversation.capture import ReplyCapture, transcript_of
from rehearsal.conversation.controls import Controls
from rehearsal.conversation.hearing import PREROLL_CHUNKS, Ear
from rehearsal.conversation.speaking import ManagerVoice
from rehearsal.settings import Settings
from rehearsal.voice.interfaces import AudioChunk

if TYPE_CHECKING:
    from rehearsal.judging.delivery import Delivery
    from rehearsal.media import Word

log = logging.getLogger(__name__)

NUDGE = "Hello? Are you still there?"


@dataclass(frozen=True, slots=True)
class Answer:
    """What the caller replied, as the judge takes it."""

    text: str
    words: list[Word] | None = None
    delivery: Delivery | None = None


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

    def listen(self, turn_id: str, barged: list[AudioChunk] | None) -> Answer:
        """Hear the reply to the line just said (`barged`: what was heard when the caller cut in).

        Typed replies, skip, retry and hang up end it early, as interrupts.
        """
        time_limit = self.call.time_limit
        self._emit(ev.Listening(turn_id, time_limit))
        self._voice.render_ahead()
        if not self._ear.has_mic:
            self._controls.wait_typed()
        manager_end = listen_start = self._ear.audio_s
        speech_at: float | None = None
        if barged is not None:
            speech_at = self._capture.speech_started(turn_id, barged)
        # Silence before the reply is not recorded (the recogniser has enough to do), only
        # a short pre-roll, so the first syllable is not cut.
        before: deque[AudioChunk] = deque(maxlen=PREROLL_CHUNKS)
        prompted = False
        self._controls.stopped_talking = False
        while True:
            self._controls.check()
            if self._controls.talking and speech_at is None:
                speech_at = self._capture.speech_started(turn_id, [])
            chunk = self._ear.read()
            if not self._ear.has_mic:  # lost just now
                self._capture.report_partial(turn_id)
                self._controls.wait_typed()
            if chunk is None:
                continue
            event = self._ear.detect(chunk)
            if self._capture.reply is not None:
                self._capture.add(chunk, event)
            else:
                before.append(chunk)
            if self._ear.auto and event == "speech_start" and speech_at is None:
                speech_at = self._capture.speech_started(turn_id, list(before))
            if speech_at is not None and self._reply_over(event, speech_at):
                break
            if time_limit is not None and self._ear.audio_s - listen_start >= time_limit:
                break
            if speech_at is None and self._ear.audio_s - listen_start >= self.settings.no_speech_prompt_s:
                if prompted:
                    break  # a second silence: the reply counts as silence
                prompted = True
                barged = self._voice.speak(turn_id, NUDGE, listening=True, nudge=True)
                listen_start = manager_end = self._ear.audio_s
                if barged is not None:
                    speech_at = self._capture.speech_started(turn_id, barged)
        self._controls.talking = False
        return self._finish(turn_id, manager_end, spoke=speech_at is not None, ended_at=time.monotonic())

    def _reply_over(self, event: str | None, speech_at: float | None) -> bool:
        if self._controls.stopped_talking:
            return True
        if self._ear.auto and event == "speech_end":
            return True
        return speech_at is not None and self._ear.audio_s - speech_at >= self.settings.max_reply_s

    def _finish(self, turn_id: str, manager_end: float, *, spoke: bool, ended_at: float) -> Answer:
        """Report the reply heard, and return it for scoring (latency counts from `manager_end`)."""
        reply = self._capture.reply
        if reply is None or not spoke:
            self._capture.take_back()  # stop its recogniser; the noise is not a reply
            audio = reply.audio() if reply is not None else None
            self._emit(ev.ReplyHeard(turn_id, transcript_of(""), audio))
            return Answer("")
        reply.attach(self._capture.recognizer())
        transcript = self._capture.transcribe(reply)
        log.debug("reply of %.1f s transcribed %.0f ms after its end was detected",
                  reply.seconds, (time.monotonic() - ended_at) * 1000)
        if transcript is None:  # heard but not understood: keep the audio, ask for the words
            self._capture.report_partial(turn_id)
            self._controls.wait_typed()
        self._capture.reply = None
        self._emit(ev.ReplyHeard(turn_id, transcript, reply.audio()))
        latency = None
        if transcript.words:
            latency = max(0.0, reply.start_s + transcript.words[0].start - manager_end)
        return Answer(transcript.text, words=transcript.words,
                      delivery=_measure(transcript.words, latency, reply.seconds))


def _measure(words: list[Word], latency: float | None, seconds: float) -> Delivery | None:
    try:
        from rehearsal.judging.delivery import measure
    except ImportError:
        return None
    return measure(words, latency_s=latency, audio_seconds=seconds)
