"""Installing a model or voice from the command line: a progress bar, and the outcome in a sentence."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

from rehearsal.voice.model_files import AlreadyInstalled, ModelInstallError, Progress

T = TypeVar("T")


def install_with_progress(command: str, install: Callable[[Progress], T]) -> T | int:
    """Run `install(progress)` with a progress bar on stderr, and return what it installed.

    When there is nothing to install, the exit code instead: 0 if it was installed already, 1 if
    it could not be (both said on stderr, the error as `command: what is wrong`).
    """
    bar = ProgressBar(sys.stderr)
    try:
        return install(bar.update)
    except AlreadyInstalled as exc:
        print(str(exc), file=sys.stderr)
        return 0
    except ModelInstallError as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return 1
    finally:
        bar.close()


class ProgressBar:
    """A rich progress bar on a terminal; on a non-terminal (a log), a line every 10%."""

    def __init__(self, stream):
        self._stream = stream
        self._tty = stream.isatty()
        self._shown = -1
        self._progress = None
        self._task = None

    def update(self, done: int, total: int | None) -> None:
        if self._tty:
            self._bar(total).update(self._task, completed=done, total=total)
        elif total:
            step = int(min(done / total, 1.0) * 10)
            if step != self._shown:
                self._stream.write(f"Downloading: {min(done / total, 1.0):.0%} of {total / 1e6:.1f} MB\n")
                self._stream.flush()
                self._shown = step

    def _bar(self, total: int | None):
        if self._progress is None:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

            self._progress = Progress("Downloading", BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                                      TimeRemainingColumn(), console=Console(file=self._stream), transient=False)
            self._progress.start()
            self._task = self._progress.add_task("download", total=total)
        return self._progress

    def close(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
