"""Installing speech models: downloads from a local HTTP server, hash checks, hostile zips."""

from __future__ import annotations

import hashlib
import http.server
import io
import stat
import threading
import zipfile
from pathlib import Path

import pytest

from conftest import _skip_or_fail

from rehearsal import paths
from rehearsal.cli.main import main
from rehearsal.settings import Settings
from rehearsal.voice import model_files, model_store, model_zip
from rehearsal.voice.model_store import AlreadyInstalled, ModelInstallError, find_model, install, list_installed

MODEL_FILES = {"am/final.mdl": b"acoustic", "conf/mfcc.conf": b"--sample-frequency=16000\n", "graph/Gr.fst": b"g" * 1000}


def build_zip(files: dict[str, bytes], top: str | None = "vosk-model-test", extra: list[tuple[zipfile.ZipInfo, bytes]] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(f"{top}/{name}" if top else name, data)
        for info, data in extra:
            z.writestr(info, data)
    return buf.getvalue()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body, cut = self.server.routes.get(self.path, (None, False))
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # A cut route dies half-way, like a dropped connection.
        self.wfile.write(body[: len(body) // 2] if cut else body)
        self.wfile.flush()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.routes = {}
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def serve(httpd, path: str, body: bytes, cut: bool = False) -> str:
    httpd.routes[path] = (body, cut)
    return f"http://127.0.0.1:{httpd.server_address[1]}{path}"


def leftovers() -> list[str]:
    root = paths.models_dir()
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def outside_files(tmp_path: Path) -> set[Path]:
    models = paths.models_dir()
    return {p for p in tmp_path.rglob("*") if models not in p.parents and p != models}


# ------------------------------------------------------------------ downloads


def test_download_installs_with_progress_and_checked_hash(server):
    data = build_zip(MODEL_FILES)
    url = serve(server, "/m.zip", data)
    seen: list[tuple[int, int | None]] = []
    path = install("vosk-model-test", url=url, sha256=sha(data), progress=lambda d, t: seen.append((d, t)))
    assert path == paths.models_dir() / "vosk-model-test"
    assert (path / "am" / "final.mdl").read_bytes() == b"acoustic"
    assert leftovers() == ["vosk-model-test"]  # no temp files remain
    assert seen[0] == (0, len(data)) and seen[-1] == (len(data), len(data))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_wrong_hash_installs_nothing(server):
    url = serve(server, "/m.zip", build_zip(MODEL_FILES))
    with pytest.raises(ModelInstallError, match="checksum does not match"):
        install("vosk-model-test", url=url, sha256="0" * 64)
    assert leftovers() == []


def test_default_model_is_checked_against_the_pinned_hash(server):
    url = serve(server, "/m.zip", build_zip(MODEL_FILES))
    with pytest.raises(ModelInstallError, match=model_store.CATALOG[model_store.DEFAULT_MODEL].sha256):
        install(model_store.DEFAULT_MODEL, url=url)
    assert leftovers() == []


def test_interrupted_download_leaves_nothing(server):
    data = build_zip({**MODEL_FILES, "graph/HCLr.fst": bytes(range(256)) * 4000})
    url = serve(server, "/cut.zip", data, cut=True)
    with pytest.raises(ModelInstallError, match="broke off"):
        install("vosk-model-test", url=url, sha256=sha(data))
    assert leftovers() == []


def test_ctrl_c_during_download_leaves_nothing(server):
    data = build_zip(MODEL_FILES)
    url = serve(server, "/m.zip", data)

    def interrupt(done, total):
        if done:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        install("vosk-model-test", url=url, sha256=sha(data), progress=interrupt)
    assert leftovers() == []


def test_unreachable_site_says_how_to_install_offline(server):
    port = server.server_address[1]
    server.shutdown()
    server.server_close()
    with pytest.raises(ModelInstallError, match=r"Could not reach the Vosk models site.*--from FILE\.zip"):
        install("vosk-model-test", url=f"http://127.0.0.1:{port}/m.zip", unverified=True)
    assert leftovers() == []


def test_http_error_is_reported(server):
    url = serve(server, "/m.zip", b"x").replace("/m.zip", "/missing.zip")
    with pytest.raises(ModelInstallError, match="404"):
        install("vosk-model-test", url=url, unverified=True)


def test_model_without_known_hash_needs_an_explicit_choice(server):
    name = next(n for n, e in model_store.CATALOG.items() if e.sha256 is None)
    with pytest.raises(ModelInstallError, match="--sha256 HASH .* --unverified"):
        install(name, url=serve(server, "/m.zip", build_zip(MODEL_FILES)))
    assert install(name, url=serve(server, "/m.zip", build_zip(MODEL_FILES)), unverified=True).is_dir()


# ------------------------------------------------------------------ hostile zips


def _hostile(server, tmp_path, extra, match):
    data = build_zip(MODEL_FILES, extra=extra)
    before = outside_files(tmp_path)
    with pytest.raises(ModelInstallError, match=match):
        install("vosk-model-test", url=serve(server, "/evil.zip", data), sha256=sha(data))
    assert leftovers() == []
    assert outside_files(tmp_path) == before


def test_parent_path_is_refused(server, tmp_path):
    _hostile(server, tmp_path, [(zipfile.ZipInfo("vosk-model-test/../../evil.txt"), b"pwned")], "outside its folder")
    assert not (tmp_path / "evil.txt").exists()


def test_absolute_path_is_refused(server, tmp_path):
    target = tmp_path / "abs-evil.txt"
    _hostile(server, tmp_path, [(zipfile.ZipInfo(str(target)), b"pwned")], "outside its folder")
    assert not target.exists()


def test_symlink_is_refused(server, tmp_path):
    info = zipfile.ZipInfo("vosk-model-test/conf/link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    _hostile(server, tmp_path, [(info, str(tmp_path).encode())], "symbolic link")


def test_zip_bomb_is_refused(server, tmp_path):
    info = zipfile.ZipInfo("vosk-model-test/graph/HCLG.fst")
    info.compress_type = zipfile.ZIP_DEFLATED
    _hostile(server, tmp_path, [(info, bytes(30 * 1024**2))], "zip bomb")


def test_too_large_in_total_is_refused(server, tmp_path, monkeypatch):
    monkeypatch.setattr(model_zip, "MAX_UNPACKED_BYTES", 500)
    _hostile(server, tmp_path, [], "unpack to")


def test_too_many_files_is_refused(server, tmp_path, monkeypatch):
    monkeypatch.setattr(model_zip, "MAX_FILES", 3)
    _hostile(server, tmp_path, [(zipfile.ZipInfo(f"vosk-model-test/x{i}"), b"") for i in range(3)], "more than a model")


def test_zip_that_is_not_a_model_is_refused(server):
    data = build_zip({"readme.txt": b"hello"})
    with pytest.raises(ModelInstallError, match="does not look like a Vosk model"):
        install("vosk-model-test", url=serve(server, "/m.zip", data), sha256=sha(data))
    assert leftovers() == []


def test_broken_zip_is_refused(tmp_path):
    bad = tmp_path / "model.zip"
    bad.write_bytes(build_zip(MODEL_FILES)[:-30])
    with pytest.raises(ModelInstallError):
        install("vosk-model-test", from_path=bad, unverified=True)
    assert leftovers() == []


# ------------------------------------------------------------------ local installs


def test_from_zip_names_the_model_after_the_file(tmp_path):
    src = tmp_path / "vosk-model-mine-0.1.zip"
    src.write_bytes(build_zip(MODEL_FILES))
    path = install(from_path=src)  # a local zip no checksum is known for: the user vouches for it
    assert path.name == "vosk-model-mine-0.1" and model_store.looks_like_model(path)


def test_from_zip_of_a_known_model_checks_its_hash(tmp_path):
    src = tmp_path / f"{model_store.DEFAULT_MODEL}.zip"
    src.write_bytes(build_zip(MODEL_FILES))
    with pytest.raises(ModelInstallError, match="checksum does not match"):
        install(from_path=src)
    assert leftovers() == []


def test_from_folder_copies_it(tmp_path):
    src = tmp_path / "unpacked" / "vosk-model-dir"
    for name, data in MODEL_FILES.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(data)
    path = install(from_path=src)
    assert path.name == "vosk-model-dir" and (path / "graph" / "Gr.fst").stat().st_size == 1000
    assert src.is_dir()  # the source is copied, not moved


def test_from_file_that_is_not_a_zip(tmp_path):
    src = tmp_path / "model.zip"
    src.write_text("not a zip")
    with pytest.raises(ModelInstallError, match="not a zip"):
        install(from_path=src, unverified=True)


def test_already_installed_then_force(tmp_path):
    src = tmp_path / "vosk-model-x.zip"
    src.write_bytes(build_zip(MODEL_FILES))
    install(from_path=src, unverified=True)
    with pytest.raises(AlreadyInstalled):
        install(from_path=src, unverified=True)
    src.write_bytes(build_zip({**MODEL_FILES, "am/final.mdl": b"newer"}))
    path = install(from_path=src, unverified=True, force=True)
    assert (path / "am" / "final.mdl").read_bytes() == b"newer"
    assert leftovers() == ["vosk-model-x"]


def test_full_disk_is_a_sentence(server, monkeypatch):
    data = build_zip(MODEL_FILES)
    url = serve(server, "/m.zip", data)

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(model_zip, "_extract_member", no_space)
    with pytest.raises(ModelInstallError, match="No space left on device.*Free some disk space"):
        install("vosk-model-test", url=url, sha256=sha(data))
    assert leftovers() == []


def test_bad_names_are_refused():
    for name in ("../up", ".hidden", "a/b", ""):
        with pytest.raises(ModelInstallError):
            install(name or " ", url="http://127.0.0.1:9/x.zip", unverified=True)


# ------------------------------------------------------------------ finding and listing


def _fake_model(name: str) -> Path:
    path = paths.models_dir() / name
    for file, data in MODEL_FILES.items():
        (path / file).parent.mkdir(parents=True, exist_ok=True)
        (path / file).write_bytes(data)
    return path


def test_find_model_precedence(tmp_path):
    assert find_model(Settings()) is None
    other = _fake_model("vosk-model-other")
    assert find_model(Settings()) == other
    default = _fake_model(model_store.DEFAULT_MODEL)
    assert find_model(Settings()) == default
    assert find_model(Settings(model_path=tmp_path / "mine")) == tmp_path / "mine"


def test_list_installed_ignores_temps_and_non_models():
    _fake_model("vosk-model-a")
    (paths.models_dir() / ".installing-x").mkdir()
    (paths.models_dir() / "notes").mkdir()
    (paths.models_dir() / "README.md").write_text("hi")
    installed = list_installed()
    assert [m.name for m in installed] == ["vosk-model-a"]
    assert installed[0].size_bytes == sum(len(d) for d in MODEL_FILES.values())


# ------------------------------------------------------------------ the command line


def test_cli_install_and_list(server, capsys):
    data = build_zip(MODEL_FILES)
    url = serve(server, "/m.zip", data)
    assert main(["models", "install", "vosk-model-cli", "--url", url, "--sha256", sha(data)]) == 0
    out, err = capsys.readouterr()
    assert "Installed vosk-model-cli" in out
    assert "100%" in err  # the progress report
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "* vosk-model-cli" in out
    assert model_store.DEFAULT_MODEL in out  # the catalog


def test_cli_errors_are_sentences(server, capsys, tmp_path):
    url = serve(server, "/m.zip", build_zip(MODEL_FILES))
    assert main(["models", "install", "vosk-model-cli", "--url", url, "--sha256", "1" * 64]) == 1
    err = capsys.readouterr().err
    assert "checksum does not match" in err and "Traceback" not in err
    bad = tmp_path / "x.zip"
    bad.write_text("nope")
    assert main(["models", "install", "--from", str(bad), "--unverified"]) == 1
    assert "not a zip" in capsys.readouterr().err


def test_cli_says_when_an_install_was_not_checked(tmp_path, capsys):
    src = tmp_path / "vosk-model-local.zip"
    src.write_bytes(build_zip(MODEL_FILES))
    assert main(["models", "install", "--from", str(src)]) == 0
    assert "not checked against a known SHA-256" in capsys.readouterr().out
    assert main(["models", "install", "--from", str(src)]) == 0  # already there: said, not an error
    assert "already installed" in capsys.readouterr().err


def test_cli_list_with_nothing_installed(capsys, monkeypatch):
    from rehearsal.voice import whisper_models

    monkeypatch.setattr(whisper_models, "list_whisper", lambda: [])  # hide the packaged Whisper model
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "rehearsal models install" in out and "typed replies only" in out


def test_cli_list_says_whisper_is_in_use_when_only_whisper_is_there(capsys, monkeypatch):
    from rehearsal.voice import whisper, whisper_models

    if not whisper_models.list_whisper() or not whisper.whisper_available():
        _skip_or_fail("needs faster-whisper and a Whisper model (the [test] extra installs both)")
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "typed replies only" not in out
    assert "In use: the Whisper model marked *" in out


def test_leftovers_of_a_killed_install_are_cleared(tmp_path):
    import os
    import time

    root = paths.models_dir()
    stale = root / ".installing-vosk-model-x-abc"
    (stale / "unpacked").mkdir(parents=True)
    fresh = root / ".installing-other-def"
    fresh.mkdir()
    old = time.time() - 2 * model_files.STALE_TEMP_S
    os.utime(stale, (old, old))
    src = tmp_path / "vosk-model-x.zip"
    src.write_bytes(build_zip(MODEL_FILES))
    install(from_path=src)
    assert leftovers() == [".installing-other-def", "vosk-model-x"]  # a recent one may be another install's


@pytest.mark.parametrize("extra", [[], ["--unverified"]])
def test_cli_unknown_model_name_lists_the_catalog(capsys, extra):
    assert main(["models", "install", "unknown-name", *extra]) == 1
    err = capsys.readouterr().err
    assert "unknown-name is not a model this program knows" in err
    assert all(name in err for name in model_store.CATALOG)
    assert "--from FILE.zip" in err
    assert "--unverified" not in err and "--sha256" not in err and "Traceback" not in err
    assert not paths.models_dir().exists() or not any(paths.models_dir().iterdir())


@pytest.mark.parametrize(("name", "says"), [
    ("vosk-model-small-ko-0.22", "is a Korean model"),
    ("vosk-model-mine-0.1", "does not say which language"),
    ("vosk-model-small-en-gb-0.15", None),
])
def test_cli_install_from_says_when_the_model_is_not_english(tmp_path, capsys, name, says):
    src = tmp_path / f"{name}.zip"
    src.write_bytes(build_zip(MODEL_FILES))
    assert main(["models", "install", "--from", str(src)]) == 0
    err = capsys.readouterr().err
    if says is None:
        assert "Note:" not in err
    else:
        assert says in err and "English model" in err
