"""One set of highlight spans serves the terminal scorecard, the app, replay and reports."""

from __future__ import annotations

from rehearsal.judging.judge import Judge
from rehearsal.judging.verdict import Verdict
from rehearsal.store.evidence import segments, spans


def _kinds(text: str) -> dict[str, str]:
    verdict = Judge().judge(text)
    return {text[s.start:s.end]: s.kind for s in spans(verdict, text)}


def test_pieces_cover_the_whole_reply_in_order():
    text = "Thanks so much for your time. Could you share any feedback on my interview?"
    verdict = Judge().judge(text)
    assert "".join(piece for piece, _ in segments(verdict, text)) == text
    found = spans(verdict, text)
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_each_dimension_and_the_tone_get_their_own_kind():
    kinds = _kinds("Thank you for taking my call. Could you share any feedback?")
    assert "gratitude" in kinds.values() and "feedback_request" in kinds.values()
    assert "negative" in _kinds("Thanks for nothing, this process was rigged.").values()
    assert "rejected" in _kinds("I would appreciate any feedback.").values()


def test_hostile_offsets_from_a_bundle_are_dropped_not_trusted():
    verdict = {"gratitude": {"evidence": [{"text": "x", "start": 5, "end": 500}, {"start": "a", "end": 2}, 7]},
               "tone": {"label": "positive", "evidence": [{"start": -3, "end": 2}]}}
    assert spans(Verdict.from_dict(verdict, "hello there"), "hello there") == []
