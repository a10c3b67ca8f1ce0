"""Whole calls with echo (issue #15): the virtual speaker looped back into the virtual microphone
at -13, -9, -6 and 0 dB, with and without the echo canceller, through the real loop.

With the canceller one call visits every level (tests/echo_call.py): the first line at 0 dB
(the first seconds, before the canceller knows the room, are the hardest), then a line at each
level, each talked over by the caller, the volume turned while the caller answers. At every
level every reply must be heard whole in one turn (tests/echo_call.py `holds_reply`), the
manager's voice must never stop a line, the call must never stall, and every barge-in must
stop the manager; at 0 dB the call says once to turn the volume down. Without the canceller the product
cannot keep a loud-echo call clean: what it does then is say so, once (use headphones), which is
what is asserted; at -13 dB the echo gate alone still copes. One synthesiser (its renders cached
on disk, REHEARSAL_TTS_CACHE) and one recogniser serve every call.
"""

from __future__ import annotations

import re

import pytest

from echo_call import echo_call
from echo_rig import loopbacks_loaded
from virtual_user import speech_wav, wav_pcm

pytestmark = [pytest.mark.audio, pytest.mark.vosk]
ALL_LEVELS = [0.0, -6.0, 0.0, -13.0, -9.0]  # line by line; the first answered, the others talked over
REPLY = "Thank you. Could I ask for some feedback?"  # a pause inside: one turn, not two


@pytest.fixture(scope="module")
def engines(virtual_audio, ko_model_path, tmp_path_factory):
    pytest.importorskip("pywebrtc_audio")
    from rehearsal.settings import Settings
    from rehearsal.voice.recognizer import load_recognizer
    from rehearsal.voice.tts import create_synthesizer

    reply = wav_pcm(speech_wav(REPLY,
                               tmp_path_factory.mktemp("echo-calls") / "reply.wav"))
    synthesizer = create_synthesizer(Settings())
    yield load_recognizer(ko_model_path), reply, synthesizer
    synthesizer.close()


@pytest.fixture
def no_echo_left(virtual_audio):
    before = loopbacks_loaded()
    yield
    assert loopbacks_loaded() == before


def _call(engines, level, **kwargs):
    recognizer, reply, synthesizer = engines
    figures = echo_call(level, recognizer, reply, synthesizer=synthesizer, **kwargs)
    per_level = [(lf.level_db, lf.replies_heard, lf.replies_said, lf.false_turns, lf.interrupted, lf.barge_ins)
                 for lf in figures.levels]
    print(f"echo {level} dB cancel={figures.cancelling}: {figures.names} levels={per_level} gaps={figures.gaps} "
          f"erle={figures.erle_db} echo={figures.echo_db} gate={figures.gate} delay={figures.delay_ms} "
          f"realigned={figures.realignments} advice={figures.advice} ({figures.seconds:.1f} s)")
    return figures


def test_with_the_canceller_every_level_is_a_clean_call(engines, no_echo_left):
    from rehearsal.voice.echo_check import CANCELLER_COPES_DB

    f = _call(engines, ALL_LEVELS[0], levels=ALL_LEVELS[1:], barge_in=True)
    for lf in f.levels:  # -13, -9, -6 and 0 dB, each with at least one barge-in
        assert lf.barge_ins >= 1 and lf.interrupted == lf.barge_ins, (lf, f.names)
        # Every reply whole in one turn: a barge-in heard late (at 0 dB ~1.1 s after the caller's
        # first word) keeps its first words (docs/echo.md, round 3).
        assert lf.replies_heard == lf.replies_said and lf.false_turns == 0, (lf, f.names)
    assert {lf.level_db for lf in f.levels} == {-13.0, -9.0, -6.0, 0.0}
    assert not f.stalled and not f.first_line_interrupted, f.names
    assert f.replies_said == len(ALL_LEVELS), f.names
    assert f.names[-1] == "CallEnded" and f.names.count("TurnScored") >= len(ALL_LEVELS), f.names
    # A turn gap is not a stall (figures in the benchmark; 3.8 s seen once on the busy machine).
    assert len(f.gaps) == len(ALL_LEVELS) and all(0.2 < g < 6.0 for g in f.gaps), f.gaps
    assert f.delay_ms is not None and 0 <= f.delay_ms <= 300  # measured during the call
    # The first line is at 0 dB, beyond what the canceller always copes with: said once.
    assert CANCELLER_COPES_DB < 0.0 and len(f.advice) == 1 and "volume down" in f.advice[0], f.advice


def test_without_the_canceller_mild_echo_still_works(engines, no_echo_left):
    f = _call(engines, -13.0, cancel=False, barge_in=True)
    assert f.clean, f.names
    assert len(f.advice) <= 1  # if anything, one sentence about the volume


@pytest.mark.parametrize("level", [-6.0])
def test_without_the_canceller_loud_echo_is_named_once(engines, level, no_echo_left):
    """Here the gate alone cannot tell the echo from the caller (issue #15): the call says so, once.
    (0 dB without the canceller: the echo test's reading, tests/test_echo.py.)"""
    f = _call(engines, level, cancel=False, until_advice=True, timeout_s=25)
    assert len(f.advice) == 1, f.advice
    assert "headphones" in f.advice[0], f.advice
    said = float(re.search(r"echo at (-?\d+) dB", f.advice[0]).group(1))
    assert said == pytest.approx(level, abs=2.5), f.advice  # the level it names is the real one
