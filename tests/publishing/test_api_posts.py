"""The composer's API: posts, submit, comments, versions, templates, the check; scope and roles."""

import pytest

from tests.api import Api, assert_problem, make_token
from tests.publishing.test_posts_helpers import make_post, use_fake_guideline
from warta.core.models import AuditEvent
from warta.publishing.models import Post, PostState, Template


@pytest.fixture(autouse=True)
def guideline(monkeypatch):
    use_fake_guideline(monkeypatch)


@pytest.fixture
def editor_api(client, tree, editor):
    return Api(client, make_token(editor, tree.kab)[1])


def test_create_get_patch_list(editor_api, tree):
    response = editor_api.post(f"/units/{tree.kab.uuid}/posts", {
        "title": "Imbauan mudik", "variants": {"x": {"text": "Mudik aman #MudikAman"}}, "unit": str(tree.kec.uuid)})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft"
    assert body["version"] == 1
    assert body["unit_uuid"] == str(tree.kec.uuid)
    assert body["variants"][0]["length"] == 21
    assert body["variants"][0]["limit"] == 280
    uuid = body["uuid"]
    assert editor_api.get(f"/posts/{uuid}").json()["title"] == "Imbauan mudik"
    patched = editor_api.patch(f"/posts/{uuid}", {"variants": {"x": {"text": "Baru"}, "sandbox": {"text": "Baru"}}})
    assert patched.status_code == 200
    assert patched.json()["version"] == 2
    assert len(patched.json()["variants"]) == 2
    listing = editor_api.get(f"/units/{tree.kab.uuid}/posts", platform="sandbox").json()
    assert listing["count"] == 1
    assert listing["items"][0]["platforms"] == ["sandbox", "x"]
    versions = editor_api.get(f"/posts/{uuid}/versions").json()
    assert [v["version"] for v in versions] == [2, 1]


def test_create_over_limit_is_422_and_nothing_changes(editor_api, tree):
    before = AuditEvent.objects.count()
    response = editor_api.post(f"/units/{tree.kab.uuid}/posts", {"title": "X", "variants": {"x": {"text": "a" * 281}}})
    body = assert_problem(response, 422)
    assert "batas X 280" in " ".join(body["errors"]["variants.x"])
    assert not Post.objects.exists()
    assert AuditEvent.objects.count() == before


def test_unknown_field_and_unknown_platform(editor_api, tree):
    assert_problem(editor_api.post(f"/units/{tree.kab.uuid}/posts", {"title": "X", "variants": {}, "aneh": 1}), 422)
    body = assert_problem(editor_api.post(f"/units/{tree.kab.uuid}/posts",
                                          {"title": "X", "variants": {"myspace": {"text": "hai"}}}), 422)
    assert "Platform tidak dikenal" in body["detail"]


def test_submit_comments_archive(api, editor_api, tree, editor):
    post = make_post(tree.kab, editor, sandbox={"text": "Vaksin gratis"})
    submitted = editor_api.post(f"/posts/{post.uuid}/submit")
    assert submitted.status_code == 200
    assert submitted.json()["state"] == "approved"  # no chain
    assert submitted.json()["warnings"][0]["message"] == "Kata “gratis” perlu dicek kebenarannya."
    assert editor_api.post(f"/posts/{post.uuid}/comments", {"body": "Siap"}).status_code == 201
    assert editor_api.get(f"/posts/{post.uuid}/comments").json()[0]["body"] == "Siap"
    assert_problem(editor_api.post(f"/posts/{post.uuid}/comments", {"body": "  "}), 422)
    assert_problem(editor_api.post(f"/posts/{post.uuid}/archive", {"archived": True}), 403)
    archived = api.post(f"/posts/{post.uuid}/archive", {"archived": True})
    assert archived.status_code == 200
    assert archived.json()["archived_at"]


def test_submit_blocked_by_guideline_error(editor_api, tree, editor):
    post = make_post(tree.kab, editor, sandbox={"text": "Itu hoaks"})
    body = assert_problem(editor_api.post(f"/posts/{post.uuid}/submit"), 422)
    assert "Kata terlarang" in body["detail"]
    post.refresh_from_db()
    assert post.state == PostState.DRAFT


def test_compose_check(editor_api, tree):
    response = editor_api.post(f"/units/{tree.kab.uuid}/compose/check", {
        "variants": {"x": {"text": "gratis " + "a" * 280}, "telegram": {"text": "halo"}}})
    assert response.status_code == 200, response.content
    rows = {r["platform"]: r for r in response.json()}
    assert rows["x"]["length"] == 287
    assert rows["x"]["problems"]
    assert rows["x"]["guideline"]["warnings"][0]["message"].startswith("Kata “gratis”")
    assert rows["telegram"]["limit"] == 4096
    assert rows["telegram"]["problems"] == []
    assert not Post.objects.exists()


