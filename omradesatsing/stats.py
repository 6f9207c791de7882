"""Indicator statistics: pure functions, no database and no Streamlit."""

from __future__ import annotations

import math

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
