"""The judge's parts: the phrase-set index, tips that quote the reply, odd input."""

from __future__ import annotations

import random
import re

import pytest
from judge_data import load_rows

from rehearsal.judging import lexicon, lexicon_request, tone_cues
from rehearsal.judging.judge import Judge
from rehearsal.judging.normalize import normalize
from rehearsal.judging.phraseset import PhraseSet, _split_top_level
from rehearsal.judging.scoring import score_turn
from rehearsal.judging.tips import cue_for, tips_for
from rehearsal.scenario.model import Weights

PHRASE_SETS = {
    name: value for module in (lexicon, lexicon_request) for name, value in vars(module).items()
    if isinstance(value, PhraseSet)
} | {f"tone {i}": cue for i, (cue, _) in enumerate(tone_cues.NEGATIVE_CUES + tone_cues.POSITIVE_CUES)}


@pytest.mark.parametrize("name", sorted(PHRASE_SETS))
def test_the_index_finds_what_running_every_pattern_finds(name):
    """Skipping the patterns whose first word is not in the reply never loses a match."""
    phrase_set = PHRASE_SETS[name]
    every = [re.compile(src) for src in phrase_set.all_sources()]
    for row in load_rows():
        for text in (normalize(row.text).text, normalize(row.recognized).text):
            brute = sorted({(m.start(), m.end()) for p in every for m in p.finditer(text)})
            indexed = sorted({(m.start(), m.end()) for m in phrase_set.finditer(text)})
            assert indexed == brute, (name, text)


def test_every_match_is_a_match_of_one_listed_pattern():
    phrase_set = PhraseSet(r"\bthank you\b(?: so much)?", r"\bthanks\b", r"\bgrateful\b")
    text = "thank you so much and thanks i am grateful"
    spans = [m.group() for m in phrase_set.finditer(text)]
    assert spans == ["thank you so much", "thanks", "grateful"]


def test_top_level_split_respects_groups():
    assert _split_top_level(r"\ba(?:b|c)\b|\bd\b|^(?:e|f)$") == [r"\ba(?:b|c)\b", r"\bd\b", r"^(?:e|f)$"]


def _tips(text: str, expects=("gratitude", "feedback_request")) -> list[str]:
    verdict = Judge().judge(text)
    return tips_for(verdict, score_turn(verdict, expects, Weights()))


def test_tips_quote_the_look_alike_and_say_why():
    sarcastic = _tips("Thanks for nothing.")
    assert any("\u201cThanks for nothing\u201d sounds sarcastic" in t for t in sarcastic)
    request = _tips("I'd appreciate any feedback.")
    assert any("\u201cI'd appreciate\u201d asks for a favour" in t for t in request)
    mention = _tips("My coach gave me feedback.")
    assert any("mentions feedback but does not ask for it" in t for t in mention)


def test_tone_tips_fit_the_slip():
    assert any("Pleading" in t for t in _tips("Please, I'll do anything."))
    assert any("Sarcasm" in t for t in _tips("Oh great, another generic answer."))
    assert any("warmth" in t for t in _tips("Okay.", expects=("tone",)))


def test_silence_gets_one_tip_and_a_short_cue():
    verdict = Judge().judge("")
    score = score_turn(verdict, ["gratitude"], Weights())
    assert len(tips_for(verdict, score)) == 1
    assert cue_for(verdict, score) == "No reply heard."


def test_odd_input_never_breaks_the_judge():
    rng = random.Random(7)
    alphabet = "abc thanks feedback not no but ? . , ' \u2019 \u00e9\u00df\u4e2d\U0001f600\n\t-_"
    judge = Judge()
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        v = judge.judge(text)
        for ev in [*v.tone.evidence, *v.gratitude.evidence, *v.gratitude.rejected, *v.feedback_request.evidence]:
            assert text[ev.start : ev.end] == ev.text


def test_non_english_letters_are_words():
    v = Judge().judge("Merci, danke sch\u00f6n, thank you \u00e9norm\u00e9ment!")
    assert v.gratitude.detected and v.gratitude.evidence[0].text == "thank you"
