"""Review of the press app: defects found and fixed, each proven here."""

import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.api import Api, make_token
from tests.press.conftest import make_release
from warta.approvals.models import ApprovalRequest
from warta.press import outputs, services
from warta.press.models import MediaContact, PressRelease

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HUGE_FIELD_CSV = "nama;email;catatan\nRina;rina@radar.id;\"" + "x" * 200_000 + "\"\n"


# --- a CSV field over the csv module's 128 KB limit was a 500 --------------------------------


def test_import_plan_with_huge_field_is_a_validation_error(tree):
    with pytest.raises(ValidationError) as exc:
        services.contacts_import_plan(unit=tree.kab, data=HUGE_FIELD_CSV.encode())
    assert "tidak dapat dibaca" in exc.value.message_dict["file"][0]


def test_import_page_with_huge_field_answers_400(admin_client, tree):
    upload = SimpleUploadedFile("kontak.csv", HUGE_FIELD_CSV.encode(), content_type="text/csv")
    response = admin_client.post(reverse("press:contact-import", args=[tree.kab.uuid]), {"file": upload})
    assert response.status_code == 400
    assert "tidak dapat dibaca" in response.content.decode()
    assert MediaContact.objects.count() == 0


def test_import_api_with_huge_field_answers_422(client, tree, admin):
    api = Api(client, make_token(admin, tree.kab)[1])
    for dry_run in (True, False):
        response = api.post(f"/units/{tree.kab.uuid}/media-contacts/import", {"csv": HUGE_FIELD_CSV,
                                                                               "dry_run": dry_run})
        assert response.status_code == 422, response.content[:300]
    assert MediaContact.objects.count() == 0


# --- a control character pasted into a release made its DOCX a 500 ----------------------------


def test_docx_of_release_with_control_characters(admin_client, tree, admin):
    release = make_release(admin, tree.kab, headline="Judul\x1b uji", body="Satu\x0bdua\n\nTiga\x01",
                           lead="Teras\x08 berita")
    document = docx.Document(io.BytesIO(outputs.release_docx(release)))
    text = "\n".join(p.text for p in document.paragraphs)
    for expected in ("Judul uji", "Satudua", "Teras berita"):
        assert expected in text
    response = admin_client.get(reverse("press:release-docx", args=[tree.kab.uuid, release.uuid]))
    assert response.status_code == 200


# --- attachments changed after approval went public unreviewed ---------------------------------


def test_attachment_added_after_approval_needs_approval_again(admin, approved):
    assert approved.version == 1
    services.attachment_add(actor=admin, release=approved, upload=SimpleUploadedFile("lain.pdf", PDF), title="")
    approved.refresh_from_db()
    assert approved.state == PressRelease.State.DRAFT
    assert approved.version == 2
    assert not ApprovalRequest.objects.filter(object_id=str(approved.pk),
                                              state=ApprovalRequest.State.APPROVED).exists()
    with pytest.raises(ValidationError):
        services.release_publish(actor=admin, release=approved)


def test_attachment_removed_after_approval_needs_approval_again(admin, release):
    attachment = services.attachment_add(actor=admin, release=release, upload=SimpleUploadedFile("a.pdf", PDF),
                                         title="")
    release.refresh_from_db()
    assert (release.state, release.version) == (PressRelease.State.DRAFT, 1)  # a draft stays as it is
    services.release_submit(actor=admin, release=release)
    release.refresh_from_db()
    assert release.state == PressRelease.State.APPROVED
    services.attachment_remove(actor=admin, attachment=attachment)
    release.refresh_from_db()
    assert (release.state, release.version) == (PressRelease.State.DRAFT, 2)


def test_attachment_of_published_release_still_refused(admin, approved):
    services.release_publish(actor=admin, release=approved)
    approved.refresh_from_db()
    with pytest.raises(ValidationError):
        services.attachment_add(actor=admin, release=approved, upload=SimpleUploadedFile("a.pdf", PDF), title="")
    assert approved.attachments.count() == 0


# --- two sends at once could both queue every contact (a double click: duplicate emails) --------


@pytest.fixture
def dlist(tree, admin):
    rina = services.contact_create(actor=admin, unit=tree.kab, name="Rina", email="rina@radar.id")
    return services.list_create(actor=admin, unit=tree.kab, name="Media", contacts=[rina])


def test_send_locks_the_release_while_counting(approved, admin, dlist, monkeypatch):
    # SQLite serialises writers anyway; on PostgreSQL only a row lock keeps two sends apart.
    from django.db.models import QuerySet

    original, calls = QuerySet.select_for_update, []

    def spy(self, *args, **kwargs):
        calls.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    services.press_send(actor=admin, release=approved, distribution_list=dlist)
    assert PressRelease in calls


