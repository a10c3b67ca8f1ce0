"""The built-in scenarios: they load, match the JSON Schema, and every branch is a real path."""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path

import jsonschema
import pytest
import yaml

from rehearsal import paths
from rehearsal.call.engine import Call
from rehearsal.scenario.loader import load_file, load_text
from rehearsal.scenario.model import Scenario
from rehearsal.scenario.schema import MODELINE, json_schema
from rehearsal.scenario.validate import check_scenario
from fakes import FakeJudge
from scenario_support import ALL_VERDICTS, SILENCE, verdict

BUILTIN = sorted(paths.builtin_scenarios_dir().glob("*.yaml"))
IDS = [p.stem for p in BUILTIN]


def test_there_are_at_least_five_distinct_builtin_scenarios():
    scenarios = [load_file(p) for p in BUILTIN]
    assert len(scenarios) >= 5
    assert len({s.id for s in scenarios}) == len(scenarios)
    assert len({s.persona.name for s in scenarios}) == len(scenarios)


@pytest.mark.parametrize("path", BUILTIN, ids=IDS)
def test_builtin_scenario_is_complete(path: Path):
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == MODELINE
    scenario = load_file(path)
    assert scenario.id == path.stem, "the file name should be the id, so people can find it"
    assert scenario.rubric.target is not None
    assert scenario.persona.voice.voice and scenario.persona.voice.rate
    assert check_scenario(scenario) == []
    for tid, turn in scenario.turns.items():
        if not turn.end:
            assert turn.hint, f"{tid} needs a hint"
            assert turn.expects, f"{tid} should say what a good reply does"


@pytest.mark.parametrize("path", BUILTIN, ids=IDS)
def test_builtin_scenario_matches_the_json_schema(path: Path):
    validator = jsonschema.Draft202012Validator(json_schema())
    errors = [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))]
    assert errors == []


def test_json_schema_rejects_what_the_loader_rejects():
    validator = jsonschema.Draft202012Validator(json_schema())
    data = yaml.safe_load((paths.builtin_scenarios_dir() / "voicemail.yaml").read_text(encoding="utf-8"))
    data["titel"] = data.pop("title")
    messages = [e.message for e in validator.iter_errors(data)]
    assert any("'title' is a required property" in m for m in messages)
    assert any("titel" in m for m in messages)


def _explore(scenario: Scenario):
    """Drive the real engine with every kind of reply from every reachable state.

    A state is (turn, whether feedback was asked for already), since `asked_before` can
    change where a branch goes. Returns the transitions seen and the states that end.
    """
    start = (scenario.start, False)
    way_to: dict[tuple[str, bool], list] = {start: []}
    moves: dict[tuple[str, bool], set[tuple[str, bool]]] = {}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        moves[state] = set()
        if scenario.turns[state[0]].end:
            continue
        for v in ALL_VERDICTS:
            script = [*way_to[state], v]
            call = Call(scenario, FakeJudge(verdicts=script))
            for _ in script:
                call.reply("...")
            nxt = (call.current_id, any(x.feedback_request.detected for x in script))
            moves[state].add(nxt)
            if nxt not in way_to:
                way_to[nxt] = script
                queue.append(nxt)
    return moves


def assert_every_branch_is_real(scenario: Scenario) -> None:
    moves = _explore(scenario)
    visited = {tid for tid, _ in moves}
    assert visited == set(scenario.turns), "some turns can never be reached by any reply"
    taken = {(a[0], b[0]) for a, bs in moves.items() for b in bs}
    for tid, turn in scenario.turns.items():
        for branch in turn.next or []:
            assert (tid, branch.goto) in taken, f"branch {tid} -> {branch.goto} is shadowed by an earlier one"
    # Walk back from the ends: every reachable state must be able to finish the call.
    can_end = {s for s in moves if scenario.turns[s[0]].end}
    changed = True
    while changed:
        changed = False
        for state, nexts in moves.items():
            if state not in can_end and nexts & can_end:
                can_end.add(state)
                changed = True
    assert can_end == set(moves)


@pytest.mark.parametrize("path", BUILTIN, ids=IDS)
def test_every_turn_and_branch_is_reachable_and_every_path_ends(path: Path):
    assert_every_branch_is_real(load_file(path))


def test_the_explorer_catches_a_shadowed_branch():
    text = (paths.builtin_scenarios_dir() / "follow-up-better-fit.yaml").read_text(encoding="utf-8")
    shadowed = text.replace(
        "      - when: {tone: negative}\n        goto: defensive",
        "      - when: {tone: [negative, neutral]}\n        goto: postings\n"
        "      - when: {tone: negative}\n        goto: defensive",
        1,
    )
    with pytest.raises(AssertionError, match="never be reached"):
        assert_every_branch_is_real(load_text(shadowed))


def test_the_longest_path_is_a_phone_call_not_a_maze():
    for path in BUILTIN:
        scenario = load_file(path)
        replies = 0
        call = Call(scenario, FakeJudge(verdicts=[verdict(thanks=True)] * 50))
        while not call.finished and replies < 50:
            call.reply("thanks")
            replies += 1
        assert call.finished, f"{scenario.id}: a caller who only says thanks never reaches an end"
        assert replies <= 8


THANKS = verdict(thanks=True, tone="positive")
ASKS = verdict(thanks=True, asks=True, tone="positive")
ASKS_PLAIN = verdict(asks=True, tone="neutral")
DOOR = verdict(thanks=True, door=True, tone="positive")
ANGRY = verdict(tone="negative")
FLAT = verdict()

