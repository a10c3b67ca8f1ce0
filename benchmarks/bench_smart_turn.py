"""Pipecat's smart-turn v3 end-of-turn model scored on the turn-taking corpus, to decide whether
it earns a place as a signal in the end-of-turn policy (docs/turn-taking.md: it does not).

The model ships inside the `pipecat-ai` wheel, whose dependencies (numba, openai, aiohttp...)
rehearsal does not want; the wheel can be unpacked instead of installed:

    .venv/bin/pip download pipecat-ai --no-deps -d /tmp/pipecat && cd /tmp/pipecat && unzip -q pipecat_ai-*.whl
    .venv/bin/python benchmarks/bench_smart_turn.py --pipecat /tmp/pipecat/pipecat

Scores P(turn complete) where Pipecat would ask (the audio so far plus 200 ms of silence, the
last 8 s): at the ends of complete replies, and at the pauses after unfinished and finished words.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import spoken_corpus  # noqa: E402

RATE = 16_000
SILENCE_S = 0.2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pipecat", type=Path, help="the unpacked wheel's pipecat folder (default: the installed one)")
    args = parser.parse_args()
    root = args.pipecat
    if root is None:
        spec = importlib.util.find_spec("pipecat")
        if spec is None or not spec.submodule_search_locations:
            print("pipecat-ai is neither installed nor given with --pipecat (see the usage above)", file=sys.stderr)
            return 2
        root = Path(list(spec.submodule_search_locations)[0])
    turn = root / "audio" / "turn" / "smart_turn"
    spec = importlib.util.spec_from_file_location("whisper_features", turn / "_whisper_features.py")
    features = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(features)
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    model = next(turn.glob("data/smart-turn-v3*-cpu.onnx"))
    session = ort.InferenceSession(str(model), options)

    def score(samples: np.ndarray) -> float:
        x = np.concatenate([samples, np.zeros(int(SILENCE_S * RATE), dtype="<i2")]).astype(np.float32) / 32768
        n = 8 * RATE
        x = x[-n:] if len(x) > n else np.pad(x, (n - len(x), 0))
        mel = features.compute_whisper_log_mel_features(x, do_normalize=True)[None]
        return float(session.run(None, {"input_features": mel})[0][0].item())

    folder, replies = spoken_corpus.build()
    rows: dict[str, list[float]] = {"end of a complete reply": [], "pause after unfinished words": [],
                                    "pause after finished words": [], "end of a paused reply": []}
    costs = []
    for reply in replies:
        pcm = np.frombuffer(reply.pcm(folder), dtype="<i2")
        started = time.perf_counter()
        end = score(pcm)
        costs.append(time.perf_counter() - started)
        if reply.kind == spoken_corpus.COMPLETE:
            rows["end of a complete reply"].append(end)
            continue
        rows["end of a paused reply"].append(end)
        pause = reply.pauses[0]
        kind = "finished" if pause.finished_before else "unfinished"
        rows[f"pause after {kind} words"].append(score(pcm[: int(pause.at * RATE)]))
    print(f"{model.name}, {len(replies)} replies ({folder.name}), {statistics.median(costs) * 1000:.0f} ms a call")
    for name, values in rows.items():
        print(f"{name:<30} n={len(values):2d}  min {min(values):.2f}  median {statistics.median(values):.2f}  "
              f"max {max(values):.2f}  > 0.5: {sum(v > 0.5 for v in values)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
