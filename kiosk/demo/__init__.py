"""Demo data: the demo catalogue, volunteers, cards, donors and a first delivery of goods.
Beside it in this package, the runners that drive the real screens with it: ``run`` (`make
demo`, the scripted visit and the volunteer screenshots) and ``docs_run`` (the operator
screenshots). They sit outside ``kiosk.ui`` because they build the whole app around it.

Balances on a real kiosk come from the district; here a stand-in district snapshot sets them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from kiosk.core import cards, catalogue, ledger, operators, stock
from kiosk.services import Services
from points_protocol.catalogue_file import read_catalogue
from points_protocol.names import mask_name

ASSETS = Path(__file__).resolve().parent.parent.parent / "assets"
DEMO_CATALOGUE = ASSETS / "demo" / "catalogue.toml"
DEMO_PEOPLE = ASSETS / "demo" / "people.toml"


def already_seeded(services: Services) -> bool:
    return catalogue.has_items(services.conn)


def seed(services: Services) -> None:
    """Fill an empty database with the demo shop (a second call changes nothing)."""
    if already_seeded(services):
        return
    conn, clock = services.conn, services.clock
    catalogue.upsert_items(conn, clock, read_catalogue(DEMO_CATALOGUE))
    people = tomllib.loads(DEMO_PEOPLE.read_text("utf-8"))
    for donor in people["donor"]:
        stock.add_donor(conn, clock, donor["id"], donor["name"])
    cards.upsert_volunteers(conn, [
        cards.VolunteerRecord(v["id"], mask_name(v["name"])) for v in people["volunteer"]])
    cards.upsert_cards(conn, [
        cards.CardRecord(card_id=c["id"], volunteer_id=v["id"], kind=c["kind"],
                         status=c.get("status", "active"),
                         is_operator=c.get("operator", False))
        for v in people["volunteer"] for c in v["cards"]])
    for v in people["volunteer"]:   # operator rights are this kiosk's own word
        for c in v["cards"]:
            if c.get("operator", False):
                operators.store_card_binding(conn, clock, c["id"], v["id"],
                                             name=mask_name(v["name"]))
    ledger.apply_snapshots(conn, [
        ledger.Snapshot(v["id"], v["balance"], 0, clock.now()) for v in people["volunteer"]])
    for delivery in people["restock"]:
        stock.restock(conn, clock, [stock.Restock(item_id, qty)
                                    for item_id, qty in delivery["lines"].items()],
                      donor_id=delivery["donor"], note=delivery.get("note"))
