"""Bundles come from other people: every kind of hostile or broken bundle gets a clear error."""

from __future__ import annotations

import json
import os
import zipfile

import pytest

from rehearsal.store import safezip
from rehearsal.store.bundle import BundleError, read_bundle

MANIFEST = {
    "format_version": 1, "learner": "Ana", "app_version": "0.1.0", "created_at": "2026-01-01T00:00:00+00:00",
    "scenario": {"id": "follow-up", "title": "Follow-up", "hash": "abc"}, "rubric": {"target": 70, "attempts": 3},
}
ATTEMPT = {
    "session": {"id": "s1", "started_at": "2026-01-01T10:00:00+00:00", "status": "completed", "score": 80.0},
    "dimensions": {"gratitude": 100.0},
    "turns": [{"turn_id": "hello", "manager_text": "Hi", "reply": "Thanks", "score": 80.0, "parts": {"gratitude": 1.0}}],
}
RESULTS = {"format_version": 1, "attempts": [ATTEMPT]}


def make(path, members: dict[str, bytes | str], *, symlink: str | None = None):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            zf.writestr(info, "/etc/passwd")
    return path


def good(**extra) -> dict:
    return {"manifest.json": json.dumps(MANIFEST), "results.json": json.dumps(RESULTS), **extra}


def test_a_good_bundle_reads(tmp_path):
    b = read_bundle(make(tmp_path / "ok.zip", good()))
    assert b.learner == "Ana" and b.attempts()[0].score == 80.0


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (good(**{"../evil.txt": "x"}), "escapes the bundle"),
        (good(**{"transcripts/../../evil.md": "x"}), "escapes the bundle"),
        (good(**{"/etc/cron.d/evil": "x"}), "escapes the bundle"),
        (good(**{"C:/Windows/evil": "x"}), "escapes the bundle"),
        (good(**{"transcripts\\..\\evil": "x"}), "escapes the bundle"),
        ({"manifest.json": json.dumps(MANIFEST)}, "results.json is missing"),
        ({"results.json": json.dumps(RESULTS)}, "manifest.json is missing"),
        ({"manifest.json": "{not json", "results.json": json.dumps(RESULTS)}, "manifest.json is not valid JSON"),
        ({"manifest.json": json.dumps(MANIFEST), "results.json": b"\xff\xfe"}, "results.json is not valid JSON"),
        ({"manifest.json": "[1, 2]", "results.json": json.dumps(RESULTS)}, "should hold a JSON object"),
        ({"manifest.json": json.dumps({**MANIFEST, "format_version": 3}), "results.json": json.dumps(RESULTS)},
         "made by a newer rehearsal (format 3); upgrade with pip install -U rehearsal"),
        ({"manifest.json": json.dumps({**MANIFEST, "format_version": "1"}), "results.json": json.dumps(RESULTS)},
         "no valid format_version"),
        ({"manifest.json": json.dumps({**MANIFEST, "scenario": None}), "results.json": json.dumps(RESULTS)},
         "does not say which scenario"),
        ({"manifest.json": json.dumps(MANIFEST), "results.json": json.dumps({"format_version": 1, "attempts": {}})},
         "no list of attempts"),
        ({"manifest.json": json.dumps(MANIFEST),
          "results.json": json.dumps({"format_version": 1, "attempts": [{**ATTEMPT, "session": {
              **ATTEMPT["session"], "score": "99"}}]})}, "score that is not a number"),
        ({"manifest.json": json.dumps(MANIFEST),
          "results.json": json.dumps({"format_version": 1, "attempts": [{**ATTEMPT, "turns": [{"score": None}]}]})},
         "turn without a numeric score"),
        ({"manifest.json": json.dumps(MANIFEST),
          "results.json": json.dumps({"format_version": 1, "attempts": [{**ATTEMPT, "session": {
              **ATTEMPT["session"], "started_at": "yesterday"}}]})}, "no valid start time"),
        ({"manifest.json": json.dumps(MANIFEST),
          "results.json": json.dumps({"format_version": 1, "attempts": [{**ATTEMPT, "session": {
              **ATTEMPT["session"], "score": float("nan")}}]})}, "holds NaN"),
        ({"manifest.json": json.dumps(MANIFEST).replace('"format_version": 1', '"format_version": 1, "x": 1e999'),
          "results.json": json.dumps(RESULTS)}, "holds the number 1e999"),
    ],
)
def test_hostile_or_broken_bundles_are_refused(tmp_path, members, message):
    path = make(tmp_path / "b.zip", members)
    before = sorted(os.listdir(tmp_path))
    with pytest.raises(BundleError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_bundle(path)
    assert sorted(os.listdir(tmp_path)) == before  # nothing extracted, nothing written


def test_symlinks_are_refused(tmp_path):
    with pytest.raises(BundleError, match="symbolic link"):
        read_bundle(make(tmp_path / "b.zip", good(), symlink="transcripts/link.md"))


def test_a_zip_bomb_is_refused_by_ratio(tmp_path):
    path = make(tmp_path / "b.zip", good(**{"transcripts/zeros.md": b"\0" * (8 * 1024 * 1024)}))
    assert path.stat().st_size < 100_000
    with pytest.raises(BundleError, match="archive bomb"):
        read_bundle(path)


def test_a_zip_bomb_is_refused_by_total_size(tmp_path, monkeypatch):
    monkeypatch.setattr(safezip, "MAX_TOTAL_BYTES", 50_000)
    members = good(**{f"transcripts/{n}.md": os.urandom(20_000) for n in range(3)})
    with pytest.raises(BundleError, match="size limit"):
        read_bundle(make(tmp_path / "b.zip", members))


def test_oversized_json_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(safezip, "MAX_JSON_BYTES", 100)
    with pytest.raises(BundleError, match="manifest.json is too large"):
        read_bundle(make(tmp_path / "b.zip", good()))


def test_a_member_that_does_not_match_its_checksum_is_damaged(tmp_path):
    path = tmp_path / "b.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("manifest.json", json.dumps(MANIFEST))
        zf.writestr("results.json", json.dumps(RESULTS))
    data = bytearray(path.read_bytes())
    at = data.index(b'"learner": "Ana"')
    data[at + 13] = ord("B")  # Ana -> Bna, without fixing the CRC
    path.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="manifest.json is damaged"):
        read_bundle(path)


