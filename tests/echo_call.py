"""A whole call with echo: the real loop, speaker and microphone, the virtual speaker looped back
into the virtual microphone (tests/test_echo_calls.py and benchmarks/bench_echo.py).

A short linear scenario (two manager lines and goodbye) keeps a call to ~15 s; with `levels`
one call visits several echo levels, one line each, the volume turned while the caller answers
(as a user turning the knob would), so four levels cost one call, not four.
`ManagerSpeaking` of a line comes once the reply before's grace window (1.5 s) has passed, so a
barge-in 0.3 s after it lands ~2 s into a ~6 s line. The caller (tests/virtual_user.VirtualCaller)
answers the first line 0.3 s after `Listening`, and with `barge_in` talks over every later one.
What happened is summed up in `CallFigures` (per level in `levels`), the issue's columns.
"""

from __future__ import annotations

import contextlib
import statistics
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from rehearsal.call import events as ev
from rehearsal.call.engine import Call
from rehearsal.scenario.model import Scenario
from rehearsal.settings import Settings
from virtual_user import LOUD, RATE, VirtualCaller
from voice_support import Events, fake_judge

LINES = [  # what the manager says before each reply; every line after the first is talked over
    "Dana speaking. Thanks for calling back, how can I help?",
    "We went with someone who had more experience in system design. To be honest, it was a close call, "
    "and the team liked your interview a lot.",
    "The other candidate had led a migration like ours before, and that weighed more than we expected "
    "when we compared notes.",
    "If I were you I would look for a project where you own a design end to end, and write it up "
    "so you can talk it through.",
    "We will have another opening in the spring, and I would be glad to see your name on the list "
    "again when it comes.",
]


def scenario(replies: int) -> Scenario:
    """A linear call: `replies` manager lines, each answered once, then goodbye."""
    turns = {f"l{i}": {"say": LINES[i], "next": [{"goto": f"l{i + 1}" if i + 1 < replies else "bye"}]}
             for i in range(replies)}
    turns["bye"] = {"say": "Good luck.", "end": True}
    return Scenario.model_validate({
        "id": "echo", "title": "Echo call", "description": "A short linear call for the echo tests.",
        "situation": "You were turned down yesterday.",
        "persona": {"name": "Dana", "role": "Manager", "voice": {"voice": "en-us", "rate": 160}},
        "start": "l0", "turns": turns})


REPLIES = 2
STALL_S = 20.0  # the stall: no answer this long after a reply


@dataclass
class LevelFigures:
    """What happened at one echo level: its lines, and the replies that answered them."""

    level_db: float | None
    replies_said: int = 0
    replies_heard: int = 0  # turns whose audio holds a whole reply
    false_turns: int = 0  # turns with no whole reply in them (the echo's, a reply split in two or cut)
    interrupted: int = 0  # lines stopped by a barge-in
    barge_ins: int = 0  # lines the caller talked over


@dataclass
class CallFigures:
    level_db: float | None  # the first line's level (the call's, when it keeps one)
    cancelling: bool
    replies_said: int = 0
    replies_heard: int = 0
    false_turns: int = 0
    stalled: bool = False
    interrupted: int = 0  # manager lines stopped by a barge-in
    barge_ins: int = 0  # lines the caller talked over
    first_line_interrupted: bool = False  # the first line stopped (no caller talks over it: the echo did)
    levels: list[LevelFigures] = field(default_factory=list)  # per echo level, in call order
    gaps: list[float] = field(default_factory=list)
    erle_db: float | None = None  # the live canceller: median ERLE of 100 ms blocks of the manager, once learnt
    delay_ms: float | None = None
    realignments: int = 0  # times the far end's alignment was moved (each makes AEC3 start over)
    suppressed: int = 0  # 10 ms frames the residual-echo check silenced
    advice: list[str] = field(default_factory=list)  # what the call told the user about the echo
    names: list[str] = field(default_factory=list)
    gate: float | None = None  # the echo gate's factor at the end of the call
    echo_db: float | None = None  # the echo's level, as measured during the call
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        """Every reply one turn, no false turn, no stall, every barge-in stopped the manager, the first line never."""
        return (not self.stalled and self.replies_heard == self.replies_said and self.false_turns == 0
                and self.interrupted == self.barge_ins and not self.first_line_interrupted)

    @property
    def gap_median(self) -> float | None:
        return statistics.median(self.gaps) if self.gaps else None

    @property
    def gap_p95(self) -> float | None:
        return sorted(self.gaps)[min(len(self.gaps) - 1, int(0.95 * len(self.gaps)))] if self.gaps else None


