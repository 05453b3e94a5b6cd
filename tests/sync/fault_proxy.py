"""A fault-injecting HTTP proxy of our own, between a kiosk and the district on 127.0.0.1.

Each request takes the next fault from a queue (then ``pass``): drop it before the server sees
it, delay it, send it twice, forward it and cut the connection before the answer (the server
committed, the kiosk never hears), answer 500 without forwarding, or forward and answer with a
garbage body (an HTML error page, truncated JSON).
"""

from __future__ import annotations

import collections
import http.client
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAULTS = ("pass", "drop", "delay", "duplicate", "reset_after", "error500", "html", "truncated")


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A connection we cut on purpose fails to flush; that is the point, not an error."""


class FaultProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.faults: collections.deque[str] = collections.deque()
        self.seen: list[tuple[str, str, str]] = []   # (fault, method, path)
        self.forwarded = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                proxy.handle(self)

            def do_POST(self) -> None:
                proxy.handle(self)

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> FaultProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def plan(self, *faults: str) -> None:
        assert all(f in FAULTS for f in faults)
        with self.lock:
            self.faults.extend(faults)

    def _next(self) -> str:
        with self.lock:
            return self.faults.popleft() if self.faults else "pass"

    def _forward(self, req: BaseHTTPRequestHandler, body: bytes) -> tuple[int, bytes, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.upstream_port, timeout=30)
        headers = {k: v for k, v in req.headers.items() if k.lower() not in ("host",)}
        conn.request(req.command, req.path, body=body or None, headers=headers)
        answer = conn.getresponse()
        data = answer.read()
        conn.close()
        with self.lock:
            self.forwarded += 1
        return answer.status, data, answer.getheader("Content-Type") or "application/json"

    def handle(self, req: BaseHTTPRequestHandler) -> None:
        body = req.rfile.read(int(req.headers.get("Content-Length") or 0))
        fault = self._next()
        with self.lock:
            self.seen.append((fault, req.command, req.path))
        if fault == "drop":
            _reset(req)
            return
        if fault == "error500":
            _answer(req, 500, b"Internal Server Error", "text/plain")
            return
        if fault == "delay":
            time.sleep(0.5)
        status, data, ctype = self._forward(req, body)
        if fault == "duplicate":
            status, data, ctype = self._forward(req, body)
        if fault == "reset_after":
            _reset(req)
        elif fault == "html":
            _answer(req, 200, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
        elif fault == "truncated":
            _answer(req, status, data[: max(1, len(data) // 2)], ctype)
        else:
            _answer(req, status, data, ctype)


def _answer(req: BaseHTTPRequestHandler, status: int, data: bytes, ctype: str) -> None:
    req.send_response(status)
    req.send_header("Content-Type", ctype)
    req.send_header("Content-Length", str(len(data)))
    req.end_headers()
    req.wfile.write(data)


def _reset(req: BaseHTTPRequestHandler) -> None:
    """Close with RST: the client sees the connection reset, no answer at all."""
    req.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    req.close_connection = True
    req.connection.close()
