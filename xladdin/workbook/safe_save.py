"""Save a workbook so that a failure, or a kill, leaves the file on disk exactly as it was.

The convention: nothing is written over the officer's file until a complete
new file exists. The workbook is first saved into memory (so a full disk can
never leave a half-written zip, nor a zip library complaining about it as
the process ends), then written to a temporary file in the same folder (so
the final ``os.replace`` is a rename on one file system, atomic on Windows
and POSIX). The previous version is kept as ``NAME.bak.xlsx``, and only then
is the new file moved into place.

What the officer set on the file is kept: its permissions (and owner, where
allowed), and a symbolic link stays a link: the file it points at is the one
replaced.

Temporary files are ours alone: ``.NAME.xladdin-HOST-PID-XXXX.tmp``. A kill
can leave one behind; the next save beside that workbook removes it once the
process that wrote it has ended (same computer) or after an hour (any).

While Excel has a workbook open it keeps a lock file ``~$NAME.xlsx`` beside
it (LibreOffice: ``.~lock.NAME.xlsx#``) and, on Windows, refuses writes to
the file itself. Both are checked before any work starts.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import io
import os
import re
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from xladdin.errors import WorkbookError

#: Marks our temporary files: ``.NAME.xladdin-HOST-PID-XXXXXXXX.tmp``.
TEMP_MARK = ".xladdin-"
#: A temporary file whose writer cannot be checked (another computer) is stale after this.
STALE_AFTER = 3600.0
#: Names the versions before the ``.xladdin-`` mark used (mkstemp's eight random characters).
_LEGACY = (r"\.{stem}\.[a-z0-9_]{{8}}{suffix}\.tmp", r"{stem}\.bak{suffix}\.tmp", r"\.{name}\.tmp")


def backup_path(path: Path) -> Path:
    """``performance.xlsx`` -> ``performance.bak.xlsx`` (the previous version)."""
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def real_path(path: Path | str) -> Path:
    """The file a symbolic link points at (followed to the end), else ``path`` itself."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def check_not_open(path: Path) -> None:
    """Raise WorkbookError if Excel or LibreOffice has ``path`` open (lock file, or a write lock).

    Raises:
        WorkbookError: naming the file, the lock and what to do.
    """
    path = Path(path)
    for lock in (path.with_name("~$" + path.name), path.with_name(f".~lock.{path.name}#")):
        if lock.exists():
            raise WorkbookError(
                f"{path.name} is open in Excel or LibreOffice (lock file {lock.name} exists): "
                "save and close it, then try again. If it is not open, delete the lock file."
            )
    if path.is_dir():
        raise WorkbookError(f"{path} is a folder, not a workbook: give the path of the .xlsx or .xlsm file.")
    if path.exists():
        try:
            # On Windows, Excel holds an open workbook with a share mode that refuses this.
            with open(path, "r+b"):
                pass
        except OSError as exc:
            raise WorkbookError(
                f"{path.name} cannot be written ({exc.strerror or exc}: it is open in another program, "
                "or read-only): close it, or copy it to a folder you may write to, then try again. "
                "Nothing was changed."
            ) from None


def check_can_save(path: Path) -> None:
    """Raise WorkbookError, before any work, if a new version of ``path`` could not be saved beside it.

    Creates and removes one temporary file in the folder: the only honest test
    (read-only shares, Windows folder permissions and full disks all refuse it).
    """
    path = real_path(path)
    check_not_open(path)
    folder = path.parent
    if not folder.is_dir():
        raise WorkbookError(f"{path.name}: the folder {folder} does not exist. Check the path.")
    with temp_file(path):
        pass


@contextlib.contextmanager
def temp_file(target: Path) -> Iterator[Path]:
    """A new, empty temporary file beside ``target``, removed when the block ends (if still there).

    Raises:
        WorkbookError: the folder does not let us write (read-only, no permission, disk full).
    """
    token = f"{_host()}-{os.getpid()}-"
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{target.name}{TEMP_MARK}{token}", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise WorkbookError(
            f"Cannot write in the folder of {target.name} ({target.parent}: {exc.strerror or exc}): "
            "copy the workbook to a folder you may write to (or free some disk space), then try again. "
            "Nothing was changed."
        ) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def is_temp_file(path: Path) -> bool:
    """True for one of our temporary files (``.NAME.xladdin-HOST-PID-XXXX.tmp``)."""
    return path.name.startswith(".") and TEMP_MARK in path.name and path.name.endswith(".tmp")


def clean_stale_temp_files(target: Path) -> list[Path]:
    """Remove temporary files of ours left beside ``target`` by a run that was killed; return them.

    Only our own names are touched (see the module docstring): a file whose
    writer is still running on this computer, or that another computer wrote
    less than an hour ago, is left alone.
    """
    removed = []
    now = time.time()
    names = [target.name, backup_path(target).name]
    ours = re.compile(
        r"\.(?P<name>.+)" + re.escape(TEMP_MARK) + r"(?P<host>[A-Za-z0-9]*)-(?P<pid>\d+)-\w+\.tmp"
    )
    legacy = re.compile(
        "|".join(
            p.format(
                stem=re.escape(target.stem), suffix=re.escape(target.suffix), name=re.escape(target.name)
            )
            for p in _LEGACY
        )
    )
    with contextlib.suppress(OSError):
        for candidate in target.parent.iterdir():
            m = ours.fullmatch(candidate.name)
            try:
                age = now - candidate.lstat().st_mtime
            except OSError:
                continue
            if m and m["name"] in names:
                stale = age > STALE_AFTER or (m["host"] == _host() and not _alive(int(m["pid"])))
            elif legacy.fullmatch(candidate.name):
                stale = age > 600  # an older xladdin gave no way to tell; ten minutes is ample
            else:
                continue
            if stale and candidate.is_file() and not candidate.is_symlink():
                with contextlib.suppress(OSError):
                    candidate.unlink()
                    removed.append(candidate)
    return removed


