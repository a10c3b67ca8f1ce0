"""Reports (Markdown, HTML, JSON), replay, and the `rehearsal sessions` commands."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from rehearsal.cli.main import main
from rehearsal.store import export, open_store
from rehearsal.store.replay import StoredAudio, replay
from store_support import GOOD, POOR, beep, record_call

HOSTILE = "Thanks! <script>alert('x')</script> **bold** [link](http://evil) & feedback?"


@pytest.fixture
def store():
    with open_store() as s:
        yield s


def test_json_export_carries_everything(store):
    sid = record_call(store, GOOD)
    data = export.to_json(store.get(sid))
    assert data["format_version"] == 1
    assert data["session"]["score"] == 100.0 and data["session"]["met_target"] is True
    assert data["scenario"]["persona"]["name"] == "Dana Reyes"
    assert data["dimensions"]["door_open"] == 100.0
    turn = data["turns"][0]
    assert turn["reply"] == GOOD[0] and turn["parts"]["gratitude"] == 1.0
    assert turn["verdict"]["feedback_request"]["evidence"][0] == {"text": "feedback", "start": 40, "end": 48, "note": ""}
    json.dumps(data)  # plain JSON all the way down


def test_markdown_reads_as_a_report(store):
    record_call(store, POOR)
    sid = record_call(store, [HOSTILE, "ridiculous."])
    text = export.to_markdown(store.get(sid))
    assert text.startswith("# Follow-up after a rejection: ")
    assert "(target 70: not yet)" in text
    assert "**Dana Reyes:** Dana speaking." in text
    assert "What counted: gratitude (“Thank”); feedback request (“feedback”)" in text
    assert "Tips:" in text and "keep the door open" in text.lower()
    # Untrusted text cannot inject Markdown or HTML.
    assert "<script>" not in text and "\\<script\\>" in text and "\\*\\*bold\\*\\*" in text


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.marks: list[str] = []
        self._in_mark = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_mark = tag == "mark"

    def handle_endtag(self, tag):
        self._in_mark = False

    def handle_data(self, data):
        if self._in_mark:
            self.marks.append(data)


def test_html_is_self_contained_escaped_and_highlighted(store):
    record_call(store, POOR)
    sid = record_call(store, [HOSTILE, "That is ridiculous."])
    page = export.to_html(store.get(sid), store.progress("follow-up"))
    parser = _Tags()
    parser.feed(page)
    tags = [t for t, _ in parser.tags]
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert not re.search(r"(src|href)=", page)  # nothing is fetched from anywhere
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "Thank" in parser.marks and "feedback" in parser.marks and "ridiculous" in parser.marks
    assert "<mark class='negative'" in page
    assert tags.count("svg") == 1 and tags.count("circle") == 2  # the chart: two attempts
    assert "<style>" in page


def test_html_without_history_has_no_chart(store):
    sid = record_call(store, GOOD)
    assert "<svg" not in export.to_html(store.get(sid), [])


class RecordingSpeaker:
    def __init__(self) -> None:
        self.played = []

    def play(self, audio):
        self.played.append(audio)
        return _Done()

    def close(self) -> None:
        pass


class _Done:
    done = True
    started_at = ended_at = 0.0

    def wait(self, timeout=None):
        return True

    def stop(self):
        pass


def test_replay_plays_each_line_and_reply_in_order(store):
    sid = record_call(store, GOOD)
    detail = store.get(sid)
    speaker, lines = RecordingSpeaker(), []
    n = replay(detail, StoredAudio(detail), speaker, say=lines.append, manager_name="Dana")
    assert n == 5
    assert [a.pcm for a in speaker.played] == [beep().pcm, beep(0.3).pcm, beep().pcm, beep(0.3).pcm, beep().pcm]
    assert lines[0] == "Dana: Dana speaking." and lines[1] == f"You: {GOOD[0]}"
    assert lines[-1] == "Dana: Good luck out there."


def test_replay_without_a_speaker_prints_only(store):
    sid = record_call(store, GOOD)
    detail = store.get(sid)
    lines = []
    assert replay(detail, StoredAudio(detail), None, say=lines.append) == 0
    assert len(lines) == 7


def _ids(capsys) -> list[str]:
    assert main(["sessions", "list"]) == 0
    return [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]]


def test_sessions_cli(store, capsys, tmp_path):
    record_call(store, POOR)
    record_call(store, GOOD)
    first, second = _ids(capsys)
    assert main(["sessions", "show", second[:18]]) == 0
    assert "100/100 (target 70: met)" in capsys.readouterr().out
    assert main(["sessions", "replay", second, "--no-audio"]) == 0
    assert "You: Thank you for the call" in capsys.readouterr().out
    out = tmp_path / "r.html"
    assert main(["sessions", "export", second, "--format", "html", "-o", str(out)]) == 0
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert main(["sessions", "export", second, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["session"]["id"] == second
    assert main(["sessions", "delete", first, "--yes"]) == 0
    capsys.readouterr()
    assert _ids(capsys) == [second]


def test_session_ids_by_tail_or_latest(store, capsys):
    first = record_call(store, POOR)
    second = record_call(store, GOOD)
    assert store.resolve("latest") == second
    assert store.resolve(first.rpartition("-")[2]) == first  # the six random characters
    assert store.resolve(second.rpartition("-")[2][:4]) == second
    assert main(["sessions", "show", "latest"]) == 0
    assert "100/100" in capsys.readouterr().out


def test_export_takes_the_format_from_the_file_name(store, tmp_path, capsys):
    sid = record_call(store, GOOD)
    for name, start in (("r.html", "<!DOCTYPE html>"), ("r.json", "{"), ("r.md", "# ")):
        assert main(["sessions", "export", sid, "-o", str(tmp_path / name)]) == 0
        assert (tmp_path / name).read_text().startswith(start), name
    assert "(HTML)" in capsys.readouterr().err
    assert main(["sessions", "export", sid, "--format", "json", "-o", str(tmp_path / "x.html")]) == 0
    assert (tmp_path / "x.html").read_text().startswith("{")  # an explicit --format wins


def test_delete_asks_first(store, capsys, monkeypatch):
    import io

    sid = record_call(store, GOOD)
    assert main(["sessions", "delete", sid]) == 1  # piped, no --yes: refuses
    assert "--yes" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    assert main(["sessions", "delete", sid]) == 1
    assert "Nothing deleted" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    assert main(["sessions", "delete", sid]) == 0
    assert store.list_sessions() == []


def test_sessions_cli_errors_are_sentences(capsys):
    assert main(["sessions", "list"]) == 0
    assert "No calls yet" in capsys.readouterr().out
    assert main(["sessions", "show", "nope"]) == 1
    err = capsys.readouterr().err
    assert "no session 'nope'" in err and "Traceback" not in err
    assert main(["sessions", "export", "nope", "--format", "md"]) == 1


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("No speaker was found. Until then, the manager's lines are shown as text.",
         "Printing the transcript only. No speaker was found. Until then, the manager's lines are shown as text.\n"),
        ("No speaker was found", "Printing the transcript only. No speaker was found.\n"),
    ],
)
def test_replay_notice_without_a_speaker_has_one_full_stop(store, capsys, monkeypatch, reason, expected):
    from rehearsal.voice import speaker as speaker_module
    from rehearsal.voice.interfaces import VoiceUnavailable

    def no_speaker(settings):
        raise VoiceUnavailable(reason)

    monkeypatch.setattr(speaker_module, "create_speaker", no_speaker)
    sid = record_call(store, GOOD)
    assert main(["sessions", "replay", sid]) == 0
    captured = capsys.readouterr()
    assert captured.err == expected
    assert ".." not in captured.err and ".." not in captured.out
