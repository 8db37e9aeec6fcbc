"""The Spotlight sheet: the seed's structure, RAG fills, charts, print set-up, and a restylable template."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import range_boundaries
from test_workbook import SEED_LEGACY, demo_workbook

from xladdin.errors import WorkbookError
from xladdin.report.spotlight import SHEET, write_spotlight
from xladdin.report.template import default_template
from xladdin.workbook.book import read_area
from xladdin.workbook.create import create_workbook
from xladdin.workbook.refresh import refresh

SECTIONS = [
    "Re-referrals audit summary",
    "Re-referrals action plan",
    "Assessment data for September 2024",
    "Assessment timeliness by team",
    "Assessment timeliness over the last 13 months",
    "Assessment commentary and remedial action",
]

COMMENTARY = {
    "com_audit": "In August & September 2024, managers audited children re-referred within 12 months.\n"
    "- Working with perpetrators and survivors of domestic abuse.",
    "com_action_plan": "Domestic Abuse\n- Staff training needs analysis by the Workforce Academy",
    "com_assessment": "In October, the data shows an improvement to 84% of assessments completed within 45 days.",
}


def set_commentary(path: Path, texts: dict[str, str]) -> None:
    wb = openpyxl.load_workbook(path)
    for name, text in texts.items():
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        wb[sheet][ref.replace("$", "")].value = text
    wb.save(path)


def spotlight_workbook(folder: Path, **settings: str) -> Path:
    path = demo_workbook(folder, **settings)
    set_commentary(path, COMMENTARY)
    refresh(path)
    write_spotlight(path)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return spotlight_workbook(tmp_path_factory.mktemp("spot"))


def cells(ws) -> dict[str, object]:
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def area(wb, name: str) -> tuple[int, int]:
    _c1, r1, _c2, r2 = range_boundaries(next(iter(wb.defined_names[name].destinations))[1].replace("$", ""))
    return r1, r2


def test_structure_follows_the_seed(built: Path) -> None:
    wb = openpyxl.load_workbook(built)
    assert wb.sheetnames[0] == SHEET and SHEET in wb.sheetnames
    ws = wb[SHEET]
    texts = [v for v in cells(ws).values() if isinstance(v, str)]
    assert "Performance Spotlight Report" in texts and "September 2024" in texts and "Contents" in texts
    # Each section heading, in the seed's order, after the contents.
    positions = [max(i for i, t in enumerate(texts) if t == s) for s in SECTIONS]
    assert positions == sorted(positions)
    # The contents give each section's page; every section starts a page.
    contents = {
        ws.cell(row=r, column=1).value: ws.cell(row=r, column=8).value
        for r in range(1, 40)
        if isinstance(ws.cell(row=r, column=8).value, int)
    }
    assert [contents[s] for s in SECTIONS] == [2, 3, 4, 5, 6, 7]
    assert len(ws.row_breaks.brk) == 6
    # The summary sentence (generated, as the officer wrote none) and the officer's commentary.
    sentence = (
        "In September 2024, 76.0% of assessments (114 of 150) were completed within 45 working days, "
        "below the 81% target; the legacy count gave 66.7%."
    )
    assert texts.count(sentence) == 2  # title page and assessment data
    assert "•  Staff training needs analysis by the Workforce Academy" in texts
    assert COMMENTARY["com_assessment"] in texts
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_team_table_with_rag_fills_and_legacy_beside(built: Path) -> None:
    wb = openpyxl.load_workbook(built)
    ws = wb[SHEET]
    first, last = area(wb, "spot_team_table")
    header = [ws.cell(row=first - 1, column=c).value for c in range(1, 9)]
    assert header == [
        "Team/Locality",
        "Denominator",
        "Numerator",
        "%",
        "RAG",
        "Legacy numerator",
        "Legacy %",
        "Change since last month",
    ]
    rows = [[ws.cell(row=r, column=c).value for c in range(1, 9)] for r in range(first, last + 1)]
    assert rows[-1][:7] == ["Total", 150, 114, 0.76, "Amber", 100, pytest.approx(2 / 3)]
    source = read_area(wb, "xl_team_table")[1:]
    assert [r[0] for r in rows] == [r[0] for r in source]
    red = PatternFill("solid", start_color="FFC7CE").start_color.rgb
    for r, row in enumerate(rows, start=first):
        fill = ws.cell(row=r, column=4).fill.start_color.rgb
        assert (fill == red) == (row[4] == "Red"), row
        assert ws.cell(row=r, column=4).number_format == "0.0%"
    # The whole table is on one page: no page break inside it.
    assert not [b.id for b in ws.row_breaks.brk if first - 1 <= b.id < last]


def test_legacy_counting_spotlight_shows_the_seed_table(tmp_path: Path) -> None:
    path = spotlight_workbook(tmp_path, counting="legacy")
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    first, last = area(wb, "spot_team_table")
    rows = [tuple(ws.cell(row=r, column=c).value for c in (1, 2, 3)) for r in range(first, last + 1)]
    assert rows == SEED_LEGACY
    assert ws.cell(row=first - 1, column=6).value == "Corrected numerator"
    assert ws.cell(row=last, column=6).value == 114


def test_charts_by_team_and_trend_against_target(built: Path) -> None:
    wb = openpyxl.load_workbook(built)
    ws = wb[SHEET]
    bar, line = ws._charts
    first, last = area(wb, "spot_team_table")
    assert bar.series[0].val.numRef.f == f"'Spotlight'!$D${first}:$D${last - 1}"  # teams, not the Total
    assert bar.type == "bar"
    t1, t2 = area(wb, "spot_trend")
    assert [s.val.numRef.f for s in line.series] == [
        f"'Spotlight'!$D${t1}:$D${t2}",
        f"'Spotlight'!$E${t1}:$E${t2}",
    ]
    assert t2 - t1 + 1 == 13


def test_print_ready(built: Path) -> None:
    ws = openpyxl.load_workbook(built)[SHEET]
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$1"
    assert ws.oddHeader.left.text == "OFFICIAL-SENSITIVE"
    assert ws.oddFooter.center.text == "OFFICIAL-SENSITIVE"
    assert ws.oddFooter.right.text == "Page &P of &N"
    for row in ws.iter_rows():
        for c in row:
            if c.has_style and c.value is not None:
                assert c.font.name == "Calibri", c.coordinate


def test_the_officers_summary_sentence_wins_and_is_not_overwritten(tmp_path: Path) -> None:
    path = spotlight_workbook(tmp_path)
    mine = "September dipped to 76%; assurance clinics are under way with every team."
    set_commentary(path, {"com_summary": mine})
    write_spotlight(path)
    wb = openpyxl.load_workbook(path)
    texts = [v for v in cells(wb[SHEET]).values() if isinstance(v, str)]
    assert texts.count(mine) == 2 and not any(t.startswith("In September 2024, 76.0%") for t in texts)
    assert wb["Commentary"]["B4"].value == mine


def test_a_restyled_template_changes_the_output(tmp_path: Path) -> None:
    template = tmp_path / "ours.xlsx"
    shutil.copy(default_template(), template)
    t = openpyxl.load_workbook(template)
    rows = {t["Styles"].cell(row=r, column=1).value: r for r in range(2, t["Styles"].max_row + 1)}
    t["Styles"].cell(row=rows["council"], column=2).value = "Borsetshire County Council"
    t["Styles"].cell(row=rows["title"], column=2).font = Font(
        name="Arial", size=30, bold=True, color="FF0000"
    )
    t["Styles"].cell(row=rows["table_header"], column=2).fill = PatternFill("solid", start_color="00B050")
    t["Page"].oddHeader.left.text = "{marking} - DRAFT"
    t["Page"].column_dimensions["A"].width = 36
    t.save(template)
    path = demo_workbook(tmp_path)
    refresh(path)
    write_spotlight(path, template=template)
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    assert ws["A1"].value == "Borsetshire County Council"
    title = next(c for row in ws.iter_rows() for c in row if c.value == "Performance Spotlight Report")
    assert (title.font.name, title.font.sz, title.font.color.rgb) == ("Arial", 30, "00FF0000")
    first, _ = area(wb, "spot_team_table")
    assert ws.cell(row=first - 1, column=1).fill.start_color.rgb == "0000B050"
    assert ws.oddHeader.left.text == "OFFICIAL-SENSITIVE - DRAFT"
    assert ws.column_dimensions["A"].width == 36


def test_spotlight_needs_a_refresh_for_that_month(tmp_path: Path, built: Path) -> None:
    with pytest.raises(
        WorkbookError, match=r"has not been refreshed yet: run `xladdin refresh WORKBOOK` first"
    ):
        write_spotlight(create_workbook(tmp_path / "new.xlsx"))
    copy = tmp_path / "copy.xlsx"
    shutil.copy(built, copy)
    with pytest.raises(
        WorkbookError,
        match=r"refreshed for September 2024, not October 2024: run "
        r"`xladdin refresh WORKBOOK --month 2024-10` first",
    ):
        write_spotlight(copy, month="2024-10")
    with pytest.raises(WorkbookError, match=r"Spotlight template .*nope.xlsx does not exist"):
        write_spotlight(copy, template=tmp_path / "nope.xlsx")


def test_the_packaged_template_is_the_committed_one() -> None:
    repo = Path(__file__).resolve().parents[1]
    assert (repo / "templates" / "spotlight.xlsx").read_bytes() == (
        repo / "xladdin" / "data" / "templates" / "spotlight.xlsx"
    ).read_bytes()


def media(path: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.startswith("xl/media/")]


def test_the_template_logo_goes_on_the_cover(built: Path, tmp_path: Path) -> None:
    pytest.importorskip("PIL", reason="openpyxl reads pictures only with Pillow")
    assert len(media(built)) == 1
    ws = openpyxl.load_workbook(built)[SHEET]
    (logo,) = ws._images
    assert (logo.anchor._from.col, logo.anchor._from.row) == (6, 1)  # G2, zero-based
    # A template whose logo was deleted gives a spotlight without one.
    template = tmp_path / "nologo.xlsx"
    t = openpyxl.load_workbook(default_template())
    t["Page"]._images = []
    t.save(template)
    copy = tmp_path / "copy.xlsx"
    shutil.copy(built, copy)
    write_spotlight(copy, template=template)
    assert media(copy) == []


def test_settings_name_the_council_department_title_and_subtitle(tmp_path: Path) -> None:
    path = spotlight_workbook(
        tmp_path,
        council="Borsetshire County Council",
        department="Children's Services",
        title="Children's Services Performance",
        subtitle="Assessments and re-referrals",
    )
    ws = openpyxl.load_workbook(path)[SHEET]
    assert ws["A1"].value == "Borsetshire County Council  |  Children's Services"
    texts = [v for v in cells(ws).values() if isinstance(v, str)]
    assert "Children's Services Performance" in texts and "Assessments and re-referrals" in texts
    assert not [t for t in texts if "Anytown" in t or t == "Performance Spotlight Report"]
    assert ws.oddHeader.right.text == "Borsetshire County Council  |  Children's Services"
    assert ws.oddFooter.left.text == "Children's Services Performance: September 2024"
    # Only the council given: the template's department stays ("&" doubled in a header: "&&").
    wb = openpyxl.load_workbook(path)
    wb["Settings"]["B" + str(_settings_row(wb, "set_department"))].value = None
    wb.save(path)
    write_spotlight(path)
    ws = openpyxl.load_workbook(path)[SHEET]
    assert ws["A1"].value == "Borsetshire County Council  |  Children & Learning"
    assert ws.oddHeader.right.text == "Borsetshire County Council  |  Children && Learning"


def _settings_row(wb, name: str) -> int:
    return int(next(iter(wb.defined_names[name].destinations))[1].split("$")[-1])


def logo_png(colour: str) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (300, 100), colour).save(out, format="PNG")
    return out.getvalue()


def test_a_swapped_logo_reaches_the_spotlight_and_the_export(tmp_path: Path) -> None:
    """The README's steps: delete the picture on the template's Page sheet, insert yours, save the
    copy beside the workbook and name it in Settings ('Spotlight template')."""
    pytest.importorskip("PIL", reason="openpyxl reads pictures only with Pillow")
    import zipfile
    from io import BytesIO

    from openpyxl.drawing.image import Image

    from xladdin.report.beside import leadership_beside
    from xladdin.report.export import export_for_leadership

    ours = logo_png("#7030A0")
    with zipfile.ZipFile(default_template()) as z:
        (anytown,) = [z.read(n) for n in z.namelist() if n.startswith("xl/media/")]
    assert ours != anytown
    template = tmp_path / "our-template.xlsx"
    t = openpyxl.load_workbook(default_template())
    t["Page"]._images = []
    picture = Image(BytesIO(ours))
    picture.anchor = "G2"
    t["Page"].add_image(picture)
    t.save(template)
    path = spotlight_workbook(tmp_path, template="our-template.xlsx", council="Borsetshire County Council")

    def logos(xlsx: Path) -> list[bytes]:
        with zipfile.ZipFile(xlsx) as z:
            return [z.read(n) for n in z.namelist() if n.startswith("xl/media/")]

    assert logos(path) == [ours]
    export = export_for_leadership(path, tmp_path / "leadership.xlsx")
    assert logos(export.xlsx) == [ours]
    assert export.warnings == []  # the council's own logo: no warning about the placeholder one
    # The ribbon's Export works on a copy in a temporary folder: the relative path still resolves.
    beside = leadership_beside(path)
    assert logos(beside.xlsx) == [ours]
    # With the built-in template, a council name but the ANYTOWN logo: the export says so.
    (tmp_path / "our-template.xlsx").rename(tmp_path / "moved.xlsx")
    with pytest.raises(WorkbookError, match=r"Spotlight template .*our-template.xlsx does not exist"):
        write_spotlight(path)
    wb = openpyxl.load_workbook(path)
    wb["Settings"]["B" + str(_settings_row(wb, "set_template"))].value = None
    wb.save(path)
    warned = export_for_leadership(path, tmp_path / "again.xlsx").warnings
    assert warned == [
        "The council name is 'Borsetshire County Council' but the logo is the built-in template's "
        "placeholder: put your logo on a copy of the template (README, 'Your council's look') and "
        "name it on the Settings sheet, 'Spotlight template'."
    ]


def test_the_template_ships_in_the_package_and_is_found_without_the_source_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tomllib

    from xladdin.report import template as template_module

    repo = Path(__file__).resolve().parents[1]
    data = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["xladdin"]
    assert any(
        list((repo / "xladdin").glob(p)) == [repo / "xladdin/data/templates/spotlight.xlsx"] for p in patterns
    )
    # An installed package: site-packages/xladdin/..., no templates/ folder beside it.
    site = tmp_path / "site-packages"
    packaged = site / "xladdin" / "data" / "templates" / "spotlight.xlsx"
    packaged.parent.mkdir(parents=True)
    shutil.copy(repo / "xladdin" / "data" / "templates" / "spotlight.xlsx", packaged)
    monkeypatch.setattr(template_module, "__file__", str(site / "xladdin" / "report" / "template.py"))
    assert default_template() == packaged
    packaged.unlink()
    with pytest.raises(WorkbookError, match=r"shipped with xladdin .* is missing: .*--template FILE"):
        default_template()
