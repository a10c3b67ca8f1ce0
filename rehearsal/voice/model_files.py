"""Getting model files onto disk safely, for Vosk and Whisper models and Piper voices alike.

Downloads that are checked against a known SHA-256, names that are safe as file names, and the
clean-up of temporary folders left by an install that was killed outright. Unpacking a zip
safely is in model_zip.py; what each kind of model needs is in model_store.py (Vosk),
whisper_models.py and voices.py.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

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


def check_name(name: str) -> None:
    """A name safe to use as a file or folder name in the models folder, or ModelInstallError."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,120}", name):
        raise ModelInstallError(f"{name!r} is not a usable model name: use letters, digits, '.', '_' and '-'.")


def make_room(root: Path, target: Path, force: bool) -> None:
    """Refuse to overwrite an installed `target` unless forced, and make sure its folder `root` exists."""
    if target.exists() and not force:
        raise AlreadyInstalled(target)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelInstallError(f"Cannot create the models folder {root}: {exc.strerror}.") from exc


def remove_stale_temps(root: Path) -> None:
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


def fetch_verified(
    url: str,
    dest: Path,
    sha256: str | None,
    progress: Progress | None = None,
    *,
    site: str = "the Vosk models site",
    offline: str = "Download the zip on another machine and run rehearsal models install --from FILE.zip.",
) -> None:
    """Download `url` to `dest` and, when `sha256` is given, check it (None: nothing to check against).

    Every failure is a ModelInstallError naming `site`; an unreachable one adds the `offline` advice.
    """
    _download(url, dest, progress, site=site, offline=offline)
    if sha256 is not None:
        verify_sha256(dest, sha256)


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


def verify_sha256(path: Path, expected: str) -> None:
    """ModelInstallError, saying what to do, unless the file's SHA-256 is `expected`."""
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


def move_into_place(folder: Path, target: Path) -> None:
    """Rename `folder` to `target` (replacing what is there), so a model appears whole or not at all."""
    old = None
    if target.exists():
        old = target.with_name(f".replaced-{target.name}-{os.getpid()}")
        target.rename(old)
    try:
        folder.rename(target)
    except BaseException:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
