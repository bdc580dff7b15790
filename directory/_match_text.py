"""Text clean-up for the department matcher: query normalisation, city names, name stems."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable

# Keep Chinese characters, latin letters and digits; everything else (spaces, punctuation,
# full-width symbols after NFKC) is noise for matching.
_NOISE = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_NOT_HAN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff]+")

# Generic endings of organisation names. A name's stem (水务集团有限公司 → 水务) is scored
# as an extra, slightly discounted surface so that "shuiwu" reaches 水务公司 as well as
# 税务局; the query itself is never stemmed because 局/公司 tell those two apart.
_GENERIC_ENDINGS = (
    "有限责任公司",
    "有限公司",
    "委员会办公室",
    "委员会",
    "办公室",
    "管理中心",
    "服务中心",
    "管理局",
    "管理处",
    "集团",
    "公司",
    "中心",
    "支队",
    "大队",
    "局",
    "处",
    "委",
    "办",
)
_CITY_ENDINGS = ("自治州", "地区", "市", "县", "区", "州", "盟")

ToSimplified = Callable[[str], str]


def normalise(text: str, to_simplified: ToSimplified) -> str:
    """Full-width → half-width, traditional → simplified, lowercase, noise removed."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = to_simplified(text)
    return _NOISE.sub("", text.lower())


def spaced(text: str, to_simplified: ToSimplified) -> str:
    """Like normalise, but keeps one space between words (for pinyin and English)."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = to_simplified(text)
    return " ".join(_NOISE.sub(" ", text.lower()).split())


def has_han(text: str) -> bool:
    """Whether the text holds any Chinese character."""
    return _HAN.search(text) is not None


def han_only(text: str) -> str:
    """The Chinese characters of a normalised text."""
    return _NOT_HAN.sub("", text)


def city_forms(city: str) -> tuple[str, ...]:
    """How a caller may name a city: 青山市 or 青山 (the bare form only if 2+ characters)."""
    forms = [city]
    for ending in _CITY_ENDINGS:
        if city.endswith(ending) and len(city) - len(ending) >= 2:
            forms.append(city[: -len(ending)])
            break
    return tuple(forms)


def without_cities(text: str, forms: Iterable[str]) -> str:
    """The text with every given city form removed (longest forms first)."""
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "")
    return text


def stem(name: str) -> str:
    """The name without generic organisation endings, or "" if nothing specific remains."""
    current = name
    changed = True
    while changed:
        changed = False
        for ending in _GENERIC_ENDINGS:
            if current.endswith(ending) and len(current) - len(ending) >= 2:
                current = current[: -len(ending)]
                changed = True
                break
    return current if current != name else ""
