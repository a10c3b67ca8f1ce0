"""The contact check: a phone number or email in the reply, typed or as the recognizer hears it,
and the `requires_contact` turn key that scores it (the voicemail's "how to reach you")."""

from __future__ import annotations

import pytest

from rehearsal import paths
from rehearsal.call.engine import Call
from rehearsal.judging import contact
from rehearsal.judging.judge import Judge
from rehearsal.scenario.loader import load_file, load_text
from rehearsal.scenario.problems import ScenarioError
from rehearsal.store.evidence import spans

FOUND = [
    ("Call me on 07700 900123 any time.", "07700 900123", "phone number"),
    ("my number is 555-0123 4567.", "555-0123 4567", "phone number"),
    ("Reach me on +44 20 7946 0958, thanks.", "+44 20 7946 0958", "phone number"),
    ("my number is five five five oh one two three four thanks", "five five five oh one two three four",
     "phone number"),
    ("it's oh seven seven double oh nine double one two three", "oh seven seven double oh nine double one two three",
     "phone number"),
    ("Email me at sam.lee@gmail.com if that's easier.", "sam.lee@gmail.com", "email address"),
    ("you can reach me at sam dot lee at gmail dot com thank you", "sam dot lee at gmail dot com", "email address"),
    ("it's sam underscore lee at outlook dot co dot uk", "sam underscore lee at outlook dot co dot uk",
     "email address"),
]

NOT_FOUND = [
    "Hi Priya, thanks so much for the interview on the twenty third.",
    "I'm free at two or three tomorrow, or any time after four.",
    "Oh, hi, it's Sam, thanks for your time in May 2024.",
    "you can reach me at home",
    "my number is in my email",
    "call me on five five five one two",  # too short for a number
]


@pytest.mark.parametrize(("text", "quote", "note"), FOUND)
def test_a_number_or_address_is_found_with_its_span(text: str, quote: str, note: str):
    found = contact.find(text)
    assert found.detected
    (ev,) = found.evidence
    assert (ev.text, ev.note) == (quote, note)
    assert text[ev.start:ev.end] == quote


@pytest.mark.parametrize("text", NOT_FOUND)
def test_no_number_or_address_is_not_contact(text: str):
    assert not contact.find(text).detected


def test_number_and_email_are_both_quoted_in_order():
    text = "It's 07700 900123, or sam@example.org."
    assert [e.note for e in contact.find(text).evidence] == ["phone number", "email address"]


VOICEMAIL = paths.builtin_scenarios_dir() / "voicemail.yaml"
NO_CONTACT = ("Hi Priya, it's Sam Lee about the data engineer role. Thank you so much for the interview. "
              "Would you be open to sharing any feedback? I'd love to be considered for future roles. "
              "Please call me back when you can.")
WITH_NUMBER = NO_CONTACT + " My number is oh seven seven double oh nine double one two three. Thanks!"


def _reply(text: str):
    scenario = load_file(VOICEMAIL)
    return Call(scenario, Judge(scenario.phrases)).reply(text)


def test_the_voicemail_without_a_number_or_email_does_not_score_full_marks():
    record = _reply(NO_CONTACT)
    assert record.score.parts["contact"] == 0.0
    assert "contact" in record.score.missed
    assert record.score.score < 100
    assert any(t.startswith("Say how to reach you: your number, slowly, twice") for t in record.tips)
    assert record.verdict.to_dict()["contact"]["detected"] is False


def test_the_voicemail_with_a_spoken_number_gets_the_contact_part_with_evidence():
    record = _reply(WITH_NUMBER)
    assert record.score.parts["contact"] == 1.0
    assert record.score.score == 100
    assert not any("how to reach you" in t for t in record.tips)
    assert "left a way to reach you" in record.cue
    kinds = {(s.kind, WITH_NUMBER[s.start:s.end]) for s in spans(record.verdict, WITH_NUMBER)}
    assert ("contact", "oh seven seven double oh nine double one two three") in kinds


def test_turns_without_requires_contact_are_scored_as_before():
    scenario = load_file(paths.builtin_scenarios_dir() / "follow-up-better-fit.yaml")
    record = Call(scenario, Judge(scenario.phrases)).reply("Thanks, my number is 07700 900123.")
    assert "contact" not in record.score.parts
    assert "contact" not in record.verdict.to_dict()


def test_requires_contact_on_an_end_turn_is_flagged():
    text = VOICEMAIL.read_text(encoding="utf-8").replace(
        "    say: Your message has been saved. Goodbye.\n",
        "    say: Your message has been saved. Goodbye.\n    requires_contact: true\n",
    )
    with pytest.raises(ScenarioError) as info:
        load_text(text, "v.yaml")
    assert any("'requires_contact' does nothing here" in str(p) for p in info.value.problems)


def test_the_contact_weight_counts():
    text = VOICEMAIL.read_text(encoding="utf-8").replace("door_open: 1.0}", "door_open: 1.0, contact: 4.0}")
    scenario = load_text(text)
    record = Call(scenario, Judge(scenario.phrases)).reply(NO_CONTACT)
    assert record.score.score == pytest.approx(100 * 4 / 8, abs=0.1)
