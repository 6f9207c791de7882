"""The read side, one module per domain (the same domains ``components/`` is split by):

- ``places``: programme areas, zones and their boundaries;
- ``indicators``: indicator values (suppressed here), trends, gaps, zone profiles;
- ``programme``: subprogrammes, measures, status changes, tertial reports, participation;
- ``money``: investments, state grants and the totals every page shows;
- ``about``: the sources and what the store holds;
- ``overview``: Oversikt's "since the last meeting" and the areas × key indicators grid.

Every reader takes a ``Store`` (engine + settings) first and returns a DataFrame or plain data.
The stored suppression pattern (``privacy.hide``; decided when data change, in
``omradesatsing.suppression``) is applied here, so no page can receive a hidden value; every
indicator row carries its source, period and the *illustrative* flag.
"""

from omradesatsing.read import about, indicators, money, overview, places, programme
from omradesatsing.read.store import Store, frame

__all__ = ["Store", "about", "frame", "indicators", "money", "overview", "places", "programme"]
