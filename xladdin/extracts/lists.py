"""Which list a file holds: one extract of either list (``xladdin quality``), or every list of a
whole Annex A workbook (List 1 to List 11, Guidance tabs, sheets named ``List 4`` or ``List_4``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xladdin.errors import ExtractError
from xladdin.extracts.mapping import ColumnMapping, normalise_header
from xladdin.extracts.read import Extract, read_list
from xladdin.extracts.readers.csv_reader import (
    DELIMITERS,
    PEEK_BYTES,
    decode_peek,
    header_rows,
    split_lines,
    utf16,
)
from xladdin.extracts.readers.excel_reader import EXCEL_MAGIC, calamine_errors
from xladdin.extracts.readers.html_reader import sniff_markup
from xladdin.extracts.spec import HEADER_SCAN_ROWS, LIST_NAMES, Progress, header_score, make_spec


def read_extract(
    path: str | Path,
    *,
    mapping: str | Path | ColumnMapping | dict | None = None,
    extract_date: dt.date | None = None,
    progress: Progress | None = None,
) -> Extract:
    """Read an extract of either list, deciding which from its header row (for ``xladdin quality``).

    The list whose headers match best wins; ties go to List 4 (assessments). Every row
    may be kept out (the quality list then shows why).
    """
    p = Path(path)
    kind = guess_kind(p, mapping=mapping)
    return read_list(p, kind, mapping=mapping, extract_date=extract_date, progress=progress)


def guess_kind(path: str | Path, *, mapping: Any = None) -> str:
    """ "assessments", "referrals" or "audit", from which list's required headers the file has most of."""
    p = Path(path)
    try:
        rows = _peek_rows(p)
    except ExtractError:
        return "assessments"  # let the real read report the problem
    scores = {}
    for kind in ("assessments", "referrals", "audit"):
        spec = make_spec(kind, mapping)
        wanted = spec.wanted(spec.required)
        scores[kind] = max((header_score(r, wanted) / len(spec.required) for r in rows), default=0.0)
    return max(scores, key=lambda k: scores[k])


def _peek_rows(path: Path) -> list[list[Any]]:
    if not path.is_file() or path.stat().st_size == 0:
        raise ExtractError(str(path))
    try:
        with path.open("rb") as f:
            raw = f.read(PEEK_BYTES)
    except OSError:
        raise ExtractError(str(path)) from None
    if raw[:4] in EXCEL_MAGIC:
        from xladdin.extracts.readers.excel_reader import load_rows, sheet_visibility

        try:
            import python_calamine

            book = python_calamine.CalamineWorkbook.from_path(str(path))
            return [r for s in sheet_visibility(book)[0] for r in load_rows(book, s, HEADER_SCAN_ROWS)]
        except calamine_errors():
            raise ExtractError(str(path)) from None
    wide = utf16(raw)
    text = raw.decode(wide, errors="replace") if wide else decode_peek(raw, len(raw) < PEEK_BYTES)[0]
    if sniff_markup(raw):
        from xladdin.extracts.readers.html_reader import html_rows

        return html_rows(path)[:HEADER_SCAN_ROWS]
    lines = split_lines(text.lstrip("\ufeff"), len(raw) < PEEK_BYTES)[:HEADER_SCAN_ROWS]
    return [r for delim in DELIMITERS for r in header_rows(lines, delim)]


#: Sheet names of a whole Annex A workbook: "List 4", "List_4", "list-4 assessments"...
_LIST_SHEET = re.compile(r"^\s*list[\s_\-]*(\d{1,2})\b", re.IGNORECASE)
#: The lists xladdin reads, by Annex A list number.
LIST_KINDS = {3: "referrals", 4: "assessments"}


@dataclass
class AnnexA:
    """Every list xladdin reads in one file: each an Extract, and notes on what was not read."""

    extracts: list[Extract] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_annex_a(
    path: str | Path,
    *,
    mapping: str | Path | ColumnMapping | dict | None = None,
    extract_date: dt.date | None = None,
    progress: Progress | None = None,
) -> AnnexA:
    """Read every list xladdin knows (List 3, List 4) in a file: a whole Annex A workbook or one extract.

    In a workbook with sheets named ``List 1`` ... ``List 11`` (or ``List_4``), each list
    sheet is read on its own; other lists and Guidance tabs are named in a note, hidden
    sheets too. An empty list among others is a note, not a failure. A file that is not
    such a workbook is one extract (:func:`read_extract`).

    Raises:
        ExtractError: no list in the file has data rows (the message names each sheet and why).
    """
    p = Path(path)
    sheets = _list_sheets(p)
    if sheets is None:
        return AnnexA([read_extract(p, mapping=mapping, extract_date=extract_date, progress=progress)])
    found, hidden, others = sheets
    result = AnnexA()
    problems = []
    for sheet, kind in found:
        try:
            result.extracts.append(
                read_list(p, kind, mapping=mapping, extract_date=extract_date, progress=progress, sheet=sheet)
            )
        except ExtractError as exc:
            problems.append(str(exc))
    if not result.extracts:
        raise ExtractError(
            f"{p.name}: no list xladdin reads (List 3, List 4) has data rows. "
            + " ".join(problems or [f"Sheets found: {', '.join(repr(s) for s in others)}."])
        )
    # Among lists with data, an empty one is a note: the period may simply have had none.
    result.notes += [
        msg.replace(". Re-run the extract for the right period.", " (an empty list).") for msg in problems
    ]
    if others:
        result.notes.append(
            f"{p.name}: not checked (xladdin reads Lists 3 and 4): {', '.join(repr(s) for s in others)}."
        )
    if hidden:
        result.notes.append(
            f"{p.name}: hidden sheet(s) not read (hidden sheets are old copies): "
            f"{', '.join(repr(s) for s in hidden)}."
        )
    return result


