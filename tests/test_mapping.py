"""Column-mapping files (YAML and TOML) for local extracts with other headers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from xladdin.errors import MappingError
from xladdin.extracts import load_mapping, read_assessments
from xladdin.extracts.mapping import mapping_from_dict

DATA = Path(__file__).parent / "data"
LOCAL = DATA / "local_lcs.csv"


@pytest.mark.parametrize("name", ["local_mapping.yaml", "local_mapping.toml"])
def test_local_extract_through_mapping(name):
    ex = read_assessments(LOCAL, mapping=DATA / name)
    f = ex.frame
    assert f["child_id"].tolist() == ["P1", "P2", "P3"]
    assert f["start"].tolist() == [pd.Timestamp("2024-07-22")] * 2 + [pd.Timestamp("2024-09-02")]
    assert f["authorised"].tolist()[:2] == [pd.Timestamp("2024-09-24"), pd.Timestamp("2024-09-25")]
    assert f["worker"].tolist() == ["Worker A", "Worker B", "Worker C"]
    assert ex.headers["start"] == "Assessment Start"
    assert ex.quality.empty


def test_yaml_and_toml_give_the_same_mapping():
    y, t = load_mapping(DATA / "local_mapping.yaml"), load_mapping(DATA / "local_mapping.toml")
    assert y.columns == t.columns and y.date_formats == t.date_formats
    assert y.headers("assessments")["authorised"] == "Date Completed"
    assert y.headers("assessments")["gender"] == "Gender"  # unmapped: Annex A header
    assert y.date_format("assessments") == "%Y-%m-%d"
    assert y.date_format("referrals") == "%d/%m/%Y"


def test_quality_rows_use_the_local_headers(tmp_path):
    path = tmp_path / "lcs.csv"
    path.write_text(
        "Person ID;Assessment Start;Date Completed;Team\nP1;2024-09-10;2024-09-01;T\n", encoding="utf-8"
    )
    mapping = {
        "assessments": {
            "child_id": "Person ID",
            "start": "Assessment Start",
            "authorised": "Date Completed",
            "team": "Team",
            "date_format": "%Y-%m-%d",
        }
    }
    ex = read_assessments(path, mapping=mapping)
    assert ex.quality[["column", "value", "rule"]].values.tolist() == [
        ["Date Completed", "01/09/2024", "8608"]
    ]


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_missing_mapping_file(tmp_path):
    with pytest.raises(MappingError, match=r"nope\.yaml: mapping file does not exist"):
        load_mapping(tmp_path / "nope.yaml")


def test_invalid_yaml(tmp_path):
    p = _write(tmp_path, "m.yaml", "assessments:\n  start: [unclosed\n")
    with pytest.raises(MappingError, match=r"^m\.yaml: not valid YAML"):
        load_mapping(p)


def test_invalid_toml(tmp_path):
    p = _write(tmp_path, "m.toml", "[assessments\nstart = 1\n")
    with pytest.raises(MappingError, match=r"^m\.toml: not valid TOML"):
        load_mapping(p)


def test_empty_mapping(tmp_path):
    with pytest.raises(MappingError, match=r"^m\.yaml: the mapping file is empty"):
        load_mapping(_write(tmp_path, "m.yaml", "# nothing\n"))


def test_unknown_section(tmp_path):
    p = _write(tmp_path, "m.yaml", "assessment:\n  start: Start\n")
    with pytest.raises(
        MappingError, match=r"m\.yaml: unknown section 'assessment'\. Use one of: assessments"
    ):
        load_mapping(p)


def test_unknown_column_name(tmp_path):
    p = _write(tmp_path, "m.yaml", "assessments:\n  start_date: Start\n")
    with pytest.raises(
        MappingError,
        match=r"m\.yaml: assessments\.start_date: unknown column name 'start_date'\. "
        r"Known names for assessments: child_id",
    ):
        load_mapping(p)


def test_header_must_be_text(tmp_path):
    p = _write(tmp_path, "m.yaml", "assessments:\n  start: 3\n")
    with pytest.raises(MappingError, match=r"m\.yaml: assessments\.start must be the header text"):
        load_mapping(p)


def test_same_header_twice(tmp_path):
    p = _write(tmp_path, "m.yaml", "assessments:\n  start: Date\n  authorised: date\n")
    with pytest.raises(
        MappingError, match=r"assessments\.authorised: header 'date' is already used for assessments\.start"
    ):
        load_mapping(p)


def test_bad_date_format(tmp_path):
    p = _write(tmp_path, "m.yaml", 'assessments:\n  date_format: "%d/%m"\n')
    with pytest.raises(
        MappingError, match=r"m\.yaml: assessments\.date_format is '%d/%m', which does not hold"
    ):
        load_mapping(p)


def test_section_must_be_a_table():
    with pytest.raises(MappingError, match=r"mapping: section 'referrals' must list"):
        mapping_from_dict({"referrals": "Date"})


def test_mapped_header_not_in_the_extract(tmp_path):
    p = _write(
        tmp_path,
        "m.yaml",
        'assessments:\n  child_id: "Person ID"\n  start: "Start Of Assessment"\n'
        '  authorised: "Date Completed"\n  team: "Team"\n',
    )
    with pytest.raises(
        MappingError,
        match=r"^m\.yaml: assessments\.start is 'Start Of Assessment', but local_lcs\.csv has no such "
        r"column\. Columns found: 'Person ID', 'Assessment Start'",
    ):
        read_assessments(LOCAL, mapping=p)
