"""The second pass (rehearsal.conversation.revision): each spoken reply heard again and judged
again, in order, off the call's thread; what it drops; and the revised turn in the store."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from rehearsal.call import events as ev
from rehearsal.call.engine import Call
from rehearsal.call.turn import Revision, TurnRecord
from rehearsal.conversation.revision import Reviser
from rehearsal.settings import Settings
from rehearsal.store import open_store
from rehearsal.voice.interfaces import SAMPLE_RATE, Audio, Transcript, VoiceUnavailable, Word
from fakes import FakeRecognizer, Script, silence, tone
from store_support import fake_judge, scenario

LIVE = ["hi there", "that is ridiculous"]  # what a live recognizer heard (nonsense for the judge)
HEARD = ["thank you for the call could you share feedback", "i appreciate it and would love future roles"]


def reply_audio(seconds: float = 3.0) -> Audio:
    return Audio(silence(0.2) + tone(seconds - 0.2), SAMPLE_RATE)


class Gate:
    """A revising recognizer that decodes only when let through, so a test controls its pace."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = list(texts)
        self.open = threading.Semaphore(0)
        self.started = threading.Semaphore(0)
        self.name = "Gate"

    def transcribe(self, pcm: bytes) -> Transcript:
        self.started.release()
        assert self.open.acquire(timeout=10)
        text = self.texts.pop(0)
        return Transcript(text, [Word(w, 0.3 + i * 0.2, 0.45 + i * 0.2) for i, w in enumerate(text.split())])

    def session(self):  # not used: transcribe is there
        raise AssertionError("decoded whole, not streamed")


class Sink(list):
    def __init__(self) -> None:
        super().__init__()
        self.changed = threading.Condition()

    def __call__(self, event) -> None:
        with self.changed:
            self.append(event)
            self.changed.notify_all()

    def wait(self, predicate, timeout: float = 10) -> None:
        with self.changed:
            assert self.changed.wait_for(lambda: predicate(self), timeout), [type(e).__name__ for e in self]

    def of(self, kind) -> list:
        return [e for e in self if isinstance(e, kind)]


def say(reviser: Reviser, call: Call, live: str, audio: Audio | None = None) -> TurnRecord:
    """What the call loop reports for one spoken reply: heard (with its audio), then scored."""
    turn = call.current_id
    words = [Word(w, 0.5 + i * 0.3, 0.7 + i * 0.3) for i, w in enumerate(live.split())]
    from rehearsal.judging.delivery import measure

    record = call.reply(live, words=words, delivery=measure(words, latency_s=0.9))
    reviser(ev.ReplyHeard(turn, Transcript(live, words), audio or reply_audio()))
    reviser(ev.TurnScored(record))
    return record


def test_each_reply_is_revised_after_its_score_in_order_and_the_path_stays():
    call, sink = Call(scenario(), fake_judge()), Sink()
    gate = Gate(list(HEARD))
    reviser = Reviser(call, sink, lambda: gate)
    first = say(reviser, call, LIVE[0])
    gate.open.release()
    sink.wait(lambda s: s.of(ev.TurnRevised))
    second = say(reviser, call, LIVE[1])
    gate.open.release()
    sink.wait(lambda s: len(s.of(ev.TurnRevised)) == 2)
    names = [type(e).__name__ for e in sink]
    assert names == ["ReplyHeard", "TurnScored", "TurnRevised", "ReplyHeard", "TurnScored", "TurnRevised"]
    revised = [e.record for e in sink.of(ev.TurnRevised)]
    assert [r.reply for r in revised] == HEARD
    assert [r.next_turn for r in revised] == [first.next_turn, second.next_turn]  # the path is not changed
    assert [r.index for r in revised] == [0, 1]
    # Judged again as the call judges: the same judge, line and weights as the words typed.
    typed = Call(scenario(), fake_judge())
    for text in HEARD:
        typed.reply(text)
    assert [(r.verdict.gratitude.detected, r.verdict.feedback_request.detected, r.verdict.tone.label,
             r.verdict.door_open.detected) for r in revised] == [
        (t.verdict.gratitude.detected, t.verdict.feedback_request.detected, t.verdict.tone.label,
         t.verdict.door_open.detected) for t in typed.records]
    spoken_parts = {d: c for d, c in revised[0].score.parts.items() if d != "delivery"}  # typed has none
    assert spoken_parts == typed.records[0].score.parts
    assert revised[0].score.score > first.score.score
    assert revised[0].revision.live_reply == LIVE[0] and revised[0].revision.by == "Gate"
    assert revised[0].revision.live_score == first.score.score
    # Delivery on the revised words; the latency keeps when the reply began (live 0.9 s at its word 0.5 s).
    assert revised[0].delivery.words == len(HEARD[0].split()) and revised[0].delivery.latency_s == pytest.approx(0.7)
    # The call's result as it ends carries the revised turns and their score.
    call.hang_up()
    reviser(ev.CallEnded(call.result()))
    ended = sink.of(ev.CallEnded)[0].result
    assert [t.reply for t in ended.turns] == HEARD
    assert ended.score == round((revised[0].score.score + revised[1].score.score) / 2, 1)
    assert reviser.close(1) == []


