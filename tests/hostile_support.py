"""Builders for hostile inputs (issue 12): scenario text, WAV bytes, bundles and model zips.

Shared by the regression tests (test_hostile_*.py), the fuzz suite (test_fuzz_*.py) and
benchmarks/bench_hostile.py, so every family is attacked with the same shapes.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from pathlib import Path

SCENARIO = """\
id: hostile
title: Hostile
description: A scenario for hostile-input tests.
situation: You call back after a rejection.
persona: {name: Sam, role: Manager}
rubric:
  weights: {tone: 1.0}
  target: 70
start: hello
turns:
  hello:
    say: "Hello, this is Sam."
    expects: [gratitude]
    next:
      - goto: bye
  bye:
    say: "Goodbye."
    end: true
"""

MANIFEST = {
    "format_version": 1, "learner": "Ana", "app_version": "0.1.0", "created_at": "2026-01-01T00:00:00+00:00",
    "scenario": {"id": "follow-up", "title": "Follow-up", "hash": "abc"}, "rubric": {"target": 70, "attempts": 3},
}
ATTEMPT = {
    "session": {"id": "s1", "started_at": "2026-01-01T10:00:00+00:00", "status": "completed", "score": 80.0},
    "dimensions": {"gratitude": 100.0},
    "turns": [{"turn_id": "hello", "manager_text": "Hi", "reply": "Thanks", "score": 80.0, "parts": {"gratitude": 1.0}}],
}
MODEL_FILES = {"am/final.mdl": b"acoustic", "conf/mfcc.conf": b"--sample-frequency=16000\n", "graph/Gr.fst": b"g" * 1000}


def scenario_with(old: str, new: str) -> str:
    assert old in SCENARIO, old
    return SCENARIO.replace(old, new, 1)


def cycle_scenario(n: int, *, missing: bool = False) -> str:
    """n turns in a ring that never reaches the end turn, or n turns that go to missing turns."""
    head = SCENARIO.split("start:")[0] + "start: t0\nturns:\n"
    goto = (lambda i: f"m{i}") if missing else (lambda i: f"t{(i + 1) % n}")
    body = "".join(f"  t{i}:\n    say: hi\n    next: [{{goto: {goto(i)}}}]\n" for i in range(n))
    return head + body + "  e:\n    say: bye\n    end: true\n"


def wav(kind: int = 1, channels: int = 1, rate: int = 16000, bits: int = 16, body: bytes = b"\0\0" * 1600) -> bytes:
    """A RIFF/WAVE file with the given header fields (which may lie) and sample bytes."""
    return wav_header(kind, channels, rate, bits, len(body)) + body


def wav_header(kind: int, channels: int, rate: int, bits: int, body_len: int) -> bytes:
    fmt = struct.pack("<HHIIHH", kind, channels & 0xFFFF, rate & 0xFFFFFFFF, (rate * channels * bits // 8) & 0xFFFFFFFF,
                      (channels * bits // 8) & 0xFFFF, bits)
    chunks = b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", body_len & 0xFFFFFFFF)
    return b"RIFF" + struct.pack("<I", (4 + len(chunks) + body_len) & 0xFFFFFFFF) + b"WAVE" + chunks


def bundle_members(manifest: dict | None = None, attempt: dict | None = None) -> dict[str, str]:
    results = {"format_version": 1, "attempts": [attempt or ATTEMPT]}
    return {"manifest.json": json.dumps(manifest or MANIFEST), "results.json": json.dumps(results)}


def zip_bytes(members: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def corrupt_member(data: bytes, name: str) -> bytes:
    """The zip with the compressed bytes of `name` overwritten (its headers left intact)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    out = bytearray(data)
    header = info.header_offset
    name_len, extra_len = struct.unpack_from("<HH", out, header + 26)
    start = header + 30 + name_len + extra_len
    for i in range(start, start + info.compress_size):
        out[i] = 0xFF
    return bytes(out)


def set_header_field(data: bytes, field: str, value: int) -> bytes:
    """Set the version needed ('version'), flags ('flags') or compression method ('method') of every entry."""
    out = bytearray(data)
    offsets = {"version": (4, 6), "flags": (6, 8), "method": (8, 10)}[field]
    for sig, local_at in ((b"PK\x03\x04", offsets[0]), (b"PK\x01\x02", offsets[1])):
        at = out.find(sig)
        while at >= 0:
            out[at + local_at : at + local_at + 2] = value.to_bytes(2, "little")
            at = out.find(sig, at + 4)
    return bytes(out)


def model_zip(extra: dict[str, bytes] | None = None, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    files = {f"vosk-model-test/{k}": v for k, v in MODEL_FILES.items()}
    return zip_bytes({**files, **(extra or {})}, compression)


# ---------------------------------------------------------------- seeded mutators (benchmarks)

TOKENS = [":", ": ", "- ", "[", "]", "{", "}", '"', "'", "&a ", "*a", "!!int ", "!!python/object:os.system ",
          "\t", "\n", "  ", ".inf", "1e400", "017", "1:30", "0b101", "yes", "~", "\\e", "\\ud800", "\x1b",
          "\x00", "\u202e", "9" * 40, "---\n", "#", "<<: ", "\\n", "\U0001f600", "\r", "\ufeff"]


def mutate_text(rng, text: str, rounds: int = 4) -> str:
    """`text` with a few random insertions, deletions and duplicated lines (rng: random.Random)."""
    for _ in range(rng.randint(1, rounds)):
        at = rng.randint(0, len(text))
        op = rng.choice(("insert", "delete", "duplicate"))
        if op == "insert":
            text = text[:at] + rng.choice(TOKENS) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + rng.randint(1, 40) :]
        else:
            lo = text.rfind("\n", 0, at) + 1
            hi = text.find("\n", at) + 1 or len(text)
            text = text[:hi] + text[lo:hi] + text[hi:]
    return text


def mutate_bytes(rng, data: bytes, flips: int = 8) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, flips)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    if rng.random() < 0.3:
        out = out[: rng.randint(0, len(out))]
    return bytes(out)
