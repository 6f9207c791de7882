"""What the two halves of the seed share: the data folder, the years and "now" of the examples, and ``Ctx``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from omradesatsing import config
from omradesatsing.models import Source

DATA = config.DATA_DIR
YEARS = range(2015, 2025)  # illustrative series: data years 2015–2024
SEED_DATE = dt.datetime(2026, 11, 1, 12, 0)  # "now" of the example status history
ILLUSTRATIVE_KEY = "eksempeldata"


@dataclass
class Ctx:
    session: Session
    sources: dict[str, Source]
    illustrative: Source

    def source(self, key: str, **fields) -> Source:
        if key not in self.sources:
            src = Source(key=key, **fields)
            self.session.add(src)
            self.session.flush()
            self.sources[key] = src
        return self.sources[key]
