"""The store's tables, in one place (SQLAlchemy 2.x declarative).

Runs unchanged on SQLite and PostgreSQL: geometry is GeoJSON in a JSON column (no PostGIS),
money is whole kroner in BIGINT, and every figure carries a source and an *illustrative* flag.
Names follow the glossary in docs/ARKITEKTUR.md (satsingsområde → Area, levekårssone → Zone …).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    true as sa_true,  # a server default for booleans on both backends
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from omradesatsing.vocabulary import (
    AREA_STATES,
    FUNDING_SOURCES,
    GRANT_STATUSES,
    INVESTMENT_CATEGORIES,
    INVESTMENT_STATUSES,
    MEASURE_STATUSES,
    PARTICIPATION_KINDS,
    PUBLICATION_KINDS,
    ROLES,
    UNITS,
    VALUE_SCOPES,
    ZONE_LEVELS,
)

# Stable constraint names, so Alembic migrations work the same on SQLite (batch mode) and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}



def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, int: Integer}


class Source(Base):
    """Where a figure comes from: publication, publisher, URL, licence; or generated example data."""

    __tablename__ = "source"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    publisher: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    licence: Mapped[str | None] = mapped_column(String(200))
    period: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)


class BoundaryVersion(Base):
    """A set of zone boundaries valid for a time, e.g. SSB 2025 or the 57 levekårssoner of 2023."""

    __tablename__ = "boundary_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    valid_from: Mapped[int | None] = mapped_column(Integer)
    valid_to: Mapped[int | None] = mapped_column(Integer)
    zone_count: Mapped[int | None] = mapped_column(Integer)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    note: Mapped[str | None] = mapped_column(Text)


class Zone(Base):
    """A geographic unit at one level: bydel, delområde, levekårssone, grunnkrets (and the kommune)."""

    __tablename__ = "zone"
    __table_args__ = (
        UniqueConstraint("boundary_version_id", "level", "code"),
        CheckConstraint(_in("level", ZONE_LEVELS), name="level"),
        Index("ix_zone_level_code", "level", "code"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"), index=True)
    boundary_version_id: Mapped[int] = mapped_column(ForeignKey("boundary_version.id"))
    geometry: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))  # GeoJSON, EPSG:4326
    population: Mapped[int | None] = mapped_column(Integer)
    population_year: Mapped[int | None] = mapped_column(Integer)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    note: Mapped[str | None] = mapped_column(Text)

    parent: Mapped[Zone | None] = relationship(remote_side=[id])


class Area(Base):
    """A satsingsområde: one or more zones with a period and a state."""

    __tablename__ = "area"
    __table_args__ = (CheckConstraint(_in("state", AREA_STATES), name="state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    bydel_name: Mapped[str | None] = mapped_column(String(80))
    levekaarssone_names: Mapped[str | None] = mapped_column(String(300))
    coordinator: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    # How the area is drawn on the map until official zone polygons are imported.
    geometry_note: Mapped[str | None] = mapped_column(Text)
    population: Mapped[int | None] = mapped_column(Integer)
    population_illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    note: Mapped[str | None] = mapped_column(Text)

    zones: Mapped[list[AreaZone]] = relationship(back_populates="area", cascade="all, delete-orphan")


class AreaZone(Base):
    """Which zones make up an area. ``approximate`` marks a stand-in (a delområde for a levekårssone)."""

    __tablename__ = "area_zone"
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id", ondelete="CASCADE"), primary_key=True)
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)

    area: Mapped[Area] = relationship(back_populates="zones")
    zone: Mapped[Zone] = relationship()


class Indicator(Base):
    __tablename__ = "indicator"
    __table_args__ = (CheckConstraint(_in("unit", UNITS), name="unit"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name_nb: Mapped[str] = mapped_column(String(200))
    name_nn: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    definition_nb: Mapped[str | None] = mapped_column(Text)
    definition_nn: Mapped[str | None] = mapped_column(Text)
    definition_en: Mapped[str | None] = mapped_column(Text)
    why_nb: Mapped[str | None] = mapped_column(Text)
    why_nn: Mapped[str | None] = mapped_column(Text)
    why_en: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(20))
    decimals: Mapped[int] = mapped_column(Integer, default=1)
    higher_is_better: Mapped[bool | None] = mapped_column(Boolean)
    topic: Mapped[str | None] = mapped_column(String(40))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    # When this indicator's values were last written to the store (seed or import), UTC.
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class IndicatorValue(Base):
    """One value of an indicator for a zone, an area, the city or the country, for one period.

    ``numerator``/``denominator`` are counts where known; ``suppressed`` records a value that was
    already suppressed at its source. ``protection`` is the suppression (prikking) decided when the
    data changed (``omradesatsing.suppression.protect``) over the whole store at once: ``open``
    (shown), ``primary``, ``complement``, ``secondary`` or ``source``; NULL means not decided yet,
    and every reader hides such a value (fail closed).
    """

    __tablename__ = "indicator_value"
    __table_args__ = (
        CheckConstraint(_in("scope", VALUE_SCOPES), name="scope"),
        Index("ix_indicator_value_lookup", "indicator_id", "scope", "year"),
        Index("ix_indicator_value_zone", "zone_id", "indicator_id"),
        Index("ix_indicator_value_area", "area_id", "indicator_id"),
        # Every indicator at once for one scope and year (city values, zone ranges in a profile).
        Index("ix_indicator_value_scope_year", "scope", "year"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(String(10))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id", ondelete="CASCADE"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)  # the data year, for ordering
    period: Mapped[str] = mapped_column(String(40))  # as the source says it: "2019", "2018–2022"
    value: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(String(60))  # ranges or bounds: "16–17", "> 70"
    numerator: Mapped[int | None] = mapped_column(Integer)
    denominator: Mapped[int | None] = mapped_column(Integer)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    suppressed: Mapped[bool] = mapped_column(Boolean, default=False)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    note: Mapped[str | None] = mapped_column(Text)
    protection: Mapped[str | None] = mapped_column(String(12))
    # When an import last changed this figure after it was stored (the old one is in the revisions).
    revised_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class IndicatorValueRevision(Base):
    """A figure as it was before an import changed it (a revised series keeps its history)."""

    __tablename__ = "indicator_value_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    value_id: Mapped[int] = mapped_column(ForeignKey("indicator_value.id", ondelete="CASCADE"), index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_log.id", ondelete="SET NULL"))
    revised_at: Mapped[dt.datetime] = mapped_column(DateTime)
    value: Mapped[float | None] = mapped_column(Float)
    value_text: Mapped[str | None] = mapped_column(String(60))
    numerator: Mapped[int | None] = mapped_column(Integer)
    denominator: Mapped[int | None] = mapped_column(Integer)
    ci_low: Mapped[float | None] = mapped_column(Float)
    ci_high: Mapped[float | None] = mapped_column(Float)
    suppressed: Mapped[bool] = mapped_column(Boolean)
    illustrative: Mapped[bool] = mapped_column(Boolean)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    note: Mapped[str | None] = mapped_column(Text)


class ImportLog(Base):
    """One import of a data file (``omradesatsing.importers.run``): who, when, which file (name and
    SHA-256), what kind, the counts and the source; ``undo`` holds what restores the store as it was
    (rows added, and rows changed or removed as they were), until ``undone_at``."""

    __tablename__ = "import_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(120))
    file_name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    file_format: Mapped[str] = mapped_column(String(20))
    rows: Mapped[int] = mapped_column(Integer)
    added: Mapped[int] = mapped_column(Integer)
    changed: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    refused: Mapped[int] = mapped_column(Integer)
    removed: Mapped[int] = mapped_column(Integer)  # example rows the real ones replaced
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    undo: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String(120))


class ImportProfile(Base):
    """A saved mapping of a wide table's columns (which column is the zone, which are which indicator
    and year), so next year's file with the same layout goes in with one choice."""

    __tablename__ = "import_profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ZonePart(Base):
    """A zone made of zones of a finer level that are not its children by ``parent_id`` (a
    levekårssone made of grunnkretser, whose parent is a delområde). Its counts are their sum, so
    suppression protects the two levels together."""

    __tablename__ = "zone_part"
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id", ondelete="CASCADE"), primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("zone.id", ondelete="CASCADE"), primary_key=True)


