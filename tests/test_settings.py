"""Settings: YAML file + environment; a bad value is reported and never stops the app."""

from __future__ import annotations

from rehearsal import paths
from rehearsal import settings as settings_module


def _write(text: str) -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_file_values_apply_and_environment_wins(monkeypatch):
    _write("rate: 150\nkeep_audio: false\n")
    monkeypatch.setenv("REHEARSAL_RATE", "190")
    loaded = settings_module.load()
    assert loaded.rate == 190 and loaded.keep_audio is False
    assert loaded.problems == ()


def test_a_bad_value_keeps_its_default_and_is_reported(monkeypatch):
    _write("keep_audio: maybe\nrate: 150\nbogus: 1\n")
    monkeypatch.setenv("REHEARSAL_END_SILENCE_MS", "soon")
    loaded = settings_module.load()
    assert loaded.keep_audio is True and loaded.rate == 150 and loaded.end_silence_ms == 350
    found = "\n".join(loaded.problems)
    assert "keep_audio = 'maybe' is not valid" in found
    assert "REHEARSAL_END_SILENCE_MS" in found
    assert "unknown setting 'bogus'" in found


def test_broken_yaml_is_reported_with_its_line():
    _write("rate: 150\nkeep_audio: [\n")
    loaded = settings_module.load()
    assert loaded.rate is None
    (problem,) = loaded.problems
    assert f"{paths.config_file()}:3: not valid YAML" in problem


def test_save_writes_only_what_differs_and_round_trips():
    loaded = settings_module.load().model_copy(update={"rate": 120, "theme": "textual-light"})
    path = settings_module.save(loaded)
    assert sorted(path.read_text().split()) == sorted("rate: 120 theme: textual-light".split())
    again = settings_module.load()
    assert again.rate == 120 and again.theme == "textual-light"


def test_a_file_that_is_not_name_value_lines_or_not_text_keeps_the_defaults():
    _write("- rate\n- 150\n")
    loaded = settings_module.load()
    assert loaded.rate is None and "expected `name: value` lines" in loaded.problems[0]
    paths.config_file().write_bytes(b"rate: \xff\xfe150\n")
    loaded = settings_module.load()
    assert loaded.rate is None and "cannot be read" in loaded.problems[0]
    _write("")
    loaded = settings_module.load()
    assert loaded.rate is None and loaded.problems == ()


def test_problems_belong_to_the_load_that_found_them():
    _write("rate: 5\n")
    bad = settings_module.load()
    _write("rate: 150\n")
    good = settings_module.load()
    assert good.problems == () and "rate = 5 is not valid" in bad.problems[0]
    assert bad.model_copy(update={"theme": "textual-light"}).problems == bad.problems  # kept by a copy
    assert settings_module.Settings().problems == ()  # built directly, not loaded: nothing to report
