"""Checks across List 4 and List 3 (CIN census rules 1103 and 8831): warnings, the rows still count.

* 1103: an assessment starts before the child's referral;
* 8831: a referral marked NFA ("no further action") whose child was assessed anyway;
* clock: with the referral-date clock, an assessment with no referral on or before its start
  (its clock falls back to the start date).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from xladdin.core.measures import clock_fallbacks
from xladdin.core.quality.rules import apply_problems, as_text, combine, flag_rows, text_date
from xladdin.core.schema import ASSESSMENT_HEADERS, REFERRAL_HEADERS


def is_yes(values: pd.Series) -> pd.Series:
    """True for yes-like answers: "Yes", "Y", "a) Yes", "true", "1" (case-insensitive).

    Annex A codes answers as ``a) Yes`` / ``b) No``; the code letter is ignored.
    """
    s = values.astype(object).where(values.notna(), "").astype(str).str.strip().str.casefold()
    s = s.str.replace(r"^[a-z0-9]{1,2}\)\s*", "", regex=True)
    return s.isin({"yes", "y", "true", "1"})


def cross_check_frames(
    assessments: pd.DataFrame,
    referrals: pd.DataFrame,
    *,
    assessments_file: str = "",
    referrals_file: str = "",
    assessment_headers: Mapping[str, str] | None = None,
    referral_headers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Warnings that need both lists: rule 1103 (start before referral) and 8831 (NFA but assessed).

    Each assessment is matched to the child's latest referral on or before its
    start. With no such referral, but a referral for the child later in List 3,
    and the start inside List 3's period, the start is before the referral
    (1103; warned on the assessment). When the matched referral is marked NFA,
    the child was assessed after a "no further action" referral (8831; warned
    on the referral). Both are warnings only: the rows still count.
    """
    ah = {**ASSESSMENT_HEADERS, **(assessment_headers or {})}
    rh = {**REFERRAL_HEADERS, **(referral_headers or {})}
    # Rows already kept out (duplicates, unreadable dates...) are listed once, not cross-checked.
    a_ok = assessments["problem"] == "" if "problem" in assessments else True
    r_ok = referrals["problem"] == "" if "problem" in referrals else True
    a = assessments.loc[
        assessments["start"].notna() & assessments["child_id"].notna() & a_ok,
        ["child_id", "start", "source_row"],
    ].copy()
    r = referrals.loc[
        referrals["referral_date"].notna() & referrals["child_id"].notna() & r_ok,
        ["child_id", "referral_date", "source_row"] + (["nfa"] if "nfa" in referrals else []),
    ].copy()
    if len(a) == 0 or len(r) == 0:
        return apply_problems(pd.DataFrame({"source_row": []}), combine([]))
    a["child_id"] = a["child_id"].astype(str)
    r["child_id"] = r["child_id"].astype(str)
    a = a.rename(columns={"source_row": "a_row"}).sort_values("start", kind="stable")
    r = r.rename(columns={"source_row": "r_row"}).sort_values("referral_date", kind="stable")
    m = pd.merge_asof(a, r, left_on="start", right_on="referral_date", by="child_id", direction="backward")
    first_ref = r.groupby("child_id", sort=False)["referral_date"].min()
    next_ref = m["child_id"].map(first_ref)
    period_start = r["referral_date"].min()
    early = (m["referral_date"].isna() & next_ref.notna() & (m["start"] >= period_start)).to_numpy()
    parts = []
    if early.any():
        e = m.loc[early]
        frame = pd.DataFrame({"source_row": e["a_row"].to_numpy()})
        parts.append(
            flag_rows(
                frame,
                np.ones(len(e), bool),
                file=assessments_file,
                column=ah["start"],
                value=text_date(e["start"]).to_numpy(),
                rule="1103",
                reason=(
                    "Assessment starts before the child's referral ("
                    + text_date(next_ref[early]).to_numpy().astype(object)
                    + f", {referrals_file}). Still counted; check both dates (CIN rule 1103)."
                ),
            )
        )
    if "nfa" in m:
        nfa = (m["referral_date"].notna() & is_yes(m["nfa"])).to_numpy()
        if nfa.any():
            e = m.loc[nfa].drop_duplicates("r_row")
            frame = pd.DataFrame({"source_row": e["r_row"].astype("int64").to_numpy()})
            parts.append(
                flag_rows(
                    frame,
                    np.ones(len(e), bool),
                    file=referrals_file,
                    column=rh["nfa"],
                    value=as_text(e["nfa"]).to_numpy(),
                    rule="8831",
                    reason=(
                        "Referral marked NFA, but the child has an assessment starting "
                        + text_date(e["start"]).to_numpy().astype(object)
                        + " ("
                        + assessments_file
                        + " row "
                        + e["a_row"].astype("int64").astype(str).to_numpy().astype(object)
                        + "). Still counted; correct the NFA flag or link the assessment "
                        "(CIN rule 8831)."
                    ),
                )
            )
    return apply_problems(pd.DataFrame({"source_row": []}), combine(parts))


def clock_fallback_rows(
    assessments: pd.DataFrame,
    referrals: pd.DataFrame,
    *,
    assessments_file: str = "",
    referrals_file: str = "",
    assessment_headers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Warnings for the referral-date clock: assessments with no referral on or before their start.

    With ``clock="referral"`` such an assessment's clock starts at its own
    start date instead (:func:`xladdin.core.measures.clock_fallbacks`). It is
    still counted; the warning says why its clock did not start at a referral.
    Rows already kept out of the figures are not listed again.
    """
    ah = {**ASSESSMENT_HEADERS, **(assessment_headers or {})}
    ok = (assessments["problem"] == "").to_numpy() if "problem" in assessments else True
    fell = clock_fallbacks(assessments, referrals) & ok
    if not fell.any():
        return apply_problems(pd.DataFrame({"source_row": []}), combine([]))
    r_ok = referrals["problem"] == "" if "problem" in referrals else True
    known = set(referrals.loc[referrals["referral_date"].notna() & r_ok, "child_id"].astype(str))
    later = assessments.loc[fell, "child_id"].astype(str).isin(known).to_numpy()
    why = np.where(
        later,
        f"the child's referrals in {referrals_file} are all after the start",
        f"{referrals_file} has no referral of this child",
    ).astype(object)
    rows = flag_rows(
        assessments,
        fell,
        file=assessments_file,
        column=ah["start"],
        value=lambda sub: text_date(sub["start"]),
        rule="clock",
        reason="Referral-date clock: "
        + why
        + ", so this assessment's clock starts at its own start date. Still counted; check that the "
        "referral is in List 3 with the right child ID and date.",
    )
    return apply_problems(pd.DataFrame({"source_row": []}), combine([rows]))
