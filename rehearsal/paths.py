"""Where rehearsal keeps things on disk.

Every location can be moved with an environment variable so tests (and people who
keep their data elsewhere) never touch the real user folders.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "rehearsal"
PACKAGE_DIR = Path(__file__).resolve().parent
# In a checkout the repository root holds scenarios/ and models/; in an installed
# wheel the scenarios are shipped inside the package instead.
CHECKOUT_DIR = PACKAGE_DIR.parent


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """Sessions, recordings and (outside a checkout) speech models."""
    return _env_path("REHEARSAL_DATA_DIR") or Path(platformdirs.user_data_dir(APP))


def config_dir() -> Path:
    return _env_path("REHEARSAL_CONFIG_DIR") or Path(platformdirs.user_config_dir(APP))


def config_file() -> Path:
    return config_dir() / "config.yaml"


def user_scenarios_dir() -> Path:
    """Scenario files a user or coach drops in to see them on the home screen."""
    return config_dir() / "scenarios"


def builtin_scenarios_dir() -> Path:
    shipped = PACKAGE_DIR / "_builtin_scenarios"
    if shipped.is_dir():
        return shipped
    return CHECKOUT_DIR / "scenarios"


def docs_dir() -> Path:
    """The guides and the scenario schema: shipped inside the package, or docs/ in a checkout."""
    shipped = PACKAGE_DIR / "docs"
    if shipped.is_dir():
        return shipped
    return CHECKOUT_DIR / "docs"


def in_checkout() -> bool:
    return (CHECKOUT_DIR / "pyproject.toml").is_file() and (CHECKOUT_DIR / "scenarios").is_dir()


def models_dir() -> Path:
    """Speech models: `models/` in a checkout, else the user data dir."""
    override = _env_path("REHEARSAL_MODELS_DIR")
    if override:
        return override
    if in_checkout():
        return CHECKOUT_DIR / "models"
    return data_dir() / "models"


def sessions_db() -> Path:
    return data_dir() / "sessions.sqlite3"


def recordings_dir() -> Path:
    return data_dir() / "recordings"
