"""Typed user settings, loaded from the user's config.yaml and overridable by environment.

Precedence (highest first): explicit keyword arguments, `REHEARSAL_*` environment
variables, the YAML file, the defaults below.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, PrivateAttr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, YamlConfigSettingsSource

from rehearsal import paths

InputMode = Literal["voice", "typed"]
EndMode = Literal["auto", "push-to-talk"]
RecognizerEngine = Literal["auto", "vosk", "whisper"]
ReviseWith = Literal["auto", "whisper", "off"]
VoiceEngine = Literal["auto", "piper", "pyttsx3"]
EchoCancellation = Literal["auto", "on", "off"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REHEARSAL_", extra="ignore", protected_namespaces=())

    input_device: str | int | None = Field(None, description="Microphone: name or index; none = system default.")
    output_device: str | int | None = Field(None, description="Speaker: name or index; none = system default.")
    input_mode: InputMode = Field("voice", description="Answer aloud, or type replies.")
    end_mode: EndMode = Field("auto", description="How a reply ends: trailing silence, or a key.")
    # 350 ms keeps the manager's answer within ~0.5 s of the caller's last word (people leave
    # ~200 ms); the endpointer waits twice as long when the words so far trail off ("and", "um").
    # People who pause to think can raise it in Settings or use push-to-talk.
    end_silence_ms: int = Field(350, ge=200, le=5000, description="Silence after speech that ends a reply.")
    # The end-of-turn policy (rehearsal/conversation/turn_end.py, docs/turn-taking.md): the pause
    # that ends a reply depends on what was said so far; end_silence_ms is the wait for a reply
    # that is done. A reply that resumes soon after the manager started is taken back and merged.
    turn_closed_ms: int = Field(250, ge=100, le=5000, description="Pause that ends a done reply closed by a full stop.")
    turn_unmet_ms: int = Field(1400, ge=200, le=5000, description="Pause that ends a reply that has not yet done what the turn asks.")
    turn_open_ms: int = Field(1400, ge=200, le=8000, description="Pause that ends a reply left mid-sentence or on a filler.")
    turn_no_words_ms: int = Field(700, ge=200, le=5000, description="Pause that ends a reply with no words recognised yet.")
    turn_stale_ms: int = Field(700, ge=200, le=5000, description="Pause that ends a reply while the recogniser is behind (its words are stale).")
    turn_max_pause_ms: int = Field(2500, ge=500, le=10000, description="Any pause this long ends a reply.")
    turn_resume_grace_ms: int = Field(1500, ge=0, le=5000, description="Caller speaking again this soon after a reply ended: it goes on.")
    turn_finish_wait_ms: int = Field(400, ge=50, le=5000, description="Longest wait for the recogniser to catch up at a reply's end.")
    no_speech_prompt_s: float = Field(8.0, ge=2, le=60, description="Silence before the manager asks if you are there.")
    max_reply_s: float = Field(90.0, ge=5, le=600, description="Longest a reply may run.")
    voice: str | None = Field(None, description="TTS voice id; none = the scenario's hint or the default.")
    rate: int | None = Field(None, ge=80, le=400, description="Manager speaking rate in words per minute.")
    voice_engine: VoiceEngine = Field("auto", description="auto = Piper when a Piper voice is installed, else pyttsx3.")
    phone_line: bool = Field(True, description="The manager sounds as on a telephone line (narrow band, faint hiss); Piper voices only.")
    model_path: Path | None = Field(None, description="Vosk model folder; none = the installed one.")
    recognizer: RecognizerEngine = Field(
        "auto", description="Speech engine: auto = an English Vosk model if installed, else Whisper.")
    whisper_model_path: Path | None = Field(None, description="Whisper model folder; none = the installed one.")
    revise_with: ReviseWith = Field(
        "auto", description="Second pass: Whisper hears each reply again for the scorecard; auto = when Vosk hears live.")
    # auto = on whenever the canceller (pip install 'rehearsal[echo]') is installed: with no echo
    # (headphones) it keeps the caller within ~1 dB for ~1.4 % of a core, so no headset guessing.
    echo_cancellation: EchoCancellation = Field(
        "auto", description="Take the manager's voice out of the microphone (laptop speakers): auto = when installed.")
    theme: str = Field("textual-dark", description="Textual theme name.")
    keep_audio: bool = Field(True, description="Keep recordings of calls; off keeps transcripts only.")
    keymap: dict[str, str] = Field(
        default_factory=dict, description="Other keys for the app's key bindings: binding id -> keys (docs/keys.md).")

    @field_validator("keymap", mode="before")
    @classmethod
    def _digit_keys(cls, value: object) -> object:
        """YAML reads `session.line: 1` as the number 1: that is the key 1."""
        if isinstance(value, dict):
            return {k: str(v) if isinstance(v, int) and not isinstance(v, bool) else v for k, v in value.items()}
        return value

    # What was wrong with the file or environment these settings were loaded from (see load()).
    _problems: tuple[str, ...] = PrivateAttr(default=())

    @property
    def problems(self) -> tuple[str, ...]:
        """Sentences for a person, each naming the file (and line) or variable to fix."""
        return self._problems

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, _Without(settings_cls, env_settings), _YamlFile(settings_cls))


@dataclass
class _Load:
    """One load(): the settings whose value failed validation (their sources are skipped so the
    default applies) and the problems found. Read by the sources while load() builds Settings."""

    ignored: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


_loading: ContextVar[_Load | None] = ContextVar("settings_load", default=None)


def _current() -> _Load:
    """The load in progress; Settings() built directly (tests) reports to no one."""
    return _loading.get() or _Load()


class _Without(PydanticBaseSettingsSource):
    """Another source minus the settings that failed validation."""

    def __init__(self, settings_cls: type[BaseSettings], inner: PydanticBaseSettingsSource) -> None:
        super().__init__(settings_cls)
        self._inner = inner

    def get_field_value(self, field, field_name):  # pragma: no cover - unused by __call__
        return None, field_name, False

    def __call__(self) -> dict:
        return {k: v for k, v in self._inner().items() if k not in _current().ignored}


class _YamlFile(YamlConfigSettingsSource):
    """pydantic-settings' YAML source on config.yaml; a broken file or value is reported and the
    defaults apply, instead of the load failing."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls, yaml_file=paths.config_file(), yaml_file_encoding="utf-8")

    def _read_file(self, file_path: Path) -> dict:
        _problems = _current().problems
        try:
            data = super()._read_file(file_path)
        except (OSError, UnicodeDecodeError) as exc:
            _problems.append(f"{file_path}: cannot be read ({exc}); using the default settings.")
            return {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{file_path}:{mark.line + 1}" if mark else str(file_path)
            _problems.append(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)}); using the default settings. "
                             "Fix the file or delete it.")
            return {}
        if data is None:
            return {}
        if not isinstance(data, dict):
            _problems.append(f"{file_path}: expected `name: value` lines; using the default settings.")
            return {}
        for key in data:
            if key not in Settings.model_fields:
                _problems.append(f"{file_path}: unknown setting {key!r} is ignored.")
        return {k: v for k, v in data.items() if k in Settings.model_fields}

    def __call__(self) -> dict:
        return {k: v for k, v in super().__call__().items() if k not in _current().ignored}


