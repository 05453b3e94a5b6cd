"""Files that several of the kiosk's users share get their group and mode from the code that
makes them, not from whoever happened to run it.

The touchscreen (user ``kiosk``), the sync daemon and the backups (user ``kiosk-sync``) and an
operator with sudo all write into one data folder. They share it through its group (the
package makes it ``points-kiosk``, setgid). Left to the creator's umask, SQLite makes a new
database 0644 & ~umask (0640 under the services' umask 007: the other user cannot write it,
"attempt to write a readonly database"), ``mkstemp`` makes a picture 0600, and a folder made
by a user outside a setgid parent gets that user's own group. So every shared file or folder
is made here:

- it belongs to the group of the folder it is made in (the shared group);
- its mode is set explicitly (``fchmod``, which the umask does not touch);
- a file this process made earlier with the wrong bits (an older version, a hand-made file)
  is put right when this process owns it.

SQLite makes ``-wal`` and ``-shm`` with the mode of the database file (and, run as root, with
its owner), so a database made right gives them the right mode; their group comes from the
setgid folder, and :func:`fix_database_companions` puts it right where that is missing.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import stat
from pathlib import Path

# Written by more than one user: the database and its -wal and -shm, the sync lock.
READ_WRITE = 0o660
# Written by one user and read by the others: backups, pictures.
READ_ONLY = 0o640
# Shared folders: the group may create and delete files; setgid passes the group on.
FOLDER = 0o2770
# -wal and -shm sit beside the database and must be as writable as it is.
DATABASE_COMPANIONS = ("-wal", "-shm")


def _give_group(fd: int, gid: int) -> None:
    """chown the open file to its folder's group ``gid`` where this process may: a user may
    give a file it owns to a group it belongs to, root any file to any group. (In a setgid
    folder, as the package makes them, the kernel has already done it.) A user outside the
    group is left alone: no one it could share with through that group needs its file."""
    if os.fstat(fd).st_gid == gid:
        return
    if os.geteuid() == 0 or gid == os.getegid() or gid in os.getgroups():
        os.fchown(fd, -1, gid)


def make_folder(path: Path) -> None:
    """Create ``path`` and any missing parents as shared folders (group of their parent,
    mode 2770). Existing folders are left as they are: their owner decided."""
    path = Path(path)
    missing: list[Path] = []
    here = path
    while not here.exists():
        missing.append(here)
        here = here.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            continue  # another process made it at the same moment
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            _give_group(fd, folder.parent.stat().st_gid)
            os.fchmod(fd, FOLDER)
        finally:
            os.close(fd)


def create_file(path: Path, mode: int) -> bool:
    """Make ``path`` an empty shared file with ``mode`` and its folder's group, unless it
    exists. Returns True if this call made it. For an existing file this process owns, the
    missing mode bits and the group are put right (see :func:`fix_file`)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        fix_file(path, mode)
        return False
    try:
        _give_group(fd, path.parent.stat().st_gid)
        os.fchmod(fd, mode)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)
    return True


def open_file(path: Path, flags: int, mode: int) -> int:
    """``os.open`` for a shared file: made with ``mode`` and its folder's group if it is new
    (whatever the umask), put right if this process owns it. Returns the descriptor."""
    create_file(path, mode)
    return os.open(path, flags & ~(os.O_CREAT | os.O_EXCL))


def fix_file(path: Path, mode: int) -> None:
    """Give a shared file this process owns the group of its folder and at least ``mode``.

    Files owned by someone else are left alone (only their owner or root could change them);
    a file that has more bits than ``mode`` keeps them (restricting is its owner's choice)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return
    if not stat.S_ISREG(st.st_mode) or (st.st_uid != os.geteuid() and os.geteuid() != 0):
        return
    folder_gid = path.parent.stat().st_gid
    wanted = (st.st_mode & 0o7777) | mode
    if st.st_gid == folder_gid and wanted == st.st_mode & 0o7777:
        return
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        _give_group(fd, folder_gid)
        os.fchmod(fd, wanted)
    finally:
        os.close(fd)


def fix_database_companions(database: Path) -> None:
    """Put right ``-wal`` and ``-shm`` this process made (see the module docstring)."""
    for suffix in DATABASE_COMPANIONS:
        with contextlib.suppress(FileNotFoundError):
            fix_file(Path(f"{database}{suffix}"), READ_WRITE)


def prepare_database(database: Path) -> None:
    """Before SQLite opens ``database``: its folder exists, and a new file is made shared
    (so SQLite's -wal and -shm copy the right mode from it)."""
    make_folder(database.parent)
    create_file(database, READ_WRITE)


def _user(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _group(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return str(gid)


def describe(path: Path) -> str:
    """``0640 root:points-kiosk``: what a message about a shared file should show."""
    st = path.stat()
    return f"{stat.S_IMODE(st.st_mode):04o} {_user(st.st_uid)}:{_group(st.st_gid)}"


def describe_user() -> str:
    """``user kiosk (groups kiosk, points-kiosk)``: who this process is, for messages."""
    groups = sorted({os.getegid(), *os.getgroups()})
    return f"user {_user(os.geteuid())} (groups {', '.join(_group(g) for g in groups)})"