class ProtectionRun(Base):
    """One run of the suppression step: the rule it applied, so a changed setting is noticed and the
    pattern computed again (``omradesatsing.suppression.ensure_current``)."""

    __tablename__ = "protection_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    threshold: Mapped[int] = mapped_column(Integer)
    margin: Mapped[int] = mapped_column(Integer)
    indicators: Mapped[int] = mapped_column(Integer)  # how many indicators this run protected
    cells: Mapped[int] = mapped_column(Integer)
    hidden: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)


class IndicatorTarget(Base):
    """A target the programme has set for an indicator in an area (e.g. drop-out by 2026)."""

    __tablename__ = "indicator_target"
    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    target_value: Mapped[float] = mapped_column(Float)
    target_year: Mapped[int] = mapped_column(Integer)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))


class Pillar(Base):
    """A main pillar (hovedpilar) of the programme."""

    __tablename__ = "pillar"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name_nb: Mapped[str] = mapped_column(String(200))
    name_nn: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))


class Subprogramme(Base):
    """A delprogram with its goal."""

    __tablename__ = "subprogramme"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    goal: Mapped[str | None] = mapped_column(Text)
    leader: Mapped[str | None] = mapped_column(String(200))
    pillar_id: Mapped[int | None] = mapped_column(ForeignKey("pillar.id"))
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))

    measures: Mapped[list[Measure]] = relationship(back_populates="subprogramme")


