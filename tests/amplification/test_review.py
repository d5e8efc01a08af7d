"""Review of amplification: no defect found; these pin the properties checked by hand (formula
injection in the tracker CSV, weird input answered with a message, never a 500)."""

from django.urls import reverse

from tests.amplification.conftest import TEXT, make_package
from tests.api import Api, make_token
from warta.amplification import services
from warta.amplification.models import Package


def test_tracker_csv_neutralises_formulas_typed_by_a_sub_unit(admin_client, tree, admin, kec_editor):
    package = make_package(tree, admin)
    task = package.tasks.get(unit=tree.kec)
    services.task_decline(actor=kec_editor, task=task, reason='=HYPERLINK("http://evil.example","klik")')
    response = admin_client.get(reverse("amplification:package-export", args=[tree.kab.uuid, package.uuid]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert ",=HYPERLINK" not in body


def test_weird_package_input_is_a_message_not_an_error(admin_client, client, tree, admin):
    url = reverse("amplification:package-create", args=[tree.kab.uuid])
    base = {"title": "Sosialisasi", "platforms": ["sandbox"], "text_sandbox": "Ayo vaksin! #BogorSehat"}
    for extra in ({"recipients": ["bukan-uuid"]}, {"media": ["bukan-uuid"], "recipients": [str(tree.kec.uuid)]},
                  {"deadline": "0001-01-01T00:00", "recipients": [str(tree.kec.uuid)]},
                  {"link_sandbox": "javascript:alert(1)", "recipients": [str(tree.kec.uuid)]},
                  {"recipients": [str(tree.kota.uuid)]}):
        response = admin_client.post(url, base | extra)
        assert response.status_code == 200, extra  # the form again, with its message
    assert Package.objects.count() == 0
    api = Api(client, make_token(admin, tree.kab)[1])
    package = make_package(tree, admin)
    task = package.tasks.get(unit=tree.kec)
    for body in ({"variants": {"sandbox": {"text": "\x00"}}}, {"variants": {"bukan": {"text": "a"}}},
                 {"variants": {"sandbox": {"text": TEXT, "link": "ftp://x"}}}):
        assert api.post(f"/amplification/tasks/{task.uuid}/accept", body).status_code == 422, body
    task.refresh_from_db()
    assert task.post_id is None
