"""Classes and colours for indicator maps (mapclassify), with the rule *darker = less favourable*.

The palette is ColorBrewer YlOrRd, a sequential scheme marked safe for colour-blind readers;
it is reversed for indicators where a higher value is better (median income), so a dark zone
always means a worse situation. Zones without a value (no data, or suppressed) get a grey that
is not on the scale, with its own legend entry. Colour is never the only carrier: the values are
in the tooltip and in the table beside the map.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import mapclassify
import numpy as np

SCHEMES = ("quantiles", "natural_breaks", "equal_interval")
DEFAULT_K = 5
# ColorBrewer YlOrRd (Cynthia Brewer, Apache-2.0), light to dark, for 2–5 classes.
YLORRD = {
    2: ["#ffeda0", "#f03b20"],
    3: ["#ffeda0", "#feb24c", "#f03b20"],
    4: ["#ffffb2", "#fecc5c", "#fd8d3c", "#e31a1c"],
    5: ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
}
NO_DATA_HEX = "#c8c8c8"
JENKS_SAMPLE = 300


def hex_to_rgb(colour: str) -> list[int]:
    colour = colour.lstrip("#")
    return [int(colour[i:i + 2], 16) for i in (0, 2, 4)]


def _class_indices(upper: Sequence[float], y: np.ndarray) -> np.ndarray:
    """Class of each value: the first class whose upper bound it does not exceed (the last for larger)."""
    return np.minimum(np.searchsorted(np.asarray(upper) + 1e-9, y, side="left"), len(upper) - 1)


@dataclass(frozen=True)
class Classes:
    """``k`` classes: class ``i`` holds values in (``lower[i]``, ``upper[i]``] (the first includes its lower)."""

    lower: tuple[float, ...]
    upper: tuple[float, ...]
    colours: tuple[str, ...]  # hex, one per class, already ordered for the indicator's direction
    counts: tuple[int, ...]
    scheme: str

    @property
    def k(self) -> int:
        return len(self.upper)

    def index(self, value) -> int | None:
        """The class of ``value``, or None for a missing value."""
        if value is None or (isinstance(value, float) and np.isnan(value)) or self.k == 0:
            return None
        return int(_class_indices(self.upper, np.array([float(value)]))[0])

    def colour(self, value) -> str:
        i = self.index(value)
        return NO_DATA_HEX if i is None else self.colours[i]


def classify(values: Sequence, *, k: int = DEFAULT_K, scheme: str = "quantiles",
             higher_is_better: bool = False) -> Classes:
    """Classes for the non-missing ``values`` (fewer when there are fewer distinct values)."""
    y = np.array([float(v) for v in values if v is not None and not (isinstance(v, float) and np.isnan(v))])
    if y.size == 0:
        return Classes((), (), (), (), scheme)
    distinct = np.unique(y)
    k = max(1, min(k, distinct.size, max(YLORRD)))
    if k == 1:
        upper = [float(distinct[-1])]
    elif scheme == "natural_breaks":
        with warnings.catch_warnings():  # "Numba not installed": the pure-Python path is fine here
            warnings.simplefilter("ignore")
            if y.size > JENKS_SAMPLE:  # exact Fisher–Jenks is O(k·n²); a sample keeps it fast
                upper = list(mapclassify.FisherJenksSampled(y, k=k, pct=JENKS_SAMPLE / y.size).bins)
            else:
                upper = list(mapclassify.FisherJenks(y, k=k).bins)
    elif scheme == "equal_interval":
        upper = list(mapclassify.EqualInterval(y, k=k).bins)
    else:
        upper = list(mapclassify.Quantiles(y, k=k).bins)
    upper = sorted({float(b) for b in upper})  # quantiles can repeat a bin with tied values
    upper[-1] = max(upper[-1], float(y.max()))
    lower = [float(y.min())] + upper[:-1]
    k = len(upper)
    palette = YLORRD.get(k) or ["#fd8d3c"]
    colours = palette[::-1] if higher_is_better else palette
    idx = _class_indices(upper, y)
    counts = tuple(int((idx == i).sum()) for i in range(k))
    return Classes(tuple(lower), tuple(upper), tuple(colours[:k]), counts, scheme)
