"""Unpacking a model zip safely: nothing written outside its folder, no links, no zip bombs.

A zip's directory is only a claim: every member's path, kind, method and size is checked before
anything is written, and the bytes written are counted again while unpacking.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from rehearsal.voice.model_files import CHUNK, ModelInstallError

# Limits for unpacking: the largest official models unpack to ~3.5 GB in a few dozen files.
MAX_FILES = 5_000
MAX_UNPACKED_BYTES = 6 * 1024**3
MAX_PATH_PARTS = 32  # folders deep, per member; models nest three or four
MAX_NAME_CHARS = 1024
_READABLE_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
# What reading a damaged member can raise: a corrupt bz2 stream is an OSError, which must not
# read as "disk full", and zlib.error is none of the others.
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError)
MAX_RATIO = 200  # uncompressed/compressed for one member over RATIO_MIN_BYTES: a zip bomb
RATIO_MIN_BYTES = 1024**2


def unzip(zip_path: Path, dest: Path) -> Path:
    """Unpack a model zip into `dest` (returned), refusing anything that could write outside it.

    Zip has no hard links; symbolic links are refused outright (models never need them).
    """
    try:
        # A damaged directory can raise nearly anything here (a "zip file version 25.0", a
        # name that is not UTF-8...); nothing has been written yet, so all of it is damage.
        archive = zipfile.ZipFile(zip_path)
    except _DAMAGE as exc:
        raise ModelInstallError(f"{zip_path.name} is not a readable zip ({type(exc).__name__}: {exc}). "
                                "Download it again.") from None
    with archive:
        members = archive.infolist()
        _check_members(members)
        dest.mkdir(parents=True)
        for info in members:
            _extract_member(archive, info, dest)
    return dest


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_FILES:
        raise ModelInstallError(f"The zip holds {len(members)} files, more than a model has; refusing to unpack it.")
    total = 0
    for info in members:
        _safe_relative(info.filename)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ModelInstallError(f"The zip holds a symbolic link ({info.filename}); refusing to unpack it.")
        if info.flag_bits & 0x1:
            raise ModelInstallError(f"The zip holds an encrypted file ({info.filename}); models are never "
                                    "encrypted. Download the model's zip again.")
        if info.compress_type not in _READABLE_METHODS:
            raise ModelInstallError(f"{info.filename} in the zip is packed with compression method "
                                    f"{info.compress_type}, which cannot be unpacked here. Download the model's zip again.")
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ModelInstallError(f"{info.filename} in the zip expands suspiciously far (a zip bomb?); refusing it.")
        total += info.file_size
    if total > MAX_UNPACKED_BYTES:
        raise ModelInstallError(f"The zip would unpack to {total / 1024**3:.1f} GB, more than any model; refusing it.")


def _safe_relative(name: str) -> PurePosixPath:
    rel = PurePosixPath(name.replace("\\", "/"))
    if rel.is_absolute() or re.match(r"^[A-Za-z]:", name) or ".." in rel.parts or not rel.parts or "\x00" in name:
        raise ModelInstallError(f"The zip holds a path outside its folder ({_shown(name)}); refusing to unpack it.")
    if len(rel.parts) > MAX_PATH_PARTS or len(name) > MAX_NAME_CHARS:
        raise ModelInstallError(f"The zip holds a path {len(rel.parts)} folders deep ({_shown(name)}); "
                                "no model nests like that, so it is refused.")
    return rel


def _shown(name: str) -> str:
    from rehearsal.printable import printable

    return printable(repr(name if len(name) <= 80 else name[:77] + "..."), one_line=True)


def _extract_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path) -> None:
    target = dest.joinpath(*_safe_relative(info.filename).parts)
    try:
        if info.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        out = open(target, "xb")
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        # Named twice, or both a file and a folder: say it with the zip's name, not our temp path.
        raise ModelInstallError(f"The zip holds {_shown(info.filename)} twice, or as both a file and a "
                                "folder; refusing to unpack it. Download the model's zip again.") from None
    written = 0
    # Count real bytes too: the sizes in a zip's directory are only claims.
    with out:
        for chunk in _member_chunks(archive, info):
            written += len(chunk)
            if written > info.file_size:
                raise ModelInstallError(f"{info.filename} is larger than the zip says; refusing it.")
            out.write(chunk)  # a full disk raises OSError here, reported by install()


def _member_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The member's bytes in chunks; damaged data is a ModelInstallError, not an OSError."""
    try:
        with archive.open(info) as src:
            while chunk := src.read(CHUNK):
                yield chunk
    except _DAMAGE as exc:
        raise ModelInstallError(f"{_shown(info.filename)} in the zip is damaged ({type(exc).__name__}: {exc}). "
                                "Download the model's zip again.") from None
