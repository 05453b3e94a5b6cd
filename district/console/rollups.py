"""Sums the reports read, kept by the database as history arrives (revision ``d0003``).

A report page used to read every credit, order line and stock movement of its period (at
450,000 volunteers: 2-5 s). Now triggers add each arriving row to a small table of sums, in
the transaction that writes the row, whoever writes it (a push, a credit, a restore, the bulk
load):

* ``console_report_earned``: points credited less reversed, per day the district recorded
  them and the volunteer's community ('' when the volunteer has none);
* ``console_report_sales``: units and points sold less voided, per shop day, kiosk and item;
* ``console_report_stock``: units on hand per kiosk and item.

The sums are keyed on what arrived, not on when it is asked for: a sale an offline kiosk sends
a week late, or its void, is added to its own shop day when it arrives, so a closed day is
never stale. Kiosks' communities and items' categories are looked up when a page is read, so
changing them needs nothing here. A volunteer's community is part of the earned sums: a
change to ``console_volunteer_profiles`` (an import that moves volunteers) drops those sums,
and the next page rebuilds them in one pass (:func:`ensure_earned`); until it has, a page
reads the history itself. A row ``(SENTINEL_DAY, SENTINEL_COMMUNITY)`` says the earned sums
are complete; a page reads it in the same statement as the sums.

On PostgreSQL the triggers are statement-level with transition tables: one grouped insert
per statement (a ``COPY`` of 50,000 rows adds one statement), its rows taken in key order so
two writers never lock the same sums in opposite orders. The sum rows are locked after a
transaction's volunteers and before its balance rows (docs/district.md, "locking").
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Connection, MetaData, String, Table

from district.db.engine import Database

metadata = MetaData()

SENTINEL_DAY = "0000-00-00"      # before every day: never inside a period
SENTINEL_COMMUNITY = "*"

earned = Table(
    "console_report_earned", metadata,
    Column("day", String(10), primary_key=True),
    Column("community_id", String(40), primary_key=True),
    Column("points", BigInteger, nullable=False),
)

sales = Table(
    "console_report_sales", metadata,
    Column("shop_day", String(10), primary_key=True),
    Column("kiosk_id", String(64), primary_key=True),
    Column("item_id", String(64), primary_key=True),
    Column("units", BigInteger, nullable=False),
    Column("points", BigInteger, nullable=False),
)

stock = Table(
    "console_report_stock", metadata,
    Column("kiosk_id", String(64), primary_key=True),
    Column("item_id", String(64), primary_key=True),
    Column("on_hand", BigInteger, nullable=False),
)

# The same grouped SELECT serves PostgreSQL's triggers (over a statement's new rows) and the
# rebuilds (over the whole history); {src} is the rows, {join_orders} how each finds its
# order. An order line is summed with its order, which every writer inserts first
# (district.batch, a restore).
_EARNED = """
SELECT substr(n.recorded_at, 1, 10) AS day, COALESCE(vp.community_id, '') AS community_id,
       SUM(CASE WHEN n.role = 'credit' THEN n.amount ELSE -n.amount END) AS points
FROM {src} n LEFT JOIN console_volunteer_profiles vp ON vp.volunteer_id =
     substr(CASE WHEN n.role = 'credit' THEN n.to_account ELSE n.from_account END, 11)
WHERE n.role IN ('credit', 'reversal')
GROUP BY 1, 2 ORDER BY 1, 2"""
_SALES = """
SELECT o.shop_day, o.kiosk_id, n.item_id,
       SUM(CASE WHEN o.kind = 'sale' THEN n.quantity ELSE -n.quantity END) AS units,
       SUM(CASE WHEN o.kind = 'sale' THEN n.amount ELSE -n.amount END) AS points
