"""The province gazetteer: Cambodia's 25 first-level units."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dashboard.paths import GAZETTEER_CSV, PROVINCE_ALIASES_CSV

TBOUNG_KHMUM = "25"
KAMPONG_CHAM = "03"


@dataclass(frozen=True)
class Province:
    code: str
    iso_3166_2: str
    name_en: str
    name_km: str
    alt_names: tuple[str, ...]
    pop_2008: int
    pop_2008_note: str
    pop_2019: int | None
    pop_2019_status: str
    area_km2: float


def _parse_row(row: dict[str, str]) -> Province:
    return Province(
        code=row["code"],
        iso_3166_2=row["iso_3166_2"],
        name_en=row["name_en"],
        name_km=row["name_km"],
        alt_names=tuple(a for a in row["alt_names"].split("|") if a),
        pop_2008=int(row["pop_2008"]),
        pop_2008_note=row["pop_2008_note"],
        pop_2019=int(row["pop_2019"]) if row["pop_2019"] else None,
        pop_2019_status=row["pop_2019_status"],
        area_km2=float(row["area_km2"]),
    )


@lru_cache(maxsize=4)
def load_gazetteer(path: Path = GAZETTEER_CSV) -> dict[str, Province]:
    """Provinces keyed by two-digit NCDD code, in code order."""
    with open(path, encoding="utf-8", newline="") as fh:
        provinces = [_parse_row(r) for r in csv.DictReader(fh)]
    return {p.code: p for p in sorted(provinces, key=lambda p: p.code)}


def name_en(code: str) -> str:
    return load_gazetteer()[code].name_en


def display_name(code: str) -> str:
    """The province's name in the interface language (Khmer names come from the gazetteer, not the catalog)."""
    from dashboard.i18n import get_language

    province = load_gazetteer()[code]
    return province.name_km if get_language() == "km" else province.name_en


#: Kinds of row in the alias table: a province's former name, an abbreviation of a whole
#: province name, or an abbreviation of one word (``Kg`` for ``Kampong``).
FORMER_NAME, ABBREVIATION, WORD = "former name", "abbreviation", "word"


@dataclass(frozen=True)
class Alias:
    spelling: str
    kind: str
    means: str  # a province code, or for WORD the word it stands for
    source: str


@lru_cache(maxsize=4)
def load_aliases(path: Path = PROVINCE_ALIASES_CSV) -> tuple[Alias, ...]:
    """The reviewed alias table; raises ``ValueError`` on a row without a source or with an unknown code."""
    codes = set(load_gazetteer())
    with open(path, encoding="utf-8", newline="") as fh:
        aliases = tuple(Alias(r["spelling"].strip(), r["kind"].strip(), r["means"].strip(), r["source"].strip())
                        for r in csv.DictReader(fh))
    for number, alias in enumerate(aliases, start=2):
        if alias.kind not in (FORMER_NAME, ABBREVIATION, WORD) or not alias.spelling or not alias.source:
            raise ValueError(f"{path.name} line {number}: needs a spelling, a known kind and a source")
        if alias.kind != WORD and alias.means not in codes:
            raise ValueError(f"{path.name} line {number}: {alias.means!r} is not a province code")
    return aliases
