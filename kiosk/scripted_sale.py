"""A scripted visit to the demo shop on the command line: what `make demo` shows until the
touchscreen lands. Every step runs the real core against a real SQLite file."""

from __future__ import annotations

from kiosk import demo
from kiosk.core import cards, stock
from kiosk.core.checkout import is_offline
from kiosk.core.errors import UserFacingError
from kiosk.core.ids import uuid7
from kiosk.core.models import CartLine, PresentedCard
from kiosk.core.receipt_text import receipt_lines
from kiosk.services import Services


def _say(text: str) -> None:
    print(text, flush=True)


def _try(services: Services, card_id: str, lines: list[CartLine]) -> None:
    try:
        holder = cards.look_up(services.conn, PresentedCard(card_id))
        _say(f"  card {card_id}: {holder.masked_name}, balance {holder.balance} points")
        services.checkout.checkout(uuid7(), PresentedCard(card_id), lines)
        _say("  sold (unexpected in this step)")
    except UserFacingError as refusal:
        _say(f"  refused: {refusal.zh}\n           {refusal.en}")


def run_scripted_sale(services: Services) -> int:
    demo.seed(services)
    conn = services.conn
    _say(f"Demo shop '{services.kiosk.name}' in {services.config.database_path}")
    mode = "offline (never synced: the offline caps apply)" \
        if is_offline(conn, services.clock.now(), services.policy) else "online"
    _say(f"Mode: {mode}\n")

    _say("1. 张小华 taps her NFC card and buys 2 soaps and a laundry detergent")
    card = PresentedCard("04A1B2C3D4E5F6")
    holder = cards.look_up(conn, card)
    _say(f"  {holder.masked_name}: balance {holder.balance} points")
    before = {i: stock.on_hand(conn, i) for i in ("soap", "detergent")}
    order_id = uuid7()
    basket = [CartLine("soap", 2), CartLine("detergent", 1)]
    receipt = services.checkout.checkout(order_id, card, basket)
    _say("  receipt:")
    _say("\n".join("    | " + line for line in receipt_lines(receipt)))
    after = {i: stock.on_hand(conn, i) for i in ("soap", "detergent")}
    _say(f"  stock soap {before['soap']} -> {after['soap']}, "
         f"detergent {before['detergent']} -> {after['detergent']}")
    _say(f"  balance now {cards.look_up(conn, card).balance} points\n")

    _say("2. The kiosk retries the same order (say, after a crash): nothing is charged twice")
    again = services.checkout.checkout(order_id, card, basket)
    _say(f"  same receipt: {again == receipt}; balance {cards.look_up(conn, card).balance}\n")

    _say("3. She wants a third soap this week (limit 2 per week)")
    _try(services, "04A1B2C3D4E5F6", [CartLine("soap", 1)])
    _say("\n4. 李明 (120 points) picks a schoolbag (260)")
    _try(services, "04B7C8D9E0F1A2", [CartLine("schoolbag", 1)])
    _say("\n5. A blocked card")
    _try(services, "04C3D4E5F6A7B8", [CartLine("soap", 1)])
    _say("\n6. A card nobody registered")
    _try(services, "DEADBEEF", [CartLine("soap", 1)])
    _say(f"\nDone. Look around: .venv/bin/kiosk-admin --database "
         f"{services.config.database_path} stock")
    return 0
