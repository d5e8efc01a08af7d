"""The sandbox platform's API: Bearer auth, posts and comments, paging, validation, 429."""

import json
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.sandbox.conftest import T0
from warta.sandbox.models import AccessToken, DirectMessage, Mention, Post
from warta.sandbox.services import post_create, token_issue


def test_requests_without_a_bearer_token_are_refused(client, world):
    response = client.get("/sandbox/api/me")
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "invalid_token",
                                         "message": "Sertakan header Authorization: Bearer <token>."}}


def test_an_expired_token_is_refused_with_token_expired(client, world):
    tokens = token_issue(account=world.humas)
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/sandbox/api/me", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


def test_me_and_account_lookup(api, world):
    assert api.get("/me").json()["handle"] == "humasbogorkab"
    body = api.get("/accounts/@kotabogor").json()
    assert (body["id"], body["kind"]) == (str(world.kota.pk), "official")
    assert api.get(f"/accounts/{world.kota.pk}").json()["handle"] == "kotabogor"
    assert api.get("/accounts/tidakada").status_code == 404


def test_create_a_post_derives_mentions_and_is_idempotent(api, world):
    response = api.post("/posts", {"text": "Halo @kotabogor dan @asep", "idempotency_key": "pub-1"})
    assert response.status_code == 201
    post_id = int(response.json()["id"])
    assert set(Mention.objects.filter(post_id=post_id).values_list("account__handle", flat=True)) == {"kotabogor", "asep"}
    again = api.post("/posts", {"text": "Halo @kotabogor dan @asep", "idempotency_key": "pub-1"})
    assert again.json()["id"] == str(post_id)
    assert Post.objects.count() == 1
    author = Post.objects.get().author
    author.refresh_from_db()
    assert author.posts_count == 1  # the duplicate's write was rolled back whole


def test_an_empty_post_is_refused_and_nothing_is_stored(api, world):
    response = api.post("/posts", {"text": "   "})
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "invalid_text", "message": "Teks tidak boleh kosong."}}
    assert Post.objects.count() == 0


