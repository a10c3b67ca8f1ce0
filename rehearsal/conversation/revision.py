"""The second pass: a second recognizer hears each spoken reply again, and the turn is judged again.

Vosk streams, so it gives the live text and decides the end of a turn fast; Whisper is more
accurate but decodes whole replies (docs/speech-models.md has the figures). So the call runs
on the live words, and `Reviser` sends each reply's audio to Whisper in the background, on one
worker thread with a short queue. The turn is judged again with the same judge, the same
manager's line and the same expectations (`Call.rejudge`), and reported as one `TurnRevised`
event: the store updates the turn's row, the screens the turn's card, the scorecard its marks.

The path of the call is not changed after the fact: the branch was taken on the live words.

What is dropped, and said:
- a reply still waiting when MAX_PENDING newer ones are waiting too (the machine cannot keep up):
  the oldest waiting one keeps its live words (a Notice says which reply);
- whatever is not done when the front end closes the call (`close(timeout)`): said the same way;
- a revision of a turn taken back (retry) meanwhile: silently, the turn it was for is gone;
- a second pass that hears nothing in a reply the live recognizer heard words in: the live
  words stand (Whisper is given only speech; an empty result is its failure, not the caller's).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

from rehearsal.call import events as ev
from rehearsal.call.engine import Call, CallResult
from rehearsal.call.turn import Revision, TurnRecord
from rehearsal.judging.delivery import Delivery, measure
from rehearsal.judging.scoring import call_score
from rehearsal.voice.interfaces import SAMPLE_RATE, Audio, Recognizer, Transcript, VoiceUnavailable

log = logging.getLogger(__name__)

MAX_PENDING = 2  # replies waiting for the second pass; a third drops the oldest waiting one
FEED_BYTES = SAMPLE_RATE * 2 // 10  # 100 ms per accept_audio, for a recognizer without `transcribe`
LOAD_POLL_S = 0.1

ReviserProvider = Callable[[], Recognizer | None]  # None while the model loads; raises VoiceUnavailable


@dataclass
class _Job:
    live: TurnRecord
    audio: Audio
    heard_at: float  # monotonic time the reply was final (its ReplyHeard)


class Reviser:
    """An EventSink in front of the call's sink: passes every event on, and revises spoken replies.

    Put it between the CallRunner and the front end's sink. Events are passed on in order;
    a TurnRevised comes from the reviser's own thread, after the TurnScored of its turn.
    """

    def __init__(self, call: Call, sink: ev.EventSink, provider: ReviserProvider, *,
                 max_pending: int = MAX_PENDING, clock: Callable[[], float] = time.monotonic) -> None:
        self._call = call
        self._sink = sink
        self._provider = provider
        self._max_pending = max_pending
        self._clock = clock
        self._lock = threading.Lock()  # orders TurnRevised among the call's own events
        self._wake = threading.Condition(self._lock)
        self._pending: deque[_Job] = deque()
        self._busy = False
        self._busy_index = 0
        self._closed = False
        self._ended = False  # the call has ended: the worker stops once what is queued is done
        self._heard: ev.ReplyHeard | None = None  # the latest reply heard, waiting for its score
        self._heard_at = 0.0
        self._revised: dict[int, tuple[TurnRecord, TurnRecord]] = {}  # index -> (live, revised)
        self._thread = threading.Thread(target=self._run, name="second-pass", daemon=True)
        self._thread.start()

    # -- on the call's thread ------------------------------------------------------------

    def __call__(self, event: ev.Event) -> None:
        with self._lock:
            if isinstance(event, ev.CallEnded):
                # The end as it stands (revisions landed so far); those still to come follow it.
                event = ev.CallEnded(self._revised_result(event.result))
                self._ended = True
                self._wake.notify_all()
            self._sink(event)
            if isinstance(event, ev.ReplyHeard):
                self._heard, self._heard_at = event, self._clock()
            elif isinstance(event, ev.TurnScored):
                self._queue(event.record)

    def _queue(self, record: TurnRecord) -> None:
        heard, self._heard = self._heard, None
        if (self._closed or record.skipped or heard is None or heard.turn_id != record.turn_id
                or heard.audio is None or not heard.audio.pcm or heard.audio.rate != SAMPLE_RATE):
            return  # typed, skipped, or nothing recorded: nothing to hear again
        self._pending.append(_Job(record, heard.audio, self._heard_at))
        while len(self._pending) > self._max_pending:
            self._drop(self._pending.popleft(), "the second pass could not keep up")
        self._wake.notify()

    # -- what the front end asks -------------------------------------------------------

    @property
    def pending(self) -> int:
        """Replies still to be heard again (waiting or being decoded)."""
        with self._lock:
            return 0 if self._closed else len(self._pending) + (1 if self._busy else 0)

    def close(self, timeout: float = 0.0) -> list[int]:
        """Wait up to `timeout` s for the revisions still to come, then stop. Returns the turn
        numbers (index + 1) that keep their live words because the second pass did not get to them."""
        deadline = self._clock() + timeout
        with self._lock:
            while (self._pending or self._busy) and not self._closed:
                left = deadline - self._clock()
                if left <= 0:
                    break
                self._wake.wait(min(left, 0.1))
            dropped = [job.live.index + 1 for job in self._pending]
            if self._busy:
                dropped.append(self._busy_index + 1)
            already = self._closed
            self._closed = True
            for job in self._pending:
                self._drop(job, "the call was closed first", tell=False)
            self._pending.clear()
            if dropped and not already:
                self._tell(dropped, "the second pass did not finish before the call was closed")
            self._wake.notify_all()
        return sorted(dropped)

    def result(self, result: CallResult) -> CallResult:
        """`result` with each turn as revised (where it was), and the call's score again."""
        with self._lock:
            return self._revised_result(result)

    def _revised_result(self, result: CallResult) -> CallResult:
        turns = [self._current(t) for t in result.turns]
        if all(a is b for a, b in zip(turns, result.turns)):
            return result
        return replace(result, turns=turns, score=call_score(t.score.score for t in turns))

    # -- on the reviser's thread ---------------------------------------------------------

    def _run(self) -> None:
        recognizer: Recognizer | None = None
        while True:
            with self._lock:
                while not self._pending and not self._closed and not self._ended:
                    self._wake.wait()
                if self._closed or not self._pending:
                    return  # closed, or the call is over and nothing is left to hear
                if recognizer is None:
                    try:
                        recognizer = self._provider()
                    except VoiceUnavailable as exc:
                        self._give_up(str(exc))
                        return
                    if recognizer is None:  # still loading: the replies wait
                        self._wake.wait(LOAD_POLL_S)
                        continue
                job = self._pending.popleft()
                self._busy, self._busy_index = True, job.live.index
            try:
                transcript = decode(recognizer, job.audio)
            except Exception as exc:  # noqa: BLE001 - the live words stand; the call goes on
                log.warning("the second pass failed on reply %d: %s", job.live.index + 1, exc)
                transcript = None
            revised = self._judged(job, transcript, getattr(recognizer, "name", "second pass"))
            with self._lock:
                self._busy = False
                self._wake.notify_all()
                # Taken back (retried) while it was heard again, or closed meanwhile: dropped.
                if revised is not None and not self._closed and self._still_current(job.live):
                    self._revised[job.live.index] = (job.live, revised)
                    self._sink(ev.TurnRevised(revised))

    def _judged(self, job: _Job, transcript: Transcript | None, by: str) -> TurnRecord | None:
        """The turn judged again on the words heard again; outside the lock (the call's events never wait for it)."""
        live = job.live
        if transcript is None:
            return None
        if not transcript.text.strip() and live.reply.strip():
            log.info("the second pass heard nothing in reply %d; its live words stand", live.index + 1)
            return None
        with self._lock:
            if not self._still_current(live):
                return None
            asked_before = any(self._current(r).verdict.feedback_request.detected
                               for r in self._call.records[: live.index])
        revised = self._call.rejudge(live, transcript.text, words=list(transcript.words),
                                     delivery=_delivery(live, transcript, job.audio), asked_before=asked_before)
        return replace(revised, revision=Revision(by=by, live_reply=live.reply, live_score=live.score.score,
                                                  seconds=round(self._clock() - job.heard_at, 3)))

    def _still_current(self, live: TurnRecord) -> bool:
        records = self._call.records
        return live.index < len(records) and records[live.index] is live

    def _current(self, record: TurnRecord) -> TurnRecord:
        pair = self._revised.get(record.index)
        return pair[1] if pair is not None and pair[0] is record else record

    def _drop(self, job: _Job, why: str, *, tell: bool = True) -> None:
        log.info("reply %d keeps its live words: %s", job.live.index + 1, why)
        if tell:
            self._tell([job.live.index + 1], why)

    def _tell(self, numbers: list[int], why: str) -> None:
        which = ", ".join(str(n) for n in sorted(numbers))
        said = "Reply {} keeps" if len(numbers) == 1 else "Replies {} keep"
        self._sink(ev.Notice("info", f"{said.format(which)} the words heard live: {why}."))

    def _give_up(self, why: str) -> None:
        self._closed = True
        self._pending.clear()
        self._wake.notify_all()
        self._sink(ev.Notice("info", f"The second pass is off for this call: {why}"))


def decode(recognizer: Recognizer, audio: Audio) -> Transcript:
    """The whole reply heard by `recognizer`: at once where it can (Whisper), else streamed."""
    transcribe = getattr(recognizer, "transcribe", None)
    if callable(transcribe):
        return transcribe(audio.pcm)
    session = recognizer.session()
    for at in range(0, len(audio.pcm), FEED_BYTES):
        session.accept_audio(audio.pcm[at : at + FEED_BYTES])
    return session.finish()


def _delivery(live: TurnRecord, heard: Transcript, audio: Audio) -> Delivery | None:
    """Delivery on the revised words; the latency keeps the live measure of when the reply began."""
    latency = live.delivery.latency_s if live.delivery is not None else None
    if latency is not None and live.words and heard.words:
        latency = round(max(0.0, latency - live.words[0].start + heard.words[0].start), 3)
    return measure(list(heard.words), latency_s=latency, audio_seconds=len(audio.pcm) / 2 / audio.rate)
