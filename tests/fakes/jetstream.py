"""A fake Jetstream v1 replaying the shared production events, honouring ``cursor``.

Jetstream relays each record as the author's client wrote it (its JSON, ``createdAt`` included, is not validated:
https://github.com/bluesky-social/jetstream#readme, "record" is the raw repo record): ``extra`` events, hostile
ones included, are sent after the recorded ones.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import serve


class FakeJetstream:
    """Replays the recorded events from ``cursor``, then ``extra`` ones; ``live``: then goes on as the firehose
    does, every recorded event again with a new time about every ``noise_s`` seconds, and each ``publish``ed event
    as it comes."""

    def __init__(
        self,
        fixtures: Path,
        drop_after: int | None = None,
        live: bool = False,
        noise_s: float = 0.005,
        extra: list[dict] = (),
    ):
        self.lines = (fixtures / "bluesky/jetstream_expected_v1.jsonl").read_text().splitlines()
        self.lines += [json.dumps(event) for event in extra]
        self.drop_after, self.connections = drop_after, []
        self.live, self.noise_s, self.published = live, noise_s, []
        self.server = serve(self._handle, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/subscribe"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handle(self, ws) -> None:
        query = parse_qs(urlparse(ws.request.path).query)
        self.connections.append(query)
        cursor = int(query.get("cursor", ["0"])[0])
        sent = 0
        for line in self.lines:
            if json.loads(line)["time_us"] >= cursor:
                ws.send(line)
                sent += 1
                if self.drop_after is not None and sent >= self.drop_after and len(self.connections) == 1:
                    return  # the first connection drops mid-stream
        if self.live:
            try:
                self._go_on(ws, cursor)
            except ConnectionClosed:
                return
        ws.recv()  # then stay open, quiet, until the client leaves

    def publish(self, event: dict) -> None:
        """A new event, sent to every open connection now (its ``time_us`` set to now)."""
        self.published.append(json.dumps({**event, "time_us": time.time_ns() // 1000}))

    def _go_on(self, ws, cursor: int) -> None:
        """The published events from ``cursor`` on (a reconnecting client misses none), then each as it comes."""
        sent = next((i for i, line in enumerate(self.published) if json.loads(line)["time_us"] >= cursor), None)
        sent, n = len(self.published) if sent is None else sent, 0
        while True:
            for line in self.published[sent:]:
                ws.send(line)
            sent = len(self.published)
            noise = json.loads(self.lines[n % len(self.lines)])
            ws.send(json.dumps({**noise, "time_us": time.time_ns() // 1000}))
            n += 1
            time.sleep(self.noise_s)

    def close(self) -> None:
        self.server.shutdown()
