"""Review of notifications: an API token reaches only the notifications about its unit's subtree."""

from tests.api import Api, assert_problem, make_token
from tests.factories import make_member
from warta.notifications import services
from warta.notifications.models import Notification
from warta.organisations.models import Membership
from warta.organisations.roles import Role


def test_token_of_one_unit_does_not_see_notifications_of_another(client, tree):
    # One officer with a role in both Kabupaten Bogor and Kota Bogor, and a token for Kota Bogor only.
    officer = make_member(tree.kab, Role.EDITOR, email="ganda@jabarprov.go.id")
    Membership.objects.create(user=officer, unit=tree.kota, role=Role.EDITOR)
    kab = services.notify(users=[officer], unit=tree.kab, kind="uji", title="Rahasia Kabupaten")[0]
    desa = services.notify(users=[officer], unit=tree.desa, kind="uji", title="Kabar Pakansari")[0]
    kota = services.notify(users=[officer], unit=tree.kota, kind="uji", title="Kabar Kota")[0]
    personal = services.notify(users=[officer], unit=None, kind="uji", title="Kabar pribadi")[0]

    api = Api(client, make_token(officer, tree.desa)[1])
    body = api.get("/notifications").json()
    assert {i["uuid"] for i in body["items"]} == {str(desa.uuid), str(personal.uuid)}
    for other in (kab, kota):
        assert_problem(api.post(f"/notifications/{other.uuid}/read"), 404)
    assert api.post("/notifications/read-all").json() == {"marked": 2}
    assert set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True)) == {kab.pk, kota.pk}

    # A token for Kabupaten Bogor sees Kabupaten Bogor and Pakansari, still not Kota Bogor.
    wide = Api(client, make_token(officer, tree.kab)[1]).get("/notifications").json()
    assert {i["uuid"] for i in wide["items"]} == {str(kab.uuid), str(desa.uuid), str(personal.uuid)}


def test_email_task_running_twice_at_once_sends_once(tree, admin, monkeypatch):
    """A second run of the email task while the first is still talking to the mail server (a
    retried job) used to find the row not yet marked and send it again."""
    from django.core import mail

    row = services.notify(users=[admin], unit=tree.kab, kind="uji", title="Sekali saja", email=False)[0]
    real_send = services.send_mail
    nested = []

    racing = []

    def send_and_race(*args, **kwargs):
        if not racing:
            racing.append(True)
            nested.append(services.notifications_email([row.pk]))  # the other worker, mid-send
        return real_send(*args, **kwargs)

    monkeypatch.setattr(services, "send_mail", send_and_race)
    assert services.notifications_email([row.pk]) == 1
    assert nested == [0]
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.emailed_at is not None


def test_refused_email_is_tried_again_later(tree, admin, monkeypatch):
    from django.core import mail

    row = services.notify(users=[admin], unit=tree.kab, kind="uji", title="Nanti lagi", email=False)[0]

    def refuse(*args, **kwargs):
        raise OSError("server surat menolak")

    monkeypatch.setattr(services, "send_mail", refuse)
    assert services.notifications_email([row.pk]) == 0
    row.refresh_from_db()
    assert row.emailed_at is None
    monkeypatch.undo()
    assert services.notifications_email([row.pk]) == 1
    assert len(mail.outbox) == 1
