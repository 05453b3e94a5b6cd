"""self-check: can the users that run the kiosk do what they must with its shared files?

A kiosk once reported "ready" while its touchscreen could not write the ledger (the database
was 0640, made by the provisioning user). So the check asks the questions that matter, for
this user (the kernel's own answer, ``os.access``) and, where the package made them, for each
service user by the file's owner, group and mode bits:

- the database and its ``-wal`` and ``-shm`` can be read and written;
- the data folder can be written (SQLite makes ``-wal`` and ``-shm`` there);
- the kiosk's key can be read by the sync daemon's user (and by nobody else).
"""

from __future__ import annotations

import grp
import os
import pwd
import stat
from collections.abc import Iterator
from pathlib import Path

from kiosk.config import Config
from kiosk.core import shared_files

Check = tuple[str, str, str]  # (status, name, detail)

# The users packaging/debian/postinst makes, and what each runs. A development machine has
# neither: then only this user is checked.
TOUCH_USER = "kiosk"
SYNC_USER = "kiosk-sync"
SERVICE_USERS = {TOUCH_USER: "the touchscreen", SYNC_USER: "the sync daemon and backups"}
READ, WRITE, SEARCH = 4, 2, 1


def groups_of(user: pwd.struct_passwd) -> set[int]:
    return {user.pw_gid} | {g.gr_gid for g in grp.getgrall() if user.pw_name in g.gr_mem}


def may(path: Path, user: pwd.struct_passwd, want: int) -> bool:
    """Whether ``user`` may ``want`` (READ|WRITE|SEARCH) on ``path`` by its mode bits."""
    if user.pw_uid == 0:
        return True
    st = path.stat()
    if st.st_uid == user.pw_uid:
        bits = (st.st_mode >> 6) & 7
    elif st.st_gid in groups_of(user):
        bits = (st.st_mode >> 3) & 7
    else:
        bits = st.st_mode & 7
    return bits & want == want


def shared_paths(database: Path) -> list[tuple[Path, int, str]]:
    """(path, access needed, what it is) for the files the touchscreen and daemon share."""
    found = [(database.parent, READ | WRITE | SEARCH, "data folder"),
             (database, READ | WRITE, "database")]
    for suffix in shared_files.DATABASE_COMPANIONS:
        companion = Path(f"{database}{suffix}")
        if companion.exists():
            found.append((companion, READ | WRITE, suffix))
    return found


def _os_mode(want: int) -> int:
    return (os.R_OK if want & READ else 0) | (os.W_OK if want & WRITE else 0) | \
        (os.X_OK if want & SEARCH else 0)


def _words(want: int) -> str:
    return "/".join(w for bit, w in ((READ, "read"), (WRITE, "write"), (SEARCH, "enter"))
                    if want & bit)


def check_this_user(config: Config) -> Iterator[Check]:
    database = config.database_path
    if not database.exists():
        return  # check_database says so
    refused = [f"cannot {_words(want)} {what} {path} ({shared_files.describe(path)})"
               for path, want, what in shared_paths(database)
               if not os.access(path, _os_mode(want))]
    who = shared_files.describe_user()
    if refused:
        yield "FAIL", "access", f"{who}: " + "; ".join(refused)
    else:
        yield "ok", "access", f"{who} can write the database, its folder, -wal and -shm"


def check_service_users(config: Config) -> Iterator[Check]:
    database = config.database_path
    for name, role in SERVICE_USERS.items():
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue  # not a packaged kiosk
        if database.exists():
            refused = [f"cannot {_words(want)} {what} ({shared_files.describe(path)})"
                       for path, want, what in shared_paths(database)
                       if not may(path, user, want)]
            if refused:
                yield "FAIL", f"user {name}", f"{role}: " + "; ".join(refused)
            else:
                yield "ok", f"user {name}", f"{role} can write the database, -wal and -shm"
    yield from _check_key_owner(config)


def _check_key_owner(config: Config) -> Iterator[Check]:
    """As root (who sees the sync folder): the key must be the daemon's, and only its."""
    key = Path(config.district.key_path)
    key = key if key.is_absolute() else config.base_dir / key
    try:
        user = pwd.getpwnam(SYNC_USER)
        st = key.stat()
    except (KeyError, OSError):
        return  # no packaged daemon, no key yet (check_files says so), or not ours to see
    if not may(key, user, READ):
        yield "FAIL", "kiosk key", f"{key} cannot be read by {SYNC_USER} " \
                                   f"({shared_files.describe(key)}): sync cannot sign"
    elif stat.S_IMODE(st.st_mode) & 0o077:
        yield "WARN", "kiosk key", f"{key} is readable by others " \
                                   f"({shared_files.describe(key)}): chmod 600"


def describe_failure(name: str, exc: OSError) -> Check:
    """A check that met an error it did not foresee still ends in a line, not a traceback."""
    return "FAIL", name, f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")
