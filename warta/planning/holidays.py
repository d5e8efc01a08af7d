"""The day marks of the editorial calendar: Indonesia's national holidays and *cuti bersama*
from the maintained ``holidays`` library, its commemoration days (*hari peringatan*) from KDE's
KHolidays library installed on the machine, plus a unit's own important dates and those of its
ancestors (each naming the unit that set it).

The library (python-holidays) gives Indonesia two categories: ``public`` (hari libur nasional)
and ``government`` (cuti bersama), with Indonesian names (``language="id"``). It has no
category for commemoration days (hari peringatan nasional such as Hari Pahlawan); those come
from ``warta.planning.kholidays`` (kind ``commemoration``). See docs/adr/0017-planning.md and
docs/adr/0026-commemoration-days.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays as holidays_lib

from warta.organisations.models import Unit
from warta.planning import kholidays
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
    unit: str = ""  # kind "unit": the name of the unit that set the date
    inherited: bool = False  # kind "unit": set by an ancestor of the unit whose calendar this is


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


_MINOR_WORDS = frozenset({"hari", "nasional", "internasional", "sedunia", "dan", "r", "i", "ri"})


def _words(title: str) -> frozenset[str]:
    return frozenset("".join(ch if ch.isalnum() else " " for ch in title.lower()).split()) - _MINOR_WORDS


def _same_day_name(a: str, b: str) -> bool:
    """Whether two titles name the same day ("Hari Buruh" and "Hari Buruh Internasional")."""
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and (wa <= wb or wb <= wa)


def commemoration_marks(year: int) -> tuple[DayMark, ...]:
    """Indonesia's commemoration days of ``year`` (kind ``commemoration``) from KHolidays,
    without those that are already a national holiday that day (Hari Lahir Pancasila);
    empty when the library is not installed. 29 February only in leap years. Not cached here:
    the library is read once per process (``kholidays.commemorations``) and the rest is cheap."""
    holidays_by_day: dict[date, list[str]] = {}
    for mark in national_marks(year):
        holidays_by_day.setdefault(mark.date, []).append(mark.title)
    marks = []
    for month, day, name in kholidays.commemorations():
        try:
            when = date(year, month, day)
        except ValueError:
            continue
        if any(_same_day_name(name, title) for title in holidays_by_day.get(when, ())):
            continue
        marks.append(DayMark(when, name, "commemoration"))
    return tuple(sorted(marks))


def commemorations_available() -> bool:
    """Whether commemoration days could be read; when not, the calendar says that they need
    the KHolidays package (``libkf5holidays5``)."""
    return kholidays.available()


def _yearly_on(original: date, year: int) -> date | None:
    try:
        return original.replace(year=year)
    except ValueError:  # 29 February in a year that has none
        return None


def unit_marks(unit: Unit, start: date, end: date) -> list[DayMark]:
    """The important dates of ``unit`` and its ancestors in ``start``..``end`` (yearly ones each
    year), each naming the unit that set it; an ancestor's is ``inherited``."""
    marks = []
    for row in important_dates_for(unit).order_by("date", "title"):
        setter, inherited = row.unit.name, row.unit_id != unit.pk
        if row.yearly:
            for year in range(start.year, end.year + 1):
                day = _yearly_on(row.date, year)
                if day is not None and start <= day <= end and day >= row.date:
                    marks.append(DayMark(day, row.title, "unit", setter, inherited))
        elif start <= row.date <= end:
            marks.append(DayMark(row.date, row.title, "unit", setter, inherited))
    return marks


def calendar_marks(unit: Unit, start: date, end: date) -> list[DayMark]:
    """Return every mark from ``start`` to ``end`` (both included), sorted by date, kind and title:
    national holidays (``holiday``), cuti bersama (``cuti_bersama``), commemoration days
    (``commemoration``, none when KHolidays is not installed) and the important dates of the
    unit and its ancestors (``unit``, naming the unit that set each). Raises ValueError when
    ``end`` is before ``start`` or the range is longer than ``MAX_DAYS`` days."""
    if end < start:
        raise ValueError("end before start")
    if (end - start).days + 1 > MAX_DAYS:
        raise ValueError("range too long")
    years = range(start.year, end.year + 1)
    marks = [m for year in years for m in national_marks(year) if start <= m.date <= end]
    marks += [m for year in years for m in commemoration_marks(year) if start <= m.date <= end]
    marks += unit_marks(unit, start, end)
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(marks, key=lambda m: (m.date, order.get(m.kind, 9), m.title))
