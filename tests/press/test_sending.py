"""Sending a release to a distribution list: one email per contact, the PDF attached, failures
recorded per contact and retried."""

import pytest
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage

from warta.press import services
from warta.press.models import PressDelivery

Delivery = PressDelivery.State


@pytest.fixture
def dlist(tree, admin):
    a = services.contact_create(actor=admin, unit=tree.kab, name="Rina", email="rina@radar.id")
    b = services.contact_create(actor=admin, unit=tree.kab, name="Budi", email="budi@kompas.id")
    gone = services.contact_create(actor=admin, unit=tree.kab, name="Lama", email="lama@koran.id")
    services.contact_update(actor=admin, contact=gone, archived=True)
    return services.list_create(actor=admin, unit=tree.kab, name="Media", contacts=[a, b, gone])


def test_send_emails_each_active_contact_with_pdf(approved, admin, dlist, mailoutbox,
                                                  django_capture_on_commit_callbacks):
    services.release_publish(actor=admin, release=approved)
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.press_send(actor=admin, release=approved, distribution_list=dlist)
    assert len(rows) == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["budi@kompas.id", "rina@radar.id"]
    message = mailoutbox[0]
    assert message.subject == approved.headline
    assert approved.lead in message.body
    assert f"/siaran-pers/p/{approved.slug}/" in message.body
    assert message.reply_to == ["humas@bogorkab.go.id"]
    (name, content, mime), = message.attachments
    assert name.endswith(".pdf")
    assert mime == "application/pdf"
    assert content.startswith(b"%PDF")
    assert set(PressDelivery.objects.values_list("state", flat=True)) == {Delivery.SENT}
    assert all(d.sent_at for d in PressDelivery.objects.all())


def test_sending_again_skips_those_already_sent(approved, admin, dlist, mailoutbox,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.press_send(actor=admin, release=approved, distribution_list=dlist)
        again = services.press_send(actor=admin, release=approved, distribution_list=dlist)
    assert again == []
    assert len(mailoutbox) == 2
    assert "/siaran-pers/p/" not in mailoutbox[0].body  # approved, not yet published: no public link


def test_draft_cannot_be_sent(release, admin, dlist, mailoutbox):
    with pytest.raises(ValidationError):
        services.press_send(actor=admin, release=release, distribution_list=dlist)
    assert PressDelivery.objects.count() == 0
    assert mailoutbox == []


def test_failure_recorded_per_contact_then_retried(approved, admin, dlist, mailoutbox, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    real_send = EmailMessage.send

    def flaky(self, fail_silently=False):
        if self.to == ["budi@kompas.id"]:
            raise ConnectionRefusedError("server surat menolak")
        return real_send(self, fail_silently=fail_silently)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        services.press_send(actor=admin, release=approved, distribution_list=dlist)
    failed = PressDelivery.objects.get(email="budi@kompas.id")
    assert failed.state == Delivery.FAILED
    assert "server surat menolak" in failed.error
    assert failed.sent_at is None
    assert PressDelivery.objects.get(email="rina@radar.id").state == Delivery.SENT
    assert [m.to for m in mailoutbox] == [["rina@radar.id"]]

    monkeypatch.setattr(EmailMessage, "send", real_send)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliveries_retry(actor=admin, release=approved) == 1
    failed.refresh_from_db()
    assert (failed.state, failed.error, failed.attempts) == (Delivery.SENT, "", 2)
    assert len(mailoutbox) == 2


def test_deliver_is_safe_to_run_twice(approved, admin, dlist, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rows = services.press_send(actor=admin, release=approved, distribution_list=dlist)
    assert services.deliveries_send([r.pk for r in rows]) == {"sent": 0, "failed": 0, "skipped": 0}
    assert len(mailoutbox) == 2


def test_list_of_another_unit_refused(approved, admin, tree, sibling):
    contact = services.contact_create(actor=sibling, unit=tree.kota, name="X", email="x@kota.id")
    other = services.list_create(actor=sibling, unit=tree.kota, name="Kota", contacts=[contact])
    with pytest.raises(ValidationError):
        services.press_send(actor=admin, release=approved, distribution_list=other)
    assert PressDelivery.objects.count() == 0
