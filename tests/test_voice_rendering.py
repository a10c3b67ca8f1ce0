"""The one render path (rehearsal/voice/rendering.py) and the call's render worker (conversation/line_audio.py),
with a scripted engine: parts, pauses, the phone line per part, the caches, and cancelling."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from rehearsal.conversation.line_audio import Renderer
from rehearsal.voice import phrasing
from fakes import FakeSynthesizer, tone
from rehearsal.voice.interfaces import Audio, VoiceSpec
from rehearsal.voice.rendering import SentenceSynthesizer

RATE = 22_050


@pytest.fixture(autouse=True)
def no_shared_cache(monkeypatch):
    """Only the folder a test gives: not the suite's (conftest.py), where earlier runs left these renders."""
    monkeypatch.delenv("REHEARSAL_TTS_CACHE", raising=False)


class Engine(SentenceSynthesizer):
    """Says each sentence as a tone 10 ms a character long; counts what it was asked to say."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.said: list[str] = []
        self.version = "1"

    def _say(self, sentence: str, spec: VoiceSpec) -> Audio:
        self.said.append(sentence)
        return Audio(tone(len(sentence) * 0.01, RATE), RATE)

    def _identity(self, spec: VoiceSpec) -> str:
        return f"engine {self.version}|{spec}"

    def _describe(self, spec: VoiceSpec) -> str:
        return "a tone"


LINE = "Hmm. Thanks for calling. How can I help?"


def test_a_line_is_its_sentences_with_a_pause_before_each_but_the_first():
    engine = Engine(cache_dir=None)
    assert engine.parts(LINE) == ["Hmm, thanks for calling.", "How can I help?"]
    first, second = (engine.render_part(LINE, VoiceSpec(), n) for n in (0, 1))
    pause = int(RATE * phrasing.SENTENCE_PAUSE_S) * 2
    assert len(first.pcm) == len(tone(0.24, RATE)) and second.pcm[:pause] == b"\0" * pause
    assert engine.render(LINE, VoiceSpec()).pcm == first.pcm + second.pcm
    assert engine.said == ["Hmm, thanks for calling.", "How can I help?"]  # each sentence rendered once


def test_the_phone_line_filters_each_part_and_is_heard_in_the_pause():
    plain, phone = Engine(cache_dir=None), Engine(cache_dir=None, phone_line=True)
    second = phone.render_part(LINE, VoiceSpec(), 1)
    assert len(second.pcm) == len(plain.render_part(LINE, VoiceSpec(), 1).pcm)
    hiss = np.frombuffer(second.pcm, dtype="<i2")[: int(RATE * 0.2)].astype(np.float64) / 32768
    assert 10 ** (-60 / 20) < np.sqrt(np.mean(hiss**2)) < 10 ** (-45 / 20)  # line noise in the pause, far below the voice
    assert phone.describe(VoiceSpec()) == "a tone, phone line"


def test_renders_are_kept_on_disk_keyed_by_text_voice_engine_and_settings(tmp_path):
    first = Engine(cache_dir=tmp_path)
    audio = first.render(LINE, VoiceSpec(rate=170))
    assert len(list(tmp_path.glob("*.wav"))) == 2
    again = Engine(cache_dir=tmp_path)  # a new process, as on the next CI run
    assert again.render(LINE, VoiceSpec(rate=170)) == audio and again.said == []
    again.render(LINE, VoiceSpec(rate=200))  # other settings: rendered anew
    assert len(again.said) == 2
    newer = Engine(cache_dir=tmp_path)
    newer.version = "2"  # another engine version: rendered anew
    newer.render(LINE, VoiceSpec(rate=170))
    assert len(newer.said) == 2
    phone = Engine(cache_dir=tmp_path, phone_line=True)
    phone.render(LINE, VoiceSpec(rate=170))
    assert len(phone.said) == 2
    assert not list(tmp_path.glob("*.tmp"))


def test_a_damaged_cached_render_is_rendered_again(tmp_path):
    Engine(cache_dir=tmp_path).render("Thanks.", VoiceSpec())
    (path,) = tmp_path.glob("*.wav")
    path.write_bytes(b"not a wav")
    engine = Engine(cache_dir=tmp_path)
    assert engine.render("Thanks.", VoiceSpec()).seconds > 0 and engine.said == ["Thanks."]


def test_two_threads_asking_for_one_part_get_one_render():
    class Slow(Engine):
        def _say(self, sentence, spec):
            started.set()
            release.wait(5)
            return super()._say(sentence, spec)

    started, release = threading.Event(), threading.Event()
    engine = Slow(cache_dir=None)
    results = []
    threads = [threading.Thread(target=lambda: results.append(engine.render("Thanks.", VoiceSpec()))) for _ in range(3)]
    for t in threads:
        t.start()
    assert started.wait(5)
    release.set()
    for t in threads:
        t.join(5)
    assert engine.said == ["Thanks."] and len(results) == 3 and results[0] == results[1] == results[2]


def test_a_cancelled_line_drops_the_sentences_not_yet_rendered():
    hold = threading.Event()
    synth = FakeSynthesizer(by_sentence=True, hold=hold)
    renderer = Renderer(synth)
    text = "One. Two. Three."
    try:
        line = renderer.line(text, VoiceSpec())
        assert line.first().seconds > 0
        assert synth.wait_for(lambda done: (text, 1) in done, 5)  # the second is rendering (held)
        line.cancel()
        hold.set()
        renderer.ahead([("Next.", VoiceSpec())])  # the worker goes on to other work...
        assert synth.wait_for(lambda done: ("Next.", 0) in done, 5)
        assert (text, 2) not in synth.part_renders  # ...and the third sentence was never rendered
    finally:
        renderer.close()


def test_the_due_line_goes_before_what_is_rendered_ahead():
    hold = threading.Event()
    synth = FakeSynthesizer(by_sentence=True, hold=hold)
    renderer = Renderer(synth)
    try:
        renderer.ahead([("A one. A two.", VoiceSpec()), ("B one. B two.", VoiceSpec())])
        assert synth.wait_for(lambda done: ("A one. A two.", 1) in done, 5)  # held in A's second sentence
        line = renderer.line("Due. Now.", VoiceSpec())
        hold.set()
        line.first()
        assert synth.wait_for(lambda done: ("B one. B two.", 1) in done, 5)
        a, b, due = "A one. A two.", "B one. B two.", "Due. Now."
        # First sentences first; then the line that came due, all of it, before the rest of render-ahead.
        assert synth.part_renders == [(a, 0), (b, 0), (a, 1), (due, 0), (due, 1), (b, 1)]
    finally:
        renderer.close()
