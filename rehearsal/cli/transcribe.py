"""`rehearsal transcribe FILE.wav`: recognise a recording offline and print what was said."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser(
        "transcribe",
        help="transcribe a WAV file with the installed speech model",
        description="Transcribe a WAV file (any sample rate, mono or stereo, 8/16/24/32-bit) offline.",
    )
    p.add_argument("file", type=Path, metavar="FILE.wav")
    p.add_argument("--json", action="store_true", help="print words with timings and confidence as JSON")
    p.add_argument("--model", type=Path, metavar="PATH", help="Vosk or Whisper model folder (default: the installed one)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rehearsal.judging.delivery import measure
    from rehearsal.voice.audio_file import AudioFileError, load_for_recognition
    from rehearsal.voice.interfaces import VoiceUnavailable
    from rehearsal.voice.engine_choice import choose_engine
    from rehearsal.voice.recognizer import load_recognizer, transcribe_audio

    from rehearsal.printable import printable

    try:
        audio = load_for_recognition(args.file)
    except AudioFileError as exc:
        print(printable(f"rehearsal transcribe: {exc}", one_line=True), file=sys.stderr)
        return 1
    try:
        from rehearsal import settings

        engine, path = choose_engine(settings.load(), args.model)  # Vosk or Whisper, as the settings say
        if engine == "whisper":
            from rehearsal.voice.whisper import load_whisper

            recognizer = load_whisper(path, partials=False)
        else:
            # One recording: a spare session warming in the background would only compete for CPU.
            recognizer = load_recognizer(path, prewarm=False)
    except VoiceUnavailable as exc:
        print(f"rehearsal transcribe: {exc}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    transcript = transcribe_audio(recognizer, audio.pcm)
    took = time.perf_counter() - started
    if not args.json:
        print(transcript.text if transcript.text else "(no speech recognised)")
        return 0
    delivery = measure(transcript.words, audio_seconds=audio.seconds)
    report = {
        "file": str(args.file),
        "model": recognizer.name,
        "text": transcript.text,
        "words": [{"text": w.text, "start": w.start, "end": w.end, "conf": w.conf} for w in transcript.words],
        "duration_s": round(audio.seconds, 3),
        "model_load_s": round(recognizer.load_seconds, 3),
        "processing_s": round(took, 3),
        "real_time_factor": round(took / audio.seconds, 3) if audio.seconds else None,
        "delivery": delivery.to_dict(),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0
