"""Where a reply starts and ends: webrtcvad plus the energy gate, on synthetic and espeak speech."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from rehearsal.media import rms
from rehearsal.settings import Settings
from rehearsal.voice.endpoint import Activity, VadEndpointer, create_endpointer
from fakes import silence, tone
from rehearsal.voice.interfaces import AudioChunk

CHUNK = 640  # 20 ms


def run(endpointer: VadEndpointer, pcm: bytes, chunk_bytes: int = CHUNK) -> list[tuple[str, float]]:
    """Feed audio in chunks; return (event, seconds into the audio) pairs."""
    events = []
    for i in range(0, len(pcm), chunk_bytes):
        piece = pcm[i : i + chunk_bytes]
        event = endpointer.feed(AudioChunk(piece, 0.0, rms(piece)))
        if event:
            events.append((event, round((i + len(piece)) / 32000, 3)))
    return events


def test_speech_then_silence_starts_and_ends_after_the_trailing_silence():
    ep = VadEndpointer(500)
    events = run(ep, silence(0.5) + tone(1.0) + silence(1.0))
    assert [e for e, _ in events] == ["speech_start", "speech_end"]
    start, end = events[0][1], events[1][1]
    assert 0.5 < start <= 0.5 + 0.2  # a short run of voiced frames, not one
    assert end == pytest.approx(1.5 + 0.5, abs=0.06)
    assert not ep.in_speech


def test_chunk_size_does_not_matter():
    pcm = silence(0.3) + tone(0.8) + silence(0.8)
    assert [e for e, _ in run(VadEndpointer(400), pcm, 640)] == [e for e, _ in run(VadEndpointer(400), pcm, 2222)]


def test_a_pause_shorter_than_the_trailing_silence_does_not_end_the_reply():
    events = run(VadEndpointer(600), tone(0.8) + silence(0.4) + tone(0.8) + silence(1.0))
    assert [e for e, _ in events] == ["speech_start", "speech_end"]
    assert events[1][1] == pytest.approx(2.0 + 0.6, abs=0.06)


def test_clicks_hum_and_silence_are_not_speech():
    ep = VadEndpointer(400)
    click = tone(0.06) + silence(0.5)
    hum = tone(2.0, freq=300.0, amplitude=0.004)
    assert run(ep, silence(1.0) + click * 3 + hum) == []


def test_the_managers_echo_does_not_start_a_reply_but_the_caller_does():
    manager_level = rms(tone(1.0, amplitude=0.3))
    echo = tone(1.5, amplitude=0.3 * 0.2)  # laptop speakers: the manager about -14 dB down in the mic
    ep = VadEndpointer(400)
    ep.set_far_end(manager_level)
    assert run(ep, echo) == []
    # The caller, close to the mic, talks over the manager: that is a barge-in.
    assert [e for e, _ in run(ep, tone(0.5, amplitude=0.4))] == ["speech_start"]


def test_the_echo_guard_outlasts_playback_briefly_then_lifts():
    ep = VadEndpointer(400)
    ep.set_far_end(rms(tone(1.0, amplitude=0.3)))
    ep.set_far_end(None)
    assert run(ep, tone(0.2, amplitude=0.06)) == []  # the room still ringing
    assert [e for e, _ in run(ep, silence(0.3) + tone(0.5, amplitude=0.06))] == ["speech_start"]


def test_voice_activity_is_a_typed_state_apart_from_the_end_of_the_turn():
    ep = VadEndpointer(2000)
    run(ep, tone(0.8))
    assert ep.state.activity is Activity.SPEECH and ep.state.in_speech and ep.state.silence_ms == 0
    run(ep, silence(0.9))  # a thinking pause: silence, but the utterance is not over
    state = ep.state
    assert state.activity is Activity.SILENCE and state.in_speech
    assert state.silence_ms == pytest.approx(900, abs=40)


def test_quick_start_hears_a_caller_resuming_sooner_but_not_the_echo():
    slow, quick = VadEndpointer(400), VadEndpointer(400)
    quick.set_quick_start(True)
    start = lambda ep: next(t for e, t in run(ep, tone(0.5)) if e == "speech_start")  # noqa: E731
    assert start(quick) <= 0.04 < start(slow)  # 20 ms of voice in 10 ms frames, within one 20 ms chunk or two
    echo_guarded = VadEndpointer(400)
    echo_guarded.set_quick_start(True)
    echo_guarded.set_far_end(rms(tone(1.0, amplitude=0.3)))
    assert run(echo_guarded, tone(1.0, amplitude=0.3 * 0.2)) == []


def test_the_calls_voice_activity_ends_an_utterance_only_at_the_hard_cap():
    # Shorter pauses are the end-of-turn policy's to judge (conversation/turn_end.py).
    assert create_endpointer(Settings(turn_max_pause_ms=2200)).end_silence_ms == 2200


@pytest.mark.skipif(shutil.which("espeak-ng") is None or shutil.which("sox") is None, reason="needs espeak-ng and sox")
def test_real_speech_from_espeak(tmp_path):
    raw, wav = tmp_path / "r.wav", tmp_path / "r16.wav"
    subprocess.run(["espeak-ng", "-w", str(raw), "Thank you for taking my call. Could I ask for feedback?"], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(wav)], check=True)
    import wave

    with wave.open(str(wav)) as w:
        speech = w.readframes(w.getnframes())
    events = run(VadEndpointer(600), silence(0.5) + speech + silence(1.0))
    # One reply: the pause between the two sentences is shorter than 600 ms.
    assert [e for e, _ in events] == ["speech_start", "speech_end"]
    assert events[0][1] < 0.5 + 0.4
    assert events[1][1] == pytest.approx(0.5 + len(speech) / 32000 + 0.6, abs=0.45)
