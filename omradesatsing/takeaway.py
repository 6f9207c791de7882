"""The takeaway of one indicator in one plain sentence, for the presentation (folkemøte) slides.

Built from a gap row (``profiles.gap_row``), the same statistics as the area profile, and claiming no more
than they support:

- a movement («har gått ned siden 2019») only when the change since the programme started is certain
  (``change_base_certainty``), or else when the trend test finds a trend (``trend``); never from a
  difference of two numbers alone;
- a difference to Bergen («høyere enn i Bergen») only when the interval excludes Bergen's value
  (``comparison``); «men … fortsatt» when the movement is for the better and the level still worse than
  Bergen's (or the other way round);
- otherwise only the values.

Pure: no Streamlit, no database. The sentence is a ``catalogue.Text`` (bokmål as a string; a page shows it
with ``in_language``); the numbers in it are formatted for ``language``.
"""

from __future__ import annotations

import math

from omradesatsing import formatting as fmt
from omradesatsing.catalogue import Text


def _num(x) -> float | None:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _int(x) -> int | None:
    f = _num(x)
    return None if f is None else int(f)


def _movement(row) -> tuple[str | None, dict]:
    """('down'|'up', values for the clause) when the data support a movement, else (None, {})."""
    change, base_year = _num(row.get("change_base")), _int(row.get("base_year"))
    if change is not None and base_year is not None and change != 0 and row.get("change_base_certainty") == "certain":
        return ("down" if change < 0 else "up"), {"since": base_year}
    if row.get("trend") in ("increasing", "decreasing"):
        return ("down" if row["trend"] == "decreasing" else "up"), {"n": _int(row.get("trend_n")) or 0}
    return None, {}


def _is_good(direction: str, higher_is_better) -> bool | None:
    if higher_is_better is None or (isinstance(higher_is_better, float) and math.isnan(higher_is_better)):
        return None
    return (direction == "up") == bool(higher_is_better)


def takeaway(row, *, area: str, indicator: str, language: str = "nb") -> Text:
    """One sentence for ``row`` (a gap row: dict, or a pandas row with ``.get``), about ``area``.

    ``indicator`` is the indicator's name in ``language``; numbers are formatted for ``language``.
    """
    unit, decimals = row.get("unit") or "", _int(row.get("decimals"))
    decimals = 1 if decimals is None else decimals
    year = _int(row.get("year"))

    def shown(x) -> str:
        return fmt.value(x, unit, decimals, language)

    value = _num(row.get("value"))
    if bool(row.get("suppressed")) or value is None:
        return Text("takeaway.suppressed", indicator=indicator, area=area, year=year)
    city = _num(row.get("city_value"))
    values = {"indicator": indicator, "area": area, "value": shown(value), "year": year}
    comparison = row.get("comparison")
    direction, move = _movement(row)

    if direction is not None:
        if "since" in move:
            base = _num(row.get("base_value"))
            move_text = Text(f"takeaway.move_{direction}_since", since=move["since"], base=shown(base))
        else:
            move_text = Text(f"takeaway.move_{direction}_trend", n=move["n"])
    if comparison in ("higher", "lower"):
        judgement = row.get("judgement")
        good = _is_good(direction, row.get("higher_is_better")) if direction else None
        contrast = good is not None and judgement in ("better", "worse") and good == (judgement == "worse")
        cmp_text = Text(f"takeaway.{comparison}{'_still' if contrast else ''}", city=shown(city))
        if direction is None:
            return Text("takeaway.compared", cmp=cmp_text, **values)
        return Text("takeaway.moved_but" if contrast else "takeaway.moved_and", move=move_text, cmp=cmp_text,
                    **values)
    if comparison == "similar":
        cmp_text = Text("takeaway.similar", city=shown(city))
        if direction is None:
            return Text("takeaway.compared", cmp=cmp_text, **values)
        return Text("takeaway.moved_and", move=move_text, cmp=cmp_text, **values)
    # No certain comparison (no interval, or no value for Bergen): the movement and the values.
    if direction is not None:
        if city is None:
            return Text("takeaway.moved", move=move_text, **values)
        return Text("takeaway.moved_city", move=move_text, city=shown(city), **values)
    if city is None:
        return Text("takeaway.values", **values)
    return Text("takeaway.values_city", city=shown(city), **values)


def furthest_from_city(rows) -> int | None:
    """The position in ``rows`` (gap rows) of the area furthest from Bergen, relative to Bergen's value,
    among the areas with a visible latest value and a value for Bergen; ``None`` when there is none."""
    best, best_gap = None, -1.0
    for i, row in enumerate(rows):
        value, city = _num(row.get("value")), _num(row.get("city_value"))
        if value is None or city is None or bool(row.get("suppressed")):
            continue
        gap = abs(value - city) / abs(city) if city else abs(value - city)
        if gap > best_gap:
            best, best_gap = i, gap
    return best


def takeaway_for_areas(rows, names: list[str], *, indicator: str, language: str = "nb") -> Text | None:
    """For several areas one sentence is enough: the takeaway of the area furthest from Bergen, named as
    such. ``rows``: gap rows (dicts), ``names``: the areas' names in the same order. ``None`` without rows."""
    rows = list(rows)
    if not rows:
        return None
    if len(rows) == 1:
        return takeaway(rows[0], area=names[0], indicator=indicator, language=language)
    i = furthest_from_city(rows)
    if i is None:
        return takeaway(rows[0], area=names[0], indicator=indicator, language=language)
    return Text("takeaway.furthest", area=names[i],
                sentence=takeaway(rows[i], area=names[i], indicator=indicator, language=language))
