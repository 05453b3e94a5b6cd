"""One sync round: push the outbox in order, then pull the change feed page by page.

The transport is injected: the daemon uses HTTP (``kiosk.sync.client``), the simulator calls
the district app in-process through a transport it controls (drops, lost replies).
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from kiosk.core import continuity, district_feed, sync_status
from kiosk.core.clock import Clock, to_db
from kiosk.core.district_feed import FeedMoved
from kiosk.core.ledger import SnapshotError
from kiosk.sync import images, protocol, qr_issue
from kiosk.sync.transport import RoundDeadline, SyncError, Transport
from points_protocol import messages
from points_protocol.card_tokens import VerifiedCard

log = logging.getLogger("kiosk.sync")


@dataclass(frozen=True)
class RoundResult:
    pushed: int
    pulled_rows: int
    pages: int
    pictures: int = 0
    pictures_refused: int = 0
    qr_cards: int = 0


def _call(transport: Transport, method: str, path: str, body: bytes | None) -> object:
    status, answer = transport.request(method, path, body)
    if status != 200:
        raise SyncError(f"{method} {path.split('?', 1)[0]}: HTTP {status}: {answer[:120]!r}")
    return protocol.decode(answer)


def check_continuity(conn: sqlite3.Connection, transport: Transport, clock: Clock,
                     kiosk_id: str) -> None:
    """Before anything is pushed: has this ledger lost entries it had? The mark beside the
    database, then the district's high-water for this kiosk (an empty push, the same request
    every time, so it is idempotent and stores nothing new on the district). Raises
    SyncError after recording the stop (kiosk.core.continuity): entries pushed with reused
    numbers would be refused, and the sales behind them lost for good. The other way round (a
    district put back to an older backup, behind what it acknowledged), the push cursor
    moves back and the entries it lost are sent again; without that, every later entry would
    come back "not processed" for good."""
    now = to_db(clock.now())
    continuity.check_local(conn, now)
    body = json.dumps({"idempotency_key": f"{kiosk_id}:high-water", "entries": []}).encode()
    answer = protocol.parse_push_response(_call(transport, "POST", messages.PUSH_PATH, body), {})
    problem = continuity.check_district(conn, answer.applied_seq, now)
    if problem is not None:
        raise SyncError(f"nothing pushed: {problem}")
    resent = sync_status.resend_from(conn, max(answer.applied_seq, 0))
    if resent:
        log.warning("the district holds this kiosk's entries only up to sequence %d (put back "
                    "to an older backup?): sending %d entries again", answer.applied_seq, resent)


def push(conn: sqlite3.Connection, transport: Transport, clock: Clock, kiosk_id: str,
         batch: int) -> int:
    pushed = 0
    while entries := sync_status.pending_entries(conn, batch):
        wire = [{"seq": e.seq, "entry_id": e.entry_id, "kind": e.kind, "kiosk_id": kiosk_id,
                 "payload": e.payload} for e in entries]
        digest = hashlib.sha256(json.dumps(wire, sort_keys=True).encode()).hexdigest()[:32]
        key = f"{kiosk_id}:{entries[0].seq}-{entries[-1].seq}:{digest}"
        body = json.dumps({"idempotency_key": key, "entries": wire},
                          ensure_ascii=False).encode()
        data = _call(transport, "POST", messages.PUSH_PATH, body)
        answer = protocol.parse_push_response(data, {e.seq: e.entry_id for e in entries})
        problem = continuity.check_district(conn, answer.applied_seq, to_db(clock.now()))
        if problem is not None:
            raise SyncError(problem)
        results = answer.results
        for r in results:
            if r.status == "rejected":
                log.error("district rejected entry %d (%s): %s", r.seq, r.entry_id, r.reason)
        advanced = sync_status.record_results(conn, results, to_db(clock.now()))
        pushed += advanced
        if advanced == 0:
            reasons = {r.reason for r in results if r.status == "not_processed"}
            raise SyncError(f"district accepted none of entries {entries[0].seq}.."
                            f"{entries[-1].seq}: {', '.join(sorted(map(str, reasons)))}")
    return pushed


def _fetch_page(transport: Transport, after: int, page_size: int) -> messages.ChangePage:
    data = _call(transport, "GET", f"{messages.CHANGES_PATH}?after={after}&limit={page_size}",
                 None)
    return protocol.parse_change_page(data, after)


def _check_cursor(conn: sqlite3.Connection, transport: Transport, cursor: int) -> None:
    """The cursor must name a change the district really has. A cursor past the district's
    last change (a bogus 2**63-1, or a district restored from an older backup) would make
    every later round pull nothing while balances drift, and say all is well. Asking from
    just before it must find a change at or after it (the row there, or the row that has
    since replaced it); an empty answer means the kiosk was led past the feed's end. The
    round fails loudly and the next one pulls everything again (every write of the feed is
    an upsert, so nothing is doubled)."""
    if cursor == 0:
        return
    probe = _fetch_page(transport, cursor - 1, 1)
    if probe.cursor >= cursor:
        return
    sync_status.restart_pull(conn)
    raise protocol.ProtocolError(
        f"the district has no change at or after this kiosk's pull cursor {cursor}: it "
        "sent a cursor past the end of its feed (or its feed went back); the next round "
        "pulls everything again")


def pull(conn: sqlite3.Connection, transport: Transport, clock: Clock, page_size: int) -> tuple[
        int, int]:
    """Pages are applied one transaction each, in order; while one is being written the next
    is already being fetched and checked (a first sync of a district is ~270 pages)."""
    rows = pages = 0
    after = sync_status.pull_cursor(conn)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-fetch") as fetcher:
        page = _fetch_page(transport, after, page_size)
        while True:
            upcoming: Future[messages.ChangePage] | None = None
            if page.more:
                upcoming = fetcher.submit(_fetch_page, transport, page.cursor, page_size)
            try:
                district_feed.apply_page(conn, page, after, to_db(clock.now()),
                                 f"pulled {rows + page.size} changes in {pages + 1} pages")
            except BaseException as exc:
                if upcoming is not None:
                    upcoming.cancel()
                # A value the schema refuses, or an integer no SQLite column can hold.
                if isinstance(exc, (sqlite3.IntegrityError, OverflowError)):
                    raise SyncError(f"page after {after} does not fit the local database: "
                                    f"{exc}") from None
                raise
            rows += page.size
            pages += 1
            if upcoming is None:
                _check_cursor(conn, transport, page.cursor)
                return rows, pages
            if pages % 20 == 0:
                log.info("first sync: %d changes in %d pages so far", rows, pages)
            after = page.cursor
            page = upcoming.result()


def sync_round(conn: sqlite3.Connection, transport: Transport, clock: Clock, kiosk_id: str, *,
               batch: int = 200, page_size: int = 5000,
               max_image_bytes: int = 2048 * 1024,
               verify_card: Callable[[str], VerifiedCard] | None = None,
               deadline_seconds: float | None = None) -> RoundResult:
    """Push, ask for the QR cards operators requested, pull, then fetch missing catalogue
    pictures; records status. Raises SyncError (after recording it) when the push, the card
    requests or the pull fail. A picture that cannot be had is logged and kept for the next
    round; it never fails the round (the ledger is what must agree)."""
    sync_status.mark_attempt(conn, to_db(clock.now()))
    transport = RoundDeadline(transport, deadline_seconds)
    try:
        check_continuity(conn, transport, clock, kiosk_id)
        pushed = push(conn, transport, clock, kiosk_id, batch)
        cards = qr_issue.send_requests(conn, transport, clock, verify_card)
        rows, pages = pull(conn, transport, clock, page_size)
    except (SyncError, protocol.ProtocolError, SnapshotError, FeedMoved) as exc:
        # An answer against the protocol means a broken (or hostile) district: say it loudly.
        log.log(logging.ERROR if isinstance(exc, (protocol.ProtocolError, SnapshotError))
                else logging.WARNING, "sync round failed: %s", exc)
        sync_status.mark_failure(conn, to_db(clock.now()), str(exc))
        raise SyncError(str(exc)) from exc
    pictures = images.fetch_missing(conn, transport, to_db(clock.now()),
                                    max_bytes=max_image_bytes)
    sync_status.mark_success(conn, to_db(clock.now()))
    return RoundResult(pushed=pushed, pulled_rows=rows, pages=pages,
                       pictures=pictures.fetched, pictures_refused=pictures.refused,
                       qr_cards=cards)
