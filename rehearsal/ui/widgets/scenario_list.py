"""The scenario list on the home screen: title, difficulty, description, last and best score."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from rehearsal.printable import printable
from rehearsal.ui.sources import ScenarioEntry

DIFFICULTY_STYLE = {"easy": "green", "medium": "yellow", "hard": "red"}


@dataclass(frozen=True, slots=True)
class Scores:
    attempts: int = 0
    last: float | None = None
    best: float | None = None


def scores_text(scores: Scores) -> Text:
    if not scores.attempts or scores.last is None:
        return Text("not tried yet", style="dim")
    best = f"{scores.best:.0f}" if scores.best is not None else "-"
    return Text(f"last {scores.last:.0f} · best {best}")


def entry_prompt(entry: ScenarioEntry, scores: Scores) -> Text:
    text = Text()
    text.append(printable(entry.title, one_line=True), style="bold")
    text.append(f"  {entry.difficulty}", style=DIFFICULTY_STYLE.get(entry.difficulty, ""))
    text.append("  ")
    text.append_text(scores_text(scores))
    text.append("\n")
    text.append(printable(entry.description), style="dim")
    return text


class ScenarioList(OptionList):
    def show(self, entries: list[ScenarioEntry], scores: dict[str, Scores]) -> None:
        highlighted = self.highlighted
        self.clear_options()
        self.add_options(Option(entry_prompt(e, scores.get(e.id, Scores())), id=e.id) for e in entries)
        if entries:
            self.highlighted = min(highlighted or 0, len(entries) - 1)
