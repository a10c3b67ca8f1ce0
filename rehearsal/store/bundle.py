"""Results bundles: a learner's attempts at one assignment, as a zip a coach can review.

Layout: manifest.json, results.json, transcripts/*.md, and audio/SESSION/*.wav when the
learner chose to include audio. Bundles come from other people, so reading one trusts
nothing: names, sizes, compression ratios and JSON are all checked, and members are read
into memory with caps; nothing is extracted to disk.
"""

from __future__ import annotations

import getpass
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rehearsal import __version__
from rehearsal.printable import printable
from rehearsal.store import export
from rehearsal.call.ending import ending
from rehearsal.call.turn import TurnRecord
from rehearsal.store.models import SessionDetail, SessionSummary, counts_as_attempt
from rehearsal.store.safezip import (
    MAX_BUNDLE_BYTES,
    MAX_MEMBER_BYTES,
    READ_ERRORS,
    BundleError,
    check_members,
    load_json,
    read_member,
)
from rehearsal.untrusted import UntrustedInput, open_regular

FORMAT_VERSION = 1


# -- writing ---------------------------------------------------------------------------

def default_learner(configured: str | None = None) -> str:
    if configured:
        return configured
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (some containers)
        return "learner"


def attempt_hash(detail: SessionDetail) -> str | None:
    """The version (scenario hash) an attempt was made against; None when the store cannot tell."""
    if detail.summary.scenario_hash:
        return detail.summary.scenario_hash
    if detail.scenario:
        from rehearsal.store.store import snapshot_hash

        return snapshot_hash(detail.scenario)
    return None


def split_by_version(details: list[SessionDetail], digest: str) -> tuple[list[SessionDetail], list[SessionDetail]]:
    """(attempts at the scenario version `digest`, attempts at any other version), each in order."""
    current = [d for d in details if attempt_hash(d) == digest]
    return current, [d for d in details if attempt_hash(d) != digest]


