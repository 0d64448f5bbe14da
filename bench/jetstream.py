"""Jetstream parse-and-filter speed: ≥ 500,000 v1 events through json.loads → normalise → tag filter.

Events are the shared production fixture's, repeated and varied (new rkeys and
times; one post in ten carries the event's tag). They are made in chunks so
memory can be watched: resident memory is printed after each chunk (flat
means nothing accumulates). Goal: ≥ 50,000 events/s on one core.

    .venv/bin/python -m bench.jetstream [--events 500000]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import psutil

from summitpulse.normalise import normalise

ROOT = Path(__file__).resolve().parent.parent

FIXTURE = ROOT.parent / "shared/fixtures/bluesky/jetstream_expected_v1.jsonl"
CHUNK = 50_000
TAG = "somesummit"


def chunk(base: list[dict], start: int, size: int) -> list[str]:
    """``size`` varied events as JSON lines, numbered from ``start``."""
    out = []
    for n in range(start, start + size):
        event = json.loads(json.dumps(base[n % len(base)]))
        event["time_us"] += n * 1000
        commit = event.get("commit")
        if isinstance(commit, dict):
            commit["rkey"] = f"{commit.get('rkey', 'k')}{n}"
            record = commit.get("record")
            if commit.get("collection") == "app.bsky.feed.post" and isinstance(record, dict) and n % 10 == 0:
                record["text"] = f"{record.get('text', '')} #{TAG}"
        out.append(json.dumps(event))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500_000)
    args = parser.parse_args()
    base = [json.loads(line) for line in FIXTURE.read_text().splitlines()]
    process, parsed, kept, seconds = psutil.Process(), 0, 0, 0.0
    rss = []
    for start in range(0, args.events, CHUNK):
        lines = chunk(base, start, min(CHUNK, args.events - start))
        began = time.perf_counter()
        for line in lines:
            batch = normalise("jetstream_event", json.loads(line), (TAG,), source="jetstream", keep_unmatched=False)
            kept += len(batch.posts)
        seconds += time.perf_counter() - began
        parsed += len(lines)
        rss.append(process.memory_info().rss / 2**20)
    rate = parsed / seconds
    print(
        f"{parsed:,} Jetstream v1 events parsed and filtered in {seconds:.1f} s on one core: {rate:,.0f} events/s "
        f"({kept:,} tagged posts kept)"
    )
    print(f"resident memory after each {CHUNK:,}-event chunk (MiB): {', '.join(f'{r:.0f}' for r in rss)}")
    print(
        f"goal ≥ 50,000 events/s: {'met' if rate >= 50_000 else 'NOT met'}; "
        f"memory growth after the first chunk (allocator warm-up) to the last: {rss[-1] - rss[min(1, len(rss) - 1)]:+.0f} MiB"
    )


if __name__ == "__main__":
    main()
