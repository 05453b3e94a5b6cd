"""Users for tests of files the kiosk's users share: each user is a forked copy of the test
process that switched to its own uid, its own primary group and the shared group (as the
package's ``kiosk`` and ``kiosk-sync`` are), with a hostile umask. Needs root."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

SHARED_GID = 54_321          # the package's points-kiosk group


@dataclass(frozen=True)
class User:
    uid: int

    @property
    def gid(self) -> int:  # its own primary group, as adduser --group makes it
        return self.uid


TOUCH = User(54_001)   # kiosk: the touchscreen
SYNC = User(54_002)    # kiosk-sync: the daemon and the nightly backup


@contextmanager
def running_as(user: User, work: Callable[[], object], umask: int = 0o077) -> Iterator[str]:
    """Run ``work`` as ``user`` in a child process that stays alive (its files and database
    connections open) until the block ends; yields "ok" (followed by a line break and what
    ``work`` returned, if that is text) or the error it raised."""
    result_r, result_w = os.pipe()
    release_r, release_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.setgroups([SHARED_GID])
            os.setgid(user.gid)
            os.setuid(user.uid)
            os.umask(umask)
            kept = work()  # kept alive (open connections) until released
            said = f"ok\n{kept}" if isinstance(kept, str) else "ok"
            os.write(result_w, said.encode()[:60000])
        except BaseException as exc:
            os.write(result_w, f"{type(exc).__name__}: {exc}".encode()[:4000])
        finally:
            os.read(release_r, 1)
            os._exit(0)
    os.close(result_w)
    os.close(release_r)
    try:
        yield os.read(result_r, 65536).decode()
    finally:
        os.write(release_w, b"x")
        os.waitpid(pid, 0)
        for fd in (result_r, release_w):
            os.close(fd)


def as_user(user: User, work: Callable[[], object], umask: int = 0o077) -> str:
    with running_as(user, work, umask) as result:
        return result


@pytest.fixture(name="data")
def data_fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """/var/lib/points-kiosk as postinst makes it: root:points-kiosk, 2770."""
    top = tmp_path_factory.mktemp("shared")
    for folder in (top, *top.parents):
        if folder == Path("/"):
            break
        folder.chmod(folder.stat().st_mode | 0o005)  # pytest's own folders are 0700
    data = top / "data"
    data.mkdir()
    os.chown(data, 0, SHARED_GID)
    data.chmod(0o2770)
    return data
