"""The scenario commands as a user runs them: validate, schema, scenarios."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rehearsal import paths
from rehearsal.cli.main import main

BUILTIN = sorted(str(p) for p in paths.builtin_scenarios_dir().glob("*.yaml"))


def test_validate_builtins_exits_zero(capsys):
    assert main(["validate", *BUILTIN]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{p}: ok" for p in BUILTIN]


def test_validate_without_files_checks_builtin_and_user_scenarios(capsys):
    assert main(["validate"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(BUILTIN)


def test_validate_reports_every_problem_and_exits_one(tmp_path: Path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(BUILTIN[0]).read_text(encoding="utf-8").replace("title:", "titel:"), encoding="utf-8")
    missing = tmp_path / "missing.yaml"
    assert main(["validate", BUILTIN[0], str(bad), str(missing), str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{BUILTIN[0]}: ok"
    assert any(line.startswith(f"{bad}:") and "did you mean 'title'?" in line for line in out)
    assert f"{missing}:1:1: no such file; check the path" in out
    assert any(line.startswith(f"{tmp_path}:1:1: this is a folder") for line in out)


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02\xff\xfe binary", b"", b"- a\n- b\n", b"a: &x 1\nb: *x\n", b"\tid: x\n", b"[" * 10000],
    ids=["binary", "empty", "list", "alias", "tab", "deep"],
)
def test_validate_never_prints_a_traceback(tmp_path: Path, content: bytes):
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content)
    out = subprocess.run(
        [sys.executable, "-m", "rehearsal", "validate", str(path)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 1
    assert "Traceback" not in out.stdout + out.stderr
    assert out.stdout.startswith(f"{path}:")


def test_schema_prints_json(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"id", "persona", "turns", "start"} <= set(schema["properties"])


def test_schema_output_file(tmp_path: Path, capsys):
    target = tmp_path / "scenario.schema.json"
    assert main(["schema", "--output", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "rehearsal scenario"
    assert main(["schema", "--output", str(tmp_path / "no" / "such" / "dir.json")]) == 1
    assert "Could not write" in capsys.readouterr().err


def test_scenarios_lists_builtin_and_user(capsys):
    folder = paths.user_scenarios_dir()
    folder.mkdir(parents=True)
    (folder / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["ID", "TITLE", "DIFFICULTY", "FILE"]
    assert "follow-up-better-fit" in out and "voicemail" in out
    assert "BROKEN" in out and f"{folder / 'broken.yaml'}:" in out


def test_scenarios_json(capsys):
    assert main(["scenarios", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {"id", "title", "description", "difficulty", "file", "builtin", "problems"} <= set(listed[0])
    assert len(listed) == len(BUILTIN)


def test_validate_gives_line_and_column_for_a_file_over_the_size_limit(tmp_path: Path, capsys):
    from rehearsal.scenario.loader import MAX_BYTES

    huge = tmp_path / "huge.yaml"
    huge.write_text("id: x\n" + "# padding\n" * (MAX_BYTES // 10 + 1), encoding="utf-8")
    assert main(["validate", str(huge)]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(f"{huge}:1:1: the file is larger than 256 KiB")
