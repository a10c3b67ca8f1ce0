"""Typed user settings, loaded from the user's config.yaml and overridable by environment.

Precedence (highest first): explicit keyword arguments, `REHEARSAL_*` environment
variables, the YAML file, the defaults below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from rehearsal import paths

InputMode = Literal["voice", "typed"]
EndMode = Literal["auto", "push-to-talk"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REHEARSAL_", extra="ignore")

    input_device: str | int | None = Field(None, description="Microphone: name or index; none = system default.")
    output_device: str | int | None = Field(None, description="Speaker: name or index; none = system default.")
    input_mode: InputMode = Field("voice", description="Answer aloud, or type replies.")
    end_mode: EndMode = Field("auto", description="How a reply ends: trailing silence, or a key.")
    end_silence_ms: int = Field(900, ge=200, le=5000, description="Silence after speech that ends a reply.")
    no_speech_prompt_s: float = Field(8.0, ge=2, le=60, description="Silence before the manager asks if you are there.")
    max_reply_s: float = Field(90.0, ge=5, le=600, description="Longest a reply may run.")
    voice: str | None = Field(None, description="TTS voice id; none = the scenario's hint or the default.")
    rate: int | None = Field(None, ge=80, le=400, description="Manager speaking rate in words per minute.")
    model_path: Path | None = Field(None, description="Vosk model folder; none = the installed one.")
    theme: str = Field("textual-dark", description="Textual theme name.")
    keep_audio: bool = Field(True, description="Keep recordings of calls; off keeps transcripts only.")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _YamlFile(settings_cls))


class _YamlFile(PydanticBaseSettingsSource):
    """Reads config.yaml; a broken file is ignored rather than stopping the app."""

    def get_field_value(self, field, field_name):  # pragma: no cover - unused by __call__
        return None, field_name, False

    def __call__(self) -> dict:
        path = paths.config_file()
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            return {}
        return {k: v for k, v in data.items() if k in Settings.model_fields} if isinstance(data, dict) else {}


def load() -> Settings:
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
