"""Microphone, speaker and device choice through PortAudio and the virtual audio stack."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from rehearsal.settings import Settings
from rehearsal.voice.interfaces import Audio, VoiceUnavailable
from virtual_user import Ear, speech_wav, wav_pcm

pytestmark = pytest.mark.audio


@pytest.fixture(scope="module")
def reply_wav(tmp_path_factory) -> Path:
    return speech_wav("Thank you for taking my call today.", tmp_path_factory.mktemp("speech") / "reply.wav")


@pytest.fixture(scope="module")
def reply_pcm(reply_wav) -> bytes:
    return wav_pcm(reply_wav)


def pieces_heard(recorded: bytes, reference: bytes, piece_s: float = 0.25, min_corr: float = 0.85) -> float:
    """Share of the reference's voiced quarter-seconds found in `recorded`, each aligned on its own.

    A busy machine makes PulseAudio drop or insert a few milliseconds; one alignment of the whole
    line then fails although every word was played. Piece by piece, a silent, garbled or truncated
    voice still fails.
    """
    ref = np.frombuffer(reference, dtype="<i2")
    step = int(16_000 * piece_s)
    voiced = [ref[i : i + step] for i in range(0, len(ref) - step + 1, step) if np.abs(ref[i : i + step]).max() > 1000]
    found = 0
    for piece in voiced:
        segment = align(recorded, piece.tobytes())
        found += len(segment) == len(piece) and np.corrcoef(segment, piece.astype(np.float64))[0, 1] > min_corr
    return found / max(len(voiced), 1)


def say_into_mic(wav: Path) -> subprocess.Popen:
    return subprocess.Popen(["paplay", "--device=vmic_in", str(wav)])


def align(recorded: bytes, reference: bytes) -> np.ndarray:
    """The part of `recorded` that lines up best with `reference` (cross-correlation)."""
    g = np.frombuffer(recorded, dtype="<i2").astype(np.float64)
    r = np.frombuffer(reference, dtype="<i2").astype(np.float64)
    n = len(g) + len(r)
    corr = np.fft.irfft(np.fft.rfft(g, n) * np.conj(np.fft.rfft(r, n)), n)
    lag = int(np.argmax(corr[: len(g)]))
    return g[lag : lag + len(r)]


def capture(mic, seconds: float) -> bytes:
    got = bytearray()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        chunk = mic.read(0.1)
        if chunk is not None:
            got += chunk.pcm
    return bytes(got)


def test_microphone_hears_the_virtual_mic_bit_for_bit(virtual_audio, reply_wav, reply_pcm):
    from rehearsal.voice.microphone import create_microphone

    mic = create_microphone(Settings())
    try:
        mic.start()
        assert mic.rate == 16_000
        capture(mic, 0.3)
        player = say_into_mic(reply_wav)
        got = capture(mic, len(reply_pcm) / 32000 + 0.8)
        player.wait(5)
    finally:
        mic.stop()
    segment = align(got, reply_pcm)
    reference = np.frombuffer(reply_pcm, dtype="<i2")
    assert len(segment) == len(reference)
    assert np.mean(segment == reference) > 0.99  # bit for bit (another test's sound could slip in)
    assert mic.error is None


def test_microphone_resamples_a_device_that_will_not_run_at_16khz(virtual_audio, reply_wav, reply_pcm):
    from rehearsal.voice.microphone import SoundDeviceMicrophone

    mic = SoundDeviceMicrophone(rate=48_000)
    try:
        mic.start()
        assert mic.rate == 48_000
        capture(mic, 0.3)
        player = say_into_mic(reply_wav)
        chunks = []
        deadline = time.monotonic() + len(reply_pcm) / 32000 + 0.8
        while time.monotonic() < deadline:
            chunk = mic.read(0.1)
            if chunk is not None:
                chunks.append(chunk)
        player.wait(5)
    finally:
        mic.stop()
    got = b"".join(c.pcm for c in chunks)
    assert len(got) / 32000 == pytest.approx(len(reply_pcm) / 32000 + 0.8, abs=0.3)  # 16 kHz out
    segment = align(got, reply_pcm)
    reference = np.frombuffer(reply_pcm, dtype="<i2").astype(np.float64)
    assert np.corrcoef(segment, reference)[0, 1] > 0.98
    assert max(c.level for c in chunks) > 0.05


def test_a_lost_microphone_says_so(virtual_audio):
    from rehearsal.voice.microphone import create_microphone

    mic = create_microphone(Settings())
    mic.start()
    assert capture(mic, 0.2)
    mic._stream.abort()  # what PortAudio does when the device goes away
    deadline = time.monotonic() + 3
    while mic.error is None and time.monotonic() < deadline:
        mic.read(0.1)
    mic.stop()
    assert mic.error and "microphone stopped working" in mic.error and "Type your replies" in mic.error


def test_speaker_plays_into_the_virtual_speaker_and_stops_on_demand(virtual_audio, reply_pcm):
    from rehearsal.voice.speaker import create_speaker

    speaker = create_speaker(Settings())
    caller = Ear("vspeaker.monitor")
    audio = Audio(reply_pcm, 16_000)
    try:
        caller.wait_ready()
        t0 = time.monotonic()
        playback = speaker.play(audio)
        assert playback.wait(audio.seconds + 2)
        # Timestamps are the sound's, not the call's: start after play(), span about the line's length.
        # (How fast it starts is a benchmark figure, bench_turn_gap.py; a busy CI machine must not fail here.)
        assert 0 <= playback.started_at - t0 < 1.5
        assert playback.ended_at - playback.started_at == pytest.approx(audio.seconds, abs=0.5)
        time.sleep(0.4)
        heard_full = bytes(caller.heard)
        caller.heard.clear()
        playback = speaker.play(audio)
        time.sleep(0.5)
        playback.stop()
        stopped_at = time.monotonic()
        assert playback.done and playback.wait(0)
        time.sleep(0.6)
        heard_cut = bytes(caller.heard)
        caller.heard.clear()
        # The stop dropped what the device held (the stream was aborted and started again):
        # the next line still plays whole.
        playback = speaker.play(audio)
        assert playback.wait(audio.seconds + 2)
        time.sleep(0.4)
        heard_after = bytes(caller.heard)
    finally:
        speaker.close()
        caller.close()
    # The manager's voice reached the speaker (resampled 16k -> 22.05k -> 16k: not bit-exact).
    assert pieces_heard(heard_full, reply_pcm) >= 0.7
    # After stop() the speaker goes quiet well before the line's end: about 0.5 s of it was heard
    # (measured from its first loud sample, so a late start on a busy machine does not count).
    loud = np.nonzero(np.abs(np.frombuffer(heard_cut, dtype="<i2")) > 300)[0]
    assert audio.seconds > 2.0
    assert len(loud) and (loud[-1] - loud[0]) / 16000 < 0.5 + 0.6
    assert stopped_at - t0 < audio.seconds + 2
    assert pieces_heard(heard_after, reply_pcm) >= 0.7


def test_devices_are_chosen_by_index_or_name_with_clear_errors(virtual_audio):
    from rehearsal.voice.devices import list_devices, resolve

    devices = list_devices()
    assert any(d.default_input for d in devices) and any(d.default_output for d in devices)
    pulse = next(d for d in devices if d.name == "pulse")
    assert resolve(pulse.index, "input") == pulse
    assert resolve(str(pulse.index), "output") == pulse
    assert resolve("PULSE", "input") == pulse
    with pytest.raises(VoiceUnavailable, match=r"No microphone is called 'headset'.*Choose one of: .*pulse"):
        resolve("headset", "input")
    with pytest.raises(VoiceUnavailable, match="no speaker with index 99"):
        resolve(99, "output")


def test_a_microphone_setting_that_matches_nothing_is_explained(virtual_audio):
    from rehearsal.voice.microphone import create_microphone

    with pytest.raises(VoiceUnavailable, match="No microphone is called 'USB mic'"):
        create_microphone(Settings(input_device="USB mic"))


def _rehearsal(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rehearsal", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})


def test_devices_command_lists_inputs_and_outputs(virtual_audio):
    out = _rehearsal("devices")
    assert out.returncode == 0, out.stderr
    assert "Microphones (input)" in out.stdout and "Speakers (output)" in out.stdout
    assert "pulse" in out.stdout and "* = default" in out.stdout
    out = _rehearsal("devices", "--json")
    assert {d["name"] for d in __import__("json").loads(out.stdout)} >= {"pulse", "default"}


def test_devices_command_without_portaudio_says_what_to_install(tmp_path):
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "sounddevice.py").write_text('raise OSError("PortAudio library not found")\n')
    out = _rehearsal("devices", env={"PYTHONPATH": str(fake)})
    assert out.returncode == 1
    assert "sudo apt-get install libportaudio2" in out.stderr
    assert "Traceback" not in out.stderr


def test_devices_command_with_no_sound_server_says_what_to_check(tmp_path):
    out = _rehearsal("devices", env={"PULSE_SERVER": f"unix:{tmp_path}/nothing-here"})
    assert "Traceback" not in out.stderr
    if out.returncode == 1:  # this machine: no sound card, so no server means no devices
        assert "No audio devices were found. Is PulseAudio or PipeWire running" in out.stderr
    else:  # a machine with a sound card still lists its ALSA devices
        assert "Microphones (input)" in out.stdout


def test_sounddevice_is_not_imported_until_a_device_is_needed():
    code = "import sys, rehearsal.conversation.loop, rehearsal.voice.speaker, rehearsal.cli.devices; print('sounddevice' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