class Measure(Base):
    """A tiltak in a subprogramme, in one or more areas. ``version`` guards against lost updates."""

    __tablename__ = "measure"
    __table_args__ = (
        CheckConstraint(_in("status", MEASURE_STATUSES), name="status"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    subprogramme_id: Mapped[int] = mapped_column(ForeignKey("subprogramme.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    responsible_unit: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # ``illustrative``: the measure itself is an example (not named in a source).
    # ``status_illustrative``: status, progress and dates are examples even for a real measure.
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    status_illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}

    subprogramme: Mapped[Subprogramme] = relationship(back_populates="measures")
    areas: Mapped[list[MeasureArea]] = relationship(cascade="all, delete-orphan")


class MeasureArea(Base):
    __tablename__ = "measure_area"
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)


class MeasureIndicator(Base):
    """The indicators a measure aims to move."""

    __tablename__ = "measure_indicator"
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"), primary_key=True)


class StatusUpdate(Base):
    """One entry in a measure's status history."""

    __tablename__ = "status_update"
    __table_args__ = (Index("ix_status_update_measure_at", "measure_id", "changed_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"))
    previous_status: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    progress: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(120))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)


class Milestone(Base):
    """A milestone of a measure. ``version`` guards against lost updates, as for measures."""

    __tablename__ = "milestone"
    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    due_date: Mapped[dt.date] = mapped_column(Date)
    done_date: Mapped[dt.date | None] = mapped_column(Date)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}


class ReportSnapshot(Base):
    """Statuses frozen at a tertial report, so a later meeting can compare with what was reported."""

    __tablename__ = "report_snapshot"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    taken_by: Mapped[str] = mapped_column(String(120))
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)

    items: Mapped[list[SnapshotItem]] = relationship(cascade="all, delete-orphan")


class SnapshotItem(Base):
    """One measure as it stood in a snapshot."""

    __tablename__ = "snapshot_item"
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("report_snapshot.id", ondelete="CASCADE"), primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))
    progress: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)


