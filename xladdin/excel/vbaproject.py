"""Build a ``vbaProject.bin`` (MS-OVBA inside an OLE compound file) from VBA source text.

The convention that causes mistakes: a module's source must start with
``Attribute VB_Name = "<name>"`` (as a ``.bas`` export does) and is stored with
CRLF line ends in Windows-1252; Excel compiles it on first open because the
project carries no performance cache (MS-OVBA 2.3.4.1: ``_VBA_PROJECT``
version 0xFFFF means "source only, recompile").

This is the ONE place that knows the writer, so that it can be replaced. It
uses ``ms-ovba`` 0.0.1 (MIT, PyPI) for the streams and the OLE container, with
three work-arounds, each checked by tests/test_vba.py:

* ms-ovba's compressor (``ms_ovba_compression`` 0.0.x) corrupts sources longer
  than a few hundred bytes (olevba and its own decompressor both read back
  garbage), so :func:`compress` below (MS-OVBA 2.4.1.3) replaces it during the build;
* ms-ovba writes its intermediate files into the current directory, so the
  build runs inside a private temporary directory;
* its password-field encryption draws from :mod:`random`, so the build seeds it
  (and restores the caller's random state) to make the bytes reproducible.
"""

from __future__ import annotations

import contextlib
import random
import re
import tempfile
import threading
import uuid
from pathlib import Path

from xladdin.errors import WorkbookError

#: A fixed project id keeps the output reproducible (any GUID will do).
PROJECT_ID = "{5C4B6F0E-2D7A-4B8E-9C1F-0A1B2C3D4E5F}"
# VBA type libraries referenced by a new Excel project: stdole (OLE Automation) and the
# Office library, which defines IRibbonControl for the ribbon callbacks.
_REFERENCES = [
    ("stdole", "0002043000000000C000000000000046", "2.0",
     r"C:\Windows\System32\stdole2.tlb", "OLE Automation"),
    ("Office", "2DF8D04C5BFA101BBDE500AA0044DE52", "2.0",
     r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
     "Microsoft Office 16.0 Object Library"),
]  # fmt: skip
# No reference to the xlwings add-in's project: Performance.bas reaches the add-in by name
# (Application.Run), so the project compiles, and explains itself, when the add-in is missing.
_NAME_LINE = re.compile(r'^Attribute VB_Name = "([^"]*)"')
_LOCK = threading.Lock()  # the build changes the working directory and random state


def normalise_source(name: str, source: str) -> str:
    """The module text as stored: CRLF line ends, ending in CRLF, ``Attribute VB_Name`` first.

    Raises:
        WorkbookError: if the text names another module or has characters outside Windows-1252.
    """
    lines = source.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n").split("\n")
    match = _NAME_LINE.match(lines[0]) if lines else None
    if match is None:
        lines.insert(0, f'Attribute VB_Name = "{name}"')
    elif match.group(1) != name:
        raise WorkbookError(
            f"VBA module {name!r}: its first line names {match.group(1)!r}; "
            f"make the file name and 'Attribute VB_Name' agree."
        )
    text = "\r\n".join(lines) + "\r\n"
    try:
        text.encode("cp1252")
    except UnicodeEncodeError as exc:
        raise WorkbookError(
            f"VBA module {name!r}: {text[exc.start : exc.end]!r} is not a Windows-1252 character; "
            "VBA source must be plain text (use straight quotes and ASCII dashes)."
        ) from None
    return text