def test_too_many_entries_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(safezip, "MAX_ENTRIES", 10)
    members = good(**{f"transcripts/{n}.md": "x" for n in range(10)})
    with pytest.raises(BundleError, match="12 files inside"):
        read_bundle(make(tmp_path / "b.zip", members))


def test_duplicate_names_are_refused(tmp_path):
    path = make(tmp_path / "b.zip", good())
    with zipfile.ZipFile(path, "a") as zf, pytest.warns(UserWarning):
        zf.writestr("results.json", "{}")
    with pytest.raises(BundleError, match="twice"):
        read_bundle(path)


@pytest.mark.parametrize(("content", "message"), [(b"not a zip", "not a zip file"), (None, "no such file")])
def test_not_a_zip_or_missing(tmp_path, content, message):
    path = tmp_path / "b.zip"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(BundleError, match=message):
        read_bundle(path)


def test_a_folder_is_not_a_bundle(tmp_path):
    with pytest.raises(BundleError, match="is a folder"):
        read_bundle(tmp_path)


def test_audio_names_outside_the_zip_are_ignored(tmp_path):
    attempt = {**ATTEMPT, "turns": [{**ATTEMPT["turns"][0], "audio": {"reply": "../../etc/passwd"}}]}
    members = {"manifest.json": json.dumps(MANIFEST), "results.json": json.dumps({"format_version": 1, "attempts": [attempt]})}
    b = read_bundle(make(tmp_path / "b.zip", members))
    assert b.audio_name(0, 0, "reply") is None


def test_odd_shapes_inside_an_attempt_are_read_without_trusting_them(tmp_path):
    from rehearsal.store import export

    turn = {**ATTEMPT["turns"][0], "reply": "Thanks <b>", "verdict": {"gratitude": [1], "tone": "x",
            "door_open": {"evidence": [{"start": 0, "end": 999}, "junk"]}},
            "delivery": {"words": 3, "wpm": "fast"}, "tips": ["\x1b[31mred", 5]}
    attempt = {**ATTEMPT, "turns": [turn]}
    members = {"manifest.json": json.dumps({**MANIFEST, "learner": "Ana\x1b]0;pwned\x07"}),
               "results.json": json.dumps({"format_version": 1, "attempts": [attempt]})}
    b = read_bundle(make(tmp_path / "b.zip", members))
    [detail] = b.attempts()
    assert b.learner == "Ana\\x1b]0;pwned\\x07"  # shown, escaped (rehearsal.printable)
    delivery = detail.turns[0].delivery
    assert delivery is not None and delivery.words == 3 and delivery.wpm is None  # "fast" is not a number
    assert detail.turns[0].tips == ["\\x1b[31mred"]
    assert "Thanks \\<b\\>" in export.to_markdown(detail)
    assert "Thanks &lt;b&gt;" in export.to_html(detail)  # the out-of-range evidence span is dropped


def test_an_unsupported_compression_method_is_damage_not_a_crash(tmp_path):
    path = make(tmp_path / "b.zip", good())
    data = bytearray(path.read_bytes())
    # Set the compression method of every entry (local and central headers) to 99 (unknown).
    for sig, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = data.find(sig)
        while at >= 0:
            data[at + offset:at + offset + 2] = (99).to_bytes(2, "little")
            at = data.find(sig, at + 4)
    path.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="compression method 99"):
        read_bundle(path)
