"""Column-mapping files: read a local extract whose headers are not Annex A's, with no code change.

A mapping file names, for each list, the header in YOUR file for each
canonical column. Anything not mapped keeps its Ofsted Annex A header, so a
mapping only needs the columns that differ. Headers match the same way as
Annex A ones: case, spaces, underscores and punctuation are ignored.
``xladdin mapping-template EXTRACT`` writes a mapping for a file's own headers
(:func:`mapping_template`).

YAML (``.yaml``/``.yml``)::

    # mapping.yaml: our LCS export
    date_format: "%d/%m/%Y"           # optional; every list (strftime codes)
    assessments:
      child_id: "Person ID"
      start: "Assessment Start"
      authorised: "Date Completed"
      team: "Team"
      worker: "Social Worker"
      date_format: "%Y-%m-%d"         # optional; this list only
    referrals:
      referral_date: "Contact Date"
    audit:
      audit_id: "Ref"

TOML (``.toml``) has the same structure::

    date_format = "%d/%m/%Y"
    [assessments]
    child_id = "Person ID"
    start = "Assessment Start"

Lists are ``assessments`` (List 4), ``referrals`` (List 3) and ``audit``; the
canonical names are the keys of the header tables in
:mod:`xladdin.core.schema` (``child_id``, ``start``, ``authorised``, ``team``,
``worker``, ``referral_date``, ``source``, ``nfa``, ...). ``date_format`` is
for dates stored as text and is tried first; real Excel dates need no format.
Without it, every form of :mod:`xladdin.core.dates` is read (``dd/mm/yyyy``,
ISO ``yyyy-mm-dd``, ``2 Sep 2024``, with or without a time part, which is ignored).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xladdin.core.schema import ASSESSMENT_HEADERS, AUDIT_HEADERS, REFERRAL_HEADERS
from xladdin.errors import MappingError

#: Canonical columns of each list, with their Annex A headers.
KINDS: dict[str, dict[str, str]] = {
    "assessments": ASSESSMENT_HEADERS,
    "referrals": REFERRAL_HEADERS,
    "audit": AUDIT_HEADERS,
}
DEFAULT_DATE_FORMAT = "%d/%m/%Y"


def normalise_header(text: Any) -> str:
    """The form headers are compared in: letters and digits only, case-folded.

    ``"Referral NFA?"``, ``"referral_nfa"`` and ``"ReferralNFA"`` are all ``"referralnfa"``.
    """
    s = unicodedata.normalize("NFKC", str(text)).casefold()
    return "".join(ch for ch in s if ch.isalnum())


@dataclass(frozen=True)
class ColumnMapping:
    """A parsed mapping file.

    Attributes:
        source: where it came from (the file name, for messages).
        columns: list -> canonical name -> header in the local file.
        date_formats: list -> strftime format for text dates ("" key: every list).
    """

    source: str
    columns: dict[str, dict[str, str]] = field(default_factory=dict)
    date_formats: dict[str, str] = field(default_factory=dict)

    def headers(self, kind: str) -> dict[str, str]:
        """Canonical name -> expected header for ``kind``: Annex A, overridden by the mapping."""
        return {**KINDS[kind], **self.columns.get(kind, {})}

    def date_format(self, kind: str) -> str:
        """The text-date format for ``kind`` (default dd/mm/yyyy)."""
        return self.date_formats.get(kind) or self.date_formats.get("") or DEFAULT_DATE_FORMAT


def _check_format(fmt: Any, where: str) -> str:
    if not isinstance(fmt, str) or not fmt.strip():
        raise MappingError(f'{where} must be a text such as "%d/%m/%Y", not {fmt!r}.')
    probe = dt.date(2024, 9, 25)
    try:
        back = dt.datetime.strptime(probe.strftime(fmt), fmt).date()
    except ValueError as exc:
        raise MappingError(
            f"{where} is {fmt!r}, which is not a usable date format ({exc}). "
            'Use strftime codes such as "%d/%m/%Y".'
        ) from None
    if back != probe:
        raise MappingError(
            f"{where} is {fmt!r}, which does not hold a day, month and year. "
            'Use strftime codes such as "%d/%m/%Y".'
        )
    return fmt


def mapping_from_dict(data: Any, *, source: str = "mapping") -> ColumnMapping:
    """Validate a mapping already loaded from YAML/TOML (or written in code).

    Raises:
        MappingError: naming ``source`` and the key at fault.
    """
    if not isinstance(data, Mapping):
        raise MappingError(
            f"{source}: expected sections such as 'assessments:' with 'start: \"Assessment Start\"' "
            f"lines, found {type(data).__name__}."
        )
    columns: dict[str, dict[str, str]] = {}
    formats: dict[str, str] = {}
    for key, section in data.items():
        if key == "date_format":
            formats[""] = _check_format(section, f"{source}: date_format")
            continue
        if key not in KINDS:
            raise MappingError(
                f"{source}: unknown section '{key}'. Use one of: {', '.join(KINDS)} (and date_format)."
            )
        if not isinstance(section, Mapping):
            raise MappingError(
                f"{source}: section '{key}' must list 'canonical name: header' pairs, found {section!r}."
            )
        known = KINDS[key]
        cols: dict[str, str] = {}
        seen: dict[str, str] = {}
        for name, header in section.items():
            where = f"{source}: {key}.{name}"
            if name == "date_format":
                formats[key] = _check_format(header, where)
                continue
            if name not in known:
                raise MappingError(
                    f"{where}: unknown column name '{name}'. Known names for {key}: {', '.join(known)}."
                )
            if not isinstance(header, str) or not header.strip():
                raise MappingError(
                    f"{where} must be the header text in your file (in quotes), not {header!r}."
                )
            norm = normalise_header(header)
            if norm in seen:
                raise MappingError(
                    f"{where}: header '{header}' is already used for {key}.{seen[norm]}; "
                    "each header can map to one column only."
                )
            seen[norm] = name
            cols[name] = header.strip()
        columns[key] = cols
    return ColumnMapping(source=source, columns=columns, date_formats=formats)


def load_mapping(path: str | Path) -> ColumnMapping:
    """Read a YAML (``.yaml``/``.yml``, or any other name) or TOML (``.toml``) mapping file.

    Raises:
        MappingError: the file is missing or unreadable, or a key is wrong; the
            message names the file and the key.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise MappingError(f"{path}: mapping file does not exist. Check the path.")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(f"{name}: cannot read the mapping file ({exc}). Save it as UTF-8 text.") from None
    import tomllib  # here: only a run with a mapping file needs the parsers

    import yaml

    try:
        if path.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        else:
            data = yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        detail = " ".join(str(exc).split())
        raise MappingError(
            f"{name}: not valid {'TOML' if path.suffix.lower() == '.toml' else 'YAML'}: {detail}"
        ) from None
    if data is None:
        raise MappingError(f"{name}: the mapping file is empty. See the example in the docs.")
    return mapping_from_dict(data, source=name)


def as_mapping(mapping: str | Path | ColumnMapping | Mapping[str, Any] | None) -> ColumnMapping:
    """Accept a path, a parsed :class:`ColumnMapping`, a plain dict, or None (Annex A headers)."""
    if mapping is None:
        return ColumnMapping(source="")
    if isinstance(mapping, ColumnMapping):
        return mapping
    if isinstance(mapping, (str, Path)):
        return load_mapping(mapping)
    return mapping_from_dict(mapping)