def _list_sheets(path: Path) -> tuple[list[tuple[str, str]], list[str], list[str]] | None:
    """((sheet, kind) of the lists to read, hidden sheets, other visible sheets), or None when the
    file is not a workbook with "List N" sheets (then it is one extract)."""
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except OSError:
        return None
    if magic not in EXCEL_MAGIC:
        return None
    import python_calamine

    from xladdin.extracts.readers.excel_reader import sheet_visibility

    try:
        visible, hidden = sheet_visibility(python_calamine.CalamineWorkbook.from_path(str(path)))
    except calamine_errors():
        return None
    numbered = {s: int(m.group(1)) for s in visible if (m := _LIST_SHEET.match(s))}
    if not any(n in LIST_KINDS for n in numbered.values()):
        return None
    found = [(s, LIST_KINDS[n]) for s, n in numbered.items() if n in LIST_KINDS]
    others = [s for s in visible if s not in dict(found)]
    return found, hidden, others


#: Words that give a local header away, for the template's guesses (normalised, as in headers).
_HINTS = {
    "child_id": ("childid", "personid", "clientid", "uniqueid", "lcsid", "id"),
    "start": ("start", "began", "opened"),
    "authorised": ("authoris", "authoriz", "completed", "completion", "signedoff", "enddate", "closed"),
    "team": ("team", "locality", "unit"),
    "worker": ("worker", "practitioner", "allocated"),
    "referral_date": ("referraldate", "dateofreferral", "referral", "contactdate"),
    "source": ("source",),
    "nfa": ("nfa", "nofurtheraction"),
    "referrals_12m": ("12month", "last12", "previousreferrals"),
}


def mapping_template(path: str | Path, *, kind: str | None = None) -> str:
    """A mapping file (YAML) for ``path``'s own headers: every key xladdin reads, the best guess
    filled in, what is not found left for the person to type (``xladdin mapping-template``).

    Raises:
        ExtractError: the file cannot be read, or no row of it looks like a header row.
    """
    p = Path(path)
    kind = kind or guess_kind(p)
    header = _template_header(p)
    spec = make_spec(kind, None)
    norm = {h: normalise_header(h) for h in header}
    guesses = _guesses(spec, norm)
    required = set(spec.required)
    lines = [
        f"# Column mapping for {p.name}: Annex A {LIST_NAMES[kind]}, written by `xladdin mapping-template`.",
        '# Each line is  key: "the header in YOUR file". Check every line marked GUESS; for a line',
        "# marked NOT FOUND, type your header between the quotes and remove the leading '#'.",
        f"# Then: xladdin {'rereferrals' if kind == 'referrals' else 'timeliness'} {p.name} --month YYYY-MM "
        "--mapping THIS-FILE.yaml",
        f"# Headers in {p.name}: {', '.join(repr(h) for h in header[:40])}",
        '# date_format: "%d/%m/%Y"  # only for text dates in another form; dd/mm/yyyy, yyyy-mm-dd and',
        "#                           # 2 Sep 2024 (with or without a time) are read without it",
        f"{kind}:",
    ]
    for canon in spec.needed:
        annex = spec.headers[canon]
        need = "required" if canon in required and canon != "team" else "optional"
        found, how = guesses.get(canon, ("", ""))
        if how == "exact":
            lines.append(f"  {canon}: {_quoted(found)}  # matches (Annex A: {annex!r})")
        elif how == "guess":
            lines.append(f"  {canon}: {_quoted(found)}  # GUESS, check it ({need}; Annex A: {annex!r})")
        else:
            what = "REQUIRED" if need == "required" else "optional"
            lines.append(f'  # {canon}: ""  # NOT FOUND, {what} (Annex A: {annex!r})')
    return "\n".join(lines) + "\n"


def _template_header(path: Path) -> list[str]:
    """The row of the file that looks most like a header: the most distinct texts that are not dates."""
    from xladdin.core.dates import parse_date_column

    rows = _peek_rows(path)
    best: list[str] = []
    for row in rows:
        cells = [str(c).strip() for c in row if c is not None and str(c).strip()]
        if len(cells) < 2:
            continue
        _, why = parse_date_column(cells)
        dates = sum(1 for c, w in zip(cells, why) if w == 0 and any(ch.isdigit() for ch in c))
        texts = [c for c in cells if any(ch.isalpha() for ch in c)]
        if dates == 0 and len(set(texts)) > len(best):
            best = list(dict.fromkeys(texts))
    if not best:
        raise ExtractError(f"{path.name}: no row looks like a header row (two or more column names).")
    return best


def _guesses(spec: Any, norm: dict[str, str]) -> dict[str, tuple[str, str]]:
    """canonical -> (header, "exact" | "guess"); each header used once, best scores first."""
    import difflib

    out: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for canon in spec.needed:  # exact (Annex A or a known alias) first
        names = set(spec.names(canon))
        for h, n in norm.items():
            if n in names and h not in used:
                out[canon] = (h, "exact")
                used.add(h)
                break
    scored = []
    for canon in spec.needed:
        if canon in out:
            continue
        names = spec.names(canon)
        for h, n in norm.items():
            if h in used or not n:
                continue
            score = max(difflib.SequenceMatcher(None, n, name).ratio() for name in names)
            if any(w in n for w in _HINTS.get(canon, ())):
                score = max(score, 0.8)
            if score >= 0.6:
                scored.append((score, canon, h))
    for _score, canon, h in sorted(scored, key=lambda t: -t[0]):
        if canon not in out and h not in used:
            out[canon] = (h, "guess")
            used.add(h)
    return out


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
