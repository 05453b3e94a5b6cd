"""Seeded, deterministic simulation of a district: N kiosks with the real ledger, checkout and
sync code against the real district app (called in-process), under partitions, dropped requests,
lost replies, kiosk crashes before and after commit, and skewed clocks, with a dishonest kiosk
among the honest ones (bench/sim_forger.py: every entry it pushes is a lie the district must
refuse). After healing it checks the ledger invariants I1-I8, the offline caps, and that the
district's balances equal an independent fold of the honest entries alone.

    python bench/simulate.py --seeds 200                      # SQLite
    python bench/simulate.py --seeds 200 --postgres           # a throwaway PostgreSQL cluster
    python bench/simulate.py --database postgresql://u@host/db

Each seed's district and kiosks are closed at its end (files, connections, threads), so one
process runs any number of seeds (``--progress N`` prints open fds and RSS every N seeds to
show it). The district is made once per process and reset to its freshly migrated state
before each seed, and kiosks start as copies of one migrated file (bench/sim_shared.py).
SIGTERM or Ctrl-C ends a run after the seed under way, with its summary line; ``--first-seed``
continues it later, ``--seed N`` replays one seed alone.

Last line: JSON with ``seeds``, ``violations`` and ``first_failing_seed``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from asgi_transport import AsgiTransport, FaultyTransport  # type: ignore[import-not-found]
from sim_checks import (  # type: ignore[import-not-found]
    CAP_KIOSK,
    CAP_VOLUNTEER,
    card_of,
    check,
    honest_fold,
)
from sim_forger import Forger  # type: ignore[import-not-found]
from sim_shared import (  # type: ignore[import-not-found]
    Shared,
    StopAfterSeed,
    open_fds,
    progress,
)

from district.app import create_app
from district.store import Store
from kiosk import demo
from kiosk.config import (
    Config,
    DatabaseSection,
    KioskSection,
    OfflineSection,
    SyncSection,
)
from kiosk.core import stock, sync_status
from kiosk.core.errors import UserFacingError
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.core.voids import void_order
from kiosk.services import Services, build
from kiosk.sync.daemon import Daemon
from points_protocol import signing
from points_protocol.catalogue_file import read_catalogue

GOODS = ("toothbrush", "toothpaste", "masks", "tissues", "sponges", "notebooks", "umbrella")


class SimClock:
    def __init__(self, start: datetime) -> None:
        self.moment = start

    def now(self) -> datetime:
        return self.moment


@dataclass
class SimKiosk:
    config: Config
    clock: SimClock
    transport: FaultyTransport
    services: Services
    daemon: Daemon

    @property
    def conn(self) -> sqlite3.Connection:
        return self.services.conn

    def restart(self) -> None:
        """A crash: the process dies, the file stays; a new process opens it."""
        self.services.conn.close()
        self.services = build(self.config, self.clock, create=True)
        self.daemon = Daemon(self.services.conn, self.transport, self.clock,
                             self.config.kiosk.id, self.config.sync)


@dataclass
class Sale:
    kiosk_id: str
    order_id: str


class World:
    """One seed's district and kiosks; each ``act_*`` is one thing that can happen."""

    card_of = staticmethod(card_of)

    def __init__(self, seed: int, workdir: Path, kiosks: int, volunteers: int, *,
                 shared: Shared, dishonest: int = 1) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.shared = shared
        self.store: Store = shared.district()
        self.app = create_app(self.store)
        self.loop = shared.loop
        self.vids = [f"V{i}" for i in range(volunteers)]
        self.sales: list[Sale] = []
        self.credits: dict[str, int] = {}
        self.store.upsert_volunteers([(v, "*", "active") for v in self.vids])
        self.store.upsert_cards([(card_of(v), v, "nfc") for v in self.vids])
        opening = [(f"open-{v}", v, self.rng.randrange(1, 400)) for v in self.vids]
        if self.store.credit_many(opening) != len(opening):
            raise RuntimeError("a fresh district refused an opening credit")
        for _record, v, points in opening:
            self.credits[v] = points
        specs = [s for s in read_catalogue(demo.DEMO_CATALOGUE) if s.item_id in GOODS]
        self.store.upsert_items([{"id": s.item_id, "name_zh": s.name_zh, "name_en": s.name_en,
                                  "category": s.category.value, "kind": s.kind.value,
                                  "price": s.price} for s in specs])
        self.sims = [self._kiosk(workdir, f"K{k}", k) for k in range(kiosks)]
        self.forgers = [self._forger(f"X{n}", n) for n in range(dishonest)]

    def _credit(self, record_id: str, volunteer: str, points: int) -> None:
        if self.store.credit(record_id, volunteer, points):
            self.credits[volunteer] = self.credits.get(volunteer, 0) + points

    def _forger(self, kiosk_id: str, n: int) -> Forger:
        key = Ed25519PrivateKey.generate()
        self.store.register_kiosk(kiosk_id, signing.public_key_text(key))
        return Forger(kiosk_id, AsgiTransport(self.app, kiosk_id, key, self.loop),
                      random.Random(self.seed * 7919 + n))

    def _kiosk(self, workdir: Path, kiosk_id: str, k: int) -> SimKiosk:
        base = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
        clock = SimClock(base + timedelta(minutes=self.rng.randint(-20, 20)))   # clock skew
        config = replace(Config(), base_dir=workdir, kiosk=KioskSection(id=kiosk_id),
                         database=DatabaseSection(path=str(workdir / f"{kiosk_id}.sqlite"),
                                                  startup_check="none"),
                         offline=OfflineSection(after_seconds=900,
                                                cap_per_volunteer_per_day=CAP_VOLUNTEER,
                                                cap_per_kiosk_per_day=CAP_KIOSK),
                         sync=SyncSection(page_size=3, push_batch=3))
        key = Ed25519PrivateKey.generate()
        self.store.register_kiosk(kiosk_id, signing.public_key_text(key))
        self.shared.kiosk_database(Path(config.database.path))
        transport = FaultyTransport(AsgiTransport(self.app, kiosk_id, key, self.loop),
                                    random.Random(self.seed * 1000 + k))
        services = build(config, clock, create=True)
        sim = SimKiosk(config, clock, transport, services,
                       Daemon(services.conn, transport, clock, kiosk_id, config.sync))
        transport.p_drop = transport.p_lost = 0.0
        sim.daemon.run_once()                     # provisioning: first sync on a good line
        transport.p_drop, transport.p_lost = 0.1, 0.15
        stock.restock(sim.conn, clock, [stock.Restock(i, 30) for i in GOODS], donor_id=None)
        return sim

    def act_sale(self, sim: SimKiosk, step: int) -> None:
        volunteer = self.rng.choice(self.vids)
        lines = [CartLine(self.rng.choice(GOODS), self.rng.randint(1, 2))
                 for _ in range(self.rng.randint(1, 2))]
        order_id = uuid7()
        with contextlib.suppress(UserFacingError):
            sim.services.checkout.checkout(order_id, PresentedCard(card_of(volunteer)), lines)
            self.sales.append(Sale(sim.config.kiosk.id, order_id))

    def act_void(self, sim: SimKiosk, step: int) -> None:
        mine = [s for s in self.sales if s.kiosk_id == sim.config.kiosk.id]
        if mine:
            with contextlib.suppress(UserFacingError):
                void_order(sim.conn, sim.clock, sim.services.kiosk, sim.services.policy,
                           void_id=uuid7(), order_id=self.rng.choice(mine).order_id,
                           reason="mistake")

    def act_sync(self, sim: SimKiosk, step: int) -> None:
        sim.daemon.run_once()

    def act_partition(self, sim: SimKiosk, step: int) -> None:
        sim.transport.partitioned = not sim.transport.partitioned

    def act_credit(self, sim: SimKiosk, step: int) -> None:
        self._credit(f"svc-{self.seed}-{step}", self.rng.choice(self.vids),
                     self.rng.randint(1, 80))

    def act_card(self, sim: SimKiosk, step: int) -> None:
        self.store.set_card_status(card_of(self.rng.choice(self.vids)),
                                   self.rng.choice(["blocked", "active", "active"]))

    def act_forge(self, sim: SimKiosk, step: int) -> None:
        if self.forgers:
            self.rng.choice(self.forgers).push_one(self)

    def act_crash_before_commit(self, sim: SimKiosk, step: int) -> None:
        """A half-written sale dies with the process: nothing of it may survive."""
        sim.conn.execute("BEGIN IMMEDIATE")
        sim.conn.execute("INSERT INTO outbox (seq, kind, entry_id, payload, created_at) "
                         "SELECT COALESCE(MAX(seq), 0) + 1, 'sale', 'ghost-' || ?, '{}', "
                         "'x' FROM outbox", (str(step),))
        sim.restart()

    def act_crash_after_commit(self, sim: SimKiosk, step: int) -> None:
        sim.restart()

    def act_time(self, sim: SimKiosk, step: int) -> None:
        delta = timedelta(minutes=self.rng.randint(1, 240))
        for s in self.sims:
            s.clock.moment += delta

    ACTIONS = ((0.38, act_sale), (0.43, act_void), (0.66, act_sync), (0.74, act_partition),
               (0.79, act_credit), (0.82, act_card), (0.86, act_crash_before_commit),
               (0.89, act_crash_after_commit), (0.95, act_forge), (1.01, act_time))

    def run(self, steps: int) -> None:
        for step in range(steps):
            sim = self.rng.choice(self.sims)
            roll = self.rng.random()
            action = next(a for limit, a in self.ACTIONS if roll < limit)
            action(self, sim, step)

    def heal(self) -> list[str]:
        """No partitions, no faults: every kiosk syncs until settled."""
        for s in self.sims:
            s.transport.partitioned = False
            s.transport.p_drop = s.transport.p_lost = 0.0
        problems = []
        for _ in range(2):
            for s in self.sims:
                if s.daemon.run_once() is None:
                    problems.append(f"{s.config.kiosk.id}: sync failed after healing: "
                                    f"{sync_status.status(s.conn)['last_error']}")
        return problems

    def stats(self) -> dict[str, int]:
        def count(sql: str) -> int:
            return sum(int(s.conn.execute(sql).fetchone()[0]) for s in self.sims)

        return {
            "sales": len(self.sales),
            "offline_sales": count("SELECT COUNT(*) FROM orders WHERE offline = 1 "
                                   "AND kind = 'sale'"),
            "voids": count("SELECT COUNT(*) FROM orders WHERE kind = 'void'"),
            "overspends": len([c for c in self.store.report("conflicts")
                               if c["kind"] == "overspend"]),
            "failed_rounds": sum(s.transport.failures for s in self.sims),
            "forgeries": sum(len(f.sent) for f in self.forgers),
        }

    def close(self) -> None:
        for s in self.sims:
            s.conn.close()
        self.shared.release()


