"""Amplification pages: sending with the recipient picker, the tracker and its CSV, the inbox,
accept / decline, the live guideline check, and who may do what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.amplification.conftest import TEXT, make_package
from tests.conftest import login_client
from tests.factories import make_member
from warta.amplification.models import AmplificationTask, Package, TaskState
from warta.guideline import services as guideline
from warta.guideline.models import RuleKind, Severity
from warta.organisations.roles import Role
from warta.publishing.models import Post


def _form(tree, **extra):
    data = {"title": "Sosialisasi vaksinasi", "platforms": ["sandbox"], "text_sandbox": "Ayo vaksin! #BogorSehat",
            "link_sandbox": "", "note": "Mohon dibagikan sebelum Jumat."}
    data.update(extra)
    return data


def test_send_a_package_to_chosen_units_and_all_of_a_kind(admin_client, tree, admin):
    url = reverse("amplification:package-create", args=[tree.kab.uuid])
    page = admin_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Kecamatan Cibinong" in body
    assert 'value="kecamatan"' in body
    assert 'value="dinas"' in body
    local = (timezone.localtime(timezone.now(), tree.kab.zone) + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = admin_client.post(url, _form(tree, recipients=[str(tree.desa.uuid)], all_kind=["dinas"],
                                            deadline=local))
    package = Package.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("amplification:package-detail", args=[tree.kab.uuid, package.uuid])
    assert set(package.tasks.values_list("unit__name", flat=True)) == {"Pakansari", "Dinas Komunikasi dan Informatika"}
    assert timezone.localtime(package.deadline, tree.kab.zone).strftime("%Y-%m-%dT%H:%M") == local
    assert package.variants == {"sandbox": {"text": "Ayo vaksin! #BogorSehat", "link": ""}}


def test_bad_package_form_shows_the_message_and_stores_nothing(admin_client, tree):
    url = reverse("amplification:package-create", args=[tree.kab.uuid])
    response = admin_client.post(url, _form(tree))  # nobody chosen
    assert response.status_code == 200
    assert "Pilih paling sedikit satu unit penerima." in response.content.decode()
    response = admin_client.post(url, _form(tree, recipients=[str(tree.kota.uuid)]))
    assert "bukan unit di bawah unit ini" in response.content.decode()
    response = admin_client.post(url, _form(tree, recipients=[str(tree.kec.uuid)], text_sandbox=""))
    assert "masih kosong" in response.content.decode()
    assert Package.objects.count() == 0
    assert AmplificationTask.objects.count() == 0


def test_an_editor_may_respond_but_not_send(client, tree, editor):
    login_client(client, editor)
    url = reverse("amplification:package-create", args=[tree.kab.uuid])
    assert client.get(url).status_code == 403
    assert client.post(url, _form(tree, recipients=[str(tree.kec.uuid)])).status_code == 403
    assert Package.objects.count() == 0
    assert client.get(reverse("amplification:package-list", args=[tree.kab.uuid])).status_code == 200


def test_tracker_shows_counts_states_overdue_and_reach(admin_client, tree, admin, kec_editor):
    package = make_package(tree, admin, recipients=[tree.kec, tree.diskominfo, tree.desa])
    Package.objects.filter(pk=package.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    AmplificationTask.objects.filter(package=package, unit=tree.kec).update(
        state=TaskState.PUBLISHED, reach=1234, published_at=timezone.now())
    AmplificationTask.objects.filter(package=package, unit=tree.desa).update(
        state=TaskState.DECLINED, declined_reason="Belum punya akun resmi.")
    url = reverse("amplification:package-detail", args=[tree.kab.uuid, package.uuid])
    body = admin_client.get(url).content.decode()
    assert "1 dari 3 unit sudah membagikan" in body
    assert "1234" in body
    assert "Belum punya akun resmi." in body
    assert body.count('class="overdue"') == 1  # Diskominfo: waiting past the deadline
    assert 'data-unit="Dinas Komunikasi dan Informatika" data-state="waiting"' in body
    filtered = admin_client.get(url, {"state": "published"}).content.decode()
    assert "Kecamatan Cibinong" in filtered
    assert 'data-unit="Pakansari"' not in filtered


def test_tracker_csv(admin_client, tree, admin):
    package = make_package(tree, admin)
    AmplificationTask.objects.filter(package=package, unit=tree.kec).update(state=TaskState.PUBLISHED, reach=77)
    response = admin_client.get(reverse("amplification:package-export", args=[tree.kab.uuid, package.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Unit,Jenis unit")
    assert len(lines) == 3
    assert any(line.startswith("Kecamatan Cibinong,Kecamatan,32.01.01,Sudah dibagikan,,77") for line in lines)


def test_remind_now_button(admin_client, tree, admin, kec_editor):
    from warta.notifications.models import Notification

    package = make_package(tree, admin, recipients=[tree.kec])
    Notification.objects.all().delete()
    url = reverse("amplification:package-remind", args=[tree.kab.uuid, package.uuid])
    response = admin_client.post(url, follow=True)
    assert "Pengingat dikirim ke 1 unit." in response.content.decode()
    response = admin_client.post(url, follow=True)
    assert "1 unit sudah diingatkan hari ini." in response.content.decode()
    assert Notification.objects.filter(user=kec_editor).count() == 1


def test_inbox_accept_and_decline(client, tree, admin, kec_editor):
    package = make_package(tree, admin, recipients=[tree.kec])
    task = package.tasks.get()
    login_client(client, kec_editor)
    inbox = client.get(reverse("amplification:task-list", args=[tree.kec.uuid])).content.decode()
    assert "Imbauan mudik aman" in inbox
    assert "1 tugas belum selesai ditanggapi." in inbox
    detail = client.get(reverse("amplification:task-detail", args=[tree.kec.uuid, task.uuid])).content.decode()
    assert 'data-testid="accept-form"' in detail
    assert "Cek jalur di https://bogorkab.go.id/mudik" in detail
    adapted = "Warga Cibinong, " + TEXT
    response = client.post(reverse("amplification:task-accept", args=[tree.kec.uuid, task.uuid]),
                           {"platforms": ["sandbox"], "text_sandbox": adapted, "link_sandbox": ""})
    task.refresh_from_db()
    assert task.state == TaskState.ADAPTED
    assert task.post.variants.get().text == adapted
    assert response.status_code == 302
    assert response["Location"] == reverse("publishing:post-detail", args=[tree.kec.uuid, task.post.uuid])
    # a second task, declined
    other = make_package(tree, admin, recipients=[tree.kec], title="Paket kedua").tasks.get()
    url = reverse("amplification:task-decline", args=[tree.kec.uuid, other.uuid])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 422
    assert "Tuliskan alasan penolakan." in response.content.decode()
    response = client.post(url, {"reason": "Akun sedang diperbaiki."})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.state == TaskState.DECLINED


def test_accept_refused_by_the_units_guideline_shows_why(client, tree, admin, kec_editor):
    guideline.rule_create(actor=None, unit=tree.kec, kind=RuleKind.FORBIDDEN_PHRASE, severity=Severity.ERROR,
                          params={"phrases": ["gratis"]})
    task = make_package(tree, admin, recipients=[tree.kec]).tasks.get()
    login_client(client, kec_editor)
    response = client.post(reverse("amplification:task-accept", args=[tree.kec.uuid, task.uuid]),
                           {"platforms": ["sandbox"], "text_sandbox": "Mudik gratis!", "link_sandbox": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Kata terlarang: &#x27;gratis&#x27;" in body or "Kata terlarang: 'gratis'" in body
    assert "Mudik gratis!" in body  # the officer's text is kept in the form
    task.refresh_from_db()
    assert task.state == TaskState.WAITING
    assert Post.objects.count() == 0


def test_live_check_uses_the_task_units_guideline(client, tree, admin, kec_editor):
    guideline.rule_create(actor=None, unit=tree.kec, kind=RuleKind.FORBIDDEN_PHRASE, severity=Severity.ERROR,
                          params={"phrases": ["gratis"]})
    task = make_package(tree, admin, recipients=[tree.kec]).tasks.get()
    login_client(client, kec_editor)
    url = reverse("amplification:task-check", args=[tree.kec.uuid, task.uuid])
    bad = client.post(url, {"platform": "sandbox", "text_sandbox": "Mudik gratis"}).content.decode()
    assert 'data-severity="error"' in bad
    assert "gratis" in bad
    ok = client.post(url, {"platform": "sandbox", "text_sandbox": "Mudik aman"}).content.decode()
    assert 'data-testid="guideline-ok"' in ok
    unknown = client.post(url, {"platform": "x", "text_x": "Mudik"}).content.decode()
    assert "Platform tidak dikenal." in unknown


def test_viewer_sees_but_cannot_respond(viewer_client, tree, admin):
    task = make_package(tree, admin, recipients=[tree.kec]).tasks.get()
    detail = viewer_client.get(reverse("amplification:task-detail", args=[tree.kab.uuid, task.uuid]))
    assert detail.status_code == 200
    assert 'data-testid="accept-form"' not in detail.content.decode()
    response = viewer_client.post(reverse("amplification:task-accept", args=[tree.kab.uuid, task.uuid]),
                                  {"platforms": ["sandbox"], "text_sandbox": TEXT})
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.state == TaskState.WAITING


def test_a_sub_unit_cannot_see_its_superiors_tracker_nor_a_siblings_task(client, tree, admin):
    package = make_package(tree, admin)
    kec_approver = make_member(tree.kec, Role.APPROVER, email="approver@cibinong.go.id")
    login_client(client, kec_approver)
    # the package lives at Kabupaten Bogor: not reachable from Cibinong's scope
    assert client.get(reverse("amplification:package-detail", args=[tree.kec.uuid, package.uuid])).status_code == 404
    diskominfo_task = package.tasks.get(unit=tree.diskominfo)
    url = reverse("amplification:task-detail", args=[tree.kec.uuid, diskominfo_task.uuid])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["amplification:package-list", "amplification:task-list"])
def test_empty_lists_say_so(admin_client, tree, name):
    body = admin_client.get(reverse(name, args=[tree.kab.uuid])).content.decode()
    assert 'class="empty"' in body


def test_a_package_made_from_a_post_keeps_it(admin_client, tree, admin):
    from tests.publishing.test_posts_helpers import make_post

    post = make_post(tree.kab, admin, title="KTP keliling", sandbox={"text": "KTP keliling hadir Sabtu ini."})
    url = reverse("amplification:package-create", args=[tree.kab.uuid])
    page = admin_client.get(url, {"konten": str(post.uuid)}).content.decode()
    assert "KTP keliling hadir Sabtu ini." in page
    assert f'name="konten" value="{post.uuid}"' in page
    admin_client.post(url, _form(tree, konten=str(post.uuid), recipients=[str(tree.kec.uuid)]))
    assert Package.objects.get().source_post == post
    # a post of another unit is ignored, never linked
    foreign = make_post(tree.kota, admin, title="Kota")
    admin_client.post(url, _form(tree, title="Kedua", konten=str(foreign.uuid), recipients=[str(tree.kec.uuid)]))
    assert Package.objects.get(title="Kedua").source_post is None


def test_declining_tells_the_sender(client, tree, admin, kec_editor):
    from warta.notifications.models import Notification

    task = make_package(tree, admin, recipients=[tree.kec]).tasks.get()
    login_client(client, kec_editor)
    client.post(reverse("amplification:task-decline", args=[tree.kec.uuid, task.uuid]),
                {"reason": "Akun kecamatan sedang ditangguhkan."})
    note = Notification.objects.get(user=admin, kind="amplification-declined")
    assert "Kecamatan Cibinong" in note.title
    assert note.body == "Akun kecamatan sedang ditangguhkan."


def test_list_pages_do_not_query_per_row(admin_client, tree, admin):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    package = make_package(tree, admin, recipients=[tree.kec])
    urls = [reverse("amplification:package-list", args=[tree.kab.uuid]),
            reverse("amplification:package-detail", args=[tree.kab.uuid, package.uuid]),
            reverse("amplification:task-list", args=[tree.kab.uuid])]
    [count(u) for u in urls]  # the first visit also remembers the unit in the session
    small = [count(u) for u in urls]
    for _i in range(4):
        make_package(tree, admin, recipients=[tree.kec, tree.diskominfo, tree.desa])
    AmplificationTask.objects.create(package=package, unit=tree.diskominfo)
    AmplificationTask.objects.create(package=package, unit=tree.desa)
    assert [count(u) for u in urls] == small
