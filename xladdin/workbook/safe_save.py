"""Save a workbook so that a failure leaves the file on disk exactly as it was.

The convention: nothing is written over the officer's file until a complete
new file exists. The new file is written to a temporary name in the same
folder (so the final ``os.replace`` is a rename on one file system, which is
atomic on Windows and POSIX), the previous version is kept as
``NAME.bak.xlsx``, and only then is the new file moved into place.

While Excel has a workbook open it keeps a lock file ``~$NAME.xlsx`` beside
it (LibreOffice: ``.~lock.NAME.xlsx#``) and, on Windows, refuses writes to
the file itself. Both are checked before any work starts.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xladdin.errors import WorkbookError


def backup_path(path: Path) -> Path:
    """``performance.xlsx`` -> ``performance.bak.xlsx`` (the previous version)."""
    return path.with_name(f"{path.stem}.bak{path.suffix}")


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
    if path.exists():
        try:
            # On Windows, Excel holds an open workbook with a share mode that refuses this.
            with open(path, "r+b"):
                pass
        except PermissionError:
            raise WorkbookError(
                f"{path.name} cannot be written (it is open in another program or read-only): "
                "close it and check you may write to it, then try again."
            ) from None


def save_atomically(
    wb: Any, path: Path, *, backup: bool = True, after_save: Callable[[Path], None] | None = None
) -> Path | None:
    """Save an openpyxl workbook to ``path`` via a temporary file; return the backup path.

    Args:
        wb: the openpyxl Workbook.
        path: the destination (it may or may not exist).
        backup: keep the previous file as ``NAME.bak.xlsx``.
        after_save: called with the temporary file before it replaces ``path``
            (e.g. to re-inject an .xlsm's ribbon); an exception there also
            leaves ``path`` untouched.

    Raises:
        WorkbookError: the file is open elsewhere, or it could not be written.
    """
    path = Path(path)
    check_not_open(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    saved_backup: Path | None = None
    try:
        try:
            wb.save(tmp)
            if after_save is not None:
                after_save(tmp)
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
        except OSError as exc:
            raise WorkbookError(
                f"Could not write {path.name} in {path.parent} ({exc.strerror or exc}): "
                "check there is free disk space and that you may write to the folder."
            ) from exc
        if backup and path.exists():
            saved_backup = backup_path(path)
            tmp_backup = saved_backup.with_name(saved_backup.name + ".tmp")
            shutil.copyfile(path, tmp_backup)
            os.replace(tmp_backup, saved_backup)
        try:
            os.replace(tmp, path)
        except PermissionError as exc:
            raise WorkbookError(
                f"{path.name} could not be replaced (it is open in another program): "
                "close it and try again. The file is unchanged."
            ) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return saved_backup
