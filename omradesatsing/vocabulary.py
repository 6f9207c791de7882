"""The controlled vocabularies: every code the store keeps for a kind, status, level or role, and the
orders the pages show them in. The UI translates each code (``components/i18n``); the tables check them
(``omradesatsing.models``)."""

from __future__ import annotations

ZONE_LEVELS = ("kommune", "bydel", "delomraade", "levekaarssone", "grunnkrets")
AREA_STATES = ("active", "preproject", "ended")
VALUE_SCOPES = ("zone", "area", "city", "country")
MEASURE_STATUSES = ("not_started", "on_track", "at_risk", "off_track", "completed")
INVESTMENT_STATUSES = ("planned", "under_way", "completed")
INVESTMENT_CATEGORIES = (
    "physical_upgrading",
    "schools",
    "parks_squares",
    "culture_social",
    "housing_cooperatives",
    "paths_lighting",
)
FUNDING_SOURCES = ("municipality", "state_kdd", "husbanken", "other")
GRANT_STATUSES = ("proposed", "granted")
PARTICIPATION_KINDS = ("public_meeting", "barnetrakk", "survey", "neighbourhood_group", "workshop")
PUBLICATION_KINDS = ("article", "book", "research", "phd")
ROLES = ("viewer", "editor", "admin")
UNITS = ("percent", "nok", "years", "per_1000", "persons", "count")

# The orders shown: status cards (running statuses first), the levels offered on Kart, the levels a
# boundary file can be imported for.
STATUS_CARD_ORDER = ("on_track", "at_risk", "off_track", "completed", "not_started")
MAP_LEVELS = ("delomraade", "bydel", "levekaarssone", "grunnkrets")
IMPORT_LEVELS = ("levekaarssone", "grunnkrets")
