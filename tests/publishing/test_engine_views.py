"""The engine's pages: the publications panel, schedule, publish now, unschedule, delete from
the platform, settle an uncertain publication — and their scope (sibling 404, viewer 403)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login_client
from tests.publishing.test_engine_support import TEXT, FakePlatform, make_account, make_post
from warta.core.models import AuditEvent
from warta.publishing import dispatch, publisher
from warta.publishing.fingerprint import fingerprint
from warta.publishing.models import Post, PostState, Publication, PublicationState

HTMX = {"HTTP_HX_REQUEST": "true"}
P = PublicationState


@pytest.fixture
def platform(httpserver, db):
    """The fake sandbox platform (see test_engine_support), as the installation's sandbox app."""
    return FakePlatform().install(httpserver)


@pytest.fixture
def editor_client(client, editor):
    return login_client(client, editor)


@pytest.fixture
def world(tree, editor, platform):
    account = make_account(tree.kab)
    post = make_post(tree.kab, author=editor)
    return type("World", (), dict(account=account, post=post, unit=tree.kab))


def url(name, world, *extra):
    return reverse(f"publishing:{name}", args=[world.unit.uuid, world.post.uuid, *extra])


def local_input(delta: timedelta) -> tuple[str, datetime]:
    """A datetime-local value in WIB and the UTC instant it means."""
    at = (timezone.now() + delta).astimezone(UTC).replace(second=0, microsecond=0)
    return (at + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M"), at


def test_the_panel_shows_the_schedule_form(editor_client, world):
    response = editor_client.get(url("publications", world), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="schedule-form"' in body
    assert str(world.account.uuid) in body
    assert "Belum ada publikasi" in body


def test_the_post_page_include_loads_the_panel(rf, world):
    from django.template.loader import render_to_string

    html = render_to_string("publishing/_publications.html", {"post": world.post, "unit": world.unit})
    assert 'hx-trigger="load"' in html
    assert url("publications", world) in html


def test_schedule_in_the_units_zone(editor_client, world):
    value, at = local_input(timedelta(hours=2))
    response = editor_client.post(url("post-schedule", world), {"when": value, "accounts": [world.account.uuid]},
                                  **HTMX)
    assert response.status_code == 200
    assert "Dijadwalkan terbit" in response.content.decode()
    publication = Publication.objects.get()
    assert publication.due_at == at
    world.post.refresh_from_db()
    assert world.post.state == PostState.SCHEDULED


@pytest.mark.parametrize(("value", "message"), [
    ("", "Isi tanggal dan jam terbit"),
    ("besok pagi", "Isi tanggal dan jam terbit"),
    ("2020-01-01T10:00", "Jadwal tidak boleh di masa lalu."),
])
def test_a_bad_schedule_is_refused_and_nothing_changes(editor_client, world, value, message):
    response = editor_client.post(url("post-schedule", world), {"when": value, "accounts": [world.account.uuid]},
                                  **HTMX)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Publication.objects.count() == 0
    world.post.refresh_from_db()
    assert world.post.state == PostState.APPROVED


def test_an_account_of_another_unit_cannot_be_chosen(editor_client, world, tree):
    other = make_account(tree.kota, handle="@kotabogor", external_id="9")
    value, _at = local_input(timedelta(hours=2))
    response = editor_client.post(url("post-schedule", world), {"when": value, "accounts": [other.uuid]}, **HTMX)
    assert "tidak ditemukan atau tidak dapat dipakai" in response.content.decode()
    assert Publication.objects.count() == 0


def test_publish_now_and_unschedule(editor_client, world, platform, django_capture_on_commit_callbacks):
    value, _at = local_input(timedelta(hours=2))
    editor_client.post(url("post-schedule", world), {"when": value, "accounts": [world.account.uuid]}, **HTMX)
    response = editor_client.post(url("post-unschedule", world), **HTMX)
    assert "Jadwal dibatalkan" in response.content.decode()
    assert Publication.objects.get().state == P.CANCELLED
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url("post-publish-now", world), {"accounts": [world.account.uuid]}, **HTMX)
    assert response.status_code == 200
    assert Publication.objects.get().state == P.PUBLISHED
    assert [p["text"] for p in platform.posts] == [TEXT]


def published(world):
    Post.objects.filter(pk=world.post.pk).update(state=PostState.SCHEDULED)
    publication = Publication.objects.create(post=world.post, account=world.account, due_at=timezone.now())
    dispatch.publications_dispatch(enqueue=lambda ids: None)
    assert publisher.publish_one(publication.pk) == "published"
    return publication


def test_delete_from_the_platform_needs_the_delete_role(client, editor, admin, world, platform):
    publication = published(world)
    editor_client = login_client(client, editor)
    target = url("publication-delete", world, publication.uuid)
    assert editor_client.post(target, **HTMX).status_code == 403  # editors schedule; approvers and admins delete
    client.logout()
    admin_client = login_client(client, admin, admin.totp)
    response = admin_client.post(target, **HTMX)
    assert response.status_code == 200
    assert "dihapus dari @humasbogorkab" in response.content.decode()
    publication.refresh_from_db()
    assert publication.state == P.DELETED
    assert platform.deleted == ["1000"]
    assert AuditEvent.objects.filter(action="publication.delete", actor=admin).count() == 1


def uncertain(world):
    Post.objects.filter(pk=world.post.pk).update(state=PostState.UNCERTAIN)
    return Publication.objects.create(post=world.post, account=world.account, state=P.UNCERTAIN,
                                      error_kind="needs_check", fingerprint=fingerprint(TEXT), claim_token="t")


def test_resolve_an_uncertain_publication_by_hand(editor_client, world, platform):
    publication = uncertain(world)
    target = url("publication-resolve", world, publication.uuid)
    panel = editor_client.get(url("publications", world), **HTMX).content.decode()
    assert 'data-testid="mark-published"' in panel
    response = editor_client.post(target, {"outcome": "published", "url": "bukan alamat"}, **HTMX)
    assert "Isi alamat kiriman di platform" in response.content.decode()
    publication.refresh_from_db()
    assert publication.state == P.UNCERTAIN
    response = editor_client.post(target, {"outcome": "published", "url": "https://sandbox.example/p/9"}, **HTMX)
    assert "Dicatat sudah terbit" in response.content.decode()
    publication.refresh_from_db()
    assert (publication.state, publication.url) == (P.PUBLISHED, "https://sandbox.example/p/9")
    world.post.refresh_from_db()
    assert world.post.state == PostState.PUBLISHED
    assert platform.received == []


def test_resend_an_uncertain_publication(editor_client, world, platform, django_capture_on_commit_callbacks):
    publication = uncertain(world)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url("publication-resolve", world, publication.uuid), {"outcome": "resend"},
                                      **HTMX)
    assert "Dikirim ulang" in response.content.decode()
    publication.refresh_from_db()
    assert publication.state == P.PUBLISHED
    assert len(platform.received) == 1


