"""Gaps closed in the channels issue: huge ids in the account form, CSV formula injection."""

import csv
import io

import pytest
from django.urls import reverse

from tests.channels.conftest import make_account
from warta.channels.models import Account
from warta.core.csvsafe import csv_safe, csv_safe_row

HUGE = "99999999999999999999"  # beyond a 64-bit integer: SQLite's INTEGER overflows on it


# --- the account form: ids no primary key can hold -------------------------------------------------


def test_a_huge_officer_id_is_a_clean_form_error_and_nothing_is_stored(admin_client, tree, admin):
    url = reverse("channels:account-create", args=[tree.kab.uuid])

    response = admin_client.post(url, {"platform": "instagram", "unit": tree.kab.pk, "handle": "humas",
                                       "officers": [str(admin.pk), HUGE]})

    assert response.status_code == 400
    assert "Pilihan tidak sah: salah satu nomor tidak dikenal." in response.content.decode()
    assert Account.objects.count() == 0


def test_a_huge_unit_id_is_a_clean_form_error(admin_client, tree):
    url = reverse("channels:account-create", args=[tree.kab.uuid])

    response = admin_client.post(url, {"platform": "instagram", "unit": HUGE, "handle": "humas"})

    assert response.status_code == 400
    assert "Pilihan tidak sah: nomor itu tidak dikenal." in response.content.decode()
    assert Account.objects.count() == 0


def test_a_huge_officer_id_on_edit_changes_nothing(admin_client, tree, admin):
    account = make_account(tree.kab, platform="x", handle="@bogorkab", display_name="Lama")
    account.officers.add(admin)
    url = reverse("channels:account-edit", args=[tree.kab.uuid, account.uuid])

    response = admin_client.post(url, {"unit": tree.kab.pk, "handle": "bogorkab", "display_name": "Baru",
                                       "officers": [HUGE]})

    assert response.status_code == 400
    account.refresh_from_db()
    assert account.display_name == "Lama"
    assert list(account.officers.all()) == [admin]


@pytest.mark.parametrize("bad", ["abc", "-99999999999999999999", "1.5"])
def test_other_bad_officer_ids_stay_form_errors(admin_client, tree, bad):
    url = reverse("channels:account-create", args=[tree.kab.uuid])
    response = admin_client.post(url, {"platform": "instagram", "unit": tree.kab.pk, "handle": "humas",
                                       "officers": [bad]})
    assert response.status_code == 400
    assert Account.objects.count() == 0


def test_a_normal_officer_id_still_saves(admin_client, tree, admin):
    url = reverse("channels:account-create", args=[tree.kab.uuid])
    response = admin_client.post(url, {"platform": "instagram", "unit": tree.kab.pk, "handle": "humas",
                                       "officers": [str(admin.pk)]})
    assert response.status_code == 302
    assert list(Account.objects.get().officers.all()) == [admin]


# --- CSV formula injection ------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://evil\",\"klik\")", "'=HYPERLINK(\"http://evil\",\"klik\")"),
    ("+62 812", "'+62 812"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("Humas Bogor", "Humas Bogor"),
    ("a=b", "a=b"),
    ("", ""),
    (None, ""),
    (12, "12"),
])
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def test_csv_safe_row():
    assert csv_safe_row(["=1", "ok", None]) == ["'=1", "ok", ""]


def test_the_account_export_neutralises_formulas(admin_client, tree, admin):
    admin.email = "-cmd@bogorkab.go.id"
    admin.save(update_fields=["email"])
    account = make_account(tree.kab, platform="x", handle="@bogorkab", display_name="=cmd|' /C calc'!A0",
                           url="https://x.com/bogorkab")
    account.officers.add(admin)
    make_account(tree.kab, platform="instagram", handle="@humasbogorkab", display_name="Humas Bogor")

    response = admin_client.get(reverse("channels:account-export", args=[tree.kab.uuid]))

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row[1]: row for row in csv.reader(io.StringIO(text))}
    # The handle starts with "@" too: every typed cell is neutralised, plain ones are untouched.
    evil = rows["'@bogorkab"]
    assert evil[2] == "'=cmd|' /C calc'!A0"
    assert evil[3] == "https://x.com/bogorkab"
    assert evil[10] == "'-cmd@bogorkab.go.id"
    assert rows["'@humasbogorkab"][2] == "Humas Bogor"
    assert rows["Nama akun"][0] == "Platform"
