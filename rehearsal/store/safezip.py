"""Reading a zip someone else made: names, sizes and ratios checked, members read into memory.

Nothing is extracted to disk. Every refusal is a `BundleError` with one sentence.
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import PurePosixPath

MAX_ENTRIES = 2_000
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # uncompressed, all members together
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_JSON_BYTES = 32 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members big enough to matter
RATIO_FLOOR = 1024 * 1024


class BundleError(ValueError):
    """A bundle cannot be used; the message is one sentence for a person."""


def check_members(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise BundleError(f"has {len(infos)} files inside; a results bundle has far fewer (limit {MAX_ENTRIES})")
    total = 0
    seen: set[str] = set()
    for info in infos:
        name = info.filename
        _check_name(name)
        if name in seen:
            raise BundleError(f"holds {name!r} twice; refusing an ambiguous bundle")
        seen.add(name)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise BundleError(f"holds a symbolic link ({name!r}); refusing it")
        total += info.file_size
        if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise BundleError("unpacks to more than the size limit; it looks like an archive bomb")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BundleError(f"{name!r} expands {info.file_size // max(info.compress_size, 1)}x; it looks like an archive bomb")


def _check_name(name: str) -> None:
    pure = PurePosixPath(name)
    if (
        "\\" in name
        or "\x00" in name
        or name.startswith("/")
        or (len(name) > 1 and name[1] == ":")
        or any(part == ".." for part in pure.parts)
    ):
        raise BundleError(f"holds a path that escapes the bundle ({name!r}); refusing it")


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    # Read in chunks and stop at the cap: the sizes in the zip's directory can lie.
    buf = io.BytesIO()
    with zf.open(info) as f:
        while chunk := f.read(1 << 16):
            buf.write(chunk)
            if buf.tell() > cap:
                raise BundleError(f"{info.filename!r} is larger than it claims; it looks like an archive bomb")
    return buf.getvalue()


def load_json(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict:
    if info.file_size > MAX_JSON_BYTES:
        raise BundleError(f"{info.filename} is too large ({info.file_size // 1_000_000} MB; the limit is "
                          f"{MAX_JSON_BYTES // 1_000_000} MB)")
    try:
        data = json.loads(read_member(zf, info, MAX_JSON_BYTES).decode("utf-8"),
                          parse_constant=_no_constant, parse_float=_finite_float)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"{info.filename} is not valid JSON ({exc})") from None
    # RuntimeError: encrypted; NotImplementedError: a compression method zipfile lacks.
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError, EOFError) as exc:
        if isinstance(exc, BundleError):
            raise
        raise BundleError(f"{info.filename} is damaged ({exc})") from None
    if not isinstance(data, dict):
        raise BundleError(f"{info.filename} should hold a JSON object")
    return data


def _no_constant(name: str) -> float:
    raise BundleError(f"holds {name}, which is not a number rehearsal writes; the bundle was altered")


def _finite_float(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise BundleError(f"holds the number {text}, too large to be a score; the bundle was altered")
    return value
