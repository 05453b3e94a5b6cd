"""Has this ledger lost entries it once had? Then it must stop selling, and say so.

A dropped ``-wal`` file (or an older copy of the database put in its place) loses the last
committed sales without any sign of damage, and the next sales reuse their sequence numbers:
17 of 1,117 acknowledged sales vanished that way. Two witnesses outside the database file
remember how far the outbox went:

- the mark beside the database (:mod:`kiosk.core.outbox_mark`), checked whenever the app, a
  command or the sync daemon opens the ledger;
- the district's acknowledged high-water for this kiosk, asked at the start of every sync
  round, before anything is pushed (entries pushed with reused numbers would be refused and
  the sales behind them lost for good).

Either one ahead of the outbox records a stop (:mod:`kiosk.core.service_stops`): the kiosk
sells nothing until the ledger has them again (the newest backup that holds them is restored)
or the kiosk is provisioned afresh under a new kiosk id.
"""

from __future__ import annotations

import sqlite3

from kiosk.core import outbox, outbox_mark, service_stops

_WHAT_TO_DO = ("Selling on would reuse their numbers. Restore the newest backup that holds "
               "them (kiosk-admin backups, kiosk-admin restore FILE), or provision this "
               "kiosk under a new kiosk id with the district.")


def local_problem(conn: sqlite3.Connection) -> str | None:
    """What the mark beside the database says, without writing anything (for self-check)."""
    database = outbox_mark.database_path(conn)
    if database is None:
        return None
    mark, highest = outbox_mark.read(database), outbox.highest_seq(conn)
    if mark <= highest:
        return None
    return (f"the outbox ends at sequence {highest}, but this kiosk wrote up to {mark} "
            f"({outbox_mark.mark_path(database).name}): the database lost entries it had "
            f"(a dropped -wal file, or an older copy put in its place). {_WHAT_TO_DO}")


def check_local(conn: sqlite3.Connection, now: str) -> str | None:
    """Stop selling if the mark is ahead of the outbox, clear that stop if not; a mark behind
    (a power cut, a database older than the mark) is brought up to the outbox."""
    problem = local_problem(conn)
    if problem is not None:
        service_stops.stop(conn, service_stops.LOST_LOCALLY, problem, now)
        return problem
    database = outbox_mark.database_path(conn)
    if database is not None:
        highest = outbox.highest_seq(conn)
        if outbox_mark.read(database) < highest:
            outbox_mark.raise_to(database, highest)
    service_stops.clear(conn, service_stops.LOST_LOCALLY)
    return None


def check_district(conn: sqlite3.Connection, applied_seq: int, now: str) -> str | None:
    """The district has applied this kiosk's entries up to ``applied_seq``: more than the
    outbox holds means the ledger lost them. Returns the problem, or None (and clears)."""
    highest = outbox.highest_seq(conn)
    if applied_seq <= highest:
        service_stops.clear(conn, service_stops.LOST_AT_DISTRICT)
        return None
    problem = (f"the district has this kiosk's entries up to sequence {applied_seq}, but the "
               f"outbox ends at {highest}: the database lost entries it had (a dropped -wal "
               f"file, an older backup, or a new database under a used kiosk id). "
               f"{_WHAT_TO_DO}")
    service_stops.stop(conn, service_stops.LOST_AT_DISTRICT, problem, now)
    return problem
