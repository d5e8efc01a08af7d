"""Import of the platforms' own export files (CSV or XLSX) into inbound items and metric snapshots.

Officers who cannot connect an account through the API (no app review yet, a leader's
personal page) download the platform's export and upload it here. What lives where:

- :mod:`~warta.ingest.exports.formats` — the known exports (Meta Business Suite for Facebook
  and Instagram, X analytics old and new, YouTube Studio), their column headers in English
  and Indonesian, and which Warta field or metric each column feeds.
- :mod:`~warta.ingest.exports.reader` — reading the bytes: CSV (delimiter and encoding found,
  UTF-8 with or without BOM, UTF-16) or XLSX (openpyxl, read-only); anything else is refused
  by its content, not its name; size and row limits.
- :mod:`~warta.ingest.exports.mapping` — recognising the format and proposing a column
  mapping from the headers; turning each row into a post with its metrics, or into the
  reasons it is bad (as codes with parameters, worded in the reader's language).
- :mod:`~warta.ingest.exports.services` — the writes: ``export_import_create`` (store the
  upload and its preview report), ``export_import_mapping_update``, ``export_import_apply``
  (all or nothing in one transaction, through ``items_ingest`` and ``metrics_record``; big
  files as a background task with progress).

See docs/adr/0013-export-file-import.md.
"""
