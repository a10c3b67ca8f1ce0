"""The caller's reply as the call records it: started when speech is detected, fed chunk by chunk,
transcribed at the end, or reported as far as it got when something cuts it short.

The recogniser is asked for (from a provider) only when a reply starts, so a call can begin
while the speech model is still loading; a reply begun without one keeps its audio and is
transcribed once the model is there.
"""

from __future__ import annotations

from collections.abc import Callable

from rehearsal.call import events as ev
from rehearsal.conversation.hearing import PREROLL_CHUNKS, Ear
from rehearsal.conversation.reply import Reply
from rehearsal.media import MIN_SPEECH_LEVEL
from rehearsal.voice.interfaces import AudioChunk, Recognizer, Transcript, VoiceUnavailable

HOLD_AFTER_MS = 120  # trailing silence past this is fed to the recogniser only if speech resumes
SETTLE_LEAD_MS = 250  # finishing the words takes Vosk ~100-200 ms on a busy machine
MIN_SETTLE_MS = 200  # but not in the ~150 ms pause at a comma: restarting costs more than it saves
# A barge-in can be heard late: while the manager speaks the echo gate (and, with echo, the
# canceller's double-talk ducking and residual check) holds the caller back until they are loud
# enough. At 0 dB of echo "Thank you." went unheard for 1.1 s and was lost from the reply
# (docs/echo.md, round 3: the CI failure). So the speaker keeps this much of what it heard, and
# the reply takes it back to where the sound began.
BARGE_IN_PREROLL_CHUNKS = 75  # ~1.5 s of 20 ms chunks (hearing.PREROLL_CHUNKS is ~0.5 s)
SOUND_LEVEL = MIN_SPEECH_LEVEL  # under this a chunk is silence (as for the endpointer)
SOUND_GAP_S = 0.3  # a pause longer than this before the sound means it began after it
ONSET_MARGIN_S = 0.2  # kept before the first sound found (see `preroll`)

RecognizerProvider = Callable[[], Recognizer | None]


def settle_after_ms(end_wait_ms: int) -> int:
    """Start finishing the words this far into a pause, so they are ready when it ends the reply."""
    return max(MIN_SETTLE_MS, end_wait_ms - SETTLE_LEAD_MS)


def transcript_of(text: str) -> Transcript:
    """A transcript of typed (or partial) words, without timings."""
    return Transcript(text.strip())


def preroll(heard: list[AudioChunk], keep: int = PREROLL_CHUNKS) -> list[AudioChunk]:
    """The audio before speech was detected that belongs to the reply: the last `keep` chunks, and
    before them as far back as the sound goes on (pauses up to SOUND_GAP_S), so a reply heard late
    (a barge-in held back by the echo gate) keeps its first words, and silence is not recorded."""
    start = first = max(0, len(heard) - keep)
    gap = 0.0
    for i in range(start - 1, -1, -1):
        if heard[i].level >= SOUND_LEVEL:
            first, gap = i, 0.0
        else:
            gap += heard[i].seconds
            if gap > SOUND_GAP_S:
                break
    # And a little before it: the canceller mutes the first syllable of a caller talking over the
    # manager (~0.1 s) before it notices them.
    margin = 0.0
    while 0 < first < start and margin < ONSET_MARGIN_S - 1e-6:
        first -= 1
        margin += heard[first].seconds
    return heard[first:]


