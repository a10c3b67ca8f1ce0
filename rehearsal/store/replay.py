"""Replaying a past call: each manager line and reply in order, through a speaker if there is one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from rehearsal.store import wavfile
from rehearsal.store.bundle import Bundle
from rehearsal.call.turn import TurnRecord
from rehearsal.store.models import SessionDetail
from rehearsal.voice.interfaces import Audio, Speaker


class AudioSource(Protocol):
    def audio(self, turn: TurnRecord, role: str) -> Audio | None:
        """The recording of a turn's manager line (role "manager") or reply ("reply"), if kept."""
        ...

    def has(self, turn: TurnRecord, role: str) -> bool:
        """Whether a recording exists, without reading it."""
        ...

    def closing(self) -> Audio | None: ...


class StoredAudio:
    """Recordings from the local store (WAV files beside the database)."""

    def __init__(self, detail: SessionDetail) -> None:
        self.detail = detail

    def audio(self, turn: TurnRecord, role: str) -> Audio | None:
        return _read(self.detail.recording(turn, role))

    def has(self, turn: TurnRecord, role: str) -> bool:
        return self.detail.recording(turn, role) is not None

    def closing(self) -> Audio | None:
        return _read(self.detail.closing_audio)


class BundleAudio:
    """Recordings inside a results bundle, read from the zip into memory."""

    def __init__(self, bundle: Bundle, attempt: int) -> None:
        self.bundle = bundle
        self.attempt = attempt

    def audio(self, turn: TurnRecord, role: str) -> Audio | None:
        name = self.bundle.audio_name(self.attempt, turn.index, role)
        return self.bundle.read_audio(name) if name else None

    def has(self, turn: TurnRecord, role: str) -> bool:
        return self.bundle.audio_name(self.attempt, turn.index, role) is not None

    def closing(self) -> Audio | None:
        name = self.bundle.closing_audio_name(self.attempt)
        return self.bundle.read_audio(name) if name else None


def _read(path) -> Audio | None:
    if path is None:
        return None
    try:
        return wavfile.read(path)
    except (OSError, ValueError):
        return None


def replay(
    detail: SessionDetail,
    source: AudioSource,
    speaker: Speaker | None,
    say: Callable[[str], None] = print,
    manager_name: str = "Manager",
) -> int:
    """Print the transcript as it goes, playing each recording in order. Returns how many played."""
    played = 0
    for turn in detail.turns:
        for role, who, text in (("manager", manager_name, turn.manager_text), ("reply", "You", turn.reply or "(no reply)")):
            say(f"{who}: {text}")
            played += _play(speaker, source.audio(turn, role))
        say(f"   ({turn.cue})")
    if detail.closing_line:
        say(f"{manager_name}: {detail.closing_line}")
        played += _play(speaker, source.closing())
    return played


def _play(speaker: Speaker | None, audio: Audio | None) -> int:
    if speaker is None or audio is None:
        return 0
    playback = speaker.play(audio)
    # Generous: a line never runs more than a few seconds past its length.
    playback.wait(timeout=audio.seconds + 10)
    return 1
