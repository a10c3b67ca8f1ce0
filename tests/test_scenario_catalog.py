"""The scenario list: built-in and user scenarios, broken files listed as broken, lookup by id."""

from __future__ import annotations

from pathlib import Path

import pytest

from rehearsal import paths
from rehearsal.scenario.catalog import ScenarioNotFound, entries, find
from rehearsal.scenario.problems import ScenarioError

USER = """\
id: my-call
title: My own call
description: A coach's scenario.
difficulty: easy
situation: You were turned down.
persona: {name: Sam, role: Manager}
start: hello
turns:
  hello: {say: Hi., next: [{goto: bye}]}
  bye: {say: Bye., end: true}
"""


def user_file(name: str, text: str) -> Path:
    folder = paths.user_scenarios_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtins_are_listed_easiest_first():
    listed = entries()
    assert len(listed) >= 5 and all(e.builtin and not e.broken for e in listed)
    ranks = [{"easy": 0, "medium": 1, "hard": 2}[e.difficulty] for e in listed]
    assert ranks == sorted(ranks)
    assert "follow-up-better-fit" in [e.id for e in listed]


def test_user_scenarios_and_broken_files_are_listed(tmp_path: Path):
    user_file("mine.yaml", USER)
    broken = user_file("broken.yml", USER.replace("title:", "titl:"))
    user_file("notes.txt", "not a scenario")
    listed = {e.id: e for e in entries()}
    assert listed["my-call"].title == "My own call" and not listed["my-call"].builtin
    assert listed["broken"].broken and listed["broken"].path == broken
    assert listed["broken"].problem.startswith(f"{broken}:")
    assert "notes" not in listed


def test_find_by_id_and_by_path(tmp_path: Path):
    path = user_file("mine.yaml", USER)
    assert find("my-call").title == "My own call"
    assert find("voicemail").id == "voicemail"
    assert find(path).id == "my-call"
    assert find(str(path)).id == "my-call"


def test_unknown_id_lists_the_available_ones():
    with pytest.raises(ScenarioNotFound) as info:
        find("voice-mail")
    message = str(info.value)
    assert message.startswith("There is no scenario 'voice-mail'. Available: ")
    assert "voicemail" in message and "follow-up-better-fit" in message


def test_missing_path_is_not_found(tmp_path: Path):
    with pytest.raises(ScenarioNotFound, match=r"^There is no scenario file at .*gone.yaml\. Available: "):
        find(tmp_path / "gone.yaml")


def test_finding_a_broken_user_scenario_says_what_is_wrong():
    user_file("broken.yaml", USER.replace("title:", "titl:"))
    with pytest.raises(ScenarioError) as info:
        find("broken")
    assert "unknown key 'titl'; did you mean 'title'?" in str(info.value)


def test_a_user_scenario_cannot_take_a_builtin_id():
    user_file("copy.yaml", USER.replace("id: my-call", "id: voicemail"))
    clashes = [e for e in entries() if e.id == "voicemail"]
    assert [e.builtin for e in clashes] == [True, False]
    assert clashes[1].broken and "already used" in clashes[1].problem
    assert find("voicemail").persona.name != "Sam"
