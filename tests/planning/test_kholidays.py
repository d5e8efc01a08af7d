"""Commemoration days from KDE's KHolidays: the plan2 parser, finding the Indonesian plan in a
library's bytes, the absent library, the calendar marks and pages built on them, and (only
when the Debian package is installed) the real library."""

import glob
import logging
import os
import struct
import time
import zlib
from datetime import date

import pytest
from django.urls import reverse

from warta.planning import kholidays
from warta.planning.holidays import DayMark, calendar_marks, commemoration_marks
from warta.planning.kholidays import Commemoration, parse_plan, plan_from_binary

PLAN = """\
::
:: Country:  Indonesia
::
:: Language: Indonesian
::
:: Author:   Someone <someone@example.org>

:: Metadata
country     "ID"
language    "id"
description "File Hari Libur Nasional Indonesia"

:: Public Holidays
"Tahun Baru Masehi"                      public on january 1
"Hari Proklamasi Kemerdekaan R.I."       public  on august 17
"Rabu Abu"                               religious on easter minus 46 days
"Hari Raya Nyepi"                        public on march 19 2026
"Maulid Nabi Muhammad SAW"               public religious on hijri rabialawal 12
"Hari Natal"                             public religious on december 25
"Hari Raya Galungan"                     civil on february 1 2012
"Hari Raya Kuningan"                     civil on easter plus 3 days
"Hari Raya Setengah"                     civil public on june 3
"Idul Fitri Sipil"                       civil on hijri shawwal 1

:: Name Days
: Kartini Day
"Hari Kartini"                           civil on april 21
"Hari Pahlawan"                          civil on November 10   : Heroes' Day, a trailing comment
"Hari Pers Nasional"                     civil on 9.2.
"Hari Sumpah Pemuda"                     civil on oct 28
"Hari Ibu"                               civil on december 22
"Hari Ibu"                               civil on december 22
"Hari Kabisat"                           civil on february 29
: "Hari Komentar"                        civil on march 3
"Hari Rusak"                             civil on april 31
"Hari Tanpa Bulan"                       civil on smarch 2
"Hari Tanpa Kutip                        civil on may 5
"Hari Panjang"                           civil on may 6 length 2 days
"Hari Geser"                             civil on may 7 shift to monday if sunday
"Hari: Titik Dua"                        civil on may 9
garbage line without quotes civil on may 8
"Hari Guru"                              civil on
"Hari Besar Kecil"                       CIVIL ON JULY 4
"""

KEPT = (
    Commemoration(2, 9, "Hari Pers Nasional"),
    Commemoration(2, 29, "Hari Kabisat"),
    Commemoration(4, 21, "Hari Kartini"),
    Commemoration(5, 9, "Hari: Titik Dua"),
    Commemoration(7, 4, "Hari Besar Kecil"),
    Commemoration(10, 28, "Hari Sumpah Pemuda"),
    Commemoration(11, 10, "Hari Pahlawan"),
    Commemoration(12, 22, "Hari Ibu"),
)


def test_parser_keeps_only_civil_days_on_a_fixed_date():
    assert parse_plan(PLAN) == KEPT


def test_parser_survives_anything():
    assert parse_plan("") == ()
    assert parse_plan('"\n"""\n" civil on april 21\n\x00\x01 civil on\n' + "x" * 10000) == ()
    assert parse_plan('"Hari Nol" civil on april 0\n"Hari 32" civil on 32.1\n"Bulan 13" civil on 1.13') == ()


def _rcc_block(text: str) -> bytes:
    """A file as Qt's rcc stores it compressed: block length, uncompressed length, zlib stream."""
    raw = text.encode()
    packed = struct.pack(">I", len(raw)) + zlib.compress(raw)
    return struct.pack(">I", len(packed)) + packed


def _library(*blocks: bytes) -> bytes:
    garbage = bytes(range(256)) * 8 + b"\x78\x9c not a zlib stream \x78\xda\x00\x00"
    return garbage + garbage.join(blocks) + garbage


OTHER_LANGUAGE = PLAN.replace(":: Language: Indonesian", ":: Language: US English").replace(
    '"Hari Kartini"', '"Kartini Day"')