def test_a_revision_of_a_reply_taken_back_meanwhile_is_dropped():
    call, sink = Call(scenario(), fake_judge()), Sink()
    gate = Gate([HEARD[0], HEARD[0]])
    reviser = Reviser(call, sink, lambda: gate)
    say(reviser, call, LIVE[0])
    assert gate.started.acquire(timeout=10)
    call.retry_last()  # the caller retried the turn while Whisper was on it
    again = say(reviser, call, "thanks again")
    gate.open.release()
    gate.open.release()
    sink.wait(lambda s: s.of(ev.TurnRevised))
    assert reviser.close(5) == []
    revised = sink.of(ev.TurnRevised)
    assert len(revised) == 1 and revised[0].record.revision.live_reply == again.reply


def test_when_it_cannot_keep_up_the_oldest_waiting_reply_keeps_its_live_words_and_is_said():
    sc = scenario(turns={f"t{i}": {"say": f"Line {i}.", "next": [{"goto": f"t{i + 1}"}]} for i in range(4)}
                  | {"t4": {"say": "Bye.", "end": True}}, start="t0")
    call, sink = Call(sc, fake_judge()), Sink()
    gate = Gate([f"thank you {i}" for i in range(4)])
    reviser = Reviser(call, sink, lambda: gate, max_pending=2)
    say(reviser, call, "one")
    assert gate.started.acquire(timeout=10)  # reply 1 is being heard again; 2, 3, 4 arrive meanwhile
    for live in ("two", "three", "four"):
        say(reviser, call, live)
    notices = sink.of(ev.Notice)
    assert [n.message for n in notices] == ["Reply 2 keeps the words heard live: the second pass could not keep up."]
    for _ in range(3):
        gate.open.release()
    sink.wait(lambda s: len(s.of(ev.TurnRevised)) == 3)
    assert [e.record.index for e in sink.of(ev.TurnRevised)] == [0, 2, 3]
    reviser.close(1)


def test_closing_drops_what_is_left_and_says_which_replies():
    call, sink = Call(scenario(), fake_judge()), Sink()
    gate = Gate(list(HEARD))
    reviser = Reviser(call, sink, lambda: gate)
    say(reviser, call, LIVE[0])
    say(reviser, call, LIVE[1])
    assert gate.started.acquire(timeout=10)
    assert reviser.close(0.05) == [1, 2]
    assert sink.of(ev.Notice)[-1].message.startswith("Replies 1, 2 keep the words heard live")
    gate.open.release()
    gate.open.release()
    assert not sink.of(ev.TurnRevised)  # nothing lands after the close


def test_typed_skipped_and_unrecorded_replies_are_not_heard_again():
    call, sink = Call(scenario(), fake_judge()), Sink()
    gate = Gate([])
    reviser = Reviser(call, sink, lambda: gate)
    reviser(ev.ReplyHeard(call.current_id, Transcript("typed")))
    reviser(ev.TurnScored(call.reply("typed")))
    reviser(ev.TurnScored(call.skip()))
    call.hang_up()
    reviser(ev.CallEnded(call.result()))
    assert reviser.close(1) == [] and not sink.of(ev.TurnRevised)
    assert not gate.started.acquire(timeout=0.1)


def test_a_model_that_cannot_load_turns_the_second_pass_off_with_a_sentence():
    call, sink = Call(scenario(), fake_judge()), Sink()

    def broken():
        raise VoiceUnavailable("The Whisper engine needs faster-whisper.")

    reviser = Reviser(call, sink, broken)
    say(reviser, call, LIVE[0])
    sink.wait(lambda s: s.of(ev.Notice))
    assert sink.of(ev.Notice)[0].message == "The second pass is off for this call: The Whisper engine needs faster-whisper."
    assert reviser.close(1) == []


def test_a_recognizer_without_transcribe_is_fed_the_reply_as_a_stream():
    call, sink = Call(scenario(), fake_judge()), Sink()
    streamed = FakeRecognizer([Script(HEARD[0], lead_s=0.2, word_seconds=0.25)])
    reviser = Reviser(call, sink, lambda: streamed)
    say(reviser, call, LIVE[0], reply_audio(3.0))
    sink.wait(lambda s: s.of(ev.TurnRevised))
    assert sink.of(ev.TurnRevised)[0].record.reply == HEARD[0]
    assert streamed.sessions[0].finished


# -- the turn's shape, old and new ------------------------------------------------------------


