"""`rehearsal score`: judge one reply, or a whole transcript file as JSON lines.

    rehearsal score "Thanks for your time. What could I have done differently?"
    rehearsal score --jsonl < replies.jsonl > verdicts.jsonl

In --jsonl mode each input line is `{"id": ..., "text": "..."}` and each output line is the
verdict for it, in order. A line that is not JSON, not an object, or has no string "text" gets
`{"id": null, "error": "...", "line": N}` instead; the rest go on and the exit code is 1.
Blank lines are skipped (they produce no output line). An empty or whitespace-only "text" is
judged as silence. Evidence spans are character offsets into "text".
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rehearsal.judging.verdict import Detection, Evidence, Verdict


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
        return score_lines(judge, sys.stdin, sys.stdout)
    if args.text is None:
        print(
            'rehearsal score: give the reply to judge, e.g. rehearsal score "Thanks for your time", '
            "or pipe JSON lines into rehearsal score --jsonl.",
            file=sys.stderr,
        )
        return 2
    verdict = judge.judge(args.text)
    if args.json:
        print(json.dumps(verdict_json(verdict), ensure_ascii=False))
    else:
        print(readable(verdict))
    return 0


def score_lines(judge, lines: TextIO, out: TextIO) -> int:
    failed = False
    # One output line per input line, in order, so results can be paired by position:
    # a blank line is answered with an error too.
    for number, line in enumerate(lines, start=1):
        item, error = _parse(line) if line.strip() else ({}, 'empty line; write {"id": ..., "text": "..."}')
        if error:
            failed = True
            record = {"id": None, "error": error, "line": number}
        else:
            context = item.get("context") if isinstance(item.get("context"), str) else None  # the manager's line
            record = {"id": item.get("id"), **verdict_json(judge.judge(item["text"], context))}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    return 1 if failed else 0


def _parse(line: str) -> tuple[dict, str | None]:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return {}, f"not valid JSON ({exc.msg} at column {exc.colno}); write one object per line"
    if not isinstance(item, dict):
        return {}, 'expected a JSON object like {"id": 1, "text": "..."}'
    if not isinstance(item.get("text"), str):
        return {}, 'the object has no "text" string; add the reply as "text"'
    ident = item.get("id")
    if isinstance(ident, float) and not math.isfinite(ident):
        return {}, '"id" is not a finite number; use a string or a whole number'
    if ident is not None and not isinstance(ident, str | int | float):
        return {}, '"id" must be a string or a number'
    # A lone surrogate (from a \ud800 escape) cannot be written out; one '?' keeps the offsets.
    item["text"] = item["text"].encode("utf-8", "replace").decode("utf-8")
    return item, None


def verdict_json(verdict: Verdict) -> dict:
    """The issue's shape, plus door_open, silent and the ruled-out look-alikes."""
    return {
        "gratitude": _detection(verdict.gratitude),
        "feedback_request": _detection(verdict.feedback_request),
        "tone": {
            "label": verdict.tone.label,
            "score": verdict.tone.score,
            "evidence": [_span(e) for e in verdict.tone.evidence],
            "notes": [e.note for e in verdict.tone.evidence],
        },
        "door_open": _detection(verdict.door_open),
        "silent": verdict.silent,
    }


def _detection(d: Detection) -> dict:
    return {
        "detected": d.detected,
        "score": d.score,
        "evidence": [_span(e) for e in d.evidence],
        "rejected": [{**_span(e), "note": e.note} for e in d.rejected],
    }


def _span(e: Evidence) -> dict:
    return {"text": e.text, "start": e.start, "end": e.end}


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
