"""The core stays pure: no Qt, device or network library may be imported from kiosk/core; the
shared protocol package imports neither side; the district takes what it shares with the kiosk
from the protocol package, not from the kiosk."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "kiosk" / "core"
PROTOCOL = ROOT / "points_protocol"
DISTRICT = ROOT / "district"
# kiosk/core may use the shared protocol package: it is as pure as the core itself.
FORBIDDEN = {"PySide6", "PyQt5", "PyQt6", "smartcard", "cv2", "escpos", "zxingcpp", "pyzbar",
             "requests", "httpx", "kiosk.ui", "kiosk.hardware", "kiosk.sync"}


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def is_forbidden(module: str, forbidden: set[str] = FORBIDDEN) -> bool:
    return any(module == f or module.startswith(f + ".") for f in forbidden)


def test_core_imports_no_ui_hardware_or_network() -> None:
    offenders = {f"{path.name}: {module}"
                 for path in CORE.rglob("*.py") for module in imported_modules(path)
                 if is_forbidden(module)}
    assert not offenders


def test_the_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import cv2\nfrom PySide6.QtCore import QObject\nfrom smartcard import x\n")
    assert {m for m in imported_modules(bad) if is_forbidden(m)} == {
        "cv2", "PySide6.QtCore", "smartcard"}


def test_core_modules_are_found() -> None:
    assert len(list(CORE.rglob("*.py"))) >= 10


def test_the_protocol_package_imports_neither_side_nor_any_framework() -> None:
    allowed_roots = {"points_protocol", "cryptography", "__future__"}
    offenders = {f"{path.name}: {module}"
                 for path in PROTOCOL.rglob("*.py") for module in imported_modules(path)
                 if module.split(".")[0] not in allowed_roots
                 and module.split(".")[0] not in sys.stdlib_module_names}
    assert not offenders
    assert len(list(PROTOCOL.rglob("*.py"))) >= 5


# What moved into points_protocol: the district must take it from there. (The district's
# other kiosk imports, kiosk.config, kiosk.services and kiosk.core.schema, go with its own
# package.)
MOVED_TO_PROTOCOL = {"kiosk.sync.signing", "kiosk.core.tokens", "kiosk.core.catalogue_file",
                     "kiosk.sync.protocol", "kiosk.services", "kiosk.core.catalogue",
                     "kiosk.core.models"}


def test_the_district_imports_nothing_of_the_kiosk() -> None:
    """The district is a product of its own: it shares points_protocol with the kiosk and
    nothing else (no kiosk.config, kiosk.services, kiosk.core, kiosk.sync ...)."""
    offenders = {f"{path.relative_to(DISTRICT)}: {module}"
                 for path in DISTRICT.rglob("*.py") for module in imported_modules(path)
                 if is_forbidden(module, {"kiosk"})}
    assert not offenders
    assert len(list(DISTRICT.rglob("*.py"))) >= 20


def test_the_district_takes_the_shared_parts_from_the_protocol_package() -> None:
    offenders = {f"{path.name}: {module}"
                 for path in DISTRICT.rglob("*.py") for module in imported_modules(path)
                 if is_forbidden(module, MOVED_TO_PROTOCOL)}
    assert not offenders
    assert any("points_protocol" in m for path in DISTRICT.rglob("*.py")
               for m in imported_modules(path))
