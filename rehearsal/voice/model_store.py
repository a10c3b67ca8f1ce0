"""Where Vosk speech models live, which ones can be installed, and installing them safely.

Models live in `rehearsal.paths.models_dir()`, one folder per model named after it. An
install downloads (or copies) into hidden temporary names inside that folder and only the
last step, a rename, makes the model appear: whatever goes wrong before it, including
Ctrl-C, leaves nothing half-installed.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import shutil
import stat
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from rehearsal import paths
from rehearsal.settings import Settings

DEFAULT_MODEL = "vosk-model-small-en-us-0.15"
MODELS_SITE = "https://alphacephei.com/vosk/models"

# Limits for unpacking: the largest official models unpack to ~3.5 GB in a few dozen files.
MAX_FILES = 5_000
MAX_UNPACKED_BYTES = 6 * 1024**3
MAX_ZIP_BYTES = 4 * 1024**3  # the zip itself (the largest official model zip is ~2 GB)
MAX_PATH_PARTS = 32  # folders deep, per member; models nest three or four
MAX_NAME_CHARS = 1024
_READABLE_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA})
# What reading a damaged member can raise: a corrupt bz2 stream is an OSError, which must not
# read as "disk full", and zlib.error is none of the others.
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError)
MAX_RATIO = 200  # uncompressed/compressed for one member over RATIO_MIN_BYTES: a zip bomb
RATIO_MIN_BYTES = 1024**2
CHUNK = 64 * 1024
STALE_TEMP_S = 3600
_TEMP_PREFIXES = (".installing-", ".replaced-")

Progress = Callable[[int, int | None], None]  # (bytes done, total bytes or None)


class ModelInstallError(Exception):
    """An install failed; the message says what happened and what to do."""


class AlreadyInstalled(ModelInstallError):
    def __init__(self, path: Path):
        super().__init__(f"{path.name} is already installed at {path}. Pass --force to install it again.")
        self.path = path


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    name: str
    language: str
    size_mb: int  # download size
    sha256: str | None  # None: no checksum is known to this program
    note: str = ""

    @property
    def url(self) -> str:
        return f"{MODELS_SITE}/{self.name}.zip"


CATALOG: dict[str, CatalogEntry] = {
    e.name: e
    for e in (
        CatalogEntry(
            DEFAULT_MODEL,
            "English (US)",
            40,
            "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498",
            "small and fast",
        ),
        CatalogEntry(
            "vosk-model-en-us-0.22-lgraph",
            "English (US)",
            128,
            None,
            "more accurate, slower to load; no checksum known: needs --sha256 or --unverified",
        ),
        CatalogEntry(
            "vosk-model-small-en-in-0.4",
            "English (India)",
            36,
            None,
            "no checksum known: needs --sha256 or --unverified",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class InstalledModel:
    name: str
    path: Path
    size_bytes: int


# ---------------------------------------------------------------- finding models


def looks_like_model(path: Path) -> bool:
    """A Vosk model folder: an acoustic model, its configuration and a decoding graph."""
    return (path / "am" / "final.mdl").is_file() and (path / "conf").is_dir() and (path / "graph").is_dir()


def list_installed() -> list[InstalledModel]:
    root = paths.models_dir()
    if not root.is_dir():
        return []
    found = []
    for child in sorted(root.iterdir()):
        if child.name.startswith(".") or not child.is_dir() or not looks_like_model(child):
            continue
        found.append(InstalledModel(child.name, child, _folder_size(child)))
    return found


def find_model(settings: Settings | None = None) -> Path | None:
    """The model to use: the setting if set, else the default model, else any installed one."""
    if settings is not None and settings.model_path is not None:
        return Path(settings.model_path).expanduser()
    installed = list_installed()
    for model in installed:
        if model.name == DEFAULT_MODEL:
            return model.path
    return installed[0].path if installed else None


def _folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


# ---------------------------------------------------------------- installing


def install(
    name: str | None = None,
    from_path: Path | None = None,
    url: str | None = None,
    *,
    sha256: str | None = None,
    unverified: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Install a model from the Vosk site, a URL, or a local zip or folder. Returns its folder."""
    name = name or (_name_from_path(from_path) if from_path else DEFAULT_MODEL)
    _check_name(name)
    if from_path is None and url is None and name not in CATALOG:
        raise _unknown_model(name)  # before the checksum check, which would only suggest --unverified
    expected = _expected_hash(name, sha256, unverified, local=from_path is not None)
    root = paths.models_dir()
    target = root / name
    if target.exists() and not force:
        raise AlreadyInstalled(target)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelInstallError(f"Cannot create the models folder {root}: {exc.strerror}.") from exc
    _remove_stale_temps(root)
    work = Path(tempfile.mkdtemp(prefix=f".installing-{name}-", dir=root))
    try:
        if from_path is not None and from_path.is_dir():
            model = _copy_folder(from_path, work / "unpacked")
        else:
            if from_path is not None:
                zip_path = _local_zip(from_path)
            else:
                zip_path = work / "download.zip"
                _download(_source_url(name, url), zip_path, progress)
            if expected is not None:
                _verify_hash(zip_path, expected)
            model = extract_zip(zip_path, work / "unpacked")
        _place(model, target)
        return target
    except OSError as exc:  # disk full, permissions: the network errors were reworded already
        raise ModelInstallError(
            f"Could not write the model into {root} ({exc.strerror or exc}). "
            "Free some disk space or check the folder's permissions, then try again."
        ) from exc
    finally:
        # Runs on success and on any failure, KeyboardInterrupt included.
        shutil.rmtree(work, ignore_errors=True)


