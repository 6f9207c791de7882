"""The presentation's takeaway sentence: no claim the gap row's statistics do not support."""

from __future__ import annotations

import pytest

from omradesatsing import profiles
from omradesatsing.catalogue import Text, in_language, tr
from omradesatsing.takeaway import furthest_from_city, takeaway, takeaway_for_areas


def row(**over) -> dict:
    """A gap row for unemployment (lower is better): 3.8 % in 2024, 4.5 % in 2019, Bergen 2.4 %."""
    base = {"unit": "percent", "decimals": 1, "higher_is_better": False, "year": 2024, "value": 3.8,
            "suppressed": False, "city_value": 2.4, "comparison": "higher", "judgement": "worse",
            "base_year": 2019, "base_value": 4.5, "change_base": -0.7, "change_base_certainty": "certain",
            "trend": "decreasing", "trend_judgement": "improving", "trend_n": 10}
    base.update(over)
    return base


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")  # the number format's no-break spaces


def say(r: dict, lang: str = "nb") -> str:
    return plain(in_language(takeaway(r, area="Loddefjord", indicator="Arbeidsledighet", language=lang), lang))


def test_improving_but_still_worse_than_bergen():
    text = say(row())
    assert text == ("Arbeidsledighet i Loddefjord har gått ned fra 4,5 % i 2019 til 3,8 % i 2024, "
                    "men er fortsatt høyere enn i Bergen (2,4 %).")
    assert say(row(), "nn").startswith("Arbeidsledighet i Loddefjord har gått ned frå 4,5 % i 2019")
    assert "framleis høgare enn i Bergen" in say(row(), "nn")
    assert say(row(), "en") == ("Arbeidsledighet in Loddefjord has fallen from 4.5% in 2019 to 3.8% in 2024, "
                                "but is still higher than in Bergen (2.4%).")


def test_worsening_and_worse_than_bergen_is_and_not_but():
    r = row(base_value=3.0, change_base=0.8, trend="increasing", trend_judgement="worsening")
    assert say(r) == ("Arbeidsledighet i Loddefjord har gått opp fra 3,0 % i 2019 til 3,8 % i 2024, "
                      "og er høyere enn i Bergen (2,4 %).")
    assert "has risen from 3.0% in 2019" in say(r, "en") and ", and is higher" in say(r, "en")
    assert "har gått opp frå" in say(r, "nn")


def test_improving_and_better_than_bergen():
    r = row(value=2.0, comparison="lower", judgement="better", change_base=-2.5)
    assert say(r).endswith("til 2,0 % i 2024, og er lavere enn i Bergen (2,4 %).")
    assert "lågare enn i Bergen" in say(r, "nn") and "is lower than in Bergen" in say(r, "en")


def test_worsening_but_still_better_than_bergen():
    r = row(value=2.0, comparison="lower", judgement="better", base_value=1.5, change_base=0.5)
    assert "har gått opp" in say(r) and "men er fortsatt lavere enn i Bergen" in say(r)


def test_an_uncertain_change_falls_back_to_the_trend_test():
    r = row(change_base_certainty="uncertain")
    assert "har gått ned over de siste 10 målingene, til 3,8 % i 2024" in say(r)
    assert "has fallen over the last 10 measurements" in say(r, "en")
    assert "dei siste 10 målingane" in say(r, "nn")


@pytest.mark.parametrize("trend", ["no_trend", "too_few"])
def test_no_certain_change_and_no_trend_claims_no_movement(trend):
    for certainty in ("uncertain", "unknown"):
        r = row(change_base_certainty=certainty, trend=trend, trend_judgement=trend)
        for lang in ("nb", "nn", "en"):
            text = say(r, lang)
            assert not any(w in text for w in ("gått ned", "gått opp", "fallen", "risen")), text
        # what is certain is still said: the difference to Bergen
        assert say(r) == "Arbeidsledighet i Loddefjord var 3,8 % i 2024 og er høyere enn i Bergen (2,4 %)."


def test_similar_to_bergen_is_not_called_higher_or_lower():
    r = row(value=2.5, comparison="similar", judgement="similar", change_base_certainty="uncertain",
            trend="no_trend")
    assert say(r) == "Arbeidsledighet i Loddefjord var 2,5 % i 2024 og skiller seg ikke sikkert fra Bergen (2,4 %)."
    assert "skil seg ikkje sikkert frå Bergen" in say(r, "nn")
    assert "is not clearly different from Bergen" in say(r, "en")
    moved = say(row(value=2.5, comparison="similar", judgement="similar"))
    assert "har gått ned fra 4,5 %" in moved and ", og skiller seg ikke sikkert fra Bergen" in moved


