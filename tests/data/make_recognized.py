"""Fill the `recognized` column of judge_labelled.tsv: each reply as a recognizer would write it.

Run from the repo root after adding rows:  .venv/bin/python tests/data/make_recognized.py
The slips are seeded by row id, so the output is stable; a row keeps its labels because the
scoring guide says a reply is judged the same in either form.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

HERE = Path(__file__).parent
TSV = HERE / "judge_labelled.tsv"

# Slips the recognizer makes (from the scoring guide and from Vosk users' reports). Each applies
# to a given reply with the probability beside it, so both forms of a word stay in the set.
SLIPS: list[tuple[str, list[str], float]] = [
    (r"\bfeedback\b", ["feed back", "feed back", "feedbacks"], 0.7),
    (r"\binterview\b", ["in a view", "inner view", "interviews", "enter view"], 0.7),
    (r"\byour\b", ["you're"], 0.5),
    (r"\byou're\b", ["your", "you are"], 0.5),
    (r"\bshould have\b|\bshould've\b", ["should of"], 0.8),
    (r"\bcould have\b|\bcould've\b", ["could of"], 0.6),
    (r"\bwould have\b", ["would of"], 0.6),
    (r"\banything\b", ["any thing"], 0.6),
    (r"\bsomething\b", ["some thing"], 0.5),
    (r"\bgrateful\b", ["great full", "greatful"], 0.4),
    (r"\bappreciate it\b", ["appreciated"], 0.3),
    (r"\badvice\b", ["advise"], 0.5),
    (r"\bthanks\b", ["thank"], 0.2),
    (r"\bpostings\b", ["posting", "post things"], 0.4),
    (r"\bi'll\b", ["all", "i will"], 0.3),
    (r"\bi'd\b", ["i would", "i"], 0.3),
    (r"\bthere\b", ["their"], 0.3),
    (r"\bcandid\b", ["can did"], 0.5),
    (r"\bhired\b", ["higher"], 0.3),
    (r"\bpointers\b", ["pointer"], 0.4),
    (r"\bwondering\b", ["wandering"], 0.4),
    (r"\bopportunity\b", ["opportunities"], 0.3),
]


def recognized(text: str, seed: str) -> str:
    rng = random.Random(seed)
    out = text.lower()
    out = re.sub(r"[\u2019`]", "'", out)
    out = re.sub(r"[^\w\s'-]", " ", out)  # recognizers write no punctuation...
    out = re.sub(r"(?<=\w)-(?=\w)", " ", out)  # ...and hyphenated words come out as two
    out = out.replace("-", " ")
    for pattern, choices, chance in SLIPS:
        if re.search(pattern, out) and rng.random() < chance:
            out = re.sub(pattern, rng.choice(choices), out)
    if rng.random() < 0.25:  # some transcripts drop apostrophes altogether
        out = out.replace("'", "")
    if rng.random() < 0.1:  # Vosk users report a stray "the" at utterance edges
        out = out + " the" if rng.random() < 0.5 else "the " + out
    return " ".join(out.split())


def main() -> None:
    # Plain tab-separated lines (no quoting: replies may hold quote marks, never tabs).
    header, *lines = TSV.read_text().rstrip("\n").split("\n")
    fields = header.split("\t")
    out = [header]
    for line in lines:
        row = dict(zip(fields, line.split("\t")))
        row["recognized"] = recognized(row["text"], row["id"])
        out.append("\t".join(row.get(k, "") for k in fields))
    TSV.write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
