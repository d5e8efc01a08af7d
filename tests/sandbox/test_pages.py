"""The sandbox's pages: the timeline for signed-in users, the admin for installation admins."""

from datetime import UTC, datetime

from warta.core.models import AuditEvent
from warta.sandbox.models import Post, RunState, ScenarioRun, SimulationState
from warta.sandbox.services import post_create

T0 = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def _superuser(admin):
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])


def test_the_timeline_shows_citizens_posts_but_not_hidden_comments(viewer_client, world):
    post = post_create(author=world.asep, text="Jalan di Cibinong berlubang @humasbogorkab", now=T0)
    post_create(author=world.dewi, text="Komentar tersembunyi", parent=post, now=T0)
    Post.objects.filter(parent=post).update(hidden=True)
    page = viewer_client.get("/sandbox/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Jalan di Cibinong berlubang @humasbogorkab" in html
    assert "Komentar tersembunyi" not in html
    assert "Jalan di Cibinong" in viewer_client.get("/sandbox/", {"akun": "asep"}).content.decode()
    assert "Jalan di Cibinong" not in viewer_client.get("/sandbox/", {"akun": "dewi"}).content.decode()


def test_an_empty_timeline_says_what_to_do(viewer_client, db):
    assert "Belum ada kiriman." in viewer_client.get("/sandbox/").content.decode()


def test_installation_admin_starts_and_stops_the_simulation(admin_client, admin, db):
    _superuser(admin)
    assert admin_client.get("/sandbox/admin/").status_code == 200
    response = admin_client.post("/sandbox/admin/simulasi/", {"action": "start", "speed": "2,5"})
    assert response.status_code == 302
    state = SimulationState.objects.get()
    assert (state.running, state.speed) == (True, 2.5)
    assert AuditEvent.objects.filter(action="sandbox.simulation_update", actor=admin).count() == 1
    admin_client.post("/sandbox/admin/simulasi/", {"action": "stop"})
    assert SimulationState.objects.get().running is False


def test_a_bad_speed_is_refused_with_a_message(admin_client, admin, db):
    _superuser(admin)
    response = admin_client.post("/sandbox/admin/simulasi/", {"action": "speed", "speed": "500"}, follow=True)
    assert "Kecepatan harus antara 0,1 dan 100." in response.content.decode()
    assert SimulationState.objects.get().speed == 1.0


def test_scenarios_start_and_stop_from_the_admin_pages(admin_client, admin, db):
    _superuser(admin)
    page = admin_client.get("/sandbox/admin/skenario/")
    assert "Jembatan putus di Kecamatan Cibinong" in page.content.decode()
    admin_client.post("/sandbox/admin/skenario/banjir-bogor/mulai/")
    assert ScenarioRun.objects.get().state == RunState.RUNNING
    again = admin_client.post("/sandbox/admin/skenario/banjir-bogor/mulai/", follow=True)
    assert "Skenario ini sedang berjalan." in again.content.decode()
    admin_client.post("/sandbox/admin/skenario/banjir-bogor/hentikan/")
    assert ScenarioRun.objects.get().state == RunState.STOPPED


def test_a_unit_admin_is_not_an_installation_admin(admin_client, db):
    assert admin_client.post("/sandbox/admin/skenario/banjir-bogor/mulai/").status_code == 403
    assert ScenarioRun.objects.count() == 0


def test_a_post_link_shows_the_conversation(viewer_client, world):
    post = post_create(author=world.humas, text="Layanan KTP keliling", now=T0)
    post_create(author=world.asep, text="Di Cibinong kapan?", parent=post, now=T0)
    html = viewer_client.get("/sandbox/", {"kiriman": post.pk}).content.decode()
    assert "Layanan KTP keliling" in html
    assert "Di Cibinong kapan?" in html


def test_the_timeline_query_count_does_not_grow_with_posts(viewer_client, world, django_assert_max_num_queries):
    for i in range(40):
        post_create(author=world.asep if i % 2 else world.dewi, text=f"Kiriman {i}", now=T0)
    viewer_client.get("/sandbox/")  # warm the session and the membership caches
    with django_assert_max_num_queries(12):
        assert viewer_client.get("/sandbox/").status_code == 200
