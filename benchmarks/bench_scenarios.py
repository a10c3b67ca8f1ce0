"""How long reading scenarios takes: each built-in file, the whole catalog, and worst-case input.

Run: .venv/bin/python benchmarks/bench_scenarios.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from rehearsal import paths
from rehearsal.scenario.catalog import entries
from rehearsal.scenario.loader import MAX_BYTES, load_file, load_text
from rehearsal.scenario.problems import ScenarioError


def best_ms(fn: Callable[[], object], repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def refused(text: str) -> Callable[[], None]:
    def run() -> None:
        try:
            load_text(text)
        except ScenarioError:
            pass

    return run


def main() -> None:
    files = sorted(paths.builtin_scenarios_dir().glob("*.yaml"))
    per_file = {p.name: best_ms(lambda p=p: load_file(p)) for p in files}
    for name, ms in per_file.items():
        print(f"load {name:32} {ms:6.2f} ms")
    print(f"load one built-in scenario (median)  {statistics.median(per_file.values()):6.2f} ms")
    print(f"catalog entries() ({len(files)} built-in)      {best_ms(entries, 10):6.2f} ms")
    # Worst cases a hostile file can reach inside the size limit.
    flat = "".join(f"k{i}: v\n" for i in range(MAX_BYTES // 10))[: MAX_BYTES - 1]
    print(f"refuse a 256 KiB flat mapping         {best_ms(refused(flat), 3):6.2f} ms")
    print(f"refuse 256 KiB of '['                  {best_ms(refused('[' * (MAX_BYTES - 1)), 3):6.2f} ms")


if __name__ == "__main__":
    main()
