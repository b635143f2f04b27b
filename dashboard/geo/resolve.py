"""Turn any way people write a Cambodian province into its NCDD code.

Matching runs in order: province code (``17``, ``KH-17``), exact match of the
normalised name against every known spelling (the gazetteer's names and the
reviewed former names and abbreviations of ``geodata/province_aliases.csv``),
then fuzzy matching with a confidence threshold. Below the threshold the answer
is *unresolved*, with suggestions, so a foreign place ("Bangkok") is never
matched silently. Abbreviations match only exactly, never fuzzily.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from dashboard.geo.gazetteer import ABBREVIATION, FORMER_NAME, WORD, load_aliases, load_gazetteer

#: Fuzzy scores (0-100) at or above this resolve; below it only suggest.
FUZZY_THRESHOLD = 84.0
#: The best fuzzy match must beat the best *other* province by this much.
FUZZY_MARGIN = 6.0
SUGGEST_MIN = 65.0
MIN_FUZZY_LENGTH = 5
#: Suggestions stay within this many points of the best one.
SUGGEST_SPREAD = 10.0
#: A former name ("Kampong Som") must beat a current name by this much to rank above it.
FORMER_NAME_PENALTY = FUZZY_MARGIN

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_KHMER = re.compile(r"[\u1780-\u17ff\u19e0-\u19ff]")
#: Khmer sequences that most fonts draw alike, each folded to one form (both spellings then match):
#: coeng TA for coeng DA (កណ្តាល / កណ្ដាល), the deprecated independent vowels U+17A3 and U+17A4
#: (Unicode's replacements), and the invisible inherent vowels U+17B4 and U+17B5 (dropped).
_KHMER_LOOKALIKES = (("\u17d2\u178f", "\u17d2\u178a"), ("\u17a3", "\u17a2"), ("\u17a4", "\u17a2\u17b6"),
                     ("\u17b4", ""), ("\u17b5", ""))


def _fold_khmer(text: str) -> str:
    for seen, canonical in _KHMER_LOOKALIKES:
        text = text.replace(seen, canonical)
    return text


_KHMER_PREFIXES = tuple(_fold_khmer(p) for p in ("រាជធានី", "ខេត្ត", "ក្រុង"))
_LATIN_FOLD = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i"})
_NOISE_WORDS = {
    "khett", "khet", "khaet", "province", "provincial", "prov", "krong", "municipality",
    "capital", "city", "of", "the", "reach", "reachtheani", "rajdhani",
}
_CODE = re.compile(r"^(?:kh)?[\s\-_.]*0*(\d{1,2})$")


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str  # the province's canonical English name
    score: float
    matched: str = ""  # the known spelling that came closest, when it is not the canonical name


@dataclass(frozen=True)
class Resolution:
    query: str
    code: str | None
    method: str  # "code", "exact", "fuzzy" or "unresolved"
    score: float = 0.0
    suggestions: tuple[Suggestion, ...] = field(default_factory=tuple)


def normalise(text: str) -> str:
    """A spacing-, case- and diacritic-free key for a province name."""
    text = unicodedata.normalize("NFC", str(text)).translate(_ZERO_WIDTH).strip()
    if _KHMER.search(text):
        text = _fold_khmer(re.sub(r"\s+", "", text))
        for prefix in _KHMER_PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text = text[len(prefix):]
        return text
    text = text.lower().translate(_LATIN_FOLD)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in _NOISE_WORDS]
    expand = _word_abbreviations()
    return "".join(expand.get(w, w) for w in words)


@lru_cache(maxsize=1)
def _word_abbreviations() -> dict[str, str]:
    """``kg`` -> ``kampong``: one-word abbreviations from the reviewed alias table."""
    return {a.spelling.lower(): a.means.lower() for a in load_aliases() if a.kind == WORD}


@dataclass(frozen=True)
class _Spelling:
    key: str
    code: str
    text: str
    kind: str  # "current", FORMER_NAME or ABBREVIATION


@lru_cache(maxsize=1)
def _spellings() -> tuple[_Spelling, ...]:
    """Every known spelling of every province, normalised (the gazetteer's, then the alias table's)."""
    found = [_Spelling(normalise(name), code, name, "current")
             for code, prov in load_gazetteer().items() for name in (prov.name_en, prov.name_km, *prov.alt_names)]
    found += [_Spelling(normalise(a.spelling), a.means, a.spelling, a.kind)
              for a in load_aliases() if a.kind in (FORMER_NAME, ABBREVIATION)]
    return tuple(s for s in found if s.key)


@lru_cache(maxsize=1)
def alias_index() -> dict[str, str]:
    """Every known spelling's normalised key mapped to its province code.

    Raises ``ValueError`` if one key would map to two provinces.
    """
    index: dict[str, str] = {}
    for spelling in _spellings():
        if index.setdefault(spelling.key, spelling.code) != spelling.code:
            raise ValueError(f"alias {spelling.text!r} maps to both {index[spelling.key]} and {spelling.code}")
    return index


@lru_cache(maxsize=1)
def _fuzzy_pool() -> dict[str, _Spelling]:
    """The spellings fuzzy matching compares against: names and former names, never abbreviations."""
    pool: dict[str, _Spelling] = {}
    for spelling in _spellings():
        if spelling.kind != ABBREVIATION:
            pool.setdefault(spelling.key, spelling)
    return pool


def _by_code(text: str) -> str | None:
    match = _CODE.match(text.strip().lower())
    if not match:
        return None
    code = f"{int(match.group(1)):02d}"
    return code if code in load_gazetteer() else None


def _best_per_province(key: str) -> list[Suggestion]:
    """Each province's closest spelling, best first (a former name counts less than a current one)."""
    pool = _fuzzy_pool()
    names = load_gazetteer()
    best: dict[str, tuple[float, str]] = {}
    for alias, score, _ in process.extract(key, list(pool), scorer=fuzz.ratio, limit=None):
        spelling = pool[alias]
        score = float(score) - (FORMER_NAME_PENALTY if spelling.kind == FORMER_NAME else 0.0)
        if score > best.get(spelling.code, (-1.0, ""))[0]:
            best[spelling.code] = (score, spelling.text)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))
    return [Suggestion(code, names[code].name_en, round(score, 1),
                       "" if text == names[code].name_en else text) for code, (score, text) in ranked]


@lru_cache(maxsize=4096)
def resolve(text: object) -> Resolution:
    """Resolve one province name, code or spelling."""
    query = "" if text is None else str(text)
    if not query.strip():
        return Resolution(query, None, "unresolved")
    code = _by_code(query)
    if code:
        return Resolution(query, code, "code", 100.0)
    key = normalise(query)
    if not key:
        return Resolution(query, None, "unresolved")
    exact = alias_index().get(key)
    if exact:
        return Resolution(query, exact, "exact", 100.0)
    ranked = _best_per_province(key)
    suggestions = tuple(s for s in ranked[:3]
                        if s.score >= SUGGEST_MIN and s.score >= ranked[0].score - SUGGEST_SPREAD)
    if ranked and len(key) >= MIN_FUZZY_LENGTH and not _KHMER.search(key):
        top = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if top.score >= FUZZY_THRESHOLD and top.score - runner_up >= FUZZY_MARGIN:
            return Resolution(query, top.code, "fuzzy", top.score, suggestions)
    return Resolution(query, None, "unresolved", ranked[0].score if ranked else 0.0, suggestions)
