"""The composer's pages: compose and edit, the live check partial, the post page, list, templates."""

import pytest
from django.urls import reverse

from tests.conftest import login_client
from tests.factories import make_member
from tests.publishing.test_posts_helpers import (
    make_image,
    make_post,
    use_fake_guideline,
)
from warta.approvals.models import ApprovalRequest
from warta.approvals.services import approval_chain_set
from warta.organisations.roles import Role
from warta.publishing import services
from warta.publishing.models import Post, PostState, Template

S = PostState


@pytest.fixture(autouse=True)
def guideline(monkeypatch):
    use_fake_guideline(monkeypatch)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def editor_client(client, editor):
    return login_client(client, editor)


def url(name, unit, *args):
    return reverse(f"publishing:{name}", args=[unit.uuid, *args])


def test_composer_get_shows_every_platform(editor_client, tree):
    response = editor_client.get(url("post-create", tree.kab))
    assert response.status_code == 200
    body = response.content.decode()
    for platform in ("facebook", "instagram", "x", "youtube", "tiktok", "telegram", "sandbox"):
        assert f'name="text_{platform}"' in body
    assert 'hx-trigger="keyup changed delay:500ms, change"' in body
    assert "composer.js" in body
    assert "<script>" not in body


def test_composer_post_creates_a_draft(editor_client, tree, editor):
    response = editor_client.post(url("post-create", tree.kab), {
        "title": "Imbauan mudik", "platforms": ["x", "sandbox"], "text_x": "Mudik aman #MudikAman",
        "text_sandbox": "Mudik aman, keluarga nyaman.", "link_sandbox": "https://bogorkab.go.id", "then": "save"})
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("post-detail", tree.kab, post.uuid)
    assert post.created_by == editor
    assert post.state == S.DRAFT
    assert dict(post.variants.values_list("platform", "link")) == {"x": "", "sandbox": "https://bogorkab.go.id"}


def test_composer_ignores_unchosen_platforms_text(editor_client, tree):
    editor_client.post(url("post-create", tree.kab), {
        "title": "Satu platform", "platforms": ["sandbox"], "text_sandbox": "Halo", "text_x": "tidak dipakai"})
    assert list(Post.objects.get().variants.values_list("platform", flat=True)) == ["sandbox"]


def test_composer_over_limit_is_400_and_stores_nothing(editor_client, tree):
    response = editor_client.post(url("post-create", tree.kab), {
        "title": "Panjang", "platforms": ["x"], "text_x": "a" * 300})
    assert response.status_code == 400
    assert "Teks 300 karakter; batas X 280." in response.content.decode()
    assert not Post.objects.exists()
    # What was typed is still there.
    assert "a" * 300 in response.content.decode()


