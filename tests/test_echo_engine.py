"""The echo canceller's own logic on made-up echo (no sound server): timing, delay, fallbacks, advice."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from rehearsal.voice.echo import PassThrough, WebRtcEchoCanceller, _Stream, create_echo_canceller
from rehearsal.voice.echo_check import Advice, advise, analyse, sweep
from rehearsal.voice.interfaces import AudioChunk, VoiceUnavailable
from virtual_user import speech_wav, wav_pcm

RATE = 16_000
T0 = 1000.0  # any monotonic time


@pytest.fixture(scope="module")
def voices(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engine-speech")
    manager = wav_pcm(speech_wav("Thanks for calling back. We went with someone who had more experience, "
                                 "but your interview went well overall and the team liked you.",
                                 folder / "m.wav"))
    caller = wav_pcm(speech_wav("Thank you, could you tell me what I could improve?", folder / "c.wav",
                                voice="en-us+f3"))
    return np.frombuffer(manager, "<i2").astype(np.float64), np.frombuffer(caller, "<i2").astype(np.float64)


def _run(canceller, far: np.ndarray, near: np.ndarray, *, far_block: int = 256, near_block: int = 320,
         mic_lag_s: float = 0.0) -> np.ndarray:
    """Feed `far` (played from T0) and `near` (captured from T0) as the devices would, in time order;
    the microphone's stamps run `mic_lag_s` late (its callback comes after the capture)."""
    out = []
    f = 0
    for n in range(0, len(near) - near_block + 1, near_block):
        captured_at = T0 + (n + near_block) / RATE
        while f < len(far) and T0 + f / RATE <= captured_at + 0.03:  # the speaker runs ~30 ms ahead
            block = far[f : f + far_block]
            canceller.far_end(block.astype("<i2").tobytes(), T0 + f / RATE)
            f += far_block
        out.append(np.frombuffer(canceller.near_end(near[n : n + near_block].astype("<i2").tobytes(),
                                                    captured_at + mic_lag_s), "<i2"))
    return np.concatenate(out).astype(np.float64)


def _echo(far: np.ndarray, delay_s: float, gain: float) -> np.ndarray:
    d = int(delay_s * RATE)
    room = np.convolve(far, [1.0, 0.0, 0.35, 0.0, 0.0, -0.2, 0.1])[: len(far)]  # a little reverberation
    return gain * np.concatenate([np.zeros(d), room])[: len(far)]


def _power(x: np.ndarray) -> float:
    return float(np.mean(x * x)) + 1e-9


