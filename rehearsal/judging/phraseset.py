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
_CAPTURES = re.compile(r"\((?!\?)|\\[1-9]")  # a capturing group or a back-reference
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
    """Patterns are compiled the first time a reply could match them, so start-up stays quick.

    Patterns with one index key run as one alternation per key, so at one position the first
    listed pattern that matches wins (as in one big regex). A pattern indexed under several
    words ("\\b(?:advice|tips)") runs on its own when any of them is present, and patterns that
    must always run (or hold a back-reference) run on their own every time.
    """

    def __init__(self, *patterns: str) -> None:
        by_key: dict[str, list[str]] = {}
        self._always_sources: list[str] = []
        self._multi_sources: list[str] = []
        self._multi_by_key: dict[str, list[int]] = {}
        for p in patterns:
            for part in _split_top_level(p):
                keys = _keys(part)
                if keys is None or _CAPTURES.search(part):
                    self._always_sources.append(part)
                elif len(set(keys)) == 1:
                    by_key.setdefault(keys[0], []).append(part)
                else:
                    for k in set(keys):
                        self._multi_by_key.setdefault(k, []).append(len(self._multi_sources))
                    self._multi_sources.append(part)
        self._key_sources = {k: "|".join(f"(?:{p})" for p in parts) for k, parts in by_key.items()}
        self._by_key: dict[str, re.Pattern[str]] = {}
        self._always: list[re.Pattern[str]] | None = None
        self._multi: list[re.Pattern[str] | None] = [None] * len(self._multi_sources)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Matches ordered by position (a match found twice is given once)."""
        if self._always is None:
            self._always = [re.compile(p) for p in self._always_sources]
        found = [m for pattern in self._always for m in pattern.finditer(text)]
        keys = _word_keys(text)
        for key in keys & self._key_sources.keys():
            pattern = self._by_key.get(key) or self._compile_key(key)
            found.extend(pattern.finditer(text))
        multi = {i for key in keys & self._multi_by_key.keys() for i in self._multi_by_key[key]}
        for i in multi:
            pattern = self._multi[i] or self._compile_multi(i)
            found.extend(pattern.finditer(text))
        if len(found) > 1:
            found.sort(key=_position)
            found = [m for i, m in enumerate(found) if i == 0 or m.span() != found[i - 1].span()]
        return iter(found)

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)

    def all_sources(self) -> list[str]:
        """Every regex this set runs when every index key is present (for tests)."""
        return self._always_sources + self._multi_sources + list(self._key_sources.values())

    def _compile_key(self, key: str) -> re.Pattern[str]:
        pattern = self._by_key[key] = re.compile(self._key_sources[key])
        return pattern

    def _compile_multi(self, index: int) -> re.Pattern[str]:
        pattern = self._multi[index] = re.compile(self._multi_sources[index])
        return pattern


def _position(m: re.Match[str]) -> tuple[int, int]:
    return m.start(), -m.end()


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
