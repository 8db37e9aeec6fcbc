"""What every command shares: progress on a terminal, dates and months typed on the command line,
the working-day calendar and reading an extract.

Nothing here imports pandas at module level: ``xladdin workdays`` should start fast.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from xladdin.errors import DateError, ExtractError


def progress(stream: TextIO) -> Callable[[str], None] | None:
    """A progress callback that writes to a terminal, or None when output is not a terminal."""
    if not stream.isatty():
        return None

    def show(message: str) -> None:
        stream.write(f"\r\033[K{message}")
        stream.flush()

    return show


def end_progress(stream: TextIO) -> None:
    if stream.isatty():
        stream.write("\r\033[K")
        stream.flush()


def parse_date(text: str) -> dt.date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise DateError(f"{text!r} is not a date: write it as dd/mm/yyyy or yyyy-mm-dd.")


def calendar(args: argparse.Namespace) -> Any:
    """The working-day calendar of ``--region`` and ``--closures``."""
    from xladdin.core.calendar import get_calendar, parse_closure_lines

    closures: list[dt.date] = []
    if getattr(args, "closures", None):
        path = Path(args.closures)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ExtractError(f"{path}: cannot read the closure-days file ({exc.strerror}).") from None
        closures = parse_closure_lines(text.splitlines(), path.name)
    return get_calendar(getattr(args, "region", "ENG"), closures)


def read(kind: str | None, args: argparse.Namespace, path: str):
    from xladdin import extracts

    reader = {
        None: extracts.read_extract,
        "assessments": extracts.read_assessments,
        "referrals": extracts.read_referrals,
    }[kind]
    kwargs: dict[str, Any] = {"progress": progress(sys.stderr)}
    if getattr(args, "mapping", None):
        kwargs["mapping"] = args.mapping
    if getattr(args, "extract_date", None):
        kwargs["extract_date"] = parse_date(args.extract_date)
    try:
        return reader(path, **kwargs)
    finally:
        end_progress(sys.stderr)
