"""Turn a Chinese prompt text into tone-numbered pinyin for espeak-ng's `cmn-latn-pinyin` voice.

Debian's `cmn` voice reads Hanzi as English-sounding pinyin, while `cmn-latn-pinyin` reads
tone-numbered pinyin (`ni3 hao3`) well; so every prompt is converted before synthesis.
Digits are spelled out in Chinese first, the way a hotline operator would read them.
"""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

_DIGITS = "零一二三四五六七八九"
# On the phone 1 is read 幺 (yao) inside numbers so that it cannot be mistaken for 7.
_PHONE_DIGITS = "零幺二三四五六七八九"

# A run of three or more digits (phone, hotline and order numbers) is read digit by digit;
# one or two digits are a quantity or a key ("请按1", "5个工作日") and read as a cardinal.
_SPELLED_MIN_LENGTH = 3
_CARDINAL_MAX = 9999

_CLOCK_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3]):([0-5]\d)(?!\d)")
_TIME_RANGE_DASH = re.compile(r"(点|分)\s*[-–~～]\s*(?=[零一二三四五六七八九十两])")
_GROUPED_NUMBER = re.compile(r"\d+(?:-\d+)+")
_DIGIT_RUN = re.compile(r"\d+")
_SPACE_BEFORE_PAUSE = re.compile(r"\s+([,.;:?!])")
_HASH_KEY = re.compile(r"#号?")
_STAR_KEY = re.compile(r"\*号?")

# Chinese punctuation becomes the ASCII pause marks espeak-ng understands; quotes and
# brackets carry no sound and are dropped.
_PUNCTUATION = str.maketrans(
    {
        "。": ".",
        "、": ",",
        "，": ",",
        "；": ";",
        "：": ":",
        "？": "?",
        "！": "!",
        "…": ".",
        "—": ",",
        "《": " ",
        "》": " ",
        "「": " ",
        "」": " ",
        "“": " ",
        "”": " ",
        "‘": " ",
        "’": " ",
        "(": " ",
        ")": " ",
    }
)


def spell_digits(digits: str) -> str:
    """Read a digit string one digit at a time, 1 as 幺: "66100100" → "六六幺零零幺零零"."""
    return "".join(_PHONE_DIGITS[int(d)] for d in digits)


def cardinal(number: int) -> str:
    """Read 0–9999 as a Chinese cardinal: 5 → 五, 15 → 十五, 110 → 一百一十, 1005 → 一千零五."""
    if not 0 <= number <= _CARDINAL_MAX:
        raise ValueError(f"cardinal() reads 0-{_CARDINAL_MAX}, got {number}")
    if number == 0:
        return _DIGITS[0]
    reading, gap = "", False
    for power, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = number // power % 10
        if digit == 0:
            gap = bool(reading)
            continue
        reading += ("零" if gap else "") + _DIGITS[digit] + unit
        gap = False
    # 10–19 are said 十…, not 一十…
    return reading[1:] if 10 <= number <= 19 else reading


def _read_clock_time(match: re.Match[str]) -> str:
    hour, minute = int(match.group(1)), int(match.group(2))
    return cardinal(hour) + "点" + (cardinal(minute) + "分" if minute else "")


def _read_digit_run(match: re.Match[str]) -> str:
    digits = match.group(0)
    if len(digits) >= _SPELLED_MIN_LENGTH or (len(digits) > 1 and digits[0] == "0"):
        return spell_digits(digits)
    number = int(digits)
    # 两 is the spoken form of 2 before a measure word ("两个工作日").
    if number == 2 and match.string[match.end() : match.end() + 1] == "个":
        return "两"
    return cardinal(number)


def _read_grouped_number(match: re.Match[str]) -> str:
    # "0571-88776655": each group digit by digit, with a short pause at the dash.
    return "，".join(spell_digits(group) for group in match.group(0).split("-"))


def numbers_to_hanzi(text: str) -> str:
    """Replace every Arabic number in `text` by its Chinese reading (times, phones, counts)."""
    text = _CLOCK_TIME.sub(_read_clock_time, text)
    text = _TIME_RANGE_DASH.sub(r"\1至", text)
    text = _GROUPED_NUMBER.sub(_read_grouped_number, text)
    return _DIGIT_RUN.sub(_read_digit_run, text)


def to_pinyin_speech(text: str) -> str:
    """Convert a prompt to what the `cmn-latn-pinyin` voice should read.

    Hanzi become tone-numbered pinyin (neutral tone as 5, ü as v, 一/不 sandhi applied),
    numbers are read the hotline way, ASCII words are kept, punctuation becomes pauses.
    """
    normalised = unicodedata.normalize("NFKC", text)
    keys_named = _STAR_KEY.sub("星号", _HASH_KEY.sub("井号", normalised))
    hanzi_text = numbers_to_hanzi(keys_named).translate(_PUNCTUATION)
    segments = lazy_pinyin(
        hanzi_text, style=Style.TONE3, neutral_tone_with_five=True, tone_sandhi=True
    )
    # Non-Hanzi segments come back verbatim; punctuation inside them still needs mapping.
    words = " ".join(segment.translate(_PUNCTUATION) for segment in segments).split()
    return _SPACE_BEFORE_PAUSE.sub(r"\1", " ".join(words))
