"""The fast paths of issue 13 give exactly what the general paths give, on tricky input.

* The CSV reader lets pandas read the file while another thread checks its lines, and keeps
  that read when every line is one row (blank lines and quote-free lines of the wrong width are
  dropped from it afterwards). With that read switched off, the same file must give the same
  frame (values, dtypes, categories), row numbers, listed lines and data-quality list.
* Counting the officer's objects on a sheet leaves its cells out of the parse: the same counts.
* Duplicates on a large frame are narrowed by a fingerprint of the keys before pandas decides:
  the same rows as ``DataFrame.duplicated``, whatever the values (blanks, numbers, text that
  differs only in its type).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_extract_properties import HEADER, KINDS, line_for

from xladdin.core.quality import rules
from xladdin.errors import XladdinError
from xladdin.extracts import read_assessments
from xladdin.extracts.readers import csv_reader
from xladdin.extracts.spec import make_spec

# Lines of every kind the property test of the accounting writes, plus a title row or none, a
# trailing blank line or none, CRLF or LF.
LINES = st.lists(st.sampled_from([*KINDS, "clean", "missing", "extra"]), min_size=1, max_size=25)


def _write(path, kinds, *, title: bool, crlf: bool, trailing: bool) -> None:
    teams = ["Team A", "Team B", "North East", "Team A"]
    lines = [line_for(i, kind, teams[i % 4], 1 + i % 28)[0] for i, kind in enumerate(kinds)]
    head = ["Annex A List 4 - extracted 31/10/2024", ""] if title else []
    text = "\n".join([*head, HEADER, *lines]) + ("\n\n" if trailing else "\n")
    path.write_bytes(text.replace("\n", "\r\n" if crlf else "\n").encode("utf-8"))


def _checked_only(monkeypatch) -> None:
    monkeypatch.setattr(csv_reader, "_speculate", lambda *a, **k: None)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=LINES, title=st.booleans(), crlf=st.booleans(), trailing=st.booleans())
def test_the_read_made_beside_the_line_check_is_the_checked_read(
    tmp_path_factory, monkeypatch, kinds, title, crlf, trailing
):
    path = tmp_path_factory.mktemp("spec") / "list4.csv"
    _write(path, kinds, title=title, crlf=crlf, trailing=trailing)
    spec = make_spec("assessments", None)
    fast = csv_reader.read_csv_table(path, spec, None)
    with monkeypatch.context() as m:
        _checked_only(m)
        slow = csv_reader.read_csv_table(path, spec, None)
    pd.testing.assert_frame_equal(fast.body, slow.body)
    assert fast.source_row.tolist() == slow.source_row.tolist()
    pd.testing.assert_frame_equal(fast.broken.reset_index(drop=True), slow.broken.reset_index(drop=True))
    # The whole extract too: the frame and the data-quality list (or the same refusal).
    a = _read(path)
    with monkeypatch.context() as m:
        _checked_only(m)
        b = _read(path)
    if isinstance(a, str) or isinstance(b, str):
        assert a == b
        return
    pd.testing.assert_frame_equal(a.frame, b.frame)
    pd.testing.assert_frame_equal(a.quality, b.quality)
    assert (a.rows, a.kept_out) == (b.rows, b.kept_out)


def _read(path):
    try:
        return read_assessments(path)
    except XladdinError as exc:
        return str(exc)


@pytest.mark.parametrize(
    ("kinds", "kept"),
    [
        (["clean", "clean", "blank", "missing", "clean", "extra", "spaces"], True),
        (["clean", "two_lines", "clean"], False),  # a value over two lines: records are not lines
        (["clean", "stray_quote", "clean"], False),  # a quote in a listed line
    ],
)
def test_the_read_beside_the_check_is_kept_only_when_lines_are_records(tmp_path, monkeypatch, kinds, kept):
    path = tmp_path / "list4.csv"
    _write(path, kinds, title=True, crlf=False, trailing=True)
    used = []
    real = csv_reader._if_clean
    monkeypatch.setattr(csv_reader, "_if_clean", lambda *a: used.append(real(*a) is not None) or real(*a))
    table = csv_reader.read_csv_table(path, make_spec("assessments", None), None)
    assert used == [kept]
    # Blank and listed lines are not rows; what the listed lines added to a column is gone.
    assert len(table.body) == sum(k in ("clean", "two_lines") for k in kinds)
    assert "x" not in table.body["team"].cat.categories


KEYS = st.one_of(
    st.none(),
    st.just(np.nan),
    st.sampled_from(["C1", "C2", "C1 ", "", "NULL"]),
    st.integers(0, 3),
    st.sampled_from([1.0, 2.5, 0.0]),
)


@settings(max_examples=200, deadline=None)
@given(
    ids=st.lists(KEYS, min_size=1, max_size=40),
    days=st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=40, max_size=40),
    text=st.booleans(),
)
def test_duplicates_narrowed_by_a_fingerprint_are_pandas_duplicates(ids, days, text):
    start = [None if d is None else dt.datetime(2024, 9, 1) + dt.timedelta(days=d) for d in days[: len(ids)]]
    frame = pd.DataFrame(
        {
            "child_id": pd.Series(ids, dtype="str" if text else object),
            "start": pd.to_datetime(pd.Series(start, dtype=object)),
            "source": pd.Series([d if d is None else str(d % 2) for d in days[: len(ids)]], dtype="str"),
        }
    )
    for keys in (["child_id", "start"], ["child_id", "start", "source"], ["child_id"]):
        expected = frame.duplicated(keys, keep="first").to_numpy()
        assert rules._duplicated(frame, keys, narrow_from=0).tolist() == expected.tolist()


def test_duplicates_on_a_large_frame_find_the_copies():
    n = 30_000
    ids = pd.Series([f"C{i % 20_000}" for i in range(n)], dtype="str")
    start = pd.Series(pd.to_datetime("2024-01-01") + pd.to_timedelta(np.arange(n) % 10, unit="D"))
    frame = pd.DataFrame({"child_id": ids, "start": start})
    got = rules._duplicated(frame, ["child_id", "start"])
    assert got.tolist() == frame.duplicated(["child_id", "start"]).tolist()
    assert 0 < got.sum() < n


def test_counting_a_sheets_objects_without_its_cells_counts_the_same(tmp_path):
    # The keep step counts the officer's objects before and after a save; it leaves the cells
    # (sheetData) out of the parse. Every sheet of a decorated, refreshed workbook, and of one
    # Excel saved, counts the same either way; so do sheets that write sheetData another way.
    import xlwings
    from hostile.test_workbook_cases import decorate, demo_workbook

    from xladdin.cli import main
    from xladdin.workbook import keep
    from xladdin.workbook.package import read_parts, sheet_parts

    book = demo_workbook(tmp_path)
    decorate(book)
    assert main(["refresh", str(book)]) == 0
    sheets = []
    for path in (book, Path(xlwings.__file__).parent / "quickstart.xlsm"):
        parts = read_parts(path)
        sheets += [parts[part] for part in sheet_parts(parts).values()]
    main_ns = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheets += [
        b"<worksheet "
        + main_ns
        + b"><sheetData/><tableParts count='1'><tablePart/></tableParts></worksheet>",
        b"<x:worksheet xmlns:x='http://schemas.openxmlformats.org/spreadsheetml/2006/main'><x:sheetData>"
        b"<x:row><x:c><x:v>1</x:v></x:c></x:row></x:sheetData><x:extLst><x:ext uri='u'/></x:extLst>"
        b"</x:worksheet>",
    ]
    assert len(sheets) > 12
    seen: set[str] = set()
    for xml in sheets:
        whole: dict[str, int] = {}
        cut: dict[str, int] = {}
        keep._count_sheet(ET.fromstring(xml), whole)
        keep._count_sheet(keep._sheet_without_cells(xml), cut)
        assert cut == whole
        seen |= set(whole)
    assert {"conditional format", "data validation", "table", "sparkline group"} <= seen


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.dates(min_value=dt.date(1600, 1, 1), max_value=dt.date(2400, 12, 31)),
        st.datetimes(min_value=dt.datetime(1600, 1, 1), max_value=dt.datetime(2400, 12, 31)),
    )
)
def test_a_date_cell_reads_as_the_same_date_as_its_timestamp(value):
    # Spreadsheet date cells (datetime.date, naive datetime) are read by their day number; a
    # pandas Timestamp of the same value goes the general way. Same date, same reason.
    from xladdin.core.dates import parse_date_column

    fast, fast_why = parse_date_column([value])
    general, general_why = parse_date_column([pd.Timestamp(value)])
    assert fast.equals(general) and fast_why.tolist() == general_why.tolist()


@pytest.mark.parametrize(
    "code",
    [
        "import xladdin.excel.ribbon",  # what every button imports
        "import xladdin.excel.ribbon, xladdin.excel.live",  # Check set-up
        "import xladdin.excel.ribbon, xladdin.excel.live, xladdin.workbook.refresh, xladdin.extracts",  # Refresh
    ],
)
def test_the_ribbon_buttons_that_write_through_excel_do_not_import_openpyxl(code):
    # Each button imports what it uses when pressed: only Build spotlight and Export write files.
    import subprocess
    import sys

    check = f"{code}; import sys; print(sorted(m for m in ('openpyxl', 'lxml') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=LINES, crlf=st.booleans(), chunk=st.sampled_from([16, 64, 200, 1 << 23]))
def test_checking_lines_from_the_file_in_chunks_is_checking_its_bytes(
    tmp_path_factory, monkeypatch, kinds, crlf, chunk
):
    # The thread that checks a CSV's lines reads the file a chunk at a time (FileBytes): the
    # same scan, listed lines and line text as from the whole file's bytes, at any chunk size.
    from xladdin.extracts.readers import csv_lines

    path = tmp_path_factory.mktemp("chunks") / "list4.csv"
    _write(path, kinds, title=True, crlf=crlf, trailing=False)
    data = path.read_bytes()
    start = data.index(b"\n", data.index(b"Child Unique ID")) + 1
    monkeypatch.setattr(csv_lines, "CHUNK", chunk)
    whole = csv_lines.scan_lines(data, start, ",", 12)
    with csv_lines.FileBytes(path) as chunked:
        assert len(chunked) == len(data)
        for a, b in ((0, 5), (start - 3, start + 40), (len(data) - 7, len(data) + 3), (9, 2)):
            assert chunked[a:b] == data[a:b]
        for sub in (b"\n", b'"', b"Team", b"\r\n"):
            assert chunked.find(sub, start) == data.find(sub, start)
            assert chunked.rfind(sub, 0, len(data) // 2) == data.rfind(sub, 0, len(data) // 2)
        parts = csv_lines.scan_lines(chunked, start, ",", 12)
    for name in ("lines", "width", "bad", "quotes_balance"):
        assert getattr(parts, name) == getattr(whole, name)
    for name in ("blank", "continued", "starts"):
        assert getattr(parts, name).tolist() == getattr(whole, name).tolist()
