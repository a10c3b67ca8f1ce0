"""A stored call as a report: Markdown for chat or email, one self-contained HTML file, or JSON.

Transcripts are untrusted text (a reply can say anything): every piece is escaped.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from rehearsal import __version__
from rehearsal.printable import printable
from rehearsal.call.ending import label as ending_label
from rehearsal.call.turn import TurnRecord
from rehearsal.dimensions import label
from rehearsal.store.evidence import LEGEND, segments, what_counted
from rehearsal.store.models import ProgressPoint, SessionDetail
from rehearsal.store.view import delivery_line, revision_line

FORMAT_VERSION = 1
RATES_CAPTION = "Each figure is the credit earned on the turns that called for it."


def to_json(detail: SessionDetail, audio_names: dict[int, dict[str, str]] | None = None) -> dict:
    """Everything about one call. `audio_names` maps turn index -> {"manager"/"reply": file name}."""
    s = detail.summary
    turns = []
    for t in detail.turns:
        turns.append({**t.to_dict(), "audio": (audio_names or {}).get(t.index, {})})
    return {
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "session": {
            "id": s.id,
            "scenario_id": s.scenario_id,
            "scenario_title": s.scenario_title,
            "started_at": s.started_at.isoformat(),
            "status": s.status,
            "score": s.score,
            "target": s.target,
            "met_target": s.met_target,
            "mode": s.mode,
            "start_turn": s.start_turn,
            "turn_count": s.turn_count,
        },
        "dimensions": detail.dimension_rates(),
        "scenario": detail.scenario,
        "closing_line": detail.closing_line,
        "turns": turns,
    }


def when(dt: datetime) -> str:
    return dt.astimezone().strftime("%Y-%m-%d %H:%M")


def headline(detail: SessionDetail) -> str:
    s = detail.summary
    score = "no score" if s.score is None else f"{s.score:.0f}/100"
    if s.target is None or s.score is None:
        return score
    return f"{score} (target {s.target:.0f}: {'met' if s.score >= s.target else 'not yet'})"


def manager_name(detail: SessionDetail) -> str:
    persona = (detail.scenario or {}).get("persona") or {}
    return str(persona.get("name") or "Manager")


# -- Markdown ------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


def md(text: str) -> str:
    """Escape Markdown (and inline HTML) so a transcript shows as the words that were said."""
    return _MD_SPECIAL.sub(r"\\\1", printable(text)).replace("\n", " ")


def to_markdown(detail: SessionDetail) -> str:
    s = detail.summary
    out = [
        f"# {md(s.scenario_title)}: {headline(detail)}",
        "",
        f"{when(s.started_at)} · {s.mode} · {ending_label(s.status)} · session `{s.id}`",
        "",
    ]
    rates = detail.dimension_rates()
    if rates:
        out += [
            "| " + " | ".join(label(d) for d in rates) + " |",
            "|" + "---|" * len(rates),
            "| " + " | ".join(f"{v:.0f}%" for v in rates.values()) + " |",
            "",
            f"*{RATES_CAPTION}*",
            "",
        ]
    who = md(manager_name(detail))
    for t in detail.turns:
        out += _md_turn(t, who)
    if detail.closing_line:
        out += [f"**{who}:** {md(detail.closing_line)}", ""]
    return "\n".join(out).rstrip() + "\n"


def _md_turn(t: TurnRecord, who: str) -> list[str]:
    reply = md(t.reply) if t.reply.strip() else "*(no reply)*"
    out = [f"## Turn {t.index + 1}: {t.score.score:.0f}/100", "", f"**{who}:** {md(t.manager_text)}", "", f"**You:** {reply}", ""]
    revised = revision_line(t)
    if revised:
        out += [f"*{md(revised)}*", ""]
    counted = [f"{name} ({', '.join('“' + md(q) + '”' for q in quotes)})" if quotes else name
               for name, quotes in what_counted(t.verdict)]
    if counted:
        out += ["What counted: " + "; ".join(counted) + ".", ""]
    line = delivery_line(t.delivery)
    if line:
        out += [f"Delivery: {line}.", ""]
    if t.tips:
        out += ["Tips:", *[f"- {md(tip)}" for tip in t.tips], ""]
    return out


# -- HTML ----------------------------------------------------------------------------

_CSS = """
body{font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f;background:#fff}
h1{font-size:1.5rem;margin-bottom:.2rem} .meta{color:#666;margin-top:0}
.score{font-size:2.2rem;font-weight:700} .met{color:#1a7f37} .miss{color:#b35900}
table.dims{border-collapse:collapse;margin:1rem 0} .dims td,.dims th{border:1px solid #ddd;padding:.3rem .7rem;text-align:center}
section.turn{border-top:1px solid #eee;padding:.6rem 0} .turnscore{float:right;font-weight:700}
.who{font-weight:600} .mgr{color:#444} .reply{background:#f6f8fa;border-radius:6px;padding:.4rem .7rem}
mark{border-radius:3px;padding:0 .15rem} mark.gratitude{background:#c8f0c8} mark.feedback_request{background:#cfe3ff}
mark.door_open{background:#f3e1ff} mark.contact{background:#ffe2b8} mark.warm{background:#fde7f3} mark.negative{background:#ffd0d0} mark.rejected{background:#eee;text-decoration:line-through}
.tips{color:#8a4b00} .delivery{color:#555;font-size:.92rem} .legend mark{font-size:.85rem}
svg text{font:11px sans-serif;fill:#666}
@media (prefers-color-scheme: dark){body{background:#161618;color:#e6e6e6}.reply{background:#24262a}.meta,.mgr,.delivery{color:#aaa}
mark{color:#111}.dims td,.dims th{border-color:#444}section.turn{border-color:#333}.tips{color:#ffb866}}
"""


def e(text: object) -> str:
    return html.escape(printable(str(text)), quote=True)


def to_html(detail: SessionDetail, history: list[ProgressPoint] | None = None) -> str:
    s = detail.summary
    met = s.met_target
    cls = "" if met is None else (" met" if met else " miss")
    rates = detail.dimension_rates()
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        # No scripts, no network: a report opened from an email stays inert.
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{e(s.scenario_title)}: {e(headline(detail))}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(s.scenario_title)}</h1>",
        f"<p class='meta'>{e(when(s.started_at))} · {e(s.mode)} · {e(ending_label(s.status))} · session {e(s.id)}</p>",
        f"<p><span class='score{cls}'>{e(headline(detail))}</span></p>",
    ]
    if rates:
        parts.append("<table class='dims'><tr>" + "".join(f"<th>{e(label(d))}</th>" for d in rates) + "</tr><tr>"
                     + "".join(f"<td>{v:.0f}%</td>" for v in rates.values()) + "</tr></table>"
                     f"<p class='meta'>{e(RATES_CAPTION)}</p>")
    if history and len(history) > 1:
        parts.append(f"<h2>Your attempts at this scenario</h2>{svg_chart(history, s.target, s.id)}")
    parts.append("<p class='legend'>Highlights: " + " ".join(f"<mark class='{kind}'>{e(name)}</mark>" for kind, name in LEGEND)
                 + "</p>")
    who = e(manager_name(detail))
    for t in detail.turns:
        parts.append(_html_turn(t, who))
    if detail.closing_line:
        parts.append(f"<section class='turn'><p class='mgr'><span class='who'>{who}:</span> {e(detail.closing_line)}</p></section>")
    parts.append(f"<p class='meta'>Made by rehearsal {e(__version__)}. Everything stayed on your computer.</p></body></html>")
    return "\n".join(parts) + "\n"


def _html_turn(t: TurnRecord, who: str) -> str:
    if t.reply.strip():
        reply = "".join(
            e(text) if span is None else f"<mark class='{e(span.kind)}' title='{e(span.note or span.kind)}'>{e(text)}</mark>"
            for text, span in segments(t.verdict, t.reply)
        )
    else:
        reply = "<em>(no reply)</em>"
    out = [
        f"<section class='turn'><span class='turnscore'>{t.score.score:.0f}</span>",
        f"<p class='mgr'><span class='who'>{who}:</span> {e(t.manager_text)}</p>",
        f"<p class='reply'><span class='who'>You:</span> {reply}</p>",
    ]
    revised = revision_line(t)
    if revised:
        out.append(f"<p class='delivery'>{e(revised)}</p>")
    line = delivery_line(t.delivery)
    if line:
        out.append(f"<p class='delivery'>Delivery: {e(line)}</p>")
    if t.tips:
        out.append("<ul class='tips'>" + "".join(f"<li>{e(tip)}</li>" for tip in t.tips) + "</ul>")
    out.append("</section>")
    return "\n".join(out)


def svg_chart(points: list[ProgressPoint], target: float | None = None, current: str | None = None) -> str:
    """A small inline line chart of call scores, oldest to newest; the shown call is filled in."""
    w, h, left, right, top, bottom = 520, 170, 30, 56, 12, 30
    n = len(points)
    span = w - left - right
    xs = [left + span * (i / (n - 1) if n > 1 else 0.5) for i in range(n)]
    y = lambda score: top + (h - top - bottom) * (1 - max(0.0, min(100.0, score)) / 100)  # noqa: E731
    line = " ".join(f"{x:.1f},{y(p.score):.1f}" for x, p in zip(xs, points))
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{w}' height='{h}' viewBox='0 0 {w} {h}' "
           f"style='max-width:100%;height:auto' role='img' aria-label='Call score over {n} attempts'>"]
    for level in (0, 50, 100):
        out.append(f"<line x1='{left}' x2='{w - right}' y1='{y(level):.1f}' y2='{y(level):.1f}' stroke='#ddd'/>"
                   f"<text x='2' y='{y(level) + 4:.1f}'>{level}</text>")
    if target is not None:
        out.append(f"<line x1='{left}' x2='{w - right}' y1='{y(target):.1f}' y2='{y(target):.1f}' stroke='#1a7f37' "
                   f"stroke-dasharray='5 4'/><text x='{w - right + 4}' y='{y(target) + 4:.1f}'>target</text>")
    out.append(f"<polyline points='{line}' fill='none' stroke='#0969da' stroke-width='2'/>")
    for x, p in zip(xs, points):
        fill = "#0969da" if p.session_id == current else "#fff"
        out.append(f"<circle cx='{x:.1f}' cy='{y(p.score):.1f}' r='4' fill='{fill}' stroke='#0969da' stroke-width='2'>"
                   f"<title>{e(when(p.started_at))}: {p.score:.0f}</title></circle>")
    for x, p, anchor in ((xs[0], points[0], "start"), (xs[-1], points[-1], "end")):
        out.append(f"<text x='{x:.1f}' y='{h - 8}' text-anchor='{anchor}'>{e(p.started_at.astimezone().strftime('%b %d'))}</text>")
    out.append("</svg>")
    return "".join(out)


__all__ = ["FORMAT_VERSION", "to_html", "to_json", "to_markdown", "svg_chart"]
