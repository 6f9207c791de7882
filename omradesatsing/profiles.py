"""Gap rows and area profiles from indicator values already read (and suppressed): pure pandas.

A *gap row* is what a politician asks about one indicator in one area: the latest value,
Bergen's value that year, the difference and whether it is certain, the change since the
previous period and since the programme started, and the recent trend when a test supports it.
An *area overview* is one gap row per indicator plus the range over all zones (spine chart).
``read.indicators`` reads the frames; this module only computes, so it is tested without a database.
"""

from __future__ import annotations

import math

import pandas as pd

from omradesatsing import stats

GAP_COLUMNS = (
    "indicator", "unit", "decimals", "higher_is_better", "year", "period", "value", "value_text",
    "ci_low", "ci_high", "suppressed", "illustrative", "source_title", "licence", "city_value", "city_illustrative",
    "difference", "comparison", "judgement", "previous_year", "previous_value", "change_previous",
    "change_previous_certainty", "base_year", "base_value", "change_base", "change_base_certainty",
    "trend", "trend_judgement", "trend_p", "trend_n", "trend_slope",
)


def _num(x) -> float | None:
    if x is None or x is pd.NA:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _records(rows) -> list[dict]:
    if isinstance(rows, pd.DataFrame):
        return rows.to_dict("records")
    return list(rows)


def _visible(r: dict) -> bool:
    return _num(r.get("value")) is not None and not bool(r.get("suppressed"))


def gap_row(series, city, *, unit: str, higher_is_better, start_year: int | None, decimals: int = 1) -> dict | None:
    """One area's gap row for one indicator.

    ``series``: the area's rows for the indicator over the years (columns of
    ``read.indicators.indicator_values``; a DataFrame or a list of row dicts), suppression applied;
    ``city``: Bergen's rows for it. Returns ``None`` when the area has no row at all.
    (Plain dicts, not pandas, per row: a profile makes a hundred of these.)
    """
    rows = sorted(_records(series), key=lambda r: int(r["year"]))
    if not rows:
        return None
    last = rows[-1]
    visible = [r for r in rows if _visible(r)]
    city_by_year = {int(r["year"]): r for r in _records(city)}
    row = {
        "indicator": last["indicator"], "unit": unit, "decimals": decimals, "higher_is_better": higher_is_better,
        "year": int(last["year"]), "period": last["period"], "value": _num(last["value"]),
        "value_text": last.get("value_text"), "ci_low": _num(last.get("ci_low")),
        "ci_high": _num(last.get("ci_high")), "suppressed": bool(last["suppressed"]),
        "illustrative": bool(last["illustrative"]), "source_title": last.get("source_title"),
        "licence": last.get("licence"),
    }
    if row["ci_low"] is None and row["value"] is not None:
        row["ci_low"], row["ci_high"] = stats.proportion_interval(last.get("numerator"), last.get("denominator"), unit)
    c = city_by_year.get(row["year"])
    row["city_value"] = None if c is None else _num(c["value"])
    row["city_illustrative"] = None if c is None else bool(c["illustrative"])
    row["difference"] = stats.difference(row["value"], row["city_value"])
    row["comparison"] = stats.compare_to_reference(row["ci_low"], row["ci_high"], row["city_value"])
    row["judgement"] = stats.judgement(row["comparison"], higher_is_better)

    def change_from(base: dict | None) -> tuple:
        if base is None or row["value"] is None:
            return None, None, None, "unknown"
        base_value = _num(base["value"])
        certainty = stats.change_certainty(last.get("numerator"), last.get("denominator"), base.get("numerator"),
                                           base.get("denominator"), unit)
        return int(base["year"]), base_value, stats.difference(row["value"], base_value), certainty

    earlier = [r for r in visible if int(r["year"]) < row["year"]]
    (row["previous_year"], row["previous_value"], row["change_previous"],
     row["change_previous_certainty"]) = change_from(earlier[-1] if earlier else None)
    base = None
    if start_year is not None and earlier:
        base_year = stats.baseline_year([r["year"] for r in earlier], int(start_year))
        base = [r for r in earlier if int(r["year"]) == base_year][-1]
    row["base_year"], row["base_value"], row["change_base"], row["change_base_certainty"] = change_from(base)

    # No arrow when the latest value is hidden: the trend must end in the period shown.
    trend = stats.Trend("too_few", 0) if row["value"] is None else stats.trend_test([r["value"] for r in visible])
    row.update(trend=trend.direction, trend_judgement=stats.trend_judgement(trend.direction, higher_is_better),
               trend_p=trend.p, trend_n=trend.n, trend_slope=trend.slope)
    return row