def _source_url(name: str, url: str | None) -> str:
    if url:
        return url
    if name in CATALOG:
        return CATALOG[name].url
    raise _unknown_model(name)


def _unknown_model(name: str) -> ModelInstallError:
    known = ", ".join(CATALOG)
    return ModelInstallError(
        f"{name} is not a model this program knows; it can install {known}. For another Vosk model, "
        "download its zip from the Vosk models page and run rehearsal models install --from FILE.zip."
    )


def _check_name(name: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}", name):
        raise ModelInstallError(f"{name!r} is not a usable model name: use letters, digits, '.', '_' and '-'.")


def _name_from_path(path: Path) -> str:
    stem = path.name[: -len(".zip")] if path.name.lower().endswith(".zip") else path.name
    return re.sub(r"[^A-Za-z0-9._-]", "-", stem).lstrip(".-_") or "model"


def _expected_hash(name: str, sha256: str | None, unverified: bool, local: bool) -> str | None:
    if sha256:
        if not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
            raise ModelInstallError("--sha256 takes the 64 hexadecimal digits of the zip's SHA-256.")
        return sha256.lower()
    pinned = pinned_hash(name)
    if unverified or (local and pinned is None):
        return None  # a local file or folder the user chose themselves, with nothing to check it against
    if pinned:
        return pinned
    raise ModelInstallError(
        f"No checksum is known for {name}, so its download cannot be checked. Pass --sha256 HASH "
        "(from the Vosk models page) or --unverified to install it without a check."
    )


def pinned_hash(name: str) -> str | None:
    entry = CATALOG.get(name)
    return entry.sha256 if entry else None


def _remove_stale_temps(root: Path) -> None:
    """Leftovers of an install that was killed outright (a kill -9 skips every cleanup)."""
    now = time.time()
    for child in root.iterdir():
        if not child.name.startswith(_TEMP_PREFIXES):
            continue
        try:
            if now - child.lstat().st_mtime <= STALE_TEMP_S:
                continue  # perhaps another install running right now
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
        except OSError:
            pass  # gone already, or not ours to remove: harmless either way


