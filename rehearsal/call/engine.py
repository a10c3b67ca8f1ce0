"""A call in progress: which turn we are on, what was said, where it goes next.

The engine is synchronous and pure (no audio, no I/O, no clock): the typed CLI, the
voice loop and the TUI all drive this same object.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol

from rehearsal.call.ending import Ending
from rehearsal.call.turn import TurnRecord
from rehearsal.judging import contact
from rehearsal.judging.delivery import Delivery
from rehearsal.judging.scoring import call_score, score_turn
from rehearsal.judging.tips import cue_for, tips_for
from rehearsal.judging.verdict import Verdict
from rehearsal.media import Word
from rehearsal.scenario.model import Condition, Scenario, Turn

EndReason = Ending  # the one vocabulary of how a call ended (rehearsal.call.ending)


class Judge(Protocol):
    def judge(self, text: str, context: str | None = None) -> Verdict: ...


@dataclass(frozen=True, slots=True)
class CallResult:
    scenario_id: str
    scenario_title: str
    turns: list[TurnRecord]
    score: float
    target: float | None
    end_reason: EndReason
    closing_line: str | None

    @property
    def met_target(self) -> bool | None:
        """Only a call that reached its close can meet the target: one good opener is not a call."""
        if self.target is None:
            return None
        return self.end_reason == "completed" and self.score >= self.target

    def to_dict(self) -> dict:
        return {
            "scenario_id": self.scenario_id,
            "scenario_title": self.scenario_title,
            "score": self.score,
            "target": self.target,
            "met_target": self.met_target,
            "end_reason": self.end_reason,
            "closing_line": self.closing_line,
            "turns": [t.to_dict() for t in self.turns],
        }


class Call:
    def __init__(self, scenario: Scenario, judge: Judge, start_at: str | None = None) -> None:
        if start_at is not None and start_at not in scenario.turns:
            raise KeyError(f"scenario {scenario.id!r} has no turn {start_at!r}")
        self.scenario = scenario
        self.judge = judge
        self.records: list[TurnRecord] = []
        self.current_id: str = start_at or scenario.start
        self._hung_up = False

    @property
    def current(self) -> Turn:
        return self.scenario.turns[self.current_id]

    @property
    def manager_line(self) -> str:
        return self.current.text

    @property
    def finished(self) -> bool:
        return self._hung_up or self.current.end

    @property
    def asked_before(self) -> bool:
        """A feedback request was made in an earlier reply of this call."""
        return self._asked_before()

    @property
    def time_limit(self) -> float | None:
        return self.scenario.time_limit(self.current_id)

    def reply(self, text: str, *, delivery: Delivery | None = None, words: list[Word] | None = None) -> TurnRecord:
        """Judge the reply to the current turn and move the call on."""
        if self.finished:
            raise RuntimeError("the call has ended; there is nothing to reply to")
        turn = self.current
        asked_before = self._asked_before()
        record = self._judged(self.current_id, len(self.records), text, delivery, words, asked_before)
        record = replace(record, next_turn=self._next_turn(turn, record.verdict, asked_before))
        self.records.append(record)
        self.current_id = record.next_turn
        return record

    def rejudge(self, record: TurnRecord, text: str, *, words: list[Word], delivery: Delivery | None,
                asked_before: bool) -> TurnRecord:
        """`record`'s reply judged again on other words (a second recognizer's), exactly as
        `reply` judged it: the same judge, line, expectations and weights. The path it took
        (`next_turn`) stays: the call went on from the words it had then. Thread-safe (reads only)."""
        again = self._judged(record.turn_id, record.index, text, delivery, words, asked_before)
        return replace(again, next_turn=record.next_turn, skipped=record.skipped)

    def _judged(self, turn_id: str, index: int, text: str, delivery: Delivery | None, words: list[Word] | None,
                asked_before: bool) -> TurnRecord:
        turn = self.scenario.turns[turn_id]
        verdict = self.judge.judge(text, context=turn.text)  # the manager's line this reply answers
        if turn.requires_contact and verdict.contact is None:
            verdict = replace(verdict, contact=contact.find(text))
        score = score_turn(verdict, turn.expects, self.scenario.rubric.weights, delivery, asked_before)
        return TurnRecord(
            index=index,
            turn_id=turn_id,
            manager_text=turn.text,
            reply=text,
            verdict=verdict,
            score=score,
            tips=tips_for(verdict, score, delivery),
            cue=cue_for(verdict, score),
            next_turn=None,
            expects=list(turn.expects),
            delivery=delivery,
            words=list(words or []),
        )

    def skip(self) -> TurnRecord:
        """Move on without answering; the turn scores as silence."""
        record = self.reply("")
        self.records[-1] = record = _replace_skipped(record)
        return record

    def retry_last(self) -> str:
        """Take back the last reply and return to its turn. Returns that turn's id."""
        if not self.records:
            return self.current_id
        record = self.records.pop()
        self.current_id = record.turn_id
        self._hung_up = False
        return self.current_id

    def hang_up(self) -> None:
        self._hung_up = True

    def result(self) -> CallResult:
        if self._hung_up:
            reason: EndReason = "hung_up"
        elif self.current.end:
            reason = "completed"
        else:
            reason = "incomplete"
        return CallResult(
            scenario_id=self.scenario.id,
            scenario_title=self.scenario.title,
            turns=list(self.records),
            score=call_score(r.score.score for r in self.records),
            target=self.scenario.rubric.target,
            end_reason=reason,
            closing_line=self.current.text if self.current.end and not self._hung_up else None,
        )

    def _asked_before(self) -> bool:
        return any(r.verdict.feedback_request.detected for r in self.records)

    def _next_turn(self, turn: Turn, verdict: Verdict, asked_before: bool) -> str:
        branches = turn.next or []
        for branch in branches:
            if branch.when is None or matches(branch.when, verdict, asked_before):
                return branch.goto
        # The validator insists on a default branch; an unvalidated file falls to the last one.
        if branches:
            return branches[-1].goto
        raise RuntimeError(f"turn {self.current_id!r} has nowhere to go: give it `next` or `end: true`")


def matches(cond: Condition, verdict: Verdict, asked_before: bool) -> bool:
    checks = [
        (cond.gratitude, verdict.gratitude.detected),
        (cond.feedback_request, verdict.feedback_request.detected),
        (cond.door_open, verdict.door_open.detected),
        (cond.silent, verdict.silent),
        (cond.asked_before, asked_before),
    ]
    if any(want is not None and want != got for want, got in checks):
        return False
    if cond.tone is not None:
        wanted = [cond.tone] if isinstance(cond.tone, str) else cond.tone
        if verdict.tone.label not in wanted:
            return False
    return True


def _replace_skipped(record: TurnRecord) -> TurnRecord:
    return replace(record, skipped=True, cue="Skipped.")
