"""kiosk-admin make-district-key / issue-card, and the demo shop's QR card, end to end:
a key pair made by the command, a card printed with it, read back from the PNG by both
decoders, verified with the public key and looked up in the demo shop."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import cv2
import pytest

from kiosk.cli.admin import main
from kiosk.config import QrSection, load_config
from kiosk.core import cards, tokens
from kiosk.core.errors import CardTokenExpired
from kiosk.hardware.qr_decoders import make_decoder
from kiosk.services import Services
from points_protocol import card_tokens

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "assets" / "demo"
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def read_qr(path: Path) -> list[str]:
    frame = cv2.imread(str(path))
    assert frame is not None, path
    texts = {name: make_decoder(name).decode(frame) for name in ("zxing", "pyzbar")}
    assert texts["zxing"] == texts["pyzbar"]
    return texts["zxing"]


def run(tmp_path: Path, *args: str) -> int:
    return main(["--database", str(tmp_path / "kiosk.sqlite"), *args])


def test_make_key_and_issue_a_card(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    private = tmp_path / "district" / "signing.pem"
    assert run(tmp_path, "make-district-key", str(private), "--district", "hanyang") == 0
    out = capsys.readouterr().out
    public_text = (tmp_path / "district" / "signing-public.key").read_text().strip()
    assert f'public_key = "{public_text}"' in out
    assert private.stat().st_mode & 0o077 == 0  # nobody else may read the signing key
    assert run(tmp_path, "make-district-key", str(private)) == 2  # never overwritten

    png, svg = tmp_path / "card.png", tmp_path / "card.svg"
    assert run(tmp_path, "issue-card", "QR-0042", "--key", str(private), "--district",
               "hanyang", "--generation", "3", "--expires", "2027-12-31", "--png", str(png),
               "--svg", str(svg)) == 0
    printed = capsys.readouterr().out.splitlines()[0]
    assert read_qr(png) == [printed]
    key = tokens.load_public_key(public_text, tmp_path)
    card = tokens.verify(printed, key, "hanyang", NOW)
    assert (card.card_id, card.generation) == ("QR-0042", 3)
    assert card.expires_at == datetime(2027, 12, 31, 15, 59, 59, tzinfo=UTC)  # 23:59:59 Wuhan
    with pytest.raises(CardTokenExpired):
        tokens.verify(printed, key, "hanyang", datetime(2028, 1, 1, tzinfo=UTC))
    text = svg.read_text("utf-8")
    assert text.startswith("<svg") and "QR-0042" in text and "85.6mm" in text


def test_issue_card_refuses_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, "issue-card", "QR-1", "--key", str(tmp_path / "none.pem"),
               "--district", "x") == 2
    assert run(tmp_path, "issue-card", "QR-1", "--key",
               str(DEMO / "demo-district-key.DEMO-ONLY.pem")) == 2  # no district anywhere
    assert run(tmp_path, "issue-card", "QR-1", "--key",
               str(DEMO / "demo-district-key.DEMO-ONLY.pem"), "--district", "x",
               "--generation", "0") == 2
    assert "cannot issue" in capsys.readouterr().err
    for card_id in ("", "  ", "💳", "04A1B2C3D4E5F6", "QR 1"):   # a QR card has a QR id
        assert run(tmp_path, "issue-card", card_id, "--key",
                   str(DEMO / "demo-district-key.DEMO-ONLY.pem"), "--district", "x",
                   "--png", str(tmp_path / "never.png")) == 2
    assert "is not a QR card id" in capsys.readouterr().err
    assert not (tmp_path / "never.png").exists()


def test_issue_card_writes_the_id_in_its_one_form(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "card.png"
    assert run(tmp_path, "issue-card", " qr-0042 ", "--key",
               str(DEMO / "demo-district-key.DEMO-ONLY.pem"), "--district", "demo-district",
               "--png", str(png)) == 0
    token = capsys.readouterr().out.splitlines()[0]
    key = tokens.load_public_key("assets/demo/demo-district-public.key", ROOT)
    assert tokens.verify(token, key, "demo-district", NOW).card_id == "QR-0042"


def test_the_demo_card_is_accepted_by_the_demo_shop(shop: Services, tmp_path: Path) -> None:
    """assets/demo/qr-card-QR-0001.png belongs to V0001 and verifies with the demo key."""
    texts = read_qr(DEMO / "qr-card-QR-0001.png")
    assert texts == [(DEMO / "qr-card-QR-0001.txt").read_text("ascii").strip()]
    demo_config = replace(shop.config, base_dir=ROOT, qr=QrSection(
        district_id="demo-district", public_key="assets/demo/demo-district-public.key"))
    verifier = tokens.TokenVerifier.from_settings(
        demo_config.qr.public_key, demo_config.qr.district_id, shop.clock,
        base_dir=demo_config.base_dir)
    assert verifier is not None
    card = verifier.verify(texts[0])
    assert card.card_id == "QR-0001"
    assert cards.look_up(shop.conn, tokens.presented(card)).volunteer_id == "V0001"


def test_the_demo_key_pair_matches() -> None:
    private = card_tokens.load_private_key(DEMO / "demo-district-key.DEMO-ONLY.pem")
    public = tokens.load_public_key("demo-district-public.key", DEMO)
    assert card_tokens.public_key_text(private.public_key()) == card_tokens.public_key_text(public)
    assert "DEMO KEY" in (DEMO / "demo-district-key.DEMO-ONLY.pem").read_text()


def test_config_reports_a_bad_qr_key_and_a_camera_without_one(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[qr]\npublic_key = "nowhere.key"\n[camera]\nsource = "0"\n',
                    encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kiosk.cli.admin", "--config", str(path),
                             "init"], capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "qr.public_key = 'nowhere.key': neither a base64 key nor a readable file" \
        in result.stderr
    assert "qr.district_id = '': must be set" in result.stderr
    path.write_text('[camera]\nsource = "0"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kiosk.cli.admin", "--config", str(path),
                             "init"], capture_output=True, text=True, check=False)
    assert "camera.source = '0': needs qr.public_key" in result.stderr
    path.write_text('[qr]\ndistrict_id = "demo-district"\npublic_key = '
                    f'"{DEMO / "demo-district-public.key"}"\n', encoding="utf-8")
    assert load_config(path).qr.district_id == "demo-district"
