"""Hostile cases for the leadership export: nothing child-level leaves, every small number is suppressed.

Each case builds a small workbook from an extract it writes itself (every figure below is worked
out by hand from these rows), runs ``xladdin export`` in-process and checks: the exit code, that no
traceback was printed, the message, that nothing was written when the export refuses (no xlsx,
no PDF, no temporary file, in the output folder or in the temporary folder), and the scan on
anything that was written. The helpers are self-contained (this file depends on no conftest).

The phantom team stands for the real failure: a CSV whose unclosed quote merged the rows after
it into one team name, holding their IDs, dates of birth and worker names, printed in the
leadership xlsx. The parser is being fixed elsewhere; the export must refuse such a name on its
own, so the cases write it straight into the refreshed workbook's team table.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import openpyxl
import pytest

from xladdin import cli
from xladdin.report.scan import MAX_TABLE_TEXT, ChildLevel, check_package
from xladdin.workbook import areas
from xladdin.workbook.book import define_name
from xladdin.workbook.create import create_workbook
from xladdin.workbook.refresh import refresh

needs_pdf = pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice and poppler needed for the PDF",
)

HEADER = (
    "Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Does the Child have a Disability,"
    "Continuous Assessment Start Date,Child Seen During Continuous Assessment,"
    "Continuous Assessment Date of Authorisation,"
    "Was the child assessed as requiring LA children's social care support?,Allocated Team,Allocated Worker"
)
REF_HEADER = (
    "Child Unique ID,Gender,Ethnicity,Date of Birth,Age of Child (Years),Date of referral,Referral Source,"
    "Referral NFA?,Number of Referrals in Last 12 Months,Allocated Team,Allocated Worker"
)
# Start Thu 01/08/2024, authorised Mon 02/09/2024: 21 working days, in time either way.
IN_TIME = ("01/08/2024", "02/09/2024")
# Start Mon 22/07/2024, authorised Tue 24/09/2024: the 45th working day (26/08 is a bank holiday):
# in time by corrected counting, late by legacy counting (46).
DAY_45 = ("22/07/2024", "24/09/2024")
# Start Wed 01/05/2024, authorised Tue 10/09/2024: far past 45 working days.
LATE = ("01/05/2024", "10/09/2024")
# Open (no authorisation) since Thu 01/08/2024: overdue at the extract date 31/10/2024.
OPEN = ("01/08/2024", "")


def row(child: str, dates: tuple[str, str], team: str, worker: str, dob: str = "12/03/2015") -> str:
    start, authorised = dates
    return f"{child},a) Male,WBRI,{dob},9,b) No,{start},a) Yes,{authorised},a) Yes,{team},{worker}"


def standard_rows() -> list[str]:
    """Jigsaw 1: 8 completed, 7 in time; Family Help East 1: 10 completed, 8 in time (nothing small);
    two overdue open assessments, so the Open assessments sheet lists OPEN00001 (Nadia Jarrold) and
    OPEN00002 (Megan Carver); one unreadable date, listed on the Data quality sheet as 31/04/2024."""
    rows = [row(f"JIG{i:05d}", IN_TIME, "Jigsaw 1", "Hana Garside") for i in range(7)]
    rows.append(row("JIG00100", LATE, "Jigsaw 1", "Hana Garside"))
    rows += [row(f"FHE{i:05d}", IN_TIME, "Family Help East 1", "Tom Northam") for i in range(8)]
    rows += [row(f"FHE{i:05d}", LATE, "Family Help East 1", "Tom Northam") for i in (100, 101)]
    rows.append(row("OPEN00001", OPEN, "Jigsaw 1", "Nadia Jarrold", dob="04/11/2016"))
    rows.append(row("OPEN00002", OPEN, "Family Help East 1", "Megan Carver", dob="21/01/2012"))
    rows.append(row("BADDATE01", ("01/08/2024", "31/04/2024"), "Jigsaw 1", "Hana Garside"))
    return rows


def workbook(folder: Path, rows: list[str], referrals: list[str] | None = None, **settings: str) -> Path:
    """A refreshed performance workbook for September 2024 from ``rows`` (List 4 lines)."""
    folder.mkdir(parents=True, exist_ok=True)
    title = "Annex A List 4: Assessments - extracted 31/10/2024\n\n"
    (folder / "list4.csv").write_text(title + HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    values = {"month": "2024-09", "assessments": "list4.csv", **settings}
    if referrals is not None:
        title = "Annex A List 3: Referrals - extracted 31/10/2024\n\n"
        (folder / "list3.csv").write_text(
            title + REF_HEADER + "\n" + "\n".join(referrals) + "\n", encoding="utf-8"
        )
        values["referrals"] = "list3.csv"
    path = create_workbook(folder / "performance.xlsx", values)
    refresh(path)
    path.with_name("performance.bak.xlsx").unlink(missing_ok=True)
    return path


def edit(
    path: Path, *, commentary: dict[str, str] | None = None, team_name: tuple[str, str] | None = None
) -> None:
    """Type commentary into the workbook, or rename a team in the refreshed team table (a phantom)."""
    wb = openpyxl.load_workbook(path)
    for name, text in (commentary or {}).items():
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        wb[sheet][ref.replace("$", "")].value = text
    if team_name is not None:
        ws = wb["Team table"]
        old, new = team_name
        cell = next(c for r in ws.iter_rows(min_col=1, max_col=1) for c in r if c.value == old)
        cell.value = new
    wb.save(path)


def xladdin(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder the export (and LibreOffice's profile) use, to see nothing is left there."""
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def refuses(workbook_path: Path, tmp: Path, message: str, *extra: str, pdf: bool = False) -> str:
    """Run an export that must refuse: exit 2, one message, no traceback, nothing written anywhere."""
    out_dir = workbook_path.parent / "out"
    before = sorted(p.name for p in workbook_path.parent.iterdir())
    args = ["export", str(workbook_path), "--out", str(out_dir / "leadership.xlsx"), *extra]
    if pdf:
        args += ["--pdf", str(out_dir / "leadership.pdf")]
    code, out, err = xladdin(*args)
    assert code == 2, (out, err)
    assert "Traceback" not in err and "Exception ignored" not in err
    assert err.startswith("xladdin: ") and err.count("\n") == 1
    assert re.search(message, err), err
    assert err.rstrip().endswith("Nothing was written.")
    assert not out_dir.exists()
    assert sorted(p.name for p in workbook_path.parent.iterdir()) == before
    assert list(tmp.iterdir()) == []
    return err


