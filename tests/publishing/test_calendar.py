"""The editorial calendar: placing posts in the unit's zone, filters, day marks, moving posts
(scheduled ones through the engine, drafts by their planned time), the pages and their scope."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login_client
from tests.publishing.test_engine_support import make_account, make_post
from warta.core.models import AuditEvent
from warta.organisations.scope import scope_for_unit
from warta.planning.holidays import calendar_marks
from warta.publishing import calendar as cal
from warta.publishing.models import Post, PostState, Publication, PublicationState
from warta.publishing.schedule import post_schedule

S = PostState


def local_day(unit, days: int) -> date:
    return (timezone.now() + timedelta(days=days)).astimezone(unit.zone).date()


def at_local(unit, day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=unit.zone).astimezone(UTC)


def scheduled_post(unit, author, day: date, hour=10, minute=30, **kwargs):
    account = kwargs.pop("account", None) or make_account(unit)
    post = make_post(unit, author=author, **kwargs)
    return post_schedule(actor=author, post=post, when=at_local(unit, day, hour, minute), accounts=[account]), account


@pytest.fixture
def editor_client(client, editor):
    return login_client(client, editor)


def cal_url(unit, **params):
    from urllib.parse import urlencode

    return reverse("publishing:calendar", args=[unit.uuid]) + ("?" + urlencode(params) if params else "")


# --- reading -------------------------------------------------------------------------------------------


def test_posts_are_placed_on_the_local_day_of_the_viewing_unit(tree, editor):
    day = local_day(tree.kab, 20)
    # 23:30 WIB is 16:30 UTC of the same day; 06:30 WIB is 23:30 UTC of the day before.
    late, _account = scheduled_post(tree.kab, editor, day, hour=23, minute=30, title="Malam")
    early = make_post(tree.kab, author=editor, state=S.DRAFT, title="Pagi")
    Post.objects.filter(pk=early.pk).update(scheduled_at=at_local(tree.kab, day, 6, 30))
    scope = scope_for_unit(user=editor, unit=tree.kab)
    entries = cal.calendar_entries(scope=scope, start=day, end=day)
    assert [(e.post.title, e.at.strftime("%H:%M"), e.at.date()) for e in entries] == [
        ("Pagi", "06:30", day), ("Malam", "23:30", day)]
    assert cal.calendar_entries(scope=scope, start=day + timedelta(days=1), end=day + timedelta(days=1)) == []
    assert entries[1].platforms == ["sandbox"]
    assert entries[1].accounts == ["@humasbogorkab"]


def test_a_published_post_sits_at_its_publication_time(tree, editor):
    post = make_post(tree.kab, author=editor, state=S.PUBLISHED)
    day = local_day(tree.kab, -3)
    Post.objects.filter(pk=post.pk).update(scheduled_at=at_local(tree.kab, day - timedelta(days=1), 9),
                                           published_at=at_local(tree.kab, day, 14))
    scope = scope_for_unit(user=editor, unit=tree.kab)
    [entry] = cal.calendar_entries(scope=scope, start=day - timedelta(days=1), end=day)
    assert entry.at.date() == day
    assert not entry.movable


def test_subtree_only_and_drafts_without_time_in_the_side_list(tree, editor, sibling):
    day = local_day(tree.kab, 15)
    kec = make_post(tree.kec, author=editor, state=S.DRAFT, title="Posyandu Cibinong")
    Post.objects.filter(pk=kec.pk).update(scheduled_at=at_local(tree.kab, day, 9))
    make_post(tree.kota, state=S.DRAFT, title="Kota punya")
    make_post(tree.kab, author=editor, state=S.DRAFT, title="Belum ada waktu")
    archived = make_post(tree.kab, author=editor, state=S.DRAFT, title="Diarsipkan")
    Post.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    scope = scope_for_unit(user=editor, unit=tree.kab)
    assert [e.post.title for e in cal.calendar_entries(scope=scope, start=day, end=day)] == ["Posyandu Cibinong"]
    assert [e.post.title for e in cal.unscheduled_posts(scope=scope)] == ["Belum ada waktu"]
    # The sibling sees none of Kabupaten Bogor's.
    other = scope_for_unit(user=sibling, unit=tree.kota)
    assert [e.post.title for e in cal.unscheduled_posts(scope=other)] == ["Kota punya"]


def test_filters_by_unit_account_and_state(tree, editor):
    day = local_day(tree.kab, 12)
    kab_post, account = scheduled_post(tree.kab, editor, day, title="Kabupaten")
    other_account = make_account(tree.kec, handle="@cibinong", external_id="2")
    kec_post, _ = scheduled_post(tree.kec, editor, day, hour=11, title="Kecamatan", account=other_account)
    draft = make_post(tree.kab, author=editor, state=S.DRAFT, title="Draf")
    Post.objects.filter(pk=draft.pk).update(scheduled_at=at_local(tree.kab, day, 15))
    scope = scope_for_unit(user=editor, unit=tree.kab)

    def titles(**kwargs):
        return [e.post.title for e in cal.calendar_entries(scope=scope, start=day, end=day,
                                                           filters=cal.CalendarFilter(**kwargs))]

    assert titles() == ["Kabupaten", "Kecamatan", "Draf"]
    assert titles(unit=tree.kec) == ["Kecamatan"]
    assert titles(account=account) == ["Kabupaten"]
    assert titles(state=S.DRAFT) == ["Draf"]
    assert titles(unit=tree.kota) == []  # outside the scope: nothing, not the sibling's posts


@pytest.mark.skipif(not cal.has_plan_fields(), reason="posts carry no pillar yet")
def test_filter_by_pillar_and_its_colour(tree, editor, editor_client):
    from warta.planning.models import Colour, Pillar

    pillar = Pillar.objects.create(unit=tree.kab, name="Layanan publik", colour=Colour.GREEN)
    day = local_day(tree.kab, 9)
    with_pillar = make_post(tree.kab, author=editor, state=S.DRAFT, title="Berpilar")
    without = make_post(tree.kab, author=editor, state=S.DRAFT, title="Tanpa pilar")
    Post.objects.filter(pk__in=[with_pillar.pk, without.pk]).update(scheduled_at=at_local(tree.kab, day, 9))
    Post.objects.filter(pk=with_pillar.pk).update(pillar=pillar)
    scope = scope_for_unit(user=editor, unit=tree.kab)
    [entry] = cal.calendar_entries(scope=scope, start=day, end=day, filters=cal.CalendarFilter(pillar=pillar))
    assert entry.post.title == "Berpilar"
    assert entry.as_dict()["pillar_colour"] == "#15803d"
    body = editor_client.get(cal_url(tree.kab, date=day.isoformat(), pillar=pillar.uuid)).content.decode()
    assert "pillar-15803d" in body
    assert "Tanpa pilar" not in body


def test_month_range_is_whole_weeks_from_monday():
    start, end = cal.view_range("month", date(2026, 12, 17))
    assert (start, end) == (date(2026, 11, 30), date(2027, 1, 3))
    assert cal.view_range("week", date(2026, 12, 17)) == (date(2026, 12, 14), date(2026, 12, 20))
    assert cal.view_range("list", date(2026, 2, 3)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert cal.navigation("month", date(2026, 12, 31)) == {"prev": date(2026, 11, 1), "next": date(2027, 1, 1)}


# --- the page ------------------------------------------------------------------------------------------


def test_month_view_shows_holidays_entries_and_the_unscheduled_list(editor_client, tree, editor):
    new_year = date(timezone.now().year + 1, 1, 1)
    [holiday, *_rest] = [m for m in calendar_marks(tree.kab, new_year, new_year) if m.kind == "holiday"]
    post, _ = scheduled_post(tree.kab, editor, new_year, hour=8, title="Selamat Tahun Baru")
    make_post(tree.kab, author=editor, state=S.DRAFT, title="Ide tanpa tanggal")
    response = editor_client.get(cal_url(tree.kab, date=new_year.isoformat()))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<table class="cal-month"' in body
    assert "<th scope=\"col\">" in body
    cell = body.split(f'data-testid="day-{new_year.isoformat()}"', 1)[1].split("</td>", 1)[0]
    assert holiday.title in cell
    assert "mark-holiday" in cell
    assert "Selamat Tahun Baru" in cell
    assert "08:30" in cell
    assert 'draggable="true"' in cell
    assert reverse("publishing:calendar-move-form", args=[tree.kab.uuid, post.uuid]) in cell
    side = body.split('data-testid="unscheduled"', 1)[1]
    assert "Ide tanpa tanggal" in side
    assert 'src="/static/warta/calendar.js"' in body or "calendar.js" in body
    assert "<script>" not in body  # no inline script (CSP)


def test_week_and_list_views_and_their_empty_state(editor_client, tree, editor, monkeypatch):
    day = local_day(tree.kab, 40)
    week = editor_client.get(cal_url(tree.kab, view="week", date=day.isoformat())).content.decode()
    assert 'data-testid="cal-week"' in week
    assert week.count('class="cal-day') == 7
    empty_month = date(2099, 7, 1)
    monkeypatch.setattr("warta.planning.kholidays.commemorations", lambda: ())  # July has some
    body = editor_client.get(cal_url(tree.kab, view="list", date=empty_month.isoformat())).content.decode()
    assert "Belum ada konten terjadwal atau hari penting pada bulan ini." in body
    scheduled_post(tree.kab, editor, day, title="Di daftar")
    body = editor_client.get(cal_url(tree.kab, view="list", date=day.isoformat())).content.decode()
    assert 'data-testid="cal-list"' in body
    assert "Di daftar" in body


@pytest.mark.parametrize("value", ["kemarin", "9999-12-31", "0001-01-01"])
def test_bad_query_is_ignored_with_a_message(editor_client, tree, value):
    response = editor_client.get(cal_url(tree.kab, view="tahun", date=value))
    assert response.status_code == 200
    assert "Sebagian saringan tidak sah dan diabaikan." in response.content.decode()


def test_a_move_to_an_absurd_year_is_refused(tree, editor):
    draft = make_post(tree.kab, author=editor, state=S.DRAFT)
    for day in (date(1, 1, 1), date(9999, 12, 31)):
        with pytest.raises(ValidationError, match="antara tahun"):
            cal.post_move(actor=editor, post=draft, new_day=day)
    draft.refresh_from_db()
    assert draft.scheduled_at is None


def test_viewer_reads_but_cannot_drag(viewer_client, tree, editor):
    day = local_day(tree.kab, 5)
    scheduled_post(tree.kab, editor, day, title="Terjadwal")
    body = viewer_client.get(cal_url(tree.kab, date=day.isoformat())).content.decode()
    assert "Terjadwal" in body
    assert 'draggable="true"' not in body
    assert "Jadwalkan ulang" not in body


def test_the_sibling_gets_404(sibling_client, tree):
    assert sibling_client.get(cal_url(tree.kab)).status_code == 404


# --- moving --------------------------------------------------------------------------------------------


def test_moving_a_scheduled_post_keeps_its_time_and_reschedules_it(tree, editor):
    day = local_day(tree.kab, 10)
    post, _ = scheduled_post(tree.kab, editor, day, hour=19, minute=45)
    moved = cal.post_move(actor=editor, post=post, new_day=day + timedelta(days=3))
    expected = at_local(tree.kab, day + timedelta(days=3), 19, 45)
    assert moved.state == S.SCHEDULED
    assert moved.scheduled_at == expected
    [publication] = Publication.objects.filter(post=post)
    assert publication.state == PublicationState.PENDING
    assert publication.due_at == expected
    assert AuditEvent.objects.filter(action="post.schedule", actor=editor).exists()


def test_moving_a_draft_moves_its_planned_time_only(tree, editor):
    draft = make_post(tree.kab, author=editor, state=S.DRAFT)
    target = local_day(tree.kab, 6)
    moved = cal.post_move(actor=editor, post=draft, new_day=target)  # no time yet: 09:00 local
    assert moved.scheduled_at == at_local(tree.kab, target, 9)
    assert moved.state == S.DRAFT
    assert not Publication.objects.exists()
    assert AuditEvent.objects.filter(action="post.plan", actor=editor).count() == 1


@pytest.mark.parametrize(("state", "message"), [
    (S.IN_REVIEW, "belum disetujui"),
    (S.PUBLISHED, "tidak dapat dipindah"),
    (S.APPROVED, "belum punya akun tujuan"),
])
def test_moves_that_are_refused_change_nothing(tree, editor, state, message):
    post = make_post(tree.kab, author=editor, state=state)
    before = timezone.now() + timedelta(days=2)
    Post.objects.filter(pk=post.pk).update(scheduled_at=before)
    with pytest.raises(ValidationError) as error:
        cal.post_move(actor=editor, post=post, new_day=local_day(tree.kab, 8))
    assert message in " ".join(error.value.messages)
    post.refresh_from_db()
    assert post.scheduled_at == before
    assert post.state == state
    assert not AuditEvent.objects.filter(action__in=("post.plan", "post.schedule")).exists()


def test_a_move_into_the_past_is_refused(tree, editor):
    day = local_day(tree.kab, 4)
    post, _ = scheduled_post(tree.kab, editor, day)
    with pytest.raises(ValidationError, match="masa lalu"):
        cal.post_move(actor=editor, post=post, new_day=local_day(tree.kab, -2))
    post.refresh_from_db()
    assert post.scheduled_at == at_local(tree.kab, day, 10, 30)
    assert Publication.objects.get(post=post).due_at == at_local(tree.kab, day, 10, 30)


def test_drag_endpoint_answers_json(editor_client, tree, editor):
    day = local_day(tree.kab, 10)
    post, _ = scheduled_post(tree.kab, editor, day, hour=7)
    url = reverse("publishing:calendar-move", args=[tree.kab.uuid])
    target = day + timedelta(days=1)
    response = editor_client.post(url, {"post": post.uuid, "date": target.isoformat()},
                                  HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert "dijadwalkan ulang" in response.json()["message"]
    post.refresh_from_db()
    assert post.scheduled_at == at_local(tree.kab, target, 7, 30)
    bad = editor_client.post(url, {"post": post.uuid, "date": "31-02-2026"}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 422
    assert "Tanggal tujuan tidak sah" in bad.json()["message"]
    past = editor_client.post(url, {"post": post.uuid, "date": local_day(tree.kab, -1).isoformat()},
                              HTTP_ACCEPT="application/json")
    assert past.status_code == 422
    assert past.json()["message"] == "Jadwal tidak boleh di masa lalu."
    post.refresh_from_db()
    assert post.scheduled_at == at_local(tree.kab, target, 7, 30)
    assert editor_client.post(url, {"post": "bukan-uuid", "date": target.isoformat()}).status_code == 404


def test_drag_scope_viewer_403_sibling_404(viewer_client, tree, editor, sibling):
    day = local_day(tree.kab, 10)
    post, _ = scheduled_post(tree.kab, editor, day)
    url = reverse("publishing:calendar-move", args=[tree.kab.uuid])
    data = {"post": post.uuid, "date": (day + timedelta(days=1)).isoformat()}
    assert viewer_client.post(url, data).status_code == 403
    viewer_client.logout()
    sibling_client = login_client(viewer_client, sibling, sibling.totp)
    assert sibling_client.post(url, data).status_code == 404
    own = reverse("publishing:calendar-move", args=[tree.kota.uuid])  # Bogor's post under Kota Bogor's own unit
    assert sibling_client.post(own, data).status_code == 404
    post.refresh_from_db()
    assert post.scheduled_at == at_local(tree.kab, day, 10, 30)


def test_the_form_without_javascript(editor_client, tree, editor):
    day = local_day(tree.kab, 10)
    draft = make_post(tree.kab, author=editor, state=S.DRAFT, title="Rencana")
    Post.objects.filter(pk=draft.pk).update(scheduled_at=at_local(tree.kab, day, 13, 15))
    url = reverse("publishing:calendar-move-form", args=[tree.kab.uuid, draft.uuid])
    page = editor_client.get(url)
    assert page.status_code == 200
    assert day.isoformat() in page.content.decode()
    refused = editor_client.post(url, {"date": local_day(tree.kab, -5).isoformat(), "time": "13:15"})
    assert refused.status_code == 422
    assert "masa lalu" in refused.content.decode()
    target = day + timedelta(days=2)
    response = editor_client.post(url, {"date": target.isoformat(), "time": "16:00"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.scheduled_at == at_local(tree.kab, target, 16)
    assert draft.state == S.DRAFT


# --- campaign duplication --------------------------------------------------------------------------------


def test_the_duplicate_hook_is_registered():
    from warta.planning import services as planning

    assert cal.campaign_posts_copy in planning._DUPLICATE_HOOKS


@pytest.mark.skipif(not cal.has_plan_fields(), reason="posts carry no campaign yet")
def test_duplicating_a_campaign_copies_its_planned_posts_shifted(tree, editor, admin):
    from warta.planning.models import Campaign
    from warta.planning.services import campaign_duplicate

    start = local_day(tree.kab, 5)
    campaign = Campaign.objects.create(unit=tree.kab, name="Bogor Sehat", period_start=start,
                                       period_end=start + timedelta(days=30))
    planned = make_post(tree.kab, author=editor, state=S.SCHEDULED, title="Ayo imunisasi")
    Post.objects.filter(pk=planned.pk).update(campaign=campaign, scheduled_at=at_local(tree.kab, start, 10))
    new = campaign_duplicate(actor=admin, campaign=campaign, name="Bogor Sehat 2", shift_days=7)
    [copy] = Post.objects.filter(campaign=new)
    assert copy.state == S.DRAFT
    assert copy.title == "Ayo imunisasi"
    assert copy.scheduled_at == at_local(tree.kab, start + timedelta(days=7), 10)
    assert list(copy.variants.values_list("platform", "text")) == list(planned.variants.values_list("platform", "text"))
