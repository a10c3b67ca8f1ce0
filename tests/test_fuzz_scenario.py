"""Fuzzing the scenario loader (issue 12): mutated files give problems or a scenario, never a crash.

A file that loads is then taken as a typed call: its score is a finite number and nothing it
prints holds a terminal escape.
"""

from __future__ import annotations

import copy
import io
import math

import yaml
from hypothesis import event, given
from hypothesis import strategies as st
from rich.console import Console

from fuzz_support import budget, seeded
from hostile_support import SCENARIO
from rehearsal.call.engine import Call
from rehearsal.cli import report
from rehearsal.judging.judge import Judge
from rehearsal.printable import is_printable
from rehearsal.scenario.loader import ScenarioError, load_text
from rehearsal.scenario.problems import MAX_PROBLEMS

TOKENS = [":", ": ", "-", "- ", "[", "]", "{", "}", '"', "'", "&a ", "*a", "!!int ", "!!python/object:os.system ",
          "\t", "\n", "  ", ".inf", "-.inf", ".nan", "1e400", "0x1F", "017", "1:30", "0b101", "yes", "no", "~",
          "\\e", "\\ud800", "\\x1b", "\\a", "\x1b", "\x00", "\u202e", "\ud800", "9" * 40, "---\n", "#", "? ",
          "%YAML 1.1\n", "null", "true", "<<: ", "\\n", "é", "\U0001f600", "\r", "\ufeff"]
HOSTILE_SCALARS = st.one_of(
    st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e400, 10**40, -1, 0, 1e30, 1e-300, True, None,
                     "", " ", "yes", "\x1b]0;pwned\x07", "a\nb", "\ud800", "\u202e", "x" * 5000]),
    st.text(max_size=40),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
)
DATA = yaml.safe_load(SCENARIO)
PATHS = [("id",), ("title",), ("difficulty",), ("start",), ("persona", "name"), ("persona", "voice"),
         ("rubric", "target"), ("rubric", "attempts"), ("rubric", "weights", "tone"), ("rubric", "weights"),
         ("turns", "hello", "say"), ("turns", "hello", "time_limit"), ("turns", "hello", "next"),
         ("turns", "hello", "next", 0, "goto"), ("turns", "bye", "end"), ("turns", "hello", "expects"),
         ("turns",), ("cast",), ("phrases", "gratitude"), ("reply_time_limit",)]


@st.composite
def mutated_text(draw) -> str:
    text = SCENARIO
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "duplicate"]))
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(TOKENS) | st.text(max_size=8)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif op == "replace" and at < len(text):
            text = text[:at] + draw(st.characters()) + text[at + 1 :]
        else:
            lo = text.rfind("\n", 0, at) + 1
            hi = text.find("\n", at) + 1 or len(text)
            text = text[:hi] + text[lo:hi] + text[hi:]
    return text


@st.composite
def mutated_data(draw) -> str:
    data = copy.deepcopy(DATA)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(PATHS))
        node = data
        for part in path[:-1]:  # an earlier mutation may have put a number where a mapping was
            if isinstance(node, dict):
                node = node.setdefault(part, {})
            elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                node = node[part]
            else:
                node = None
                break
        value = draw(HOSTILE_SCALARS | st.lists(HOSTILE_SCALARS, max_size=3)
                     | st.dictionaries(st.text(max_size=5), HOSTILE_SCALARS, max_size=3))
        if isinstance(node, dict):
            node[path[-1]] = value
        elif isinstance(node, list) and node:
            node[0] = value
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _check(text: str) -> None:
    try:
        scenario = load_text(text, "s.yaml")
    except ScenarioError as exc:
        event("refused")
        assert 1 <= len(exc.problems) <= MAX_PROBLEMS + 1
        for problem in exc.problems:
            assert is_printable(str(problem), one_line=True), str(problem)
        return
    event("loaded, then taken as a typed call")
    _typed_call(scenario)


def _typed_call(scenario) -> None:
    call = Call(scenario, Judge(scenario.phrases))
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=100)
    report.print_situation(console, scenario)
    for reply in ["Thank you so much for the call. Could you tell me what I could do better?", "", "bye"] * 10:
        if call.finished:
            break
        report.print_manager(console, scenario, call.current_id, call.manager_line)
        call.reply(reply)
    if not call.finished:
        call.hang_up()  # a call may go round in circles; thirty replies is plenty
    result = call.result()
    assert math.isfinite(result.score) and 0 <= result.score <= 100
    report.print_scorecard(console, result)
    assert "\x1b" not in out.getvalue() and "\x07" not in out.getvalue()


@seeded
@budget(300)
@given(mutated_text())
def test_mutated_scenario_text_never_crashes(text):
    _check(text)


@seeded
@budget(300)
@given(mutated_data())
def test_hostile_values_in_a_valid_shape_never_crash(text):
    _check(text)


@seeded
@budget(100)
@given(st.binary(max_size=400).map(lambda b: b.decode("utf-8", "surrogateescape")))
def test_arbitrary_text_never_crashes(text):
    _check(text)


SAFE_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60).filter(
    lambda t: t.strip() and any(c.isalnum() for c in t))
DIMENSIONS = ["gratitude", "feedback_request", "tone", "door_open"]


@st.composite
def valid_variants(draw) -> str:
    """Files that should load: odd but allowed values, so the typed call itself is fuzzed."""
    data = copy.deepcopy(DATA)
    weights = st.floats(0, 100, allow_nan=False) | st.integers(0, 100)
    data["rubric"] = {"weights": draw(st.dictionaries(st.sampled_from([*DIMENSIONS, "contact", "delivery"]), weights)),
                      "target": draw(st.none() | st.floats(0, 100)), "attempts": draw(st.none() | st.integers(1, 100))}
    n = draw(st.integers(1, 6))
    turns = {}
    for i in range(n):
        turns[f"t{i}"] = {"say": draw(SAFE_TEXT | st.lists(SAFE_TEXT, min_size=1, max_size=3)),
                          "expects": draw(st.lists(st.sampled_from(DIMENSIONS), unique=True, max_size=4)),
                          "requires_contact": draw(st.booleans()),
                          "next": [{"when": {"gratitude": draw(st.booleans())}, "goto": f"t{draw(st.integers(0, n))}"},
                                   {"goto": f"t{i + 1}"}]}
    turns[f"t{n}"] = {"say": draw(SAFE_TEXT), "end": True}
    data["turns"], data["start"] = turns, "t0"
    data["phrases"] = {"gratitude": draw(st.lists(SAFE_TEXT, max_size=3))}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@seeded
@budget(80)
@given(valid_variants())
def test_mutated_but_valid_files_make_finite_typed_calls(text):
    scenario = load_text(text, "s.yaml")  # these must load: a refusal here is a bug too
    _typed_call(scenario)
