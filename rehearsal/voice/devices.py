"""Audio devices as PortAudio (through sounddevice) sees them, and choosing one by name or index."""

from __future__ import annotations

import ctypes
import logging
from dataclasses import dataclass
from typing import Literal

from rehearsal.voice.interfaces import VoiceUnavailable

log = logging.getLogger(__name__)

Kind = Literal["input", "output"]

NO_PORTAUDIO = ("The audio library PortAudio is missing: sudo apt-get install libportaudio2. "
                "Until then, type your replies (--typed).")
CHECK_AUDIO = ("Is PulseAudio or PipeWire running (try `pactl info`)? Is a microphone or headset plugged in? "
               "Is libportaudio2 installed?")
SEE_DEVICES = "`rehearsal devices` lists the devices found."


def sounddevice():
    """The sounddevice module; VoiceUnavailable when the PortAudio library is not installed."""
    try:
        import sounddevice as sd
    except OSError as exc:
        raise VoiceUnavailable(NO_PORTAUDIO) from exc
    _quiet_alsa()
    return sd


_ALSA_ERROR_HANDLER = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                                       ctypes.c_char_p)
_alsa_handler = None  # kept referenced: alsa-lib calls it for the life of the process


def _quiet_alsa() -> None:
    """alsa-lib prints underruns and device probes straight to stderr, over the TUI and
    --json output: send them to the log instead."""
    global _alsa_handler
    if _alsa_handler is not None:
        return
    try:
        asound = ctypes.cdll.LoadLibrary("libasound.so.2")
    except OSError:
        return  # not ALSA (macOS, Windows): nothing to quiet

    def handler(filename, line, function, err, fmt) -> None:
        log.debug("alsa: %s (%s)", (fmt or b"").decode(errors="replace"), (function or b"").decode(errors="replace"))

    _alsa_handler = _ALSA_ERROR_HANDLER(handler)
    asound.snd_lib_error_set_handler(_alsa_handler)


@dataclass(frozen=True, slots=True)
class Device:
    index: int
    name: str
    hostapi: str
    inputs: int
    outputs: int
    default_rate: float
    default_input: bool
    default_output: bool

    def channels(self, kind: Kind) -> int:
        return self.inputs if kind == "input" else self.outputs


def list_devices() -> list[Device]:
    sd = sounddevice()
    try:
        raw = sd.query_devices()
        apis = sd.query_hostapis()
    except sd.PortAudioError as exc:
        raise VoiceUnavailable(f"The audio system could not be queried ({exc}). {CHECK_AUDIO}") from exc
    default_in, default_out = _defaults(sd)
    return [
        Device(
            index=d["index"],
            name=d["name"],
            hostapi=apis[d["hostapi"]]["name"],
            inputs=d["max_input_channels"],
            outputs=d["max_output_channels"],
            default_rate=d["default_samplerate"],
            default_input=d["index"] == default_in,
            default_output=d["index"] == default_out,
        )
        for d in raw
    ]


def _defaults(sd) -> tuple[int, int]:
    device = sd.default.device
    try:
        return int(device[0]), int(device[1])
    except (TypeError, IndexError, ValueError):
        return -1, -1


def resolve(choice: str | int | None, kind: Kind) -> Device:
    """The device to open: `choice` is an index, a name (or a unique part of one), or None for the default."""
    devices = [d for d in list_devices() if d.channels(kind) > 0]
    noun = "microphone" if kind == "input" else "speaker"
    if not devices:
        fallback = "type your replies" if kind == "input" else "the manager's lines are shown as text"
        raise VoiceUnavailable(f"No {noun} was found. {CHECK_AUDIO} Until then, {fallback}.")
    if choice is None or choice == "":
        default = next((d for d in devices if (d.default_input if kind == "input" else d.default_output)), None)
        return default or devices[0]
    if isinstance(choice, int) or str(choice).strip().isdigit():
        index = int(choice)
        for device in devices:
            if device.index == index:
                return device
        raise VoiceUnavailable(f"There is no {noun} with index {index}. {_options(devices)}")
    wanted = str(choice).strip().lower()
    exact = [d for d in devices if d.name.lower() == wanted]
    if exact:
        return exact[0]
    partial = [d for d in devices if wanted in d.name.lower()]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise VoiceUnavailable(f"More than one {noun} matches {choice!r}; use its index. {_options(partial)}")
    raise VoiceUnavailable(f"No {noun} is called {choice!r}. {_options(devices)}")


def _options(devices: list[Device]) -> str:
    return "Choose one of: " + ", ".join(f"{d.index} ({d.name})" for d in devices) + "."