def _place(model: Path, target: Path) -> None:
    """Move the unpacked model into place with renames, so it appears whole or not at all."""
    if not looks_like_model(model):
        raise ModelInstallError(
            "That does not look like a Vosk model (no am/final.mdl, conf/ and graph/ inside). "
            "Use a model zip from the Vosk models page."
        )
    old = None
    if target.exists():
        old = target.with_name(f".replaced-{target.name}-{os.getpid()}")
        target.rename(old)
    try:
        model.rename(target)
    except BaseException:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- sources


def _download(
    url: str,
    dest: Path,
    progress: Progress | None,
    *,
    site: str = "the Vosk models site",
    offline: str = "Download the zip on another machine and run rehearsal models install --from FILE.zip.",
) -> None:
    try:
        response = urllib.request.urlopen(url, timeout=30)
    except urllib.error.HTTPError as exc:
        raise ModelInstallError(f"{site[:1].upper()}{site[1:]} answered {exc.code} {exc.reason} for {url}.") from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise ModelInstallError(f"Could not reach {site} ({url}: {reason}). {offline}") from exc
    with response, open(dest, "wb") as out:
        total = _content_length(response)
        done = 0
        if progress:
            progress(0, total)
        while chunk := _read(response, url):
            out.write(chunk)  # a full disk raises OSError here, reported by install()
            done += len(chunk)
            if progress:
                progress(done, total)
    if total is not None and done != total:
        raise ModelInstallError(f"The download of {url} broke off after {done} of {total} bytes. Try again.")


def _read(response, url: str) -> bytes:
    try:
        return response.read(CHUNK)
    except (OSError, http.client.HTTPException) as exc:  # reset, timeout, IncompleteRead
        raise ModelInstallError(f"The download of {url} broke off ({exc}). Try again.") from exc


def _content_length(response) -> int | None:
    value = response.headers.get("Content-Length")
    return int(value) if value and value.isdigit() else None


def _local_zip(path: Path) -> Path:
    """A regular file, size-capped, that is a zip (a device or FIFO is refused unread)."""
    from rehearsal.untrusted import UntrustedInput, open_regular

    if not path.exists():
        raise ModelInstallError(f"{path} does not exist.")
    try:
        with open_regular(path, MAX_ZIP_BYTES, "model zip") as f:
            is_zip = zipfile.is_zipfile(f)
    except UntrustedInput as exc:
        raise ModelInstallError(f"{path} {exc}.") from None
    if not is_zip:
        raise ModelInstallError(f"{path} is not a zip file. Give the model's .zip as downloaded, or its unpacked folder.")
    return path


def _verify_hash(path: Path, expected: str) -> None:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1024**2):
            digest.update(chunk)
    actual = digest.hexdigest()
    if actual != expected:
        raise ModelInstallError(
            f"The checksum does not match: SHA-256 {actual}, expected {expected}. The file is damaged "
            "or not the release expected; nothing was installed. Download it again."
        )


def _copy_folder(source: Path, dest: Path) -> Path:
    model = _model_root(source)
    for item in model.rglob("*"):
        if item.is_symlink():
            raise ModelInstallError(f"{item} is a symbolic link; copy the model as plain files and try again.")
        if not (item.is_file() or item.is_dir()):  # a FIFO would block the copy forever
            raise ModelInstallError(f"{item} is not a regular file (a device or pipe); copy the model as plain files.")
    shutil.copytree(model, dest)
    return dest


def extract_zip(zip_path: Path, dest: Path) -> Path:
    """Unpack a model zip into `dest`, refusing anything that could write outside it.

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
    return _model_root(dest)


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


def _model_root(folder: Path) -> Path:
    """Official zips wrap the model in one top folder; accept the model at either level."""
    if looks_like_model(folder):
        return folder
    children = [c for c in folder.iterdir() if not c.name.startswith(".") and not c.name.startswith("__MACOSX")]
    if len(children) == 1 and children[0].is_dir() and not children[0].is_symlink():
        return children[0]
    return folder
