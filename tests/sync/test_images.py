"""Catalogue pictures by content hash, end to end: the district stores them, the change feed names
them, the kiosk fetches (signed), checks and keeps them; a bad one never breaks a round."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import requests

from district.catalogue_cli import cmd_add_image, cmd_import_catalogue
from kiosk import demo
from kiosk.core import catalogue
from kiosk.core.item_images import image_dir
from tests.conftest import ManualClock
from tests.live_district import Kiosk, LiveServer, make_kiosk

PNG = b"\x89PNG\r\n\x1a\n"


class Args:
    def __init__(self, **values: object) -> None:
        self.__dict__.update(values)


def image_of(kiosk: Kiosk, item_id: str) -> str | None:
    entry = catalogue.entry(kiosk.conn, item_id)
    assert entry is not None
    return entry.image


def last_error(kiosk: Kiosk, item_id: str) -> str | None:
    row = kiosk.conn.execute("SELECT last_error FROM item_images WHERE item_id = ?",
                             (item_id,)).fetchone()
    return None if row is None else row[0]


def add_image(district: LiveServer, item_id: str, path: Path) -> int:
    return cmd_add_image(district.store, Args(item_id=item_id, file=str(path)))  # type: ignore[arg-type]


@pytest.mark.expect_log(r"refused .*: unknown kiosk")
def test_imported_pictures_reach_the_kiosk_by_hash(district: LiveServer, tmp_path: Path,
                                                   clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock)
    assert image_of(kiosk, "soap") == "demo/images/soap.png"       # the bundled demo picture
    assert cmd_import_catalogue(district.store, Args(  # type: ignore[arg-type]
        file=str(demo.DEMO_CATALOGUE), images=str(demo.ASSETS))) == 0
    result = kiosk.daemon.run_once()
    assert result is not None and result.pictures_refused == 0
    folder = image_dir(kiosk.conn)
    assert folder == tmp_path / "images"
    pictured = [e for e in catalogue.entries(kiosk.conn) if e.image]
    assert len(pictured) >= 20
    for entry in pictured:
        assert entry.image is not None
        local = Path(entry.image)
        assert local.parent == folder
        original = (demo.ASSETS / "demo" / "images" / f"{entry.item_id}.png").read_bytes()
        assert local.read_bytes() == original
        assert hashlib.sha256(original).hexdigest() == local.name
    assert result.pictures == len({Path(str(e.image)).name for e in pictured})
    # Fetching is signed like every request: an unsigned one is refused.
    with requests.get(f"{district.url}/v1/images/{local.name}", timeout=30) as unsigned:
        assert unsigned.status_code == 401
    # Nothing is fetched again in the next round.
    again = kiosk.daemon.run_once()
    assert again is not None and again.pictures == 0
    kiosk.close()


@pytest.mark.expect_log(r"picture .* refused")
def test_bad_pictures_are_refused_without_breaking_the_round(
        district: LiveServer, tmp_path: Path, clock: ManualClock) -> None:
    kiosk = make_kiosk(tmp_path, "k1", district.store, district.url, clock, max_image_kb=16)
    assert kiosk.daemon.run_once() is not None
    good = tmp_path / "good.png"
    good.write_bytes(PNG + b"soap picture")
    big = tmp_path / "big.png"
    big.write_bytes(PNG + bytes(20 * 1024))                         # over the kiosk's 16 KB
    assert add_image(district, "soap", good) == 0
    assert add_image(district, "umbrella", big) == 0
    # Stored under a hash its bytes do not have (a damaged or forged district copy), and a
    # "picture" that is an HTML page: both slipped past the district's own checks.
    forged = hashlib.sha256(b"what the kiosk was promised").hexdigest()
    district.store.execute("INSERT INTO images VALUES (:sha, :data, 'now')",
                           sha=forged, data=PNG + b"something else")
    html = district.store.add_image(b"<html>502 Bad Gateway</html>")
    assert district.store.set_item_image("rice", forged)
    assert district.store.set_item_image("masks", html)
    result = kiosk.daemon.run_once()
    assert result is not None, "a bad picture must not fail the round"
    assert (result.pictures, result.pictures_refused) == (1, 3)
    assert Path(str(image_of(kiosk, "soap"))).read_bytes() == good.read_bytes()
    assert "over the 16384-byte limit" in str(last_error(kiosk, "umbrella"))
    assert "not to its name" in str(last_error(kiosk, "rice"))
    assert "not a PNG" in str(last_error(kiosk, "masks"))
    for item in ("umbrella", "rice", "masks"):                      # their old pictures stay
        assert image_of(kiosk, item) == f"demo/images/{item}.png"
    assert sorted(p.name for p in image_dir(kiosk.conn).iterdir()) == [
        hashlib.sha256(good.read_bytes()).hexdigest()]
    # The district puts a good picture on rice: the next round fetches it.
    fixed = tmp_path / "rice.png"
    fixed.write_bytes(PNG + b"rice picture")
    assert add_image(district, "rice", fixed) == 0
    later = kiosk.daemon.run_once()
    assert later is not None and later.pictures == 1
    assert Path(str(image_of(kiosk, "rice"))).read_bytes() == fixed.read_bytes()
    assert last_error(kiosk, "rice") is None
    kiosk.close()


def test_the_district_refuses_what_is_not_a_picture(district: LiveServer, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    text = tmp_path / "notes.png"
    text.write_bytes(b"just some text")
    assert add_image(district, "soap", text) == 2
    assert "not a PNG" in capsys.readouterr().err
    good = tmp_path / "good.png"
    good.write_bytes(PNG + b"x")
    assert add_image(district, "no-such-item", good) == 2
    folder = tmp_path / "pictures"
    (folder / "demo" / "images").mkdir(parents=True)
    (folder / "demo" / "images" / "soap.png").write_bytes(b"GIF? no")
    assert cmd_import_catalogue(district.store, Args(  # type: ignore[arg-type]
        file=str(demo.DEMO_CATALOGUE), images=str(folder))) == 2
    (spec,) = district.store.query("SELECT spec FROM items WHERE id = 'soap'")
    assert "image_sha256" not in spec[0]