def test_malformed_json_body_is_refused(api, world, client):
    response = client.post("/sandbox/api/posts", "{tidak json", content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {api.token['access_token']}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"


def test_comments_replies_hide_and_delete(api, world):
    post = post_create(author=world.humas, text="Jadwal layanan KTP keliling", now=T0)
    comment = post_create(author=world.asep, text="Di Cibinong kapan?", parent=post, now=T0)
    reply = api.post(f"/comments/{comment.pk}/reply", {"text": "Hari Kamis, Pak."}).json()
    assert (reply["parent_id"], reply["root_id"]) == (str(comment.pk), str(post.pk))
    listed = api.get(f"/posts/{post.pk}/comments").json()
    assert [c["id"] for c in listed["data"]] == [reply["id"], str(comment.pk)]
    assert api.post(f"/comments/{comment.pk}/hide", {"hidden": True}).json() == {"id": str(comment.pk), "hidden": True}
    post.refresh_from_db()
    assert post.comments_count == 2
    # a post of someone else can be neither deleted nor have its comments hidden
    other = post_create(author=world.kota, text="Pengumuman", now=T0)
    assert api.delete(f"/posts/{other.pk}").status_code == 403
    assert api.delete(f"/posts/{post.pk}").json() == {"deleted": True, "id": str(post.pk)}
    assert api.get(f"/posts/{post.pk}").status_code == 404


def test_paging_with_next_cursor_visits_every_post_once(api, world):
    for i in range(7):
        post_create(author=world.asep, text=f"Jalan rusak nomor {i} @humasbogorkab", now=T0 + timedelta(minutes=i))
    seen, cursor, pages = [], "", 0
    while True:
        body = api.get(f"/accounts/{world.humas.pk}/mentions", limit=3, **({"cursor": cursor} if cursor else {})).json()
        seen += [p["text"] for p in body["data"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert seen == [f"Jalan rusak nomor {i} @humasbogorkab" for i in reversed(range(7))]


def test_mentions_of_another_account_are_forbidden(api, world):
    assert api.get(f"/accounts/{world.kota.pk}/mentions").status_code == 403


def test_search_finds_public_posts_and_refuses_short_queries(api, world):
    post_create(author=world.asep, text="Banjir di Citeureup", now=T0)
    post_create(author=world.dewi, text="Jalan rusak", now=T0)
    assert [p["text"] for p in api.get("/search", q="banjir").json()["data"]] == ["Banjir di Citeureup"]
    response = api.get("/search", q="b")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Kata kunci pencarian paling sedikit 2 karakter."
    assert api.get("/search", q="banjir", cursor="!!").json()["error"]["code"] == "invalid_cursor"


def test_metrics_of_own_post_and_account(api, world):
    post = post_create(author=world.humas, text="Info", now=T0)
    post_create(author=world.asep, text="Siap", parent=post, now=T0)
    assert api.get(f"/posts/{post.pk}/metrics").json()["metrics"]["comments"] == 1
    assert api.get(f"/accounts/{world.humas.pk}/metrics").json()["posts_count"] == 1


def test_direct_messages_list_and_send(api, world):
    sent = api.post("/messages", {"to": "asep", "text": "Terima kasih laporannya"})
    assert sent.status_code == 201
    assert DirectMessage.objects.get().recipient == world.asep
    assert api.post("/messages", {"to": "siapa", "text": "x"}).status_code == 400
    assert [m["text"] for m in api.get("/messages").json()["data"]] == ["Terima kasih laporannya"]


@override_settings(SANDBOX_RATE_LIMIT=(3, 900))
def test_rate_limit_answers_429_with_retry_after(api, world):
    assert [api.get("/me").status_code for _ in range(3)] == [200, 200, 200]
    response = api.get("/me")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 901
    assert response.json()["error"]["code"] == "rate_limited"


def test_news_as_json_and_rss(api, world, client):
    from warta.sandbox.services import article_publish

    article_publish(portal=world.portal, title="Jembatan Putus di Cibinong", body="Isi berita", now=T0)
    assert api.get("/news").json()["data"][0]["title"] == "Jembatan Putus di Cibinong"
    rss = client.get("/sandbox/news/rss.xml")
    assert rss.status_code == 200
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert b"<title>Jembatan Putus di Cibinong</title>" in rss.content


def test_scenario_api_needs_the_admin_scope(client, world):
    plain = token_issue(account=world.humas)
    admin = token_issue(account=world.humas, scope="admin")
    url = "/sandbox/api/scenarios/banjir-bogor/start"
    assert client.post(url, HTTP_AUTHORIZATION=f"Bearer {plain['access_token']}").status_code == 403
    response = client.post(url, HTTP_AUTHORIZATION=f"Bearer {admin['access_token']}")
    assert response.status_code == 201
    assert json.loads(response.content)["state"] == "running"
    listed = client.get("/sandbox/api/scenarios", HTTP_AUTHORIZATION=f"Bearer {plain['access_token']}").json()
    assert {s["slug"]: s["state"] for s in listed["data"]}["banjir-bogor"] == "running"


@pytest.mark.parametrize("method", ["put", "patch"])
def test_unsupported_methods_answer_405(client, api, method):
    response = getattr(client, method)("/sandbox/api/me", HTTP_AUTHORIZATION=f"Bearer {api.token['access_token']}")
    assert response.status_code == 405


def test_a_post_with_an_image_upload(client, api, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    image = SimpleUploadedFile("poster.png", b"\x89PNG\r\n\x1a\n bytes", content_type="image/png")
    response = client.post("/sandbox/api/posts", {"text": "Poster vaksinasi", "image": image},
                           HTTP_AUTHORIZATION=f"Bearer {api.token['access_token']}")
    assert response.status_code == 201
    assert response.json()["image_url"].startswith("http://testserver/media/sandbox/")
    not_image = SimpleUploadedFile("a.txt", b"teks", content_type="text/plain")
    refused = client.post("/sandbox/api/posts", {"text": "x", "image": not_image},
                          HTTP_AUTHORIZATION=f"Bearer {api.token['access_token']}")
    assert refused.json()["error"] == {"code": "invalid_image", "message": "Berkas ini bukan gambar."}
    assert Post.objects.count() == 1


def test_since_filters_and_a_naive_since_is_refused(api, world):
    post_create(author=world.asep, text="lama @humasbogorkab", now=T0)
    post_create(author=world.asep, text="baru @humasbogorkab", now=T0 + timedelta(hours=2))
    body = api.get(f"/accounts/{world.humas.pk}/mentions", since=(T0 + timedelta(hours=1)).isoformat()).json()
    assert [p["text"] for p in body["data"]] == ["baru @humasbogorkab"]
    refused = api.get(f"/accounts/{world.humas.pk}/mentions", since="2026-03-02T10:00:00")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_since"
