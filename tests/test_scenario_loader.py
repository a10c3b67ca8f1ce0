"""Loading scenario files: each kind of mistake is named at the right line:column, in plain words."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from rehearsal.scenario.loader import MAX_BYTES, load_scenario, load_text, problems_in
from rehearsal.scenario.problems import Problem, ScenarioError

GOOD = """\
# yaml-language-server: $schema=../docs/scenario.schema.json
id: tiny
title: Tiny call
description: A short call for tests.
situation: You were turned down yesterday.
persona:
  name: Dana
  role: Manager
  voice: {rate: 160}
start: hello
turns:
  hello:
    say: Dana speaking.
    expects: [gratitude, tone]
    next:
      - when: {tone: negative}
        goto: bye
      - goto: bye
  bye:
    say: Goodbye.
    end: true
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_text(text, "s.yaml")
    return [str(p) for p in info.value.problems]


def test_a_good_file_loads():
    scenario = load_text(GOOD)
    assert scenario.id == "tiny"
    assert scenario.turns["hello"].next[0].goto == "bye"
    assert problems_in(GOOD) == []


def test_load_scenario_accepts_a_path_or_text(tmp_path: Path):
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_scenario(path).id == "tiny"
    assert load_scenario(str(path)).id == "tiny"
    assert load_scenario(GOOD).id == "tiny"


def test_problem_prints_file_line_column():
    assert str(Problem("a.yaml", 3, 7, "what is wrong")) == "a.yaml:3:7: what is wrong"
    assert str(Problem("a.yaml", 0, 0, "no such file")) == "a.yaml:1:1: no such file"


def test_unknown_key_points_at_the_key_and_suggests():
    text = GOOD.replace("title: Tiny call", "titel: Tiny call")
    assert problems(text) == [
        "s.yaml:2:1: missing key 'title' (short name shown in the scenario list); add 'title:' here",
        "s.yaml:3:1: unknown key 'titel'; did you mean 'title'?",
    ]


def test_unknown_nested_key():
    text = GOOD.replace("    expects: [gratitude, tone]", "    expect: [gratitude, tone]")
    assert problems(text) == ["s.yaml:14:5: turns.hello: unknown key 'expect'; did you mean 'expects'?"]


def test_unknown_key_with_nothing_close_lists_the_keys():
    text = GOOD.replace("  voice: {rate: 160}", "  voice: {zzz: 160}")
    (msg,) = problems(text)
    assert msg.startswith("s.yaml:9:11: persona.voice: unknown key 'zzz'; expected one of: pitch, rate, voice")


def test_missing_key_points_at_the_parent():
    text = GOOD.replace("    say: Goodbye.\n", "")
    assert problems(text) == [
        "s.yaml:19:3: turns.bye: missing key 'say' (the manager's line. A list is spoken as consecutive sentences); "
        "add 'say:' here"
    ]


def test_wrong_type_says_what_was_expected():
    text = GOOD.replace("voice: {rate: 160}", "voice: {rate: fast}")
    assert problems(text) == ["s.yaml:9:17: persona.voice.rate: expected a whole number, got the text 'fast'"]


def test_number_out_of_range():
    text = GOOD.replace("voice: {rate: 160}", "voice: {rate: 1000}")
    assert problems(text) == ["s.yaml:9:17: persona.voice.rate: must be at most 400, got the number 1000"]


def test_yes_no_where_text_belongs():
    text = GOOD.replace("say: Goodbye.", "say: true")
    assert problems(text) == [
        "s.yaml:20:10: turns.bye.say: expected text or a list (one '- ' item per line), got the yes/no value true; "
        "put the text in quotes"
    ]


def test_bad_list_item_is_pointed_at():
    text = GOOD.replace("expects: [gratitude, tone]", "expects: [gratitude, feedback]")
    assert problems(text) == [
        "s.yaml:14:26: turns.hello.expects[1]: 'feedback' is not allowed here; did you mean 'feedback_request'?"
    ]


def test_misspelt_tone_label():
    text = GOOD.replace("when: {tone: negative}", "when: {tone: negativ}")
    assert problems(text) == [
        "s.yaml:16:22: turns.hello.next[0].when.tone: 'negativ' is not allowed here; did you mean 'negative'?"
    ]


def test_bad_ids():
    text = GOOD.replace("id: tiny", "id: Tiny Call").replace("  bye:\n", "  Bye Now:\n")
    got = problems(text)
    assert "s.yaml:2:5: id: 'Tiny Call' is not a valid id; use lower-case letters, digits, '-' and '_', e.g. 'tiny-call'" in got
    assert any(p.startswith("s.yaml:19:3: turns: turn 'Bye Now' is not a valid id") for p in got)