def save_atomically(
    wb: Any, path: Path, *, backup: bool = True, after_save: Callable[[Path], None] | None = None
) -> Path | None:
    """Save an openpyxl workbook to ``path`` via a temporary file; return the backup path.

    Args:
        wb: the openpyxl Workbook.
        path: the destination (it may or may not exist; a symbolic link is followed and kept).
        backup: keep the previous file as ``NAME.bak.xlsx``.
        after_save: called with the temporary file before it replaces ``path``
            (e.g. to re-inject an .xlsm's ribbon, or to put back what openpyxl
            dropped); an exception there also leaves ``path`` untouched.

    Raises:
        WorkbookError: the file is open elsewhere, or it could not be written;
            ``path`` and its backup are as they were.
    """
    link = Path(path)
    check_not_open(link)
    path = real_path(link)
    if path != link:
        check_not_open(path)
    clean_stale_temp_files(path)
    buffer = io.BytesIO()
    failure = None
    try:
        wb.save(buffer)  # in memory: a full disk cannot leave a half-written zip behind
    except _save_errors() as exc:  # openpyxl writes each sheet to a file in the temporary folder first
        failure = _reason(exc)
    if failure is not None:
        _collect_quietly()
        raise WorkbookError(
            f"Could not write {path.name} ({failure}, while preparing it in the temporary "
            f"folder {tempfile.gettempdir()}): check there is free disk space. The workbook is unchanged."
        )
    return replace_file(path, buffer.getvalue(), backup=backup, after_save=after_save)


def _save_errors() -> tuple[type[BaseException], ...]:
    """What openpyxl's save raises when the temporary folder is full: an OSError, or, where lxml
    is installed (openpyxl then writes through it), lxml's SerialisationError (``IO_EFBIG``...)."""
    try:
        from lxml.etree import SerialisationError
    except ImportError:
        return (OSError,)
    return (OSError, SerialisationError)


def _reason(exc: BaseException) -> str:
    """The system's words for a failed write: lxml reports an errno as text (``IO_EFBIG``)."""
    strerror = getattr(exc, "strerror", None)
    if strerror:
        return str(strerror)
    text = str(exc)
    code = getattr(errno, text[3:], None) if text.startswith("IO_E") else None
    return os.strerror(code) if isinstance(code, int) else text


def _collect_quietly() -> None:
    """Finish off the sheet writers a failed save left open, without their "Exception ignored" noise.

    openpyxl writes each sheet through a generator; when the write fails, the generator is
    left open and raises again when it is collected, which Python reports on stderr as
    "Exception ignored in ...". Collected here, with that report silenced, the officer sees
    one message.
    """
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook


def replace_file(
    path: Path, data: bytes, *, backup: bool = False, after_save: Callable[[Path], None] | None = None
) -> Path | None:
    """Put ``data`` at ``path`` in one step (see :func:`save_atomically`); return the backup path."""
    path = real_path(path)
    mode, owner = _mode_and_owner(path)
    saved_backup: Path | None = None
    with temp_file(path) as tmp:
        try:
            _write(tmp, data)
            if after_save is not None:
                after_save(tmp)
            _set_mode(tmp, mode, owner)
        except OSError as exc:
            raise _not_written(path, exc) from None
        if backup and path.exists():
            saved_backup = _keep_backup(path, mode, owner)
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise WorkbookError(
                f"{path.name} could not be replaced ({exc.strerror or exc}; it may be open in another "
                "program): close it and try again. The file is unchanged."
            ) from None
    return saved_backup


def _write(tmp: Path, data: bytes) -> None:
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _keep_backup(path: Path, mode: int, owner: tuple[int, int] | None) -> Path:
    target = backup_path(path)
    with temp_file(target) as tmp:
        try:
            _write(tmp, path.read_bytes())
            _set_mode(tmp, mode, owner)
            os.replace(tmp, target)
        except OSError as exc:
            raise WorkbookError(
                f"Could not keep the previous version of {path.name} as {target.name} "
                f"({exc.strerror or exc}): check there is free disk space and that you may write to "
                f"{path.parent}. The workbook is unchanged."
            ) from None
    return target


def _not_written(path: Path, exc: OSError) -> WorkbookError:
    return WorkbookError(
        f"Could not write {path.name} in {path.parent} ({exc.strerror or exc}): "
        "check there is free disk space and that you may write to the folder. The workbook is unchanged."
    )


def _mode_and_owner(path: Path) -> tuple[int, tuple[int, int] | None]:
    """The permission bits (and owner) the new file should have: the old file's, else the default."""
    try:
        st = path.stat()
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask, None
    return st.st_mode & 0o7777, (st.st_uid, st.st_gid)


def _set_mode(tmp: Path, mode: int, owner: tuple[int, int] | None) -> None:
    if owner is not None and hasattr(os, "chown"):
        st = tmp.stat()
        if (st.st_uid, st.st_gid) != owner:
            with contextlib.suppress(OSError):  # only root may give a file away: keep ours then
                os.chown(tmp, *owner)
    os.chmod(tmp, mode)


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:20] or "host"


def _alive(pid: int) -> bool:
    """True if process ``pid`` runs on this computer (POSIX); on Windows we cannot ask safely."""
    if os.name != "posix":
        return True  # os.kill on Windows would terminate it: fall back on the age rule
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, but is someone else's
    return True