def test_linear_echo_is_cancelled_and_the_caller_kept(voices):
    manager, caller = voices
    far = np.concatenate([manager, manager, np.zeros(len(caller) + RATE)])
    echo = _echo(far, 0.045, 0.5)
    talk = np.zeros_like(far)
    talk[2 * len(manager) + RATE // 2 :][: len(caller)] = caller
    canceller = WebRtcEchoCanceller()
    out = _run(canceller, far, echo + talk)[canceller.latency_samples :]
    second = slice(len(manager), 2 * len(manager))  # after a line to learn the room
    assert 10 * np.log10(_power(echo[second]) / _power(out[second])) > 15
    assert canceller.delay_ms == pytest.approx(45, abs=2)
    alone = slice(2 * len(manager) + RATE // 2, 2 * len(manager) + RATE // 2 + len(caller))
    n = min(len(out), alone.stop) - alone.start
    assert np.corrcoef(out[alone][:n], talk[alone][:n])[0, 1] > 0.85  # 0.91: AEC3 high-passes the mic


def test_the_measured_delay_includes_what_the_clocks_do_not_know(voices):
    manager, _ = voices
    far = np.concatenate([manager, manager])
    canceller = WebRtcEchoCanceller()
    _run(canceller, far, _echo(far, 0.030, 0.5), mic_lag_s=0.020)  # the mic's stamps 20 ms late
    assert canceller.delay_ms == pytest.approx(50, abs=2)


def test_a_delay_change_is_followed(voices):
    manager, _ = voices
    canceller = WebRtcEchoCanceller()
    far = np.concatenate([manager] * 4)
    half = 2 * len(manager)
    # 0.7 s: beyond what AEC3 finds by itself (it cancels nothing there without the re-alignment)
    near = np.concatenate([_echo(far, 0.040, 0.5)[:half], _echo(far, 0.700, 0.5)[half:]])
    out = _run(canceller, far, near)[canceller.latency_samples :]
    assert canceller.delay_ms == pytest.approx(700, abs=3)
    last = slice(3 * len(manager), 4 * len(manager) - 200)
    assert 10 * np.log10(_power(near[last]) / _power(out[last])) > 10


def test_output_is_as_long_as_input_whatever_the_chunks():
    canceller = WebRtcEchoCanceller()
    t = T0
    for size in (100, 333, 160, 7, 1000, 320):
        t += size / RATE
        assert len(canceller.near_end(b"\1\0" * size, t)) == size * 2


def test_far_end_at_the_speakers_rate_is_resampled(voices):
    import soxr

    manager, _ = voices
    far22 = soxr.resample(np.concatenate([manager, manager]).astype(np.float32), RATE, 22_050)
    canceller = WebRtcEchoCanceller()
    far16 = np.concatenate([manager, manager])
    near = _echo(far16, 0.035, 0.5)
    for i in range(0, len(far22) - 512, 512):
        canceller.far_end(far22[i : i + 512].astype("<i2").tobytes(), T0 + i / 22_050, 22_050)
    for n in range(0, len(near) - 320, 320):
        canceller.near_end(near[n : n + 320].astype("<i2").tobytes(), T0 + (n + 320) / RATE)
    assert canceller.delay_ms == pytest.approx(35, abs=2)


def test_the_far_end_timeline_fills_gaps_and_restarts():
    stream = _Stream()
    stream.add(np.ones(160, np.float32), 10.0)
    stream.add(np.ones(160, np.float32))  # right after
    assert len(stream.samples) == 320
    stream.add(np.full(160, 2, np.float32), 10.5)  # placed by its stamp, silence between
    assert stream.window(10.5, 160).tolist() == [2.0] * 160
    assert not stream.window(10.3, 160).any()
    assert not stream.window(9.0, 160).any()  # before anything was played
    stream.add(np.full(160, 3, np.float32), 10.5)  # went back: overwrites
    assert stream.window(10.5, 160).tolist() == [3.0] * 160


def test_speaker_underruns_move_the_far_end_but_jitter_does_not(voices):
    """The speaker's stamps step when playback fell behind: the timeline follows the step (the
    echo comes that much later), while the microphone's late, jittery stamps are smoothed away."""
    manager, _ = voices
    far = np.concatenate([manager, manager])
    canceller = WebRtcEchoCanceller()
    slip_at, slip = len(manager), int(0.025 * RATE)  # a 25 ms underrun halfway
    played = np.concatenate([far[:slip_at], np.zeros(slip), far[slip_at:]])[: len(far)]
    near = _echo(played, 0.040, 0.5)
    rng = np.random.default_rng(3)
    for n in range(0, len(near) - 320, 320):
        captured_at = T0 + (n + 320) / RATE
        canceller.far_end(far[n : n + 320].astype("<i2").tobytes(), T0 + n / RATE + (0.025 if n >= slip_at else 0.0))
        late = float(rng.uniform(0, 0.03))  # the mic callback: 0-30 ms late, never early
        canceller.near_end(near[n : n + 320].astype("<i2").tobytes(), captured_at + late)
    assert canceller.delay_ms == pytest.approx(40, abs=3)
    assert canceller._far.window(T0 + slip_at / RATE + 0.005, 160).tolist() == [0.0] * 160


def test_pass_through_and_the_fallbacks(monkeypatch):
    off = create_echo_canceller("off")
    assert isinstance(off, PassThrough) and off.near_end(b"\1\2", 0.0) == b"\1\2" and off.delay_ms is None
    monkeypatch.setitem(sys.modules, "pywebrtc_audio", None)  # as if not installed
    told = []
    auto = create_echo_canceller("auto", warn=told.append)
    assert isinstance(auto, PassThrough)
    assert len(told) == 1 and "pip install 'rehearsal[echo]'" in told[0] and "Echo cancellation is off" in told[0]
    with pytest.raises(VoiceUnavailable, match="not installed"):
        create_echo_canceller("on")


def test_the_cancelled_microphone_cleans_and_forwards():
    from rehearsal.voice.echo_devices import EchoCancelledMicrophone
    from fakes import FakeMicrophone

    class Halve:
        delay_ms = None

        def far_end(self, pcm, played_at, rate=RATE):
            pass

        def near_end(self, pcm, captured_at):
            return (np.frombuffer(pcm, "<i2") // 2).astype("<i2").tobytes()

    fake = FakeMicrophone(speed=50)
    fake.say(np.full(1600, 8000, "<i2").tobytes())
    mic = EchoCancelledMicrophone(fake, Halve(), on_raw=(raw := []).append)
    mic.start()
    chunk = None
    while chunk is None:
        chunk = mic.read(0.5)
    assert isinstance(chunk, AudioChunk)
    assert chunk.level == pytest.approx(4000 / 32768, rel=0.01) and raw[0].level == pytest.approx(8000 / 32768, rel=0.01)
    fake.lose()
    assert mic.error == fake.error
    mic.stop()


@pytest.mark.parametrize("level_db, canceller, advice", [
    (-60, True, Advice.NO_ECHO), (-20, True, Advice.CANCELLER_ENOUGH), (-9, True, Advice.CANCELLER_ENOUGH),
    (-6, True, Advice.CANCELLER_ENOUGH), (0, True, Advice.LOWER_VOLUME), (3, True, Advice.LOWER_VOLUME),
    (8, True, Advice.HEADPHONES), (-60, False, Advice.NO_ECHO),
    (-20, False, Advice.LOWER_VOLUME), (-9, False, Advice.HEADPHONES),
])
def test_advice_follows_the_measured_limits(level_db, canceller, advice):
    assert advise(level_db, canceller) is advice


def test_the_sweep_is_found_with_its_level_and_delay():
    rng = np.random.default_rng(7)
    reference = sweep()
    recorded = rng.normal(0, 0.001, int(2.2 * RATE))
    at = int((0.4 + 0.055) * RATE)
    recorded[at : at + len(reference)] += 10 ** (-12 / 20) * reference
    level_db, delay = analyse(recorded, reference, 0.35)
    assert level_db == pytest.approx(-12, abs=0.5)
    assert delay + 0.35 == pytest.approx(0.455, abs=0.001)
    assert analyse(rng.normal(0, 0.001, int(2.2 * RATE)), reference, 0.35) == (float("-inf"), None)


def test_the_echo_level_follows_the_volume_going_down_within_a_second(voices):
    """The residual-echo check predicts the echo from its measured level: read only once a second
    over 1.5 s, it stayed too high for seconds after the volume went down, and a caller talking over
    the manager was silenced as echo (docs/echo.md, round 3)."""
    from rehearsal.voice.echo import Unprocessed

    manager, _ = voices
    far = np.concatenate([manager] * 2)
    drop = len(manager) + RATE // 2  # 0 dB, then -13 dB
    near = np.concatenate([_echo(far, 0.040, 1.0)[:drop], _echo(far, 0.040, 0.22)[drop:]])
    before, after = WebRtcEchoCanceller(Unprocessed()), WebRtcEchoCanceller(Unprocessed())
    _run(before, far, near[:drop])
    _run(after, far, near[: drop + RATE])
    def latest_db(c):
        return 20 * np.log10(c._estimator.latest_gain)

    assert latest_db(after) - latest_db(before) == pytest.approx(20 * np.log10(0.22), abs=1.5)  # the room adds ~2 dB
