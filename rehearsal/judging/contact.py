"""Did the caller leave a way to reach them: a phone number or an email address?

Works on the reply as typed or as a recognizer heard it: "555-0123 4567" and "five five five
oh one two three", "sam.lee@gmail.com" and "sam dot lee at gmail dot com". Evidence spans
index the reply itself, so reports can highlight them.
"""

from __future__ import annotations

import re

from rehearsal.judging.verdict import Detection, Evidence

MIN_PHONE_DIGITS = 7  # the shortest local number; fewer is a time, a year or a count

_UNITS = {
    "zero": 1, "oh": 1, "o": 1, "nought": 1, "one": 1, "two": 1, "three": 1, "four": 1,
    "five": 1, "six": 1, "seven": 1, "eight": 1, "nine": 1,
}
_TENS = {"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
         "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
_REPEAT = {"double": 2, "triple": 3}

_TOKEN = re.compile(r"[A-Za-z]+|\d+")
_BETWEEN = re.compile(r"[\s,.()+/-]*")  # what may sit between the digits of one number

_WORD = r"[a-z0-9]+"
_JOIN = r"(?:\s+(?:dot|underscore|dash|hyphen)\s+|[._-])"
_EMAIL_TYPED = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE)
# Spoken, the domain must end in a common top-level domain, so "reach me at sam dot lee at gmail
# dot com" finds the address and not "me at sam dot lee".
_TLD = r"(?:com|org|net|edu|gov|io|co|uk|us|ca|au|de|fr|ie|nz|in|me|info|dev|ac)"
_DOT = r"(?:\s+dot\s+|\.)"
_EMAIL_SPOKEN = re.compile(
    rf"\b{_WORD}(?:{_JOIN}{_WORD})*\s+at\s+{_WORD}(?:{_DOT}{_WORD})*{_DOT}{_TLD}\b", re.IGNORECASE
)


def find(text: str) -> Detection:
    """Phone numbers and email addresses in the reply, with their spans."""
    evidence = _phones(text) + _emails(text)
    evidence.sort(key=lambda e: e.start)
    return Detection(bool(evidence), 1.0 if evidence else 0.0, evidence)


def _phones(text: str) -> list[Evidence]:
    found: list[Evidence] = []
    run: list[re.Match[str]] = []
    digits = 0
    pending = 1  # "double" / "triple" repeat the next digit
    after_tens = False  # "fifty five" is two digits, not three

    def close() -> None:
        if run and digits >= MIN_PHONE_DIGITS:
            start, end = run[0].start(), run[-1].end()
            if start and text[start - 1] == "+":
                start -= 1  # keep an international "+" with the number
            found.append(Evidence(text[start:end], start, end, "phone number"))

    for token in _TOKEN.finditer(text):
        word = token.group().lower()
        count = _digit_count(word)
        joined = bool(run) and _BETWEEN.fullmatch(text, run[-1].end(), token.start()) is not None
        if count is None:
            close()
            run, digits, pending, after_tens = [], 0, 1, False
            continue
        if not joined:
            close()
            run, digits, pending, after_tens = [], 0, 1, False
        run.append(token)
        if word in _REPEAT:
            pending = _REPEAT[word]
            continue
        if after_tens and word in _UNITS and word not in ("zero", "oh", "o", "nought"):
            count = 0
        digits += count * pending
        pending, after_tens = 1, word in _TENS and word not in ("ten", "eleven", "twelve") and not word.endswith("teen")
    close()
    return found


def _digit_count(word: str) -> int | None:
    """How many digits a token says; None for a word that is not part of a number."""
    if word.isdigit():
        return len(word)
    if word in _UNITS:
        return 1
    if word in _TENS:
        return 2
    if word in _REPEAT:
        return 0
    return None


def _emails(text: str) -> list[Evidence]:
    found = [Evidence(m.group(), m.start(), m.end(), "email address") for m in _EMAIL_TYPED.finditer(text)]
    for m in _EMAIL_SPOKEN.finditer(text):
        if not any(e.start < m.end() and m.start() < e.end for e in found):
            found.append(Evidence(m.group(), m.start(), m.end(), "email address"))
    return found