def run_seed(seed: int, workdir: Path, *, kiosks: int = 3, volunteers: int = 5,
             steps: int = 50, stats: dict[str, int] | None = None,
             database: str | None = None, dishonest: int = 1,
             shared: Shared | None = None) -> list[str]:
    """One seed, from empty databases to its verdict; ``shared`` (a run of many seeds) lends
    the databases made once per process, else this seed makes its own."""
    own = shared is None
    shared = shared or Shared(database)
    try:
        world = World(seed, workdir, kiosks, volunteers, shared=shared, dishonest=dishonest)
    except BaseException:
        if own:
            shared.close()
        raise
    try:
        world.run(steps)
        problems = world.heal()
        problems += check(world.store, world.sims, world.sales, world.vids)
        problems += honest_fold(world)
        for forger in world.forgers:
            problems += forger.problems()
        if stats is not None:
            for name, value in world.stats().items():
                stats[name] = stats.get(name, 0) + value
    finally:
        world.close()
        if own:
            shared.close()
    return problems


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=50)
    p.add_argument("--first-seed", type=int, default=1)
    p.add_argument("--kiosks", type=int, default=3)
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--dishonest", type=int, default=1, help="dishonest kiosks per seed")
    p.add_argument("--progress", type=int, default=0,
                   help="print a JSON line of the figures so far every N seeds")
    engine = p.add_mutually_exclusive_group()
    p.add_argument("--seed", type=int, help="run this one seed alone (to replay a failure)")
    engine.add_argument("--database", help="a PostgreSQL server (postgresql://...): the seeds "
                        "share one district schema there (d_sim), emptied before each seed "
                        "and dropped at the end")
    engine.add_argument("--postgres", action="store_true",
                        help="start a throwaway PostgreSQL cluster (Debian's postgresql)")
    args = p.parse_args(argv)
    if args.seed is not None:
        args.first_seed, args.seeds = args.seed, 1
    logging.basicConfig(level=logging.CRITICAL)
    with contextlib.ExitStack() as stack:
        database = args.database
        if args.postgres:
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
            from tests.pg_cluster import PgCluster

            cluster = stack.enter_context(PgCluster(fsync=False))
            database = cluster.create_database("simulate")
        return run_seeds(args, database)


