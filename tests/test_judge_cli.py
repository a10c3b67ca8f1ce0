"""`rehearsal score`: one reply, readable; many, as JSON lines."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from rehearsal.cli import score
from rehearsal.cli.main import main
from rehearsal.judging.judge import Judge

SHAPE = {"id", "gratitude", "feedback_request", "tone"}


def test_readable_verdict(capsys):
    assert main(["score", "Thanks for your time. Could you share any feedback on my interview?"]) == 0
    out = capsys.readouterr().out
    assert "Gratitude" in out and "Feedback request" in out and "Tone" in out
    assert "\u201cThanks\u201d" in out
    assert "positive" in out


def test_readable_verdict_shows_what_did_not_count(capsys):
    assert main(["score", "Thanks for nothing."]) == 0
    out = capsys.readouterr().out
    assert "not counted" in out and "sarcastic" in out and "negative" in out


def test_no_text_is_a_sentence_not_a_traceback(capsys):
    assert main(["score"]) == 2
    assert "rehearsal score" in capsys.readouterr().err


def _jsonl(lines: list[str]) -> tuple[int, list[dict]]:
    out = io.StringIO()
    code = score.score_lines(Judge(), io.StringIO("\n".join(lines) + "\n"), out)
    return code, [json.loads(line) for line in out.getvalue().splitlines()]


def test_jsonl_keeps_order_and_shape():
    code, records = _jsonl(
        [
            json.dumps({"id": "a", "text": "Thank you! What could I have done better?"}),
            json.dumps({"id": 2, "text": "thanks for nothing"}),
            json.dumps({"id": None, "text": ""}),
        ]
    )
    assert code == 0
    assert [r["id"] for r in records] == ["a", 2, None]
    first = records[0]
    assert SHAPE <= first.keys()
    for dim in ("gratitude", "feedback_request"):
        assert {"detected", "score", "evidence"} <= first[dim].keys()
        for ev in first[dim]["evidence"]:
            assert set(ev) == {"text", "start", "end", "note"}  # the one verdict shape (Verdict.to_dict)
    assert first["gratitude"]["detected"] and first["feedback_request"]["detected"]
    assert {"label", "score", "evidence"} <= first["tone"].keys()
    text = "Thank you! What could I have done better?"
    for ev in first["feedback_request"]["evidence"]:
        assert text[ev["start"] : ev["end"]] == ev["text"]
    assert records[1]["tone"]["label"] == "negative" and not records[1]["gratitude"]["detected"]
    assert records[2]["silent"] is True


def test_jsonl_bad_lines_get_an_error_and_the_rest_go_on():
    code, records = _jsonl(
        [
            "this is not json",
            json.dumps({"id": 7}),
            json.dumps(["not", "an", "object"]),
            "",
            json.dumps({"id": 8, "text": "Okay, thanks."}),
        ]
    )
    assert code == 1
    assert len(records) == 5  # one output line per input line, the blank one included
    for bad in records[:4]:
        assert bad["id"] is None and bad["error"]
    assert records[3]["line"] == 4
    assert records[4]["id"] == 8 and records[4]["gratitude"]["detected"]


def test_jsonl_output_is_always_valid_json():
    code, records = _jsonl(
        [
            '{"id": 1, "text": "thank \\ud800 you"}',
            '{"id": NaN, "text": "ok"}',
            '{"id": 1e999, "text": "ok"}',
            json.dumps({"id": "x", "text": "Thanks!"}),
        ]
    )
    assert code == 1
    assert records[0]["id"] == 1 and "gratitude" in records[0]
    assert records[1]["id"] is None and "finite" in records[1]["error"]
    assert records[2]["id"] is None
    assert records[3]["id"] == "x"


def test_the_command_end_to_end():
    lines = json.dumps({"id": 1, "text": "i would appreciate any feed back"}) + "\n{oops\n"
    done = subprocess.run(
        [sys.executable, "-m", "rehearsal", "score", "--jsonl"], input=lines, capture_output=True, text=True
    )
    assert done.returncode == 1
    first, second = (json.loads(line) for line in done.stdout.splitlines())
    assert first["feedback_request"]["detected"] and not first["gratitude"]["detected"]
    assert second == {"id": None, "error": second["error"], "line": 2}
    assert "Traceback" not in done.stderr
