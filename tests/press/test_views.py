"""The press pages: forms, bad input, approval and publishing, the public page, versions, import,
sending. Sibling-404 and viewer-403 for every URL are in tests/url_routes/press.py."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import login_client
from warta.press import services
from warta.press.models import MediaContact, PressDelivery, PressRelease

State = PressRelease.State
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(name, unit, *args):
    return reverse(f"press:{name}", args=[unit.uuid, *args])


FORM = {"number": "002/HUMAS/XI/2026", "headline": "Peresmian Jembatan Cisadane", "place": "Cibinong",
        "release_date": "2026-11-24", "lead": "Bupati meresmikan jembatan.", "body": "Paragraf satu.\n\nDua.",
        "quote_1_name": "Bupati", "quote_1_position": "Bupati Bogor", "quote_1_text": "Jembatan ini untuk warga.",
        "contact_name": "Sari", "contact_email": "humas@bogorkab.go.id"}


def test_list_empty_then_filtered(admin_client, tree, admin):
    response = admin_client.get(url("release-list", tree.kab))
    assert "Belum ada siaran pers" in response.content.decode()
    services.release_create(actor=admin, unit=tree.kec, headline="Pasar murah", place="Cibinong",
                            release_date=date(2026, 11, 1), lead="Teras.")
    body = admin_client.get(url("release-list", tree.kab), {"state": "draft", "q": "pasar"}).content.decode()
    assert "Pasar murah" in body
    body = admin_client.get(url("release-list", tree.kab), {"state": "approved"}).content.decode()
    assert "Pasar murah" not in body
    assert "Tidak ada siaran pers yang cocok" in body


def test_create_with_quotes(admin_client, tree):
    response = admin_client.post(url("release-create", tree.kab), FORM)
    assert response.status_code == 302
    release = PressRelease.objects.get()
    assert release.quotes == [{"name": "Bupati", "position": "Bupati Bogor", "text": "Jembatan ini untuk warga."}]
    assert response["Location"] == url("release-detail", tree.kab, release.uuid)
    detail = admin_client.get(response["Location"]).content.decode()
    assert "SIARAN PERS" in detail
    assert "Cibinong, 24 November 2026" in detail


@pytest.mark.parametrize(("change", "message"), [
    ({"headline": ""}, "tidak boleh kosong"),
    ({"quote_1_name": ""}, "belum menyebut nama narasumber"),
    ({"release_date": "24/13/2026"}, "tanggal"),
])
def test_create_bad_input_stores_nothing(admin_client, tree, change, message):
    response = admin_client.post(url("release-create", tree.kab), FORM | change)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert PressRelease.objects.count() == 0


def test_edit_approved_makes_new_version_and_diff(admin_client, tree, approved):
    response = admin_client.post(url("release-edit", tree.kab, approved.uuid),
                                 FORM | {"number": approved.number, "lead": "Teras versi dua."}, follow=True)
    assert "versi 2" in response.content.decode()
    approved.refresh_from_db()
    assert (approved.version, approved.state) == (2, State.DRAFT)
    diff = admin_client.get(url("release-versions", tree.kab, approved.uuid)).content.decode()
    assert "Perbedaan versi 1 dan 2" in diff
    assert "+ Teras versi dua." in diff
    assert "- Pemerintah Kabupaten Bogor menggelar" in diff
    assert admin_client.get(url("release-versions", tree.kab, approved.uuid), {"a": "x"}).status_code == 200


def test_submit_publish_and_public_page(admin_client, client, tree, release):
    public = reverse("press:public", args=[release.slug])
    attachment = services.attachment_add(actor=release.created_by, release=release,
                                         upload=SimpleUploadedFile("jadwal.pdf", PDF), title="Jadwal vaksinasi")
    file_url = reverse("press:public-attachment", args=[release.slug, attachment.uuid])
    assert client.get(public).status_code == 404
    admin_client.post(url("release-publish", tree.kab, release.uuid))  # not approved yet: refused
    release.refresh_from_db()
    assert release.state == State.DRAFT
    admin_client.post(url("release-submit", tree.kab, release.uuid))
    release.refresh_from_db()
    assert release.state == State.APPROVED
    assert client.get(public).status_code == 404
    assert client.get(file_url).status_code == 404
    admin_client.post(url("release-publish", tree.kab, release.uuid))
    release.refresh_from_db()
    assert release.state == State.PUBLISHED
    admin_client.logout()
    response = client.get(public)
    assert response.status_code == 200
    body = response.content.decode()
    assert release.headline in body
    assert "Jadwal vaksinasi" in body
    download = client.get(file_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert client.get(reverse("press:public-attachment", args=[release.slug, release.uuid])).status_code == 404


def test_archived_release_leaves_public_page(admin_client, client, tree, approved):
    services.release_publish(actor=approved.created_by, release=approved)
    admin_client.post(url("release-archive", tree.kab, approved.uuid))
    assert client.get(reverse("press:public", args=[approved.slug])).status_code == 404


def test_detail_shows_approval_history(admin_client, tree, approved):
    body = admin_client.get(url("release-detail", tree.kab, approved.uuid)).content.decode()
    assert "Riwayat persetujuan" in body
    assert "disetujui" in body


def test_downloads(admin_client, tree, release):
    pdf = admin_client.get(url("release-pdf", tree.kab, release.uuid))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    docx = admin_client.get(url("release-docx", tree.kab, release.uuid))
    assert docx.content.startswith(b"PK")
    assert f"{release.slug}.docx" in docx["Content-Disposition"]


def test_attachment_upload_refuses_mislabelled(admin_client, tree, release):
    fake = SimpleUploadedFile("foto.jpg", b"<html>not an image</html>" * 10)
    response = admin_client.post(url("attachment-add", tree.kab, release.uuid), {"file": fake}, follow=True)
    assert "dinilai dari isinya" in response.content.decode()
    assert release.attachments.count() == 0


def test_contact_import_preview_then_confirm(admin_client, tree):
    data = b"nama;media;email\nRina;Radar;rina@radar.id\n"
    response = admin_client.post(url("contact-import", tree.kab), {"file": SimpleUploadedFile("k.csv", data)})
    assert response.status_code == 200
    assert "1 kontak baru" in response.content.decode()
    assert MediaContact.objects.count() == 0  # a preview stores nothing
    response = admin_client.post(url("contact-import", tree.kab), {"content": response.context["content"]})
    assert response.status_code == 302
    assert MediaContact.objects.get().email == "rina@radar.id"


def test_contact_import_bad_rows(admin_client, tree):
    data = b"nama;email\nRina;rina@radar.id\nBudi;salah\n"
    response = admin_client.post(url("contact-import", tree.kab), {"file": SimpleUploadedFile("k.csv", data)})
    assert response.status_code == 400
    assert "Baris 3: Alamat email" in response.content.decode()
    assert "import-confirm" not in response.content.decode()
    assert MediaContact.objects.count() == 0


def test_contact_and_list_forms(admin_client, tree):
    response = admin_client.post(url("contact-create", tree.kab), {"name": "Rina", "email": "rina@radar.id",
                                                                    "beats": "kesehatan, pendidikan"})
    assert response.status_code == 302
    contact = MediaContact.objects.get()
    assert contact.beats == ["kesehatan", "pendidikan"]
    assert admin_client.post(url("contact-create", tree.kab), {"name": "R", "email": "RINA@radar.id"}).status_code == 400
    listing = admin_client.get(url("contact-list", tree.kab), {"beat": "kesehatan"}).content.decode()
    assert "rina@radar.id" in listing
    response = admin_client.post(url("list-create", tree.kab), {"name": "Kesehatan", "contacts": [str(contact.uuid)]})
    assert response.status_code == 302
    assert "Kesehatan" in admin_client.get(url("list-list", tree.kab)).content.decode()


def test_send_page(admin_client, tree, approved, admin, mailoutbox, django_capture_on_commit_callbacks):
    contact = services.contact_create(actor=admin, unit=tree.kab, name="Rina", email="rina@radar.id")
    dlist = services.list_create(actor=admin, unit=tree.kab, name="Media", contacts=[contact])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url("release-send", tree.kab, approved.uuid),
                                     {"distribution_list": str(dlist.uuid)})
    assert response["Location"] == url("delivery-list", tree.kab, approved.uuid)
    assert [m.to for m in mailoutbox] == [["rina@radar.id"]]
    log = admin_client.get(response["Location"]).content.decode()
    assert "rina@radar.id" in log
    assert "terkirim 1" in log


def test_editor_may_write_but_not_send(client, tree, editor, approved):
    login_client(client, editor)
    assert client.get(url("release-create", tree.kab)).status_code == 200
    assert client.get(url("release-send", tree.kab, approved.uuid)).status_code == 403
    assert client.post(url("delivery-retry", tree.kab, approved.uuid)).status_code == 403
    assert PressDelivery.objects.count() == 0


def test_edit_form_shows_iso_date(admin_client, tree, release):
    body = admin_client.get(url("release-edit", tree.kab, release.uuid)).content.decode()
    assert 'value="2026-11-23"' in body


def test_list_pages_do_not_grow_queries_with_rows(admin_client, tree, admin, django_assert_max_num_queries):
    from tests.press.conftest import make_release

    for i in range(3):
        make_release(admin, tree.kec if i % 2 else tree.kab, number=f"{i}/X")
        services.contact_create(actor=admin, unit=tree.kab, name=f"K{i}", email=f"k{i}@koran.id")
    admin_client.get(url("release-list", tree.kab))  # warm the session and caches
    with django_assert_max_num_queries(12) as few:
        admin_client.get(url("release-list", tree.kab))
    for i in range(3, 10):
        make_release(admin, tree.kec, number=f"{i}/X")
        services.contact_create(actor=admin, unit=tree.kec, name=f"K{i}", email=f"k{i}@koran.id")
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(url("release-list", tree.kab))
    admin_client.get(url("contact-list", tree.kab))
    with django_assert_max_num_queries(12):
        admin_client.get(url("contact-list", tree.kab))


def test_detail_preview_is_rendered_not_escaped(admin_client, tree, release):
    body = admin_client.get(url("release-detail", tree.kab, release.uuid)).content.decode()
    assert '<article class="press-release"' in body
    assert "&lt;article" not in body
