"""Keeping the door open: the caller says they will watch the postings, apply again, stay in touch."""

from __future__ import annotations

import re

from rehearsal.judging import lexicon as lx
from rehearsal.judging.normalize import Normalized
from rehearsal.judging.verdict import Evidence, drop_contained


def find(norm: Normalized, extra: re.Pattern[str] | None = None) -> tuple[list[Evidence], list[Evidence]]:
    """(evidence, rejected): "I won't be applying again" is a closed door, kept as rejected."""
    found: list[Evidence] = []
    rejected: list[Evidence] = []
    matches = list(lx.DOOR_OPEN.finditer(norm.text))
    if extra is not None:
        matches += list(extra.finditer(norm.text))
    for m in matches:
        first = norm.word_at(m.start())
        before = {w.text for w in norm.words[max(0, first - 4) : first]}
        if before & lx.DOOR_CLOSED_BEFORE:
            rejected.append(norm.evidence(m.start(), m.end(), "the door closed"))
        else:
            found.append(norm.evidence(m.start(), m.end()))
    return drop_contained(found), drop_contained(rejected)
