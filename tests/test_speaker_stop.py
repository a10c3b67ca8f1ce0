"""Stopping the manager drops what the device still holds of the line, so they fall silent at once.

A fake PortAudio module stands in for the device here; the virtual audio stack plays the
same path for real in tests/test_voice_speaker_mic.py, and how fast the manager falls silent
after a caller goes on is a benchmark figure (benchmarks/bench_turn_taking.py, "sound drains").
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from rehearsal.voice import speaker as speaker_module
from rehearsal.voice.interfaces import Audio


class PortAudioError(Exception):
    pass


class FakeStream:
    """Records what the speaker asks of the device; `fail_start` makes the next start() fail."""

    opened: list[FakeStream] = []

    def __init__(self, *, samplerate, callback, **_):
        self.samplerate, self.callback, self.calls, self.active, self.fail_start = samplerate, callback, [], False, False
        FakeStream.opened.append(self)

    def start(self):
        self.calls.append("start")
        if self.fail_start:
            self.fail_start = False
            raise PortAudioError("Unanticipated host error")
        self.active = True

    def abort(self):
        self.calls.append("abort")
        self.active = False

    def close(self, ignore_errors=False):
        self.calls.append("close")
        self.active = False

    def block(self, frames: int = 256) -> bytes:
        """One audio callback: what the device would play next."""
        out = bytearray(frames * 2)
        self.callback(out, frames, SimpleNamespace(outputBufferDacTime=1.03, currentTime=1.0), None)
        return bytes(out)


@pytest.fixture
def speaker(monkeypatch):
    FakeStream.opened = []
    fake_sd = SimpleNamespace(RawOutputStream=FakeStream, PortAudioError=PortAudioError)
    monkeypatch.setattr(speaker_module.devices, "sounddevice", lambda: fake_sd)
    made = speaker_module.SoundDeviceSpeaker()
    yield made
    made.close()


def line(seconds: float = 1.0) -> Audio:
    return Audio(b"\x10\x00" * int(speaker_module.STREAM_RATE * seconds), speaker_module.STREAM_RATE)


def test_stopping_a_line_drops_the_buffered_audio_and_keeps_the_stream_running(speaker):
    stream = FakeStream.opened[0]
    playback = speaker.play(line())
    assert stream.block() != bytes(512)
    playback.stop()
    assert stream.calls[-2:] == ["abort", "start"] and stream.active
    assert stream.block() == bytes(512), "a stopped line must not be played on"
    follow = speaker.play(line())
    assert stream.block() != bytes(512) and not follow.done


def test_a_line_that_played_to_its_end_or_was_replaced_is_not_flushed(speaker):
    stream = FakeStream.opened[0]
    first = speaker.play(line(0.01))
    stream.block(frames=1024)  # the whole line handed to the device: its tail is still to be heard
    first.stop()
    second = speaker.play(line())
    third = speaker.play(line())  # the next line follows on: nothing to drop
    assert second.done and not third.done
    assert stream.calls == ["start"]


def test_stopping_twice_flushes_once(speaker):
    stream = FakeStream.opened[0]
    playback = speaker.play(line())
    playback.stop()
    playback.stop()
    assert stream.calls.count("abort") == 1


def test_a_device_that_will_not_restart_is_opened_again(speaker):
    first = FakeStream.opened[0]
    playback = speaker.play(line())
    first.fail_start = True
    playback.stop()
    assert "close" in first.calls and len(FakeStream.opened) == 2
    again = FakeStream.opened[1]
    assert again.active
    speaker.play(line())
    assert again.block() != bytes(512)
