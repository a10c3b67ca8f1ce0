"""One way to run a call: the terminal and the app open it with `rehearsal.practice.open_call`,
so the same scenario and the same typed replies give the same events in both."""

from __future__ import annotations

import io
import sys

from rich.console import Console

from rehearsal.call import events as ev
from rehearsal.cli.practice_session import PracticeSession
from rehearsal.practice.engines import build_engines, engine_notice
from rehearsal.settings import Settings
from rehearsal.ui.messages import CallUpdate
from rehearsal.ui.screens.scorecard import ScorecardScreen
from rehearsal.voice.interfaces import VoiceUnavailable
from ui_support import GOOD_FIT, SCENARIO, make_app, make_services, sync, wait_for

# Silence first (the "why" branch), then a request for feedback, then the close.
REPLIES = ["", "Thanks, could you share some feedback?", GOOD_FIT]


def terminal_call(monkeypatch, replies: list[str]) -> tuple[list[ev.Event], str]:
    """`rehearsal practice --typed` in-process, the replies piped on stdin."""
    out = io.StringIO()
    session = PracticeSession(SCENARIO, make_services(), Console(file=out, highlight=False), typed=True,
                              speak=False)
    events: list[ev.Event] = []
    session.sinks.add(events.append)
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{r}\n" for r in replies)))
    session.run()
    return events, out.getvalue()


async def app_call(replies: list[str]) -> list[ev.Event]:
    events: list[ev.Event] = []
    app = make_app()

    def hook(message) -> None:
        if isinstance(message, CallUpdate):
            events.append(message.event)

    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        await pilot.press("enter", "enter")
        for n, reply in enumerate(replies, 1):
            await wait_for(pilot, lambda n=n: sum(isinstance(e, ev.Listening) for e in events) == n)
            app.screen.query_one("#reply").value = reply
            await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ScorecardScreen))
    return events


def test_a_typed_call_reports_the_same_events_in_the_terminal_and_the_app(monkeypatch):
    in_terminal, shown = terminal_call(monkeypatch, REPLIES)
    in_app = sync(app_call)(REPLIES)
    assert in_terminal == in_app
    assert [type(e).__name__ for e in in_terminal[:5]] == [
        "ManagerSpeaking", "ManagerDone", "Listening", "ReplyHeard", "TurnScored"]
    result = in_terminal[-1].result
    assert result.end_reason == "completed" and [t.turn_id for t in result.turns] == ["hello", "why", "fit"]
    call_part = shown.split("Scorecard")[0]
    assert [line for line in call_part.splitlines() if line.startswith("You:")] == [f"You: {r}" for r in REPLIES]
    assert "Dana Reyes: Thanks for calling. Good luck!" in call_part


def test_the_end_of_piped_replies_hangs_up_in_the_terminal(monkeypatch):
    events, shown = terminal_call(monkeypatch, REPLIES[:1])
    assert events[-1].result.end_reason == "hung_up" and len(events[-1].result.turns) == 1
    assert "No more replies" in shown and "Scorecard" in shown


def test_engines_that_cannot_be_made_are_one_notice_and_the_call_goes_on():
    def no_mic():
        raise VoiceUnavailable("No microphone was found.")

    services = make_services(Settings(), synthesizer_factory=lambda: 1 / 0, microphone_factory=no_mic)
    engines = build_engines(services, speak=True, listen=True)
    assert engines.synthesizer is None and engines.speaker is None and engines.microphone is None
    notice = engine_notice(engines, services, speak=True, typed=False)
    assert notice.level == "warning"
    assert notice.message == ("The manager's voice is not available (division by zero). No microphone was found. "
                              "The manager's lines are shown as text. Type your replies for this call.")
    # Typed, with no voice to be had: nothing to say. Not spoken (`practice --typed`): nothing is made.
    assert engine_notice(build_engines(make_services(), speak=True, listen=False), make_services(),
                         speak=True, typed=True) is None
    assert build_engines(services, speak=False, listen=False) == build_engines(make_services(), speak=False,
                                                                               listen=False)


class _SwallowedCtrlC(io.StringIO):
    """Stdin on which Ctrl-C lands where Python loses its KeyboardInterrupt (input() clears
    errors raised while it flushes), then input ends, as when the terminal closes."""

    def readline(self, *args) -> str:
        import os
        import signal

        try:
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(1000):
                pass
        except KeyboardInterrupt:
            pass  # lost, as input() loses it
        return ""


def test_ctrl_c_whose_interrupt_python_loses_still_ends_the_call_as_interrupted(monkeypatch):
    out = io.StringIO()
    session = PracticeSession(SCENARIO, make_services(), Console(file=out, highlight=False), typed=True, speak=False)
    monkeypatch.setattr(sys, "stdin", _SwallowedCtrlC())
    result = session.run()
    assert session.interrupted and result.end_reason == "hung_up"
    assert "Call ended." in out.getvalue() and "No more replies" not in out.getvalue()


def test_a_spoken_call_in_the_terminal_hears_the_replies_and_shows_them(monkeypatch, tmp_path):
    """Also: the keep_audio setting reaches the store from the services (the store reads no settings)."""
    from rehearsal.store import open_store
    from fakes import FakeMicrophone, FakeRecognizer, FakeSpeaker, FakeSynthesizer, Script

    speed = 20.0
    mic = FakeMicrophone(speed=speed)
    opening, fit = "thanks so much for the interview could you share any feedback", "i will keep an eye on your postings"
    db = tmp_path / "db" / "sessions.sqlite3"
    services = make_services(Settings(input_mode="voice", no_speech_prompt_s=30, end_silence_ms=400, keep_audio=False),
                             store_factory=lambda: open_store(db),
                             synthesizer_factory=FakeSynthesizer, speaker_factory=lambda: FakeSpeaker(speed=speed),
                             microphone_factory=lambda: mic,
                             recognizer_factory=lambda path: FakeRecognizer([Script(opening, lead_s=0.3),
                                                                             Script(fit, lead_s=0.3)]))
    out = io.StringIO()
    session = PracticeSession(SCENARIO, services, Console(file=out, highlight=False), typed=False)
    lines = {"hello": 3.6, "fit": 2.8}
    session.sinks.add(lambda e: isinstance(e, ev.Listening) and e.turn_id in lines
                      and mic.say(("silence", 0.3), ("speech", lines.pop(e.turn_id))))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # nothing typed: the replies are spoken
    result = session.run()
    assert result.end_reason == "completed" and [t.reply for t in result.turns] == [opening, fit]
    shown = out.getvalue()
    assert "Speak when the manager stops" in shown and f"You: {opening}" in shown and f"You: {fit}" in shown
    with open_store(db) as store:
        (saved,) = store.list_sessions()
        assert saved.mode == "voice" and saved.turn_count == 2 and not list((db.parent / "recordings").rglob("*.wav"))
