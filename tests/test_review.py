"""`rehearsal review`: a coach's table across learners' bundles."""

from __future__ import annotations

import json
import os

from rehearsal.cli.main import main
from rehearsal.store import open_store
from rehearsal.store.review import review
from store_support import GOOD, POOR, record_call


def _learner_bundle(tmp_path, name: str, calls: list[list[str]], monkeypatch) -> str:
    """Each learner has their own data folder, practises, then bundles."""
    monkeypatch.setenv("REHEARSAL_DATA_DIR", str(tmp_path / f"data-{name}"))
    with open_store() as store:
        for replies in calls:
            record_call(store, replies)
    out = tmp_path / f"{name}.zip"
    assert main(["bundle", "follow-up", "-o", str(out), "--learner", name]) == 0
    return str(out)


def test_review_table_across_learners(tmp_path, monkeypatch, capsys):
    ana = _learner_bundle(tmp_path, "Ana", [POOR, GOOD, POOR], monkeypatch)
    ben = _learner_bundle(tmp_path, "Ben", [POOR], monkeypatch)
    capsys.readouterr()
    assert main(["review", ana, ben]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:5] == ["learner", "scenario", "attempts", "best", "latest"]
    ana_row, ben_row = out[1].split(), out[2].split()
    assert ana_row[0] == "Ana" and "3/3" in ana_row and ana_row[-1] == "met"
    # best 100, latest 17; gratitude best/latest 100/0
    at = ana_row.index("3/3")
    assert ana_row[at + 1:at + 4] == ["100", "17", "100/0"]
    assert ben_row[0] == "Ben" and "1/3" in ben_row and out[2].endswith("not yet (70)")


def test_review_json(tmp_path, monkeypatch, capsys):
    ana = _learner_bundle(tmp_path, "Ana", [POOR, GOOD], monkeypatch)
    capsys.readouterr()
    assert main(["review", "--json", ana]) == 0
    data = json.loads(capsys.readouterr().out)
    [row] = data["rows"]
    assert (row["learner"], row["attempts"], row["expected_attempts"]) == ("Ana", 2, 3)
    assert (row["best"], row["latest"], row["target"], row["met_target"]) == (100.0, 100.0, 70, True)
    assert row["best_dims"]["door_open"] == 100.0 and row["latest_dims"]["gratitude"] == 100.0
    assert data["failures"] == []


def test_bad_bundles_are_named_and_the_rest_still_reviewed(tmp_path, monkeypatch, capsys):
    ana = _learner_bundle(tmp_path, "Ana", [GOOD], monkeypatch)
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK not really")
    capsys.readouterr()
    before = sorted(os.listdir(tmp_path))
    assert main(["review", str(junk), ana, str(tmp_path / "missing.zip")]) == 1
    captured = capsys.readouterr()
    assert "Ana" in captured.out
    errors = captured.err.strip().splitlines()
    assert errors == [
        f"rehearsal review: {junk}: not a zip file (or a damaged one); ask the learner to make it again with rehearsal bundle",
        f"rehearsal review: {tmp_path / 'missing.zip'}: no such file; check the path",
    ]
    assert sorted(os.listdir(tmp_path)) == before


def test_learner_names_cannot_drive_the_terminal(tmp_path, monkeypatch):
    path = _learner_bundle(tmp_path, "Ana\x1b[2J\x07", [GOOD], monkeypatch)
    rows, failures = review([tmp_path / os.path.basename(path)])
    from rehearsal.cli.review import table

    assert not failures and "\x1b" not in table(rows) and "Ana\\x1b[2J\\x07" in table(rows)
