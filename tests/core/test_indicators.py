"""Indicator statistics (worked examples), gap rows and area profiles, on SQLite and PostgreSQL."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from omradesatsing import db, profiles, read, stats
from omradesatsing.read import Store


def _norm_p(z: float) -> float:
    """Two-sided p-value of a standard normal z, written out independently of pymannkendall."""
    return math.erfc(abs(z) / math.sqrt(2))


# --- Statistics against worked examples ---------------------------------------------------------


def test_difference_of_proportions_newcombe_worked_example():
    # Newcombe (1998), Stat Med 17:873, Table II, example (a): 56/70 − 48/80, method 10 → 0.0524 to 0.3339
    diff, lo, hi = stats.difference_interval(56, 70, 48, 80)
    assert diff == pytest.approx(0.2)
    assert lo == pytest.approx(0.0524, abs=1e-4) and hi == pytest.approx(0.3339, abs=1e-4)
    # example (b): 9/10 − 3/10 → 0.1705 to 0.8090
    _, lo, hi = stats.difference_interval(9, 10, 3, 10)
    assert lo == pytest.approx(0.1705, abs=1e-4) and hi == pytest.approx(0.8090, abs=1e-4)


def test_change_certainty_in_the_indicators_unit():
    assert stats.change_certainty(56, 70, 48, 80, "percent") == "certain"
    assert stats.change_certainty(50, 100, 45, 100, "percent") == "uncertain"
    assert stats.change_certainty(50, 100, None, 100, "percent") == "unknown"
    assert stats.change_certainty(50, 100, 45, 100, "nok") == "unknown"  # not a proportion


def test_proportion_interval_is_in_percent_and_per_1000():
    lo, hi = stats.proportion_interval(81, 263, "percent")  # Newcombe (1998) Table I: 0.2553–0.3662
    assert lo == pytest.approx(25.53, abs=0.01) and hi == pytest.approx(36.62, abs=0.01)
    lo, hi = stats.proportion_interval(81, 263, "per_1000")
    assert lo == pytest.approx(255.3, abs=0.1)
    assert stats.proportion_interval(81, 263, "nok") == (None, None)
    assert stats.proportion_interval(None, 263, "percent") == (None, None)
    assert stats.proportion_interval(300, 263, "percent") == (None, None)


def test_mann_kendall_worked_example_without_ties():
    # S = 10 (all 10 pairs rising), Var(S) = n(n−1)(2n+5)/18 = 5·4·15/18 = 16.67,
    # Z = (S − 1)/√Var = 2.2045, p = 0.0275 → a rising trend at the 5 % level.
    result = stats.trend_test([1, 2, 3, 4, 5])
    assert result.direction == "increasing" and result.n == 5
    assert result.p == pytest.approx(_norm_p((10 - 1) / math.sqrt(5 * 4 * 15 / 18)))
    assert result.p == pytest.approx(0.0275, abs=1e-4)
    assert result.slope == pytest.approx(1.0)  # Sen's slope


def test_mann_kendall_worked_example_with_a_tie():
    # 1, 1, 2, 3, 4: S = 9 (the tied pair counts 0); Var(S) = [5·4·15 − 2·1·9]/18 = 15.67;
    # Z = 8/√15.67 = 2.021, p = 0.0433.
    result = stats.trend_test([1, 1, 2, 3, 4])
    assert result.p == pytest.approx(_norm_p(8 / math.sqrt((300 - 18) / 18)))
    assert result.p == pytest.approx(0.0433, abs=1e-4)
    assert result.direction == "increasing"


def test_trend_needs_five_periods_and_uses_the_last_ten():
    assert stats.trend_test([4, 3, 2, 1]).direction == "too_few"  # four periods can never reach p < 0.05
    assert stats.trend_test([5, None, 4, 3, float("nan"), 2]).direction == "too_few"  # missing left out
    assert stats.trend_test([3, 1, 4, 1, 5, 9, 2, 6]).direction == "no_trend"
    # five falling, then ten rising: only the recent ten are tested
    series = [20, 19, 18, 17, 16] + list(range(1, 11))
    result = stats.trend_test(series)
    assert result.n == 10 and result.direction == "increasing"


def test_judgements_turn_directions_into_better_and_worse():
    assert stats.judgement("higher", False) == "worse"
    assert stats.judgement("lower", False) == "better"
    assert stats.judgement("higher", True) == "better"
    assert stats.judgement("higher", None) == "higher"  # no value judgement without a good direction
    assert stats.judgement("similar", True) == "similar"
    assert stats.trend_judgement("decreasing", False) == "improving"
    assert stats.trend_judgement("decreasing", True) == "worsening"
    assert stats.trend_judgement("no_trend", True) == "no_trend"


def test_baseline_is_the_last_year_up_to_the_start():
    assert stats.baseline_year([2015, 2017, 2019, 2021], 2019) == 2019
    assert stats.baseline_year([2015, 2017, 2020], 2019) == 2017
    assert stats.baseline_year([2020, 2021], 2012) == 2020  # no figure before the start: the first one
    assert stats.baseline_year([], 2019) is None


def test_spine_puts_bergen_in_the_middle_and_the_worse_side_left():
    # lower is better: a high value lies left of Bergen; the farthest point reaches an edge
    pos = stats.spine_positions(20.0, 5.0, 45.0, False, value=40.0)
    assert pos["value"] == pytest.approx(0.1) and pos["low"] == pytest.approx(0.0) and pos["high"] == pytest.approx(0.8)
    pos = stats.spine_positions(20.0, 5.0, 45.0, True, value=40.0)
    assert pos["value"] == pytest.approx(0.9)
    assert stats.spine_positions(None, 5.0, 45.0, True, value=1.0)["value"] is None


# --- Gap rows from frames --------------------------------------------------------------------------


def _series(values, *, area="a", counts=None, suppressed=(), start=2015):
    rows = []
    for i, v in enumerate(values):
        num, den = (counts[i] if counts else (None, None))
        rows.append({"indicator": "x", "scope": "area", "area_slug": area, "area_name": area.upper(),
                     "year": start + i, "period": str(start + i), "value": None if i in suppressed else v,
                     "value_text": None, "numerator": None if i in suppressed else num,
                     "denominator": None if i in suppressed else den, "ci_low": None, "ci_high": None,
                     "suppressed": i in suppressed, "illustrative": False, "source_title": "S", "licence": "L"})
    return pd.DataFrame(rows)


def test_gap_row_difference_changes_and_trend():
    area = _series([40, 38, 37, 35, 34, 30], counts=[(40, 100), (38, 100), (37, 100), (35, 100), (34, 100), (30, 100)])
    city = _series([20] * 6, area="bergen").assign(scope="city")
    row = profiles.gap_row(area, city, unit="percent", higher_is_better=False, start_year=2017)
    assert row["year"] == 2020 and row["value"] == 30 and row["city_value"] == 20
    assert row["difference"] == pytest.approx(10)
    # Wilson interval from the counts: 30/100 → 21.9–39.6 %, above Bergen's 20 %: certainly worse
    assert row["ci_low"] == pytest.approx(21.9, abs=0.1) and row["comparison"] == "higher"
    assert row["judgement"] == "worse"
    assert (row["previous_year"], row["change_previous"]) == (2019, pytest.approx(-4))
    assert row["change_previous_certainty"] == "uncertain"
    assert (row["base_year"], row["base_value"], row["change_base"]) == (2017, 37, pytest.approx(-7))
    assert row["trend"] == "decreasing" and row["trend_judgement"] == "improving" and row["trend_n"] == 6


def test_gap_row_skips_suppressed_periods_and_gives_no_trend_for_a_hidden_latest_value():
    area = _series([40, 38, 37, 35, 34, 30], suppressed={4})
    row = profiles.gap_row(area, area.iloc[0:0], unit="percent", higher_is_better=False, start_year=2015)
    assert row["previous_year"] == 2018  # 2019 is suppressed: compared with the period before it
    assert row["comparison"] == "unknown"  # no counts, no interval, no Bergen value
    hidden_last = _series([40, 38, 37, 35, 34, 30], suppressed={5})
    row = profiles.gap_row(hidden_last, area.iloc[0:0], unit="percent", higher_is_better=False, start_year=2015)
    assert row["suppressed"] and row["value"] is None
    assert row["change_previous"] is None and row["trend"] == "too_few"


# --- The store ----------------------------------------------------------------------------------


def test_indicator_gaps_use_the_published_figure_as_the_start(seeded_store):
    engine = db.make_engine(seeded_store)
    gaps = read.indicators.indicator_gaps(Store.of(engine), "not_completed_upper_secondary", ("olsvik", "loddefjord"))
    assert gaps["area_slug"].tolist() == ["olsvik", "loddefjord"]  # in the order asked for
    olsvik = gaps.iloc[0]
    # Olsvik's programme started in 2019; the published 37.9 % (Folkehelseoversikten 2019) is the base
    assert olsvik["base_year"] == 2019 and olsvik["base_value"] == pytest.approx(37.9)
    assert olsvik["change_base"] == pytest.approx(olsvik["value"] - 37.9)
    assert olsvik["city_value"] is not None and olsvik["judgement"] in ("worse", "similar", "better")


def test_area_overview_has_every_indicator_with_a_zone_range(seeded_store):
    engine = db.make_engine(seeded_store)
    overview = read.indicators.area_overview(Store.of(engine), "loddefjord")
    assert set(overview["indicator"]) == set(read.indicators.indicators(Store.of(engine))["key"])
    assert (overview["zone_n"] == 20).all()  # Bergen's 20 delområder
    assert ((overview["zone_min"] <= overview["zone_q1"]) & (overview["zone_q3"] <= overview["zone_max"])).all()
    ok = overview["spine_value"].dropna()
    assert ((ok >= 0) & (ok <= 1)).all()


def test_zone_ranges_never_include_a_suppressed_zone(seeded_store, threshold):
    engine = db.make_engine(seeded_store)
    raw = read.indicators.zone_values(Store.of(engine), "delomraade", 2024, "low_income_children")
    # About half the delområder are hidden (primary), and a margin of 1 lets the other half be shown.
    store = threshold(int(raw["numerator"].median()) + 1, margin=1)
    hidden = read.indicators.zone_values(store, "delomraade", 2024, "low_income_children")
    visible = hidden[~hidden["suppressed"]]
    assert 0 < len(visible) < len(hidden)
    row = read.indicators.area_overview(store, "loddefjord").set_index("indicator").loc["low_income_children"]
    assert row["zone_n"] == len(visible)
    assert row["zone_min"] == visible["value"].min() and row["zone_max"] == visible["value"].max()
    secret = raw[raw["zone_code"].isin(hidden.loc[hidden["suppressed"], "zone_code"])]["value"]
    assert not secret.isin([row["zone_min"], row["zone_max"]]).any() or secret.isin(visible["value"]).any()


def test_area_values_do_not_depend_on_which_areas_are_asked_for(threshold):
    store = threshold(80)
    one = read.indicators.indicator_values(store, "young_disability", scopes=("area",), area_slugs=("olsvik",))
    every = read.indicators.indicator_values(store, "young_disability", scopes=("area",))
    every = every[every["area_slug"] == "olsvik"]
    assert one["suppressed"].tolist() == every["suppressed"].tolist()
    assert one["value"].isna().tolist() == every["value"].isna().tolist()


def test_measures_aimed_at_an_indicator_in_start_order(seeded_store):
    engine = db.make_engine(seeded_store)
    m = read.indicators.indicator_measures(Store.of(engine), "not_completed_upper_secondary", ("loddefjord",))
    assert len(m) == 5 and m["start_date"].is_monotonic_increasing
    assert m.iloc[0]["areas"] == "Loddefjord"
    assert read.indicators.indicator_measures(Store.of(engine), "not_completed_upper_secondary", ("slettebakken",)).empty


def test_indicator_info_names_sources_years_and_update(seeded_store):
    engine = db.make_engine(seeded_store)
    info = read.indicators.indicator_info(Store.of(engine), "not_completed_upper_secondary")
    titles = info["sources"]["title"].tolist()
    assert any("Folkehelseoversikt" in t for t in titles)
    assert info["sources"]["illustrative"].tolist()[0] == False  # noqa: E712 (real sources first)
    assert info["any_illustrative"] and info["first_year"] <= 2019 <= info["last_year"]
    assert info["updated_at"] is not None
    assert read.indicators.indicator_info(Store.of(engine), "no_such_indicator") is None
