"""'Did you mean ...?' for misspelt keys and turn ids."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, choices: Iterable[str]) -> str | None:
    options = list(choices)
    # Case slips ("Intro" for "intro") are the commonest typo; catch them before fuzzing.
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    if len(word) > 64:
        return None  # difflib is quadratic in length; nobody misspells a 64-letter id
    # Only choices of a comparable length can reach the cutoff (2*matches/(a+b) >= 0.6).
    near = [c for c in options if len(c) <= 64 and 0.42 * max(len(c), len(word)) <= min(len(c), len(word))]
    found = difflib.get_close_matches(word, near, n=1, cutoff=0.6)
    return found[0] if found else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """'; did you mean 'x'?' or, with nothing close, the list of choices (short lists only)."""
    options = sorted(choices)
    match = closest(word, options)
    if match is not None:
        return f"; did you mean '{match}'?"
    if options and len(options) <= 12:
        return "; expected one of: " + ", ".join(options)
    return ""