FROM {src} n {join_orders}
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"""
_STOCK = """
SELECT n.kiosk_id, n.item_id, SUM(n.delta) AS on_hand FROM {src} n
GROUP BY 1, 2 ORDER BY 1, 2"""

_ADD = {
    "earned": ("console_report_earned (day, community_id, points)", _EARNED,
               "(day, community_id)", "points = console_report_earned.points + EXCLUDED.points"),
    "sales": ("console_report_sales (shop_day, kiosk_id, item_id, units, points)", _SALES,
              "(shop_day, kiosk_id, item_id)",
              "units = console_report_sales.units + EXCLUDED.units, "
              "points = console_report_sales.points + EXCLUDED.points"),
    "stock": ("console_report_stock (kiosk_id, item_id, on_hand)", _STOCK,
              "(kiosk_id, item_id)", "on_hand = console_report_stock.on_hand + EXCLUDED.on_hand"),
}
_SOURCE = {"earned": "transfers", "sales": "order_lines", "stock": "stock_movements"}

# SQLite's row triggers: the same sums for the one new row, without the grouping (a 50,000-
# record credit runs its trigger 50,000 times).
_SQLITE_ROW = {
    "earned": """INSERT INTO console_report_earned (day, community_id, points) VALUES (
        substr(NEW.recorded_at, 1, 10),
        COALESCE((SELECT community_id FROM console_volunteer_profiles WHERE volunteer_id =
            substr(CASE WHEN NEW.role = 'credit' THEN NEW.to_account ELSE NEW.from_account
                   END, 11)), ''),
        CASE WHEN NEW.role = 'credit' THEN NEW.amount ELSE -NEW.amount END)
        ON CONFLICT (day, community_id) DO UPDATE SET points = points + excluded.points""",
    "sales": """INSERT INTO console_report_sales (shop_day, kiosk_id, item_id, units, points)
        SELECT o.shop_day, o.kiosk_id, NEW.item_id,
               CASE WHEN o.kind = 'sale' THEN NEW.quantity ELSE -NEW.quantity END,
               CASE WHEN o.kind = 'sale' THEN NEW.amount ELSE -NEW.amount END
        FROM orders o WHERE o.order_id = NEW.order_id
        ON CONFLICT (shop_day, kiosk_id, item_id) DO UPDATE SET
            units = units + excluded.units, points = points + excluded.points""",
    "stock": """INSERT INTO console_report_stock (kiosk_id, item_id, on_hand)
        VALUES (NEW.kiosk_id, NEW.item_id, NEW.delta)
        ON CONFLICT (kiosk_id, item_id) DO UPDATE SET on_hand = on_hand + excluded.on_hand""",
}


# A trigger's few rows look their orders up one by one: a plain join is planned once, when the
# function first runs on a connection, and the plan it keeps (from an empty ``orders``) hashed
# the whole table for every batch. OFFSET 0 keeps the subquery a per-row lookup (by index:
# see install_pg_adders).
_ORDERS_BY_ROW = ("CROSS JOIN LATERAL (SELECT shop_day, kiosk_id, kind FROM orders "
                  "WHERE orders.order_id = n.order_id OFFSET 0) o")
_ORDERS_JOINED = "JOIN orders o ON o.order_id = n.order_id"


def _add_sql(kind: str, src: str) -> str:
    into, select, keys, update = _ADD[kind]
    rows = select.format(src=src, join_orders=_ORDERS_BY_ROW if src == "new_rows"
                         else _ORDERS_JOINED)
    # "WHERE true": SQLite would read ON CONFLICT after a bare FROM as a join's ON.
    return (f"INSERT INTO {into} SELECT * FROM ({rows}) s WHERE true "
            f"ON CONFLICT {keys} DO UPDATE SET {update}")


def install(conn: Connection) -> None:
    """The tables, their triggers, and the sums of the history already there."""
    metadata.create_all(conn)
    if conn.dialect.name == "postgresql":
        install_pg_adders(conn)
        _drop_on_pg(conn)
    else:
        for kind, table in _SOURCE.items():
            when = " WHEN NEW.role IN ('credit', 'reversal')" if kind == "earned" else ""
            conn.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS console_report_{kind}_add AFTER INSERT ON "
                f"{table} FOR EACH ROW{when} BEGIN {_SQLITE_ROW[kind]}; END")
        for verb, when in (("INSERT", ""), ("DELETE", ""),
                           ("UPDATE OF community_id",
                            " WHEN OLD.community_id IS NOT NEW.community_id")):
            name = verb.split()[0].lower()
            conn.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS console_report_earned_drop_{name} AFTER {verb} "
                f"ON console_volunteer_profiles FOR EACH ROW{when} "
                "BEGIN DELETE FROM console_report_earned; END")
    for kind in ("sales", "stock"):
        _rebuild(conn, kind)
    _rebuild(conn, "earned")


def install_pg_adders(conn: Connection) -> None:
    """PostgreSQL's statement triggers that add arriving rows to the sums (again, for revision
    ``d0005``: the sales trigger's lookup of its orders)."""
    for kind, table in _SOURCE.items():
        # The sales trigger's plan is made once per connection, from the statistics of that
        # moment: those of a new district say ``orders`` is empty, and the plan kept then read
        # all of ``orders`` for each pushed line (100 ms a batch after a minute of pushes).
        # Its lookups by key must be index lookups whatever the statistics said.
        settings = " SET enable_seqscan = off" if kind == "sales" else ""
        conn.exec_driver_sql(
            f"CREATE OR REPLACE FUNCTION console_report_{kind}_add() RETURNS trigger{settings} "
            f"AS $$ BEGIN {_add_sql(kind, 'new_rows')}; RETURN NULL; END $$ LANGUAGE plpgsql")
        conn.exec_driver_sql(
            f"CREATE OR REPLACE TRIGGER console_report_{kind}_add AFTER INSERT ON {table} "
            f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION console_report_{kind}_add()")


def _drop_on_pg(conn: Connection) -> None:
    """Drop the earned sums when a statement gives a volunteer a community, takes it away,
    or changes it. From the rows it really touched: an upsert fires both the INSERT and the
    UPDATE statement triggers, and one that leaves every community as it was drops nothing."""
    drop = "DELETE FROM console_report_earned"
    for event, rows, test in (
            ("INSERT", "NEW TABLE AS new_rows", "SELECT 1 FROM new_rows"),
            ("DELETE", "OLD TABLE AS old_rows", "SELECT 1 FROM old_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows",
             "SELECT 1 FROM new_rows n LEFT JOIN old_rows o USING (volunteer_id) "
             "WHERE o.community_id IS DISTINCT FROM n.community_id")):
        name = f"console_report_earned_drop_{event.lower()}"
        conn.exec_driver_sql(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ "
                             f"BEGIN IF EXISTS ({test}) THEN {drop}; END IF; RETURN NULL; "
                             "END $$ LANGUAGE plpgsql")
        conn.exec_driver_sql(f"CREATE OR REPLACE TRIGGER {name} AFTER {event} ON "
                             f"console_volunteer_profiles REFERENCING {rows} "
                             f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")


def _rebuild(conn: Connection, kind: str) -> None:
    table = {"earned": earned, "sales": sales, "stock": stock}[kind]
    conn.execute(table.delete())
    conn.exec_driver_sql(_add_sql(kind, _SOURCE[kind]))
    if kind == "earned":
        conn.execute(earned.insert().values(day=SENTINEL_DAY, community_id=SENTINEL_COMMUNITY,
                                            points=0))


def earned_complete(conn: Connection) -> bool:
    return conn.execute(earned.select().where(earned.c.day == SENTINEL_DAY)).first() is not None


def ensure_earned(db: Database) -> None:
    """Rebuild the earned sums if a change of volunteers' communities dropped them."""
    with db.read() as conn:
        if earned_complete(conn):
            return
    with db.write() as conn:
        if conn.dialect.name == "postgresql":
            # Writers add to the sums as they insert credits: they wait while the sums are
            # rebuilt, and the rebuild reads only what committed before it held the lock.
            conn.exec_driver_sql("LOCK TABLE console_report_earned IN EXCLUSIVE MODE")
        if not earned_complete(conn):
            _rebuild(conn, "earned")
