"""Whole calls with echo (issue #15): the virtual speaker looped back into the virtual microphone
at -13, -9, -6 and 0 dB, with and without the echo canceller, through the real loop.

With the canceller (-13, -9 dB) every reply is heard as one turn, the manager's voice never makes a turn or
an interruption, the call never stalls, and talking over the manager still stops them (one call
per level does all of it: the second reply barges in). Without
it the product cannot keep the call clean at loud echo: what it does then is say so, once
(use headphones), which is what is asserted. One synthesizer and one recogniser serve every call.
"""

from __future__ import annotations

import re

import pytest

from echo_call import REPLIES, echo_call
from echo_rig import loopbacks_loaded
from virtual_user import speech_wav, wav_pcm

pytestmark = [pytest.mark.audio, pytest.mark.vosk]
LEVELS = [-13.0, -9.0, -6.0, 0.0]


@pytest.fixture(scope="module")
def engines(virtual_audio, ko_model_path, tmp_path_factory):
    pytest.importorskip("pywebrtc_audio")
    from rehearsal.settings import Settings
    from rehearsal.voice.recognizer import load_recognizer
    from rehearsal.voice.tts import create_synthesizer

    reply = wav_pcm(speech_wav("Thank you for taking my call. Could I ask for feedback?",
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
    print(f"echo {level} dB cancel={figures.cancelling}: {figures.names} gaps={figures.gaps} "
          f"erle={figures.erle_db} echo={figures.echo_db} gate={figures.gate} delay={figures.delay_ms} advice={figures.advice} ({figures.seconds:.1f} s)")
    return figures


@pytest.mark.parametrize("level", [-13.0, -9.0])
def test_with_the_canceller_every_reply_is_one_turn_and_barge_in_works(engines, level, no_echo_left):
    """The first reply answers the first line; the second talks over the second line, 1 s in."""
    f = _call(engines, level, barge_in=True)
    assert not f.stalled, f.names
    assert f.replies_said == REPLIES and f.replies_heard == REPLIES, f.names
    assert f.false_turns == 0, f.names
    # The second line, by the caller. The first line: before the canceller has found the echo
    # (~1.5 s of the manager) the call hears the raw microphone (AEC3 would duck a caller with no
    # echo at all); at -6 and 0 dB the raw echo has stopped it there once in a few calls (docs/echo.md).
    assert f.interrupted - f.first_line_interrupted == 1, f.names
    if level <= -9:
        assert not f.first_line_interrupted, f.names
    assert f.names[-1] == "CallEnded" and f.names.count("TurnScored") == REPLIES, f.names
    # A turn gap is not a stall: figures are in the benchmark; 3.8 s seen once on the busy machine.
    assert len(f.gaps) == REPLIES and all(0.2 < g < 6.0 for g in f.gaps), f.gaps
    assert f.delay_ms is not None and 0 <= f.delay_ms <= 300  # measured during the call


@pytest.mark.parametrize("level", [-6.0, 0.0])
def test_with_the_canceller_loud_echo_says_turn_the_volume_down(engines, level, no_echo_left):
    """At -6 and 0 dB the canceller often copes (bench: 4/4 replies heard in one run) but not always
    (at -6 dB a reply lost in 1 of 5 test runs, and at the merge a barge-in heard as the echo's false
    turn; at 0 dB lost and a 20 s stall until the manager asked "are you there?" in 2 of 5): the
    product's answer is to say, once, to turn the volume down or use headphones, and the call still
    gets to its end."""
    f = _call(engines, level, barge_in=True)
    assert len(f.advice) == 1 and ("volume down" in f.advice[0] or "headphones" in f.advice[0]), f.advice
    assert f.names[-1] == "CallEnded", f.names


def test_without_the_canceller_mild_echo_still_works(engines, no_echo_left):
    f = _call(engines, -13.0, cancel=False, barge_in=True)
    assert not f.stalled and f.replies_heard == REPLIES and f.false_turns == 0 and f.interrupted == 1, f.names
    assert len(f.advice) <= 1  # if anything, one sentence about the volume


@pytest.mark.parametrize("level", [-6.0, 0.0])
def test_without_the_canceller_loud_echo_is_named_once(engines, level, no_echo_left):
    """Here the gate alone cannot tell the echo from the caller (issue #15): the call says so, once."""
    f = _call(engines, level, cancel=False, until_advice=True, timeout_s=25)
    assert len(f.advice) == 1, f.advice
    assert "headphones" in f.advice[0], f.advice
    said = float(re.search(r"echo at (-?\d+) dB", f.advice[0]).group(1))
    assert said == pytest.approx(level, abs=2.5), f.advice  # the level it names is the real one
