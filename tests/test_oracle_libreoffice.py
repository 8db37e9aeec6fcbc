"""The engine against an independent oracle: LibreOffice Calc's NETWORKDAYS and WORKDAY.

docs/counting-rules.md: elapsed working days are Excel's ``NETWORKDAYS(start+1, end, H)``
for ``end > start`` (0 for a same-day pair); the legacy count is
``NETWORKDAYS(start, end, H)``; the deadline is ``WORKDAY(start, 45, H)``; in
time is ``end < WORKDAY(start, 46, H)``. LibreOffice computes every formula
from a workbook that holds no saved values (``tests/oracle.py``), with the
calendar's bank holidays written into the sheet, so the engine is never
checked only against itself.

A few hundred seeded pairs: random ones over 2022-2025; starts and ends on
every weekday bank holiday; same-day pairs; and the 44/45/46-day boundary for
starts whose 45 days cross the 2024-08-26 bank holiday or Christmas
(2022, with its 27 Dec substitute day, and 2024). One LibreOffice run.
"""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pytest

from oracle import libreoffice_workdays, soffice_path
from xladdin.core import get_calendar
from xladdin.core.workdays import deadline, in_time, networkdays, working_days_between

CAL = get_calendar()
FIRST, LAST = dt.date(2022, 1, 1), dt.date(2025, 10, 31)

if soffice_path() is None and os.environ.get("CI"):
    pytest.fail("LibreOffice (soffice) is not on PATH in CI: .ci/run must install it.")

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        soffice_path() is None,
        reason="LibreOffice (soffice) is not on PATH; install libreoffice-calc-nogui "
        "(.ci/run does) to run the NETWORKDAYS/WORKDAY oracle.",
    ),
]


def _day(value: np.datetime64) -> dt.date:
    return value.astype("datetime64[D]").item()


def generated_pairs(seed: int = 20241122) -> list[tuple[dt.date, dt.date]]:
    """Seeded (start, end) pairs, end >= start, chosen without the engine."""
    rng = np.random.default_rng(seed)
    pairs: list[tuple[dt.date, dt.date]] = []
    span = (LAST - FIRST).days
    # 1. Random pairs, up to ~100 calendar days apart (weekend starts and ends included).
    for _ in range(160):
        start = FIRST + dt.timedelta(days=int(rng.integers(0, span)))
        pairs.append((start, start + dt.timedelta(days=int(rng.integers(0, 100)))))
    # 2. Starts and ends on each weekday bank holiday 2022-2025.
    holidays = [_day(d) for d in CAL.non_working_dates() if FIRST <= _day(d) <= LAST]
    for h in holidays:
        pairs.append((h, h + dt.timedelta(days=int(rng.integers(1, 90)))))
        pairs.append((h - dt.timedelta(days=int(rng.integers(1, 90))), h))
    # 3. Same-day pairs: weekdays, weekends, bank holidays.
    for d in [
        dt.date(2024, 7, 22),
        dt.date(2024, 7, 20),
        dt.date(2024, 7, 21),
        dt.date(2024, 8, 26),
        dt.date(2024, 12, 25),
        dt.date(2022, 12, 27),
        dt.date(2023, 5, 8),
        dt.date(2022, 9, 19),
    ]:
        pairs.append((d, d))
    # 4. The boundary: for starts whose 45 days cross 26 Aug 2024 or Christmas, every end
    # from 60 to 70 calendar days later covers elapsed 44, 45 and 46, with weekend ends.
    for first_start in (dt.date(2024, 7, 18), dt.date(2024, 10, 17), dt.date(2022, 10, 18)):
        for k in range(6):  # Thursday to Tuesday: includes a weekend start
            start = first_start + dt.timedelta(days=k)
            for gap in range(60, 71):
                pairs.append((start, start + dt.timedelta(days=gap)))
    return pairs


@pytest.fixture(scope="module")
def oracle(tmp_path_factory):
    pairs = generated_pairs()
    holidays = [d for d in CAL.bank_holidays if dt.date(2021, 1, 1) <= d <= dt.date(2026, 12, 31)]
    return libreoffice_workdays(pairs, holidays, workdir=tmp_path_factory.mktemp("oracle"))


def test_the_generated_pairs_cover_the_cases_that_matter(oracle):
    assert 300 <= len(oracle) <= 600
    forward = oracle[oracle.end > oracle.start]
    counts = set(forward.elapsed.astype(int))
    assert {44, 45, 46} <= counts  # the boundary, as LibreOffice counts it
    starts = oracle.start.tolist()
    assert any(s.weekday() >= 5 for s in starts)
    assert any(not CAL.is_working_day(s) and s.weekday() < 5 for s in starts)  # bank holiday
    assert any(e.weekday() >= 5 for e in oracle.end)
    assert (oracle.end == oracle.start).sum() >= 8
    # A Saturday or Sunday completion after a Friday WORKDAY(start, 45) deadline.
    assert any(
        e > w45 and e < w46 and e.weekday() >= 5
        for e, w45, w46 in zip(oracle.end, oracle.workday45, oracle.workday46, strict=True)
    )


def test_engine_agrees_with_libreoffice_on_every_pair(oracle):
    wrong = []
    for row in oracle.itertuples(index=False):
        s, e = row.start, row.end
        # NETWORKDAYS(start+1, end) is only the elapsed count for end > start (a same-day
        # pair makes it run backwards, to a negative number); a same-day pair is 0.
        expected = int(row.elapsed) if e > s else 0
        got = {
            "elapsed": (working_days_between(s, e), expected),
            "networkdays": (networkdays(s, e), int(row.networkdays)),
            "deadline 45": (deadline(s, 45), row.workday45),
            "deadline 46": (deadline(s, 46), row.workday46),
            "in time": (in_time(s, e), expected <= 45),
            "in time = end < WORKDAY(start, 46)": (in_time(s, e), e < row.workday46),
            "legacy in time": (in_time(s, e, counting="legacy"), int(row.networkdays) <= 45),
        }
        wrong += [
            f"{s} -> {e}: {what} engine {a!r}, LibreOffice {b!r}" for what, (a, b) in got.items() if a != b
        ]
    assert not wrong, f"{len(wrong)} disagreements:\n" + "\n".join(wrong[:40])


def test_vectorised_engine_agrees_with_libreoffice(oracle):
    starts = oracle.start.to_numpy(dtype="datetime64[D]")
    ends = oracle.end.to_numpy(dtype="datetime64[D]")
    lo_elapsed = np.where(ends > starts, oracle.elapsed.to_numpy(dtype=float), 0.0)
    np.testing.assert_array_equal(working_days_between(starts, ends), lo_elapsed)
    np.testing.assert_array_equal(networkdays(starts, ends), oracle.networkdays.to_numpy(dtype=float))
    np.testing.assert_array_equal(deadline(starts), oracle.workday45.to_numpy(dtype="datetime64[D]"))
    np.testing.assert_array_equal(deadline(starts, 46), oracle.workday46.to_numpy(dtype="datetime64[D]"))


def test_libreoffice_agrees_with_the_domain_worked_example(oracle):
    # The oracle itself is right on the worked example of docs/counting-rules.md (a check on the oracle).
    row = oracle[(oracle.start == dt.date(2024, 7, 22)) & (oracle.end == dt.date(2024, 9, 24))]
    assert len(row) == 1
    assert row.elapsed.iloc[0] == 45 and row.networkdays.iloc[0] == 46
    assert row.workday45.iloc[0] == dt.date(2024, 9, 24)
    assert row.workday46.iloc[0] == dt.date(2024, 9, 25)
