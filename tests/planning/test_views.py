"""Planning pages: overview, lists with inheritance, forms (bad input changes nothing), duplicate."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from warta.channels.models import Account
from warta.planning import services
from warta.planning.models import Campaign, Goal, ImportantDate, Metric, Pillar

START, END = date(2026, 1, 1), date(2026, 12, 31)


def url(name, unit, **kw):
    return reverse(f"planning:{name}", kwargs={"unit_uuid": unit.uuid, **kw})


def test_overview_shows_goals_campaigns_pillars_and_upcoming_dates(admin_client, tree, admin):
    today = timezone.localtime(timezone.now(), tree.kab.zone).date()
    services.goal_create(actor=admin, unit=tree.kab, title="Jangkauan 1 juta", metric=Metric.REACH, target=1000000,
                         period_start=today - timedelta(days=10), period_end=today + timedelta(days=10))
    services.goal_create(actor=admin, unit=tree.kab, title="Tujuan lama", metric=Metric.REACH, target=5,
                         period_start=date(2020, 1, 1), period_end=date(2020, 2, 1))
    services.pillar_create(actor=admin, unit=tree.jabar, name="Jabar Juara", colour="#15803d")
    services.campaign_create(actor=admin, unit=tree.kab, name="Kampanye berjalan", period_start=today,
                             period_end=today + timedelta(days=5))
    ImportantDate.objects.create(unit=tree.kab, date=today + timedelta(days=3), title="Rapat humas bulanan")
    response = admin_client.get(url("overview", tree.kab))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Jangkauan 1 juta" in html
    assert "Tujuan lama" not in html
    assert "Kampanye berjalan" in html
    assert 'class="pillar pillar-15803d"' in html
    assert "Jabar Juara" in html
    assert "Rapat humas bulanan" in html


def test_overview_empty_states_and_viewer_has_no_add(viewer_client, tree):
    html = viewer_client.get(url("overview", tree.kab)).content.decode()
    assert "Belum ada tujuan yang berjalan" in html
    assert url("goal-create", tree.kab) not in html
    html = viewer_client.get(url("pillar-list", tree.kab)).content.decode()
    assert "Belum ada pilar konten" in html
    assert 'data-testid="add"' not in html


def test_list_shows_inherited_read_only(admin_client, tree, admin):
    parent = services.pillar_create(actor=admin, unit=tree.jabar, name="Jabar Juara")
    own = services.pillar_create(actor=admin, unit=tree.kab, name="Bogor Sehat")
    below = services.pillar_create(actor=admin, unit=tree.desa, name="Desa Wisata")
    html = admin_client.get(url("pillar-list", tree.kab)).content.decode()
    assert "Jabar Juara" in html
    assert "diwarisi dari unit induk" in html
    assert url("pillar-edit", tree.kab, pillar_uuid=own.uuid) in html
    assert url("pillar-edit", tree.kab, pillar_uuid=below.uuid) in html
    assert url("pillar-edit", tree.kab, pillar_uuid=parent.uuid) not in html
    # an ancestor's row is edited only from its owner unit
    assert admin_client.get(url("pillar-edit", tree.kab, pillar_uuid=parent.uuid)).status_code == 404
    assert admin_client.post(url("pillar-archive", tree.kab, pillar_uuid=parent.uuid)).status_code == 404
    assert Pillar.objects.get(pk=parent.pk).archived_at is None


def test_list_filter_and_pagination(admin_client, tree, admin):
    for i in range(30):
        services.goal_create(actor=admin, unit=tree.kab, title=f"Tujuan {i:02d}", metric=Metric.POSTS_PUBLISHED,
                             target=10, period_start=START, period_end=END)
    first = admin_client.get(url("goal-list", tree.kab)).content.decode()
    second = admin_client.get(url("goal-list", tree.kab), {"page": 2}).content.decode()
    assert "Halaman 1 dari 2" in first
    assert "Tujuan 00" in first
    assert "Tujuan 29" not in first
    assert "Tujuan 29" in second
    found = admin_client.get(url("goal-list", tree.kab), {"q": "Tujuan 07"}).content.decode()
    assert "Tujuan 07" in found
    assert "Tujuan 08" not in found
    none = admin_client.get(url("goal-list", tree.kab), {"q": "tidak ada"}).content.decode()
    assert "Tidak ada yang cocok" in none


def test_goal_form_create_and_bad_input(editor_client, tree):
    data = {"title": "Waktu tanggap", "metric": "response_time", "target": "30", "period_start": "2026-01-01",
            "period_end": "2026-06-30", "notes": ""}
    bad = editor_client.post(url("goal-create", tree.kab), data | {"period_end": "2025-06-30"})
    assert bad.status_code == 400
    assert "Akhir periode tidak boleh sebelum awal periode." in bad.content.decode()
    bad = editor_client.post(url("goal-create", tree.kab), data | {"target": "0"})
    assert bad.status_code == 400
    assert "harus lebih dari nol" in bad.content.decode()
    assert not Goal.objects.exists()
    response = editor_client.post(url("goal-create", tree.kab), data)
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert (goal.unit, goal.target, goal.created_by.email) == (tree.kab, 30, "editor@bogorkab.go.id")


def test_pillar_duplicate_name_in_form(admin_client, tree, admin):
    services.pillar_create(actor=admin, unit=tree.kab, name="Ekonomi")
    response = admin_client.post(url("pillar-create", tree.kab), {"name": "ekonomi", "colour": "#1d4ed8"})
    assert response.status_code == 400
    assert "sudah punya pilar konten dengan nama itu" in response.content.decode()
    assert Pillar.objects.count() == 1


def test_edit_and_archive_restore(admin_client, tree, admin):
    a = services.audience_create(actor=admin, unit=tree.kec, name="Pelajar", segment="youth")
    edit = url("audience-edit", tree.kab, audience_uuid=a.uuid)
    assert admin_client.get(edit).status_code == 200
    response = admin_client.post(edit, {"name": "Pelajar SMA", "segment": "youth", "description": "Kelas 10-12"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert (a.name, a.description) == ("Pelajar SMA", "Kelas 10-12")
    admin_client.post(url("audience-archive", tree.kab, audience_uuid=a.uuid), {"archived": "1"})
    a.refresh_from_db()
    assert a.archived_at is not None
    assert "<td>Pelajar SMA" not in admin_client.get(url("audience-list", tree.kab)).content.decode()
    assert "<td>Pelajar SMA" in admin_client.get(url("audience-list", tree.kab), {"arsip": "on"}).content.decode()
    admin_client.post(url("audience-archive", tree.kab, audience_uuid=a.uuid), {"archived": "0"})
    a.refresh_from_db()
    assert a.archived_at is None


def test_campaign_form_detail_and_duplicate(admin_client, tree, admin):
    pillar = services.pillar_create(actor=admin, unit=tree.jabar, name="Jabar Juara")
    kota_pillar = services.pillar_create(actor=admin, unit=tree.kota, name="Kota Hujan")
    account = Account.objects.create(unit=tree.kec, platform="instagram", handle="@cibinong")
    data = {"name": "Bogor Sehat", "programme": "Germas", "period_start": "2026-02-01", "period_end": "2026-02-28",
            "description": "", "hashtags": "BogorSehat, #Germas", "pillars": [pillar.pk], "accounts": [account.pk]}
    bad = admin_client.post(url("campaign-create", tree.kab), data | {"hashtags": "#bogor-sehat"})
    assert bad.status_code == 400
    assert "Tagar tidak sah" in bad.content.decode()
    bad = admin_client.post(url("campaign-create", tree.kab), data | {"pillars": [kota_pillar.pk]})
    assert bad.status_code == 400
    assert not Campaign.objects.exists()
    response = admin_client.post(url("campaign-create", tree.kab), data)
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.hashtags == ["#BogorSehat", "#Germas"]
    detail = admin_client.get(url("campaign-detail", tree.kab, campaign_uuid=campaign.uuid)).content.decode()
    assert "#BogorSehat #Germas" in detail
    assert "Jabar Juara" in detail
    assert "@cibinong" in detail
    assert 'data-testid="duplicate-form"' in detail
    dup = url("campaign-duplicate", tree.kab, campaign_uuid=campaign.uuid)
    bad = admin_client.post(dup, {"name": "bogor sehat", "shift_days": "7"})
    assert bad.status_code == 400
    assert Campaign.objects.count() == 1
    response = admin_client.post(dup, {"name": "Bogor Sehat Maret", "shift_days": "28"})
    assert response.status_code == 302
    copy = Campaign.objects.get(name="Bogor Sehat Maret")
    assert (copy.period_start, copy.period_end) == (date(2026, 3, 1), date(2026, 3, 28))
    assert list(copy.pillars.all()) == [pillar]
    assert list(copy.accounts.all()) == [account]


def test_ancestor_campaign_visible_not_editable_below(client, tree, admin):
    from tests.conftest import login_client
    from tests.factories import make_member

    campaign = services.campaign_create(actor=admin, unit=tree.kab, name="Bogor Sehat", period_start=START,
                                        period_end=END)
    kec_admin = make_member(tree.kec, "editor", email="editor@cibinong.go.id")
    login_client(client, kec_admin)
    detail = client.get(url("campaign-detail", tree.kec, campaign_uuid=campaign.uuid))
    assert detail.status_code == 200
    assert "milik unit induk" in detail.content.decode()
    assert client.get(url("campaign-edit", tree.kec, campaign_uuid=campaign.uuid)).status_code == 404
    assert client.post(url("campaign-duplicate", tree.kec, campaign_uuid=campaign.uuid),
                       {"name": "X", "shift_days": "0"}).status_code == 404
    # the kecamatan cannot reach Kabupaten Bogor's pages at all
    assert client.get(url("overview", tree.kab)).status_code == 404


@pytest.mark.parametrize("name", ["goal", "audience", "pillar", "campaign", "date"])
def test_viewer_cannot_write(viewer_client, tree, name):
    assert viewer_client.get(url(f"{name}-list", tree.kab)).status_code == 200
    assert viewer_client.get(url(f"{name}-create", tree.kab)).status_code == 403
    assert viewer_client.post(url(f"{name}-create", tree.kab), {"name": "x", "title": "x"}).status_code == 403


def test_important_date_form(admin_client, tree):
    response = admin_client.post(url("date-create", tree.kab), {"date": "1482-06-03", "title": "Hari Jadi Bogor",
                                                                "yearly": "on", "note": ""})
    assert response.status_code == 302
    row = ImportantDate.objects.get()
    assert row.yearly
    assert row.date == date(1482, 6, 3)
    bad = admin_client.post(url("date-create", tree.kab), {"date": "bukan tanggal", "title": "X"})
    assert bad.status_code == 400
    assert ImportantDate.objects.count() == 1


def test_campaign_form_offers_only_reachable_choices(admin_client, tree, admin, sibling):
    services.pillar_create(actor=admin, unit=tree.jabar, name="Jabar Juara")
    services.pillar_create(actor=admin, unit=tree.kab, name="Bogor Sehat")
    services.pillar_create(actor=sibling, unit=tree.kota, name="Kota Hujan")
    Account.objects.create(unit=tree.kec, platform="x", handle="@cibinong")
    Account.objects.create(unit=tree.kota, platform="x", handle="@kotabogor")
    html = admin_client.get(url("campaign-create", tree.kab)).content.decode()
    assert "Jabar Juara (Provinsi Jawa Barat)" in html
    assert "Bogor Sehat" in html
    assert "Kota Hujan" not in html
    assert "@cibinong — Kecamatan Cibinong" in html
    assert "@kotabogor" not in html
