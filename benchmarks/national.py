"""National scale: timeliness by authority, team and month over many List 4 extracts.

    python benchmarks/national.py FOLDER --out table.csv [--together | --jobs 2]

Each ``*.csv`` in FOLDER is one authority's List 4 (the file name, less
``.csv``, names the authority). The job reads each extract with xladdin's
reader (so every row passes the same data-quality checks as a council's
refresh), scores the completed assessments with the working-day engine
(corrected counting, clock at the assessment start, counted in the month of
authorisation), and writes one row per authority, team and month:
``authority, team, month, completed, in_time, percent``.

By default one authority is in memory at a time and only its counts are kept,
so memory is bounded by the largest authority, not the country, and
``--jobs N`` reads N authorities at once in worker processes (one per core). With
``--together`` every authority's frame is kept and scored in one pass at the
end: the way a user would do it in one pandas session, and the measure of how
memory grows with rows.

The benchmark (``run.py``) times this script as a separate process and reads
its peak memory; it prints a one-line summary on stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from xladdin.core.measures import team_names, usable
from xladdin.core.workdays import timeliness
from xladdin.extracts.read import read_assessments

COLUMNS = ["authority", "team", "month", "completed", "in_time", "percent"]


def _completed(frame: pd.DataFrame) -> pd.DataFrame:
    """Counted rows with an authorisation date: the completed assessments."""
    rows = usable(frame)
    return rows[rows["authorised"].notna()]


def score(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Completed and in time (corrected counting) grouped by ``by`` (``team``, ``month`` ...)."""
    t = timeliness(rows["start"], rows["authorised"])
    scored = pd.DataFrame(
        {
            **{c: rows[c].to_numpy() for c in by if c not in ("team", "month")},
            "team": team_names(rows["team"]),
            # DfE CIN census: counted in the month of authorisation.
            "month": rows["authorised"].to_numpy().astype("datetime64[M]").astype(str),
            "valid": t.valid,
            "in_time": t.in_time,
        }
    )
    scored = scored[scored["valid"]]
    return (
        scored.groupby(by, sort=True, observed=True)
        .agg(completed=("valid", "size"), in_time=("in_time", "sum"))
        .reset_index()
    )


def one_authority(path: Path) -> pd.DataFrame:
    """One authority's counts by team and month (what a worker process returns)."""
    rows = _completed(read_assessments(path).frame)
    return score(rows, ["team", "month"]).assign(authority=path.stem)


def national(folder: Path, *, together: bool = False, jobs: int = 1) -> pd.DataFrame:
    paths = sorted(folder.glob("*.csv"))
    if not paths:
        raise SystemExit(f"{folder}: no .csv extracts")
    parts = []
    if jobs > 1 and not together:
        from concurrent.futures import ProcessPoolExecutor

        # Counts add up across processes; percentages are made from the summed counts.
        with ProcessPoolExecutor(jobs) as pool:
            parts = list(pool.map(one_authority, paths))
    for path in paths if jobs <= 1 or together else []:
        if together:
            parts.append(_completed(read_assessments(path).frame).assign(authority=path.stem))
        else:
            parts.append(one_authority(path))
    if together:
        everything = pd.concat(parts, ignore_index=True)
        parts.clear()
        table = score(everything, ["authority", "team", "month"])
    else:
        table = pd.concat(parts, ignore_index=True)
    table["percent"] = np.round(100.0 * table["in_time"] / table["completed"], 1)
    return table[COLUMNS].sort_values(["authority", "team", "month"], ignore_index=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--together", action="store_true", help="keep every authority in memory")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (one authority each)")
    args = parser.parse_args(argv)
    table = national(args.folder, together=args.together, jobs=args.jobs)
    table.to_csv(args.out, index=False)
    done, hit = int(table["completed"].sum()), int(table["in_time"].sum())
    sys.stdout.write(
        f"{table['authority'].nunique()} authorities, {len(table)} authority-team-month rows, "
        f"{done} completed, {hit} in time ({100.0 * hit / max(done, 1):.1f}%)\n"
    )
    if args.jobs > 1:
        import resource

        # The benchmark measures this process; the workers' own peak is reported here.
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        sys.stdout.write(f"largest worker peak memory {peak:,.0f} MB\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