# (scenario, replies, the turns the call passes through, ending with the closing turn)
PATHS = [
    ("follow-up-better-fit", [ASKS, ASKS, DOOR], ["greeting", "better_fit", "specifics", "warm_close"]),
    ("follow-up-better-fit", [THANKS, ASKS, THANKS, DOOR],
     ["greeting", "what_can_i_do", "better_fit", "postings", "warm_close"]),
    ("follow-up-better-fit", [THANKS, FLAT, FLAT], ["greeting", "what_can_i_do", "not_following", "brush_off"]),
    ("follow-up-better-fit", [ASKS, ANGRY, ANGRY], ["greeting", "better_fit", "defensive", "cool_close"]),
    ("follow-up-better-fit", [SILENCE, SILENCE], ["greeting", "hello_again", "bad_line"]),
    ("follow-up-better-fit", [THANKS, ASKS, THANKS, ASKS, THANKS],
     ["greeting", "what_can_i_do", "better_fit", "postings", "one_thing", "warm_close"]),
    ("blunt-feedback", [ASKS, ASKS, THANKS, DOOR],
     ["pickup", "the_honest_version", "what_good_looks_like", "reapply", "door_close"]),
    ("blunt-feedback", [ASKS, ANGRY, THANKS, DOOR],
     ["pickup", "the_honest_version", "see_what_i_mean", "softens", "door_close"]),
    ("blunt-feedback", [THANKS, FLAT], ["pickup", "what_do_you_need", "decision_is_final"]),
    ("blunt-feedback", [ANGRY], ["pickup", "curt_close"]),
    ("reluctant-manager", [ASKS, THANKS, ASKS, DOOR],
     ["hello", "not_sure_i_should", "opens_up", "practise_the_pause", "warm_close"]),
    ("reluctant-manager", [THANKS, ASKS_PLAIN, FLAT, verdict(thanks=True), THANKS, FLAT],
     ["hello", "whats_this_about", "not_sure_i_should", "still_hesitant", "one_small_thing", "glad_it_helps",
      "kind_close"]),
    ("reluctant-manager", [ASKS, FLAT, FLAT], ["hello", "not_sure_i_should", "still_hesitant", "hr_close"]),
    ("reluctant-manager", [ASKS, THANKS, ANGRY], ["hello", "not_sure_i_should", "opens_up", "regrets"]),
    ("voicemail", [verdict(thanks=True, asks=True, door=True, tone="positive")], ["greeting", "message_saved"]),
    ("voicemail", [SILENCE], ["greeting", "nothing_recorded"]),
    ("assistant-answers", [ASKS_PLAIN, THANKS, ASKS, ASKS, DOOR],
     ["reception", "putting_you_through", "manager_hello", "the_feedback", "how_to_practise", "warm_close"]),
    ("assistant-answers", [FLAT, FLAT, FLAT], ["reception", "whats_it_regarding", "take_a_message",
                                                 "assistant_goodbye"]),
    ("assistant-answers", [ANGRY, ANGRY], ["reception", "assistant_cool", "assistant_goodbye"]),
    ("assistant-answers", [FLAT, ASKS, THANKS, THANKS, FLAT],
     ["reception", "whats_it_regarding", "putting_you_through", "manager_hello", "how_can_i_help",
      "manager_polite_close"]),
]


@pytest.mark.parametrize(("scenario_id", "replies", "expected"), PATHS)
def test_a_call_follows_the_branches(scenario_id: str, replies: list, expected: list[str]):
    scenario = load_file(paths.builtin_scenarios_dir() / f"{scenario_id}.yaml")
    call = Call(scenario, FakeJudge(verdicts=replies))
    seen = [call.current_id]
    for _ in replies:
        call.reply("...")
        seen.append(call.current_id)
    assert seen == expected
    result = call.result()
    assert result.end_reason == "completed"
    assert result.closing_line == scenario.turns[expected[-1]].text


def test_the_voicemail_is_one_timed_reply():
    scenario = load_file(paths.builtin_scenarios_dir() / "voicemail.yaml")
    assert [t for t in scenario.turns.values() if not t.end] == [scenario.turns[scenario.start]]
    assert scenario.time_limit(scenario.start) is not None
    assert set(scenario.turns[scenario.start].expects) >= {"gratitude", "feedback_request", "door_open"}


def test_the_assistant_call_switches_speaker():
    scenario = load_file(paths.builtin_scenarios_dir() / "assistant-answers.yaml")
    assert scenario.speaker("reception").name != scenario.persona.name
    assert scenario.speaker("manager_hello") == scenario.persona


def test_docs_schema_file_is_current():
    stored = json.loads((paths.CHECKOUT_DIR / "docs" / "scenario.schema.json").read_text(encoding="utf-8"))
    assert stored == json_schema(), "run: rehearsal schema --output docs/scenario.schema.json"


def test_the_worked_example_in_the_guide_is_valid_and_every_branch_is_real():
    guide = (paths.CHECKOUT_DIR / "docs" / "scenarios.md").read_text(encoding="utf-8")
    example = guide.split("## A full worked example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    scenario = load_text(example, "docs/scenarios.md")
    assert scenario.id == "founder-quick-call"
    assert_every_branch_is_real(scenario)
