"""A slow figure recomputed in the background: first result on request, failures keep the last one."""

import itertools

from summitpulse.ui.periodic import Periodic


def test_latest_result_and_failures_keep_the_previous_one():
    calls = itertools.count()

    def compute():
        n = next(calls)
        if n == 1:
            raise RuntimeError("source unavailable")
        return n

    figure = Periodic(compute, every=0.01, initial=None)
    try:
        assert figure.get(wait=5) == 0
        seen = {figure.get() for _ in range(2000)}
        assert None not in seen and seen <= set(range(0, 10_000)) and 1 not in seen
    finally:
        figure.stop()
