"""Authenticate before parsing. An unsigned or wrongly signed request is refused before its
body is decoded (and, for an unknown kiosk, before it is read); a body over the limit gets 413
whether declared or streamed; what such requests cost the server stays bounded, and health
answers while they arrive. These run against the real server on 127.0.0.1 over raw sockets,
so the test controls exactly what reaches the wire."""

from __future__ import annotations

import json
import socket
import threading
import time
import tracemalloc

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from district.app import MAX_BODY
from points_protocol import signing
from tests.live_district import LiveServer


def raw_request(server: LiveServer, head: str, body_chunks: list[bytes] | None = None,
                *, chunked: bool = False) -> tuple[int, bytes]:
    """Send ``head`` (request line and headers) and the body, then read the answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        sock.sendall(head.encode("latin-1") + b"\r\n")
        try:
            for chunk in body_chunks or []:
                sock.sendall(f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n" if chunked
                             else chunk)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass                              # the server stopped reading: that is the point
        answer = b""
        while True:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            answer += data
            if (b"\r\n\r\n" in answer and b'"detail"' in answer) or answer.endswith(b"}"):
                break
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, answer.partition(b"\r\n\r\n")[2]


def headers_for(kiosk: str, *, length: int | None = None, chunked: bool = False,
                signature: str = "A" * 86 + "==") -> str:
    lines = ["POST /v1/push HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json",
             f"X-Kiosk-Id: {kiosk}", f"X-Kiosk-Time: {int(time.time())}",
             f"X-Kiosk-Nonce: {signing.new_nonce()}", f"X-Kiosk-Signature: {signature}"]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    return "\r\n".join(lines) + "\r\n"


def test_a_declared_body_over_the_limit_is_refused_before_it_is_sent(
        district: LiveServer, key: Ed25519PrivateKey) -> None:
    status, body = raw_request(district, headers_for("k1", length=120 << 20))
    assert status == 413 and b"body over" in body


def test_a_streamed_body_over_the_limit_is_refused(district: LiveServer,
                                                   key: Ed25519PrivateKey) -> None:
    chunks = [b"[" * 65536] * ((MAX_BODY >> 16) + 8)
    status, _ = raw_request(district, headers_for("k1", chunked=True), chunks, chunked=True)
    assert status == 413


@pytest.mark.expect_log(r"refused .*: unknown kiosk")
def test_an_unknown_kiosk_is_refused_before_its_body_is_read(district: LiveServer) -> None:
    # The body is declared but never sent: an answer at all means it was not waited for.
    status, body = raw_request(district, headers_for("nobody", length=MAX_BODY - 1))
    assert status == 401 and b"unknown kiosk" in body


@pytest.mark.expect_log(r"refused .*: bad signature")
def test_a_bad_signature_is_refused_before_the_json_is_decoded(
        district: LiveServer, key: Ed25519PrivateKey) -> None:
    garbage = b"{not json at all" * 100
    status, body = raw_request(district, headers_for("k1", length=len(garbage)), [garbage])
    assert status == 401 and b"bad signature" in body         # not a 422 about the JSON


@pytest.mark.expect_log(r"refused .*: bad signature")
def test_the_signature_covers_the_raw_path_as_sent(district: LiveServer,
                                                   key: Ed25519PrivateKey) -> None:
    raw = "/v1/images/%61" + "b" * 63                      # %61 is "a"
    decoded = "/v1/images/a" + "b" * 63

    def get(signed_path: str) -> int:
        headers = signing.signed_headers(key, "k1", method="GET", path=signed_path, body=b"",
                                         timestamp=int(time.time()))
        lines = [f"GET {raw} HTTP/1.1", "Host: 127.0.0.1", "Content-Length: 0",
                 *(f"{k}: {v}" for k, v in headers.items())]
        return raw_request(district, "\r\n".join(lines) + "\r\n")[0]

    assert get(raw) == 404                  # authenticated; no such picture
    assert get(decoded) == 401              # the decoded form is not what was sent


def test_unauthenticated_floods_stay_small_and_health_answers(
        district: LiveServer, key: Ed25519PrivateKey) -> None:
    """Four 40 MB pushes at once from someone who knows a kiosk id but not its key: the
    server's Python memory grows by a few MB at most (each is cut at the limit) and
    /v1/health answers while they arrive."""
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        results: list[int] = []
        chunk = b'{"entries": [' + b"0," * 32760 + b"0]}"

        def flood() -> None:
            results.append(raw_request(district, headers_for("k1", chunked=True),
                                       [chunk] * 600, chunked=True)[0])

        floods = [threading.Thread(target=flood) for _ in range(4)]
        for t in floods:
            t.start()
        health = requests.get(district.url + "/v1/health", timeout=30)
        for t in floods:
            t.join(timeout=120)
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
    assert health.status_code == 200 and health.json()["status"] == "ok"
    assert results == [413] * 4
    assert peak < 4 * MAX_BODY + (8 << 20), f"peak {peak >> 20} MB"


def test_every_answer_has_a_bounded_body(district: LiveServer, key: Ed25519PrivateKey) -> None:
    """A 422 says what is wrong without echoing the (up to 2 MB) input back."""
    big = {"idempotency_key": "k" * 10, "entries": [{"seq": "x" * 500_000, "entry_id": "e",
                                                     "kind": "sale", "kiosk_id": "k1",
                                                     "payload": {}}] * 3}
    body = json.dumps(big).encode()
    headers = signing.signed_headers(key, "k1", method="POST", path="/v1/push", body=body,
                                     timestamp=int(time.time()))
    answer = requests.post(district.url + "/v1/push", data=body,
                           headers={**headers, "Content-Type": "application/json"}, timeout=30)
    assert answer.status_code == 422 and len(answer.content) < 8000
