"""Money in whole kroner: exact arithmetic, rounding only where a figure is made for display.

Amounts are integers in the store and are summed in SQL; the only division is spending per
inhabitant, done here with integers (round half up), never with floats.
"""

from __future__ import annotations

import pandas as pd


def per_inhabitant(total_nok: int, population: int | None) -> int | None:
    """``total_nok / population`` in whole kroner, rounded half up; ``None`` without a population."""
    if population is None or pd.isna(population) or int(population) <= 0:
        return None
    total, pop = int(total_nok), int(population)
    return (2 * total + pop) // (2 * pop)


def per_inhabitant_table(totals: pd.DataFrame) -> pd.DataFrame:
    """Per area: budget and spent per inhabitant, and the same for all programme areas together.

    ``totals`` has area_slug, area_name, budget_nok, spent_nok, projects, any_illustrative,
    population, population_illustrative. A figure is illustrative when any amount or the
    population behind it is. The reference row ("all areas") divides the summed kroner by the
    summed population (a weighted average), not the mean of the per-area figures.
    """
    out = totals.copy()
    out["budget_per_inhabitant"] = [per_inhabitant(b, p) for b, p in zip(out["budget_nok"], out["population"], strict=True)]
    out["spent_per_inhabitant"] = [per_inhabitant(s, p) for s, p in zip(out["spent_nok"], out["population"], strict=True)]
    out["illustrative"] = out["any_illustrative"].astype(bool) | out["population_illustrative"].astype(bool)
    with_pop = out[out["population"].notna() & (out["population"] > 0)]
    total = {
        "area_slug": "_all", "area_name": None,
        "budget_nok": int(with_pop["budget_nok"].sum()), "spent_nok": int(with_pop["spent_nok"].sum()),
        "projects": int(with_pop["projects"].sum()), "population": int(with_pop["population"].sum()),
        "any_illustrative": bool(with_pop["any_illustrative"].any()),
        "population_illustrative": bool(with_pop["population_illustrative"].any()),
    }
    total["budget_per_inhabitant"] = per_inhabitant(total["budget_nok"], total["population"])
    total["spent_per_inhabitant"] = per_inhabitant(total["spent_nok"], total["population"])
    total["illustrative"] = total["any_illustrative"] or total["population_illustrative"]
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)
