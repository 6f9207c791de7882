"""About the data: the sources with how many figures use them, and what the store holds."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from omradesatsing.models import (
    Area,
    Grant,
    ImportLog,
    Indicator,
    IndicatorValue,
    Investment,
    Measure,
    Source,
    Zone,
)
from omradesatsing.read.store import Store, frame


def sources(store: Store) -> pd.DataFrame:
    """Every source with how many figures in the store use it."""
    counts = (
        select(IndicatorValue.source_id, func.count().label("n")).group_by(IndicatorValue.source_id).subquery()
    )
    stmt = (
        select(Source.key, Source.title, Source.publisher, Source.url, Source.licence, Source.period, Source.note,
               Source.illustrative, func.coalesce(counts.c.n, 0).label("indicator_values"))
        .outerjoin(counts, counts.c.source_id == Source.id)
        .order_by(Source.illustrative, Source.title)
    )
    return frame(store, stmt)


def store_summary(store: Store) -> dict[str, int]:
    """Row counts, and how many indicator values are real and illustrative."""
    with store.engine.connect() as conn:
        def count(model, *where):
            return conn.scalar(select(func.count()).select_from(model).where(*where)) or 0

        return {
            "areas": count(Area),
            "zones": count(Zone),
            "indicators": count(Indicator),
            "values_real": count(IndicatorValue, IndicatorValue.illustrative.is_(False)),
            "values_illustrative": count(IndicatorValue, IndicatorValue.illustrative.is_(True)),
            "measures": count(Measure),
            "investments": count(Investment),
            "grants_real": count(Grant, Grant.illustrative.is_(False)),
            "grants_illustrative": count(Grant, Grant.illustrative.is_(True)),
            "sources": count(Source),
        }


def imports(store: Store) -> pd.DataFrame:
    """Every import of a data file, newest first, with its source (Om dataene lists them)."""
    stmt = (select(ImportLog.id, ImportLog.at, ImportLog.kind, ImportLog.file_name, ImportLog.rows, ImportLog.added,
                   ImportLog.changed, ImportLog.removed, ImportLog.undone_at, Source.title.label("source_title"),
                   Source.publisher, Source.licence, Source.url, Source.period)
            .outerjoin(Source, Source.id == ImportLog.source_id)
            .order_by(ImportLog.id.desc()))
    return frame(store, stmt)

