"""Keep native libraries' stderr chatter off the app's screen.

ALSA and PortAudio print warnings ("underrun occurred") straight to file descriptor 2,
which is also where Textual draws the app: they would scribble over the screen. While
the app runs, fd 2 goes to a log file and Textual draws on a duplicate of the terminal, and
rehearsal's own warnings (with their tracebacks) go to the app log.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def native_stderr_to(log_path: Path) -> Iterator[None]:
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError:
        yield  # nowhere to put it: better scribbles than no app
        return
    terminal_fd = os.dup(2)
    terminal = os.fdopen(terminal_fd, "w", buffering=1, encoding=sys.stderr.encoding or "utf-8",
                         errors="replace")
    saved = sys.__stderr__, sys.stderr
    sys.stderr.flush()
    os.dup2(log_fd, 2)
    os.close(log_fd)
    sys.__stderr__ = sys.stderr = terminal  # Textual draws on sys.__stderr__
    try:
        yield
    finally:
        terminal.flush()
        os.dup2(terminal_fd, 2)
        sys.__stderr__, sys.stderr = saved
        terminal.close()


@contextlib.contextmanager
def app_log_to(log_path: Path) -> Iterator[None]:
    """rehearsal's warnings and errors to `log_path` while the app runs (Python's fallback writes
    them to stderr, that is, over the screen)."""
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(log_path, encoding="utf-8", delay=True)
    except OSError:
        yield
        return
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("rehearsal")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        handler.close()
