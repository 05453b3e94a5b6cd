"""The core stays pure: no Qt, device or network library may be imported from kiosk/core."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parent.parent / "kiosk" / "core"
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


def is_forbidden(module: str) -> bool:
    return any(module == f or module.startswith(f + ".") for f in FORBIDDEN)


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
