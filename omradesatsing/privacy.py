"""Small-number suppression (prikking) as every read applies it: the stored pattern, nothing decided here.

The pattern (which values are hidden, and why) is computed when data changes, over the whole store
at once, in ``omradesatsing.suppression``. A hidden row keeps who/where/when and gets
``suppressed=True``; value, counts, interval and note are emptied, so nothing downstream (chart,
map, table, download) can show them.
"""

from __future__ import annotations

import pandas as pd

# A note can quote the figure; a revised figure's previous value is a figure too.
HIDDEN_COLUMNS = ("value", "value_text", "numerator", "denominator", "ci_low", "ci_high", "note", "previous_value")


def _hide(df: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    for col in HIDDEN_COLUMNS:
        if col in df.columns:
            if df[col].dtype.kind in "iub":
                df[col] = df[col].astype("Float64")
            df.loc[mask, col] = None
    df.loc[mask, "suppressed"] = True
    return df


def hide(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` with every value the stored pattern does not publish emptied.

    ``df`` has a ``protection`` column (``IndicatorValue.protection``): only ``open`` is shown; a
    value not yet decided (NULL) is hidden too. ``suppressed`` becomes True for every hidden row.
    Nothing is decided here: the pattern was computed when the data changed
    (``omradesatsing.suppression.protect``).
    """
    out = df.copy()
    if out.empty:
        out["suppressed"] = pd.Series(dtype=bool)
        return out
    mask = (out["protection"].ne("open") | out["protection"].isna()).astype(bool)
    out["suppressed"] = False
    return _hide(out, mask)
