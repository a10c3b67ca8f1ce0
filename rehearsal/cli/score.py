"""`rehearsal score`: judge one reply, or a whole transcript file as JSON lines.

    rehearsal score "Thanks for your time. What could I have done differently?"
    rehearsal score --jsonl < replies.jsonl > verdicts.jsonl

In --jsonl mode each input line is `{"id": ..., "text": "..."}` and each output line is the
verdict for it, in order. A line that is not JSON, not an object, or has no string "text" gets
`{"id": null, "error": "...", "line": N}` instead; the rest go on and the exit code is 1.
A blank line gets an error record too, so output pairs with input by position. An empty or
whitespace-only "text" is judged as silence. Evidence spans are character offsets into "text".

Input is read as UTF-8 bytes whatever the locale (a BOM at the start is dropped; a line that is
not UTF-8 gets an error record), and output is always UTF-8 JSON: a lone surrogate in an id is
written as its JSON escape. Limits (docs/limits.md): a line longer than MAX_LINE_BYTES gets an
error record; a reply longer than MAX_REPLY_CHARS is judged on its first MAX_REPLY_CHARS
characters and its record says `"truncated": true`.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import re
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from rehearsal.printable import printable
from rehearsal.untrusted import UntrustedInput, loads_json

if TYPE_CHECKING:
    from rehearsal.judging.verdict import Detection, Evidence, Verdict

_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MAX_LINE_BYTES = 1024 * 1024
MAX_REPLY_CHARS = 20_000  # about 25 minutes of speech; no reply to a manager is longer


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help="judge one reply (or JSON lines from stdin) for gratitude, feedback request and tone",
        description="Judge a reply the way a practice call does: gratitude, feedback request, tone, "
        "and keeping the door open, each with the words that earned it.",
    )
    p.add_argument("text", nargs="?", help="the reply to judge (quote it)")
    p.add_argument(
        "--jsonl",
        action="store_true",
        help='read lines {"id": ..., "text": "..."} from stdin and write one JSON verdict per line',
    )
    p.add_argument("--json", action="store_true", help="print the verdict for TEXT as JSON")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from rehearsal.judging.judge import Judge

    judge = Judge()
    if args.jsonl:
        if args.text is not None:
            print("rehearsal score: give either TEXT or --jsonl (which reads stdin), not both.", file=sys.stderr)
            return 2
        return score_lines(judge, getattr(sys.stdin, "buffer", sys.stdin), getattr(sys.stdout, "buffer", sys.stdout))
    if args.text is None:
        print(
            'rehearsal score: give the reply to judge, e.g. rehearsal score "Thanks for your time", '
            "or pipe JSON lines into rehearsal score --jsonl.",
            file=sys.stderr,
        )
        return 2
    text = _clean(args.text)
    verdict = judge.judge(text[:MAX_REPLY_CHARS])
    if args.json:
        record = verdict.to_dict()  # the one shape stored turns and bundles hold too
        if len(text) > MAX_REPLY_CHARS:
            record["truncated"] = True
        _write(getattr(sys.stdout, "buffer", sys.stdout), record)
    else:
        print(printable(readable(verdict)))
    return 0


def score_lines(judge, lines: IO, out: IO) -> int:
    """Judge each JSON line of `lines` (bytes or text) and write one JSON line per input line."""
    failed = False
    # One output line per input line, in order, so results can be paired by position:
    # a blank line is answered with an error too.
    for number, line, error in _read_lines(lines):
        item: dict = {}
        if error is None:
            item, error = _parse(line) if line.strip() else ({}, 'empty line; write {"id": ..., "text": "..."}')
        if error is None:
            try:
                record = {"id": item.get("id"), **_judged(judge, item["text"], _context(item))}
            except Exception as exc:  # noqa: BLE001 - one bad line must not lose the lines after it
                error = f"could not judge this line ({type(exc).__name__}); please report it"
        if error is not None:
            failed = True
            record = {"id": None, "error": error, "line": number}
        _write(out, record)
    out.flush()
    return 1 if failed else 0


def _context(item: dict) -> str | None:
    """The manager's line the reply answers, when the line gives one as text."""
    context = item.get("context")
    return context[:MAX_REPLY_CHARS] if isinstance(context, str) else None


