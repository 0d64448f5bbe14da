"""Many viewers at Streamlit's own protocol: server CPU, memory and refresh latency at N sessions.

Fifty real browsers do not fit on this machine beside the server (bench/viewers.py
measures 1 and 10). Here each viewer is what a browser tab is to the server: a
websocket session on ``/_stcore/stream`` that asks for the kiosk screen, then, as
the browser does for ``st.fragment(run_every=...)``, asks for the fragment again
at every ``auto_rerun`` interval. Latency is from that request to the server's
``script_finished``: the server's part of a refresh (a browser adds its drawing).
Goals (issue 5): at 50 viewers, refresh latency under 2 s and server memory under 1 GB.

    .venv/bin/python -m bench.sessions [--viewers 1,10,50] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import tempfile
import time
from pathlib import Path

import psutil
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.viewers import running

ROOT = Path(__file__).resolve().parent.parent

REFRESH_S = 5
ARRIVALS_S = 10  # the viewers of one level open the screen over this many seconds, as people do


def rerun(query: str, fragment_id: str = "") -> bytes:
    """The BackMsg a browser sends to run the page (or, with ``fragment_id``, one fragment)."""
    msg = BackMsg()
    msg.rerun_script.query_string = query
    if fragment_id:
        msg.rerun_script.fragment_id = fragment_id
        msg.rerun_script.is_auto_rerun = True
    return msg.SerializeToString()


async def finished(ws, timers: dict[str, float]) -> int:
    """Read until the run ends; ``timers`` collects the fragments' auto-rerun intervals. Returns the status."""
    while True:
        msg = ForwardMsg()
        msg.ParseFromString(await ws.recv())
        kind = msg.WhichOneof("type")
        if kind == "auto_rerun":
            timers[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "delta" and msg.delta.new_element.WhichOneof("type") == "exception":
            raise RuntimeError(f"the page failed: {msg.delta.new_element.exception.message}")
        elif kind == "script_finished":
            return msg.script_finished


async def viewer(
    port: int, query: str, delay: float, until: float, latencies: list[float], failures: list[str]
) -> None:
    """One session, opened after ``delay`` (viewers arrive over time): the page once, then every fragment
    at its interval until ``until``."""
    await asyncio.sleep(delay)
    try:
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/_stcore/stream",
            subprotocols=["streamlit"],
            origin=f"http://127.0.0.1:{port}",
            max_size=None,
        ) as ws:
            timers: dict[str, float] = {}
            await ws.send(rerun(query))
            await finished(ws, timers)
            if not timers:
                failures.append("the page asked for no auto-rerun")
                return
            fragment, interval = next(iter(timers.items()))
            due = time.monotonic() + interval
            while due < until:
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                sent = time.monotonic()
                await ws.send(rerun(query, fragment))
                await finished(ws, timers)
                latencies.append(time.monotonic() - sent)
                due = max(due + interval, time.monotonic())
    except (OSError, RuntimeError, websockets.WebSocketException) as e:
        failures.append(f"{type(e).__name__}: {e}")


async def sessions(port: int, n: int, seconds: float, query: str) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    failures: list[str] = []
    until = time.monotonic() + seconds
    await asyncio.gather(*(viewer(port, query, ARRIVALS_S * i / n, until, latencies, failures) for i in range(n)))
    return latencies, failures


def level(port: int, server, n: int, seconds: float) -> None:
    proc = psutil.Process(server.pid)
    proc.cpu_percent(None)
    latencies, failures = asyncio.run(sessions(port, n, seconds, "kiosk=1"))
    cpu, rss = proc.cpu_percent(None), proc.memory_info().rss / 2**20
    late = sorted(latencies)
    p50 = statistics.median(late) if late else float("nan")
    p95 = late[max(0, math.ceil(0.95 * len(late)) - 1)] if late else float("nan")
    print(
        f"{n:>3} sessions: server CPU {cpu:5.0f} % of a core, RSS {rss:6.0f} MiB, {len(late)} refreshes, "
        f"latency p50 {p50:.2f} s, p95 {p95:.2f} s, max {late[-1] if late else float('nan'):.2f} s"
        + (f", {len(failures)} failed: {failures[0]}" if failures else ""),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", default="1,10,50")
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, running(tmp, REFRESH_S) as (port, server):
        print(f"demo at 60x, dashboard refresh every {REFRESH_S} s", flush=True)
        for n in (int(v) for v in args.viewers.split(",") if v):
            level(port, server, n, args.seconds)


if __name__ == "__main__":
    main()
