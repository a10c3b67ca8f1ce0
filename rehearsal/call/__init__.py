"""The call engine: walks a scenario turn by turn, judging replies. No UI, no audio."""

from rehearsal.call.engine import Call, CallResult, TurnRecord

__all__ = ["Call", "CallResult", "TurnRecord"]
