"""Where Vosk speech models live, which ones can be installed, and installing them safely.

(Downloading and checking files is in model_files.py, unpacking zips in model_zip.py: Whisper
models and Piper voices install with them too.)

Models live in `rehearsal.paths.models_dir()`, one folder per model named after it. An
install downloads (or copies) into hidden temporary names inside that folder and only the
last step, a rename, makes the model appear: whatever goes wrong before it, including
Ctrl-C, leaves nothing half-installed.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from rehearsal import paths
from rehearsal.settings import Settings
from rehearsal.voice.model_files import (
    AlreadyInstalled,
    ModelInstallError,
    Progress,
    check_name,
    fetch_verified,
    make_room,
    move_into_place,
    remove_stale_temps,
    verify_sha256,
)
from rehearsal.voice.model_zip import unzip

__all__ = ["AlreadyInstalled", "ModelInstallError", "Progress", "CATALOG", "DEFAULT_MODEL", "extract_zip",
           "find_model", "install", "list_installed", "looks_like_model", "pinned_hash"]

DEFAULT_MODEL = "vosk-model-small-en-us-0.15"
MODELS_SITE = "https://alphacephei.com/vosk/models"

# Limits for unpacking are in model_zip.py.
MAX_ZIP_BYTES = 4 * 1024**3  # the zip itself (the largest official model zip is ~2 GB)


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
    check_name(name)
    if from_path is None and url is None and name not in CATALOG:
        raise _unknown_model(name)  # before the checksum check, which would only suggest --unverified
    expected = _expected_hash(name, sha256, unverified, local=from_path is not None)
    root = paths.models_dir()
    target = root / name
    make_room(root, target, force)
    remove_stale_temps(root)
    work = Path(tempfile.mkdtemp(prefix=f".installing-{name}-", dir=root))
    try:
        if from_path is not None and from_path.is_dir():
            model = _copy_folder(from_path, work / "unpacked")
        elif from_path is not None:
            zip_path = _local_zip(from_path)
            if expected is not None:
                verify_sha256(zip_path, expected)
            model = extract_zip(zip_path, work / "unpacked")
        else:
            zip_path = work / "download.zip"
            fetch_verified(_source_url(name, url), zip_path, expected, progress)
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


def _place(model: Path, target: Path) -> None:
    """Move the unpacked model into place with renames, so it appears whole or not at all."""
    if not looks_like_model(model):
        raise ModelInstallError(
            "That does not look like a Vosk model (no am/final.mdl, conf/ and graph/ inside). "
            "Use a model zip from the Vosk models page."
        )
    move_into_place(model, target)


# ---------------------------------------------------------------- sources


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
    """Unpack a model zip into `dest` (safely: model_zip.py); returns the model's folder in it."""
    return _model_root(unzip(zip_path, dest))


def _model_root(folder: Path) -> Path:
    """Official zips wrap the model in one top folder; accept the model at either level."""
    if looks_like_model(folder):
        return folder
    children = [c for c in folder.iterdir() if not c.name.startswith(".") and not c.name.startswith("__MACOSX")]
    if len(children) == 1 and children[0].is_dir() and not children[0].is_symlink():
        return children[0]
    return folder
