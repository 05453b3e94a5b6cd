"""Every English text the console shows, found in its templates and code: the i18n test checks
each has its Chinese (district/console/messages_zh.py), and a new text without one fails it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
_TEMPLATE_CALL = re.compile(r"""_\(\s*(["'])(.+?)\1\s*[,)]""")
# Calls and arguments whose first string is shown to a person.
_CALLS = {"t", "Column", "Table", "UserError", "render", "render_bare"}
_KEYWORDS = {"title", "note", "message"}


def template_texts() -> set[str]:
    found: set[str] = set()
    for path in (HERE / "templates").glob("*.html"):
        found.update(m.group(2) for m in _TEMPLATE_CALL.finditer(path.read_text("utf-8")))
    return found


def _strings(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return []
    if isinstance(node, ast.BinOp):     # "a " "b" is one constant; "a" + "b" is not used
        return []
    return []


def code_texts() -> set[str]:
    found: set[str] = set()
    for path in HERE.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else \
                node.func.id if isinstance(node.func, ast.Name) else ""
            if name not in _CALLS:
                continue
            args = node.args[1:3] if name in ("Column", "Table") else \
                node.args[1:2] if name in ("render", "render_bare") else node.args[:1]
            if name == "Column":
                args = node.args[1:2]
            for arg in args:
                found.update(_strings(arg))
            for keyword in node.keywords:
                if keyword.arg in _KEYWORDS:
                    found.update(_strings(keyword.value))
    return {t for t in found if not t.endswith(".html")}
