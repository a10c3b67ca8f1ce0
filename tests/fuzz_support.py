"""The fuzz suite's budget (tests/test_fuzz_*.py): fixed and derandomized in CI, bigger for a soak.

    ./scripts/test.sh tests/test_fuzz_*.py                      # the CI budget (~30 s in all)
    REHEARSAL_FUZZ_SCALE=20 ./scripts/test.sh tests/test_fuzz_*.py -o timeout=0   # a soak

Derandomized, with no example database, so a CI run is the same run every time (not flaky);
a soak with REHEARSAL_FUZZ_SEED=N explores other inputs.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

SCALE = max(1, int(os.environ.get("REHEARSAL_FUZZ_SCALE", "1")))
SEED = os.environ.get("REHEARSAL_FUZZ_SEED")


def budget(examples: int):
    """Hypothesis settings for `examples` cases per test (times the soak scale)."""
    return settings(
        max_examples=examples * SCALE,
        deadline=None,  # the machine is shared: time is measured by benchmarks/bench_hostile.py
        derandomize=SEED is None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def seeded(test):
    """Apply REHEARSAL_FUZZ_SEED when given (a soak with other inputs); else leave it derandomized."""
    if SEED is None:
        return test
    from hypothesis import seed

    return seed(int(SEED))(test)
