"""Plain-terminal rendering of a call: the situation, the cues, the scorecard."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from rehearsal.call.engine import CallResult
from rehearsal.call.turn import TurnRecord
from rehearsal.printable import printable
from rehearsal.scenario.model import Scenario
from rehearsal.dimensions import DETECTED, label
from rehearsal.store.evidence import RICH_STYLE, segments
from rehearsal.store.view import delivery_line, revision_line

MAX_QUOTES = 8  # a scorecard, not a dump: a very long reply must not flood the terminal


def print_situation(console: Console, scenario: Scenario) -> None:
    console.print(f"[bold]{escape(printable(scenario.title))}[/bold]")
    console.print(escape(printable(scenario.situation.strip())))
    persona = scenario.persona
    console.print(f"You are calling [bold]{escape(printable(persona.name))}[/bold], {escape(printable(persona.role))}.")
    if scenario.rubric.target is not None:
        console.print(f"Target score: {scenario.rubric.target:.0f}")
    console.print()


def print_manager(console: Console, scenario: Scenario, turn_id: str, text: str) -> None:
    """The line, under the name of whoever says it (the manager, or e.g. their assistant)."""
    name = scenario.speaker(turn_id).name
    console.print(f"[bold blue]{escape(printable(name))}:[/bold blue] {escape(printable(text))}")


def print_cue(console: Console, record: TurnRecord) -> None:
    console.print(f"  [dim]→ {escape(printable(record.cue))}[/dim]")


def print_revised(console: Console, record: TurnRecord) -> None:
    """A turn the second pass heard again: its words and marks now (the call went on from the live ones)."""
    by = record.revision.by if record.revision else "the second pass"
    console.print(Text(f"  {printable(by)} heard reply {record.index + 1} as: ", style="dim") + highlighted_reply(record))
    console.print(f"  [dim]→ now {record.score.score:.0f}/100   {escape(_marks(record))}"
                  f"   tone: {escape(record.verdict.tone.label)}[/dim]")


def _marks(record: TurnRecord) -> str:
    return "  ".join(f"{label(d)} {'✓' if c >= 1 else ('~' if c > 0 else '✗')}" for d, c in record.score.parts.items())


def highlighted_reply(record: TurnRecord) -> Text:
    """The reply with every quoted evidence span coloured by what it counted for."""
    if not record.reply:
        return Text("(skipped)" if record.skipped else "(silence)", style="dim")
    text = Text()
    for piece, span in segments(record.verdict, record.reply):
        text.append(printable(piece), style=RICH_STYLE[span.kind] if span else "")
    return text


def print_scorecard(console: Console, result: CallResult, previous: float | None = None) -> None:
    console.rule("Scorecard")
    for record in result.turns:
        console.print(f"[bold]Turn {record.index + 1}[/bold] — {escape(printable(record.manager_text))}")
        console.print(Text("  You: ") + highlighted_reply(record))
        revised = revision_line(record)
        if revised is not None:
            console.print(Text(f"  {printable(revised)}", style="dim"))
        parts = _marks(record)
        console.print(f"  {record.score.score:.0f}/100   {parts}   tone: {record.verdict.tone.label}")
        quotes = list(dict.fromkeys(_quotes(record)))
        for quote in quotes[:MAX_QUOTES]:
            console.print(f"  [dim]{escape(printable(quote))}[/dim]")
        if len(quotes) > MAX_QUOTES:
            console.print(f"  [dim]… and {len(quotes) - MAX_QUOTES} more[/dim]")
        delivery = delivery_line(record.delivery)
        if delivery is not None:
            console.print(f"  delivery: {delivery}")
        for tip in record.tips:
            console.print(f"  [yellow]tip:[/yellow] {escape(printable(tip))}")
        console.print()
    line = f"Call score: [bold]{result.score:.0f}[/bold]/100"
    if result.target is not None:
        line += f" (target {result.target:.0f}: {'met' if result.met_target else 'not yet'})"
    if previous is not None:
        line += f", {result.score - previous:+.0f} since your last attempt"
    console.print(line)
    if result.end_reason == "hung_up":
        console.print("[dim]The call ended before its close.[/dim]")


def _quotes(record: TurnRecord) -> list[str]:
    verdict = record.verdict
    out = []
    for dim in DETECTED:
        det = getattr(verdict, dim)
        if det is None:
            continue
        for ev in det.evidence:
            out.append(f"{label(dim)}: \"{ev.text}\"")
        for ev in det.rejected:
            out.append(f"not {label(dim)}: \"{ev.text}\"" + (f" ({ev.note})" if ev.note else ""))
    for ev in verdict.tone.evidence:
        out.append(f"tone {verdict.tone.label}: \"{ev.text}\"")
    return out