def test_send_of_a_release_archived_meanwhile_refused(approved, admin, dlist):
    stale = PressRelease.objects.get(pk=approved.pk)
    services.release_archive(actor=admin, release=approved)
    with pytest.raises(ValidationError):
        services.press_send(actor=admin, release=stale, distribution_list=dlist)
    assert not stale.deliveries.exists()


# --- saving a distribution list silently dropped its archived contacts -----------------------------


def test_editing_a_list_keeps_its_archived_contacts(admin_client, tree, admin):
    rina = services.contact_create(actor=admin, unit=tree.kab, name="Rina", email="rina@radar.id")
    cuti = services.contact_create(actor=admin, unit=tree.kab, name="Cuti", email="cuti@koran.id")
    dlist = services.list_create(actor=admin, unit=tree.kab, name="Media", contacts=[rina, cuti])
    services.contact_update(actor=admin, contact=cuti, archived=True)
    url = reverse("press:list-edit", args=[tree.kab.uuid, dlist.uuid])
    page = admin_client.get(url).content.decode()
    assert str(cuti.uuid) in page  # still shown, ticked
    response = admin_client.post(url, {"name": "Media lokal", "contacts": [str(rina.uuid), str(cuti.uuid)]})
    assert response.status_code == 302, response.content[:500]
    dlist.refresh_from_db()
    assert dlist.name == "Media lokal"
    assert set(dlist.contacts.all()) == {rina, cuti}


def test_list_form_still_offers_no_contact_of_a_sibling(admin_client, tree, admin, sibling):
    rina = services.contact_create(actor=admin, unit=tree.kab, name="Rina", email="rina@radar.id")
    other = services.contact_create(actor=sibling, unit=tree.kota, name="Kota", email="kota@koran.id")
    dlist = services.list_create(actor=admin, unit=tree.kab, name="Media", contacts=[rina])
    url = reverse("press:list-edit", args=[tree.kab.uuid, dlist.uuid])
    assert str(other.uuid) not in admin_client.get(url).content.decode()
    response = admin_client.post(url, {"name": "Media", "contacts": [str(other.uuid)]})
    assert response.status_code == 400
    assert set(dlist.contacts.all()) == {rina}


def test_attachment_page_says_the_release_went_back_to_draft(admin_client, tree, approved):
    upload = SimpleUploadedFile("lain.pdf", PDF, content_type="application/pdf")
    response = admin_client.post(reverse("press:attachment-add", args=[tree.kab.uuid, approved.uuid]),
                                 {"file": upload, "title": "Lampiran baru"}, follow=True)
    assert "kembali menjadi draf" in response.content.decode()
    approved.refresh_from_db()
    assert (approved.state, approved.version) == (PressRelease.State.DRAFT, 2)


# --- a headline with a line break (possible through the API) made every delivery fail ------------


def test_headline_with_newline_is_still_sent(tree, admin, dlist, mailoutbox, django_capture_on_commit_callbacks):
    release = make_release(admin, tree.kab, headline="Vaksinasi massal\r\ndi Pakansari", number="")
    services.release_submit(actor=admin, release=release)
    release.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.press_send(actor=admin, release=release, distribution_list=dlist)
    assert release.deliveries.get().state == "sent", release.deliveries.get().error
    assert [m.subject for m in mailoutbox] == ["Vaksinasi massal di Pakansari"]


# --- a short CSV row: a missing email was a 500, a missing name imported a nameless contact -------


def test_short_rows_are_named_errors(tree, admin, admin_client):
    plan = services.contacts_import_plan(unit=tree.kab, data=b"nama;email\nRina\n")
    assert plan.errors == ["Baris 2: Email wajib diisi."]
    plan = services.contacts_import_plan(unit=tree.kab, data=b"email;nama\nrina@radar.id\n")
    assert plan.errors == ["Baris 2: Nama wajib diisi."]
    with pytest.raises(ValidationError):
        services.contacts_import(actor=admin, unit=tree.kab, data=b"email;nama\nrina@radar.id\n")
    upload = SimpleUploadedFile("kontak.csv", b"nama;email\nRina\n", content_type="text/csv")
    response = admin_client.post(reverse("press:contact-import", args=[tree.kab.uuid]), {"file": upload})
    assert response.status_code == 400
    assert "Email wajib diisi" in response.content.decode()
    assert MediaContact.objects.count() == 0
