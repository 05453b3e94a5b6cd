"""A table as the console shows it and exports it: the same object feeds the page and the
.xlsx/CSV download, so every table a page shows can be exported, with the same rows the same
person may see.

Each exportable table is a function registered with :func:`exportable` under a name and the
roles that may read it; ``/console/export/NAME.xlsx?...`` calls it with the request's query
parameters, exactly as the page did.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from district.console.scope import Role


@dataclass(frozen=True)
class Column:
    key: str
    label: str              # English; translated when shown
    numeric: bool = False
    link: str | None = None  # a URL pattern formatted with the row, e.g. "/volunteers/{id}"
    translate: bool = False  # a value from a fixed set (an outcome, a status): shown translated


@dataclass
class Table:
    name: str               # its export name ('' = not exportable)
    title: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]]
    params: dict[str, str] = field(default_factory=dict)   # query for the export link
    note: str = ""

    def values(self, row: Mapping[str, Any]) -> list[Any]:
        return [row.get(c.key) for c in self.columns]


TableSource = Callable[[Any, Mapping[str, str]], Table]


@dataclass(frozen=True)
class Export:
    roles: frozenset[Role]
    source: TableSource


EXPORTS: dict[str, Export] = {}


def exportable(name: str, roles: frozenset[Role]) -> Callable[[TableSource], TableSource]:
    def deco(fn: TableSource) -> TableSource:
        EXPORTS[name] = Export(roles, fn)
        return fn
    return deco
