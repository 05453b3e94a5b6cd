"""kiosk-district's admin commands on a real database file, and the published protocol."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from district.cli import main
from district.store import Store
from kiosk.core import tokens
from points_protocol import card_tokens, signing

ROOT = Path(__file__).resolve().parents[2]


def run(db: Path, *args: str) -> int:
    return main(["--database", str(db), *args])


def test_admin_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "d.sqlite"
    people = tmp_path / "people.csv"
    people.write_text("id,name,card_id\nV1,张小华,04aa:bb:cc\nV2,李明,\n", encoding="utf-8")
    assert run(db, "init") == 0
    assert run(db, "import-volunteers", str(people)) == 0
    assert run(db, "import-volunteers", str(people)) == 0
    assert "0 new or changed" in capsys.readouterr().out    # idempotent
    records = tmp_path / "service.csv"
    records.write_text("record_id,volunteer_id,hours\nr1,V1,2\nr2,V2,1.5\n", encoding="utf-8")
    assert run(db, "credit", str(records), "--points-per-hour", "10") == 0
    assert run(db, "credit", str(records)) == 0
    assert "0 records credited, 2 already" in capsys.readouterr().out  # each record once
    assert run(db, "issue-card", "QR-9", "V2", "--kind", "qr") == 0
    district_key = Ed25519PrivateKey.generate()
    (tmp_path / "district.pem").write_bytes(card_tokens.private_key_pem(district_key))
    capsys.readouterr()
    assert run(db, "qr-token", "QR-9", "--key", str(tmp_path / "district.pem"),
               "--district-id", "hanyang") == 0
    token = capsys.readouterr().out.strip()
    card = tokens.verify(token, district_key.public_key(), "hanyang", datetime.now(UTC))
    assert (card.card_id, card.generation) == ("QR-9", 1)
    assert run(db, "block-card", "QR-9", "--revoke") == 0
    assert run(db, "block-card", "nope") == 2
    assert run(db, "import-catalogue", str(ROOT / "assets/demo/catalogue.toml")) == 0
    key = signing.public_key_text(Ed25519PrivateKey.generate())
    assert run(db, "register-kiosk", "k9", key) == 0
    assert run(db, "register-kiosk", "k9", "not-a-key") == 2
    capsys.readouterr()
    assert run(db, "report", "balances") == 0
    report = capsys.readouterr().out.splitlines()
    assert report[0] == "volunteer_id,masked_name,balance,debt"
    assert report[1:] == ["V1,张*华,20,0", "V2,李*,15,0"]
    with Store(db) as store:
        (card,) = store.query("SELECT status, generation FROM cards WHERE card_id = 'QR-9'")
        assert tuple(card) == ("blocked", 2)
        assert store.verify() == []


def test_serve_refuses_plain_http_off_loopback(tmp_path: Path) -> None:
    assert run(tmp_path / "d.sqlite", "serve", "--host", "0.0.0.0") == 2  # noqa: S104


def test_published_openapi_matches_the_server(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path / "d.sqlite", "openapi") == 0
    generated = json.loads(capsys.readouterr().out)
    published = json.loads((ROOT / "docs/protocol/openapi-v1.json").read_text("utf-8"))
    assert generated == published, "regenerate with: kiosk-district openapi"
    assert {"/v1/push", "/v1/changes"} <= set(published["paths"])


def test_card_and_volunteer_ids_are_checked_at_the_door(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """issue-card refuses an empty, blank or emoji card id and a volunteer id with a space;
    other spellings of a UID, and a QR id in lower case, are stored in the one form the
    readers and tokens use; a people file with one bad line imports nothing."""
    db = tmp_path / "d.sqlite"
    people = tmp_path / "people.csv"
    people.write_text("id,name,card_id\nV1,张小华,\nV2,李明,\n", encoding="utf-8")
    assert run(db, "import-volunteers", str(people)) == 0
    capsys.readouterr()
    for card_id in ("", "   ", "💳", "04A1", "QR", "QR-😀"):
        assert run(db, "issue-card", card_id, "V1") == 2
    assert run(db, "issue-card", "04A1B2C3", "V 1") == 2
    assert run(db, "issue-card", "QR-7", "V1", "--kind", "nfc") == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 8
    assert "'💳' is not an NFC card UID" in err and "is empty" in err
    assert run(db, "issue-card", "0x04:a1:b2:c3:d4:e5:f6", "V1") == 0
    assert run(db, "issue-card", "qr-7", "V2") == 0
    assert run(db, "block-card", "04 a1 b2 c3 d4 e5 f6") == 0
    store = Store(db)
    cards = {tuple(r) for r in store.query("SELECT card_id, kind, status FROM cards")}
    assert cards == {("04A1B2C3D4E5F6", "nfc", "blocked"), ("QR-7", "qr", "active")}
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,card_id\nV3,王芳,04C3D4E5\nV4,赵四,nope\n,无名,\n",
                   encoding="utf-8")
    capsys.readouterr()
    assert run(db, "import-volunteers", str(bad)) == 2
    err = capsys.readouterr().err
    assert "line 3: 'nope' is not an NFC card UID" in err
    assert "line 4: a volunteer id is empty" in err
    assert store.query("SELECT COUNT(*) FROM volunteers")[0][0] == 2
    store.close()
