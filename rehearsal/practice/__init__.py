"""One way to run a call: the engines built from the settings, the speech model, and the call opened.

Both front ends (the app and `rehearsal practice`) open every call here, typed or aloud, so a
call reports the same events whichever of them shows it.
"""

from rehearsal.practice.engines import CallEngines, build_engines
from rehearsal.practice.opening import OpenCall, open_call
from rehearsal.practice.speech_model import SpeechModel

__all__ = ["CallEngines", "OpenCall", "SpeechModel", "build_engines", "open_call"]
