"""CSV cells that a spreadsheet will not run as a formula (CSV / formula injection).

Excel, LibreOffice and Google Sheets treat a cell starting with ``=``, ``+``, ``-`` or ``@``
as a formula, and a leading tab or carriage return can hide such a start. Any export of text
that users typed (account names, officer e-mails, post text) passes each cell through
:func:`csv_safe`, which prefixes such a cell with an apostrophe: the sheet shows the text as
typed and never evaluates it (the OWASP "CSV Injection" advice).
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """Return ``value`` as CSV cell text, with ``'`` in front when it could start a formula.

    ``None`` becomes an empty cell. Numbers are written as text too, so a negative number is
    prefixed as well: exports only call this on text typed by people, not on computed figures.
    """
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_safe_row(values: Any) -> list[str]:
    """Return every cell of one row through :func:`csv_safe`."""
    return [csv_safe(value) for value in values]
