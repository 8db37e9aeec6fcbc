"""The demo's workbook, spotlight, leadership export, PDF and page images (``xladdin demo --out DIR``).

The commentary below is the kind an officer writes; it follows the seed
report's sections (a council's November 2024 Performance Spotlight) with the names
of people left out. Everything else comes from the demo extracts.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl

from xladdin.errors import ExportError
from xladdin.report.export import export_for_leadership
from xladdin.report.pdf import find_soffice, to_pngs
from xladdin.report.spotlight import write_spotlight
from xladdin.workbook.create import create_workbook
from xladdin.workbook.refresh import refresh
from xladdin.workbook.safe_save import save_atomically

DEMO_COMMENTARY = {
    "com_audit": (
        "In August and September 2024, managers across Children's Services audited the cases of children "
        "referred within 12 months of a previous referral. A group of auditors met with the Director of "
        "Children's Social Care to review the findings.\n"
        "Most families were re-referred for concerns similar to those of the previous intervention, most "
        "often domestic abuse, then risk outside the home and neglect.\n"
        "The findings identified these areas for focus:\n"
        "- Working with perpetrators and survivors of domestic abuse: seeing incidents as a pattern of "
        "behaviour rather than isolated events.\n"
        "- Working with children at risk outside the family home: consent, and timely initial visits.\n"
        "- Quality of closure records: a clear plan for remaining needs and the professional network."
    ),
    "com_action_plan": (
        "Domestic abuse\n"
        "- A staff training needs analysis by the Workforce Academy.\n"
        "- Good practice examples of the Safe and Together model shared to support practice development.\n"
        "- A domestic abuse practice month planned for early 2025.\n"
        "Risk outside the home\n"
        "- A new team within the Youth Justice Service delivers the contextual approach and focused "
        "deterrence work.\n"
        "Closure records\n"
        "- Updated guidance shared with managers and staff, with follow-up sessions in teams.\n"
        "- A follow-up audit of closure records three months after the training ends."
    ),
    "com_assessment": (
        "September first showed 67%: the data counted assessments completed on the final day as late. "
        "Corrected, September is 76%, still below the 81% target, and October improved to 84%.\n"
        "Senior leadership asked management teams to look for any underlying issues. Assessment "
        "timeliness was discussed in assurance clinics with every part of the service.\n"
        "As assessment activity increases, managers are focused on the quality and timeliness of "
        "assessments so that needs are identified, risks assessed, and plans reflect the strengths of the "
        "family and wider network."
    ),
}


#: Comparators on the demo's Settings sheet: invented, and said to be so in their source text.
#: (The statistical-neighbour average is "in line with" the seed's 81% target, as the seed says.)
#: Real ones come from DfE's "Characteristics of children in need", by local authority.
EXAMPLE = "Example figure, not real data"
DEMO_RATES = {
    "timeliness": {"england": 82.1, "neighbours": 80.6, "region": 79.4},
    "rereferral": {"england": 22.4, "neighbours": 20.8, "region": 21.5},
}
DEMO_COMPARATORS: dict[str, object] = {}
for _measure, _rates in DEMO_RATES.items():
    for _who, _rate in _rates.items():
        _key = f"{_measure}_{_who}"
        DEMO_COMPARATORS.update({_key: _rate, _key + "_year": "2023-24", _key + "_source": EXAMPLE})


def build_lite_demo(out_dir: Path | str, *, month: str = "2024-09") -> Path:
    """``performance-lite.xlsx``: the workbook for xlwings Lite, with the demo's Settings and commentary.

    Its extract sheets are empty on purpose: loading the demo CSVs into them (Data > From
    Text/CSV) is the officer's first step in Lite, and docs/excel-acceptance.md tries it.
    """
    from xladdin.excel.lite.parts import add_lite_parts, build_lite_workbook

    path = Path(out_dir) / "performance-lite.xlsx"
    build_lite_workbook(path, {"month": month, **DEMO_COMPARATORS})
    wb = openpyxl.load_workbook(path)
    for name, text in DEMO_COMMENTARY.items():
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        wb[sheet][ref.replace("$", "")].value = text
    save_atomically(wb, path, backup=False)  # openpyxl drops the Lite parts: they are put back below
    return add_lite_parts(path)


def build_demo_outputs(
    out_dir: Path | str,
    extracts: dict[str, Path],
    *,
    month: str = "2024-09",
    progress: Callable[[str], None] | None = None,
) -> dict[str, Path]:
    """Write the demo's performance workbook, spotlight, leadership export, PDF and PNG pages.

    Args:
        out_dir: folder to write into (created if missing).
        extracts: ``{"assessments": ..., "referrals": ..., "audit": ...}`` paths
            (``xladdin.demo.write_demo_extracts``).
        month: the reporting month.

    Returns:
        ``workbook`` (refreshed), ``spotlight`` (workbook with the Spotlight
        sheet), ``export`` (leadership xlsx), ``pdf``, and ``page_1``,
        ``page_2``, ... (PNG of each PDF page, 60 dpi).
        Without LibreOffice there is no ``pdf`` and no pages (the caller says so).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda _m: None)
    settings = {
        "month": month,
        **DEMO_COMPARATORS,
        **{k: str(Path(v).resolve()) for k, v in extracts.items()},
    }
    workbook = out / "performance.xlsx"
    say("Creating the performance workbook")
    create_workbook(workbook, settings)
    wb = openpyxl.load_workbook(workbook)
    for name, text in DEMO_COMMENTARY.items():
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        wb[sheet][ref.replace("$", "")].value = text
    save_atomically(wb, workbook, backup=False)
    say("Refreshing from the extracts")
    refresh(workbook, progress=say)
    spotlight = out / "performance-spotlight.xlsx"
    shutil.copyfile(workbook, spotlight)
    say("Building the spotlight")
    write_spotlight(spotlight)
    for backup in (out / "performance.bak.xlsx", out / "performance-spotlight.bak.xlsx"):
        backup.unlink(missing_ok=True)
    result: dict[str, Path] = {"workbook": workbook, "spotlight": spotlight}
    say("Exporting for leadership")
    try:
        find_soffice()
        pdf: Path | None = out / "spotlight-leadership.pdf"
    except ExportError:
        pdf = None  # a fresh machine with only Python: the xlsx files still get built
    export = export_for_leadership(spotlight, out / "spotlight-leadership.xlsx", pdf=pdf)
    result["export"] = export.xlsx
    if export.pdf is not None:
        result["pdf"] = export.pdf
        for i, png in enumerate(to_pngs(export.pdf, out / "pages", dpi=60, prefix="spotlight"), start=1):
            result[f"page_{i}"] = png
    return result