def compress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1.3 compression: greedy longest match within each 4096-byte chunk.

    A copy token packs (offset - 1, length - 3) into 16 bits; the offset gets
    ``max(4, ceil(log2(position in chunk)))`` of them (2.4.1.3.19.1 CopyTokenHelp).
    A chunk that would grow past 4096 bytes is stored raw (flag 0, exactly 4096
    bytes, so a short last chunk gains trailing NULs; VBA text never gets there).
    """
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start : start + 4096]
        body = _compress_chunk(chunk)
        if len(body) > 4096:  # incompressible: a raw chunk, zero-padded (2.4.1.3.10)
            out += (0x3000 | 4095).to_bytes(2, "little") + chunk.ljust(4096, b"\x00")
        else:
            out += (0xB000 | (len(body) - 1)).to_bytes(2, "little") + body
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    seen: dict[bytes, list[int]] = {}  # 3-byte prefix -> earlier positions in the chunk
    pos, n = 0, len(chunk)

    def remember(upto: int) -> None:
        for i in range(remember.next, upto):  # type: ignore[attr-defined]
            seen.setdefault(chunk[i : i + 3], []).append(i)
        remember.next = max(remember.next, upto)  # type: ignore[attr-defined]

    remember.next = 0  # type: ignore[attr-defined]
    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            remember(pos)
            bits = max(4, (pos - 1).bit_length()) if pos > 1 else 4
            longest = min((0xFFFF >> bits) + 3, n - pos)
            best_len = best_off = 0
            for cand in reversed(seen.get(chunk[pos : pos + 3], ())):
                length = 0
                # Overlapping copies are allowed: the decoder copies byte by byte.
                while length < longest and chunk[cand + length] == chunk[pos + length]:
                    length += 1
                if length > best_len:
                    best_len, best_off = length, pos - cand
                    if length == longest:
                        break
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                pos += best_len
            else:
                out.append(chunk[pos])
                pos += 1
        out[flag_at] = flags
    return bytes(out)


def build_vba_project(modules: dict[str, str]) -> bytes:
    """A ``vbaProject.bin`` holding ``ThisWorkbook`` and one standard module per entry.

    Args:
        modules: module name -> VBA source (``.bas`` text, with or without its
            ``Attribute VB_Name`` line). Names: letters, digits, ``_``; at most 31.

    Returns:
        The bytes of the OLE file, identical for identical input.

    Raises:
        WorkbookError: for a bad module name or source text.
    """
    for name in modules:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,30}", name) or name == "ThisWorkbook":
            raise WorkbookError(
                f"VBA module name {name!r} is not usable: start with a letter, use letters, "
                "digits and _ only, at most 31 characters, and not 'ThisWorkbook'."
            )
    texts = {name: normalise_source(name, src) for name, src in modules.items()}
    with _LOCK, tempfile.TemporaryDirectory(prefix="xladdin-vba-") as tmp:
        state = random.getstate()
        random.seed(0)
        try:
            with contextlib.chdir(tmp), _our_compressor():
                _write_with_ms_ovba(Path(tmp), texts)
                return (Path(tmp) / "vbaProject.bin").read_bytes()
        finally:
            random.setstate(state)


@contextlib.contextmanager
def _our_compressor():
    from ms_ovba_compression.ms_ovba import MsOvba

    original = MsOvba.compress
    MsOvba.compress = lambda self, data: compress(data)  # type: ignore[method-assign]
    try:
        yield
    finally:
        MsOvba.compress = original  # type: ignore[method-assign]


def _write_with_ms_ovba(tmp: Path, texts: dict[str, str]) -> None:
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.project_ole_file import ProjectOleFile

    project = VbaProject()
    project.project_id = PROJECT_ID
    # PROJECTwm (module names in MBCS and UTF-16, MS-OVBA 2.3.3), as Excel writes it.
    project.include_projectwm()
    # As Excel writes it after HelpContextID (MS-OVBA 2.3.1.13 ProjectVersionCompat32).
    project.add_attribute("VersionCompatible32", "393222000")
    # The workbook's document module (Excel's Workbook class GUID), as ms-ovba's own CLI adds it.
    workbook = DocModule("ThisWorkbook")
    cls = tmp / "ThisWorkbook.cls"
    cls.write_text(
        "VERSION 1.0 CLASS\nBEGIN\n  MultiUse = -1  'True\nEND\n"
        'Attribute VB_Name = "ThisWorkbook"\nAttribute VB_GlobalNameSpace = False\n'
        "Attribute VB_Creatable = False\nAttribute VB_PredeclaredId = True\n"
        "Attribute VB_Exposed = True\n",
        encoding="cp1252",
    )
    workbook.add_file(str(cls))
    workbook.add_guid(uuid.UUID("0002081900000000C000000000000046"))
    workbook.normalize_file()
    project.add_module(workbook)
    for name, text in texts.items():
        path = tmp / f"{name}.bas"
        # ms-ovba compresses "<path>.new"; write it ourselves (exact cp1252 CRLF bytes)
        # instead of its normalize_file, which reads with the locale's encoding.
        Path(f"{path}.new").write_bytes(text.encode("cp1252"))
        module = StdModule(name)
        module.add_file(str(path))
        project.add_module(module)
    for short, guid, version, tlb, title in _REFERENCES:
        libid = LibidReference(uuid.UUID(guid), version, "0", tlb, title)
        project.add_reference(Reference(ReferenceRegistered(libid), short))
    ProjectOleFile.write_file(project)
