"""The call-graph checks: every branch lands on a turn, every turn is reached, every path ends."""

from __future__ import annotations

import pytest

from rehearsal.scenario.loader import load_text
from rehearsal.scenario.model import Scenario
from rehearsal.scenario.problems import ScenarioError
from rehearsal.scenario.validate import check_scenario

HEAD = """\
id: graph
title: Graph
description: For graph tests.
situation: You were turned down.
persona: {name: Dana, role: Manager}
"""


def problems(body: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_text(HEAD + body, "g.yaml")
    return [str(p) for p in info.value.problems]


def test_start_must_name_a_turn():
    got = problems("start: helo\nturns:\n  hello:\n    say: Hi.\n    end: true\n")
    assert got == ["g.yaml:6:8: start: there is no turn 'helo'; did you mean 'hello'?"]


def test_goto_must_name_a_turn():
    body = """\
start: hello
turns:
  hello:
    say: Hi.
    next:
      - when: {gratitude: true}
        goto: warm_bye
      - goto: Bye
  bye: {say: Bye., end: true}
"""
    assert problems(body) == [
        "g.yaml:12:15: turns.hello: there is no turn 'warm_bye' to go to; expected one of: bye, hello",
        "g.yaml:13:15: turns.hello.next[1].goto: 'Bye' is not a valid id; use lower-case letters, digits, "
        "'-' and '_', e.g. 'bye'",
        "g.yaml:13:15: turns.hello: there is no turn 'Bye' to go to; did you mean 'bye'?",
    ]


def test_a_turn_that_neither_ends_nor_goes_on():
    body = "start: hello\nturns:\n  hello: {say: Hi.}\n  bye: {say: Bye., end: true}\n"
    got = problems(body)
    assert "g.yaml:8:3: turns.hello: this turn neither ends the call nor says where it goes; add 'next:' with a " \
           "default branch ('- goto: TURN'), or 'end: true'" in got


def test_the_last_branch_must_be_a_default():
    body = """\
start: hello
turns:
  hello:
    say: Hi.
    next:
      - when: {gratitude: true}
        goto: bye
  bye: {say: Bye., end: true}
"""
    assert problems(body) == [
        "g.yaml:11:9: turns.hello: every branch has a 'when', so a reply that matches none has nowhere to go; "
        "add a last branch with only 'goto:' (the default)"
    ]


def test_a_branch_after_the_default_is_dead():
    body = """\
start: hello
turns:
  hello:
    say: Hi.
    next:
      - goto: bye
      - when: {gratitude: true}
        goto: bye
  bye: {say: Bye., end: true}
"""
    assert problems(body) == [
        "g.yaml:12:9: turns.hello: this branch comes after the default branch (the one with no 'when') "
        "and can never be taken; move it above the default"
    ]


def test_an_end_turn_takes_no_reply():
    body = """\
start: hello
turns:
  hello:
    say: Hi.
    end: true
    expects: [gratitude]
    hint: Say thanks.
    next:
      - goto: hello
"""
    got = problems(body)
    assert [p.split(": ")[0] for p in got] == ["g.yaml:11:5", "g.yaml:12:5", "g.yaml:13:5"]
    assert "an end turn takes no reply, so 'expects' does nothing here" in got[0]
    assert "'next' does nothing here" in got[2]


def test_turns_nothing_reaches():
    body = """\
start: hello
turns:
  hello:
    say: Hi.
    next: [{goto: bye}]
  lost:
    say: Where am I?
    next: [{goto: bye}]
  bye: {say: Bye., end: true}
"""
    assert problems(body) == [
        "g.yaml:11:3: turns.lost: no path from the start ('hello') reaches this turn; "
        "add a branch with 'goto: lost' to another turn, or delete this one"
    ]


def test_a_loop_with_no_way_out():
    body = """\
start: hello
turns:
  hello:
    say: Hi.
    next:
      - when: {gratitude: true}
        goto: bye
      - goto: again
  again:
    say: Sorry?
    next: [{goto: more}]
  more:
    say: Pardon?
    next: [{goto: again}]
  bye: {say: Bye., end: true}
"""
    assert problems(body) == [
        "g.yaml:14:3: turns.again: the call can never end once it gets here (it only leads to more); "
        "add a branch from one of these turns to an end turn",
        "g.yaml:17:3: turns.more: the call can never end once it gets here (it only leads to again); "
        "add a branch from one of these turns to an end turn",
    ]


def test_there_must_be_an_end():
    body = "start: hello\nturns:\n  hello:\n    say: Hi.\n    next: [{goto: hello}]\n"
    assert problems(body) == [
        "g.yaml:7:1: no turn has 'end: true', so the call can never finish; add a closing turn"
    ]


def test_speaker_must_be_in_the_cast():
    body = """\
cast:
  assistant: {name: Jordan, role: Assistant}
start: hello
turns:
  hello: {say: Hi., speaker: asistant, next: [{goto: bye}]}
  bye: {say: Bye., end: true}
"""
    (msg,) = problems(body)
    assert msg == ("g.yaml:10:30: turns.hello: the speaker 'asistant' is not in 'cast'; add them under 'cast:', "
                   "or remove 'speaker' so the persona says this line; did you mean 'assistant'?")


def test_schema_and_graph_problems_come_together():
    body = "start: hello\nturns:\n  hello: {say: Hi., hnit: x, next: [{goto: nowhere}]}\n  bye: {say: Bye., end: true}\n"
    got = problems(body)
    assert any("unknown key 'hnit'; did you mean 'hint'?" in p for p in got)
    assert any("there is no turn 'nowhere'" in p for p in got)


def test_check_scenario_on_a_model_built_in_code():
    scenario = Scenario.model_validate({
        "id": "x", "title": "X", "description": "d", "situation": "s",
        "persona": {"name": "n", "role": "r"}, "start": "a",
        "turns": {"a": {"say": "hi", "next": [{"goto": "b"}]}, "b": {"say": "hi", "next": [{"goto": "a"}]}},
    })
    assert [str(p) for p in check_scenario(scenario, "code")] == [
        "code:1:1: no turn has 'end: true', so the call can never finish; add a closing turn"
    ]


def test_a_malformed_turn_is_reported_once_without_knock_on_problems():
    body = "start: hello\nturns:\n  hello:\n    say: Hi.\n    next: {goto: bye}\n  bye: {say: Bye., end: true}\n"
    assert problems(body) == [
        "g.yaml:10:11: turns.hello.next: expected a list (one '- ' item per line), got a mapping of keys and values"
    ]
