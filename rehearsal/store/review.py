"""The coach's view: one row per learner's bundle, best and latest scores, attempts, target.

`rehearsal review` (rehearsal.cli.review) prints these rows as a table."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from rehearsal.dimensions import RATED
from rehearsal.store.bundle import Bundle, BundleError, read_bundle
from rehearsal.store.models import SessionDetail, counts_as_attempt


@dataclass(frozen=True, slots=True)
class ReviewRow:
    bundle: str
    learner: str
    scenario_id: str
    scenario_title: str
    scenario_hash: str | None
    attempts: int
    expected_attempts: int | None
    best: float | None
    latest: float | None
    best_dims: dict[str, float]
    latest_dims: dict[str, float]
    target: float | None
    met_target: bool | None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ReviewFailure:
    bundle: str
    message: str


def review_bundle(bundle: Bundle) -> ReviewRow:
    # Only full, finished calls count as attempts; single-turn retries and interrupted calls do not.
    attempts = [a for a in bundle.attempts() if _counts(a)]
    attempts.sort(key=lambda a: a.summary.started_at)
    scores = [a.summary.score for a in attempts]
    rates = [a.dimension_rates() for a in attempts]
    target = bundle.rubric.get("target")
    best = max(scores) if scores else None
    return ReviewRow(
        bundle=str(bundle.path),
        learner=bundle.learner,
        scenario_id=bundle.scenario["id"],
        scenario_title=bundle.scenario["title"],
        scenario_hash=bundle.scenario.get("hash") if isinstance(bundle.scenario.get("hash"), str) else None,
        attempts=len(attempts),
        expected_attempts=int(bundle.rubric["attempts"]) if bundle.rubric.get("attempts") else None,
        best=best,
        latest=scores[-1] if scores else None,
        best_dims={d: max(r[d] for r in rates if d in r) for d in RATED if any(d in r for r in rates)},
        latest_dims=rates[-1] if rates else {},
        target=target,
        met_target=None if target is None or best is None else best >= target,
    )


def _counts(a: SessionDetail) -> bool:
    return counts_as_attempt(a.summary)


def review(paths: list[Path]) -> tuple[list[ReviewRow], list[ReviewFailure]]:
    rows, failures = [], []
    for path in paths:
        try:
            rows.append(review_bundle(read_bundle(path)))
        except BundleError as exc:
            failures.append(ReviewFailure(str(path), str(exc)))
        except Exception as exc:  # noqa: BLE001 - one bundle's surprise must not lose the other rows
            failures.append(ReviewFailure(str(path), f"could not be reviewed ({type(exc).__name__}: {exc}); "
                                          "this is a bug in rehearsal, please report it"))
    rows.sort(key=lambda r: (r.scenario_title.lower(), r.learner.lower()))
    return rows, failures