def echo_call(level_db: float | None, recognizer, reply_pcm: bytes, *, synthesizer=None, cancel: bool = True,
              barge_in: bool = False, until_advice: bool = False, timeout_s: float = 60.0,
              levels: list[float] | None = None) -> CallFigures:
    """One call at `level_db` of echo (None: no loopback), two replies; or, with `levels`, one line per
    level (the first line at `level_db`, the volume changed while the caller answers it), every line
    but the first talked over. `until_advice`: hang up as soon as the call has told the user about
    the echo (the expected outcome without a canceller at loud echo)."""
    from echo_rig import loopback, set_level
    from rehearsal.conversation.loop import CallRunner
    from rehearsal.voice.microphone import create_microphone
    from rehearsal.voice.speaker import create_speaker
    from rehearsal.voice.tts import create_synthesizer

    plan = [level_db, *(levels or [])] if levels else [level_db] * REPLIES
    settings = Settings(end_silence_ms=500, no_speech_prompt_s=STALL_S, echo_cancellation="on" if cancel else "off")
    figures = CallFigures(level_db, cancel)
    events = Events()
    reply_s = len(reply_pcm) / 2 / RATE
    ctx = loopback(level_db) if level_db is not None else contextlib.nullcontext()
    with ctx as module:
        caller = VirtualCaller()
        speaker = create_speaker(settings)
        synthesizer = synthesizer or create_synthesizer(settings)  # share one: it caches what it rendered
        runner = CallRunner(Call(scenario(len(plan)), fake_judge()), events, synthesizer=synthesizer,
                            speaker=speaker, microphone=create_microphone(settings), recognizer=lambda: recognizer,
                            settings=settings)
        said: list[float] = []

        def say(*_):
            said.append(time.monotonic())
            next_level = plan[len(said)] if len(said) < len(plan) else None
            caller.say(reply_pcm)
            if module is not None and next_level is not None and next_level != plan[len(said) - 1]:
                # The volume knob turned while the caller answers: the next line comes back at the new level.
                threading.Timer(reply_s - 0.5, set_level, (module, next_level)).start()

        events.on(ev.Listening, lambda e: threading.Timer(0.3, say).start(), times=1 if barge_in else len(plan))
        if barge_in:  # answer the first line, talk over the others (~2 s in: after the grace window)
            events.on(ev.ManagerSpeaking, lambda e: e.turn_id not in ("l0", "bye") and threading.Timer(0.3, say).start(),
                      times=len(plan) + 1)
        if until_advice:
            events.on(ev.Notice, lambda e: runner.hang_up())
        started = time.monotonic()
        try:
            runner.start()
            figures.stalled = not events.ended.wait(timeout_s)
            if figures.stalled:
                runner.hang_up()
            runner.join(5)
        finally:
            speaker.close()
            caller.close()
        figures.seconds = time.monotonic() - started
    mic = runner._ear._mic  # the call's microphone, behind the canceller
    canceller = getattr(mic, "canceller", None)
    figures.erle_db = getattr(canceller, "median_erle_db", None) if cancel else None
    figures.delay_ms = getattr(canceller, "delay_ms", None)
    figures.realignments = getattr(canceller, "realignments", 0)
    figures.suppressed = getattr(canceller, "suppressed", 0)
    figures.gate = getattr(mic, "echo_gate", None)
    figures.echo_db = getattr(canceller, "echo_db", None)
    _sum_up(figures, events, reply_pcm, caller, said, plan)
    return figures


