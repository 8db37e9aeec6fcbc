"""Files that are not what they seem: encodings, web pages saved as .xls, junk, folders, locked
files, huge cells, lines and headers. Each is read, or refused with exit 2 and one message that
names the file and says what to do; never a traceback (issue 10 item 4)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from annex_shapes import H4, SEPT, TITLE4, base_lines, base_rows, csv_lines, list4_csv, write_xlsx


def figures(data: dict) -> dict[str, tuple[int, int]]:
    return {r["team"]: (r["completed"], r["in_time"]) for r in data["table"]}


def sept(xladdin, expect, accounted, path, code=0, *words):
    run = expect(xladdin("timeliness", path, "--month", "2024-09", "--format", "json"), code, *words)
    return accounted(run) if code == 0 else run


def test_windows_1252_team_names(tmp_path, xladdin, expect, accounted):
    lines = [ln.replace("Team A", "\u00c9quipe A") for ln in base_lines()]
    data = sept(xladdin, expect, accounted, list4_csv(tmp_path / "list4.csv", lines, encoding="cp1252"))
    assert figures(data)["\u00c9quipe A"] == (2, 1)


def test_excel_unicode_text_utf16_tab_separated(tmp_path, xladdin, expect, accounted):
    """Excel's "Unicode Text": UTF-16 with a BOM, tabs. Before: "a binary file, not text"."""
    path = list4_csv(
        tmp_path / "list4.txt", base_lines("\t"), delimiter="\t", encoding="utf-16", newline="\r\n"
    )
    data = sept(xladdin, expect, accounted, path)
    assert figures(data) == SEPT


def test_utf16_without_a_bom(tmp_path, xladdin, expect, accounted):
    path = list4_csv(tmp_path / "list4.csv", encoding="utf-16-le")
    assert figures(sept(xladdin, expect, accounted, path)) == SEPT


def test_utf8_with_a_bom_and_a_cp1252_byte_far_down(tmp_path, xladdin, expect, accounted):
    lines = base_lines() + [base_lines()[5].replace("C6", f"C{n}") for n in range(7, 3000)]
    lines[-1] = lines[-1].replace("Worker 5", "Worker \xe9")
    text = ("\ufeff" + "\n".join([TITLE4, "", ",".join(H4), *lines]) + "\n").encode("utf-8")
    text = text.replace("Worker \xe9".encode(), b"Worker \xe9")  # one Windows-1252 byte at the end
    path = tmp_path / "list4.csv"
    path.write_bytes(text)
    data = sept(xladdin, expect, accounted, path)
    assert figures(data) == SEPT and data["rows"] == 2999


def test_html_table_saved_as_xls_is_read(tmp_path, xladdin, expect, accounted):
    """Case systems' "export to Excel": an HTML table named .xls. Before: "no header row found"."""
    cells = "".join(f"<th>{h}</th>" for h in H4)
    body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in base_rows())
    html = f"<html><body><table><tr><td colspan=12>{TITLE4}</td></tr><tr>{cells}</tr>{body}</table></body></html>"
    path = tmp_path / "list4.xls"
    path.write_text(html, encoding="utf-8")
    run = xladdin("timeliness", path, "--month", "2024-09", "--format", "csv")
    expect(run, 0, "web page (HTML)")
    assert run.stdout.splitlines()[-1] == "Total,5,3,60.0"


def test_excel_2003_xml_saved_as_xls_says_what_it_is(tmp_path, xladdin, expect):
    path = tmp_path / "list4.xls"
    path.write_text(
        '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
        "<Worksheet ss:Name='List 4'><Table><Row><Cell><Data ss:Type='String'>Child Unique ID</Data></Cell>"
        "</Row></Table></Worksheet></Workbook>"
    )
    sept(xladdin, expect, None, path, 2, "list4.xls", "Excel 2003 XML", "Save As")


def test_mhtml_single_file_web_page(tmp_path, xladdin, expect):
    path = tmp_path / "list4.xls"
    path.write_text('MIME-Version: 1.0\nContent-Type: multipart/related; boundary="x"\n\n--x\n')
    sept(xladdin, expect, None, path, 2, "single-file web page")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x00\x01\x02junk" * 100, ["binary file"]),
        (b"%PDF-1.7\n%\xe2\xe3", ["is a PDF"]),
        (b"PK\x03\x04 not really a zip", ["cannot be opened as a spreadsheet"]),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ["cannot be opened as a spreadsheet"]),
        (b"", ["empty (0 bytes)"]),
        (b"\n\n  \n", ["empty"]),
        (b"just some words\nand more words\n", ["no header row found"]),
    ],
    ids=["binary", "pdf", "fake-zip", "fake-ole2-encrypted", "zero-bytes", "blank-lines", "prose"],
)
def test_junk_is_exit_2_naming_the_file(tmp_path, xladdin, expect, content, words):
    path = tmp_path / "list4.xlsx"
    path.write_bytes(content)
    sept(xladdin, expect, None, path, 2, "list4.xlsx", *words)


