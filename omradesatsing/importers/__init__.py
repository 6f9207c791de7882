"""Importers: what comes into the store from files, and what goes out again. No Streamlit here: the
Admin page and the CLI call the same functions.

- ``zones``: official zone boundaries (GeoJSON or a zipped Shapefile);
- ``tables``: one reader for tabular files (CSV as Norwegian spreadsheets and SSB/FHI save them,
  Excel ``.xlsx``, JSON-stat 2.0) into one shape, with the file's own row and column names;
- one module per kind of data (``indicators``, ``investments``, ``grants``, ``measures``,
  ``participation``, ``targets``) holding its column rules;
- ``run``: the shared validation report and the one transactional writer (dry run, import log,
  audit entry, undo);
- ``export``: everything out again as a zip in the templates' format.
"""
