"""PDF and PNG pages through LibreOffice headless and poppler's pdftoppm.

The convention that causes clashes: LibreOffice keeps one user profile per
user and refuses a second instance on the same profile, so every conversion
here runs with its own throw-away profile (``-env:UserInstallation``) and can
run beside another, or beside a LibreOffice the user has open.

Only the sheets visible in the file are printed (hidden sheets are left out),
using each sheet's print area, page breaks, header and footer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from xladdin.errors import ExportError

INSTALL_LIBREOFFICE = (
    "LibreOffice is needed to make the PDF and was not found (no `soffice` on PATH). Install it: "
    "on Debian/Ubuntu `sudo apt-get install libreoffice-calc-nogui`; on Windows or macOS from "
    "https://www.libreoffice.org/download/ (or set XLADDIN_SOFFICE to the soffice program). "
    "In Excel, the ribbon's Export opens the leadership file: save it as PDF from there "
    "(File > Export > Create PDF)."
)
INSTALL_POPPLER = (
    "pdftoppm (poppler) is needed for PNG pages and was not found: on Debian/Ubuntu "
    "`sudo apt-get install poppler-utils`."
)


def find_soffice() -> str:
    """The LibreOffice program: $XLADDIN_SOFFICE, else ``soffice``/``libreoffice`` on PATH.

    Raises:
        ExportError: saying how to install LibreOffice.
    """
    configured = os.environ.get("XLADDIN_SOFFICE")
    if configured and Path(configured).exists():
        return configured
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    mac = Path("/Applications/LibreOffice.app/Contents/MacOS/soffice")
    if mac.exists():
        return str(mac)
    raise ExportError(INSTALL_LIBREOFFICE)


def to_pdf(xlsx: Path | str, pdf: Path | str, *, timeout: float = 180) -> Path:
    """Convert a workbook to PDF with LibreOffice headless; return the PDF path.

    Raises:
        ExportError: LibreOffice missing, failed or timed out (naming the file).
    """
    xlsx, pdf = Path(xlsx), Path(pdf)
    soffice = find_soffice()
    with tempfile.TemporaryDirectory(prefix="xladdin-lo-") as tmp:
        profile = Path(tmp, "profile").as_uri()
        out = Path(tmp, "out")
        cmd = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(xlsx.resolve()),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ExportError(
                f"LibreOffice did not finish converting {xlsx.name} to PDF within {timeout:.0f} s: "
                "check the file opens in LibreOffice, and that no sheet is very large."
            ) from None
        made = out / (xlsx.stem + ".pdf")
        if done.returncode != 0 or not made.exists():
            detail = (done.stderr or done.stdout or "").strip().splitlines()[-1:] or ["no message"]
            raise ExportError(
                f"LibreOffice could not convert {xlsx.name} to PDF ({detail[0]}): "
                "open it in LibreOffice to see why."
            )
        pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(made), pdf)
    return pdf


def to_pngs(pdf: Path | str, out_dir: Path | str, *, dpi: int = 60, prefix: str | None = None) -> list[Path]:
    """One PNG per PDF page (``PREFIX-1.png`` ...), at ``dpi``; returns them in page order.

    Raises:
        ExportError: pdftoppm missing or failed.
    """
    pdf, out_dir = Path(pdf), Path(out_dir)
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise ExportError(INSTALL_POPPLER)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = prefix or pdf.stem
    for old in out_dir.glob(f"{stem}-*.png"):
        old.unlink()
    done = subprocess.run(
        [tool, "-png", "-r", str(dpi), str(pdf), str(out_dir / stem)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise ExportError(f"pdftoppm could not read {pdf.name}: {done.stderr.strip()}")
    pages = sorted(out_dir.glob(f"{stem}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    # pdftoppm pads page numbers to the width of the page count (-01); name them plainly.
    renamed = []
    for p in pages:
        target = p.with_name(f"{stem}-{int(p.stem.rsplit('-', 1)[1])}.png")
        p.rename(target)
        renamed.append(target)
    return renamed
