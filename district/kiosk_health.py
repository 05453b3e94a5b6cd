"""Which kiosks need a visit: silent ones, ones whose printer or card reader is dead, ones
whose clock is wrong (their offline caps apply) and ones that stopped selling.

Read from each kiosk's last heartbeat (``POST /v1/heartbeat``). A kiosk is *silent* when no
heartbeat arrived for longer than ``silent_after`` seconds by the district's clock (or never).
The default allows for a kiosk in backoff: with the kiosk's default settings it is the
longest wait between two rounds (``sync.backoff_cap_seconds``, 900 s), and never less than
three healthy rounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from district.store import Store

# The kiosk's default sync.backoff_cap_seconds: the longest a kiosk in backoff waits between
# two rounds (tests/district/test_kiosk_health.py checks it against the kiosk's config).
DEFAULT_SILENT_AFTER = 900


@dataclass(frozen=True)
class KioskHealth:
    kiosk_id: str
    name: str
    last_heartbeat: str | None      # when the district received it (UTC)
    seconds_silent: int | None      # None: never heard from
    version: str | None
    last_sale_at: str | None
    pending: int | None
    disk_free_mb: int | None
    printer: str                    # ok | fault | unknown
    reader: str                     # ok | fault | unknown (fault if any reader is down)
    clock_problem: str | None       # the kiosk's own words when its clock is wrong
    out_of_service: tuple[str, ...]  # why the kiosk stopped selling, if it did
    problems: tuple[str, ...]       # silent, printer, reader, clock, out_of_service

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "problems": list(self.problems),
                "out_of_service": list(self.out_of_service)}


def _device_state(body: dict[str, Any], kind: str) -> str:
    states = [d.get("status") for d in body.get("devices", []) if d.get("kind") == kind]
    if not states:
        return "unknown"
    return "fault" if "fault" in states else "ok"


def assess(store: Store, now: float, silent_after: float = DEFAULT_SILENT_AFTER
           ) -> list[KioskHealth]:
    """Every registered kiosk with its last heartbeat's fields and what is wrong with it."""
    out = []
    for kiosk_id, name, received, body in store.kiosk_heartbeats():
        beat = body or {}
        silent = None if received is None else max(0, int(now - received))
        printer, reader = _device_state(beat, "printer"), _device_state(beat, "reader")
        problems = []
        if silent is None or silent > silent_after:
            problems.append("silent")
        if printer == "fault":
            problems.append("printer")
        if reader == "fault":
            problems.append("reader")
        clock_problem = None
        if beat.get("clock_ok") is False:
            problems.append("clock")
            clock_problem = beat.get("clock_problem") or "clock is wrong"
        stops = tuple(beat.get("out_of_service") or ())
        if stops:
            problems.append("out_of_service")
        free = beat.get("disk_free_bytes")
        out.append(KioskHealth(
            kiosk_id=kiosk_id, name=name,
            last_heartbeat=None if received is None else datetime.fromtimestamp(
                received, UTC).isoformat(timespec="seconds"),
            seconds_silent=silent, version=beat.get("version"),
            last_sale_at=beat.get("last_sale_at"), pending=beat.get("pending"),
            disk_free_mb=None if free is None else int(free) >> 20,
            printer=printer, reader=reader, clock_problem=clock_problem,
            out_of_service=stops, problems=tuple(problems)))
    return out
