"""Fuzzing `rehearsal score --jsonl` (issue 12): any bytes in, one valid UTF-8 JSON line out per line."""

from __future__ import annotations

import io
import json

from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import budget, seeded
from rehearsal.cli import score
from rehearsal.judging.judge import Judge

JUDGE = Judge()
WORDS = ["thanks", "thank you", "no thanks", "appreciate", "feedback", "could you", "?", "!", ",", ".",
         "sorry", "not", "um", "keep in touch", "for nothing", "i would say", "but", "\u00e9", "\U0001f600",
         "\ud800", "\x1b[2J", "\x00", "\u202e", "\r", "\t", "555-1234", "me@x.com"]
IDS = st.one_of(st.none(), st.text(max_size=10), st.integers(), st.floats(), st.booleans(),
                st.lists(st.integers(), max_size=2), st.sampled_from(["\ud800", "\x1b]0;x\x07", 10**40]))
REPLY = st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=30).map(" ".join)
OBJECTS = st.fixed_dictionaries({"id": IDS, "text": REPLY | st.integers() | st.none()},
                                optional={"extra": st.recursive(st.none() | st.floats() | st.text(max_size=5),
                                                                lambda c: st.lists(c, max_size=3), max_leaves=6)})


def _line(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")


LINES = st.one_of(
    OBJECTS.map(_line),
    OBJECTS.map(lambda o: json.dumps(o).encode()),
    st.binary(max_size=60).map(lambda b: b.replace(b"\n", b" ")),
    st.sampled_from([b"", b"   ", b"[" * 5000, b'{"id": 1, "text": "a", "n": ' + b"9" * 5000 + b"}",
                     b'{"id": NaN, "text": "x"}', b'{"id": Infinity, "text": "x"}', b"\xef\xbb\xbf{}",
                     b'{"text": "\\ud800\\udfff thanks"}', b'"just a string"', b"null", b"\xff\xfe\x00"]),
)


@seeded
@budget(150)
@given(st.lists(LINES, min_size=1, max_size=8))
def test_every_line_gets_one_valid_json_line(lines):
    data = b"\n".join(lines) + b"\n"
    out = io.BytesIO()
    code = score.score_lines(JUDGE, io.BytesIO(data), out)
    records = [json.loads(line) for line in out.getvalue().decode("utf-8").splitlines()]
    assert len(records) == len(lines)
    assert code in (0, 1) and (code == 1) == any("error" in r for r in records)
    for number, record in enumerate(records, 1):
        if "error" in record:
            assert record["line"] == number and record["id"] is None and "\n" not in record["error"]
            continue
        for dim in ("gratitude", "feedback_request", "door_open"):
            for ev in record[dim]["evidence"]:
                assert 0 <= ev["start"] <= ev["end"]


@seeded
@budget(20)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8), st.integers(1, 3000))
def test_long_replies_are_judged_within_the_cap(words, repeat):
    text = (" ".join(words) + " ") * repeat
    [record] = [json.loads(x) for x in _score({"id": 1, "text": text}).splitlines()]
    assert record.get("truncated", False) == (len(text.encode("utf-8", "replace").decode()) > score.MAX_REPLY_CHARS)


def _score(obj) -> str:
    out = io.BytesIO()
    score.score_lines(JUDGE, io.BytesIO(json.dumps(obj).encode() + b"\n"), out)
    return out.getvalue().decode("utf-8")