def exports(workbook_path: Path, tmp: Path, *extra: str, pdf: bool = False) -> tuple[Path, Path | None, str]:
    """Run an export that must succeed, then scan what was written; returns (xlsx, pdf, stderr)."""
    out = workbook_path.parent / "out" / "leadership.xlsx"
    args = ["export", str(workbook_path), "--out", str(out), *extra]
    if pdf:
        args += ["--pdf", str(out.with_suffix(".pdf"))]
    code, stdout, err = xladdin(*args)
    assert code == 0, err
    assert "Traceback" not in err
    assert f"Leadership export: {out}" in stdout
    assert list(tmp.iterdir()) == []
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(
        ["leadership.xlsx"] + (["leadership.pdf"] if pdf else [])
    )
    scan_written(workbook_path, out, out.with_suffix(".pdf") if pdf else None)
    return out, out.with_suffix(".pdf") if pdf else None, err


def extract_secrets(folder: Path) -> set[str]:
    """Every child ID, worker name and date of birth in the extracts the workbook was built from."""
    found = set()
    for name in ("list4.csv", "list3.csv"):
        if (folder / name).exists():
            for line in (folder / name).read_text(encoding="utf-8").splitlines()[3:]:
                fields = line.split(",")
                found.update(v for v in (fields[0], fields[3], fields[-1]) if v)
    return found


def scan_written(workbook_path: Path, xlsx: Path, pdf: Path | None) -> None:
    """The written package passes the export's own check, and holds none of the extracts' IDs,
    dates of birth or worker names in any part (nor in the PDF's text)."""
    child = ChildLevel.from_workbook(openpyxl.load_workbook(workbook_path))
    check_package(xlsx.read_bytes(), xlsx.name, child, set())
    secrets = extract_secrets(workbook_path.parent)
    assert len(secrets) >= 3
    with zipfile.ZipFile(xlsx) as z:
        text = "\n".join(
            z.read(n).decode("utf-8", "replace") for n in z.namelist() if not n.startswith("xl/media")
        )
    assert not {s for s in secrets if s in text}
    if pdf is not None:
        assert not {s for s in secrets if s in pdf_text(pdf)}


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def values(xlsx: Path) -> list[object]:
    return [
        c.value
        for r in openpyxl.load_workbook(xlsx)["Spotlight"].iter_rows()
        for c in r
        if c.value is not None
    ]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return workbook(tmp_path_factory.mktemp("hostile-export") / "base", standard_rows())


