"""Numbers, money, percentages and dates in Norwegian (and English) formats, with Babel.

One place for every format on screen and in downloads: ``37,9 %``, ``305 100 kr``,
``12,7 mill. kr`` (English ``NOK 12.7m``), ``1. nov. 2026``.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.dates import format_date as _format_date
from babel.numbers import format_decimal

LOCALES = {"nb": "nb_NO", "nn": "nn_NO", "en": "en_GB"}
NBSP = "\u00a0"
_MILL = {"nb": "mill.\u00a0kr", "nn": "mill.\u00a0kr"}  # never broken across lines
_KR = {"nb": "kr", "nn": "kr", "en": "NOK"}
_PER_1000 = {"nb": "per 1 000", "nn": "per 1 000", "en": "per 1,000"}
_YEARS = {"nb": "år", "nn": "år", "en": "years"}


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or str(x) in {"<NA>", "nan", "NaT"}


missing = _missing  # None, NaN, <NA>, NaT: for the core's writers of text (omradesatsing.reports)


def years(start, end=None) -> str:
    """A span of years as written on every page and in the packs: ``2019–2026``, or ``2018`` for one year
    (no end, or the same)."""
    if _missing(end) or int(end) == int(start):
        return str(int(start))
    return f"{int(start)}–{int(end)}"


def number(x, decimals: int = 0, lang: str = "nb") -> str:
    """``1234.5`` → ``1 234,5`` (nb/nn) or ``1,234.5`` (en). Empty string for a missing value."""
    if _missing(x):
        return ""
    return _number(float(x), decimals, lang)


def rounded(x, decimals: int = 0) -> Decimal:
    """``x`` rounded half up (Norwegian practice: 23,25 → 23,3; 0,05 → 0,1), from its shortest
    decimal form, so a float that prints as 0.05 rounds as 0.05 does. Every shown number is rounded here."""
    exact = x if isinstance(x, Decimal) else Decimal(repr(float(x)) if isinstance(x, float) else str(x))
    out = exact.quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)
    return out.copy_abs() if out == 0 else out  # no "−0,0"


@lru_cache(maxsize=65_536)
def _number(x: float | Decimal, decimals: int, lang: str) -> str:
    """Babel takes ~45 µs a number; tables of thousands of amounts are formatted on every rerun."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(rounded(x, decimals), format=pattern,
                          locale=LOCALES.get(lang, "nb_NO")).replace("\u202f", NBSP)


def percent(x, decimals: int = 1, lang: str = "nb") -> str:
    """A value already in percent: ``37.9`` → ``37,9 %``."""
    if _missing(x):
        return ""
    return f"{number(x, decimals, lang)}{'' if lang == 'en' else NBSP}%"  # Språkrådet: space before %


def kroner(nok, lang: str = "nb") -> str:
    """Whole kroner: ``305100`` → ``305 100 kr``."""
    if _missing(nok):
        return ""
    return f"{number(int(nok), 0, lang)}{NBSP}{_KR.get(lang, 'kr')}"


def millions(nok, decimals: int = 1, lang: str = "nb") -> str:
    """Whole kroner as the number of millions, without the unit (a table whose header names it):
    ``12700000`` → ``12,7``; rounded as ``million_kroner`` rounds."""
    if _missing(nok):
        return ""
    return _number(Decimal(int(nok)).scaleb(-6), decimals, lang)  # exact: 23 250 000 → 23,3


def million_kroner(nok, decimals: int = 1, lang: str = "nb") -> str:
    """Whole kroner shown in millions: ``12700000`` → ``12,7 mill. kr`` (English ``NOK 12.7m``). Rounding only here."""
    if _missing(nok):
        return ""
    amount = millions(nok, decimals, lang)
    if lang == "en":
        return f"NOK{NBSP}{amount}m"  # short, as English financial text writes it: NOK 12.7m
    return f"{amount}{NBSP}{_MILL.get(lang, 'mill. kr')}"


def value(x, unit: str, decimals: int = 1, lang: str = "nb") -> str:
    """An indicator value in its unit."""
    if _missing(x):
        return ""
    if unit == "percent":
        return percent(x, decimals, lang)
    if unit == "nok":
        return kroner(int(rounded(x, 0)), lang)
    if unit == "per_1000":
        return f"{number(x, decimals, lang)} {_PER_1000.get(lang, 'per 1 000')}"
    if unit == "years":
        return f"{number(x, decimals, lang)} {_YEARS.get(lang, 'år')}"
    return number(x, decimals, lang)


_POINTS = {"nb": "%-poeng", "nn": "%-poeng", "en": "pp"}
MINUS = "\u2212"


def change(x, unit: str, decimals: int = 1, lang: str = "nb") -> str:
    """A signed change in the indicator's unit: ``-3.5`` percent → ``−3,5 %-poeng``, ``+0,9 %-poeng``;
    a change in kroner → ``+12 300 kr``. Zero has no sign."""
    if _missing(x):
        return ""
    x = float(x)
    shown = rounded(x, decimals if unit != "nok" else 0)  # the sign of the number shown, not of x
    sign = "+" if shown > 0 else (MINUS if shown < 0 else "")
    if unit == "percent":
        body = f"{number(abs(x), decimals, lang)}{NBSP}{_POINTS.get(lang, '%-poeng')}"
    else:
        body = value(abs(x), unit, decimals, lang)
    return f"{sign}{body}"


def date(d, lang: str = "nb") -> str:
    """``2026-11-01`` → ``1. nov. 2026``."""
    if _missing(d):
        return ""
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    if isinstance(d, dt.datetime):
        d = d.date()
    if hasattr(d, "to_pydatetime"):
        d = d.to_pydatetime().date()
    return _date(d, lang)


@lru_cache(maxsize=16_384)
def _date(d: dt.date, lang: str) -> str:
    """Babel takes ~70 µs a date; a table of 500 measures shows 1 500 of them on every rerun."""
    return _format_date(d, format="medium", locale=LOCALES.get(lang, "nb_NO"))

