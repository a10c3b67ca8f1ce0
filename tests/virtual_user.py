"""A caller on the far side of the virtual audio stack (see /work/shared/virtual-audio.md).

`VirtualCaller` speaks into the virtual microphone through `pacat` (a stream kept running,
written in real time, so the moment each reply ends is known on this process's clock) and
listens to the virtual speaker's monitor through `parec`, noting when each sound starts.
Used by tests/test_voice_e2e.py and benchmarks/bench_turn_gap.py.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import numpy as np

RATE = 16_000
BLOCK = 320  # 20 ms
LOUD = 300  # int16 amplitude that counts as sound on the speaker
QUIET_GAP_S = 0.25  # silence on the speaker this long separates two sounds


def speech_wav(text: str, path: Path, *, rate_wpm: int = 170, voice: str = "en-us") -> Path:
    """espeak-ng speech at 16 kHz mono, trimmed so the file ends where the voice ends."""
    raw = path.with_suffix(".22k.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate_wpm), "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(path), "reverse", "silence", "1",
                    "0.01", "0.5%", "reverse"], check=True)
    raw.unlink()
    return path


def wav_pcm(path: Path) -> bytes:
    import wave

    with wave.open(str(path), "rb") as w:
        assert w.getframerate() == RATE and w.getnchannels() == 1 and w.getsampwidth() == 2
        return w.readframes(w.getnframes())


class Ear:
    """Records a PulseAudio source with `parec` and notes when sounds start and stop.

    Times are this process's monotonic clock, taken when each 10 ms block is read and
    corrected by the sample's place in the block; two Ears share the same small bias.
    """

    def __init__(self, source: str) -> None:
        self._proc = subprocess.Popen(
            ["parec", "-d", source, f"--rate={RATE}", "--channels=1", "--format=s16le", "--latency-msec=10", "--raw"],
            stdout=subprocess.PIPE)
        self.heard = bytearray()
        self.onsets: list[float] = []
        self.offsets: list[float] = []
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        last_loud: float | None = None
        quiet = True
        while True:
            data = self._proc.stdout.read(BLOCK)  # 10 ms
            if not data:
                return
            now = time.monotonic()
            self.heard += data
            samples = np.abs(np.frombuffer(data, dtype="<i2"))
            loud = np.nonzero(samples > LOUD)[0]
            n = len(samples)
            if len(loud):
                if quiet:
                    self.onsets.append(now - (n - loud[0]) / RATE)
                    quiet = False
                last_loud = now - (n - 1 - loud[-1]) / RATE
            elif not quiet and last_loud is not None and now - last_loud >= QUIET_GAP_S:
                self.offsets.append(last_loud)
                quiet = True

    def wait_ready(self, timeout: float = 10.0) -> None:
        """Block until parec delivers sound: it starts late on a busy machine, and a sound played
        before it runs is never heard (a fixed sleep lost the first second of a line in CI)."""
        deadline = time.monotonic() + timeout
        while len(self.heard) < 10 * BLOCK and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.heard) >= 10 * BLOCK, f"parec recorded nothing in {timeout} s"

    def close(self) -> None:
        self._proc.terminate()
        try:
            self._proc.wait(2)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        self._thread.join(1)


class VirtualCaller:
    """Speaks into the virtual mic (a `pacat` stream kept running, fed in real time) and
    listens to both the mic and the speaker, so turn gaps are measured on one clock."""

    def __init__(self) -> None:
        self._mic = subprocess.Popen(
            ["pacat", "--playback", "--device=vmic_in", f"--rate={RATE}", "--channels=1", "--format=s16le",
             "--latency-msec=60", "--raw"], stdin=subprocess.PIPE)
        self.mic_ear = Ear("vmic_in.monitor")
        self.speaker_ear = Ear("vspeaker.monitor")
        self.mic_ear.wait_ready()
        self.speaker_ear.wait_ready()
        self._pending = bytearray()
        self._lock = threading.Lock()
        self._running = True
        self._thread = threading.Thread(target=self._speak_loop, daemon=True)
        self._thread.start()

    @property
    def heard(self) -> bytearray:
        """What the speaker played."""
        return self.speaker_ear.heard

    def say(self, pcm: bytes) -> None:
        with self._lock:
            self._pending += pcm
            self._pending += b"\0" * ((-len(pcm)) % (BLOCK * 2))

    def _speak_loop(self) -> None:
        start = time.monotonic()
        sent = 0
        while self._running:
            with self._lock:
                block = bytes(self._pending[: BLOCK * 2])
                del self._pending[: BLOCK * 2]
            try:
                self._mic.stdin.write(block or b"\0" * BLOCK * 2)
                self._mic.stdin.flush()
            except (BrokenPipeError, ValueError):
                return
            sent += 1
            time.sleep(max(0.0, start + sent * BLOCK / RATE - time.monotonic()))

    def turn_gaps(self) -> list[float]:
        """Seconds from the end of each reply to the manager's next sound.

        A reply ends where the mic falls quiet and the speaker, not the caller, sounds next
        (a pause inside a reply is followed by more of the caller).
        """
        gaps = []
        for end in self.mic_ear.offsets:
            speaker = next((t for t in self.speaker_ear.onsets if t > end), None)
            caller = next((t for t in self.mic_ear.onsets if t > end), None)
            if speaker is not None and (caller is None or speaker < caller):
                gaps.append(speaker - end)
        return gaps

    def close(self) -> None:
        self._running = False
        self._mic.terminate()
        try:
            self._mic.wait(2)
        except subprocess.TimeoutExpired:
            self._mic.kill()
        self._thread.join(1)
        self.mic_ear.close()
        self.speaker_ear.close()
