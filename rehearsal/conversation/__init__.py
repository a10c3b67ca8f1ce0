"""The conversation loop: drives a call aloud, turn by turn, with the engines in `rehearsal.voice`.

Above the call engine and the speech engines, below the UI and the CLI (see the layers
contract in pyproject.toml). `loop.CallRunner` is the entry point.
"""