def test_empty_manager_line():
    text = GOOD.replace("say: Goodbye.", "say: '  '")
    assert problems(text) == ["s.yaml:20:10: turns.bye.say: the manager's line is empty; write what the manager says"]


def test_turns_as_a_list_is_explained():
    text = GOOD.split("turns:")[0] + "turns:\n  - say: hi\n    end: true\n"
    (msg,) = problems(text)
    assert msg.startswith("s.yaml:12:3: turns: expected a mapping from turn ids to turns")


def test_all_problems_in_one_run_sorted_by_line():
    text = (GOOD.replace("titl", "tilt").replace("rate: 160", "rate: quick")
            .replace("goto: bye\n  bye", "goto: byee\n  bye"))
    got = problems(text)
    lines = [int(p.split(":")[1]) for p in got]
    assert lines == sorted(lines)
    assert len(got) == 4  # unknown key, missing title, bad rate, missing turn
    assert any("there is no turn 'byee' to go to; did you mean 'bye'?" in p for p in got)


def test_yaml_syntax_error_has_a_position():
    text = GOOD.replace("  role: Manager", "  role: Manager: of things")
    (msg,) = problems(text)
    assert msg.startswith("s.yaml:8:16: a ':' here starts a new key")


def test_tabs_are_explained():
    text = GOOD.replace("  role: Manager", "\trole: Manager")
    (msg,) = problems(text)
    assert msg == "s.yaml:8:1: a tab character is used here; YAML indentation must be spaces, so replace the tab with spaces"


def test_unclosed_quote():
    text = GOOD.replace("say: Goodbye.", "say: \"Goodbye.")
    (msg,) = problems(text)
    assert "quoted text is never closed" in msg


def test_duplicate_keys_are_refused():
    text = GOOD.replace("  role: Manager\n", "  role: Manager\n  name: Dan\n")
    assert problems(text) == [
        "s.yaml:9:3: the key 'name' appears twice in this mapping (first on line 7); "
        "YAML would silently keep only the last one, so remove or rename one of them"
    ]


def test_anchors_and_aliases_are_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n"
    (msg,) = problems(bomb)
    assert msg.startswith("s.yaml:1:4: anchors and aliases")


def test_python_tags_are_never_constructed():
    (msg,) = problems("id: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    assert "tag '!!python/object/apply:os.system' is not allowed" in msg
    assert not Path("/tmp/pwned").exists()


def test_yes_and_no_are_text_as_in_yaml_1_2():
    # YAML 1.1 reads a bare `no` as false; a turn named `no` must still work (as in editors).
    text = GOOD.replace("goto: bye", "goto: no").replace("  bye:\n", "  no:\n")
    scenario = load_text(text)
    assert set(scenario.turns) == {"hello", "no"}
    assert scenario.turns["no"].end is True
    # ...and so `end: yes` is the text 'yes', not true (issue 12: no YAML 1.1 readings).
    assert any("expected true or false, got the text 'yes'" in p for p in problems(text.replace("end: true", "end: yes")))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "s.yaml:1:1: the file is empty"),
        ("# only a comment\n", "s.yaml:1:1: the file is empty"),
        ("- id: x\n- id: y\n", "s.yaml:1:1: the file must be a mapping"),
        ("just some words\n", "s.yaml:1:1: the file must be a mapping"),
        ("id: x\n---\nid: y\n", "s.yaml:2:1: the file holds more than one YAML document"),
        ("[" * 5000, "s.yaml:1:33: the file is nested more than 32 levels deep"),
        ("a:\n" + "".join("  " * i + "b:\n" for i in range(1, 200)), "nested more than 32 levels deep"),
        ("id: \x00\n", "s.yaml:1:5: the file contains a control character (U+0000)"),
        ("{a: 1, [b]: 2}", "keys must be plain words"),
        ("id: !custom x\n", "the tag '!custom' is not allowed"),
        ("id: 1" + "0" * 6000 + "\n", "s.yaml:1:5: the value holds a whole number with 6001 digits (limit 30)"),
    ],
)
def test_hostile_or_broken_text_gives_one_clear_problem(text: str, expected: str):
    got = problems(text)
    assert any(expected in p for p in got), got


