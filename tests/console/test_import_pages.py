"""The two import pages (volunteer lists, service records) take the same steps
(district/console/import_pages.py): a file that cannot be read is answered on the page with
its reason and nothing is held; a readable one is held and previewed at its own address, which
only the person who brought it, on that page, can open."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.console.files import SERVICE_HEADERS, VOLUNTEER_HEADERS, xlsx
from tests.console.world import Client, ConsoleServer

PAGES = {  # page: (a readable file, the other page)
    "/volunteers-import": (xlsx(VOLUNTEER_HEADERS, [("V1001", "张小华", "琴台社区", "", "")]),
                           "/credits/import"),
    "/credits/import": (xlsx(SERVICE_HEADERS, [("V0001", "H-1", "2026-11-02", 1.5, "")]),
                        "/volunteers-import"),
}


def _held(console: ConsoleServer) -> int:
    return int(console.store.query("SELECT COUNT(*) FROM console_imports")[0][0])


@pytest.mark.parametrize("page", sorted(PAGES))
def test_an_upload_is_refused_on_the_page_or_held_for_its_own_preview(
        page: str, console: ConsoleServer, signed_in: Callable[[str], Client]) -> None:
    admin = signed_in("admin")
    before = _held(console)
    refused = admin.post("/console" + page, files={
        "file": ("名单.csv", "志愿者".encode("utf-16"), "text/csv")})
    assert refused.status_code == 422
    assert "neither UTF-8 nor GBK" in refused.text
    assert _held(console) == before

    good, other = PAGES[page]
    held = admin.post("/console" + page, files={"file": ("list.xlsx", good)})
    assert held.status_code == 303
    preview = held.headers["location"]
    assert preview.startswith(f"/console{page}/")
    assert _held(console) == before + 1
    assert admin.get(preview).status_code == 200
    import_id = preview.rsplit("/", 1)[1]
    assert admin.get(f"/console{other}/{import_id}").status_code == 404
    assert signed_in("sw-qintai").get(preview).status_code == 404
