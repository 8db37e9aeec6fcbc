"""vbaProject.bin from source text, read back by an independent reader (oletools olevba).

olevba (oletools 0.60) is not the writer under test: it parses the OLE file,
the dir stream and the compressed module streams by its own code, so a module
it reads back byte-for-byte is one the MS-OVBA structures really hold.
"""

from __future__ import annotations

import random
import struct
import warnings
from pathlib import Path

import olefile
import pytest

with warnings.catch_warnings():  # oletools 0.60 uses pyparsing names deprecated since 3.0
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser, decompress_stream

from xladdin.errors import WorkbookError
from xladdin.excel.vbaproject import build_vba_project, compress, normalise_source
from xladdin.excel.xlsm import vba_sources

HERE = Path(__file__).parent


def _long_module(lines: int) -> str:
    # Varied text so the compressor meets both literals and copy tokens across many chunks.
    rng = random.Random(7)
    body = [f"    total = total + {rng.randrange(10**6)} ' line {i} of a long module" for i in range(lines)]
    return (
        'Attribute VB_Name = "Long"\nFunction Big() As Long\n    Dim total As Long\n'
        + "\n".join(body)
        + "\nEnd Function\n"
    )


def _read_back(blob: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "vbaProject.bin"
    path.write_bytes(blob)
    parser = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


@pytest.mark.parametrize("size", [0, 1, 2, 3, 100, 4095, 4096, 4097, 8192, 20000])
def test_compress_round_trips_through_oletools(size):
    text = (_long_module(400).encode("cp1252") * 2)[:size]
    assert bytes(decompress_stream(bytearray(compress(text)))) == text


def test_compress_incompressible_full_chunk_is_stored_raw():
    data = random.Random(3).randbytes(4096)
    packed = compress(data)
    assert packed[1:3] == (0x3FFF).to_bytes(2, "little")  # MS-OVBA 2.4.1.3.10 raw chunk header
    assert bytes(decompress_stream(bytearray(packed))) == data


def test_ms_ovba_own_compressor_still_corrupts_text():
    # Why xladdin.excel.vbaproject carries its own compressor. If this starts failing, ms-ovba was
    # fixed upstream and the work-around in vba.py can go.
    from ms_ovba_compression.ms_ovba import MsOvba

    text = vba_sources()["Performance"].replace("\n", "\r\n").encode("cp1252")
    assert bytes(decompress_stream(bytearray(MsOvba().compress(text)))) != text


def test_olevba_reads_back_every_module_exactly(tmp_path):
    modules = dict(vba_sources())
    modules["Long"] = _long_module(1500)  # ~90 KB: many 4096-byte chunks
    got = _read_back(build_vba_project(modules), tmp_path)
    assert set(got) == {"ThisWorkbook", *modules}
    for name, source in modules.items():
        assert got[name] == source.replace("\n", "\r\n"), name
    assert 'Attribute VB_Name = "ThisWorkbook"' in got["ThisWorkbook"]


def test_a_missing_attribute_line_is_added(tmp_path):
    got = _read_back(build_vba_project({"Tiny": "Sub Hello()\nEnd Sub\n"}), tmp_path)
    assert got["Tiny"] == 'Attribute VB_Name = "Tiny"\r\nSub Hello()\r\nEnd Sub\r\n'


def test_references_office_for_iribboncontrol_and_not_the_xlwings_addin(tmp_path):
    path = tmp_path / "vbaProject.bin"
    path.write_bytes(build_vba_project(vba_sources()))
    with olefile.OleFileIO(str(path)) as ole:
        dir_stream = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    # REFERENCEREGISTERED libid for MSO.DLL (Office 16.0 Object Library), MS-OVBA 2.3.4.2.2.5.
    assert b"{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}" in dir_stream
    assert b"stdole2.tlb" in dir_stream
    # Registered references only (libid "*\\G{guid}..."): no REFERENCEPROJECT (2.3.4.2.2.6, libid
    # "*\\C<path>") to the xlwings add-in. With one, a PC without the add-in marks it MISSING
    # and nothing compiles: "Can't find project or library" instead of Performance.bas's message.
    assert dir_stream.count(b"*\\G{") == 2  # stdole and Office
    assert b"*\\C" not in dir_stream and b"xlwings.xlam" not in dir_stream
    assert not _has_project_reference(dir_stream)


def _has_project_reference(dir_stream: bytes) -> bool:
    """A REFERENCEPROJECT record (id 0x000E) right after a REFERENCENAME record (MS-OVBA 2.3.4.2.2)."""
    at = 0
    while (at := dir_stream.find(b"\x16\x00", at)) >= 0:  # REFERENCENAME id 0x0016
        try:
            (size,) = struct.unpack_from("<I", dir_stream, at + 2)
            unicode_at = at + 6 + size  # then 0x003E, size, the name in UTF-16
            (ident, usize) = struct.unpack_from("<HI", dir_stream, unicode_at)
            if ident == 0x003E:
                (record,) = struct.unpack_from("<H", dir_stream, unicode_at + 6 + usize)
                if record == 0x000E:
                    return True
        except struct.error:
            pass
        at += 2
    return False


def test_the_project_reference_check_catches_one():
    # A REFERENCENAME "xlwings" followed by a REFERENCEPROJECT, as the earlier builds wrote it.
    name = b"xlwings"
    record = (
        struct.pack("<HI", 0x0016, len(name)) + name
        + struct.pack("<HI", 0x003E, 2 * len(name)) + name.decode().encode("utf-16-le")
        + struct.pack("<HII", 0x000E, 30, 20) + b"*\\CC:\\x\\xlwings.xlam"
    )  # fmt: skip
    assert _has_project_reference(b"\x00" * 8 + record)
    assert not _has_project_reference(record.replace(b"\x0e\x00\x1e", b"\x0d\x00\x1e"))


def test_build_is_reproducible_and_leaves_random_state_alone():
    random.seed(99)
    before = random.random()
    random.seed(99)
    first = build_vba_project(vba_sources())
    assert random.random() == before
    assert build_vba_project(vba_sources()) == first


def test_bad_sources_are_named():
    with pytest.raises(WorkbookError, match=r"VBA module 'Ribbon': its first line names 'Other'"):
        build_vba_project({"Ribbon": 'Attribute VB_Name = "Other"\nSub X()\nEnd Sub\n'})
    with pytest.raises(WorkbookError, match=r"VBA module 'Ribbon': '→' is not a Windows-1252 character"):
        normalise_source("Ribbon", "' a → b\n")
    with pytest.raises(WorkbookError, match=r"VBA module name '1st' is not usable"):
        build_vba_project({"1st": "Sub X()\nEnd Sub\n"})
    with pytest.raises(WorkbookError, match=r"VBA module name 'ThisWorkbook' is not usable"):
        build_vba_project({"ThisWorkbook": "Sub X()\nEnd Sub\n"})
