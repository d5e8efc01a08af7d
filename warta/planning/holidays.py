"""The day marks of the editorial calendar: Indonesia's national holidays and *cuti bersama*
from the maintained ``holidays`` library, plus a unit's own important dates and those of its
ancestors.

The library (python-holidays) gives Indonesia two categories: ``public`` (hari libur nasional)
and ``government`` (cuti bersama), with Indonesian names (``language="id"``). It has no
category for commemoration days (hari peringatan nasional such as Hari Pahlawan); the
``commemoration`` kind is kept for when it does. See docs/adr/0017-planning.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays as holidays_lib

from warta.organisations.models import Unit
from warta.planning.selectors import important_dates_for

KINDS = ("holiday", "cuti_bersama", "commemoration", "unit")
MAX_DAYS = 400

# The library's categories for Indonesia and the calendar kind each one becomes.
_CATEGORY_KINDS = {
    holidays_lib.PUBLIC: "holiday",
    getattr(holidays_lib, "GOVERNMENT", "government"): "cuti_bersama",
}
_COMMEMORATION_CATEGORIES = ("optional", "armed_forces", "school")  # used if the library ever adds them


@dataclass(frozen=True, order=True)
class DayMark:
    date: date
    title: str
    kind: str  # one of KINDS


def _supported_categories() -> tuple[str, ...]:
    supported = getattr(holidays_lib.country_holidays("ID").__class__, "supported_categories", (holidays_lib.PUBLIC,))
    return tuple(supported)


@lru_cache(maxsize=64)
def national_marks(year: int) -> tuple[DayMark, ...]:
    """Indonesia's holidays, cuti bersama (and commemoration days when the library has any)
    of ``year``, in Indonesian; cached per year."""
    supported = _supported_categories()
    marks: list[DayMark] = []
    for category in supported:
        kind = _CATEGORY_KINDS.get(category) or ("commemoration" if category in _COMMEMORATION_CATEGORIES else None)
        if kind is None:
            continue
        days = holidays_lib.country_holidays("ID", years=year, language="id", categories=(category,))
        for day, names in sorted(days.items()):
            for title in str(names).split("; "):
                kind_here = "cuti_bersama" if kind == "holiday" and title.lower().startswith("cuti bersama") else kind
                marks.append(DayMark(day, title, kind_here))
    return tuple(sorted(marks))


def _yearly_on(original: date, year: int) -> date | None:
    try:
        return original.replace(year=year)
    except ValueError:  # 29 February in a year that has none
        return None


def unit_marks(unit: Unit, start: date, end: date) -> list[DayMark]:
    """The important dates of ``unit`` and its ancestors in ``start``..``end`` (yearly ones each year)."""
    marks = []
    for row in important_dates_for(unit).order_by("date", "title"):
        if row.yearly:
            for year in range(start.year, end.year + 1):
                day = _yearly_on(row.date, year)
                if day is not None and start <= day <= end and day >= row.date:
                    marks.append(DayMark(day, row.title, "unit"))
        elif start <= row.date <= end:
            marks.append(DayMark(row.date, row.title, "unit"))
    return marks


def calendar_marks(unit: Unit, start: date, end: date) -> list[DayMark]:
    """Return every mark from ``start`` to ``end`` (both included), sorted by date, kind and title:
    national holidays (``holiday``), cuti bersama (``cuti_bersama``), commemoration days
    (``commemoration``, none while the library has none) and the important dates of the unit
    and its ancestors (``unit``). Raises ValueError when ``end`` is before ``start`` or the
    range is longer than ``MAX_DAYS`` days."""
    if end < start:
        raise ValueError("end before start")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValueError("range too long")
    marks = [m for year in range(start.year, end.year + 1) for m in national_marks(year) if start <= m.date <= end]
    marks += unit_marks(unit, start, end)
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(marks, key=lambda m: (m.date, order.get(m.kind, 9), m.title))
