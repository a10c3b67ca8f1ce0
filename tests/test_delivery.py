"""Delivery figures from hand-built word timings: exact numbers."""

from __future__ import annotations

import pytest

from rehearsal.judging.delivery import find_fillers, longest_pause, measure, transcript_text
from rehearsal.media import Word


def words(*spec: tuple[str, float, float]) -> list[Word]:
    return [Word(t, s, e) for t, s, e in spec]


def test_pace_counts_speaking_time_from_first_to_last_word():
    # 10 words between 1.0 s and 5.0 s: 10 / 4 s * 60 = 150 wpm; the silent first second is latency.
    ws = [Word(f"w{i}", 1.0 + i * 0.4, 1.0 + i * 0.4 + 0.3) for i in range(9)] + [Word("end", 4.6, 5.0)]
    d = measure(ws, latency_s=1.0)
    assert d.words == 10
    assert d.duration_s == 4.0
    assert d.wpm == 150.0
    assert d.latency_s == 1.0
    assert d.fillers == []
    assert d.fillers_per_min == 0.0


def test_longest_pause_is_the_biggest_gap_between_consecutive_words():
    ws = words(("thank", 0.0, 0.3), ("you", 0.35, 0.5), ("for", 2.5, 2.7), ("calling", 2.8, 3.2))
    assert longest_pause(ws) == pytest.approx(2.0)
    assert measure(ws).longest_pause_s == 2.0


def test_hesitations_are_fillers_with_spans_into_the_joined_text():
    ws = words(("um", 0.0, 0.2), ("thank", 0.3, 0.5), ("you", 0.5, 0.7), ("uh", 0.8, 0.9), ("so", 1.0, 1.2))
    text = transcript_text(ws)
    d = measure(ws)
    assert [(f.text, f.start, f.end) for f in d.fillers] == [("um", 0, 2), ("uh", 13, 15)]
    assert [text[f.start : f.end] for f in d.fillers] == ["um", "uh"]
    # 2 fillers in 1.2 s of speech; the rate is taken over at least 10 s so short replies stay sane.
    assert d.fillers_per_min == 12.0


def test_fillers_per_minute_over_a_long_reply():
    ws = [Word("um" if i % 10 == 0 else "word", i * 0.5, i * 0.5 + 0.4) for i in range(60)]
    d = measure(ws)  # 60 words from 0.0 to 29.9 s, 6 of them "um"
    assert d.duration_s == 29.9
    assert d.fillers_per_min == pytest.approx(6 / (29.9 / 60), abs=0.01)
    assert d.wpm == pytest.approx(60 / 29.9 * 60, abs=0.1)


def test_like_as_a_verb_is_not_a_filler():
    ws = words(("i'd", 0.0, 0.2), ("like", 0.25, 0.5), ("to", 0.55, 0.6), ("ask", 0.65, 0.9))
    assert find_fillers(ws) == []


def test_verbal_fillers_set_apart_by_pauses_count():
    ws = words(
        ("it", 0.0, 0.2), ("was", 0.25, 0.4),
        ("like", 0.9, 1.1),  # 0.5 s before, 0.5 s after
        ("fine", 1.6, 1.9),
        ("you", 2.5, 2.6), ("know", 2.6, 2.8),  # 0.6 s before, reply ends after
    )
    found = find_fillers(ws)
    assert [(f.text, f.note) for f in found] == [("like", "verbal filler"), ("you know", "verbal filler")]
    text = transcript_text(ws)
    assert [text[f.start : f.end] for f in found] == ["like", "you know"]


def test_you_know_run_into_the_sentence_is_not_a_filler():
    ws = words(("as", 0.0, 0.1), ("you", 0.15, 0.3), ("know", 0.3, 0.5), ("i", 0.55, 0.6), ("applied", 0.6, 1.0))
    assert find_fillers(ws) == []


def test_a_reply_that_is_only_like_is_a_word():
    assert find_fillers(words(("like", 0.0, 0.3))) == []


def test_no_words_gives_empty_figures():
    d = measure([], latency_s=2.0)
    assert (d.words, d.duration_s, d.wpm, d.fillers_per_min, d.longest_pause_s, d.latency_s) == (0, 0.0, None, None, 0.0, 2.0)


def test_one_word_has_no_pace():
    d = measure(words(("hello", 0.5, 0.9)))
    assert d.words == 1 and d.wpm is None and d.duration_s == 0.4


def test_timings_are_sorted_and_clipped_to_the_audio():
    ws = words(("b", 1.0, 1.5), ("a", 0.0, 0.5), ("late", 3.0, 3.5), ("edge", 1.8, 2.4))
    d = measure(ws, audio_seconds=2.0)
    assert d.words == 3  # "late" starts after the audio ends
    assert d.duration_s == 2.0  # "edge" clipped to 2.0
    assert d.longest_pause_s == 0.5


def test_upper_case_fillers_match():
    assert [f.text for f in find_fillers(words(("UM", 0.0, 0.2), ("Hmm", 0.3, 0.5)))] == ["UM", "Hmm"]


def test_to_dict_is_json_ready():
    import json

    d = measure(words(("um", 0.0, 0.2), ("thanks", 0.3, 0.8)))
    data = json.loads(json.dumps(d.to_dict()))
    assert data["fillers"][0] == {"text": "um", "start": 0, "end": 2, "note": "hesitation"}