OTHER_COUNTRY = PLAN.replace(":: Country:  Indonesia", ":: Country:  Malaysia").replace(
    '"Hari Kartini"', '"Hari Malaysia"')


def test_extraction_finds_the_indonesian_plan_between_garbage():
    data = _library(_rcc_block(OTHER_COUNTRY), _rcc_block(OTHER_LANGUAGE), _rcc_block(PLAN))
    text = plan_from_binary(data)
    assert text == PLAN
    assert parse_plan(text) == KEPT
    assert "Kartini Day" in plan_from_binary(data, language="US English")


def test_extraction_without_the_rcc_length_prefix_and_with_a_better_compression():
    data = b"\x00\x00\x00\x00garbage" + zlib.compress(PLAN.encode(), 9) + b"\xff" * 50
    assert plan_from_binary(data) == PLAN


def test_extraction_ignores_other_plans_and_broken_streams():
    assert plan_from_binary(_library(_rcc_block(OTHER_COUNTRY), _rcc_block(OTHER_LANGUAGE))) is None
    broken = _rcc_block(PLAN)
    assert plan_from_binary(_library(broken[:len(broken) // 2])) is None
    assert plan_from_binary(b"") is None
    assert plan_from_binary(PLAN.encode()) is None  # not compressed: only zlib streams are read


def test_extraction_is_fast_on_a_large_binary():
    data = os.urandom(2 * 1024 * 1024) + _rcc_block(PLAN) + os.urandom(1024)
    started = time.perf_counter()
    assert plan_from_binary(data) == PLAN
    assert time.perf_counter() - started < 1.0


@pytest.fixture
def fresh_loader():
    kholidays.commemorations.cache_clear()
    yield
    kholidays.commemorations.cache_clear()


def test_setting_names_the_library(settings, tmp_path, fresh_loader):
    library = tmp_path / "libKF5Holidays.so.5.999.0"
    library.write_bytes(_library(_rcc_block(OTHER_LANGUAGE), _rcc_block(PLAN)))
    settings.WARTA_KHOLIDAYS_LIBRARY = str(library)
    assert kholidays.commemorations() == KEPT
    assert kholidays.available()


@pytest.mark.parametrize("content", [None, b"", b"\x7fELF not the library", "not indonesian"])
def test_absent_or_unreadable_library_gives_nothing_and_logs_once(settings, tmp_path, fresh_loader, caplog,
                                                                  content):
    library = tmp_path / "libKF5Holidays.so.5"
    if content == "not indonesian":
        library.write_bytes(_library(_rcc_block(OTHER_COUNTRY)))
    elif content is not None:
        library.write_bytes(content)
    settings.WARTA_KHOLIDAYS_LIBRARY = str(library)
    with caplog.at_level(logging.INFO, logger="warta.planning.kholidays"):
        assert kholidays.commemorations() == ()
        assert kholidays.commemorations() == ()
        assert not kholidays.available()
    logged = [r for r in caplog.records if r.name == "warta.planning.kholidays"]
    assert len(logged) == 1
    assert logged[0].levelno == logging.INFO
    assert "libkf5holidays5" in logged[0].getMessage()


def test_absent_library_leaves_the_calendar_working(settings, tmp_path, fresh_loader, tree):
    settings.WARTA_KHOLIDAYS_LIBRARY = str(tmp_path / "missing.so")
    marks = calendar_marks(tree.kab, date(2026, 4, 1), date(2026, 11, 30))
    assert marks
    assert not [m for m in marks if m.kind == "commemoration"]
    assert DayMark(date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia", "holiday") in marks


# --- calendar marks, with the loader replaced -------------------------------------------------------


@pytest.fixture
def plan_loaded(monkeypatch):
    found = (*KEPT, Commemoration(5, 1, "Hari Buruh"), Commemoration(6, 1, "Hari Lahir Pancasila"))
    monkeypatch.setattr(kholidays, "commemorations", lambda: tuple(sorted(found)))


@pytest.fixture
def plan_missing(monkeypatch):
    monkeypatch.setattr(kholidays, "commemorations", lambda: ())


def test_calendar_marks_include_commemoration_days_every_year(tree, plan_loaded):
    marks = calendar_marks(tree.kab, date(2026, 4, 1), date(2027, 4, 30))
    commemorations = [m for m in marks if m.kind == "commemoration"]
    assert DayMark(date(2026, 4, 21), "Hari Kartini", "commemoration") in commemorations
    assert DayMark(date(2027, 4, 21), "Hari Kartini", "commemoration") in commemorations
    assert DayMark(date(2026, 11, 10), "Hari Pahlawan", "commemoration") in commemorations
    assert DayMark(date(2027, 2, 9), "Hari Pers Nasional", "commemoration") in commemorations
    assert all(date(2026, 4, 1) <= m.date <= date(2027, 4, 30) for m in marks)
    assert not [m for m in commemorations if m.title == "Hari Kabisat"]  # 2027 has no 29 February
    # a commemoration that is already the national holiday of that day is shown once, as the holiday
    assert not [m for m in commemorations if m.title in ("Hari Buruh", "Hari Lahir Pancasila")]
    assert [m.kind for m in marks if m.date == date(2026, 6, 1)] == ["holiday"]
    assert date(2028, 2, 29) in {m.date for m in commemoration_marks(2028)}
    assert [m.date for m in marks] == sorted(m.date for m in marks)


def test_commemoration_shares_a_day_with_a_holiday_of_another_name(tree, monkeypatch):
    monkeypatch.setattr(kholidays, "commemorations", lambda: (Commemoration(8, 17, "Hari Bendera"),))
    marks = calendar_marks(tree.kab, date(2026, 8, 17), date(2026, 8, 17))
    assert [m.kind for m in marks] == ["holiday", "commemoration"]


def test_calendar_page_shows_commemoration_days(client, tree, editor, plan_loaded):
    from tests.conftest import login_client

    login_client(client, editor)
    body = client.get(reverse("publishing:calendar", args=[tree.kab.uuid]) + "?date=2026-04-01").content.decode()
    cell = body.split('data-testid="day-2026-04-21"', 1)[1].split("</td>", 1)[0]
    assert "Hari Kartini" in cell
    assert "cal-mark mark-commemoration" in cell
    assert "Hari peringatan:" in cell
    assert 'data-testid="commemorations-missing"' not in body
    overview = client.get(reverse("planning:overview", args=[tree.kab.uuid])).content.decode()
    assert 'data-testid="commemorations-missing"' not in overview


def test_pages_say_the_package_is_needed_when_absent(client, tree, editor, plan_missing):
    from tests.conftest import login_client

    login_client(client, editor)
    body = client.get(reverse("publishing:calendar", args=[tree.kab.uuid]) + "?date=2026-04-01").content.decode()
    assert 'data-testid="commemorations-missing"' in body
    assert "libkf5holidays5" in body
    assert "Hari Kartini" not in body
    overview = client.get(reverse("planning:overview", args=[tree.kab.uuid])).content.decode()
    assert "libkf5holidays5" in overview


def test_api_marks_carry_commemoration_days(api, tree, plan_loaded):
    marks = api.get(f"/units/{tree.kab.uuid}/calendar-marks", start="2026-11-01", end="2026-11-30").json()
    assert {"date": "2026-11-10", "title": "Hari Pahlawan", "kind": "commemoration", "unit": None,
            "inherited": False} in marks


# --- the real library, when the Debian package is installed ---------------------------------------

REAL_LIBRARY = [name for pattern in kholidays.LIBRARY_GLOBS for name in glob.glob(pattern)]


@pytest.mark.skipif(not REAL_LIBRARY, reason="KHolidays (Debian package libkf5holidays5) is not installed")
def test_real_library_has_kartini_and_pahlawan(settings, fresh_loader, tree):
    settings.WARTA_KHOLIDAYS_LIBRARY = ""
    started = time.perf_counter()
    found = kholidays.commemorations()
    assert time.perf_counter() - started < 1.0
    assert Commemoration(4, 21, "Hari Kartini") in found
    assert Commemoration(11, 10, "Hari Pahlawan") in found
    assert all(1 <= c.month <= 12 and 1 <= c.day <= 31 and c.name for c in found)
    marks = calendar_marks(tree.kab, date(2026, 4, 1), date(2026, 11, 30))
    assert DayMark(date(2026, 4, 21), "Hari Kartini", "commemoration") in marks
    assert DayMark(date(2026, 11, 10), "Hari Pahlawan", "commemoration") in marks
