"""Files only their owner can read, whatever the umask, never written through a symlink.

- ``private_dir``: make a folder 0700 (the data folder, the key folder);
- ``write_private``: bytes to a file through a 0600 temp file in the same folder, fsync,
  then rename over the target; a symlink at the target is refused;
- ``private_target``: the same for writers that need a path (openpyxl): yields a 0600 temp
  path, renamed into place when the block ends without an error;
- ``secure_sqlite``: a SQLite file and its -wal/-shm at 0600.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import WuyeError
from .i18n import _

FILE_MODE = 0o600
DIR_MODE = 0o700
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def refuse_symlink(path: Path) -> None:
    if path.is_symlink():
        raise WuyeError(_("{path} is a symbolic link: refused").format(path=path))


def private_dir(path: Path, tighten: bool = True) -> Path:
    """Create ``path`` (and parents) 0700; an existing folder we own is tightened to 0700."""
    path = Path(path)
    if not path.exists():
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        os.chmod(path, DIR_MODE)
    elif tighten and path.is_dir() and not path.is_symlink():
        st = path.stat()
        if st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) & 0o077:
            os.chmod(path, DIR_MODE)
    return path


def create_private(path: Path) -> None:
    """Create an empty 0600 file at ``path`` if none is there (never through a symlink)."""
    path = Path(path)
    refuse_symlink(path)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, FILE_MODE)
    except FileExistsError:
        return
    os.fchmod(fd, FILE_MODE)
    os.close(fd)


def _temp_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.part")


def write_private(path: Path, data: bytes) -> Path:
    path = Path(path).expanduser()
    refuse_symlink(path)
    if path.exists() and path.is_dir():
        raise WuyeError(_("{path} is a folder: name a file").format(path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_for(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    refuse_symlink(path)
    os.replace(tmp, path)
    return path


@contextmanager
def private_target(path: Path) -> Iterator[Path]:
    """A 0600 temp path beside ``path``; renamed over it when the block succeeds."""
    path = Path(path).expanduser()
    refuse_symlink(path)
    if path.exists() and path.is_dir():
        raise WuyeError(_("{path} is a folder: name a file").format(path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_for(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, FILE_MODE)
        refuse_symlink(path)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def secure_sqlite(path: Path) -> None:
    """The database file and its -wal/-shm: 0600 (files we own; symlinks left alone)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = path.with_name(path.name + suffix)
        try:
            st = os.lstat(p)
        except FileNotFoundError:
            continue
        if stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and stat.S_IMODE(st.st_mode) != FILE_MODE:
            os.chmod(p, FILE_MODE)