def test_too_big_is_refused_before_parsing(tmp_path: Path):
    path = tmp_path / "huge.yaml"
    path.write_text("id: x\n" + "# padding\n" * (MAX_BYTES // 10 + 1), encoding="utf-8")
    assert [str(p) for p in problems_in(path)] == [
        f"{path}:1:1: the file is larger than 256 KiB, far more than any scenario needs; check that this is the right file"
    ]


def test_binary_and_other_encodings_are_refused(tmp_path: Path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: x\ntitle: caf\u00e9\n".encode("latin-1"))
    assert [str(p) for p in problems_in(path)] == [
        f"{path}:2:11: this is not UTF-8 text (a binary file, or another encoding); save the scenario as UTF-8"
    ]


def test_a_utf8_bom_is_fine(tmp_path: Path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert load_scenario(path).id == "tiny"


def test_missing_file_and_folder(tmp_path: Path):
    assert [str(p) for p in problems_in(tmp_path / "nope.yaml")] == [f"{tmp_path / 'nope.yaml'}:1:1: no such file; check the path"]
    (msg,) = [str(p) for p in problems_in(tmp_path)]
    assert msg.startswith(f"{tmp_path}:1:1: this is a folder, not a scenario file")


def test_random_junk_never_escapes_as_anything_but_a_scenario_error():
    rng = random.Random(1234)
    pieces = [":", "-", " ", "\n", "\t", "[", "]", "{", "}", "&a", "*a", "!!", "'", '"', "#", "id", "turns",
              "say", "?", "|", ">", "%YAML 1.1", "---", "...", "\u00e9", "0x1F", ".inf", "~", ",", "@", "`"]
    for _ in range(400):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        try:
            load_text(text)
        except ScenarioError as exc:
            assert exc.problems and all(p.message for p in exc.problems)
    for _ in range(100):
        junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))
        try:
            load_text(junk.decode("latin-1"))
        except ScenarioError:
            pass


def test_mangled_builtin_scenarios_only_ever_give_problems():
    from rehearsal import paths

    texts = [p.read_text(encoding="utf-8") for p in sorted(paths.builtin_scenarios_dir().glob("*.yaml"))]
    rng = random.Random(7)
    marks = [":", "-", " ", "  ", "[", "{", '"', "'", "x", "1", "true", "null", "~", "\t", "#", "]", "}"]
    for _ in range(500):
        lines = rng.choice(texts).splitlines()
        for _ in range(rng.randint(1, 4)):
            k = rng.randrange(len(lines))
            op = rng.random()
            if op < 0.3:
                del lines[k]
            elif op < 0.6:
                lines.insert(rng.randrange(len(lines)), lines[k])
            else:
                j = rng.randrange(len(lines[k]) + 1)
                lines[k] = lines[k][:j] + rng.choice(marks) + lines[k][j:]
        try:
            load_text("\n".join(lines))
        except ScenarioError as exc:
            assert exc.problems and all(p.message for p in exc.problems)


def test_an_unclosed_bracket_points_at_the_bracket():
    text = GOOD.replace("expects: [gratitude, tone]", "expects: [gratitude, tone")
    assert problems(text) == [
        "s.yaml:14:14: a '[' or '{' here is never closed; add the matching ']' or '}' (or put the text in quotes)"
    ]
    (msg,) = problems("id: x\nturns: [\n")
    assert msg == "s.yaml:3:1: the file ends in the middle of a value (an unclosed '[' or '{'?); finish or remove the last entry"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("hello:\n", 'hello:\n', None),
        ("  name: Dana", '  name: "   "', 's.yaml:7:9: persona.name: this is only spaces; write some text here'),
        ("title: Tiny call", 'title: "  "', 's.yaml:3:8: title: this is only spaces; write some text here'),
        ("situation: You were turned down yesterday.", 'situation: " "',
         's.yaml:5:12: situation: this is only spaces; write some text here'),
    ],
)
def test_blank_text_is_refused_at_its_line_and_column(old: str, new: str, expected: str | None):
    text = GOOD.replace(old, new)
    assert (problems(text) if expected else problems_in(text)) == ([expected] if expected else [])


@pytest.mark.parametrize("phrase", ['""', '"   "', '"?!"'])
def test_blank_phrase_is_refused_at_its_line_and_column(phrase: str):
    text = GOOD.replace("start: hello", f"phrases:\n  gratitude: [cheers, {phrase}]\nstart: hello")
    assert problems(text) == [
        "s.yaml:11:23: phrases.gratitude[1]: this phrase has no words in it; "
        "write the words that should count, or remove it"
    ]


def test_a_real_phrase_still_loads():
    text = GOOD.replace("start: hello", "phrases:\n  gratitude: [cheers, much obliged]\nstart: hello")
    assert load_text(text).phrases.gratitude == ["cheers", "much obliged"]
