"""The directory of official accounts: filters, per-state counts, CSV export, query counts."""

import csv
import io

import pytest
from django.urls import reverse

from tests.channels.conftest import make_account
from tests.factories import make_unit
from warta.channels.models import ConnectionState
from warta.organisations.models import UnitKind


@pytest.fixture
def accounts(tree):
    return {
        "kab_ig": make_account(tree.kab, platform="instagram", handle="@humasbogorkab", display_name="Humas Bogor",
                               state=ConnectionState.CONNECTED),
        "kab_x": make_account(tree.kab, platform="x", handle="@bogorkab", state=ConnectionState.RECONNECT),
        "dinas": make_account(tree.diskominfo, platform="instagram", handle="@diskominfobogor",
                              state=ConnectionState.NOT_CONNECTED),
        "desa": make_account(tree.desa, platform="tiktok", handle="@pakansari", state=ConnectionState.SUSPENDED),
        "kota": make_account(tree.kota, platform="instagram", handle="@humaskotabogor"),
    }


def _handles(response) -> list[str]:
    return [a.handle for a in response.context["page"].object_list]


def _url(tree, **params):
    return reverse("channels:account-list", args=[tree.kab.uuid]), params


def test_the_directory_shows_the_subtree_only_with_counts_per_state(admin_client, tree, accounts):
    response = admin_client.get(reverse("channels:account-list", args=[tree.kab.uuid]))
    assert _handles(response) == ["@diskominfobogor", "@humasbogorkab", "@pakansari", "@bogorkab"]
    counts = {value: n for value, _label, n in response.context["counts"]}
    assert counts == {"not_connected": 1, "connected": 1, "expiring": 0, "reconnect": 1, "suspended": 1}
    assert response.context["attention"] == 2
    assert "@humaskotabogor" not in response.content.decode()


@pytest.mark.parametrize(("params", "expected"), [
    ({"q": "humas"}, ["@humasbogorkab"]),
    ({"q": "Humas Bogor"}, ["@humasbogorkab"]),
    ({"platform": "instagram"}, ["@diskominfobogor", "@humasbogorkab"]),
    ({"kind": UnitKind.DINAS}, ["@diskominfobogor"]),
    ({"region": "32.01.01"}, ["@pakansari"]),
    ({"region": "32.01"}, ["@diskominfobogor", "@humasbogorkab", "@pakansari", "@bogorkab"]),
    ({"region": "32.71"}, []),
    ({"state": "reconnect"}, ["@bogorkab"]),
])
def test_filters(admin_client, tree, accounts, params, expected):
    response = admin_client.get(reverse("channels:account-list", args=[tree.kab.uuid]), params)
    assert _handles(response) == expected


def test_unit_filter_takes_the_subtree(admin_client, tree, accounts):
    response = admin_client.get(reverse("channels:account-list", args=[tree.kab.uuid]), {"unit": str(tree.kec.uuid)})
    assert _handles(response) == ["@pakansari"]
    response = admin_client.get(reverse("channels:account-list", args=[tree.kab.uuid]), {"unit": str(tree.kota.uuid)})
    assert _handles(response) == ["@diskominfobogor", "@humasbogorkab", "@pakansari", "@bogorkab"]  # invalid choice: ignored


def test_the_state_filter_keeps_the_counts_of_every_state(admin_client, tree, accounts):
    response = admin_client.get(reverse("channels:account-list", args=[tree.kab.uuid]), {"state": "connected"})
    counts = {value: n for value, _label, n in response.context["counts"]}
    assert counts["reconnect"] == 1


def test_csv_export_streams_the_filtered_directory(admin_client, tree, accounts, admin):
    accounts["kab_ig"].officers.add(admin)
    response = admin_client.get(reverse("channels:account-export", args=[tree.kab.uuid]), {"platform": "instagram"})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Platform", "Nama akun", "Nama tampilan"]
    # Handles start with "@", which a sheet may read as a formula: the export prefixes "'" (csv_safe).
    assert [r[1] for r in rows[1:]] == ["'@diskominfobogor", "'@humasbogorkab"]
    assert rows[2][5:9] == ["Kabupaten Bogor", "Kabupaten", "32.01", "Terhubung"]
    assert rows[2][10] == "admin@bogorkab.go.id"


def test_the_list_page_query_count_does_not_grow_with_accounts(admin_client, tree, django_assert_num_queries):
    for i in range(3):
        make_account(tree.kab, platform="x", handle=f"@akun{i}")
    url = reverse("channels:account-list", args=[tree.kab.uuid])
    admin_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    for i in range(40):
        unit = make_unit(f"Desa {i}", tree.kec, kind=UnitKind.DESA)
        make_account(unit, platform="instagram", handle=f"@desa{i}")
    with CaptureQueriesContext(connection) as many:
        admin_client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 16


def test_a_viewer_reads_the_directory_but_sees_no_register_button(viewer_client, tree, accounts):
    response = viewer_client.get(reverse("channels:account-list", args=[tree.kab.uuid]))
    assert response.status_code == 200
    assert 'data-testid="add-account"' not in response.content.decode()


def test_an_empty_directory_says_what_to_do(admin_client, tree):
    response = admin_client.get(reverse("channels:account-list", args=[tree.kab.uuid]))
    assert "Belum ada akun resmi. Daftarkan akun" in response.content.decode()


def test_register_through_the_page(admin_client, tree, admin):
    url = reverse("channels:account-create", args=[tree.kab.uuid])
    response = admin_client.post(url, {"platform": "instagram", "unit": tree.kec.pk, "handle": "kec.cibinong",
                                       "officers": [admin.pk]})
    assert response.status_code == 302
    from warta.channels.models import Account

    account = Account.objects.get()
    assert (account.unit, account.handle) == (tree.kec, "@kec.cibinong")
    response = admin_client.post(url, {"platform": "instagram", "unit": tree.kab.pk, "handle": "KEC.CIBINONG"})
    assert response.status_code == 400
    assert "sudah terdaftar sebagai akun resmi Kecamatan Cibinong" in response.content.decode()
    assert Account.objects.count() == 1


def test_the_sibling_unit_cannot_be_the_owner_through_the_page(admin_client, tree):
    from warta.channels.models import Account

    url = reverse("channels:account-create", args=[tree.kab.uuid])
    response = admin_client.post(url, {"platform": "instagram", "unit": tree.kota.pk, "handle": "kota"})
    assert response.status_code == 400
    assert Account.objects.count() == 0


def test_times_are_shown_in_the_owning_unit_s_zone(admin_client, tree):
    import re
    from datetime import UTC, datetime

    tree.kec.time_zone = "Asia/Makassar"
    tree.kec.save(update_fields=["time_zone"])
    make_account(tree.kec, platform="x", handle="@cibinong", last_synced_at=datetime(2026, 1, 5, 0, 0, tzinfo=UTC))
    page = admin_client.get(reverse("channels:account-list", args=[tree.kab.uuid])).content.decode()
    assert re.search(r"0?8[.:]00 WITA", page)
