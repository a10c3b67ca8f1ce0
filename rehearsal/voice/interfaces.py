"""The small interfaces every speech engine implements; real engines and test fakes alike.

The media types they exchange (Audio, AudioChunk, Transcript, Word) live in `rehearsal.media`
and are re-exported here, so an engine needs only this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from rehearsal.media import SAMPLE_RATE, Audio, AudioChunk, Transcript, Word

__all__ = [
    "SAMPLE_RATE", "Audio", "AudioChunk", "Endpointer", "Microphone", "Playback",
    "RecognitionSession", "Recognizer", "Speaker", "Synthesizer", "Transcript", "VoiceSpec",
    "VoiceUnavailable", "Word",
]


class VoiceUnavailable(RuntimeError):
    """A speech engine cannot run here. The message tells a person what to do about it."""


@dataclass(frozen=True, slots=True)
class VoiceSpec:
    """What voice to speak with: the persona's hints merged with the user's settings."""

    voice: str | None = None
    rate: int | None = None
    pitch: int | None = None


class Synthesizer(Protocol):
    def render(self, text: str, spec: VoiceSpec) -> Audio:
        """Synthesise `text` to audio without playing it. Thread-safe."""
        ...

    # Optional, for engines that render a line in parts (rehearsal.voice.rendering): the line's
    # audio is its parts' one after another, so the first can play while the rest render.
    # An engine without them is rendered and played as one part.
    #   parts(text) -> list[str]                                the parts, in order (its sentences)
    #   render_part(text, spec, index) -> Audio                 part `index` of the line `text`

    def close(self) -> None: ...


class Playback(Protocol):
    def stop(self) -> None:
        """Stop now (barge-in, skip). Safe to call twice or after the end."""
        ...

    def wait(self, timeout: float | None = None) -> bool:
        """Block until playback ends; True if it ended."""
        ...

    @property
    def done(self) -> bool: ...

    @property
    def started_at(self) -> float | None:
        """time.monotonic() when the first sample reached the device."""
        ...

    @property
    def ended_at(self) -> float | None: ...


class Speaker(Protocol):
    def play(self, audio: Audio) -> Playback: ...

    def close(self) -> None: ...


class Microphone(Protocol):
    """Captures audio. The stream callback only queues; consumers pull with `read`."""

    def start(self) -> None: ...

    def read(self, timeout: float) -> AudioChunk | None:
        """Next chunk, or None after `timeout` seconds with nothing."""
        ...

    def stop(self) -> None: ...

    @property
    def error(self) -> str | None:
        """Set when the device failed (unplugged, lost); a sentence for a person."""
        ...


@runtime_checkable
class RecognitionSession(Protocol):
    """One reply being recognised, fed as it is spoken."""

    def accept_audio(self, pcm: bytes) -> bool:
        """Feed int16 mono audio at SAMPLE_RATE. True when the partial text changed."""
        ...

    def partial(self) -> str: ...

    def finish(self) -> Transcript:
        """Flush and return the final transcript with word timings (relative to the session start)."""
        ...


class Recognizer(Protocol):
    def session(self) -> RecognitionSession: ...

    @property
    def name(self) -> str: ...


class Endpointer(Protocol):
    """Decides when a reply starts and ends from the audio alone (voice activity)."""

    def feed(self, chunk: AudioChunk) -> str | None:
        """Returns "speech_start", "speech_end" or None."""
        ...

    def reset(self) -> None: ...

    @property
    def in_speech(self) -> bool: ...
