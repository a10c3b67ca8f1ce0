"""Shared helpers for the store, bundle and review tests: a small scenario, a keyword judge
(so these tests do not depend on the real judge's lexicons), and a way to record calls."""

from __future__ import annotations

from rehearsal.call.engine import Call
from rehearsal.call.events import CallEnded, ManagerSpeaking, ReplyHeard, TurnScored
from rehearsal.scenario.model import Scenario
from rehearsal.voice.interfaces import Audio, Transcript
from fakes import FakeJudge

SCENARIO = {
    "id": "follow-up",
    "title": "Follow-up after a rejection",
    "description": "Thank the manager and ask for feedback.",
    "situation": "You interviewed last Tuesday; the rejection came this morning.",
    "persona": {"name": "Dana Reyes", "role": "Engineering manager"},
    "rubric": {"target": 70, "attempts": 3},
    "start": "hello",
    "turns": {
        "hello": {
            "say": "Dana speaking.",
            "expects": ["gratitude", "feedback_request"],
            "next": [{"goto": "vague"}],
        },
        "vague": {
            "say": "Honestly it was a better fit thing.",
            "expects": ["tone", "door_open"],
            "next": [{"goto": "bye"}],
        },
        "bye": {"say": "Good luck out there.", "end": True},
    },
}


def scenario(**changes) -> Scenario:
    return Scenario.model_validate({**SCENARIO, **changes})


def fake_judge() -> FakeJudge:
    return FakeJudge(thanks=("thank", "appreciate"), door=("future", "keep an eye"), rude=("ridiculous", "waste"))


GOOD = ["Thank you for the call, could you share feedback?", "I appreciate it and would love future roles."]
POOR = ["Hi.", "That is ridiculous."]


def beep(seconds: float = 0.2, rate: int = 16000, level: int = 1000) -> Audio:
    n = int(seconds * rate)
    pcm = b"".join(((level if (i // 20) % 2 else -level).to_bytes(2, "little", signed=True)) for i in range(n))
    return Audio(pcm=pcm, rate=rate)


def record_call(store, replies: list[str], *, sc: Scenario | None = None, audio: bool = True,
                hang_up_after: int | None = None, keep_audio: bool = True, end: bool = True) -> str:
    """Drive a Call with typed replies through a recorder, as the voice loop would."""
    sc = sc or scenario()
    rec = store.recorder(sc, mode="voice" if audio else "typed", keep_audio=keep_audio)
    call = Call(sc, fake_judge())
    for n, reply in enumerate(replies):
        rec(ManagerSpeaking(call.current_id, call.manager_line, beep() if audio else None))
        rec(ReplyHeard(call.current_id, Transcript(reply), beep(0.3) if audio else None))
        rec(TurnScored(call.reply(reply)))
        if hang_up_after is not None and n + 1 >= hang_up_after:
            call.hang_up()
            break
    if call.finished and not call._hung_up:
        rec(ManagerSpeaking(call.current_id, call.manager_line, beep() if audio else None))
    if end:
        rec(CallEnded(call.result()))
    rec.close()
    return rec.session_id
