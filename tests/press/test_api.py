"""The press API: every endpoint works for the unit's admin, is 404 for a sibling unit's token
and 403 for a viewer's token on writes; bad input is 422 and stores nothing."""

import io

import docx
import pytest

from tests.api import Api, assert_problem, make_token
from tests.press.conftest import make_release
from warta.press import services
from warta.press.models import DistributionList, MediaContact, PressDelivery, PressRelease

BODY = {"headline": "Festival Budaya Bogor", "place": "Cibinong", "release_date": "2026-11-30",
        "lead": "Festival budaya digelar akhir pekan.", "body": "Satu.\n\nDua.",
        "quotes": [{"name": "Bupati", "position": "Bupati Bogor", "text": "Ayo datang."}]}
CSV = "nama;media;email\nRina;Radar;rina@radar.id\n"


@pytest.fixture
def contact(tree, admin):
    return services.contact_create(actor=admin, unit=tree.kab, name="Rina", email="rina@radar.id")


@pytest.fixture
def dlist(tree, admin, contact):
    return services.list_create(actor=admin, unit=tree.kab, name="Media", contacts=[contact])


def test_release_crud_submit_and_files(api, tree):
    response = api.post(f"/units/{tree.kab.uuid}/press-releases", BODY)
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["state"] == "draft"
    assert out["version"] == 1
    assert out["public_url"] is None
    rid = out["uuid"]
    listing = api.get(f"/units/{tree.kab.uuid}/press-releases", q="festival").json()
    assert [r["uuid"] for r in listing["items"]] == [rid]
    assert api.get(f"/press-releases/{rid}").json()["quotes"][0]["name"] == "Bupati"
    patched = api.patch(f"/press-releases/{rid}", {"number": "007/HUMAS/XI/2026"}).json()
    assert patched["number"] == "007/HUMAS/XI/2026"
    assert patched["headline"] == BODY["headline"]
    submitted = api.post(f"/press-releases/{rid}/submit").json()
    assert submitted["approval_state"] == "approved"
    assert submitted["release"]["state"] == "approved"
    again = api.patch(f"/press-releases/{rid}", {"lead": "Teras baru."}).json()
    assert (again["state"], again["version"]) == ("draft", 2)
    pdf = api.get(f"/press-releases/{rid}/pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    document = docx.Document(io.BytesIO(api.get(f"/press-releases/{rid}/docx").content))
    assert "Festival Budaya Bogor" in [p.text for p in document.paragraphs]


@pytest.mark.parametrize("body", [
    BODY | {"headline": ""},
    BODY | {"release_date": "besok"},
    BODY | {"contact_email": "bukan"},
    BODY | {"quotes": [{"name": "", "text": "tanpa nama"}]},
    BODY | {"rahasia": 1},
])
def test_release_bad_input_422(api, tree, body):
    assert_problem(api.post(f"/units/{tree.kab.uuid}/press-releases", body), 422)
    assert PressRelease.objects.count() == 0


def test_patch_published_refused(api, tree, approved, admin):
    services.release_publish(actor=admin, release=approved)
    assert_problem(api.patch(f"/press-releases/{approved.uuid}", {"headline": "Ubah"}), 422)
    assert api.get(f"/press-releases/{approved.uuid}").json()["public_url"].endswith(f"/p/{approved.slug}/")


def test_contacts_import_and_lists(api, tree):
    response = api.post(f"/units/{tree.kab.uuid}/media-contacts", {"name": "Budi", "email": "budi@kompas.id",
                                                                    "beats": ["ekonomi"]})
    assert response.status_code == 201
    assert api.post(f"/units/{tree.kab.uuid}/media-contacts/import",
                    {"csv": CSV, "dry_run": True}).json() == {"created": 1, "updated": 0, "dry_run": True}
    assert MediaContact.objects.count() == 1
    assert api.post(f"/units/{tree.kab.uuid}/media-contacts/import", {"csv": CSV}).json()["created"] == 1
    contacts = api.get(f"/units/{tree.kab.uuid}/media-contacts").json()
    assert contacts["count"] == 2
    uuids = [c["uuid"] for c in contacts["items"]]
    created = api.post(f"/units/{tree.kab.uuid}/distribution-lists", {"name": "Semua", "contacts": uuids})
    assert created.status_code == 201
    assert sorted(created.json()["contacts"]) == sorted(uuids)
    assert api.get(f"/units/{tree.kab.uuid}/distribution-lists").json()["count"] == 1


def test_import_bad_rows_422_nothing_stored(api, tree):
    body = assert_problem(api.post(f"/units/{tree.kab.uuid}/media-contacts/import",
                                   {"csv": CSV + "Budi;Kompas;salah\n"}), 422)
    assert body["errors"]["csv"][0].startswith("Baris 3:")
    assert MediaContact.objects.count() == 0


def test_list_with_foreign_contact_422(api, tree, sibling):
    other = services.contact_create(actor=sibling, unit=tree.kota, name="X", email="x@kota.id")
    assert_problem(api.post(f"/units/{tree.kab.uuid}/distribution-lists",
                            {"name": "Campur", "contacts": [str(other.uuid)]}), 422)
    assert DistributionList.objects.count() == 0


def test_send_and_deliveries(api, approved, dlist, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/press-releases/{approved.uuid}/send", {"distribution_list": str(dlist.uuid)})
    assert response.status_code == 202
    assert response.json()["count"] == 1
    log = api.get(f"/press-releases/{approved.uuid}/deliveries").json()
    assert [(d["email"], d["state"]) for d in log["items"]] == [("rina@radar.id", "sent")]
    assert len(mailoutbox) == 1


def test_send_draft_422(api, release, dlist):
    assert_problem(api.post(f"/press-releases/{release.uuid}/send", {"distribution_list": str(dlist.uuid)}), 422)
    assert PressDelivery.objects.count() == 0


def _calls(tree, release, dlist):
    r, u = release.uuid, tree.kab.uuid
    return [
        ("get", f"/units/{u}/press-releases", None, False),
        ("post", f"/units/{u}/press-releases", BODY, True),
        ("get", f"/press-releases/{r}", None, False),
        ("patch", f"/press-releases/{r}", {"headline": "Baru"}, True),
        ("post", f"/press-releases/{r}/submit", None, True),
        ("get", f"/press-releases/{r}/pdf", None, False),
        ("get", f"/press-releases/{r}/docx", None, False),
        ("post", f"/press-releases/{r}/send", {"distribution_list": str(dlist.uuid)}, True),
        ("get", f"/press-releases/{r}/deliveries", None, False),
        ("get", f"/units/{u}/media-contacts", None, False),
        ("post", f"/units/{u}/media-contacts", {"name": "A", "email": "a@b.id"}, True),
        ("post", f"/units/{u}/media-contacts/import", {"csv": CSV}, True),
        ("get", f"/units/{u}/distribution-lists", None, False),
        ("post", f"/units/{u}/distribution-lists", {"name": "L"}, True),
    ]


def _snapshot():
    return (list(PressRelease.objects.values_list("pk", "headline", "state", "version")),
            MediaContact.objects.count(), DistributionList.objects.count(), PressDelivery.objects.count())


def test_sibling_token_gets_404_everywhere(sibling_api, tree, approved, dlist):
    before = _snapshot()
    for method, path, body, _write in _calls(tree, approved, dlist):
        response = sibling_api.call(method, path, body)
        assert_problem(response, 404)
    assert _snapshot() == before


def test_viewer_token_reads_but_gets_403_on_writes(viewer_api, tree, approved, dlist):
    before = _snapshot()
    for method, path, body, write in _calls(tree, approved, dlist):
        response = viewer_api.call(method, path, body)
        if write:
            assert_problem(response, 403)
        else:
            assert response.status_code == 200, (path, response.content[:300])
    assert _snapshot() == before


def test_editor_token_cannot_send(client, tree, editor, approved, dlist):
    api = Api(client, make_token(editor, tree.kab)[1])
    assert_problem(api.post(f"/press-releases/{approved.uuid}/send", {"distribution_list": str(dlist.uuid)}), 403)
    assert api.post(f"/units/{tree.kab.uuid}/press-releases", BODY).status_code == 201


def test_release_of_subunit_reachable_from_parent_token(api, tree, admin):
    sub = make_release(admin, tree.kec)
    assert api.get(f"/press-releases/{sub.uuid}").status_code == 200
