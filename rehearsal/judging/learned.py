"""The learned reader: small linear models over n-grams, the rules' findings and the manager's line.

Two stages per decision (gratitude, feedback request, tone), both plain softmax regressions
trained by `scripts/train_judge.py` on the labelled replies in tests/data and stored in
`judge_model.json` beside this file (numpy only at run time):

1. the text model reads the reply's word n-grams (features.text_features) alone;
2. the combiner weighs the text model's scores against the rules' findings and what the manager
   just said (features.signal_features, features.context_features) and gives the decision.

It explains itself: the n-grams that pushed hardest towards its decision are returned as spans of
the reply ("Noted." for a sarcastic close), so the UI can highlight them like the rules' evidence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from rehearsal.judging.features import TextFeature
from rehearsal.judging.normalize import Normalized
from rehearsal.judging.verdict import Evidence

MODEL_PATH = Path(__file__).with_name("judge_model.json")
DIMENSIONS = ("gratitude", "feedback_request", "tone")
_WHY_MIN = 0.15  # an n-gram must push at least this much (in logits) to be quoted
_WHY_MAX = 3


@dataclass(frozen=True, slots=True)
class Decision:
    label: str  # "yes" / "no", or a tone label
    probability: float  # of that label
    probabilities: dict[str, float]
    why: list[Evidence] = field(default_factory=list)  # the words that weighed most towards it (when it overrules the rules)


class _Linear:
    """One softmax regression: named features (value 1 unless given) -> class scores."""

    def __init__(self, spec: dict) -> None:
        self.classes: list[str] = spec["classes"]
        self.index = {name: i for i, name in enumerate(spec["vocab"])}
        self.weights = np.asarray(spec["w"], dtype=np.float64).reshape(len(spec["vocab"]), len(self.classes))
        self.bias = np.asarray(spec["b"], dtype=np.float64)
        # How much each feature pushes towards each class, against the mean of the classes.
        self.push = self.weights - self.weights.mean(axis=1, keepdims=True)
        self.reads_chars = any(name.startswith("g:") for name in self.index)  # character n-grams

    def scores(self, names: list[str], values: dict[str, float] | None = None) -> np.ndarray:
        rows = [i for i in map(self.index.get, names) if i is not None]
        z = self.bias + self.weights[rows].sum(axis=0) if rows else self.bias.copy()
        if values:
            pairs = [(i, v) for i, v in zip(map(self.index.get, values), values.values()) if i is not None]
            if pairs:
                z = z + np.asarray([v for _, v in pairs]) @ self.weights[[i for i, _ in pairs]]
        return z


class LearnedReader:
    def __init__(self, spec: dict) -> None:
        self.text = {dim: _Linear(spec["text"][dim]) for dim in DIMENSIONS}
        self.combiner = {dim: _Linear(spec["combiner"][dim]) for dim in DIMENSIONS}
        self.trained_on: str = spec.get("trained_on", "")
        self.overrule_at: dict[str, float] = spec.get("overrule_at", dict.fromkeys(DIMENSIONS, 0.5))
        # Sincere thanks the rules found is taken away only at this confidence (session judge5): the
        # guide counts thanks followed by a grievance or a demand as gratitude, and the reader, which
        # reads the whole reply, had learned to drop it there.
        self.take_thanks_at: float = spec.get("take_thanks_at", self.overrule_at["gratitude"])
        config = spec.get("config", {})
        self.chars: bool = bool(config.get("chars"))  # some text model reads character n-grams too
        self.windows: bool = bool(config.get("windows"))  # some decision reads each stretch of a long reply too

    def read(self, norm: Normalized, feats: list[TextFeature], signals: list[str], windows: list[list[str]] | None = None) -> dict[str, Decision]:
        out = {}
        for dim, (p, text_model) in self.decide([f.name for f in feats], signals, windows).items():
            classes = self.combiner[dim].classes
            best = self.choose(dim, p, signals)
            label = classes[best]
            # Its reasons are quoted only where it overrules the rules (elsewhere the verdict is the
            # rules', with their evidence), so they are looked up only then: a fifth of its cost.
            overrules = label != rules_label(dim, signals)
            note = f"learned: weighs towards {_say(dim, label)}"
            out[dim] = Decision(
                label=label,
                probability=round(float(p[best]), 3),
                probabilities={c: round(float(p[i]), 3) for i, c in enumerate(classes)},
                why=_why(norm, feats, text_model, text_model.classes.index(label), note) if overrules else [],
            )
        return out

    def choose(self, dim: str, p: np.ndarray, signals: list[str]) -> int:
        """The reader's class, unless it differs from the rules' and the reader is not sure enough
        (its probability under `overrule_at`, or `take_thanks_at` to take away thanks the rules
        found): then the rules' class stands."""
        best = int(np.argmax(p))
        ruled = self.combiner[dim].classes.index(rules_label(dim, signals))
        if best == ruled:
            return best
        need = self.take_thanks_at if dim == "gratitude" and ruled == 1 else self.overrule_at[dim]
        return best if p[best] >= need else ruled

    def decide(self, names: list[str], signals: list[str], windows: list[list[str]] | None = None) -> dict[str, tuple[np.ndarray, _Linear]]:
        """Per decision: the class probabilities, and the text model (for the reasons). `windows`
        are the n-grams of each stretch of a long reply: the combiner also sees, per class, how far
        the best stretch scores above the whole reply (one ask in a long reply)."""
        out = {}
        words_only = [n for n in names if n[0] != "g"] if self.chars else names  # for models without "g:" grams
        for dim in DIMENSIONS:
            text = self.text[dim]
            z_text = text.scores(names if text.reads_chars else words_only)
            z_text = z_text - z_text.mean()
            values = {f"text:{c}": z_text[i] for i, c in enumerate(text.classes)}
            if "win:" + text.classes[0] in self.combiner[dim].index:
                best = z_text.copy()
                if windows:
                    z = np.stack([text.scores(stretch) for stretch in windows])
                    best = np.maximum(best, (z - z.mean(axis=1, keepdims=True)).max(axis=0))
                values.update({f"win:{c}": best[i] - z_text[i] for i, c in enumerate(text.classes)})
            combined = self.combiner[dim].scores(signals, values)
            out[dim] = (_softmax(combined), text)
        return out


