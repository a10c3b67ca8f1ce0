"""The speech recogniser, loaded in a background thread so a call (or the app) never waits for it.

Loading a model takes seconds. The app starts loading at launch and again when the settings
change; `rehearsal practice` starts when a voice call opens. Either way the call asks
`provide()` when a reply starts: None while the model loads, the recogniser once it has.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from rehearsal.voice.interfaces import Recognizer, VoiceUnavailable

Load = Callable[[Path | None], Recognizer]  # Services.recognizer_factory


class SpeechModel:
    def __init__(self, load: Load, model_path: Path | None = None,
                 on_done: Callable[[SpeechModel], None] | None = None) -> None:
        self._load = load
        self._path = model_path
        self._on_done = on_done
        self._done = threading.Event()
        self._recognizer: Recognizer | None = None
        self._error: str | None = None
        self._thread = threading.Thread(target=self._run, name="speech-model-loader", daemon=True)

    def start(self) -> SpeechModel:
        """Begin loading (on_done is called on the loader's thread when it ends)."""
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self._recognizer = self._load(self._path)
        except VoiceUnavailable as exc:
            self._error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a broken model reaches the person as a sentence
            self._error = f"The speech model could not load ({exc}). Typed replies work meanwhile."
        finally:
            self._done.set()
            if self._on_done is not None:
                self._on_done(self)

    @property
    def ready(self) -> bool:
        """Loading has ended, either way."""
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until loading ends (either way); True if it has."""
        return self._done.wait(timeout)

    def get(self) -> Recognizer | None:
        """The recogniser once loaded; None while loading or after a failure (see `error`)."""
        return self._recognizer if self._done.is_set() else None

    @property
    def error(self) -> str | None:
        return self._error if self._done.is_set() else None

    def provide(self) -> Recognizer | None:
        """For the call loop: None while loading; a model that failed raises VoiceUnavailable
        (the call says so once and goes on typed)."""
        if self.error:
            raise VoiceUnavailable(self.error)
        return self.get()