def _reply_ends(caller: VirtualCaller, reply_pcm: bytes, count: int) -> list[float]:
    """When each reply ended in the microphone, on this process's clock. The mic's monitor hears
    the echo too (so its quiet spells do not mark a reply's end) and the caller's pipe may run late:
    the replies are found in what the monitor recorded, by correlation, and placed by its first onset."""
    heard = np.frombuffer(bytes(caller.mic_ear.heard), dtype="<i2").astype(np.float64)
    reply = np.frombuffer(reply_pcm, dtype="<i2").astype(np.float64)
    if not caller.mic_ear.onsets or len(heard) < len(reply):
        return []
    first_loud = int(np.argmax(np.abs(heard) > LOUD))
    size = 1 << int(np.ceil(np.log2(len(heard) + len(reply))))
    corr = np.fft.irfft(np.fft.rfft(heard, size) * np.conj(np.fft.rfft(reply, size)), size)[: len(heard) - len(reply) + 1]
    starts = []
    for _ in range(count):
        at = int(np.argmax(corr))
        starts.append(at)
        corr[max(0, at - len(reply)) : at + len(reply)] = -np.inf
    return [caller.mic_ear.onsets[0] + (at + len(reply) - first_loud) / RATE for at in sorted(starts)]


def _gaps(caller: VirtualCaller, ends: list[float]) -> list[float]:
    """From the end of each reply to the manager's next sound."""
    gaps = []
    for end in ends:
        speaker = next((t for t in caller.speaker_ear.onsets if t > end), None)
        if speaker is not None:
            gaps.append(speaker - end)
    return gaps


CUT_S = 0.1  # a turn's audio may miss this much of the reply's ends (a quiet onset, the last breath), no word


def holds_reply(audio_pcm: bytes, reply_pcm: bytes) -> bool:
    """Whether the whole reply is in a turn's audio: found there by correlation, with no more than
    CUT_S missing at either end. (Its length alone is not enough: a reply heard late loses its first
    words, and a long tail after it still made the audio as long as the reply.)"""
    audio = np.frombuffer(audio_pcm, dtype="<i2").astype(np.float64)
    reply = np.frombuffer(reply_pcm, dtype="<i2").astype(np.float64)
    if len(audio) < len(reply) - 2 * CUT_S * RATE:
        return False
    size = 1 << int(np.ceil(np.log2(len(audio) + len(reply))))
    corr = np.fft.irfft(np.fft.rfft(audio, size) * np.conj(np.fft.rfft(reply, size)), size)
    lags = np.r_[np.arange(len(audio)), np.arange(-len(reply) + 1, 0)]  # where the reply starts in the audio
    picked = np.r_[corr[: len(audio)], corr[size - len(reply) + 1 :]]
    at = int(lags[int(np.argmax(picked))])
    return at >= -CUT_S * RATE and at + len(reply) <= len(audio) + CUT_S * RATE


def _sum_up(figures: CallFigures, events: Events, reply_pcm: bytes, caller: VirtualCaller, said: list[float],
            plan: list[float | None]) -> None:
    figures.replies_said = len(said)
    per_level: dict[float | None, LevelFigures] = {}
    for i, level in enumerate(plan):
        f = per_level.setdefault(level, LevelFigures(level))
        turn = f"l{i}"
        heard = [h for h in events.of(ev.ReplyHeard) if h.turn_id == turn]
        whole = sum(h.audio is not None and holds_reply(h.audio.pcm, reply_pcm) for h in heard)
        f.replies_said += i < len(said)
        f.replies_heard += min(whole, 1)
        f.false_turns += len(heard) - min(whole, 1)
        f.interrupted += sum(d.interrupted for d in events.of(ev.ManagerDone) if d.turn_id == turn and i > 0)
        f.barge_ins += i > 0 and i < len(said)
    figures.levels = list(per_level.values())
    for name in ("replies_heard", "false_turns", "interrupted", "barge_ins"):
        setattr(figures, name, sum(getattr(f, name) for f in figures.levels))
    figures.false_turns += sum(h.turn_id not in {f"l{i}" for i in range(len(plan))} for h in events.of(ev.ReplyHeard))
    figures.first_line_interrupted = any(d.interrupted and d.turn_id == "l0" for d in events.of(ev.ManagerDone))
    figures.advice = [n.message for n in events.of(ev.Notice)]
    figures.names = events.names(skip=(ev.Level, ev.Partial, ev.Notice))
    figures.gaps = _gaps(caller, _reply_ends(caller, reply_pcm, len(said)))
    if any(isinstance(e, ev.Prompted) for e in events.items):
        figures.stalled = True  # the manager had to ask whether anyone was there: a reply went unheard