def load() -> Settings:
    """The user's settings. A bad value never stops the app: it is reported (in the result's
    `problems`) and that setting keeps its default."""
    state = _Load()
    token = _loading.set(state)
    try:
        settings = _validated(state)
    finally:
        _loading.reset(token)
    settings._problems = tuple(dict.fromkeys(state.problems))
    return settings


def _validated(state: _Load) -> Settings:
    for _ in range(len(Settings.model_fields) + 1):
        try:
            return Settings()
        except ValidationError as exc:
            for err in exc.errors():
                name = str(err["loc"][0]) if err["loc"] else ""
                if name in state.ignored or name not in Settings.model_fields:
                    raise
                state.ignored.add(name)
                env = f"REHEARSAL_{name.upper()}"
                where = f"environment variable {env}" if env in os.environ else f"{paths.config_file()}"
                state.problems.append(f"{where}: {name} = {err.get('input')!r} is not valid ({err['msg']}); "
                                      "using the default.")
    return Settings()


def save(settings: Settings) -> Path:
    """Write only what differs from the defaults, atomically."""
    path = paths.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = settings.model_dump(mode="json", exclude_defaults=True)
    tmp = path.with_suffix(".yaml.tmp")
    tmp.write_text(yaml.safe_dump(data, sort_keys=True), encoding="utf-8")
    tmp.replace(path)
    return path
