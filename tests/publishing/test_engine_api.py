"""The engine's API: schedule, publish now, unschedule, publications, delete, resolve — with
problem+json for bad input and the scope rules (sibling token 404, viewer token 403)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tests.api import Api, assert_problem, make_token
from tests.publishing.test_engine_support import TEXT, FakePlatform, make_account, make_post
from warta.publishing import dispatch, publisher
from warta.publishing.models import Post, PostState, Publication, PublicationState

P = PublicationState


@pytest.fixture
def platform(httpserver, db):
    """The fake sandbox platform (see test_engine_support), as the installation's sandbox app."""
    return FakePlatform().install(httpserver)


@pytest.fixture
def world(tree, editor, platform):
    account = make_account(tree.kab)
    post = make_post(tree.kab, author=editor)
    return type("World", (), dict(account=account, post=post, unit=tree.kab))


def api_for(client, user, unit):
    _token, raw = make_token(user, unit)
    return Api(client, raw)


def base(world):
    return f"/units/{world.unit.uuid}/posts/{world.post.uuid}"


def test_schedule_reads_a_naive_time_in_the_units_zone(client, editor, world):
    api = api_for(client, editor, world.unit)
    local = (timezone.now() + timedelta(days=1)).astimezone(world.unit.zone).replace(second=0, microsecond=0)
    response = api.post(base(world) + "/schedule", {"when": local.replace(tzinfo=None).isoformat(),
                                                    "accounts": [str(world.account.uuid)]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "scheduled"
    assert datetime.fromisoformat(body["scheduled_at"].replace("Z", "+00:00")) == local.astimezone(UTC)
    [row] = body["publications"]
    assert (row["account_handle"], row["state"], row["platform"]) == ("@humasbogorkab", "pending", "sandbox")


def test_a_schedule_in_the_past_is_a_problem_and_changes_nothing(client, editor, world):
    api = api_for(client, editor, world.unit)
    response = api.post(base(world) + "/schedule", {"when": "2020-01-01T10:00:00+07:00",
                                                    "accounts": [str(world.account.uuid)]})
    body = assert_problem(response, 422)
    assert body["detail"] == "Jadwal tidak boleh di masa lalu."
    assert Publication.objects.count() == 0
    assert Post.objects.get().state == PostState.APPROVED


def test_unknown_accounts_and_fields_are_refused(client, editor, world, tree):
    api = api_for(client, editor, world.unit)
    other = make_account(tree.kota, handle="@kotabogor", external_id="9")
    when = (timezone.now() + timedelta(days=1)).isoformat()
    body = assert_problem(api.post(base(world) + "/schedule", {"when": when, "accounts": [str(other.uuid)]}), 422)
    assert "tidak ditemukan" in body["detail"]
    assert_problem(api.post(base(world) + "/schedule", {"when": when, "kapan": "besok"}), 422)
    assert_problem(api.post(base(world) + "/schedule", {"when": "besok pagi"}), 422)
    assert Publication.objects.count() == 0


def test_an_unapproved_post_cannot_be_published(client, editor, world):
    Post.objects.filter(pk=world.post.pk).update(state=PostState.DRAFT)
    api = api_for(client, editor, world.unit)
    body = assert_problem(api.post(base(world) + "/publish-now", {"accounts": [str(world.account.uuid)]}), 422)
    assert "Hanya konten yang sudah disetujui" in body["detail"]
    assert Publication.objects.count() == 0


def test_publish_now_then_list_then_delete(client, editor, admin, world, platform, django_capture_on_commit_callbacks):
    api = api_for(client, editor, world.unit)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(base(world) + "/publish-now", {"accounts": [str(world.account.uuid)]})
    assert response.status_code == 200, response.content
    listed = api.get(base(world) + "/publications").json()
    assert [(r["state"], r["external_id"]) for r in listed] == [("published", "1000")]
    publication = listed[0]["uuid"]
    assert_problem(api.post(base(world) + f"/publications/{publication}/delete"), 403)  # editor: no delete
    admin_api = api_for(client, admin, world.unit)
    response = admin_api.post(base(world) + f"/publications/{publication}/delete")
    assert response.status_code == 200
    assert response.json()["state"] == "deleted"
    assert platform.deleted == ["1000"]
    assert [p["text"] for p in platform.posts] == [TEXT]


def test_unschedule(client, editor, world):
    api = api_for(client, editor, world.unit)
    when = (timezone.now() + timedelta(days=1)).isoformat()
    api.post(base(world) + "/schedule", {"when": when, "accounts": [str(world.account.uuid)]})
    response = api.post(base(world) + "/unschedule")
    assert response.status_code == 200
    assert response.json()["state"] == "approved"
    assert_problem(api.post(base(world) + "/unschedule"), 422)


def test_resolve_an_uncertain_publication(client, editor, world):
    Post.objects.filter(pk=world.post.pk).update(state=PostState.UNCERTAIN)
    publication = Publication.objects.create(post=world.post, account=world.account, state=P.UNCERTAIN,
                                             error_kind="needs_check", claim_token="t")
    api = api_for(client, editor, world.unit)
    path = base(world) + f"/publications/{publication.uuid}/resolve"
    assert_problem(api.post(path, {"outcome": "mungkin"}), 422)
    assert_problem(api.post(path, {"outcome": "published", "url": "ftp://x"}), 422)
    response = api.post(path, {"outcome": "published", "url": "https://sandbox.example/p/5"})
    assert response.status_code == 200
    assert response.json()["state"] == "published"
    assert Post.objects.get().state == PostState.PUBLISHED


# --- scope ---------------------------------------------------------------------------------------


def endpoints(world, publication_uuid):
    when = (timezone.now() + timedelta(days=1)).isoformat()
    pub = f"/publications/{publication_uuid}"
    return [
        ("get", "/publications", None),
        ("post", "/schedule", {"when": when, "accounts": [str(world.account.uuid)]}),
        ("post", "/publish-now", {"accounts": [str(world.account.uuid)]}),
        ("post", "/unschedule", None),
        ("post", pub + "/delete", None),
        ("post", pub + "/resolve", {"outcome": "resend"}),
    ]


def published_publication(world):
    Post.objects.filter(pk=world.post.pk).update(state=PostState.SCHEDULED)
    publication = Publication.objects.create(post=world.post, account=world.account, due_at=timezone.now())
    dispatch.publications_dispatch(enqueue=lambda ids: None)
    publisher.publish_one(publication.pk)
    return publication


def test_a_sibling_token_gets_404_everywhere(client, sibling, world, tree):
    publication = published_publication(world)
    api = api_for(client, sibling, tree.kota)
    for method, path, body in endpoints(world, publication.uuid):
        response = api.get(base(world) + path) if method == "get" else api.post(base(world) + path, body)
        assert_problem(response, 404)
        # Through its own unit in the path, the post still does not exist.
        own = f"/units/{tree.kota.uuid}/posts/{world.post.uuid}" + path
        response = api.get(own) if method == "get" else api.post(own, body)
        assert_problem(response, 404)
    publication.refresh_from_db()
    assert publication.state == P.PUBLISHED


def test_a_viewer_token_reads_but_gets_403_on_writes(client, viewer, world):
    publication = published_publication(world)
    api = api_for(client, viewer, world.unit)
    for method, path, body in endpoints(world, publication.uuid):
        if method == "get":
            assert api.get(base(world) + path).status_code == 200
        else:
            assert_problem(api.post(base(world) + path, body), 403)
    publication.refresh_from_db()
    assert publication.state == P.PUBLISHED


def test_an_unknown_post_is_404(client, editor, world):
    api = api_for(client, editor, world.unit)
    assert_problem(api.get(f"/units/{world.unit.uuid}/posts/{uuid.uuid4()}/publications"), 404)
