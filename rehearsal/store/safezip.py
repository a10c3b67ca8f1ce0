"""Reading a zip someone else made: names, sizes and ratios checked, members read into memory.

Nothing is extracted to disk. Every refusal is a `BundleError` with one sentence.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from pathlib import PurePosixPath

from rehearsal.untrusted import UntrustedInput, loads_json

MAX_BUNDLE_BYTES = 1024 * 1024 * 1024  # the zip itself; checked before it is opened
MAX_ENTRIES = 2_000
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # uncompressed, all members together
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_JSON_BYTES = 32 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members big enough to matter
RATIO_FLOOR = 1024 * 1024
READABLE_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
# Everything that reading a damaged member can raise (zlib.error is none of the others).
READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError)


class BundleError(ValueError):
    """A bundle cannot be used; the message is one sentence for a person."""


def check_members(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:  # zipfile has read the whole directory by now, within MAX_BUNDLE_BYTES
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
        if info.flag_bits & 0x1:
            raise BundleError(f"holds an encrypted file ({name!r}); rehearsal bundles are never encrypted")
        if info.compress_type not in READABLE_METHODS:
            raise BundleError(f"holds {name!r} packed with compression method {info.compress_type}, "
                              "which rehearsal does not read; make the bundle again with rehearsal bundle")
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
    """The member's bytes, or BundleError: sizes can lie and compressed data can be damaged."""
    # Read in chunks and stop at the cap: the sizes in the zip's directory can lie.
    buf = io.BytesIO()
    try:
        with zf.open(info) as f:
            while chunk := f.read(1 << 16):
                buf.write(chunk)
                if buf.tell() > cap:
                    raise BundleError(f"{info.filename!r} is larger than it claims; it looks like an archive bomb")
    except BundleError:
        raise
    except READ_ERRORS as exc:
        raise BundleError(f"{info.filename} is damaged ({type(exc).__name__}: {exc}); "
                          "ask the learner to make the bundle again") from None
    return buf.getvalue()


def load_json(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict:
    if info.file_size > MAX_JSON_BYTES:
        raise BundleError(f"{info.filename} is too large ({info.file_size // 1_000_000} MB; the limit is "
                          f"{MAX_JSON_BYTES // 1_000_000} MB)")
    raw = read_member(zf, info, MAX_JSON_BYTES)
    try:
        # Numbers finite and bounded, nesting bounded (rehearsal.untrusted).
        data = loads_json(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BundleError(f"{info.filename} is not valid JSON (it is not UTF-8 text)") from None
    except UntrustedInput as exc:
        raise BundleError(f"{info.filename} {exc}; the bundle was damaged or altered") from None
    if not isinstance(data, dict):
        raise BundleError(f"{info.filename} should hold a JSON object")
    return data
