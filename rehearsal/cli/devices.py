"""`rehearsal devices`: the microphones and speakers PortAudio can see."""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "devices",
        help="list microphones and speakers",
        description="List the audio input and output devices. Choose one with the input_device / output_device "
        "settings (by index or by name).",
    )
    p.add_argument("--json", action="store_true", help="print the devices as JSON")
    p.add_argument("--echo-test", action="store_true",
                   help="play a short sweep through the speaker and say how much of it the microphone hears")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rehearsal.voice.devices import CHECK_AUDIO, list_devices
    from rehearsal.voice.interfaces import VoiceUnavailable

    if args.echo_test:
        return _echo_test(args)
    try:
        found = list_devices()
    except VoiceUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.json:
        json.dump([_as_dict(d) for d in found], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0 if found else 1
    inputs = [d for d in found if d.inputs]
    outputs = [d for d in found if d.outputs]
    if not found:
        print(f"No audio devices were found. {CHECK_AUDIO}", file=sys.stderr)
        return 1
    _table("Microphones (input)", inputs, "input")
    print()
    _table("Speakers (output)", outputs, "output")
    if not inputs:
        print("\nNo microphone was found: replies can still be typed (--typed). " + CHECK_AUDIO)
    if not outputs:
        print("\nNo speaker was found: the manager's lines are shown as text. " + CHECK_AUDIO)
    return 0


def _table(title: str, devices, kind: str) -> None:
    print(title)
    if not devices:
        print("  (none)")
        return
    for d in devices:
        default = d.default_input if kind == "input" else d.default_output
        mark = "*" if default else " "
        channels = d.inputs if kind == "input" else d.outputs
        print(f" {mark}{d.index:>3}  {d.name}  [{d.hostapi}, {channels} ch, {d.default_rate:.0f} Hz]")
    if any(d.default_input if kind == "input" else d.default_output for d in devices):
        print("  (* = default)")


def _as_dict(d) -> dict:
    return {
        "index": d.index, "name": d.name, "hostapi": d.hostapi, "input_channels": d.inputs,
        "output_channels": d.outputs, "default_samplerate": d.default_rate,
        "default_input": d.default_input, "default_output": d.default_output,
    }


def _echo_test(args: argparse.Namespace) -> int:
    from rehearsal import settings
    from rehearsal.voice.echo_check import measure_echo
    from rehearsal.voice.interfaces import VoiceUnavailable

    try:
        report = measure_echo(settings.load())
    except VoiceUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.json:
        json.dump({"echo_db": None if report.level_db == float("-inf") else round(report.level_db, 1),
                   "delay_ms": None if report.delay_ms is None else round(report.delay_ms, 1),
                   "advice": report.advice.value, "canceller_installed": report.canceller,
                   "message": report.message}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(report.message)
    return 0
