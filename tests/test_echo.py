"""Echo cancellation on real echo: the virtual speaker looped back into the virtual mic.

Each level is one take (~10 s): the manager says two lines through the real speaker (with its
far-end tap), the caller talks over the end of the second and on past it, and the canceller runs
live on the real microphone. Bounds are set from first measurements (docs/echo.md) with margin:
ERLE measured 7-60 dB once converged, the caller alone kept within ~3 dB, the caller during
double-talk ducked 6-20 dB but still there.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from echo_rig import FRAME, caller_at, loopback, loopbacks_loaded, measure, record, final_delay_ms, replay
from rehearsal.media import read_wav
from rehearsal.voice.interfaces import Audio, AudioChunk
from virtual_user import speech_wav, wav_pcm

pytestmark = pytest.mark.audio
# Takes at two levels only: every level (-13, -9, -6, 0 dB) goes through a whole call in
# tests/test_echo_calls.py, and benchmarks/bench_echo.py prints every level's figures.
LEVELS = [-6.0, 0.0]
MIN_ERLE_DB = 5.0  # measured 7.4-59.8 dB after the first 2.5 s (12 takes), 0 without a canceller
CONVERGED_S = 2.5  # AEC3 learns the room over the first line; a call keeps one canceller throughout
MANAGER = ["Thanks for calling back. I have a few minutes.",
           "We went with someone who had more experience in system design, to be honest."]
CALLER = "Thank you, could you tell me what I could improve?"


def _espeak(text: str, path: Path) -> Audio:
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "170", "-w", str(path), text], check=True)
    return read_wav(path)


@pytest.fixture(scope="module")
def speech(tmp_path_factory):
    folder = tmp_path_factory.mktemp("echo-speech")
    lines = [_espeak(text, folder / f"line{i}.wav") for i, text in enumerate(MANAGER)]
    caller = wav_pcm(speech_wav(CALLER, folder / "caller.wav", voice="en-us+f3"))
    return lines, caller


@pytest.fixture
def no_echo_left(virtual_audio):
    """Every test here must leave the stack as it found it: other tests never hear echo."""
    before = loopbacks_loaded()
    yield
    assert loopbacks_loaded() == before


@pytest.fixture(scope="module")
def takes(virtual_audio, speech):
    pytest.importorskip("pywebrtc_audio") if not _require_voice() else None
    from rehearsal.voice.echo import WebRtcEchoCanceller

    lines, caller = speech
    return {level: record(level, lines, caller, WebRtcEchoCanceller()) for level in LEVELS}


def _require_voice() -> bool:
    import os

    return os.environ.get("REHEARSAL_REQUIRE_VOICE") == "1"


@pytest.mark.parametrize("level", LEVELS)
def test_the_canceller_takes_the_echo_out_and_keeps_the_caller(takes, level, no_echo_left):
    take = takes[level]
    raw = measure(take, take.raw, shift=0)
    assert raw.echo_db == pytest.approx(level, abs=2.5)  # the loopback really was at that level
    assert raw.erle_db == pytest.approx(0, abs=0.1)
    got = measure(take, after_s=CONVERGED_S)
    assert got.erle_db >= MIN_ERLE_DB, got
    # once the manager stops, the caller is kept (-0.8 to -3.1 dB; -7.6 once at 0 dB, load average 9)
    assert got.caller_alone_db >= (-6.0 if level < 0 else -9.0), got
    # In double-talk the canceller ducks the caller (AEC3's suppressor): measured by 6-17 dB up to
    # -6 dB of echo, by ~20 dB at 0 dB, where the echo test tells people to turn the volume down.
    kept_db, corr = (-24.0, 0.25) if level <= -6 else (-30.0, 0.15)
    assert got.caller_kept_db >= kept_db and got.caller_corr >= corr, got
    assert 0 <= take.delay_ms <= 300  # measured, and plausible for a 30 ms loopback


def _reply_starts(pcm: bytes, gate_level: float, manager_ends: int) -> list[int]:
    """Where the endpointer starts a reply, its echo gate held (as the loop does) while the manager talks."""
    from rehearsal.voice.endpoint import VadEndpointer

    vad = VadEndpointer(350)
    vad.set_far_end(gate_level)
    starts = []
    for i in range(0, len(pcm) - 640, 640):
        if i // 2 >= manager_ends and vad.in_speech is False and gate_level:
            vad.set_far_end(None)
            gate_level = 0.0
        if vad.feed(AudioChunk(pcm[i : i + 640], 0.0, 0.0)) == "speech_start":
            starts.append(i // 2)
    return starts


@pytest.mark.parametrize("level", [-6.0])
def test_only_the_caller_starts_a_reply_on_the_cleaned_signal(takes, speech, level, no_echo_left):
    """The endpointer, with the loop's echo gate, on the cleaned microphone: once the canceller has
    learnt the room (the first line), the manager's voice never starts a reply; the caller does,
    while the manager is still talking (barge-in). (During the first ~2 s at -6 dB it did once in
    ~13 takes, and at 0 dB the residue still starts replies: docs/echo.md, "What remains".)"""
    from rehearsal.media import rms

    take = takes[level]
    start = caller_at(take)
    manager_ends = start + int(1.2 * 16_000)
    gate = max(rms(line.pcm) for line in speech[0])
    starts = [at for at in _reply_starts(take.cleaned[128 * 2 :], gate, manager_ends) if at >= CONVERGED_S * 16_000]
    assert starts, "the caller was never heard"
    assert starts[0] >= start - FRAME, f"the manager's own voice started a reply at {starts[0] / 16000:.2f} s"
    assert starts[0] <= manager_ends, "the caller was not heard while the manager was talking"


def test_the_canceller_follows_a_delay_change(virtual_audio, speech, no_echo_left):
    pytest.importorskip("pywebrtc_audio") if not _require_voice() else None
    from rehearsal.voice.echo import WebRtcEchoCanceller

    lines, caller = speech
    canceller = WebRtcEchoCanceller()
    first = record(-6.0, lines, caller, canceller, latency_ms=30)
    short = canceller.delay_ms
    second = record(-6.0, lines, caller, canceller, latency_ms=200)
    # module-loopback settles near, not at, latency_msec, and drifts (13 ms seen between the live
    # estimate's window and the reference's): compare with an offline measurement, loosely
    # (32 ms apart seen once on a busy machine: 202 live, 170 offline)
    assert second.delay_ms == pytest.approx(final_delay_ms(second), abs=40)
    assert second.delay_ms - short > 80, (short, second.delay_ms)
    assert measure(first, after_s=CONVERGED_S).erle_db >= MIN_ERLE_DB
    followed = measure(second, after_s=CONVERGED_S).erle_db
    assert followed >= MIN_ERLE_DB  # re-measured within ~2 s, then cancelled
    frozen = WebRtcEchoCanceller(estimate_delay=False)
    frozen.set_delay_ms(short)
    stuck = measure(second, replay(second, frozen), after_s=CONVERGED_S).erle_db
    print(f"delay {short:.0f} -> {second.delay_ms:.0f} ms; ERLE followed {followed:.1f} dB, frozen {stuck:.1f} dB")


def test_the_echo_test_reports_the_level_and_advice(virtual_audio, no_echo_left):
    from rehearsal.voice.echo_check import Advice, measure_echo, remembered_delay_ms

    quiet = measure_echo(canceller=True)
    assert quiet.advice is Advice.NO_ECHO and quiet.level_db == float("-inf")
    with loopback(-13.0):
        mild = measure_echo(canceller=True)
    with loopback(0.0):
        loud = measure_echo(canceller=False)
    assert mild.level_db == pytest.approx(-13, abs=1.5) and mild.advice is Advice.CANCELLER_ENOUGH
    assert 0 <= mild.delay_ms <= 300
    assert loud.level_db == pytest.approx(0, abs=1.5) and loud.advice is Advice.HEADPHONES
    assert "headphones" in loud.message and "rehearsal[echo]" in loud.message
    assert remembered_delay_ms() == pytest.approx(loud.delay_ms)  # the next call's first guess


def test_the_echo_test_command(virtual_audio, no_echo_left):
    with loopback(-9.0):
        out = subprocess.run([sys.executable, "-m", "rehearsal", "devices", "--echo-test", "--json"],
                             capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    report = __import__("json").loads(out.stdout)
    assert report["echo_db"] == pytest.approx(-9, abs=1.5)
    assert report["advice"] == "canceller_enough" and report["canceller_installed"] is True
