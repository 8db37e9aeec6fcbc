"""Synthetic Annex A extracts and an audit tracker that reproduce the seed report.

Everything here is invented: child IDs start with ``DEMO``, workers and dates
of birth are made up. The numbers are built, not sampled, so that the demo
gives the seed report's figures exactly (a council's November 2024 Performance
Spotlight, the report that started this project):

* September 2024, **legacy** counting (``NETWORKDAYS(start, end) <= 45``): the
  seed's team table row for row, 150 completed and 100 in time (66.7%);
* September 2024, **corrected** counting (start day = day 0): 114 of 150
  (76.0%). The 14 extra are assessments authorised *on* the 45th working day
  after a working-day start, which legacy counting calls day 46;
* October 2024, corrected: 153 of 182 (84.1%, "84%");
* Sep 2023 to Aug 2024: between 76% and 88%, varied (so the 13-month trend to
  September 2024 has a figure in every month);
* the audit tracker gives 39 audits, 85% completed, 39% new vs 61% similar
  concerns, and 59% / 35% / 6% domestic abuse / risk outside the home / neglect.

The figures count only rows without a data-quality problem. A few rows are
deliberately questionable (a duplicate, a blank team, authorised before start,
an unreadable date, a future date), some of them in September, so that the
validation has something to find; they must be kept out for the seed figures
to come back.

Randomness is a seeded numpy ``Generator`` and nothing depends on the clock,
so the files are the same bytes on every run; ``xladdin/data/demo/`` holds a
copy and a test proves regeneration is byte-identical. Regenerate with
``python -m xladdin.demo``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from xladdin.core import schema
from xladdin.demo.assessments import (
    date_text,
    pick,
    plan_completed,
    plan_open,
    problem_rows,
)
from xladdin.demo.plan import (
    AUDIT_NOTE,
    AUDIT_PLAN,
    AUDIT_TITLE,
    ETHNICITIES,
    EXTRACT_DATE,
    FILES,
    FIRST_NAMES,
    GENDERS,
    LAST_NAMES,
    NO,
    REFERRALS_A_MONTH,
    REFERRALS_BUSY,
    SEED,
    SEPTEMBER_LEGACY,
    SOURCES,
    TEAMS,
    YES,
)


def _twelve_months_before(day: dt.date) -> dt.date:
    # Calendar months (docs/counting-rules.md); 29 February falls back to 28 February.
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _referral_date(rng: np.random.Generator, start: dt.date) -> dt.date:
    """A referral on or before the assessment start (0 to 6 calendar days before)."""
    return start - dt.timedelta(days=int(rng.choice(7, p=[0.3, 0.2, 0.15, 0.12, 0.1, 0.08, 0.05])))


def _build(rng: np.random.Generator) -> tuple[list[list[str]], list[list[str]]]:
    completed = plan_completed(rng)
    opened = plan_open(rng)
    problems = problem_rows(completed)
    assessments = completed + opened + [p for p in problems if p["kind"] == "problem"]
    volume = np.array([den for _, den, _ in SEPTEMBER_LEGACY], dtype=float) + 3.0
    workers = {
        t: [f"{FIRST_NAMES[int(i)]} {LAST_NAMES[int(j)]}" for i, j in zip(
            rng.choice(len(FIRST_NAMES), 4, replace=False), rng.choice(len(LAST_NAMES), 4, replace=False),
            strict=True)]
        for t in TEAMS
    }  # fmt: skip
    # Each assessment has a referral on or before its start (NFA "No").
    referrals: list[dict[str, Any]] = []
    for a in assessments:
        a["worker"] = workers[a["team"]][int(rng.integers(4))] if a["team"] else ""
        start = a.get("start") or _parse(a["start_text"]) or dt.date(2024, 6, 24)
        ref = {
            "date": _referral_date(rng, start),
            "team": a["team"],
            "worker": a["worker"],
            "nfa": NO,
            "assessment": a,
            "fixed": a["kind"] == "problem",
        }
        a["referral"] = ref
        referrals.append(ref)
    first_day = min(r["date"] for r in referrals).replace(day=1)
    month = first_day
    while month <= EXTRACT_DATE:
        nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        days = [
            month + dt.timedelta(days=i)
            for i in range((min(nxt, EXTRACT_DATE + dt.timedelta(days=1)) - month).days)
        ]
        have = sum(1 for r in referrals if month <= r["date"] < nxt)
        wanted = REFERRALS_BUSY.get(month.strftime("%Y-%m"), REFERRALS_A_MONTH)
        extra = max(int(rng.poisson(25)), wanted + int(rng.integers(-12, 13)) - have)
        for _ in range(extra):
            day = days[int(rng.integers(len(days)))]
            crs = rng.random() < 0.5
            team = "CRS" if crs else TEAMS[int(rng.choice(len(TEAMS), p=volume / volume.sum()))]
            nfa = YES if (month >= dt.date(2023, 10, 1) or rng.random() < 0.4) else NO
            referrals.append(
                {
                    "date": day,
                    "team": team,
                    "worker": "",
                    "nfa": nfa,
                    "assessment": None,
                    "fixed": False,
                }
            )
        month = nxt
    referrals.sort(key=lambda r: (r["date"], r["team"]))
    _link_children(rng, referrals, first_day)
    return _assessment_rows(rng, assessments, problems), _referral_rows(rng, referrals, first_day)


def _link_children(rng: np.random.Generator, referrals: list[dict[str, Any]], first_day: dt.date) -> None:
    """Give referrals children so that about 22% are re-referrals within 12 months.

    A re-referral reuses a child whose last referral was 1 to 12 months
    earlier and whose assessments are all finished; for referrals early in
    the window the earlier referral may lie before the extract starts
    (``history``), which only the "Number of Referrals in Last 12 Months"
    column can show (when it is less than 12 months before the child's latest
    referral: the column counts the 12 months before that one).
    """
    rate = dict(zip(TEAMS, rng.uniform(0.10, 0.30, len(TEAMS)), strict=True))
    children: list[dict[str, Any]] = []
    for ref in referrals:
        day, team = ref["date"], ref["team"] or "CRS"
        child = None
        if not ref["fixed"] and rng.random() < rate[team]:
            back = _twelve_months_before(day)
            hidden = max(0.0, (first_day - back).days / 365)
            if rng.random() >= hidden:
                pool = [
                    c
                    for c in children
                    if not c["fixed"]
                    and back <= c["dates"][-1] <= day - dt.timedelta(days=30)
                    and c["busy_until"] < day
                ]
                if pool:
                    child = pool[int(rng.integers(len(pool)))]
            if child is None and hidden > 0:
                earlier = back + dt.timedelta(days=int(rng.integers((first_day - back).days)))
                child = _new_child(rng, team, earlier, history=[earlier])
        if child is None:
            child = _new_child(rng, team, day, history=[])
            child["fixed"] = ref["fixed"]
        if not child["listed"]:
            child["listed"] = True
            children.append(child)
        ref["child"] = child
        child["dates"].append(day)
        a = ref["assessment"]
        if a is not None:
            a["child"] = child
            end = a.get("end")
            child["busy_until"] = dt.date.max if a["kind"] in ("open", "problem") else end
    ids = rng.choice(900_000, size=len(children), replace=False) + 100_000
    for child, number in zip(children, ids, strict=True):
        child["id"] = f"DEMO{int(number):06d}"


def _new_child(rng: np.random.Generator, team: str, first: dt.date, history: list[dt.date]) -> dict[str, Any]:
    young = team.startswith("Young People")
    age = int(rng.integers(13, 18)) if young else int(rng.integers(0, 18))
    dob = first - dt.timedelta(days=int(age * 365.25 + rng.integers(1, 360)))
    return {
        "dob": dob,
        "gender": pick(rng, GENDERS),
        "ethnicity": pick(rng, ETHNICITIES),
        "disability": YES
        if (team.startswith("Jigsaw") and rng.random() < 0.7) or rng.random() < 0.06
        else NO,
        "dates": list(history),
        "busy_until": dt.date.min,
        "fixed": False,
        "listed": False,
    }


def _age(dob: dt.date, on: dt.date) -> str:
    return str(on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day)))


def _parse(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


def _assessment_rows(
    rng: np.random.Generator, assessments: list[dict[str, Any]], problems: list[dict[str, Any]]
) -> list[list[str]]:
    rows = []
    for a in assessments:
        c = a["child"]
        start_text = a.get("start_text") or date_text(a["start"])
        end_text = a.get("end_text")
        if end_text is None:
            end_text = date_text(a["end"]) + (a["clock"] if a["end"] else "")
        start = _parse(start_text) or a["referral"]["date"]
        done = bool(end_text)
        values = {
            "child_id": c["id"], "gender": c["gender"], "ethnicity": c["ethnicity"],
            "date_of_birth": date_text(c["dob"]), "age": _age(c["dob"], start),
            "disability": c["disability"], "start": start_text,
            "child_seen": YES if (done or rng.random() < 0.8) else NO,
            "authorised": end_text,
            "requires_support": (YES if rng.random() < 0.55 else NO) if done else "",
            "team": a["team"], "worker": a["worker"],
        }  # fmt: skip
        a["values"] = [values[k] for k in schema.ASSESSMENT_HEADERS]
        rows.append((start, c["id"], a["values"]))
    for p in problems:
        if p["kind"] == "duplicate":  # the same row again, as an export glitch would give it
            original = next(a for a in assessments if id(a) == p["duplicate_of"])
            rows.append((_parse(original["values"][6]), original["values"][0], list(original["values"])))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in rows]


def _referral_rows(
    rng: np.random.Generator, referrals: list[dict[str, Any]], first_day: dt.date
) -> list[list[str]]:
    rows = []
    for ref in referrals:
        c, day = ref["child"], ref["date"]
        # Ofsted's meaning: the child's referrals in the 12 months before their LATEST referral
        # (not counting it), the same value on every row of the child; 0 is the lowest value.
        latest = max(c["dates"])
        back = _twelve_months_before(latest)
        recent = sum(1 for d in c["dates"] if back <= d < latest)
        values = {
            "child_id": c["id"], "gender": c["gender"], "ethnicity": c["ethnicity"],
            "date_of_birth": date_text(c["dob"]), "age": _age(c["dob"], day),
            "referral_date": date_text(day), "source": pick(rng, SOURCES), "nfa": ref["nfa"],
            "referrals_12m": str(recent), "team": ref["team"], "worker": ref["worker"],
        }  # fmt: skip
        rows.append([values[k] for k in schema.REFERRAL_HEADERS])
    # Two questionable referrals: an exact duplicate and a blank team (flagged, kept out).
    rows.append(list(rows[len(rows) // 3]))
    blank = list(rows[len(rows) // 2])
    blank[_column(schema.REFERRAL_HEADERS, "team")] = ""
    blank[_column(schema.REFERRAL_HEADERS, "worker")] = ""
    blank[_column(schema.REFERRAL_HEADERS, "child_id")] = "DEMO000000"
    blank[_column(schema.REFERRAL_HEADERS, "referrals_12m")] = "0"  # a child with no other referral
    rows.append(blank)
    rows.sort(key=lambda r: (_parse(r[5]), r[0]))
    return rows


def _column(headers: dict[str, str], key: str) -> int:
    """Position of canonical column ``key`` in a published header order."""
    return list(headers).index(key)


def _audit_rows(rng: np.random.Generator) -> list[list[str]]:
    plan = [(done, concern, kind) for done, concern, kind, n in AUDIT_PLAN for _ in range(n)]
    order = rng.permutation(len(plan))
    teams = [TEAMS[int(i)] for i in rng.integers(0, len(TEAMS), len(plan))]
    rows = []
    for number, i in enumerate(order, start=1):
        done, concern, kind = plan[int(i)]
        values = {
            "audit_id": f"RRA-2024-{number:03d}",
            "team": teams[number - 1],
            "completed": done,
            "concern": concern,
            "concern_type": kind,
        }
        rows.append([values[k] for k in schema.AUDIT_HEADERS])
    return rows


def _csv_bytes(
    preamble: Sequence[Sequence[str]], header: Sequence[str], rows: Sequence[Sequence[str]]
) -> bytes:
    # CRLF and UTF-8 without a BOM, as a Windows case-management export writes them.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(preamble)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def demo_bytes() -> dict[str, bytes]:
    """The three demo files as bytes, keyed ``assessments``, ``referrals``, ``audit``."""
    rng = np.random.default_rng(SEED)
    assessments, referrals = _build(rng)
    audit = _audit_rows(np.random.default_rng(SEED + 1))
    stamp = EXTRACT_DATE.strftime("%d/%m/%Y")
    return {
        "assessments": _csv_bytes(
            [[f"Annex A List 4: Assessments - extracted {stamp}"], []],
            list(schema.ASSESSMENT_HEADERS.values()), assessments),
        "referrals": _csv_bytes(
            [[f"Annex A List 3: Referrals - extracted {stamp}"], []],
            list(schema.REFERRAL_HEADERS.values()), referrals),
        "audit": _csv_bytes([[AUDIT_TITLE], [AUDIT_NOTE], []],
                            list(schema.AUDIT_HEADERS.values()), audit),
    }  # fmt: skip


def write_demo_extracts(out_dir: str | Path) -> dict[str, Path]:
    """Write the demo List 4, List 3 and audit tracker CSVs into ``out_dir``.

    The bytes are the same on every run and equal to the shipped copies
    (:func:`demo_paths`).

    Returns:
        Paths keyed ``"assessments"``, ``"referrals"``, ``"audit"``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for key, data in demo_bytes().items():
        paths[key] = out / FILES[key]
        paths[key].write_bytes(data)
    return paths


def demo_dir() -> Path:
    """The folder of shipped demo files inside the installed package."""
    return Path(__file__).resolve().parents[1] / "data" / "demo"


def demo_paths() -> dict[str, Path]:
    """Paths of the shipped demo files, keyed ``"assessments"``, ``"referrals"``, ``"audit"``."""
    return {key: demo_dir() / name for key, name in FILES.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m xladdin.demo [DIR]``: regenerate the demo files (default: the shipped ones)."""
    args = list(sys.argv[1:] if argv is None else argv)
    target = Path(args[0]) if args else demo_dir()
    for key, path in write_demo_extracts(target).items():
        print(f"{key}: {path}")
    return 0