def rules_label(dim: str, signals: list[str]) -> str:
    """What the rules decided, read back from their findings (features.signal_features)."""
    if dim == "gratitude":
        return "yes" if "r:thanks" in signals else "no"
    if dim == "feedback_request":
        return "yes" if "r:ask" in signals else "no"
    return next((s[7:] for s in signals if s.startswith("r:tone:")), "neutral")


def _say(dim: str, label: str) -> str:
    if dim == "tone":
        return label
    what = "thanks" if dim == "gratitude" else "a feedback request"
    return what if label == "yes" else f"no {what}"


def _why(norm: Normalized, feats: list[TextFeature], model: _Linear, cls: int, note: str) -> list[Evidence]:
    """The n-grams that pushed hardest towards class `cls`, as spans of the original reply."""
    pushes = []
    for f in feats:
        i = model.index.get(f.name)
        if i is not None and f.first >= 0:
            push = model.push[i, cls]
            if push >= _WHY_MIN:
                pushes.append((push, f))
    pushes.sort(key=lambda pf: (-pf[0], pf[1].first))
    spans: list[tuple[int, int]] = []
    for _, f in pushes:
        s, e = norm.words[f.first].start, norm.words[f.last].end
        if any(a <= s and e <= b for a, b in spans):
            continue
        spans = [(a, b) for a, b in spans if not (s <= a and b <= e)] + [(s, e)]
        if len(spans) == _WHY_MAX:
            break
    return [Evidence(norm.original[s:e], s, e, note) for s, e in sorted(spans)]


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


@lru_cache(maxsize=4)
def load(path: Path = MODEL_PATH) -> LearnedReader | None:
    """The reader stored at `path`, or None when there is no model file (the rules judge alone)."""
    try:
        spec = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    return LearnedReader(spec)