class Investment(Base):
    """A project with money: where, what, who pays, budget and spent in whole kroner."""

    __tablename__ = "investment"
    __table_args__ = (
        CheckConstraint(_in("status", INVESTMENT_STATUSES), name="status"),
        CheckConstraint(_in("category", INVESTMENT_CATEGORIES), name="category"),
        CheckConstraint(_in("funding_source", FUNDING_SOURCES), name="funding_source"),
        CheckConstraint("budget_nok >= 0 AND spent_nok >= 0", name="amounts"),
        CheckConstraint("end_year IS NULL OR end_year >= start_year", name="years"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id"))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    category: Mapped[str] = mapped_column(String(30))
    funding_source: Mapped[str] = mapped_column(String(20))
    budget_nok: Mapped[int] = mapped_column(BigInteger, default=0)
    spent_nok: Mapped[int] = mapped_column(BigInteger, default=0)
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    photo_before: Mapped[str | None] = mapped_column(String(500))
    photo_after: Mapped[str | None] = mapped_column(String(500))
    # The project's name may be real (source_id says where it is mentioned) while amounts,
    # years, status and location are examples: ``illustrative`` covers those figures.
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class Grant(Base):
    """A state grant (tilskudd) for a budget year, in whole kroner. ``version`` guards against lost updates."""

    __tablename__ = "state_grant"
    __table_args__ = (
        CheckConstraint(_in("status", GRANT_STATUSES), name="status"),
        CheckConstraint("amount_nok >= 0", name="amount"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    amount_nok: Mapped[int] = mapped_column(BigInteger)
    scheme: Mapped[str] = mapped_column(String(300))
    funder: Mapped[str] = mapped_column(String(300))
    recipient: Mapped[str] = mapped_column(String(300))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    status: Mapped[str] = mapped_column(String(20))
    derived: Mapped[bool] = mapped_column(Boolean, default=False)  # computed from other figures
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    # False for a published total whose parts are rows of their own: adding it would count twice.
    in_sums: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}


class ParticipationActivity(Base):
    """Medvirkning: folkemøter, Barnetråkk, surveys, neighbourhood groups, workshops."""

    __tablename__ = "participation_activity"
    __table_args__ = (CheckConstraint(_in("kind", PARTICIPATION_KINDS), name="kind"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    date: Mapped[dt.date] = mapped_column(Date)
    participants: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("source.id"))


class Publication(Base):
    """A publication or research project of the programme (article, book, follow-up research, PhD),
    with the years as published (``year_end`` None: a single year); ``note`` as the source says it
    («kommer»). Linked to the areas it is about (``PublicationArea``); no link: programme-wide."""

    __tablename__ = "publication"
    __table_args__ = (
        CheckConstraint(_in("kind", PUBLICATION_KINDS), name="kind"),
        CheckConstraint("year_end IS NULL OR year_end >= year_start", name="years"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    year_start: Mapped[int] = mapped_column(Integer)
    year_end: Mapped[int | None] = mapped_column(Integer)
    publisher: Mapped[str | None] = mapped_column(Text)  # journal or institution
    note: Mapped[str | None] = mapped_column(Text)
    # The title's language (nb, nn, en …): a title in another language than the page is marked as such
    # (WCAG 3.1.2), so a screen reader reads it in its own language.
    language: Mapped[str] = mapped_column(String(5), default="nb")
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)

    areas: Mapped[list[PublicationArea]] = relationship(cascade="all, delete-orphan")


class PublicationArea(Base):
    __tablename__ = "publication_area"
    publication_id: Mapped[int] = mapped_column(ForeignKey("publication.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)


class AreaContact(Base):
    """Where to meet the programme in an area: a role (no person's name) at the local office, with
    address, e-mail, phone and opening hours where known. As for investments, the source says where
    the role and office are named, and ``illustrative`` covers the details that are examples."""

    __tablename__ = "area_contact"
    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(Text)
    office: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    opening_hours: Mapped[str | None] = mapped_column(Text)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    illustrative: Mapped[bool] = mapped_column(Boolean, default=False)


class User(Base):
    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(300))  # argon2; empty for SSO-only users
    role: Mapped[str] = mapped_column(String(10), default="viewer")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class UserArea(Base):
    """The areas an editor may edit."""

    __tablename__ = "user_area"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)


class AuditEntry(Base):
    """Who changed what, when. Written in the same transaction as the change."""

    __tablename__ = "audit_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
