"""The performance workbook: create it, and refresh its generated areas from the extracts.

The convention that causes mistakes: refresh owns only the generated areas
(the defined names ``xl_*`` listed in ``areas.AREAS``). Every other cell
(Settings values, Commentary, closure days, any sheet or cell the officer
adds) is read, never written, so it survives a refresh unchanged. The file is
replaced only when a complete new file has been written (``safe_save.py``): a
bad extract, a locked file or any other exception leaves it as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from xladdin.core.calendar import get_calendar
from xladdin.core.month import Month
from xladdin.errors import WorkbookError
from xladdin.workbook import areas
from xladdin.workbook.areas import Table
from xladdin.workbook.book import load, read_closures, write_area
from xladdin.workbook.package import keep_ribbon
from xladdin.workbook.safe_save import check_not_open, save_atomically
from xladdin.workbook.settings import Settings, read_settings


@dataclass
class RefreshResult:
    """What a refresh did: the file, its backup, the month and the rows written per area."""

    path: Path
    backup: Path | None
    month: Month
    rows: dict[str, int] = field(default_factory=dict)
    extracts: dict[str, Path] = field(default_factory=dict)
    summary: str = ""


def _resolve(value: str | Path | None, base: Path) -> Path | None:
    if value is None or str(value).strip() == "":
        return None
    p = Path(str(value).strip()).expanduser()
    return p if p.is_absolute() else (base / p)


def refresh(
    path: Path | str,
    *,
    assessments: Path | str | None = None,
    referrals: Path | str | None = None,
    audit: Path | str | None = None,
    month: Month | str | None = None,
    progress: Callable[[str], None] | None = None,
    after_save: Callable[[Path], None] | None = None,
    refreshed_at: dt.datetime | None = None,
) -> RefreshResult:
    """Read the extracts and rewrite the workbook's generated areas, keeping the officer's work.

    The extracts come from Settings unless given here (for this run only;
    Settings is not changed). Relative paths in Settings are relative to the
    workbook's folder. The month is ``month``, else Settings, else the latest
    month the assessments extract covers completely.

    Raises:
        WorkbookError, ExtractError, XladdinError: nothing was written.
    """
    path = Path(path)
    say = progress or (lambda _msg: None)
    check_not_open(path)
    wb = load(path)
    if month is not None:
        month = Month.parse(month, where="month")  # the Python API's edge; the CLI passes a Month
    tables, the_month, chosen = prepare_tables(
        read_settings(wb),
        read_closures(wb),
        path.parent,
        assessments=assessments,
        referrals=referrals,
        audit=audit,
        month=month,
        progress=progress,
        refreshed_at=refreshed_at,
        name=path.name,
    )
    say("Writing the workbook")
    rows = {name: write_area(wb, name, table) for name, table in tables.items()}
    backup = save_atomically(wb, path, after_save=after_save or keep_ribbon(path))
    say("Done")
    return RefreshResult(
        path=path,
        backup=backup,
        month=the_month,
        rows=rows,
        extracts=chosen,
        summary=tables["xl_summary_suggestion"].header[0],
    )


def prepare_tables(
    settings: Settings,
    closures: list[dt.date],
    base_dir: Path,
    *,
    assessments: Path | str | None = None,
    referrals: Path | str | None = None,
    audit: Path | str | None = None,
    month: Month | None = None,
    progress: Callable[[str], None] | None = None,
    refreshed_at: dt.datetime | None = None,
    name: str = "The workbook",
) -> tuple[dict[str, Table], Month, dict[str, Path]]:
    """Choose the extracts and the month, read the extracts and build every generated table.

    Shared by the headless refresh (openpyxl, the file) and the live-Excel one
    (``xladdin.excel.live``, the open workbook); neither writes anything here.
    Extracts given as arguments win over Settings (relative to the current
    folder); Settings paths are relative to ``base_dir`` (the workbook's folder).

    Returns:
        ``(tables, month, extracts)``: tables by defined name, the month, and the paths read.

    Raises:
        WorkbookError, ExtractError, XladdinError: ``name`` is used in the messages.
    """
    from xladdin import extracts as xio  # imported here: the extract readers are heavy-ish
    from xladdin.extracts.dates import check_month, latest_complete_month

    say = progress or (lambda _msg: None)
    chosen = {
        "assessments": _resolve(assessments, Path.cwd()) or _resolve(settings.assessments, base_dir),
        "referrals": _resolve(referrals, Path.cwd()) or _resolve(settings.referrals, base_dir),
        "audit": _resolve(audit, Path.cwd()) or _resolve(settings.audit, base_dir),
    }
    if chosen["assessments"] is None:
        raise WorkbookError(
            f"{name}: no assessments extract. Type its path in Settings ('Assessments extract') "
            "or give --assessments PATH."
        )
    calendar = get_calendar(settings.region, closures)
    say(f"Reading {chosen['assessments'].name}")
    a = xio.read_assessments(chosen["assessments"], extract_date=settings.extract_date)
    xio.require_counted(a)
    r = au = None
    if chosen["referrals"] is not None:
        say(f"Reading {chosen['referrals'].name}")
        r = xio.read_referrals(chosen["referrals"], extract_date=settings.extract_date)
        xio.require_counted(r)
    if chosen["audit"] is not None:
        say(f"Reading {chosen['audit'].name}")
        au = xio.read_audit(chosen["audit"])
    # A blank month is the latest month the extract covers completely, never the calendar's;
    # a month outside the extract is refused before anything is built (issue 15).
    the_month = month or settings.month or latest_complete_month(a)
    check_month(a, the_month, where=f"{name}: the reporting month")
    say("Calculating")
    tables = areas.build_tables(
        assessments=a,
        referrals=r,
        audit=au,
        settings=settings,
        month=the_month,
        calendar=calendar,
        refreshed_at=refreshed_at,
    )
    tables["xl_about"].rows.append(
        ["Extract date", " ".join(n for n in a.notes if n.startswith("Extract date"))]
    )
    return tables, the_month, {k: v for k, v in chosen.items() if v is not None}
