"""The embedded default store: real data from ``data/`` (``real``) plus clearly marked example data
(``examples``), in two files so that what is real and what is invented never share one.

Real: bydel, delområde and kommune polygons, grunnkrets codes, levekårssone names, the areas
and their periods, published indicator values, state grants, named measures and projects,
Delprogram 2 and the publications and research projects from the programme's own presentation.

Illustrative (``illustrative=True`` and the source ``eksempeldata``): time series, city
averages where none is published, targets, statuses, milestones, investment amounts and
locations, participation activities, the local offices' addresses and opening hours. Generated
deterministically (same store every time), plausibly around the real figures.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from omradesatsing.models import Area, Source
from omradesatsing.seed import examples, real
from omradesatsing.seed.context import ILLUSTRATIVE_KEY, Ctx


def is_seeded(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(Area)) or 0) > 0


def seed(session: Session) -> bool:
    """Fill an empty store. Returns False (and changes nothing) when it already holds data."""
    if is_seeded(session):
        return False
    ill = Source(key=ILLUSTRATIVE_KEY, title="Eksempeldata – generert, ikke fakta",
                 publisher="Områdesatsing-dashbordet (generert)", url=None,
                 licence="CC0 (oppdiktede eksempeltall)",
                 period="2015–2026",
                 note="Laget for å vise hvordan dashbordet virker. Byttes ut med ekte tall ved import.",
                 illustrative=True)
    session.add(ill)
    session.flush()
    ctx = Ctx(session=session, sources={ILLUSTRATIVE_KEY: ill}, illustrative=ill)
    real.sources(ctx)
    zones = real.geography(ctx)
    areas = real.areas(ctx, zones)
    indicators = real.indicators(ctx)
    published = real.published_values(ctx, zones, areas, indicators)
    examples.indicator_series(ctx, zones, areas, indicators, published)
    examples.programme(ctx, areas, indicators)
    examples.investments(ctx, areas)
    real.grants(ctx, areas)
    examples.grants_and_participation(ctx, areas)
    real.publications(ctx, areas)
    examples.contacts(ctx, areas)
    return True
