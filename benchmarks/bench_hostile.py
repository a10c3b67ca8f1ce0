"""Hostile input (issue 12): per family, cases run, tracebacks, worst time per case and peak memory.

    .venv/bin/python benchmarks/bench_hostile.py [--cases 300] [--seed 12] [--wav-at-cap]

Families: scenario files (loader, then a typed call when a file loads), `score --jsonl`
lines, bundles (`review`), WAV files (`transcribe`'s reader) and model zips (`models install
--from`). Each family runs in its own process so its peak RSS is its own. Every family mixes
the issue's named cases (the 5,000-turn cycle, 126 KB of "thanks", /dev/zero, a FIFO, ...)
with seeded random mutations of good inputs. A "traceback" is any exception other than the
family's one-sentence refusal. Times are wall-clock on whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import hostile_support as hs  # noqa: E402

FAMILIES = ("scenario", "score", "bundle", "wav", "models")


class Run:
    def __init__(self) -> None:
        self.cases = 0
        self.tracebacks: list[str] = []
        self.worst = (0.0, "")
        self.runs: list[tuple[str, float]] = []

    def case(self, name: str, action, refusal: tuple[type[BaseException], ...]) -> None:
        self.cases += 1
        started = time.perf_counter()
        try:
            action()
        except refusal:
            pass
        except BaseException as exc:  # noqa: BLE001 - counting them is the point
            self.tracebacks.append(f"{name}: {type(exc).__name__}: {str(exc)[:120]}")
        took = time.perf_counter() - started
        if name.startswith("run-"):  # a whole batch, reported on its own line
            self.runs.append((name, took))
        elif took > self.worst[0]:
            self.worst = (took, name)


def _special_files(folder: Path) -> list[tuple[str, Path]]:
    fifo = folder / "fifo"
    os.mkfifo(fifo)
    return [("/dev/zero", Path("/dev/zero")), ("fifo", fifo), ("folder", folder)]


# ---------------------------------------------------------------- families


def scenario(run: Run, n: int, rng: random.Random, folder: Path) -> None:
    from rehearsal.call.engine import Call
    from rehearsal.judging.judge import Judge
    from rehearsal.scenario.loader import ScenarioError, load_file, load_text

    def typed(text: str) -> None:
        s = load_text(text)
        call = Call(s, Judge(s.phrases))
        for reply in ["Thank you so much. Could you tell me what I could do better?", ""] * 10:
            if call.finished:
                break
            call.reply(reply)
        if not call.finished:
            call.hang_up()
        assert call.result().score == call.result().score  # not NaN

    bases = [hs.SCENARIO] + [p.read_text(encoding="utf-8") for p in sorted((REPO / "scenarios").glob("*.yaml"))]
    named = {
        "cycle-5000": hs.cycle_scenario(5000), "missing-5000": hs.cycle_scenario(5000, missing=True),
        "weights-inf": hs.scenario_with("tone: 1.0", "tone: .inf"), "say-surrogate": hs.scenario_with('"Hello, this is Sam."', '"\\ud800"'),
        "say-escape": hs.scenario_with('"Hello, this is Sam."', '"\\e]0;pwned\\a\\e[2J"'),
        "nesting-5000": "[" * 5000, "256KiB-comment": "#" + "x" * (256 * 1024 - 2) + "\n",
        "number-6000-digits": "id: 1" + "0" * 6000, "yaml-1.1-octal": hs.SCENARIO.replace("target: 70", "target: 017"),
    }
    for name, text in named.items():
        run.case(name, lambda t=text: typed(t), (ScenarioError,))
    for name, path in _special_files(folder):
        run.case(name, lambda p=path: load_file(p), (ScenarioError,))
    for i in range(n):
        text = hs.mutate_text(rng, rng.choice(bases))
        run.case(f"mutated-{i}", lambda t=text: typed(t), (ScenarioError,))


def score(run: Run, n: int, rng: random.Random, folder: Path) -> None:
    from rehearsal.cli import score as cli
    from rehearsal.judging.judge import Judge

    judge = Judge()

    class Sink(io.RawIOBase):  # checks each output line as it comes, keeps none of them
        def writable(self) -> bool:
            return True

        def write(self, data) -> int:
            json.loads(bytes(data).decode("utf-8"))
            return len(data)

    def lines(data: bytes) -> None:
        cli.score_lines(judge, io.BytesIO(data), Sink())

    named = {
        "thanks-126KB": json.dumps({"id": 1, "text": "thanks " * 18_000}).encode(),
        "brackets-100k": b"[" * 100_000, "int-4301-digits": b'{"id": ' + b"1" * 4301 + b', "text": "a"}',
        "id-surrogate": b'{"id": "\\ud800", "text": "hi"}', "not-utf8": b'{"id": 1, "text": "\xff"}',
        "bom": b'\xef\xbb\xbf{"id": 1, "text": "thanks"}', "line-2MiB": b'{"text": "' + b"a" * (2 << 20) + b'"}',
    }
    for name, data in named.items():
        run.case(name, lambda d=data: lines(d + b"\n"), ())
    words = ["thanks", "thank you", "no thanks", "appreciate", "feedback", "could you", "?", "sorry", "not",
             "keep in touch", "for nothing", "\ud800", "\x1b[2J", "\u00e9", "\U0001f600"]
    good = [json.dumps({"id": i, "text": " ".join(rng.choices(words, k=rng.randint(0, 40)))}).encode() for i in range(n)]
    for i, line in enumerate(good):
        data = hs.mutate_bytes(rng, line, flips=3) if rng.random() < 0.5 else line
        run.case(f"line-{i}", lambda d=data: lines(d.replace(b"\n", b" ") + b"\n"), ())
    bulk = b"\n".join(good[i % len(good)] for i in range(100_000)) + b"\n"
    run.case("run-100k-lines", lambda: lines(bulk), ())


def bundle(run: Run, n: int, rng: random.Random, folder: Path) -> None:
    from rehearsal.store.bundle import BundleError, read_bundle
    from rehearsal.cli.review import table
    from rehearsal.store.review import review, review_bundle

    def check(path: Path) -> None:
        rows, failures = review([path])
        assert len(rows) + len(failures) == 1
        table(rows)
        read_bundle(path)  # BundleError is the refusal

    good = hs.zip_bytes(hs.bundle_members())
    big = json.dumps(hs.ATTEMPT).replace('"score": 80.0', '"score": ' + "9" * 400, 1)
    named = {
        "corrupt-deflate-manifest": hs.corrupt_member(good, "manifest.json"),
        "score-400-digits": hs.zip_bytes(hs.bundle_members() | {"results.json": '{"format_version": 1, "attempts": [' + big + "]}"}),
        "encrypted": hs.set_header_field(good, "flags", 1), "method-99": hs.set_header_field(good, "method", 99),
        "zip-bomb": hs.zip_bytes(hs.bundle_members() | {"transcripts/x.md": b"\0" * (64 << 20)}),
        "2000-entries": hs.zip_bytes(hs.bundle_members() | {f"transcripts/{i}.md": "x" for i in range(1998)}),
    }
    for name, data in named.items():
        run.case(name, lambda d=data: check(hs.write(folder / "b.zip", d)), (BundleError,))
    for name, path in _special_files(folder):
        run.case(name, lambda p=path: check(p), (BundleError,))
    for i in range(n):
        data = hs.mutate_bytes(rng, good)
        run.case(f"mutated-{i}", lambda d=data: check(hs.write(folder / "b.zip", d)), (BundleError,))
    del review_bundle


def wav(run: Run, n: int, rng: random.Random, folder: Path, at_cap: bool = False) -> None:
    import numpy as np

    from rehearsal.voice import audio_file
    from rehearsal.voice.audio_file import AudioFileError, load_for_recognition

    nan = np.array([np.nan, np.inf, -np.inf, 0.5] * 4000, dtype="<f4").tobytes()
    size = audio_file.MAX_WAV_BYTES - 64 if at_cap else 32 << 20
    big = folder / "big.wav"  # written in blocks, so only the reader's memory shows in the peak
    with big.open("wb") as f:
        f.write(hs.wav_header(1, 2, 44100, 16, size))
        for _ in range(size >> 20):
            f.write(os.urandom(1 << 20))
    named = {"rate-4.29GHz": hs.wav(rate=4_294_967_295), "float-nan": hs.wav(kind=3, bits=32, body=nan),
             "channels-65535": hs.wav(channels=65535)}
    for name, data in named.items():
        path = hs.write(folder / "x.wav", data)
        run.case(name, lambda p=path: load_for_recognition(p), (AudioFileError,))
    run.case(f"stereo-44.1k-{size >> 20}MiB", lambda: load_for_recognition(big), (AudioFileError,))
    for name, path in _special_files(folder):
        run.case(name, lambda p=path: load_for_recognition(p), (AudioFileError,))
    good = hs.wav(body=bytes(rng.randrange(256) for _ in range(3200)))
    for i in range(n):
        path = hs.write(folder / "x.wav", hs.mutate_bytes(rng, good, flips=4))
        run.case(f"mutated-{i}", lambda p=path: load_for_recognition(p), (AudioFileError,))


def models(run: Run, n: int, rng: random.Random, folder: Path) -> None:
    from rehearsal.voice import model_store

    os.environ["REHEARSAL_MODELS_DIR"] = str(folder / "models")
    good = hs.model_zip()

    def install(path: Path) -> None:
        try:
            model_store.install(from_path=path, unverified=True, force=True)
        finally:
            leftovers = [p.name for p in (folder / "models").glob(".installing-*")]
            assert not leftovers, leftovers

    named = {
        "encrypted": hs.set_header_field(good, "flags", 1), "method-99": hs.set_header_field(good, "method", 99),
        "deep-2000": hs.model_zip({"vosk-model-test/" + "d/" * 2000 + "f": b"x"}),
        "corrupt-bz2": hs.corrupt_member(hs.model_zip(compression=zipfile.ZIP_BZIP2), "vosk-model-test/graph/Gr.fst"),
        "file-folder-clash": hs.model_zip({"vosk-model-test/am/final.mdl/x": b"x"}),
        "zip-slip": hs.model_zip({"../evil": b"x"}), "good": good,
    }
    for name, data in named.items():
        run.case(name, lambda d=data: install(hs.write(folder / "vosk-model-test.zip", d)), (model_store.ModelInstallError,))
    for name, path in _special_files(folder)[:2]:
        run.case(name, lambda p=path: install(p), (model_store.ModelInstallError,))
    for i in range(n):
        data = hs.mutate_bytes(rng, good)
        run.case(f"mutated-{i}", lambda d=data: install(hs.write(folder / "vosk-model-test.zip", d)),
                 (model_store.ModelInstallError,))


# ---------------------------------------------------------------- driver


def child(family: str, n: int, seed: int, at_cap: bool) -> None:
    run = Run()
    rng = random.Random(f"{seed}-{family}")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        if family == "wav":
            wav(run, n, rng, Path(folder), at_cap)
        else:
            globals()[family](run, n, rng, Path(folder))
        total = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"family": family, "cases": run.cases, "tracebacks": run.tracebacks,
                      "worst_s": run.worst[0], "worst_case": run.worst[1], "total_s": total, "peak_mb": peak_mb,
                      "runs": run.runs}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300, help="random mutations per family (plus the named cases)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--wav-at-cap", action="store_true", help="read one WAV at the size cap (memory worst case)")
    parser.add_argument("--family", choices=FAMILIES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.family:
        child(args.family, args.cases, args.seed, args.wav_at_cap)
        return 0
    print(f"{'family':<9} {'cases':>6} {'tracebacks':>10} {'worst s':>8}  {'worst case':<26} {'total s':>8} {'peak RSS MB':>11}")
    failed = 0
    for family in FAMILIES:
        cmd = [sys.executable, __file__, "--family", family, "--cases", str(args.cases), "--seed", str(args.seed)]
        done = subprocess.run(cmd + (["--wav-at-cap"] if args.wav_at_cap else []), capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{family:<9} crashed: {done.stderr.strip().splitlines()[-1:]}")
            failed += 1
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{family:<9} {r['cases']:>6} {len(r['tracebacks']):>10} {r['worst_s']:>8.2f}  {r['worst_case']:<26} "
              f"{r['total_s']:>8.1f} {r['peak_mb']:>11.0f}")
        for name, took in r["runs"]:
            print(f"    {name}: {took:.1f} s in all")
        for line in r["tracebacks"][:5]:
            print(f"    {line}")
        failed += bool(r["tracebacks"])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
