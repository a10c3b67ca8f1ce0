"""A set of phrase patterns that only runs the patterns whose first word can be in the text.

One regex of a hundred alternatives tries every alternative at every position; indexing the
patterns by the first letters of their leading word, and looking up the reply's words first,
keeps the judge at thousands of replies a second. Patterns that do not start with a plain
word (anchors, look-behinds, optional words) always run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

_KEY = 4  # patterns and words meet on their first four letters ("unfair(?:ly)?" ~ "unfairly")
# A leading literal word, optionally inside a group of alternatives: "\bword", "\b(?:one|two words)".
_LEADING_WORD = re.compile(r"^\\b([a-z]+)(.?)")
_LEADING_GROUP = re.compile(r"^\\b\(\?:((?:[a-z ]+\|)*[a-z ]+)\)(?=\\b| )")


def _key(literal: str, complete: bool) -> str | None:
    if len(literal) >= _KEY:
        return literal[:_KEY]
    return literal if complete else None


def _keys(pattern: str) -> list[str] | None:
    """The index keys of a pattern, or None when it must always run."""
    m = _LEADING_GROUP.match(pattern)
    if m:
        keys = [_key(alt.split()[0], True) for alt in m.group(1).split("|")]
        return None if None in keys else keys  # type: ignore[return-value]
    m = _LEADING_WORD.match(pattern)
    if not m:
        return None
    literal, after = m.groups()
    if after in ("?", "*", "{"):  # the last letter is optional
        literal = literal[:-1]
    complete = after in ("", " ", "\\")
    key = _key(literal, complete)
    return None if key is None else [key]


@lru_cache(maxsize=64)  # each reply is searched by a dozen phrase sets in a row
def _word_keys(text: str) -> frozenset[str]:
    return frozenset(w[:_KEY] for w in text.split())


class PhraseSet:
    """Patterns are compiled the first time a reply could match them, so start-up stays quick."""

    def __init__(self, *patterns: str) -> None:
        self._sources: list[str] = []
        self._compiled: list[re.Pattern[str] | None] = []
        self._by_key: dict[str, list[int]] = {}
        self._always: list[int] = []
        for p in patterns:
            for part in _split_top_level(p):
                index = len(self._sources)
                self._sources.append(part)
                self._compiled.append(None)
                keys = _keys(part)
                if keys is None:
                    self._always.append(index)
                else:
                    for k in keys:
                        self._by_key.setdefault(k, []).append(index)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Matches of every pattern, ordered by position (overlaps possible)."""
        by_key = self._by_key
        candidates = dict.fromkeys(self._always)
        for key in _word_keys(text) & by_key.keys():
            candidates.update(dict.fromkeys(by_key[key]))
        compiled = self._compiled
        found = []
        for index in candidates:
            pattern = compiled[index] or self._compile(index)
            found.extend(pattern.finditer(text))
        found.sort(key=lambda m: (m.start(), -m.end()))
        return iter(found)

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)

    def _compile(self, index: int) -> re.Pattern[str]:
        compiled = self._compiled[index] = re.compile(self._sources[index])
        return compiled


def _split_top_level(pattern: str) -> list[str]:
    """Split "a|b|c" at top-level bars, so each alternative is indexed by its own first word."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    return parts
