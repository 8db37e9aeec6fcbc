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
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xladdin.core.calendar import get_calendar
from xladdin.core.month import Month
from xladdin.errors import ExtractError, MappingError, WorkbookError
from xladdin.workbook import areas
from xladdin.workbook.areas import Table
from xladdin.workbook.settings import Settings, check_month, read_settings


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
    mapping: Path | str | None = None,
    progress: Callable[[str], None] | None = None,
    after_save: Callable[[Path], None] | None = None,
    refreshed_at: dt.datetime | None = None,
) -> RefreshResult:
    """Read the extracts and rewrite the workbook's generated areas, keeping the officer's work.

    The extracts come from Settings unless given here (for this run only;
    Settings is not changed). Relative paths in Settings are relative to the
    workbook's folder. The month is ``month``, else Settings, else the latest
    month the assessments extract covers completely. ``mapping`` is a column-mapping file
    for every extract of this run (its ``assessments:``/``referrals:``/``audit:``
    sections), in place of the mapping files named in Settings.

    What openpyxl cannot keep of the officer's own objects (text boxes, shapes,
    sparklines...) is put back into the new file (``keep.py``); if anything
    would still be lost, the refresh stops and says what, before writing.

    Raises:
        WorkbookError, ExtractError, XladdinError: nothing was written.
    """
    # The file's writers (openpyxl) are imported here: the ribbon's Refresh (excel.live) shares
    # prepare_tables below and writes through Excel, without them.
    from xladdin.workbook.book import check_workbook, load, read_closures, read_workbook, write_area
    from xladdin.workbook.create import DETAIL_SHEETS, add_detail_sheets
    from xladdin.workbook.keep import keep_officers_work
    from xladdin.workbook.package import keep_ribbon
    from xladdin.workbook.safe_save import check_can_save, real_path, save_atomically

    path = Path(path)
    say = progress or (lambda _msg: None)
    original = read_workbook(path)  # a folder, a missing or an unreadable file fails here
    check_can_save(path)  # before the slow part: a read-only folder or an open file fails now
    wb = load(path, original)
    check_workbook(wb, path.name, added=DETAIL_SHEETS)
    if month is not None:
        month = Month.parse(month, where="month")  # the Python API's edge; the CLI passes a Month
    tables, the_month, chosen = prepare_tables(
        read_settings(wb),
        read_closures(wb),
        real_path(path).parent,  # a symbolic link's extracts sit beside the file it points at
        assessments=assessments,
        referrals=referrals,
        audit=audit,
        month=month,
        mapping=mapping,
        progress=progress,
        refreshed_at=refreshed_at,
        name=path.name,
    )
    say("Writing the workbook")
    add_detail_sheets(wb, read_settings(wb))  # a workbook made before the child-level lists existed
    rows = {name: write_area(wb, name, table) for name, table in tables.items()}
    keep = keep_officers_work(original, path.name, then=after_save or keep_ribbon(path))
    backup = save_atomically(wb, path, after_save=keep)
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
    mapping: Path | str | None = None,
    progress: Callable[[str], None] | None = None,
    refreshed_at: dt.datetime | None = None,
    name: str = "The workbook",
    blocks: dict[str, Any] | None = None,
) -> tuple[dict[str, Table], Month, dict[str, Path]]:
    """Choose the extracts and the month, read the extracts and build every generated table.

    Shared by the headless refresh (openpyxl, the file), the live-Excel one
    (``xladdin.excel.live``, the open workbook) and xlwings Lite's (``xladdin.excel.lite``);
    none writes anything here. Extracts given as arguments win over Settings (relative
    to the current folder); Settings paths are relative to ``base_dir`` (the workbook's
    folder). So do the column mappings: ``mapping`` (one file, for every extract) wins
    over the three mapping rows of Settings. ``blocks`` (``{"assessments": Block, ...}``,
    ``xladdin.extracts.Block``) are extracts held in sheets, read in place of any path.

    Returns:
        ``(tables, month, extracts)``: tables by defined name, the month, and the paths read.

    Raises:
        WorkbookError, ExtractError, XladdinError: ``name`` is used in the messages.
    """
    from xladdin import extracts as xio  # imported here: the extract readers are heavy-ish
    from xladdin.extracts.dates import check_month as check_coverage
    from xladdin.extracts.dates import latest_complete_month

    say = progress or (lambda _msg: None)
    blocks = blocks or {}
    given = {"assessments": assessments, "referrals": referrals, "audit": audit}
    chosen: dict[str, Any] = {
        kind: blocks.get(kind)
        or _resolve(given[kind], Path.cwd())
        or _resolve(getattr(settings, kind), base_dir)
        for kind in given
    }
    if chosen["assessments"] is None:
        raise WorkbookError(
            f"{name}: no assessments extract. Type its path in Settings ('Assessments extract') "
            "or give --assessments PATH."
        )
    maps = {kind: _mapping(kind, mapping, settings, base_dir) for kind in chosen}
    calendar = get_calendar(settings.region, closures)
    say(f"Reading {_shown(chosen['assessments'])}")
    dated = {"extract_date": settings.extract_date}
    a = _read(xio.read_assessments, "assessments", chosen["assessments"], maps, settings, **dated)
    xio.require_counted(a)
    r = au = None
    if chosen["referrals"] is not None:
        say(f"Reading {_shown(chosen['referrals'])}")
        r = _read(xio.read_referrals, "referrals", chosen["referrals"], maps, settings, **dated)
        xio.require_counted(r)
    if chosen["audit"] is not None:
        say(f"Reading {_shown(chosen['audit'])}")
        au = _read(xio.read_audit, "audit", chosen["audit"], maps, settings)
    # A blank month is the latest month the extract covers completely, never the calendar's;
    # a month outside the extract (or outside the years that make sense) is refused before
    # anything is built.
    the_month = month or settings.month or latest_complete_month(a)
    check_month(the_month, a.extract_date, "--month" if month else settings.where("month"))
    check_coverage(a, the_month, where=f"{name}: the reporting month")
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
    tables["xl_quality"], tables["xl_quality_note"] = _quality_for(
        tables["xl_quality"], [a, r, au], the_month
    )
    return tables, the_month, {k: v for k, v in chosen.items() if isinstance(v, Path)}