def gap_table(values: pd.DataFrame, meta: pd.DataFrame, start_years: dict[str, int | None], *,
              by: str) -> pd.DataFrame:
    """Gap rows for every (area, indicator) in ``values`` (scope 'area' and 'city' rows together).

    ``by`` is 'area' (one indicator, many areas) or 'indicator' (one area, many indicators): only
    the row order differs.
    """
    info = {r["key"]: r for r in meta.to_dict("records")}
    groups: dict[tuple[str, str], list[dict]] = {}
    city: dict[str, list[dict]] = {}
    for r in values.to_dict("records"):
        if r["scope"] == "area":
            groups.setdefault((r["area_slug"], r["indicator"]), []).append(r)
        elif r["scope"] == "city":
            city.setdefault(r["indicator"], []).append(r)
    rows = []
    for (slug, key), series in groups.items():
        m = info.get(key)
        if m is None:
            continue
        hib = m["higher_is_better"]
        hib = None if hib is None or pd.isna(hib) else bool(hib)
        r = gap_row(series, city.get(key, []), unit=m["unit"], higher_is_better=hib,
                    start_year=start_years.get(slug), decimals=int(m["decimals"]))
        if r is not None:
            r.update(area_slug=slug, area_name=series[0]["area_name"], topic=m["topic"])
            rows.append(r)
    out = pd.DataFrame(rows, columns=["area_slug", "area_name", "topic", *GAP_COLUMNS])
    if by == "indicator" and not out.empty:
        order = {k: i for i, k in enumerate(info)}
        out = out.sort_values("indicator", key=lambda s: s.map(order)).reset_index(drop=True)
    return out


RANGE_COLUMNS = ("indicator", "year", "zone_min", "zone_q1", "zone_q3", "zone_max", "zone_n")


def zone_ranges(zone_values: pd.DataFrame) -> pd.DataFrame:
    """Per indicator and year: min, quartiles, max and count of the *visible* zone values
    (suppressed zones are left out, so a range can never reveal one)."""
    if zone_values.empty:
        return pd.DataFrame(columns=list(RANGE_COLUMNS))
    visible = zone_values[zone_values["value"].notna() & ~zone_values["suppressed"].astype(bool)].copy()
    visible["value"] = visible["value"].astype(float)
    grouped = visible.groupby(["indicator", "year"])["value"]
    out = pd.DataFrame({"zone_min": grouped.min(), "zone_q1": grouped.quantile(0.25),
                        "zone_q3": grouped.quantile(0.75), "zone_max": grouped.max(), "zone_n": grouped.size()})
    return out.reset_index()[list(RANGE_COLUMNS)]


def with_zone_ranges(gaps: pd.DataFrame, ranges: pd.DataFrame) -> pd.DataFrame:
    """The gap rows with the zone range of their indicator and year, and spine chart positions."""
    out = gaps.merge(ranges, on=["indicator", "year"], how="left")
    positions = [
        stats.spine_positions(r.city_value, r.zone_min, r.zone_max, r.higher_is_better, value=r.value,
                              q1=r.zone_q1, q3=r.zone_q3)
        for r in out.itertuples()
    ]
    pos = pd.DataFrame(positions, index=out.index, columns=["low", "high", "value", "q1", "q3"])
    for col in pos.columns:
        out[f"spine_{col}"] = pos[col]
    return out


def judgement_key(row) -> str:
    """The catalogue key of a gap row's judgement against Bergen in words («Dårligere enn Bergen»,
    «Ikke sikker forskjell», «Prikket»): the words of the profile on Indikatorer, Område and the packs.
    ``row``: a mapping or a row object with ``suppressed`` and ``judgement``."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k, None)
    if bool(get("suppressed")):
        return "judgement.suppressed"
    return f"judgement.{get('judgement') or 'unknown'}"

