"""Plain tables for the terminal (rich.table), readable when piped too."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text


def console(file=None) -> Console:
    """A console that wraps to the terminal, and not at all when the output is piped."""
    out = file or sys.stdout
    width = None if out.isatty() else 10_000
    return Console(file=out, width=width, highlight=False, soft_wrap=False)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, whole: Sequence[int] = (0,)) -> Table:
    """Header row in bold, columns two spaces apart, no box: it reads like `ls -l`.

    Columns in `whole` (the first: an id someone will copy) are never wrapped; the others wrap
    between words when the terminal is narrow."""
    grid = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0), header_style="bold")
    for n, header in enumerate(headers):
        grid.add_column(header, no_wrap=n in whole, overflow="fold")
    for row in rows:
        # Text, not markup: a title from a file is shown as written, never as styles.
        grid.add_row(*(Text(cell) for cell in row))
    return grid