class ReplyCapture:
    """Holds the reply in progress (`reply`, None between replies) and the recogniser provider."""

    def __init__(self, ear: Ear, emit: ev.EventSink, recognizer: RecognizerProvider | None) -> None:
        self.reply: Reply | None = None
        self._ear = ear
        self._emit = emit
        self._recognizer = recognizer
        self._recognizer_warned = False

    # -- recording ---------------------------------------------------------------------

    def speech_started(self, turn_id: str, heard: list[AudioChunk]) -> float:
        """The caller started speaking (`heard`: the pre-roll before it); returns when, in call audio."""
        if self.reply is None:
            self._begin(turn_id, heard)
        self.reply.spoke = True
        self.reply.attach(self.recognizer())  # the model may have finished loading meanwhile
        self._emit(ev.SpeechStarted(turn_id))
        return self._ear.audio_s

    def _begin(self, turn_id: str, heard: list[AudioChunk]) -> None:
        # The reply starts with the pre-roll, so its start is that much before the clock.
        heard = preroll(heard)
        start_s = self._ear.audio_s - sum(c.seconds for c in heard)
        self.reply = Reply(start_s, self.recognizer(),
                           on_partial=lambda text: self._on_partial(turn_id, text), on_error=self.on_recognizer_error)
        for chunk in heard:
            self.reply.add(chunk)

    def feed(self, chunk: AudioChunk) -> None:
        """Add a chunk as it is (heard while the manager speaks); nothing to do without a reply."""
        if self.reply is not None:
            self.reply.add(chunk)

    def add(self, chunk: AudioChunk, event: str | None, end_wait_ms: int | None = None) -> None:
        """Add a chunk heard while listening; `event` is what the endpointer made of it, and
        `end_wait_ms` the pause that would end the reply now (from the end-of-turn policy).

        A pause is held back from the recogniser (it only gets it if speech follows), and
        most of the way to the end of the reply the recogniser is asked to settle, so the
        words are ready the moment the pause ends the reply.
        """
        silence = self._ear.silence_ms()
        self.reply.add(chunk, hold=event == "speech_end" or silence > HOLD_AFTER_MS)
        if event == "speech_end" or (end_wait_ms is not None and silence >= settle_after_ms(end_wait_ms)):
            self.reply.settle()

    # -- the recogniser ----------------------------------------------------------------

    def recognizer(self) -> Recognizer | None:
        """The recogniser if it is ready; a model that cannot load is reported once, then not asked for."""
        if self._recognizer is None:
            return None
        try:
            return self._recognizer()
        except VoiceUnavailable as exc:
            self._recognizer = None
            self._recognizer_warned = True
            self._emit(ev.Notice("warning", str(exc)))
        return None

    def _on_partial(self, turn_id: str, text: str) -> None:
        """From the recognition thread: show the words (the end-of-turn policy reads them from the reply)."""
        self._emit(ev.Partial(turn_id, text))

    def on_recognizer_error(self, exc: Exception) -> None:
        self._emit(ev.Notice("error", f"Speech recognition failed ({exc}); the audio is kept. "
                                      "Type your reply to go on."))

    def transcribe(self, reply: Reply, quiet: bool = False, wait_s: float | None = None) -> Transcript | None:
        """The reply's words (this also stops its recognition thread); None when there are none.

        Unless `quiet`, a person is told why there are no words, so they type them. `wait_s`
        bounds the wait for a recogniser that has fallen behind (see `Reply.finish`).
        """
        try:
            transcript = reply.finish(wait_s)
        except Exception as exc:  # noqa: BLE001
            if not quiet:
                self.on_recognizer_error(exc)
            return None
        if transcript is None and not quiet and not reply.failed and not self._recognizer_warned:
            self._emit(ev.Notice("warning", "The speech model is not ready, so this reply was recorded but "
                                            "not transcribed. Type it to go on."))
        return transcript

    # -- replies cut short -------------------------------------------------------------

    def report_partial(self, turn_id: str) -> None:
        """A reply cut short (device lost, typed over, skipped): report what was heard, once."""
        reply, self.reply = self.reply, None
        if reply is None:
            return
        transcript = self.transcribe(reply, quiet=True)  # also stops its recognition thread
        if reply.spoke:
            self._emit(ev.ReplyHeard(turn_id, transcript or transcript_of(reply.partial_text()), reply.audio()))

    def take_back(self) -> None:
        """Drop the reply in progress without reporting it (the turn is retried, or it was only noise)."""
        reply, self.reply = self.reply, None
        if reply is not None:
            self.transcribe(reply, quiet=True)  # stops its recognition; nothing is reported

    def close(self) -> None:
        """The call is over: stop the recognition of a reply left unfinished."""
        if self.reply is not None:
            self.transcribe(self.reply, quiet=True)