def _judged(judge, text: str, context: str | None = None) -> dict:
    record = judge.judge(text[:MAX_REPLY_CHARS], context).to_dict()
    if len(text) > MAX_REPLY_CHARS:
        record["truncated"] = True
    return record


def _read_lines(stream: IO) -> Iterator[tuple[int, str, str | None]]:
    """(line number, text, error) for each line, reading at most MAX_LINE_BYTES at a time."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        error = None
        if len(raw) > MAX_LINE_BYTES and raw[-1:] not in (b"\n", "\n"):
            _skip_rest_of_line(stream)
            raw = raw[:0]
            error = f"the line is longer than {MAX_LINE_BYTES // 1024} KiB; no reply is that long (see docs/limits.md)"
        text, decode_error = _decode(raw, first=number == 1)
        yield number, text, error or decode_error


def _skip_rest_of_line(stream: IO) -> None:
    while True:
        chunk = stream.readline(MAX_LINE_BYTES)
        if not chunk or chunk[-1:] in (b"\n", "\n"):
            return


def _decode(raw: bytes | str, first: bool) -> tuple[str, str | None]:
    if isinstance(raw, str):
        return (raw.removeprefix("\ufeff") if first else raw), None
    if first:
        raw = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM, as spreadsheets write
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return "", (f"the line is not UTF-8 text (byte 0x{raw[exc.start]:02x} at byte {exc.start + 1}); "
                    "save the file as UTF-8")


def _write(out: IO, record: dict) -> None:
    # A lone surrogate (in an id) cannot be encoded; backslashreplace writes it as the JSON
    # escape it came in as, so the output is valid JSON in any locale. C1 controls, bidi
    # overrides and Unicode line breaks are escaped too: `cat` shows no terminal codes, and a
    # reader splitting on every line break (str.splitlines) still gets one record per line.
    text = _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(record, ensure_ascii=False))
    data = (text + "\n").encode("utf-8", "backslashreplace")
    if isinstance(out, io.TextIOBase):
        out.write(data.decode("utf-8"))
    else:
        out.write(data)


def _clean(text: str) -> str:
    # A lone surrogate (from a \ud800 escape) cannot be written out; one '?' keeps the offsets.
    return text.encode("utf-8", "replace").decode("utf-8")


def _parse(line: str) -> tuple[dict, str | None]:
    try:
        item = loads_json(line)
    except UntrustedInput as exc:
        return {}, f"the line {exc}" + ("; write one object per line" if "JSON" in str(exc) else "")
    if not isinstance(item, dict):
        return {}, 'expected a JSON object like {"id": 1, "text": "..."}'
    if not isinstance(item.get("text"), str):
        return {}, 'the object has no "text" string; add the reply as "text"'
    ident = item.get("id")
    if isinstance(ident, float) and not math.isfinite(ident):
        return {}, '"id" is not a finite number; use a string or a whole number'
    if ident is not None and not isinstance(ident, str | int | float):
        return {}, '"id" must be a string or a number'
    item["text"] = _clean(item["text"])
    return item, None


def readable(verdict: Verdict) -> str:
    if verdict.silent:
        return "Silence: nothing to judge (an empty reply scores as no answer)."
    rows = [
        _row("Gratitude", verdict.gratitude),
        _row("Feedback request", verdict.feedback_request),
        _tone_row(verdict),
        _row("Door kept open", verdict.door_open),
    ]
    return "\n".join(rows)


def _quotes(evidence: list[Evidence], with_notes: bool = False) -> str:
    parts = []
    for e in evidence:
        note = f" ({e.note})" if with_notes and e.note else ""
        parts.append(f"\u201c{e.text}\u201d{note}")
    return ", ".join(parts)


def _row(name: str, d: Detection) -> str:
    line = f"{name:<17} {'yes' if d.detected else 'no':<9} {_quotes(d.evidence)}".rstrip()
    if d.rejected:
        line += f"\n{'':<17} {'':<9} not counted: {_quotes(d.rejected, with_notes=True)}"
    return line


def _tone_row(verdict: Verdict) -> str:
    t = verdict.tone
    return f"{'Tone':<17} {t.label:<9} {t.score:+.2f}  {_quotes(t.evidence, with_notes=True)}".rstrip()
