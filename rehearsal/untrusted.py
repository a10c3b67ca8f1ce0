"""Reading what a user hands us: files, JSON and numbers, bounded where they enter.

Every reader of a user-supplied path goes through `open_regular()` / `read_file()`: only a
regular file is accepted (a FIFO would block, /dev/zero never ends, a folder is a mistake),
its size is checked before any byte is read, and reads happen in bounded chunks of exactly the
size that was checked (a file that grows while we read it is read as it was). Every JSON document from a file or a pipe
goes through `loads_json()`: numbers are finite and bounded (at most MAX_DIGITS digits, at most
MAX_NUMBER in size), nesting is bounded, and every failure is a `ValueError` with one sentence.

See docs/limits.md for the limits and why they are where they are. No dependencies: every
layer may use this module.
"""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 16
MAX_DIGITS = 30  # a whole number longer than this is not a score, a count or an id anyone typed
MAX_NUMBER = 1e30
MAX_JSON_DEPTH = 64


class UntrustedInput(ValueError):
    """Input we refuse; the message is one sentence for a person (without the file's name)."""


def open_regular(path: Path | str, max_bytes: int, what: str = "file") -> BinaryIO:
    """Open `path` for reading if it is a regular file of at most `max_bytes` bytes.

    Opened without blocking (a FIFO would otherwise wait for a writer forever), then checked
    with fstat on the open descriptor, so what is checked is what is read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise UntrustedInput("no such file; check the path") from None
    except IsADirectoryError:
        raise UntrustedInput(f"is a folder, not a {what}") from None
    except OSError as exc:
        raise UntrustedInput(f"cannot be read ({exc.strerror or exc}); check that it exists and you may read it") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UntrustedInput(f"is a folder, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise UntrustedInput(f"is not a regular file (a device, pipe or socket); give a {what} saved on disk")
        if info.st_size > max_bytes:
            raise UntrustedInput(f"is {_size(info.st_size)}, larger than any {what} rehearsal reads "
                                 f"(limit {_size(max_bytes)}); check that this is the right file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_file(path: Path | str, max_bytes: int, what: str = "file") -> bytearray:
    """The bytes of a regular file of at most `max_bytes`, read in chunks into one buffer.

    Exactly the size fstat reported is read (a file still being written is read as it was
    when opened), so memory is the file's size once, never more.
    """
    with open_regular(path, max_bytes, what) as handle:
        size = os.fstat(handle.fileno()).st_size
        buf = bytearray(size)
        with memoryview(buf) as view:
            got = 0
            while got < size:
                n = handle.readinto(view[got : got + CHUNK])
                if not n:
                    break
                got += n
        del buf[got:]  # the file shrank while we read it
        return buf


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if n >= scale:
            return f"{n / scale:.0f} {unit}" if n % scale == 0 else f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


# ---------------------------------------------------------------- numbers and JSON


def bounded_int(text: str) -> int:
    """A JSON/YAML integer literal, refused before conversion when it has too many digits."""
    digits = len(text.lstrip("+-"))
    if digits > MAX_DIGITS:
        raise UntrustedInput(f"holds a whole number with {digits} digits (limit {MAX_DIGITS}); "
                             "no score, count or id is that long")
    return int(text)


def bounded_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_NUMBER:
        raise UntrustedInput(f"holds the number {text[:24]}, which is infinite or far too large (limit {MAX_NUMBER:g})")
    return value


def _no_constant(name: str) -> float:
    raise UntrustedInput(f"holds {name}, which is not a number; write a finite number")


def loads_json(text: str | bytes) -> object:
    """Parse JSON with bounded numbers and nesting; raises UntrustedInput with one sentence."""
    try:
        data = json.loads(text, parse_int=bounded_int, parse_float=bounded_float, parse_constant=_no_constant)
    except UntrustedInput:
        raise
    except json.JSONDecodeError as exc:
        raise UntrustedInput(f"is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    except UnicodeDecodeError:
        raise UntrustedInput("is not UTF-8 text; save it as UTF-8") from None
    except RecursionError:
        raise UntrustedInput(f"is nested far too deeply (limit {MAX_JSON_DEPTH} levels)") from None
    _check_depth(data)
    return data


def _check_depth(data: object) -> None:
    """Iterative, so a deep document cannot exhaust the stack here (or later, in our code)."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > MAX_JSON_DEPTH:
            raise UntrustedInput(f"is nested more than {MAX_JSON_DEPTH} levels deep; nothing rehearsal writes is")
        stack.extend((child, depth + 1) for child in children)


# ---------------------------------------------------------------- fields of parsed JSON
# Reading a dict that came from someone else's file: a field of the wrong type reads as its
# default, so one odd value costs that value, never the whole record.


def field_text(data: object, key: str, default: str = "") -> str:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else default


def field_number(data: object, key: str, default: float | None = None) -> float | None:
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return default
    return float(value)


def field_int(data: object, key: str) -> int | None:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def field_bool(data: object, key: str, default: bool = False) -> bool:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, bool) else default


def field_dict(data: object, key: str) -> dict:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def field_list(data: object, key: str) -> list:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []
