"""The core stays pure: no Qt, device or network library may be imported from kiosk/core; the
shared protocol package imports neither side; the district takes what it shares with the kiosk
from the protocol package, not from the kiosk."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "kiosk" / "core"
# The operations the screens run (kiosk/operations) are held to the core's rule.
OPERATIONS = ROOT / "kiosk" / "operations"
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


def test_the_operations_import_no_ui_hardware_or_network() -> None:
    """The operator's and the volunteer's work runs in tests and on the command line as it
    runs behind the screens: no Qt, device or network library reaches it."""
    files = list(OPERATIONS.rglob("*.py"))
    offenders = {f"{path.name}: {module}"
                 for path in files for module in imported_modules(path) if is_forbidden(module)}
    assert not offenders
    assert len(files) >= 2


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


def module_name(path: Path, base: Path) -> str:
    parts = list(path.relative_to(base).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def local_imports(path: Path, base: Path, known: set[str]) -> set[str]:
    """The project modules one file imports, wherever the import stands: one inside a
    function or under TYPE_CHECKING is the usual way a circle is hidden, so it counts."""
    here = module_name(path, base)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                source = ".".join([*anchor, *([source] if source else [])])
            found.add(source)
            found.update(f"{source}.{alias.name}" for alias in node.names)
    return (found & known) - {here}


def import_circles(roots: list[Path], base: Path = ROOT) -> list[list[str]]:
    """Each group of modules that import one another in a circle (Tarjan's strongly connected
    components of the import graph, groups of two or more)."""
    files = {module_name(p, base): p for root in roots for p in root.rglob("*.py")}
    graph = {name: local_imports(path, base, set(files)) for name, path in files.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = stack[stack.index(v):]
            del stack[stack.index(v):]
            if len(group) > 1:
                circles.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return circles


def test_no_import_circle_in_the_kiosk_the_district_or_the_protocol() -> None:
    """A newcomer reads a module's imports to know what it stands on; a circle (kept alive by
    an import inside a function) makes that a lie, and breaks on the next reordering."""
    assert import_circles([ROOT / "kiosk", DISTRICT, PROTOCOL]) == []


def test_the_circle_check_finds_a_hidden_circle(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg import b\n")
    (package / "b.py").write_text("def f():\n    from pkg.c import x\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\n"
                                  "if TYPE_CHECKING:\n    from .a import y\n")
    (package / "d.py").write_text("import pkg.a\n")
    assert import_circles([package], tmp_path) == [["pkg.a", "pkg.b", "pkg.c"]]
    (package / "c.py").write_text("x = 1\n")
    assert import_circles([package], tmp_path) == []


def test_the_ui_package_imports_nothing_above_it() -> None:
    """The screens are what the app is built from: kiosk.ui never reaches up into the app
    that wires them (kiosk.app) or the runners that drive it (kiosk.demo)."""
    ui = ROOT / "kiosk" / "ui"
    offenders = {f"{path.relative_to(ui)}: {module}"
                 for path in ui.rglob("*.py") for module in imported_modules(path)
                 if is_forbidden(module, {"kiosk.app", "kiosk.demo"})}
    assert not offenders
    assert len(list(ui.rglob("*.py"))) >= 20