def run_seeds(args: argparse.Namespace, database: str | None) -> int:
    violations = 0
    first_failing: int | None = None
    stats: dict[str, int] = {}
    started = time.perf_counter()
    fds_after_first = -1
    # Crashes are simulated at the process level (a closed connection, a reopened file), and
    # no seed pulls the plug on the machine, so durability is not what is tested here: the
    # SQLite files live in memory (tmpfs, where fsync costs nothing) and --postgres runs its
    # cluster with fsync off.
    shm = Path("/dev/shm")  # noqa: S108 (a private TemporaryDirectory inside it)
    scratch = str(shm) if shm.is_dir() else None
    shared = Shared(database, scratch)
    stop = StopAfterSeed()
    done = 0
    try:
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            if stop.asked:
                break
            with tempfile.TemporaryDirectory(prefix=f"sim-{seed}-", dir=scratch) as tmp:
                problems = run_seed(seed, Path(tmp), kiosks=args.kiosks, steps=args.steps,
                                    stats=stats, dishonest=args.dishonest, shared=shared)
            if seed == args.first_seed:
                fds_after_first = open_fds()
            if problems:
                violations += len(problems)
                first_failing = seed if first_failing is None else first_failing
                print(f"seed {seed}: " + "; ".join(problems[:5]), flush=True)
            done += 1
            if args.progress and done % args.progress == 0:
                print(json.dumps(progress(done, violations, started)), flush=True)
    finally:
        shared.close()
    print(json.dumps({"seeds": done, "engine": "postgresql" if database else "sqlite",
                      "violations": violations, "first_failing_seed": first_failing, **stats,
                      "open_fds_after_first_seed": fds_after_first, "open_fds_at_end": open_fds(),
                      "stopped_early": done < args.seeds, **progress(done, violations, started)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
