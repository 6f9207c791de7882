"""Small-number suppression (prikking): pure functions, applied by ``omradesatsing.read`` to every read.

Rules, after SSB and FHI practice:
- primary: a value built on fewer than ``threshold`` cases (numerator) or from fewer than
  ``threshold`` people (denominator), or one suppressed at its source, is hidden;
- secondary: where exactly one unit in a complete set of siblings is hidden, the next smallest
  is hidden too, so the hidden one cannot be worked out from the total minus the others.

A hidden row keeps who/where/when and gets ``suppressed=True``; value, counts and interval are
emptied, so nothing downstream (chart, map, table, download) can show them.
"""

from __future__ import annotations

import pandas as pd

HIDDEN_COLUMNS = ("value", "value_text", "numerator", "denominator", "ci_low", "ci_high", "note")  # a note can quote the figure


def _hide(df: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    for col in HIDDEN_COLUMNS:
        if col in df.columns:
            if df[col].dtype.kind in "iub":
                df[col] = df[col].astype("Float64")
            df.loc[mask, col] = None
    df.loc[mask, "suppressed"] = True
    return df


def suppress(df: pd.DataFrame, threshold: int, sibling_groups: list[str] | None = None) -> pd.DataFrame:
    """Return a copy of ``df`` with small numbers hidden.

    ``df`` has at least ``numerator``, ``denominator`` and ``suppressed`` columns. With
    ``sibling_groups`` (e.g. ``["indicator", "year", "zone_level"]``), rows in one group are
    taken as a complete partition and secondary suppression is applied within it.
    """
    out = df.copy()
    if out.empty:
        return out
    out["suppressed"] = out["suppressed"].fillna(False).astype(bool)
    primary = pd.Series(False, index=out.index)
    for col in ("numerator", "denominator"):
        if col in out.columns:
            primary |= (pd.to_numeric(out[col], errors="coerce") < threshold).fillna(False).astype(bool)
    mask = out["suppressed"] | primary
    if sibling_groups:
        keys = out.groupby(sibling_groups, dropna=False, sort=False).ngroup()
        hidden = mask.groupby(keys).transform("sum")
        size = mask.groupby(keys).transform("size")
        # Only groups with exactly one hidden unit among several need a second one hidden.
        for _, idx in out.index.to_series()[(hidden == 1) & (size > 1)].groupby(keys).groups.items():
            candidates = out.loc[idx][~mask.loc[idx]]
            counts = pd.to_numeric(candidates["numerator"], errors="coerce") if "numerator" in candidates else None
            if counts is not None and counts.notna().any():
                mask.loc[counts.idxmin()] = True
            else:
                mask.loc[candidates.index[0]] = True
    return _hide(out, mask)
