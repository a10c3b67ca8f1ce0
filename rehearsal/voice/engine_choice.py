"""Which recognizer hears the replies: Vosk or Whisper, as the `recognizer` setting says.

`auto` takes an English Vosk model when one is installed (it streams, so the live text and the
end of a reply come fastest), else Whisper when faster-whisper and a Whisper model are there,
else whatever Vosk model there is. The screens and `rehearsal models list` describe the choice.

The second pass (`revise_with`): while Vosk hears the call live, Whisper hears each reply again
in the background for the transcript the scorecard and history keep (reviser_model).
"""

from __future__ import annotations

from pathlib import Path

from rehearsal.voice.interfaces import VoiceUnavailable
from rehearsal.voice.recognizer import INSTALL_HINT, load_recognizer
from rehearsal.voice.whisper import model_label


ENGLISH_VOSK = ("en-us", "en-in", "-en-", "english")


def is_english_vosk(path: Path) -> bool:
    """A Vosk model for English, judged by its folder name (official models say so: vosk-model-small-en-us-0.15)."""
    from rehearsal.voice.model_store import CATALOG

    name = path.name.lower()
    entry = CATALOG.get(path.name)
    return (entry is not None and entry.language.startswith("English")) or any(k in name for k in ENGLISH_VOSK)


def choose_engine(settings, model_path: Path | None = None) -> tuple[str, Path | None]:
    """("vosk" | "whisper", model folder or None) for the `recognizer` setting.

    An explicit model folder decides by what it is. `auto` takes an English Vosk model if one is
    installed (it streams, so the live text and the end of a reply come fastest), else Whisper if
    faster-whisper and a Whisper model are here, else whatever Vosk model there is.
    """
    from rehearsal.voice.model_store import find_model
    from rehearsal.voice.whisper import looks_like_whisper_model, whisper_available
    from rehearsal.voice.whisper_models import find_whisper_model

    if model_path is not None:
        path = Path(model_path).expanduser()
        return ("whisper" if looks_like_whisper_model(path) else "vosk"), path
    wanted = getattr(settings, "recognizer", "auto")
    if wanted == "whisper":
        return "whisper", find_whisper_model(settings)
    vosk_path = find_model(settings)
    if vosk_path is not None and looks_like_whisper_model(vosk_path):
        return "whisper", vosk_path  # model_path set to a Whisper folder: take it at its word
    if wanted == "vosk":
        return "vosk", vosk_path
    if vosk_path is not None and vosk_path.is_dir() and is_english_vosk(vosk_path):
        return "vosk", vosk_path
    whisper_path = find_whisper_model(settings)
    if whisper_path is not None and whisper_available():
        return "whisper", whisper_path
    return "vosk", vosk_path


def create_recognizer(settings, model_path: Path | None = None):
    """The recognizer the settings ask for (see `choose_engine`). Raises VoiceUnavailable with what to do."""
    engine, path = choose_engine(settings, model_path)
    if engine == "whisper":
        from rehearsal.voice.whisper import load_whisper

        return load_whisper(path)
    if path is None:
        raise VoiceUnavailable(f"No speech model is installed. {INSTALL_HINT}")
    return load_recognizer(path)


def reviser_model(settings) -> Path | None:
    """The Whisper model that hears each reply again after the call has moved on, or None for no
    second pass. `auto`: when the live engine is Vosk and faster-whisper and a Whisper model are
    here; `whisper`: whenever the live engine is not Whisper already (VoiceUnavailable with what to
    do when it is missing); `off`: never. Whisper live already hears each reply whole."""
    from rehearsal.voice.whisper import INSTALL_HINT as WHISPER_HINT
    from rehearsal.voice.whisper import PACKAGE_HINT, whisper_available
    from rehearsal.voice.whisper_models import find_whisper_model

    wanted = getattr(settings, "revise_with", "auto")
    if wanted == "off":
        return None
    engine, _live = choose_engine(settings, getattr(settings, "model_path", None))
    if engine == "whisper":
        return None
    if not whisper_available():
        if wanted == "whisper":
            raise VoiceUnavailable(f"The second pass needs Whisper. {PACKAGE_HINT}")
        return None
    path = find_whisper_model(settings)
    if path is None and wanted == "whisper":
        raise VoiceUnavailable(f"The second pass needs a Whisper model. {WHISPER_HINT}")
    return path


def describe_engines(settings) -> str:
    """One sentence for the settings and briefing screens: which engine hears the replies, doing what."""
    try:
        engine, path = choose_engine(settings)
    except Exception:  # noqa: BLE001 - a description must never stop a screen
        return "Speech recognition: unknown (see `rehearsal models list`)."
    if path is None:
        return "Speech recognition: no model installed, so replies are typed (`rehearsal models install`)."
    if engine == "whisper":
        return (f"Speech recognition: Whisper ({model_label(path)}) gives the live "
                "text, the end-of-reply words and the transcript the scorecard keeps.")
    try:
        second = reviser_model(settings)
    except VoiceUnavailable:
        second = None
    if second is not None:
        return (f"Speech recognition: Vosk ({path.name}) hears you live and decides when you are done; "
                f"Whisper ({model_label(second)}) rewrites each reply for the scorecard a moment later "
                "(the call goes on from the live words).")
    return f"Speech recognition: Vosk ({path.name}) gives the live text, the end-of-reply words and the transcript."