def test_composer_needs_a_platform_and_title(editor_client, tree):
    response = editor_client.post(url("post-create", tree.kab), {"title": "", "text_x": "halo"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Judul internal wajib diisi." in body
    assert "Pilih paling sedikit satu platform." in body
    assert not Post.objects.exists()


def test_save_and_submit(editor_client, tree):
    response = editor_client.post(url("post-create", tree.kab), {
        "title": "Langsung ajukan", "platforms": ["sandbox"], "text_sandbox": "Info layanan", "then": "submit"})
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.state == S.APPROVED  # no approval chain configured: approved at once


def test_live_check_partial(editor_client, tree):
    response = editor_client.post(url("compose-check", tree.kab), {
        "platforms": ["x", "sandbox"], "text_x": "Vaksin gratis di puskesmas @dinkesbogor #SehatBersama " + "a" * 250,
        "text_sandbox": "Halo <b>warga</b> https://bogorkab.go.id"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="count-x"' in body
    assert "/ 280" in body
    assert 'class="count over"' in body
    assert "batas X 280" in body
    assert "Kata “gratis” perlu dicek kebenarannya." in body
    assert '<span class="pv-tag">#SehatBersama</span>' in body
    assert '<span class="pv-mention">@dinkesbogor</span>' in body
    assert "&lt;b&gt;warga&lt;/b&gt;" in body
    assert "<b>warga</b>" not in body
    assert '<span class="pv-link">https://bogorkab.go.id</span>' in body
    assert not Post.objects.exists()


def test_live_check_refused_to_viewer(viewer_client, tree):
    assert viewer_client.post(url("compose-check", tree.kab), {"platforms": ["x"], "text_x": "a"}).status_code == 403


def test_live_check_with_media_shows_thumbnail(editor_client, tree, editor):
    image = make_image(tree.kab, editor, 1080, 1080, alt_text="Warga antre vaksin")
    response = editor_client.post(url("compose-check", tree.kab), {
        "platforms": ["instagram"], "text_instagram": "Foto", "media_instagram": [str(image.uuid)]})
    body = response.content.decode()
    assert reverse("media:thumbnail", args=[tree.kab.uuid, image.uuid]) in body
    assert 'alt="Warga antre vaksin"' in body
    assert "memerlukan paling sedikit satu berkas" not in body


def test_edit_of_approved_post_goes_back_to_draft(editor_client, tree, editor, admin):
    make_member(tree.kab, Role.APPROVER, email="approver@bogorkab.go.id")
    approval_chain_set(actor=admin, unit=tree.kab, kind="post", levels=["approver"])
    post = make_post(tree.kab, editor)
    services.post_submit(actor=editor, post=post)
    page = editor_client.get(url("post-edit", tree.kab, post.uuid))
    assert page.status_code == 200
    assert 'data-testid="back-to-draft"' in page.content.decode()
    assert "Mudik aman, keluarga nyaman." in page.content.decode()
    response = editor_client.post(url("post-edit", tree.kab, post.uuid), {
        "title": post.title, "platforms": ["sandbox"], "text_sandbox": "Teks yang diperbaiki"}, follow=True)
    post.refresh_from_db()
    assert post.state == S.DRAFT
    assert post.version == 2
    assert ApprovalRequest.objects.get().state == ApprovalRequest.State.SUPERSEDED
    assert "perlu diajukan lagi" in response.content.decode()


def test_detail_page_shows_preview_diff_and_actions(editor_client, tree, editor):
    post = make_post(tree.kab, editor)
    services.post_update(actor=editor, post=post, variants={"sandbox": {"text": "Mudik aman <script>x</script>"}})
    services.post_comment_add(actor=editor, post=post, body="Cek jam layanan.")
    response = editor_client.get(url("post-detail", tree.kab, post.uuid))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="preview-sandbox"' in body
    assert 'data-testid="diff"' in body
    assert "<ins>" in body
    assert "<del>" in body
    assert "<script>x</script>" not in body
    assert "&lt;script&gt;x&lt;/script&gt;" in body
    assert "Cek jam layanan." in body
    assert 'data-testid="submit"' in body
    assert 'data-testid="publications"' in body


def test_viewer_sees_the_post_without_actions(viewer_client, tree, editor):
    post = make_post(tree.kab, editor)
    body = viewer_client.get(url("post-detail", tree.kab, post.uuid)).content.decode()
    assert 'data-testid="submit"' not in body
    assert 'data-testid="edit"' not in body


def test_submit_view_reports_guideline_errors(editor_client, tree, editor):
    post = make_post(tree.kab, editor, sandbox={"text": "Awas hoaks"})
    response = editor_client.post(url("post-submit", tree.kab, post.uuid), follow=True)
    assert "Kata terlarang" in response.content.decode()
    post.refresh_from_db()
    assert post.state == S.DRAFT


def test_actions_duplicate_comment_archive(client, tree, editor, admin):
    login_client(client, admin, admin.totp)
    post = make_post(tree.kab, editor)
    client.post(url("post-duplicate", tree.kab, post.uuid))
    assert Post.objects.count() == 2
    client.post(url("post-comment", tree.kab, post.uuid), {"body": "Bagus"})
    assert post.comments.get().body == "Bagus"
    client.post(url("post-comment", tree.kab, post.uuid), {"body": ""})
    assert post.comments.count() == 1
    client.post(url("post-archive", tree.kab, post.uuid), {"archived": "1"})
    post.refresh_from_db()
    assert post.archived_at is not None


def test_editor_cannot_archive(editor_client, tree, editor):
    post = make_post(tree.kab, editor)
    assert editor_client.post(url("post-archive", tree.kab, post.uuid)).status_code == 403
    post.refresh_from_db()
    assert post.archived_at is None


def test_list_filters_and_empty_state(editor_client, tree, editor):
    empty = editor_client.get(url("post-list", tree.kab)).content.decode()
    assert "Belum ada konten" in empty
    make_post(tree.kab, editor, title="Mudik Lebaran")
    make_post(tree.kec, editor, title="Posyandu Cibinong", x={"text": "Posyandu hari ini"})
    body = editor_client.get(url("post-list", tree.kab)).content.decode()
    assert "Mudik Lebaran" in body
    assert "Posyandu Cibinong" in body
    body = editor_client.get(url("post-list", tree.kab), {"platform": "x"}).content.decode()
    assert "Posyandu Cibinong" in body
    assert "Mudik Lebaran" not in body
    body = editor_client.get(url("post-list", tree.kab), {"unit": str(tree.kec.uuid)}).content.decode()
    assert "Posyandu Cibinong" in body
    assert "Mudik Lebaran" not in body
    body = editor_client.get(url("post-list", tree.kab), {"q": "lebaran"}).content.decode()
    assert "Mudik Lebaran" in body
    assert "Posyandu" not in body
    body = editor_client.get(url("post-list", tree.kab), {"state": "approved"}).content.decode()
    assert "Tidak ada konten yang cocok" in body


def test_list_paginates(editor_client, tree, editor):
    for i in range(27):
        make_post(tree.kab, editor, title=f"Konten {i:02d}")
    first = editor_client.get(url("post-list", tree.kab)).content.decode()
    assert "Halaman 1 dari 2" in first


def test_versions_page_and_bad_version(editor_client, tree, editor):
    post = make_post(tree.kab, editor)
    services.post_update(actor=editor, post=post, title="Judul baru")
    response = editor_client.get(url("post-versions", tree.kab, post.uuid), {"dari": "1", "ke": "2"})
    assert response.status_code == 200
    assert "Judul baru" in response.content.decode()
    assert editor_client.get(url("post-versions", tree.kab, post.uuid), {"dari": "9"}).status_code == 400


def test_templates_pages_and_insert_in_composer(editor_client, tree, editor, admin):
    services.template_create(actor=admin, unit=tree.jabar, kind="snippet", name="Salam Jabar", text="#JabarJuara")
    response = editor_client.post(url("template-create", tree.kab), {"kind": "snippet", "name": "Tanda tangan",
                                                                     "text": "#HumasBogor"})
    assert response.status_code == 302
    template = Template.objects.get(unit=tree.kab)
    listing = editor_client.get(url("template-list", tree.kab)).content.decode()
    assert "Tanda tangan" in listing
    assert "Salam Jabar" in listing
    composer = editor_client.get(url("post-create", tree.kab)).content.decode()
    assert 'value="#HumasBogor"' in composer
    assert 'value="#JabarJuara"' in composer
    dup = editor_client.post(url("template-create", tree.kab), {"kind": "snippet", "name": "Tanda tangan",
                                                               "text": "lain"})
    assert dup.status_code == 400
    assert "sudah dipakai" in dup.content.decode()
    editor_client.post(url("template-edit", tree.kab, template.uuid), {"kind": "snippet", "name": "Tanda tangan",
                                                                      "text": "#HumasBogor #BogorMaju"})
    template.refresh_from_db()
    assert template.text == "#HumasBogor #BogorMaju"
    editor_client.post(url("template-delete", tree.kab, template.uuid))
    assert not Template.objects.filter(unit=tree.kab).exists()


def test_sibling_cannot_see_post(sibling_client, tree, editor):
    post = make_post(tree.kab, editor)
    assert sibling_client.get(url("post-detail", tree.kota, post.uuid)).status_code == 404
