"""Indicator statistics: pure functions, no database and no Streamlit."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pymannkendall as mk

Z95 = 1.959963984540054


def wilson_interval(numerator: int, denominator: int, z: float = Z95) -> tuple[float, float]:
    """95 % Wilson score interval for a proportion, as fractions (0..1).

    Used by FHI and Fingertips for small-area proportions because it stays inside [0, 1]
    and behaves well for small counts.
    """
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    if not 0 <= numerator <= denominator:
        raise ValueError("numerator must be between 0 and denominator")
    p = numerator / denominator
    z2 = z * z
    centre = p + z2 / (2 * denominator)
    margin = z * math.sqrt(p * (1 - p) / denominator + z2 / (4 * denominator * denominator))
    scale = 1 + z2 / denominator
    return max(0.0, (centre - margin) / scale), min(1.0, (centre + margin) / scale)


def difference(value: float | None, reference: float | None) -> float | None:
    """value − reference, or None when either is missing."""
    if value is None or reference is None:
        return None
    return value - reference


def compare_to_reference(
    ci_low: float | None, ci_high: float | None, reference: float | None
) -> str:
    """'higher', 'lower' or 'similar' (no certain difference), or 'unknown' without an interval."""
    if ci_low is None or ci_high is None or reference is None:
        return "unknown"
    if ci_low > reference:
        return "higher"
    if ci_high < reference:
        return "lower"
    return "similar"


# Units whose values are proportions of counts, and the factor from a fraction to the unit.
PROPORTION_SCALE = {"percent": 100.0, "per_1000": 1000.0}


def proportion_interval(numerator, denominator, unit: str) -> tuple[float | None, float | None]:
    """Wilson interval in the indicator's unit (``37.9`` %, not ``0.379``); ``(None, None)`` when
    the unit is not a proportion or the counts are missing or inconsistent."""
    scale = PROPORTION_SCALE.get(unit)
    if scale is None or _missing(numerator) or _missing(denominator):
        return None, None
    numerator, denominator = int(numerator), int(denominator)
    if denominator <= 0 or not 0 <= numerator <= denominator:
        return None, None
    lo, hi = wilson_interval(numerator, denominator)
    return lo * scale, hi * scale


def difference_interval(n1: int, d1: int, n2: int, d2: int, z: float = Z95) -> tuple[float, float, float]:
    """Difference of two proportions p1 − p2 with Newcombe's hybrid score interval (method 10).

    Returns ``(difference, low, high)`` as fractions. Newcombe (1998), Stat Med 17:873–890.
    Used to say whether a change between two periods is certain; the periods are treated as
    independent samples, which is conservative for a population followed over time.
    """
    p1, p2 = n1 / d1, n2 / d2
    l1, u1 = wilson_interval(n1, d1, z)
    l2, u2 = wilson_interval(n2, d2, z)
    diff = p1 - p2
    low = diff - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = diff + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return diff, low, high


def change_certainty(n1, d1, n2, d2, unit: str) -> str:
    """'certain' when the interval of the change from period 2 to period 1 excludes 0,
    'uncertain' when it includes 0, 'unknown' without counts or for a unit that is not a proportion."""
    if unit not in PROPORTION_SCALE or any(_missing(x) for x in (n1, d1, n2, d2)):
        return "unknown"
    n1, d1, n2, d2 = int(n1), int(d1), int(n2), int(d2)
    if min(d1, d2) <= 0 or not (0 <= n1 <= d1 and 0 <= n2 <= d2):
        return "unknown"
    _, low, high = difference_interval(n1, d1, n2, d2)
    return "certain" if low > 0 or high < 0 else "uncertain"


def judgement(comparison: str, higher_is_better: bool | None) -> str:
    """Turn 'higher'/'lower'/'similar'/'unknown' into 'better'/'worse' where the indicator has a
    good direction; without one, 'higher'/'lower' stay (no value judgement)."""
    if comparison in ("similar", "unknown") or higher_is_better is None or _missing(higher_is_better):
        return comparison
    return "better" if (comparison == "higher") == bool(higher_is_better) else "worse"


MIN_TREND_POINTS = 5  # fewer cannot reach p < 0.05 in the Mann–Kendall test
MAX_TREND_POINTS = 10  # as Healthy Communities / Fingertips: the recent trend, not the whole history


@dataclass(frozen=True)
class Trend:
    """Result of the trend test on a series: ``direction`` is 'increasing', 'decreasing',
    'no_trend' or 'too_few'; ``n`` the number of periods tested, ``p`` the two-sided p-value and
    ``slope`` Sen's slope (per period) when tested."""

    direction: str
    n: int
    p: float | None = None
    slope: float | None = None


def trend_test(values, alpha: float = 0.05) -> Trend:
    """Mann–Kendall test (pymannkendall, normal approximation with tie correction) on the last
    ``MAX_TREND_POINTS`` values in period order; missing values are left out."""
    series = [float(v) for v in values if not _missing(v)][-MAX_TREND_POINTS:]
    if len(series) < MIN_TREND_POINTS:
        return Trend("too_few", len(series))
    result = mk.original_test(series, alpha=alpha)
    direction = {"increasing": "increasing", "decreasing": "decreasing"}.get(result.trend, "no_trend")
    return Trend(direction, len(series), float(result.p), float(result.slope))


def trend_judgement(direction: str, higher_is_better: bool | None) -> str:
    """'improving'/'worsening' for a significant trend on an indicator with a good direction,
    else the direction itself ('increasing', 'decreasing', 'no_trend', 'too_few')."""
    if direction not in ("increasing", "decreasing") or higher_is_better is None or _missing(higher_is_better):
        return direction
    return "improving" if (direction == "increasing") == bool(higher_is_better) else "worsening"


def baseline_year(years, start_year: int) -> int | None:
    """The year to measure change 'since the programme started' from: the last year with a value
    up to and including the start year, else the first year after it."""
    years = sorted(int(y) for y in years)
    before = [y for y in years if y <= start_year]
    if before:
        return before[-1]
    return years[0] if years else None


def spine_positions(reference, low, high, higher_is_better: bool | None, **points) -> dict[str, float | None]:
    """Positions (0..1) on a spine chart row, Fingertips style.

    The reference (Bergen) is in the middle; the row is scaled so that the zone farthest from it
    (or a point farther still) reaches an edge; it is flipped for "lower is better" so that left
    is always the less favourable side. Returns ``low``/``high`` (the ends of the zone range after
    flipping: ``low`` is the least favourable end) and one position per keyword in ``points``
    (e.g. ``value=``, ``q1=``, ``q3=``); a missing point gives ``None``.
    """
    if _missing(reference) or _missing(low) or _missing(high):
        return {"low": None, "high": None, **{k: None for k in points}}
    candidates = [abs(low - reference), abs(high - reference)]
    candidates += [abs(v - reference) for v in points.values() if not _missing(v)]
    spread = max(candidates) or 1.0
    flip = higher_is_better is not None and not _missing(higher_is_better) and not higher_is_better
    sign = -1.0 if flip else 1.0

    def pos(x):
        return None if _missing(x) else 0.5 + sign * (float(x) - reference) / (2 * spread)

    ends = sorted([pos(low), pos(high)])
    return {"low": ends[0], "high": ends[1], **{k: pos(v) for k, v in points.items()}}


def _missing(x) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return str(x) in {"<NA>", "nan"}