def test_a_folder_given_as_an_extract(tmp_path, xladdin, expect):
    sept(xladdin, expect, None, tmp_path, 2, "is a folder")


def test_a_missing_file(tmp_path, xladdin, expect):
    sept(xladdin, expect, None, tmp_path / "nope.csv", 2, "nope.csv", "does not exist")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file(tmp_path, xladdin, expect):
    path = list4_csv(tmp_path / "list4.csv")
    path.chmod(0)
    try:
        sept(xladdin, expect, None, path, 2, "list4.csv", "cannot be opened")
    finally:
        path.chmod(0o644)


def test_a_path_through_a_file(tmp_path, xladdin, expect):
    """A path whose folder is a file cannot be opened by anyone (root included)."""
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    sept(xladdin, expect, None, blocker / "list4.csv", 2, "does not exist")


def test_a_cell_over_128_kb_in_a_csv_team(tmp_path, xladdin, expect, accounted):
    lines = base_lines()
    lines[1] = lines[1].replace("Team A", "T" * 200_000)  # C2, late
    path = list4_csv(tmp_path / "list4.csv", lines)
    run = xladdin("timeliness", path, "--month", "2024-09", "--format", "json")
    data = accounted(expect(run, 0))
    assert figures(data) == {"Team A": (1, 1), "Team B": (3, 2), "Total": (4, 3)}
    assert "TTTT" not in run.stdout


def test_a_cell_over_128_kb_in_a_title_line(tmp_path, xladdin, expect, accounted):
    path = list4_csv(tmp_path / "list4.csv", title="Annex A " + "x" * 150_000 + " - extracted 31/10/2024")
    assert figures(sept(xladdin, expect, accounted, path)) == SEPT


def test_a_cell_over_128_kb_in_an_xlsx_team(tmp_path, xladdin, expect, accounted):
    rows = base_rows()
    rows[1][10] = "Q" * 140_000
    path = write_xlsx(tmp_path / "list4.xlsx", {"List 4": [[TITLE4], [], H4, *rows]})
    run = xladdin("timeliness", path, "--month", "2024-09", "--format", "json")
    data = accounted(expect(run, 0))
    assert figures(data)["Total"] == (4, 3) and "QQQQ" not in run.stdout


def test_a_header_wider_than_any_spreadsheet(tmp_path, xladdin, expect):
    path = list4_csv(tmp_path / "list4.csv", header=[*H4, *(f"c{i}" for i in range(20_000))])
    sept(xladdin, expect, None, path, 2, "20,012 columns", "not an extract")


@pytest.mark.slow
def test_a_million_columns(tmp_path, xladdin, expect):
    path = tmp_path / "list4.csv"
    path.write_text(",".join(["x"] * 1_000_000) + "\n1,2\n")
    sept(xladdin, expect, None, path, 2, "list4.csv", "no line break")


@pytest.mark.slow
def test_one_30_mb_line(tmp_path, xladdin, expect):
    path = tmp_path / "list4.csv"
    path.write_bytes(b"a" * 30_000_000 + b"\n")
    sept(xladdin, expect, None, path, 2, "list4.csv", "30.0 MB")


@pytest.mark.slow
def test_a_30_mb_value_in_one_data_line(tmp_path, xladdin, expect, accounted):
    rows = base_rows()
    rows[1][11] = "W" * 30_000_000  # C2's worker
    path = list4_csv(tmp_path / "list4.csv", csv_lines(rows))
    run = xladdin("timeliness", path, "--month", "2024-09", "--format", "json")
    data = accounted(expect(run, 0))
    assert figures(data)["Total"] == (4, 3) and "WWWW" not in run.stdout


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) makes the .xls and .ods")
@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_xls_and_ods_with_a_hidden_old_sheet(tmp_path, xladdin, expect, accounted, suffix):
    from annex_shapes import excel_date, list4_sheet, row4

    old = list4_sheet([row4("OLD1", excel_date("01/08/2024"), excel_date("02/09/2024"), "Old Team")])
    source = write_xlsx(tmp_path / "list4.xlsx", {"Old": old, "Assessments": list4_sheet()}, hidden=["Old"])
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            suffix,
            source.name,
        ],
        cwd=tmp_path,
        capture_output=True,
        timeout=180,
        check=True,
    )
    data = sept(xladdin, expect, accounted, tmp_path / f"list4.{suffix}")
    assert figures(data) == SEPT and any("'Old' is hidden" in n for n in data["notes"])
