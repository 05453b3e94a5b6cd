"""Logging for every entry point (``kiosk``, ``kiosk-sync``, ``kiosk-district``): one line per
record on stderr, which systemd's journal captures, stamps and rotates. Shared here so the
kiosk and the district log (and redact) alike without either importing the other.

A line is ``key=value`` pairs (logfmt)::

    time=2026-11-30T02:30:00.123Z level=INFO logger=kiosk.sync msg="sync ok" kiosk=k1

with any ``extra={...}`` context as further pairs, and a traceback folded into the same line
(``exc="..."``), so ``journalctl -o cat | grep`` and log shippers see one record per line.

Every record passes :class:`Redact` first, whoever logged it (a library included): QR card
tokens, private keys, signature and authorization headers never reach the journal, which is
readable by more people than the kiosk's key file is. Full names are not a pattern one can
find in text; the kiosk never holds them (only masked names) and the district's CSV import
masks them before anything else sees them.
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

REDACTED = "[redacted]"

# A PEM block (a private key, or anything else armoured: none of it belongs in a log); one
# that was cut short still hides everything after its BEGIN line.
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]+-----(?:.*?-----END [A-Z0-9 ]+-----|.*)", re.DOTALL)
# Authorization, cookies and the kiosk's request signature, as a header line or a dict repr.
_HEADER = re.compile(
    r"(?i)((?:proxy-)?authorization|cookie|set-cookie|x-kiosk-signature|signature)"
    r"(['\"]?\s*[:=]\s*['\"]?)(?:(?:bearer|basic|signature)\s+)?[^'\"\s,;}]+")
# Long base64/base64url runs: QR card tokens (~110 characters), signatures, keys. Ordinary
# words, ids, paths and hex digests are kept (see _looks_secret).
_LONG_B64 = re.compile(r"(?<![A-Za-z0-9_\-+/])[A-Za-z0-9_\-+/]{40,}={0,2}")
_HEX = re.compile(r"[0-9a-fA-F\-]+")
# ``extra`` context keys whose value is never logged, whatever it looks like.
SECRET_KEYS = frozenset({"token", "private_key", "signature", "authorization", "pin",
                         "password", "full_name", "key_pem"})

# Record attributes that are not context: logging's own, and uvicorn's ANSI-coloured copy
# of the message.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message", "asctime", "taskName", "color_message"}


def _is_path(run: str) -> bool:
    """An absolute path, not base64 that happens to start with '/' (1 signature in 64 does):
    paths have no '+' and few capitals, random base64 is ~40 % capitals."""
    if not run.startswith("/") or "+" in run:
        return False
    return sum(c.isupper() for c in run) <= len(run) * 0.15


def _looks_secret(run: str) -> bool:
    """Random base64 of 40+ characters has both cases and digits or many capitals (~40 %);
    words and CamelCase names have no digits and few capitals. A hex digest or UUID (an
    idempotency key, an entry id) is not a secret, nor an absolute path. Digits alone are not
    enough: one 88-character signature in a few million has none."""
    if _HEX.fullmatch(run.rstrip("=")) or _is_path(run):
        return False
    if not (any(c.isupper() for c in run) and any(c.islower() for c in run)):
        return False
    return any(c.isdigit() for c in run) or sum(c.isupper() for c in run) >= len(run) * 0.25


def redact(text: str) -> str:
    text = _PEM.sub("[PEM block redacted]", text)
    text = _HEADER.sub(lambda m: f"{m[1]}{m[2]}{REDACTED}", text)
    return _LONG_B64.sub(lambda m: REDACTED if _looks_secret(m[0]) else m[0], text)


class Redact(logging.Filter):
    """Rewrites the record in place (message, traceback, extra context); never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:   # bad %-args: keep what we have rather than lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key in _STANDARD:
                continue
            if key in SECRET_KEYS:
                setattr(record, key, REDACTED)
            elif isinstance(value, str):
                setattr(record, key, redact(value))
        return True


def _quote(value: Any) -> str:
    text = str(value)
    if text and not any(c in text for c in ' ="\\\n\r\t'):
        return text
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


class LineFormatter(logging.Formatter):
    """logfmt: time, level, logger, msg, then the record's extra context, then exc."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        parts = [f"time={moment.strftime('%Y-%m-%dT%H:%M:%S.')}"
                 f"{moment.microsecond // 1000:03d}Z",
                 f"level={record.levelname}", f"logger={_quote(record.name)}",
                 f"msg={_quote(record.getMessage())}"]
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                parts.append(f"{key}={_quote(value)}")
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            parts.append(f"exc={_quote(record.exc_text)}")
        if record.stack_info:
            parts.append(f"stack={_quote(record.stack_info)}")
        return " ".join(parts)


_HANDLER_NAME = "points-kiosk-stderr"


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of the record (a test's capture, or
    the journal's pipe), never to a stream that was closed since :func:`setup`."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def setup(level: int | str = logging.INFO, stream: TextIO | None = None) -> logging.Handler:
    """Install the one stderr handler on the root logger (again: replaces it, so calling it
    twice never doubles lines). Returns the handler."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    handler: logging.Handler = logging.StreamHandler(stream) if stream is not None \
        else _Stderr()
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(Redact())
    handler.setFormatter(LineFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    return handler