def test_a_revised_turn_round_trips_and_an_old_row_has_no_revision():
    call = Call(scenario(), fake_judge())
    live = call.reply(LIVE[0])
    revised = call.rejudge(live, HEARD[0], words=[], delivery=None, asked_before=False)
    revised = TurnRecord.from_dict(revised.to_dict())  # the dict is the row, the bundle and the export
    from dataclasses import replace

    revised = replace(revised, revision=Revision("Whisper tiny.en", LIVE[0], live.score.score, 0.42))
    assert TurnRecord.from_dict(json.loads(json.dumps(revised.to_dict()))) == revised
    old = live.to_dict()
    assert "revision" not in old  # every turn kept before the second pass reads as it did
    assert TurnRecord.from_dict(old).revision is None
    assert TurnRecord.from_dict({**old, "revision": "garbage"}).revision is None


# -- the store ---------------------------------------------------------------------------------


def stored_call(tmp_path: Path):
    """A voice call recorded into a fresh store, its replies revised by a Gate (released by the test)."""
    store = open_store(tmp_path / "s.db")
    sc = scenario()
    call, sink = Call(sc, fake_judge()), Sink()
    recorder = store.recorder(sc, mode="voice")
    gate = Gate(list(HEARD))
    reviser = Reviser(call, lambda e: (recorder(e), sink(e)), lambda: gate)
    return store, call, sink, recorder, gate, reviser


def test_the_store_keeps_the_revised_turn_and_the_score_of_a_call_that_had_ended(tmp_path):
    store, call, sink, recorder, gate, reviser = stored_call(tmp_path)
    say(reviser, call, LIVE[0])
    say(reviser, call, LIVE[1])
    gate.open.release()  # the first lands before the end of the call, the second after it
    sink.wait(lambda s: s.of(ev.TurnRevised))
    reviser(ev.CallEnded(call.result()))
    gate.open.release()
    sink.wait(lambda s: len(s.of(ev.TurnRevised)) == 2)
    reviser.close(1)
    recorder.close()
    detail = store.get(recorder.session_id)
    assert [t.reply for t in detail.turns] == HEARD
    assert [t.revision.live_reply for t in detail.turns] == LIVE
    assert detail.summary.score == round(sum(t.score.score for t in detail.turns) / 2, 1)
    assert detail.recordings[0].reply is not None  # the audio the revision heard is still the turn's
    store.close()


# -- which engine does what ------------------------------------------------------------------


def test_the_second_pass_setting(monkeypatch, tmp_path):
    from rehearsal.voice import engine_choice, whisper, whisper_models

    whisper_dir = tmp_path / "whisper-tiny.en"
    monkeypatch.setattr(whisper_models, "find_whisper_model", lambda settings: whisper_dir)
    monkeypatch.setattr(whisper, "whisper_available", lambda: True)
    vosk = Settings(recognizer="vosk")
    monkeypatch.setattr(engine_choice, "choose_engine", lambda s, p=None: (s.recognizer if s.recognizer != "auto" else "vosk", tmp_path / "vosk-model-small-en-us-0.15"))
    assert engine_choice.reviser_model(vosk) == whisper_dir
    assert engine_choice.reviser_model(vosk.model_copy(update={"revise_with": "off"})) is None
    assert engine_choice.reviser_model(Settings(recognizer="whisper", revise_with="whisper")) is None  # hears whole already
    assert "Whisper (tiny.en) rewrites each reply for the scorecard" in engine_choice.describe_engines(vosk)
    monkeypatch.setattr(whisper, "whisper_available", lambda: False)
    assert engine_choice.reviser_model(vosk) is None  # auto: not installed, no second pass
    with pytest.raises(VoiceUnavailable, match="needs Whisper"):
        engine_choice.reviser_model(vosk.model_copy(update={"revise_with": "whisper"}))


def test_settings_reject_an_unknown_second_pass():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Settings(revise_with="vosk")
    assert Settings().revise_with == "auto"


# -- the front ends ------------------------------------------------------------------------


