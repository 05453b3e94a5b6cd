"""A district that misbehaves on purpose: a real HTTP server on 127.0.0.1 whose every answer a
test decides (redirects, trickled bytes, pages that never end), recording what it was asked.

Unlike the fault proxy (which breaks the network between a kiosk and a real district), this
stands in for the district itself: the kiosk must not trust what it says.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=dict)
    drip_seconds: float = 0.0       # pause before each byte of the answer...
    drip_headers: bool = True       # ...from the status line on, or only in the body
    delay_seconds: float = 0.0      # pause before answering at all


@dataclass(frozen=True)
class Asked:
    method: str
    path: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict, compare=False)


Answer = Callable[[Asked], Reply]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up on a trickle is what the tests want."""


class HostileDistrict:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.asked: list[Asked] = []
        self.lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                asked = Asked(self.command, self.path, body, dict(self.headers.items()))
                with stub.lock:
                    stub.asked.append(asked)
                reply = stub.answer(asked)
                time.sleep(reply.delay_seconds)
                head = [f"HTTP/1.1 {reply.status} X\r\n",
                        f"Content-Length: {len(reply.body)}\r\n",
                        "Content-Type: application/json\r\n"]
                head += [f"{k}: {v}\r\n" for k, v in reply.headers.items()]
                data = "".join(head).encode() + b"\r\n" + reply.body
                if reply.drip_seconds <= 0:
                    self.wfile.write(data)
                    return
                start = 0 if reply.drip_headers else len(data) - len(reply.body)
                self.wfile.write(data[:start])
                self.wfile.flush()
                for i in range(start, len(data)):
                    self.wfile.write(data[i:i + 1])
                    self.wfile.flush()
                    time.sleep(reply.drip_seconds)

            do_POST = do_GET

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        with self.lock:
            return [a.path.split("?", 1)[0] for a in self.asked]


def after_of(asked: Asked) -> int:
    """The ``after`` a change-feed request asks from."""
    return int(parse_qs(urlsplit(asked.path).query).get("after", ["0"])[0])


def page(**fields: object) -> bytes:
    """A well-formed change page; ``fields`` override its parts."""
    body: dict[str, object] = {"cursor": 5, "more": False, "as_of": "2026-11-30T02:00:00+00:00",
                               "volunteers": [], "cards": [], "balances": [], "items": [],
                               "settings": []}
    body.update(fields)
    return json.dumps(body).encode()


def forward(asked: Asked, port: int) -> Reply:
    """Ask the real district on 127.0.0.1:``port`` the same (signed) question."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {k: v for k, v in asked.headers.items() if k.lower() != "host"}
    conn.request(asked.method, asked.path, body=asked.body or None, headers=headers)
    answer = conn.getresponse()
    reply = Reply(status=answer.status, body=answer.read())
    conn.close()
    return reply


def accept_everything(asked: Asked) -> Reply:
    """What a host that is not the district might answer: every pushed entry "applied", an
    empty feed, every heartbeat taken."""
    if asked.path.startswith("/v1/push"):
        entries = json.loads(asked.body)["entries"]
        return Reply(body=json.dumps({"applied_seq": entries[-1]["seq"] if entries else 0,
                                      "results": [{"seq": e["seq"], "entry_id": e["entry_id"],
                                                   "status": "applied"} for e in entries]
                                      }).encode())
    if asked.path.startswith("/v1/changes"):
        return Reply(body=page(cursor=after_of(asked)))
    return Reply(body=b'{"received_at": 0}')
