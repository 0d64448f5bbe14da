"""A tiny threaded HTTP server on 127.0.0.1 whose routes are plain functions, with a fault queue.

Faults are consumed one per matching request: '500', '502' (a gateway's HTML page), '429', 'timeout',
'truncated' (half a JSON body), 'cut' (the connection dropped mid-body, after a Content-Length promising
all of it), 'html' (an HTML page answered with 200, as a captive portal or CDN does), '401', 'down'
(connection dropped before any answer), 'reorder' (the page's items reversed), 'duplicate' (an item twice).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

HTML_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"


class Reply:
    """An answer: a JSON body, or ``stream(write)`` writing an event stream until the client leaves."""

    def __init__(self, body=None, status: int = 200, headers: dict | None = None, stream=None):
        self.body, self.status, self.headers, self.stream = body, status, headers or {}, stream


class FakeServer:
    """Routes: {(method, path_prefix): fn(path, params, body) -> Reply}."""

    def __init__(self, routes: dict, timeout_s: float = 3.0):
        self.routes, self.faults, self.requests = routes, [], []
        self.timeout_s = timeout_s
        self.delay_s = 0.0  # added to every request: time for a test to kill a client mid-run
        self.local = threading.local()  # the request being served, per handler thread
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def authorised(self) -> bool:
        """Whether the request being served carries a bearer token."""
        return bool((self.local.headers.get("Authorization") or "").startswith("Bearer "))

    def limit(self, path: str) -> tuple[Reply | None, dict]:
        """A server's rate limit: (the refusal, or None to serve; headers for the answer). None here."""
        return None, {}

    def inject(self, *faults: str, on: str = "") -> None:
        """Queue faults for the next requests whose path contains ``on``."""
        self.faults += [(on, f) for f in faults]

    def _fault_for(self, path: str) -> str | None:
        for i, (on, fault) in enumerate(self.faults):
            if on in path:
                del self.faults[i]
                return fault
        return None

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _serve(self, method: str) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.requests.append((method, self.path))
                server.local.headers, server.local.query = self.headers, parse_qs(url.query)
                refusal, limit_headers = server.limit(url.path)
                fault = server._fault_for(url.path)
                if fault == "down":
                    self.connection.close()
                    return
                if fault == "timeout":
                    time.sleep(server.timeout_s)
                time.sleep(server.delay_s)
                route = next(
                    (fn for (m, prefix), fn in server.routes.items() if m == method and url.path.startswith(prefix)),
                    None,
                )
                reply = refusal or (
                    route(url.path, parse_qs(url.query), body) if route else Reply({"error": "not found"}, 404)
                )
                reply.headers = {**limit_headers, **reply.headers}
                if reply.stream:
                    self._stream(reply)
                    return
                if fault in ("500", "429", "401"):
                    reply = Reply(
                        {"error": f"injected {fault}"},
                        int(fault),
                        {
                            "x-rate-limit-reset": str(int(time.time()) + 1),
                            "X-RateLimit-Reset": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(time.time() + 1)),
                            "RateLimit-Reset": str(int(time.time()) + 1),
                        }
                        if fault == "429"
                        else {},
                    )
                if fault in ("502", "html"):
                    reply = Reply(HTML_PAGE, 502 if fault == "502" else 200, {"Content-Type": "text/html"})
                if fault in ("reorder", "duplicate"):
                    reply.body = _reshape(reply.body, fault)
                data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode()
                if fault == "truncated":
                    data = data[: len(data) // 2]
                self.send_response(reply.status)
                if "Content-Type" not in reply.headers:
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(data[: len(data) // 2] if fault == "cut" else data)
                    if fault == "cut":
                        self.wfile.flush()
                        self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

            def _stream(self, reply: Reply) -> None:
                self.send_response(reply.status)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()

                def write(data: bytes) -> None:
                    self.wfile.write(data)
                    self.wfile.flush()

                try:
                    reply.stream(write)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

        return Handler


def _reshape(body, fault: str):
    """The page's items reversed, or with the first one repeated at the end."""
    items = (
        body
        if isinstance(body, list)
        else next(
            (body[k] for k in ("data", "posts") if isinstance(body, dict) and isinstance(body.get(k), list)), None
        )
    )
    if items:
        items[:] = list(reversed(items)) if fault == "reorder" else items + items[:1]
    return body