def _shown(source: Any) -> str:
    """A file's name, or a block's workbook and sheet, for progress messages."""
    return source.name if isinstance(source, Path) else source.label


#: The mapping hint of the extract readers ("... and give the file with --mapping FILE", for the
#: counting commands): refresh says where the officer gives one, exactly.
_MAPPING_HINT = re.compile(r"give (?:the file|it) with --mapping FILE")


def _mapping(kind: str, given: Path | str | None, settings: Settings, base_dir: Path) -> Path | None:
    """The mapping file for ``kind``: ``given`` (relative to the current folder), else its Settings row."""
    if given is not None and str(given).strip():
        return _resolve(given, Path.cwd())
    found = _resolve(getattr(settings, f"{kind}_mapping"), base_dir)
    if found is not None and not found.is_file():
        raise MappingError(
            f"{settings.where(kind + '_mapping')} names {found}, which does not exist: correct the path "
            "(a relative path is relative to the workbook's folder), or clear the cell to read Annex A "
            "headers."
        )
    return found


def _read(
    reader: Callable[..., Any],
    kind: str,
    source: Any,
    maps: dict[str, Path | None],
    settings: Settings,
    **options: Any,
) -> Any:
    """``reader(path)`` (or ``read_block`` for a sheet's block) with the mapping of ``kind``; a message
    suggesting a mapping says where refresh takes one."""
    from xladdin.extracts import read_block

    try:
        if not isinstance(source, Path):
            return read_block(source, kind, mapping=maps[kind], **options)
        return reader(source, mapping=maps[kind], **options)
    except (ExtractError, MappingError) as exc:
        hint = (
            f"name the mapping file in Settings, {settings.where(kind + '_mapping')}, or give it with "
            "`xladdin refresh WORKBOOK --mapping FILE`"
        )
        message = _MAPPING_HINT.sub(hint, str(exc))
        if message == str(exc):
            raise
        raise type(exc)(message) from None


def _quality_for(table: Table, extracts: list[Any], month: Month) -> tuple[Table, Table]:
    """The Data quality table with the rows that affect ``month`` first, and the line that says so."""
    from xladdin.extracts.by_month import AFFECTS, quality_by_month

    ordered = quality_by_month([e for e in extracts if e is not None], month)
    first = {
        (f, int(r))
        for f, r, a in zip(ordered.rows["file"], ordered.rows["row"], ordered.rows[AFFECTS])
        if a != "no"
    }
    rows = sorted(table.rows, key=lambda row: (row[0], row[1]) not in first)  # stable: file order kept
    note = ordered.note if len(ordered.rows) else "No data-quality problems in the extracts."
    return Table(table.header, rows), Table([note], [])