def write_bundle(
    out: Path,
    details: list[SessionDetail],
    *,
    learner: str,
    scenario: dict,
    scenario_hash: str,
    include_audio: bool = False,
) -> Path:
    """Write the bundle atomically (temp file + rename) so a half-written zip never appears."""
    rubric = scenario.get("rubric") or {}
    manifest = {
        "format_version": FORMAT_VERSION,
        "kind": "rehearsal-results",
        "app_version": __version__,
        "learner": learner,
        "scenario": {"id": scenario.get("id"), "title": scenario.get("title"), "hash": scenario_hash},
        "rubric": {"target": rubric.get("target"), "attempts": rubric.get("attempts")},
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        # What the coach's review counts (docs/coaching.md): retries and hang-ups ride along as calls.
        "attempts": sum(1 for d in details if counts_as_attempt(d.summary)),
        "calls": len(details),
        "audio": include_audio,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".bundle-", suffix=".zip.tmp", dir=out.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            attempts = []
            for n, detail in enumerate(details, 1):
                names = _add_audio(zf, detail) if include_audio else {}
                attempt = export.to_json(detail, names)
                if include_audio and detail.closing_audio is not None and detail.closing_audio.is_file():
                    attempt["closing_audio"] = name = f"audio/{detail.summary.id}/{detail.closing_audio.name}"
                    zf.write(detail.closing_audio, name, compress_type=zipfile.ZIP_STORED)
                attempts.append(attempt)
                zf.writestr(f"transcripts/{n:02d}-{detail.summary.id}.md", export.to_markdown(detail))
            results = {"format_version": FORMAT_VERSION, "scenario": scenario, "attempts": attempts}
            zf.writestr("manifest.json", json.dumps(manifest, indent=2))
            zf.writestr("results.json", json.dumps(results, indent=1))
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def _add_audio(zf: zipfile.ZipFile, detail: SessionDetail) -> dict[int, dict[str, str]]:
    names: dict[int, dict[str, str]] = {}
    for turn in detail.turns:
        for role in ("manager", "reply"):
            path = detail.recording(turn, role)
            if path is not None and path.is_file():
                name = f"audio/{detail.summary.id}/{path.name}"
                # WAV barely compresses; storing it keeps writing fast.
                zf.write(path, name, compress_type=zipfile.ZIP_STORED)
                names.setdefault(turn.index, {})[role] = name
    return names


# -- reading (untrusted) ---------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Bundle:
    path: Path
    manifest: dict
    results: dict
    _members: frozenset[str]

    @property
    def learner(self) -> str:
        return _text(self.manifest.get("learner")) or "?"

    @property
    def scenario(self) -> dict:
        return self.manifest["scenario"]

    @property
    def rubric(self) -> dict:
        return self.manifest.get("rubric") or {}

    def attempts(self) -> list[SessionDetail]:
        return [_detail(a, self.scenario) for a in self.results["attempts"]]

    def audio_name(self, attempt: int, turn_index: int, role: str) -> str | None:
        names = self.results["attempts"][attempt]["turns"][turn_index].get("audio")
        name = names.get(role) if isinstance(names, dict) else None
        return name if isinstance(name, str) and name in self._members else None

    def closing_audio_name(self, attempt: int) -> str | None:
        name = self.results["attempts"][attempt].get("closing_audio")
        return name if isinstance(name, str) and name in self._members else None

    def read_audio(self, name: str):
        """The WAV member `name` as Audio (read into memory, size-capped); None if unusable."""
        from rehearsal.store import wavfile

        try:
            with open_regular(self.path, MAX_BUNDLE_BYTES, "bundle") as f, zipfile.ZipFile(f) as zf:
                data = read_member(zf, zf.getinfo(name), MAX_MEMBER_BYTES)
            return wavfile.decode(data)
        except (KeyError, *READ_ERRORS):
            return None  # BundleError and UntrustedInput are ValueErrors


def read_bundle(path: Path) -> Bundle:
    """Open and check a bundle. Raises BundleError with one sentence (without the bundle's name).

    Only a regular file of at most MAX_BUNDLE_BYTES is opened (not a FIFO, not /dev/zero).
    """
    try:
        with open_regular(path, MAX_BUNDLE_BYTES, "bundle (.zip)") as f, zipfile.ZipFile(f) as zf:
            infos = zf.infolist()
            check_members(infos)
            members = {i.filename: i for i in infos}
            for required in ("manifest.json", "results.json"):
                if required not in members:
                    raise BundleError(f"{required} is missing; this is not a rehearsal results bundle")
            manifest = load_json(zf, members["manifest.json"])
            _check_manifest(manifest)
            results = load_json(zf, members["results.json"])
            _check_results(results)
    except BundleError:
        raise
    except UntrustedInput as exc:
        raise BundleError(str(exc)) from None
    except zipfile.BadZipFile:
        raise BundleError("not a zip file (or a damaged one); ask the learner to make it again with rehearsal bundle") from None
    except OSError as exc:
        raise BundleError(f"cannot be read ({exc.strerror or exc})") from None
    except READ_ERRORS as exc:  # a damaged zip directory: zipfile raises many kinds of error
        raise BundleError(f"is a damaged zip ({type(exc).__name__}: {exc}); ask the learner to make it again") from None
    return Bundle(path, manifest, results, frozenset(members))


def _check_version(data: dict, name: str) -> None:
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError(f"{name} has no valid format_version; this is not a rehearsal results bundle")
    if version > FORMAT_VERSION:
        raise BundleError(f"made by a newer rehearsal (format {version}); upgrade with pip install -U rehearsal")


def _check_manifest(m: dict) -> None:
    _check_version(m, "manifest.json")
    scenario = m.get("scenario")
    if not isinstance(scenario, dict) or not isinstance(scenario.get("id"), str) or not isinstance(scenario.get("title"), str):
        raise BundleError("manifest.json does not say which scenario it is for")
    if not isinstance(m.get("learner"), str):
        raise BundleError("manifest.json does not name the learner")
    rubric = m.get("rubric", {})
    if not isinstance(rubric, dict) or any(
        v is not None and (not isinstance(v, int | float) or isinstance(v, bool)) for v in rubric.values()
    ):
        raise BundleError("manifest.json has a rubric that is not numbers")


def _check_results(r: dict) -> None:
    _check_version(r, "results.json")
    attempts = r.get("attempts")
    if not isinstance(attempts, list):
        raise BundleError("results.json has no list of attempts")
    for n, a in enumerate(attempts, 1):
        where = f"results.json attempt {n}"
        session = a.get("session") if isinstance(a, dict) else None
        if not isinstance(session, dict) or not isinstance(a.get("turns"), list):
            raise BundleError(f"{where} has no session or turns")
        score = session.get("score")
        if score is not None and (not isinstance(score, int | float) or isinstance(score, bool)):
            raise BundleError(f"{where} has a score that is not a number")
        try:
            datetime.fromisoformat(str(session.get("started_at")))
        except ValueError:
            raise BundleError(f"{where} has no valid start time") from None
        for t in a["turns"]:
            if not isinstance(t, dict) or not isinstance(t.get("score"), int | float) or not isinstance(t.get("parts", {}), dict):
                raise BundleError(f"{where} has a turn without a numeric score")
            if any(not isinstance(v, int | float) for v in t.get("parts", {}).values()):
                raise BundleError(f"{where} has a turn whose dimension scores are not numbers")
        dims = a.get("dimensions", {})
        if not isinstance(dims, dict) or any(not isinstance(v, int | float) for v in dims.values()):
            raise BundleError(f"{where} has dimension rates that are not numbers")


def _text(value: object) -> str:
    """A string from a bundle, with control characters (terminal escapes) shown as escapes."""
    return printable(value) if isinstance(value, str) else ""


def _detail(a: dict, scenario: dict) -> SessionDetail:
    s = a["session"]
    status = ending(s.get("status"))
    turns = [TurnRecord.from_dict(t, index=i, clean=_text) for i, t in enumerate(a["turns"])]
    started = datetime.fromisoformat(str(s["started_at"]))
    if started.tzinfo is None:  # a hand-edited file; treat it as UTC rather than fail to sort
        started = started.replace(tzinfo=UTC)
    summary = SessionSummary(
        id=_text(s.get("id")) or "?",
        scenario_id=_text(s.get("scenario_id")) or str(scenario.get("id")),
        scenario_title=_text(s.get("scenario_title")) or str(scenario.get("title")),
        started_at=started,
        score=float(s["score"]) if s.get("score") is not None else None,
        status=status,
        turn_count=len(turns),
        mode=_text(s.get("mode")) or "typed",
        start_turn=s.get("start_turn") if isinstance(s.get("start_turn"), str) else None,
        target=float(s["target"]) if isinstance(s.get("target"), int | float) else None,
    )
    scenario_snapshot = a.get("scenario") if isinstance(a.get("scenario"), dict) else None
    return SessionDetail(summary=summary, turns=turns, scenario=scenario_snapshot,
                         closing_line=_text(a.get("closing_line")) or None)
