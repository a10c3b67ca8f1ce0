"""Fuzzing bundle reading (issue 12): a damaged or hostile bundle is one BundleError, never a crash.

A bundle that reads is then reviewed and exported: the table and the reports hold no raw
control characters, and the review of a batch always names every bundle.
"""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path

from hypothesis import event, given
from hypothesis import strategies as st

from fuzz_support import budget, seeded
from hostile_support import ATTEMPT, MANIFEST, bundle_members, zip_bytes
from rehearsal.store import export
from rehearsal.store.bundle import BundleError, read_bundle
from rehearsal.cli.review import table
from rehearsal.store.review import review, review_bundle

GOOD = zip_bytes(bundle_members())
HOSTILE = st.one_of(
    st.sampled_from([float("inf"), 1e308, 10**40, -1, 0, True, None, "", "\x1b]0;pwned\x07", "a\nb", "\ud800",
                     "\u202e", "x" * 3000, "2026-13-45", "completed", "hung_up"]),
    st.builds(list), st.builds(dict),  # fresh ones: a shared {} could end up inside itself
    st.text(max_size=20), st.integers(), st.floats(allow_nan=False), st.lists(st.integers(), max_size=3),
)
MANIFEST_KEYS = ["format_version", "learner", "scenario", "rubric", "attempts", "audio"]
SESSION_KEYS = ["id", "started_at", "status", "score", "mode", "start_turn", "target", "scenario_title"]
TURN_KEYS = ["turn_id", "manager_text", "reply", "score", "parts", "verdict", "delivery", "tips", "cue", "expects"]


@st.composite
def mutated_json_bundle(draw) -> bytes:
    manifest, attempt = copy.deepcopy(MANIFEST), copy.deepcopy(ATTEMPT)
    for _ in range(draw(st.integers(1, 5))):
        where = draw(st.sampled_from(["manifest", "scenario", "rubric", "session", "turn", "attempt"]))
        turns = attempt.get("turns")
        target = {"manifest": manifest, "scenario": manifest.get("scenario"), "rubric": manifest.get("rubric"),
                  "session": attempt.get("session"), "turn": turns[0] if isinstance(turns, list) and turns else None,
                  "attempt": attempt}[where]
        if not isinstance(target, dict):
            continue
        keys = {"manifest": MANIFEST_KEYS, "session": SESSION_KEYS, "turn": TURN_KEYS}.get(where, list(target) or ["x"])
        target[draw(st.sampled_from(keys))] = draw(HOSTILE)
    results = {"format_version": 1, "attempts": [attempt] * draw(st.integers(0, 3))}
    text = json.dumps(results, allow_nan=True)
    if draw(st.booleans()):  # numbers no JSON encoder writes
        text = text.replace("80.0", draw(st.sampled_from(["1e400", "9" * 400, "NaN", "-Infinity", "1" * 4301])), 1)
    return zip_bytes({"manifest.json": json.dumps(manifest, allow_nan=True), "results.json": text})


@st.composite
def mutated_zip(draw) -> bytes:
    data = bytearray(GOOD)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


def _check(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "b.zip"
        path.write_bytes(data)
        rows, failures = review([path, path])
        assert len(rows) + len(failures) == 2  # every bundle is named, whatever happened
        for failure in failures:
            assert "\n" not in failure.message and "\x1b" not in failure.message
        try:
            bundle = read_bundle(path)
        except BundleError:
            event("refused")
            return
        event("read, reviewed and exported")
        shown = table([review_bundle(bundle)])
        for detail in bundle.attempts():
            shown += export.to_markdown(detail) + export.to_html(detail)
        assert "\x1b" not in shown and "\x07" not in shown


@seeded
@budget(200)
@given(mutated_json_bundle())
def test_hostile_json_in_a_bundle_never_crashes(data):
    _check(data)


@seeded
@budget(200)
@given(mutated_zip())
def test_damaged_zip_bytes_never_crash(data):
    _check(data)
