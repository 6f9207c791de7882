"""Suppression (prikking), statistics and Norwegian formats: pure functions and the data layer."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from omradesatsing import db, formatting as fmt, privacy, read, stats
from omradesatsing.read import Store


def _frame(rows):
    return pd.DataFrame(rows, columns=["zone", "numerator", "denominator", "value", "protection"])


def test_hide_empties_every_value_the_pattern_does_not_publish_and_keeps_the_row():
    df = _frame([("z1", 3, 100, 3.0, "primary"), ("z2", 40, 200, 20.0, "open"), ("z3", 30, 90, 33.3, "secondary"),
                 ("z4", 50, 90, 55.6, None)])  # None: not decided yet, hidden too
    out = privacy.hide(df).set_index("zone")
    assert out["suppressed"].tolist() == [True, False, True, True]
    hidden = out[out["suppressed"]]
    assert hidden[["value", "numerator", "denominator"]].isna().all().all()
    assert out.loc["z2", "value"] == 20.0
    assert df.loc[0, "value"] == 3.0  # the input is not changed


def test_threshold_is_configurable(tmp_path):
    from omradesatsing import config

    secrets = tmp_path / "secrets.toml"
    secrets.write_text('OMRADESATSING_MIN_COUNT = 3\n')
    assert config.load_settings({}, secrets).suppression_threshold == 3
    assert config.load_settings({"OMRADESATSING_MIN_COUNT": "10"}, secrets).suppression_threshold == 10
    assert config.load_settings({"OMRADESATSING_MIN_COUNT": "tull"}, secrets).suppression_threshold == 5
    assert config.load_settings({"OMRADESATSING_MIN_COUNT": "0"}, secrets).suppression_threshold == 1


@pytest.mark.parametrize("indicator", ["young_disability", "child_welfare"])
def test_the_store_never_returns_a_hidden_number(seeded_store, indicator):
    df = read.indicators.indicator_values(Store.of(db.make_engine(seeded_store)), indicator, zone_level="grunnkrets")
    kretser = df[df["scope"] == "zone"]
    assert kretser["suppressed"].any(), "the seed should make some grunnkrets values small"
    hidden = kretser[kretser["suppressed"]]
    for col in privacy.HIDDEN_COLUMNS:
        assert hidden[col].isna().all(), col
    shown = kretser[~kretser["suppressed"]]
    assert (shown["numerator"].dropna() >= 5).all()
    assert (shown["denominator"].dropna() >= 5).all()


@pytest.mark.parametrize("indicator", ["young_disability", "child_welfare"])
def test_reconstruction_from_the_parent_total_fails(seeded_store, indicator):
    """Attack: parent delområde's count minus its visible grunnkretser = the hidden one?"""
    engine = db.make_engine(seeded_store)
    kretser = read.indicators.indicator_values(Store.of(engine), indicator, zone_level="grunnkrets")
    kretser = kretser[kretser["scope"] == "zone"]
    parents = read.indicators.indicator_values(Store.of(engine), indicator, zone_level="delomraade")
    parents = parents[parents["scope"] == "zone"].set_index(["zone_code", "year"])
    attempts = 0
    for (parent, year), group in kretser.groupby(["parent_code", "year"]):
        n_hidden = int(group["suppressed"].sum())
        if n_hidden == 0:
            continue
        attempts += 1
        # one unknown can be solved from a total; two or more cannot
        assert n_hidden >= 2 or (parent, year) not in parents.index or pd.isna(parents.loc[(parent, year), "numerator"]), \
            (parent, year)
    assert attempts > 0


def test_wilson_interval_known_example():
    # Newcombe (1998), Table I, example: 81/263 -> 0.2553 to 0.3662
    lo, hi = stats.wilson_interval(81, 263)
    assert lo == pytest.approx(0.2553, abs=1e-4) and hi == pytest.approx(0.3662, abs=1e-4)
    # independent form of the same formula
    p, n, z = 81 / 263, 263, 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert (lo, hi) == pytest.approx((centre - half, centre + half))


def test_wilson_interval_edges():
    lo, hi = stats.wilson_interval(0, 20)
    assert lo == 0.0 and hi == pytest.approx(0.1611, abs=1e-4)
    lo, hi = stats.wilson_interval(20, 20)
    assert hi == 1.0 and lo == pytest.approx(0.8389, abs=1e-4)
    with pytest.raises(ValueError):
        stats.wilson_interval(1, 0)
    with pytest.raises(ValueError):
        stats.wilson_interval(5, 4)


def test_compare_to_reference_in_words():
    assert stats.compare_to_reference(30.0, 40.0, 20.0) == "higher"
    assert stats.compare_to_reference(10.0, 15.0, 20.0) == "lower"
    assert stats.compare_to_reference(15.0, 25.0, 20.0) == "similar"
    assert stats.compare_to_reference(None, 25.0, 20.0) == "unknown"
    assert stats.difference(44.0, 20.5) == pytest.approx(23.5)
    assert stats.difference(None, 20.5) is None


def test_norwegian_formats():
    nbsp = "\u00a0"
    assert fmt.percent(37.9) == f"37,9{nbsp}%"
    assert fmt.kroner(305100) == f"305{nbsp}100{nbsp}kr"
    assert fmt.number(1234567.891, 2) == f"1{nbsp}234{nbsp}567,89"
    assert fmt.million_kroner(279_000_000).startswith(f"279,0{nbsp}mill.")
    assert fmt.value(None, "percent") == ""
    assert fmt.value(433142.4, "nok") == f"433{nbsp}142{nbsp}kr"
    assert fmt.percent(37.9, lang="en") == "37.9%"
    assert fmt.percent(37.9, lang="nn") == f"37,9{nbsp}%"


def test_a_suppressed_value_loses_its_note_too():
    """A source's note can quote the figure («godt over 30», «5 % eller mindre»): it is hidden with it."""
    rows = [{"indicator": "x", "zone_code": "z1", "numerator": 2, "denominator": 40, "value": 5.0,
             "value_text": "≤ 5", "note": "«5 % eller mindre» i hver sone", "protection": "primary"}]
    out = privacy.hide(pd.DataFrame(rows))
    assert out["suppressed"].all() and out["note"].isna().all() and out["value_text"].isna().all()


def test_the_protection_margin_is_a_setting(tmp_path):
    from omradesatsing import config

    secrets = tmp_path / "secrets.toml"
    secrets.write_text('OMRADESATSING_MIN_COUNT = 4\n')
    assert config.load_settings({}, secrets).margin == 4  # by default the threshold
    assert config.load_settings({"OMRADESATSING_PROTECTION_MARGIN": "10"}, secrets).margin == 10
    assert config.load_settings({"OMRADESATSING_PROTECTION_MARGIN": "tull"}, secrets).margin == 4
