"""Writes the pyproject.toml of one Debian package's wheel: the project's own, cut to a role.

    python packaging/role-pyproject.py kiosk|district pyproject.toml OUT [--version V]

One source tree holds the kiosk and the district, but a kiosk never runs the district server
and a district never runs the touchscreen. Each package's wheel gets only its role's Python
packages and console scripts; its dependencies are installed from the role's list (see
ROLES and build-deb.sh). ``--version`` builds another version from the same tree (the
package test's upgrade). Each edited line must exist exactly once, so a reshaped
pyproject.toml breaks the build instead of silently shipping the wrong parts.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

# Role -> (Python packages, console scripts). What both share is points_protocol; the district
# imports nothing of the kiosk (tests/test_imports.py), so it does not ship it either.
ROLES = {
    "kiosk": (["kiosk*", "points_protocol*"], ["kiosk", "kiosk-admin", "kiosk-sync"]),
    "district": (["district*", "points_protocol*"], ["kiosk-district"]),
}


def requirements(pyproject: dict[str, object], role: str) -> list[str]:
    """What the role's installed venv needs: the project's dependencies for the kiosk, the
    ``district`` extra for the district."""
    project = pyproject["project"]
    assert isinstance(project, dict)
    if role == "kiosk":
        return list(project["dependencies"])
    return list(project["optional-dependencies"]["district"])


def _replace_once(text: str, pattern: str, new: str) -> str:
    result, count = re.subn(pattern, new, text, flags=re.M)
    if count != 1:
        raise SystemExit(f"role-pyproject: expected one match of {pattern!r}, found {count}")
    return result


def role_pyproject(text: str, role: str, version: str | None) -> str:
    packages, scripts = ROLES[role]
    if version is not None:
        text = _replace_once(text, r'^version = ".*"$', f'version = "{version}"')
    text = _replace_once(text, r"^include = \[.*\]$",
                         "include = [" + ", ".join(f'"{p}"' for p in packages) + "]")
    declared = tomllib.loads(text)["project"]["scripts"]
    for script in declared:
        if script not in scripts:
            text = _replace_once(text, rf"^{re.escape(script)} = .*\n", "")
    missing = set(scripts) - set(declared)
    if missing:
        raise SystemExit(f"role-pyproject: {role} needs scripts {sorted(missing)}")
    return text


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("role", choices=sorted(ROLES))
    p.add_argument("source", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--version")
    p.add_argument("--requirements", type=Path,
                   help="also write the role's requirements here, one a line")
    args = p.parse_args()
    text = args.source.read_text("utf-8")
    args.out.write_text(role_pyproject(text, args.role, args.version), encoding="utf-8")
    if args.requirements:
        wanted = requirements(tomllib.loads(text), args.role)
        args.requirements.write_text("".join(f"{r}\n" for r in wanted), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
