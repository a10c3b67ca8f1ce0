"""Fillers as Whisper writes them: with punctuation attached ("Um," / "uh..."), quoted bare."""

from __future__ import annotations

from rehearsal.judging.delivery import find_fillers, measure, transcript_text
from rehearsal.media import Word


def timed(*texts: str, gap: float = 0.05) -> list[Word]:
    """Words 0.2 s long with `gap` seconds between them (no pauses unless asked for)."""
    out, t = [], 0.0
    for text in texts:
        out.append(Word(text, t, t + 0.2))
        t += 0.2 + gap
    return out


def test_hesitations_with_punctuation_attached_are_counted_and_quoted_bare():
    ws = timed("Um,", "thanks", "for", "calling.", "Uh...", "I", "wanted", "to", "ask,", "erm—", "hmm?", "(um)")
    text = transcript_text(ws)
    found = find_fillers(ws)
    assert [f.text for f in found] == ["Um", "Uh", "erm", "hmm", "um"]
    assert all(text[f.start : f.end] == f.text for f in found)
    assert measure(ws).fillers == found


def test_whisper_leading_space_words_keep_their_spans():
    ws = timed(" Um,", " so", " uh.")
    text = transcript_text(ws)
    assert [(text[f.start : f.end]) for f in find_fillers(ws)] == ["Um", "uh"]


def test_a_verbal_filler_set_apart_by_commas_counts_without_a_pause():
    ws = timed("It", "was,", "like,", "fine,", "you", "know,", "mostly.")
    text = transcript_text(ws)
    found = find_fillers(ws)
    assert [f.text for f in found] == ["like", "you know"]
    assert all(text[f.start : f.end] == f.text for f in found)


def test_words_that_only_look_like_fillers_are_not_counted():
    # "like" and "you know" inside a sentence, a word that merely contains a filler, "umbrella".
    ws = timed("I'd", "like", "to", "know,", "do", "you", "know", "why?", "Umbrella,", "human.")
    assert find_fillers(ws) == []
    # Punctuation inside the phrase breaks it: "you, know" is not "you know".
    assert find_fillers(timed("and,", "you,", "know,", "fine")) == []