# --- scope ---------------------------------------------------------------------------------------


ACTIONS = ("post-schedule", "post-publish-now", "post-unschedule")


def test_a_sibling_unit_sees_nothing(sibling_client, world, tree):
    assert sibling_client.get(url("publications", world), **HTMX).status_code == 404
    for name in ACTIONS:
        assert sibling_client.post(url(name, world), **HTMX).status_code == 404
    publication = uncertain(world)
    assert sibling_client.post(url("publication-resolve", world, publication.uuid),
                               {"outcome": "resend"}).status_code == 404
    assert sibling_client.post(url("publication-delete", world, publication.uuid)).status_code == 404
    # Nor through its own unit's URL: the post is not in Kota Bogor's subtree.
    own = reverse("publishing:publications", args=[tree.kota.uuid, world.post.uuid])
    assert sibling_client.get(own, **HTMX).status_code == 404
    assert Publication.objects.get().state == P.UNCERTAIN


def test_a_viewer_reads_but_cannot_act(viewer_client, world):
    response = viewer_client.get(url("publications", world), **HTMX)
    assert response.status_code == 200
    assert 'data-testid="schedule-form"' not in response.content.decode()
    value, _at = local_input(timedelta(hours=2))
    for name in ACTIONS:
        assert viewer_client.post(url(name, world), {"when": value, "accounts": [world.account.uuid]},
                                  **HTMX).status_code == 403
    publication = uncertain(world)
    assert viewer_client.post(url("publication-resolve", world, publication.uuid),
                              {"outcome": "resend"}).status_code == 403
    assert viewer_client.post(url("publication-delete", world, publication.uuid)).status_code == 403
    assert Publication.objects.get().state == P.UNCERTAIN


def test_an_unknown_post_or_publication_is_404(editor_client, world):
    import uuid

    missing = reverse("publishing:publications", args=[world.unit.uuid, uuid.uuid4()])
    assert editor_client.get(missing, **HTMX).status_code == 404
    assert editor_client.post(url("publication-resolve", world, uuid.uuid4()), {"outcome": "resend"}).status_code == 404