def test_templates(editor_api, tree):
    created = editor_api.post(f"/units/{tree.kab.uuid}/templates", {"kind": "snippet", "name": "TTD", "text": "#Humas"})
    assert created.status_code == 201
    uuid = created.json()["uuid"]
    assert editor_api.get(f"/units/{tree.kab.uuid}/templates").json()[0]["name"] == "TTD"
    assert editor_api.patch(f"/templates/{uuid}", {"text": "#HumasBogor"}).json()["text"] == "#HumasBogor"
    assert_problem(editor_api.post(f"/units/{tree.kab.uuid}/templates", {"kind": "snippet", "name": "TTD",
                                                                         "text": "x"}), 422)
    assert editor_api.delete(f"/templates/{uuid}").status_code == 204
    assert not Template.objects.exists()


def test_viewer_reads_but_gets_403_on_writes(viewer_api, tree, editor):
    post = make_post(tree.kab, editor)
    template = Template.objects.create(unit=tree.kab, kind="snippet", name="TTD", text="#Humas")
    assert viewer_api.get(f"/units/{tree.kab.uuid}/posts").status_code == 200
    assert viewer_api.get(f"/posts/{post.uuid}").status_code == 200
    before = (Post.objects.count(), post.version, Template.objects.count(), AuditEvent.objects.count())
    writes = [
        ("post", f"/units/{tree.kab.uuid}/posts", {"title": "X", "variants": {"x": {"text": "a"}}}),
        ("patch", f"/posts/{post.uuid}", {"title": "Y"}),
        ("post", f"/posts/{post.uuid}/submit", None),
        ("post", f"/posts/{post.uuid}/archive", {"archived": True}),
        ("post", f"/posts/{post.uuid}/duplicate", None),
        ("post", f"/posts/{post.uuid}/comments", {"body": "x"}),
        ("post", f"/units/{tree.kab.uuid}/compose/check", {"variants": {"x": {"text": "a"}}}),
        ("post", f"/units/{tree.kab.uuid}/templates", {"kind": "snippet", "name": "A", "text": "b"}),
        ("patch", f"/templates/{template.uuid}", {"text": "c"}),
        ("delete", f"/templates/{template.uuid}", None),
    ]
    for method, path, body in writes:
        response = viewer_api.call(method, path, body)
        assert_problem(response, 403)
    post.refresh_from_db()
    assert (Post.objects.count(), post.version, Template.objects.count(), AuditEvent.objects.count()) == before


def test_sibling_gets_404_everywhere(sibling_api, tree, editor):
    post = make_post(tree.kab, editor)
    template = Template.objects.create(unit=tree.kab, kind="snippet", name="TTD", text="#Humas")
    calls = [
        ("get", f"/units/{tree.kab.uuid}/posts", None),
        ("post", f"/units/{tree.kab.uuid}/posts", {"title": "X", "variants": {"x": {"text": "a"}}}),
        ("get", f"/posts/{post.uuid}", None),
        ("patch", f"/posts/{post.uuid}", {"title": "Y"}),
        ("post", f"/posts/{post.uuid}/submit", None),
        ("post", f"/posts/{post.uuid}/archive", {"archived": True}),
        ("post", f"/posts/{post.uuid}/duplicate", None),
        ("get", f"/posts/{post.uuid}/comments", None),
        ("post", f"/posts/{post.uuid}/comments", {"body": "x"}),
        ("get", f"/posts/{post.uuid}/versions", None),
        ("post", f"/units/{tree.kab.uuid}/compose/check", {"variants": {"x": {"text": "a"}}}),
        ("get", f"/units/{tree.kab.uuid}/templates", None),
        ("post", f"/units/{tree.kab.uuid}/templates", {"kind": "snippet", "name": "A", "text": "b"}),
        ("patch", f"/templates/{template.uuid}", {"text": "c"}),
        ("delete", f"/templates/{template.uuid}", None),
    ]
    for method, path, body in calls:
        assert_problem(sibling_api.call(method, path, body), 404)
    post.refresh_from_db()
    assert post.title == "Imbauan mudik"
    assert Template.objects.get().text == "#Humas"


def test_create_into_a_unit_outside_the_path_refused(editor_api, tree):
    body = assert_problem(editor_api.post(f"/units/{tree.kec.uuid}/posts", {
        "title": "X", "variants": {"x": {"text": "a"}}, "unit": str(tree.diskominfo.uuid)}), 422)
    assert "unit" in body["errors"]
    assert not Post.objects.exists()