def copy_of(base: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "wb"
    shutil.copytree(base.parent, folder)
    return folder / base.name


# --- the leak scan ------------------------------------------------------------------------------

PHANTOM = (
    "Jigsaw 1\nOPEN00002,b) Female,WBRI,21/01/2012,12,b) No,01/08/2024,a) Yes,,a) Yes,Family Help East 1,"
    "Megan Carver\nSWALLOW01,a) Male,WBRI,30/06/2019,5,b) No,05/07/2024,a) Yes,03/09/2024,a) Yes,Jigsaw 1,Zed Quill"
)


def test_phantom_team_of_merged_rows_is_refused_naming_the_cell(
    base: Path, tmp_path: Path, private_tmp: Path
) -> None:
    path = copy_of(base, tmp_path)
    edit(path, team_name=("Jigsaw 1", PHANTOM))
    err = refuses(
        path,
        private_tmp,
        r"Spotlight!A\d+ is a table cell \(a team name\) holding 2\d\d characters",
        pdf=True,
    )
    assert "OPEN00002" not in err and "Megan" not in err  # the message names the cell, never the value


def test_short_phantom_team_holding_an_id_and_a_worker_is_refused(
    base: Path, tmp_path: Path, private_tmp: Path
) -> None:
    path = copy_of(base, tmp_path)
    edit(path, team_name=("Jigsaw 1", "Jigsaw 1 OPEN00001 Nadia Jarrold"))
    refuses(
        path,
        private_tmp,
        r"Spotlight!A\d+ holds a value from the child-level sheet 'Open assessments' "
        r"\(cell A\d+, column 'Child ID'\)",
    )


def test_team_name_over_lines_is_refused_even_with_unknown_values(
    base: Path, tmp_path: Path, private_tmp: Path
) -> None:
    # The swallowed rows are nowhere else in the workbook: only the shape gives them away.
    path = copy_of(base, tmp_path)
    edit(path, team_name=("Jigsaw 1", "Jigsaw 1\nSWALLOW01 Zed Quill"))
    refuses(path, private_tmp, r"Spotlight!A\d+ is a table cell \(a team name\) holding a line break")


def test_the_text_limit_is_80_characters(base: Path, tmp_path: Path, private_tmp: Path) -> None:
    long_name = "Children with Disabilities Team - North Locality (Short Breaks and Respite) Hub"
    assert len(long_name) == 79 and MAX_TABLE_TEXT == 80
    path = copy_of(base, tmp_path)
    edit(path, team_name=("Jigsaw 1", long_name + "s"))  # 80: a real, if long, team name
    xlsx, _, _ = exports(path, private_tmp)
    assert long_name + "s" in values(xlsx)
    edit(path, team_name=(long_name + "s", long_name + "s!"))  # 81
    shutil.rmtree(path.parent / "out")
    refuses(path, private_tmp, r"Spotlight!A\d+ is a table cell \(a team name\) holding 81 characters")


def test_a_child_id_planted_in_commentary_is_refused_and_no_pdf_is_written(
    base: Path, tmp_path: Path, private_tmp: Path
) -> None:
    path = copy_of(base, tmp_path)
    edit(path, commentary={"com_assessment": "Panel discussed the case of open00001 on Tuesday."})
    refuses(
        path,
        private_tmp,
        r"Spotlight!A\d+ holds a value from the child-level sheet 'Open assessments' \(cell A\d+, "
        r"column 'Child ID'\): child-level data must not leave .* take it out of the Commentary sheet",
        pdf=True,
    )


def test_a_worker_name_in_the_summary_sentence_is_refused(
    base: Path, tmp_path: Path, private_tmp: Path
) -> None:
    path = copy_of(base, tmp_path)
    edit(path, commentary={"com_summary": "Timeliness fell while Megan\u00a0Carver was on leave."})
    refuses(
        path, private_tmp, r"Spotlight!A\d+ holds a value .*'Open assessments' \(cell C\d+, column 'Worker'\)"
    )


def test_a_value_from_the_data_quality_list_is_refused(base: Path, tmp_path: Path, private_tmp: Path) -> None:
    path = copy_of(base, tmp_path)
    edit(path, commentary={"com_action_plan": "Correct the authorisation typed as 31/04/2024."})
    refuses(
        path,
        private_tmp,
        r"holds a value from the child-level sheet 'Data quality' \(cell D\d+, column 'Value'\)",
    )


def test_a_child_id_in_the_page_header_is_refused_naming_the_header(
    tmp_path: Path, private_tmp: Path
) -> None:
    # The protective marking is printed only in the page header and footer, not in a cell, right
    # after Excel's codes for the section, font and colour ("&L&\"Calibri,Bold\"&9&K9C0006OPEN00001").
    path = workbook(tmp_path / "wb", standard_rows(), marking="OPEN00001")
    refuses(path, private_tmp, r"the page header or footer \(xl/worksheets/sheet1.xml\) holds a value from")


def test_a_new_child_level_sheet_is_scanned_because_of_its_flag(
    base: Path, tmp_path: Path, private_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A detail sheet added later (flagged child_level=True) is covered without touching the export,
    # its dates of birth included (a date cell, in a column whose header says "birth").
    import datetime as dt

    path = copy_of(base, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("Detail")
    ws.append([])
    ws.append([])
    ws.append([])
    ws.append(["Child ID", "Team", "Date of Birth"])
    ws.append(["NEW000001", "Jigsaw 1", dt.datetime(2015, 3, 12)])
    define_name(wb, "xl_test_detail", "Detail", "$A$4:$C$5")
    wb.save(path)
    monkeypatch.setitem(areas.AREAS, "xl_test_detail", areas.Area("Detail", "A4", 3, child_level=True))
    edit(path, commentary={"com_assessment": "One child (born 2015-03-12) waited longest."})
    refuses(path, private_tmp, r"'Detail' \(cell C5, column 'Date of Birth'\)")


def test_team_names_codes_and_dates_in_commentary_are_not_refused(
    base: Path, tmp_path: Path, private_tmp: Path
) -> None:
    # The false-positive control: words the export rightly prints are not child-level values.
    path = copy_of(base, tmp_path)
    text = (
        "Jigsaw 1 and Family Help East 1 each have assessments overdue; data as at 31/10/2024. "
        "CIN rule 8608 found one date to correct."
    )
    edit(path, commentary={"com_assessment": text})
    xlsx, _, _ = exports(path, private_tmp)
    assert text in values(xlsx)


# --- suppression ---------------------------------------------------------------------------------


def small_month_rows() -> list[str]:
    """September: Jigsaw 1 only, 4 completed, 3 in time (75.0%); nothing else in the trend."""
    rows = [row(f"SMALL{i:04d}", IN_TIME, "Jigsaw 1", "Nadia Jarrold") for i in range(3)]
    rows.append(row("SMALL0003", LATE, "Jigsaw 1", "Megan Carver"))
    return rows


@needs_pdf
def test_a_month_of_4_shows_no_3_no_4_and_no_rate(tmp_path: Path, private_tmp: Path) -> None:
    path = workbook(tmp_path / "wb", small_month_rows())
    xlsx, pdf, err = exports(path, private_tmp, "--suppress", pdf=True)
    assert pdf is not None and err.count("warning") == 3  # the three empty commentary sections
    ws = openpyxl.load_workbook(xlsx)["Spotlight"]
    contents = {r for r in range(1, 40) if ws.cell(row=r, column=1).value == "Contents"}
    page_numbers = {(r, 8) for r in range(min(contents), min(contents) + 8)}
    numbers = [
        (c.row, c.column, c.value)
        for r in ws.iter_rows()
        for c in r
        if isinstance(c.value, (int, float)) and (c.row, c.column) not in page_numbers and c.column <= 8
    ]
    # The only numbers left: the target (0.81) and the trend's empty months (0 completed, 0 in time).
    assert {v for _r, _c, v in numbers} <= {0, 0.81}
    texts = [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
    for text in texts:
        assert not re.search(r"\b[34] of\b|\bof [34]\b|75(\.0)?%", text), text
    assert "In September 2024, fewer than 6 assessments were completed, so their figures show as c." in texts
    assert not {"Red", "Amber", "Green"} & set(texts)  # a RAG would tell the band of the rate
    first = next(r for r in range(1, 200) if ws.cell(row=r, column=1).value == "Jigsaw 1")
    assert [ws.cell(row=first, column=c).value for c in range(2, 6)] == ["c", "c", "c", "c"]
    assert [ws.cell(row=first + 1, column=c).value for c in range(1, 6)] == ["Total", "c", "c", "c", "c"]
    bar, line = ws._charts
    assert len(bar.series) == 2 and len(line.series) == 3  # the "c" bar and the "c" month marker
    text = pdf_text(pdf)
    assert not re.search(r"(?<!Page )\b[34] of [34]\b|75(\.0)?\s?%|0\.75", text)
    assert text.count("c = fewer than 6, not shown") >= 4  # cover, table, chart, trend chart, trend table
    for bad in ("#NAME?", "Err:", "#VALUE!", "[Write"):
        assert bad not in text


def test_without_suppression_the_same_month_shows_its_figures(tmp_path: Path, private_tmp: Path) -> None:
    # The control: the 3, the 4 and 75.0% are there when suppression is off.
    path = workbook(tmp_path / "wb", small_month_rows())
    xlsx, _, _ = exports(path, private_tmp, "--no-suppress")
    texts = [v for v in values(xlsx) if isinstance(v, str)]
    assert any("75.0% of assessments (3 of 4)" in t for t in texts)
    assert 0.75 in values(xlsx)


def test_the_default_follows_the_protective_marking(tmp_path: Path, private_tmp: Path) -> None:
    # auto: an OFFICIAL-SENSITIVE pack stays inside leadership and shows its counts; OFFICIAL may
    # travel further, so it is suppressed.
    internal = workbook(tmp_path / "internal", small_month_rows())
    xlsx, _, _ = exports(internal, private_tmp)
    assert "c" not in values(xlsx)
    public = workbook(tmp_path / "public", small_month_rows(), marking="OFFICIAL")
    code, out, err = xladdin("export", str(public), "--out", str(tmp_path / "public.xlsx"))
    assert code == 0 and "Traceback" not in err
    assert "Small-number suppression: 11 cell(s) shown as 'c'." in out
    assert 0.75 not in values(tmp_path / "public.xlsx")


def test_in_time_small_but_completed_not(tmp_path: Path, private_tmp: Path) -> None:
    # 8 completed, 2 in time: the 8 may show, the 2 and 25.0% may not.
    rows = [row(f"MIX{i:05d}", IN_TIME, "Jigsaw 1", "Hana Garside") for i in range(2)]
    rows += [row(f"MIX{i:05d}", LATE, "Jigsaw 1", "Hana Garside") for i in range(2, 8)]
    path = workbook(tmp_path / "wb", rows)
    xlsx, _, _ = exports(path, private_tmp, "--suppress")
    texts = [v for v in values(xlsx) if isinstance(v, str)]
    sentence = (
        "In September 2024, 8 assessments were completed, fewer than 6 of them within 45 working days, "
        "so the rate shows as c."
    )
    assert texts.count(sentence) == 2  # the cover and the assessment page
    assert not any(re.search(r"25(\.0)?%|\b2 of 8\b", t) for t in texts)
    assert 0.25 not in values(xlsx)


def test_a_small_legacy_count_is_suppressed_in_the_sentence_and_the_note(
    tmp_path: Path, private_tmp: Path
) -> None:
    # 10 completed: 5 ordinary, 4 on the 45th working day, 1 late. Corrected 9 of 10 (90.0%);
    # legacy 5 of 10 (50.0%): the 5 and its 50.0% are suppressed, the 9 and 90.0% are not.
    rows = [row(f"LEG{i:05d}", IN_TIME, "Jigsaw 1", "Hana Garside") for i in range(5)]
    rows += [row(f"LEG{i:05d}", DAY_45, "Jigsaw 1", "Hana Garside") for i in range(5, 9)]
    rows.append(row("LEG00009", LATE, "Jigsaw 1", "Hana Garside"))
    path = workbook(tmp_path / "wb", rows)
    xlsx, _, _ = exports(path, private_tmp, "--suppress")
    texts = [v for v in values(xlsx) if isinstance(v, str)]
    summary = "In September 2024, 90.0% of assessments (9 of 10) were completed within 45 working days, at or above the 81% target."
    assert texts.count(summary) == 2
    note = next(t for t in texts if t.startswith("Target 81%."))
    assert "Total by corrected counting: 9 of 10 (90.0%)" in note
    assert "completion on the final day late: c of 10 (c)." in note and "c = fewer than 6, not shown" in note
    assert not any("50.0%" in t or "5 of 10" in t for t in texts)


def test_small_re_referral_counts_are_suppressed_in_the_sentence_and_at_a_glance(
    tmp_path: Path, private_tmp: Path
) -> None:
    # 9 referrals in September; two children referred twice in it, so 2 re-referrals (22.2%):
    # "c of 9 referrals (c)". One referral in August 2023 makes the extract reach back 12 months,
    # so the dates decide; the column agrees (1 for the children referred twice, else 0).
    children = ["REF00000", "REF00001", "REF00000", "REF00001", "REF00002", "REF00003", "REF00004"]
    children += ["REF00005", "REF00006"]
    days = [2, 3, 16, 17, 4, 5, 6, 9, 10]
    refs = ["OLD00001,a) Male,WBRI,12/03/2015,8,01/08/2023,q) 6: Police,b) No,0,Jigsaw 1,Hana Garside"]
    refs += [
        f"{child},a) Male,WBRI,12/03/2015,9,{day:02d}/09/2024,q) 6: Police,b) No,"
        f"{1 if child in ('REF00000', 'REF00001') else 0},Jigsaw 1,Hana Garside"
        for child, day in zip(children, days)
    ]
    path = workbook(tmp_path / "wb", standard_rows(), referrals=refs)
    xlsx, _, _ = exports(path, private_tmp, "--suppress")
    texts = [v for v in values(xlsx) if isinstance(v, str)]
    assert any(t.startswith("In September 2024, c of 9 referrals (c) were re-referrals") for t in texts)
    ws = openpyxl.load_workbook(xlsx)["Spotlight"]
    glance = next(
        r
        for r in range(1, 60)
        if ws.cell(row=r, column=1).value == "Re-referrals within 12 months (% of referrals)"
    )
    assert ws.cell(row=glance, column=5).value == "c"
    assert not any("22.2%" in t or "2 of 9" in t for t in texts)


def test_the_officers_own_small_count_is_warned_about(base: Path, tmp_path: Path, private_tmp: Path) -> None:
    path = copy_of(base, tmp_path)
    edit(path, commentary={"com_summary": "Only 3 of 4 late assessments were in one team."})
    _, _, err = exports(path, private_tmp, "--suppress")
    assert (
        "xladdin: warning: Commentary sheet, 'Summary sentence': says '3 of 4' while small numbers are "
        "suppressed (counts of 1 to 5 show as c): check it does not give away a suppressed figure." in err
    )


@needs_pdf
def test_empty_and_placeholder_commentary_warn_and_never_print(
    base: Path, tmp_path: Path, private_tmp: Path
) -> None:
    path = copy_of(base, tmp_path)
    edit(
        path,
        commentary={
            "com_action_plan": "[Write the action plan on the Commentary sheet.]",
            "com_assessment": "Timeliness is improving.\n[Add the October figure here]",
        },
    )
    _, pdf, err = exports(path, private_tmp, pdf=True)
    warnings = [line for line in err.splitlines() if line.startswith("xladdin: warning: ")]
    assert warnings == [
        "xladdin: warning: Commentary sheet, 'Re-referrals audit summary': empty. The section "
        "'Re-referrals audit summary' is left out of the export: write it there and export again.",
        "xladdin: warning: Commentary sheet, 'Re-referrals action plan': still holds placeholder text in "
        "[brackets], which is not printed. The section 'Re-referrals action plan' is left out of the "
        "export: write it there and export again.",
        "xladdin: warning: Commentary sheet, 'Assessment commentary and remedial action': still holds "
        "placeholder text in [brackets], which is not printed. Check the rest reads well.",
    ]
    assert pdf is not None
    text = pdf_text(pdf)
    assert "[" not in text and "Write the" not in text and "Add the October" not in text
    assert "Timeliness is improving." in text and "Re-referrals action plan" not in text
