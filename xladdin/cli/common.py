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

from xladdin.errors import ExtractError


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


def parse_date(text: str, what: str = "date") -> dt.date:
    """A date typed on the command line, read exactly as the extract reader reads one
    (:func:`xladdin.core.dates.parse_date`: dd/mm/yyyy, ISO, 2 Sep 2024, a time part...)."""
    from xladdin.core.dates import parse_date as shared

    return shared(text, what=what)


def closure_text(path: Path) -> str:
    """The text of a closure-days file: UTF-8, UTF-16 or Windows-1252; anything else refused.

    Raises:
        ExtractError: naming the file and what to do (a folder, unreadable, a spreadsheet, binary).
    """
    if path.is_dir():
        raise ExtractError(f"{path}: is a folder. Give --closures a text file with one date per line.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExtractError(f"{path}: cannot read the closure-days file ({exc.strerror or exc}).") from None
    if raw[:4] in (b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
        raise ExtractError(
            f"{path.name}: is a spreadsheet, not a text file. Put the closure days in a text file "
            "(one date per line, dd/mm/yyyy), or type them on the workbook's Holidays sheet."
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if b"\x00" in raw[:4096]:
        raise ExtractError(f"{path.name}: is not a text file. Give a text file with one date per line.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # Windows Notepad's "ANSI"


def calendar(args: argparse.Namespace) -> Any:
    """The working-day calendar of ``--region`` and ``--closures``."""
    from xladdin.core.calendar import get_calendar, parse_closure_lines

    closures: list[dt.date] = []
    if getattr(args, "closures", None):
        path = Path(args.closures)
        closures = parse_closure_lines(closure_text(path).splitlines(), path.name)
    return get_calendar(getattr(args, "region", "ENG"), closures)


def read(kind: str | None, args: argparse.Namespace, path: str):
    from xladdin import extracts

    reader = {
        None: extracts.read_extract,
        "assessments": extracts.read_assessments,
        "referrals": extracts.read_referrals,
        "annex": extracts.read_annex_a,
    }[kind]
    kwargs: dict[str, Any] = {"progress": progress(sys.stderr)}
    if getattr(args, "mapping", None):
        kwargs["mapping"] = args.mapping
    if getattr(args, "extract_date", None):
        kwargs["extract_date"] = parse_date(args.extract_date, "--extract-date")
    try:
        return reader(path, **kwargs)
    finally:
        end_progress(sys.stderr)


def say_notes(notes: list[str]) -> None:
    """Notes for the officer, one line each, on stderr (never mixed into csv or json on stdout)."""
    for note in notes:
        if note:
            sys.stderr.write(f"note: {note}\n")


def accounting(extract: Any) -> dict[str, Any]:
    """The fields of ``--format json`` that account for every row of an extract."""
    return {
        "extract": extract.path.name,
        "sheet": extract.sheet or None,
        "rows": extract.rows,
        "counted": extract.counted,
        "kept_out": extract.kept_out,
        "extract_date": extract.extract_date.isoformat(),
        "extract_date_source": extract.extract_date_source,
        "coverage": [d.isoformat() for d in extract.coverage] if extract.coverage else None,
        "teams": extract.has_team,
    }
