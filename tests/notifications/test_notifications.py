"""Notifications: notify (dedupe, email after commit, failures logged), the personal page,
the bell, and the API (only one's own rows)."""

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.api import Api, assert_problem, make_token
from tests.conftest import login_client
from warta.notifications import selectors, services
from warta.notifications.models import Notification


def notify(capture, **kwargs):
    with capture(execute=True):
        return services.notify(**kwargs)


def test_notify_dedupes_and_emails_after_commit(tree, admin, editor, viewer, settings,
                                               django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://warta.bogorkab.go.id"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = services.notify(users=[admin, editor, admin, None], unit=tree.kab, kind="uji-kabar",
                               title="Jadwal terbit berubah", body="Unggahan dipindah ke 09.00.",
                               url="/kalender/u/x/")
    assert len(rows) == 2
    assert Notification.objects.count() == 2
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == [admin.email, editor.email]
    message = mail.outbox[0]
    assert message.subject == "[Warta] Jadwal terbit berubah"
    assert "Unggahan dipindah ke 09.00." in message.body
    assert "https://warta.bogorkab.go.id/kalender/u/x/" in message.body
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 2
    # Running the email task again sends nothing twice.
    assert services.notifications_email([r.pk for r in rows]) == 0


def test_notify_without_email_and_inactive_users(tree, admin, editor, django_capture_on_commit_callbacks):
    editor.is_active = False
    editor.save(update_fields=["is_active"])
    rows = notify(django_capture_on_commit_callbacks, users=[admin, editor], unit=None, kind="uji", title="Hanya di aplikasi",
                  email=False)
    assert [r.user_id for r in rows] == [admin.pk]
    assert mail.outbox == []
    assert notify(django_capture_on_commit_callbacks, users=[], kind="uji", title="x") == []


def test_a_refusing_mail_server_is_logged_not_raised(tree, admin, monkeypatch, caplog,
                                                     django_capture_on_commit_callbacks):
    def refuse(*args, **kwargs):
        raise OSError("SMTP menolak")

    monkeypatch.setattr("warta.notifications.services.send_mail", refuse)
    rows = notify(django_capture_on_commit_callbacks, users=[admin], unit=tree.kab, kind="uji", title="Tetap tersimpan")
    assert len(rows) == 1
    assert Notification.objects.get().emailed_at is None
    assert "could not be sent" in caplog.text


def _make(user, n, unit=None):
    return [Notification.objects.create(user=user, unit=unit, kind="uji", title=f"Kabar {i}") for i in range(n)]


def test_page_lists_own_unread_first_and_marks_read(tree, admin, editor, django_capture_on_commit_callbacks):
    client = login_client(Client(), editor)
    url = reverse("notifications:list")
    assert "Belum ada notifikasi" in client.get(url).content.decode()
    old, new = _make(editor, 2, tree.kab)
    services.notification_read(user=editor, notification=new)
    _make(admin, 1)  # someone else's
    body = client.get(url).content.decode()
    assert body.count('data-testid="notification"') == 2
    assert body.index("Kabar 0") < body.index("Kabar 1")  # unread first
    assert client.post(reverse("notifications:read", args=[old.uuid])).status_code == 302
    old.refresh_from_db()
    assert old.read_at is not None
    first_read = old.read_at
    client.post(reverse("notifications:read", args=[old.uuid]))
    old.refresh_from_db()
    assert old.read_at == first_read
    assert "Semua notifikasi sudah dibaca" in client.get(url + "?belum=1").content.decode()


def test_another_users_notification_is_404(tree, admin, editor):
    theirs = _make(admin, 1)[0]
    client = login_client(Client(), editor)
    assert client.post(reverse("notifications:read", args=[theirs.uuid])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_read_all_and_pagination(tree, admin, editor):
    _make(editor, 31)
    mine_other = _make(admin, 1)[0]
    client = login_client(Client(), editor)
    url = reverse("notifications:list")
    assert client.get(url).content.decode().count('data-testid="notification"') == 30
    assert client.get(url + "?page=2").content.decode().count('data-testid="notification"') == 1
    assert client.post(reverse("notifications:read-all")).status_code == 302
    assert selectors.unread_count(editor) == 0
    mine_other.refresh_from_db()
    assert mine_other.read_at is None


def test_bell_shows_the_unread_count(tree, editor):
    _make(editor, 3)
    request = RequestFactory().get("/")
    request.user = editor
    html = Template("{% load notification_tags %}{% notification_bell %}").render(Context({"request": request}))
    assert 'data-testid="notification-unread">3<' in html
    assert reverse("notifications:list") in html
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert Template("{% load notification_tags %}{% notification_bell %}").render(
        Context({"request": request})).strip() == ""


# --- API ------------------------------------------------------------------------------------


@pytest.fixture
def editor_api(client, tree, editor):
    _token, raw = make_token(editor, tree.kab)
    return Api(client, raw)


def test_api_lists_and_marks_only_own(editor_api, tree, admin, editor):
    mine = _make(editor, 2, tree.kab)
    theirs = _make(admin, 1)[0]
    body = editor_api.get("/notifications").json()
    assert body["count"] == 2
    assert {i["uuid"] for i in body["items"]} == {str(n.uuid) for n in mine}
    assert body["items"][0]["unit_uuid"] == str(tree.kab.uuid)
    assert_problem(editor_api.post(f"/notifications/{theirs.uuid}/read"), 404)
    theirs.refresh_from_db()
    assert theirs.read_at is None
    done = editor_api.post(f"/notifications/{mine[0].uuid}/read")
    assert done.status_code == 200
    assert done.json()["read_at"] is not None
    assert editor_api.get("/notifications", unread="true").json()["count"] == 1
    assert editor_api.post("/notifications/read-all").json() == {"marked": 1}
    assert selectors.unread_count(admin) == 1
    assert_problem(Api(editor_api.client, None).get("/notifications"), 401)


def test_a_title_with_a_newline_still_makes_a_valid_subject(tree, admin, django_capture_on_commit_callbacks):
    notify(django_capture_on_commit_callbacks, users=[admin], unit=tree.kab, kind="uji",
           title="Baris satu\nBaris dua")
    assert [m.subject for m in mail.outbox] == ["[Warta] Baris satu Baris dua"]
