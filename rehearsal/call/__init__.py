"""The call engine: walks a scenario turn by turn, judging replies. No UI, no audio."""

from rehearsal.call.engine import Call, CallResult
from rehearsal.call.turn import TurnRecord

__all__ = ["Call", "CallResult", "TurnRecord"]
