"""Copy the kiosk's runtime dependencies from an existing virtual environment into another.

    python packaging/copy-deps.py TARGET_SITE_PACKAGES --requirements FILE

Run with the Python of the environment to copy FROM (e.g. the development .venv). It follows
one package's requirements (FILE, one a line, as role-pyproject.py writes them for the kiosk
or the district; markers evaluated for this interpreter) through every
installed distribution, and copies exactly the files each one's RECORD lists under
site-packages (no __pycache__: the build compiles for the target). Development tools installed
beside them (pytest, ruff, mypy) are not copied. Used by build-deb.sh with DEPS=copy-venv, so
that building the package in a test needs neither the network nor a compiler.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement


def closure(requirements: list[str]) -> list[metadata.Distribution]:
    """Every distribution these requirements need at run time (with the extras they ask for)."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [(Requirement(text).name, frozenset(Requirement(text).extras))
            for text in requirements]
    while todo:
        name, extras = todo.pop()
        dist = metadata.distribution(name)
        key = dist.metadata["Name"].lower().replace("_", "-")
        if key in seen and not extras:
            continue
        seen[key] = dist
        for text in dist.requires or []:
            req = Requirement(text)
            wanted = req.marker is None or any(
                req.marker.evaluate({"extra": e}) for e in ("", *extras))
            if wanted:
                todo.append((req.name, frozenset(req.extras)))
    return list(seen.values())


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("target", type=Path)
    p.add_argument("--requirements", type=Path, required=True)
    args = p.parse_args()
    # The project's own list, not its installed metadata: an editable install's metadata is
    # as old as the last "pip install -e" and may miss a dependency added since.
    requirements = [line.strip() for line in args.requirements.read_text("utf-8").splitlines()
                    if line.strip() and not line.startswith("#")]
    source = Path(sysconfig.get_paths()["purelib"])
    copied = 0
    for dist in sorted(closure(requirements), key=lambda d: d.metadata["Name"].lower()):
        for entry in dist.files or []:
            src = (source / entry).resolve()
            if not src.is_relative_to(source) or "__pycache__" in entry.parts:
                continue  # console scripts of dependencies, compiled caches
            dest = args.target / src.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
            copied += 1
        print(f"{dist.metadata['Name']} {dist.version}", file=sys.stderr)
    print(f"{copied} files copied", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
