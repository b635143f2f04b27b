"""Turn any way people write a Cambodian province into its NCDD code.

Matching runs in order: province code (``17``, ``KH-17``), exact match of the
normalised name against every known spelling, then fuzzy matching with a
confidence threshold. Below the threshold the answer is *unresolved*, with
suggestions, so a foreign place ("Bangkok") is never matched silently.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process

from dashboard.geo.gazetteer import load_gazetteer

#: Fuzzy scores (0-100) at or above this resolve; below it only suggest.
FUZZY_THRESHOLD = 84.0
#: The best fuzzy match must beat the best *other* province by this much.
FUZZY_MARGIN = 6.0
SUGGEST_MIN = 65.0
MIN_FUZZY_LENGTH = 5

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_KHMER = re.compile(r"[\u1780-\u17ff\u19e0-\u19ff]")
_KHMER_PREFIXES = ("រាជធានី", "ខេត្ត", "ក្រុង")
_LATIN_FOLD = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i"})
_NOISE_WORDS = {
    "khett", "khet", "khaet", "province", "provincial", "prov", "krong", "municipality",
    "capital", "city", "of", "the", "reach", "reachtheani", "rajdhani",
}
_CODE = re.compile(r"^(?:kh)?[\s\-_.]*0*(\d{1,2})$")


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str
    score: float


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
        text = re.sub(r"\s+", "", text)
        for prefix in _KHMER_PREFIXES:
            if text.startswith(prefix) and len(text) > len(prefix):
                text = text[len(prefix):]
        return text
    text = text.lower().translate(_LATIN_FOLD)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in _NOISE_WORDS]
    return "".join(words)


@lru_cache(maxsize=1)
def alias_index() -> dict[str, str]:
    """Every known spelling's normalised key mapped to its province code.

    Raises ``ValueError`` if one key would map to two provinces.
    """
    index: dict[str, str] = {}
    for code, prov in load_gazetteer().items():
        for name in (prov.name_en, prov.name_km, *prov.alt_names):
            key = normalise(name)
            if not key:
                continue
            if index.setdefault(key, code) != code:
                raise ValueError(f"alias {name!r} maps to both {index[key]} and {code}")
    return index


def _by_code(text: str) -> str | None:
    match = _CODE.match(text.strip().lower())
    if not match:
        return None
    code = f"{int(match.group(1)):02d}"
    return code if code in load_gazetteer() else None


def _best_per_province(key: str) -> list[Suggestion]:
    index = alias_index()
    names = load_gazetteer()
    best: dict[str, float] = {}
    for alias, score, _ in process.extract(key, list(index), scorer=fuzz.ratio, limit=None):
        code = index[alias]
        best[code] = max(best.get(code, 0.0), float(score))
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    return [Suggestion(code, names[code].name_en, round(score, 1)) for code, score in ranked]


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
    suggestions = tuple(s for s in ranked[:3] if s.score >= SUGGEST_MIN)
    if ranked and len(key) >= MIN_FUZZY_LENGTH and not _KHMER.search(key):
        top = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if top.score >= FUZZY_THRESHOLD and top.score - runner_up >= FUZZY_MARGIN:
            return Resolution(query, top.code, "fuzzy", top.score, suggestions)
    return Resolution(query, None, "unresolved", ranked[0].score if ranked else 0.0, suggestions)
