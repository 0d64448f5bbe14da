"""``bench/results.md``: the one place benchmark figures live. Each bench rewrites its own section, dated, with the
machine's load beside it (this machine's speed swings 2× within an hour: compare figures with their same-run
baseline, not across runs)."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.md"
HEADER = (
    "# Benchmark results\n\n"
    "Written by the benches under `bench/` (each rewrites its own section when it runs: `python -m bench.NAME`).\n"
    "Figures are from one run on the machine named; each speed goal is stated against a baseline measured in the\n"
    "same run.\n"
)


def record(name: str, summary: str, lines: list[str]) -> None:
    """Replace the section of bench ``name`` with ``lines`` (Markdown), under a dated heading."""
    text = RESULTS.read_text() if RESULTS.exists() else HEADER
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    body = f"## {name}\n\n_{summary}_ — {stamp}, {os.cpu_count()} cores, load {load}\n\n" + "\n".join(lines) + "\n"
    pattern = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: body + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + body
    RESULTS.write_text(text.rstrip() + "\n")
