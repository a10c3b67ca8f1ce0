"""The guides travel with the command: `rehearsal docs`, and shell completion."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from rehearsal import paths
from rehearsal.cli.docs import TOPICS
from rehearsal.cli.main import main


def test_docs_lists_the_guides_and_prints_each(capsys):
    assert main(["docs"]) == 0
    out = capsys.readouterr().out
    assert all(topic in out for topic in TOPICS)
    assert main(["docs", "scenarios"]) == 0  # piped (captured): the Markdown itself
    assert capsys.readouterr().out.startswith("# Writing a scenario")
    assert main(["docs", "schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "rehearsal scenario"


def test_docs_path_points_at_a_real_file(capsys):
    for topic, (name, _) in TOPICS.items():
        assert main(["docs", topic, "--path"]) == 0
        path = Path(capsys.readouterr().out.strip())
        assert path.is_file() and path.name == name


def test_the_builtin_scenarios_schema_modeline_resolves():
    """`$schema=../docs/scenario.schema.json`, relative to each built-in file: in a checkout and
    in the wheel (docs/ is shipped as rehearsal/docs beside rehearsal/_builtin_scenarios)."""
    for scenario in paths.builtin_scenarios_dir().glob("*.yaml"):
        first = scenario.read_text(encoding="utf-8").splitlines()[0]
        relative = first.split("$schema=", 1)[1].strip()
        assert (scenario.parent / relative).resolve() == (paths.docs_dir() / "scenario.schema.json").resolve()


def test_scenarios_points_at_the_installed_guide(capsys):
    assert main(["scenarios"]) == 0
    assert "rehearsal docs scenarios" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion_script_is_valid_and_knows_the_commands(capsys, tmp_path):
    assert main(["completion", "bash"]) == 0
    script = capsys.readouterr().out
    assert "sessions" in script and "practice" in script and "--typed" in script
    (tmp_path / "rehearsal.bash").write_text(script)
    assert subprocess.run(["bash", "-n", str(tmp_path / "rehearsal.bash")]).returncode == 0
