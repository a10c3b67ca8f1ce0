"""The one place where untrusted text becomes safe to print.

Scenario files, bundles, transcripts and typed replies come from other people. Before any of
their text reaches a terminal, the TUI, an export or an error message it goes through
`printable()`: control characters (ESC, BEL, CR, ...), lone surrogates, and the bidirectional
controls that can make text display as something else are shown as visible escapes
(`\\x1b`, `\\ud800`, `\\u202e`), so no file can retitle, clear or spoof the screen, and
printing never fails on a character the output encoding cannot hold.

It sits at the bottom layer with no dependencies, so every layer may use it.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL and the C1 controls (0x9b is a one-byte CSI on some
# terminals), bidi embeddings/overrides/isolates, Unicode line/paragraph separators, and
# surrogates (a lone one cannot be encoded at all).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    return _NAMED.get(ch) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text: object, *, one_line: bool = False) -> str:
    """`text` with every unsafe character shown as a visible escape.

    Tabs and newlines are kept unless `one_line` is set (for messages that must stay one line:
    `FILE:LINE:COL: problem`, table cells, titles); then they are escaped too.
    """
    value = text if isinstance(text, str) else str(text)
    pattern = _UNSAFE_LINE if one_line else _UNSAFE
    if pattern.search(value) is None:  # the common case: nothing to do, no copy
        return value
    return pattern.sub(_escape, value)


def is_printable(text: str, *, one_line: bool = False) -> bool:
    """True when `printable(text)` would return it unchanged."""
    return (_UNSAFE_LINE if one_line else _UNSAFE).search(text) is None


def first_unsafe(text: str) -> int | None:
    """The index of the first character `printable()` would escape (newlines and tabs allowed)."""
    m = _UNSAFE.search(text)
    return None if m is None else m.start()
