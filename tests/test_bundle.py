"""Results bundles: what `rehearsal bundle` writes and how it reads back."""

from __future__ import annotations

import json
import zipfile

import pytest
import yaml

from rehearsal.cli.main import main
from rehearsal.store import open_store
from rehearsal.store.bundle import read_bundle
from rehearsal.store.replay import BundleAudio, replay
from store_support import GOOD, POOR, SCENARIO, beep, record_call, scenario


@pytest.fixture
def three_calls():
    with open_store() as store:
        ids = [record_call(store, POOR), record_call(store, GOOD), record_call(store, GOOD, end=False)]
        record_call(store, GOOD, sc=scenario(id="other"))
    return ids


def test_bundle_by_id_holds_every_finished_attempt(three_calls, tmp_path, capsys):
    out = tmp_path / "results.zip"
    assert main(["bundle", "follow-up", "-o", str(out), "--learner", "Ana"]) == 0
    assert "2 attempt(s)" in capsys.readouterr().out
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
        results = json.loads(zf.read("results.json"))
    assert not any(n.startswith("audio/") for n in names)
    assert sorted(n for n in names if n.startswith("transcripts/")) == [
        f"transcripts/01-{three_calls[0]}.md", f"transcripts/02-{three_calls[1]}.md"]
    assert manifest["format_version"] == 1 and manifest["learner"] == "Ana"
    assert manifest["scenario"]["id"] == "follow-up" and len(manifest["scenario"]["hash"]) == 16
    assert manifest["rubric"] == {"target": 70, "attempts": 3}
    assert [a["session"]["score"] for a in results["attempts"]] == [16.6, 100.0]
    assert results["attempts"][1]["turns"][0]["parts"] == {"gratitude": 1.0, "feedback_request": 1.0, "tone": 1.0}
    assert not list(tmp_path.glob(".bundle-*"))  # the temp file was renamed into place


def test_bundle_from_the_coach_file_with_audio(three_calls, tmp_path):
    path = tmp_path / "assignment.yaml"
    path.write_text(yaml.safe_dump(SCENARIO))
    out = tmp_path / "r.zip"
    assert main(["bundle", str(path), "-o", str(out), "--audio"]) == 0
    bundle = read_bundle(out)
    assert bundle.learner  # the OS user by default
    attempts = bundle.attempts()
    assert [a.score for a in attempts] == [16.6, 100.0]
    assert attempts[1].turns[1].reply == GOOD[1]
    played = []

    class Speaker:
        def play(self, audio):
            played.append(audio)
            return type("P", (), {"wait": lambda self, timeout=None: True})()

    lines = []
    assert replay(attempts[1], BundleAudio(bundle, 1), Speaker(), say=lines.append) == 5
    assert played[1].pcm == beep(0.3).pcm


def test_bundle_errors_are_sentences(tmp_path, capsys):
    assert main(["bundle", "voicemail", "-o", str(tmp_path / "r.zip")]) == 1
    assert "no finished calls of 'voicemail' yet" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed")
    assert main(["bundle", str(bad), "-o", str(tmp_path / "r.zip")]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:1:" in err and "rehearsal validate" in err and "Traceback" not in err
    assert not (tmp_path / "r.zip").exists()


def test_bundle_of_an_unknown_scenario_says_so_and_lists_the_ids(tmp_path, capsys):
    assert main(["bundle", "nope", "-o", str(tmp_path / "x.zip")]) == 1
    err = capsys.readouterr().err
    assert "There is no scenario 'nope'." in err
    assert "voicemail" in err and "follow-up-better-fit" in err
    assert "practise it first" not in err and "Traceback" not in err
    assert not (tmp_path / "x.zip").exists()


def test_bundle_leaves_out_attempts_at_an_older_version(tmp_path, capsys):
    old = scenario(situation="The old version of the assignment.")
    with open_store() as store:
        old_ids = [record_call(store, POOR, sc=old), record_call(store, GOOD, sc=old)]
        new_id = record_call(store, GOOD)
    path = tmp_path / "assignment.yaml"
    path.write_text(yaml.safe_dump(SCENARIO))
    out = tmp_path / "r.zip"
    assert main(["bundle", str(path), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1 attempt(s)" in printed and "Left out 2 attempt(s) at an older version" in printed
    attempts = read_bundle(out).attempts()
    assert [a.summary.id for a in attempts] == [new_id]
    # by id, the latest attempt's version is the target
    assert main(["bundle", "follow-up", "-o", str(out)]) == 0
    assert [a.summary.id for a in read_bundle(out).attempts()] == [new_id]
    capsys.readouterr()
    assert main(["bundle", str(path), "-o", str(out), "--all-versions"]) == 0
    assert "Left out" not in capsys.readouterr().out
    assert [a.summary.id for a in read_bundle(out).attempts()] == [*old_ids, new_id]


def test_bundle_with_only_older_attempts_says_what_to_do(tmp_path, capsys):
    with open_store() as store:
        record_call(store, GOOD, sc=scenario(situation="The old version."))
    path = tmp_path / "assignment.yaml"
    path.write_text(yaml.safe_dump(SCENARIO))
    assert main(["bundle", str(path), "-o", str(tmp_path / "r.zip")]) == 1
    err = capsys.readouterr().err
    assert "older version" in err and "--all-versions" in err and "Traceback" not in err
    assert not (tmp_path / "r.zip").exists()


def test_bundle_counts_only_attempts_and_says_what_else_it_packed(tmp_path, capsys):
    from rehearsal.store.review import review

    with open_store() as store:
        record_call(store, GOOD)  # an attempt
        record_call(store, GOOD[:1], hang_up_after=1)  # hung up after one reply: packed, not counted
        store.begin_session(scenario(), mode="typed", scenario_path=None, start_turn=None)  # no reply (old row)
    out = tmp_path / "results.zip"
    assert main(["bundle", "follow-up", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "1 attempt(s)" in said and "1 call(s) hung up before the end, which do not count" in said
    bundle = read_bundle(out)
    assert len(bundle.attempts()) == 2  # the no-reply call is not in the zip at all
    # The manifest counts what the coach's review counts (docs/coaching.md), and says how many calls it holds.
    assert (bundle.manifest["attempts"], bundle.manifest["calls"]) == (1, 2)
    [row], _ = review([out])
    assert row.attempts == 1 and row.latest == 100.0