def test_suppressed_latest_value_says_only_that_it_is_hidden():
    for r in (row(value=None, suppressed=True), row(value=None)):
        text = say(r)
        assert text == ("Arbeidsledighet i Loddefjord: det siste tallet (2024) er skjermet fordi det gjelder "
                        "for få personer.")
        assert "3,8" not in text and "Bergen" not in text
        assert "skjerma" in say(r, "nn") and "hidden" in say(r, "en")


def test_without_a_value_for_bergen_only_the_area():
    r = row(city_value=None, comparison="unknown", judgement="unknown")
    assert say(r) == "Arbeidsledighet i Loddefjord har gått ned fra 4,5 % i 2019 til 3,8 % i 2024."
    r = row(city_value=None, comparison="unknown", judgement="unknown", change_base_certainty="unknown",
            trend="too_few")
    assert say(r) == "Arbeidsledighet i Loddefjord var 3,8 % i 2024."
    assert say(r, "nn") == "Arbeidsledighet i Loddefjord var 3,8 % i 2024."
    assert say(r, "en") == "Arbeidsledighet in Loddefjord was 3.8% in 2024."


def test_without_an_interval_the_values_are_given_without_a_judgement():
    r = row(comparison="unknown", judgement="unknown", change_base_certainty="unknown", trend="too_few")
    assert say(r) == "Arbeidsledighet i Loddefjord var 3,8 % i 2024; i Bergen var det 2,4 %."
    assert "høyere" not in say(r) and "høgare" not in say(r, "nn")
    moved = say(row(comparison="unknown", judgement="unknown"))
    assert moved.endswith("til 3,8 % i 2024. I Bergen var tallet 2,4 %.")


def test_indicator_without_a_good_direction_says_and():
    r = row(higher_is_better=None, judgement="higher")
    assert ", og er høyere enn i Bergen" in say(r) and "fortsatt" not in say(r)


def test_the_sentence_is_a_catalogue_text_in_bokmaal():
    text = takeaway(row(), area="Loddefjord", indicator="Arbeidsledighet", language="nb")
    assert isinstance(text, Text) and text.key == "takeaway.moved_but"
    assert plain(str(text)) == say(row())
    assert plain(tr("nn", "takeaway.moved_but", **text.values)) == say(row(), "nn")


def test_several_areas_name_the_one_furthest_from_bergen():
    rows = [row(value=3.0), row(value=4.4), row(value=None, suppressed=True), row(value=9.9, city_value=None)]
    assert furthest_from_city(rows) == 1
    names = ["Olsvik", "Loddefjord", "Solheim", "Slettebakken"]
    text = in_language(takeaway_for_areas(rows, names, indicator="Arbeidsledighet"), "nb")
    assert text.startswith("Lengst fra Bergen: Arbeidsledighet i Loddefjord har gått ned")
    assert in_language(takeaway_for_areas(rows, names, indicator="X", language="nn"), "nn").startswith(
        "Lengst frå Bergen:")
    assert takeaway_for_areas([], [], indicator="X") is None
    assert furthest_from_city([row(value=None, suppressed=True)]) is None
    only = takeaway_for_areas([row()], ["Olsvik"], indicator="Arbeidsledighet")
    assert not only.startswith("Lengst") and "Olsvik" in only


def test_from_a_real_gap_row():
    """The sentence from ``profiles.gap_row`` itself: a falling series with counts, far above Bergen."""
    years = range(2015, 2025)
    series = [{"indicator": "u", "year": y, "period": str(y), "value": 8.0 - 0.4 * i, "numerator": int(80 - 4 * i),
               "denominator": 1000, "suppressed": False, "illustrative": False} for i, y in enumerate(years)]
    city = [{"year": y, "value": 2.0, "illustrative": False} for y in years]
    gap = profiles.gap_row(series, city, unit="percent", higher_is_better=False, start_year=2019)
    assert gap["trend"] == "decreasing" and gap["judgement"] == "worse"
    text = say(gap)
    assert text.startswith("Arbeidsledighet i Loddefjord har gått ned") and "fortsatt høyere enn i Bergen" in text