def test_the_app_rewrites_the_turn_card_and_the_scorecard_when_the_revision_lands():
    from fakes import FakeMicrophone, FakeSpeaker, FakeSynthesizer
    from rehearsal.ui.screens.scorecard import ScorecardScreen
    from rehearsal.ui.widgets.turn_card import TurnCard
    from rehearsal.ui.widgets.turn_log import Exchange
    from test_ui_voice import SPEED, Recorder
    from ui_support import make_app, make_services, sync, wait_for

    live = ["please share feedback", "okay then"]
    heard = ["thanks so much please share feedback", "i will watch your postings"]
    whisper_dir = Path("whisper-fake")
    mic = FakeMicrophone(speed=SPEED)
    recognizers = {None: FakeRecognizer([Script(t, lead_s=0.3) for t in live]),
                   whisper_dir: FakeRecognizer([Script(t, lead_s=0.3) for t in heard])}
    services = make_services(
        Settings(input_mode="voice", no_speech_prompt_s=20, end_silence_ms=400),
        synthesizer_factory=FakeSynthesizer, speaker_factory=lambda: FakeSpeaker(speed=SPEED),
        microphone_factory=lambda: mic, recognizer_factory=lambda path: recognizers[path],
        reviser_model=lambda settings: whisper_dir)
    hook = Recorder(mic, {"hello": 2.4})  # the second reply is said once the first is revised
    app = hook.app = make_app(services)

    @sync
    async def run() -> None:
        async with app.run_test(size=(100, 40), message_hook=hook) as pilot:
            await wait_for(pilot, lambda: app.model_status == "ready")
            await pilot.press("enter", "enter")
            await wait_for(pilot, lambda: hook.of(ev.TurnRevised))
            exchange = app.screen.query(Exchange).first()
            await wait_for(pilot, lambda: heard[0] in str(exchange.render()))
            shown = str(exchange.render())
            mic.say(("silence", 0.3), ("speech", 2.4)) and "Revised by fake; heard live as “please share feedback”" in shown
            await wait_for(pilot, lambda: isinstance(app.screen, ScorecardScreen) and app.screen.query(TurnCard),
                           timeout=20)
            cards = list(app.screen.query(TurnCard))
            assert [c.record.reply for c in cards] == heard
            assert cards[0].record.verdict.gratitude.detected and cards[0].record.revision.live_reply == live[0]
            assert "Revised by fake" in str(cards[0].render())

    run()
    assert [e.record.turn_id for e in hook.of(ev.TurnScored)] == ["hello", "fit"]  # the live path


def test_the_terminal_prints_the_revised_marks_and_scorecard(monkeypatch):
    import io
    import sys

    from rich.console import Console

    from fakes import FakeMicrophone, FakeSpeaker, FakeSynthesizer
    from rehearsal.cli.practice_session import PracticeSession
    from ui_support import SCENARIO, make_services

    whisper_dir = Path("whisper-fake")
    mic = FakeMicrophone(speed=20)
    recognizers = {None: FakeRecognizer([Script("please share feedback", lead_s=0.3), Script("okay then", lead_s=0.3)]),
                   whisper_dir: FakeRecognizer([Script("thanks so much please share feedback", lead_s=0.3),
                                                Script("i will watch your postings", lead_s=0.3)])}
    services = make_services(
        Settings(input_mode="voice", no_speech_prompt_s=20, end_silence_ms=400),
        synthesizer_factory=FakeSynthesizer, speaker_factory=lambda: FakeSpeaker(speed=20),
        microphone_factory=lambda: mic, recognizer_factory=lambda path: recognizers[path],
        reviser_model=lambda settings: whisper_dir)
    out = io.StringIO()
    session = PracticeSession(SCENARIO, services, Console(file=out, highlight=False, width=200), typed=False,
                              save=False)
    session.sinks.add(lambda e: isinstance(e, ev.Listening) and mic.say(("silence", 0.3), ("speech", 2.4)))
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    result = session.run()
    shown = out.getvalue()
    assert "fake heard reply 1 as: thanks so much please share feedback" in shown
    assert "You: thanks so much please share feedback" in shown.split("Scorecard")[1]
    assert "Revised by fake; heard live as “please share feedback”" in shown
    assert [t.reply for t in result.turns] == ["thanks so much please share feedback", "i will watch your postings"]
    assert result.turns[0].verdict.gratitude.detected


def test_replay_exports_and_bundles_show_the_revised_transcript(tmp_path):
    from rehearsal.store.bundle import read_bundle, write_bundle
    from rehearsal.store.export import to_html, to_json, to_markdown
    from rehearsal.ui.widgets.turn_card import card_text

    store, call, sink, recorder, gate, reviser = stored_call(tmp_path)
    for live in LIVE:
        say(reviser, call, live)
        gate.open.release()
    sink.wait(lambda s: len(s.of(ev.TurnRevised)) == 2)
    reviser(ev.CallEnded(call.result()))
    reviser.close(1)
    recorder.close()
    detail = store.get(recorder.session_id)
    assert "Revised by Gate; heard live as “hi there”" in str(card_text("Dana", detail.turns[0]))  # replay's card
    assert to_json(detail)["turns"][0]["revision"]["live_reply"] == "hi there"
    assert "Revised by Gate" in to_markdown(detail) and "Revised by Gate" in to_html(detail)
    out = write_bundle(tmp_path / "b.zip", [detail], learner="Sam", scenario=detail.scenario,
                       scenario_hash=detail.summary.scenario_hash)
    read_back = read_bundle(out).attempts()[0].turns  # what a coach sees
    assert [t.reply for t in read_back] == HEARD and read_back[0].revision.live_reply == "hi there"
    store.close()
