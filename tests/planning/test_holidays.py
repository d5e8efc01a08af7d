"""Calendar marks: Indonesia's holidays from the library, and the unit's own dates."""

from datetime import date

import pytest

from warta.planning.holidays import DayMark, calendar_marks, national_marks
from warta.planning.models import ImportantDate


def test_independence_day_is_a_holiday(tree):
    marks = calendar_marks(tree.kab, date(2026, 8, 1), date(2026, 8, 31))
    assert DayMark(date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia", "holiday") in marks
    assert all(date(2026, 8, 1) <= m.date <= date(2026, 8, 31) for m in marks)


def test_idul_fitri_2026_and_cuti_bersama(tree):
    marks = calendar_marks(tree.kab, date(2026, 3, 15), date(2026, 3, 31))
    by_day = {(m.date, m.kind): m.title for m in marks}
    assert by_day[(date(2026, 3, 21), "holiday")] == "Hari Raya Idul Fitri"
    assert by_day[(date(2026, 3, 20), "cuti_bersama")].startswith("Cuti Bersama")
    assert {m.kind for m in national_marks(2026)} <= {"holiday", "cuti_bersama", "commemoration"}


def test_unit_and_ancestor_dates_yearly_and_once(tree, admin):
    ImportantDate.objects.create(unit=tree.kab, date=date(1482, 6, 3), title="Hari Jadi Bogor", yearly=True)
    ImportantDate.objects.create(unit=tree.jabar, date=date(2026, 6, 10), title="Rapat koordinasi humas")
    ImportantDate.objects.create(unit=tree.jabar, date=date(2025, 6, 11), title="Sekali tahun lalu")
    ImportantDate.objects.create(unit=tree.kota, date=date(1482, 6, 3), title="Hari Jadi Kota Bogor", yearly=True)
    ImportantDate.objects.create(unit=tree.desa, date=date(2020, 6, 5), title="Milik desa", yearly=True)
    gone = ImportantDate.objects.create(unit=tree.kab, date=date(2020, 6, 6), title="Diarsipkan", yearly=True)
    ImportantDate.objects.filter(pk=gone.pk).update(archived_at="2026-01-01T00:00:00Z")
    marks = [m for m in calendar_marks(tree.kec, date(2026, 6, 1), date(2027, 6, 30)) if m.kind == "unit"]
    assert marks == [
        DayMark(date(2026, 6, 3), "Hari Jadi Bogor", "unit", "Kabupaten Bogor", True),
        DayMark(date(2026, 6, 10), "Rapat koordinasi humas", "unit", "Provinsi Jawa Barat", True),
        DayMark(date(2027, 6, 3), "Hari Jadi Bogor", "unit", "Kabupaten Bogor", True),
    ]


def test_yearly_date_starts_in_its_year_and_skips_missing_leap_day(tree):
    ImportantDate.objects.create(unit=tree.kab, date=date(2028, 2, 29), title="Kabisat", yearly=True)
    ImportantDate.objects.create(unit=tree.kab, date=date(2027, 1, 5), title="Mulai 2027", yearly=True)
    marks = [m for m in calendar_marks(tree.kab, date(2026, 1, 1), date(2027, 1, 31)) if m.kind == "unit"]
    assert marks == [DayMark(date(2027, 1, 5), "Mulai 2027", "unit", "Kabupaten Bogor")]
    marks = [m for m in calendar_marks(tree.kab, date(2028, 2, 1), date(2028, 3, 1)) if m.kind == "unit"]
    assert marks == [DayMark(date(2028, 2, 29), "Kabisat", "unit", "Kabupaten Bogor")]


def test_range_is_checked(tree):
    with pytest.raises(ValueError, match="end before start"):
        calendar_marks(tree.kab, date(2026, 1, 2), date(2026, 1, 1))
    with pytest.raises(ValueError, match="too long"):
        calendar_marks(tree.kab, date(2026, 1, 1), date(2027, 2, 5))
    assert calendar_marks(tree.kab, date(2026, 1, 1), date(2027, 2, 4))  # exactly 400 days


def test_sorted_by_date(tree):
    marks = calendar_marks(tree.kab, date(2026, 1, 1), date(2026, 12, 31))
    assert [m.date for m in marks] == sorted(m.date for m in marks)
    assert len(marks) >= 17


def test_ancestor_dates_reach_the_whole_subtree_naming_their_unit(tree):
    ImportantDate.objects.create(unit=tree.jabar, date=date(1950, 8, 19), title="Hari Jadi Jawa Barat", yearly=True)
    ImportantDate.objects.create(unit=tree.kab, date=date(2026, 8, 20), title="Rapat Kabupaten")
    ImportantDate.objects.create(unit=tree.kota, date=date(2026, 8, 21), title="Rapat Kota")
    window = date(2026, 8, 1), date(2026, 8, 31)

    def unit_marks_of(unit):
        return [m for m in calendar_marks(unit, *window) if m.kind == "unit"]

    province = DayMark(date(2026, 8, 19), "Hari Jadi Jawa Barat", "unit", "Provinsi Jawa Barat", True)
    assert unit_marks_of(tree.desa) == [province,
                                        DayMark(date(2026, 8, 20), "Rapat Kabupaten", "unit", "Kabupaten Bogor", True)]
    assert unit_marks_of(tree.kab) == [province,
                                       DayMark(date(2026, 8, 20), "Rapat Kabupaten", "unit", "Kabupaten Bogor")]
    # a sibling gets the province's date but never the other regency's
    assert unit_marks_of(tree.kota) == [province, DayMark(date(2026, 8, 21), "Rapat Kota", "unit", "Kota Bogor")]
    assert unit_marks_of(tree.jabar) == [DayMark(date(2026, 8, 19), "Hari Jadi Jawa Barat", "unit",
                                                 "Provinsi Jawa Barat")]
    assert unit_marks_of(tree.kemendagri) == []  # a date set below never goes up
